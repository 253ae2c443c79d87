"""Models of the quality app arrive with its issue."""
