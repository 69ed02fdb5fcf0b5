"""Accuracy, coverage and value across every setting of the control, in one pass.

Rows are sorted once by the model's score and every per-row quantity is turned into a prefix sum;
the figures at any setting are then sums over one or two score intervals, found by binary search.
A whole curve (or a grid of thousands of settings) costs O(n log n) once plus O(log n) a point,
and agrees exactly with `metrics.kpis` at every point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.contract import OperatingPoint
from core.metrics import EvalSet

CONFIDENCE_GRID = np.round(np.linspace(0, 0.99, 100), 2)
THRESHOLD_GRID = np.round(np.linspace(0.01, 0.99, 99), 2)


def _prefix(values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(values) + 1)
    np.cumsum(values, out=out[1:])
    return out


@dataclass(frozen=True)
class _Sums:
    """Prefix sums of the per-row quantities, in score order."""

    count: np.ndarray
    scope: np.ndarray
    correct: np.ndarray
    value: np.ndarray

    @staticmethod
    def of(scope, correct, value) -> _Sums:
        return _Sums(_prefix(np.ones(len(scope))), _prefix(scope), _prefix(correct & scope), _prefix(value))

    def between(self, lo, hi) -> np.ndarray:
        """Sums over rows [lo, hi) for arrays of bounds: count, scope, correct, value (4 x k)."""
        lo, hi = np.asarray(lo), np.maximum(np.asarray(hi), np.asarray(lo))
        return np.stack([s[hi] - s[lo] for s in (self.count, self.scope, self.correct, self.value)])


class Index:
    """A bundle's rows, sorted once, ready to answer any operating point."""

    def __init__(self, data: EvalSet):
        self.data = data
        self.n = data.n
        v = data.values
        self.abstain = float(v.get("abstain", 0.0))
        scope = data.in_scope
        if data.task == "binary":
            order = np.argsort(data.p_positive, kind="stable")
            self.score = data.p_positive[order]
            self.score_minus_one = self.score - 1  # exactly -(1 - p): the lower side of max(p, 1 - p)
            truth, scope = data.truth[order], scope[order]
            oos = v.get("out_of_scope")
            positive = np.where(truth == 1, v.get("true_positive", 0.0), v.get("false_positive", 0.0))
            negative = np.where(truth == 1, v.get("false_negative", 0.0), v.get("true_negative", 0.0))
            if oos is not None:
                positive, negative = np.where(scope, positive, oos), np.where(scope, negative, oos)
            self.says_positive = _Sums.of(scope, truth == 1, positive)
            self.says_negative = _Sums.of(scope, truth == 0, negative)
        elif data.task == "multiclass":
            confidence = data.proba.max(axis=1)
            order = np.argsort(confidence, kind="stable")
            self.score = confidence[order]
            correct = (data.proba.argmax(axis=1) == data.truth)[order]
            scope = scope[order]
            cell = np.where(correct & scope, v.get("correct", 0.0), v.get("wrong", 0.0))
            cell = np.where(scope, cell, v.get("out_of_scope", v.get("wrong", 0.0)))
            self.acting = _Sums.of(scope, correct, cell)
        else:
            raise ValueError("regression models always act; their curve is over the tolerance")

    def _binary(self, threshold, min_confidence) -> np.ndarray:
        """count, scope, correct, value summed over acted rows, for arrays of settings (4 x k)."""
        t = np.asarray(threshold, float)
        c = np.asarray(min_confidence, float)
        n = self.n
        first_positive = np.searchsorted(self.score, t, side="left")
        # acted: p >= c (upper, from `upper`) or 1 - p >= c (lower, before `lower`); everyone when c <= .5
        everyone = c <= 0.5
        upper = np.where(everyone, 0, np.searchsorted(self.score, c, side="left"))
        lower = np.where(everyone, 0, np.searchsorted(self.score_minus_one, -c, side="right"))
        # positive & acted: [max(T, U), n) plus [T, L) ; negative & acted: [0, min(T, L)) plus [U, T)
        pos = self.says_positive.between(np.maximum(first_positive, upper), n) + self.says_positive.between(
            first_positive, lower
        )
        neg = self.says_negative.between(0, np.minimum(first_positive, lower)) + self.says_negative.between(
            upper, first_positive
        )
        return pos + neg

    def _multiclass(self, min_confidence) -> np.ndarray:
        start = np.searchsorted(self.score, np.asarray(min_confidence, float), side="left")
        return self.acting.between(start, self.n)

    def frame(self, threshold, min_confidence) -> pd.DataFrame:
        """Figures at each (threshold, min_confidence) pair, one row each."""
        threshold, min_confidence = (
            np.atleast_1d(a)
            for a in np.broadcast_arrays(np.asarray(threshold, float), np.asarray(min_confidence, float))
        )
        if self.data.task == "binary":
            acted, scope, correct, value = self._binary(threshold, min_confidence)
        else:
            acted, scope, correct, value = self._multiclass(min_confidence)
        n = self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            accuracy = np.where(acted > 0, correct / np.maximum(acted, 1), np.nan)
        per_case = (value + (n - acted) * self.abstain) / n
        net = per_case - self.abstain
        volume = self.data.volume
        return pd.DataFrame(
            {
                "threshold": threshold,
                "min_confidence": min_confidence,
                "accuracy_acted": accuracy,
                "coverage": scope / n,
                "acted_share": acted / n,
                "value_per_case": per_case,
                "net_per_case": net,
                "net_per_period": net * volume if volume is not None else np.nan,
            }
        )


def curve(index: Index, point: OperatingPoint, control: str = "min_confidence") -> pd.DataFrame:
    """The figures across one control's range, the other held at `point`."""
    if control == "threshold":
        return index.frame(THRESHOLD_GRID, point.min_confidence)
    return index.frame(point.threshold, CONFIDENCE_GRID)


@dataclass(frozen=True)
class Best:
    point: OperatingPoint
    net_per_case: float
    net_per_period: float | None


def best_point(index: Index) -> Best:
    """The setting with the highest net value (ties: the one that covers more)."""
    if index.data.task == "binary":
        t, c = np.meshgrid(THRESHOLD_GRID, np.concatenate([[0.0], CONFIDENCE_GRID[CONFIDENCE_GRID > 0.5]]))
        grid = index.frame(t.ravel(), c.ravel())
    else:
        grid = index.frame(0.5, CONFIDENCE_GRID)
    ranked = grid.assign(_net=grid["net_per_case"].round(9)).sort_values(
        ["_net", "coverage", "min_confidence"], ascending=[False, False, True], kind="stable"
    )
    top = ranked.iloc[0]
    volume = index.data.volume
    return Best(
        point=OperatingPoint(
            float(top["threshold"]) if index.data.task == "binary" else 0.5, float(top["min_confidence"])
        ),
        net_per_case=float(top["net_per_case"]),
        net_per_period=float(top["net_per_case"]) * volume if volume is not None else None,
    )
