"""What if: one case edited by hand, the smallest change that flips its decision, and scenarios.

Plain Python over a fitted model: `controls` describes each feature for a form (range and values
seen, unit, whether it may be changed), `assess` answers for one case (prediction, decision,
contributions), `smallest_flip` searches realistic changes to the actionable features, and
`scenario` applies one rule to many rows and counts what flips. Nothing here raises on odd input:
unseen categories and out-of-range numbers are accepted and reported as extrapolation.

- `form`: the form (one control per feature, facts kept per evaluation file, a case as model input);
- `case`: one case's prediction, decision and contributions, and which case to open;
- `flips`: the smallest realistic change that flips a decision;
- `scenarios`: one rule applied to many rows, and what flips;
- `sentences`: all of the above in plain words;
- `views`: what the What-if page draws, as data (the starting case, tiles, reasons, what flips it, rule groups).
"""

from core.explaining.whatif import views
from core.explaining.whatif.case import NO_ID, Assessment, CaseIds, Decision, assess, decide, pick_row
from core.explaining.whatif.flips import PAIR_POOL, SEARCH_SECONDS, Flip, smallest_flip
from core.explaining.whatif.form import (
    GRID,
    MAX_VALUE,
    Control,
    _float,
    column_facts,
    controls,
    edits,
    frame_for,
    kept_facts,
    most_important_first,
    number,
    warnings_for,
)
from core.explaining.whatif.scenarios import Rule, ScenarioResult, scenario
from core.explaining.whatif.sentences import (
    _decision_words,
    before_sentence,
    changed_sentence,
    decision_label,
    decision_sentence,
    flip_sentence,
    scenario_sentence,
)

__all__ = [
    "views",
    "GRID",
    "Control",
    "MAX_VALUE",
    "number",
    "column_facts",
    "kept_facts",
    "controls",
    "warnings_for",
    "frame_for",
    "_float",
    "edits",
    "most_important_first",
    "PAIR_POOL",
    "SEARCH_SECONDS",
    "Flip",
    "smallest_flip",
    "Decision",
    "decide",
    "Assessment",
    "assess",
    "NO_ID",
    "CaseIds",
    "pick_row",
    "Rule",
    "ScenarioResult",
    "scenario",
    "flip_sentence",
    "_decision_words",
    "decision_sentence",
    "changed_sentence",
    "scenario_sentence",
    "decision_label",
    "before_sentence",
]
