"""A large batch's parts shared among forked processes, where forking is safe.

A forked process starts with the parent's memory as it is (the model loaded, the rows read), so
nothing is copied or sent but each part's small summary on the way back. Forking is safe only in
a process that runs one thread of its own: `python -m core.traffic add` is such a process; a
server with threads, or a platform that does not fork, summarises the parts one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_work: Any = None  # what the forked processes read: set just before they are forked


def can_fork() -> bool:
    """Whether this process may fork workers: Linux, and no thread but this one."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _claimed(counter, items: Sequence[Any]) -> Iterator[int]:
    """The indices of the items this process takes: the next one not yet taken, until none is left."""
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= len(items):
            return
        yield index


def _run(function: Callable, items: Sequence[Any], counter, send) -> None:
    """In a forked process: function(work, item) for the items it takes, sent back whole as
    {index: result}, or what failed."""
    try:
        outcome = ("done", {i: function(_work, items[i]) for i in _claimed(counter, items)})
    except BaseException as exc:  # sent to the parent, which raises it
        outcome = ("failed", exc)
    try:
        send.send(outcome)
    except Exception as exc:  # an error that cannot be sent as it is
        send.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        send.close()


def map_forked(
    function: Callable[[Any, Any], Any],
    work: Any,
    items: Sequence[Any],
    workers: int,
    meanwhile: Callable[[], Any] | None = None,
) -> list[Any]:
    """[function(work, item) for item in items], in order. With `workers` > 1, more than one item
    and `can_fork()`, `workers - 1` forked processes and this one take the items one at a time, each
    the next not yet taken, this one after running `meanwhile()`; else `meanwhile()` runs, then
    every item here, one after another. `function` must be a module-level function. A forked
    process that fails raises its error here."""
    global _work
    workers = min(workers, len(items))
    if workers < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return [function(work, item) for item in items]
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    _work, children = work, []
    try:
        for _ in range(workers - 1):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_run, args=(function, items, counter, send), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
        if meanwhile is not None:
            meanwhile()
        done = {i: function(work, items[i]) for i in _claimed(counter, items)}
        for child, receive in children:
            try:
                state, result = receive.recv()
            except EOFError:
                child.join()
                raise RuntimeError(f"A worker summarising the batch stopped (exit code {child.exitcode}).") from None
            if state == "failed":
                raise result
            done.update(result)
        return [done[i] for i in range(len(items))]
    finally:
        _work = None
        for child, receive in children:
            receive.close()
            if child.is_alive():
                child.terminate()
            child.join()
