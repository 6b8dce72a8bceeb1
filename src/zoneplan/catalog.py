"""
The layer catalog: which layers zoneplan ships, in what order and with what style.

The catalog is ``geodata/catalog.json``. In a source checkout it is the top-level
``geodata/`` folder; in an installed wheel the same folder is packed as
``zoneplan/geodata``. ``ZONEPLAN_GEODATA`` points zoneplan at another folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoneplan.errors import InputError
from zoneplan.schema import CATALOG_LAYER_KEYS, GROUPS

CATALOG_FILE = "catalog.json"


def geodata_dir() -> Path:
    """
    Return the folder of the shipped layers.

    Returns
    -------
    folder
        ``$ZONEPLAN_GEODATA`` when set, else the ``geodata`` folder packed in the
        installed package, else the top-level ``geodata/`` of a source checkout.

    Raises
    ------
    InputError
        If no such folder holds a ``catalog.json``.

    Examples
    --------
    >>> (geodata_dir() / "catalog.json").is_file()
    True
    """
    env = os.environ.get("ZONEPLAN_GEODATA")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent
    candidates += [here / "geodata", here.parents[1] / "geodata"]
    for folder in candidates:
        if (folder / CATALOG_FILE).is_file():
            return folder
    tried = ", ".join(str(c) for c in candidates)
    msg = (
        f"no geodata/{CATALOG_FILE} found (looked in {tried}); "
        "reinstall zoneplan or set ZONEPLAN_GEODATA"
    )
    raise InputError(msg)


@dataclass(frozen=True)
class LayerEntry:
    """
    One layer of the catalog.

    Parameters
    ----------
    id
        Stable layer id (``zone``, ``port``...).
    file
        File name inside the geodata folder.
    path
        Full path of the file.
    title_vi, title_en
        Layer titles.
    group
        Layer-control group, a key of `zoneplan.schema.GROUPS`.
    order
        Draw order; higher draws on top.
    visible
        Whether the map shows the layer when opened.
    style
        Style overrides for the map (weight, fill_opacity, dash).
    """

    id: str
    file: str
    path: Path
    title_vi: str
    title_en: str
    group: str
    order: int
    visible: bool
    style: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str = "en") -> str:
        """Return the title in ``"vi"`` or ``"en"``."""
        return self.title_vi if lang == "vi" else self.title_en


@dataclass(frozen=True)
class Catalog:
    """
    The parsed catalog.

    Parameters
    ----------
    path
        The catalog file.
    meta
        Top-level entries other than ``layers`` (titles, decision, notes).
    layers
        The layers, sorted by draw order (lowest first).
    """

    path: Path
    meta: dict[str, Any]
    layers: tuple[LayerEntry, ...]

    def __getitem__(self, layer_id: str) -> LayerEntry:
        """Return the layer with id `layer_id`."""
        for entry in self.layers:
            if entry.id == layer_id:
                return entry
        known = ", ".join(e.id for e in self.layers)
        msg = f"{self.path}: no layer {layer_id!r} in the catalog; known layers: {known}"
        raise InputError(msg)

    @property
    def ids(self) -> tuple[str, ...]:
        """Layer ids in draw order."""
        return tuple(e.id for e in self.layers)


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """
    Read and check ``catalog.json``.

    Parameters
    ----------
    path
        The catalog file, or a folder holding one; the shipped catalog when None.

    Returns
    -------
    catalog
        The catalog with layers sorted by draw order.

    Raises
    ------
    InputError
        If the file is missing, not JSON, or an entry lacks a key or names a
        missing file.

    Examples
    --------
    >>> cat = load_catalog()
    >>> cat.ids[0]
    'zone'
    """
    file = geodata_dir() / CATALOG_FILE if path is None else Path(path)
    if file.is_dir():
        file = file / CATALOG_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        msg = f"{file}: no such catalog file; check the path"
        raise InputError(msg) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"{file}: not a readable JSON catalog ({err}); restore it from the repository"
        raise InputError(msg) from err
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        msg = f"{file}: the catalog must be an object with a 'layers' list"
        raise InputError(msg)
    entries = [_entry(file, i, raw) for i, raw in enumerate(data["layers"])]
    ids = [e.id for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        msg = f"{file}: duplicate layer ids {dupes}; give each layer its own id"
        raise InputError(msg)
    meta = {k: v for k, v in data.items() if k != "layers"}
    return Catalog(file, meta, tuple(sorted(entries, key=lambda e: e.order)))


def _entry(file: Path, index: int, raw: Any) -> LayerEntry:
    """Check one catalog entry and build its `LayerEntry`."""
    where = f"{file}: layer #{index + 1}"
    if not isinstance(raw, dict):
        msg = f"{where}: must be an object"
        raise InputError(msg)
    missing = [k for k in CATALOG_LAYER_KEYS if k not in raw]
    if missing:
        msg = f"{where} ({raw.get('id', '?')}): missing keys {missing}; add them"
        raise InputError(msg)
    if raw["group"] not in GROUPS:
        msg = f"{where} ({raw['id']}): unknown group {raw['group']!r}; use one of {list(GROUPS)}"
        raise InputError(msg)
    layer_path = file.parent / str(raw["file"])
    if not layer_path.is_file():
        msg = f"{where} ({raw['id']}): the file {layer_path} does not exist; fix 'file'"
        raise InputError(msg)
    style = raw["style"] if isinstance(raw["style"], dict) else {}
    return LayerEntry(
        id=str(raw["id"]),
        file=str(raw["file"]),
        path=layer_path,
        title_vi=str(raw["title_vi"]),
        title_en=str(raw["title_en"]),
        group=str(raw["group"]),
        order=int(raw["order"]),
        visible=bool(raw["visible"]),
        style=dict(style),
    )
