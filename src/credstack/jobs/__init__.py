"""Long work as tasks: bulk issuance, status-list publishing and email.

Task functions (``tasks``) call services through a unit of work; services ask for a task
through the ``TaskQueue`` port, which hands it over once their transaction commits. On
PostgreSQL the tasks go to procrastinate and ``credstack worker`` processes run them; with
SQLite a thread of the process that asked runs them (``inprocess``).
"""
