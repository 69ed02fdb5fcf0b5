"""Word explainers: exact shares for a linear model on top of a vectorizer, masking words for any other."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from core.explaining.text.columns import VECTORIZERS, _column_transformer, _vectorizer, text_columns


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


class _RemembersLastRow:
    """Word reasons for the row asked about last are kept: a page asks twice for one edit (the
    case sentence and the coloured words), and a masked explanation is not cheap."""

    _last: tuple = (None, None)

    def explain(self, row: pd.DataFrame) -> WordReasons:
        """Reasons for one row (a one-row frame)."""
        key = (tuple(row.columns), tuple(str(v) for v in row.iloc[0].tolist()))
        last = self._last  # one read: another session may replace it meanwhile
        if last[0] == key:
            return last[1]
        found = self._explain(row)
        self._last = (key, found)
        return found


class WordExplainer(_RemembersLastRow):
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

    exact = True

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in getattr(self.estimator, "classes_", [])]

    def term_strength(self, rows: pd.DataFrame, output: int | None = None) -> dict[str, float]:
        """{term: how hard it pushes toward the answer, on average over rows} (see `word_strength`)."""
        if self.vocabulary is None:
            return {}
        strength = word_strength(self, rows, output)
        return {str(self.vocabulary[j]): float(strength[j]) for j in np.flatnonzero(strength > 0)}

    def words_toward(self, target: int, current: int, n: int) -> list[str]:
        """Single words whose weights favour class `target` over class `current` most."""
        if self.vocabulary is None:
            return []
        block = self.coef[:, self.block]
        if len(block) == 1:  # binary: one weight row, for the second class
            lift = block[0] if target == 1 else -block[0]
        else:
            lift = block[target] - block[current]
        return [str(self.vocabulary[j]) for j in np.argsort(-lift) if " " not in self.vocabulary[j]][:n]

    def _explain(self, row: pd.DataFrame) -> WordReasons:
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
        from core.explaining.explain import to_output_units

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


class MaskedWordExplainer(_RemembersLastRow):
    """Word reasons for any other model that reads a text column: SHAP's text masker hides words
    of the message (the other features held at the row's own values) and its Partition explainer
    shares the change out word by word. The shares add up exactly, with the chance for the message
    with every word hidden, to the chance the app shows; each word's part is an estimate made
    within `max_evals` predictions per message."""

    exact = False

    def __init__(self, model, X: pd.DataFrame, column: str, max_evals: int = 300, seconds: float = 3.0):
        if column not in text_columns(model):
            raise ValueError(f"the model does not read '{column}' as text")
        self.model, self.column, self.X = model, column, X
        self.max_evals, self.seconds = max_evals, seconds
        self.probabilities = hasattr(model, "predict_proba")
        self._strength: dict = {}

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in getattr(self.model, "classes_", [])]

    def _predict(self, row: pd.DataFrame):
        def predict(messages) -> np.ndarray:
            frame = pd.concat([row] * len(messages), ignore_index=True)
            frame[self.column] = [str(m) for m in messages]
            if not self.probabilities:
                return np.asarray(self.model.predict(frame), dtype=float).reshape(-1, 1)
            proba = np.asarray(self.model.predict_proba(frame), dtype=float)
            return proba[:, 1:] if proba.shape[1] == 2 else proba  # binary: the chance of the second class

        return predict

    def _explain(self, row: pd.DataFrame) -> WordReasons:
        import shap

        value = row[self.column].iloc[0]
        message = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        predict = self._predict(row.reset_index(drop=True))
        shown = predict([message])[0]
        zero = np.zeros_like(shown)
        if not re.search(r"\w", message):  # no word to share anything out to
            empty = np.zeros((0, len(shown)))
            return WordReasons(self.column, [], empty, zero, zero, shown, empty, zero, zero, shown, shown)
        explainer = shap.explainers.Partition(predict, shap.maskers.Text(r"\W+", mask_token=" "))
        result = explainer([message], max_evals=self.max_evals, batch_size=self.max_evals, silent=True)
        tokens = [re.sub(r"\W+", " ", str(token)).strip().lower() for token in result.data[0]]
        values = np.asarray(result.values[0], dtype=float).reshape(len(tokens), -1)
        words = np.array([bool(token) for token in tokens], dtype=bool)
        terms = [token for token in tokens if token]
        points, rest = values[words], values[~words].sum(axis=0)  # rest: the marks between words, if any
        base = np.asarray(result.base_values[0], dtype=float).reshape(-1)
        return WordReasons(self.column, terms, points, zero, rest, base, points, zero, rest, base, shown)

    def sample(self, rows: pd.DataFrame) -> list[WordReasons]:
        """Word reasons for as many of `rows` as `seconds` allows (at least five), in a fixed
        random order; kept, so every class's words come from the same messages."""
        import time

        key = (len(rows), tuple(rows.index[:50]), tuple(rows.index[-50:]))
        if key not in self._strength:
            found, started = [], time.perf_counter()
            for i in np.random.default_rng(0).permutation(len(rows)):
                if len(found) >= 5 and time.perf_counter() - started > self.seconds:
                    break
                found.append(self.explain(rows.iloc[[i]]))
            self._strength[key] = found
        return self._strength[key]

    def term_strength(self, rows: pd.DataFrame, output: int | None = None) -> dict[str, float]:
        """{word: how hard it pushes toward the answer, on average over the `sample` of rows}:
        toward class `output`, or each row's own answer."""
        binary = self.probabilities and len(self.classes) == 2
        reasons_ = self.sample(rows)
        totals: dict[str, float] = {}
        for reasons in reasons_:
            if output is not None:
                k, sign = (0, -1.0 if output == 0 else 1.0) if binary else (min(output, len(reasons.shown) - 1), 1.0)
            elif binary:
                k, sign = 0, (1.0 if reasons.shown[0] >= 0.5 else -1.0)
            else:
                k, sign = int(np.argmax(reasons.shown)), 1.0
            for term, share in zip(reasons.terms, reasons.points[:, k], strict=True):
                if sign * share > 0:
                    totals[term] = totals.get(term, 0.0) + sign * share
        return {term: total / max(len(reasons_), 1) for term, total in totals.items()}

    def words_toward(self, target: int, current: int, n: int) -> list[str]:
        """Words that push most toward class `target`, over a sample of the evaluation messages."""
        sample = self.X.iloc[np.linspace(0, len(self.X) - 1, min(len(self.X), 200)).astype(int)]
        strength = self.term_strength(sample, target)
        return sorted(strength, key=lambda term: -strength[term])[:n]


def _dense(values) -> np.ndarray:
    return values.toarray() if hasattr(values, "toarray") else np.asarray(values, dtype=float)


def word_strength(explainer: WordExplainer, rows: pd.DataFrame, output: int | None = None) -> np.ndarray:
    """How hard each vocabulary term pushes, on average over `rows`, toward an answer: toward
    class `output`, or with None toward the answer the model gives each row. Only pushes toward
    the answer count, and only words the messages contain, so a common word that nudges every
    class a little ranks low and the words that make the model say what it says rank high. In the
    model's own units (margin), per term."""
    coef = explainer.coef[:, explainer.block]  # (outputs, terms)
    mean = explainer.mean[explainer.block]
    strength = np.zeros(coef.shape[1])
    for start in range(0, len(rows), 200):  # in chunks: a large vocabulary times many rows is large
        chunk = rows.iloc[start : start + 200]
        values = _dense(explainer.preprocessing.transform(chunk)[:, explainer.block])
        block = np.where(values != 0, values - mean, 0.0)  # the words a message has, not those it lacks
        if output is not None:
            toward = np.broadcast_to(coef[min(output, len(coef) - 1)], block.shape)
            if len(coef) == 1 and output == 0:  # binary: the one weight speaks for the second class
                toward = -toward
        else:
            answer = np.asarray(explainer.model.predict_proba(chunk)).argmax(axis=1)
            toward = coef[answer] if len(coef) > 1 else np.where(answer[:, None] == 1, coef, -coef)
        strength += np.clip(block * toward, 0, None).sum(axis=0)
    return strength / max(len(rows), 1)
