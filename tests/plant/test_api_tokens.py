"""API tokens: hashed, scoped to plants and to read or write, expiring and revocable."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from plant.integrations.tokens import hash_token
from plant.models import ApiToken, PlantMembership, WorkCentre
from tests.factories.plant import WorkCentreFactory
from tests.factories.tokens import bearer, issue_token

pytestmark = pytest.mark.django_db


def test_a_write_token_reads_and_writes_its_plant(erp_client, plant) -> None:
    response = erp_client.post(
        "/api/v1/work-centres/",
        {"plant": plant.code, "code": "CNC", "name": "CNC"},
        "application/json",
    )
    assert response.status_code == 201, response.content
    rows = erp_client.get("/api/v1/work-centres/").json()["results"]
    assert [r["code"] for r in rows] == ["CNC"]


def test_the_token_is_stored_only_as_a_prefix_and_a_hash(erp_token) -> None:
    row = ApiToken.objects.get()
    assert erp_token.secret.startswith(f"takt_{row.prefix}_")
    assert row.secret_hash == hash_token(erp_token.secret) != erp_token.secret
    assert erp_token.secret not in str(ApiToken.objects.values().get())


def test_a_read_only_token_reads_but_gets_403_on_every_write(plant) -> None:
    client = Client(**bearer(issue_token(plant, scope="read")))
    centre = WorkCentreFactory(plant=plant, code="MILL")
    assert client.get(f"/api/v1/work-centres/{centre.pk}/").status_code == 200
    for method, url in [
        ("POST", "/api/v1/work-centres/"),
        ("PUT", f"/api/v1/work-centres/{centre.pk}/"),
        ("DELETE", f"/api/v1/work-centres/{centre.pk}/"),
    ]:
        response = client.generic(method, url, "{}", "application/json")
        assert response.status_code == 403, (method, response.content)
        assert response.json()["code"] == "read_only_token"
    assert WorkCentre.objects.filter(pk=centre.pk).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"expires_at": timezone.now() - dt.timedelta(seconds=1)}, "token_expired"),
        ({"revoked_at": timezone.now()}, "token_revoked"),
    ],
)
def test_an_expired_or_revoked_token_gets_401_with_the_error_shape(plant, change, code) -> None:
    issued = issue_token(plant)
    ApiToken.objects.filter(pk=issued.token.pk).update(**change)
    response = Client(**bearer(issued)).get("/api/v1/machines/")
    assert response.status_code == 401
    assert response.json() == {"code": code, "message": response.json()["message"], "detail": None}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_tampered_token_gets_401(plant) -> None:
    issued = issue_token(plant)
    for raw in ["takt_nope", issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")]:
        response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/machines/")
        assert response.status_code == 401
        assert response.json()["code"] == "token_invalid"


def test_an_anonymous_call_gets_401_not_403(client) -> None:
    response = client.get("/api/v1/plants/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_token_narrows_its_user_to_the_token_plants(plant, other_plant) -> None:
    issued = issue_token(plant)
    PlantMembership.objects.create(user=issued.token.user, plant=other_plant)
    theirs = WorkCentreFactory(plant=other_plant, code="THEIRS")
    WorkCentreFactory(plant=plant, code="OURS")
    client = Client(**bearer(issued))
    assert [r["code"] for r in client.get("/api/v1/work-centres/").json()["results"]] == ["OURS"]
    assert [r["code"] for r in client.get("/api/v1/plants/").json()["results"]] == [plant.code]
    assert client.get(f"/api/v1/work-centres/{theirs.pk}/").status_code == 404


def test_a_session_write_needs_the_csrf_token_and_a_token_write_does_not(
    manager, erp_token, plant
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    body = {"plant": plant.code, "code": "X1", "name": "X"}
    response = browser.post("/api/v1/work-centres/", body, "application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]
    erp = Client(enforce_csrf_checks=True, **bearer(erp_token))
    assert erp.post("/api/v1/work-centres/", body, "application/json").status_code == 201


def test_the_command_issues_a_token_that_works(plant) -> None:
    out = StringIO()
    call_command("create_api_token", user="sap", plant=[plant.code], scope="read", stdout=out)
    secret = out.getvalue().strip()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/plants/")
    assert response.status_code == 200 and response.json()["results"][0]["code"] == plant.code


def test_a_token_is_never_issued_in_a_persons_name(plant, manager) -> None:
    from plant.errors import RuleViolation

    with pytest.raises(RuleViolation, match="person's login"):
        issue_token(plant, username=manager.username)


def test_a_manager_cannot_issue_a_token_for_another_plants_integration_user(
    plant, other_plant, manager, outsider
) -> None:
    """The outsider manages the other plant only: plant A's integration user is not theirs,
    and it gains no membership of the other plant."""
    from plant.errors import RuleViolation
    from plant.integrations.tokens import create_api_token

    issue_token(plant, username="sap-a")
    with pytest.raises(RuleViolation, match="plant you do not manage"):
        create_api_token(
            created_by=outsider,
            username="sap-a",
            name="taken",
            plants=[other_plant],
            scope="write",
            expires_in_days=30,
        )
    assert not PlantMembership.objects.filter(user__username="sap-a", plant=other_plant).exists()
    issued = create_api_token(
        created_by=manager,
        username="sap-a",
        name="second",
        plants=[plant],
        scope="read",
        expires_in_days=30,
    )
    assert issued.token.user.username == "sap-a"


def test_every_master_data_write_is_audited_with_its_diff(erp_client, plant) -> None:
    from plant.models import ApiAuditEntry

    body = {"plant": plant.code, "code": "CNC", "name": "CNC"}
    pk = erp_client.post("/api/v1/work-centres/", body, "application/json").json()["id"]
    erp_client.patch(f"/api/v1/work-centres/{pk}/", {"name": "CNC cell"}, "application/json")
    erp_client.delete(f"/api/v1/work-centres/{pk}/")
    created, updated, deleted = ApiAuditEntry.objects.order_by("pk")
    assert (created.action, created.changes["code"]) == ("create", [None, "CNC"])
    assert updated.changes == {"name": ["CNC", "CNC cell"]}
    assert deleted.action == "delete" and deleted.plant == plant
    assert {e.token.user.username for e in (created, updated, deleted)} == {"erp"}
