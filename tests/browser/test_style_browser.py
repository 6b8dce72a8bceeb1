"""
Parcels styled by land-use code, labelled and searched, in real headless Chromium.

One map holds two parcel files built with the real CLI: one drawn as GeoJSON and one
by the big-layer renderer, both ``--style-by land_use_code --label-by
so_thua,land_use_code --search-by chu_su_dung,so_to,so_thua`` (labels of two lines: the
parcel number over the code). The colours at known pixels, the legend's counts and
hectares, the labels at street zoom and the search by parcel number and by a land user's
name without diacritics are checked on both.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from zoneplan import landuse
from zoneplan.areas import measure_features
from zoneplan.cli import main
from zoneplan.synthetic import synthetic_parcels

pytestmark = pytest.mark.browser

SMALL, BIG = "small.gpkg", "big.gpkg"
N_SMALL, N_BIG = 300, 2700


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("styled")
    parcels = synthetic_parcels(N_SMALL + N_BIG, seed=17, cadastral=True)
    parcels.loc[[0, 1], "land_use_code"] = "QQQ"
    parcels.loc[[N_SMALL, N_SMALL + 1], "land_use_code"] = "QQQ"
    # land users' names, found by search without their diacritics
    parcels["chu_su_dung"] = None
    parcels.loc[16, "chu_su_dung"] = "Trần Đức Thắng"
    parcels.loc[1044, "chu_su_dung"] = "Lê Thị Hoà"
    small, big = parcels.iloc[:N_SMALL], parcels.iloc[N_SMALL:]
    small.to_file(folder / SMALL)
    big.to_file(folder / BIG)
    out = folder / "styled.html"
    args = ["-q", "build", "--out", str(out), "--layer", str(folder / SMALL)]
    args += ["--layer", str(folder / BIG), "--big-layer-threshold", "1000"]
    args += ["--style-by", "land_use_code", "--label-by", "so_thua,land_use_code"]
    args += ["--search-by", "chu_su_dung,so_to,so_thua"]
    assert main(args) == 0
    return {"map": out, SMALL: small.reset_index(drop=True), BIG: big.reset_index(drop=True)}


@pytest.fixture(scope="module")
def page(shared_map, files):
    state = shared_map("styled", files["map"], tiles="blank")
    kinds = state.js("window.zoneplan.viewer.layers.slice(-2).map(e => !!e.big)")
    assert kinds == [False, True]
    yield state
    state.assert_clean(allow_refused_tiles=True)


LEGEND = """() => Array.from(document.querySelectorAll('.zp-legend-item[data-count]')).map(li => ({
  index: Number(li.getAttribute('data-category-index')), hidden: li.hidden,
  count: Number(li.getAttribute('data-count')), ha: Number(li.getAttribute('data-ha')),
  text: li.textContent, group: window.zoneplan.viewer.categories[
    Number(li.getAttribute('data-category-index'))].legend_group}))"""


def _expected(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    measured = measure_features(frame)["area_ha_vn2000"]
    table = pd.DataFrame({"code": frame["land_use_code"], "ha": measured.to_numpy()})
    return table.groupby("code")["ha"].agg(["size", "sum"])


def test_legend_counts_hectares_and_names(page, files) -> None:
    rows = page.js(LEGEND)
    for name in (SMALL, BIG):
        expected = _expected(files[name])
        mine = [r for r in rows if r["group"] == f"{name} · land_use_code"]
        assert len(mine) == len(expected)
        for r in mine:
            code = r["text"].split(" · ")[0]
            assert not r["hidden"]
            assert r["count"] == expected.loc[code, "size"], (name, code)
            assert r["ha"] == pytest.approx(expected.loc[code, "sum"], rel=1e-9), (name, code)
            known = landuse.CODES.get(code)
            if known:  # Vietnamese and English names
                assert known.name_vi in r["text"]
                assert known.name_en in r["text"]
            else:
                assert "Code not in the table" in r["text"]


def test_legend_follows_visibility_and_the_phase_filter(page, files) -> None:
    big_index = page.js("window.zoneplan.viewer.layers.length - 1")
    page.js(f"window.zoneplan.viewer.setLayerOn({big_index}, false)")
    rows = page.js(LEGEND)
    assert all(r["hidden"] for r in rows if r["group"].startswith(BIG))
    assert not any(r["hidden"] for r in rows if r["group"].startswith(SMALL))
    heads = page.js(
        "Array.from(document.querySelectorAll('.zp-legend-section')).map(s => "
        "[(s.querySelector('.zp-legend-heading') || {}).textContent, s.hidden])"
    )
    assert dict(heads)[BIG] is True
    assert dict(heads)[SMALL] is False
    page.js(f"window.zoneplan.viewer.setLayerOn({big_index}, true)")
    none = page.js("window.zoneplan.viewer.data.phases.findIndex(p => p.key === 'none')")
    page.js(f"window.zoneplan.viewer.setPhaseOn({none}, false)")
    assert all(r["hidden"] for r in page.js(LEGEND))
    page.js(f"window.zoneplan.viewer.setPhaseOn({none}, true)")
    assert not any(r["hidden"] for r in page.js(LEGEND))


CENTRE = """([lat, lon, z]) => {
  const v = window.zoneplan.viewer;
  v.map.setView([lat, lon], z, {animate: false});
  return v.whenDrawn().then(() => new Promise(r => setTimeout(r, 60))).then(() => {
    const p = v.map.latLngToContainerPoint([lat, lon]);
    const b = v.map.getContainer().getBoundingClientRect();
    return [b.left + p.x, b.top + p.y];
  });
}"""


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    png = page.page.screenshot(clip={"x": int(x) - 1, "y": int(y) - 1, "width": 3, "height": 3})
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((1, 1))


def test_colours_at_known_pixels(page, files) -> None:
    v = "window.zoneplan.viewer"
    # only the parcels over an empty background: other layers off, no basemap
    page.js(f"{v}.layers.slice(0, -2).forEach(e => {v}.setLayerOn(e.index, false))")
    page.js(f"{v}.addBasemapLayer(-1)")
    page.js(f"{v}.labelPane.style.display = 'none'")
    bg = page.js(
        "getComputedStyle(window.zoneplan.viewer.map.getContainer()).backgroundColor"
        ".match(/\\d+/g).map(Number)"
    )
    opacity = 0.8
    checked = 0
    for name in (SMALL, BIG):
        frame = files[name]
        for i in (0, 5, 40, 123, 250):
            point = shapely.point_on_surface(frame.geometry.iloc[i])
            x, y = page.js(CENTRE, [point.y, point.x, 16])
            code = frame.loc[i, "land_use_code"]
            known = landuse.CODES.get(code)
            fill = known.rgb if known else landuse.UNKNOWN_RGB
            expected = [
                round(opacity * f + (1 - opacity) * b) for f, b in zip(fill, bg[:3], strict=False)
            ]
            got = _pixel(page, x, y)
            assert np.abs(np.array(got) - expected).max() <= 4, (name, i, code, got, expected)
            checked += 1
    assert checked == 10
    page.js(f"{v}.labelPane.style.display = ''")
    page.js(f"{v}.layers.slice(0, -2).forEach(e => {v}.setLayerOn(e.index, !!e.spec.visible))")
    page.js(f"{v}.addBasemapLayer(0)")


LABELS = """() => Array.from(
  window.zoneplan.viewer.labelPane.querySelectorAll('.zp-value-label')).map(n => {
  const r = n.getBoundingClientRect();
  const v = window.zoneplan.viewer, b = v.map.getContainer().getBoundingClientRect();
  const c = v.map.containerPointToLatLng(
    [r.left + r.width / 2 - b.left, r.top + r.height / 2 - b.top]);
  return {lines: Array.from(n.children).map(l => l.textContent),
          box: [r.left, r.top, r.right, r.bottom], lat: c.lat, lon: c.lng};
})"""


@pytest.mark.parametrize("name", [SMALL, BIG])
def test_labels_fit_their_parcel_and_never_overlap(page, files, name) -> None:
    frame = files[name]
    centre = shapely.point_on_surface(frame.geometry.iloc[150])
    page.js(CENTRE, [centre.y, centre.x, 12])
    page.page.wait_for_timeout(100)
    assert page.js(LABELS) == []  # a cloud of parcels: no label fits
    page.js(CENTRE, [centre.y, centre.x, 17])
    page.page.wait_for_timeout(150)
    labels = page.js(LABELS)
    assert len(labels) >= 5
    boxes = np.array([lab["box"] for lab in labels])
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (labels[i], labels[j])
    # each label is the parcel number over the land-use code of the parcel it stands in
    both = pd.concat([files[SMALL], files[BIG]], ignore_index=True)
    tree = shapely.STRtree(both.geometry.values)
    matched = 0
    for lab in labels:
        hits = tree.query(shapely.Point(lab["lon"], lab["lat"]), predicate="intersects")
        assert len(hits) >= 1, lab
        lines = [[str(both.loc[h, "so_thua"]), str(both.loc[h, "land_use_code"])] for h in hits]
        assert lab["lines"] in lines, lab
        matched += 1
    assert matched == len(labels)


@pytest.mark.parametrize(
    ("query", "name", "row"),
    [
        ("tờ 1 thửa 17", SMALL, 16),
        ("to 1 thua 17", SMALL, 16),
        ("1/17", SMALL, 16),
        ("Tờ 3, thửa 45", BIG, 1044 - N_SMALL),
        ("3/45", BIG, 1044 - N_SMALL),
        ("tran duc thang", SMALL, 16),
        ("LE THI HOA", BIG, 1044 - N_SMALL),
    ],
)
def test_search_by_parcel_number_opens_the_parcel(page, files, query, name, row) -> None:
    parcel = files[name].loc[row]
    page.page.fill(".zp-search-input", "")
    page.page.fill(".zp-search-input", query)
    hits = page.js(
        "Array.from(document.querySelectorAll('.zp-search-hit')).map(b => b.textContent)"
    )
    assert hits
    assert hits[0] == f"{parcel['name_vi']}{name}"
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector(".zp-popup .zp-props-extra", timeout=5000)
    props = dict(
        page.js(
            "Array.from(document.querySelectorAll('.zp-popup .zp-props-extra tr'))"
            ".map(tr => [tr.children[0].textContent, tr.children[1].textContent])"
        )
    )
    assert props["so_to"] == str(parcel["so_to"])
    assert props["so_thua"] == str(parcel["so_thua"])
    assert props["land_use_code"] == parcel["land_use_code"]
    category = page.js("document.querySelector('.zp-popup .zp-row-category td').textContent")
    assert category.startswith(parcel["land_use_code"] + " · ")
    page.js("() => { window.zoneplan.viewer.map.closePopup(); }")
