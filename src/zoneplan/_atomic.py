"""Atomic file output: a file is either written whole or left exactly as it was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from zoneplan.errors import OutputError


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """
    Check that `path` can be written, before any work is done.

    Parameters
    ----------
    path
        The output file.

    Returns
    -------
    path
        The path as a `Path`.

    Raises
    ------
    OutputError
        If the path is a folder or a device, its folder is missing or a file, or
        nothing can be written in the folder.
    """
    out = Path(path)
    if out.is_dir():
        msg = f"{out}: is a folder; give a file name, for example {out / 'map.html'}"
        raise OutputError(msg)
    if out.exists() and not out.is_file():
        # replacing it would put a regular file where a device or a pipe was
        msg = f"{out}: is not a regular file (a device or a pipe); choose another --out"
        raise OutputError(msg)
    folder = out.parent if str(out.parent) else Path()
    if folder.exists() and not folder.is_dir():
        msg = f"{out}: {folder} is a file, not a folder; choose another --out"
        raise OutputError(msg)
    if not folder.is_dir():
        msg = f"{out}: the folder {folder} does not exist; create it first or choose another --out"
        raise OutputError(msg)
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"{out}: the folder {folder} is not writable; choose another --out"
        raise OutputError(msg)
    # os.access says yes to root everywhere; a real file tells (read-only mounts, /proc)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=folder)
    except OSError as err:
        raise _cannot_write(out, err) from err
    os.close(fd)
    Path(probe).unlink()
    return out


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """
    Open a temporary file beside `path` and move it over `path` only on success.

    If the block raises, the temporary file is removed and an existing `path` is
    left exactly as it was.

    Parameters
    ----------
    path
        The final output file.
    mode
        ``"w"`` for UTF-8 text or ``"wb"`` for bytes.

    Yields
    ------
    file
        The open temporary file.
    """
    out = check_output_path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
    except OSError as err:
        raise _cannot_write(out, err) from err
    try:
        if "b" in mode:
            with os.fdopen(fd, mode) as fh:
                yield fh
        else:
            with os.fdopen(fd, mode, encoding="utf-8", newline="") as fh:
                yield fh
        keep_mode(out, tmp)
        Path(tmp).replace(out)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """
    Write `data` to `path` atomically.

    Parameters
    ----------
    path
        The output file.
    data
        Text (written as UTF-8) or bytes.

    Returns
    -------
    path
        The written path.
    """
    mode = "wb" if isinstance(data, bytes) else "w"
    with atomic_open(path, mode) as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """
    Give a temporary path beside `path` for writers that need a file name (GDAL).

    The temporary file is moved over `path` when the block succeeds and removed
    when it fails.

    Parameters
    ----------
    path
        The final output file.
    suffix
        Suffix of the temporary name, for writers that pick a driver from it.

    Yields
    ------
    tmp
        The temporary path; it does not exist yet.
    """
    out = check_output_path(path)
    try:
        folder = tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent or ".")
    except OSError as err:
        raise _cannot_write(out, err) from err
    tmp = Path(folder) / (out.stem + (suffix or out.suffix))
    try:
        yield tmp
        keep_mode(out, str(tmp))
        tmp.replace(out)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _cannot_write(out: Path, err: OSError) -> OutputError:
    """The error for a folder the system refuses to write to."""
    reason = err.strerror or type(err).__name__
    return OutputError(f"{out}: cannot write in {out.parent} ({reason}); choose another --out")


def keep_mode(out: Path, tmp: str) -> None:
    """Give the new file the permissions an ordinary new file would get (mkstemp uses 0600)."""
    if out.exists():
        Path(tmp).chmod(out.stat().st_mode & 0o777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)
