"""The embedded default: SQLite and a filesystem broker, debug on (`make run`)."""

from plant.settings.base import *  # noqa: F403
from plant.settings.base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# On a developer's machine the webhook receiver is usually local.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
