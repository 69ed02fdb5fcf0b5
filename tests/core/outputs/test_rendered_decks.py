"""The downloaded decks as a room sees them: the PowerPoint file rendered by LibreOffice Impress
and both PDFs read back, for every demo and each family of model. On every page every word and
picture lies inside the page, no two words overlap, and no word lies on a picture; the rendered
pages are saved as PNGs (pdftoppm) beside the other screenshots, to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core import format as fmt
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from core.outputs import charts, deck, report
from tests.app.test_home import DEMOS
from tests.core.outputs.test_deck_titles import build_deck
from tests.core.outputs.vocabulary import DOUBLED, RETIRED, arithmetic_problems, everything_said, raw_labels

OUTPUT = Path(__file__).resolve().parents[2] / "output" / "decks"
# rendered by LibreOffice beside the four demos: one model of each family the demos are not (a decision
# with no chances, scores without a model, many classes, text read by word); every family's slides are
# also read back in tests/app/test_model_kinds_app.py
RENDERED_KINDS = ["svc-no-probabilities", "predictions-multiclass", "wide-many-classes", "text-pipeline"]
TOLERANCE = 0.5  # points: what a renderer's rounding may put past an edge


@pytest.fixture(scope="module")
def rendered(demo_root, kinds_root, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{deck: {"pptx": LibreOffice's PDF of the PowerPoint file, "pdf": the PDF deck}}; the charts
    are drawn once for both files."""
    assert shutil.which("soffice") and shutil.which("pdftoppm"), "LibreOffice Impress and poppler-utils (.ci/run)"
    root, kinds = kinds_root
    folder = tmp_path_factory.mktemp("decks")
    drawn: dict[int, bytes] = {}

    def png(chart) -> bytes:  # each chart drawn once, for both files
        if id(chart) not in drawn:
            drawn[id(chart)] = report.chart_png(charts.for_deck(chart), scale=1.0)  # placed by its shape
        return drawn[id(chart)]

    made = {}
    bundles = [(name, load_bundle(demo_root / name), demo_root) for name in DEMOS]
    bundles += [(name, kinds[name], root) for name in RENDERED_KINDS]
    for name, bundle, home in bundles:
        data = metrics.from_bundle(bundle, scoring.scores(bundle, home / ".test-cache"))
        explained = explain.for_bundle(bundle, home / ".test-cache") if bundle.explainable else None
        shown = build_deck(bundle, data, explained, bundle.spec.operating_point)
        colophon = [f"Model file sha256 {bundle.model_sha256}", f"Evaluation file sha256 {bundle.eval_sha256}"]
        (folder / f"{name}.pptx").write_bytes(deck.pptx_bytes(shown, "About these slides", colophon, png))
        (folder / f"{name}-deck.pdf").write_bytes(deck.pdf_bytes(shown, "About these slides", colophon, png))
        made[name] = {"pdf": folder / f"{name}-deck.pdf", "titles": [fmt.clean(s.title) for s in shown]}
        if name in DEMOS:  # everything a review of it reads, for the vocabulary sweep
            made[name]["said"] = everything_said(bundle, data, explained, bundle.spec.operating_point, shown)
            made[name]["raw labels"] = raw_labels(bundle)
    out = folder / "impress"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), *sorted(folder.glob("*.pptx"))],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in made:
        made[name]["pptx"] = out / f"{name}.pdf"
        made[name]["source"] = folder / f"{name}.pptx"
        for kind in ("pdf", "pptx"):
            pdf = made[name][kind]
            subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(OUTPUT / f"{name}-{kind}")], check=True)
    return made


def _overlap(a: dict, b: dict) -> float:
    """The area two boxes share (PDF points squared)."""
    wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(wide, 0) * max(high, 0)


def problems(pdf: Path) -> list[str]:
    """Every word or picture past a page's edge, and every two words (or a word and a picture)
    drawn over each other, page by page."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
            pictures = list(page.images)
            for box in [*words, *pictures]:
                if (
                    box["x0"] < -TOLERANCE
                    or box["top"] < -TOLERANCE
                    or box["x1"] > page.width + TOLERANCE
                    or box["bottom"] > page.height + TOLERANCE
                ):
                    found.append(f"page {number}: '{box.get('text', 'a picture')}' runs past the edge")
            for i, word in enumerate(words):
                for other in words[i + 1 :]:
                    if _overlap(word, other) > 2.0:
                        found.append(f"page {number}: '{word['text']}' is drawn over '{other['text']}'")
                for picture in pictures:
                    if _overlap(word, picture) > 2.0:
                        found.append(f"page {number}: '{word['text']}' is drawn over a picture")
    return found


@pytest.mark.parametrize("name", DEMOS + RENDERED_KINDS)
@pytest.mark.parametrize("kind", ["pptx", "pdf"])
def test_every_page_of_each_deck_fits_and_nothing_is_drawn_over_anything(rendered, name, kind):
    import pdfplumber
    from pptx import Presentation

    pdf, titles = rendered[name][kind], rendered[name]["titles"]
    assert pdf.exists() and pdf.stat().st_size > 10_000
    assert problems(pdf) == []
    with pdfplumber.open(pdf) as document:
        pages = len(document.pages)
    if kind == "pptx":  # one page a slide and the colophon; each slide titled with its finding
        slides = list(Presentation(rendered[name]["source"]).slides)
        assert [s.shapes.title.text for s in slides[:-1]] == titles and pages == len(titles) + 1
    else:  # the slides, the notes on pages of their own, the colophon
        assert pages > len(titles) + 1
    assert sorted(OUTPUT.glob(f"{name}-{kind}-*.png"))  # rendered to look at


@pytest.mark.parametrize("name", DEMOS)
def test_no_retired_word_and_no_doubled_punctuation_anywhere(rendered, name):
    """One vocabulary on every finding (both audiences), slide, note and report line of each demo,
    and arithmetic that adds up from the figures shown."""
    said = rendered[name]["said"]
    assert len(said) > 20
    assert [s for s in said if RETIRED.search(s)] == []
    assert [s for s in said if DOUBLED.search(s)] == []
    assert [(s, arithmetic_problems(s)) for s in said if arithmetic_problems(s)] == []
    assert arithmetic_problems(" ".join(said)) == []  # across sentences: the best value less the value now
    raw = rendered[name]["raw labels"]
    assert [s for s in said if any(re.search(rf"\b{re.escape(label)}\b", s) for label in raw)] == []
