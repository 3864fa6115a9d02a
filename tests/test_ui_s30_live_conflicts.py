"""Round 30, the team repository in a live meeting: a conflict met by a background save is asked
about once that save has reported (the save label behind the picker then says where the edits are,
never "Saving…" for a save that has ended), against a throwaway real PostgreSQL, through the real
window and the real picker."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _login, _need_server, pg, repo, repo_url  # noqa: E402,F401
from test_ui_repository import WAIT_MS, shop, window  # noqa: E402,F401
from test_ui_repository_live import _other_writer  # noqa: E402

from prr_app.review import edits  # noqa: E402

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_the_picker_for_a_background_saves_conflict_waits_for_that_save_to_report(qtbot, monkeypatch, shop):
    """On a loaded machine the autosave's worker told the conflict, then lost the processor before
    reporting its own end: the picker opened over "Saving…". Here that worker is held up on purpose
    after its push (as the scheduler did), every time."""
    from prr_app.ui import repository as ui_repo
    from prr_app.ui.repository import LOCAL_ONLY, ConflictPicker

    w = window(qtbot, monkeypatch, url=shop.url)
    assert w.repository.open("shop")
    w.repository._stop_listening()  # it does not hear the other commit before its own save
    _other_writer(shop.url, lambda r: setattr(r.components["cart-db"], "owner", "theirs"))
    real_push = ui_repo.LiveRepoDocument.push

    def slow_to_report(self, *args, **kwargs):
        out = real_push(self, *args, **kwargs)  # the conflict is posted to the window here
        time.sleep(0.4)  # this worker descheduled before the save reports back (not the test waiting)
        return out

    monkeypatch.setattr(ui_repo.LiveRepoDocument, "push", slow_to_report)
    asked = {}

    def pick(conflicts):
        d = ConflictPicker(w, conflicts)
        qtbot.addWidget(d)
        asked["saved_label"] = w.save_label.text()
        asked["dirty"] = w.session.dirty
        d.choose(0, "mine")
        return d.pick()

    w.repository.ask_conflicts = pick
    w.push("Edit", edits.set_fields(w.session.review, "components", "cart-db", owner="mine"))
    w.session.autosave()  # the background save
    qtbot.waitUntil(lambda: "saved_label" in asked, timeout=WAIT_MS)
    assert asked == {"saved_label": LOCAL_ONLY, "dirty": False}
    qtbot.waitUntil(lambda: shop.pull("shop").review.components["cart-db"].owner == "mine", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.save_label.text() == "All changes saved", timeout=WAIT_MS)
    w.close()


def _answer_conflict(mine: dict, theirs: dict):
    """A conflict of one checklist answer as the three-way merge makes it (both sides changed it)."""
    from prr_app.teamrepo import merge
    from prr_app.teamrepo.schema import DEFAULTS

    def rows(**kw):
        return {"checklist_answer": {("obs.alerts",): {**DEFAULTS["checklist_answer"], "item": "obs.alerts", **kw}}}

    _merged, conflicts = merge.merge(rows(status="not_met"), rows(**theirs), rows(**mine),
                                     who=lambda t, k, f: ("bob", "2026-03-02T09:00:00+00:00"))
    return conflicts


def test_two_met_answers_in_conflict_are_told_apart_by_evidence_note_who_and_when(qtbot):
    from PySide6.QtWidgets import QLabel, QRadioButton

    from prr_app.ui.repository import ConflictPicker

    conflicts = _answer_conflict(
        mine=dict(status="met", evidence="https://grafana/alerts", note="paged twice", owner="sre",
                  changed_by="ann", changed_at="2026-03-01T10:00:00+00:00"),
        theirs=dict(status="met", evidence="runbook §4", note="", owner="sre",
                    changed_by="bob", changed_at="2026-03-02T09:00:00+00:00"))
    assert len(conflicts) == 1
    d = ConflictPicker(None, conflicts)
    qtbot.addWidget(d)
    mine, theirs = [r.text() for r in d.findChildren(QRadioButton)]
    assert mine.splitlines() == ["met (owner sre)", "evidence: https://grafana/alerts", "note: paged twice",
                                 "by ann on 2026-03-01"]
    assert theirs.splitlines() == ["met (owner sre)", "evidence: runbook §4", "note: none", "by bob on 2026-03-02"]
    assert "checklist answer obs.alerts (kept whole: yours or theirs)" in [lbl.text() for lbl in d.findChildren(QLabel)]
    d.choose(0, "theirs")
    assert d.pick() == {(c.table, c.key, c.field): "theirs" for c in conflicts}


def test_a_long_conflict_error_is_a_summary_line_with_every_conflict_under_show_details(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from prr_app.teamrepo.merge import Conflict
    from prr_app.teamrepo.repository import ConflictError
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    conflicts = [Conflict("component", (f"service-{i}",), "owner", "base", f"team-{i}-here", f"team-{i}-there",
                          by="bob", at="2026-03-02T09:00:00+00:00") for i in range(6)]
    conflicts += _answer_conflict(mine=dict(status="met", evidence="https://grafana/alerts", changed_by="ann"),
                                  theirs=dict(status="partly", evidence="runbook", changed_by="bob"))
    e = ConflictError("shop", conflicts)
    assert len(str(e)) >= 400  # in one line it was cut at 400 characters
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text(),
                                                                       box.detailedText())) or 0)
    w.repository.notify_error("Cannot save to the repository", e)
    [(title, text, details)] = shown
    assert title == "Cannot save to the repository"
    assert text == "repo:shop: 7 conflicts with changes made in the repository since your version; nothing was written"
    lines = details.splitlines()
    assert lines[0] == f"repo:shop: {e.message}" and len(lines[0]) > 400  # the whole message, not cut
    assert lines[2:] == [f"conflict: {c.describe()}" for c in conflicts]  # every conflict, each on its line
    assert "service-5" in details and "checklist answer obs.alerts" in details
    # an error without parts is said as before, in one line
    shown.clear()
    from prr_app.errors import PrrError

    w.repository.notify_error("Not saved to the repository", PrrError("refused", file="repo:shop"))
    assert shown == [("Not saved to the repository", "repo:shop: refused", "")]
    w.close()
