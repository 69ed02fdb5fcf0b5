from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


class _Served(PagesManager):
    """The pages manager AppTest makes for each run, keeping the server's mode.

    A server leaves Streamlit's legacy pages/ mode for good once the router's st.navigation() has
    run; AppTest puts it back before every run, so each page ran on its own first and was sent
    through the router by a second run, which took any button press with it. The reset lands on
    this class, and the mode the server uses stays as the router left it.
    """


app_test.PagesManager = _Served


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
