"""The PDF's graph figure draws the calls no reviewer confirmed dash-dot with a "?" and keys them (session 31)."""
from __future__ import annotations

from reportlab.graphics.shapes import Line, Path, Polygon

from prr_app.reporting import figures as F
from prr_app.reporting.assessment import Guesses
from prr_app.reporting.text import TextKit
from tests.test_s31_report_unconfirmed import _review


def _mark(s) -> bool:
    return isinstance(s, Polygon) and s.strokeColor == F.GUESS_COLOR


def _shapes(d):
    out = []
    stack = [d]
    while stack:
        g = stack.pop()
        for n in getattr(g, "contents", ()):
            (stack if hasattr(n, "contents") else out).append(n)
    return out


def test_unconfirmed_calls_are_dash_dot_with_a_mark_and_a_key():
    r = _review()
    kit = TextKit()
    lay = F.figure_layout(r, list(r.components))
    style = F.GraphStyle(unconfirmed=Guesses(r).calls)
    shapes = _shapes(F.graph_drawing(lay, kit, style, 1.0))
    assert sum(1 for s in shapes if _mark(s)) >= 3  # api->rg (two lines), r1->db, r2->db
    assert any(isinstance(s, (Line, Path)) and s.strokeDashArray == F.GUESS_DASH for s in shapes)
    plain = _shapes(F.graph_drawing(lay, kit, F.GraphStyle(), 1.0))
    assert not any(_mark(s) for s in plain)
    assert style.unconfirmed_kinds == ("weak", "strong")
    legend = F.legend_drawing(kit, 480, [], ("USER",), style.unconfirmed_kinds)
    texts = " ".join(getattr(s, "text", "") for s in _shapes(legend))
    assert "inferred, not confirmed: weak" in texts and "inferred, not confirmed: strong" in texts
    assert "inferred" not in " ".join(getattr(s, "text", "") for s in _shapes(F.legend_drawing(kit, 480, [], ("USER",))))
