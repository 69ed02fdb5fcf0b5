"""Registry bundle ids (`mlflow:<name>@<alias>`, `mlflow:<name>/<version>`) and the configured server."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.bundles.contract import BundleError

PREFIX = "mlflow:"
URI_ENV = "MODELBRIEF_MLFLOW_URI"
_ALIAS = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


@dataclass(frozen=True)
class Ref:
    """A registered model version as a link names it: by alias (resolved at open time) or by number."""

    name: str
    alias: str | None = None
    version: str | None = None

    @property
    def text(self) -> str:
        return f"{PREFIX}{self.name}@{self.alias}" if self.alias else f"{PREFIX}{self.name}/{self.version}"


def parse(text: str) -> Ref | None:
    """The version an id names; None when the id is not a registry id; BundleError when it is one
    written wrongly.

    >>> parse("mlflow:churn@champion")
    Ref(name='churn', alias='champion', version=None)
    >>> parse("mlflow:team/churn/3")
    Ref(name='team/churn', alias=None, version='3')
    >>> parse("churn-gbm") is None
    True
    """
    if not isinstance(text, str) or not text.startswith(PREFIX):
        return None
    rest = text[len(PREFIX) :]
    name, at, alias = rest.rpartition("@")
    if at and name and _ALIAS.match(alias):
        return Ref(name=name, alias=alias)
    name, slash, version = rest.rpartition("/")
    if slash and name and version.isdigit() and int(version) > 0:
        return Ref(name=name, version=str(int(version)))
    raise BundleError(
        f"'{text[:80]}' is not a registry model this app can read.",
        "Write mlflow:<name>@<alias> or mlflow:<name>/<version>, e.g. mlflow:churn@champion.",
    )


def configured_uri() -> str | None:
    """The one tracking server this deployment reads, or None when no registry is configured."""
    return (os.environ.get(URI_ENV) or "").strip() or None


def shown_uri(uri: str) -> str:
    """The server as people read it: scheme, host and port, never a password in the address.

    >>> shown_uri("https://ana:secret@mlflow.example.com:5000/path")
    'https://mlflow.example.com:5000'
    """
    parts = urlsplit(uri)
    if not parts.scheme or not parts.hostname:
        return uri.split("@")[-1][:80]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def file_stem(bundle_id: str) -> str:
    """A bundle id as a file name for downloads (a registry id holds ':', '@' and '/').

    >>> file_stem("mlflow:team/churn@champion")
    'mlflow-team-churn-champion'
    """
    return re.sub(r"[^\w.-]+", "-", bundle_id).strip("-") or "model"


def version_words(bundle_id: str) -> str | None:
    """A registry bundle's version as reports and slides name it; None for a folder bundle.

    >>> version_words("mlflow:churn/2")
    'churn, version 2 in the MLflow registry'
    >>> version_words("churn-gbm") is None
    True
    """
    try:
        ref = parse(bundle_id)
    except BundleError:
        return None
    if ref is None:
        return None
    return (
        f"{ref.name}, version {ref.version} in the MLflow registry"
        if ref.version
        else f"{ref.text} in the MLflow registry"
    )
