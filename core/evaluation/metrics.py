"""The operating-point engine: accuracy, coverage and value at one setting of the model.

Implements the shared definitions of DESIGN.md for binary, multiclass and regression bundles.
Every figure is a plain ratio of per-row sums, which is what makes the bootstrap cheap: rows
that share an outcome are resampled as one group (a multinomial draw), not one by one.

>>> data = EvalSet.binary(truth=[1, 0, 1, 0], p_positive=[0.9, 0.2, 0.4, 0.6],
...                       values={"true_positive": 10, "false_positive": -2})
>>> k = kpis(data, OperatingPoint(threshold=0.5))
>>> k.accuracy_acted, k.coverage, k.value_per_case
(0.5, 1.0, 2.0)
"""

from __future__ import annotations

import functools
import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

from core.bundles.contract import Business, OperatingPoint, Tolerance

BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 20261123
MAX_VALUE_GROUPS = 1000


@dataclass(frozen=True)
class EvalSet:
    """Per-row arrays the engine works on; built from a bundle or by hand in tests.

    `truth` holds each row's class position (-1: a label the model cannot predict).
    """

    task: str
    in_scope: np.ndarray
    truth: np.ndarray | None = None
    p_positive: np.ndarray | None = None
    proba: np.ndarray | None = None
    y: np.ndarray | None = None
    predicted: np.ndarray | None = None
    values: dict[str, float] = field(default_factory=dict)
    tolerance: Tolerance = Tolerance()
    volume: int | None = None
    positive_index: int = 1

    @property
    def n(self) -> int:
        return len(self.in_scope)

    @functools.cached_property
    def confidence(self) -> np.ndarray:
        """How sure the model is of each row's answer: max(p, 1 - p), or the top class's chance
        (computed once: every setting compares against it)."""
        if self.task == "binary":
            return np.maximum(self.p_positive, 1 - self.p_positive)
        return self.proba.max(axis=1)

    @functools.cached_property
    def answer(self) -> np.ndarray:
        """Multiclass: each row's answer as a class position (computed once)."""
        return self.proba.argmax(axis=1)

    @functools.cached_property
    def is_positive(self) -> np.ndarray:
        """Binary: rows labelled with the positive class (computed once)."""
        return self.truth == 1

    @staticmethod
    def binary(truth, p_positive, values=None, in_scope=None, volume=None) -> EvalSet:
        truth = np.asarray(truth, dtype=np.int8)  # -1, 0 or 1: one byte a row
        scope = truth >= 0 if in_scope is None else np.asarray(in_scope, bool) & (truth >= 0)
        return EvalSet(
            "binary",
            scope,
            truth=truth,
            p_positive=np.asarray(p_positive, float),
            values=dict(values or {}),
            volume=volume,
        )

    @staticmethod
    def multiclass(truth, proba, values=None, in_scope=None, volume=None) -> EvalSet:
        truth = np.asarray(truth, dtype=np.int64)
        scope = truth >= 0 if in_scope is None else np.asarray(in_scope, bool) & (truth >= 0)
        return EvalSet(
            "multiclass", scope, truth=truth, proba=np.asarray(proba, float), values=dict(values or {}), volume=volume
        )

    @staticmethod
    def regression(y, predicted, tolerance: Tolerance, values=None, in_scope=None, volume=None) -> EvalSet:
        y = np.asarray(y, float)
        scope = np.ones(len(y), bool) if in_scope is None else np.asarray(in_scope, bool)
        return EvalSet(
            "regression",
            scope,
            y=y,
            predicted=np.asarray(predicted, float),
            tolerance=tolerance,
            values=dict(values or {}),
            volume=volume,
        )


def from_bundle(bundle, scores) -> EvalSet:
    """The engine's view of an opened bundle and its scores."""
    spec = bundle.spec
    flagged = bundle.eval["in_scope"].to_numpy(bool) if "in_scope" in bundle.eval.columns else None
    business: Business = spec.business
    if spec.task == "regression":
        return EvalSet.regression(
            bundle.y.to_numpy(float), scores.predicted, spec.tolerance, business.values, flagged, business.volume
        )
    from core.bundles.scoring import truth_index

    truth = truth_index(bundle)
    if spec.task == "binary":
        positive = bundle.classes.index(bundle.positive_class)
        # binary truth: 1 for the positive class, 0 for the other, -1 for labels the model lacks
        binary_truth = np.where(truth < 0, -1, (truth == positive).astype(np.int8)).astype(np.int8)
        return EvalSet.binary(binary_truth, scores.proba[:, positive], business.values, flagged, business.volume)
    return EvalSet.multiclass(truth, scores.proba, business.values, flagged, business.volume)


@dataclass(frozen=True)
class Outcomes:
    """What happens to each row at one operating point."""

    acted: np.ndarray
    in_scope: np.ndarray
    correct: np.ndarray  # the model's answer is right (whether or not it acts on it)
    value: np.ndarray  # the value realised for the row
    baseline: float  # the value of a person handling one row
    kind: np.ndarray | None = None  # classifiers: outcome kind per row (0 = a person handles it) ...
    kind_values: np.ndarray | None = None  # ... and the value of each kind


_recent: dict[tuple[int, OperatingPoint], tuple[weakref.ref, Outcomes]] = {}
_recent_lock = threading.Lock()
RECENT = 1  # one page's run asks for the outcomes at its setting several times over


def outcomes(data: EvalSet, point: OperatingPoint) -> Outcomes:
    """Each row's outcome at a setting. The last few are kept (read-only), as a page's headline,
    matrices and segment tables all ask for the same ones within one run."""
    key = (id(data), point)
    found = _recent.get(key)
    if found is not None and found[0]() is data:
        return found[1]
    out = _outcomes(data, point)
    for array in (out.acted, out.in_scope, out.correct, out.value, out.kind):
        if array is not None:
            array.setflags(write=False)
    with _recent_lock:
        _recent[key] = (weakref.ref(data), out)
        while len(_recent) > RECENT:
            del _recent[next(iter(_recent))]
    return out


def _outcomes(data: EvalSet, point: OperatingPoint) -> Outcomes:
    v = data.values
    abstain = float(v.get("abstain", 0.0))
    scope = data.in_scope
    if data.task == "binary":
        says_positive = data.p_positive >= point.threshold
        acted = data.confidence >= point.min_confidence
        is_positive = data.is_positive
        correct = scope & (says_positive == is_positive)
        # kinds: 1 true positive, 2 false positive, 3 false negative, 4 true negative, 5 out of scope
        kind = 4 - 2 * says_positive.view(np.int8) - is_positive.view(np.int8)  # in small integers: one pass each
        if "out_of_scope" in v:
            kind[~scope] = 5
        names = ("true_positive", "false_positive", "false_negative", "true_negative", "out_of_scope")
    elif data.task == "multiclass":
        acted = data.confidence >= point.min_confidence
        correct = scope & (data.answer == data.truth)
        # kinds: 1 right, 2 wrong, 3 out of scope
        kind = np.where(scope, np.where(correct, 1, 2), 3)
        names = ("correct", "wrong", "out_of_scope")
    else:
        error = np.abs(data.predicted - data.y)
        allowed = np.zeros_like(error)
        if data.tolerance.absolute is not None:
            allowed = np.maximum(allowed, data.tolerance.absolute)
        if data.tolerance.relative is not None:
            allowed = np.maximum(allowed, data.tolerance.relative * np.abs(data.y))
        acted = np.ones(data.n, bool)
        correct = scope & (error <= allowed)
        cell = v.get("per_unit_error", 0.0) * error
        if "out_of_scope" in v:
            cell = np.where(scope, cell, v["out_of_scope"])
        value = np.where(acted, cell, abstain).astype(float)
        return Outcomes(acted=acted, in_scope=scope, correct=correct, value=value, baseline=abstain)
    fallback = {"out_of_scope": v.get("wrong", 0.0)} if data.task == "multiclass" else {}
    kind_values = np.array([abstain] + [float(v.get(name, fallback.get(name, 0.0))) for name in names])
    kind = (kind * acted).astype(np.int8)  # 0: a person handles it; small integers, one byte a row
    return Outcomes(
        acted=acted,
        in_scope=scope,
        correct=correct,
        value=kind_values[kind],
        baseline=abstain,
        kind=kind,
        kind_values=kind_values,
    )


def _ratio(num, den):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


@dataclass(frozen=True)
class Kpis:
    """The figures at one operating point. Ratios are NaN when nothing is behind them."""

    n: int
    acted: int
    in_scope: int
    covered: int
    correct_acted: int
    correct_in_scope: int
    accuracy_acted: float
    accuracy_in_scope: float
    coverage: float
    scope_coverage: float
    confidence_coverage: float
    value_per_case: float
    baseline_per_case: float
    net_per_case: float
    volume: int | None

    @property
    def value_per_period(self) -> float | None:
        return None if self.volume is None else self.value_per_case * self.volume

    @property
    def net_per_period(self) -> float | None:
        return None if self.volume is None else self.net_per_case * self.volume


def typical_row(data: EvalSet, point: OperatingPoint) -> int:
    """The one typical case of a model, shown on every page, slide and report: of the cases it
    gets right at `point` (acts on and is right about; an estimate within tolerance), the one
    whose prediction (chance, confidence or estimate) lies closest to the median prediction of
    all cases, the first row on a tie. Should it get none right, the closest of all."""
    level = data.predicted if data.task == "regression" else (
        data.p_positive if data.task == "binary" else data.confidence
    )  # fmt: skip
    out = outcomes(data, point)
    right = np.flatnonzero(out.correct if data.task == "regression" else out.acted & out.correct)
    candidates = right if len(right) else np.arange(data.n)
    distance = np.abs(level[candidates] - np.median(level))
    return int(candidates[distance.argmin()])


def kpis_from(out: Outcomes, volume: int | None = None) -> Kpis:
    n = len(out.acted)
    count = np.count_nonzero  # on flags, many times faster than a sum
    acted = int(count(out.acted))
    in_scope = int(count(out.in_scope))
    covered = int(count(out.acted & out.in_scope))
    correct_acted = int(count(out.acted & out.correct))
    correct_in_scope = int(count(out.in_scope & out.correct))
    value = float(out.value.sum() / n) if n else float("nan")
    return Kpis(
        n=n,
        acted=acted,
        in_scope=in_scope,
        covered=covered,
        correct_acted=correct_acted,
        correct_in_scope=correct_in_scope,
        accuracy_acted=float(_ratio(correct_acted, acted)),
        accuracy_in_scope=float(_ratio(correct_in_scope, in_scope)),
        coverage=covered / n if n else float("nan"),
        scope_coverage=in_scope / n if n else float("nan"),
        confidence_coverage=float(_ratio(covered, in_scope)),
        value_per_case=value,
        baseline_per_case=out.baseline,
        net_per_case=value - out.baseline,
        volume=volume,
    )


def kpis(data: EvalSet, point: OperatingPoint) -> Kpis:
    return kpis_from(outcomes(data, point), data.volume)


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% bootstrap range and the number of cases behind it."""

    value: float
    low: float
    high: float
    n: int

    @property
    def width(self) -> float:
        return self.high - self.low


def _value_groups(value: np.ndarray) -> np.ndarray:
    """Collapse a continuous value column to at most MAX_VALUE_GROUPS bin means (sums are kept)."""
    if len(np.unique(value)) <= MAX_VALUE_GROUPS:
        return value
    edges = np.unique(np.quantile(value, np.linspace(0, 1, MAX_VALUE_GROUPS + 1)))
    bins = np.clip(np.searchsorted(edges, value, side="right") - 1, 0, len(edges) - 2)
    means = np.bincount(bins, weights=value) / np.maximum(np.bincount(bins), 1)
    return means[bins]


@dataclass(frozen=True)
class Ranges:
    accuracy_acted: Estimate
    accuracy_in_scope: Estimate
    coverage: Estimate
    scope_coverage: Estimate
    confidence_coverage: Estimate
    value_per_case: Estimate
    net_per_case: Estimate
    net_per_period: Estimate | None


def bootstrap(
    out: Outcomes, volume: int | None = None, samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED
) -> Ranges:
    """95% percentile ranges for every headline figure, resampling evaluation rows.

    Rows with the same (acts, in scope, right, value) are one group, so a draw costs
    O(groups), not O(rows); values of regression rows are first binned to bin means.
    """
    n = len(out.acted)
    point = kpis_from(out, volume)
    if out.kind is not None:  # classifiers: a handful of outcome kinds, counted in one pass
        code = out.kind * 4 + out.in_scope * 2 + out.correct
        counts = np.bincount(code)
        present = np.flatnonzero(counts)
        counts, kind = counts[present], present // 4
        acted, scope, correct = (kind != 0).astype(float), (present // 2 % 2).astype(float), (present % 2).astype(float)
        value = out.kind_values[kind]
    else:
        columns = np.column_stack([out.acted, out.in_scope, out.correct, _value_groups(out.value)]).astype(float)
        groups, counts = np.unique(columns, axis=0, return_counts=True)
        acted, scope, correct, value = groups.T
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=samples).astype(float)

    def estimate(centre: float, replicas: np.ndarray, behind: int) -> Estimate:
        replicas = replicas[~np.isnan(replicas)]
        if not len(replicas) or np.isnan(centre):
            return Estimate(centre, float("nan"), float("nan"), behind)
        low, high = np.percentile(replicas, [2.5, 97.5])
        return Estimate(centre, float(min(low, centre)), float(max(high, centre)), behind)

    per_case = draws @ value / n
    net = per_case - out.baseline
    return Ranges(
        accuracy_acted=estimate(point.accuracy_acted, _ratio(draws @ (acted * correct), draws @ acted), point.acted),
        accuracy_in_scope=estimate(
            point.accuracy_in_scope, _ratio(draws @ (scope * correct), draws @ scope), point.in_scope
        ),
        coverage=estimate(point.coverage, draws @ (acted * scope) / n, n),
        scope_coverage=estimate(point.scope_coverage, draws @ scope / n, n),
        confidence_coverage=estimate(
            point.confidence_coverage, _ratio(draws @ (acted * scope), draws @ scope), point.in_scope
        ),
        value_per_case=estimate(point.value_per_case, per_case, n),
        net_per_case=estimate(point.net_per_case, net, n),
        net_per_period=None if volume is None else estimate(point.net_per_period, net * volume, n),
    )


@dataclass(frozen=True)
class Headline:
    """The three figures that always travel together, at a bundle's operating point."""

    point: OperatingPoint
    kpis: Kpis
    ranges: Ranges


def headline(data: EvalSet, point: OperatingPoint) -> Headline:
    out = outcomes(data, point)
    return Headline(point=point, kpis=kpis_from(out, data.volume), ranges=bootstrap(out, data.volume))
