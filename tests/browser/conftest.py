"""
Browser fixtures: Debian's headless Chromium driven by Playwright, with no network.

Every request the page makes is routed: Leaflet's pinned CDN URLs are answered
from the installed django-js-lib-leaflet files (so the integrity hashes are
really checked), basemap tiles with a blank PNG made here (or refused), the
page's own file is read from disk, and anything else is refused and recorded so
tests can assert that nothing unexpected was asked for. Without Chromium the
tests skip locally and fail when the CI environment variable is set.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import build
from zoneplan.render import assets, chromium

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("ZONEPLAN_CHROMIUM", chromium.CHROMIUM)
CHROMIUM_ARGS = list(chromium.CHROMIUM_ARGS)
VIEWPORT = {"width": 1280, "height": 800}
CDN_FILES = {assets.LEAFLET_JS_URL: "leaflet.js", assets.LEAFLET_CSS_URL: "leaflet.css"}
TILE_HOSTS = re.compile(
    r"^https://(tile\.openstreetmap\.org|server\.arcgisonline\.com|[a-d]\.basemaps\.cartocdn\.com)/"
)
# Chromium's own line for a refused request, with the refused URL reported separately.
RESOURCE_FAILED = "Failed to load resource"


def blank_png(size: int = 256, rgb: tuple[int, int, int] = (236, 239, 242)) -> bytes:
    """A plain light-grey PNG tile, written without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


TILE = blank_png()


@dataclass
class MapPage:
    """An open map with everything it asked for and every error it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    cdn: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> object:
        """Evaluate JavaScript in the page."""
        return self.page.evaluate(expression, arg)

    def errors(self, *, allow_refused_tiles: bool = False) -> list[str]:
        """Console and page errors; refused tiles may be allowed when tiles are blocked."""
        out = [f"pageerror: {e}" for e in self.page_errors]
        for text, url in self.console_errors:
            if allow_refused_tiles and RESOURCE_FAILED in text and TILE_HOSTS.match(url):
                continue
            out.append(f"console: {text} ({url})")
        out += [f"dialog: {d}" for d in self.dialogs]
        return out

    def assert_clean(self, *, allow_refused_tiles: bool = False) -> None:
        """Fail on any console error, page error or dialog, and on refused non-tile requests."""
        assert self.errors(allow_refused_tiles=allow_refused_tiles) == []
        unexpected = [u for u in self.refused if not TILE_HOSTS.match(u)]
        assert unexpected == []


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if shutil.which(CHROMIUM) is None:
        msg = (
            f"Chromium not found at {CHROMIUM} (set ZONEPLAN_CHROMIUM or apt-get install chromium)"
        )
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _router(state: MapPage, *, tiles: str, block_all: bool):
    """Build the route handler: local Leaflet, blank or refused tiles, nothing else."""
    leaflet = {url: assets._package_file(name) for url, name in CDN_FILES.items()}

    def handle(route) -> None:
        url = route.request.url
        state.requests.append(url)
        if url.startswith(("file://", "data:")):
            route.continue_()
        elif url in leaflet and not block_all:
            state.cdn.append(url)
            kind = "text/css" if url.endswith(".css") else "application/javascript"
            # crossorigin="anonymous" needs a CORS header, as unpkg sends
            headers = {"access-control-allow-origin": "*"}
            route.fulfill(status=200, body=leaflet[url], content_type=kind, headers=headers)
        elif TILE_HOSTS.match(url) and tiles == "blank" and not block_all:
            state.tiles.append(url)
            route.fulfill(status=200, body=TILE, content_type="image/png")
        else:
            if TILE_HOSTS.match(url):
                state.tiles.append(url)
            state.refused.append(url)
            route.abort("blockedbyclient")

    return handle


def open_page(
    browser,
    path: Path,
    *,
    tiles: str = "blank",
    block_all: bool = False,
    viewport: dict[str, int] | None = None,
    scale: float = 1,
    touch: bool = False,
):
    """Open a map file in a new context; return the context and the ready `MapPage`.

    With ``touch`` the context is a phone's: a touch screen and no mouse (Chromium then
    matches ``(hover: none)`` and ``(pointer: coarse)`` and honours the page's viewport).
    """
    context = browser.new_context(
        viewport=viewport or VIEWPORT,
        device_scale_factor=scale,
        service_workers="block",
        has_touch=touch,
        is_mobile=touch,
    )
    page = context.new_page()
    state = MapPage(page)
    context.route("**/*", _router(state, tiles=tiles, block_all=block_all))
    page.on(
        "console",
        lambda m: (
            state.console_errors.append((m.text, m.location.get("url", "")))
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: state.page_errors.append(f"{e}\n{e.stack}"))
    page.on("dialog", lambda d: (state.dialogs.append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("body[data-zoneplan-ready]", state="attached", timeout=15_000)
    return context, state


@pytest.fixture
def open_map(browser):
    """Open a map file in a fresh context; returns a `MapPage` once the viewer is ready."""
    contexts = []

    def _open(path: Path, **options) -> MapPage:
        context, state = open_page(browser, path, **options)
        contexts.append(context)
        return state

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def tile_png() -> bytes:
    """The blank basemap tile the pages are answered with, for a test's own routes."""
    return TILE


@pytest.fixture(scope="session")
def phone() -> dict:
    """`open_page` options of a phone in portrait: 390 × 844 CSS pixels, touch, no mouse."""
    return {"viewport": {"width": 390, "height": 844}, "touch": True}


@pytest.fixture(scope="module")
def shared_map(browser):
    """Open each map variant once per test module: ``shared_map(key, path, **options)``.

    Tests that share a page leave it as they found it (panels, popups, layers).
    """
    opened: dict[str, tuple[object, MapPage]] = {}

    def _get(key: str, path: Path, **options) -> MapPage:
        if key not in opened:
            opened[key] = open_page(browser, path, **options)
        return opened[key][1]

    yield _get
    for context, _state in opened.values():
        context.close()


#: axe-core's script, installed by npm from tests/browser/package.json (`make test` runs npm ci).
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's code, to evaluate in a page (through DevTools, so the page's CSP stays)."""
    if not AXE_JS.is_file():
        msg = f"axe-core is not installed at {AXE_JS}; run: npm ci --prefix tests/browser"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def maps(tmp_path_factory) -> dict[str, Path]:
    """The catalog map built three ways: default (vi, CDN), English, self-contained English."""
    folder = tmp_path_factory.mktemp("maps")
    return {
        "default": build(folder / "default.html"),
        "en": build(folder / "en.html", "--lang", "en"),
        "offline": build(folder / "offline.html", "--lang", "en", "--self-contained"),
    }


@pytest.fixture(scope="session")
def catalog_frames():
    """The catalog layers as GeoDataFrames, in draw order."""
    from zoneplan.io import load_catalog_layers

    return load_catalog_layers()
