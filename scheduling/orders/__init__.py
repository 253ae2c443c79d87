"""Production orders: what the plant has been asked to make.

Services (`services.py`: save, cancel), the ERP's upsert by external reference (`sync.py`),
spreadsheet imports (`imports.py`), pages (`views.py`, `forms.py`, `urls.py`), the API
(`api.py`, `serializers.py`, `api_urls.py`) and the demo orders (`demo.py`). The bottom layer
of `scheduling`: it imports neither `planning` nor `floor` (import-linter keeps it so).
"""
