"""Fuzzing the validator with hypothesis: it reports problems, it never crashes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneplan.errors import ZoneplanError
from zoneplan.validate import Problem, check_geojson, errors_only, load_user_layer, validate_file

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.floats(min_value=106.5, max_value=106.9),
    st.integers(min_value=-(10**12), max_value=10**12),
    # integers beyond the float range (10**400 cannot become a float)
    st.integers(min_value=300, max_value=1000).map(lambda e: 10**e) | st.just(-(10**400)),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=12))


def _nest(depth: int, leaf):
    """A value nested `depth` lists deep, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


#: Values nested about as deep as the validator allows, or deeper (json.dumps writes up to ~990
#: levels; the corpus has a file nested 100,000 deep, beyond what json parses).
deep_values = st.builds(_nest, st.integers(min_value=30, max_value=600), scalars)
json_values = st.recursive(
    st.one_of(scalars, deep_values),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
position = st.lists(numbers, min_size=0, max_size=4)
ring = st.lists(position, max_size=7)
geometry_types = (
    st.sampled_from(
        [
            "Point",
            "MultiPoint",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
            "GeometryCollection",
            "Nope",
            None,
        ]
    )
    | json_values  # a "type" that is a list or an object must be reported, not raise TypeError
)


@st.composite
def geometries(draw):
    gtype = draw(geometry_types)
    coords = draw(
        st.one_of(
            position,
            st.lists(position, max_size=5),
            st.lists(ring, max_size=3),
            st.lists(st.lists(ring, max_size=2), max_size=2),
            json_values,
        )
    )
    geom = {"type": gtype, "coordinates": coords}
    if gtype == "GeometryCollection":
        geom = {
            "type": gtype,
            "geometries": draw(
                st.lists(
                    st.fixed_dictionaries({"type": st.just("Point"), "coordinates": position}),
                    max_size=3,
                )
            ),
        }
    return draw(st.one_of(st.just(geom), st.none(), json_values))


@st.composite
def features(draw):
    props = draw(
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(
                    ["id", "name_vi", "category", "phase", "declared_area_ha", "source_url", "x"]
                ),
                scalars,
                max_size=5,
            ),
            json_values,
        )
    )
    return draw(
        st.one_of(
            st.just({"type": "Feature", "properties": props, "geometry": draw(geometries())}),
            json_values,
        )
    )


documents = st.one_of(
    st.builds(
        lambda fs: {"type": "FeatureCollection", "features": fs}, st.lists(features(), max_size=4)
    ),
    st.builds(
        lambda t, fs: {"type": t, "features": fs}, json_values, st.lists(features(), max_size=2)
    ),
    features(),
    geometries(),
    json_values,
)


def _dump(doc) -> str:
    # allow_nan so NaN/Infinity tokens reach the reader, as broken exporters write them
    return json.dumps(doc, allow_nan=True, ensure_ascii=False)


def _write(folder, doc):
    """Write `doc` as fuzz.geojson in `folder` and return the path."""
    path = folder / "fuzz.geojson"
    path.write_text(_dump(doc), encoding="utf-8")
    return path


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from(["user", "catalog"]))
def test_check_geojson_only_returns_problems(doc, kind):
    problems = check_geojson(doc, "fuzz.geojson", kind=kind)
    assert all(isinstance(p, Problem) and "\n" not in str(p) for p in problems)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents)
def test_validate_file_raises_nothing(tmp_path, doc):
    path = _write(tmp_path, doc)
    try:
        problems = validate_file(path)
    except ZoneplanError:  # zoneplan's own errors are allowed; nothing else
        return
    assert all(isinstance(p, Problem) and str(p).startswith(str(path)) for p in problems)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_random_bytes_are_reported_not_raised(tmp_path, data):
    path = tmp_path / "bytes.geojson"
    path.write_bytes(data)
    problems = validate_file(path)
    # random bytes are almost never a clean layer; whatever they are, the verdict is a list
    assert isinstance(problems, list)
    if not problems:
        json.loads(data.decode("utf-8-sig"))  # a clean verdict must mean it really parsed


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents)
def test_load_user_layer_raises_only_zoneplan_errors(tmp_path, doc):
    """What build --layer and areas --layer call: a layer, or one of zoneplan's errors."""
    path = _write(tmp_path, doc)
    error: ZoneplanError | None = None
    try:
        gdf = load_user_layer(path)
    except ZoneplanError as err:
        error = err
    if error is not None:
        assert str(error).startswith(f"{path}: ")
        assert "\n" not in str(error)
        return
    assert errors_only(validate_file(path)) == []  # accepted means: no error, warnings at most
    assert len(gdf) >= 1


@pytest.mark.parametrize(
    ("value", "token"), [(math.inf, "Infinity"), (-math.inf, "-Infinity"), (math.nan, "NaN")]
)
def test_nan_in_a_float_property_is_reported(tmp_path, value, token):
    path = tmp_path / "nan.geojson"
    doc = {
        "type": "Feature",
        "properties": {"id": "a", "declared_area_ha": value},
        "geometry": {"type": "Point", "coordinates": [106.7, 20.6]},
    }
    path.write_text(_dump(doc), encoding="utf-8")
    problems = validate_file(path)
    assert [str(p) for p in problems] == [
        f"{path}: feature 'a': property 'declared_area_ha' is {token}, not a finite number; "
        "write a number, or null where it is unknown (NaN and Infinity are not numbers)"
    ]
