"""Periods and drift: how requests are grouped in time, the normal range of a period, PSI and Jensen-Shannon."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.after_launch.traffic.summaries import Reference
from core.bundles.contract import OperatingPoint

PSI_MOVED = 0.2  # a population stability index of 0.2 or more: a shift worth acting on
MEASURED = 0.5  # a period's accuracy is measured once outcomes have arrived for this share of it
MIN_ROWS = 200  # fewer requests in a period than this: drift is not judged
Z = 1.96
ANSWERS = "(the model's answers)"  # drift in what the model says, beside its inputs


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
    findings: list = field(default_factory=list)  # changes under way, most important first
    notes: list = field(default_factory=list)  # periods outside their range that are not a change under way
    valued: bool = False  # business values are set, so net value is judged
    changed: dict = field(default_factory=dict)  # figure -> (since when, the numbers its finding quotes)
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
