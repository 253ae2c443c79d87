"""The Integrations pages: managers issue and revoke tokens; nobody else may."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from plant.models import ApiToken
from tests.factories.tokens import bearer, issue_token
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


def test_a_manager_issues_a_token_sees_it_once_and_it_works(manager_client, plant) -> None:
    url = reverse("plant:integration-tokens")
    response = manager_client.post(
        url,
        {
            "name": "SAP",
            "username": "sap-erp",
            "plants": [plant.pk],
            "scope": "write",
            "expires_in_days": 30,
        },
    )
    assert response.status_code == 200
    secret = re.search(r"takt_[0-9a-f]{8}_[\w-]+", response.content.decode())
    assert secret is not None
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret.group(0)}")
    assert api.get("/api/v1/plants/").json()["results"][0]["code"] == plant.code
    assert secret.group(0) not in manager_client.get(url).content.decode()


def test_a_manager_revokes_a_token_with_htmx_and_it_stops_working(manager_client, plant) -> None:
    issued = issue_token(plant)
    url = reverse("plant:integration-token-revoke", args=[issued.token.pk])
    response = manager_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Revoked" in response.content.decode()
    assert Client(**bearer(issued)).get("/api/v1/plants/").status_code == 401


def test_a_supervisor_may_not_open_the_token_page(client, supervisor) -> None:
    client.force_login(supervisor)
    assert client.get(reverse("plant:integration-tokens")).status_code == 403


def test_an_outsider_cannot_revoke_another_plants_token(outsider_client, plant) -> None:
    issued = issue_token(plant)
    url = reverse("plant:integration-token-revoke", args=[issued.token.pk])
    with unchanged():
        assert outsider_client.post(url).status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_the_admin_issues_a_token_through_the_service_and_shows_it_once(
    admin_client, plant
) -> None:
    response = admin_client.post(
        reverse("admin:plant_apitoken_add"),
        {
            "name": "MES",
            "username": "mes",
            "plants": [plant.pk],
            "scope": "read",
            "expires_in_days": 10,
        },
        follow=True,
    )
    secret = re.search(r"takt_[0-9a-f]{8}_[\w-]+", response.content.decode())
    assert secret is not None, response.content.decode()[:2000]
    token = ApiToken.objects.get(name="MES")
    assert token.user.username == "mes" and list(token.plants.all()) == [plant]
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {secret.group(0)}").get("/api/v1/plants/").status_code
        == 200
    )


def test_the_audit_page_lists_api_writes_in_a_fixed_number_of_queries(
    manager_client, plant, erp_client, django_assert_num_queries
) -> None:
    for code in ("A1", "A2", "A3"):
        body = {"plant": plant.code, "code": code, "name": code}
        assert erp_client.post("/api/v1/work-centres/", body, "application/json").status_code == 201
    url = reverse("plant:integration-audit")
    manager_client.get(url)
    with django_assert_num_queries(5):  # session, user, roles, plants, entries (+user, token)
        html = manager_client.get(url).content.decode()
    assert html.count("plant.workcentre") == 3 and "erp" in html


def test_a_manager_subscribes_a_webhook_and_replays_a_delivery(manager_client, plant) -> None:
    from plant.integrations.webhooks import emit_event
    from plant.models import WebhookDelivery, WebhookSubscription

    url = reverse("plant:integration-webhooks")
    response = manager_client.post(
        url, {"url": "https://erp.example.com/takt", "events": ["schedule.published"]}
    )
    assert response.status_code == 302
    sub = WebhookSubscription.objects.get(plant=plant)
    assert sub.secret in manager_client.get(url).content.decode()
    (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
    manager_client.post(reverse("plant:integration-webhook-replay", args=[delivery.pk]))
    assert WebhookDelivery.objects.get(replay_of=delivery).payload == delivery.payload


def test_an_outsider_cannot_replay_or_remove_another_plants_webhooks(
    outsider_client, plant
) -> None:
    from plant.integrations.webhooks import emit_event, save_webhook_subscription

    sub = save_webhook_subscription(
        plant=plant, url="https://e.example.com", events=["run.finished"]
    )
    (delivery,) = emit_event(plant=plant, event="run.finished", payload={})
    replay = reverse("plant:integration-webhook-replay", args=[delivery.pk])
    delete = reverse("plant:integration-webhook-delete", args=[sub.pk])
    with unchanged():
        assert outsider_client.post(replay).status_code == 404
        assert outsider_client.post(delete).status_code == 404


def test_the_token_and_webhook_pages_cost_the_same_queries_for_one_row_or_many(
    manager_client, plant, django_assert_num_queries
) -> None:
    from plant.integrations.webhooks import emit_event, save_webhook_subscription

    def grow(n: int) -> None:
        issue_token(plant, username=f"erp{n}")
        save_webhook_subscription(
            plant=plant, url=f"https://e{n}.example.com", events=["run.finished"]
        )
        emit_event(plant=plant, event="run.finished", payload={})

    grow(0)
    counts = {}
    for url in (reverse("plant:integration-tokens"), reverse("plant:integration-webhooks")):
        manager_client.get(url)
        with django_assert_num_queries(7) as ctx:
            manager_client.get(url)
        counts[url] = len(ctx.captured_queries)
    for n in range(1, 4):
        grow(n)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            manager_client.get(url)


def test_staff_who_are_not_superusers_see_only_their_plants_tokens_in_the_admin(
    client, plant, other_plant, manager
) -> None:
    from django.contrib.auth.models import Permission

    ours, theirs = issue_token(plant, username="ours"), issue_token(other_plant, username="theirs")
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(*Permission.objects.filter(codename__endswith="apitoken"))
    client.force_login(manager)
    html = client.get(reverse("admin:plant_apitoken_changelist")).content.decode()
    assert ours.token.prefix in html and theirs.token.prefix not in html
    add_form = client.get(reverse("admin:plant_apitoken_add")).content.decode()
    assert plant.code in add_form and other_plant.code not in add_form


def test_the_admin_lists_tokens_audit_entries_and_webhooks(admin_client) -> None:
    index = admin_client.get(reverse("admin:index")).content.decode()
    for model in ("apitoken", "apiauditentry", "webhooksubscription", "webhookdelivery"):
        url = reverse(f"admin:plant_{model}_changelist")
        assert url in index
        assert admin_client.get(url).status_code == 200


def test_the_webhooks_page_shows_a_redirected_try_and_where_it_pointed(
    manager_client, plant, settings
) -> None:
    from plant.integrations.webhooks import (
        attempt_webhook_delivery,
        emit_event,
        save_webhook_subscription,
    )
    from tests.plant.webhook_server import receiver

    settings.WEBHOOK_ALLOW_PRIVATE = True
    with receiver(replies=[301]) as server:
        server.location = "https://erp.example.com/new-home"
        save_webhook_subscription(plant=plant, url=server.url, events=["run.finished"])
        (delivery,) = emit_event(plant=plant, event="run.finished", payload={})
        attempt_webhook_delivery(delivery_id=str(delivery.pk))
    html = manager_client.get(reverse("plant:integration-webhooks")).content.decode()
    assert "HTTP 301: redirect to https://erp.example.com/new-home not followed" in html
