"""A bundle at a glance in a few hundred bytes: its row count and headline figures at its own setting.

Home shows a card per bundle. Opening a bundle means unpickling its model and reading every
evaluation row, which at a million rows takes seconds, so the card reads a summary instead:

- the publisher writes `summary.json` into the bundle;
- for a bundle published without one (or whose manifest was edited since), the app computes it
  once, in the background, and keeps it in its cache.

A summary is marked with the bundle's figures key (model, evaluation file and manifest hashes)
and is used only while all three files are the ones it was computed from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.bundles.bundle import (
    MANIFEST,
    MISSING_MODULE_HINT,
    Bundle,
    figures_key_of,
    file_sha256,
    missing_module,
    missing_module_sentence,
    needed_modules,
    predictions_digest,
    read_spec,
)
from core.bundles.contract import BundleError, BundleSpec, OperatingPoint
from core.evaluation.metrics import Estimate, Headline, Kpis, Ranges

BUNDLE_FILE = "summary.json"  # written by the publisher, travels with the bundle
FORMAT = 3  # 2: notices hold all of the opened bundle's; 3: the modules the model needs
MAX_BYTES = 64 * 1024  # a summary is well under a kilobyte; anything larger is not one


@dataclass(frozen=True)
class Summary:
    """What a card shows of a bundle without opening it."""

    figures_key: str
    rows: int
    headline: Headline
    positive_class: Any = None  # as the opened bundle resolves it (binary)
    decides_only: bool = False
    notices: tuple[str, ...] = ()  # every notice of the opened bundle (the manifest's and what opening adds)
    modules: tuple[str, ...] = ()  # the top-level Python modules the model needs: a card checks them first

    def spec_for(self, spec: BundleSpec) -> BundleSpec:
        """The manifest's spec as the opened bundle reads it: what the card's sentences depend on."""
        return dataclasses.replace(
            spec,
            decides_only=self.decides_only,
            positive_class=self.positive_class if spec.task == "binary" else spec.positive_class,
            notices=self.notices,  # the manifest they came from is the one the figures key names
        )


def of(bundle: Bundle, headline: Headline) -> Summary:
    """The summary of an opened bundle, given its headline at its own setting."""
    positive = bundle.positive_class
    return Summary(
        figures_key=bundle.figures_key,
        rows=len(bundle.eval),
        headline=headline,
        positive_class=positive.item() if hasattr(positive, "item") else positive,
        decides_only=bundle.decides_only,
        notices=tuple(bundle.spec.notices),
        modules=needed_modules(bundle.model) if bundle.model is not None else (),
    )


def cannot_open(found: Summary, spec: BundleSpec) -> BundleError | None:
    """Why a bundle with this summary cannot be opened here, when a module its model needs is
    missing: the card then says so, rather than showing figures the pages cannot reach."""
    module = missing_module(found.modules)
    if module is None:
        return None
    return BundleError(
        missing_module_sentence(spec.model_path.name, module),
        MISSING_MODULE_HINT.format(module=module),
        field="model.path",
    )


def figures_key(spec: BundleSpec) -> str:
    """The figures key the bundle will have once opened, from its files' hashes alone."""
    model_sha = predictions_digest(spec) if spec.predictions_only else file_sha256(spec.model_path)
    return figures_key_of(model_sha, file_sha256(spec.eval_path), file_sha256(spec.folder / MANIFEST))


def _number(value: float) -> Any:
    """A float JSON cannot hold ('nan', 'inf') as text; float() reads it back as itself."""
    return value if isinstance(value, bool) or not isinstance(value, float) or math.isfinite(value) else str(value)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return _number(value)


def _digest(data: dict) -> str:
    """The sha256 of a summary's own content (figures, notices, modules, and the figures key that
    names the files they came from), written in one canonical form."""
    content = {k: v for k, v in data.items() if k != "digest"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def to_json(summary: Summary) -> str:
    data = {"format": FORMAT, **_plain(summary)}
    data["notices"] = list(summary.notices)
    data["modules"] = list(summary.modules)
    data["digest"] = _digest(data)
    return json.dumps(data, sort_keys=True)


def _plausible(summary: Summary) -> bool:
    """No infinite figure, and shares where shares belong (a missing one, NaN, is allowed: nothing acted)."""
    k = summary.headline.kpis
    numbers = list(_leaves(dataclasses.asdict(summary.headline)))
    if any(isinstance(v, float) and math.isinf(v) for v in numbers):
        return False
    shares = [getattr(k, name, None) for name in ("coverage", "accuracy_acted")]
    return all(v is None or math.isnan(v) or 0 <= v <= 1 for v in shares) and summary.rows >= 0


def _leaves(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    else:
        yield value


def _estimate(data: dict | None) -> Estimate | None:
    return None if data is None else Estimate(**{k: float(v) if k != "n" else int(v) for k, v in data.items()})


def from_json(text: str) -> Summary:
    """Read a summary; raises ValueError (or KeyError/TypeError) on anything that is not one."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("unknown summary format")
    if data.get("digest") != _digest(data):
        raise ValueError("the summary's figures do not match its digest")
    kpi_fields = {f.name: f.type for f in dataclasses.fields(Kpis)}
    kpis = Kpis(
        **{
            k: None if v is None else int(v) if kpi_fields[k].startswith("int") else float(v)
            for k, v in data["headline"]["kpis"].items()
        }
    )
    ranges = Ranges(**{k: _estimate(v) for k, v in data["headline"]["ranges"].items()})
    point = OperatingPoint(**{k: float(v) for k, v in data["headline"]["point"].items()})
    return Summary(
        figures_key=str(data["figures_key"]),
        rows=int(data["rows"]),
        headline=Headline(point=point, kpis=kpis, ranges=ranges),
        positive_class=data.get("positive_class"),
        decides_only=bool(data.get("decides_only", False)),
        notices=tuple(str(n) for n in data.get("notices", ())),
        modules=tuple(str(m) for m in data.get("modules", ())),
    )


def write(summary: Summary, path: Path) -> None:
    """Keep a summary at path, replacing any earlier one in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(to_json(summary), encoding="utf-8")
    os.replace(tmp, path)


def read(path: Path, key: str) -> Summary | None:
    """The summary at path when it answers for exactly these files (`key`), else None."""
    path = Path(path)
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return None
        found = from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None  # a damaged, edited or foreign file is simply not used
    return found if found.figures_key == key and _plausible(found) else None


REMEASURED = "Its stored figures did not check out, so they are being measured again from the model."


def refused(folder: Path, key: str) -> str | None:
    """A sentence for a card whose shipped summary names these files but fails its checks (edited
    figures, a broken digest, an impossible figure), which is then ignored and measured again."""
    path = Path(folder) / BUNDLE_FILE
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return REMEASURED
    if not isinstance(data, dict) or data.get("figures_key") != key or data.get("format") != FORMAT:
        return None  # another version of the files, or an older format: measured again as usual
    return None if read(path, key) is not None else REMEASURED


def cached_path(cache: Path, key: str) -> Path:
    return Path(cache) / f"{key}.summary.json"


def find(folder: Path, cache: Path, spec: BundleSpec | None = None, key: str | None = None) -> Summary | None:
    """The bundle's summary, shipped in its folder or kept in the cache, that answers its files now
    (`key`: their figures key, when the caller has it)."""
    key = key or figures_key(spec or read_spec(folder))
    for path in (Path(folder) / BUNDLE_FILE, cached_path(cache, key)):
        found = read(path, key)
        if found is not None:
            return found
    return None
