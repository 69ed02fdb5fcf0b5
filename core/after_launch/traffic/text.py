"""Text inputs watched after launch: how long messages are, how many of their words the model never
saw, and which words rise against the test data, with real messages to quote.

A message "looks like nothing the model was trained on" when a quarter or more of its words are
ones the model's vectorizer never saw (for a model without one, words the test data never had).
Each batch's words are counted on a sample of at most `SAMPLE` messages, so a large batch costs
seconds; the finding's technical words say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SAMPLE = 50_000  # messages per batch whose words are counted
UNLIKE_SHARE = 0.25  # a quarter or more of a message's words new to the model: it looks like nothing it trained on
LENGTH, UNLIKE = " · length", " · unlike"  # derived inputs, watched like any other: `message · length`
NEW_WORDS = " · new words"  # per day, the sum over messages of the share of their words new to the model
KEPT_TERMS = 300  # a batch's most used terms, counted per day in its summary
EXAMPLES = 3  # real messages kept per rising term
LONGEST = 90  # characters of a message quoted


def label(spec, feature: str) -> str:
    """A watched input's name for a reader: 'Message: its length in words' for a text measure."""
    if feature.endswith(LENGTH):
        return f"{spec.label(feature[: -len(LENGTH)])}: its length in words"
    if feature.endswith(UNLIKE):
        return f"{spec.label(feature[: -len(UNLIKE)])}: looks like nothing it was trained on"
    return spec.label(feature)


def _words(message: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", message.lower())


@dataclass
class TextWatch:
    """What a text input looked like in the test data, and how to measure a batch the same way."""

    feature: str
    vocabulary: frozenset = field(default_factory=frozenset)  # the words the model knows (else the test data's)
    term_shares: dict = field(default_factory=dict)  # term -> share of test messages that use it
    new_words_test: float = 0.0  # in the test data, the share of a message's words new to the model, on average

    def unfamiliar(self, messages: pd.Series) -> np.ndarray:
        """Per message, the share of its words the model never saw (a message without words: 1)."""
        known = self.vocabulary
        out = np.ones(len(messages))
        for i, message in enumerate(messages.fillna("").astype(str)):
            words = _words(message)
            if words:
                out[i] = sum(w not in known for w in words) / len(words)
        return out

    @staticmethod
    def lengths(messages: pd.Series) -> np.ndarray:
        return np.array([len(_words(m)) for m in messages.fillna("").astype(str)], float)


def _counter(min_df: int = 2):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(binary=True, ngram_range=(1, 2), min_df=min_df, token_pattern=r"(?u)\b[a-z][a-z0-9']+\b")


def watch(model, messages: pd.Series, feature: str) -> TextWatch:
    """A text input's test data as the yardstick: the model's vocabulary (or the test data's) and
    each term's share of test messages."""
    from core.explaining.text.columns import _column_transformer, text_columns

    vocabulary = None
    if model is not None and feature in text_columns(model):
        step = _column_transformer(model).named_transformers_[text_columns(model)[feature]]
        steps = step.steps if hasattr(step, "steps") else [(None, step)]
        fitted = next((s for _, s in steps if hasattr(s, "vocabulary_")), None)
        if fitted is not None:
            vocabulary = frozenset(w for term in fitted.vocabulary_ for w in str(term).split())
    text = messages.fillna("").astype(str)
    if len(text) > SAMPLE:
        text = text.sample(SAMPLE, random_state=0)
    if vocabulary is None:
        vocabulary = frozenset(w for m in text for w in _words(m))
    shares = {}
    try:
        counts = _counter().fit(text.to_numpy())
        df = np.asarray(counts.transform(text.to_numpy()).sum(axis=0)).ravel() / max(len(text), 1)
        shares = dict(zip(counts.get_feature_names_out().tolist(), df.tolist(), strict=True))
    except ValueError:  # no word used twice
        pass
    return TextWatch(feature, vocabulary, shares)


def batch_terms(watched: TextWatch, messages: pd.Series, day: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(terms, examples) for one batch: per day, how many sampled messages use each of the batch's
    most used terms (the term "" counts the messages sampled), and a few short real messages for
    the terms that rise most against the test data."""
    text = messages.fillna("").astype(str).to_numpy()
    rows = np.arange(len(text))
    if len(rows) > SAMPLE:
        rows = np.sort(np.random.default_rng(0).choice(rows, SAMPLE, replace=False))
    text, day = text[rows], day[rows]
    days, code = np.unique(day, return_inverse=True)
    sampled = pd.DataFrame({"day": days, "feature": watched.feature, "term": "", "count": np.bincount(code)})
    empty = pd.DataFrame(columns=["day", "feature", "term", "message"])
    try:
        counter = _counter().fit(text)
    except ValueError:
        return sampled, empty
    used = counter.transform(text).tocsc()
    total = np.asarray(used.sum(axis=0)).ravel()
    keep = np.argsort(-total, kind="stable")[:KEPT_TERMS]
    names = counter.get_feature_names_out()[keep]
    from scipy import sparse

    by_day = sparse.csr_matrix((np.ones(len(text)), (code, np.arange(len(text)))), shape=(len(days), len(text)))
    counts = np.asarray((by_day @ used[:, keep]).todense())
    d, t = np.nonzero(counts)
    terms = pd.DataFrame({"day": days[d], "feature": watched.feature, "term": names[t], "count": counts[d, t]})
    rise = total[keep] / len(text) - np.array([watched.term_shares.get(n, 0.0) for n in names])
    examples = []
    for j in np.argsort(-rise, kind="stable")[:20]:
        if rise[j] <= 0:
            break
        holders = used[:, keep[j]].nonzero()[0]
        picked = sorted(dict.fromkeys(" ".join(text[i].split()) for i in holders[:200]), key=len)[:EXAMPLES]
        examples += [{"day": day[holders[0]], "feature": watched.feature, "term": names[j],
                      "message": m if len(m) <= LONGEST else m[: LONGEST - 1].rstrip() + "…"} for m in picked]  # fmt: skip
    return pd.concat([sampled, terms], ignore_index=True), pd.DataFrame(examples, columns=empty.columns)


def rising(watched: TextWatch, terms: pd.DataFrame, examples: pd.DataFrame, n: int = 3) -> list[tuple]:
    """The terms that rose most against the test data over `terms` (one feature, any days):
    (term, share now, share in the tests, an example message), biggest rise first, telling terms
    only and no word twice."""
    from core.explaining.text.terms import _pick

    sampled = terms.loc[terms["term"] == "", "count"].sum()
    if sampled <= 0:
        return []
    used = terms[terms["term"] != ""].groupby("term")["count"].sum() / sampled
    test = pd.Series({t: watched.term_shares.get(t, 0.0) for t in used.index}, dtype=float)
    rise = (used - test).sort_values(ascending=False, kind="stable")
    rise = rise[(rise >= 0.02) & (used[rise.index] >= 0.03)]
    rise = rise[[all(len(w) >= 3 for w in t.split()) for t in rise.index]]  # no codes or initials ("gc")
    ordered, words = [], {t for t in rise.index if " " not in t}
    for term in [
        t for t in rise.index if " " not in t
    ]:  # two rising words mostly said together: the pair ("gift card")
        pairs = [t for t in rise.index
                 if " " in t and term in t.split() and set(t.split()) <= words and used[t] >= 0.8 * used[term]]  # fmt: skip
        ordered.append(max(pairs, key=lambda t: used[t]) if " " not in term and pairs else term)
    picked = _pick(list(dict.fromkeys(ordered)), n, every=True)
    found = []
    for term in picked:
        quoted = examples.loc[examples["term"] == term, "message"]
        found.append((term, float(used[term]), float(test[term]), str(quoted.iloc[0]) if len(quoted) else None))
    return found
