"""The model card: the team's words set beside the facts the app computed, with gaps shown as gaps."""

from __future__ import annotations

from dataclasses import dataclass

from core import format as fmt
from core.bundles.contract import BundleSpec

CARD_FIELDS = {
    "intended_use": "Intended use",
    "not_for": "Not for",
    "training_data": "Training data",
    "limitations": "Limitations",
    "ethical_considerations": "Ethical considerations",
}


@dataclass(frozen=True)
class CardSection:
    key: str
    title: str
    text: str | None  # None: the team has not written it yet

    @property
    def missing(self) -> bool:
        return not self.text


def sections(spec: BundleSpec) -> list[CardSection]:
    """Every card field in a fixed order; empty or absent ones are gaps to fill."""
    return [CardSection(key, title, (spec.card.get(key) or "").strip() or None) for key, title in CARD_FIELDS.items()]


def missing_fields(spec: BundleSpec) -> list[str]:
    return [s.title for s in sections(spec) if s.missing]


def gap_sentence(spec: BundleSpec) -> str | None:
    missing = missing_fields(spec)
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    return (
        f"The team has not yet written {len(missing)} of the {len(CARD_FIELDS)} parts of this card: {listed}. "
        f"Add them under `card:` in bundle.yaml."
    )


def scores_source(spec: BundleSpec) -> str:
    """Where the model's answers come from, in words."""
    if spec.predictions_only:
        columns = [spec.prediction_column] if spec.prediction_column else [c for _, c in spec.prediction_columns]
        shown = ", ".join(columns[:4]) + (f" and {len(columns) - 4} more" if len(columns) > 4 else "")
        return f"given with the test {spec.subjects} ({shown}); without the model itself, its reasons cannot be shown"
    return spec.calibration or "worked out here by the model itself"


def facts(
    spec: BundleSpec,
    rows: int,
    headline,
    drivers: list[str] | None,
    weak: list[str],
    unseen: float | None,
    point_words: str,
    groups: str | None = None,
) -> list[tuple[str, str]]:
    """The computed facts, as (name, value) pairs, each from the app's own figures (`drivers`
    None: the explanations are still being worked out)."""
    k, r = headline.kpis, headline.ranges
    net = r.net_per_period if r.net_per_period is not None else r.net_per_case
    when = fmt.per(spec.business.per) if spec.business.volume is not None else f"per {spec.subject}"
    money = lambda x: fmt.money(x, spec.business.currency)  # noqa: E731
    found = [
        ("Evaluated on", f"{fmt.count(rows)} held-out {spec.subjects}"),
        ("Version and date", " · ".join(x for x in (spec.version, spec.created) if x) or "not given"),
        ("Owner", spec.owner or "not given"),
        ("Setting", f"the model {point_words}"),
        (
            "Within tolerance" if spec.task == "regression" else "Right when it acts",
            f"{fmt.percent(k.accuracy_acted)} (95% range {fmt.percent(r.accuracy_acted.low)} to "
            f"{fmt.percent(r.accuracy_acted.high)}, n = {fmt.count(r.accuracy_acted.n)})",
        ),
        (
            "Coverage",
            f"{fmt.percent(k.coverage)} (95% range {fmt.percent(r.coverage.low)} to {fmt.percent(r.coverage.high)})",
        ),
        (
            "Net value",
            f"{money(net.value)} {when} (95% range {money(net.low)} to {money(net.high)})"
            if spec.business.is_set
            else "not set: no business values in bundle.yaml",
        ),
        ("Relies most on", "being worked out" if drivers is None else ", ".join(drivers) or "not computed"),
        ("Its answers", scores_source(spec)),
        ("Known weak groups", "; ".join(weak) if weak else "none stands out"),
    ]
    if groups is not None:
        found.append((f"Errors by {', '.join(spec.label(c).lower() for c in spec.groups)}", groups))
    if unseen is not None:
        found.append(("Never trained on", f"{fmt.percent(unseen)} of real {spec.subjects}"))
    return found
