"""The demo plant's master data: a metal-parts plant, deterministic, loaded idempotently.

Orders are added by scheduling's `load_demo_plant` command, which calls `load_demo_master_data`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from plant.calendars import local_to_utc
from plant.models import (
    Changeover,
    Item,
    Machine,
    Plant,
    ProductFamily,
    Shift,
    ShiftPattern,
    WorkCentre,
)
from plant.services.boms import set_bom_line
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from plant.services.routings import EligibleMachineSpec, OperationSpec, save_routing

PLANT_CODE = "NW1"

WORK_CENTRES = [
    ("CUT", "Cutting", "Band saws and the laser cutter: raw stock to blanks."),
    ("CNC", "CNC machining", "Milling and turning centres."),
    ("HT", "Heat treatment", "Hardening and tempering furnaces, batch loads."),
    ("GRD", "Grinding", "Finishing to tolerance after heat treatment."),
    ("ASM", "Assembly", "Manual assembly cells with torque tools."),
]

# code, name, work centre, speed factor (1.0 = reference; lower is faster)
MACHINES = [
    ("SAW-01", "Band saw Kasto 1", "CUT", Decimal("1.0")),
    ("SAW-02", "Band saw Kasto 2 (older)", "CUT", Decimal("1.3")),
    ("LAS-01", "Fibre laser Trumpf", "CUT", Decimal("0.6")),
    ("MIL-01", "5-axis mill DMG 1", "CNC", Decimal("0.8")),
    ("MIL-02", "3-axis mill Haas 2", "CNC", Decimal("1.0")),
    ("MIL-03", "3-axis mill Haas 3 (older)", "CNC", Decimal("1.25")),
    ("LAT-01", "CNC lathe Okuma 1", "CNC", Decimal("1.0")),
    ("LAT-02", "CNC lathe Okuma 2", "CNC", Decimal("1.15")),
    ("FUR-01", "Hardening furnace", "HT", Decimal("1.0")),
    ("FUR-02", "Tempering furnace", "HT", Decimal("1.0")),
    ("GRD-01", "Surface grinder", "GRD", Decimal("1.0")),
    ("GRD-02", "Cylindrical grinder", "GRD", Decimal("1.1")),
    ("ASM-01", "Assembly cell 1", "ASM", Decimal("1.0")),
    ("ASM-02", "Assembly cell 2", "ASM", Decimal("1.0")),
]

FAMILIES = [
    ("SHAFT", "Shafts"),
    ("FLANGE", "Flanges"),
    ("BRACKET", "Brackets"),
    ("HOUSING", "Housings"),
    ("GEAR", "Gears"),
]

BOUGHT = [
    ("RM-42CRMO4-50", "Steel bar 42CrMo4 Ø50", "m"),
    ("RM-42CRMO4-80", "Steel bar 42CrMo4 Ø80", "m"),
    ("RM-S355-10", "Steel plate S355 10 mm", "kg"),
    ("RM-ALMG-BLK", "Aluminium block AlMg4.5", "kg"),
    ("RM-16MNCR5-120", "Steel bar 16MnCr5 Ø120", "m"),
    ("BP-BRG-6205", "Ball bearing 6205-2RS", "pcs"),
    ("BP-SEAL-52", "Radial shaft seal 25x52x7", "pcs"),
    ("BP-BOLT-M8", "Hex bolt M8x25 8.8", "pcs"),
    ("BP-GASKET-H", "Housing gasket", "pcs"),
]

# A step: (name, work centre, machines, run min/unit at reference speed, setup min, can pause,
# min wait after, max wait after)
Step = tuple[str, str, tuple[str, ...], str, int, bool, int, int | None]
SAW: Step = ("Saw to length", "CUT", ("SAW-01", "SAW-02"), "0.8", 15, True, 0, None)
LASER: Step = ("Laser cut blank", "CUT", ("LAS-01", "SAW-01"), "1.2", 20, True, 0, None)
TURN: Step = ("Turn", "CNC", ("LAT-01", "LAT-02"), "3.0", 30, True, 0, None)
MILL: Step = ("Mill", "CNC", ("MIL-01", "MIL-02", "MIL-03"), "3.5", 40, True, 0, None)
MILL5: Step = ("5-axis mill", "CNC", ("MIL-01",), "6.0", 45, True, 0, None)
HARDEN: Step = ("Harden", "HT", ("FUR-01",), "1.8", 60, False, 60, None)
TEMPER: Step = ("Temper", "HT", ("FUR-02", "FUR-01"), "1.4", 30, False, 0, None)
GRIND_C: Step = ("Cylindrical grind", "GRD", ("GRD-02",), "3.0", 25, True, 0, None)
GRIND_S: Step = ("Surface grind", "GRD", ("GRD-01", "GRD-02"), "1.8", 20, True, 0, None)
ASSEMBLE: Step = ("Assemble", "ASM", ("ASM-01", "ASM-02"), "4.0", 15, True, 0, None)

# Hardened parts must go into the tempering furnace within two hours.
HARDEN_THEN_TEMPER: Step = ("Harden", "HT", ("FUR-01",), "1.8", 60, False, 30, 120)


@dataclass(frozen=True)
class MadeItem:
    code: str
    name: str
    family: str
    steps: tuple[Step, ...]
    bom: tuple[tuple[str, str], ...]


MADE = [
    MadeItem(
        "SH-100",
        "Drive shaft 25 mm",
        "SHAFT",
        (SAW, TURN, MILL, HARDEN, GRIND_C),
        (("RM-42CRMO4-50", "0.32"),),
    ),
    MadeItem(
        "SH-110",
        "Drive shaft 30 mm",
        "SHAFT",
        (SAW, TURN, MILL, HARDEN, GRIND_C),
        (("RM-42CRMO4-50", "0.41"),),
    ),
    MadeItem(
        "SH-200",
        "Output shaft 45 mm",
        "SHAFT",
        (SAW, TURN, HARDEN, GRIND_C),
        (("RM-42CRMO4-80", "0.38"),),
    ),
    MadeItem(
        "SH-210",
        "Pinion shaft",
        "SHAFT",
        (SAW, TURN, MILL, HARDEN_THEN_TEMPER, TEMPER, GRIND_C),
        (("RM-42CRMO4-50", "0.27"),),
    ),
    MadeItem("FL-100", "Flange DN50", "FLANGE", (LASER, TURN, MILL), (("RM-S355-10", "1.6"),)),
    MadeItem("FL-120", "Flange DN80", "FLANGE", (LASER, TURN, MILL), (("RM-S355-10", "2.9"),)),
    MadeItem(
        "FL-200",
        "Bearing flange 6205",
        "FLANGE",
        (SAW, TURN, MILL, GRIND_S),
        (("RM-42CRMO4-80", "0.06"),),
    ),
    MadeItem(
        "FL-210", "Motor flange B5", "FLANGE", (LASER, MILL, GRIND_S), (("RM-S355-10", "3.4"),)
    ),
    MadeItem("BR-100", "Mounting bracket L", "BRACKET", (LASER, MILL), (("RM-S355-10", "0.9"),)),
    MadeItem("BR-110", "Mounting bracket U", "BRACKET", (LASER, MILL), (("RM-S355-10", "1.2"),)),
    MadeItem(
        "BR-200",
        "Sensor bracket",
        "BRACKET",
        (LASER, MILL, ASSEMBLE),
        (("RM-S355-10", "0.4"), ("BP-BOLT-M8", "2")),
    ),
    MadeItem("BR-210", "Hinge bracket", "BRACKET", (LASER, MILL, HARDEN), (("RM-S355-10", "0.7"),)),
    MadeItem(
        "HS-100", "Gearbox housing small", "HOUSING", (SAW, MILL5, MILL), (("RM-ALMG-BLK", "4.2"),)
    ),
    MadeItem(
        "HS-110",
        "Gearbox housing medium",
        "HOUSING",
        (SAW, MILL5, MILL, GRIND_S),
        (("RM-ALMG-BLK", "7.5"),),
    ),
    MadeItem("HS-200", "Pump housing", "HOUSING", (SAW, MILL5, TURN), (("RM-ALMG-BLK", "3.1"),)),
    MadeItem(
        "HS-210",
        "Bearing housing",
        "HOUSING",
        (SAW, TURN, MILL, GRIND_S),
        (("RM-16MNCR5-120", "0.12"),),
    ),
    MadeItem(
        "GR-100",
        "Spur gear z24",
        "GEAR",
        (SAW, TURN, MILL, HARDEN_THEN_TEMPER, TEMPER, GRIND_C),
        (("RM-16MNCR5-120", "0.05"),),
    ),
    MadeItem(
        "GR-110",
        "Spur gear z36",
        "GEAR",
        (SAW, TURN, MILL, HARDEN_THEN_TEMPER, TEMPER, GRIND_C),
        (("RM-16MNCR5-120", "0.07"),),
    ),
    MadeItem(
        "GR-200",
        "Helical gear z28",
        "GEAR",
        (SAW, TURN, MILL5, HARDEN_THEN_TEMPER, TEMPER, GRIND_C),
        (("RM-16MNCR5-120", "0.06"),),
    ),
    MadeItem(
        "GR-210",
        "Bevel gear z18",
        "GEAR",
        (SAW, TURN, MILL5, HARDEN, GRIND_S),
        (("RM-16MNCR5-120", "0.05"),),
    ),
    MadeItem(
        "AS-100",
        "Gearbox GB-1 assembly",
        "HOUSING",
        (ASSEMBLE,),
        (
            ("HS-100", "1"),
            ("SH-100", "1"),
            ("GR-100", "2"),
            ("BP-BRG-6205", "2"),
            ("BP-SEAL-52", "1"),
            ("BP-BOLT-M8", "8"),
            ("BP-GASKET-H", "1"),
        ),
    ),
    MadeItem(
        "AS-110",
        "Gearbox GB-2 assembly",
        "HOUSING",
        (ASSEMBLE,),
        (
            ("HS-110", "1"),
            ("SH-110", "1"),
            ("GR-110", "1"),
            ("GR-200", "1"),
            ("BP-BRG-6205", "4"),
            ("BP-SEAL-52", "2"),
            ("BP-BOLT-M8", "12"),
            ("BP-GASKET-H", "1"),
        ),
    ),
    MadeItem(
        "AS-200",
        "Pump drive assembly",
        "FLANGE",
        (ASSEMBLE, GRIND_S),
        (
            ("HS-200", "1"),
            ("FL-200", "1"),
            ("SH-200", "1"),
            ("BP-BRG-6205", "2"),
            ("BP-BOLT-M8", "6"),
        ),
    ),
]

FAMILY_ORDER = [code for code, _ in FAMILIES]
# Changeover minutes between families, by work centre: cleaning fixtures, swapping jaws, or
# (in the furnaces) changing the recipe and soaking.
CHANGEOVER_BASE = {"CUT": 20, "CNC": 45, "HT": 90, "GRD": 30}


def changeover_minutes(work_centre: str, a: str, b: str) -> int:
    distance = abs(FAMILY_ORDER.index(a) - FAMILY_ORDER.index(b))
    return CHANGEOVER_BASE[work_centre] + 10 * distance


def week_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


@transaction.atomic
def load_demo_master_data(*, today: dt.date) -> tuple[Plant, bool]:
    """Create the demo plant's master data if it is not there yet.

    Returns the plant and whether it was created. Calendar dates (holiday, maintenance,
    overtime) are placed relative to the Monday of `today`'s week.
    """
    existing = Plant.objects.filter(code=PLANT_CODE).first()
    if existing is not None:
        return existing, False
    plant = Plant.objects.create(
        code=PLANT_CODE, name="Nordwerk Metal Parts", time_zone="Europe/Berlin"
    )
    wcs = {
        code: WorkCentre.objects.create(plant=plant, code=code, name=name, description=desc)
        for code, name, desc in WORK_CENTRES
    }
    machines = {
        code: Machine.objects.create(plant=plant, work_centre=wcs[wc], code=code, name=name)
        for code, name, wc, _ in MACHINES
    }
    speed = {code: factor for code, _, _, factor in MACHINES}
    families = {
        code: ProductFamily.objects.create(plant=plant, code=code, name=name)
        for code, name in FAMILIES
    }
    _load_calendars(plant, machines, today)
    Changeover.objects.bulk_create(
        Changeover(
            plant=plant,
            work_centre=wcs[wc],
            from_family=families[a],
            to_family=families[b],
            minutes=changeover_minutes(wc, a, b),
        )
        for wc in CHANGEOVER_BASE
        for a in FAMILY_ORDER
        for b in FAMILY_ORDER
        if a != b
    )
    items: dict[str, Item] = {}
    for code, name, unit in BOUGHT:
        items[code] = Item.objects.create(
            plant=plant, code=code, name=name, kind=Item.Kind.BOUGHT, unit=unit
        )
    for made in MADE:
        items[made.code] = Item.objects.create(
            plant=plant,
            code=made.code,
            name=made.name,
            kind=Item.Kind.MADE,
            family=families[made.family],
        )
    for made in MADE:
        save_routing(
            item=items[made.code],
            operations=[
                OperationSpec(
                    sequence=10 * (i + 1),
                    name=name,
                    work_centre=wcs[wc],
                    machines=[
                        EligibleMachineSpec(
                            machine=machines[m],
                            run_minutes_per_unit=(Decimal(run) * speed[m]).quantize(
                                Decimal("0.001")
                            ),
                            setup_minutes=setup,
                        )
                        for m in eligible
                    ],
                    can_pause=can_pause,
                    min_wait_minutes=min_wait,
                    max_wait_minutes=max_wait,
                )
                for i, (name, wc, eligible, run, setup, can_pause, min_wait, max_wait) in enumerate(
                    made.steps
                )
            ],
        )
        for component, quantity in made.bom:
            set_bom_line(
                parent=items[made.code], component=items[component], quantity=Decimal(quantity)
            )
    return plant, True


def _load_calendars(plant: Plant, machines: dict[str, Machine], today: dt.date) -> None:
    pattern = ShiftPattern.objects.create(
        plant=plant, name="Two shifts Mon–Fri", is_plant_default=True
    )
    Shift.objects.bulk_create(
        Shift(pattern=pattern, name=name, weekday=day, start_time=start, end_time=end)
        for day in range(5)
        for name, start, end in (
            ("Early", dt.time(6), dt.time(14)),
            ("Late", dt.time(14), dt.time(22)),
        )
    )
    # The furnaces run a night shift too: heating up is too costly to do twice a day.
    furnaces = ShiftPattern.objects.create(plant=plant, name="Three shifts Mon–Fri (furnaces)")
    Shift.objects.bulk_create(
        Shift(
            pattern=furnaces,
            name=name,
            weekday=day,
            start_time=start,
            end_time=end,
            crosses_midnight=night,
        )
        for day in range(5)
        for name, start, end, night in (
            ("Early", dt.time(6), dt.time(14), False),
            ("Late", dt.time(14), dt.time(22), False),
            ("Night", dt.time(22), dt.time(6), True),
        )
    )
    for code in ("FUR-01", "FUR-02"):
        machines[code].shift_pattern = furnaces
        machines[code].save(update_fields=["shift_pattern"])
    monday = week_start(today)
    tz = plant.tz

    def at(day_offset: int, hour: int) -> dt.datetime:
        return local_to_utc(
            dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time(hour)), tz
        )

    save_calendar_exception(
        plant=plant,
        kind="holiday",
        start=at(11, 0),
        end=at(12, 0),
        reason="Bridge day (plant closed)",
    )
    save_calendar_exception(
        plant=plant,
        kind="maintenance",
        machine=machines["FUR-01"],
        start=at(8, 6),
        end=at(8, 18),
        reason="Annual furnace inspection",
    )
    save_calendar_exception(
        plant=plant,
        kind="maintenance",
        machine=machines["MIL-01"],
        start=at(16, 6),
        end=at(16, 14),
        reason="Spindle service",
    )
    for week in range(3):
        for code in ("MIL-01", "LAT-01", "FUR-01", "GRD-02"):
            save_overtime_offer(
                machine=machines[code],
                start=at(7 * week + 5, 6),
                end=at(7 * week + 5, 14),
                cost_per_hour=Decimal("85.00") if code != "FUR-01" else Decimal("140.00"),
                note="Saturday early shift (volunteers)",
            )


DEMO_USERS = [
    ("manager", "takt-manager", "Plant manager", "Maria", "Keller"),
    ("supervisor", "takt-supervisor", "Supervisor", "Sven", "Brandt"),
]


def ensure_demo_users(*, plant: Plant) -> list[tuple[str, str, str]]:
    """Demo logins for the embedded default; (username, password, role) for the console.

    The passwords are public by design: these users exist only where `load_demo_plant` ran.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from plant.models import PlantMembership

    user_model = get_user_model()
    created = []
    for username, password, role, first, last in DEMO_USERS:
        user, new = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if new:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        PlantMembership.objects.get_or_create(user=user, plant=plant)
        created.append((username, password, role))
    return created
