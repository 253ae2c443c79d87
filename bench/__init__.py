"""Benchmarks: never part of the tests; `make bench`, `make bench-floor`, `make bench-api`.

solver.py   the solver on the public instances, generated shops and plants (gap, time to
            first schedule, memory)
gantt.py    the Gantt chart's render time in headless Chromium
floor.py    simulated tablets posting WIP events to gunicorn + PostgreSQL, then an audit
api.py      the ERP's bulk upsert of orders through the API
"""
