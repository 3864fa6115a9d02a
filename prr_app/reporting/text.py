"""User text made safe for reportlab, and the embedded fonts.

reportlab's ``Paragraph`` parses its text as markup, so every user string goes
through :meth:`TextKit.para` (or :meth:`TextKit.markup`), which escapes it and
picks a font per run of characters. Nothing else in the reporting package
builds markup from user data.

Fonts (``resources/fonts``, licences beside them): DejaVu Sans (Latin, Greek,
Cyrillic, many symbols) and Droid Sans Fallback (Chinese, Japanese, Korean).
Both are TrueType-outline fonts, which reportlab embeds as subsets. A
character neither font has is printed as ``[U+XXXX]`` and recorded in
:attr:`TextKit.missing`, so the report can say so instead of printing boxes.
"""
from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from prr_app.errors import PrrError
from prr_app.paths import resource_path

SANS = "PRR-Sans"
SANS_BOLD = "PRR-Sans-Bold"
CJK = "PRR-CJK"

_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
}

_lock = threading.Lock()
_cmaps: dict[str, frozenset[int]] = {}


def _load(name: str) -> None:
    path = resource_path("fonts", _FONT_FILES[name])
    if not path.is_file():
        raise PrrError("embedded font missing; reinstall PRR Workbench", file=str(path))
    font = TTFont(name, str(path))
    _remember_widths(font)
    pdfmetrics.registerFont(font)
    _cmaps[name] = frozenset(font.face.charToGlyph)


def _remember_widths(font: TTFont, limit: int = 200_000) -> None:
    """Make ``font.stringWidth`` remember its answers.

    reportlab measures every word of every paragraph with a pure-Python loop
    over the characters, and a report measures the same words (names, column
    headings, "→") tens of thousands of times. The width of a text at a size
    never changes for a font, so a dictionary gives the same numbers faster.
    """
    measure = font.stringWidth
    known: dict = {}

    def stringWidth(text, size, encoding="utf8"):
        key = (text, size, encoding)
        w = known.get(key)
        if w is None:
            if len(known) >= limit:
                known.clear()
            w = known[key] = measure(text, size, encoding)
        return w

    font.stringWidth = stringWidth


def register_fonts(*, cjk: bool = False) -> None:
    """Register the embedded fonts with reportlab (once per process).

    The CJK font (3.4 MB) is parsed only when ``cjk`` is true: the first time
    a text needs it.
    """
    with _lock:
        if SANS not in _cmaps:
            _load(SANS)
            _load(SANS_BOLD)
            pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
        if cjk and CJK not in _cmaps:
            _load(CJK)
            pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)


def cmap(font: str) -> frozenset[int]:
    register_fonts(cjk=font == CJK)
    return _cmaps[font]


# C0/C1 controls other than tab and newline would upset the PDF text operators.
_CONTROL = {c for c in range(0x20) if c not in (9, 10)} | set(range(0x7F, 0xA0))
_INVISIBLE_OK = {0x200B, 0x200C, 0x200D, 0xFE0F}  # zero-width joiners, variation selector


_plains: dict[str, frozenset[int]] = {}


def _plain(font: str) -> frozenset[int]:
    """Characters :meth:`TextKit.runs` passes through unchanged in ``font``: it has
    them, and they are neither controls nor right-to-left."""
    if font not in _plains:
        _plains[font] = frozenset(o for o in cmap(font) if o not in _CONTROL
                                  and unicodedata.bidirectional(chr(o)) not in ("R", "AL"))
    return _plains[font]


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class TextKit:
    """Escapes user strings into reportlab markup with the right font per run.

    One kit per document: :attr:`missing` collects the characters no embedded
    font can show, :attr:`rtl` whether right-to-left text was seen.
    """

    missing: set[str] = field(default_factory=set)
    rtl: bool = False

    def __post_init__(self) -> None:
        register_fonts()
        self._latin = _cmaps[SANS]
        self._latin_bold = _cmaps[SANS_BOLD]
        self._cjk_map: frozenset[int] | None = None
        self._plain = _plain(SANS)
        self._plain_bold = _plain(SANS_BOLD)

    @property
    def _cjk(self) -> frozenset[int]:
        if self._cjk_map is None:
            self._cjk_map = cmap(CJK)
        return self._cjk_map

    # -- runs ---------------------------------------------------------------
    def runs(self, text: str, *, bold: bool = False) -> list[tuple[str, str]]:
        """Split ``text`` into ``(font, text)`` runs; unknown characters become ``[U+XXXX]``."""
        base = SANS_BOLD if bold else SANS
        text = str(text)
        if (self._plain_bold if bold else self._plain).issuperset(map(ord, text)):
            return [(base, text)] if text else []  # what the loop below gives, without the loop
        base_map = self._latin_bold if bold else self._latin
        out: list[tuple[str, str]] = []
        cur_font = base
        buf: list[str] = []
        for ch in text:
            o = ord(ch)
            if o in _CONTROL:
                ch, o = " ", 32
            if o in base_map or ch.isspace():
                font = base if (o in base_map or cur_font == base) else cur_font
            elif o in self._cjk:
                font = CJK
            elif o in _INVISIBLE_OK:
                continue
            else:
                self.missing.add(ch)
                ch = f"[U+{o:04X}]"
                font = base
            if not self.rtl and unicodedata.bidirectional(ch[0]) in ("R", "AL"):
                self.rtl = True
            if font != cur_font and buf:
                out.append((cur_font, "".join(buf)))
                buf = []
            cur_font = font
            buf.append(ch)
        if buf:
            out.append((cur_font, "".join(buf)))
        return out

    def markup(self, text, *, bold: bool = False) -> str:
        """``text`` (any value; ``None`` gives ``""``) as escaped reportlab markup."""
        if text is None:
            return ""
        parts = []
        for font, run in self.runs(str(text), bold=bold):
            esc = _escape(run).replace("\n", "<br/>")
            if font == CJK:
                parts.append(f'<font face="{CJK}">{esc}</font>')
            else:
                parts.append(esc)
        out = "".join(parts)
        return f"<b>{out}</b>" if bold else out

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text, bold=bold))

    def missing_report(self) -> str | None:
        if not self.missing:
            return None
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(self.missing)[:40])
        more = len(self.missing) - 40
        return (f"{len(self.missing)} character(s) have no glyph in the embedded fonts and are printed as "
                f"[U+XXXX]: {codes}{f' and {more} more' if more > 0 else ''}")


def esc(text) -> str:
    """Escape a plain ASCII-safe string (labels we write ourselves) for markup."""
    return _escape(str(text))
