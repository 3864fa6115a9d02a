"""Session 30, through the real window at 1280 x 800 as in a review meeting.

A redundancy group's label, drawn under its frame, was covered by the box of the next row of the
graph (the layout left ROW_GAP between rows; the frame's margin and label take more). The Risks tab cut
owners' names (Owner was 300 pixels, whatever the font: a desktop's 11-point font needs more) and had
no due date, which the report's register shows beside the owner.
"""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from tests.test_s30_canvas_group_labels import fan_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def open_window(qtbot, monkeypatch, path):
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert w.open_path(str(path))
    wait_analysis(qtbot, w)
    return w


def drawn_labels(item) -> list[QRectF]:
    """Where a group item draws its labels (``GroupItem.paint``: a strip at the bottom of each frame), in the scene."""
    return [QRectF(f.left() + 8, f.bottom() - 19, f.width() - 12, 18).translated(item.pos()) for f in item.frames]


def test_no_box_of_the_graph_covers_a_group_label(qtbot, monkeypatch, tmp_path):
    from prr_app.interchange.json_io import review_to_dict

    review = fan_review(6, [("pair", ["svc01", "svc02"]), ("one", ["svc04"])], zone=True)
    path = tmp_path / "groups.json"
    path.write_text(json.dumps(review_to_dict(review)), encoding="utf-8")
    w = open_window(qtbot, monkeypatch, path)
    scene = w.scene
    for gid in ("pair", "one"):
        group = scene.nodes[gid]
        labels = drawn_labels(group)
        assert labels, gid
        members = set(w.session.review.groups[gid].members)
        for nid, node in scene.nodes.items():
            if node.is_group or nid in members:
                continue
            box = node.sceneBoundingRect()  # the box with its badges
            for lab in labels:
                assert not lab.intersects(box), (gid, nid, lab, box)
    # the picture: the label's words drawn, not a box's fill, under the pair's frame
    w.view.fitInView(scene.nodes["pair"].sceneBoundingRect().adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
    qtbot.wait(20)
    lab = drawn_labels(scene.nodes["pair"])[0]
    img = w.view.viewport().grab().toImage()
    r = w.view.mapFromScene(lab).boundingRect()
    text = QApplication.palette().text().color()
    dark = sum(1 for x in range(r.left(), r.right(), 2) for y in range(r.top(), r.bottom(), 2)
               if img.pixelColor(x, y).lightness() < 100)
    assert dark > 10, (dark, text.name())


def columns(table) -> dict[str, int]:
    m = table.model()
    return {m.headerData(c, Qt.Orientation.Horizontal): c for c in range(m.columnCount())}


@pytest.fixture
def larger_font():
    """A desktop's 11-point interface font (the offscreen platform's is 9)."""
    app = QApplication.instance()
    before = app.font()
    f = QFont(before)
    f.setPointSizeF(11)
    app.setFont(f)
    yield
    app.setFont(before)


@pytest.mark.parametrize("font", ["default", "11pt"])
def test_the_register_shows_title_owner_severity_and_due_whole_at_1280(qtbot, monkeypatch, examples_dir, request, font):
    if font == "11pt":
        request.getfixturevalue("larger_font")
    w = open_window(qtbot, monkeypatch, examples_dir / "platform.json")
    rv = w.views["Risks"]
    w.tabs.setCurrentWidget(rv)
    qtbot.wait(20)
    first = rv.model.rows[0]
    # a fix due after the target launch (2027-01-20): the register says so as the report does
    assert rv.add_mitigation(first["id"], "Second replica", "Dana Whitfield", "2027-02-01") is None
    wait_analysis(qtbot, w)
    qtbot.wait(20)
    table, cols = rv.table, columns(rv.table)
    h = table.horizontalHeader()
    fm = table.fontMetrics()
    view_w = table.viewport().width()
    assert h.offset() == 0
    for name in ("Rank", "Severity", "Title", "Owner", "Due"):
        c = cols[name]
        assert h.sectionViewportPosition(c) + h.sectionSize(c) <= view_w, (name, h.sectionViewportPosition(c),
                                                                          h.sectionSize(c), view_w)
    m = rv.model
    for name in ("Owner", "Due", "Severity", "Status"):  # every value whole in its cell
        c = cols[name]
        widest = max(fm.horizontalAdvance(m.data(m.index(i, c)) or "") for i in range(m.rowCount()))
        assert h.sectionSize(c) >= widest + 8, (name, h.sectionSize(c), widest)
    assert table.columnWidth(cols["Title"]) >= fm.horizontalAdvance("x" * 40)
    assert table.rowHeight(0) >= 2 * fm.height()  # a long title shown on two lines, not cut on one
    row = next(i for i in range(m.rowCount()) if m.rows[i]["id"] == first["id"])
    assert m.data(m.index(row, cols["Due"])) == "2027-02-01 (after launch)"
    assert "no date" in {m.data(m.index(i, cols["Due"])) for i in range(m.rowCount())}
