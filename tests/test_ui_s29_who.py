"""The app never records a system account or nobody as who decided: logged in as root, with no name
set and no reviewer listed, an override, an owner, a checklist answer, a confirmed proposal and a
milestone ask for the reviewer's name, and record nothing when none is given. Before, they were
recorded as "someone" (an empty name), "reviewer" or "root"."""
from __future__ import annotations

import getpass

import pytest

from prr_app.persistence.store import create_store
from prr_app.review.document import load_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

EXAMPLE = __import__("pathlib").Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


@pytest.fixture
def nobody_named(tmp_path, monkeypatch):
    """A review that lists no reviewer, opened by root with no name in the app's settings."""
    from prr_app.ui.settings import REVIEWER_KEY, settings

    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    settings().remove(REVIEWER_KEY)  # no name kept by an earlier test
    review = load_review(EXAMPLE)
    review.meta.reviewers = []
    p = tmp_path / "shop.prr"
    create_store(p, review).close()
    yield p
    settings().remove(REVIEWER_KEY)


@pytest.fixture
def asked(monkeypatch):
    """The name question: records each time it is asked and answers with ``answer[0]``."""
    from PySide6.QtWidgets import QInputDialog

    calls, answer = [], [("", False)]

    def get_text(parent, title, label, *a, **k):
        calls.append(title)
        return answer[0]

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return calls, answer


def test_a_decision_asks_for_the_name_and_records_nothing_without_one(qtbot, win, nobody_named, asked):
    calls, answer = asked
    assert win.open_path(str(nobody_named))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    rid = rv.model.rows[0]["id"]
    msg = rv.set_owner(rid, "sre-team")
    assert calls == ["Your name as reviewer"] and msg and "names who made it" in msg
    assert not (win.session.review.risks.get(rid) and win.session.review.risks[rid].history)
    answer[0] = ("Ana Silva", True)
    assert rv.set_owner(rid, "sre-team") is None
    assert win.session.review.risks[rid].history[-1].by == "Ana Silva"
    # kept for the next decision: not asked again
    assert rv.set_blocking(rid, False, "a reason") is None
    assert len(calls) == 2 and win.session.review.risks[rid].history[-1].by == "Ana Silva"


def test_a_checklist_answer_and_a_milestone_name_a_person(qtbot, win, nobody_named, asked, monkeypatch):
    from prr_app.ui.milestones import AskMilestone
    from prr_app.ui.views import set_answer_command

    calls, answer = asked
    assert win.open_path(str(nobody_named))
    wait_analysis(qtbot, win)
    key = next(iter(win.session.review.answers))
    assert "names who made it" in set_answer_command(win.session, key, None, status="met")
    answer[0] = ("Ana Silva", True)
    assert set_answer_command(win.session, key, None, status="met") is True
    assert win.session.review.answers[key].changed_by == "Ana Silva"
    monkeypatch.setattr(AskMilestone, "name", classmethod(lambda cls, parent: ("pre-launch", "")))
    from prr_app.ui.milestones import MilestonesPanel

    dock = win.findChildren(MilestonesPanel)[0]
    assert dock.take() is not None
    taken = list(win.session.review.milestones.values())[-1]
    assert taken.taken_by == "Ana Silva"
