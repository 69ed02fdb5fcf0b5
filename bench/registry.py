"""A bundle from an MLflow registry against the same bundle as a folder: first read and warm open.

    python -m bench.registry [--rows 10000,100000,1000000] [--repeats 5] [--readme]

The demo's churn model is published with `--to-mlflow` into a real `mlflow server` on loopback
(SQLite store, local artifact root), which also writes the folder bundle. Then, in this process:

- folder: the bundle opened from its folder and its stored scores read (what a page needs first);
- registry, first read: the alias resolved, the version's files downloaded into an empty cache,
  then opened as above;
- registry, warm: the alias resolved again (the server asked), the cached copy found, then opened.

Times are medians of `--repeats` runs with their min and max; "warm / folder" is the ratio of the
medians, measured in the same run. The table goes into the README between the `registry-bench`
markers with `--readme`.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import write_section

START, END = "<!-- registry-bench:start -->", "<!-- registry-bench:end -->"


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def opened(folder: Path) -> None:
    from core.bundles import scoring
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(folder)
    scoring.scores(bundle)


def publish(uri: str, root: Path, rows: int) -> Path:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish as publish_bundle

    data = churn_data(n=6000 + rows, seed=11)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    out = root / f"churn-{rows}"
    publish_bundle(
        model,
        evaluation,
        out=out,
        title=f"Churn, {rows:,} rows",
        precompute_explanations=False,
        mlflow=f"churn-{rows}",
        mlflow_alias="champion",
        mlflow_uri=uri,
        say=lambda sentence: None,
        **CHURN_COMMON,
    )
    return out


def measure(uri: str, root: Path, rows: int, repeats: int) -> dict:
    from core.bundles import registry

    folder = publish(uri, root, rows)
    ref = registry.parse(f"mlflow:churn-{rows}@champion")
    timings: dict[str, list[float]] = {"folder": [], "first": [], "warm": []}
    for _ in range(repeats):
        started = time.perf_counter()
        opened(folder)
        timings["folder"].append(time.perf_counter() - started)
        cache = Path(tempfile.mkdtemp(dir=root))
        started = time.perf_counter()
        read, _ = registry.materialize(uri, registry.resolve(uri, ref), cache)
        opened(read)
        timings["first"].append(time.perf_counter() - started)
        started = time.perf_counter()
        read, _ = registry.materialize(uri, registry.resolve(uri, ref), cache)
        opened(read)
        timings["warm"].append(time.perf_counter() - started)
        shutil.rmtree(cache)
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6
    return {"rows": rows, "size": size, **timings}


def table(results: list[dict], repeats: int) -> str:
    lines = [
        f"Measured by `python -m bench.registry --rows {','.join(str(r['rows']) for r in results)} --repeats "
        f"{repeats}` on {platform.machine()}, 2 cores, Python {platform.python_version()}: seconds to open the "
        f"bundle and read its stored scores (medians of {repeats}, with min and max), against a real `mlflow "
        "server` on loopback.",
        "",
        "| rows | bundle files (MB) | folder (s) | registry, first read (s) | registry, warm (s) | warm / folder |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ratio = statistics.median(r["warm"]) / statistics.median(r["folder"])
        lines.append(
            f"| {r['rows']:,} | {r['size']:.1f} | {spread(r['folder'])} | {spread(r['first'])} | "
            f"{spread(r['warm'])} | {ratio:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    from tests.registry_models import start_server, stop_server

    root = Path(tempfile.mkdtemp(prefix="modelbrief-registry-bench-"))
    uri, process = start_server(root / "server")
    try:
        results = [measure(uri, root, int(rows), args.repeats) for rows in args.rows.split(",")]
    finally:
        stop_server(process)
        shutil.rmtree(root, ignore_errors=True)
    text = table(results, args.repeats)
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    raise SystemExit(main())
