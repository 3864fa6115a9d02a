"""An import report in a window the user can keep open while working."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout


class ReportDialog(QDialog):
    """An import report: what was read, inferred (with file and line), left out, and changed."""

    def __init__(self, parent, title: str, head: str, lines: list[str]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 520)
        self.head = QLabel(head)
        self.head.setWordWrap(True)
        self.head.setStyleSheet("font-weight: bold;")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText("\n".join(lines))
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        b.rejected.connect(self.close)
        copy_b = b.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy_b.clicked.connect(lambda: QApplication.clipboard().setText(head + "\n" + "\n".join(lines)))
        lay = QVBoxLayout(self)
        lay.addWidget(self.head)
        lay.addWidget(self.text)
        lay.addWidget(b)
