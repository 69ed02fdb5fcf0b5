"""After launch: real requests, batch by batch, set against the test figures.

A bundle's `traffic:` names a file, or a folder of batch files, of real requests: when each came in,
the model's input columns, optionally the live model's scores, and the outcome once it is known.

    python -m core.traffic add BUNDLE FILE

checks a new batch against the bundle (`intake`), summarises it (`summaries.add`: a batch that
cannot be summarised is refused), copies it into the folder and appends its sha256 to
`batches.jsonl`, last and under a lock, so the log alone says which batches count; nothing already
there is rewritten, and a batch whose file changed after it was added is refused when read.
`remove` withdraws a batch with a reason; `repair` sets aside a log line a crash cut short.

Each batch is summarised once, cached by its hash and the bundle's figures key: per day, how many
requests came in, what the model did with them at the bundle's setting (the one in use), the
outcomes that have arrived and what they were worth, what the model's confidence expects, and how
each input is spread over bins fixed by the test data. Summaries add up, so a new week costs only
that week; `since_launch` turns them into figures per period with the range a period of that size
shows when nothing has changed, drift per feature, and findings in plain words.

- `intake`: a batch checked before it is written, and its rows' digest;
- `log`: the append-only batch log and the commands that add, withdraw and repair;
- `summaries`: what the test data looks like, and one batch summarised (cached by hash);
- `courses`: one figure's periods against its range, and whether a change is under way;
- `periods`: periods, drift measures (PSI, Jensen-Shannon) and medians from fine bins;
- `changes`: `since_launch` (each period against its normal range), what changed in words, and the
  one line every summary carries.
"""

from core.after_launch.traffic.changes import card_line, figure_courses, findings, keep_line, since_launch
from core.after_launch.traffic.courses import RUNS, Course, course
from core.after_launch.traffic.log import FORMATS, LOG, Batch, DamagedLog, batches, remove, repair
from core.after_launch.traffic.log import main as _commands
from core.after_launch.traffic.periods import (
    ANSWERS,
    MEASURED,
    MIN_ROWS,
    PSI_MOVED,
    SinceLaunch,
    Z,
    choose_period,
    coarse,
    js_distance,
    median_from,
    period_start,
    period_words,
    psi,
    test_answers,
)
from core.after_launch.traffic.summaries import (
    FINE_BINS,
    LEVELS,
    MISSING,
    OTHER,
    SUMMARY_VERSION,
    Reference,
    Summary,
    add,
    batch_summary,
    expected_values,
    reference,
    scores_of,
    summarise,
    summary,
)


def main(argv: list[str] | None = None) -> int:
    """`python -m core.traffic add|remove|repair`: a batch added is summarised as it is added."""
    import functools

    from core.after_launch.traffic.forks import cores

    return _commands(argv, adder=functools.partial(add, workers=cores()))


__all__ = [
    "LOG",
    "FORMATS",
    "Batch",
    "batches",
    "add",
    "remove",
    "repair",
    "DamagedLog",
    "main",
    "SUMMARY_VERSION",
    "FINE_BINS",
    "LEVELS",
    "MISSING",
    "OTHER",
    "Reference",
    "reference",
    "Summary",
    "scores_of",
    "expected_values",
    "summarise",
    "batch_summary",
    "summary",
    "PSI_MOVED",
    "MEASURED",
    "MIN_ROWS",
    "Z",
    "ANSWERS",
    "choose_period",
    "period_start",
    "period_words",
    "psi",
    "js_distance",
    "coarse",
    "median_from",
    "SinceLaunch",
    "test_answers",
    "since_launch",
    "figure_courses",
    "RUNS",
    "Course",
    "course",
    "findings",
    "keep_line",
    "card_line",
]
