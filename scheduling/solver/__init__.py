"""Takt's scheduling engine: pure Python plus OR-Tools CP-SAT, no Django."""
