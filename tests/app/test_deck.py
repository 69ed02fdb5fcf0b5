"""The review deck: the slides Present shows, downloaded as a PowerPoint file and read back."""

from __future__ import annotations

import io

import pytest

from core import deck, story
from core.bundle import load_bundle
from tests.app.test_model_kinds_app import settle
from tests.helpers import seen


def read_deck(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


@pytest.mark.parametrize("bundle_id", ["churn-gbm", "support-router", "delivery-eta"])
def test_the_downloaded_deck_holds_every_slide_as_shown(app, demo_root, bundle_id):
    at = settle(app(demo_root, bundle=bundle_id, slide="1").switch_page("pages/present.py").run())
    assert not at.exception
    button = at.get("download_button")
    assert button and seen(button[0].proto.label) == "Download the slides (PowerPoint)"

    bundle = load_bundle(demo_root / bundle_id)
    from core import explain, metrics, scoring, tradeoff

    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".cache"))
    explained = explain.for_bundle(bundle, demo_root / ".cache") if bundle.explainable else None
    found = {f.code: f for f in story.findings(bundle, data, explained, bundle.spec.operating_point)}
    names = deck.names(found)
    index = tradeoff.Index(data) if bundle.spec.task != "regression" else None
    groups = story.unseen_groups(bundle, data) if bundle.spec.task == "multiclass" else []
    shown = [
        deck.slide(
            name, found, bundle, index=index, best=tradeoff.best_point(index) if index else None,
            point=bundle.spec.operating_point, explanation=explained, groups=groups,
        )
        for name in names
    ]  # fmt: skip
    colophon = [f"Model file sha256 {bundle.model_sha256}", f"Evaluation file sha256 {bundle.eval_sha256}"]
    read = read_deck(deck.pptx_bytes(shown, "About these slides", colophon))

    slides = list(read.slides)
    assert len(slides) == len(names) + 1
    assert [s.shapes.title.text for s in slides[:-1]] == names
    for page, slide in zip(slides[:-1], shown, strict=True):
        texts = [shape.text_frame.text for shape in page.shapes if shape.has_text_frame and shape != page.shapes.title]
        assert "\n".join(texts) == "\n".join(slide.sentences) if slide.sentences else not texts
        pictures = [shape for shape in page.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == (1 if slide.chart is not None else 0)
        assert page.notes_slide.notes_text_frame.text == "\n".join(slide.note_lines())
    assert any(slide.chart is not None for slide in shown)
    assert any(slide.note_lines() for slide in shown)
    last = "\n".join(shape.text_frame.text for shape in slides[-1].shapes if shape.has_text_frame)
    assert bundle.model_sha256 in last and bundle.eval_sha256 in last


@pytest.mark.parametrize("slide", ["2", "3"])
def test_a_slide_shows_its_chart_without_app_controls(app, demo_root, slide):
    at = settle(app(demo_root, bundle="churn-gbm", slide=slide).switch_page("pages/present.py").run())
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    assert not at.get("popover")  # no "Download this chart" on a slide (the Performance page has them)
