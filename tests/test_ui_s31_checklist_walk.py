"""Round 31, the checklist and the tables in a live meeting, driven through the real main window.

- Under the "Unanswered" filter, an answer by key (1-4) moved the cursor past the next item: the
  answer's evaluation took the answered row out of the list, the first row became current, and the
  walk then stepped one further (from item 0: 0, 2, 3; from item 5 back near the top). The next
  item is now the one after the answered one in the list as it was shown.
- The Checklist search and the Risks filter typed for one review stayed when another was opened:
  the room saw "0 of 320" items and an empty register.
- "Changes Since...": undoing past the milestone's taking and redoing it left the panel saying the
  milestone was no longer in the review while its list showed it again.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from prr_app.persistence.store import create_store
from prr_app.review.edits import set_fields
from tests.conftest import EXAMPLES
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _prr(tmp_path, name: str):
    from prr_app.review.document import load_review

    p = tmp_path / f"{name}.prr"
    create_store(p, load_review(EXAMPLES / f"{name}.json")).close()
    return p


def _checklist(qtbot, win, path, flt: str = "all"):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None and not cv._stale and len(cv.model.rows) > 0, timeout=20000)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData(flt))
    return cv


def _status(cv, key):
    return cv.result.item(key).status


# -- 1. answering by key walks to the next item, whatever the filter -----------------------------------
@pytest.mark.parametrize("flt,start", [("unanswered", 0), ("unanswered", 5), ("all", 0), ("all", 3)])
def test_each_answer_by_key_moves_to_the_next_item_of_the_list_as_shown(qtbot, win, prr_file, flt, start):
    cv = _checklist(qtbot, win, prr_file, flt)
    before = [it.key for it in cv.model.rows]
    assert len(before) > start + 4
    cv.select_key(before[start])
    cv.table.setFocus()
    walked = []
    for _ in range(3):
        walked.append(cv.current_key())
        qtbot.keyClick(cv.table, "1")  # met, and on to the next item
    # each item answered in turn, none skipped, and the cursor on the one after the last answered
    assert walked == before[start:start + 3]
    assert [_status(cv, k) for k in walked] == ["met"] * 3
    assert cv.current_key() == before[start + 3]
    assert cv.question.text() == cv.result.item(before[start + 3]).question  # the pane shows it too
    if flt == "unanswered":  # the answered items left the list, the others kept their order
        assert [it.key for it in cv.model.rows] == [k for k in before if k not in walked]


def test_the_last_unanswered_item_answered_goes_round_to_the_first(qtbot, win, prr_file):
    cv = _checklist(qtbot, win, prr_file, "unanswered")
    before = [it.key for it in cv.model.rows]
    cv.select_key(before[-1])
    cv.table.setFocus()
    qtbot.keyClick(cv.table, "3")  # not met
    assert _status(cv, before[-1]) == "not_met"
    assert cv.current_key() == before[0]  # as N goes round


def test_an_answer_by_button_that_takes_the_item_out_of_the_list_leaves_the_cursor_on_the_next(qtbot, win, prr_file):
    """A status button answers without moving on; under "Unanswered" the item leaves the list, and the
    cursor goes to the one that followed it rather than back to the top."""
    cv = _checklist(qtbot, win, prr_file, "unanswered")
    before = [it.key for it in cv.model.rows]
    cv.select_key(before[4])
    qtbot.mouseClick(cv.status_buttons["partly"], Qt.MouseButton.LeftButton)
    assert _status(cv, before[4]) == "partly"
    assert cv.current_key() == before[5]


def test_an_undo_under_unanswered_brings_the_item_back_and_the_cursor_stays(qtbot, win, prr_file):
    cv = _checklist(qtbot, win, prr_file, "unanswered")
    before = [it.key for it in cv.model.rows]
    cv.select_key(before[2])
    cv.table.setFocus()
    qtbot.keyClick(cv.table, "1")
    assert cv.current_key() == before[3]
    win.undo()
    assert [it.key for it in cv.model.rows] == before  # back in the list, in its place
    assert cv.current_key() == before[3]


@pytest.mark.parametrize("typed_ahead", [False, True])
def test_a_large_review_evaluated_on_a_worker_walks_the_same_way(qtbot, win, prr_file, monkeypatch, typed_ahead):
    """A large review's evaluation runs on a worker after the answer: the walk is the same, also when
    the keys come faster than the evaluations (the answered items leave the list above the cursor)."""
    from prr_app.ui import views

    monkeypatch.setattr(views, "WORKER_EVALUATE_MIN", 0)
    cv = _checklist(qtbot, win, prr_file, "unanswered")
    before = [it.key for it in cv.model.rows]
    cv.select_key(before[2])
    cv.table.setFocus()
    for k in range(2, 5):
        assert cv.current_key() == before[k]
        qtbot.keyClick(cv.table, "1")
        if not typed_ahead:
            qtbot.waitUntil(lambda k=k: not cv._stale and before[k] not in [it.key for it in cv.model.rows],
                            timeout=10000)
    qtbot.waitUntil(lambda: not cv._stale and len(cv.model.rows) == len(before) - 3, timeout=10000)
    assert cv.current_key() == before[5]


def test_choosing_another_filter_still_starts_at_the_top(qtbot, win, prr_file):
    """Only a new evaluation follows the answered item; a list chosen anew starts at its first row."""
    cv = _checklist(qtbot, win, prr_file, "all")
    keys = [it.key for it in cv.model.rows]
    cv.select_key(keys[3])
    cv.table.setFocus()
    qtbot.keyClick(cv.table, "1")  # keys[3] answered: not in the unanswered list
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("unanswered"))
    assert cv.current_key() == cv.model.rows[0].key


# -- 2. another review: its list and its register shown whole -------------------------------------------
def test_the_checklist_search_and_risks_filter_are_cleared_when_another_review_is_opened(qtbot, win, tmp_path):
    platform, webshop = _prr(tmp_path, "platform"), _prr(tmp_path, "webshop")
    cv = _checklist(qtbot, win, platform)
    qtbot.keyClicks(cv.search, "booking")
    assert 0 < len(cv.model.rows) < len(cv.result.items)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    qtbot.keyClicks(rv.filter, "booking")
    assert 0 < rv.proxy.rowCount() < rv.model.rowCount()

    assert win.open_path(str(webshop))
    wait_analysis(qtbot, win)
    qtbot.waitUntil(lambda: rv.model.rowCount() > 0, timeout=10000)
    assert rv.filter.text() == ""
    assert rv.proxy.rowCount() == rv.model.rowCount()  # the whole register
    assert rv.current_id() == rv.model.rows[0]["id"]  # from its worst risk, as a register opens
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: not cv._stale, timeout=20000)
    assert cv.search.text() == ""
    assert len(cv.model.rows) == len(cv.result.items) > 0
    assert cv.question.text() == cv.model.rows[0].question


def test_an_edit_and_an_undo_keep_the_search_and_the_filter(qtbot, win, prr_file):
    cv = _checklist(qtbot, win, prr_file)
    qtbot.keyClicks(cv.search, "cart")
    shown = len(cv.model.rows)
    rv = win.views["Risks"]
    rv.filter.setText("cart")
    win.edit("Set replicas", set_fields, "components", "cart-db", replicas=2)
    wait_analysis(qtbot, win)
    win.undo()
    wait_analysis(qtbot, win)
    assert cv.search.text() == "cart" and rv.filter.text() == "cart"
    assert len(cv.model.rows) == shown


# -- 3. changes since a milestone through an undo and a redo of its taking --------------------------------
def _lines(panel):
    return [panel.changes.item(i).text() for i in range(panel.changes.count())]


@pytest.fixture
def since(qtbot, win, prr_file, monkeypatch):
    """A milestone taken, then notifier deleted and the changes since it shown."""
    from prr_app.ui import milestones as ui_m

    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.milestones
    win.milestones_dock.toggleViewAction().trigger()
    monkeypatch.setattr(ui_m.AskMilestone, "name", classmethod(lambda cls, parent: ("M1", "")))
    qtbot.mouseClick(panel.b_take, Qt.MouseButton.LeftButton)
    win.delete_elements(["notifier"])
    qtbot.mouseClick(panel.b_since, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.diff is not None, timeout=30000)
    assert "  - notifier" in _lines(panel)
    return panel


def test_a_redo_that_brings_the_milestone_back_shows_its_changes_again(qtbot, win, since):
    panel = since
    win.undo()
    win.undo()  # the milestone's taking undone
    qtbot.waitUntil(lambda: "no longer in the review" in panel.changes_title.text(), timeout=10000)
    assert panel.diff is None and not win.scene.marks
    win.redo()  # the milestone is back
    assert panel.list.count() == 1
    assert "no longer in the review" not in panel.changes_title.text()
    win.redo()  # notifier deleted again
    qtbot.waitUntil(lambda: "  - notifier" in _lines(panel), timeout=10000)
    qtbot.waitUntil(lambda: not panel.changes_title.text().endswith(("(updating…)", "analysing…")), timeout=10000)
    assert panel.changes_title.text().startswith("Changes from M1 (")
    assert win.scene.marks.get("notifier") == "removed"


def test_a_new_milestone_of_the_same_name_is_not_taken_for_the_one_undone(qtbot, win, since):
    """After the undo a new edit drops the redo; a milestone taken again under the name, of the review
    as it is now, is another one: the panel still asks to choose (nothing is worked out unasked)."""
    panel = since
    win.undo()
    win.undo()
    qtbot.waitUntil(lambda: "no longer in the review" in panel.changes_title.text(), timeout=10000)
    win.edit("Set replicas", set_fields, "components", "cart-db", replicas=2)
    qtbot.mouseClick(panel.b_take, Qt.MouseButton.LeftButton)
    assert panel.list.count() == 1
    assert panel._since is None
    assert "no longer in the review" in panel.changes_title.text()
