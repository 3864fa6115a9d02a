"""Layout of the PDF around the figures: badges inside the box, header, cover and table cells that
never collide (the defects an independent check found on real and hostile reviews)."""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from reportlab.graphics.shapes import String

from prr_app.interchange.json_io import read_review_json
from prr_app.layout import compute_layout
from prr_app.model.entities import Component, Dependency, Review
from prr_app.reporting import figures as F
from prr_app.reporting.pdf import _Cell, _fit_columns, fitted_header, render_pdf
from prr_app.reporting.text import TextKit

HOSTILE = Path(__file__).parent / "fixtures" / "hostile_report.json"


def test_badges_sit_inside_the_outline_and_the_markers_stay():
    # a user-facing SPOF with shared-domain tags and four hub badges (the OTel demo's frontend-proxy):
    # before, the strip ran out of the box on the left and the inner outline struck the badges through
    kit = TextKit()
    r = Review()
    r.add(Component(id="frontend-proxy", user_facing=True))
    r.add(Component(id="frontend"))
    r.add(Dependency(source="frontend-proxy", target="frontend"))
    lay = compute_layout(r, node_w=F.FIGURE_NODE_W)
    hubs = {f"hub{i}": f"H{i}" for i in range(1, 5)}
    style = F.GraphStyle(spofs=frozenset({"frontend-proxy"}), user_facing=frozenset({"frontend-proxy"}),
                         shared_tags={}, hubs=hubs, badges={"frontend-proxy": ("H1", "H2", "H3", "H4")})
    scale = F.MIN_SCALE
    d = F.graph_drawing(lay, kit, style, scale)
    n = lay.nodes["frontend-proxy"]
    x0, x1 = n.x * scale, (n.x + n.w) * scale
    bottom = d.height - (n.y + n.h) * scale
    inner = min(1.8, n.h * scale / 6) + 0.5  # inside the blue outline drawn within the red one
    badges = [s for s in d.contents[0].contents if isinstance(s, String) and s.fontSize == F.MIN_PT
              and x0 <= s.x <= x1 and bottom <= s.y <= bottom + F.TAG_STRIP]
    texts = [s.text for s in badges]
    assert "SPOF" in texts and "USER" in texts  # the markers are always there
    for s in badges:
        w = kit.width(s.text, s.fontSize, bold=True)
        assert s.x >= x0 + inner and s.x + w <= x1 - inner  # inside the outline, left and right
        assert s.y - s.fontSize * 0.25 >= bottom + inner  # descenders clear of the inner outline


def test_badge_strip_gives_way_to_a_plus_but_keeps_spof_and_user():
    kit = TextKit()
    style = F.GraphStyle(spofs=frozenset({"a"}), user_facing=frozenset({"a"}), shared_tags={"d1": "L1", "d2": "L2"})
    full = F.badge_strip(kit, "a", style, ("d1", "d2"), ("H1", "H2", "H3", "H5", "H10", "H11"), 500)
    assert [t for t, _c in full] == ["SPOF", "USER", "L1", "L2", "H1-3,5,10,11"]
    narrow = F.badge_strip(kit, "a", style, ("d1", "d2"), ("H1", "H2", "H3"), 55)
    assert [t for t, _c in narrow][:2] == ["SPOF", "USER"] and narrow[-1][0] == "+"
    assert sum(kit.width(t, F.MIN_PT, bold=True) + 3 for t, _c in narrow) - 3 <= 55


def test_a_short_cell_gets_its_whole_width():
    # "not estimated" is drawn on one line: its column must hold all of it, not just its longest word
    kit = TextKit()
    rows = [["1", _Cell("a root cause with a long description " * 3, False), "not estimated", "no date"]]
    cols = _fit_columns(kit, ["#", "Root cause", "Effort", "Due"], rows, [24.0, 380.0, 38.0, 40.0])
    assert cols[2] >= kit.width("not estimated", 7.5) + 7 - 1e-6
    assert abs(sum(cols) - 482.0) < 1e-6


def test_running_header_is_shortened_inside_the_margin():
    kit = TextKit()
    tail = " · Reliability Risk Assessment · 2026-12-01"
    out = fitted_header(kit, "A very long system name " * 12 + tail, 480)
    assert out.endswith("…" + tail) and kit.width(out, 7.5) <= 480
    assert fitted_header(kit, "shop" + tail, 480) == "shop" + tail


def test_hostile_review_cover_on_one_page_and_header_within_the_page():
    review = read_review_json(HOSTILE)
    reader = PdfReader(io.BytesIO(render_pdf(review)))
    cover, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert "Verdict" in cover and "Executive summary" in second  # the cover is one page
    assert "executive summary and section 6)" not in cover.split("Assumptions")[-1]  # a correct pointer
    assert "Reliability Risk Assessment · 2026-12-01" in second  # the header's end is on the page


def test_entry_point_stands_leftmost_whatever_calls_it():
    # the OTel demo: a load generator calls the front proxy and the telemetry collector (a hub every
    # service reports to) scrapes it back; before, the cycle through the hub put the proxy in the same
    # column as the services it calls, and their ~20 lines squeezed into one gap
    r = Review()
    for c in ("load-generator", "frontend", "checkout", "cart"):
        r.add(Component(id=c))
    r.add(Component(id="frontend-proxy", user_facing=True))
    r.add(Component(id="otel-collector", tags=["telemetry"]))
    for s, t in [("load-generator", "frontend-proxy"), ("frontend-proxy", "frontend"), ("frontend", "checkout"),
                 ("checkout", "cart"), ("otel-collector", "frontend-proxy")] + [
            (c, "otel-collector") for c in ("frontend-proxy", "frontend", "checkout", "cart", "load-generator")]:
        r.add(Dependency(source=s, target=t))
    hubs = {"otel-collector": "H1"}
    lay = F.figure_layout(r, sorted(r.components), hubs)
    tier = {c: n.tier for c, n in lay.nodes.items()}
    assert tier["frontend-proxy"] == 0 and tier["frontend"] == 1 and tier["checkout"] == 2 and tier["cart"] == 3
    assert min(n.x for n in lay.nodes.values()) == lay.nodes["frontend-proxy"].x
    drawn = {(e.source, e.target) for e in lay.edges}
    assert ("load-generator", "frontend-proxy") in drawn and ("otel-collector", "frontend-proxy") in drawn
    assert not any(t == "otel-collector" for _s, t in drawn)  # badges, not lines
    assert F.hub_badges(r, hubs)["frontend"] == ("H1",)


def test_a_line_within_one_column_takes_the_canvas_route_around_the_boxes_between():
    """Two boxes of one column with boxes between them (a cycle within a tier): the PDF drew its own
    bow, the app's canvas the route of prr_app/routing.route_beside (nested lines kept apart); both
    now draw the same way points."""
    from reportlab.graphics.shapes import Path as RLPath

    from prr_app.routing import box_columns, route_beside

    r = Review()
    for c in ("web", "a", "b", "c", "d", "db"):
        r.add(Component(id=c, user_facing=c == "web"))
    for t in ("a", "b", "c", "d"):
        r.add(Dependency("web", t))
    r.add(Dependency("a", "d"))
    r.add(Dependency("d", "a"))
    r.add(Dependency("b", "c"))
    r.add(Dependency("c", "b"))
    r.add(Dependency("a", "db"))
    lay = compute_layout(r, node_w=F.FIGURE_NODE_W)
    a, d_ = lay.nodes["a"], lay.nodes["d"]
    assert abs(a.x - d_.x) < 1e-6 and abs(a.y - d_.y) > 2 * a.h  # one column, boxes between
    style = F.GraphStyle(spofs=frozenset(), user_facing=frozenset({"web"}), shared_tags={}, hubs={}, badges={})
    scale = F.MIN_SCALE
    drawing = F.graph_drawing(lay, TextKit(), style, scale)
    way = route_beside(box_columns(lay), (a.x, a.y, a.w, a.h), (d_.x, d_.y, d_.w, d_.h))
    assert way is not None
    want = [(round(x * scale, 3), round(drawing.height - y * scale, 3)) for x, y in way]
    paths = [p for p in drawing.contents[0].contents if isinstance(p, RLPath)]
    drawn = [[(round(p.points[i], 3), round(p.points[i + 1], 3)) for i in range(0, len(p.points), 2)] for p in paths]
    assert any(pts[0] == want[0] and pts[-1] == want[-1] and set(want) <= set(pts) for pts in drawn)
