"""Slow work in the background, shared by every session: one job per key, with progress and an estimate.

A page starts (or joins) a job, waits a few seconds, and if the job is still running shows its
progress and lets the visitor carry on; the job keeps going and the page picks up the result on
its next run. Finished jobs keep their result (or error) until `forget`, a bounded number of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEEP_FINISHED = 32
THREAD_PREFIX = "modelbrief-"  # every job's thread is named so


class _NoPageNotice(logging.Filter):
    """A job has no page to draw on, by design: Streamlit's notice that its thread has none (logged
    each time a shared cache it fills would show a spinner) is left out of the server log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.getMessage().startswith("Thread '" + THREAD_PREFIX) and "missing ScriptRunContext" in record.msg
        )


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoPageNotice())


@dataclass
class Job:
    key: str
    started: float = field(default_factory=time.monotonic)
    fraction: float = 0.0
    result: Any = None
    error: BaseException | None = None
    finished: threading.Event = field(default_factory=threading.Event)
    budget: float | None = None  # seconds the work may take at most, when it has a budget

    @property
    def done(self) -> bool:
        return self.finished.is_set()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def seconds_left(self) -> float | None:
        """An estimate from the pace so far (None until there is a pace), never past the budget."""
        if self.fraction <= 0.02 or self.done:
            return None
        elapsed = self.elapsed()
        left = elapsed / self.fraction * (1 - self.fraction)
        if self.budget is not None:
            left = min(left, max(self.budget - elapsed, 0.0))
        return left

    def wait(self, seconds: float | None, tick: Callable[[Job], None] | None = None) -> bool:
        """Wait up to `seconds` (None: until done), calling `tick` a few times a second; True when done."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.finished.wait(0.2):
            if tick:
                tick(self)
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True


_jobs: OrderedDict[str, Job] = OrderedDict()
_lock = threading.Lock()


def start(key: str, work: Callable[[Callable[[float], None]], Any], budget: float | None = None) -> Job:
    """The job for `key`: running or finished if there is one, else `work(progress)` started in a thread."""
    with _lock:
        job = _jobs.get(key)
        if job is not None:
            _jobs.move_to_end(key)
            return job
        job = _jobs[key] = Job(key, budget=budget)
        finished = [k for k, j in _jobs.items() if j.done]
        for old in finished[: max(len(finished) - KEEP_FINISHED, 0)]:
            del _jobs[old]

    def progress(fraction: float) -> None:
        job.fraction = min(max(float(fraction), 0.0), 1.0)

    def run() -> None:
        try:
            job.result = work(progress)
        except BaseException as exc:  # kept for the page to show as one sentence
            job.error = exc
        finally:
            job.fraction = 1.0
            job.finished.set()

    threading.Thread(target=run, name=f"{THREAD_PREFIX}{key[:40]}", daemon=True).start()
    return job


def get(key: str) -> Job | None:
    return _jobs.get(key)


def forget(key: str) -> None:
    """Drop a job (finished or not: a running one finishes unseen), so the next `start` begins afresh."""
    with _lock:
        _jobs.pop(key, None)
