"""Seconds to the first explanation of every model kind, at an evaluation size a team brings.

    python -m bench.kinds                 # 1,200 evaluation rows per kind, median of 3 runs
    python -m bench.kinds --readme        # ... and write the table into README.md

Every kind of the supported-model matrix (`tests/model_kinds.py`) is published with `--rows`
evaluation rows and explained with nothing cached, as a first visit does: the explainer built and
the sample explained. The target is 15 s for every kind on this machine; a kind over it fails the
run (exit 1).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from pathlib import Path

from bench.run import model_kind_rows, model_kind_table, write_section

START, END = "<!-- kinds-bench:start -->", "<!-- kinds-bench:end -->"
TARGET_SECONDS = 15.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kinds", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1200, help="evaluation rows per kind (default 1,200)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    import tests.model_kinds as kinds

    kinds.EVAL_ROWS = args.rows
    rows = model_kind_rows(Path(tempfile.mkdtemp(prefix="bench-kinds-")), args.repeats)
    slow = [r["kind"] for r in rows if r.get("first", 0) > TARGET_SECONDS]
    table = model_kind_table(rows)
    text = (
        f"First explanation per model kind at {args.rows:,} evaluation rows (every kind of `tests/model_kinds.py`, "
        f"median of {args.repeats} runs, nothing cached; target {TARGET_SECONDS:.0f} s), "
        f"{platform.machine()}, Python {platform.python_version()}; measured by `python -m bench.kinds`. "
        + ("Every kind is within the target.\n\n" if not slow else f"Over the target: {', '.join(slow)}.\n\n")
        + table
        + "\n\n"
    )
    print(text)
    status = write_section(text, START, END) if args.readme else 0
    return 1 if slow else status


if __name__ == "__main__":
    sys.exit(main())
