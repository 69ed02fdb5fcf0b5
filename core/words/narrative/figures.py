"""The headline: how often it is right, how much it covers and what that is worth, and the figure tiles."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis
from core.words.narrative.findings import (
    INFO,
    NOTE,
    WARNING,
    Finding,
    _cap,
    _money,
    _n,
    _range,
    _when,
    _within,
    net_worth,
)

NO_VALUES = (
    "No business values are set for this model, so there is no net value to show: add the value of each "
    "outcome under business: value in bundle.yaml."
)


def value_sentence(k: Kpis, spec: BundleSpec) -> str:
    """'That is worth about $44,580 a month more than having people handle every customer.'"""
    if not spec.business.is_set:
        return NO_VALUES
    amount = net_worth(k)
    people = f"having people handle every {spec.subject}"
    shown = _money(abs(amount), spec)
    if shown.strip("$€£¥₹ ").rstrip(spec.business.currency).strip() in ("0", "0.00"):
        return f"That is worth about the same as {people}."
    if amount > 0:
        return f"That is worth about {shown} {_when(spec)} more than {people}."
    return f"That loses about {shown} {_when(spec)} compared with {people}."


def headline(k: Kpis, spec: BundleSpec, ranges=None) -> Finding:
    """Accuracy, coverage and value together, never accuracy alone."""
    subjects = spec.subjects
    numbers_ = {"coverage": k.coverage, "accuracy_acted": k.accuracy_acted, "worth": net_worth(k), "n": k.n}
    technical = (
        f"Accuracy on the cases it acts on {fmt.percent(k.accuracy_acted, 1)}"
        f"{' (' + _range(ranges.accuracy_acted, lambda x: fmt.percent(x, 1)) + ')' if ranges else ''}; "
        f"on all in-scope cases {fmt.percent(k.accuracy_in_scope, 1)}; coverage {fmt.percent(k.coverage, 1)} "
        f"= scope {fmt.percent(k.scope_coverage, 1)} x confidence {fmt.percent(k.confidence_coverage, 1)}; "
        f"net value per case {_money(k.net_per_case, spec)} against the all-human baseline."
    )
    if k.acted == 0:
        sentence = (
            f"At this setting the model acts on none of the {_n(k.n, spec)}. "
            f"People handle every one, so it adds no value yet."
        )
        return Finding("headline", WARNING, sentence, numbers_, technical)
    if spec.task == "regression":
        tolerance = spec.tolerance
        numbers_["tolerance"] = tolerance.absolute if tolerance.absolute is not None else tolerance.relative
        within = _within(spec)
        sentence = f"The estimate is {within} for {fmt.frequency(k.accuracy_acted)} {subjects} ({fmt.percent(k.accuracy_acted)})."
        if k.coverage < 0.995:
            sentence += f" It covers {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)})."
    elif k.coverage <= 0 or k.accuracy_acted != k.accuracy_acted:  # covers no case: nothing to be right about
        sentence = f"The model covers no {subjects} (0%): it hands every one it was built for to a person."
    else:
        right = (
            "never right"
            if k.accuracy_acted <= 0
            else "almost never right"
            if k.accuracy_acted < 0.005
            else "always right"
            if k.accuracy_acted >= 1
            else "nearly always right"
            if k.accuracy_acted >= 0.995
            else f"right {fmt.frequency(k.accuracy_acted)} times"
        )
        if k.covered == k.acted:  # every case it acts on is one it was built for: acting is covering
            sentence = f"The model acts on {fmt.frequency(k.coverage)} {subjects} itself ({fmt.percent(k.coverage)}). "
        else:
            sentence = (
                f"The model covers {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)}): it acts on "
                f"them itself, and they are the kind it was built for. "
            )
        sentence += f"It is {right} when it acts ({fmt.percent(k.accuracy_acted)})."
    sentence += " " + value_sentence(k, spec)
    losing = spec.business.is_set and net_worth(k) < 0
    return Finding("headline", WARNING if losing else INFO, sentence, numbers_, technical)


def out_of_scope(k: Kpis, spec: BundleSpec) -> Finding | None:
    """Real cases the model was never built for: the part accuracy does not show."""
    unseen = 1 - k.scope_coverage
    if unseen < 0.01:
        return None
    sentence = (
        f"{_cap(fmt.frequency(unseen))} {spec.subjects} ({fmt.percent(unseen)}) ask for something the model "
        f"was never trained on. Its {fmt.percent(k.accuracy_in_scope)} accuracy in tests only covers the rest."
    )
    technical = (
        f"Scope coverage {fmt.percent(k.scope_coverage, 1)}: labels outside the model's classes count as "
        f"wrong and against coverage."
    )
    return Finding(
        "out_of_scope",
        WARNING if unseen >= 0.1 else NOTE,
        sentence,
        {"out_of_scope": unseen, "accuracy_in_scope": k.accuracy_in_scope},
        technical,
    )


def summary(k: Kpis, spec: BundleSpec, ranges=None) -> list[Finding]:
    """The headline first, then what else applies, most important first."""
    others = [f for f in (out_of_scope(k, spec),) if f is not None]
    return [headline(k, spec, ranges), *sorted(others, key=lambda f: -f.severity)]


def tiles(result, spec, technical: bool = False) -> list[tuple[str, str, str, str]]:
    """The headline figures as (label, value, range, glossary key): accuracy, coverage and net
    value, always together, each with its 95% range and n. One builder for the pages, the report
    and the slides, so the tiles read the same everywhere."""
    k, r = result.kpis, result.ranges
    money = lambda x: fmt.money(x, spec.business.currency, compact=True)  # noqa: E731

    def span(estimate, show) -> str:
        if estimate.low != estimate.low:  # NaN: nothing behind it
            return f"no range · n = {fmt.count(estimate.n)}"
        return f"95% range {show(estimate.low)} to {show(estimate.high)} · n = {fmt.count(estimate.n)}"

    if r.net_per_period is not None:
        value, value_label = r.net_per_period, f"Net value {fmt.per(spec.business.per)}"
    else:
        value, value_label = r.net_per_case, f"Net value per {spec.subject}"
    accuracy_label = (
        "Within tolerance"
        if spec.task == "regression"
        else "Accuracy when it acts"
        if technical
        else "Right when it acts"
    )
    return [
        (accuracy_label, fmt.percent(k.accuracy_acted), span(r.accuracy_acted, fmt.percent), "accuracy_acted"),
        ("Coverage", fmt.percent(k.coverage), span(r.coverage, fmt.percent), "coverage"),
        (value_label, money(value.value), span(value, money), "net_value")
        if spec.business.is_set
        else ("Net value", "not set", "no business values in bundle.yaml", "net_value"),
    ]
