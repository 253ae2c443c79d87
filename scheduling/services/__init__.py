"""Scheduling operations: pages, API views, tasks and commands all call these."""
