"""The Explanations page through AppTest: every demo bundle, and the view follows the choices."""

from __future__ import annotations

import re

import pytest

from tests.app.test_home import DEMOS
from tests.helpers import charts_with_titles, seen


def open_explanations(app, root, **query):
    return app(root, **query).switch_page("pages/explanations.py").run()


def chart_titles(at) -> list[str]:
    """Each chart's title, the text the page sets above it."""
    return [title for title, _ in charts_with_titles(at)]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_explanations_render_for_every_demo_bundle(app, demo_root, bundle_id):
    at = open_explanations(app, demo_root, bundle=bundle_id)
    assert not at.exception
    assert at.title[0].value == "Explanations"
    caption = seen(at.caption[0].value)
    assert "explained on 2,000 of" in caption
    assert "Method" not in caption and "contributions" not in caption and "weight" not in caption  # Plain: no method
    technical = seen(open_explanations(app, demo_root, bundle=bundle_id, audience="technical").caption[0].value)
    assert ": exact contributions computed from the model's own trees" in technical or (
        ": each feature's weight times how far its value is from the average" in technical
    )
    assert [h.value for h in at.subheader] == ["What the model relies on", "One feature up close", "One case"]
    assert seen(at.main.markdown[0].value).startswith("The model relies most on ")
    titles = chart_titles(at)
    words = bundle_id == "support-router"  # a text feature: its words also drawn as a waterfall
    assert len(titles) == (5 if words else 4) and titles[0].endswith("on average")
    assert any(m.value.startswith("**") and "what actually happened:" in seen(m.value) for m in at.main.markdown)


def test_choosing_another_feature_redraws_its_view(app, demo_root):
    at = open_explanations(app, demo_root, bundle="churn-gbm")
    before = chart_titles(at)[2]
    at.selectbox(key="feature").select("tenure_months").run()
    assert not at.exception
    after = chart_titles(at)[2]
    assert after != before
    assert after == "Higher months as a customer pushes the predicted chance down"


def test_choosing_another_case_changes_the_reasons(app, demo_root):
    at = open_explanations(app, demo_root, bundle="churn-gbm")
    typical = [seen(m.value) for m in at.main.markdown if seen(m.value).startswith("For this customer")][0]
    at.radio(key="case_pick").set_value("most confident").run()
    assert not at.exception
    confident = [seen(m.value) for m in at.main.markdown if seen(m.value).startswith("For this customer")][0]
    assert confident != typical
    at.radio(key="case_pick").set_value("by id").run()
    at.selectbox(key="case_id").select(at.selectbox(key="case_id").options[5]).run()
    assert not at.exception
    assert any(at.selectbox(key="case_id").options[5] in seen(m.value) for m in at.main.markdown)


def test_multiclass_can_explain_one_class(app, demo_root):
    at = open_explanations(app, demo_root, bundle="support-router")
    at.selectbox(key="explain_class").select("Refund request").run()
    assert not at.exception
    drivers = seen(at.main.markdown[0].value)
    assert "refund" in drivers and "the chance of Refund request" in drivers


def test_a_ticket_is_explained_word_by_word_and_each_answer_has_its_words(app, demo_root):
    at = open_explanations(app, demo_root, bundle="support-router")
    assert not at.exception
    case = next(seen(m.value) for m in at.main.markdown if seen(m.value).startswith("For this ticket"))
    assert re.search(r"The message: [+−]\d+ points, most of all '[a-z]+' and '[a-z]+'\.", case)
    highlighted = [m.value for m in at.main.markdown if "-background[" in m.value]
    assert len(highlighted) == 1
    assert chart_titles(at)[-1].startswith("The words that moved the chance of ")
    table = next(df.value for df in at.dataframe if "Words that push toward it" in df.value.columns)
    by_answer = dict(zip(table["Answer"], table["Words that push toward it"], strict=True))
    assert len(by_answer) == 10
    assert "refund" in by_answer["Refund request"] and "password" in by_answer["Password reset"]
    assert "cancel" in by_answer["Cancel subscription"]
