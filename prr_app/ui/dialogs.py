"""The window's dialogs, and :class:`Ask`, the questions tests replace.

New elements (component, group or domain; dependency; journey), a small form (risk decisions),
and recovery. ``main_window`` asks through :class:`Ask`. The import dialog and the import
report live in :mod:`prr_app.ui.import_dialog` (re-exported here).
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
    QListWidget, QMessageBox, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget,
)

from prr_app.model.validation import is_valid_id, make_id
from prr_app.review.edits import EditRefused, add_dependency
from prr_app.ui import theme
from prr_app.wording import enum_words
from prr_app.ui.import_dialog import ImportDialog, ReportDialog  # Ask opens them (their former home)

FILE_FILTER = "Reviews (*.prr *.json);;PRR review (*.prr);;Review JSON (*.json);;All files (*)"


class Ask:
    """Questions to the user; tests replace these classmethods."""

    @classmethod
    def open_path(cls, parent, title: str, filt: str = FILE_FILTER) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filt)
        return path or None

    @classmethod
    def open_paths(cls, parent, title: str, filt: str = "All files (*)") -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, "", filt)
        return paths

    @classmethod
    def save_path(cls, parent, title: str, suggested: str, filt: str) -> str | None:
        """The file to write. When ``filt`` names one suffix ("PRR review (*.prr)"), a name
        without it gets it ("webshop.json" -> "webshop.json.prr") *before* the question whether
        to replace an existing file, so the question names the file that will be written."""
        suffix = _filter_suffix(filt)
        while True:
            path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filt,
                                                  options=QFileDialog.Option.DontConfirmOverwrite)
            if not path:
                return None
            if suffix and not path.lower().endswith(suffix.lower()):
                path += suffix
            if not Path(path).exists() or cls.replace_file(parent, title, path):
                return path
            suggested = path  # "No": choose again, from the name typed

    @classmethod
    def replace_file(cls, parent, title: str, path: str) -> bool:
        r = QMessageBox.question(parent, title, f"{Path(path).name} already exists in {Path(path).parent}. "
                                 "Do you want to replace it?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                 QMessageBox.StandardButton.No)
        return r == QMessageBox.StandardButton.Yes

    @classmethod
    def recover(cls, parent, files):
        """Which unsaved review to recover: its path; None: decide later (files kept); False: discard all.

        (True, from older callers: the newest.)
        """
        d = RecoverDialog(parent, files)
        d.exec()
        return d.answer

    @classmethod
    def import_choice(cls, parent, *, has_review: bool, has_imports: bool) -> dict | None:
        """Files/folders, format and target (new review or into the open one); None: cancelled."""
        d = ImportDialog(parent, has_review=has_review, has_imports=has_imports)
        return d.choice() if d.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def show_report(cls, parent, title: str, head: str, lines: list[str]) -> ReportDialog:
        """The import report (as ``prr import`` prints it), in a window the user can keep open."""
        d = ReportDialog(parent, title, head, lines)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.show()
        return d

    @classmethod
    def open_with_problems(cls, parent, path: str, problems: list) -> bool:
        """A review that breaks the model's rules: open it to fix the problems (True), or not."""
        n = len(problems)
        shown = 5  # the first ones in the message itself (a single problem was only behind Show Details)
        listed = "\n".join("• " + str(p) for p in problems[:shown])
        more = f"\n… and {n - shown} more (Show Details)" if n > shown else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "The review has problems",
                          f"{Path(path).name} has {n} problem{'s' if n != 1 else ''}:\n\n{listed}{more}\n\n"
                          "Open it anyway and fix them here? They are listed in the findings; click one to edit "
                          "or delete what it names. The file is not changed until you save.", parent=parent)
        box.setDetailedText("\n".join(str(p) for p in problems))
        fix = box.addButton("Open and Fix", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is fix

    @classmethod
    def resolve_conflict(cls, parent, name: str, lines: list[str]) -> str | None:
        """Another program changed what this window would save: "mine", "theirs", "save_as" or
        None (decide later: nothing is written, the edits stay in the window)."""
        n = len(lines)
        box = QMessageBox(QMessageBox.Icon.Warning, "Not saved: the file was changed elsewhere",
                          f"Another program changed {name} while you were editing it. "
                          f"{n} element{'s were' if n != 1 else ' was'} changed both here and in the file:\n\n"
                          + "\n".join("• " + x for x in lines[:6])
                          + (f"\n… and {n - 6} more (Show Details)" if n > 6 else "")
                          + "\n\nNothing was written. Keep yours (over the file's for these elements), take the "
                          "file's for these elements (your other edits are kept), or save everything shown here to "
                          "another file. Everything else the other program changed is taken into this window "
                          "either way; the undo history starts again.", parent=parent)
        box.setObjectName("SaveConflictBox")
        box.setDetailedText("\n".join(lines))
        mine = box.addButton("Keep &Mine", QMessageBox.ButtonRole.AcceptRole)
        theirs = box.addButton("Take the &File's", QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton("Save &As…", QMessageBox.ButtonRole.ActionRole)
        later = box.addButton("Decide &Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(mine)
        box.setEscapeButton(later)
        box.exec()
        return {mine: "mine", theirs: "theirs", save_as: "save_as"}.get(box.clickedButton())

    @classmethod
    def keep_unsaved(cls, parent, title: str, unwritable: bool | str = False, heading: str = "Save the review?") -> str:
        """'save', 'discard' or 'cancel' for a review that has no file of its own, or whose file
        could not take its edits (``unwritable``: True, or why in words, as when another program
        saved another review over the file: then what the window shows is in no file at all); for
        other unsaved work (Plan Mode's plan), ``heading`` names it."""
        if isinstance(unwritable, str):
            text = (f"{title} cannot be saved: {unwritable}.\n\nThe review shown in this window (and any edit "
                    "made to it) is now in no file. Save it to another file before closing? Discard closes "
                    "without saving it; the other review in the file is left as it is.")
        elif unwritable:
            text = (f"The edits to {title} could not be written to its file. Save them to another file before "
                    "closing?")
        else:
            text = f"{title} has not been saved to a file of its own yet. Save it before closing?"
        r = QMessageBox.question(
            parent, heading, text,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(r, "cancel")


class KeyboardBack(QObject):
    """When a dialog closes, the window that opened it takes the keyboard back.

    A window manager usually does this; without one (a kiosk, a projector's bare X session,
    Xvfb) the keyboard went nowhere after a dialog closed and the next shortcut was lost. So
    when a window that had the focus is hidden (a dialog closed, modal or not) and no window
    of the application has the focus then, the window it belongs to (its transient parent,
    the one that opened it) is activated, and Qt gives the focus back to that window's own
    focus widget: where the user was. Switching to another application leaves the focus
    there (the window that had it is still shown). One per application: :meth:`install`.
    """

    _instance = None

    @classmethod
    def install(cls, app) -> KeyboardBack:
        if cls._instance is None:
            cls._instance = cls(app)
        return cls._instance

    def __init__(self, app):
        super().__init__(app)
        self._watched = None  # the window that has the focus and belongs to another
        self._parent = None  # the widget to give the keyboard back to
        self._tries = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_back)
        app.focusWindowChanged.connect(self._focus_moved)

    def _focus_moved(self, window) -> None:
        if window is None or window is self._watched:
            return
        widget = next((w for w in QApplication.topLevelWidgets() if w.windowHandle() is window), None)
        owner = widget.parentWidget() if widget is not None else None
        if owner is None:
            return
        self._watched = window
        # the widget, not its QWindow: a QWindow's wrapper may outlive the window it names
        top = QWidget.window(owner)  # (views keep their main window in a `window` attribute)
        window.visibleChanged.connect(lambda shown, owner=top: shown or self._closed(owner))
        if not window.isVisible():  # closed before the system said it had the focus
            self._closed(top)

    def _closed(self, owner) -> None:
        self._watched, self._parent, self._tries = None, owner, 4
        self._timer.start(0)

    def _give_back(self) -> None:
        app = QApplication.instance()
        owner, self._tries = self._parent, self._tries - 1
        if app is None or owner is None:
            return
        try:
            now = app.activeWindow()  # (may still be the closed one until the system says otherwise)
            if now is not None and now.isVisible():
                return  # someone has it: a window manager gave it back, or another window was opened
            if not owner.isVisible():
                return
            owner.activateWindow()
        except RuntimeError:  # that window is gone too
            return
        if self._tries > 0:
            # without a window manager the X server may drop the request (its time stamp is older
            # than the focus change the closing caused): ask again until the window has it
            self._timer.start(60)


def _filter_suffix(filt: str) -> str | None:
    """The one suffix a file dialog filter names ("PDF (*.pdf)" -> ".pdf"); None for several or any."""
    m = re.search(r"\(\*(\.[^\s*()]+)\)$", filt.strip())
    return m.group(1) if m and ";;" not in filt else None


def id_problem(text: str, review) -> str | None:
    """Why ``text`` cannot be a new element id (None when it can)."""
    if not text:
        return "required"
    if not is_valid_id(text):
        return "letters and digits (any script) and _ . : / + - only; no spaces, no '->'"
    if review.element(text) is not None:
        return f"{text!r} is already used"
    return None


class _Form(QDialog):
    """A dialog of labelled rows, a line that says what is wrong, and OK / Cancel: OK closes it
    only when :meth:`problem` finds nothing. A subclass adds its rows with :meth:`row`, then
    calls :meth:`finish`."""

    def __init__(self, parent, title: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ERROR};")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        # wide enough that a message wraps onto a few lines, not a word per line
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)

    def say(self, msg: str | None) -> None:
        """Show ``msg`` (None: nothing wrong) under the fields, the dialog growing until all of it shows."""
        self.error.setText(msg or "")
        self.fit_height()

    def fit_height(self) -> None:
        """Grow (never shrink below what the user made it) to the height the rows need at the
        dialog's width: a wrapped message of several lines is not clipped at the bottom."""
        lay = self.layout()
        lay.activate()
        w = max(self.width(), self.minimumWidth())
        need = lay.totalHeightForWidth(w) if lay.hasHeightForWidth() else lay.totalSizeHint().height()
        self.setMinimumHeight(max(need, lay.totalMinimumSize().height()))
        if need > self.height():
            self.resize(w, need)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width() and self.error.text():
            self.fit_height()  # narrower: the message takes more lines

    def row(self, label: str, widget):
        """Add ``widget`` under ``label`` (also its accessible name); returns it. In a multi-line
        field, Tab moves on to the next field as everywhere else in a form (no tab characters)."""
        widget.setAccessibleName(label)
        if isinstance(widget, QPlainTextEdit):
            widget.setTabChangesFocus(True)
        self.form.addRow(label, widget)
        return widget

    def finish(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def problem(self) -> str | None:
        """What keeps OK from closing the dialog (None: nothing)."""
        return None

    def _ok(self) -> None:
        msg = self.problem()
        self.say(msg)
        if msg is None:
            self.accept()

    def ask(self) -> bool:
        return self.exec() == QDialog.DialogCode.Accepted


class _NewNamed(_Form):
    """The name and id of a new element: the id follows the name until it is edited itself."""

    def __init__(self, parent, title: str, review):
        super().__init__(parent, title)
        self.review = review
        self.name_edit = self.row("Name", QLineEdit())
        self.id_edit = self.row("Id", QLineEdit())
        self._id_touched = False
        self.name_edit.textEdited.connect(self._name_changed)
        self.id_edit.textEdited.connect(self._id_changed)

    def _name_changed(self, text: str) -> None:
        if not self._id_touched:
            self.id_edit.setText(make_id(text.lower()) if text.strip() else "")
        self._edited()

    def _id_changed(self, _text: str) -> None:
        self._id_touched = True
        self._edited()

    def _edited(self) -> None:
        """After an edit of the name or the id."""

    @property
    def element_id(self) -> str:
        return self.id_edit.text().strip()

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()


class NewElementDialog(_NewNamed):
    """Name and id (derived from the name, checked as you type) of a new element."""

    def __init__(self, parent, title: str, review, kinds=None, default_kind: str = "service"):
        super().__init__(parent, title, review)
        self.kind_box = QComboBox() if kinds else None
        if self.kind_box is not None:
            for k in kinds:
                self.kind_box.addItem(enum_words(k), k)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(default_kind)))
            self.row("Kind", self.kind_box)
        self.finish()
        self._edited()

    def problem(self) -> str | None:
        return id_problem(self.element_id, self.review)

    def _edited(self) -> None:
        msg = self.problem()
        self.say(msg)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(msg is None)

    @property
    def kind(self) -> str:
        return self.kind_box.currentData() if self.kind_box is not None else ""


class DependencyDialog(_Form):
    """A new dependency: its two ends (the selection pre-fills them) and its kind. A pre-filled
    end is selected when its field takes the focus, so typing replaces it; an end that is not
    in the review keeps the dialog open with what was typed, and says which."""

    def __init__(self, parent, review, source: str = "", target: str = ""):
        super().__init__(parent, "Add dependency")
        self.review = review
        self.src = QComboBox()
        self.src.addItems(sorted(review.components))
        self.tgt = QComboBox()
        self.tgt.addItems(sorted(review.components) + sorted(review.groups))
        self._untouched = set()
        for box, text in ((self.src, source), (self.tgt, target)):
            box.setEditable(True)
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            box.setCurrentText(text)
            box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            if text:
                self._untouched.add(box)
            box.installEventFilter(self)  # the combo box takes the focus for its line edit
            box.lineEdit().textEdited.connect(lambda _t, box=box: self._untouched.discard(box))
        self.kind_box = QComboBox()
        self.kind_box.addItems(["hard", "soft", "async"])
        self.row("From (depends)", self.src)
        self.row("On", self.tgt)
        self.row("Kind", self.kind_box)
        self.finish()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.FocusIn and obj in self._untouched:
            # after the click that gave the focus has placed the cursor: the whole id, to be typed over
            QTimer.singleShot(0, obj.lineEdit().selectAll)
        return super().eventFilter(obj, event)

    def problem(self) -> str | None:
        r = self.review
        if not self.source:
            return "From: type or pick the component that depends on the other."
        if self.source not in r.components:
            what = "a redundancy group (a dependency starts at a component)" if self.source in r.groups else \
                "not a component of this review"
            return f"From: {self.source!r} is {what}."
        if not self.target:
            return "On: type or pick the component or redundancy group it depends on."
        if self.target not in r.components and self.target not in r.groups:
            return f"On: {self.target!r} is not a component or redundancy group of this review."
        if self.target == self.source:
            return f"On: {self.source!r} cannot depend on itself."
        try:
            add_dependency(r, self.source, self.target, self.kind)  # what else the model refuses
        except EditRefused as e:
            return e.message
        return None

    @property
    def source(self) -> str:
        return self.src.currentText().strip()

    @property
    def target(self) -> str:
        return self.tgt.currentText().strip()

    @property
    def kind(self) -> str:
        return self.kind_box.currentText()


class JourneyDialog(_NewNamed):
    """A new user journey: name and id, entry components, SLO, criticality, description."""

    def __init__(self, parent, review, entry=()):
        super().__init__(parent, "Add user journey", review)
        self.entry_edit = QLineEdit(", ".join(entry))
        self.entry_edit.setPlaceholderText("component ids, comma-separated (all are needed)")
        self.entry_edit.setToolTip("The components (or redundancy groups) users enter the journey by, "
                                   "comma-separated: the journey needs all of them")
        # wide enough for its hint, which was cut off at the dialog's natural width
        self.entry_edit.setMinimumWidth(
            self.entry_edit.fontMetrics().horizontalAdvance(self.entry_edit.placeholderText()) + 24)
        comp = QCompleter(sorted(review.components), self)
        comp.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.entry_edit.setCompleter(comp)
        self.slo_edit = QLineEdit()
        self.slo_edit.setPlaceholderText("e.g. 99.9 (percent; empty: none)")
        self.critical_box = QCheckBox("A critical journey (its SLO gates the launch)")
        self.critical_box.setChecked(True)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(60)
        for label, w in (("Entry components", self.entry_edit), ("SLO (%)", self.slo_edit),
                         ("Criticality", self.critical_box), ("Description", self.description_edit)):
            self.row(label, w)
        self.finish()

    def problem(self) -> str | None:
        msg = id_problem(self.element_id, self.review)
        if msg:
            return f"Id: {msg}"
        bad = [e for e in self.entry if e not in self.review.components and e not in self.review.groups]
        if bad:
            return "Entry components: unknown component or redundancy group " + ", ".join(bad)
        try:
            self.slo
        except ValueError as e:
            return f"SLO: {e}"
        return None

    @property
    def entry(self) -> list[str]:
        return [e.strip() for e in self.entry_edit.text().replace(";", ",").split(",") if e.strip()]

    @property
    def slo(self) -> float | None:
        t = self.slo_edit.text().strip().rstrip("%").strip().replace(",", ".")
        if not t:
            return None
        try:
            v = float(t)
        except ValueError:
            raise ValueError("a percentage like 99.9") from None
        if not 0 <= v < 100:
            raise ValueError("a percentage from 0 to below 100, like 99.9")
        return v

    @property
    def critical(self) -> bool:
        return self.critical_box.isChecked()

    @property
    def description(self) -> str:
        return self.description_edit.toPlainText()


class FormDialog(_Form):
    """A small form; ``check(values)`` returns an error message or None (and then it is done)."""

    def __init__(self, parent, title: str, fields, check, about: str = ""):
        super().__init__(parent, title)
        self.check = check
        self.widgets = {}
        # what the form is about, in words above its fields: the title bar (which a bare X session
        # does not even draw) says only an id such as "Accept spof:component:cart-db"
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.about.setStyleSheet("font-weight: bold;")
        self.about.setVisible(bool(about))
        if about:
            self.form.addRow(self.about)
        for key, label, kind, default in fields:
            if kind == "spin":
                w = QSpinBox()
                w.setRange(1, 5)
                w.setValue(int(default))
            elif kind == "text":
                w = QPlainTextEdit(str(default))
                # a long pre-filled text (a risk's suggested mitigation) is kept whole and shown from
                # its start, on as many lines as it needs up to about six
                long = len(str(default)) > 120
                if long:
                    self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
                w.setFixedHeight(w.fontMetrics().lineSpacing() * (7 if long else 3) + 12)
                w.moveCursor(QTextCursor.MoveOperation.Start)
                w.ensureCursorVisible()
            elif isinstance(kind, list):
                w = QComboBox()
                w.addItems(kind)
                w.setCurrentText(default)
            else:
                w = QLineEdit(str(default))
                w.setCursorPosition(0)  # a long suggested text shows its start, not its end
            self.widgets[key] = self.row(label, w)
        self.finish()

    def values(self) -> dict:
        out = {}
        for k, w in self.widgets.items():
            if isinstance(w, QSpinBox):
                out[k] = w.value()
            elif isinstance(w, QPlainTextEdit):
                out[k] = w.toPlainText()
            elif isinstance(w, QComboBox):
                out[k] = w.currentText()
            else:
                out[k] = w.text()
        return out

    def problem(self) -> str | None:
        return self.check(self.values()) or None


class RecoverDialog(QDialog):
    """Unsaved reviews a crash left behind: recover one now, keep them for later, or discard them."""

    def __init__(self, parent, files):
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved reviews?")
        self.files = list(files)
        self.answer = None
        self.list = QListWidget()
        for p, info in self.files:
            try:
                when = _dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            except OSError:
                when = "?"
            src = info.get("source")
            self.list.addItem(f"{Path(src).name if src else 'Untitled review'} — last edit {when} ({p.name})")
        self.list.setCurrentRow(0)
        text = QLabel("PRR Workbench did not close normally. These reviews had edits that were never saved to a file "
                      "of their own. Recover one now (the newest is selected); the others stay and are offered "
                      "again (File > Recover Unsaved Reviews).")
        text.setWordWrap(True)
        b = QDialogButtonBox()
        rec = b.addButton("&Recover Selected", QDialogButtonBox.ButtonRole.AcceptRole)
        later = b.addButton("&Later", QDialogButtonBox.ButtonRole.RejectRole)
        discard = b.addButton("&Discard All", QDialogButtonBox.ButtonRole.DestructiveRole)
        rec.clicked.connect(self._recover)
        later.clicked.connect(self.reject)
        discard.clicked.connect(self._discard)
        self.list.itemDoubleClicked.connect(lambda _i: self._recover())
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(self.list)
        lay.addWidget(b)

    def _recover(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.files):
            self.answer = self.files[row][0]
        self.accept()

    def _discard(self) -> None:
        if QMessageBox.question(self, "Discard all?", f"Delete {len(self.files)} unsaved review(s) for good?") \
                == QMessageBox.StandardButton.Yes:
            self.answer = False
            self.accept()
