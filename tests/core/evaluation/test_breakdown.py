"""Where it works and where it fails: exact counts, segment sums, calibration, unseen requests, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve

from core.bundles.contract import OperatingPoint, Tolerance
from core.evaluation import breakdown
from core.evaluation.metrics import EvalSet, kpis

VALUES = {"true_positive": 120, "false_positive": -50, "false_negative": 0, "true_negative": 0, "abstain": -5}
HAND = EvalSet.binary([1, 0, 1, 0, 1, 0, 0, 1], [0.95, 0.8, 0.55, 0.45, 0.3, 0.05, 0.7, 0.42], VALUES, volume=1000)
POINT = OperatingPoint(0.5, 0.6)


def test_outcome_counts_by_hand():
    counts = breakdown.outcome_counts(HAND, POINT, ["stayed", "left"])
    table = {(r.actual, r.decision): r.count for r in counts.itertuples()}
    # acts: .95 (left, says left), .8 (stayed, says left), .3 (left, says stayed), .05, .7 (stayed, says left)
    assert table == {
        ("left", "left"): 1,
        ("left", "stayed"): 1,
        ("left", breakdown.PERSON): 2,
        ("stayed", "left"): 2,
        ("stayed", "stayed"): 1,
        ("stayed", breakdown.PERSON): 1,
    }
    assert counts["count"].sum() == HAND.n


def test_binary_outcomes_by_hand():
    o = breakdown.binary_outcomes(HAND, POINT)
    assert (o.events, o.flagged, o.missed, o.to_person, o.false_alarms, o.non_events) == (4, 1, 1, 2, 2, 4)


def test_multiclass_outcomes_put_unseen_labels_in_one_row():
    data = EvalSet.multiclass([0, -1, 1, -1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.55, 0.45]])
    counts = breakdown.outcome_counts(data, OperatingPoint(min_confidence=0.6), ["billing", "refund"])
    table = {(r.actual, r.decision): r.count for r in counts.itertuples()}
    assert table == {
        ("billing", "billing"): 1,
        (breakdown.UNSEEN, "billing"): 1,
        ("refund", "refund"): 1,
        (breakdown.UNSEEN, breakdown.PERSON): 1,
    }


def segment_data(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    p = np.clip(truth * 0.3 + rng.random(n) * 0.7, 0, 1)
    region = pd.Series(rng.choice(["North", "South", "East"], n))
    region[rng.random(n) < 0.05] = None
    return EvalSet.binary(truth, p, VALUES, volume=20000), region


def test_segment_rows_add_up_to_the_whole():
    data, region = segment_data()
    table = breakdown.segment_table(data, POINT, region)
    whole = kpis(data, POINT)
    assert set(table["segment"]) == {"North", "South", "East", "Unknown"}
    assert table["n"].sum() == whole.n
    assert table["acted"].sum() == whole.acted
    assert table["correct_acted"].sum() == whole.correct_acted
    assert table["covered"].sum() == whole.covered
    assert table["net_total"].sum() == pytest.approx(whole.net_per_case * whole.n)
    assert table["share"].sum() == pytest.approx(1.0)


def test_segment_figures_match_the_engine_on_the_subset():
    data, region = segment_data()
    table = breakdown.segment_table(data, POINT, region).set_index("segment")
    mask = (region == "South").to_numpy()
    south = kpis(EvalSet.binary(data.truth[mask], data.p_positive[mask], VALUES), POINT)
    assert table.loc["South", "accuracy_acted"] == pytest.approx(south.accuracy_acted)
    assert table.loc["South", "coverage"] == pytest.approx(south.coverage)


def test_a_column_coded_once_gives_the_same_table_at_every_setting():
    data, region = segment_data()
    coded = breakdown.Coded.of(region)
    assert coded.names == list(pd.unique(region.astype("string").fillna("Unknown")))
    for point in (POINT, OperatingPoint(0.3, 0.0), OperatingPoint(0.7, 0.9)):
        fast = breakdown.segment_table(data, point, coded).set_index("segment")
        for name in coded.names:  # against the definition: the engine on the segment's own rows
            mask = (region.astype("string").fillna("Unknown") == name).to_numpy()
            mine = kpis(EvalSet.binary(data.truth[mask], data.p_positive[mask], VALUES, volume=20000), point)
            row = fast.loc[name]
            assert (row["n"], row["acted"], row["covered"], row["correct_acted"]) == (
                mine.n,
                mine.acted,
                mine.covered,
                mine.correct_acted,
            )
            assert row["net_per_case"] == pytest.approx(mine.net_per_case, rel=1e-12, abs=1e-12)
            if mine.acted:
                assert row["accuracy_acted"] == mine.accuracy_acted
            low, high = breakdown.wilson(mine.correct_acted, mine.acted)
            assert (row["accuracy_low"], row["accuracy_high"]) == pytest.approx((float(low), float(high)), nan_ok=True)


def test_weakest_segment_needs_enough_cases():
    table = pd.DataFrame(
        {"segment": ["a", "b", "c"], "acted": [500, 10, 400], "accuracy_acted": [0.8, 0.2, 0.7], "n": [600, 12, 450]}
    )
    assert breakdown.weakest_segment(table)["segment"] == "c"  # "b" is lower but has only 10 cases
    assert breakdown.weakest_segment(table.iloc[:2]) is None


def test_reliability_matches_scikit_learn_on_the_confidence():
    rng = np.random.default_rng(4)
    proba = rng.dirichlet(np.ones(3), 5000)
    truth = np.array([rng.choice(3, p=row) for row in proba])
    data = EvalSet.multiclass(truth, proba)
    frame = breakdown.reliability(data, bins=10)
    right = (proba.argmax(axis=1) == truth).astype(int)
    observed, stated = calibration_curve(right, proba.max(axis=1), n_bins=10, strategy="uniform")
    np.testing.assert_allclose(frame["observed"], observed)
    np.testing.assert_allclose(frame["stated"], stated)
    assert frame["n"].sum() == 5000
    assert breakdown.calibration_gap(frame) < 0.03  # drawn from its own probabilities: honest


def test_calibration_is_measured_on_the_requests_it_was_built_for():
    """A request it was never built for is wrong whatever it says: coverage, not confidence."""
    data = EvalSet.multiclass([-1, -1, 0, 1], [[0.95, 0.05]] * 4)
    frame = breakdown.reliability(data)
    assert frame["n"].tolist() == [2]
    assert frame["observed"].tolist() == [0.5]
    assert breakdown.calibration_gap(frame) == pytest.approx(0.45)


def test_unseen_requests_by_hand():
    values = {"correct": 4.0, "wrong": -6.0, "abstain": -2.0, "out_of_scope": -9.0}
    # in scope: two right, one wrong -> in-scope accuracy 2/3; expected value of a covered case 2/3*4 - 1/3*6
    proba = [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.95, 0.05], [0.55, 0.45], [0.52, 0.48]]
    data = EvalSet.multiclass([0, 1, 1, -1, -1, -1], proba, values, volume=600)
    labels = np.array(["a", "b", "b", "gift", "gift", "privacy"])
    table = breakdown.unseen_requests(data, OperatingPoint(min_confidence=0.6), labels).set_index("label")
    expected = 2 / 3 * 4 - 1 / 3 * 6
    # gift: one acted on (-9), one to a person (-2); privacy: to a person (-2)
    assert table.loc["gift", "n"] == 2 and table.loc["gift", "acted_on"] == 1
    assert table.loc["gift", "worth_per_case"] == pytest.approx((expected + 9 + expected + 2) / 6)
    assert table.loc["privacy", "worth_per_period"] == pytest.approx((expected + 2) / 6 * 600)
    assert table.loc["gift", "share"] == pytest.approx(2 / 6)
    assert list(table.index) == ["gift", "privacy"]


def test_error_summary_by_hand():
    data = EvalSet.regression(
        [2.0, 3.0, 4.0, 5.0],
        [2.5, 3.2, 6.0, 4.0],
        Tolerance(absolute=1.0),
        {"per_unit_error": -6.0, "abstain": -5.0},
        volume=100,
    )
    summary = breakdown.error_summary(data)
    assert summary.within == 0.75
    assert summary.mean_abs_error == pytest.approx((0.5 + 0.2 + 2.0 + 1.0) / 4)
    assert summary.large_share == 0.25  # only the 2-hour miss is beyond the tolerance
    assert summary.cost_per_period == pytest.approx(-6.0 * 3.7 / 4 * 100)
    assert summary.over_share == 0.75


def test_large_errors_by_segment_and_histogram():
    rng = np.random.default_rng(6)
    carrier = pd.Series(np.where(rng.random(3000) < 0.2, "Partner B", "Own fleet"))
    y = rng.gamma(3, 1, 3000)
    noise = np.where(carrier == "Partner B", 2.0, 0.4)
    data = EvalSet.regression(y, y + rng.normal(0, 1, 3000) * noise, Tolerance(absolute=1.0))
    table = breakdown.large_errors_by_segment(data, carrier, 1.0).set_index("segment")
    assert table["share_of_large"].sum() == pytest.approx(1.0)
    assert table.loc["Partner B", "ratio"] > 2
    histogram = breakdown.error_histogram(data)
    assert histogram["count"].sum() == 3000 and len(histogram) == 40
    curve = breakdown.tolerance_curve(data)
    assert curve["within"].is_monotonic_increasing and curve["within"].iloc[0] < 0.01


def _rounded_scores(n, seed):
    """Scores on a coarse grid, so many rows sit exactly on a threshold or a confidence setting."""
    rng = np.random.default_rng(seed)
    return np.round(rng.random(n), 2)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_segment_tables_from_prefix_sums_equal_a_pass_over_every_row(task):
    rng = np.random.default_rng(11)
    n = 3000
    region = pd.Series(rng.choice(["North", "South", "East", "West"], n))
    region[rng.random(n) < 0.05] = None
    if task == "binary":
        truth = rng.integers(-1, 2, n)  # -1: a label the model does not know
        values = {**VALUES, "out_of_scope": -7.0}
        data = EvalSet.binary(truth, _rounded_scores(n, 12), values, volume=20000)
        points = [OperatingPoint(t, c) for t in (0.01, 0.3, 0.5, 0.51, 0.99) for c in (0.0, 0.5, 0.51, 0.7, 0.99)]
    else:
        proba = rng.dirichlet([1, 1, 1], n).round(2)
        proba[:, 2] = 1 - proba[:, 0] - proba[:, 1]
        proba = np.clip(proba, 0, 1)
        truth = rng.integers(-1, 3, n)
        data = EvalSet(
            "multiclass",
            truth >= 0,
            truth=truth,
            proba=proba,
            values={"correct": 3.0, "wrong": -2.0, "abstain": -1.0},
        )
        points = [OperatingPoint(0.5, c) for c in (0.0, 0.34, 0.5, 0.61, 0.99)]
    segments = breakdown.Segments.of(data, region)
    for point in points:
        fast = breakdown.segment_table(data, point, segments)
        slow = breakdown.segment_table(data, point, breakdown.Coded.of(region))
        counts = ["segment", "n", "acted", "correct_acted", "covered"]
        pd.testing.assert_frame_equal(fast[counts], slow[counts])
        for column in ("accuracy_acted", "accuracy_low", "accuracy_high", "coverage", "share"):
            pd.testing.assert_series_equal(fast[column], slow[column])
        for column in ("net_per_case", "net_total"):
            np.testing.assert_allclose(fast[column], slow[column], rtol=1e-12, atol=1e-9)
