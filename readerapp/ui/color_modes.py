"""Page colour modes of the PDF view (normal, night, sepia) and readable highlight colours.

Pure functions, no Qt (the render worker process imports this). A mode is applied to
rendered pixels in the worker: night inverts the page and maps black/white to a dark
grey paper and a light grey ink (never pure black), sepia maps them to a warm paper and
a brown ink. Highlights are painted over the page by the GUI: multiplied in normal and
sepia mode, "lightened" (per-channel maximum) in night mode, with the colour adjusted
so that the page's ink over the highlight keeps a WCAG contrast of at least 4.5:1.
"""

from __future__ import annotations

NORMAL, NIGHT, SEPIA = "normal", "night", "sepia"
MODES = (NORMAL, NIGHT, SEPIA)
MIN_CONTRAST = 4.5

# (paper, ink, view background around the pages)
_COLORS = {
    NORMAL: ("#ffffff", "#000000", "#8a8a8a"),
    NIGHT: ("#202124", "#dadce0", "#121212"),
    SEPIA: ("#f4ecd8", "#3b2f24", "#8c7f6a"),
}


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown colour mode {mode!r} (one of {', '.join(MODES)})")
    return mode


def paper(mode: str) -> str:
    return _COLORS[check_mode(mode)][0]


def ink(mode: str) -> str:
    return _COLORS[check_mode(mode)][1]


def view_background(mode: str) -> str:
    return _COLORS[check_mode(mode)][2]


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in rgb)


def _int(color: str) -> int:
    r, g, b = _rgb(color)
    return (r << 16) | (g << 8) | b


def mode_tint(mode: str) -> tuple[bool, int, int] | None:
    """How the worker maps rendered pixels: None (as rendered) or (invert first, colour that
    black becomes, colour that white becomes) as 0xRRGGBB (pymupdf.Pixmap.tint_with)."""
    check_mode(mode)
    if mode == NORMAL:
        return None
    pap, ink_, _ = _COLORS[mode]
    if mode == NIGHT:  # after inverting, the paper is black and the ink white
        return True, _int(pap), _int(ink_)
    return False, _int(ink_), _int(pap)


def relative_luminance(color: str) -> float:
    def lin(v: int) -> float:
        c = v / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(color)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _multiply(a: str, b: str) -> str:
    return _hex(x * y / 255.0 for x, y in zip(_rgb(a), _rgb(b)))


def _lighten(a: str, b: str) -> str:
    return _hex(max(x, y) for x, y in zip(_rgb(a), _rgb(b)))


def _mix(a: str, b: str, t: float) -> str:
    return _hex(x + (y - x) * t for x, y in zip(_rgb(a), _rgb(b)))


def highlight_result(color: str, mode: str) -> tuple[str, str]:
    """(paper under the highlight, ink under the highlight) once `color` is composed as
    highlight_fill(color, mode) says."""
    pap, ink_ = paper(mode), ink(mode)
    if mode == NIGHT:
        return _lighten(pap, color), _lighten(ink_, color)
    return _multiply(pap, color), _multiply(ink_, color)


def highlight_fill(color: str, mode: str) -> tuple[str, str]:
    """(colour to paint, composition: "multiply" or "lighten") for a text highlight of `color`
    in `mode`, so the ink under it keeps a contrast of at least MIN_CONTRAST:1."""
    check_mode(mode)
    try:
        _rgb(color)
    except ValueError:
        color = "#ffd400"
    if mode == NIGHT:
        # The highlight's hue, darkened until the light ink stands out on it; capped per
        # channel at the ink so that the ink itself stays as it is under "lighten".
        target = color
        for step in range(0, 41):
            c = _mix(color, "#000000", step / 40)
            c = _hex(min(x, y) for x, y in zip(_rgb(c), _rgb(ink(mode))))
            target = c
            if contrast(*highlight_result(c, mode)) >= MIN_CONTRAST:
                break
        return target, "lighten"
    target = color
    for step in range(0, 41):  # lighten towards white until the dark ink is readable on it
        target = _mix(color, "#ffffff", step / 40)
        if contrast(*highlight_result(target, mode)) >= MIN_CONTRAST:
            break
    return target, "multiply"
