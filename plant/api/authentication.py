"""Bearer tokens for ERP clients: `Authorization: Bearer takt_…`.

Browsers keep session authentication, which enforces CSRF; a token request carries no
cookie and needs none. A token narrows what its user sees to the token's plants (the
querysets' `.for_user()` reads `user.token_plant_ids`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from plant.integrations.tokens import find_token, touch_token
from plant.models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        token = find_token(raw.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API token.", code="token_invalid")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token was revoked.", code="token_revoked")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired.", code="token_expired")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Its user is inactive.", code="token_invalid")
        user: Any = token.user
        user.token_plant_ids = frozenset(token.plants.values_list("pk", flat=True))
        touch_token(token=token)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the Integrations page: `Bearer takt_…`.",
        }


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None
