"""Every page, with every model kind of the supported-model matrix: no exception, no error box,
and each page says what it can show for that kind of model."""

from __future__ import annotations

import pytest

from core.app import jobs
from tests.app.test_overview_and_audience import PAGES
from tests.core.test_model_kinds import DECIDES_ONLY
from tests.helpers import seen
from tests.model_kinds import KINDS

PREDICTIONS_ONLY = {"predictions-binary", "predictions-multiclass", "predictions-regression"}


def settle(at):
    """Run until no background work is pending (a first explanation may take a while)."""
    for _ in range(3):
        running = [job for job in list(jobs._jobs.values()) if not job.done]
        if not running:
            return at
        for job in running:
            job.wait(300)
        at.run()
    return at


def texts(at) -> list[str]:
    return [seen(e.value) for e in (*at.info, *at.markdown, *at.caption, *at.warning, *at.success)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_opens_with_every_kind_of_model(app, kinds_root, kind):
    root, bundles = kinds_root
    bundle = bundles[kind]
    at = app(root, bundle=kind)  # one session walks every page, as a person does
    for page in PAGES:
        if page != "pages/home.py":
            at = settle(at.switch_page(page).run())
        assert not at.exception, (kind, page, at.exception)
        assert not at.error, (kind, page, [e.value for e in at.error])
        shown = texts(at)
        if page == "pages/explanations.py":
            if bundle.explainable:
                assert "What the model relies on" in [s.value for s in at.subheader], kind
            else:
                assert any(bundle.unavailable("explanations") == s for s in shown), (kind, shown[:3])
        if page == "pages/whatif.py":
            if bundle.explainable:
                assert any(m.label == "Decision" for m in at.metric), kind
            else:
                assert bundle.unavailable("whatif") in shown, kind
        if page == "pages/performance.py" and bundle.spec.task != "regression":
            if kind in DECIDES_ONLY:
                assert not at.slider
                assert any("gives a decision but no probabilities, so it acts on its own decision" in s for s in shown)
            else:
                assert [s.label for s in at.slider][-1] in ("Confidence needed to act", "Chance needed to flag a case")
        if page == "pages/card.py":
            facts = " ".join(shown)
            if kind in PREDICTIONS_ONLY:
                assert "given with the test" in facts
            if kind == "svc-calibrated":
                assert "sigmoid calibrator that the publisher fitted" in facts


def test_many_classes_are_picked_most_frequent_first(app, kinds_root):
    root, bundles = kinds_root
    bundle = bundles["wide-many-classes"]
    at = settle(app(root, bundle="wide-many-classes").switch_page("pages/explanations.py").run())
    picker = at.selectbox(key="explain_class")
    options = picker.options[1:]
    counts = bundle.y.value_counts()
    shown_counts = [int(o.rsplit("(", 1)[1].split()[0].replace(",", "")) for o in options]
    assert shown_counts == sorted(shown_counts, reverse=True)
    assert shown_counts[0] == counts.max()
    assert len(options) == len(bundle.classes) >= 20


def test_a_wide_model_shows_the_eight_features_that_matter_first(app, kinds_root):
    root, bundles = kinds_root
    at = settle(app(root, bundle="wide-many-classes").switch_page("pages/whatif.py").run())
    assert not at.exception
    more = [e for e in at.expander if e.label == "More features (6)"]
    assert len(more) == 1
    inside = {n.key for n in more[0].number_input}
    outside = {n.key for n in at.number_input if n.key.startswith("edit_")} - inside
    assert len(outside) == 8 and len(inside) == 6


# one of each family the deck treats apart: categories, multiclass, a decision without chances,
# an estimate, files of predictions, many classes, words
DECK_KINDS = ["lightgbm-categories", "xgboost-categories-multiclass", "svc-no-probabilities", "transformed-target",
              "predictions-binary", "predictions-multiclass", "wide-many-classes", "text-pipeline"]  # fmt: skip


@pytest.mark.parametrize("kind", DECK_KINDS)
def test_every_slide_with_each_family_of_model(app, kinds_root, kind):
    """Present, slide by slide, for models the demos are not (the files: test_rendered_decks)."""
    import re

    root, _ = kinds_root
    titles = []
    count = None
    number = 1
    at = settle(app(root, bundle=kind, slide="1").switch_page("pages/present.py").run())
    while count is None or number <= count:
        if number > 1:  # on to the next slide in the same session, as the Next button does
            at.session_state["slide"] = number - 1
            at = settle(at.run())
        assert not at.exception, (kind, number, at.exception)
        assert not at.error, (kind, number, [e.value for e in at.error])
        count = int(next(re.search(r"/ (\d+)", m.value).group(1) for m in at.markdown if " / " in m.value))
        bodies = [
            h.proto.body for h in at.get("html") if "slide-title" in h.proto.body and "<style>" not in h.proto.body
        ]
        titles.append(re.search(r"slide-title'>([^<]*)<", bodies[0]).group(1))
        number += 1
    assert len(set(titles)) == len(titles) == count >= 5, titles
    # both files, for each of these families: tests/core/outputs/test_rendered_decks.py
