"""A slow first explanation never holds a page: it runs in the background with progress and an
estimate, the rest of the page renders, and the page shows the result once it is done."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from core.app import jobs, session
from core.explaining import explain
from core.publishing.publish import publish
from tests.helpers import seen


def test_a_slow_first_explanation_shows_progress_then_the_result(app, small_churn, tmp_path, monkeypatch):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "slow", positive_class="yes")
    monkeypatch.setattr(jobs, "_jobs", OrderedDict())
    monkeypatch.setattr(session.caches, "BLOCK_SECONDS", 0.5)
    real = explain.for_bundle

    def slow(bundle, cache_directory, progress=None):
        for step in range(1, 21):
            time.sleep(0.1)
            progress(step / 40)
        return real(bundle, cache_directory, progress)

    monkeypatch.setattr(explain, "for_bundle", slow)
    started = time.monotonic()
    at = app(tmp_path, bundle="slow").switch_page("pages/explanations.py").run()
    assert time.monotonic() - started < 10
    assert not at.exception and not at.error
    bars = at.get("progress")
    assert len(bars) == 1
    assert "Explaining the model on a sample of cases (once per model)" in seen(bars[0].proto.text)
    assert "This page updates itself when it is done" in seen(bars[0].proto.text)
    assert not any(s.value == "What the model relies on" for s in at.subheader)

    job = next(iter(jobs._jobs.values()))
    assert job.wait(60)
    at.run()
    assert not at.exception and not at.error
    assert not at.get("progress")
    assert "What the model relies on" in [s.value for s in at.subheader]


def held_explanations(small_churn, tmp_path, monkeypatch) -> threading.Event:
    """A churn bundle "slow" whose first explanation waits until the returned event is set (at most 30 s)."""
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "slow", positive_class="yes")
    monkeypatch.setattr(jobs, "_jobs", OrderedDict())
    monkeypatch.setattr(session.caches, "BLOCK_SECONDS", 0.2)
    release = threading.Event()
    real = explain.for_bundle

    def held(bundle, cache_directory, progress=None):
        release.wait(30)
        return real(bundle, cache_directory, progress)

    monkeypatch.setattr(explain, "for_bundle", held)
    return release


def test_other_sections_of_a_page_render_while_explanations_are_pending(app, small_churn, tmp_path, monkeypatch):
    release = held_explanations(small_churn, tmp_path, monkeypatch)
    order = []  # figures first: the tiles are drawn before the page waits for any explanation
    for module, name in ((session, "explanation"), (__import__("core.app.ui", fromlist=["ui"]), "kpi_tiles")):
        real_call = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=real_call, _n=name, **k: order.append(_n) or _f(*a, **k))
    try:
        at = app(tmp_path, bundle="slow").switch_page("pages/overview.py").run()
        assert not at.exception and not at.error
        assert len(at.metric) == 3  # the figures do not wait for the explanations
        assert len(at.get("progress")) == 1
        first = order.index("explanation")  # (the router may run the page once before it is routed)
        assert order[0] == "kpi_tiles" and first > 0 and order[first - 1] == "kpi_tiles"
    finally:
        release.set()


def test_the_card_and_the_slides_show_their_figures_while_the_reasons_are_worked_out(
    app, small_churn, tmp_path, monkeypatch
):
    release = held_explanations(small_churn, tmp_path, monkeypatch)
    try:
        card = app(tmp_path, bundle="slow").switch_page("pages/card.py").run()
        assert not card.exception and not card.error
        facts = " ".join(seen(m.value) for m in card.markdown)
        assert "**Relies most on**  \nbeing worked out" in facts and "**Coverage**" in facts  # the rest meanwhile
        assert len(card.get("progress")) == 1
        headline = app(tmp_path, bundle="slow", slide="1").switch_page("pages/present.py").run()
        assert not headline.exception and not headline.error
        slide = " ".join(h.proto.body for h in headline.get("html") if "slide-title" in h.proto.body)
        assert "slide-tiles" in slide and not headline.get("progress")  # the headline needs no reasons
        reasons = app(tmp_path, bundle="slow", slide="3").switch_page("pages/present.py").run()
        assert not reasons.exception and not reasons.error
        assert len(reasons.get("progress")) == 1  # what it relies on: its progress, until it is in
    finally:
        release.set()
