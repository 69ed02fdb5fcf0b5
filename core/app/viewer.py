"""Who is looking: whether the deployment signs people in, and who is signed in, from Streamlit.

The rules themselves (who may open which bundle) are plain Python in `core.team.access`.
"""

from __future__ import annotations

from core.team.access import Viewer, viewer_from_claims


def sign_in_on() -> bool:
    """Whether the deployment configured OpenID Connect sign-in (`[auth]` in secrets.toml)."""
    import streamlit as st

    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: sign-in is off
        return False


def _claims() -> dict:
    import streamlit as st

    try:
        return st.user.to_dict()
    except Exception:  # noqa: BLE001 - sign-in not configured
        return {}


def identity() -> tuple[Viewer, str | None]:
    """Who the sign-in cookie says is looking, and why that identity no longer counts (None while it
    does): the claims read and the decision database asked once."""
    import datetime as dt

    from core.team import access, decisions

    claims = _claims()
    if not claims.get("is_logged_in"):
        return Viewer(False), None
    who = viewer_from_claims(claims)
    try:
        signed_out = decisions.signed_out_at(who.issuer, who.subject)
    except Exception:  # noqa: BLE001 - the database cannot say: a sign-out cannot be ruled out
        return (
            who,
            "The app cannot check whether this sign-in has ended, because its database does not answer. Try again shortly.",
        )
    return who, access.ended(claims, signed_out, dt.datetime.now(dt.UTC))


def viewer() -> Viewer:
    """Who is looking, from `st.user` (the identity token's claims; `access.viewer_from_claims`);
    not signed in once that identity has ended (`identity`)."""
    who, why = identity()
    return Viewer(False) if why is not None else who


def sign_out() -> None:
    """Sign out: remembered in the decision database first, so the identity this browser held is
    refused from now on wherever it is copied to, then Streamlit's sign-out (and the provider's)."""
    import logging

    import streamlit as st

    from core.team import decisions

    who = viewer_from_claims(_claims())
    try:
        decisions.record_sign_out(who.issuer, who.subject)
    except Exception:  # noqa: BLE001 - the sign-out itself still happens
        logging.getLogger(__name__).exception("The sign-out could not be recorded in the decision database.")
    st.logout()
