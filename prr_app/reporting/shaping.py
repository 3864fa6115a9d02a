"""Harfbuzz shaping of a word whose characters come from several fonts.

reportlab (5.1) shapes each word of a paragraph whose style has ``shaping=1`` with
``reportlab.pdfbase.ttfonts.shapeFragWord``. That function shapes the whole word with the font
of its *first* fragment and then reads each glyph back through the font of the fragment it
came from. A word that mixes fonts (a Devanagari name followed by a full stop from the base
font, a parenthesis from the base font before a Thai word) is therefore drawn with wrong glyphs:
"सेवा." prints its full stop as "H", "(บริการ" prints the Thai as empty boxes. It also turns on
discretionary ligatures, so DejaVu draws "st" in "checklist" as one ornate glyph.

:func:`shape_word` shapes each run of one font on its own, with standard ligatures and kerning
only, and puts the runs back together. :func:`install` makes reportlab's paragraph use it. The
fix is needed for as long as reportlab shapes a word with one font:
``tests/test_report_scripts.py`` checks, on the installed reportlab, that the unpatched function
still has the defect (and says to remove this module when it no longer has).
"""
from __future__ import annotations

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import paragraph as _paragraph

#: Kerning and standard ligatures; no discretionary ligatures in running text.
FEATURES = {"kern": True, "liga": True}

_reportlab_shape = ttfonts.shapeFragWord


def _runs(parts):
    """Consecutive ``(frag, text)`` parts grouped by font and size."""
    runs: list[list] = []
    key = None
    for part in parts:
        f = part[0]
        k = (f.fontName, f.fontSize)
        if runs and k == key:
            runs[-1].append(part)
        else:
            runs.append([part])
            key = k
    return runs


def shape_word(w, features=None, force=False):
    """A frag word (``[width, (frag, text), ...]``) shaped one font at a time."""
    features = FEATURES if features is None else features
    if isinstance(w, ttfonts.ShapedFragWord):
        return w
    parts = w[1:]
    if any(hasattr(p[0], "cbDefn") for p in parts):  # inline images and the like: as reportlab does
        return _reportlab_shape(w, features, force)
    runs = _runs(parts)
    if len(runs) <= 1:
        return _reportlab_shape(w, features, force)
    width = 0.0
    out: list = []
    changed = False
    for run in runs:
        f = run[0][0]
        sub = [sum(pdfmetrics.stringWidth(s, f.fontName, f.fontSize) for _, s in run), *run]
        shaped = _reportlab_shape(sub, features, force)
        changed = changed or shaped is not sub
        width += shaped[0]
        out.extend(shaped[1:])
    if not changed:
        return w
    return ttfonts.makeShapedFragWord(w)([width, *out])


def install() -> None:
    """Make reportlab's paragraphs shape words with :func:`shape_word` (idempotent)."""
    _paragraph.shapeFragWord = shape_word
