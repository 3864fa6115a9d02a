"""``prr-app --smoke-test``: what the packaged bundle's smoke test runs, checked on the source tree."""
from __future__ import annotations

import os
import subprocess
import sys

from pypdf import PdfReader

from conftest import EXAMPLES
from prr_app.reporting.assessment import SECTION_TITLES


def run_app(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", "import sys; from prr_app.ui.app import main; sys.exit(main())", *args],
                          capture_output=True, text=True, env=env, timeout=240)


def test_smoke_test_opens_analyses_and_exports_the_pdf_through_the_window(tmp_path):
    out = tmp_path / "smoke.pdf"
    r = run_app("--smoke-test", str(out), str(EXAMPLES / "webshop.json"))
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    positions = [text.find(s) for s in SECTION_TITLES]
    assert all(p >= 0 for p in positions), positions
    assert "Traceback" not in r.stderr and " ERROR " not in r.stderr, r.stderr


def test_smoke_test_fails_with_one_line_on_a_file_that_is_not_a_review(tmp_path):
    bad = tmp_path / "bad.prr"
    bad.write_bytes(b"not a review at all")
    out = tmp_path / "smoke.pdf"
    r = run_app("--smoke-test", str(out), str(bad))
    assert r.returncode != 0
    assert "not a PRR review" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()
    assert bad.read_bytes() == b"not a review at all"


def test_a_file_open_event_opens_the_review_in_the_window(qtbot, tmp_path):
    """What macOS sends when a .prr is double-clicked while the app runs."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from prr_app.ui.app import _route_file_open_events
    from prr_app.ui.main_window import MainWindow

    win = MainWindow(restore_state=False)
    qtbot.addWidget(win)
    _route_file_open_events(QApplication.instance(), win)
    QCoreApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(EXAMPLES / "webshop.json")))
    qtbot.waitUntil(lambda: win.session.review is not None and "checkout-svc" in win.session.review.components,
                    timeout=10_000)
    QApplication.instance().removeEventFilter(QApplication.instance()._file_open_filter)
