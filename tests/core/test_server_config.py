"""The server settings that keep a deployment safe, read from the config the README's command uses."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_errors_never_show_details_to_the_browser():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_the_server_listens_on_this_machine_only_unless_told_otherwise():
    assert CONFIG["server"]["address"] == "127.0.0.1"


def test_cross_site_protections_stay_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True
    assert "corsAllowedOrigins" not in CONFIG["server"]


def test_only_loopback_names_are_answered():
    assert sorted(CONFIG["server"]["allowedHosts"]) == ["127.0.0.1", "::1", "localhost"]


def test_nothing_is_reported_to_other_hosts():
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_data_folders_are_not_watched_for_code_changes():
    assert set(CONFIG["server"]["folderWatchBlacklist"]) >= {"artifacts", "bench/output", "tests/output"}


def test_no_full_garbage_collection_after_every_rerun():
    assert CONFIG["runner"]["postScriptGC"] is False  # a slider move would wait for it


@pytest.mark.parametrize("script", ["Home.py"])
def test_the_page_icon_ships_with_the_app(script):
    source = (ROOT / script).read_text()
    assert "page_icon=str(ICON)" in source
    assert (ROOT / "static" / "icon.png").stat().st_size > 0


def test_the_readme_run_command_uses_this_config():
    readme = (ROOT / "README.md").read_text()
    assert "streamlit run Home.py" in readme and "## Deploying" in readme
    assert "--server.address" not in readme.split("## Deploying")[0]  # the config's loopback address holds
