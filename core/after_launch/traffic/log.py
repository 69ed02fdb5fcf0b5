"""The batches of real requests: added append-only, each logged with its sha256, and the command that adds one."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core import format as fmt
from core.bundles.bundle import Bundle, file_sha256, read_rows
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


def _log(folder: Path) -> list[dict]:
    log = folder / LOG
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def batches(bundle: Bundle) -> list[Batch]:
    """The traffic files, oldest first, each with its hash; a batch whose file no longer matches
    the hash it was added with is refused (its figures would silently change)."""
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
    logged = {entry["file"]: entry["sha256"] for entry in _log(spec.path)}
    found = []
    for path in sorted(p for p in spec.path.iterdir() if p.suffix.lower() in FORMATS and p.is_file()):
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


def add(folder: Path, file: Path) -> Path:
    """Append one batch to a bundle's traffic: checked, copied, and its hash logged."""
    from core.bundles.bundle import read_spec

    spec = read_spec(folder)
    if spec.traffic is None:
        raise BundleError(
            "This bundle has no `traffic:` section in bundle.yaml.",
            "Add `traffic: {path: traffic/, timestamp: <column>}` to bundle.yaml first.",
        )
    if file.suffix.lower() not in FORMATS:
        raise BundleError(f"A batch must be a .parquet or .csv file, not '{file.name}'.")
    target = spec.traffic.path
    if target.suffix:  # a single file: batches need a folder
        raise BundleError(
            "`traffic.path` names one file, so batches cannot be added to it.",
            "Point `traffic.path` at a folder (and move the file into it).",
        )
    frame = read_rows(file)
    if spec.traffic.timestamp not in frame.columns:
        raise BundleError(f"The batch has no '{spec.traffic.timestamp}' column, which `traffic.timestamp` names.")
    when = pd.to_datetime(frame[spec.traffic.timestamp], errors="coerce")
    if when.isna().all():
        raise BundleError(f"The batch's '{spec.traffic.timestamp}' column holds no dates a person could read.")
    digest = file_sha256(file)
    target.mkdir(parents=True, exist_ok=True)
    if any(entry["sha256"] == digest for entry in _log(target)):
        raise BundleError(f"This batch ({file.name}) was already added.", "Nothing was changed.")
    number = len(_log(target)) + 1
    name = f"batch-{number:05d}{file.suffix.lower()}"
    while (target / name).exists():
        number += 1
        name = f"batch-{number:05d}{file.suffix.lower()}"
    shutil.copyfile(file, target / name)
    entry = {"file": name, "sha256": digest, "rows": len(frame), "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "first": str(when.min().date()), "last": str(when.max().date())}  # fmt: skip
    with open(target / LOG, "a") as log:
        log.write(json.dumps(entry) + "\n")
    return target / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.traffic", description="Add real requests to a bundle.")
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="append one batch of requests (a .parquet or .csv file)")
    adding.add_argument("bundle", type=Path, help="the bundle folder")
    adding.add_argument("file", type=Path, help="the batch to add")
    args = parser.parse_args(argv)
    try:
        written = add(args.bundle, args.file)
    except BundleError as exc:
        print(f"{exc.message} {exc.hint}".strip(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"The batch could not be added: {fmt.clean(str(exc))}", file=sys.stderr)
        return 1
    print(f"Added {written.name} to {args.bundle.name}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
