"""The review deck: the slides Present shows, as data, and the same slides as a PowerPoint file.

`slides` decides what each slide says (title, sentences, one chart, speaker notes) from the story's
findings; the Present page draws them and `pptx_bytes` writes them, so the deck a reviewer takes
away says exactly what was on the screen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from core import charts, explain, narrative, story
from core import format as fmt

NEVER_BUILT_FOR = "What it was never built for"
NAMES = ["The headline", "Accuracy, coverage and value", "What it relies on", "One case", "Risks", "The decision"]
NO_RISK = "No risk stands out: the figures are steady, and no group does much worse than the rest."


@dataclass
class Slide:
    name: str
    sentences: list[str] = field(default_factory=list)
    chart: tuple[str, object] | None = None  # (its finding, the chart)
    tiles: bool = False  # the headline figures with their ranges
    notes: list = field(default_factory=list)  # findings, read in technical words

    @property
    def title(self) -> str:
        return self.name

    def note_lines(self) -> list[str]:
        return [fmt.clean(f.text(narrative.TECHNICAL)) for f in self.notes if f is not None]


def names(found: dict) -> list[str]:
    """The slides, in order: six, or seven when real requests it was never built for can be quoted."""
    shown = list(NAMES)
    if "unseen_words" in found:
        shown.insert(2, NEVER_BUILT_FOR)
    return shown


def slide(name: str, found: dict, bundle, index=None, best=None, point=None, explanation=None, groups=()) -> Slide:
    """One slide's content. `index`, `best` and `point` draw the tradeoff chart; `explanation` the
    drivers; `groups` (unseen requests in their own words) the never-built-for slide."""
    spec = bundle.spec
    if name == "The headline":
        return Slide(
            name, [found["headline"].sentence], tiles=True, notes=[found["executive"], found.get("out_of_scope")]
        )
    if name == "Accuracy, coverage and value":
        if spec.task == "regression":
            return Slide(name, [found["errors"].sentence], notes=[found["errors"], found.get("large_errors")])
        if bundle.decides_only:
            return Slide(name, [found["people"].sentence], notes=[found["people"]])
        return Slide(
            name,
            chart=story.tradeoff_chart(spec, index, point, best),
            notes=[found["people"], found.get("best_point")],
        )
    if name == NEVER_BUILT_FOR:
        first = found["out_of_scope"].sentence if "out_of_scope" in found else found["unseen_words"].sentence
        lines = [first]
        for group in list(groups)[:3]:
            examples = ", ".join(f"“{fmt.clean(e, limit=70)}”" for e in group.quoted)
            lines.append(f"• {group.label} ({fmt.counted(group.n, spec.subject, spec.subjects)}): {examples}")
        return Slide(
            name, lines, notes=[found.get("out_of_scope"), found.get("unseen_requests"), found["unseen_words"]]
        )
    if name in ("What it relies on", "One case") and not bundle.explainable:
        return Slide(name, [bundle.unexplainable_reason])
    if name == "What it relies on":
        labels = {feature: spec.label(feature) for feature in bundle.features}
        table = explain.importance(explanation, labels)
        heading = narrative.importance_title(table, spec)
        built = charts.importance_bars(table.head(8), "Average shift", spec.task != "regression", heading)
        return Slide(name, [found["drivers"].sentence], chart=(heading, built), notes=[found["drivers"]])
    if name == "One case":
        return Slide(name, [found["case"].sentence], notes=[found["case"]])
    if name == "Risks":
        risks = narrative.risks([f for f in found.values() if f.code not in ("executive", "headline")])
        return Slide(name, [f"• {risk.sentence}" for risk in risks[:4]] or [NO_RISK], notes=risks)
    return Slide(name, [found["decision"].sentence], notes=[found["decision"]])


def pptx_bytes(slides: list[Slide], title: str, colophon: list[str], chart_png=None) -> bytes:
    """The slides as a PowerPoint file: the title and sentences as text, each chart as an image,
    the speaker notes as the slide's notes, and a last slide with `colophon` (version, file hashes)."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    if chart_png is None:
        from core.report import chart_png
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    layout = deck.slide_layouts[5]  # title only
    width = deck.slide_width
    for shown in slides:
        page = deck.slides.add_slide(layout)
        page.shapes.title.text = shown.title
        top = Emu(1500000)
        if shown.sentences:
            box = page.shapes.add_textbox(Emu(600000), top, width - Emu(1200000), Emu(1400000))
            frame = box.text_frame
            frame.word_wrap = True
            for number, sentence in enumerate(shown.sentences):
                paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
                paragraph.text = fmt.clean(sentence)
                paragraph.font.size = Pt(20)
            top = top + Emu(1500000)
        if shown.chart is not None:
            image = io.BytesIO(chart_png(shown.chart[1]))
            page.shapes.add_picture(image, Emu(600000), top, height=deck.slide_height - top - Emu(300000))
        page.notes_slide.notes_text_frame.text = "\n".join(shown.note_lines())
    last = deck.slides.add_slide(layout)
    last.shapes.title.text = title
    box = last.shapes.add_textbox(Emu(600000), Emu(1500000), width - Emu(1200000), Emu(4000000)).text_frame
    box.word_wrap = True
    for number, line in enumerate(colophon):
        paragraph = box.paragraphs[0] if number == 0 else box.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(14)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
