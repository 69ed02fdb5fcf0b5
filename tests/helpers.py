"""Small builders the unit tests share."""

from __future__ import annotations

from pathlib import Path

from core.contract import BundleSpec


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
