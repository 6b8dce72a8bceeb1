"""
The planning map: every catalog layer (and the user's own) in one HTML page.

`build_map` returns a `folium.Map` whose only third-party asset is Leaflet
1.9.4; folium's default jQuery, Bootstrap and icon fonts are dropped. The layers
travel as escaped JSON and zoneplan's own viewer (``static/viewer/``) draws
them and adds the legend, tooltips, popups, search, phase filter, measure tool,
VN-2000 coordinate readout, basemap switcher, opacity slider, overview map, full
screen button and title block. `save_map` writes the page atomically.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from html import escape, unescape
from pathlib import Path
from typing import TYPE_CHECKING

import folium
from branca.element import Element, Figure, MacroElement

from zoneplan._atomic import atomic_write
from zoneplan.progress import gc_paused
from zoneplan.render import assets
from zoneplan.render.biglayer import BIG_LAYER_FEATURES, BigLayerBlock, check_viewer_size, is_big
from zoneplan.render.classify import StyleBy
from zoneplan.render.i18n import Lang, check_lang, strings
from zoneplan.render.layers import MapLayer
from zoneplan.render.payload import USER_GROUP, embed_json, map_payload
from zoneplan.render.thematic import check_columns

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from zoneplan.catalog import Catalog
    from zoneplan.crs import CRSLike
    from zoneplan.io import Engine

log = logging.getLogger(__name__)

#: Where ``zoneplan build`` writes the map when no ``--out`` is given.
DEFAULT_OUTPUT: str = "zoneplan-map.html"
#: id of the ``<script type="application/json">`` element holding the map data.
DATA_ELEMENT_ID: str = "zoneplan-data"
#: Base64 characters per element of a big layer's block (a multiple of 4, so each piece
#: decodes on its own): a longer block is carried in pieces, each followed by
#: `FEED_SCRIPT`, so the viewer inflates it while the browser is still reading the page.
BLOCK_PIECE_CHARS: int = 1 << 20
#: The inline script after each piece of a block: hands the piece just read to the viewer
#: (start.js, feedBig). The same text each time: one hash in the page's policy.
FEED_SCRIPT: str = (
    f'window.zoneplan && window.zoneplan.feed(document.currentScript, "{DATA_ELEMENT_ID}");'
)
#: Centre of the zone, used before the view fits the layers.
ZONE_CENTER: tuple[float, float] = (20.67, 106.68)


class RawHTML(Element):
    """
    A piece of finished HTML that is written out exactly as given.

    branca turns the output of a `MacroElement`'s macros into a new Jinja
    template and renders it again, so ``{{ ... }}`` inside data would run as
    template code at build time. Data and inlined assets therefore bypass the
    template engine through this element.

    Parameters
    ----------
    html
        The markup, already safe to place in the page.
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.html = html

    def render(self, **kwargs: object) -> str:
        """Return the markup unchanged."""
        return self.html


class PlanningViewer(MacroElement):
    """
    The viewer element: Leaflet and viewer assets, the data block and the start call.

    Parameters
    ----------
    payload_json
        The map data, already escaped by `embed_json`.
    self_contained
        Inline Leaflet instead of loading it from its CDN; None: inline when the map
        is shown in a notebook, linked from the CDN when it is saved.
    blocks
        ``(element id, block)`` of each big layer.
    """

    def __init__(
        self,
        payload_json: str,
        *,
        self_contained: bool | None,
        blocks: Sequence[tuple[str, BigLayerBlock]] = (),
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's is not annotated
        self._name = "PlanningViewer"
        self.payload_json = payload_json
        self.self_contained = self_contained
        #: Say in the page when Leaflet cannot be loaded from its CDN (notebook display).
        self.leaflet_check = False
        self.blocks = list(blocks)

    # branca declares Element.render -> str; MacroElement.render, like this one, returns
    # nothing and adds its parts to the figure instead
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Put the assets in the page head, the data in its body, the start call in its script."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "the planning viewer must be added to a map before it is rendered"
            raise TypeError(msg)
        name = self.get_name()
        head = assets.head_html(
            self_contained=bool(self.self_contained), leaflet_check=self.leaflet_check
        )
        data = (
            f'<script type="application/json" id="{DATA_ELEMENT_ID}">{self.payload_json}</script>'
        )
        # base64 text ([A-Za-z0-9+/=]) cannot end the element; ids are ours
        data += "".join(block_elements(element_id, block) for element_id, block in self.blocks)
        if self._parent is None:
            msg = "the planning viewer must be added to a map before it is rendered"
            raise TypeError(msg)
        start = f'window.zoneplan.init({self._parent.get_name()}, "{DATA_ELEMENT_ID}");'
        figure.header.add_child(RawHTML(head), name=f"{name}_head")
        figure.html.add_child(RawHTML(data), name=f"{name}_data")
        figure.script.add_child(RawHTML(start), name=f"{name}_start")


def block_elements(element_id: str, block: BigLayerBlock) -> str:
    """
    Return the elements that carry a big layer's block: its base64 text in one element of
    `element_id`, or, when longer than `BLOCK_PIECE_CHARS`, in pieces of that many
    characters (ids `element_id`, then ``element_id.1``, ``element_id.2``...), each
    followed by `FEED_SCRIPT`, so the viewer starts inflating the block while the rest of
    the page is read.

    Examples
    --------
    >>> block = BigLayerBlock(header={}, data=bytes(range(9)))
    >>> block_elements("zoneplan-big-0", block)
    '\\n<script type="application/octet-stream" id="zoneplan-big-0">AAECAwQFBgcI</script>'
    """
    text = block.base64()
    if len(text) <= BLOCK_PIECE_CHARS:
        return f'\n<script type="application/octet-stream" id="{element_id}">{text}</script>'
    out = []
    for k, at in enumerate(range(0, len(text), BLOCK_PIECE_CHARS)):
        piece_id = element_id if k == 0 else f"{element_id}.{k}"
        piece = text[at : at + BLOCK_PIECE_CHARS]
        out.append(f'\n<script type="application/octet-stream" id="{piece_id}">{piece}</script>')
        out.append(f"\n<script>{FEED_SCRIPT}</script>")
    return "".join(out)


class PlanningMap(folium.Map):
    """
    The map `build_map` returns: a `folium.Map` whose notebook display is the saved page.

    Shown in a notebook, it is the page `build_html` makes, in an iframe: the same
    Content-Security-Policy as the saved file, and Leaflet inlined (drawn offline)
    unless the map was built with ``self_contained=False``, where a message says so
    when Leaflet cannot be loaded from its CDN.
    """

    def _repr_html_(self, **kwargs: object) -> str:
        return notebook_html(self)


def catalog_layers(
    catalog: Catalog | None = None,
    *,
    ids: Iterable[str] | None = None,
    engine: Engine | None = None,
) -> list[MapLayer]:
    """
    Load the catalog's layers for the map, in draw order.

    Parameters
    ----------
    catalog
        A catalog other than the shipped one.
    ids
        Only these layer ids; all when None.
    engine
        ``"pyogrio"`` or ``"fiona"``.

    Returns
    -------
    layers
        One `MapLayer` per catalog entry, lowest draw order first, each with the
        catalog's dated events and facts date.

    Raises
    ------
    InputError
        If the catalog, a layer file or the events file cannot be read.
    """
    from zoneplan.catalog import load_catalog
    from zoneplan.events import events_path, read_events
    from zoneplan.io import load_catalog_layers

    cat = catalog or load_catalog()
    frames = load_catalog_layers(ids, engine=engine, catalog=cat)
    file = events_path(cat.meta, cat.path.parent)
    events = read_events(file) if file is not None else None
    facts = cat.meta.get("facts_as_of")
    return [
        MapLayer(
            id=entry.id,
            title_vi=entry.title_vi,
            title_en=entry.title_en,
            group=entry.group,
            gdf=frames[entry.id],
            visible=entry.visible,
            style=dict(entry.style),
            events=events,
            facts_as_of=facts if isinstance(facts, str) else None,
        )
        for entry in cat.layers
        if entry.id in frames
    ]


def user_layer(
    path: str | os.PathLike[str],
    *,
    crs: CRSLike | None = None,
    engine: Engine | None = None,
    big_layer_features: int = BIG_LAYER_FEATURES,
    repair: bool = False,
    style_by: str | StyleBy | None = None,
    label_by: str | None = None,
    search_by: str | Sequence[str] = (),
    date_field: str | None = None,
) -> MapLayer:
    """
    Read and validate one of the user's own files for the map.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile or KML file.
    crs
        CRS to assume when the file carries none.
    engine
        ``"pyogrio"`` or ``"fiona"``.
    big_layer_features
        Above this many features (or `zoneplan.render.biglayer.BIG_LAYER_VERTICES`
        vertices) the layer is drawn by the big-layer renderer.
    repair
        Make invalid polygons valid with ``shapely.make_valid`` instead of
        refusing the file; each repair is reported (`zoneplan.validate.load_user_layer`).
    style_by
        Colour the features by this column: land-use colours for land-use codes, a
        colour-blind-safe palette for other values, classes of numbers
        (`zoneplan.render.classify.StyleBy` for the scheme, k, breaks and ramp).
    label_by
        Label the features with this column where the label fits; columns separated
        by commas make labels of one line each (``"so_thua,land_use"``).
    search_by
        Columns search matches in sequence (``"so_to,so_thua"``: "tờ 12 thửa 345",
        "12/345").
    date_field
        A column of dates: on the date slider each feature appears on its date.

    Returns
    -------
    layer
        The layer in the "your layers" group, titled with the file name.

    Raises
    ------
    LayerValidationError
        If the file has errors; the message names the first and how to fix it.
    InputError
        If the file cannot be read, has more features than a browser can hold, or
        lacks a column named by `style_by`, `label_by` or `search_by`, or
        `date_field` is not a column of dates.
    """
    from zoneplan.render.timeline import date_values
    from zoneplan.validate import load_user_layer

    with gc_paused():
        gdf = load_user_layer(path, crs=crs, engine=engine, repair=repair)
    name = Path(path).name
    check_viewer_size(gdf, name)
    if date_field:
        date_values(gdf, date_field, str(path))  # a bad date is refused before the slow part
    big = is_big(gdf, max_features=big_layer_features)
    if isinstance(search_by, str):
        search_by = [c.strip() for c in search_by.split(",") if c.strip()]
    layer = MapLayer(
        id=name,
        title_vi=name,
        title_en=name,
        group=USER_GROUP,
        gdf=gdf,
        big=big,
        style_by=StyleBy(style_by) if isinstance(style_by, str) else style_by,
        label_by=label_by,
        search_by=tuple(search_by),
        valid=True,
        date_field=date_field,
    )
    check_columns(layer)
    return layer


def build_map(
    layers: Sequence[MapLayer],
    *,
    lang: Lang = "vi",
    self_contained: bool | None = None,
    progress: bool = False,
) -> PlanningMap:
    """
    Build the planning map.

    Parameters
    ----------
    layers
        The layers in draw order, lowest first (`catalog_layers`, then any
        `user_layer`).
    lang
        Interface language, ``"vi"`` or ``"en"``.
    self_contained
        Inline every JavaScript and CSS file so the page works with no network
        (only basemap tiles need one). None (the default): inlined when the map is
        shown in a notebook, Leaflet linked from its CDN when it is saved.
    progress
        Show progress bars on standard error while big layers are measured and packed.

    Returns
    -------
    m
        The map; render it with `build_html`, write it with `save_map`, or show it
        in a notebook (`notebook_html`).

    Raises
    ------
    ValueError
        If `lang` is not ``"vi"`` or ``"en"``.
    AssetError
        If ``self_contained`` and the installed Leaflet files do not match their
        pinned hashes.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame({"name_en": ["Demo"]}, geometry=[box(106.7, 20.6, 106.71, 20.61)],
    ...                        crs=4326)
    >>> m = build_map([MapLayer("demo", "Thử", "Demo", "context", gdf)], lang="en")
    >>> "Demo" in build_html(m)
    True
    """
    lang = check_lang(lang)
    layer_list = list(layers)
    blocks: list[tuple[str, BigLayerBlock]] = []
    with gc_paused():
        payload = map_payload(layer_list, lang, blocks, progress=progress)
    m = PlanningMap(
        location=list(ZONE_CENTER),
        zoom_start=11,
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        width="100%",
        height="100%",
        # tiles appear as soon as they are drawn: a 200 ms fade costs frames on every pan and zoom
        fade_animation=False,
    )
    # Leaflet is loaded by the viewer element (pinned, with integrity, or inlined);
    # folium's jQuery, Bootstrap and icon fonts are not needed.
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    if not isinstance(root, Figure):  # folium puts every map in a Figure
        msg = "folium.Map is not in a Figure"
        raise TypeError(msg)
    root.title = escape(strings(lang)["html_title"])
    vars(root)["lang"] = lang  # the page's language, for build_html's <html lang>
    viewer = PlanningViewer(embed_json(payload), self_contained=self_contained, blocks=blocks)
    m.add_child(viewer)
    return m


def build_html(m: folium.Map) -> str:
    """
    Render a map built by `build_map` to a complete HTML page.

    Parameters
    ----------
    m
        The map; render each map once (folium repeats its setup calls on a
        second render).

    Returns
    -------
    html
        The page.
    """
    root = m.get_root()
    html: str = root.render()
    lang = getattr(root, "lang", None)
    if lang in ("vi", "en"):
        html = html.replace("<html>", f'<html lang="{lang}">', 1)
    # folium's viewport forbids zooming the page (maximum-scale=1, user-scalable=no):
    # people who need larger text must be able to pinch it larger (its element is in the
    # head: the body, megabytes of big-layer data, is not searched)
    head = html.find("</head>") % (len(html) + 1)  # (the whole page if it has no head)
    html = _VIEWPORT.sub("", html[:head]) + html[head:]
    return html.replace("<head>", f"<head>\n{csp_meta(html)}\n{VIEWPORT_META}", 1)


#: Height of the map shown in a notebook.
NOTEBOOK_HEIGHT_PX: int = 600


def notebook_html(m: folium.Map, *, height_px: int = NOTEBOOK_HEIGHT_PX) -> str:
    """
    The map as a notebook shows it: the page of `build_html` in an iframe's ``srcdoc``.

    The page keeps its Content-Security-Policy (the same as the saved file's: the
    scripts by their hashes). A map built with ``self_contained=None`` (the default)
    has Leaflet inlined here, so it draws without a network; with
    ``self_contained=False`` it links Leaflet's CDN and says so in the map when the
    library cannot be loaded.

    Parameters
    ----------
    m
        A map from `build_map`.
    height_px
        The height of the map in the notebook.

    Returns
    -------
    html
        One ``<div>`` holding the iframe.
    """
    viewers = [c for c in m._children.values() if isinstance(c, PlanningViewer)]
    chosen = [v.self_contained for v in viewers]
    for viewer in viewers:
        if viewer.self_contained is None:
            viewer.self_contained = True
        viewer.leaflet_check = True
    try:
        page = build_html(m)
    finally:
        for viewer, value in zip(viewers, chosen, strict=True):
            viewer.self_contained = value
            viewer.leaflet_check = False
    title = escape(unescape(getattr(m.get_root(), "title", "") or "zoneplan"))
    return (
        f'<div style="width:100%;height:{int(height_px)}px;position:relative">'
        '<span style="position:absolute;color:#565656">'
        "Trust the notebook (File &gt; Trust Notebook) to show the map.</span>"
        f'<iframe srcdoc="{escape(page, quote=True)}" title="{title}" '
        'style="position:absolute;left:0;top:0;width:100%;height:100%;border:none" '
        "allowfullscreen></iframe></div>"
    )


#: The page's viewport: the device's width, and zooming left to the reader.
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">'
_VIEWPORT = re.compile(r'<meta\s+name="viewport"[^>]*>\s*', re.IGNORECASE)


_SCRIPT_START = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script>", re.IGNORECASE)
_DATA_TYPES = ('type="application/json"', 'type="application/octet-stream"')


def _scripts(html: str) -> Iterator[tuple[str, str]]:
    """
    Yield the attributes and the text of each script element.

    The end of each element is found with `str.find`, not by the regular
    expression's lazy scan, which crawls through megabytes of big-layer data.
    """
    pos = 0
    while (start := _SCRIPT_START.search(html, pos)) is not None:
        end = _SCRIPT_END.search(html, start.end())
        if end is None:
            return
        yield start.group("attrs"), html[start.end() : end.start()]
        pos = end.end()


def content_security_policy(html: str) -> str:
    """
    Return the Content-Security-Policy of a page: only its own scripts may run.

    Each inline script the page holds is allowed by its SHA-256 hash, the pinned
    Leaflet files by their exact CDN URLs, and nothing else: no inline event
    handler, no ``javascript:`` URL, no script from elsewhere, no network request
    from scripts. So even a value that somehow reached the page as markup could
    not run. Web Workers may start only from ``data:`` URLs: the viewer starts its
    big-layer worker from its own functions' text that way (a page opened from
    ``file://`` cannot start one from a ``blob:`` URL), and only a script the
    policy allowed can start one. Styles may be inline (Leaflet positions everything with them);
    images may come from https (basemap tiles) and data: URLs.

    Parameters
    ----------
    html
        The page without its policy.

    Returns
    -------
    policy
        The policy text for a ``<meta http-equiv="Content-Security-Policy">``.
    """
    hashes = []
    for attrs, body in _scripts(html):
        if "src=" in attrs or any(t in attrs for t in _DATA_TYPES):
            continue
        # the HTML parser turns CR LF and CR into LF before the script text is hashed
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    scripts = " ".join(dict.fromkeys([*hashes, assets.LEAFLET_JS_URL]))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            # the big-layer worker: the page's own functions as a data: URL (biglayer-worker.js)
            "worker-src data:",
            f"style-src 'unsafe-inline' {assets.LEAFLET_CSS_URL}",
            "img-src https: data:",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ]
    )


def csp_meta(html: str) -> str:
    """Return the ``<meta>`` element carrying `content_security_policy` of `html`."""
    policy = escape(content_security_policy(html), quote=True)
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def save_map(m: folium.Map, path: str | os.PathLike[str] = DEFAULT_OUTPUT) -> Path:
    """
    Write the map's HTML atomically.

    Parameters
    ----------
    m
        The map from `build_map`.
    path
        The output file; an existing file is replaced only once the new one is
        completely written.

    Returns
    -------
    path
        The written file.

    Raises
    ------
    OutputError
        If the path is a folder or its folder is missing or not writable.
    """
    html = build_html(m)
    out = atomic_write(path, html)
    log.debug("wrote %s (%.0f kB)", out, out.stat().st_size / 1000)
    return out
