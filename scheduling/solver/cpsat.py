"""Running CP-SAT on a `SubModel` with progress callbacks and a cooperative stop."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

from .compiled import Slot
from .cpmodel import LinExpr, SubModel


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        sub: SubModel,
        on_solution: Callable[[list[Slot], int, int], None] | None,
        should_stop: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.sub = sub
        self.on_solution = on_solution
        self.should_stop = should_stop
        self.best: list[Slot] | None = None

    def on_solution_callback(self) -> None:
        self.best = self.sub.extract(self)
        if self.on_solution is not None:
            self.on_solution(self.best, int(self.objective_value), round(self.best_objective_bound))
        if self.should_stop():
            self.stop_search()


class Result:
    def __init__(
        self,
        status: str,
        slots: list[Slot] | None,
        bound: int | None,
        changes: dict[int, Slot] | None = None,
    ) -> None:
        self.status = status  # "optimal" | "feasible" | "infeasible" | "unknown"
        self.slots = slots  # the full schedule (when asked for)
        self.bound = bound
        self.changes = changes  # new slots of the free operations


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
}


def run(
    sub: SubModel,
    objective: LinExpr,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    should_stop: Callable[[], bool],
    on_solution: Callable[[list[Slot], int, int], None] | None = None,
    params: dict[str, object] | None = None,
    complete_hint: bool = True,
    full_slots: bool = True,
) -> Result:
    """Minimise `objective` on `sub` within the limit; stop early when `should_stop()`."""
    sub.model.minimize(objective)
    if complete_hint and sub.model.proto.solution_hint.vars:
        _complete_hint(sub.model, min(2.0, time_limit_s * 0.3))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.01, time_limit_s)
    p.num_workers = max(1, workers)
    p.random_seed = seed
    for name, value in (params or {}).items():
        setattr(p, name, value)
    callback = _Callback(sub, on_solution, should_stop)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if should_stop():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        code = solver.solve(sub.model, callback)
    finally:
        done.set()
        watcher.join()
    status = _STATUS.get(code, "unknown")
    if status == "unknown" and math.isfinite(solver.best_objective_bound):
        # No solution (often: none better than the upper bound put on the model) but a bound
        # valid for every schedule within that limit, which the incumbent is.
        return Result(status, None, math.ceil(solver.best_objective_bound - 1e-6))
    if status not in ("optimal", "feasible"):
        return Result(status, None, None)
    bound = round(solver.best_objective_bound)
    slots = sub.extract(solver) if full_slots else None
    return Result(status, slots, bound, sub.extract_free(solver))


def _complete_hint(model: cp_model.CpModel, time_limit_s: float) -> None:
    """Extend a partial hint to every variable by solving with the hinted values fixed.

    CP-SAT repairs an incomplete hint only by search, which can fail on models with many
    auxiliary variables (pieces, arcs, sizes); a complete hint is taken at once.
    """
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.fix_variables_to_their_hinted_value = True
    p.num_workers = 1
    p.max_time_in_seconds = max(0.05, time_limit_s)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    values = list(solver.response_proto.solution)
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
