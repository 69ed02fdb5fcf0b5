"""The model set against this one: found among the published bundles, judged case by case on the same rows."""

from __future__ import annotations

import streamlit as st

from core.app.session.caches import eval_set
from core.app.session.entries import catalogue
from core.bundles.bundle import Bundle
from core.bundles.contract import OperatingPoint


def comparable(bundle: Bundle, wanted: str | None = None) -> Bundle | None:
    """A published model that can be set against `bundle` case by case (same task, same rows):
    `wanted` when it qualifies, else the first such. Bundles whose summary shows another task or
    row count are never opened."""
    candidates = [
        e
        for e in catalogue()
        if e.id != bundle.id
        and e.spec is not None
        and e.spec.task == bundle.spec.task
        and (e.summary is None or e.summary.rows == len(bundle.eval))
    ]
    candidates.sort(key=lambda e: e.id != wanted)  # the one asked for first, the rest in order
    for entry in candidates:
        other = entry.bundle
        if other is not None and _same_rows(bundle.figures_key, other.figures_key, bundle, other):
            return other
    return None


@st.cache_data(max_entries=64, show_spinner=False)
def _same_rows(key_a: str, key_b: str, _a: Bundle, _b: Bundle) -> bool:
    from core.evaluation import compare

    return compare.rows_problem(_a, _b) is None


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
