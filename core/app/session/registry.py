"""The MLflow registry's versions as catalogue entries: listed, resolved at open time, read once per version.

The registry is asked at most every `ASK_SECONDS` (so moving an alias shows within that time, and a
page's reruns do not each cost a round trip). When it stops answering, what was read last is kept
and said to be so; when it never answered, Home says so in one sentence and the folder bundles
work as before.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import streamlit as st

from core.bundles import registry, scoring
from core.bundles.contract import BundleError, describe
from core.bundles.registry import Ref, Source, Unreachable, Version

ASK_SECONDS = 5.0
_lock = threading.Lock()
_last_listing: dict[str, tuple[list[Version], float]] = {}  # uri -> the last listing that answered, and when
_last_resolved: dict[tuple[str, Ref], tuple[Version, float]] = {}
_last_read: dict[tuple[str, str, str], tuple[Path, Source]] = {}


def _when(seconds: float) -> str:
    return time.strftime("%H:%M", time.localtime(seconds))


@st.cache_resource(ttl=ASK_SECONDS, max_entries=8, show_spinner=False)
def _listing(uri: str) -> list[Version]:
    return registry.listing(uri)


def listing(uri: str) -> tuple[list[Version], str | None, str | None]:
    """The versions Home lists; a sentence for Home when they are not what the registry holds now;
    and one for each of them (None when the registry answered)."""
    try:
        versions = _listing(uri)
    except Unreachable as problem:
        with _lock:
            last = _last_listing.get(uri)
        if last is None:
            return [], f"{problem.message} Its models are not listed; the folder bundles below work as before.", None
        return (
            last[0],
            f"{problem.message} Its models are listed as they were at {_when(last[1])}; "
            "the folder bundles work as before.",
            f"{problem.message} This is the version read at {_when(last[1])}",
        )
    except BundleError as problem:
        return [], problem.message + " " + problem.hint, None
    with _lock:
        _last_listing[uri] = (versions, time.time())
    return versions, None, None


def _moved(ref: Ref) -> str:
    return f"; @{ref.alias} may have moved since." if ref.alias else "."


@st.cache_resource(ttl=ASK_SECONDS, max_entries=256, show_spinner=False)
def _resolve(uri: str, ref: Ref) -> Version:
    return registry.resolve(uri, ref)


def resolve(uri: str, ref: Ref) -> tuple[Version | None, BundleError | None, str | None]:
    """The version a link names now; or the one it named when the registry last answered (said)."""
    try:
        found = _resolve(uri, ref)
    except Unreachable as problem:
        with _lock:
            last = _last_resolved.get((uri, ref))
        if last is None:
            return None, problem, None
        return last[0], None, f"{problem.message} This is the version read at {_when(last[1])}{_moved(ref)}"
    except BundleError as problem:
        return None, problem, None
    with _lock:
        _last_resolved[(uri, ref)] = (found, time.time())
    return found, None, None


@st.cache_resource(ttl=ASK_SECONDS * 12, max_entries=128, show_spinner="Reading the model from the MLflow registry...")
def _read(uri: str, version: Version) -> tuple[Path, Source] | BundleError:
    try:
        return registry.materialize(uri, version, scoring.cache_dir())
    except Unreachable:
        raise  # not cached: the next page run asks again
    except BundleError as problem:
        return problem
    except Exception as exc:  # noqa: BLE001 - never a traceback on the page
        from core.app.session.caches import log

        log.error("Unexpected error while reading %s version %s", version.name, version.version, exc_info=exc)
        return BundleError(
            f"Version {version.version} of '{version.name}' could not be read from the MLflow registry.",
            "Check the version's artifacts in MLflow, or publish it again with python -m core.publish --to-mlflow.",
            detail=describe(exc),
        )


def read(uri: str, version: Version) -> tuple[Path | None, Source | None, BundleError | None]:
    """The version's bundle folder and where it came from, or the problem; a copy read earlier when
    the registry stops answering (said on the source)."""
    key = (uri, version.name, version.version)
    try:
        found = _read(uri, version)
    except Unreachable as problem:
        with _lock:
            last = _last_read.get(key)
        if last is None:
            return None, None, problem
        folder, source = last
        stale = f"{problem.message} This is the copy read earlier, checked against its sha256 as it opens."
        return folder, dataclasses.replace(source, aliases=version.aliases, stale=stale), None
    if isinstance(found, BundleError):
        return None, None, found
    folder, source = found
    with _lock:
        _last_read[key] = (folder, source)
    return folder, dataclasses.replace(source, aliases=version.aliases), None


def entry(uri: str, ref: Ref, version: Version | None = None, note: str | None = None) -> dict:
    """The catalogue entry's fields for a registry id (entries.Entry takes them): its version resolved
    (unless given), read, and its manifest."""
    from core.app.session.caches import _read as read_manifest
    from core.bundles.bundle import fingerprint

    problem = None
    if version is None:
        version, problem, note = resolve(uri, ref)
    if version is None:
        return {"id": ref.text, "folder": Path(), "spec": None, "spec_problem": problem}
    folder, source, problem = read(uri, version)
    if source is not None and note:
        source = dataclasses.replace(source, stale=note)
    if folder is None:
        return {"id": ref.text, "folder": Path(), "spec": None, "spec_problem": problem}
    spec, problem, found, summary_note = read_manifest(str(folder), fingerprint(folder))
    as_id = f"{registry.PREFIX}{version.name}/{version.version}"
    if spec is not None:
        spec = dataclasses.replace(spec, id=as_id)
    return {
        "id": ref.text,
        "folder": folder,
        "spec": spec,
        "spec_problem": problem,
        "summary": found,
        "summary_note": summary_note,
        "source": source,
        "as_id": as_id,
    }


def entries(asked: list[str]) -> tuple[list[dict], str | None]:
    """The fields of the registry's entries Home lists, plus any registry id asked for by this session that it does
    not list (a pinned version, another alias); and a sentence when the registry did not answer."""
    uri = registry.configured_uri()
    if uri is None:
        return [], None
    versions, notice, each = listing(uri)
    listed = [entry(uri, v.ref, v, each + _moved(v.ref) if each else None) for v in versions]
    ids = {e["id"] for e in listed}
    for text in asked:
        try:
            ref = registry.parse(text)
        except BundleError:
            continue
        if ref is not None and ref.text not in ids:
            listed.append(entry(uri, ref))
            ids.add(ref.text)
    return listed, notice


PAIR = ("champion", "challenger")


def partner(entry) -> str | None:
    """The id set against a registry version in a review: the challenger for the champion, the
    champion for the challenger (None when the model has not both, or one version carries both)."""
    source = getattr(entry, "source", None)
    if source is None:
        return None
    for mine, theirs in (PAIR, PAIR[::-1]):
        if mine in source.aliases and theirs not in source.aliases:
            return f"{registry.PREFIX}{source.name}@{theirs}"
    return None


def champion_of(entry, entries: list):
    """The champion's entry when `entry` is its model's challenger (and both open), else None."""
    source = getattr(entry, "source", None)
    if source is None or "challenger" not in source.aliases or "champion" in source.aliases:
        return None
    wanted = partner(entry)
    return next((e for e in entries if e.id == wanted and e.source is not None), None)
