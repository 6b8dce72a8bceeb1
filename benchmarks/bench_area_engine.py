"""
Benchmark of the area engine on synthetic parcel layers: a script, not a timed test.

For 10k, 100k and 1M synthetic parcels over the zone (`zoneplan.synthetic`,
fixed seed) it writes a GeoParquet file, then, in a fresh Python process per
size, times reading it, the per-parcel VN-2000 and ellipsoidal areas
(`zoneplan.areas.measure_features`) and the overlay with the shipped functional
areas (`zoneplan.overlay.functional_pieces`), records the peak resident memory
of that process, and checks a sample of the results against the per-feature
reference (`geodesic_area_m2` and ``shapely.area`` feature by feature;
``geopandas.overlay`` measured piece by piece). The table goes to
docs/benchmark-areas.md.

    .venv/bin/python benchmarks/bench_area_engine.py            # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_area_engine.py --sizes 10000 --out /tmp/b.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = 20241211
TARGET_S = 30.0
TARGET_GB = 4.0


def generate(n: int, path: Path) -> float:
    """Write `n` synthetic parcels to GeoParquet at `path`; return the seconds it took."""
    from zoneplan.synthetic import synthetic_parcels

    t0 = time.perf_counter()
    synthetic_parcels(n, seed=SEED).to_parquet(path)
    return time.perf_counter() - t0


def reference_check(parcels, measures, pieces, sample: int) -> dict[str, float]:
    """Compare a sample of the engine's results with the per-feature reference."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from zoneplan import crs as zcrs
    from zoneplan.geodesic import geodesic_area_m2
    from zoneplan.io import load_catalog_layers
    from zoneplan.schema import FUNCTIONAL_CATEGORIES

    rng = np.random.default_rng(SEED)
    rows = np.sort(rng.choice(len(parcels), size=min(sample, len(parcels)), replace=False))
    sub = parcels.iloc[rows]
    # areas, one feature at a time
    ell = np.array([geodesic_area_m2(g) for g in zcrs.to_wgs84(sub)]) / 1e4
    vn = np.array([shapely.area(g) for g in zcrs.to_vn2000(sub)]) / 1e4
    got = measures.iloc[rows]
    out = {
        "areas_max_rel_ellipsoidal": float(np.max(np.abs(got["area_ha_ellipsoidal"] / ell - 1))),
        "areas_max_rel_vn2000": float(np.max(np.abs(got["area_ha_vn2000"] / vn - 1))),
    }
    # overlay: geopandas.overlay on the VN-2000 grid, each piece measured
    func = load_catalog_layers(ids=["functional_areas"])["functional_areas"]
    func = func[func["category"].isin(FUNCTIONAL_CATEGORIES)]
    func_grid = gpd.GeoDataFrame(
        {"functional_id": func["id"].to_numpy()},
        geometry=shapely.make_valid(zcrs.to_vn2000(func)),
        crs=9210,
    )
    sub_grid = gpd.GeoDataFrame({"row": rows}, geometry=zcrs.to_vn2000(sub), crs=9210)
    ref = gpd.overlay(sub_grid, func_grid, how="identity", keep_geom_type=True)
    grid = ref.geometry.to_numpy()

    def back(xy):
        return np.column_stack(zcrs.vn2000_to_wgs84(xy[:, 0], xy[:, 1], exact=True))

    ref_ell = np.array([geodesic_area_m2(g) for g in shapely.transform(grid, back)]) / 1e4
    ref = ref.assign(
        functional_id=ref["functional_id"].astype(object).fillna("-"),
        vn=shapely.area(grid) / 1e4,
        ell=ref_ell,
    ).set_index(["row", "functional_id"])
    mine = pieces[pieces["parcel_index"].isin(rows)]
    mine = mine.assign(functional_id=mine["functional_id"].astype(object).fillna("-"))
    mine = mine.set_index(["parcel_index", "functional_id"])
    same = mine.index.sort_values().equals(ref.index.sort_values())
    ref = ref.reindex(mine.index)
    out["overlay_sample_pieces"] = len(mine)
    out["overlay_same_pieces"] = bool(same)
    out["overlay_max_rel_vn2000"] = float(np.nanmax(np.abs(mine["area_ha_vn2000"] / ref["vn"] - 1)))
    out["overlay_max_abs_m2_ellipsoidal"] = float(
        np.nanmax(np.abs(mine["area_ha_ellipsoidal"] - ref["ell"])) * 1e4
    )
    out["overlay_max_rel_ellipsoidal_over_1m2"] = float(
        np.nanmax(np.abs(mine["area_ha_ellipsoidal"] / ref["ell"] - 1)[ref["vn"] > 1e-4])
    )
    return out


def run_one(path: Path, sample: int) -> dict[str, object]:
    """Time reading, measuring and the overlay of one file (in this fresh process)."""
    import geopandas as gpd

    from zoneplan.areas import measure_features
    from zoneplan.overlay import functional_frame, functional_pieces

    functional_frame()  # load the shipped functional areas outside the timings
    t0 = time.perf_counter()
    parcels = gpd.read_parquet(path)
    t1 = time.perf_counter()
    measures = measure_features(parcels)
    t2 = time.perf_counter()
    pieces = functional_pieces(parcels)
    t3 = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result: dict[str, object] = {
        "n": len(parcels),
        "read_s": t1 - t0,
        "areas_s": t2 - t1,
        "overlay_s": t3 - t2,
        "peak_gb": peak_kib * 1024 / 1e9,
        "pieces": len(pieces),
        "cut_parcels": int(pieces.loc[~pieces["whole_parcel"], "parcel_index"].nunique()),
    }
    result.update(reference_check(parcels, measures, pieces, sample))
    return result


def machine() -> dict[str, str]:
    """Describe this machine and the library versions."""
    import geopandas
    import numpy
    import pyproj
    import shapely

    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": f"{mem_gb:.0f} GB",
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": (
            f"numpy {numpy.__version__}, shapely {shapely.__version__} "
            f"(GEOS {shapely.geos_version_string}), pyproj {pyproj.__version__} "
            f"(PROJ {pyproj.proj_version_str}), geopandas {geopandas.__version__}"
        ),
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }


def markdown(results: list[dict], info: dict[str, str], argv: list[str]) -> str:
    """Return docs/benchmark-areas.md."""
    lines = [
        "# Area engine benchmark",
        "",
        "Synthetic parcel layers over the zone (`zoneplan.synthetic.synthetic_parcels`, seed "
        f"{SEED}), read from GeoParquet; every size runs in a fresh Python process. *areas*: "
        "`zoneplan.areas.measure_features` (per-parcel VN-2000 / TM-3 planar and WGS 84 "
        "ellipsoidal areas) alone. *areas + overlay*: `zoneplan.overlay.functional_pieces` with "
        "the shipped `functional_areas` layer, one pass that measures every parcel both ways and "
        "cuts it by the functional areas, each piece measured both ways (its table carries the "
        "parcel's areas beside each piece's). *total* = read + (areas + overlay): the file read "
        "and both tables made. *peak* is the "
        "largest resident memory of the process (`getrusage` `ru_maxrss`). Target: 1M parcels "
        f"within {TARGET_S:.0f} s and {TARGET_GB:.0f} GB on 2 cores.",
        "",
        "| parcels | read s | areas s | areas + overlay s | total s | peak GB | pieces "
        "| cut parcels | target |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        total = r["read_s"] + r["overlay_s"]
        verdict = ""
        if r["n"] >= 1_000_000:
            ok_time, ok_mem = total <= TARGET_S, r["peak_gb"] <= TARGET_GB
            verdict = (
                "met"
                if ok_time and ok_mem
                else (
                    "**missed**: "
                    + ", ".join(w for w, ok in (("time", ok_time), ("memory", ok_mem)) if not ok)
                )
            )
        lines.append(
            f"| {r['n']:,} | {r['read_s']:.1f} | {r['areas_s']:.1f} | {r['overlay_s']:.1f} "
            f"| {total:.1f} | {r['peak_gb']:.2f} | {r['pieces']:,} | {r['cut_parcels']:,} "
            f"| {verdict} |"
        )
    lines += [
        "",
        "Checked against the per-feature reference on a random sample of parcels of each size "
        "(`geodesic_area_m2` and `shapely.area` one feature at a time; `geopandas.overlay` on "
        "the VN-2000 grid with every piece measured):",
        "",
        "| parcels | sample | areas: max rel. diff. ellipsoidal / VN-2000 | overlay: same pieces "
        "| overlay: max rel. diff. VN-2000 | overlay: max diff. ellipsoidal, abs. "
        "(rel. for pieces over 1 m²) |",
        "|---:|---:|---|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['overlay_sample_pieces']:,} pieces "
            f"| {r['areas_max_rel_ellipsoidal']:.1e} / {r['areas_max_rel_vn2000']:.1e} "
            f"| {'yes' if r['overlay_same_pieces'] else '**no**'} "
            f"| {r['overlay_max_rel_vn2000']:.1e} "
            f"| {r['overlay_max_abs_m2_ellipsoidal']:.1e} m² "
            f"({r['overlay_max_rel_ellipsoidal_over_1m2']:.1e}) |"
        )
    lines += [
        "",
        "The ellipsoidal areas of whole parcels are the reference's to the bit (0 difference). "
        "An overlay piece that is a whole parcel is measured from the parcel's own lon/lat, the "
        "reference's from lon/lat that went to the grid and back (within 2 units in the last "
        "place); `pyproj.Geod` resolves a small polygon's area to about 1e-4 m², which bounds "
        "that difference (tests/test_overlay.py).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores available, {info['memory']} RAM, "
        f"{info['system']}; Python {info['python']}; {info['libraries']}. Load average when "
        f"the run started: {info['load']} (the machine is shared, so times vary by some tens "
        "of percent from run to run).",
        "",
        f"Run on {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} with "
        f"`.venv/bin/python benchmarks/bench_area_engine.py{''.join(' ' + a for a in argv)}`.",
        "",
        "Rerun: `make test` once (it installs the venv), then "
        "`.venv/bin/python benchmarks/bench_area_engine.py` (about 3 minutes; "
        "`--sizes 10000 100000` for a quick run, `--out PATH` to write elsewhere).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmark-areas.md")
    parser.add_argument("--sample", type=int, default=2000, help="parcels checked per size")
    parser.add_argument("--workdir", type=Path, help="folder for the GeoParquet files")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the per-size process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.sample)))
        return 0
    info = machine()
    results = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"parcels_{n}.parquet"
            # generate in a process of its own too, so its memory is not counted
            code = (
                "import sys; sys.path.insert(0, sys.argv[1]); import bench_area_engine as b; "
                "print(b.generate(int(sys.argv[2]), __import__('pathlib').Path(sys.argv[3])))"
            )
            gen = subprocess.run(
                [sys.executable, "-c", code, str(Path(__file__).parent), str(n), str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            print(f"{n:>9,} parcels generated in {float(gen.stdout):.1f} s", file=sys.stderr)
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(path), "--sample", str(args.sample)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(json.dumps(result), file=sys.stderr)
            results.append(result)
    args.out.write_text(markdown(results, info, sys.argv[1:] if argv is None else argv), "utf-8")
    print(f"{args.out}: written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
