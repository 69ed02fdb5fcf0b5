"""Present on a projector: every slide of every demo bundle fits a 16:9 screen without scrolling
and meets WCAG 2.1 AA (axe, as in test_accessibility), the presenter view shows this slide, the
next one and the notes, and the keyboard moves on."""

from __future__ import annotations

import pytest

from tests.app.test_home import DEMOS
from tests.browser.conftest import guard_network, screenshot, wait_for_app
from tests.browser.test_accessibility import audit, save

SCREENS = {"1920x1080": (1920, 1080), "1440x900": (1440, 900)}
TITLE = ".slide-title"


def slide_count(page) -> int:
    shown = page.get_by_text(" / ", exact=False).first.inner_text()  # "3 / 7"
    return int(shown.split("/")[1])


# the height fits() reads, unchanged over four reads 40 ms apart: charts redrawn at the new size
SETTLED = """() => new Promise(resolve => {
    let last = -1, same = 0;
    const read = () => Math.max(document.documentElement.scrollHeight,
        document.querySelector('[data-testid="stMain"]')?.scrollHeight || 0);
    const tick = () => {
        const height = read();
        same = height === last ? same + 1 : 0;
        last = height;
        if (same >= 3) resolve(true); else setTimeout(tick, 40);
    };
    tick();
})"""


def fits(page) -> tuple[int, int]:
    """(document height, viewport height): the page scrolls when the first is the larger."""
    return page.evaluate(
        "() => [Math.max(document.documentElement.scrollHeight,"
        " document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0), window.innerHeight]"
    )


FRAME = """() => {
    const frame = document.querySelector('.st-key-slide-frame').getBoundingClientRect();
    const inner = document.querySelector('.st-key-slide-frame');
    const charts = [...document.querySelectorAll('.st-key-slide-frame [data-testid="stVegaLiteChart"]')];
    return {width: frame.width, bottom: frame.bottom, scrolls: inner.scrollHeight > inner.clientHeight + 1,
            charts: charts.reduce((sum, c) => sum + c.getBoundingClientRect().height, 0)};
}"""


TALL_CHARTS = """least => [...document.querySelectorAll('.st-key-slide-frame [data-testid="stVegaLiteChart"]')]
    .reduce((sum, c) => sum + c.getBoundingClientRect().height, 0) >= least"""


def frame(page) -> dict:
    """The audience's slide: its width, its bottom edge, whether it scrolls, its charts' height."""
    return page.evaluate(FRAME)


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_every_slide_fits_the_screen(browser, server, bundle_id):
    """Each slide is reached once, by Next as a presenter does, and checked on both screens."""
    first = next(iter(SCREENS.values()))
    context = browser.new_context(viewport={"width": first[0], "height": first[1]})
    refused = guard_network(context)
    page = context.new_page()
    try:
        page.goto(f"{server}/?bundle={bundle_id}&present=1&slide=1")
        wait_for_app(page, TITLE)
        count = slide_count(page)
        assert count >= 6
        seen = []
        record: dict = {}
        problems: list[str] = []
        for number in range(1, count + 1):
            if number > 1:  # on to the next slide, as a presenter does
                page.set_viewport_size({"width": first[0], "height": first[1]})
                previous = page.locator(TITLE).first.inner_text()
                page.get_by_role("button", name="Next").click()
                page.wait_for_url(f"**slide={number}**", timeout=30_000)
                page.wait_for_function(
                    "text => document.querySelector('.slide-title')?.innerText !== text", arg=previous, timeout=30_000
                )
                wait_for_app(page, TITLE)
            title = page.locator(TITLE).first.inner_text()
            problems += audit(page, f"slide {number}", record)  # on the room's screen
            for screen, (width, height) in SCREENS.items():
                page.set_viewport_size({"width": width, "height": height})
                if page.locator('[data-testid="stVegaLiteChart"]').count():
                    page.wait_for_selector(
                        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
                    )
                page.wait_for_function(SETTLED)  # the layout settles at the new size
                document, viewport = fits(page)
                if screen == "1920x1080":  # the room's screen, kept to look at
                    screenshot(page, f"slide-{bundle_id}-{screen}-{number}")
                assert document <= viewport, (
                    f"slide {number} ({title}) is {document} px tall on a {viewport} px screen ({screen})"
                )
                if page.locator('[data-testid="stVegaLiteChart"]').count():  # the chart takes the room left
                    page.wait_for_function(TALL_CHARTS, arg=0.4 * height, timeout=15_000)  # (laid out at this size)
                used = frame(page)  # the whole 16:9 frame, but for the row of controls under it
                assert used["width"] >= 0.9 * width and used["bottom"] >= 0.85 * height, (number, screen, used)
                assert not used["scrolls"], (number, screen)
            assert not page.get_by_text("Download this chart").count()  # no app chrome on a slide
            seen.append(title)
        assert len(set(seen)) == count  # every slide says its own finding
        save(record, f"slides-{bundle_id}")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
    assert not refused


def test_the_presenter_view_shows_this_slide_the_next_and_the_notes_and_the_keys_move_on(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/?bundle=churn-gbm&present=1&slide=1&notes=1")
        wait_for_app(page, TITLE)
        titles = page.locator(TITLE).all_inner_texts()
        assert len(titles) == 2 and titles[0] != titles[1]  # this slide, and the next
        assert page.get_by_text("Notes", exact=True).count() and page.locator(".notes li").count()
        assert page.get_by_text("1 / ", exact=False).count()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => new URL(location.href).searchParams.get('slide') === '2'", timeout=30_000)
        wait_for_app(page, TITLE)
        assert page.locator(TITLE).first.inner_text() == titles[1]  # the next slide is now this one
        assert "notes=1" in page.url
        page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        page.wait_for_timeout(300)
        screenshot(page, "presenter-view")
    finally:
        context.close()


def test_the_audience_window_follows_the_presenter(browser, server):
    """Opened from the presenter view, the audience view moves when the presenter moves."""
    presenter_context = browser.new_context(viewport={"width": 1440, "height": 900})
    audience_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    presenter, audience = presenter_context.new_page(), audience_context.new_page()
    try:
        presenter.goto(f"{server}/?bundle=churn-gbm&present=1&slide=1&notes=1")
        wait_for_app(presenter, TITLE)
        link = presenter.get_by_role("link", name="Open the audience window")
        href = link.get_attribute("href")
        assert "room=" in href and "notes" not in href
        audience.goto(f"{server}/{href}")
        wait_for_app(audience, TITLE)
        first = audience.locator(TITLE).first.inner_text()
        upcoming = presenter.locator(TITLE).nth(1).inner_text()
        presenter.get_by_role("button", name="Next").click()
        presenter.wait_for_function("() => new URL(location.href).searchParams.get('slide') === '2'", timeout=30_000)
        audience.wait_for_function(
            "text => document.querySelector('.slide-title')?.innerText === text", arg=upcoming, timeout=30_000
        )
        assert audience.locator(TITLE).first.inner_text() != first
        assert "slide=2" in audience.url
    finally:
        presenter_context.close()
        audience_context.close()
