"""Two writers, the app and another program (the real ``prr``), on one open ``.prr`` (session 27).

* An undo in the app after another program's write was taken into the window (by a save in
  between) never silently reverts that write: it takes back only the fields its own edit
  changed, and where the other program changed the same element, the usual conflict dialog asks.
* A milestone taken in the app holds the review as the file holds it (other programs' writes
  included), and a name the file already has is refused, never replaced.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from prr_app.review import edits
from tests.ui_driver import DialogAnswer, press, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]
ROOT = Path(__file__).resolve().parent.parent
RISK = "spof:component:identity"


def prr(*args) -> subprocess.CompletedProcess:
    """The command line, as another program on the same machine."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def unanswered(review, n):
    from prr_app.checklist import evaluate

    return [it.key for it in evaluate(review).items if it.key not in review.answers and not it.subject][:n]


def answer_in_window(win, key, status):
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(0)
    cv.select_key(key)
    assert cv.current_key() == key
    cv.status_buttons[status].click()
    assert win.session.review.answers[key].status == status


def wait_saved(qtbot, win):
    qtbot.waitUntil(lambda: not win.session.dirty and not (win.session._save_task is not None
                                                           and win.session._save_task.running), timeout=15000)


def open_window(qtbot, win, path):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)


def undo(qtbot, win, answer=None):
    """Undo once; ``answer``: the conflict dialog expected (answered with that button), whose text
    is returned; None: no dialog may show (the undo saved as any edit)."""
    seen = {}

    def fill(box):
        seen["text"] = box.text()
        press(box, answer)

    a = DialogAnswer(fill, QMessageBox, title="Not saved") if answer else None
    win.session.undo_stack.undo()
    if a is not None:
        qtbot.waitUntil(lambda: a.dialog is not None or a.error is not None, timeout=10000)
        a.check()
    wait_saved(qtbot, win)
    return seen.get("text")


def test_undo_after_the_clis_answer_was_taken_in_asks_and_keeps_it(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    k1, k2 = unanswered(win.session.review, 2)
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    prr("checklist-answer", webshop_prr, k1, "--evidence", "https://ci/run/42", "--note", "verified by CI", "--by", "ci")
    answer_in_window(win, k2, "met")  # its save takes the CLI's evidence in
    wait_saved(qtbot, win)
    assert win.session.review.answers[k1].evidence == "https://ci/run/42"
    assert undo(qtbot, win) is None  # k2: the app's own, nobody else touched it
    text = undo(qtbot, win, "Take the File")  # k1: the CLI changed it since; asked, not reverted
    assert f"checklist answer {k1}" in text
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[k1].evidence == "https://ci/run/42" and on_disk.answers[k1].note == "verified by CI"
    assert k2 not in on_disk.answers
    assert win.session.review.answers[k1].evidence == "https://ci/run/42"
    assert win.save_label.text() == "All changes saved"


def test_undo_after_the_clis_answer_keep_mine_takes_it_back(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    k1, k2 = unanswered(win.session.review, 2)
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    prr("checklist-answer", webshop_prr, k1, "--evidence", "https://ci/run/42", "--by", "ci")
    answer_in_window(win, k2, "met")
    wait_saved(qtbot, win)
    undo(qtbot, win)
    undo(qtbot, win, "Keep Mine")  # the user's word: the undo wins
    assert k1 not in read_while_open(webshop_prr).answers
    assert k1 not in win.session.review.answers


def test_undo_of_an_accept_after_prr_risk_owner_asks_and_keeps_the_owner(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    (k1,) = unanswered(win.session.review, 1)
    win.session.push("Accept", edits.accept_risk(win.session.review, RISK, "app-lead", "app reason"))
    wait_saved(qtbot, win)
    prr("risk", "owner", webshop_prr, RISK, "bob-from-cli")
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    assert win.session.review.risks[RISK].owner == "bob-from-cli"
    undo(qtbot, win)
    text = undo(qtbot, win, "Take the File")
    assert f"risk {RISK}" in text
    rec = read_while_open(webshop_prr).risks[RISK]
    assert rec.owner == "bob-from-cli" and rec.acceptance is not None and rec.acceptance.by == "app-lead"
    assert win.session.review.risks[RISK].owner == "bob-from-cli"


def test_undo_takes_back_only_the_fields_its_edit_changed(qtbot, win, webshop_prr):
    """Another program changed another field of the element: no conflict, both kept."""
    open_window(qtbot, win, webshop_prr)
    (k1,) = unanswered(win.session.review, 1)
    before = win.session.review.components["cart-db"].name
    win.session.push("Rename", edits.set_fields(win.session.review, "components", "cart-db", name="Cart (Redis)"))
    wait_saved(qtbot, win)
    script = ("import sys; from prr_app.review.document import edit_review; "
              "edit_review(sys.argv[1], lambda r: setattr(r.components['cart-db'], 'description', 'by a script'))")
    proc = subprocess.run([sys.executable, "-c", script, str(webshop_prr)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert proc.returncode == 0, proc.stderr
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    assert win.session.review.components["cart-db"].description == "by a script"
    undo(qtbot, win)
    undo(qtbot, win)  # no dialog
    on_disk = read_while_open(webshop_prr).components["cart-db"]
    assert (on_disk.name, on_disk.description) == (before, "by a script")
    shown = win.session.review.components["cart-db"]
    assert (shown.name, shown.description) == (before, "by a script")
    win.session.undo_stack.redo()  # and redo puts the rename back over the script's description
    wait_saved(qtbot, win)
    on_disk = read_while_open(webshop_prr).components["cart-db"]
    assert (on_disk.name, on_disk.description) == ("Cart (Redis)", "by a script")


def test_undoing_an_accept_the_cli_mitigated_since_names_the_mitigation(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    (k1,) = unanswered(win.session.review, 1)
    win.session.push("Accept", edits.accept_risk(win.session.review, RISK, "app-lead", "app reason"))
    wait_saved(qtbot, win)
    prr("risk", "mitigate", webshop_prr, RISK, "--title", "cli fix for identity", "--owner", "bob")
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    undo(qtbot, win)
    seen = {}

    def fill(box):
        seen["text"] = box.text()
        press(box, "Decide Later")

    a = DialogAnswer(fill, QMessageBox, title="Not saved")
    win.session.undo_stack.undo()
    qtbot.waitUntil(lambda: a.dialog is not None or a.error is not None, timeout=10000)
    a.check()
    text = seen["text"]
    assert f"risk {RISK}: deleted here, but the file's mitigation" in text
    assert "'cli fix for identity'" in text and "still names it" in text
    assert "changed in the file" not in text  # the file did not change the risk
    assert read_while_open(webshop_prr).risks[RISK].acceptance.by == "app-lead"
    win.session.undo_stack.redo()  # the acceptance back: nothing left to decide
    wait_saved(qtbot, win)


# ------------------------------------------------------------------ milestones
def take_milestone(win, monkeypatch, name, note=""):
    from prr_app.ui import milestones as ui_m

    monkeypatch.setattr(ui_m.AskMilestone, "name", classmethod(lambda cls, parent: (name, note)))
    return win.milestones.take()


def test_a_milestone_holds_the_file_with_other_programs_writes(qtbot, win, webshop_prr, monkeypatch):
    from prr_app.review.milestones import milestone_review

    open_window(qtbot, win, webshop_prr)
    k_app, k_cli = unanswered(win.session.review, 2)
    answer_in_window(win, k_app, "met")  # the window's own edit, maybe not saved yet
    prr("checklist-answer", webshop_prr, k_cli, "--status", "met", "--by", "ci")
    prr("risk", "accept", webshop_prr, RISK, "--reason", "ok", "--by", "lead")
    assert take_milestone(win, monkeypatch, "gamma") == "gamma"
    wait_saved(qtbot, win)
    on_disk = read_while_open(webshop_prr)
    snap = milestone_review(on_disk.milestones["gamma"])
    assert k_app in snap.answers and k_cli in snap.answers and RISK in snap.risks
    r = win.session.review
    assert k_cli in r.answers and RISK in r.risks and "gamma" in r.milestones  # the window shows the file
    assert on_disk.answers[k_cli].status == "met" and on_disk.risks[RISK].acceptance.by == "lead"
    undo(qtbot, win)  # taking it is one undoable edit
    assert "gamma" not in read_while_open(webshop_prr).milestones


def test_a_milestone_name_the_cli_took_meanwhile_is_refused(qtbot, win, webshop_prr, monkeypatch):
    open_window(qtbot, win, webshop_prr)
    prr("milestone", "add", webshop_prr, "beta", "--note", "from CLI", "--by", "ci")
    status = []
    win.milestones.sig_status.connect(status.append)
    assert take_milestone(win, monkeypatch, "beta", "from app") is None
    assert "milestone 'beta' already exists" in status[-1]
    wait_saved(qtbot, win)
    m = read_while_open(webshop_prr).milestones["beta"]
    assert (m.note, m.taken_by) == ("from CLI", "ci")
