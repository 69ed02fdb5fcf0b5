"""Plain-language findings, generated from computed results.

Each finding has a stable code, a severity, one sentence and the numbers it used, so a test can
check "given these numbers, this sentence" and a page shows the findings that apply, worst first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import format as fmt
from core.contract import BundleSpec
from core.metrics import Kpis

INFO, NOTE, WARNING = 0, 1, 2


@dataclass(frozen=True)
class Finding:
    code: str
    severity: int
    sentence: str
    numbers: dict[str, float] = field(default_factory=dict)


def value_clause(k: Kpis, spec: BundleSpec) -> str:
    """'it is worth about $44,580 a month more than having people handle every customer'."""
    business = spec.business
    if k.net_per_period is not None:
        amount, when = k.net_per_period, fmt.per(business.per) or "each period"
    else:
        amount, when = k.net_per_case, f"per {spec.subject}"
    people = f"having people handle every {spec.subject}"
    shown = fmt.money(abs(amount), business.currency)
    if shown.lstrip("-$€£¥₹").rstrip(" " + business.currency) in ("0", "0.00"):
        return f"it is worth about the same as {people}"
    if amount > 0:
        return f"it is worth about {shown} {when} more than {people}"
    return f"it loses about {shown} {when} compared with {people}"


def headline(k: Kpis, spec: BundleSpec) -> Finding:
    """Accuracy, coverage and value in one sentence, never accuracy alone."""
    subjects = spec.subjects
    numbers = {
        "coverage": k.coverage,
        "accuracy_acted": k.accuracy_acted,
        "net_per_period": k.net_per_period if k.net_per_period is not None else k.net_per_case,
    }
    if k.acted == 0:
        sentence = (
            f"At this setting the model acts on none of the {fmt.count(k.n)} {subjects}: "
            f"people handle every one, so it adds no value yet."
        )
        return Finding("headline", WARNING, sentence, numbers)
    if spec.task == "regression":
        tolerance = spec.tolerance
        within = (
            f"within {tolerance.absolute:g} {_unit(spec, tolerance.absolute)}"
            if tolerance.absolute is not None
            else f"within {fmt.percent(tolerance.relative)} of the truth"
            if tolerance.relative is not None
            else "exactly right"
        )
        reach = (
            ""
            if k.coverage >= 0.995
            else f" It covers {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)})."
        )
        sentence = (
            f"The estimate is {within} for {fmt.frequency(k.accuracy_acted)} {subjects} "
            f"({fmt.percent(k.accuracy_acted)}).{reach} At this setting {value_clause(k, spec)}."
        )
    else:
        sentence = (
            f"The model acts on {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)}) and is right "
            f"{fmt.frequency(k.accuracy_acted)} times ({fmt.percent(k.accuracy_acted)}) when it acts; "
            f"at this setting {value_clause(k, spec)}."
        )
    worth = k.net_per_period if k.net_per_period is not None else k.net_per_case
    return Finding("headline", WARNING if worth < 0 else INFO, sentence[0].upper() + sentence[1:], numbers)


def out_of_scope(k: Kpis, spec: BundleSpec) -> Finding | None:
    """Real cases the model was never built for: the part accuracy does not show."""
    unseen = 1 - k.scope_coverage
    if unseen < 0.01:
        return None
    sentence = (
        f"{fmt.frequency(unseen).capitalize()} {spec.subjects} ({fmt.percent(unseen)}) ask for something the "
        f"model was never trained on, so its {fmt.percent(k.accuracy_in_scope)} accuracy in tests "
        f"describes only the rest."
    )
    return Finding(
        "out_of_scope",
        WARNING if unseen >= 0.1 else NOTE,
        sentence,
        {"out_of_scope": unseen, "accuracy_in_scope": k.accuracy_in_scope},
    )


def _unit(spec: BundleSpec, amount: float) -> str:
    """The target's unit, read from its name ('delivery_hours' -> hours), singular for 1."""
    unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
    unit = unit if unit in ("hours", "minutes", "days", "weeks", "km", "kg") else "units"
    return unit[:-1] if amount == 1 and unit.endswith("s") else unit


def summary(k: Kpis, spec: BundleSpec) -> list[Finding]:
    """The findings that apply at one operating point, most important first."""
    others = [f for f in (out_of_scope(k, spec),) if f is not None]
    return [headline(k, spec), *sorted(others, key=lambda f: -f.severity)]
