"""Since launch: real traffic against the test figures, in words."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.words.narrative.findings import INFO, NOTE, WARNING, Finding, _lower, _money, _n, shown_value
from core.words.narrative.titles import number_word


def traffic_acts(share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """The share it acts on left the range a period of that size shows when nothing has changed."""
    way = "fewer" if share < test else "more"
    return Finding(
        "traffic_acts",
        WARNING,
        f"Since {when}, the model acts on {way} {spec.subjects} itself: {fmt.percent(share)}, "
        f"against {fmt.percent(test)} in the tests.",
        {"share": share, "test": test},
        "Outside the 95% range for a period of that many requests, two periods running or more.",
    )


def traffic_accuracy(accuracy: float, test: float, when: str, spec: BundleSpec, estimated: bool) -> Finding:
    """Accuracy on real requests (or its estimate from the model's confidence) left its range."""
    way = "less" if accuracy < test else "more"
    lead = "Going by its own confidence, since" if estimated else "Since"
    about = "about " if estimated else ""
    sentence = (
        f"{lead} {when} it is right {way} often when it acts: {about}{fmt.percent(accuracy)}, "
        f"against {fmt.percent(test)} in the tests."
    )
    if estimated:
        sentence += " The real outcomes have not come in yet."
    technical = (
        "Confidence-based estimate: the mean confidence of the cases it acted on, shown because its "
        "confidence held in the tests."
        if estimated
        else "Accuracy on acted requests whose outcome has arrived, outside its 95% range."
    )
    return Finding("traffic_accuracy", WARNING, sentence, {"accuracy": accuracy, "test": test}, technical)


def traffic_median(
    label: str, feature: str, now: float | None, test: float, when: str, spec: BundleSpec
) -> Finding | None:
    """A number input that moved: its median now against the test data's."""
    if now is None:
        return None
    way = "higher" if now > test else "lower"
    return Finding(
        "traffic_input",
        NOTE,
        f"Since {when}, the {_lower(label)} is {way}: half are above {shown_value(round(now, 2), feature, spec)}, "
        f"against {shown_value(round(test, 2), feature, spec)} in the test data.",
        {"now": round(now, 2), "test": round(test, 2)},
        f"Population stability index of {PSI_WORDS} or more over tenths of the test data, two periods running.",
    )


def traffic_level(label: str, level: str, share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """A category input that moved: the value that grew most."""
    if level == "something new":
        sentence = (
            f"Since {when}, {fmt.percent(share)} of {spec.subjects} have a {_lower(label)} the test data never had."
        )
    elif level == "missing":
        sentence = (
            f"Since {when}, the {_lower(label)} is missing for {fmt.percent(share)} of {spec.subjects}, "
            f"against {fmt.percent(test)} in the test data."
        )
    else:
        sentence = (
            f"Since {when}, more {spec.subjects} have {_lower(label)} '{level}': {fmt.percent(share)}, "
            f"against {fmt.percent(test)} in the test data."
        )
    return Finding(
        "traffic_input",
        NOTE,
        sentence,
        {"share": share, "test": test},
        f"Population stability index of {PSI_WORDS} or more over its values, two periods running.",
    )


PSI_WORDS = "0.2"


def traffic_value(net: float, test: float, when: str, period: str, spec: BundleSpec) -> Finding:
    """Net value per period left the range of what that many requests were worth in the tests."""
    way = "less" if net < test else "more"
    return Finding(
        "traffic_value",
        WARNING if net < test else NOTE,
        f"Since {when}, it is worth {way}: about {_money(net, spec)} a {period}, against "
        f"{_money(test, spec)} for that many {spec.subjects} in the tests.",
        {"net": net, "test": test},
        "Realised value where outcomes arrived, expected from the model's chances where not; outside its 95% range.",
    )


def traffic_answers(what: str, share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """What the model says moved: the answer that grew most since the change."""
    return Finding(
        "traffic_answers",
        WARNING,
        f"Since {when}, the model {what} more {spec.subjects}: {fmt.percent(share)}, "
        f"against {fmt.percent(test)} in the tests.",
        {"share": share, "test": test},
        f"Population stability index of its answers of {PSI_WORDS} or more, two periods running.",
    )


def traffic_steady(requests: int, periods: int, period: str, spec: BundleSpec) -> Finding:
    return Finding(
        "traffic_steady",
        INFO,
        f"Nothing has changed beyond normal variation since launch: {_n(requests, spec)} over "
        f"{fmt.count(periods)} {period}{'s' if periods != 1 else ''}.",
        {"requests": requests, "periods": periods},
    )


def traffic_line(result, spec: BundleSpec) -> Finding:
    """One line for every summary: how much traffic, what it acts on, and whether anything moved."""
    periods = len(result.periods)
    share = float(result.periods["acted"].sum() / max(result.requests, 1))
    test = float(result.periods["test_act"].iloc[0]) if periods else float("nan")
    moved = len(result.findings)
    tail = (
        "Nothing has changed beyond normal variation."
        if not moved
        else f"{number_word(moved)} {'thing has' if moved == 1 else 'things have'} changed beyond normal variation."
    )
    return Finding(
        "traffic_line",
        WARNING if moved else INFO,
        f"Since launch: {_n(result.requests, spec)} over {fmt.count(periods)} {result.period}"
        f"{'s' if periods != 1 else ''}, and it acts on {fmt.percent(share)} of them ({fmt.percent(test)} in the tests). "
        + tail,
        {"requests": result.requests, "periods": periods, "share": share, "test": test, "moved": moved},
    )
