"""
Benchmark of `zoneplan diff` on synthetic parcel layers: a script, not a timed test.

For each size (100,000 parcels by default) it writes two versions of a synthetic parcel
layer (`zoneplan.synthetic`, fixed seed) as GeoParquet: the old one in WGS 84, the new
one on the VN-2000 / TM-3 grid, with 1% of the parcels changed: a quarter of those moved
at one corner by 2 m, a quarter with another land use, a quarter removed and a quarter
added. It then times, each in a fresh Python process with its peak resident memory,
`zoneplan.diff.compare_layers` on the two frames already read, and the whole command
(`zoneplan diff OLD NEW --changed-only --out changes.csv`: reading, validating, comparing,
writing), and checks that the counts of added, removed and changed parcels are the ones
made. The table goes to docs/benchmark-diff.md.

    .venv/bin/python benchmarks/bench_diff.py                      # 100,000 parcels
    .venv/bin/python benchmarks/bench_diff.py --sizes 100000 1000000 --out /tmp/b.md
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
CHANGED_SHARE = 0.01


def make_versions(n: int, folder: Path) -> dict[str, int]:
    """Write old.parquet and new.parquet for `n` parcels; return the changes made."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from zoneplan.crs import reproject
    from zoneplan.synthetic import synthetic_parcels

    old = synthetic_parcels(n, seed=SEED)
    rng = np.random.default_rng(SEED)
    picked = rng.choice(n, size=int(n * CHANGED_SHARE), replace=False)
    moved, relabelled, removed, donors = np.array_split(picked, 4)
    new = reproject(old, 9210)  # the new version on the grid: compared across CRSs

    def push_corner(geom: shapely.Geometry) -> shapely.Geometry:
        ring = np.asarray(geom.exterior.coords)
        ring[0] += 2.0  # one corner 2 m north-east (the ring's closing vertex with it)
        ring[-1] = ring[0]
        return shapely.Polygon(ring)

    col = new.geometry.name
    new.loc[new.index[moved], col] = [push_corner(g) for g in new.geometry.iloc[moved]]
    land = new["land_use"].to_numpy(dtype=object)
    land[relabelled] = np.where(land[relabelled] == "industrial", "public", "industrial")
    new["land_use"] = land
    added = new.iloc[donors].copy()
    added["parcel_id"] = [f"N{i:07d}" for i in range(len(donors))]
    added[col] = added.geometry.translate(0, -50_000)  # elsewhere
    keep = np.setdiff1d(np.arange(n), removed)
    new = new.iloc[keep]
    new = gpd.GeoDataFrame(pd.concat([new, added], ignore_index=True), crs=new.crs)
    old.to_parquet(folder / "old.parquet")
    new.to_parquet(folder / "new.parquet")
    return {
        "added": len(donors),
        "removed": len(removed),
        "changed": len(moved) + len(relabelled),
    }


_CHILD = """
import json, resource, sys, time
import geopandas as gpd
from zoneplan.diff import compare_layers
old = gpd.read_parquet(sys.argv[1]); new = gpd.read_parquet(sys.argv[2])
t0, c0 = time.perf_counter(), time.process_time()
d = compare_layers(old, new, key="parcel_id")
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # KiB to GB
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_gb": peak, "counts": d.counts()}))
"""


def time_function(folder: Path) -> dict:
    """`compare_layers` on the frames already read, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder / "old.parquet"), str(folder / "new.parquet")],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_command(folder: Path) -> dict:
    """The whole ``zoneplan diff`` command, in a fresh process; its wall time and peak memory."""
    zoneplan = Path(sys.executable).with_name("zoneplan")
    out = folder / "changes.csv"
    args = [str(zoneplan), "-q", "diff", str(folder / "old.parquet"), str(folder / "new.parquet")]
    args += ["--key", "parcel_id", "--changed-only", "--out", str(out)]
    t0 = time.perf_counter()
    subprocess.run(args, check=True)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss * 1024 / 1e9  # ru_maxrss is in KiB; GB of 10^9 bytes
    rows = sum(1 for _ in out.open(encoding="utf-8-sig")) - 1
    # the CPU time of this command: the children's total minus the earlier child's
    return {
        "seconds": seconds,
        "cpu_total": usage.ru_utime + usage.ru_stime,
        "peak_gb": peak,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmark-diff.md")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            made = make_versions(n, folder)
            load = os.getloadavg()[0]
            fn = time_function(folder)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            cmd = time_command(folder)
            cmd["cpu_s"] = cmd.pop("cpu_total") - before.ru_utime - before.ru_stime
        counts = fn["counts"]
        ok = all(counts[k] == v for k, v in made.items())
        ok = ok and cmd["rows"] == sum(made.values())
        rows.append({"n": n, "made": made, "function": fn, "command": cmd, "ok": ok, "load": load})
        print(json.dumps(rows[-1]))
    write_report(rows, args.out)


def write_report(rows: list[dict], path: Path) -> None:
    """Write the Markdown report."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "# Benchmark: `zoneplan diff`",
        "",
        f"Run {dt.date.today().isoformat()} on {platform.machine()} with {cpus} cores, Python "
        f"{platform.python_version()}, by `benchmarks/bench_diff.py`. Synthetic parcels "
        f"(seed {SEED}); the old version in WGS 84, the new one on the VN-2000 / TM-3 grid, "
        f"{CHANGED_SHARE:.0%} of the parcels changed (a quarter moved at one corner by 2 m, a "
        "quarter with another land use, a quarter removed, a quarter added).",
        "",
        "| parcels | changes made (added / removed / changed) | `compare_layers` wall / CPU | "
        "peak | `zoneplan diff ... --out changes.csv` wall / CPU | peak | counts right | "
        "load average |",
        "|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        m = r["made"]
        lines.append(
            f"| {r['n']:,} | {m['added']:,} / {m['removed']:,} / {m['changed']:,} | "
            f"{r['function']['seconds']:.1f} / {r['function']['cpu_s']:.1f} s | "
            f"{r['function']['peak_gb']:.2f} GB | "
            f"{r['command']['seconds']:.1f} / {r['command']['cpu_s']:.1f} s | "
            f"{r['command']['peak_gb']:.2f} GB | {'yes' if r['ok'] else 'NO'} | {r['load']:.1f} |"
        )
    lines += [
        "",
        "`compare_layers` is timed on the two frames already read; the command adds reading and "
        "validating both files and writing the table of the changed parcels. The load average "
        "is the machine's (other work running beside the benchmark) when the size started: "
        "on a loaded machine the wall time grows, the CPU time much less.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
