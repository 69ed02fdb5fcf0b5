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


def viewer() -> Viewer:
    """Who is looking, from `st.user` (the identity token's claims; `access.viewer_from_claims`)."""
    import streamlit as st

    try:
        return viewer_from_claims(st.user.to_dict())
    except Exception:  # noqa: BLE001 - sign-in not configured
        return Viewer(False)
