"""
MapInfo TAB and MIF/MID through GDAL: text in UTF-8, VN-2000 with its datum shift spelled out.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Final

import pandas as pd
import pyproj

from zoneplan import crs as zcrs
from zoneplan.export.fileset import write_file_set

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd

log = logging.getLogger(__name__)

#: The files of a MapInfo layer, by format.
MAPINFO_PARTS: Final[dict[str, tuple[str, ...]]] = {
    "tab": (".tab", ".dat", ".map", ".id", ".ind", ".cpg"),
    "mif": (".mif", ".mid"),
}


def mapinfo_crs(crs: pyproj.CRS) -> pyproj.CRS:
    """
    The CRS to write a MapInfo layer in: VN-2000 spelled out with its datum shift.

    GDAL's MapInfo writer knows no VN-2000 datum and would write the grid on WGS 84
    (a shift of some 300 m in MapInfo). VN-2000 is written instead as its projection
    on the WGS 84 ellipsoid with the Decision 05/2007 Helmert parameters (as
    position-vector +towgs84, the convention MapInfo's datum 9999 takes), which
    MapInfo, QGIS and GDAL apply when they read the file.

    Examples
    --------
    >>> "+towgs84=-191.90441429,-39.30318279" in mapinfo_crs(pyproj.CRS(9210)).to_proj4()
    True
    """
    if not zcrs.is_vn2000(crs):
        return crs
    h = zcrs.HELMERT_05_2007
    shift = [h["x"], h["y"], h["z"], -h["rx"], -h["ry"], -h["rz"], h["s"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyproj: proj4 strings lose information
        tokens = crs.to_proj4().split()
    kept = [t for t in tokens if not t.startswith(("+datum=", "+ellps=", "+towgs84=", "+type="))]
    towgs84 = ",".join(repr(v) for v in shift)
    return pyproj.CRS(" ".join([*kept, "+ellps=WGS84", f"+towgs84={towgs84}"]))


def write_mapinfo(gdf: gpd.GeoDataFrame, out: Path, key: str, *, use_arrow: bool = False) -> None:
    """
    MapInfo TAB or MIF/MID through GDAL, text in UTF-8, VN-2000 with its datum shift;
    `use_arrow` for a layer whose dates have the Arrow date type (written as Date fields).
    """
    import pyogrio

    frame = gdf.set_crs(mapinfo_crs(pyproj.CRS.from_user_input(gdf.crs)), allow_override=True)
    attrs = frame.drop(columns=frame.geometry.name)
    # an empty Date is kept; other empty values MapInfo cannot hold
    empty = [
        str(c)
        for c in attrs.columns
        if attrs[c].isna().any() and not isinstance(attrs[c].dtype, pd.ArrowDtype)
    ]
    if empty:
        log.warning(
            "%s: MapInfo has no empty values; the empty values of %s are written as 0 "
            "(numbers) or empty text; keep a GeoPackage to keep them empty",
            out,
            ", ".join(empty),
        )
    options = {"ENCODING": "UTF-8"}
    if key == "tab" and len(frame):
        x0, y0, x1, y1 = frame.total_bounds
        pad = max(x1 - x0, y1 - y0, 1.0)
        options["BOUNDS"] = f"{x0 - pad},{y0 - pad},{x1 + pad},{y1 + pad}"

    def write(tmp: Path) -> None:
        pyogrio.write_dataframe(
            frame,
            tmp,
            driver="MapInfo File",
            layer=out.stem,
            layer_options=options,
            use_arrow=use_arrow,
        )

    write_file_set(out, write, MAPINFO_PARTS[key])
