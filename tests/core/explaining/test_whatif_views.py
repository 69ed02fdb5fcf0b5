"""What the What-if page draws, computed in core: exact tiles, reasons, starting values and rule groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.bundles.bundle import load_bundle
from core.bundles.contract import OperatingPoint
from core.explaining import whatif
from core.explaining.explain import RowExplainer
from core.explaining.whatif import views
from core.explaining.whatif.case import Assessment, Decision

AGE = whatif.Control("age", "Age", True, "years", False, 18.0, 90.0, whole=True)
PLAN = whatif.Control("plan", "Plan", False, None, True, options=("basic", "pro"))


def assessment(shown, answer: str, chance: float, output: int = 0) -> Assessment:
    return Assessment(Decision(True, answer, chance, chance), np.asarray(shown, float), np.zeros(2), 0.0, output)


def test_a_multiclass_move_compares_the_same_class_before_and_after():
    classes = ("billing", "refund_request", "shipping")
    before = assessment([0.01, 0.30, 0.69], "shipping", 0.69, 2)  # the original case: 30% refund
    now = assessment([0.04, 0.64, 0.32], "refund_request", 0.64, 1)
    first, decision, changes = views.tiles(now, before, "multiclass", classes, 1)
    assert first == views.Tile("Sure it is refund_request", "64%", "+34 points")  # 64 - 30, not 64 - 69
    assert decision == views.Tile("Decision", "refund_request")
    assert changes == views.Tile("Changes from the original", "1")


def test_binary_and_regression_tiles():
    before, now = assessment([0.8, 0.2], "not flag", 0.2), assessment([0.35, 0.65], "flag", 0.65)
    assert views.tiles(now, before, "binary", ("no", "yes"), 2)[0] == views.Tile("Chance", "65%", "+45 points")
    assert views.tiles(before, before, "binary", ("no", "yes"), 0)[0] == views.Tile("Chance", "20%", None)
    before, now = assessment([3.5], "3.50", 3.5), assessment([4.25], "4.25", 4.25)
    assert views.tiles(now, before, "regression", None, 1)[0] == views.Tile("Estimate", "4.25", "+0.75")


def test_reasons_keep_the_strongest_and_sum_the_rest():
    columns = [f"f{i}" for i in range(10)]
    labels = {c: c.upper() for c in columns}
    values = {c: i for i, c in enumerate(columns)}
    contributions = [0.01, -0.5, 0.2, 0.03, -0.02, 0.4, 0.05, -0.06, 0.07, 0.001]
    rows = views.reason_rows(columns, labels, values, contributions, top=3)
    assert rows["label"].tolist() == ["F1", "F5", "F2", "7 other features"]
    assert rows["contribution"].iloc[3] == pytest.approx(0.01 + 0.03 - 0.02 + 0.05 - 0.06 + 0.07 + 0.001)
    assert views.reason_rows(columns[:2], labels, values, contributions[:2], top=3)["label"].tolist() == ["F1", "F0"]


def test_a_link_edit_that_is_not_a_number_keeps_the_case_value_and_says_so():
    values, notices = views.starting_values([AGE, PLAN], {"age": 40, "plan": "basic"}, {"age": "old", "plan": "pro"})
    assert values == {"age": 40.0, "plan": "pro"}
    assert notices == ["The link set Age to 'old', which is not a usable number, so the case's own value is shown."]
    assert views.reset_values([AGE, PLAN], {"age": 40, "plan": None}) == {"age": 40.0, "plan": None}


def test_hints_rules_and_groups(demo_root):
    assert views.control_hint(PLAN) == "Seen: basic, pro."
    assert views.rule_actions(AGE) == ["set to", "shift by", "scale by"]
    assert views.rule_actions(PLAN) == ["set to"]
    bundle = load_bundle(demo_root / "churn-gbm")
    groups = views.scenario_groups(bundle.eval, bundle.spec)
    regions = bundle.eval["region"].astype(str).value_counts()
    assert groups[0] == "All test cases"
    assert groups[1] == f"Region = {regions.index[0]}"
    assert len(groups) == 1 + regions.size + bundle.eval["plan"].nunique()
    mask = views.group_mask(bundle.eval, bundle.spec, groups[1])
    assert mask.sum() == regions.iloc[0]
    assert views.group_mask(bundle.eval, bundle.spec, groups[0]).all()


def test_the_case_values_and_the_flip_answer_of_a_demo_case(demo_root):
    bundle = load_bundle(demo_root / "churn-gbm")
    X, point = bundle.X, OperatingPoint(0.5, 0.0)
    original = views.case_values(X, 3)
    assert original == {name: X.iloc[3][name] for name in X.columns}
    controls = whatif.controls(X, bundle.spec)
    explainer = RowExplainer(bundle.model, X, bundle.spec.task, bundle.classes, bundle.positive_class)
    positive = bundle.classes.index(bundle.positive_class)
    now = whatif.assess(explainer, original, X, point, controls, positive)
    assert views.predicted(now, "binary", positive) == pytest.approx(
        bundle.model.predict_proba(X.iloc[[3]])[0, positive]
    )
    said, found = views.flip_answer(explainer, {}, original, X, controls, now.decision, bundle.spec, point,
                                    bundle.classes, positive)  # fmt: skip
    flip = whatif.smallest_flip(explainer.shown, original, X, controls, now.decision, "binary", point,
                                bundle.classes, positive)  # fmt: skip
    assert said == whatif.flip_sentence(flip, controls, now.decision, bundle.spec, "binary")
    assert found == (flip is not None)


def test_case_values_read_missing_numbers_as_none():
    frame = pd.DataFrame({"a": [np.nan], "b": ["x"]})
    assert views.case_values(frame, 0) == {"a": None, "b": "x"}
