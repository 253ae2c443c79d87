"""The construction: dispatching-rule schedules, the most promising rule first, kept in the
incumbent while they improve it.

Small problems run the rules in Python (`dispatch.py`). Large plants run them in machine code
(`plantkernel.rules.dispatch_rule`, the same schedules), about ten times faster: on plant-L (10,000
operations) the 32 rule variants took 29-36 s in Python on a slow host and 3.4 s compiled, so
the searches start from the best of them seconds in instead of half a minute.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import numpy as np

from .compiled import Compiled, Slot
from .dispatch import atcs_scales, dispatch, machines_after_fixed, rule_parts
from .incumbent import Incumbent
from .model import COMPONENTS, Solution
from .plantsearch import plant_arrays, sched_arrays, slots_of
from .threads import beside


class CompiledRules:
    """The dispatching rules of one plant in machine code (`plantkernel.rules.dispatch_rule`)."""

    def __init__(self, c: Compiled) -> None:
        from .plantkernel import objective, rules

        self.c = c
        self.rules, self.objective = rules, objective
        self.plain = plant_arrays(c)
        pieces = [set(range(len(mi.overtime))) for mi in c.machines]
        self.extended = plant_arrays(c, pieces) if any(pieces) else self.plain
        self.pl = self.plain
        self.sc = sched_arrays(c, [[] for _ in c.machines])
        free, fam = machines_after_fixed(c)
        n_jobs, n_m = len(c.job_ops), len(c.machines)
        on_machine = np.zeros(n_m + 1, np.int64)
        for op in c.ops:
            for m, _, _ in op.modes:
                on_machine[m + 1] += 1
        leaves = 1 << max(0, n_jobs - 1).bit_length()
        self.ru = rules.Rules(
            job=np.array(
                [
                    [chain[0] if chain else -1 for chain in c.job_ops],
                    [job.priority for job in c.problem.jobs],
                ],
                np.int64,
            ).reshape(2, n_jobs),
            job_of=np.array([op.job for op in c.ops], np.int64),
            min_d=np.array([min(d for _, d, _ in op.modes) for op in c.ops], np.int64),
            m_init=np.array([free, [-1 if f is None else f for f in fam]], np.int64).reshape(
                2, n_m
            ),
            cand_ptr=np.cumsum(on_machine)[:n_m],
            params=np.ones(2, np.float64),
            state=np.zeros((5, n_jobs), np.int64),
            m_state=np.zeros((2, n_m), np.int64),
            cand=np.zeros(int(on_machine.sum()), np.int64),
            cand_len=np.zeros(n_m, np.int64),
            tree=np.full(2 * leaves, -1, np.int64),
        )
        self.p_bar, self.s_bar = atcs_scales(c)

    def run(self, rule: str) -> int:
        """Build the schedule of `rule`; its weighted objective, or -1 when it does not fit in
        the horizon."""
        name, k1, k2, overtime = rule_parts(rule)
        self.pl = self.extended if overtime else self.plain
        self.ru.params[:] = k1 * self.p_bar, k2 * self.s_bar
        rule_index = self.rules.RULE_NAMES.index(name)
        if not self.rules.dispatch_rule(self.pl, self.ru, self.sc, rule_index):
            return -1
        return int(self.objective.objective(self.pl, self.sc))

    def slots(self) -> list[Slot]:
        """The last schedule built."""
        return slots_of(self.sc)

    def components(self) -> dict[str, int]:
        """The last schedule's objective components."""
        parts = self.objective.components(self.pl, self.sc)
        return dict(zip(COMPONENTS, parts.tolist(), strict=True))


def construct(
    c: Compiled,
    inc: Incumbent,
    rules: list[str],
    *,
    budget_s: float,
    stop: Callable[[], bool],
    compiled: bool = False,
    lanes: int = 1,
) -> None:
    """Run the dispatching `rules` (the most promising first) until the budget is spent and a
    schedule exists, offering each schedule to the incumbent. `compiled` runs them in machine
    code (weighted objectives: the kernel ranks them by the weighted sum), in `lanes` threads
    (`_compiled_lanes`)."""
    assert not compiled or c.problem.objective.mode == "weighted"
    # the greedy pass keeps every rule but maximum lags, so only then is a check needed
    check = any(op.max_lag is not None for op in c.ops)
    if compiled:
        _compiled_lanes(c, inc, rules, budget_s=budget_s, stop=stop, lanes=lanes, check=check)
        return
    t0 = time.monotonic()
    for rule in rules:
        if inc.slots is not None and (time.monotonic() - t0 > budget_s or stop()):
            break
        slots = dispatch(c, rule)
        if slots is None or (check and not _keeps_lags(c, slots)):
            continue
        inc.offer(slots, f"dispatch:{rule}", c.components(slots))


def _keeps_lags(c: Compiled, slots: list[Slot]) -> bool:
    """Whether a greedy schedule keeps every maximum lag (and every other constraint)."""
    from .verify import verify

    return not verify(c.problem, Solution("feasible", c.assignments(slots), None, None, None))


def _compiled_lanes(
    c: Compiled,
    inc: Incumbent,
    rules: list[str],
    *,
    budget_s: float,
    stop: Callable[[], bool],
    lanes: int,
    check: bool,
) -> None:
    """The compiled rules dealt out to `lanes` threads in turn (the kernel releases the
    interpreter; each lane keeps the most promising first, and the first runs in the caller's
    thread). A lane reads out only the schedules better than its own earlier ones and the
    incumbent's, and they are offered in the rules' order once every lane is done: the same
    schedule wins as when the rules run one after the other (plant-L's 31 compiled variants:
    1.65 s in one lane, 0.89 s in two)."""
    t0 = time.monotonic()
    start = inc.key[0] if inc.key is not None else None
    found: list[tuple[int, str, list[Slot], dict[str, int]]] = []

    def lane(k: int) -> None:
        runner = CompiledRules(c)
        best = start
        for i in range(k, len(rules), lanes):
            if best is not None and (time.monotonic() - t0 > budget_s or stop()):
                return
            value = runner.run(rules[i])
            if value < 0 or (best is not None and value >= best):
                continue  # no better: no need to read it out
            slots = runner.slots()
            if check and not _keeps_lags(c, slots):
                continue  # a maximum lag the greedy pass could not keep
            best = value
            found.append((i, rules[i], slots, runner.components()))

    others = [functools.partial(lane, k) for k in range(1, lanes)]
    beside("takt-rules", others, lambda failed: lane(0))
    for _, rule, slots, comps in sorted(found, key=lambda f: f[0]):
        inc.offer(slots, f"dispatch:{rule}", comps)
