"""The construction and decoding layer: overtime-aware rules, semi-active decoding, sub-models."""

from __future__ import annotations

from scheduling.solver import Objective, OvertimeWindow, Problem, Solution, Window, verify
from scheduling.solver.compiled import Compiled, Slot
from scheduling.solver.cpmodel import stage_model, stage_objective
from scheduling.solver.cpsat import run
from scheduling.solver.decode import Decoder
from scheduling.solver.dispatch import dispatch, variants
from scheduling.solver.generate import generate_plant
from scheduling.solver.state import ScheduleState

from .builders import job, machine, op

TARDINESS = Objective(weighted_tardiness=10, makespan=0, setup_time=0, overtime_cost=1, deviation=0)


def _checked(c: Compiled, slots: list[Slot] | None) -> dict[str, int]:
    assert slots is not None
    comps = c.components(slots)
    solution = Solution("feasible", c.assignments(slots), None, None, None, components=comps)
    assert verify(c.problem, solution) == []
    return comps


def _friday_problem() -> Problem:
    """Two orders for one machine that closes at 100 and offers overtime 100-200."""
    m = machine(
        "M1",
        available=(Window(0, 100), Window(400, 600)),
        overtime=(OvertimeWindow(100, 200, cost_per_hour=60),),
    )
    jobs = (
        job("A", op("a", ("M1", 60)), due=60),
        job("B", op("b", ("M1", 80)), due=150, weight=5),
    )
    return Problem(horizon=600, machines=(m,), jobs=jobs, objective=TARDINESS)


def test_overtime_rules_run_into_overtime_and_plain_rules_wait_for_monday() -> None:
    c = Compiled(_friday_problem())
    plain = _checked(c, dispatch(c, "edd"))
    with_ot = _checked(c, dispatch(c, "edd+ot"))
    # b cannot finish by 100 after a; with overtime it runs 60-140 across the boundary
    assert plain["weighted_tardiness"] == 5 * (480 - 150)
    assert with_ot["weighted_tardiness"] == 0
    assert with_ot["overtime_cost"] == 40


def test_overtime_variants_are_tried_only_where_machines_offer_overtime() -> None:
    c = Compiled(_friday_problem())
    assert "atcs+ot" in variants(c, makespan_only=False)
    plain = Compiled(Problem(horizon=100, machines=(machine("M1"),), jobs=()))
    assert not any(r.endswith("+ot") for r in variants(plain, makespan_only=False))


def test_a_sub_model_accepts_frozen_work_running_from_regular_time_into_overtime() -> None:
    problem = _friday_problem()
    c = Compiled(problem)
    slots = dispatch(c, "edd+ot")
    assert slots is not None and slots[1][2] < 100 < slots[1][3]  # b straddles the boundary
    state = ScheduleState(c, slots)
    # free a alone: b stays frozen across the boundary, the current schedule must stay valid
    sub = stage_model(c, state, {}, None, [0], lo=0, hi=200)
    result = run(
        sub,
        stage_objective(sub, None),
        time_limit_s=5,
        workers=1,
        seed=0,
        should_stop=lambda: False,
    )
    assert result.status == "optimal"


def test_decoding_a_schedule_s_own_sequences_never_makes_it_later() -> None:
    for seed in range(3):
        c = Compiled(generate_plant(150, 6, seed=seed))
        slots = dispatch(c, "atcs")
        assert slots is not None
        decoded = Decoder(c).decode(c.sequences(slots))
        assert decoded is not None
        _checked(c, decoded)
        assert all(d[3] <= s[3] for d, s in zip(decoded, slots, strict=True))


def test_decoding_refuses_sequences_that_contradict_the_routings() -> None:
    problem = Problem(
        horizon=100,
        machines=(machine("M1"), machine("M2")),
        jobs=(
            job("X", op("x1", ("M1", 10)), op("x2", ("M2", 10))),
            job("Y", op("y1", ("M2", 10)), op("y2", ("M1", 10))),
        ),
    )
    c = Compiled(problem)
    # M1 runs y2 before x1 and M2 runs x2 before y1: each waits for the other
    assert Decoder(c).decode([[3, 0], [1, 2]]) is None
    assert Decoder(c).decode([[0, 3], [2, 1]]) is not None


def test_compaction_of_a_search_result_stays_valid() -> None:
    from scheduling.solver import solve
    from scheduling.solver.decode import Compactor

    plant = generate_plant(120, 6, seed=3)
    c = Compiled(plant)
    solution = solve(plant, time_limit_s=2.0, strategy="lns", seed=1)
    slots = [(0, 0, 0, 0)] * len(c.ops)
    for a in solution.assignments:
        slots[c.op_index[a.operation_id]] = (
            c.machine_index[a.machine_id],
            a.setup_start,
            a.start,
            a.end,
        )
    state = ScheduleState(c, slots)
    compacted = Compactor(c).run(state)
    assert compacted is not None
    _checked(c, compacted.slots)
    # every operation of every order is still there, in routing order
    assert sorted(o for seq in compacted.seq for o in seq) == list(range(len(c.ops)))


def _late_b_problem() -> tuple[Compiled, ScheduleState]:
    """a1 then b1 on M1, a2 on M2 right after a1; b is urgent, a has time to spare."""
    problem = Problem(
        horizon=200,
        machines=(machine("M1"), machine("M2")),
        jobs=(
            job("A", op("a1", ("M1", 10)), op("a2", ("M2", 10)), due=100),
            job("B", op("b1", ("M1", 10)), due=10, weight=5),
        ),
        objective=TARDINESS,
    )
    c = Compiled(problem)
    # the current schedule: a1 0-10, a2 10-20, b1 10-20 (b 10 minutes late)
    return c, ScheduleState(c, [(0, 0, 0, 10), (1, 10, 10, 20), (0, 10, 10, 20)])


def _solved_sub(c: Compiled, state: ScheduleState, retimed: list[int]) -> list[Slot]:
    sub = stage_model(c, state, {}, None, [0, 2], lo=0, hi=200, retimed=retimed)
    result = run(
        sub,
        stage_objective(sub, None),
        time_limit_s=5,
        workers=1,
        seed=0,
        should_stop=lambda: False,
    )
    assert result.changes is not None
    slots = list(state.slots)
    for o, slot in result.changes.items():
        slots[o] = slot
    return slots


def test_a_frozen_successor_holds_its_predecessor_where_it_is() -> None:
    c, state = _late_b_problem()
    slots = _solved_sub(c, state, retimed=[])
    # a2 is frozen at 10: a1 must end by 10, so b1 cannot go first
    assert _checked(c, slots)["weighted_tardiness"] == 50


def test_a_re_timed_successor_lets_the_free_work_push_it_later() -> None:
    c, state = _late_b_problem()
    slots = _solved_sub(c, state, retimed=[1])
    # b1 first, a1 after it; decoding moves a2 after a1 (20-30), still on time
    decoded = Decoder(c).decode(c.sequences(slots))
    assert _checked(c, decoded)["weighted_tardiness"] == 0
