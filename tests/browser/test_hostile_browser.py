"""A hostile bundle and a rebinding attack in a real browser.

Every page and the downloaded report, with a bundle whose every text field is an attack: no
dialog opens, no request leaves this machine, no image, link, form or frame the app did not draw
appears, and the payload text is on the screen exactly as written. A page asked for under a host
name the server does not answer to (DNS rebinding) never receives the app.
"""

from __future__ import annotations

import re

import pytest

from tests import hostile
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    guard_network,
    run_server,
    screenshot,
    wait_for_app,
)

PAGES = ["", "overview", "performance", "whatif", "explanations", "compare", "card", "present"]

FOREIGN = """() => {
  const local = (url) => /^(data:|blob:|about:)/.test(url) || new URL(url, location.href).origin === location.origin;
  const found = [];
  for (const img of document.querySelectorAll('img')) if (!local(img.src)) found.push('img ' + img.src);
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (/^\\s*javascript:/i.test(href) || !local(a.href)) found.push('link ' + href);
  }
  for (const tag of ['form', 'iframe', 'object', 'embed', 'input[type=password]'])
    for (const el of document.querySelectorAll(tag))
      if (!(el.matches('form.vega-bindings:empty'))) found.push(tag);  // the chart library's own, empty
  for (const s of document.querySelectorAll('script[src]')) if (!local(s.src)) found.push('script ' + s.src);
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-artifacts")
    hostile.publish_hostile(root)
    yield from run_server(root, tmp_path_factory.mktemp("hostile-server") / "streamlit.log")


@pytest.fixture
def watched(browser):
    """A page whose dialogs and requests beyond this machine are recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    refused = guard_network(context)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page, dialogs, refused
    context.close()


def page_text(page) -> str:
    """The app's text as a person reads it (the invisible word joiners that keep links apart dropped)."""
    return page.locator('[data-testid="stApp"]').inner_text().replace("\u2060", "")


@pytest.mark.parametrize("path", PAGES)
def test_a_hostile_bundle_is_only_text_on_every_page(hostile_server, watched, path):
    page, dialogs, refused = watched
    page.goto(f"{hostile_server}/{path}?bundle=hostile")
    wait_for_app(page, "h1" if path != "present" else ".slide-title")
    page.wait_for_timeout(1000)  # time for anything injected to load or fire
    assert page.evaluate(FOREIGN) == []
    assert dialogs == []
    assert refused == []
    text = page_text(page)
    assert "Traceback" not in text and "This app has encountered an error" not in text
    if path in ("", "card"):
        assert hostile.TITLE in text
    screenshot(page, f"hostile-{path or 'home'}")


def test_the_hostile_text_reads_exactly_as_written(hostile_server, watched):
    page, _, _ = watched
    page.goto(f"{hostile_server}/?bundle=hostile")
    wait_for_app(page, "h3")
    assert page.locator("h3").first.inner_text().replace("\u2060", "").strip() == hostile.TITLE
    assert hostile.OWNER in page_text(page)
    page.goto(f"{hostile_server}/card?bundle=hostile")
    wait_for_app(page)
    text = page_text(page)
    for written in (hostile.CARD["ethical_considerations"], hostile.CARD["intended_use"], "# Heading", "1. numbered"):
        assert written in text, written
    assert "invoiceexe.pdf" in text  # the right-to-left override is dropped, never applied


def test_the_report_of_a_hostile_bundle_names_no_address(hostile_server, watched, browser):
    page, _, _ = watched
    page.goto(f"{hostile_server}/overview?bundle=hostile")
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the report (HTML)").click()
    report = SCREENSHOTS / "report-hostile.html"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    download.value.save_as(report)
    raw = report.read_text()
    assert not re.search(r"https?:|javascript:|//evil", raw, re.IGNORECASE)
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r"src='([^']*)'", raw))

    offline = browser.new_context(offline=True)
    refused = guard_network(offline)
    reader = offline.new_page()
    dialogs: list[str] = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(report.as_uri())
    reader.wait_for_timeout(500)
    assert reader.locator("h1").inner_text() == hostile.TITLE
    body = reader.locator("body").inner_text()
    assert hostile.CARD["ethical_considerations"] in body and hostile.SUMMARY in body
    assert reader.evaluate(FOREIGN.replace("location.origin", "'null'")) == []
    assert dialogs == [] and refused == []
    screenshot(reader, "report-hostile")
    offline.close()


def test_a_host_name_the_server_does_not_answer_to_gets_no_app(server, playwright_session):
    """DNS rebinding: a site that resolves its own name to this machine still gets no data."""
    port = server.rsplit(":", 1)[1]
    rebinding = playwright_session.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"]
    )
    try:
        page = rebinding.new_page()
        page.goto(f"http://rebind.test:{port}/?bundle=churn-gbm")
        page.wait_for_timeout(5000)  # the client retries; the app's script must never run for it
        assert page.locator("h1").count() == 0
        assert "Churn risk" not in page.locator("body").inner_text()
        page.goto(f"{server}/?bundle=churn-gbm")  # the same browser, by an allowed name: the app
        wait_for_app(page, "h3")
        assert "Churn risk" in page.locator("body").inner_text()
    finally:
        rebinding.close()
