"""Who bears the errors: the model's figures for each group of people, and the gaps beyond noise.

For each column named in `groups:` (numeric columns banded), at one setting, per group:

- share acted on, and accuracy when it acts (every task);
- binary: the wrongly flagged rate (flagged by the model among the cases without the event) and
  the missed rate (passed over by the model among the cases with it);
- multiclass: the wrong-route rate (sent to the wrong place among the cases it acts on);
- regression: the share of estimates outside the tolerance, and the typical error;
- what the errors cost per period, when business values are set;

each rate with a 95% range (Wilson) and the count behind it. A gap between the worst- and the
best-treated group is a finding only when its range excludes zero and it is at least `min_gap`
wide. That range is Newcombe's, at 99.9% for all the gaps looked at together (Bonferroni), so
groups that differ by chance alone make a finding in fewer than one assessment in a thousand,
however many are compared; a
group with fewer than `MIN_CASES` cases behind a rate is named as too small to judge. Counts come
from `np.bincount` over the rows' outcome kinds, so a table at a million rows takes milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from core.bundles.contract import OperatingPoint
from core.evaluation.breakdown import Coded, wilson
from core.evaluation.metrics import EvalSet, outcomes

MIN_CASES = 30  # a rate needs this many cases behind it to be judged
FINDING_LEVEL = 0.999  # a gap's range for a finding: 99.9% for all the gaps looked at together (Bonferroni)
DEFAULT_MIN_GAP = 0.05  # five points: a smaller gap is not worth a review's time unless the team says so
MAX_BANDS = 4
UNKNOWN = "Unknown"


@dataclass(frozen=True)
class Rate:
    count: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.count / self.n if self.n else float("nan")


@dataclass(frozen=True)
class Gap:
    """A gap in one error rate between the worst- and the best-treated group of a column."""

    column: str
    metric: str
    worse: str
    better: str
    worse_rate: Rate
    better_rate: Rate
    low: float  # the range of worse - better
    high: float
    extra: float  # cases a period (or in the test rows without a volume) beyond the better group's rate
    cost: float | None  # what those extra errors cost a period (positive), None without values

    @property
    def difference(self) -> float:
        return self.worse_rate.value - self.better_rate.value

    @property
    def ratio(self) -> float:
        better = self.better_rate.value
        return self.worse_rate.value / better if better > 0 else math.inf


def banded(values: pd.Series, bands: int = MAX_BANDS) -> tuple[pd.Series, bool]:
    """A group column as the names of its groups: text as it is; numbers with more than `bands`
    values cut at round quantiles ("under 30", "30 to 44", "60 and over"). Returns the names and
    whether the column was banded."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric or values.nunique(dropna=True) <= bands:
        return values.astype("string").fillna(UNKNOWN), False
    known = values.dropna().to_numpy(dtype=float)
    cuts = sorted({_round(q) for q in np.quantile(known, np.linspace(0, 1, bands + 1)[1:-1])})
    cuts = [c for c in cuts if known.min() < c <= known.max()]
    if not cuts:
        return values.astype("string").fillna(UNKNOWN), False
    whole = bool(np.all(np.mod(known, 1) == 0))
    labels = [f"under {_show(cuts[0])}"]
    for low, high in zip(cuts, cuts[1:], strict=False):
        labels.append(f"{_show(low)} to {_show(high - 1) if whole else 'under ' + _show(high)}")
    labels.append(f"{_show(cuts[-1])} and over")
    index = np.searchsorted(np.asarray(cuts), values.to_numpy(dtype=float), side="right")
    names = pd.Series(np.asarray(labels, dtype=object)[np.clip(index, 0, len(labels) - 1)], index=values.index)
    names[values.isna()] = UNKNOWN
    return names.astype("string"), True


def coded(values: pd.Series) -> Coded:
    """A group column as a code per row and the names of its groups (numbers banded)."""
    return Coded.of(banded(values)[0])


def _round(x: float) -> float:
    """Two significant figures: cut points people read."""
    if x == 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(abs(x))))
    return round(x, digits)


def _show(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2g}"


def _rate(count: np.ndarray, n: np.ndarray, z: float = 1.96) -> list[Rate]:
    low, high = wilson(count, n, z)
    low, high = np.asarray(low, float), np.asarray(high, float)
    return [Rate(int(c), int(d), float(lo), float(hi)) for c, d, lo, hi in zip(count, n, low, high, strict=True)]


@dataclass(frozen=True)
class Table:
    """One column's groups at one setting: a frame to show and the rates the gaps compare."""

    column: str
    frame: pd.DataFrame  # one row per group, largest first
    rates: dict  # metric -> {group: Rate}
    parity: dict  # "demographic_parity", "equalized_odds" (binary) -> difference

    def spread(self, metric: str) -> tuple[str, str, float, float] | None:
        """(best-treated, worst-treated, difference, ratio) in one rate among the groups large enough
        to judge (Fairlearn's `MetricFrame.difference()` and `.ratio()` between groups, as worst / best)."""
        judged = {g: r for g, r in self.rates[metric].items() if r.n >= MIN_CASES and g != UNKNOWN}
        if len(judged) < 2:
            return None
        best = min(judged, key=lambda g: (judged[g].value, -judged[g].n))
        worst = max(judged, key=lambda g: (judged[g].value, judged[g].n))
        low, high = judged[best].value, judged[worst].value
        return best, worst, high - low, (high / low if low > 0 else math.inf)


def table(data: EvalSet, point: OperatingPoint, column: str, coded: Coded) -> Table:
    """The figures for each group of one column at `point` (see the module). A classifier's counts
    come from one `np.bincount` over (group, outcome kind) pairs: a few milliseconds at a million rows."""
    out = outcomes(data, point)
    codes, width = coded.codes, len(coded.names)

    def count(mask: np.ndarray | None = None, weights=None) -> np.ndarray:
        chosen = codes if mask is None else codes[mask]
        if weights is not None:
            weights = weights if mask is None else weights[mask]
        return np.bincount(chosen, weights=weights, minlength=width)

    n = np.bincount(codes, minlength=width)
    every_in_scope = bool(data.in_scope.all())
    if data.task != "regression" and every_in_scope:
        kinds_count = 6 if data.task == "binary" else 4
        kinds = np.bincount(codes.astype(np.int64) * kinds_count + out.kind, minlength=width * kinds_count).reshape(
            width, kinds_count
        )
        acted = kinds[:, 1:].sum(axis=1)
        right = kinds[:, 1] + kinds[:, 4] if data.task == "binary" else kinds[:, 1]
    else:
        acted, right = count(out.acted), count(out.acted & out.correct)
        kinds = None
    frame = {"group": coded.names, "n": n, "acted": acted, "share_acted": acted / np.maximum(n, 1)}
    accuracy = _rate(right, acted)
    frame["accuracy_acted"] = [r.value for r in accuracy]
    frame["accuracy_low"] = [r.low for r in accuracy]
    frame["accuracy_high"] = [r.high for r in accuracy]
    rates: dict[str, list[Rate]] = {}
    parity: dict[str, float] = {}
    if data.task == "binary":
        positives = np.bincount(codes, weights=data.is_positive & data.in_scope, minlength=width).astype(np.int64)
        negatives = np.bincount(codes, weights=(data.truth == 0) & data.in_scope, minlength=width).astype(np.int64)
        if kinds is not None:
            caught, false_flags, missed = kinds[:, 1], kinds[:, 2], kinds[:, 3]
        else:  # rows outside the scope are never flagged wrongly nor missed
            says = data.p_positive >= point.threshold
            acting = out.acted & data.in_scope
            caught = count(acting & says & data.is_positive)
            false_flags = count(acting & says & (data.truth == 0))
            missed = count(acting & ~says & data.is_positive)
        rates["wrongly_flagged"] = _rate(false_flags, negatives)
        rates["missed"] = _rate(missed, positives)
        flagged = caught + false_flags
        with np.errstate(invalid="ignore", divide="ignore"):
            selection = flagged / n
            caught_rate = caught / positives
            false_rate = false_flags / negatives
        usable = n > 0
        parity["demographic_parity"] = float(np.nanmax(selection[usable]) - np.nanmin(selection[usable]))
        parity["equalized_odds"] = float(
            max(np.nanmax(caught_rate) - np.nanmin(caught_rate), np.nanmax(false_rate) - np.nanmin(false_rate))
        )
        lost = _unit_cost(data)  # each error against getting it right
        errors = false_flags * lost.get("wrongly_flagged", 0.0) + missed * lost.get("missed", 0.0)
    elif data.task == "multiclass":
        wrong = kinds[:, 2] if kinds is not None else count(out.acted & out.in_scope & ~out.correct)
        rates["wrong_route"] = _rate(wrong, acted)
        errors = wrong * _unit_cost(data).get("wrong_route", 0.0)
    else:
        outside = count(out.acted & ~out.correct)
        rates["outside_tolerance"] = _rate(outside, acted)
        error = np.abs(data.predicted - data.y)
        summed = count(weights=error)
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["typical_error"] = summed / n
        errors = summed * -float(data.values.get("per_unit_error", 0.0))
    scale = (data.volume / data.n) if data.volume else None
    frame["errors_cost"] = errors * scale if (scale is not None and data.values) else np.nan
    for metric, found in rates.items():
        frame[metric] = [r.value for r in found]
        frame[f"{metric}_low"] = [r.low for r in found]
        frame[f"{metric}_high"] = [r.high for r in found]
        frame[f"{metric}_n"] = [r.n for r in found]
    shown = pd.DataFrame(frame).sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    return Table(column, shown, {m: dict(zip(coded.names, r, strict=True)) for m, r in rates.items()}, parity)


def too_small(found: Table) -> list[tuple[str, int]]:
    """Groups with too few cases behind any compared rate to judge them: (name, cases)."""
    small = {}
    for by_group in found.rates.values():
        for name, rate in by_group.items():
            if rate.n < MIN_CASES:
                small[name] = int(found.frame.loc[found.frame["group"] == name, "n"].iloc[0])
    return sorted(small.items(), key=lambda item: (item[1], item[0]))


def comparisons(tables: list[Table]) -> int:
    """How many gaps are looked at: one per judged group beyond the best, per rate, per column."""
    total = 0
    for found in tables:
        for by_group in found.rates.values():
            judged = sum(1 for r in by_group.values() if r.n >= MIN_CASES)
            total += max(judged - 1, 0)
    return max(total, 1)


def gaps(
    tables: list[Table], data: EvalSet, min_gap: float = DEFAULT_MIN_GAP, looked_at: int | None = None
) -> list[Gap]:
    """The gaps beyond the noise, largest first: for each column and rate, the worst-treated judged
    group against the best-treated, when the range of the difference (95%, widened for the number of
    gaps looked at) excludes zero and the difference is at least `min_gap`."""
    m = looked_at or comparisons(tables)
    z = float(norm.ppf(1 - (1 - FINDING_LEVEL) / (2 * m)))
    scale = (data.volume / data.n) if data.volume else 1.0
    cost_of = _unit_cost(data)
    found: list[Gap] = []
    for tab in tables:
        for metric, by_group in tab.rates.items():
            spread = tab.spread(metric)
            if spread is None:
                continue
            better, worse = spread[:2]
            a, b = by_group[worse], by_group[better]
            low, high = newcombe(a.count, a.n, b.count, b.n, z)
            difference = a.value - b.value
            if low <= 0 or difference < min_gap:
                continue
            extra = difference * a.n * scale
            unit = cost_of.get(metric)
            found.append(
                Gap(tab.column, metric, worse, better, a, b, low, high, extra, None if unit is None else extra * unit)
            )
    return sorted(found, key=lambda g: -g.difference)


def _unit_cost(data: EvalSet) -> dict[str, float]:
    """What one more error of each kind costs (positive), when the values are set."""
    v = data.values
    if not v:
        return {}
    costs = {
        "wrongly_flagged": -float(v.get("false_positive", 0.0)) + float(v.get("true_negative", 0.0)),
        "missed": -float(v.get("false_negative", 0.0)) + float(v.get("true_positive", 0.0)),
        "wrong_route": -float(v.get("wrong", 0.0)) + float(v.get("correct", 0.0)),
    }
    return {k: c for k, c in costs.items() if c > 0}


def newcombe(x1: int, n1: int, x2: int, n2: int, z: float = 1.96) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p2 (his method 10), from two Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = (tuple(float(v) for v in wilson(x, n, z)) for x, n in ((x1, n1), (x2, n2)))
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)  # the thresholds a narrowing setting is looked for on


@dataclass(frozen=True)
class Narrowing:
    """A threshold that narrows a binary gap, and what it costs against the current setting."""

    gap: Gap
    threshold: float
    now: float
    gap_before: float
    gap_after: float
    value_change: float  # net value a period (a case without a volume) at the new threshold minus now


def curve(data: EvalSet, min_confidence: float, coded: Coded, metric: str, worse: str, better: str, index):
    """The gap between two groups' rates and the net value, at every threshold of `GRID` with the
    confidence bar held: (gaps, values), what `narrowing` picks from (worked out once per pair)."""
    acted = data.confidence >= min_confidence

    def rates(group: str) -> np.ndarray:
        member = coded.codes == coded.names.index(group)
        label = 0 if metric == "wrongly_flagged" else 1
        base = member & data.in_scope & (data.truth == label)
        chances = np.sort(data.p_positive[base & acted])
        below = np.searchsorted(chances, GRID, side="left")  # passed over at each threshold
        errors = len(chances) - below if metric == "wrongly_flagged" else below
        return errors / max(int(base.sum()), 1)

    figures = index.frame(GRID, min_confidence)
    column = "net_per_period" if data.volume else "net_per_case"
    return rates(worse) - rates(better), figures[column].to_numpy()


def narrowing(data: EvalSet, point: OperatingPoint, coded: Coded, gap: Gap, index, found=None) -> Narrowing | None:
    """The threshold (the confidence bar held) that brings `gap` under the team's minimum at the
    least cost, else the one that narrows it most when that halves it; None when none does, or
    for a rate a threshold cannot move (multiclass, regression). `found`: the pair's `curve`, when
    the caller keeps it."""
    if data.task != "binary" or gap.metric not in ("wrongly_flagged", "missed"):
        return None
    gaps_at, values = found or curve(data, point.min_confidence, coded, gap.metric, gap.worse, gap.better, index)
    now = index.frame(point.threshold, point.min_confidence)
    change = values - float(now["net_per_period" if data.volume else "net_per_case"].iloc[0])
    before = gap.difference
    closed = np.flatnonzero(np.abs(gaps_at) < min(before, DEFAULT_MIN_GAP if before > DEFAULT_MIN_GAP else before / 2))
    if len(closed):
        pick = closed[np.argmax(change[closed])]
    else:
        pick = int(np.argmin(np.abs(gaps_at)))
        if abs(gaps_at[pick]) > before / 2:
            return None
    if GRID[pick] == round(point.threshold, 2):
        return None
    return Narrowing(gap, float(GRID[pick]), point.threshold, before, float(abs(gaps_at[pick])), float(change[pick]))


@dataclass(frozen=True)
class Assessment:
    """Every group column at one setting: the tables, the gaps beyond the noise (largest first), how
    many gaps were looked at, and the groups too small to judge, by column."""

    tables: list[Table]
    gaps: list[Gap]
    looked_at: int
    small: dict  # column -> [(group, cases)]


def assess(
    data: EvalSet, point: OperatingPoint, coded: dict[str, Coded], min_gap: float = DEFAULT_MIN_GAP
) -> Assessment:
    tables = [table(data, point, column, codes) for column, codes in coded.items()]
    looked_at = comparisons(tables)
    return Assessment(
        tables, gaps(tables, data, min_gap, looked_at), looked_at, {t.column: too_small(t) for t in tables}
    )
