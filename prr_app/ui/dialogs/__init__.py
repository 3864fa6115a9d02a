"""The window's dialogs, one module each, and :class:`Ask`, the questions tests replace."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from prr_app.ui.dialogs.elements import DependencyDialog, JourneyDialog, NewElementDialog, id_problem
from prr_app.ui.dialogs.form import FormDialog
from prr_app.ui.dialogs.import_dialog import ImportDialog
from prr_app.ui.dialogs.recover import RecoverDialog
from prr_app.ui.dialogs.report import ReportDialog

FILE_FILTER = "Reviews (*.prr *.json);;PRR review (*.prr);;Review JSON (*.json);;All files (*)"

__all__ = ["Ask", "DependencyDialog", "FILE_FILTER", "FormDialog", "ImportDialog", "JourneyDialog",
           "NewElementDialog", "RecoverDialog", "ReportDialog", "id_problem"]


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
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filt)
        return path or None

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
    def show_report(cls, parent, title: str, head: str, lines: list[str]) -> None:
        """The import report (as ``prr import`` prints it), in a window the user can keep open."""
        d = ReportDialog(parent, title, head, lines)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.show()

    @classmethod
    def keep_unsaved(cls, parent, title: str) -> str:
        """'save', 'discard' or 'cancel' for a review that has no file of its own."""
        r = QMessageBox.question(
            parent, "Save the review?",
            f"{title} has not been saved to a file of its own yet. Save it before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(r, "cancel")
