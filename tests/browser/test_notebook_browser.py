"""
The map as a notebook shows it, in Chromium with no network at all: the iframe's page
keeps the saved file's Content-Security-Policy and draws with Leaflet inlined; a map
that links Leaflet's CDN says in the page that the library could not be loaded.
"""

from __future__ import annotations

import re
from html import unescape

import geopandas as gpd
import pytest
from shapely.geometry import box

from zoneplan.render import MapLayer, assets, build_map, notebook_html
from zoneplan.render.map import content_security_policy

pytestmark = pytest.mark.browser

CSP = "meta[http-equiv=Content-Security-Policy]"


def _map(self_contained: bool | None):
    gdf = gpd.GeoDataFrame(
        {"name_vi": ["Khu công nghiệp"], "name_en": ["Industrial park"]},
        geometry=[box(106.70, 20.60, 106.72, 20.62)],
        crs=4326,
    )
    return build_map(
        [MapLayer("demo", "Thử", "Demo", "context", gdf)], lang="en", self_contained=self_contained
    )


def _show(browser, tmp_path, cell_html: str, *, serve_leaflet: bool = False):
    """Open `cell_html` in a page as a notebook output; every request refused but Leaflet's."""
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{cell_html}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    refused: list[str] = []
    errors: list[str] = []
    files = {
        assets.LEAFLET_JS_URL: assets.leaflet_file("leaflet.js"),
        assets.LEAFLET_CSS_URL: assets.leaflet_file("leaflet.css"),
    }

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:", "about:")):
            r.continue_()
        elif serve_leaflet and url in files:
            kind = "text/css" if url.endswith(".css") else "application/javascript"
            headers = {"access-control-allow-origin": "*"}
            r.fulfill(status=200, body=files[url], content_type=kind, headers=headers)
        else:
            refused.append(url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.goto(host.as_uri(), wait_until="load")
    frame = page.frame_locator("iframe")
    return context, page, frame, refused, errors


def test_inline_map_draws_offline_under_the_saved_files_policy(browser, tmp_path):
    cell = notebook_html(_map(None))
    context, page, frame, refused, errors = _show(browser, tmp_path, cell)
    try:
        frame.locator("body[data-zoneplan-ready]").wait_for(state="attached", timeout=15_000)
        assert frame.locator("path.leaflet-interactive").count() >= 1
        inner = page.frames[1]
        assert inner.evaluate("typeof window.L") == "object"
        policy = inner.evaluate(f"document.querySelector('{CSP}').content")
        page = unescape(re.search(r'srcdoc="([^"]*)"', cell).group(1))
        assert policy == content_security_policy(page)  # made as for a saved file
        assert errors == []  # no script refused by the policy, nothing failed
        assert all("unpkg.com" not in u for u in refused)  # only basemap tiles were asked for
        assert frame.locator("#zoneplan-leaflet-missing").count() == 0
    finally:
        context.close()


def test_a_cdn_map_says_when_leaflet_cannot_load(browser, tmp_path):
    cell = notebook_html(_map(False))
    assert 'src="https://unpkg.com/leaflet' in unescape(cell)
    context, _, frame, refused, _ = _show(browser, tmp_path, cell)
    try:
        alert = frame.locator("#zoneplan-leaflet-missing")
        alert.wait_for(timeout=15_000)
        assert alert.get_attribute("role") == "alert"
        assert alert.inner_text() == assets.LEAFLET_MISSING_TEXT
        assert assets.LEAFLET_JS_URL in refused
    finally:
        context.close()
    # with the CDN reachable the same cell draws and says nothing
    context, _, frame, _, errors = _show(browser, tmp_path, cell, serve_leaflet=True)
    try:
        frame.locator("body[data-zoneplan-ready]").wait_for(state="attached", timeout=15_000)
        assert frame.locator("#zoneplan-leaflet-missing").count() == 0
        assert errors == []
    finally:
        context.close()
