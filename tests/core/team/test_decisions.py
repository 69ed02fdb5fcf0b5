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


def _sign(bundle, headline, database, *comments, signer="ana@example.com"):
    return [
        decisions.record(bundle, bundle.spec.operating_point, headline, "approve", c, signer, database)
        for c in comments
    ]


def _raw(database):
    from sqlalchemy import create_engine

    return create_engine(database)


def test_an_entry_keeps_the_signers_provider_and_id_and_the_log_verifies(database, churn):
    bundle, headline = churn
    made = decisions.record(
        bundle, bundle.spec.operating_point, headline, "approve", "", "ana@example.com", database,
        issuer="http://127.0.0.1:9/", subject="ana-7",
    )  # fmt: skip
    _sign(bundle, headline, database, "second", "third")
    log = decisions.read(bundle.spec.id, database)
    assert (log.entries[-1].issuer, log.entries[-1].subject, log.entries[-1].seq) == ("http://127.0.0.1:9/", "ana-7", 1)
    assert log.entries[-1] == made
    assert [e.seq for e in log.entries] == [3, 2, 1]
    assert log.check == decisions.chain.Check(True, 3, "Verified: 3 entries, none changed or removed outside the app.")
    assert decisions.read("nothing-signed", database).check.sentence == (
        "Verified: 0 entries, none changed or removed outside the app."
    )


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        ("update modelbrief_decisions set verdict = 'reject' where seq = 2",
         "Not verified: entry 2 (Rejected by ana@example.com on {day}) was changed outside the app."),
        ("update modelbrief_decisions set threshold = 0.2 where seq = 1",
         "Not verified: entry 1 (Approved by ana@example.com on {day}) was changed outside the app."),
        ("update modelbrief_decisions set signer = 'ben@example.com' where seq = 3",
         "Not verified: entry 3 (Approved by ben@example.com on {day}) was changed outside the app."),
        ("delete from modelbrief_decisions where seq = 2",
         "Not verified: entry 2 of this log is missing; it was removed outside the app."),
        ("delete from modelbrief_decisions where seq = 3",
         "Not verified: entry 3 of this log is missing; it was removed outside the app."),
        ("delete from modelbrief_chain_heads",
         "Not verified: this log's record of its newest entry was removed outside the app."),
        ("insert into modelbrief_decisions (bundle_id, bundle_title, model_sha256, eval_sha256, manifest_sha256,"
         " threshold, min_confidence, verdict, comment, signer, signed_at, figures) select bundle_id, bundle_title,"
         " model_sha256, eval_sha256, manifest_sha256, threshold, min_confidence, 'reject', '', 'eve@example.com',"
         " signed_at, figures from modelbrief_decisions where seq = 1",
         "Not verified: the entry Rejected by eve@example.com on {day} was added outside the app."),
    ],
    ids=["verdict-edited", "setting-edited", "signer-edited", "middle-deleted", "newest-deleted", "head-deleted", "row-added"],
)  # fmt: skip
def test_an_entry_changed_removed_or_added_outside_the_app_is_named(database, churn, tamper, said):
    from sqlalchemy import text

    bundle, headline = churn
    first, *_ = _sign(bundle, headline, database, "first", "second", "third")
    raw = _raw(database)
    with raw.begin() as connection:
        connection.execute(text(tamper))
    raw.dispose()
    check = decisions.read(bundle.spec.id, database).check
    assert not check.verified
    assert check.sentence == said.format(day=f"{first.signed_at:%d %b %Y}")


def test_a_sign_off_after_the_newest_was_removed_keeps_the_gap_visible(database, churn):
    from sqlalchemy import text

    bundle, headline = churn
    _sign(bundle, headline, database, "first", "second")
    raw = _raw(database)
    with raw.begin() as connection:
        connection.execute(text("delete from modelbrief_decisions where seq = 2"))
    raw.dispose()
    [later] = _sign(bundle, headline, database, "later")
    assert later.seq == 3
    assert decisions.read(bundle.spec.id, database).check.sentence == (
        "Not verified: entry 2 of this log is missing; it was removed outside the app."
    )


def test_entries_signed_at_once_form_one_unbroken_chain(database, churn):
    bundle, headline = churn
    start = threading.Barrier(8)
    errors = []

    def sign(number: int) -> None:
        try:
            start.wait()
            _sign(bundle, headline, database, *(f"{number}-{r}" for r in range(5)))
        except Exception as exc:  # noqa: BLE001 - any lost or forked entry fails below
            errors.append(exc)

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    log = decisions.read(bundle.spec.id, database)
    assert sorted(e.seq for e in log.entries) == list(range(1, 41))
    assert log.check.verified and log.check.entries == 40


def test_a_version_1_log_is_upgraded_and_its_entries_chained(tmp_path, churn):
    from sqlalchemy import create_engine, text

    bundle, headline = churn
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    raw = create_engine(url)
    with raw.begin() as connection:  # the tables as version 1 made them, with two entries
        connection.execute(
            text("create table modelbrief_schema (version integer primary key, applied_at datetime not null)")
        )
        connection.execute(text("insert into modelbrief_schema values (1, '2026-01-01 00:00:00')"))
        connection.execute(text(
            "create table modelbrief_decisions (id integer primary key autoincrement, bundle_id varchar(200) not null,"
            " bundle_title varchar(300) not null, version varchar(100), model_sha256 varchar(64) not null,"
            " eval_sha256 varchar(64) not null, manifest_sha256 varchar(64) not null, threshold float not null,"
            " min_confidence float not null, verdict varchar(20) not null, comment text not null,"
            " signer varchar(320) not null, signed_at datetime not null, figures json not null)"
        ))  # fmt: skip
        for day, verdict in (("2026-02-01", "more_work"), ("2026-03-01", "approve")):
            connection.execute(
                text(
                    "insert into modelbrief_decisions (bundle_id, bundle_title, version, model_sha256, eval_sha256,"
                    " manifest_sha256, threshold, min_confidence, verdict, comment, signer, signed_at, figures)"
                    " values ('churn-gbm', 't', '1', :h, :h, :h, 0.5, 0.6, :v, '', 'ana@example.com', :d, '{}')"
                ),
                {"h": "a" * 64, "v": verdict, "d": f"{day} 10:00:00.000000"},
            )
    raw.dispose()
    log = decisions.read("churn-gbm", url)
    assert [(e.seq, e.verdict, e.issuer) for e in log.entries] == [(2, "approve", None), (1, "more_work", None)]
    assert log.check.sentence == "Verified: 2 entries, none changed or removed outside the app."
    _sign(bundle, headline, url, "after the upgrade")
    assert decisions.read("churn-gbm", url).check.entries == 3
    with create_engine(url).begin() as connection:
        assert connection.execute(text("select max(version) from modelbrief_schema")).scalar() == 2


def test_a_sign_out_is_remembered_per_provider_and_person(database):
    assert decisions.signed_out_at("http://idp", "ana", database) is None
    before = decisions._now()
    decisions.record_sign_out("http://idp", "ana", database)
    when = decisions.signed_out_at("http://idp", "ana", database)
    assert before <= when <= decisions._now()
    assert decisions.signed_out_at("http://idp", "ben", database) is None
    assert decisions.signed_out_at("http://other-idp", "ana", database) is None


@pytest.mark.parametrize(
    ("issuer", "subject", "said"),
    [
        ("https://id.example.com/" + "x" * 480, "ana", "The sign-in provider's address is 503 characters long; the log keeps up to 500."),
        ("https://id.example.com/", "s" * 256, "The sign-in provider's id for the signer is 256 characters long; the log keeps up to 255."),
        ("https://id.example.com/", "an\x00a", "The sign-in provider's id for the signer holds a NUL character, which the decision log cannot keep; remove it."),
    ],
)  # fmt: skip
def test_both_databases_refuse_the_same_signer_identities_in_the_same_words(database, churn, issuer, subject, said):
    bundle, headline = churn
    with pytest.raises(BundleError) as caught:
        decisions.record(
            bundle, bundle.spec.operating_point, headline, "approve", "", "ana@example.com", database,
            issuer=issuer, subject=subject,
        )  # fmt: skip
    assert caught.value.message == said
    assert decisions.history(bundle.spec.id, database) == []
