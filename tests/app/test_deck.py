"""The review deck: Present's slides, downloaded as PowerPoint and PDF and read back."""

from __future__ import annotations

import io
import json

import pytest

from core import format as fmt
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from core.outputs import deck
from tests.app.test_model_kinds_app import settle
from tests.core.outputs.test_deck_titles import build_deck
from tests.helpers import seen

COMPARED = {"churn-gbm": "churn-logreg"}


def slides_for(demo_root, bundle_id):
    bundle = load_bundle(demo_root / bundle_id)
    cache = demo_root / ".cache"
    data = metrics.from_bundle(bundle, scoring.scores(bundle, cache))
    explained = explain.for_bundle(bundle, cache)
    other = load_bundle(demo_root / COMPARED[bundle_id]) if bundle_id in COMPARED else None
    return bundle, build_deck(bundle, data, explained, bundle.spec.operating_point, other, cache)


def colophon(bundle) -> list[str]:
    return [
        f"Model file sha256 {bundle.model_sha256}",
        f"Evaluation file sha256 {bundle.eval_sha256}",
        f"bundle.yaml sha256 {bundle.manifest_sha256}",
    ]


def slide_texts(slide) -> list[str]:
    return [
        shape.text_frame.text
        for shape in slide.shapes
        if shape.has_text_frame and shape != slide.shapes.title and shape.text_frame.text
    ]


@pytest.mark.parametrize("bundle_id", ["churn-gbm", "support-router", "delivery-eta"])
def test_the_powerpoint_deck_holds_every_slide_titled_with_its_finding(demo_root, bundle_id):
    from pptx import Presentation

    bundle, shown = slides_for(demo_root, bundle_id)
    read = Presentation(io.BytesIO(deck.pptx_bytes(shown, "About these slides", colophon(bundle))))

    slides = list(read.slides)
    assert len(slides) == len(shown) + 1
    assert [s.shapes.title.text for s in slides[:-1]] == [s.title for s in shown]  # the findings
    for page, slide in zip(slides[:-1], shown, strict=True):
        lines = [*slide.facts, *slide.sentences, *deck.tile_lines(slide)]
        assert slide_texts(page) == (["\n".join(lines)] if lines else [])
        pictures = [shape for shape in page.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == (1 if slide.chart is not None else 0)
        for picture in pictures:  # a screen reader says the chart's finding
            assert picture._element.nvPicPr.cNvPr.get("descr") == fmt.clean(slide.chart[0])
        tables = [shape.table for shape in page.shapes if shape.has_table]
        if slide.table:
            assert [[cell.text for cell in row.cells] for row in tables[0].rows] == slide.table
        else:
            assert not tables
        assert page.notes_slide.notes_text_frame.text == "\n".join(slide.note_lines())
        assert slide.note_lines()  # every slide has notes for the presenter
    assert sum(slide.chart is not None for slide in shown) >= 2  # the tradeoff or errors, drivers, the case
    last = "\n".join(shape.text_frame.text for shape in slides[-1].shapes if shape.has_text_frame)
    assert bundle.model_sha256 in last and bundle.eval_sha256 in last and bundle.manifest_sha256 in last
    if bundle_id in COMPARED:
        assert deck.COMPARISON in [s.name for s in shown]


@pytest.mark.parametrize("bundle_id", ["churn-gbm", "support-router"])
def test_the_pdf_deck_has_one_page_per_slide_and_says_what_the_slides_say(demo_root, bundle_id):
    from pypdf import PdfReader

    bundle, shown = slides_for(demo_root, bundle_id)
    reader = PdfReader(io.BytesIO(deck.pdf_bytes(shown, "About these slides", colophon(bundle))))
    assert len(reader.pages) > len(shown) + 1  # the slides, the notes on pages of their own, the colophon
    first = reader.pages[0]
    assert float(first.mediabox.width) / float(first.mediabox.height) == pytest.approx(16 / 9, rel=0.01)
    for page, slide in zip(reader.pages, shown, strict=False):
        text = " ".join(page.extract_text().split())
        assert " ".join(slide.title.split()) in text
        if slide.chart is not None:
            assert page.images, slide.name
    notes = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[len(shown) : -1])
    assert notes.startswith("Speaker notes")
    for number, slide in enumerate(shown, 1):  # every note in full, under its slide
        assert f"Slide {number}: " in notes
        for line in slide.note_lines():
            assert " ".join(line.split()) in notes
    risks = next(s for s in shown if s.name == deck.RISKS)
    bullets = [line for line in risks.sentences if line.startswith("•")]
    assert bullets
    pages = {" ".join(p.extract_text().split()) for p in reader.pages[: len(shown)]}
    assert all(any(" ".join(b.split()) in page for page in pages) for b in bullets)  # "•" prints as itself
    assert bundle.eval_sha256 in reader.pages[-1].extract_text().replace("\n", "")
    assert reader.metadata.title == "About these slides"


def test_present_offers_both_files_and_the_presenter_view(app, demo_root):
    at = settle(app(demo_root, bundle="churn-gbm", slide="1").switch_page("pages/present.py").run())
    assert not at.exception
    labels = [seen(b.proto.label) for b in at.get("download_button")]
    assert labels == ["PowerPoint", "PDF"]
    assert "Presenter view" in [seen(b.label) for b in at.button]


def test_the_presenter_view_shows_this_slide_the_next_and_the_notes(app, demo_root):
    at = settle(app(demo_root, bundle="churn-gbm", slide="2", notes="1").switch_page("pages/present.py").run())
    assert not at.exception
    titles = [h.proto.body for h in at.get("html") if "slide-title" in h.proto.body and "<style>" not in h.proto.body]
    assert len(titles) == 2 and "Notes" in [seen(c.value) for c in at.caption]
    assert any("class='notes'" in h.proto.body for h in at.get("html"))
    assert at.query_params["notes"] in ("1", ["1"])


@pytest.mark.parametrize("slide", ["2", "3"])
def test_a_slide_shows_its_chart_without_app_controls(app, demo_root, slide):
    at = settle(app(demo_root, bundle="churn-gbm", slide=slide).switch_page("pages/present.py").run())
    assert not at.exception
    drawn = at.get("vega_lite_chart")
    assert len(drawn) == {"2": 2, "3": 1}[slide]  # the trade-off's two stacked plots, each a chart of the slide's
    for chart in drawn:
        config = json.loads(chart.proto.spec)["config"]
        assert config["axis"]["labelFontSize"] >= 24 and config["legend"]["labelFontSize"] >= 24
    assert [seen(p.proto.popover.label) for p in at.get("popover")] == ["Slides to keep"]  # no "Download this chart"


def test_the_case_picked_is_kept_in_the_link(app, demo_root):
    from core.outputs import story

    bundle = load_bundle(demo_root / "churn-gbm")
    explained = explain.for_bundle(bundle, demo_root / ".cache")
    keys = story.case_keys(bundle, explained)
    wanted = keys[7]
    at = settle(app(demo_root, bundle="churn-gbm", slide="4", case=wanted).switch_page("pages/present.py").run())
    assert not at.exception
    facts = [h.proto.body for h in at.get("html") if "slide-fact" in h.proto.body and "<style>" not in h.proto.body]
    assert f"Customer {wanted}" in facts[0]
    assert at.query_params["case"] in (wanted, [wanted])
    other = keys[9]
    at.selectbox(key="deck_case").set_value(other).run()
    facts = [h.proto.body for h in at.get("html") if "slide-fact" in h.proto.body and "<style>" not in h.proto.body]
    assert f"Customer {other}" in facts[0]
    assert at.query_params["case"] in (other, [other])


def test_the_audience_switch_works_on_the_slides(app, demo_root):
    at = settle(app(demo_root, bundle="churn-gbm", slide="1").switch_page("pages/present.py").run())
    plain = "".join(h.proto.body for h in at.get("html"))
    assert "Right when it acts" in plain and "slide-method" not in plain.split("</style>")[-1]
    at.button_group(key="present_audience").set_value("Technical").run()
    assert not at.exception
    technical = "".join(h.proto.body for h in at.get("html"))
    assert "Accuracy when it acts" in technical and "class='slide-method'" in technical
    assert at.session_state["audience"] == "Technical" and at.query_params["audience"] in ("technical", ["technical"])
