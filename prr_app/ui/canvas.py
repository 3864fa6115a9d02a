"""The dependency graph on a QGraphicsScene.

Scene items draw the model; they never change it. A drag becomes one move
command when the mouse is released; a shift-drag from one node to another
asks for a new dependency. The scene keeps its items in step with the review
by id (create what is new, update what changed, drop what is gone) so that an
edit on a large review does not redraw everything.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene,
    QGraphicsSimpleTextItem, QGraphicsView, QStyle, QWidget,
)

from prr_app.model.entities import PHYSICAL_DOMAIN_KINDS, Review
from prr_app.layout import LayoutCache
from prr_app.routing import columns_of, curve_segments, route_forward
from prr_app.ui import theme
from prr_app.ui.layout_bridge import NODE_H, NODE_W, scene_layout


#: above this many dependencies, lines are drawn without antialiasing
EDGES_SMOOTH_MAX = 600
#: long side of the edge layer's sketch picture (pixels)
SKETCH_PX = 4096
#: the sketch picture is made this long after the lines last changed
SKETCH_IDLE_MS = 400
#: a large graph is drawn in full this long after the last zoom step
SETTLE_MS = 180


_POS_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
_SELECTED_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged


# ------------------------------------------------------------------ nodes
#: the word on a box's badge for its worst open risk (the colour is never the only sign)
SEVERITY_TAGS = {"critical": "CRIT", "high": "HIGH", "medium": "MED", "low": "LOW"}
#: the word on a box's what-if state
STATE_TAGS = {"failed": "FAILED", "down": "DOWN", "degraded": "DEGRADED"}


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
        self.state: str | None = None  # None | "failed" | "down" | "degraded"
        self.highlight = False
        self.journey: str | None = None  # None | "entry" | "path": on the journey shown
        self.edges: list[EdgeItem] = []
        self._src = None  # the model object last drawn (elements are never changed in place)
        self._xy = None  # the position the last sync put the box at; None once it moved otherwise
        self._path = None  # outline, by kind and size
        self._elided = None  # (title, subtitle) elided to the box
        self.w, self.h = NODE_W, NODE_H
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
        )
        self.setZValue(2)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:
        return QRectF(-6, -14, self.w + 12, self.h + 20)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRect(QRectF(0, 0, self.w, self.h))
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
        if self.severity in theme.SEVERITY_COLOURS and self.state is None:
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
        if self._elided is None:  # fonts and texts change rarely; elide once, not every frame
            self._elided = (QFontMetricsF(f_title).elidedText(self.title, Qt.TextElideMode.ElideRight, self.w - 16),
                            QFontMetricsF(f_sub).elidedText(self.subtitle, Qt.TextElideMode.ElideRight, self.w - 22))
        title, sub = self._elided
        painter.setFont(f_title)
        painter.drawText(QRectF(8, 4, self.w - 16, h_title), Qt.AlignmentFlag.AlignHCenter, title)
        painter.setFont(f_sub)
        painter.drawText(QRectF(14, 5 + h_title, self.w - 22, h_sub * 2), Qt.AlignmentFlag.AlignHCenter, sub)
        if self.user_facing:
            painter.setBrush(QColor(theme.SELECTION))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(5, self.h / 2 - 4.5, 9, 9))
        if self.state in STATE_TAGS:  # what-if: the state in words too, on the bottom-left corner
            tag = STATE_TAGS[self.state]
            badge = QRectF(-4, self.h - 9, 9 + 7 * len(tag), 16)
            painter.setBrush(QColor(theme.FAILED if self.state == "failed" else
                                    theme.DOWN if self.state == "down" else theme.DEGRADED))
            painter.setPen(QPen(QColor("#ffffff"), 1.2))
            painter.drawRoundedRect(badge, 7, 7)
            painter.setFont(f_badge)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, tag)
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

    def itemChange(self, change, value):
        if change == _POS_CHANGED:
            if not self.is_group:
                self.gscene._columns = None  # the boxes' columns are measured again when a line needs them
            if self.gscene._syncing:  # a re-layout moves many boxes: their lines are redrawn once, after
                self.gscene._moved_edges.update(self.edges)
            else:
                self._xy = None  # dragged: the next sync compares with the real position
                for e in self.edges:
                    e.adjust()
                self.gscene.node_moved(self)
        elif change == _SELECTED_CHANGED and self.gscene.edge_layer_on:
            self.gscene._overview_changed()
        return super().itemChange(change, value)

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
        self._tip = ""
        self._src = None  # the dependency last drawn
        self.setZValue(1)
        if dep_id is not None:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        source.edges.append(self)
        target.edges.append(self)
        self.set_kind(kind)

    def set_kind(self, kind: str, fallback: bool = False) -> None:
        if getattr(self, "fallback", None) == fallback and self.kind == kind and getattr(self, "_styled", False):
            return
        self._styled = True
        self.kind = kind
        self.fallback = fallback
        self._restyle()
        self.adjust()
        self._layer_changed()

    def _restyle(self) -> None:
        colour = QColor(theme.EDGE_COLOURS.get(self.kind, theme.TEXT))
        if self.state == "down":
            colour = QColor(theme.DOWN)
        elif self.state == "degraded":
            colour = QColor(theme.DEGRADED)
        elif self.journey:
            colour = QColor(theme.JOURNEY)
        pen = QPen(colour, (2.4 if self.kind == "hard" else 2.0) + (1.6 if self.journey else 0))
        if self.kind == "soft":
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
            self._layer_changed()

    def set_journey(self, on: bool) -> None:
        if on != self.journey:
            self.journey = on
            self._restyle()
            self._layer_changed()

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

        Lines between columns of boxes are routed as in the PDF; a large graph's lines are
        drawn straight by the edge layer, and a group's membership lines stay straight."""
        sc = self.scene()
        if self.kind == "member" or sc is None or sc.edge_layer_on:
            return None
        s, t = self.source, self.target
        sx, sy, tx, ty = s.pos().x(), s.pos().y(), t.pos().x(), t.pos().y()
        if tx >= sx + s.w:
            return route_forward(sc.route_columns(), sx + s.w, sy + s.h / 2, tx, ty + t.h / 2)
        if sx >= tx + t.w:
            return route_forward(sc.route_columns(), tx + t.w, ty + t.h / 2, sx, sy + s.h / 2)[::-1]
        return None

    def adjust(self) -> None:
        s, t = self.source, self.target
        #: drawn before it was in a scene (straight): the scene routes it once it is added
        self._stale = self.scene() is None
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
            # the curve arrives level: the arrow points along x
            toward = QPointF(p2.x() - (1.0 if p2.x() >= p1.x() else -1.0), p2.y())
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
        if getattr(self, "fallback", False):  # a small circle near the source: there is a fallback
            mid = p1 + (p2 - p1) * 0.15 if way is None else QPointF(p1.x() + (12 if p2.x() >= p1.x() else -12), p1.y())
            path.addEllipse(mid, 4, 4)
        self.ends = (p1.x(), p1.y(), p2.x(), p2.y())
        self._shape = None
        self.setPath(path)
        self._layer_changed()

    def _layer_changed(self) -> None:
        sc = self.scene()
        if sc is not None and getattr(sc, "edge_layer_on", False):
            sc.edge_layer.mark()

    def shape(self) -> QPainterPath:
        # cached: after every scroll the view looks up the item under the mouse, and the
        # bounding boxes of long lines hold that point for hundreds of edges
        if getattr(self, "_shape", None) is None:
            from PySide6.QtGui import QPainterPathStroker

            s = QPainterPathStroker()
            s.setWidth(10)
            self._shape = s.createStroke(self.path())
        return self._shape

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._layer_changed()
        return super().itemChange(change, value)

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


class EdgeLayer(QGraphicsItem):
    """Every dependency line of a large graph, drawn by one item.

    On a graph with thousands of long dependencies, one ``QGraphicsPathItem``
    per line costs 90-180 ms per frame at full zoom: hundreds of long paths
    cross the view, each stroked whole (dashed ones dash by dash). This item
    keeps the lines' end points in arrays (rebuilt only when an edge moves or
    changes colour), clips them to the exposed part of the view with numpy,
    and draws what is left with one ``drawLines`` per pen. The ``EdgeItem`` objects
    stay in the scene, without contents, for selection, hit-testing and
    tooltips.
    """

    def __init__(self, scene: "GraphScene"):
        super().__init__()
        self.gscene = scene
        self.setZValue(1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._rect = QRectF()
        self._groups: dict = {}  # (kind, state, selected) -> (ends array n x 4, fallback mask)
        self.dirty = True
        #: while the zoom changes: draw the lines from one picture of them all (made when they
        #: change, at most SKETCH_PX on its long side), scaled, instead of line by line
        self.sketch = False
        self._pix = None
        self._pix_scale = 1.0
        self._prep = QTimer()
        self._prep.setSingleShot(True)
        self._prep.setInterval(SKETCH_IDLE_MS)
        self._prep.timeout.connect(self._prepare_sketch)

    def boundingRect(self) -> QRectF:
        return self._rect

    def mark(self) -> None:
        self._pix = None
        self._prep.start()
        if not self.dirty:
            self.dirty = True
            self.update()

    def _prepare_sketch(self) -> None:
        """Make the sketch picture once things are quiet (~10-30 ms), so that the first frame of
        the next zoom does not pay for it. (Not on a worker thread: QPainter calls hold Python's
        GIL, so the GUI thread would wait for it all the same.)"""
        if self.scene() is None or not self.isVisible() or self._pix is not None or not self.gscene.edge_layer_on:
            return
        if self.dirty:
            self.rebuild()
        self._sketch()

    def _sketch(self):
        if self._pix is None:  # made at the first zoom step after a change (~10 ms)
            self._pix, self._pix_scale = render_sketch(self._rect, self._sketch_jobs())
        return self._pix, self._pix_scale

    def rebuild(self) -> None:
        import numpy as np

        rows: dict = {}
        for e in self.gscene.edges.values():
            ends = getattr(e, "ends", None)
            if ends is None:
                continue
            rows.setdefault((e.kind, e.state or ("journey" if e.journey else None), e.isSelected()), []).append(
                ends + (1.0 if e.fallback else 0.0,))
        groups = {}
        rect = QRectF()
        for key, rs in rows.items():
            a = np.array(rs, dtype=float)
            groups[key] = a
            xs, ys = np.concatenate([a[:, 0], a[:, 2]]), np.concatenate([a[:, 1], a[:, 3]])
            rect = rect.united(QRectF(QPointF(xs.min(), ys.min()), QPointF(xs.max(), ys.max())))
        rect = rect.adjusted(-16, -16, 16, 16)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._groups = groups
        self.dirty = False

    def _pen(self, kind: str, state, selected: bool, far: bool) -> QPen:
        colour = QColor(theme.EDGE_COLOURS.get(kind, theme.TEXT))
        if state == "down":
            colour = QColor(theme.DOWN)
        elif state == "degraded":
            colour = QColor(theme.DEGRADED)
        elif state == "journey":
            colour = QColor(theme.JOURNEY)
        if selected:
            colour = QColor(theme.SELECTION)
        # cosmetic one-pixel pens: Qt rasterises them directly, where wider pens (dashed ones
        # above all) go through its stroker at several times the cost
        pen = QPen(colour, 0)
        pen.setCosmetic(True)
        if selected or state == "journey":
            pen.setWidthF(2.5)
        if not far:
            if kind == "soft":
                pen.setStyle(Qt.PenStyle.DashLine)
            elif kind == "async":
                pen.setStyle(Qt.PenStyle.DotLine)
        return pen

    def _sketch_jobs(self) -> list:
        return [(self._pen(kind, state, selected, True), a[:, :4].copy()) for (kind, state, selected), a in self._groups.items()]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        import numpy as np

        if self.dirty:
            self.rebuild()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        far = lod < 0.4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.sketch:
            if self._pix is not None or self._rect.isEmpty() or lod <= 3 * min(1.0, SKETCH_PX / max(self._rect.width(), self._rect.height())):
                pix, k = self._sketch()
                if lod <= 3 * k:  # the picture is sharp enough at this zoom (lines at most 3 px wide)
                    src = option.exposedRect.intersected(self._rect)
                    if not src.isEmpty():
                        painter.drawImage(src, pix, QRectF((src.left() - self._rect.left()) * k,
                                                            (src.top() - self._rect.top()) * k,
                                                            src.width() * k, src.height() * k))
                    return
            # closer in, the picture's lines would be blurred bands: draw thin lines, and only those with
            # an end in view (long lines passing through come back when the zoom rests)
            r = option.exposedRect
            for (kind, state, selected), a in self._groups.items():
                ends_in = (((a[:, 0] >= r.left()) & (a[:, 0] <= r.right()) & (a[:, 1] >= r.top()) & (a[:, 1] <= r.bottom()))
                           | ((a[:, 2] >= r.left()) & (a[:, 2] <= r.right()) & (a[:, 3] >= r.top()) & (a[:, 3] <= r.bottom())))
                seg, _vis = clip_segments(a[ends_in][:, :4], r.left(), r.top(), r.right(), r.bottom())
                if len(seg):
                    painter.setPen(self._pen(kind, state, selected, True))
                    painter.drawLines([QLineF(x1, y1, x2, y2) for x1, y1, x2, y2 in seg.tolist()])
            return
        r = option.exposedRect.adjusted(-20, -20, 20, 20)
        # a diagonal pan exposes two thin strips, but items are told only their bounding rect (the
        # whole view), and Qt rasterises a line whole before clipping it to the strips: draw only
        # the pieces of lines inside the strips (heads and fallback marks of the lines near them)
        strips = list(self.gscene.exposed_rects or ())
        for (kind, state, selected), a in self._groups.items():
            seg, vis = clip_segments(a[:, :4], r.left(), r.top(), r.right(), r.bottom())
            if len(seg) and strips:
                seg, near = strip_pieces(seg, [(q.left(), q.top(), q.right(), q.bottom()) for q in strips])
                rows = np.flatnonzero(vis)
                vis = np.zeros(len(a), dtype=bool)
                vis[rows[near]] = True
            if not len(seg) and not vis.any():
                continue
            lines = [QLineF(x1, y1, x2, y2) for x1, y1, x2, y2 in seg.tolist()]
            if not far and kind != "member":
                full = a[vis]
                heads = full[(full[:, 2] >= r.left()) & (full[:, 2] <= r.right())
                             & (full[:, 3] >= r.top()) & (full[:, 3] <= r.bottom())]
                if len(heads):
                    ang = np.arctan2(heads[:, 1] - heads[:, 3], heads[:, 0] - heads[:, 2])
                    tx, ty = heads[:, 2], heads[:, 3]
                    lx, ly = tx + np.cos(ang + 0.45) * 12, ty + np.sin(ang + 0.45) * 12
                    rx, ry = tx + np.cos(ang - 0.45) * 12, ty + np.sin(ang - 0.45) * 12
                    for row in np.column_stack([lx, ly, tx, ty, rx, ry]).tolist():
                        lines.append(QLineF(row[0], row[1], row[2], row[3]))
                        lines.append(QLineF(row[4], row[5], row[2], row[3]))
                        if kind == "hard":
                            lines.append(QLineF(row[0], row[1], row[4], row[5]))
            painter.setPen(self._pen(kind, state, selected, far))
            painter.drawLines(lines)
            if not far:
                fb = a[vis & (a[:, 4] > 0)]
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for x1, y1, x2, y2, _f in fb.tolist():
                    painter.drawEllipse(QPointF(x1 + (x2 - x1) * 0.15, y1 + (y2 - y1) * 0.15), 4, 4)


def render_sketch(rect: QRectF, jobs):
    """A picture of lines (``jobs``: pen and n x 4 end points) covering ``rect``; thread-safe (QImage)."""
    from PySide6.QtGui import QImage

    scale = min(1.0, SKETCH_PX / max(rect.width(), rect.height(), 1.0))
    img = QImage(max(1, int(rect.width() * scale) + 1), max(1, int(rect.height() * scale) + 1),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.scale(scale, scale)
    p.translate(-rect.left(), -rect.top())
    for pen, a in jobs:
        p.setPen(pen)
        p.drawLines([QLineF(x1, y1, x2, y2) for x1, y1, x2, y2 in a.tolist()])
    p.end()
    return img, scale


def clip_segments(a, xmin: float, ymin: float, xmax: float, ymax: float):
    """Segments (rows x1, y1, x2, y2) clipped to a rectangle (Liang-Barsky, vectorised).

    Returns the clipped segments that cross the rectangle and the mask of
    which input rows they come from.
    """
    import numpy as np

    x1, y1, x2, y2 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    dx, dy = x2 - x1, y2 - y1
    t0 = np.zeros(len(a))
    t1 = np.ones(len(a))
    keep = np.ones(len(a), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x1 - xmin), (dx, xmax - x1), (-dy, y1 - ymin), (dy, ymax - y1)):
            keep &= ~((p == 0) & (q < 0))
            r = q / p
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    t0, t1 = t0[keep], t1[keep]
    seg = np.column_stack([x1[keep] + t0 * dx[keep], y1[keep] + t0 * dy[keep],
                           x1[keep] + t1 * dx[keep], y1[keep] + t1 * dy[keep]])
    return seg, keep


def strip_pieces(seg, strips, margin: float = 2.0, near: float = 20.0):
    """The pieces of segments (rows x1, y1, x2, y2) inside the rectangles ``strips`` ((x0, y0, x1, y1)
    each, grown by ``margin``), and the mask of segments that pass within ``near`` of one of them
    (their arrowheads and marks may reach into it). A piece may appear twice where grown strips
    overlap: lines are opaque and one pixel wide, so drawing it twice changes nothing."""
    import numpy as np

    close = np.zeros(len(seg), dtype=bool)
    pieces = []
    for x0, y0, x1, y1 in strips:
        close |= clip_segments(seg, x0 - near, y0 - near, x1 + near, y1 + near)[1]
        pieces.append(clip_segments(seg, x0 - margin, y0 - margin, x1 + margin, y1 + margin)[0])
    return (np.concatenate(pieces) if pieces else seg[:0]), close


def _clip_xy(cx: float, cy: float, dx: float, dy: float, node: "NodeItem") -> QPointF:
    """Where the line from the node's centre (cx, cy) by (dx, dy) leaves the node's rectangle
    (plain floats: a re-layout clips hundreds of lines, ``QLineF`` objects cost more than the sums)."""
    if dx == 0 and dy == 0:
        return QPointF(cx, cy)
    tx = (node.w / 2) / abs(dx) if dx else math.inf
    ty = (node.h / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return QPointF(cx + dx * t, cy + dy * t)


class OverviewItem(QGraphicsItem):
    """The whole graph in two Qt calls, for zoom levels where boxes are a few pixels wide.

    Far out, 2,000 Python paint calls per frame cost more than the frame budget;
    this item draws every box with one ``drawRects`` and every line with one
    ``drawLines`` per colour, from lists rebuilt only when the graph changes.
    """

    def __init__(self, scene: "GraphScene"):
        super().__init__()
        self.gscene = scene
        self.setZValue(1.5)  # boxes over the edge layer's lines, as box items are
        self._rect = QRectF()
        self._boxes: dict[str, list] = {}
        self._lines: dict[str, list] = {}
        self._selected: list = []
        self.boxes_only = False  # far (not very far) out on a large graph: the edge layer draws the lines
        self.dirty = True

    def boundingRect(self) -> QRectF:
        return self._rect

    def rebuild(self) -> None:
        self.prepareGeometryChange()
        boxes: dict[str, list] = {}
        lines: dict[str, list] = {}
        selected: list = []
        rect = QRectF()
        for n in self.gscene.nodes.values():
            if n.is_group:
                continue
            r = QRectF(n.pos().x(), n.pos().y(), n.w, n.h)
            rect = rect.united(r)
            if n.state == "failed":
                colour = theme.FAILED
            elif n.state == "down":
                colour = theme.DOWN
            elif n.state == "degraded":
                colour = theme.DEGRADED
            elif n.spof:
                colour = theme.SEVERITY_COLOURS["critical"]
            else:
                colour = theme.KIND_COLOURS.get(n.kind, theme.KIND_COLOURS["other"])
            boxes.setdefault(colour, []).append(r)
            if n.isSelected():
                selected.append(r)
        for e in ([] if self.boxes_only else self.gscene.edges.values()):
            colour = theme.DOWN if e.state == "down" else theme.DEGRADED if e.state == "degraded" else "#9aa4b1"
            lines.setdefault(colour, []).append(QLineF(e.source.anchor(), e.target.anchor()))
        self._boxes, self._lines, self._rect, self._selected = boxes, lines, rect, selected
        self.dirty = False

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.dirty:
            self.rebuild()
        for colour, ls in self._lines.items():
            painter.setPen(QPen(QColor(colour), 0))
            painter.drawLines(ls)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rs in self._boxes.items():
            painter.setBrush(QColor(colour))
            painter.drawRects(rs)
        if self._selected:
            painter.setPen(QPen(QColor(theme.SELECTION), 0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects([r.adjusted(-8, -8, 8, 8) for r in self._selected])


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
        self.label.setText(text)
        self.label.setPos(rect.left() + 8, rect.top() + 3)
        self.kind, self.depth = kind, depth
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
        self.setPen(pen)
        self.label.setBrush(colour.lighter(130) if theme.DARK else colour.darker(150))


# ------------------------------------------------------------------ scene
class GraphScene(QGraphicsScene):
    """Items for one session's review."""

    #: node ids moved by one drag: {id: (x, y)}
    sig_nodes_moved = Signal(object)
    #: ask for a dependency from the first id to the second
    sig_link_requested = Signal(str, str)
    #: in fail-this mode: a component box or a failure domain's label was clicked (press and release: one click)
    sig_fail_clicked = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.member_edges: dict[tuple[str, str], EdgeItem] = {}
        self.regions: dict[str, RegionItem] = {}
        self._auto: dict[str, tuple[float, float]] = {}
        self._auto_key = None
        self._layout_cache = LayoutCache()  # the automatic layout reuses what an edit did not touch
        self._syncing = False
        self._moved_edges: set = set()
        self._press_pos: dict[str, QPointF] = {}
        self._link_from: NodeItem | None = None
        self._link_line: QGraphicsLineItem | None = None
        #: fail-this mode: a click fails or un-fails what it lands on, and selects nothing
        self.fail_mode = False
        self._fail_press = False
        self._regions_dirty = False
        #: the boxes' columns lines are routed around (None: measure again); those the lines follow now
        self._columns = None
        self._routed_columns = None
        #: while a view paints an exposed region of several rectangles: those, in scene coordinates
        self.exposed_rects: list[QRectF] | None = None
        self.far = False
        self.overview_on = False
        self.overview = OverviewItem(self)
        self.overview.setVisible(False)
        self.addItem(self.overview)
        self.edge_layer = EdgeLayer(self)
        self.edge_layer.setVisible(False)
        self.edge_layer_on = False
        self.boxes_drawn_by_layer = False
        self.sketch = False
        self._node_cache = False
        self.addItem(self.edge_layer)
        self.setBackgroundBrush(QColor(theme.CANVAS))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)

    @property
    def review(self) -> Review:
        return self.session.review

    def route_columns(self):
        """The columns of boxes as they are now (see prr_app/routing.py), measured once per move."""
        if self._columns is None:
            self._columns = columns_of((n.pos().x(), n.pos().y(), n.w, n.h)
                                       for n in self.nodes.values() if not n.is_group)
        return self._columns

    def _reroute(self, moved=()) -> None:
        """Redraw each line once after a sync: those whose boxes ``moved``, those added, and,
        when the boxes' columns changed, every line (it may have to take another way)."""
        todo = set(moved)  # (group membership lines among them)
        if self.edge_layer_on:  # the edge layer draws lines straight: so must their hit shapes be
            if self._routed_columns is not None:
                todo.update(self.edges.values())
            self._routed_columns = None
        else:
            self._columns = None  # boxes may also have come or gone, not only moved
            cols = self.route_columns()
            if cols != self._routed_columns:
                self._routed_columns = cols
                todo.update(self.edges.values())
            else:
                todo.update(e for e in self.edges.values() if e._stale)
        for e in todo:
            if e.scene() is self:
                e.adjust()

    # -- building ------------------------------------------------------
    def rebuild(self) -> None:
        for v in self.views():
            v.setRenderHint(QPainter.RenderHint.Antialiasing, len(self.review.dependencies) <= EDGES_SMOOTH_MAX)
        self.removeItem(self.overview)
        self.removeItem(self.edge_layer)
        self.clear()
        self.addItem(self.overview)
        self.addItem(self.edge_layer)
        self.nodes.clear()
        self.edges.clear()
        self.member_edges.clear()
        self.regions.clear()
        self._auto_key = None
        self._layout_cache = LayoutCache()
        self.sync()

    def _layout(self):
        r = self.review
        key = (tuple(r.components), tuple(r.dependencies),
               tuple((c.placement and tuple(c.placement), tuple(c.shared_domains)) for c in r.components.values()),
               tuple((d.id, d.parent, d.name, d.kind) for d in r.domains.values()),
               tuple((k, p.x, p.y) for k, p in r.layout.items()),
               tuple((g.id, tuple(g.members)) for g in r.groups.values()))
        if key != self._auto_key:
            self._auto = scene_layout(r, self._layout_cache)
            self._auto_key = key
        return self._auto

    #: collections the canvas draws; an edit of anything else (answers, risks, journeys...) leaves it alone
    DRAWN = frozenset({"components", "dependencies", "groups", "domains", "layout"})

    def sync(self, colls=None) -> None:
        """Bring the items in step with the review (``colls``: what changed; None: anything)."""
        if colls is not None and not (set(colls) & self.DRAWN):
            return
        self._syncing = True
        created = False  # new items: their flags and cache mode are set below
        try:
            r = self.review
            pos, regions = self._layout()
            wanted = set(r.components) | set(r.groups)
            for gone in set(self.nodes) - wanted:
                item = self.nodes.pop(gone)
                for e in list(item.edges):
                    self._drop_edge(e)
                self.removeItem(item)
            for cid, c in r.components.items():
                item = self.nodes.get(cid)
                if item is None or item.is_group:
                    if item is not None:
                        self.removeItem(item)
                    item = NodeItem(self, cid)
                    self.addItem(item)
                    self.nodes[cid] = item
                    created = True
                if item._src is not c:  # commands put a new object in the review for every change
                    item._src = c
                    sub = c.kind.replace("_", " ")
                    n = c.replicas or 1
                    sub += f" · {n}×" if n > 1 else ""
                    if c.placement:
                        sub += " · " + ",".join(sorted(set(_short(p) for p in c.placement)))
                    item.set_data(kind=c.kind, title=c.label, subtitle=sub, user_facing=c.user_facing,
                                  tooltip=_component_tip(c))
                self._place(item, pos.get(cid, (0.0, 0.0)))
            moved, self._moved_edges = self._moved_edges, set()  # their lines are redrawn by _reroute
            if self.boxes_drawn_by_layer or self.overview_on:
                self._overview_changed()
            for gid, g in r.groups.items():
                item = self.nodes.get(gid)
                if item is None or not item.is_group:
                    if item is not None:
                        self.removeItem(item)
                    item = GroupItem(self, gid)
                    self.addItem(item)
                    self.nodes[gid] = item
                    created = True
                item.set_data(kind="group", title=g.name or g.id, subtitle=f"{g.min_up} of {len(g.members)} needed",
                              user_facing=False, tooltip=f"Redundancy group {g.id}\nmembers: {', '.join(g.members)}")
                self._fit_group(item, g)
            # dependencies
            for did in set(self.edges) - set(r.dependencies):
                self._drop_edge(self.edges.pop(did))
            for did, d in r.dependencies.items():
                e = self.edges.get(did)
                s, t = self.nodes.get(d.source), self.nodes.get(d.target)
                if s is None or t is None:
                    if e is not None:
                        self._drop_edge(self.edges.pop(did))
                    continue
                if e is None or e.source is not s or e.target is not t:
                    if e is not None:
                        self._drop_edge(e)
                    e = EdgeItem(s, t, d.kind, did)
                    e.far = self.far
                    self.addItem(e)
                    self.edges[did] = e
                    created = True
                elif e._src is d:
                    continue  # same dependency, same ends: nothing to do
                e._src = d
                e.set_kind(d.kind, fallback=bool(d.fallback))
                tip = f"{d.source} → {d.target} ({d.kind}{', fallback: ' + d.fallback if d.fallback else ''})"
                if tip != e._tip:
                    e._tip = tip
                    e.setToolTip(tip)
            self.update_regions(regions)
            self._set_big(len(r.dependencies) > EDGES_SMOOTH_MAX, created)
            self._reroute(moved)
            if self.overview_on and not self.edge_layer_on:
                for it in list(self.nodes.values()) + list(self.edges.values()):
                    it.setVisible(False)
            self._overview_changed()
        finally:
            self._syncing = False

    def _set_big(self, big: bool, created: bool = True) -> None:
        """Large graphs: lines drawn by the edge layer, boxes from a pixmap cache (no Python per frame).

        ``created``: the sync made new items (their flags and cache mode follow the others'); if it
        did not and the size class stays, every item already has them."""
        flip = big != self.edge_layer_on
        if self.edge_layer_on and not big:
            for e in self.edges.values():
                e.set_far(self.far)
        if flip and self.overview_on:
            for it in list(self.nodes.values()) + list(self.edges.values()):
                it.setVisible(big)
        self.edge_layer_on = big
        if flip or created:
            for e in self.edges.values():
                if bool(e.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents) != big:
                    e.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, big)
            if self.boxes_drawn_by_layer:
                for n in self.nodes.values():
                    if not n.is_group:
                        n.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self._apply_modes()
        if flip or created:
            self._set_node_cache(self._node_cache, force=True)  # boxes made by this sync
        if big:
            self.edge_layer.mark()

    def _place(self, item: NodeItem, xy) -> None:
        if item._xy == xy:
            return  # where the last sync put it, and not dragged since
        item._xy = xy
        p = QPointF(*xy)
        if item.pos() != p:
            item.setPos(p)

    def _drop_edge(self, e: EdgeItem) -> None:
        e.detach()
        if e.scene() is self:
            self.removeItem(e)

    # -- failure domains as regions -------------------------------------
    def _fit_group(self, item, g) -> None:
        """Frame a group's members, and only them (see :func:`prr_app.canvas_geometry.group_frames`)."""
        from prr_app.canvas_geometry import Rect, group_frames

        members = set(g.members)
        boxes = [n for n in (self.nodes.get(m) for m in g.members) if n is not None and not n.is_group]
        if not boxes:
            item.fit([QRectF(0, 0, NODE_W, NODE_H)])
            return
        mine = [Rect(n.x(), n.y(), n.w, n.h) for n in boxes]
        lo = min(r.x for r in mine), min(r.y for r in mine)
        hi = max(r.right for r in mine), max(r.bottom for r in mine)
        others = [Rect(n.x(), n.y(), n.w, n.h) for nid, n in self.nodes.items()
                  if not n.is_group and nid not in members
                  and n.x() < hi[0] and n.x() + n.w > lo[0] and n.y() < hi[1] + 24 and n.y() + n.h > lo[1]]
        frames = group_frames(mine, others, pad=0.0)
        item.fit([QRectF(f.x, f.y, f.w, f.h) for f in frames])

    def update_regions(self, regions) -> None:
        """Failure domains as labelled regions, from the shared layout."""
        r = self.review
        wanted = {b.id for b in regions if b.id in r.domains}
        for gone in set(self.regions) - wanted:
            self.removeItem(self.regions.pop(gone))
        for b in regions:
            if b.id not in r.domains:
                continue
            item = self.regions.get(b.id)
            if item is None:
                item = RegionItem(b.id)
                self.addItem(item)
                self.regions[b.id] = item
            item.setZValue(-10 + b.depth)
            item.set_data(QRectF(b.x, b.y, b.w, b.h), f"{b.label}  ({b.kind})", b.kind, b.depth)

    def node_moved(self, item: NodeItem) -> None:
        if self.boxes_drawn_by_layer:
            self._overview_changed()
        if self._syncing or item.is_group:
            return
        for gid, g in self.review.groups.items():
            if item.node_id in g.members and gid in self.nodes:
                self._fit_group(self.nodes[gid], g)

    # -- mouse: one move command per drag; shift-drag links --------------
    def _fail_target(self, p: QPointF) -> str | None:
        """What a fail-this click at ``p`` fails: a component's box, else a failure domain's label."""
        for it in self.items(p):
            if isinstance(it, NodeItem) and not it.is_group:
                return it.node_id
            if isinstance(it, RegionItem) and it.shape().contains(it.mapFromScene(p)):
                return it.domain_id
            if isinstance(it, QGraphicsSimpleTextItem) and isinstance(it.parentItem(), RegionItem):
                return it.parentItem().domain_id
        return None

    def mousePressEvent(self, event) -> None:
        if self.fail_mode and event.button() == Qt.MouseButton.LeftButton:
            # one toggle per click: the press decides, and nothing is selected (selection changes on
            # both press and release would fail and then un-fail the box)
            self._fail_press = True
            target = self._fail_target(event.scenePos())
            event.accept()
            if target is not None:
                self.sig_fail_clicked.emit(target)
            return
        item = self._node_at(event.scenePos())
        if item is not None and event.button() == Qt.MouseButton.LeftButton and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self._link_from = item
            self._link_line = QGraphicsLineItem(QLineF(item.anchor(), event.scenePos()))
            self._link_line.setPen(QPen(QColor(theme.SELECTION), 2, Qt.PenStyle.DashLine))
            self.addItem(self._link_line)
            event.accept()
            return
        super().mousePressEvent(event)
        self._press_pos = {i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event) -> None:
        if self._fail_press:
            return
        if self._link_line is not None:
            self._link_line.setLine(QLineF(self._link_from.anchor(), event.scenePos()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._fail_press:
            self._fail_press = False
            event.accept()
            return
        if self._link_line is not None:
            self.removeItem(self._link_line)
            self._link_line = None
            target = self._node_at(event.scenePos())
            src, self._link_from = self._link_from, None
            if target is not None and target is not src:
                self.sig_link_requested.emit(src.node_id, target.node_id)
            return
        super().mouseReleaseEvent(event)
        moved = {}
        for nid, p in self._press_pos.items():
            item = self.nodes.get(nid)
            if item is not None and item.pos() != p:
                moved[nid] = (item.pos().x(), item.pos().y())
        self._press_pos = {}
        if moved:
            self.sig_nodes_moved.emit(moved)

    def _node_at(self, p: QPointF) -> NodeItem | None:
        for it in self.items(p):
            if isinstance(it, NodeItem):
                return it
        return None

    # -- selection and colours -------------------------------------------
    def step_selection(self, direction: str, centre: QPointF) -> str | None:
        """Select the box an arrow key points to from the selected one (none selected: the box
        nearest ``centre``). Returns its id, or None when nothing lies that way."""
        from prr_app.canvas_geometry import nearest_in_direction

        pts = {k: (it.x() + it.w / 2, it.y() + it.h / 2) for k, it in self.nodes.items()
               if not it.is_group and it.isVisible()}
        if not pts:
            return None
        cur = next((i for i in self.selected_ids() if i in pts), None)
        if cur is None:
            target = min(pts, key=lambda k: (pts[k][0] - centre.x()) ** 2 + (pts[k][1] - centre.y()) ** 2)
        else:
            target = nearest_in_direction(pts[cur], {k: v for k, v in pts.items() if k != cur}, direction)
        if target is not None:
            self.select_ids([target])
            self.nodes[target].setFocus()
        return target

    def selected_ids(self) -> list[str]:
        out = []
        for it in self.selectedItems():
            if isinstance(it, NodeItem):
                out.append(it.node_id)
            elif isinstance(it, EdgeItem) and it.dep_id:
                out.append(it.dep_id)
            elif isinstance(it, RegionItem):
                out.append(it.domain_id)
        return out

    def _overview_changed(self) -> None:
        self.overview.dirty = True
        if self.overview_on or self.boxes_drawn_by_layer:
            self.overview.update()

    def set_overview(self, on: bool) -> None:
        """Very far out: hide the boxes and lines and draw the graph as one item."""
        if on == self.overview_on:
            return
        self.overview_on = on
        if on:
            self.overview.rebuild()
        if not self.edge_layer_on:  # a large graph's items draw nothing this far out already: leave them
            for it in list(self.nodes.values()) + list(self.edges.values()):
                it.setVisible(not on)
        self._apply_modes()

    def set_far(self, far: bool, sketch: bool = False) -> None:
        """Zoomed far out: simpler drawing (the view calls this when the zoom crosses a threshold).

        ``sketch``: the zoom is changing on a large graph; draw blocks and thin lines only.
        """
        if far != self.far:
            self.far = far
            if not self.edge_layer_on:  # a large graph's lines are the edge layer's; leave the items be
                for e in self.edges.values():
                    e.set_far(far)
        sketch = bool(sketch and self.edge_layer_on)
        if sketch != self.sketch:
            self.sketch = sketch
            self.update()
        self._apply_modes()

    def _set_node_cache(self, on: bool, force: bool = False) -> None:
        if on == self._node_cache and not force:
            return
        self._node_cache = on
        if on:
            from PySide6.QtGui import QPixmapCache

            if QPixmapCache.cacheLimit() < 65536:
                QPixmapCache.setCacheLimit(65536)  # KB: a view full of boxes at 150 % fits easily
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if on else QGraphicsItem.CacheMode.NoCache
        for n in self.nodes.values():
            if not n.is_group and n.cacheMode() != mode:
                n.setCacheMode(mode)

    def _apply_modes(self) -> None:
        """Who draws what. Small graphs: every item itself. Large graphs: the edge layer draws the
        lines; far out, the overview item draws the boxes (one ``drawRects`` per colour) while the
        box items stay, without contents, for selection and dragging; very far out, the overview
        item draws all boxes; while the zoom changes (sketch), boxes are blocks and lines come
        from the edge layer's picture."""
        big = self.edge_layer_on
        layer_boxes = big and self.far
        if layer_boxes != self.boxes_drawn_by_layer and not self.sketch:  # flipped when the zoom rests
            self.boxes_drawn_by_layer = layer_boxes
            for n in self.nodes.values():
                if not n.is_group:
                    n.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, layer_boxes)
        if self.overview.boxes_only != big:
            self.overview.boxes_only = big
            self.overview.dirty = True
        self.overview.setVisible(self.overview_on or (big and (self.far or self.sketch or self.boxes_drawn_by_layer)))
        # near and at rest on a large graph, boxes keep a picture of themselves at the view's scale:
        # a pan then copies pictures instead of drawing text and outlines again
        self._set_node_cache(big and not self.far and not self.sketch)
        self.edge_layer.sketch = big and self.sketch
        self.edge_layer.setVisible(big)

    def select_ids(self, ids, *, centre_on: bool = False) -> None:
        ids = set(ids)
        self.blockSignals(True)
        try:
            self.clearSelection()
            for i in ids:
                it = self.nodes.get(i) or self.edges.get(i) or self.regions.get(i)
                if it is not None and it.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsSelectable:
                    it.setSelected(True)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()
        if centre_on:
            rect = QRectF()
            for i in ids:
                it = self.nodes.get(i) or self.regions.get(i)
                if it is not None:
                    rect = rect.united(it.sceneBoundingRect())
            if not rect.isNull():
                for v in self.views():
                    v.ensureVisible(rect, 40, 40)

    def set_states(self, node_states: dict[str, str], failed_domains=()) -> None:
        """Colour nodes (failed / down / degraded) and the edges that carry the failure."""
        for nid, item in self.nodes.items():
            st = node_states.get(nid)
            if st != item.state:
                item.state = st
                item.update()
        for e in list(self.edges.values()):
            s = node_states.get(e.target.node_id)
            src = node_states.get(e.source.node_id)
            e.set_state(src if s in ("down", "degraded", "failed") and src in ("down", "degraded") else None)
        self._overview_changed()
        for did, reg in self.regions.items():
            st = "failed" if did in failed_domains else None
            if st != reg.state:
                reg.state = st
                reg.restyle()

    def set_findings(self, spofs: set[str], severity: dict[str, str]) -> None:
        for nid, item in self.nodes.items():
            sp, sev = nid in spofs, severity.get(nid)
            if sp != item.spof or sev != item.severity:
                item.spof, item.severity = sp, sev
                item.update()
        self._overview_changed()

    def set_journey(self, entry=(), nodes=(), deps=()) -> None:
        """Draw a journey's path: its entry components, what they depend on, and those dependencies."""
        entry, nodes, deps = set(entry), set(nodes), set(deps)
        for nid, item in self.nodes.items():
            j = "entry" if nid in entry else "path" if nid in nodes else None
            if j != item.journey:
                item.journey = j
                item.update()
        for did, e in self.edges.items():
            e.set_journey(did in deps)

    def set_highlight(self, ids) -> None:
        ids = set(ids)
        for nid, item in self.nodes.items():
            h = nid in ids
            if h != item.highlight:
                item.highlight = h
                item.update()

    # -- change marks (issue 20): what a diff or a plan adds, changes, removes -------------
    #: badge text and colour per mark; "plan-*" marks are a plan's, drawn dashed
    MARKS = {"added": ("+ added", "#2e7d32"), "changed": ("~ changed", "#b26a00"),
             "removed": ("- removed", "#c62828"), "plan": ("plan", "#6a1b9a")}

    def set_marks(self, marks: dict[str, str]) -> None:
        """Badge each box or line whose id is in ``marks`` (``"added"``, ``"changed"``, ``"removed"``,
        ``"plan"``; a dependency by ``SOURCE->TARGET``); an empty dict clears them. A removed box
        (not on the canvas) is drawn as a dashed ghost in a row under the graph."""
        for item in getattr(self, "_mark_items", []):
            if item.scene() is self:
                self.removeItem(item)
        self._mark_items: list = []
        self.marks = dict(marks)
        # what is not on the canvas any more (removed boxes): dashed ghosts in a row under the graph
        ghosts = [eid for eid, mark in marks.items() if mark == "removed" and eid not in self.nodes
                  and eid not in self.edges and "->" not in eid]
        if ghosts:
            base = self.itemsBoundingRect()
            for i, eid in enumerate(ghosts):
                g = QGraphicsRectItem(QRectF(0, 0, NODE_W, NODE_H))
                pen = QPen(QColor(self.MARKS["removed"][1]))
                pen.setStyle(Qt.PenStyle.DashLine)
                g.setPen(pen)
                g.setBrush(QColor(0, 0, 0, 0))
                g.setPos(base.left() + (i % 6) * (NODE_W + 20), base.bottom() + 40 + (i // 6) * (NODE_H + 20))
                label = QGraphicsSimpleTextItem(f"- removed: {eid}", g)
                label.setBrush(QColor(self.MARKS["removed"][1]))
                label.setPos(6, NODE_H / 2 - label.boundingRect().height() / 2)
                g.setData(0, "removed")
                g.setData(1, eid)
                g.setToolTip(f"{eid}: removed since the milestone")
                self.addItem(g)
                self._mark_items.append(g)
        for eid, mark in marks.items():
            text, colour = self.MARKS.get(mark, (mark, "#455a64"))
            host = self.nodes.get(eid) or self.edges.get(eid)
            if host is None:
                continue
            badge = QGraphicsSimpleTextItem(text, host)
            badge.setBrush(QColor("white"))
            f = QFont()
            f.setPointSizeF(7)
            f.setBold(True)
            badge.setFont(f)
            box = QGraphicsRectItem(badge.boundingRect().adjusted(-3, -1, 3, 1), host)
            box.setBrush(QColor(colour))
            pen = QPen(QColor(colour).darker(130))
            if mark == "plan":
                pen.setStyle(Qt.PenStyle.DashLine)
            box.setPen(pen)
            badge.setParentItem(box)
            if isinstance(host, NodeItem):
                box.setPos(host.w - box.rect().width() + 2, -box.rect().height() - 2)
            else:
                box.setPos(host.path().pointAtPercent(0.5))
            box.setZValue(5)
            box.setToolTip(f"{eid}: {text}")
            box.setData(0, mark)
            self._mark_items.append(box)


def _short(domain_id: str) -> str:
    return domain_id if len(domain_id) <= 10 else domain_id[-8:]


def _component_tip(c) -> str:
    lines = [f"{c.label} ({c.id})", f"kind: {c.kind}"]
    if c.owner:
        lines.append(f"owner: {c.owner}")
    lines.append(f"replicas: {c.replicas or 1}, need {c.min_healthy or 1}")
    if c.placement:
        lines.append("placement: " + ", ".join(c.placement))
    if c.shared_domains:
        lines.append("shared: " + ", ".join(c.shared_domains))
    if c.availability is not None:
        lines.append(f"availability: {c.availability} %")
    return "\n".join(lines)


# ------------------------------------------------------------------ view
class GraphView(QGraphicsView):
    """Zoom with the wheel or Ctrl +/-; pan with the middle button or scroll bars."""

    sig_zoom_changed = Signal(float)

    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self._panning = None
        # A large graph is drawn as a sketch (blocks and thin lines, no text) while the zoom
        # changes, and in full once it rests: full frames there cost 40-60 ms, sketches < 10 ms.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._zoomed)

    def paintEvent(self, event) -> None:
        # items are told only the bounding rect of what is exposed; the edge layer wants the parts
        reg = event.region()
        sc = self.scene()
        if sc is not None and reg.rectCount() > 1:
            inv, _ok = self.viewportTransform().inverted()
            sc.exposed_rects = [inv.mapRect(QRectF(q)) for q in reg]
        try:
            super().paintEvent(event)
        finally:
            if sc is not None:
                sc.exposed_rects = None

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        z = self.zoom() * factor
        # fit-to-window can go below 5 % on a big graph: from there, zooming in must still work
        if (0.05 <= z <= 6) or (factor > 1 and z <= 6):
            self.scale(factor, factor)
            self._zoomed(moving=True)

    @property
    def sketching(self) -> bool:
        return self._settle.isActive()

    def _zoomed(self, moving: bool = False) -> None:
        z = self.zoom()
        sketch = moving and self.scene().edge_layer_on
        if sketch:
            self._settle.start()
        else:
            self._settle.stop()
        self.scene().set_far(z < 0.4, sketch=sketch)
        self.scene().set_overview(z < 0.15)
        # antialiased lines cost ~10x in Qt's raster engine: smooth lines only on graphs of modest size
        # (boxes and their text smooth themselves in NodeItem.paint)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, z >= 0.4 and len(self.scene().edges) <= EDGES_SMOOTH_MAX)
        self.sig_zoom_changed.emit(z)

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-30, -30, 30, 30)
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:
            self.resetTransform()
            self.scale(1.5, 1.5)
            self.centerOn(rect.center())
        self._zoomed()

    def reset_zoom(self) -> None:
        self.resetTransform()
        self._zoomed()

    def wheelEvent(self, event) -> None:
        # the wheel zooms around the mouse; Shift + wheel scrolls
        delta = event.angleDelta().y()
        if delta and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.zoom_by(1.0015 ** delta)
            return
        super().wheelEvent(event)

    # -- keyboard: arrows go from box to box; Tab leaves the canvas ---------------------
    ARROWS = {Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right", Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down"}

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        sc = self.scene()
        mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if event.key() in self.ARROWS and not mods:
            target = sc.step_selection(self.ARROWS[event.key()], self.mapToScene(self.viewport().rect().center()))
            if target is not None:
                self.ensureVisible(sc.nodes[target], 40, 40)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and sc.fail_mode:
            for nid in sc.selected_ids():
                if nid in sc.review.components or nid in sc.review.domains:
                    sc.sig_fail_clicked.emit(nid)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802
        # Tab moves to the next pane, as everywhere else; inside the canvas the arrows move
        return QWidget.focusNextPrevChild(self, next_)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._panning is not None:
            d = event.position() - self._panning
            self._panning = event.position()
            self.pan_by(-d.x(), -d.y())
            return
        super().mouseMoveEvent(event)

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll by (dx, dy) pixels (Qt moves what is drawn and paints only what comes into view)."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(int(h.value() + dx))
        v.setValue(int(v.value() + dy))

    def mouseReleaseEvent(self, event) -> None:
        if self._panning is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._panning = None
            self.unsetCursor()
            return
        super().mouseReleaseEvent(event)
