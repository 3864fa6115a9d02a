"""The import dialog (what to import, from where, into what) and the import report.

Moved out of :mod:`prr_app.ui.dialogs`; :class:`~prr_app.ui.dialogs.Ask` opens them.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QListWidget,
    QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout,
)


class ImportDialog(QDialog):
    """What to import (files and folders), its format, and where to (a new review or the open one)."""

    def __init__(self, parent, *, has_review: bool, has_imports: bool):
        super().__init__(parent)
        from prr_app.importers import registry

        self.setWindowTitle("Import")
        self.resize(640, 420)
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
        hint = QLabel("Folders: their files are read in name order; files that do not fit the format are left out "
                      "and the report says why. Same code as <tt>prr import</tt> (and <tt>--into</tt>).")
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
        return {"paths": [self.paths.item(i).text() for i in range(self.paths.count())],
                "format": self.format_box.currentData(), "into": self.into_radio.isChecked()}


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
