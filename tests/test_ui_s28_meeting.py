"""Session 28: what a meeting sees right after a decision or a delete, in the real window."""
from __future__ import annotations

import pytest

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_the_risks_pane_says_what_was_decided_before_the_description(qtbot, win, webshop_prr, monkeypatch):
    """At 1280 x 720 the pane is a few lines high: the acceptance and the trail sat below the description
    and the reasons, out of sight right after Accept. The second Accept names the acceptance it replaces."""
    from prr_app.ui import views

    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    rid = "spof:component:cart-db"
    assert rv.select(rid)
    assert rv.accept(rid, "Lee Chen", "standby ordered", "2099-12-10") is None
    wait_analysis(qtbot, win)
    assert rv.select(rid)
    text = rv.detail.toPlainText()
    assert text.index("Accepted by Lee Chen") < text.index("A failure of cart-db")
    assert text.index("Last decision:") < text.index("A failure of cart-db")
    # the dialog for a second acceptance says which one it replaces
    seen = {}

    class Stand(views.FormDialog):
        def exec(self):
            seen["about"] = self.about.text()
            return 0

    monkeypatch.setattr(views, "FormDialog", Stand)
    rv.accept_dialog()
    assert "Replaces the acceptance by Lee Chen until 2099-12-10: standby ordered" in seen["about"]


def test_deleting_a_component_others_call_says_which_calls_go(qtbot, win, webshop_prr):
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.delete_elements(["cart-db"])
    msg = win.statusBar().currentMessage()
    assert "1 call on cart-db goes with it: cart-svc->cart-db" in msg, msg
    assert "cart-svc->cart-db" not in win.session.review.dependencies
    win.a_undo.trigger()
    assert "cart-svc->cart-db" in win.session.review.dependencies
