"""Driving the real window as a user does: real modal dialogs answered while they are open,
menus by their actions, reads of the file as another program sees it."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from prr_app.review.document import load_review


class DialogAnswer:
    """Answers the next modal dialog of ``kind`` with ``fill(dialog)`` while its ``exec`` runs.

    ``fill`` presses the dialog's buttons itself (as a user would); what it raises is kept in
    :attr:`error` (the dialog is then rejected so the test does not hang) and re-raised by
    :meth:`check`.
    """

    def __init__(self, fill, kind=QDialog, *, title: str | None = None, timeout_ms: int = 10000):
        self.fill, self.kind, self.title = fill, kind, title
        self.dialog = None
        self.error: BaseException | None = None
        self.left = timeout_ms // 20
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        w = QApplication.activeModalWidget()
        if isinstance(w, self.kind) and w.isVisible() and (self.title is None or self.title in w.windowTitle()):
            self.dialog = w
            try:
                self.fill(w)
            except BaseException as e:  # noqa: BLE001 - handed to the test by check()
                self.error = e
                w.reject()
            return
        self.left -= 1
        if self.left > 0:
            QTimer.singleShot(20, self._poll)

    def check(self):
        if self.error is not None:
            raise self.error
        assert self.dialog is not None, f"no {self.kind.__name__} {self.title or ''} was shown"
        return self.dialog


def press(box: QMessageBox, text: str) -> None:
    """Click the message box's button whose text contains ``text`` (ampersands ignored)."""
    for b in box.buttons():
        if text.lower() in b.text().replace("&", "").lower():
            b.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def menu_action(window, menu: str, text: str):
    """The action ``text`` of the menu bar's ``menu``, as a user finds it (ampersands ignored)."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu:
            m = top.menu()
            m.aboutToShow.emit()  # menus filled when shown (Export, Open Recent)
            for a in m.actions():
                if a.text().replace("&", "").rstrip("…").startswith(text):
                    return a
            raise AssertionError(f"no {text!r} in {menu}: {[a.text() for a in m.actions()]}")
    raise AssertionError(f"no menu {menu!r}")


def read_while_open(path):
    """Read the file as another process would while the window keeps it open (a backup copy)."""
    tmp = path.with_name("reader-" + path.name)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    src.backup(dst)
    src.close()
    dst.close()
    try:
        return load_review(tmp)
    finally:
        tmp.unlink()


def wait_analysis(qtbot, w, timeout=20000):
    """Wait until the window's analysis has ended and the canvas's staged build with it; return the result.

    It first lets an edit's analysis start (it may be queued behind the repaint).
    """
    qtbot.wait(30)
    qtbot.waitUntil(lambda: not w.live.busy and w.result is not None and not w.scene.building
                    and not w.scene.redrawing, timeout=timeout)
    return w.result


def visible_text(widget: QWidget) -> str:
    """The text of every visible label, button and line edit under ``widget``."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

    out = []
    for cls in (QLabel, QAbstractButton, QLineEdit):
        for w in widget.findChildren(cls):
            if w.isVisible():
                out.append(w.text())
    return "\n".join(out)
