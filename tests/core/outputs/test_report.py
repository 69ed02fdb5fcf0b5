"""The report: self-contained HTML with no network resource, and a PDF with the same figures."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from core.outputs import report


@pytest.fixture(scope="module", params=["churn-gbm", "delivery-eta"])
def built(request, demo_root):
    bundle = load_bundle(demo_root / request.param)
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    explained = explain.for_bundle(bundle, demo_root / ".test-cache")
    return bundle, report.build(bundle, data, explained, bundle.spec.operating_point)


NETWORK = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}|<script|<link|@import|url\(", re.IGNORECASE)


def test_html_names_no_network_resource(built):
    bundle, made = built
    page = report.to_html(made)
    assert not NETWORK.findall(page)
    assert page.count("src='data:image/png;base64,") == len(made.charts) >= 1
    assert bundle.model_sha256 in page and bundle.eval_sha256 in page


def test_html_and_pdf_carry_the_headline_figures(built):
    bundle, made = built
    result = metrics.headline(metrics.from_bundle(bundle, scoring.scores(bundle)), bundle.spec.operating_point)
    accuracy = f"{result.kpis.accuracy_acted * 100:.0f}%"
    coverage = f"{result.kpis.coverage * 100:.0f}%"
    assert [value for _, value, _ in made.tiles][:2] == [accuracy, coverage]
    page = report.to_html(made)
    for _, value, span in made.tiles:
        assert f"<div class='value'>{value}</div>" in page and span in page
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(made))).pages)
    for label, value, _ in made.tiles:
        assert f"{label}: {value}" in text
    assert made.decision.split("?")[0] in text


def test_missing_card_parts_show_as_gaps(demo_root):
    bundle = load_bundle(demo_root / "churn-logreg")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    made = report.build(
        bundle, data, explain.for_bundle(bundle, demo_root / ".test-cache"), bundle.spec.operating_point
    )
    assert report.to_html(made).count("<p class='gap'>Not written yet.</p>") == 3


def test_charts_download_as_png_and_svg(demo_root):
    import pandas as pd

    from core.outputs import charts

    chart = charts.unseen_bars(pd.DataFrame({"label": ["a", "b"], "n": [3, 1], "share": [0.3, 0.1]}), "tickets", "t")
    assert report.chart_png(chart)[:8] == b"\x89PNG\r\n\x1a\n"
    assert report.chart_svg(chart).startswith("<svg")


def test_the_report_says_who_bears_the_errors(built):
    from tests.core.evaluation.test_groups import DEMO_GAP

    bundle, made = built
    titles = [title for title, _ in made.tables]
    if not bundle.spec.groups:
        assert not any(t.startswith("Who bears the errors") for t in titles)
        return
    assert titles[:2] == ["Who bears the errors, by age", "Who bears the errors, by household"]
    household = dict(made.tables)["Who bears the errors, by household"]
    assert list(household["Household"]) == ["Family", "Single", "Couple", "Shared house"]
    assert DEMO_GAP in made.risks
    assert (
        "Errors by age, household",
        "Missed 49% for household Single against 31% for Family; too few to judge: Shared house",
    ) in made.facts
    page = report.to_html(made)
    assert "Who bears the errors, by household" in page and "Shared house" in page
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(made))).pages)
    assert "Who bears the errors, by household" in text


def test_the_report_reads_in_order_to_a_screen_reader(built):
    """Landmarks, headings in order with no level skipped, table headers for columns and rows, every
    picture described by its finding; the PDF has a title and a language."""
    bundle, made = built
    page = report.to_html(made)
    assert "<html lang='en'>" in page
    assert page.index("<header>") < page.index("<h1>") < page.index("</header>") < page.index("<main>")
    assert page.rstrip().endswith("</main></body></html>")
    levels = [int(level) for level in re.findall(r"<h([1-6])>", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.count("<th scope='col'>") >= len(made.tables) and "<th scope='row'>" in page
    from core import format as fmt

    assert re.findall(r"<img alt='([^']*)'", page) == [fmt.html_text(t) for t, _ in made.charts]
    reader = PdfReader(io.BytesIO(report.to_pdf(made)))
    assert reader.metadata.title == made.title
    assert reader.trailer["/Root"]["/Lang"] == "en"
