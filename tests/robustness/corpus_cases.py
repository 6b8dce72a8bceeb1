"""
The corpus of bad inputs: every case names its file and the words its message must carry.

Small cases are committed under ``corpus/`` so a person can read them; the others
(random bytes, bytes that are not UTF-8, a very large file, deep nesting, paths that
are not files, outputs that cannot be written) are made at test time by `Case.make`.
Each message must name the file, the feature where there is one, and the fix.
"""

from __future__ import annotations

import os
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().with_name("corpus")
#: A clean layer: the input of the cases whose problem is the output path.
GOOD = CORPUS / "good.geojson"
#: The input limit the very large case is run with; its file is a few times larger.
SMALL_LIMIT_MB = 1
#: The commands every case goes through; ``validate --repair`` is the one way validate writes.
COMMANDS = ("validate", "validate --repair", "build", "areas", "diff")


@dataclass(frozen=True)
class Case:
    """
    One bad input.

    Parameters
    ----------
    name
        The case's id in test names.
    words
        Fragments the one-line message must contain: what is wrong and the fix.
    file
        A file under ``corpus/``; or None when `make` writes the input.
    make
        Writes the input into the given folder and returns its path.
    feature
        The feature label the message must name (``'p1'``), None for file-level problems.
    args
        Options for every command, e.g. ``("--max-input-mb", "1")``.
    out
        For cases about the output: makes the unwritable --out path from a folder and
        a suffix (the input is then `GOOD`).
    repairable
        ``--repair`` fixes it (an invalid geometry), so validate --repair succeeds.
    commands
        The commands that must refuse it; by default `COMMANDS`, less ``validate
        --repair`` for a repairable case and plain ``validate`` (which writes nothing)
        for an output case.
    """

    name: str
    words: tuple[str, ...]
    file: str | None = None
    make: Callable[[Path], Path] | None = None
    feature: str | None = None
    args: tuple[str, ...] = ()
    out: Callable[[Path, str], Path] | None = None
    repairable: bool = False
    commands: tuple[str, ...] | None = None

    def refused_by(self) -> tuple[str, ...]:
        """The commands that must refuse this case."""
        if self.commands is not None:
            return self.commands
        drop = {"validate --repair"} if self.repairable else set()
        drop |= {"validate"} if self.out else set()
        return tuple(c for c in COMMANDS if c not in drop)

    def input_path(self, folder: Path) -> Path:
        """The input file: committed, made in `folder`, or `GOOD` for output cases."""
        if self.make is not None:
            return self.make(folder)
        return CORPUS / self.file if self.file else GOOD


# --- inputs made at test time ------------------------------------------------------------


def _random_bytes(suffix: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"random{suffix}"
        path.write_bytes(bytes([0xFF]) + random.Random(1511).randbytes(4095))
        return path

    return make


def _not_utf8(folder: Path) -> Path:
    """A clean layer saved in the legacy Vietnamese code page (Windows-1258) instead of UTF-8."""
    path = folder / "cp1258.geojson"
    text = GOOD.read_text(encoding="utf-8").replace("Lô đất 1", "Lô 1 Đông Hưng")
    path.write_bytes(text.encode("cp1258"))
    return path


def square_features(count: int) -> str:
    """`count` small valid squares as a GeoJSON FeatureCollection text."""
    features = []
    for i in range(count):
        x, y = 106.60 + (i % 400) * 0.0005, 20.60 + (i // 400) * 0.0005
        ring = [[x, y], [x + 0.0004, y], [x + 0.0004, y + 0.0004], [x, y + 0.0004], [x, y]]
        coords = ", ".join(f"[{a:.4f}, {b:.4f}]" for a, b in ring)
        features.append(
            f'{{"type": "Feature", "properties": {{"id": "q{i}"}}, '
            f'"geometry": {{"type": "Polygon", "coordinates": [[{coords}]]}}}}'
        )
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n"


def _very_large(folder: Path) -> Path:
    """A valid layer of about 3 MB, run with a 1 MB limit (a real one would be gigabytes)."""
    path = folder / "large.geojson"
    path.write_text(square_features(14_000), encoding="utf-8")
    return path


def _one_feature(path: Path, properties: str, geometry: str) -> Path:
    """Write a FeatureCollection of one feature, given its properties and geometry as JSON text."""
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        f'"properties": {properties}, "geometry": {geometry}}}]}}',
        encoding="utf-8",
    )
    return path


def _deep_coordinates(folder: Path) -> Path:
    """Coordinates nested 100,000 lists deep: deeper than Python's json can parse."""
    deep = "[" * 100_000 + "]" * 100_000
    geometry = f'{{"type": "Polygon", "coordinates": {deep}}}'
    return _one_feature(folder / "deep.geojson", '{"id": "p1"}', geometry)


def _deep_property(folder: Path) -> Path:
    """A property nested 500 deep: json parses it, GDAL and the map renderer would not."""
    deep = "[" * 500 + "1" + "]" * 500
    point = '{"type": "Point", "coordinates": [106.70, 20.65]}'
    return _one_feature(folder / "deep_property.geojson", f'{{"id": "p1", "notes": {deep}}}', point)


def _number_text(number: str) -> Callable[[Path], Path]:
    """A point whose longitude is the given JSON number text."""

    def make(folder: Path) -> Path:
        point = f'{{"type": "Point", "coordinates": [{number}, 20.65]}}'
        return _one_feature(folder / f"number_{len(number)}.geojson", '{"id": "p1"}', point)

    return make


def _geopackage(name: str, bounds: tuple[float, float, float, float], epsg: int):
    """A GeoPackage of one square feature 'p1' with the given bounds, declared in `epsg`."""

    def make(folder: Path) -> Path:
        import geopandas as gpd
        from shapely.geometry import box

        path = folder / f"{name}.gpkg"
        gpd.GeoDataFrame({"id": ["p1"]}, geometry=[box(*bounds)], crs=epsg).to_file(path)
        return path

    return make


def _missing(folder: Path) -> Path:
    return folder / "no_such_layer.geojson"


def _folder(folder: Path) -> Path:
    path = folder / "layers.geojson"
    path.mkdir()
    return path


def _character_device(folder: Path) -> Path:
    return Path("/dev/null")


def _named_pipe(folder: Path) -> Path:
    path = folder / "pipe.geojson"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    import socket

    path = folder / "sock.shp"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))  # the file stays after the socket object is collected
    server.close()
    return path


# --- the office formats: CAD drawings, MapInfo, Shapefiles whose parts disagree -----------


def _truncated_dxf(folder: Path) -> Path:
    """A DXF drawing made by ezdxf, cut in the middle (a copy that stopped half way)."""
    import ezdxf

    doc = ezdxf.new("R2000")
    doc.modelspace().add_lwpolyline(
        [(606000, 2282000), (606100, 2282000), (606100, 2282100)], close=True
    )
    whole = folder / "whole.dxf"
    doc.saveas(whole)
    data = whole.read_bytes()
    path = folder / "ban_ve.dxf"
    path.write_bytes(data[: len(data) // 2])
    whole.unlink()
    return path


def _dgn_v8(folder: Path) -> Path:
    """A file with the OLE compound document header that MicroStation V8 drawings have."""
    path = folder / "to_ban_do_v8.dgn"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088))
    return path


def _dgn_v7(folder: Path) -> Path:
    """A DGN V7 sheet in VN-2000 metres, written by GDAL's DGN writer (DGN V7 has no CRS)."""
    import geopandas as gpd
    from shapely.geometry import box

    path = folder / "to_ban_do.dgn"
    sheet = gpd.GeoDataFrame(geometry=[box(606000, 2282000, 606100, 2282100)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: no CRS given, as DGN V7 has none
        sheet.to_file(path, driver="DGN", engine="pyogrio")
    return path


def _shapefile(folder: Path, name: str) -> Path:
    """Two squares as a Shapefile set in VN-2000, written by GDAL."""
    import geopandas as gpd
    from shapely.geometry import box

    path = folder / f"{name}.shp"
    squares = [box(606000, 2282000, 606100, 2282100), box(606200, 2282000, 606300, 2282100)]
    gpd.GeoDataFrame({"id": ["p1", "p2"]}, geometry=squares, crs=9210).to_file(path)
    return path


def _truncated_dbf(folder: Path) -> Path:
    """A Shapefile whose .dbf lost its last record on the way (a USB copy cut short)."""
    path = _shapefile(folder, "thua_dat")
    dbf = path.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:-20])
    return path


def _missing_shx(folder: Path) -> Path:
    path = _shapefile(folder, "thua_dat")
    path.with_suffix(".shx").unlink()
    return path


def _mapinfo(folder: Path, suffix: str, drop: str) -> Path:
    """A MapInfo layer written by GDAL, one of its parts left behind."""
    import geopandas as gpd
    from shapely.geometry import box

    path = folder / f"ranh_gioi{suffix}"
    gpd.GeoDataFrame(
        {"id": ["p1"], "ten": ["Lô 1"]}, geometry=[box(606000, 2282000, 606100, 2282100)], crs=9210
    ).to_file(path, driver="MapInfo File")
    path.with_suffix(drop).unlink()
    return path


# --- outputs that cannot be written -------------------------------------------------------


def _out_in_proc(folder: Path, suffix: str) -> Path:
    # tests run as root, so a chmod'ed folder would not stop writes; /proc refuses new files
    return Path(f"/proc/zoneplan-corpus-out{suffix}")


def _out_under_a_file(folder: Path, suffix: str) -> Path:
    parent = folder / "notes.txt"
    parent.write_text("a file, not a folder", encoding="utf-8")
    return parent / f"out{suffix}"


def _out_is_a_pipe(folder: Path, suffix: str) -> Path:
    path = folder / f"pipe{suffix}"
    os.mkfifo(path)
    return path


_REPAIR = ("rerun with --repair to fix it with make_valid",)

CASES: tuple[Case, ...] = (
    Case(
        "truncated_json",
        ("not valid JSON at line 4 column 1", "looks truncated", "export it again"),
        "truncated.geojson",
    ),
    Case(
        "json_not_geojson",
        ("not GeoJSON: no 'type' member at the top", "give a GeoJSON FeatureCollection"),
        "not_geojson.geojson",
    ),
    Case(
        "type_not_a_string",
        ("not GeoJSON: unknown type ['FeatureCollection']", "give a GeoJSON FeatureCollection"),
        "type_not_a_string.geojson",
    ),
    Case("empty_file", ("the file is empty", "export the layer again"), "empty.geojson"),
    Case(
        "random_bytes",
        ("not UTF-8 text (byte 0xff at offset 0)", "save the file as UTF-8"),
        make=_random_bytes(".geojson"),
    ),
    Case(
        "random_bytes_gpkg",
        ("cannot be read as a GeoPackage file", "check that it is complete, or convert it"),
        make=_random_bytes(".gpkg"),
    ),
    Case(
        "not_utf8",
        ("not UTF-8 text (byte 0xf4 at offset", "save the file as UTF-8"),
        make=_not_utf8,
    ),
    Case(
        "null_geometry",
        ("has no geometry (null)", "draw its geometry or remove the feature"),
        "null_geometry.geojson",
        feature="'p1'",
    ),
    Case(
        "empty_geometry",
        ("empty Polygon (no coordinates)", "draw it or remove it"),
        "empty_geometry.geojson",
        feature="'p1'",
    ),
    Case(
        "bowtie",
        ("invalid geometry: Self-intersection", *_REPAIR),
        "bowtie.geojson",
        feature="'p1'",
        repairable=True,
    ),
    Case(
        "self_touching_ring",
        ("invalid geometry: Ring Self-intersection", *_REPAIR),
        "self_touching_ring.geojson",
        feature="'p1'",
        repairable=True,
    ),
    Case(
        "spike",
        ("invalid geometry: Self-intersection[106.73 20.66]", *_REPAIR),
        "spike.geojson",
        feature="'p1'",
        repairable=True,
    ),
    Case(
        "unclosed_ring",
        ("exterior ring is not closed", "repeat the first position at the end of the ring"),
        "unclosed_ring.geojson",
        feature="'p1'",
    ),
    Case(
        "too_few_points",
        ("exterior ring has 3 positions", "add the missing corners or remove the polygon"),
        "too_few_points.geojson",
        feature="'p1'",
    ),
    Case(
        "mixed_geometry_types",
        ("mixes points and polygons in one layer", "split it into one file per geometry kind"),
        "mixed_geometry_types.geojson",
        feature="'m1'",
    ),
    Case(
        "metres_as_lonlat",
        ("look like projected metres (606105, 2282548)", "reproject it to EPSG:4326", "EPSG:9210"),
        "metres_as_lonlat.geojson",
        feature="'p1'",
    ),
    Case(
        "swapped_latlon",
        (
            "longitude and latitude look swapped",
            "GeoJSON order is [longitude, latitude]; swap them",
        ),
        "swapped_latlon.geojson",
        feature="'p1'",
    ),
    Case(
        "metres_as_lonlat_gpkg",
        (
            "the CRS is WGS 84 (degrees) but coordinates reach 607105, 2283548",
            "set the CRS they are in (it looks like VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210",
        ),
        make=_geopackage("metres", (606105, 2282548, 607105, 2283548), 4326),
    ),
    Case(
        "swapped_latlon_gpkg",
        ("longitude and latitude look swapped (x 20.65 to 20.66", "swap the x and y columns"),
        make=_geopackage("swapped", (20.65, 106.70, 20.66, 106.71), 4326),
    ),
    Case(
        "swapped_xy_vn2000_gpkg",
        ("x and y look swapped: x reaches 2283548", "swap the x and y columns"),
        make=_geopackage("swapped_vn2000", (2282548, 606105, 2283548, 607105), 9210),
    ),
    Case(
        "out_of_range",
        ("outside longitude/latitude ranges (306.7, 20.65)", "longitude must be within ±180"),
        "out_of_range.geojson",
        feature="'p1'",
    ),
    Case(
        "integer_beyond_float",
        ("a coordinate is Infinity, not a finite number", "fix or remove it"),
        make=_number_text("1" + "0" * 400),
        feature="'p1'",
    ),
    Case(
        "integer_too_long",
        ("a number with 5001 digits", "fix or remove it"),
        make=_number_text("1" + "0" * 5000),
    ),
    Case(
        "nan",
        ("a coordinate is NaN, not a finite number", "GeoJSON has no NaN or Infinity"),
        "nan_coordinate.geojson",
        feature="'p2'",
    ),
    Case(
        "infinity",
        (
            "property 'declared_area_ha' is Infinity, not a finite number",
            "write a number, or null where it is unknown",
        ),
        "infinity_property.geojson",
        feature="'p1'",
    ),
    Case(
        "duplicate_ids",
        ("id 'p1' is used by 2 features", "give each feature its own id"),
        "duplicate_ids.geojson",
        feature="'p1'",
    ),
    Case(
        "wrong_property_type",
        (
            "property 'declared_area_ha' has the wrong type (str '120 ha')",
            "make it a number or null",
        ),
        "wrong_property_type.geojson",
        feature="'p1'",
    ),
    # your own layers need no properties: only a file held to the shipped layers' schema does
    Case(
        "missing_required_property",
        ("missing property 'phase'", "add it: one of 'to 2025'"),
        "missing_required_property.geojson",
        feature="'p1'",
        args=("--schema", "catalog"),
        commands=("validate",),
    ),
    Case(
        "very_large_file",
        (
            f"MB of GeoJSON is more than the {SMALL_LIMIT_MB} MB input limit",
            "convert it to GeoPackage or GeoParquet (ogr2ogr -f GPKG large.gpkg large.geojson)",
            "raise the limit with --max-input-mb 3",
        ),
        make=_very_large,
        args=("--max-input-mb", str(SMALL_LIMIT_MB)),
    ),
    Case(
        "deep_nesting",
        ("JSON nested too deeply to be a GeoJSON layer", "export the layer again"),
        make=_deep_coordinates,
    ),
    Case(
        "deep_property",
        ("JSON nested more than 32 levels deep", "flatten the nested values"),
        make=_deep_property,
        feature="'p1'",
    ),
    Case(
        "random_bytes_dxf",
        ("cannot be read as a DXF file", "check that it is complete, or convert it"),
        make=_random_bytes(".dxf"),
    ),
    Case(
        "truncated_dxf",
        ("cannot be read as a DXF file (error at line", "check that it is complete"),
        make=_truncated_dxf,
    ),
    Case(
        "random_bytes_dgn",
        ("cannot be read as a DGN file", "check that it is complete, or convert it"),
        make=_random_bytes(".dgn"),
    ),
    Case(
        "dgn_v8",
        (
            "a MicroStation DGN V8 drawing",
            "reading V8 needs the proprietary ODA library",
            "save it as DXF or as DGN V7",
        ),
        make=_dgn_v8,
    ),
    Case(
        "dgn_v7_without_crs",
        ("the file has no CRS", "it looks like VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210"),
        make=_dgn_v7,
    ),
    Case(
        "random_bytes_tab",
        ("the .dat file (the attribute table) is missing beside the .tab", "copy all the parts"),
        make=_random_bytes(".tab"),
    ),
    Case(
        "mif_without_mid",
        (
            "the .mid file (the attribute values) is missing beside the .mif",
            "copy all the parts of the MapInfo layer (.mif, .mid) together",
        ),
        make=lambda folder: _mapinfo(folder, ".mif", ".mid"),
    ),
    Case(
        "tab_without_map",
        (
            "the .map file (the geometry) is missing beside the .tab",
            "(.tab, .dat, .map, .id) together",
        ),
        make=lambda folder: _mapinfo(folder, ".tab", ".map"),
    ),
    Case(
        "shapefile_truncated_dbf",
        (
            "the .dbf file is truncated",
            "the .dbf declares 2 record(s) but holds 1",
            "copy the .dbf again from the source",
        ),
        make=_truncated_dbf,
    ),
    Case(
        "shapefile_missing_shx",
        ("the .shx file (index) is missing beside the .shp", "copy all the parts"),
        make=_missing_shx,
    ),
    Case("path_does_not_exist", ("no such file", "check the path and the spelling"), make=_missing),
    Case(
        "character_device",
        ("is a character device", "not a layer file", "give the path of a saved file"),
        make=_character_device,
    ),
    Case(
        "named_pipe",
        ("is a named pipe (FIFO)", "not a layer file", "give the path of a saved file"),
        make=_named_pipe,
    ),
    Case(
        "socket",
        ("is a socket", "not a layer file", "give the path of a saved file"),
        make=_socket,
    ),
    Case(
        "folder_not_file",
        ("is a folder, not a file", "give the layer file inside it"),
        make=_folder,
    ),
    Case(
        "output_folder_not_writable",
        ("cannot write in /proc", "choose another --out"),
        out=_out_in_proc,
    ),
    Case(
        "output_folder_is_a_file",
        ("notes.txt is a file, not a folder", "choose another --out"),
        out=_out_under_a_file,
    ),
    Case(
        "output_is_a_pipe",
        ("is not a regular file (a device or a pipe)", "choose another --out"),
        out=_out_is_a_pipe,
    ),
)
