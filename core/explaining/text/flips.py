"""The fewest words to take out of a message, or put in, to change the model's decision."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class WordFlip:
    """The fewest words to remove from (or add to) a message to change what the model does with it."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    message: str  # the message with the change made
    decision: object  # the model's decision for it (whatif.Decision), checked by predicting again


def _without(message: str, word: str) -> str:
    return re.sub(rf"(?i)\b{re.escape(word)}\b", "", message).replace("  ", " ").strip()


def fewest_words(
    explainer, row: pd.DataFrame, decide, output: int, most: int = 3, sign: float = 1.0
) -> WordFlip | None:
    """Remove, one at a time, the words that push hardest toward the current answer; failing that,
    add the words that favour the runner-up most. Every candidate is checked by predicting again
    (`decide(frame) -> Decision`), so the change it reports is one the model really makes. `sign`
    is -1 when the current answer is the one the output's chance speaks against (binary: not flagged)."""
    column = explainer.column
    message = str(row[column].iloc[0])
    before = decide(row)
    reasons = explainer.explain(row)
    unigrams = [(t, sign * p) for t, p in zip(reasons.terms, reasons.points[:, output], strict=True) if " " not in t]
    toward = sorted((t for t, p in unigrams if p > 0), key=lambda t: -dict(unigrams)[t])
    edited, removed = message, []
    for word in toward[:most]:
        edited, removed = _without(edited, word), [*removed, word]
        changed = row.assign(**{column: edited})
        after = decide(changed)
        if not after.same_as(before):
            return WordFlip(tuple(removed), (), edited, after)
    proba = reasons.shown
    if len(proba) > 1:
        runner = int(np.argsort(-proba)[1])
    else:  # binary: the one chance speaks for the second class; the runner-up is the other one
        runner = 0 if sign > 0 else 1
        output = 1 - runner
    candidates = explainer.words_toward(runner, output, most)
    edited, added = message, []
    for word in candidates:
        edited, added = f"{edited} {word}".strip(), [*added, str(word)]
        after = decide(row.assign(**{column: edited}))
        if not after.same_as(before):
            return WordFlip((), tuple(added), edited, after)
    return None


def word_flip_sentence(flip: WordFlip | None, label: str, outcome: str) -> str:
    """ "Take the words 'refund' and 'invoice' out of the message. The model would then send this ticket to shipping." """
    if flip is None:
        return f"No change of up to three words in the {label.lower()} changes what the model does with it."
    words = flip.removed or flip.added
    quoted = [f"'{w}'" for w in words]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    noun = "word" if len(words) == 1 else "words"
    change = f"Take the {noun} {listed} out of" if flip.removed else f"Add the {noun} {listed} to"
    return f"{change} the {label.lower()}. The model would then {outcome}."
