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
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .calendars import merge
from .compiled import Compiled, MachineInfo, Slot
from .state import ScheduleState

LinExpr = cp_model.LinearExpr | int


@dataclass(slots=True)
class _ModeVars:
    machine: int
    duration: int
    setup: int
    lit: cp_model.IntVar | int  # 1 when the operation has a single mode
    co: LinExpr = 0


@dataclass(slots=True)
class _OpVars:
    S: cp_model.IntVar
    T: cp_model.IntVar
    E: cp_model.IntVar
    modes: list[_ModeVars] = field(default_factory=list)


def _dom(var: cp_model.IntVar) -> tuple[int, int]:
    """(min, max) of a variable's declared domain."""
    d = list(var.proto.domain)
    return int(d[0]), int(d[-1])


def _lit_is_true(lit: cp_model.IntVar | int) -> bool:
    return isinstance(lit, int) and lit == 1


class SubModel:
    """A CP-SAT model over the operations in `free`, the others frozen at `incumbent`.

    `lo`/`hi` bound the free operations in time (setup start >= lo, end <= hi).
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
    ) -> None:
        self.c = c
        self.state = state
        self.incumbent = state.slots if state is not None else None
        self.free = sorted(set(free) - set(c.fixed))
        free_set = set(self.free)
        self.free_set = free_set
        self.model = cp_model.CpModel()
        self.lo = lo
        self.hi = c.horizon if hi is None else min(hi, c.horizon)
        self.bounds = bounds or {}
        self.vars: dict[int, _OpVars] = {}
        if state is None and len(free_set) + len(c.fixed) < len(c.ops):
            raise ValueError("operations neither free nor in the incumbent")
        self.components: dict[str, LinExpr] = {}
        self._pieces: list[tuple[int, int, cp_model.IntVar, int, int]] = []
        self._arcs: list[tuple[int, int, int, cp_model.IntVar]] = []
        self._ot_vars: list[tuple[int, int, cp_model.IntVar, cp_model.IntVar]] = []
        self._build(hint and state is not None)

    def _fz(self, o: int) -> Slot:
        """Where a frozen operation is."""
        slot = self.c.fixed.get(o)
        if slot is not None:
            return slot
        assert self.incumbent is not None
        return self.incumbent[o]

    def _frozen_items(self) -> list[tuple[int, Slot]]:
        if self.incumbent is None:
            return list(self.c.fixed.items())
        free = self.free_set
        return [(o, slot) for o, slot in enumerate(self.incumbent) if o not in free]

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
            ov = _OpVars(S, T, E)
            release = c.problem.jobs[op.job].release
            if release > lo:
                md.add(release <= T)
            md.add(S <= T)
            md.add(T <= E)
            single = len(op.modes) == 1
            for m, d, su in op.modes:
                lit: cp_model.IntVar | int = 1 if single else md.new_bool_var(f"x{o}_{m}")
                ov.modes.append(_ModeVars(m, d, su, lit))
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
                    e_lo, e_hi = _dom(self.vars[last].E)
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
            lo_e = min(_dom(e)[0] for e in last_free)
            hi_e = max(_dom(e)[1] for e in last_free)
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
                elif not _lit_is_true(on_prev[0]):
                    terms.append(penalty * (1 - on_prev[0]))
            else:
                slot = self._fz(o)
                const += abs(slot[2] - ps) + (penalty if slot[0] != pm else 0)
        return sum(terms, start=const)

    # --------------------------------------------------------------- machines
    def _machines(self) -> tuple[LinExpr, LinExpr]:
        c = self.c
        by_machine: list[list[tuple[int, _ModeVars]]] = [[] for _ in c.machines]
        for o, ov in self.vars.items():
            for mv in ov.modes:
                by_machine[mv.machine].append((o, mv))
        setup_terms: list[LinExpr] = []
        ot_terms: list[LinExpr] = []
        setup_const = 0
        ot_const = 0
        st = self.state
        fixed_by_machine: list[list[int]] = [[] for _ in c.machines]
        if st is None:
            for o, slot in c.fixed.items():
                fixed_by_machine[slot[0]].append(o)
        for m, items in enumerate(by_machine):
            if st is not None:
                frozen = [o for o in st.seq[m] if o not in self.free_set]
            else:
                frozen = sorted(fixed_by_machine[m], key=lambda o: self._fz(o)[1])
            if not items:
                if st is not None:
                    setup_const += st.machine_setup[m] - sum(
                        st.co[o] for o in st.seq[m] if o in self.free_set
                    )
                    ot_const += sum(st.piece_cost(m, k) for k in range(len(c.machines[m].overtime)))
                continue
            s_co, s_ot, cst_co, cst_ot = self._machine(m, items, frozen)
            setup_terms.extend(s_co)
            ot_terms.extend(s_ot)
            setup_const += cst_co
            ot_const += cst_ot
        return sum(setup_terms, start=setup_const), sum(ot_terms, start=ot_const)

    def _machine(
        self,
        m: int,
        items: list[tuple[int, _ModeVars]],
        frozen: list[int],
    ) -> tuple[list[LinExpr], list[LinExpr], int, int]:
        c = self.c
        md = self.model
        mi = c.machines[m]
        # the stretches of time the free operations can use on this machine
        spans = merge((_dom(self.vars[o].S)[0], _dom(self.vars[o].E)[1]) for o, _ in items)
        # frozen operations that can touch the free ones, and the neighbours of each stretch
        near: list[int] = []
        anchors: set[int] = set()
        for a, b in spans:
            before = None
            for o in frozen:
                _, s, _, e = self._fz(o)
                if e > a and s < b:
                    near.append(o)
                elif e <= a:
                    before = o
                elif s >= b:
                    anchors.add(o)
                    break
            if before is not None:
                anchors.add(before)
        near_set = set(near)
        setup_terms: list[LinExpr] = []
        ot_terms: list[LinExpr] = []
        families = {c.ops[o].family for o, _ in items} | {c.ops[o].family for o in near_set}
        families |= {c.ops[o].family for o in anchors}
        use_circuit = any(mi.changeover.get((a, b), 0) > 0 for a in families for b in families)
        circuit_frozen: set[int] = set()
        if use_circuit:
            nodes_frozen = sorted(near_set | anchors, key=lambda o: self._fz(o)[1])
            circuit_frozen = set(nodes_frozen)
            setup_terms.extend(self._circuit(m, items, nodes_frozen))
        st = self.state
        cst_co = 0
        if st is not None:
            cst_co = sum(st.co[o] for o in frozen if o not in circuit_frozen)
        # blocks NoOverlap
        blocks: list[cp_model.IntervalVar] = []
        cal_ops: list[cp_model.IntervalVar] = []
        offs: list[cp_model.IntervalVar] = []
        frozen_cal: list[cp_model.IntervalVar] = []
        pausable_here = not mi.always and (
            any(c.ops[o].can_pause for o, _ in items) or any(c.ops[o].can_pause for o in near)
        )
        for o, mv in items:
            ov = self.vars[o]
            op = c.ops[o]
            if not use_circuit:
                mv.co = 0
            pause = op.can_pause and not mi.always
            self._mode_timing(o, ov, mv, pause, mi)
            if not pause and isinstance(mv.co, int):
                # constant length: a fixed-size interval propagates and relaxes better
                length = mv.setup + mv.co + mv.duration
                if isinstance(mv.lit, int):
                    blk = md.new_fixed_size_interval_var(ov.S, length, f"b{o}_{m}")
                else:
                    blk = md.new_optional_fixed_size_interval_var(ov.S, length, mv.lit, f"b{o}_{m}")
            else:
                blk = self._interval(ov.S, ov.E, mv.lit, f"b{o}_{m}")
            blocks.append(blk)
            if not mi.always:
                cal_ops.append(self._interval(ov.S, ov.T, mv.lit, f"c{o}_{m}") if pause else blk)
        for o in near_set:
            _, s, t, e = self._fz(o)
            blocks.append(md.new_fixed_size_interval_var(s, e - s, f"fb{o}"))
        cst_ot = 0
        if not mi.always:
            for w_lo, w_hi in spans:
                offs.extend(self._offs(mi, w_lo, w_hi))
            for k, (a, b, cph) in enumerate(mi.overtime):
                if not any(b > w_lo and a < w_hi for w_lo, w_hi in spans):
                    cst_ot += st.piece_cost(m, k) if st is not None else 0
                    continue
                cost, blockers = self._overtime_window(m, k, a, b, cph)
                ot_terms.append(cost)
                offs.extend(blockers)
                for o in near:
                    _, s, t, e = self._fz(o)
                    busy_end = t if c.ops[o].can_pause else e
                    if busy_end > s and min(busy_end, b) > max(s, a):
                        frozen_cal.append(md.new_fixed_size_interval_var(s, busy_end - s, f"fc{o}"))
        if pausable_here:
            md.add_no_overlap(blocks)
            md.add_no_overlap(cal_ops + offs + frozen_cal)
        else:
            md.add_no_overlap(blocks + offs)
        return setup_terms, ot_terms, cst_co, cst_ot

    def _offs(self, mi: MachineInfo, w_lo: int, w_hi: int) -> list[cp_model.IntervalVar]:
        """Non-working time (neither regular nor overtime) inside `[w_lo, w_hi)`."""
        md = self.model
        out = []
        prev_end = w_lo
        for a, b in mi.extended.segments:
            if b <= w_lo:
                continue
            if a >= w_hi:
                break
            if a > prev_end:
                out.append(md.new_fixed_size_interval_var(prev_end, a - prev_end, "off"))
            prev_end = max(prev_end, b)
        if prev_end < w_hi:
            out.append(md.new_fixed_size_interval_var(prev_end, w_hi - prev_end, "off"))
        return out

    def _interval(
        self,
        start: cp_model.IntVar,
        end: cp_model.IntVar,
        lit: cp_model.IntVar | int,
        name: str,
    ) -> cp_model.IntervalVar:
        md = self.model
        size = md.new_int_var(0, self.hi, f"sz{name}")
        md.add(size == end - start)
        if isinstance(lit, int):
            return md.new_interval_var(start, size, end, name)
        return md.new_optional_interval_var(start, size, end, lit, name)

    def _overtime_window(
        self, m: int, k: int, a: int, b: int, cph: int
    ) -> tuple[LinExpr, list[cp_model.IntervalVar]]:
        """Cost of the used part `[lo, hi)` of a window; the unused parts become blockers."""
        md = self.model
        used_lo = md.new_int_var(a, b, f"otl{m}_{k}")
        used_hi = md.new_int_var(a, b, f"oth{m}_{k}")
        md.add(used_lo <= used_hi)
        cost = md.new_int_var(0, math.ceil(cph * (b - a) / 60), f"otc{m}_{k}")
        md.add(60 * cost >= cph * (used_hi - used_lo))
        self._ot_vars.append((m, k, used_lo, used_hi))
        # An empty blocker must be absent: NoOverlap counts a zero-size interval as overlapping
        # any block that straddles its point (work running from regular time into overtime).
        before = md.new_bool_var(f"otbp{m}_{k}")
        md.add(used_lo > a).only_enforce_if(before)
        md.add(used_lo == a).only_enforce_if(before.Not())
        after = md.new_bool_var(f"otap{m}_{k}")
        md.add(used_hi < b).only_enforce_if(after)
        md.add(used_hi == b).only_enforce_if(after.Not())
        blockers = [
            md.new_optional_interval_var(a, used_lo - a, used_lo, before, f"otb{m}_{k}"),
            md.new_optional_interval_var(used_hi, b - used_hi, b, after, f"ota{m}_{k}"),
        ]
        return cost, blockers

    def _mode_timing(
        self, o: int, ov: _OpVars, mv: _ModeVars, pause: bool, mi: MachineInfo
    ) -> None:
        md = self.model
        lit = mv.lit
        enf = [] if _lit_is_true(lit) else [lit]
        md.add(ov.S + mv.setup + mv.co == ov.T).only_enforce_if(enf)
        if not pause:
            md.add(ov.T + mv.duration == ov.E).only_enforce_if(enf)
            return
        pieces = mi.regular.pieces(_dom(ov.S)[0], _dom(ov.E)[1], mv.duration)
        if not pieces:
            if isinstance(lit, int):
                md.add_bool_or([])  # cannot run here at all: infeasible
            else:
                md.add(lit == 0)
            return
        if len(pieces) == 1:
            t_lo, t_hi, off = pieces[0]
            md.add(t_lo <= ov.T).only_enforce_if(enf)
            md.add(t_hi >= ov.T).only_enforce_if(enf)
            md.add(ov.T + off == ov.E).only_enforce_if(enf)
            return
        choice = []
        for i, (t_lo, t_hi, off) in enumerate(pieces):
            b = md.new_bool_var(f"pc{o}_{mv.machine}_{i}")
            choice.append(b)
            md.add(t_lo <= ov.T).only_enforce_if(b)
            md.add(t_hi >= ov.T).only_enforce_if(b)
            md.add(ov.T + off == ov.E).only_enforce_if(b)
            self._pieces.append((o, mv.machine, b, t_lo, t_hi))
        md.add(sum(choice) == (1 if _lit_is_true(lit) else lit))

    def _circuit(
        self, m: int, items: list[tuple[int, _ModeVars]], frozen: list[int]
    ) -> list[LinExpr]:
        """Circuit over free op-modes and frozen neighbours on machine m; returns setup terms."""
        c = self.c
        md = self.model
        mi = c.machines[m]
        # node 0 is the depot; nodes 1..k frozen (in time order), then free op-modes
        nodes: list[tuple[int, _ModeVars | None]] = [(o, None) for o in frozen]
        nodes += [(o, mv) for o, mv in items]
        arcs: list[tuple[int, int, Any]] = []
        co_in: dict[int, list[LinExpr]] = {}
        setup_terms: list[LinExpr] = []

        def window(i: int) -> tuple[int, int, int, int]:
            o, mv = nodes[i]
            if mv is None:
                _, s, _, e = self._fz(o)
                return s, s, e, e
            ov = self.vars[o]
            return (*_dom(ov.S), *_dom(ov.E))

        wins = [window(i) for i in range(len(nodes))]
        n_frozen = len(frozen)
        st = self.state
        pos = {o: k for k, o in enumerate(st.seq[m])} if st is not None else {}

        def gap(a: int, b: int) -> bool:
            """True when frozen work outside the circuit lies between frozen a and b."""
            if st is None:
                return False
            seq = st.seq[m]
            return any(x not in self.free_set for x in seq[pos[a] + 1 : pos[b]])

        for i in range(len(nodes)):
            oi, mvi = nodes[i]
            fi = c.ops[oi].family
            for j in range(len(nodes)):
                if i == j:
                    continue
                oj, mvj = nodes[j]
                if mvi is None and mvj is None and j != i + 1:
                    continue
                # i can precede j only if i's earliest end <= j's latest setup start
                if wins[i][2] > wins[j][1]:
                    continue
                co = mi.co(fi, c.ops[oj].family)
                if mvi is None and mvj is None and gap(oi, oj):
                    # not really adjacent: j keeps its present changeover
                    co = st.co[oj] if st is not None else 0
                elif mvj is None and oj not in c.fixed:
                    _, s, t, _ = self._fz(oj)
                    mode_setup = self._frozen_routing_setup(oj, m)
                    if co > t - s - mode_setup:
                        continue
                lit = md.new_bool_var(f"a{m}_{i}_{j}")
                arcs.append((i + 1, j + 1, lit))
                if mvi is None and mvj is None:
                    pass  # both fixed in time, already in order
                elif mvi is None:
                    md.add(self._fz(oi)[3] <= self.vars[oj].S).only_enforce_if(lit)
                elif mvj is None:
                    md.add(self._fz(oj)[1] >= self.vars[oi].E).only_enforce_if(lit)
                else:
                    md.add(self.vars[oj].S >= self.vars[oi].E).only_enforce_if(lit)
                if co:
                    co_in.setdefault(j, []).append(co * lit)
                self._arcs.append((m, oi, oj, lit))
        first_frozen = 0 if n_frozen else None
        last_frozen = n_frozen - 1 if n_frozen else None
        for i in range(len(nodes)):
            oi, mvi = nodes[i]
            can_first = i == first_frozen or (
                mvi is not None and (first_frozen is None or wins[i][2] <= wins[0][1])
            )
            can_last = i == last_frozen or (
                mvi is not None and (last_frozen is None or wins[i][1] >= wins[n_frozen - 1][2])
            )
            if can_first:
                lit = md.new_bool_var(f"d{m}_{i}")
                arcs.append((0, i + 1, lit))
                self._arcs.append((m, -1, oi, lit))
                if mvi is None and st is not None and st.co[oi]:
                    # the first frozen node keeps the changeover from its real predecessor
                    co_in.setdefault(i, []).append(st.co[oi] * lit)
            if can_last:
                lit = md.new_bool_var(f"e{m}_{i}")
                arcs.append((i + 1, 0, lit))
                self._arcs.append((m, oi, -1, lit))
            if mvi is not None and not _lit_is_true(mvi.lit):
                assert not isinstance(mvi.lit, int)
                arcs.append((i + 1, i + 1, mvi.lit.Not()))
        if not n_frozen:
            # an empty machine (every optional mode elsewhere) is allowed
            arcs.append((0, 0, md.new_bool_var(f"empty{m}")))
        md.add_circuit(arcs)
        for j, terms in co_in.items():
            oj, mvj = nodes[j]
            expr = sum(terms, start=0)
            if mvj is not None:
                mvj.co = expr
            setup_terms.append(expr)
        return setup_terms

    def _frozen_routing_setup(self, o: int, m: int) -> int:
        for mm, _, su in self.c.ops[o].modes:
            if mm == m:
                return su
        return 0

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
        if self._arcs:
            in_circuit: dict[int, set[int]] = {}
            for mc, src, dst, _ in self._arcs:
                in_circuit.setdefault(mc, set()).update(x for x in (src, dst) if x >= 0)
            for mc, src, dst, arc in self._arcs:
                nodes = in_circuit[mc]
                if src < 0:
                    val = dst == self._first_in(mc, nodes)
                elif dst < 0:
                    val = src == self._last_in(mc, nodes)
                else:
                    val = self._next_in(mc, src, nodes) == dst
                md.add_hint(arc, val)

    def _ordered(self, m: int, nodes: set[int]) -> list[int]:
        assert self.incumbent is not None
        inc = self.incumbent
        return sorted((o for o in nodes if inc[o][0] == m), key=lambda o: (inc[o][1], inc[o][3]))

    def _first_in(self, m: int, nodes: set[int]) -> int:
        seq = self._ordered(m, nodes)
        return seq[0] if seq else -2

    def _last_in(self, m: int, nodes: set[int]) -> int:
        seq = self._ordered(m, nodes)
        return seq[-1] if seq else -2

    def _next_in(self, m: int, a: int, nodes: set[int]) -> int:
        seq = self._ordered(m, nodes)
        if a not in seq:
            return -2
        i = seq.index(a)
        return seq[i + 1] if i + 1 < len(seq) else -2

    # ------------------------------------------------------------- extraction
    def extract_free(self, value: object) -> dict[int, Slot]:
        """Slots of the free operations from a solver or callback (`.value(var)`)."""
        get = value.value  # type: ignore[attr-defined]
        out: dict[int, Slot] = {}
        for o, ov in self.vars.items():
            m = ov.modes[0].machine
            for mv in ov.modes:
                if _lit_is_true(mv.lit) or get(mv.lit):
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
