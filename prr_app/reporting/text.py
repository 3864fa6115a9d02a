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

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from prr_app.errors import PrrError
from prr_app.paths import resource_path

SANS = "PRR-Sans"
SANS_BOLD = "PRR-Sans-Bold"
CJK = "PRR-CJK"
THAI = "PRR-Thai"
DEVANAGARI = "PRR-Devanagari"
SYMBOLS = "PRR-Symbols"

_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
    THAI: "NotoSansThai-Regular.ttf",
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    SYMBOLS: "Symbola.ttf",
}
#: The fonts tried, in order, for a character the base font lacks; each is parsed the first time
#: a text needs it (Droid Sans Fallback 3.4 MB, Symbola 3.2 MB).
FALLBACKS = (THAI, DEVANAGARI, CJK, SYMBOLS)
#: The Unicode blocks each fallback is meant for (a character outside them is tried in every
#: fallback only when no block matches): Thai, Devanagari, CJK and Hangul; the rest (emoji,
#: pictographs, dingbats) goes to Symbola.
_BLOCKS = {
    THAI: ((0x0E00, 0x0E7F),),
    DEVANAGARI: ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    CJK: ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
          (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x2FA1F)),
}

_lock = threading.Lock()
_cmaps: dict[str, frozenset[int]] = {}


def _utf16_hex(code: int) -> str:
    """A code point as the UTF-16BE hex a ToUnicode CMap maps to (a surrogate pair above U+FFFF)."""
    if code > 0xFFFF:
        code -= 0x10000
        return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"
    return f"{code:04X}"


def _to_unicode_cmap(fontname: str, subset) -> str:
    """The ToUnicode CMap of one subset of an embedded font: each one-byte code to the character it
    draws, in UTF-16BE. reportlab 5.1 writes the code point in hex ("<1F680>" for 🚀), which readers
    take for U+1F68 and a stray digit: copied or searched text lost every emoji and pictograph."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({fontname}) /Ordering ({fontname}) /Supplement 0 >> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def _install_to_unicode() -> None:
    """Subsets' ToUnicode maps in UTF-16 (:func:`_to_unicode_cmap`): reportlab's ``ttfonts`` looks
    ``makeToUnicodeCMap`` up when it writes a subset. Only while the installed reportlab still writes
    a character above U+FFFF as five hex digits (the narrowest workaround: a release that writes the
    surrogate pair itself is left alone; tests/test_report_s25.py checks the text a reader copies)."""
    from reportlab.pdfbase import ttfonts

    if "<1F680>" in ttfonts.makeToUnicodeCMap("probe", [0x1F680]):
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap


_install_to_unicode()


def _load(name: str) -> None:
    path = resource_path("fonts", _FONT_FILES[name])
    if not path.is_file():
        raise PrrError("embedded font missing; reinstall PRR Workbench", file=str(path))
    font = TTFont(name, str(path))
    _remember_widths(font)
    _remember_splits(font)
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
            w = known[key] = measure(strip_isolates(text) if isinstance(text, str) else text, size, encoding)
        return w

    font.stringWidth = stringWidth


def _remember_splits(font: TTFont) -> None:
    """Make ``font.splitString`` remember its answers, per PDF document.

    Every string drawn is split into the font's subsets, a Python loop over its characters,
    and a report draws the same words (names, "yes", "launch blocker") tens of thousands of
    times. A character keeps the subset code it got the first time it was drawn in a
    document, so the same text in the same document always splits the same way.
    """
    split = font.splitString
    per_doc: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def splitString(text, doc, encoding="utf-8"):
        known = per_doc.get(doc)
        if known is None:
            known = per_doc[doc] = {}
        parts = known.get(text)
        if parts is None:
            parts = known[text] = split(text, doc, encoding)
        return parts

    font.splitString = splitString


def register_fonts(*, cjk: bool = False, extra: str | None = None) -> None:
    """Register the embedded fonts with reportlab (once per process).

    The fallback fonts are parsed only when asked for (``cjk``, or ``extra``
    naming one of :data:`FALLBACKS`): the first time a text needs them.
    """
    with _lock:
        if SANS not in _cmaps:
            _load(SANS)
            _load(SANS_BOLD)
            pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
        for name in ((CJK,) if cjk else ()) + ((extra,) if extra else ()):
            if name not in _cmaps:
                _load(name)
                pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def embedded_font(name: str) -> str:
    """``name``, or ours for reportlab's own defaults (Helvetica, Times, Courier), which are never
    embedded: wherever reportlab asks for one (tables, drawings, the page preamble), every font in
    the document is one of ours."""
    if name.startswith(("Helvetica", "Times", "Courier")):
        return SANS_BOLD if "Bold" in name else SANS
    return name


def cmap(font: str) -> frozenset[int]:
    register_fonts(extra=font if font in FALLBACKS else None)
    return _cmaps[font]


def _fallback_for(o: int) -> tuple[str, ...]:
    """The fallback fonts to try for the code point ``o``, the font for its block first."""
    for font, blocks in _BLOCKS.items():
        if any(lo <= o <= hi for lo, hi in blocks):
            return (font,)
    return (SYMBOLS, CJK)


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


# -- right-to-left text -------------------------------------------------------------
# reportlab draws every run left to right as it is stored. Hebrew and Arabic are stored in
# logical order, so each line is put into visual order by the Unicode bidirectional algorithm
# (python-bidi: levels, runs of numbers and Latin inside right-to-left text, neutral characters,
# mirrored brackets), after the Arabic letters have taken their contextual (joined) forms in
# logical order (the Unicode presentation forms, which DejaVu Sans has; they keep their
# right-to-left class, so the algorithm orders them as the letters they stand for). A
# paragraph's direction is that of its first strong character (a name in Hebrew reads right to
# left even in an English report).

def _arabic_forms() -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]]]:
    forms: dict[str, dict[str, str]] = {}
    ligatures: dict[tuple[str, str], dict[str, str]] = {}
    for o in range(0xFB50, 0xFEFD):
        d = unicodedata.decomposition(chr(o)).split()
        if len(d) < 2 or d[0] not in ("<isolated>", "<final>", "<initial>", "<medial>"):
            continue
        base = [chr(int(x, 16)) for x in d[1:]]
        kind = d[0][1:-1]
        if len(base) == 1:
            forms.setdefault(base[0], {}).setdefault(kind, chr(o))
        elif len(base) == 2 and base[0] == "\u0644" and base[1] in "\u0622\u0623\u0625\u0627":  # lam-alef
            ligatures.setdefault((base[0], base[1]), {}).setdefault(kind, chr(o))
    return forms, ligatures


_AR_FORMS, _AR_LIGATURES = _arabic_forms()
_TRANSPARENT = ("Mn", "Me", "Cf")


def _joins_next(ch: str) -> bool:
    f = _AR_FORMS.get(ch)
    return bool(f) and "initial" in f


def _joins_prev(ch: str) -> bool:
    f = _AR_FORMS.get(ch)
    return bool(f) and "final" in f or ch == "\u0640"


def shape_arabic(word: str) -> str:
    """``word`` with each Arabic letter in its contextual presentation form (logical order)."""
    out: list[str] = []
    chars = list(word)
    n = len(chars)

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < n and unicodedata.category(chars[j]) in _TRANSPARENT:
            j += step
        return chars[j] if 0 <= j < n else ""

    i = 0
    while i < n:
        ch = chars[i]
        forms = _AR_FORMS.get(ch)
        if not forms:
            out.append(ch)
            i += 1
            continue
        prev = neighbour(i, -1)
        joined_before = bool(prev) and _joins_next(prev) and "final" in forms
        nxt = neighbour(i, 1)
        lig = _AR_LIGATURES.get((ch, nxt)) if nxt and i + 1 < n and chars[i + 1] == nxt else None
        if lig:
            out.append(lig.get("final" if joined_before else "isolated", ch + nxt))
            i += 2
            continue
        joined_after = bool(nxt) and _joins_prev(nxt) and "initial" in forms
        kind = ("medial" if joined_before and joined_after else "final" if joined_before
                else "initial" if joined_after else "isolated")
        out.append(forms.get(kind) or forms.get("isolated") or ch)
        i += 1
    return "".join(out)


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _mirrored() -> dict[str, str]:
    from bidi.mirror import MIRRORED  # the Unicode BidiMirroring pairs, as python-bidi ships them

    return dict(MIRRORED)


_MIRRORED: dict[str, str] = {}
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def _bidi_levels(line: str, base_rtl: bool | None = None) -> list[int]:
    """The resolved embedding level of each character of ``line`` (python-bidi's Rust engine,
    which reports them per UTF-8 byte in its debug description; its display string does not
    mirror brackets, so the reordering below is done here from the levels). ``base_rtl``: the
    paragraph's direction (None: that of the line's first strong character)."""
    from bidi import get_display

    base_dir = None if base_rtl is None else ("R" if base_rtl else "L")
    info = get_display(line, base_dir=base_dir, debug=True)
    per_byte = [int(x) for x in _LEVEL.findall(info.split("levels:", 1)[1])]
    out, i = [], 0
    for ch in line:
        out.append(per_byte[i])
        i += len(ch.encode("utf-8"))
    return out


def _visual_indices(line: str, base_rtl: bool | None = None) -> tuple[list[int], list[str]]:
    """One line's characters in visual order: the logical index of each, left to right (rules L1,
    trailing spaces; L2, reverse runs), and each character mirrored where its level is odd (L4)."""
    levels = _bidi_levels(line, base_rtl)
    if not _MIRRORED:
        _MIRRORED.update(_mirrored())
    if base_rtl is None:
        from bidi import get_base_level

        base = get_base_level(line)
    else:
        base = 1 if base_rtl else 0
    n = len(line)
    k = n
    while k > 0 and line[k - 1].isspace():  # L1: trailing white space takes the paragraph's level
        k -= 1
        levels[k] = base
    chars = [_MIRRORED.get(c, c) if lv % 2 else c for c, lv in zip(line, levels)]
    order = list(range(n))
    odd = [lv for lv in levels if lv % 2]
    if odd:
        for level in range(max(levels), min(odd) - 1, -1):
            i = 0
            while i < n:
                if levels[order[i]] >= level:
                    j = i
                    while j < n and levels[order[j]] >= level:
                        j += 1
                    order[i:j] = order[i:j][::-1]
                    i = j
                else:
                    i += 1
    return order, chars


def _bidi_line(line: str, base_rtl: bool | None = None) -> str:
    """One line in visual order."""
    order, chars = _visual_indices(line, base_rtl)
    return "".join(chars[i] for i in order)


def visual_pieces(pieces: list[str], base_rtl: bool) -> list[tuple[int, str]]:
    """One line made of ``pieces`` (consecutive texts in logical order, each with its own font or
    colour) in visual order: ``(index of the piece, text)`` runs from left to right. A line that
    a paragraph broke in logical order is reordered alone, in the paragraph's direction."""
    line = "".join(pieces)
    owner = [i for i, p in enumerate(pieces) for _ in p]
    order, chars = _visual_indices(line, base_rtl)
    out: list[list] = []
    for k in order:
        if ord(line[k]) in _ISOLATES:  # ordered the string around it; nothing to draw
            continue
        if out and out[-1][0] == owner[k]:
            out[-1][1] += chars[k]
        else:
            out.append([owner[k], chars[k]])
    return [(i, t) for i, t in out]


def has_rtl(text: str) -> bool:
    return any(_is_rtl(c) for c in text)


#: Unicode's first-strong isolate and its end: :meth:`TextKit.iso` puts a user's string that holds
#: right-to-left text between them when the report writes it into a sentence of its own, so that
#: the string is ordered on its own and does not decide (nor scramble) the sentence around it.
#: They have no glyph: they are measured as nothing and never drawn.
FSI, PDI = "\u2068", "\u2069"
_ISOLATES = frozenset((0x2066, 0x2067, 0x2068, 0x2069))
_NO_ISOLATES = {o: None for o in _ISOLATES}


def strip_isolates(text: str) -> str:
    return text.translate(_NO_ISOLATES) if FSI in text or PDI in text else text


def starts_rtl(text: str) -> bool:
    """Whether a paragraph of ``text`` reads right to left: most of its letters outside isolated
    strings (:data:`FSI` ... :data:`PDI`) are Hebrew or Arabic, the first strong letter deciding a
    tie; a text that is all one isolated string: the same over its letters. A sentence the report
    writes around a Hebrew id ("חזית-storefront (launch blocker)", a risk's title that starts with
    the id) reads left to right; a Hebrew name or description reads right to left."""
    def count(chars) -> tuple[int, int, bool | None]:
        rtl = ltr = 0
        first = None
        for c in chars:
            d = unicodedata.bidirectional(c)
            if d in ("R", "AL"):
                rtl += 1
                first = True if first is None else first
            elif d == "L":
                ltr += 1
                first = False if first is None else first
        return rtl, ltr, first

    outside, depth = [], 0
    for c in text:
        if c == FSI or c in "\u2066\u2067":
            depth += 1
        elif c == PDI:
            depth = max(0, depth - 1)
        elif depth == 0:
            outside.append(c)
    rtl, ltr, first = count(outside)
    if first is None:
        rtl, ltr, first = count(c for c in text if ord(c) not in _ISOLATES)
    return rtl > ltr or (rtl == ltr and bool(first))


def visual_order(text: str) -> str:
    """``text`` with each line in visual order (the bidi algorithm, Arabic shaped first): for a
    text drawn on one line (figures, headers). A paragraph breaks its lines in logical order and
    reorders each (``pdf.Paragraph``)."""
    if not has_rtl(text):
        return strip_isolates(text)
    return "\n".join(strip_isolates(_bidi_line(shape_arabic(line))) if has_rtl(line) else strip_isolates(line)
                     for line in text.split("\n"))


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
        self._plain = _plain(SANS)
        self._plain_bold = _plain(SANS_BOLD)
        self._font_of: dict[int, str | None] = {}
        self._widths: dict[tuple, float] = {}

    def _fallback(self, o: int) -> str | None:
        """The fallback font that has the code point ``o`` (None: none has it)."""
        if o not in self._font_of:
            self._font_of[o] = next((f for f in _fallback_for(o) if o in cmap(f)), None)
        return self._font_of[o]

    # -- runs ---------------------------------------------------------------
    def runs(self, text: str, *, bold: bool = False, visual: bool = True) -> list[tuple[str, str]]:
        """Split ``text`` into ``(font, text)`` runs; unknown characters become ``[U+XXXX]``.
        Right-to-left text is put into visual order (one line), or with ``visual=False`` left in
        logical order, Arabic shaped, for a paragraph to break into lines and reorder each."""
        base = SANS_BOLD if bold else SANS
        text = str(text)
        if (self._plain_bold if bold else self._plain).issuperset(map(ord, text)):
            return [(base, text)] if text else []  # what the loop below gives, without the loop
        if has_rtl(text):
            self.rtl = True
            text = visual_order(text) if visual else shape_arabic(text)
        base_map = self._latin_bold if bold else self._latin
        out: list[tuple[str, str]] = []
        cur_font = base
        buf: list[str] = []
        for ch in text:
            o = ord(ch)
            if o in _CONTROL:  # shown as an escape, as the Markdown and CSV show it (a reviewer wrote it)
                if o == 13:  # a carriage return (CRLF line ends): white space
                    ch, o = " ", 32
                else:
                    ch, o = f"\\x{o:02x}", 92
            if o in base_map or ch.isspace():
                font = base if (o in base_map or cur_font == base) else cur_font
            elif o in _ISOLATES:  # measured as nothing, dropped when the line is put in visual order
                font = cur_font
            elif o in _INVISIBLE_OK:
                if not (cur_font == DEVANAGARI and o in (0x200C, 0x200D)):
                    continue
                font = cur_font  # a joiner inside Devanagari: the shaper uses it
            elif (fb := self._fallback(o)) is not None:
                font = fb
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

    @staticmethod
    def iso(text) -> str:
        """A user's string to be written into a sentence of the report's: isolated (:data:`FSI` ...
        :data:`PDI`) when it holds right-to-left text, so it is ordered on its own and the sentence
        keeps its own direction; else unchanged."""
        text = "" if text is None else str(text)
        return FSI + text + PDI if has_rtl(text) else text

    def markup(self, text, *, bold: bool = False) -> str:
        """``text`` (any value; ``None`` gives ``""``) as escaped reportlab markup."""
        if text is None:
            return ""
        parts = []
        for font, run in self.runs(str(text), bold=bold, visual=False):
            esc = _escape(run).replace("\n", "<br/>")
            if font in FALLBACKS:
                parts.append(f'<font face="{font}">{esc}</font>')
            else:
                parts.append(esc)
        out = "".join(parts)
        return f"<b>{out}</b>" if bold else out

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        """The width of ``text`` drawn in its runs' fonts, remembered per kit (a report measures the
        same words tens of thousands of times; the runs record unprintable characters on the first)."""
        key = (text, size, bold)
        w = self._widths.get(key)
        if w is None:
            w = self._widths[key] = sum(pdfmetrics.stringWidth(run, font, size)
                                        for font, run in self.runs(text, bold=bold))
        return w

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
