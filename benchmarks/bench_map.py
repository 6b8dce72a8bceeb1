"""
Benchmark of the map at 10^4-10^6 parcels: zoneplan's big-layer path against ``explore()``.

Not a test: a script that measures, prints its progress to stderr and writes a
Markdown report (``docs/benchmark-map.md`` by default). Rerun it with::

    .venv/bin/python benchmarks/bench_map.py
    .venv/bin/python benchmarks/bench_map.py --sizes 10000 --keep   # a quick look

``explore()`` needs ``mapclassify`` (``pip install -e '.[bench]'`` installs it with
Playwright), and the page needs Debian's Chromium (``/usr/bin/chromium`` or
``--chromium``).

Method, the same for both tools
-------------------------------
For each size, ``zoneplan.synthetic.synthetic_parcels(n, seed=...)`` makes the
parcels, written once to a GeoPackage in the work folder. Then:

Build
    ``zoneplan build --layer FILE --self-contained --out zp.html`` (the real
    command line) and a Python process that reads the same file with geopandas,
    calls ``gdf.explore()`` with its defaults (tooltips on) and saves the map.
    Both run as subprocesses, timed by wall clock including reading the file;
    ``explore()`` gets a time limit (``--explore-timeout``) and a memory limit
    (``--explore-memory-gb``) and is reported as not finished when it exceeds
    them. The HTML size is the written file's size (MB = 10^6 bytes).
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
    in the report.
First paint with all features drawn (ms since navigation start)
    zoneplan: the page sets ``body[data-zoneplan-ready]`` once the big layer is
    decoded, every tile in view is drawn and two animation frames followed;
    ``window.zoneplan.timings.drawn`` is that moment (``timings.decoded`` is
    reported too). explore: Leaflet's SVG renderer adds every path while the
    page's script runs, before the load event; a script injected before the
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
    x4), so each one shows mostly new ground. Each
    step is timed inside the page from the call to the moment it is painted:
    zoneplan ``map.setView(c, z, {animate: false})`` / ``map.panBy([dx, dy],
    {animate: false})`` then ``await viewer.whenDrawn()`` (two animation
    frames); explore the same calls on the page's ``L.Map`` then two animation
    frames.
Hover (ms)
    At zoom 18 over a sampled parcel: the time from Playwright's real mouse
    move onto it to a tooltip naming that parcel being in the page (measured
    from Python, so it includes a few ms of protocol round trip).
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
import datetime as dt
import json
import mimetypes
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

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
#: Share of the CPUs used by other processes above which a measurement may be disturbed.
DISTURBED = 0.10
PANS = [(300, 0), (300, 0), (0, 300), (0, 300), (-300, 0), (-300, 0), (-300, 0), (-300, 0)]
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
JSDELIVR_NPM = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/]+/)?[^@/]+)@([^/]+)/(.+)$")
LEAFLET_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/leaflet@[^/]+/dist/(.+)$")
AWESOME_CDN = re.compile(
    r"^https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/(.+)$"
)
JQUERY_CDN = re.compile(r"^https://code\.jquery\.com/jquery-3\.7\.1\.min\.js$")
#: The hosts of the CDN files answered locally: only their requests are routed.
CDN_HOSTS = re.compile(r"^https://(cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|code\.jquery\.com)/")

EXPLORE_SCRIPT = """
import sys
import geopandas as gpd
gdf = gpd.read_file(sys.argv[1])
m = gdf.explore()
m.save(sys.argv[2])
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
  else map.setView(step.center, step.zoom, { animate: false });
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
    def heap_mb(self) -> float | None:
        """V8 used heap + embedder (DOM) heap + array-buffer backing stores, MB."""
        if not self.heap:
            return None
        keys = ("usedSize", "embedderHeapUsedSize", "backingStorageSize")
        return sum(self.heap.get(k, 0.0) for k in keys)


@dataclass
class SizeResult:
    """Both tools at one size."""

    n: int
    vertices: int
    parcels_file: Path
    generate_s: float
    reused: bool
    zoneplan_build: Build
    explore_build: Build
    zoneplan_page: PageResult | None
    explore_page: PageResult | None
    explore_note: str = ""
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


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


def parcels_file(workdir: Path, n: int, seed: int, *, cadastral: bool = False):
    """Generate the parcels (or reuse the file of an earlier run): file, frame, seconds, reused."""
    import geopandas as gpd

    from zoneplan.synthetic import synthetic_parcels

    kind = "-cadastral" if cadastral else ""
    path = workdir / f"parcels-{n}-seed{seed}{kind}.gpkg"
    t0 = time.perf_counter()
    reused = path.exists()
    if reused:
        log(f"{n:,}: reusing {path}")
        gdf = gpd.read_file(path)
    else:
        log(f"{n:,}: generating parcels (seed {seed})")
        gdf = synthetic_parcels(n, seed=seed, cadastral=cadastral)
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


def timed_build(
    cmd: list[str], out: Path, *, timeout: float | None, memory_gb: float | None = None
) -> Build:
    """Run a build command, timed by wall clock; report how it failed if it did."""
    out.unlink(missing_ok=True)
    meter = OthersMeter()
    meter.start()
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=REPO,
            preexec_fn=_limit_memory(memory_gb) if memory_gb else None,
        )
    except subprocess.TimeoutExpired:
        return Build(failure=f"did not finish in {timeout:.0f} s", others=meter.stop())
    seconds = time.perf_counter() - t0
    others = meter.stop()
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        if "MemoryError" in proc.stderr or proc.returncode in (-9, 137):
            return Build(failure=f"ran out of memory (limit {memory_gb} GB) after {seconds:.0f} s")
        return Build(failure=f"failed after {seconds:.0f} s (exit {proc.returncode}): {tail[0]}")
    return Build(seconds=seconds, html=out, mb=out.stat().st_size / 1e6, others=others)


# --------------------------------------------------------------------------------------
# the browser
# --------------------------------------------------------------------------------------


def _content_type(name: str) -> str:
    kind, _ = mimetypes.guess_type(name)
    if name.endswith((".woff2", ".woff", ".ttf")):
        return "font/" + name.rsplit(".", 1)[1]
    return kind or "application/octet-stream"


class LocalAssets:
    """Answers for the CDN files a page asks for, from installed packages only."""

    def __init__(self, web_assets: Path | None) -> None:
        self.node_modules = web_assets / "node_modules" if web_assets else None

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
            installed != version
            or not target.is_relative_to(root.resolve())
            or not target.is_file()
        ):
            return None
        return target.read_bytes()

    def answer(self, url: str) -> tuple[bytes, str, str] | None:
        """Return (body, content type, source) for a CDN URL, or None to abort it."""
        url = url.split("?", 1)[0].split("#", 1)[0]
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
                return body, _content_type(m.group(3)), f"npm {m.group(1)}@{m.group(2)}"
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
        try:
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
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

        page.evaluate(PAGE_HELPERS)
        view = page.evaluate(
            "(() => { const m = window.__benchMap(); const c = m.getCenter();"
            " return [c.lat, c.lng, m.getZoom()]; })()"
        )
        center, zoom = [view[0], view[1]], view[2]
        result.start_view = f"centre {view[0]:.4f}, {view[1]:.4f}, zoom {zoom}"
        # zoom in level by level (every view new), then back out (every view seen before:
        # zoneplan keeps the pixels of recent tiles, explore() redraws all the same)
        for z in range(zoom + 1, zoom + 1 + ZOOM_LEVELS):
            step = {"center": center, "zoom": z}
            result.zoom_ms.append(page.evaluate("s => window.__benchStep(s)", step))
        for z in range(zoom + ZOOM_LEVELS - 1, zoom - 1, -1):
            step = {"center": center, "zoom": z}
            result.zoom_back_ms.append(page.evaluate("s => window.__benchStep(s)", step))
        page.evaluate("s => window.__benchStep(s)", {"center": center, "zoom": zoom + 1})
        for pan in PANS:
            result.pan_ms.append(page.evaluate("s => window.__benchStep(s)", {"pan": list(pan)}))
        log(
            f"  {tool}: zoom in median {result.zoom_median:.0f} ms {_fmt_list(result.zoom_ms)}, "
            f"back out {_fmt_list(result.zoom_back_ms)}, "
            f"pan median {result.pan_median:.0f} ms {_fmt_list(result.pan_ms)}"
        )
        if not full:
            return result

        measure_hover(page, result, source, int(sample[0]))
        log(f"  {tool}: hover tooltip {_num(result.hover_ms)} ms {result.hover_note}")

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
    steps: dict[str, list[float]] = {"zoom_ms": [], "zoom_back_ms": [], "pan_ms": []}
    result = PageResult()
    for k in range(args.repeat):
        full = k == args.repeat - 1
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
            timeout_s=args.page_timeout,
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
    for name, values in steps.items():
        setattr(result, name, values)
    result.paints_ms = paints
    result.first_paint_ms = statistics.median(paints)
    result.decoded_ms = statistics.median(decoded) if decoded else None
    return result


def measure_hover(page, result: PageResult, source, index: int) -> None:
    """Time from a real mouse move onto a parcel at zoom 18 to its tooltip being shown."""
    point = source.geometry.iloc[index].representative_point()
    name = str(source["name_vi"].iloc[index])
    page.evaluate("s => window.__benchStep(s)", {"center": [point.y, point.x], "zoom": HOVER_ZOOM})
    x, y = page.evaluate(
        "([lat, lon]) => { const m = window.__benchMap();"
        " const p = m.latLngToContainerPoint([lat, lon]);"
        " const r = m.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }",
        [point.y, point.x],
    )
    page.mouse.move(x - 40, y - 40)
    page.wait_for_timeout(300)
    shown = (
        "name => [...document.querySelectorAll('.leaflet-tooltip')].some(e =>"
        " new RegExp(name + '(?![0-9])').test(e.textContent))"
    )
    t0 = time.perf_counter()
    page.mouse.move(x, y)
    try:
        page.wait_for_function(shown, arg=name, polling="raf", timeout=10_000)
    except Exception:  # no tooltip for that parcel: say so rather than time something else
        result.hover_note = f"(no tooltip naming {name} within 10 s)"
        return
    result.hover_ms = (time.perf_counter() - t0) * 1000
    result.hover_note = f"(parcel {name}, zoom {HOVER_ZOOM})"


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


def machine_info(chromium_version: str) -> list[str]:
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
    for name in ("zoneplan", "geopandas", "shapely", "pyogrio", "pyproj", "folium", "mapclassify"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    versions.append(f"playwright {metadata.version('playwright')}")
    return [
        f"- zoneplan source: {zoneplan_source()}",
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


def summary_table(results: list[SizeResult]) -> list[str]:
    """One row per size: the zoneplan / explore() ratio of each metric (– where explore failed)."""
    metrics = [
        ("build", lambda b, p: b.seconds),
        ("HTML", lambda b, p: b.mb),
        ("first paint", lambda b, p: p.first_paint_ms if p and not p.failure else None),
        ("zoom in", lambda b, p: p.zoom_median if p and not p.failure else None),
        ("zoom back", lambda b, p: p.zoom_back_median if p and not p.failure else None),
        ("pan", lambda b, p: p.pan_median if p and not p.failure else None),
        ("JS heap", lambda b, p: p.heap_mb if p and not p.failure else None),
    ]
    lines = [
        "| parcels | " + " | ".join(name for name, _ in metrics) + " |",
        "| ---: | " + " | ".join("---:" for _ in metrics) + " |",
    ]
    for r in results:
        cells = [
            _ratio(get(r.zoneplan_build, r.zoneplan_page), get(r.explore_build, r.explore_page))
            for _, get in metrics
        ]
        lines.append(f"| {r.n:,} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def quietness(results: list[SizeResult]) -> list[str]:
    """A line on how much other processes used the CPUs while this run measured."""
    named = [
        (f"{label} at {r.n:,}", x.others)
        for r in results
        for label, x in (
            ("zoneplan build", r.zoneplan_build),
            ("explore() build", r.explore_build),
            ("zoneplan page", r.zoneplan_page),
            ("explore() page", r.explore_page),
        )
        if x is not None and x.others is not None
    ]
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
    """The Markdown table of one size: rows are metrics, columns the tools and the ratio."""
    zb, eb = r.zoneplan_build, r.explore_build
    zp, ep = r.zoneplan_page, r.explore_page
    why = r.explore_note or eb.failure or (ep.failure if ep else "") or ""

    def page_value(page: PageResult | None, attr: str) -> float | None:
        return getattr(page, attr) if page is not None and page.failure is None else None

    rows = [
        ("Build, s (wall clock, incl. reading the file)", zb.seconds, eb.seconds, 1),
        ("HTML, MB", zb.mb, eb.mb, 1),
        (
            "First paint with all features drawn, ms",
            page_value(zp, "first_paint_ms"),
            page_value(ep, "first_paint_ms"),
            0,
        ),
        (
            "Zoom in one level (new view), median ms",
            page_value(zp, "zoom_median"),
            page_value(ep, "zoom_median"),
            0,
        ),
        (
            "Zoom back out one level (view seen before), median ms",
            page_value(zp, "zoom_back_median"),
            page_value(ep, "zoom_back_median"),
            0,
        ),
        (
            "Pan 300 px (mostly new ground), median ms",
            page_value(zp, "pan_median"),
            page_value(ep, "pan_median"),
            0,
        ),
        (
            "Hover: mouse move to tooltip shown, ms",
            page_value(zp, "hover_ms"),
            page_value(ep, "hover_ms"),
            0,
        ),
        (
            "JS heap (V8 + DOM + array buffers), MB",
            page_value(zp, "heap_mb"),
            page_value(ep, "heap_mb"),
            0,
        ),
        (
            "Geometry: max drawn-to-source vertex distance, m",
            page_value(zp, "geometry_m"),
            page_value(ep, "geometry_m"),
            3,
        ),
    ]
    lines = [
        f"### {r.n:,} parcels ({r.vertices:,} vertices)",
        "",
        "| metric | zoneplan | explore() | zoneplan / explore |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, a, b, digits in rows:
        lines.append(f"| {label} | {_num(a, digits)} | {_num(b, digits)} | {_ratio(a, b)} |")
    if zp is not None and zp.failure is None:
        what = "big layer decoded" if zp.geometry_path.startswith("big") else "page data parsed"
        lines.append(f"| zoneplan: {what} (`timings.decoded`), ms | {_num(zp.decoded_ms)} | | |")
    lines.append("")
    if why:
        lines.append(f"explore(): {why}.")
    if zb.failure or (zp and zp.failure):
        lines.append(f"zoneplan: {zb.failure or zp.failure}.")
    lines.append("")
    return lines


def details(r: SizeResult) -> list[str]:
    """The raw numbers behind one size's table."""
    lines = [f"#### Details, {r.n:,} parcels", ""]
    lines.append(
        f"- Parcels file: GeoPackage, {r.parcels_file.stat().st_size / 1e6:.1f} MB; "
        f"{'read from an earlier run' if r.reused else 'generated'} in {r.generate_s:.1f} s "
        "(not counted). Load average before/after: "
        f"{' '.join(f'{x:.2f}' for x in r.load_before)} / "
        f"{' '.join(f'{x:.2f}' for x in r.load_after)}"
    )
    for tool, build in (("zoneplan", r.zoneplan_build), ("explore()", r.explore_build)):
        if build.idle is not None:
            lines.append(
                f"- {tool} build: CPU idle before it {build.idle:.0%}; other processes used "
                f"{_pct(build.others)} of the CPUs during it"
            )
    for tool, page in (("zoneplan", r.zoneplan_page), ("explore()", r.explore_page)):
        if page is None:
            continue
        if page.failure:
            lines.append(f"- {tool}: {page.failure}")
            continue
        heap = ", ".join(
            f"{k} {page.heap[k]:.0f}"
            for k in ("usedSize", "embedderHeapUsedSize", "backingStorageSize", "totalSize")
            if k in page.heap
        )
        refused = len(page.console_errors) + len(page.page_errors) - len(page.errors)
        lines.append(
            f"- {tool}: load event {_num(page.load_ms)} ms, first animation frame after it "
            f"{_num(page.raf1_ms)} ms (last opening); start view {page.start_view}; zoom in "
            f"{_fmt_list(page.zoom_ms)} ms, back out {_fmt_list(page.zoom_back_ms)} ms, "
            f"pans {_fmt_list(page.pan_ms)} ms; heap MB: {heap}; "
            f"geometry from {page.geometry_path}, {page.geometry_matched} of {GEOMETRY_SAMPLE} "
            f"parcels matched, same vertex count: {page.geometry_vertices_equal}; "
            f"first paints {_fmt_list(page.paints_ms)} ms (median in the table); "
            f"console errors {len(page.console_errors)} ({refused} "
            f"of them refused requests), page errors {len(page.page_errors)}; "
            f"{page.tiles_aborted} tile requests aborted; CPU idle before opening "
            f"{_pct(page.idle)}; other processes used up to {_pct(page.others)} of the CPUs "
            "during an opening"
        )
        if page.aborted:
            lines.append(f"  - aborted: {', '.join(sorted(set(page.aborted)))}")
        if page.errors:
            lines.append(f"  - errors: {' | '.join(sorted(set(page.errors)))[:600]}")
    lines.append("")
    return lines


def targets(results: list[SizeResult]) -> list[str]:
    """One line per target of the issue: met / not met, with the numbers."""
    lines = ["## Targets", ""]
    by_n = {r.n: r for r in results}

    def verdict(ok: bool | None) -> str:
        return "**met**" if ok else ("**not met**" if ok is False else "**not measured**")

    r = by_n.get(100_000)
    if r is not None:
        zb, eb, zp, ep = r.zoneplan_build, r.explore_build, r.zoneplan_page, r.explore_page
        ok = None if zb.mb is None or eb.mb is None else zb.mb <= eb.mb / 5
        lines.append(
            f"- 100k: HTML at most 1/5 of explore's: {verdict(ok)} "
            f"({_num(zb.mb, 1)} MB vs {_num(eb.mb, 1)} MB, ratio {_ratio(zb.mb, eb.mb)})"
        )
        a = zp.first_paint_ms if zp and not zp.failure else None
        b = ep.first_paint_ms if ep and not ep.failure else None
        ok = None if a is None or b is None else a <= b / 5
        lines.append(
            f"- 100k: first paint at most 1/5 of explore's: {verdict(ok)} "
            f"({_num(a)} ms vs {_num(b)} ms, ratio {_ratio(a, b)})"
        )
        zm = zp.zoom_median if zp and not zp.failure else None
        pm = zp.pan_median if zp and not zp.failure else None
        ok = None if zm is None or pm is None else max(zm, pm) <= 100
        lines.append(
            f"- 100k: pan/zoom redraw within 100 ms: {verdict(ok)} "
            f"(zoom-in median {_num(zm)} ms, pan median {_num(pm)} ms; slowest of these steps "
            f"{_num(max(zp.zoom_ms + zp.pan_ms)) if zm is not None else '–'} ms; zooming back "
            f"out to a view seen before: median {_num(zp.zoom_back_median if zm else None)} ms)"
        )
    r = by_n.get(1_000_000)
    if r is not None:
        zp = r.zoneplan_page
        a = zp.first_paint_ms if zp and not zp.failure else None
        ok = None if a is None else a <= 15_000
        lines.append(f"- 1M: the map opens, first paint within 15 s: {verdict(ok)} ({_num(a)} ms)")
        measured = zp is not None and zp.failure is None and zp.zoom_ms and zp.pan_ms
        slowest = max(zp.zoom_ms + zp.zoom_back_ms + zp.pan_ms) if measured else None
        hover = zp.hover_ms if measured else None
        ok = (
            None
            if not measured
            else slowest <= 1000 and hover is not None and hover <= 1000 and not zp.errors
        )
        lines.append(
            "- 1M: stays usable (taken as: every pan/zoom step painted and the hover tooltip "
            f"shown within 1 s, no page or console error): {verdict(ok)} (slowest step "
            f"{_num(slowest)} ms, zoom median {_num(zp.zoom_median if measured else None)} ms, "
            f"pan median {_num(zp.pan_median if measured else None)} ms, hover {_num(hover)} ms, "
            f"errors: {len(zp.errors) if zp else '–'}); against the 100 ms bar of 100k: "
            f"{verdict(None if not measured else max(zp.zoom_median, zp.pan_median) <= 100)}"
        )
    worst = [
        r.zoneplan_page.geometry_m
        for r in results
        if r.zoneplan_page
        and not r.zoneplan_page.failure
        and r.zoneplan_page.geometry_m is not None
    ]
    if worst:
        ok = max(worst) <= 1.0
        lines.append(
            f"- All sizes: geometry shown at full zoom within 1 m of the source: {verdict(ok)} "
            f"(largest {max(worst):.3f} m over {GEOMETRY_SAMPLE} random parcels per size)"
        )
    lines.append("")
    return lines


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

    sizes = ",".join(str(r.n) for r in results)
    rerun = ".venv/bin/python benchmarks/bench_map.py"
    if sizes != ",".join(str(n) for n in DEFAULT_SIZES):
        rerun += f" --sizes {sizes}"
    if args.style_by:
        rerun += f" --style-by {args.style_by}"
    if args.skip_explore_above is not None:
        rerun += f" --skip-explore-above {args.skip_explore_above}"
    lines = [
        "# Map benchmark: zoneplan's big-layer path against geopandas' explore()",
        "",
        "Generated by `benchmarks/bench_map.py`; do not edit by hand. Rerun with:",
        "",
        "```sh",
        rerun,
        "```",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (the run took {minutes:.0f} min)",
        f"- Synthetic parcels: `zoneplan.synthetic.synthetic_parcels(n, seed={args.seed})`, "
        "a jittered quadrilateral mesh over the zone (4 corners each), written to a "
        "GeoPackage that both tools read",
        *machine_info(chromium_version),
        f"- explore() time limit {args.explore_timeout:.0f} s, memory limit "
        f"{args.explore_memory_gb:g} GB; page time limit {args.page_timeout:.0f} s",
        "",
        *(
            [
                f"- zoneplan's map is styled with `--style-by {args.style_by}` on "
                f"`synthetic_parcels(n, seed={args.seed}, cadastral=True)`",
                "",
            ]
            if args.style_by
            else []
        ),
        "zoneplan builds with `zoneplan build --layer FILE --self-contained` (its map also holds "
        f"the catalog layers; a layer of more than {BIG_LAYER_FEATURES:,} features or "
        f"{BIG_LAYER_VERTICES:,} vertices takes the big-layer path, the others GeoJSON/SVG; "
        "the path each size took is in the details, under geometry). explore() is "
        "`gpd.read_file(FILE).explore()` with its defaults, saved with `m.save()`. Ratios are "
        "zoneplan / explore(): below 1 is in zoneplan's favour. explore() needs `mapclassify` "
        "(the `bench` extra installs it); the run's versions are above.",
        "",
        "## Summary: zoneplan / explore() ratios",
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
        "the GeoPackage included.",
        "- **First paint**: ms since navigation start. zoneplan: `window.zoneplan.timings.drawn`, "
        "set when every big-layer tile in view was drawn and two animation frames followed "
        "(the page then "
        "marks `body[data-zoneplan-ready]`). explore(): Leaflet's SVG renderer adds every path "
        "while the page's script runs; a script injected before the page schedules an "
        "animation frame at the load event and a second one from it, and the second "
        "callback's time is taken, i.e. after the frame that laid out and painted every path. "
        f"Median of {args.repeat} openings, each in a fresh browser.",
        "- **Redraw**: from the fitted view (centre c, zoom z), `setView(c, z+1)`, then z+2 ... "
        f"z+{ZOOM_LEVELS} (each view new), then back out level by level to z (each view seen "
        "before: zoneplan keeps the pixels of recent tiles, so this is its cached case; "
        f"explore() redraws every path either way); then at z+1, {len(PANS)} `panBy` of 300 px "
        "(E, E, S, S, W x4) onto mostly new ground; all with `{animate: false}`. Each step is "
        "timed in the page until it is painted: zoneplan `await viewer.whenDrawn()` (two "
        "animation frames), explore() two animation frames. The steps run on each of the "
        f"{args.repeat} openings; medians over all of them are shown, every step is in the "
        "details. The 100 ms "
        "target is judged on the new-view zoom and the pan.",
        f"- **Hover**: at zoom {HOVER_ZOOM} over a sampled parcel, from a real mouse move "
        "(Playwright) onto it to a tooltip naming that parcel; timed from Python, so a few ms "
        "of protocol round trip are included.",
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
        "everything else, basemap tiles included, fails there at once, as offline.",
        "",
        "Requests answered locally:",
        "",
    ]
    lines += [f"- {u}" for u in sorted(requests["served"])] or ["- none"]
    lines += ["", "Requests aborted (besides basemap tiles):", ""]
    lines += [f"- {u}" for u in sorted(requests["aborted"])] or ["- none"]
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
    p.add_argument("--chromium", default=chromium.CHROMIUM, help="Chromium executable")
    p.add_argument(
        "--web-assets",
        type=Path,
        default=Path.home() / ".cache" / "zoneplan-bench" / "web",
        help="npm folder for folium's CDN files (default: %(default)s)",
    )
    p.add_argument("--no-npm", action="store_true", help="abort folium's non-Leaflet CDN requests")
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
    started = dt.datetime.now()
    t_start = time.perf_counter()
    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="zoneplan-bench-"))
        cleanup = not args.keep
    log(f"work folder {workdir}")
    web = None if args.no_npm else ensure_web_assets(args.web_assets)
    local = LocalAssets(web)
    zoneplan_cli = str(Path(sys.executable).with_name("zoneplan"))
    requests: dict[str, set[str]] = {"served": set(), "aborted": set()}
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
            for n in sizes:
                load_before = os.getloadavg()
                path, gdf, gen_s, reused = parcels_file(
                    workdir, n, args.seed, cadastral=bool(args.style_by)
                )
                vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
                rng = np.random.default_rng(args.seed)
                sample = np.sort(
                    rng.choice(len(gdf), size=min(GEOMETRY_SAMPLE, len(gdf)), replace=False)
                )
                folder = workdir / f"n{n}"
                folder.mkdir(exist_ok=True)

                log(f"{n:,}: zoneplan build")
                idle = wait_for_quiet(args.quiet_wait)
                zb = timed_build(
                    [
                        zoneplan_cli,
                        "-q",
                        "build",
                        "--layer",
                        str(path),
                        "--self-contained",
                        *(["--style-by", args.style_by] if args.style_by else []),
                        "--out",
                        str(folder / "zp.html"),
                    ],
                    folder / "zp.html",
                    timeout=None,
                )
                zb.idle = idle
                log(
                    f"{n:,}: zoneplan build {_num(zb.seconds, 1)} s, {_num(zb.mb, 1)} MB "
                    f"{zb.failure or ''}"
                )

                note = ""
                if args.skip_explore_above is not None and n > args.skip_explore_above:
                    note = f"not run (--skip-explore-above {args.skip_explore_above:,})"
                    eb = Build(failure=note)
                else:
                    log(f"{n:,}: explore() build (limit {args.explore_timeout:.0f} s)")
                    idle = wait_for_quiet(args.quiet_wait)
                    eb = timed_build(
                        [
                            sys.executable,
                            "-c",
                            EXPLORE_SCRIPT,
                            str(path),
                            str(folder / "explore.html"),
                        ],
                        folder / "explore.html",
                        timeout=args.explore_timeout,
                        memory_gb=args.explore_memory_gb,
                    )
                    eb.idle = idle
                    log(
                        f"{n:,}: explore() build {_num(eb.seconds, 1)} s, {_num(eb.mb, 1)} MB "
                        f"{eb.failure or ''}"
                    )

                pages: dict[str, PageResult | None] = {"zoneplan": None, "explore": None}
                for tool, build in (("zoneplan", zb), ("explore", eb)):
                    if build.html is None:
                        continue
                    page = pages[tool] = open_repeatedly(
                        pw, args, build.html, tool=tool, local=local, source=gdf, sample=sample
                    )
                    requests["served"].update(u.replace(" <- ", " ← ") for u in page.served)
                    requests["aborted"].update(page.aborted)
                results.append(
                    SizeResult(
                        n=n,
                        vertices=vertices,
                        parcels_file=path,
                        generate_s=gen_s,
                        reused=reused,
                        zoneplan_build=zb,
                        explore_build=eb,
                        zoneplan_page=pages["zoneplan"],
                        explore_page=pages["explore"],
                        explore_note=note,
                        load_before=load_before,
                        load_after=os.getloadavg(),
                    )
                )
                del gdf
                write_report(
                    args.out,
                    results,
                    args=args,
                    chromium_version=chromium_version,
                    requests=requests,
                    started=started,
                    minutes=(time.perf_counter() - t_start) / 60,
                )
                log(f"{n:,}: done; report so far in {args.out}")
    finally:
        if cleanup:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
