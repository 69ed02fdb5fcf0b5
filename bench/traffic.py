"""Since launch at scale: a year of traffic, summarised once per batch, and the page in Chromium.

    python -m bench.traffic [--rows 10000000] [--weeks 52] [--repeats 3] [--big 3000000] [--readme]

The demo's churn model is published with `traffic:`, and `--rows` generated requests are added as
`--weeks` weekly batches with `python -m core.traffic add`'s function (a price rise from three
quarters of the way in; outcomes for the first three quarters). Then:

- summarising every batch from nothing, in this process (scoring each request with the model);
- adding one more week and summarising again: only that week is read;
- in Chromium, the Since launch page on a warm server (navigation to the page fully drawn), and on
  a new server whose batch summaries are on disk;
- one large batch (`--big` rows) added on top with `python -m core.traffic add` in its own process
  (its time and peak memory, with the workers it forks: checked, summarised and logged; `--repeats`
  times, into copies of the bundle but the last), then the page on a new, warmed server.

Times are medians of `--repeats` runs with their min and max; the table goes into the README
between the `traffic-bench` markers with `--readme`.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from bench.browser import CHROMIUM, DONE, Server, publish_churn, spread
from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- traffic-bench:start -->", "<!-- traffic-bench:end -->"


WEEKS_BACK = 60  # the year of traffic ends before today (`add` refuses requests from the future)


def first_monday():
    """The Monday `WEEKS_BACK` weeks ago: the first week of the bench's traffic."""
    import pandas as pd

    today = pd.Timestamp.now().normalize()
    return today - pd.Timedelta(days=today.weekday()) - pd.Timedelta(weeks=WEEKS_BACK)


def add_weeks(folder: Path, rows: int, weeks: int, first: int = 1) -> None:
    """`weeks` weekly batches of `rows` requests in all, added as a team adds them."""
    import numpy as np
    import pandas as pd

    from core.after_launch import traffic
    from core.publishing.demo_data import churn_data
    from core.publishing.demo_traffic import TIMESTAMP

    per_week = rows // weeks
    change, known = int(weeks * 0.75), int(weeks * 0.75)
    with tempfile.TemporaryDirectory() as scratch:
        for week in range(first, first + weeks):
            rng = np.random.default_rng(week)
            frame = churn_data(per_week, seed=10_000 + week, price_rise=0.2 if week > change else 0.0)
            start = first_monday() + pd.Timedelta(weeks=week - 1)
            frame.insert(0, TIMESTAMP, start + pd.to_timedelta(np.sort(rng.integers(0, 7 * 86400, per_week)), unit="s"))
            if week > known:
                frame["churned"] = None
            path = Path(scratch) / f"week-{week:03d}.parquet"
            frame.to_parquet(path, index=False)
            traffic.add(folder, path)


def page_time(page, server: Server, bundle_id: str) -> float:
    """Seconds from navigation to the Since launch page fully drawn."""
    started = time.perf_counter()
    page.goto(f"{server.url}/since_launch?bundle={bundle_id}")
    page.get_by_role("heading", name="What changed in what comes in").wait_for(timeout=600_000)
    page.wait_for_selector(DONE, timeout=600_000)
    return time.perf_counter() - started


def measure(rows: int, weeks: int, repeats: int, big: int = 0) -> dict:
    import os

    from playwright.sync_api import sync_playwright

    from core.after_launch import traffic
    from core.bundles.bundle import load_bundle

    root = Path(tempfile.mkdtemp(prefix="modelbrief-traffic-bench-"))
    artifacts = root / "artifacts"
    bundle_id = publish_churn(artifacts, 20_000)
    folder = artifacts / bundle_id
    cache = artifacts / ".cache"
    os.environ["MODELBRIEF_CACHE"] = str(cache)  # where the adds keep their summaries, and the server reads them
    started = time.perf_counter()
    add_weeks(folder, rows, weeks)
    result = {"rows": rows, "weeks": weeks, "add every batch": f"{time.perf_counter() - started:.0f}"}
    bundle = load_bundle(folder)
    started = time.perf_counter()
    traffic.summary(bundle, root / "from-nothing")  # every batch read and summarised again, as an old bundle would be
    result["summarise all"] = f"{time.perf_counter() - started:.0f}"
    started = time.perf_counter()
    add_weeks(folder, rows // weeks, 1, first=weeks + 1)  # one more week, of a weekly batch's size
    before = traffic.summaries.computed
    traffic.summary(load_bundle(folder), cache)
    result["add a week, summarise"] = f"{time.perf_counter() - started:.2f}"
    assert traffic.summaries.computed == before  # summarised as it was added: no batch read again
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        fresh = []
        for _ in range(repeats):  # a new server each time: the summaries are read from disk
            server = Server(artifacts)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            fresh.append(page_time(page, server, bundle_id))
            page.close()
            server.stop()
        result["page, new server"] = spread(fresh)
        server = Server(artifacts)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page_time(page, server, bundle_id)  # the first visit works the figures out; the visits after it are timed
        result["page, warm"] = spread([page_time(page, server, bundle_id) for _ in range(repeats)])
        result["peak memory (MB)"] = f"{server.peak_memory_mb():,.0f}"
        server.stop()
        if big:  # one large batch on top of the year: added (and summarised) by the command, then the page
            path = Path(tempfile.mkdtemp()) / "big.parquet"
            big_batch(big, weeks + 2).to_parquet(path, index=False)
            seconds, peaks = [], []
            for i in range(repeats):  # into copies of the bundle, the last time into the bundle itself
                target = folder if i == repeats - 1 else linked_copy(folder, root / f"copy-{i}")
                took, peak = timed_command(["-m", "core.traffic", "add", str(target), str(path)])
                seconds.append(took)
                peaks.append(peak)
                if target != folder:
                    shutil.rmtree(target)
            result["big"] = {"rows": big, "add (s)": spread(seconds), "add, peak memory (MB)": f"{max(peaks):,.0f}"}
            server = Server(artifacts)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page_time(page, server, bundle_id)
            result["big"]["page, warm (s)"] = spread([page_time(page, server, bundle_id) for _ in range(repeats)])
            result["big"]["page, peak memory (MB)"] = f"{server.peak_memory_mb():,.0f}"
            server.stop()
        browser.close()
    return result


def linked_copy(folder: Path, copy: Path) -> Path:
    """A copy of a bundle folder whose files are hard links, but for the traffic log, which an add
    appends to: a batch can be added to it without touching the bundle."""
    import os

    shutil.copytree(folder, copy, copy_function=os.link)
    for log in copy.rglob("batches.jsonl"):
        text = log.read_bytes()
        log.unlink()
        log.write_bytes(text)
    return copy


def big_batch(rows: int, week: int):
    """One batch of `rows` churn requests within one week, after the price rise, with no outcome."""
    import numpy as np
    import pandas as pd

    from core.publishing.demo_data import churn_data
    from core.publishing.demo_traffic import TIMESTAMP

    frame = churn_data(rows, seed=77, price_rise=0.2)
    start = first_monday() + pd.Timedelta(weeks=week - 1)
    rng = np.random.default_rng(77)
    frame.insert(0, TIMESTAMP, start + pd.to_timedelta(np.sort(rng.integers(0, 7 * 86400, rows)), unit="s"))
    frame["churned"] = None
    return frame


def timed_command(args: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of `python ARGS` run as its own process, as a team runs it. Memory is the
    process's and its workers' together, sampled while they run: the sum of their proportional set
    sizes (pages a forked worker shares with the command count once, split between them)."""
    import os
    import subprocess
    import sys

    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_pss_kb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"python {' '.join(args)} failed ({process.returncode})")
    return seconds, peak / 1024


def tree_pss_kb(pid: int) -> int:
    """The proportional set size of a process and all its descendants, in kB (0 once it is gone)."""
    total, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0])
            for task in Path(f"/proc/{current}/task").iterdir():
                waiting += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            pass  # between exec and the first page, or already gone
    return total


COLUMNS = [
    "add every batch",
    "summarise all",
    "add a week, summarise",
    "page, new server",
    "page, warm",
    "peak memory (MB)",
]


def table(results: list[dict]) -> str:
    head = "| requests | weeks | add every batch (s) | summarise all (s) | add a week, summarise (s) | page, new server (s) | page, warm (s) | peak memory (MB) |"
    lines = [head, "| ---: | ---: |" + " ---: |" * len(COLUMNS)]
    for r in results:
        lines.append(f"| {r['rows']:,} | {r['weeks']} | " + " | ".join(str(r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.traffic", description="Since launch at scale.")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--weeks", type=int, default=52, help=f"at most {WEEKS_BACK - 3}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=3_000_000, help="rows of one large batch added on top (0: none)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    results = [measure(args.rows, args.weeks, args.repeats, args.big)]
    text = table(results)
    if results[0].get("big"):
        big = results[0]["big"]
        text += (
            "\n\nThen one batch of " + f"{big['rows']:,}" + " requests added on top, with `python -m core.traffic add` "
            "(checked, summarised on every core and logged; its memory counts the processes it forks, the pages "
            "they share once):\n\n| batch rows | add (s) | add, peak memory (MB) | page, warm (s) | "
            "page, server's peak memory (MB) |\n| ---: | ---: | ---: | ---: | ---: |\n"
            + f"| {big['rows']:,} | {big['add (s)']} | {big['add, peak memory (MB)']} | {big['page, warm (s)']} | "
            + f"{big['page, peak memory (MB)']} |"
        )
    print(text)
    if args.readme:
        machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
        body = (
            f"Measured by `python -m bench.traffic --rows {args.rows} --weeks {args.weeks} --repeats {args.repeats} "
            f"--big {args.big}` "
            f"on {machine}: times in seconds (medians of {args.repeats}, with min and max), the server's peak "
            "memory in MB. Each batch is scored and summarised once; the page reads the summaries.\n\n" + text + "\n"
        )
        return write_section(body, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
