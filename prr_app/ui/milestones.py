"""Milestones in the app: the list, taking one, opening one read-only, and "Changes since...".

The work is :mod:`prr_app.review.milestones` and :mod:`prr_app.review.diff`'s, as in
``prr milestone`` and ``prr diff``; this module only shows it. Taking a milestone writes the
window's edits, then takes it from the review as the file holds it, under the file's lock (as
``prr milestone add`` does); in the window it is one undoable edit. The diff runs on a worker (two analyses); its
changelog is listed, and the canvas marks what was added and changed
(:meth:`GraphScene.set_marks`); removed components and groups are drawn as ghosts beside the graph.
"To now" is the review as it is: the changes are worked out again after each change of the review
(an undo too), on a worker, coalesced as the live analysis coalesces edits (a few tens of
milliseconds on the OpenTelemetry demo's import).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QPushButton, QVBoxLayout, QWidget,
)

from prr_app.errors import PrrError
from prr_app.review import diff as D
from prr_app.review import milestones as M
from prr_app.review.edits import Change
from prr_app.ui.live import DEBOUNCE_MS
from prr_app.ui.settings import NO_NAME, name_for_record


#: Why a review open from the team repository takes no milestone (a milestone is kept in a .prr file).
NOT_IN_REPOSITORY = ("Milestones are kept in .prr files, not in the team repository: pull the review to a file "
                     "('prr repo pull NAME -o FILE.prr', or File > Save As) and take the milestone there")
TAKE_TIP = "Save a named, dated snapshot of the review (design review, pre-launch...)"


def takes_milestones(session) -> bool:
    """Whether the open review's document keeps milestones (a review open from the team
    repository does not: its document says ``keeps_milestones = False``)."""
    return getattr(session.document, "keeps_milestones", True)


class AskMilestone:
    """Questions to the user; tests replace these classmethods."""

    @classmethod
    def name(cls, parent) -> tuple[str, str] | None:
        """(name, note) of a new milestone; None: cancelled."""
        name, ok = QInputDialog.getText(parent, "Take a Milestone",
                                        "Name of the milestone (e.g. Design review, Pre-launch, Post-incident):")
        if not ok or not name.strip():
            return None
        note, ok = QInputDialog.getText(parent, "Take a Milestone", "A note kept with it (optional):")
        return name, (note if ok else "")


class MilestoneWindow(QMainWindow):
    """A milestone opened read-only: its graph, and a banner that says nothing here can be edited."""

    def __init__(self, milestone, review, parent=None):
        from prr_app.ui.canvas import GraphScene, GraphView

        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.milestone = milestone
        self.review = review
        self.setWindowTitle(f"{review.meta.system_name or 'Review'} — milestone {milestone.name} "
                            f"({milestone.date}) — read-only")
        who = f" by {milestone.taken_by}" if milestone.taken_by else ""
        self.banner = QLabel(f"<b>Read-only.</b> Milestone <b>{_esc(milestone.name)}</b> ({_esc(milestone.date)}), "
                             f"taken {_esc(milestone.taken_at)}{_esc(who)}: the review as it was then. Nothing here "
                             f"can be edited; {len(review.components)} components, "
                             f"{len(review.dependencies)} dependencies."
                             + (f"<br>{_esc(milestone.note)}" if milestone.note else ""))
        self.banner.setObjectName("ReadOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("This milestone is read-only")

        class _Frozen:  # what the canvas reads: the review, never a session that could save
            pass

        frozen = _Frozen()
        frozen.review = review
        self.scene = GraphScene(frozen, self)
        self.view = GraphView(self.scene)
        self.view.setInteractive(False)  # no selection, no drag, no link: read-only
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addWidget(self.banner)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(body)
        self.resize(1000, 700)
        self._fitted = False
        self.scene.rebuild()

    def showEvent(self, event) -> None:
        """Fitted once on opening, at the window's size (at the default zoom the graph sat bottom-right, cut off)."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.view.fit)  # once the layout gave the view its size; after the build if still under way

    @property
    def read_only(self) -> bool:
        return True


def _esc(text) -> str:
    from html import escape

    return escape(str(text or ""))


class MilestonesPanel(QWidget):
    """The review's milestones, oldest first; take one, open one read-only, see what changed since."""

    sig_status = Signal(str)

    def __init__(self, window):
        super().__init__()
        self.window_ = window  # the main window: its session, run_task, scene
        self.session = window.session
        self.opened: list[MilestoneWindow] = []
        self.diff: dict | None = None
        self.list = QListWidget()
        self.list.setAccessibleName("Milestones of the review")
        self.list.itemDoubleClicked.connect(lambda _i: self.open_selected())
        self.b_take = QPushButton("Take Milestone…")
        self.b_take.clicked.connect(self.take)
        self.b_open = QPushButton("Open Read-only")
        self.b_open.clicked.connect(self.open_selected)
        self.b_since = QPushButton("Changes Since…")
        self.b_since.setToolTip("What changed since the selected milestone: the list, and marks on the graph")
        self.b_since.clicked.connect(self.changes_since_selected)
        self.b_clear = QPushButton("Clear Marks")
        self.b_clear.clicked.connect(self.clear_marks)
        self.changes = QListWidget()
        self.changes.setAccessibleName("Changes since the milestone")
        self.changes_title = QLabel("Changes since…: choose a milestone")
        self.changes_title.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.b_take, self.b_open, self.b_since, self.b_clear):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.changes_title)
        lay.addWidget(self.changes, 2)
        # "Changes since" shows the diff to the review as it is: worked out again after each change of
        # the review (an undo too), coalesced as the live analysis coalesces edits; never left stale
        self._since: str | None = None  # the milestone whose changes are shown (or being worked out)
        self._generation = 0  # bumped at each change of the review: an older result is not shown
        self._task = None  # the diff in flight
        self._waited = 0  # times the recompute waited for the canvas to draw an edit
        self._drawn: dict | None = None  # the marks this panel put on the canvas (a plan's are left alone)
        self._since_m = None  # the milestone of ``_since`` itself: the same one later, not a namesake
        #: the milestone whose changes were shown when an edit took it out of the review (its taking
        #: undone): a redo that brings it back shows its changes again; a new milestone of the same
        #: name, taken of another state of the review, does not (the panel asked to choose one)
        self._gone = None
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.timeout.connect(self._recompute)
        self.session.sig_review_replaced.connect(self._on_replaced)
        self.session.sig_review_changed.connect(self._on_changed)
        self.refresh()

    # -- list -------------------------------------------------------------------
    def refresh(self) -> None:
        self.list.clear()
        for row in M.listing(self.session.review):
            who = f" by {row['taken_by']}" if row["taken_by"] else ""
            it = QListWidgetItem(f"{row['name']} — {row['date']}{who} ({row['components']} components)")
            it.setData(Qt.ItemDataRole.UserRole, row["id"])
            it.setToolTip(f"taken {row['taken_at']}{who}" + (f"\n{row['note']}" if row["note"] else ""))
            self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(self.list.count() - 1)  # the newest
        has = self.list.count() > 0
        self.b_open.setEnabled(has)
        self.b_since.setEnabled(has)
        self._offer_take()

    def _offer_take(self) -> None:
        """Take Milestone is offered only where a milestone can be kept; elsewhere its tooltip says why."""
        ok = takes_milestones(self.session)
        tip = TAKE_TIP if ok else NOT_IN_REPOSITORY
        for w in (self.b_take, getattr(self.window_, "a_take_milestone", None)):
            if w is not None:
                w.setEnabled(ok)
                w.setToolTip(tip)
                if hasattr(w, "setStatusTip"):
                    w.setStatusTip(tip)

    def selected_id(self) -> str | None:
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it is not None else None

    def take(self) -> str | None:
        """Take a milestone of the review as it is now: one undoable edit."""
        if not takes_milestones(self.session):  # before asking anything: it could not be kept
            self._offer_take()
            self.sig_status.emit(NOT_IN_REPOSITORY)
            return None
        answer = AskMilestone.name(self)
        if answer is None:
            return None
        name, note = answer
        by = name_for_record(self.session.review, self)  # who took it: a person, never root
        if not by:
            self.sig_status.emit("Milestone not taken: " + NO_NAME)
            return None
        # the milestone holds the review as the file holds it, never this window's view of it:
        # pending edits written first (a conflict asks, as File > Save does), then the milestone
        # taken under the file's lock from what the file holds now, other programs' writes
        # included (taken into the window too); a name the file already has (a milestone another
        # program took meanwhile) is refused there, never replaced
        save_first = getattr(self.window_, "_flush_or_resolve", None)
        if save_first is not None and not save_first():
            self.sig_status.emit("Milestone not taken: your edits are not saved yet (File > Save decides)")
            return None
        taken = []
        try:
            written = self.session.edit_in_file(lambda review: taken.append(M.take(review, name, note=note, by=by)),
                                                leave_out=[("milestones", M.milestone_id(name))])
            if written is None:  # no file to read (an untitled review never edited): this window's review
                scratch = self.session.analysis_copy()  # new collection dicts: take() adds to the copy's
                taken.append(M.take(scratch, name, note=note, by=by))
        except PrrError as e:
            from prr_app.persistence.store import SaveConflict

            if isinstance(e, SaveConflict) and hasattr(self.window_, "resolve_conflict"):
                self.window_.resolve_conflict(e)
                self.sig_status.emit("Milestone not taken: your edits were not saved yet; take it again")
            else:
                self.sig_status.emit(e.message)
            return None
        m = taken[-1]
        self.session.push(f"Take Milestone {m.name}", [Change("milestones", m.id, None, m)])
        self.sig_status.emit(f"Milestone {m.name} taken ({m.date})")
        return m.id

    # -- read-only --------------------------------------------------------------
    def open_selected(self) -> MilestoneWindow | None:
        mid = self.selected_id()
        if mid is None:
            return None
        m = self.session.review.milestones[mid]
        try:
            review = M.milestone_review(m)
        except PrrError as e:
            self.sig_status.emit(e.message)
            return None
        w = MilestoneWindow(m, review, self.window_)
        self.opened.append(w)
        w.destroyed.connect(lambda *_a, w=w: self.opened.remove(w) if w in self.opened else None)
        w.show()
        return w

    # -- changes since ----------------------------------------------------------
    def changes_since_selected(self):
        mid = self.selected_id()
        if mid is None:
            return None
        m = self.session.review.milestones[mid]
        self._since, self._since_m, self._gone = mid, m, None
        self._drawn = None  # asked for: drawn over any marks on the canvas
        self.changes_title.setText(f"Changes since {m.name} ({m.date}): analysing…")
        t = self._start(self.window_.run_task, mid)
        # cancelled, or failed (run_task shows why): nothing is shown, so nothing is kept up to date
        t.signals.sig_cancelled.connect(lambda t=t: self._given_up(t))
        t.signals.sig_failed.connect(lambda *_a, t=t: self._given_up(t))
        return t

    def _start(self, run, mid):
        """Work out the changes since ``mid`` on a worker, from the review as it is now; shown only if
        the review did not change meanwhile (then it is worked out again)."""
        gen = self._generation
        review = self.session.snapshot()

        def work(state, review, mid):
            return D.changes_since(review, mid)

        def done(d):
            if gen == self._generation and self._since == mid:
                self.show_diff(d)

        t = self._task = run("Changes since milestone", work, review, mid, on_done=done)
        for sig in (t.signals.sig_done, t.signals.sig_failed, t.signals.sig_cancelled):
            sig.connect(lambda *_a, t=t, gen=gen: self._ended(t, gen))
        return t

    def _given_up(self, task) -> None:
        if task is self._task or self._task is None:
            self._since = None

    def _ended(self, task, gen: int) -> None:
        """A diff ended: if the review changed meanwhile, its result was not shown; work it out again."""
        if task is self._task:
            self._task = None
        if self._since is not None and gen != self._generation:
            self._again.start(DEBOUNCE_MS)

    def _on_replaced(self) -> None:
        """Another review (a file opened): its milestones are listed; the changes shown were the other's."""
        self.refresh()
        self._gone = None  # the other review's milestone
        if self._since is not None:
            self.clear_marks()

    def _on_changed(self, colls) -> None:
        if "milestones" in colls:
            self.refresh()
            back = self.session.review.milestones.get(self._gone.id) if self._gone is not None else None
            if back is not None and back == self._gone:
                self._resume(back)
        if self._since is None or not set(colls) - {"layout"}:  # boxes moved: nothing the diff compares
            return
        self._generation += 1  # a diff in flight is of the review before this change
        if self._task is None or not self._task.running:
            self._again.start(DEBOUNCE_MS)  # coalesces a burst of edits (a typed name, a paste)
        # else: once it ends (see _ended)

    def _recompute(self) -> None:
        """The changes since the milestone shown, worked out again for the review as it is now."""
        mid = self._since
        if mid is None:
            return
        if self._task is not None and self._task.running:
            return  # _ended starts it again
        drawing = getattr(self.window_, "_canvas_drawing", None)
        if drawing is not None and drawing() and self._waited < 30:  # the canvas draws an edit: it would
            self._waited += 1                                            # share Python's lock (3 s at most)
            self._again.start(100)
            return
        self._waited = 0
        m = self.session.review.milestones.get(mid)
        if m is None:  # its taking undone, or it was deleted
            self.clear_marks()
            self._gone = self._since_m
            self.changes_title.setText("Changes since…: that milestone is no longer in the review; choose one")
            return
        shown = self.changes_title.text()
        if not shown.endswith(("(updating…)", "analysing…")):
            self.changes_title.setText(f"{shown} (updating…)")

        def quiet(name, fn, *args, on_done=None):  # no progress bar at each edit: the title says it
            from prr_app.ui.tasks import Task

            t = Task(name, fn, *args)
            t.signals.sig_done.connect(on_done)
            t.signals.sig_failed.connect(lambda e, _tb: self._failed(e))
            return t.start()

        self._start(quiet, mid)

    def _resume(self, m) -> None:
        """The milestone whose changes were shown is back (a redo): its changes are worked out again
        and shown; the title said it was no longer in the review while the list showed it again.
        Marks are drawn only on a canvas without a plan's (as after an edit, not as when asked)."""
        self._gone = None
        self._since, self._since_m = m.id, m
        self._drawn = {}
        self.changes_title.setText(f"Changes since {m.name} ({m.date}): analysing…")
        # worked out by _on_changed's rest, as after any edit (this change is one)

    def _failed(self, e) -> None:
        """The changes could not be worked out again: none are shown (they would be out of date)."""
        if self._since is None:
            return
        self.clear_marks()
        why = e.message if isinstance(e, PrrError) else str(e)
        self.changes_title.setText(f"Changes since…: could not be brought up to date ({why}); choose a milestone")

    def show_diff(self, d: dict) -> None:
        self.diff = d
        self.changes.clear()
        lines = D.diff_lines(d)
        self.changes_title.setText(lines[0])
        for line in lines[2:]:
            if not line.strip():
                continue
            it = QListWidgetItem(line)
            if not line.startswith(" "):  # a section title
                f = it.font()
                f.setBold(True)
                it.setFont(f)
            self.changes.addItem(it)
        marks = {k: v for k, v in D.element_marks(d).items() if v != "removed"}
        # removed boxes come back as ghosts beside the graph; removed lines, domains, journeys are listed only
        for coll in ("components", "groups"):
            marks.update({i: "removed" for i in d["model"][coll]["removed"]})
        scene = self.window_.scene
        if self._drawn is not None and getattr(scene, "marks", {}) not in ({}, self._drawn):
            return  # the canvas shows a plan's marks now: brought up to date here, drawn when asked again
        self._drawn = marks
        scene.set_marks(marks)

    def clear_marks(self) -> None:
        self._since = None
        self._gone = None
        self._generation += 1  # a diff in flight is shown no more
        self._again.stop()
        self.diff = None
        self.changes.clear()
        self.changes_title.setText("Changes since…: choose a milestone")
        if self._drawn is None or getattr(self.window_.scene, "marks", {}) == self._drawn:
            self.window_.scene.set_marks({})
        self._drawn = None
