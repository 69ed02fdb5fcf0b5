"""Where a model works and where it fails: outcomes, calibration, segments, unseen requests, errors.

Each function returns a small tidy frame (and, where it helps, the numbers a sentence needs), so
the same result feeds a table, a chart and a plain-language finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bundles.contract import OperatingPoint
from core.evaluation.metrics import EvalSet, kpis_from, outcomes

PERSON = "Handed to a person"
UNSEEN = "Never trained on"
MIN_SEGMENT_ACTED = 30


# --- outcome counts -------------------------------------------------------------------------


def outcome_counts(data: EvalSet, point: OperatingPoint, labels: list[str]) -> pd.DataFrame:
    """Counts of each (actual, decision) pair, where a decision may be handing the case to a person.

    `labels` names the classes: for binary [negative, positive], else the model's classes in order.
    Rows outside the model's scope have actual = "Never trained on".
    """
    out = outcomes(data, point)
    names = np.array(labels, dtype=object)
    if data.task == "binary":
        predicted = (data.p_positive >= point.threshold).astype(int)
    else:
        predicted = data.answer
    k = len(names)  # codes: a class's position; k is "never trained on" (actual) or a person (decision)
    actual = np.where(data.in_scope, np.clip(data.truth, 0, None), k)
    decision = np.where(out.acted, predicted, k)
    cells = np.bincount(actual * (k + 1) + decision, minlength=(k + 1) ** 2)
    found = np.flatnonzero(cells)
    actual_names = np.append(names, UNSEEN)[found // (k + 1)]
    decision_names = np.append(names, PERSON)[found % (k + 1)]
    frame = pd.DataFrame({"actual": actual_names, "decision": decision_names, "count": cells[found]})
    return frame.sort_values(["actual", "decision"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class BinaryOutcomes:
    events: int  # cases where the event happened (positive label)
    flagged: int  # ... that the model flagged while acting
    missed: int  # ... that it acted on and did not flag
    to_person: int  # ... that it handed to a person
    false_alarms: int  # cases without the event that it flagged
    non_events: int


def binary_outcomes(data: EvalSet, point: OperatingPoint) -> BinaryOutcomes:
    out = outcomes(data, point)
    says = data.p_positive >= point.threshold
    event = data.truth == 1
    return BinaryOutcomes(
        events=int(event.sum()),
        flagged=int((event & out.acted & says).sum()),
        missed=int((event & out.acted & ~says).sum()),
        to_person=int((event & ~out.acted).sum()),
        false_alarms=int((~event & (data.truth == 0) & out.acted & says).sum()),
        non_events=int((data.truth == 0).sum()),
    )


# --- calibration ----------------------------------------------------------------------------


def confidence_and_right(data: EvalSet) -> tuple[np.ndarray, np.ndarray]:
    """Each row's confidence and whether the model's answer was right (unseen labels: never)."""
    if data.task == "binary":
        p = data.p_positive
        return np.maximum(p, 1 - p), data.in_scope & ((p >= 0.5) == (data.truth == 1))
    return data.proba.max(axis=1), data.in_scope & (data.proba.argmax(axis=1) == data.truth)


def wilson(right, n, z: float = 1.96):
    """The 95% Wilson range of a share `right / n` (arrays work too); (nan, nan) where n is 0."""
    right, n = np.asarray(right, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = right / n
        centre = (share + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


MIN_CALIBRATION_CASES = 100  # fewer cases than this: too few to tell whether its confidence holds


def reliability(data: EvalSet, bins: int = 10) -> pd.DataFrame:
    """How often the model is right at each level of confidence it states (10 equal-width bins),
    on the cases it was built for: a case it was never built for is wrong whatever it says, which
    is a matter of coverage, not of how far its confidence can be trusted."""
    confidence, right = confidence_and_right(data)
    confidence, right = confidence[data.in_scope], right[data.in_scope]
    low = 0.5 if data.task == "binary" else 0.0
    edges = np.linspace(low, 1, bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, bins - 1)
    n = np.bincount(which, minlength=bins)
    said = np.bincount(which, weights=confidence, minlength=bins)
    got = np.bincount(which, weights=right.astype(float), minlength=bins)
    frame = pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "n": n})
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["stated"] = said / n
        frame["observed"] = got / n
    frame["low"], frame["high"] = wilson(got, n)
    return frame[frame["n"] > 0].reset_index(drop=True)


def calibration_excess(frame: pd.DataFrame) -> float:
    """How far stated confidence lies outside the 95% range of how often it was right, n-weighted:
    0 when every bin's stated confidence is within the noise of what it got."""
    outside = np.maximum(frame["low"] - frame["stated"], 0) + np.maximum(frame["stated"] - frame["high"], 0)
    return float(np.average(outside, weights=frame["n"])) if frame["n"].sum() else 0.0


def calibration_gap(frame: pd.DataFrame) -> float:
    """Expected calibration error: the n-weighted mean gap between stated and observed."""
    return float(np.average((frame["stated"] - frame["observed"]).abs(), weights=frame["n"]))


def reliability_example(frame: pd.DataFrame, near: float = 0.8, min_n: int = 20) -> pd.Series | None:
    """The well-populated bin closest to a given confidence, for "when it says 80%..." sentences."""
    usable = frame[frame["n"] >= min_n]
    if usable.empty:
        return None
    return usable.iloc[(usable["stated"] - near).abs().argmin()]


# --- segments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coded:
    """One segment column as a code per row and the names of the codes (missing: "Unknown"),
    in order of first appearance. Built once per column; tables at any setting then count with
    `np.bincount` instead of comparing strings row by row."""

    codes: np.ndarray
    names: list[str]

    @staticmethod
    def of(segment: pd.Series) -> Coded:
        codes, uniques = pd.factorize(segment.astype("string").fillna("Unknown"), sort=False)
        small = np.int32 if len(uniques) < 2**31 - 1 else np.intp
        return Coded(np.asarray(codes, dtype=small), [str(u) for u in uniques])


@dataclass(frozen=True)
class Segments:
    """A segment column's names, its rows sorted by score within each segment, with prefix sums
    (the engine's trick, `tradeoff.Index`): a table at any setting is a few binary searches per
    segment instead of a pass over every row."""

    names: list[str]
    index: object  # tradeoff.Index grouped by segment

    @staticmethod
    def of(data: EvalSet, segment: pd.Series) -> Segments:
        from core.evaluation.tradeoff import Index

        coded = Coded.of(segment)  # the codes are needed only to sort the rows once
        return Segments(coded.names, Index(data, groups=coded.codes))


def segment_table(data: EvalSet, point: OperatingPoint, segment: pd.Series | Coded | Segments) -> pd.DataFrame:
    """n, accuracy, coverage and value for each value of one segment column (missing: "Unknown")."""
    from core.evaluation.metrics import _ratio

    if isinstance(segment, Segments):
        names, rows = segment.names, segment.index.n
        n = np.diff(segment.index.bounds)
        acted, covered, correct_acted, value = segment.index.by_group(point)
        acted, covered, correct_acted = (np.rint(a).astype(np.int64) for a in (acted, covered, correct_acted))
        baseline = segment.index.abstain
        value = value + (n - acted) * baseline  # a person handles the rest, at the abstain value
    else:
        coded = segment if isinstance(segment, Coded) else Coded.of(segment)
        names, rows = coded.names, len(coded.codes)
        out = outcomes(data, point)
        width, codes = len(coded.names), coded.codes

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(codes[mask], minlength=width)

        n = np.bincount(codes, minlength=width)
        acted = count(out.acted)
        covered = count(out.acted & out.in_scope)
        correct_acted = count(out.acted & out.correct)
        value = np.bincount(codes, weights=out.value.astype(float), minlength=width)
        baseline = out.baseline
    with np.errstate(invalid="ignore", divide="ignore"):
        per_case = value / n - baseline
    low, high = wilson(correct_acted, acted)
    frame = pd.DataFrame(
        {
            "segment": names,
            "n": n,
            "acted": acted,
            "correct_acted": correct_acted,
            "covered": covered,
            "accuracy_acted": _ratio(correct_acted, acted).astype(float),
            "accuracy_low": np.asarray(low, dtype=float),
            "accuracy_high": np.asarray(high, dtype=float),
            "coverage": covered / n,
            "net_per_case": per_case,
            "net_total": per_case * n,
        }
    )
    frame = frame.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    frame["share"] = frame["n"] / rows
    return frame


def weakest_segment(frame: pd.DataFrame, min_acted: int = MIN_SEGMENT_ACTED) -> pd.Series | None:
    """The segment with the lowest accuracy among those with enough acted cases to tell."""
    usable = frame[frame["acted"] >= min_acted].dropna(subset=["accuracy_acted"])
    if len(usable) < 2:
        return None
    return usable.sort_values(["accuracy_acted", "n"], ascending=[True, False], kind="stable").iloc[0]


# --- requests the model was never trained on ------------------------------------------------


def unseen_requests(data: EvalSet, point: OperatingPoint, truth_labels: np.ndarray) -> pd.DataFrame:
    """Unseen labels, largest first, with what covering each would be worth per case and period.

    "Worth" assumes the model would handle a new intent as well as those it knows (its in-scope
    accuracy), so each such case would earn that mix of the right and wrong values instead of
    what it earns now (a person, or the out-of-scope value when the model acted on it).
    """
    out = outcomes(data, point)
    unseen = ~data.in_scope
    if not unseen.any():
        return pd.DataFrame(columns=["label", "n", "share", "acted_on", "worth_per_period", "worth_per_case"])
    k = kpis_from(out, data.volume)
    accuracy = k.accuracy_in_scope if k.accuracy_in_scope == k.accuracy_in_scope else 0.0
    expected = accuracy * data.values.get("correct", 0.0) + (1 - accuracy) * data.values.get("wrong", 0.0)
    labels = np.asarray(truth_labels).astype(str)
    frame = pd.DataFrame({"label": labels[unseen], "acted": out.acted[unseen], "gain": expected - out.value[unseen]})
    table = frame.groupby("label").agg(n=("gain", "size"), acted_on=("acted", "sum"), gain=("gain", "sum"))
    table = table.sort_values("n", ascending=False, kind="stable").reset_index()
    table["share"] = table["n"] / data.n
    table["worth_per_case"] = table["gain"] / data.n
    table["worth_per_period"] = table["worth_per_case"] * data.volume if data.volume is not None else np.nan
    return table.drop(columns="gain")


# --- regression errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorSummary:
    within: float  # share within tolerance
    mean_abs_error: float
    median_abs_error: float
    large_threshold: float  # what counts as a large error
    large_share: float
    cost_per_case: float  # value lost to errors per case (per_unit_error x mean |error|)
    cost_per_period: float | None
    over_share: float  # share of estimates above the truth
    largest: float = 0.0  # the largest miss
    worst_n: int = 0  # how many cases are the worst 1% (at least one)
    worst_share: float = 0.0  # the share of all the error (sum of misses) in those cases


WORST_SHARE = 0.01  # the worst 1% of estimates, whose share of all the error says whether the tail is heavy


def error_summary(data: EvalSet) -> ErrorSummary:
    error = data.predicted - data.y
    absolute = np.abs(error)
    out = outcomes(data, OperatingPoint())
    # a large error is one outside the tolerance (or, without one, in the worst tenth)
    large = data.tolerance.absolute if data.tolerance.absolute is not None else float(np.quantile(absolute, 0.9))
    cost = data.values.get("per_unit_error", 0.0) * float(absolute.mean())
    return ErrorSummary(
        within=float(out.correct.mean()),
        mean_abs_error=float(absolute.mean()),
        median_abs_error=float(np.median(absolute)),
        large_threshold=float(large),
        large_share=float((absolute > large).mean()),
        cost_per_case=cost,
        cost_per_period=cost * data.volume if data.volume is not None else None,
        over_share=float((error > 0).mean()),
        **_tail(absolute),
    )


def _tail(absolute: np.ndarray) -> dict:
    """The largest miss, and how much of all the error the worst 1% of estimates carry (for
    normally spread errors about 3%; a heavy tail carries far more)."""
    if not len(absolute):
        return {}
    worst = max(1, int(round(len(absolute) * WORST_SHARE)))
    top = np.partition(absolute, len(absolute) - worst)[-worst:]
    total = float(absolute.sum())
    return {
        "largest": float(absolute.max()),
        "worst_n": worst,
        "worst_share": float(top.sum()) / total if total else 0.0,
    }


RARE_SHARE = 0.02  # a class with fewer of the rows than this is rare
MIN_RARE_CASES = 5  # fewer than this: too few to give a range


def rare_classes(data: EvalSet, classes: tuple) -> pd.DataFrame:
    """Classes with under 2% of the rows (and at least MIN_RARE_CASES): how many, and how often
    the model names them right (recall, with its 95% range), rarest first."""
    if data.task != "multiclass" or data.truth is None:
        return pd.DataFrame(columns=["label", "n", "share", "right", "low", "high"])
    truth = data.truth
    n = np.bincount(truth[truth >= 0], minlength=len(classes))
    right = np.bincount(truth[(truth >= 0) & (data.answer == truth)], minlength=len(classes))
    share = n / max(len(truth), 1)
    keep = (share < RARE_SHARE) & (n >= MIN_RARE_CASES)
    low, high = wilson(right[keep], n[keep])
    frame = pd.DataFrame(
        {
            "label": [str(c) for c, k in zip(classes, keep, strict=True) if k],
            "n": n[keep],
            "share": share[keep],
            "right": right[keep] / n[keep],
            "low": low,
            "high": high,
        }
    )
    return frame.sort_values("n", kind="stable").reset_index(drop=True)


def recall_overall(data: EvalSet) -> float | None:
    """How often a multiclass model names the class right, over the rows of classes it knows."""
    if data.task != "multiclass" or data.truth is None or not (data.truth >= 0).any():
        return None
    known = data.truth >= 0
    return float((data.answer[known] == data.truth[known]).mean())


def error_histogram(data: EvalSet, bins: int = 40) -> pd.DataFrame:
    """Signed errors (estimate minus truth), binned over the central 99% (the tails join the ends)."""
    error = data.predicted - data.y
    low, high = np.quantile(error, [0.005, 0.995])
    span = max(abs(low), abs(high)) or 1.0
    edges = np.linspace(-span, span, bins + 1)
    counts = np.bincount(np.clip(np.searchsorted(edges, error, side="right") - 1, 0, bins - 1), minlength=bins)
    return pd.DataFrame({"error_low": edges[:-1], "error_high": edges[1:], "count": counts})


def large_errors_by_segment(data: EvalSet, segment: pd.Series, large: float) -> pd.DataFrame:
    """For each segment value: its share of rows, its share of the large errors, and the ratio."""
    absolute = np.abs(data.predicted - data.y)
    is_large = absolute > large
    labels = segment.astype("string").fillna("Unknown").to_numpy()
    frame = pd.DataFrame({"segment": labels, "large": is_large, "error": absolute})
    table = frame.groupby("segment").agg(n=("large", "size"), large=("large", "sum"), mean_abs_error=("error", "mean"))
    table["share_of_rows"] = table["n"] / len(labels)
    total_large = max(int(is_large.sum()), 1)
    table["share_of_large"] = table["large"] / total_large
    table["large_rate"] = table["large"] / table["n"]
    table["ratio"] = table["large_rate"] / max(is_large.mean(), 1e-12)
    return table.sort_values("ratio", ascending=False, kind="stable").reset_index()


def tolerance_curve(data: EvalSet, points: int = 60) -> pd.DataFrame:
    """Share of estimates within each tolerance, from zero to the 99th percentile of the error."""
    absolute = np.sort(np.abs(data.predicted - data.y))
    grid = np.linspace(0, float(np.quantile(absolute, 0.99)), points)
    return pd.DataFrame({"tolerance": grid, "within": np.searchsorted(absolute, grid, side="right") / len(absolute)})
