"""Models of the staffing app arrive with its issue."""
