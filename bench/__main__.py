"""`make bench`: knowledge-base matching, unit look-up at 100,000 units, broadcast."""

import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench import kb


def main() -> int:
    only = set(sys.argv[1:])
    if not only or "kb" in only:
        kb.run()
    if not only or "units" in only:
        from bench import units

        units.run()
    if not only or "broadcast" in only:
        from bench import broadcast

        broadcast.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
