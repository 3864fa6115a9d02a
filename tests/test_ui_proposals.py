"""Issue 21 in the app: the checklist walker shows answers proposed from evidence; confirm or reject
one by one or all shown, each a named undoable edit, saved to the .prr."""
from __future__ import annotations

import pytest

from prr_app.review.document import load_review, save_review
from prr_app.review.importing import import_review

from test_readiness_evidence import CART

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def proposed_prr(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.yaml").write_text(CART, encoding="utf-8")
    res = import_review([root])
    path = tmp_path / "shop.prr"
    save_review(res.review, path)
    return path


def test_walker_confirms_rejects_and_undoes_proposals(qtbot, win, proposed_prr):
    win.open_path(str(proposed_prr))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("proposed"))
    keys = [it.key for it in cv.model.rows]
    assert "svc.probes@cartservice" in keys and all(it.proposal is not None for it in cv.model.rows)
    panel = cv.proposal_panel
    assert panel.isVisible()
    cv.select_key("svc.probes@cartservice")
    assert "same check (grpc port 7070)" in panel.text.text() and "app.yaml:" in panel.text.text()
    # the status column says it is a proposal, not an answer
    row = [it.key for it in cv.model.rows].index("svc.probes@cartservice")
    assert "proposed · partly" in cv.model.data(cv.model.index(row, 3))
    assert cv.current_item().status == "unanswered"
    n = win.session.undo_stack.count()
    panel.confirm_btn.click()
    review = win.session.review
    assert review.answers["svc.probes@cartservice"].status == "partly"
    assert "svc.probes@cartservice" not in review.proposals
    assert win.session.undo_stack.count() == n + 1
    assert win.session.undo_stack.text(n) == "Confirm proposal svc.probes@cartservice"
    # reject one
    cv.select_key("svc.disruption-budget@cartservice")
    panel.reject_btn.click()
    assert review is win.session.review
    assert win.session.review.proposals["svc.disruption-budget@cartservice"].rejected_by
    assert "svc.disruption-budget@cartservice" not in [it.key for it in cv.model.rows]
    # undo the rejection, then confirm all shown
    win.a_undo.trigger()
    assert not win.session.review.proposals["svc.disruption-budget@cartservice"].rejected_by
    shown = [it.key for it in cv.model.rows]
    assert shown
    panel.all_btn.click()
    for k in shown:
        assert win.session.review.answers[k].status in ("met", "partly", "not_met")
    assert not cv.model.rows  # nothing proposed is left to show
    win.session.flush()
    from test_ui import load_review_while_open

    saved = load_review_while_open(proposed_prr)
    assert saved.answers["svc.probes@cartservice"].status == "partly"
    assert set(shown) <= set(saved.answers)
    # undoing the bulk confirmation brings the proposals back
    win.a_undo.trigger()
    assert all(k in win.session.review.proposals and k not in win.session.review.answers for k in shown)


def test_file_import_in_the_app_proposes_answers_and_marks_observability(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, parent, title, head, lines: None))
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.yaml").write_text(CART.replace('value: "redis-cart:6379"', 'value: "redis-cart:6379"\n'
                                                '        - name: OTEL_EXPORTER_OTLP_ENDPOINT\n'
                                                '          value: "http://otel-collector:4317"'), encoding="utf-8")
    t = win.import_paths([str(root)])
    qtbot.waitUntil(lambda: not t.running, timeout=15000)
    review = win.session.review
    assert review.proposals["svc.probes@cartservice"].status == "partly"
    assert review.components["cartservice"].observability.traces is True
    assert any("readiness evidence" in ln for ln in win.last_import.report.lines())


def test_a_carried_proposal_says_where_it_comes_from(qtbot, win, tmp_path, examples_dir):
    """After checklist-carry, the walker shows a carried answer as carried from its old item, not as
    read from imported files."""
    from prr_app.checklist.answers import carry_answers

    review = load_review(examples_dir / "webshop.json")
    carry_answers(review, "prr-operational", by="Dana")
    path = tmp_path / "carried.prr"
    save_review(review, path)
    win.open_path(str(path))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("proposed"))
    cv.select_key("deploy.rollback-timed")
    text = cv.proposal_panel.text.text()
    assert "Carried from the answer to deploy.rollback-exercised under the review's previous template" in text
    assert "imported files" not in text
