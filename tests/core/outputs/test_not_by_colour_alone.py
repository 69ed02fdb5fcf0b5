"""No chart says something by colour alone: what a colour tells (which line, which marker, which way
a reason pushes, high or low) is also told by a dash, a shape or words drawn on the chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import vl_convert as vlc

from core.outputs import charts


def drawn_text(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_json())


def encodings(spec) -> list[dict]:
    """Every encoding in a spec, at any depth."""
    found = []
    if isinstance(spec, dict):
        if isinstance(spec.get("encoding"), dict):
            found.append(spec["encoding"])
        for key, value in spec.items():
            if key not in ("data", "datasets"):
                found += encodings(value)
    elif isinstance(spec, list):
        for item in spec:
            found += encodings(item)
    return found


def curve() -> pd.DataFrame:
    x = np.round(np.linspace(0, 1, 21), 2)
    return pd.DataFrame({"threshold": x, "coverage": 1 - x / 2, "accuracy_acted": 0.5 + 0.4 * x, "net": 1000 * x})


def test_the_tradeoff_lines_differ_by_dash_and_its_markers_are_named():
    chart = charts.tradeoff(curve(), "threshold", "Chance", 0.5, 0.3, "net", "Net value", "USD", "title")
    lines = [e for e in encodings(chart.to_dict()) if "stroke" in e]
    assert lines and all(e["strokeDash"]["field"] == e["stroke"]["field"] == "figure" for e in lines)
    dashes = lines[0]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 2  # two different dashes, one per line
    svg = drawn_text(chart)
    assert ">Now</text>" in svg and ">Best</text>" in svg


def test_a_moved_marker_keeps_its_name():
    drawn = charts.tradeoff_data(curve(), "threshold")
    built = charts.tradeoff(curve(), "threshold", "Chance", charts.Marked.PLACE, None, "net", "Net", "USD", "")
    moved = charts.Marked(built, "threshold", drawn).at(0.7, "title", drawn)
    spec = moved.to_dict()
    named = [rows for rows in spec["datasets"].values() if rows and rows[0].get("mark") == "Now"]
    assert named == [[{"threshold": 0.7, "mark": "Now"}]]
    assert ">Now</text>" in drawn_text(moved)


def test_each_reason_writes_its_push_with_its_sign():
    frame = pd.DataFrame(
        {
            "step": ["Starting point", "Contract = monthly", "Tenure = 40 months", "This customer"],
            "start": [0.0, 0.20, 0.35, 0.0],
            "end": [0.20, 0.35, 0.30, 0.30],
            "contribution": [0.20, 0.15, -0.05, 0.30],
            "kind": ["total", "raises", "lowers", "total"],
            "order": [0, 1, 2, 3],
        }
    )
    svg = drawn_text(charts.waterfall(frame, "Predicted chance", True, "title"))
    assert ">+15.0%</text>" in svg and ">−5.0%</text>" in svg
    assert ">+20.0%</text>" not in svg  # the totals are where it starts and ends, not pushes
    estimate = charts.waterfall(
        frame.assign(start=frame.start * 10, end=frame.end * 10, contribution=frame.contribution * 10),
        "Hours",
        False,
        "t",
    )
    assert ">+1.50</text>" in drawn_text(estimate)
    low = float(estimate.to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"][0])
    assert low == 0.0  # room is made at the right, never below the lowest bar


def test_the_beeswarm_shows_high_and_low_values_by_shape_too():
    frame = pd.DataFrame(
        {"label": ["Age", "Age"], "contribution": [0.1, -0.1], "level": [0.9, 0.1], "value": ["70", "20"]}
    )
    chart = charts.beeswarm(frame, ["Age"], "Shift", True, "title")
    shape = chart.to_dict()["encoding"]["shape"]
    assert shape["scale"] == {"domain": ["Higher values", "Lower values"], "range": ["triangle-up", "triangle-down"]}
    svg = drawn_text(chart)
    assert ">Higher values</text>" in svg and ">Lower values</text>" in svg


def test_the_segment_bars_name_the_overall_line():
    frame = pd.DataFrame(
        {"segment": ["North", "South"], "accuracy_acted": [0.85, 0.80], "coverage": [0.9, 0.9], "n": [10, 10]}
    )
    svg = drawn_text(charts.segment_bars(frame, 0.83, "Region", "title"))
    assert ">All: 83%</text>" in svg


def test_what_goes_to_a_person_and_weeks_without_outcomes_are_outlined_in_dashes():
    weeks = pd.to_datetime(["2026-01-05"] * 3 + ["2026-01-12"] * 3)
    mix = pd.DataFrame({"start": weeks, "label": ["A person", "Billing", "Refund"] * 2, "share": [0.2, 0.5, 0.3] * 2})
    dash = charts.traffic_answers(mix, "title").to_dict()["encoding"]["strokeDash"]
    assert dash["field"] == "label"
    assert dict(zip(dash["scale"]["domain"], map(tuple, dash["scale"]["range"]), strict=True)) == {
        "A person": (3, 2),
        "Billing": (1, 0),
        "Refund": (1, 0),
    }
    requests = pd.DataFrame({"start": weeks[::3], "n": [100, 90], "outcomes": ["outcome known", "not yet"]})
    dash = charts.traffic_requests(requests, "title", "customers").to_dict()["encoding"]["strokeDash"]
    assert dash["scale"] == {"domain": ["outcome known", "not yet"], "range": [[1, 0], [4, 2]]}


def test_a_chance_axis_names_no_value_past_100_percent():
    frame = pd.DataFrame(
        {
            "step": ["Starting point", "'delivery'", "This ticket"],
            "start": [0.0, 0.44, 0.0],
            "end": [0.44, 0.95, 0.95],
            "contribution": [0.44, 0.51, 0.95],
            "kind": ["total", "raises", "total"],
            "order": [0, 1, 2],
        }
    )
    svg = drawn_text(charts.waterfall(frame, "Predicted chance", True, "title"))
    assert ">+51.0%</text>" in svg and ">100%</text>" in svg
    assert ">110%</text>" not in svg and ">120%</text>" not in svg
