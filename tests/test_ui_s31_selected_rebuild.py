"""A box selected while the graph is drawn afresh (another review opened, an import into a new review)
left the window reading the deleted boxes: the scene's clear() announced the selection change while
its lists still held the deleted items, and the what-if colouring touched them ("Internal C++ object
(NodeItem) already deleted"). The new review opens, and nothing is selected in it."""
from __future__ import annotations

import sys

import pytest

from tests.test_ui_s30_canvas import open_window
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "resources" / "examples"


@pytest.mark.parametrize("how", ["added", "clicked"])
def test_opening_another_review_with_a_box_selected(qtbot, monkeypatch, how):
    w = open_window(qtbot, monkeypatch, EXAMPLES / "webshop.json")
    if how == "added":
        w.create_component("meeting-new", "Added in the meeting")  # selected once drawn
    else:
        w.scene.select_ids(["cart-db"])
    qtbot.waitUntil(lambda: len(w.selected_ids()) == 1, timeout=3000)
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: errors.append(exc))
    assert w.open_path(str(EXAMPLES / "platform.json"))
    wait_analysis(qtbot, w)
    qtbot.wait(50)
    assert errors == []
    assert w.selected_ids() == [] and w.inspector.coll == "meta"
    assert "booking-svc" in w.scene.nodes and "cart-db" not in w.scene.nodes
