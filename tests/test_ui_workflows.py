"""End to end through the real widgets: build a review from scratch, save, close, reopen."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from prr_app.review.document import load_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def type_into(editor, text):
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_build_a_review_from_scratch_save_close_and_reopen(qtbot, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    target = tmp_path / "shop.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    assert w.empty_hint.isVisible()  # a new review says how to start

    def new_element(title_contains, name, kind=None):
        def ask(d):
            assert title_contains in d.windowTitle()
            QTest.keyClicks(d.name_edit, name)
            if kind is not None:
                d.kind_box.setCurrentIndex(d.kind_box.findData(kind))
            return True
        return ask

    for name, kind in (("Web", "frontend"), ("API", "service"), ("DB", "datastore"), ("DB replica", "datastore")):
        monkeypatch.setattr(mw.NewElementDialog, "ask", new_element("component", name, kind))
        w.a_add_comp.trigger()
    r = w.session.review
    assert set(r.components) == {"web", "api", "db", "db-replica"}
    assert not w.empty_hint.isVisible()
    # dependencies
    for src, dst in (("web", "api"), ("api", "db")):
        w.scene.select_ids([src, dst])
        monkeypatch.setattr(mw.DependencyDialog, "ask",
                            lambda d, s=src, t=dst: (d.src.setCurrentText(s), d.tgt.setCurrentText(t), True)[-1])
        w.a_add_dep.trigger()
    assert {"web->api", "api->db"} <= set(r.dependencies)
    # two zones, placed from the inspector
    for zone in ("Zone A", "Zone B"):
        monkeypatch.setattr(mw.NewElementDialog, "ask", new_element("domain", zone))
        w.a_add_domain.trigger()
    assert {"zone-a", "zone-b"} <= set(r.domains)
    for cid, zone in (("db", "zone-a"), ("db-replica", "zone-b")):
        w.scene.select_ids([cid])
        type_into(w.inspector.editors["placement"], zone)
    assert r.components["db"].placement == ["zone-a"]
    # a redundancy group of the two databases
    w.scene.select_ids(["db", "db-replica"])
    monkeypatch.setattr(mw.NewElementDialog, "ask", new_element("group", "Databases"))
    w.a_add_group.trigger()
    assert sorted(r.groups["databases"].members) == ["db", "db-replica"]
    # a journey with an SLO
    w.scene.select_ids(["web"])

    def journey(d):
        QTest.keyClicks(d.name_edit, "Browse")
        QTest.keyClicks(d.slo_edit, "99.5")
        d._ok()
        return d.result()

    monkeypatch.setattr(mw.JourneyDialog, "exec", journey)
    w.a_add_journey.trigger()
    assert (r.journeys["browse"].entry, r.journeys["browse"].slo) == (["web"], 99.5)
    res = wait_analysis(qtbot, w)
    assert res["analysis"] is not None and not res.get("problems")
    assert any(row[0] == "browse" and row[1] == "99.5" for row in w.views["Overview"].journey_model.rows)
    assert w.scene.nodes["api"].spof  # the API has one instance: what the user sees on its box
    # save (asks where: a new review), close, reopen
    w.a_save.trigger()
    assert w.session.path == target and w.save_label.text() == "All changes saved"
    assert w.close()
    saved = load_review(target)
    assert set(saved.components) == {"web", "api", "db", "db-replica"}
    assert saved.journeys["browse"].slo == 99.5 and saved.groups["databases"].members
    w2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.open_path(str(target))
    wait_analysis(qtbot, w2)
    assert set(w2.scene.nodes) >= {"web", "api", "db", "db-replica", "databases"}
    assert w2.windowTitle().startswith("shop.prr")
