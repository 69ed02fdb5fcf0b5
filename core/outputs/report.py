"""A report to leave behind: one bundle at one setting, as self-contained HTML and as PDF.

Charts are rendered to PNG by vl-convert (the Vega renderer ships inside the package) and
embedded as data, so the HTML opens offline with no server and names no network resource.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from core import __version__
from core import format as fmt
from core.bundles.contract import OperatingPoint
from core.bundles.registry import version_words
from core.evaluation import breakdown, metrics, tradeoff
from core.explaining import explain
from core.outputs import charts
from core.words import card, narrative


def chart_png(chart, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def chart_svg(chart) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_json())


@dataclass
class Report:
    title: str
    subtitle: str
    summary: str
    tiles: list[tuple[str, str, str]]  # (label, value, range)
    charts: list[tuple[str, bytes]]  # (title, png)
    tables: list[tuple[str, pd.DataFrame]]
    card: list[tuple[str, str | None]]
    facts: list[tuple[str, str]] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # beside each chart, in words ("" for none)
    risks: list[str] = field(default_factory=list)
    decision: str = ""
    since_launch: str = ""  # one line on real traffic since launch, when the bundle has some
    decisions: list[str] = field(default_factory=list)  # the decision log, newest first, one line each
    decisions_check: str = ""  # what the log's hash chain says about those lines


def build(
    bundle,
    data: metrics.EvalSet,
    explained: explain.Explanation | None,
    point: OperatingPoint,
    audience: str = narrative.PLAIN,
    word_reasons: dict | None = None,
    unseen: list | None = None,
    since=None,
    since_problem=None,
) -> Report:
    """Everything the report says, from the same figures the app shows (`word_reasons` and
    `unseen`: as `story.findings` takes them, when the caller has them cached). `since`: the
    bundle's figures since launch (`SinceLaunch`), whose line and changes the report carries, or
    `since_problem`, why they could not be worked out (a risk of its own)."""
    from core.outputs import story

    if unseen is None:
        unseen = story.unseen_groups(bundle, data) if bundle.spec.task == "multiclass" else []

    spec = bundle.spec
    result = metrics.headline(data, point)
    k = result.kpis
    tiles = [tile[:3] for tile in narrative.tiles(result, spec)]
    accuracy_label = tiles[0][0]
    found = story.findings(bundle, data, explained, point, word_reasons=word_reasons, unseen=unseen)
    by_code = {f.code: f for f in found}
    labels = {name: spec.label(name) for name in bundle.features}
    importance = explain.importance(explained, labels) if explained is not None else None
    built, captions = [], []
    if spec.task != "regression" and not spec.decides_only and spec.business.is_set:
        index = tradeoff.Index(data)
        best = tradeoff.best_point(index)
        built.append(story.tradeoff_chart(spec, index, point, best, through_best=True))  # its top: the best value
        best_words = narrative.best_point(best, k, point, spec)
        captions.append(best_words.text(audience) if best_words is not None else "")
    if importance is not None:
        title = narrative.importance_title(importance, spec)
        built.append(
            (title, charts.importance_bars(importance.head(10), "Average shift", spec.task != "regression", title))
        )
        captions.append("")
    tables = []
    assessed = story.assess_groups(bundle, data, point)
    for found_table in assessed.tables if assessed is not None else []:
        tables.append(
            (f"Who bears the errors, by {spec.label(found_table.column).lower()}", story.group_table(found_table, spec))
        )
    for column in spec.segments:
        table = breakdown.segment_table(data, point, bundle.eval[column])
        tables.append(
            (
                f"By {spec.label(column).lower()}",
                pd.DataFrame(
                    {
                        spec.label(column): table["segment"],
                        spec.subjects.capitalize(): table["n"].map(fmt.count),
                        accuracy_label: table["accuracy_acted"].map(fmt.percent),
                        "Coverage": table["coverage"].map(fmt.percent),
                    }
                ),
            )
        )
    groups = unseen if spec.task == "multiclass" else []
    if groups:  # what people asked that it was never trained on, in their own words
        tables.append(
            (
                "Never trained on, in their own words",
                pd.DataFrame(
                    {
                        "Request": [g.label for g in groups],
                        spec.subjects.capitalize(): [fmt.count(g.n) for g in groups],
                        "Telling words": [", ".join(g.words) for g in groups],
                        "What they wrote": [" · ".join(f"“{e}”" for e in g.examples[:3]) for g in groups],
                    }
                ),
            )
        )
    weak = [f.sentence for f in found if f.code == "weakest_segment"]
    facts = card.facts(
        spec,
        len(bundle.eval),
        result,
        importance["label"].head(3).tolist() if importance is not None else [],
        weak,
        1 - k.scope_coverage if k.scope_coverage < 0.99 else None,
        narrative.describe_point(point, spec),
        narrative.card_line(assessed, spec) if assessed is not None else None,
    )
    facts += [
        ("Report made", dt.date.today().isoformat()),
        ("Modelbrief version", __version__),
        ("Model file sha256", bundle.model_sha256)
        if bundle.model is not None
        else ("Scores", "read from the evaluation file (no model file)"),
        ("Evaluation file sha256", bundle.eval_sha256),
    ]
    if (registered := version_words(spec.id)) is not None:
        facts.append(("Model version", registered))
    risks = narrative.risks(
        [f for f in found if f.code not in ("executive", "headline")] + story.since_launch_risks(since, since_problem)
    )
    decided = narrative.decision(k, spec, point, len(risks))
    return Report(
        title=spec.title,
        subtitle=f"{spec.owner or ''}{' · ' if spec.owner else ''}at the setting where the model "
        f"{narrative.describe_point(point, spec)}",
        summary=by_code["executive"].text(audience),
        tiles=tiles,
        charts=[(title, chart_png(chart)) for title, chart in built],
        captions=captions,
        tables=tables,
        card=[(s.title, s.text) for s in card.sections(spec)],
        facts=facts,
        risks=[f.text(audience) for f in risks],
        decision=decided.text(audience),
        since_launch=narrative.traffic_line(since, spec).text(audience) if since is not None else "",
    )


STYLE = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1F2430;max-width:980px;margin:32px auto;
padding:0 24px;line-height:1.5}
h1{font-size:30px;margin-bottom:4px}h2{font-size:20px;margin-top:32px;border-bottom:1px solid #E3E6EE;padding-bottom:4px}
.sub{color:#5B6475}.tiles{display:flex;gap:16px;margin:20px 0}.tile{flex:1;border:1px solid #E3E6EE;border-radius:8px;
padding:12px 16px}.tile .label{color:#5B6475;font-size:14px}.tile .value{font-size:32px}.tile .range{color:#5B6475;
font-size:12px}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #E3E6EE;padding:4px 10px;
text-align:left;font-size:14px;overflow-wrap:anywhere}img{max-width:100%}p{overflow-wrap:anywhere;white-space:pre-wrap}.gap{color:#8A5300}.risk{background:#FFF8E6;border-radius:6px;
padding:8px 12px;margin:8px 0}dl{display:grid;grid-template-columns:220px 1fr;gap:4px 12px}dt{color:#5B6475}
dd{margin:0;overflow-wrap:anywhere}
"""


def _table_html(table: pd.DataFrame) -> str:
    e = fmt.html_text
    head = "".join(f"<th scope='col'>{e(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<th scope='row'>{e(v, limit=200)}</th>" if i == 0 else f"<td>{e(v, limit=200)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def decision_lines(entries, bundle) -> list[str]:
    """The decision log as the report lists it: verdict, signer, time, setting and comment; an
    entry made on other files says so."""
    from core.words import narrative

    lines = []
    for entry in entries:
        older = "" if entry.on_these_files(bundle) else " (made on an older version of the files)"
        comment = f": {entry.comment}" if entry.comment else ""
        lines.append(
            f"{entry.verdict_words} by {entry.signer}, {entry.signed_at:%d %b %Y %H:%M} UTC, at the setting where the "
            f"model {narrative.describe_point(entry.point, bundle.spec)}{older}{comment}"
        )
    return lines


def to_html(report: Report) -> str:
    """The report as one HTML file. Every piece of text is escaped and written so that the file
    holds no address at all: charts are inline images, and nothing is fetched when it opens."""
    e = fmt.html_text
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{e(report.title)}</title>"
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>{e(report.title)}</h1><div class='sub'>{e(report.subtitle)}</div></header><main>",
        f"<p id='summary'>{e(report.summary)}</p>"
        + (f"<p id='since-launch'>{e(report.since_launch)}</p>" if report.since_launch else "")
        + "<div class='tiles'>",
    ]
    for i, (label, value, span) in enumerate(report.tiles):
        parts.append(
            f"<div class='tile' id='tile-{i}'><div class='label'>{e(label)}</div>"
            f"<div class='value'>{e(value)}</div><div class='range'>{e(span)}</div></div>"
        )
    parts.append("</div>")
    for i, (title, png) in enumerate(report.charts):
        caption = report.captions[i] if i < len(report.captions) else ""
        parts.append(
            f"<figure><img alt='{e(title)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
            + (f"<figcaption>{e(caption)}</figcaption>" if caption else "")
            + "</figure>"
        )
    for title, table in report.tables:
        parts.append(f"<h2>{e(title)}</h2>{_table_html(table)}")
    if report.risks:
        parts.append("<h2>Risks and caveats</h2>" + "".join(f"<div class='risk'>{e(r)}</div>" for r in report.risks))
    parts.append(f"<h2>The decision</h2><p id='decision'>{e(report.decision)}</p>")
    if report.decisions:
        parts.append(
            "<h3>Decisions signed</h3>"
            + (f"<p class='sub' id='log-check'>{e(report.decisions_check)}</p>" if report.decisions_check else "")
            + "".join(f"<div class='signed'>{e(line)}</div>" for line in report.decisions)
        )
    parts.append("<h2>Model card</h2>")
    for title, text in report.card:
        parts.append(
            f"<h3>{e(title)}</h3>"
            + (
                "".join(f"<p>{e(p, limit=None)}</p>" for p in text.split("\n\n"))
                if text
                else "<p class='gap'>Not written yet.</p>"
            )
        )
    parts.append("<h2>Facts</h2><dl>" + "".join(f"<dt>{e(n)}</dt><dd>{e(v)}</dd>" for n, v in report.facts) + "</dl>")
    parts.append("</main></body></html>")
    return "".join(parts)


def to_pdf(report: Report) -> bytes:
    import io

    from core.outputs import pdf as documents

    pdf = documents.document(report.title, format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(body: str, size: int = 11, style: str = "", height: float = 6) -> None:
        documents.write(pdf, body, size, style, height, align="J")  # justified, as the report always was

    text(report.title, 20, "B", 10)
    text(report.subtitle, 10)
    pdf.ln(2)
    text(report.summary)
    if report.since_launch:
        pdf.ln(1)
        text(report.since_launch)
    pdf.ln(2)
    for label, value, span in report.tiles:
        text(f"{label}: {value}", 13, "B", 7)
        text(span, 9, "", 5)
    for i, (_finding, png) in enumerate(report.charts):
        pdf.ln(3)
        pdf.image(io.BytesIO(png), w=width)  # the chart carries its own title
        if i < len(report.captions) and report.captions[i]:
            text(report.captions[i], 10)
    for title, table in report.tables:
        pdf.ln(3)
        text(title, 12, "B", 6)
        for _, row in table.iterrows():
            text("  ·  ".join(f"{c}: {v}" for c, v in row.items()), 9, "", 5)
    if report.risks:
        pdf.ln(3)
        text("Risks and caveats", 12, "B", 6)
        for risk in report.risks:
            text(f"- {risk}", 10)
    pdf.ln(3)
    text("The decision", 12, "B", 6)
    text(report.decision)
    if report.decisions:
        text("Decisions signed", 11, "B", 6)
        if report.decisions_check:
            text(report.decisions_check, 9, "", 5)
        for line in report.decisions:
            text(f"- {line}", 9, "", 5)
    pdf.ln(3)
    text("Model card", 12, "B", 6)
    for title, body in report.card:
        text(title, 10, "B", 5)
        text(body or "Not written yet.", 10)
    pdf.ln(3)
    text("Facts", 12, "B", 6)
    for name, value in report.facts:
        text(f"{name}: {value}", 9, "", 5)
    return bytes(pdf.output())
