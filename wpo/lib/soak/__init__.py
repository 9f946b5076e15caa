"""The soak test: the real application under gunicorn and a throwaway PostgreSQL, many simulated
users doing real journeys for minutes, a database restart and an app-server kill in the middle.

``make soak`` runs :mod:`wpo.lib.soak.runner`; the database side (accounts for the simulated users,
and the checks afterwards) lives in :mod:`wpo.lib.soak.seed` and :mod:`wpo.lib.soak.verify` and is
reached through the ``soak_seed`` and ``soak_verify`` management commands. See docs/reliability.md ("Load and faults").
"""
