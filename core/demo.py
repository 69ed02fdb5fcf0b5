"""`python -m core.demo`: builds the demo bundles, kept at the address the README gives.

The builders live in `core.publishing.demos`, the data they draw on in `core.publishing.demo_data`.
"""

from __future__ import annotations

import sys

from core.publishing.demos import build_demos, main

__all__ = ["build_demos", "main"]

if __name__ == "__main__":
    sys.exit(main())
