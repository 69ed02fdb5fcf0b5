"""Links to exactly this view: reading view settings from a URL's query, and checking them.

Plain Python (no Streamlit), so a test can say "this query gives this setting and this notice".
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from core import format as fmt
from core.bundles import contract
from core.bundles.contract import BundleSpec, OperatingPoint

POINT_KEYS = ("threshold", "min_confidence")
CONTROL_RANGES, NAMES = contract.CONTROL_RANGES, contract.CONTROL_NAMES


def _share(raw: str | None) -> float | None:
    """A share from 0 to 1 given as text, rounded to the controls' step; None if it is not one."""
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        return None
    if not 0.0 <= value <= 1.0:  # also refuses nan and inf
        return None
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _quoted(raw: object) -> str:
    return fmt.clean(raw, limit=40)


def point_from_query(query: Mapping[str, str], spec: BundleSpec) -> tuple[OperatingPoint, list[str]]:
    """The operating point a link asks for, falling back to the bundle's own, with notices."""
    default, notices = spec.operating_point, []
    chosen = {"threshold": default.threshold, "min_confidence": default.min_confidence}
    for key in POINT_KEYS:
        if key not in query or (key == "threshold" and spec.task != "binary"):
            continue
        value = _share(query[key])
        if value is None:
            notices.append(
                f"The link asked for a {NAMES[key]} of '{_quoted(query[key])}', which is not a number from 0 to 1, "
                f"so the bundle's own setting ({fmt.percent(chosen[key])}) is used."
            )
        else:
            chosen[key] = value
    point, moved = contract.control_point(OperatingPoint(**chosen))
    return point, notices + moved


def slide_from_query(raw: str | None, count: int) -> tuple[int, str | None]:
    """The slide number a link asks for (1 to count), else 1 with a notice.

    >>> slide_from_query("3", 6), slide_from_query("²", 6)[0], slide_from_query(None, 6)
    ((3, None), 1, (1, None))
    """
    if raw is None:
        return 1, None
    text = str(raw).strip()
    if text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= count:
        return int(text), None
    return 1, f"The link asked for slide '{_quoted(raw)}', but there are slides 1 to {count}, so slide 1 is shown."


AUDIENCES = ("Plain", "Technical")


def audience_from_query(raw) -> tuple[str, str | None]:
    """The audience a link asks for (`plain` or `technical`, any case), else Plain with a notice.

    >>> audience_from_query("technical"), audience_from_query(None)
    (('Technical', None), ('Plain', None))
    """
    if raw is None or not str(raw).strip():
        return AUDIENCES[0], None
    wanted = str(raw).strip().capitalize()
    if wanted in AUDIENCES:
        return wanted, None
    return AUDIENCES[0], (
        f"The link asked for the audience '{_quoted(raw)}', but there are only Plain and Technical, so Plain is shown."
    )


def compared_instead(asked, shown: str | None) -> str:
    """The notice for a link that names a model to compare with that cannot be shown: the model
    shown instead (its title), or that no model can be compared."""
    instead = f"{fmt.clean(shown, limit=60)} is shown, the first that can be" if shown else "none is shown"
    return (
        f"The link asked to compare with '{_quoted(asked)}', which is not a model on the same rows here, so {instead}."
    )


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


def not_found(what: str, asked, instead: str) -> str:
    """The notice for a link that names something this model does not have: what was asked, and
    what is shown instead."""
    from core import format as fmt

    return (
        f"The link asked for {what} '{fmt.clean(str(asked), limit=40)}', which this model does not have, so {instead}."
    )


def unknown_edits(raw: str | None, features: list[str]) -> list[str]:
    """Features named in a link's edits that the model does not have."""
    names = [part.partition(VALUE_SEPARATOR)[0] for part in (raw or "").split(EDIT_SEPARATOR) if part]
    return [n for n in names if n not in features]


def edits_from_query(raw: str | None, features: list[str]) -> dict[str, str]:
    """Edits from a link, keeping only features the model has (values are checked by the page)."""
    edits = {}
    for part in (raw or "").split(EDIT_SEPARATOR):
        name, _, value = part.partition(VALUE_SEPARATOR)
        if name in features and value != "":
            edits[name] = value
    return edits


def is_token(raw) -> bool:
    """Whether a link's value can name a shared presentation: 6 to 32 URL-safe characters.

    >>> is_token("a1B2-c3_d4"), is_token("x"), is_token("<script>")
    (True, False, False)
    """
    text = str(raw)
    return 6 <= len(text) <= 32 and text.isascii() and all(c.isalnum() or c in "-_" for c in text)


def room_name(asked, presenter: bool) -> str | None:
    """The shared presentation this window belongs to: the one the link names (when it can name
    one), a new one for a presenter's view without one, else none."""
    if asked is not None and is_token(asked):
        return str(asked)
    return secrets.token_urlsafe(9) if presenter else None
