"""The decision log: who signed off what, on which files, at which setting, with which figures.

SQLite in the artifacts root by default; PostgreSQL (or another database SQLAlchemy speaks) when
`MODELBRIEF_DATABASE_URL` is set. The app creates the schema, records its version and brings an
older one up to date. Entries are only ever added: a correction is a new entry, and nothing here
updates or deletes one. Each entry carries the hash of the one before it (`core.team.chain`), so an
entry changed or removed outside the app is named when the log is read.

The same database remembers sign-outs (`record_sign_out`), so an identity issued before someone
signed out is refused afterwards, on every server that shares the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import threading
import time
from dataclasses import dataclass

from core.bundles.contract import BundleError, OperatingPoint
from core.team import chain

ENV = "MODELBRIEF_DATABASE_URL"
SCHEMA_VERSION = 2  # 2: the signer's issuer and subject, and the hash chain
VERDICTS = {
    "approve": "Approved",
    "conditions": "Approved with conditions",
    "reject": "Rejected",
    "more_work": "Needs more work",
}
LOCAL_USER = "local user"
COMMENT_LIMIT = 4000
SIGNER_LIMIT = 320  # the longest e-mail address there can be

_tables = None
_engines: dict[str, object] = {}
_lock = threading.Lock()
ISSUER_LIMIT, SUBJECT_LIMIT = 500, 255  # an OpenID subject is at most 255 characters


@dataclass(frozen=True)
class _Tables:
    metadata: object
    version: object
    log: object
    heads: object
    sign_outs: object
    chain_index: object


def _schema() -> _Tables:
    """The tables, built on first use (SQLAlchemy is imported only when the log is)."""
    global _tables
    if _tables is None:
        from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text

        metadata = MetaData()
        version = Table(
            "modelbrief_schema",
            metadata,
            Column("version", Integer, primary_key=True),
            Column("applied_at", DateTime(timezone=True), nullable=False),
        )
        log = Table(
            "modelbrief_decisions",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("bundle_id", String(200), nullable=False, index=True),
            Column("bundle_title", String(300), nullable=False),
            Column("version", String(100)),
            Column("model_sha256", String(64), nullable=False),
            Column("eval_sha256", String(64), nullable=False),
            Column("manifest_sha256", String(64), nullable=False),
            Column("threshold", Float, nullable=False),
            Column("min_confidence", Float, nullable=False),
            Column("verdict", String(20), nullable=False),
            Column("comment", Text, nullable=False),
            Column("signer", String(SIGNER_LIMIT), nullable=False),
            Column("signed_at", DateTime(timezone=True), nullable=False),
            Column("figures", JSON, nullable=False),
            *_VERSION_2_COLUMNS(Column, Integer, String),
        )
        chain_index = Index("ix_modelbrief_decisions_chain", log.c.bundle_id, log.c.seq, unique=True)
        heads = Table(
            "modelbrief_chain_heads",
            metadata,
            Column("bundle_id", String(200), primary_key=True),
            Column("seq", Integer, nullable=False),
            Column("entry_sha256", String(64), nullable=False),
        )
        sign_outs = Table(
            "modelbrief_sign_outs",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("issuer", String(ISSUER_LIMIT), nullable=False),
            Column("subject", String(SUBJECT_LIMIT), nullable=False),
            Column("signed_out_at", DateTime(timezone=True), nullable=False),
            Index("ix_modelbrief_sign_outs_who", "issuer", "subject"),
        )
        _tables = _Tables(metadata, version, log, heads, sign_outs, chain_index)
    return _tables


def _VERSION_2_COLUMNS(Column, Integer, String) -> list:  # noqa: N802, N803 - SQLAlchemy's names
    """What schema version 2 added to an entry: who signed by their provider's issuer and subject,
    and the entry's place in its bundle's hash chain (`core.team.chain`)."""
    return [
        Column("issuer", String(ISSUER_LIMIT)),
        Column("subject", String(SUBJECT_LIMIT)),
        Column("seq", Integer),
        Column("prev_sha256", String(64)),
        Column("entry_sha256", String(64)),
    ]


def database_url() -> str:
    """$MODELBRIEF_DATABASE_URL, else a SQLite file in the artifacts root."""
    from core.bundles.bundle import artifacts_root

    return os.environ.get(ENV) or f"sqlite:///{artifacts_root() / '.modelbrief.db'}"


def engine(url: str | None = None):
    """One engine per database, with the schema created (or brought up to date) on first use."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            from sqlalchemy import create_engine, event

            sqlite = url.startswith("sqlite")
            made = create_engine(url, pool_pre_ping=True, connect_args={"timeout": 30} if sqlite else {})
            if sqlite:

                @event.listens_for(made, "connect")
                def _wal(connection, _record) -> None:  # readers never wait for a writer
                    connection.isolation_level = None  # transactions begin below, not in the driver
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.close()

                @event.listens_for(made, "begin")
                def _begin(connection) -> None:  # a writer holds the write lock from its first read
                    writes = connection.get_execution_options().get("writes", False)
                    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

            _ready(made)
            _engines[url] = made
        return _engines[url]


def _writing(made):
    """A transaction that will write: on SQLite it holds the write lock from the start, so two
    sign-offs never read the same end of a chain."""
    return made.execution_options(writes=True).begin()


def _serialise(connection, key: str) -> None:
    """On PostgreSQL, one writer at a time per key (a transaction-scoped advisory lock); SQLite's
    writers are already one at a time, and the chain's unique index guards any other database."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy import text

        number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
        connection.execute(text("select pg_advisory_xact_lock(:k)"), {"k": number})


def _ready(made) -> None:
    from sqlalchemy import func, select

    t = _schema()
    with _writing(made) as connection:
        _serialise(connection, "modelbrief-schema")  # two processes starting at once create it once
        t.metadata.create_all(connection)
        stored = connection.execute(select(func.max(t.version.c.version))).scalar()
        if stored is None:
            connection.execute(t.version.insert().values(version=SCHEMA_VERSION, applied_at=_now()))
        elif stored > SCHEMA_VERSION:
            raise BundleError(
                "The decision log was written by a newer Modelbrief than this one.",
                "Upgrade this app, or point MODELBRIEF_DATABASE_URL at another database.",
                detail=f"schema version {stored}, this app knows up to {SCHEMA_VERSION}",
            )
        elif stored < 2:
            _upgrade_to_2(connection)


def _upgrade_to_2(connection) -> None:
    """Version 1 to 2: add the signer's issuer and subject and the hash chain, and chain the
    entries already kept, per bundle in the order they were signed."""
    from sqlalchemy import Column, Integer, String, inspect, select

    t = _schema()
    have = {c["name"] for c in inspect(connection).get_columns("modelbrief_decisions")}
    for column in _VERSION_2_COLUMNS(Column, Integer, String):
        if column.name not in have:
            kind = column.type.compile(dialect=connection.dialect)
            connection.exec_driver_sql(f"ALTER TABLE modelbrief_decisions ADD COLUMN {column.name} {kind}")
    if "ix_modelbrief_decisions_chain" not in {
        i["name"] for i in inspect(connection).get_indexes("modelbrief_decisions")
    }:
        t.chain_index.create(connection)
    heads: dict[str, tuple[int, str]] = {}
    for row in connection.execute(select(t.log).order_by(t.log.c.id)).mappings():
        seq, prev = heads.get(row["bundle_id"], (0, chain.GENESIS))
        values = {**row, "seq": seq + 1, "prev_sha256": prev}
        values["entry_sha256"] = chain.digest(values)
        connection.execute(
            t.log.update()
            .where(t.log.c.id == row["id"])
            .values(seq=seq + 1, prev_sha256=prev, entry_sha256=values["entry_sha256"])
        )
        heads[row["bundle_id"]] = (seq + 1, values["entry_sha256"])
    for bundle_id, (seq, last) in heads.items():
        connection.execute(t.heads.insert().values(bundle_id=bundle_id, seq=seq, entry_sha256=last))
    connection.execute(t.version.insert().values(version=2, applied_at=_now()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Entry:
    id: int
    bundle_id: str
    bundle_title: str
    version: str | None
    model_sha256: str
    eval_sha256: str
    manifest_sha256: str
    point: OperatingPoint
    verdict: str
    comment: str
    signer: str
    signed_at: dt.datetime
    figures: dict
    issuer: str | None = None  # the sign-in provider that vouched for the signer, and its id for them
    subject: str | None = None
    seq: int | None = None  # the entry's place in its bundle's chain

    @property
    def verdict_words(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    def on_these_files(self, bundle) -> bool:
        """Whether the entry was made on exactly the files the bundle holds now."""
        return (self.model_sha256, self.eval_sha256, self.manifest_sha256) == (
            bundle.model_sha256,
            bundle.eval_sha256,
            bundle.manifest_sha256,
        )


@dataclass(frozen=True)
class Log:
    """A bundle's entries, newest first, and what its hash chain says about them."""

    entries: list[Entry]
    check: chain.Check


def figures_of(headline) -> dict:
    """The headline figures with their ranges and n, as the entry keeps them."""
    k, r = headline.kpis, headline.ranges

    def kept(value, estimate) -> dict:
        number = lambda x: None if x is None or not math.isfinite(x) else float(x)  # noqa: E731
        return {
            "value": number(value),
            "low": number(estimate.low),
            "high": number(estimate.high),
            "n": int(estimate.n),
        }

    net = r.net_per_period if r.net_per_period is not None else r.net_per_case
    return {
        "accuracy_acted": kept(k.accuracy_acted, r.accuracy_acted),
        "coverage": kept(k.coverage, r.coverage),
        "net_value": kept(net.value, net),
        "net_per": "period" if r.net_per_period is not None else "case",
    }


def _refuse_unkeepable(comment: str, signer: str, issuer: str | None, subject: str | None) -> None:
    """Inputs a database would refuse or cut, refused here for every database in the same words."""
    for name, text, limit in (
        ("signer's name", signer, SIGNER_LIMIT),
        ("sign-in provider's address", issuer or "", ISSUER_LIMIT),
        ("sign-in provider's id for the signer", subject or "", SUBJECT_LIMIT),
    ):
        if len(text) > limit:
            raise BundleError(f"The {name} is {len(text):,} characters long; the log keeps up to {limit}.")
    for name, text in (
        ("comment", comment),
        ("signer's name", signer),
        ("sign-in provider's id for the signer", subject or ""),
    ):
        if "\x00" in text:  # PostgreSQL refuses a NUL character that SQLite would keep: refused for both
            raise BundleError(f"The {name} holds a NUL character, which the decision log cannot keep; remove it.")


def record(
    bundle,
    point: OperatingPoint,
    headline,
    verdict: str,
    comment: str,
    signer: str,
    url: str | None = None,
    *,
    issuer: str | None = None,
    subject: str | None = None,
) -> Entry:
    """Add one signed entry at the end of the bundle's chain (never changes another)."""
    if verdict not in VERDICTS:
        raise BundleError(f"'{verdict}' is not a decision: choose approve, conditions, reject or more_work.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise BundleError(f"The comment is {len(comment):,} characters long; keep it under {COMMENT_LIMIT:,}.")
    if verdict == "conditions" and not comment:
        raise BundleError("Approving with conditions needs the conditions, in the comment.")
    signer = signer or LOCAL_USER
    _refuse_unkeepable(comment, signer, issuer, subject)
    row = {
        "bundle_id": bundle.spec.id,
        "bundle_title": bundle.spec.title,
        "version": bundle.spec.version,
        "model_sha256": bundle.model_sha256,
        "eval_sha256": bundle.eval_sha256,
        "manifest_sha256": bundle.manifest_sha256,
        "threshold": float(point.threshold),
        "min_confidence": float(point.min_confidence),
        "verdict": verdict,
        "comment": comment,
        "signer": signer,
        "issuer": issuer,
        "subject": subject,
        "signed_at": _now(),
        "figures": figures_of(headline),
    }
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(8):
        try:
            with _writing(engine(url)) as connection:
                return _append(connection, row)
        except (IntegrityError, OperationalError):  # another writer took this place in the chain: the next one
            if attempt == 7:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _append(connection, row: dict) -> Entry:
    from sqlalchemy import select

    t = _schema()
    _serialise(connection, f"modelbrief-chain:{row['bundle_id']}")
    last = connection.execute(
        select(t.log.c.seq, t.log.c.entry_sha256)
        .where(t.log.c.bundle_id == row["bundle_id"], t.log.c.seq.is_not(None))
        .order_by(t.log.c.seq.desc())
        .limit(1)
    ).first()
    head = connection.execute(
        select(t.heads.c.seq, t.heads.c.entry_sha256).where(t.heads.c.bundle_id == row["bundle_id"])
    ).first()
    seq, prev = (last.seq, last.entry_sha256) if last is not None else (0, chain.GENESIS)
    if head is not None and head.seq > seq:  # the newest entry was removed outside the app: the gap stays visible
        seq, prev = head.seq, head.entry_sha256
    row = {**row, "seq": seq + 1, "prev_sha256": prev}
    row["entry_sha256"] = chain.digest(row)
    new_id = connection.execute(t.log.insert().values(**row)).inserted_primary_key[0]
    moved = connection.execute(
        t.heads.update()
        .where(t.heads.c.bundle_id == row["bundle_id"])
        .values(seq=row["seq"], entry_sha256=row["entry_sha256"])
    ).rowcount
    if not moved:
        connection.execute(
            t.heads.insert().values(bundle_id=row["bundle_id"], seq=row["seq"], entry_sha256=row["entry_sha256"])
        )
    return _entry({"id": new_id, **row})


def _entry(row) -> Entry:
    when = row["signed_at"]
    if when.tzinfo is None:  # SQLite keeps no zone: the log writes UTC
        when = when.replace(tzinfo=dt.UTC)
    return Entry(
        id=int(row["id"]),
        bundle_id=row["bundle_id"],
        bundle_title=row["bundle_title"],
        version=row["version"],
        model_sha256=row["model_sha256"],
        eval_sha256=row["eval_sha256"],
        manifest_sha256=row["manifest_sha256"],
        point=OperatingPoint(row["threshold"], row["min_confidence"]),
        verdict=row["verdict"],
        comment=row["comment"],
        signer=row["signer"],
        signed_at=when,
        figures=dict(row["figures"]),
        issuer=row.get("issuer"),
        subject=row.get("subject"),
        seq=row.get("seq"),
    )


def read(bundle_id: str, url: str | None = None) -> Log:
    """A bundle's entries, newest first, with the check of their hash chain."""
    from sqlalchemy import select

    t = _schema()
    with engine(url).connect() as connection:
        rows = [dict(r) for r in connection.execute(select(t.log).where(t.log.c.bundle_id == bundle_id)).mappings()]
        head = connection.execute(select(t.heads).where(t.heads.c.bundle_id == bundle_id)).mappings().first()
    for row in rows:
        if row["signed_at"].tzinfo is None:
            row["signed_at"] = row["signed_at"].replace(tzinfo=dt.UTC)
        row["verdict_words"] = VERDICTS.get(row["verdict"], row["verdict"])
    checked = chain.check(rows, dict(head) if head is not None else None)
    entries = [_entry(r) for r in sorted(rows, key=lambda r: (r["signed_at"], r["id"]), reverse=True)]
    return Log(entries, checked)


def history(bundle_id: str, url: str | None = None) -> list[Entry]:
    """Every entry for a bundle, newest first."""
    return read(bundle_id, url).entries


def record_sign_out(issuer: str | None, subject: str | None, url: str | None = None) -> None:
    """Remember that this person signed out now: any identity issued to them before it is refused
    from here on (`signed_out_at`), so a copy of their sign-in cookie stops working."""
    if not issuer or not subject:
        return
    t = _schema()
    with _writing(engine(url)) as connection:
        connection.execute(
            t.sign_outs.insert().values(
                issuer=issuer[:ISSUER_LIMIT], subject=subject[:SUBJECT_LIMIT], signed_out_at=_now()
            )
        )


def signed_out_at(issuer: str | None, subject: str | None, url: str | None = None) -> dt.datetime | None:
    """When this person last signed out, or None."""
    if not issuer or not subject:
        return None
    from sqlalchemy import func, select

    t = _schema()
    with engine(url).connect() as connection:
        when = connection.execute(
            select(func.max(t.sign_outs.c.signed_out_at)).where(
                t.sign_outs.c.issuer == issuer[:ISSUER_LIMIT], t.sign_outs.c.subject == subject[:SUBJECT_LIMIT]
            )
        ).scalar()
    if isinstance(when, str):  # SQLite's max() hands back the stored text
        when = dt.datetime.fromisoformat(when)
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when
