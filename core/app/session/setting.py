"""The operating point this session looks at: read from the link, kept in it, moved by the controls."""

from __future__ import annotations

import streamlit as st

from core.app import links
from core.bundles.bundle import Bundle
from core.bundles.contract import OperatingPoint


def init_point(bundle: Bundle) -> list[str]:
    """Set the operating-point controls for this bundle: from the link on arrival, else its own.

    Returns notices for link values that could not be used.
    """
    arrived = "_point_for" not in st.session_state
    if st.session_state.get("_point_for") == bundle.id and "min_confidence" in st.session_state:
        return []
    same_bundle = st.session_state.get("_point_for") in (None, bundle.id)
    if arrived or same_bundle:
        point, notices = links.point_from_query(st.query_params.to_dict(), bundle.spec)
    else:  # another bundle was picked: its own setting, not the previous bundle's link
        point, notices = bundle.spec.operating_point, []
    st.session_state["threshold"] = point.threshold
    st.session_state["min_confidence"] = point.min_confidence
    st.session_state["_point_for"] = bundle.id
    return [*bundle.spec.notices, *notices]


def move_to(point: OperatingPoint) -> None:
    """Move the controls to a point (an on_click callback)."""
    st.session_state["threshold"] = round(point.threshold, 2)
    st.session_state["min_confidence"] = round(point.min_confidence, 2)


def write_point(point: OperatingPoint, bundle: Bundle) -> None:
    """Keep the chosen point in the URL, so a copied link opens the page at it."""
    for key, value in links.point_to_query(point, bundle.spec).items():
        st.query_params[key] = value


def current_point(bundle: Bundle) -> OperatingPoint:
    """The setting chosen on the Performance page for this bundle, else the bundle's own."""
    if st.session_state.get("_point_for") == bundle.id and "min_confidence" in st.session_state:
        return OperatingPoint(
            st.session_state.get("threshold", bundle.spec.operating_point.threshold), st.session_state["min_confidence"]
        )
    return bundle.spec.operating_point
