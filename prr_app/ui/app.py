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


def _route_file_open_events(app, win) -> None:
    """macOS hands a double-clicked ``.prr`` to a running app as a FileOpen event, not argv."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FileOpenFilter(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.FileOpen and event.file():
                path = event.file()
                QTimer.singleShot(0, lambda: win.open_path(path))
                return True
            return False

    app._file_open_filter = FileOpenFilter(app)  # kept alive with the app
    app.installEventFilter(app._file_open_filter)


def check_qt_binding() -> None:
    """Refuse a PySide6 that loses a reference to ``None`` on every Qt call returning ``void``.

    PySide6 6.12.0 on CPython 3.11 hands ``None`` back from such calls without a reference
    (right only on 3.12+, where ``None`` is immortal): 1,000 ``QPainter.drawRect`` calls lower
    ``None``'s count by 1,000, and after a few thousand (one repaint of a big graph) the
    interpreter aborts with "none_dealloc". 6.8.3 to 6.11.3 do not (measured); constraints.txt
    pins 6.11.3. A binding with the bug stops the app at its start (:func:`make_app`), with what
    to do, instead of mid-meeting. The probe makes 64 such calls: microseconds.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return  # None is immortal there
    from PySide6.QtCore import QRectF

    rect = QRectF()
    before = sys.getrefcount(None)
    for _ in range(64):
        rect.setWidth(1.0)
    if sys.getrefcount(None) <= before - 32:
        import PySide6

        raise RuntimeError(
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} loses a reference to None on "
            "every Qt call that returns nothing, and the app would crash within minutes. Install the "
            "version in constraints.txt: pip install -c constraints.txt PySide6-Essentials"
        )


def make_app(argv=None):
    check_qt_binding()
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from prr_app.ui import theme

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("PRR Workbench")
    app.setOrganizationName("PRR Workbench")
    app.setApplicationDisplayName("PRR Workbench")
    app.setPalette(theme.with_readable_placeholder(app.palette()))
    theme.use_palette(app.palette())  # the platform's dark palette darkens the canvas and charts too
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(theme.BASE_FONT_PT)
    app.setFont(f)
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="prr-app", description="PRR Workbench: the desktop app")
    parser.add_argument("file", nargs="?", help="a review (.prr) or review JSON to open")
    parser.add_argument("--no-recovery", action="store_true", help="do not offer to recover unsaved reviews")
    parser.add_argument("--smoke-test", metavar="OUT.pdf",
                        help="headless check of an installed app: open FILE, wait for the analysis, export the "
                             "assessment PDF to OUT.pdf through the window's Export, quit (0 = it worked)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = make_app()
    except RuntimeError as e:  # a Qt binding the app cannot run on: say what to do, in one line
        print(f"prr-app: {e}", file=sys.stderr)
        return 2
    _install_excepthooks(app)
    from PySide6.QtCore import QTimer

    from prr_app.ui.main_window import MainWindow

    win = MainWindow(restore_state=not args.smoke_test)
    win.show()
    log.info("window shown after %.2f s", time.perf_counter() - _T0)
    if args.smoke_test:
        if not args.file:
            parser.error("--smoke-test needs a FILE to open")
        return _smoke_test(app, win, args.file, args.smoke_test)
    _route_file_open_events(app, win)
    if args.file:
        QTimer.singleShot(0, lambda: win.open_path(args.file))
    if not args.no_recovery:
        QTimer.singleShot(0, win.offer_recovery)
        # the team repository (issue 19): local copies left while its server was unreachable
        QTimer.singleShot(0, win.repository.offer_local_copies)
    return app.exec()


def _smoke_test(app, win, path: str, out: str, timeout_s: float = 180.0) -> int:
    """Open ``path`` in the window, wait for the first analysis, export the PDF, quit.

    Used by packaging/smoke_test.sh on the frozen bundle. Nobody is there to click a dialog,
    so the window's error dialogs become one line on stderr and a non-zero exit.
    """
    from PySide6.QtCore import QThreadPool, QTimer

    from prr_app.ui import main_window as mw

    status = {"code": 3}

    def fail(code: int, message: str) -> None:
        sys.stderr.write(f"prr-app: smoke test: {message}\n")
        status["code"] = code
        app.exit(code)

    def error_line(parent, title, error, what_to_do: str = "") -> None:
        fail(1, f"{title}: {error}")

    mw.show_error = error_line

    def unexpected(etype, value, tb) -> None:
        sys.stderr.write("".join(traceback.format_exception(etype, value, tb)))
        fail(5, f"unexpected error: {value!r}")

    sys.excepthook = unexpected
    threading.excepthook = lambda a: unexpected(a.exc_type, a.exc_value, a.exc_traceback)
    t_open = time.perf_counter()

    def exported(p) -> None:
        log.info("smoke test: PDF written to %s after %.2f s", p, time.perf_counter() - _T0)
        status["code"] = 0
        app.exit(0)

    opened = {"done": False}

    def analysed(res) -> None:
        if not opened["done"]:
            return  # the window's own empty review, analysed before the file was opened: not this one
        win.live.sig_result.disconnect(analysed)
        log.info("smoke test: opened and analysed in %.2f s", time.perf_counter() - t_open)
        task = win.export_to("pdf", out)
        task.signals.sig_done.connect(exported)

    win.live.sig_result.connect(analysed)
    win.live.sig_failed.connect(lambda m: fail(1, f"analysis failed: {m}"))

    def start() -> None:
        if not win.open_path(path):
            fail(2, f"cannot open {path}")
        else:
            opened["done"] = True

    QTimer.singleShot(0, start)
    QTimer.singleShot(int(timeout_s * 1000), lambda: fail(4, f"no PDF after {timeout_s:.0f} s"))
    app.exec()
    win.live.cancel()
    QThreadPool.globalInstance().waitForDone(10_000)  # no worker may outlive the window it reports to
    from prr_app.ui.tasks import flush_reports

    flush_reports()
    return status["code"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
