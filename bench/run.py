"""Benchmarks behind the README's performance table.

    python -m bench.run              print the table
    python -m bench.run --readme     ... and write it into README.md between the bench markers

Machines here are shared and noisy, so every figure is the median of several runs, and each fast
path is set against a plain baseline measured in the same run on the same rows.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.app.session import BLOCK_SECONDS
from core.bundles.contract import OperatingPoint
from core.evaluation.metrics import EvalSet, bootstrap, headline, kpis, outcomes
from core.evaluation.tradeoff import CONFIDENCE_GRID, Index, best_point, curve

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
BINARY_VALUES = {"true_positive": 120, "false_positive": -50, "false_negative": 0, "true_negative": 0, "abstain": -5}
BASELINE_RESAMPLES = 200


def write_section(text: str, start: str, end: str) -> int:
    """Put `text` into README.md between the `start` and `end` markers; 0, or 2 when they are missing."""
    readme = README.read_text()
    if start not in readme or end not in readme:
        print(f"README.md has no {start} ... {end} section to write into.", file=sys.stderr)
        return 2
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{text}{end}{tail}")
    print("README.md updated.")
    return 0


def median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def binary_rows(n: int, seed: int = 0) -> EvalSet:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    p = np.clip(truth * 0.3 + rng.random(n) * 0.7, 0, 1)
    return EvalSet.binary(truth, p, BINARY_VALUES, volume=20_000)


def multiclass_rows(n: int, seed: int = 1) -> EvalSet:
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(10) * 0.4, n)
    truth = np.where(rng.random(n) < 0.3, -1, rng.integers(0, 10, n))
    return EvalSet.multiclass(
        truth, proba, {"correct": 4, "wrong": -6, "abstain": -2.5, "out_of_scope": -9}, volume=45_000
    )


def row_bootstrap(data: EvalSet, point: OperatingPoint, samples: int = BASELINE_RESAMPLES) -> None:
    """The textbook way: resample row indices, recompute each figure per resample."""
    out = outcomes(data, point)
    rng = np.random.default_rng(0)
    for _ in range(samples):
        rows = rng.integers(0, data.n, data.n)
        acted, correct = out.acted[rows], out.correct[rows]
        _ = (acted & correct).sum() / max(acted.sum(), 1), (acted & out.in_scope[rows]).mean(), out.value[rows].mean()


def naive_curve(data: EvalSet, point: OperatingPoint) -> None:
    """The plain way to draw a trade-off curve: the full computation at every grid point."""
    for c in CONFIDENCE_GRID:
        kpis(data, OperatingPoint(point.threshold, float(c)))


def measure(label: str, data: EvalSet, repeats: int, baseline_repeats: int) -> list[dict]:
    from core.evaluation import metrics

    metrics.RECENT = 0  # every timed call is a move to a new setting: nothing kept from the last call
    point = OperatingPoint(0.5, 0.7)
    moved = OperatingPoint(0.45, 0.75)
    index = Index(data)  # built once per bundle and cached by the app
    build = median_ms(lambda: Index(data), baseline_repeats)
    rows = [
        {
            "what": f"{label}: all KPIs with 95% ranges after a control move",
            "ours": median_ms(lambda: headline(data, moved), repeats),
            "baseline": median_ms(lambda: row_bootstrap(data, moved), baseline_repeats),
            "baseline_is": f"row-resampling bootstrap, {BASELINE_RESAMPLES} resamples (ours: 2,000)",
        },
        {
            "what": f"{label}: KPIs alone (no ranges) after a control move",
            "ours": median_ms(lambda: index.frame(moved.threshold, moved.min_confidence), repeats),
            "baseline": median_ms(lambda: kpis(data, moved), repeats),
            "baseline_is": "one pass over every row",
        },
        {
            "what": f"{label}: full trade-off curve (100 settings)",
            "ours": median_ms(lambda: curve(index, point), repeats),
            "baseline": median_ms(lambda: naive_curve(data, point), baseline_repeats),
            "baseline_is": "one pass over every row per setting",
        },
        {
            "what": f"{label}: best-value setting"
            + (" (99 x 50 grid)" if data.task == "binary" else " (100 settings)"),
            "ours": median_ms(lambda: best_point(index), repeats),
            "baseline": None,
            "baseline_is": "",
        },
        {
            "what": f"{label}: sorted index, built once per bundle",
            "ours": build,
            "baseline": None,
            "baseline_is": "",
        },
    ]
    assert bootstrap(outcomes(data, moved)).coverage.n == data.n
    return rows


def plain_shap(model, X) -> None:
    """Plain shap the usual way: the matching explainer on every row, no sampling, no grouping, no cache."""
    import shap

    from core.explaining.explain import explainer_kind, split_pipeline

    preprocessing, estimator = split_pipeline(model)
    transformed = preprocessing.transform(X) if preprocessing is not None else X.to_numpy(float)
    if explainer_kind(estimator) == "tree":
        shap.TreeExplainer(estimator).shap_values(transformed, check_additivity=False)
    else:
        shap.LinearExplainer(estimator, transformed[:100]).shap_values(transformed)


def explanation_rows(root: Path) -> list[dict]:
    """Seconds to explain each demo bundle (and a 100k-row one) against plain shap on all rows."""
    import tempfile

    from core.bundles.bundle import load_bundle
    from core.explaining import explain
    from core.publishing.demos import build_demos
    from core.publishing.publish import publish

    build_demos(root)
    bundles = [load_bundle(folder) for folder in sorted(root.iterdir()) if (folder / "bundle.yaml").is_file()]
    big = _big_churn_bundle(root, publish)
    rows = []
    for bundle in [*bundles, big]:
        cache = Path(tempfile.mkdtemp())
        cold = median_ms(
            lambda b=bundle: explain.explain_bundle(b),
            3,
        )
        explain.for_bundle(bundle, cache)
        warm = median_ms(lambda b=bundle, c=cache: explain.for_bundle(b, c), 5)
        plain = median_ms(lambda b=bundle: plain_shap(b.model, b.X), 3)
        rows.append(
            {
                "bundle": bundle.id,
                "rows": len(bundle.eval),
                "sample": min(len(bundle.eval), 2000),
                "cold": cold,
                "warm": warm,
                "plain": plain,
            }
        )
    return rows


def model_kind_rows(root: Path, repeats: int = 3) -> list[dict]:
    """Seconds to the first explanation of each kind in the supported-model matrix, and how long a
    page waits for it before showing progress instead."""
    from core.explaining import explain
    from tests.model_kinds import publish_all

    rows = []
    for name, bundle in publish_all(root).items():
        row = {"kind": name, "rows": len(bundle.eval), "task": bundle.spec.task}
        if not bundle.explainable:
            row["why"] = "scores only" if bundle.model is None else "no probabilities"
            rows.append(row)
            continue
        results = []

        def first(b=bundle, results=results):
            results.append(explain.for_bundle(b, Path(tempfile.mkdtemp())))

        row["first"] = median_ms(first, repeats) / 1000
        result = results[-1]
        row.update(
            method=result.method_name,
            explained=len(result.rows),
            planned=result.planned,
            additivity=result.additivity_error(),
            blocks=min(row["first"], BLOCK_SECONDS),
        )
        rows.append(row)
    return rows


def model_kind_table(rows: list[dict]) -> str:
    lines = [
        "| model kind | task | evaluation rows | explainer | explained | first explanation (s) | page waits (s) "
        "| largest additivity error |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        if "why" in r:
            lines.append(f"| {r['kind']} | {r['task']} | {r['rows']:,} | none ({r['why']}) | | | | |")
            continue
        explained = f"{r['explained']:,}" + (f" of {r['planned']:,}" if r["planned"] > r["explained"] else "")
        lines.append(
            f"| {r['kind']} | {r['task']} | {r['rows']:,} | {r['method']} | {explained} | {r['first']:,.2f} | "
            f"{r['blocks']:,.2f} | {r['additivity']:.1e} |"
        )
    return "\n".join(lines)


def _big_churn_bundle(root: Path, publish):
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
    from core.publishing.demos import CHURN_COMMON

    data = churn_data(n=106_000, seed=11)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)),
        ]
    )
    model.fit(train[CHURN_CATEGORICAL + CHURN_NUMERIC], train["churned"])
    return publish(model, evaluation, out=root / "churn-100k", overwrite=True, title="Churn, 100k rows", **CHURN_COMMON)


def whatif_rows(root: Path, edits: int = 200, cases: int = 30) -> list[dict]:
    """Server time per what-if edit (one prediction, one row of contributions, the sentences), and the
    time to find the smallest flip, for each demo bundle."""
    import pandas as pd

    from core.bundles.bundle import load_bundle
    from core.explaining import whatif
    from core.explaining.explain import RowExplainer
    from core.words import narrative

    rows = []
    for folder in sorted(root.iterdir()):
        if not (folder / "bundle.yaml").is_file() or folder.name == "churn-100k":
            continue
        bundle = load_bundle(folder)
        spec, X = bundle.spec, bundle.X
        explainer = RowExplainer(bundle.model, X, spec.task, bundle.classes, bundle.positive_class)
        controls = whatif.controls(X, spec)
        positive = bundle.classes.index(bundle.positive_class) if spec.task == "binary" else 1
        editable = [c for c in controls if c.actionable]
        rng = np.random.default_rng(0)
        times = []
        for i in range(edits):
            case = X.iloc[int(rng.integers(len(X)))].to_dict()
            control = editable[i % len(editable)]
            case[control.name] = rng.choice(control.grid)
            started = time.perf_counter()
            result = whatif.assess(explainer, case, X, spec.operating_point, controls, positive)
            frame = pd.DataFrame(
                {
                    "feature": list(X.columns),
                    "label": [c.label for c in controls],
                    "value": [case[n] for n in X.columns],
                    "contribution": result.values,
                }
            )
            whatif.decision_sentence(result.decision, spec, spec.task)
            narrative.case_reasons(frame.head(8), result.base, float(result.decision.chance), spec)
            times.append((time.perf_counter() - started) * 1000)
        flips = []
        if spec.task != "regression":
            for row in range(0, cases * 7, 7):
                case = X.iloc[row].to_dict()
                decision = whatif.assess(explainer, case, X, spec.operating_point, controls, positive).decision
                started = time.perf_counter()
                whatif.smallest_flip(
                    explainer.shown,
                    case,
                    X,
                    controls,
                    decision,
                    spec.task,
                    spec.operating_point,
                    bundle.classes,
                    positive,
                )
                flips.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "bundle": bundle.id,
                "explainer": explainer.kind,
                "p50": float(np.percentile(times, 50)),
                "p95": float(np.percentile(times, 95)),
                "flip50": float(np.percentile(flips, 50)) if flips else None,
                "flip95": float(np.percentile(flips, 95)) if flips else None,
            }
        )
    return rows


FIRST_WORDS = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from core.bundles.bundle import load_bundle
from core.explaining.text import word_explainers
bundle = load_bundle(Path(sys.argv[1]))
column = bundle.spec.text_features[0]
explainer = word_explainers(bundle.model, bundle.X)[column]
explainer.explain(bundle.X.iloc[[0]])
print(time.perf_counter() - started)
"""


def _edited_message(message: str, donor: str, rng: np.random.Generator) -> str:
    """A typed edit: a word dropped, or a word from another message added."""
    words = message.split()
    if len(words) > 2 and rng.random() < 0.5:
        del words[int(rng.integers(len(words)))]
    else:
        words.insert(int(rng.integers(len(words) + 1)), str(rng.choice(donor.split() or ["refund"])))
    return " ".join(words)


def text_rows(roots: list[Path], edits: int = 200) -> list[dict]:
    """Server time per typed message on What if (prediction, contributions, decision sentence, the
    words of the message highlighted, the word waterfall and the case sentence), and the time to
    the first word-level explanation in a fresh process (imports, and SHAP's compilation for masked words)."""
    import subprocess

    import pandas as pd

    from core.bundles.bundle import load_bundle
    from core.explaining import whatif
    from core.explaining.explain import RowExplainer
    from core.explaining.text import case_words, highlighted, word_explainers, word_shares, word_steps
    from core.words import narrative

    rows = []
    for folder in roots:
        bundle = load_bundle(folder)
        spec, X = bundle.spec, bundle.X
        column = spec.text_features[0]
        first = subprocess.run(
            [sys.executable, "-c", FIRST_WORDS, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        explainer = RowExplainer(bundle.model, X, spec.task, bundle.classes, bundle.positive_class)
        words = word_explainers(bundle.model, X)[column]
        controls = whatif.controls(X, spec, bundle.model)
        positive = bundle.classes.index(bundle.positive_class) if spec.task == "binary" else 1
        rng = np.random.default_rng(0)
        words.explain(X.iloc[[0]])  # warm: the first call in a process is measured above
        times = []
        for _ in range(edits):
            case = X.iloc[int(rng.integers(len(X)))].to_dict()
            donor = str(X[column].iloc[int(rng.integers(len(X)))])
            case[column] = _edited_message(str(case[column]), donor, rng)
            started = time.perf_counter()
            result = whatif.assess(explainer, case, X, spec.operating_point, controls, positive)
            whatif.decision_sentence(result.decision, spec, spec.task)
            row = whatif.frame_for([case], X, controls)
            output = explainer.outputs[result.output] if spec.task == "multiclass" else None
            from core.explaining.text import output_index

            k = output_index(words, output) if spec.task == "multiclass" else 0
            reasons = words.explain(row)
            highlighted(word_shares(reasons, case[column], k))
            word_steps(reasons, k)
            frame = pd.DataFrame(
                {
                    "feature": list(X.columns),
                    "label": [c.label for c in controls],
                    "value": [case[n] for n in X.columns],
                    "contribution": result.values,
                }
            )
            said = case_words({column: words}, row, output)
            narrative.case_reasons(frame, result.base, float(result.decision.chance), spec, output, words=said)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "bundle": bundle.id,
                "words": "exact (linear)" if words.exact else "SHAP text masker",
                "p50": float(np.percentile(times, 50)),
                "p95": float(np.percentile(times, 95)),
                "first": float(first.stdout.strip().splitlines()[-1]),
            }
        )
    return rows


def text_table(rows: list[dict]) -> str:
    lines = [
        "| bundle | word reasons | per typed message p50 (ms) | p95 (ms) | first word explanation, fresh process (s) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r['bundle']} | {r['words']} | {r['p50']:,.1f} | {r['p95']:,.1f} | {r['first']:,.2f} |")
    return "\n".join(lines)


def _row_by_row(shown, point, positive: int, values: dict) -> list[tuple]:
    """The baseline: a binary model's decision and expected value for each row in a Python loop,
    as the What-if rule section computed them before it worked on all rows at once."""
    found = []
    for row in shown:
        p = float(row[positive])
        acts, flag = max(p, 1 - p) >= point.min_confidence, p >= point.threshold
        if not acts:
            value = values.get("abstain", 0.0)
        elif flag:
            value = p * values.get("true_positive", 0.0) + (1 - p) * values.get("false_positive", 0.0)
        else:
            value = p * values.get("false_negative", 0.0) + (1 - p) * values.get("true_negative", 0.0)
        found.append((acts, flag, value))
    return found


def scenario_rows(folder: Path, repeats: int = 3) -> list[dict]:
    """A What-if rule applied to every row of a large bundle: from the cached scores, predicting
    only the rows it changes and deciding all rows at once, against predicting every row twice
    and deciding row by row (how the section worked before)."""
    from core.bundles.bundle import load_bundle
    from core.explaining import whatif
    from core.explaining.explain import RowExplainer

    bundle = load_bundle(folder)
    spec, X, point = bundle.spec, bundle.X, bundle.spec.operating_point
    explainer = RowExplainer(bundle.model, X, spec.task, bundle.classes, bundle.positive_class)
    positive = bundle.classes.index(bundle.positive_class)
    cached = explainer.shown(X)
    everyone = np.ones(len(X), bool)
    rows = []
    for rule in (whatif.Rule("contract", "set", "two-year"), whatif.Rule("plan", "set", "Premium")):

        def ours(rule=rule):
            whatif.scenario(
                explainer.shown, X, rule, everyone, spec.task, point, bundle.classes, spec, positive, cached
            )

        def before(rule=rule):
            decided = [_row_by_row(shown, point, positive, spec.business.values) for shown in (
                explainer.shown(X), explainer.shown(rule.apply(X)))]  # fmt: skip
            sum(a != b for a, b in zip(*decided, strict=True))

        changed = int((X[rule.feature].astype(str) != str(rule.value)).sum())
        rows.append(
            {
                "rule": f"{rule.feature} set to {rule.value}",
                "rows": len(X),
                "changed": changed,
                "ours": median_ms(ours, repeats),
                "baseline": median_ms(before, repeats),
            }
        )
    return rows


def scenario_table(rows: list[dict]) -> str:
    lines = [
        "| rule | rows | rows it changes | Modelbrief (median ms) | every row twice, row by row (median ms) | speed-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['rule']} | {r['rows']:,} | {r['changed']:,} | {r['ours']:,.0f} | {r['baseline']:,.0f} | "
            f"{r['baseline'] / r['ours']:,.1f}x |"
        )
    return "\n".join(lines)


def whatif_table(rows: list[dict]) -> str:
    lines = [
        "| bundle | explainer | per edit p50 (ms) | per edit p95 (ms) | smallest flip p50 (ms) | smallest flip p95 (ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        flip = (
            "| n/a (regression) | n/a (regression) |"
            if r["flip50"] is None
            else f"| {r['flip50']:,.0f} | {r['flip95']:,.0f} |"
        )
        lines.append(f"| {r['bundle']} | {r['explainer']} | {r['p50']:,.1f} | {r['p95']:,.1f} {flip}")
    return "\n".join(lines)


def explanation_table(rows: list[dict]) -> str:
    lines = [
        "| bundle | evaluation rows | explained | first time (s) | from the cache (ms) | plain shap, all rows (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['bundle']} | {r['rows']:,} | {r['sample']:,} | {r['cold'] / 1000:,.2f} | "
            f"{r['warm']:,.1f} | {r['plain'] / 1000:,.2f} |"
        )
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    lines = [
        "| measurement | Modelbrief (median ms) | baseline (median ms) | speed-up | baseline is |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        base = row["baseline"]
        shown = "" if base is None else f"{base:,.1f}"
        speed = None if base is None else base / row["ours"]
        ratio = "" if speed is None else f"{speed:,.0f}x" if speed >= 10 else f"{speed:.1f}x"
        lines.append(f"| {row['what']} | {row['ours']:,.1f} | {shown} | {ratio} | {row['baseline_is']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Benchmarks for the README.")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    rows = []
    for n in (100_000, 1_000_000):
        label = f"{n // 1000:,}k rows" if n < 1_000_000 else "1M rows"
        baseline_repeats = 3 if n >= 1_000_000 else 5
        rows += measure(f"binary, {label}", binary_rows(n), args.repeats, baseline_repeats)
        rows += measure(f"multiclass, {label}", multiclass_rows(n), args.repeats, baseline_repeats)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    demo_root = Path(tempfile.mkdtemp())
    explained = explanation_rows(demo_root)
    edited = whatif_rows(demo_root)
    ruled = scenario_rows(demo_root / "churn-100k")
    kinds_root = Path(tempfile.mkdtemp())
    kinds = model_kind_rows(kinds_root)
    typed = text_rows([demo_root / "support-router", kinds_root / "text-boosted"])
    text = (
        f"Operating-point engine, synthetic evaluation rows, {machine}; medians of {args.repeats} runs "
        f"(baselines: 3 to 5), measured by `python -m bench.run`.\n\n{table(rows)}\n\n"
        f"Explanations (SHAP) per bundle: the first time on a stratified sample of up to 2,000 rows, grouped "
        f"to original columns and converted to probability points; then read back from the disk cache; "
        f"against plain `shap` the usual way, on every evaluation row (medians of 3 runs; cache: 5).\n\n"
        f"{explanation_table(explained)}\n\n"
        f"What if: server time per edit (one prediction, one row of contributions, the sentences) over 200 random "
        f"edits per bundle, and the search for the smallest change that flips the decision over 30 cases "
        f"(target: 50 ms at p95 per edit for tree models).\n\n{whatif_table(edited)}\n\n"
        f"First explanation per model kind (the supported-model matrix in `tests/model_kinds.py`, "
        f"median of 3 runs, nothing cached). A page waits for it at most {BLOCK_SECONDS:.0f} s, then shows "
        f"progress and an estimate while it finishes in the background.\n\n{model_kind_table(kinds)}\n\n"
        f"Typing a message on What if: server time per submitted message over 200 edits (a word dropped or "
        f"added), with the routing, the decision, the highlighted words, the word waterfall and the case "
        f"sentence (target: 300 ms for linear text models); and the first word-level explanation in a fresh "
        f"process, imports included.\n\n{text_table(typed)}\n\n"
        f"What if, a rule applied to every customer of a 100k-row churn bundle (medians of 3): from the cached "
        f"scores, predicting only the rows the rule changes and deciding all rows at once, against predicting "
        f"every row before and after and deciding row by row.\n\n{scenario_table(ruled)}\n"
    )
    print(text)
    return write_section(text, START, END) if args.readme else 0


if __name__ == "__main__":
    sys.exit(main())
