"""Page times in a real browser: navigation to a fully drawn page, for every page, at several sizes.

    python -m bench.browser [--sizes 10000 100000] [--repeats 3] [--readme]

For each size a churn bundle is published (the demo's model, scored on that many generated
customers) into a folder of its own, and `streamlit run Home.py` is started on it. Then, in
Debian's Chromium driven by Playwright:

- Home after a cold start: the first page the new server ever draws;
- every page on the warm server: navigation to the page drawn as a person sees it (`DRAWN`: the
  script finished, no placeholder, spinner or progress bar, every chart and table in sight drawn;
  the Explanations page also waits for its explanation);
- a move of the Performance slider by keyboard, to the script finished again;
- one edit on What if, to the script finished again;
- the server's peak memory (VmHWM) and the bytes the browser received over the websocket.

Times are medians of `--repeats` runs with their min and max. The table goes into the README
between the `browser-bench` markers with `--readme`.
"""

from __future__ import annotations

import argparse
import os
import platform
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
PAGES = {
    "Overview": "overview",
    "Performance": "performance",
    "What if": "whatif",
    "Explanations": "explanations",
    "Model card": "card",
}


def publish_churn(root: Path, rows: int) -> str:
    """The demo's churn model, its evaluation file holding `rows` generated customers."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish

    data = churn_data(n=6000 + rows, seed=11)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    bundle_id = f"churn-{rows // 1000}k"
    publish(model, evaluation, out=root / bundle_id, title=f"Churn, {rows:,} rows", **CHURN_COMMON)
    return bundle_id


def peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`streamlit run Home.py` on one artifacts folder, on a free loopback port."""

    def __init__(self, artifacts: Path):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.log = open(artifacts.parent / f"streamlit-{self.port}.log", "w")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(artifacts), "MODELBRIEF_CACHE": str(artifacts / ".cache")}
        command = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(self.port)]
        command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def peak_memory_mb(self) -> float:
        """The server's peak resident memory."""
        return peak_mb(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
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


def drawn(page, heading: str, timeout: float = 180_000) -> None:
    """Wait until the page is drawn as a person sees it (`DRAWN`), its heading shown (and, on
    Explanations, the explanation itself rather than its progress; on Home, the cards' figures)."""
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


def rerun_after(page, act) -> float:
    """Seconds from an action to the script finishing the run it started, on the page's own clock:
    every change of the app's script state is recorded as it happens, so a run that starts and
    finishes between two looks is still seen."""
    since = page.evaluate(WATCH_RUNS)
    act()
    handle = page.wait_for_function(RUN_DONE, arg=since, timeout=120_000, polling=20)
    return (handle.json_value() - since) / 1000


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


MOVES = 20  # slider moves and What-if edits, enough for a 95th percentile


def tail(values: list[float]) -> str:
    """Median and 95th percentile (linear between the two nearest of the runs)."""
    import numpy as np

    return f"{statistics.median(values):.2f}, p95 {float(np.percentile(values, 95)):.2f}"


def measure(rows: int, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="modelbrief-browser-bench-"))
    artifacts = root / "artifacts"
    bundle_id = publish_churn(artifacts, rows)
    result = {"rows": rows}
    received = [0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        colds = []
        for _ in range(repeats):  # Home, the first page a new server draws
            server = Server(artifacts)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            started = time.perf_counter()
            page.goto(f"{server.url}/?bundle={bundle_id}")
            drawn(page, "Modelbrief")
            colds.append(time.perf_counter() - started)
            page.close()
            server.stop()
        result["Home, cold"] = spread(colds)
        server = Server(artifacts)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))),
        )
        page.goto(f"{server.url}/?bundle={bundle_id}")
        drawn(page, "Modelbrief")
        for name, path in {"Home, warm": "", **PAGES}.items():
            heading = "Modelbrief" if path == "" else name
            page.goto(
                f"{server.url}/{path}?bundle={bundle_id}"
            )  # the first visit computes; the runs after it are timed
            drawn(page, heading)
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                page.goto(f"{server.url}/{path}?bundle={bundle_id}")
                drawn(page, heading)
                times.append(time.perf_counter() - started)
            result[name] = spread(times)
        page.goto(f"{server.url}/performance?bundle={bundle_id}")
        drawn(page, "Performance")
        slider = page.get_by_role("slider", name="Confidence needed to act")
        moves = []
        for number in range(MOVES):
            slider.focus()
            key = "ArrowRight" if number % 10 < 5 else "ArrowLeft"  # back and forth around the setting
            moves.append(rerun_after(page, lambda key=key: page.keyboard.press(key)))
        result["slider move"] = tail(moves)
        page.goto(f"{server.url}/whatif?bundle={bundle_id}")
        drawn(page, "What if")
        box = page.get_by_role("spinbutton").first
        edits = []
        for i in range(MOVES):
            box.fill(str(10 + i))
            edits.append(rerun_after(page, lambda: box.press("Enter")))
        result["What-if edit"] = tail(edits)
        result["peak memory (MB)"] = f"{server.peak_memory_mb():,.0f}"
        result["websocket (MB)"] = f"{received[0] / 1e6:,.1f}"
        server.stop()
        browser.close()
    return result


def table(results: list[dict]) -> str:
    columns = ["Home, cold", "Home, warm", *PAGES, "slider move", "What-if edit", "peak memory (MB)", "websocket (MB)"]
    lines = ["| rows | " + " | ".join(columns) + " |", "| ---: |" + " ---: |" * len(columns)]
    for r in results:
        lines.append(f"| {r['rows']:,} | " + " | ".join(str(r[c]) for c in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description="Page times in Chromium.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    results = [measure(rows, args.repeats) for rows in args.sizes]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (
        f"In Chromium, seconds from navigation to the page drawn as a person sees it (the app's script "
        f"finished, no placeholder, spinner or progress bar left, every chart and table in sight drawn; "
        f"Explanations: its explanation shown), median (min–max) of {args.repeats} "
        f"runs on a churn bundle of each size published with its scores, {machine}; measured by "
        f"`python -m bench.browser`. Home, cold is the first page a newly started server draws; the other "
        f"pages are timed after one visit that computes what they cache. A slider move and a What-if edit "
        f"run from the key press to the script finished: median and 95th percentile of {MOVES} each.\n\n{table(results)}\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
