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
