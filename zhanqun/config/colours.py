"""Colour safety for the ``[theme]`` colours of a site file, and the colours derived from them.

A webmaster picks a brand colour by eye; the theme draws white text on the primary colour (header
band, current navigation entry, buttons) and dark text on the accent colour (labels, the
highlighted tab). A colour that fails WCAG 2.1's 4.5:1 contrast for that text would make every
page of the site fail GB/T 37668-2019, so it is a located error in the site file with the measured
ratio and a suggested colour of the same hue that passes — not an inaccessible site.

The contrast formula is WCAG 2.1's (relative luminance of sRGB, ``(L1 + 0.05) / (L2 + 0.05)``).
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass
from typing import Callable

from ..errors import Problems
from ..i18n import N_, _

#: WCAG 2.1 AA minimum contrast for normal-size text.
MINIMUM_CONTRAST = 4.5

WHITE = "#ffffff"
#: The dark text colour the theme draws on the accent colour (``--text`` in gov.css).
DARK_TEXT = "#1f1f1f"


@dataclass(frozen=True)
class ColourRole:
    """A ``[theme]`` colour and the text colour the theme draws on it."""

    key: str  # "primary"
    text: str  # the text colour drawn on it
    text_name: str  # how the message names that text (marked with N_; ``{colour}`` is ``text``)
    direction: str  # "darker" or "lighter": which way a suggestion moves


#: Every theme colour the theme draws text on; a feature that adds one adds it here.
ROLES: tuple[ColourRole, ...] = (
    ColourRole("primary", WHITE, N_("white text"), "darker"),
    ColourRole("accent", DARK_TEXT, N_("dark text ({colour})"), "lighter"),
)


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#1e5c3a`` → ``(30, 92, 58)``; the site-file schema has already checked the form."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour (0 black … 1 white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, 1.0 … 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    high, low = max(la, lb), min(la, lb)
    return (high + 0.05) / (low + 0.05)


def format_ratio(ratio: float) -> str:
    """``2.1:1``, rounded down so a failing 4.47 never reads as a passing 4.5."""
    return f"{math.floor(ratio * 10) / 10:.1f}:1"


def _with_lightness(colour: str, lightness: float) -> str:
    r, g, b = (c / 255 for c in parse_hex(colour))
    h, _, s = colorsys.rgb_to_hls(r, g, b)
    nr, ng, nb = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return to_hex((nr * 255, ng * 255, nb * 255))


def suggest(colour: str, text: str, direction: str, target: float = MINIMUM_CONTRAST) -> str:
    """The nearest colour of the same hue (darker or lighter) that reaches ``target`` with ``text``.

    Steps the HLS lightness by 1 % so the suggestion stays recognisably the webmaster's colour;
    a small margin keeps it passing after rounding to hex.
    """
    r, g, b = (c / 255 for c in parse_hex(colour))
    _, lightness, _ = colorsys.rgb_to_hls(r, g, b)
    step = -0.01 if direction == "darker" else 0.01
    candidate = colour
    for n in range(1, 101):
        candidate = _with_lightness(colour, lightness + step * n)
        if contrast(candidate, text) >= target + 0.1:
            return candidate
    return "#000000" if direction == "darker" else WHITE


def mix(colour: str, other: str, weight: float) -> str:
    """``weight`` of ``colour`` mixed with ``1 - weight`` of ``other`` (sRGB, for tints)."""
    a, b = parse_hex(colour), parse_hex(other)
    return to_hex(tuple(weight * x + (1 - weight) * y for x, y in zip(a, b)))  # type: ignore[arg-type]


def derived(primary: str, accent: str) -> dict[str, str]:
    """Colours the theme derives from the two settings, so a webmaster sets two, not six.

    ``primary_dark`` (hover, footer rule) keeps white text readable; ``primary_soft`` is a pale
    tint for backgrounds under dark text; ``accent_soft`` likewise for the accent.
    """
    return {
        "primary": primary,
        "primary_dark": mix(primary, "#000000", 0.78),
        "primary_soft": mix(primary, WHITE, 0.08),
        "accent": accent,
        "accent_soft": mix(accent, WHITE, 0.25),
    }


def check_theme_colours(
    theme: dict[str, object],
    source: str,
    locate: Callable[[str], int | None],
    problems: Problems,
) -> None:
    """Report every ``[theme]`` colour whose text would fall under 4.5:1, with a suggestion."""
    for role in ROLES:
        value = theme.get(role.key)
        if not isinstance(value, str) or len(value) != 7:
            continue  # absent (the theme default passes) or malformed (reported by the schema)
        try:
            ratio = contrast(value, role.text)
        except ValueError:
            continue
        if ratio >= MINIMUM_CONTRAST:
            continue
        better = suggest(value, role.text, role.direction)
        problems.add(
            source,
            locate(role.key),
            "low-contrast",
            _("theme.{key} '{value}' has contrast {ratio} with {text}; needs {minimum}:1 — try '{better}'").format(
                key=role.key, value=value, ratio=format_ratio(ratio), text=_(role.text_name).format(colour=role.text),
                minimum=MINIMUM_CONTRAST, better=better,
            ),
        )
