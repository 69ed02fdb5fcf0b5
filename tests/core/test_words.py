"""Counts, units and class names read as words, from one place (core/format.py)."""

from __future__ import annotations

import pytest

from core import format as fmt
from core.bundles.contract import FeatureInfo
from core.explaining import whatif
from core.words import narrative
from tests.helpers import make_spec


@pytest.mark.parametrize(
    "value, unit, shown",
    [(1, "calls", "1 call"), (2, "calls", "2 calls"), (1, "mentions", "1 mention"), (0, "mentions", "0 mentions"),
     (1, "categories", "1 category"), (1, "USD", "1 USD"), (1, None, "1"), (1.0, "hours", "1 hour")],
)  # fmt: skip
def test_a_unit_is_singular_for_exactly_one(value, unit, shown):
    assert fmt.quantity(value, unit) == shown


def test_a_feature_value_reads_with_its_unit_in_the_right_number():
    spec = make_spec(features={"support_calls": FeatureInfo(name="support_calls", label="Support calls", unit="calls")})
    assert narrative.shown_value(1, "support_calls", spec) == "1 call"
    assert narrative.shown_value(3, "support_calls", spec) == "3 calls"
    assert narrative.shown_value(1.5, "support_calls", spec) == "1.5 calls"


def test_a_digit_class_reads_as_a_class_never_as_a_bare_number():
    decision = whatif.Decision(acts=True, answer="9", chance=0.8, confidence=0.8)
    spec = make_spec(task="multiclass", subject="ticket", subjects="tickets")
    assert whatif.decision_sentence(decision, spec, "multiclass") == (
        "The model is 80% sure it is class 9, so it would send this ticket to class 9."
    )
    assert fmt.class_label("billing") == "billing"


def test_a_scenario_reports_the_predicted_outcome_apart_from_the_value_of_decisions():
    import pandas as pd

    from core.bundles.contract import Business

    spec = make_spec(
        event="cancelled",
        positive_class="yes",
        business=Business(currency="USD", volume=20000, per="month", values={"true_positive": 120, "abstain": -5}),
    )
    contract = whatif.Control(name="contract", label="Contract type", numeric=False, unit=None, actionable=True)
    result = whatif.ScenarioResult(
        rows=4000,
        flips=pd.DataFrame({"from": ["not flag"], "to": ["flag"], "count": [700]}),
        acted_before=3000,
        acted_after=3400,
        value_before=100_000.0,
        value_after=194_245.0,
        events_before=820.0,
        events_after=1130.0,
    )
    sentence = whatif.scenario_sentence(result, whatif.Rule("contract", "set", "month-to-month"), contract, spec)
    assert sentence == (
        "By the model's predictions, setting contract type to month-to-month for 4,000 test customers means about "
        "310 more of them would cancel (1,130 instead of 820). The model's decision changes for 700 of them. "
        "It would act on 3,400 itself instead of 3,000. Its decisions on them would be worth about $94,245 a month "
        "more by its own predictions only because more of them would cancel, leaving more to act on: that is no gain "
        "from the change."
    )
    fewer = whatif.ScenarioResult(**{**result.__dict__, "events_after": 600.0})  # fewer cancel: the value as it is
    assert whatif.scenario_sentence(fewer, whatif.Rule("contract", "set", "two-year"), contract, spec).endswith(
        "The value of its decisions on them, at this setting and by its own predictions, would rise by about $94,245 "
        "a month: that is what acting on the predictions is worth, not money the change itself earns."
    )
    # the difference said is the difference of the two counts shown, however they round
    odd = whatif.ScenarioResult(**{**result.__dict__, "events_before": 820.4, "events_after": 1130.6})
    assert "about 311 more of them would cancel (1,131 instead of 820)" in whatif.scenario_sentence(
        odd, whatif.Rule("contract", "set", "month-to-month"), contract, spec
    )


def test_small_percent_axes_show_a_decimal():
    from core.outputs.charts import percent_format

    assert percent_format([0.003, 0.012, 0.004]) == ".1%"
    assert percent_format([0.2, 0.05]) == ".0%"


def test_a_missing_value_reads_unknown():
    spec = make_spec()
    assert narrative.shown_value(None, "satisfaction", spec) == "unknown"
    assert narrative.shown_value(float("nan"), "satisfaction", spec) == "unknown"


def test_the_glossary_defines_each_word_of_the_vocabulary_once():
    from core.words.glossary import TERMS

    for term in ("Acts on", "Covers (coverage)", "Hands to a person", "Best-value setting"):
        assert term in TERMS
    assert "acts on them, and they are the kind it was built for" in TERMS["Covers (coverage)"]
    assert "handles" not in " ".join(TERMS.values()).replace("people handling", "")
