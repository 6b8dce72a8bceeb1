"""
Options shared by ``build`` and ``export`` that style the user's layers by their columns.

``--style-by [FILE=]COLUMN`` (with ``--scheme``, ``--k``, ``--breaks``, ``--cmap``,
``--palette``), ``--label-by [FILE=]COLUMN`` and, for the map, ``--search-by
[FILE=]COLUMNS``. A COLUMN alone applies to every file that has it; FILE=COLUMN to the
file of that name, so two files can be styled by different columns.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from zoneplan.errors import InputError
from zoneplan.render.classify import StyleBy

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from zoneplan.render.layers import MapLayer


def add_style_arguments(
    parser: argparse.ArgumentParser, *, labels: bool = True, search: bool = False
) -> None:
    """Add --style-by and its classification options, --label-by and --search-by if asked."""
    from zoneplan.render.classify import DEFAULT_CMAP, PALETTES, SCHEMES

    group = parser.add_argument_group(
        "styling your layers",
        "Colour, label and search the --layer files by their columns. Each option takes "
        "COLUMN (every --layer file that has it) or FILE=COLUMN (the --layer file of that "
        "name), and may be repeated: --style-by parcels.gpkg=land_use --style-by "
        "roads.gpkg=lanes styles two layers by different columns.",
    )
    group.add_argument(
        "--style-by",
        action="append",
        default=[],
        metavar="[FILE=]COLUMN",
        help="colour features by a column: land-use codes (LUC, ONT, DGT ...) in the colours "
        "of Vietnamese land-use maps, other values with a colour-blind-safe palette, numbers "
        "in classes (--scheme); the legend counts the features and hectares of each class",
    )
    group.add_argument(
        "--scheme",
        choices=list(SCHEMES),
        help="classify a numeric --style-by column with mapclassify (default: quantiles); "
        "needs pip install 'zoneplan[classify]'",
    )
    group.add_argument("--k", type=int, default=5, help="number of classes (default: 5)")
    group.add_argument(
        "--breaks",
        metavar="B1,B2,...",
        help="upper bounds of the classes of --scheme user_defined, e.g. 0.05,0.1,0.5",
    )
    group.add_argument(
        "--cmap",
        default=DEFAULT_CMAP,
        help=f"sequential colour ramp of numeric classes (default: {DEFAULT_CMAP}; "
        "Blues, Greens, Purples, viridis ...)",
    )
    group.add_argument(
        "--palette",
        choices=list(PALETTES),
        default="auto",
        help="colours of a text --style-by column: auto (land-use colours when most values "
        "are land-use codes, default), landuse or qualitative",
    )
    if not labels:
        return
    group.add_argument(
        "--label-by",
        action="append",
        default=[],
        metavar="[FILE=]COLUMNS",
        help="label features with a column (parcel numbers ...) where the label fits, "
        "never overlapping; several columns make a line each: so_thua,land_use",
    )
    if not search:
        return
    group.add_argument(
        "--search-by",
        action="append",
        default=[],
        metavar="[FILE=]COLUMNS",
        help='columns that search matches in order, e.g. "so_to,so_thua": then "tờ 12 thửa '
        '345", "12/345" or "to 12 thua 345" finds that parcel; text with letters is also '
        'found inside any of them, diacritics or not ("tran duc thang")',
    )


def _per_file(entries: list[str], option: str) -> tuple[dict[str, str], str | None]:
    """Split [FILE=]VALUE entries into per-file values and the value for every file."""
    per_file: dict[str, str] = {}
    every = None
    for entry in entries:
        name, sep, value = entry.rpartition("=")
        if not value.strip():
            msg = f"{option} {entry!r}: give a column, or FILE=COLUMN"
            raise InputError(msg)
        if sep:
            per_file[Path(name.strip()).name] = value.strip()
        else:
            every = value.strip()
    return per_file, every


@dataclass(frozen=True)
class LayerStyling:
    """The styling options that apply to one layer file."""

    style_by: StyleBy | None = None
    label_by: str | None = None
    search_by: tuple[str, ...] = ()

    def apply(self, layer: MapLayer) -> MapLayer:
        """Return `layer` styled, labelled and searched as these options say."""
        return replace(
            layer, style_by=self.style_by, label_by=self.label_by, search_by=self.search_by
        )


def layer_styles(
    args: argparse.Namespace, layers: Sequence[tuple[str, pd.DataFrame]]
) -> list[LayerStyling]:
    """
    Return the styling of each layer: ``style_by`` (a `StyleBy`), ``label_by``, ``search_by``.

    Parameters
    ----------
    args
        The parsed options (`add_style_arguments`).
    layers
        ``(file name, frame)`` of each layer, in order.

    Returns
    -------
    styles
        Per layer, its `LayerStyling`.

    Raises
    ------
    InputError
        If a FILE= names no layer, a layer lacks the column given for it, or a COLUMN
        given for every file is in none of them.
    """
    from zoneplan.render.classify import parse_breaks

    names = [name for name, _ in layers]
    breaks = parse_breaks(args.breaks) if args.breaks else None
    scheme = "user_defined" if breaks and args.scheme is None else args.scheme
    chosen = {
        "style_by": _per_file(args.style_by, "--style-by"),
        "label_by": _per_file(getattr(args, "label_by", []), "--label-by"),
        "search_by": _per_file(getattr(args, "search_by", []), "--search-by"),
    }
    for option, (per_file, _) in chosen.items():
        for name in per_file:
            if name not in names:
                msg = (
                    f"--{option.replace('_', '-')} {name}=...: no layer file is named {name}; "
                    f"the files are {', '.join(names) or '(none)'}"
                )
                raise InputError(msg)
    out: list[LayerStyling] = []
    used: set[tuple[str, str]] = set()
    for name, frame in layers:
        kwargs: dict[str, str] = {}
        for option, (per_file, every) in chosen.items():
            value = per_file.get(name)
            if (
                value is None
                and every is not None
                and all(c in frame.columns for c in _columns(every))
            ):
                value = every
                used.add((option, every))
            if value is None:
                continue
            missing = [c for c in _columns(value) if c not in frame.columns]
            if missing:
                cols = ", ".join(str(c) for c in frame.columns if c != "geometry")
                msg = (
                    f"{name} has no column {missing[0]!r} for --{option.replace('_', '-')}; "
                    f"its columns are: {cols}"
                )
                raise InputError(msg)
            kwargs[option] = value
        spec = kwargs.get("style_by")
        out.append(
            LayerStyling(
                style_by=None
                if spec is None
                else StyleBy(
                    spec,
                    scheme=scheme,
                    k=args.k,
                    breaks=breaks,
                    cmap=args.cmap,
                    palette=args.palette,
                ),
                label_by=kwargs.get("label_by"),
                search_by=tuple(_columns(kwargs.get("search_by", ""))),
            )
        )
    for option, (_, every) in chosen.items():
        if every is not None and (option, every) not in used:
            flag = "--" + option.replace("_", "-")
            msg = f"{flag} {every}: no layer file has the column(s) {every}"
            raise InputError(msg)
    return out


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]
