"""A large batch's parts shared among forked processes: the same results in the same order as one
process gives, the digest worked out alongside, a worker's error raised, and no fork where it is
unsafe. The forking runs in a fresh interpreter, as `python -m core.traffic add` does: a test
process may hold other tests' threads, where forking is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd

from core.after_launch import traffic
from core.after_launch.traffic import forks
from core.bundles.bundle import load_bundle

ROOT = Path(__file__).resolve().parents[3]

SHARED = """
import json, os, sys, time
from core.after_launch.traffic import forks
from core.bundles.contract import BundleError

def square(work, item):
    time.sleep(0.05)  # twelve take longer than `meanwhile`: both processes take some
    return {"item": item, "value": work * item * item, "pid": os.getpid()}

def refuse(work, item):
    if os.getpid() != work:
        raise BundleError(f"Item {item} could not be summarised.")
    time.sleep(0.05)
    return item

def die(work, item):
    if os.getpid() != work:
        os._exit(3)
    time.sleep(0.05)
    return item

said = []
def meanwhile():
    said.append(forks.can_fork())
    time.sleep(0.3)  # long enough for the other process to take items

out = {"can_fork": forks.can_fork()}
out["squares"] = forks.map_forked(square, 2, list(range(12)), 2, meanwhile)
out["meanwhile"] = said
for name, function in (("refused", refuse), ("died", die)):
    try:
        forks.map_forked(function, os.getpid(), list(range(8)), 2, lambda: time.sleep(0.3))
    except Exception as exc:
        out[name] = [type(exc).__name__, str(exc)]
out["parent"] = os.getpid()
print(json.dumps(out))
"""


def test_items_shared_among_forked_processes_come_back_in_order_with_errors_raised():
    ran = subprocess.run([sys.executable, "-c", SHARED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert out["can_fork"] is True
    assert [r["item"] for r in out["squares"]] == list(range(12))
    assert [r["value"] for r in out["squares"]] == [2 * i * i for i in range(12)]
    pids = {r["pid"] for r in out["squares"]}
    assert len(pids) == 2 and out["parent"] in pids  # this process and one forked one both took items
    assert out["meanwhile"] == [True]  # run once, here
    assert out["refused"][0] == "BundleError" and out["refused"][1].startswith("Item ")
    assert out["died"] == ["RuntimeError", "A worker summarising the batch stopped (exit code 3)."]


def test_no_fork_while_another_thread_runs():
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert forks.can_fork() is False
        said = []
        results = forks.map_forked(_pid_of, 0, list(range(4)), 2, lambda: said.append(1))
    finally:
        release.set()
        waiting.join()
    assert results == [(i, __import__("os").getpid()) for i in range(4)] and said == [1]


def _pid_of(work, item):
    import os

    return item, os.getpid()


ADD = """
import sys
from core.after_launch.traffic import summaries, main
summaries.PART = int(sys.argv[1])
sys.exit(main(["add", sys.argv[2], sys.argv[3]]))
"""


def test_the_command_summarises_a_batch_in_forked_parts_exactly_as_one_process_does(demo_root, tmp_path, monkeypatch):
    """The command uses every core; its kept summary equals the one this process makes alone."""
    import shutil

    from core.after_launch.traffic import summaries
    from core.publishing.demo_traffic import router_week

    folder = tmp_path / "support-router"
    shutil.copytree(demo_root / "support-router", folder)
    week = router_week(13)
    path = tmp_path / "week-13.parquet"
    week.to_parquet(path, index=False)
    cache = tmp_path / "cache"
    traffic.summary(load_bundle(folder), cache)  # the twelve weeks already there, kept
    env = {**__import__("os").environ, "MODELBRIEF_CACHE": str(cache)}
    ran = subprocess.run(
        [sys.executable, "-c", ADD, "400", str(folder), str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "Added batch-00013.parquet to support-router.\n"
    bundle = load_bundle(folder)
    before = summaries.computed
    kept = traffic.summary(bundle, cache)
    assert summaries.computed == before  # the new batch read as the command kept it
    monkeypatch.setattr(summaries, "PART", 400)
    alone = traffic.summarise(bundle, week, traffic.reference(bundle), bundle.spec.operating_point)
    since = alone.days["day"].min()
    for name in ("days", "inputs", "answers", "novel"):
        mine = getattr(alone, name)
        theirs = getattr(kept, name)
        theirs = theirs[pd.to_datetime(theirs["day"]) >= since].reset_index(drop=True)
        pd.testing.assert_frame_equal(theirs, mine.reset_index(drop=True), check_dtype=False, obj=name)
    assert len(week) > 3 * 400  # the batch did come in several parts
