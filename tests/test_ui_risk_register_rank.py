"""The app's risk register in the register's one order, its owner, and the checklist's score as the
other faces give them (the parity check of every face on the same reviews): the Risks tab sorted
by score put launch blockers scored 10 below risks scored 15 that block nothing, the app had no
way to set a risk's owner, and "Score: 0 %" stood for the report's 0.3 %."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from prr_app.review import edits
from tests.ui_driver import DialogAnswer, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]


@pytest.fixture
def shop(qtbot, win, webshop_prr):
    win.resize(1280, 720)
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    return win


def _risks_tab(qtbot, w):
    rv = w.views["Risks"]
    w.tabs.setCurrentWidget(rv)
    qtbot.waitUntil(lambda: len(rv.model.rows) > 3)
    return rv


def _shown_ids(rv) -> list[str]:
    """The risk ids in the order the table shows them."""
    p = rv.proxy
    return [rv.model.rows[p.mapToSource(p.index(i, 0)).row()]["id"] for i in range(p.rowCount())]


def _column(rv, header: str) -> int:
    m = rv.proxy
    return next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal) == header)


def _cell(rv, risk_id: str, header: str) -> str:
    row = _shown_ids(rv).index(risk_id)
    return rv.proxy.index(row, _column(rv, header)).data()


def _rank_order(w) -> list[str]:
    return [r.id for r in sorted(w.result["analysis"].risks, key=lambda r: r.rank)]


def _edit(qtbot, w, text, changes):
    w.session.push(text, changes)
    wait_analysis(qtbot, w)


def _click_header(qtbot, rv, column: int) -> None:
    h = rv.table.horizontalHeader()
    qtbot.mouseClick(h.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(h.sectionViewportPosition(column) + 10, h.height() // 2))


def test_the_register_opens_in_rank_order_with_the_rank_first(qtbot, shop):
    rv = _risks_tab(qtbot, shop)
    assert rv.proxy.headerData(0, Qt.Orientation.Horizontal) == "Rank"
    h = rv.table.horizontalHeader()
    assert (h.sortIndicatorSection(), h.sortIndicatorOrder()) == (0, Qt.SortOrder.AscendingOrder)
    shown = _shown_ids(rv)
    assert shown == _rank_order(shop)
    assert [_cell(rv, rid, "Rank") for rid in shown[:3]] == ["1", "2", "3"]
    # a launch blocker scored 10 comes before a risk scored 15 that blocks nothing (sorted by score it did not)
    blocker, other = "spof:domain:k8s-prod", "cascade:retries:cart-svc"
    assert _cell(rv, blocker, "Blocking") == "BLOCKER" and _cell(rv, blocker, "Score") == "10"
    assert _cell(rv, other, "Blocking") == "" and _cell(rv, other, "Score") == "15"
    assert shown.index(blocker) < shown.index(other)
    # the first row (rank 1) is the one selected and explained
    assert rv.current_id() == shown[0]


def test_the_register_stays_in_rank_order_through_edits_unless_the_user_sorted_it(qtbot, shop):
    rv = _risks_tab(qtbot, shop)
    r = shop.session.review
    # an edit in the meeting: a risk scored 9 is overridden to 25; it moves up to the first risk that
    # blocks nothing, below every launch blocker (sorted by score it would be first)
    rid = "vendor-payfast-contract"
    _edit(qtbot, shop, "override", edits.override_risk(r, rid, 5, 5, "seen in production"))
    shown = _shown_ids(rv)
    assert shown == _rank_order(shop)
    assert _cell(rv, rid, "Score") == "25" and _cell(rv, shown[shown.index(rid) - 1], "Blocking") == "BLOCKER"
    assert _cell(rv, rid, "Blocking") == "" and _cell(rv, shown[0], "Score") == "25"
    # the user sorts by score: that order is kept through the next edit
    _click_header(qtbot, rv, _column(rv, "Score"))
    h = rv.table.horizontalHeader()
    assert h.sortIndicatorSection() == _column(rv, "Score")
    order = h.sortIndicatorOrder()

    def by_score_ok():
        scores = [int(_cell(rv, rid, "Score")) for rid in _shown_ids(rv)]
        return scores == sorted(scores, reverse=order == Qt.SortOrder.DescendingOrder)

    assert by_score_ok()
    # the next edit (a risk scored 5 marked launch-blocking: up in rank) leaves the user's order as it is
    _edit(qtbot, shop, "blocking", edits.mark_launch_blocking(r, "spof:domain:aws", True, "one provider"))
    assert _cell(rv, "spof:domain:aws", "Blocking") == "BLOCKER"
    assert h.sortIndicatorSection() == _column(rv, "Score") and by_score_ok()
    assert _shown_ids(rv) != _rank_order(shop)
    # a click on Rank brings the register's order back
    _click_header(qtbot, rv, 0)
    if h.sortIndicatorOrder() != Qt.SortOrder.AscendingOrder:
        _click_header(qtbot, rv, 0)
    assert _shown_ids(rv) == _rank_order(shop)


def test_the_checklist_score_has_the_decimal_the_other_faces_give(qtbot, shop):
    cv = shop.views["Checklist"]
    shop.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None, timeout=20000)
    assert cv.result.overall_score == 19.9  # `prr checklist` 19.9%, the report "score 19.9 %"
    assert cv.score.text() == "Score: 19.9 %"  # not "Score: 20 %"


def test_a_risks_owner_is_shown_with_where_it_comes_from_and_set_in_the_app(qtbot, shop):
    rv = _risks_tab(qtbot, shop)
    rid = "cascade:retries:cart-svc"
    # no owner set on it: the register names the owner of the component to fix, and says so
    assert _cell(rv, rid, "Owner") == "checkout-team (owner of cart-svc)"
    # a manual risk's own owner is shown as it is
    assert _cell(rv, "vendor-payfast-contract", "Owner") == "checkout-team"
    # a mitigation's owner comes before the component's, marked as a mitigation's
    assert rv.select(rid)
    assert rv.add_mitigation(rid, "Cap the retries at 2", owner="ann") is None
    wait_analysis(qtbot, shop)
    assert _cell(rv, rid, "Owner") == "ann (mitigation)"
    # the risk's own owner, set through the Owner… form: one undo step
    assert rv.select(rid)
    steps = shop.session.undo_stack.count()

    def fill(d):
        assert d.widgets["owner"].text() == ""  # none set on the risk itself yet
        d.widgets["owner"].setText("  dana  ")
        _ok(d)
    a = DialogAnswer(fill, title=f"Owner of {rid}")
    next(b for b in rv.risk_buttons if b.text() == "Owner…").click()
    a.check()
    wait_analysis(qtbot, shop)
    assert shop.session.review.risks[rid].owner == "dana"
    assert shop.session.undo_stack.count() == steps + 1
    assert _cell(rv, rid, "Owner") == "dana"
    assert rv.select(rid) and "Owner: dana" in rv.detail.toPlainText()
    # the same owner again: no undo step that does nothing
    assert rv.set_owner(rid, "dana") is None
    assert shop.session.undo_stack.count() == steps + 1
    # undone: the mitigation's owner again
    shop.session.undo_stack.undo()
    wait_analysis(qtbot, shop)
    assert shop.session.review.risks[rid].owner == ""
    assert _cell(rv, rid, "Owner") == "ann (mitigation)"


def _ok(dialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_set_risk_owner_edit(examples_dir):
    from prr_app.review.document import load_review

    r = load_review(examples_dir / "webshop.json")
    rid = "spof:component:cart-db"
    assert rid not in r.risks
    assert edits.set_risk_owner(r, rid, "   ") == []  # nothing to record
    changes = edits.set_risk_owner(r, rid, " data  team ")
    assert [(c.coll, c.key, c.old) for c in changes] == [("risks", rid, None)]
    assert changes[0].new.owner == "data team" and changes[0].new.origin == "computed"
    edits.apply_changes(r, changes)
    assert r.risks[rid].owner == "data team"
    assert edits.set_risk_owner(r, rid, "data team") == []
    cleared = edits.set_risk_owner(r, rid, "")
    assert cleared[0].new.owner == ""
    edits.apply_changes(r, cleared, undo=True)
    assert r.risks[rid].owner == "data team"
