"""Items that draw many elements at once, for large graphs and far-out zoom levels.

:class:`EdgeLayer` draws every dependency line of a large graph (one ``drawLines`` per pen, from
numpy arrays of end points); :class:`OverviewItem` draws every box as one ``drawRects`` per colour
(and, very far out, every line too). The per-element items of :mod:`prr_app.ui.canvas_items` stay
in the scene without contents for selection, hit-testing and tooltips. Which one draws what, at
which zoom, is decided by :meth:`prr_app.ui.canvas_scene.GraphScene._apply_modes`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from prr_app import canvas_geometry
from prr_app.canvas_geometry import clip_segments
from prr_app.ui import theme

if TYPE_CHECKING:
    from prr_app.ui.canvas_scene import GraphScene

#: long side of the edge layer's sketch picture (pixels)
SKETCH_PX = 4096
#: the sketch picture is made this long after the lines last changed
SKETCH_IDLE_MS = 400


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
        self._whole: dict = {}
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
        from shiboken6 import Shiboken

        if not Shiboken.isValid(self):  # its window closed (and the scene went with it) since it was marked
            return
        if self.scene() is None or not self.isVisible() or self._pix is not None or not self.gscene.edge_layer_on:
            return
        from PySide6.QtCore import QThreadPool

        if not any(v.isVisible() for v in self.scene().views()):
            # another tab is looked at: not while it is (0.15-0.3 s of the GUI thread on 8,000 lines
            # fell inside the switch to the Checklist tab); once the canvas is shown again
            self._prep.start()
            return
        if QThreadPool.globalInstance().activeThreadCount():
            # a worker is busy (the analysis of the edit that changed the lines, most often): the
            # picture (0.1-0.6 s of the GUI thread on 8,000 lines, holding Python's lock) would hold
            # up its findings. Later, once the workers are idle
            self._prep.start()
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
        self._whole = {}  # per group: its lines as QLineF, when every line is in view (made when first needed)
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
        whole = far and not strips and r.contains(self._rect)
        for (kind, state, selected), a in self._groups.items():
            if whole:  # far out with every line in view (after an edit, say): the same lines as last time
                lines = self._whole.get((kind, state, selected))
                if lines is None:
                    lines = self._whole[(kind, state, selected)] = [QLineF(x1, y1, x2, y2) for x1, y1, x2, y2
                                                                    in a[:, :4].tolist()]
                painter.setPen(self._pen(kind, state, selected, far))
                painter.drawLines(lines)
                continue
            seg, vis = clip_segments(a[:, :4], r.left(), r.top(), r.right(), r.bottom())
            if len(seg) and strips:
                seg, near = canvas_geometry.strip_pieces(seg, [(q.left(), q.top(), q.right(), q.bottom()) for q in strips])
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


def _box_colour(n) -> str:
    """A box's colour in the overview: its what-if state, else SPOF, else its kind."""
    if n.state == "failed":
        return theme.FAILED
    if n.state == "down":
        return theme.DOWN
    if n.state == "degraded":
        return theme.DEGRADED
    if n.spof:
        return theme.SEVERITY_COLOURS["critical"]
    return theme.KIND_COLOURS.get(n.kind, theme.KIND_COLOURS["other"])


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
        self._where: dict = {}  # box id -> (colour, rect) as in the lists
        self.dirty = True

    def boundingRect(self) -> QRectF:
        return self._rect

    def rebuild(self) -> None:
        boxes: dict[str, list] = {}
        lines: dict[str, list] = {}
        selected: list = []
        rect = QRectF()
        where = {}
        for n in self.gscene.nodes.values():
            if n.is_group:
                continue
            r = QRectF(n.pos().x(), n.pos().y(), n.w, n.h)
            rect = rect.united(r)
            colour = _box_colour(n)
            boxes.setdefault(colour, []).append(r)
            where[n.node_id] = (colour, r)
            if n.isSelected():
                selected.append(r)
        for e in ([] if self.boxes_only else self.gscene.edges.values()):
            colour = theme.DOWN if e.state == "down" else theme.DEGRADED if e.state == "degraded" else "#9aa4b1"
            lines.setdefault(colour, []).append(QLineF(e.source.anchor(), e.target.anchor()))
        if rect != self._rect:  # (a full repaint: only when the graph's extent changed)
            self.prepareGeometryChange()
        self._boxes, self._lines, self._rect, self._selected = boxes, lines, rect, selected
        self._where = where
        self.dirty = False

    def reselect(self, nodes) -> list:
        """Only the selection changed: frame the boxes of ``nodes`` (in place of a rebuild of every
        box). Returns the frames before and after, the places to repaint."""
        old = self._selected
        self._selected = [QRectF(n.pos().x(), n.pos().y(), n.w, n.h) for n in nodes]
        return [r.adjusted(-10, -10, 10, 10) for r in old + self._selected]

    def recolour(self, nodes) -> bool:
        """Only the colours of ``nodes`` changed (a finding, a what-if state): move their boxes to
        their new colours' lists, in place of a rebuild of every box. False when it cannot (the
        lists are to be made again anyway, or a box is new)."""
        if self.dirty:
            return False
        for n in nodes:
            old = self._where.get(n.node_id)
            if old is None:
                return False
            colour = _box_colour(n)
            if colour != old[0]:
                self._boxes[old[0]].remove(old[1])
                self._boxes.setdefault(colour, []).append(old[1])
                self._where[n.node_id] = (colour, old[1])
        return True

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
