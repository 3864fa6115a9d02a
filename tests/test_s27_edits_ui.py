"""The delete's new messages reach the app's status bar through its existing path
(``MainWindow.delete_elements`` shows ``edits.references``), and a paste after a domain went is not
refused (D2, D4, D7), through the real window."""
from __future__ import annotations

import pytest

from prr_app.review import edits

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_deleting_a_component_with_answers_says_where_they_are(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    r = win.session.review
    keys = [k for k in r.answers if k.endswith("@cart-db") or k.endswith("->cart-db")]
    win.scene.select_ids(["cart-db"])
    win.a_delete.trigger()
    msg = win.statusBar().currentMessage()
    assert msg.startswith(f"Deleted; updated: {len(keys)} checklist answers on cart-db")
    assert "kept in the review as orphaned answers; prr checklist lists them" in msg
    assert all(k in r.answers for k in keys)


def test_deleting_a_group_member_lowers_min_up_says_so_and_undo_restores_it(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "platform.json"))
    r = win.session.review
    win.edit("Needs up", edits.set_fields, "groups", "ingress", min_up=2)
    win.delete_elements(["ingress-eu"])
    assert "it needed 2 members up and now needs 1" in win.statusBar().currentMessage()
    assert r.groups["ingress"].members == ["ingress-us"] and r.groups["ingress"].min_up == 1
    win.a_undo.trigger()
    assert r.groups["ingress"].min_up == 2 and "ingress-eu" in r.components


def test_paste_after_the_copied_boxes_domain_was_deleted(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    r = win.session.review
    dom = next(d for d in r.domains if any(d in c.placement for c in r.components.values()))
    placed = next(c for c in r.components if dom in r.components[c].placement)
    win.scene.select_ids([placed])
    win.copy_selection()
    win.delete_elements([dom])
    win.paste()
    assert f"{placed}-copy" in r.components
    assert dom not in r.components[f"{placed}-copy"].placement
    # the window says what the copy was pasted without
    msg = win.statusBar().currentMessage()
    assert msg.startswith("Pasted; ") and f"without its placement in {dom}" in msg
