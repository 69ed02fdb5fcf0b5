"""The sidebar and what it remembers: sign-in, the bundle picker, the audience, the glossary, the link."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from core import format as fmt
from core.app import links
from core.app.session.entries import Entry, catalogue

BUNDLE_KEY = "bundle"


def sign_in_panel() -> None:
    """Who is signed in, with a sign-out, in the sidebar; with sign-in on and nobody signed in, a
    sign-in button and nothing else. With sign-in off, the sidebar says the app is open."""
    from core.app import viewer

    if not viewer.sign_in_on():
        st.sidebar.caption(
            "Sign-in is off: this app runs open on one machine, and anyone who can reach it sees every model."
        )
        return
    providers = [name for name, value in st.secrets["auth"].items() if isinstance(value, dict)]
    provider = providers[0] if providers else None
    who, why = viewer.identity()
    if not who.signed_in or why is not None:
        st.title("Modelbrief")
        if why:
            st.info(why, icon=":material/lock_clock:")
        st.markdown("Sign in to see the models you may open.")
        st.button("Sign in", on_click=st.login, args=(provider,) if provider else (), icon=":material/login:")
        st.stop()
    if who.email:
        st.sidebar.caption(fmt.literal(f"Signed in as {who.email}"))
    else:  # a display name is never shown as who someone is: anyone can choose one
        st.sidebar.caption(
            "Signed in, without an e-mail address your sign-in provider has verified: you see the models "
            "open to everyone signed in, and cannot sign decisions."
        )
    st.sidebar.button("Sign out", on_click=viewer.sign_out, icon=":material/logout:", key="sign-out")


def select_bundle(entries: list[Entry]) -> Entry | None:
    """The sidebar's bundle picker, kept in the URL as ?bundle=ID so a copied link opens it."""
    if not entries:
        return None
    ids = [e.id for e in entries]
    by_id = {e.id: e for e in entries}
    if st.session_state.get(BUNDLE_KEY) not in ids:
        wanted = st.query_params.get(BUNDLE_KEY)
        from core.app import viewer
        from core.team import access

        if wanted and wanted not in ids and viewer.sign_in_on():
            # nothing of a model this person may not see: not its title, not even whether it exists
            st.error(access.NO_ACCESS, icon=":material/lock:")
            st.query_params.pop(BUNDLE_KEY, None)
            st.stop()
        if wanted and wanted not in ids:
            st.session_state["bundle_notice"] = (
                ids[0],
                f"There is no model called '{fmt.clean(wanted, limit=40)}' here, so the first one is shown.",
            )
        st.session_state[BUNDLE_KEY] = wanted if wanted in ids else ids[0]
    names = picker_names(entries)
    st.sidebar.selectbox(
        "Model",
        ids,
        key=BUNDLE_KEY,
        persist_state="session",
        format_func=lambda i: names[i],
        help="The model every page describes. The page link includes it, so a copied link opens the same model.",
    )
    st.query_params[BUNDLE_KEY] = st.session_state[BUNDLE_KEY]
    return by_id[st.session_state[BUNDLE_KEY]]


def picker_names(entries: list[Entry]) -> dict[str, str]:
    """How each bundle reads in the picker, every name different: the picker tells options apart by
    what they read, so two bundles with one title (a copy, say) also show their folder names."""
    titles = {e.id: fmt.clean(e.title if e.spec else f"⚠ {e.id} (cannot open)", limit=80) for e in entries}
    seen = Counter(titles.values())
    return {i: (t if seen[t] == 1 else f"{t} ({fmt.clean(i, limit=60)})") for i, t in titles.items()}


def bundle_notice() -> str | None:
    """Why the model shown is not the one a link asked for: said for as long as it is the one shown."""
    shown, notice = st.session_state.get("bundle_notice") or (None, None)
    return notice if shown is not None and st.session_state.get(BUNDLE_KEY) == shown else None


def link_notices() -> list[str]:
    """Why what is shown is not what a link asked for (the model, the audience): said for as long as
    it is what is shown."""
    said = [notice] if (notice := bundle_notice()) else []
    shown, notice = st.session_state.get("audience_notice") or (None, None)
    if shown is not None and st.session_state.get("audience") == shown:
        said.append(notice)
    return said


def choose(bundle_id: str) -> None:
    """Make another bundle the selected one (for buttons, as an on_click callback)."""
    st.session_state[BUNDLE_KEY] = bundle_id


def current() -> Entry | None:
    """The selected bundle (chosen in the router's picker), opened or with its problem."""
    selected = st.session_state.get(BUNDLE_KEY)
    return next((e for e in catalogue() if e.id == selected), None)


AUDIENCES = links.AUDIENCES


def select_audience() -> str:
    """The sidebar's audience switch, kept in the URL as ?audience=plain|technical."""
    if st.session_state.get("audience") not in AUDIENCES:
        st.session_state["audience"], notice = links.audience_from_query(st.query_params.get("audience"))
        st.session_state["audience_notice"] = (st.session_state["audience"], notice) if notice else None
    st.sidebar.segmented_control(
        "Audience",
        AUDIENCES,
        key="audience",
        persist_state="session",
        required=True,
        help="Plain speaks in everyday words; Technical adds metric names, ranges and method notes for a model review.",
    )
    st.query_params["audience"] = st.session_state["audience"].lower()
    return st.session_state["audience"]


def glossary_panel() -> None:
    """The glossary, one line per term, in the sidebar of every page."""
    from core.words.glossary import TERMS

    with st.sidebar.expander("What the words mean"):
        st.markdown("\n".join(f"- **{term}**: {line}" for term, line in TERMS.items()))


def view_link() -> None:
    """The link to exactly this view (page, model, setting, audience, case, comparison), to copy.

    Drawn by each page where its state settles (inside a fragment when the fragment changes the
    link), so it is never a step behind.
    """
    from urllib.parse import urlencode

    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    with st.expander("Link to this view", icon=":material/link:"):
        st.caption("Opens this page with the same model, setting, audience and choices. Use the copy button.")
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
