"""Random links on the pages that read the most from them: never an exception, always a page."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["-0", "1", "0.003", "1e39", "inf", "nan", "²", "9" * 5000, "[x](http://evil.test)", ""]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
links = st.fixed_dictionaries(
    {"page": st.sampled_from(["pages/performance.py", "pages/present.py", "pages/whatif.py", "pages/explanations.py"])},
    optional={
        "bundle": st.sampled_from(["churn-gbm", "support-router", "delivery-eta", "no-such-model"]) | junk,
        "threshold": junk,
        "min_confidence": junk,
        "slide": junk,
        "case": st.sampled_from(["C-106134", "T-0001"]) | junk,
        "edits": junk.map(lambda v: f"monthly_charges:{v}|contract:{v}"),
        "feature": junk,
        "explain": junk,
        "audience": junk,
    },
)


@settings(
    max_examples=25,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(link=links)
def test_any_link_opens_a_page_without_an_exception(app, demo_root, link):
    page = link.pop("page")
    at = app(demo_root, **{k: v for k, v in link.items() if "\x00" not in v})
    at.switch_page(page).run()
    assert not at.exception, (page, link, [e.value for e in at.exception])
    assert at.title or at.main.markdown
