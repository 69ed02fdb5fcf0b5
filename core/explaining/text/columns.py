"""Which columns a model reads as text, and how the model counts a message's terms."""

from __future__ import annotations

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
    """{column: transformer name} for every column a fitted model's ColumnTransformer vectorises as
    text, and CatBoost's own `text_features` (named "catboost")."""
    catboost = _catboost_text(model)
    if catboost:
        return catboost
    ct = _column_transformer(model)
    if ct is None or not hasattr(ct, "transformers_"):
        return {}
    found = {}
    for name, transformer, columns in ct.transformers_:
        if isinstance(columns, str) and _is_vectorizer(transformer):
            found[columns] = name
    return found


def _catboost_text(model) -> dict[str, str]:
    """The columns a fitted CatBoost model reads as text (its `text_features`, by name or position)."""
    if type(model).__module__.split(".")[0] != "catboost":
        return {}
    try:
        declared = model.get_param("text_features") or []
        names = list(model.feature_names_ or [])
    except Exception:  # noqa: BLE001 - a CatBoost object that cannot say: no text columns
        return {}
    return {names[c] if isinstance(c, int) and c < len(names) else str(c): "catboost" for c in declared}


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
