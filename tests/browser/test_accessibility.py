"""WCAG 2.1 A and AA, checked by axe-core in Chromium: every page with every demo (two of them at
320 and 640 pixels wide, also checked for content lost off the screen), the presenter view on every
slide, and the HTML report; every demo's slides are checked in test_slides_browser's walk. No serious or critical violation may
remain; each view's counts (all impacts) are written to tests/output/accessibility/ for the record.

Violations that come from Streamlit itself, not from this app, would be listed in STREAMLIT_OWN with
their upstream issue (and in the README); with Streamlit 1.67 and this app's theme there are none.
"""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.publishing.demos import DEMO_IDS
from tests.browser.conftest import SCREENSHOTS, guard_network, screenshot, wait_for_app

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")
# (axe rule, a pattern its node's HTML matches) -> the upstream issue; empty while Streamlit adds none
STREAMLIT_OWN: dict[tuple[str, str], str] = {}
# what sticks out beyond the screen's right edge, and whether a scrolling box of its own holds it
CUT_OFF = """(width) => {
  const own = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const id = p.getAttribute('data-testid');
      if (id == 'stMain' || id == 'stAppViewContainer' || p.tagName == 'BODY') return false;
      const s = getComputedStyle(p).overflowX;
      if ((s == 'auto' || s == 'scroll') && p.scrollWidth > p.clientWidth) return true; }
    return false; };
  const out = [];
  for (const e of document.querySelectorAll('[data-testid=stMain] *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 4 && !own(e))
      out.push(`${e.tagName} ${(e.getAttribute('data-testid') || e.getAttribute('class') || '').slice(0, 40)}: `
               + `${(e.textContent || '').trim().slice(0, 50)} (to ${Math.round(r.right)} px)`); }
  const main = document.querySelector('[data-testid=stMain]');
  return {page: document.documentElement.scrollWidth, main: main.scrollWidth - main.clientWidth, cut: out.slice(0, 8)};
}"""

PAGES = ("", "overview", "performance", "whatif", "explanations", "compare", "since_launch", "card", "present")
RECORD = SCREENSHOTS / "accessibility"

_axe = Axe()


def upstream(rule: str, html: str) -> str | None:
    return next((url for (r, pattern), url in STREAMLIT_OWN.items() if r == rule and re.search(pattern, html)), None)


def audit(page, view: str, record: dict) -> list[str]:
    """axe over the page as it stands; the blocking violations as lines (rule, impact, first node),
    Streamlit's own left out but counted. Also checks every chart states its finding to a screen reader."""
    found = _axe.run(page, options=WCAG_21_AA).response["violations"]
    counts = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
    blocking, streamlit_own, rules = [], [], []
    for violation in found:
        for node in violation["nodes"]:
            counts[violation["impact"]] += 1
            rules.append(f"{violation['impact']} {violation['id']}: {node['html'][:100]}")
            known = upstream(violation["id"], node["html"])
            if known:
                streamlit_own.append(f"{violation['id']}: {known}")
            elif violation["impact"] in BLOCKING:
                blocking.append(
                    f"{view}: {violation['impact']} {violation['id']} at {node['target']}: {node['html'][:160]}"
                )
    charts = page.locator('[data-testid="stVegaLiteChart"]').evaluate_all(
        "charts => charts.filter(c => c.getClientRects().length)"  # a hidden tab's chart is drawn when shown
        ".map(c => [c.getAttribute('role'), c.getAttribute('aria-label') || ''])"
    )
    for role, label in charts:
        if role != "graphics-document" or len(label.split()) < 5:
            blocking.append(f"{view}: a chart without its finding as a text alternative ({role!r}, {label!r})")
    record[view] = {"violations": counts, "rules": rules, "streamlit_own": streamlit_own, "charts": len(charts)}
    return blocking


def save(record: dict, name: str) -> None:
    RECORD.mkdir(parents=True, exist_ok=True)
    (RECORD / f"{name}.json").write_text(json.dumps(record, indent=1))


# two demos' pages opened at a phone's width (320 pixels, or 400% zoom) and at 200% zoom on a
# 1280-pixel screen (640), checked there for content lost off the screen; the others at a desktop's
NARROW = {"churn-gbm": 320, "support-router": 640}
DESKTOP = {"width": 1400, "height": 1000}


def open_page(page, server: str, path: str, demo: str) -> None:
    """Open a page by the sidebar's link, as a person moves between pages (which keeps the session
    and takes a fraction of the time of a new load); Home by its address."""
    if not path:
        page.goto(f"{server}/?bundle={demo}")
        wait_for_app(page, '[data-testid="stMain"] h1')
        return
    before = page.locator('[data-testid="stMain"] h1').first.inner_text()
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click()
    page.wait_for_url(f"**/{path}?**")
    page.wait_for_function(
        "text => { const h = document.querySelector('[data-testid=stMain] h1'); return h && h.innerText !== text; }",
        arg=before,
        timeout=60_000,
    )
    wait_for_app(page, '[data-testid="stMain"] h1')
    assert f"bundle={demo}" in page.url


def cut_off(page, width: int, where: str) -> list[str]:
    """What the page, opened at `width` pixels, loses off the screen (nothing, or lines saying what)."""
    found = page.evaluate(CUT_OFF, width)
    problems = [f"{where} at {width} px: {cut}" for cut in found["cut"]]
    if found["page"] > width or found["main"] > 0:
        problems.append(f"{where}: the page scrolls sideways at {width} px ({found['page']} px wide)")
    if where in ("home", "performance", "explanations", "present"):
        screenshot(page, f"narrow-{width}-{where}")
    return problems


@pytest.mark.parametrize("demo", DEMO_IDS)
def test_every_page_meets_wcag_21_aa_and_keeps_its_content_when_narrow(browser, server, demo):
    """Every page: no serious or critical violation; opened at 320 or 640 pixels, the page never
    scrolls sideways, every heading and sentence fits, and only a chart or table wider than the
    screen scrolls, on its own."""
    width = NARROW.get(demo)
    context = browser.new_context(viewport={**DESKTOP, "width": width} if width else DESKTOP)
    refused = guard_network(context)
    page = context.new_page()
    record: dict = {}
    problems: list[str] = []
    for path in PAGES:
        if width:  # a narrow screen collapses the sidebar: each page by its address
            page.goto(f"{server}/{path}?bundle={demo}")
            wait_for_app(page, '[data-testid="stMain"] h1')
        else:
            open_page(page, server, path, demo)
        where = path or "home"
        if path == "performance":  # its charts, drawn after the script's run, so axe and the check see them
            page.wait_for_selector('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas')
        problems += audit(page, where, record)
        if width:
            problems += cut_off(page, width, where)
    context.close()
    save(record, f"pages-{demo}")
    assert not refused, refused
    assert not problems, "\n".join(problems)
    assert sum(view["charts"] for view in record.values()) >= 1  # charts were drawn, and checked


def slide_number(page) -> tuple[int, int]:
    shown = page.locator('[data-testid="stMarkdownContainer"] strong').filter(has_text=re.compile(r"^\d+ / \d+$"))
    now, total = shown.first.inner_text().split(" / ")
    return int(now), int(total)


def next_slide(page, number: int, total: int) -> None:
    """On to slide `number` by keyboard: Enter on the focused Next button (pressed again if the
    first press came before the page listened)."""
    for _ in range(3):
        page.get_by_role("button", name="Next").focus()
        page.keyboard.press("Enter")
        try:
            wait_for_app(page, f"text=/^{number} \\/ {total}$/", timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"slide {number} of {total} did not open")


def test_the_presenter_view_meets_wcag_21_aa_on_every_slide(server, page):
    """The presenter view (this slide small, the next one's title, the notes) on every slide of one
    demo, moving on by keyboard. The audience's slides of every demo are checked as
    test_slides_browser walks them."""
    demo = DEMO_IDS[0]
    record: dict = {}
    problems: list[str] = []
    page.goto(f"{server}/present?bundle={demo}&present=1&slide=1&notes=1")
    wait_for_app(page, "text=/^1 \\/ \\d+$/")
    _, total = slide_number(page)
    for number in range(1, total + 1):
        if number > 1:
            next_slide(page, number, total)
        problems += audit(page, f"presenter {number}", record)
    save(record, f"presenter-{demo}")
    assert not problems, "\n".join(problems)
    assert len(record) == total >= 6


@pytest.fixture(scope="module")
def reports(demo_root):
    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics
    from core.explaining import explain
    from core.outputs import report

    made = {}
    for demo in DEMO_IDS:
        bundle = load_bundle(demo_root / demo)
        data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
        explained = explain.for_bundle(bundle, demo_root / ".test-cache") if bundle.explainable else None
        made[demo] = report.to_html(report.build(bundle, data, explained, bundle.spec.operating_point))
    return made


def test_the_html_report_meets_wcag_21_aa(browser, reports):
    record: dict = {}
    problems: list[str] = []
    context = browser.new_context(offline=True)
    page = context.new_page()
    for demo, html in reports.items():
        page.set_content(html)
        problems += audit(page, f"report {demo}", record)
        assert page.locator("header h1").count() == 1 and page.locator("main h2").count() >= 3
    context.close()
    save(record, "reports")
    assert not problems, "\n".join(problems)
