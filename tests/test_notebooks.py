"""
The notebooks run on a fresh kernel and produce their tables, charts, map and files.

Each notebook is executed with nbclient on the ``python3`` kernel, which jupyter_client
starts with this interpreter (the venv's), in a temporary working folder; the
executed copy is written there too, never into the repository. A cell that raises
fails the test.
"""

from __future__ import annotations

import html
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import nbformat
import openpyxl
import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from zoneplan.export import gpkg_layer_names

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = (
    "01_zone_areas.ipynb",
    "02_corridor_and_airport.ipynb",
    "03_your_own_data.ipynb",
    "04_parcels.ipynb",
)
#: The issue asks for each notebook to run in under a minute.
TIME_LIMIT_S = 60.0
#: A committed notebook stays small enough to review in git.
MAX_COMMITTED_BYTES = 40_000
_PROBE = "import sys; print('kernel-python:', sys.executable)"

pytestmark = pytest.mark.slow


def _execute(name: str, workdir: Path) -> tuple[Any, float, str]:
    """Execute a notebook in `workdir`; return it executed, its run time and the kernel's python."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        elapsed = time.perf_counter() - start
        nbformat.write(nb, workdir / name)  # for a look after a failure
    probe = nb.cells.pop()
    kernel_python = (
        "".join(o.get("text", "") for o in probe.outputs).split("kernel-python:")[-1].strip()
    )
    return nb, elapsed, kernel_python


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Execute a notebook once per test module; later calls return the same run."""
    done: dict[str, dict[str, Any]] = {}

    def get(name: str) -> dict[str, Any]:
        if name not in done:
            workdir = tmp_path_factory.mktemp(Path(name).stem)
            nb, elapsed, kernel_python = _execute(name, workdir)
            done[name] = {
                "name": name,
                "nb": nb,
                "workdir": workdir,
                "elapsed": elapsed,
                "kernel_python": kernel_python,
            }
        return done[name]

    return get


@pytest.fixture(params=NAMES)
def executed(request, run) -> dict[str, Any]:
    """Each notebook, executed once, with its working folder and run time."""
    return run(request.param)


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _html(nb) -> list[str]:
    return [o["data"]["text/html"] for o in _outputs(nb) if "text/html" in o.get("data", {})]


def _text(nb) -> str:
    parts = [o.get("text", "") for o in _outputs(nb) if o.output_type == "stream"]
    parts += [o["data"].get("text/plain", "") for o in _outputs(nb) if "data" in o]
    return "\n".join(parts)


def _images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def _tables_with(nb, *columns: str) -> list[str]:
    """The HTML tables (DataFrame outputs) that have all of `columns` as headers."""
    return [h for h in _html(nb) if "<table" in h and all(f"<th>{c}</th>" in h for c in columns)]


def _maps(nb) -> list[str]:
    """The inline planning maps: folium's iframe holding zoneplan's data block."""
    return [h for h in _html(nb) if "<iframe" in h and "zoneplan-data" in h]


# --- the committed notebooks --------------------------------------------------------------


def test_the_notebooks_are_there():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name):
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert path.stat().st_size < MAX_COMMITTED_BYTES
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], f"{name}: cell {cell.get('id')} has outputs; clear them"
        assert cell.execution_count is None, f"{name}: cell {cell.get('id')} has an execution count"
    # every step is explained, and only the package locates data: no paths into the repository
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 6
    source = "\n".join(c.source for c in code)
    assert "geodata/" not in source
    assert "../" not in source


def test_python3_kernel_is_this_interpreter():
    spec = KernelSpecManager().get_kernel_spec("python3")
    # jupyter_client starts a spec whose argv[0] is "python" with sys.executable
    assert spec.argv[0] in ("python", "python3", sys.executable)


# --- running them ------------------------------------------------------------------------


def test_runs_on_this_venv_in_under_a_minute(executed):
    assert Path(executed["kernel_python"]).resolve() == Path(sys.executable).resolve()
    assert executed["elapsed"] < TIME_LIMIT_S, (
        f"{executed['name']} took {executed['elapsed']:.1f} s"
    )
    errors = [o for o in _outputs(executed["nb"]) if o.output_type == "error"]
    assert errors == []
    stderr = [o.text for o in _outputs(executed["nb"]) if o.get("name") == "stderr"]
    assert not [t for t in stderr if "Traceback" in t or "Warning" in t], stderr


def test_leaves_only_files_git_ignores(executed):
    """What a notebook writes beside itself is ignored by git, so a run leaves the tree clean."""
    made = [
        p.relative_to(executed["workdir"]).as_posix()
        for p in executed["workdir"].rglob("*")
        if p.is_file() and p.name != executed["name"]
    ]
    if not made:
        return
    paths = [f"notebooks/{rel}" for rel in made]
    check = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    ignored = set(check.stdout.split())
    assert [p for p in paths if p not in ignored] == []


def test_produces_its_tables_charts_and_map(executed):
    nb, name = executed["nb"], executed["name"]
    assert len(_maps(nb)) == 1, "the planning map is shown inline once"
    # the page the saved file would be: its policy, and Leaflet inlined so it draws offline
    assert "&lt;meta http-equiv=&quot;Content-Security-Policy&quot;" in _maps(nb)[0]
    assert "src=&quot;https://unpkg.com" not in _maps(nb)[0]
    if name.startswith("01"):
        # per feature and per category, VN-2000 beside ellipsoidal
        assert _tables_with(
            nb, "id", "category", "area_ha_vn2000", "area_ha_ellipsoidal", "diff_pct"
        )
        assert _tables_with(
            nb, "category", "category_vi", "n_features", "area_ha_vn2000", "area_ha_ellipsoidal"
        )
        assert _tables_with(nb, "layer", "n_features", "area_ha_vn2000")
        assert _tables_with(
            nb, "declared_ha", "area_ha_vn2000", "declared_diff_pct", "declared_flag"
        )
        composition = _tables_with(nb, "part", "share_pct", "area_ha_vn2000")
        assert composition
        assert all(p in composition[0] for p in ("unassigned", "functional_union", "zone"))
        assert _images(nb) >= 2  # declared versus measured; composition
        assert "measured ratio over" in _text(nb)
        # the zone as of the facts date: today's units, the projects, the disagreeing reports
        assert "facts as of 2026-11-30" in _text(nb)
        units = _tables_with(nb, "name_vi", "old_units", "area_km2", "population", "in_zone")
        assert units
        assert all(name in units[0] for name in ("Hùng Thắng", "Chấn Hưng", "Nam Đồ Sơn"))
        projects = _tables_with(
            nb, "status", "as_of", "declared_ha", "area_ha_vn2000", "declared_diff_pct"
        )
        assert projects
        assert "Tiên Lãng 1 industrial park" in projects[0]
        assert "596.78" in projects[0]
        conflicts = _tables_with(nb, "conflict", "precision", "report", "source")
        assert conflicts
        assert "ftz-4068-date" in conflicts[0]
        assert "port-scheme" in conflicts[0]
        # what changed since the decision: the zone on 4 Dec 2024 against the facts date
        assert "17 added, 0 removed, 3 changed" in _text(nb)
        assert "changed  transport" in _text(nb)
        since = _tables_with(nb, "change", "gained_ha_vn2000", "gained_ha_ellipsoidal", "changes")
        assert since
        assert "under construction → stalled" in since[0]
    elif name.startswith("02"):
        assert _tables_with(
            nb, "right_of_way_m", "length_km_geodesic", "area_ha_vn2000", "length_x_width_ha"
        )
        assert _tables_with(
            nb, "band", "band_from_m", "band_to_m", "area_ha_vn2000", "area_ha_ellipsoidal"
        )
        assert _tables_with(nb, "band", "category", "share_pct")
        assert _tables_with(nb, "from_key", "to_key", "distance_km_geodesic", "distance_km_vn2000")
        surfaces = _tables_with(nb, "surface", "end", "height_limit_m", "area_ha_vn2000")
        assert surfaces
        assert all(
            s in surfaces[0]
            for s in ("strip", "inner_horizontal", "conical", "approach", "takeoff_climb")
        )
        assert _tables_with(nb, "height_limit_m", "category", "area_ha_vn2000", "share_pct")
        assert _images(nb) >= 3  # bands; distances; height limits
    elif name.startswith("04"):
        assert _tables_with(
            nb,
            "parcel_id",
            "land_use",
            "area_ha_vn2000",
            "area_ha_ellipsoidal",
            "declared_diff_pct",
        )
        assert _tables_with(nb, "functional_category", "land_use", "area_ha_vn2000", "share_pct")
        assert _images(nb) >= 1
        assert "big-layer renderer: True" in _text(nb)
        assert "zoneplan-big-" in _maps(nb)[0]
        assert '"column":"land_use_code","kind":"landuse"' in html.unescape(_maps(nb)[0])
        assert _images(nb) >= 2  # land use per functional area; parcels by land-use code
        assert _tables_with(nb, "row", "code", "name_vi", "name_en", "n_features", "share_pct")
    else:
        assert _tables_with(nb, "layer", "id", "area_ha_vn2000", "area_ha_ellipsoidal")
        assert _tables_with(nb, "my_id", "area_id", "category", "area_ha_vn2000", "share_pct")
        assert _tables_with(nb, "polygon", "shoelace_ha", "area_ha_vn2000")
        assert _images(nb) >= 1
        assert "no problems" in _text(nb)
        assert "lo_dat" in _maps(nb)[0]
        assert "Khu A" in _maps(nb)[0]


def test_parcels_notebook_writes_tables_that_agree(run):
    work = run("04_parcels.ipynb")["workdir"] / "parcel_results"
    parcels = gpd.read_parquet(work / "parcels.parquet")
    pieces = pd.read_parquet(work / "pieces.parquet")
    areas = pd.read_csv(work / "parcel_areas.csv", encoding="utf-8-sig")
    assert len(parcels) == len(areas) == 20_000
    assert set(pieces["parcel_id"]) == set(parcels["parcel_id"])
    # the pieces of each parcel add up to the parcel (functional areas barely overlap)
    summed = pieces.groupby("parcel_id")["area_ha_vn2000"].sum()
    whole = areas.set_index("parcel_id")["area_ha_vn2000"]
    assert (summed.reindex(whole.index) - whole).abs().max() < 1e-3
    summary = openpyxl.load_workbook(work / "land_use_by_functional_area.xlsx").active
    header = [c.value for c in summary[1]]
    assert header == ["functional_category", "land_use", "area_ha_vn2000", "share_pct"]
    html = (work / "parcels_map.html").read_text(encoding="utf-8")
    assert 'id="zoneplan-big-' in html
    # the land statistics in Excel: the total is the layer's whole VN-2000 area
    stats = pd.read_excel(work / "land_statistics.xlsx", sheet_name="thong ke dat dai")
    total = stats[stats["kind"] == "total"].iloc[0]
    assert total["n_features"] == 20_000
    assert total["area_ha_vn2000"] == pytest.approx(areas["area_ha_vn2000"].sum(), rel=1e-9)
    sections = stats[stats["kind"] == "section"]
    assert sections["area_ha_vn2000"].sum() == pytest.approx(total["area_ha_vn2000"], rel=1e-12)
    nnp = stats[stats["code"] == "NNP"].iloc[0]
    rice = stats[stats["code"].isin(["LUC", "LUK", "LUN"])]["area_ha_vn2000"].sum()
    assert rice <= nnp["area_ha_vn2000"]


def test_your_own_data_writes_excel_geopackage_and_kml(run):
    work = run("03_your_own_data.ipynb")["workdir"] / "my_data"
    assert {"lo_dat.shp", "lo_dat.prj", "lo_dat.cpg", "moc_gioi.csv"} <= {
        p.name for p in work.iterdir()
    }

    areas = openpyxl.load_workbook(work / "my_areas.xlsx").active
    header = [c.value for c in areas[1]]
    assert {"id", "area_ha_vn2000", "area_ha_ellipsoidal"} <= set(header)
    ids = [row[header.index("id")] for row in areas.iter_rows(min_row=2, values_only=True)]
    assert ids == ["CN-01", "CN-02", "Khu A", "Khu B"]
    overlap = openpyxl.load_workbook(work / "my_overlap.xlsx").active
    assert "category" in [c.value for c in overlap[1]]

    assert gpkg_layer_names(work / "my_layers.gpkg") == ["lo_dat", "moc_gioi"]
    plots = gpd.read_file(work / "my_layers.gpkg", layer="lo_dat")
    assert plots.crs.to_epsg() == 9210
    assert plots["name_vi"].tolist() == ["Lô CN-01", "Lô CN-02"]
    # the first plot is 800 m × 600 m on the VN-2000 grid
    assert plots.geometry.area.iloc[0] == pytest.approx(480_000.0)

    kml = (work / "my_layers.kml").read_text(encoding="utf-8")
    assert kml.count("<Placemark") == 4
    assert "Lô CN-01" in kml
    assert "Khu B" in kml
