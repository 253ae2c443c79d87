"""Integrations pages for plant managers: API tokens, webhooks and the API audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plant.access import EDIT_MASTER_DATA, access_record, access_token, check_role
from plant.errors import DomainError
from plant.integrations.forms import TokenForm, WebhookForm
from plant.integrations.tokens import create_api_token, revoke_api_token
from plant.integrations.webhooks import replay_webhook_delivery, save_webhook_subscription
from plant.models import ApiAuditEntry, ApiToken, WebhookDelivery, WebhookSubscription
from plant.selectors import require_plant
from plant.services.records import delete_record


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


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The latest API writes in the plant: who, when, what changed."""
    _check_manager(request)
    plant = require_plant(request)
    entries = ApiAuditEntry.objects.filter(plant=plant).select_related("user", "token")[:200]
    return render(request, "plant/integration_audit.html", {"entries": entries})


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The plant's subscriptions (with their signing secrets), a form to add one, and the
    latest deliveries with their attempt log and a replay button."""
    _check_manager(request)
    plant = require_plant(request)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_webhook_subscription(plant=plant, **form.cleaned_data)
            messages.success(request, "Subscription added.")
            return redirect("plant:integration-webhooks")
        except DomainError as error:
            form.add_error(None, error.message)
    deliveries = (
        WebhookDelivery.objects.filter(subscription__plant=plant)
        .select_related("subscription")
        .prefetch_related("log")[:50]
    )
    context = {
        "form": form,
        "subscriptions": WebhookSubscription.objects.filter(plant=plant),
        "deliveries": deliveries,
    }
    return render(request, "plant/integration_webhooks.html", context)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _check_manager(request)
    subscription = access_record(request.user, WebhookSubscription.objects.all(), pk, edit=True)
    delete_record(record=subscription)
    messages.success(request, f"Subscription to {subscription.url} removed.")
    return redirect("plant:integration-webhooks")


@login_required
@require_POST
def webhook_replay(request: HttpRequest, pk: str) -> HttpResponse:
    _check_manager(request)
    delivery = access_record(request.user, WebhookDelivery.objects.all(), pk, edit=True)
    replay_webhook_delivery(delivery=delivery)
    messages.success(request, f"{delivery.event} queued again for {delivery.subscription.url}.")
    return redirect("plant:integration-webhooks")
