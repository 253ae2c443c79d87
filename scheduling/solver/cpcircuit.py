"""Sequence-dependent changeovers: a circuit over each machine's operations."""

from __future__ import annotations

from typing import Any

from .cpbase import LinExpr, ModelBase, ModeVars, dom, lit_is_true


class Changeovers(ModelBase):
    """The arc taken into each operation fixes its changeover."""

    def _circuit(
        self, m: int, items: list[tuple[int, ModeVars]], frozen: list[int]
    ) -> list[LinExpr]:
        """Circuit over free op-modes and frozen neighbours on machine m; returns setup terms."""
        c = self.c
        md = self.model
        mi = c.machines[m]
        # node 0 is the depot; nodes 1..k frozen (in time order), then free op-modes
        nodes: list[tuple[int, ModeVars | None]] = [(o, None) for o in frozen]
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
            return (*dom(ov.S), *dom(ov.E))

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
            if mvi is not None and not lit_is_true(mvi.lit):
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

    def _hint_arcs(self) -> None:
        """Hint every arc from the incumbent's order on each machine."""
        md = self.model
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
