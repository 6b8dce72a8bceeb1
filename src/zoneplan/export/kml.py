"""
KML for Google Earth, valid against the OGC KML 2.2 schema whatever the features' ids are.

The file is always WGS 84 longitude/latitude (the caller reprojects). Placemark ids
are made by zoneplan (unique, valid XML ids); a feature's own ``id`` stays a value
in ExtendedData; ``<name>`` comes from the first name column, so Google Earth lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import geopandas as gpd


#: The column zoneplan writes each placemark's XML id from (never a user's column).
KML_ID_FIELD: Final[str] = "zoneplan_kml_id"
#: The column a copy of the name column goes to when it is not ``name`` itself.
KML_NAME_FIELD: Final[str] = "zoneplan_kml_name"
#: Columns looked for, in order, to give each placemark its ``<name>`` (Google Earth's list).
KML_NAME_COLUMNS: Final[tuple[str, ...]] = ("name", "Name", "name_vi", "ten", "ten_vi", "title")


def kml_ncname(text: str) -> str:
    """
    Make text a valid XML id (an NCName): letters, digits, ``_.-``; not starting with a digit.

    Examples
    --------
    >>> kml_ncname("khu kinh tế"), kml_ncname("1511/QĐ"), kml_ncname("")
    ('khu_kinh_tế', '_1511_QĐ', '_')
    """
    cleaned = "".join(c if c.isalnum() or c in "_.-" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"_{cleaned}"


def write_kml(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """
    KML through GDAL's LIBKML driver that validates against the OGC KML 2.2 schema:
    placemark ids are made by zoneplan (unique, valid XML ids) and a feature's ``id``
    stays a value in ExtendedData; ``<name>`` comes from the first name column.
    """
    import pyogrio

    ((name, gdf),) = layers.items()
    layer = kml_ncname(name)
    frame = _kml_columns(gdf)
    frame.insert(0, KML_ID_FIELD, [f"{layer}.{i + 1}" for i in range(len(frame))])
    label = next((c for c in KML_NAME_COLUMNS if c in frame.columns), None)
    if label not in {None, "name", "Name"}:  # the column stays in ExtendedData too
        frame.insert(1, KML_NAME_FIELD, frame[label])
        label = KML_NAME_FIELD
    options = {"LIBKML_ID_FIELD": KML_ID_FIELD, "LIBKML_NAME_FIELD": label or "name"}
    pyogrio.set_gdal_config_options(options)
    try:
        pyogrio.write_dataframe(frame, tmp, driver="LIBKML", layer=layer)
    finally:
        pyogrio.set_gdal_config_options(dict.fromkeys(options))


def _kml_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make columns KML can type: 32-bit integers, ISO text for dates, text ids."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if col == "id":
            out[col] = series.map(lambda v: None if pd.isna(v) else str(v))
        elif pd.api.types.is_integer_dtype(series):
            small = series.dropna().abs().max() if series.notna().any() else 0
            out[col] = (
                series.astype("int32")
                if small < 2**31 and series.notna().all()
                else series.astype(str)
            )
        elif pd.api.types.is_datetime64_any_dtype(series) or series.map(_is_date).any():
            out[col] = series.map(lambda v: None if pd.isna(v) else v.isoformat())
    return out


def _is_date(value: Any) -> bool:
    """Whether a cell is a date or datetime object."""
    import datetime

    return isinstance(value, datetime.date)
