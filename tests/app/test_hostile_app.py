"""A hostile bundle on every page through AppTest: its text reaches the page only escaped.

Every element field that Streamlit renders as Markdown (bodies, labels, help, options of radios
and segmented controls) is read from the page's protobuf, and no payload may appear in it
unescaped; `st.html` bodies may hold no payload tag at all. The browser test in
tests/browser/test_hostile_browser.py checks what a person sees.
"""

from __future__ import annotations

import pytest
from google.protobuf.json_format import MessageToDict

from tests import hostile
from tests.app.test_overview_and_audience import PAGES
from tests.helpers import seen

# Fields Streamlit shows as plain text, never as Markdown: select boxes, code, data, charts, ids.
PLAIN = ("Selectbox.", "Code.", "Dataframe.", "VegaLiteChart.", "Html.", "Arrow")
PLAIN_KEYS = (".id", ".icon", ".rawValue", ".rawValues[]", ".format", ".type", ".page", ".pageScriptHash")


def _strings(value, path):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, f"{path}[]")


def rendered_fields(at) -> list[tuple[str, str]]:
    """Every (field, text) pair on the page, from each element's protobuf."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.extend(_strings(MessageToDict(proto), type(proto).__name__))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def unescaped(text: str, fragment: str) -> bool:
    """Whether fragment occurs in Markdown source without a backslash escaping its first character."""
    start = text.find(fragment)
    while start != -1:
        if start == 0 or text[start - 1] != "\\":
            return True
        start = text.find(fragment, start + 1)
    return False


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    hostile.publish_hostile(root)
    return root


VIEWS = [(page, {}) for page in PAGES] + [("pages/present.py", {"slide": str(n)}) for n in range(2, 8)]


@pytest.mark.parametrize(("page", "query"), VIEWS)
def test_a_hostile_bundle_reaches_every_page_only_as_text(app, hostile_root, page, query):
    at = app(hostile_root, bundle="hostile", **query)
    if page != "pages/home.py":
        at.switch_page(page).run()
    assert not at.exception
    assert not at.error  # the bundle loads: its text is odd, not wrong
    fields = rendered_fields(at)
    markdown = [
        (f, t)
        for f, t in fields
        if not f.startswith(PLAIN) and not f.endswith(PLAIN_KEYS) and "Markdown.elementType" != f
    ]
    assert len(markdown) > 10
    for field, text in markdown:
        leaks = [p for p in hostile.raw_payloads() if unescaped(text, p)]
        assert not leaks, (page, field, leaks, text[:300])
    for field, text in fields:
        if field.startswith("Html."):
            assert not any(tag in text for tag in ("<img", "<script", "<form", "<iframe", "<b>")), text[:300]


def test_the_hostile_text_is_shown_as_written(app, hostile_root):
    at = app(hostile_root, bundle="hostile")
    assert seen(at.subheader[0].value) == hostile.TITLE
    assert any(hostile.OWNER in seen(c.value) for c in at.caption)
    card = app(hostile_root, bundle="hostile").switch_page("pages/card.py").run()
    texts = [seen(m.value) for m in card.main.markdown]
    assert hostile.CARD["ethical_considerations"] in texts
    assert "invoiceexe.pdf" in texts  # the right-to-left override is dropped, the rest kept
    assert "# Heading\n\n- a list item\n\n1. numbered" in texts  # paragraphs kept, nothing formatted


def test_a_hostile_link_is_never_echoed_as_markup(app, hostile_root):
    payload = "[Click here](http://evil.test) ![t](http://evil.test/t.png)"
    at = app(hostile_root, bundle="hostile").switch_page("pages/performance.py")
    at.query_params["threshold"] = payload
    at.run()
    assert not at.exception
    notice = next(i.value for i in at.info if "link asked" in seen(i.value))
    assert not unescaped(notice, "](http")
    assert seen(notice).startswith("The link asked for a decision threshold of '[Click here](http://evil.test) ![t](h")
    assert at.query_params["threshold"] == "0.50"  # the link is rewritten with the setting in force, not the junk
