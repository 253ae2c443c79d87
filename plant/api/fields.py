"""Serializer fields with a schema of their own."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{2}:\d{2}(:\d{2})?$",
        "example": "06:00:00",
        "description": "Plant-local wall-clock time, HH:MM[:SS], no offset.",
    }
)
class WallClockTimeField(serializers.TimeField):
    """A shift's time of day: local to the plant, so not an RFC 3339 time with an offset."""
