"""Render the main window and each view to docs/screenshots/*.png (``make screenshots``).

Runs under Xvfb (re-executing itself through ``xvfb-run`` when there is no
display), so the pictures show the real X11 rendering at a projector-friendly
1280x720 (a meeting-room projector). ``--offscreen`` uses Qt's offscreen platform instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 720)


def _reexec_under_xvfb() -> None:
    if "--offscreen" in sys.argv:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    if os.environ.get("DISPLAY") or os.environ.get("PRR_UNDER_XVFB"):
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("no display and no xvfb-run: using Qt's offscreen platform", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    env = dict(os.environ, PRR_UNDER_XVFB="1")
    cmd = [xvfb, "-a", "-s", f"-screen 0 {SIZE[0] + 100}x{SIZE[1] + 100}x24", sys.executable, __file__, *sys.argv[1:]]
    sys.exit(subprocess.call(cmd, env=env))


def main() -> int:
    _reexec_under_xvfb()
    # never touch the user's real settings or recovery files
    os.environ["PRR_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="prr-shots-")
    from PySide6.QtCore import QCoreApplication, QThreadPool
    from PySide6.QtTest import QTest

    from prr_app.ui.app import make_app
    from prr_app.ui.dialogs import ReportDialog
    from prr_app.ui.main_window import Ask, MainWindow
    from prr_app.ui.tasks import flush_reports

    app = make_app()
    OUT.mkdir(parents=True, exist_ok=True)
    w = MainWindow(restore_state=False)
    w.resize(*SIZE)
    w.show()
    if not w.open_path(str(ROOT / "resources" / "examples" / "webshop.json")):
        return 1

    def settle(ms=150):
        for _ in range(200):
            QThreadPool.globalInstance().waitForDone(50)
            flush_reports()
            QCoreApplication.processEvents()
            if not w.live.busy:
                break
        QTest.qWait(ms)

    def shot(name: str) -> None:
        settle()
        path = OUT / f"{name}.png"
        w.grab().save(str(path))
        print(path.relative_to(ROOT))

    settle()
    w.view.fit()
    shot("main-window")
    w.legend.set_open(True)
    shot("legend")
    w.legend.set_open(False)
    w.scene.select_ids(["cart-db"])
    shot("blast-radius")
    w.scene.select_ids([])
    w.toggle_fail_mode(True)
    w.fail("euw1-a")
    shot("fail-this")
    w.toggle_fail_mode(False)
    w.clear_failures()
    w.view.fit()
    w.show_journey("checkout")
    shot("journey")
    w.show_journey(None)
    w.scene.select_ids(["euw1-b"])  # a failure domain picked by its label on the canvas
    shot("domain")
    w.scene.select_ids([])
    for name in ("Overview", "Checklist", "Risks", "Dashboard"):
        w.tabs.setCurrentWidget(w.views[name])
        if name == "Risks":
            w.views["Risks"].select("spof:component:cart-db")
        if name == "Checklist":
            cv = w.views["Checklist"]
            cv.table.setCurrentIndex(cv.model.index(2, 0))
        shot(name.lower())
    w.tabs.setCurrentIndex(0)
    # a box added in a meeting: placed in a free spot by what it is near, every other box where it was
    w.view.fit()
    w.scene.select_ids(["checkout-svc"])
    settle()
    w.create_component("meeting-new", "Fraud check (added in the meeting)")
    w.create_dependency("checkout-svc", "meeting-new", "hard")
    w.scene.select_ids(["meeting-new"])
    shot("box-added-in-a-meeting")
    w.session.undo_stack.undo()
    w.session.undo_stack.undo()
    w.scene.select_ids([])

    # Review > Resilience Policy…, with the verdict under it
    d = w.policy_dialog()
    settle()
    path = OUT / "policy.png"
    d.grab().save(str(path))
    print(path.relative_to(ROOT))
    d.close()

    # a save that met another program's change to the same elements (issue 16), as the app asks
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def grab_box():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, grab_box)
            return
        QTest.qWait(150)
        p = OUT / "save-conflict.png"
        box.grab().save(str(p))
        print(p.relative_to(ROOT))
        box.reject()

    QTimer.singleShot(0, grab_box)
    Ask.resolve_conflict(w, "webshop.prr", [
        "checklist answer ds.restore-tested@cart-db: status here 'met', in the file 'not_met'; "
        "note here '', in the file 'seen failing'",
        "component cart-db: replicas here 2, in the file 3"])

    # the import report, as File > Import shows it (same code and report as `prr import`)
    reports = []

    def keep_report(cls, parent, title, head, lines):
        d = ReportDialog(parent, title, head, lines)
        d.resize(1100, 560)
        d.show()
        reports.append(d)

    Ask.show_report = classmethod(keep_report)
    Ask.keep_unsaved = classmethod(lambda cls, parent, title: "discard")
    t = w.import_paths([str(ROOT / "tests" / "fixtures" / "import" / "zones.dot")])
    for _ in range(400):
        QThreadPool.globalInstance().waitForDone(20)
        flush_reports()
        QCoreApplication.processEvents()
        if reports:
            break
    if not reports:
        print("the import did not finish", file=sys.stderr)
        return 1
    QTest.qWait(150)
    path = OUT / "import-report.png"
    reports[0].grab().save(str(path))
    print(path.relative_to(ROOT))
    reports[0].close()
    # an imported dependency in the inspector, with the lines the import read for it
    w.scene.select_ids(["web_b->db-primary"])
    settle()
    w.inspector.ensureWidgetVisible(w.inspector.evidence)
    shot("evidence")
    w.close()

    # a dark desktop: the same window under a dark palette
    from PySide6.QtGui import QColor, QPalette

    from prr_app.ui import theme

    pal = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202327"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
                         (QPalette.ColorRole.Base, "#181a1d"), (QPalette.ColorRole.AlternateBase, "#22262b"),
                         (QPalette.ColorRole.Text, "#e8e8e8"), (QPalette.ColorRole.Button, "#2a2d31"),
                         (QPalette.ColorRole.ButtonText, "#e8e8e8")):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    theme.use_palette(pal)
    w = MainWindow(restore_state=False)
    w.resize(*SIZE)
    w.show()
    if not w.open_path(str(ROOT / "resources" / "examples" / "webshop.json")):
        return 1
    settle()
    w.view.fit()
    w.scene.select_ids(["cart-db"])
    shot("dark")
    w.tabs.setCurrentWidget(w.views["Dashboard"])
    shot("dark-dashboard")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
