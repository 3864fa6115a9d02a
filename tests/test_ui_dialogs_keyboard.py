"""The risk decision dialogs and the journey dialog, walked with the keyboard only (QA W4-5),
and New manual risk refusing a mistyped component id (QA W4-6).

Each dialog is opened from the real window and answered while its ``exec`` runs: the test
types into whatever has the focus and presses Tab, never clicks, until OK has the focus, then
presses Space on it.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDialogButtonBox, QLineEdit, QPlainTextEdit

from tests.ui_driver import DialogAnswer, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

RISK = "spof:component:cart-db"


@pytest.fixture
def risks(qtbot, win, tmp_path, examples_dir):
    """The webshop open in the window, the Risks tab shown with RISK selected."""
    from prr_app.persistence.store import create_store
    from prr_app.review.document import load_review

    p = tmp_path / "webshop.prr"
    create_store(p, load_review(examples_dir / "webshop.json")).close()
    win.open_path(str(p))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    assert rv.select(RISK)
    return rv


def walk_to_ok(dialog, typed: dict[str, str], *, max_steps: int = 30) -> list[str]:
    """Type ``typed[label]`` into each field as the focus reaches it, Tab to the next one, and
    press Space on OK. Returns the accessible names of the fields visited in order."""
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.activateWindow()
    QApplication.processEvents()
    seen = []
    for _ in range(max_steps):
        w = QApplication.focusWidget()
        assert w is not None and dialog.isAncestorOf(w), f"the focus left the dialog: {w!r}"
        if w is ok:
            QTest.keyClick(ok, Qt.Key.Key_Space)
            return seen
        name = w.accessibleName() or (w.parentWidget().accessibleName() if w.parentWidget() else "")
        if name in typed and name not in seen:
            if isinstance(w, (QLineEdit, QAbstractSpinBox)):
                QTest.keyClick(w, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(w, typed[name])
        seen.append(name)
        QTest.keyClick(w, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached OK; fields visited: {seen}")


def answer(fill, title):
    return DialogAnswer(fill, title=title)


def no_tabs(dialog) -> None:
    for t in dialog.findChildren(QPlainTextEdit):
        assert "\t" not in t.toPlainText(), f"Tab typed a tab character into {t.accessibleName()!r}"


def test_accept_risk_by_keyboard_only(qtbot, risks):
    def fill(d):
        visited = walk_to_ok(d, {"Accepted by": "Dana", "Why it is acceptable": "carts are cheap to rebuild",
                                 "Until (YYYY-MM-DD, optional)": "2027-01-31"})
        assert "Until (YYYY-MM-DD, optional)" in visited
        no_tabs(d)

    a = answer(fill, "Accept")
    risks.accept_dialog()
    a.check()
    acc = risks.session.review.risks[RISK].acceptance
    assert (acc.by, acc.reason, acc.until) == ("Dana", "carts are cheap to rebuild", "2027-01-31")


def test_override_score_by_keyboard_only(qtbot, risks):
    def fill(d):
        walk_to_ok(d, {"Likelihood (1–5)": "1", "Impact (1–5)": "2",
                       "Reason (required, shown in the report)": "a standby is being built"})
        no_tabs(d)

    a = answer(fill, "Override the score")
    risks.override_dialog()
    a.check()
    rec = risks.session.review.risks[RISK]
    assert (rec.override_likelihood, rec.override_impact, rec.override_reason) == (1, 2, "a standby is being built")


def test_launch_blocking_by_keyboard_only(qtbot, risks):
    reason = "Reason (required unless the rules decide; shown in the report)"

    def fill(d):
        visited = walk_to_ok(d, {"This risk": "b", reason: "the sale needs carts"})  # b: "blocks the launch"
        assert visited[-1] == reason  # the combo first, then the reason, then OK
        no_tabs(d)

    a = answer(fill, "Launch-blocking")
    risks.blocking_dialog()
    a.check()
    rec = risks.session.review.risks[RISK]
    assert (rec.launch_blocking, rec.launch_blocking_reason) == (True, "the sale needs carts")


def test_new_manual_risk_by_keyboard_refuses_an_unknown_component_then_stores_it(qtbot, risks):
    review = risks.session.review
    assert "cart-db" in review.components and "cart-dbb" not in review.components
    before = set(review.risks)
    shown = {}

    def fill(d):
        walk_to_ok(d, {"Title": "Vendor outage during sale", "Likelihood (1–5)": "4", "Impact (1–5)": "5",
                       "Components (comma-separated ids)": "payments-api, cart-dbb",
                       "Description": "the PSP has no second region"})
        # refused: the dialog stays open, says which id is unknown, and keeps what was typed
        assert d.isVisible()
        shown["error"] = d.error.text()
        assert d.widgets["components"].text() == "payments-api, cart-dbb"
        assert d.widgets["title"].text() == "Vendor outage during sale"
        no_tabs(d)
        d.widgets["components"].setFocus()
        QTest.keyClick(d.widgets["components"], Qt.Key.Key_Backspace)  # cart-dbb -> cart-db
        walk_to_ok(d, {})

    a = answer(fill, "New manual risk")
    risks.manual_dialog()
    a.check()
    assert shown["error"] == "Components: unknown component cart-dbb"
    (rid,) = set(review.risks) - before
    risk = review.risks[rid]
    assert risk.components == ["payments-api", "cart-db"]
    assert (risk.likelihood, risk.impact, risk.description) == (4, 5, "the PSP has no second region")


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise", "grabbing the keyboard")  # the completer's popup
def test_journey_dialog_by_keyboard_only(qtbot, win):
    from prr_app.model.entities import Component, Review
    from prr_app.ui.dialogs import JourneyDialog

    review = Review()
    review.components["web"] = Component(id="web", name="Web")
    d = JourneyDialog(win, review)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    walk_to_ok(d, {"Name": "Buy", "Entry components": "web", "SLO (%)": "99.9", "Description": "from the cart"})
    no_tabs(d)
    assert d.result() == d.DialogCode.Accepted
    assert (d.name, d.entry, d.slo, d.description) == ("Buy", ["web"], 99.9, "from the cart")


def test_the_journey_dialog_shows_its_entry_hint_whole(qtbot, win):
    """The hint in an empty "Entry components" field was cut off at the dialog's natural width."""
    from prr_app.model.entities import Review
    from prr_app.ui.dialogs import JourneyDialog

    d = JourneyDialog(win, Review())
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    e = d.entry_edit
    assert e.text() == ""
    assert e.width() >= e.fontMetrics().horizontalAdvance(e.placeholderText()) + 8
