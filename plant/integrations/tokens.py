"""API tokens for integration users: create (the secret is shown once), check, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from plant.errors import RuleViolation, StateConflict
from plant.models import ApiToken, Plant, PlantMembership, Role

TOKEN_PREFIX = "takt_"
MAX_LIFETIME_DAYS = 730


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer token; never stored, shown once


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_token(raw: str) -> str | None:
    """The lookup prefix of a well-formed token (`takt_<prefix>_<secret>`), else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if len(prefix) != 8 or len(secret) < 20:
        return None
    return prefix


def integration_user(*, username: str, plants: list[Plant], issued_by: Any = None) -> Any:
    """The integration user with this name, created if new, a member of `plants`.

    An existing user must already be an integration user (ERP role, no password login), so
    a token can never be issued in a person's name; and one the issuer manages: every plant
    it belongs to is one of the issuer's, so a manager of plant B cannot take plant A's
    integration user into B (`issued_by` None: the command line, run by an administrator).
    """
    user_model = get_user_model()
    group, _ = Group.objects.get_or_create(name=Role.ERP)
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(group)
    elif user.has_usable_password() or not user.groups.filter(pk=group.pk).exists():
        raise RuleViolation(
            f"'{username}' is a person's login, not an integration user.",
            detail={"username": ["Not an integration user."]},
        )
    elif issued_by is not None and not issued_by.is_superuser:
        theirs = set(PlantMembership.objects.filter(user=user).values_list("plant_id", flat=True))
        mine = set(Plant.objects.for_user(issued_by).values_list("pk", flat=True))
        if not theirs <= mine:
            raise RuleViolation(
                f"'{username}' is an integration user of a plant you do not manage.",
                detail={"username": ["Another plant's integration user."]},
            )
    for plant in plants:
        PlantMembership.objects.get_or_create(user=user, plant=plant)
    return user


def create_api_token(
    *,
    created_by: Any,
    username: str,
    name: str,
    plants: list[Plant],
    scope: str,
    expires_in_days: int,
) -> IssuedToken:
    """Issue a token for the integration user `username` (created if new).

    Preconditions: the creator may manage integrations in every plant given (the caller
    checks). Returns the token row and the secret, which is not stored anywhere.
    """
    if not plants:
        raise RuleViolation("Choose at least one plant.", detail={"plants": ["Required."]})
    if not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise RuleViolation(
            f"A token lives 1 to {MAX_LIFETIME_DAYS} days.",
            detail={"expires_in_days": ["Out of range."]},
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    # Not durable: the admin calls this inside its own change-form transaction.
    with transaction.atomic():
        user = integration_user(username=username.strip(), plants=plants, issued_by=created_by)
        token = ApiToken.objects.create(
            name=name.strip() or username,
            user=user,
            scope=scope,
            prefix=prefix,
            secret_hash=hash_token(raw),
            expires_at=timezone.now() + dt.timedelta(days=expires_in_days),
            created_by=created_by,
        )
        token.plants.set(plants)
    return IssuedToken(token=token, secret=raw)


def find_token(raw: str) -> ApiToken | None:
    """The token this bearer string is, checked in constant time; None if unknown."""
    prefix = split_token(raw)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    return token


def touch_token(*, token: ApiToken) -> None:
    """Record use, at most once a minute per token (a write per request would be wasteful)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revoke now; the next request with it gets 401. Revoking twice is a conflict."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise StateConflict("This token is already revoked.")
    token.refresh_from_db()
    return token
