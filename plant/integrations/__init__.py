"""The ERP integration machinery: API tokens, idempotency keys, the API audit log, webhooks.

Here are its services (`tokens`, `idempotency`, `audit`, `webhooks`, whose `emit_event` is how
any app sends a webhook), the Integrations pages (`views`, `urls`, `forms`) and its admin
(`admin`, registered by `plant/admin.py`, the module Django's autodiscovery imports). Not here:
the models, in `plant/models/integrations.py` with the migrations that need them; the Celery
tasks, in `plant/tasks.py` where Celery's autodiscovery finds them; and the DRF side that every
app's API uses, in `plant/api/` beside the rest of it (`authentication`, `permissions`,
`throttling`, and `audit` and `idempotency`, which read the caller off a request and call the
services here): settings name those classes, and the arrows run from `plant.api` to this
package, never back.
"""
