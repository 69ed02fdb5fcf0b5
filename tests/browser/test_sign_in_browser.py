"""Sign-in with a real OpenID provider on loopback (the npm package oidc-provider, started here with
two users in two groups): each user sees only their models, a deep link to a forbidden bundle shows
nothing of it, and sign-out works."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, guard_network, screenshot, wait_for_app

OIDC = ROOT / "tests" / "oidc"
USERS = {
    "ana": {"email": "ana@example.com", "name": "Ana", "groups": ["reviewers"]},
    "ben": {"email": "ben@example.com", "name": "Ben", "groups": ["support"]},
}
ACCESS = {"churn-gbm": "[group:reviewers]", "support-router": "[group:support, ana@example.com]", "delivery-eta": None}
TITLES = {
    "churn-gbm": "Churn risk, gradient boosting",
    "support-router": "Support ticket router",
    "delivery-eta": "Delivery time estimate",
}
SEES = {"ana": {"churn-gbm", "support-router", "delivery-eta"}, "ben": {"support-router", "delivery-eta"}}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process, log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{what} did not start within 60 s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def signed_app(demo_root, tmp_path_factory):
    """The app with sign-in on, against the provider, on bundles with `access:` rules."""
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are missing: .ci/run installs them (apt-get install nodejs npm).")
        pytest.skip("no Node.js: `apt-get install nodejs npm` runs the sign-in tests against a real OpenID provider")
    if not (OIDC / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=OIDC, check=True, timeout=300)
    work = tmp_path_factory.mktemp("sign-in")
    root = work / "artifacts"
    for bundle_id, rule in ACCESS.items():
        shutil.copytree(demo_root / bundle_id, root / bundle_id)
        if rule:
            with open(root / bundle_id / "bundle.yaml", "a") as manifest:
                manifest.write(f"\n# who may open it when sign-in is on\naccess: {rule}\n")
    app_port, idp_port = _port(), _port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    config = work / "oidc.json"
    config.write_text(json.dumps({
        "client_id": "modelbrief", "client_secret": "test-only-secret", "users": USERS,
        "redirect_uris": [f"{app_url}/oauth2callback"], "post_logout_redirect_uris": [f"{app_url}/oauth2callback"],
    }))  # fmt: skip
    idp_log = work / "oidc.log"
    idp = subprocess.Popen(["node", "provider.mjs", str(idp_port), str(config)], cwd=OIDC,
                           stdout=open(idp_log, "w"), stderr=subprocess.STDOUT)  # fmt: skip
    _wait(f"{issuer}/.well-known/openid-configuration", idp, idp_log, "The OpenID provider")
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-tests-only"\n'
        'client_id = "modelbrief"\n'
        'client_secret = "test-only-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        'client_kwargs = { scope = "openid email profile groups", prompt = "login" }\n'
    )
    app_log = work / "streamlit.log"
    env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(root), "MODELBRIEF_CACHE": str(work / "cache")}
    command = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(app_port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets)]  # fmt: skip
    app = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(app_log, "w"), stderr=subprocess.STDOUT)
    _wait(f"{app_url}/_stcore/health", app, app_log, "Streamlit")
    yield app_url
    app.terminate()
    idp.terminate()
    app.wait(timeout=10)
    idp.wait(timeout=10)


def sign_in(page, app_url: str, user: str) -> None:
    page.goto(f"{app_url}/")
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=login]").fill(user)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()  # consent
    page.wait_for_url(f"{app_url}/**", timeout=60_000)
    wait_for_app(page)


@pytest.mark.parametrize("user", ["ana", "ben"])
def test_each_user_sees_only_their_models_and_a_forbidden_link_shows_nothing(browser, signed_app, user):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    refused = guard_network(context)
    page = context.new_page()
    try:
        sign_in(page, signed_app, user)
        email = USERS[user]["email"].replace("@", "@\u2060?")  # the app keeps an address from turning into a link
        expect(page.get_by_text(re.compile(f"Signed in as {email}"))).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)  # the cards' figures drawn
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert {b for b, title in TITLES.items() if title in main} == SEES[user]
        screenshot(page, f"signed-in-{user}")
        page.goto(f"{signed_app}/overview?bundle=support-router")  # a model both may open
        wait_for_app(page)
        page.get_by_role("button", name="Sign", exact=True).click()
        signed = re.compile(f"Kept in the decision log: Approved, by {email}")
        expect(page.get_by_text(signed)).to_be_visible(timeout=60_000)  # signed as themselves
        forbidden = {"ana": "no-such-model", "ben": "churn-gbm"}[user]
        page.goto(f"{signed_app}/overview?bundle={forbidden}")
        wait_for_app(page, '[data-testid="stAlertContentError"]')
        expect(page.get_by_text("You do not have access to this model.")).to_be_visible()
        assert TITLES["churn-gbm"] not in page.locator('[data-testid="stMain"]').inner_text()
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Yes, sign me out").click()  # the provider ends its session too
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
        screenshot(page, f"signed-out-{user}")
        assert "Signed in as" not in page.content()
    finally:
        context.close()
    # the test provider's own sign-in pages ask for a web font; the guard refuses it, and nothing
    # of the app asks for anything beyond this machine
    assert all(url.startswith("https://fonts.googleapis.com/") for url in refused), refused
