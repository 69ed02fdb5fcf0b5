"""PDF documents that print every character a review writes: DejaVu Sans embedded (shipped in
`fonts/` with its licence), text shaped by HarfBuzz where a script needs it (right-to-left and
joined scripts read as written), and the document's title and language set for readers and
screen readers."""

from __future__ import annotations

import re
from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
# scripts that need shaping to read right: Hebrew, Arabic, Syriac, Thaana, NKo, the Indic scripts,
# Thai, Lao, Tibetan, Myanmar, Khmer, and Arabic presentation forms
SHAPED = re.compile(
    r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]"
)


def document(title: str, language: str = "en", **page):
    """An FPDF document (`page`: its orientation, unit and format) with the Unicode font ready in
    regular and bold, and its metadata set. Write text through `write`, so it is shaped when its
    script needs it."""
    from fpdf import FPDF

    pdf = FPDF(**page)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Modelbrief")
    pdf.set_font(FAMILY, "", 11)
    return pdf


def shaped_as_needed(pdf, text: str) -> str:
    """Turn HarfBuzz shaping on for text in a script that needs it (bidirectional order, joined
    letters), off otherwise (it costs time, and Latin, Greek and Cyrillic read right without it)."""
    pdf.set_text_shaping(bool(SHAPED.search(text)))
    return text


def write(pdf, text: str, size: float, style: str = "", height: float | None = None, align: str = "L") -> None:
    """A paragraph across the page's width, in the document's font (`style` "" or "B") at `size`
    points, `height` mm a line (half the size unless given), aligned `align` ("L", or "J" for
    justified), shaped where its script needs it."""
    pdf.set_font(FAMILY, style, size)
    pdf.multi_cell(
        pdf.epw, height or size * 0.5, shaped_as_needed(pdf, text), align=align, new_x="LMARGIN", new_y="NEXT"
    )
