from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


@pytest.fixture
def app(monkeypatch, tmp_path):
    """Run the app against a given artifacts root, with optional query parameters."""

    def run(artifacts: Path, **query) -> AppTest:
        monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(artifacts))
        monkeypatch.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return run
