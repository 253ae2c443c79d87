"""Tests: SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

from django.core.exceptions import ImproperlyConfigured

from plant.settings.base import *  # noqa: F403
from plant.settings.base import redis_database

# pytest-xdist runs tests in several processes (gw0, gw1, …), and a test's Celery worker
# inherits its process's name: each process gets a broker and a cache of its own, so a worker
# never takes another process's task and clearing one cache erases nobody's queue.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
TEST_PROCESS_INDEX = int(TEST_PROCESS.removeprefix("gw") or 0)

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Keep test messages away from a developer's running `make run` worker: tests use Redis
# databases 2 and up (two per test process; `make run` and docker compose use 0 and 1).
if REDIS_URL:  # noqa: F405
    if 3 + 2 * TEST_PROCESS_INDEX > 15:
        raise ImproperlyConfigured(
            f"Test process {TEST_PROCESS} has no Redis database left (16 by default): "
            "run fewer pytest-xdist processes."
        )
    CELERY_BROKER_URL = redis_database(REDIS_URL, 2 + 2 * TEST_PROCESS_INDEX)  # noqa: F405
    REDIS_CACHE_URL = redis_database(REDIS_URL, 3 + 2 * TEST_PROCESS_INDEX)  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_CACHE_URL  # noqa: F405
else:
    CELERY_BROKER_DIR = VAR_DIR / f"test-broker-{TEST_PROCESS}"  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        **{
            key: str(CELERY_BROKER_DIR / name)
            for key, name in (
                ("data_folder_in", "out"),
                ("data_folder_out", "out"),
                ("processed_folder", "processed"),
                ("control_folder", "control"),
            )
        },
    }

# Tests never run collectstatic: serve static files straight from the app folders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Throttling is off in tests (user ids repeat across tests); the throttle test sets a rate.
API_THROTTLE_RATE = ""

# Query-count tests count the session read: keep sessions in the database whether or not
# REDIS_URL is set (production reads them from Redis, see base.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The webhook tests' receiver listens on loopback; the guard's own tests turn this off.
WEBHOOK_ALLOW_PRIVATE = True

# SQLite tests use a file, not the default shared-cache memory database: there a reader
# holding a table makes a writer in another thread (a solve's worker) fail at once with
# "database table is locked", where a file waits out the lock (the 20 s timeout above).
# A fresh checkout has no var/ yet (`make run` creates it): the test database's folder is
# made here so that `make test` works first.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
