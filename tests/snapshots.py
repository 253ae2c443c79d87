"""What a refused request must leave as it found: every row of Takt's own models.

A permission test that checks only the status code passes when the view writes first and
refuses afterwards; `unchanged()` fails it.
"""

from __future__ import annotations

from collections.abc import Iterator
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
