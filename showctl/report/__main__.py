"""``python -m showctl.report``: the report command (see :func:`showctl.report.cli.main`)."""

import sys

from showctl.report.cli import main

if __name__ == "__main__":
    sys.exit(main())
