"""Altair charts built from the small tidy frames in core (never from raw rows).

Every builder takes a frame, a title that states the finding, and returns a chart; the caller
passes the same finding as `alt` text. Frames here have at most a few hundred rows.
"""

from __future__ import annotations

import hashlib
import json

import altair as alt
import numpy as np
import pandas as pd

# Okabe and Ito's colour-blind-safe colours, darkened where needed so every mark has 3:1 contrast on
# white; with GREY, the first eight stay apart for deuteranopia and protanopia too (tests/core/outputs/
# test_palette.py: CIELAB distances after Machado's simulation). ORANGE and RED are one vermillion:
# no chart shows both.
BLUE, VERMILLION, GREEN, GREY = "#0072B2", "#D55E00", "#009E73", "#8A93A6"
ORANGE = RED = VERMILLION
TEXT = "#1F2430"  # words drawn on a chart: 15:1 on white
MAX_MARKS = 5000
PALETTE = [BLUE, VERMILLION, GREEN, "#333333", "#332288", "#5D3A00", "#1B7837"]


def _checked(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) > MAX_MARKS:
        raise ValueError(f"a chart was handed {len(frame):,} rows; aggregate to at most {MAX_MARKS:,} first")
    return frame


TITLE_WIDTH = 100  # characters a chart's title line holds at its width before it is wrapped


def title_lines(title: str) -> str | list[str]:
    """A chart title as Vega-Lite draws it: one line, or lines of at most `TITLE_WIDTH` characters
    (a title is a sentence, never cut short)."""
    import textwrap

    return title if len(title) <= TITLE_WIDTH else textwrap.wrap(title, TITLE_WIDTH)


class Frozen:
    """A chart already written as its Vega-Lite spec, drawn and downloaded like an Altair chart.

    For charts redrawn on every move of a control where only a marker and the title change: the
    spec is built once, and each move edits a copy (see `Marked`).
    """

    def __init__(self, spec: dict, source: alt.TopLevelMixin):
        self.spec, self._source = spec, source
        self.height = getattr(source, "height", None)
        title = spec.get("title", {}).get("text") if isinstance(spec.get("title"), dict) else spec.get("title")
        self.title = " ".join(title) if isinstance(title, list) else title

    def to_dict(self, validate: bool = True) -> dict:
        if validate:  # the edited spec must still be one Vega-Lite accepts
            type(self._source).from_dict(self.spec, validate=True)
        return self.spec

    def to_json(self) -> str:
        return json.dumps(self.spec)


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as a chart spec holds them: plain numbers and text, a missing value as null."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


class Template:
    """A chart built once and redrawn with new data and a new title: each draw puts the rows of
    the frames it was built from (`data`, by key) into a copy of the built spec, so a control's
    move costs a JSON copy, not a chart build. Frames drawn later have the same columns; anything
    else the spec holds (sizes, labels) belongs in the key the caller keeps templates by.
    """

    def __init__(self, built: alt.TopLevelMixin, data: dict[str, pd.DataFrame]):
        self._source = built
        self._json = json.dumps(built.to_dict(validate=False))
        datasets = json.loads(self._json).get("datasets", {})
        self._data = {}
        for key, frame in data.items():
            rows = json.dumps(records(frame))
            self._data[key] = next(name for name, held in datasets.items() if json.dumps(held) == rows)

    def _drawn(self, spec: dict, title: str, data: dict[str, pd.DataFrame], renamed: dict[str, str]) -> Frozen:
        for number, (key, frame) in enumerate(data.items()):
            name = self._data[key]
            del spec["datasets"][name]
            rows = records(frame)
            digest = hashlib.md5(json.dumps(rows).encode(), usedforsecurity=False).hexdigest()[:12]
            renamed[name] = f"{name}-now-{number}-{digest}"  # named by its rows, as Altair names data
            spec["datasets"][renamed[name]] = rows
        spec["title"]["text"] = title_lines(title)
        text = json.dumps(spec)
        for old, new in renamed.items():
            text = text.replace(f'"{old}"', f'"{new}"')
        return Frozen(json.loads(text), self._source)

    def at(self, title: str, data: dict[str, pd.DataFrame]) -> Frozen:
        return self._drawn(json.loads(self._json), title, data, {})


class Marked(Template):
    """A template with a marker at a placeholder position (`PLACE` in its `field`), moved on each draw."""

    PLACE = -123456.0  # where the marker sits in the built chart; never a setting

    def __init__(self, built: alt.TopLevelMixin, field: str, data: dict[str, pd.DataFrame] | None = None):
        super().__init__(built, data or {})
        self._field = field
        datasets = json.loads(self._json).get("datasets", {})
        self._marks = next(name for name, rows in datasets.items() if any(row.get(field) == self.PLACE for row in rows))

    def at(self, position: float, title: str, data: dict[str, pd.DataFrame] | None = None) -> Frozen:
        spec = json.loads(self._json)
        rows = spec["datasets"].pop(self._marks)
        for row in rows:
            if row.get(self._field) == self.PLACE:
                row[self._field] = float(position)
        moved = f"{self._marks}-at-{position!r}"  # a new name, so the browser takes the new rows
        spec["datasets"][moved] = rows
        return self._drawn(spec, title, data or {}, {self._marks: moved})


_templates: dict[tuple, Template] = {}


def _from_template(key: tuple, build, data: dict[str, pd.DataFrame], title: str) -> Frozen:
    """Draw from the template kept for `key`, building it (with `build()`) the first time."""
    template = _templates.get(key)
    if template is None:
        if len(_templates) >= 64:
            _templates.pop(next(iter(_templates)))
        template = _templates[key] = Template(build(), data)
    return template.at(title, data)


def tradeoff_data(curve: pd.DataFrame, control: str) -> dict[str, pd.DataFrame]:
    """What the tradeoff chart draws: the curve, and its two shares in long form."""
    frame = _checked(curve)
    shares = frame.melt(
        id_vars=[control], value_vars=["accuracy_acted", "coverage"], var_name="figure", value_name="share"
    )
    shares["figure"] = shares["figure"].map({"accuracy_acted": "Right when it acts", "coverage": "Coverage"})
    return {"curve": frame, "shares": shares}


def tradeoff(
    curve: pd.DataFrame,
    control: str,
    control_label: str,
    current: float | None,
    best: float | None,
    value_column: str,
    value_label: str,
    currency: str,
    title: str,
) -> alt.LayerChart:
    """Accuracy and coverage (top) and net value (bottom) across the control's range, with a rule
    where the setting is now and one at the best-value setting (each only when given: a curve that
    does not run through it has none)."""
    drawn = tradeoff_data(curve, control)
    frame, shares = drawn["curve"], drawn["shares"]
    x = alt.X(f"{control}:Q", title=control_label, axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False))
    shown = [(at, name) for at, name in ((current, "Now"), (best, "Best-value setting")) if at is not None]
    marks = pd.DataFrame({control: [at for at, _ in shown], "mark": [name for _, name in shown]})
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
        .encode(
            x=f"{control}:Q",
            color=alt.Color(
                "mark:N",
                scale=alt.Scale(
                    domain=[name for _, name in shown],
                    range=[{"Now": TEXT, "Best-value setting": GREEN}[name] for _, name in shown],
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    named = (  # each rule named in words at its top, not told by its colour alone
        alt.Chart(marks)
        .transform_calculate(words="datum.mark == 'Now' ? 'Now' : 'Best'")
        .mark_text(align="left", baseline="top", dx=4, dy=2, color=TEXT)
        .encode(x=f"{control}:Q", y=alt.value(0), text="words:N")
    )
    top = alt.layer(
        alt.Chart(shares)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("share:Q", title="Share", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
            stroke=alt.Stroke(
                "figure:N", scale=alt.Scale(range=[BLUE, ORANGE]), legend=alt.Legend(title=None, orient="top")
            ),
            strokeDash=alt.StrokeDash(
                "figure:N", scale=alt.Scale(range=[[1, 0], [8, 4]]), legend=alt.Legend(title=None, orient="top")
            ),
            tooltip=[
                alt.Tooltip(f"{control}:Q", title=control_label, format=".0%"),
                alt.Tooltip("figure:N", title="Figure"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        ),
        rules,
        named,
    ).properties(height=220, width=760)
    bottom = alt.layer(
        alt.Chart(frame)
        .mark_area(line={"color": GREEN}, color=GREEN, opacity=0.15)
        .encode(
            x=x,
            y=alt.Y(f"{value_column}:Q", title=f"{value_label} ({currency})", axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip(f"{control}:Q", title=control_label, format=".0%"),
                alt.Tooltip(f"{value_column}:Q", title=value_label, format=",.0f"),
            ],
        ),
        alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=GREY).encode(y="zero:Q"),
        rules,
    ).properties(height=160, width=760)
    return alt.vconcat(top, bottom, title=alt.Title(title, anchor="start")).resolve_scale(color="shared")


def outcome_matrix(counts: pd.DataFrame, title: str) -> Frozen:
    """Actual outcome against the model's decision, as a grid of counts (drawn from a template
    kept per set of rows and columns: the counts change as the control moves, the grid does not)."""
    frame = _checked(counts).assign(dark=lambda f: f["count"] > f["count"].max() / 2)
    height = max(160, 34 * frame["actual"].nunique())
    key = ("outcome_matrix", tuple(frame["actual"]), tuple(frame["decision"]), height)
    return _from_template(key, lambda: _outcome_matrix(frame, height), {"cells": frame}, title)


def _outcome_matrix(frame: pd.DataFrame, height: int) -> alt.LayerChart:
    base = alt.Chart(frame).encode(
        x=alt.X(
            "decision:N",
            title="What the model decided",
            axis=alt.Axis(labelAngle=-35, labelOverlap=False, labelLimit=180),
        ),
        y=alt.Y("actual:N", title="What actually happened", axis=alt.Axis(labelOverlap=False, labelLimit=180)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", title="Cases", scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("actual:N", title="Actual"),
            alt.Tooltip("decision:N", title="Decision"),
            alt.Tooltip("count:Q", title="Cases", format=","),
        ],
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("count:Q", format=","),
        color=alt.condition("datum.dark", alt.value("white"), alt.value(TEXT)),  # on the darker half
    )
    return alt.layer(cells, text, title=alt.Title("", anchor="start")).properties(height=height)


def reliability(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    """Stated confidence against how often the model was right, with the line of perfect honesty."""
    frame = _checked(frame)
    low = float(frame["bin_low"].min())
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [low, 1.0]})).mark_line(color=GREY, strokeDash=[4, 3]).encode(x="x:Q", y="x:Q")
    )
    points = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=70), color=BLUE)
        .encode(
            x=alt.X(
                "stated:Q",
                title="How sure the model says it is",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[low, 1]),
            ),
            y=alt.Y(
                "observed:Q",
                title="How often it was right",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("stated:Q", title="Says", format=".0%"),
                alt.Tooltip("observed:Q", title="Right", format=".0%"),
                alt.Tooltip("n:Q", title="Cases", format=","),
            ],
        )
    )
    return alt.layer(diagonal, points, title=alt.Title(title, anchor="start")).properties(height=260)


def segment_bars(frame: pd.DataFrame, overall: float, label: str, title: str) -> Frozen:
    """Accuracy when it acts, per segment value, against the overall figure (drawn from a template
    kept per segment column and number of segments)."""
    frame = _checked(frame)
    data = {"bars": frame, "rule": pd.DataFrame({"overall": [overall]})}
    key = ("segment_bars", label, tuple(frame.columns), len(frame))
    return _from_template(key, lambda: _segment_bars(data["bars"], data["rule"], label), data, title)


def _segment_bars(frame: pd.DataFrame, rule: pd.DataFrame, label: str) -> alt.LayerChart:
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("segment:N", title=label, sort="-x"),
            x=alt.X(
                "accuracy_acted:Q",
                title="Right when it acts",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("segment:N", title=label),
                alt.Tooltip("accuracy_acted:Q", title="Right", format=".1%"),
                alt.Tooltip("coverage:Q", title="Coverage", format=".1%"),
                alt.Tooltip("n:Q", title="Cases", format=","),
            ],
        )
    )
    line = alt.Chart(rule).mark_rule(color=ORANGE, strokeWidth=2, strokeDash=[6, 3]).encode(x="overall:Q")
    named = (  # the rule named in words, not by its colour alone
        alt.Chart(rule)
        .transform_calculate(words="'All: ' + format(datum.overall, '.0%')")
        .mark_text(align="left", baseline="bottom", dx=4, dy=-2, color=TEXT)
        .encode(x="overall:Q", y=alt.value(0), text="words:N")
    )
    return alt.layer(bars, line, named, title=alt.Title("", anchor="start")).properties(
        height=28 * len(frame), width=640
    )


def percent_format(values) -> str:
    """Whole percents when the axis spans 5 points or more; one decimal below, so ticks never read
    '0% 0% 1% 1%' (with `percent_axis`, whole-percent ticks also fall on whole percents)."""
    top = float(pd.Series(values).abs().max()) if len(values) else 0.0
    return ".0%" if top >= 0.05 else ".1%"


def percent_axis(values) -> alt.Axis:
    """An axis of percents whose tick labels never repeat: whole percents step by at least one."""
    shown = percent_format(values)
    return alt.Axis(format=shown, tickMinStep=0.01) if shown == ".0%" else alt.Axis(format=shown)


def unseen_bars(frame: pd.DataFrame, subjects: str, title: str) -> alt.Chart:
    """Requests the model was never trained on, largest first."""
    frame = _checked(frame)
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start"))
        .mark_bar(color=ORANGE)
        .encode(
            y=alt.Y("label:N", title="Request", sort="-x"),
            x=alt.X("share:Q", title=f"Share of all {subjects}", axis=percent_axis(frame["share"])),
            tooltip=[
                alt.Tooltip("label:N", title="Request"),
                alt.Tooltip("n:Q", title=subjects.capitalize(), format=","),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(height=26 * len(frame), width=640)
    )


def error_histogram(frame: pd.DataFrame, tolerance: float | None, unit: str, title: str) -> alt.LayerChart:
    """Signed errors, with the tolerance band shaded."""
    frame = _checked(frame)
    layers = []
    if tolerance is not None:
        band = pd.DataFrame({"low": [-tolerance], "high": [tolerance]})
        layers.append(alt.Chart(band).mark_rect(color=GREEN, opacity=0.12).encode(x="low:Q", x2="high:Q"))
    layers.append(
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("error_low:Q", bin="binned", title=f"Estimate minus the truth ({unit})"),
            x2="error_high:Q",
            y=alt.Y("count:Q", title="Estimates"),
            tooltip=[
                alt.Tooltip("error_low:Q", title="From", format=".2f"),
                alt.Tooltip("error_high:Q", title="To", format=".2f"),
                alt.Tooltip("count:Q", title="Estimates"),
            ],
        )
    )
    return alt.layer(*layers, title=alt.Title(title, anchor="start")).properties(height=240)


def tolerance_curve(frame: pd.DataFrame, current: float | None, unit: str, title: str) -> alt.LayerChart:
    frame = _checked(frame)
    line = (
        alt.Chart(frame)
        .mark_line(color=BLUE, strokeWidth=2.5)
        .encode(
            x=alt.X("tolerance:Q", title=f"Tolerance ({unit})"),
            y=alt.Y(
                "within:Q", title="Estimates within it", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
            ),
            tooltip=[
                alt.Tooltip("tolerance:Q", title="Tolerance", format=".2f"),
                alt.Tooltip("within:Q", title="Within", format=".1%"),
            ],
        )
    )
    layers = [line]
    if current is not None:
        layers.append(alt.Chart(pd.DataFrame({"t": [current]})).mark_rule(strokeDash=[4, 3]).encode(x="t:Q"))
    return alt.layer(*layers, title=alt.Title(title, anchor="start")).properties(height=220)


def mark_count(chart: alt.TopLevelMixin) -> int:
    """How many rows of data a chart carries in all (what the browser would draw from)."""
    spec = chart.to_dict()
    return sum(len(v) for v in spec.get("datasets", {}).values())


def importance_bars(frame: pd.DataFrame, unit_title: str, percent: bool, title: str) -> alt.Chart:
    frame = _checked(frame)
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start"))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            x=alt.X(
                "importance:Q",
                title=unit_title,
                axis=percent_axis(frame["importance"]) if percent else alt.Axis(format=",.2f"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Feature"),
                alt.Tooltip("importance:Q", title="Average shift", format=".1%" if percent else ",.3f"),
            ],
        )
        .properties(height=26 * len(frame), width=620)
    )


def beeswarm(frame: pd.DataFrame, order: list[str], unit_title: str, percent: bool, title: str) -> alt.Chart:
    """Each dot a case: where it pushed the prediction, coloured by how high the feature's value is."""
    frame = _checked(frame.assign(jitter=np.random.default_rng(0).uniform(-0.35, 0.35, len(frame))))
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start"))
        .transform_calculate(half="datum.level >= 0.5 ? 'Higher values' : 'Lower values'")
        .mark_point(size=20, opacity=0.7, filled=True)
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-0.5, 0.5])),
            x=alt.X("contribution:Q", title=unit_title, axis=alt.Axis(format=".0%" if percent else ",.2f")),
            color=alt.Color(
                "level:Q",
                title="Feature value",
                scale=alt.Scale(range=[BLUE, "#D9DDE6", RED]),
                legend=alt.Legend(format=".0%", title="Value (low to high)", orient="bottom", gradientLength=100),
            ),
            shape=alt.Shape(  # the half of its range a value is in, by shape too: ▲ higher, ▼ lower
                "half:N",
                scale=alt.Scale(domain=["Higher values", "Lower values"], range=["triangle-up", "triangle-down"]),
                legend=alt.Legend(title=None, orient="top", direction="vertical"),  # fits a narrow screen
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Feature"),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("contribution:Q", title="Shift", format=".1%" if percent else ",.2f"),
            ],
        )
        .properties(height=44 * frame["label"].nunique(), width=640)
    )


def dependence(frame: pd.DataFrame, label: str, unit_title: str, percent: bool, title: str) -> alt.Chart:
    """A feature's value against how it moved the prediction (numbers: dots; categories: averages)."""
    frame = _checked(frame)
    y_format = ".0%" if percent else ",.2f"
    axis = percent_axis(frame["contribution"]) if percent else alt.Axis(format=y_format)
    if pd.api.types.is_numeric_dtype(frame["value"]):
        chart = (
            alt.Chart(frame)
            .mark_circle(size=22, opacity=0.6, color=BLUE)
            .encode(
                x=alt.X("value:Q", title=label, scale=alt.Scale(zero=False)),
                y=alt.Y("contribution:Q", title=unit_title, axis=axis),
                tooltip=[
                    alt.Tooltip("value:Q", title=label),
                    alt.Tooltip("contribution:Q", title="Shift", format=y_format),
                ],
            )
        )
    else:
        means = (
            frame.assign(value=frame["value"].astype(str))
            .groupby("value", as_index=False)
            .agg(contribution=("contribution", "mean"), cases=("contribution", "size"))
        )
        chart = (
            alt.Chart(means)
            .mark_bar(color=BLUE)
            .encode(
                x=alt.X("value:N", title=label, sort="-y", axis=alt.Axis(labelAngle=-30)),
                y=alt.Y(
                    "contribution:Q",
                    title=f"Average {unit_title[0].lower()}{unit_title[1:]}",
                    axis=axis,
                ),
                tooltip=[
                    alt.Tooltip("value:N", title=label),
                    alt.Tooltip("contribution:Q", title="Shift", format=y_format),
                    alt.Tooltip("cases:Q", title="Cases"),
                ],
            )
        )
    return chart.properties(title=alt.Title(title, anchor="start"), height=260, width=640)


def waterfall(frame: pd.DataFrame, unit_title: str, percent: bool, title: str) -> alt.Chart:
    """From the typical prediction, each reason's push, to this case's prediction."""
    frame = _checked(frame)
    fmt_ = ".1%" if percent else ",.2f"
    # room at the right of the axis for the pushes written beside the bars (never below the lowest bar)
    low, high = float(frame[["start", "end"]].min().min()), float(frame[["start", "end"]].max().max())
    room = alt.Scale(domain=[low, high + 0.18 * ((high - low) or 1.0)])
    # a chance's axis names no value past 100% (the room there is for the words only)
    axis = (
        alt.Axis(format=".0%", labelExpr="datum.value > 1.0001 ? '' : datum.label")
        if percent
        else alt.Axis(format=",.2f")
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(size=18)
        .encode(
            y=alt.Y("step:N", title=None, sort=alt.EncodingSortField("order"), axis=alt.Axis(labelLimit=300)),
            x=alt.X("start:Q", title=unit_title, axis=axis, scale=room),
            x2="end:Q",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["raises", "lowers", "total"], range=[RED, BLUE, GREY]),
                legend=alt.Legend(title=None, orient="bottom", columns={"expr": "width < 360 ? 1 : 3"}),
            ),
            tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("contribution:Q", title="Amount", format=fmt_)],
        )
    )
    # each step's push in words at the end of its bar, signed (+ raises, − lowers), the total plain
    sign = "(datum.contribution > 0 ? '+' : '−')"
    written = (
        alt.Chart(frame)
        .transform_calculate(
            far="max(datum.start, datum.end)",
            words=f"datum.kind == 'total' ? '' : {sign} + format(abs(datum.contribution), '{fmt_}')",
        )
        .mark_text(align="left", dx=4, color=TEXT)
        .encode(y=alt.Y("step:N", sort=alt.EncodingSortField("order")), x="far:Q", text="words:N")
    )
    return alt.layer(bars, written, title=alt.Title(title, anchor="start")).properties(
        height=30 * len(frame) + 45,
        width=640,  # + the legend below, inside the height Streamlit gives
    )


def sized(chart, height: int, width: int | None = None) -> Frozen:
    """A copy of `chart` whose plots take `height` pixels in all (stacked plots share it in their
    proportions, each `width` wide when given), for a place with a fixed size such as a slide."""
    spec = json.loads(json.dumps(chart.to_dict(validate=False)))
    source = chart._source if isinstance(chart, Frozen) else chart
    if "vconcat" in spec:
        parts = spec["vconcat"]
        total = sum(part.get("height", 200) for part in parts)
        for part in parts:
            part["height"] = max(int(part.get("height", 200) * height / total), 60)
            if width is not None:
                part["width"] = width
    else:
        spec["height"] = height
    if width is not None and isinstance(spec.get("title"), dict):  # a title is a sentence: wrapped to the width
        import textwrap

        text = spec["title"].get("text", "")
        text = " ".join(text) if isinstance(text, list) else text
        spec["title"]["text"] = textwrap.wrap(text, max(int((width + 80) / 7), 30)) if text else text
    sized_ = Frozen(spec, source)
    sized_.height = None if "vconcat" in spec else height  # stacked plots: Streamlit sizes the whole
    return sized_


SLIDE_TEXT = 24  # pixels: the smallest chart text on a slide at 1920x1080, readable from the back of a room
SLIDE_CONFIG = {
    "axis": {
        "labelFontSize": SLIDE_TEXT,
        "titleFontSize": SLIDE_TEXT,
        "labelLimit": 460,
        "tickCount": 6,  # fewer, larger ticks
        "titlePadding": 12,
    },
    # a value axis's title set level above the plot, where a short plot still has room for it
    "axisY": {
        "titleAngle": 0,
        "titleAlign": "left",
        "titleAnchor": "end",
        "titleBaseline": "bottom",
        "titleY": -16,
        "titleX": 0,
    },  # fmt: skip
    "legend": {"labelFontSize": SLIDE_TEXT, "titleFontSize": SLIDE_TEXT, "symbolSize": 260, "labelLimit": 460},
    "header": {"labelFontSize": SLIDE_TEXT, "titleFontSize": SLIDE_TEXT},
    "text": {"fontSize": SLIDE_TEXT},
    "line": {"strokeWidth": 4},
    "rule": {"strokeWidth": 3},
}
_SLIDE_SIZES = {"circle": 3.0, "point": 3.0, "square": 3.0, "bar": 2.0, "tick": 2.0}  # mark areas and widths


def _for_slide(node):
    """`node` (any part of a spec) with text, lines and marks sized for a slide, in place."""
    if isinstance(node, list):
        for item in node:
            _for_slide(item)
        return node
    if not isinstance(node, dict):
        return node
    for key, value in node.items():
        if key in ("data", "datasets"):
            continue
        if key == "mark":
            mark = {"type": value} if isinstance(value, str) else value
            kind = mark.get("type")
            if kind == "text":
                mark["fontSize"] = max(mark.get("fontSize", 0), SLIDE_TEXT)
            if kind in ("line", "rule", "area") and "strokeWidth" in mark:
                mark["strokeWidth"] = max(mark["strokeWidth"], 3)
            if kind in _SLIDE_SIZES and isinstance(mark.get("size"), int | float):
                mark["size"] = mark["size"] * _SLIDE_SIZES[kind]
            if isinstance(mark.get("point"), dict) and isinstance(mark["point"].get("size"), int | float):
                mark["point"]["size"] *= 3
            node[key] = mark
        elif key in ("axis", "legend") and isinstance(value, dict):
            if key == "legend":
                value["orient"] = "bottom"  # under the plot, clear of a value axis's title
            for size in ("labelFontSize", "titleFontSize"):
                if size in value:
                    value[size] = max(value[size], SLIDE_TEXT)
            if isinstance(value.get("labelLimit"), int | float):
                value["labelLimit"] = max(value["labelLimit"] * 2.5, 460)
        else:
            _for_slide(value)
    return node


def _legends(node) -> list[tuple[dict, str]]:
    """(encoding, channel) of every encoding in `node` that draws a legend."""
    found = []
    if isinstance(node, list):
        for item in node:
            found += _legends(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "encoding" and isinstance(value, dict):
                found += [(value, c) for c, e in value.items() if isinstance(e, dict) and e.get("legend", {}) is not None
                          and c in ("color", "stroke", "fill", "shape", "size", "strokeDash")]  # fmt: skip
            elif key not in ("data", "datasets"):
                found += _legends(value)
    return found


def stacked(spec: dict) -> list[dict]:
    """A chart of plots stacked one above the other as a chart per plot, each sized by where it is
    drawn (a stack keeps its plots' own widths, too wide for a phone); one chart as it is.

    >>> stacked({"vconcat": [{"mark": "line", "width": 760}, {"mark": "area"}], "resolve": {}, "config": {}})
    [{'config': {}, 'mark': 'line'}, {'config': {}, 'mark': 'area'}]
    """
    if "vconcat" not in spec:
        return [spec]
    shared = {k: v for k, v in spec.items() if k not in ("vconcat", "resolve", "spacing", "bounds", "center")}
    return [{**shared, **{k: v for k, v in part.items() if k != "width"}} for part in spec["vconcat"]]


def for_slide(chart) -> tuple[str, list[Frozen]]:
    """`chart` as a slide shows it: its title as text for the slide to set, and its plots with
    text of at least `SLIDE_TEXT` pixels, thicker lines and larger marks, stacked plots each a chart
    of its own (so each takes its share of the slide's height). Sizes are left to the slide."""
    spec = json.loads(json.dumps(chart.to_dict(validate=False)))
    source = chart._source if isinstance(chart, Frozen) else chart
    title = spec.pop("title", "")
    title = title.get("text", "") if isinstance(title, dict) else title
    spec["config"] = {**spec.get("config", {}), **SLIDE_CONFIG}
    parts = spec.get("vconcat")
    views = stacked(spec)
    for view in views:
        _for_slide(view)
        for size in ("height", "width"):
            view.pop(size, None)
    last = _legends(views[-1])
    for view in views[:-1]:  # a legend the last plot shows too is said once, under it
        for encoding, channel in _legends(view):
            if (channel, encoding[channel].get("field")) in {(c, e[c].get("field")) for e, c in last}:
                encoding[channel]["legend"] = None
    if parts is not None:  # each part checked as the kind of chart it now is
        return _joined(title), [Frozen(view, alt.LayerChart() if "layer" in view else alt.Chart()) for view in views]
    return _joined(title), [Frozen(views[0], source)]


DECK_SIZE = (1200, 460)  # pixels a deck's chart is drawn at: about its size on a 1920x1080 screen


def for_deck(chart, width: int = DECK_SIZE[0], height: int = DECK_SIZE[1]) -> Frozen:
    """`chart` as a downloaded deck shows it, one picture: slide type (`for_slide`) with its title
    (at `SLIDE_TEXT`, wrapped to the width), its plots `width` wide sharing `height` pixels, so the
    picture's words stay about `SLIDE_TEXT` pixels where the deck is shown full screen at 1920x1080."""
    import textwrap

    title, views = for_slide(chart)
    specs = [dict(view.spec) for view in views]
    shared = {k: specs[0][k] for k in ("config", "datasets", "$schema") if k in specs[0]}
    parts = [{k: v for k, v in spec.items() if k not in shared} for spec in specs]
    for part in parts:
        part.update(width=width, height=max(int(height / len(parts)) - 70 * (len(parts) - 1), 80))
    spec = {**shared, **(parts[0] if len(parts) == 1 else {"vconcat": parts, "spacing": 24})}
    if title:
        lines = textwrap.wrap(title, max(int(width / (SLIDE_TEXT * 0.5)), 40))
        spec["title"] = {"text": lines, "anchor": "start", "fontSize": SLIDE_TEXT, "offset": 14}
    source = views[0]._source if len(parts) == 1 else alt.VConcatChart(vconcat=[])
    return Frozen(spec, source)


def _joined(title: str | list[str]) -> str:
    return " ".join(title) if isinstance(title, list) else title


# a legend's entries one under another on a narrow screen (the chart's width, in pixels), side by side otherwise
NARROW_ONE_COLUMN = {"expr": "width < 720 ? 1 : 2"}
OUTCOMES = ["outcome known", "not yet"]
MEASURED_LINE = "Measured where outcomes have arrived"
ESTIMATED_LINE = "Estimated from its confidence (outcomes not in yet)"


def traffic_band(
    frame: pd.DataFrame,
    value: str,
    low: str,
    high: str,
    title: str,
    y_title: str,
    estimate: str | None = None,
    money: bool = False,
) -> alt.LayerChart:
    """A figure per period against the range a period of that size shows when nothing has
    changed (the shaded band); with `estimate`, the confidence-based estimate dashed for the periods
    `value` has no figure for, with a legend; with `money`, an amount rather than a share."""
    frame = _checked(frame)
    base = alt.Chart(frame, title=alt.Title(title, anchor="start")).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0))
    )
    axis = alt.Axis(format=",.0f") if money else percent_axis(frame[[value, low, high]].to_numpy().ravel())
    shown = ",.0f" if money else ".1%"
    band = base.mark_area(color=GREEN, opacity=0.15).encode(
        y=alt.Y(f"{low}:Q", title=y_title, axis=axis, scale=alt.Scale(zero=False)),
        y2=f"{high}:Q",
        tooltip=[alt.Tooltip("start:T", title="From", format="%d %b %Y"),
                 alt.Tooltip(f"{low}:Q", title="Normal from", format=shown),
                 alt.Tooltip(f"{high}:Q", title="Normal to", format=shown)],
    )  # fmt: skip
    layers = [band]
    if estimate is None:
        layers.append(
            base.mark_line(color=BLUE, point=True).encode(
                y=f"{value}:Q",
                tooltip=[
                    alt.Tooltip("start:T", title="From", format="%d %b %Y"),
                    alt.Tooltip(f"{value}:Q", title=y_title, format=shown),
                ],  # fmt: skip
            )
        )
    else:  # measured and estimated periods as two lines with a legend; a period has one or the other
        lines = [MEASURED_LINE, ESTIMATED_LINE]
        long = pd.concat(
            [frame[["start", column]].rename(columns={column: "figure"}).assign(line=name)
             for column, name in ((value, MEASURED_LINE), (estimate, ESTIMATED_LINE))],
            ignore_index=True,
        ).dropna(subset=["figure"])  # fmt: skip
        layers.append(
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
                y="figure:Q",
                color=alt.Color("line:N", title=None, scale=alt.Scale(domain=lines, range=[BLUE, ORANGE]),
                                legend=alt.Legend(orient="bottom", labelLimit={"expr": "max(120, min(320, width - 40))"}, columns=NARROW_ONE_COLUMN)),
                strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=lines, range=[[1, 0], [5, 3]]), legend=None),
                tooltip=[alt.Tooltip("start:T", title="From", format="%d %b %Y"), alt.Tooltip("line:N", title=" "),
                         alt.Tooltip("figure:Q", title=y_title, format=shown)],
            )
        )  # fmt: skip
    return alt.layer(*layers).properties(height=220)


def traffic_requests(frame: pd.DataFrame, title: str, subjects: str) -> alt.Chart:
    """Requests per period, with the share whose outcome has arrived."""
    frame = _checked(frame)
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start"))
        .mark_bar(color=BLUE, stroke=BLUE, strokeWidth=1.5)
        .encode(
            x=alt.X("yearmonthdate(start):O", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("n:Q", title=subjects.capitalize()),
            # weeks whose outcomes are not in yet: paler and outlined in dashes (not told by shade alone)
            opacity=alt.Opacity("outcomes:N", title=None, scale=alt.Scale(domain=OUTCOMES, range=[1.0, 0.45]),
                                legend=alt.Legend(orient="bottom", columns=NARROW_ONE_COLUMN)),
            strokeDash=alt.StrokeDash("outcomes:N", title=None, scale=alt.Scale(domain=OUTCOMES, range=[[1, 0], [4, 2]]),
                                      legend=alt.Legend(orient="bottom", columns=NARROW_ONE_COLUMN)),
            tooltip=[alt.Tooltip("start:T", title="From", format="%d %b %Y"), alt.Tooltip("n:Q", title=subjects.capitalize(), format=",")],
        )
        .properties(height=180)
    )  # fmt: skip


def traffic_answers(frame: pd.DataFrame, title: str) -> alt.Chart:
    """The mix of the model's answers per period (a person first, in grey, then each answer)."""
    frame = _checked(frame)
    labels = sorted(frame["label"].unique(), key=lambda label: (label != "A person", label == "Other answers", label))
    legend = alt.Legend(orient="bottom", columns={"expr": "width < 480 ? 1 : width < 960 ? 2 : 4"}, labelLimit=220)
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start"))
        .mark_bar(stroke=TEXT, strokeWidth=1)
        .encode(
            x=alt.X("yearmonthdate(start):O", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("share:Q", title="Share of requests", axis=alt.Axis(format="%"), stack="normalize"),
            color=alt.Color("label:N", title=None, legend=legend, scale=alt.Scale(domain=labels, range=[GREY, *PALETTE][: len(labels)])),
            # what goes to a person outlined in dashes, each answer in a line: not told by colour alone
            strokeDash=alt.StrokeDash("label:N", title=None, legend=legend,
                                      scale=alt.Scale(domain=labels, range=[[3, 2] if label == "A person" else [1, 0] for label in labels])),
            tooltip=[alt.Tooltip("start:T", title="From", format="%d %b %Y"), alt.Tooltip("label:N", title="Answer"),
                     alt.Tooltip("share:Q", title="Share", format=".1%")],
        )
        .properties(height=220)
    )  # fmt: skip
