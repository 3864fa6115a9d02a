"""The canvas's items, one per element of the review: a component's box (:class:`NodeItem`),
a redundancy group's frames (:class:`GroupItem`), a dependency's line (:class:`EdgeItem`) and a
failure domain's region (:class:`RegionItem`).

Items draw the model; they never change it. Where they are and what they look like is set by the
scene (:mod:`prr_app.ui.canvas_scene`); plain geometry lives in :mod:`prr_app.canvas_geometry`.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsSimpleTextItem, QStyle

from prr_app.canvas_geometry import clip_to_box
from prr_app.model.entities import PHYSICAL_DOMAIN_KINDS
from prr_app.routing import curve_segments, route_beside, route_forward
from prr_app.ui import theme
from prr_app.ui.layout_bridge import NODE_H, NODE_W

if TYPE_CHECKING:
    from prr_app.ui.canvas_scene import GraphScene


# ------------------------------------------------------------------ nodes
#: the word on a box's badge for its worst open risk (the colour is never the only sign)
SEVERITY_TAGS = {"critical": "CRIT", "high": "HIGH", "medium": "MED", "low": "LOW"}
#: the word on a box's what-if state
STATE_TAGS = {"failed": "FAILED", "down": "DOWN", "degraded": "DEGRADED", "origin": "IF IT FAILS"}
#: a shared-domain tag that is not a single point of failure: white on slate, legible in both themes
TAG_FILL = "#5f6b7a"
#: the "?" on a call an import inferred and no reviewer has confirmed (reporting.assessment.Guesses):
#: filled amber for a weak guess, white with an amber ring for a strong one (the shape says it too)
GUESS_COLOUR = "#d98200"
#: why a call is a guess, after the report's mark ("inferred, not confirmed: weak"), in every face of the app
GUESS_WHY = {"weak": "only string literals in source code name it",
             "strong": "the import read it from configuration"}


def guess_words(confidence: str) -> str:
    """``inferred, not confirmed: weak (only string literals in source code name it)``: the report's mark
    (reporting.assessment.unconfirmed_words) and why, as the tooltip, the inspector and the legend say it."""
    from prr_app.reporting.assessment import unconfirmed_words

    return f"{unconfirmed_words(confidence)} ({GUESS_WHY.get(confidence, '')})"


def draw_guess_mark(painter: QPainter, at: QPointF, confidence: str, radius: float = 7.5) -> None:
    """The "?" on an unconfirmed call's line: a weak guess white on amber, a strong one amber on white."""
    weak = confidence == "weak"
    painter.save()
    painter.setPen(QPen(QColor(GUESS_COLOUR), 1.4))
    painter.setBrush(QColor(GUESS_COLOUR) if weak else QColor("#ffffff"))
    painter.drawEllipse(at, radius, radius)
    f = QFont(theme.FONT_FAMILY)
    f.setPixelSize(int(radius * 1.6))
    f.setBold(True)
    painter.setFont(f)
    painter.setPen(QColor("#ffffff") if weak else QColor(GUESS_COLOUR))
    painter.drawText(QRectF(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius), Qt.AlignmentFlag.AlignCenter, "?")
    painter.restore()

class NodeItem(QGraphicsItem):
    """A component or a redundancy group."""

    def __init__(self, scene: "GraphScene", node_id: str, is_group: bool = False):
        super().__init__()
        self.gscene = scene
        self.node_id = node_id
        self.is_group = is_group
        self.kind = "group"
        self.title = node_id
        self.subtitle = ""
        self.user_facing = False
        self.spof = False
        self.severity: str | None = None
        # None | "failed" | "down" | "degraded" | "origin" (selected: its blast radius is shown, it is not failed)
        self.state: str | None = None
        self.highlight = False
        self.journey: str | None = None  # None | "entry" | "path": on the journey shown
        #: the component's logical shared-fate domains as tags ``((tag, domain id), ...)``, the
        #: report's "L1" (prr_app.layout.shared_tags); those in ``tags_spof`` are single points of
        #: failure and drawn in the SPOF colour, as the report draws them
        self.tags: tuple = ()
        self.tags_spof: frozenset = frozenset()
        self.edges: list[EdgeItem] = []
        self._src = None  # the model object last drawn (elements are never changed in place)
        #: where the box was when its lines were last drawn (None: not yet); the scene compares it
        #: with where the box is (a sync, a drag) and redraws its lines when they differ
        self.drawn_at = None
        self._path = None  # outline, by kind and size
        self._elided = None  # (title's lines, subtitle) fitted to the box
        self.w, self.h = NODE_W, NODE_H
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
        )
        self.setZValue(2)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:
        return QRectF(-6, -14, self.w + 12, self.h + 20)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRect(QRectF(0, 0, self.w, self.h))
        if self.tags:  # a tag's part out of the box is clicked too (winding: overlaps stay inside)
            p.setFillRule(Qt.FillRule.WindingFill)
            for rect in self.tag_rects():
                p.addRect(rect)
        return p

    def set_data(self, *, kind: str, title: str, subtitle: str, user_facing: bool, tooltip: str) -> None:
        data = (kind, title, subtitle, user_facing, tooltip)
        if data == getattr(self, "_data", None):
            return  # an edit elsewhere: nothing to redraw here
        self._data = data
        self._path = self._elided = None
        self.kind, self.title, self.subtitle, self.user_facing = kind, title, subtitle, user_facing
        self.setToolTip(tooltip)
        self.update()

    def _outline(self) -> QPainterPath:
        r = QRectF(0, 0, self.w, self.h)
        p = QPainterPath()
        k = self.kind
        if k in ("datastore", "cache"):  # a cylinder
            e = 10.0
            p.moveTo(r.left(), r.top() + e / 2)
            p.arcTo(QRectF(r.left(), r.top(), r.width(), e), 180, -180)
            p.lineTo(r.right(), r.bottom() - e / 2)
            p.arcTo(QRectF(r.left(), r.bottom() - e, r.width(), e), 0, -180)
            p.closeSubpath()
        elif k in ("gateway", "load_balancer", "dns", "cdn"):  # a hexagon
            s = 14.0
            p.addPolygon(QPolygonF([
                QPointF(r.left() + s, r.top()), QPointF(r.right() - s, r.top()), QPointF(r.right(), r.center().y()),
                QPointF(r.right() - s, r.bottom()), QPointF(r.left() + s, r.bottom()), QPointF(r.left(), r.center().y()),
            ]))
            p.closeSubpath()
        elif k == "queue":
            p.addRoundedRect(r, 4, 4)
        else:
            p.addRoundedRect(r, 10, 10)
        return p

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.gscene.sketch:  # zooming a large graph: the overview item draws the blocks
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        fill = QColor(theme.NODE_FILL)
        if self.state == "failed":
            fill = QColor(theme.FAILED)
        elif self.state == "down":
            fill = QColor(theme.DOWN_FILL)
        elif self.state == "degraded":
            fill = QColor(theme.DEGRADED_FILL)
        elif self.is_group:
            fill = QColor(theme.GROUP_FILL)
        border = QColor(theme.KIND_COLOURS.get(self.kind, theme.KIND_COLOURS["other"]))
        if self.severity in theme.SEVERITY_COLOURS and self.state in (None, "origin"):
            border = QColor(theme.SEVERITY_COLOURS[self.severity])
        if lod < 0.4:  # far away: a coloured block is all the eye can use, and it keeps big graphs fluid
            painter.setPen(QPen(QColor(theme.SELECTION) if selected else border, 0))
            painter.setBrush(QColor(theme.SEVERITY_COLOURS["critical"]) if self.spof and self.state is None else fill)
            painter.drawRect(QRectF(0, 0, self.w, self.h))
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.journey:  # a halo: on the journey's path (entry components: a thicker one)
            halo = QColor(theme.JOURNEY)
            halo.setAlpha(150)
            painter.setPen(QPen(halo, 9 if self.journey == "entry" else 6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(-3, -3, self.w + 6, self.h + 6), 12, 12)
        if selected:  # unmistakable: a wide halo in the selection colour around the box
            halo = QColor(theme.SELECTION)
            halo.setAlpha(90)
            painter.setPen(QPen(halo, 8))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(-4, -4, self.w + 8, self.h + 8), 13, 13)
        pen = QPen(border, 3.0 if not selected else 4.5)
        if self.kind == "external_api" or self.is_group:
            pen.setStyle(Qt.PenStyle.DashLine)
        if selected:
            pen.setColor(QColor(theme.SELECTION))
        if self._path is None:
            self._path = self._outline()
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._path)
        if self.kind == "queue":  # stacked lines for a queue
            painter.setPen(QPen(border, 2))
            for dx in (self.w - 14, self.w - 8):
                painter.drawLine(QPointF(dx, 6), QPointF(dx, self.h - 6))
        if self.highlight:
            painter.setPen(QPen(QColor(theme.SELECTION), 3, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(-5, -5, self.w + 10, self.h + 10), 12, 12)
        text = QColor("#ffffff") if self.state == "failed" else QColor(theme.TEXT)
        painter.setPen(text)
        f_title, f_sub, f_badge, h_title, h_sub = _node_fonts()
        if self._elided is None:  # fonts and texts change rarely; fit them once, not every frame
            self._elided = (title_lines(self.title, self.w - 16),
                            QFontMetricsF(f_sub).elidedText(self.subtitle, Qt.TextElideMode.ElideRight, self.w - 22))
        titles, sub = self._elided
        painter.setFont(f_title)
        if len(titles) == 1:
            painter.drawText(QRectF(8, 4, self.w - 16, h_title), Qt.AlignmentFlag.AlignHCenter, titles[0])
            sub_top = 5 + h_title
        else:  # a long name on two lines, a little closer together, the subtitle under them
            step = h_title - 2
            for i, line in enumerate(titles):
                painter.drawText(QRectF(8, 2 + i * step, self.w - 16, h_title), Qt.AlignmentFlag.AlignHCenter, line)
            sub_top = 2 + 2 * step
        painter.setFont(f_sub)
        painter.drawText(QRectF(14, sub_top, self.w - 22, h_sub * 2), Qt.AlignmentFlag.AlignHCenter, sub)
        if self.user_facing:
            painter.setBrush(QColor(theme.SELECTION))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(5, self.h / 2 - 4.5, 9, 9))
        if self.state in STATE_TAGS:  # what-if: the state in words too, on the bottom-left corner
            tag = STATE_TAGS[self.state]
            badge = self.state_badge(tag, f_badge)
            painter.setBrush(QColor(theme.FAILED if self.state == "failed" else theme.DOWN if self.state == "down"
                                    else theme.SELECTION if self.state == "origin" else theme.DEGRADED))
            painter.setPen(QPen(QColor("#ffffff"), 1.2))
            painter.drawRoundedRect(badge, 7, 7)
            painter.setFont(f_badge)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, tag)
        if self.tags and not self.is_group:  # shared-fate domains, on the bottom-right corner
            painter.setFont(f_badge)
            for (text, did), rect in zip(self.tags, self.tag_rects()):
                red = did in self.tags_spof
                painter.setBrush(QColor(theme.SEVERITY_COLOURS["critical"] if red else TAG_FILL))
                painter.setPen(QPen(QColor("#ffffff"), 1.2))
                painter.drawRoundedRect(rect, 6, 6)
                painter.setPen(QColor("#ffffff"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if self.severity in SEVERITY_TAGS and self.state is None and not self.spof:
            # the worst open risk, in words as well as in the border's colour
            badge = QRectF(self.w - 40, -12, 44, 18)
            painter.setBrush(QColor(theme.SEVERITY_COLOURS[self.severity]))
            painter.setPen(QPen(QColor("#ffffff"), 1.2))
            painter.drawRoundedRect(badge, 8, 8)
            painter.setFont(f_badge)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, SEVERITY_TAGS[self.severity])
        if self.spof:  # badge on the top-right corner
            badge = QRectF(self.w - 46, -12, 50, 20)
            painter.setBrush(QColor(theme.SEVERITY_COLOURS["critical"]))
            painter.setPen(QPen(QColor("#ffffff"), 1.5))
            painter.drawRoundedRect(badge, 9, 9)
            painter.setFont(f_badge)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "SPOF")

    def tag_rects(self) -> list[QRectF]:
        """Where the shared-domain tags are drawn (item coordinates): a row ending at the box's
        bottom-right corner, inside :meth:`boundingRect`; a click on one names its domain
        (:meth:`tag_at`)."""
        fm = QFontMetricsF(_node_fonts()[2])
        widths = [fm.horizontalAdvance(text) + 10 for text, _d in self.tags]
        x = self.w + 4 - sum(widths) - 2 * (len(widths) - 1)  # read left to right, in the component's order
        out = []
        for w in widths:
            out.append(QRectF(x, self.h - 7, w, 12.5))
            x += w + 2
        return out

    def tag_at(self, p: QPointF) -> str | None:
        """The shared domain whose tag is at ``p`` (item coordinates), or None."""
        for (_text, did), rect in zip(self.tags, self.tag_rects()):
            if rect.contains(p):
                return did
        return None

    def state_badge(self, tag: str, font: QFont) -> QRectF:
        """Where the what-if badge with ``tag`` in ``font`` is drawn: as wide as its bold word plus a
        margin each side (measured, never guessed from the number of letters), on the box's
        bottom-left corner and inside :meth:`boundingRect` (what is drawn outside it is not
        repainted and leaves traces or is cut)."""
        fm = QFontMetricsF(font)
        pen = 1.2  # the badge's white outline, half of it outside the rectangle
        out = self.boundingRect().adjusted(pen, pen, -pen, -pen)
        h = min(fm.height() + 2, 20.0)
        w = min(fm.horizontalAdvance(tag) + 12, out.width())
        return QRectF(out.left() + 1, min(self.h - 9, out.bottom() - h), w, h)

    # no itemChange override: Qt would call into Python for every change of every box (flags, z
    # value, scene, position, tooltip: ~12 calls a box while a large review is built, and 4,000 when
    # the zoom crosses the far-out threshold); the scene follows moves itself (GraphScene._place,
    # GraphScene.mouseMoveEvent)

    def anchor(self) -> QPointF:
        return self.pos() + QPointF(self.w / 2, self.h / 2)


_FONTS = None


def _node_fonts():
    """Fonts of a box's title, subtitle and badge, and the line heights: made once."""
    global _FONTS
    if _FONTS is None:
        t = QFont(theme.FONT_FAMILY)
        t.setPointSizeF(theme.NODE_FONT_PT)
        t.setBold(True)
        sub = QFont(theme.FONT_FAMILY)
        sub.setPointSizeF(theme.NODE_FONT_PT - 1.5)
        b = QFont(theme.FONT_FAMILY)
        b.setPointSizeF(theme.NODE_FONT_PT - 2)
        b.setBold(True)
        _FONTS = (t, sub, b, QFontMetricsF(t).height(), QFontMetricsF(sub).height())
    return _FONTS


def title_lines(title: str, width: float) -> list[str]:
    """A box's title on one line, or two when it does not fit (see :func:`prr_app.canvas_geometry.name_lines`)."""
    from prr_app.canvas_geometry import name_lines

    fm = QFontMetricsF(_node_fonts()[0])
    return name_lines(title, fm.horizontalAdvance, width,
                      lambda s, w: fm.elidedText(s, Qt.TextElideMode.ElideRight, w))


class GroupItem(NodeItem):
    """A redundancy group: a dashed frame around its members, labelled with k of n."""

    def __init__(self, scene: "GraphScene", node_id: str):
        super().__init__(scene, node_id, is_group=True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.setZValue(0.5)

    def fit(self, rects) -> None:
        """Frames around ``rects`` (scene coordinates; one frame per cluster of members), the
        label under the first."""
        pad = 6.0
        frames = [r.adjusted(-pad, -pad, pad, pad + 18) for r in rects]
        box = frames[0]
        for f in frames[1:]:
            box = box.united(f)
        self.prepareGeometryChange()
        self.w, self.h = box.width(), box.height()
        self.frames = [f.translated(-box.left(), -box.top()) for f in frames]
        self._path = self._elided = None
        self.setPos(box.left(), box.top())
        for e in self.edges:
            e.adjust()

    frames: list = []

    def anchor(self) -> QPointF:  # lines to a group meet its first frame, not the space between frames
        return self.pos() + (self.frames[0].center() if self.frames else QPointF(self.w / 2, self.h / 2))

    def _label_rect(self) -> QRectF:
        f = self.frames[0] if self.frames else QRectF(0, 0, self.w, self.h)
        return QRectF(f.left(), f.bottom() - 18, f.width(), 18)

    def shape(self) -> QPainterPath:  # only the label strips pick the group
        p = QPainterPath()
        for f in self.frames or [QRectF(0, 0, self.w, self.h)]:
            p.addRect(QRectF(f.left(), f.bottom() - 18, f.width(), 18))
        return p

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pen = QPen(QColor(theme.SELECTION if selected else theme.GROUP_EDGE), 3.5 if selected else 2.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        fill = QColor(theme.GROUP_FILL)
        fill.setAlpha(150)
        if self.state in ("down", "degraded"):
            fill = QColor(theme.DOWN_FILL if self.state == "down" else theme.DEGRADED_FILL)
        painter.setBrush(fill)
        frames = self.frames or [QRectF(0, 0, self.w, self.h)]
        for f in frames:
            painter.drawRoundedRect(f, 12, 12)
        f = QFont(theme.FONT_FAMILY)
        f.setPointSizeF(theme.NODE_FONT_PT - 1)
        f.setBold(True)
        painter.setFont(f)
        painter.setPen(QColor(theme.TEXT))
        fm = QFontMetricsF(f)
        part = f" (part {{}} of {len(frames)})" if len(frames) > 1 else ""
        for k, fr in enumerate(frames):
            label = f"{self.title} · {self.subtitle}" + (part.format(k + 1) if part else "")
            text = fm.elidedText(label, Qt.TextElideMode.ElideRight, fr.width() - 12)
            painter.drawText(QRectF(fr.left() + 8, fr.bottom() - 19, fr.width() - 12, 18),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


class EdgeItem(QGraphicsPathItem):
    """A dependency (or a group's membership, drawn dotted) from source to target."""

    def __init__(self, source: NodeItem, target: NodeItem, kind: str, dep_id: str | None):
        super().__init__()
        self.source, self.target, self.kind, self.dep_id = source, target, kind, dep_id
        self.state: str | None = None
        self.journey = False  # on the path of the journey shown
        self.far = False
        self.fallback = False
        #: "weak" or "strong": an import inferred the call and no reviewer has confirmed it (drawn
        #: dash-dot when hard, with a "?" at its middle); None: a fact
        self.guess: str | None = None
        self._mid: QPointF | None = None  # the middle of the line as drawn (the "?" sits there)
        self._src = None  # the dependency last drawn
        #: end points as drawn (x1, y1, x2, y2); None until the scene first draws the line
        self.ends = None
        #: the line is not drawn where its boxes are: the scene's next sync draws it (once)
        self._stale = True
        self._shape = None
        self._layer_pen = False  # its pen is the edge layer's placeholder (see _restyle)
        self.setZValue(1)
        if dep_id is not None:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        source.edges.append(self)
        target.edges.append(self)
        self._restyle()

    def tip(self) -> str:
        """The tooltip, made when the mouse rests on the line (see ``GraphScene.helpEvent``): a
        large graph has thousands of lines, and most are never pointed at."""
        d = self._src
        if d is None:
            return f"{self.source.node_id} → {self.target.node_id} ({self.kind})"
        tip = f"{d.source} → {d.target} ({d.kind}{', fallback: ' + d.fallback if d.fallback else ''})"
        if self.guess:
            tip += f"\n{guess_words(self.guess)}: accept or reject it in the inspector"
        return tip

    def set_guess(self, confidence: str | None) -> None:
        """Mark the line as a call an import guessed and no reviewer confirmed (``"weak"``/``"strong"``), or not."""
        if confidence == self.guess:
            return
        self.guess = confidence
        self._restyle()
        if self.ends is not None:  # drawn already: the "?" comes or goes with the path
            self.adjust()
        if self.toolTip():
            self.setToolTip(self.tip())
        self._layer_changed()

    def set_kind(self, kind: str, fallback: bool = False) -> None:
        if self.fallback == fallback and self.kind == kind:
            return
        self.kind = kind
        self.fallback = fallback
        self._restyle()
        if self.ends is not None:  # drawn already: the arrowhead or the fallback mark changes
            self.adjust()
        self._layer_changed()

    def _restyle(self) -> None:
        sc = self.scene()
        if sc is not None and getattr(sc, "edge_layer_on", False) and self.kind != "member":
            # drawn by the edge layer (the item has no contents): a pen 0 wide, so that Qt takes the
            # bounding rect from the path's points instead of asking for shape() (8,000 calls into
            # Python after a re-layout), and no pen made per colour change (a what-if recolours thousands)
            if not self._layer_pen:
                self._layer_pen = True
                self.setPen(_LAYER_PEN)
            return
        self._layer_pen = False
        colour = QColor(theme.EDGE_COLOURS.get(self.kind, theme.TEXT))
        if self.state == "down":
            colour = QColor(theme.DOWN)
        elif self.state == "degraded":
            colour = QColor(theme.DEGRADED)
        elif self.journey:
            colour = QColor(theme.JOURNEY)
        pen = QPen(colour, (2.4 if self.kind == "hard" else 2.0) + (1.6 if self.journey else 0))
        if self.kind == "hard" and self.guess:
            # dash-dot: neither a hard call's solid line nor a soft call's dashes (a soft or async guess keeps
            # its own dashes or dots; the "?" says it is a guess)
            pen.setDashPattern([5.0, 2.0, 1.0, 2.0])
        elif self.kind == "soft":
            pen.setStyle(Qt.PenStyle.DashLine)
        elif self.kind == "async":
            pen.setStyle(Qt.PenStyle.DotLine)
            pen.setWidthF(2.6)
        elif self.kind == "member":
            pen = QPen(QColor(theme.GROUP_EDGE), 1.6, Qt.PenStyle.DotLine)
        if self.far:  # zoomed far out: thin solid cosmetic lines keep big graphs fluid
            pen.setWidth(0)
            pen.setStyle(Qt.PenStyle.SolidLine)
        self.setPen(pen)

    def set_state(self, state: str | None) -> None:
        if state != self.state:
            self.state = state
            self._restyle()
            self._layer_restyled()

    def set_journey(self, on: bool) -> None:
        if on != self.journey:
            self.journey = on
            self._restyle()
            self._layer_restyled()

    def set_far(self, far: bool) -> None:
        if far != self.far:
            self.far = far
            self._restyle()

    def detach(self) -> None:
        for n in (self.source, self.target):
            if self in n.edges:
                n.edges.remove(self)

    def _way(self):
        """Way points around the boxes in between (prr_app/routing.py), or None for a straight line.

        Lines between columns of boxes are routed as in the PDF, and so are lines within one
        column with boxes between them (out beside the column and back); a large graph's lines
        are drawn straight by the edge layer, and a group's membership lines stay straight."""
        sc = self.scene()
        if self.kind == "member" or sc is None or sc.edge_layer_on:
            return None
        s, t = self.source, self.target
        sx, sy, tx, ty = s.pos().x(), s.pos().y(), t.pos().x(), t.pos().y()
        if tx >= sx + s.w:
            return route_forward(sc.route_columns(), sx + s.w, sy + s.h / 2, tx, ty + t.h / 2)
        if sx >= tx + t.w:
            return route_forward(sc.route_columns(), tx + t.w, ty + t.h / 2, sx, sy + s.h / 2)[::-1]
        return route_beside(sc.route_columns(), (sx, sy, s.w, s.h), (tx, ty, t.w, t.h))

    def adjust(self) -> None:
        s, t = self.source, self.target
        sc = self.scene()
        #: drawn before it was in a scene (straight): the scene routes it once it is added
        self._stale = sc is None
        if sc is not None and sc.edge_layer_on and self.kind != "member":
            for _ in move_lines([self]):
                pass
            if not sc._lines_quiet:
                sc.edge_layer.mark()
            return
        way = self._way()
        if way is not None:
            # level through the columns in between, S-curves across the gaps
            p1, p2 = QPointF(*way[0]), QPointF(*way[-1])
            path = QPainterPath(p1)
            for c1, c2, (qx, qy) in curve_segments(way):
                if c1 is None:
                    path.lineTo(qx, qy)
                else:
                    path.cubicTo(*c1, *c2, qx, qy)
            # the curve arrives level: the arrow points along x, the way the last run goes
            toward = QPointF(p2.x() - (1.0 if p2.x() >= way[-2][0] else -1.0), p2.y())
        else:
            sp, tp = s.pos(), t.pos()
            ax, ay = sp.x() + s.w / 2, sp.y() + s.h / 2
            bx, by = tp.x() + t.w / 2, tp.y() + t.h / 2
            # clip at the node rectangles
            p1 = _clip_xy(ax, ay, bx - ax, by - ay, s)
            p2 = _clip_xy(bx, by, ax - bx, ay - by, t)
            path = QPainterPath(p1)
            path.lineTo(p2)
            toward = p1
        # the "?" in the gap the line leaves its caller's box by (its middle can run along another box's edge)
        self._mid = path.pointAtPercent(path.percentAtLength(min(30.0, path.length() / 2))) if self.guess else None
        if self.kind != "member" and QLineF(p1, p2).length() > 1:
            ang = math.atan2(toward.y() - p2.y(), toward.x() - p2.x())
            size = 12.0
            left = p2 + QPointF(math.cos(ang + 0.45) * size, math.sin(ang + 0.45) * size)
            right = p2 + QPointF(math.cos(ang - 0.45) * size, math.sin(ang - 0.45) * size)
            path.moveTo(left)
            path.lineTo(p2)
            path.lineTo(right)
            if self.kind == "hard":
                path.lineTo(left)
        if self.fallback:  # a small circle near the source: there is a fallback
            mid = p1 + (p2 - p1) * 0.15 if way is None else QPointF(p1.x() + (12 if way[1][0] >= p1.x() else -12), p1.y())
            path.addEllipse(mid, 4, 4)
        if self._mid is not None:  # the "?" (painted over it): in the line's bounds and its shape
            path.addEllipse(self._mid, 7.5, 7.5)
        self.ends = (p1.x(), p1.y(), p2.x(), p2.y())
        self._shape = None
        self.setPath(path)
        self._layer_changed()

    def _layer_changed(self) -> None:
        sc = self.scene()
        if sc is not None and getattr(sc, "edge_layer_on", False) and not getattr(sc, "_lines_quiet", False):
            sc.edge_layer.mark()

    def _layer_restyled(self) -> None:
        """Only the line's colour changed: the edge layer moves it alone to its new pen's group."""
        sc = self.scene()
        if sc is not None and getattr(sc, "edge_layer_on", False) and not getattr(sc, "_lines_quiet", False):
            sc.edge_layer.restyled(self)

    def shape(self) -> QPainterPath:
        # cached: after every scroll the view looks up the item under the mouse, and the
        # bounding boxes of long lines hold that point for hundreds of edges
        if self._shape is None:
            sc = self.scene()
            if self.ends is not None and sc is not None and sc.edge_layer_on:
                # a large graph's lines are straight (the edge layer draws them): a band 10 wide
                # along the line, in plain arithmetic; the stroker costs ~0.3 ms a line, and after a
                # scroll Qt asks for the shapes of all the long lines whose boxes hold the mouse
                x1, y1, x2, y2 = self.ends
                dx, dy = x2 - x1, y2 - y1
                k = 5.0 / max(math.hypot(dx, dy), 1e-9)
                nx, ny = -dy * k, dx * k
                band = QPainterPath()
                band.addPolygon(QPolygonF([QPointF(x1 + nx, y1 + ny), QPointF(x2 + nx, y2 + ny),
                                           QPointF(x2 - nx, y2 - ny), QPointF(x1 - nx, y1 - ny)]))
                band.closeSubpath()
                self._shape = band
            else:
                from PySide6.QtGui import QPainterPathStroker

                s = QPainterPathStroker()
                s.setWidth(10)
                self._shape = s.createStroke(self.path())
        return self._shape

    # no itemChange override: Qt would call into Python ~10 times per line while a scene of
    # thousands is built; the scene redraws the edge layer when the selection changes

    def paint(self, painter: QPainter, option, widget=None) -> None:
        """A selected dependency: a wide halo in the selection colour under the line itself,
        not Qt's thin dashed rectangle around its bounding box."""
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        option.state &= ~QStyle.StateFlag.State_Selected
        if selected:
            halo = QColor(theme.SELECTION)
            halo.setAlpha(110)
            pen = QPen(halo, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.path())
        super().paint(painter, option, widget)
        if self.guess and self._mid is not None:
            draw_guess_mark(painter, self._mid, self.guess)


def move_lines(lines):
    """Lines the edge layer draws, moved to where their boxes are now, all at once; yields after each.

    On a large graph the edge layer draws a line, its head and its fallback mark from its ``ends``
    (each end where the line from one box's centre to the other's leaves the box,
    :func:`prr_app.canvas_geometry.clip_to_box`); the item itself (no contents) keeps only the
    segment, for its place in the scene's index. A re-layout moves thousands: the ends are clipped
    in numpy (the same arithmetic as ``clip_to_box``, so the same floats), each box read once."""
    import numpy as np

    if not lines:
        return
    boxes: dict = {}

    def box(n):
        v = boxes.get(n)
        if v is None:
            p = n.pos()
            v = boxes[n] = (p.x() + n.w / 2, p.y() + n.h / 2, n.w, n.h)
        return v

    ax, ay, sw, sh, bx, by, tw, th = np.array([box(e.source) + box(e.target) for e in lines], dtype=float).T
    dx, dy = bx - ax, by - ay
    adx, ady = np.abs(dx), np.abs(dy)
    with np.errstate(divide="ignore"):
        ts = np.minimum(np.minimum(np.where(dx != 0, (sw / 2) / adx, np.inf), np.where(dy != 0, (sh / 2) / ady, np.inf)), 1.0)
        tt = np.minimum(np.minimum(np.where(dx != 0, (tw / 2) / adx, np.inf), np.where(dy != 0, (th / 2) / ady, np.inf)), 1.0)
    ends = np.column_stack([ax + dx * ts, ay + dy * ts, bx + (-dx) * tt, by + (-dy) * tt]).tolist()
    for e, (x1, y1, x2, y2) in zip(lines, ends):
        path = QPainterPath()
        path.moveTo(x1, y1)
        path.lineTo(x2, y2)
        e.ends = (x1, y1, x2, y2)
        e._stale = False
        e._shape = None
        e.setPath(path)
        yield


_LAYER_PEN = QPen(Qt.PenStyle.SolidLine)
_LAYER_PEN.setWidthF(0)


def _clip_xy(cx: float, cy: float, dx: float, dy: float, node: "NodeItem") -> QPointF:
    """Where the line from the node's centre (cx, cy) by (dx, dy) leaves the node's box."""
    return QPointF(*clip_to_box(cx, cy, dx, dy, node.w, node.h))


class RegionItem(QGraphicsRectItem):
    """A failure domain drawn as a labelled region behind the nodes it holds."""

    def __init__(self, domain_id: str):
        super().__init__()
        self.domain_id = domain_id
        self.setZValue(-10)
        self.label = QGraphicsSimpleTextItem(self)
        f = QFont(theme.FONT_FAMILY)
        f.setPointSizeF(theme.NODE_FONT_PT)
        f.setBold(True)
        self.label.setFont(f)
        self.state: str | None = None
        #: what its label says while failed: FAILED (fail-this mode) or IF IT FAILS (a selection's what-if)
        self.state_word = STATE_TAGS["failed"]
        #: the band stands for shared domains (every box in it shares them): their ids, drawn in
        #: its label; ``spof``: one of them is a single point of failure (red outline, "SPOF")
        self.shared: tuple = ()
        self.spof = False
        self.text = ""
        # click the label strip to select the domain (and see its blast radius); the rest of the
        # region lets clicks through, so rubber-band selection still starts anywhere inside it
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setToolTip(f"Failure domain {domain_id}: click its label to see what fails with it")

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRect(self.label_rect())
        return p

    def paint(self, painter: QPainter, option, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        option.state &= ~QStyle.StateFlag.State_Selected  # no dashed focus frame: a thick outline instead
        super().paint(painter, option, widget)
        if selected:
            painter.setPen(QPen(QColor(theme.SELECTION), 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect())

    def label_rect(self) -> QRectF:
        """The label strip a click selects (or fails, in fail-this mode), in item coordinates."""
        r = self.rect()
        return QRectF(r.left(), r.top(), r.width(), 26)

    def set_data(self, rect: QRectF, text: str, kind: str, depth: int) -> None:
        self.setRect(rect)
        self.text = text
        self.label.setPos(rect.left() + 8, rect.top() + 3)
        self.kind, self.depth = kind, depth
        self.restyle()

    def set_spof(self, spof: bool) -> None:
        if spof != self.spof:
            self.spof = spof
            self.restyle()

    def restyle(self) -> None:
        kind, depth = self.kind, self.depth
        colour = QColor(theme.DOMAIN_COLOURS.get(kind, theme.DOMAIN_COLOURS["other"]))
        fill = QColor(colour)
        fill.setAlpha(22 + 12 * depth)
        if self.state == "failed":
            fill = QColor(theme.FAILED)
            fill.setAlpha(70)
        self.setBrush(fill)
        pen = QPen(colour, 2.0)
        if kind not in PHYSICAL_DOMAIN_KINDS:
            pen.setStyle(Qt.PenStyle.DashLine)
        label = colour.lighter(130) if theme.DARK else colour.darker(150)
        if self.spof:  # as the report draws a domain that is a single point of failure
            pen = QPen(QColor(theme.SEVERITY_COLOURS["critical"]), 3.0)
            label = QColor(theme.SEVERITY_COLOURS["critical"])
        self.setPen(pen)
        # a failed domain says so in words, as a failed box's FAILED tag does (the tint alone did not)
        self.label.setText((f"{self.state_word}  " if self.state == "failed" else "") + self.text
                           + ("  SPOF" if self.spof else ""))
        self.label.setBrush(label)


