"""A small form dialog: labelled fields, a check on OK, the error shown in place."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox,
)

from prr_app.ui import theme


class FormDialog(QDialog):
    """A small form; ``check(values)`` returns an error message or None (and then it is done)."""

    def __init__(self, parent, title: str, fields, check):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.check = check
        self.widgets = {}
        form = QFormLayout(self)
        for key, label, kind, default in fields:
            if kind == "spin":
                w = QSpinBox()
                w.setRange(1, 5)
                w.setValue(int(default))
            elif kind == "text":
                w = QPlainTextEdit(str(default))
                w.setFixedHeight(70)
            elif isinstance(kind, list):
                w = QComboBox()
                w.addItems(kind)
                w.setCurrentText(default)
            else:
                w = QLineEdit(str(default))
                w.setCursorPosition(0)  # a long suggested text shows its start, not its end
            w.setAccessibleName(label)
            self.widgets[key] = w
            form.addRow(label, w)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {theme.ERROR};")
        form.addRow(self.error)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self._ok)
        b.rejected.connect(self.reject)
        form.addRow(b)

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

    def _ok(self) -> None:
        msg = self.check(self.values())
        if msg:
            self.error.setText(msg)
            return
        self.accept()
