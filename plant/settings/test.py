"""Tests: SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

from plant.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Keep test messages away from a developer's running `make run` worker.
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_DIR = VAR_DIR / "test-broker"  # noqa: F405
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
