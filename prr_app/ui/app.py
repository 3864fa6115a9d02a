"""``prr-app [FILE]``: the desktop app's entry point."""
from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
import traceback

log = logging.getLogger("prr_app.ui")
_T0 = time.perf_counter()


def _install_excepthooks(app) -> None:
    """An unexpected exception is logged and shown; the review stays as it was."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def hook(etype, value, tb):
        text = "".join(traceback.format_exception(etype, value, tb))
        log.error("unexpected error:\n%s", text)
        sys.__stderr__.write(text)

        def show():
            win = app.activeWindow()
            box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                              f"Something went wrong inside PRR Workbench: {value}\n\n"
                              "Your review is safe: every edit made before this was saved. "
                              "If this keeps happening, please report it with the details below.", parent=win)
            box.setDetailedText(text)
            box.exec()
            if win is not None and hasattr(win, "scene"):
                win.scene.rebuild()  # redraw from the model, whatever half-done state the view was in

        QTimer.singleShot(0, show)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)


def make_app(argv=None):
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from prr_app.ui import theme

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("PRR Workbench")
    app.setOrganizationName("PRR Workbench")
    app.setApplicationDisplayName("PRR Workbench")
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(theme.BASE_FONT_PT)
    app.setFont(f)
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="prr-app", description="PRR Workbench: the desktop app")
    parser.add_argument("file", nargs="?", help="a review (.prr) or review JSON to open")
    parser.add_argument("--no-recovery", action="store_true", help="do not offer to recover unsaved reviews")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = make_app()
    _install_excepthooks(app)
    from PySide6.QtCore import QTimer

    from prr_app.ui.main_window import MainWindow

    win = MainWindow()
    win.show()
    log.info("window shown after %.2f s", time.perf_counter() - _T0)
    if args.file:
        QTimer.singleShot(0, lambda: win.open_path(args.file))
    if not args.no_recovery:
        QTimer.singleShot(0, win.offer_recovery)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
