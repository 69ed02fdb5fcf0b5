"""Who bears the errors through AppTest: the Performance section moves with the control, and the gap
is in the Overview's risks, on a slide and in the model card."""

from __future__ import annotations

from core.outputs import deck
from tests.app.test_model_kinds_app import settle
from tests.core.evaluation.test_groups import DEMO_GAP
from tests.helpers import html_tables, seen


def said(at) -> list[str]:
    return [seen(e.value) for kind in ("markdown", "warning", "info", "caption") for e in getattr(at, kind)]


def test_performance_shows_the_gap_the_small_group_and_the_setting_that_narrows_it(app, demo_root):
    at = app(demo_root, bundle="churn-gbm").switch_page("pages/performance.py").run()
    assert not at.exception
    assert "Who bears the errors" in [h.value for h in at.subheader]
    text = said(at)
    assert DEMO_GAP in text
    assert "Too few customers to judge by household: Shared house (20 customers)." in text
    assert (
        "Flagging from an 11% chance instead of 50% would cut the gap for household Single from 18 to 3 points. It "
        "would cost about $58,700 a month."
    ) in text
    tables = [t.set_index(t.columns[0]) for t in html_tables(at)]
    household = next(t for t in tables if t.index.name == "Household")
    assert list(household.index) == ["Family", "Single", "Couple", "Shared house"]
    assert list(household.columns[-3:]) == ["Wrongly flagged", "Missed", "Errors cost a month"]
    at.button(key="narrow-gap").click().run()  # the control moves, and the section with it
    assert at.query_params["threshold"] == "0.11"
    assert DEMO_GAP not in said(at)


def test_a_demo_without_a_gap_says_so_and_one_without_groups_has_no_section(app, demo_root):
    at = app(demo_root, bundle="churn-logreg").switch_page("pages/performance.py").run()
    assert (
        "No group by age or region gets more of the errors beyond the noise. Every gap is within its range or under "
        "5 points."
    ) in said(at)
    at = app(demo_root, bundle="support-router").switch_page("pages/performance.py").run()
    assert "Who bears the errors" not in [h.value for h in at.subheader]


def test_the_gap_is_among_the_risks_on_a_slide_and_in_the_card(app, demo_root):
    overview = app(demo_root, bundle="churn-gbm").switch_page("pages/overview.py").run()
    assert DEMO_GAP in said(overview)
    card = app(demo_root, bundle="churn-gbm").switch_page("pages/card.py").run()
    assert not card.exception
    facts = [seen(m.value) for m in card.markdown]
    assert any(
        "Errors by age, household" in f and "Missed 49% for household Single against 31% for Family" in f for f in facts
    ), facts
    present = settle(app(demo_root, bundle="churn-gbm", slide="1").switch_page("pages/present.py").run())
    names = deck.names({"group_gap": None}, comparable=True)
    number = names.index(deck.GROUPS) + 1
    slide = settle(app(demo_root, bundle="churn-gbm", slide=str(number)).switch_page("pages/present.py").run())
    assert not present.exception and not slide.exception
    bodies = [h.proto.body for h in slide.get("html") if "<style>" not in h.proto.body]
    assert any("Customers whose household is Single bear more of its errors" in b for b in bodies)
    assert any("Shared house (20 customers)" in b for b in bodies)
