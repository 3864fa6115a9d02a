"""The main window: graph in the centre, inspector, findings, and the other views."""
from __future__ import annotations

import copy
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDockWidget, QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QProgressBar,
    QPushButton, QSizePolicy, QStatusBar, QTabWidget, QToolBar, QVBoxLayout, QWidget,
)

from prr_app.model.entities import Position
from prr_app.model.validation import make_id
from prr_app import wording
from prr_app.errors import PrrError, ValidationError
from prr_app.review import edits
from prr_app.review.edits import Change, EditRefused
from prr_app.ui.canvas import GraphScene, GraphView
from prr_app.ui.dialogs import (  # noqa: F401 - Ask and the dialogs are replaced by tests through this module
    Ask, DependencyDialog, JourneyDialog, KeyboardBack, NewElementDialog,
)
from prr_app.ui.findings import FindingsPanel, canvas_marks
from prr_app.ui.inspector import Inspector
from prr_app.ui.live import LiveAnalysis
from prr_app.ui.session import ReviewSession, discard_recovery, recovery_files
from prr_app.ui.settings import REVIEWER_KEY, settings
from prr_app.ui.tasks import Task

log = logging.getLogger(__name__)

MAX_RECENT = 8
#: a review of more elements (components and dependencies): an edited selection's what-if waits for the
#: edit's analysis and its compiled graph instead of compiling the review on the GUI thread
WHATIF_WAITS_MIN = 3000


#: problems of a refused file listed in its error dialog, at most (``prr validate`` lists them all)
PROBLEMS_SHOWN = 12


class _CommandAction(QAction):
    """Undo or Redo in the Edit menu, named for the command it acts on ("&Undo Set owner of x")."""

    def __init__(self, prefix: str, parent):
        super().__init__(prefix, parent)
        self.prefix = prefix
        self.setEnabled(False)

    def name_command(self, text: str) -> None:
        self.setText(f"{self.prefix} {text}" if text else self.prefix)


def show_error(parent, title: str, error, what_to_do: str = "") -> None:
    text = str(error)
    problems = getattr(error, "problems", None) or []
    if len(problems) > 1:  # each with its place, not the first and "(and 3 more)"
        text = (f"{error.file}: " if getattr(error, "file", None) else "") + wording.count(len(problems), "problem") + ":\n"
        text += "\n".join("• " + str(p) for p in problems[:PROBLEMS_SHOWN])
        if len(problems) > PROBLEMS_SHOWN:
            text += f"\n• … and {len(problems) - PROBLEMS_SHOWN} more (prr validate lists them all)"
    if what_to_do:
        text += "\n\n" + what_to_do
    QMessageBox.critical(parent, title, text)


class MiddleElidedLabel(QLabel):
    """A one-line label that, when its text is wider than it is, leaves out the middle ("…"), not
    the end: the what-if counts end with the chain's end and a message with what it concerns (at
    1280 px "chain: redis-cart → cartservice –" lost where the chain ends). The whole text is in
    the tooltip."""

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        from PySide6.QtGui import QPainter

        r = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, r.width())
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(r, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()

    def shown_text(self) -> str:
        """The text as drawn at the label's width (elided in the middle when it does not fit)."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, self.contentsRect().width())


class CountsLabel(MiddleElidedLabel):
    """The what-if counts (a selection's blast radius, what Fail This fails): shown while it has text."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)
        self.setVisible(bool(text))


class StatusBar(QStatusBar):
    """The status bar. A transient message ("Imported 34 components...", "2 matches") is shown in a
    label of its own beside the what-if counts: Qt's own message would hide the counts while it shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message_label = MiddleElidedLabel("")
        self.message_label.setAccessibleName("Status message")
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        self.message_label.setText(text)
        self.message_label.setToolTip(text)  # cut on a narrow window: whole in the tooltip
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()
        self.messageChanged.emit(text)

    def clearMessage(self) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        if self.message_label.text():
            self.message_label.setText("")
            self.message_label.setToolTip("")
            self.messageChanged.emit("")

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        return self.message_label.text()


class MainWindow(QMainWindow):
    sig_review_opened = Signal(str)

    def __init__(self, *, restore_state: bool = True):
        super().__init__()
        self.setObjectName("MainWindow")
        KeyboardBack.install(QApplication.instance())  # a closed dialog gives the keyboard back
        self.session = ReviewSession(self)
        self._put_off: set | None = None  # the conflicting elements of a save the user decided later
        #: the words of the other review saved over this window's file, once told (a dialog, once)
        self._replaced_told: str | None = None
        self.live = LiveAnalysis(self.session, self)
        self.fail_mode = False
        self.failed: list[str] = []  # elements failed in fail-this mode
        self.journey_shown: str | None = None
        self.result: dict | None = None
        self._tasks: list[Task] = []
        self._clipboard: dict | None = None
        self._closed = False

        # centre: views as tabs; the graph first
        self.scene = GraphScene(self.session, self)
        self.view = GraphView(self.scene)
        self.view.setAccessibleName("Graph of the review")
        self.view.viewport().setAccessibleName("Graph of the review")
        self.view.setAccessibleDescription("Arrow keys move between boxes; Delete deletes the selection; "
                                           "Ctrl+T fails boxes (what-if) with Space")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Views of the review")
        self.tabs.addTab(self.view, "Graph")
        self.empty_hint = QLabel(
            "<h3>An empty review</h3><p>Start with <b>Insert &gt; Add Component</b> (Ctrl+Shift+C),<br>"
            "or bring in what you have with <b>File &gt; Import</b> (Ctrl+I)<br>or <b>File &gt; Open</b> (Ctrl+O).</p>"
            "<p>Then connect boxes: Shift-drag from one box to another.</p>", self.view.viewport())
        self.empty_hint.setObjectName("EmptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_hint.setAccessibleName("How to start an empty review")
        QVBoxLayout(self.view.viewport()).addWidget(self.empty_hint, 0, Qt.AlignmentFlag.AlignCenter)
        from prr_app.ui.legend import CanvasLegend

        self.legend = CanvasLegend(self.view)  # over the viewport, not scrolled with the graph
        self.view.viewport().installEventFilter(self)
        self.setCentralWidget(self.tabs)

        self.inspector = Inspector(self.session)
        self.findings = FindingsPanel()
        self.inspector.setMinimumWidth(280)  # the window fits a 1280-pixel screen (and 2560 at scale 2)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.findings_dock = self._dock("Findings", self.findings, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_views()
        # the checklist, the register and the charts need the width; the inspector (which edits the
        # graph's elements) steps aside there and comes back on the graph and the overview
        self._inspector_wanted = True
        self.tabs.currentChanged.connect(self._on_tab)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel_task)
        self.save_label = QLabel("")
        # the what-if counts stay in view while a message shows (a message is not Qt's, which would hide them)
        self.whatif_label = CountsLabel("")
        self.whatif_label.setAccessibleName("What-if counts")
        self.whatif_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.whatif_label.setVisible(False)
        sb = StatusBar(self)
        self.setStatusBar(sb)
        sb.addWidget(self.whatif_label, 3)
        sb.addWidget(sb.message_label, 2)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        sb.addPermanentWidget(self.save_label)

        self._make_actions()
        self._make_menus()
        self._add_milestones_and_plans()  # issue 20

        s = self.session
        s.sig_review_replaced.connect(self._on_replaced)
        s.sig_review_changed.connect(self._on_changed)
        s.sig_review_replaced.connect(self._update_import_report_action)
        s.sig_review_changed.connect(self._update_import_report_action)
        # bound methods, not lambdas: Qt drops them when the window goes, so the undo stack's last
        # signals (sent while the window is being destroyed) reach nothing
        s.sig_dirty_changed.connect(self._update_title)
        s.sig_saved.connect(self._update_save_label)
        s.sig_save_failed.connect(self._on_save_failed)
        s.sig_save_conflict.connect(self._on_save_conflict)
        s.sig_file_replaced.connect(self._on_file_replaced)
        s.sig_saved.connect(self._conflict_gone)
        s.sig_review_replaced.connect(self._conflict_gone)
        s.sig_took_theirs.connect(lambda n, by_save: self.statusBar().showMessage(
            ("Saved, with " if by_save else "")
            + f"{n} change{'s' if n != 1 else ''} another program saved to this file"
            + (" meanwhile" if by_save else "") + ", now shown here", 8000))
        s.undo_stack.cleanChanged.connect(self._update_title)
        self.live.sig_result.connect(self._on_result)
        self.live.sig_outdated.connect(self.findings.set_updating)
        self.live.sig_started.connect(self.findings.set_updating)
        self.scene.selectionChanged.connect(self._on_selection)
        self.scene.sig_nodes_moved.connect(self._on_nodes_moved)
        self.scene.sig_redrawn.connect(self._on_redrawn)
        # the analysis waits while the canvas draws a large review in stages or brings it in step
        # with an edit's new layout (they would share Python's lock: see LiveAnalysis.hold_while)
        self.live.hold_while(self._canvas_drawing)
        self.scene.sig_built.connect(self.live.resume)
        self.view.sig_awaited_paint_done.connect(self.live.resume)
        self.scene.sig_redrawn.connect(self.live.resume)
        self.scene.sig_link_requested.connect(self._on_link_requested)
        self.scene.sig_fail_clicked.connect(self.fail)
        self.findings.sig_show_elements.connect(self.show_elements)
        self.inspector.sig_delete_requested.connect(lambda key: self.delete_elements([key]))
        self.inspector.sig_status.connect(lambda m: self.statusBar().showMessage(m, 5000))
        # -- the team repository (issue 19): File > Open from Repository..., Save to Repository and the
        # Repository menu; a review open from it is edited live with others (prr_app/ui/repository.py)
        from prr_app.ui.repository import install_repository

        self.repository = install_repository(self)
        # -- end of the team repository

        self.resize(1500, 950)
        restored = False
        if restore_state:
            st = settings()
            geo = st.value("window/geometry")
            if isinstance(geo, QByteArray):
                self.restoreGeometry(geo)
            state = st.value("window/state")
            if isinstance(state, QByteArray):
                restored = self.restoreState(state)
        if not restored:  # the graph gets the height; the findings show a few rows (the dock is resizable)
            self.resizeDocks([self.findings_dock], [170], Qt.Orientation.Vertical)
        self.fit_to_screen()
        self.session.new()

    WIDE_VIEWS = ("Checklist", "Risks", "Dashboard")

    def _on_tab(self, _index: int) -> None:
        from prr_app.ui.tasks import hold_for_paint

        hold_for_paint()  # a worker running (the checklist) steps aside while the page is painted
        wide = any(self.tabs.currentWidget() is self.views.get(n) for n in self.WIDE_VIEWS)
        dock = self.inspector_dock
        if wide:
            if not getattr(self, "_inspector_away", False):
                self._inspector_wanted = dock.isVisible()
                self._inspector_away = True
            dock.hide()
        elif getattr(self, "_inspector_away", False):
            self._inspector_away = False
            dock.setVisible(self._inspector_wanted)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.legend.place()
        return super().eventFilter(obj, event)

    def fit_to_screen(self) -> None:
        """Never larger than the screen's free area, and on it (a geometry saved on a bigger screen,
        or at another scale, must not put the inspector or the findings off screen)."""
        scr = self.screen() or QApplication.primaryScreen()
        if scr is None:
            return
        avail = scr.availableGeometry()
        frame_w = max(0, self.frameGeometry().width() - self.width())
        frame_h = max(0, self.frameGeometry().height() - self.height())
        w, h = min(self.width(), avail.width() - frame_w), min(self.height(), avail.height() - frame_h)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        g = self.frameGeometry()
        if not avail.contains(g):
            self.move(max(avail.left(), min(g.left(), avail.right() - g.width())),
                      max(avail.top(), min(g.top(), avail.bottom() - g.height())))

    # ------------------------------------------------------------ building
    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(title.replace(" ", "") + "Dock")
        d.setWidget(widget)
        self.addDockWidget(area, d)
        return d

    def _add_views(self) -> None:
        from prr_app.ui import views

        self.views = views.make_views(self)
        for name, w in self.views.items():
            self.tabs.addTab(w, name)

    def _act(self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcuts(list(shortcut) if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        a.setStatusTip(tip or text.replace("&", "").replace("…", ""))
        a.setToolTip(tip or text.replace("&", "").replace("…", ""))
        a.setCheckable(checkable)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _make_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.a_new = self._act("&New", self.new_review, K.New)
        self.a_open = self._act("&Open…", self.open_dialog, K.Open)
        self.a_save = self._act("&Save", self.save, K.Save, "Write every edit to disk now")
        self.a_save_as = self._act("Save &As…", self.save_as, K.SaveAs)
        self.a_save_copy = self._act("Save a &Copy…", self.save_copy, "Ctrl+Alt+S")
        self.a_import = self._act("&Import…", self.import_dialog, "Ctrl+I")
        self.a_recover = self._act("Recover &Unsaved Reviews…", lambda: self.offer_recovery(asked=True), None,
                                   "Reviews with edits that a crash kept from being saved to a file of their own")
        # the platform's Quit key, or Ctrl+Q where the platform names none (offscreen, a bare X server)
        self.a_quit = self._act("&Quit", self.close, QKeySequence.keyBindings(K.Quit) or "Ctrl+Q")
        # Undo and Redo record the field being typed in first (see undo()): the undo stack's own
        # actions went straight to the stack, and the reload after it wiped what was typed
        st = self.session.undo_stack
        self.a_undo = self._undo_action("&Undo", self.undo, st.canUndoChanged, st.undoTextChanged)
        self.a_undo.setShortcuts(K.Undo)
        self.a_redo = self._undo_action("&Redo", self.redo, st.canRedoChanged, st.redoTextChanged)
        self.a_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Y")] if QKeySequence(K.Redo) != QKeySequence("Ctrl+Y") else K.Redo)
        self.a_copy = self._act("&Copy", self.copy_selection, K.Copy)
        self.a_paste = self._act("&Paste", self.paste, K.Paste)
        self.a_delete = self._act("&Delete", self.delete_selection, [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        # Delete and Backspace act on the canvas's selection only while the canvas has the focus:
        # elsewhere (the checklist, the findings) the user cannot see what would go
        self.a_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.a_delete)
        self.view.addAction(self.a_delete)
        self.a_select_all = self._act("Select &All", self.select_all, K.SelectAll)
        self.a_whoami = self._act("Your &Name as Reviewer…", self.ask_reviewer_name, None,
                                  "The name written when you answer checklist items or accept risks")
        self.a_find = self._act("&Find Component…", self.find_dialog, K.Find)
        self.a_add_comp = self._act("Add &Component…", self.add_component, "Ctrl+Shift+C" , "Add a component (Ctrl+Shift+C)")
        self.a_add_dep = self._act("Add &Dependency…", self.add_dependency, "Ctrl+Shift+D", "Add a dependency; or Shift-drag from one box to another")
        self.a_add_group = self._act("Add Redundancy &Group…", self.add_group, "Ctrl+Shift+G")
        self.a_add_domain = self._act("Add Failure Do&main…", self.add_domain, "Ctrl+Shift+M")
        self.a_add_journey = self._act("Add &Journey…", self.add_journey, "Ctrl+Shift+J")
        self.a_auto_layout = self._act("Automatic &Layout", self.auto_layout, "Ctrl+L",
                                      "Lay the whole graph out again by tiers (forgets hand-made positions; "
                                      "edits keep every box where it is)")
        self.a_zoom_in = self._act("Zoom &In", self.view.zoom_in, [QKeySequence(K.ZoomIn), QKeySequence("Ctrl+=")])
        self.a_zoom_out = self._act("Zoom &Out", self.view.zoom_out, K.ZoomOut)
        self.a_fit = self._act("&Fit to Window", self.view.fit, "Ctrl+0")
        self.a_legend = self._act("&Legend", lambda on: self.legend.set_open(on), "F1",
                                  "What the shapes, lines, badges and colours on the graph mean", checkable=True)
        self.legend.toggle.toggled.connect(self.a_legend.setChecked)
        self.a_fail = self._act("Fail &This (what-if)", self.fail_this, "Ctrl+T",
                                "What-if: fail the selected boxes or domain, at once, until Escape clears them "
                                "(nothing selected: clicks fail); the review is not changed", checkable=True)
        self.a_clear_fail = self._act("Clear Failures", self.clear_failures, "Escape")
        self.a_reanalyse = self._act("Re-run &Analysis", self.live.request_now, "F5")
        self.a_policy = self._act("Resilience &Policy…", self.policy_dialog, "Ctrl+Shift+P",
                                  "Which disruptions the service must survive, with RTO and RPO per type")
        # the report, the Markdown, prr analyze and the inspector send a reviewer to "the app's import
        # report" to confirm the calls an import guessed: it opens again here, for a review imported
        # last week as for the one just imported (Ctrl+Shift+I: beside Import's Ctrl+I)
        self.a_import_report = self._act("Import &Report…", self.show_import_report, "Ctrl+Shift+I",
                                         self.IMPORT_REPORT_TIP)

    def _undo_action(self, prefix: str, slot, can, text) -> QAction:
        """The menu's Undo (Redo): enabled and named as the undo stack's own action is ("Undo Set owner
        of cart-svc"), and recording what is being typed before it acts."""
        a = _CommandAction(prefix, self)
        can.connect(a.setEnabled)
        text.connect(a.name_command)  # a bound method: dropped with the action
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def undo(self) -> None:
        """Undo the review's last edit, after recording the field being typed in (an inspector field, a
        checklist answer's): that typing is then the edit undone, and Redo brings it back. Before, the
        undo reloaded the field and the typing was gone without a word."""
        self.commit_editing(keep_focus=True)
        if not self._undo_refused(redo=False):
            self._said_on_undo("Undone", self.session.undo_stack.undoText(), self.session.undo_stack.undo)

    def redo(self) -> None:
        """Redo the edit undone last, after recording the field being typed in (which then leaves
        nothing to redo: a new edit ends the redo history, as it does everywhere)."""
        self.commit_editing(keep_focus=True)
        if not self._undo_refused(redo=True):
            self._said_on_undo("Redone", self.session.undo_stack.redoText(), self.session.undo_stack.redo)

    def _said_on_undo(self, word: str, what: str, step) -> None:
        """Undo or redo (``step``), and say so in the status bar in place of the message the edit left:
        after undoing a delete it still read "Deleted; updated: 1 call on redis-cart goes with it". What the
        step did to the plan of Plan Mode (changes put back, or taken out again) is said with it."""
        self._plan_note()
        step()
        plan = self._plan_note()
        text = ". ".join(t for t in (f"{word}: {what}" if what else "", plan) if t)
        if text:
            self.statusBar().showMessage(text, 10000 if plan else 5000)
        else:
            self.statusBar().clearMessage()

    def _undo_refused(self, *, redo: bool) -> bool:
        """An undo (redo) that would leave the review broken, because another program's write taken
        in since names what it removes (a mitigation the command line planned for a risk whose
        acceptance the undo takes back): refused, nothing changed, and the user told what to do
        instead. Undone anyway, the window would hold a mitigation of no risk, and the file could
        take neither that nor the user's choice in the conflict dialog."""
        s = self.session
        problems = s.undo_problems(redo=redo)
        if not problems:
            return False
        word = "redo" if redo else "undo"
        what = (s.undo_stack.redoText() if redo else s.undo_stack.undoText()) or "the last edit"
        QMessageBox.warning(
            self, f"Cannot {word}",
            f"“{what}” was not {word}ne: another program changed this review since, and the {word} would "
            "leave it broken:\n\n" + "\n".join("• " + p for p in problems[:6])
            + (f"\n… and {len(problems) - 6} more" if len(problems) > 6 else "")
            + "\n\nNothing was changed. Make the change by hand instead (an acceptance is taken back with "
            "Reopen in the Risks tab), or first remove what still names it.")
        self.statusBar().showMessage(f"Not {word}ne: another program's change still names what it would remove",
                                     10000)
        return True

    def _make_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.a_new, self.a_open):
            m.addAction(a)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        for a in (self.a_save, self.a_save_as, self.a_save_copy):
            m.addAction(a)
        m.addAction(self.a_recover)
        m.addSeparator()
        m.addAction(self.a_import)
        self.export_menu = m.addMenu("&Export")
        self.export_menu.aboutToShow.connect(self._fill_export)
        m.addSeparator()
        m.addAction(self.a_quit)
        m = mb.addMenu("&Edit")
        for a in (self.a_undo, self.a_redo, None, self.a_copy, self.a_paste, self.a_delete, self.a_select_all, None, self.a_find, None, self.a_whoami):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&Insert")
        for a in (self.a_add_comp, self.a_add_dep, self.a_add_group, self.a_add_domain, self.a_add_journey):
            m.addAction(a)
        m = mb.addMenu("&View")
        for a in (self.a_zoom_in, self.a_zoom_out, self.a_fit, self.a_legend, None, self.a_auto_layout):
            m.addSeparator() if a is None else m.addAction(a)
        m.addSeparator()
        for d in self.findChildren(QDockWidget):
            m.addAction(d.toggleViewAction())
        # the Review menu: what is decided about the review as a whole (other parts add their entries here)
        self.review_menu = m = mb.addMenu("&Review")
        m.setToolTipsVisible(True)  # Import Report, when disabled, says why
        m.addAction(self.a_policy)
        m.addAction(self.a_import_report)
        m = mb.addMenu("&Analysis")
        for a in (self.a_fail, self.a_clear_fail, self.a_reanalyse):
            m.addAction(a)
        tb = QToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # the toolbar's Undo and Redo keep a fixed text (the menu's say what they undo): a text that
        # grows with the command's name would push the journey list and the Find box off the toolbar
        st = self.session.undo_stack
        self.a_tb_undo = QAction("Undo", self)
        self.a_tb_undo.triggered.connect(lambda _checked=False: self.undo())
        self.a_tb_redo = QAction("Redo", self)
        self.a_tb_redo.triggered.connect(lambda _checked=False: self.redo())
        for a, can, text, what in ((self.a_tb_undo, st.canUndoChanged, st.undoTextChanged, "Undo"),
                                   (self.a_tb_redo, st.canRedoChanged, st.redoTextChanged, "Redo")):
            a.setEnabled(False)
            can.connect(a.setEnabled)
            text.connect(lambda t, a=a, what=what: a.setToolTip(f"{what} {t}" if t else what))
        short = {self.a_add_comp: "+ Component", self.a_add_dep: "+ Dependency", self.a_zoom_in: "Zoom +",
                 self.a_zoom_out: "Zoom −", self.a_fit: "Fit", self.a_fail: "Fail This"}
        for a, text in short.items():
            a.setIconText(text)
        for a in (self.a_new, self.a_open, self.a_save, None, self.a_tb_undo, self.a_tb_redo, None, self.a_add_comp,
                  self.a_add_dep, self.a_delete, None, self.a_zoom_in, self.a_zoom_out, self.a_fit, None, self.a_fail):
            tb.addSeparator() if a is None else tb.addAction(a)
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Find component…")
        self.find_box.setMaximumWidth(170)
        self.find_box.setAccessibleName("Find component")
        self.find_box.returnPressed.connect(lambda: self.find(self.find_box.text()))
        tb.addSeparator()
        tb.addWidget(self.find_box)
        self.journey_box = QComboBox()
        self.journey_box.setToolTip("Show a user journey's path on the graph: its entry components and what they depend on")
        self.journey_box.setMinimumContentsLength(12)
        self.journey_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.journey_box.setAccessibleName("Journey shown on the graph")
        self.journey_box.currentIndexChanged.connect(lambda _i: self.show_journey(self.journey_box.currentData() or None))
        tb.addSeparator()
        tb.addWidget(self.journey_box)
        self.addToolBar(tb)

    # ------------------------------------------------------------ milestones and plans (issue 20)
    def _add_milestones_and_plans(self) -> None:
        """The Milestones dock (take, open read-only, "Changes since...") and plan mode (ui/milestones.py,
        ui/plans.py), with their menu actions."""
        from prr_app.ui.milestones import MilestonesPanel
        from prr_app.ui.plans import PlanPanel

        self.milestones = MilestonesPanel(self)
        self.plan_panel = PlanPanel(self)
        for panel in (self.milestones, self.plan_panel):
            panel.sig_status.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.milestones_dock = self._dock("Milestones", self.milestones, Qt.DockWidgetArea.RightDockWidgetArea)
        self.plan_dock = self._dock("Plan", self.plan_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        for d in (self.milestones_dock, self.plan_dock):
            self.tabifyDockWidget(self.inspector_dock, d)
            d.hide()  # shown when asked for (Analysis menu): the default layout stays as it was
        self.inspector_dock.raise_()
        self.a_take_milestone = self._act("Take &Milestone…", self.take_milestone, None,
                                          "Save a named, dated snapshot of the review (design review, pre-launch...)")
        self.a_changes_since = self._act("&Changes Since Milestone", self._changes_since, None,
                                         "What changed since the newest (or selected) milestone; marked on the graph")
        self.a_plan_mode = self._act("&Plan Mode", self._plan_mode, "Ctrl+Shift+L",
                                     "Propose changes into a plan, not the review; the verdict with the plan beside "
                                     "today's", checkable=True)
        menu = next(a.menu() for a in self.menuBar().actions() if a.text() == "&Analysis")
        menu.addSeparator()
        for a in (self.milestones_dock.toggleViewAction(), self.a_take_milestone, self.a_changes_since,
                  self.a_plan_mode):
            menu.addAction(a)
        # shown from the menu, the dock comes to the front of the tabs it shares with the Inspector
        self.milestones_dock.toggleViewAction().triggered.connect(
            lambda on: self.milestones_dock.raise_() if on else None)

    def take_milestone(self):
        self.commit_editing()
        self.milestones_dock.show()
        self.milestones_dock.raise_()
        return self.milestones.take()

    def _changes_since(self):
        self.milestones_dock.show()
        self.milestones_dock.raise_()
        return self.milestones.changes_since_selected()

    def _plan_mode(self, on: bool) -> None:
        """In plan mode the review is not edited: the edit actions and the inspector are off, and the
        plan's actions (the Plan dock) put changes into the plan instead."""
        if on:
            self.plan_dock.show()
            self.plan_dock.raise_()
        for a in (self.a_add_comp, self.a_add_dep, self.a_add_group, self.a_add_domain, self.a_add_journey,
                  self.a_delete, self.a_paste, self.a_undo, self.a_redo, self.a_tb_undo, self.a_tb_redo):
            a.setEnabled(not on and (a not in (self.a_undo, self.a_tb_undo) or self.session.undo_stack.canUndo())
                         and (a not in (self.a_redo, self.a_tb_redo) or self.session.undo_stack.canRedo()))
        self.inspector.setEnabled(not on)
        self.plan_panel.set_active(on)

    # ------------------------------------------------------------ state
    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self.session.title}[*] — PRR Workbench")
        self.setWindowModified(self.session.modified)
        self._update_save_label()
        self.empty_hint.setVisible(not self.session.review.components)

    def _update_save_label(self, *_args) -> None:
        """"All changes saved" only when they are in the user's own file."""
        s = self.session
        if s.dirty:
            text = "Saving…"
        elif s.has_unsaved_work:
            text = "Not saved to a file yet (kept for recovery): File > Save As"
        elif s.untitled:
            text = ""
        else:
            text = "All changes saved"
        if s.replaced is not None and not s.untitled:
            text = "NOT SAVED: another review was saved over the file (File > Save As)"
        elif s.conflict is not None:
            text = "NOT SAVED: changed elsewhere (File > Save decides)"
        elif self.save_label.text() == "NOT SAVED" and s.dirty:
            return
        self.save_label.setText(text)

    def _on_replaced(self) -> None:
        self.failed = []
        self.journey_shown = None
        self.scene.rebuild()
        self._fill_journeys()
        self._update_title()
        QTimer.singleShot(0, self.view.fit)

    RELAYOUT_MESSAGE = "Laying the graph out again…"

    def _on_changed(self, colls) -> None:
        from prr_app.ui.tasks import hold_for_paint

        hold_for_paint()  # a worker beside it (the checklist evaluated ahead) waits while the edit is drawn
        self.scene.sync(colls, self.session.changed_keys)
        if self.scene.redrawing:  # a large review's new layout is computed on a worker (its paint awaited then)
            self.statusBar().showMessage(self.RELAYOUT_MESSAGE)
        elif colls & self.scene.DRAWN - {"layout"} and not self.scene.building:  # (boxes moved: no analysis)
            self.view.await_paint()  # the analysis starts once the edit is painted (see GraphView.paint_due)
        if colls & {"journeys", "dependencies", "components", "groups"}:
            # the path drawn again; the inspector stays on what the user is editing
            self._fill_journeys() if "journeys" in colls else self.show_journey(self.journey_shown, reveal=False,
                                                                                inspect=False)
        self._update_title()
        if self.failed:
            self.failed = [f for f in self.failed if f in self.session.review.components or f in self.session.review.domains]
        self._refresh_whatif()

    def _canvas_drawing(self) -> bool:
        """The canvas is drawing a large review in stages (up to its first paint), laying it out
        again after an edit, or about to paint an edit."""
        return self.scene.building or self.scene.redrawing or self.view.paint_due()

    def _on_redrawn(self) -> None:
        if self.statusBar().currentMessage() == self.RELAYOUT_MESSAGE:
            self.statusBar().clearMessage()

    def _on_result(self, res: dict) -> None:
        self.result = res
        if self._whatif_waits:
            self._whatif_waits = False
            self._refresh_whatif()
        self.findings.set_result(res)
        # worked out on the analysis' worker (see live.run_analysis); computed here for other results
        spofs, sev = res["marks"] if "marks" in res else canvas_marks(res.get("analysis"))
        # shared-fate domains that are SPOFs: their tags and band in red, named in the legend
        from prr_app.ui.canvas_scene import domain_spofs

        self.scene.set_findings(spofs, sev, domain_spofs(res.get("analysis")))
        self.legend.set_shared(self.scene.shared_legend())
        for v in self.views.values():
            if hasattr(v, "set_result"):
                v.set_result(res)

    def _on_save_failed(self, message: str) -> None:
        self.save_label.setText("NOT SAVED")
        show_error(self, "Could not save", message,
                   "Your edits are kept in the window; use File > Save As to save them elsewhere.")

    def _on_file_replaced(self, words: str) -> None:
        """Another program saved another review over this window's file (the file watch or an
        autosave found it): nothing is written there any more. Said once, in a dialog when there
        are edits that cannot be saved now, else in the save label and the status bar; closing
        (or opening another review) then offers to save what the window holds elsewhere."""
        self._update_save_label()
        self.statusBar().showMessage(f"Not saved: {words}; File > Save As keeps this review", 15000)
        if self._replaced_told == words or not self.session.dirty:
            return
        self._replaced_told = words
        QMessageBox.warning(
            self, "Not saved: another review is in the file",
            f"{self.session.path}: {words}.\n\nYour edits cannot be saved there, and nothing more is written to "
            "it from this window. They are kept in the window: save them to another file with File > Save As. "
            "Closing the window asks whether to save them elsewhere or discard them.")

    def _on_save_conflict(self, error) -> None:
        """Autosave found the same elements changed by another program: ask (once per conflict).

        A conflict the user put off (Decide Later) is not asked about again by the autosaves of later
        edits (a modal dialog after every edit of a meeting); the save label keeps saying NOT SAVED,
        and File > Save, closing and quitting ask. An element newly in conflict asks at once."""
        if getattr(self, "_resolving", False):
            return
        if self._put_off is not None and set(error.conflicts) <= self._put_off:
            self._update_save_label()
            return
        self.resolve_conflict(error)

    def _conflict_gone(self, *_args) -> None:
        """Saved (or another review open): no conflict is put off any more."""
        self._put_off = None
        self._replaced_told = None

    def resolve_conflict(self, error) -> bool:
        """Say what conflicted and let the user keep theirs, take the file's, or Save As.

        True when the work is saved somewhere (nothing of it lost); False when the user put the
        decision off (the edits stay in the window, shown as NOT SAVED, and File > Save asks again).
        """
        s = self.session
        self._resolving = True
        try:
            while True:
                self._update_save_label()
                try:
                    lines = s.document.conflict_lines(error.conflicts)
                except PrrError as e:
                    lines = [str(e)]
                ans = Ask.resolve_conflict(self, s.title, lines)
                if ans is None:
                    #: the elements whose conflict the user put off: autosaves do not ask about them again
                    self._put_off = set(error.conflicts) | (self._put_off or set())
                    self.statusBar().showMessage("Not saved: the file was changed elsewhere; your edits are kept in "
                                                 "the window (File > Save to decide)", 10000)
                    return False
                if ans == "save_as":
                    return self.save_as()
                try:
                    n = s.resolve_conflict(ans, error.conflicts)
                except PrrError as e:
                    from prr_app.persistence.store import SaveConflict

                    if isinstance(e, SaveConflict):  # changed again meanwhile: ask about that
                        error = e
                        continue
                    show_error(self, "Could not save", e, "Your edits are kept in the window; use File > Save As.")
                    return False
                self._update_title()
                self.statusBar().showMessage(
                    ("Saved, your version kept" if ans == "mine" else "Saved, the file's version taken")
                    + f" for {len(error.conflicts)} element(s); {n} change(s) from the file shown here", 10000)
                return True
        finally:
            self._resolving = False

    def _flush_or_resolve(self) -> bool:
        """Write pending edits; a conflict asks the user. False: not saved (the edits stay here)."""
        from prr_app.persistence.store import SaveConflict

        try:
            self.session.save_now()  # on a worker, the window turning its event loop
        except SaveConflict as e:
            return self.resolve_conflict(e)
        return True

    # ------------------------------------------------------------ selection and what-if
    def selected_ids(self) -> list[str]:
        return self.scene.selected_ids()

    def _on_selection(self) -> None:
        from prr_app.ui.tasks import hold_for_paint

        hold_for_paint()  # the inspector and the what-if colours are drawn with no worker beside them
        ids = self.selected_ids()
        if not (len(ids) == 1 and self.inspector.coll != "meta" and self.inspector.key == ids[0]):
            # (a new box selected once drawn is already in the inspector, maybe being typed into)
            self.inspector.show_element(ids[0] if len(ids) == 1 else None)
        if not self.fail_mode:
            self._refresh_whatif()

    def show_elements(self, ids) -> None:
        """Select and reveal components (and show their blast radius)."""
        self.tabs.setCurrentWidget(self.view)
        nodes = [i for i in ids if i in self.scene.nodes]
        self.scene.select_ids(nodes, centre_on=True)
        self.scene.set_highlight(nodes)
        doms = [i for i in ids if i in self.session.review.domains]
        if not nodes and doms:
            self.show_blast([doms[0]])
            if doms[0] in self.scene.regions:
                self.scene.select_ids([doms[0]], centre_on=True)
        journeys = [i for i in ids if i in self.session.review.journeys]
        if journeys:
            self.show_journey(journeys[0], reveal=not nodes)
        if not nodes and not doms and not journeys:
            # e.g. a problem naming a dependency or a group: show it in the inspector to fix or delete
            r = self.session.review
            hit = next((i for i in ids if i in r.dependencies or i in r.groups or i in r.components), None)
            if hit is not None:
                self.inspector.show_element(hit)

    # ------------------------------------------------------------ journeys on the graph
    def journey_path(self, jid: str) -> tuple[list[str], set[str], set[str]]:
        """See :func:`prr_app.review.edits.journey_path`."""
        return edits.journey_path(self.session.review, jid)

    def show_journey(self, jid: str | None, *, reveal: bool = True, inspect: bool = True) -> None:
        """Draw a journey's path on the graph (None: none); also picks it in the toolbar's list.

        ``inspect``: the journey is shown in the inspector too (the user picked it); False when the
        path is only drawn again after an edit, the inspector staying on the element being edited."""
        self.journey_shown = jid if jid in self.session.review.journeys else None
        entry, nodes, deps = self.journey_path(self.journey_shown) if self.journey_shown else ([], set(), set())
        self.scene.set_journey(entry, nodes, deps)
        i = self.journey_box.findData(self.journey_shown or "")
        if i >= 0 and i != self.journey_box.currentIndex():
            self.journey_box.blockSignals(True)
            self.journey_box.setCurrentIndex(i)
            self.journey_box.blockSignals(False)
        if not self.journey_shown and self.statusBar().currentMessage().startswith("Journey "):
            self.statusBar().clearMessage()
        if self.journey_shown:
            if inspect:
                self.inspector.show_element(self.journey_shown)  # a journey is edited like a component
            j = self.session.review.journeys[self.journey_shown]
            self.statusBar().showMessage(f"Journey {j.name or j.id}: {len(entry)} entry, {len(nodes)} components and groups "
                                         f"on its path, {len(deps)} dependencies", 8000)
            if reveal:
                self.tabs.setCurrentWidget(self.view)
                rect = None
                for n in nodes:
                    it = self.scene.nodes.get(n)
                    if it is not None:
                        rect = it.sceneBoundingRect() if rect is None else rect.united(it.sceneBoundingRect())
                if rect is not None:
                    self.view.ensureVisible(rect, 40, 40)

    def _fill_journeys(self) -> None:
        r = self.session.review
        box = self.journey_box
        box.blockSignals(True)
        box.clear()
        box.addItem("Journey: none", "")
        for jid, j in r.journeys.items():
            box.addItem(f"Journey: {j.name or jid}", jid)
        box.blockSignals(False)
        self.show_journey(self.journey_shown if self.journey_shown in r.journeys else None, reveal=False,
                          inspect=False)

    def toggle_fail_mode(self, on: bool) -> None:
        """Fail-this mode on or off (Ctrl+T): clicks fail and un-fail boxes and zone labels until it is off."""
        self.fail_mode = bool(on)
        self.a_fail.setChecked(self.fail_mode)
        self.scene.fail_mode = self.fail_mode
        self.failed = []
        if self.fail_mode:
            self.scene.clearSelection()
        self._refresh_whatif()

    def fail_this(self, _checked: bool = False) -> None:
        """Fail This (Ctrl+T, the toolbar, the menu): the selected boxes, or the failure domain whose
        label was clicked, fail at once and stay failed (nothing in the review changes) until Clear
        Failures (Escape); on failed ones it un-fails them. With nothing selected it turns fail-this
        mode on or off: clicks, and Space on the box the arrows reach, then fail and un-fail."""
        r = self.session.review
        ids = [i for i in self.selected_ids() if i in r.components or i in r.domains]
        if not ids:
            self.toggle_fail_mode(not self.fail_mode)
            return
        if not self.fail_mode:
            self.toggle_fail_mode(True)
        if all(i in self.failed for i in ids):
            self.failed = [f for f in self.failed if f not in ids]
        else:
            self.failed += [i for i in ids if i not in self.failed]
        self.a_fail.setChecked(True)
        self._refresh_whatif()

    def fail(self, element_id: str) -> None:
        """Fail (or un-fail) one component or domain in fail-this mode."""
        if not self.fail_mode:
            self.toggle_fail_mode(True)
        if element_id in self.failed:
            self.failed.remove(element_id)
        else:
            self.failed.append(element_id)
        self._refresh_whatif()

    def clear_failures(self) -> None:
        """Escape: every what-if failure cleared, and clicks select again (fail-this mode ends)."""
        self.failed = []
        self.scene.set_highlight([])
        if self.fail_mode:
            self.toggle_fail_mode(False)
        else:
            self._refresh_whatif()

    def show_blast(self, ids) -> None:
        self._blast_override = list(ids)
        self._refresh_whatif()
        self._blast_override = None

    _blast_override = None
    _whatif_waits = False  # a what-if waits for the analysis of the edit (see _refresh_whatif)

    def _refresh_whatif(self) -> None:
        r = self.session.review
        if self.fail_mode:
            failing = list(self.failed)
        elif self._blast_override is not None:
            failing = self._blast_override
        else:
            ids = self.selected_ids()
            sel = [i for i in ids if i in r.components] or [i for i in ids if i in r.domains]
            failing = sel[:1]
        failing = [f for f in failing if f in r.components or f in r.domains]
        if not failing:
            self.scene.set_states({})
            self.whatif_label.setText("Fail-this mode: click components, or a failure domain's label, to fail them"
                                      if self.fail_mode else "")
            self.last_outcome = None
            return
        from prr_app.analysis import simulate

        comps, doms = [f for f in failing if f in r.components], [f for f in failing if f in r.domains]
        analysed = self.live.current_analysis()  # its compiled graph, when no edit came since
        if analysed is None and self.live.busy and len(r.components) + len(r.dependencies) > WHATIF_WAITS_MIN:
            # a large review just edited: its analysis, under way, brings the compiled graph (compiling
            # it here took 0.3-0.7 s of the GUI thread per edit); the colours follow with the findings
            self._whatif_waits = True
            return
        try:
            out = (analysed.simulate(components=comps, domains=doms) if analysed is not None
                   else simulate(r, components=comps, domains=doms))
        except PrrError as e:
            self.whatif_label.setText(f"What-if unavailable: {e}")
            return
        self.last_outcome = out
        states = {c: "down" for c in out.down}
        states.update({c: "degraded" for c in out.degraded})
        # what a selection shows is what would follow if it failed: the box itself is drawn as the
        # origin ("IF IT FAILS"), not as failed, which only a what-if failure is (issue 18)
        preview = not self.fail_mode and self._blast_override is None
        for f in failing:
            if f in r.components:
                states[f] = "origin" if preview else "failed"
        self.scene.set_states(states, failed_domains=[f for f in failing if f in r.domains])
        down = sorted(out.down - set(failing))
        # counted as the analysis counts a blast radius (prr analyze, the diff, the PDF): what fails is down too
        parts = [f"{len(out.down)} down", f"{len(out.degraded)} degraded"]
        if out.journeys_down:
            parts.append("journeys DOWN: " + ", ".join(sorted(out.journeys_down)))
        if out.journeys_degraded:
            parts.append("journeys degraded: " + ", ".join(sorted(out.journeys_degraded)))
        uf = [c for c in down if r.components[c].user_facing]
        if uf:
            chain = out.chain(uf[0])
            parts.append("chain: " + " → ".join(chain))
        self.whatif_label.setText(("Failing " if self.fail_mode else "Blast radius of ") + ", ".join(failing) + ": "
                                  + "  ·  ".join(parts))

    # ------------------------------------------------------------ editing
    def push(self, text: str, changes) -> None:
        self.session.push(text, changes)

    def edit(self, text: str, make, *args, **kw):
        """Push the named review edit ``make(review, *args, **kw)`` as one undoable command.

        Returns what the edit returned (its changes, or (id, changes)); None when the model
        refused it, and the status bar then says why.
        """
        try:
            out = make(self.session.review, *args, **kw)
        except EditRefused as e:
            self.statusBar().showMessage(e.message, 8000)
            return None
        changes = out[1] if isinstance(out, tuple) else out
        self.push(text, changes)
        return out

    def scene_to_layout(self, x: float, y: float, *, moved=()) -> tuple[float, float]:
        """A scene point in the units of ``review.layout``.

        The drawing is not at a fixed place: a whole layout (``compute_layout``) moves everything
        so the extent starts at 0,0 (a saved position may be anywhere, negative too); the canvas
        keeps that frame until the next whole layout (``GraphScene.layout_origin``). ``moved``: kept
        for callers that name the boxes a drag moved (the frame does not depend on them).
        """
        from prr_app.ui.layout_bridge import to_layout_units

        ox, oy = self.scene.layout_origin
        lx, ly = to_layout_units(x, y)
        return lx + ox, ly + oy

    def _on_nodes_moved(self, moved: dict) -> None:
        n = len(moved)
        moved = {k: self.scene_to_layout(*xy, moved=moved) for k, xy in moved.items()
                 if k in self.session.review.components}
        if moved:
            self.push(f"Move {next(iter(moved)) if n == 1 else f'{n} boxes'}", edits.change_move(self.session.review, moved))

    def _on_link_requested(self, source: str, target: str) -> None:
        if getattr(self, "plan_panel", None) is not None and self.plan_panel.active:  # plan mode: no review edits
            self.statusBar().showMessage("Plan mode: the review is not edited; use the Plan dock's actions", 5000)
            return
        self.create_dependency(source, target)

    def create_dependency(self, source: str, target: str, kind: str = "hard") -> bool:
        r = self.session.review
        if source not in r.components:
            self.statusBar().showMessage(f"A dependency starts at a component; {source} is not one", 6000)
            return False
        return self.edit(f"Add dependency {source}->{target}", edits.add_dependency, source, target, kind) is not None

    def _position_for_new(self, count: int = 1) -> list[Position]:
        """Free places for ``count`` new boxes near the middle of the view: on no other box, in no group's
        frame, in no failure domain's region (a new box has no placement: it must not look placed)."""
        from prr_app.canvas_geometry import Rect
        from prr_app.ui.layout_bridge import NODE_H, NODE_W

        c = self.view.mapToScene(self.view.viewport().rect().center())
        boxes = [Rect(it.x(), it.y(), it.w, it.h) for it in self.scene.nodes.values() if not it.is_group]
        frames = [Rect(it.x(), it.y(), it.w, it.h) for it in self.scene.nodes.values() if it.is_group]
        regions = [Rect(b.x(), b.y(), b.width(), b.height())
                   for b in (it.sceneBoundingRect() for it in self.scene.regions.values() if it.isVisible())]
        from prr_app.canvas_geometry import free_spots_near
        from prr_app.layout import NEW_BOX_GAP
        from prr_app.ui.layout_bridge import SCALE

        # the room the canvas's own placement keeps (StableLayout): what a box draws around itself fits in
        spots = free_spots_near(boxes + frames + regions, (c.x() - NODE_W / 2, c.y() - NODE_H / 2), NODE_W, NODE_H,
                                count, NEW_BOX_GAP * SCALE)
        return [Position(*(round(v, 1) for v in self.scene_to_layout(x, y))) for x, y in spots]

    def create_component(self, cid: str, name: str = "", kind: str = "service", **fields) -> str | None:
        if self.edit(f"Add component {cid}", edits.add_component, cid, self._position_for_new()[0], name=name,
                     kind=kind, **fields) is None:
            return None
        self.scene.select_ids([cid])
        if cid not in self.scene.nodes:  # a large review lays itself out again on a worker first
            self.inspector.show_element(cid)
        return cid

    def create_domain(self, did: str, name: str = "", kind: str = "zone", parent: str | None = None) -> str | None:
        return did if self.edit(f"Add failure domain {did}", edits.add_domain, did, name, kind, parent) else None

    def create_group(self, gid: str, name: str = "", members=()) -> str | None:
        return gid if self.edit(f"Add group {gid}", edits.add_group, gid, name, list(members)) else None

    def create_journey(self, jid: str, name: str = "", entry=(), slo: float | None = None, critical: bool = True,
                       description: str = "") -> str | None:
        if not self.edit(f"Add journey {jid}", edits.add_journey, jid, name, list(entry), slo, critical, description):
            return None
        self._fill_journeys()
        self.show_journey(jid, reveal=False)
        return jid

    def add_component(self) -> None:
        from prr_app.model.entities import ComponentKind

        d = NewElementDialog(self, "Add component", self.session.review, kinds=ComponentKind.values())
        if d.ask() and self.create_component(d.element_id, d.name, d.kind):
            self.inspector.focus_first()

    def add_dependency(self) -> None:
        r = self.session.review
        sel = [i for i in self.selected_ids() if i in r.components or i in r.groups]
        d = DependencyDialog(self, r, sel[0] if sel else "", sel[1] if len(sel) > 1 else "")
        if d.ask():
            self.create_dependency(d.source, d.target, d.kind)

    def add_group(self) -> None:
        r = self.session.review
        members = [i for i in self.selected_ids() if i in r.components]
        if not members:
            self.statusBar().showMessage("Select the group's members on the graph first (a group needs at least one)",
                                         8000)
            return
        d = NewElementDialog(self, "Add redundancy group (members: the selected components)", r)
        if d.ask():
            self.create_group(d.element_id, d.name, members)

    def add_domain(self) -> None:
        from prr_app.model.entities import DomainKind

        d = NewElementDialog(self, "Add failure domain", self.session.review, kinds=DomainKind.values(), default_kind="zone")
        if d.ask() and self.create_domain(d.element_id, d.name, d.kind):
            self.statusBar().showMessage("Place components in it with the inspector's Placement field", 8000)

    def add_journey(self) -> None:
        r = self.session.review
        entry = [i for i in self.selected_ids() if i in r.components]
        d = JourneyDialog(self, r, entry)
        if d.ask():
            self.create_journey(d.element_id, d.name, d.entry, d.slo, d.critical, d.description)

    def delete_selection(self) -> None:
        """Delete what is selected on the canvas, only while the canvas shows it (Delete, Backspace)."""
        if self.tabs.currentWidget() is not self.view:
            return
        ids = self.selected_ids()
        if ids:
            self.delete_elements(ids)

    def delete_elements(self, ids) -> None:
        """Delete elements with what hangs on them; the references others hold are updated (and said so)."""
        ids = list(ids)
        if not ids:
            return
        # what is being typed in the inspector (a dependency's Fallback...) is recorded first, as Undo and
        # Save do: deleted before the cursor left the field, the text was gone, even after Edit > Undo
        self.commit_editing()
        refs = edits.references(self.session.review, ids)
        self._plan_note()
        self.push(f"Delete {ids[0] if len(ids) == 1 else f'{len(ids)} elements'}", edits.delete(self.session.review, ids))
        # the plan's changes the delete took out: said with the delete, whose message would replace theirs
        plan = self._plan_note()
        if refs:
            # every line ``prr delete`` prints (the calls it makes and those made on it among them), not the
            # first three and "and 4 more": the message is cut on a narrow window, whole in its tooltip,
            # there one line each (a screenful of them: a select-all delete has hundreds)
            sb = self.statusBar()
            # (the plan first: the list of updates can be a screenful, cut on the status line)
            head = f"Deleted. {plan}. Updated:" if plan else "Deleted; updated:"
            sb.showMessage(f"{head} " + "; ".join(refs), 10000)
            shown = refs[:40] + ([f"… and {len(refs) - 40} more"]
                                 if len(refs) > 40 else [])
            sb.message_label.setToolTip("\n".join((["Deleted.", plan, "Updated:"] if plan else [head]) + shown))

    def _plan_note(self) -> str:
        """What the last edit (or undo) did to the plan of Plan Mode, once (see PlanPanel.take_note)."""
        panel = getattr(self, "plan_panel", None)
        return panel.take_note() if panel is not None else ""

    def policy_dialog(self):
        """Review > Resilience Policy…: the policy editor beside the graph (one per window)."""
        from prr_app.ui.policy_editor import PolicyDialog

        d = getattr(self, "_policy_dialog", None)
        if d is None:
            d = self._policy_dialog = PolicyDialog(self)
        d.show()
        d.raise_()
        d.activateWindow()
        return d

    def ask_reviewer_name(self) -> None:
        from prr_app.ui.settings import reviewer_name

        name, ok = QInputDialog.getText(self, "Your name as reviewer",
                                        "Written when you answer checklist items and accept risks:",
                                        text=reviewer_name(self.session.review))
        if ok:
            settings().setValue(REVIEWER_KEY, name.strip())

    def select_all(self) -> None:
        self.scene.select_ids(list(self.scene.nodes))

    def copy_selection(self) -> None:
        r = self.session.review
        ids = [i for i in self.selected_ids() if i in r.components]
        pos = {i: Position(*self.scene_to_layout(self.scene.nodes[i].x(), self.scene.nodes[i].y())) for i in ids}
        clip = edits.copy_components(r, ids, pos)
        if clip is None:
            return
        self._clipboard = clip
        QApplication.clipboard().setText("\n".join(ids))
        self.statusBar().showMessage(f"Copied {len(ids)} component{'s' if len(ids) > 1 else ''}", 3000)

    def paste(self) -> None:
        if not self._clipboard:
            return
        self.commit_editing()  # the pasted boxes take the inspector: what is typed there is recorded first
        notes = edits.paste_notes(self.session.review, self._clipboard)
        out = self.edit(f"Paste {len(self._clipboard.components)} component"
                        f"{'s' if len(self._clipboard.components) > 1 else ''}", edits.paste, self._clipboard)
        if out:
            self.scene.select_ids(out[0].values())
            if notes:
                self.statusBar().showMessage("Pasted; " + "; ".join(notes[:3])
                                             + (f" and {len(notes) - 3} more" if len(notes) > 3 else ""), 10000)

    def auto_layout(self) -> None:
        """Lay the whole graph out again by tiers, forgetting hand-made positions (an edit keeps
        every box where it is: this is the one way to rearrange the whole graph)."""
        r = self.session.review
        if r.layout:
            self.push("Automatic layout", [Change("layout", k, copy.deepcopy(v), None) for k, v in r.layout.items()])
        self.scene.relayout()
        QTimer.singleShot(0, self.view.fit)

    def find_dialog(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def find(self, text: str) -> list[str]:
        """Select the components whose id or name contains ``text``."""
        t = text.strip().lower()
        if not t:
            return []
        r = self.session.review
        hits = [cid for cid, c in r.components.items() if t in cid.lower() or t in (c.name or "").lower()]
        exact = [cid for cid in hits if cid.lower() == t or (r.components[cid].name or "").lower() == t]
        hits = exact + [h for h in hits if h not in exact]
        if hits:
            self.show_elements(hits[:1] if exact else hits)
            self.statusBar().showMessage(f"{len(hits)} match{'es' if len(hits) > 1 else ''}", 3000)
        else:
            self.statusBar().showMessage(f"No component matches {text!r}", 4000)
        return hits

    # ------------------------------------------------------------ files
    def new_review(self) -> None:
        if not self._may_leave():
            return
        self.session.new()

    def open_dialog(self) -> None:
        path = Ask.open_path(self, "Open review")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a file; on failure a dialog explains why and the current review stays."""
        if self.session.path is not None and Path(path).resolve() == self.session.path.resolve():
            return True
        if not self._may_leave():
            return False
        try:
            try:
                self.session.open(path)
            except ValidationError as e:
                if not Ask.open_with_problems(self, path, e.problems):
                    return False
                self.session.open(path, allow_problems=True)
        except PrrError as e:
            from prr_app.persistence.store import ReviewLocked

            from prr_app.review.document import ReviewAlreadyOpen

            # a review another program is saving is a review: nothing to check, try again; one open in
            # another window of this program is there to be used
            hint = ("" if isinstance(e, ReviewLocked) else " Use the window that has it open."
                    if isinstance(e, ReviewAlreadyOpen) else " Check that it is a PRR review (.prr) or review JSON.")
            show_error(self, "Cannot open the review", e, "The file was not changed." + hint)
            return False
        except Exception as e:  # noqa: BLE001
            log.exception("open failed")
            show_error(self, "Cannot open the review", f"{path}: {e}", "The file was not changed.")
            return False
        self._add_recent(str(Path(path).resolve()))
        self.sig_review_opened.emit(str(path))
        return True

    def commit_editing(self, *, keep_focus: bool = False) -> None:
        """Record the value of the field being typed in. The inspector's fields and a checklist answer's
        record it when the cursor leaves them (or on Enter): Save, Export, a milestone, Close, Undo, Redo
        and Paste went before that, so a note typed and not yet left was lost (the window said "All
        changes saved", or the undo's reload wiped it). Taking the focus away records it, through the
        undo stack, as leaving the field does. ``keep_focus``: the field gets the keyboard back (Undo and
        Redo from a field leave the user typing where they were), unless recording it replaced the form."""
        w = QApplication.focusWidget()
        if w is not None and self.isAncestorOf(w):
            w.clearFocus()
            if keep_focus and w.isVisible():
                w.setFocus(Qt.FocusReason.OtherFocusReason)

    def _may_leave(self) -> bool:
        """Before replacing an untitled review that has edits: save, discard or stay. The plan of Plan Mode
        goes with the review: one with changes not saved to a plan file is asked about first (discarding it
        drops nothing yet: staying at the review's question keeps both as they are)."""
        self.commit_editing()
        # an import report with decisions not applied yet: they are the reviewer's work (apply, discard, stay)
        from prr_app.ui.import_dialog import ReportDialog

        for d in self.findChildren(ReportDialog):
            if d.isVisible() and not d.may_close():
                return False
        panel = getattr(self, "plan_panel", None)
        if panel is not None and not panel.may_leave():
            return False
        s = self.session
        unwritable: bool | str = False
        if s.document is not None and not s.untitled:
            # another review saved over the file: what the window holds is in no file now, edited
            # or not; one question (save it elsewhere, discard, stay), no failed save said first
            replaced = s.replaced or s.file_replaced()
            if not replaced:
                try:  # the user's own file: write what is pending; a conflict asks first
                    if not self._flush_or_resolve():
                        return False
                except PrrError as e:  # the file cannot take them: the choice below (Save As, discard, stay)
                    replaced = s.replaced  # the failed save found another review there
                    if not replaced:
                        show_error(self, "Could not save", e, "Your edits are kept in the window: save them to "
                                                              "another file next, or stay.")
                    unwritable = True
            if replaced:
                unwritable = replaced
        if not (s.has_unsaved_work or unwritable):
            return True
        ans = Ask.keep_unsaved(self, s.title, unwritable=unwritable) if unwritable else Ask.keep_unsaved(self, s.title)
        if ans == "save":
            return self.save_as()
        if ans == "discard":
            s.drop_pending()  # closing (or what replaces the review) must not try to write them again
            return True
        return False

    def save(self) -> bool:
        self.commit_editing()
        if self.session.untitled:
            return self.save_as()
        replaced = self.session.replaced or self.session.file_replaced()
        if replaced:  # never "Saved": the file holds another review
            self._update_save_label()
            show_error(self, "Could not save", f"{self.session.path}: not saved: {replaced}",
                       "Your edits are kept in the window; use File > Save As to save them elsewhere.")
            return False
        try:
            if not self._flush_or_resolve():
                return False
        except Exception as e:  # noqa: BLE001
            self.save_label.setText("NOT SAVED")
            show_error(self, "Could not save", e, "Your edits are kept in the window; try File > Save As.")
            return False
        self.statusBar().showMessage(f"Saved {self.session.path}", 3000)
        return True

    def _suggested(self, suffix: str) -> str:
        base = self.session.path or (Path(self.session.source) if self.session.source else None)
        name = (base.stem if base else make_id(self.session.review.meta.system_name)) + suffix
        return str((base.parent if base else Path.cwd()) / name)

    def save_as(self) -> bool:
        self.commit_editing()
        path = Ask.save_path(self, "Save review as", self._suggested(".prr"), "PRR review (*.prr)")
        if not path:
            return False
        try:
            self.session.save_as(path)
        except Exception as e:  # noqa: BLE001
            show_error(self, "Could not save", e, "Your edits are kept in the window. Choose another place.")
            return False
        self._add_recent(str(self.session.path.resolve()))
        self._update_title()
        return True

    def save_copy(self) -> None:
        self.commit_editing()
        path = Ask.save_path(self, "Save a copy", self._suggested("-copy.prr"), "PRR review (*.prr)")
        if not path:
            return
        try:
            self.session.save_copy(path)
        except Exception as e:  # noqa: BLE001
            show_error(self, "Could not save a copy", e)
            return
        self.statusBar().showMessage(f"Copy saved to {path}", 5000)

    def _add_recent(self, path: str) -> None:
        st = settings()
        rec = [p for p in (st.value("recent", []) or []) if p != path]
        if isinstance(rec, str):
            rec = [rec]
        st.setValue("recent", [path] + rec[: MAX_RECENT - 1])

    def recent(self) -> list[str]:
        v = settings().value("recent", []) or []
        return [v] if isinstance(v, str) else list(v)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent():
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_path(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ------------------------------------------------------------ import / export (off the GUI thread)
    def run_task(self, name: str, fn, *args, on_done=None) -> Task:
        t = Task(name, fn, *args)
        self._tasks.append(t)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat(name)
        self.cancel_button.setVisible(True)

        def ended(*_a):
            if t in self._tasks:
                self._tasks.remove(t)
            if not self._tasks:
                self.progress.setVisible(False)
                self.cancel_button.setVisible(False)

        def progress(frac, text):
            self.progress.setRange(0, 100)
            self.progress.setValue(int(frac * 100))
            if text:
                self.progress.setFormat(f"{name}: {text}")

        def failed(e, tb):
            ended()
            show_error(self, f"{name} failed", e, "Nothing in the review was changed." if not isinstance(e, PrrError) else "")

        t.signals.sig_progress.connect(progress)
        t.signals.sig_failed.connect(failed)
        t.signals.sig_cancelled.connect(ended)
        t.signals.sig_cancelled.connect(lambda: self.statusBar().showMessage(f"{name} cancelled", 4000))
        t.signals.sig_done.connect(ended)

        def done(result):
            if t.state.cancelled:  # Cancel pressed after the work ended but before its result was used
                self.statusBar().showMessage(f"{name} cancelled", 4000)
                return
            if on_done:
                on_done(result)

        t.signals.sig_done.connect(done)
        return t.start()

    def _cancel_task(self) -> None:
        for t in list(self._tasks):
            t.cancel()

    def import_dialog(self) -> None:
        r = self.session.review
        choice = Ask.import_choice(self, has_review=bool(r.components), has_imports=bool(r.imports))
        if choice:
            options = {k: choice[k] for k in ("variant", "profiles", "scan_source") if k in choice}
            self.import_paths(choice["paths"], choice.get("format"), into=bool(choice.get("into")), **options)

    def import_paths(self, paths: list[str], fmt: str | None = None, *, into: bool = False, **options) -> Task:
        """Import files and folders with ``prr import``'s code (:func:`prr_app.review.importing.import_review`).

        ``into=False``: the result becomes a new untitled review. ``into=True``:
        re-import into the open review as ``prr import --into`` does (the
        reviewer's work is kept, see :mod:`prr_app.importers.merge`); the
        changes are one undoable command. Either way the import report is shown
        (with the inferred dependencies to accept or reject, :mod:`prr_app.ui.import_dialog`).
        ``options``: ``variant``, ``profiles``, ``scan_source`` of :func:`prr_app.review.importing.import_review`,
        the use case ``prr import`` calls too (earlier decisions are remembered on a re-import).
        Runs on a worker thread, with progress; Cancel drops the result. The window stays usable
        meanwhile: a re-import's result is merged field by field with the edits made since it started
        (``edits.merge_changes``: they are kept, and the headline says so), and it is dropped, said in a
        dialog, if another review took the window (File > Open, New, Recover) before it ended.
        """
        paths = [str(p) for p in paths]
        base = self.session.snapshot() if into else None
        # the review the re-import is for: the window stays usable while it runs, and another review
        # opened meanwhile (File > Open, New, Recover) must not receive its changes (see done)
        generation, into_title = self.session.generation, self.session.title

        def work(state, paths, fmt, base):
            from prr_app.review import importing

            state.progress(0.05, "reading " + (Path(paths[0]).name if len(paths) == 1 else f"{len(paths)} paths"))
            state.check()
            # the use case prr import calls: earlier decisions on inferred dependencies, and checklist
            # answers proposed from the files read (issue 21)
            seen = [0.05]

            def progress(stage: str, done: int, total: int) -> None:  # one steady bar over the stages
                frac = importing.progress_fraction(stage, done, total)
                seen[0] = max(seen[0], 0.05 + 0.85 * frac if frac is not None else seen[0])
                state.progress(seen[0], f"{stage} ({done}/{total})" if total else f"{stage} ({done})")

            res = importing.import_review(paths, fmt or "auto", into=base, progress=progress, **options)
            state.check()  # the importer itself cannot stop half-way; a cancel drops its result
            state.progress(0.95, "merging" if base is not None else "done")
            return res

        def done(res):
            rep = res.report
            if base is None:
                if not self._may_leave():
                    self.statusBar().showMessage("Import not opened: the current review was kept", 8000)
                    return
                self.session.new(res.review, source=str(paths[0]))
                head = (f"Imported {len(res.review.components)} components and {len(res.review.dependencies)} "
                        f"dependencies ({rep.format}) into a new review.")
            else:
                from prr_app.wording import count

                if self.session.generation != generation:
                    self._drop_reimport(rep.format, into_title)
                    return
                # the headline counts what the report's first line counts (its change lines, the proposals'
                # among them, and the hand edits kept apart): the plan's counts missed the proposals a
                # re-import withdrew, and said "no changes" above a report of 3 and an undo step.
                # Edits made while it ran are merged field by field (edits.merge_changes), never overwritten
                changes, meanwhile = [], []
                if not res.unchanged:
                    changes, meanwhile = edits.merge_changes(base, res.review, self.session.review)
                    problems = edits.new_problems(self.session.review, changes) if changes else []
                    if problems:
                        self._refuse_reimport(rep.format, problems)
                        return
                changed, kept = rep.change_counts()
                parts = [count(changed, "change")] if changed else []
                parts += [f"{count(kept, 'hand edit')} kept"] if kept else []
                what = ", ".join(parts) or "no changes"
                if changes:
                    self.push(f"Re-import {rep.format} ({what})", changes)
                head = (f"Re-imported {rep.format} into the open review: {what}. "
                        + ("One step: Edit > Undo takes it all back." if changes else "The review already matched the source."))
                if meanwhile:
                    shown = meanwhile[:3] + ([f"and {len(meanwhile) - 3} more"] if len(meanwhile) > 3 else [])
                    head += " Edits made while it ran: " + "; ".join(shown) + "."
            self.last_import = res
            self.statusBar().showMessage(head, 10000)
            Ask.show_report(self, "Import report", head, rep.lines())

        return self.run_task("Import", work, paths, fmt, base, on_done=done)

    def _drop_reimport(self, fmt: str, title: str) -> None:
        """A re-import ended after another review took the window (File > Open, New, Recover): its
        changes were worked out for the review ``title`` and are not applied to the one open now. Not
        applied to ``title``'s file either: closed, that review has no undo step to take it back nor a
        report to decide its inferred dependencies in (an untitled one has no file left at all), and
        running the import again from it is the same code. Said in a dialog, as the import ending is."""
        msg = (f"The re-import ({fmt}) into {title} was not applied: another review took its place in the "
               f"window before it ended. Nothing was changed in either review. To re-import, open {title} "
               "again and choose File > Import.")
        self.statusBar().showMessage(f"Re-import into {title} not applied: another review took its place meanwhile", 10000)
        QMessageBox.information(self, "Re-import not applied", msg)

    def _refuse_reimport(self, fmt: str, problems: list[str]) -> None:
        """The re-import's changes, merged with the edits made while it ran, would break the review (a
        group member or a journey entry deleted meanwhile that the import names): nothing is applied,
        and the user is told which problems and what to do."""
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        msg = (f"The re-import ({fmt}) was not applied: with the edits made while it ran, the review would "
               f"have these problems: {'; '.join(problems[:5])}{more}. Nothing was changed. Choose "
               "File > Import again to re-import the review as it is now.")
        self.statusBar().showMessage("Re-import not applied: it clashes with edits made while it ran", 10000)
        QMessageBox.warning(self, "Re-import not applied", msg)

    IMPORT_REPORT_TIP = ("The report of this review's newest import: what was read, skipped and why, and the "
                         "dependencies it inferred, to accept or reject")
    NO_IMPORT_TIP = "This review has no import record: it was not imported (File > Import makes one)"

    def _update_import_report_action(self, *_args) -> None:
        """Import Report is enabled while the review has an import record; disabled, it says why."""
        has = bool(self.session.review.imports)
        a = self.a_import_report
        if a.isEnabled() != has or not a.toolTip():
            a.setEnabled(has)
            tip = self.IMPORT_REPORT_TIP if has else self.NO_IMPORT_TIP
            a.setToolTip(tip)
            a.setStatusTip(tip)

    def show_import_report(self, _checked: bool = False):
        """Review > Import Report: the newest import record's report, as the import showed it (read,
        skipped, warnings, changes), its inferred dependencies with the decisions they carry now, to
        accept or reject as right after the import (:class:`~prr_app.ui.import_dialog.ReportDialog`).
        An open report of that import is brought to the front instead of a second one. Returns the
        dialog (None: the review has no import record)."""
        from prr_app.review.importing import newest_import
        from prr_app.importers.base import ImportReport
        from prr_app.ui.import_dialog import ReportDialog, record_head

        review = self.session.review
        rec = newest_import(review)
        if rec is None:
            self.statusBar().showMessage(self.NO_IMPORT_TIP, 8000)
            return None
        for d in self.findChildren(ReportDialog):
            if d.isVisible() and d.record_id == rec.id and not (d.inferred is not None and d.inferred.stale):
                d.raise_()
                d.activateWindow()
                return d
        return Ask.show_report(self, "Import report", record_head(review, rec),
                               ImportReport.record_lines(rec))

    def _fill_export(self) -> None:
        from prr_app.review import exports

        self.export_menu.clear()
        for name, fmt in exports.formats().items():
            a = self.export_menu.addAction(f"{fmt.description} ({fmt.suffix})…")
            a.triggered.connect(lambda _c=False, n=name: self.export_dialog(n))

    def export_dialog(self, fmt: str) -> None:
        from prr_app.review import exports

        f = exports.formats()[fmt]
        self.commit_editing()
        path = Ask.save_path(self, f"Export {f.description}", self._suggested(f.suffix), f"{f.description} (*{f.suffix})")
        if path:
            self.export_to(fmt, path)

    def export_to(self, fmt: str, path: str) -> Task:
        """Export a copy of the review (same code as ``prr export``) off the GUI thread."""

        def work(state, review, fmt, path):
            from prr_app.review import exports

            state.progress(0.05, "writing")
            exports.export(review, fmt, path)
            return path

        self.commit_editing()
        return self.run_task("Export", work, self.session.snapshot(), fmt, path,
                             on_done=lambda p: self.statusBar().showMessage(f"Exported to {p}", 8000))

    # ------------------------------------------------------------ closing
    def offer_recovery(self, *, asked: bool = False) -> None:
        """Offer the reviews left in recovery files by sessions that did not end normally.

        Several can wait (two windows crashed, or a recovery was put off): the user picks one to
        recover into this window; the others stay on disk and are offered again (File > Recover
        Unsaved Reviews, or at the next start). Only "Discard all" deletes them.
        """
        files = recovery_files()
        files = [(p, i) for p, i in files if self.session.document is None or p != self.session.document.path]
        if not files:
            if asked:
                self.statusBar().showMessage("No unsaved reviews wait for recovery", 5000)
            return
        ans = Ask.recover(self, files)
        if ans is False:
            for p, _ in files:
                discard_recovery(p)
            return
        if ans is None:
            self.statusBar().showMessage(f"{len(files)} unsaved review(s) kept for later: File > Recover Unsaved Reviews", 8000)
            return
        chosen = files[0][0] if ans is True else Path(ans)
        if not self._may_leave():
            return
        try:
            self.session.recover(chosen)
        except PrrError as e:
            show_error(self, "Cannot recover", e, "The recovery file was left in place.")
            return
        left = len(files) - 1
        if left:
            log.info("%d more recovery files left in place", left)
            self.statusBar().showMessage(f"Recovered. {left} more unsaved review{'s' if left > 1 else ''} "
                                         "wait: File > Recover Unsaved Reviews", 10000)

    def closeEvent(self, event) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        if not self._may_leave():
            event.ignore()
            return
        for t in list(self._tasks):
            t.cancel()
        self.live.cancel()
        # let work in flight end and deliver its results while the window still exists
        from PySide6.QtCore import QCoreApplication, QThreadPool

        from prr_app.ui.tasks import flush_reports

        QThreadPool.globalInstance().waitForDone(10000)
        flush_reports()
        QCoreApplication.processEvents()
        try:
            self.session.close_document(discard_recovery_file=True)
        except Exception as e:  # noqa: BLE001
            log.exception("close failed")
            show_error(self, "Could not save", e)
        self._closed = True
        # nothing may call back into this window while Qt tears it down
        for obj in (self.session, self.session.undo_stack, self.live, self.scene, self.inspector, self.findings):
            obj.blockSignals(True)
        st = settings()
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        super().closeEvent(event)
