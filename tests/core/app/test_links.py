"""Links: the operating point a URL asks for, and what happens to values that make no sense."""

from __future__ import annotations

from core.app.links import point_from_query, point_to_query
from core.bundles.contract import BundleSpec, OperatingPoint
from tests.helpers import make_spec


def spec(task="binary") -> BundleSpec:
    return make_spec(task=task, operating_point=OperatingPoint(0.5, 0.6))


def test_a_link_sets_the_point():
    assert point_from_query({"threshold": "0.3", "min_confidence": "0.75"}, spec()) == (OperatingPoint(0.3, 0.75), [])


def test_no_link_values_keep_the_bundles_own_point():
    assert point_from_query({"bundle": "churn"}, spec()) == (OperatingPoint(0.5, 0.6), [])


def test_values_are_rounded_to_the_controls_step():
    assert point_from_query({"min_confidence": "0.7349"}, spec())[0].min_confidence == 0.73


def test_invalid_values_fall_back_with_a_notice():
    point, notices = point_from_query({"threshold": "abc", "min_confidence": "1.7"}, spec())
    assert point == OperatingPoint(0.5, 0.6)
    assert notices == [
        "The link asked for a decision threshold of 'abc', which is not a number from 0 to 1, "
        "so the bundle's own setting (50%) is used.",
        "The link asked for a confidence needed to act of '1.7', which is not a number from 0 to 1, "
        "so the bundle's own setting (60%) is used.",
    ]


def test_threshold_is_ignored_for_multiclass_and_round_trips():
    assert point_from_query({"threshold": "0.2"}, spec("multiclass")) == (OperatingPoint(0.5, 0.6), [])
    assert point_to_query(OperatingPoint(0.31, 0.7), spec()) == {"min_confidence": "0.70", "threshold": "0.31"}
    assert point_to_query(OperatingPoint(0.31, 0.7), spec("multiclass")) == {"min_confidence": "0.70"}
    assert point_to_query(OperatingPoint(0.31, 0.7), spec("regression")) == {}
