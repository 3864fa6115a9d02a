"""Paragraph and table styles of the assessment, in one place."""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from prr_app.reporting.text import SANS, SANS_BOLD, register_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEAD_BG = colors.HexColor("#e4e7eb")
VERDICT_COLORS = {
    "not-ready": colors.HexColor("#b71c1c"),
    "ready-with-conditions": colors.HexColor("#e65100"),
    "ready": colors.HexColor("#2e7d32"),
}
SEVERITY_COLORS = {
    "critical": colors.HexColor("#b71c1c"),
    "high": colors.HexColor("#e65100"),
    "medium": colors.HexColor("#b58100"),
    "low": colors.HexColor("#616e7c"),
    "blocker": colors.HexColor("#b71c1c"),
}


class Styles:
    def __init__(self) -> None:
        register_fonts()
        base = dict(fontName=SANS, bulletFontName=SANS, textColor=INK, splitLongWords=1)
        self.body = ParagraphStyle("body", fontSize=9.5, leading=13, spaceAfter=5, **base)
        self.small = ParagraphStyle("small", fontSize=8, leading=10.5, spaceAfter=3, **base)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.cell = ParagraphStyle("cell", fontSize=7.5, leading=9.5, **base)
        self.cell_head = ParagraphStyle("cellhead", parent=self.cell, fontName=SANS_BOLD)
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=12, bulletIndent=2, spaceAfter=2)
        self.h1 = ParagraphStyle("h1", fontName=SANS_BOLD, fontSize=16, leading=20, spaceBefore=4, spaceAfter=10,
                                 textColor=INK, keepWithNext=1)
        self.h2 = ParagraphStyle("h2", fontName=SANS_BOLD, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=5,
                                 textColor=INK, keepWithNext=1)
        self.h3 = ParagraphStyle("h3", fontName=SANS_BOLD, fontSize=10, leading=13, spaceBefore=7, spaceAfter=3,
                                 textColor=INK, keepWithNext=1)
        # the top of a page a part runs onto: "Executive summary (continued)"
        self.continued = ParagraphStyle("continued", fontName=SANS_BOLD, fontSize=10, leading=13, spaceAfter=2,
                                        textColor=MUTED)
        self.bullet_small = ParagraphStyle("bulletsmall", parent=self.small, leftIndent=12, bulletIndent=2,
                                           spaceAfter=1.5)
        self.caption = ParagraphStyle("caption", fontName=SANS, fontSize=8, leading=10, textColor=MUTED,
                                      spaceBefore=3, spaceAfter=8, alignment=TA_LEFT)
        self.cover_title = ParagraphStyle("covertitle", fontName=SANS_BOLD, fontSize=24, leading=30, textColor=INK,
                                          spaceAfter=8)
        self.cover_sub = ParagraphStyle("coversub", fontName=SANS, fontSize=13, leading=17, textColor=MUTED,
                                        spaceAfter=24)
        self.verdict = ParagraphStyle("verdict", fontName=SANS_BOLD, fontSize=20, leading=25,
                                      textColor=colors.white, alignment=TA_CENTER)
        self.verdict_small = ParagraphStyle("verdictsmall", fontName=SANS, fontSize=9, leading=12,
                                            textColor=colors.white, alignment=TA_CENTER)
        self.toc1 = ParagraphStyle("toc1", fontName=SANS, fontSize=10.5, leading=15, leftIndent=10,
                                   firstLineIndent=-10)
        self.toc2 = ParagraphStyle("toc2", fontName=SANS, fontSize=9, leading=12, leftIndent=26,
                                   firstLineIndent=-10, textColor=MUTED)


def table_style(*, header: bool = True, zebra: bool = True, extra=()) -> TableStyle:
    cmds = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),  # plain cells in the ink of the paragraph cells
    ]
    if header:
        cmds += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED)]
    if zebra:
        cmds.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, colors.HexColor("#f7f8fa")]))
    cmds.extend(extra)
    return TableStyle(cmds)
