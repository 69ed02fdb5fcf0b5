"""The browser bench stops its clock when the page is drawn as a person sees it: with a chart's
code held back on purpose, the script has long finished before the chart is on screen, and the
bench's `drawn` waits for the chart."""

from __future__ import annotations

import time

from bench.browser import DONE, DRAWN, drawn

CHART = '[data-testid="stVegaLiteChart"]'
HELD = 2.5  # seconds the chart's code is held back


def test_drawn_waits_for_every_chart_not_only_for_the_script(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # its own cache: the code is fetched
    page = context.new_page()

    def held(route):
        page.wait_for_timeout(HELD * 1000)
        route.continue_()

    page.route("**/ArrowVegaLiteChart.*.js", held)
    try:
        started = time.perf_counter()
        page.goto(f"{server}/performance?bundle=churn-gbm")
        page.get_by_role("heading", name="Performance", exact=True).first.wait_for(timeout=60_000)
        page.wait_for_selector(DONE, timeout=60_000)
        script_done = time.perf_counter() - started
        charts_then = page.evaluate(f"() => document.querySelectorAll('{CHART} canvas, {CHART} svg').length")
        assert charts_then == 0 and not page.evaluate(DRAWN)  # the old end point: no chart on screen yet
        drawn(page, "Performance", timeout=60_000)
        seen = time.perf_counter() - started
        shown = page.evaluate(
            f"() => [...document.querySelectorAll('{CHART}')].filter(c => c.getClientRects().length)"
            ".map(c => !!c.querySelector('canvas, svg'))"
        )
        assert shown and all(shown)  # every chart in sight (a hidden tab's is drawn when shown), drawn
        assert not page.locator('[data-testid="stSkeleton"]').count()
        assert seen >= script_done + 0.5, (script_done, seen)
    finally:
        context.close()
