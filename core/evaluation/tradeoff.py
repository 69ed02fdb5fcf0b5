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

from core.bundles.contract import OperatingPoint
from core.evaluation.metrics import EvalSet

CONFIDENCE_GRID = np.round(np.linspace(0, 0.99, 100), 2)
THRESHOLD_GRID = np.round(np.linspace(0.01, 0.99, 99), 2)


def _prefix(values: np.ndarray, dtype=np.float64) -> np.ndarray:
    out = np.zeros(len(values) + 1, dtype=dtype)
    np.cumsum(values, out=out[1:])
    return out


def _counts(flags: np.ndarray) -> np.ndarray:
    """Prefix counts as exact integers (int32 up to two billion rows: half the memory)."""
    return _prefix(flags, np.int32 if len(flags) < 2**31 - 1 else np.int64)


@dataclass(frozen=True)
class _Sums:
    """Prefix counts of the rows in scope and the rows answered right, in score order, as exact
    integers. Each row's value is one of three (right, wrong, out of scope), so the value of any
    run of rows follows from the counts: value = right x R + wrong x (S - R) + outside x (N - S).

    With `labelled` (for a binary model without an out-of-scope value, whose rows are valued by
    their label alone), value = right x L + wrong x (N - L), L counting the rows labelled positive.
    """

    scope: np.ndarray
    correct: np.ndarray
    weights: tuple[float, float, float]
    labelled: np.ndarray | None = None

    @staticmethod
    def of(in_scope: np.ndarray, right: np.ndarray, weights, labelled: np.ndarray | None = None) -> _Sums:
        """From prefix counts of the rows in scope (`_counts`, shared by the two sides of a binary
        model, as is `labelled`) and the flags of the rows answered right."""
        return _Sums(in_scope, _counts(right), tuple(float(w) for w in weights), labelled)

    def between(self, lo, hi) -> np.ndarray:
        """Sums over rows [lo, hi) for arrays of bounds: count, scope, correct, value (4 x k)."""
        lo, hi = np.asarray(lo), np.maximum(np.asarray(hi), np.asarray(lo))
        count = (hi - lo).astype(float)
        scope, correct = ((s[hi] - s[lo]).astype(float) for s in (self.scope, self.correct))
        right, wrong, outside = self.weights
        if self.labelled is None:
            value = right * correct + wrong * (scope - correct) + outside * (count - scope)
        else:
            marked = (self.labelled[hi] - self.labelled[lo]).astype(float)
            value = right * marked + wrong * (count - marked)
        return np.stack([count, scope, correct, value])


class Index:
    """A bundle's rows, sorted once, ready to answer any operating point.

    With `groups` (a code per row, 0 to k-1, every code present), rows are sorted by group and by
    score within it, so the same sums answer each group's figures (`by_group`): the segment tables
    at any setting, without a pass over the rows.
    """

    def __init__(self, data: EvalSet, groups: np.ndarray | None = None):
        self.task, self.volume, self.n = data.task, data.volume, data.n
        v = data.values
        self.abstain = float(v.get("abstain", 0.0))
        if data.task == "binary":
            score = data.p_positive
        elif data.task == "multiclass":
            score = data.proba.max(axis=1)
        else:
            raise ValueError("regression models always act; their curve is over the tolerance")
        if groups is None:
            order = np.argsort(score, kind="stable")
            self.bounds = np.array([0, self.n])
        else:
            order = np.lexsort((score, groups))  # by group, then by score (ties in row order)
            self.bounds = np.searchsorted(groups[order], np.arange(int(groups.max()) + 2), side="left")
        self.score = score[order]
        scope = data.in_scope[order]
        if data.task == "binary":
            is_positive, is_negative = (
                (data.truth == 1)[order],
                (data.truth == 0)[order],
            )  # not the labels: 1 byte a row
            del order
            oos = v.get("out_of_scope")
            tp, fp = v.get("true_positive", 0.0), v.get("false_positive", 0.0)
            fn, tn = v.get("false_negative", 0.0), v.get("true_negative", 0.0)
            # a row in scope is labelled 0 or 1: wrong for one side is right for the other
            in_scope = _counts(scope)  # shared by both sides
            if oos is not None:
                self.says_positive = _Sums.of(in_scope, is_positive & scope, (tp, fp, oos))
                self.says_negative = _Sums.of(in_scope, is_negative & scope, (tn, fn, oos))
            else:  # every row valued by its label, in scope or not (a label the model lacks: not positive)
                labelled = _counts(is_positive)
                self.says_positive = _Sums.of(in_scope, is_positive & scope, (tp, fp, 0.0), labelled)
                self.says_negative = _Sums.of(in_scope, is_negative & scope, (fn, tn, 0.0), labelled)
        else:
            correct = (data.proba.argmax(axis=1) == data.truth)[order]
            outside = v.get("out_of_scope", v.get("wrong", 0.0))
            self.acting = _Sums.of(
                _counts(scope), correct & scope, (v.get("correct", 0.0), v.get("wrong", 0.0), outside)
            )

    def _binary(self, threshold, min_confidence, a: int = 0, b: int | None = None) -> np.ndarray:
        """count, scope, correct, value summed over acted rows [a, b), for arrays of settings (4 x k)."""
        t = np.asarray(threshold, float)
        c = np.asarray(min_confidence, float)
        b = self.n if b is None else b
        score = self.score[a:b]
        first_positive = a + np.searchsorted(score, t, side="left")
        # acted: p >= c (upper, from `upper`) or 1 - p >= c (lower, before `lower`); everyone when c <= .5
        everyone = c <= 0.5
        upper = np.where(everyone, a, a + np.searchsorted(score, c, side="left"))
        # score - 1 is exactly -(1 - p): the lower side of max(p, 1 - p)
        lower = np.where(everyone, a, a + np.searchsorted(score - 1, -c, side="right"))
        # positive & acted: [max(T, U), b) plus [T, L) ; negative & acted: [a, min(T, L)) plus [U, T)
        pos = self.says_positive.between(np.maximum(first_positive, upper), b) + self.says_positive.between(
            first_positive, lower
        )
        neg = self.says_negative.between(a, np.minimum(first_positive, lower)) + self.says_negative.between(
            upper, first_positive
        )
        return pos + neg

    def _multiclass(self, min_confidence, a: int = 0, b: int | None = None) -> np.ndarray:
        b = self.n if b is None else b
        start = a + np.searchsorted(self.score[a:b], np.asarray(min_confidence, float), side="left")
        return self.acting.between(start, b)

    def by_group(self, point: OperatingPoint) -> np.ndarray:
        """count, scope, correct, value summed over each group's acted rows at a setting (4 x groups)."""
        sums = [
            self._binary(point.threshold, point.min_confidence, a, b)
            if self.task == "binary"
            else self._multiclass(point.min_confidence, a, b)
            for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)
        ]
        return np.column_stack(sums) if sums else np.zeros((4, 0))

    def frame(self, threshold, min_confidence) -> pd.DataFrame:
        """Figures at each (threshold, min_confidence) pair, one row each."""
        threshold, min_confidence = (
            np.atleast_1d(a)
            for a in np.broadcast_arrays(np.asarray(threshold, float), np.asarray(min_confidence, float))
        )
        if self.task == "binary":
            acted, scope, correct, value = self._binary(threshold, min_confidence)
        else:
            acted, scope, correct, value = self._multiclass(min_confidence)
        n = self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            accuracy = np.where(acted > 0, correct / np.maximum(acted, 1), np.nan)
        per_case = (value + (n - acted) * self.abstain) / n
        net = per_case - self.abstain
        volume = self.volume
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
    if index.task == "binary":
        t, c = np.meshgrid(THRESHOLD_GRID, np.concatenate([[0.0], CONFIDENCE_GRID[CONFIDENCE_GRID > 0.5]]))
        grid = index.frame(t.ravel(), c.ravel())
    else:
        grid = index.frame(0.5, CONFIDENCE_GRID)
    ranked = grid.assign(_net=grid["net_per_case"].round(9)).sort_values(
        ["_net", "coverage", "min_confidence"], ascending=[False, False, True], kind="stable"
    )
    top = ranked.iloc[0]
    volume = index.volume
    return Best(
        point=OperatingPoint(float(top["threshold"]) if index.task == "binary" else 0.5, float(top["min_confidence"])),
        net_per_case=float(top["net_per_case"]),
        net_per_period=float(top["net_per_case"]) * volume if volume is not None else None,
    )
