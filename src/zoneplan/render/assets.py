"""
The map's JavaScript and CSS: Leaflet 1.9.4 and zoneplan's own viewer code.

Leaflet is the only third-party asset. In CDN mode the page loads it from a
pinned unpkg URL with Subresource Integrity hashes; with ``self_contained`` its
files are read from the ``django-js-lib-leaflet`` wheel (which ships Leaflet's
own dist files), checked against the same pinned hashes, and inlined, with the
CSS's images turned into ``data:`` URIs. zoneplan's own viewer code lives in
``zoneplan/render/static/`` and is always inlined: it is small and versioned
with the package. Its JavaScript is written as modules in ``static/viewer/``
(`VIEWER_MODULES`) and joined here, when a map is written, into the one inline
script the page carries, so the page's Content-Security-Policy hashes a single
script and a self-contained map needs no other file. No third-party file is
kept in this repository.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from html import escape
from importlib import resources
from typing import Final

from zoneplan import crs
from zoneplan.errors import ZoneplanError

LEAFLET_VERSION: Final = "1.9.4"
LEAFLET_JS_URL: Final = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CSS_URL: Final = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"
#: Subresource Integrity hashes published with Leaflet 1.9.4 (leafletjs.com/download.html).
LEAFLET_JS_SRI: Final = "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo="
LEAFLET_CSS_SRI: Final = "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY="
#: sha256 of the dist images that leaflet.css refers to (layers*.png, marker-icon.png).
LEAFLET_IMAGE_SHA256: Final[dict[str, str]] = {
    "layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    "layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    "marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
}
#: The wheel that ships Leaflet's dist files, and the folder inside it.
LEAFLET_PACKAGE: Final = "js_lib_leaflet"
LEAFLET_PACKAGE_DIR: Final = "static/js_lib_leaflet"

#: zoneplan's own style sheet under ``zoneplan/render/static/``.
VIEWER_CSS: Final = "zoneplan.css"
#: The viewer's JavaScript modules under ``zoneplan/render/static/viewer/``, in the order
#: they are joined: each uses only names declared by the ones before it (function bodies
#: may call later ones, which exist by the time they run).
VIEWER_MODULES: Final = (
    "coords.js",  # WGS 84 to VN-2000 / TM-3, Web Mercator world units
    "dom.js",  # safe DOM and text helpers (the escaping rules)
    "dock.js",  # the panels and buttons: Leaflet corners when wide, a toolbar and sheet on phones
    "biglayer-decode.js",  # big-layer blocks: decoder, grid index, hit test
    "biglayer-raster.js",  # big-layer rasteriser and its Leaflet canvas renderer
    "biglayer-worker.js",  # big layers on the second core: decoding and rasterising in a worker
    "viewer.js",  # the Viewer: layers, tooltips, popups, filters, basemaps
    "facts.js",  # status styles, the popup timeline, the status legend, point labels
    "viewer-biglayer.js",  # the Viewer's big-layer drawing, hover, popup and search
    "time.js",  # the date slider: features as they stood on a date, the date in the address
    "swipe.js",  # the swipe: the layers on two dates left and right of a divider
    "access.js",  # main landmark, announcements, popups as dialogs, the features in view
    "controls.js",  # title, full screen, search, measure tool, coordinate readout
    "panel.js",  # layer panel, legend, overview map
    "labels.js",  # --label-by labels and --search-by search of styled layers
    "print.js",  # the print button, the sheet's north arrow and printed date
    "start.js",  # zoneplan.init and the window.zoneplan namespace
)
VIEWER_MODULE_DIR: Final = "viewer"

_CSS_URL = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


class AssetError(ZoneplanError, RuntimeError):
    """A bundled asset is missing or does not match its pinned hash."""


def sri_sha256(data: bytes) -> str:
    """
    Return the Subresource Integrity string of `data`.

    Parameters
    ----------
    data
        File content.

    Returns
    -------
    sri
        ``"sha256-"`` and the base64 digest.

    Examples
    --------
    >>> sri_sha256(b"")
    'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
    """
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _package_file(name: str) -> bytes:
    """Read one file of the Leaflet wheel, or say how to install it."""
    try:
        root = resources.files(LEAFLET_PACKAGE) / LEAFLET_PACKAGE_DIR
        return (root / name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as err:
        msg = (
            f"Leaflet {LEAFLET_VERSION}'s {name} was not found in the {LEAFLET_PACKAGE} package; "
            "install it with: pip install django-js-lib-leaflet==1.9.4.1"
        )
        raise AssetError(msg) from err


def leaflet_file(name: str) -> bytes:
    """
    Read a Leaflet dist file from the installed wheel and check its pinned hash.

    Parameters
    ----------
    name
        ``"leaflet.js"``, ``"leaflet.css"`` or ``"images/<name>.png"``.

    Returns
    -------
    data
        The file's bytes.

    Raises
    ------
    AssetError
        If the file is missing, has no pinned hash, or its hash differs.
    """
    data = _package_file(name)
    pinned = {"leaflet.js": LEAFLET_JS_SRI, "leaflet.css": LEAFLET_CSS_SRI}
    if name in pinned:
        ok = sri_sha256(data) == pinned[name]
    elif name.startswith("images/") and name[7:] in LEAFLET_IMAGE_SHA256:
        ok = hashlib.sha256(data).hexdigest() == LEAFLET_IMAGE_SHA256[name[7:]]
    else:
        msg = f"no pinned hash for Leaflet file {name!r}; it cannot be inlined"
        raise AssetError(msg)
    if not ok:
        msg = (
            f"the installed {LEAFLET_PACKAGE} file {name} does not match Leaflet "
            f"{LEAFLET_VERSION}'s pinned hash; reinstall django-js-lib-leaflet==1.9.4.1"
        )
        raise AssetError(msg)
    return data


@cache
def leaflet_js() -> str:
    """
    Return Leaflet's JavaScript, checked against its pinned hash.

    Returns
    -------
    js
        The minified ``leaflet.js``.
    """
    return leaflet_file("leaflet.js").decode("utf-8")


@cache
def leaflet_css() -> str:
    """
    Return Leaflet's CSS with its images inlined as ``data:`` URIs.

    Returns
    -------
    css
        ``leaflet.css`` that refers to no other file.
    """
    css = leaflet_file("leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        png = base64.b64encode(leaflet_file(match.group(1))).decode("ascii")
        return f'url("data:image/png;base64,{png}")'

    return _CSS_URL.sub(inline, css)


@cache
def viewer_file(name: str) -> str:
    """
    Return one of zoneplan's own viewer files.

    Parameters
    ----------
    name
        Its path under ``zoneplan/render/static/``: ``"zoneplan.css"`` or a module
        such as ``"viewer/coords.js"``.

    Returns
    -------
    text
        The file's text.
    """
    root = resources.files("zoneplan.render") / "static"
    return root.joinpath(*name.split("/")).read_text(encoding="utf-8")


#: The text that opens the joined viewer script: a comment naming the modules, and the
#: one function scope they share, in strict mode.
VIEWER_SCRIPT_OPEN: Final = (
    f"/* zoneplan planning-map viewer: {', '.join(VIEWER_MODULES)} "
    f"(zoneplan/render/static/{VIEWER_MODULE_DIR}/), joined in one scope. */\n"
    '(function () {\n"use strict";\n'
)
#: The text that closes the joined viewer script, after the last module.
VIEWER_SCRIPT_CLOSE: Final = "}());\n"


def viewer_constants() -> dict[str, dict[str, float]]:
    """
    Return the numbers the viewer's JavaScript takes from Python, so they are written once.

    Returns
    -------
    constants
        ``helmert``: the VN-2000 → WGS 84 parameters of Decision 05/2007/QĐ-BTNMT
        (EPSG:6960), `zoneplan.crs.HELMERT_05_2007` (x, y, z in metres; rx, ry, rz in
        arc-seconds; s in parts per million); ``tm3``: the TM-3 zone of the cursor
        readout and the measure tool (``k0``, central meridian ``lon0`` in degrees,
        false easting ``fe`` and northing ``fn`` in metres); ``ellipsoid``: WGS 84's
        semi-major axis ``a`` (m) and flattening ``f``, which VN-2000 uses.

    Examples
    --------
    >>> viewer_constants()["tm3"]
    {'k0': 0.9999, 'lon0': 105.75, 'fe': 500000.0, 'fn': 0.0}
    """
    return {
        "helmert": dict(crs.HELMERT_05_2007),
        "tm3": {
            "k0": crs.TM3_K0,
            "lon0": crs.DEFAULT_MERIDIAN,
            "fe": crs.TM3_FALSE_EASTING_M,
            "fn": crs.TM3_FALSE_NORTHING_M,
        },
        "ellipsoid": {"a": crs.WGS84_A_M, "f": crs.WGS84_F},
    }


def viewer_constants_js() -> str:
    """
    Return `viewer_constants` as the JavaScript that declares them for the modules.

    Returns
    -------
    js
        A comment and ``var CRS = {...};``: JSON, so every number reads back as the same
        float.
    """
    data = json.dumps(viewer_constants(), separators=(",", ":"), allow_nan=False)
    note = "/* zoneplan.crs: Decision 05/2007 Helmert, TM-3 zone, ellipsoid (see coords.js). */"
    return f"{note}\nvar CRS = {data};\n"


@cache
def viewer_script() -> str:
    """
    Return the viewer's JavaScript: its modules joined, in order, into one script.

    The modules share one function scope, as the sections of a single file would:
    `VIEWER_SCRIPT_OPEN`, `viewer_constants_js`, then each of `VIEWER_MODULES`, each
    of these followed by a blank line, then `VIEWER_SCRIPT_CLOSE`. No bundler and no
    third-party code is involved.

    Returns
    -------
    js
        The script the page carries inline.
    """
    modules = [viewer_file(f"{VIEWER_MODULE_DIR}/{name}") for name in VIEWER_MODULES]
    pieces = [viewer_constants_js(), *modules]
    return VIEWER_SCRIPT_OPEN + "".join(p + "\n" for p in pieces) + VIEWER_SCRIPT_CLOSE


def inline_script(js: str) -> str:
    """
    Wrap JavaScript in a ``<script>`` element.

    Parameters
    ----------
    js
        Trusted code (Leaflet's or zoneplan's own, never data).

    Returns
    -------
    html
        The element.

    Raises
    ------
    AssetError
        If the code contains a sequence that would end or alter the element.
    """
    if re.search(r"</script|<!--", js, flags=re.IGNORECASE):
        msg = "a script to inline contains '</script' or '<!--'; it cannot be inlined safely"
        raise AssetError(msg)
    return f"<script>{js}</script>"


def inline_style(css: str) -> str:
    """
    Wrap CSS in a ``<style>`` element.

    Parameters
    ----------
    css
        Trusted style sheet.

    Returns
    -------
    html
        The element.

    Raises
    ------
    AssetError
        If the style sheet contains ``</style``.
    """
    if re.search(r"</style", css, flags=re.IGNORECASE):
        msg = "a style sheet to inline contains '</style'; it cannot be inlined safely"
        raise AssetError(msg)
    return f"<style>{css}</style>"


def head_html(*, self_contained: bool, leaflet_check: bool = False) -> str:
    """
    Return the ``<head>`` elements that load Leaflet and the viewer.

    Parameters
    ----------
    self_contained
        Inline every file instead of linking Leaflet from its CDN.
    leaflet_check
        With the CDN: say in the page when Leaflet could not be loaded
        (`leaflet_check_js`; the notebook display).

    Returns
    -------
    html
        ``<link>``/``<script>`` or ``<style>``/``<script>`` elements.
    """
    if self_contained:
        leaflet = [inline_style(leaflet_css()), inline_script(leaflet_js())]
    else:
        leaflet = [
            f'<link rel="stylesheet" href="{escape(LEAFLET_CSS_URL)}" '
            f'integrity="{LEAFLET_CSS_SRI}" crossorigin="anonymous" referrerpolicy="no-referrer">',
            f'<script src="{escape(LEAFLET_JS_URL)}" integrity="{LEAFLET_JS_SRI}" '
            'crossorigin="anonymous" referrerpolicy="no-referrer"></script>',
        ]
        if leaflet_check:
            leaflet.append(inline_script(leaflet_check_js()))
    viewer = [inline_style(viewer_file(VIEWER_CSS)), inline_script(viewer_script())]
    return "\n".join(leaflet + viewer)


#: What a page linked to Leaflet's CDN says when the library did not load (no network).
LEAFLET_MISSING_TEXT: Final = (
    "Không tải được thư viện bản đồ Leaflet từ unpkg.com (không có mạng?): bản đồ không vẽ "
    "được. Hãy lưu bản đồ kèm thư viện (zoneplan build --self-contained, hoặc "
    "build_map(..., self_contained=True)) để xem không cần mạng. / The map library Leaflet "
    "could not be loaded from unpkg.com (no network?), so the map cannot be drawn. Build it "
    "with the library inside (zoneplan build --self-contained, or build_map(..., "
    "self_contained=True)) to view it offline."
)


def leaflet_check_js() -> str:
    """
    A script, run right after Leaflet's ``<script src>``, that shows `LEAFLET_MISSING_TEXT`
    at the top of the page (as a text node, with ``role="alert"``) when Leaflet did not load.
    """
    text = json.dumps(LEAFLET_MISSING_TEXT).replace("<", "\\u003c")
    return (
        "(function () {\n"
        '  if (typeof window.L !== "undefined") { return; }\n'
        "  function show() {\n"
        '    var box = document.createElement("div");\n'
        '    box.id = "zoneplan-leaflet-missing";\n'
        '    box.setAttribute("role", "alert");\n'
        '    box.style.cssText = "position:fixed;z-index:10000;top:0;left:0;right:0;'
        "padding:12px 16px;background:#fff3cd;color:#1a1a1a;border-bottom:2px solid #b07d00;"
        'font:15px/1.4 sans-serif";\n'
        f"    box.appendChild(document.createTextNode({text}));\n"
        "    document.body.insertBefore(box, document.body.firstChild);\n"
        "  }\n"
        '  document.addEventListener("DOMContentLoaded", show);\n'
        "})();"
    )
