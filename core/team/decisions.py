"""The decision log: who signed off what, on which files, at which setting, with which figures.

SQLite in the artifacts root by default; PostgreSQL (or another database SQLAlchemy speaks) when
`MODELBRIEF_DATABASE_URL` is set. The app creates the schema and records its version. Entries are
only ever added: a correction is a new entry, and nothing here updates or deletes one.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

from core.bundles.contract import BundleError, OperatingPoint

ENV = "MODELBRIEF_DATABASE_URL"
SCHEMA_VERSION = 1
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


def _schema():
    """The tables, built on first use (SQLAlchemy is imported only when the log is)."""
    global _tables
    if _tables is None:
        from sqlalchemy import JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text

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
        )
        _tables = (metadata, version, log)
    return _tables


def database_url() -> str:
    """$MODELBRIEF_DATABASE_URL, else a SQLite file in the artifacts root."""
    from core.bundles.bundle import artifacts_root

    return os.environ.get(ENV) or f"sqlite:///{artifacts_root() / '.modelbrief.db'}"


def engine(url: str | None = None):
    """One engine per database, with the schema created (and its version checked) on first use."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            from sqlalchemy import create_engine, event

            sqlite = url.startswith("sqlite")
            made = create_engine(url, pool_pre_ping=True, connect_args={"timeout": 30} if sqlite else {})
            if sqlite:

                @event.listens_for(made, "connect")
                def _wal(connection, _record) -> None:  # readers never wait for a writer
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.close()

            _ready(made)
            _engines[url] = made
        return _engines[url]


def _ready(made) -> None:
    from sqlalchemy import func, select

    metadata, version, _ = _schema()
    metadata.create_all(made)
    with made.begin() as connection:
        stored = connection.execute(select(func.max(version.c.version))).scalar()
        if stored is None:
            connection.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=_now()))
        elif stored > SCHEMA_VERSION:
            raise BundleError(
                "The decision log was written by a newer Modelbrief than this one.",
                "Upgrade this app, or point MODELBRIEF_DATABASE_URL at another database.",
                detail=f"schema version {stored}, this app knows up to {SCHEMA_VERSION}",
            )


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


def figures_of(headline) -> dict:
    """The headline figures with their ranges and n, as the entry keeps them."""
    k, r = headline.kpis, headline.ranges

    def kept(value, estimate) -> dict:
        number = lambda x: None if x is None or x != x else float(x)  # noqa: E731
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


def record(
    bundle, point: OperatingPoint, headline, verdict: str, comment: str, signer: str, url: str | None = None
) -> Entry:
    """Add one signed entry (never changes another)."""
    if verdict not in VERDICTS:
        raise BundleError(f"'{verdict}' is not a decision: choose approve, conditions, reject or more_work.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise BundleError(f"The comment is {len(comment):,} characters long; keep it under {COMMENT_LIMIT:,}.")
    if verdict == "conditions" and not comment:
        raise BundleError("Approving with conditions needs the conditions, in the comment.")
    signer = signer or LOCAL_USER
    if len(signer) > SIGNER_LIMIT:  # the column's width: both databases refuse it here, in the same words
        raise BundleError(f"The signer's name is {len(signer):,} characters long; the log keeps up to {SIGNER_LIMIT}.")
    for name, text in (("comment", comment), ("signer's name", signer)):
        if "\x00" in text:  # PostgreSQL refuses a NUL character that SQLite would keep: refused for both
            raise BundleError(f"The {name} holds a NUL character, which the decision log cannot keep; remove it.")
    _, _, log = _schema()
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
        "signed_at": _now(),
        "figures": figures_of(headline),
    }
    with engine(url).begin() as connection:
        new_id = connection.execute(log.insert().values(**row)).inserted_primary_key[0]
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
    )


def history(bundle_id: str, url: str | None = None) -> list[Entry]:
    """Every entry for a bundle, newest first."""
    from sqlalchemy import select

    _, _, log = _schema()
    with engine(url).connect() as connection:
        rows = connection.execute(
            select(log).where(log.c.bundle_id == bundle_id).order_by(log.c.signed_at.desc(), log.c.id.desc())
        ).mappings()
        return [_entry(row) for row in rows]
