"""The viewer's JavaScript modules reach the page joined, in order, as its one viewer script."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from zoneplan.render import assets

pytestmark = pytest.mark.browser

MODULE_DIR = Path(assets.__file__).parent / "static" / assets.VIEWER_MODULE_DIR


def test_page_carries_the_modules_joined_in_order_and_runs_clean(open_map, maps):
    mp = open_map(maps["en"])
    scripts = mp.js("() => Array.from(document.scripts, s => s.textContent)")
    viewer = [s for s in scripts if s.startswith(assets.VIEWER_SCRIPT_OPEN)]
    assert len(viewer) == 1
    text = viewer[0]
    assert text.endswith(assets.VIEWER_SCRIPT_CLOSE)
    body = text[len(assets.VIEWER_SCRIPT_OPEN) : -len(assets.VIEWER_SCRIPT_CLOSE)]
    # the files as they are on disk, each once, in the declared order, nothing else
    files = [(MODULE_DIR / name).read_text(encoding="utf-8") for name in assets.VIEWER_MODULES]
    assert body == "".join(f"{code}\n" for code in files)
    # the Content-Security-Policy allows exactly this script by its hash
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    csp = mp.js("() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert f"'sha256-{digest}'" in csp
    # and it ran: the viewer is up, with no console or page error
    assert mp.js("() => window.zoneplan.viewer.layers.length") > 0
    mp.assert_clean()
