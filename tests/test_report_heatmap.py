"""The PDF's risk heat map has the app's axes: likelihood left to right, impact bottom to top."""
from __future__ import annotations

from reportlab.graphics.shapes import Rect, String

from prr_app.reporting.figures import heatmap_drawing
from prr_app.reporting.text import TextKit

BANDS = [("critical", 20), ("high", 12), ("medium", 6), ("low", 1)]


def _filled(d):
    cells = [x for x in d.contents[0].contents if isinstance(x, Rect) and x.fillColor.hexval() != "0xf5f5f5"]
    return [(c.x, c.y) for c in cells]


def test_likelihood_runs_left_to_right_and_impact_bottom_to_top():
    likely_harmless = _filled(heatmap_drawing(TextKit(), {(5, 1): 1}, BANDS))  # likelihood 5, impact 1
    unlikely_severe = _filled(heatmap_drawing(TextKit(), {(1, 5): 1}, BANDS))  # likelihood 1, impact 5
    (x1, y1), = likely_harmless
    (x2, y2), = unlikely_severe
    assert x1 > x2 and y1 < y2  # the likely one on the right, the severe one at the top
    labels = [s.text for s in heatmap_drawing(TextKit(), {}, BANDS).contents[0].contents if isinstance(s, String)]
    assert "likelihood" in labels
