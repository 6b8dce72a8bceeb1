"""Run the command line with ``python -m zoneplan``."""

import sys

from zoneplan.cli import main

sys.exit(main())
