"""Every fallback a link causes says so: what was asked, and what is shown instead."""

from __future__ import annotations

from core.bundles.bundle import load_bundle
from tests.app.test_model_kinds_app import settle
from tests.helpers import seen


def infos(at) -> list[str]:
    return [seen(i.value) for i in at.info]


def test_an_unknown_model_in_a_link_is_named_on_any_page_while_it_is_shown(app, demo_root):
    notice = "There is no model called 'no-such-model' here, so the first one is shown."
    at = app(demo_root, bundle="no-such-model")
    assert notice in infos(at)
    at.switch_page("pages/performance.py").run()
    assert not at.exception
    assert notice in infos(at)
    at.sidebar.selectbox[0].set_value("churn-logreg").run()  # another model picked: nothing to explain any more
    assert notice not in infos(at)
    assert at.query_params["bundle"] == "churn-logreg"


def test_an_unknown_case_and_feature_in_a_what_if_link_are_named(app, demo_root):
    at = app(demo_root, bundle="churn-gbm", case="C-nobody", edits="warp_drive:on").switch_page("pages/whatif.py").run()
    assert not at.exception
    shown = infos(at)
    assert (
        "The link asked for customer id 'C-nobody', which this model does not have, so a typical customer is shown."
        in shown
    )
    assert (
        "The link asked for a change to the feature 'warp_drive', which this model does not have, so that change is left out."
        in shown
    )
    assert at.query_params["case"] != "C-nobody"


def test_an_unknown_feature_class_and_case_on_explanations_are_named(app, demo_root):
    at = app(demo_root, bundle="support-router", feature="zodiac", explain="astrology", case="T-0").switch_page(
        "pages/explanations.py"
    )
    at.run()
    assert not at.exception
    shown = infos(at)
    assert (
        "The link asked for the feature 'zodiac', which this model does not have, so the one it relies on most is shown."
        in shown
    )
    assert (
        "The link asked for the class 'astrology', which this model does not have, so each case's predicted answer is explained."
        in shown
    )
    assert any(s.startswith("The link asked for ticket id 'T-0'") for s in shown)


def test_an_unusable_edit_value_is_named_and_never_written_back_as_junk(app, demo_root):
    at = app(demo_root, bundle="churn-gbm", edits="monthly_charges:banana").switch_page("pages/whatif.py").run()
    assert not at.exception
    assert any(s.startswith("The link set Monthly bill to 'banana', which is not a usable number") for s in infos(at))
    assert "None" not in at.query_params.get("edits", "") and "banana" not in at.query_params.get("edits", "")
    assert at.number_input(key="edit_monthly_charges").value is not None


def test_an_unknown_model_to_compare_with_is_named_with_the_one_shown_instead(app, demo_root):
    at = app(demo_root, bundle="churn-gbm", compare="nope").switch_page("pages/compare.py").run()
    assert not at.exception
    churn_logreg = load_bundle(demo_root / "churn-logreg").spec.title
    assert (
        f"The link asked to compare with 'nope', which is not a model on the same rows here, so {churn_logreg} is "
        "shown, the first that can be." in infos(at)
    )
    assert at.query_params["compare"] == "churn-logreg"
    at.selectbox(key="compare").set_value("churn-logreg").run()
    assert any(s.startswith("The link asked to compare with 'nope'") for s in infos(at))  # still the one shown instead


def test_the_slides_name_an_unknown_model_to_compare_with_and_an_unknown_case(app, demo_root):
    from core.outputs import deck

    at = app(demo_root, bundle="churn-gbm", compare="nope", case="ZZZ", slide=str(deck.NAMES.index(deck.CASE) + 1))
    at = settle(at.switch_page("pages/present.py").run())
    assert not at.exception
    shown = infos(at)
    churn_logreg = load_bundle(demo_root / "churn-logreg").spec.title
    assert (
        f"The link asked to compare with 'nope', which is not a model on the same rows here, so {churn_logreg} is "
        "shown, the first that can be." in shown
    )
    assert (
        "The link asked for customer id 'ZZZ', which this model does not have, so a typical customer is shown." in shown
    )
    assert (
        shown.count(
            "The link asked for customer id 'ZZZ', which this model does not have, so a typical customer is shown."
        )
        == 1
    )
    assert at.query_params["case"] != "ZZZ"


def test_an_unknown_audience_is_named_and_plain_is_shown(app, demo_root):
    at = app(demo_root, bundle="churn-gbm", audience="expert").switch_page("pages/performance.py").run()
    assert not at.exception
    notice = "The link asked for the audience 'expert', but there are only Plain and Technical, so Plain is shown."
    assert notice in infos(at)
    assert at.query_params["audience"] == "plain"
    at.sidebar.button_group(key="audience").set_value("Technical").run()
    assert notice not in infos(at)
