"""The batches of real requests: added append-only, each logged with its sha256, and the command that adds one."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core import format as fmt
from core.bundles.bundle import Bundle, file_sha256
from core.bundles.contract import BundleError

LOG = "batches.jsonl"
FORMATS = (".parquet", ".csv")


@dataclass(frozen=True)
class Batch:
    path: Path
    sha256: str


_hashes: dict[tuple, str] = {}


def _hash(path: Path) -> str:
    """A batch's sha256, read once per version of the file (its size and time of change)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        if len(_hashes) > 10_000:
            _hashes.clear()
        _hashes[key] = file_sha256(path)
    return _hashes[key]


class DamagedLog(BundleError):
    """A line of the traffic log that cannot be read: the page refuses rather than guess the counts."""


REPAIR = "python -m core.traffic repair"
_OURS = re.compile(r"^batch-\d{5,}\.(parquet|csv)$")  # the names `add` gives


def _log(folder: Path) -> list[dict]:
    """The log's entries, in order; a line that is not a whole entry is refused with the repair command."""
    log = folder / LOG
    if not log.exists():
        return []
    entries = []
    for number, line in enumerate(log.read_text(errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        entry = _entry(line)
        if entry is None:
            raise DamagedLog(
                f"Line {number} of the traffic log ({LOG}) cannot be read: a write was cut short, or the file was edited.",
                f"Run `{REPAIR} BUNDLE`: it sets unreadable lines aside in {LOG}.damaged and keeps the rest.",
                field="traffic.path",
            )
        entries.append(entry)
    return entries


def _entry(line: str) -> dict | None:
    """A log line as its entry (a batch added, or one removed), or None when it is not a whole one."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    whole = isinstance(entry, dict) and (
        (isinstance(entry.get("file"), str) and isinstance(entry.get("sha256"), str))
        or isinstance(entry.get("removed"), str)
    )
    return entry if whole else None


def _kept(entries: list[dict]) -> dict[str, dict]:
    """{file: its entry} for the batches the log counts: added, and not removed since."""
    kept: dict[str, dict] = {}
    for entry in entries:
        if "removed" in entry:
            kept.pop(entry["removed"], None)
        else:
            kept[entry["file"]] = entry
    return kept


def batches(bundle: Bundle) -> list[Batch]:
    """The traffic files, oldest first, each with its hash; a batch whose file no longer matches
    the hash it was added with is refused (its figures would silently change).

    With a log, the batches are those it counts (a file `add` was interrupted before logging is
    left out, and a removed batch too); files put in the folder by hand, not under the names `add`
    gives, count as they always have."""
    spec = bundle.spec.traffic
    if spec is None:
        return []
    if spec.path.is_file():
        return [Batch(spec.path, file_sha256(spec.path))]
    if not spec.path.is_dir():
        raise BundleError(
            f"The traffic folder {spec.path.name} named in bundle.yaml does not exist.",
            "Add a batch with `python -m core.traffic add BUNDLE FILE`, or fix `traffic.path`.",
            field="traffic.path",
        )
    entries = _log(spec.path)
    logged = {entry["file"]: entry["sha256"] for entry in entries if "file" in entry}
    kept = _kept(entries)
    found = []
    for path in sorted(p for p in spec.path.iterdir() if p.suffix.lower() in FORMATS and p.is_file()):
        if path.name in logged and path.name not in kept:
            continue  # removed, with its reason, by `remove`
        if path.name not in logged and _OURS.match(path.name):
            continue  # copied by an add that stopped before its log line: not a batch
        digest = _hash(path)
        if path.name in logged and logged[path.name] != digest:
            raise BundleError(
                f"The traffic batch {path.name} changed after it was added.",
                "Batches are append-only: restore the file, or add the corrected rows as a new batch.",
                detail=f"recorded sha256 {logged[path.name]}, now {digest}",
                field="traffic.path",
            )
        found.append(Batch(path, digest))
    return found


def _bundle_for_traffic(folder: Path) -> Bundle:
    from core.bundles.bundle import load_bundle, read_spec

    spec = read_spec(folder)
    if spec.traffic is None:
        raise BundleError(
            "This bundle has no `traffic:` section in bundle.yaml.",
            "Add `traffic: {path: traffic/, timestamp: <column>}` to bundle.yaml first.",
        )
    if spec.traffic.path.suffix:  # a single file: batches need a folder
        raise BundleError(
            "`traffic.path` names one file, so batches cannot be added to it.",
            "Point `traffic.path` at a folder (and move the file into it).",
        )
    return load_bundle(folder)


@contextmanager
def _locked(target: Path):
    """One writer at a time per traffic folder (an exclusive lock on its `.lock` file)."""
    import fcntl

    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _append(target: Path, entry: dict) -> None:
    """One log line, written whole and flushed to disk before the command says it is done."""
    line = json.dumps(entry) + "\n"
    log = target / LOG
    if log.exists() and log.stat().st_size:
        with open(log, "rb") as existing:
            existing.seek(-1, os.SEEK_END)
            if existing.read(1) != b"\n":  # a torn last line (refused when read) stays on its own line
                line = "\n" + line
    with open(log, "a") as out:
        out.write(line)
        out.flush()
        os.fsync(out.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _refuse_again(kept: dict[str, dict], digest: str, content: str, file: Path) -> None:
    """A batch already counted, by its bytes or by its rows, is refused."""
    if any(e.get("sha256") == digest or e.get("content") == content for e in kept.values()):
        raise BundleError(f"This batch ({file.name}) was already added.", "Nothing was changed.")


def add(folder: Path, file: Path, opened: Bundle | None = None, prepare=None) -> Path:
    """Append one batch to a bundle's traffic: checked against the bundle before anything is
    written, copied whole (a temporary file, flushed, renamed), and logged last, under a lock. A
    refused batch leaves the folder exactly as it was. `opened`: the bundle, already opened.
    `prepare(bundle, rows, meanwhile)`, when given, runs on the checked rows before anything is
    written (it may refuse them too), may call `meanwhile()` while it works (it works out the rows'
    digest, once), and returns what to call with the batch's sha256 once it is logged."""
    from core.after_launch.traffic import intake

    bundle = opened if opened is not None and opened.spec.traffic is not None else _bundle_for_traffic(folder)
    if file.suffix.lower() not in FORMATS:
        raise BundleError(f"A batch must be a .parquet or .csv file, not '{file.name}'.")
    frame, contents = intake.read(file, intake.needed(bundle))  # the columns anything reads; all columns' digest
    when = intake.check(bundle, frame)
    rows = len(frame)
    digest = file_sha256(file)
    logged_then = prepare(bundle, frame, contents) if prepare is not None else None
    content = contents()  # worked out while `prepare` worked, or now
    del frame, contents  # what is left is copying bytes: the rows need not be held
    target = bundle.spec.traffic.path
    if target.is_dir():
        _refuse_again(_kept(_log(target)), digest, content, file)  # before anything is written
    with _locked(target):
        entries = _log(target)
        _refuse_again(_kept(entries), digest, content, file)  # again, now that no one else can add
        logged = {e["file"] for e in entries if "file" in e}
        for leftover in target.iterdir():  # what an interrupted add copied but never logged
            if (_OURS.match(leftover.name) and leftover.name not in logged) or leftover.name.startswith(".incoming-"):
                leftover.unlink()
        number = len(logged) + 1
        name = f"batch-{number:05d}{file.suffix.lower()}"
        while (target / name).exists() or name in logged:
            number += 1
            name = f"batch-{number:05d}{file.suffix.lower()}"
        incoming = target / f".incoming-{os.getpid()}{file.suffix.lower()}.tmp"
        shutil.copyfile(file, incoming)
        with open(incoming, "rb") as written:
            os.fsync(written.fileno())
        os.replace(incoming, target / name)
        _fsync_folder(target)
        entry = {"file": name, "sha256": digest, "content": content, "rows": rows,
                 "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                 "first": str(when.min().date()), "last": str(when.max().date())}  # fmt: skip
        _append(target, entry)  # last: until this line is down, the batch does not count
    if logged_then is not None:
        logged_then(digest)
    return target / name


def remove(folder: Path, name: str, why: str) -> None:
    """Withdraw a batch: a line in the log says which and why (the file and its history stay)."""
    why = (why or "").strip()
    if not why:
        raise BundleError('Say why the batch is withdrawn (--why "..."); the log keeps the reason.')
    bundle = _bundle_for_traffic(folder)
    target = bundle.spec.traffic.path
    with _locked(target):
        kept = _kept(_log(target))
        if name not in kept:
            counted = ", ".join(sorted(kept)[-3:]) or "none"
            raise BundleError(
                f"There is no batch called '{fmt.clean(name, limit=60)}' in this bundle's traffic.",
                f"The latest are: {counted}. Nothing was changed.",
            )
        _append(
            target, {"removed": name, "why": why[:1000], "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        )


def repair(folder: Path) -> int:
    """Set the log's unreadable lines aside (appended to batches.jsonl.damaged) and keep the rest;
    how many lines were set aside."""
    bundle = _bundle_for_traffic(folder)
    target = bundle.spec.traffic.path
    log = target / LOG
    if not log.exists():
        return 0
    with _locked(target):
        good, bad = [], []
        for line in log.read_text(errors="replace").splitlines():
            if not line.strip():
                continue
            (good if _entry(line) is not None else bad).append(line)
        if bad:
            with open(target / f"{LOG}.damaged", "a") as aside:
                aside.write("\n".join(bad) + "\n")
            temporary = target / f".{LOG}.tmp"
            temporary.write_text("".join(line + "\n" for line in good))
            os.replace(temporary, log)
            _fsync_folder(target)
    return len(bad)


def main(argv: list[str] | None = None, adder=None) -> int:
    """The `add`, `remove` and `repair` commands; `adder` adds a batch (`add` itself unless given)."""
    parser = argparse.ArgumentParser(prog="python -m core.traffic", description="Add real requests to a bundle.")
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="append one batch of requests (a .parquet or .csv file)")
    adding.add_argument("bundle", type=Path, help="the bundle folder")
    adding.add_argument("file", type=Path, help="the batch to add")
    removing = commands.add_parser("remove", help="withdraw a batch, keeping it and the reason in the log")
    removing.add_argument("bundle", type=Path, help="the bundle folder")
    removing.add_argument("batch", help="the batch's name in the traffic folder, e.g. batch-00012.parquet")
    removing.add_argument("--why", required=True, help="why it is withdrawn, kept in the log")
    repairing = commands.add_parser("repair", help="set aside log lines an interrupted write left unreadable")
    repairing.add_argument("bundle", type=Path, help="the bundle folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            written = (adder or add)(args.bundle, args.file)
            said = f"Added {written.name} to {args.bundle.name}."
        elif args.command == "remove":
            remove(args.bundle, args.batch, args.why)
            said = f"Withdrew {args.batch} from {args.bundle.name}; the log keeps it and the reason."
        else:
            aside = repair(args.bundle)
            said = (
                f"Set {aside} unreadable {'line' if aside == 1 else 'lines'} aside in {LOG}.damaged; the rest of the log is kept."
                if aside
                else "The traffic log reads whole; nothing was changed."
            )
    except BundleError as exc:
        print(f"{exc.message} {exc.hint}".strip(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"The traffic could not be changed: {fmt.clean(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
        print(f"The batch could not be read: {fmt.clean(str(exc), limit=200)}", file=sys.stderr)
        return 1
    print(said)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
