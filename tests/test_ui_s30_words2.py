"""Round 30 (2): the app says stored codes in words, as the command line and the report do: the Risks
pane listed a mitigation "in_progress", a box's tool tip said "kind: external_api"."""
from __future__ import annotations

import pytest

from prr_app.review.document import load_review, save_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def shop_in_progress(tmp_path):
    from tests.conftest import EXAMPLES

    review = load_review(EXAMPLES / "webshop.json")
    review.mitigations["second-psp"].status = "in_progress"
    path = tmp_path / "shop.prr"
    save_review(review, path)
    return path


def test_the_risks_pane_and_a_boxs_tip_say_the_words(qtbot, win, shop_in_progress):
    assert win.open_path(str(shop_in_progress))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    assert rv.select("vendor-payfast-contract")
    text = rv.detail.toPlainText()
    assert "Evaluate a second payment provider behind a routing switch" in text
    assert "in progress" in text and "in_progress" not in text, text
    # the graph: the box's tool tip says its kind as its subtitle does
    tip = win.scene.nodes["payments-api"].toolTip()
    assert "kind: external api" in tip.splitlines(), tip
