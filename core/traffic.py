"""`python -m core.traffic add|remove|repair BUNDLE ...`: real requests after launch, kept at the address scripts already use.

After-launch code lives in `core.after_launch`.
"""

from __future__ import annotations

import sys

from core.after_launch.traffic import add, main

__all__ = ["add", "main"]

if __name__ == "__main__":
    sys.exit(main())
