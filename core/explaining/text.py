"""Text features: which columns a model reads as text, and exact reasons word by word.

A Pipeline whose ColumnTransformer sends a column through a text vectorizer (TF-IDF, counts,
hashing) reads that column as text. For a linear model on top, each vocabulary term's share of a
prediction is exact: its weight times how far this message's value for the term is from the
average message's (the same as Linear SHAP on the vectorised columns). The terms of one message
add up, with the terms it lacks and the other features, to the model's own margin; converted to
probability points they add up to the chance the app shows.
"""

from __future__ import annotations

import re
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


def term_counter(model, column: str):
    """A function giving how many of a message's terms the model's vectorizer knows (0: it reads
    nothing from the message), or None when the model does not read `column` as text."""
    ct = _column_transformer(model)
    name = text_columns(model).get(column)
    if ct is None or name is None:
        return None
    step = ct.named_transformers_[name]
    if isinstance(step, Pipeline):  # the steps up to and including the vectorizer
        last = next(i for i, (_, inner) in enumerate(step.steps) if type(inner).__name__ in VECTORIZERS)
        step = step[: last + 1]

    def count(message: str) -> int:
        try:
            return int(step.transform([message]).getnnz())
        except Exception:  # a step that wants other input: no claim either way, so no warning
            return 1

    return count


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


def word_shares(reasons: WordReasons, message: str, output: int = 0) -> list[tuple[str, float]]:
    """The message split into words and the gaps between them, each word with its share of the
    prediction in probability points (a two-word term's share split between its words; gaps 0)."""
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
    """Markdown with the words that moved the prediction in colour, red raising the chance and
    blue lowering it (Streamlit's own colour directives): on a coloured background the words that
    moved it by at least a third as much as the strongest word, in coloured letters those that
    moved it by a tenth as much; never a word that moved it by less than `least`."""
    from core import format as fmt

    strongest = max((abs(share) for _, share in shares), default=0.0)
    strong, mild = max(least, strongest / 3), max(least, strongest / 10)
    parts = []
    for token, share in shares:
        if not token[:1].isalnum():  # the gap between words: its marks as text, its spaces kept
            pieces = re.split(r"(\s+)", token)
            parts.append(
                "".join(("  \n" if "\n" in p else " ") if p.isspace() else fmt.literal(p) for p in pieces if p)
            )
            continue
        shown = fmt.literal(token)
        colour = "red" if share > 0 else "blue"
        if abs(share) >= strong:
            parts.append(f":{colour}-background[{shown}]")
        elif abs(share) >= mild:
            parts.append(f":{colour}[{shown}]")
        else:
            parts.append(shown)
    return "".join(parts)


def word_steps(reasons: WordReasons, output: int = 0, top: int = 8, sign: float = 1.0) -> tuple[float, pd.DataFrame]:
    """(starting point, steps) for a waterfall of one message's words: the chance without the
    message's words' shares, then the `top` words by size (a word used twice, once), then the rest
    together; the steps end at the chance shown. `sign` -1 turns a binary chance into the other class's."""
    shares: dict[str, float] = {}
    for term, share in zip(reasons.terms, reasons.points[:, output], strict=True):
        shares[term] = shares.get(term, 0.0) + sign * float(share)
    ordered = sorted(shares, key=lambda term: -abs(shares[term]))
    shown = float(reasons.shown[output]) if sign > 0 else 1.0 - float(reasons.shown[output])
    start = shown - sum(shares.values())
    rows = [{"feature": "", "label": f"'{term}'", "value": "", "contribution": shares[term]} for term in ordered[:top]]
    if len(ordered) > top:
        rest = ordered[top:]
        rows.append(
            {
                "feature": "",
                "label": f"{len(rest)} other words",
                "value": "",
                "contribution": sum(shares[t] for t in rest),
            }
        )
    return start, pd.DataFrame(rows, columns=["feature", "label", "value", "contribution"])


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


def _telling(term: str, every: bool = False) -> bool:
    """Whether a term says something a reader can use: some of its words (all, with `every`) are
    neither function words ('to', 'for the') nor bare numbers. Function words carry weight in a
    model but tell a reader nothing about what it listens for."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    test = all if every else any
    return test(word not in ENGLISH_STOP_WORDS and not word.isdigit() for word in term.split())


def _repeats(term: str, named: list[str]) -> bool:
    """True when a word of `term` is already named, or is one with another ending ('card', 'cards')."""
    words = [w for f in named for w in f.split()]
    return any(a.startswith(b) or b.startswith(a) for a in term.split() for b in words)


def _pick(ordered, n: int, every: bool = False) -> list[str]:
    """The first `n` telling terms of `ordered` (strongest first), none repeating a word already picked."""
    found: list[str] = []
    for term in ordered:
        if len(found) == n:
            break
        if _telling(term, every) and not _repeats(term, found):
            found.append(term)
    return found


def top_words(explainer, rows: pd.DataFrame, output: int | None = None, n: int = 3) -> list[str]:
    """The terms that push hardest toward the answer across `rows` (`term_strength`), leaving
    out terms of function words only, and a term whose word is already named."""
    strength = explainer.term_strength(rows, output)
    return _pick(sorted(strength, key=lambda term: (-strength[term], term)), n)


def word_explainers(model, X: pd.DataFrame) -> dict:
    """{text column: its word-level explainer}: exact for a linear model over the vectorizer,
    SHAP's text masker for any other model that reads the column as text."""
    found = {}
    for column in text_columns(model) if model is not None else {}:
        try:
            found[column] = WordExplainer(model, X, column)
        except ValueError:  # not a linear model over the vectorizer: words masked out instead
            found[column] = MaskedWordExplainer(model, X, column)
    return found


def output_index(explainer, label) -> int:
    """The column of word reasons for class `label` (0 for a binary model's single chance)."""
    classes = explainer.classes
    if label is None or len(classes) <= 2:
        return 0
    return classes.index(str(label)) if str(label) in classes else 0


def case_words(explainers: dict[str, WordExplainer], row: pd.DataFrame, label=None, n: int = 2) -> dict[str, list[str]]:
    """{text feature: the words of this one message that pushed most, in the direction its words
    push overall}, for the chance of class `label` (binary: the one chance)."""
    found = {}
    for column, explainer in explainers.items():
        reasons = explainer.explain(row)
        shares = reasons.points[:, output_index(explainer, label)]
        direction = 1.0 if shares.sum() >= 0 else -1.0
        order = np.argsort(-direction * shares, kind="stable")
        words = [
            reasons.terms[j]
            for j in order
            if direction * shares[j] > 0 and " " not in reasons.terms[j] and _telling(reasons.terms[j])
        ]
        if words[:n]:
            found[column] = words[:n]
    return found


def class_words(explainer, rows: pd.DataFrame, n: int = 4) -> dict[str, list[str]]:
    """{class: the words that push hardest toward it in the rows the model gives that answer}, for
    every class the model knows: what makes it say each answer, not words every message shares."""
    answers = np.asarray(explainer.model.predict(rows)).astype(str)
    found = {}
    for k, label in enumerate(explainer.classes):
        mine = rows[answers == label]
        found[label] = top_words(explainer, mine, k, n) if len(mine) else []
    return found


def words_for(
    explainers: dict[str, WordExplainer], rows: pd.DataFrame, output: int | None = None
) -> dict[str, list[str]]:
    """{text feature: the words that matter most across `rows`}, from `word_explainers`."""
    found = {column: top_words(explainer, rows, output) for column, explainer in explainers.items()}
    return {column: words for column, words in found.items() if words}


# --- what people ask that the model was never built for, in their own words ------------------


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
