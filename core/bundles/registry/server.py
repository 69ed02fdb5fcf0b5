"""The registry asked what it holds: the versions Home lists, and an id resolved to its version."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from core.bundles.contract import BundleError, describe
from core.bundles.registry.names import Ref, shown_uri

# A registry that does not answer must cost a page seconds, not the client's default of minutes of retries.
_CLIENT_SETTINGS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",  # downloads are the app's business, not its log's
}
ALIAS_ORDER = ("champion", "challenger")  # the aliases a review reads first


class Unreachable(BundleError):
    """The registry did not answer (down, refused, timed out, or not a registry)."""


@dataclass(frozen=True)
class Version:
    """A registered model version as the registry describes it."""

    name: str
    version: str
    run_id: str | None
    source: str
    aliases: tuple[str, ...] = ()
    tags: dict = field(default_factory=dict, compare=False, hash=False)
    description: str = ""

    @property
    def ref(self) -> Ref:
        """The id it is listed under: its first alias (champion, challenger, then by name), else its number."""
        if self.aliases:
            return Ref(self.name, alias=self.aliases[0])
        return Ref(self.name, version=self.version)

    @property
    def pinned(self) -> Ref:
        return Ref(self.name, version=self.version)


def client(uri: str):
    """An MLflow client for this one server (registry and tracking alike)."""
    for key, value in _CLIENT_SETTINGS.items():
        os.environ.setdefault(key, value)
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise BundleError(
            "Models in the MLflow registry cannot be read because MLflow is not installed here.",
            "Install it where the app runs (pip install mlflow-skinny), then reload.",
        ) from None
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _unreachable(uri: str, exc: BaseException) -> Unreachable:
    return Unreachable(
        f"The MLflow registry at {shown_uri(uri)} does not answer.",
        "Check that the server is running and reachable from here; the folder bundles keep working.",
        detail=describe(exc),
    )


def _missing(exc: BaseException) -> bool:
    return getattr(exc, "error_code", "") in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND") or "not found" in str(exc).lower()


def _ordered(aliases) -> tuple[str, ...]:
    return tuple(sorted(aliases, key=lambda a: (ALIAS_ORDER.index(a) if a in ALIAS_ORDER else len(ALIAS_ORDER), a)))


def _version(found) -> Version:
    return Version(
        name=found.name,
        version=str(found.version),
        run_id=found.run_id or None,
        source=found.source or "",
        aliases=_ordered(getattr(found, "aliases", None) or ()),
        tags=dict(found.tags or {}),
        description=found.description or "",
    )


def listing(uri: str) -> list[Version]:
    """Every version Home lists: each one that carries an alias, and the latest of a model with none;
    by model name, then version. Raises Unreachable when the server does not answer."""
    mlflow_client = client(uri)
    listed: list[Version] = []
    try:
        models, token = [], None
        while True:
            page = mlflow_client.search_registered_models(max_results=200, page_token=token)
            models.extend(page)
            token = page.token
            if not token:
                break
        for model in sorted(models, key=lambda m: m.name):
            numbers = sorted({str(v) for v in (model.aliases or {}).values()}, key=int)
            if not numbers:
                latest = mlflow_client.search_model_versions(
                    f"name = '{_quoted(model.name)}'", max_results=1, order_by=["version_number DESC"]
                )
                numbers = [str(latest[0].version)] if latest else []
            listed.extend(_version(mlflow_client.get_model_version(model.name, n)) for n in numbers)
    except BundleError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to talk to the server is the same sentence
        raise _unreachable(uri, exc) from None
    return listed


def _quoted(name: str) -> str:
    return name.replace("'", "\\'")


def resolve(uri: str, ref: Ref) -> Version:
    """The version an id names now (an alias read at this moment), or BundleError saying there is none."""
    mlflow_client = client(uri)
    try:
        if ref.alias:
            found = mlflow_client.get_model_version_by_alias(ref.name, ref.alias)
        else:
            found = mlflow_client.get_model_version(ref.name, ref.version)
    except Exception as exc:  # noqa: BLE001
        if _missing(exc):
            what = f"carries the alias @{ref.alias}" if ref.alias else f"has a version {ref.version}"
            raise BundleError(
                f"No model called '{ref.name}' in the MLflow registry {what}.",
                "Check the name and the alias or version in the link; Home lists the registry's models.",
                detail=describe(exc),
            ) from None
        raise _unreachable(uri, exc) from None
    return _version(found)
