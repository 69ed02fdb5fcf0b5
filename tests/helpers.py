"""Small builders the unit tests share."""

from __future__ import annotations

import re
from pathlib import Path

from core.bundles.contract import BundleSpec


def make_spec(**fields) -> BundleSpec:
    """A binary churn BundleSpec with no files behind it; any field can be overridden."""
    defaults = dict(
        id="churn",
        folder=Path("."),
        title="Churn",
        task="binary",
        target="churned",
        model_path=Path("m.joblib"),
        eval_path=Path("e.csv"),
        subject="customer",
        subjects="customers",
    )
    return BundleSpec(**{**defaults, **fields})


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def seen(text: str) -> str:
    """Markdown source as a person reads it on the page: escapes and invisible word joiners removed.

    The app escapes every piece of text it shows (core.format.literal), so AppTest, which reads the
    Markdown source, sees backslashes a reader never does.
    """
    return _ESCAPED.sub(r"\1", str(text)).replace("\u2060", "")


def charts_with_titles(at) -> list[tuple[str, dict]]:
    """Each chart on the page, in order, with the title set as text just above it ('' for none)."""
    import json

    found: list[tuple[str, dict]] = []
    last = {"text": ""}

    def walk(node):
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            if kind == "markdown":
                value = seen(child.value)
                last["text"] = value[2:-2] if value.startswith("**") and value.endswith("**") else ""
            elif kind == "vega_lite_chart":
                found.append((last["text"], json.loads(child.proto.spec)))
                last["text"] = ""
            walk(child)

    walk(at.main)
    return found


def html_tables(at) -> list:
    """The page's small tables (core.app.ui.table), read back as DataFrames: headers and cells as
    a person reads them."""
    import html as html_module

    import pandas as pd

    found = []
    for element in at.get("html"):
        body = element.proto.body
        if "class='mb-table'" not in body:
            continue
        cells = lambda row: [html_module.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]  # noqa: E731
        rows = re.findall(r"<tr>(.*?)</tr>", body)
        found.append(pd.DataFrame([cells(r) for r in rows[1:]], columns=cells(rows[0])))
    return found
