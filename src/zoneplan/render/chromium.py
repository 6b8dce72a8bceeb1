"""
How the project runs headless Chromium: the browser tests and the map benchmark.

Both open the generated pages in Debian's Chromium through Playwright with these
flags, so that a figure measured by the benchmark is the page the tests check.
"""

from __future__ import annotations

from typing import Final

#: Debian's Chromium, the browser of the tests and the benchmark.
CHROMIUM: Final[str] = "/usr/bin/chromium"

#: Flags of every headless Chromium run: no sandbox (CI runs as root), no GPU, and no
#: background traffic of the browser's own (updates, sync, QUIC probes).
CHROMIUM_ARGS: Final[tuple[str, ...]] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
