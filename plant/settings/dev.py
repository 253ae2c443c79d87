"""The embedded default: SQLite and a filesystem broker, debug on (`make run`)."""

from plant.settings.base import *  # noqa: F403
from plant.settings.base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
