"""The shop floor: what actually happens, reported from tablets, terminals and MES.

A step's life on the floor (`operations.py`: start, pause, resume, report, complete), the
machine's (`downtime.py`: down, up, downtime, notes), the event log and idempotency of posted
events (`events.py`), one door for every action (`actions.py`), a reschedule from the floor
(`reschedule.py`), reads (`selectors.py`), OEE and adherence (`oee.py`), tablet and manager
pages (`views.py`, `forms.py`, `urls.py`) and the API (`api.py`, `completions.py`,
`serializers.py`, `api_urls.py`). The top layer: it may import `planning` and `orders`.
"""
