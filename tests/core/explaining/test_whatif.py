"""What if: flips that really flip, scenarios that match direct predictions, and edits that never crash."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.app.links import edits_from_query, edits_to_query
from core.bundles.bundle import load_bundle
from core.bundles.contract import OperatingPoint
from core.explaining import whatif
from core.explaining.explain import RowExplainer


@pytest.fixture(scope="module", params=["churn-gbm", "support-router"])
def setup(request, demo_root):
    bundle = load_bundle(demo_root / request.param)
    explainer = RowExplainer(bundle.model, bundle.X, bundle.spec.task, bundle.classes, bundle.positive_class)
    controls = whatif.controls(bundle.X, bundle.spec)
    positive = bundle.classes.index(bundle.positive_class) if bundle.spec.task == "binary" else 1
    return bundle, explainer, controls, positive


def test_controls_describe_the_data(demo_root):
    bundle = load_bundle(demo_root / "churn-gbm")
    by_name = {c.name: c for c in whatif.controls(bundle.X, bundle.spec)}
    tenure = by_name["tenure_months"]
    assert (tenure.numeric, tenure.whole, tenure.unit, tenure.actionable) == (True, True, "months", False)
    assert (tenure.low, tenure.high) == (bundle.X["tenure_months"].min(), bundle.X["tenure_months"].max())
    assert set(by_name["contract"].options) == {"month-to-month", "one-year", "two-year"}
    assert by_name["contract"].actionable and not by_name["age"].actionable


@pytest.fixture(scope="module", params=["churn-gbm", "churn-logreg"])
def flippable(request, demo_root):
    """Models whose features the flip search may change (the router's message is changed word by word instead)."""
    bundle = load_bundle(demo_root / request.param)
    explainer = RowExplainer(bundle.model, bundle.X, bundle.spec.task, bundle.classes, bundle.positive_class)
    positive = bundle.classes.index(bundle.positive_class)
    return bundle, explainer, whatif.controls(bundle.X, bundle.spec), positive


def test_found_flips_really_flip_and_never_touch_what_cannot_change(flippable):
    bundle, explainer, controls, positive = flippable
    point = bundle.spec.operating_point
    frozen = {c.name for c in controls if not c.actionable}
    found = 0
    for row in range(0, 600, 20):
        case = bundle.X.iloc[row].to_dict()
        before = whatif.assess(explainer, case, bundle.X, point, controls, positive).decision
        flip = whatif.smallest_flip(
            explainer.shown,
            case,
            bundle.X,
            controls,
            before,
            bundle.spec.task,
            point,
            bundle.classes,
            positive,
            seconds=2.0,
        )
        if flip is None:
            continue
        found += 1
        assert not {name for name, _, _ in flip.changes} & frozen
        edited = dict(case)
        for name, was, now in flip.changes:
            assert str(was) == str(case[name]) or (isinstance(was, float) and math.isnan(was))
            edited[name] = now
        after = whatif.assess(explainer, edited, bundle.X, point, controls, positive).decision
        assert not after.same_as(before)
        assert after.same_as(flip.decision)
    assert found >= 20


def test_scenario_counts_match_predictions_recomputed_directly(setup):
    bundle, explainer, controls, positive = setup
    spec, X, point = bundle.spec, bundle.X, bundle.spec.operating_point
    categorical = next(c for c in controls if not c.numeric and c.actionable)
    rule = whatif.Rule(categorical.name, "set", categorical.options[-1])
    mask = np.zeros(len(X), bool)
    mask[::3] = True
    result = whatif.scenario(explainer.shown, X, rule, mask, spec.task, point, bundle.classes, spec, positive)
    changed = X[mask].copy()
    changed[categorical.name] = categorical.options[-1]
    before = whatif.decide(bundle.model.predict_proba(X[mask]), spec.task, point, bundle.classes, positive)
    after = whatif.decide(bundle.model.predict_proba(changed), spec.task, point, bundle.classes, positive)
    assert result.rows == mask.sum()
    assert int(result.flips["count"].sum()) == sum(not a.same_as(b) for a, b in zip(before, after, strict=True))
    assert result.acted_after == sum(d.acts for d in after)
    assert result.acted_before == sum(d.acts for d in before)


def test_a_scenario_from_cached_scores_predicts_only_the_rows_the_rule_changes(setup):
    bundle, explainer, controls, positive = setup
    spec, X, point = bundle.spec, bundle.X, bundle.spec.operating_point
    categorical = next(c for c in controls if not c.numeric and c.actionable)
    rule = whatif.Rule(categorical.name, "set", categorical.options[0])
    mask = np.ones(len(X), bool)
    mask[::2] = False
    asked = []

    def counted(frame):
        asked.append(len(frame))
        return explainer.shown(frame)

    fresh = whatif.scenario(explainer.shown, X, rule, mask, spec.task, point, bundle.classes, spec, positive)
    cached = whatif.scenario(
        counted, X, rule, mask, spec.task, point, bundle.classes, spec, positive, before_shown=explainer.shown(X)
    )
    differs = int((X[mask][categorical.name].astype(str) != categorical.options[0]).sum())
    assert asked == [differs] and cached.touched == differs
    assert (cached.acted_before, cached.acted_after) == (fresh.acted_before, fresh.acted_after)
    assert cached.value_after == pytest.approx(fresh.value_after) and cached.value_before == pytest.approx(
        fresh.value_before
    )
    pd.testing.assert_frame_equal(
        cached.flips.sort_values(["from", "to"]).reset_index(drop=True),
        fresh.flips.sort_values(["from", "to"]).reset_index(drop=True),
    )
    # the values are the per-row expected values summed, worked out here row by row from the definition
    shown = explainer.shown(X[mask])
    v = spec.business.values
    expected = 0.0
    for d, p in zip(whatif.decide(shown, spec.task, point, bundle.classes, positive), shown[:, positive], strict=True):
        if not d.acts:
            expected += v.get("abstain", 0.0)
        elif spec.task == "multiclass":  # right with the chance it gives its answer
            expected += d.confidence * v.get("correct", 0.0) + (1 - d.confidence) * v.get("wrong", 0.0)
        elif d.answer == "flag":
            expected += p * v.get("true_positive", 0.0) + (1 - p) * v.get("false_positive", 0.0)
        else:
            expected += p * v.get("false_negative", 0.0) + (1 - p) * v.get("true_negative", 0.0)
    assert cached.value_before == pytest.approx(expected * spec.business.volume / len(X))


def test_scenario_shift_and_scale_on_a_number(demo_root):
    bundle = load_bundle(demo_root / "delivery-eta")
    explainer = RowExplainer(bundle.model, bundle.X, "regression")
    mask = np.ones(len(bundle.X), bool)
    result = whatif.scenario(
        explainer.shown,
        bundle.X,
        whatif.Rule("distance_km", "shift", 10),
        mask,
        "regression",
        OperatingPoint(),
        None,
        bundle.spec,
    )
    shifted = bundle.X.assign(distance_km=bundle.X["distance_km"] + 10)
    assert result.mean_after == pytest.approx(bundle.model.predict(shifted).mean())
    assert result.mean_before == pytest.approx(bundle.model.predict(bundle.X).mean())
    doubled = whatif.Rule("weight_kg", "scale", 2).apply(bundle.X)
    np.testing.assert_allclose(doubled["weight_kg"], bundle.X["weight_kg"] * 2)


def test_sentences(demo_root):
    bundle = load_bundle(demo_root / "churn-gbm")
    controls = whatif.controls(bundle.X, bundle.spec)
    original = whatif.Decision(True, "flag", 0.72, 0.72)
    flip = whatif.Flip(
        (("contract", "month-to-month", "one-year"), ("monthly_charges", 80.0, 65.0)),
        whatif.Decision(True, "not flag", 0.3, 0.7),
        1.2,
    )
    assert whatif.flip_sentence(flip, controls, original, bundle.spec, "binary") == (
        "If the contract type were one-year and the monthly bill were 15 USD lower, "
        "the model would not flag this customer."
    )
    assert whatif.flip_sentence(None, controls, original, bundle.spec, "binary") == (
        "No change of up to three features the model may change flips its decision for this customer within the "
        "search time."
    )
    assert whatif.decision_sentence(original, bundle.spec, "binary") == (
        "The chance is 72%, so the model would flag this customer."
    )
    assert whatif.before_sentence(whatif.Decision(False, "flag", 0.55, 0.55), bundle.spec, "binary") == (
        "Before the change, the chance was 55% and the model would hand this customer to a person."
    )
    assert whatif.changed_sentence(
        {"contract": "one-year", "age": 40.0}, {"contract": "two-year", "age": 40}, controls
    ) == ["Contract type: one-year → two-year"]


def test_edits_round_trip_through_a_link():
    edits = {"contract": "one-year", "monthly_charges": 49.5}
    assert edits_from_query(edits_to_query(edits), ["contract", "monthly_charges", "age"]) == {
        "contract": "one-year",
        "monthly_charges": "49.5",
    }
    assert edits_from_query("nonsense|age:|unknown:3|age:41", ["age"]) == {"age": "41"}
    assert edits_from_query(None, ["age"]) == {}


def odd_values(control: whatif.Control):
    if control.numeric:
        return st.one_of(
            st.floats(allow_nan=True, allow_infinity=False, width=32),
            st.none(),
            st.integers(-(10**6), 10**6),
            st.sampled_from(["twelve", "", "1e3"]),
        )
    if control.text:  # any text at all: emoji, control characters, nothing, a novel
        return st.one_of(st.text(max_size=200), st.none(), st.just("refund " * 500))
    return st.one_of(st.sampled_from(list(control.options)), st.text(max_size=12), st.none())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_never_raise(setup, data):
    bundle, explainer, controls, positive = setup
    row = data.draw(st.integers(0, len(bundle.X) - 1))
    case = bundle.X.iloc[row].to_dict()
    chosen = data.draw(st.lists(st.sampled_from(controls), min_size=1, max_size=4, unique_by=lambda c: c.name))
    for control in chosen:
        case[control.name] = data.draw(odd_values(control))
    point = bundle.spec.operating_point
    result = whatif.assess(explainer, case, bundle.X, point, controls, positive)
    assert np.isfinite(result.shown).all()
    assert np.isfinite(result.values).all()
    whatif.smallest_flip(
        explainer.shown,
        case,
        bundle.X,
        controls,
        result.decision,
        bundle.spec.task,
        point,
        bundle.classes,
        positive,
        seconds=0.2,
    )
    for note in result.warnings:
        assert note.endswith(".")


def test_case_ids_find_rows_by_id_and_list_them_only_when_few():
    frame = pd.DataFrame({"id": ["a-1", "b-2", "b-2", None, "c 3"], "x": range(5)})
    ids = whatif.CaseIds(frame, "id")
    assert [ids[i] for i in range(len(ids))] == ["a-1", "b-2", "b-2", "(no id)", "c 3"]
    assert (ids.position("b-2"), ids.position(" c 3 "), ids.position("zzz"), ids.position(None)) == (1, 4, None, None)
    assert ids.listed == ["a-1", "b-2", "b-2", "(no id)", "c 3"]
    numbered = whatif.CaseIds(frame, None)
    assert (numbered[0], numbered.position("5"), numbered.position("6"), numbered.position("0")) == ("1", 4, None, None)
    many = whatif.CaseIds(pd.DataFrame({"id": [f"C{i}" for i in range(whatif.CaseIds.PICKER_LIMIT + 1)]}), "id")
    assert many.listed is None and many.position("C5000") == 5000


def test_edit_control_figures_are_kept_on_disk_and_read_back(demo_root, tmp_path, monkeypatch):
    bundle = load_bundle(demo_root / "churn-gbm")
    first = whatif.kept_facts(bundle, tmp_path)
    assert first == whatif.column_facts(bundle.X)
    assert whatif.controls(bundle.X, bundle.spec, facts=first) == whatif.controls(bundle.X, bundle.spec)

    def never(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(whatif.form, "column_facts", never)
    assert whatif.kept_facts(bundle, tmp_path) == first  # a restart reads them back
    (kept,) = tmp_path.glob("*.controls.json")
    kept.write_text("{damaged")
    monkeypatch.undo()
    assert whatif.kept_facts(bundle, tmp_path) == first  # a damaged file is computed again
