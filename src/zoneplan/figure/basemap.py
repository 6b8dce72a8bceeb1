"""
Basemap tiles under the map frame, fetched with contextily and warped onto the VN-2000 grid.

The tiles are fetched once for the frame, at the zoom level whose pixels are about
as fine as the print's, warped from Web Mercator onto EPSG:9210 and drawn under the
layers. Every request has a connect and a read timeout and few retries, so a missing
or dead network ends the attempt within seconds: ``"auto"`` then draws the sheet
without a basemap (the context layer instead), and a basemap asked for by name
stops with a one-line error.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from zoneplan.errors import ZoneplanError

if TYPE_CHECKING:
    import numpy as np
    import xyzservices

log = logging.getLogger(__name__)

#: Basemap names of the command line, beside ``none`` and ``auto``.
BASEMAPS: Final[tuple[str, ...]] = ("osm", "imagery", "light")
#: The basemap ``auto`` tries.
AUTO_BASEMAP: Final[str] = "osm"
#: Seconds to wait for a tile server to accept a connection, and then for each answer.
TILE_TIMEOUT: Final[tuple[float, float]] = (3.05, 10.0)
#: Most tiles fetched for one frame; the zoom level is lowered until the frame needs no more.
MAX_TILES: Final[int] = 96
#: Finest print resolution the tiles are chosen for (dots per inch).
MAX_TILE_DPI: Final[float] = 200.0
#: Length of the Web Mercator equator in metres, over 256 pixels of tile zoom 0.
_MERCATOR_M_PER_PX0: Final[float] = 2 * math.pi * 6378137.0 / 256


class BasemapError(ZoneplanError, OSError):
    """Basemap tiles could not be fetched (no network, a dead server, a refused request)."""


@dataclass(frozen=True)
class Basemap:
    """
    Tiles warped onto the grid.

    Parameters
    ----------
    image
        RGB(A) pixels, first row at the top.
    extent
        ``(left, right, bottom, top)`` of the image in EPSG:9210 metres.
    attribution
        The provider's attribution, to print on the sheet.
    name
        The provider's name.
    zoom
        The tile zoom level.
    """

    image: np.ndarray
    extent: tuple[float, float, float, float]
    attribution: str
    name: str
    zoom: int


def provider(name: str) -> xyzservices.TileProvider:
    """
    Return the tile provider of a basemap name, the same ones the HTML map offers.

    Parameters
    ----------
    name
        ``osm``, ``imagery`` or ``light``.

    Returns
    -------
    provider
        An `xyzservices.TileProvider`.

    Raises
    ------
    ZoneplanError
        If the name is unknown.
    """
    import xyzservices.providers as xyz

    table = {
        "osm": xyz.OpenStreetMap.Mapnik,
        "imagery": xyz.Esri.WorldImagery,
        "light": xyz.CartoDB.Positron,
    }
    if name not in table:
        msg = f"unknown basemap {name!r}; use none, auto or one of {', '.join(table)}"
        raise ZoneplanError(msg)
    return table[name]


def attribution_text(tiles: xyzservices.TileProvider) -> str:
    """Return a provider's attribution as plain text with a © sign."""
    text = str(tiles.get("attribution") or tiles.get("html_attribution") or tiles.get("name", ""))
    return text.replace("(C)", "©").replace("&copy;", "©")


def tile_zoom(
    lonlat_bounds: tuple[float, float, float, float],
    frame_w_mm: float,
    dpi: float,
    max_zoom: int,
) -> int:
    """
    Choose the tile zoom whose pixels match the print, within `MAX_TILES` tiles.

    Parameters
    ----------
    lonlat_bounds
        ``(west, south, east, north)`` of the frame in degrees.
    frame_w_mm
        Width of the frame on paper.
    dpi
        Resolution of the output (capped at `MAX_TILE_DPI`).
    max_zoom
        The provider's deepest zoom.

    Returns
    -------
    zoom
        The zoom level.

    Examples
    --------
    >>> tile_zoom((106.5, 20.55, 106.9, 20.8), 388.0, 300, 19)
    13
    """
    import mercantile

    west, south, east, north = lonlat_bounds
    pixels = frame_w_mm / 25.4 * min(dpi, MAX_TILE_DPI)
    ground_w = (east - west) / 360.0 * 2 * math.pi * 6378137.0
    m_per_px = ground_w / max(pixels, 1.0)
    zoom = math.ceil(math.log2(_MERCATOR_M_PER_PX0 / m_per_px))
    zoom = max(0, min(zoom, int(max_zoom)))
    while zoom > 0 and len(list(mercantile.tiles(west, south, east, north, [zoom]))) > MAX_TILES:
        zoom -= 1
    return zoom


def fetch_basemap(
    tiles: xyzservices.TileProvider,
    lonlat_bounds: tuple[float, float, float, float],
    *,
    frame_w_mm: float,
    dpi: float,
) -> Basemap:
    """
    Fetch the tiles of a frame and warp them onto EPSG:9210.

    Parameters
    ----------
    tiles
        The provider.
    lonlat_bounds
        ``(west, south, east, north)`` in degrees, covering the frame.
    frame_w_mm, dpi
        The frame's width on paper and the output resolution, for the zoom level.

    Returns
    -------
    basemap
        The warped image and its extent.

    Raises
    ------
    BasemapError
        If a tile cannot be fetched within `TILE_TIMEOUT`, or the server refuses it.
    ZoneplanError
        If contextily is not installed.
    """
    try:
        import contextily
        import requests
    except ImportError as err:
        msg = (
            f"basemaps need contextily, which is not installed ({err.name}); "
            "pip install 'zoneplan[figure]', or use --basemap none"
        )
        raise ZoneplanError(msg) from err
    zoom = tile_zoom(lonlat_bounds, frame_w_mm, dpi, int(tiles.get("max_zoom") or 19))
    west, south, east, north = lonlat_bounds
    name = str(tiles.get("name", "tiles"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # xyzservices' CARTO key note, rasterio's notes
            img, ext = contextily.bounds2img(
                west,
                south,
                east,
                north,
                zoom=zoom,
                source=tiles,
                ll=True,
                max_retries=1,
                timeout=TILE_TIMEOUT,
            )
            warped, extent = contextily.warp_tiles(img, ext, t_crs="EPSG:9210")
    except (requests.RequestException, OSError) as err:
        reason = _short_reason(err)
        msg = (
            f"basemap {name}: tiles could not be fetched ({reason}); check the network, "
            "or use --basemap none to draw the sheet without one"
        )
        raise BasemapError(msg) from err
    log.debug("basemap %s: zoom %d, %s px", name, zoom, warped.shape)
    return Basemap(
        image=warped,
        extent=tuple(float(v) for v in extent),  # type: ignore[arg-type]
        attribution=attribution_text(tiles),
        name=name,
        zoom=zoom,
    )


def _short_reason(err: BaseException) -> str:
    """Return the kind of a network failure in a few words."""
    import requests

    kinds: list[tuple[type[BaseException], str]] = [
        (requests.ConnectTimeout, "no answer to the connection"),
        (requests.ReadTimeout, "the server did not answer in time"),
        (requests.ConnectionError, "no connection"),
        (requests.HTTPError, "the server refused"),
    ]
    for kind, words in kinds:
        if isinstance(err, kind):
            return f"{words}: {type(err).__name__}"
    first = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {first}"[:160]


def resolve(name: Any) -> xyzservices.TileProvider | None:
    """Return the provider of a basemap argument: None for ``none``, a provider otherwise."""
    if name is None or name == "none":
        return None
    if name == "auto":
        return provider(AUTO_BASEMAP)
    if isinstance(name, str):
        return provider(name)
    return name
