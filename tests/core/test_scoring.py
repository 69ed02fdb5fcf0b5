"""Scores are computed once per bundle content and read back from disk afterwards."""

from __future__ import annotations

import numpy as np

from core import scoring
from core.bundle import load_bundle


def test_scores_are_cached_on_disk_by_content(tmp_path, make_bundle):
    bundle = load_bundle(make_bundle())
    cache = tmp_path / "cache"
    before = scoring.compute_count
    first = scoring.scores(bundle, cache)
    assert scoring.compute_count == before + 1
    assert (cache / f"{bundle.content_hash}.scores.npz").is_file()

    again = scoring.scores(load_bundle(bundle.spec.folder), cache)
    assert scoring.compute_count == before + 1  # read back, not recomputed
    np.testing.assert_array_equal(again.proba, first.proba)
    np.testing.assert_array_equal(first.proba, bundle.model.predict_proba(bundle.X))


def test_a_damaged_cache_file_is_recomputed(tmp_path, make_bundle):
    bundle = load_bundle(make_bundle())
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{bundle.content_hash}.scores.npz").write_bytes(b"not a numpy file")
    before = scoring.compute_count
    result = scoring.scores(bundle, cache)
    assert scoring.compute_count == before + 1
    np.testing.assert_array_equal(result.proba, bundle.model.predict_proba(bundle.X))


def test_regression_scores(demo_root):
    bundle = load_bundle(demo_root / "delivery-eta")
    result = scoring.scores(bundle, demo_root / ".test-cache")
    np.testing.assert_allclose(result.predicted, bundle.model.predict(bundle.X))
