"""Seeded generators: realistic plant problems, and random JSP/FJSP instances for baselines."""

from __future__ import annotations

import random

from .model import (
    Job,
    Machine,
    Mode,
    Objective,
    Operation,
    OvertimeWindow,
    Problem,
    Window,
)

DAY = 24 * 60
WEEK = 7 * DAY
SHIFT_START = 6 * 60  # two shifts, 06:00-14:00 and 14:00-22:00
SHIFT_END = 22 * 60

PRESETS: dict[str, tuple[int, int]] = {"S": (300, 10), "M": (2000, 20), "L": (10000, 50)}


def _calendar(weeks: int, holiday: int, maintenance: tuple[int, int]) -> tuple[Window, ...]:
    windows = []
    for d in range(weeks * 7):
        if d % 7 >= 5 or d == holiday:
            continue
        a, b = d * DAY + SHIFT_START, d * DAY + SHIFT_END
        ma, mb = maintenance
        if mb <= a or ma >= b:
            windows.append(Window(a, b))
            continue
        if ma > a:
            windows.append(Window(a, ma))
        if mb < b:
            windows.append(Window(mb, b))
    return tuple(windows)


def _overtime(weeks: int, rng: random.Random) -> tuple[OvertimeWindow, ...]:
    """Saturday mornings and a late shift on Fridays, at a price."""
    offers = []
    for w in range(weeks):
        sat = w * WEEK + 5 * DAY
        offers.append(OvertimeWindow(sat + SHIFT_START, sat + 14 * 60, rng.randint(40, 90)))
        fri = w * WEEK + 4 * DAY
        offers.append(OvertimeWindow(fri + SHIFT_END, fri + 24 * 60, rng.randint(60, 120)))
    return tuple(offers)


def generate_plant(
    n_ops_target: int,
    n_machines: int,
    seed: int,
    objective: Objective | None = None,
) -> Problem:
    """A plant of `n_machines` in work centres, about `n_ops_target` operations.

    Product families with changeover matrices on the setup-heavy centres, two-shift
    Monday-Friday calendars with a holiday and one maintenance window per machine, alternative
    machines of different speeds, pausable and non-pausable steps, minimum lags (cooling),
    due dates of varying tightness, weights, priorities and overtime offers.
    """
    rng = random.Random(seed)
    n_centres = max(3, n_machines // 4)
    centres: list[list[int]] = [[] for _ in range(n_centres)]
    for m in range(n_machines):
        centres[m % n_centres].append(m)
    speed = [rng.choice((0.8, 0.9, 1.0, 1.0, 1.15, 1.3)) for _ in range(n_machines)]
    n_fam = rng.randint(4, 6)
    families = [f"F{i}" for i in range(n_fam)]
    heavy = set(rng.sample(range(n_centres), max(1, n_centres // 2)))
    pausable_centre = {c: rng.random() < 0.35 for c in range(n_centres)}
    # jobs: routings through increasing work centres
    routings: list[tuple[str, list[tuple[int, int, int, bool, int]]]] = []
    n_ops = 0
    total_work = 0
    while n_ops < n_ops_target:
        k = min(n_ops_target - n_ops, rng.randint(3, min(8, n_centres)))
        route = sorted(rng.sample(range(n_centres), k))
        fam = rng.choice(families)
        steps = []
        for c in route:
            base = rng.randint(30, 300)
            setup = rng.choice((0, 0, 10, 15, 20, 30))
            lag = rng.choice((0, 0, 0, 30, 60, 120))
            steps.append((c, base, setup, pausable_centre[c] and rng.random() < 0.8, lag))
            total_work += base + setup
        routings.append((fam, steps))
        n_ops += k
    # horizon: enough weeks for the load at about 70% utilisation, plus slack
    per_week = n_machines * 5 * (SHIFT_END - SHIFT_START)
    weeks = max(2, int(total_work / (per_week * 0.5)) + 2)
    horizon = weeks * WEEK
    holiday = rng.randrange(7, min(weeks * 7, 14)) // 7 * 7 + rng.randrange(5)
    machines = []
    for m in range(n_machines):
        c = m % n_centres
        mday = rng.randrange(weeks * 7 - 1)
        ma = mday * DAY + SHIFT_START + rng.randrange(0, 8) * 60
        changeover: list[tuple[str, str, int]] = []
        if c in heavy:
            for a in families:
                for b in families:
                    if a != b:
                        changeover.append((a, b, rng.choice((15, 30, 45, 60, 90))))
        machines.append(
            Machine(
                id=f"M{m}",
                name=f"WC{c}-{m}",
                available=_calendar(weeks, holiday, (ma, ma + 240)),
                overtime=_overtime(weeks, rng) if rng.random() < 0.5 else (),
                changeover=tuple(changeover),
            )
        )
    jobs = []
    release_span = max(1, int(horizon * 0.5))
    for j, (fam, steps) in enumerate(routings):
        operations = []
        work = 0
        for k, (c, base, setup, pause, lag) in enumerate(steps):
            options = centres[c]
            eligible = rng.sample(options, min(len(options), rng.randint(1, 3)))
            modes = tuple(
                Mode(machine_id=f"M{m}", duration=max(1, round(base * speed[m])), setup=setup)
                for m in eligible
            )
            work += base + setup + lag
            operations.append(
                Operation(
                    id=f"O{j}-{k}",
                    name=f"step {k} @WC{c}",
                    modes=modes,
                    can_pause=pause,
                    min_lag_next=lag if k + 1 < len(steps) else 0,
                )
            )
        release = rng.randrange(release_span) // 60 * 60
        # calendar time is about 2.1x working time (16 h a day, 5 days a week)
        flow = rng.choice((2.0, 3.0, 5.0, 8.0, 12.0))
        due = release + int(work * 2.1 * flow)
        jobs.append(
            Job(
                id=f"J{j}",
                name=f"SO-{1000 + j}",
                operations=tuple(operations),
                release=release,
                due=due,
                weight=rng.choice((1, 1, 2, 3, 5)),
                priority=rng.choice((0, 0, 0, 1, 2)),
                family=fam,
            )
        )
    return Problem(
        horizon=horizon,
        machines=tuple(machines),
        jobs=tuple(jobs),
        objective=objective or Objective(),
    )


def generate_preset(name: str, seed: int = 0) -> Problem:
    n_ops, n_machines = PRESETS[name]
    return generate_plant(n_ops, n_machines, seed)


def _makespan_objective() -> Objective:
    return Objective(weighted_tardiness=0, makespan=1, setup_time=0, overtime_cost=0, deviation=0)


def generate_jsp(n_jobs: int, n_machines: int, seed: int) -> Problem:
    """A Taillard-style job shop: durations 1-99, each job visits every machine once."""
    rng = random.Random(seed)
    machines = tuple(Machine(id=f"M{m}", name=f"M{m}") for m in range(n_machines))
    jobs = []
    horizon = 0
    for j in range(n_jobs):
        order = list(range(n_machines))
        rng.shuffle(order)
        ops = []
        for k, m in enumerate(order):
            d = rng.randint(1, 99)
            horizon += d
            ops.append(Operation(id=f"J{j}-{k}", name=f"op {k}", modes=(Mode(f"M{m}", d),)))
        jobs.append(Job(id=f"J{j}", name=f"J{j}", operations=tuple(ops)))
    return Problem(horizon, machines, tuple(jobs), objective=_makespan_objective())


def generate_fjsp(n_jobs: int, n_machines: int, seed: int, ops_per_job: int = 10) -> Problem:
    """A random flexible job shop: 1-3 eligible machines per operation, durations 1-99."""
    rng = random.Random(seed)
    machines = tuple(Machine(id=f"M{m}", name=f"M{m}") for m in range(n_machines))
    jobs = []
    horizon = 0
    for j in range(n_jobs):
        ops = []
        for k in range(ops_per_job):
            base = rng.randint(1, 99)
            eligible = rng.sample(range(n_machines), rng.randint(1, 3))
            modes = tuple(
                Mode(f"M{m}", max(1, base + rng.randint(-base // 4, base // 4))) for m in eligible
            )
            horizon += max(md.duration for md in modes)
            ops.append(Operation(id=f"J{j}-{k}", name=f"op {k}", modes=modes))
        jobs.append(Job(id=f"J{j}", name=f"J{j}", operations=tuple(ops)))
    return Problem(horizon, machines, tuple(jobs), objective=_makespan_objective())
