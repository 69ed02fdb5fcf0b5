"""The model card lists what the team has not written yet, and sets computed facts beside it."""

from __future__ import annotations

from core.bundles.contract import BundleSpec, OperatingPoint
from core.evaluation import metrics
from core.words import card
from tests.helpers import make_spec


def spec(card_fields) -> BundleSpec:
    return make_spec(card=card_fields)


def test_missing_fields_are_listed_in_order():
    written = spec({"intended_use": "Rank customers.", "limitations": "  ", "training_data": "2025 customers."})
    assert card.missing_fields(written) == ["Not for", "Limitations", "Ethical considerations"]
    assert card.gap_sentence(written) == (
        "The team has not yet written 3 of the 5 parts of this card: Not for, Limitations and Ethical "
        "considerations. Add them under `card:` in bundle.yaml."
    )
    assert [s.missing for s in card.sections(written)] == [False, True, False, True, True]


def test_a_complete_card_has_no_gaps():
    complete = spec({key: "Written." for key in card.CARD_FIELDS})
    assert card.missing_fields(complete) == [] and card.gap_sentence(complete) is None


def test_facts_come_from_the_computed_figures():
    data = metrics.EvalSet.binary([1, 0, 1, 0], [0.9, 0.2, 0.3, 0.8], {"true_positive": 1})
    result = metrics.headline(data, OperatingPoint())
    found = dict(card.facts(spec({}), 4, result, ["Contract type"], [], None, "always acts"))
    assert found["Evaluated on"] == "4 held-out customers"
    assert found["Right when it acts"].startswith("50% (95% range ")
    assert found["Relies most on"] == "Contract type"
    assert found["Known weak groups"] == "none stands out"
