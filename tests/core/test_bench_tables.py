"""The benches' tables say plainly when a figure misses its target (the README is written from them)."""

from __future__ import annotations

from bench import browser, peers


def _result(rows: int, seconds: float) -> dict:
    pages = {name: [seconds] * 3 for name in browser.PAGES}
    return {
        "rows": rows,
        "from spawn": [seconds] * 3,
        "first visit": pages,
        "by link": pages,
        "by sidebar click": pages,
        "slider move": [0.2] * 18 + [0.5, 0.5],
        "What-if edit": [0.1] * 20,
        "peak memory (MB)": 950.0,
    }


def test_a_page_figure_over_its_target_is_marked_missed_and_one_within_it_is_not():
    assert browser.judged(2.4, 2.5, "2.40 (2.30–2.60)") == "2.40 (2.30–2.60)"
    assert browser.judged(2.6, 2.5, "2.60 (2.50–2.70)") == "**2.60 (2.50–2.70), missed** (target 2.5)"
    lines = browser.page_table([_result(10_000, 1.0)]).splitlines()
    assert lines[2] == "| Home | from spawn | 1.00 (1.00–1.00) |"
    assert "| Overview | by sidebar click | **1.00 (1.00–1.00), missed** (target 0.8) |" in lines
    assert "| Overview | by link | 1.00 (1.00–1.00) |" in lines
    moves = browser.moves_table([_result(10_000, 1.0)]).splitlines()
    assert moves[2] == "| slider move | **0.20, p95 0.50, missed** (target 0.35) |"
    assert moves[3] == "| What-if edit | 0.10, p95 0.10 |"
    assert moves[4] == "| server peak memory (MB), champion and challenger open | **950, missed** (target 900) |"


def test_a_peer_that_never_draws_is_said_so_and_a_lead_under_target_is_missed():
    result = {
        "rows": 10_000,
        "times": {
            "modelbrief": [2.0, 2.0, 2.0],
            "modelbrief, nothing stored": [6.0, 6.0, 6.0],
            "shapash": [10.0, 10.0, 10.0],
            "explainerdashboard": [None],
        },
        "floors": {"modelbrief": [1.5], "shapash": [3.0], "explainerdashboard": [4.0]},
    }
    lines = peers.table([result]).splitlines()
    assert lines[2] == "| 10,000 | Modelbrief | a sample of 2,000 cases | 2.0 | 1.5 | 0.5 |  |"
    assert lines[3].startswith("| 10,000 | Modelbrief (scores and explanation worked out on this visit) |")
    assert lines[4] == "| 10,000 | Shapash | all 10,000 cases | 10.0 | 3.0 | 7.0 | **5.0x, missed** (target 6x) |"
    assert lines[5] == (
        "| 10,000 | ExplainerDashboard | all 10,000 cases | not drawn within 600 s | 4.0 |  | more than 300.0x |"
    )


def test_an_action_that_started_no_run_is_counted_beside_the_figures():
    assert browser.tail([0.2, None, 0.2, 0.2]) == "0.20, p95 0.20 (1 of 4 started no run)"
    assert browser.tail([None, None]) == "no run started in 2 tries"
    assert browser.judged(browser._p95([None]), 0.35, "x") == "**x, missed** (target 0.35)"
