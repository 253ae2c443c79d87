"""Integrations pages for plant managers: API tokens, webhooks and the API audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plant.access import EDIT_MASTER_DATA, access_token, check_role
from plant.errors import DomainError
from plant.forms_integrations import TokenForm
from plant.models import ApiToken
from plant.services.tokens import create_api_token, revoke_api_token
from plant.views_masterdata import require_plant


def _check_manager(request: HttpRequest) -> None:
    check_role(request.user, EDIT_MASTER_DATA, "manage integrations")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The plant's tokens and a form to issue one; a new token's secret is shown once."""
    _check_manager(request)
    plant = require_plant(request)
    form = TokenForm(request.POST or None, user=request.user)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = create_api_token(
                created_by=request.user,
                username=data["username"],
                name=data["name"],
                plants=list(data["plants"]),
                scope=data["scope"],
                expires_in_days=data["expires_in_days"],
            )
            form = TokenForm(user=request.user, initial={"plants": [plant]})
        except DomainError as error:
            form.add_error(None, error.message)
    elif request.method != "POST":
        form = TokenForm(user=request.user, initial={"plants": [plant]})
    tokens = (
        ApiToken.objects.for_plant(plant)
        .select_related("user")
        .prefetch_related("plants")
        .order_by("-created_at", "-pk")
    )
    context = {"form": form, "issued": issued, "tokens": tokens}
    return render(request, "plant/integration_tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    try:
        token = revoke_api_token(token=token)
    except DomainError as error:
        messages.error(request, error.message)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "plant/_token_row.html", {"t": token})
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("plant:integration-tokens")
