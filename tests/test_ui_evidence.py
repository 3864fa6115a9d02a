"""The inspector shows where an imported element comes from: the files and lines the import read,
so that a reviewer can answer "why does the review say so?" in the meeting."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

from shop_manifests import APPS, MESH

MANIFESTS = APPS + "---\n" + MESH


def _import(qtbot, win, tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(MANIFESTS, encoding="utf-8")
    t = win.import_paths([str(path)])
    qtbot.waitUntil(lambda: not t.running, timeout=15000)
    wait_analysis(qtbot, win)


def _click_edge(qtbot, win, dep_id: str) -> None:
    edge = win.scene.edges[dep_id]
    mid = edge.path().pointAtPercent(0.5)
    win.view.centerOn(mid)
    pos = win.view.mapFromScene(mid)
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(pos.x(), pos.y()))
    qtbot.wait(10)


def test_a_clicked_dependency_shows_the_lines_the_import_read(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, *a, **k: None))
    _import(qtbot, win, tmp_path)
    _click_edge(qtbot, win, "storefront->stock")
    ins = win.inspector
    assert (ins.coll, ins.key) == ("dependencies", "storefront->stock")
    assert ins.evidence.isVisible() and ins.evidence_label.text() == "Evidence (from the import)"
    text = ins.evidence.text()
    assert "shop.yaml:" in text and "STOCK_ADDR=stock:7100" in text
    assert "DestinationRule stock" in text  # why the circuit breaker says yes
    assert ins.editors["circuit_breaker"].currentText() == "yes"
    assert ins.evidence.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse  # to copy a path


def test_a_component_shows_its_import_and_a_hand_made_one_shows_nothing(qtbot, win, tmp_path, monkeypatch):
    from prr_app.review.edits import add_component
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, *a, **k: None))
    _import(qtbot, win, tmp_path)
    win.scene.select_ids(["stock"])
    ins = win.inspector
    assert ins.key == "stock" and ins.evidence.isVisible()
    assert "kubernetes import of" in ins.evidence_label.text()
    assert "Deployment stock" in ins.evidence.text()
    from prr_app.review.edits import change_fields

    shown = ins.evidence.text()
    win.push("Owner", [change_fields(win.session.review, "components", "stock", owner="team-stock")])
    assert ins.evidence.isVisible() and ins.evidence.text() == shown  # an edit leaves it as it is
    win.push("Add", add_component(win.session.review, "cache"))
    wait_analysis(qtbot, win)
    win.scene.select_ids(["cache"])
    assert ins.key == "cache" and not ins.evidence.isVisible()
    win.scene.select_ids([])  # the review's own fields: no evidence either
    assert ins.coll == "meta" and not ins.evidence.isVisible()


def test_the_command_line_prints_the_same_evidence(tmp_path, capsys):
    from prr_app.cli.main import main
    from prr_app.review.importing import import_and_write

    (tmp_path / "shop.yaml").write_text(MANIFESTS, encoding="utf-8")
    out = tmp_path / "shop.prr"
    import_and_write([tmp_path / "shop.yaml"], output=out)
    assert main(["evidence", str(out), "storefront->stock"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("storefront->stock: evidence from the import\n")
    assert "DestinationRule stock" in text and "STOCK_ADDR=stock:7100" in text
    assert main(["evidence", str(out), "no-such"]) == 2
    assert "no component, dependency or redundancy group 'no-such'" in capsys.readouterr().err
