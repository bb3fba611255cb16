from credstack.cli.main import main

# Guarded: the signing processes (adapters/signing_pool.py) import this module as __mp_main__.
if __name__ == "__main__":
    main()
