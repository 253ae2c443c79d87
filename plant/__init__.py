"""The Django project and the plant's master data."""

from plant.celery import app as celery_app

__all__ = ["celery_app"]
