"""The operating-point engine against scikit-learn and against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, mean_absolute_error

from core.bundles.contract import OperatingPoint, Tolerance
from core.evaluation.metrics import EvalSet, bootstrap, headline, kpis, outcomes

BINARY_VALUES = {"true_positive": 180, "false_positive": -20, "false_negative": -220, "true_negative": 0, "abstain": -8}


def test_binary_by_hand():
    # p:     .95 .80 .55 .45 .30 .05 .70 .42   threshold .5, act when max(p, 1-p) >= .6
    # truth:  1   0   1   0   1   0   0   1
    # acts:   y   y   n   n   y   y   y   n     -> TP, FP, -, -, FN, TN, FP, -
    data = EvalSet.binary(
        [1, 0, 1, 0, 1, 0, 0, 1], [0.95, 0.80, 0.55, 0.45, 0.30, 0.05, 0.70, 0.42], BINARY_VALUES, volume=1000
    )
    k = kpis(data, OperatingPoint(threshold=0.5, min_confidence=0.6))
    assert (k.n, k.acted, k.covered, k.correct_acted) == (8, 5, 5, 2)
    assert k.accuracy_acted == pytest.approx(2 / 5)
    # all in-scope rows, confidence ignored: predictions 1,1,1,0,0,0,1,0 vs truth -> right on rows 0,2,3,5
    assert k.accuracy_in_scope == pytest.approx(4 / 8)
    assert k.coverage == pytest.approx(5 / 8)
    assert k.scope_coverage == 1.0
    assert k.confidence_coverage == pytest.approx(5 / 8)
    # 180 - 20 - 220 + 0 - 20 + 3 * (-8) = -104 over 8 cases
    assert k.value_per_case == pytest.approx(-104 / 8)
    assert k.net_per_case == pytest.approx(-104 / 8 + 8)
    assert k.net_per_period == pytest.approx((-104 / 8 + 8) * 1000)


def test_binary_matches_scikit_learn():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 5000)
    p = np.clip(truth * 0.35 + rng.random(5000) * 0.65, 0, 1)
    point = OperatingPoint(threshold=0.4, min_confidence=0.7)
    k = kpis(EvalSet.binary(truth, p, BINARY_VALUES), point)

    predicted = (p >= 0.4).astype(int)
    acted = np.maximum(p, 1 - p) >= 0.7
    assert k.accuracy_in_scope == pytest.approx(accuracy_score(truth, predicted))
    assert k.accuracy_acted == pytest.approx(accuracy_score(truth[acted], predicted[acted]))
    tn, fp, fn, tp = confusion_matrix(truth[acted], predicted[acted]).ravel()
    expected = (180 * tp - 20 * fp - 220 * fn + 0 * tn - 8 * (~acted).sum()) / 5000
    assert k.value_per_case == pytest.approx(expected)
    assert k.coverage == pytest.approx(acted.mean())


def test_multiclass_out_of_scope_is_never_right():
    # classes 0..2; truth -1 marks a request the model was never trained on
    proba = np.array(
        [
            [0.90, 0.05, 0.05],  # says 0, truth 0: right, acts
            [0.10, 0.80, 0.10],  # says 1, truth 2: wrong, acts
            [0.40, 0.35, 0.25],  # says 0, truth 0: right, but unsure -> a person
            [0.05, 0.05, 0.90],  # says 2, truth unseen: acts on something it was not built for
            [0.34, 0.33, 0.33],  # says 0, truth unseen: unsure -> a person
            [0.02, 0.96, 0.02],  # says 1, truth 1: right, acts
        ]
    )
    truth = [0, 2, 0, -1, -1, 1]
    values = {"correct": 4, "wrong": -6, "abstain": -2.5, "out_of_scope": -9}
    data = EvalSet.multiclass(truth, proba, values, volume=100)
    out = outcomes(data, OperatingPoint(min_confidence=0.7))
    assert list(out.correct) == [True, False, True, False, False, True]
    k = kpis(data, OperatingPoint(min_confidence=0.7))
    assert (k.acted, k.in_scope, k.covered) == (4, 4, 3)
    assert k.accuracy_acted == pytest.approx(2 / 4)  # the out-of-scope answer counts against it
    assert k.accuracy_in_scope == pytest.approx(3 / 4)
    assert k.scope_coverage == pytest.approx(4 / 6)
    assert k.confidence_coverage == pytest.approx(3 / 4)
    assert k.coverage == pytest.approx(k.scope_coverage * k.confidence_coverage)
    assert k.value_per_case == pytest.approx((4 - 6 - 2.5 - 9 - 2.5 + 4) / 6)
    assert k.net_per_period == pytest.approx(((4 - 6 - 2.5 - 9 - 2.5 + 4) / 6 + 2.5) * 100)


def test_in_scope_column_marks_rows_out_of_scope():
    data = EvalSet.binary([1, 1, 0, 0], [0.9, 0.9, 0.1, 0.1], in_scope=[True, False, True, True])
    k = kpis(data, OperatingPoint())
    assert k.scope_coverage == 0.75
    assert k.accuracy_acted == 0.75
    assert k.correct_in_scope == 3


def test_regression_tolerance_and_value_match_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.gamma(3, 1.0, 2000)
    predicted = y + rng.normal(0, 1.2, 2000)
    values = {"per_unit_error": -6.0, "abstain": -5.0}
    data = EvalSet.regression(y, predicted, Tolerance(absolute=1.0), values, volume=30000)
    k = kpis(data, OperatingPoint())
    assert k.accuracy_acted == pytest.approx(np.mean(np.abs(y - predicted) <= 1.0))
    assert k.value_per_case == pytest.approx(-6.0 * mean_absolute_error(y, predicted))
    assert k.net_per_period == pytest.approx((-6.0 * mean_absolute_error(y, predicted) + 5.0) * 30000)
    assert k.coverage == 1.0


def test_relative_tolerance():
    data = EvalSet.regression([10, 100, 50], [10.5, 115, 49], Tolerance(relative=0.1))
    assert list(outcomes(data, OperatingPoint()).correct) == [True, False, True]


def test_nothing_acted_gives_no_accuracy_and_baseline_value():
    data = EvalSet.binary([1, 0], [0.55, 0.45], {"abstain": -8})
    k = kpis(data, OperatingPoint(min_confidence=0.9))
    assert k.acted == 0
    assert np.isnan(k.accuracy_acted)
    assert k.net_per_case == 0


def _noisy_binary(n: int, seed: int = 5) -> EvalSet:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    p = np.clip(truth * 0.3 + rng.random(n) * 0.7, 0, 1)
    return EvalSet.binary(truth, p, BINARY_VALUES, volume=20000)


def test_bootstrap_ranges_contain_the_estimate_and_narrow_with_n():
    point = OperatingPoint(threshold=0.5, min_confidence=0.6)
    small = headline(_noisy_binary(200), point)
    large = headline(_noisy_binary(20000), point)
    for result in (small, large):
        for name in ("accuracy_acted", "accuracy_in_scope", "coverage", "value_per_case", "net_per_period"):
            estimate = getattr(result.ranges, name)
            assert estimate.low <= estimate.value <= estimate.high, name
            assert estimate.low < estimate.high, name
    for name in ("accuracy_acted", "coverage", "net_per_period"):
        assert getattr(large.ranges, name).width < getattr(small.ranges, name).width / 5, name


def test_bootstrap_matches_a_row_level_bootstrap():
    """Grouping rows by outcome is a shortcut, not an approximation: same spread as resampling rows."""
    data = _noisy_binary(3000)
    out = outcomes(data, OperatingPoint(min_confidence=0.6))
    fast = bootstrap(out, samples=4000)
    rng = np.random.default_rng(9)
    rows = rng.integers(0, 3000, size=(2000, 3000))
    acted, correct = out.acted[rows], out.correct[rows]
    slow = np.percentile((acted & correct).sum(1) / acted.sum(1), [2.5, 97.5])
    assert fast.accuracy_acted.low == pytest.approx(slow[0], abs=0.004)
    assert fast.accuracy_acted.high == pytest.approx(slow[1], abs=0.004)


def test_regression_bootstrap_bins_values_but_keeps_the_point_estimate():
    rng = np.random.default_rng(2)
    y = rng.gamma(3, 1.0, 50_000)
    data = EvalSet.regression(
        y,
        y + rng.normal(0, 1, 50_000),
        Tolerance(absolute=1.0),
        {"per_unit_error": -6.0, "abstain": -5.0},
        volume=30000,
    )
    result = headline(data, OperatingPoint())
    assert result.ranges.value_per_case.value == pytest.approx(result.kpis.value_per_case)
    assert result.ranges.value_per_case.low < result.kpis.value_per_case < result.ranges.value_per_case.high


def test_the_typical_case_is_the_right_one_nearest_the_median_prediction():
    from core.evaluation.metrics import typical_row

    # chances 0.1 0.3 0.45 0.5 0.9: median 0.45; row 2 is nearest but wrong (flagged, did not happen)
    data = EvalSet.binary([0, 0, 0, 1, 1], [0.1, 0.3, 0.45, 0.5, 0.9])
    point = OperatingPoint(threshold=0.4, min_confidence=0.0)
    assert outcomes(data, point).correct.tolist() == [True, True, False, True, True]
    assert typical_row(data, point) == 3  # |0.5 - 0.45| = 0.05 beats row 1's 0.15
    # acting only from 60% sure: row 3 (50%) is handed to a person, so no longer "right when it acts"
    assert typical_row(data, OperatingPoint(threshold=0.4, min_confidence=0.6)) == 1
    # nothing right at all: the nearest of every case
    assert typical_row(EvalSet.binary([1, 1, 1], [0.1, 0.2, 0.3]), OperatingPoint(0.5, 0.0)) == 1
    estimates = EvalSet.regression([10, 20, 30, 40], [10, 29, 31, 60], Tolerance(absolute=2))
    assert typical_row(estimates, OperatingPoint()) == 2  # median 30: row 2 (31, off by 1) is within tolerance
    classes = EvalSet.multiclass([0, 1, 2], [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.5, 0.2, 0.3]])
    assert typical_row(classes, OperatingPoint(min_confidence=0.0)) == 1  # median confidence 0.7, right
