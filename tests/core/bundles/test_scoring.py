"""Scores are computed once per bundle content and read back from disk afterwards."""

from __future__ import annotations

import numpy as np

from core.bundles import scoring
from core.bundles.bundle import load_bundle


def unshipped(folder):
    """A bundle as published before the publisher stored its scores."""
    (folder / scoring.BUNDLE_FILE).unlink()
    return load_bundle(folder)


def test_scores_are_cached_on_disk_by_content(tmp_path, make_bundle):
    bundle = unshipped(make_bundle())
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
    bundle = unshipped(make_bundle())
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


def test_a_published_bundle_carries_its_scores_and_opens_without_asking_the_model(tmp_path, make_bundle):
    folder = make_bundle()
    assert (folder / scoring.BUNDLE_FILE).is_file()
    bundle = load_bundle(folder)
    before = scoring.compute_count
    shipped = scoring.scores(bundle, tmp_path / "cache")
    assert scoring.compute_count == before  # read from the bundle, not computed
    np.testing.assert_array_equal(shipped.proba, bundle.model.predict_proba(bundle.X))
    assert not (tmp_path / "cache").exists()  # nothing to cache: the bundle has it


def test_shipped_scores_of_another_model_or_other_rows_are_not_used(tmp_path, make_bundle):
    from core.bundles.stored import write_arrays

    folder = make_bundle()
    bundle = load_bundle(folder)
    forged = np.tile([0.5, 0.5], (len(bundle.eval), 1))
    write_arrays(folder / scoring.BUNDLE_FILE, task=np.array("binary"), content_hash=np.array("0" * 24), proba=forged)
    before = scoring.compute_count
    result = scoring.scores(bundle, tmp_path / "cache")
    assert scoring.compute_count == before + 1
    np.testing.assert_array_equal(result.proba, bundle.model.predict_proba(bundle.X))
    write_arrays(folder / scoring.BUNDLE_FILE, task=np.array("binary"), proba=forged)  # unmarked: whose are they?
    assert scoring._restore(folder / scoring.BUNDLE_FILE, bundle, marked=True) is None
