"""Per-machine constraints: operation blocks, calendars, overtime windows, pausable work."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from .calendars import merge
from .compiled import MachineInfo
from .cpbase import LinExpr, ModeVars, OpVars, dom, lit_is_true
from .cpcircuit import Changeovers


class MachineConstraints(Changeovers):
    """Every machine's NoOverlaps, calendar and overtime, with its changeover circuit."""

    def _machines(self) -> tuple[LinExpr, LinExpr]:
        c = self.c
        by_machine: list[list[tuple[int, ModeVars]]] = [[] for _ in c.machines]
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
                frozen = [o for o in st.seq[m] if o not in self.free_set and o not in self.retimed]
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
        items: list[tuple[int, ModeVars]],
        frozen: list[int],
    ) -> tuple[list[LinExpr], list[LinExpr], int, int]:
        """Machine m's constraints; returns setup terms, overtime terms and their constants."""
        c = self.c
        mi = c.machines[m]
        # the stretches of time the free operations can use on this machine
        spans = merge((dom(self.vars[o].S)[0], dom(self.vars[o].E)[1]) for o, _ in items)
        near, anchors = self._near_frozen(spans, frozen)
        setup_terms, cst_co, use_circuit = self._changeovers(m, items, near, anchors, frozen)
        blocks, cal_ops = self._op_blocks(m, items, use_circuit)
        for o in near:
            _, s, _, e = self._fz(o)
            blocks.append(self.model.new_fixed_size_interval_var(s, e - s, f"fb{o}"))
        if mi.always:
            self.model.add_no_overlap(blocks)
            return setup_terms, [], cst_co, 0
        offs, frozen_cal, ot_terms, cst_ot = self._calendar(m, spans, near)
        pausable_here = any(c.ops[o].can_pause for o, _ in items) or any(
            c.ops[o].can_pause for o in near
        )
        if pausable_here:
            self.model.add_no_overlap(blocks)
            self.model.add_no_overlap(cal_ops + offs + frozen_cal)
        else:
            self.model.add_no_overlap(blocks + offs)
        return setup_terms, ot_terms, cst_co, cst_ot

    def _near_frozen(
        self, spans: list[tuple[int, int]], frozen: list[int]
    ) -> tuple[list[int], set[int]]:
        """Frozen operations that can touch the free ones, and the neighbours of each stretch."""
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
        # one long frozen operation can reach into two stretches: list it once
        return list(dict.fromkeys(near)), anchors

    def _changeovers(
        self,
        m: int,
        items: list[tuple[int, ModeVars]],
        near: list[int],
        anchors: set[int],
        frozen: list[int],
    ) -> tuple[list[LinExpr], int, bool]:
        """The changeover circuit when families with a changeover meet on machine m.

        Returns its setup terms, the changeovers of frozen work outside it, and whether it is
        there.
        """
        c = self.c
        mi = c.machines[m]
        nodes = set(near) | anchors
        families = {c.ops[o].family for o, _ in items} | {c.ops[o].family for o in nodes}
        use_circuit = any(mi.changeover.get((a, b), 0) > 0 for a in families for b in families)
        setup_terms: list[LinExpr] = []
        circuit_frozen: set[int] = set()
        if use_circuit:
            nodes_frozen = sorted(nodes, key=lambda o: self._fz(o)[1])
            circuit_frozen = set(nodes_frozen)
            setup_terms = self._circuit(m, items, nodes_frozen)
        st = self.state
        cst_co = 0
        if st is not None:
            cst_co = sum(st.co[o] for o in frozen if o not in circuit_frozen)
        return setup_terms, cst_co, use_circuit

    def _op_blocks(
        self, m: int, items: list[tuple[int, ModeVars]], use_circuit: bool
    ) -> tuple[list[cp_model.IntervalVar], list[cp_model.IntervalVar]]:
        """Each free operation's block on m, and the part of it that needs working time."""
        c = self.c
        md = self.model
        mi = c.machines[m]
        blocks: list[cp_model.IntervalVar] = []
        cal_ops: list[cp_model.IntervalVar] = []
        for o, mv in items:
            ov = self.vars[o]
            if not use_circuit:
                mv.co = 0
            pause = c.ops[o].can_pause and not mi.always
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
        return blocks, cal_ops

    def _calendar(
        self, m: int, spans: list[tuple[int, int]], near: list[int]
    ) -> tuple[list[cp_model.IntervalVar], list[cp_model.IntervalVar], list[LinExpr], int]:
        """Non-working time and overtime windows over `spans` on m.

        Returns the blocking intervals, the busy parts of frozen work inside overtime windows,
        the overtime cost terms, and the cost of the windows outside the spans.
        """
        c = self.c
        md = self.model
        mi = c.machines[m]
        st = self.state
        offs: list[cp_model.IntervalVar] = []
        frozen_cal: list[cp_model.IntervalVar] = []
        ot_terms: list[LinExpr] = []
        cst_ot = 0
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
        return offs, frozen_cal, ot_terms, cst_ot

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

    def _mode_timing(self, o: int, ov: OpVars, mv: ModeVars, pause: bool, mi: MachineInfo) -> None:
        md = self.model
        lit = mv.lit
        enf = [] if lit_is_true(lit) else [lit]
        md.add(ov.S + mv.setup + mv.co == ov.T).only_enforce_if(enf)
        if not pause:
            md.add(ov.T + mv.duration == ov.E).only_enforce_if(enf)
            return
        pieces = mi.regular.pieces(dom(ov.S)[0], dom(ov.E)[1], mv.duration)
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
        md.add(sum(choice) == (1 if lit_is_true(lit) else lit))
