"""A real Streamlit server and Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MODELBRIEF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "tests" / "output"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_root, tmp_path_factory):
    """`streamlit run Home.py` on the demo bundles; yields the base URL.

    One per worker: a Streamlit server works out a page in one process, so workers sharing one
    would queue behind it; the figures they compute are kept on disk, shared by all."""
    yield from run_server(demo_root, tmp_path_factory.mktemp("server") / "streamlit.log")


@pytest.fixture(scope="module")
def fresh_server(demo_root, tmp_path_factory):
    """A server of its own, so a test can be the very first request it ever answers."""
    yield from run_server(demo_root, tmp_path_factory.mktemp("fresh-server") / "streamlit.log")


def run_server(demo_root: Path, log: Path, env: dict | None = None):
    url, process = start_server(demo_root, log, env)
    yield url
    process.terminate()
    process.wait(timeout=10)


def start_server(demo_root: Path, log: Path, env: dict | None = None) -> tuple[str, subprocess.Popen]:
    """A Streamlit server on the demo bundles (`env`: settings of its own), answering its health
    check; (its URL, its process)."""
    port = _free_port()
    env = {**os.environ, "MODELBRIEF_ARTIFACTS": str(demo_root), "MODELBRIEF_WARM_UP": "1", **(env or {})}
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "Home.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.terminate()
        pytest.fail(f"Streamlit did not start within 60 s:\n{log.read_text()}")
    return url, process


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it with `apt-get install -y chromium`.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    instance = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def guard_network(context) -> list[str]:
    """Let a browser context reach this machine only: any other address is refused and recorded."""
    refused: list[str] = []

    def route(route_) -> None:
        url = urlparse(route_.request.url)
        if url.scheme in ("data", "blob", "file", "about") or url.hostname in LOOPBACK:
            route_.continue_()
        else:
            refused.append(route_.request.url)
            route_.abort()

    context.route("**/*", route)
    return refused


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    refused = guard_network(context)
    yield context.new_page()
    context.close()
    assert not refused, f"the page asked for addresses beyond this machine: {refused[:5]}"


def wait_for_app(page, element: str = "h1", timeout: int = 60_000) -> None:
    """Wait until the app's script has finished its run and the element the test needs is drawn.

    Headless Streamlit never draws its status widget, so its absence proves nothing; the app root
    says whether the script is running.
    """
    page.wait_for_selector(element, timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    # the last delta is painted after the state flips: two animation frames later it is on screen
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def nudge_slider(page, name: str, steps: int) -> None:
    """Move a slider by keyboard, one step per key press, as a person would."""
    page.get_by_role("slider", name=name).focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
