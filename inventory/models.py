"""Models of the inventory app arrive with its issue."""
