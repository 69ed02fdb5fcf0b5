"""`python -m core.traffic add|remove|repair|check BUNDLE ...`: real requests after launch, kept at
the address scripts already use.

`add`, `remove` and `repair` live in `core.after_launch`; `check` (findings, alerts) in `core.alerts`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.after_launch.traffic import add
from core.after_launch.traffic import main as _log_main

__all__ = ["add", "main"]


def check(argv: list[str]) -> int:
    """Check bundles' traffic; 1 when a finding fires, 2 when a bundle cannot be checked, else 0."""
    from core import alerts
    from core.bundles.bundle import artifacts_root, discover

    parser = argparse.ArgumentParser(
        prog="python -m core.traffic check",
        description="Say what changed since launch (exit 1 when something did), and send alerts if configured.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("bundle", nargs="?", type=Path, help="the bundle folder")
    which.add_argument("--all", action="store_true", help="every bundle under the artifacts folder")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    folders = discover(artifacts_root()) if args.all else [args.bundle]
    results = []
    for folder in folders:
        try:
            results.append(alerts.check_bundle(folder))
        except OSError as exc:  # the webhook or mail server did not take it
            results.append(
                alerts.Checked(Path(folder).name, Path(folder).name, problem=f"An alert could not be sent: {exc}")
            )
    if args.json:
        print(json.dumps([r.as_json() for r in results], indent=2))
    else:
        for r in results:
            if r.problem:
                print(f"{r.title}: cannot be checked. {r.problem}")
            elif r.findings:
                sent = f" (sent by {' and '.join(r.sent)})" if r.sent else ""
                print(
                    f"{r.title}: {len(r.findings)} {'change' if len(r.findings) == 1 else 'changes'} since launch{sent}."
                )
                for sentence in r.findings:
                    print(f"  - {sentence}")
            else:
                print(f"{r.title}: nothing has changed beyond normal variation since launch.")
    if any(r.problem for r in results):
        return 2
    return 1 if any(r.findings for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"]:
        return check(argv[1:])
    return _log_main(argv)


if __name__ == "__main__":
    sys.exit(main())
