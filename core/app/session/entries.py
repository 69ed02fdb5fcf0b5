"""Every bundle Home lists: read cheaply, its card measured in the background, the demos built on first start."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from core.app.session.caches import Pending, _read, headline, log, open_bundle
from core.bundles import scoring
from core.bundles.bundle import Bundle, artifacts_root, discover, fingerprint
from core.bundles.contract import BundleError, BundleSpec, describe
from core.publishing import summary
from core.publishing.summary import Summary

_build_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """A bundle in the catalogue: its manifest and summary, read without opening it.

    The bundle itself (model and evaluation rows) opens on first use of `bundle` or `problem`.
    """

    id: str
    folder: Path
    spec: BundleSpec | None
    spec_problem: BundleError | None = None
    summary: Summary | None = None
    summary_note: str | None = None  # why a summary shipped with it was not used (it is measured again)
    source: Any = None  # registry.Source: a version from the MLflow registry, and where its parts came from
    as_id: str | None = None  # the opened bundle's id when it is not the entry's (a registry version's number)

    @property
    def bundle_id(self) -> str:
        """The id of the bundle this entry opens (a registry alias opens a numbered version)."""
        return self.as_id or self.id

    @property
    def title(self) -> str:
        return self.spec.title if self.spec else self.id

    @property
    def opened(self) -> Bundle | BundleError:
        return self.spec_problem or open_bundle(self.folder, self.as_id)

    @property
    def bundle(self) -> Bundle | None:
        opened = self.opened
        return opened if isinstance(opened, Bundle) else None

    @property
    def problem(self) -> BundleError | None:
        opened = self.opened
        return opened if isinstance(opened, BundleError) else None


def catalogue() -> list[Entry]:
    """The bundles the person looking may see (every one when sign-in is off), with their
    manifests (or the problem reading them)."""
    from core.app import viewer
    from core.team import access

    entries = every_bundle()
    if not viewer.sign_in_on():
        return entries
    who = viewer.viewer()
    return [e for e in entries if e.spec is not None and access.allows(e.spec.access, who, True)]


def every_bundle() -> list[Entry]:
    """Every bundle under the artifacts root and in the configured MLflow registry, whoever is looking."""
    return folder_bundles() + registry_bundles()[0]


def registry_notice() -> str | None:
    """A sentence when the configured MLflow registry does not answer (None when it does, or none is set)."""
    return registry_bundles()[1]


def registry_bundles() -> tuple[list[Entry], str | None]:
    """The registry's versions (with any registry id this session asked for), and a sentence when the
    registry did not answer; nothing when no registry is configured."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from core.app.session import registry

    in_a_page = get_script_run_ctx(suppress_warning=True) is not None  # not in the warm-up's thread
    asked = [str(a) for a in (st.session_state.get("bundle"), st.query_params.get("bundle")) if a] if in_a_page else []
    found, notice = registry.entries(asked)
    return [Entry(**fields) for fields in found], notice


def folder_bundles() -> list[Entry]:
    """Every bundle folder under the artifacts root."""
    entries = []
    for folder in discover():
        try:
            spec, problem, found, note = _read(str(folder), fingerprint(folder))
        except OSError:  # removed while listed
            continue
        if found is not None and (missing := summary.cannot_open(found, spec)) is not None:
            problem, found = missing, None  # never figures the pages cannot reach
        entries.append(Entry(folder.name, folder, spec, problem, found, note))
    return entries


def _card_job(entry: Entry):
    """Open a bundle published without a summary, measure it, and keep its summary (in the background)."""
    from core.app import jobs

    def work(progress) -> Summary:
        progress(0.05)
        opened = open_bundle(entry.folder, entry.as_id)
        if isinstance(opened, BundleError):
            raise opened
        progress(0.5)
        result = headline(opened)
        found = summary.of(opened, result)
        try:
            summary.write(found, summary.cached_path(scoring.cache_dir(), found.figures_key))
        except OSError:
            pass  # a read-only disk: the next start measures it again
        return found

    return jobs.start(f"card:{entry.folder}:{hash(fingerprint(entry.folder))}", work)


CARD_WAIT = 3.0  # seconds Home waits in all for bundles measured on the spot, before showing progress


def card_summary(entry: Entry, wait: float) -> Summary | BaseException | Pending:
    """What a card shows: the stored summary, else one measured in the background, waiting up to
    `wait` seconds for it; `Pending` while it runs on; the error (a `BundleError` when the bundle
    cannot open) when it failed."""
    if entry.spec_problem is not None:
        return entry.spec_problem
    if entry.summary is not None:
        return entry.summary
    job = _card_job(entry)
    if not job.wait(max(wait, 0.0)):
        return Pending(job, "the figures")
    if job.error is not None:
        from core.app import jobs

        jobs.forget(job.key)  # the next visit tries again
        if not isinstance(job.error, BundleError):
            log.error("Unexpected error while measuring the bundle %s", entry.id, exc_info=job.error)
        return job.error
    return job.result


def ensure_demos() -> None:
    """Build the demo bundles on first start, and any a previous start left unbuilt."""
    from core.publishing.demos import build_demos, missing_demos

    if not missing_demos():
        return
    with _build_lock:
        missing = missing_demos()
        if not missing:
            return
        with st.status("Building the demo bundles (first start only)...", expanded=True) as status:
            bar = st.progress(0.0)
            try:
                build_demos(
                    artifacts_root(), progress=lambda done, message: bar.progress(done, text=message), only=missing
                )
            except Exception as exc:
                log.error("The demo bundles could not be built", exc_info=exc)
                status.update(label="The demo bundles could not be built.", state="error")
                st.error(
                    "The demo bundles could not be built in the artifacts folder. "
                    "Check that the folder is writable, or set MODELBRIEF_ARTIFACTS to another folder."
                )
                with st.expander("Details"):
                    st.code(describe(exc), language=None)
                return
            status.update(label="Demo bundles ready", state="complete", expanded=False)
