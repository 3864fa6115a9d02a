"""Right-to-left paragraphs over several lines (issue 17, typography and scripts).

A Hebrew or Arabic paragraph is broken into lines in logical order, so its first words are on
its first (top) line; each line is then put into visual order on its own, in the paragraph's
direction, and a paragraph that reads right to left is right-aligned.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from prr_app.reporting.pdf import Paragraph, render_pdf
from prr_app.reporting.styles import Styles
from prr_app.reporting.text import TextKit, shape_arabic, starts_rtl

ROOT = Path(__file__).resolve().parent.parent
HE = ("שירות התשלומים של החנות תלוי במסד נתונים אחד בלבד באזור 3 ואין לו גיבוי אוטומטי; "
      "אם השרת נופל, כל ההזמנות נעצרות למשך 45 דקות לפחות עד שצוות ה-SRE מחזיר אותו ידנית. "
      "יש להוסיף עותק שני (payments-db v2.4) לפני ההשקה.")
AR = ("تعتمد خدمة الدفع في المتجر على قاعدة بيانات واحدة فقط في المنطقة 3 ولا يوجد نسخ احتياطي تلقائي؛ "
      "إذا تعطل الخادم تتوقف كل الطلبات لمدة 45 دقيقة على الأقل حتى يعيده فريق SRE يدويا.")
BRACKETS = str.maketrans("()[]<>", "||||||")  # python-bidi's display order leaves brackets unmirrored


def _lines(bl) -> list[str]:
    if bl.kind == 0:
        return [" ".join(words) for _extra, words in bl.lines]
    return ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]


def _paragraph(text: str, width: float, *, bold_start: bool = False) -> Paragraph:
    kit, sty = TextKit(), Styles()
    markup = kit.markup(text)
    if bold_start:  # several fragments: a bold title, then the text (as the risk register's cells)
        markup = kit.markup("title: ", bold=True) + markup
    p = Paragraph(markup, sty.body)
    p.wrap(width, 10_000)
    return p


@pytest.mark.parametrize("text", [HE, AR, "Note: " + HE])
@pytest.mark.parametrize("bold_start", [False, True])
def test_rtl_paragraph_breaks_in_logical_order_and_orders_each_line(text, bold_start):
    from bidi import get_display

    p = _paragraph(text, 220, bold_start=bold_start)
    logical = _lines(p.blPara)
    assert len(logical) >= 3
    expected = ("title: " if bold_start else "") + shape_arabic(text)
    assert " ".join(x.strip() for x in logical).split() == expected.split()  # nothing lost or moved
    assert expected.startswith(logical[0].strip())  # the first words on the first line
    rtl = starts_rtl(("title: " if bold_start else "") + text)
    assert (p.style.alignment == 2) == rtl  # TA_RIGHT: a paragraph reading right to left
    visual = _lines(p.visual_lines())
    assert len(visual) == len(logical)
    for v, lg in zip(visual, logical):
        assert v.translate(BRACKETS) == get_display(lg, base_dir="R" if rtl else "L").translate(BRACKETS)
    assert _lines(p.blPara) == logical  # drawing does not change what a later split works on


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(["שלום", "עולם", "خدمة", "الدفع", "abc", "v2.4", "404", "(x)",
                                       "ה-SRE", "שירות;", "–", "7%"]), min_size=1, max_size=40),
       width=st.floats(min_value=40, max_value=300))
def test_rtl_lines_against_python_bidi(words, width):
    from bidi import get_display

    text = " ".join(words)
    p = _paragraph(text, width)
    logical = _lines(p.blPara)
    assert " ".join(logical).split() == shape_arabic(text).split()
    base = "R" if starts_rtl(text) else "L"
    for v, lg in zip(_lines(p.visual_lines()), logical):
        assert v.translate(BRACKETS) == get_display(lg, base_dir=base).translate(BRACKETS)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by scripts/ensure-system-deps.sh")
def test_rendered_rtl_description_reads_from_the_top_right(tmp_path):
    from prr_app.interchange.json_io import read_review_json

    d = json.loads((ROOT / "resources" / "examples" / "webshop.json").read_text())
    d["review"]["description"] = HE
    src = tmp_path / "rtl.json"
    src.write_text(json.dumps(d, ensure_ascii=False))
    pdf = tmp_path / "rtl.pdf"
    pdf.write_bytes(render_pdf(read_review_json(src)))
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page_w = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]
    he = [w for w in words if re.search("[\u0590-\u05ff]", w[3])]
    # the description: the Hebrew words, by line from the top (the cover and contents hold none)
    rows: dict[float, list] = {}
    for w in he:
        rows.setdefault(round(w[1], 1), []).append(w)
    tops = sorted(rows)[:3]
    assert len(tops) == 3
    logical_lines = []
    for y in tops:
        line = sorted(rows[y], key=lambda w: -w[0])  # right to left
        # each word is drawn in visual order: its glyphs, read right to left, are the word
        logical_lines.append(" ".join(w[3][::-1] for w in line))
        assert max(w[2] for w in line) == pytest.approx(page_w - 51.02, abs=1.5)  # right-aligned
    hebrew_only = [w for w in HE.split() if re.search("[\u0590-\u05ff]", w)]
    got = " ".join(logical_lines).split()
    assert got[:6] == hebrew_only[:6]  # the first words on the top line (not the end of the text)
