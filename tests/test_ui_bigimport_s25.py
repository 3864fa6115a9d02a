"""Real systems imported through the app (File > Import, the real widgets), as an explorer saw them:
lines not drawn through boxes, the inspector within its dock, the what-if counts in view while a
message shows, the import report's counts and advice, names on two lines, Fit without scroll bars,
the Overview's journey headers whole."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtGui import QFontMetricsF, QPainterPath
from PySide6.QtWidgets import QPlainTextEdit

from prr_app.ui import theme
from prr_app.ui.import_dialog import ReportDialog
from test_import_dialog import import_through_the_dialog

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
OTEL = REALDATA / "opentelemetry-demo"
PETCLINIC = REALDATA / "spring-petclinic-repo"
BOUTIQUE = REALDATA / "online-boutique-repo"
STRUCTURIZR = REALDATA / "structurizr-examples"
pytestmark = [pytest.mark.skipif(not OTEL.exists(), reason="shared/realdata is not beside the repository"),
              pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _import(qtbot, win, monkeypatch, path) -> ReportDialog:
    win.resize(1380, 820)
    rep = import_through_the_dialog(qtbot, win, monkeypatch, path)["report"]
    qtbot.waitUntil(lambda: win.result is not None and not win.scene.building, timeout=30000)
    _pump(0.3)
    return rep


def _pump(sec):
    from prr_app.ui.tasks import flush_reports

    end = time.perf_counter() + sec
    while time.perf_counter() < end:
        QThreadPool.globalInstance().waitForDone(5)
        flush_reports()
        QCoreApplication.processEvents()


def _through_boxes(win) -> list[tuple[str, str]]:
    """(line, box) pairs: a line drawn through a box that is neither of its ends."""
    s, r = win.scene, win.session.review
    bad = []
    for eid, it in s.edges.items():
        d = r.dependencies.get(eid)
        if d is None:
            continue
        p = it.mapToScene(it.path())
        k = max(20, int(p.length() / 4))
        pts = [p.pointAtPercent(i / k) for i in range(k + 1)]
        for nid, n in s.nodes.items():
            if nid in (d.source, d.target) or n.is_group:
                continue
            rect = n.sceneBoundingRect().adjusted(8, 8, -8, -8)  # the box with its badges
            if any(rect.contains(q) for q in pts):
                bad.append((eid, nid))
    return bad


def test_otel_demo_lines_go_around_boxes_inspector_fits_and_counts_stay_in_view(qtbot, win, monkeypatch):
    _import(qtbot, win, monkeypatch, OTEL)
    for d in list(win.findChildren(ReportDialog)):
        d.close()
    # 1: a line between two boxes of one column goes around the boxes between them
    assert ("ad->flagd" in win.session.review.dependencies)
    assert _through_boxes(win) == []
    # 3: the import's message is up; a selection's blast radius shows its counts beside it
    assert win.statusBar().currentMessage()
    win.scene.select_ids(["frontend"], centre_on=False)
    _pump(0.3)
    assert win.whatif_label.isVisible() and "down" in win.whatif_label.text()
    assert win.statusBar().currentMessage()  # both in view at once
    hits = win.find("frontend")
    _pump(0.3)
    assert hits and "match" in win.statusBar().currentMessage()
    assert win.whatif_label.isVisible() and win.whatif_label.text().startswith("Blast radius of ")
    # 2: a long evidence string with no space wraps in the inspector, which keeps to its dock
    dep = "accounting->astronomy-db"
    win.scene.select_ids([dep], centre_on=True)
    _pump(0.3)
    ins = win.inspector
    assert ins.key == dep
    assert "Database=astronomy_db" in theme.unbreakable(ins.evidence.text())
    assert ins.widget().width() <= ins.viewport().width()
    assert ins.evidence.geometry().right() <= ins.viewport().width()
    # the stored evidence is as the import wrote it
    assert all(theme.BREAK not in e for e in win.session.review.dependencies[dep].evidence)


def test_petclinic_report_counts_agree_and_wrap_and_fit_has_no_scroll_bars(qtbot, win, monkeypatch):
    rep = _import(qtbot, win, monkeypatch, PETCLINIC)
    summary = rep.summary.text()
    tabs = {rep.tabs.tabText(i).rsplit(" (", 1)[0]: rep.tabs.tabText(i) for i in range(rep.tabs.count())}
    n = int(summary.split(" warnings")[0].rsplit(", ", 1)[1])
    assert tabs["Warnings"] == f"Warnings ({n})"  # as many as the summary says
    assert "hub (tagged, kept)" not in rep.sections["Warnings"].toPlainText()
    assert tabs["Hubs tagged"].startswith("Hubs tagged (")
    # the compose reader's own count says it is its own, and how many the configuration settled
    read = rep.sections["Read"].toPlainText()
    assert "10 warnings from these files alone (7 of them settled by the configuration read" in read
    # 6: the lines wrap
    for t in rep.findChildren(QPlainTextEdit):
        assert t.lineWrapMode() != QPlainTextEdit.LineWrapMode.NoWrap
    rep.close()
    _pump(0.2)
    # 1 again: petclinic's lines too
    assert _through_boxes(win) == []
    # 8: Fit on a small graph: no scroll bars into empty canvas; zooming in brings them back
    win.view.fit()
    _pump(0.2)
    assert not win.view.horizontalScrollBar().isVisible() and not win.view.verticalScrollBar().isVisible()
    win.view.zoom_by(3.0)
    _pump(0.2)
    assert win.view.horizontalScrollBar().maximum() > 0


def test_boutique_report_advises_the_variant_field_not_the_command_line(qtbot, win, monkeypatch):
    rep = _import(qtbot, win, monkeypatch, BOUTIQUE)
    text = rep.text.toPlainText()
    assert "choose kustomize/base in Variant" in text
    assert "--variant" not in text
    # 7: long names on two lines in their box, each line whole
    from prr_app.ui.canvas_items import _node_fonts, title_lines

    node = win.scene.nodes["productcatalogservice"]
    lines = title_lines(node.title, node.w - 16)
    fm = QFontMetricsF(_node_fonts()[0])
    assert len(lines) == 2 and "".join(lines) == "productcatalogservice"
    assert all(fm.horizontalAdvance(ln) <= node.w - 16 for ln in lines)
    assert "productcatalogservice" in node.toolTip()


def test_structurizr_workspaces_are_named_by_their_folder():
    from prr_app.importers.structurizr import read_structurizr

    named = set()
    for p in sorted(STRUCTURIZR.rglob("workspace.dsl")):
        res = read_structurizr([p], base=STRUCTURIZR)
        lines = res.report.read + [e for c in res.report.components for e in c.evidence]
        assert lines and all(ln.startswith(p.parent.name + "/workspace.dsl") for ln in lines if "workspace.dsl" in ln)
        named.add(p.parent.name)
    assert named == {"amazon-web-services", "microservices"}


def test_a_name_breaks_at_a_mark_a_camel_case_word_or_a_usual_ending():
    from prr_app.canvas_geometry import name_lines

    width = lambda s: 10.0 * len(s)  # noqa: E731
    elide = lambda s, w: s[: int(w // 10) - 1] + "…"  # noqa: E731
    assert name_lines("cart", width, 100, elide) == ["cart"]
    assert name_lines("Service 1 Database Schema", width, 160, elide) == ["Service 1", "Database Schema"]
    assert name_lines("checkout-service-v2", width, 120, elide) == ["checkout-", "service-v2"]
    assert name_lines("productCatalogService", width, 160, elide) in (["productCatalog", "Service"],
                                                                     ["product", "CatalogService"])
    assert name_lines("productcatalogservice", width, 160, elide) == ["productcatalog", "service"]
    two = name_lines("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", width, 100, elide)
    assert two[0] == "a" * 10 and two[1].endswith("…") and width(two[1]) <= 100


def test_overview_journey_headers_are_whole_at_1380(qtbot, win, webshop_prr):
    win.resize(1380, 820)
    win.open_path(str(webshop_prr))
    qtbot.waitUntil(lambda: win.result is not None, timeout=30000)
    win.tabs.setCurrentWidget(win.views["Overview"])
    _pump(0.3)
    h = win.views["Overview"].journeys.horizontalHeader()
    for i in range(h.count()):
        assert h.sectionSize(i) >= h.sectionSizeHint(i), h.model().headerData(i, h.orientation())
    assert h.length() <= win.views["Overview"].journeys.viewport().width()
