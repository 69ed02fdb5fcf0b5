"""Sign-in with a real OpenID provider on loopback (the npm package oidc-provider, started here with
users in groups), through Debian's nginx with TLS as the README's Deploying section sets it up
(deploy/nginx.conf): each user sees only their models, a deep link to a forbidden bundle shows
nothing of it, an e-mail the provider did not verify and a display name open nothing restricted and
never sign, a sign-in ends at sign-out (even for a copy of its cookie) and at its expiry, and the
proxy sends its headers, refuses other host names and keeps Streamlit's metrics inside."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.team import access
from tests.browser.conftest import ROOT, guard_network, screenshot, wait_for_app

OIDC = ROOT / "tests" / "oidc"
TOKEN_SECONDS = 30  # how long mallory's identity lasts: long enough for her own test, which runs first
USERS = {
    "ana": {"email": "ana@example.com", "name": "Ana", "groups": ["reviewers"]},
    "ben": {"email": "ben@example.com", "name": "Ben", "groups": ["support"]},
    # an address the provider did not verify, which is ana's in another case
    "eve": {"email": "ANA@example.com", "email_verified": False, "name": "Eve", "groups": []},
    # no address at all, and ana's address as a display name; their identity lasts TOKEN_SECONDS
    "mallory": {"name": "ana@example.com", "groups": [], "token_seconds": TOKEN_SECONDS},
}
ACCESS = {"churn-gbm": "[group:reviewers]", "support-router": "[group:support, ana@example.com]", "delivery-eta": None}
TITLES = {
    "churn-gbm": "Churn risk, gradient boosting",
    "support-router": "Support ticket router",
    "delivery-eta": "Delivery time estimate",
}
SEES = {"ana": {"churn-gbm", "support-router", "delivery-eta"}, "ben": {"support-router", "delivery-eta"}}
SECURITY_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "strict-transport-security": "max-age=31536000",
}
UNVERIFIED = (
    "Signed in, without an e-mail address your sign-in provider has verified: you see the models open to "
    "everyone signed in, and cannot sign decisions."
)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NO_VERIFY = ssl.create_default_context()
NO_VERIFY.check_hostname, NO_VERIFY.verify_mode = False, ssl.CERT_NONE  # the test's own certificate


def _wait(url: str, process, log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2, context=NO_VERIFY).read()
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
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs it (apt-get install nginx).")
        pytest.skip("no nginx: `apt-get install nginx` runs the sign-in tests behind the README's proxy")
    app_port, idp_port, proxy_port = _port(), _port(), _port()
    direct, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    app_url = f"https://127.0.0.1:{proxy_port}"  # what people use: the proxy
    config = work / "oidc.json"
    config.write_text(json.dumps({
        "client_id": "modelbrief", "client_secret": "test-only-secret", "users": USERS,
        "redirect_uris": [f"{app_url}/oauth2callback"], "post_logout_redirect_uris": [f"{app_url}/oauth2callback"],
    }))  # fmt: skip
    idp_log = work / "oidc.log"
    idp = subprocess.Popen(["node", "provider.mjs", str(idp_port), str(config)], cwd=OIDC,
                           stdout=open(idp_log, "w"), stderr=subprocess.STDOUT)  # fmt: skip
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
    env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(root), "MODELBRIEF_CACHE": str(demo_root / ".cache")}
    env["MODELBRIEF_WARM_UP"] = "1"  # as the app runs
    command = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(app_port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets)]  # fmt: skip
    app = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(app_log, "w"), stderr=subprocess.STDOUT)
    proxy, proxy_log = _start_proxy(nginx, work, proxy_port, app_port)  # the three start side by side
    _wait(f"{issuer}/.well-known/openid-configuration", idp, idp_log, "The OpenID provider")
    _wait(f"{direct}/_stcore/health", app, app_log, "Streamlit")
    _wait(f"{app_url}/_stcore/health", proxy, proxy_log, "nginx")
    yield {"url": app_url, "direct": direct, "port": proxy_port, "database": f"sqlite:///{root / '.modelbrief.db'}"}
    for process in (proxy, app, idp):
        process.terminate()
    for process in (proxy, app, idp):
        process.wait(timeout=10)


def _start_proxy(nginx: str, work: Path, port: int, app_port: int):
    """Debian's nginx with the README's site file (deploy/nginx.conf), its placeholders filled in,
    on a certificate made here for 127.0.0.1."""
    cert, key = work / "proxy.crt", work / "proxy.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for placeholder, value in {"__LISTEN__": f"127.0.0.1:{port}", "__SERVER_NAME__": "127.0.0.1",
                               "__CERT__": str(cert), "__KEY__": str(key), "__UPSTREAM__": f"127.0.0.1:{app_port}"}.items():  # fmt: skip
        site = site.replace(placeholder, value)
    assert "__" not in re.sub(r"\$cookie__\w+", "", site), "a placeholder of deploy/nginx.conf was left unfilled"
    temp = work / "nginx"
    temp.mkdir()
    conf = work / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {temp / 'nginx.pid'};\nerror_log {temp / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {temp / 'body'};\n  proxy_temp_path {temp / 'proxy'};\n"
        f"  fastcgi_temp_path {temp / 'fastcgi'};\n  uwsgi_temp_path {temp / 'uwsgi'};\n  scgi_temp_path {temp / 'scgi'};\n"
        f"{site}\n}}\n"
    )
    log = work / "nginx.log"
    process = subprocess.Popen([nginx, "-p", str(temp), "-e", str(temp / "error.log"), "-c", str(conf),
                                "-g", "daemon off;"], stdout=open(log, "w"), stderr=subprocess.STDOUT)  # fmt: skip
    return process, temp / "error.log"


def sign_in(page, app_url: str, user: str) -> None:
    page.goto(f"{app_url}/")
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=login]").fill(user)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()  # consent is granted up front (tests/oidc/provider.mjs)
    page.wait_for_url(f"{app_url}/**", timeout=60_000)
    wait_for_app(page)


@pytest.fixture(scope="module")
def mallory(browser, signed_app):
    """The short-lived user, signed in before the other tests so their time runs out meanwhile:
    (page, the moment their identity expires)."""
    context, page, refused = new_page(browser)
    sign_in(page, signed_app["url"], "mallory")
    yield page, time.monotonic() + TOKEN_SECONDS
    context.close()
    only_local(refused)


def new_page(browser, cookies=None):
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, ignore_https_errors=True)
    refused = guard_network(context)
    if cookies:
        context.add_cookies(cookies)
    return context, context.new_page(), refused


def shown_titles(page) -> set[str]:
    main = page.locator('[data-testid="stMain"]').inner_text()
    return {b for b, title in TITLES.items() if title in main}


def only_local(refused: list[str]) -> None:
    # the test provider's own sign-in pages ask for a web font; the guard refuses it, and nothing
    # of the app asks for anything beyond this machine
    assert all(url.startswith("https://fonts.googleapis.com/") for url in refused), refused


def _fetch(url: str, host: str | None = None, cookie: str | None = None):
    """One request through the proxy: (status, headers), or None when it closes without answering."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=NO_VERIFY, timeout=10)
    headers = {"Host": host} if host else {}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    except (http.client.RemoteDisconnected, ConnectionResetError, ssl.SSLError):
        return None
    finally:
        connection.close()


@pytest.mark.parametrize("user", ["mallory", "eve"])  # mallory first, while her identity lasts
def test_an_unverified_email_or_a_display_name_opens_nothing_restricted_and_never_signs(
    browser, signed_app, mallory, user
):
    app_url = signed_app["url"]
    if user == "mallory":
        context, (page, _), refused = None, mallory, []
        page.goto(f"{app_url}/")
        wait_for_app(page)
    else:
        context, page, refused = new_page(browser)
        sign_in(page, app_url, user)
    try:
        expect(page.get_by_text(UNVERIFIED)).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
        assert shown_titles(page) == {"delivery-eta"}  # only the model open to everyone signed in
        assert "Signed in as" not in page.content() and "ana@" not in page.content().lower()
        screenshot(page, f"signed-in-unverified-{user}")
        page.goto(f"{app_url}/overview?bundle=delivery-eta")
        wait_for_app(page)
        expect(page.get_by_text(access.CANNOT_SIGN)).to_be_visible(timeout=60_000)
        assert page.get_by_role("button", name="Sign", exact=True).count() == 0
        page.goto(f"{app_url}/overview?bundle=support-router")  # listed for ana@example.com
        wait_for_app(page, '[data-testid="stAlertContentError"]')
        expect(page.get_by_text(access.NO_ACCESS)).to_be_visible()
    finally:
        if context is not None:
            context.close()
    only_local(refused)


@pytest.mark.parametrize("user", ["ana", "ben"])
def test_each_user_sees_only_their_models_and_a_forbidden_link_shows_nothing(browser, signed_app, user):
    app_url = signed_app["url"]
    context, page, refused = new_page(browser)
    try:
        sign_in(page, app_url, user)
        email = USERS[user]["email"].replace("@", "@\u2060?")  # the app keeps an address from turning into a link
        expect(page.get_by_text(re.compile(f"Signed in as {email}"))).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)  # the cards' figures drawn
        assert shown_titles(page) == SEES[user]
        screenshot(page, f"signed-in-{user}")
        page.goto(f"{app_url}/overview?bundle=delivery-eta")  # open to everyone signed in (drawn once already)
        wait_for_app(page)
        page.get_by_role("button", name="Sign", exact=True).click()
        signed = re.compile(f"Kept in the decision log: Approved, by {email}")
        expect(page.get_by_text(signed)).to_be_visible(timeout=60_000)  # signed as themselves
        if user == "ana":  # a download through the proxy: made when asked for, and only with the cookie
            wait_for_app(
                page, '[data-testid="stDownloadButton"]'
            )  # the signing run over: the button is the last one drawn
            with page.expect_download(timeout=60_000) as made:
                page.get_by_role("button", name="Download the report (HTML)").click()
            address = made.value.url
            report = Path(made.value.path()).read_text()
            assert (
                "ana@example.com" in report and "none changed or removed outside the app" in report
            )  # the log, checked
            assert context.request.get(address).status == 200
            assert _fetch(address)[0] == 403  # the same address without the sign-in cookie
        forbidden = {"ana": "no-such-model", "ben": "churn-gbm"}[user]
        page.goto(f"{app_url}/overview?bundle={forbidden}")
        wait_for_app(page, '[data-testid="stAlertContentError"]')
        expect(page.get_by_text(access.NO_ACCESS)).to_be_visible()
        assert TITLES["churn-gbm"] not in page.locator('[data-testid="stMain"]').inner_text()
        copied = context.cookies()  # taken before signing out, as someone with the browser's files could
        if user == "ana":
            _, thief, _ = new_page(browser, copied)
            thief.goto(f"{app_url}/")
            wait_for_app(thief)
            expect(thief.get_by_text(re.compile(f"Signed in as {email}"))).to_be_visible(timeout=60_000)  # it works
            # the forbidden link and this page were two more runs: the download's address is gone (README)
            assert context.request.get(address).status == 404
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Yes, sign me out").click()  # the provider ends its session too
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
        screenshot(page, f"signed-out-{user}")
        assert "Signed in as" not in page.content()
        if user == "ana":  # the copy, in the browser it went to, no longer signs anyone in
            thief.goto(f"{app_url}/overview?bundle=churn-gbm")
            wait_for_app(thief)
            expect(thief.get_by_text(access.SIGNED_OUT)).to_be_visible(timeout=60_000)
            expect(thief.get_by_role("button", name="Sign in")).to_be_visible()
            assert not shown_titles(thief) and "Signed in as" not in thief.content()
            screenshot(thief, "signed-out-copied-cookie")
            thief.context.close()
    finally:
        context.close()
    only_local(refused)


def test_the_proxy_sends_its_headers_refuses_other_host_names_and_keeps_the_metrics_inside(signed_app):
    app_url, direct = signed_app["url"], signed_app["direct"]
    for path in ("/", "/_stcore/health", "/overview?bundle=churn-gbm"):
        status, headers = _fetch(f"{app_url}{path}")
        assert status == 200, path
        assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS, path
        assert "nginx/" not in headers.get("server", "")  # no version to look up
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost"):
        assert _fetch(f"{app_url}/_stcore/health", host=host) is None, host  # closed without an answer
    assert urllib.request.urlopen(f"{direct}/_stcore/metrics", timeout=10).status == 200  # Streamlit serves them
    assert _fetch(f"{app_url}/_stcore/metrics")[0] == 404  # the proxy does not
    assert _fetch(f"{app_url}/_stcore/metrics?x=1")[0] == 404


def test_the_app_itself_listens_on_loopback_only_behind_the_proxy(signed_app):
    port = int(signed_app["direct"].rsplit(":", 1)[1])
    socket.create_connection(("127.0.0.1", port), timeout=2).close()  # there, on loopback
    with pytest.raises(OSError):
        socket.create_connection((_outward_address(), port), timeout=2)


def _outward_address() -> str:
    """This machine's address on its network (not loopback), to show the app is not reachable on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no address beyond loopback to try")
    return address


def test_an_expired_identity_signs_the_user_out(mallory):
    """Last in this file: the short-lived user signed in before the others ran."""
    page, expires = mallory
    time.sleep(max(0.0, expires - time.monotonic()) + 1)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(access.EXPIRED)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert "Signed in as" not in page.content() and not shown_titles(page)
    screenshot(page, "signed-in-expired")
