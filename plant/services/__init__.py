"""Write operations on master data. Pages, the API, imports and the demo loader call these."""
