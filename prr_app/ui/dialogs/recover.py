"""Unsaved reviews a crash left behind: recover one, keep them for later, or discard them."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QMessageBox, QVBoxLayout


class RecoverDialog(QDialog):
    """Unsaved reviews a crash left behind: recover one now, keep them for later, or discard them."""

    def __init__(self, parent, files):
        super().__init__(parent)
        import datetime as _dt

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
