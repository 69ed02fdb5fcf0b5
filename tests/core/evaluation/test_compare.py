"""Champion against challenger: the paired bootstrap, and rows that do not match."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from core.bundles.bundle import file_sha256, load_bundle
from core.bundles.contract import OperatingPoint
from core.evaluation import compare
from core.evaluation.metrics import EvalSet

VALUES = {"true_positive": 10, "false_positive": -2, "false_negative": 0, "true_negative": 0, "abstain": 0}
POINT = OperatingPoint(0.5, 0.0)


def test_identical_models_differ_by_exactly_nothing():
    data = EvalSet.binary([1, 0, 1, 0, 1], [0.9, 0.2, 0.3, 0.6, 0.8], VALUES)
    for d in compare.paired(data, POINT, data, POINT, samples=200):
        assert (d.difference, d.low, d.high, d.beyond_noise) == (0.0, 0.0, 0.0, False)


def test_pairing_by_hand():
    # A is right on rows 0-1 of 4, B on rows 0-2: B is never worse on any row, so in a paired
    # resample B - A can never be negative; it is 1/4 on the full rows.
    truth = [1, 1, 0, 0]
    a = EvalSet.binary(truth, [0.9, 0.8, 0.7, 0.6], VALUES)  # right, right, wrong, wrong
    b = EvalSet.binary(truth, [0.9, 0.8, 0.3, 0.6], VALUES)  # right, right, right, wrong
    accuracy = compare.paired(a, POINT, b, POINT, samples=2000)[0]
    assert (accuracy.a, accuracy.b, accuracy.difference) == (0.5, 0.75, 0.25)
    assert accuracy.low >= 0.0
    assert accuracy.low <= 0.25 <= accuracy.high
    # B avoids one false alarm (-2): 2 per 4 cases = 0.5 more per case, never less on any resample
    net = compare.paired(a, POINT, b, POINT, samples=2000)[2]
    assert net.difference == pytest.approx(0.5)
    assert net.low >= 0.0


def test_paired_ranges_are_narrower_than_unpaired_ones():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 2000)
    base = np.clip(truth * 0.4 + rng.random(2000) * 0.6, 0, 1)
    a = EvalSet.binary(truth, base, VALUES)
    b = EvalSet.binary(truth, np.clip(base + rng.normal(0, 0.02, 2000), 0, 1), VALUES)
    accuracy = compare.paired(a, POINT, b, POINT)[0]
    # two nearly identical models: the paired range of the difference is far narrower than
    # either model's own 95% range (about +-2 points at n = 2000)
    assert accuracy.high - accuracy.low < 0.015


def test_mismatched_rows_are_detected_and_explained(tmp_path, demo_root):
    a = load_bundle(demo_root / "churn-gbm")
    assert compare.rows_problem(a, load_bundle(demo_root / "churn-logreg")) is None
    assert compare.rows_problem(a, load_bundle(demo_root / "delivery-eta")) == (
        "Churn risk, gradient boosting is a binary model and Delivery time estimate a regression one, "
        "so they answer different questions."
    )
    shuffled = tmp_path / "shuffled"
    shutil.copytree(demo_root / "churn-logreg", shuffled)
    frame = pd.read_parquet(shuffled / "eval.parquet").sample(frac=1, random_state=1).reset_index(drop=True)
    frame.to_parquet(shuffled / "eval.parquet", index=False)
    manifest = (shuffled / "bundle.yaml").read_text()
    old = load_bundle(demo_root / "churn-logreg").eval_sha256
    (shuffled / "bundle.yaml").write_text(manifest.replace(old, file_sha256(shuffled / "eval.parquet")))
    message = compare.rows_problem(a, load_bundle(shuffled))
    assert message.startswith("Their evaluation rows differ: ")
    assert message.endswith("ids do not match row for row. Publish both with the same evaluation file to compare them.")
    shorter = tmp_path / "shorter"
    shutil.copytree(demo_root / "churn-logreg", shorter)
    frame.iloc[:3000].to_parquet(shorter / "eval.parquet", index=False)
    (shorter / "bundle.yaml").write_text(manifest.replace(old, file_sha256(shorter / "eval.parquet")))
    assert compare.rows_problem(a, load_bundle(shorter)) == (
        "They were evaluated on different rows: 4,000 against 3,000. "
        "Publish both with the same evaluation file to compare them."
    )


def test_verdict_within_and_beyond_the_noise():
    same = [
        compare.Difference("accuracy_acted", 0.83, 0.834, -0.005, 0.012),
        compare.Difference("coverage", 0.889, 0.853, -0.049, -0.025),
        compare.Difference("net_per_case", 17.23, 15.63, -2.39, -0.86),
    ]
    assert compare.verdict(same, "Champion", "Challenger", 0.85, "customers", 20000, "month", "USD") == (
        "Champion is worth more: about $32,000 a month, a difference larger than the noise. Champion covers more "
        "of the work (89% against 85%). They do the same thing for about 9 in 10 customers (85%). "
        "The numbers favour Champion."
    )
    tie = [compare.Difference(f, 0.5, 0.5, -0.01, 0.01) for f in compare.FIGURES]
    assert compare.verdict(tie, "A", "B", 0.97, "tickets", None, None, "USD").endswith(
        "Accuracy and coverage are the same within the noise. They do the same thing for about 97 in 100 tickets "
        "(97%). The numbers do not decide between them: choose on cost, simplicity or explainability."
    )


def test_without_business_values_the_verdict_never_weighs_value_or_shows_zero_dollars():
    differences = [
        compare.Difference("accuracy_acted", 0.83, 0.88, 0.02, 0.08),
        compare.Difference("coverage", 0.9, 0.9, -0.01, 0.01),
        compare.Difference("net_per_case", 0.0, 0.0, 0.0, 0.0),
    ]
    said = compare.verdict(differences, "A", "B", 0.9, "customers", None, None, "USD", values_set=False)
    assert said == (
        "No business values are set, so the two are not compared on value. B is right more often when it acts "
        "(88% against 83%). They do the same thing for about 9 in 10 customers (90%). Without business values the "
        "numbers cannot weigh being right against covering more: set them in bundle.yaml to let them decide."
    )
    assert "$" not in said


def test_segment_winners_cover_every_row():
    data_a = EvalSet.binary([1, 0, 1, 0], [0.9, 0.7, 0.3, 0.2], VALUES)
    data_b = EvalSet.binary([1, 0, 1, 0], [0.9, 0.3, 0.7, 0.2], VALUES)
    table = compare.segment_winners(data_a, POINT, data_b, POINT, pd.Series(["x", "x", "y", "y"]))
    assert table["n"].sum() == 4
    assert table.set_index("segment")["wins"].to_dict() == {"x": "B", "y": "B"}


def test_grouped_pairs_match_resampling_rows():
    """Drawing pairs of outcomes as groups is a shortcut, not an approximation."""
    from core.evaluation.metrics import outcomes

    rng = np.random.default_rng(8)
    truth = rng.integers(0, 2, 3000)
    base = np.clip(truth * 0.3 + rng.random(3000) * 0.7, 0, 1)
    a = EvalSet.binary(truth, base, VALUES)
    b = EvalSet.binary(truth, np.clip(base + rng.normal(0, 0.08, 3000), 0, 1), VALUES)
    point = OperatingPoint(0.5, 0.6)
    fast = compare.paired(a, point, b, point, samples=4000)[0]
    out_a, out_b = outcomes(a, point), outcomes(b, point)
    draws = np.random.default_rng(1).integers(0, 3000, size=(2000, 3000))
    acc = lambda out: (out.acted & out.correct)[draws].sum(1) / out.acted[draws].sum(1)  # noqa: E731
    slow = np.percentile(acc(out_b) - acc(out_a), [2.5, 97.5])
    assert fast.low == pytest.approx(slow[0], abs=0.003)
    assert fast.high == pytest.approx(slow[1], abs=0.003)


def test_the_same_outcomes_written_as_true_false_and_as_one_zero_are_the_same_rows(tmp_path):
    from core.publishing.publish import publish

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=300), "p": rng.random(300)})
    frame["left"] = rng.random(300) < 0.3
    as_bool = publish(
        None, frame, target="left", task="binary", out=tmp_path / "b", predictions="p", positive_class=True
    )
    as_codes = publish(None, frame.assign(left=frame["left"].astype(int)), target="left", task="binary",
                       out=tmp_path / "c", predictions="p", positive_class=1)  # fmt: skip
    assert compare.rows_problem(as_bool, as_codes) is None
    flipped = publish(None, frame.assign(left=~frame["left"]), target="left", task="binary", out=tmp_path / "d",
                      predictions="p", positive_class=True)  # fmt: skip
    assert compare.rows_problem(as_bool, flipped) == (
        "Their evaluation rows differ: the true outcome disagrees on 300 rows. "
        "Publish both with the same evaluation file to compare them."
    )
