"""SHAP for any model: the explainer it needs, encoded columns added back up, probability points."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bundles.native import NativeModel

SAMPLE_SIZE = 2000
BACKGROUND_SIZE = 100
AGNOSTIC_BACKGROUND = 30
TIME_BUDGET_SECONDS = 12.0  # a first explanation, explainer built and sample explained, within 15 s
BUDGET_ENV = "MODELBRIEF_EXPLAIN_SECONDS"  # a deployment that would rather wait longer for a fuller sample


def budget_seconds() -> float:
    """Seconds a first explanation may take: $MODELBRIEF_EXPLAIN_SECONDS when it is a number from
    1 to 3600, else TIME_BUDGET_SECONDS."""
    import os

    try:
        seconds = float(os.environ.get(BUDGET_ENV, ""))
    except ValueError:
        return TIME_BUDGET_SECONDS
    return seconds if 1 <= seconds <= 3600 else TIME_BUDGET_SECONDS


PACE_ROWS = 5  # a permutation explainer times this many rows first, then sizes the sample to the budget
TREE_BATCH = 250  # margin explainers work through the sample in batches, reporting progress after each
ADDITIVITY_TOLERANCE = 1e-6

METHOD_NOTES = {
    "tree": "exact contributions computed from the model's own trees",
    "linear": "each feature's weight times how far its value is from the average",
    "permutation": "contributions estimated by swapping each feature for typical values and watching the "
    "prediction move (an estimate)",
}
METHOD_NAMES = {"tree": "Tree SHAP", "linear": "Linear SHAP", "permutation": "Permutation SHAP"}
TREE_MODULES = ("lightgbm", "xgboost", "catboost")
TREE_CLASSES = (
    "DecisionTree",
    "ExtraTree",
    "RandomForest",
    "ExtraTrees",
    "GradientBoosting",
    "HistGradientBoosting",
    "IsolationForest",
)
LINEAR_CLASSES = (
    "LogisticRegression",
    "LinearRegression",
    "Ridge",
    "RidgeClassifier",
    "Lasso",
    "ElasticNet",
    "SGDClassifier",
    "SGDRegressor",
    "LinearSVC",
    "LinearSVR",
    "BayesianRidge",
    "HuberRegressor",
    "PoissonRegressor",  # GLMs: linear on the link (log) scale, turned into the estimate proportionally
    "GammaRegressor",
    "TweedieRegressor",
)


@dataclass(frozen=True)
class Explanation:
    """Contributions for a sample of evaluation rows.

    `values[i, j, k]`: how much original feature j moved output k for sampled row i, in
    probability points (classifiers) or target units (regression); `base[k] + values[i, :, k].sum()`
    equals `predicted[i, k]`, the prediction the app shows.
    """

    method: str
    features: list[str]
    outputs: list[str]  # class names (binary: the positive class only), or ["prediction"]
    rows: np.ndarray  # positions of the sampled rows in the evaluation frame
    values: np.ndarray
    base: np.ndarray
    predicted: np.ndarray
    seconds: float
    planned: int | None = None  # rows chosen for the sample; more than len(rows) when the time budget ran out
    budget: float | None = None  # the time budget, in seconds
    scale: str | None = None  # the model's own scale it was explained on, when not the estimate's (a log link)

    @property
    def cut_short(self) -> bool:
        """Whether the time budget stopped the explainer before every sampled row was explained."""
        return self.planned is not None and self.planned > len(self.rows)

    @property
    def note(self) -> str:
        """What the method does, in words (and on which scale, when not the estimate's)."""
        if self.scale:
            return (
                f"{METHOD_NOTES[self.method]}, worked out on {self.scale} and shared out in proportion "
                "so they add up to the estimate"
            )
        return METHOD_NOTES[self.method]

    @property
    def method_name(self) -> str:
        return METHOD_NAMES[self.method]

    def additivity_error(self) -> float:
        return float(np.abs(self.base + self.values.sum(axis=1) - self.predicted).max())


def explainer_kind(estimator) -> str:
    """Which explainer suits a fitted estimator: 'tree', 'linear' or 'permutation'."""
    name = type(estimator).__name__
    module = type(estimator).__module__.split(".")[0]
    if module in TREE_MODULES or any(name.startswith(c) for c in TREE_CLASSES):
        return "tree"
    if name in LINEAR_CLASSES and hasattr(estimator, "coef_"):
        return "linear"
    return "permutation"


def step_is_passthrough(steps) -> bool:
    return all(step is None or step == "passthrough" for _, step in steps)


def split_pipeline(model) -> tuple[object | None, object]:
    """(preprocessing, final estimator); preprocessing is None for a bare estimator."""
    from sklearn.pipeline import Pipeline  # here, not at the top: a page with stored explanations never needs it

    if isinstance(model, Pipeline) and len(model.steps) > 1:
        # resamplers (imbalanced-learn) act only while fitting: at prediction the rows pass them untouched
        kept = [(name, step) for name, step in model.steps[:-1] if not hasattr(step, "fit_resample")]
        if not kept or step_is_passthrough(kept):
            return None, model[-1]
        return (model[:-1] if len(kept) == len(model.steps) - 1 else Pipeline(kept)), model[-1]
    if isinstance(model, NativeModel):  # a native Booster: its trees explained exactly
        return None, model.booster
    return None, model


def _transformer_outputs(transformer, columns: list[str]) -> list[str] | None:
    try:
        return [str(n) for n in transformer.get_feature_names_out(columns)]
    except Exception:
        return None


def column_groups(preprocessing, features: list[str], n_transformed: int) -> np.ndarray:
    """For each transformed column, the position of the original column it came from.

    Works through ColumnTransformers (1:1 transformers by position; one-hot encoders by their
    category names) and any 1:1 preprocessing; -1 marks a column that cannot be traced.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    ct = None
    if isinstance(preprocessing, ColumnTransformer):
        ct = preprocessing
    elif isinstance(preprocessing, Pipeline):
        ct = next((step for _, step in preprocessing.steps if isinstance(step, ColumnTransformer)), None)
    if ct is None:
        return np.arange(n_transformed) if n_transformed == len(features) else np.full(n_transformed, -1)
    groups: list[int] = []
    for _name, transformer, columns in ct.transformers_:
        if transformer == "drop" or (hasattr(columns, "__len__") and len(columns) == 0):
            continue
        columns = [features[c] if isinstance(c, (int, np.integer)) else str(c) for c in np.atleast_1d(columns)]
        if transformer == "passthrough":
            outputs = columns
        else:
            outputs = _transformer_outputs(transformer, columns) or []
        if len(outputs) == len(columns):
            groups += [features.index(c) for c in columns]
        elif len(columns) == 1:
            groups += [features.index(columns[0])] * len(outputs)
        else:
            for output in outputs:  # one-hot style: "contract_month-to-month" belongs to "contract"
                owners = [c for c in columns if output == c or output.startswith(f"{c}_")]
                groups.append(features.index(max(owners, key=len)) if owners else -1)
    return np.array(groups) if len(groups) == n_transformed else np.full(n_transformed, -1)


def sample_rows(labels: np.ndarray, size: int = SAMPLE_SIZE, seed: int = 0) -> np.ndarray:
    """A stratified sample of row positions (by label), sorted; all rows when there are few."""
    n = len(labels)
    if n <= size:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    # each label as a code, the codes in the sorted order of the labels as text: factorized once,
    # then only the distinct labels written as text (no string per row)
    codes, distinct = pd.factorize(pd.Series(labels), sort=False)
    as_text, uniques = pd.factorize(pd.Index([str(u) for u in distinct], dtype=object), sort=True)
    codes = np.where(codes >= 0, np.append(as_text, -1)[codes], -1)
    chosen = []
    for code in range(len(uniques)):
        members = np.flatnonzero(codes == code)
        take = max(1, round(size * len(members) / n))
        chosen.append(rng.choice(members, min(take, len(members)), replace=False))
    picked = np.concatenate(chosen)
    if len(picked) > size:
        picked = rng.choice(picked, size, replace=False)
    return np.sort(picked)


def with_rows(rows: np.ndarray, wanted: list[int], strata: np.ndarray) -> np.ndarray:
    """The sample `rows` holding the `wanted` rows too, at the same size: each wanted row not in it
    takes the place of the first sampled row of its own stratum (label), so the sample stays
    stratified, or of the first sampled row when none shares it; sorted.

    >>> with_rows(np.array([0, 2, 4, 6]), [3], np.array(["a", "b", "c", "c", "a", "b", "a"]))
    array([0, 3, 4, 6])
    >>> with_rows(np.array([0, 2, 4, 6]), [5], np.array(["a", "b", "c", "c", "a", "b", "a"]))
    array([2, 4, 5, 6])
    """
    rows = np.asarray(rows)
    for row in wanted:
        if row in rows:
            continue
        others = rows[~np.isin(rows, wanted)]
        same = others[strata[others] == strata[row]]
        if len(same) or len(others):
            rows = rows[rows != (same[0] if len(same) else others[0])]
        rows = np.sort(np.append(rows, row).astype(rows.dtype))
    return rows


def _to_array(values) -> np.ndarray:
    return values.toarray() if hasattr(values, "toarray") else np.asarray(values, dtype=float)


def through_link(margin: np.ndarray, task: str) -> np.ndarray:
    """Margins (log-odds) as the chances a classifier shows: the sigmoid of a binary model's one
    margin, the softmax of a multiclass model's margins (along the last axis)."""
    if task == "binary":
        return 1 / (1 + np.exp(-margin))
    exp = np.exp(margin - margin.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def _margin_matches(values, base, shown: np.ndarray, task: str, tolerance: float = 1e-4, inverse=None) -> bool:
    """Whether margin contributions, through the model's link, give the prediction it shows
    (`inverse`: a regression's link back to the estimate, e.g. exp for a log link)."""
    raw = base + values.sum(axis=1)
    if task == "regression":
        raw = inverse(raw) if inverse is not None else raw
        return raw.shape == shown.shape and bool(np.allclose(raw, shown, rtol=tolerance, atol=tolerance))
    if task == "binary" and raw.shape[1] == 1:
        shown = shown[:, 1:]
    elif raw.shape != shown.shape:
        return False
    linked = through_link(raw, "binary" if raw.shape[1] == 1 else "multiclass")
    return bool(np.allclose(linked, shown, atol=tolerance) or np.allclose(raw, shown, atol=tolerance))


def to_output_units(values, base, shown: np.ndarray, task: str, inverse=None):
    """Turn margin (log-odds) contributions into probability points that add up to `shown`.

    Where the explainer already answers in the shown units, nothing changes. Otherwise each row's
    contributions are scaled by (shown - shown base) / (margin - margin base), which keeps their
    proportions and makes them add up exactly to the probability shown.
    """
    raw = base + values.sum(axis=1)
    if inverse is None and raw.shape == shown.shape and np.allclose(raw, shown, atol=1e-6):
        # already in the shown units: what is left is the model's own float32 rounding (relative 1e-7,
        # so 0.003 on an estimate of 3,000), spread evenly so the contributions add up exactly
        return values + ((shown - raw) / values.shape[1])[:, None, :], base
    if task in ("binary", "multiclass"):
        shown_base = through_link(base, task)
    elif inverse is not None:  # a regression on its own scale (log, a transformed target): back to the estimate
        shown_base = np.asarray(inverse(np.asarray(base, dtype=float)[None, :]), dtype=float)[0]
    else:  # regression: the model's own float32 arithmetic can leave a rounding error to spread
        shown_base = base
    change, margin = shown - shown_base, raw - base
    slope = (
        np.ones_like(shown) if task == "regression" else shown * (1 - shown)
    )  # the limit of the ratio when the margin barely moves
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(np.abs(margin) > 1e-9, change / np.where(np.abs(margin) > 1e-9, margin, 1), slope)
    return values * factor[:, None, :], shown_base


def _own_scale(estimator):
    """(what to explain, how its output becomes the estimate, the scale in words).

    A TransformedTargetRegressor is explained through the model inside it, on the transformed
    scale; a GLM with a log link on that link. Their contributions are then turned into the
    estimate proportionally (`to_output_units`), so they add up to what the app shows."""
    from sklearn.compose import TransformedTargetRegressor

    if isinstance(estimator, TransformedTargetRegressor) and hasattr(estimator, "regressor_"):
        if estimator.transformer_ is not None and hasattr(estimator.transformer_, "inverse_transform"):
            back = estimator.transformer_.inverse_transform
        else:
            back = estimator.inverse_func or (lambda z: z)
        inner = estimator.regressor_
        _, inner_back, _ = _own_scale(inner)  # a GLM inside: its link first, then the target's

        def inverse(z):
            z = np.asarray(z, dtype=float)
            flat = inner_back(z) if inner_back is not None else z
            return np.asarray(back(flat.reshape(-1, 1)), dtype=float).reshape(z.shape)

        return inner, inverse, "the transformed target the model was fitted on"
    link = getattr(estimator, "_base_loss", None)
    if link is not None and type(getattr(link, "link", None)).__name__ == "LogLink":
        return estimator, np.exp, "the log of the estimate"
    return estimator, None, None


AVERAGING = ("BaggingClassifier", "BaggingRegressor", "VotingClassifier", "VotingRegressor")


class _MembersShap:
    """Exact contributions for a model that averages its members' answers (bagging, soft voting):
    each member explained exactly (trees, linear models), their contributions averaged with the
    ensemble's own weights, in the units the app shows. Raises when a member cannot be explained
    exactly (a permutation estimate of the whole is then cheaper than one per member)."""

    def __init__(self, ensemble, X: pd.DataFrame, task: str):
        import warnings

        if getattr(ensemble, "voting", "soft") != "soft":
            raise ValueError("hard voting gives no chances to average")
        self.columns = [str(c) for c in X.columns]
        members = list(ensemble.estimators_)
        picks = getattr(ensemble, "estimators_features_", None) or [np.arange(X.shape[1])] * len(members)
        weights = getattr(ensemble, "_weights_not_none", None)
        self.weights = np.asarray(weights if weights is not None else np.ones(len(members)), dtype=float)
        self.weights = self.weights / self.weights.sum()
        self.task = task
        self.n_outputs = 1 if task == "regression" else len(ensemble.classes_)
        self.members = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bagged members were fitted on arrays: names are fine
            for member, pick in zip(members, picks, strict=True):
                classes = None if task == "regression" else tuple(range(len(member.classes_)))
                if classes is not None and len(classes) != self.n_outputs:
                    raise ValueError("a member that never saw every class")
                inner = RowExplainer(member, X.iloc[:, pick], task, classes, classes[-1] if classes else None)
                if inner.kind == "permutation":
                    raise ValueError("a member that can only be estimated")
                self.members.append((inner, np.asarray(pick)))
        self.kinds = {inner.kind for inner, _ in self.members}
        self.expected_value = None

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    def shap_values(self, frame: pd.DataFrame) -> np.ndarray:
        import warnings

        total = np.zeros((len(frame), len(self.columns), self.n_outputs))
        base = np.zeros(self.n_outputs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for (inner, pick), weight in zip(self.members, self.weights, strict=True):
                values, member_base, _, _ = inner.explain(frame.iloc[:, pick])
                if self.task == "binary":  # the member speaks for the positive class: the other is its mirror
                    values = np.concatenate([-values, values], axis=2)
                    member_base = np.array([1 - member_base[0], member_base[0]])
                total[:, pick, :] += weight * values
                base += weight * np.asarray(member_base, dtype=float)
        self.expected_value = base
        return total


class _XGBoostBoosterShap:
    """Tree SHAP for a native XGBoost Booster, which reads its rows (categories included) only
    through a DMatrix; values in margin units, shaped (rows, columns, outputs)."""

    def __init__(self, booster, columns: list[str]):
        import shap

        self.explainer = shap.TreeExplainer(booster)
        self.columns = list(booster.feature_names or columns)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    @property
    def expected_value(self):
        return np.atleast_1d(np.asarray(self.explainer.expected_value, dtype=float))

    def shap_values(self, frame: pd.DataFrame) -> np.ndarray:
        import xgboost

        values = np.asarray(self.explainer.shap_values(xgboost.DMatrix(frame, enable_categorical=True)), dtype=float)
        if values.ndim == 2:
            values = values[:, :, None]
        return values


class RowExplainer:
    """A fitted model's explainer, built once, that explains any rows: the sample, or one edited case.

    Tree ensembles get TreeExplainer and linear models LinearExplainer, on the final estimator of a
    Pipeline with encoded columns added back up; anything else (or a model shap cannot read) gets
    a permutation explainer over the original columns.
    """

    def __init__(self, model, X: pd.DataFrame, task: str, classes: tuple | None = None, positive=None):
        from sklearn.pipeline import Pipeline

        self.model, self.task, self.classes, self.positive = model, task, classes, positive
        self.features = [str(c) for c in X.columns]
        self.outputs = ["prediction"] if task == "regression" else [str(c) for c in classes]
        self.preprocessing, estimator = split_pipeline(model)
        estimator, self.inverse, self.scale = _own_scale(estimator)
        if self.preprocessing is None and isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
            self.preprocessing, estimator = estimator[:-1], estimator[-1]  # a Pipeline inside a wrapper
        self.kind = explainer_kind(estimator)
        if type(estimator).__name__ in AVERAGING and self.preprocessing is None:
            self.kind = "average"  # members explained one by one, in _margin_explainer
        self.native, self.reads_frames = None, False
        if self.kind != "permutation":
            self._margin_explainer(estimator, X)
        if self.kind == "permutation":
            self._permutation_explainer(X)

    def _input(self, frame: pd.DataFrame):
        """What the final estimator reads: the rows after the Pipeline's preprocessing."""
        return frame if self.preprocessing is None else self.preprocessing.transform(frame)

    def _transform(self, frame: pd.DataFrame):
        """What the margin explainer reads: the model's own codes for a HistGradientBoosting model on
        categories, the frame itself for LightGBM, XGBoost and CatBoost (which read categories
        natively), numbers otherwise."""
        data = self._input(frame)
        if self.native is not None:
            return self.native.transform(data)
        if isinstance(data, pd.DataFrame):
            return data if self.reads_frames else data.to_numpy(float)
        return _to_array(data)

    def _margin_explainer(self, estimator, X: pd.DataFrame) -> None:
        import shap

        from core.explaining.treeshap import HistGradientBoostingShap, is_categorical_hgb

        self.native = None
        self.reads_frames = type(estimator).__module__.split(".")[0] in TREE_MODULES
        probe = X.iloc[:2]
        try:
            if self.kind == "average":
                self.native = _MembersShap(estimator, X, self.task)
                self.kind = "tree" if "tree" in self.native.kinds else "linear"
            elif self.kind == "tree" and is_categorical_hgb(estimator):
                self.native = HistGradientBoostingShap(estimator)
            elif (
                self.kind == "tree"
                and type(estimator).__module__.startswith("xgboost")
                and type(estimator).__name__ == "Booster"
            ):
                self.native = _XGBoostBoosterShap(estimator, self.features)
            width = self._transform(probe).shape[1]
            self.groups = self._groups(width)
            if (self.groups < 0).any():
                raise ValueError("encoded columns that cannot be traced back to the original ones")
            if self.native is not None:
                self.shap = self.native
            elif self.kind == "tree":
                self.shap = shap.TreeExplainer(estimator)
            else:
                background = self._transform(X.iloc[sample_rows(np.zeros(len(X)), BACKGROUND_SIZE, seed=1)])
                self.shap = shap.LinearExplainer(estimator, background)
            values, base = self._raw(self._transform(probe))
            if not _margin_matches(values, base, self.shown(probe), self.task, inverse=self.inverse):
                raise ValueError("the explainer's contributions do not add up to the model's prediction")
        except Exception:  # a model shap cannot read (multiclass GradientBoosting, a link it does not know)
            self.kind = "permutation"

    def _groups(self, width: int) -> np.ndarray:
        """For each column the margin explainer reads, the original feature it belongs to."""
        if self.preprocessing is None:
            names = self.native.columns if self.native is not None else self.features
            return np.array([self.features.index(n) if n in self.features else -1 for n in names])
        if self.native is None:
            return column_groups(self.preprocessing, self.features, width)
        outputs = _transformer_outputs(self.preprocessing, self.features) or []
        groups = column_groups(self.preprocessing, self.features, len(outputs))
        return np.array([groups[outputs.index(n)] if n in outputs else -1 for n in self.native.columns])

    def _raw(self, transformed):
        if self.native is not None:
            return self.native.shap_values(transformed), np.asarray(self.native.expected_value, dtype=float)
        if self.kind == "tree":
            values = self.shap.shap_values(transformed, check_additivity=False)
        else:
            values = self.shap.shap_values(transformed)
        values = np.asarray(values, dtype=float)
        if values.ndim == 2:
            values = values[:, :, None]
        elif values.ndim == 3 and values.shape[0] != len(transformed):  # older shap: (outputs, rows, columns)
            values = np.moveaxis(values, 0, 2)
        return values, np.atleast_1d(np.asarray(self.shap.expected_value, dtype=float))

    def _permutation_explainer(self, X: pd.DataFrame) -> None:
        import shap

        self.codes = _Codes(X)
        background = self.codes.encode(X.iloc[sample_rows(np.zeros(len(X)), AGNOSTIC_BACKGROUND, seed=2)])

        def predict(array):
            frame = self.codes.decode(array)
            return self.model.predict(frame)[:, None] if self.task == "regression" else self.model.predict_proba(frame)

        masker = shap.maskers.Independent(background, max_samples=AGNOSTIC_BACKGROUND)
        self.shap = shap.PermutationExplainer(predict, masker, seed=0)

    def _permuted(self, frame: pd.DataFrame, started: float, time_budget: float, progress):
        """Permutation SHAP on the rows, sized to the budget (`_within_budget`)."""
        evals = 2 * len(self.features) + 1

        def work(batch: np.ndarray):
            result = self.shap(self.codes.encode(frame.iloc[batch]), max_evals=evals, silent=True)
            values = np.asarray(result.values, dtype=float).reshape(len(batch), len(self.features), -1)
            return values, np.atleast_1d(np.asarray(result.base_values, dtype=float).reshape(len(batch), -1)[0])

        return self._within_budget(len(frame), PACE_ROWS, 50, work, started, time_budget, progress)

    def _exact(self, frame: pd.DataFrame, started: float, progress):
        """Margin contributions (trees, linear models) on every row, in batches so progress moves on
        a big forest. Never thinned to a budget: exact contributions are the same on every machine,
        however busy, and the figures drawn from them must be too."""

        def work(batch: np.ndarray):
            raw, base = self._raw(self._transform(frame.iloc[batch]))
            part = np.zeros((raw.shape[0], len(self.features), raw.shape[2]))
            np.add.at(part, (slice(None), self.groups, slice(None)), raw)
            return part, base

        return self._within_budget(len(frame), TREE_BATCH, TREE_BATCH, work, started, float("inf"), progress)

    def _within_budget(self, n: int, first: int, batch_size: int, work, started, time_budget, progress):
        """Explain rows 0..n-1 in batches, the first `first` rows timed: when the rest would not finish
        in the budget, an evenly spread subset of them is explained instead (the rows are a stratified
        sample already, so a spread subset of it stays one) rather than stopping at whichever rows
        came first. `last_kept` says which rows were explained."""
        chunks, base, kept = [], None, []
        order = np.arange(n)
        position = 0
        while position < len(order):
            batch = order[position : position + (first if position == 0 else batch_size)]
            values, base = work(batch)
            chunks.append(values)
            kept.extend(batch.tolist())
            position += len(batch)
            elapsed = time.perf_counter() - started
            if position < len(order) and np.isfinite(time_budget):
                affordable = int(max(time_budget - elapsed, 0) / (elapsed / len(kept)))
                if affordable < len(order) - position:  # an even spread of what is left, as many as time allows
                    spread = np.linspace(position, len(order) - 1, max(affordable, 0)).round().astype(int)
                    order = np.concatenate([order[:position], order[np.unique(spread)]])
            if progress:
                progress(position / len(order))
            if elapsed > time_budget:
                break
        self.last_kept = np.asarray(kept, dtype=int)
        width = len(self.outputs) if self.task != "binary" or self.kind == "permutation" else 1
        return (np.concatenate(chunks) if chunks else np.zeros((0, len(self.features), width))), base

    def shown(self, frame: pd.DataFrame) -> np.ndarray:
        """The predictions the app shows: class probabilities, or the estimate as one column."""
        if self.task == "regression":
            return np.asarray(self.model.predict(frame), dtype=float)[:, None]
        return np.asarray(self.model.predict_proba(frame), dtype=float)

    def explain(self, frame: pd.DataFrame, time_budget: float = float("inf"), progress=None):
        """(values, base, shown, outputs) for the rows of `frame`; a permutation explainer may stop
        early at the time budget, explaining the first rows only (len(values) says how many).

        `self.last_shown` keeps every class's prediction from the same call, so a caller needs no
        second prediction."""
        started = time.perf_counter()
        shown = self.shown(frame)
        self.last_shown = shown
        self.last_kept = np.arange(len(frame))  # which of the rows were explained, in order
        if self.kind == "permutation":
            values, base = self._permuted(frame, started, time_budget, progress)
            shown = shown[self.last_kept]
        else:
            values, base = self._exact(frame, started, progress)
            shown = shown[self.last_kept]
            values, base = to_output_units(
                values, base, shown if values.shape[2] == shown.shape[1] else shown[:, 1:], self.task, self.inverse
            )
        outputs = self.outputs
        if self.task == "binary":
            values, base, shown, outputs = _positive_only(values, base, shown, self.classes, self.positive)
        return values, base, shown, outputs


def explain(
    model,
    X: pd.DataFrame,
    task: str,
    classes: tuple | None = None,
    positive=None,
    labels: np.ndarray | None = None,
    size: int = SAMPLE_SIZE,
    time_budget: float | None = None,
    progress=None,
    explainer: RowExplainer | None = None,
    include: tuple[int, ...] = (),
) -> Explanation:
    """Explain a stratified sample of the evaluation rows of a fitted model or Pipeline, and the
    rows `include` names (the typical case), within `time_budget` seconds (default: `budget_seconds()`)."""
    started = time.perf_counter()
    time_budget = time_budget if time_budget is not None else budget_seconds()
    strata = np.asarray(labels) if labels is not None else np.zeros(len(X))
    rows = with_rows(sample_rows(strata, size), [r for r in include if 0 <= r < len(X)], strata)
    explainer = explainer or RowExplainer(model, X, task, classes, positive)
    remaining = time_budget - (time.perf_counter() - started)
    from core.bundles import cluster

    if cluster.active() and len(rows) > CLUSTER_PART:  # each part on a worker, every row explained
        parts = [X.iloc[rows[i : i + CLUSTER_PART]] for i in range(0, len(rows), CLUSTER_PART)]
        done = cluster.run_all(functools.partial(_explain_part, explainer), parts)
        values, shown = np.concatenate([d[0] for d in done]), np.concatenate([d[2] for d in done])
        base, outputs = done[0][1], done[0][3]
        planned = len(rows)
    else:
        values, base, shown, outputs = explainer.explain(X.iloc[rows], remaining, progress)
        planned, rows = len(rows), rows[explainer.last_kept]
    return Explanation(
        method=explainer.kind,
        features=explainer.features,
        outputs=outputs,
        rows=rows,
        values=values,
        base=base,
        predicted=shown,
        seconds=time.perf_counter() - started,
        planned=planned,
        budget=time_budget,
        scale=explainer.scale if explainer.kind != "permutation" else None,
    )


CLUSTER_PART = 200  # rows of the explanation sample sent to one worker at a time


def _explain_part(explainer: RowExplainer, frame: pd.DataFrame):
    return explainer.explain(frame)


def _positive_only(values, base, shown, classes, positive):
    """Binary models are explained as the chance of the positive class."""
    index = list(classes).index(positive) if positive in classes else 1
    if values.shape[2] == 2:
        values, base = values[:, :, index : index + 1], base[index : index + 1]
    elif index == 0:  # a single margin output speaks for classes[1]
        values, base = -values, 1 - base
    return values, base, shown[:, index : index + 1], [str(classes[index])]


class _Codes:
    """Original columns as numbers for shap's masker: categories become integer codes."""

    def __init__(self, X: pd.DataFrame):
        self.columns = list(X.columns)
        self.dtypes = X.dtypes
        self.categories = {
            c: list(pd.unique(X[c].dropna())) for c in self.columns if not pd.api.types.is_numeric_dtype(X[c])
        }

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype=float)
        for j, c in enumerate(self.columns):
            if c in self.categories:
                lookup = {v: i for i, v in enumerate(self.categories[c])}
                out[:, j] = frame[c].map(lookup).fillna(-1).to_numpy(dtype=float)
            else:
                out[:, j] = frame[c].to_numpy(dtype=float)
        return out

    def decode(self, array: np.ndarray) -> pd.DataFrame:
        data = {}
        for j, c in enumerate(self.columns):
            if c in self.categories:
                values = np.array([*self.categories[c], None], dtype=object)
                codes = np.asarray(array[:, j], dtype=int)
                data[c] = pd.Series(values[np.where(codes < 0, len(values) - 1, codes)], dtype=self.dtypes[c])
            else:
                data[c] = array[:, j]
        return pd.DataFrame(data, columns=self.columns)
