"""Bundles from an MLflow model registry: a registered model version opened as a bundle.

With `MODELBRIEF_MLFLOW_URI` set to a tracking server, every registered model version that carries
an alias (and the latest version of a model that has none) is a bundle, with the id
`mlflow:<name>@<alias>` or `mlflow:<name>/<version>`. Only that one configured server is ever read:
an id names a model, never a server, so no link can make the app open a pickle from elsewhere.

- `names`: the ids, parsed and written, and the configured server;
- `server`: the registry asked what it holds (listing, an alias resolved at open time);
- `reading`: a version's artifacts turned into a bundle folder in the cache, once per version;
- `pyfunc`: an MLflow pyfunc model made to answer like a scikit-learn one.

No MLflow import happens until a registry is configured and asked.
"""

from core.bundles.registry.names import (
    PREFIX,
    URI_ENV,
    Ref,
    configured_uri,
    file_stem,
    parse,
    shown_uri,
    version_words,
)
from core.bundles.registry.reading import Source, materialize
from core.bundles.registry.server import Unreachable, Version, listing, resolve

__all__ = [
    "PREFIX",
    "URI_ENV",
    "Ref",
    "parse",
    "configured_uri",
    "shown_uri",
    "file_stem",
    "version_words",
    "Version",
    "Unreachable",
    "listing",
    "resolve",
    "Source",
    "materialize",
]
