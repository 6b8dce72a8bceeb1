"""
Progress bars and chunked work for the long steps of the area engine.

The library is silent by default: every function that can show progress takes
``progress: bool = False``. The command line turns it on when standard error is
a terminal (``--progress``/``--no-progress`` force it). Bars go to standard
error through tqdm, so tables on standard output stay clean.

`map_chunks` runs a step chunk by chunk on a few threads: shapely, pyproj and
pyproj.Geod release the GIL while they compute, so two cores work at once
without the start-up, pickling and ``__main__`` pitfalls of processes.

`gc_paused` holds Python's cyclic garbage collector back during such a step: a
layer of 10^6 features is millions of objects (geometries, strings), and the
collector would walk them all again and again while they are made, which took
a quarter of a map build at that size. Objects are still freed as soon as
nothing refers to them; only the search for reference cycles waits.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Protocol, TypeVar

T = TypeVar("T")


class Bar(Protocol):
    """What the area engine needs of a progress bar."""

    def update(self, n: int = 1) -> object:
        """Advance the bar by `n` units."""
        ...  # pragma: no cover


class _Silent:
    """A bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        """Do nothing."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """
    Hold back Python's cyclic garbage collector inside the block.

    The collector is turned back on at the end (an error included) unless it was
    off before, so blocks may nest.

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def progress_bar(total: int, desc: str, *, enabled: bool, unit: str = "feature") -> Iterator[Bar]:
    """
    Yield a progress bar on standard error, or a silent one.

    Parameters
    ----------
    total
        Number of units the step will process.
    desc
        Short name of the step, e.g. ``"measuring"``.
    enabled
        Show the bar; when False nothing is written and tqdm is not imported.
    unit
        What one unit is (``"feature"``, ``"partition"``, ...).

    Yields
    ------
    bar
        An object with ``update(n)``.

    Examples
    --------
    >>> with progress_bar(3, "measuring", enabled=False) as bar:
    ...     bar.update(3)
    """
    if not enabled:
        yield _Silent()
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True)
    try:
        yield bar
    finally:
        bar.close()


def chunks(n: int, size: int) -> list[slice]:
    """
    Return slices covering ``range(n)`` in order, each at most `size` long.

    Examples
    --------
    >>> chunks(5, 2)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    >>> chunks(0, 2)
    []
    """
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def map_chunks(
    func: Callable[[slice], T],
    n: int,
    *,
    size: int,
    desc: str,
    progress: bool = False,
    workers: int | None = None,
) -> list[T]:
    """
    Return ``[func(s) for s in chunks(n, size)]``, computed on up to `workers` threads.

    Parameters
    ----------
    func
        Work on one chunk, given as a slice of ``range(n)``; it must not share
        mutable state with other chunks.
    n
        Number of items.
    size
        Items per chunk.
    desc
        Name of the step for the progress bar.
    progress
        Show a progress bar on standard error.
    workers
        Threads; the cores this process may use when None; 1 runs in the
        calling thread.

    Returns
    -------
    results
        One result per chunk, in order.

    Examples
    --------
    >>> map_chunks(lambda s: s.stop - s.start, 5, size=2, desc="test", workers=2)
    [2, 2, 1]
    """
    parts = chunks(n, size)
    threads = min(default_workers() if workers is None else max(1, int(workers)), len(parts))
    with progress_bar(n, desc, enabled=progress) as bar:
        if threads <= 1:
            results = []
            for part in parts:
                results.append(func(part))
                bar.update(part.stop - part.start)
            return results
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = []
            for part, result in zip(parts, pool.map(func, parts), strict=True):
                results.append(result)
                bar.update(part.stop - part.start)
            return results
