"""A collectivité's theme: validated colours, readable text, safe CSS values.

Pure functions (no CKAN import): the organisation form validates colours with
``parse_color``; pages build their CSS custom properties from ``theme_for``,
which re-checks every value, so nothing typed by a user ever reaches a style
sheet unless it is a colour of the form ``#rrggbb``.

Contrast follows WCAG 2.1 (relative luminance, ratio (L1 + 0.05) / (L2 + 0.05)).
Text on the primary colour is black or white, whichever contrasts most: one of
them always reaches 4.5:1. Links and accents drawn on the white page use the
primary colour, darkened when needed until it reaches 4.5:1 on white; the
theme then says it was adjusted, so that the admins can be told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AA",
    "DEFAULT_PRIMARY",
    "DEFAULT_SECONDARY",
    "Theme",
    "contrast",
    "parse_color",
    "readable_on_white",
    "theme_for",
]

AA = 4.5
WHITE = "#ffffff"
BLACK = "#000000"
# The département's own colours, used when a collectivité chose none.
DEFAULT_PRIMARY = "#005a8c"
DEFAULT_SECONDARY = "#e5f0f7"

_COLOR = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")


def parse_color(value: Any) -> str | None:
    """``#rgb`` or ``#rrggbb`` (any case) as lowercase ``#rrggbb``, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if not _COLOR.match(text):
        return None
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


def _channels(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _luminance(color: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _text_on(background: str) -> str:
    """Black or white, whichever reads best on ``background`` (always >= 4.5:1)."""
    return BLACK if contrast(background, BLACK) > contrast(background, WHITE) else WHITE


def _darken(color: str, factor: float) -> str:
    return "#" + "".join(f"{round(c * factor):02x}" for c in _channels(color))


def _readable_on_white(color: str) -> str:
    """``color``, darkened step by step until it reaches 4.5:1 on white."""
    factor = 1.0
    candidate = color
    while contrast(candidate, WHITE) < AA and factor > 0:
        factor = round(factor - 0.05, 2)
        candidate = _darken(color, factor)
    return candidate


def readable_on_white(color: str) -> str:
    """The shade of ``color`` closest to it that links on a white page may
    wear (itself when it is dark enough)."""
    return _readable_on_white(color)


@dataclass(frozen=True)
class Theme:
    """The CSS values of one collectivité's pages, every one a checked colour."""

    primary: str
    on_primary: str  # text drawn on the primary colour
    secondary: str
    on_secondary: str
    accent: str  # links and outlines on the white page
    custom: bool  # False: the département's default theme
    adjusted: bool  # the accent had to be darkened for contrast

    def css_variables(self) -> str:
        """The ``:root`` declarations; built from validated colours only."""
        values = {
            "--hg-primary": self.primary,
            "--hg-on-primary": self.on_primary,
            "--hg-secondary": self.secondary,
            "--hg-on-secondary": self.on_secondary,
            "--hg-accent": self.accent,
        }
        for value in values.values():
            if parse_color(value) != value:  # never write what is not a colour
                raise ValueError(f"not a colour: {value!r}")
        return ";".join(f"{name}:{value}" for name, value in values.items())


def theme_for(primary: Any = None, secondary: Any = None) -> Theme:
    """The theme of a collectivité's colours; invalid or missing ones fall back."""
    p = parse_color(primary)
    s = parse_color(secondary)
    custom = p is not None
    p = p or DEFAULT_PRIMARY
    s = s or (DEFAULT_SECONDARY if not custom else _tint(p))
    accent = _readable_on_white(p)
    return Theme(
        primary=p,
        on_primary=_text_on(p),
        secondary=s,
        on_secondary=_text_on(s),
        accent=accent,
        custom=custom,
        adjusted=custom and accent != p,
    )


def _tint(color: str) -> str:
    """A pale version of ``color`` (88% white), for a default secondary."""
    return "#" + "".join(f"{round(c + (255 - c) * 0.88):02x}" for c in _channels(color))
