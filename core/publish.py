"""`python -m core.publish`: the publisher's command, kept at the address scripts already use.

The publisher lives in `core.publishing.publish`; `from core.publish import publish` keeps working.
"""

from __future__ import annotations

import sys

from core.publishing.publish import main, publish

__all__ = ["main", "publish"]

if __name__ == "__main__":
    sys.exit(main())
