"""The import dialog (what to import, from where, into what) and the import report.

Moved out of :mod:`prr_app.ui.dialogs`; :class:`~prr_app.ui.dialogs.Ask` opens them.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from prr_app.errors import PrrError
from prr_app.wording import count


class ImportDialog(QDialog):
    """What to import (files and folders), its format, and where to (a new review or the open one)."""

    def __init__(self, parent, *, has_review: bool, has_imports: bool):
        super().__init__(parent)
        from prr_app.importers import registry

        self.setWindowTitle("Import")
        self.resize(700, 480)
        self.paths = QListWidget()
        add_files = QPushButton("Add &Files…")
        add_folder = QPushButton("Add F&older…")
        remove = QPushButton("&Remove")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(lambda: [self.paths.takeItem(self.paths.row(i)) for i in self.paths.selectedItems()]
                               and self._check())
        row = QHBoxLayout()
        for b in (add_files, add_folder, remove):
            row.addWidget(b)
        row.addStretch(1)
        self.format_box = QComboBox()
        self.format_box.addItem("Detect from the files", "auto")
        for name, f in registry.formats().items():
            self.format_box.addItem(f"{name}: {f.description}", name)
        self.new_radio = QRadioButton("A &new review")
        self.into_radio = QRadioButton("&Into the open review (re-import: your edits, answers and risks are kept; "
                                       "what left the source is flagged, not deleted)")
        self.into_radio.setEnabled(has_review)
        (self.into_radio if has_review and has_imports else self.new_radio).setChecked(True)
        self.variant = QLineEdit()
        # a re-import reads the variant the review came from (its import record), a new one the stated rule's
        self.variant.setPlaceholderText("a re-import: the variant the review came from; else the stated rule's "
                                        "(the report lists the others)")
        self.variant.setToolTip("A checkout often deploys the same services several ways (plain manifests, Helm, "
                                "Kustomize overlays, Compose); name the folder of the one to import "
                                "(prr import --variant)")
        self.profiles = QLineEdit()
        self.profiles.setPlaceholderText("COMPOSE_PROFILES in the project's .env, else none")
        self.profiles.setToolTip("Compose services with a profile are imported only when the profile is active, as "
                                 "docker compose up runs them; name the profiles to activate, separated by commas "
                                 "(prr import --profile)")
        self.scan_source = QCheckBox("Read source code for dependencies (weaker evidence, listed to accept or reject)")
        self.scan_source.setChecked(True)
        hint = QLabel("A folder is read as a checkout: manifests, Compose, Helm charts and Kustomize (rendered when "
                      "helm and kubectl are installed), Structurizr and Backstage files, configuration and source. "
                      "The report says what was read, skipped and why. Same code as <tt>prr import</tt> (and "
                      "<tt>--into</tt>).")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Files and folders to import"))
        lay.addWidget(self.paths)
        lay.addLayout(row)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Variant", self.variant)
        form.addRow("Compose profiles", self.profiles)
        form.addRow("", self.scan_source)
        lay.addLayout(form)
        lay.addWidget(QLabel("Import into"))
        lay.addWidget(self.new_radio)
        lay.addWidget(self.into_radio)
        lay.addWidget(hint)
        lay.addWidget(self.buttons)
        self._check()

    def add_paths(self, paths) -> None:
        have = {self.paths.item(i).text() for i in range(self.paths.count())}
        for p in paths:
            if p and p not in have:
                self.paths.addItem(p)
        self._check()

    def _add_files(self) -> None:
        from prr_app.ui.dialogs import Ask  # tests replace its questions

        self.add_paths(Ask.open_paths(self, "Import files"))

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder")
        if folder:
            self.add_paths([folder])

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.paths.count() > 0)

    def choice(self) -> dict:
        """paths, format and into; ``variant``, ``profiles`` and ``scan_source`` too when they are not the defaults."""
        out = {"paths": [self.paths.item(i).text() for i in range(self.paths.count())],
               "format": self.format_box.currentData(), "into": self.into_radio.isChecked()}
        if self.variant.text().strip():
            out["variant"] = self.variant.text().strip()
        if not self.scan_source.isChecked():
            out["scan_source"] = False
        names = [p.strip() for p in self.profiles.text().split(",") if p.strip()]
        if names:
            out["profiles"] = names
        return out


#: the report's sections, by the prefix of their lines (ImportReport.lines); each tab counts what its
#: name says, as the summary line counts it ("3 warnings": the tab Warnings (3))
SECTIONS = (("Read", ("read:",)), ("Skipped", ("skipped:",)), ("Warnings", ("warning:",)),
            ("Dangling references", ("dangling:",)), ("Hubs tagged", ("hub (tagged, kept):",)),
            ("Changes", ("change:",)))

#: the importers' advice names the command line's options; the dialog has fields for them
_IN_THE_APP = (
    (re.compile(r"pass --variant (\S+?)(?=[ );,]|$)"), r"choose \1 in Variant"),
    (re.compile(r"\(--variant (\S+?)\)"), r"(\1 in Variant)"),
    (re.compile(r"with --profile (?=\()"), "with Compose profiles "),
    (re.compile(r"with --profile (\S+?)(?=[ );,]|$)"), r"with \1 in Compose profiles"),
    (re.compile(r"\(--profile\)"), "(Compose profiles)"),
    (re.compile(r"pass --format \(one of ([^)]*)\)"), r"choose its Format (one of \1)"),
)
#: a reader's summary on its read line ("read: .: compose: 11 components, ..., 10 warnings")
_READER_WARNINGS = re.compile(r"^(read: .+?: [\w-]+: .*?)(\d+) warnings\b")
#: the line of a depends_on-alone warning the configuration read settled (the warning is gone)
_SETTLED = "(depends_on alone said start-up order only)"


def in_the_app(lines: list[str]) -> list[str]:
    """The report's lines as the dialog shows them: the command line's options in the advice
    (``pass --variant kustomize/base``) named by the dialog's fields (``choose kustomize/base in
    Variant``), and a reader's warning count said to be its own when the configuration read later
    settled some of them (the summary counts the warnings that stand)."""
    out = []
    for ln in lines:
        for rx, repl in _IN_THE_APP:
            ln = rx.sub(repl, ln)
        out.append(ln)
    settled = sum(1 for ln in out if ln.startswith("read:") and ln.endswith(_SETTLED))
    readers = [i for i, ln in enumerate(out) if _READER_WARNINGS.match(ln)]
    if settled and readers:
        for i in readers:
            n = int(_READER_WARNINGS.match(out[i]).group(2))
            of = f"{min(settled, n)} of them" if len(readers) == 1 else "some"
            out[i] = _READER_WARNINGS.sub(
                lambda m: f"{m.group(1)}{m.group(2)} warnings from these files alone ({of} settled by the "
                          "configuration read: the lines 'names the call')", out[i], count=1)
    return out

DECISION_TEXT = {"accepted": "accepted", "rejected": "rejected", "": "undecided"}


def _strings(value) -> list[str]:
    return [str(x) for x in value] if isinstance(value, list) else []


def record_head(review, rec) -> str:
    """The reopened report's headline: which import it is (what it read, its format and when), and
    that its decisions are the review's as they stand."""
    when = (rec.at or "").replace("T", " ").replace("+00:00", " UTC")
    n = len(review.imports)
    what = ", ".join(_strings(rec.sources)) or "(no sources named)"
    return (f"Import of {what} ({rec.format}){', ' + when if when else ''}"
            + (f": the newest of {n} imports of this review." if n > 1 else ".")
            + " The decisions shown are the review's as they stand now.")


class ReportDialog(QDialog):
    """An import report: what was read, skipped and why, the warnings and changes, and the
    dependencies inferred from configuration or source, to accept or reject.

    The inferred dependencies are those of the open review's newest import
    (:func:`prr_app.review.importing.inferred_of`), each with its confidence and evidence;
    the reviewer accepts or rejects them one by one or in bulk, and *Apply decisions*
    changes the review in one undoable step (:func:`prr_app.review.importing.decide`).
    The decisions are kept in the import record: a re-import remembers them.
    """

    def __init__(self, parent, title: str, head: str, lines: list[str]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(980, 600)
        lines = in_the_app(lines)
        self.window_ = parent if hasattr(parent, "session") and hasattr(parent, "push") else None
        self.head = QLabel(head)
        self.head.setWordWrap(True)
        self.head.setStyleSheet("font-weight: bold;")
        self.summary = QLabel(lines[0] if lines else "")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.inferred: InferredPanel | None = None
        #: the import record this report is of: the review's newest (right after an import, or reopened
        #: from Review > Import Report)
        self.record_id: str | None = None
        if self.window_ is not None:
            from prr_app.review.importing import inferred_of, newest_import

            review = self.window_.session.review
            rec, items = inferred_of(review)
            newest = newest_import(review)
            self.record_id = newest.id if newest is not None else None
            if items and rec is newest:  # this import's, not an earlier one's
                self.inferred = InferredPanel(self, items)
                # an undo, the inspector's Accept or Reject, a later import: the panel follows the review
                self.window_.session.sig_review_changed.connect(self.inferred.follow)
                self.window_.session.sig_review_replaced.connect(self.inferred.follow)
                self.tabs.addTab(self.inferred, f"Inferred dependencies ({len(items)})")
        self.sections: dict[str, QPlainTextEdit] = {}
        for name, prefixes in SECTIONS:
            got = [ln for ln in lines[1:] if ln.startswith(prefixes)]
            if got:
                self.sections[name] = self._text(got)
                self.tabs.addTab(self.sections[name], f"{name} ({len(got)})")
        self.text = self._text(lines)
        self.tabs.addTab(self.text, "Whole report")
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        b.rejected.connect(self.close)
        self.close_button = b.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)  # Enter closes it, as Escape does
        copy_b = b.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy_b.clicked.connect(lambda: QApplication.clipboard().setText(head + "\n" + "\n".join(lines)))
        lay = QVBoxLayout(self)
        lay.addWidget(self.head)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs)
        lay.addWidget(b)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # shown when an import ends, maybe while the user looks at another window: it takes the
        # keyboard (no window manager gives it one on a bare X session), so Enter and Escape close it
        QTimer.singleShot(0, self._take_keyboard)

    def _take_keyboard(self) -> None:
        if not self.isVisible():
            return
        self.activateWindow()
        self.close_button.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def may_close(self) -> bool:
        """Whether the report may close: no decision waits to be applied, or the reviewer answered
        the question (apply or discard, :meth:`InferredPanel.may_close`); False: stay."""
        return self.inferred is None or self.inferred.may_close()

    def reject(self) -> None:
        """Escape, the Close button and the window's close button all come here (QDialog's close
        event calls it). Decisions chosen and not applied yet are the reviewer's work: closing asks
        to apply them, discard them or stay; stay keeps the report open as it was. Nothing pending
        (or nothing that can still be applied): it closes at once, as before."""
        if self.may_close():
            super().reject()

    @staticmethod
    def _text(lines: list[str]) -> QPlainTextEdit:
        t = QPlainTextEdit()
        t.setReadOnly(True)
        t.setTabChangesFocus(True)
        # wrapped: why something was skipped is read whole, without scrolling sideways (a long path
        # or key with no space breaks anywhere)
        t.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        t.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        t.setPlainText("\n".join(lines))
        return t

    def apply_decisions(self, decisions: dict[str, str]) -> list[str]:
        """Apply the decisions to the open review as one undoable step; what changed, in words."""
        from prr_app.review import edits, importing

        win = self.window_
        base = win.session.snapshot()
        new, said = importing.decide(base, decisions)
        changes = edits.review_changes(base, new, win.session.review)
        if changes:
            n = len(decisions)
            win.push(f"Decide on {n} inferred dependenc{'y' if n == 1 else 'ies'}", changes)
        return said


class InferredPanel(QWidget):
    """The inferred dependencies: source, target, kind, confidence, decision and evidence; decided one by
    one (select rows) or in bulk (every weak or strong one), then applied."""

    COLUMNS = ("Dependency", "Confidence", "Kind", "Decision", "Evidence (file:line)")

    def __init__(self, dialog: ReportDialog, items: list[dict]):
        super().__init__(dialog)
        self.dialog = dialog
        self.items = [dict(i) for i in items]
        self.applied = {str(i["id"]): (i.get("decision") or "") for i in self.items}
        self.pending = dict(self.applied)
        #: the review's inferred calls are no longer this import's: nothing here can be applied (follow)
        self.stale = False
        self.table = QTableWidget(len(self.items), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, item in enumerate(self.items):
            ev = item.get("evidence")
            ev = [str(e) for e in (ev if isinstance(ev, list) else [ev] if ev else [])]
            cells = (str(item["id"]), str(item.get("confidence", "")), str(item.get("kind", "")), "",
                     ev[0] if ev else "")
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col == 4 and ev:
                    cell.setToolTip("\n".join(ev))
                self.table.setItem(row, col, cell)
        self.buttons: dict[str, QPushButton] = {}
        one = QHBoxLayout()
        one.addWidget(QLabel("Selected:"))
        for key, text in (("accept", "&Accept"), ("reject", "&Reject"), ("undecide", "&Undecide")):
            self.buttons[key] = b = QPushButton(text)
            b.clicked.connect(lambda _c=False, k=key: self.set_selected({"accept": "accepted", "reject": "rejected",
                                                                       "undecide": ""}[k]))
            one.addWidget(b)
        one.addSpacing(16)
        one.addWidget(QLabel("All:"))
        for key, text, conf, d in (("accept-strong", "Accept every &strong", "strong", "accepted"),
                                   ("reject-weak", "Reject every &weak", "weak", "rejected"),
                                   ("accept-all", "Accept a&ll", None, "accepted")):
            self.buttons[key] = b = QPushButton(text)
            b.clicked.connect(lambda _c=False, c=conf, dd=d: self.set_all(dd, c))
            one.addWidget(b)
        one.addStretch(1)
        self.apply_button = QPushButton("A&pply decisions")
        self.apply_button.clicked.connect(self.apply)
        self.status = QLabel()
        self.status.setWordWrap(True)
        hint = QLabel("Strong: configuration names the component (a URL, host:port or an address key). Weak: only "
                      "string literals in source code name it. A rejected dependency is removed and stays out on "
                      "every re-import; the decisions are kept in the review (same as <tt>prr import --accept/"
                      "--reject</tt>).")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(self.table)
        lay.addLayout(one)
        foot = QHBoxLayout()
        foot.addWidget(self.status, 1)
        foot.addWidget(self.apply_button)
        lay.addLayout(foot)
        self._refresh()
        self.table.resizeColumnsToContents()  # the decisions written: "rejected (not applied)" fits too
        self.table.setColumnWidth(3, max(self.table.columnWidth(3),
                                         self.table.fontMetrics().horizontalAdvance("rejected (not applied)") + 16))
        self.table.horizontalHeader().setStretchLastSection(True)
        # left, over the start of the cells: a long evidence line made its column wider than the window,
        # and a centred "Evidence (file:line)" sat out of view (an empty header over the evidence)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def row_of(self, did: str) -> int:
        return next(r for r, i in enumerate(self.items) if str(i["id"]) == did)

    def decision(self, did: str) -> str:
        return self.pending[did]

    def select(self, ids) -> None:
        self.table.clearSelection()
        mode = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for did in ids:
            self.table.selectionModel().select(self.table.model().index(self.row_of(did), 0), mode)

    def set_selected(self, decision: str) -> None:
        rows = sorted({ix.row() for ix in self.table.selectionModel().selectedRows()})
        for r in rows:
            self.pending[str(self.items[r]["id"])] = decision
        self._refresh()

    def set_all(self, decision: str, confidence: str | None = None) -> None:
        for i in self.items:
            if confidence is None or i.get("confidence") == confidence:
                self.pending[str(i["id"])] = decision
        self._refresh()

    def changed(self) -> dict[str, str]:
        return {k: v for k, v in self.pending.items() if self.applied.get(k, "") != v}

    def follow(self, _colls=None) -> None:
        """The decisions as the review holds them now: an undo of an Apply, the inspector's Accept or
        Reject, another report's Apply. What was applied follows them (a decision chosen here and not
        applied yet stays chosen); without it the panel said "rejected" over a call the undo had put
        back, and its next Apply compared with that. When the review's inferred calls are no longer
        this import's (a later import, this import undone, another review), nothing here can be
        applied any more, and the panel says why."""
        if self.stale:
            return
        from prr_app.review.importing import inferred_of

        session = self.dialog.window_.session
        rec, items = inferred_of(session.review)
        if rec is None or rec.id != self.dialog.record_id:
            self.stale = True
            for b in (*self.buttons.values(), self.apply_button):
                b.setEnabled(False)
            self.status.setText("These decisions can no longer be applied: the review's inferred dependencies are "
                                "now another import's (Review > Import Report shows its report).")
            return
        now = {str(i["id"]): (i.get("decision") or "") for i in items}
        if all(now.get(k, v) == v for k, v in self.applied.items()):
            return
        for did, was in list(self.applied.items()):
            d = now.get(did, was)
            if self.pending[did] == was:
                self.pending[did] = d
            self.applied[did] = d
        self._refresh()

    def apply(self) -> bool:
        """Apply the decisions not applied yet (one undo step); False when they could not be (said in
        a dialog, the decisions kept here)."""
        todo = self.changed()
        if not todo or self.stale:
            return True
        try:
            said = self.dialog.apply_decisions(todo)
        except PrrError as e:
            QMessageBox.critical(self, "Decisions not applied", str(e))
            return False
        self.applied.update(todo)
        self._refresh()
        self.status.setText(f"Applied: {'; '.join(said)}. Edit > Undo takes it back." if said else "Applied.")
        return True

    def may_close(self) -> bool:
        """Whether the report may close now: nothing to apply (none chosen, or the panel is stale and
        can apply nothing), or the reviewer's answer to :meth:`ask_on_close`. Closing with Escape
        dropped the choices without a word: a call the room had rejected stayed in the review, and
        the reopened report showed it undecided."""
        todo = self.changed()
        if not todo or self.stale:
            return True
        answer = self.ask_on_close(todo)
        if answer == "apply":
            return self.apply()  # refused: the report stays open with the choices, the dialog says why
        return answer == "discard"

    def ask_on_close(self, todo: dict[str, str]) -> str:
        """Apply, discard or stay: "apply", "discard" or "stay". Enter applies (the default), Escape
        stays, each button has its letter (Alt+A, Alt+D, Alt+S)."""
        n = len(todo)
        kinds = [f"{sum(1 for v in todo.values() if v == d)} {DECISION_TEXT[d]}" for d in ("accepted", "rejected", "")
                 if any(v == d for v in todo.values())]
        box = QMessageBox(QMessageBox.Icon.Question, "Apply the decisions?",
                          f"{count(n, 'decision')} on inferred dependencies {'is' if n == 1 else 'are'} not applied "
                          f"yet ({', '.join(kinds)}). Apply {'it' if n == 1 else 'them'} to the review before closing "
                          "the report? Discard closes it and leaves the review as it is.", parent=self.dialog)
        box.setObjectName("PendingDecisionsBox")
        apply_b = box.addButton(f"&Apply {count(n, 'Decision')}", QMessageBox.ButtonRole.AcceptRole)
        discard_b = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        stay_b = box.addButton("&Stay", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(apply_b)
        box.setEscapeButton(stay_b)
        box.exec()
        return {apply_b: "apply", discard_b: "discard"}.get(box.clickedButton(), "stay")

    def _refresh(self) -> None:
        for r, i in enumerate(self.items):
            d = self.pending[str(i["id"])]
            mark = "" if self.applied.get(str(i["id"]), "") == d else " (not applied)"
            self.table.item(r, 3).setText(DECISION_TEXT[d] + mark)
        n = len(self.changed())
        self.apply_button.setEnabled(n > 0 and not self.stale)
        counts = {k: sum(1 for v in self.pending.values() if v == k) for k in DECISION_TEXT}
        self.status.setText(f"{counts['accepted']} accepted, {counts['rejected']} rejected, {counts['']} undecided"
                            + (f"; {n} not applied yet" if n else ""))
