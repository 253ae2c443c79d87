"""Working-time arithmetic on a machine's sorted, disjoint working segments."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


def merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge touching or overlapping half-open windows; drop empty ones."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(w for w in windows if w[1] > w[0]):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def subtract(windows: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`windows` minus `cuts` (both merged lists)."""
    out: list[tuple[int, int]] = []
    for a, b in windows:
        pieces = [(a, b)]
        for c, d in cuts:
            if d <= a or c >= b:
                continue
            nxt: list[tuple[int, int]] = []
            for x, y in pieces:
                if d <= x or c >= y:
                    nxt.append((x, y))
                    continue
                if c > x:
                    nxt.append((x, c))
                if d < y:
                    nxt.append((d, y))
            pieces = nxt
        out.extend(pieces)
    return out


class Calendar:
    """Working segments `[start, end)` with helpers to place blocks of work in them."""

    __slots__ = ("cum", "ends", "segments", "starts")

    def __init__(self, segments: list[tuple[int, int]]) -> None:
        self.segments = merge(segments)
        self.starts = [a for a, _ in self.segments]
        self.ends = [b for _, b in self.segments]
        self.cum = [0]
        for a, b in self.segments:
            self.cum.append(self.cum[-1] + b - a)

    def fit(self, t: int, length: int) -> int | None:
        """Earliest `s >= t` with `[s, s + length)` inside one segment (None if none)."""
        i = bisect_right(self.ends, t) if length > 0 else bisect_left(self.ends, t)
        n = len(self.starts)
        while i < n:
            s = max(t, self.starts[i])
            if s + length <= self.ends[i]:
                return s
            i += 1
        return None

    def next_working(self, t: int) -> int | None:
        """The first working minute at or after `t`."""
        i = bisect_right(self.ends, t)
        if i >= len(self.starts):
            return None
        return max(t, self.starts[i])

    def work_end(self, t: int, work: int) -> int | None:
        """End of `work` working minutes started at `t` (pausing through gaps)."""
        if work <= 0:
            return t
        i = bisect_right(self.ends, t)
        if i >= len(self.starts):
            return None
        pos = max(t, self.starts[i])
        target = self.cum[i] + (pos - self.starts[i]) + work
        if target > self.cum[-1]:
            return None
        # the segment j where cumulative work reaches target: cum[j] < target <= cum[j+1]
        j = bisect_left(self.cum, target) - 1
        return self.starts[j] + (target - self.cum[j])

    def working_minutes(self, a: int, b: int) -> int:
        """Working minutes inside `[a, b)`."""
        if b <= a:
            return 0
        return self._cum_at(b) - self._cum_at(a)

    def _cum_at(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(t, self.ends[i]) - self.starts[i]

    def contains(self, a: int, b: int) -> bool:
        """True when `[a, b)` lies inside one segment (empty blocks always do)."""
        if b <= a:
            return True
        i = bisect_right(self.starts, a) - 1
        return i >= 0 and b <= self.ends[i]

    def pieces(self, lo: int, hi: int, work: int) -> list[tuple[int, int, int]]:
        """Piecewise map from processing start to end for starts in `[lo, hi]`.

        Returns `(t_lo, t_hi, offset)` with `end = t + offset` for `t` in `[t_lo, t_hi]`,
        covering every start inside a segment (segment ends included) that can finish.
        """
        out: list[tuple[int, int, int]] = []
        k = max(0, bisect_right(self.ends, lo) - 1)
        n = len(self.starts)
        while k < n and self.starts[k] <= hi:
            t = max(lo, self.starts[k])
            seg_hi = min(hi, self.ends[k])
            while t <= seg_hi:
                e = self.work_end(t, work)
                if e is None:
                    return out
                # the end stays in its segment while it does not pass that segment's end
                j = bisect_left(self.ends, e)
                room = self.ends[j] - e if j < n else 0
                t_hi = min(seg_hi, t + room)
                out.append((t, t_hi, e - t))
                t = t_hi + 1
            k += 1
        return out
