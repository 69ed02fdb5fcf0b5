"""The Overview's risks, the decision it asks for and the executive paragraph."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis
from core.words.narrative.figures import headline, out_of_scope
from core.words.narrative.findings import INFO, NOTE, Finding, _money, _n, _when, net_worth
from core.words.narrative.setting import describe_point

NO_RISKS = "No risk stands out: the figures are steady, and no group of cases does much worse than the rest."


def risks(found: list[Finding]) -> list[Finding]:
    """The cautions among the findings, worst first."""
    return sorted([f for f in found if f.severity >= NOTE and f.code != "best_point"], key=lambda f: -f.severity)


def decision(k: Kpis, spec: BundleSpec, point, risk_count: int) -> Finding:
    """The question a reader is asked to decide, with what saying yes means."""
    scale = (spec.business.volume / k.n) if spec.business.volume is not None else 1.0
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    if spec.task == "regression":
        question = f"The decision: use the model to {spec.action or 'make the estimates'}?"
    else:
        question = f"The decision: let the model {spec.action or 'act'} at this setting?"
    worth = net_worth(k)
    if k.acted == 0:
        consequence = "At this setting it would act on nothing, so there is nothing to decide yet."
    elif not spec.business.is_set:
        consequence = (
            f"It would act on {_n(k.acted * scale, spec)} {when} itself; with no business values "
            "set, what that is worth is not known."
        )
    else:
        consequence = (
            f"It would act on {_n(k.acted * scale, spec)} {when} itself"
            + (
                f", {fmt.count((k.acted - k.covered) * scale)} of them ones it was never built for,"
                if k.acted > k.covered
                else ""
            )
            + f" and {'earn' if worth >= 0 else 'lose'} about {_money(abs(worth), spec)} {_when(spec)}."
        )
    caution = "Weigh the risks above first." if risk_count else "Nothing above argues against it."
    return Finding(
        "decision",
        INFO,
        f"{question} {consequence} {caution}",
        {"acts": k.acted * scale, "worth": abs(worth), "never_built_for": (k.acted - k.covered) * scale},
        f"Operating point: {describe_point(point, spec)}.",
    )


def executive(k: Kpis, spec: BundleSpec, drivers_: Finding | None) -> Finding:
    """The paragraph a product manager reads first: what it does, how well, how much, what it is worth."""
    head = headline(k, spec)
    sentences = [spec.summary, head.sentence] if spec.summary else [head.sentence]
    unseen = out_of_scope(k, spec)
    if unseen is not None:
        sentences.append(unseen.sentence)
    if drivers_ is not None:
        sentences.append(drivers_.sentence.split(". ")[0].rstrip(".") + ".")
    numbers_ = {**head.numbers, **(unseen.numbers if unseen else {}), **(drivers_.numbers if drivers_ else {})}
    return Finding("executive", head.severity, " ".join(sentences), numbers_, head.technical)


def approval(k: Kpis, spec: BundleSpec, point, risk_count: int) -> Finding:
    """What approving the setting means, in cases and money per period: the decision slide's body."""
    scale = (spec.business.volume / k.n) if spec.business.volume is not None else 1.0
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    acts, person = k.acted * scale, (k.n - k.acted) * scale
    worth = net_worth(k)
    sentences = [f"The setting: the model {describe_point(point, spec)}."]
    if k.acted == 0:
        sentences.append("At this setting it would act on nothing, so there is nothing to decide yet.")
    else:
        sentences.append(
            f"Saying yes means it acts on {_n(acts, spec)} {when} itself"
            + (f" and hands {fmt.count(person)} to a person." if person >= 0.5 else ".")
        )
        if spec.business.is_set:
            sentences.append(
                f"That {'earns' if worth >= 0 else 'loses'} about {_money(abs(worth), spec)} {_when(spec)}, "
                f"against having people handle every {spec.subject}."
            )
        else:
            sentences.append("No business values are set, so what that is worth is not known.")
    sentences.append("Weigh the risks first." if risk_count else "Nothing in these figures argues against it.")
    numbers_ = {
        "acts": acts,
        "to_person": person,
        "worth": abs(worth),
        "threshold": point.threshold,
        "min_confidence": point.min_confidence,
    }
    return Finding("approval", INFO, " ".join(sentences), numbers_, f"Operating point: {describe_point(point, spec)}.")
