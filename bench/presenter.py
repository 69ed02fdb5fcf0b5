"""A presenter stepping through the slides: Next in the presenter view, in a real browser.

    python -m bench.presenter [--laps 3] [--readme]

The demo bundles are built into a folder of their own and `streamlit run Home.py` is started on
it. In Debian's Chromium, at 1440x900, the presenter view of each demo opens on slide 1 and Next
is pressed to the last slide, `--laps` times (Previous back to the first between laps, untimed).
Each press is timed from the click to the next slide's title shown and the script finished. The
first lap is what a presenter who did not rehearse waits for (each slide built on its first
showing); the later laps are a rehearsed deck. The table goes into the README between the
`presenter-bench` markers with `--readme`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import CHROMIUM, DONE, Server, tail
from bench.run import write_section

START, END = "<!-- presenter-bench:start -->", "<!-- presenter-bench:end -->"
TITLE = ".slide-title"
CHANGED = "text => document.querySelector('.slide-title')?.innerText !== text"


def press_next(page) -> float:
    """Seconds from a click on Next to the next slide's title drawn and the script finished."""
    before = page.locator(TITLE).first.inner_text()
    started = time.perf_counter()
    page.get_by_role("button", name="Next").click()
    page.wait_for_function(CHANGED, arg=before, timeout=60_000, polling=10)
    page.wait_for_selector(DONE, timeout=60_000)
    return time.perf_counter() - started


def measure(laps: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from core.publishing.demos import DEMO_IDS, build_demos

    artifacts = Path(tempfile.mkdtemp(prefix="modelbrief-presenter-bench-")) / "artifacts"
    build_demos(artifacts)
    server = Server(artifacts)
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for bundle_id in DEMO_IDS:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{server.url}/present?bundle={bundle_id}&present=1&slide=1&notes=1")
                page.locator(TITLE).first.wait_for(timeout=180_000)
                page.wait_for_selector(DONE, timeout=180_000)
                first, again = [], []
                for lap in range(laps):
                    steps = 0
                    while not page.get_by_role("button", name="Next").is_disabled():
                        (first if lap == 0 else again).append(press_next(page))
                        steps += 1
                    for _ in range(steps):  # back to the first slide, untimed
                        page.get_by_role("button", name="Previous").click()
                        page.wait_for_selector(DONE, timeout=60_000)
                    page.wait_for_function("() => new URL(location.href).searchParams.get('slide') === '1'")
                results.append(
                    {"bundle": bundle_id, "slides": len(first) + 1, "first lap": tail(first), "rehearsed": tail(again)}
                )
                page.close()
            browser.close()
    finally:
        server.stop()
    return results


def table(results: list[dict]) -> str:
    lines = ["| bundle | slides | Next, first lap (s) | Next, rehearsed (s) |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {r['bundle']} | {r['slides']} | {r['first lap']} | {r['rehearsed']} |" for r in results]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.presenter", description="Presenter view's Next in Chromium.")
    parser.add_argument("--laps", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    results = measure(args.laps)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (
        f"In Chromium at 1440x900, seconds from a click on Next in the presenter view to the next slide's "
        f"title drawn and the script finished: median and 95th percentile over every slide of each demo, "
        f"on the first lap through the deck and on {args.laps - 1} laps after it; {machine}; measured by "
        f"`python -m bench.presenter`.\n\n{table(results)}\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
