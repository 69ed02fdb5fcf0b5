"""Home: one card per model bundle, the selected one first."""

import time

import streamlit as st

from core import format as fmt
from core.app import session, ui

st.title("Modelbrief")
st.markdown(
    "How often each model is right, **how much of the real work it covers**, and **what that is worth**: "
    "always together, because a model that is right 93% of the time on a fifth of the work is not a 93% success."
)
for notice in session.link_notices():
    st.info(fmt.literal(notice), icon=":material/link_off:")

entries = session.catalogue()
registry_notice = session.registry_notice()
if registry_notice:
    st.warning(fmt.literal(registry_notice), icon=":material/cloud_off:")
if not entries:
    st.warning(
        "There are no model bundles in the artifacts folder yet. Publish one with "
        "`python -m core.publish`, or build the demos with `python -m core.publishing.demos`."
    )
    st.stop()

selected = st.session_state.get(session.BUNDLE_KEY)
ordered = sorted(entries, key=lambda e: e.id != selected)
deadline = time.monotonic() + session.CARD_WAIT  # bundles without a summary: measured here if quick
for row in range(0, len(ordered), 2):
    for column, entry in zip(st.columns(2), ordered[row : row + 2], strict=False):
        with column:
            ui.bundle_card(entry, selected=entry.id == selected, wait=deadline - time.monotonic())

session.view_link()
