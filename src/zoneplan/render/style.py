"""
Colours and line styles of the planning map, one per schema category.

The hues come from two palettes designed to stay distinct under the common
colour-vision deficiencies: Okabe & Ito (2008, "Color Universal Design") for
the functional areas, which fill most of the map, and Paul Tol's "muted" and
"dark" schemes (https://personal.sron.nl/~pault/) for the rest. Where two
categories share a hue family they differ in geometry (fill against line) or in
dash pattern, so no two legend entries depend on hue alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final


@dataclass(frozen=True)
class CategoryStyle:
    """
    How features of one category are drawn.

    Parameters
    ----------
    color
        Stroke colour, ``#rrggbb``.
    fill
        Fill colour of polygons and point markers, ``#rrggbb``.
    fill_opacity
        Fill opacity of polygons, 0 to 1.
    weight
        Stroke width in pixels.
    dash
        SVG dash pattern (``"6 4"``), or None for a solid line.
    """

    color: str
    fill: str
    fill_opacity: float = 0.45
    weight: float = 1.5
    dash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the style as a JSON-ready dict."""
        return asdict(self)


# Okabe–Ito
_ORANGE = "#E69F00"
_SKY = "#56B4E9"
_GREEN = "#009E73"
_YELLOW = "#F0E442"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_PURPLE = "#CC79A7"
# Paul Tol muted / dark
_INDIGO = "#332288"
_CYAN = "#88CCEE"
_TEAL = "#44AA99"
_OLIVE = "#999933"
_WINE = "#882255"
_ROSE = "#CC6677"
_GREY = "#777777"
_DARK = "#222222"

#: Style of every schema category.
CATEGORY_STYLES: Final[dict[str, CategoryStyle]] = {
    "economic_zone": CategoryStyle(_DARK, _DARK, fill_opacity=0.04, weight=3.0, dash="10 6"),
    "port_logistics": CategoryStyle(_BLUE, _BLUE),
    "free_trade_zone": CategoryStyle(_PURPLE, _PURPLE, dash="6 3"),
    "industrial_park": CategoryStyle(_ORANGE, _ORANGE),
    "airport": CategoryStyle(_SKY, _SKY),
    "urban_service": CategoryStyle(_VERMILLION, _VERMILLION),
    "green_ecological": CategoryStyle(_GREEN, _GREEN),
    "reclaimed_land": CategoryStyle("#B8A800", _YELLOW, fill_opacity=0.5, dash="2 3"),
    "berth": CategoryStyle(_INDIGO, _INDIGO, fill_opacity=0.6),
    "turning_basin": CategoryStyle(_TEAL, _CYAN, fill_opacity=0.35, dash="4 3"),
    "channel": CategoryStyle(_TEAL, _TEAL, fill_opacity=0.2, weight=3.0, dash="8 4"),
    "breakwater": CategoryStyle(_DARK, _GREY, fill_opacity=0.7, weight=3.0),
    "runway": CategoryStyle(_INDIGO, "#555555", fill_opacity=0.8, weight=2.5),
    "road": CategoryStyle(_WINE, _WINE, weight=4.0),
    "bridge": CategoryStyle(_ROSE, _ROSE, weight=6.0),
    "river": CategoryStyle(_BLUE, _CYAN, fill_opacity=0.3, weight=2.0, dash="1 4"),
    "coastline": CategoryStyle(_GREY, _GREY, weight=2.0, dash="12 4 2 4"),
    "place": CategoryStyle(_DARK, "#FFFFFF", fill_opacity=0.9, weight=2.0),
    "existing_airport": CategoryStyle(_SKY, _SKY, fill_opacity=0.15, dash="3 3"),
    "existing_port": CategoryStyle(_OLIVE, _OLIVE, fill_opacity=0.3),
    "ip_project": CategoryStyle(_WINE, _ORANGE, fill_opacity=0.6, weight=2.5),
    "power_plant": CategoryStyle(_WINE, _ROSE, fill_opacity=0.7, weight=2.5),
    "commune": CategoryStyle(_INDIGO, "#FFFFFF", fill_opacity=0.9, weight=2.0),
    "ward": CategoryStyle(_INDIGO, _CYAN, fill_opacity=0.9, weight=2.0),
    "land_gained": CategoryStyle(_INDIGO, _BLUE, fill_opacity=0.75, weight=2.0),
    "land_lost": CategoryStyle(_WINE, _VERMILLION, fill_opacity=0.75, weight=2.0),
}


@dataclass(frozen=True)
class StatusStyle:
    """
    How a feature's status changes its category style, so that status reads at a glance.

    Parameters
    ----------
    dash
        Outline dash pattern replacing the category's; None keeps it, ``""`` draws solid.
    weight_add
        Pixels added to the outline.
    fill_scale
        Factor on the fill opacity (faint for what is only proposed or stalled).
    """

    dash: str | None = None
    weight_add: float = 0.0
    fill_scale: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """Return the style as a JSON-ready dict (``dash`` left out when kept)."""
        out = asdict(self)
        if self.dash is None:
            del out["dash"]
        return out


#: Outline and fill of each status. Planned land keeps its category style (most of the
#: map is planned); the others differ by outline pattern and weight, not by hue:
#: dotted and faint (proposed), dash-dot (investment approved), a thick solid outline
#: (under construction), solid and fuller (in operation), long-short dashes and faint
#: (stalled). Undated context (existing) keeps its category style too.
STATUS_STYLES: Final[dict[str, StatusStyle]] = {
    "proposed": StatusStyle(dash="2 5", fill_scale=0.45),
    "planned": StatusStyle(),
    "approved": StatusStyle(dash="12 4 3 4", weight_add=1.0),
    "under construction": StatusStyle(dash="", weight_add=2.5, fill_scale=1.2),
    "in operation": StatusStyle(dash="", weight_add=1.0, fill_scale=1.5),
    "stalled": StatusStyle(dash="9 4 2 4", weight_add=1.5, fill_scale=0.5),
    "existing": StatusStyle(),
}

#: Style of features whose category is not in the schema (user layers).
DEFAULT_STYLE: Final[CategoryStyle] = CategoryStyle("#5A5A5A", "#A0A0A0", fill_opacity=0.35)

#: Keys of a catalog layer's ``style`` entry that override the category style.
LAYER_STYLE_KEYS: Final[tuple[str, ...]] = ("weight", "fill_opacity", "dash", "label")


def category_style(category: object) -> CategoryStyle:
    """
    Return the style of a category.

    Parameters
    ----------
    category
        A category value; anything that is not a schema category gets the
        neutral `DEFAULT_STYLE`.

    Returns
    -------
    style
        The category's style.

    Examples
    --------
    >>> category_style("green_ecological").fill
    '#009E73'
    >>> category_style("no such category") == DEFAULT_STYLE
    True
    """
    if isinstance(category, str) and category in CATEGORY_STYLES:
        return CATEGORY_STYLES[category]
    return DEFAULT_STYLE


def layer_style(style: dict[str, Any] | None) -> dict[str, Any]:
    """
    Keep the catalog style overrides the map understands, with checked types.

    Parameters
    ----------
    style
        A catalog layer's ``style`` entry.

    Returns
    -------
    overrides
        ``weight`` and ``fill_opacity`` as numbers, ``dash`` as text or None, and
        ``label`` (True) when the layer's points carry their names as text labels.
    """
    style = style or {}
    out: dict[str, Any] = {}
    for key in ("weight", "fill_opacity"):
        value = style.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            out[key] = float(value)
    dash = style.get("dash")
    if "dash" in style and (dash is None or isinstance(dash, str)):
        out["dash"] = dash
    if style.get("label") is True:
        out["label"] = True
    return out
