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


def who(column: str, group: str, spec: BundleSpec) -> str:
    """A group of people in words: 'customers whose age is 60 and over', 'customers whose region is North'."""
    return f"{spec.subjects} whose {spec.label(column).lower()} is {spec.value_name(group)}"


def _times(ratio: float) -> str:
    if math.isinf(ratio):
        return "while the other group never is"
    return "twice as often as" if round(ratio, 1) == 2.0 else f"{ratio:.1f} times as often as"


def _extra(gap, spec: BundleSpec) -> str:
    """'about 340 more of them a month' (or of the test cases, without a volume)."""
    count = fmt.count(round(gap.extra))
    if spec.business.volume:
        return f"about {count} more of them {fmt.per(spec.business.per)}"
    return f"about {count} more of the test {spec.subjects}"


def _cost(gap, spec: BundleSpec) -> str:
    if gap.cost is None or not spec.business.is_set:
        return ""
    when = fmt.per(spec.business.per) if spec.business.volume else "on the test cases"
    return f", which costs about {fmt.money(gap.cost, spec.business.currency)} {when}"


def gap_finding(gap, spec: BundleSpec, looked_at: int) -> Finding:
    """A gap beyond the noise as a sentence that says who, how much more often, and what it costs."""
    worse, better = who(gap.column, gap.worse, spec), who(gap.column, gap.better, spec)
    pw, pb = fmt.percent(gap.worse_rate.value), fmt.percent(gap.better_rate.value)
    if math.isinf(gap.ratio):
        how = f"{pw} of them, while none of {better} are"
    else:
        how = f"{_times(gap.ratio)} {better} ({pw} against {pb})"
    if gap.metric == "wrongly_flagged":
        sentence = f"{worse.capitalize()} are wrongly flagged {how}: {_extra(gap, spec)}{_cost(gap, spec)}."
    elif gap.metric == "missed":
        event = spec.event or "had the event"
        sentence = (
            f"Of {worse} who {event}, the model misses {pw}, against {pb} of {better}: {_extra(gap, spec)} "
            f"go unflagged{_cost(gap, spec)}."
        )
    elif gap.metric == "wrong_route":
        sentence = (
            f"{worse.capitalize()} are sent to the wrong place {how} of those the model acts on: "
            f"{_extra(gap, spec)}{_cost(gap, spec)}."
        )
    else:
        sentence = f"Estimates for {worse} are outside the tolerance {how}: {_extra(gap, spec)}."
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
    labels = ", ".join(spec.label(c).lower() for c in columns)
    return (
        f"No group of {spec.subjects} by {labels} is treated worse beyond the noise: every gap in its errors is "
        f"within its range or under {spec.group_min_gap * 100:.0f} points."
    )


def narrowing(suggestion, spec: BundleSpec) -> str:
    """The setting that narrows the largest gap at the least cost, in words."""
    worse = who(suggestion.gap.column, suggestion.gap.worse, spec)
    cost = suggestion.value_change
    money = (
        f"at a cost of about {fmt.money(-cost, spec.business.currency)} {fmt.per(spec.business.per)}"
        if cost < 0
        else f"and be worth about {fmt.money(cost, spec.business.currency)} more {fmt.per(spec.business.per)}"
    )
    if not spec.business.is_set or not spec.business.volume:
        money = "(no business values are set to weigh it)"
    return (
        f"Flagging from a {fmt.percent(suggestion.threshold)} chance instead of {fmt.percent(suggestion.now)} would "
        f"narrow the gap for {worse} from {suggestion.gap_before * 100:.0f} to {suggestion.gap_after * 100:.0f} "
        f"points, {money}."
    )
