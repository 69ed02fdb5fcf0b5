"""What the What-if page draws, as data: the case it starts from, its tiles, its reasons, what flips it, the rule.

Computed here rather than in the page, so the page only draws and every number it shows is tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.contract import BundleSpec, OperatingPoint
from core.explaining.whatif.case import Assessment, Decision, decide
from core.explaining.whatif.flips import smallest_flip
from core.explaining.whatif.form import Control, _float, frame_for, number
from core.explaining.whatif.sentences import _decision_words, decision_label, flip_sentence

TOP_REASONS = 8  # reasons shown one by one; the rest are summed into one line
RULE_ACTIONS = {  # the words on the page -> the rule's action
    "set to": "set",
    "shift by": "shift",
    "scale by": "scale",
    "remove the word": "remove word",
    "add the word": "add word",
}
ALL_CASES = "All test cases"


@dataclass(frozen=True)
class Tile:
    """One figure above the edited case: its label, its value, and how far it moved (or None)."""

    label: str
    value: str
    delta: str | None = None


def case_values(X: pd.DataFrame, row: int) -> dict[str, object]:
    """A case's own values, feature by feature; a missing number reads as None.

    >>> case_values(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", "y"]}), 1)
    {'a': None, 'b': 'y'}
    """
    values = {name: X.iloc[row][name] for name in X.columns}
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in values.items()}


def starting_values(
    controls: list[Control], original: dict[str, object], link_edits: dict[str, object]
) -> tuple[dict[str, object], list[str]]:
    """The form's first values for a newly opened case: its own, or the link's edits where they
    make sense; a notice for each edit that was not a usable number."""
    values, notices = {}, []
    for c in controls:
        value = link_edits.get(c.name, original[c.name])
        if c.numeric and value is not None:
            value = number(value, c)
            if value is None:
                asked = fmt.clean(link_edits[c.name], limit=40)
                notices.append(
                    f"The link set {c.label} to '{asked}', which is not a usable number, so the case's own value is shown."
                )
                value = number(original[c.name], c) if original[c.name] is not None else None
        values[c.name] = value
    return values, notices


def control_hint(c: Control) -> str:
    """The help under a feature's control: the values seen, and whether the search may change it.

    >>> control_hint(Control("age", "Age", numeric=True, low=18, high=90, unit="years", actionable=False))
    'Seen from 18 to 90 years. Not something that can be changed in practice: the search below leaves it alone.'
    """
    if c.numeric:
        hint = f"Seen from {c.low:g} to {c.high:g}{' ' + c.unit if c.unit else ''}."
    else:
        hint = f"Seen: {', '.join(c.options[:8])}{'...' if len(c.options) > 8 else ''}."
    if not c.actionable:
        hint += " Not something that can be changed in practice: the search below leaves it alone."
    return hint


def reset_values(controls: list[Control], original: dict[str, object]) -> dict[str, object]:
    """The form's values for "Reset to the original case"."""
    return {
        c.name: _float(original[c.name]) if c.numeric and original[c.name] is not None else original[c.name]
        for c in controls
    }


def tiles(now: Assessment, before: Assessment, task: str, classes: tuple | None, changes: int) -> list[Tile]:
    """The three figures above the edited case: its prediction (and how far the edits moved it),
    the decision, and how many features were changed.

    A multiclass case's move is the change in the chance of the class it now names, measured
    against the original case's chance of that same class, never against another class's."""
    if task == "regression":
        first = Tile("Estimate", f"{now.decision.chance:.2f}", f"{now.decision.chance - before.decision.chance:+.2f}")
    elif task == "binary":
        moved = (now.decision.chance - before.decision.chance) * 100
        first = Tile("Chance", fmt.percent(now.decision.chance), f"{moved:+.0f} points" if changes else None)
    else:
        k = list(classes).index(now.decision.answer) if classes is not None else int(np.argmax(now.shown))
        moved = (float(now.shown[k]) - float(before.shown[k])) * 100
        first = Tile(
            f"Sure it is {now.decision.answer}",
            fmt.percent(now.decision.chance),
            f"{moved:+.0f} points" if changes else None,
        )
    return [
        first,
        Tile("Decision", decision_label(now.decision, task)),
        Tile("Changes from the original", str(changes)),
    ]


def reason_rows(
    columns: list[str], labels: dict[str, str], values: dict[str, object], contributions, top: int = TOP_REASONS
) -> pd.DataFrame:
    """The case's reasons, strongest first: `top` features one by one, the rest summed into one
    "N other features" line (feature, label, value, contribution)."""
    frame = pd.DataFrame(
        {
            "feature": list(columns),
            "label": [labels[n] for n in columns],
            "value": [values[n] for n in columns],
            "contribution": np.asarray(contributions, dtype=float),
        }
    )
    frame = frame.reindex(frame["contribution"].abs().sort_values(ascending=False, kind="stable").index)
    shown = frame.head(top)
    if len(frame) > top:
        rest = {
            "feature": "",
            "label": f"{len(frame) - top} other features",
            "value": "",
            "contribution": frame["contribution"].iloc[top:].sum(),
        }
        shown = pd.concat([shown, pd.DataFrame([rest])])
    return shown.reset_index(drop=True)


def predicted(now: Assessment, task: str, positive: int) -> float:
    """The output the reasons add up to: the chance of the positive class (binary), of the class
    named (multiclass), or the estimate (regression)."""
    if task == "regression":
        return float(now.shown[0])
    return float(now.shown[positive if task == "binary" else now.output])


def flip_answer(
    explainer,
    word_explainers: dict,
    edited: dict,
    X: pd.DataFrame,
    controls: list[Control],
    decision: Decision,
    spec: BundleSpec,
    point: OperatingPoint,
    classes: tuple | None,
    positive: int,
) -> tuple[str, bool]:
    """What flips the edited case's decision, in words, and whether anything was found: the
    smallest change to the actionable features, and for each text feature the fewest words to
    take out or put in."""
    from core.explaining.text import fewest_words, word_flip_sentence

    flip = smallest_flip(explainer.shown, edited, X, controls, decision, spec.task, point, classes, positive)
    sentences, found = [flip_sentence(flip, controls, decision, spec, spec.task)], flip is not None
    for c in controls:
        if not (c.text and c.name in word_explainers and str(edited.get(c.name) or "").strip()):
            continue

        def decides(frame):
            return decide(explainer.shown(frame), spec.task, point, classes, positive)[0]

        row = frame_for([edited], X, controls)
        k = int(np.argmax(explainer.shown(row)[0])) if spec.task == "multiclass" else 0
        sign = 1.0
        if spec.task == "binary":  # the weights speak for classes[1]: toward the answer given, which way?
            sign = (1.0 if decision.answer == "flag" else -1.0) * (1.0 if positive == 1 else -1.0)
        change = fewest_words(word_explainers[c.name], row, decides, k, sign=sign)
        outcome = _decision_words(change.decision, spec, spec.task) if change else ""
        sentences.append(word_flip_sentence(change, c.label, outcome))
        found = found or change is not None
    return " ".join(sentences), found


def rule_actions(control: Control) -> list[str]:
    """What a rule may do to a feature: words are removed or added (never one message for
    everyone), numbers set, shifted or scaled, categories set."""
    if control.text:
        return ["remove the word", "add the word"]
    return ["set to", "shift by", "scale by"] if control.numeric else ["set to"]


def scenario_groups(frame: pd.DataFrame, spec: BundleSpec) -> list[str]:
    """The groups a rule may apply to: every test case, or one value of one segment column,
    most common first ("Region = North")."""
    return [ALL_CASES] + [
        f"{spec.label(col)} = {value}"
        for col in spec.segments
        for value in frame[col].dropna().astype(str).value_counts().index
    ]


def group_mask(frame: pd.DataFrame, spec: BundleSpec, group: str) -> np.ndarray:
    """The rows a group names (every row for all test cases)."""
    if group == ALL_CASES:
        return np.ones(len(frame), bool)
    column = next(col for col in spec.segments if group.startswith(spec.label(col) + " = "))
    return frame[column].astype(str).to_numpy() == group.split(" = ", 1)[1]
