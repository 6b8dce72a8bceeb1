"""zoneplan.progress: chunks that cover the work once, in order, on any number of threads."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneplan.progress import chunks, default_workers, map_chunks, progress_bar


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
