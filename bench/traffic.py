"""Since launch at scale: a year of traffic, summarised once per batch, and the page in Chromium.

    python -m bench.traffic [--rows 10000000] [--weeks 52] [--repeats 3] [--readme]

The demo's churn model is published with `traffic:`, and `--rows` generated requests are added as
`--weeks` weekly batches with `python -m core.traffic add`'s function (a price rise from three
quarters of the way in; outcomes for the first three quarters). Then:

- summarising every batch from nothing, in this process (scoring each request with the model);
- adding one more week and summarising again: only that week is read;
- in Chromium, the Since launch page on a warm server (navigation to the page fully drawn), and on
  a new server whose batch summaries are on disk.

Times are medians of `--repeats` runs with their min and max; the table goes into the README
between the `traffic-bench` markers with `--readme`.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from bench.browser import CHROMIUM, DONE, Server, publish_churn, spread
from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- traffic-bench:start -->", "<!-- traffic-bench:end -->"


def add_weeks(folder: Path, rows: int, weeks: int, first: int = 1) -> None:
    """`weeks` weekly batches of `rows` requests in all, added as a team adds them."""
    import numpy as np
    import pandas as pd

    from core.after_launch import traffic
    from core.publishing.demo_data import churn_data
    from core.publishing.demo_traffic import FIRST_MONDAY, TIMESTAMP

    per_week = rows // weeks
    change, known = int(weeks * 0.75), int(weeks * 0.75)
    with tempfile.TemporaryDirectory() as scratch:
        for week in range(first, first + weeks):
            rng = np.random.default_rng(week)
            frame = churn_data(per_week, seed=10_000 + week, price_rise=0.2 if week > change else 0.0)
            start = FIRST_MONDAY + pd.Timedelta(weeks=week - 1)
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


def measure(rows: int, weeks: int, repeats: int) -> dict:
    import os

    from playwright.sync_api import sync_playwright

    from core.after_launch import traffic
    from core.bundles.bundle import load_bundle

    root = Path(tempfile.mkdtemp(prefix="modelbrief-traffic-bench-"))
    artifacts = root / "artifacts"
    bundle_id = publish_churn(artifacts, 20_000)
    folder = artifacts / bundle_id
    started = time.perf_counter()
    add_weeks(folder, rows, weeks)
    result = {"rows": rows, "weeks": weeks, "add every batch": f"{time.perf_counter() - started:.0f}"}
    cache = artifacts / ".cache"
    os.environ["MODELBRIEF_CACHE"] = str(cache)
    bundle = load_bundle(folder)
    started = time.perf_counter()
    traffic.summary(bundle, cache)
    result["summarise all"] = f"{time.perf_counter() - started:.0f}"
    add_weeks(folder, rows // weeks, 1, first=weeks + 1)  # one more week, of a weekly batch's size
    before = traffic.summaries.computed
    started = time.perf_counter()
    traffic.summary(load_bundle(folder), cache)
    result["add a week, summarise"] = f"{time.perf_counter() - started:.2f}"
    assert traffic.summaries.computed - before == 1
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
        browser.close()
    return result


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
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    results = [measure(args.rows, args.weeks, args.repeats)]
    text = table(results)
    print(text)
    if args.readme:
        machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
        body = (
            f"Measured by `python -m bench.traffic --rows {args.rows} --weeks {args.weeks} --repeats {args.repeats}` "
            f"on {machine}: times in seconds (medians of {args.repeats}, with min and max), the server's peak "
            "memory in MB. Each batch is scored and summarised once; the page reads the summaries.\n\n" + text + "\n"
        )
        return write_section(body, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
