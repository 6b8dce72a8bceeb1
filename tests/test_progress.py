"""zoneplan.progress: chunks that cover the work once, in order, on any number of threads."""

from __future__ import annotations

import gc
import os
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneplan.progress import chunks, default_workers, gc_paused, map_chunks, progress_bar


@given(n=st.integers(0, 2_000), size=st.integers(1, 300))
def test_chunks_cover_the_range_once_in_order(n, size):
    parts = chunks(n, size)
    covered = [i for part in parts for i in range(n)[part]]
    assert covered == list(range(n))
    assert all(0 < part.stop - part.start <= size for part in parts)
    assert len(parts) == -(-n // size)


@pytest.mark.parametrize("workers", [None, 1, 2, 7])
def test_map_chunks_keeps_the_order_on_any_number_of_threads(workers):
    seen: set[int] = set()

    def work(part: slice) -> list[int]:
        seen.add(threading.get_ident())
        return [i * i for i in range(1_000)[part]]

    results = map_chunks(work, 1_000, size=37, desc="test", workers=workers)
    assert [x for r in results for x in r] == [i * i for i in range(1_000)]
    if workers == 1:
        assert seen == {threading.get_ident()}  # one worker runs in the calling thread


def test_map_chunks_of_nothing():
    assert map_chunks(lambda s: 1 / 0, 0, size=10, desc="test") == []


def test_default_workers_are_the_cores_this_process_may_use():
    assert default_workers() == len(os.sched_getaffinity(0))


def test_progress_bar_only_when_asked(capfd):
    with progress_bar(4, "measuring", enabled=False) as bar:
        bar.update(4)
    assert capfd.readouterr() == ("", "")
    map_chunks(lambda s: s, 10, size=5, desc="cutting", progress=True, workers=1)
    out, err = capfd.readouterr()
    assert out == ""
    assert "cutting" in err
    assert "10/10" in err


def test_gc_paused_restores_the_collector_after_an_error_and_nests():
    assert gc.isenabled()
    states = []

    def fail() -> None:
        with gc_paused():
            states.append(gc.isenabled())
            with gc_paused():
                states.append(gc.isenabled())
            states.append(gc.isenabled())  # the inner block does not turn it back on early
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        fail()
    assert states == [False, False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_map_build_and_commands_run_with_the_collector_paused(monkeypatch, tmp_path):
    import geopandas as gpd
    from shapely import box

    import zoneplan.render.payload as payload
    import zoneplan.validate as validate
    from zoneplan.cli import main
    from zoneplan.render.map import build_map, user_layer

    seen: dict[str, bool] = {}
    read, pack = validate.load_user_layer, payload.map_payload

    def reading(*args, **kwargs):
        seen["reading"] = gc.isenabled()
        return read(*args, **kwargs)

    def packing(*args, **kwargs):
        seen["packing"] = gc.isenabled()
        return pack(*args, **kwargs)

    monkeypatch.setattr(validate, "load_user_layer", reading)
    monkeypatch.setattr("zoneplan.render.map.map_payload", packing)
    src = tmp_path / "a.geojson"
    gpd.GeoDataFrame(
        {"so_thua": [1]}, geometry=[box(106.7, 20.6, 106.71, 20.61)], crs=4326
    ).to_file(src)
    build_map([user_layer(src)])
    assert seen == {"reading": False, "packing": False}
    assert gc.isenabled()
    seen.clear()
    assert main(["-q", "build", "--layer", str(src), "--out", str(tmp_path / "m.html")]) == 0
    assert seen == {"reading": False, "packing": False}
    assert gc.isenabled()
