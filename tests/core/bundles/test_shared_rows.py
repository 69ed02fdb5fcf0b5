"""Bundles on the same evaluation file (the same sha256) hold one copy of its rows."""

from __future__ import annotations

import gc
import shutil

import numpy as np
import pandas as pd

from core.bundles.bundle import files, load_bundle


def _number_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c for c in frame.columns if pd.api.types.is_float_dtype(frame[c]) or pd.api.types.is_integer_dtype(frame[c])
    ]


def test_two_bundles_on_the_same_file_share_its_columns_and_each_change_stays_its_own(make_bundle, tmp_path):
    first = make_bundle("champion")
    second = tmp_path / "challenger"
    shutil.copytree(first, second)  # the same files: a second model would share only the rows
    a, b = load_bundle(first), load_bundle(second)
    assert a.shared_rows is b.shared_rows and a.eval_sha256 == b.eval_sha256
    numbers = _number_columns(a.eval)
    assert numbers
    for column in numbers:
        assert np.shares_memory(a.eval[column].to_numpy(), b.eval[column].to_numpy()), column
    pd.testing.assert_frame_equal(a.eval, b.eval)

    before = b.eval[numbers[0]].copy()
    a.eval[numbers[0]] = -1.0  # one bundle's frame changed: the other's is not
    a.eval.loc[0, numbers[1]] = 123456.0
    pd.testing.assert_series_equal(b.eval[numbers[0]], before)
    assert b.eval.loc[0, numbers[1]] != 123456.0
    again = load_bundle(second)
    assert again.eval.loc[0, numbers[1]] != 123456.0 and (again.eval[numbers[0]] != -1.0).any()


def test_the_rows_go_when_no_bundle_holds_them(make_bundle, small_churn):
    _, evaluation = small_churn
    own = evaluation.sample(frac=1.0, random_state=20261205)  # rows no other test's bundle holds
    a, b = load_bundle(make_bundle("one", evaluation=own)), load_bundle(make_bundle("two", evaluation=own))
    assert a.shared_rows is b.shared_rows  # published from the same frame: the same bytes
    digest = a.eval_sha256
    assert digest in files._shared
    del a, b
    gc.collect()
    assert digest not in files._shared


def test_a_bundle_on_a_different_file_reads_its_own(make_bundle, small_churn, tmp_path):
    from core.publishing.publish import publish

    model, evaluation = small_churn
    a = load_bundle(make_bundle("first"))
    fewer = evaluation.iloc[: len(evaluation) // 2]
    b = publish(model, fewer, target="churned", task="binary", positive_class="yes", out=tmp_path / "half")
    assert a.eval_sha256 != b.eval_sha256 and a.shared_rows is not b.shared_rows
    assert len(b.eval) == len(fewer)


def test_columns_are_read_once_each_and_given_in_the_files_order(tmp_path, monkeypatch):
    path = tmp_path / "eval.parquet"
    pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"], "c": [3, 4]}).to_parquet(path)
    read = []
    real = files.read_rows
    monkeypatch.setattr(files, "read_rows", lambda path, columns=None: read.append(columns) or real(path, columns))
    rows = files.SharedRows("digest")
    assert list(rows.frame(path, ["a"]).columns) == ["a"]
    assert list(rows.frame(path, ["b", "a"]).columns) == ["a", "b"]
    everything = rows.frame(path, None)
    assert list(rows.frame(path, ["c", "a", "not there"]).columns) == ["a", "c"]
    assert read == [["a"], ["b"], ["c"]]  # each column read once
    pd.testing.assert_frame_equal(everything, pd.read_parquet(path))
