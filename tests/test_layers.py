"""The wings of core/ import one way, checked by import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]  # fmt: skip
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def copy(tmp_path) -> Path:
    """core/ and its contracts, copied so a test can break them."""
    shutil.copytree(ROOT / "core", tmp_path / "core", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_wings_keep_their_contracts():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    for contract in (
        "A wing imports only the wings below it KEPT",
        "No circles",
        "Only core.app talks to Streamlit KEPT",
    ):
        assert contract in run.stdout


def test_an_upward_import_fails_and_is_named(copy):
    spec = copy / "core" / "bundles" / "contract" / "spec.py"
    spec.write_text(spec.read_text() + "\nfrom core.words import glossary  # noqa\n")
    run = lint_imports(copy)
    assert run.returncode == 1
    assert "A wing imports only the wings below it BROKEN" in run.stdout
    assert "core.bundles.contract.spec -> core.words.glossary" in run.stdout


def test_a_circle_inside_a_wing_fails(copy):
    folders = copy / "core" / "bundles" / "bundle" / "folders.py"
    folders.write_text(folders.read_text() + "\nfrom core.bundles.bundle import opening  # noqa\n")
    run = lint_imports(copy)
    assert run.returncode == 1
    assert "No circles between modules or packages at any depth BROKEN" in run.stdout


def test_streamlit_below_the_app_fails(copy):
    metrics = copy / "core" / "evaluation" / "metrics.py"
    metrics.write_text(metrics.read_text() + "\nimport streamlit  # noqa\n")
    run = lint_imports(copy)
    assert run.returncode == 1
    assert "core.evaluation.metrics -> streamlit" in run.stdout


def test_no_face_hides_one_of_its_rooms():
    """A package's `__init__` re-exports names from its modules; a name equal to a module's own
    would hide that module from `package.module` (and from a test patching it)."""
    import importlib
    import pkgutil

    import core

    for found in pkgutil.walk_packages(core.__path__, "core."):
        if not found.ispkg:
            continue
        package = importlib.import_module(found.name)
        for room in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{found.name}.{room.name}")
            assert getattr(package, room.name) is module, f"{found.name}.{room.name} is hidden by a name in its face"
