"""The demo build: each bundle appears whole or not at all, and an interrupted start is finished later."""

from __future__ import annotations

import pytest

from core.bundles.bundle import discover
from core.publishing import demos as demo


def test_an_interrupted_build_leaves_only_whole_bundles(tmp_path, monkeypatch):
    def interrupted(root):
        (root / "support-router").mkdir()
        (root / "support-router" / "bundle.yaml").write_text("schema: modelbrief/v1\n")  # half written
        raise KeyboardInterrupt

    builders = dict(demo.DEMOS)
    builders["support ticket routing"] = (interrupted, ("support-router",))
    monkeypatch.setattr(demo, "DEMOS", builders)
    with pytest.raises(KeyboardInterrupt):
        demo.build_demos(tmp_path)
    assert [p.name for p in discover(tmp_path)] == ["churn-gbm", "churn-logreg"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".building-")]
    assert demo.missing_demos(tmp_path) == ["support-router", "delivery-eta"]


def test_missing_demos_are_rebuilt_and_a_teams_own_root_is_left_alone(tmp_path, demo_root):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(demo_root, partial)
    shutil.rmtree(partial / "delivery-eta")
    assert demo.missing_demos(partial) == ["delivery-eta"]
    demo.build_demos(partial, only=demo.missing_demos(partial))
    assert [p.name for p in discover(partial)] == sorted(demo.DEMO_IDS)

    own = tmp_path / "own"
    shutil.copytree(demo_root / "churn-gbm", own / "our-model")
    assert demo.missing_demos(own) == []
    assert demo.missing_demos(tmp_path / "empty") == list(demo.DEMO_IDS)
