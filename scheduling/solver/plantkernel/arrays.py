"""A compiled plant (`Plant`) and schedule (`Sched`) as integer arrays, and the names of their
rows; `plantsearch.plant_arrays` and `plantsearch.sched_arrays` build them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# Rows of `Plant.op`, one column per operation.
(JP, JN, REL, LAG, MAXLAG, FAM, PAUSE, FIXED, FM, FS, FT, FE, MODE_PTR, PM, PS) = range(15)
OP_ROWS = 15
# Rows of `Sched.op`.
(MACH, MP, MS, POS, S, T, E, CRIT, INDEG, STACK, CO) = range(11)
# for decoding again after a move: in the part re-timed, changed by the move, re-timed, the
# re-timed ops (a list), and their times and machine before; the machine of an op's times
(INR, CHG, DIRTY, LIST, OS, OT, OE, OCO, OCRIT, OM, DM) = range(11, 22)
SCHED_ROWS = 22
# CRIT: what held an operation back
FREE, BY_JOB, BY_MACHINE = 0, 1, 2
# Objective weights in `Plant.w` (the components' order in `model.COMPONENTS`).
W_TARD, W_MAKESPAN, W_SETUP, W_OVERTIME, W_DEVIATION = range(5)


class Plant(NamedTuple):
    """A compiled plant as arrays (built by `plantsearch.plant_arrays`)."""

    op: np.ndarray  # [row, op]
    modes: np.ndarray  # [0 machine | 1 duration | 2 setup, mode]
    cal_ptr: np.ndarray  # calendar c's segments are starts/ends[cal_ptr[c]:cal_ptr[c + 1]]
    starts: np.ndarray
    ends: np.ndarray
    cum: np.ndarray  # work before segment i of calendar c at cum[i + c]; the total after it
    machine: np.ndarray  # [0 always | 1 overtime ptr, machine]; calendars 2m (work), 2m+1 (regular)
    co: np.ndarray  # [machine, family before, family after] changeover minutes
    ot: np.ndarray  # [0 start | 1 end | 2 cost per hour, piece]; machine m's are ptr..ptr next
    job: np.ndarray  # [0 due (-1: none) | 1 weight | 2 last op, job]
    w: np.ndarray  # the objective's weights, then the machine change penalty and the horizon


class Sched(NamedTuple):
    """Machine sequences and their decoded times."""

    op: np.ndarray  # [row, op]
    seq: np.ndarray  # [machine, place] -> op
    slen: np.ndarray  # [machine]
    minutes: np.ndarray  # [piece]: overtime minutes used (by the decoded times)
    meta: np.ndarray  # [0]: how many ops the last `redecode` re-timed, [1] pieces it touched
    parts: np.ndarray  # the objective's components (scratch; after `redecode`, its schedule's)
    base: np.ndarray  # the components of the decoded times (`decode`, `commit`)
    dmin: np.ndarray  # [piece]: the overtime minutes `redecode`'s times add (-: take away)
    touched: np.ndarray  # the pieces listed in dmin
    listed: np.ndarray  # [piece]: 1 when in `touched`
