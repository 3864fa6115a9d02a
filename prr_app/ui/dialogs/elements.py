"""Dialogs that create an element: a component, group or domain (name, id, kind), a dependency, a journey."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
)

from prr_app.domain.validation import is_valid_id, make_id
from prr_app.ui import theme


def id_problem(text: str, review) -> str | None:
    """Why ``text`` cannot be a new element id (None when it can)."""
    if not text:
        return "required"
    if not is_valid_id(text):
        return "letters, digits and _ . : / + - only; no spaces, no '->'"
    if review.element(text) is not None:
        return f"{text!r} is already used"
    return None


class NewElementDialog(QDialog):
    """Name and id (derived from the name, checked as you type) of a new element."""

    def __init__(self, parent, title: str, review, kinds=None, default_kind: str = "service"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.review = review
        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.kind_box = QComboBox() if kinds else None
        self.err = QLabel()
        self.err.setStyleSheet("color: #b3121f;")
        form = QFormLayout(self)
        form.addRow("Name", self.name_edit)
        form.addRow("Id", self.id_edit)
        if self.kind_box is not None:
            for k in kinds:
                self.kind_box.addItem(k.replace("_", " "), k)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(default_kind)))
            form.addRow("Kind", self.kind_box)
        form.addRow(self.err)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._id_touched = False
        self.name_edit.textEdited.connect(self._name_changed)
        self.id_edit.textEdited.connect(lambda _t: (setattr(self, "_id_touched", True), self._check()))
        self._check()

    def _name_changed(self, text: str) -> None:
        if not self._id_touched:
            self.id_edit.setText(make_id(text.lower()) if text.strip() else "")
        self._check()

    def _check(self) -> None:
        msg = id_problem(self.id_edit.text().strip(), self.review)
        self.err.setText(msg or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(msg is None)

    @property
    def element_id(self) -> str:
        return self.id_edit.text().strip()

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def kind(self) -> str:
        return self.kind_box.currentData() if self.kind_box is not None else ""

    def ask(self) -> bool:
        return self.exec() == QDialog.DialogCode.Accepted


class DependencyDialog(QDialog):
    def __init__(self, parent, review, source: str = "", target: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Add dependency")
        ids = sorted(review.components) + sorted(review.groups)
        self.src = QComboBox()
        self.src.addItems(sorted(review.components))
        self.src.setEditable(True)
        self.src.setCurrentText(source)
        self.tgt = QComboBox()
        self.tgt.addItems(ids)
        self.tgt.setEditable(True)
        self.tgt.setCurrentText(target)
        for box in (self.src, self.tgt):
            box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.kind_box = QComboBox()
        self.kind_box.addItems(["hard", "soft", "async"])
        form = QFormLayout(self)
        form.addRow("From (depends)", self.src)
        form.addRow("On", self.tgt)
        form.addRow("Kind", self.kind_box)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        form.addRow(b)

    @property
    def source(self) -> str:
        return self.src.currentText().strip()

    @property
    def target(self) -> str:
        return self.tgt.currentText().strip()

    @property
    def kind(self) -> str:
        return self.kind_box.currentText()

    def ask(self) -> bool:
        return self.exec() == QDialog.DialogCode.Accepted


class JourneyDialog(QDialog):
    """A new user journey: name and id, entry components, SLO, criticality, description."""

    def __init__(self, parent, review, entry=()):
        super().__init__(parent)
        self.setWindowTitle("Add user journey")
        self.review = review
        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.entry_edit = QLineEdit(", ".join(entry))
        self.entry_edit.setPlaceholderText("component ids, comma-separated (all are needed)")
        comp = QCompleter(sorted(review.components), self)
        comp.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.entry_edit.setCompleter(comp)
        self.slo_edit = QLineEdit()
        self.slo_edit.setPlaceholderText("e.g. 99.9 (percent; empty: none)")
        self.critical_box = QCheckBox("A critical journey (its SLO gates the launch)")
        self.critical_box.setChecked(True)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(60)
        self.err = QLabel()
        self.err.setWordWrap(True)
        self.err.setStyleSheet(f"color: {theme.ERROR};")
        form = QFormLayout(self)
        for label, w in (("Name", self.name_edit), ("Id", self.id_edit), ("Entry components", self.entry_edit),
                         ("SLO (%)", self.slo_edit), ("Criticality", self.critical_box),
                         ("Description", self.description_edit)):
            w.setAccessibleName(label)
            form.addRow(label, w)
        form.addRow(self.err)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._id_touched = False
        self.name_edit.textEdited.connect(self._name_changed)
        self.id_edit.textEdited.connect(lambda _t: setattr(self, "_id_touched", True))

    def _name_changed(self, text: str) -> None:
        if not self._id_touched:
            self.id_edit.setText(make_id(text.lower()) if text.strip() else "")

    def problem(self) -> str | None:
        msg = id_problem(self.element_id, self.review)
        if msg:
            return f"Id: {msg}"
        bad = [e for e in self.entry if e not in self.review.components]
        if bad:
            return "Entry components: unknown component " + ", ".join(bad)
        try:
            self.slo
        except ValueError as e:
            return f"SLO: {e}"
        return None

    def _ok(self) -> None:
        msg = self.problem()
        self.err.setText(msg or "")
        if msg is None:
            self.accept()

    @property
    def element_id(self) -> str:
        return self.id_edit.text().strip()

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

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

    def ask(self) -> bool:
        return self.exec() == QDialog.DialogCode.Accepted
