"""``python -m showctl`` is the ``showctl`` command."""

import sys

from showctl.cli import main

sys.exit(main())
