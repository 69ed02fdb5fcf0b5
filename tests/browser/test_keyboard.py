"""Without a mouse: from Home to a slide named by its link and a download, by Tab, Enter and the
arrow keys alone, every stop on the way showing where the focus is."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS, screenshot, wait_for_app

ACTIVE = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {tag: e.tagName, name: (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60),
          href: e.getAttribute('href') || '', box: [r.x, r.y, r.width, r.height]} }"""


def focus_shows(page, stop: dict) -> bool:
    """Whether the focused element looks different from itself unfocused (an outline, a ring, a
    colour): its box and a margin around it, drawn with the focus and without."""
    x, y, width, height = stop["box"]
    if width < 1 or height < 1:
        return False
    viewport = page.viewport_size
    left, top = max(0.0, x - 6), max(0.0, y - 6)
    clip = {
        "x": left,
        "y": top,
        "width": min(width + 12, viewport["width"] - left),
        "height": min(height + 12, viewport["height"] - top),
    }
    focused = page.screenshot(clip=clip)
    handle = page.evaluate_handle("() => document.activeElement")
    handle.evaluate("e => e.blur()")
    unfocused = page.screenshot(clip=clip)
    handle.evaluate("e => e.focus()")
    return focused != unfocused


def tab_to(page, wanted, seen: list[dict], limit: int = 60) -> dict:
    """Press Tab until `wanted(stop)` holds; every stop passed is kept in `seen`, with whether its
    focus showed."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(ACTIVE)
        if stop["tag"] in ("BODY", "MAIN"):  # the page itself, or Streamlit's scrolling area: no control
            continue
        page.evaluate("() => document.activeElement.scrollIntoView({block: 'nearest'})")
        stop = page.evaluate(ACTIVE)
        stop["shows"] = focus_shows(page, stop)
        seen.append(stop)
        if wanted(stop):
            return stop
    raise AssertionError(f"not reached within {limit} presses of Tab: {[s['name'] for s in seen[-10:]]}")


def test_home_to_a_linked_slide_and_its_download_by_keyboard_alone(server, page):
    seen: list[dict] = []
    page.goto(f"{server}/?bundle=churn-gbm")
    wait_for_app(page)
    tab_to(page, lambda stop: stop["href"].endswith("/present"), seen)
    page.keyboard.press("Enter")
    wait_for_app(page, "h1.slide-title")
    wait_for_app(page, "text=/^1 \\/ \\d+$/")
    first = page.locator("h1.slide-title").inner_text()
    for number in (2, 3):  # the arrow keys move the slides
        page.keyboard.press("ArrowRight")
        wait_for_app(page, f"text=/^{number} \\/ \\d+$/", timeout=30_000)
    assert page.locator("h1.slide-title").inner_text() != first
    assert re.search(r"[?&]slide=3\b", page.url) and "present=1" in page.url  # this slide's own link
    page.keyboard.press("ArrowLeft")
    wait_for_app(page, "text=/^2 \\/ \\d+$/", timeout=30_000)
    page.keyboard.press("ArrowRight")
    wait_for_app(page, "text=/^3 \\/ \\d+$/", timeout=30_000)

    tab_to(page, lambda stop: "Slides to keep" in stop["name"], seen)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="stPopoverBody"]', timeout=30_000)
    tab_to(page, lambda stop: "PowerPoint" in stop["name"], seen, limit=10)
    screenshot(page, "keyboard-present-download")
    with page.expect_download(timeout=60_000) as download:
        page.keyboard.press("Enter")
    saved = SCREENSHOTS / "keyboard-review.pptx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"  # a PowerPoint file (a zip)
    assert download.value.suggested_filename.endswith("-review.pptx")

    hidden = [f"{stop['tag']} {stop['name']!r}" for stop in seen if not stop["shows"]]
    assert not hidden, f"focus not visible on: {hidden}"
    assert len(seen) >= 10
