"""The Present page's slide HTML, the colophon and the case shown, built in core and checked exactly."""

from __future__ import annotations

from core.app import links
from core.bundles.contract import OperatingPoint
from core.outputs import deck, slide_html
from core.words.narrative import Finding


def test_a_slide_escapes_every_text_and_labels_its_tiles():
    shown = deck.Slide(
        "headline",
        Finding("t", 0, "Right <b>9</b> in 10"),
        sentences=["It acts on 80% & hands the rest to a person."],
        tiles=[("Accuracy", "91%", "89–93%")],
        facts=["Customer 7"],
        table=[["Group", "Share"], ["<North>", "40%"]],
        notes=[Finding("n", 0, "plain", technical="Bootstrap <1,000>")],
    )
    plain = slide_html.slide(shown, ["How often it is right"], technical=False, css="small")
    assert plain == (
        "<div class='slide small'><h1 class='slide-title'>Right &lt;b&gt;9&lt;/b&gt; in 10</h1>"
        "<div class='slide-body'><div class='slide-fact'>Customer 7</div>"
        "<div class='slide-text'>It acts on 80% &amp; hands the rest to a person.</div>"
        "<div class='slide-tiles'><div class='slide-tile'><div class='label'>How often it is right</div>"
        "<div class='value'>91%</div><div class='span'>89–93%</div></div></div>"
        "<table class='slide-table'><tr><th>Group</th><th>Share</th></tr>"
        "<tr><td>&lt;North&gt;</td><td>40%</td></tr></table></div></div>"
    )
    technical = slide_html.slide(shown, ["Accuracy when it acts"], technical=True, chart_title="Net <value>")
    assert technical.endswith(
        "<div class='slide-method'>Bootstrap &lt;1,000&gt;</div>"
        "<div class='slide-chart-title'>Net &lt;value&gt;</div></div></div>"
    )


def test_the_audiences_slide_of_words_alone_is_set_large_only_while_its_words_are_few():
    few = deck.Slide("risks", Finding("t", 0, "Two risks"), sentences=["• One.", "• Two."])
    assert slide_html.slide(few, [], technical=False, css="full").startswith("<div class='slide full alone large'>")
    many = deck.Slide("risks", Finding("t", 0, "Seven risks"), sentences=["• " + "word " * 30] * 4)
    assert slide_html.slide(many, [], technical=False, css="full").startswith("<div class='slide full alone'>")
    charted = deck.Slide("relies", Finding("t", 0, "It relies"), chart=("t", None))
    assert slide_html.slide(charted, [], technical=False, css="full").startswith("<div class='slide full'>")


def test_the_presenter_view_pieces():
    shown = deck.Slide("risks", Finding("t", 0, "Two risks"))
    assert slide_html.next_title(shown) == "<div class='next'><h2 class='slide-title'>Two risks</h2></div>"
    assert slide_html.next_title(None) == "<div class='next'><h2 class='slide-title'>The end of the slides</h2></div>"
    assert slide_html.notes(shown) == "<ul class='notes'><li>No notes for this slide.</li></ul>"


def test_the_colophon_names_version_hashes_and_setting(demo_root):
    from core.bundles.bundle import read_spec

    spec = read_spec(demo_root / "churn-gbm")
    lines = deck.colophon(spec, ("aa", "bb", "cc"), OperatingPoint(0.5, 0.6))
    assert lines[:4] == [
        "Churn risk, gradient boosting, version 2026.11.1",
        "Model file sha256 aa",
        "Evaluation file sha256 bb",
        "bundle.yaml sha256 cc",
    ]
    assert lines[4].startswith("At the setting where the model ") and lines[4].endswith(".")


def test_a_room_comes_from_the_link_or_is_made_for_a_presenter():
    assert links.room_name("a1B2-c3_d4", presenter=False) == "a1B2-c3_d4"
    assert links.room_name("<script>", presenter=False) is None
    assert links.room_name(None, presenter=False) is None
    made = links.room_name("<script>", presenter=True)
    assert links.is_token(made) and made != links.room_name(None, presenter=True)
