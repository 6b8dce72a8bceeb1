"""zoneplan.tables: every format read back by an independent reader, atomic writes, UTF-8."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from zoneplan.errors import OutputError
from zoneplan.tables import (
    format_for_path,
    to_json,
    to_markdown,
    to_records,
    to_text_table,
    write_table,
)


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name_vi": ["Cát Hải", "Tiên Lãng | 1", None],
            "area_ha": [1234.5678, float("nan"), 0.1 + 0.2],
            "n": [np.int64(3), np.int64(-1), np.int64(2**40)],
            "ok": [True, False, True],
        }
    )


def test_records_and_json_are_plain_values(table):
    records = to_records(table)
    assert records[1] == {"name_vi": "Tiên Lãng | 1", "area_ha": None, "n": -1, "ok": False}
    assert type(records[0]["n"]) is int
    assert type(records[0]["ok"]) is bool
    assert records[2]["name_vi"] is None
    assert records[2]["area_ha"] == 0.1 + 0.2
    text = to_json(table)
    assert "Cát Hải" in text  # UTF-8, not \u escapes
    assert json.loads(text) == records


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        (None, None, "table"),
        ("a.CSV", None, "csv"),
        ("a.json", None, "json"),
        ("a.xlsx", None, "xlsx"),
        ("a.md", None, "md"),
        ("a.parquet", None, "parquet"),
        ("a.txt", None, "table"),
        ("a.gpkg", "csv", "csv"),
    ],
)
def test_format_from_the_suffix_or_the_option(path, fmt, expected):
    assert format_for_path(path, fmt) == expected


@pytest.mark.parametrize(
    ("path", "fmt", "message"),
    [
        ("pieces.gpkg", None, r"pieces\.gpkg: \.gpkg names no table format"),
        ("out", None, "no suffix names no table format"),
        (None, "xlsx", "binary file and cannot go to the terminal"),
        (None, "parquet", "binary file"),
        ("a.csv", "docx", "unknown table format 'docx'"),
    ],
)
def test_format_errors_are_one_line(path, fmt, message):
    with pytest.raises(OutputError, match=message) as err:
        format_for_path(path, fmt)
    assert "\n" not in str(err.value)


def test_csv_has_a_bom_and_reads_back_at_full_precision(table, tmp_path):
    out = write_table(table, tmp_path / "t.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["name_vi"] == "Cát Hải"
    assert float(rows[0]["area_ha"]) == 1234.5678
    assert float(rows[2]["area_ha"]) == 0.1 + 0.2
    assert rows[1]["area_ha"] == ""
    assert int(rows[2]["n"]) == 2**40


def test_xlsx_reads_back_with_openpyxl(table, tmp_path):
    out = write_table(table, tmp_path / "t.xlsx", sheet_name="a sheet name longer than 31 chars")
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    assert sheet.title == "a sheet name longer than 31 chars"[:31]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("name_vi", "area_ha", "n", "ok")
    assert rows[1] == ("Cát Hải", 1234.5678, 3, True)
    assert rows[2][1] is None


def test_parquet_reads_back_with_pyarrow_and_drops_geometry(table, tmp_path):
    import geopandas as gpd
    from shapely import Point

    gdf = gpd.GeoDataFrame(table, geometry=[Point(0, 0)] * 3, crs=4326)
    out = write_table(gdf, tmp_path / "t.parquet")
    back = pq.read_table(out).to_pandas()
    assert list(back.columns) == ["name_vi", "area_ha", "n", "ok"]
    pd.testing.assert_frame_equal(back, table)


def test_markdown_and_text_tables(table):
    md = to_markdown(table, decimals=2)
    lines = md.splitlines()
    assert lines[0] == "| name_vi | area_ha | n | ok |"
    assert lines[1] == "|---|---:|---:|---|"
    assert lines[2] == "| Cát Hải | 1,234.57 | 3 | True |"
    assert "Tiên Lãng \\| 1" in lines[3]
    text = to_text_table(table, decimals=1).splitlines()
    assert text[0].split() == ["name_vi", "area_ha", "n", "ok"]
    assert text[2].startswith("Cát Hải")
    assert "1,234.6" in text[2]
    # numbers are right-aligned: every row ends its n column at the same place
    n_column = [re.search(r"(\S+)\s+(True|False)$", line) for line in text[2:]]
    assert [m.group(1) for m in n_column] == ["3", "-1", "1099511627776"]
    assert len({m.end(1) for m in n_column}) == 1


def test_terminal_output_goes_to_the_stream(table):
    buf = io.StringIO()
    assert write_table(table, fmt="md", stream=buf) is None
    assert buf.getvalue() == to_markdown(table)


def test_a_failed_write_keeps_the_existing_file(table, tmp_path):
    out = tmp_path / "t.json"
    out.write_text("old", encoding="utf-8")
    before = out.stat().st_mtime_ns
    with pytest.raises(OutputError):
        write_table(table, out, fmt="xlsx-not-a-format")
    assert out.read_text(encoding="utf-8") == "old"
    assert out.stat().st_mtime_ns == before
    write_table(table, out)
    assert json.loads(out.read_text(encoding="utf-8")) == to_records(table)
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temporary file left
