"""After launch: real requests, batch by batch, set against the test figures.

A bundle's `traffic:` names a file, or a folder of batch files, of real requests: when each came in,
the model's input columns, optionally the live model's scores, and the outcome once it is known.

    python -m core.traffic add BUNDLE FILE

copies a new batch into the folder and appends its sha256 to `batches.jsonl`; nothing already there
is rewritten, and a batch whose file changed after it was added is refused when read.

Each batch is summarised once, cached by its hash and the bundle's figures key: per day, how many
requests came in, what the model did with them at the bundle's setting (the one in use), the
outcomes that have arrived and what they were worth, what the model's confidence expects, and how
each input is spread over bins fixed by the test data. Summaries add up, so a new week costs only
that week; `since_launch` turns them into figures per period with the range a period of that size
shows when nothing has changed, drift per feature, and findings in plain words.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.bundle import Bundle, _align_categories, class_index, file_sha256, read_rows
from core.bundles.contract import BundleError, OperatingPoint

LOG = "batches.jsonl"
FORMATS = (".parquet", ".csv")
SUMMARY_VERSION = 1
FINE_BINS = 100  # numeric inputs: percentiles of the test data, so medians are quoted to within 1%
LEVELS = 30  # categories: the most common in the test data; the rest are "other"
MISSING, OTHER = "(missing)", "(other)"
PSI_MOVED = 0.2  # a population stability index of 0.2 or more: a shift worth acting on
MIN_ROWS = 200  # fewer requests in a period than this: drift is not judged
Z = 1.96
ANSWERS = "(the model's answers)"  # drift in what the model says, beside its inputs


# --- the batches ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    path: Path
    sha256: str


_hashes: dict[tuple, str] = {}


def _hash(path: Path) -> str:
    """A batch's sha256, read once per version of the file (its size and time of change)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        if len(_hashes) > 10_000:
            _hashes.clear()
        _hashes[key] = file_sha256(path)
    return _hashes[key]


def _log(folder: Path) -> list[dict]:
    log = folder / LOG
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def batches(bundle: Bundle) -> list[Batch]:
    """The traffic files, oldest first, each with its hash; a batch whose file no longer matches
    the hash it was added with is refused (its figures would silently change)."""
    spec = bundle.spec.traffic
    if spec is None:
        return []
    if spec.path.is_file():
        return [Batch(spec.path, file_sha256(spec.path))]
    if not spec.path.is_dir():
        raise BundleError(
            f"The traffic folder {spec.path.name} named in bundle.yaml does not exist.",
            "Add a batch with `python -m core.traffic add BUNDLE FILE`, or fix `traffic.path`.",
            field="traffic.path",
        )
    logged = {entry["file"]: entry["sha256"] for entry in _log(spec.path)}
    found = []
    for path in sorted(p for p in spec.path.iterdir() if p.suffix.lower() in FORMATS and p.is_file()):
        digest = _hash(path)
        if path.name in logged and logged[path.name] != digest:
            raise BundleError(
                f"The traffic batch {path.name} changed after it was added.",
                "Batches are append-only: restore the file, or add the corrected rows as a new batch.",
                detail=f"recorded sha256 {logged[path.name]}, now {digest}",
                field="traffic.path",
            )
        found.append(Batch(path, digest))
    return found


def add(folder: Path, file: Path) -> Path:
    """Append one batch to a bundle's traffic: checked, copied, and its hash logged."""
    from core.bundles.bundle import read_spec

    spec = read_spec(folder)
    if spec.traffic is None:
        raise BundleError(
            "This bundle has no `traffic:` section in bundle.yaml.",
            "Add `traffic: {path: traffic/, timestamp: <column>}` to bundle.yaml first.",
        )
    if file.suffix.lower() not in FORMATS:
        raise BundleError(f"A batch must be a .parquet or .csv file, not '{file.name}'.")
    target = spec.traffic.path
    if target.suffix:  # a single file: batches need a folder
        raise BundleError(
            "`traffic.path` names one file, so batches cannot be added to it.",
            "Point `traffic.path` at a folder (and move the file into it).",
        )
    frame = read_rows(file)
    if spec.traffic.timestamp not in frame.columns:
        raise BundleError(f"The batch has no '{spec.traffic.timestamp}' column, which `traffic.timestamp` names.")
    when = pd.to_datetime(frame[spec.traffic.timestamp], errors="coerce")
    if when.isna().all():
        raise BundleError(f"The batch's '{spec.traffic.timestamp}' column holds no dates a person could read.")
    digest = file_sha256(file)
    target.mkdir(parents=True, exist_ok=True)
    if any(entry["sha256"] == digest for entry in _log(target)):
        raise BundleError(f"This batch ({file.name}) was already added.", "Nothing was changed.")
    number = len(_log(target)) + 1
    name = f"batch-{number:05d}{file.suffix.lower()}"
    while (target / name).exists():
        number += 1
        name = f"batch-{number:05d}{file.suffix.lower()}"
    shutil.copyfile(file, target / name)
    entry = {"file": name, "sha256": digest, "rows": len(frame), "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "first": str(when.min().date()), "last": str(when.max().date())}  # fmt: skip
    with open(target / LOG, "a") as log:
        log.write(json.dumps(entry) + "\n")
    return target / name


# --- what the test data looks like ------------------------------------------------------------


@dataclass
class Reference:
    """Bins fixed by the test data: fine percentile edges for numbers, the common levels for
    categories, and the test data's share in each."""

    edges: dict[str, np.ndarray] = field(default_factory=dict)
    levels: dict[str, list[str]] = field(default_factory=dict)
    shares: dict[str, np.ndarray] = field(default_factory=dict)
    medians: dict[str, float] = field(default_factory=dict)

    @property
    def features(self) -> list[str]:
        return [*self.edges, *self.levels]

    def codes(self, feature: str, values: pd.Series) -> np.ndarray:
        """Each value's bin: numbers by edge (missing last), categories by level (other, then missing)."""
        if feature in self.edges:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(float)
            edges = self.edges[feature]
            code = np.searchsorted(edges, numbers, side="right")
            code[np.isnan(numbers)] = len(edges) + 1
            return code
        levels = self.levels[feature]
        text = values.astype("string")
        code = pd.Categorical(text, categories=levels).codes.astype(np.int64)
        code[code < 0] = len(levels)
        code[text.isna().to_numpy()] = len(levels) + 1
        return code

    def size(self, feature: str) -> int:
        return len(self.edges[feature]) + 2 if feature in self.edges else len(self.levels[feature]) + 2


def reference(bundle: Bundle) -> Reference:
    """The test data's spread of every input the model reads (text inputs are left out)."""
    ref = Reference()
    text = set(bundle.spec.text_features)
    for feature in bundle.features:
        if feature in text:
            continue
        values = bundle.X[feature]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.to_numpy(float)
            present = numbers[~np.isnan(numbers)]
            if len(present) == 0:
                continue
            ref.edges[feature] = np.unique(np.percentile(present, np.linspace(0, 100, FINE_BINS + 1)[1:-1]))
            ref.medians[feature] = float(np.median(present))
        else:
            counts = values.astype("string").value_counts()
            ref.levels[feature] = [str(level) for level in counts.index[:LEVELS]]
        codes = ref.codes(feature, values)
        ref.shares[feature] = np.bincount(codes, minlength=ref.size(feature)) / len(values)
    return ref


# --- one batch, summarised ---------------------------------------------------------------------


@dataclass
class Summary:
    """One or more batches, per day: `days` holds the counts and sums, `inputs` the requests per
    input bin, `answers` (classifiers) the requests per answer."""

    days: pd.DataFrame
    inputs: pd.DataFrame  # day, feature, bin, count
    answers: pd.DataFrame  # day, answer, count

    @staticmethod
    def combine(parts: list[Summary]) -> Summary:
        """Batches added up, day by day (a day split across batches is one day)."""

        def added(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
            kept = [f for f in frames if len(f)]
            if not kept:
                return frames[0]
            return pd.concat(kept, ignore_index=True).groupby(keys, as_index=False, sort=True).sum()

        return Summary(
            added([p.days for p in parts], ["day"]),
            added([p.inputs for p in parts], ["day", "feature", "bin"]),
            added([p.answers for p in parts], ["day", "answer"]),
        )


def scores_of(bundle: Bundle, frame: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(probabilities in the bundle's class order, or None; estimates, or None) for a batch: the
    live model's scores when the traffic carries them, else the model asked now."""
    spec, traffic = bundle.spec, bundle.spec.traffic
    if traffic.score_column or traffic.score_columns:
        if spec.task == "regression":
            return None, frame[traffic.score_column].to_numpy(float)
        if spec.task == "binary":
            chance = frame[traffic.score_column].to_numpy(float)
            proba = np.zeros((len(frame), 2))
            index = bundle.classes.index(bundle.positive_class)
            proba[:, index], proba[:, 1 - index] = chance, 1 - chance
            return proba, None
        by_class = dict(traffic.score_columns)
        proba = frame[[by_class[str(c)] for c in bundle.classes]].to_numpy(float)
        return proba / proba.sum(axis=1, keepdims=True), None
    if bundle.model is None:
        raise BundleError(
            "This bundle has no model file, so the traffic must carry the live model's scores.",
            "Name them under `traffic.scores` in bundle.yaml.",
            field="traffic.scores",
        )
    X = frame[bundle.features].copy()
    _align_categories(bundle.model, X, bundle.features)
    from core.bundles.scoring import CHUNK_ROWS

    chunks = [X.iloc[i : i + CHUNK_ROWS] for i in range(0, len(X), CHUNK_ROWS)]
    if spec.task == "regression":
        return None, np.concatenate([bundle.model.predict(c) for c in chunks]).astype(float)
    if bundle.decides_only:
        decided = class_index(
            pd.Series(np.concatenate([bundle.model.predict(c) for c in chunks])), bundle.model_classes
        )
        proba = np.zeros((len(X), len(bundle.model_classes)))
        proba[np.arange(len(X)), decided] = 1.0
        return proba, None
    return np.concatenate([bundle.model.predict_proba(c) for c in chunks]).astype(float), None


def expected_values(task: str, chance: np.ndarray, answer: np.ndarray, acted: np.ndarray, values: dict) -> np.ndarray:
    """What each request is worth if the model's chances are right (binary: `chance` of the
    positive class; multiclass: its confidence), before any outcome is known."""
    abstain = float(values.get("abstain", 0.0))
    if task == "binary":
        flagged = chance * values.get("true_positive", 0.0) + (1 - chance) * values.get("false_positive", 0.0)
        passed = chance * values.get("false_negative", 0.0) + (1 - chance) * values.get("true_negative", 0.0)
        acted_value = np.where(answer == 1, flagged, passed)
    else:
        acted_value = chance * values.get("correct", 0.0) + (1 - chance) * values.get("wrong", 0.0)
    return np.where(acted, acted_value, abstain)


def summarise(bundle: Bundle, frame: pd.DataFrame, ref: Reference, point: OperatingPoint) -> Summary:
    """One batch, per day, at the bundle's setting."""
    from core.evaluation import metrics

    spec = bundle.spec
    traffic = spec.traffic
    missing = [c for c in [traffic.timestamp, *bundle.features] if c not in frame.columns]
    if traffic.score_column or traffic.score_columns:
        missing = [c for c in missing if c == traffic.timestamp or c in ref.features]
    if missing:
        raise BundleError(
            f"A traffic batch lacks columns the model reads: {', '.join(missing[:5])}.",
            "Each batch needs the timestamp and the model's input columns, as in the evaluation file.",
            field="traffic.path",
        )
    when = pd.to_datetime(frame[traffic.timestamp], errors="coerce", utc=True)
    keep = when.notna().to_numpy()
    frame, when = frame.loc[keep], when[keep]
    day = when.dt.tz_localize(None).dt.floor("D").to_numpy("datetime64[ns]")  # one unit, kept through Parquet
    n = len(frame)
    proba, estimate = scores_of(bundle, frame)
    outcome = frame[traffic.outcome] if traffic.outcome in frame.columns else pd.Series([None] * n, index=frame.index)
    known = outcome.notna().to_numpy()
    values = spec.business.values
    abstain = float(values.get("abstain", 0.0))
    if spec.task == "regression":
        acted = np.ones(n, bool)
        confidence = np.ones(n)
        answer = np.zeros(n, int)
        data = metrics.EvalSet.regression(
            pd.to_numeric(outcome, errors="coerce").fillna(0).to_numpy(float), estimate, spec.tolerance, values
        )
        expected = np.full(n, np.nan)
    else:
        if spec.task == "binary":
            positive = bundle.classes.index(bundle.positive_class)
            p = proba[:, positive]
            confidence = np.maximum(p, 1 - p)
            answer = (p >= point.threshold).astype(int)
            truth = np.where(outcome.astype("string").fillna("") == str(bundle.positive_class), 1, 0)
            data = metrics.EvalSet.binary(truth, p, values)
        else:
            answer = proba.argmax(axis=1)
            confidence = proba[np.arange(n), answer]
            truth = class_index(outcome.astype(object).where(known, None), bundle.classes)
            data = metrics.EvalSet.multiclass(truth, proba, values)
        acted = confidence >= point.min_confidence
        expected = expected_values(spec.task, p if spec.task == "binary" else confidence, answer, acted, values)
    out = metrics.outcomes(data, point)
    right = out.correct & acted & known
    rows = pd.DataFrame(
        {
            "day": day,
            "n": 1,
            "acted": acted.astype(int),
            "expected_right": np.where(acted, confidence, 0.0),
            "expected_var": np.where(acted, confidence * (1 - confidence), 0.0),
            "known": known.astype(int),
            "known_acted": (known & acted).astype(int),
            "right": right.astype(int),
            "value_known": np.where(known, out.value - abstain, 0.0),
            "value_expected": np.where(known, 0.0, np.nan_to_num(expected - abstain)),
        }
    )
    days = rows.groupby("day", as_index=False, sort=True).sum()
    parts = []
    for feature in ref.features:
        if feature not in frame.columns:
            continue
        codes = ref.codes(feature, frame[feature])
        counted = pd.DataFrame({"day": day, "bin": codes}).value_counts().reset_index(name="count")
        counted["feature"] = feature
        parts.append(counted)
    inputs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["day", "bin", "count", "feature"])
    answers = pd.DataFrame(columns=["day", "answer", "count"])
    if spec.task != "regression":
        shown = np.where(acted, answer, -1)  # -1: handed to a person
        answers = pd.DataFrame({"day": day, "answer": shown}).value_counts().reset_index(name="count")
    return Summary(days, inputs[["day", "feature", "bin", "count"]], answers)


def _cache_key(bundle: Bundle, batch: Batch, point: OperatingPoint) -> str:
    text = f"{SUMMARY_VERSION}|{bundle.figures_key}|{batch.sha256}|{point.threshold}|{point.min_confidence}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def batch_summary(bundle: Bundle, batch: Batch, ref: Reference, point: OperatingPoint, cache: Path) -> Summary:
    """A batch's summary: read from the cache, or computed once and kept there."""
    folder = cache / "traffic" / _cache_key(bundle, batch, point)
    names = ("days", "inputs", "answers")
    if all((folder / f"{name}.parquet").exists() for name in names):
        return Summary(*(pd.read_parquet(folder / f"{name}.parquet") for name in names))
    summary = summarise(bundle, read_rows(batch.path), ref, point)
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    for name in names:
        getattr(summary, name).to_parquet(partial / f"{name}.parquet", index=False)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return summary


computed = 0  # batches summarised (not read from the cache): tests count it


def summary(bundle: Bundle, cache: Path, point: OperatingPoint | None = None, ref: Reference | None = None) -> Summary:
    """Every batch of a bundle's traffic, added up (each batch summarised once)."""
    global computed
    point = point or bundle.spec.operating_point
    ref = ref or reference(bundle)
    parts = []
    for batch in batches(bundle):
        key = cache / "traffic" / _cache_key(bundle, batch, point)
        if not key.exists():
            computed += 1
        parts.append(batch_summary(bundle, batch, ref, point, cache))
    return Summary.combine(parts) if parts else None


# --- per period, against the test figures -------------------------------------------------------


def choose_period(days: pd.Series, asked: str | None = None) -> str:
    """day, week or month: as bundle.yaml asks, else what suits the time the data spans."""
    if asked:
        return asked
    span = (days.max() - days.min()) / np.timedelta64(1, "D") + 1 if len(days) else 0
    return "day" if span < 21 else "month" if span > 400 else "week"


def period_start(days: pd.Series, period: str) -> pd.Series:
    days = pd.to_datetime(days)
    if period == "day":
        return days
    if period == "week":
        return days - pd.to_timedelta(days.dt.weekday, unit="D")
    return days.dt.to_period("M").dt.start_time


def period_words(start: pd.Timestamp, period: str) -> str:
    """'the week of 2 Mar', 'March 2026', '4 Mar'."""
    if period == "week":
        return f"the week of {start.day} {start:%b}"
    if period == "month":
        return f"{start:%B %Y}"
    return f"{start.day} {start:%b}"


def psi(expected: np.ndarray, actual: np.ndarray, floor: float = 1e-4) -> float:
    """Population stability index between two share vectors (bins with neither share add nothing)."""
    e = np.clip(np.asarray(expected, float), floor, None)
    a = np.clip(np.asarray(actual, float), floor, None)
    e, a = e / e.sum(), a / a.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def js_distance(expected: np.ndarray, actual: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2: 0 the same, 1 nothing in common)."""
    from scipy.spatial.distance import jensenshannon

    return float(jensenshannon(np.asarray(expected, float), np.asarray(actual, float), base=2))


def coarse(ref: Reference, feature: str, counts: np.ndarray) -> np.ndarray:
    """Fine percentile bins merged into tenths of the test data (categories stay as they are):
    the bins drift is judged on."""
    if feature not in ref.edges:
        return counts
    edges = ref.edges[feature]
    inner = len(edges) + 1
    group = np.minimum(np.arange(inner) * 10 // max(inner, 1), 9)
    merged = np.bincount(group, weights=counts[:inner], minlength=10)
    return np.append(merged, counts[inner:])


def median_from(ref: Reference, feature: str, counts: np.ndarray) -> float | None:
    """The median of the values behind fine-bin counts (interpolated within its bin)."""
    edges = ref.edges[feature]
    inner = counts[: len(edges) + 1]
    total = inner.sum()
    if total <= 0:
        return None
    cumulative = np.cumsum(inner)
    k = int(np.searchsorted(cumulative, total / 2))
    low = edges[k - 1] if k > 0 else edges[0]
    high = edges[k] if k < len(edges) else edges[-1]
    before = cumulative[k - 1] if k > 0 else 0
    within = (total / 2 - before) / inner[k] if inner[k] else 0.5
    return float(low + (high - low) * within)


@dataclass
class SinceLaunch:
    """Traffic per period beside the test figures, with what moved and findings in words."""

    period: str
    periods: pd.DataFrame  # start, n, act_share, act_low/high, accuracy, accuracy_low/high, estimate, ...
    drift: pd.DataFrame  # start, feature, psi, js
    answers: pd.DataFrame  # start, answer, share (classifiers)
    findings: list = field(default_factory=list)
    trusted_confidence: bool = False
    requests: int = 0


def test_answers(data, point: OperatingPoint) -> np.ndarray:
    """The test data's share of each answer at `point`: a person first, then each answer (binary:
    not flagged, flagged; multiclass: each class)."""
    from core.evaluation import metrics

    out = metrics.outcomes(data, point)
    answer = (data.p_positive >= point.threshold).astype(int) if data.task == "binary" else data.answer
    shown = np.where(out.acted, answer, -1) + 1
    width = 3 if data.task == "binary" else data.proba.shape[1] + 1
    return np.bincount(shown, minlength=width) / data.n


def since_launch(bundle: Bundle, combined: Summary, ref: Reference, test, data, point: OperatingPoint,
                 calibrated: bool) -> SinceLaunch:  # fmt: skip
    """Per period: requests, the share the model acts on, accuracy where outcomes arrived and its
    estimate from confidence (only when `calibrated`), net value per request, drift per input and
    (classifiers) in its answers, each against the range a period of that size shows when nothing
    has changed. `test` is the bundle's `metrics.Headline` and `data` its `metrics.EvalSet`, at
    `point`, the setting the traffic was summarised at."""
    from core.evaluation import metrics

    spec = bundle.spec
    days = combined.days.copy()
    period = choose_period(days["day"], spec.traffic.period)
    days["start"] = period_start(days["day"], period)
    per = days.drop(columns="day").groupby("start", as_index=False, sort=True).sum()
    k = test.kpis
    act_rate = k.acted / k.n

    def band(rate: float, test_se: float, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        spread = Z * np.sqrt(rate * (1 - rate) / np.maximum(n, 1) + test_se**2)
        return np.clip(rate - spread, 0, 1), np.clip(rate + spread, 0, 1)

    n = per["n"].to_numpy(float)
    per["act_share"] = per["acted"] / per["n"]
    per["act_low"], per["act_high"] = band(act_rate, np.sqrt(act_rate * (1 - act_rate) / k.n), n)
    accuracy = k.accuracy_acted if k.accuracy_acted == k.accuracy_acted else 0.0
    acc_se = np.sqrt(accuracy * (1 - accuracy) / max(k.acted, 1))
    # the confidence-based estimate, set right by how far the model's confidence was off in the tests
    offset = 0.0
    if spec.task != "regression" and k.acted:
        acted = metrics.outcomes(data, point).acted
        offset = accuracy - float(data.confidence[acted].mean())
    with np.errstate(invalid="ignore", divide="ignore"):
        per["accuracy"] = np.where(per["known_acted"] > 0, per["right"] / per["known_acted"], np.nan)
        per["estimate"] = np.where(per["acted"] > 0, per["expected_right"] / per["acted"] + offset, np.nan)
        spread = Z * np.sqrt(per["expected_var"] / per["acted"] ** 2 + acc_se**2)
        if spec.task == "regression":  # an estimate's worth is known only once its outcome is
            per["net_per_request"] = np.where(per["known"] > 0, per["value_known"] / per["known"], np.nan)
        else:
            per["net_per_request"] = (per["value_known"] + per["value_expected"]) / per["n"]
    if spec.task == "regression":
        per["estimate"] = np.nan
    per["estimate_low"], per["estimate_high"] = per["estimate"] - spread, per["estimate"] + spread
    # normal variation for that many acted requests with an outcome (without outcomes: for all it
    # acted on, which is what the estimate is judged against)
    judged = np.where(per["known_acted"] > 0, per["known_acted"], per["acted"]).astype(float)
    per["accuracy_low"], per["accuracy_high"] = band(accuracy, acc_se, judged)
    per["outcome_share"] = per["known"] / per["n"]
    # net value per period against what the test figures say that many requests are worth
    spread_case = float(metrics.outcomes(data, point).value.std()) if data.n > 1 else 0.0
    net_se = (test.ranges.net_per_case.high - test.ranges.net_per_case.low) / (2 * Z)
    if net_se != net_se:
        net_se = 0.0
    if spec.task != "regression":
        # where outcomes have not arrived, the value expected from the model's chances, set right by
        # how far that expectation was off in the tests (requests it was never built for, for one)
        out = metrics.outcomes(data, point)
        if data.task == "binary":
            chance, answer = data.p_positive, (data.p_positive >= point.threshold).astype(int)
        else:
            chance, answer = data.confidence, data.answer
        expected = expected_values(data.task, chance, answer, out.acted, data.values)
        value_offset = k.net_per_case - float((expected - out.baseline).mean())
        per["net_per_request"] += value_offset * (per["n"] - per["known"]) / per["n"]
    per["net"] = per["net_per_request"] * per["n"]
    half = Z * np.sqrt(spread_case**2 / np.maximum(n, 1) + net_se**2) * n
    per["net_low"], per["net_high"] = k.net_per_case * n - half, k.net_per_case * n + half
    per["test_act"], per["test_accuracy"], per["test_net"] = act_rate, k.accuracy_acted, k.net_per_case

    drift_rows = []
    inputs = combined.inputs.copy()
    if len(inputs):
        inputs["start"] = period_start(inputs["day"], period)
        grouped = inputs.groupby(["start", "feature", "bin"], as_index=False)["count"].sum()
        for (start, feature), part in grouped.groupby(["start", "feature"], sort=True):
            counts = np.bincount(
                part["bin"].to_numpy(int), weights=part["count"].to_numpy(float), minlength=ref.size(feature)
            )
            if counts.sum() < MIN_ROWS:
                continue
            expected = coarse(ref, feature, ref.shares[feature])
            actual = coarse(ref, feature, counts / counts.sum())
            drift_rows.append({"start": start, "feature": feature, "psi": psi(expected, actual),
                               "js": js_distance(expected, actual), "n": counts.sum()})  # fmt: skip
    drift = pd.DataFrame(drift_rows, columns=["start", "feature", "psi", "js", "n"])

    answers = pd.DataFrame(columns=["start", "answer", "share"])
    if len(combined.answers):
        shown = combined.answers.copy()
        shown["start"] = period_start(shown["day"], period)
        shown = shown.groupby(["start", "answer"], as_index=False)["count"].sum()
        shown["share"] = shown["count"] / shown.groupby("start")["count"].transform("sum")
        answers = shown
        expected = test_answers(data, point)
        for start, part in shown.groupby("start", sort=True):
            counts = np.bincount(part["answer"].to_numpy(int) + 1, weights=part["count"].to_numpy(float),
                                 minlength=len(expected))  # fmt: skip
            if counts.sum() >= MIN_ROWS:
                drift_rows.append({"start": start, "feature": ANSWERS, "psi": psi(expected, counts / counts.sum()),
                                   "js": js_distance(expected, counts / counts.sum()), "n": counts.sum()})  # fmt: skip
        drift = pd.DataFrame(drift_rows, columns=["start", "feature", "psi", "js", "n"])
    result = SinceLaunch(period, per, drift, answers, trusted_confidence=calibrated, requests=int(per["n"].sum()))
    result.findings = findings(
        bundle, result, ref, combined, test_answers(data, point) if spec.task != "regression" else None
    )
    return result


def _run_outside(values: np.ndarray, low: np.ndarray, high: np.ndarray, runs: int = 2) -> int | None:
    """The first period of the latest run of at least `runs` periods outside their range on the
    same side (all below, or all above), all the way to the last period; None when the latest
    periods are within it."""
    below = (values < low) & ~np.isnan(values)
    above = (values > high) & ~np.isnan(values)
    side = below if len(below) and below[-1] else above
    if len(side) < runs or not side[-runs:].all():
        return None
    first = len(side) - 1
    while first > 0 and side[first - 1]:
        first -= 1
    return first


def findings(bundle: Bundle, result: SinceLaunch, ref: Reference, combined: Summary, expected_answers=None) -> list:
    """What left its normal range, in plain words: the share it acts on, accuracy (or its estimate),
    the inputs that moved most, and (classifiers) the mix of answers."""
    from core.words import narrative

    spec = bundle.spec
    per = result.periods
    said = []
    starts = per["start"].tolist()

    def when(i: int) -> str:
        return period_words(starts[i], result.period)

    first = _run_outside(
        per["act_share"].to_numpy(float), per["act_low"].to_numpy(float), per["act_high"].to_numpy(float)
    )
    if first is not None:
        latest = per.iloc[first:]
        share = float(latest["acted"].sum() / latest["n"].sum())
        test = float(per["test_act"].iloc[0])
        said.append(narrative.traffic_acts(share, test, when(first), spec))
    if spec.business.is_set and per["net"].notna().all():
        first = _run_outside(
            per["net"].to_numpy(float), per["net_low"].to_numpy(float), per["net_high"].to_numpy(float)
        )
        if first is not None:
            latest = per.iloc[first:]
            said.append(narrative.traffic_value(float(latest["net"].mean()), float((latest["test_net"] * latest["n"]).mean()),
                                                when(first), result.period, spec))  # fmt: skip
    known = per["known_acted"].to_numpy(float) > 0
    if known.any():
        rows = per[known]
        first = _run_outside(
            rows["accuracy"].to_numpy(float),
            rows["accuracy_low"].to_numpy(float),
            rows["accuracy_high"].to_numpy(float),
        )
        if first is not None:
            latest = rows.iloc[first:]
            said.append(narrative.traffic_accuracy(float(latest["right"].sum() / latest["known_acted"].sum()),
                                                   float(per["test_accuracy"].iloc[0]), period_words(latest["start"].iloc[0], result.period), spec, False))  # fmt: skip
    if result.trusted_confidence:
        unknown = per["known"] < per["n"] * 0.5
        if unknown.any():
            rows = per[unknown]
            test = float(per["test_accuracy"].iloc[0])
            outside = (rows["estimate_high"].to_numpy(float) < test) | (rows["estimate_low"].to_numpy(float) > test)
            if len(rows) >= 2 and outside[-2:].all():
                latest = rows.iloc[-2:]
                estimate = float(latest["expected_right"].sum() / latest["acted"].sum())
                said.append(
                    narrative.traffic_accuracy(
                        estimate, test, period_words(latest["start"].iloc[0], result.period), spec, True
                    )
                )
    drift = result.drift
    if len(drift):
        moved = []
        for feature, part in drift.groupby("feature"):
            part = part.sort_values("start")
            if len(part) >= 2 and (part["psi"].iloc[-2:] >= PSI_MOVED).all():
                first = len(part) - 1
                while first > 0 and part["psi"].iloc[first - 1] >= PSI_MOVED:
                    first -= 1
                moved.append((float(part["psi"].iloc[-1]), feature, part["start"].iloc[first]))
        for _, feature, start in sorted(moved, reverse=True)[:3]:
            if feature == ANSWERS:
                said.append(_answers_moved(bundle, combined, expected_answers, start, result.period))
            else:
                said.append(_moved(bundle, ref, combined, feature, start, result.period))
    return [f for f in said if f is not None]


def _moved(bundle: Bundle, ref: Reference, combined: Summary, feature: str, start, period: str):
    """One input that moved, in words: its median for numbers, the level that grew most for categories."""
    from core.words import narrative

    inputs = combined.inputs
    days = pd.to_datetime(inputs["day"])
    part = inputs[(inputs["feature"] == feature) & (period_start(days, period) >= start)]
    counts = np.bincount(part["bin"].to_numpy(int), weights=part["count"].to_numpy(float), minlength=ref.size(feature))
    label = bundle.spec.label(feature)
    if feature in ref.edges:
        now = median_from(ref, feature, counts)
        return narrative.traffic_median(
            label, feature, now, ref.medians[feature], period_words(start, period), bundle.spec
        )
    shares = counts / counts.sum()
    growth = shares - ref.shares[feature]
    k = int(np.argmax(growth))
    levels = [*ref.levels[feature], "something new", "missing"]
    return narrative.traffic_level(label, levels[k], float(shares[k]), float(ref.shares[feature][k]),
                                   period_words(start, period), bundle.spec)  # fmt: skip


def _answers_moved(bundle: Bundle, combined: Summary, expected: np.ndarray, start, period: str):
    """What the model says changed: the answer that grew most (a person, a flag, a class)."""
    from core.words import narrative

    shown = combined.answers
    part = shown[period_start(pd.to_datetime(shown["day"]), period) >= start]
    counts = np.bincount(
        part["answer"].to_numpy(int) + 1, weights=part["count"].to_numpy(float), minlength=len(expected)
    )
    shares = counts / counts.sum()
    k = int(np.argmax(shares - expected))
    if k == 0:
        what = "hands to a person"
    elif bundle.spec.task == "binary":
        what = "flags" if k == 2 else "lets pass without a flag"
    else:
        what = f"sends to {fmt.class_label(bundle.spec.class_name(bundle.classes[k - 1]))}"
    return narrative.traffic_answers(
        what, float(shares[k]), float(expected[k]), period_words(start, period), bundle.spec
    )


# --- the command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.traffic", description="Add real requests to a bundle.")
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="append one batch of requests (a .parquet or .csv file)")
    adding.add_argument("bundle", type=Path, help="the bundle folder")
    adding.add_argument("file", type=Path, help="the batch to add")
    args = parser.parse_args(argv)
    try:
        written = add(args.bundle, args.file)
    except BundleError as exc:
        print(f"{exc.message} {exc.hint}".strip(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"The batch could not be added: {fmt.clean(str(exc))}", file=sys.stderr)
        return 1
    print(f"Added {written.name} to {args.bundle.name}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- one line for every summary ------------------------------------------------------------------


def _line_path(cache: Path, figures_key: str) -> Path:
    return cache / "traffic" / f"line-{figures_key}.json"


def keep_line(cache: Path, figures_key: str, hashes: list[str], finding) -> None:
    """Keep a bundle's since-launch line where Home can read it without opening the bundle
    (written only when it changed)."""
    entry = {"batches": list(hashes), "sentence": finding.sentence, "severity": finding.severity}
    path = _line_path(cache, figures_key)
    try:
        if path.exists() and json.loads(path.read_text()) == entry:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(entry))
    except (OSError, ValueError):
        pass  # a read-only disk: the card says what the log says instead


def card_line(spec, figures_key: str, cache: Path) -> tuple[str, int] | None:
    """(sentence, severity) for a card, read without opening the bundle: the line kept when the
    figures were last worked out for exactly these batches, else what the batch log says."""
    if spec.traffic is None or not spec.traffic.path.is_dir():
        return None
    logged = _log(spec.traffic.path)
    if not logged:
        return None
    try:
        kept = json.loads(_line_path(cache, figures_key).read_text())
        if kept.get("batches") == [entry["sha256"] for entry in sorted(logged, key=lambda e: e["file"])]:
            return kept["sentence"], int(kept["severity"])
    except (OSError, ValueError, KeyError):
        pass
    rows = sum(int(entry.get("rows", 0)) for entry in logged)
    first = min(entry.get("first", "") for entry in logged)
    last = max(entry.get("last", "") for entry in logged)
    when = ""
    if first and last:
        a, b = pd.Timestamp(first), pd.Timestamp(last)
        when = f" from {a.day} {a:%b} to {b.day} {b:%b %Y}"
    return (
        f"Since launch: {fmt.counted(rows, spec.subject, spec.subjects)}{when}. Open Since launch to see how it is doing.",
        0,
    )
