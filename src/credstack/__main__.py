from credstack.cli.main import main

main()
