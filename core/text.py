"""Text features: which columns a model reads as text, and exact reasons word by word.

A Pipeline whose ColumnTransformer sends a column through a text vectorizer (TF-IDF, counts,
hashing) reads that column as text. For a linear model on top, each vocabulary term's share of a
prediction is exact: its weight times how far this message's value for the term is from the
average message's (the same as Linear SHAP on the vectorised columns). The terms of one message
add up, with the terms it lacks and the other features, to the model's own margin; converted to
probability points they add up to the chance the app shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

VECTORIZERS = ("TfidfVectorizer", "CountVectorizer", "HashingVectorizer")


def _is_vectorizer(step) -> bool:
    if isinstance(step, Pipeline):
        return any(_is_vectorizer(inner) for _, inner in step.steps)
    return type(step).__name__ in VECTORIZERS


def _vectorizer(step):
    if isinstance(step, Pipeline):
        return next(inner for _, inner in step.steps if type(inner).__name__ in VECTORIZERS)
    return step


def _column_transformer(model) -> ColumnTransformer | None:
    if isinstance(model, ColumnTransformer):
        return model
    if isinstance(model, Pipeline):
        return next((step for _, step in model.steps if isinstance(step, ColumnTransformer)), None)
    return None


def text_columns(model) -> dict[str, str]:
    """{column: transformer name} for every column a fitted model's ColumnTransformer vectorises as text."""
    ct = _column_transformer(model)
    if ct is None or not hasattr(ct, "transformers_"):
        return {}
    found = {}
    for name, transformer, columns in ct.transformers_:
        if isinstance(columns, str) and _is_vectorizer(transformer):
            found[columns] = name
    return found


@dataclass(frozen=True)
class WordReasons:
    """One message's reasons, term by term, in the model's own units (margin) and in probability points.

    `terms[i]` moved output k by `margin[i, k]` (its weight times how far this message's value for
    the term is from the average message's); `absent` is what the terms the message lacks
    contribute, `rest` what every other feature contributes. `base + margin.sum(0) + absent + rest`
    equals the model's margin, and the same holds in probability points (`points`, ...).
    """

    column: str
    terms: list[str]
    margin: np.ndarray  # (terms, outputs)
    absent_margin: np.ndarray  # (outputs,)
    rest_margin: np.ndarray
    base_margin: np.ndarray
    points: np.ndarray  # (terms, outputs), probability points
    absent_points: np.ndarray
    rest_points: np.ndarray
    base_points: np.ndarray
    shown: np.ndarray  # (outputs,) the chance the app shows for each output


class WordExplainer:
    """Exact word-level reasons for a Pipeline(ColumnTransformer with a text vectorizer, linear model)."""

    def __init__(self, model, X: pd.DataFrame, column: str, background_rows: int = 500):
        if not isinstance(model, Pipeline) or len(model.steps) < 2:
            raise ValueError("word reasons need a Pipeline that ends in a linear model")
        self.model, self.column = model, column
        self.preprocessing, self.estimator = model[:-1], model[-1]
        if not hasattr(self.estimator, "coef_"):
            raise ValueError(f"{type(self.estimator).__name__} has no weights to read word reasons from")
        ct = _column_transformer(self.preprocessing)
        name = text_columns(model).get(column)
        if ct is None or name is None:
            raise ValueError(f"the model does not read '{column}' as text")
        if len(self.preprocessing.steps) != 1:
            raise ValueError("word reasons need the ColumnTransformer to be the only preprocessing step")
        self.block = ct.output_indices_[name]
        step = ct.named_transformers_[name]
        if isinstance(step, Pipeline) and type(step.steps[-1][1]).__name__ not in VECTORIZERS:
            raise ValueError("the text is transformed again after the vectorizer, so its columns are not words")
        vectorizer = _vectorizer(step)
        names = getattr(vectorizer, "get_feature_names_out", None)
        self.vocabulary = np.asarray(names()) if names is not None else None
        width = self.block.stop - self.block.start
        if self.vocabulary is not None and len(self.vocabulary) != width:
            raise ValueError("the vectorizer's words do not line up with the model's columns")
        sample = X.iloc[np.linspace(0, len(X) - 1, min(len(X), background_rows)).astype(int)]
        self.mean = np.asarray(_dense(self.preprocessing.transform(sample)).mean(axis=0)).ravel()
        self.coef = np.atleast_2d(self.estimator.coef_)  # (outputs, columns)
        self.intercept = np.atleast_1d(self.estimator.intercept_)

    def explain(self, row: pd.DataFrame) -> WordReasons:
        """Reasons for one row (a one-row frame)."""
        x = _dense(self.preprocessing.transform(row)).ravel()
        delta = (x - self.mean)[None, :] * self.coef  # (outputs, columns)
        base = self.intercept + self.coef @ self.mean
        inside = np.zeros(len(x), dtype=bool)
        inside[self.block] = True
        present = inside & (x != 0)
        idx = np.flatnonzero(present)
        terms = [
            str(self.vocabulary[j - self.block.start]) if self.vocabulary is not None else f"term {j}" for j in idx
        ]
        margin = delta[:, idx].T
        absent = delta[:, inside & ~present].sum(axis=1)
        rest = delta[:, ~inside].sum(axis=1)
        from core.explain import to_output_units

        shown = np.asarray(self.model.predict_proba(row), dtype=float).ravel()
        shown_out = shown[1:] if len(base) == 1 else shown  # binary: one margin speaks for the second class
        parts = np.vstack([margin, absent, rest])[None]  # (1, terms + 2, outputs): every part of the margin
        points, base_out = to_output_units(parts, base, shown_out[None], "binary" if len(base) == 1 else "multiclass")
        return WordReasons(
            column=self.column,
            terms=terms,
            margin=margin,
            absent_margin=absent,
            rest_margin=rest,
            base_margin=base,
            points=points[0, : len(terms)],
            absent_points=points[0, -2],
            rest_points=points[0, -1],
            base_points=base_out,
            shown=shown_out,
        )


def _dense(values) -> np.ndarray:
    return values.toarray() if hasattr(values, "toarray") else np.asarray(values, dtype=float)


def word_shares(reasons: WordReasons, message: str, output: int = 0) -> list[tuple[str, float]]:
    """The message split into words and the gaps between them, each word with its share of the
    prediction in probability points (a two-word term's share split between its words; gaps 0)."""
    import re

    by_word: dict[str, float] = {}
    for term, share in zip(reasons.terms, reasons.points[:, output], strict=True):
        words = term.split()
        for word in words:
            by_word[word] = by_word.get(word, 0.0) + share / len(words)
    counts: dict[str, int] = {}
    tokens = re.findall(r"\w+|\W+", message)
    for token in tokens:
        counts[token.lower()] = counts.get(token.lower(), 0) + 1
    # a word that appears twice carries its share once in the model: split it between the copies
    return [
        (
            token,
            by_word.get(token.lower(), 0.0) / counts[token.lower()] if token.strip() and token[0].isalnum() else 0.0,
        )
        for token in tokens
    ]


def highlighted(shares: list[tuple[str, float]], least: float = 0.005) -> str:
    """Markdown with each word that moved the prediction by at least `least` on a coloured
    background: red raises the chance, blue lowers it (Streamlit's own colour directives)."""
    import re

    from core import format as fmt

    parts = []
    for token, share in shares:
        if not token[:1].isalnum():  # the gap between words: its marks as text, its spaces kept
            pieces = re.split(r"(\s+)", token)
            parts.append(
                "".join(("  \n" if "\n" in p else " ") if p.isspace() else fmt.literal(p) for p in pieces if p)
            )
            continue
        shown = fmt.literal(token)
        if abs(share) >= least:
            parts.append(f":{'red' if share > 0 else 'blue'}-background[{shown}]")
        else:
            parts.append(shown)
    return "".join(parts)


@dataclass(frozen=True)
class WordFlip:
    """The fewest words to remove from (or add to) a message to change what the model does with it."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    message: str  # the message with the change made
    decision: object  # the model's decision for it (whatif.Decision), checked by predicting again


def _without(message: str, word: str) -> str:
    import re

    return re.sub(rf"(?i)\b{re.escape(word)}\b", "", message).replace("  ", " ").strip()


def fewest_words(
    explainer: WordExplainer, row: pd.DataFrame, decide, output: int, most: int = 3, sign: float = 1.0
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
    if explainer.vocabulary is None or explainer.coef.shape[0] < 2:
        return None
    proba = reasons.shown
    runner = int(np.argsort(-proba)[1]) if len(proba) > 1 else None
    if runner is None:
        return None
    block = explainer.coef[:, explainer.block]
    lift = block[runner] - block[output]
    candidates = [explainer.vocabulary[j] for j in np.argsort(-lift) if " " not in explainer.vocabulary[j]][:most]
    edited, added = message, []
    for word in candidates:
        edited, added = f"{edited} {word}".strip(), [*added, str(word)]
        after = decide(row.assign(**{column: edited}))
        if not after.same_as(before):
            return WordFlip((), tuple(added), edited, after)
    return None


def word_flip_sentence(flip: WordFlip | None, label: str, outcome: str) -> str:
    """ "Removing the words 'refund' and 'invoice' from the message, the model would send this ticket to shipping." """
    if flip is None:
        return f"No change of up to three words in the {label.lower()} changes what the model does with it."
    words = flip.removed or flip.added
    quoted = [f"'{w}'" for w in words]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    noun = "word" if len(words) == 1 else "words"
    verb = "Removing" if flip.removed else "Adding"
    where = "from" if flip.removed else "to"
    return f"{verb} the {noun} {listed} {where} the {label.lower()}, the model would {outcome}."


def top_words(explainer: WordExplainer, rows: pd.DataFrame, output: int | None = None, n: int = 3) -> list[str]:
    """The terms that move the model's answer most across `rows`: mean absolute share (weight times
    distance from the average message), for one output or, with None, summed over all."""
    x = explainer.preprocessing.transform(rows)
    block = x[:, explainer.block]
    block = block.toarray() if hasattr(block, "toarray") else np.asarray(block, dtype=float)
    centred = np.abs(block - explainer.mean[explainer.block])  # (rows, terms)
    weights = np.abs(explainer.coef[:, explainer.block])  # (outputs, terms)
    if output is not None and weights.shape[0] > 1:
        weights = weights[output : output + 1]
    strength = (centred.mean(axis=0)[None, :] * weights).sum(axis=0)
    order = np.argsort(-strength)[:n]
    if explainer.vocabulary is None:
        return []
    return [str(explainer.vocabulary[j]) for j in order if strength[j] > 0]


def word_explainers(model, X: pd.DataFrame) -> dict[str, WordExplainer]:
    """{text column: its exact word-level explainer}, for each text column a linear model reads."""
    found = {}
    for column in text_columns(model) if model is not None else {}:
        try:
            found[column] = WordExplainer(model, X, column)
        except ValueError:  # not a linear model over the vectorizer: no exact word reasons
            pass
    return found


def words_for(
    explainers: dict[str, WordExplainer], rows: pd.DataFrame, output: int | None = None
) -> dict[str, list[str]]:
    """{text feature: the words that matter most across `rows`}, from `word_explainers`."""
    found = {column: top_words(explainer, rows, output) for column, explainer in explainers.items()}
    return {column: words for column, words in found.items() if words}
