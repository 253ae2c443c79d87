"""What a refused request must leave as it found: every row of Takt's own models.

A permission test that checks only the status code passes when the view writes first and
refuses afterwards; `unchanged()` fails it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps

TAKT_APPS = ("plant", "inventory", "staffing", "scheduling", "quality")
# Records of the request itself, not of the plant: the API audit log writes one for a refused
# call too, and a token remembers when it was last used.
IGNORED_MODELS = {"plant.apiauditentry"}
IGNORED_FIELDS = {"plant.apitoken": {"last_used_at"}}


def domain_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model of Takt's apps, by model label, in primary-key order."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    for app in TAKT_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            if label in IGNORED_MODELS:
                continue
            ignored = IGNORED_FIELDS.get(label, set())
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in ignored]
            state[label] = list(model._base_manager.order_by("pk").values_list(*fields))
    for through in _many_to_many_tables():
        state[through._meta.label_lower] = list(through._base_manager.order_by("pk").values_list())
    return state


def _many_to_many_tables() -> list[Any]:
    tables = []
    for app in TAKT_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    tables.append(through)
    return tables


@contextmanager
def unchanged() -> Iterator[None]:
    """Assert that nothing in Takt's tables changed inside the block."""
    before = domain_state()
    yield
    after = domain_state()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"a refused request changed {', '.join(changed)}"


# What two doors of one operation are compared on: not the keys, the moments or who did it.
UNCOMPARED_FIELDS = {"id", "created_by_id", "user_id", "token_id", "version"}


def written(block: Callable[[], object]) -> dict[str, list[dict[str, Any]]]:
    """What `block` writes to Takt's tables, by model: each row it adds (all its fields) and
    each row it changes (the fields that changed), sorted. Keys, timestamps (`*_at`) and who
    did it are left out, and a reference to a row the block added reads "new", so that the
    page and the API of one operation can be compared row for row."""
    before = _rows_by_key()
    block()
    after = _rows_by_key()
    added = {label: set(rows) - set(before.get(label, {})) for label, rows in after.items()}
    new_keys = {label.split(".")[-1]: keys for label, keys in added.items() if keys}
    out: dict[str, list[dict[str, Any]]] = {}
    for label, rows in after.items():
        if label in IGNORED_MODELS:
            continue
        found = []
        for key, row in rows.items():
            old = before.get(label, {}).get(key)
            fields = row if old is None else {k: v for k, v in row.items() if old.get(k) != v}
            kept = {
                name: "new" if _refers_to_new(name, value, new_keys) else value
                for name, value in fields.items()
                if name not in UNCOMPARED_FIELDS and not name.endswith("_at")
            }
            if kept:
                found.append(kept)
        if found:
            out[label] = sorted(found, key=repr)
    return out


def _refers_to_new(name: str, value: Any, new_keys: dict[str, set[Any]]) -> bool:
    """`schedulerun_id` refers to a ScheduleRun: matched by model name, as Django names the
    columns of a many-to-many table."""
    target = name.removesuffix("_id").replace("_", "")
    return name.endswith("_id") and value in new_keys.get(target, set())


def _rows_by_key() -> dict[str, dict[Any, dict[str, Any]]]:
    rows: dict[str, dict[Any, dict[str, Any]]] = {}
    for app in TAKT_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [f.attname for f in model._meta.concrete_fields]
            key = model._meta.pk.attname
            rows[model._meta.label_lower] = {r[key]: r for r in model._base_manager.values(*fields)}
    for through in _many_to_many_tables():
        rows[through._meta.label_lower] = {r["id"]: r for r in through._base_manager.values()}
    return rows
