"""The sorted-index engine agrees with the row-by-row engine everywhere, and finds the best point."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.bundles.contract import OperatingPoint, Tolerance
from core.evaluation.metrics import EvalSet, kpis
from core.evaluation.tradeoff import CONFIDENCE_GRID, THRESHOLD_GRID, Index, best_point, curve

VALUES = {
    "true_positive": 120,
    "false_positive": -50,
    "false_negative": 0,
    "true_negative": 0,
    "abstain": -5,
    "out_of_scope": -3,
}


def binary_data(n=3000, seed=0, volume=1000) -> EvalSet:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    truth[:40] = -1  # labels the model never saw
    p = np.round(np.clip(truth.clip(0) * 0.3 + rng.random(n) * 0.7, 0, 1), 2)  # ties on grid values
    return EvalSet.binary(truth, p, VALUES, volume=volume)


def multiclass_data(n=3000, seed=1) -> EvalSet:
    rng = np.random.default_rng(seed)
    proba = np.round(rng.dirichlet(np.ones(4) * 0.5, n), 2)
    truth = rng.integers(-1, 4, n)
    return EvalSet.multiclass(
        truth, proba, {"correct": 4, "wrong": -6, "abstain": -2.5, "out_of_scope": -9}, volume=45000
    )


def same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, abs=1e-12)


@pytest.mark.parametrize(
    "threshold, min_confidence",
    list(itertools.product([0.01, 0.3, 0.5, 0.51, 0.7, 0.99], [0.0, 0.3, 0.5, 0.51, 0.6, 0.7, 0.75, 0.99])),
)
def test_binary_index_matches_kpis(threshold, min_confidence):
    data = binary_data()
    row = Index(data).frame(threshold, min_confidence).iloc[0]
    k = kpis(data, OperatingPoint(threshold, min_confidence))
    assert same(row["accuracy_acted"], k.accuracy_acted)
    assert same(row["coverage"], k.coverage)
    assert same(row["acted_share"], k.acted / k.n)
    assert same(row["value_per_case"], k.value_per_case)
    assert same(row["net_per_period"], k.net_per_period)


def test_multiclass_curve_matches_kpis_at_every_grid_point():
    data = multiclass_data()
    frame = curve(Index(data), OperatingPoint(), "min_confidence")
    assert list(frame["min_confidence"]) == list(CONFIDENCE_GRID)
    for row in frame.itertuples():
        k = kpis(data, OperatingPoint(min_confidence=row.min_confidence))
        assert same(row.accuracy_acted, k.accuracy_acted)
        assert same(row.coverage, k.coverage)
        assert same(row.value_per_case, k.value_per_case)


def test_threshold_curve_spans_the_grid_at_the_current_confidence():
    frame = curve(Index(binary_data()), OperatingPoint(0.5, 0.7), "threshold")
    assert list(frame["threshold"]) == list(THRESHOLD_GRID)
    assert set(frame["min_confidence"]) == {0.7}


def test_best_point_is_the_best_of_a_brute_force_search():
    data = binary_data()
    found = best_point(Index(data))
    grid = [(t, c) for t in THRESHOLD_GRID for c in [0.0, *CONFIDENCE_GRID[CONFIDENCE_GRID > 0.5]]]
    brute = max(kpis(data, OperatingPoint(t, c)).net_per_case for t, c in grid)
    assert found.net_per_case == pytest.approx(brute)
    assert kpis(data, found.point).net_per_case == pytest.approx(brute)
    assert found.net_per_period == pytest.approx(brute * 1000)


def test_best_point_by_hand():
    # positives at .9 and .8, negatives at .3 and .6; a false alarm costs 50, a catch earns 120:
    # flag from .8 up -> 240; from .6 -> 190; always acting beats handing anything to a person (-5)
    data = EvalSet.binary([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.6], VALUES, volume=None)
    found = best_point(Index(data))
    assert found.point == OperatingPoint(threshold=0.61, min_confidence=0.0)
    assert found.net_per_case == pytest.approx(240 / 4 + 5)
    assert found.net_per_period is None


def test_multiclass_best_point_prefers_acting_on_confident_cases():
    data = EvalSet.multiclass(
        [0, 1, -1, 1],
        [[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]],
        {"correct": 4, "wrong": -8, "abstain": -1, "out_of_scope": -9},
    )
    found = best_point(Index(data))
    # from .91: only the right .95 answer, 4 - 1 - 1 - 1 = 1; from .61: 4 - 8 + 4 - 1 = -1
    assert found.point.min_confidence == pytest.approx(0.91)
    assert found.net_per_case == pytest.approx((4 - 1 - 1 - 1) / 4 + 1)


def test_ties_go_to_the_setting_that_covers_more():
    data = EvalSet.multiclass(
        [0, 1, -1, 1],
        [[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]],
        {"correct": 4, "wrong": -6, "abstain": -1, "out_of_scope": -9},
    )
    # from .61 (4 - 6 + 4 - 1) and from .91 (4 - 1 - 1 - 1) both total 1: the first acts on more
    assert best_point(Index(data)).point.min_confidence == pytest.approx(0.61)


def test_regression_has_no_confidence_curve():
    data = EvalSet.regression([1.0, 2.0], [1.5, 2.0], Tolerance(absolute=1.0))
    with pytest.raises(ValueError, match="regression models always act"):
        Index(data)


@pytest.mark.parametrize("out_of_scope", [None, -3.0])
def test_values_follow_from_counts_with_or_without_an_out_of_scope_value(out_of_scope):
    """Out-of-scope rows with a known label: without an out-of-scope value they are valued by
    their label, as the row-by-row engine values them; with one, at that value."""
    rng = np.random.default_rng(4)
    n = 2000
    truth = rng.integers(-1, 2, n)
    marked = rng.random(n) < 0.8  # a fifth marked out of scope, most of them with a known label
    values = {k: v for k, v in {**VALUES, "out_of_scope": out_of_scope}.items() if v is not None}
    data = EvalSet.binary(truth, np.round(rng.random(n), 2), values, in_scope=marked, volume=500)
    index = Index(data)
    for threshold, confidence in itertools.product([0.01, 0.4, 0.5, 0.99], [0.0, 0.5, 0.51, 0.8]):
        row = index.frame(threshold, confidence).iloc[0]
        k = kpis(data, OperatingPoint(threshold, confidence))
        assert same(row["value_per_case"], k.value_per_case)
        assert same(row["coverage"], k.coverage)
        assert same(row["accuracy_acted"], k.accuracy_acted)
