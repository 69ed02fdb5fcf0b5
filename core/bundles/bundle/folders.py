"""Where bundles live, their hashes and cache keys, the opened `Bundle`, and reading `bundle.yaml`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from core.bundles.contract import MAX_MANIFEST_BYTES, BundleError, BundleSpec, parse_manifest
from core.bundles.native import NativeModel

MANIFEST = "bundle.yaml"
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
SMOKE_ROWS = 64


def artifacts_root() -> Path:
    """The folder that holds the bundles: $MODELBRIEF_ARTIFACTS, else ./artifacts."""
    return Path(os.environ.get("MODELBRIEF_ARTIFACTS") or "artifacts").resolve()


def discover(root: Path | None = None) -> list[Path]:
    """Every bundle folder under root (a folder with a bundle.yaml), sorted by name."""
    root = root or artifacts_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir() and (p / MANIFEST).is_file())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(folder: Path) -> tuple:
    """A cheap stamp of a bundle folder's files (name, size, mtime) to key in-memory caches."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())


@dataclass
class Bundle:
    """An opened bundle: the spec, the fitted model and the checked evaluation rows."""

    spec: BundleSpec
    model: Any
    eval: pd.DataFrame
    features: list[str]
    classes: tuple | None
    positive_class: Any
    model_sha256: str
    eval_sha256: str
    decides_only: bool = False  # a classifier with a decision but no probabilities
    model_classes: tuple | None = None  # the classes as the model writes them (before `classes:` names)
    manifest_sha256: str = ""  # bundle.yaml as read: values, volume, positive class, tolerance, labels
    shared_rows: Any = field(default=None, repr=False, compare=False)  # files.SharedRows: held while open

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def explainable(self) -> bool:
        return self.model is not None and not self.decides_only

    @property
    def model_name(self) -> str:
        """The kind of model, as its class is called (the last step of a Pipeline)."""
        if self.model is None:
            return "scores only"
        if isinstance(self.model, NativeModel):  # a library's own model object, made to answer like scikit-learn
            return self.model.kind_name
        return type(final_estimator(self.model)).__name__

    @property
    def unexplainable_reason(self) -> str:
        """Why this bundle's predictions cannot be explained, and what would change that."""
        return self.unavailable("explanations")

    def unavailable(self, page: str) -> str:
        """Why the Explanations ('explanations') or What-if ('whatif') page cannot work for this bundle."""
        if self.model is None:
            lost = (
                "the reasons behind its predictions cannot be worked out"
                if page == "explanations"
                else ("a changed case cannot be scored")
            )
            return (
                f"This bundle holds the model's scores but not the model, so {lost}. Publish the fitted model "
                f"in the bundle (a model section in bundle.yaml instead of predictions) to "
                f"{'see them' if page == 'explanations' else 'try changes'}."
            )
        if self.decides_only:
            lost = "no chance to explain" if page == "explanations" else "no chance to follow as a case changes"
            return (
                f"This {self.model_name} gives a decision but no probabilities, so there is {lost}. "
                f"Publish it with --calibrate, which fits it probabilities, to "
                f"{'see the reasons' if page == 'explanations' else 'try changes'}."
            )
        return ""

    @property
    def content_hash(self) -> str:
        """Identifies what predictions depend on: the model and the evaluation rows."""
        return content_hash_of(self.model_sha256, self.eval_sha256)

    @property
    def figures_key(self) -> str:
        """Identifies what the figures depend on: the model, the evaluation rows and bundle.yaml
        (business values, volume, positive class, tolerance, names), so an edited manifest shows
        its new figures and two bundles on the same files never share figures."""
        return figures_key_of(self.model_sha256, self.eval_sha256, self.manifest_sha256)

    @property
    def X(self) -> pd.DataFrame:
        return self.eval[self.features]

    @property
    def y(self) -> pd.Series:
        return self.eval[self.spec.target]


def content_hash_of(model_sha256: str, eval_sha256: str) -> str:
    return hashlib.sha256(f"{model_sha256}:{eval_sha256}".encode()).hexdigest()[:24]


def figures_key_of(model_sha256: str, eval_sha256: str, manifest_sha256: str) -> str:
    content = content_hash_of(model_sha256, eval_sha256)
    return hashlib.sha256(f"{content}:{manifest_sha256}".encode()).hexdigest()[:24]


def read_spec(folder: Path) -> BundleSpec:
    """Read and validate bundle.yaml, and check that the files it names are there."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if manifest.is_symlink():
        raise BundleError(
            "bundle.yaml is a link to another file, so it was not read.",
            "Put the manifest itself in the bundle folder.",
            field="bundle.yaml",
        )
    if not manifest.is_file():
        raise BundleError(
            f"The folder '{folder.name}' has no bundle.yaml.", "Publish the bundle with `python -m core.publish`."
        )
    if manifest.stat().st_size > MAX_MANIFEST_BYTES:
        raise BundleError(
            f"bundle.yaml is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB, so it was not read.",
            "A manifest is a few kilobytes: keep long documents out of it.",
            field="bundle.yaml",
        )
    spec = parse_manifest(manifest.read_text(encoding="utf-8", errors="replace"), folder)
    for path, key in ((spec.model_path, "model.path"), (spec.eval_path, "eval.path")):
        if path is None:  # a predictions-only bundle has no model file
            continue
        if not path.is_file():
            raise BundleError(
                f"The file {path.name} named in bundle.yaml ({key}) is missing from the bundle folder.",
                "Copy the file into the bundle folder, or correct the name in bundle.yaml.",
                field=key,
            )
        with open(path, "rb") as handle:
            head = handle.read(len(LFS_POINTER))
        if head == LFS_POINTER:
            raise BundleError(
                f"{path.name} is a Git LFS pointer, not the file itself.",
                "Run `git lfs pull` in the repository that holds the bundle, then reload.",
                field=key,
            )
    return spec


def final_estimator(model: Any) -> Any:
    """The last step of a Pipeline, else the model itself."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model
