"""Ten million rows: published on a Dask cluster, then opened, with each process's peak memory.

    python -m bench.big [--rows 10000000] [--readme]

Starts a `dask.distributed.LocalCluster` of two worker processes on loopback, writes a churn
evaluation file of `--rows` generated customers (in slices, so the generator never holds them
all), publishes the demo's churn model on it with `python -m core.publish --dask`, and opens
the bundle in a fresh process as a page does (the bundle, its scores, the headline, the index
behind the Performance slider). Each step runs in its own process, whose peak resident memory
(VmHWM) is reported. The table goes into the README between the `big-bench` markers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import peak_mb
from bench.run import write_section

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- big-bench:start -->", "<!-- big-bench:end -->"
SLICE = 1_000_000

OPEN = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from core.bundles import scoring
from core.evaluation import metrics, tradeoff
from core.bundles.bundle import load_bundle
bundle = load_bundle(Path(sys.argv[1]))
scores = scoring.scores(bundle, Path(sys.argv[2]))
data = metrics.from_bundle(bundle, scores)
headline = metrics.headline(data, bundle.spec.operating_point)
index = tradeoff.Index(data)
assert scoring.compute_count == 0, "the scores were computed, not read"
print(f"{time.perf_counter() - started:.1f}", headline.kpis.n)
"""


def run_measured(command: list[str], env: dict) -> tuple[float, float, str]:
    """Seconds, peak resident MB and output of a child process (its VmHWM read just before it exits)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    while child.poll() is None:
        try:
            peak = max(peak, peak_mb(child.pid))
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    out = child.stdout.read()
    if child.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{out[-3000:]}")
    return time.perf_counter() - started, peak, out


def write_eval(path: Path, rows: int) -> None:
    """The churn demo's generated customers, `rows` of them, written slice by slice."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from core.publishing.demo_data import churn_data

    writer = None
    for number, start in enumerate(range(0, rows, SLICE)):
        frame = churn_data(n=min(SLICE, rows - start), seed=100 + number)
        frame["customer_id"] = [f"C{start + i:08d}" for i in range(len(frame))]
        table = pa.Table.from_pandas(frame, preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table.cast(writer.schema))
    writer.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.big", description="Ten million rows on a Dask cluster.")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)

    import joblib
    from dask.distributed import LocalCluster
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder

    work = Path(tempfile.mkdtemp(prefix="modelbrief-big-"))
    train = churn_data(n=6000, seed=11)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    joblib.dump(model, work / "model.joblib")
    started = time.perf_counter()
    write_eval(work / "eval.parquet", args.rows)
    written = time.perf_counter() - started
    env = {**os.environ, "MODELBRIEF_CACHE": str(work / "cache")}
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as local:
        publish_s, publish_mb, _ = run_measured(
            [
                sys.executable, "-m", "core.publish", "--model", str(work / "model.joblib"),
                "--eval", str(work / "eval.parquet"), "--target", "churned", "--task", "binary",
                "--positive-class", "yes", "--id-column", "customer_id", "--segments", "region,plan",
                "--out", str(work / "churn-10m"), "--dask", local.scheduler_address,
            ],
            env,
        )  # fmt: skip
    open_s, open_mb, out = run_measured([sys.executable, "-c", OPEN, str(work / "churn-10m"), str(work / "cache")], env)
    parts = len(list((work / "churn-10m" / "scores").glob("part-*.parquet")))
    size_mb = (work / "eval.parquet").stat().st_size / 1e6
    text = (
        f"{args.rows:,} evaluation rows ({size_mb:,.0f} MB of Parquet, written in {written:.0f} s), measured by "
        f"`python -m bench.big` on a `LocalCluster` of two worker processes on this machine "
        f"({os.cpu_count()} cores). Each step runs in its own process; peak memory is its VmHWM.\n\n"
        "| step | seconds | peak memory (MB) |\n| --- | ---: | ---: |\n"
        f"| publish with `--dask` (scores in {parts} Parquet parts) | {publish_s:.0f} | {publish_mb:,.0f} |\n"
        f"| open: bundle, scores, headline and slider index | {open_s:.0f} | {open_mb:,.0f} |\n"
    )
    print(text)
    print("open process said:", out.strip().splitlines()[-1])
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
