from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        # plant may not import scheduling: the orders import joins plant's import pages here.
        from plant.imports.services import register_importer
        from scheduling.orders.imports import ORDER_IMPORTER

        register_importer(ORDER_IMPORTER)

        from scheduling import webhooks

        webhooks.connect()
