"""Background jobs: one per key, shared, with progress, an estimate within the budget, and errors kept."""

from __future__ import annotations

import threading

import pytest

from core.app import jobs


@pytest.fixture(autouse=True)
def _fresh():
    jobs._jobs.clear()
    yield
    jobs._jobs.clear()


def test_one_job_per_key_whoever_asks():
    calls = []
    release = threading.Event()

    def work(progress):
        calls.append(1)
        progress(0.5)
        release.wait(5)
        return 42

    first = jobs.start("k", work)
    second = jobs.start("k", work)
    assert first is second
    assert not first.wait(0.3)
    assert first.fraction == 0.5
    release.set()
    assert first.wait(5)
    assert first.result == 42 and first.error is None and first.fraction == 1.0
    assert calls == [1]


def test_an_error_is_kept_for_the_page_and_forget_allows_a_retry():
    def broken(progress):
        raise ValueError("no")

    job = jobs.start("bad", broken)
    assert job.wait(5)
    assert isinstance(job.error, ValueError)
    jobs.forget("bad")
    assert jobs.start("bad", lambda progress: "fine").wait(5)
    assert jobs.get("bad").result == "fine"


def test_the_estimate_follows_the_pace_and_never_passes_the_budget():
    job = jobs.Job("x", budget=60.0)
    assert job.seconds_left() is None  # no pace yet
    job.started -= 10  # ten seconds in, a quarter done: thirty seconds to go at this pace
    job.fraction = 0.25
    assert job.seconds_left() == pytest.approx(30, abs=0.5)
    job.started -= 40  # fifty seconds in, a quarter done: the budget ends it in ten
    assert job.seconds_left() == pytest.approx(10, abs=0.5)


def test_finished_jobs_are_kept_up_to_a_bound():
    for i in range(jobs.KEEP_FINISHED + 10):
        jobs.start(f"job{i}", lambda progress: None).wait(5)
    jobs.start("last", lambda progress: None).wait(5)
    assert len(jobs._jobs) <= jobs.KEEP_FINISHED + 2
