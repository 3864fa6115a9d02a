"""Items that draw many elements at once, for large graphs and far-out zoom levels.

:class:`EdgeLayer` draws every dependency line of a large graph (one ``drawLines`` per pen, from
numpy arrays of end points); :class:`OverviewItem` draws every box as one ``drawRects`` per colour
(and, very far out, every line too). The per-element items of :mod:`prr_app.ui.canvas_items` stay
in the scene without contents for selection, hit-testing and tooltips. Which one draws what, at
which zoom, is decided by :meth:`prr_app.ui.canvas_scene.GraphScene._apply_modes`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from prr_app import canvas_geometry
from prr_app.canvas_geometry import clip_segments
from prr_app.ui import theme
from prr_app.ui.tasks import urgent_under_way

if TYPE_CHECKING:
    from prr_app.ui.canvas_scene import GraphScene

#: long side of the edge layer's sketch picture (pixels)
SKETCH_PX = 4096
#: the sketch picture is made this long after the lines last changed
SKETCH_IDLE_MS = 400
#: lines drawn into the sketch picture per turn of the event loop when it is made ahead (8,000
#: lines in one go held the GUI thread 0.1-0.2 s, and Python's lock with it)
SKETCH_STEP_LINES = 1000
#: restyled lines are moved between the edge layer's groups up to this share of its lines; above,
#: every group is made again (cheaper then: one pass in numpy instead of a move per line)
REGROUP_MAX_SHARE = 0.25


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
        self._groups: dict = {}  # line_key -> its lines' ends and fallback flag (n x 5), in draw order
        self._ids: dict = {}  # line_key -> each row's line number (n), to take rows out of a group
        self._where: dict = {}  # EdgeItem -> its line number in the groups (see _ids)
        self._line_keys: list = []  # line number -> its group's key (one object per group)
        self._pending: set = set()  # lines restyled since the groups were made (see restyled)
        self._added: list = []  # lines added since (see added)
        self._whole: dict = {}
        self.dirty = True
        #: while the zoom changes: draw the lines from one picture of them all (made when they
        #: change, at most SKETCH_PX on its long side), scaled, instead of line by line
        self.sketch = False
        self._pix = None
        self._pix_scale = 1.0
        # the scene's children: they go with it (a timer of its own outlived the layer, and fired on it)
        self._prep = QTimer(scene)
        self._prep.setSingleShot(True)
        self._prep.setInterval(SKETCH_IDLE_MS)
        self._prep.timeout.connect(self._prepare_sketch)
        self._making = None  # the picture being made ahead, a step per turn (sketch_steps)
        self._wanted = False  # a zoom wants it: made on, whatever the workers do
        self._last_pix = None  # the picture before the lines last changed: (picture, scale, rect)
        self._next_step = QTimer(scene)
        self._next_step.setSingleShot(True)
        self._next_step.setInterval(0)
        self._next_step.timeout.connect(self._prepare_sketch)

    def boundingRect(self) -> QRectF:
        return self._rect

    def mark(self) -> None:
        """Lines came, went or moved: every group is made again before the next paint."""
        self._drawn_changed()
        self._cover_scene()
        if not self.dirty:
            self.dirty = True
            self._pending.clear()
            self._added = []
            self.update()

    def added(self, lines) -> None:
        """New lines (a dependency added in a meeting), the others as they were: appended to their
        groups before the next paint (making every group again was ~50 ms of 8,000 lines)."""
        if self.dirty or not lines:
            return
        self._cover_scene()
        if not self._added and not self._pending:
            self._drawn_changed()
            self.update()
        self._added.extend(lines)

    def _cover_scene(self) -> None:
        """Until its groups are made again (in its next paint), the lines may lie outside the rect they
        were last made for (an empty one before the first): an item is painted only where its bounding
        rect is exposed, so the lines did not show until the sketch timer made them (0.4 s after a
        review opened, longer while workers ran). Meanwhile the layer covers the scene, which holds
        every box with room around it."""
        need = self._rect.united(self.gscene.sceneRect())
        if need != self._rect:
            self.prepareGeometryChange()
            self._rect = need
            self.update()

    def restyled(self, line) -> None:
        """Only ``line``'s colour or selection changed (a what-if, a journey, the selection): it is
        moved to its new group before the next paint, the other lines left where they are (a
        what-if recolours hundreds of 8,000 lines; regrouping them all was ~0.1 s per arrow key)."""
        if self.dirty:
            return  # every group is made again anyway
        if not self._pending:
            self._drawn_changed()
            self.update()
        self._pending.add(line)
        if len(self._pending) > REGROUP_MAX_SHARE * len(self._where):
            self.mark()  # most lines restyled: every group made again (see _regroup); no more collected

    def restyled_many(self, lines) -> None:
        """:meth:`restyled` for many lines at once (a what-if's): one test of the regrouping share."""
        if self.dirty or not lines:
            return
        if len(self._pending) + len(lines) > REGROUP_MAX_SHARE * len(self._where):
            self.mark()
            return
        if not self._pending:
            self._drawn_changed()
            self.update()
        self._pending.update(lines)

    def _drawn_changed(self) -> None:
        """What the lines look like changed: the sketch picture is made again."""
        if self._pix is not None:  # shown while the new one is made, if a zoom comes first
            self._last_pix = (self._pix, self._pix_scale, QRectF(self._rect))
        self._pix = None
        self._making = None
        self._wanted = False
        self._next_step.stop()
        self._prep.start()

    def in_step(self) -> None:
        """The groups as the lines are now: made again if lines came, went or moved, else only the
        restyled lines moved between groups."""
        if self.dirty:
            self.rebuild()
            return
        if self._added:
            self._append()
        if self._pending and not self.dirty:
            self._regroup()

    def forget(self) -> None:
        """Another review: no picture of this one's lines is shown, not even while a zoom waits
        (the next :meth:`mark`, when its lines are drawn, makes the new one)."""
        self._pix = self._making = self._last_pix = None
        self._wanted = False
        self._next_step.stop()
        self._prep.stop()

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

        if self._wanted:
            pass  # a zoom is under way: its frames draw lines until the picture is made
        elif not any(v.isVisible() for v in self.scene().views()):
            # another tab is looked at: not while it is (0.15-0.3 s of the GUI thread on 8,000 lines
            # fell inside the switch to the Checklist tab); once the canvas is shown again
            self._prep.start()
            return
        if QThreadPool.globalInstance().activeThreadCount() or urgent_under_way():
            # a worker is busy, or an edit's findings are awaited (its analysis about to start once
            # the edit is painted: steps of 5-10 ms each came in between, 15-30 ms in all): the
            # picture (0.1-0.6 s of the GUI thread on 8,000 lines, holding Python's lock) would hold
            # up the findings. Later, once the workers are idle
            self._prep.start()
            return
        self.in_step()
        if self._making is None:
            self._making = sketch_steps(self._rect, self._sketch_jobs())
        done = next(self._making)
        if done is None:
            self._next_step.start()  # the next lines at the next turn of the event loop
        else:
            self._pix, self._pix_scale = done
            self._making = None
            self._wanted = False

    def _want_sketch(self) -> None:
        """A zoom began before the picture was made: make it over the next turns of the event
        loop (made in one go inside the zoom's first frame, it was that frame's 0.15-0.45 s)."""
        if not self._wanted:
            self._wanted = True
            self._prep.stop()
            self._next_step.start()

    def rebuild(self) -> None:
        import numpy as np

        # plain floats per group and one key object per group: no container object kept per line
        # (8,000 of them tripped the cyclic collector's full pass, ~0.3 s, inside an arrow key)
        rows: dict = {}  # key -> x1, y1, x2, y2, fallback, x1, ...
        nums: dict = {}
        where = {}
        line_keys: list = []
        for e in self.gscene.edges.values():
            ends = getattr(e, "ends", None)
            if ends is None:
                continue
            key = line_key(e)
            xs = rows.get(key)
            if xs is None:
                xs = rows[key] = []
                nums[key] = []
            else:
                key = line_keys[nums[key][0]]  # the group's own key object
            xs.extend(ends)
            xs.append(1.0 if e.fallback else 0.0)
            nums[key].append(len(line_keys))
            where[e] = len(line_keys)
            line_keys.append(key)
        groups = {}
        rect = QRectF()
        for key, rs in rows.items():
            a = np.array(rs, dtype=float).reshape(-1, 5)
            groups[key] = a
            xs, ys = np.concatenate([a[:, 0], a[:, 2]]), np.concatenate([a[:, 1], a[:, 3]])
            rect = rect.united(QRectF(QPointF(xs.min(), ys.min()), QPointF(xs.max(), ys.max())))
        rect = rect.adjusted(-16, -16, 16, 16)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._groups = _in_draw_order(groups)
        self._ids = {key: np.array(ns, dtype=np.int64) for key, ns in nums.items()}
        self._where, self._line_keys = where, line_keys
        self._pending = set()
        self._added = []
        self._whole = {}  # per group: its lines (line_pairs), when every line is in view (made when first needed)
        self.dirty = False

    def _append(self) -> None:
        """Put the lines added (:meth:`added`) in their groups, in numpy; the rest stay as they are."""
        added, self._added = self._added, []
        own = {key: key for key in self._groups}
        coming: dict = {}
        rect = self._rect
        for e in added:
            if e in self._where or e.ends is None or self.gscene.edges.get(e.dep_id) is not e:
                self.rebuild()  # not a new line the groups lack (or not drawn): all made again
                return
            key = own.setdefault(line_key(e), line_key(e))
            n = len(self._line_keys)
            self._where[e] = n
            self._line_keys.append(key)
            ns, rs = coming.setdefault(key, ([], []))
            ns.append(n)
            rs.extend(e.ends)
            rs.append(1.0 if e.fallback else 0.0)
            x1, y1, x2, y2 = e.ends
            rect = rect.united(QRectF(QPointF(min(x1, x2), min(y1, y2)), QPointF(max(x1, x2), max(y1, y2)))
                               .adjusted(-16, -16, 16, 16))
        groups, ids = dict(self._groups), self._ids
        _add_rows(groups, ids, coming)
        for key in coming:
            self._whole.pop(key, None)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._groups = _in_draw_order(groups)

    def _regroup(self) -> None:
        """Move the restyled lines (:meth:`restyled`) between groups: rows taken out of their old
        group and added to their new one, in numpy; the rest stay as they are."""
        import numpy as np

        pending, self._pending = self._pending, set()
        if len(pending) > REGROUP_MAX_SHARE * len(self._where):
            # most lines restyled (the first what-if of a hub: 7,700 of 8,000 lines): making every
            # group again is the cheaper way (31 ms profiled, where moving them was 156 ms)
            self.rebuild()
            return
        leaving: dict = {}  # group -> line numbers leaving it
        coming: dict = {}  # group -> (line numbers, rows) coming into it
        own = {key: key for key in self._groups}  # one key object per group (see rebuild)
        for e in pending:
            n = self._where.get(e)
            if n is None or e.ends is None or self.gscene.edges.get(e.dep_id) is not e:
                self.rebuild()  # a line the groups do not hold (or no longer should): all made again
                return
            was, key = self._line_keys[n], line_key(e)
            if key == was:
                continue
            key = own.setdefault(key, key)
            leaving.setdefault(was, []).append(n)
            ns, rs = coming.setdefault(key, ([], []))
            ns.append(n)
            rs.extend(e.ends)
            rs.append(1.0 if e.fallback else 0.0)
            self._line_keys[n] = key
        groups, ids = dict(self._groups), self._ids
        for key, ns in leaving.items():
            keep = ~np.isin(ids[key], np.array(ns, dtype=np.int64))
            if keep.any():
                groups[key], ids[key] = groups[key][keep], ids[key][keep]
            else:
                del groups[key], ids[key]
        _add_rows(groups, ids, coming)
        for key in set(leaving) | set(coming):
            self._whole.pop(key, None)
        self._groups = _in_draw_order(groups)

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

        self.in_step()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        far = lod < 0.4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.sketch:
            if self._pix is None:
                # meanwhile, the picture from before the lines last changed (their colours, mostly,
                # a few turns of the event loop late), else lines as closer in
                self._want_sketch()
                pix, k, rect = self._last_pix or (None, 0.0, None)
            else:
                pix, k, rect = self._pix, self._pix_scale, self._rect
            if pix is not None and lod <= 3 * k:  # sharp enough at this zoom (lines at most 3 px wide)
                src = option.exposedRect.intersected(rect)
                if not src.isEmpty():
                    painter.drawImage(src, pix, QRectF((src.left() - rect.left()) * k, (src.top() - rect.top()) * k,
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
                    draw_pairs(painter, line_pairs(seg))
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
                    lines = self._whole[(kind, state, selected)] = line_pairs(a)
                painter.setPen(self._pen(kind, state, selected, far))
                draw_pairs(painter, lines)
                continue
            seg, vis = clip_segments(a[:, :4], r.left(), r.top(), r.right(), r.bottom())
            if len(seg) and strips:
                seg, near = canvas_geometry.strip_pieces(seg, [(q.left(), q.top(), q.right(), q.bottom()) for q in strips])
                rows = np.flatnonzero(vis)
                vis = np.zeros(len(a), dtype=bool)
                vis[rows[near]] = True
            if not len(seg) and not vis.any():
                continue
            pieces = [seg]
            if not far and kind != "member":
                full = a[vis]
                heads = full[(full[:, 2] >= r.left()) & (full[:, 2] <= r.right())
                             & (full[:, 3] >= r.top()) & (full[:, 3] <= r.bottom())]
                if len(heads):
                    ang = np.arctan2(heads[:, 1] - heads[:, 3], heads[:, 0] - heads[:, 2])
                    tx, ty = heads[:, 2], heads[:, 3]
                    lx, ly = tx + np.cos(ang + 0.45) * 12, ty + np.sin(ang + 0.45) * 12
                    rx, ry = tx + np.cos(ang - 0.45) * 12, ty + np.sin(ang - 0.45) * 12
                    # each head: its two sides (and, for a hard dependency, its base), head by head
                    sides = [np.column_stack([lx, ly, tx, ty]), np.column_stack([rx, ry, tx, ty])]
                    if kind == "hard":
                        sides.append(np.column_stack([lx, ly, rx, ry]))
                    pieces.append(np.stack(sides, axis=1).reshape(-1, 4))
            painter.setPen(self._pen(kind, state, selected, far))
            draw_pairs(painter, line_pairs(np.concatenate(pieces) if len(pieces) > 1 else seg))
            if not far:
                fb = a[vis & (a[:, 4] > 0)]
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for x1, y1, x2, y2, _f in fb.tolist():
                    painter.drawEllipse(QPointF(x1 + (x2 - x1) * 0.15, y1 + (y2 - y1) * 0.15), 4, 4)
        if not far:
            # the "?" of the calls an import guessed and no reviewer confirmed (few): at each line's middle
            from prr_app.ui.canvas_items import draw_guess_mark

            edges = self.gscene.edges
            for did, conf in self.gscene.guesses.items():
                e = edges.get(did)
                if e is None or e.ends is None:
                    continue
                x1, y1, x2, y2 = e.ends
                mid = QPointF((x1 + x2) / 2, (y1 + y2) / 2)
                if r.contains(mid):
                    draw_guess_mark(painter, mid, conf)


def line_key(e) -> tuple:
    """The edge layer's group of a line, drawn with one pen: its kind, its what-if state (or
    "journey" on the journey shown), and whether it is selected."""
    return (e.kind, e.state or ("journey" if e.journey else None), e.isSelected())


#: groups drawn first to last: plain lines under degraded, down, journey, and selected ones on top
_STATE_ORDER = {None: 0, "degraded": 1, "down": 2, "journey": 3}


def _add_rows(groups: dict, ids: dict, coming: dict) -> None:
    """Add lines to the edge layer's groups: ``coming`` maps a group's key to (line numbers, their
    rows of x1, y1, x2, y2, fallback flattened), appended to the group's arrays (made if new)."""
    import numpy as np

    for key, (ns, rs) in coming.items():
        new_ids, new_rows = np.array(ns, dtype=np.int64), np.array(rs, dtype=float).reshape(-1, 5)
        if key in groups:
            groups[key] = np.concatenate([groups[key], new_rows])
            ids[key] = np.concatenate([ids[key], new_ids])
        else:
            groups[key], ids[key] = new_rows, new_ids


def _in_draw_order(groups: dict) -> dict:
    """The groups in one order whatever order they were made in (the lines drawn last are on
    top where lines cross: the same picture after any sequence of what-ifs)."""
    return dict(sorted(groups.items(), key=lambda kv: (kv[0][2], _STATE_ORDER.get(kv[0][1], 4), kv[0][0])))


def line_pairs(a) -> QPolygonF:
    """Lines (an n x 4 array of end points x1, y1, x2, y2) as the point pairs ``drawLines`` takes,
    made in C++ from the array's bytes: one Python object, where a list of ``QLineF`` made 8,000
    objects per frame of a large graph, and the cyclic garbage collector's passes they tripped
    (a full pass over every object of the app, ~0.1-0.3 s, landed inside a frame)."""
    import numpy as np

    pts = np.ascontiguousarray(a[:, :4], dtype=">f8")  # QDataStream's doubles: big-endian
    data = QByteArray(np.array([2 * len(pts)], dtype=">u4").tobytes() + pts.tobytes())
    poly = QPolygonF()
    QDataStream(data) >> poly
    return poly


def draw_pairs(painter: QPainter, pairs: QPolygonF) -> None:
    """Draw the lines of :func:`line_pairs` (through the overload that takes the points where they
    are: handed over as a sequence, the polygon's points are copied one by one, 2.5x the time)."""
    if pairs.size() >= 2:
        painter.drawLines(pairs.data(), pairs.size() // 2)


def sketch_steps(rect: QRectF, jobs, per_step: int = SKETCH_STEP_LINES):
    """A picture of lines (``jobs``: pen and n x 4 end points) covering ``rect``, drawn
    ``per_step`` lines at a time: yields None after each step, then (picture, scale)."""
    from PySide6.QtGui import QImage

    scale = min(1.0, SKETCH_PX / max(rect.width(), rect.height(), 1.0))
    img = QImage(max(1, int(rect.width() * scale) + 1), max(1, int(rect.height() * scale) + 1),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    try:
        p.scale(scale, scale)
        p.translate(-rect.left(), -rect.top())
        for pen, a in jobs:
            p.setPen(pen)
            for k in range(0, len(a), per_step):
                draw_pairs(p, line_pairs(a[k:k + per_step]))
                yield None
    finally:
        p.end()
    yield img, scale


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
        self._lines: dict[str, QPolygonF] = {}  # per colour: point pairs (see line_pairs)
        self._selected: list = []
        self.boxes_only = False  # far (not very far) out on a large graph: the edge layer draws the lines
        self._where: dict = {}  # box id -> (colour, rect) as in the lists
        self.dirty = True

    def boundingRect(self) -> QRectF:
        return self._rect

    def rebuild(self) -> None:
        boxes: dict[str, list] = {}
        lines: dict[str, QPolygonF] = {}
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
        if not self.boxes_only:
            import numpy as np

            # every line from box centre to box centre, as plain floats per colour (no object per
            # line: 8,000 QLineF objects were 60 ms of this and fed the cyclic collector)
            anchors = {}

            def at(n):
                xy = anchors.get(n)
                if xy is None:
                    a = n.anchor()
                    xy = anchors[n] = (a.x(), a.y())
                return xy

            flat: dict[str, list] = {}
            for e in self.gscene.edges.values():
                colour = theme.DOWN if e.state == "down" else theme.DEGRADED if e.state == "degraded" else "#9aa4b1"
                xs = flat.get(colour)
                if xs is None:
                    xs = flat[colour] = []
                xs.extend(at(e.source))
                xs.extend(at(e.target))
            lines = {colour: line_pairs(np.array(xs, dtype=float).reshape(-1, 4)) for colour, xs in flat.items()}
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
            draw_pairs(painter, ls)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rs in self._boxes.items():
            painter.setBrush(QColor(colour))
            painter.drawRects(rs)
        if self._selected:
            painter.setPen(QPen(QColor(theme.SELECTION), 0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects([r.adjusted(-8, -8, 8, 8) for r in self._selected])
