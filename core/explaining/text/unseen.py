"""What people ask that the model was never built for, grouped and quoted in their own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.explaining.text.terms import _pick

SAMPLE_MESSAGES = 40_000  # beyond this many messages, the words come from a sample of them

_STOP = frozenset(
    "the and for you your with this that have has was are can not but from our out any all hi hello hey "
    "there thanks thank thx cheers please help dear support team good morning regards".split()
)


@dataclass(frozen=True)
class UnseenGroup:
    """The messages of one label the model was never trained on: how many, a few real ones, and
    the words that set them apart from every other message."""

    label: str
    n: int
    examples: list[str]
    words: list[str]

    @property
    def quoted(self) -> list[str]:
        """The two examples a sentence or a slide quotes: the shorter two of the three most typical."""
        return sorted(self.examples[:3], key=len)[:2]


def _distinct_terms(group, others, vocabulary: np.ndarray, n: int) -> list[tuple[str, float]]:
    """Terms the group's messages use often and other messages seldom: the share of group messages
    with the term, times the log of how much likelier it is there than elsewhere."""
    inside = np.asarray(group.mean(axis=0)).ravel()
    outside = np.asarray(others.mean(axis=0)).ravel() if others.shape[0] else np.zeros_like(inside)
    score = inside * np.log((inside + 0.01) / (outside + 0.01))
    ordered = [j for j in np.argsort(-score, kind="stable") if score[j] > 0.02]
    scores = {str(vocabulary[j]): float(score[j]) for j in ordered}
    return [(term, scores[term]) for term in _pick([str(vocabulary[j]) for j in ordered], n, every=True)]


def unseen_groups(
    messages: pd.Series, labels, unseen, examples: int = 5, words: int = 3, longest: int = 90
) -> list[UnseenGroup]:
    """Per label the model was never trained on (largest first): a few typical real messages and
    the words that set the group apart. Typical: uses most of the group's distinguishing words,
    short, and unlike the examples already picked."""
    from sklearn.feature_extraction.text import CountVectorizer

    text = messages.fillna("").astype(str).to_numpy()
    labels = np.asarray(labels).astype(str)
    unseen = np.asarray(unseen, dtype=bool)
    if not unseen.any():
        return []
    names, sizes = np.unique(labels[unseen], return_counts=True)  # counted on every row
    if len(text) > SAMPLE_MESSAGES:  # words and examples from a fixed sample: seconds, not minutes
        rng = np.random.default_rng(0)
        keep = np.zeros(len(text), dtype=bool)
        for mine in (unseen, ~unseen):
            rows = np.flatnonzero(mine)
            keep[rng.choice(rows, min(len(rows), SAMPLE_MESSAGES // 2), replace=False)] = True
        text, labels, unseen = text[keep], labels[keep], unseen[keep]
    try:
        counts = CountVectorizer(binary=True, ngram_range=(1, 2), min_df=2).fit(text)
    except ValueError:  # no word appears twice anywhere: nothing sets any group apart
        return []
    present = counts.transform(text).tocsc().astype(bool)
    vocabulary = counts.get_feature_names_out()
    found = []
    for label, size in sorted(zip(names, sizes, strict=True), key=lambda p: (-p[1], p[0])):
        inside = unseen & (labels == label)
        if not inside.any():  # too rare to be in the sample: counted, with nothing to quote
            found.append(UnseenGroup(str(label), int(size), [], []))
            continue
        group, others = present[inside], present[~inside]
        terms = _distinct_terms(group, others, vocabulary, 10)
        weights = {term: score for term, score in terms}
        candidates = []
        for message in dict.fromkeys(" ".join(m.split()) for m in text[inside]):
            lowered = f" {re.sub(r'[^a-z0-9 ]', ' ', message.lower())} "
            fit = sum(w for term, w in weights.items() if f" {term} " in lowered)
            candidates.append((-fit, len(message) > longest, len(message), message))
        picked: list[str] = []
        seen: list[set[str]] = []
        for _, _, _, message in sorted(candidates):
            key = {w for w in re.findall(r"[a-z]{3,}", message.lower()) if w not in _STOP}
            if any(len(key & other) >= 0.5 * min(len(key), len(other)) for other in seen):
                continue  # much the same words as an example already picked: not a new example
            seen.append(key)
            picked.append(message if len(message) <= longest else message[: longest - 1].rstrip() + "…")
            if len(picked) == examples:
                break
        found.append(UnseenGroup(str(label), int(size), picked, [term for term, _ in terms[:words]]))
    return found
