"""The Performance page's sentences: exact wording, and when each one stays silent."""

from __future__ import annotations

import pandas as pd
import pytest

from core.bundles.contract import BundleSpec, Business, OperatingPoint, Tolerance
from core.evaluation import breakdown
from core.evaluation.metrics import Estimate, EvalSet, bootstrap, kpis, outcomes
from core.evaluation.tradeoff import Best
from core.words import narrative
from tests.helpers import make_spec

VALUES = {"true_positive": 120, "false_positive": -50, "false_negative": 0, "true_negative": 0, "abstain": -5}
HAND = EvalSet.binary([1, 0, 1, 0, 1, 0, 0, 1], [0.95, 0.8, 0.55, 0.45, 0.3, 0.05, 0.7, 0.42], VALUES, volume=20000)


def spec(**kw) -> BundleSpec:
    fields = dict(
        event="cancelled",
        positive_class="yes",
        business=Business(currency="USD", volume=20000, per="month", values=VALUES),
    )
    return make_spec(**{**fields, **kw})


def test_people_counts_scale_to_the_monthly_volume():
    k = kpis(HAND, OperatingPoint(0.5, 0.6))
    assert narrative.people(k, spec()).sentence == (
        "Of 20,000 customers a month, the model acts on 12,500 itself and hands 7,500 to a person."
    )
    no_volume = spec(business=Business(values=VALUES))
    assert narrative.people(k, no_volume).sentence == (
        "Of the 8 test customers, the model acts on 5 itself and hands 3 to a person."
    )


def test_people_mentions_unseen_requests():
    data = EvalSet.multiclass([0, -1, 1, -1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.55, 0.45]], volume=1000)
    k = kpis(data, OperatingPoint(min_confidence=0.6))
    tickets = spec(task="multiclass", subject="ticket", subjects="tickets", business=Business(volume=1000, per="week"))
    assert narrative.people(k, tickets).sentence == (
        "Of 1,000 tickets a week, the model acts on 750 itself and hands 250 to a person. "
        "500 of all 1,000 ask for something it was never trained on."  # more than were handed over: all, not them
    )


def test_best_point_sentence_and_silence_when_already_there():
    k = kpis(HAND, OperatingPoint(0.5, 0.6))  # net (120 - 50 + 0 + 0 - 50 - 15) / 8 + 5 = 5.625 -> 112,500
    best = Best(OperatingPoint(0.24, 0.0), net_per_case=20.0, net_per_period=400_000.0)
    found = narrative.best_point(best, k, OperatingPoint(0.5, 0.6), spec())
    assert found.sentence == (
        "Net value is highest, about $400,000 a month, when the model flags a case from a 24% chance and "
        "always acts. That is $287,500 a month more than now."
    )
    same = Best(OperatingPoint(0.5, 0.6), k.net_per_case, k.net_per_period)
    assert narrative.best_point(same, k, OperatingPoint(0.5, 0.6), spec()).sentence == (
        "This is already the setting with the highest net value."
    )


def test_small_sample_caution_present_and_absent():
    few = bootstrap(outcomes(HAND, OperatingPoint(0.5, 0.6)))
    finding = narrative.small_sample(few, spec())
    assert finding.severity == narrative.WARNING
    assert finding.sentence.startswith("Only 5 customers stand behind the accuracy figure. It could be anywhere from ")
    many = type(few)(**{**few.__dict__, "accuracy_acted": Estimate(0.8, 0.78, 0.82, 3000)})
    assert narrative.small_sample(many, spec()) is None
    none = type(few)(**{**few.__dict__, "accuracy_acted": Estimate(float("nan"), float("nan"), float("nan"), 0)})
    assert narrative.small_sample(none, spec()).sentence == (
        "No cases stand behind the accuracy figure at this setting, so there is nothing to judge it by."
    )


def test_binary_outcome_sentence():
    o = breakdown.binary_outcomes(HAND, OperatingPoint(0.5, 0.6))
    assert narrative.binary_outcomes(o, spec()).sentence == (
        "Of the 4 customers who cancelled, the model flagged 1 and missed 1. It handed 2 to a person. "
        "It also flagged 2 of the 4 who did not."
    )


def test_calibration_sentences():
    honest = pd.Series({"stated": 0.78, "observed": 0.77})
    assert narrative.calibration(honest, 0.015).sentence == (
        "When the model says it is about 78% sure, it is right 77% of the time. Its confidence can be taken at face "
        "value, within the noise of this many cases."
    )
    proud = pd.Series({"stated": 0.75, "observed": 0.24})
    found = narrative.calibration(proud, 0.28)
    assert found.sentence == (
        "When the model says it is about 75% sure, it is right 24% of the time. It is more sure of itself than it "
        "should be, off by 28 points on average."
    )
    assert found.severity == narrative.WARNING
    assert narrative.calibration(None, 0.1) is None


def test_calibration_names_the_share_it_was_never_built_for_in_a_sentence_of_its_own(demo_root):
    from core.bundles.bundle import load_bundle

    spec = load_bundle(demo_root / "support-router").spec
    honest = pd.Series({"stated": 0.78, "observed": 0.77})
    assert narrative.calibration(honest, 0.015, left_out=0.2, spec=spec).sentence == (
        "When the model says it is about 78% sure, it is right 77% of the time. Its confidence can be taken at face "
        "value, within the noise of this many cases. This is measured on the tickets it was built for; the 20% it "
        "was never built for are wrong whatever it says, and count against its coverage instead."
    )


def test_a_calibration_gap_inside_the_noise_is_no_warning():
    # 72 cases, said 97%, right 100%: the 95% range of 72 out of 72 reaches down to 95%
    from core.evaluation.breakdown import wilson

    low, high = wilson(72, 72)
    bin_ = pd.Series({"stated": 0.97, "observed": 1.0, "n": 72, "low": low, "high": high})
    excess = max(low - 0.97, 0) + max(0.97 - high, 0)
    found = narrative.calibration(bin_, 0.12, excess, 500)
    assert found.severity == narrative.INFO
    assert found.sentence.endswith("Its confidence can be taken at face value, within the noise of this many cases.")
    few = narrative.calibration(bin_, 0.12, 0.2, 60)
    assert few.sentence == "There are too few test cases (60) to tell whether its stated confidence holds."


def test_wilson_ranges_match_the_textbook():
    from core.evaluation.breakdown import wilson

    low, high = wilson(8, 10)  # Wilson 95% for 8 of 10: 0.4902 to 0.9433
    assert (round(float(low), 4), round(float(high), 4)) == (0.4902, 0.9433)


def test_weakest_segment_sentence_and_small_gaps():
    overall = kpis(HAND, OperatingPoint(0.5, 0.6))  # 40% right when it acts
    row = pd.Series({"segment": "South", "accuracy_acted": 0.25, "acted": 120})
    assert narrative.weakest_segment(row, "Region", overall, spec()).sentence == (
        "It does worst for region South. There it is right 25% of the time when it acts, against 40% overall "
        "(120 customers)."
    )
    close = pd.Series({"segment": "South", "accuracy_acted": 0.39, "acted": 120})
    assert narrative.weakest_segment(close, "Region", overall, spec()) is None
    # 25% of 20 cases: the range (11% to 47%) reaches the overall 40%, so it is noise, not a finding
    noisy = pd.Series(
        {"segment": "South", "accuracy_acted": 0.25, "acted": 20, "accuracy_low": 0.11, "accuracy_high": 0.47}
    )
    assert narrative.weakest_segment(noisy, "Region", overall, spec()) is None
    clear = noisy.copy()
    clear[["acted", "accuracy_low", "accuracy_high"]] = [400, 0.21, 0.29]
    assert narrative.weakest_segment(clear, "Region", overall, spec()).sentence.endswith(
        "against 40% overall (400 customers, range 21% to 29%)."
    )


def test_regression_error_sentences():
    data = EvalSet.regression(
        [2.0, 3.0, 4.0, 5.0],
        [2.5, 3.2, 6.0, 4.0],
        Tolerance(absolute=1.0),
        {"per_unit_error": -6.0, "abstain": -5.0},
        volume=30000,
    )
    delivery = spec(
        task="regression",
        target="delivery_hours",
        subject="order",
        subjects="orders",
        tolerance=Tolerance(absolute=1.0),
        business=Business(volume=30000, per="month", values={"per_unit_error": -6.0, "abstain": -5.0}),
    )
    summary = breakdown.error_summary(data)
    assert narrative.regression_errors(summary, delivery).sentence == (
        "75% of estimates are within 1 hour. A typical estimate is off by 0.75 hours. "
        "Errors cost about $166,500 a month."
    )
    table = pd.DataFrame(
        {"segment": ["Partner B"], "share_of_rows": [0.2], "share_of_large": [0.59], "ratio": [3.0], "large": [189]}
    )
    assert narrative.large_errors(table, "Carrier", delivery, 1.0).sentence == (
        "Misses of more than 1 hour pile up in carrier Partner B. It has 20% of orders but 59% of those misses."
    )
    assert narrative.large_errors(table.assign(ratio=1.2), "Carrier", delivery, 1.0) is None
    assert narrative.large_errors(table, "Carrier", delivery, 2.0).sentence.startswith(
        "Misses of more than 2 hours pile up"
    )


@pytest.mark.parametrize(
    "control, sentence",
    [
        (
            "threshold",
            "Net value along the chance needed to flag, with the confidence needed to act held at 60%: highest along "
            "it $300 a month, from a 20% chance (now $100 at 50%); the best-value setting, a 55% chance and 40% sure, "
            "earns $457 a month",
        ),
        (
            "min_confidence",
            "Net value along the confidence needed to act, with the chance needed to flag held at 60%: highest along "
            "it $300 a month, from 20% sure (now $100 at 50%); the best-value setting, a 55% chance and 40% sure, "
            "earns $457 a month",
        ),
    ],
)
def test_a_curve_that_misses_the_best_setting_names_its_own_top_beside_the_best_value(control, sentence):
    from core.bundles.contract import OperatingPoint
    from core.evaluation.tradeoff import Best

    curve = pd.DataFrame({control: [0.2, 0.5, 0.8], "net_per_period": [300.0, 100.0, -50.0]})
    best = Best(OperatingPoint(0.55, 0.4), 457 / 20000, 457.0)
    now = OperatingPoint(0.5, 0.6) if control == "threshold" else OperatingPoint(0.6, 0.5)
    title = narrative.curve_title(curve, control, now, spec(), held=0.6, best=best, now_value=100.0)
    assert title == sentence
    assert "at most" not in title


def test_a_curve_through_the_best_setting_calls_its_top_the_best_and_says_where_now_is_when_off_it():
    from core.bundles.contract import OperatingPoint
    from core.evaluation.tradeoff import Best

    curve = pd.DataFrame({"threshold": [0.2, 0.55, 0.8], "net_per_period": [300.0, 457.0, -50.0]})
    best = Best(OperatingPoint(0.55, 0.4), 457 / 20000, 457.0)
    title = narrative.curve_title(curve, "threshold", OperatingPoint(0.5, 0.6), spec(), 0.4, best, 100.0)
    assert title == (
        "Net value along the chance needed to flag, with the confidence needed to act held at 40%: highest, $457 a "
        "month, at the best-value setting, from a 55% chance (now $100 at a 50% chance and 60% sure)"
    )


def test_people_when_the_model_handles_everything():
    data = EvalSet.regression([2.0, 3.0], [2.5, 3.2], Tolerance(absolute=1.0), volume=30000)
    delivery = spec(
        task="regression",
        target="delivery_hours",
        subject="order",
        subjects="orders",
        business=Business(volume=30000, per="month"),
    )
    assert narrative.people(kpis(data, OperatingPoint()), delivery).sentence == (
        "Of 30,000 orders a month, the model acts on all 30,000 itself."
    )


def test_histogram_title():
    data = EvalSet.regression([2.0, 3.0, 4.0, 5.0], [2.5, 3.2, 6.0, 4.0], Tolerance(absolute=1.0))
    delivery = spec(task="regression", target="delivery_hours", tolerance=Tolerance(absolute=1.0))
    assert narrative.histogram_title(breakdown.error_summary(data), delivery) == (
        "75% of estimates land within 1 hour; 75% are too high"
    )


def test_a_control_that_changes_nothing_says_why():
    churn = spec()
    assert narrative.idle_settings(OperatingPoint(0.5, 0.6), churn, 0.5) == [
        "While it must be 60% sure to act, it acts only on customers with a chance of 60% or more, or 40% or less, "
        "so any chance needed above 40% and up to 60% makes the same decisions: the chance needed changes nothing here."
    ]
    assert narrative.idle_settings(OperatingPoint(0.3, 0.5), churn, 0.5) == [
        "It is at least 50% sure of every customer in the tests, so needing 50% lets it act on all of them: the "
        "confidence needed changes nothing here until it is above 50%."
    ]
    assert narrative.idle_settings(OperatingPoint(0.7, 0.6), churn, 0.5) == []  # both move decisions


def test_what_the_idle_sentences_claim_is_true_of_the_decisions(demo_root):
    """Within the range the sentence names, every chance needed gives the same decisions; at a
    confidence needed no higher than the least sure case, it acts on every case."""
    import numpy as np

    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics

    bundle = load_bundle(demo_root / "churn-gbm")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    decided = [outcomes(data, OperatingPoint(t, 0.6)).value for t in np.round(np.arange(0.41, 0.605, 0.01), 2)]
    assert all(np.array_equal(d, decided[0]) for d in decided)
    assert not np.array_equal(outcomes(data, OperatingPoint(0.62, 0.6)).value, decided[0])  # beyond it, they move
    lowest = float(data.confidence.min())
    assert kpis(data, OperatingPoint(0.5, lowest)).acted == data.n
