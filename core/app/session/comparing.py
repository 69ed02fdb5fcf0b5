"""The model set against this one: found among the published bundles, judged case by case on the same rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.app.session.caches import eval_set
from core.app.session.entries import catalogue
from core.bundles.bundle import Bundle
from core.bundles.contract import OperatingPoint


def comparable(bundle: Bundle, wanted: str | None = None, entries=None) -> Bundle | None:
    """A published model that can be set against `bundle` case by case (same task, same rows):
    `wanted` when it qualifies, else the first such, among `entries` (default: the catalogue of
    the person looking). Bundles whose summary shows another task or row count are never opened."""
    candidates = [
        e
        for e in (catalogue() if entries is None else entries)
        if e.bundle_id != bundle.id
        and e.spec is not None
        and e.spec.task == bundle.spec.task
        and (e.summary is None or e.summary.rows == len(bundle.eval))
    ]
    candidates.sort(key=lambda e: e.id != wanted)  # the one asked for first, the rest in order
    for entry in candidates:
        other = entry.bundle
        if other is not None and rows_problem(bundle, other) is None:
            return other
    return None


@st.cache_resource(max_entries=16, show_spinner="Comparing the two models case by case...")
def _judged(key_a: str, key_b: str, threshold: float, min_confidence: float, _a: Bundle, _b: Bundle):
    from core.evaluation import compare

    point = OperatingPoint(threshold, min_confidence)
    return compare.judged(
        eval_set(_a), point, _a.spec.title, eval_set(_b), _b.spec.operating_point, _b.spec.title, _a.spec
    )


def judged(bundle: Bundle, other: Bundle, point: OperatingPoint):
    """`bundle` at `point` against `other` at its own setting, on the same rows (computed once)."""
    return _judged(bundle.figures_key, other.figures_key, point.threshold, point.min_confidence, bundle, other)


def rows_problem(bundle: Bundle, other: Bundle) -> str | None:
    """Why the two cannot be compared case by case, or None (worked out once per pair of files)."""
    return _rows_problem(bundle.figures_key, other.figures_key, bundle, other)


@st.cache_data(max_entries=64, show_spinner=False)
def _rows_problem(key_a: str, key_b: str, _a: Bundle, _b: Bundle) -> str | None:
    from core.evaluation import compare

    return compare.rows_problem(_a, _b)


def _points(bundle: Bundle, point: OperatingPoint, other: Bundle) -> tuple:
    own_b = other.spec.operating_point
    return (bundle.figures_key, other.figures_key, point.threshold, point.min_confidence, own_b.threshold,
            own_b.min_confidence)  # fmt: skip


# Each section of the Compare page reads its own piece, so a piece that fails takes only its section.
# Every piece is `bundle` at `point` against `other` at its own setting, on the same rows: computed
# once per pair of models and settings, shared by every session (nothing may change it).


@dataclass(frozen=True)
class Figures:
    own: list  # compare.Difference per figure, each model at its own setting
    common: list  # the same, both at A's setting
    agreement: float  # the share of cases both treat the same


def figures_side_by_side(bundle: Bundle, point: OperatingPoint, other: Bundle) -> Figures:
    return _figures(*_points(bundle, point, other), bundle, other)


@st.cache_resource(max_entries=16, show_spinner="Comparing the two models case by case...")
def _figures(key_a, key_b, threshold_a, confidence_a, threshold_b, confidence_b, _a: Bundle, _b: Bundle):
    from core.evaluation import compare, metrics

    own_a, own_b = OperatingPoint(threshold_a, confidence_a), OperatingPoint(threshold_b, confidence_b)
    data_a, data_b = eval_set(_a), eval_set(_b)
    answer_a, _ = compare.answers(data_a, own_a)
    answer_b, _ = compare.answers(data_b, own_b)
    return Figures(
        own=compare.paired(data_a, own_a, data_b, own_b),
        common=compare.paired(data_a, own_a, data_b, own_a),
        agreement=compare.agreement(
            metrics.outcomes(data_a, own_a), metrics.outcomes(data_b, own_b), answer_a, answer_b
        ),
    )


def segment_winners(bundle: Bundle, point: OperatingPoint, other: Bundle, column: str) -> pd.DataFrame:
    """Who wins in each value of a segment column (a table: treat as read-only)."""
    return _winners(*_points(bundle, point, other), column, bundle, other)


@st.cache_resource(max_entries=32, show_spinner=False)
def _winners(key_a, key_b, threshold_a, confidence_a, threshold_b, confidence_b, column, _a, _b):
    from core.evaluation import compare

    own_a, own_b = OperatingPoint(threshold_a, confidence_a), OperatingPoint(threshold_b, confidence_b)
    return compare.segment_winners(eval_set(_a), own_a, eval_set(_b), own_b, _a.eval[column])


def disagreements(bundle: Bundle, point: OperatingPoint, other: Bundle) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the rows where the two differ most, A's score on them, B's score on them)."""
    return _disagreements(*_points(bundle, point, other), bundle, other)


@st.cache_resource(max_entries=16, show_spinner=False)
def _disagreements(key_a, key_b, threshold_a, confidence_a, threshold_b, confidence_b, _a, _b):
    from core.evaluation import compare

    _, score_a = compare.answers(eval_set(_a), OperatingPoint(threshold_a, confidence_a))
    _, score_b = compare.answers(eval_set(_b), OperatingPoint(threshold_b, confidence_b))
    rows = compare.disagreements(score_a, score_b)
    return rows, np.asarray(score_a)[rows], np.asarray(score_b)[rows]
