"""What the publisher chooses when the team does not say, and the sentence that says so.

Nothing is decided silently: each choice is printed by the command line and written into
`bundle.yaml` beside the value, with the reason and how to change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.bundles.bundle import Bundle
from core.bundles.contract import BundleError

# labels that read as "the event happened" (compared as lower-case text)
YES = {"1", "1.0", "true", "yes", "y", "t", "positive", "pos"}


@dataclass(frozen=True)
class Choice:
    field: str  # the bundle.yaml field it concerns
    sentence: str  # what was chosen and why, for the command line
    comment: str  # the same, as the comment written above the field


def positive_class(frame: pd.DataFrame, target: str, model: Any, score_column: str | None) -> tuple[Any, Choice]:
    """The label that means the event happened, when the team did not name it.

    A label that reads as yes (1, true, yes) when exactly one does; for a file of scores, the label
    the scores rank higher (the column is that label's chance); else the rarer label in the
    evaluation rows, as the event a model looks for usually is. Ties go to the label that sorts last."""
    labels = frame[target]
    classes = list(getattr(model, "classes_", None) if model is not None and hasattr(model, "classes_") else [])
    distinct = list(pd.unique(labels.dropna()))
    if not classes:
        classes = sorted(distinct, key=str)
    if len(classes) != 2:
        raise BundleError(
            f"A binary bundle needs two labels in '{target}', and the evaluation rows hold {len(classes)}.",
            "Pass --task multiclass, or publish rows that hold both outcomes.",
            field="target",
        )
    shown = f"'{classes[0]}' and '{classes[1]}'"
    yes = [c for c in classes if str(c).strip().lower() in YES]
    if len(yes) == 1:
        label, why = yes[0], f"it reads as yes (the labels are {shown})"
    elif score_column is not None:
        scores = pd.to_numeric(frame[score_column], errors="coerce")
        means = [float(scores[labels.astype(str) == str(c)].mean()) for c in classes]
        if any(np.isnan(means)) or means[0] == means[1]:
            raise BundleError(
                f"The score column '{score_column}' does not say which of {shown} it is the chance of.",
                f"Pass --positive-class with the label whose chance '{score_column}' holds.",
                field="positive_class",
            )
        label = classes[int(np.argmax(means))]
        why = f"'{score_column}' is higher for rows labelled '{label}', so it is that label's chance"
    else:
        counts = labels.astype(str).value_counts()
        n = [int(counts.get(str(c), 0)) for c in classes]
        label = classes[0] if n[0] < n[1] else classes[1]
        why = (
            f"the rarer of {shown} in the evaluation rows ({min(n):,} of {sum(n):,}), as the event a model looks "
            "for usually is"
            if n[0] != n[1]
            else f"{shown} are equally common, so the one that sorts last"
        )
    other = classes[1] if label == classes[0] else classes[0]
    label, other = (v.item() if isinstance(v, np.generic) else v for v in (label, other))  # as YAML writes it
    sentence = (
        f"Positive class '{label}': {why}. If the event is '{other}', publish again with --positive-class {other}."
    )
    comment = f"chosen by the publisher: {why}; set it to '{other}' if that is the event"
    return label, Choice("positive_class", sentence, comment)


def tolerance(bundle: Bundle) -> Choice | None:
    """A regression bundle without a tolerance: the default the app measures with, said."""
    spec = bundle.spec
    if spec.task != "regression" or not spec.tolerance.default:
        return None
    chosen = spec.tolerance
    if chosen.absolute is not None:
        amount = f"within {chosen.absolute:g} of the truth"
        why = "a tenth of the spread of the middle half of the true values, which reach zero"
        example = f"{{absolute: {chosen.absolute:g}}}"
    else:
        amount = f"within {chosen.relative * 100:.0f}% of the truth"
        why = "the app's default for targets above zero"
        example = "{relative: 0.1}"
    sentence = (
        f"Tolerance: not set, so an estimate {amount} counts as right ({why}); every page calls it the default. "
        "Set it with --tolerance (2.5 in the target's units, or 10%)."
    )
    comment = (
        f"tolerance: not set, so the app counts an estimate {amount} as right ({why}) and calls it the default;\n"
        f"# say what is close enough, e.g. tolerance: {example}"
    )
    return Choice("tolerance", sentence, comment)


def features(bundle: Bundle, named_by_team: bool) -> Choice | None:
    """A model that names neither its columns nor how many it takes: the columns it is handed."""
    if bundle.model is None or named_by_team:
        return None
    from core.bundles.bundle import declared_width, own_names

    if own_names(bundle.model) is not None or declared_width(bundle.model) is not None:
        return None
    listed = ", ".join(bundle.features[:6]) + (
        f" and {len(bundle.features) - 6} more" if len(bundle.features) > 6 else ""
    )
    sentence = (
        f"Features: {type(bundle.model).__name__} does not say which columns it reads, so it is handed every column "
        f"that is not the target, the id or a segment, by name ({listed}). Name them with --features if not."
    )
    return Choice("features", sentence, "")


def text_columns(columns: list[str], said: set[str], catboost: bool = False) -> Choice | None:
    """Columns read as free text because the model's own pipeline vectorises them (or CatBoost
    declares them text features)."""
    found = [c for c in columns if c not in said]
    if not found:
        return None
    names = ", ".join(f"'{c}'" for c in found)
    one = len(found) == 1
    sentence = f"Text: {names} {'is' if one else 'are'} read as free text and explained word by word, because " + (
        f"the CatBoost model declares {'it a text feature' if one else 'them text features'}."
        if catboost
        else f"the model's pipeline turns {'it' if one else 'them'} into word counts."
    )
    return Choice("features", sentence, "")


def explanations(bundle: Bundle, explained, problem: str | None) -> Choice:
    """What the publisher stored of the reasons behind the model's answers, and why not all of them."""
    from core import format as fmt

    if explained is not None:
        planned = explained.planned or len(explained.rows)
        if len(explained.rows) < planned:
            sentence = (
                f"Explanations: {fmt.counted(len(explained.rows), 'sample case', 'sample cases')} of {planned:,} were "
                f"explained within the {explained.budget:.0f} seconds allowed and stored with the bundle; every page "
                "says so. Allow more with MODELBRIEF_EXPLAIN_SECONDS."
            )
        else:
            sentence = (
                f"Explanations: the reasons for {fmt.counted(len(explained.rows), 'sample case', 'sample cases')} "
                "were worked out now and stored with the bundle, so no page waits for them (--no-explain leaves "
                "them to the app)."
            )
    elif problem is not None:
        sentence = (
            f"Explanations: none stored, because working them out failed ({problem}); the app tries again on "
            "its Explanations page and says what went wrong."
        )
    else:
        reason = bundle.unexplainable_reason.split(". ")[0].rstrip(".")
        sentence = f"Explanations: none stored. {reason}."
    return Choice("explanations", sentence, "")
