"""Sign-in: off by default (open on one machine, and the sidebar says so); on when secrets.toml
configures OpenID Connect, and then nothing of any model before signing in."""

from __future__ import annotations

from tests.helpers import seen

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-of-no-value",
    "client_id": "modelbrief",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_without_sign_in_the_app_is_open_and_says_so(app, demo_root):
    at = app(demo_root)
    assert not at.exception
    said = [seen(c.value) for c in at.sidebar.caption]
    assert "Sign-in is off: this app runs open on one machine, and anyone who can reach it sees every model." in said
    assert len(at.sidebar.selectbox(key="bundle").options) == 4


def test_with_sign_in_configured_nothing_is_shown_before_signing_in(monkeypatch, demo_root):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(demo_root))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "Home.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.query_params["bundle"] = "churn-gbm"
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    page = " ".join(seen(m.value) for m in at.markdown) + " ".join(t.value for t in at.title)
    assert "Sign in to see the models you may open." in page
    assert "Churn" not in page and not at.sidebar.selectbox  # not a title, not a picker
