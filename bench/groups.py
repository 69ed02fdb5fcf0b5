"""The Groups section on Performance at scale: a slider move with it and without it, in Chromium.

    python -m bench.groups [--rows 1000000] [--moves 40] [--readme]

The demo's churn model is published on `--rows` generated customers with their household, and
`groups: [age, household]`, as a team publishes it (its explanation stored, so no page works one
out); the same bundle is copied without `groups:` (the same model and rows, its stored files reused). One server holds both. On each bundle's Performance page, drawn once
first, the "Confidence needed to act" slider is moved by key presses, in blocks that alternate
between the two bundles so both meet the same machine, once the server has finished the background
work the two pages started (it used no CPU for 3 s). **Start point:** the key press. **End point:**
the script finished and the page drawn again (every chart and table in sight). Median and 95th
percentile of `--moves` each, and the ratio of the medians. The table goes into the README between
the `groups-bench` markers with `--readme`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
from pathlib import Path

import numpy as np

from bench.browser import CHROMIUM, Server, drawn, rerun_after
from bench.run import write_section

START, END = "<!-- groups-bench:start -->", "<!-- groups-bench:end -->"


def publish_pair(artifacts: Path, rows: int) -> tuple[str, str]:
    import yaml
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder, with_household
    from core.publishing.demos import CHURN_COMMON
    from core.publishing.publish import publish

    data = churn_data(n=6000 + rows, seed=11)
    train, evaluation = data.iloc[:6000], with_household(data.iloc[6000:].reset_index(drop=True), 11)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    ).fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    common = {k: v for k, v in CHURN_COMMON.items() if k != "traffic"}
    grouped = artifacts / "churn-groups"
    publish(
        model,
        evaluation,
        out=grouped,
        title=f"Churn, {rows:,} rows, with groups",
        groups=["age", "household"],
        say=lambda sentence: None,
        **common,
    )
    plain = artifacts / "churn-no-groups"
    shutil.copytree(grouped, plain)
    manifest = yaml.safe_load((plain / "bundle.yaml").read_text())
    manifest.pop("groups")
    manifest["title"] = f"Churn, {rows:,} rows, without groups"
    (plain / "bundle.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return grouped.name, plain.name


def idle(server: Server, quiet: float = 3.0, limit: float = 600.0) -> None:
    """Wait until the server's process has used no CPU for `quiet` seconds: the background work each
    page starts once drawn (the warm-up: Compare's pieces against the other bundle, among others) is
    done, as on a server that has been up a while. Linux: read from /proc."""
    import time

    def ticks() -> int:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    deadline, last, since = time.monotonic() + limit, ticks(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = ticks()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def measure(rows: int, moves: int) -> dict:
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="modelbrief-groups-bench-"))
    artifacts = root / "artifacts"
    os.environ["MODELBRIEF_CACHE"] = str(artifacts / ".cache")
    ids = publish_pair(artifacts, rows)
    times: dict[str, list] = {bundle_id: [] for bundle_id in ids}
    server = Server(artifacts)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            pages = {}
            for bundle_id in ids:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{server.url}/performance?bundle={bundle_id}")
                drawn(page, "Performance")
                pages[bundle_id] = page
            idle(server)  # both pages' background work done before the first move is timed
            block = 10
            for start in range(0, moves, block):
                for bundle_id in ids if (start // block) % 2 == 0 else ids[::-1]:  # each goes first in turn
                    page = pages[bundle_id]
                    slider = page.get_by_role("slider", name="Confidence needed to act")
                    for number in range(start, min(start + block, moves)):
                        slider.focus()
                        key = "ArrowRight" if number % 10 < 5 else "ArrowLeft"
                        times[bundle_id].append(rerun_after(page, lambda key=key, page=page: page.keyboard.press(key)))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {"rows": rows, "with": times[ids[0]], "without": times[ids[1]]}


def _figures(values: list) -> tuple[float, float, int]:
    timed = [v for v in values if v is not None]
    return statistics.median(timed), float(np.percentile(timed, 95)), len(values) - len(timed)


def table(results: list[dict], moves: int) -> str:
    lines = [
        f"Measured by `python -m bench.groups --moves {moves}` in Chromium on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: a key press on Performance's confidence slider "
        "to the page drawn again, seconds, median and 95th percentile, once the server's background work is done; "
        "the two bundles differ only in `groups:`.",
        "",
        "| rows | with Groups, median | with Groups, p95 | without, median | without, p95 | with / without (medians) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        with_median, with_p95, with_lost = _figures(r["with"])
        without_median, without_p95, without_lost = _figures(r["without"])
        missing = with_lost + without_lost
        lost = f" ({missing} {'move' if missing == 1 else 'moves'} started no run within 20 s)" if missing else ""
        lines.append(
            f"| {r['rows']:,} | {with_median:.2f} | {with_p95:.2f} | {without_median:.2f} | {without_p95:.2f} | "
            f"{with_median / without_median:.2f}{lost} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.groups", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    results = [measure(rows, args.moves) for rows in args.rows]
    text = table(results, args.moves)
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    raise SystemExit(main())
