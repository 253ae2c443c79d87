"""Each API token has its own request budget; past it, 429 with the error shape."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories.tokens import bearer, issue_token

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_gets_429_with_the_error_shape_and_others_do_not(
    plant, settings
) -> None:
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    busy = Client(**bearer(issue_token(plant, username="busy")))
    calm = Client(**bearer(issue_token(plant, username="calm")))
    assert [busy.get("/api/v1/plants/").status_code for _ in range(3)] == [200] * 3
    refused = busy.get("/api/v1/plants/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and set(refused.json()) == {
        "code",
        "message",
        "detail",
    }
    assert int(refused["Retry-After"]) > 0
    assert calm.get("/api/v1/plants/").status_code == 200


def test_each_tablet_session_of_a_shared_login_has_its_own_budget(
    plant, supervisor, settings
) -> None:
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    first_tablet, second_tablet = Client(), Client()
    first_tablet.force_login(supervisor)
    second_tablet.force_login(supervisor)
    assert [first_tablet.get("/api/v1/plants/").status_code for _ in range(4)] == [200] * 3 + [429]
    assert second_tablet.get("/api/v1/plants/").status_code == 200


def test_requests_in_parallel_all_count(settings) -> None:
    """Eight threads at once: exactly the budget gets through (on Redis in CI)."""
    import threading

    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from plant.api.throttling import CallerRateThrottle

    class OneCaller(CallerRateThrottle):
        def get_cache_key(self, request, view) -> str:
            return "throttle_test_parallel"

    settings.API_THROTTLE_RATE = "50/minute"
    cache.delete("throttle_test_parallel")
    allowed: list[bool] = []
    request = Request(APIRequestFactory().get("/"))

    def caller() -> None:
        for _ in range(25):
            allowed.append(OneCaller().allow_request(request, None))

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 200 and allowed.count(True) == 50
