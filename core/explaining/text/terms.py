"""A message's words with their shares, and the strongest words for a case, a class or many rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.explaining.text.columns import text_columns
from core.explaining.text.explainers import MaskedWordExplainer, WordExplainer, WordReasons


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
    moved it by a tenth as much; never a word that moved it by less than `least`. Each coloured
    word carries its direction as text too, ↑ raising and ↓ lowering, for a reader who cannot
    tell the colours apart or hears the page read aloud."""
    from core import format as fmt

    strong, mild = _cutoffs(shares, least)
    parts = []
    for token, share in shares:
        if not token[:1].isalnum():  # the gap between words: its marks as text, its spaces kept
            pieces = re.split(r"(\s+)", token)
            parts.append(
                "".join(("  \n" if "\n" in p else " ") if p.isspace() else fmt.literal(p) for p in pieces if p)
            )
            continue
        shown = fmt.literal(token)
        colour, arrow = ("red", "↑") if share > 0 else ("blue", "↓")
        if abs(share) >= strong:
            parts.append(f":{colour}-background[{shown}{arrow}]")
        elif abs(share) >= mild:
            parts.append(f":{colour}[{shown}{arrow}]")
        else:
            parts.append(shown)
    return "".join(parts)


def _cutoffs(shares: list[tuple[str, float]], least: float) -> tuple[float, float]:
    """The shares a word needs to stand on colour, and to be coloured at all."""
    strongest = max((abs(share) for _, share in shares), default=0.0)
    return max(least, strongest / 3), max(least, strongest / 10)


def word_lists(shares: list[tuple[str, float]], least: float = 0.005) -> tuple[list[str], list[str]]:
    """The coloured words of `highlighted` as two lists, strongest first: those raising the
    prediction and those lowering it (a word used twice, once, with its shares added)."""
    _, mild = _cutoffs(shares, least)
    totals: dict[str, float] = {}
    for token, share in shares:
        if token[:1].isalnum() and abs(share) >= mild:
            totals[token.lower()] = totals.get(token.lower(), 0.0) + share
    ordered = sorted(totals, key=lambda word: -abs(totals[word]))
    return [w for w in ordered if totals[w] > 0], [w for w in ordered if totals[w] < 0]


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
