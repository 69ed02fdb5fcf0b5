"""The report, end to end: downloaded from the app, opened offline, the same figures as the app."""

from __future__ import annotations

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import SCREENSHOTS, screenshot, wait_for_app


def test_downloaded_reports_show_the_apps_headline(server, browser, page):
    page.goto(f"{server}/overview?bundle=churn-gbm")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(3, timeout=60_000)
    shown = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with page.expect_download(timeout=60_000) as html_download:
        page.get_by_role("button", name="Download the report (HTML)").click()
    html_file = SCREENSHOTS / "report-churn-gbm.html"
    html_download.value.save_as(html_file)
    with page.expect_download(timeout=60_000) as pdf_download:
        page.get_by_role("button", name="Download the report (PDF)").click()
    pdf_file = SCREENSHOTS / "report-churn-gbm.pdf"
    pdf_download.value.save_as(pdf_file)

    offline = browser.new_context(offline=True)
    requests = []
    offline.on("request", lambda request: requests.append(request.url))
    report_page = offline.new_page()
    report_page.goto(html_file.as_uri())
    values = report_page.locator(".tile .value").all_inner_texts()
    assert values == shown
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert report_page.locator("img").evaluate_all("imgs => imgs.every(i => i.naturalWidth > 0)")
    screenshot(report_page, "report-churn-gbm")
    offline.close()

    text = " ".join(p.extract_text() for p in PdfReader(pdf_file).pages)
    for label, value in zip(["Right when it acts", "Coverage", "Net value a month"], shown, strict=True):
        assert f"{label}: {value}" in text
