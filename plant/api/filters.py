"""The filters every master-data list accepts: `plant` (code) and `updated_since`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

LIST_PARAMETERS = [
    OpenApiParameter(
        "plant", OpenApiTypes.STR, description="Only records of the plant with this code."
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description=(
            "Only records changed at or after this ISO 8601 datetime "
            "(UTC if it has no offset), for incremental sync."
        ),
    ),
]


def parse_updated_since(value: str, name: str = "updated_since") -> dt.datetime:
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            {name: [f"'{value}' is not an ISO 8601 datetime (2025-01-31T08:00:00Z)."]}
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        # In UTC: PostgreSQL refuses offsets past ±15:59 that Python accepts.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationError({name: [f"'{value}' is out of range."]}) from None


def filter_master_data(queryset: models.QuerySet[Any], params: Any) -> models.QuerySet[Any]:
    """Apply `plant` and `updated_since` from the query string to a plant-scoped queryset."""
    plant_code = params.get("plant")
    if plant_code:
        path = getattr(queryset, "plant_path", "plant")
        lookup = "code" if path == "pk" else f"{path}__code"
        queryset = queryset.filter(**{lookup: plant_code})
    since = params.get("updated_since")
    if since:
        queryset = queryset.filter(updated_at__gte=parse_updated_since(since))
    return queryset
