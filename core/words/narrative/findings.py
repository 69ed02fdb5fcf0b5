"""A finding (code, severity, sentences, the numbers it used) and the word helpers every sentence uses."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis

INFO, NOTE, WARNING = 0, 1, 2
PLAIN, TECHNICAL = "Plain", "Technical"
SMALL_N = 100


@dataclass(frozen=True)
class Finding:
    code: str
    severity: int
    sentence: str
    numbers: dict[str, float] = field(default_factory=dict)
    technical: str = ""

    def text(self, audience: str = PLAIN) -> str:
        """The sentence, with the technical addendum for a technical audience."""
        return f"{self.sentence} {self.technical}".strip() if audience == TECHNICAL else self.sentence


def _unit(spec: BundleSpec, amount: float) -> str:
    """The target's unit, read from its name ('delivery_hours' -> hours), singular for 1."""
    unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
    unit = unit if unit in ("hours", "minutes", "days", "weeks", "km", "kg") else "units"
    return unit[:-1] if amount == 1 and unit.endswith("s") else unit


def _within(spec: BundleSpec) -> str:
    """What counts as right for an estimate: 'within 1 hour', 'within 10% of the truth', and 'the
    default' when bundle.yaml sets none ('within the default 10% of the truth')."""
    tolerance = spec.tolerance
    default = "the default " if tolerance.default else ""
    if tolerance.absolute is not None:
        return f"within {default}{tolerance.absolute:g} {_unit(spec, tolerance.absolute)}"
    if tolerance.relative is not None:
        return f"within {default}{fmt.percent(tolerance.relative)} of the truth"
    return "exactly right"


within_tolerance = _within  # the public name: what counts as right for an estimate, in words


def target_unit(spec: BundleSpec, amount: float = 2.0) -> str:
    return _unit(spec, amount)


def _lower(label: str) -> str:
    """'Contract type' -> 'contract type', but leave acronyms and quoted words alone."""
    return label[:1].lower() + label[1:] if label[:1].isupper() and not label[1:2].isupper() else label


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money(x: float, spec: BundleSpec) -> str:
    return fmt.money(x, spec.business.currency)


def _n(count: float, spec: BundleSpec) -> str:
    """'1 customer', '2,500 customers': a count of the bundle's subjects in the right number."""
    return fmt.counted(count, spec.subject, spec.subjects)


def _when(spec: BundleSpec) -> str:
    return fmt.per(spec.business.per) if spec.business.volume is not None else f"per {spec.subject}"


def net_worth(k: Kpis) -> float:
    return k.net_per_period if k.net_per_period is not None else k.net_per_case


def _range(estimate, show) -> str:
    if estimate is None or estimate.low != estimate.low:
        return ""
    return f"95% range {show(estimate.low)} to {show(estimate.high)}, n = {fmt.count(estimate.n)}"


def decimals(value: float) -> int:
    """How many decimals `shown_value` writes for a number (up to 2, trailing zeros dropped)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def shown_value(value, feature: str, spec: BundleSpec, digits: int | None = None) -> str:
    """A feature's value with its unit: '21.6 km', '3 calls', 'month-to-month'; `digits` fixes the
    decimals (two numbers set side by side are written alike: '0.40' beside '0.49')."""
    if value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>":
        return "unknown"
    info = spec.features.get(feature)
    if info is not None and info.kind == "text":  # a message: its start, quoted
        return f"“{fmt.clean(' '.join(str(value).split()), limit=28)}”"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if digits is not None:
            text = f"{value:,.{digits}f}"
        else:
            text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
        info = spec.features.get(feature)
        unit = info.unit if info and info.unit and info.unit not in ("1 to 5",) else None
        return fmt.quantity(float(value), unit, text)
    return spec.value_name(value)
