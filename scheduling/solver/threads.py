"""Work in threads beside the caller's, with failures raised in the caller's thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def beside(
    name: str, tasks: Sequence[Callable[[], None]], main: Callable[[Callable[[], bool]], T]
) -> T:
    """Run each of `tasks` in a thread of its own while `main(failed)` runs in the caller's
    thread (`failed()`: whether a task has raised, so `main` can stop early), then wait for
    every task and return what `main` returned. The tasks must end on their own or on a signal
    `main` gives before it returns; the first task's exception is raised here."""
    failure: list[BaseException] = []

    def guarded(task: Callable[[], None]) -> None:
        try:
            task()
        except BaseException as error:  # raised in the caller's thread
            failure.append(error)

    threads = [
        threading.Thread(target=guarded, args=(task,), name=f"{name}-{k}", daemon=True)
        for k, task in enumerate(tasks)
    ]
    for thread in threads:
        thread.start()
    try:
        result = main(lambda: bool(failure))
    finally:
        for thread in threads:
            thread.join()
    if failure:
        raise failure[0]
    return result
