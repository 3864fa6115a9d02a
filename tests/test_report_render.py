"""The figures draw their shapes straight onto the page (figures.draw_shapes) instead of through
reportlab's renderer (renderPDF), which saves and restores the graphics state around every shape.
The picture must be the same: both are rasterised (pdftoppm) and compared pixel for pixel, on the
report's own figures and on random drawings (reportlab's renderer is the oracle)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Line, Path as RLPath, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from prr_app.interchange.json_io import read_review_json
from prr_app.reporting import figures as F
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.text import SANS, SANS_BOLD, TextKit

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="poppler-utils is installed by scripts/ensure-system-deps.sh")


def _pixels(tmp: Path, name: str, drawings: list[Drawing], ours: bool) -> list[bytes]:
    """Each drawing on a page of its own (at an offset, as in a document), rasterised at 100 dpi."""
    pdf = tmp / f"{name}.pdf"
    c = Canvas(str(pdf), invariant=1)
    for d in drawings:
        c.setPageSize((d.width + 40, d.height + 40))
        c.saveState()
        c.translate(20, 20)
        if ours:
            F.draw_shapes(c, d)
        else:
            renderPDF.draw(d, c, 0, 0)
        c.restoreState()
        c.showPage()
    c.save()
    subprocess.run(["pdftoppm", "-r", "100", str(pdf), str(tmp / name)], check=True)
    return [p.read_bytes() for p in sorted(tmp.glob(f"{name}-*.ppm"))]


def _same_picture(tmp: Path, drawings: list[Drawing]) -> None:
    theirs = _pixels(tmp, "renderpdf", drawings, ours=False)
    mine = _pixels(tmp, "direct", drawings, ours=True)
    assert len(theirs) == len(mine) == len(drawings)
    for i, (a, b) in enumerate(zip(theirs, mine)):
        assert a == b, f"drawing {i} differs from reportlab's rendering"


def test_the_report_figures_look_as_reportlab_draws_them(tmp_path):
    review = read_review_json(ROOT / "resources" / "examples" / "webshop.json")
    a = build_assessment(review)
    kit = TextKit()
    spofs = frozenset(a.spof_components())
    uf = frozenset(a.analysis["summary"].get("user_facing", []))
    style = F.GraphStyle(spofs=spofs, user_facing=uf, shared_tags={}, hubs={}, badges={})
    plans = F.plan_graph_figures(review, 480, 600, a.journey_needs)
    assert plans
    drawings = [F.graph_drawing(p.layout, kit, style, p.scale) for p in plans]
    drawings.append(F.legend_drawing(kit, 480, [("L1", "cluster k8s"), ("H1", "depends on otel")]))
    drawings.append(F.heatmap_drawing(kit, {(5, 5): 2, (1, 3): 4, (3, 3): 1}, a.scoring_bands))
    drawings += F.availability_drawings(kit, a.availability_rows(), a.label, 480, 600)
    assert all(isinstance(d, F.DirectDrawing) for d in drawings)
    _same_picture(tmp_path, drawings)


_COLOURS = st.sampled_from([None, colors.black, colors.white, colors.HexColor("#c62828"),
                            colors.HexColor("#1565c0"), colors.HexColor("#78909c")])
_FILLS = st.sampled_from([None, colors.white, colors.HexColor("#fdecea"), colors.HexColor("#2e7d32")])
_DASH = st.sampled_from([None, [3, 2], [1, 2], [2, 2]])
_X = st.floats(0, 300, allow_nan=False).map(lambda v: round(v, 2))
_W = st.floats(1, 120, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def _shape(draw):
    kind = draw(st.sampled_from(["rect", "round", "line", "path", "polygon", "string"]))
    stroke = dict(strokeColor=draw(_COLOURS), strokeWidth=draw(st.sampled_from([0.3, 0.6, 1.2, 1.6])),
                  strokeDashArray=draw(_DASH))
    if kind in ("rect", "round"):
        r = 2 if kind == "round" else 0
        return Rect(draw(_X), draw(_X), draw(_W), draw(_W), rx=r, ry=r, fillColor=draw(_FILLS), **stroke)
    if kind == "line":
        return Line(draw(_X), draw(_X), draw(_X), draw(_X), **stroke)
    if kind == "path":
        p = RLPath(fillColor=None, **stroke)
        p.moveTo(draw(_X), draw(_X))
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                p.lineTo(draw(_X), draw(_X))
            else:
                p.curveTo(draw(_X), draw(_X), draw(_X), draw(_X), draw(_X), draw(_X))
        return p
    if kind == "polygon":
        return Polygon([draw(_X) for _ in range(6)], fillColor=draw(_FILLS), **stroke)
    return String(draw(_X), draw(_X), draw(st.sampled_from(["SPOF", "cart-db", "USER", "hub H2", "Zone r1a (zone)"])),
                  fontName=draw(st.sampled_from([SANS, SANS_BOLD])), fontSize=draw(st.sampled_from([6.0, 7.5, 9.0])),
                  fillColor=draw(st.sampled_from([colors.black, colors.HexColor("#c62828"), None])),
                  textAnchor=draw(st.sampled_from(["start", "middle", "end"])))


@st.composite
def _drawing(draw):
    d = F.DirectDrawing(340, 340)
    g = Group()
    d.add(g)
    for s in draw(st.lists(_shape(), min_size=1, max_size=14)):
        g.add(s)
    if draw(st.booleans()):  # a rotated group inside (the heat map's axis label), then more shapes
        inner = Group()
        for s in draw(st.lists(_shape(), min_size=1, max_size=4)):
            inner.add(s)
        inner.transform = (0, 1, -1, 0, 300, 20)
        g.add(inner)
        for s in draw(st.lists(_shape(), max_size=4)):
            g.add(s)
    return d


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawings=st.lists(_drawing(), min_size=1, max_size=3))
def test_random_drawings_look_as_reportlab_draws_them(tmp_path_factory, drawings):
    _same_picture(tmp_path_factory.mktemp("render"), drawings)


def test_a_shape_it_cannot_draw_is_an_error_not_a_gap():
    from reportlab.graphics.shapes import Circle

    d = F.DirectDrawing(50, 50)
    d.add(Circle(10, 10, 5))
    c = Canvas("unused.pdf")
    with pytest.raises(TypeError, match="Circle"):
        F.draw_shapes(c, d)


def test_plain_table_cells_look_as_reportlab_draws_them(tmp_path):
    """A long table's plain cells share one text object (pdf._LongTable): the same page as
    reportlab's own Table draws, with bold and coloured cells, wrapped lines, empty cells and
    paragraph cells between them, across a page break."""
    from reportlab.platypus import SimpleDocTemplate, Table

    from prr_app.reporting.pdf import Paragraph, _LongTable
    from prr_app.reporting.styles import SEVERITY_COLORS, Styles, table_style

    st_ = Styles()
    kit = TextKit()
    rows = []
    for i in range(70):
        rows.append([f"c{i:03d}", "first line\nsecond line" if i % 3 else "", "yes" if i % 2 else "",
                     Paragraph(kit.markup(f"<b>not markup</b> & row {i} 🙂 written in a paragraph"), st_.cell)
                     if i % 5 == 0 else f"plain {i} → next", "high"])
    cmds = [("FONTNAME", (0, 1), (0, -1), SANS_BOLD), ("TEXTCOLOR", (4, 1), (4, 30), SEVERITY_COLORS["high"]),
            ("LEADING", (1, 1), (1, -1), 9.5)]
    header = [Paragraph("Id", st_.cell_head), "Two lines", "Flag", "Text", "Severity"]

    def build(cls, name):
        path = tmp_path / f"{name}.pdf"
        doc = SimpleDocTemplate(str(path), invariant=1)
        doc.build([cls([header] + rows, colWidths=[60, 90, 40, 200, 60], repeatRows=1, style=table_style(extra=cmds))])
        subprocess.run(["pdftoppm", "-r", "100", str(path), str(tmp_path / name)], check=True)
        return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.ppm"))]

    theirs, mine = build(Table, "reportlab"), build(_LongTable, "ours")
    assert len(theirs) == len(mine) >= 2
    assert theirs == mine


def test_register_cells_of_several_lines_look_as_one_paragraph(tmp_path):
    """The risk register's cells are a Paragraph per line (pdf._Lines), so that a line of one style
    is broken as plain text: stacked, they must give the page one paragraph broken at <br/> gives,
    an empty first line (no recommended mitigation) and wrapped, bold and coloured lines included."""
    from reportlab.platypus import SimpleDocTemplate

    from prr_app.reporting.pdf import Paragraph, _LongTable, _Lines
    from prr_app.reporting.styles import Styles, table_style

    st_ = Styles()
    kit = TextKit()
    cells = []
    for i in range(40):
        cells.append([
            f"<b>{kit.markup(f'Risk {i}: cart-db is a single point of failure')}</b>",
            kit.markup("A long description that wraps over two or three lines of the column, " * (1 + i % 3)),
            f'<font color="#616e7c">{kit.markup("why: likelihood 4: one instance; impact 5: takes down checkout")}</font>',
        ])
        cells.append(["", kit.markup("effort: medium, about 10 working days"), "• " + kit.markup(f"Fix {i} (sre, due 2026-09-01)")])

    def build(as_lines: bool, name: str):
        rows = [[str(i), _Lines(c, st_.cell) if as_lines else Paragraph("<br/>".join(c), st_.cell)]
                for i, c in enumerate(cells)]
        path = tmp_path / f"{name}.pdf"
        SimpleDocTemplate(str(path), invariant=1).build(
            [_LongTable([["#", "Risk"]] + rows, colWidths=[30, 220], repeatRows=1, style=table_style())])
        subprocess.run(["pdftoppm", "-r", "100", str(path), str(tmp_path / name)], check=True)
        return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.ppm"))]

    one, stacked = build(False, "paragraph"), build(True, "lines")
    assert len(one) == len(stacked) >= 2
    assert one == stacked
    assert _Lines(cells[0], st_.cell).getPlainText() == Paragraph("<br/>".join(cells[0]), st_.cell).getPlainText()


def test_a_generated_review_renders_the_same_twice_and_completely():
    """The benchmark's kind of review, smaller: figures in parts, the register's several-line cells,
    bullets with chains. Two builds are byte-identical, and every component and every risk's title
    is in the text."""
    import importlib.util

    from pypdf import PdfReader

    from prr_app.reporting.pdf import render_pdf

    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "bench_report.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    review = bench.generate(160, n_risks=60, n_answers=40, seed=3)
    first = render_pdf(review)
    assert render_pdf(review) == first
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(__import__("io").BytesIO(first)).pages)
    assert "(part 2 of" in text  # drawn in parts
    for cid in review.components:
        assert cid in text
    for rid, risk in review.risks.items():
        assert risk.title in text, rid
