"""What a user waits for, in a real browser: every page drawn to its last chart, at several sizes.

    python -m bench.browser [--sizes 10000 100000 1000000] [--repeats 3] [--traffic 100000] [--readme]

For each size a churn model (the demo's gradient boosting) and a challenger (logistic regression)
are published on the same generated customers, each into a folder of its own, and a year of
traffic (`--traffic` requests in 52 weekly batches) is added to the first. Publishing is all that
happens before the clock: the cache the server starts with is the one publishing left. Then, in
Debian's Chromium driven by Playwright, every clock stops when the page is drawn as a person sees
it (`DRAWN`: the script finished, no placeholder, spinner or progress bar left, every chart and
table in sight drawn; Explanations: its explanation shown; Present: its slide):

- **from spawn**: `streamlit run Home.py` started, to Home drawn (the server answers when it does);
- **first visit**: a new server on the published bundles, Home drawn, then the page by link, timed
  from the navigation (one new server for each page, so each is a first visit);
- **warm, by link**: the page again, by navigation, on a server that has drawn it once;
- **warm, by sidebar click**: from Home, a click on the page's name in the sidebar;
- **slider move / What-if edit**: a key press on the Performance slider or an edited number on
  What if, to the script finished and the page drawn again (median and 95th percentile of 20);
- the server's peak memory (VmHWM) after every page, with the champion and the challenger open.

Times are medians of `--repeats` runs with their min and max. The tables go into the README
between the `browser-bench` markers with `--readme`; a figure over its target is marked as missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- browser-bench:start -->", "<!-- browser-bench:end -->"
CHROMIUM = os.environ.get("MODELBRIEF_CHROMIUM", "/usr/bin/chromium")
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = {  # the name in the sidebar: (path, the heading that says the page is there; None: a slide)
    "Overview": ("overview", "Overview"),
    "Performance": ("performance", "Performance"),
    "What if": ("whatif", "What if"),
    "Explanations": ("explanations", "Explanations"),
    "Compare": ("compare", "Compare two models"),
    "Since launch": ("since_launch", "Since launch"),
    "Model card": ("card", "Model card"),
    "Present": ("present", None),
}
TARGETS = {  # seconds (memory: MB), at every size, on this kind of machine
    "from spawn": 2.5,
    "first visit": 2.5,
    "by link": 1.5,
    "by sidebar click": 0.8,
    "p95": 0.35,
    "peak memory (MB)": 900,
}


def publish_churn(root: Path, rows: int, challenger: bool = False) -> str:
    """The demo's churn model (or, with `challenger`, a logistic regression), its evaluation file
    holding `rows` generated customers: the same rows for both."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish

    data = churn_data(n=6000 + rows, seed=11)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    estimator = (
        LogisticRegression(max_iter=1000)
        if challenger
        else GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)
    )
    model = Pipeline(
        [("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=challenger)), ("model", estimator)]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    bundle_id = f"churn-{rows // 1000}k" + ("-challenger" if challenger else "")
    title = f"Churn, {rows:,} rows" + (", challenger" if challenger else "")
    publish(model, evaluation, out=root / bundle_id, title=title, **CHURN_COMMON)
    return bundle_id


def peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`streamlit run Home.py` on one artifacts folder, on a free loopback port; `spawned` is when
    the process was started (perf_counter), `answered` when it first answered."""

    def __init__(self, artifacts: Path, cache: Path | None = None):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.log = open(artifacts.parent / f"streamlit-{self.port}.log", "w")  # noqa: SIM115 - closed in stop()
        cache = cache or artifacts / ".cache"
        env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(artifacts), "MODELBRIEF_CACHE": str(cache)}
        command = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(self.port)]
        command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    self.answered = time.perf_counter()
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the server did not start")

    def peak_memory_mb(self) -> float:
        """The server's peak resident memory."""
        return peak_mb(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # said, and the run goes on
            print(f"The server on port {self.port} did not stop within 30 s of SIGTERM; killed.", file=sys.stderr)
            self.process.kill()
            self.process.wait()
        self.log.close()


# The page as a person sees it: the script finished, no placeholder, spinner or progress bar left,
# and every chart and table in sight drawn (a chart's code loads on its first use; until then Streamlit
# shows a skeleton in its place).
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"], [data-testid="stProgress"]'))
        return false;
    const drawn = (element, inside) => {
        const place = element.getBoundingClientRect();
        if (place.width === 0 && place.height === 0) return true;  // out of sight (a closed expander)
        const shown = element.querySelector(inside);
        if (!shown) return false;
        const box = shown.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
    };
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => drawn(c, 'canvas, svg'))
        && [...document.querySelectorAll('[data-testid="stDataFrame"]')].every(t => drawn(t, 'canvas, table'));
}"""


def drawn(page, heading: str | None, timeout: float = 180_000) -> None:
    """Wait until the page is drawn as a person sees it (`DRAWN`), its heading shown (and, on
    Explanations, the explanation itself rather than its progress; on Home, the cards' figures;
    with no heading, Present's slide)."""
    if heading is None:
        page.locator(".st-key-slide-frame").first.wait_for(timeout=timeout)
    else:
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout)
    if heading == "Modelbrief":  # Home: its cards' figures drawn
        page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=timeout)
    if heading == "Explanations":
        page.get_by_role("heading", name="What the model relies on").first.wait_for(timeout=timeout)
    page.wait_for_function(DRAWN, timeout=timeout, polling=20)


WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__runs === undefined) {
        window.__runs = [];
        new MutationObserver(() => window.__runs.push([performance.now(), app.getAttribute('data-test-script-state')]))
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }
    return performance.now();
}"""
RUN_DONE = """(since) => {
    const runs = window.__runs.filter(r => r[0] > since);
    const started = runs.findIndex(r => r[1] === 'running');
    if (started < 0) return null;
    const finished = runs.slice(started).find(r => r[1] === 'notRunning');
    return finished ? finished[0] : null;
}"""


def rerun_after(page, act, timeout: float = 20_000) -> float | None:
    """Seconds from an action to the script finishing the run it started and the page drawn again,
    on the page's own clock: every change of the app's script state is recorded as it happens, so a
    run that starts and finishes between two looks is still seen. None when no run started and
    finished within `timeout` ms (counted and shown beside the figures, never left out silently)."""
    from playwright.sync_api import TimeoutError as Timeout

    since = page.evaluate(WATCH_RUNS)
    act()
    try:
        page.wait_for_function(RUN_DONE, arg=since, timeout=timeout, polling=20)
    except Timeout:
        return None
    page.wait_for_function(DRAWN, timeout=120_000, polling=20)
    return (page.evaluate("performance.now()") - since) / 1000


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


MOVES = 20  # slider moves and What-if edits, enough for a 95th percentile


def tail(values: list[float | None]) -> str:
    """Median and 95th percentile (linear between the two nearest of the runs), and how many
    actions started no run."""
    import numpy as np

    timed = [v for v in values if v is not None]
    if not timed:
        return f"no run started in {len(values)} tries"
    text = f"{statistics.median(timed):.2f}, p95 {float(np.percentile(timed, 95)):.2f}"
    return text + (f" ({len(values) - len(timed)} of {len(values)} started no run)" if len(timed) < len(values) else "")


def _visit(page, url: str, heading: str | None) -> float:
    started = time.perf_counter()
    page.goto(url)
    drawn(page, heading)
    return time.perf_counter() - started


def _fresh_cache(root: Path, pristine: Path) -> Path:
    """A copy of the cache publishing left, for a server that must find nothing another server made."""
    copy = Path(tempfile.mkdtemp(prefix="cache-", dir=root))
    shutil.copytree(pristine, copy, dirs_exist_ok=True)
    return copy


def prepare(rows: int, traffic_rows: int) -> tuple[Path, Path, str]:
    """(artifacts, the cache publishing left, the champion's id): both models published, a year of traffic added."""
    from bench.traffic import add_weeks

    root = Path(tempfile.mkdtemp(prefix="modelbrief-browser-bench-"))
    artifacts, pristine = root / "artifacts", root / "cache-after-publishing"
    os.environ["MODELBRIEF_CACHE"] = str(pristine)  # where adding traffic keeps its batch summaries
    bundle_id = publish_churn(artifacts, rows)
    publish_churn(artifacts, rows, challenger=True)
    if traffic_rows:
        add_weeks(artifacts / bundle_id, traffic_rows, 52)
    pristine.mkdir(exist_ok=True)
    return artifacts, pristine, bundle_id


def measure(rows: int, repeats: int, traffic_rows: int) -> dict:
    from playwright.sync_api import sync_playwright

    artifacts, pristine, bundle_id = prepare(rows, traffic_rows)
    root = artifacts.parent
    link = {name: f"/{path}?bundle={bundle_id}" for name, (path, _) in PAGES.items()}
    result: dict = {"rows": rows, "first visit": {}, "by link": {}, "by sidebar click": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])

        def new_page():
            return browser.new_page(viewport={"width": 1400, "height": 1000})

        spawns = []
        for _ in range(repeats):  # spawn -> Home drawn
            server = Server(artifacts, _fresh_cache(root, pristine))
            page = new_page()
            page.goto(f"{server.url}/?bundle={bundle_id}")
            drawn(page, "Modelbrief")
            spawns.append(time.perf_counter() - server.spawned)
            page.close()
            server.stop()
        result["from spawn"] = spawns
        for name, (_, heading) in PAGES.items():  # each page's first visit, on a new server
            times = []
            for _ in range(repeats):
                server = Server(artifacts, _fresh_cache(root, pristine))
                page = new_page()
                _visit(page, f"{server.url}/?bundle={bundle_id}", "Modelbrief")
                times.append(_visit(page, server.url + link[name], heading))
                page.close()
                server.stop()
            result["first visit"][name] = times
        server = Server(artifacts, _fresh_cache(root, pristine))
        page = new_page()
        _visit(page, f"{server.url}/?bundle={bundle_id}", "Modelbrief")
        for name, (_, heading) in PAGES.items():
            _visit(page, server.url + link[name], heading)  # drawn once: what it keeps is kept
            result["by link"][name] = [_visit(page, server.url + link[name], heading) for _ in range(repeats)]
        for name, (_, heading) in PAGES.items():
            clicks = []
            for _ in range(repeats):
                _visit(page, f"{server.url}/?bundle={bundle_id}", "Modelbrief")
                entry = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first
                started = time.perf_counter()
                entry.click()
                drawn(page, heading)
                clicks.append(time.perf_counter() - started)
            result["by sidebar click"][name] = clicks
        _visit(page, server.url + link["Performance"], "Performance")
        slider = page.get_by_role("slider", name="Confidence needed to act")
        moves = []
        for number in range(MOVES):
            slider.focus()
            key = "ArrowRight" if number % 10 < 5 else "ArrowLeft"  # back and forth around the setting
            moves.append(rerun_after(page, lambda key=key: page.keyboard.press(key)))
        result["slider move"] = moves
        _visit(page, server.url + link["What if"], "What if")
        box = page.get_by_role("spinbutton").first
        edits = []
        for i in range(MOVES):
            box.fill(str(10 + i))
            edits.append(rerun_after(page, lambda: box.press("Enter")))
        result["What-if edit"] = edits
        result["peak memory (MB)"] = server.peak_memory_mb()
        server.stop()
        browser.close()
    shutil.rmtree(root, ignore_errors=True)
    return result


def judged(value: float, target: float, text: str) -> str:
    """The figure as shown, marked when it misses its target."""
    return text if value <= target else f"**{text}, missed** (target {target:g})"


def page_table(results: list[dict]) -> str:
    """One row per page and way of reaching it, one column per size."""
    sizes = [f"{r['rows']:,} rows" for r in results]
    lines = ["| page | reached | " + " | ".join(sizes) + " |", "| --- | --- |" + " ---: |" * len(sizes)]
    cells = [
        judged(statistics.median(r["from spawn"]), TARGETS["from spawn"], spread(r["from spawn"])) for r in results
    ]
    lines.append("| Home | from spawn | " + " | ".join(cells) + " |")
    for name in PAGES:
        for way in ("first visit", "by link", "by sidebar click"):
            cells = [judged(statistics.median(r[way][name]), TARGETS[way], spread(r[way][name])) for r in results]
            lines.append(f"| {name} | {way} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _p95(values: list[float | None]) -> float:
    import numpy as np

    timed = [v for v in values if v is not None]
    return float(np.percentile(timed, 95)) if timed else float("inf")


def moves_table(results: list[dict]) -> str:
    sizes = [f"{r['rows']:,} rows" for r in results]
    lines = ["| what | " + " | ".join(sizes) + " |", "| --- |" + " ---: |" * len(sizes)]
    for what in ("slider move", "What-if edit"):
        cells = [judged(_p95(r[what]), TARGETS["p95"], tail(r[what])) for r in results]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    memory = [r["peak memory (MB)"] for r in results]
    target = TARGETS["peak memory (MB)"]
    lines.append("| server peak memory (MB), champion and challenger open | " + " | ".join(
        judged(m, target, f"{m:,.0f}") for m in memory) + " |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description="Page times in Chromium.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--traffic", type=int, default=100_000, help="requests since launch, in 52 weekly batches")
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    args = parser.parse_args(argv)
    results = []
    for rows in args.sizes:  # each size's tables printed as soon as it is measured
        results.append(measure(rows, args.repeats, args.traffic))
        print(page_table(results[-1:]), moves_table(results[-1:]), sep="\n\n", flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    targets = ", ".join(f"{k} {v:g}" for k, v in TARGETS.items())
    text = (
        f"Measured by `python -m bench.browser` in Chromium on {machine}: a churn model and a challenger "
        f"published on the same rows of each size, with a year of traffic ({args.traffic:,} requests) on the "
        f"first. **Start point:** the server process's spawn (from spawn), the navigation by link (first "
        f"visit, by link) or the click on the page's name in the sidebar. **End point:** the page drawn as a "
        f"person sees it: the script finished, no placeholder, spinner or progress bar left, every chart and "
        f"table in sight drawn (Explanations: its explanation; Present: its slide). A first visit is the "
        f"page's first on a new server that has only what publishing left; by link and by sidebar click are "
        f"on a server that has drawn the page once. Seconds, median (min–max) of {args.repeats} runs; a figure "
        f"over its target ({targets}) is marked missed.\n\n{page_table(results)}\n\n"
        f"**Start point:** the key press on the Performance slider, or Enter in a What-if number. **End point:** "
        f"the script finished and the page drawn again. Seconds, median and 95th percentile of {MOVES} each; "
        f"peak memory is the server's (VmHWM) after every page above, with both models open.\n\n"
        f"{moves_table(results)}\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
