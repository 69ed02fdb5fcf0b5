"""The What-if page through AppTest: edits update the answer and the link; reset and links restore."""

from __future__ import annotations

import pytest

from tests.app.test_home import DEMOS
from tests.helpers import seen


def open_whatif(app, root, **query):
    return app(root, **query).switch_page("pages/whatif.py").run()


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_whatif_renders_for_every_demo_bundle(app, demo_root, bundle_id):
    at = open_whatif(app, demo_root, bundle=bundle_id)
    assert not at.exception
    assert at.title[0].value == "What if"
    assert [m.label for m in at.metric][1:] == ["Decision", "Changes from the original"]
    assert at.query_params["case"]
    assert any(
        seen(m.value).startswith(("The chance is", "The model is", "The model estimates")) for m in at.main.markdown
    )


def test_editing_a_field_updates_the_prediction_and_reset_restores_it(app, demo_root):
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134")
    before = at.metric[0].value
    assert at.selectbox(key="edit_contract").value == "month-to-month"
    at.selectbox(key="edit_contract").select("two-year").run()
    assert not at.exception
    assert at.metric[0].value != before
    assert at.metric[2].value == "1"
    assert at.query_params["edits"] == "contract:two-year"
    assert any("Contract type: month-to-month → two-year" in seen(m.value) for m in at.main.markdown)
    at.button[0].click().run()  # reset to the original case
    assert at.selectbox(key="edit_contract").value == "month-to-month"
    assert at.metric[0].value == before
    assert "edits" not in at.query_params


def test_a_link_with_edits_reopens_them(app, demo_root):
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134", edits="contract:two-year|monthly_charges:30")
    assert not at.exception
    assert at.radio(key="whatif_pick").value == "by id"
    assert at.selectbox(key="edit_contract").value == "two-year"
    assert at.number_input(key="edit_monthly_charges").value == 30
    assert at.metric[2].value == "2"


def test_out_of_range_numbers_and_new_categories_are_accepted_with_a_warning(app, demo_root):
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134", edits="monthly_charges:9999|plan:Platinum")
    assert not at.exception
    warnings = [seen(w.value) for w in at.main.warning]
    assert any(w.startswith("Monthly bill = 9999 is outside the range the model saw") for w in warnings)
    assert "Plan = 'Platinum' never appears in the data the model saw, so its answer for it is a guess." in warnings


def test_the_flip_search_answers_in_a_sentence(app, demo_root):
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134")
    at.button(key="find_flip").click().run()
    assert not at.exception
    answer = [*at.main.info, *at.main.warning]
    assert any(seen(a.value).startswith(("If the ", "No change of up to three")) for a in answer)


def test_numbers_beyond_any_sense_are_refused_and_never_reach_the_model_or_the_link(app, demo_root):
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134", edits="monthly_charges:1e39|age:inf")
    assert not at.exception
    notices = [seen(i.value) for i in at.main.info]
    assert (
        "The link set Monthly bill to '1e39', which is not a usable number, so the case's own value is shown."
        in notices
    )
    assert "The link set Age to 'inf', which is not a usable number, so the case's own value is shown." in notices
    assert "edits" not in at.query_params
    field = at.number_input(key="edit_monthly_charges")
    assert field.max == 1e6 and field.min == -1e6


def test_the_rule_runs_only_when_asked_and_starts_from_the_cached_scores(app, demo_root, monkeypatch):
    from core.explaining import whatif

    calls = []
    real = whatif.scenario

    def spy(*args, **kwargs):
        calls.append(kwargs.get("before_shown") is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(whatif, "scenario", spy)
    at = open_whatif(app, demo_root, bundle="churn-gbm")
    assert calls == []  # opening the page applies no rule to every customer
    assert not [m for m in at.markdown if "for 4,000 test customers" in seen(m.value)]
    at.button(key="scenario_apply").click().run()
    assert not at.exception and calls == [True]  # the "before" predictions came from the cache
    said = " ".join(seen(m.value) for m in at.markdown)
    assert "for 4,000 test customers" in said
    at.button(key="find_flip").click().run()
    assert calls == [True] and "for 4,000 test customers" in " ".join(seen(m.value) for m in at.markdown)


def test_beyond_the_picker_limit_an_id_is_typed_and_a_wrong_one_says_so(app, demo_root, monkeypatch):
    from core.explaining.whatif import CaseIds

    monkeypatch.setattr(CaseIds, "PICKER_LIMIT", 10)  # the demo's 2,000-odd customers count as many
    at = open_whatif(app, demo_root, bundle="churn-gbm", case="C-106134")
    assert not at.exception
    assert at.radio(key="whatif_pick").value == "by id"
    assert at.text_input(key="whatif_id").value == "C-106134"
    assert any("Customer C-106134" in seen(m.value) for m in at.main.markdown)
    at.text_input(key="whatif_id").input("nobody").run()
    assert not at.exception
    assert "No customer has the id 'nobody', so a typical customer is shown." in [seen(i.value) for i in at.info]
