"""The Overview in both audiences, the audience switch across pages and links, and no jargon in Plain."""

from __future__ import annotations

import json
import re

import pytest

from core.bundles.bundle import load_bundle
from core.words.glossary import JARGON
from tests.app.test_home import DEMOS
from tests.core.outputs.vocabulary import DOUBLED, RETIRED, arithmetic_problems
from tests.helpers import seen

PAGES = [
    "pages/home.py",
    "pages/overview.py",
    "pages/performance.py",
    "pages/whatif.py",
    "pages/explanations.py",
    "pages/compare.py",
    "pages/since_launch.py",
    "pages/card.py",
    "pages/present.py",
]


def open_page(app, root, page, **query):
    return app(root, **query).switch_page(page).run()


@pytest.mark.parametrize("audience", ["plain", "technical"])
@pytest.mark.parametrize("bundle_id", DEMOS)
def test_overview_renders_in_both_audiences(app, demo_root, bundle_id, audience):
    at = open_page(app, demo_root, "pages/overview.py", bundle=bundle_id, audience=audience)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert [h.value for h in at.subheader] == [
        "The top three reasons behind its predictions",
        "Risks and caveats",
        "The decision",
        "A report to leave behind",
    ]
    assert [b.label for b in at.get("download_button")] == ["Download the report (HTML)", "Download the report (PDF)"]
    assert len(at.metric) == 3
    paragraph = seen(at.main.markdown[0].value)
    assert paragraph.startswith(load_bundle(demo_root / bundle_id).spec.summary)
    assert "more than having people handle every" in paragraph
    assert ("Accuracy on the cases it acts on" in paragraph) == (audience == "technical")
    reasons = [m for m in at.main.markdown if m.value.startswith("**") and not m.value.startswith("**Sign off**")]
    assert len(reasons) == 3  # the three reasons
    assert any(seen(m.value) == "**Sign off** as local user" for m in at.main.markdown)  # the decision's sign-off
    decision = [
        m.value for m in [*at.main.markdown, *at.info, *at.warning] if seen(m.value).startswith("The decision:")
    ]
    assert len(decision) == 1


def test_the_audience_survives_a_page_change(app, demo_root):
    at = open_page(app, demo_root, "pages/overview.py", bundle="churn-gbm", audience="technical")
    assert at.session_state["audience"] == "Technical"
    at.switch_page("pages/performance.py").run()
    assert not at.exception
    assert at.session_state["audience"] == "Technical"
    assert at.query_params["audience"] == "technical"
    assert seen(at.metric[0].label) == "Accuracy when it acts"
    at.switch_page("pages/explanations.py").run()
    assert seen(at.caption[0].value).endswith("Tree SHAP: exact contributions computed from the model's own trees")


def test_a_copied_link_keeps_the_audience(app, demo_root):
    at = open_page(app, demo_root, "pages/performance.py", bundle="support-router", audience="technical")
    assert at.session_state["audience"] == "Technical"
    plain = open_page(app, demo_root, "pages/performance.py", bundle="support-router")
    assert plain.session_state["audience"] == "Plain"
    assert seen(plain.metric[0].label) == "Right when it acts"


def visible_text(at) -> list[str]:
    """Everything a reader sees on the page, tooltips excepted."""
    texts = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "info", "warning", "success", "error"):
        texts += [seen(e.value) for e in getattr(at.main, kind)]  # the sidebar glossary may name the terms it explains
    texts += [seen(m.label) for m in at.metric]
    for kind in ("selectbox", "slider", "radio", "button", "segmented_control"):
        try:
            texts += [seen(w.label) for w in getattr(at, kind)]
        except AttributeError:
            pass
    texts += [seen(t.label) for t in at.tabs]

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", "") == "vega_lite_chart":
                spec = json.dumps(json.loads(child.proto.spec))
                texts.extend(re.findall(r'"(?:text|title)": "([^"]*)"', spec))
            walk(child)

    walk(at.main)
    return texts


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("bundle_id", DEMOS)
def test_plain_mode_uses_no_jargon_on_any_page(app, demo_root, bundle_id, page):
    at = open_page(app, demo_root, page, bundle=bundle_id, audience="plain")
    assert not at.exception
    texts = visible_text(at)
    # the page drew its title, controls and content (Compare with no model on the same rows: it says so)
    assert len(texts) > (4 if page == "pages/compare.py" and bundle_id in ("delivery-eta", "support-router") else 5)
    for text in texts:
        lowered = text.lower()
        used = [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", lowered)]
        assert not used, (page, bundle_id, used, text)
        assert not RETIRED.search(text), (page, bundle_id, "a retired word", text)  # one vocabulary, page by page
        assert not DOUBLED.search(text), (page, bundle_id, "doubled punctuation", text)
        assert arithmetic_problems(text) == [], (page, bundle_id, text)
    assert arithmetic_problems(" ".join(texts)) == [], (page, bundle_id)  # the page as a whole adds up
