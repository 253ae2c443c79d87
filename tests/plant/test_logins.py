"""Logins: wrong passwords lock a username out from that address for a while (django-axes),
on the login page and the admin's; an administrator's command lifts it sooner. A login lasts
12 hours, not Django's two weeks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories.plant import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # UserFactory's


def log_in(client: Client, username: str, password: str, url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail(client: Client, username: str, times: int, url: str = "/accounts/login/") -> None:
    for _ in range(times):
        log_in(client, username, "wrong-password", url)


def test_wrong_passwords_lock_the_account_out_and_then_the_right_one_is_refused_too(
    client, manager
) -> None:
    limit = settings.LOGIN_MAX_ATTEMPTS
    fail(client, "manager", limit - 1)
    response = log_in(client, "manager", "wrong-password")
    assert response.status_code == 429

    response = log_in(client, "manager", PASSWORD)
    assert response.status_code == 429 and not logged_in(response)
    page = response.content.decode()
    assert "Login locked for now" in page and "15 minutes" in page
    assert 'class="card login-card"' in page and "css/takt.css" in page  # the site's look
    assert client.get("/").status_code == 302  # still not logged in


def test_the_admin_login_counts_and_locks_out_too(client) -> None:
    UserFactory(username="root", is_staff=True, is_superuser=True)
    fail(client, "root", settings.LOGIN_MAX_ATTEMPTS, url="/admin/login/")
    response = log_in(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and not logged_in(response)
    assert 'href="/admin/login/"' in response.content.decode()


def test_fewer_wrong_passwords_than_the_limit_do_not_lock_and_a_login_forgets_them(
    client, manager
) -> None:
    for _ in range(3):
        fail(client, "manager", settings.LOGIN_MAX_ATTEMPTS - 1)
        response = log_in(client, "manager", PASSWORD)
        assert logged_in(response)
        client.logout()


def test_a_lockout_holds_one_username_from_one_address_only(client, manager, supervisor) -> None:
    fail(client, "manager", settings.LOGIN_MAX_ATTEMPTS)
    assert logged_in(log_in(client, "supervisor", PASSWORD))
    elsewhere = Client(REMOTE_ADDR="10.0.0.7")
    assert logged_in(log_in(elsewhere, "manager", PASSWORD))


def test_a_lockout_ends_after_the_cool_off(client, manager) -> None:
    fail(client, "manager", settings.LOGIN_MAX_ATTEMPTS)
    later = timezone.now() + dt.timedelta(seconds=settings.LOGIN_LOCKOUT_S + 1)
    with time_machine.travel(later):
        assert logged_in(log_in(client, "manager", PASSWORD))


def test_an_administrator_lifts_a_lockout_with_a_command(client, manager) -> None:
    fail(client, "manager", settings.LOGIN_MAX_ATTEMPTS)
    assert log_in(client, "manager", PASSWORD).status_code == 429
    call_command("axes_reset_username", "manager", verbosity=0)
    assert logged_in(log_in(client, "manager", PASSWORD))


def test_a_login_lasts_twelve_hours_not_two_weeks(client, manager) -> None:
    response = log_in(client, "manager", PASSWORD)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 12 * 3600
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=12, minutes=1)):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
