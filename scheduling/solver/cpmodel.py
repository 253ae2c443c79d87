"""The CP-SAT model: the whole problem, or a neighbourhood with the rest frozen.

Every free operation has op-level variables `S` (setup start), `T` (processing start) and `E`
(end), and one optional interval per eligible machine sharing them. Per machine:

* one NoOverlap over operation blocks `[S, E)` (frozen neighbours as fixed intervals);
* one NoOverlap over the calendar: non-working time as fixed intervals, the unused parts of
  overtime windows as variable intervals, and the parts of operations that must run in working
  time (whole non-pausable blocks, the setups of pausable operations);
* pausable processing: `E = T + offset`, the offset chosen piecewise from the calendar;
* sequence-dependent changeovers: an `AddCircuit` over the machine's operations when families
  with a changeover meet on it; the arc taken fixes the setup of the successor.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping

from ortools.sat.python import cp_model

from .compiled import Compiled, Slot
from .cpbase import LinExpr, ModeVars, OpVars, dom, lit_is_true
from .cpmachine import MachineConstraints
from .model import COMPONENTS
from .state import ScheduleState

__all__ = ["LinExpr", "SubModel"]


class SubModel(MachineConstraints):
    """A CP-SAT model over the operations in `free`, the others frozen at `incumbent`.

    `lo`/`hi` bound the free operations in time (setup start >= lo, end <= hi). Operations in
    `retimed` are left out altogether (no precedence with them, no block on their machine):
    the caller re-times them afterwards by decoding the sequences (`decode.py`), so the free
    work may push them later.
    """

    def __init__(
        self,
        c: Compiled,
        state: ScheduleState | None,
        free: Collection[int],
        lo: int = 0,
        hi: int | None = None,
        hint: bool = True,
        bounds: Mapping[int, tuple[int, int]] | None = None,
        retimed: Collection[int] = (),
    ) -> None:
        self.c = c
        self.state = state
        self.incumbent = state.slots if state is not None else None
        self.free = sorted(set(free) - set(c.fixed))
        free_set = set(self.free)
        self.free_set = free_set
        self.retimed = frozenset(retimed) - free_set - set(c.fixed)
        self.model = cp_model.CpModel()
        self.lo = lo
        self.hi = c.horizon if hi is None else min(hi, c.horizon)
        self.bounds = bounds or {}
        self.vars: dict[int, OpVars] = {}
        if state is None and len(free_set) + len(c.fixed) < len(c.ops):
            raise ValueError("operations neither free nor in the incumbent")
        self.components: dict[str, LinExpr] = {}
        self._pieces: list[tuple[int, int, cp_model.IntVar, int, int]] = []
        self._arcs: list[tuple[int, int, int, cp_model.IntVar]] = []
        self._ot_vars: list[tuple[int, int, cp_model.IntVar, cp_model.IntVar]] = []
        self._build(hint and state is not None)

    # ------------------------------------------------------------------ build
    def _build(self, hint: bool) -> None:
        c = self.c
        md = self.model
        for o in self.free:
            op = c.ops[o]
            lo, hi = self.bounds.get(o, (self.lo, self.hi))
            lo, hi = max(lo, 0), min(hi, c.horizon)
            S = md.new_int_var(lo, hi, f"S{o}")
            T = md.new_int_var(lo, hi, f"T{o}")
            E = md.new_int_var(lo, hi, f"E{o}")
            ov = OpVars(S, T, E)
            release = c.problem.jobs[op.job].release
            if release > lo:
                md.add(release <= T)
            md.add(S <= T)
            md.add(T <= E)
            single = len(op.modes) == 1
            for m, d, su in op.modes:
                lit: cp_model.IntVar | int = 1 if single else md.new_bool_var(f"x{o}_{m}")
                ov.modes.append(ModeVars(m, d, su, lit))
            if not single:
                md.add_exactly_one([mv.lit for mv in ov.modes if not isinstance(mv.lit, int)])
            self.vars[o] = ov
        self._precedences()
        tard, makespan = self._due_and_makespan()
        setup_time, overtime = self._machines()
        deviation = self._deviation()
        self.components = {
            "weighted_tardiness": tard,
            "makespan": makespan,
            "setup_time": setup_time,
            "overtime_cost": overtime,
            "deviation": deviation,
        }
        if hint:
            self._hint()

    def _precedences(self) -> None:
        c = self.c
        md = self.model
        for chain in c.job_ops:
            for a, b in itertools.pairwise(chain):
                if a not in self.free_set and b not in self.free_set:
                    continue
                if a in self.retimed or b in self.retimed:
                    continue
                lag_min = c.ops[a].min_lag
                lag_max = c.ops[a].max_lag
                end_a: LinExpr = self.vars[a].E if a in self.vars else self._fz(a)[3]
                start_b: LinExpr = self.vars[b].T if b in self.vars else self._fz(b)[2]
                md.add(start_b >= end_a + lag_min)
                if lag_max is not None:
                    md.add(start_b <= end_a + lag_max)

    def _due_and_makespan(self) -> tuple[LinExpr, LinExpr]:
        c = self.c
        md = self.model
        jobs = c.problem.jobs
        frozen_ms = 0
        last_free: list[cp_model.IntVar] = []
        tard_terms: list[LinExpr] = []
        tard_const = 0
        for j, chain in enumerate(c.job_ops):
            if not chain:
                continue
            last = chain[-1]
            due = jobs[j].due
            if last in self.vars:
                last_free.append(self.vars[last].E)
                if due is not None and jobs[j].weight > 0:
                    e_lo, e_hi = dom(self.vars[last].E)
                    lb = max(0, e_lo - due)
                    tv = md.new_int_var(lb, max(lb, e_hi - due), f"tard{j}")
                    md.add(tv >= self.vars[last].E - due)
                    tard_terms.append(jobs[j].weight * tv)
            else:
                end = self._fz(last)[3]
                frozen_ms = max(frozen_ms, end)
                if due is not None and end > due:
                    tard_const += jobs[j].weight * (end - due)
        for _, slot in self._frozen_items():
            frozen_ms = max(frozen_ms, slot[3])
        if last_free:
            lo_e = min(dom(e)[0] for e in last_free)
            hi_e = max(dom(e)[1] for e in last_free)
            ms = md.new_int_var(max(frozen_ms, lo_e), max(frozen_ms, hi_e), "makespan")
            for e in last_free:
                md.add(ms >= e)
            if len(self.free_set) == len(self.c.ops):
                self._load_cuts(ms)
            makespan: LinExpr = ms
        else:
            makespan = frozen_ms
        return sum(tard_terms, start=tard_const), makespan

    def _load_cuts(self, ms: cp_model.IntVar) -> None:
        """Redundant: each machine's chosen work, and all work over all machines, fit in ms."""
        md = self.model
        per_machine: dict[int, list[LinExpr]] = {}
        total: list[LinExpr] = []
        for ov in self.vars.values():
            for mv in ov.modes:
                work = mv.setup + mv.duration
                term: LinExpr = work if isinstance(mv.lit, int) else work * mv.lit
                per_machine.setdefault(mv.machine, []).append(term)
                total.append(term)
        if any(len(ov.modes) > 1 for ov in self.vars.values()):
            for terms in per_machine.values():
                md.add(sum(terms, start=0) <= ms)
            md.add(sum(total, start=0) <= len(self.c.machines) * ms)

    def _deviation(self) -> LinExpr:
        c = self.c
        md = self.model
        penalty = c.problem.objective.machine_change_penalty
        terms: list[LinExpr] = []
        const = 0
        for o, (pm, ps) in c.previous.items():
            if o in self.vars:
                ov = self.vars[o]
                dv = md.new_int_var(0, c.horizon, f"dev{o}")
                md.add(dv >= ov.T - ps)
                md.add(dv >= ps - ov.T)
                terms.append(dv)
                on_prev = [mv.lit for mv in ov.modes if mv.machine == pm]
                if not on_prev:
                    const += penalty
                elif not lit_is_true(on_prev[0]):
                    terms.append(penalty * (1 - on_prev[0]))
            else:
                slot = self._fz(o)
                const += abs(slot[2] - ps) + (penalty if slot[0] != pm else 0)
        return sum(terms, start=const)

    # ------------------------------------------------------------------ hints
    def _hint(self) -> None:
        assert self.incumbent is not None
        md = self.model
        inc = self.incumbent
        for o, ov in self.vars.items():
            m, s, t, e = inc[o]
            md.add_hint(ov.S, s)
            md.add_hint(ov.T, t)
            md.add_hint(ov.E, e)
            for mv in ov.modes:
                if not isinstance(mv.lit, int):
                    md.add_hint(mv.lit, mv.machine == m)
        for o, m, b, t_lo, t_hi in self._pieces:
            slot = inc[o]
            md.add_hint(b, slot[0] == m and t_lo <= slot[2] <= t_hi)
        self._hint_arcs()

    # ------------------------------------------------------------- extraction
    def extract_free(self, value: object) -> dict[int, Slot]:
        """Slots of the free operations from a solver or callback (`.value(var)`)."""
        get = value.value  # type: ignore[attr-defined]
        out: dict[int, Slot] = {}
        for o, ov in self.vars.items():
            m = ov.modes[0].machine
            for mv in ov.modes:
                if lit_is_true(mv.lit) or get(mv.lit):
                    m = mv.machine
                    break
            out[o] = (m, int(get(ov.S)), int(get(ov.T)), int(get(ov.E)))
        return out

    def extract(self, value: object) -> list[Slot]:
        """The full schedule: frozen operations where they were, free ones as solved."""
        if self.incumbent is not None:
            slots = list(self.incumbent)
        else:
            slots = [(0, 0, 0, 0)] * len(self.c.ops)
        for o, slot in self.c.fixed.items():
            slots[o] = slot
        for o, slot in self.extract_free(value).items():
            slots[o] = slot
        return slots


def stage_objective(sub: SubModel, stage: int | None) -> LinExpr:
    """What a stage minimises: the weighted sum (stage None) or the stage's component."""
    obj = sub.c.problem.objective
    if stage is None:
        return sum(
            (obj.weight(k) * sub.components[k] for k in COMPONENTS if obj.weight(k)), start=0
        )
    return sub.components[obj.order[stage]]


def stage_model(
    c: Compiled,
    state: ScheduleState | None,
    caps: dict[str, int],
    stage: int | None,
    free: list[int],
    lo: int = 0,
    hi: int | None = None,
    bounds: Mapping[int, tuple[int, int]] | None = None,
    hint: bool = True,
    retimed: Collection[int] = (),
) -> SubModel:
    """A model of `free` around `state`; in lexicographic stage k, earlier components <= caps."""
    sub = SubModel(c, state, free, lo=lo, hi=hi, bounds=bounds, hint=hint, retimed=retimed)
    if stage is not None and state is not None:
        for name in c.problem.objective.order[:stage]:
            sub.model.add(sub.components[name] <= caps[name])
    return sub
