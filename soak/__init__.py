"""The soak test: the real application under gunicorn and a throwaway PostgreSQL, many simulated
users doing real journeys for minutes, a database restart and an app-server kill in the middle.

``make soak`` runs :mod:`soak.runner` (``python -m soak``); the database side (accounts for the
simulated users, and the checks afterwards) lives in :mod:`soak.seed` and :mod:`soak.verify` and is
reached through the ``soak_seed`` and ``soak_verify`` management commands of this app, which only
``config.soak_settings`` installs. See docs/reliability.md ("Load and faults").
"""
