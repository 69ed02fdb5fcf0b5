"""Who bears the errors, in plain words: a gap between groups of people, a group too small to judge,
and the setting that narrows the largest gap."""

from __future__ import annotations

import math

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.words.narrative.findings import NOTE, WARNING, Finding

RATE_WORDS = {
    "wrongly_flagged": "Wrongly flagged",
    "missed": "Missed",
    "wrong_route": "Sent to the wrong place",
    "outside_tolerance": "Outside the tolerance",
}


def _first_up(text: str) -> str:
    """Capitalised at the start only (str.capitalize would lower a name further on)."""
    return text[:1].upper() + text[1:]


def who(column: str, group: str, spec: BundleSpec) -> str:
    """A group of people in words: 'customers whose age is 60 and over', 'customers whose region is North'."""
    return f"{spec.subjects} whose {spec.label(column).lower()} is {spec.value_name(group)}"


def _times(ratio: float) -> str:
    return "twice as often as" if round(ratio, 1) == 2.0 else f"{ratio:.1f} times as often as"


def _extra(gap, spec: BundleSpec, what: str = "") -> str:
    """'That is about 340 more a month' (or of the test cases, without a volume)."""
    count = fmt.count(round(gap.extra))
    what = f" {what}" if what else ""
    if spec.business.volume:
        return f"That is about {count} more{what} {fmt.per(spec.business.per)}"
    return f"That is about {count} more{what} among the test {spec.subjects}"


def _cost(gap, spec: BundleSpec) -> str:
    if gap.cost is None or not spec.business.is_set:
        return ""
    when = fmt.per(spec.business.per) if spec.business.volume else "on the test cases"
    return f", which costs about {fmt.money(gap.cost, spec.business.currency)} {when}"


def gap_finding(gap, spec: BundleSpec, looked_at: int) -> Finding:
    """A gap beyond the noise in short sentences: who, how much more often, and what it costs."""
    label = spec.label(gap.column).lower()
    worse, better = spec.value_name(gap.worse), spec.value_name(gap.better)
    pw, pb = fmt.percent(gap.worse_rate.value), fmt.percent(gap.better_rate.value)
    than = f"those whose {label} is {better}"
    often = f"while none of {than} are" if math.isinf(gap.ratio) else f"{_times(gap.ratio)} {than}"
    first = f"{_first_up(spec.subjects)} whose {label} is {worse}"
    if gap.metric == "wrongly_flagged":
        sentence = f"{first} are wrongly flagged {often} ({pw} against {pb}). {_extra(gap, spec)}{_cost(gap, spec)}."
    elif gap.metric == "missed":
        event = spec.event or "had the outcome"
        sentence = (
            f"The model misses {pw} of the {spec.subjects} who {event} when their {label} is {worse}, and {pb} when "
            f"it is {better}. {_extra(gap, spec, 'missed')}{_cost(gap, spec)}."
        )
    elif gap.metric == "wrong_route":
        sentence = (
            f"{first} are sent to the wrong place {often} ({pw} against {pb} of those it acts on). "
            f"{_extra(gap, spec)}{_cost(gap, spec)}."
        )
    else:
        sentence = (
            f"Estimates for {spec.subjects} whose {label} is {worse} miss the tolerance {often} ({pw} against {pb}). "
            f"{_extra(gap, spec)}."
        )
    technical = (
        f"Difference {gap.difference * 100:.1f} points, range {gap.low * 100:.1f} to {gap.high * 100:.1f} "
        f"(Newcombe, 99.9% for the {looked_at} gaps compared together); n = {gap.worse_rate.n:,} and "
        f"{gap.better_rate.n:,}."
    )
    return Finding(
        "group_gap",
        WARNING if gap.difference >= 2 * spec.group_min_gap else NOTE,
        sentence,
        {
            "worse": gap.worse_rate.value,
            "better": gap.better_rate.value,
            "ratio": gap.ratio,
            "extra": gap.extra,
            **({"cost": gap.cost} if gap.cost is not None else {}),
        },
        technical,
    )


def too_small(column: str, groups: list[tuple[str, int]], spec: BundleSpec) -> str | None:
    """'Too few customers to judge: age 80 and over (12 customers).'"""
    if not groups:
        return None
    named = ", ".join(f"{spec.value_name(g)} ({fmt.counted(n, spec.subject, spec.subjects)})" for g, n in groups)
    return f"Too few {spec.subjects} to judge by {spec.label(column).lower()}: {named}."


def no_gap(spec: BundleSpec, columns: list[str]) -> str:
    """Said when every gap is within the noise or smaller than the team's minimum."""
    labels = [spec.label(c).lower() for c in columns]
    named = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
    return (
        f"No group by {named} gets more of the errors beyond the noise. Every gap is within its range or under "
        f"{spec.group_min_gap * 100:g} points."
    )


def _an(shown: str) -> str:
    """The article before a number as it is read aloud: 'an 11% chance', 'a 50% chance'."""
    return "an" if shown.startswith(("8", "11", "18")) else "a"


def narrowing(suggestion, spec: BundleSpec) -> str:
    """The setting that narrows the largest gap at the least cost, in words."""
    label = spec.label(suggestion.gap.column).lower()
    worse = spec.value_name(suggestion.gap.worse)
    change = suggestion.value_change
    if not spec.business.is_set or not spec.business.volume:
        money = "No business values are set to weigh what that costs."
    elif change < 0:
        money = f"It would cost about {fmt.money(-change, spec.business.currency)} {fmt.per(spec.business.per)}."
    else:
        money = f"It would also be worth about {fmt.money(change, spec.business.currency)} more {fmt.per(spec.business.per)}."
    shown = fmt.percent(suggestion.threshold)
    return (
        f"Flagging from {_an(shown)} {shown} chance instead of {fmt.percent(suggestion.now)} would cut the gap for "
        f"{label} {worse} from {suggestion.gap_before * 100:.0f} to {suggestion.gap_after * 100:.0f} points. {money}"
    )


def groups_title(gap, spec: BundleSpec) -> Finding:
    """The groups slide's title: who bears more of the errors, or that no group does."""
    from core.words.narrative.titles import slide_title

    if gap is None:
        return slide_title("groups", "No group bears more of its errors beyond the noise")
    return slide_title(
        "groups", f"{_first_up(who(gap.column, gap.worse, spec))} bear more of its errors", {"gap": gap.difference}
    )


def card_line(assessed, spec: BundleSpec) -> str:
    """The model card's fact on groups: the largest gap, or that none stands out, and who is too few to judge."""
    if assessed.gaps:
        gap = assessed.gaps[0]
        said = (
            f"{RATE_WORDS[gap.metric]} {fmt.percent(gap.worse_rate.value)} for {spec.label(gap.column).lower()} "
            f"{spec.value_name(gap.worse)} against {fmt.percent(gap.better_rate.value)} for "
            f"{spec.value_name(gap.better)}"
        )
    else:
        said = "no gap beyond the noise"
    small = [f"{spec.value_name(g)}" for column in spec.groups for g, _ in assessed.small.get(column, [])]
    return said + (f"; too few to judge: {', '.join(small)}" if small else "")


def group_spread(found, spec: BundleSpec) -> str:
    """For a technical reader: each rate's difference and ratio between the worst- and best-treated
    group large enough to judge, and the parity differences (Fairlearn's definitions)."""
    parts = []
    for metric in found.rates:
        spread = found.spread(metric)
        if spread is None:
            continue
        best, worst, difference, ratio = spread
        times = "no errors in the best group" if math.isinf(ratio) else f"ratio {ratio:.2f}"
        parts.append(
            f"{RATE_WORDS[metric]}: {spec.value_name(worst)} against {spec.value_name(best)}, difference "
            f"{difference * 100:.1f} points, {times}"
        )
    if found.parity:
        parts.append(
            f"demographic parity difference {found.parity['demographic_parity']:.3f}, equalized odds difference "
            f"{found.parity['equalized_odds']:.3f} (Fairlearn's definitions, with the model's own flags)"
        )
    return _first_up("; ".join(parts) + ".") if parts else ""
