"""Since launch: real traffic against the test figures, in words."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.words.narrative.findings import INFO, NOTE, WARNING, Finding, _lower, _money, _n, decimals, shown_value
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
    digits = max(decimals(round(now, 2)), decimals(round(test, 2)))  # written alike: 0.40 against 0.49
    return Finding(
        "traffic_input",
        NOTE,
        f"Since {when}, the {_lower(label)} is {way}: half are above {shown_value(round(now, 2), feature, spec, digits)}, "
        f"against {shown_value(round(test, 2), feature, spec, digits)} in the test data.",
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


def traffic_text(
    label: str, share: float, test: float, rising: list[tuple], when: str, spec: BundleSpec, new_words=None
) -> Finding:
    """A text input that moved: the share of messages that look like nothing the model was trained
    on, how many of their words are new to it (`new_words`: now and in the tests, on average), the
    words rising most against the test data, and one real message."""
    way = "more" if share >= test else "fewer"
    sentences = [
        f"Since {when}, {way} {spec.subjects} look like nothing the model was trained on: {fmt.percent(share)}, "
        f"against {fmt.percent(test)} in the tests."
    ]
    numbers = {"share": share, "test": test}
    if new_words is not None:
        sentences.append(
            f"On average, {fmt.percent(new_words[0])} of the words in each {_lower(label)} are new to it, "
            f"against {fmt.percent(new_words[1])} in the tests."
        )
        numbers |= {"new_words": new_words[0], "new_words_test": new_words[1]}
    if rising:
        term, now, before, example = rising[0]
        others = [f"“{t}”" for t, *_ in rising[1:]]
        sentences.append(
            f"The words rising most: “{term}” ({fmt.percent(now)}, against {fmt.percent(before)} "
            f"in the tests){', then ' + ' and '.join(others) if others else ''}."
        )
        numbers |= {"term_now": now, "term_test": before}
        if example:
            sentences.append(f"For example: “{example}”")
    return Finding(
        "traffic_text",
        WARNING,
        " ".join(sentences),
        numbers,
        "A message looks like nothing it was trained on when a quarter or more of its words are ones the model's "
        "vectorizer never saw; words counted on up to 50,000 messages per batch.",
    )


def traffic_new_values(
    label: str, values: list[tuple[str, float]], share: float, when: str, spec: BundleSpec
) -> Finding:
    """A category input with values the test data never had, named."""
    named = [f"'{value}' ({fmt.percent(part)})" for value, part in values[:3]]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return Finding(
        "traffic_new_values",
        NOTE,
        f"Since {when}, {fmt.percent(share)} of {spec.subjects} have a {_lower(label)} the test data never had: {listed}.",
        {"share": share, **{f"value_{i}": part for i, (_, part) in enumerate(values[:3])}},
        "Values absent from the evaluation data, 1% of requests or more, two periods running.",
    )


def traffic_because(change: Finding, causes: list[Finding], when: str, period: str) -> Finding:
    """A change in what the model does, with the changes in what comes in that began with it."""
    lead = f"Since {when}, "
    said = []
    for cause in causes:
        rest = cause.sentence[len(lead) :] if cause.sentence.startswith(lead) else cause.sentence
        said.append(rest[0].upper() + rest[1:])
    numbers = dict(change.numbers)
    for i, cause in enumerate(causes):
        numbers |= {f"cause{i}_{k}": v for k, v in cause.numbers.items()}
    return Finding(
        change.code,
        change.severity,
        f"{change.sentence} What came in changed in the same {period}s. " + " ".join(said),
        numbers,
        change.technical,
    )


def how_much_moved(psi: float) -> str:
    """A stability index in words, for readers who do not use it: the bands drift monitoring uses
    (under 0.1 small, 0.1 to 0.2 moderate, 0.2 or more a shift worth acting on)."""
    if psi < 0.1:
        return "a small change"
    if psi < 0.2:
        return "a moderate change"
    return "a large change" if psi < 0.5 else "a very large change"


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


FIGURES = {
    "acts": "the share it acts on",
    "accuracy": "how often it is right when it acts",
    "estimate": "how often it is right when it acts, going by its own confidence,",
    "value": "its net value",
}


def figure_words(figure: str, spec: BundleSpec) -> str:
    """A figure Since launch draws, as a sentence names it ('unlike:message' is a text input's share
    of messages that look like nothing the model was trained on)."""
    if figure.startswith("unlike:"):
        return f"the share of {spec.subjects} that look like nothing it was trained on"
    return FIGURES[figure]


def traffic_not_over(finding: Finding, period: str) -> Finding:
    """A change whose latest period is back within its range: still a change until it stays back."""
    return Finding(
        finding.code,
        finding.severity,
        f"{finding.sentence} The latest {period} was back within its normal range, but one {period} does not "
        "end a change.",
        finding.numbers,
        finding.technical,
    )


def traffic_ended(figure: str, side: int, first: str, last: str, back: str | None, spec: BundleSpec) -> Finding:
    """A change that is over: when it began and ended, and since when the figure is back in range."""
    sentence = (
        f"From {first} to {last}, {figure_words(figure, spec)} was {'below' if side < 0 else 'above'} its normal range"
    )
    sentence += f". It has been back within it since {back}." if back else "."
    return Finding(
        "traffic_ended",
        INFO,
        sentence,
        {},
        "Two periods or more outside the 95% range on one side, then two or more back within it.",
    )


def _listed(items: list[str], most: int = 3) -> str:
    shown = items[:most] + ([f"{number_word(len(items) - most).lower()} more"] if len(items) > most else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _periods(whens: list[str]) -> str:
    """'the week of 7 Sep', or 'the weeks of 7 Sep, 14 Sep and 21 Sep'."""
    lead = "the week of "
    if len(whens) > 1 and all(w.startswith(lead) for w in whens):
        return "the weeks of " + _listed([w[len(lead) :] for w in whens], 4)
    return _listed(whens, 4)


def traffic_alone(alone: list[tuple[str, list[str]]], period: str, spec: BundleSpec) -> Finding:
    """Periods outside their range on their own: shown on the charts, so said, but not a change."""
    on = "on" if period == "day" else "in"
    parts = [(figure_words(figure, spec).rstrip(","), f"{on} {_periods(whens)}") for figure, whens in alone]
    first = f"{parts[0][0]} was outside its normal range {parts[0][1]}"
    return Finding(
        "traffic_alone",
        INFO,
        f"{first[0].upper()}{first[1:]}{''.join(f', and {what} {when}' for what, when in parts[1:])}. "
        f"Single {period}s like these are not counted as changes.",
        {},
        "A period outside its 95% range; about one in twenty is, by chance alone.",
    )


def traffic_inputs_also(labels: list[str], period: str) -> Finding:
    """Inputs that moved in the latest period beyond those a finding names."""
    return Finding(
        "traffic_inputs_also",
        INFO,
        f"Also different from the test data in the latest {period}: {_listed([_lower(label) for label in labels], 5)}.",
        {},
        f"Population stability index of {PSI_WORDS} or more in the latest period.",
    )


def traffic_unmeasured(waiting: int, period: str, why: str, spec: BundleSpec) -> Finding:
    """Periods whose outcomes have not arrived: estimated from confidence, or why they cannot be.
    `why`: "estimated", "unsure" (its confidence did not hold in the tests), "no chances" (it
    gives answers without chances) or "numbers" (it estimates a number)."""
    periods = (
        f"{fmt.count(waiting) if waiting >= 10 else number_word(waiting).lower()} {period}{'s' if waiting != 1 else ''}"
    )
    latest = f"The latest {periods} {'have' if waiting != 1 else 'has'} no outcomes yet"
    if why == "estimated":
        sentence = (
            f"{latest}, so the dashed line estimates how often it was right from its own confidence, which held "
            "in the tests. It is an estimate, not a measurement."
        )
    else:
        reason = {
            "unsure": "its confidence did not hold in the tests, so it cannot stand in for outcomes",
            "no chances": "it gives answers without saying how sure it is",
            "numbers": "a model that estimates a number gives no confidence to estimate from",
        }[why]
        sentence = (
            f"{latest}, and nothing is drawn for them: {reason}. They will be measured as their outcomes are added."
        )
    return Finding(
        "traffic_unmeasured",
        INFO,
        sentence,
        {"waiting": waiting},
        "A period is measured once outcomes have arrived for half its requests.",
    )


def traffic_unknown(message: str) -> Finding:
    """Since launch could not be worked out: a risk in itself, since nobody can see how it is doing."""
    return Finding(
        "traffic_unknown",
        WARNING,
        f"How it is doing since launch cannot be shown, so a change there would go unseen: {message}",
        {},
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
    """One line for every summary (Overview, Home, slides, report): how much traffic, and what has
    changed, quoting the first change's own figures, so every place says the same number for the
    same period."""
    periods = len(result.periods)
    lead = f"Since launch: {_n(result.requests, spec)} over {fmt.count(periods)} {result.period}{'s' if periods != 1 else ''}."
    moved = len(result.findings)
    if moved:
        first = result.findings[0]
        rest = moved - 1
        tail = (
            ""
            if not rest
            else f" {number_word(rest)} more {'thing has' if rest == 1 else 'things have'} changed beyond normal variation."
        )
        return Finding(
            "traffic_line",
            WARNING,
            f"{lead} {first.sentence}{tail}",
            {"requests": result.requests, "periods": periods, "moved": moved, **first.numbers},
            first.technical,
        )
    share = float(result.periods["acted"].sum() / max(result.requests, 1))
    test = float(result.periods["test_act"].iloc[0]) if periods else float("nan")
    tail = (
        f"No change is under way; Since launch names the {result.period}s outside their normal range."
        if result.notes
        else "Nothing has changed beyond normal variation."
    )
    return Finding(
        "traffic_line",
        INFO,
        f"{lead} It acts on {fmt.percent(share)} of them ({fmt.percent(test)} in the tests). {tail}",
        {"requests": result.requests, "periods": periods, "share": share, "test": test},
    )
