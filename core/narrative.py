"""Plain-language findings, generated from computed results.

Each finding has a stable code, a severity, one sentence and the numbers it used, so a test can
check "given these numbers, this sentence" and a page shows the findings that apply, worst first.
"""

from __future__ import annotations

import numbers
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


# --- the operating point --------------------------------------------------------------------

SMALL_N = 100


def people(k: Kpis, spec: BundleSpec) -> Finding:
    """The operating point in people: "Of 20,000 customers a month, the model acts on 17,400..."."""
    business = spec.business
    if business.volume is not None:
        scale, lead = business.volume / k.n, f"Of {fmt.count(business.volume)} {spec.subjects} {fmt.per(business.per)}"
    else:
        scale, lead = 1.0, f"Of the {fmt.count(k.n)} test {spec.subjects}"
    acts, person = k.acted * scale, (k.n - k.acted) * scale
    unseen = (k.n - k.in_scope) * scale
    if k.acted == k.n:
        sentence = f"{lead}, the model handles all {fmt.count(acts)} itself"
    else:
        sentence = f"{lead}, the model acts on {fmt.count(acts)} itself and hands {fmt.count(person)} to a person"
    if unseen >= 0.5:
        sentence += f"; {fmt.count(unseen)} ask for something it was never trained on"
    return Finding("people", INFO, sentence + ".", {"acts": acts, "to_person": person, "unseen": unseen})


def describe_point(point, task: str) -> str:
    act = f"acts when at least {fmt.percent(point.min_confidence)} sure" if point.min_confidence > 0 else "always acts"
    if task == "binary":
        return f"flags a case from a {fmt.percent(point.threshold)} chance and {act}"
    return act


def best_point(best, current: Kpis, current_point, spec: BundleSpec) -> Finding:
    """Where net value peaks, and how far the current setting is from it."""
    per_period = best.net_per_period is not None
    best_value = best.net_per_period if per_period else best.net_per_case
    now_value = current.net_per_period if per_period else current.net_per_case
    when = fmt.per(spec.business.per) if per_period else f"per {spec.subject}"
    money = lambda x: fmt.money(x, spec.business.currency)  # noqa: E731
    gap = best_value - now_value
    numbers = {
        "best_value": best_value,
        "gap": gap,
        "threshold": best.point.threshold,
        "min_confidence": best.point.min_confidence,
    }
    if gap <= max(abs(best_value) * 0.005, 0.005):
        return Finding("best_point", INFO, "This is already the setting with the highest net value.", numbers)
    sentence = (
        f"Net value is highest, about {money(best_value)} {when}, when the model "
        f"{describe_point(best.point, spec.task)}: {money(gap)} {when} more than now."
    )
    return Finding("best_point", NOTE, sentence, numbers)


def small_sample(ranges, spec: BundleSpec) -> Finding | None:
    """A caution when few cases stand behind the accuracy figure, or its range is wide."""
    estimate = ranges.accuracy_acted
    if estimate.n >= SMALL_N and not (estimate.high - estimate.low > 0.2):
        return None
    sentence = (
        f"Only {fmt.count(estimate.n)} {spec.subjects if estimate.n != 1 else spec.subject} stand behind "
        f"the accuracy figure (it could be anywhere from {fmt.percent(estimate.low)} to "
        f"{fmt.percent(estimate.high)}), so treat it as a rough guide."
    )
    if estimate.n == 0:
        sentence = "No cases stand behind the accuracy figure at this setting, so there is nothing to judge it by."
    return Finding("small_sample", WARNING, sentence, {"n": estimate.n, "low": estimate.low, "high": estimate.high})


# --- where it works and where it fails ------------------------------------------------------


def binary_outcomes(o, spec: BundleSpec) -> Finding:
    """ "Of the 1,172 customers who cancelled, the model flagged 482..." """
    event = spec.event or f"had {spec.target} = {spec.positive_class}"
    sentence = (
        f"Of the {fmt.count(o.events)} {spec.subjects} who {event}, the model flagged {fmt.count(o.flagged)}, "
        f"missed {fmt.count(o.missed)} and handed {fmt.count(o.to_person)} to a person; it also flagged "
        f"{fmt.count(o.false_alarms)} of the {fmt.count(o.non_events)} who did not."
    )
    return Finding(
        "outcomes",
        INFO,
        sentence,
        {
            "events": o.events,
            "flagged": o.flagged,
            "missed": o.missed,
            "to_person": o.to_person,
            "false_alarms": o.false_alarms,
        },
    )


def calibration(example, gap: float) -> Finding | None:
    """ "When it says about 78%, it is right about 75% of the time." """
    if example is None:
        return None
    said, right = float(example["stated"]), float(example["observed"])
    sentence = f"When the model says it is about {fmt.percent(said)} sure, it is right {fmt.percent(right)} of the time"
    if gap < 0.03:
        return Finding(
            "calibration",
            INFO,
            sentence + ": its confidence can be taken at face value.",
            {"stated": said, "observed": right, "gap": gap},
        )
    tone = "more sure of itself than it should be" if right < said else "less sure of itself than it could be"
    return Finding(
        "calibration",
        WARNING if gap >= 0.1 else NOTE,
        f"{sentence}: it is {tone}, off by {fmt.percent(gap)} on average.",
        {"stated": said, "observed": right, "gap": gap},
    )


def weakest_segment(row, column_label: str, overall: Kpis, spec: BundleSpec, min_gap: float = 0.02) -> Finding | None:
    """The weakest segment, when it trails the whole by at least `min_gap` (2 points)."""
    if row is None or not overall.accuracy_acted - row["accuracy_acted"] >= min_gap:
        return None
    sentence = (
        f"It is weakest for {column_label} {row['segment']}: right {fmt.percent(row['accuracy_acted'])} of the "
        f"time when it acts, against {fmt.percent(overall.accuracy_acted)} overall "
        f"({fmt.count(row['acted'])} {spec.subjects} acted on)."
    )
    severity = WARNING if overall.accuracy_acted - row["accuracy_acted"] >= 0.05 else NOTE
    return Finding(
        "weakest_segment",
        severity,
        sentence,
        {"accuracy": float(row["accuracy_acted"]), "overall": overall.accuracy_acted, "n": int(row["acted"])},
    )


def unseen_requests(table, spec: BundleSpec, top: int = 3) -> Finding | None:
    if table is None or table.empty:
        return None
    head = table.head(top)
    worth = (
        float(head["worth_per_period"].sum())
        if spec.business.volume is not None
        else float(head["worth_per_case"].sum())
    )
    when = fmt.per(spec.business.per) if spec.business.volume is not None else f"per {spec.subject}"
    names = ", ".join(f"{r.label} ({fmt.percent(r.share)})" for r in head.itertuples())
    sentence = (
        f"The largest requests it was never trained on are {names} of all {spec.subjects}. Teaching it these "
        f"{len(head)}, if it then handled them as well as the rest, would be worth about "
        f"{fmt.money(worth, spec.business.currency)} {when}."
    )
    return Finding("unseen_requests", NOTE, sentence, {"worth": worth, "top_share": float(head["share"].sum())})


def regression_errors(summary, spec: BundleSpec) -> Finding:
    tolerance = spec.tolerance.absolute
    within = f"within {tolerance:g} {_unit(spec, tolerance)}" if tolerance is not None else "within tolerance"
    typical = round(summary.median_abs_error, 2)
    sentence = (
        f"{fmt.percent(summary.within)} of estimates are {within}; a typical estimate is off by "
        f"{typical:.2f} {_unit(spec, typical)}"
    )
    if summary.cost_per_period is not None:
        sentence += (
            f", and errors cost about {fmt.money(abs(summary.cost_per_period), spec.business.currency)} "
            f"{fmt.per(spec.business.per)}"
        )
    return Finding("errors", INFO, sentence + ".", {"within": summary.within, "median": summary.median_abs_error})


def large_errors(table, column_label: str, spec: BundleSpec, large: float) -> Finding | None:
    """Where the estimates that miss by more than the tolerance concentrate."""
    if table is None or table.empty:
        return None
    top = table.iloc[0]
    if top["ratio"] < 1.5 or top["large"] < 10:
        return None
    sentence = (
        f"Misses of more than {large:g} {_unit(spec, large)} concentrate in {column_label} {top['segment']}: "
        f"{fmt.percent(top['share_of_rows'])} of {spec.subjects} but {fmt.percent(top['share_of_large'])} of "
        f"those misses ({top['ratio']:.1f} times the usual rate)."
    )
    return Finding(
        "large_errors",
        WARNING,
        sentence,
        {
            "share_of_rows": float(top["share_of_rows"]),
            "share_of_large": float(top["share_of_large"]),
            "ratio": float(top["ratio"]),
        },
    )


def target_unit(spec: BundleSpec, amount: float = 2.0) -> str:
    return _unit(spec, amount)


def curve_title(curve, control: str, current: float, spec: BundleSpec) -> str:
    """The trade-off chart's title: where net value peaks along this control, and where it is now."""
    column = "net_per_period" if spec.business.volume is not None else "net_per_case"
    top = curve.loc[curve[column].idxmax()]
    when = fmt.per(spec.business.per) if spec.business.volume is not None else f"per {spec.subject}"
    where = (
        f"a {fmt.percent(top[control])} decision threshold"
        if control == "threshold"
        else f"{fmt.percent(top[control])} confidence needed to act"
    )
    now = curve.iloc[(curve[control] - current).abs().argmin()]
    return (
        f"Net value peaks at {fmt.money(top[column], spec.business.currency)} {when} with {where} "
        f"(now {fmt.money(now[column], spec.business.currency)} at {fmt.percent(current)})"
    )


def segment_title(table, column_label: str, overall: Kpis) -> str:
    """A segment chart's title: the lowest and highest segment against the whole."""
    ranked = table.dropna(subset=["accuracy_acted"]).sort_values("accuracy_acted", kind="stable")
    if ranked.empty:
        return f"Right when it acts, by {column_label.lower()}"
    low, high = ranked.iloc[0], ranked.iloc[-1]
    return (
        f"By {column_label.lower()}: from {fmt.percent(low['accuracy_acted'])} right ({low['segment']}) to "
        f"{fmt.percent(high['accuracy_acted'])} ({high['segment']}); {fmt.percent(overall.accuracy_acted)} overall"
    )


def calibration_title(example) -> str:
    if example is None:
        return "Stated confidence against how often it was right"
    return (
        f"When it says {fmt.percent(float(example['stated']))}, it is right "
        f"{fmt.percent(float(example['observed']))} of the time"
    )


def histogram_title(summary, spec: BundleSpec) -> str:
    """The error histogram's title: where most estimates land, and which way they lean."""
    tolerance = spec.tolerance.absolute
    lean = f"{fmt.percent(summary.over_share)} are too high"
    if tolerance is None:
        return f"{fmt.percent(summary.over_share)} of estimates are too high"
    return f"{fmt.percent(summary.within)} of estimates land within {tolerance:g} {_unit(spec, tolerance)}; {lean}"


# --- explanations ---------------------------------------------------------------------------


def _amount(x: float, spec: BundleSpec) -> str:
    """A contribution as people read it: '+12 points' of chance, or '+0.40 hours'."""
    sign = "+" if x >= 0 else "−"
    if spec.task == "regression":
        return f"{sign}{abs(x):.2f} {_unit(spec, round(abs(x), 2))}"
    points = abs(x) * 100
    shown = f"{points:.0f}" if points >= 1 else f"{points:.1f}"
    return f"{sign}{shown} {'point' if shown == '1' else 'points'}"


def _what(spec: BundleSpec, output: str | None = None) -> str:
    if spec.task == "regression":
        return "the estimate"
    if spec.task == "multiclass":
        return f"the chance of {output}" if output else "the chance of the chosen answer"
    return "the predicted chance"


def _lower(label: str) -> str:
    """'Contract type' -> 'contract type', but leave acronyms and quoted words alone."""
    return label[:1].lower() + label[1:] if label[:1].isupper() and not label[1:2].isupper() else label


def shown_value(value, feature: str, spec: BundleSpec) -> str:
    """A feature's value with its unit: '21.6 km', '3 calls', 'month-to-month'."""
    if isinstance(value, float) and value != value:
        return "unknown"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
        info = spec.features.get(feature)
        return f"{text} {info.unit}" if info and info.unit and info.unit not in ("1 to 5",) else text
    return str(value)


def drivers(table, directions: dict[str, tuple[str, str]], spec: BundleSpec, output: str | None = None) -> Finding:
    """What the model relies on most, and which way the top features push."""
    top = table.head(3)
    names = [_lower(str(label)) for label in top["label"]]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    parts = []
    if not (spec.task == "multiclass" and output is None):  # directions only mean something for one answer
        for row in top.itertuples():
            way, detail = directions.get(row.feature, ("mixed", ""))
            if way in ("raises", "lowers"):
                parts.append(
                    f"the higher the {_lower(row.label)}, the {'higher' if way == 'raises' else 'lower'} "
                    f"{_what(spec, output)}"
                )
            elif way == "category" and detail:
                parts.append(f"{_lower(row.label)} '{detail}' raises {_what(spec, output)} the most")
    sentence = f"The model relies most on {listed}."
    if parts:
        text = "; ".join(parts)
        sentence += " " + text[0].upper() + text[1:] + "."
    return Finding("drivers", INFO, sentence, {"top": [float(v) for v in top["importance"]]})


def case_reasons(
    case_frame, base: float, predicted: float, spec: BundleSpec, output: str | None = None, reasons: int = 3
) -> Finding:
    """One case in words: its prediction against the model's starting point, and the biggest reasons."""
    if spec.task == "regression":
        unit = _unit(spec, 2)
        lead = (
            f"This {spec.subject}'s estimate is {predicted:.2f} {unit}, against a starting point of {base:.2f} "
            f"before the model looks at its details."
        )
    else:
        lead = (
            f"For this {spec.subject}, {_what(spec, output)} is {fmt.percent(predicted)}, "
            f"against a starting point of {fmt.percent(base)} before the model looks at its details."
        )
    named = case_frame[case_frame["feature"] != ""].head(reasons)
    items = [
        f"{_lower(row.label)} is {shown_value(row.value, row.feature, spec)} ({_amount(row.contribution, spec)})"
        for row in named.itertuples()
    ]
    sentence = lead + (" The biggest reasons: " + "; ".join(items) + "." if items else "")
    return Finding(
        "case",
        INFO,
        sentence,
        {"predicted": predicted, "base": base, "contributions": [float(c) for c in named["contribution"]]},
    )


def importance_title(table, spec: BundleSpec) -> str:
    """The importance chart's title: which feature moves predictions most, and by how much."""
    top = table.iloc[0]
    return f"{top['label']} moves predictions most: by {_amount(top['importance'], spec).lstrip('+')} on average"
