"""Small builders for hand-made solver instances."""

from __future__ import annotations

import dataclasses

from scheduling.solver import (
    Fixed,
    Job,
    Machine,
    Mode,
    Objective,
    Operation,
    Previous,
    Problem,
    Solution,
    solve,
    verify,
)
from scheduling.solver.compiled import Compiled, Slot

MAKESPAN = Objective(weighted_tardiness=0, makespan=1, setup_time=0, overtime_cost=0, deviation=0)


def op(oid: str, *modes: tuple[str, int] | tuple[str, int, int], **kw: object) -> Operation:
    return Operation(
        id=oid,
        name=oid,
        modes=tuple(Mode(m[0], m[1], m[2] if len(m) > 2 else 0) for m in modes),
        **kw,
    )


def job(jid: str, *ops: Operation, **kw: object) -> Job:
    return Job(id=jid, name=jid, operations=ops, **kw)


def machine(mid: str, **kw: object) -> Machine:
    return Machine(id=mid, name=mid, **kw)


def solved(problem: Problem, time_limit_s: float = 5.0, **kw: object) -> Solution:
    """Solve and insist that the independent checker accepts the result."""
    solution = solve(problem, time_limit_s=time_limit_s, **kw)
    assert solution.assignments, solution
    assert verify(problem, solution) == []
    return solution


def by_op(solution: Solution) -> dict[str, object]:
    return {a.operation_id: a for a in solution.assignments}


def with_history(problem: Problem, slots: list[Slot], c: Compiled) -> Problem:
    """The plant with its first two orders started as `slots` has them (fixed) and every
    operation of the next five in a previous plan, a machine over for one of them."""
    fixed, previous = [], []
    for o in c.job_ops[0] + c.job_ops[1]:
        m, _, t, e = slots[o]
        fixed.append(Fixed(c.ops[o].id, c.machines[m].id, t, e))
    for j in range(2, 7):
        for o in c.job_ops[j]:
            m, _, t, _ = slots[o]
            other = c.ops[o].modes[-1][0] if j == 2 else m
            previous.append(Previous(c.ops[o].id, c.machines[other].id, t + 30))
    return dataclasses.replace(problem, fixed=tuple(fixed), previous=tuple(previous))
