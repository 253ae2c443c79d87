"""Calendar arithmetic in machine code, as `calendars.Calendar` and `dispatch.place` do it:
calendar c's working segments are `starts/ends[cal_ptr[c]:cal_ptr[c + 1]]` (`arrays.Plant`).
"""

from __future__ import annotations

import numpy as np

from ..kernelcache import inline


@inline
def first_after(a: np.ndarray, lo: int, hi: int, t: int, strict: bool) -> int:
    """The first index in a[lo:hi] (sorted) whose value is > t (strict) or >= t."""
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < t or (strict and a[mid] == t):
            lo = mid + 1
        else:
            hi = mid
    return lo


@inline
def fit(
    cal_ptr: np.ndarray, starts: np.ndarray, ends: np.ndarray, c: int, t: int, length: int
) -> int:
    """Earliest s >= t with [s, s + length) inside one segment of calendar c; -1 if none."""
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = first_after(ends, lo, hi, t, length > 0)
    while i < hi:
        s = max(t, starts[i])
        if s + length <= ends[i]:
            return int(s)
        i += 1
    return -1


@inline
def next_working(cal_ptr: np.ndarray, starts: np.ndarray, ends: np.ndarray, c: int, t: int) -> int:
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = first_after(ends, lo, hi, t, True)
    if i >= hi:
        return -1
    return int(max(t, starts[i]))


@inline
def work_end(
    cal_ptr: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    cum: np.ndarray,
    c: int,
    t: int,
    work: int,
) -> int:
    """End of `work` working minutes started at t, pausing through gaps; -1 past the end."""
    if work <= 0:
        return t
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = first_after(ends, lo, hi, t, True)
    if i >= hi:
        return -1
    pos = max(t, starts[i])
    target = cum[i + c] + (pos - starts[i]) + work
    if target > cum[hi + c]:
        return -1
    # the segment j with cum[j] < target <= cum[j + 1]
    j = first_after(cum, lo + c, hi + c + 1, target, False) - 1 - c
    return int(starts[j] + (target - cum[j + c]))


@inline
def work_times(
    cal_ptr: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    cum: np.ndarray,
    m: int,
    always: int,
    pause: int,
    setup: int,
    duration: int,
    lo: int,
    first: int,
) -> tuple[int, int, int]:
    """(setup start, start, end) on machine m of a setup that starts at `lo` or later and its
    work (as `dispatch.place`); a pausable operation without a setup starts at the first
    working minute from `first`. (-1, -1, -1) where the calendar ends first."""
    if not pause or always:
        s = fit(cal_ptr, starts, ends, 2 * m, lo, setup + duration)
        if s < 0:
            return -1, -1, -1
        return s, s + setup, s + setup + duration
    cal = 2 * m + 1
    if setup > 0:
        s = fit(cal_ptr, starts, ends, cal, lo, setup)
        if s < 0:
            return -1, -1, -1
        t = s + setup
    else:
        s = t = next_working(cal_ptr, starts, ends, cal, first)
        if t < 0:
            return -1, -1, -1
    e = work_end(cal_ptr, starts, ends, cum, cal, t, duration)
    if e < 0:
        return -1, -1, -1
    return s, t, e
