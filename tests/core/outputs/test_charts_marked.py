"""A chart built once with its marker moved must be the chart built afresh at that setting."""

from __future__ import annotations

import json

from core.bundles.contract import OperatingPoint
from core.evaluation import tradeoff
from core.evaluation.metrics import EvalSet
from core.outputs import charts


def _normalised(spec: dict) -> str:
    """The spec with each dataset named by its rows, so two specs compare by what they draw."""
    names = {name: json.dumps(rows, sort_keys=True) for name, rows in spec.get("datasets", {}).items()}
    text = json.dumps(spec)
    for name, rows in names.items():
        text = text.replace(f'"{name}"', json.dumps(f"rows:{rows}"))
    return json.dumps(json.loads(text), sort_keys=True)


def test_a_moved_marker_draws_exactly_the_chart_built_at_that_setting():
    import numpy as np

    rng = np.random.default_rng(5)
    truth = rng.integers(0, 2, 500)
    data = EvalSet.binary(truth, np.clip(truth * 0.4 + rng.random(500) * 0.6, 0, 1), {"true_positive": 5.0})
    index = tradeoff.Index(data)
    curve = tradeoff.curve(index, OperatingPoint(0.5, 0.0), "min_confidence")
    args = ("min_confidence", "Confidence needed to act")
    tail = (0.7, "net_per_case", "Net value per case", "USD")
    marked = charts.Marked(
        charts.tradeoff(curve, *args, charts.Marked.PLACE, *tail, ""),
        "min_confidence",
        charts.tradeoff_data(curve, "min_confidence"),
    )
    for position, title, threshold in ((0.62, "At 62%", 0.5), (0.0, "At nothing", 0.3), (0.99, "At 99%", 0.8)):
        moved_curve = tradeoff.curve(index, OperatingPoint(threshold, 0.0), "min_confidence")  # the other control moved
        moved = marked.at(position, title, charts.tradeoff_data(moved_curve, "min_confidence"))
        fresh = charts.tradeoff(moved_curve, *args, position, *tail, title).to_dict()
        assert _normalised(moved.to_dict(validate=True)) == _normalised(fresh)
        assert moved.title == title


def _titled(chart, title: str) -> dict:
    import altair as alt

    return chart.properties(title=alt.Title(title, anchor="start")).to_dict()


def test_charts_drawn_from_a_template_are_the_charts_built_afresh():
    import pandas as pd

    names = ["North", "South", "East"]
    for round_, (scale, overall) in enumerate(((1.0, 0.8), (0.5, 0.7), (2.0, float("nan")))):
        table = pd.DataFrame(
            {
                "segment": names,
                "n": [100, 50, 20],
                "accuracy_acted": [0.9 * scale / 2, float("nan"), 0.5],
                "coverage": [0.5, 0.25, 1.0],
            }
        )
        drawn = charts.segment_bars(table, overall, "Region", f"Title {round_}")
        fresh = _titled(charts._segment_bars(table, pd.DataFrame({"overall": [overall]}), "Region"), f"Title {round_}")
        assert _normalised(drawn.to_dict(validate=True)) == _normalised(fresh)

        counts = pd.DataFrame(
            {
                "actual": ["no", "no", "yes", "yes"],
                "decision": ["no", "yes", "no", "yes"],
                "count": [int(90 * scale), 5, 7, 30],
            }
        )
        drawn = charts.outcome_matrix(counts, f"Matrix {round_}")
        frame = counts.assign(dark=counts["count"] > counts["count"].max() / 2)
        fresh = _titled(charts._outcome_matrix(frame, 160), f"Matrix {round_}")
        assert _normalised(drawn.to_dict(validate=True)) == _normalised(fresh)
        assert drawn.height == 160 and drawn.title == f"Matrix {round_}"
