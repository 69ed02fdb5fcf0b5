"""Once a page is drawn, the selected bundle's shared figures are made ready in the background
(`core.app.session.warming`), so the next page opened finds them instead of computing them."""

from __future__ import annotations

from core.app import jobs
from core.bundles.bundle import fingerprint, load_bundle
from core.explaining import explain


def _warm_job(folder):
    return jobs.get(f"warm:{folder}:{hash(fingerprint(folder))}")


def test_home_makes_the_next_pages_work_ready_and_the_page_finds_it_done(app, make_bundle, monkeypatch, tmp_path):
    monkeypatch.setenv("MODELBRIEF_WARM_UP", "1")
    monkeypatch.setenv("MODELBRIEF_CACHE", str(tmp_path / "cache"))
    folder = make_bundle("left-to-the-app", precompute_explanations=False)  # its explanation not shipped
    before = explain.kept.compute_count
    at = app(folder.parent)
    assert not at.exception
    job = _warm_job(folder)
    assert job is not None and job.wait(60) and job.error is None
    explained = jobs.get(f"explain:{load_bundle(folder).figures_key}")
    assert explained is not None and explained.wait(60) and explained.error is None
    assert explain.kept.compute_count == before + 1  # computed once, in the background, before a page asked
    at.switch_page("pages/explanations.py").run()
    assert not at.exception
    assert [h.value for h in at.subheader][:1] == ["What the model relies on"]  # shown at once, no progress
    assert explain.kept.compute_count == before + 1  # the page found it: not computed again


def test_the_warm_up_can_be_turned_off(app, make_bundle, monkeypatch, tmp_path):
    monkeypatch.setenv("MODELBRIEF_WARM_UP", "0")
    monkeypatch.setenv("MODELBRIEF_CACHE", str(tmp_path / "cache"))
    folder = make_bundle("cold", precompute_explanations=False)
    at = app(folder.parent)
    assert not at.exception
    assert _warm_job(folder) is None


def test_a_bundle_that_cannot_open_warms_nothing_and_its_page_still_says_why(app, make_bundle, monkeypatch):
    monkeypatch.setenv("MODELBRIEF_WARM_UP", "1")
    folder = make_bundle("broken")
    with open(folder / "model.joblib", "ab") as handle:
        handle.write(b"tampered")
    at = app(folder.parent)
    assert not at.exception
    job = _warm_job(folder)
    assert job is not None and job.wait(60) and job.error is None  # opened, refused, nothing more
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert at.error and "cannot be opened" in at.error[0].value


def test_the_warm_up_waits_while_a_page_runs_and_just_after(monkeypatch):
    """It never competes with a page being computed or sent: each step waits for the pages to be quiet."""
    import threading
    import time

    from core.app.session import warming

    monkeypatch.setattr(warming, "QUIET_SECONDS", 0.3)
    monkeypatch.setattr(warming, "_last_end", 0.0)
    started = time.monotonic()
    warming.quiet()
    assert time.monotonic() - started < 0.1  # nothing running: at once

    stepped = []
    worker = threading.Thread(target=lambda: (warming.quiet(), stepped.append(time.monotonic())))
    with warming.page_run():
        worker.start()
        time.sleep(0.5)
        assert stepped == []  # a page is running: the step waits
        ended_by = time.monotonic()
    worker.join(5)
    assert len(stepped) == 1 and stepped[0] - ended_by >= 0.3  # and waits a moment after it ends


def test_a_page_run_that_stops_or_fails_still_lets_the_warm_up_go_on(monkeypatch):
    from core.app.session import warming

    monkeypatch.setattr(warming, "QUIET_SECONDS", 0.0)
    try:
        with warming.page_run():
            raise RuntimeError("a page that failed")
    except RuntimeError:
        pass
    assert warming._runs == 0
    warming.quiet()  # returns: nothing is left counted as running
