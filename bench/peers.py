"""The two peers that do this job, timed on the same data: Shapash and ExplainerDashboard.

    python -m bench.peers [--sizes 10000 100000] [--venv ~/.cache/modelbrief-peers-venv] [--readme]

Optional, and slow the first time: the peers are installed with pip into a virtual environment
of their own (never into the app's, and outside the project), from the package index this machine uses. For each size the
churn demo's customers are written to Parquet, and three fresh processes are timed from start to
a dashboard ready to serve, on the same rows and an equivalent model (gradient boosting, 150
trees of depth 3, on one-hot encoded columns, missing numbers filled with the training medians):

- Shapash: `SmartExplainer(model).compile(...)` and `init_app()`;
- ExplainerDashboard: `ClassifierExplainer(...)` and `ExplainerDashboard(...)`, which computes
  what its tabs show;
- Modelbrief: what the app computes before its pages can be drawn (open the bundle, score it,
  the headline with its ranges, the slider index and the explanation sample), on a bundle
  published without stored scores or explanations.

Each is the median of `--repeats` runs; the ratio is the peer's time over Modelbrief's. The table
goes into the README between the `peers-bench` markers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- peers-bench:start -->", "<!-- peers-bench:end -->"
PEERS = ["shapash", "explainerdashboard"]

# Both peers explain a model on a numeric frame: the same one-hot columns and the same trees.
PREPARE = """
import sys, pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
frame = pd.read_parquet(sys.argv[1])
train, test = frame.iloc[:6000], frame.iloc[6000:].reset_index(drop=True)
features = [c for c in frame.columns if c not in ("churned", "customer_id", "region")]
medians = train[features].median(numeric_only=True)  # as the app's pipeline imputes
def encode(part):
    filled = part[features].fillna(medians)
    return pd.get_dummies(filled, dtype=float).reindex(columns=columns, fill_value=0.0)
columns = pd.get_dummies(train[features].fillna(medians), dtype=float).columns
model = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)
model.fit(encode(train), (train["churned"] == "yes").astype(int))
X, y = encode(test), (test["churned"] == "yes").astype(int)
"""

RUN = {
    "shapash": PREPARE
    + """
from shapash import SmartExplainer
xpl = SmartExplainer(model=model)
xpl.compile(x=X, y_target=y)
xpl.init_app()
""",
    "explainerdashboard": PREPARE
    + """
from explainerdashboard import ClassifierExplainer, ExplainerDashboard
explainer = ClassifierExplainer(model, X, y)
ExplainerDashboard(explainer)
""",
}

MODELBRIEF = """
import sys
from pathlib import Path
from core.bundles import scoring
from core.evaluation import metrics, tradeoff
from core.explaining import explain
from core.bundles.bundle import load_bundle
bundle = load_bundle(Path(sys.argv[1]))
data = metrics.from_bundle(bundle, scoring.scores(bundle, Path(sys.argv[2])))
metrics.headline(data, bundle.spec.operating_point)
tradeoff.Index(data)
explain.for_bundle(bundle, Path(sys.argv[2]))
"""


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


def timed(command: list, cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description="Peers timed on the same data.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=Path.home() / ".cache" / "modelbrief-peers-venv")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)

    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish

    python = peers_python(args.venv)
    work = Path(tempfile.mkdtemp(prefix="modelbrief-peers-"))
    lines = [
        "| rows | Modelbrief (s) | Shapash (s) | ExplainerDashboard (s) | Shapash / Modelbrief | "
        "ExplainerDashboard / Modelbrief |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rows in args.sizes:
        data = churn_data(n=6000 + rows, seed=11)
        data.to_parquet(work / f"churn-{rows}.parquet")
        train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
        model = Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
                ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
            ]
        ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
        folder = work / f"bundle-{rows}"
        publish(model, evaluation, out=folder, title="Churn", **CHURN_COMMON)
        for stored in ("scores.npz", "summary.json"):  # measured from nothing, as the peers are
            (folder / stored).unlink(missing_ok=True)
        ours, theirs = [], {peer: [] for peer in PEERS}
        for repeat in range(args.repeats):
            cache = work / f"cache-{rows}-{repeat}"
            env = {**os.environ, "MODELBRIEF_CACHE": str(cache)}
            ours.append(timed([sys.executable, "-c", MODELBRIEF, str(folder), str(cache)], ROOT, env))
            for peer in PEERS:
                theirs[peer].append(timed([python, "-c", RUN[peer], str(work / f"churn-{rows}.parquet")], work))
        mine = statistics.median(ours)
        shapash, dashboard = (statistics.median(theirs[p]) for p in PEERS)
        lines.append(
            f"| {rows:,} | {mine:.1f} | {shapash:.1f} | {dashboard:.1f} | {shapash / mine:.1f}x | {dashboard / mine:.1f}x |"
        )
        print(lines[-1], flush=True)
    text = (
        f"Seconds from a fresh process to a dashboard ready to serve, median of {args.repeats}, on the churn "
        f"demo's customers and gradient boosting of the same size, measured by `python -m bench.peers` "
        f"({os.cpu_count()} cores). Modelbrief's figure is what the app computes before its pages can be drawn, "
        "on a bundle published without stored scores or explanations.\n\n" + "\n".join(lines) + "\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
