"""Seed the downtime reason catalogue. Reversible: removes only the reasons it added, and only
when nothing refers to them."""

from django.db import migrations

REASONS = [
    # code, name, kind, position
    ("breakdown", "Breakdown", "unplanned", 10),
    ("no-material", "No material", "unplanned", 20),
    ("no-operator", "No operator", "unplanned", 30),
    ("changeover-overrun", "Changeover overrun", "unplanned", 40),
    ("quality-hold", "Quality hold", "unplanned", 50),
    ("planned-maintenance", "Planned maintenance", "planned", 60),
    ("break", "Break or meeting", "planned", 70),
    ("cleaning", "Cleaning", "planned", 80),
]


def seed(apps, schema_editor):
    reason = apps.get_model("scheduling", "DowntimeReason")
    for code, name, kind, position in REASONS:
        reason.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )


def unseed(apps, schema_editor):
    reason = apps.get_model("scheduling", "DowntimeReason")
    downtime = apps.get_model("scheduling", "Downtime")
    event = apps.get_model("scheduling", "WipEvent")
    used = set(downtime.objects.values_list("reason__code", flat=True)) | set(
        event.objects.exclude(reason=None).values_list("reason__code", flat=True)
    )
    reason.objects.filter(code__in=[r[0] for r in REASONS]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0005_shop_floor")]

    operations = [migrations.RunPython(seed, unseed)]
