"""The review deck: the slides Present shows, as data, and the same slides as PowerPoint and PDF.

`slide` decides what each slide says (its finding as the title, sentences, one chart or table,
speaker notes) from the story's findings; the Present page draws them, and `pptx_bytes` and
`pdf_bytes` write them, so the deck a reviewer takes away says exactly what was on the screen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from core import format as fmt
from core.explaining import explain
from core.outputs import charts, story
from core.words import narrative

HEADLINE = "The headline"
TRADEOFF = "Accuracy, coverage and value"
NEVER_BUILT_FOR = "What it was never built for"
RELIES = "What it relies on"
CASE = "One case"
COMPARISON = "Against another model"
GROUPS = "Who bears the errors"
RISKS = "Risks"
DECISION = "The decision"
NAMES = [HEADLINE, TRADEOFF, RELIES, CASE, RISKS, DECISION]
RISKS_SHOWN = 5  # the rest are in the notes: a slide shows what a room can read
NO_RISK = "No risk stands out: the figures are steady, and no group does much worse than the rest."


@dataclass
class Slide:
    name: str
    heading: narrative.Finding  # the slide's finding, its title
    sentences: list[str] = field(default_factory=list)
    chart: tuple[str, object] | None = None  # (its finding, the chart)
    tiles: list[tuple[str, str, str]] = field(default_factory=list)  # (figure, value, its range)
    facts: list[str] = field(default_factory=list)  # a short line above the sentences (a case's id)
    table: list[list[str]] | None = None  # a small table, its header first
    notes: list = field(default_factory=list)  # findings, read in technical words

    @property
    def title(self) -> str:
        return self.heading.sentence

    def note_lines(self) -> list[str]:
        return [fmt.clean(f.text(narrative.TECHNICAL)) for f in self.notes if f is not None]


def names(found: dict, comparable: bool = False, explainable: bool = True) -> list[str]:
    """The slides, in order: six, one more when real requests it was never built for can be
    quoted, one more when a model published on the same rows can be set against it, and one
    fewer when the model's reasons cannot be shown (no case to explain)."""
    shown = [name for name in NAMES if explainable or name != CASE]
    if "unseen_words" in found:
        shown.insert(shown.index(RELIES), NEVER_BUILT_FOR)
    if comparable:
        shown.insert(shown.index(RISKS), COMPARISON)
    if "group_gap" in found or "groups_even" in found:
        shown.insert(shown.index(RISKS), GROUPS)
    return shown


def slide(
    name: str,
    found: dict,
    bundle,
    result=None,
    point=None,
    data=None,
    index=None,
    best=None,
    explanation=None,
    groups=(),
    case: story.CaseView | None = None,
    comparison=None,
    since=None,
    since_problem=None,
) -> Slide:
    """One slide's content. `result` holds the figures at `point` with their ranges, `data` the rows behind them; `index` and `best` draw the
    tradeoff chart; `explanation` the drivers; `groups` (unseen requests in their own words) the
    never-built-for slide; `case` the case slide; `comparison` (`core.evaluation.compare.Judged`) the
    comparison slide; `since` (`core.after_launch.traffic.SinceLaunch`) a line on real traffic on the headline
    and its changes among the risks, or `since_problem` (a `BundleError`) why it could not be worked out."""
    spec = bundle.spec
    kpis = result.kpis if result is not None else None
    if name == HEADLINE:
        line = narrative.traffic_line(since, spec) if since is not None else None
        return Slide(
            name,
            narrative.headline_title(kpis, spec),
            [narrative.value_sentence(kpis, spec), *([line.sentence] if line else [])],
            tiles=[tile[:3] for tile in narrative.tiles(result, spec)],
            notes=[found["headline"], found.get("out_of_scope"), line],
        )
    if name == TRADEOFF:
        if spec.task == "regression":
            from core.evaluation import breakdown

            errors = found["errors"]
            summary = breakdown.error_summary(data)
            heading = narrative.errors_title(summary, spec)
            rest = [part for part in errors.sentence.split(". ") if part.rstrip(".") != heading.sentence]
            title = narrative.histogram_title(summary, spec)
            unit = narrative.target_unit(spec)
            built = charts.error_histogram(breakdown.error_histogram(data), spec.tolerance.absolute, unit, title)
            return Slide(
                name,
                heading,
                [". ".join(part.rstrip(".") for part in rest) + "."],
                chart=(title, built),
                notes=[errors, found.get("large_errors")],
            )
        if bundle.decides_only:
            return Slide(name, narrative.people_title(kpis, spec), [found["people"].sentence], notes=[found["people"]])
        title, chart = story.tradeoff_chart(spec, index, point, best, through_best=True)  # its top: the best value
        return Slide(
            name,
            narrative.tradeoff_title(best, kpis, spec),
            [found["best_point"].sentence] if found.get("best_point") is not None else [],
            chart=(title, chart),
            notes=[found["people"], found.get("best_point")],
        )
    if name == NEVER_BUILT_FOR:
        lines = []
        if "out_of_scope" in found:
            lines.append(found["out_of_scope"].sentence.split(". ")[1])
        for group in list(groups)[:3]:
            examples = ", ".join(f"“{fmt.clean(e, limit=70)}”" for e in group.quoted[:2])
            lines.append(f"• {group.label} ({fmt.counted(group.n, spec.subject, spec.subjects)}): {examples}")
        return Slide(
            name,
            narrative.unseen_title(kpis, spec),
            lines,
            notes=[found.get("out_of_scope"), found.get("unseen_requests"), found["unseen_words"]],
        )
    if name in (RELIES, CASE) and not bundle.explainable:
        return Slide(
            name, narrative.slide_title("unexplained", "Its reasons cannot be shown"), [bundle.unexplainable_reason]
        )
    if name == RELIES:
        labels = {feature: spec.label(feature) for feature in bundle.features}
        table = explain.importance(explanation, labels)
        heading = narrative.importance_title(table, spec)
        built = charts.importance_bars(table.head(8), "Average shift", spec.task != "regression", heading)
        return Slide(
            name,
            narrative.relies_title(table, spec),
            [found["drivers"].sentence.split(". ", 1)[1]] if ". " in found["drivers"].sentence else [],
            chart=(heading, built),
            notes=[found["drivers"]],
        )
    if name == CASE:
        facts = [f"{case.identifier} · what actually happened: {case.happened}"]
        chart = story.waterfall_chart(spec, case, f"From the starting point to this {spec.subject}, reason by reason")
        return Slide(
            name,
            narrative.case_title(case.frame, case.decision, spec),
            [case.reasons.sentence],
            chart=(case.reasons.sentence, chart),
            facts=facts,
            notes=[case.reasons],
        )
    if name == COMPARISON:
        net = comparison.figure("net_per_case")
        scale = spec.business.volume or 1
        value_label = f"Net value {fmt.per(spec.business.per)}" if spec.business.volume else "Net value per case"
        rows = [["", "This model", comparison.other_title, "Beyond the noise?"]]
        shown = {
            "accuracy_acted": ("Right when it acts", fmt.percent),
            "coverage": ("Coverage", fmt.percent),
            "net_per_case": (value_label, lambda x: fmt.money(x * scale, spec.business.currency)),
        }
        for d in comparison.differences:
            if d.figure == "net_per_case" and not spec.business.is_set:
                continue  # no values set: no value to show, not even $0
            label, show = shown[d.figure]
            rows.append([label, show(d.a), show(d.b), "yes" if d.beyond_noise else "no"])
        rest = comparison.verdict.split(". ", 1)[1] if ". " in comparison.verdict else ""
        return Slide(
            name,
            narrative.comparison_title(net, comparison.other_title, spec),
            [rest] if rest else [],
            table=rows,
            notes=[narrative.Finding("comparison", narrative.INFO, comparison.verdict, {},
                                     "Paired bootstrap over the same rows, 1,000 resamples; each model at its own setting.")],
        )  # fmt: skip
    if name == GROUPS:
        assessed = story.assess_groups(bundle, data, point)
        gap = assessed.gaps[0] if assessed.gaps else None
        said = found.get("group_gap") or found.get("groups_even")
        column = gap.column if gap else spec.groups[0]
        shown_table = next(t for t in assessed.tables if t.column == column)
        frame = story.group_table(shown_table, spec)
        keep = [spec.label(column), spec.subjects.capitalize(), *[narrative.RATE_WORDS[m] for m in shown_table.rates]]
        small = narrative.too_small(column, assessed.small[column], spec)
        return Slide(
            name,
            narrative.groups_title(gap, spec),
            [said.sentence, *([small] if small else [])],
            table=[keep, *frame[keep].astype(str).values.tolist()][:7],
            notes=[said],
        )
    if name == RISKS:
        risks = _risks(found, since, since_problem)
        return Slide(
            name,
            narrative.risks_title(risks),
            [f"• {risk.sentence}" for risk in risks[:RISKS_SHOWN]]
            + ([f"• {len(risks) - RISKS_SHOWN} more in the notes."] if len(risks) > RISKS_SHOWN else [])
            or [NO_RISK],
            notes=risks,
        )
    risks = _risks(found, since, since_problem)
    approval = narrative.approval(kpis, spec, point, len(risks))
    decided = narrative.decision(kpis, spec, point, len(risks))
    return Slide(name, narrative.decision_title(spec), [approval.sentence], notes=[decided, approval])


def _risks(found: dict, since=None, since_problem=None) -> list:
    """The risks slide's list, worst first: the findings' cautions and what real traffic adds."""
    mine = [f for f in found.values() if f.code not in ("executive", "headline")]
    return narrative.risks(mine + story.since_launch_risks(since, since_problem))


# --- the deck as files ----------------------------------------------------------------------


def tile_lines(shown: Slide) -> list[str]:
    """The headline figures as lines of text: "Coverage: 58% (95% range 57% to 59% · n = 4,000)"."""
    return [f"{label}: {value} ({span})" for label, value, span in shown.tiles]


COLOPHON_TITLE = "About these slides"


def colophon(spec, hashes: tuple[str, str, str], point) -> list[str]:
    """The last slide of both files: the model and its version, the sha256 of its model,
    evaluation and manifest files, and the setting the slides speak of."""
    from core.bundles.registry import version_words

    model, evaluation, manifest = hashes
    registered = version_words(spec.id)
    return [
        f"{spec.title}{f', version {spec.version}' if spec.version else ''}",
        *([f"Model version: {registered}."] if registered else []),
        f"Model file sha256 {model}",
        f"Evaluation file sha256 {evaluation}",
        f"bundle.yaml sha256 {manifest}",
        f"At the setting where the model {narrative.describe_point(point, spec)}.",
    ]


def deck_png(chart) -> bytes:
    """A slide's chart as the decks place it: drawn in slide type at about its size on a screen."""
    from core.outputs.report import chart_png

    return chart_png(charts.for_deck(chart), scale=1.5)


def pptx_bytes(slides: list[Slide], title: str, colophon: list[str], chart_png=None) -> bytes:
    """The slides as a PowerPoint file: the finding as the title, the sentences as text, each
    chart as an image, a table as a table, the speaker notes as the slide's notes, and a last
    slide with `colophon` (version, file hashes)."""
    from pptx import Presentation
    from pptx.util import Emu

    chart_png = chart_png or deck_png
    from core.outputs.pdf import FONTS

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    layout = deck.slide_layouts[5]  # title only
    width, margin = deck.slide_width, Emu(600000)
    regular = str(FONTS / "DejaVuSans.ttf")  # measured with a font wider than the deck's own: it fits in any

    def fitted(frame, size: int) -> None:
        """Every line inside its box: the largest size up to `size` at which the text fits."""
        frame.word_wrap = True
        frame.fit_text(font_family="DejaVu Sans", max_size=size, font_file=regular)

    def text_box(page, top, height, lines, size):
        frame = page.shapes.add_textbox(margin, top, width - 2 * margin, height).text_frame
        for number, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = fmt.clean(line)
        fitted(frame, size)

    def titled(page, text: str) -> None:
        heading = page.shapes.title
        heading.left, heading.top, heading.width, heading.height = margin, Emu(250000), width - 2 * margin, Emu(1100000)
        heading.text = fmt.clean(text)
        fitted(heading.text_frame, 32)

    def picture(page, png: bytes, top, finding: str) -> None:
        """A chart as large as the room under the text allows, whole and centred, with its finding as
        the picture's text alternative (what a screen reader says for it)."""
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            pixels_wide, pixels_high = image.size
        room_wide, room_high = width - 2 * margin, deck.slide_height - top - Emu(250000)
        scale = min(room_wide / pixels_wide, room_high / pixels_high)
        wide, high = int(pixels_wide * scale), int(pixels_high * scale)
        shape = page.shapes.add_picture(io.BytesIO(png), margin + (room_wide - wide) // 2, top, width=wide, height=high)
        described = shape._element.nvPicPr.cNvPr  # python-pptx has no property for alt text: set the XML's own
        described.set("descr", fmt.clean(finding))
        described.set("title", fmt.clean(finding, limit=120))

    for shown in slides:
        page = deck.slides.add_slide(layout)
        titled(page, shown.title)
        top = Emu(1450000)
        lines = [*shown.facts, *shown.sentences, *tile_lines(shown)]
        if lines:
            height = Emu(1300000) if shown.chart is not None or shown.table else Emu(4800000)
            text_box(page, top, height, lines, 18)
            top = top + height + Emu(100000)
        if shown.table:
            rows, columns = len(shown.table), len(shown.table[0])
            grid = page.shapes.add_table(rows, columns, margin, top, width - 2 * margin, Emu(400000) * rows).table
            for r, row in enumerate(shown.table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = fmt.clean(value)
        if shown.chart is not None:
            picture(page, chart_png(shown.chart[1]), top, shown.chart[0])
        page.notes_slide.notes_text_frame.text = "\n".join(shown.note_lines())
    last = deck.slides.add_slide(layout)
    titled(last, title)
    text_box(last, Emu(1500000), Emu(4000000), colophon, 14)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def pdf_bytes(slides: list[Slide], title: str, colophon: list[str], chart_png=None) -> bytes:
    """The slides as a PDF, one 16:9 page each (the same content as the PowerPoint file), then the
    speaker notes in full on pages of their own, slide by slide, and the colophon last."""
    from core.outputs import pdf as documents

    chart_png = chart_png or deck_png
    pdf = documents.document(title, orientation="landscape", unit="mm", format=(190.5, 338.67))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(16, 12, 16)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(body: str, size: float, style: str = "", height: float | None = None) -> None:
        documents.write(pdf, fmt.clean(body), size, style, height)

    for shown in slides:
        pdf.add_page()
        write(shown.title, 26, "B", 12)
        pdf.ln(3)
        for line in [*shown.facts, *shown.sentences, *tile_lines(shown)]:
            write(line, 15, height=7.5)
            pdf.ln(1)
        if shown.table:
            pdf.ln(2)
            pdf.set_font(documents.FAMILY, "", 13)
            documents.shaped_as_needed(pdf, " ".join(fmt.clean(value) for row in shown.table for value in row))
            with pdf.table(text_align="LEFT") as grid:
                for row in shown.table:
                    cells = grid.row()
                    for value in row:
                        cells.cell(fmt.clean(value))
        if shown.chart is not None:
            pdf.ln(2)
            room = pdf.h - pdf.get_y() - pdf.b_margin - 4
            pdf.image(io.BytesIO(chart_png(shown.chart[1])), h=max(room, 40), keep_aspect_ratio=True, w=width)
    noted = [(number, shown) for number, shown in enumerate(slides, 1) if shown.note_lines()]
    if noted:  # in full, on pages of their own: never cut to fit a slide's foot
        pdf.set_auto_page_break(auto=True, margin=12)
        pdf.add_page()
        write("Speaker notes", 22, "B", 11)
        for number, shown in noted:
            pdf.ln(3)
            write(f"Slide {number}: {shown.title}", 13, "B", 6.5)
            for line in shown.note_lines():
                write(line, 11, height=5.5)
        pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    write(title, 26, "B", 12)
    pdf.ln(4)
    for line in colophon:
        write(line, 12, height=6)
    return bytes(pdf.output())
