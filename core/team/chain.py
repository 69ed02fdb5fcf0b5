"""The decision log's hash chain: each entry carries the hash of the one before it, per bundle.

An entry's hash covers everything it says (who, what, which files, which setting, the figures,
its place in the chain) and the hash of the entry before it. Changing a row outside the app, or
deleting one, breaks the chain from that entry on; `check` names the first entry that no longer
fits. The log also keeps each bundle's head (the newest entry's number and hash), so removing the
newest entry is caught too.

What it does not do: someone who can write the database and recomputes every hash after theirs
(the method is no secret) leaves a chain that checks. Keep write access to the database for the app
alone, and keep backups; the chain makes a careless or casual edit visible, not an impossible one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

GENESIS = "0" * 64  # the "entry before" the first one
HASHED = (
    "bundle_id",
    "bundle_title",
    "version",
    "model_sha256",
    "eval_sha256",
    "manifest_sha256",
    "threshold",
    "min_confidence",
    "verdict",
    "comment",
    "signer",
    "issuer",
    "subject",
    "signed_at",
    "figures",
    "seq",
    "prev_sha256",
)


def _utc(when: dt.datetime) -> str:
    if when.tzinfo is None:  # SQLite keeps no zone: the log writes UTC
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def digest(row: Mapping) -> str:
    """The SHA-256 of an entry: its fields in a fixed order, as canonical JSON."""
    fields = {name: row.get(name) for name in HASHED}
    fields["signed_at"] = _utc(fields["signed_at"])
    fields["threshold"] = float(fields["threshold"])
    fields["min_confidence"] = float(fields["min_confidence"])
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Check:
    """What the chain says about a bundle's log: `verified`, the number of entries, and one sentence."""

    verified: bool
    entries: int
    sentence: str


def _who(row: Mapping) -> str:
    when = row.get("signed_at")
    day = f" on {when:%d %b %Y}" if isinstance(when, dt.datetime) else ""
    return f"{row.get('verdict_words') or row.get('verdict')} by {row.get('signer')}{day}"


def check(rows: Sequence[Mapping], head: Mapping | None) -> Check:
    """Check a bundle's entries (any order) against their chain and the bundle's head.

    Names the first entry that was changed, removed or added outside the app; else says how many
    entries were verified."""
    chained = sorted((r for r in rows if r.get("seq") is not None), key=lambda r: (r["seq"], r["id"]))
    unchained = sorted((r for r in rows if r.get("seq") is None), key=lambda r: r["id"])
    if unchained:
        return Check(False, len(rows), f"Not verified: the entry {_who(unchained[0])} was added outside the app.")
    previous, expected = GENESIS, 1
    for row in chained:
        if row["seq"] > expected:
            return Check(
                False,
                len(rows),
                f"Not verified: entry {expected} of this log is missing; it was removed outside the app.",
            )
        if row["seq"] < expected:
            return Check(
                False, len(rows), f"Not verified: entry {row['seq']} appears twice; one was added outside the app."
            )
        if row.get("prev_sha256") != previous or digest(row) != row.get("entry_sha256"):
            return Check(False, len(rows), f"Not verified: entry {expected} ({_who(row)}) was changed outside the app.")
        previous, expected = row["entry_sha256"], expected + 1
    last = expected - 1
    if head is not None and int(head["seq"]) > last:
        return Check(
            False, len(rows), f"Not verified: entry {last + 1} of this log is missing; it was removed outside the app."
        )
    if head is not None and head.get("entry_sha256") != previous:
        return Check(False, len(rows), f"Not verified: entry {last} was changed outside the app.")
    if head is None and chained:
        return Check(
            False, len(rows), "Not verified: this log's record of its newest entry was removed outside the app."
        )
    noun = "entry" if last == 1 else "entries"
    return Check(True, last, f"Verified: {last:,} {noun}, none changed or removed outside the app.")
