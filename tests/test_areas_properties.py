"""Property-based tests (hypothesis) of the area measurements."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiPoint, Point, Polygon, affinity
from shapely.ops import split

from zoneplan.areas import measure_features
from zoneplan.crs import tm3_area_scale_bounds

# The Decision 1511 bounding box of the zone (WGS 84).
BOX = (106.5356, 20.5972, 106.8208, 20.7597)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

lons = st.floats(BOX[0], BOX[2], allow_nan=False)
lats = st.floats(BOX[1], BOX[3], allow_nan=False)


@st.composite
def polygons(draw, *, holes: bool = False) -> Polygon:
    """A convex polygon inside the zone's box, densified to ~200 m edges, maybe with a hole."""
    pts = draw(st.lists(st.tuples(lons, lats), min_size=3, max_size=9, unique=True))
    hull = MultiPoint(pts).convex_hull
    assume(hull.geom_type == "Polygon" and hull.area > 1e-5)  # > ~10 ha
    poly = hull.segmentize(0.002)
    if holes and draw(st.booleans()):
        inner = affinity.scale(poly, 0.3, 0.3, origin=poly.centroid)
        poly = Polygon(poly.exterior.coords, [inner.exterior.coords])
    return poly


def measure(*geoms, crs=4326):
    return measure_features(gpd.GeoDataFrame(geometry=list(geoms), crs=crs))


def reorder(poly: Polygon, start: int, reverse: bool) -> Polygon:
    """The same polygon with its rings starting at another vertex and maybe reversed."""

    def ring(coords):
        c = list(coords)[:-1]
        k = start % len(c)
        c = c[k:] + c[:k]
        if reverse:
            c = c[::-1]
        return [*c, c[0]]

    return Polygon(ring(poly.exterior.coords), [ring(h.coords) for h in poly.interiors])


@SETTINGS
@given(poly=polygons(holes=True), start=st.integers(0, 500), reverse=st.booleans())
def test_area_independent_of_orientation_and_start_vertex(poly, start, reverse):
    other = reorder(poly, start, reverse)
    m = measure(poly, other)
    for col in ("area_ha_vn2000", "area_ha_ellipsoidal"):
        assert m[col].iloc[1] == pytest.approx(m[col].iloc[0], rel=1e-10)
        assert m[col].iloc[0] > 0


@SETTINGS
@given(poly=polygons(holes=True), frac=st.floats(0.1, 0.9), vertical=st.booleans())
def test_splitting_conserves_area(poly, frac, vertical):
    minx, miny, maxx, maxy = poly.bounds
    if vertical:
        x = minx + frac * (maxx - minx)
        cutter = LineString([(x, miny - 1), (x, maxy + 1)])
    else:
        y = miny + frac * (maxy - miny)
        cutter = LineString([(minx - 1, y), (maxx + 1, y)])
    # densify the cut so its geodesic edges follow the same line in both halves
    parts = list(split(poly, cutter.segmentize(0.002)).geoms)
    assume(len(parts) >= 2)
    m = measure(poly, *parts)
    for col in ("area_ha_vn2000", "area_ha_ellipsoidal"):
        whole, pieces = m[col].iloc[0], m[col].iloc[1:].sum()
        # the cut points sit on lon/lat-straight edges, not on the geodesics between the
        # vertices: ~1e-4 m off on 200 m edges, a few hundredths of a m² per cut
        assert pieces == pytest.approx(whole, rel=1e-7)


@SETTINGS
@given(poly=polygons(holes=True))
def test_planar_and_ellipsoidal_agree_within_the_tm3_bound(poly):
    low, high = tm3_area_scale_bounds(BOX)
    m = measure(poly).iloc[0]
    ratio = m["area_ha_vn2000"] / m["area_ha_ellipsoidal"]
    assert low <= ratio <= high
    # and on the 105°30' meridian, with its own, larger bound
    low30, high30 = tm3_area_scale_bounds(BOX, meridian=105.5)
    m30 = measure_features(gpd.GeoDataFrame(geometry=[poly], crs=4326), meridian=105.5).iloc[0]
    assert low30 <= m30["area_ha_vn2000"] / m30["area_ha_ellipsoidal"] <= high30


@SETTINGS
@given(
    x=st.floats(560_000, 600_000),
    y=st.floats(2_278_000, 2_296_000),
    w=st.floats(10, 5_000),
    h=st.floats(10, 5_000),
    r=st.floats(10, 2_000),
)
def test_rectangles_and_buffered_points_in_utm(x, y, w, h, r):
    # delivered in WGS 84 / UTM 48N: same answers as the same shapes in lon/lat
    rect = Polygon([(x, y), (x + w, y), (x + w, y + h), (x, y + h)]).segmentize(250)
    disc = Point(x, y).buffer(r, quad_segs=16)
    utm = gpd.GeoDataFrame(geometry=[rect, disc], crs=32648)
    lonlat = utm.to_crs(4326)
    a, b = measure_features(utm), measure_features(lonlat)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9)
    # UTM has k = 0.9996 (1 + x²/2R²), x ≤ 105 km from 105°E here: ellipsoidal = UTM area / k²
    ratio = a["area_ha_ellipsoidal"] * 1e4 / utm.area
    assert ratio.between(0.9996**-2 * (1 - 3e-4), 0.9996**-2).all()
    assert (a["area_ha_ellipsoidal"] > 0).all()
