"""Links to exactly this view: reading view settings from a URL's query, and checking them.

Plain Python (no Streamlit), so a test can say "this query gives this setting and this notice".
"""

from __future__ import annotations

from collections.abc import Mapping

from core import format as fmt
from core.contract import BundleSpec, OperatingPoint

POINT_KEYS = ("threshold", "min_confidence")


def _share(raw: str | None) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return round(value, 2) if 0.0 <= value <= 1.0 else None


def point_from_query(query: Mapping[str, str], spec: BundleSpec) -> tuple[OperatingPoint, list[str]]:
    """The operating point a link asks for, falling back to the bundle's own, with notices."""
    default = spec.operating_point
    chosen = {"threshold": default.threshold, "min_confidence": default.min_confidence}
    notices = []
    names = {"threshold": "decision threshold", "min_confidence": "confidence needed to act"}
    for key in POINT_KEYS:
        if key not in query or (key == "threshold" and spec.task != "binary"):
            continue
        value = _share(query[key])
        if value is None:
            notices.append(
                f"The link asked for a {names[key]} of '{query[key]}', which is not a number from 0 to 1, "
                f"so the bundle's own setting ({fmt.percent(chosen[key])}) is used."
            )
        else:
            chosen[key] = value
    return OperatingPoint(**chosen), notices


def point_to_query(point: OperatingPoint, spec: BundleSpec) -> dict[str, str]:
    """The query that reopens a point; empty for regression, which always acts."""
    if spec.task == "regression":
        return {}
    query = {"min_confidence": f"{point.min_confidence:.2f}"}
    if spec.task == "binary":
        query["threshold"] = f"{point.threshold:.2f}"
    return query


EDIT_SEPARATOR, VALUE_SEPARATOR = "|", ":"


def edits_to_query(edits: dict[str, object]) -> str:
    """Edits as one query value: 'contract:one-year|monthly_charges:49.5'."""
    return EDIT_SEPARATOR.join(f"{name}{VALUE_SEPARATOR}{value}" for name, value in edits.items())


def edits_from_query(raw: str | None, features: list[str]) -> dict[str, str]:
    """Edits from a link, keeping only features the model has (values are checked by the page)."""
    edits = {}
    for part in (raw or "").split(EDIT_SEPARATOR):
        name, _, value = part.partition(VALUE_SEPARATOR)
        if name in features and value != "":
            edits[name] = value
    return edits
