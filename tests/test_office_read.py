"""
Files as they travel between offices: Shapefiles whose parts disagree, a coastline of
two million vertices, and layers given as devices, pipes or sockets.

Every fixture is made here (GDAL through pyogrio, numpy); no third-party data.
"""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from zoneplan.errors import InputError
from zoneplan.io import input_limit, read_layer


@pytest.fixture
def parcels(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"so_thua": list(range(1, 6)), "ten": [f"Thửa {i}" for i in range(1, 6)]},
        geometry=[box(606000 + i * 100, 2282000, 606050 + i * 100, 2282050) for i in range(5)],
        crs=9210,
    )
    path = tmp_path / "thua.shp"
    gdf.to_file(path, engine="pyogrio")
    return path


def _dbf_layout(path):
    data = path.with_suffix(".dbf").read_bytes()
    head_len = int.from_bytes(data[8:10], "little")
    rec_len = int.from_bytes(data[10:12], "little")
    return data, head_len, rec_len


def test_a_whole_set_reads(parcels):
    assert read_layer(parcels)["so_thua"].tolist() == [1, 2, 3, 4, 5]


def test_truncated_dbf_is_refused_with_the_counts(parcels):
    data, head_len, rec_len = _dbf_layout(parcels)
    parcels.with_suffix(".dbf").write_bytes(data[: head_len + 3 * rec_len + 7])  # cut mid-record
    with pytest.raises(InputError) as err:
        read_layer(parcels)
    msg = str(err.value)
    assert "thua.shp: the .dbf file is truncated" in msg
    assert "the .shp holds 5 shape(s), the .shx indexes 5, the .dbf declares 5 record(s)" in msg
    assert "but holds 3" in msg
    assert "copy the .dbf again" in msg


def test_dbf_from_another_export_is_refused(parcels, tmp_path):
    other = tmp_path / "other.shp"
    gpd.read_file(parcels).head(4).to_file(other, engine="pyogrio")
    parcels.with_suffix(".dbf").write_bytes(other.with_suffix(".dbf").read_bytes())
    with pytest.raises(InputError, match=r"the parts of the Shapefile disagree \(the \.shp holds 5"):
        read_layer(parcels)


def test_shx_from_another_export_is_refused(parcels, tmp_path):
    other = tmp_path / "other.shp"
    gpd.read_file(parcels).head(3).to_file(other, engine="pyogrio")
    parcels.with_suffix(".shx").write_bytes(other.with_suffix(".shx").read_bytes())
    with pytest.raises(InputError, match=r"the \.shx indexes 3"):
        read_layer(parcels)


def test_truncated_shp_is_refused(parcels):
    data = parcels.read_bytes()
    parcels.write_bytes(data[:-20])
    with pytest.raises(InputError, match=r"the \.shp file is truncated \(the \.shp holds 4"):
        read_layer(parcels)


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_missing_part_is_named(parcels, part):
    parcels.with_suffix(part).unlink()
    with pytest.raises(InputError, match=rf"the \{part} file .* is missing beside the \.shp"):
        read_layer(parcels)


def test_truncated_dbf_inside_a_zip(parcels, tmp_path):
    data, head_len, rec_len = _dbf_layout(parcels)
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in (".shp", ".shx", ".prj"):
            zf.write(parcels.with_suffix(part), f"thua{part}")
        zf.writestr("thua.dbf", data[: head_len + 2 * rec_len])
    with pytest.raises(InputError, match=r"thua\.zip: the \.dbf file is truncated"):
        read_layer(archive)


def test_source_files_are_not_modified(parcels):
    data, head_len, rec_len = _dbf_layout(parcels)
    parcels.with_suffix(".dbf").write_bytes(data[: head_len + rec_len])
    before = {p.name: p.read_bytes() for p in parcels.parent.iterdir()}
    with pytest.raises(InputError):
        read_layer(parcels)
    assert {p.name: p.read_bytes() for p in parcels.parent.iterdir()} == before


# --- a very large single geometry --------------------------------------------------------------


@pytest.mark.slow
def test_a_two_million_vertex_coastline_is_read(tmp_path):
    """One polygon of 2,000,000 vertices (about 80 MB): GDAL's per-object limit refuses it."""
    n = 2_000_000
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    wobble = 1 + 0.01 * np.sin(50 * t)
    x = 106.7 + 0.2 * np.cos(t) * wobble
    y = 20.7 + 0.2 * np.sin(t) * wobble
    ring = np.column_stack([np.append(x, x[0]), np.append(y, y[0])])
    coords = ",".join(f"[{a!r},{b!r}]" for a, b in ring.tolist())
    path = tmp_path / "bo_bien.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"ten":"Đường bờ biển"},'
        f'"geometry":{{"type":"Polygon","coordinates":[[{coords}]]}}}}]}}',
        encoding="utf-8",
    )
    size_mb = path.stat().st_size / 1e6
    assert size_mb > 60
    gdf = read_layer(path)
    coastline = gdf.geometry.iloc[0]
    assert len(coastline.exterior.coords) == n + 1
    assert np.array_equal(np.asarray(coastline.exterior.coords), ring)
    assert gdf["ten"].iloc[0] == "Đường bờ biển"
    with input_limit(size_mb / 2), pytest.raises(InputError, match="more than the"):
        read_layer(path)  # the file-size limit still holds
