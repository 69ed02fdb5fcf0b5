"""Exact Tree SHAP for scikit-learn's HistGradientBoosting models, category splits included.

shap's own TreeExplainer reads only "value <= threshold" splits, so a HistGradientBoosting model
fitted with native categories (`categorical_features="from_dtype"`) cannot be explained by it.
This module runs the same path-dependent algorithm (Lundberg et al., 2018, Algorithm 2) on the
model's own tree arrays, with each split asking the question the model asks: for a category
split, is the category in the set that goes left. The contributions therefore add up to the
model's raw prediction exactly, and equal shap's for models without category splits.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def is_categorical_hgb(estimator) -> bool:
    """A fitted HistGradientBoosting model that splits on categories."""
    flags = getattr(estimator, "is_categorical_", None)
    return (
        type(estimator).__name__.startswith("HistGradientBoosting")
        and hasattr(estimator, "_predictors")
        and flags is not None
        and bool(np.asarray(flags).any())
    )


class HistGradientBoostingShap:
    """`shap_values(X)` and `expected_value` for a HistGradientBoosting model, in raw (margin) units.

    `X` is the model's preprocessed input (`transform(frame)`): categories as the model's own codes,
    columns in the model's internal order (`columns`).
    """

    def __init__(self, model):
        self.model = model
        names = [str(n) for n in getattr(model, "feature_names_in_", range(model.n_features_in_))]
        self.columns = names
        if model._preprocessor is not None:  # categories first, in the model's own order
            self.columns = []
            for _name, transformer, columns in model._preprocessor.transformers_:
                if transformer == "drop":
                    continue
                columns = np.atleast_1d(columns)
                if columns.dtype == bool:
                    columns = np.flatnonzero(columns)
                for column in columns:
                    self.columns.append(names[column] if isinstance(column, (int, np.integer)) else str(column))
        self.known_bitsets, self.f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        self.outputs = model.n_trees_per_iteration_
        baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
        self.trees = [[] for _ in range(self.outputs)]
        expected = baseline.copy()
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                nodes = predictor.nodes
                tree = (
                    nodes["left"].astype(np.int64),
                    nodes["right"].astype(np.int64),
                    nodes["feature_idx"].astype(np.int64),
                    nodes["num_threshold"].astype(np.float64),
                    nodes["is_leaf"].astype(np.bool_),
                    nodes["is_categorical"].astype(np.bool_),
                    nodes["bitset_idx"].astype(np.int64),
                    nodes["missing_go_to_left"].astype(np.bool_),
                    nodes["value"].astype(np.float64),
                    nodes["count"].astype(np.float64),
                    np.ascontiguousarray(predictor.raw_left_cat_bitsets, dtype=np.uint32).reshape(-1, 8),
                    int(nodes["depth"].max()),
                )
                self.trees[k].append(tree)
                leaves = tree[4]
                expected[k] += float((tree[8][leaves] * tree[9][leaves]).sum() / tree[9][0])
        self.expected_value = expected if self.outputs > 1 else expected[:1]

    def transform(self, frame) -> np.ndarray:
        return np.ascontiguousarray(self.model._preprocess_X(frame, reset=False), dtype=np.float64)

    def shap_values(self, X: np.ndarray) -> np.ndarray:
        """(rows, columns, outputs) contributions; with `expected_value` they add up to the raw prediction."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        phi = np.zeros((X.shape[0], X.shape[1], self.outputs))
        known = np.ascontiguousarray(self.known_bitsets, dtype=np.uint32).reshape(-1, 8)
        f_idx_map = np.asarray(self.f_idx_map, dtype=np.int64)
        for k, trees in enumerate(self.trees):
            out = np.zeros((X.shape[0], X.shape[1]))
            for tree in trees:
                _tree_shap(X, *tree, known, f_idx_map, out)
            phi[:, :, k] = out
        return phi


@njit(cache=True)
def _goes_left(value, threshold, categorical, bitset_row, missing_left, raw_bitsets, known, known_row) -> bool:
    if np.isnan(value):
        return missing_left
    if categorical:
        if value < 0:
            return missing_left
        code = np.uint32(np.uint8(np.int64(value) & 255))
        if (raw_bitsets[bitset_row, code // 32] >> (code % 32)) & 1:
            return True
        if (known[known_row, code // 32] >> (code % 32)) & 1:
            return False
        return missing_left  # a category the model never saw counts as missing
    return value <= threshold


@njit(cache=True)
def _extend(d, z, o, w, length, feature, zero, one):
    d[length], z[length], o[length] = feature, zero, one
    w[length] = 1.0 if length == 0 else 0.0
    for i in range(length - 1, -1, -1):
        w[i + 1] += one * w[i] * (i + 1) / (length + 1)
        w[i] = zero * w[i] * (length - i) / (length + 1)


@njit(cache=True)
def _unwind(d, z, o, w, length, i):
    top = length - 1
    one, zero, next_one = o[i], z[i], w[top]
    for j in range(top - 1, -1, -1):
        if one != 0:
            kept = w[j]
            w[j] = next_one * (top + 1) / ((j + 1) * one)
            next_one = kept - w[j] * zero * (top - j) / (top + 1)
        else:
            w[j] = (w[j] * (top + 1)) / (zero * (top - j))
    for j in range(i, top):
        d[j], z[j], o[j] = d[j + 1], z[j + 1], o[j + 1]


@njit(cache=True)
def _unwound_sum(z, o, w, length, i):
    top = length - 1
    one, zero, next_one, total = o[i], z[i], w[top], 0.0
    for j in range(top - 1, -1, -1):
        if one != 0:
            part = next_one * (top + 1) / ((j + 1) * one)
            total += part
            next_one = w[j] - part * zero * (top - j) / (top + 1)
        elif zero != 0:
            total += (w[j] / zero) / ((top - j) / (top + 1))
    return total


@njit(cache=True)
def _tree_shap(
    X,
    left,
    right,
    feature,
    threshold,
    is_leaf,
    categorical,
    bitset_idx,
    missing_left,
    value,
    count,
    raw_bitsets,
    max_depth,
    known,
    f_idx_map,
    out,
):
    levels = max_depth + 2
    path_d = np.empty((levels, levels + 1), np.int64)
    path_z = np.empty((levels, levels + 1))
    path_o = np.empty((levels, levels + 1))
    path_w = np.empty((levels, levels + 1))
    lengths = np.zeros(levels, np.int64)
    size = 2 * len(left) + 2
    stack_node = np.empty(size, np.int64)
    stack_level = np.empty(size, np.int64)
    stack_zero = np.empty(size)
    stack_one = np.empty(size)
    stack_feature = np.empty(size, np.int64)
    for r in range(X.shape[0]):
        top = 0
        stack_node[0], stack_level[0], stack_zero[0], stack_one[0], stack_feature[0] = 0, 0, 1.0, 1.0, -1
        top = 1
        while top > 0:
            top -= 1
            node, level = stack_node[top], stack_level[top]
            d, z, o, w = path_d[level], path_z[level], path_o[level], path_w[level]
            length = 0
            if level > 0:  # start from the parent's path (as it was handed down)
                length = lengths[level - 1]
                d[:length] = path_d[level - 1, :length]
                z[:length] = path_z[level - 1, :length]
                o[:length] = path_o[level - 1, :length]
                w[:length] = path_w[level - 1, :length]
            _extend(d, z, o, w, length, stack_feature[top], stack_zero[top], stack_one[top])
            length += 1
            if is_leaf[node]:
                for i in range(1, length):
                    weight = _unwound_sum(z, o, w, length, i)
                    out[r, d[i]] += weight * (o[i] - z[i]) * value[node]
                continue
            split = feature[node]
            known_row = f_idx_map[split] if categorical[node] else 0
            if _goes_left(
                X[r, split],
                threshold[node],
                categorical[node],
                bitset_idx[node],
                missing_left[node],
                raw_bitsets,
                known,
                known_row,
            ):
                hot, cold = left[node], right[node]
            else:
                hot, cold = right[node], left[node]
            incoming_zero, incoming_one = 1.0, 1.0
            for k in range(1, length):
                if d[k] == split:
                    incoming_zero, incoming_one = z[k], o[k]
                    _unwind(d, z, o, w, length, k)
                    length -= 1
                    break
            lengths[level] = length
            cover = count[node]
            stack_node[top], stack_level[top] = cold, level + 1
            stack_zero[top] = incoming_zero * (count[cold] / cover if cover > 0 else 0.0)
            stack_one[top], stack_feature[top] = 0.0, split
            top += 1
            stack_node[top], stack_level[top] = hot, level + 1
            stack_zero[top] = incoming_zero * (count[hot] / cover if cover > 0 else 0.0)
            stack_one[top], stack_feature[top] = incoming_one, split
            top += 1
