"""Importing records from a CSV or XLSX file: read, preview, confirm.

`spreadsheet` reads a file into rows and parses cells (no database); `services` plans a file
row by row (`preview_import`) and applies it all or nothing (`apply_import`), with the
planners for items, machines and routings; a higher app adds its own kind with
`register_importer` from its `AppConfig.ready()`. `views` and `urls` are the pages, mounted at
`imports/` by `plant/urls.py`.
"""
