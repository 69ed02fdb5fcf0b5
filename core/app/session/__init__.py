"""Streamlit glue: the caches every session shares, and which bundle this session looks at.

This is the only package that caches with Streamlit. Opened bundles are keyed by their folder's
file stamps; scores and headline figures by the bundle's content hash, so they are computed
once per model and evaluation file, whoever asks first.

- `caches`: the shared, bounded caches (bundles, scores, figures, explanations, comparisons, traffic);
- `entries`: every bundle Home lists (`catalogue`), its card measured in the background, the demos on first start;
- `sidebar`: the sign-in panel, the bundle picker, the audience switch, the glossary, the link to this view;
- `comparing`: the model set against this one, judged case by case;
- `setting`: the operating point this session looks at, kept in the page address;
- `rooms`: a presentation shared by the presenter's window and its audience windows;
- `warming`: the selected bundle's shared figures made ready in the background once a page is drawn.
"""

from core.app.session.caches import (
    BLOCK_SECONDS,
    Pending,
    _read,
    best,
    case_ids,
    controls,
    eval_set,
    explanation,
    explanation_job,
    group_codes,
    groups,
    headline,
    index,
    log,
    narrowing,
    open_bundle,
    original_case,
    positive_index,
    row_explainer,
    scores,
    segments,
    shown_scores,
    since_launch,
    story_findings,
    typical_row,
    unseen_groups,
    waiting_words,
    word_explainers,
)
from core.app.session.comparing import (
    comparable,
    disagreements,
    figures_side_by_side,
    judged,
    rows_problem,
    segment_winners,
)
from core.app.session.entries import (
    CARD_WAIT,
    Entry,
    card_summary,
    catalogue,
    ensure_demos,
    every_bundle,
    registry_notice,
)
from core.app.session.registry import champion_of, partner
from core.app.session.rooms import ROOMS, Room, room
from core.app.session.setting import current_point, init_point, move_to, write_point
from core.app.session.sidebar import (
    AUDIENCES,
    BUNDLE_KEY,
    bundle_notice,
    choose,
    current,
    glossary_panel,
    link_notices,
    picker_names,
    select_audience,
    select_bundle,
    sign_in_panel,
    view_link,
)
from core.app.session.warming import page_run, warm

__all__ = [
    "log",
    "open_bundle",
    "_read",
    "eval_set",
    "headline",
    "groups",
    "group_codes",
    "narrowing",
    "index",
    "original_case",
    "best",
    "BLOCK_SECONDS",
    "Pending",
    "explanation",
    "explanation_job",
    "warm",
    "page_run",
    "waiting_words",
    "row_explainer",
    "word_explainers",
    "unseen_groups",
    "controls",
    "case_ids",
    "positive_index",
    "scores",
    "segments",
    "shown_scores",
    "since_launch",
    "story_findings",
    "typical_row",
    "BUNDLE_KEY",
    "sign_in_panel",
    "select_bundle",
    "picker_names",
    "bundle_notice",
    "link_notices",
    "choose",
    "current",
    "AUDIENCES",
    "select_audience",
    "glossary_panel",
    "view_link",
    "Entry",
    "catalogue",
    "every_bundle",
    "registry_notice",
    "partner",
    "champion_of",
    "CARD_WAIT",
    "card_summary",
    "ensure_demos",
    "init_point",
    "move_to",
    "write_point",
    "current_point",
    "comparable",
    "judged",
    "rows_problem",
    "figures_side_by_side",
    "segment_winners",
    "disagreements",
    "Room",
    "room",
    "ROOMS",
]
