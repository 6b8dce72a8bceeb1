"""
Benchmark of the map at 10^4-10^6 parcels: zoneplan against lonboard and ``explore()``.

Not a test: a script that measures, prints its progress to stderr and writes a
Markdown report (``docs/benchmark-map.md`` by default). Rerun it with::

    .venv/bin/python benchmarks/bench_map.py
    .venv/bin/python benchmarks/bench_map.py --sizes 10000 --keep   # a quick look

``explore()`` needs ``mapclassify`` and lonboard is lonboard (``pip install -e
'.[bench]'`` installs both with Playwright; without lonboard installed, or with
``--tools zoneplan,explore``, its column is left out), and the pages need
Debian's Chromium (``/usr/bin/chromium`` or ``--chromium``).

Method, the same for both tools
-------------------------------
Two kinds of layer, each at every size: the mesh of
``zoneplan.synthetic.synthetic_parcels(n, seed=...)`` (neighbours share their
edges, as in a cadastre) and ``synthetic_rectangles(n, seed=...)``
(independent rectangles at random, no shared edges); each written once to a
GeoPackage in the work folder. Then:

Build
    ``zoneplan build --layer FILE --self-contained --out zp.html`` (the real
    command line) and a Python process that reads the same file with geopandas,
    calls ``gdf.explore()`` with its defaults (tooltips on) and saves the map.
    A third reads it with geopandas and writes lonboard's standalone page,
    ``lonboard.viz(gdf).to_html(out)``, with its defaults. All run as
    subprocesses, timed by wall clock including reading the file, with their
    peak resident memory (``ru_maxrss`` from ``wait4``), ``--build-repeat``
    times each (3 by default; the median time and the largest peak are
    reported, every time is kept in the JSON); ``explore()`` and
    lonboard get a time limit (``--explore-timeout``) and a memory limit
    (``--explore-memory-gb``) and are reported as not finished when they exceed
    them. The HTML size is the written file's size; sizes and peak memory are
    in MB of 10^6 bytes (``ru_maxrss`` is in KiB).
Page
    Each HTML opens in a fresh headless Chromium (1280x800, a fresh browser and
    context per page) with no network: no host name resolves
    (``--host-resolver-rules``), so requests fail in the browser as they do
    offline. ``file:`` and ``data:`` go through; Leaflet's CDN files (folium asks for 1.9.3) are
    answered from the installed django-js-lib-leaflet package, which ships
    Leaflet 1.9.4 -- the version zoneplan inlines; folium's other CDN files
    (jQuery, Bootstrap, Font Awesome, Leaflet.awesome-markers) from a local npm
    install at their exact versions (``--web-assets``, made with ``npm install``
    on first use); anything else, basemap tiles included, is aborted and listed
    in the report. lonboard's page asks jsDelivr and cdnjs for require.js,
    @jupyter-widgets/html-manager, anywidget, parquet-wasm (the version its
    bundle names) and @geoarrow/geoarrow-js: each is answered from that npm
    package (``npm pack`` of the version the URL's range resolves to, unpacked
    without its dependencies); a version npm does not have is aborted, and the
    page's failure reported. Two things differ for lonboard, both stated in
    the report: require.js's ``integrity`` attribute names cdnjs's own minified
    copy, which no package holds, so the page opened is a copy without that
    one attribute (npm's requirejs of the same release is served); and its
    page starts Web Workers from ``blob:`` URLs, which fail from a ``file:``
    page, so it is served at ``http://lonboard.localhost/`` by the script
    itself (no socket; Playwright answers the request).
First paint with all features drawn (ms since navigation start)
    zoneplan: ``window.zoneplan.timings.drawn`` is the moment every tile in view
    is drawn (by the big layer's worker, as soon as it has decoded the geometry)
    and two animation frames followed; the page then has its own copy of the
    geometry (``timings.decoded``, reported too) and sets
    ``body[data-zoneplan-ready]``. explore: Leaflet's SVG renderer adds every path while the
    page's script runs, before the load event; lonboard: every WebGL draw call
    is counted (a script injected before the page wraps them), and first paint
    is the second animation frame after the last draw call that is followed by
    ``LONBOARD_QUIET_S`` seconds without any (its layers appear batch by batch
    as they are triangulated in workers). explore: a script injected before the
    page schedules an animation frame at the load event and a second one from
    it, and the second callback's ``performance.now()`` is the first paint: it
    runs after the frame that laid out and painted every path, which is what
    zoneplan's ``drawn`` waits for too (the first callback's time is in the
    report's details). Each map is opened ``--repeat`` times (3 by default),
    each time in a fresh browser, and the median is reported; so are the
    redraw steps below, taken on every opening (their medians are over all
    openings); heap, hover and geometry are measured on the last opening.
Redraw (median ms)
    From the fitted view (centre c, zoom z): zoom in at c to z+1, z+2, z+3
    (each view new), then back out level by level to z (each view seen before:
    zoneplan keeps the pixels of recent tiles, so this is its cached case,
    reported apart); then at z+1, eight pans of 300 px (east, east, south, south, west
    x4), so each one shows mostly new ground; then three zooms in around a point
    a quarter of the view off its centre (as a mouse wheel there does: south-east,
    north-west, north-east; each view new and off the centre a viewer may have
    drawn ahead), reported apart. Each
    step is timed inside the page from the call to the moment it is painted:
    zoneplan ``map.setView(c, z, {animate: false})`` / ``map.panBy([dx, dy],
    {animate: false})`` then ``await viewer.whenDrawn()`` (two animation
    frames); explore the same calls on the page's ``L.Map`` then two animation
    frames; lonboard ``jumpTo`` / ``panBy(..., {animate: false})`` on its
    MapLibre map (found through React's fibres; deck.gl draws over it), then
    the second animation frame after its next WebGL draw.
Hover (ms)
    At zoom 18 over a sampled parcel: the time from Playwright's real mouse
    move onto it to a tooltip naming that parcel being in the page (measured
    from Python, so it includes a few ms of protocol round trip). lonboard has
    no hover tooltip: a click shows the attributes; the time from the click to
    the parcel's id in the page is reported instead.
JavaScript heap (MB)
    After first paint and one second of quiet, through the DevTools protocol:
    ``HeapProfiler.collectGarbage`` then ``Runtime.getHeapUsage``. The table's
    figure is V8's used heap plus the embedder (DOM) heap plus array-buffer
    backing stores -- zoneplan keeps its geometry in typed arrays and explore
    its paths in the DOM, so V8's used heap alone would flatter both; the
    parts are in the details.
Geometry at full zoom
    For 50 random parcels (seeded), the rings the page holds -- for zoneplan's
    big layer ``viewer.bigLatLngs(entry, f)``, what its tiles and highlights
    draw at every zoom; for GeoJSON layers (zoneplan below the big-layer
    threshold, explore) the Leaflet layer's lat/lngs -- against the source
    vertices: the largest distance (pyproj Geod, WGS 84) between a drawn vertex
    and the nearest source vertex of the same parcel, and back (a discrete
    Hausdorff distance), in metres. Parcels are matched by ``parcel_id``.

The machine may be shared: before each build and each page the script waits
(up to ``--quiet-wait`` seconds) for the CPUs to be 85 % idle, and it records
the share of the CPUs that other processes (not this script, its builds or its
browsers, counted from /proc) used during each measurement, so a disturbed
number can be recognised and the run repeated. The report names the zoneplan
commit measured (and whether its src/ had local changes); to measure a clean
commit while the work tree has changes, check it out elsewhere and put its src/
first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import mimetypes
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote

import numpy as np

from zoneplan.render import chromium

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SEED = 20241211
GEOMETRY_SAMPLE = 50
CHROMIUM_ARGS = [
    *chromium.CHROMIUM_ARGS,  # the browser tests' flags
    # no host name resolves: a request nobody answers fails in the browser's own network
    # stack, as offline, without a round trip through this script
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
VIEWPORT = {"width": 1280, "height": 800}
ZOOM_LEVELS = 3
HOVER_ZOOM = 18
#: A page slower than this to first paint is opened twice, not --repeat times.
SLOW_PAINT_MS = 60_000
#: Share of the CPUs used by other processes above which a measurement may be disturbed.
DISTURBED = 0.10
PANS = [(300, 0), (300, 0), (0, 300), (0, 300), (-300, 0), (-300, 0), (-300, 0), (-300, 0)]
#: Points (fractions of the view's width and height) the off-centre zooms in are around.
ZOOMS_AROUND = [(0.75, 0.75), (0.25, 0.25), (0.75, 0.25)]
#: folium's CDN files that can be answered from npm packages, exact versions.
NPM_PACKAGES = {
    "jquery": "3.7.1",
    "bootstrap": "5.2.2",
    "@fortawesome/fontawesome-free": "6.2.0",
    "drmonty-leaflet-awesome-markers": "2.0.2",
}
TILE_URL = re.compile(
    r"^https?://([a-z0-9-]+\.)*(openstreetmap\.org|arcgisonline\.com|basemaps\.cartocdn\.com"
    r"|opentopomap\.org|stadiamaps\.com)/"
)
#: The kinds of parcel layer: (generator in zoneplan.synthetic, description).
KINDS = {
    "mesh": ("synthetic_parcels", "jittered quadrilateral mesh, shared edges"),
    "random": ("synthetic_rectangles", "independent rectangles at random, no shared edges"),
}
TOOLS = ("zoneplan", "lonboard", "explore")
LABEL = {"zoneplan": "zoneplan", "lonboard": "lonboard", "explore": "explore()"}
#: lonboard's CDN files, from npm at these versions (each fits the range the page asks for);
#: parquet-wasm's version is read from the installed lonboard's bundle.
LONBOARD_NPM = {
    "requirejs": "2.3.4",
    "@jupyter-widgets/html-manager": "1.0.15",
    "anywidget": "0.9.21",
    "@geoarrow/geoarrow-js": "0.3.0",
}
REQUIRE_CDN = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/([^/]+)/require")
LONBOARD_ORIGIN = "http://lonboard.localhost/"
#: lonboard's first paint: the last draw call followed by this many seconds without any.
LONBOARD_QUIET_S = 8.0
JSDELIVR_NPM = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/]+/)?[^@/]+)@([^/]+)/(.+)$")
LEAFLET_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/leaflet@[^/]+/dist/(.+)$")
AWESOME_CDN = re.compile(
    r"^https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/(.+)$"
)
JQUERY_CDN = re.compile(r"^https://code\.jquery\.com/jquery-3\.7\.1\.min\.js$")
#: The hosts of the CDN files answered locally: only their requests are routed.
CDN_HOSTS = re.compile(
    r"^(https://(cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|code\.jquery\.com)|"
    r"http://lonboard\.localhost)/"
)

EXPLORE_SCRIPT = """
import sys
import geopandas as gpd
gdf = gpd.read_file(sys.argv[1])
m = gdf.explore()
m.save(sys.argv[2])
"""

LONBOARD_SCRIPT = """
import sys
import geopandas as gpd
import lonboard
gdf = gpd.read_file(sys.argv[1])
m = lonboard.viz(gdf)
m.to_html(sys.argv[2])
"""

# lonboard: every WebGL draw call counted, and the frames in which the count grew.
LONBOARD_INIT = """
window.__lb = { draws: 0, last: 0, frames: [] };
for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
  if (!C) continue;
  for (const m of ["drawArrays", "drawElements", "drawArraysInstanced",
                   "drawElementsInstanced", "drawRangeElements"]) {
    const f = C.prototype[m];
    if (!f) continue;
    C.prototype[m] = function (...a) {
      window.__lb.draws++;
      window.__lb.last = performance.now();
      return f.apply(this, a);
    };
  }
}
(function tick() {
  requestAnimationFrame(() => {
    const lb = window.__lb;
    if (lb.draws !== lb.seen) { lb.frames.push([performance.now(), lb.draws]); lb.seen = lb.draws; }
    tick();
  });
})();
"""

# lonboard's MapLibre map, found through React's fibres (deck.gl is overlaid on it).
LONBOARD_FIND_MAP = """
() => {
  const seen = new Set();
  for (const el of document.querySelectorAll("*")) {
    const key = Object.keys(el).find(k => k.startsWith("__reactFiber"));
    if (!key) continue;
    for (let f = el[key]; f; f = f.return) {
      let h = f.memoizedState, guard = 0;
      for (; h && guard < 64; h = h.next, guard++) {
        for (const c of [h.memoizedState, h.memoizedState && h.memoizedState.current]) {
          if (!c || typeof c !== "object" || seen.has(c)) continue;
          seen.add(c);
          if (typeof c.jumpTo === "function") { window.__lbMap = c; return true; }
          if (typeof c.getMap === "function" && c.getMap()) {
            window.__lbMap = c.getMap(); return true;
          }
        }
      }
    }
  }
  return false;
}
"""

# The same page helpers for lonboard: its map and "painted" (the frame after its next draw).
LONBOARD_HELPERS = """
window.__benchMap = () => window.__lbMap;
window.__benchLbDrawn = (d0) => new Promise(resolve => {
  const wait = () => window.__lb.draws > d0
    ? requestAnimationFrame(() => requestAnimationFrame(resolve))
    : requestAnimationFrame(wait);
  wait();
});
window.__benchStep = async (step) => {
  const map = window.__lbMap;
  const d0 = window.__lb.draws;
  const t0 = performance.now();
  if (step.pan) map.panBy(step.pan, { animate: false });
  else if (step.around) {
    const c = map.getContainer();
    const at = map.unproject([c.clientWidth * step.around[0], c.clientHeight * step.around[1]]);
    map.zoomTo(map.getZoom() + 1, { around: at, duration: 0 });
  } else map.jumpTo({ center: [step.center[1], step.center[0]], zoom: step.zoom });
  await window.__benchLbDrawn(d0);
  return performance.now() - t0;
};
true;
"""

# Recorded before any page script runs: the load event and the next two animation frames.
INIT_SCRIPT = """
window.__bench = {};
addEventListener("load", () => {
  window.__bench.load = performance.now();
  requestAnimationFrame(() => {
    window.__bench.raf1 = performance.now();
    requestAnimationFrame(() => { window.__bench.raf2 = performance.now(); });
  });
});
"""

# Page-side helpers: the map, "painted" per tool, and one timed step.
PAGE_HELPERS = """
window.__benchMap = () => window.zoneplan && window.zoneplan.viewer
  ? window.zoneplan.viewer.map
  : Object.values(window).find(x => x instanceof L.Map);
window.__benchPainted = () => window.zoneplan && window.zoneplan.viewer
  ? window.zoneplan.viewer.whenDrawn()
  : new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
window.__benchStep = async (step) => {
  const map = window.__benchMap();
  const t0 = performance.now();
  if (step.pan) map.panBy(step.pan, { animate: false });
  else if (step.around) {
    const size = map.getSize();
    const at = L.point(size.x * step.around[0], size.y * step.around[1]);
    map.setZoomAround(at, map.getZoom() + 1, { animate: false });
  } else map.setView(step.center, step.zoom, { animate: false });
  await window.__benchPainted();
  return performance.now() - t0;
};
true;  // a final function value would be called by Playwright's evaluate
"""

# The rings the page holds for some parcels, by parcel_id: [[lon, lat], ...] per ring.
GEOMETRY_JS = """
(args) => {
  const [ids, indices] = args;
  const flat = (ll, out) => {
    if (Array.isArray(ll) && ll.length && !Array.isArray(ll[0]) && ll[0].lat !== undefined) {
      out.push(ll.map(p => [p.lng, p.lat]));
    } else if (Array.isArray(ll)) {
      ll.forEach(x => flat(x, out));
    }
    return out;
  };
  const found = {};
  const want = new Set(ids);
  const v = window.zoneplan && window.zoneplan.viewer;
  if (v) {
    const big = v.layers.find(e => e.big);
    if (big) {
      indices.forEach(f => {
        const pid = v.bigItem(big, f).feature.properties.parcel_id;
        found[pid] = v.bigLatLngs(big, f).map(r => r.latlngs.map(p => [p.lng, p.lat]));
      });
      return { path: "big layer: viewer.bigLatLngs", found };
    }
    v.layers.forEach(e => e.items.forEach(it => {
      const pid = it.feature.properties && it.feature.properties.parcel_id;
      if (want.has(pid)) found[pid] = flat(it.layer.getLatLngs(), []);
    }));
    return { path: "GeoJSON layer: Leaflet getLatLngs", found };
  }
  const map = window.__benchMap();
  map.eachLayer(layer => {
    const pid = layer.feature && layer.feature.properties && layer.feature.properties.parcel_id;
    if (layer.getLatLngs && want.has(pid)) found[pid] = flat(layer.getLatLngs(), []);
  });
  return { path: "GeoJSON layer: Leaflet getLatLngs", found };
}
"""


def log(message: str) -> None:
    """Print one progress line to stderr."""
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------


@dataclass
class Build:
    """One build: its wall-clock time and output, or why there is none."""

    seconds: float | None = None
    html: Path | None = None
    mb: float | None = None
    failure: str | None = None
    idle: float | None = None
    others: float | None = None
    peak_mb: float | None = None
    runs_s: list[float] = field(default_factory=list)


def _combine_builds(runs: list[Build]) -> Build:
    """
    Several builds of one map as one: the median time (``runs_s`` lists them all), the
    largest peak memory and disturbance, the last output; the first failure if any failed.
    """
    failed = next((b for b in runs if b.failure), None)
    if failed is not None:
        return failed
    last = runs[-1]
    times = [b.seconds for b in runs if b.seconds is not None]
    peaks = [b.peak_mb for b in runs if b.peak_mb is not None]
    others = [b.others for b in runs if b.others is not None]
    idles = [b.idle for b in runs if b.idle is not None]
    return Build(
        seconds=float(np.median(times)) if times else None,
        html=last.html,
        mb=last.mb,
        idle=min(idles) if idles else None,
        others=max(others) if others else None,
        peak_mb=max(peaks) if peaks else None,
        runs_s=times,
    )


@dataclass
class PageResult:
    """What one page measured, or why it could not."""

    first_paint_ms: float | None = None
    paints_ms: list[float] = field(default_factory=list)
    decoded_ms: float | None = None
    load_ms: float | None = None
    raf1_ms: float | None = None
    zoom_ms: list[float] = field(default_factory=list)
    zoom_back_ms: list[float] = field(default_factory=list)
    pan_ms: list[float] = field(default_factory=list)
    zoom_off_ms: list[float] = field(default_factory=list)
    heap: dict[str, float] = field(default_factory=dict)
    geometry_m: float | None = None
    hover_ms: float | None = None
    hover_note: str = ""
    geometry_matched: int = 0
    geometry_vertices_equal: bool | None = None
    geometry_path: str = ""
    start_view: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    tiles_aborted: int = 0
    draw_frames: list[tuple[int, int]] = field(default_factory=list)
    note: str = ""
    failure: str | None = None
    idle: float | None = None
    others: float | None = None

    @property
    def errors(self) -> list[str]:
        """Page errors and console errors other than the refused requests."""
        console = [e for e in self.console_errors if "Failed to load resource" not in e]
        return self.page_errors + console

    @property
    def zoom_median(self) -> float | None:
        """Median ms of the zoom changes."""
        return statistics.median(self.zoom_ms) if self.zoom_ms else None

    @property
    def zoom_back_median(self) -> float | None:
        """Median ms of the zoom changes back to views seen before."""
        return statistics.median(self.zoom_back_ms) if self.zoom_back_ms else None

    @property
    def pan_median(self) -> float | None:
        """Median ms of the pans."""
        return statistics.median(self.pan_ms) if self.pan_ms else None

    @property
    def zoom_off_median(self) -> float | None:
        """Median ms of the zooms in around a point off the view's centre."""
        return statistics.median(self.zoom_off_ms) if self.zoom_off_ms else None

    @property
    def slowest_ms(self) -> float | None:
        """The slowest redraw step (zoom in, zoom back out, pan, zoom in off centre)."""
        steps = self.zoom_ms + self.zoom_back_ms + self.pan_ms + self.zoom_off_ms
        return max(steps) if steps else None

    @property
    def heap_mb(self) -> float | None:
        """V8 used heap + embedder (DOM) heap + array-buffer backing stores, MB."""
        if not self.heap:
            return None
        keys = ("usedSize", "embedderHeapUsedSize", "backingStorageSize")
        return sum(self.heap.get(k, 0.0) for k in keys)


@dataclass
class SizeResult:
    """Every tool at one size of one kind of layer."""

    kind: str
    n: int
    vertices: int
    parcels_file: Path
    generate_s: float
    reused: bool
    builds: dict[str, Build]
    pages: dict[str, PageResult | None]
    notes: dict[str, str] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    #: tools whose figures come from an earlier run (--merge), and that run's load averages
    merged: list[str] = field(default_factory=list)
    earlier_load: tuple = ()
    #: only the builds were measured (--builds-only); tools whose page figures are still to
    #: come from an earlier run, and those whose page figures came so (the report says which)
    builds_only: bool = False
    pages_pending: list[str] = field(default_factory=list)
    pages_merged: list[str] = field(default_factory=list)

    def page(self, tool: str) -> PageResult | None:
        """The tool's page result if it painted, else None."""
        page = self.pages.get(tool)
        return page if page is not None and page.failure is None else None

    def why(self, tool: str) -> str:
        """Why a tool has no figures here, or ''."""
        build = self.builds.get(tool)
        page = self.pages.get(tool)
        return (
            self.notes.get(tool)
            or (build.failure if build else "")
            or (page.failure if page else "")
            or ""
        )


def results_to_json(results: list[SizeResult], requests: dict[str, set[str]], meta: dict) -> str:
    """The results of a run as JSON (`--json`), for a later run to merge (`--merge`)."""

    def plain(x):
        if isinstance(x, Path):
            return str(x)
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [plain(v) for v in x]
        return x

    rows = [
        {
            **{k: plain(v) for k, v in vars(r).items() if k not in ("builds", "pages")},
            "builds": {t: plain(dataclasses.asdict(b)) for t, b in r.builds.items()},
            "pages": {
                t: plain(dataclasses.asdict(p)) if p is not None else None
                for t, p in r.pages.items()
            },
        }
        for r in results
    ]
    return json.dumps(
        {"meta": meta, "requests": {k: sorted(v) for k, v in requests.items()}, "results": rows},
        indent=1,
    )


def results_from_json(text: str) -> tuple[list[SizeResult], dict[str, list[str]], dict]:
    """Read what `results_to_json` wrote."""
    data = json.loads(text)
    out = []
    for row in data["results"]:
        builds = {}
        for t, b in row["builds"].items():
            b["html"] = Path(b["html"]) if b.get("html") else None
            builds[t] = Build(**b)
        pages = {t: PageResult(**p) if p is not None else None for t, p in row["pages"].items()}
        for p in pages.values():
            if p is not None:
                p.draw_frames = [tuple(f) for f in p.draw_frames]
        rest = {k: v for k, v in row.items() if k not in ("builds", "pages")}
        rest["parcels_file"] = Path(rest["parcels_file"])
        for k in ("load_before", "load_after"):
            rest[k] = tuple(rest[k])
        out.append(SizeResult(**rest, builds=builds, pages=pages))
    return out, data["requests"], data["meta"]


def merge_results(result: SizeResult, earlier: list[SizeResult], tools: list[str]) -> SizeResult:
    """Add the tools this run did not measure from an earlier run's result of the same size."""
    for old in earlier:
        if (old.kind, old.n) != (result.kind, result.n):
            continue
        for tool in TOOLS:
            if tool in result.pages_pending and old.pages.get(tool) is not None:
                # its build was timed in a run of builds only: its page from the earlier run
                result.pages[tool] = old.pages[tool]
                result.pages_pending.remove(tool)
                result.pages_merged.append(tool)
                continue
            if tool in tools or tool not in old.builds:
                continue
            result.builds[tool] = old.builds[tool]
            result.pages[tool] = old.pages.get(tool)
            if old.builds_only and tool in old.pages_pending:
                result.pages_pending.append(tool)
            if tool in old.notes:
                result.notes[tool] = old.notes[tool]
            result.merged.append(tool)
        result.earlier_load = (old.load_before, old.load_after)
    return result


def cpu_idle(seconds: float = 2.0) -> float:
    """Fraction of the machine's CPU time that was idle over the next `seconds`."""

    def read() -> tuple[int, int]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return values[3] + values[4], sum(values)

    idle0, total0 = read()
    time.sleep(seconds)
    idle1, total1 = read()
    return (idle1 - idle0) / max(1, total1 - total0)


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine, in clock ticks."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    total = sum(values[:8])  # guest time is already counted in user time
    return total - values[3] - values[4], total


def _my_jiffies() -> int:
    """CPU time of this process and all its descendants (reaped children included)."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        ticks[pid] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [os.getpid()]
    while stack:
        pid = stack.pop()
        total += ticks.get(pid, 0)
        stack += children.get(pid, [])
    return total


class OthersMeter:
    """Share of the machine's CPU used by other processes between `start` and `stop`."""

    def start(self) -> None:
        """Take the first reading."""
        self.busy, self.total = _machine_jiffies()
        self.mine = _my_jiffies()

    def stop(self) -> float:
        """Return the others' share of all CPUs since `start` (0 to 1)."""
        busy, total = _machine_jiffies()
        mine = _my_jiffies()
        others = (busy - self.busy) - (mine - self.mine)
        return max(0.0, others / max(1, total - self.total))


def wait_for_quiet(max_wait: float, threshold: float = 0.85) -> float:
    """Wait until the CPUs are mostly idle (others share the machine); return the idle share."""
    deadline = time.monotonic() + max_wait
    idle = cpu_idle()
    if idle < threshold:
        log(f"  the machine is busy ({idle:.0%} idle); waiting up to {max_wait:.0f} s")
    while idle < threshold and time.monotonic() < deadline:
        idle = cpu_idle(5.0)
    if idle < threshold:
        log(f"  still busy ({idle:.0%} idle); measuring anyway")
    return idle


# --------------------------------------------------------------------------------------
# data and builds
# --------------------------------------------------------------------------------------


def parcels_file(workdir: Path, kind: str, n: int, seed: int, *, cadastral: bool = False):
    """Generate the parcels (or reuse the file of an earlier run): file, frame, seconds, reused."""
    import geopandas as gpd

    from zoneplan import synthetic

    suffix = "-cadastral" if cadastral else ""
    path = workdir / f"parcels-{kind}-{n}-seed{seed}{suffix}.gpkg"
    t0 = time.perf_counter()
    reused = path.exists()
    if reused:
        log(f"{kind} {n:,}: reusing {path}")
        gdf = gpd.read_file(path)
    else:
        log(f"{kind} {n:,}: generating parcels (seed {seed})")
        gdf = getattr(synthetic, KINDS[kind][0])(n, seed=seed, cadastral=cadastral)
        tmp = path.with_suffix(".tmp.gpkg")
        gdf.to_file(tmp, driver="GPKG", layer="parcels", engine="pyogrio")
        tmp.replace(path)
    return path, gdf, time.perf_counter() - t0, reused


def _limit_memory(gb: float):
    """A preexec function that caps the child's address space."""

    def apply() -> None:
        limit = int(gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


#: Runs a command as its child and writes the child's peak resident memory (kB) to a file.
#: A child forked from this script would count this script's own memory in its peak (the
#: high-water mark survives exec); forked from this small wrapper, it counts only its own.
PEAK_WRAPPER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)  # killed by a signal: 128 + its number, as a shell
"""


def timed_build(
    cmd: list[str], out: Path, *, timeout: float | None, memory_gb: float | None = None
) -> Build:
    """
    Run a build command, timed by wall clock, with its peak resident memory (``wait4`` in
    `PEAK_WRAPPER`); report how it failed if it did.
    """
    out.unlink(missing_ok=True)
    meter = OthersMeter()
    meter.start()
    with (
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
        tempfile.NamedTemporaryFile("r") as rss,
    ):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", PEAK_WRAPPER, rss.name, *cmd],
            stdout=stdout,
            stderr=stderr,
            cwd=REPO,
            preexec_fn=_limit_memory(memory_gb) if memory_gb else None,
            start_new_session=True,  # the wrapper and the build: one group to stop
        )
        status = 0
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - t0 > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                return Build(failure=f"did not finish in {timeout:.0f} s", others=meter.stop())
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        others = meter.stop()
        stderr.seek(0)
        stdout.seek(0)
        err = stderr.read().decode(errors="replace")
        text = err or stdout.read().decode(errors="replace")
        try:  # ru_maxrss is in KiB on Linux; MB here are 10^6 bytes, as for the HTML
            peak_mb = int(Path(rss.name).read_text()) * 1024 / 1e6
        except ValueError:
            peak_mb = None
    if proc.returncode != 0 or not out.exists():
        tail = text.strip().splitlines()[-1:] or [""]
        if "MemoryError" in err or proc.returncode in (-9, 137):
            return Build(failure=f"ran out of memory (limit {memory_gb} GB) after {seconds:.0f} s")
        return Build(failure=f"failed after {seconds:.0f} s (exit {proc.returncode}): {tail[0]}")
    return Build(
        seconds=seconds, html=out, mb=out.stat().st_size / 1e6, others=others, peak_mb=peak_mb
    )


# --------------------------------------------------------------------------------------
# the browser
# --------------------------------------------------------------------------------------


def _content_type(name: str) -> str:
    if name.endswith(".wasm"):
        return "application/wasm"
    kind, _ = mimetypes.guess_type(name)
    if name.endswith((".woff2", ".woff", ".ttf")):
        return "font/" + name.rsplit(".", 1)[1]
    return kind or "application/octet-stream"


def _version_fits(installed: str, spec: str) -> bool:
    """Tell whether an npm version fits a jsDelivr version or range (exact, ^, ~, x/*)."""
    spec = spec.strip()
    try:
        have = [int(x) for x in installed.split("-", 1)[0].split(".")]
    except ValueError:
        return False
    if spec.startswith(("^", "~")):
        want = spec[1:].split(".")
        fixed = [int(x) for x in want if x.isdigit()]
        if spec[0] == "^":  # same left-most non-zero part, at least the version named
            lead = next((i for i, x in enumerate(fixed) if x), len(fixed) - 1)
            keep = lead + 1
        else:  # same major.minor (or major when only it is named)
            keep = min(2, len(fixed))
        return have[:keep] == fixed[:keep] and have[: len(fixed)] >= fixed
    parts = spec.split(".")
    return all(
        p in ("x", "*") or (p.isdigit() and int(p) == h) for p, h in zip(parts, have, strict=False)
    )


class LocalAssets:
    """Answers for the CDN files a page asks for, from installed packages only."""

    def __init__(self, web_assets: Path | None, lonboard_page: bytes | None = None) -> None:
        self.node_modules = web_assets / "node_modules" if web_assets else None
        self.lonboard_page = lonboard_page

    def _npm(self, package: str, version: str, path: str) -> bytes | None:
        if self.node_modules is None:
            return None
        root = self.node_modules / package
        try:
            installed = json.loads((root / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return None
        target = (root / path).resolve()
        if (
            not _version_fits(installed, version)
            or not target.is_relative_to(root.resolve())
            or not target.is_file()
        ):
            return None
        return target.read_bytes()

    def _installed(self, package: str) -> str:
        try:
            path = self.node_modules / package / "package.json"  # type: ignore[operator]
            return str(json.loads(path.read_text())["version"])
        except (OSError, TypeError, ValueError, KeyError):
            return "?"

    def answer(self, url: str) -> tuple[bytes, str, str] | None:
        """Return (body, content type, source) for a CDN URL, or None to abort it."""
        url = unquote(url.split("?", 1)[0].split("#", 1)[0])
        if url.startswith(LONBOARD_ORIGIN):
            if self.lonboard_page is None or url != LONBOARD_ORIGIN + "map.html":
                return None
            return self.lonboard_page, "text/html", "lonboard's to_html() file (see above)"
        m = REQUIRE_CDN.match(url)
        if m:
            body = self._npm("requirejs", m.group(1), "require.js")
            source = f"npm requirejs@{m.group(1)} (require.js)"
            return (body, "application/javascript", source) if body else None
        m = LEAFLET_CDN.match(url)
        if m:
            from zoneplan.render import assets

            try:
                body = assets._package_file(m.group(1))
            except assets.AssetError:
                return None
            return body, _content_type(m.group(1)), "django-js-lib-leaflet (Leaflet 1.9.4)"
        m = JSDELIVR_NPM.match(url)
        if m:
            body = self._npm(m.group(1), m.group(2), m.group(3))
            if body is not None:
                got = self._installed(m.group(1))
                return body, _content_type(m.group(3)), f"npm {m.group(1)}@{got}"
            return None
        if JQUERY_CDN.match(url):
            body = self._npm("jquery", "3.7.1", "dist/jquery.min.js")
            return (body, "application/javascript", "npm jquery@3.7.1") if body else None
        m = AWESOME_CDN.match(url)
        if m:
            sub = m.group(1)
            path = ("js/" if sub.endswith(".js") else "css/") + sub
            body = self._npm("drmonty-leaflet-awesome-markers", "2.0.2", path)
            if body is not None:
                return body, _content_type(sub), "npm drmonty-leaflet-awesome-markers@2.0.2"
        return None


def ensure_web_assets(folder: Path) -> Path | None:
    """Install folium's CDN files from npm into `folder` once; None if npm is not there."""
    modules = folder / "node_modules"
    if all((modules / name / "package.json").exists() for name in NPM_PACKAGES):
        return folder
    npm = shutil.which("npm")
    if npm is None:
        log("npm not found: folium's jQuery/Bootstrap/Font Awesome requests will be aborted")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text('{"private": true}\n')
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    log(f"installing {', '.join(specs)} into {folder} with npm")
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", *specs],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        log(f"npm install failed; those requests will be aborted: {proc.stderr.strip()[-300:]}")
        return None
    return folder


def lonboard_packages() -> dict[str, str]:
    """lonboard's CDN packages with the versions to serve; {} when lonboard is not installed."""
    try:
        import lonboard
    except ImportError:
        return {}
    packages = dict(LONBOARD_NPM)
    bundle = (Path(lonboard.__file__).parent / "static" / "index.js").read_text(errors="replace")
    m = re.search(r'"([0-9][^"]*)",\w+=`https://cdn\.jsdelivr\.net/npm/parquet-wasm@', bundle)
    if m:
        packages["parquet-wasm"] = m.group(1)
    return packages


def ensure_lonboard_assets(folder: Path, packages: dict[str, str]) -> list[str]:
    """
    Unpack lonboard's CDN packages into `folder`/node_modules with ``npm pack`` (no
    dependencies: each file asked for is a bundle); return what could not be had.
    """
    missing = []
    npm = shutil.which("npm")
    modules = folder / "node_modules"
    for name, version in packages.items():
        root = modules / name
        try:
            if json.loads((root / "package.json").read_text())["version"] == version:
                continue
        except (OSError, ValueError, KeyError):
            pass
        if npm is None:
            missing.append(f"{name}@{version} (npm not found)")
            continue
        log(f"npm pack {name}@{version} into {modules}")
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [npm, "pack", "--silent", f"{name}@{version}"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if proc.returncode != 0 or not tarballs:
                why = (proc.stderr.strip().splitlines() or ["npm pack failed"])[-1][:160]
                missing.append(f"{name}@{version} ({why})")
                continue
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            subprocess.run(
                ["tar", "-xzf", str(tarballs[0]), "-C", str(root), "--strip-components=1"],
                check=True,
            )
    return missing


def lonboard_page(html: Path) -> bytes:
    """lonboard's page as opened: require.js's integrity attribute removed (see above)."""
    text = html.read_bytes()
    return re.sub(
        rb'(<script src="https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^"]+")'
        rb' integrity="[^"]*"',
        rb"\1",
        text,
        count=1,
    )


def _settle(page, seconds: float = 1.0) -> None:
    page.wait_for_timeout(seconds * 1000)


def measure_page(
    pw,
    chromium: str,
    html: Path,
    *,
    tool: str,
    local: LocalAssets,
    source,
    sample: np.ndarray,
    timeout_s: float,
    screenshot: Path | None,
    full: bool = True,
    meter: OthersMeter | None = None,
) -> PageResult:
    """
    Open one map in a fresh headless Chromium and measure it.

    Only its first paint unless `full`; a failure is reported in the result, not raised.
    """
    result = PageResult()
    browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
    try:
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        context.add_init_script(INIT_SCRIPT)
        if tool == "lonboard":
            context.add_init_script(LONBOARD_INIT)

        def route(r) -> None:
            url = r.request.url
            answer = local.answer(url)
            if answer is None:  # listed by failed()
                r.abort("blockedbyclient")
                return
            body, kind, source_name = answer
            result.served.append(f"{url} <- {source_name}")
            headers = {"access-control-allow-origin": "*"}
            r.fulfill(status=200, body=body, content_type=kind, headers=headers)

        def failed(request) -> None:
            url = request.url
            if url.startswith(("file://", "data:")):
                return
            if TILE_URL.match(url):
                result.tiles_aborted += 1
            else:
                result.aborted.append(url)

        # only the CDN files answered locally are routed here; every other request fails
        # at name resolution (CHROMIUM_ARGS)
        context.route(CDN_HOSTS, route)
        page = context.new_page()
        page.on("requestfailed", failed)
        page.set_default_timeout(timeout_s * 1000)
        page.on(
            "console",
            lambda m: result.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: result.page_errors.append(str(e)))
        crashed: list[str] = []
        page.on("crash", lambda _p: crashed.append("renderer crashed"))

        log(f"  {tool}: opening {html.name} ({html.stat().st_size / 1e6:.1f} MB)")
        opened = time.perf_counter()
        try:
            url = LONBOARD_ORIGIN + "map.html" if tool == "lonboard" else html.resolve().as_uri()
            page.goto(url, wait_until="load", timeout=timeout_s * 1000)
            if tool == "lonboard":
                # drawn: a draw call, then LONBOARD_QUIET_S seconds without any
                page.wait_for_function(
                    "q => window.__lb.draws > 0 && performance.now() - window.__lb.last > q",
                    arg=LONBOARD_QUIET_S * 1000,
                    polling=500,
                    timeout=timeout_s * 1000,
                )
            if tool == "zoneplan":
                # predicates as functions: zoneplan's Content-Security-Policy forbids the
                # string evaluation Playwright would use to poll an expression
                page.wait_for_function(
                    "() => document.body.hasAttribute('data-zoneplan-ready') || "
                    "document.body.hasAttribute('data-zoneplan-error')",
                    polling=100,
                    timeout=timeout_s * 1000,
                )
                error = page.evaluate("document.body.getAttribute('data-zoneplan-error')")
                if error:
                    result.failure = f"viewer error: {error}"
                    return result
            page.wait_for_function("() => window.__bench.raf2 !== undefined", polling=100)
        except Exception as err:  # a timeout or a crash: report it, do not stop the run
            if crashed:
                result.failure = f"no first paint: the {crashed[0]}"
            elif type(err).__name__ == "TimeoutError":
                result.failure = f"no first paint in {timeout_s:.0f} s"
            elif "has been closed" in str(err):  # no crash event: Chromium closed the target
                result.failure = (
                    "no first paint: Chromium closed the page while it loaded, "
                    f"{time.perf_counter() - opened:.0f} s after it was opened "
                    f"(browser {'still running' if browser.is_connected() else 'ended'})"
                )
            else:
                result.failure = f"no first paint: {str(err).splitlines()[0][:300]}"
            log(f"  {tool}: {result.failure}")
            return result

        bench = page.evaluate("window.__bench")
        result.load_ms = bench["load"]
        result.raf1_ms = bench["raf1"]
        if tool == "zoneplan":
            timings = page.evaluate("window.zoneplan.timings")
            result.first_paint_ms = timings["drawn"]
            result.decoded_ms = timings.get("decoded")
        else:
            result.first_paint_ms = bench["raf2"]
        if tool == "lonboard":
            frames = page.evaluate("window.__lb.frames")
            result.first_paint_ms = frames[-1][0]
            result.decoded_ms = frames[0][0] if frames[0][1] else frames[1][0]
            result.draw_frames = [(round(t), d) for t, d in frames]
        log(f"  {tool}: first paint {result.first_paint_ms:,.0f} ms")
        if screenshot is not None:
            page.screenshot(path=str(screenshot))

        _settle(page)
        if full:
            cdp = context.new_cdp_session(page)
            cdp.send("HeapProfiler.collectGarbage")
            usage = cdp.send("Runtime.getHeapUsage")
            result.heap = {k: v / 1e6 for k, v in usage.items() if isinstance(v, int | float)}
            log(f"  {tool}: heap {result.heap_mb:,.0f} MB ({usage})")

        if tool == "lonboard":
            if not page.evaluate(LONBOARD_FIND_MAP):
                result.failure = "its MapLibre map was not found: no redraw measured"
                return result
            page.evaluate(LONBOARD_HELPERS)
        else:
            page.evaluate(PAGE_HELPERS)
        view = page.evaluate(
            "(() => { const m = window.__benchMap(); const c = m.getCenter();"
            " return [c.lat, c.lng, m.getZoom()]; })()"
        )
        center, zoom = [view[0], view[1]], view[2]
        result.start_view = f"centre {view[0]:.4f}, {view[1]:.4f}, zoom {zoom}"
        # zoom in level by level (every view new), then back out (every view seen before:
        # zoneplan keeps the pixels of recent tiles, explore() redraws all the same)
        # a page that took minutes to paint takes one step of each kind: 15 would take hours
        slow = result.first_paint_ms > SLOW_PAINT_MS
        levels = 1 if slow else ZOOM_LEVELS
        for z in range(zoom + 1, zoom + 1 + levels):
            step = {"center": center, "zoom": z}
            result.zoom_ms.append(page.evaluate("s => window.__benchStep(s)", step))
        for z in range(zoom + levels - 1, zoom - 1, -1):
            step = {"center": center, "zoom": z}
            result.zoom_back_ms.append(page.evaluate("s => window.__benchStep(s)", step))
        page.evaluate("s => window.__benchStep(s)", {"center": center, "zoom": zoom + 1})
        for pan in PANS[:1] if slow else PANS:
            result.pan_ms.append(page.evaluate("s => window.__benchStep(s)", {"pan": list(pan)}))
        for around in ZOOMS_AROUND[:1] if slow else ZOOMS_AROUND:
            step = {"around": list(around)}
            result.zoom_off_ms.append(page.evaluate("s => window.__benchStep(s)", step))
        if slow:
            result.note = (
                f"first paint over {SLOW_PAINT_MS / 1000:.0f} s: one opening and one step "
                "of each kind (zoom in, zoom back out, pan)"
            )
        log(
            f"  {tool}: zoom in median {result.zoom_median:.0f} ms {_fmt_list(result.zoom_ms)}, "
            f"back out {_fmt_list(result.zoom_back_ms)}, "
            f"pan median {result.pan_median:.0f} ms {_fmt_list(result.pan_ms)}, "
            f"zoom in off centre {_fmt_list(result.zoom_off_ms)}"
        )
        if not full:
            return result

        measure_hover(page, result, source, sample, tool=tool)
        log(f"  {tool}: hover tooltip {_num(result.hover_ms)} ms {result.hover_note}")

        if tool == "lonboard":  # its coordinates go from GeoParquet to deck.gl unrounded
            result.geometry_path = "not read (lonboard)"
            return result
        ids = [str(source["parcel_id"].iloc[int(i)]) for i in sample]
        got = page.evaluate(GEOMETRY_JS, [ids, [int(i) for i in sample]])
        result.geometry_path = got["path"]
        geometry_check(result, source, sample, got["found"])
        log(f"  {tool}: geometry max {result.geometry_m} m over {result.geometry_matched} parcels")
    except Exception as err:  # keep the run going; the report says what broke
        result.failure = f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"
        log(f"  {tool}: {result.failure}")
    finally:
        # read before closing: the browser's exiting processes may not be counted as ours
        if meter is not None:
            result.others = meter.stop()
        browser.close()
    return result


def open_repeatedly(
    pw, args: argparse.Namespace, html: Path, *, tool: str, local: LocalAssets, source, sample
) -> PageResult:
    """
    Open a map `args.repeat` times for its first paint and the pan/zoom steps (the
    medians over all openings are kept), then measure everything else on the last one.
    """
    paints: list[float] = []
    decoded: list[float] = []
    others: list[float] = []
    steps: dict[str, list[float]] = {
        "zoom_ms": [],
        "zoom_back_ms": [],
        "pan_ms": [],
        "zoom_off_ms": [],
    }
    result = PageResult()
    last = args.repeat - 1
    k = 0
    while k <= last:
        full = k == last
        idle = wait_for_quiet(args.quiet_wait)
        meter = OthersMeter()
        meter.start()
        result = measure_page(
            pw,
            args.chromium,
            html,
            tool=tool,
            local=local,
            source=source,
            sample=sample,
            timeout_s=args.lonboard_timeout if tool == "lonboard" else args.page_timeout,
            screenshot=html.with_name(f"{tool}.png") if full else None,
            full=full,
            meter=meter,
        )
        result.idle = idle
        others.append(result.others or 0.0)
        result.others = max(others)
        if result.failure is not None:
            return result  # a page that failed once is not opened again
        paints.append(result.first_paint_ms)
        if result.decoded_ms is not None:
            decoded.append(result.decoded_ms)
        for name, values in steps.items():
            values.extend(getattr(result, name))
        if not full and result.first_paint_ms > SLOW_PAINT_MS:
            last = k + 1  # minutes an opening: one more, for everything else, then stop
        k += 1
    for name, values in steps.items():
        setattr(result, name, values)
    result.paints_ms = paints
    result.first_paint_ms = statistics.median(paints)
    result.decoded_ms = statistics.median(decoded) if decoded else None
    return result


def hover_target(source, candidates) -> tuple[int, object]:
    """
    The first parcel of `candidates` with ground no other parcel covers, and a point on it.

    Rectangles scattered at random overlap: the pointer over a parcel's middle may be
    over another one drawn on top, whose tooltip is then (rightly) the one shown.
    """
    import shapely

    geoms = source.geometry.to_numpy()
    for index in candidates:
        geom = geoms[int(index)]
        near = [int(i) for i in source.sindex.query(geom, predicate="intersects") if i != index]
        free = shapely.difference(geom, shapely.union_all(geoms[near])) if near else geom
        if not free.is_empty:
            return int(index), free.representative_point()
    return int(candidates[0]), geoms[int(candidates[0])].representative_point()


def measure_hover(page, result: PageResult, source, candidates, *, tool: str = "") -> None:
    """
    Time from a real mouse move onto a parcel at zoom 18 to its tooltip being shown
    (lonboard, which has no hover tooltip: from a click to the parcel's id in the page).
    The parcel is the first of `candidates` that no other parcel covers all of
    (`hover_target`), the pointer on its uncovered part.
    """
    index, point = hover_target(source, candidates)
    name = str(source["name_vi"].iloc[index])
    zoom = HOVER_ZOOM - 1 if tool == "lonboard" else HOVER_ZOOM  # MapLibre: 512 px tiles
    page.evaluate("s => window.__benchStep(s)", {"center": [point.y, point.x], "zoom": zoom})
    x, y = page.evaluate(
        "([lat, lon]) => { const m = window.__benchMap();"
        " const p = window.__lbMap ? m.project([lon, lat]) : m.latLngToContainerPoint([lat, lon]);"
        " const r = m.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }",
        [point.y, point.x],
    )
    page.mouse.move(x - 40, y - 40)
    page.wait_for_timeout(300)
    if tool == "lonboard":
        name = str(source["parcel_id"].iloc[index])
        shown = "name => document.body.innerText.includes(name)"
    else:
        shown = (
            "name => [...document.querySelectorAll('.leaflet-tooltip')].some(e =>"
            " new RegExp(name + '(?![0-9])').test(e.textContent))"
        )
    t0 = time.perf_counter()
    if tool == "lonboard":
        page.mouse.click(x, y)
    else:
        page.mouse.move(x, y)
    try:
        page.wait_for_function(shown, arg=name, polling="raf", timeout=10_000)
    except Exception:  # no tooltip for that parcel: say so rather than time something else
        result.hover_note = f"(nothing naming {name} within 10 s)"
        return
    result.hover_ms = (time.perf_counter() - t0) * 1000
    what = "click to its attributes" if tool == "lonboard" else "parcel"
    result.hover_note = f"({what} {name}, zoom {zoom})"


def _fmt_list(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.0f}" for v in values) + "]"


def geometry_check(result: PageResult, source, sample: np.ndarray, found: dict) -> None:
    """Largest vertex distance (m) between the drawn and the source rings of the sample."""
    import shapely
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    worst = 0.0
    same_count = True
    matched = 0
    for i in sample:
        row = source.iloc[int(i)]
        rings = found.get(str(row["parcel_id"]))
        if not rings:
            continue
        matched += 1
        src = shapely.get_coordinates(row.geometry.exterior)[:-1]
        for interior in row.geometry.interiors:
            src = np.vstack([src, shapely.get_coordinates(interior)[:-1]])
        drawn = np.array([p for ring in rings for p in _open_ring(ring)], dtype=float)
        same_count &= len(drawn) == len(src)
        a = np.repeat(drawn, len(src), axis=0)
        b = np.tile(src, (len(drawn), 1))
        _, _, dist = geod.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        dist = np.asarray(dist).reshape(len(drawn), len(src))
        worst = max(worst, float(dist.min(axis=1).max()), float(dist.min(axis=0).max()))
    result.geometry_matched = matched
    result.geometry_vertices_equal = same_count if matched else None
    result.geometry_m = worst if matched else None


def _open_ring(ring: list[list[float]]) -> list[list[float]]:
    return ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring


# --------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------


def zoneplan_source() -> str:
    """The git commit of the zoneplan code that was measured, and whether it had local changes."""
    import zoneplan

    package = Path(zoneplan.__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(package), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(package), "status", "--porcelain", "--untracked-files=no", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"{package} (not a git checkout)"
    state = "with uncommitted changes in src/zoneplan" if dirty else "no local changes"
    return f"commit {commit} ({state})"


def machine_info(chromium_version: str, source: str | None = None) -> list[str]:
    """Lines describing the machine and the software measured."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    versions = []
    for name in (
        "zoneplan",
        "geopandas",
        "shapely",
        "pyogrio",
        "pyproj",
        "folium",
        "mapclassify",
        "lonboard",
        "anywidget",
    ):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    versions.append(f"playwright {metadata.version('playwright')}")
    return [
        f"- zoneplan source: {source or zoneplan_source()}",
        f"- Machine: {os.cpu_count()} cores ({cpu or platform.machine()}), {ram} RAM, "
        f"{platform.system()} {platform.release()}",
        f"- Browser: headless Chromium {chromium_version} (Debian), viewport 1280x800, "
        "no GPU, no network",
        f"- Python {platform.python_version()}; " + ", ".join(versions),
    ]


def _num(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    return f"{r:.2f}" if r >= 0.01 else f"{r:.4f}"


def _tools(results: list[SizeResult]) -> list[str]:
    """The tools measured in this run, in table order."""
    return [t for t in TOOLS if any(t in r.builds for r in results)]


def _cell(values: list[str]) -> str:
    return " · ".join(values)


def summary_table(results: list[SizeResult]) -> list[str]:
    """One row per kind and size: each metric for every tool, side by side."""
    tools = _tools(results)
    metrics = [
        ("build s", lambda b, p: b.seconds if b else None, 1),
        ("peak memory MB", lambda b, p: b.peak_mb if b else None, 0),
        ("HTML MB", lambda b, p: b.mb if b else None, 1),
        ("first paint ms", lambda b, p: p.first_paint_ms if p else None, 0),
        ("zoom in ms", lambda b, p: p.zoom_median if p else None, 0),
        ("pan ms", lambda b, p: p.pan_median if p else None, 0),
        ("JS heap MB", lambda b, p: p.heap_mb if p else None, 0),
    ]
    lines = [
        "| layer | parcels | " + " | ".join(name for name, _, _ in metrics) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in metrics) + " |",
    ]
    for r in results:
        cells = [
            _cell([_num(get(r.builds.get(t), r.page(t)), digits) for t in tools])
            for _, get, digits in metrics
        ]
        lines.append(f"| {r.kind} | {r.n:,} | " + " | ".join(cells) + " |")
    order = " · ".join(LABEL[t] for t in tools)
    return [
        f"Each cell: {order}; medians; – where a tool did not build or paint "
        "(the reason is under its size).",
        "",
        *lines,
        "",
    ]


def quietness(results: list[SizeResult]) -> list[str]:
    """A line on how much other processes used the CPUs while this run measured."""
    named = []
    for r in results:
        for tool in TOOLS:
            for what, x in (("build", r.builds.get(tool)), ("page", r.pages.get(tool))):
                if x is not None and x.others is not None:
                    named.append((f"{LABEL[tool]} {what} at {r.kind} {r.n:,}", x.others))
    if not named:
        return []
    busy = [f"{label} ({share:.0%})" for label, share in named if share > DISTURBED]
    quiet = [share for _, share in named if share <= DISTURBED]
    if not busy:
        line = (
            f"Other processes used at most {max(quiet):.0%} of the CPUs during every build "
            "and page measurement of this run"
        )
    else:
        line = (
            f"Other processes used more than {DISTURBED:.0%} of the CPUs during "
            f"{', '.join(busy)}: those figures may be inflated"
        )
        if quiet:
            line += f"; at most {max(quiet):.0%} during all the other measurements"
    return [line + ".", ""]


def size_table(r: SizeResult) -> list[str]:
    """The Markdown table of one kind and size: rows are metrics, columns the tools."""
    tools = [t for t in TOOLS if t in r.builds]
    others = [t for t in tools if t != "zoneplan"]

    def build_value(tool: str, attr: str) -> float | None:
        build = r.builds.get(tool)
        return getattr(build, attr) if build is not None else None

    def page_value(tool: str, attr: str) -> float | None:
        page = r.page(tool)
        return getattr(page, attr) if page is not None else None

    rows = [
        ("Build, s (wall clock, incl. reading the file)", build_value, "seconds", 1),
        ("Build peak memory (max RSS), MB", build_value, "peak_mb", 0),
        ("HTML, MB", build_value, "mb", 1),
        ("First paint with all features drawn, ms", page_value, "first_paint_ms", 0),
        ("Zoom in one level (new view), median ms", page_value, "zoom_median", 0),
        (
            "Zoom back out one level (view seen before), median ms",
            page_value,
            "zoom_back_median",
            0,
        ),
        ("Pan 300 px (mostly new ground), median ms", page_value, "pan_median", 0),
        (
            "Zoom in around a point a quarter of the view off its centre, median ms",
            page_value,
            "zoom_off_median",
            0,
        ),
        ("Slowest redraw step, ms", page_value, "slowest_ms", 0),
        ("Hover: mouse move to tooltip shown, ms", page_value, "hover_ms", 0),
        ("JS heap (V8 + DOM + array buffers), MB", page_value, "heap_mb", 0),
        ("Geometry: max drawn-to-source vertex distance, m", page_value, "geometry_m", 3),
    ]
    head = " | ".join(LABEL[t] for t in tools)
    ratios = " | ".join(f"zoneplan / {LABEL[t]}" for t in others)
    lines = [
        f"### {KINDS[r.kind][1].capitalize()}: {r.n:,} parcels ({r.vertices:,} vertices)",
        "",
        f"| metric | {head} | {ratios} |",
        "| --- | " + " | ".join("---:" for _ in tools + others) + " |",
    ]
    for label, get, attr, digits in rows:
        values = {t: get(t, attr) for t in tools}
        cells = [_num(values[t], digits) for t in tools]
        cells += [_ratio(values.get("zoneplan"), values[t]) for t in others]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    zp = r.page("zoneplan")
    if zp is not None:
        what = (
            "page has its copy of the big layer's geometry"
            if zp.geometry_path.startswith("big")
            else "page data parsed"
        )
        blank = " |" * (len(tools) - 1 + len(others))
        lines.append(f"| zoneplan: {what} (`timings.decoded`), ms | {_num(zp.decoded_ms)} |{blank}")
    lb = r.page("lonboard")
    if lb is not None:
        cells = [_num(lb.decoded_ms) if t == "lonboard" else "" for t in tools]
        blank = " |" * len(others)
        lines.append(
            "| lonboard: first parcels on screen (first WebGL draw), ms | "
            + " | ".join(cells)
            + f" |{blank}"
        )
    lines.append("")
    for tool in tools:
        why = r.why(tool)
        if why:
            lines.append(f"{LABEL[tool]}: {why}.")
    lines.append("")
    return lines


def details(r: SizeResult) -> list[str]:
    """The raw numbers behind one size's table."""
    lines = [f"#### Details, {r.kind} {r.n:,} parcels", ""]
    lines.append(
        f"- Parcels file: GeoPackage, {r.parcels_file.stat().st_size / 1e6:.1f} MB; "
        f"{'read from an earlier run' if r.reused else 'generated'} in {r.generate_s:.1f} s "
        "(not counted). Load average before/after: "
        f"{' '.join(f'{x:.2f}' for x in r.load_before)} / "
        f"{' '.join(f'{x:.2f}' for x in r.load_after)}"
        + (
            f"; during the earlier run's {', '.join(LABEL[t] for t in r.merged)}: "
            f"{' '.join(f'{x:.2f}' for x in r.earlier_load[0])} / "
            f"{' '.join(f'{x:.2f}' for x in r.earlier_load[1])}"
            if r.merged and r.earlier_load
            else ""
        )
    )
    for tool, build in r.builds.items():
        if build.idle is not None:
            lines.append(
                f"- {LABEL[tool]} build: CPU idle before it {build.idle:.0%}; other processes "
                f"used {_pct(build.others)} of the CPUs during it"
            )
    for tool, page in r.pages.items():
        if page is None:
            continue
        if page.failure:
            lines.append(f"- {LABEL[tool]}: {page.failure}")
            if page.errors:
                lines.append(f"  - errors: {' | '.join(sorted(set(page.errors)))[:600]}")
            continue
        heap = ", ".join(
            f"{k} {page.heap[k]:.0f}"
            for k in ("usedSize", "embedderHeapUsedSize", "backingStorageSize", "totalSize")
            if k in page.heap
        )
        refused = len(page.console_errors) + len(page.page_errors) - len(page.errors)
        geometry = (
            f"geometry from {page.geometry_path}, {page.geometry_matched} of {GEOMETRY_SAMPLE} "
            f"parcels matched, same vertex count: {page.geometry_vertices_equal}; "
            if page.geometry_matched
            else f"geometry {page.geometry_path or 'not read'}; "
        )
        frames = (
            f"frames with WebGL draw calls (ms, draws so far) {page.draw_frames[:12]}; "
            if page.draw_frames
            else ""
        )
        lines.append(
            f"- {LABEL[tool]}: load event {_num(page.load_ms)} ms, first animation frame after "
            f"it {_num(page.raf1_ms)} ms (last opening); {frames}start view {page.start_view}; "
            f"zoom in {_fmt_list(page.zoom_ms)} ms, back out {_fmt_list(page.zoom_back_ms)} ms, "
            f"pans {_fmt_list(page.pan_ms)} ms, zooms in off centre "
            f"{_fmt_list(page.zoom_off_ms)} ms; hover {_num(page.hover_ms)} ms "
            f"{page.hover_note}; heap MB: {heap}; {geometry}"
            f"first paints {_fmt_list(page.paints_ms)} ms (median in the table); "
            f"console errors {len(page.console_errors)} ({refused} "
            f"of them refused requests), page errors {len(page.page_errors)}; "
            f"{page.tiles_aborted} tile requests aborted; CPU idle before opening "
            f"{_pct(page.idle)}; other processes used up to {_pct(page.others)} of the CPUs "
            "during an opening"
        )
        if page.note:
            lines.append(f"  - {page.note}")
        if page.aborted:
            lines.append(f"  - aborted: {', '.join(sorted(set(page.aborted)))}")
        if page.errors:
            lines.append(f"  - errors: {' | '.join(sorted(set(page.errors)))[:600]}")
    lines.append("")
    return lines


def _verdict(ok: bool | None) -> str:
    return "**met**" if ok else ("**not met**" if ok is False else "**not measured**")


def _le(a: float | None, b: float | None) -> bool | None:
    return None if a is None or b is None else a <= b


def _ahead(r: SizeResult, attr: str) -> tuple[bool | None, str]:
    """zoneplan ahead of lonboard on a page figure, where lonboard painted at all."""
    zp, lb = r.page("zoneplan"), r.page("lonboard")
    if "lonboard" not in r.builds:
        return None, "lonboard not measured"
    if lb is None:
        return (zp is not None), f"lonboard did not paint: {r.why('lonboard')}"
    a, b = (getattr(zp, attr) if zp else None), getattr(lb, attr)
    return (None if a is None or b is None else a < b), f"{_num(a)} vs {_num(b)}"


def targets(results: list[SizeResult]) -> list[str]:
    """One line per target of the issue: met / not met, with the numbers."""
    lines = ["## Targets", ""]
    for r in results:
        if r.n != 100_000:
            continue
        zb, eb, lbb = (r.builds.get(t) for t in ("zoneplan", "explore", "lonboard"))
        z_mb = zb.mb if zb else None
        e_mb = eb.mb if eb else None
        l_mb = lbb.mb if lbb else None
        ok = None if z_mb is None or e_mb is None else z_mb <= e_mb / 20
        lines.append(
            f"- {r.kind}, 100k: HTML at most 1/20 of explore()'s: {_verdict(ok)} "
            f"({_num(z_mb, 1)} MB vs {_num(e_mb, 1)} MB, ratio {_ratio(z_mb, e_mb)})"
        )
        ok = None if z_mb is None or l_mb is None else z_mb < l_mb
        lines.append(
            f"- {r.kind}, 100k: HTML smaller than lonboard's: {_verdict(ok)} "
            f"({_num(z_mb, 1)} MB vs {_num(l_mb, 1)} MB)"
        )
        ok, text = _ahead(r, "first_paint_ms")
        lines.append(
            f"- {r.kind}, 100k: first paint faster than lonboard's: {_verdict(ok)} ({text} ms)"
        )
    for r in results:
        if r.n != 1_000_000:
            continue
        zb = r.builds.get("zoneplan")
        zp = r.page("zoneplan")
        if r.kind == "mesh":
            mb = zb.mb if zb else None
            lines.append(
                f"- mesh, 1M: HTML at most 20 MB: {_verdict(_le(mb, 20))} ({_num(mb, 1)} MB)"
            )
        sec, peak = (zb.seconds, zb.peak_mb) if zb else (None, None)
        lines.append(
            f"- {r.kind}, 1M: `zoneplan build` at most 10 s: {_verdict(_le(sec, 10))} "
            f"({_num(sec, 1)} s)"
        )
        lines.append(
            f"- {r.kind}, 1M: build peak memory at most 1.5 GB: "
            f"{_verdict(_le(peak, 1500))} ({_num(peak)} MB)"
        )
        paint = zp.first_paint_ms if zp else None
        lines.append(
            f"- {r.kind}, 1M: first paint at most 2 s: {_verdict(_le(paint, 2000))} "
            f"({_num(paint)} ms)"
        )
        if zp is not None and zp.zoom_ms and zp.pan_ms:
            medians = {
                "zoom in": zp.zoom_median,
                "zoom back": zp.zoom_back_median,
                "pan": zp.pan_median,
            }
            if zp.zoom_off_ms:
                medians["zoom in off centre"] = zp.zoom_off_median
            ok = max(medians.values()) <= 100 and zp.slowest_ms <= 150
            text = ", ".join(f"{k} median {_num(v)} ms" for k, v in medians.items())
            lines.append(
                f"- {r.kind}, 1M: every redraw step at most 100 ms at the median and 150 ms at "
                f"the slowest: {_verdict(ok)} ({text}, slowest {_num(zp.slowest_ms)} ms)"
            )
        else:
            lines.append(f"- {r.kind}, 1M: redraw steps: {_verdict(None)}")
        for attr, what in (
            ("first_paint_ms", "first paint"),
            ("zoom_median", "zoom in"),
            ("pan_median", "pan"),
        ):
            ok, text = _ahead(r, attr)
            lines.append(f"- {r.kind}, 1M: {what} ahead of lonboard: {_verdict(ok)} ({text})")
        if "lonboard" in r.builds:
            lbb = r.builds["lonboard"]
            ok = (
                None
                if zb is None or lbb.seconds is None or zb.seconds is None
                else (zb.seconds < lbb.seconds)
            )
            lines.append(
                f"- {r.kind}, 1M: build faster than lonboard's (which validates and measures "
                f"nothing): {_verdict(ok)} ({_num(sec, 1)} s vs {_num(lbb.seconds, 1)} s; "
                f"peak {_num(peak)} MB vs {_num(lbb.peak_mb)} MB)"
            )
    worst = [
        p.geometry_m
        for r in results
        if (p := r.page("zoneplan")) is not None and p.geometry_m is not None
    ]
    if worst:
        lines.append(
            f"- All sizes and kinds: drawn vertices within 1 cm of the source: "
            f"{_verdict(max(worst) <= 0.01)} (largest {max(worst):.3f} m over "
            f"{GEOMETRY_SAMPLE} random parcels per size)"
        )
    lines.append("")
    return lines


def merged_note(results: list[SizeResult], args: argparse.Namespace) -> list[str]:
    """The report's lines on figures taken from an earlier run (--merge), if any."""
    lines = []
    paged = sorted({t for r in results for t in r.pages_merged}, key=TOOLS.index)
    if paged:
        sizes = ", ".join(f"{r.kind} {r.n:,}" for r in results if r.pages_merged)
        lines.append(
            f"- The {' and '.join(LABEL[t] for t in paged)} builds were timed again in a run "
            f"of builds only ({sizes}); the page figures of "
            f"{'that tool' if len(paged) == 1 else 'those tools'} come from the earlier run "
            "named below."
        )
    return lines + _merged_tools_note(results, args)


def _merged_tools_note(results: list[SizeResult], args: argparse.Namespace) -> list[str]:
    """`merged_note` of the tools taken whole from earlier runs."""
    tools = sorted({t for r in results for t in r.merged}, key=TOOLS.index)
    if not tools:
        return []
    runs: list[tuple[dict, list[SizeResult], list[str]]] = getattr(args, "earlier_runs", [])
    if len(runs) <= 1:
        meta = runs[0][0] if runs else getattr(args, "earlier_meta", {})
        how = meta.get("options", "")
        return [
            f"- The {' and '.join(LABEL[t] for t in tools)} figures come from another run of "
            f"this script on the same machine, started {meta.get('date', '?')}"
            + (f" ({how})" if how else "")
            + ", merged into this report; the zoneplan figures are this run's. The load "
            "averages of both runs are in the details."
        ]
    parts = []
    for meta, supplied, taken in runs:
        how = meta.get("options", "")
        sizes = ", ".join(f"{r.kind} {r.n:,}" for r in supplied)
        started = f"started {meta.get('date', '?')}" + (f" ({how})" if how else "")
        parts.append(f"{started}, {' and '.join(LABEL[t] for t in taken)}: {sizes}")
    return [
        f"- The {' and '.join(LABEL[t] for t in tools)} figures come from other runs of this "
        f"script on the same machine, merged into this report: {'; '.join(parts)}. The "
        "zoneplan figures are this run's. The load averages of each run are in the details."
    ]


def write_report(
    out: Path,
    results: list[SizeResult],
    *,
    args: argparse.Namespace,
    chromium_version: str,
    requests: dict[str, set[str]],
    started: dt.datetime,
    minutes: float,
) -> None:
    """Write the Markdown report."""
    from zoneplan.render.biglayer import BIG_LAYER_FEATURES, BIG_LAYER_VERTICES

    sizes = ",".join(str(n) for n in dict.fromkeys(r.n for r in results))
    kinds = ",".join(dict.fromkeys(r.kind for r in results))
    rerun = ".venv/bin/python benchmarks/bench_map.py"
    if sizes != ",".join(str(n) for n in DEFAULT_SIZES):
        rerun += f" --sizes {sizes}"
    if kinds != ",".join(KINDS):
        rerun += f" --kinds {kinds}"
    if args.style_by:
        rerun += f" --style-by {args.style_by}"
    lines = [
        "# Map benchmark: zoneplan against lonboard and geopandas' explore()",
        "",
        "Generated by `benchmarks/bench_map.py`; do not edit by hand. Rerun with:",
        "",
        "```sh",
        rerun,
        "```",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (the run took {minutes:.0f} min)",
        "- Synthetic parcels, two kinds, each written to a GeoPackage that every tool reads: "
        f"**mesh**, `zoneplan.synthetic.synthetic_parcels(n, seed={args.seed})`, a jittered "
        "quadrilateral mesh over the zone (4 corners each, shared with the neighbours, as in "
        f"a cadastre); **random**, `synthetic_rectangles(n, seed={args.seed})`, independent "
        "rectangles at random places inside the zone (no shared edges)",
        *machine_info(chromium_version, getattr(args, "measured_source", None)),
        *merged_note(results, args),
        f"- explore() and lonboard build time limit {args.explore_timeout:.0f} s, memory limit "
        f"{args.explore_memory_gb:g} GB; page time limit {args.page_timeout:.0f} s "
        f"(lonboard {args.lonboard_timeout:.0f} s)",
        "",
        *(
            [
                f"- zoneplan's map is styled with `--style-by {args.style_by}` on parcels with "
                f"the cadastral columns (`cadastral=True`, seed {args.seed})",
                "",
            ]
            if args.style_by
            else []
        ),
        "zoneplan builds with `zoneplan build --layer FILE --self-contained` (its map also holds "
        f"the catalog layers; a layer of more than {BIG_LAYER_FEATURES:,} features or "
        f"{BIG_LAYER_VERTICES:,} vertices takes the big-layer path, the others GeoJSON/SVG; "
        "the path each size took is in the details, under geometry). explore() is "
        "`gpd.read_file(FILE).explore()` with its defaults, saved with `m.save()`; lonboard is "
        "`lonboard.viz(gpd.read_file(FILE)).to_html(out)` with its defaults (deck.gl in WebGL "
        "over a MapLibre basemap). Ratios are zoneplan / the other: below 1 is in zoneplan's "
        "favour. The `bench` extra installs mapclassify and matplotlib for explore(), and "
        "lonboard; the run's versions are above.",
        "",
        "**WebGL in software.** This machine has no GPU: Chromium draws lonboard's WebGL with "
        "SwiftShader on the CPU. With a real GPU lonboard paints far faster than here, and its "
        "first paint, redraw and hover figures below say little about a desktop with a "
        "graphics card. zoneplan draws on a 2D canvas with its own JavaScript rasteriser and "
        "needs no WebGL, so its figures are what any machine without a GPU gets.",
        "",
        "## Summary",
        "",
        *summary_table(results),
        *quietness(results),
        "## Results",
        "",
    ]
    for r in results:
        lines += size_table(r)
    lines += targets(results)
    lines += [
        "## How it is measured",
        "",
        "- **Build**: each tool in its own process, wall clock from start to exit, reading "
        "the GeoPackage included; peak memory is the process's maximum resident set size "
        f"(`wait4`), in MB of 10^6 bytes like the HTML sizes. {_build_counts(results)}",
        "- **First paint**: ms since navigation start. zoneplan: `window.zoneplan.timings.drawn`, "
        "set when every big-layer tile in view was drawn (by the layer's worker, as soon as it "
        "has decoded the geometry) and two animation frames followed (the page then gets its own "
        "copy of the geometry and marks `body[data-zoneplan-ready]`). explore(): Leaflet's SVG "
        "renderer adds every path "
        "while the page's script runs; a script injected before the page schedules an "
        "animation frame at the load event and a second one from it, and the second "
        "callback's time is taken, i.e. after the frame that laid out and painted every path. "
        "lonboard: a script injected before the page counts every WebGL draw call; first "
        "paint is the animation frame of the last draw call that is followed by "
        f"{LONBOARD_QUIET_S:.0f} s without any (deck.gl draws each batch of features as its "
        "triangles come back from the workers); the first frame with a draw call is reported "
        f"too. Median of {args.repeat} openings, each in a fresh browser; a page slower than "
        f"{SLOW_PAINT_MS / 1000:.0f} s to first paint is opened twice only.",
        "- **Redraw**: from the fitted view (centre c, zoom z), `setView(c, z+1)`, then z+2 ... "
        f"z+{ZOOM_LEVELS} (each view new), then back out level by level to z (each view seen "
        "before: zoneplan keeps the pixels of recent tiles, so this is its cached case; "
        f"explore() redraws every path either way); then at z+1, {len(PANS)} `panBy` of 300 px "
        "(E, E, S, S, W x4) onto mostly new ground; all with `{animate: false}`. Each step is "
        "timed in the page until it is painted: zoneplan `await viewer.whenDrawn()` (two "
        "animation frames), explore() two animation frames; lonboard: the same views by "
        "`jumpTo` and "
        "`panBy(..., {animate: false})` on its MapLibre map (deck.gl follows it), timed to "
        "the second animation frame after deck.gl's next draw call. The steps run on each of "
        "the "
        f"{args.repeat} openings; medians over all of them are shown, every step is in the "
        "details. The 100 ms "
        "target is judged on the new-view zoom and the pan.",
        f"- **Hover**: at zoom {HOVER_ZOOM} over a sampled parcel, from a real mouse move "
        "(Playwright) onto it to a tooltip naming that parcel; timed from Python, so a few ms "
        "of protocol round trip are included. lonboard shows no tooltip on hover; its figure "
        "is a click on the parcel to its `parcel_id` in the page (its attribute table).",
        "- **JS heap**: after first paint and 1 s of quiet, DevTools protocol "
        "`HeapProfiler.collectGarbage` then `Runtime.getHeapUsage`: used V8 heap + embedder "
        "(DOM) heap + array-buffer backing stores. zoneplan's geometry lives in typed arrays "
        "and explore()'s paths in the DOM, so V8's used heap alone would leave both out.",
        f"- **Geometry**: {GEOMETRY_SAMPLE} random parcels (seeded), matched by `parcel_id`; "
        "zoneplan's big layer through `viewer.bigLatLngs(entry, f)` (the decoded coordinates "
        "its tiles and highlight draw at every zoom), GeoJSON layers through Leaflet's "
        "`getLatLngs()`; the largest geodesic distance between a drawn vertex and the nearest "
        "source vertex of the same parcel, both ways.",
        "- **Network**: none. `file:` and `data:` load; folium asks for Leaflet 1.9.3 from its "
        "CDN and is served the installed django-js-lib-leaflet package's **Leaflet 1.9.4** "
        "(the version zoneplan inlines); folium's jQuery 3.7.1, Bootstrap 5.2.2, Font Awesome "
        "6.2.0 and Leaflet.awesome-markers 2.0.2 come from an npm install of those exact "
        "versions outside the repository (only requests to those CDN hosts are routed to the "
        "script); no host name resolves in the browser (`--host-resolver-rules`), so "
        "everything else, basemap tiles included, fails there at once, as offline. "
        "lonboard's page asks cdnjs for require.js 2.3.4 and jsDelivr for "
        "@jupyter-widgets/html-manager, anywidget, parquet-wasm and @geoarrow/geoarrow-js: "
        "each comes from its npm package (`npm pack`, the version the requested range "
        "resolves to), listed below. Its `<script>` for require.js carries an `integrity` "
        "hash of cdnjs's own minified copy, which no npm package holds, so the page opened is "
        "lonboard's file with that one attribute removed (npm's require.js of the same "
        "release is served). From a `file:` URL its Web Workers (started from `blob:` URLs) "
        "fail to load, so the page is served at `http://lonboard.localhost/map.html` by "
        "Playwright's request routing (no server, no socket). The HTML sizes are of the files "
        "as written.",
        "",
        "Requests answered locally:",
        "",
    ]
    lines += [f"- {u}" for u in sorted(requests["served"])] or ["- none"]
    lines += ["", "Requests aborted (besides basemap tiles):", ""]
    lines += [f"- {u}" for u in sorted(requests["aborted"])] or ["- none"]
    if requests.get("missing"):
        lines += ["", "npm packages that could not be had (their requests were aborted):", ""]
        lines += [f"- {u}" for u in sorted(requests["missing"])]
    lines += ["", "## Details", ""]
    for r in results:
        lines += details(r)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    p.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="parcel counts, comma-separated (default: %(default)s)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="parcel seed (%(default)s)")
    p.add_argument(
        "--out",
        type=Path,
        default=REPO / "docs" / "benchmark-map.md",
        help="Markdown report (default: docs/benchmark-map.md)",
    )
    p.add_argument(
        "--workdir", type=Path, help="folder for parcels and maps (kept; default: a temp dir)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    p.add_argument(
        "--explore-timeout",
        type=float,
        default=600,
        help="seconds explore() may take to build (default: %(default)s)",
    )
    p.add_argument(
        "--explore-memory-gb",
        type=float,
        default=16,
        help="address-space limit of the explore() process (default: %(default)s)",
    )
    p.add_argument(
        "--skip-explore-above",
        type=int,
        default=None,
        help="do not run explore() for sizes above this (default: always try)",
    )
    p.add_argument(
        "--page-timeout",
        type=float,
        default=300,
        help="seconds a page may take to first paint (default: %(default)s)",
    )
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=300,
        help="before each build and page, wait up to this many seconds for the CPUs to be "
        "85%% idle, as others may share the machine (default: %(default)s)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="open each map this many times for its first paint; the median is reported "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--build-repeat",
        type=int,
        default=3,
        help="build each map this many times, each in a new process; the median time and "
        "the largest peak memory are reported (default: %(default)s)",
    )
    p.add_argument("--chromium", default=chromium.CHROMIUM, help="Chromium executable")
    p.add_argument(
        "--web-assets",
        type=Path,
        default=Path.home() / ".cache" / "zoneplan-bench" / "web",
        help="npm folder for folium's CDN files (default: %(default)s)",
    )
    p.add_argument("--no-npm", action="store_true", help="abort folium's non-Leaflet CDN requests")
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument(
        "--resume",
        type=Path,
        help="JSON of an interrupted run (--json): the kinds and sizes it holds are kept as "
        "they are, not measured again",
    )
    p.add_argument(
        "--report-from",
        type=Path,
        nargs="+",
        help="write the report from these JSON files (--json) without measuring: the first "
        "run's figures, and those of tools it lacks from the others",
    )
    p.add_argument(
        "--merge",
        type=Path,
        help="JSON of an earlier run (--json): the tools not measured now (see --tools) are "
        "taken from it, and the report says so",
    )
    p.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help="kinds of parcel layer, comma-separated (default: %(default)s)",
    )
    p.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="tools to measure, comma-separated (default: %(default)s; lonboard is left out "
        "when it is not installed)",
    )
    p.add_argument(
        "--lonboard-timeout",
        type=float,
        default=900,
        help="seconds lonboard's page may take to first paint (default: %(default)s)",
    )
    p.add_argument(
        "--builds-only",
        action="store_true",
        help="time the builds only, opening no page (e.g. to measure one tool's builds "
        "again on a quiet machine); --report-from with this run first takes the page "
        "figures of its tools from the runs after it",
    )
    p.add_argument(
        "--style-by",
        metavar="COLUMN",
        help="build zoneplan's map with --style-by COLUMN, on parcels with the cadastral "
        "columns (land_use_code, so_to, so_thua): e.g. land_use_code for parcels coloured "
        "by land-use code",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report."""
    args = parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [k for k in kinds if k not in KINDS] + [t for t in tools if t not in TOOLS]
    if unknown:
        print(f"bench_map: unknown kind or tool {', '.join(unknown)}", file=sys.stderr)
        return 2
    started = dt.datetime.now()
    t_start = time.perf_counter()
    if args.report_from:
        return report_from(args)
    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="zoneplan-bench-"))
        cleanup = not args.keep
    log(f"work folder {workdir}")
    requests: dict[str, set[str]] = {"served": set(), "aborted": set(), "missing": set()}
    web = None if args.no_npm else ensure_web_assets(args.web_assets)
    if "lonboard" in tools:
        packages = lonboard_packages()
        if not packages:
            log("lonboard is not installed (pip install -e '.[bench]'): left out")
            tools.remove("lonboard")
        elif not args.no_npm:
            requests["missing"].update(ensure_lonboard_assets(args.web_assets, packages))
            web = web or args.web_assets
    local = LocalAssets(web)
    earlier = results_from_json(args.merge.read_text()) if args.merge else None
    if earlier is not None:
        for key, values in earlier[1].items():
            requests.setdefault(key, set()).update(values)
        args.earlier_meta = earlier[2]
    zoneplan_cli = str(Path(sys.executable).with_name("zoneplan"))
    results: list[SizeResult] = []

    import shapely
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            probe = pw.chromium.launch(
                executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True
            )
            chromium_version = probe.version
            probe.close()
            done = results_from_json(args.resume.read_text())[0] if args.resume else []
            for kind in kinds:
                for n in sizes:
                    kept = [r for r in done if (r.kind, r.n) == (kind, n)]
                    if kept:
                        log(f"{kind} {n:,}: kept from {args.resume}")
                        results.append(kept[0])
                        continue
                    result = measure_size(
                        pw, args, kind, n, tools, workdir, zoneplan_cli, local, requests, shapely
                    )
                    if earlier is not None:
                        result = merge_results(result, earlier[0], tools)
                    results.append(result)
                    if args.json:
                        meta = {
                            "date": f"{started:%Y-%m-%d %H:%M}",
                            "source": zoneplan_source(),
                            "chromium": chromium_version,
                            "minutes": round((time.perf_counter() - t_start) / 60, 1),
                            "options": run_options(args),
                        }
                        args.json.write_text(results_to_json(results, requests, meta))
                    write_report(
                        args.out,
                        results,
                        args=args,
                        chromium_version=chromium_version,
                        requests=requests,
                        started=started,
                        minutes=(time.perf_counter() - t_start) / 60,
                    )
                    log(f"{kind} {n:,}: done; report so far in {args.out}")
    finally:
        if cleanup:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir}")
    return 0


def run_options(args: argparse.Namespace) -> str:
    """The options of a run that shape its figures, in words, for a report that merges it."""
    builds = f"{args.build_repeat} build{'s' if args.build_repeat != 1 else ''} each"
    if args.builds_only:
        return f"builds only, {builds}"
    words = [f"{args.repeat} opening{'s' if args.repeat != 1 else ''} per page", builds]
    words.append(f"lonboard page time limit {args.lonboard_timeout:.0f} s")
    if args.skip_explore_above is not None:
        words.append(f"explore() not run above {args.skip_explore_above:,} parcels")
    return ", ".join(words)


def _build_counts(results: list[SizeResult]) -> str:
    """Say how many builds each tool's build figures are the median of."""
    counts: dict[str, set[int]] = {}
    for r in results:
        for tool, b in r.builds.items():
            if b.seconds is not None:
                counts.setdefault(tool, set()).add(max(1, len(b.runs_s)))
    if not counts:
        return ""

    def times(k: set[int]) -> str:
        return " or ".join(str(x) for x in sorted(k))

    parts = [f"{LABEL[t]} {times(k)}" for t, k in counts.items()]
    return (
        "Each build figure is the median of several builds, each in a new process, with the "
        f"largest peak memory among them; builds per figure: {', '.join(parts)} (1: a single "
        "build)."
    )


def report_from(args: argparse.Namespace) -> int:
    """Write the report from the JSON of earlier runs (--report-from), measuring nothing."""
    runs = [results_from_json(path.read_text()) for path in args.report_from]
    results, requests, meta = runs[0]
    merged_requests = {k: set(v) for k, v in requests.items()}
    args.earlier_runs = []
    for other, other_requests, other_meta in runs[1:]:
        supplied, tools = [], set()
        for r in results:
            builds_before, pages_before = len(r.merged), len(r.pages_merged)
            merge_results(r, other, list(r.builds))
            taken = set(r.merged[builds_before:]) | set(r.pages_merged[pages_before:])
            if taken:
                supplied.append(r)
                tools |= taken
        for k, v in other_requests.items():
            merged_requests.setdefault(k, set()).update(v)
        args.earlier_meta = other_meta
        if supplied:
            args.earlier_runs.append((other_meta, supplied, sorted(tools, key=TOOLS.index)))
    chromium = meta.get("chromium", "")
    args.measured_source = meta.get("source")
    started = dt.datetime.strptime(meta["date"], "%Y-%m-%d %H:%M")
    write_report(
        args.out,
        results,
        args=args,
        chromium_version=chromium,
        requests=merged_requests,
        started=started,
        minutes=float(meta.get("minutes", 0)),
    )
    log(f"report written to {args.out}")
    return 0


def build_command(
    tool: str, zoneplan_cli: str, path: Path, out: Path, style_by: str | None = None
) -> list[str]:
    """The command line that builds one tool's map of `path` into `out`."""
    if tool == "zoneplan":
        return [
            zoneplan_cli,
            "-q",
            "build",
            "--layer",
            str(path),
            "--self-contained",
            *(["--style-by", style_by] if style_by else []),
            "--out",
            str(out),
        ]
    script = LONBOARD_SCRIPT if tool == "lonboard" else EXPLORE_SCRIPT
    return [sys.executable, "-c", script, str(path), str(out)]


def measure_size(
    pw,
    args: argparse.Namespace,
    kind: str,
    n: int,
    tools: list[str],
    workdir: Path,
    zoneplan_cli: str,
    local: LocalAssets,
    requests: dict[str, set[str]],
    shapely,
) -> SizeResult:
    """Build and open every tool's map of one kind of layer at one size."""
    load_before = os.getloadavg()
    path, gdf, gen_s, reused = parcels_file(
        workdir, kind, n, args.seed, cadastral=bool(args.style_by)
    )
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(len(gdf), size=min(GEOMETRY_SAMPLE, len(gdf)), replace=False))
    folder = workdir / f"{kind}-{n}"
    folder.mkdir(exist_ok=True)
    builds: dict[str, Build] = {}
    notes: dict[str, str] = {}
    outputs = {"zoneplan": "zp.html", "lonboard": "lonboard.html", "explore": "explore.html"}
    for tool in tools:
        if (
            tool == "explore"
            and args.skip_explore_above is not None
            and n > args.skip_explore_above
        ):
            notes[tool] = f"not run (--skip-explore-above {args.skip_explore_above:,})"
            builds[tool] = Build(failure=notes[tool])
            continue
        out = folder / outputs[tool]
        runs: list[Build] = []
        for run in range(max(1, args.build_repeat)):
            log(f"{kind} {n:,}: {LABEL[tool]} build {run + 1}/{args.build_repeat}")
            idle = wait_for_quiet(args.quiet_wait)
            build = timed_build(
                build_command(tool, zoneplan_cli, path, out, args.style_by),
                out,
                timeout=None if tool == "zoneplan" else args.explore_timeout,
                memory_gb=None if tool == "zoneplan" else args.explore_memory_gb,
            )
            build.idle = idle
            runs.append(build)
            log(
                f"{kind} {n:,}: {LABEL[tool]} build {_num(build.seconds, 1)} s, "
                f"peak {_num(build.peak_mb)} MB, {_num(build.mb, 1)} MB {build.failure or ''}"
            )
            if build.failure:  # a build that fails (or times out) is not tried again
                break
        builds[tool] = _combine_builds(runs)
    pages: dict[str, PageResult | None] = dict.fromkeys(tools)
    for tool in tools:
        build = builds[tool]
        if build.html is None or args.builds_only:
            continue
        local.lonboard_page = lonboard_page(build.html) if tool == "lonboard" else None
        page = pages[tool] = open_repeatedly(
            pw, args, build.html, tool=tool, local=local, source=gdf, sample=sample
        )
        requests["served"].update(u.replace(" <- ", " ← ") for u in page.served)
        requests["aborted"].update(page.aborted)
    return SizeResult(
        kind=kind,
        n=n,
        vertices=vertices,
        parcels_file=path,
        generate_s=gen_s,
        reused=reused,
        builds=builds,
        pages=pages,
        notes=notes,
        load_before=load_before,
        load_after=os.getloadavg(),
        builds_only=args.builds_only,
        pages_pending=[t for t in tools if builds[t].html is not None] if args.builds_only else [],
    )


if __name__ == "__main__":
    sys.exit(main())
