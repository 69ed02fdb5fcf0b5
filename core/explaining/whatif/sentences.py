"""What if in plain words: the decision, what flips it, what an edit changed, what a rule does."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.explaining.whatif.case import Decision
from core.explaining.whatif.flips import Flip
from core.explaining.whatif.form import Control, _float, edits
from core.explaining.whatif.scenarios import Rule, ScenarioResult


def _value_words(value, c: Control) -> str:
    if c.numeric:
        number = _float(value)
        if number is None:
            return "unknown"
        text = f"{number:,.0f}" if c.whole or float(number).is_integer() else f"{number:,.2f}"
        return f"{text} {c.unit}" if c.unit and c.unit not in ("1 to 5",) else text
    return str(value)


def flip_sentence(flip: Flip | None, controls_: list[Control], original: Decision, spec: BundleSpec, task: str) -> str:
    """ "If the contract type were one-year and the monthly bill 15 USD lower, the model would no longer flag this customer." """
    if task == "regression":
        return "This model estimates a number, so there is no yes-or-no decision to flip."
    if flip is None:
        return (
            f"No change of up to three features the model may change flips its decision for this "
            f"{spec.subject} within the search time."
        )
    by_name = {c.name: c for c in controls_}
    parts = []
    for name, before, after in flip.changes:
        c = by_name[name]
        label = c.label[:1].lower() + c.label[1:] if c.label[1:2].islower() else c.label
        if c.numeric and _float(before) is not None:
            delta = float(after) - float(before)
            amount = _value_words(abs(delta), c)
            parts.append(f"the {label} were {amount} {'higher' if delta > 0 else 'lower'}")
        else:
            parts.append(f"the {label} were {_value_words(after, c)}")
    joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    outcome = _decision_words(flip.decision, spec, task)
    return f"If {joined}, the model would {outcome}."


def _decision_words(d: Decision, spec: BundleSpec, task: str) -> str:
    if not d.acts:
        return f"hand this {spec.subject} to a person"
    if task == "binary":
        return f"{'flag' if d.answer == 'flag' else 'not flag'} this {spec.subject}"
    return f"send this {spec.subject} to {fmt.class_label(d.answer)}"


def decision_sentence(d: Decision, spec: BundleSpec, task: str) -> str:
    if task == "regression":
        unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
        return f"The model estimates {d.chance:.2f}{' ' + unit if unit in ('hours', 'minutes', 'days') else ''}."
    if task == "binary":
        return f"The chance is {fmt.percent(d.chance)}, so the model would {_decision_words(d, spec, task)}."
    return (
        f"The model is {fmt.percent(d.confidence)} sure it is {fmt.class_label(d.answer)}, so it would "
        f"{_decision_words(d, spec, task)}."
    )


def changed_sentence(original: dict, edited: dict, controls_: list[Control]) -> list[str]:
    """What differs from the original case, feature by feature."""
    by_name = {c.name: c for c in controls_}
    return [
        f"{by_name[name].label}: {_value_words(original.get(name), by_name[name])} → "
        f"{_value_words(after, by_name[name])}"
        for name, after in edits(original, edited, controls_).items()
    ]


def scenario_sentence(result: ScenarioResult, rule: Rule, control: Control, spec: BundleSpec) -> str:
    """The effect of a rule, in words, with its predictions named as predictions."""
    label = control.label[:1].lower() + control.label[1:] if control.label[1:2].islower() else control.label
    what = {
        "set": f"Setting {label} to {_value_words(rule.value, control)}",
        "shift": f"Changing {label} by {_float(rule.value) or 0:+g}{' ' + control.unit if control.unit else ''}",
        "scale": f"Multiplying {label} by {_float(rule.value) or 0:g}",
        "remove word": f"Removing the word '{fmt.clean(str(rule.value).strip(), limit=40)}' from the {label}",
        "add word": f"Adding the word '{fmt.clean(str(rule.value).strip(), limit=40)}' to the {label}",
    }[rule.action]
    if rule.action == "remove word" and result.touched == 0:
        return f"No {spec.subject} in the group has the word '{fmt.clean(str(rule.value).strip(), limit=40)}', so removing it changes nothing."
    flipped = int(result.flips["count"].sum()) if not result.flips.empty else 0
    who = f"{fmt.count(result.rows)} test {fmt.plural(result.rows, spec.subject, spec.subjects)}"
    if result.mean_before is not None:
        unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
        return (
            f"{what} for {who} would move the average estimate from {result.mean_before:.2f} to "
            f"{result.mean_after:.2f}{' ' + unit if unit in ('hours', 'minutes', 'days') else ''}, by the model's "
            f"own predictions."
        )
    sentences = []
    if result.events_before is not None:
        after, before = _shown(result.events_after), _shown(result.events_before)
        moved = after - before  # the difference of the two counts as shown, so the sentence adds up
        if moved:
            sentences.append(
                f"By the model's predictions, {what[0].lower() + what[1:]} for {who} means about "
                f"{fmt.count(abs(moved))} {'more' if moved > 0 else 'fewer'} of them would {_event_verb(spec)} "
                f"({fmt.count(after)} instead of {fmt.count(before)})."
            )
        else:
            sentences.append(
                f"By the model's predictions, {what[0].lower() + what[1:]} for {who} changes hardly how many of them "
                f"would {_event_verb(spec)}."
            )
    else:
        sentences.append(f"{what} for {who} would change the model's answer for {fmt.count(flipped)} of them.")
    if rule.action == "remove word" and result.touched is not None:
        sentences.append(f"The word appears in {fmt.count(result.touched)} of them.")
    if result.events_before is not None:
        sentences.append(f"The model's decision changes for {fmt.count(flipped)} of them.")
    if result.acted_after != result.acted_before:
        sentences.append(
            f"It would act on {fmt.count(result.acted_after)} itself instead of {fmt.count(result.acted_before)}."
        )
    if result.value_before is not None and spec.business.is_set:
        change = result.value_after - result.value_before
        when = fmt.per(spec.business.per) if spec.business.volume else "in the test set"
        harm = result.events_before is not None and _shown(result.events_after) > _shown(result.events_before)
        if abs(change) >= 0.5 and harm and change > 0:  # more of the event it guards against: the harm leads
            sentences.append(
                f"Its decisions on them would be worth about {fmt.money(change, spec.business.currency)} {when} more "
                f"by its own predictions only because more of them would {_event_verb(spec)}, leaving more to act on: "
                "that is no gain from the change."
            )
        elif abs(change) >= 0.5:
            sentences.append(
                f"The value of its decisions on them, at this setting and by its own predictions, would "
                f"{'rise' if change > 0 else 'fall'} by about {fmt.money(abs(change), spec.business.currency)} {when}: "
                "that is what acting on the predictions is worth, not money the change itself earns."
            )
    return " ".join(sentences)


def _shown(count: float) -> int:
    """A count as `fmt.count` writes it, as a number."""
    return int(fmt.count(count).replace(",", ""))


def _event_verb(spec: BundleSpec) -> str:
    """The positive outcome as a verb phrase after 'would': 'cancel' from 'cancelled', else a label."""
    event = (spec.event or "").strip()
    if event.endswith("lled") and len(event) > 6:
        return event[:-3]  # cancelled -> cancel
    if event.endswith("ed") and len(event) > 4:
        stem = event[:-2]
        return stem + "e" if stem.endswith(("at", "iz", "ur", "as", "uc")) else stem
    if event:
        return f"end up {event}"
    return f"be labelled {spec.target}: {spec.positive_class}"


def decision_label(d: Decision, task: str) -> str:
    """The decision in two or three words, for a tile."""
    if task == "regression":
        return "Shows the estimate"
    if not d.acts:
        return "To a person"
    if task == "binary":
        return "Flag" if d.answer == "flag" else "Don't flag"
    return d.answer


def before_sentence(d: Decision, spec: BundleSpec, task: str) -> str:
    """The original case's decision, in the past tense."""
    if task == "binary":
        return f"Before the change, the chance was {fmt.percent(d.chance)} and the model would {_decision_words(d, spec, task)}."
    return (
        f"Before the change, the model was {fmt.percent(d.confidence)} sure it was {d.answer} and would "
        f"{_decision_words(d, spec, task)}."
    )
