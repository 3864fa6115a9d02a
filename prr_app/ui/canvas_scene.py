"""The scene: the canvas's items kept in step with one session's review.

The scene keeps its items in step with the review by id (create what is new, update what
changed, drop what is gone) so that an edit on a large review does not redraw everything. A
drag becomes one move command when the mouse is released; a shift-drag from one box to another
asks for a new dependency. It decides who draws what at each zoom level (see :meth:`_apply_modes`).
"""
from __future__ import annotations

import logging
import math
import time
from contextlib import contextmanager
from types import GeneratorType

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsLineItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem,
)

from prr_app.layout import UNPLACED, StableLayout, shared_tag_text, shared_tags
from prr_app.model.entities import Review
from prr_app.routing import columns_of
from prr_app.ui import theme
from prr_app.ui.canvas_items import STATE_TAGS, EdgeItem, GroupItem, NodeItem, RegionItem, move_lines
from prr_app.ui.canvas_layers import EdgeLayer, OverviewItem
from prr_app.ui.layout_bridge import NODE_H, NODE_W, scene_layout, to_scene
from prr_app.wording import domain_kind_noun, enum_words

log = logging.getLogger(__name__)

#: above this many dependencies, lines are drawn by the edge layer, without antialiasing
EDGES_SMOOTH_MAX = 600
#: a review with more components and dependencies than this is drawn in slices when it is opened
#: (its layout computed on a worker), the window responsive in between; smaller ones in one go
STAGED_BUILD_MIN = 3000
#: the longest slice of a staged build on the GUI thread
SLICE_MS = 40
#: the sync's steps (see GraphScene._sync_steps) yield after this many elements: a yield per element
#: was a third of a large review's re-layout on the GUI thread (36,000 generator steps)
STEP_ITEMS = 16
#: a staged build whose items are all made, its end to come at the next turn of the event loop
_ITEMS_MADE = object()


class GraphScene(QGraphicsScene):
    """Items for one session's review."""

    #: node ids moved by one drag: {id: (x, y)}
    sig_nodes_moved = Signal(object)
    #: ask for a dependency from the first id to the second
    sig_link_requested = Signal(str, str)
    #: in fail-this mode: a component box or a failure domain's label was clicked (press and release: one click)
    sig_fail_clicked = Signal(str)
    #: a staged build drew this fraction of the review's elements
    sig_build_progress = Signal(float)
    #: a staged build ended: every element has its item
    sig_built = Signal()
    #: the items are in step with edits whose layout was computed on a worker (:meth:`_redraw_later`)
    sig_redrawn = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.member_edges: dict[tuple[str, str], EdgeItem] = {}
        self.regions: dict[str, RegionItem] = {}
        #: the layout drawn, every box kept where it is across edits (a whole layout only on open and
        #: when asked: see relayout); its scene units, and the layout they were made from
        self._stable = StableLayout()
        self._auto: tuple = ({}, [])
        self._auto_of = None
        self._in_step = False  # sync brought the layout in step with the edit: _sync_steps takes it as is
        self._drawn_regions = None  # the regions drawn last
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
        #: a staged build under way: the sync's steps still to run (see :meth:`rebuild`)
        self._build = None
        self.build_progress = 1.0
        self._slicer = QTimer(self)
        self._slicer.setSingleShot(True)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._build_slice)
        #: an edit of a large review that changed its layout: its layout on a worker (the task;
        #: see :meth:`_redraw_later`)
        self._relayout = None
        #: the sync that brings the items in step with an edit's new layout, run in slices (see
        #: _redraw_slice): its steps, or _ITEMS_MADE once they are done (the edge layer's turn next)
        self._redraw = None
        self._redraw_slicer = QTimer(self)
        self._redraw_slicer.setSingleShot(True)
        self._redraw_slicer.setInterval(0)
        self._redraw_slicer.timeout.connect(self._redraw_slice)
        self._select_later = None  # ids selected before their items were made
        self._lines_unflagged = False  # see _sync_steps
        #: what the colour setters were last told: items made later (a staged build) get it too
        self._marks: dict[str, tuple] = {}
        #: ... and, with the count of syncs that made items, to skip telling the items the same again
        self._told: dict[str, tuple] = {}
        self._items_made = 0
        # the edge layer draws selected lines in the selection colour, the overview selected boxes framed
        self.selectionChanged.connect(self._selection_drawn)
        self._lines_selected: set = set()  # the lines selected when the selection last changed
        self._lines_quiet = False  # lines being redrawn in a batch: the edge layer is told after it
        self._centres = None  # (what it was made for, CentreIndex): the arrow keys' boxes, see step_selection
        #: the shared-domain tags the boxes carry (prr_app.layout.shared_tags), as last drawn
        self._tag_map: dict[str, str] = {}
        #: the failure domains the last analysis found to be single points of failure
        self.domain_spofs: frozenset = frozenset()
        #: the calls an import inferred that no reviewer has accepted or rejected: dependency id -> "weak" or
        #: "strong" (reporting.assessment.Guesses, as the report marks them); their lines carry a "?"
        self.guesses: dict[str, str] = {}

    @property
    def review(self) -> Review:
        return self.session.review

    def route_columns(self):
        """The columns of boxes as they are now (see prr_app/routing.py), measured once per move."""
        if self._columns is None:
            # lines keep 7 clear of a box: its badges stand out on its corners
            self._columns = columns_of(((n.pos().x(), n.pos().y(), n.w, n.h)
                                        for n in self.nodes.values() if not n.is_group), margin=7.0)
        return self._columns

    def _reroute_steps(self, moved=(), added=()):
        """Redraw each line once after a sync: those whose boxes ``moved``, those ``added`` (new lines,
        the edge layer told of them alone when no other line moved), and, when the boxes' columns
        changed, every line (it may have to take another way). Yields after each line."""
        todo = set(moved)  # (group membership lines among them)
        if self.edge_layer_on:  # the edge layer draws lines straight: so must their hit shapes be
            if self._routed_columns is not None:
                todo.update(self.edges.values())
            self._routed_columns = None
            todo.update(e for e in self.edges.values() if e._stale)
        else:
            self._columns = None  # boxes may also have come or gone, not only moved
            cols = self.route_columns()
            if cols != self._routed_columns:
                self._routed_columns = cols
                todo.update(self.edges.values())
            else:
                todo.update(e for e in self.edges.values() if e._stale)
        # the edge layer is told once, at the end, not by each of (up to) 8,000 lines redrawn
        self._lines_quiet = True
        new = set(added)
        only_new = False
        try:
            if self.edge_layer_on:  # its lines moved all at once (canvas_items.move_lines)
                lines = [e for e in todo if e.kind != "member" and e.scene() is self]
                only_new = bool(new) and all(e in new for e in lines)
                yield  # a step of its own (~15 ms on 8,000 lines): a sliced sync's slice may end here
                yield from move_lines(lines)
                todo = [e for e in todo if e.kind == "member"]
            for e in todo:
                if e.scene() is self:
                    e.adjust()
                    yield
        finally:
            self._lines_quiet = False
            if self.edge_layer_on:
                if only_new:
                    self.edge_layer.added([e for e in new if e.kind != "member" and e.scene() is self])
                elif todo or lines:
                    self.edge_layer.mark()

    # -- building ------------------------------------------------------
    @property
    def building(self) -> bool:
        """A staged build is under way (some elements have no item yet)."""
        return self._build is not None

    def rebuild(self) -> None:
        """Drop every item and draw the review afresh.

        A review of more than :data:`STAGED_BUILD_MIN` elements is drawn in stages: its layout is
        computed on a worker thread, then its items are made in slices of at most :data:`SLICE_MS`
        on the GUI thread, which stays responsive in between (``building`` is true meanwhile;
        ``sig_build_progress`` and ``sig_built`` tell how far it is). The views take no mouse
        input while it lasts."""
        self._stop_build()
        self._stop_edit_redraw()
        for v in self.views():
            v.setRenderHint(QPainter.RenderHint.Antialiasing, len(self.review.dependencies) <= EDGES_SMOOTH_MAX)
        self.removeItem(self.overview)
        self.removeItem(self.edge_layer)
        self.edge_layer.forget()
        # the lists first, and the selection's end said once the scene is empty: clear() announced it while
        # they still held the deleted boxes, which the window's what-if colouring then touched
        selected = bool(self.selectedItems())
        self.nodes.clear()
        self.edges.clear()
        self.member_edges.clear()
        self.blockSignals(True)
        try:
            self.clear()
        finally:
            self.blockSignals(False)
        self.setSceneRect(QRectF())  # grown again from the items (see _keep_room)
        self.addItem(self.overview)
        self.addItem(self.edge_layer)
        self._lines_selected = set()
        self.regions.clear()
        self._stable = StableLayout()
        self._auto_of = self._drawn_regions = None
        self._tag_map = {}
        self._in_step = False
        self._marks.clear()
        self._told.clear()
        self.guesses = self._read_guesses()  # the lines made below are marked as they are made
        if selected:
            self.selectionChanged.emit()
        r = self.review
        if len(r.components) + len(r.dependencies) <= STAGED_BUILD_MIN:
            self.sync()
            return
        self._build = iter(())  # building: set before the layout comes back
        self.build_progress = 0.0
        for v in self.views():
            v.setInteractive(False)
        self.sig_build_progress.emit(0.0)
        from prr_app.ui.tasks import Task

        snapshot = self.session.analysis_copy()  # elements are never changed in place: a faithful copy
        task = Task("layout", _layout_task, snapshot)
        # bound methods: Qt drops them if the scene goes first (the window closed meanwhile)
        task.signals.sig_done.connect(self._laid_out)
        task.signals.sig_failed.connect(self._layout_failed)
        self._layout_task = task  # kept alive until it reports
        task.start()

    def _layout_failed(self, _e, _tb) -> None:
        self._laid_out(None)  # the layout is computed here then, in the first slice

    def _laid_out(self, res) -> None:
        """The worker's layout is back: make the items, slice by slice."""
        if (self._build is None or self._build is _ITEMS_MADE or isinstance(self._build, GeneratorType)
                or self.sender() is not self._layout_task.signals):
            return  # another review (or a newer build) since
        if res is not None:  # the whole layout of the review as opened; edits since are placed in it
            self._stable = res
        self._build = self._sync_steps(None)
        self._slicer.start()

    def _build_slice(self, whole: bool = False) -> None:
        """Run the staged build for :data:`SLICE_MS` (``whole``: to its end), then let the event loop go on.
        Once every item is made, what ends the build (the colours told meanwhile, the views fitted
        to the graph) runs at the next turn, not in the last slice's time."""
        steps = self._build
        if steps is _ITEMS_MADE:
            if self.edge_layer_on and self.edge_layer.dirty:
                self.edge_layer.in_step()  # the lines' groups, a turn of their own (~40 ms on 8,000 lines)
                if not whole:
                    self._slicer.start()
                    return
            self._end_build()
            return
        if not isinstance(steps, GeneratorType):
            return  # none, or its layout is still on the worker
        end = math.inf if whole else time.perf_counter() + SLICE_MS / 1000
        for step in steps:
            if step is not None:
                self.build_progress = step
            if time.perf_counter() > end:
                self.sig_build_progress.emit(self.build_progress)
                self._slicer.start()
                return
        self._build = _ITEMS_MADE
        if whole:
            self._end_build()
        else:
            self._slicer.start()

    def _end_build(self) -> None:
        self._build = None
        self.build_progress = 1.0
        for v in self.views():
            v.setInteractive(True)
        for setter, args in list(self._marks.items()):  # colours told while the items were being made
            getattr(self, setter)(*args)
        self.sig_built.emit()

    def _stop_build(self) -> None:
        if self._build is not None:
            if isinstance(self._build, GeneratorType):
                self._build.close()  # its finally: clause runs
            self._build = None
            self._slicer.stop()
            self.build_progress = 1.0
            for v in self.views():
                v.setInteractive(True)

    def finish_build(self) -> None:
        """Make every item now: the staged build's remaining slices in one go (a layout still on
        its worker is computed here instead)."""
        if self._build is None:
            return
        if self._build is not _ITEMS_MADE and not isinstance(self._build, GeneratorType):
            self._build = self._sync_steps(None)
        self._slicer.stop()
        self._build_slice(whole=True)

    def _layout(self):
        """The layout of the review as it is, in scene units: the one drawn, every box kept where it
        is and new ones placed among them (see :class:`prr_app.layout.StableLayout`)."""
        st = self._stable
        if self._in_step:  # just brought in step by sync
            self._in_step = False
        else:
            pos_regions = scene_layout(self.review, st)
            if st.layout is None:  # its fallback: a grid
                return pos_regions
        if st.layout is not self._auto_of:
            self._auto, self._auto_of = to_scene(st.layout), st.layout
        return self._auto

    @property
    def layout_origin(self) -> tuple[float, float]:
        """The point of ``review.layout``'s units drawn at the scene's 0,0 (scaled: see layout_bridge)."""
        lay = self._stable.layout
        return lay.origin if lay is not None else (0.0, 0.0)

    def relayout(self) -> None:
        """Lay the whole graph out again (View > Automatic Layout): a large review's on a worker."""
        if self._build is not None:
            return  # a build lays it out whole already
        r = self.review
        if len(r.components) + len(r.dependencies) > STAGED_BUILD_MIN:
            self._redraw_later()
            return
        self._stable.relayout(r)
        self._in_step = True
        for _ in self._sync_steps(None):
            pass

    #: collections the canvas draws; an edit of anything else (answers, risks, journeys...) leaves it alone
    DRAWN = frozenset({"components", "dependencies", "groups", "domains", "layout"})

    def sync(self, colls=None, keys=None) -> None:
        """Bring the items in step with the review (``colls``: what changed; None: anything).

        ``keys``: the (collection, id) pairs the edit changed, when known. If only components and
        dependencies changed and the layout stays (no element came or went, none was placed
        elsewhere), only their items are looked at: on a review of 10,000 elements, most edits
        then cost the canvas well under a millisecond instead of a walk over every item."""
        if colls is None or set(colls) & {"imports", "dependencies"}:
            # a reviewer's decision in the import report (or its undo) changes only the import record: the
            # marks follow at once; lines made by the steps below take theirs from self.guesses
            self.set_guesses(self._read_guesses())
        if colls is not None and not (set(colls) & self.DRAWN):
            return
        if self._build is not None:
            # an edit while a staged build runs: the build goes on from the review as it is now
            # (items made so far are kept, by id, as in any sync)
            if isinstance(self._build, GeneratorType):
                self._build.close()
                self._build = self._sync_steps(None)
            elif self._build is _ITEMS_MADE:  # made for the review before this edit: in step again first
                self._build = self._sync_steps(None)
                self._slicer.start()
            return
        if self._redraw is not None:  # an edit while the last one's new layout is brought in: that first
            self._redraw_slice(whole=True)
        if self._relayout is not None:
            return  # drawn with the whole layout on its worker, once it is back (see _relaid_out)
        r = self.review
        st = self._stable
        if st.layout is not None:
            # every box kept where it is, new ones placed among them (a few ms on 2,000 boxes); what
            # takes a whole layout again (a zone with no region yet...) is a large review's on a worker
            try:
                extended = st.extend(r)
            except Exception:  # a layout bug must not stop the editor: laid out whole (or a grid)
                log.exception("StableLayout.extend failed")
                extended = None
            if extended is None and len(r.components) + len(r.dependencies) > STAGED_BUILD_MIN:
                self._redraw_later()
                return
            self._in_step = extended is not None
        for _ in self._sync_steps(colls, keys):
            pass

    # -- an edit that changes a large review's layout ------------------------
    @property
    def redrawing(self) -> bool:
        """An edit's new layout is being computed on a worker (the items are the review's before it),
        or the items are being brought in step with it."""
        return self._relayout is not None or self._redraw is not None

    def _redraw_later(self) -> None:
        """Bring a large review's items in step with a whole new layout (asked for, or an edit that
        needs one: see :class:`prr_app.layout.StableLayout`) without computing it on the GUI
        thread: it is computed on a worker from a snapshot (~0.3-0.8 s of CPU on 2,000 components
        and 8,000 dependencies), while the graph as it was stays shown and usable; the items are
        then brought in step in slices (:meth:`_redraw_slice`). Edits meanwhile are placed in it
        when it is back. A scene half in step with the review is
        never painted nor clicked (an earlier try at slices, painting it, crashed Qt when other
        events came between two slices): the views' updates and input are off until the last
        slice, the analysis (its colours) is held, and an edit first finishes the slices."""
        if self._relayout is not None:
            return  # its layout is checked against the review when it comes back
        from prr_app.ui.tasks import Task

        worker = StableLayout()
        worker.cache, self._stable.cache = self._stable.cache, worker.cache  # the worker's until it is back
        worker.whole = self._stable.whole
        task = Task("layout", _layout_task, self.session.analysis_copy(), worker)
        # bound methods: Qt drops them if the scene goes first
        task.signals.sig_done.connect(self._relaid_out)
        task.signals.sig_failed.connect(self._relayout_failed)
        self._relayout = task
        # started once the edit is done and painted (posted paints run before a zero timer): beside
        # the worker, the rest of the edit (the inspector's form, the what-if) waited for Python's lock
        QTimer.singleShot(0, self, lambda: task.start() if self._relayout is task else None)

    def _relaid_out(self, res) -> None:
        if self._relayout is None or self.sender() is not self._relayout.signals:
            return  # another review since
        self._relayout = None
        self._stable = res
        if res.extend(self.review) is None:  # edited meanwhile, and that takes a whole layout too
            self._redraw_later()
            return
        self._in_step = True
        # the items brought in step in slices of at most SLICE_MS, as a staged build makes them (in one
        # go it was a block of 150-260 ms on 2,000 components). Meanwhile the views neither paint
        # (a half-moved graph: the old picture stays) nor take mouse input, and the analysis waits
        # (``redrawing``); an edit meanwhile first brings them in step in one go (see sync)
        self._redraw = self._sync_steps(None)
        for v in self.views():
            v.setInteractive(False)
            v.viewport().setUpdatesEnabled(False)
        self._redraw_slicer.start()

    def _redraw_slice(self, whole: bool = False) -> None:
        """Run the sliced redraw for :data:`SLICE_MS` (``whole``: to its end); the edge layer's groups
        are made in a turn of their own, then the views paint the graph as it is now."""
        steps = self._redraw
        if steps is None:
            return
        if steps is not _ITEMS_MADE:
            end = math.inf if whole else time.perf_counter() + SLICE_MS / 1000
            for _ in steps:
                if time.perf_counter() > end:
                    self._redraw_slicer.start()
                    return
            self._redraw = _ITEMS_MADE
            if not whole and self.edge_layer_on and self.edge_layer.dirty:
                self._redraw_slicer.start()
                return
        if self.edge_layer_on and self.edge_layer.dirty:
            self.edge_layer.in_step()  # the lines' groups (~40 ms on 8,000 lines), before the paint
        self._end_redraw_slices()
        self._sync_now(in_step=True)

    def _end_redraw_slices(self) -> None:
        if self._redraw is None:
            return
        if isinstance(self._redraw, GeneratorType):
            self._redraw.close()  # its finally: clause runs
        self._redraw = None
        self._redraw_slicer.stop()
        for v in self.views():
            v.viewport().setUpdatesEnabled(True)  # and repainted whole
            v.setInteractive(not self.building)

    def _relayout_failed(self, _e, _tb) -> None:
        if self._relayout is None or self.sender() is not self._relayout.signals:
            return
        self._relayout = None
        self._sync_now()  # the layout computed by the sync (its own fallback: a grid)

    def _sync_now(self, in_step: bool = False) -> None:
        if not in_step:
            for _ in self._sync_steps(None):
                pass
        for setter, args in list(self._marks.items()):  # colours told while new items were not there
            getattr(self, setter)(*args)
        later, self._select_later = self._select_later, None
        if later is not None:
            self.select_ids(later)
        self.sig_redrawn.emit()

    def finish_redraw(self) -> None:
        """Bring the items in step now (the layout still on its worker is computed here instead)."""
        if self._redraw is not None:
            self._redraw_slice(whole=True)
        if self._relayout is not None:
            self._relayout = None  # its result, when it comes, is dropped
            self._sync_now()

    def _stop_edit_redraw(self) -> None:
        self._end_redraw_slices()
        self._relayout = self._select_later = None

    def _sync_steps(self, colls, keys=None):
        """:meth:`sync` as steps: yields after every :data:`STEP_ITEMS` items it makes or changes (None), and the
        fraction of the work done at the end of each element. ``keys``: see :meth:`sync`."""
        self._syncing = True
        created = False  # new items: their flags and cache mode are set below
        new_lines = []  # ... the lines among them
        self._lines_unflagged = self._lines_unflagged or self._build is not None
        # what the items that draw many elements at once must redraw: boxes (the overview) and lines
        # (the edge layer). An edit that changes neither (most of them: a replica count, an owner...)
        # costs them nothing, and the window repaints only the box whose text changed
        boxes_changed = lines_changed = False
        dropped = False  # lines went (or were made again): the edge layer makes every group again
        boxes_made = False
        try:
            r = self.review
            laid_out = self._stable.whole if self._stable.layout is not None else None
            pos, regions = self._layout()
            # only the elements the edit named: no other box moved (no whole layout since), and a
            # component's saved position ("layout") moves its box only
            only = None
            if keys is not None and laid_out is not None and self._stable.whole == laid_out:
                named = {coll for coll, _k in keys}
                if named & self.DRAWN <= {"components", "dependencies", "layout"}:
                    only = {coll: {k for c2, k in keys if c2 == coll} for coll in ("components", "dependencies")}
                    only["components"] |= {k for c2, k in keys if c2 == "layout"}
            comps = (r.components.items() if only is None else
                     [(k, r.components[k]) for k in only["components"] if k in r.components])
            # the shared-domain tags are numbered over the whole review: a domain named for the first
            # time (or no longer named) renumbers them, and every box is tagged again
            tag_map = shared_tags(r)
            retag = tag_map != self._tag_map
            self._tag_map = tag_map
            total = max(1, len(r.components) + len(r.groups) + len(r.dependencies))
            done = 0
            wanted = set(r.components) | set(r.groups)
            gone_boxes = (set(self.nodes) - wanted if only is None else
                          {k for k in only["components"] if k in self.nodes and k not in wanted})
            with self._selection_said_once():
                for gone in gone_boxes:
                    item = self.nodes.pop(gone)
                    for e in list(item.edges):
                        self._drop_edge(e)
                    self.removeItem(item)
                    boxes_changed = lines_changed = dropped = True
            for cid, c in comps:
                item = self.nodes.get(cid)
                if item is None or item.is_group:
                    if item is not None:
                        self.removeItem(item)
                    item = NodeItem(self, cid)
                    self.addItem(item)
                    self.nodes[cid] = item
                    created = boxes_changed = boxes_made = True
                if item._src is not c:  # commands put a new object in the review for every change
                    item._src = c
                    sub = enum_words(c.kind)
                    n = c.replicas or 1
                    sub += f" · {n}×" if n > 1 else ""
                    if c.placement:
                        sub += " · " + ",".join(sorted(set(short_domain(p) for p in c.placement)))
                    kind = item.kind
                    item.set_data(kind=c.kind, title=c.label, subtitle=sub, user_facing=c.user_facing,
                                  tooltip=_component_tip(c))
                    self._tag(item, c, tag_map)
                    if item.kind != kind:  # the overview draws boxes by kind (text is not drawn there)
                        boxes_changed = True
                if self._place(item, pos.get(cid, (0.0, 0.0))):
                    boxes_changed = True
                    if only is not None:  # the frames of its groups follow (all are fitted otherwise)
                        self._refit_groups_of(cid)
                done += 1
                if not done % STEP_ITEMS:
                    yield done / total
            if retag:
                for cid, c in r.components.items():
                    if cid in self.nodes:
                        self._tag(self.nodes[cid], c, tag_map)
            moved, self._moved_edges = self._moved_edges, set()  # their lines are redrawn by _reroute
            if boxes_changed and (self.boxes_drawn_by_layer or self.overview_on):
                self._overview_changed()
            for gid, g in (r.groups.items() if only is None else ()):
                item = self.nodes.get(gid)
                if item is None or not item.is_group:
                    if item is not None:
                        self.removeItem(item)
                    item = GroupItem(self, gid)
                    self.addItem(item)
                    self.nodes[gid] = item
                    created = boxes_made = True
                item.set_data(kind="group", title=g.name or g.id, subtitle=f"{g.min_up} of {len(g.members)} needed",
                              user_facing=False, tooltip=f"Redundancy group {g.id}\nmembers: {', '.join(g.members)}")
                self._fit_group(item, g)
                done += 1
                yield done / total
            # dependencies
            with self._selection_said_once():
                for did in (set(self.edges) - set(r.dependencies) if only is None else
                            {k for k in only["dependencies"] if k in self.edges and k not in r.dependencies}):
                    self._drop_edge(self.edges.pop(did))
                    lines_changed = dropped = True
            deps = (r.dependencies.items() if only is None else
                    [(k, r.dependencies[k]) for k in only["dependencies"] if k in r.dependencies])
            for did, d in deps:
                done += 1
                if not done % STEP_ITEMS:
                    yield done / total
                e = self.edges.get(did)
                s, t = self.nodes.get(d.source), self.nodes.get(d.target)
                if s is None or t is None:
                    if e is not None:
                        self._drop_edge(self.edges.pop(did))
                        lines_changed = dropped = True
                    continue
                if e is None or e.source is not s or e.target is not t:
                    if e is not None:
                        self._drop_edge(e)
                        dropped = True
                    e = EdgeItem(s, t, d.kind, did)
                    e.set_guess(self.guesses.get(did))
                    e.far = self.far
                    self.addItem(e)
                    self.edges[did] = e
                    new_lines.append(e)
                    created = lines_changed = True
                elif e._src is d:
                    continue  # same dependency, same ends: nothing to do
                e._src = d
                e.set_kind(d.kind, fallback=bool(d.fallback))
                if e.toolTip():
                    e.setToolTip(e.tip())  # shown before: keep it true (others are made when pointed at)
            if only is None or regions != self._drawn_regions:
                self.update_regions(regions)
            yield  # the steps below take 10-40 ms each on 8,000 lines: a sliced sync may end its slice here
            # lines made by a sync that was stopped before this step (an edit during a staged build)
            # have no flags yet: then every line is looked at
            unflagged = self._lines_unflagged
            yield from self._set_big_steps(len(r.dependencies) > EDGES_SMOOTH_MAX, created, dropped,
                                           None if unflagged else new_lines, boxes_made)
            self._lines_unflagged = False
            yield
            # a line redrawn where it was tells the edge layer itself; new lines are added to it
            yield from self._reroute_steps(moved, () if unflagged or dropped else new_lines)
            if self.overview_on and not self.edge_layer_on:
                for it in list(self.nodes.values()) + list(self.edges.values()):
                    it.setVisible(False)
            if created:
                self._items_made += 1
            if boxes_changed or lines_changed or created:
                self._overview_changed()
            if boxes_changed or only is None:
                self._keep_room(pos, regions)
        finally:
            self._syncing = False

    def _set_big_steps(self, big: bool, created: bool = True, dropped: bool = True, new_lines=None,
                       boxes_made: bool = True):
        """Large graphs: lines drawn by the edge layer, boxes from a pixmap cache (no Python per frame).

        ``created``: the sync made new items (their flags and cache mode follow the others'); if it
        did not and the size class stays, every item already has them. ``lines_changed``: lines
        went or were made again (the edge layer's arrays are made again; new lines only are added to
        them after the sync, see _reroute_steps). ``new_lines``: the lines it made (when
        the size class stays, only theirs are looked at: one line added to 8,000 is not a walk over
        them all). ``boxes_made``: boxes among the new items (their flags and cache mode set too:
        a line added alone is not a walk over 2,000 boxes). Yields after each line."""
        flip = big != self.edge_layer_on
        if self.edge_layer_on and not big:
            for e in self.edges.values():
                e.set_far(self.far)
        if flip and self.overview_on:
            for it in list(self.nodes.values()) + list(self.edges.values()):
                it.setVisible(big)
        self.edge_layer_on = big
        if flip or created:
            done = 0
            for e in (self.edges.values() if flip or new_lines is None else new_lines):
                if bool(e.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents) != big:
                    e.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, big)
                    e._restyle()  # drawn by the edge layer, or by itself again: its pen
                    done += 1
                    if not done % STEP_ITEMS:
                        yield
            if self.boxes_drawn_by_layer and (flip or boxes_made):
                for n in self.nodes.values():
                    if not n.is_group:
                        n.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self._apply_modes()
        if flip or (created and boxes_made):
            self._set_node_cache(self._node_cache, force=True)  # boxes made by this sync
        if big and (flip or dropped or (created and new_lines is None)):
            self.edge_layer.mark()

    def _place(self, item: NodeItem, xy) -> bool:
        """Put the box at ``xy``; True when it is not where its lines were last drawn (moved by
        this sync, or by a drag or a test since): its lines are then redrawn, once, by the sync."""
        x, y = xy
        if item.x() != x or item.y() != y:
            item.setPos(x, y)
        if item.drawn_at == xy:
            return False
        item.drawn_at = xy
        self._moved_edges.update(item.edges)
        self._columns = self._centres = None  # measured again when needed
        return True

    #: room kept around the graph in the scene (scene units): a box moved out of the graph's extent
    #: (a drag, a new box) does not grow the scene, which a view showing all of it would re-centre:
    #: the whole picture jumped under the mouse when a box was dropped past the graph's edge
    ROOM = 400.0

    def _keep_room(self, pos=None, regions=(), rect: QRectF | None = None) -> None:
        """Grow the scene (never shrink it: the view would jump) to hold ``rect``, or the boxes at
        ``pos`` and the ``regions``, with :data:`ROOM` around."""
        if rect is None:
            if not pos:
                return
            xs = [x for x, _y in pos.values()] + [b.x for b in regions]
            ys = [y for _x, y in pos.values()] + [b.y for b in regions]
            x1 = max([x + NODE_W for x, _y in pos.values()] + [b.x + b.w for b in regions])
            y1 = max([y + NODE_H for _x, y in pos.values()] + [b.y + b.h for b in regions])
            rect = QRectF(min(xs), min(ys), x1 - min(xs), y1 - min(ys))
        need = rect.adjusted(-self.ROOM, -self.ROOM, self.ROOM, self.ROOM)
        cur = self.sceneRect()
        if not cur.contains(need):
            self.setSceneRect(cur.united(need))

    def _follow(self, item: NodeItem) -> None:
        """A box moved outside a sync (a drag): its lines, its group's frame and the overview follow."""
        xy = (item.x(), item.y())
        if item.drawn_at == xy:
            return
        item.drawn_at = xy
        self._columns = self._centres = None
        self._keep_room(rect=item.sceneBoundingRect())
        for e in item.edges:
            e.adjust()
        self.node_moved(item)

    @contextmanager
    def _selection_said_once(self):
        """Items removed inside: the change of the selection is said once, after them. Qt says it for
        every selected item removed, and each time the window rebuilt the inspector and walked every
        item: a delete (or the undo of a paste) of N selected boxes cost N times that, quadratic in the
        selection (Select All + Delete froze a 2,000-box review for 36 s). Qt's signals are held
        meanwhile, as :meth:`select_ids` holds them; a removal says nothing else at once."""
        before = len(self.selectedItems())
        held = self.blockSignals(True)
        try:
            yield
        finally:
            self.blockSignals(held)
        if not held and len(self.selectedItems()) != before:
            self.selectionChanged.emit()

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

    def _tag(self, item: NodeItem, c, tag_map: dict[str, str]) -> None:
        """A box's shared-domain tags, in the order the component names them."""
        tags = tuple((tag_map[d], d) for d in dict.fromkeys(c.shared_domains) if d in tag_map)
        if tags != item.tags:
            item.tags = tags
            item.tags_spof = self.domain_spofs
            item.update()

    def update_regions(self, regions) -> None:
        """Failure domains as labelled regions, from the shared layout.

        The band of boxes with no placement is drawn only when every box in it shares a failure
        domain (:attr:`prr_app.layout.Region.shared`: an import that names the one host everything
        runs on): the band then stands for that domain, labelled as the report labels it, and its
        label is clicked (selected, failed) as a zone's is."""
        self._drawn_regions = regions
        r = self.review
        drawn = []
        for b in regions:
            if b.id in r.domains:
                # the kind in words as the report's figure says it: "(failure domain)" for a domain of kind
                # other, never "(other)", which names no thing (wording.domain_kind_noun)
                drawn.append((b.id, b, f"{b.label}  ({domain_kind_noun(b.kind)})"))
            elif b.id == UNPLACED and b.shared and b.shared[0] in r.domains \
                    and not any(x.id == b.shared[0] for x in regions):
                drawn.append((b.shared[0], b, b.label))
        wanted = {key for key, _b, _t in drawn}
        with self._selection_said_once():
            for gone in set(self.regions) - wanted:
                self.removeItem(self.regions.pop(gone))
        for key, b, text in drawn:
            item = self.regions.get(key)
            if item is None:
                item = RegionItem(key)
                self.addItem(item)
                self.regions[key] = item
            item.setZValue(-10 + b.depth)
            item.shared = tuple(b.shared) if b.id == UNPLACED else ()
            item.set_data(QRectF(b.x, b.y, b.w, b.h), text,
                          r.domains[key].kind if b.id == UNPLACED else b.kind, b.depth)
            item.set_spof(key in self.domain_spofs or any(d in self.domain_spofs for d in item.shared))

    def node_moved(self, item: NodeItem) -> None:
        if self.boxes_drawn_by_layer:
            self._overview_changed()
        if item.is_group:
            return
        self._refit_groups_of(item.node_id)

    def _refit_groups_of(self, cid: str) -> None:
        for gid, g in self.review.groups.items():
            if cid in g.members and gid in self.nodes:
                self._fit_group(self.nodes[gid], g)

    # -- mouse: one move command per drag; shift-drag links --------------
    def _fail_target(self, p: QPointF) -> str | None:
        """What a fail-this click at ``p`` fails: a shared domain's tag on a box (the domain), a
        component's box, else a failure domain's label."""
        for it in self.items(p):
            if isinstance(it, NodeItem) and not it.is_group:
                return it.tag_at(it.mapFromScene(p)) or it.node_id
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
        if item is not None and event.button() == Qt.MouseButton.LeftButton and not event.modifiers():
            # a shared domain's tag: the domain is selected (its blast radius shown; Fail This fails
            # it) when it has a band to select, as a zone's label is
            did = item.tag_at(item.mapFromScene(event.scenePos()))
            if did is not None and did in self.regions:
                self.select_ids([did])
                event.accept()
                return
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
        for nid in self._press_pos:  # the boxes a drag moves (the selected ones): their lines follow
            item = self.nodes.get(nid)
            if item is not None:
                self._follow(item)

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
        key = (self._items_made, len(self.nodes), self.overview_on, self.edge_layer_on)
        if self._centres is None or self._centres[0] != key:  # boxes came, went, moved or were hidden
            self._centres = (key, CentreIndex({k: (it.x() + it.w / 2, it.y() + it.h / 2) for k, it in self.nodes.items()
                                               if not it.is_group and it.isVisible()}))
        index = self._centres[1]
        pts = index.points
        if not pts:
            return None
        cur = next((i for i in self.selected_ids() if i in pts), None)
        if cur is None:
            target = min(pts, key=lambda k: (pts[k][0] - centre.x()) ** 2 + (pts[k][1] - centre.y()) ** 2)
        else:
            target = index.nearest_in_direction(cur, direction)
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

    def _selection_drawn(self) -> None:
        """The selection changed: the items that draw many elements at once show it too."""
        sel = self.selectedItems()
        lines = {it for it in sel if isinstance(it, EdgeItem)}
        before, self._lines_selected = self._lines_selected, lines
        if not self.edge_layer_on:
            return
        for e in lines ^ before:  # the edge layer draws selected lines in their own pen
            self.edge_layer.restyled(e)
        # the overview frames the selected boxes: those frames only, not every box made again
        frames = self.overview.reselect([it for it in sel if isinstance(it, NodeItem) and not it.is_group])
        if self.overview_on or self.boxes_drawn_by_layer:
            for r in frames:
                self.overview.update(r)

    def helpEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # a line's tooltip is made when the mouse first rests on it (thousands are never pointed at)
        for it in self.items(event.scenePos()):
            if isinstance(it, EdgeItem) and not it.toolTip():
                it.setToolTip(it.tip())
        super().helpEvent(event)

    def _overview_changed(self, boxes=None) -> None:
        """The overview's boxes changed: ``boxes``, those items only (None: any, or lines too)."""
        if boxes is not None and not boxes:
            return
        if boxes is None or len(boxes) > 100 or not self.overview.recolour(boxes):
            self.overview.dirty = True
        if self.overview_on or self.boxes_drawn_by_layer:
            if boxes is None or len(boxes) > 100:
                self.overview.update()
            else:  # repaint only where they are (a selection frame reaches 8 px out)
                for n in boxes:
                    self.overview.update(n.sceneBoundingRect().adjusted(-10, -10, 10, 10))

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
        for n in self.nodes.values():  # (no cacheMode() test first: each made an enum object in Python)
            if not n.is_group:
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
        if self.redrawing and any(i not in self.nodes and i not in self.edges and i not in self.regions for i in ids):
            self._select_later = ids  # an element just added: selected once its item is made
            return
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

    def _told_before(self, setter: str, args: tuple) -> bool:
        """Remember what a colour setter was told; True when it was told the same last time and no
        item was made since (every item shows it already: after most edits, the selection's what-if,
        the journey shown and many findings are what they were, and 10,000 items need not be asked)."""
        self._marks[setter] = args
        told = (args, self._items_made)
        same = self._told.get(setter) == told
        self._told[setter] = told
        return same

    def set_states(self, node_states: dict[str, str], failed_domains=()) -> None:
        """Colour nodes (failed / down / degraded) and the edges that carry the failure."""
        before = self._told.get("set_states")
        if failed_domains or "failed" in node_states.values():
            # a finding's dashed highlight (show_elements) reads as a second selection beside what
            # Fail This fails: the what-if is the picture now
            self.set_highlight([])
        # the regions (a few) first: their label's word follows fail-this mode, which the states do not
        # show; its label says it in words, as a box's tag does: FAILED in fail-this mode, IF IT FAILS
        # for a selected label's blast radius (its boxes are drawn the same way)
        word = STATE_TAGS["failed" if self.fail_mode else "origin"]
        for did, reg in self.regions.items():
            st = "failed" if did in failed_domains else None
            if st != reg.state or (st and reg.state_word != word):
                reg.state, reg.state_word = st, word
                reg.restyle()
        if self._told_before("set_states", (dict(node_states), list(failed_domains))):
            return
        nodes, edges = self.nodes.values(), self.edges.values()
        if before is not None and before[1] == self._items_made:
            # the same items as when last told: only the boxes whose state changed, and their lines
            # (an arrow key's what-if changes a few hundred of 10,000 items)
            old = before[0][0]
            nodes = [self.nodes[n] for n in old.keys() | node_states.keys()
                     if old.get(n) != node_states.get(n) and n in self.nodes]
            edges = {e for n in nodes for e in n.edges if self.edges.get(e.dep_id) is e}
        changed = []
        for item in nodes:
            st = node_states.get(item.node_id)
            if st != item.state:
                item.state = st
                item.update()
                changed.append(item)
        if self.edge_layer_on:
            # the edge layer draws the lines: each gets its new state, and the layer is told once (the
            # lines restyled, or, past its regrouping share, that every group is to be made again);
            # through EdgeItem.set_state each line asked for its scene twice and told the layer itself
            # (a hub's what-if recolours 7,700 of 8,000 lines: ~40 ms of an arrow key)
            restyled = []
            for e in edges:
                s = node_states.get(e.target.node_id)
                src = node_states.get(e.source.node_id)
                st = src if s in ("down", "degraded", "failed", "origin") and src in ("down", "degraded") else None
                if st != e.state:
                    e.state = st
                    if e.kind == "member":  # not drawn by the layer: its own pen
                        e._restyle()
                    else:
                        restyled.append(e)
            self.edge_layer.restyled_many(restyled)
        else:
            for e in list(edges):
                s = node_states.get(e.target.node_id)
                src = node_states.get(e.source.node_id)
                e.set_state(src if s in ("down", "degraded", "failed", "origin") and src in ("down", "degraded") else None)
        self._overview_changed(changed)

    def set_findings(self, spofs: set[str], severity: dict[str, str], domain_spofs=()) -> None:
        """The analysis on the boxes: SPOF badges, the worst open risk, and (``domain_spofs``, the
        failure domains that are single points of failure) shared-domain tags and bands in red."""
        doms = frozenset(domain_spofs)
        if self._told_before("set_findings", (set(spofs), dict(severity), doms)):
            return
        self.domain_spofs = doms
        changed = []
        for nid, item in self.nodes.items():
            sp, sev = nid in spofs, severity.get(nid)
            tags_spof = doms if item.tags else item.tags_spof
            if sp != item.spof or sev != item.severity or tags_spof != item.tags_spof:
                item.spof, item.severity, item.tags_spof = sp, sev, tags_spof
                item.update()
                changed.append(item)
        for did, reg in self.regions.items():
            reg.set_spof(did in doms or any(d in doms for d in reg.shared))
        self._overview_changed(changed)

    def _read_guesses(self) -> dict[str, str]:
        """The review's unconfirmed inferred calls, read as the report reads them (one implementation)."""
        from prr_app.reporting.assessment import Guesses

        try:
            return dict(Guesses(self.review).calls)
        except Exception:  # an odd import record must not stop the editor: no marks
            log.exception("reading the inferred calls failed")
            return {}

    def set_guesses(self, calls: dict[str, str]) -> None:
        """Mark the lines of the calls an import guessed and no reviewer confirmed (``{id: "weak"|"strong"}``);
        only the lines whose mark changes are touched."""
        calls = dict(calls)
        before, self.guesses = self.guesses, calls
        changed = False
        for did in before.keys() | calls.keys():
            e = self.edges.get(did)
            if e is not None and e.guess != calls.get(did):
                e.set_guess(calls.get(did))
                changed = True
        if changed and self.edge_layer_on:
            self.edge_layer.update()

    def shared_legend(self) -> list[tuple[str, str, bool]]:
        """The legend's rows for the shared-domain tags on the boxes: ``(tag, what it means, is a
        single point of failure)``, worded as the report's legend words them."""
        r = self.review
        out = []
        for d, tag in self._tag_map.items():
            if d not in r.domains:
                continue
            spof = d in self.domain_spofs
            out.append((tag, shared_tag_text(r, d, spof), spof))
        return out

    def set_journey(self, entry=(), nodes=(), deps=()) -> None:
        """Draw a journey's path: its entry components, what they depend on, and those dependencies."""
        entry, nodes, deps = set(entry), set(nodes), set(deps)
        if self._told_before("set_journey", (entry, nodes, deps)):
            return
        for nid, item in self.nodes.items():
            j = "entry" if nid in entry else "path" if nid in nodes else None
            if j != item.journey:
                item.journey = j
                item.update()
        for did, e in self.edges.items():
            e.set_journey(did in deps)

    def set_highlight(self, ids) -> None:
        ids = set(ids)
        if self._told_before("set_highlight", (ids,)):
            return
        for nid, item in self.nodes.items():
            h = nid in ids
            if h != item.highlight:
                item.highlight = h
                item.update()

    # -- change marks (issue 20): what a diff or a plan adds, changes, removes -------------
    #: badge text and colour per mark; "plan" marks are a plan's, drawn dashed
    MARKS = {"added": ("+ added", "#2e7d32"), "changed": ("~ changed", "#b26a00"),
             "removed": ("- removed", "#c62828"), "plan": ("plan", "#6a1b9a")}

    def set_marks(self, marks: dict[str, str]) -> None:
        """Badge each box or line whose id is in ``marks`` (``"added"``, ``"changed"``, ``"removed"``,
        ``"plan"``; a dependency by ``SOURCE->TARGET``); an empty dict clears them. A removed box
        (not on the canvas) is drawn as a dashed ghost in a column to the right of the graph."""
        self._marks["set_marks"] = (dict(marks),)  # told again once a staged build has made the items
        for item in getattr(self, "_mark_items", []):
            if item.scene() is self:
                self.removeItem(item)
        self._mark_items: list = []
        self.marks = dict(marks)
        ghosts = [eid for eid, mark in marks.items() if mark == "removed" and eid not in self.nodes
                  and eid not in self.edges and "->" not in eid]
        if ghosts:
            # in columns to the right of the graph, from its top: under it they sat in the view's
            # bottom-left corner once fitted, under the Legend button laid over it
            base = self.itemsBoundingRect()
            rows = max(6, int((base.height() + 20) // (NODE_H + 20)))
            cols = (len(ghosts) + rows - 1) // rows
            for i, eid in enumerate(ghosts):
                g = QGraphicsRectItem(QRectF(0, 0, NODE_W, NODE_H))
                pen = QPen(QColor(self.MARKS["removed"][1]))
                pen.setStyle(Qt.PenStyle.DashLine)
                g.setPen(pen)
                g.setBrush(QColor(0, 0, 0, 0))
                g.setPos(base.right() + 40 + (i // rows) * (NODE_W + 20), base.top() + (i % rows) * (NODE_H + 20))
                label = QGraphicsSimpleTextItem(f"- removed: {eid}", g)
                label.setBrush(QColor(self.MARKS["removed"][1]))
                label.setPos(6, NODE_H / 2 - label.boundingRect().height() / 2)
                g.setData(0, "removed")
                g.setData(1, eid)
                g.setToolTip(f"{eid}: removed since the milestone")
                self.addItem(g)
                self._mark_items.append(g)
            # the scene holds the ghosts with room around: scrolled to, none is cut off at the edge
            self._keep_room(rect=QRectF(base.right() + 40, base.top(), cols * (NODE_W + 20),
                                        min(len(ghosts), rows) * (NODE_H + 20)))
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
                # on the top-left corner: the top-right one holds the SPOF or severity badge
                box.setPos(-2, -box.rect().height() - 2)
            else:
                box.setPos(host.path().pointAtPercent(0.5))
            box.setZValue(5)
            box.setToolTip(f"{eid}: {text}")
            box.setData(0, mark)
            self._mark_items.append(box)


class CentreIndex:
    """The boxes' centres in square cells, for the arrow keys: the box an arrow points to is
    looked for in rings of cells around the selected one, nearest first, instead of among every
    box (2,000 on a large review, at every key press)."""

    CELL = 600.0

    def __init__(self, points: dict[str, tuple[float, float]]):
        self.points = points
        self.cells: dict[tuple[int, int], dict] = {}
        for k, (x, y) in points.items():
            self.cells.setdefault(self._cell(x, y), {})[k] = (x, y)

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.CELL), math.floor(y / self.CELL)

    def nearest_in_direction(self, origin_key: str, direction: str) -> str | None:
        """What :func:`prr_app.canvas_geometry.nearest_in_direction` gives over every other box.

        Its score (ahead + twice the sideways distance, with ahead at least the sideways distance)
        is at least a point's distance and at most three times it; so once a candidate at distance
        d is found, no box outside the rings searched so far (all at least ``r * CELL`` away) can
        beat it when ``r * CELL > 3 d``."""
        from prr_app.canvas_geometry import nearest_in_direction

        origin = self.points[origin_key]
        ci, cj = self._cell(*origin)
        reach = max((max(abs(i - ci), abs(j - cj)) for i, j in self.cells), default=0)
        seen: dict = {}
        best = None
        for r in range(reach + 1):
            ring = ([(ci, cj)] if r == 0 else
                    [(ci + i, cj + j) for i in range(-r, r + 1) for j in (-r, r)]
                    + [(ci + i, cj + j) for i in (-r, r) for j in range(-r + 1, r)])
            added = False
            for c in ring:
                cell = self.cells.get(c)
                if cell:
                    seen.update(cell)
                    added = True
            if added:
                seen.pop(origin_key, None)
                best = nearest_in_direction(origin, seen, direction)
            if best is not None:
                bx, by = self.points[best]
                if r * self.CELL > 3 * math.hypot(bx - origin[0], by - origin[1]):
                    break
        return best


def _layout_task(state, review: Review, stable: StableLayout | None = None):
    """Worker: the whole layout of a review being opened (or laid out again: ``stable``, with the
    canvas's cache), as the StableLayout later edits extend."""
    stable = StableLayout() if stable is None else stable
    stable.relayout(review)
    return stable


#: kind prefixes an importer gives domain ids ("cluster-east-1"): the box around says the kind
_DOMAIN_PREFIXES = ("cluster-", "zone-", "region-", "host-", "rack-", "domain-", "domain:")


def short_domain(domain_id: str, limit: int = 12) -> str:
    """A placement as a node's subtitle shows it: the id, without a kind prefix when it is long, and
    cut at ``limit`` characters with an ellipsis (its start names it: "amazon-ec2-…", not "tu-server")."""
    if len(domain_id) <= limit:
        return domain_id
    for prefix in _DOMAIN_PREFIXES:
        if domain_id.startswith(prefix) and len(domain_id) > len(prefix):
            domain_id = domain_id[len(prefix):]
            break
    return domain_id if len(domain_id) <= limit else domain_id[:limit - 1] + "…"


def domain_spofs(analysis) -> set[str]:
    """The failure domains an analysis found to be single points of failure (``spofs`` entries of
    type domain): their tags and bands are drawn in the SPOF colour."""
    if analysis is None:
        return set()
    return {s["element"] for s in analysis.spofs if s.get("element_type") == "domain"}


def _component_tip(c) -> str:
    lines = [f"{c.label} ({c.id})", f"kind: {enum_words(c.kind)}"]
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
