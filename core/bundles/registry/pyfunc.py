"""An MLflow pyfunc model (any flavour without the scikit-learn one) made to answer like a scikit-learn model.

A pyfunc's `predict` returns whatever its author chose. For a classifier it must return one chance
per class: a frame with a column per class (read by name) or an array with a column per class (in
the sorted order of the labels, which the card says). A binary classifier may return the chance of
the second label alone. A regression model returns its estimate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.bundles.contract import BundleError


class PyfuncModel:
    """`predict`, `predict_proba` and `classes_` over an MLflow pyfunc model kept in a folder.

    Pickled as its folder, task and classes; the model itself is loaded again from the folder.
    """

    kind_name = "MLflow pyfunc model"

    def __init__(self, folder: str, task: str, classes: list | None, columns: list[str] | None, names: list[str]):
        self.folder, self.task = folder, task
        self._columns = columns  # the output's columns for each class, when it names them
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        if task != "regression":
            self.classes_ = np.asarray(classes, dtype=object if any(isinstance(c, str) for c in classes) else None)
        self._load()

    def _load(self) -> None:
        import mlflow.pyfunc

        self._model = mlflow.pyfunc.load_model(self.folder)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_model"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._load()

    def _output(self, X: pd.DataFrame):
        return self._model.predict(X[list(self.feature_names_in_)])

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return chances(self._output(X), len(self.classes_), self._columns)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return np.asarray(self._output(X), dtype=float).reshape(-1)
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def chances(output: Any, n_classes: int, columns: list[str] | None) -> np.ndarray:
    """One chance per class from a pyfunc's output (see the module's rules)."""
    if isinstance(output, pd.DataFrame) and columns is not None:
        output = output[columns]
    values = np.asarray(output, dtype=float)
    if values.ndim == 1 or (values.ndim == 2 and values.shape[1] == 1):
        values = values.reshape(-1)
        if n_classes != 2:
            raise ValueError("one number a row answers only a binary model")
        return np.column_stack([1 - values, values])
    if values.shape[1] != n_classes:
        raise ValueError(f"{values.shape[1]} numbers a row for {n_classes} classes")
    return values


def wrap(folder: str, task: str, sample: pd.DataFrame, labels: list, names: list[str]) -> tuple[PyfuncModel, str]:
    """The wrapped model and the sentence that says how its output was read; BundleError when it
    cannot be read as the task needs."""
    import mlflow.pyfunc

    model = mlflow.pyfunc.load_model(folder)
    output = model.predict(sample[names])
    if task == "regression":
        values = np.asarray(output, dtype=float)
        if values.size != len(sample):
            raise _cannot(f"it returns {values.size} numbers for {len(sample)} rows")
        return PyfuncModel(folder, task, None, None, names), "Its estimates are what its pyfunc predict returns."
    labels = sorted(labels, key=str)
    columns = None
    if isinstance(output, pd.DataFrame) and {str(c) for c in labels} <= {str(c) for c in output.columns}:
        by_text = {str(c): c for c in output.columns}
        columns = [by_text[str(label)] for label in labels]
        how = "Its chances are read from the output columns named after each class."
    elif (
        isinstance(output, pd.DataFrame | np.ndarray | list)
        and np.asarray(output).ndim == 2
        and np.asarray(output).shape[1] == len(labels)
    ):
        how = (
            "Its output has no class names, so its columns were read as the classes in sorted order "
            f"({', '.join(str(label) for label in labels)})."
        )
    elif task == "binary" and np.asarray(output).size == len(sample):
        how = (
            f"Its output is one number a row, read as the chance of '{labels[-1]}' (the second label in sorted order)."
        )
    else:
        raise _cannot("its output is not one chance per class")
    try:
        found = chances(output, len(labels), columns)
    except (ValueError, TypeError) as exc:
        raise _cannot(str(exc)) from None
    if not (np.all(found >= -1e-9) and np.all(found <= 1 + 1e-9)):
        raise _cannot("its output holds numbers outside 0 to 1, which are not chances")
    return PyfuncModel(folder, task, labels, columns, names), how


def _cannot(why: str) -> BundleError:
    return BundleError(
        f"The model's pyfunc output cannot be read as this task needs: {why}.",
        "Log a classifier whose predict returns one chance per class (a column per class), or log it with "
        "the scikit-learn flavour.",
        field="model",
    )
