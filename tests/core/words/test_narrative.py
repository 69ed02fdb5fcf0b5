"""Sentences are generated from the numbers, and say exactly this."""

from __future__ import annotations

import pytest

from core import format as fmt
from core.bundles.contract import BundleSpec, Business, OperatingPoint, Tolerance
from core.evaluation.metrics import EvalSet, kpis
from core.words import narrative
from tests.helpers import make_spec


def spec(task="binary", **kw) -> BundleSpec:
    fields = dict(task=task, business=Business(currency="USD", volume=20000, per="month", values={}))
    return make_spec(**{**fields, **kw})


@pytest.mark.parametrize(
    "share, words",
    [
        (0.0, "no"),
        (0.004, "almost no"),
        (0.05, "about 1 in 20"),
        (0.0949, "about 1 in 11"),
        (0.5, "about 5 in 10"),
        (0.816, "about 8 in 10"),
        (0.96, "about 96 in 100"),
        (0.996, "nearly all"),
        (1.0, "all"),
    ],
)
def test_natural_frequencies(share, words):
    assert fmt.frequency(share) == words


@pytest.mark.parametrize(
    "amount, currency, compact, shown",
    [
        (142180, "USD", False, "$142,180"),
        (-31095.2, "USD", True, "-$31.1k"),
        (2.5, "EUR", False, "€2.50"),
        (1_250_000, "GBP", True, "£1.2M"),
        (1230, "hours", False, "1,230 hours"),
    ],
)
def test_money(amount, currency, compact, shown):
    assert fmt.money(amount, currency, compact=compact) == shown


HAND_BINARY = dict(truth=[1, 0, 1, 0, 1, 0, 0, 1], p_positive=[0.95, 0.8, 0.55, 0.45, 0.3, 0.05, 0.7, 0.42])


def test_headline_binary_losing_money():
    values = {"true_positive": 180, "false_positive": -20, "false_negative": -220, "abstain": -8}
    data = EvalSet.binary(**HAND_BINARY, values=values, volume=20000)
    finding = narrative.headline(
        kpis(data, OperatingPoint(0.5, 0.6)),
        spec(business=Business(currency="USD", volume=20000, per="month", values=values)),
    )
    # value per case -104/8 = -13, baseline -8: net -5 per customer x 20,000 a month
    assert finding.sentence == (
        "The model acts on about 6 in 10 customers itself (63%). It is right about 4 in 10 times when it acts (40%). "
        "That loses about $100,000 a month compared with having people handle every customer."
    )
    assert finding.severity == narrative.WARNING
    assert finding.numbers == {"coverage": 0.625, "accuracy_acted": 0.4, "worth": -100000.0, "n": 8}


def test_headline_binary_earning_money_per_case_without_volume():
    values = {"true_positive": 180, "false_positive": -20, "false_negative": -20, "abstain": -8}
    data = EvalSet.binary(**HAND_BINARY, values=values)
    no_volume = spec(business=Business(currency="EUR", values=values))
    finding = narrative.headline(kpis(data, OperatingPoint(0.5, 0.0)), no_volume)
    # TP 180, FP -20, TP 180, TN 0, FN -20, TN 0, FP -20, FN -20 -> 280 / 8 = 35, +8 over people
    assert finding.sentence == (
        "The model acts on all customers itself (100%). It is right about 5 in 10 times when it acts (50%). "
        "That is worth about €43 per customer more than having people handle every customer."
    )
    assert finding.severity == narrative.INFO


def test_headline_when_the_model_acts_on_nothing():
    data = EvalSet.binary(**HAND_BINARY, values={"abstain": -8}, volume=20000)
    finding = narrative.headline(kpis(data, OperatingPoint(0.5, 0.99)), spec())
    assert finding.sentence == (
        "At this setting the model acts on none of the 8 customers. People handle every one, so it adds no value yet."
    )


def delivery_spec(business: Business) -> BundleSpec:
    """Delivery-time estimates in hours, right within an hour."""
    return spec(
        task="regression",
        target="delivery_hours",
        subject="order",
        subjects="orders",
        tolerance=Tolerance(absolute=1.0),
        business=business,
    )


def test_headline_regression():
    data = EvalSet.regression(
        [2.0, 3.0, 4.0, 5.0],
        [2.5, 3.2, 6.0, 5.0],
        Tolerance(absolute=1.0),
        {"per_unit_error": -6.0, "abstain": -5.0},
        volume=30000,
    )
    delivery = delivery_spec(
        Business(currency="USD", volume=30000, per="month", values={"per_unit_error": -6.0, "abstain": -5.0})
    )
    finding = narrative.headline(kpis(data, OperatingPoint()), delivery)
    # errors .5 .2 2 0 -> 3 of 4 within an hour; value -6 * 2.7 / 4 = -4.05, +5 over people = .95 x 30,000
    assert finding.sentence == (
        "The estimate is within 1 hour for about 8 in 10 orders (75%). "
        "That is worth about $28,500 a month more than having people handle every order."
    )


def test_out_of_scope_finding_present_and_absent():
    proba = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]
    tickets = spec(task="multiclass", subject="ticket", subjects="tickets")
    with_unseen = kpis(EvalSet.multiclass([0, 1, -1, 0], proba), OperatingPoint())
    finding = narrative.out_of_scope(with_unseen, tickets)
    assert finding.sentence == (
        "About 3 in 10 tickets (25%) ask for something the model was never trained on. "
        "Its 67% accuracy in tests only covers the rest."
    )
    assert finding.numbers == {"out_of_scope": 0.25, "accuracy_in_scope": pytest.approx(2 / 3)}
    all_known = kpis(EvalSet.multiclass([0, 1, 0, 1], proba), OperatingPoint())
    assert narrative.out_of_scope(all_known, tickets) is None
    assert [f.code for f in narrative.summary(with_unseen, tickets)] == ["headline", "out_of_scope"]


@pytest.mark.parametrize(
    "share, shown", [(0.625, "63%"), (0.8163, "82%"), (0.005, "1%"), (0.0, "0%"), (float("nan"), "–")]
)
def test_percent_rounds_halves_up(share, shown):
    assert fmt.percent(share) == shown


def test_a_count_of_zero_reads_no_cases_never_none_cases():
    data = EvalSet.regression([2.0, 3.0, 4.0, 5.0], [9.0, 9.5, 12.0, 15.0], Tolerance(absolute=1.0), {})
    delivery = delivery_spec(Business(currency="USD", values={}))
    sentence = narrative.headline(kpis(data, OperatingPoint()), delivery).sentence
    assert sentence.startswith("The estimate is within 1 hour for no orders (0%).")
    always_wrong = EvalSet.binary(truth=[1, 0, 1, 0], p_positive=[0.1, 0.9, 0.2, 0.8], values={})
    sentence = narrative.headline(kpis(always_wrong, OperatingPoint(0.5, 0.0)), spec()).sentence
    assert sentence.startswith("The model acts on all customers itself (100%). It is never right when it acts (0%).")
    assert "none " not in sentence


def test_no_business_values_reads_as_not_set_never_as_zero_dollars():
    data = EvalSet.binary(**HAND_BINARY, values={})
    unset = spec(business=Business(currency="USD", values={"true_positive": 0, "abstain": 0}))
    k = kpis(data, OperatingPoint(0.5, 0.0))
    sentence = narrative.headline(k, unset).sentence
    assert sentence.endswith(
        "No business values are set for this model, so there is no net value to show: add the value of each "
        "outcome under business: value in bundle.yaml."
    )
    assert "$0" not in sentence
    assert narrative.decision(k, unset, OperatingPoint(0.5, 0.0), 0).sentence == (
        "The decision: let the model act at this setting? It would act on 8 customers in the test set itself; "
        "with no business values set, what that is worth is not known. Nothing above argues against it."
    )


def test_without_a_summary_the_executive_paragraph_starts_with_the_figures():
    data = EvalSet.binary(**HAND_BINARY, values={"true_positive": 10})
    k = kpis(data, OperatingPoint(0.5, 0.0))
    paragraph = narrative.executive(k, spec(business=Business(values={"true_positive": 10})), None).sentence
    assert paragraph.startswith("The model acts on all customers itself (100%).")
    assert "makes predictions about" not in paragraph


def test_two_numbers_side_by_side_are_written_with_the_same_decimals():
    from core.words.narrative.since_launch import traffic_median

    moved = traffic_median("Share of late payments", "late_share", 0.4, 0.49, "the week of 2 Nov", make_spec())
    assert moved.sentence == (
        "Since the week of 2 Nov, the share of late payments is lower: half are above 0.40, against 0.49 in the test data."
    )
    whole = traffic_median("Support calls", "calls", 3.0, 2.0, "the week of 2 Nov", make_spec())
    assert "half are above 3, against 2 in the test data" in whole.sentence
