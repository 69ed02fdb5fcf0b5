"""The PDFs print what they are given: Latin with accents, €, bullets, and right-to-left text,
shaped only where its script needs it."""

from __future__ import annotations

import io

import pdfplumber

from core.outputs import pdf as documents


def _printed(lines: list[str]) -> str:
    pdf = documents.document("Sample")
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, documents.shaped_as_needed(pdf, line), new_x="LMARGIN", new_y="NEXT")
    with pdfplumber.open(io.BytesIO(bytes(pdf.output()))) as read:
        return read.pages[0].extract_text()


def test_accents_the_euro_and_bullets_print_as_themselves():
    text = _printed(["• Café crème costs €4 — 95% range 3 to 5 ≥ 2 → 7"])
    assert "• Café crème costs €4 — 95% range 3 to 5 ≥ 2 → 7" in text and "?" not in text


def test_right_to_left_text_is_printed_with_its_letters_and_shaping_only_where_needed():
    pdf = documents.document("Sample")
    assert documents.shaped_as_needed(pdf, "Plain words") == "Plain words" and not pdf.text_shaping
    documents.shaped_as_needed(pdf, "שלום עולם")
    assert pdf.text_shaping
    text = _printed(["Hebrew: שלום", "Arabic: مرحبا"])
    assert all(letter in text for letter in "שלום") and "?" not in text
    assert sum("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text) >= 5  # Arabic, joined
