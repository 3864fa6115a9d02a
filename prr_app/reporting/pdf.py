"""The Reliability Risk Assessment as a PDF (reportlab platypus).

One :class:`AssessmentDocTemplate` (cover and body page templates, running
header, "page X of Y" footer, table of contents and PDF outline from
``afterFlowable``), styles in :mod:`.styles`, user text only through
:class:`~.text.TextKit`. ``invariant=1`` and the review's own date make two
builds of the same review byte-identical.
"""
from __future__ import annotations

import copy
import io
from functools import lru_cache
import re
from pathlib import Path
from typing import Callable

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus.paragraph import _handleBulletWidth as _rl_bullet_width
from reportlab.platypus.paragraph import split as _rl_split
from reportlab.platypus.paragraph import strip as _rl_strip
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
)

from prr_app import __version__, wording
from prr_app.model.entities import OBSERVABILITY_SIGNALS, Review
from prr_app.errors import PrrError
from prr_app.paths import atomic_write_bytes
from prr_app.layout import shared_tag_text, shared_tags
from prr_app.reporting import figures as F
from prr_app.reporting.assessment import (IMPORT_NOTE_RANKS, IMPORT_NOTES_TITLE, SECTION_TITLES, Assessment,
                                          build_assessment, no_figures, rests_on_words, unconfirmed_note,
                                          unconfirmed_words)
from prr_app.reporting.styles import MUTED, RULE, SEVERITY_COLORS, VERDICT_COLORS, Styles, table_style
from prr_app.reporting.shaping import install as _install_shaping
from prr_app.reporting.text import SANS, SANS_BOLD, TextKit, embedded_font, starts_rtl, visual_pieces
from prr_app.wording import count as _count
from prr_app.wording import DECIDING_ASSUMPTIONS, NOT_JUDGED_NO_FIGURES, score_text, stated

_install_shaping()  # a word mixing fonts is shaped one font at a time (reportlab shapes it with one)

# Streams are compressed but not also ASCII85-encoded: a quarter smaller, and
# reportlab's pure-Python encoder was 5 % of a report's time. (ASCII85 only keeps
# a PDF 7-bit clean, which no reader or mail system needs.) Set once for the
# process: this package is reportlab's only user.
rl_config.useA85 = 0

PAPERS = {"a4": A4, "letter": LETTER}
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
DETAILED_RISKS = 120  # risks shown with description, inputs and mitigations; the rest in a compact table
INPUTS_SHOWN = 8  # inputs behind a risk's numbers printed in the register
BLAST_ROWS = 60  # per-component blast radius rows shown (widest first); the rest are counted
SPOF_ROWS = 120  # SPOFs shown in the table, in register order; the rest as compact lines of text
#: more rows than this of one kind that say the same thing (a cascading pattern, components stating no
#: signal, components without a line) are one paragraph naming them, instead of a row or bullet each
SAME_ROWS = 20
ANSWERED_ROWS = 60  # answered blocker items shown in 7.5 with their evidence; the rest counted
NAMES_PER_PARA = 200  # names per paragraph of a long list (reportlab's line breaking is quadratic)
#: calls an import guessed from configuration (strong), not confirmed, named in section 1 (every weak one is)
STRONG_UNCONFIRMED = 60


class Paragraph(_RLParagraph):
    """reportlab's ``Paragraph`` that remembers its last line breaking.

    A table wraps each cell paragraph to the same width while it measures the
    rows, again for each split, and again when it draws; line breaking is the
    costliest step of the PDF, so it is done once per width. The result
    depends only on the paragraph's fragments, style and width.
    """

    _wrapped_as = None
    #: None: no right-to-left text; else whether the paragraph reads right to left (its first
    #: strong character is Hebrew or Arabic)
    _rtl: bool | None = None

    def __init__(self, text, style=None, *args, **kw):
        if (style is not None and isinstance(text, str)  # a split part gets frags, and its style already
                and _NEEDS_SHAPING.search(text) and not _RTL.search(text)):
            style = _shaping(style)  # Devanagari, Thai: glyphs reordered and combined by harfbuzz
        super().__init__(text, style, *args, **kw)
        frags = self.frags
        if len(frags) > 1 and isinstance(text, str):
            # reportlab's parser starts a fragment at every entity ("a -&gt; b" is three fragments of
            # one style): one run of one style is one fragment, broken as plain text
            first = {k: v for k, v in frags[0].__dict__.items() if k != "text"}
            if "text" in frags[0].__dict__ and all(
                    "text" in f.__dict__ and len(f.__dict__) == len(first) + 1
                    and all(f.__dict__.get(k, first) == v for k, v in first.items()) for f in frags[1:]):
                frags[0].text = "".join(f.text for f in frags)
                del frags[1:]
        if isinstance(text, str) and _RTL.search(text):
            self._rtl = starts_rtl("".join(getattr(f, "text", "") for f in self.frags))
            if self._rtl and self.style.alignment == TA_LEFT:
                self.style = _right_aligned(self.style)

    def wrap(self, availWidth, availHeight):
        key = (availWidth, id(self.frags), len(self.frags))
        if key == self._wrapped_as and "blPara" in self.__dict__:  # split() drops blPara
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        # a paragraph of several fragments replaces them by its word list while breaking: the key
        # names what it holds now
        self._wrapped_as = (availWidth, id(self.frags), len(self.frags))
        return size

    def breakLines(self, width):
        plain = self._plain_lines(width)
        return plain if plain is not None else super().breakLines(width)

    def _plain_lines(self, width):
        """reportlab's line breaking of a paragraph that is one run of plain text (most of the
        report's bullets and sentences), the same lines to the last bit, without its per-word checks
        for soft hyphens, hyphenation, bidirectional text and words to split, none of which such a
        paragraph has. None for any other paragraph: reportlab breaks it."""
        frags, style = self.frags, self.style
        if len(frags) != 1 or style.endDots or style.wordWrap or style.shaping or style.hyphenationLang \
                or style.uriWasteReduce or style.embeddedHyphenation:
            return None
        f = frags[0]
        text = getattr(f, "text", None)
        if not isinstance(text, str) or "\xad" in text or hasattr(f, "cbDefn") or hasattr(f, "backColor"):
            return None
        maxWidths = list(width) if isinstance(width, (tuple, list)) else [width]
        _rl_bullet_width(self.bulletText, style, maxWidths)
        font, size = pdfmetrics.getFont(f.fontName), f.fontSize
        words = _rl_split(_rl_strip(text))
        widths = [font.stringWidth(w, size, self.encoding) for w in words]
        if widths and max(widths) > min(maxWidths):  # a word to split: reportlab's own way
            return None
        if isinstance(width, list):
            width[0] = maxWidths[0]  # as reportlab, less the bullet's overrun on the first line
        ascent, descent = pdfmetrics.getAscentDescent(f.fontName, size)
        self._width_max = 0
        self._splitLongWordCount = self._hyphenations = 0
        self.height = 0
        if not words:
            return f.clone(kind=0, lines=[], ascent=ascent, descent=descent, fontSize=size)
        space = font.stringWidth(" ", size, self.encoding)
        shrink = style.spaceShrinkage * space
        last = len(maxWidths) - 1
        lines, line, cur, lineno, maxWidth, widest = [], [], -space, 0, maxWidths[0], 0
        for word, ww in zip(words, widths):
            new = cur + space + ww
            if new <= maxWidth + shrink * len(line) or not line:
                line.append(word)
                cur = new
            else:
                widest = max(widest, cur)
                lines.append((maxWidth - cur, line))
                line, cur = [word], ww
                lineno += 1
                maxWidth = maxWidths[min(last, lineno)]
        widest = max(widest, cur)
        lines.append((maxWidth - cur, line))
        self._width_max = widest
        return f.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)

    # -- right-to-left text: lines broken in logical order, each drawn in visual order ------
    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, Paragraph):
                part._rtl = self._rtl  # the direction of the whole paragraph, not of its part
        return parts

    def draw(self):
        if self._rtl is None:
            return super().draw()
        logical = self.blPara
        self.blPara = self.visual_lines()
        try:
            super().draw()
        finally:
            self.blPara = logical  # a later split works on the logical lines

    def visual_lines(self):
        """The lines this paragraph broke (in logical order, first words on the first line), each
        put into visual order on its own, in the paragraph's direction."""
        bl = self.blPara
        out = copy.copy(bl)
        if self._rtl is None:
            return out
        if bl.kind == 0:
            out.lines = [(extra, "".join(t for _, t in visual_pieces([" ".join(words)], self._rtl)).split(" "))
                         for extra, words in bl.lines]
            return out
        lines = []
        for line in bl.lines:
            words = line.words
            if any(hasattr(w, "cbDefn") for w in words):  # an inline image or link marker: kept as laid out
                lines.append(line)
                continue
            new = copy.copy(line)
            new.words = [words[i].clone(text=t)
                         for i, t in visual_pieces([getattr(w, "text", "") for w in words], self._rtl)]
            lines.append(new)
        out.lines = lines
        return out


#: Scripts whose letters must be shaped (reordered, combined) by harfbuzz to read right. Shaping
#: costs, so only a paragraph holding one of them is shaped. Right-to-left text is ordered here,
#: line by line, Arabic in its joined forms (text.shape_arabic): harfbuzz would reorder it again,
#: so a paragraph holding it is not shaped (Devanagari beside Arabic then prints unshaped).
_NEEDS_SHAPING = re.compile("[\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff\u0e00-\u0e7f]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@lru_cache(maxsize=None)
def _shaping(style):
    shaped = copy.copy(style)
    shaped.shaping = 1
    return shaped


@lru_cache(maxsize=None)
def _right_aligned(style):
    """``style`` for a paragraph that reads right to left: its lines end at the right margin."""
    right = copy.copy(style)
    right.alignment = TA_RIGHT
    return right


class _LongTable(Table):
    """A table that measures each row once, and draws nothing for an empty cell.

    reportlab measures the rows that fill a page when it wraps a table, again when it splits
    it at the page's end (from the heights it was given, not those it measured), and the part
    carried to the next page again. The columns have fixed widths, so a row's height never
    changes: what was measured is kept as if it had been given.
    """

    def _calc_height(self, availHeight, availWidth, H=None, W=None):
        super()._calc_height(availHeight, availWidth, H, W)
        self._argH = list(self._rowHeights)

    _text = None  # the open text object of the plain cells drawn one after another

    def _drawCell(self, cellval, cellstyle, pos, size):
        if cellval == "":  # an empty cell (its background is drawn apart): no empty text object
            return
        if (type(cellval) is not str or cellstyle.alignment != "LEFT" or cellstyle.valign != "TOP"
                or cellstyle.direction or cellstyle.shaping or cellstyle.href or cellstyle.destination):
            self._end_text()
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        # A plain cell: its lines at the places reportlab's _drawCell puts them (left aligned, from
        # the top), in the text object the previous plain cells used (reportlab begins and ends
        # one for every line of every cell: some 40,000 in a large report).
        t = self._text
        if t is None:
            t = self._text = self.canv.beginText()
            self._text_state = None
        state = (cellstyle.color, cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
        if state != self._text_state:
            if self._text_state is None or state[0] != self._text_state[0]:
                t.setFillColor(cellstyle.color)
            t.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._text_state = state
        self._curcellstyle = None  # the canvas' fill colour is the text's now: reportlab sets its own again
        x = pos[0] + cellstyle.leftPadding
        y = pos[1] + size[1] - cellstyle.topPadding - cellstyle.fontsize
        for line in cellval.split("\n"):
            t.setTextOrigin(x, y)
            t.textOut(line)
            y -= cellstyle.leading

    def _end_text(self) -> None:
        if self._text is not None:
            self.canv.drawText(self._text)
            self._text = None

    def _drawLines(self):
        self._end_text()  # the cells' text before the rules, as reportlab draws them
        super()._drawLines()


class _Lines(list):
    """A table cell of several lines of markup (the risk register's title, description, inputs...),
    each line its own Paragraph, stacked where reportlab puts the lines of one paragraph broken at
    ``<br/>``: a line of one style is broken as plain text (:meth:`Paragraph._plain_lines`), while
    reportlab breaks a paragraph of several styles several times slower. Only in a table whose rows
    are kept whole: a row split across pages splits one paragraph by its own rules (no single line
    left behind), so there the cell is that one paragraph (:meth:`paragraph`)."""

    def __init__(self, parts: list[str], style):
        super().__init__(Paragraph(x, style) if x else Spacer(1, style.leading) for x in parts)
        self.parts, self.style = parts, style

    def getPlainText(self) -> str:
        """The one paragraph's ``getPlainText`` (what column widths and row estimates are made of)."""
        return _RLParagraph("<br/>".join(self.parts), self.style).getPlainText()

    def paragraph(self) -> "Paragraph":
        return Paragraph("<br/>".join(self.parts), self.style)


class _Cell:
    __slots__ = ("text", "bold", "color")

    def __init__(self, text: str, bold: bool, color=None):
        self.text = text
        self.bold = bold
        self.color = color


_MISSING_BG = colors.HexColor("#fde0dc")

# room for a heading, a table's header row and its first rows: a heading with less
# room left below it moves to the next page with its table
TABLE_START_ROOM = 110


class _PageTop(Flowable):
    """Takes no room: from where it stands, every page that begins starts with ``flowables``
    (reportlab's page-top flowables), until the next one. A part that runs onto another page says
    so at the top of it ("Executive summary (continued)", and the table that runs on: its header
    row repeats below), as a printed report does; the summary ran on with no mark."""

    def __init__(self, flowables: list):
        super().__init__()
        self.flowables = list(flowables)

    def frameAction(self, frame) -> None:  # applied where it stands, drawn nowhere
        doc = self._doctemplateAttr("_pageTopFlowables")
        if doc is not None:
            self.canv._doctemplate._pageTopFlowables = self.flowables


class _Heading(Paragraph):
    """A heading that goes into the table of contents and the PDF outline."""

    def __init__(self, text, style, *, level: int, title: str, key: str):
        super().__init__(text, style)
        self.toc_level = level
        self.toc_title = title
        self.toc_key = key


class _Contents(Flowable):
    """The table of contents in one pass: page numbers are PDF forms filled in at the end.

    Each entry is one line (long titles are shortened), so its height is known
    before the pages are, and the document needs a single layout pass.
    """

    def __init__(self, entries: list[tuple[int, str, str]], kit: TextKit):
        super().__init__()
        self.entries = entries
        self.kit = kit

    def _row_h(self, level: int) -> float:
        return 16.0 if level == 0 else 12.5

    def wrap(self, aw, ah):
        self._aw = aw
        return aw, sum(self._row_h(lv) for lv, _, _ in self.entries)

    def split(self, aw, ah):
        fits, used = [], 0.0
        for e in self.entries:
            if used + self._row_h(e[0]) > ah:
                break
            fits.append(e)
            used += self._row_h(e[0])
        if not fits or len(fits) == len(self.entries):
            return []
        return [_Contents(fits, self.kit), _Contents(self.entries[len(fits):], self.kit)]

    def draw(self):
        c = self.canv
        y = sum(self._row_h(lv) for lv, _, _ in self.entries)
        for level, text, key in self.entries:
            h = self._row_h(level)
            y -= h
            size = 10.5 if level == 0 else 9
            x = 0 if level == 0 else 16
            bold = level == 0
            title = F.fit_lines(self.kit, text, size, self._aw - x - 40, 1, bold=bold)[0]
            tx = x
            c.setFillColor(colors.black if level == 0 else MUTED)
            for font, run in self.kit.runs(title, bold=bold):
                c.setFont(font, size)
                c.drawString(tx, y + 3, run)
                tx += c.stringWidth(run, font, size)
            c.setStrokeColor(RULE)
            c.setDash(0.5, 2.5)
            c.line(tx + 4, y + 3, self._aw - 26, y + 3)
            c.setDash()
            c.saveState()
            c.translate(self._aw, y + 3)
            c.doForm(f"pg-{key}")
            c.restoreState()
            c.linkRect("", key, (0, y, self._aw, y + h), relative=1)


def _text_height(v, width: float) -> float:
    """A generous estimate of a cell's height in points (7.5 pt text, 9.5 pt lines)."""
    if isinstance(v, (_RLParagraph, _Lines)):
        text = v.getPlainText()
    elif isinstance(v, str):
        text = v
    else:
        return 0.0
    per_line = max(1.0, (width - 6) / 4.2)
    return (len(text) / per_line + 1 + text.count("\n")) * 9.5


def _row_height(row: list, cols: list[float]) -> float:
    """The height of one table row as :func:`styles.table_style` lays it out (7.5 pt plain cells at
    the cell leading, paragraphs and stacked lines wrapped to their column)."""
    tallest = 0.0
    for v, c in zip(row, cols):
        inner = c - 6  # left and right padding
        if isinstance(v, str):
            h = (v.count("\n") + 1) * 9.5 if v else 0.0
        elif isinstance(v, (list, tuple)):
            h = sum(f.wrap(inner, 1e6)[1] for f in v)
        elif hasattr(v, "wrap"):
            h = v.wrap(inner, 1e6)[1]
        else:
            h = 0.0
        tallest = max(tallest, h)
    return tallest + 4.5  # top and bottom padding


def evidence_and_note(ans) -> str:
    """7.1's last cell: an answer's evidence and its note ("note: waiting on the vendor"), either or both."""
    ev, note = getattr(ans, "evidence", "") or "", getattr(ans, "note", "") or ""
    return "; ".join(x for x in (ev, note and f"note: {note}") if x)


def more_of(items, shown: int, noun: str) -> str:
    """What follows the first ``shown`` of ``items`` in a cell: " … and 4 more steps" (never a bare "…":
    the reader is told how many were left out), "" when all are shown."""
    n = len(items) - shown
    return f" … and {n} more {noun if n == 1 else noun + 's'}" if n > 0 else ""


def words(value) -> str:
    """An enum value in words ("not_met" -> "not met")."""
    return wording.enum_words(value or "")


def _tokens_width(kit: TextKit, text: str, size: float, bold: bool) -> float:
    """The width of the longest word of ``text`` (what a column needs so that no word breaks)."""
    toks = [t for t in str(text).split() if len(t) > 2]
    if not toks:
        return 0.0
    longest = sorted(toks, key=len, reverse=True)[:3]  # the longest by characters are the widest, or close
    return max(kit.width(tok, size, bold=bold) for tok in longest)


def _fit_columns(kit: TextKit, header: list[str], rows: list[list], cols: list[float]) -> list[float]:
    """Widen the columns whose longest word (a short cell: its whole text, it does not wrap) does not
    fit, taking the room from columns with slack, keeping the total. Where the total cannot hold every column's longest word, the widths stay."""
    pad = 7.0
    need = [_tokens_width(kit, h, 7.5, True) + pad for h in header]
    for row in rows[:60]:  # the longest words of the first rows decide (the table's shape is set by then)
        for i, v in enumerate(row[:len(cols)]):
            text = v.text if isinstance(v, _Cell) else v if isinstance(v, str) else (
                v.getPlainText() if isinstance(v, (_RLParagraph, _Lines)) else "")
            if isinstance(v, str) and v:  # a short cell is drawn as is, on one line: it needs its whole width
                need[i] = max(need[i], kit.width(v, 7.5) + pad)
            elif text:
                need[i] = max(need[i], _tokens_width(kit, text, 7.5, isinstance(v, _Cell) and v.bold) + pad)
    total = sum(cols)
    cap = total * 0.4
    need = [min(n, cap) for n in need]  # one huge token (a URL) may still wrap
    short = [max(0.0, n - c) for n, c in zip(need, cols)]
    lack = sum(short)
    if lack <= 0:
        return cols
    slack = [max(0.0, c - n) for n, c in zip(need, cols)]
    spare = sum(slack)
    if spare <= 0:
        return cols
    # too little room for every column: the narrowest needs first (a date, "unanswered", a short
    # name fit whole), then the wider; a token wider than the cap (a URL, a long id) wraps anyway
    give = [0.0] * len(cols)
    left = spare
    for i in sorted((i for i, sh in enumerate(short) if sh > 0 and (lack <= spare or need[i] < cap)),
                    key=lambda i: (need[i], i)):
        give[i] = min(short[i], left)
        left -= give[i]
    take = sum(give)
    return [c + g - sl * (take / spare) for c, g, sl in zip(cols, give, slack)]


def fitted_header(kit: TextKit, header: str, width: float, size: float = 7.5) -> str:
    """The running header within ``width``: a long system name (the part before the first " · ") is
    shortened with an ellipsis, the rest kept; if even that is too wide, the whole is cut."""
    if kit.width(header, size) <= width:
        return header
    name, sep, rest = header.partition(" · ")
    tail = sep + rest
    room = width - kit.width(tail, size)
    if sep and room > kit.width("M…", size) * 2:
        return F.fit_lines(kit, name, size, room, 1)[0].rstrip("…").rstrip() + "…" + tail
    return F.fit_lines(kit, header, size, width, 1)[0]


def column_runs(marks: dict[tuple, list[int]]) -> list[tuple]:
    """Table style commands for single cells, ``{(op, column, value): [row, ...]}`` (rows in
    ascending order), as one command per run of consecutive rows of a column: reportlab applies
    every command again to each part of a table split across pages."""
    cmds = []
    for (op, ci, value), rs in marks.items():
        start = rs[0]
        for r, after in zip(rs, rs[1:] + [None]):
            if after != r + 1:  # the end of a run of consecutive rows
                cmds.append((op, (ci, start), (ci, r), value))
                start = after
    return cmds


def _numbered_canvas(header: str, kit: TextKit, heading_pages: dict[str, int], *,
                     footer: str = "Reliability Risk Assessment"):
    """A canvas class that writes the running header and "page X of Y" once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = SANS
            kwargs["initialFontSize"] = 9
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def setFont(self, psfontname, size, leading=None):
            super().setFont(embedded_font(psfontname), size, leading)

        def save(self):
            for key, page in heading_pages.items():
                self.beginForm(f"pg-{key}", lowerx=-60, lowery=-4, upperx=0, uppery=14)
                self.setFont(SANS, 9)
                self.setFillColor(colors.black)
                self.drawRightString(0, 0, str(page))
                self.endForm()
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            w, h = self._pagesize
            n = self._pageNumber
            self.saveState()
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            if n > 1:
                self.setFont(SANS, 7.5)
                x = MARGIN_X
                for font, run in kit.runs(fitted_header(kit, header, w - 2 * MARGIN_X)):
                    self.setFont(font, 7.5)
                    self.drawString(x, h - 12 * mm, run)
                    x += self.stringWidth(run, font, 7.5)
                self.line(MARGIN_X, h - 13.5 * mm, w - MARGIN_X, h - 13.5 * mm)
            self.setFont(SANS, 7.5)
            self.drawRightString(w - MARGIN_X, 10 * mm, f"page {n} of {total}")
            self.drawString(MARGIN_X, 10 * mm, footer)
            self.restoreState()

    return NumberedCanvas


class AssessmentDocTemplate(BaseDocTemplate):
    """Cover page, then body pages; headings feed the TOC and the outline."""

    def __init__(self, filename, *, pagesize, title: str, author: str, subject: str):
        super().__init__(filename, pagesize=pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title, author=author,
                         subject=subject, creator=f"PRR Workbench {__version__}", producer="PRR Workbench",
                         invariant=1, pageCompression=1, lang="en")
        w, h = pagesize
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, w - 2 * MARGIN_X, h - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = Frame(MARGIN_X, MARGIN_BOTTOM, w - 2 * MARGIN_X, h - MARGIN_TOP - MARGIN_BOTTOM, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=30 * mm, bottomPadding=0)
        self.addPageTemplates([PageTemplate("cover", [cover]), PageTemplate("body", [frame])])
        self.frame_w = frame._width
        self.frame_h = frame._height
        self.heading_pages: dict[str, int] = {}

    def afterFlowable(self, flowable):
        if isinstance(flowable, _Heading):
            key = flowable.toc_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_title, key, level=flowable.toc_level, closed=flowable.toc_level > 0)
            self.heading_pages[key] = self.page


class TableBuilder:
    """A document's story, built from user text through one :class:`TextKit`: paragraphs, headings
    and tables with the assessment's typography (the assessment and the portfolio summary)."""

    def __init__(self, doc: BaseDocTemplate, kit: TextKit):
        self.doc = doc  # with frame_w, frame_h and heading_pages
        self.kit = kit
        self.st = Styles()
        self.story: list = []
        self._keys = 0
        self.toc_entries: list[tuple[int, str, str]] = []

    # -- helpers ------------------------------------------------------------------
    def m(self, text, bold: bool = False) -> str:
        return self.kit.markup(text, bold=bold)

    def p(self, markup: str, style=None) -> Paragraph:
        return Paragraph(markup, style or self.st.body)

    def cell(self, text, bold: bool = False) -> "_Cell":
        """User text for a table cell: a plain string when it fits one line in the base font, else a Paragraph."""
        return _Cell("" if text is None else str(text), bold)

    def _materialize(self, rows: list[list], cols: list[float], first_row: int = 0) -> tuple[list[list], list]:
        """Turn :class:`_Cell` markers into plain strings or Paragraphs.

        Text in the base font alone (most cells) becomes a plain string, wrapped here into lines
        as a Paragraph would wrap it (:func:`figures.fit_lines`) and drawn line by line: never
        parsed as markup nor broken again by reportlab. Text needing another font, or
        right-to-left text, becomes a Paragraph. Cell commands (bold, colour, the leading of a
        wrapped cell) are merged over consecutive rows of a column: a long table splits across
        pages, and reportlab applies every command again to each part."""
        out = []
        marks: dict[tuple, list[int]] = {}
        shrink = self.st.cell.spaceShrinkage
        for ri, row in enumerate(rows):
            new = []
            for ci, v in enumerate(row):
                if isinstance(v, _Cell):
                    font = SANS_BOLD if v.bold else SANS
                    runs = self.kit.runs(v.text, bold=v.bold) if v.text else [(font, "")]
                    lines = None
                    if len(runs) == 1 and runs[0][0] == font and not _RTL.search(runs[0][1]):
                        lines = [x for part in runs[0][1].split("\n")
                                 for x in F.fit_lines(self.kit, part, 7.5, cols[ci] - 6, None, bold=v.bold,
                                                       space_shrink=shrink)]
                    r = ri + first_row
                    if lines is not None:
                        new.append("\n".join(lines))
                        if v.bold:
                            marks.setdefault(("FONTNAME", ci, SANS_BOLD), []).append(r)
                        if v.color is not None:
                            marks.setdefault(("TEXTCOLOR", ci, v.color), []).append(r)
                        if len(lines) > 1:
                            marks.setdefault(("LEADING", ci, self.st.cell.leading), []).append(r)
                    else:
                        markup = self.m(v.text, bold=v.bold)
                        if v.color is not None:
                            markup = f'<font color="#{v.color.hexval()[2:]}">{markup}</font>'
                        new.append(Paragraph(markup, self.st.cell))
                else:
                    new.append(v)
            out.append(new)
        return out, column_runs(marks)

    def heading(self, title: str, level: int = 0, number: str | None = None):
        self._keys += 1
        text = f"{number} {title}" if number else title
        style = self.st.h1 if level == 0 else self.st.h2
        if level == 0:
            self.story.append(CondPageBreak(self.doc.frame_h * 0.25))
        key = f"h{self._keys}"
        self.story.append(_Heading(self.m(text), style, level=level, title=text, key=key))
        self.toc_entries.append((level, text, key))

    def para(self, text, style=None):
        self.story.append(self.p(self.m(text), style))

    def bullets(self, items: list[str], style=None):
        for it in items:
            self.story.append(Paragraph(it, style or self.st.bullet, bulletText="•"))

    def table(self, header: list[str], rows: list[list], widths: list[float], extra=()):
        t = self._table_flowable(header, rows, widths, extra)
        if self.story and isinstance(self.story[-1], _Heading):
            # A heading keeps with what follows by wrapping both in KeepTogether, and
            # KeepTogether breaks the page whenever the pair is taller than what is left:
            # a long table would leave the rest of the page empty. Instead the heading
            # starts a new page only when it, the header row and the first row (kept whole)
            # would not fit: those two rows measured, not estimated (a risk's row is tall).
            head = self.story.pop()
            head.keepWithNext = 0
            w, fh = self.doc.frame_w, self.doc.frame_h
            head_h = head.wrap(w, fh)[1] + head.getSpaceBefore() + head.getSpaceAfter()
            rows_h = sum(_row_height(row, t._colWidths) for row in t._cellvalues[:2])
            self.story.append(CondPageBreak(max(TABLE_START_ROOM, head_h + min(rows_h, fh * 0.6) + 8)))
            self.story.append(head)
        self.story.append(t)
        self.story.append(Spacer(1, 6))

    def _table_flowable(self, header: list[str], rows: list[list], widths: list[float], extra=()) -> Table:
        """A table whose columns are wide enough for their longest word (no word, date or URL broken
        mid-token while the page allows it), header repeated, rows kept whole across pages (a row
        taller than a page is the only one split)."""
        w = self.doc.frame_w
        cols = _fit_columns(self.kit, header, rows, [w * f for f in widths])
        body, cmds = self._materialize(rows, cols, first_row=1)
        data = [[Paragraph(self.m(h), self.st.cell_head) for h in header]] + body
        # a row taller than a page cannot be kept whole: estimated from its text (a wrap here would
        # lay the whole table out twice)
        tall = self.doc.frame_h * 0.6
        split = any(_text_height(v, c) > tall for row in data[1:] for v, c in zip(row, cols))
        if split:
            data = [[v.paragraph() if isinstance(v, _Lines) else v for v in row] for row in data]
        return _LongTable(data, colWidths=cols, repeatRows=1, hAlign="LEFT",
                          style=table_style(extra=list(extra) + cmds), splitInRow=1 if split else 0)

    def lines(self, parts: list[str]):
        """A cell of several lines of markup (:class:`_Lines`), or one paragraph broken at ``<br/>``
        when a line holds right-to-left or shaped text (direction and shaping are the whole cell's)."""
        if any(_RTL.search(x) or _NEEDS_SHAPING.search(x) for x in parts):
            return Paragraph("<br/>".join(parts), self.st.cell)
        return _Lines(parts, self.st.cell)

    def short(self, text) -> str:
        """A short cell we compose ourselves (numbers, enum words, marks): drawn as is, no markup parsing."""
        return str(text).replace("\n", " ")

    def sev(self, sev: str | None, text: str | None = None) -> "_Cell":
        """A severity word in its colour (a plain bold cell)."""
        return _Cell(text if text is not None else (sev or ""), True, SEVERITY_COLORS.get(sev or "", MUTED))

    def sev_markup(self, sev: str | None) -> str:
        col = SEVERITY_COLORS.get(sev or "", MUTED).hexval()[2:]
        return f'<font color="#{col}"><b>{self.m(sev or "")}</b></font>' 



class _Builder(TableBuilder):
    def __init__(self, a: Assessment, doc: AssessmentDocTemplate, kit: TextKit, *, changes: dict | None = None,
                 plan: dict | None = None):
        super().__init__(doc, kit)
        self.a = a
        self.changes, self.plan = changes, plan  # a diff document, a plan's result (reporting/changes.py)
        self.review: Review = a.review

    def name_paras(self, lead: str, names: list[str], sep: str = ", ") -> None:
        """``lead`` then every one of ``names``, in small paragraphs of bounded length."""
        if lead:
            self.para(lead, self.st.small)
        for i in range(0, len(names), NAMES_PER_PARA):
            self.para(sep.join(names[i:i + NAMES_PER_PARA]) + ".", self.st.small)

    def names(self, ids: list[str], limit: int = 12, total: int | None = None) -> str:
        """``ids`` named up to ``limit``, then how many more (``total``: how many there are when
        ``ids`` holds only the first of them, as the analysis' user-facing lists do)."""
        shown = [self.kit.iso(self.a.label(i) if i in self.review.journeys else i) for i in ids[:limit]]
        return wording.listed(shown, limit, len(ids) if total is None else total) if ids else "none"

    # -- document -----------------------------------------------------------------
    def build(self) -> list:
        self.cover()
        self.story.append(NextPageTemplate("body"))
        self.story.append(PageBreak())
        self.executive_summary()
        self.import_notes()
        if self.changes is not None or self.plan is not None:  # "Changes since..." and "after the plan"
            from prr_app.reporting.changes import pdf_sections

            pdf_sections(self, changes=self.changes, plan=self.plan)
        self.contents()
        self.system_overview()
        self.spofs()
        self.failure_domains()
        self.recovery()
        self.observability()
        self.risk_prioritization()
        self.checklist()
        self.appendix()
        self.story.insert(self._toc_at, _Contents(self.toc_entries, self.kit))
        return self.story

    def cover(self):
        """The cover, one page for any review: each cause and assumption in full when they fit. The
        causes are shortened first ("(continued in the executive summary)", the next page, prints each
        whole), then fewer assumptions are listed, each still whole ("… and 2 more: see appendix A.2"):
        an assumption that decided the verdict is read in full where it is shown (cut to a length, the
        TeaStore cover stopped mid-sentence at "no user-facing component or journey reaches ..."), then
        fewer causes."""
        avail = self.doc.frame_h - 30 * mm  # the cover frame's top padding

        def height(parts) -> float:
            return sum(f.wrap(self.doc.frame_w, avail)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in parts)

        nc, na = len(self.a.causes()), len(self.a.deciding_assumptions())
        # the note on where the figures come from gives way before a cause is shortened further
        tries = ([(lim, nc, na, note) for lim in (None, 600, 420, 290, 200, 140, 100) for note in (True, False)]
                 + [(100, nc, k, False) for k in range(na - 1, 0, -1)]
                 + [(100, k, min(na, 1), False) for k in range(nc - 1, 0, -1)]
                 + [(100, min(nc, 1), 0, False), (100, 0, 0, False)])
        for limit, items, asm_items, note in tries:
            parts = self._cover_parts(limit, items, asm_items, note)
            if height(parts) <= avail - 4:
                break
        self.story += parts

    def _cover_parts(self, limit: int | None, items: int | None = None, asm_items: int | None = None,
                     note: bool = True) -> list:
        meta, a, st = self.review.meta, self.a, self.st

        def cut(text: str, where: str = "") -> str:
            if limit is None or len(text) <= limit:
                return text
            return text[:limit].rsplit(" ", 1)[0] + " …" + where

        out: list = [self.p("Reliability Risk Assessment", st.cover_sub),
                     self.p(self.m(cut(meta.system_name)), st.cover_title)]
        if meta.milestone:
            out.append(self.p(self.m(cut(meta.milestone)), st.cover_sub))
        col = VERDICT_COLORS.get(a.verdict, MUTED)
        sub = wording.launch_blockers(a.analysis["verdict"])
        waived = a.not_fixed_short()  # "no launch blocker open" must not read as "all fixed"
        box = Table([[self.p(self.m("Verdict: " + a.verdict_text), st.verdict)],
                     [self.p(self.m(sub + (f"; {waived}" if waived else "")), st.verdict_small)]],
                    colWidths=[self.doc.frame_w], style=[("BACKGROUND", (0, 0), (-1, -1), col),
                                                         ("FONTNAME", (0, 0), (-1, -1), SANS),
                                                         ("TOPPADDING", (0, 0), (-1, 0), 12),
                                                         ("BOTTOMPADDING", (0, -1), (-1, -1), 12)])
        out += [box, Spacer(1, 10), self.p("Why", st.h2)]
        causes = a.causes()
        shown = causes[:items] if items is not None else causes
        # "continued": the summary prints the analysis' sentence whole, and says where the items a
        # sentence counts as "and N more" are listed (it was "in full" there, which it was not)
        out += [Paragraph(self.m(cut(c, " (continued in the executive summary)")), st.bullet,
                          bulletText="•") for c in shown]
        if len(shown) < len(causes):
            out.append(self.p(self.m(f"… and {len(causes) - len(shown)} more: see the executive summary."),
                              st.small))
        not_fixed = a.not_fixed()
        if not_fixed:  # what the verdict owes to acceptances and waivers, not to fixes
            out.append(self.p(a.not_fixed_heading(), st.h2))
            out += [Paragraph(self.m(cut(x, " (continued in the executive summary)")), st.bullet, bulletText="•")
                    for x in not_fixed]
        tier = ("not stated (judged as tier 1)" if meta.tier is None else
                {1: "1 (critical)", 2: "2 (standard)", 3: "3 (experimental)"}.get(meta.tier, str(meta.tier)))
        # the header's own milestone (free text) and the latest milestone taken, the latter said so that
        # nobody reads this report as that milestone's state: it is the review as it is now (the key facts
        # of the Markdown say the same, Assessment.milestone_rows); names shortened to fit
        milestone_rows = [list(x) for x in a.milestone_rows(cut)]
        rows = [
            ["System", cut(meta.system_name)],
            *milestone_rows,
            ["Review date", a.judged_text()],
            ["Target launch", meta.target_launch or "not stated"],
            ["Service tier", tier],
            ["Resilience policy", a.policy_text()],
            ["Reviewers", "; ".join(meta.reviewers) if meta.reviewers else "not stated"],
        ]
        t = Table([[Paragraph(self.m(k, bold=True), st.cell), Paragraph(self.m(v), st.cell)] for k, v in rows],
                  colWidths=[self.doc.frame_w * 0.25, self.doc.frame_w * 0.75],
                  style=table_style(header=False, zebra=False))
        out += [Spacer(1, 6), t]
        asm = a.deciding_assumptions()
        if asm:
            out.append(self.p(DECIDING_ASSUMPTIONS, st.h2))
            shown = asm[:asm_items] if asm_items is not None else asm
            out += [Paragraph(self.m(x), st.bullet_small, bulletText="•") for x in shown]  # whole: they decided it
            if len(shown) < len(asm):
                out.append(self.p(self.m(f"… and {len(asm) - len(shown)} more: see appendix A.2."), st.small))
        if note:
            out += [Spacer(1, 8), self.p(
                "Generated by PRR Workbench from the review's data: every figure comes from the review's "
                "dependency model, its checklist answers and the analysis described in the appendix.", st.muted)]
        return out

    def executive_summary(self):
        """One page when it fits: the verdict, each root cause to fix once (as many as fit, at least
        three, the rest in section 6), the work per team and the key figures. The work per team is
        never cut: every team's figures are the plan a lead reads, and "the rest are in section 6"
        was not true of them (section 6 ranks risks by score, it does not sum them per team). When
        the page is full with three root causes, the summary runs on to the pages it needs, and the
        root causes fill them (as many as fit on those pages: three root causes above half a page
        left empty read as if the summary ended there); each page it runs onto says so at its top."""
        a = self.a
        frame_h = self.doc.frame_h
        roots = a.summary_risks()  # the open ones and those accepted instead of fixed
        teams, days = a.team_plan()
        n_roots = min(len(roots), 40)  # never more fit on a page

        def height(parts) -> float:
            return sum(f.wrap(self.doc.frame_w, frame_h)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in parts)

        while True:
            parts = self._summary_parts(roots[:n_roots], len(roots), teams, days)
            over = height(parts) - (frame_h - 24)
            table = getattr(self, "_roots_table", None)
            if over <= 0 or n_roots <= 3 or table is None:
                break  # it fits, or it flows onto the next page with every team's figures
            # drop as many rows from the end of the root-cause table as the overflow needs
            heights = list(table._rowHeights[1:])
            drop = 0
            while drop < len(heights) and over > 0:
                over -= heights[-1 - drop]
                drop += 1
            n_roots = max(3, n_roots - drop - (1 if n_roots == len(roots) else 0))  # room for "the other ..."
        if over > 0 and len(roots) > n_roots:
            # it runs on: as many root causes as the pages it takes anyway hold (laid out, not estimated:
            # rows are kept whole and a table's heading keeps its first rows, so pages end early)
            pages = self._pages_of(parts)
            lo, hi = n_roots, min(len(roots), 40)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if self._pages_of(self._summary_parts(roots[:mid], len(roots), teams, days)) <= pages:
                    lo = mid
                else:
                    hi = mid - 1
            if lo != n_roots:
                n_roots = lo
            parts = self._summary_parts(roots[:n_roots], len(roots), teams, days)  # fresh: measured ones were drawn
        for f in parts:
            if isinstance(f, _Heading):
                self.toc_entries.append((f.toc_level, f.toc_title, f.toc_key))
        self.story += parts

    def _pages_of(self, parts: list) -> int:
        """How many body pages ``parts`` take, laid out as the document lays them out (a scratch
        build: page breaks inside tables, kept rows and page-top marks are not estimated)."""
        doc = BaseDocTemplate(io.BytesIO(), pagesize=self.doc.pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                              topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, invariant=1)
        doc.addPageTemplates([PageTemplate("body", [Frame(MARGIN_X, MARGIN_BOTTOM, self.doc.frame_w, self.doc.frame_h,
                                                          leftPadding=0, rightPadding=0, topPadding=0,
                                                          bottomPadding=0)])])
        doc.build(list(parts))
        return doc.page

    def _run_on(self, part: str, table: str | None = None) -> _PageTop:
        """The marks at the top of a page that ``part`` (and the table titled ``table``) runs onto."""
        marks = [self.p(self.m(f"{part} (continued)"), self.st.continued)]
        if table:
            marks.append(self.p(self.m(f"{table} (continued)"), self.st.h3))
        return _PageTop(marks)

    def _headed_table(self, title: str, table, part: str) -> list:
        """A table under its heading, in a part that may run across pages: the heading moves to the
        next page only with too little room for the header row and the first row (kept with the whole
        table, a long one left the rest of the page empty: the summary's half-empty first page), the
        header row repeats, and a page the table runs onto says so at its top."""
        head = self.p(self.m(title), self.st.h3)
        head.keepWithNext = 0
        w, fh = self.doc.frame_w, self.doc.frame_h
        head_h = head.wrap(w, fh)[1] + head.getSpaceBefore() + head.getSpaceAfter()
        rows_h = sum(_row_height(row, table._colWidths) for row in table._cellvalues[:2])
        return [CondPageBreak(head_h + min(rows_h, fh * 0.6) + 8), head, self._run_on(part, title), table,
                self._run_on(part)]

    def _summary_parts(self, roots, n_all, teams, days) -> list:
        a, st = self.a, self.st
        out: list = []
        self._keys += 1
        key = f"h{self._keys}"
        out.append(_Heading(self.m("Executive summary"), st.h1, level=0, title="Executive summary", key=key))
        part = "Executive summary"
        out.append(self._run_on(part))  # a page it runs onto says so at its top
        col = VERDICT_COLORS.get(a.verdict, MUTED).hexval()[2:]
        out.append(self.p(f'Verdict: <font color="#{col}"><b>{self.m(a.verdict_text)}</b></font>', st.h2))
        for c in a.causes():  # every cause whole: the one place that prints them so (the cover shortens)
            out.append(Paragraph(self.m(c), st.bullet_small, bulletText="•"))
        for x in a.not_fixed():
            out.append(Paragraph(self.m(x), st.bullet_small, bulletText="•"))
        more = a.where_the_rest_is()
        if more:
            out.append(self.p(self.m(more), st.small))
        if roots:
            rows = []
            for r in roots:
                what = r["title"]
                down = a.takes_down(r)
                if down:
                    what += f": takes down {down}"
                if r.get("causes"):
                    what += f" (also: {len(r['causes'])} finding{'s' if len(r['causes']) != 1 else ''} it causes)"
                if a.rests_on(r):  # one call named: the summary is read in a meeting; section 2 names them all
                    what += f"; {a.rests_on(r, 1)}"
                eff = r.get("effort") or {}
                rows.append([self.short(r.get("rank", "")), self.cell(what),
                             # accepted instead of fixed: marked so, with who accepted it and until when
                             self.cell(a.acceptance_text(r)) if a.accepted_at_launch(r) else
                             self.sev("blocker" if r["launch_blocking"] else r["severity"],
                                      "launch blocker" if r["launch_blocking"] else r["severity"]),
                             self.cell(a.owner_text(r)),
                             # wrapped cells: "not estimated" is wider than the column
                             self.cell(f"{eff['days']} d" if eff.get("days") is not None else "not estimated"),
                             # after the target launch: said on a line of its own (as wide as the date, so
                             # the row, already two lines high, keeps its height)
                             self.cell(a.risk_due(r, short=True).replace(" (", "\n(", 1))])
            self._roots_table = self._table_flowable(["#", "Root cause (what it takes down)", "Status", "Owner",
                                                      "Effort", "Due"], rows, [0.05, 0.43, 0.16, 0.16, 0.08, 0.12])
            out += self._headed_table(a.summary_heading(), self._roots_table, part)
            if n_all > len(roots):
                out.append(self.p(self.m(f"The other {n_all - len(roots)} root causes are in section 6, "
                                         "ranked the same way."), st.small))
            late = a.late_fixes_text()
            if late:  # a launch blocker's fix landing after launch: the lead must see it here
                out.append(self.p(self.m(late), st.small))
        else:
            self._roots_table = None
            out += [self.p(self.m(a.summary_heading()), st.h3), self.p("No open root cause.", st.small)]
        if teams:
            rows = [[self.cell(t["team"] or "no owner", bold=True), self.short(t["blockers"]), self.short(t["high"]),
                     self.cell(a.effort_text(t["blocker_days"], t["blocker_unestimated"])),
                     self.cell(a.effort_text(t["days"], t["unestimated"]))] for t in teams]
            out += self._headed_table("Work per team before launch", self._table_flowable(
                ["Team", "Launch blockers", "Other open high risks", "Effort on blockers", "Effort in all"], rows,
                [0.36, 0.14, 0.18, 0.16, 0.16]), part)
            out.append(self.p(self.m(
                f"Estimated time to ready (effort per mitigation kind: appendix A.1), if each team works through "
                f"its blockers one after another and the teams work in parallel: {a.time_to_ready_text(teams, days)}."),
                st.small))
        out.append(self.p("Key figures", st.h3))  # five rows: kept with its heading, whole
        rows = [[self.cell(k, bold=True), self.cell(v)] for k, v in a.key_figures()]
        out.append(self._table_flowable(["Figure", "Value"], rows, [0.28, 0.72]))
        out.append(_PageTop([]))  # what follows is not the summary
        return out

    def import_notes(self):
        """What the newest import could not settle, after the summary (nothing when the review has no
        import record, or its import settled everything): a misspelt address or a configuration the
        application does not find is a launch bug a lead must read here, not only in the import report."""
        notes = self.a.import_notes
        if notes is None:
            return
        self.heading(IMPORT_NOTES_TITLE)
        self.para(notes.intro(), self.st.small)
        self.table(["How much it matters", "What the import said (file:line)"],
                   [[self.cell(rank, bold=rank == IMPORT_NOTE_RANKS[0]), self.cell(text)]
                    for rank, text in notes.shown()], [0.24, 0.76])
        more = notes.more()
        if more:
            self.para(more, self.st.small)

    def contents(self):
        self.story.append(PageBreak())
        self.story.append(self.p("Contents", self.st.h1))
        self._toc_at = len(self.story)  # filled in once every heading is known
        self.story.append(PageBreak())

    # -- 1 ------------------------------------------------------------------------
    def system_overview(self):
        a, r = self.a, self.review
        self.heading(SECTION_TITLES[0], number="1")
        if r.meta.description:
            self.para(r.meta.description)
        kinds: dict[str, int] = {}
        for c in r.components.values():
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        uf = a.analysis["summary"].get("user_facing", [])
        if a.entry_points_guessed:
            facing = f"Entry points (none is marked user-facing: guessed from the graph, judged as user-facing): {self.names(uf)}."
        elif a.guessed_entry_points:  # only parts of the review are guessed: each said as what it is
            guessed = set(a.guessed_entry_points)
            facing = (f"User-facing: {self.names([c for c in uf if c not in guessed])}. Entry points guessed from "
                      "the graph where no component is marked user-facing (another system imported beside it; "
                      f"judged as user-facing): {self.names(a.guessed_entry_points)}.")
        else:
            facing = f"User-facing: {self.names(uf)}."
        self.para(f"{_count(len(r.components), 'component')} "
                  f"({', '.join(f'{n} {wording.enum_words(k)}' for k, n in sorted(kinds.items()))}), "
                  f"{_count(len(r.dependencies), 'dependency', 'dependencies')}, "
                  f"{_count(len(r.groups), 'redundancy group')} and {_count(len(r.domains), 'failure domain')}. "
                  f"{facing}")
        if a.guesses:
            self.unconfirmed_calls()
        self.heading("Components", 1, "1.1")
        crow = [[self.cell(x["id"], bold=True), self.cell(x["name"]), self.short(x["kind"]), self.cell(x["owner"]),
                 self.short(x["instances"]), self.cell(x["placement"]), self.short(x["facing"])]
                for x in a.component_rows()]
        # "User facing" with a space: a narrow column wraps it between the words
        self.table(["Id", "Name", "Kind", "Owner", "Replicas", "Placement", "User facing"], crow,
                   [0.16, 0.2, 0.11, 0.13, 0.09, 0.21, 0.1])
        self.heading("Critical paths", 1, "1.2")
        availability = a.availability_rows()
        av = {x["target"]: x for x in availability}
        rows = []
        for jid in sorted(r.journeys):
            j = r.journeys[jid]
            x = av.get(jid, {})
            cons = x.get("top_consumers") or []
            top = (f"{cons[0]['element']} ({stated(cons[0]['budget_share'])} % of budget)"
                   if cons and cons[0].get("budget_share") is not None else (cons[0]["element"] if cons else "none"))
            est = ("no figures" if x and no_figures(x) else
                   f"{wording.ceiling_text(x['estimate'], x.get('slo'))} %" if x.get("estimate") is not None else "n/a")
            rows.append([self.cell(j.name or jid, bold=True), self.cell(", ".join(j.entry)),
                         self.cell(f"{stated(j.slo)} %" if j.slo is not None else "none"), self.cell(est),
                         # no figures: never "yes" beside a ceiling the report refuses to print as 100 %
                         self.cell(NOT_JUDGED_NO_FIGURES if x and no_figures(x) else
                                   {True: "yes", False: "NO", None: "not judged"}[x.get("attainable")]),
                         self.cell(f"{len(a.journey_needs.get(jid, []))} reached, {x.get('needs', 0)} needed"),
                         self.cell(top)])
        if rows:
            self.table(["Journey", "Entry", "SLO", "Best possible", "SLO attainable", "Components", "Largest budget consumer"],
                       rows, [0.17, 0.17, 0.08, 0.11, 0.1, 0.14, 0.23])
        else:
            self.para("No user journey is defined; the entry points guessed from the graph stand for them."
                      if a.entry_points_guessed else
                      "No user journey is defined; user-facing components are the entry points, and where none is "
                      "marked, the entry points guessed from the graph." if a.guessed_entry_points else
                      "No user journey is defined; user-facing components are the entry points.")
        # the figure draws what has figures; the rest are named in one sentence, not drawn as empty bars
        # (an import states no availability: forty "no figures" rows filled two pages)
        arows = [x for x in availability if not no_figures(x)]
        blank = [x["target"] for x in availability if no_figures(x)]
        if blank:
            names = wording.listed([a.label(t) for t in blank], 12)
            one, many = a.facing_words
            self.para(f"No composite availability for {_count(len(blank), 'journey or ' + one, 'journeys and ' + many)}"
                      f" ({names}): no availability is stated for anything they need. State the availability "
                      "(measured or the vendor's SLA) of what they depend on to see what the architecture allows.")
        if arows:
            figs = F.availability_drawings(self.kit, arows, a.label, self.doc.frame_w, self.doc.frame_h - 60)
            for i, d in enumerate(figs, 1):
                part = f" (part {i} of {len(figs)})" if len(figs) > 1 else ""
                cap = self.p(f"Figure: composite availability (best the architecture allows) against the SLO (black "
                             f"tick), per journey and {a.facing_words[0]}{part}. Red: SLO not attainable by design; "
                             "grey: not judged (no SLO) or no figures.", self.st.caption)
                self.story.append(KeepTogether([d, cap]))
        self.heading("Dependency graph", 1, "1.3")
        self.graph_figures()

    def graph_figures(self):
        a, r = self.a, self.review
        intro_from = len(self.story) - 1 if self.story and isinstance(self.story[-1], _Heading) else len(self.story)
        tags = shared_tags(r)  # the canvas tags the boxes the same
        hub_ids = F.hub_components(r)
        hubs = {c: f"H{i + 1}" for i, c in enumerate(hub_ids)}
        style = F.GraphStyle(
            spofs=frozenset(a.spof_components()),
            domain_spofs=frozenset(x["element"] for x in a.spof_rows() if x["disruption"] == "domain"),
            # USER on the components marked user-facing, ENTRY on the entry points the analysis guessed (all
            # of them when none is marked, else those of the parts where none is): never USER on a guess
            user_facing=frozenset(a.analysis["summary"].get("user_facing", [])) - frozenset(a.guessed_entry_points),
            entry_points=frozenset(a.guessed_entry_points),
            shared_tags=tags,
            hubs=hubs,
            badges=F.hub_badges(r, hubs),
            unconfirmed=a.guesses.calls,  # the import's guesses no reviewer confirmed: dash-dot with a "?"
        )
        shared = [(tag, shared_tag_text(r, d, d in style.domain_spofs)) for d, tag in tags.items()]
        # a hub's own box carries "hub H1"; its dependents "H1" (no line drawn to it): the key says both
        shared += [(hubs[c], f"on a box: it depends on {c}, a "
                    f"{', '.join(sorted(set(r.components[c].tags).intersection(F.HUB_TAGS)))} hub (no line drawn); "
                    f"“hub {hubs[c]}” marks {c} itself") for c in hub_ids]
        legend = F.legend_drawing(self.kit, self.doc.frame_w, shared, style.facing_badges, style.unconfirmed_kinds)
        max_h = self.doc.frame_h - legend.height - 60
        plans = F.plan_graph_figures(r, self.doc.frame_w, max_h, a.journey_needs, hubs)
        # several parts: one legend before them, not one under each (six parts repeated it six times);
        # the parts then have its room
        shared_legend = False
        if sum(1 for p in plans if not p.summary) > 1:
            roomier = F.plan_graph_figures(r, self.doc.frame_w, self.doc.frame_h - 60, a.journey_needs, hubs)
            if sum(1 for p in roomier if not p.summary) > 1:
                plans, shared_legend = roomier, True
        n_lines = len({e for p in plans if not p.summary for e in p.layout.edges})
        if len(plans) > 1:
            n_j = len({p.journey for p in plans if p.journey})
            n_jf = sum(1 for p in plans if p.journey)
            n_js = sum(1 for p in plans if p.journey and p.summary)  # larger than a page: summarised
            n_rest = len(plans) - 1 - n_jf
            # how many journeys are summarised, counted (it said "one larger than a page" of three summaries)
            big = ("" if not n_js else
                   "; larger than a page, as its own summary by tier" if n_jf == 1 else
                   "; each larger than a page, as its own summary by tier" if n_js == n_jf else
                   "; one larger than a page, as its own summary by tier" if n_js == 1 else
                   f"; {n_js} of them larger than a page, each as its own summary by tier")
            what = ([f"{_count(n_jf, 'figure')} for {_count(n_j, 'journey')} (what "
                     f"{'it reaches' if n_jf == 1 else 'each reaches'}{big})"] if n_jf else []) + (
                [f"{_count(n_rest, 'part')} for the {'other ' if n_jf else ''}dependencies"] if n_rest else [])
            self.para(f"The graph is too large to print legibly on one page: a summary by tier comes first, then "
                      f"{' and '.join(what)}. Every dependency is a line in at least one figure; a component appears "
                      "in every part that draws one of its dependencies.")
        alone = F.unplaced(r, plans)
        isolated = set(F.isolated_components(r))
        n_badged = sum(1 for d in r.dependencies.values() if d.target in hubs and d.source != d.target)
        self.para("Tiers run left to right from the entry points to the leaves; bands are failure domains "
                  "(provider, region, zone); a component sits in the narrowest domain that holds all its instances. "
                  "Shared-fate domains (host, cluster, account, config, ...) are shown as tags; a band of components "
                  "with no placement that all share one is labelled with it. A domain that is a single point of "
                  "failure is drawn in red and marked SPOF."
                  + (f" {_count(n_lines, 'line')} drawn" if plans else "")
                  + (f"; {_count(n_badged, 'dependency', 'dependencies')} on hubs shown as H badges on the dependent"
                     if n_badged else "")
                  + (f"; {_count(len(alone), 'component')} without a line in any figure (section 1.4)" if alone else "")
                  + ("." if plans or alone else ""), self.st.small)
        # the heading and its introduction stay with the first figure (never alone at a page's foot);
        # a figure drawn as large as a page is made smaller by what they take, so that all fit on one
        intro = self.story[intro_from:]
        if len(plans) == 1 and not plans[0].summary:
            fw, fh = self.doc.frame_w, self.doc.frame_h
            intro_h = sum(f.wrap(fw, fh)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in intro)
            fig_h = F.graph_drawing(plans[0].layout, self.kit, style, plans[0].scale).height + 4 + legend.height + 30
            over = intro_h + fig_h - fh
            if over > 0:
                smaller = F.plan_graph_figures(r, fw, max_h - over - 2, a.journey_needs, hubs)
                if len(smaller) == 1 and not smaller[0].summary and set(smaller[0].layout.nodes) == set(plans[0].layout.nodes):
                    plans = smaller
        # reportlab's keepWithNext does not reach into a KeepTogether: the introduction goes into the
        # first figure's own
        if plans:
            del self.story[intro_from:]
        pending = list(intro) if plans else []

        def together(parts: list) -> KeepTogether:
            nonlocal pending
            parts, pending = pending + parts, []
            return KeepTogether(parts)

        legend_said = False
        for p in plans:
            if p.summary:
                d = F.graph_drawing(p.layout, self.kit, F.GraphStyle(user_facing=p.user_facing), p.scale)
                cap = self.p(self.m(f"Figure: {p.title}. Each box is a group of consecutive tiers (left: entry "
                                    "points; components in a cycle share a tier) with how many components it holds; "
                                    f"dependencies by group: {p.note}. Each dependency is drawn in a figure below."),
                             self.st.caption)
                self.story.append(together([d, Spacer(1, 4), cap]))
                continue
            lay = p.layout
            d = F.graph_drawing(lay, self.kit, style, p.scale)
            n_deps = len({e.dependency for e in lay.edges})
            lines = (f" ({len(lay.edges)} lines: a dependency on a redundancy group has a line to each member)"
                     if len(lay.edges) != n_deps else "")
            cut = sorted(set(getattr(d, "cut_labels", ())))
            reach = ""
            if p.journey:  # the boxes are the ends of its lines; section 1.2 counts every component it reaches
                off = [c for c in a.journey_needs.get(p.journey, []) if c not in lay.nodes]
                if off:
                    n_all = len(off) + len(lay.nodes)
                    reach = (f"; it reaches {n_all} (section 1.2): " + (
                        f"{self.names(off, 6)} {'is a hub' if len(off) == 1 else 'are hubs'}, shown as H badges "
                        "on the boxes that depend on them" if set(off) <= set(hubs) else
                        f"{self.names(off, 6)} without a line of their own here"))
            cap = self.p(self.m(f"Figure: {p.title}. {_count(len(lay.nodes), 'component')}, "
                                f"{_count(n_deps, 'dependency', 'dependencies')}{lines}{reach}"
                                + ("; its legend is before the first part." if shared_legend else ".")
                                + (f" Names shortened in their boxes, in full: {'; '.join(cut)}." if cut else "")),
                         self.st.caption)
            if shared_legend and not legend_said:
                legend_said = True
                self.story.append(together([self.p(self.m("Legend of the parts that follow:"), self.st.small),
                                            legend, Spacer(1, 6)]))
            self.story.append(together([d, Spacer(1, 4)] + ([] if shared_legend else [legend]) + [cap]))
        if alone:
            dependents: dict[str, int] = {}
            for d in r.dependencies.values():
                if d.target in hubs and d.source != d.target:
                    dependents[d.target] = dependents.get(d.target, 0) + 1
            badges = style.badges or {}

            def why(c: str) -> str:
                if c in isolated:
                    return "no dependency in or out"
                if c in hubs:
                    return f"hub {hubs[c]}: a badge on each of its {_count(dependents.get(c, 0), 'dependent')}"
                return "depends only on hubs: " + ", ".join(badges.get(c, ())) + " (badges)"

            self.heading("Components without a line in the figures", 1, "1.4")
            how = ("no dependency in or out" if set(alone) <= isolated else
                   "no line in any figure: no dependency in or out, or only dependencies on hubs (drawn as badges)")
            self.para(f"{_count(len(alone), 'component')} {'has' if len(alone) == 1 else 'have'} {how}: listed here "
                      "rather than drawn as boxes without lines.", self.st.small)
            if len(alone) > SAME_ROWS:  # many (an import that saw no edge of them): by reason, by name
                by_why: dict[str, list[str]] = {}
                for c in alone:
                    by_why.setdefault(why(c), []).append(c)
                for reason, names in by_why.items():
                    self.name_paras(f"{reason[0].upper()}{reason[1:]} ({len(names)}; kind, owner and placement in "
                                    "section 1.1):", names)
                return
            self.table(["Component", "Why", "Kind", "Owner", "User facing", "Placement"],
                       [[self.cell(c, bold=True), self.cell(why(c)), self.short(words(r.components[c].kind)),
                         self.cell(r.components[c].owner or "no owner"),
                         self.short("yes" if r.components[c].user_facing else ""),
                         self.cell(", ".join(r.components[c].placement + r.components[c].shared_domains)
                                   or "not stated")] for c in alone], [0.22, 0.26, 0.1, 0.14, 0.08, 0.2])

    def unconfirmed_calls(self):
        """The calls an import guessed and no reviewer confirmed, under the overview's counts: the PDF
        draws dependencies but has no table of them, so the marks the Markdown's dependency table has
        are here. Every weak one (the findings that rest on a guess rest on those); the strong ones up
        to a page's worth."""
        a = self.a
        self.para(unconfirmed_note(a), self.st.small)
        for conf, limit in (("weak", None), ("strong", STRONG_UNCONFIRMED)):
            ids = sorted(d for d, c in a.guesses.calls.items() if c == conf)
            if not ids:
                continue
            shown = ids[:limit] if limit else ids
            more = len(ids) - len(shown)
            names = [self.kit.iso(d) for d in shown] + ([f"and {more} more (the Markdown export marks each in its "
                                                          "dependency table)"] if more else [])
            self.name_paras(f"{unconfirmed_words(conf)[:1].upper()}{unconfirmed_words(conf)[1:]} ({len(ids)}):", names)

    # -- 2 ------------------------------------------------------------------------
    def spofs(self):
        a = self.a
        self.heading(SECTION_TITLES[1], number="2")
        rows = a.spof_rows()
        sp = a.spofs_by_disruption()
        self.para(f"{len(rows)} single points of failure: elements whose failure alone takes down a "
                  f"{a.facing_words[0]} or journey. By disruption type: {sp.get('component', 0)} component (software, config or "
                  f"overload failure of every replica; {sp.get('instance', 0)} of them also on the loss of one instance), "
                  f"{sp.get('domain', 0)} failure domain (host, zone, region, cluster...).")
        if not rows:
            self.para("No single point of failure was found.")
            return
        rows, rest = rows[:SPOF_ROWS], rows[SPOF_ROWS:]
        body = []
        for x in rows:
            el = self.kit.iso(x["element"]) + (" (each instance)" if x["disruption"] == "instance" else "")
            impact = "journeys down: " + self.names(x["journeys"])
            if x["user_facing_down"]:
                impact += (f"; {a.facing_short} down: "
                           + self.names(x["user_facing_down"], 6, x.get("user_facing_down_count")))
            mark = f" ({x['mark']})" if x["mark"] else ""
            # an override: the reviewer's figures, what the analysis computed beside them (as in 6.1)
            score = f"L{x['likelihood']} × I{x['impact']} = {x['score']}" + (f"\n({x['override']})" if x["override"] else "")
            body.append([self.cell(el + mark, bold=True), self.cell(x["disruption_text"]), self.sev(x["severity"]),
                         self.cell(score), self.cell(impact),
                         self.cell(" → ".join(map(self.kit.iso, x["chain"][:8])) + more_of(x["chain"], 8, "step")
                                   + (f"\n{rests_on_words(x['guesses'])}" if x["guesses"] else ""))])
        self.table(["Element", "Disruption", "Severity", "Likelihood × impact", "Impact", "Failure chain"],
                   body, [0.19, 0.14, 0.09, 0.12, 0.24, 0.22])
        if rest:  # each in a few words: its risk in section 6 has the rest
            def brief(x: dict) -> str:
                mark = f", {x['mark']}" if x["mark"] else ""
                mark += f", {x['override']}" if x["override"] else ""
                return (f"{x['element']} ({x['severity']}{mark}, {x['down']} down, "
                        f"{x.get('user_facing_down_count', len(x['user_facing_down']))} "
                        f"{a.facing_short} down"
                        + (f", {len(x['journeys'])} journeys down" if x["journeys"] else "") + ")")

            self.name_paras(f"The other {len(rest)} single points of failure, in register order (severity, what "
                            f"goes down with it; the journeys, {a.facing_words[1]} and chain of each are in its "
                            "risk, section 6.1):", [brief(x) for x in rest], "; ")

    # -- 3 ------------------------------------------------------------------------
    def failure_domains(self):
        a = self.a
        self.heading(SECTION_TITLES[2], number="3")
        self.heading("Blast radius per failure domain", 1, "3.1")
        drows = a.domain_rows()
        if drows:
            self.table(["Domain", "Kind", "Down", "Degraded", "Journeys down", "Instances lost"],
                       [[self.cell(x["domain"], bold=True), self.short(x["kind"]), self.short(x["down_count"]),
                         self.short(x["degraded_count"]), self.cell(self.names(x["journeys"])),
                         self.cell(", ".join(f"{k}: {v}" for k, v in list(x["instances_lost"].items())[:8])
                                   + more_of(x["instances_lost"], 8, "component"))] for x in drows],
                       [0.17, 0.09, 0.08, 0.11, 0.22, 0.33])
        else:
            self.para("No failure domain is defined: the review does not say where anything runs.")
        self.heading("Blast radius per component", 1, "3.2")
        brows = a.blast_rows()
        # every component that takes anything else with it, then those that hit only themselves, by name
        wide = [x for x in brows if x["down_count"] > 1 or x["degraded_count"] or x["journeys"]
                or x["journeys_degraded"]]
        alone = sorted(x["component"] for x in brows if x["down_count"] <= 1 and not x["degraded_count"]
                       and not x["journeys"] and not x["journeys_degraded"])
        shown, rest = wide[:BLAST_ROWS], wide[BLAST_ROWS:]
        self.table(["Component", "Down with it", "Degraded", "Journeys down", "Journeys degraded"],
                   [[self.cell(x["component"], bold=True), self.short(x["down_count"]),
                     self.short(x["degraded_count"]), self.cell(self.names(x["journeys"])),
                     self.cell(self.names(x["journeys_degraded"]))] for x in shown],
                   [0.28, 0.11, 0.1, 0.26, 0.25])
        if rest:
            self.para(f"The other {len(rest)} components with a blast radius, widest first (down, degraded):",
                      self.st.small)
            for i in range(0, len(rest), 120):  # paragraphs of bounded length (line breaking is quadratic)
                self.para("; ".join(f"{x['component']} ({x['down_count']}, {x['degraded_count']})"
                                    for x in rest[i:i + 120]) + ".", self.st.small)
        if alone:
            self.para(f"{_count(len(alone), 'component')} take{'s' if len(alone) == 1 else ''} down only "
                      f"{'itself' if len(alone) == 1 else 'themselves'}:", self.st.small)
            for i in range(0, len(alone), 200):
                self.para(", ".join(alone[i:i + 200]) + ".", self.st.small)
        self.heading("Common-cause failures", 1, "3.3")
        cc = a.analysis.get("common_cause", [])
        if cc:
            self.bullets([self.m(f["detail"]) for f in cc])
        else:
            self.para("No redundancy illusion found: replicas and redundancy group members do not share a domain "
                      "or a hard dependency.")
        self.heading("Cascading failure risks and dependency chains", 1, "3.4")
        cas = a.analysis.get("cascading", [])
        if cas:
            self._cascading(cas)
        else:
            self.para("No cascading-failure pattern found.")

    def _cascading(self, cas: list[dict]) -> None:
        """The cascading findings: one bullet each, except where many say the same (an import): deep
        chains that end in the same call are one paragraph naming their entry points, and calls
        without a timeout or breaker one paragraph listing them, as the register folds them (one root
        cause each)."""
        chains = [f for f in cas if f["type"] == "deep-synchronous-chain"]
        calls = [f for f in cas if f["type"] == "no-timeout-or-breaker"]
        grouped = {t for t, fs in (("deep-synchronous-chain", chains), ("no-timeout-or-breaker", calls))
                   if len(fs) > SAME_ROWS}
        items = []
        for f in cas:
            if f["type"] in grouped:
                continue
            text = self.m(f["detail"])
            if f.get("path") and f["type"] == "deep-synchronous-chain":
                text += "<br/>" + self.m("chain: " + " → ".join(f["path"][:12]) + more_of(f["path"], 12, "step"))
            items.append(text)
        self.bullets(items)
        if "deep-synchronous-chain" in grouped:
            ends: dict[tuple, list[dict]] = {}
            for f in chains:
                ends.setdefault(tuple(f["path"][-2:]), []).append(f)
            for end, group in sorted(ends.items(), key=lambda e: (-max(f["depth"] for f in e[1]), e[0])):
                group = sorted(group, key=lambda f: (-f["depth"], f["id"]))
                deepest = group[0]
                self.name_paras(
                    f"{_count(len(group), 'entry point')} wait{'s' if len(group) == 1 else ''} on chains of synchronous "
                    f"hard calls that end in the same call {' → '.join(end)}; latency and failures add up along "
                    f"them. The deepest, {deepest['depth']} calls from {deepest['components'][0]}: "
                    + " → ".join(deepest["path"][:12]) + more_of(deepest["path"], 12, "step")
                    + ". The entry points, with the calls each waits on:",
                    [f"{f['components'][0]} ({f['depth']})" for f in group])
        if "no-timeout-or-breaker" in grouped:
            self.name_paras(f"{_count(len(calls), 'component')} call others synchronously with no timeout and no "
                            "circuit breaker stated: a slow dependency ties up their workers. Each, with what it "
                            "calls so:", [f"{f['components'][0]} → {', '.join(f['targets'])}" for f in calls], "; ")

    # -- 4 ------------------------------------------------------------------------
    def recovery(self):
        a = self.a
        self.heading(SECTION_TITLES[3], number="4")
        rows = a.recovery_rows()
        gaps = [x for x in rows if x["gaps"]]
        self.para(f"{_count(len(rows), 'component')} {'holds' if len(rows) == 1 else 'hold'} state or "
                  f"declare{'s' if len(rows) == 1 else ''} recovery targets; {len(gaps)} "
                  f"{'has' if len(gaps) == 1 else 'have'} a gap in automated recovery or miss"
                  f"{'es' if len(gaps) == 1 else ''} {'its' if len(gaps) == 1 else 'their'} RTO/RPO target as stated.")

        def mins(v):
            return "—" if v is None else f"{stated(v)} min"

        if rows:
            self.table(["Component", "Recovery", "Failover", "RTO", "RPO", "Backups every", "Gaps"],
                       [[self.cell(x["component"], bold=True), self.short(x["recovery"] or "not stated"),
                         self.short(mins(x["failover"])), self.short(mins(x["rto"])), self.short(mins(x["rpo"])),
                         self.short(mins(x["backup"])), self.cell("; ".join(x["gaps"]) or "none")] for x in rows],
                       [0.2, 0.1, 0.09, 0.08, 0.08, 0.1, 0.35])
        groups = a.group_rows()
        self.heading("Failover mechanisms (redundancy groups)", 1, "4.1")
        if groups:
            self.table(["Group", "Members", "Needs", "Notes", "Independence"],
                       [[self.cell(g["name"], bold=True), self.cell(", ".join(g["members"])),
                         self.cell(f"{g['min_up']} of {len(g['members'])}"), self.cell(g["notes"]),
                         self.cell(g["common_cause"] or "no shared domain or dependency found")] for g in groups],
                       [0.18, 0.22, 0.08, 0.22, 0.3])
        else:
            self.para("No redundancy group is defined: no component has a declared failover partner.")

    # -- 5 ------------------------------------------------------------------------
    def observability(self):
        a = self.a
        self.heading(SECTION_TITLES[4], number="5")
        rows = a.observability_rows()
        undetected = [x for x in rows if x["undetected"]]
        missing_d = [x for x in undetected if set(x["detect"]) & set(x["missing"])]
        unknown = len(undetected) - len(missing_d)
        # counted in words that read right at 0 and 1 ("0 components have no alert ... for 13 more" read as
        # if 13 more had none)
        said = (f"{_count(len(missing_d), 'component')} {'has' if len(missing_d) == 1 else 'have'} an alert or a "
                "metric stated missing (a failure would not be detected)" if missing_d else
                "No component has an alert or a metric stated missing")
        if unknown:
            said += (f"; for {_count(unknown, 'component')}{' more' if missing_d else ''}, whether a failure would "
                     "be detected is not stated")
        self.para(f"{said}; {_count(len(rows), 'component')} {'lacks' if len(rows) == 1 else 'lack'} or "
                  "do not state at least one signal. ✓ present, ✗ missing, ? not stated.".replace(
                      "lacks or do not", "lacks or does not"))
        mark = {True: "✓", False: "✗", None: "?"}
        # components that state none of the six signals and take down no journey: on an import, most of
        # them; a row of six "?" each says nothing their names do not, so many are named after the table
        silent = [x for x in rows if all(v is None for v in x["signals"].values()) and not x["journeys"]]
        if len(silent) > SAME_ROWS:
            quiet = {x["component"] for x in silent}
            rows = [x for x in rows if x["component"] not in quiet]
        else:
            silent = []
        if rows:
            body = []
            for x in rows:
                cons = []
                miss_d = [s for s in x["detect"] if s in x["missing"]]
                unk_d = [s for s in x["detect"] if s not in x["missing"]]
                if miss_d:
                    cons.append("failure not detected (no " + ", ".join(miss_d) + ")")
                if unk_d:
                    cons.append("detection unknown (" + ", ".join(unk_d) + " not stated)")
                miss_g = [s for s in x["diagnose"] if s in x["missing"]]
                unk_g = [s for s in x["diagnose"] if s not in x["missing"]]
                if miss_g:
                    cons.append("hard to diagnose (no " + ", ".join(miss_g) + ")")
                if unk_g:
                    cons.append(", ".join(unk_g) + " not stated")
                if x["journeys"]:
                    cons.append("its failure takes down " + self.names(x["journeys"]))
                if x.get("evidence"):
                    cons.append("present by evidence: " + ", ".join(f"{s} {w}" for s, w in x["evidence"].items()))
                body.append([self.cell(x["component"], bold=True)]
                            + [self.short(mark[x["signals"][s]]) for s in OBSERVABILITY_SIGNALS]
                            + [self.cell("; ".join(cons))])
            missing: dict[tuple, list[int]] = {}  # a missing signal's cell on a red ground
            for i, x in enumerate(rows, start=1):
                for j, s in enumerate(OBSERVABILITY_SIGNALS, start=1):
                    if x["signals"][s] is False:
                        missing.setdefault(("BACKGROUND", j, _MISSING_BG), []).append(i)
            self.table(["Component"] + list(OBSERVABILITY_SIGNALS) + ["Consequence"], body,
                       [0.19] + [0.075] * 6 + [0.36], extra=column_runs(missing))
        elif not silent:
            self.para("Every component states all six signals.")
        if silent:
            self.name_paras(f"{_count(len(silent), 'component')} state{'s' if len(silent) == 1 else ''} none of the six "
                            "signals, and take no journey down: whether their failure would be detected is unknown "
                            "(? in every column). Widest blast radius first:", [x["component"] for x in silent])

    # -- 6 ------------------------------------------------------------------------
    def risk_prioritization(self):
        a = self.a
        self.heading(SECTION_TITLES[5], number="6")
        risks = a.ranked_risks()
        self.para(f"{len(risks)} risks ranked by score (likelihood × impact, 1 to 25) and launch-blocking status. "
                  "The inputs behind each number are shown with it; overrides show the reviewer's reason.")
        intro = [self.story.pop(), self.story.pop()][::-1]  # the heading and this line stay with the heat map
        heat = F.heatmap_drawing(self.kit, a.heat_counts(), a.scoring_bands, width=250)
        self.story.append(KeepTogether(intro + [heat, self.p("Figure: risk heat map, number of risks per likelihood and "
                                                     "impact; colour: severity band; an empty cell shows its score (likelihood × impact) in grey.",
                                                     self.st.caption)]))
        self.heading("Risk register", 1, "6.1")
        detailed, rest = risks[:DETAILED_RISKS], risks[DETAILED_RISKS:]
        if rest:
            self.para(f"The {len(detailed)} highest-ranked risks are shown in full; the other {len(rest)} follow "
                      "in a compact list (rank, severity, owner and status).", self.st.small)
        body = []
        for r in detailed:
            risk = [f"<b>{self.m(r['title'])}</b>"]
            if r.get("description"):
                risk.append(self.m(r["description"]))
            inputs = a.why_inputs(r)
            why = "; ".join(inputs)
            if why:
                risk.append(f'<font color="#616e7c">{self.m("why: " + why)}</font>')
            ov = r.get("override")
            if ov:
                reason = ov.get("reason", "") if isinstance(ov, dict) else str(ov)
                risk.append(f'<font color="#616e7c">{self.m(a.override_text(r) + " (" + reason + ")")}</font>')
            flags = []
            if r.get("launch_blocking"):
                flags.append("launch blocker")
            if r.get("accepted"):
                flags.append("accepted")
            if r.get("acceptance_expired"):
                flags.append("acceptance expired")
            if r.get("acceptance_before_launch"):
                flags.append("acceptance ends before launch: not counted")
            if r.get("blocking_reason") and r.get("launch_blocking"):
                risk.append(f'<font color="#b71c1c">{self.m("blocks launch: " + r["blocking_reason"])}</font>')
            if a.rests_on(r):  # a finding that stands on the import's guesses: said where it is read
                risk.append(f'<font color="#b71c1c">{self.m("not confirmed: its chain " + a.rests_on(r))}</font>')
            found = wording.still_found(r)
            if found:  # not blocking only because a mitigation is marked done: said, in the colour of a blocker
                risk.append(f'<font color="#b71c1c">{self.m(found)}</font>')
            for c in r.get("causes") or []:
                risk.append(self.m(f"also resolves: {c['title']} ({c['id']})"))
            mit = [self.m(r.get("mitigation") or "")]
            if r.get("effort"):
                mit.append(self.m("effort: " + a.effort_words(r)))
            for mt in r.get("mitigations") or []:
                bits = [mt.get("owner") or "no owner", f"due {a.due_flagged(mt['due'])}" if mt.get("due") else "no due date",
                        wording.enum_words(mt.get("status") or ""), f"effort {mt['effort']}" if mt.get("effort") else "effort not stated"]
                mit.append("• " + self.m(f"{mt.get('title', '')} ({', '.join(bits)})"))
            sev_cell = [self.sev_markup(r["severity"]), self.m(f"{r['likelihood']}×{r['impact']}={r['score']}")]
            if flags:
                sev_cell.append(self.m(", ".join(flags)))
            body.append([self.short(r.get("rank", "")), self.lines(risk), self.lines(sev_cell),
                         self.cell(a.owner_text(r)), self.lines(mit)])
        if body:
            self.table(["#", "Risk", "Severity / score", "Owner", "Mitigation (owner, due, status, effort)"], body,
                       [0.05, 0.38, 0.12, 0.11, 0.34])
        if rest:
            self.heading(f"Further risks ({len(rest)})", 1, "6.2")
            self.table(["#", "Risk", "Severity", "Score", "Owner", "Status"],
                       [[self.short(r.get("rank", "")), self.cell(r["title"]), self.sev(r["severity"]),
                         self.short(f"{r['likelihood']}×{r['impact']}={r['score']}"),
                         self.cell(a.owner_text(r)),
                         self.cell(wording.still_found(r) or a.status_text(r, short=True)
                                   + (", launch blocker" if r.get("launch_blocking") else ""))] for r in rest],
                       [0.06, 0.48, 0.09, 0.09, 0.14, 0.14])
        self.heading("Accepted risks", 1, "6.3" if rest else "6.2")
        acc = a.accepted_risks()
        if acc:
            self.table(["Risk", "Accepted by", "On", "Until", "Reason"],
                       [[self.cell(r["title"]), self.cell(r["accepted"].get("by", "")), self.cell(r["accepted"].get("at", "")),
                         self.cell((r["accepted"].get("until") or "open-ended")
                                   + (" (expired)" if r.get("acceptance_expired") else "")
                                   + (" (ends before the target launch: not counted at launch)"
                                      if r.get("acceptance_before_launch") else "")),
                         self.cell(r["accepted"].get("reason", ""))] for r in acc],
                       [0.3, 0.15, 0.1, 0.13, 0.32])
        else:
            self.para("No risk has been accepted.")

    # -- checklist -------------------------------------------------------------------
    def checklist(self):
        a = self.a
        self.heading("Checklist results", number="7")
        cl = a.checklist
        if cl is None:
            self.para("The readiness checklist was not evaluated"
                      + (f": {a.checklist_error}" if a.checklist_error else "") + ".")
            return
        prog = a.checklist_progress()
        tmpl = getattr(cl, "template", None)
        score = "n/a" if prog["score"] is None else score_text(prog['score'])
        from prr_app.reporting.markdown import checklist_template_text

        self.para(f"Template: {checklist_template_text(cl)}. {prog['answered']} of {prog['total']} items answered; "
                  f"weighted score {score}; {prog['blocking']} blocker item(s) not met or partly met and "
                  f"{prog['unanswered_blockers']} unanswered (an unanswered blocker counts as not met).")
        for w in getattr(cl, "warnings", None) or []:  # the review's own template not installed, say
            self.para("Warning: " + w)
        cats = list(getattr(cl, "categories", []) or [])
        if cats:
            body = []
            for c in cats:
                sc = getattr(c, "score", None)
                body.append([self.cell(getattr(c, "title", getattr(c, "id", "")), bold=True),
                             self.cell(f"{getattr(c, 'answered', 0)} / {getattr(c, 'total', 0)}"),
                             self.short(getattr(c, "met", 0)), self.short(getattr(c, "partly", 0)),
                             self.short(getattr(c, "not_met", 0)), self.short(getattr(c, "not_applicable", 0)),
                             self.short(getattr(c, "unanswered", 0)),
                             self.cell("n/a" if sc is None else score_text(sc))])
            self.table(["Category", "Answered", "Met", "Partly", "Not met", "N/A", "Open", "Score"], body,
                       [0.36, 0.1, 0.07, 0.08, 0.09, 0.07, 0.08, 0.15])
        blocking = a.checklist_blockers() + a.unanswered_blockers()
        self.heading(a.blockers_heading(), 1, "7.1")
        # an item nobody answered for many subjects (an import: every component owes it) is one
        # paragraph naming its subjects, not a row each repeating the question
        from prr_app.reporting.assessment import GROUP_WHAT, fold_same_item, generic_question

        blocking, grouped = fold_same_item(blocking, SAME_ROWS)
        if blocking:
            rows = []
            for it in blocking:
                ans = getattr(it, "answer", None)
                rows.append([self.cell(getattr(it, "question", str(it))), self.cell(getattr(it, "subject_label", "") or ""),
                             self.cell(words(getattr(it, "status", "")) + (
                                 f" (proposed from evidence: {words(it.proposal.status)})"
                                 if getattr(it, "proposal", None) is not None else "")),
                             self.cell(a.item_owner_text(it)),
                             self.cell(a.due_flagged(getattr(ans, "due", "") or "", short=True)),
                             self.cell(evidence_and_note(ans))])
            # widths by content: a Due or Evidence column empty on every row gives its room to the answer
            # (which wrapped to five lines beside two empty columns)
            widths = [0.34, 0.14, 0.11, 0.14, 0.11, 0.16]
            for col, least in ((4, 0.06), (5, 0.1)):
                if not any(str(getattr(r[col], "text", r[col]) or "").strip() for r in rows):
                    widths[2] += widths[col] - least
                    widths[col] = least
            self.table(["Item", "Applies to", "Answer", "Owner", "Due", "Evidence; note"], rows, widths)
        elif not grouped:
            self.para("None.")
        for item_id, items in grouped.items():
            per = items[0].per
            q = generic_question(tmpl, item_id, items[0].question)
            # owned as the work per team charges it: by the owner of the component it is about, if any
            owned = sum(1 for it in items if a.item_owner(it))
            who = ("with no owner yet" if not owned else
                   "each owned by the owner of the component it is about" + ("" if owned == len(items) else
                                                                              f" ({owned} have one)"))
            self.name_paras(f"“{q}” is an unanswered blocker for {len(items)} {GROUP_WHAT.get(per, per + 's')}, "
                            f"{who}:", [it.subject_label or it.subject for it in items])
        self._proposals(cl)
        self._orphans(cl)
        self._to_check(cl)
        self._answered()

    def _answered(self) -> None:
        """7.5: the answered blocker items with their evidence, owner, due date, note and who answered
        when (a lead audits what the blockers counted as met rest on); the first ``ANSWERED_ROWS``, the
        rest counted and pointed to; the other answered items counted (the Markdown lists them, 7.6)."""
        from prr_app.reporting.markdown import ANSWERED_HEADING, answered_more, other_answered_text

        rows = self.a.answered_items(blockers=True)
        self.heading(ANSWERED_HEADING, 1, "7.5")
        if rows:
            # five columns, each wide enough for a date or a link to stay legible: the answer with who gave
            # it when, the evidence with the note, the owner with the due date
            self.table(["Item", "Applies to", "Answer (by, on)", "Evidence; note", "Owner, due"],
                       [[self.cell(x["question"]), self.cell(x["subject"]),
                         self.cell(x["status"] + (f", by {x['who']}" if x["who"] else "")),
                         self.cell("; ".join(v for v in (x["evidence"], x["note"] and f"note: {x['note']}") if v)),
                         self.cell(", ".join(v for v in (x["owner"] or "no owner", x["due"] and f"due {x['due']}")
                                             if v))] for x in rows[:ANSWERED_ROWS]],
                       [0.32, 0.13, 0.18, 0.22, 0.15])
            if len(rows) > ANSWERED_ROWS:
                self.para(answered_more(len(rows) - ANSWERED_ROWS), self.st.small)
        else:
            self.para("No blocker item is answered yet.")
        others = self.a.answered_items(blockers=False)
        other = other_answered_text(len(others))
        if other:
            self.para(other, self.st.small)
        # a proposal a reviewer confirmed is a reviewer's answer: who confirmed it and when is said here, as
        # the Markdown's 7.6 says it, not left to the other format
        confirmed = [x for x in others if x["note"].startswith("confirmed from evidence")]
        if confirmed:
            self.para(f"Of these, {wording.count(len(confirmed), 'proposal')} from the imported files "
                      f"{'was' if len(confirmed) == 1 else 'were'} confirmed by a reviewer:", self.st.small)
            self.table(["Item", "Applies to", "Answer", "Confirmed by, on"],
                       [[self.cell(x["question"]), self.cell(x["subject"]), self.cell(x["status"]),
                         self.cell(x["who"] or "not recorded")] for x in confirmed[:ANSWERED_ROWS]],
                       [0.5, 0.18, 0.12, 0.2])
            if len(confirmed) > ANSWERED_ROWS:
                self.para(answered_more(len(confirmed) - ANSWERED_ROWS), self.st.small)

    def _proposals(self, cl) -> None:
        """7.2: answers proposed from the imported files, not counted until a reviewer confirms them (issue 21)."""
        proposed = [it for it in getattr(cl, "items", []) or [] if getattr(it, "proposal", None) is not None]
        if not proposed:
            return
        from prr_app.reporting.markdown import proposal_counted, proposals_heading, proposals_note

        self.heading(proposals_heading(proposed), 1, "7.2")
        note = proposals_note(proposed)
        if note:
            self.para(note, self.st.small)
        limit = 80
        rows = [[self.cell(it.question), self.cell(it.subject_label or "the review"),
                 self.cell(proposal_counted(it)), self.cell(it.proposal.reason)] for it in proposed[:limit]]
        self.table(["Item", "Applies to", "Proposed", "Why (file:line)"], rows, [0.32, 0.14, 0.1, 0.44])
        if len(proposed) > limit:
            self.para(f"... and {len(proposed) - limit} more (prr checklist REVIEW --items lists them all).")

    def _orphans(self, cl) -> None:
        """7.3: answers kept in the review that no item of the template takes (not counted), with why."""
        orphans = list(getattr(cl, "orphans", []) or [])
        if not orphans:
            return
        self.heading("Orphaned answers (kept in the review, not counted)", 1, "7.3")
        limit = 80
        rows = [[self.cell(o.key), self.cell(words(o.answer.status)), self.cell(o.reason)] for o in orphans[:limit]]
        self.table(["Answer to", "Answer", "Why it does not count"], rows, [0.34, 0.12, 0.54])
        if len(orphans) > limit:
            self.para(f"... and {len(orphans) - limit} more (prr checklist REVIEW lists them all).")

    def _to_check(self, cl) -> None:
        """7.4: required blockers passed without being shown met (answered not applicable, or met or partly
        with no evidence): not blocking, named with who answered, when and why, for the lead to check."""
        from prr_app.checklist.evaluate import blockers_to_check
        from prr_app.reporting.markdown import TO_CHECK_HEADING

        if not hasattr(cl, "waived_blockers"):
            return
        check = blockers_to_check(cl)
        if not check:
            return
        self.heading(TO_CHECK_HEADING, 1, "7.4")
        rows = [[self.cell(it.question), self.cell(it.subject_label or "the review"), self.cell(words(it.status)),
                 self.cell(text)] for it, text in check]
        self.table(["Item", "Applies to", "Answer", "How it was answered"], rows, [0.36, 0.14, 0.12, 0.38])

    # -- appendix --------------------------------------------------------------------
    def appendix(self):
        a = self.a
        self.heading("Appendix: scoring method and assumptions", number="A")
        self.heading("Scoring", 1, "A.1")
        bands = ", ".join(f"{name} ≥ {low}" for name, low in a.scoring_bands)
        self.bullets([
            self.m("Every risk has a likelihood and an impact from 1 to 5; score = likelihood × impact (1 to 25)."),
            self.m(f"Severity bands by score: {bands}."),
            self.m("Impact grows with what a failure takes down: a critical journey down scores 5; user-facing "
                   "components down, degraded journeys and the number of components hit score lower; a component "
                   "stated to have no alerts or no metrics raises the impact of its own failure by one, because "
                   "it is detected late."),
            self.m("Likelihood follows the disruption type: one instance failing is frequent, a whole component "
                   "(bad deploy, config, overload) less so, a zone or region rarer still."),
            self.m("A reviewer may override a number only with a written reason, shown with the risk."),
            self.m("Launch-blocking (open at the target launch: not mitigated, not accepted past the launch): a SPOF "
                   "of a disruption the resilience policy requires surviving that takes down a critical journey or "
                   "a tier-1 user-facing component (an unknown tier counts as tier 1); an SLO not attainable by "
                   "design; a tier-1 user-facing component or journey without an SLO; a reviewer's risk in the "
                   "critical band or one marked launch-blocking; a blocker checklist item not met or unanswered."),
            self.m("Verdict: not ready while any launch blocker is open, or any open high or critical risk lacks "
                   "an owner or a due date; ready with conditions when every open high risk has both; otherwise "
                   "ready."),
            self.m("One root cause is one line: what one fix resolves is one risk. A component's instance and "
                   "component failure are one risk; an SLO folds into the SPOF of its largest error-budget "
                   "consumer only when fixing that one element makes the SLO attainable, and otherwise stands "
                   "as a risk of its own."),
        ])
        from prr_app.analysis.risks import EFFORT

        self.para("Effort per mitigation kind (estimates for planning; the owner of a computed risk defaults to "
                  "the owner of the component its mitigation changes):", self.st.small)
        self.table(["Mitigation kind", "Size", "Days", "What"],
                   [[self.short(k), self.short(v[0]), self.short(v[1]), self.cell(v[2])] for k, v in EFFORT.items()],
                   [0.24, 0.1, 0.08, 0.58])
        if a.checklist_method:
            self.para("Checklist score: " + a.checklist_method)
        methods = sorted({x["method"] for x in a.availability_rows()})
        sims = [x for x in a.availability_rows() if x.get("samples")]
        txt = (f"Composite availability: {', '.join(methods) or 'none computed'}; each shared dependency is counted once.")
        if sims:
            txt += (f" Simulated figures use {sims[0]['samples']} samples (seed {a.analysis.get('seed', 0)}) and "
                    "show a confidence interval.")
        self.para(txt)
        self.heading("Assumptions of the analysis", 1, "A.2")
        deciding = a.deciding_assumptions()
        if deciding:
            self.para("Assumptions and defaults that decided the verdict (on the cover, shortened where needed):")
            self.bullets([self.m(x) for x in deciding])
        asm = a.analysis.get("assumptions", [])
        if asm and deciding:
            self.para("Assumptions of the analysis, by element:")
        if asm:
            self.bullets([self.m(f"{x['text']}: " + self.names(x.get("elements", []), 15)) for x in asm])
        elif not deciding:
            self.para("None: the review states everything the analysis needs.")
        notes = []
        if self.kit.rtl:
            notes.append("Right-to-left text (Hebrew, Arabic) is broken into lines in reading order, then each line "
                         "is put in visual order by the Unicode bidirectional algorithm, Arabic letters in their "
                         "joined forms; a paragraph that reads right to left is right-aligned. Devanagari or Thai "
                         "in the same paragraph as right-to-left text prints unshaped.")
        missing = self.kit.missing_report()
        if missing:
            notes.append(missing)
        if notes:
            self.heading("Text that could not be printed faithfully", 1, "A.3")
            self.bullets([self.m(n) for n in notes])


def render_pdf(review: Review, *, paper: str = "a4", assessment: Assessment | None = None,
               progress: Callable[[str, int], None] | None = None, warnings: list | None = None,
               changes: dict | None = None, plan: dict | None = None) -> bytes:
    """The assessment of ``review`` as PDF bytes.

    ``changes`` (the diff since a milestone) and ``plan`` (a plan's result) add the sections
    of ``reporting/changes.py`` after the executive summary.

    ``progress(kind, value)`` is reportlab's progress callback (kinds such as
    ``"STARTED"``, ``"SIZE_EST"``, ``"PROGRESS"``, ``"PAGE"``, ``"FINISHED"``).
    Problems that did not stop the build (characters without a glyph) are
    appended to ``warnings``.
    """
    if paper not in PAPERS:
        raise PrrError(f"unknown paper size {paper!r}; use a4 or letter")
    a = assessment or build_assessment(review)
    kit = TextKit()
    buf = io.BytesIO()
    meta = review.meta
    doc = AssessmentDocTemplate(buf, pagesize=PAPERS[paper], title=f"Reliability Risk Assessment: {meta.system_name}",
                                author="; ".join(meta.reviewers), subject=meta.milestone or "Production readiness review")
    if progress is not None:
        doc.setProgressCallBack(progress)
    story = _Builder(a, doc, kit, changes=changes, plan=plan).build()
    # the date the figures hold for: the review's, else the date it was judged as of (always known)
    header = (f"{meta.system_name} · Reliability Risk Assessment · "
              f"{a.date or (f'as of {a.today}' if a.today else 'date not stated')}")
    doc.build(story, canvasmaker=_numbered_canvas(header, kit, doc.heading_pages))
    if warnings is not None:
        rep = kit.missing_report()
        if rep:
            warnings.append(rep)
    return buf.getvalue()


def write_pdf(review: Review, path, *, paper: str = "a4", progress=None, warnings: list | None = None,
              changes: dict | None = None, plan: dict | None = None, today: str | None = None, **_) -> None:
    """Write the assessment PDF to ``path`` (atomically), judged as of ``today`` (``YYYY-MM-DD``; by
    default the real current date, as ``prr report --today``)."""
    data = render_pdf(review, paper=paper, progress=progress, warnings=warnings, changes=changes, plan=plan,
                      assessment=build_assessment(review, today=today))
    write_output(Path(path), data)


def write_output(path: Path, data: bytes) -> None:
    """Write an export atomically (:func:`prr_app.paths.atomic_write_bytes`): a new file gets the
    usual permission bits (0666 less the umask), a replaced one keeps its own (docs/file-format.md,
    "Output paths"); resetting them after the rename made a private 0600 report world-readable."""
    atomic_write_bytes(path, data)
