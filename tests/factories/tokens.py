"""API tokens for tests: an ERP client persona that calls with `Authorization: Bearer`."""

from __future__ import annotations

from typing import Any

from plant.integrations.tokens import IssuedToken, create_api_token
from plant.models import Plant


def issue_token(
    *plants: Plant, scope: str = "write", username: str = "erp", days: int = 30
) -> IssuedToken:
    return create_api_token(
        created_by=None,
        username=username,
        name=f"{username} test",
        plants=list(plants),
        scope=scope,
        expires_in_days=days,
    )


def bearer(issued: IssuedToken) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
