"""The view on the scene: zoom, pan, and the keyboard's way around the boxes."""
from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsView, QWidget

from prr_app.ui import theme
from prr_app.ui.canvas_scene import EDGES_SMOOTH_MAX, GraphScene
from prr_app.ui.tasks import hold_for_paint

#: a large graph is drawn in full this long after the last zoom step
SETTLE_MS = 180
#: the awaited paint (see GraphView.paint_due) is taken as done once no other came for this long:
#: an edit's paint is often followed at once by another (the new box selected, in a later turn)
PAINT_SETTLE_MS = 4
#: an exposed region of up to this many rectangles is told to the edge layer, which then draws only
#: the pieces of lines inside them (a diagonal pan exposes two strips); more (boxes repainted here and
#: there after a what-if or a finding) are drawn within their bounding rectangle, as Qt tells items:
#: clipping every line to each of dozens of small rectangles cost more than drawing them whole
EXPOSED_STRIPS_MAX = 4
#: ... and only while they cover less than this share of their bounding rectangle: two thin strips
#: of a diagonal pan, not a large region with a speck beside it (clipping every line to each piece
#: cost three times drawing them whole in the region's bounding rectangle)
EXPOSED_STRIPS_SHARE = 0.5


def _strips(region) -> bool:
    """Whether the pieces of ``region`` are strips worth drawing the lines in one by one (see
    :data:`EXPOSED_STRIPS_SHARE`)."""
    b = region.boundingRect()
    area = sum(r.width() * r.height() for r in region)
    return area < EXPOSED_STRIPS_SHARE * b.width() * b.height()


class GraphView(QGraphicsView):
    """Zoom with the wheel or Ctrl +/-; pan with the middle button or scroll bars."""

    sig_zoom_changed = Signal(float)
    #: the paint awaited after a staged build, a new layout or an edit came (see paint_due)
    sig_awaited_paint_done = Signal()

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
        # a review drawn in stages: its progress over the canvas, and a fit asked meanwhile done at the end
        self._fit_when_built = False
        # (monotonic time, longest wait) from a staged build's end, a new layout or an edit, until the
        # graph is painted and no other paint follows at once (see paint_due)
        self._due: tuple[float, float] | None = None
        self._painted = QTimer(self)  # started by each paint while one is due
        self._painted.setSingleShot(True)
        self._painted.setInterval(PAINT_SETTLE_MS)
        self._painted.timeout.connect(self._settled)
        scene.sig_build_progress.connect(lambda _f: self.viewport().update())
        scene.sig_built.connect(self._built)
        scene.sceneRectChanged.connect(lambda _r: self._unfit())
        scene.sig_redrawn.connect(self._redrawn)

    #: how long after a staged build ends its first paint is waited for (a hidden view never paints)
    FIRST_PAINT_WAIT_S = 0.3
    #: how long an edit's paint is waited for (it comes within a turn or two of the event loop)
    EDIT_PAINT_WAIT_S = 0.1

    def paint_due(self) -> bool:
        """A staged build has ended, an edit's new layout was brought in, or an edit changed what
        the graph shows, and the graph is about to be painted, or was and another paint may follow
        at once (:data:`PAINT_SETTLE_MS`), for at most the wait given then: the analysis waits for
        that paint (see MainWindow._canvas_drawing). Beside the analysis'
        worker the paint waited for Python's lock at each call into Qt: an added dependency's line
        was painted 0.2 s after the edit, for 10 ms of the GUI thread's time."""
        if self._due is None:
            return False
        since, wait = self._due  # (paints in a row cannot hold it longer either)
        if time.monotonic() - since > wait:
            self._due = None
            return False
        return True

    def _settled(self) -> None:
        if self._due is not None:
            self._due = None
            self.sig_awaited_paint_done.emit()

    def await_paint(self) -> None:
        """An edit changed what the graph shows: it is painted before the analysis starts (see
        :meth:`paint_due`), if the view is shown at all."""
        if self.isVisible() and self.viewport().updatesEnabled():
            self._due = (time.monotonic(), self.EDIT_PAINT_WAIT_S)
            # a paint is sure to come. The whole view: asked for a pixel, Qt painted it with what the
            # edit changed as one region of two pieces, a new dependency's in 15-22 ms against 5-11 ms
            # for the whole view (2,000 components at 1280x720)
            self.viewport().update()

    def _built(self) -> None:
        self._due = (time.monotonic(), self.FIRST_PAINT_WAIT_S)
        self.viewport().update()
        if self._fit_when_built:
            self._fit_when_built = False
            self.fit()

    def _redrawn(self) -> None:
        """The items were brought in step with an edit's new layout in one go: the next paint (the
        scene's index brought up to date for every moved box) is awaited like a build's first."""
        self._due = (time.monotonic(), self.FIRST_PAINT_WAIT_S)

    def _draw_progress(self, painter: QPainter) -> None:
        sc = self.scene()
        # "Drawing the graph… 40 %" in a band across the top of the canvas, in view coordinates
        vp = self.viewport().rect()
        band = QRectF(0, 0, vp.width(), 34)
        painter.fillRect(band, QColor(theme.GROUP_FILL))
        bar = QRectF(0, 30, vp.width() * sc.build_progress, 4)
        painter.fillRect(bar, QColor(theme.SELECTION))
        painter.setPen(QColor(theme.TEXT))
        done = "laying out the graph…" if sc.build_progress == 0 else f"drawing the graph… {sc.build_progress:.0%}"
        painter.drawText(band.adjusted(12, 0, -12, -4), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         f"Opening {len(sc.review.components):,} components and "
                         f"{len(sc.review.dependencies):,} dependencies: {done}")

    def paintEvent(self, event) -> None:
        if self.scene() is not None and self.scene().building:
            # a review drawn in stages: its progress, not a half-made graph (painting that, and the
            # hit shapes of lines under the mouse, would cost the GUI thread more than the build)
            p = QPainter(self.viewport())
            p.fillRect(self.viewport().rect(), QColor(theme.CANVAS))
            self._draw_progress(p)
            p.end()
            return
        # items are told only the bounding rect of what is exposed; the edge layer wants the parts
        reg = event.region()
        sc = self.scene()
        if sc is not None and 1 < reg.rectCount() <= EXPOSED_STRIPS_MAX and _strips(reg):
            inv, _ok = self.viewportTransform().inverted()
            sc.exposed_rects = [inv.mapRect(QRectF(q)) for q in reg]
        try:
            super().paintEvent(event)
        finally:
            if sc is not None:
                sc.exposed_rects = None
        if self._due is not None:
            self._painted.start()  # done once no other paint follows at once (_settled)

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        z = self.zoom() * factor
        # fit-to-window can go below 5 % on a big graph: from there, zooming in must still work
        if (0.05 <= z <= 6) or (factor > 1 and z <= 6):
            self._unfit()
            self.scale(factor, factor)
            self._zoomed(moving=True)

    @property
    def sketching(self) -> bool:
        return self._settle.isActive()

    def _zoomed(self, moving: bool = False) -> None:
        if moving:
            hold_for_paint()  # a worker beside it (the checklist evaluated ahead) waits for its frames
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
        if self.scene().building:  # fitted once every box is there
            self._fit_when_built = True
            return
        rect = self.scene().itemsBoundingRect().adjusted(-30, -30, 30, 30)
        if rect.isEmpty():
            return
        # the whole graph, or when that is specks (a long strip of 2,000 boxes) its entry points at a
        # readable zoom: canvas_geometry.fit_view decides
        from prr_app.canvas_geometry import Rect, fit_view

        def box(r):
            return Rect(r.x(), r.y(), r.width(), r.height())
        entry = [box(it.sceneBoundingRect()) for it in self.scene().nodes.values() if it.user_facing]
        vp = self.viewport().rect()
        zoom, (cx, cy) = fit_view(box(rect), vp.width(), vp.height(), entry)
        self.setSceneRect(QRectF())  # the scene's (with room around the boxes) while it is worked out
        self.resetTransform()
        self.scale(zoom, zoom)
        seen = QRectF(0, 0, (vp.width() - 1) / zoom, (vp.height() - 1) / zoom)
        seen.moveCenter(QPointF(cx, cy))
        if seen.contains(rect.adjusted(2 / zoom, 2 / zoom, -2 / zoom, -2 / zoom)):
            # the whole graph in view: the view scrolls no further (no scroll bars into empty canvas)
            # until the zoom changes or a box is moved out of it
            self.setSceneRect(seen)
        self.centerOn(cx, cy)
        self._zoomed()

    def _unfit(self) -> None:
        """The view scrolls over the whole scene again (after a fit that showed the whole graph)."""
        if not self.sceneRect().isNull() and self.sceneRect() != self.scene().sceneRect():
            self.setSceneRect(QRectF())

    def reset_zoom(self) -> None:
        self._unfit()
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

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt's name
        # a pan (drag, wheel with Shift, scroll bars, keys): a worker beside it waits for its frames
        hold_for_paint()
        super().scrollContentsBy(dx, dy)

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
        if self._fitted_rect_set() and not self.sceneRect().contains(self.scene().itemsBoundingRect()):
            self._unfit()  # a box dragged out of the fitted view: the canvas scrolls to it again

    def _fitted_rect_set(self) -> bool:
        return self.sceneRect() != self.scene().sceneRect()
