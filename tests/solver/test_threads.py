"""Work beside the caller's thread: results, failures and joins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from scheduling.solver.threads import beside


def test_main_returns_its_value_once_every_task_is_done() -> None:
    done: list[int] = []

    def task(k: int) -> Callable[[], None]:
        return lambda: (time.sleep(0.05), done.append(k))

    assert beside("t", [task(1), task(2)], lambda failed: "main") == "main"
    assert sorted(done) == [1, 2]


def test_a_failing_task_lets_main_stop_and_is_raised_in_the_callers_thread() -> None:
    def broken() -> None:
        raise RuntimeError("task broke")

    def main(failed: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 5
        while not failed():
            assert time.monotonic() < deadline, "main never saw the failure"
            time.sleep(0.01)

    with pytest.raises(RuntimeError, match="task broke"):
        beside("t", [broken], main)


def test_a_failing_main_still_stops_and_waits_for_the_tasks() -> None:
    stop = threading.Event()
    ended: list[bool] = []

    def task() -> None:
        stop.wait(5)
        ended.append(stop.is_set())

    def main(failed: Callable[[], bool]) -> None:
        try:
            raise ValueError("main broke")
        finally:
            stop.set()

    with pytest.raises(ValueError, match="main broke"):
        beside("t", [task], main)
    assert ended == [True]
