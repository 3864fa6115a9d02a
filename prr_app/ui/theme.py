"""Colours and fonts, chosen to read well on a projector (large, high contrast).

Two sets of colours: light (the default) and dark. :func:`use_palette` picks the set that
matches the platform's palette when the app starts, so the canvas, the charts and coloured
text follow a dark desktop too. Every view reads ``theme.NAME`` when it paints, never a copy.
"""
from __future__ import annotations

FONT_FAMILY = "DejaVu Sans"
BASE_FONT_PT = 11.0
NODE_FONT_PT = 11.0

CANVAS = "#f7f8fa"
TEXT = "#1b1f24"
NODE_FILL = "#ffffff"
GROUP_FILL = "#eef2f7"
GROUP_EDGE = "#6b7a90"
SELECTION = "#1463d1"
#: a user journey's path on the graph (entry components and what they depend on)
JOURNEY = "#c2187a"

FAILED = "#2b2b2b"
DOWN = "#d11f1f"
DOWN_FILL = "#f8b4b4"
DEGRADED = "#d98200"
DEGRADED_FILL = "#ffe0a3"

KIND_COLOURS = {
    "service": "#3a6fb0",
    "frontend": "#3a6fb0",
    "datastore": "#7a4cb0",
    "cache": "#9a5fc8",
    "queue": "#1f8a82",
    "gateway": "#2f7d32",
    "load_balancer": "#2f7d32",
    "dns": "#4c7a2a",
    "cdn": "#4c7a2a",
    "identity": "#8a6d1f",
    "platform": "#5b6470",
    "external_api": "#8a4f2a",
    "group": "#6b7a90",
    "other": "#5b6470",
}

EDGE_COLOURS = {"hard": "#2d3540", "soft": "#58677a", "async": "#1f8a82", "member": GROUP_EDGE}

SEVERITY_COLOURS = {
    "critical": "#b3121f",
    "high": "#e0561b",
    "medium": "#c99a06",
    "low": "#5b8a3a",
    "error": "#b3121f",
    "warning": "#c99a06",
    "info": "#5b6470",
}

DOMAIN_COLOURS = {
    "region": "#3a6fb0",
    "zone": "#2f7d32",
    "datacenter": "#2f7d32",
    "rack": "#8a6d1f",
    "host": "#8a6d1f",
    "cluster": "#7a4cb0",
    "other": "#5b6470",
}

#: error text and the frame of a field that does not parse
ERROR = "#b3121f"
#: secondary text (units, "not stated")
MUTED = "#555555"

#: "ok" text: met, attainable
OK = "#2f7d32"
#: a warning that is not an error: partly met
WARN = "#c97a06"

DARK = False
_LIGHT = {k: (dict(v) if isinstance(v, dict) else v) for k, v in dict(globals()).items()
          if k.isupper() and not k.startswith("_") and k not in ("FONT_FAMILY", "BASE_FONT_PT", "NODE_FONT_PT")}

#: the dark set: light text and lines on dark ground; severities bright enough to read on it
_DARK_VALUES = {
    "CANVAS": "#1c2026", "TEXT": "#e8ebf0", "NODE_FILL": "#2a3039", "GROUP_FILL": "#323c48", "GROUP_EDGE": "#93a3b8",
    "SELECTION": "#5aa2ff", "JOURNEY": "#ff62be", "FAILED": "#0b0b0b", "DOWN": "#ff5a5a", "DOWN_FILL": "#7a2424",
    "DEGRADED": "#ffae3d", "DEGRADED_FILL": "#6e4c12", "ERROR": "#ff6b6b", "MUTED": "#a9b1bd", "OK": "#7cd67f",
    "WARN": "#ffb84d",
    "KIND_COLOURS": {"service": "#7fb0f0", "frontend": "#7fb0f0", "datastore": "#c19bf0", "cache": "#d2a8ff",
                     "queue": "#5fd0c6", "gateway": "#7cd67f", "load_balancer": "#7cd67f", "dns": "#a6d66a",
                     "cdn": "#a6d66a", "identity": "#e0c060", "platform": "#aab4c0", "external_api": "#e0a070",
                     "group": "#93a3b8", "other": "#aab4c0"},
    "EDGE_COLOURS": {"hard": "#d5dbe3", "soft": "#a3b0c2", "async": "#5fd0c6", "member": "#93a3b8"},
    "SEVERITY_COLOURS": {"critical": "#ff5c66", "high": "#ff8a4c", "medium": "#f0c040", "low": "#8cc46a",
                         "error": "#ff5c66", "warning": "#f0c040", "info": "#aab4c0"},
    "DOMAIN_COLOURS": {"region": "#7fb0f0", "zone": "#7cd67f", "datacenter": "#7cd67f", "rack": "#e0c060",
                       "host": "#e0c060", "cluster": "#c19bf0", "other": "#aab4c0"},
}


def is_dark(palette) -> bool:
    """A dark palette: its window colour is darker than its text."""
    from PySide6.QtGui import QPalette

    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def contrast(a, b) -> float:
    """WCAG contrast ratio of two ``QColor``s (1 to 21)."""
    def lum(c):
        def ch(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def with_readable_placeholder(palette):
    """``palette`` with placeholder text ("Find component…") readable on its input fields.

    A platform's dark palette may leave Qt's default placeholder colour, dark grey on a dark
    field. Then the placeholder is set between the text and field colours, nearer the text,
    with at least 4.5:1 contrast (WCAG AA) where the text colour allows it.
    """
    from PySide6.QtGui import QColor, QPalette

    out = QPalette(palette)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        if contrast(palette.color(group, QPalette.ColorRole.PlaceholderText), base) >= 4.5:
            continue
        for t in (0.6, 0.7, 0.8, 0.9, 1.0):  # from halfway-ish towards the text colour
            c = QColor(round(base.red() + (text.red() - base.red()) * t),
                       round(base.green() + (text.green() - base.green()) * t),
                       round(base.blue() + (text.blue() - base.blue()) * t))
            if contrast(c, base) >= 4.5:
                break
        out.setColor(group, QPalette.ColorRole.PlaceholderText, c)
    return out


def use_palette(palette) -> bool:
    """Pick the light or dark colours to match ``palette`` (a ``QPalette``); True when dark."""
    global DARK
    dark = is_dark(palette)
    values = {**_LIGHT, **_DARK_VALUES} if dark else _LIGHT
    for k, v in values.items():
        globals()[k] = dict(v) if isinstance(v, dict) else v
    DARK = dark
    return dark


#: a break opportunity that is not drawn: put into long runs of text for display only
BREAK = "\u200b"
_BREAK_AFTER = set(";,=&?/\\:|.-_)]}>+")


def breakable(text: str, run: int = 16, longest: int = 24) -> str:
    """``text`` for a word-wrapped label: in each run of more than ``longest`` characters without a
    space (a connection string, a path), a zero-width break opportunity after punctuation
    (``;=/,.:-_`` ...) and every ``run`` characters, so that it wraps within the label instead of
    widening it past its window. Shorter words are left as they are. For display only: never
    stored (see :func:`unbreakable`)."""
    import re

    def cut(m) -> str:
        out, n = [], 0
        word = m.group(0)
        for i, ch in enumerate(word):
            out.append(ch)
            n += 1
            if i + 1 < len(word) and (ch in _BREAK_AFTER or n >= run):
                out.append(BREAK)
                n = 0
        return "".join(out)
    return re.sub(r"\S{%d,}" % (longest + 1), cut, text)


def unbreakable(text: str) -> str:
    """``text`` without the break opportunities :func:`breakable` put in (a copied selection)."""
    return text.replace(BREAK, "")
