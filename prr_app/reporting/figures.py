"""Vector figures for the assessment: dependency graph, risk heat map, availability.

Everything is drawn with ``reportlab.graphics`` shapes from plain data: the
graph from :func:`prr_app.layout.compute_layout` (the same layout as the
app's canvas). Text is drawn per font run (:class:`~.text.TextKit`), never as
markup, and no label is smaller than :data:`MIN_PT`.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, replace
from typing import NamedTuple

from reportlab import rl_config

# reportlab validates every attribute set on a drawing's shapes against its declared types, a
# development aid (its own setting, off for speed): the figures' shapes are built by our code from
# numbers and strings only, some 140,000 attributes for a large report. Set before the shapes
# module is imported, which decides then whether shapes check their attributes at all. Set once
# for the process: this package is reportlab's only user.
rl_config.shapeChecking = 0

from reportlab.graphics.shapes import Drawing, Group, Line, Path, Polygon, Rect, String, _renderPath  # noqa: E402
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from prr_app.layout import (LABEL_H, NODE_H, PAD, TIER_GAP, EdgeRoute, Layout, compute_layout as _compute_layout,
                            most_shared, routes, shared_by_all)
from prr_app.routing import box_columns, curve_segments, route_beside, route_forward
from prr_app.model.entities import HUB_TAGS
from prr_app.reporting.assessment import no_figures
from prr_app.reporting.text import SANS, SANS_BOLD, TextKit, embedded_font
from prr_app.wording import ceiling_text, domain_kind_noun, stated

MIN_PT = 6.0  # no label in a figure is smaller
NODE_FONT = 9.0  # node label size in layout units (so scale >= MIN_PT / NODE_FONT)
MIN_SCALE = MIN_PT / NODE_FONT
CONDENSED_BOXES = 4  # boxes in a summary figure (four columns stay legible on a page)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RED = colors.HexColor("#c62828")
AMBER = colors.HexColor("#ef8f00")
GREEN = colors.HexColor("#2e7d32")
BLUE = colors.HexColor("#1565c0")
SEVERITY_COLORS = {
    "critical": colors.HexColor("#b71c1c"),
    "high": colors.HexColor("#e65100"),
    "medium": colors.HexColor("#f9a825"),
    "low": colors.HexColor("#9e9e9e"),
}
_REGION_FILLS = [colors.HexColor(c) for c in ("#f4f6f8", "#e8f0f8", "#eef6ee", "#fbf3e6", "#f3eef8")]
_EDGE_STYLE = {  # kind -> (colour, width, dash)
    "hard": (colors.HexColor("#37474f"), 0.9, None),
    "soft": (colors.HexColor("#78909c"), 0.8, [3, 2]),
    "async": (colors.HexColor("#78909c"), 0.8, [1, 2]),
}
#: a hard call an import inferred and no reviewer confirmed: dash-dot (a soft or async one keeps its dashes or
#: dots), with a "?" at its middle, as the app's canvas draws it
GUESS_DASH = [3.5, 1.5, 0.8, 1.5]
GUESS_COLOR = colors.HexColor("#d98200")


class DirectDrawing(Drawing):
    """A drawing that draws its shapes straight onto the page (:func:`draw_shapes`).

    reportlab's renderer saves and restores the whole graphics state around every shape and
    sets each of its properties again; a report has some 15,000 shapes in its figures. The
    picture is the same: each shape is drawn with its own colours, width, dash and font."""

    def draw(self, showBoundary=None):
        draw_shapes(self.canv, self)


class _Pen:
    """The graphics state :func:`draw_shapes` has set on the canvas (None: not set yet)."""
    __slots__ = ("stroke", "width", "dash", "cap", "join", "fill", "falpha", "salpha")

    def __init__(self) -> None:
        self.stroke = self.width = self.dash = self.cap = self.join = self.fill = None
        self.falpha = self.salpha = None

    def copy(self) -> "_Pen":
        new = _Pen()
        for k in _Pen.__slots__:
            setattr(new, k, getattr(self, k))
        return new


_UNSET = object()
_IDENTITY = (1, 0, 0, 1, 0, 0)


def draw_shapes(canv, group: Group) -> None:
    """Draw ``group``'s shapes (Group, Rect, Line, Path, Polygon, String) on ``canv`` as reportlab's
    renderer would, setting only what changes between shapes: a shape's fill and stroke colours,
    line width, cap, join, dash, opacity and font are its own (as reportlab, a fill or stroke colour
    of None draws no fill or outline, and a path is filled only when closed). Consecutive strings
    share one text object."""
    canv.saveState()
    _draw_group(canv, group, _Pen())
    canv.restoreState()


def _set_stroke(canv, pen: _Pen, n) -> None:
    if n.strokeColor != pen.stroke:
        canv.setStrokeColor(n.strokeColor)
        pen.stroke = n.strokeColor
    if n.strokeWidth != pen.width:
        canv.setLineWidth(n.strokeWidth)
        pen.width = n.strokeWidth
    dash = n.strokeDashArray or None
    if dash != pen.dash or pen.dash is None and pen.cap is None:  # the first shape sets it too
        if dash and len(dash) == 2 and isinstance(dash[1], (tuple, list)):
            canv.setDash(dash[1], dash[0])
        elif dash:
            canv.setDash(dash)
        else:
            canv.setDash()
        pen.dash = dash
    cap, join = n.strokeLineCap, n.strokeLineJoin
    if cap != pen.cap:
        canv.setLineCap(cap)
        pen.cap = cap
    if join != pen.join:
        canv.setLineJoin(join)
        pen.join = join
    if n.strokeOpacity is not None and n.strokeOpacity != pen.salpha:
        canv.setStrokeAlpha(n.strokeOpacity)
        pen.salpha = n.strokeOpacity


def _set_fill(canv, pen: _Pen, color, alpha) -> None:
    if color != pen.fill:
        canv.setFillColor(color)
        pen.fill = color
    if alpha is not None and alpha != pen.falpha:
        canv.setFillAlpha(alpha)
        pen.falpha = alpha


def _draw_group(canv, group: Group, pen: _Pen) -> None:
    text = None  # the open text object of consecutive strings
    font = None
    for n in group.contents:
        cls = type(n)
        if cls is String:
            if n.fillColor is None or not n.text:
                continue
            if text is None:
                text, font = canv.beginText(), None
            if n.fillColor != pen.fill:
                text.setFillColor(n.fillColor)
                pen.fill = n.fillColor
            name = embedded_font(n.fontName)
            if (name, n.fontSize) != font:
                text.setFont(name, n.fontSize)
                font = (name, n.fontSize)
            x = n.x
            if n.textAnchor in ("middle", "end"):
                w = stringWidth(n.text, name, n.fontSize)
                x -= w / 2 if n.textAnchor == "middle" else w
            text.setTextOrigin(x, n.y)
            text.textOut(n.text)
            continue
        if text is not None:
            canv.drawText(text)
            text = None
        if cls is Group or cls is DirectDrawing:
            t = tuple(n.transform)
            if t != _IDENTITY:
                canv.saveState()
                canv.transform(*t)
                _draw_group(canv, n, pen.copy())
                canv.restoreState()  # back to the state before the group
            else:
                _draw_group(canv, n, pen)
            continue
        stroke = n.strokeColor is not None
        fill = cls is not Line and n.fillColor is not None
        if stroke:
            _set_stroke(canv, pen, n)
        if cls is Line:
            if stroke:
                canv.line(n.x1, n.y1, n.x2, n.y2)
            continue
        if fill:
            _set_fill(canv, pen, n.fillColor, n.fillOpacity)
        if not (stroke or fill):
            continue
        if cls is Rect:
            if n.rx == n.ry == 0:
                canv.rect(n.x, n.y, n.width, n.height, stroke=int(stroke), fill=int(fill))
            else:
                canv.roundRect(n.x, n.y, n.width, n.height, n.rx, stroke=int(stroke), fill=int(fill))
        elif cls is Polygon:
            path = canv.beginPath()
            pts = n.points
            path.moveTo(pts[0], pts[1])
            for i in range(2, len(pts), 2):
                path.lineTo(pts[i], pts[i + 1])
            path.close()
            canv.drawPath(path, stroke=int(stroke), fill=int(fill))
        elif cls is Path:
            path = canv.beginPath()
            closed = _renderPath(n, (path.moveTo, path.lineTo, path.curveTo, path.close))
            canv.drawPath(path, stroke=int(stroke), fill=int(fill and closed))
        else:
            raise TypeError(f"draw_shapes cannot draw a {cls.__name__}")
    if text is not None:
        canv.drawText(text)


def draw_text(group: Group, kit: TextKit, x: float, y: float, text: str, size: float, *,
              bold: bool = False, color=INK, anchor: str = "start") -> float:
    """Draw ``text`` at baseline ``(x, y)`` with a font per run; return its width."""
    runs = kit.runs(text, bold=bold)
    widths = [kit_width(font, run, size) for font, run in runs]
    total = sum(widths)
    if anchor == "middle":
        x -= total / 2
    elif anchor == "end":
        x -= total
    for (font, run), w in zip(runs, widths):
        group.add(String(x, y, run, fontName=font, fontSize=size, fillColor=color))
        x += w
    return total


def kit_width(font: str, run: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(run, font, size)


def fit_lines(kit: TextKit, text: str, size: float, width: float, max_lines: int | None, *,
              bold: bool = False, space_shrink: float = 0.0) -> list[str]:
    """Wrap ``text`` into lines of ``width`` as a reportlab Paragraph breaks them: greedy at white
    space (with ``space_shrink``, the paragraph style's ``spaceShrinkage``, each space of a line
    may give up that share of its width); a word wider than a line is split between characters,
    its first part filling the line it starts on. With ``max_lines``, at most that many lines,
    the last ending in an ellipsis if the text was cut. Each word is measured once."""

    def measure(s: str) -> float:
        return kit.width(s, size, bold=bold)

    words = text.split()
    if len(words) <= 1 or space_shrink > 0:
        # most texts fit on one line: measured whole (and remembered), the greedy loop's answer
        # (the shrinkable spaces absorb any difference in the last bit of the sum)
        whole = " ".join(words)
        if measure(whole) <= width:
            return [whole]
    space = measure(" ")
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0.0
    for w in words:
        ww = measure(w)
        if not cur and ww <= width:
            cur, cur_w = [w], ww
            continue
        if cur and cur_w + space + ww <= width + space_shrink * space * len(cur):
            cur.append(w)
            cur_w += space + ww
            continue
        if ww <= width:  # to the next line
            lines.append(" ".join(cur))
            cur, cur_w = [w], ww
        else:  # wider than a line: split between characters, the first part on this line
            pieces, piece, used = [], "", (cur_w + space) if cur else 0.0
            for c in w:
                cw = measure(c)
                if used + cw > width and (piece or cw <= width):
                    pieces.append(piece)
                    piece, used = "", 0.0
                piece += c
                used += cw
            if pieces[0]:
                cur.append(pieces[0])
            if cur:
                lines.append(" ".join(cur))
            lines.extend(pieces[1:])
            cur, cur_w = [piece], used
        if max_lines is not None and len(lines) >= max_lines:  # and text left over: cut
            break
    else:
        if cur:
            lines.append(" ".join(cur))
        if max_lines is None or len(lines) <= max_lines:
            return lines or [""]
    lines = lines[:max_lines]
    last = lines[-1]
    while last and measure(last + "…") > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return lines


TAG_STRIP = MIN_PT + 3.0  # height of the badge line (SPOF, shared-domain tags) at a box's bottom


def node_label(kit: TextKit, label: str, size: float, width: float, box_h: float, strip: float,
               *, bold: bool = False) -> tuple[list[str], float, float]:
    """A box's label lines, their font size and the height they are centred in.

    The label keeps clear of the badge strip at the box's bottom: it wraps to as many
    lines as fit above the strip (at most three; a single word two), set smaller (down to :data:`MIN_PT`)
    when they do not; only a name that does not fit even so is cut with "…" (the
    figure's caption then names it in full, :func:`graph_drawing`'s ``cut_labels``).
    A single word too wide for the box is also set smaller before it is broken.
    """
    area = box_h - strip
    fs = size
    # a word wider than the box (a long service name) is set smaller before it is broken
    widest = max(label.split(), key=lambda w: kit.width(w, fs, bold=bold), default="")
    while widest and fs > MIN_PT and kit.width(widest, fs, bold=bold) > width:
        fs = max(MIN_PT, fs - 0.5)

    most = 3 if len(label.split()) > 1 else 2  # a single word broken over three lines reads as none

    def room(fs: float) -> int:  # lines of size fs that fit above the strip
        return max(1, min(most, int((area - 1.0) // (fs * 1.15))))

    lines = fit_lines(kit, label, fs, width, most, bold=bold)
    while len(lines) > room(fs) and fs > MIN_PT:
        fs = max(MIN_PT, fs - 0.5)
        lines = fit_lines(kit, label, fs, width, most, bold=bold)
    if len(lines) > room(fs):
        lines = fit_lines(kit, label, fs, width, room(fs), bold=bold)
    return lines, fs, area


def _ranges(nums: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1-3,5"`` (hub badges: "H1-3,5")."""
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if j == i else f"{nums[i]},{nums[j]}" if j == i + 1 else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(out)


def badge_strip(kit: TextKit, cid: str, style: GraphStyle, shared, hub_tags, room: float) -> list[tuple[str, object]]:
    """The badges at a box's bottom, most important first, as many as fit in ``room`` points:
    SPOF and USER (or ENTRY) always (the marker stays visible on every box), then the logical shared-fate
    domains ``shared``, the hub's own tag and the hubs it depends on ("H1-3,5"); when they do not all
    fit, the last ones give way to a "+"."""
    mark = style.facing_badge(cid)
    must = ([("SPOF", RED)] if cid in style.spofs else []) + ([(mark, BLUE)] if mark else [])
    # a shared domain that is a single point of failure: its tag in red, as a SPOF box is drawn
    extra: list[tuple[str, object]] = [(style.shared_tags[d], RED if d in style.domain_spofs else MUTED)
                                       for d in shared if d in (style.shared_tags or {})]
    if style.hubs and cid in style.hubs:
        extra.append((f"hub {style.hubs[cid]}", MUTED))
    if hub_tags and all(t[:1] == "H" and t[1:].isdigit() for t in hub_tags):
        extra.append(("H" + _ranges(sorted(int(t[1:]) for t in hub_tags)), MUTED))
    elif hub_tags:
        extra.append((",".join(sorted(hub_tags)), MUTED))

    def width(tags) -> float:
        return sum(kit.width(t, MIN_PT, bold=True) + 3 for t, _c in tags) - 3

    if width(must + extra) <= room:
        return must + extra
    for k in range(len(extra) - 1, -1, -1):
        cand = must + extra[:k] + [("+", MUTED)]
        if width(cand) <= room:
            return cand
    return must


def _arrow(g: Group, x: float, y: float, ang: float, col, scale: float) -> None:
    """An arrowhead with its tip at (x, y), pointing along the angle ``ang`` (page coordinates)."""
    ah = max(3.0, 5.0 * scale)
    g.add(Polygon([x, y,
                   x - ah * math.cos(ang - 0.4), y - ah * math.sin(ang - 0.4),
                   x - ah * math.cos(ang + 0.4), y - ah * math.sin(ang + 0.4)],
                  fillColor=col, strokeColor=col, strokeWidth=0.3))


def _guess_mark(g: Group, kit: TextKit, x: float, y: float, confidence: str, size: float) -> None:
    """The "?" on a call no reviewer confirmed: white on amber for a weak guess, amber on white for a strong one."""
    weak = confidence == "weak"
    r = size * 0.62
    # a 16-sided polygon: the shapes the page is drawn with (draw_shapes) have no circle
    pts = [v for k in range(16) for v in (x + r * math.cos(k * math.pi / 8), y + r * math.sin(k * math.pi / 8))]
    g.add(Polygon(pts, fillColor=GUESS_COLOR if weak else colors.white, strokeColor=GUESS_COLOR, strokeWidth=0.7))
    draw_text(g, kit, x, y - size * 0.35, "?", size, bold=True, color=colors.white if weak else GUESS_COLOR,
              anchor="middle")


@dataclass
class GraphStyle:
    spofs: frozenset = frozenset()  # component ids with a component/instance SPOF
    domain_spofs: frozenset = frozenset()  # failure domain ids that are SPOFs
    user_facing: frozenset = frozenset()  # components marked user-facing: badged USER
    shared_tags: dict | None = None  # logical domain id -> short tag
    hubs: dict | None = None  # hub component id (tagged telemetry/config/discovery) -> short tag
    badges: dict | None = None  # component id -> tags of the hubs it depends on (:func:`hub_badges`)
    #: the entry points the analysis guessed from the graph (all of them when no component is marked
    #: user-facing, else those of the parts where none is: a Structurizr import's other system), badged
    #: ENTRY and outlined as the user-facing ones: judged as user-facing, never called so. A set of its
    #: own beside ``user_facing``, not one badge for both: with one, a review that marks some components
    #: and has others guessed badged the guessed ones with nothing (or would have called them USER)
    entry_points: frozenset = frozenset()
    #: the calls an import inferred that no reviewer has confirmed: dependency id -> "weak" or "strong"
    #: (reporting.assessment.Guesses.calls), drawn dash-dot with a "?" and keyed (:func:`legend_drawing`)
    unconfirmed: dict | None = None

    @property
    def unconfirmed_kinds(self) -> tuple[str, ...]:
        """The legend's keys for the guesses: "weak", "strong", those the review has."""
        have = set((self.unconfirmed or {}).values())
        return tuple(c for c in ("weak", "strong") if c in have)

    def facing_badge(self, cid: str) -> str:
        """The badge that says a box faces users: "USER" when it is marked so, "ENTRY" when it is a
        guessed entry point, "" otherwise."""
        return "USER" if cid in self.user_facing else "ENTRY" if cid in self.entry_points else ""

    @property
    def facing_badges(self) -> tuple[str, ...]:
        """The badges the legend keys (:func:`legend_drawing`): USER unless every one is a guessed entry
        point, and ENTRY when some are guessed."""
        return (("USER",) if self.user_facing or not self.entry_points else ()) + (
            ("ENTRY",) if self.entry_points else ())


def graph_scale(layout: Layout, max_w: float, max_h: float) -> float:
    if layout.width <= 0 or layout.height <= 0:
        return 1.0
    return min(1.0, max_w / layout.width, max_h / layout.height)


def graph_drawing(layout: Layout, kit: TextKit, style: GraphStyle, scale: float) -> Drawing:
    """The dependency graph at ``scale`` (points per layout unit; :func:`plan_graph_figures` keeps it
    at :data:`MIN_SCALE` or more, so that every label is legible)."""
    W, H = layout.width * scale, layout.height * scale
    d = DirectDrawing(W, H)
    d.cut_labels = []  # the names cut in their box ("Tracking store…"): a caption names them in full
    g = Group()
    d.add(g)

    def X(x):
        return x * scale

    def Y(y):
        return H - y * scale

    region_labels = []
    for r in layout.regions:
        fill = _REGION_FILLS[r.depth % len(_REGION_FILLS)] if r.kind != "unplaced" else colors.white
        # a band of boxes with no placement that all share one domain stands for it (layout.Region.shared)
        is_spof = r.id in style.domain_spofs or any(x in style.domain_spofs for x in getattr(r, "shared", ()))
        g.add(Rect(X(r.x), Y(r.y + r.h), r.w * scale, r.h * scale, fillColor=fill,
                   strokeColor=RED if is_spof else colors.HexColor("#9aa5b1"),
                   strokeWidth=1.2 if is_spof else 0.6, strokeDashArray=[2, 2] if r.kind == "unplaced" else None))
        size = max(MIN_PT, min(8.0, LABEL_H * 0.55 * scale))
        # the kind in words as the canvas says it: "Amazon RDS (failure domain)", not "(other)", which names
        # no thing (wording.domain_kind_noun; the analysis says "failure domain amazon-rds")
        text = f"{r.label} ({domain_kind_noun(r.kind)})" if r.kind != "unplaced" else r.label
        room = max(r.w * scale - 6, 20)
        if is_spof:  # the mark is kept whole: a long label gives way to it
            mark = "  SPOF"
            line = fit_lines(kit, text, size, max(room - kit.width(mark, size, bold=True), 10), 1)[0] + mark
        else:
            line = fit_lines(kit, text, size, room, 1)[0]
        region_labels.append((X(r.x) + 3, Y(r.y) - size - 1.5, line, size, is_spof, fill))

    hubs = style.hubs or {}
    badges_of: dict[str, set[str]] = {c: set(t) for c, t in (style.badges or {}).items()}
    columns = box_columns(layout)
    guesses = style.unconfirmed or {}
    marks: list[tuple[float, float, str]] = []  # the "?" of each guessed line, drawn over every line
    for e in layout.edges:
        if e.target in hubs and e.source in layout.nodes:  # a badge on the dependent instead of a line
            badges_of.setdefault(e.source, set()).add(hubs[e.target])
            continue
        a, b = layout.nodes[e.source], layout.nodes[e.target]
        col, width, dash = _EDGE_STYLE.get(e.kind, _EDGE_STYLE["hard"])
        guess = guesses.get(e.dependency)
        if guess and e.kind not in ("soft", "async"):
            dash = GUESS_DASH
        if b.x >= a.x + a.w or a.x >= b.x + b.w:
            # between columns: level through the columns in between, S-curves across the
            # gaps; a backward line (a cycle) is routed the same way from its other end
            if b.x >= a.x + a.w:
                way = route_forward(columns, a.x + a.w, a.cy, b.x, b.cy)
            else:
                way = route_forward(columns, b.x + b.w, b.cy, a.x, a.cy)[::-1]
        else:  # one column: out beside it and back when boxes lie between them (None: neighbours)
            way = route_beside(columns, (a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h))
        if way is not None:  # the canvas's routes (prr_app/routing.py), drawn the same way
            path = Path(strokeColor=col, strokeWidth=width, strokeDashArray=dash, fillColor=None)
            path.moveTo(X(way[0][0]), Y(way[0][1]))
            for c1, c2, (qx, qy) in curve_segments(way):  # (X, Y) is affine: map the control points
                if c1 is None:
                    path.lineTo(X(qx), Y(qy))
                else:
                    path.curveTo(X(c1[0]), Y(c1[1]), X(c2[0]), Y(c2[1]), X(qx), Y(qy))
            g.add(path)
            if guess:  # the middle of the way: a symmetric S-curve passes through its ends' midpoint
                k = len(way) // 2
                (mx1, my1), (mx2, my2) = way[k - 1], way[k]
                marks.append((X((mx1 + mx2) / 2), Y((my1 + my2) / 2), guess))
            # the curve arrives level: leftwards when it ends left of where its last level run began
            _arrow(g, X(way[-1][0]), Y(way[-1][1]), math.pi if way[-1][0] < way[-2][0] else 0.0, col, scale)
            continue
        if b.x > a.x + a.w / 2:
            x1, y1, x2, y2 = a.x + a.w, a.cy, b.x, b.cy
        elif b.x + b.w < a.x + a.w / 2:
            x1, y1, x2, y2 = a.x, a.cy, b.x + b.w, b.cy
        else:  # neighbours in one column
            if b.y > a.y:  # neighbours: leave from the bottom, enter at the top
                x1, y1, x2, y2 = a.cx, a.y + a.h, b.cx, b.y
            else:
                x1, y1, x2, y2 = a.cx, a.y, b.cx, b.y + b.h
        px1, py1, px2, py2 = X(x1), Y(y1), X(x2), Y(y2)
        g.add(Line(px1, py1, px2, py2, strokeColor=col, strokeWidth=width, strokeDashArray=dash))
        _arrow(g, px2, py2, math.atan2(py2 - py1, px2 - px1), col, scale)
        if guess:
            marks.append(((px1 + px2) / 2, (py1 + py2) / 2, guess))
    for mx, my, guess in marks:
        _guess_mark(g, kit, mx, my, guess, max(MIN_PT, 7.0 * scale))

    size = NODE_FONT * scale
    for cid in sorted(layout.nodes):
        n = layout.nodes[cid]
        spof = cid in style.spofs
        uf = bool(style.facing_badge(cid))  # marked user-facing or a guessed entry point: one outline
        g.add(Rect(X(n.x), Y(n.y + n.h), n.w * scale, n.h * scale, rx=2, ry=2,
                   fillColor=colors.HexColor("#fdecea") if spof else colors.white,
                   strokeColor=RED if spof else (BLUE if uf else colors.HexColor("#52606d")),
                   strokeWidth=1.6 if spof else (1.2 if uf else 0.7)))
        # what is inside the outline(s): the inner one of a user-facing SPOF, else the outer one
        inset = min(1.8, n.h * scale / 6) if spof and uf else 0.0
        inner = inset + (0.5 if spof and uf else (0.8 if spof else 0.6))
        if spof and uf:  # the user-facing outline inside the SPOF one: both stay visible
            g.add(Rect(X(n.x) + inset, Y(n.y + n.h) + inset, n.w * scale - 2 * inset, n.h * scale - 2 * inset,
                       rx=1.5, ry=1.5, fillColor=None, strokeColor=BLUE, strokeWidth=1.0))
        strip = badge_strip(kit, cid, style, n.shared, badges_of.get(cid, ()), n.w * scale - 2 * inner - 3)
        lines, fs, area = node_label(kit, n.label, size, n.w * scale - 2 * inner - 4, n.h * scale - inner,
                                     TAG_STRIP if strip else 0.0, bold=uf)
        if lines and lines[-1].endswith("…") and " ".join(lines) != n.label:
            d.cut_labels.append(n.label)
        lead = fs * 1.15
        top = Y(n.y) - inner - (area - lead * len(lines)) / 2 - fs * 0.95
        for i, line in enumerate(lines):
            draw_text(g, kit, X(n.cx), top - i * lead, line, fs, bold=uf, anchor="middle")
        # the badges' baseline clears the outline: descenders stay inside, nothing strikes them through
        tx, ty = X(n.x + n.w) - inner - 1.5, Y(n.y + n.h) + inner + MIN_PT * 0.25 + 0.6
        for text, col in reversed(strip):
            tx -= draw_text(g, kit, tx, ty, text, MIN_PT, bold=True, color=col, anchor="end") + 3
    # region labels last, on their band's colour: no line or box strikes them through
    for x, y, line, size, is_spof, fill in region_labels:
        w = kit.width(line, size, bold=is_spof)
        g.add(Rect(x - 1.5, y - size * 0.28, w + 3, size * 1.25, fillColor=fill, strokeColor=None))
        draw_text(g, kit, x, y, line, size, bold=is_spof, color=RED if is_spof else MUTED)
    return d


USER_LEGEND = {"USER": "user-facing (USER)", "ENTRY": "entry point, guessed (ENTRY)"}


def legend_drawing(kit: TextKit, width: float, shared: list[tuple[str, str]],
                   badges: tuple[str, ...] | str = ("USER",), unconfirmed: tuple[str, ...] = ()) -> Drawing:
    """Key to the graph: edge kinds, SPOF mark, logical-domain tags, and one key per badge that says a box
    faces users (``badges``, :attr:`GraphStyle.facing_badges`: USER for the components marked
    user-facing, ENTRY for guessed entry points, both when a review has both); a key that does not fit
    on the first row starts a row of its own. ``unconfirmed``: the kinds of guess the graph marks ("weak",
    "strong"; :attr:`GraphStyle.unconfirmed_kinds`), each keyed in the report's words ("inferred, not confirmed:
    weak") with its line and "?"."""
    if isinstance(badges, str):
        badges = (badges,)
    items = [("hard", "hard dependency"), ("soft", "soft (degrades)"), ("async", "asynchronous")]
    # the tags' keys in two columns when every one fits in half the width, else one a row, wrapped
    # onto a second line when needed (a key cut short with "…" no longer said what the tag means)
    def key_w(tag: str) -> float:
        return kit.width(tag, 7, bold=True) + 4

    two = all(key_w(t) + kit.width(f"= {x}", 7) <= width / 2 - 12 for t, x in shared)
    col_w = width / 2 if two else width
    keys = [fit_lines(kit, f"= {x}", 7, col_w - key_w(t) - 12, None if two else 2) for t, x in shared]
    heights = [max(len(k) for k in keys[i:i + 2]) for i in range(0, len(keys), 2)] if two else [len(k) for k in keys]
    # the first row: edge kinds, the SPOF key, then the badges' keys while they fit (the rest below)
    x = sum(22 + kit.width(text, 7) + 14 for _k, text in items) + 18 + kit.width("single point of failure", 7) + 14
    marks: list[tuple[int, float, str]] = []  # (row, x, key)
    row = 0
    for b in badges:
        text = USER_LEGEND.get(b, b)
        w = 18 + kit.width(text, 7)
        if x + w > width and x > 0:
            row, x = row + 1, 0.0
        marks.append((row, x, text))
        x += w + 14
    guess_keys: list[tuple[int, float, str]] = []  # (row, x, confidence): after the badges, as they fit
    for conf in unconfirmed:
        w = 22 + kit.width(f"inferred, not confirmed: {conf}", 7)
        if x + w > width and x > 0:
            row, x = row + 1, 0.0
        guess_keys.append((row, x, conf))
        x += w + 14
    rows = 1 + row + sum(heights)
    d = DirectDrawing(width, 12 * rows + 4)
    g = Group()
    d.add(g)
    y = d.height - 10
    x = 0.0
    for kind, text in items:
        col, w, dash = _EDGE_STYLE[kind]
        g.add(Line(x, y + 3, x + 18, y + 3, strokeColor=col, strokeWidth=w, strokeDashArray=dash))
        x += 22 + draw_text(g, kit, x + 22, y, text, 7, color=MUTED) + 14
    g.add(Rect(x, y - 1, 14, 9, fillColor=colors.HexColor("#fdecea"), strokeColor=RED, strokeWidth=1.4))
    draw_text(g, kit, x + 18, y, "single point of failure", 7, color=MUTED)
    for r, mx, text in marks:
        g.add(Rect(mx, y - 12 * r - 1, 14, 9, fillColor=colors.white, strokeColor=BLUE, strokeWidth=1.2))
        draw_text(g, kit, mx + 18, y - 12 * r, text, 7, color=MUTED)
    for r, mx, conf in guess_keys:
        col, w, _dash = _EDGE_STYLE["hard"]
        yy = y - 12 * r
        g.add(Line(mx, yy + 3, mx + 18, yy + 3, strokeColor=col, strokeWidth=w, strokeDashArray=GUESS_DASH))
        _guess_mark(g, kit, mx + 9, yy + 3, conf, 7)
        draw_text(g, kit, mx + 22, yy, f"inferred, not confirmed: {conf}", 7, color=MUTED)
    y -= 12 * row
    top = y
    for i, (tag, _text) in enumerate(shared):
        row, col = divmod(i, 2) if two else (i, 0)
        yy = top - 12 * (1 + sum(heights[:row]))
        xx = col * col_w
        w = draw_text(g, kit, xx, yy, tag, 7, bold=True, color=MUTED)
        for k, line in enumerate(keys[i]):
            draw_text(g, kit, xx + w + 4, yy - 12 * k, line, 7, color=MUTED)
    return d


def _journey_title(name: str) -> str:
    return name if name.lower().startswith("journey") else f"Journey {name}"


FIGURE_NODE_W = 100.0  # box width in a figure (layout units): five tiers fit across a page at MIN_SCALE
PART_NODES = 24  # boxes a part of a large graph starts from (fewer if it does not fit legibly)


def hub_components(review) -> list[str]:
    """Components tagged telemetry, config or discovery that something depends on: each is drawn
    as a badge on its dependents instead of a line from every one of them."""
    targets = {d.target for d in review.dependencies.values()}
    return sorted(c for c, comp in review.components.items() if set(comp.tags).intersection(HUB_TAGS) and c in targets)


def hub_badges(review, hubs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Component id -> the tags of the hubs it depends on ("H1", "H3"), from every dependency."""
    out: dict[str, set[str]] = {}
    for d in review.dependencies.values():
        if d.target in hubs and d.source in review.components and d.source != d.target:
            out.setdefault(d.source, set()).add(hubs[d.target])
    return {c: tuple(sorted(t, key=lambda x: (len(x), x))) for c, t in out.items()}


def isolated_components(review) -> list[str]:
    """Components with no dependency in or out: a figure would show boxes and no line (a table lists them)."""
    linked: set[str] = set()
    for d in review.dependencies.values():
        linked.add(d.source)
        if d.target in review.groups:
            linked.update(review.groups[d.target].members)
        else:
            linked.add(d.target)
    return sorted(c for c in review.components if c not in linked)


class GraphFigure(NamedTuple):
    """One graph figure: a layout at ``scale``. A summary's boxes are groups of components (their
    names say how many), ``user_facing`` the groups holding a user-facing component, ``note`` how
    many dependencies run between which groups."""
    title: str
    layout: Layout
    scale: float
    summary: bool = False
    user_facing: frozenset = frozenset()
    note: str = ""
    journey: str = ""  # the journey id of a journey's figure


def _views(review, hubs):
    """The review as drawn (no line to a hub: a badge) and as layered: without the dependencies that
    point back into an entry point (a user-facing component or a journey's entry) from elsewhere, so
    that entry points stand leftmost; those lines are drawn all the same (see :func:`figure_layout`)."""
    drawn = replace(review, dependencies={k: d for k, d in review.dependencies.items() if d.target not in hubs})
    entries = {c for c, comp in review.components.items() if comp.user_facing}
    entries.update(c for j in review.journeys.values() for c in j.entry)
    layered = replace(drawn, dependencies={k: d for k, d in drawn.dependencies.items()
                                           if d.target not in entries or d.source in entries})
    return drawn, layered


def figure_layout(review, ids, hubs=frozenset()) -> Layout:
    """The layout of the components ``ids`` as a figure draws it: tiers left to right from the entry
    points, every dependency between them a line except those to a hub (badges)."""
    drawn, layered = _views(review, hubs)
    return _layout_of(drawn, layered, ids)


def _layout_of(drawn, layered, ids) -> Layout:
    lay = _compute_layout(layered, only=ids, node_w=FIGURE_NODE_W)
    lay.edges = routes(drawn, set(lay.nodes))
    return lay


def summary_figure(review, ids: list[str], layout: Layout, title: str, max_w: float, max_h: float,
                   hubs=frozenset()) -> GraphFigure:
    """``ids`` grouped by their tier in ``layout`` (components in a cycle share a tier) into at most
    :data:`CONDENSED_BOXES` boxes of consecutive tiers ("tiers 1-3: 57 components, e.g. ..."), a
    line between two groups with calls between them, and the count of every dependency in the note.
    For a graph or a journey too large to draw component by component on one page."""
    from prr_app.model.entities import Component, Dependency, Review

    raw = {c: layout.nodes[c].tier for c in ids if c in layout.nodes}
    used = sorted(set(raw.values()))
    fit = int((max_w / MIN_SCALE - 2 * PAD + TIER_GAP) // (FIGURE_NODE_W + TIER_GAP))  # columns legible across
    per = max(1, math.ceil(len(used) / max(1, min(CONDENSED_BOXES, fit))))  # consecutive tiers share a box
    rank = {t: i // per for i, t in enumerate(used)}
    group_of = {c: rank[t] for c, t in raw.items()}
    members: dict[int, list[str]] = {}
    for c, t in sorted(group_of.items(), key=lambda x: (x[1], x[0])):
        members.setdefault(t, []).append(c)
    pairs: dict[tuple[int, int], set[str]] = {}
    for e in layout.edges:
        if e.source in group_of and e.target in group_of and e.target not in hubs:
            pairs.setdefault((group_of[e.source], group_of[e.target]), set()).add(e.dependency)
    out = Review()
    name, label = {}, {}
    for t, cs in members.items():
        first, last = used[t * per] + 1, used[min(len(used), (t + 1) * per) - 1] + 1
        label[t] = f"tier {first}" if first == last else f"tiers {first}-{last}"
        name[t] = f"group-{t + 1}"
        out.add(Component(id=name[t], name=f"{label[t]}: {len(cs)} component{'s' if len(cs) != 1 else ''}"))
    for (a, b), deps in sorted(pairs.items()):
        if a != b:
            out.add(Dependency(source=name[a], target=name[b], description=f"{len(deps)} dependencies"))
    # the domains all of a group's components share (a Compose import's one host): the group shares
    # them too, so that the band says so as the full graph's does (it said "no placement stated")
    for t, cs in members.items():
        common = shared_by_all(review, cs)
        for d in common:
            if d not in out.domains:
                out.add(copy.copy(review.domains[d]))
        out.components[name[t]].shared_domains = list(common)
    lay = _compute_layout(out, node_w=FIGURE_NODE_W)
    summarised = [c for cs in members.values() for c in cs]
    most = most_shared(review, summarised)
    if most is not None:  # the band counts components, not the groups' boxes
        dom = review.domains[most[0]]
        words = f"no zone stated; {dom.name or dom.id} ({domain_kind_noun(dom.kind)}) shared by {most[1]} of {len(summarised)} " \
                "components"
        lay.regions = [dataclasses.replace(r, label=words) if r.kind == "unplaced" and not r.shared else r
                       for r in lay.regions]
    uf = frozenset(name[t] for t, cs in members.items() if any(review.components[c].user_facing for c in cs))
    note = "; ".join(f"{label[a]} → {label[b]}: {len(d)}" if a != b else f"within {label[a]}: {len(d)}"
                     for (a, b), d in sorted(pairs.items()))
    return GraphFigure(title, lay, min(1.0, graph_scale(lay, max_w, max_h)), True, uf, note)


def plan_graph_figures(review, max_w: float, max_h: float, journeys: dict[str, list[str]],
                       hubs=frozenset()) -> list[GraphFigure]:
    """Decide the graph figures.

    Components without any dependency are left out (:func:`isolated_components`: the report lists
    them in a table); a dependency on a hub (``hubs``) is a badge, not a line. One figure when the
    rest is legible on a page. Otherwise a summary by tiers with counts, then per journey (the
    components it reaches) one figure, or when that is larger than a page its summary and parts;
    then parts for the dependencies no journey figure drew. Parts cover lines, not components: every
    dependency is a line in some part, a component is repeated in each part that draws one of its
    dependencies, and every box in a part has a line.
    """
    drawn, layered = _views(review, hubs)
    layouts: dict[tuple, Layout] = {}  # a part is laid out once (tried while splitting, then kept)
    out_of: dict[str, list[str]] = {}  # component -> its dependencies as drawn (a part sees only its own)
    for k, d in drawn.dependencies.items():
        out_of.setdefault(d.source, []).append(k)

    def lay_of(ids) -> Layout:
        key = tuple(sorted(ids))
        if key not in layouts:
            mine = {k: drawn.dependencies[k] for c in key for k in out_of.get(c, ())}
            layouts[key] = _layout_of(replace(drawn, dependencies=mine), replace(layered, dependencies={
                k: d for k, d in mine.items() if k in layered.dependencies}), key)
        return layouts[key]

    alone = set(isolated_components(review))
    linked = [c for c in sorted(review.components) if c not in alone]
    full = lay_of(linked)
    if not full.nodes:
        return []
    s = graph_scale(full, max_w, max_h)
    if s >= MIN_SCALE:
        return [GraphFigure("Dependency graph", full, s)]
    where = {c: (n.tier, n.y, n.x, c) for c, n in full.nodes.items()}
    out = [summary_figure(review, linked, full, f"Dependency graph: summary of its {len(linked)} components "
                          "by tier", max_w, max_h, hubs)]
    done: set[EdgeRoute] = set()
    for jid, ids in journeys.items():
        keep = set(ids) - alone
        lines = [e for e in full.edges if e.source in keep and e.target in keep]
        if not lines:
            continue
        j = review.journeys[jid]
        title = _journey_title(j.name or jid)
        ends = sorted({e.source for e in lines} | {e.target for e in lines})
        whole = lay_of(ends) if could_fit(len(ends), max_w, max_h) else None
        sc = graph_scale(whole, max_w, max_h) if whole is not None else 0.0
        if sc >= MIN_SCALE:
            out.append(GraphFigure(title, whole, sc, journey=jid))
            done.update(lines)
        else:  # its lines are drawn in the parts below (journeys overlap: parts per journey would repeat them)
            # every component it reaches, as section 1.2 counts them: the hubs too (a box counts them, as
            # the whole graph's summary does), not only the ends of its lines (it said 24 where 1.2 said
            # 30 reached: the OTel demo's six telemetry and config hubs, drawn as badges)
            reached = sorted(keep)
            out.append(summary_figure(review, reached, full, f"{title}: summary of the {len(reached)} components "
                                      "it reaches, by tier", max_w, max_h, hubs)._replace(journey=jid))
    rest = [e for e in full.edges if e not in done]
    parts = _cover(rest, lay_of, where, max_w, max_h)
    if len(out) == 1 and len(parts) == 1:
        # every line fits one figure once the hubs' boxes without a line are left out (badges; section
        # 1.4 lists them): that figure alone, not a summary by tier and "part 1 of 1" (the OTel demo's
        # Kubernetes manifest)
        return [GraphFigure("Dependency graph", *parts[0])]
    head = "Dependencies outside the journey figures" if done else "Dependency graph"
    out += [GraphFigure(f"{head} (part {i} of {len(parts)})", lay, sc) for i, (lay, sc) in enumerate(parts, 1)]
    return out


def could_fit(n: int, max_w: float, max_h: float) -> bool:
    """Whether ``n`` boxes could be legible on ``max_w`` x ``max_h`` points: False when their area alone
    is larger than the page's at :data:`MIN_SCALE` (boxes never overlap), so a journey reaching a
    thousand components is not laid out only to find that it does not fit."""
    return n * FIGURE_NODE_W * NODE_H * MIN_SCALE * MIN_SCALE <= max_w * max_h


def _cover(lines: list[EdgeRoute], lay_of, where, max_w: float, max_h: float) -> list[tuple[Layout, float]]:
    """Parts that draw every line of ``lines``: dependencies taken by their source in the order of
    the full layout (tier, then height: neighbours stay together) until a part holds
    :data:`PART_NODES` boxes; a part not legible on a page is halved until it is."""
    by_src: dict[str, list[EdgeRoute]] = {}
    for e in lines:
        by_src.setdefault(e.source, []).append(e)
    chunks: list[list[EdgeRoute]] = []
    cur: list[EdgeRoute] = []
    nodes: set[str] = set()
    for src in sorted(by_src, key=where.__getitem__):
        es = sorted(by_src[src], key=lambda e: where[e.target])
        for i in range(0, len(es), PART_NODES - 1):  # a fan-out larger than a part is cut in pieces
            piece = es[i:i + PART_NODES - 1]
            new = {src} | {e.target for e in piece}
            if cur and len(nodes | new) > PART_NODES:
                chunks.append(cur)
                cur, nodes = [], set()
            cur += piece
            nodes |= new
    if cur:
        chunks.append(cur)
    out: list[tuple[Layout, float]] = []
    while chunks:
        es = chunks.pop(0)
        lay = lay_of({e.source for e in es} | {e.target for e in es})
        s = graph_scale(lay, max_w, max_h)
        if s >= MIN_SCALE or len(es) == 1:
            out.append((lay, s))
        else:
            mid = len(es) // 2
            chunks[:0] = [es[:mid], es[mid:]]
    return out


def unplaced(review, plans: list[GraphFigure]) -> list[str]:
    """Components in no figure of components: those without any dependency, and when the graph is
    drawn in parts, those with no line (a hub drawn only as badges, a component whose only
    dependencies are on hubs): the report lists them in a table, saying why."""
    shown = {c for f in plans if not f.summary for c in f.layout.nodes}
    return sorted(c for c in review.components if c not in shown)


# ---------------------------------------------------------------------------
# charts


def heatmap_drawing(kit: TextKit, counts: dict[tuple[int, int], int], bands, width: float = 260) -> Drawing:
    """Risks by likelihood (columns, left to right) and impact (rows, bottom to top), cells coloured
    by severity band: the same axes as the app's dashboard."""
    cell = (width - 40) / 5
    d = DirectDrawing(width, cell * 5 + 36)
    g = Group()
    d.add(g)
    x0, y0 = 34, 26

    def band(score):
        for name, low in bands:
            if score >= low:
                return name
        return "low"

    for li in range(1, 6):
        for im in range(1, 6):
            sev = band(li * im)
            x, y = x0 + (li - 1) * cell, y0 + (im - 1) * cell
            n = counts.get((li, im), 0)
            g.add(Rect(x, y, cell, cell, fillColor=SEVERITY_COLORS[sev] if n else colors.HexColor("#f5f5f5"),
                       strokeColor=colors.white, strokeWidth=1.5, fillOpacity=1))
            if n:
                draw_text(g, kit, x + cell / 2, y + cell / 2 - 4, str(n), 10, bold=True,
                          color=colors.white if sev != "medium" else INK, anchor="middle")
            else:
                # said as a score ("score 6"): a bare faint "6" in an empty cell read as a count of risks
                draw_text(g, kit, x + cell / 2, y + cell / 2 - 2, f"score {li * im}", 5.5,
                          color=colors.HexColor("#9e9e9e"), anchor="middle")
    for k in range(1, 6):
        draw_text(g, kit, x0 + (k - 0.5) * cell, y0 - 11, str(k), 8, color=MUTED, anchor="middle")  # likelihood
        draw_text(g, kit, x0 - 5, y0 + (k - 0.5) * cell - 3, str(k), 8, color=MUTED, anchor="end")  # impact
    draw_text(g, kit, x0 + 2.5 * cell, 2, "likelihood", 8, color=MUTED, anchor="middle")
    lab = Group()
    draw_text(lab, kit, 0, 0, "impact", 8, color=MUTED, anchor="middle")
    lab.transform = (0, 1, -1, 0, 10, y0 + 2.5 * cell)
    g.add(lab)
    return d


AVAIL_ROW_H = 28  # a bar and the gap below it


def availability_drawings(kit: TextKit, rows: list[dict], label_of, width: float, max_h: float) -> list[Drawing]:
    """:func:`availability_drawing` split into figures no taller than ``max_h``, on one shared axis."""
    rows = [r for r in rows if r.get("estimate") is not None]
    per = max(1, int((max_h - 34) // AVAIL_ROW_H))
    vals = [r["estimate"] for r in rows if not no_figures(r)] + [r["slo"] for r in rows if r.get("slo") is not None]
    lo = min(vals, default=99.0)
    return [availability_drawing(kit, rows[i:i + per], label_of, width, lo=lo) for i in range(0, len(rows), per)]


def availability_drawing(kit: TextKit, rows: list[dict], label_of, width: float, lo: float | None = None) -> Drawing:
    """Composite availability against SLO per journey: a bar per journey, the SLO as a tick. A target
    with no availability figure under it shows "no figures" (its 100 % would mean nothing)."""
    rows = [r for r in rows if r.get("estimate") is not None]
    bar_h, gap = 12, 16
    label_w = min(170.0, width * 0.36)
    d = DirectDrawing(width, len(rows) * (bar_h + gap) + 34)
    g = Group()
    d.add(g)
    if lo is None:
        vals = [r["estimate"] for r in rows if not no_figures(r)] + [r["slo"] for r in rows if r.get("slo") is not None]
        lo = min(vals, default=99.0)
    # axis from a round number of nines below the lowest value to 100 %
    unav = max(100.0 - lo, 1e-4)
    span = 10 ** math.ceil(math.log10(unav * 1.25))
    lo_axis = 100.0 - span
    x0, x1 = label_w + 8, width - 70
    top = d.height - 6

    def X(v):
        return x0 + (x1 - x0) * (v - lo_axis) / (100.0 - lo_axis)

    for i in range(6 if not all(no_figures(r) for r in rows) else 0):  # no axis for figures that are not there
        v = lo_axis + span * i / 5
        g.add(Line(X(v), 18, X(v), top, strokeColor=colors.HexColor("#e0e0e0"), strokeWidth=0.5))
        draw_text(g, kit, X(v), 8, f"{v:.6g} %", 6.5, color=MUTED, anchor="middle")
    for i, r in enumerate(rows):
        y = top - (i + 1) * (bar_h + gap) + gap / 2
        ok = r.get("attainable")
        col = GREEN if ok else (RED if ok is False else MUTED)
        name = fit_lines(kit, label_of(r["target"]), 7.5, label_w, 1)[0]
        draw_text(g, kit, label_w, y + 3, name, 7.5, anchor="end")
        slo = f"SLO {stated(r['slo'])} %" if r.get("slo") is not None else "no SLO"
        if no_figures(r):
            draw_text(g, kit, x0 + 4, y + 3, "no figures: no availability stated for anything it needs", 7,
                      color=MUTED)
            draw_text(g, kit, x1 + 4, y + 6.5, "no figures", 7, bold=True, color=MUTED)
            draw_text(g, kit, x1 + 4, y - 1, slo, 6.5, color=MUTED)
            continue
        g.add(Rect(x0, y, max(X(r["estimate"]) - x0, 0.5), bar_h, fillColor=col, strokeColor=None))
        if r.get("ci") and r.get("method") != "exact":
            g.add(Line(X(r["ci"][0]), y + bar_h / 2, X(r["ci"][1]), y + bar_h / 2, strokeColor=INK, strokeWidth=0.8))
        if r.get("slo") is not None:
            g.add(Line(X(r["slo"]), y - 3, X(r["slo"]), y + bar_h + 3, strokeColor=INK, strokeWidth=1.6))
        draw_text(g, kit, x1 + 4, y + 6.5, f"{ceiling_text(r['estimate'], r.get('slo'))} %", 7, bold=True, color=col)
        draw_text(g, kit, x1 + 4, y - 1, slo, 6.5, color=MUTED)
    return d


__all__ = ["GraphStyle", "GraphFigure", "graph_drawing", "legend_drawing", "plan_graph_figures", "figure_layout",
           "summary_figure", "badge_strip", "hub_components", "hub_badges", "heatmap_drawing", "availability_drawing",
           "availability_drawings", "isolated_components", "unplaced", "MIN_PT", "MIN_SCALE", "FIGURE_NODE_W",
           "SANS", "SANS_BOLD"]
