"""Planning: schedule runs, from the settings and what-if scenario of a run to a published
schedule.

Run settings and scenarios (`run_settings.py`), run services (`runs.py`: create, cancel,
pin, publish), the worker side of a solve (`worker.py`), the database <-> solver adapters
(`adapters.py`) with the floor's facts a plan respects (`actuals.py`), the schedule's figures
(`kpis.py`), reads (`selectors.py`), pages (`views.py`, `forms.py`, `urls.py`) and the API for
runs, the schedule and dispatch lists (`api.py`, `serializers.py`, `api_urls.py`). The
middle layer: it may import `orders`, never `floor`.
"""
