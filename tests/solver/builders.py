"""Small builders for hand-made solver instances."""

from __future__ import annotations

from scheduling.solver import (
    Job,
    Machine,
    Mode,
    Objective,
    Operation,
    Problem,
    Solution,
    solve,
    verify,
)

MAKESPAN = Objective(weighted_tardiness=0, makespan=1, setup_time=0, overtime_cost=0, deviation=0)


def op(oid: str, *modes: tuple[str, int] | tuple[str, int, int], **kw: object) -> Operation:
    return Operation(
        id=oid,
        name=oid,
        modes=tuple(Mode(m[0], m[1], m[2] if len(m) > 2 else 0) for m in modes),
        **kw,  # type: ignore[arg-type]
    )


def job(jid: str, *ops: Operation, **kw: object) -> Job:
    return Job(id=jid, name=jid, operations=ops, **kw)  # type: ignore[arg-type]


def machine(mid: str, **kw: object) -> Machine:
    return Machine(id=mid, name=mid, **kw)  # type: ignore[arg-type]


def solved(problem: Problem, time_limit_s: float = 5.0, **kw: object) -> Solution:
    """Solve and insist that the independent checker accepts the result."""
    solution = solve(problem, time_limit_s=time_limit_s, **kw)  # type: ignore[arg-type]
    assert solution.assignments, solution
    assert verify(problem, solution) == []
    return solution


def by_op(solution: Solution) -> dict[str, object]:
    return {a.operation_id: a for a in solution.assignments}
