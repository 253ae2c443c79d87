from django.apps import AppConfig


class PlantConfig(AppConfig):
    name = "plant"
    verbose_name = "Plant master data"

    def ready(self) -> None:
        # The tasks module connects the recorder of periodic runs (task_postrun): loaded in
        # every process, not only where Celery's autodiscovery happens to import it.
        from plant import tasks  # noqa: F401
