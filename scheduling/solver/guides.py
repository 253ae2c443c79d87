"""Guides for LNS's sub-models: terms added to a neighbourhood's objective so that what the
sub-model cannot see still counts.

`late_guide` presses the free work of late orders to end early (moving it earlier changes
nothing by itself but makes room for the next neighbourhood); `downstream_guide` prices, for
a neighbourhood whose later work is re-timed by decoding, what delaying free work would cost
after it.
"""

from __future__ import annotations

from .compiled import Compiled, Slot
from .cpbase import LinExpr
from .cpmodel import SubModel
from .state import ScheduleState


def late_guide(c: Compiled, sub: SubModel, slots: list[Slot]) -> LinExpr:
    """Sum of weight * end over free operations of orders late in `slots`."""
    jobs = c.problem.jobs
    terms: list[LinExpr] = []
    for o, ov in sub.vars.items():
        j = c.ops[o].job
        due = jobs[j].due
        if due is not None and slots[c.job_ops[j][-1]][3] > due:
            terms.append(jobs[j].weight * ov.E)
    return sum(terms, start=0)


def downstream_guide(c: Compiled, sub: SubModel, state: ScheduleState) -> LinExpr:
    """What delaying free work would cost downstream, where the model no longer sees it.

    A free step whose order goes on pays the order's tardiness weight (times the objective's)
    for every minute it ends later than its order's slack allows (at once when the order is
    late). On each machine the free work may not run into the first re-timed operation queued
    after it, so the queue is re-timed earlier or not at all.
    """
    md = sub.model
    jobs = c.problem.jobs
    slots = state.slots
    wt = c.problem.objective.weighted_tardiness
    terms: list[LinExpr] = []
    for o, ov in sub.vars.items():
        op = c.ops[o]
        chain = c.job_ops[op.job]
        due = jobs[op.job].due
        if op.pos + 1 == len(chain) or due is None or not wt:
            continue
        slack = max(0, due - state.job_end[op.job])
        late = md.new_int_var(0, c.horizon, f"dl{o}")
        md.add(late >= ov.E - slots[o][3] - slack)
        terms.append(wt * jobs[op.job].weight * late)
    for m in {mv.machine for ov in sub.vars.values() for mv in ov.modes}:
        first = next(
            (slots[x][1] for x in state.seq[m] if x in sub.retimed and slots[x][1] >= sub.lo),
            None,
        )
        if first is None:
            continue
        for ov in sub.vars.values():
            for mv in ov.modes:
                if mv.machine == m:
                    enf = [] if isinstance(mv.lit, int) else [mv.lit]
                    md.add(first >= ov.E).only_enforce_if(enf)
    return sum(terms, start=0)
