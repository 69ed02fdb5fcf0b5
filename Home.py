"""Modelbrief: the router. Sets up the page, builds the demos on first start, picks the bundle."""

from pathlib import Path

import streamlit as st

from core.app import session, ui

ICON = Path(__file__).parent / "static" / "icon.png"  # shipped with the app: no request to any other host
st.set_page_config(page_title="Modelbrief", page_icon=str(ICON), layout="wide")
st.html(ui.PAGE_STYLE)  # every page: where the focus is, and charts that fit a narrow screen

st.session_state["_routed"] = True  # pages check it: see core.app.ui._through_the_router

# the background warm-up waits while any page runs, and just after (core.app.session.warming)
with session.page_run():
    page = st.navigation(
        [
            st.Page(
                "pages/home.py",
                title="Home",
                icon=":material/home:",
                default=True,
                help="Every model at a glance: accuracy, coverage and value together.",
            ),
            st.Page(
                "pages/overview.py",
                title="Overview",
                icon=":material/summarize:",
                help="The one screen to read: what the model does, how well, for how much of the work, and its worth.",
            ),
            st.Page(
                "pages/performance.py",
                title="Performance",
                icon=":material/tune:",
                help="Choose when the model acts, and see accuracy, coverage and value move together.",
            ),
            st.Page(
                "pages/whatif.py",
                title="What if",
                icon=":material/science:",
                help="Change a case and see the prediction and its reasons at once; try a rule on everyone.",
            ),
            st.Page(
                "pages/explanations.py",
                title="Explanations",
                icon=":material/psychology:",
                help="What the model relies on overall, and the reasons behind one case.",
            ),
            st.Page(
                "pages/compare.py",
                title="Compare",
                icon=":material/compare_arrows:",
                help="Two models on the same cases: which differences are real, and where each one wins.",
            ),
            st.Page(
                "pages/since_launch.py",
                title="Since launch",
                icon=":material/monitoring:",
                help="Real requests since launch, week by week, against the test figures: what changed, in plain words.",
            ),
            st.Page(
                "pages/card.py",
                title="Model card",
                icon=":material/badge:",
                help="The team's description of the model, beside the facts the app measured.",
            ),
            st.Page(
                "pages/present.py",
                title="Present",
                icon=":material/slideshow:",
                help="The model as a review deck: slides titled with their findings, a presenter view, PowerPoint and PDF.",
            ),
        ]
    )
    session.ensure_demos()  # after the navigation, so the sidebar lists pages, never file names
    session.sign_in_panel()  # with sign-in on, nothing below is drawn for someone not signed in
    entries = session.catalogue()
    session.select_bundle(entries)
    session.select_audience()
    session.glossary_panel()
    if st.query_params.get("present") == "1" and page.url_path != "present":
        # ?present=1 opens presentation mode from any page, with the link's slide, case and view
        st.switch_page("pages/present.py", query_params=st.query_params.to_dict())
    try:
        page.run()
    finally:  # the page is drawn (or stopped): what the next one needs is made ready while it is read
        session.warm(session.current())
