"""Shared fixtures: named personas, the rule that CI never skips a real service, and the
moved clock that date-sensitive tests also run under."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from plant.models import PlantMembership, Role
from tests.factories.plant import PlantFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
pytest_plugins = ["tests.workers"]  # the start_worker fixture


@pytest.fixture(scope="session", autouse=True)
def _compiled_solver() -> None:
    """Compile the solver's Numba parts (or load them from the cache) before any test is
    timed: plant solves from the app run the compiled walk too."""
    from scheduling.solver.kernels import compile_ahead

    compile_ahead()


def require(condition: bool, reason: str) -> None:
    """Skip when a service is missing on a developer's machine; fail in CI, where it must be."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but {reason}", pytrace=False)
    pytest.skip(reason)


# The days a plant's calendar trips over, each at an awkward hour (UTC): a Saturday, the
# night Europe's clocks go forward (03:30 in Berlin, an hour that was just skipped), New
# Year's Eve half an hour before midnight in Berlin, and a leap day.
AWKWARD_MOMENTS = {
    "saturday": "2027-01-09T07:30:00+00:00",
    "dst-spring": "2027-03-28T01:30:00+00:00",
    "new-years-eve": "2026-12-31T22:30:00+00:00",
    "leap-day": "2028-02-29T12:00:00+00:00",
}
# Fixtures whose data is built from today's date: a test that uses one is date-sensitive.
DATED_FIXTURES = {"demo_plant", "horizon", "floor", "solved_run"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default="",
        help="run the date-sensitive tests (marker `clock`) with the clock moved: 'awkward' "
        f"for each of {', '.join(AWKWARD_MOMENTS)}, or comma-separated ISO 8601 moments",
    )
    parser.addoption(
        "--clock-all",
        action="store_true",
        help="with --clock, move the clock for every test, not only the date-sensitive ones "
        "(finds tests that should be marked `clock`)",
    )


def _clock_moments(config: pytest.Config) -> dict[str, str]:
    option = str(config.getoption("--clock") or "")
    if option == "awkward":
        return AWKWARD_MOMENTS
    return {moment: moment for moment in (m.strip() for m in option.split(",")) if moment}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DATED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("clock")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With --clock, each date-sensitive test runs once more at each moment given (the
    `moved_clock` fixture travels there, and time goes on ticking from it)."""
    moments = _clock_moments(metafunc.config)
    dated = (
        metafunc.config.getoption("--clock-all")
        or DATED_FIXTURES & set(metafunc.fixturenames)
        or metafunc.definition.get_closest_marker("clock")
    )
    if not moments or not dated or metafunc.definition.get_closest_marker("browser"):
        return
    if metafunc.definition.get_closest_marker("worker"):
        return  # a worker process keeps the real clock: the two would disagree
    metafunc.parametrize(
        "moved_clock", ["", *moments.values()], ids=["today", *moments], indirect=True
    )


@pytest.fixture(autouse=True)
def moved_clock(request: pytest.FixtureRequest):
    """The clock at `request.param` (ticking from there), or today's when empty. Autouse, so
    that it moves before any fixture reads the date (the demo plant, the horizon)."""
    moment = getattr(request, "param", "")
    if not moment:
        yield None
        return
    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=True) as traveller:
        yield traveller


def pytest_runtest_setup(item: pytest.Item) -> None:
    from django.conf import settings

    if item.get_closest_marker("postgres"):
        engine = settings.DATABASES["default"]["ENGINE"]
        require("postgresql" in engine, "DATABASE_URL does not point at PostgreSQL")
    if item.get_closest_marker("redis"):
        require(bool(settings.REDIS_URL), "REDIS_URL is not set")
    if item.get_closest_marker("worker") and IN_CI:
        # Locally a real worker may use the filesystem broker; CI tests the production one.
        require(bool(settings.REDIS_URL), "REDIS_URL is not set (a worker test's broker)")
    if item.get_closest_marker("browser"):
        require(
            Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists(),
            "no Chromium at /usr/bin/chromium",
        )


def _member(plant, role: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    PlantMembership.objects.create(user=user, plant=plant)
    return user


@pytest.fixture
def sent_tasks(monkeypatch) -> list[tuple[str, tuple]]:
    """Capture what would be sent to the broker, as (task name, arguments), instead of
    sending it (every task goes through `plant.queue.send`)."""
    from plant import queue

    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(queue, "send", lambda task, args, countdown=None: sent.append((task, args)))
    return sent


@pytest.fixture
def plant(db):
    return PlantFactory(code="P1", name="Plant One", time_zone="Europe/Berlin")


@pytest.fixture
def other_plant(db):
    return PlantFactory(code="P2", name="Plant Two", time_zone="America/Chicago")


@pytest.fixture
def manager(plant):
    return _member(plant, Role.MANAGER, "manager")


@pytest.fixture
def supervisor(plant):
    return _member(plant, Role.SUPERVISOR, "supervisor")


@pytest.fixture
def viewer(plant):
    return _member(plant, Role.VIEWER, "viewer")


@pytest.fixture
def outsider(other_plant):
    """A manager, but of another plant: must see nothing of `plant`."""
    return _member(other_plant, Role.MANAGER, "outsider")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def erp_token(plant):
    """The ERP client persona: a write token of an integration user, scoped to `plant`."""
    from tests.factories.tokens import issue_token

    return issue_token(plant)


@pytest.fixture
def erp_client(erp_token):
    from django.test import Client

    from tests.factories.tokens import bearer

    return Client(**bearer(erp_token))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and at the end, before it is dropped, any session still
    connected to it (a Celery worker's or live server's thread) is ended: otherwise PostgreSQL
    refuses the drop and the run ends with a teardown warning."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
