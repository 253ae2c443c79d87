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
        return _Circuit(self, m, items, frozen).build()

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


class _Circuit:
    """One machine's circuit while it is built.

    Node 0 is the depot; nodes 1..k the frozen neighbours (in time order), then the free
    op-modes. An arc i -> j puts j right after i and gives j the changeover between them.
    """

    def __init__(
        self, owner: Changeovers, m: int, items: list[tuple[int, ModeVars]], frozen: list[int]
    ) -> None:
        self.owner = owner
        self.md = owner.model
        self.m = m
        self.mi = owner.c.machines[m]
        self.nodes: list[tuple[int, ModeVars | None]] = [(o, None) for o in frozen]
        self.nodes += [(o, mv) for o, mv in items]
        self.n_frozen = len(frozen)
        self.wins = [self._window(i) for i in range(len(self.nodes))]
        st = owner.state
        self.pos = {o: k for k, o in enumerate(st.seq[m])} if st is not None else {}
        self.arcs: list[tuple[int, int, Any]] = []
        self.co_in: dict[int, list[LinExpr]] = {}

    def _window(self, i: int) -> tuple[int, int, int, int]:
        """(earliest, latest) setup start and (earliest, latest) end of node i."""
        o, mv = self.nodes[i]
        if mv is None:
            _, s, _, e = self.owner._fz(o)
            return s, s, e, e
        ov = self.owner.vars[o]
        return (*dom(ov.S), *dom(ov.E))

    def _gap(self, a: int, b: int) -> bool:
        """True when frozen work outside the circuit lies between frozen a and b."""
        st = self.owner.state
        if st is None:
            return False
        seq = st.seq[self.m]
        return any(x not in self.owner.free_set for x in seq[self.pos[a] + 1 : self.pos[b]])

    def _changeover(self, i: int, j: int) -> int | None:
        """The changeover an arc i -> j gives j, or None when the arc cannot be taken."""
        owner = self.owner
        c = owner.c
        (oi, mvi), (oj, mvj) = self.nodes[i], self.nodes[j]
        if mvi is None and mvj is None and j != i + 1:
            return None
        # i can precede j only if i's earliest end <= j's latest setup start
        if self.wins[i][2] > self.wins[j][1]:
            return None
        co = self.mi.co(c.ops[oi].family, c.ops[oj].family)
        st = owner.state
        if mvi is None and mvj is None and self._gap(oi, oj):
            # not really adjacent: j keeps its present changeover
            return st.co[oj] if st is not None else 0
        if mvj is None and oj not in c.fixed:
            _, s, t, _ = owner._fz(oj)
            if co > t - s - owner._frozen_routing_setup(oj, self.m):
                return None  # the frozen setup cannot absorb it
        return co

    def _pair(self, i: int, j: int) -> None:
        co = self._changeover(i, j)
        if co is None:
            return
        owner = self.owner
        md = self.md
        (oi, mvi), (oj, mvj) = self.nodes[i], self.nodes[j]
        lit = md.new_bool_var(f"a{self.m}_{i}_{j}")
        self.arcs.append((i + 1, j + 1, lit))
        if mvi is None and mvj is not None:
            md.add(owner._fz(oi)[3] <= owner.vars[oj].S).only_enforce_if(lit)
        elif mvi is not None and mvj is None:
            md.add(owner._fz(oj)[1] >= owner.vars[oi].E).only_enforce_if(lit)
        elif mvi is not None and mvj is not None:
            md.add(owner.vars[oj].S >= owner.vars[oi].E).only_enforce_if(lit)
        # (both frozen: fixed in time, already in order)
        if co:
            self.co_in.setdefault(j, []).append(co * lit)
        owner._arcs.append((self.m, oi, oj, lit))

    def _depot(self, i: int) -> None:
        """Arcs from and to the depot for node i, and its self-loop when it may run elsewhere."""
        owner = self.owner
        md = self.md
        oi, mvi = self.nodes[i]
        nf = self.n_frozen
        wins = self.wins
        can_first = (nf and i == 0) or (mvi is not None and (not nf or wins[i][2] <= wins[0][1]))
        can_last = (nf and i == nf - 1) or (
            mvi is not None and (not nf or wins[i][1] >= wins[nf - 1][2])
        )
        st = owner.state
        if can_first:
            lit = md.new_bool_var(f"d{self.m}_{i}")
            self.arcs.append((0, i + 1, lit))
            owner._arcs.append((self.m, -1, oi, lit))
            if mvi is None and st is not None and st.co[oi]:
                # the first frozen node keeps the changeover from its real predecessor
                self.co_in.setdefault(i, []).append(st.co[oi] * lit)
        if can_last:
            lit = md.new_bool_var(f"e{self.m}_{i}")
            self.arcs.append((i + 1, 0, lit))
            owner._arcs.append((self.m, oi, -1, lit))
        if mvi is not None and not lit_is_true(mvi.lit):
            assert not isinstance(mvi.lit, int)
            self.arcs.append((i + 1, i + 1, mvi.lit.Not()))

    def build(self) -> list[LinExpr]:
        n = len(self.nodes)
        for i in range(n):
            for j in range(n):
                if i != j:
                    self._pair(i, j)
        for i in range(n):
            self._depot(i)
        if not self.n_frozen:
            # an empty machine (every optional mode elsewhere) is allowed
            self.arcs.append((0, 0, self.md.new_bool_var(f"empty{self.m}")))
        self.md.add_circuit(self.arcs)
        setup_terms: list[LinExpr] = []
        for j, terms in self.co_in.items():
            mvj = self.nodes[j][1]
            expr = sum(terms, start=0)
            if mvj is not None:
                mvj.co = expr
            setup_terms.append(expr)
        return setup_terms
