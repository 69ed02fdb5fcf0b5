"""Publishing on a Dask cluster (a LocalCluster of two worker processes on loopback): the scores,
the explanations and the headline are identical to the single-machine path."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("distributed")

from core.bundles import cluster, scoring  # noqa: E402
from core.bundles.bundle import load_bundle  # noqa: E402
from core.explaining import explain
from core.publishing import summary
from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data  # noqa: E402
from core.publishing.publish import main, publish  # noqa: E402


@pytest.fixture(scope="module")
def scheduler():
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def churn_model():
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from core.publishing.demo_data import encoder

    data = churn_data(n=3000, seed=5)
    features = CHURN_CATEGORICAL + CHURN_NUMERIC
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=0)),
        ]
    ).fit(data[features][:1000], data["churned"][:1000])
    return model, data.iloc[1000:].reset_index(drop=True)


def test_the_scheduler_comes_from_the_option_else_the_environment(monkeypatch):
    monkeypatch.delenv(cluster.ENV, raising=False)
    assert cluster.address() is None
    monkeypatch.setenv(cluster.ENV, " tcp://127.0.0.1:8786 ")
    assert cluster.address() == "tcp://127.0.0.1:8786"
    assert cluster.address("tcp://127.0.0.1:9999") == "tcp://127.0.0.1:9999"


def test_a_cluster_publish_is_identical_to_one_on_this_machine(scheduler, churn_model, tmp_path, monkeypatch):
    model, evaluation = churn_model
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 300)  # several chunks, so both workers score some
    monkeypatch.setattr(explain.shapley, "CLUSTER_PART", 120)
    common = dict(target="churned", task="binary", positive_class="yes", precompute_explanations=True)
    here = publish(model, evaluation, out=tmp_path / "here", **common)
    there = publish(model, evaluation, out=tmp_path / "there", dask=scheduler, **common)

    # the scores: shipped as Parquet parts on the cluster path, as one array here
    assert not (tmp_path / "there" / scoring.BUNDLE_FILE).exists()
    parts = sorted((tmp_path / "there" / scoring.PARTS_FOLDER).glob("part-*.parquet"))
    assert len(parts) == 7  # 2,000 rows in parts of 300
    before = scoring.compute_count
    on_cluster = scoring.scores(load_bundle(tmp_path / "there"), tmp_path / "cache")
    assert scoring.compute_count == before  # read back, not computed
    on_machine = scoring.scores(load_bundle(tmp_path / "here"), tmp_path / "cache")
    assert np.array_equal(on_cluster.proba, on_machine.proba)
    assert np.array_equal(on_machine.proba, model.predict_proba(evaluation[here.features]))

    # the explanations of the same sample, and the headline on the card
    a = explain.stored_for_bundle(load_bundle(tmp_path / "here"), tmp_path / "cache")
    b = explain.stored_for_bundle(load_bundle(tmp_path / "there"), tmp_path / "cache")
    assert a is not None and b is not None
    assert np.array_equal(a.rows, b.rows) and np.array_equal(a.values, b.values) and np.array_equal(a.base, b.base)
    card_here = summary.find(tmp_path / "here", tmp_path / "cache")
    card_there = summary.find(tmp_path / "there", tmp_path / "cache")
    assert card_there.headline == card_here.headline and card_there.rows == len(evaluation)
    assert there.content_hash == here.content_hash


def test_parts_of_another_model_are_not_used(scheduler, churn_model, tmp_path, monkeypatch):
    model, evaluation = churn_model
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 500)
    publish(
        model, evaluation, out=tmp_path / "b", target="churned", task="binary", positive_class="yes", dask=scheduler
    )
    bundle = load_bundle(tmp_path / "b")
    wrong = scoring.Scores(task="binary", proba=np.full((len(evaluation), 2), 0.5))
    scoring.store_parts(wrong, tmp_path / "b" / scoring.PARTS_FOLDER, "another-model-and-rows")
    before = scoring.compute_count
    fresh = scoring.scores(bundle, tmp_path / "cache")
    assert scoring.compute_count == before + 1  # the marked parts were refused and the model asked
    assert not np.array_equal(fresh.proba, wrong.proba)


def test_the_command_line_publishes_on_the_cluster_named_by_the_environment(
    scheduler, churn_model, tmp_path, monkeypatch
):
    import joblib

    model, evaluation = churn_model
    joblib.dump(model, tmp_path / "model.joblib")
    evaluation.to_parquet(tmp_path / "eval.parquet")
    monkeypatch.setenv(cluster.ENV, scheduler)
    code = main(
        [
            "--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "eval.parquet"),
            "--target", "churned", "--task", "binary", "--positive-class", "yes", "--out", str(tmp_path / "cli"),
        ]
    )  # fmt: skip
    assert code == 0
    assert list((tmp_path / "cli" / scoring.PARTS_FOLDER).glob("part-*.parquet"))


def test_an_unreachable_scheduler_is_one_sentence(churn_model, tmp_path, capsys, monkeypatch):
    import socket

    import joblib

    from core.bundles import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)  # the sentence, not the wait, is under test

    model, evaluation = churn_model
    joblib.dump(model, tmp_path / "model.joblib")
    evaluation.to_parquet(tmp_path / "eval.parquet")
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = main(
        [
            "--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "eval.parquet"),
            "--target", "churned", "--task", "binary", "--out", str(tmp_path / "none"), "--dask", f"tcp://127.0.0.1:{port}",
        ]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("Not published: ") and "Traceback" not in err
    assert not (tmp_path / "none").exists()
