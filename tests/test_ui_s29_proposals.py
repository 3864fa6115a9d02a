"""The app's proposals panel says a proposal is out of date (the reviewer changed what the files
said), and will not confirm it; Confirm all shown confirms the rest and says what it left out
(one stale proposal refused the whole batch)."""
from __future__ import annotations

import pytest

from prr_app.review.document import save_review
from prr_app.review.edits import apply_changes, set_fields
from prr_app.review.importing import import_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]



@pytest.fixture
def boutique_prr(tmp_path):
    from tests.conftest import REALDATA  # the real systems the tests read

    review = import_review([REALDATA / "online-boutique"]).review
    apply_changes(review, set_fields(review, "components", "cartservice", replicas=3))  # as prr set does
    path = tmp_path / "ob.prr"
    save_review(review, path)
    return path


def test_an_out_of_date_proposal_is_said_and_not_confirmed(qtbot, win, boutique_prr):
    assert win.open_path(str(boutique_prr))
    wait_analysis(qtbot, win)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("proposed"))
    panel = cv.proposal_panel
    cv.select_key("svc.instances-spread@cartservice")
    assert "out of date" in panel.text.text() and "replicas changed from 1 to 3" in panel.text.text()
    assert not panel.confirm_btn.isEnabled()
    n = len(panel.shown)
    assert panel.confirm_all_shown()
    assert "skipped svc.instances-spread@cartservice: the proposal is out of date" in panel.error.text()
    answers = win.session.review.answers
    assert "svc.instances-spread@cartservice" not in answers or answers["svc.instances-spread@cartservice"].status == "unanswered"
    assert sum(1 for a in answers.values() if a.note.startswith("confirmed from evidence")) >= n - 2
