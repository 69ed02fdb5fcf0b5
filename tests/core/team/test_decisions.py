"""The decision log on SQLite and on a real PostgreSQL server: entries kept whole, newest first,
append-only, marked when the files changed, and twenty sessions signing at once lose nothing."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError, OperatingPoint
from core.evaluation import metrics
from core.team import decisions

POSTGRES = "MODELBRIEF_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A fresh database of each kind: a SQLite file, and a schema of its own on the PostgreSQL
    server `.ci/postgres` starts (its URL in $MODELBRIEF_TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
        return
    url = os.environ.get(POSTGRES)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"${POSTGRES} is not set: .ci/run starts PostgreSQL with .ci/postgres and exports it.")
        pytest.skip(f"no PostgreSQL: run `export {POSTGRES}=$(bash .ci/postgres | tail -1)` (as root) first")
    from sqlalchemy import create_engine, text

    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    scoped = f"{url}?options=-csearch_path%3D{schema}"
    yield scoped
    decisions._engines.pop(scoped, None)
    with admin.begin() as connection:
        connection.execute(text(f"drop schema {schema} cascade"))
    admin.dispose()


@pytest.fixture(scope="module")
def churn(demo_root):
    bundle = load_bundle(demo_root / "churn-gbm")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    return bundle, metrics.headline(data, bundle.spec.operating_point)


def test_an_entry_keeps_who_what_which_files_which_setting_and_the_figures(database, churn):
    bundle, headline = churn
    point = bundle.spec.operating_point
    made = decisions.record(
        bundle, point, headline, "conditions", "Only for month-to-month customers.", "ana@example.com", database
    )
    [kept] = decisions.history(bundle.spec.id, database)
    assert kept == made
    assert (kept.signer, kept.verdict_words, kept.comment) == (
        "ana@example.com",
        "Approved with conditions",
        "Only for month-to-month customers.",
    )
    assert (kept.model_sha256, kept.eval_sha256, kept.manifest_sha256) == (
        bundle.model_sha256,
        bundle.eval_sha256,
        bundle.manifest_sha256,
    )
    assert kept.point == point and kept.version == bundle.spec.version
    assert kept.figures["accuracy_acted"]["value"] == pytest.approx(headline.kpis.accuracy_acted)
    assert kept.figures["coverage"]["low"] == pytest.approx(headline.ranges.coverage.low)
    assert kept.figures["net_value"]["value"] == pytest.approx(headline.ranges.net_per_period.value)
    assert kept.figures["net_per"] == "period" and kept.figures["coverage"]["n"] == headline.ranges.coverage.n
    assert kept.signed_at.tzinfo is not None
    assert kept.on_these_files(bundle)
    older = type(bundle)(**{**bundle.__dict__, "eval_sha256": "0" * 64})
    assert not kept.on_these_files(older)  # an entry made on other files is marked as such


def test_a_correction_is_a_new_entry_and_history_is_newest_first(database, churn):
    bundle, headline = churn
    point = bundle.spec.operating_point
    first = decisions.record(bundle, point, headline, "approve", "", "", database)
    second = decisions.record(
        bundle, OperatingPoint(0.5, 0.7), headline, "more_work", "Check the South region.", "ben@example.com", database
    )
    assert [e.id for e in decisions.history(bundle.spec.id, database)] == [second.id, first.id]
    assert first.signer == decisions.LOCAL_USER  # no sign-in: the local user
    assert decisions.history("another-bundle", database) == []


@pytest.mark.parametrize(
    ("verdict", "comment", "said"),
    [
        ("maybe", "", "'maybe' is not a decision: choose approve, conditions, reject or more_work."),
        ("conditions", "  ", "Approving with conditions needs the conditions, in the comment."),
        ("reject", "x" * 4001, "The comment is 4,001 characters long; keep it under 4,000."),
    ],
)
def test_a_sign_off_that_cannot_be_kept_says_why(tmp_path, churn, verdict, comment, said):
    bundle, headline = churn
    with pytest.raises(BundleError) as caught:
        decisions.record(
            bundle, bundle.spec.operating_point, headline, verdict, comment, "a", f"sqlite:///{tmp_path}/x.db"
        )
    assert caught.value.message == said


@pytest.mark.parametrize(
    ("comment", "signer", "said"),
    [
        (
            "fine\x00",
            "ana@example.com",
            "The comment holds a NUL character, which the decision log cannot keep; remove it.",
        ),
        (
            "fine",
            "ana\x00@example.com",
            "The signer's name holds a NUL character, which the decision log cannot keep; remove it.",
        ),
        ("fine", "a" * 321, "The signer's name is 321 characters long; the log keeps up to 320."),
    ],
)
def test_both_databases_refuse_the_same_inputs_in_the_same_words(database, churn, comment, signer, said):
    bundle, headline = churn
    with pytest.raises(BundleError) as caught:
        decisions.record(bundle, bundle.spec.operating_point, headline, "approve", comment, signer, database)
    assert caught.value.message == said
    kept = decisions.record(bundle, bundle.spec.operating_point, headline, "approve", "fine", "a" * 320, database)
    assert kept.signer == "a" * 320  # the longest address there can be is kept, on either database


def test_twenty_sessions_signing_at_once_lose_nothing(database, churn):
    bundle, headline = churn
    point = bundle.spec.operating_point
    errors = []
    start = threading.Barrier(20)

    def sign(number: int) -> None:
        try:
            start.wait()
            for round_ in range(5):
                decisions.record(
                    bundle,
                    point,
                    headline,
                    "approve",
                    f"signer {number}, round {round_}",
                    f"user{number}@example.com",
                    database,
                )
        except Exception as exc:  # noqa: BLE001 - any lost write fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    kept = decisions.history(bundle.spec.id, database)
    assert len(kept) == 100
    assert {e.comment for e in kept} == {f"signer {n}, round {r}" for n in range(20) for r in range(5)}
    assert len({e.id for e in kept}) == 100


def test_the_schema_is_versioned_and_a_newer_one_is_refused(tmp_path):
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'versioned.db'}"
    decisions.engine(url)
    raw = create_engine(url)
    with raw.begin() as connection:
        assert connection.execute(text("select version from modelbrief_schema")).scalar() == decisions.SCHEMA_VERSION
        connection.execute(text("insert into modelbrief_schema values (99, '2030-01-01')"))
    decisions._engines.pop(url)
    with pytest.raises(BundleError) as caught:
        decisions.engine(url)
    assert caught.value.message == "The decision log was written by a newer Modelbrief than this one."
