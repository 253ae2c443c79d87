"""The dispatching rules in machine code (`construct.CompiledRules`): the schedules of
`dispatch.py`, rule for rule, and the construction that runs them on large plants."""

from __future__ import annotations

import threading
import time

import pytest

from scheduling.solver import Problem, Solution, engine, solve, verify
from scheduling.solver import construct as construct_module
from scheduling.solver.compiled import Compiled
from scheduling.solver.construct import CompiledRules, construct
from scheduling.solver.dispatch import dispatch, variants
from scheduling.solver.generate import generate_plant
from scheduling.solver.incumbent import Incumbent
from scheduling.solver.kernels import warm_up

from .builders import job, machine, op, with_history


def _same_as_python(problem: Problem) -> int:
    """Every rule variant gives the Python schedule and objective; how many fit."""
    c = Compiled(problem)
    rules = CompiledRules(c)
    fitted = 0
    for rule in variants(c, makespan_only=False):
        slots = dispatch(c, rule)
        value = rules.run(rule)
        if slots is None:
            assert value == -1, rule
            continue
        assert rules.slots() == slots, rule
        assert rules.components() == c.components(slots), rule
        assert value == c.scalar(c.components(slots)), rule
        fitted += 1
    return fitted


@pytest.mark.parametrize(("n_ops", "n_machines", "seed"), [(250, 8, 1), (400, 10, 2), (300, 6, 4)])
def test_compiled_rules_build_the_python_schedules(n_ops: int, n_machines: int, seed: int) -> None:
    """Generated plants: calendars, changeovers, overtime, pausable steps, lags, alternative
    machines; and the same plants with orders started (fixed) and a previous plan."""
    problem = generate_plant(n_ops, n_machines, seed=seed)
    assert _same_as_python(problem) > 0
    c = Compiled(problem)
    started = dispatch(c, "atcs+ot")
    assert started is not None
    assert _same_as_python(with_history(problem, started, c)) > 0


def _tie_plant() -> Problem:
    """Identical orders on two identical machines: every choice is a tie."""
    machines = (machine("A"), machine("B"))
    jobs = tuple(
        job(f"J{i}", op(f"a{i}", ("A", 10), ("B", 10)), op(f"b{i}", ("B", 5), ("A", 5)), due=40)
        for i in range(9)
    )
    return Problem(horizon=1_000, machines=machines, jobs=jobs)


def test_compiled_rules_break_ties_as_the_python_rules() -> None:
    assert _same_as_python(_tie_plant()) > 0


def test_a_rule_that_runs_past_the_horizon_builds_nothing() -> None:
    machines = (machine("A"),)
    jobs = tuple(job(f"J{i}", op(f"a{i}", ("A", 30))) for i in range(4))
    problem = Problem(horizon=100, machines=machines, jobs=jobs)  # 120 minutes of work
    c = Compiled(problem)
    assert dispatch(c, "edd") is None
    assert CompiledRules(c).run("edd") == -1
    inc = Incumbent(c, time.monotonic(), None)
    construct(c, inc, ["edd", "atcs"], budget_s=10, stop=lambda: False, compiled=True)
    assert inc.slots is None


def test_the_compiled_construction_keeps_the_best_rule() -> None:
    problem = generate_plant(300, 8, seed=5)
    c = Compiled(problem)
    rules = variants(c, makespan_only=False)
    best = min(c.scalar(c.components(s)) for r in rules if (s := dispatch(c, r)) is not None)
    inc = Incumbent(c, time.monotonic(), None)
    construct(c, inc, rules, budget_s=60, stop=lambda: False, compiled=True)
    assert inc.key == (best,) and inc.source.startswith("dispatch:")
    assert inc.slots is not None and c.scalar(c.components(inc.slots)) == best


@pytest.mark.parametrize("plant", ["generated", "ties"])
def test_two_lanes_keep_what_one_lane_keeps(plant: str) -> None:
    """The rules dealt out to two threads: the incumbent goes through the same schedules, and
    of equal ones the first rule's wins, as when they run one after the other."""
    problem = generate_plant(300, 8, seed=5) if plant == "generated" else _tie_plant()
    c = Compiled(problem)
    rules = variants(c, makespan_only=False)
    kept = []
    for lanes in (1, 2):
        inc = Incumbent(c, time.monotonic(), None)
        construct(c, inc, rules[:1], budget_s=10, stop=lambda: False)
        construct(c, inc, rules[1:], budget_s=60, stop=lambda: False, compiled=True, lanes=lanes)
        kept.append((inc.slots, inc.source, inc.comps, [value for _, value in inc.history]))
    assert kept[0] == kept[1]
    assert (
        kept[1][0] is not None
        and verify(problem, Solution("feasible", c.assignments(kept[1][0]), None, None, None)) == []
    )


def test_the_lanes_offer_in_the_rules_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second lane is slow (it waits for the first lane to finish), so its better
    schedule is found last; it is offered in its rule's turn all the same, and the first
    lane's later, worse one is not kept."""
    values = {"r1": 80, "r2": 50, "r3": 60, "r4": 90}  # lanes: r1, r3 and r2, r4
    first_lane_done = threading.Event()

    class Scripted:
        def __init__(self, c: Compiled) -> None:
            self.value = -1

        def run(self, rule: str) -> int:
            if rule in ("r2", "r4"):
                assert first_lane_done.wait(timeout=30), "the first lane never finished"
            self.value = values[rule]
            if rule == "r3":
                first_lane_done.set()
            return self.value

        def slots(self) -> list[tuple[int, int, int, int]]:
            return [(0, 0, 0, self.value)]

        def components(self) -> dict[str, int]:
            return {"makespan": self.value}

    monkeypatch.setattr(construct_module, "CompiledRules", Scripted)
    c = Compiled(generate_plant(30, 3, seed=1))
    assert c.problem.objective.weight("makespan") == 1  # the test's premise
    inc = Incumbent(c, time.monotonic(), None)
    inc.offer([(0, 0, 0, 100)], "start", {"makespan": 100})
    construct(c, inc, list(values), budget_s=10, stop=lambda: False, compiled=True, lanes=2)
    assert [value for _, value in inc.history] == [100, 80, 50]
    assert inc.source == "dispatch:r2"


def test_the_lanes_stop_when_asked() -> None:
    problem = generate_plant(300, 8, seed=5)
    c = Compiled(problem)
    rules = variants(c, makespan_only=False)
    inc = Incumbent(c, time.monotonic(), None)
    construct(c, inc, rules[:1], budget_s=10, stop=lambda: False)
    first = inc.key
    built: list[str] = []
    run = CompiledRules.run

    def counted(self: CompiledRules, rule: str) -> int:
        built.append(rule)
        return run(self, rule)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CompiledRules, "run", counted)
        construct(c, inc, rules[1:], budget_s=60, stop=lambda: True, compiled=True, lanes=2)
    assert built == [] and inc.key == first


def test_large_plants_run_the_compiled_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is lowered: a plant of COMPILED_RULES_MIN_OPS operations is slow to solve in
    a test."""
    warm_up()  # it runs a rule of its own
    built: list[str] = []
    run = CompiledRules.run

    def counted(self: CompiledRules, rule: str) -> int:
        built.append(rule)
        return run(self, rule)

    monkeypatch.setattr(CompiledRules, "run", counted)
    problem = generate_plant(300, 8, seed=7)
    solution = solve(problem, time_limit_s=2, seed=0)
    assert not built  # below the size: the Python rules
    monkeypatch.setattr(engine, "COMPILED_RULES_MIN_OPS", 300)
    solution = solve(problem, time_limit_s=2, seed=0)
    # the first in Python, the rest compiled (in two lanes, so in no set order)
    rules = variants(Compiled(problem), makespan_only=False)
    assert rules[0] not in built and rules[1] in built
    assert len(built) == len(set(built)) and set(built) <= set(rules[1:])
    assert solution.first_source.startswith("dispatch:")
    assert verify(problem, solution) == []


def test_a_max_lag_the_greedy_pass_breaks_is_not_offered() -> None:
    """A maximum lag of 0 between two steps on one machine, with another order due first:
    rules that put that order between the two steps are checked and not offered."""
    machines = (machine("A"),)
    jobs = (
        job("J0", op("a0", ("A", 10), max_lag_next=0), op("b0", ("A", 10)), due=100),
        job("J1", op("a1", ("A", 5)), due=5, release=10),
    )
    problem = Problem(horizon=1_000, machines=machines, jobs=jobs)
    c = Compiled(problem)
    broken = [r for r in variants(c, makespan_only=False) if not _keeps_lags(c, r)]
    assert broken  # the test's premise
    inc = Incumbent(c, time.monotonic(), None)
    construct(c, inc, broken, budget_s=10, stop=lambda: False, compiled=True)
    assert inc.slots is None


def _keeps_lags(c: Compiled, rule: str) -> bool:
    slots = dispatch(c, rule)
    assert slots is not None
    return not verify(c.problem, Solution("feasible", c.assignments(slots), None, None, None))
