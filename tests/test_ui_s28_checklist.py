"""The checklist tab on an imported review (session 28): the rows of one template item for different
components read apart (a Subject column), the Status column says a proposal whole and apart from an
answer ("◇ proposed · not met", its own colour), and the proposal panel shows an evidence line the
reason already quotes once. Driven through the real main window; screenshots of the tab are saved
(to $PRR_S28_SHOTS as well when set) to be looked at."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from prr_app.review.document import save_review
from prr_app.review.importing import import_review

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

NAMES = ("orders-payments-gateway", "orders-payments-ledger", "orders-payments-notifier")
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {n}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {n}
  template:
    metadata:
      labels:
        app: {n}
    spec:
      containers:
      - name: server
        image: example/{n}:1.0
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: {n}
spec:
  selector:
    app: {n}
  ports:
  - port: 8080
"""


@pytest.fixture
def imported_prr(tmp_path):
    """Three services whose names start alike, none with probes or a disruption budget: the import
    proposes the same items, not met, for each."""
    root = tmp_path / "repo"
    root.mkdir()
    for n in NAMES:
        (root / f"{n}.yaml").write_text(DEPLOYMENT.format(n=n), encoding="utf-8")
    path = tmp_path / "payments.prr"
    save_review(import_review([root]).review, path)
    return path


def _shot(win, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    assert win.grab().save(str(out))
    if os.environ.get("PRR_S28_SHOTS"):
        shutil.copy(out, Path(os.environ["PRR_S28_SHOTS"]) / name)
    return out


def _open_checklist(qtbot, win, path):
    win.resize(1400, 900)
    win.open_path(str(path))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None and len(cv.model.rows) > 0, timeout=10000)
    return cv


def _cells(cv, key: str) -> dict[str, str]:
    m = cv.model
    row = [it.key for it in m.rows].index(key)
    return {m.headerData(c, Qt.Orientation.Horizontal): m.data(m.index(row, c)) for c in range(m.columnCount())}


def test_rows_of_one_item_name_their_subject_and_a_proposal_reads_whole(qtbot, win, imported_prr, tmp_path):
    from prr_app.ui import theme
    from prr_app.ui.views import status_colour

    cv = _open_checklist(qtbot, win, imported_prr)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("proposed"))
    cv.select_key(f"svc.disruption-budget@{NAMES[0]}")
    qtbot.wait(50)
    _shot(win, tmp_path, "s28-checklist-proposed.png")
    m = cv.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers[0] == "Subject" and "Status" in headers
    # the same question for three services: the Subject column tells the rows apart
    rows = [_cells(cv, f"svc.disruption-budget@{n}") for n in NAMES]
    assert [r["Subject"] for r in rows] == list(NAMES)
    # cut, a subject keeps its end: names that start alike stay apart at the default width
    delegate = cv.table.itemDelegateForColumn(0)
    from PySide6.QtWidgets import QStyleOptionViewItem

    opt = QStyleOptionViewItem()
    delegate.initStyleOption(opt, m.index(0, 0))
    assert opt.textElideMode == Qt.TextElideMode.ElideMiddle
    assert len({r["Item"][:60] for r in rows}) == 1  # the question alone (cut at 60) reads the same
    # a proposal says so, whole, at the default width
    status = rows[0]["Status"]
    assert status == "◇ proposed · not met"
    col = headers.index("Status")
    needed = cv.table.fontMetrics().horizontalAdvance(status) + 12  # the cell's margins
    assert cv.table.horizontalHeader().sectionSize(col) >= needed
    assert cv.table.columnWidth(headers.index("Item")) >= 200  # the question keeps room
    # in its own colour: not the red of an answer's (or the model's) "not met"
    row = [it.key for it in m.rows].index(f"svc.disruption-budget@{NAMES[0]}")
    colour = m.data(m.index(row, col), Qt.ItemDataRole.ForegroundRole).name()
    assert colour != status_colour("not_met") and colour not in (theme.OK, theme.WARN, theme.MUTED)
    tip = m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole)
    assert f"Applies to: {NAMES[0]}" in tip and "Proposed from the imported files: not met" in tip

    # a reviewer's "not met" reads without the mark, in the answer's red, beside the proposal's
    cv.select_key(f"svc.disruption-budget@{NAMES[2]}")
    cv.status_buttons["not_met"].click()
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("all"))
    answered, proposed = (_cells(cv, f"svc.disruption-budget@{n}") for n in (NAMES[2], NAMES[1]))
    assert answered["Status"] == "not met" and proposed["Status"] == "◇ proposed · not met"
    # the model's answer with a proposal beside it: the answer, then the mark, whole in the cell
    spread = _cells(cv, f"svc.instances-spread@{NAMES[0]}")["Status"]
    assert spread.endswith("◇ proposed")
    assert cv.table.horizontalHeader().sectionSize(col) >= cv.table.fontMetrics().horizontalAdvance(spread) + 12
    r = [it.key for it in m.rows].index(f"svc.disruption-budget@{NAMES[2]}")
    assert m.data(m.index(r, col), Qt.ItemDataRole.ForegroundRole).name() == status_colour("not_met")
    _shot(win, tmp_path, "s28-checklist-answered.png")
    review_rows = [it for it in m.rows if it.per == "review"]
    assert _cells(cv, review_rows[0].key)["Subject"] == "whole review"
    cv.select_key(review_rows[0].key)  # the pane says the same, not the review's name as if a component's
    assert "Applies to: the whole review" in cv.guidance.toPlainText()
    # the subject is searched as before
    cv.search.setText(NAMES[2])
    assert m.rows and all(_cells(cv, it.key)["Subject"] == NAMES[2] or NAMES[2] in it.question for it in m.rows)


def test_the_proposal_panel_shows_an_evidence_line_once(qtbot, win, imported_prr, tmp_path):
    cv = _open_checklist(qtbot, win, imported_prr)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("proposed"))
    key = f"svc.probes@{NAMES[1]}"
    cv.select_key(key)
    qtbot.wait(50)
    _shot(win, tmp_path, "s28-checklist-panel.png")
    p = cv.current_item().proposal
    assert p.evidence and all(e in p.reason for e in p.evidence)  # the reason quotes its one evidence line
    text = cv.proposal_panel.text.text()
    assert text.count(f"{NAMES[1]}.yaml:1") == 1 and "<li>" not in text
    # evidence the reason does not quote is listed
    key = f"svc.disruption-budget@{NAMES[1]}"
    cv.select_key(key)
    p = cv.current_item().proposal
    extra = [e for e in p.evidence if e not in p.reason]
    text = cv.proposal_panel.text.text()
    assert all(f"<li>{e}</li>" in text for e in extra) and text.count("<li>") == len(extra)


def test_on_a_1280_screen_the_question_keeps_its_room(qtbot, win, imported_prr, tmp_path):
    """The Subject column comes out of the table's width: the question still shows 30 characters
    (as tests/test_ui_fits_screen.py asks of the question's column) on a 1280 x 720 window."""
    cv = _open_checklist(qtbot, win, imported_prr)
    win.resize(1280, 720)
    qtbot.wait(50)
    _shot(win, tmp_path, "s28-checklist-1280.png")
    m = cv.model
    item = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())].index("Item")
    assert cv.table.columnWidth(item) >= cv.table.fontMetrics().horizontalAdvance("x" * 30), cv.table.columnWidth(item)


@pytest.fixture
def app_font(qapp):
    """The font the app itself sets (ui.app.make_app), larger than Qt's default; put back after."""
    from PySide6.QtGui import QFont

    from prr_app.ui import theme

    before = qapp.font()
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(theme.BASE_FONT_PT)
    qapp.setFont(f)
    yield f
    qapp.setFont(before)


def test_in_the_apps_own_font_the_status_reads_whole_and_the_question_keeps_its_room(qtbot, app_font, win,
                                                                                     imported_prr):
    """Pixel widths made for Qt's default font cut "◇ proposed · not met" in the app's larger font, and
    at 1280 x 720 the question kept 25 characters: the tests ran in Qt's font unless another test had
    made the app first."""
    cv = _open_checklist(qtbot, win, imported_prr)
    win.resize(1280, 720)
    qtbot.wait(50)
    m = cv.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    fm = cv.table.fontMetrics()
    assert cv.table.columnWidth(headers.index("Status")) >= fm.horizontalAdvance("◇ proposed · not met") + 12
    assert cv.table.columnWidth(headers.index("Item")) >= fm.horizontalAdvance("x" * 30)
