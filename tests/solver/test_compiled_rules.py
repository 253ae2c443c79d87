"""The dispatching rules in machine code (`construct.CompiledRules`): the schedules of
`dispatch.py`, rule for rule, and the construction that runs them on large plants."""

from __future__ import annotations

import time

import pytest

from scheduling.solver import Problem, Solution, engine, solve, verify
from scheduling.solver.compiled import Compiled
from scheduling.solver.construct import CompiledRules, construct
from scheduling.solver.dispatch import dispatch, variants
from scheduling.solver.generate import generate_plant
from scheduling.solver.incumbent import Incumbent
from scheduling.solver.plantsearch import warm_up

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


def test_compiled_rules_break_ties_as_the_python_rules() -> None:
    """Identical orders on two identical machines: every choice is a tie."""
    machines = (machine("A"), machine("B"))
    jobs = tuple(
        job(f"J{i}", op(f"a{i}", ("A", 10), ("B", 10)), op(f"b{i}", ("B", 5), ("A", 5)), due=40)
        for i in range(9)
    )
    assert _same_as_python(Problem(horizon=1_000, machines=machines, jobs=jobs)) > 0


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
    # the first in Python, the rest compiled
    assert built[:2] == variants(Compiled(problem), makespan_only=False)[1:3]
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
