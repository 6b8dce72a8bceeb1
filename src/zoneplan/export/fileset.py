"""Formats written as several files (Shapefile, MapInfo): all parts moved in together."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from zoneplan._atomic import keep_mode


def write_file_set(out: Path, write: Any, known_parts: tuple[str, ...]) -> None:
    """
    Write a format of several files atomically: all parts are written by `write`
    into a temporary folder beside `out`, then moved in (the main file last); stale
    parts of an older set are removed.
    """
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write(folder / out.name)
        main = out.suffix.lower()
        parts = sorted(folder.iterdir(), key=lambda p: p.suffix.lower() == main)
        new = {p.name[len(out.stem) :].lower() for p in parts}
        for part in parts:
            final = out.parent / (out.stem + part.name[len(out.stem) :])
            keep_mode(final, str(part))
            part.replace(final)
        for suffix in known_parts:
            stale = out.parent / (out.stem + suffix)
            if suffix not in new and stale.exists():
                with contextlib.suppress(OSError):
                    stale.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
