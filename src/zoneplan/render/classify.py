"""
Styling a layer by one of its columns: classes, their colours and their legend labels.

`StyleBy` says how (the column, and for numbers the mapclassify scheme, the number of
classes or the breaks, and the colour ramp); `classify` gives each feature its class:

* land-use codes (`zoneplan.landuse`) get the colours of Vietnamese land-use maps,
  codes the table does not know a distinct grey (`zoneplan.landuse.UNKNOWN_HEX`),
  each listed in the legend;
* other text (or few whole numbers, such as a zone number) gets one colour per value
  from a colour-blind-safe qualitative palette: Paul Tol's "muted" scheme, then the
  Okabe–Ito colours (https://personal.sron.nl/~pault/; Okabe & Ito 2008, "Color
  Universal Design");
* numbers are classified with mapclassify (quantiles, fisher_jenks,
  equal_interval, user_defined) on a sequential ColorBrewer ramp from branca.

Missing values form a class of their own ("no value"), drawn in the fallback grey.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from zoneplan import landuse
from zoneplan.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)

#: Numeric classification schemes (mapclassify classes).
SCHEMES: Final[dict[str, str]] = {
    "quantiles": "Quantiles",
    "fisher_jenks": "FisherJenks",
    "equal_interval": "EqualInterval",
    "user_defined": "UserDefined",
}
#: Palettes of categorical columns: chosen from the values, or asked for.
PALETTES: Final[tuple[str, ...]] = ("auto", "landuse", "qualitative")
#: Default sequential ramp of numeric classes.
DEFAULT_CMAP: Final[str] = "YlOrRd"
#: Fisher–Jenks on more values than this classifies a random sample of that many
#: (mapclassify's FisherJenksSampled): the exact optimisation grows with the square of
#: the count, and takes about 3 s for 600 values without numba (20,000 with numba).
FISHER_JENKS_SAMPLE: Final[int] = 500
FISHER_JENKS_SAMPLE_NUMBA: Final[int] = 20_000

#: Colour-blind-safe qualitative colours: Tol "muted", then Okabe–Ito.
QUALITATIVE: Final[tuple[str, ...]] = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
#: Whole-number columns with at most this many distinct values are categories.
MAX_INTEGER_CATEGORIES: Final[int] = 12

_INSTALL_HINT: Final = "pip install 'zoneplan[classify]'"


@dataclass(frozen=True)
class StyleBy:
    """
    How to colour a layer by one of its columns.

    Parameters
    ----------
    column
        The column.
    scheme
        For numeric columns: ``quantiles`` (default), ``fisher_jenks``,
        ``equal_interval`` or ``user_defined`` (needs `breaks`). Text columns are
        always categorical.
    k
        Number of classes of the numeric schemes (not user_defined).
    breaks
        Upper bounds of the classes for ``user_defined`` (mapclassify's ``bins``;
        values above the last one form a last class).
    cmap
        Sequential ColorBrewer ramp of numeric classes (``YlOrRd``, ``Blues``,
        ``Greens``, ``viridis`` ...).
    palette
        Categorical palette: ``auto`` (land-use colours when the values are
        land-use codes), ``landuse`` or ``qualitative``.
    """

    column: str
    scheme: str | None = None
    k: int = 5
    breaks: tuple[float, ...] | None = None
    cmap: str = DEFAULT_CMAP
    palette: str = "auto"

    def __post_init__(self) -> None:
        if self.scheme is not None and self.scheme not in SCHEMES:
            msg = f"unknown scheme {self.scheme!r}; use one of {', '.join(SCHEMES)}"
            raise InputError(msg)
        if self.palette not in PALETTES:
            msg = f"unknown palette {self.palette!r}; use one of {', '.join(PALETTES)}"
            raise InputError(msg)
        if self.scheme == "user_defined" and not self.breaks:
            msg = "the user_defined scheme needs breaks, e.g. --breaks 0.05,0.1,0.5"
            raise InputError(msg)
        if self.breaks and self.scheme not in (None, "user_defined"):
            msg = f"--breaks go with --scheme user_defined, not {self.scheme}"
            raise InputError(msg)
        if not 2 <= self.k <= 20:
            msg = f"k={self.k}: give between 2 and 20 classes, e.g. --k 5"
            raise InputError(msg)


@dataclass
class StyleClass:
    """
    One class of a styled layer, as the legend shows it.

    Parameters
    ----------
    key
        The value (categorical) or ``"lo – hi"`` (numeric); ``None`` for missing.
    fill
        Fill colour, ``#RRGGBB``.
    name_vi, name_en
        Names of a land-use code, or the value's text.
    known
        False for a value the land-use table does not know, or a missing value.
    bounds
        ``(lower, upper)`` of a numeric class.
    """

    key: object
    fill: str
    name_vi: str
    name_en: str
    known: bool = True
    bounds: tuple[float, float] | None = None
    code: str | None = None


@dataclass
class Classes:
    """The result of `classify`: each feature's class and the classes in legend order."""

    kind: str  # "landuse", "categorical" or "numeric"
    column: str
    index: np.ndarray  # class of each feature
    classes: list[StyleClass] = field(default_factory=list)
    bins: np.ndarray | None = None  # mapclassify's upper bounds (numeric)


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _categorical(col: pd.Series) -> bool:
    """Text, booleans and whole numbers with few values are categories."""
    if not _is_numeric(col):
        return True
    values = col.dropna()
    if pd.api.types.is_integer_dtype(col) or (
        len(values) and bool(np.all(np.asarray(values, dtype=float) % 1 == 0))
    ):
        return values.nunique() <= MAX_INTEGER_CATEGORIES
    return False


def classify(values: pd.Series, spec: StyleBy) -> Classes:
    """
    Put every feature in a class of `spec`.

    Parameters
    ----------
    values
        The styled column.
    spec
        How to style.

    Returns
    -------
    classes
        The kind of styling, each feature's class index and the classes.

    Raises
    ------
    InputError
        If numbers are to be classified and mapclassify is missing.

    Examples
    --------
    >>> c = classify(pd.Series(["ONT", "LUC", "ONT", "XYZ", None]), StyleBy("lu"))
    >>> c.kind, c.index.tolist(), [k.fill for k in c.classes]
    ('landuse', [1, 0, 1, 2, 3], ['#FFFC8C', '#FFD0FF', '#808080', '#808080'])
    """
    if not _is_numeric(values) or (spec.scheme is None and _categorical(values)):
        return _classify_categories(values, spec)
    return _classify_numbers(values, spec)


def _classify_categories(values: pd.Series, spec: StyleBy) -> Classes:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = [v.item() if isinstance(v, np.generic) else v for v in uniques]
    use_codes = spec.palette == "landuse" or (
        spec.palette == "auto" and landuse.looks_like_codes(distinct)
    )
    classes: list[StyleClass] = []
    if use_codes:
        # the official order of the statistics table, then the unknown values
        order = {code: i for i, code in enumerate(landuse.CODES)}
        keyed = [landuse.normalise_code(v) for v in distinct]
        rank = sorted(
            range(len(distinct)),
            key=lambda i: (order.get(keyed[i] or "", len(order)), str(keyed[i])),
        )
        for i in rank:
            code = landuse.CODES.get(keyed[i] or "")
            if code is not None and code.rgb is not None:
                fill, vi, en, known = code.hex or "", code.name_vi, code.name_en, True
            elif code is not None:  # a group heading with no colour of its own
                fill, vi, en, known = landuse.UNKNOWN_HEX, code.name_vi, code.name_en, True
            else:
                fill, known = landuse.UNKNOWN_HEX, False
                vi, en = "Mã không có trong bảng", "Code not in the table"
            classes.append(StyleClass(distinct[i], fill, vi, en, known, code=keyed[i]))
        kind = "landuse"
    else:
        rank = sorted(range(len(distinct)), key=lambda i: str(distinct[i]))
        if len(rank) > len(QUALITATIVE):
            log.warning(
                "%s: %d values share %d colours (each is still its own legend entry); "
                "group them into fewer classes for a clearer map",
                spec.column,
                len(rank),
                len(QUALITATIVE),
            )
        for n, i in enumerate(rank):
            text = str(distinct[i])
            classes.append(StyleClass(distinct[i], QUALITATIVE[n % len(QUALITATIVE)], text, text))
        kind = "categorical"
    position = np.empty(len(distinct) + 1, dtype=np.int64)
    position[np.array(rank, dtype=np.int64)] = np.arange(len(rank))
    index = np.asarray(codes, dtype=np.int64).copy()
    if (index < 0).any():
        position[len(distinct)] = len(classes)
        classes.append(_missing_class())
        index[index < 0] = len(distinct)
    return Classes(kind, spec.column, position[index], classes)


def _missing_class() -> StyleClass:
    return StyleClass(None, landuse.UNKNOWN_HEX, "Không có giá trị", "No value", known=False)


def _mapclassify() -> Any:
    """Import mapclassify (untyped), or say how to install it."""
    try:
        import mapclassify  # type: ignore[import-untyped]
    except ImportError as err:
        msg = f"classifying numbers needs mapclassify, which is not installed: {_INSTALL_HINT}"
        raise InputError(msg) from err
    return mapclassify


def _fisher_jenks_sample() -> int:
    """How many values Fisher–Jenks classifies exactly: more when numba speeds it up."""
    import importlib.util

    return FISHER_JENKS_SAMPLE_NUMBA if importlib.util.find_spec("numba") else FISHER_JENKS_SAMPLE


def ramp(cmap: str, n: int) -> list[str]:
    """
    Return `n` colours along a sequential ColorBrewer ramp of branca, light to dark.

    Examples
    --------
    >>> ramp("Blues", 3)
    ['#F7FBFF', '#6BAED6', '#08306B']
    """
    import branca.colormap as bcm

    public = [name for name in dir(bcm.linear) if not name.startswith("_")]
    names = {name.lower(): name for name in public}
    candidates = [f"{cmap}_09".lower(), cmap.lower()]
    candidates += sorted((k for k in names if k.startswith(cmap.lower() + "_")), reverse=True)
    chosen = next((names[c] for c in candidates if c in names), None)
    if chosen is None:
        ramps = sorted({k.split("_")[0] for k in public})
        msg = f"unknown --cmap {cmap!r}; use a sequential ramp such as {', '.join(ramps[:12])}"
        raise InputError(msg)
    scale = getattr(bcm.linear, chosen).scale(0.0, 1.0)
    stops = [0.5] if n == 1 else np.linspace(0.0, 1.0, n).tolist()
    return [str(scale.rgb_hex_str(t)).upper() for t in stops]


def _classify_numbers(values: pd.Series, spec: StyleBy) -> Classes:
    mc = _mapclassify()
    y = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    present = np.isfinite(y)
    scheme = spec.scheme or "quantiles"
    data = y[present]
    if data.size == 0:
        msg = f"column {spec.column!r} has no numeric value to classify"
        raise InputError(msg)
    with warnings.catch_warnings():  # without numba, mapclassify says so on every call
        warnings.filterwarnings("ignore", message="Numba not installed")
        if scheme == "user_defined":
            classifier = mc.UserDefined(data, bins=list(spec.breaks or ()))
        elif scheme == "fisher_jenks" and data.size > _fisher_jenks_sample():
            classifier = mc.FisherJenksSampled(
                data, k=spec.k, pct=_fisher_jenks_sample() / data.size, truncate=False
            )
        else:
            classifier = getattr(mc, SCHEMES[scheme])(data, k=spec.k)
    bins = np.asarray(classifier.bins, dtype=float)
    yb = np.asarray(classifier.yb, dtype=np.int64)
    colours = ramp(spec.cmap, len(bins))
    lower = np.concatenate([[data.min()], bins[:-1]])
    classes = [
        StyleClass(
            f"{_num(lo)} – {_num(hi)}",
            colours[i],
            f"{_num(lo)} – {_num(hi)}",
            f"{_num(lo)} – {_num(hi)}",
            bounds=(float(lo), float(hi)),
        )
        for i, (lo, hi) in enumerate(zip(lower, bins, strict=True))
    ]
    index = np.full(len(y), len(classes), dtype=np.int64)
    index[present] = yb
    if not present.all():
        classes.append(_missing_class())
    return Classes("numeric", spec.column, index, classes, bins=bins)


def _num(value: float) -> str:
    """A class bound as short text."""
    return f"{value:,.6g}"


def class_rows(classes: Classes, lang: str) -> list[tuple[str, str]]:
    """Return (label, other-language label) of each class for the legend."""
    out = []
    for c in classes.classes:
        main, other = (c.name_vi, c.name_en) if lang == "vi" else (c.name_en, c.name_vi)
        if classes.kind == "landuse":
            code = c.code or ("—" if c.key is None else str(c.key))
            main = f"{code} · {main}" if c.key is not None else main
        out.append((main, other if other != main else ""))
    return out


def parse_breaks(text: str) -> tuple[float, ...]:
    """
    Parse ``--breaks 0.05,0.1,0.5`` into increasing numbers.

    Examples
    --------
    >>> parse_breaks("0.05, 0.1,0.5")
    (0.05, 0.1, 0.5)
    """
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        values = ()
    if not values or any(b <= a for a, b in itertools.pairwise(values)):
        msg = f"--breaks {text!r}: give increasing numbers separated by commas, e.g. 0.05,0.1,0.5"
        raise InputError(msg)
    return values


def style_specs(
    entries: Sequence[str], **options: object
) -> tuple[dict[str, StyleBy], StyleBy | None]:
    """
    Read the ``--style-by [FILE=]COLUMN`` entries: per file name, and for every file.

    Examples
    --------
    >>> per_file, every = style_specs(["roads.gpkg=lanes", "land_use"])
    >>> per_file["roads.gpkg"].column, every.column
    ('lanes', 'land_use')
    """
    per_file: dict[str, StyleBy] = {}
    every: StyleBy | None = None
    for entry in entries:
        name, sep, column = entry.rpartition("=")
        if not column.strip():
            msg = f"--style-by {entry!r}: give a column, or FILE=COLUMN"
            raise InputError(msg)
        spec = StyleBy(column.strip(), **options)  # type: ignore[arg-type]
        if sep:
            per_file[name.strip()] = spec
        else:
            every = spec
    return per_file, every
