"""PDF documents that print every character a review writes: DejaVu Sans embedded (shipped in
`fonts/` with its licence), text shaped by HarfBuzz so right-to-left and joined scripts read
as written, and the document's title and language set for readers and screen readers."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"


def document(title: str, language: str = "en", **page):
    """An FPDF document (`page`: its orientation, unit and format) with the Unicode font ready in
    regular and bold, text shaping on, and its metadata set."""
    from fpdf import FPDF

    pdf = FPDF(**page)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(True)  # HarfBuzz: bidirectional text, ligatures, combining accents
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Modelbrief")
    pdf.set_font(FAMILY, "", 11)
    return pdf
