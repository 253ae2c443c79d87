"""Overtime release: overtime the construction used is given back when it does not pay."""

from __future__ import annotations

import time

from scheduling.solver import Objective, OvertimeWindow, Problem, Solution, Window, verify
from scheduling.solver.compiled import Compiled
from scheduling.solver.dispatch import dispatch
from scheduling.solver.generate import generate_plant
from scheduling.solver.release import OvertimeRelease, used_pieces
from scheduling.solver.state import ScheduleState

from .builders import job, machine, op

MIX = Objective(weighted_tardiness=10, makespan=0, setup_time=0, overtime_cost=1, deviation=0)


def _valid(c: Compiled, state: ScheduleState) -> None:
    solution = Solution("feasible", c.assignments(state.slots), None, None, None)
    assert verify(c.problem, solution) == []


def _friday(due_b: int) -> Problem:
    """One machine closing at 100 with overtime 100-200; b fits in overtime right after a."""
    m = machine(
        "M1",
        available=(Window(0, 100), Window(400, 600)),
        overtime=(OvertimeWindow(100, 200, cost_per_hour=60),),
    )
    jobs = (
        job("A", op("a", ("M1", 60)), due=60),
        job("B", op("b", ("M1", 80)), due=due_b),
    )
    return Problem(horizon=600, machines=(m,), jobs=jobs, objective=MIX)


def _released(problem: Problem) -> tuple[ScheduleState, ScheduleState | None]:
    c = Compiled(problem)
    slots = dispatch(c, "edd+ot")
    assert slots is not None
    state = ScheduleState(c, slots)
    return state, OvertimeRelease(c).run(state, time.monotonic() + 5)


def test_overtime_that_buys_nothing_is_given_back() -> None:
    # b is due on Monday anyway: running it in Friday's overtime only costs
    before, after = _released(_friday(due_b=560))
    assert before.components()["overtime_cost"] == 40
    assert after is not None
    _valid(after.c, after)
    assert after.components()["overtime_cost"] == 0
    assert after.components()["weighted_tardiness"] == 0


def test_overtime_that_saves_tardiness_is_kept() -> None:
    before, after = _released(_friday(due_b=150))
    assert before.components()["weighted_tardiness"] == 0
    # leaving overtime would make b 330 minutes late, far dearer than 40 of overtime
    assert after is None


def test_release_on_generated_plants_keeps_schedules_valid_and_never_worse() -> None:
    released = 0
    for seed in range(3):
        c = Compiled(generate_plant(200, 12, seed=seed))
        slots = dispatch(c, "atcs+ot")
        assert slots is not None
        state = ScheduleState(c, slots)
        after = OvertimeRelease(c).run(state, time.monotonic() + 5)
        if after is None:
            continue
        released += 1
        _valid(c, after)
        assert c.scalar(after.components()) < c.scalar(state.components())
        before_used = used_pieces(c, state.slots)
        # it only withdraws windows: no piece is used that was not used before
        assert all(u <= b for u, b in zip(used_pieces(c, after.slots), before_used, strict=True))
    assert released  # the overtime rules use more overtime than these plants need
