"""The two peers that do this job, timed like for like: Shapash and ExplainerDashboard, in Chromium.

    python -m bench.peers [--sizes 10000 100000] [--repeats 3] [--venv ~/.cache/modelbrief-peers-venv] [--readme]

Optional, and slow the first time: the peers are installed with pip into a virtual environment of
their own (never into the app's, and outside the project), from the package index this machine uses.

For each size, the churn demo's customers and one model (gradient boosting, 150 trees of depth 3)
are prepared before any clock starts: the peers' model is fitted in their environment and saved,
on the same rows one-hot encoded (missing numbers filled with the training medians, as the app's
pipeline does); Modelbrief's is published as a bundle, as a team would publish it. Then each tool
is timed the same way, one process at a time: from the server process's spawn to its first page
drawn in Chromium, as a person opening it sees it:

- Modelbrief: `streamlit run Home.py`, the Overview by link as the first request, drawn to its last
  chart (`bench.browser.DRAWN`, the explanation shown): on the bundle as published (its scores and
  explanation stored) and on the same bundle with them removed (computed on that first visit);
- Shapash: `SmartExplainer(model).compile(x, y)` and `run_app()`, its page drawn;
- ExplainerDashboard: `ClassifierExplainer(model, x, y)` and `ExplainerDashboard(...).run()`.

A Dash page counts as drawn when no component is loading, every plot in sight has drawn its SVG,
and that holds for a second (the time is when it started to hold). Each tool's floor is its own
imports in a fresh process (what any page of it pays first); the table says how far above it each
figure is. Modelbrief explains a stratified sample of up to 2,000 cases; the peers explain every
row. Medians of `--repeats`; the table goes into the README between the `peers-bench` markers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path

from bench.browser import CHROMIUM, Server, drawn
from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- peers-bench:start -->", "<!-- peers-bench:end -->"
PEERS = ["shapash", "explainerdashboard"]
NAMES = {"modelbrief": "Modelbrief", "shapash": "Shapash", "explainerdashboard": "ExplainerDashboard"}
TARGETS = {"shapash": 6.0, "explainerdashboard": 25.0}  # how many times faster Modelbrief should be, at 10k
GIVE_UP = 600.0  # seconds a tool may take to draw its first page

# Fitted in the peers' environment, before any clock: the same one-hot columns and the same trees.
FIT = """
import sys, joblib, pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
frame = pd.read_parquet(sys.argv[1])
train, test = frame.iloc[:6000], frame.iloc[6000:].reset_index(drop=True)
features = [c for c in frame.columns if c not in ("churned", "customer_id", "region")]
medians = train[features].median(numeric_only=True)  # as the app's pipeline imputes
columns = pd.get_dummies(train[features].fillna(medians), dtype=float).columns
def encode(part):
    return pd.get_dummies(part[features].fillna(medians), dtype=float).reindex(columns=columns, fill_value=0.0)
model = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)
model.fit(encode(train), (train["churned"] == "yes").astype(int))
joblib.dump(model, sys.argv[2])
encode(test).to_parquet(sys.argv[3])
pd.DataFrame({"y": (test["churned"] == "yes").astype(int)}).to_parquet(sys.argv[4])
"""

LOAD = """
import sys, joblib, pandas as pd
model = joblib.load(sys.argv[1])
X, y = pd.read_parquet(sys.argv[2]), pd.read_parquet(sys.argv[3])["y"]
port = int(sys.argv[4])
"""

SERVE = {
    "shapash": LOAD
    + """
from shapash import SmartExplainer
explainer = SmartExplainer(model=model)
explainer.compile(x=X, y_target=y)
explainer.run_app(port=port, host="127.0.0.1").join()
""",
    "explainerdashboard": LOAD
    + """
from explainerdashboard import ClassifierExplainer, ExplainerDashboard
ExplainerDashboard(ClassifierExplainer(model, X, y)).run(port=port, host="127.0.0.1")
""",
}

IMPORTS = {
    "modelbrief": "import streamlit, pandas, sklearn.ensemble, shap, altair; "
    "import core.app.session, core.outputs.story, core.explaining.explain, core.outputs.charts",
    "shapash": "import pandas, sklearn.ensemble, dash; from shapash import SmartExplainer",
    "explainerdashboard": "import pandas, sklearn.ensemble, dash; "
    "from explainerdashboard import ClassifierExplainer, ExplainerDashboard",
}

# A Dash page drawn: nothing loading, and every plot in sight has drawn its SVG.
DASH_DRAWN = """() => {
    if (document.querySelector('[data-dash-is-loading="true"], ._dash-loading, ._dash-loading-callback')) return false;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    if (plots.length === 0) return false;
    return plots.every(p => {
        const box = p.getBoundingClientRect();
        return (box.width === 0 && box.height === 0) || p.querySelector('.main-svg') !== null;
    });
}"""


def peers_python(folder: Path) -> Path:
    """The virtual environment's Python, with the peers installed (once)."""
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
    missing = subprocess.run([python, "-c", "import shapash, explainerdashboard"], capture_output=True).returncode
    if missing:
        print("Installing Shapash and ExplainerDashboard into", folder, "(once)...", flush=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *PEERS, "pyarrow"], check=True)
    return python


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str, deadline: float) -> bool:
    while time.perf_counter() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return True
        except OSError:
            time.sleep(0.05)
    return False


def dash_drawn(page, deadline: float, quiet: float = 1.0) -> float | None:
    """perf_counter when the Dash page was drawn and stayed drawn for `quiet` seconds; None past the deadline."""
    since = None
    while time.perf_counter() < deadline:
        if page.evaluate(DASH_DRAWN):
            since = since or time.perf_counter()
            if time.perf_counter() - since >= quiet:
                return since
        else:
            since = None
        time.sleep(0.05)
    return None


def time_peer(browser, python: Path, peer: str, files: list[Path], work: Path) -> float | None:
    """Seconds from the peer's spawn to its first page drawn, or None when it did not within GIVE_UP."""
    port = _free_port()
    log = open(work / f"{peer}-{port}.log", "w")  # noqa: SIM115 - closed below
    spawned = time.perf_counter()
    process = subprocess.Popen(
        [python, "-c", SERVE[peer], *map(str, files), str(port)], cwd=work, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = spawned + GIVE_UP
    try:
        if not _answers(f"http://127.0.0.1:{port}/", deadline):
            return None
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/", timeout=GIVE_UP * 1000)
        done = dash_drawn(page, deadline)
        page.close()
        return None if done is None else done - spawned
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def time_modelbrief(browser, artifacts: Path, bundle_id: str) -> float:
    """Seconds from `streamlit run`'s spawn to the Overview, asked for first, drawn to its last chart."""
    server = Server(artifacts, Path(tempfile.mkdtemp(prefix="cache-", dir=artifacts.parent)))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.url}/overview?bundle={bundle_id}")
        drawn(page, "Overview", timeout=GIVE_UP * 1000)
        seconds = time.perf_counter() - server.spawned
        page.close()
        return seconds
    finally:
        server.stop()


def floor(python: Path | str, tool: str) -> float:
    """Seconds for a fresh process to import what the tool's pages import."""
    started = time.perf_counter()
    subprocess.run([python, "-c", IMPORTS[tool]], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def prepare(work: Path, python: Path, rows: int) -> tuple[list[Path], Path, Path]:
    """(the peers' model, rows and labels files; the published bundle's artifacts folder; the same
    bundle without its stored scores and explanation)."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish

    data = churn_data(n=6000 + rows, seed=11)
    source = work / f"churn-{rows}.parquet"
    data.to_parquet(source)
    files = [work / f"model-{rows}.joblib", work / f"x-{rows}.parquet", work / f"y-{rows}.parquet"]
    subprocess.run([python, "-c", FIT, str(source), *map(str, files)], check=True, capture_output=True)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    published, bare = work / f"published-{rows}", work / f"bare-{rows}"
    publish(model, evaluation, out=published / "churn", title="Churn", **CHURN_COMMON)
    shutil.copytree(published, bare)
    for stored in ("scores.npz", "summary.json", "explanations.npz"):  # computed on the first visit instead
        (bare / "churn" / stored).unlink(missing_ok=True)
    return files, published, bare


def measure(rows: int, repeats: int, python: Path, work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    files, published, bare = prepare(work, python, rows)
    times: dict[str, list] = {"modelbrief": [], "modelbrief, nothing stored": [], **{p: [] for p in PEERS}}
    floors: dict[str, list] = {"modelbrief": [], **{p: [] for p in PEERS}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(repeats):
            times["modelbrief"].append(time_modelbrief(browser, published, "churn"))
            times["modelbrief, nothing stored"].append(time_modelbrief(browser, bare, "churn"))
            floors["modelbrief"].append(floor(sys.executable, "modelbrief"))
            for peer in PEERS:
                if times[peer] and times[peer][-1] is None:
                    continue  # it did not draw within GIVE_UP once: not tried again
                times[peer].append(time_peer(browser, python, peer, files, work))
                floors[peer].append(floor(python, peer))
        browser.close()
    return {"rows": rows, "times": times, "floors": floors}


def _median(values: list) -> float | None:
    return None if not values or None in values else statistics.median(values)


def table(results: list[dict]) -> str:
    lines = [
        "| rows | tool | explains | spawn to first page drawn (s) | its imports alone (s) | above its imports (s) | "
        "Modelbrief ahead |",
        "| ---: | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        rows, times, floors = result["rows"], result["times"], result["floors"]
        ours = _median(times["modelbrief"])
        for tool in ["modelbrief", "modelbrief, nothing stored", *PEERS]:
            seconds = _median(times[tool])
            base = _median(floors[tool.split(",")[0]])
            name = NAMES[tool.split(",")[0]] + (
                " (scores and explanation worked out on this visit)" if "," in tool else ""
            )
            explains = (
                f"a sample of {min(rows, 2000):,} cases" if tool.startswith("modelbrief") else f"all {rows:,} cases"
            )
            shown = f"{seconds:.1f}" if seconds is not None else f"not drawn within {GIVE_UP:.0f} s"
            above = f"{seconds - base:.1f}" if seconds is not None and base is not None else ""
            ahead = ""
            if tool in PEERS:
                ratio = (seconds if seconds is not None else GIVE_UP) / ours
                ahead = f"{'more than ' if seconds is None else ''}{ratio:.1f}x"
                if rows == 10_000 and ratio < TARGETS[tool]:
                    ahead = f"**{ahead}, missed** (target {TARGETS[tool]:g}x)"
            floor_shown = f"{base:.1f}" if base is not None else ""
            lines.append(f"| {rows:,} | {name} | {explains} | {shown} | {floor_shown} | {above} | {ahead} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description="Peers timed like for like.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=Path.home() / ".cache" / "modelbrief-peers-venv")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    python = peers_python(args.venv)
    work = Path(tempfile.mkdtemp(prefix="modelbrief-peers-"))
    results = [measure(rows, args.repeats, python, work) for rows in args.sizes]
    shutil.rmtree(work, ignore_errors=True)
    text = (
        f"Measured by `python -m bench.peers` in Chromium ({os.cpu_count()} cores), one tool at a time, on the "
        f"churn demo's customers and the same gradient boosting (fitted before any clock starts). **Start "
        f"point:** the tool's server process spawned. **End point:** its first page drawn as a person sees it "
        f"(Modelbrief: the Overview, asked for first, every chart drawn and the explanation shown; the peers: no "
        f"component loading and every plot drawn, for a second). Its imports alone: a fresh process importing "
        f"what the tool's pages import, the floor under any of its figures. Medians of {args.repeats}; Modelbrief "
        f"ahead is the peer's time over Modelbrief's on the bundle as published (targets at 10,000 rows: "
        f"Shapash {TARGETS['shapash']:g}x, ExplainerDashboard {TARGETS['explainerdashboard']:g}x).\n\n"
        f"{table(results)}\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
