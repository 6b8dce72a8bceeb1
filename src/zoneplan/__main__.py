"""Run the command line with ``python -m zoneplan``."""

from zoneplan.cli import run

run()
