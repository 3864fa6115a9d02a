"""Issue 16 in the app: a save that finds another writer changed the same elements asks the user.

The second writer is the real ``prr`` command (a separate process) changing the file while the
window holds unsaved edits. Whatever the user picks, nothing is lost, and success is never
reported for work that was not kept.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from prr_app.review import edits
from prr_app.review.document import load_review
from tests.ui_driver import DialogAnswer, press, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def webshop_prr(tmp_path, examples_dir):
    from prr_app.persistence.store import create_store

    p = tmp_path / "webshop.prr"
    create_store(p, load_review(examples_dir / "webshop.json")).close()
    return p


def prr(*args) -> None:
    """The command line, as another program on the same machine."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr


def two_items(review):
    from prr_app.checklist import evaluate

    keys = [it.key for it in evaluate(review).items if it.key not in review.answers and not it.subject]
    return keys[0], keys[1]


def answer_in_window(win, key, status):
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(0)
    cv.select_key(key)
    assert cv.current_key() == key
    cv.status_buttons[status].click()
    assert win.session.review.answers[key].status == status


def conflict_setup(qtbot, win, webshop_prr):
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    k1, k2 = two_items(win.session.review)
    answer_in_window(win, k1, "met")  # unsaved for 250 ms: the command below runs first
    assert win.session.dirty
    prr("checklist-answer", webshop_prr, k1, "--status", "not_met", "--by", "cli", "--note", "seen failing")
    prr("checklist-answer", webshop_prr, k2, "--status", "partly", "--by", "cli")
    return k1, k2


def conflict_box(qtbot, answer):
    """Answer the conflict dialog with the button ``answer``; returns the dialog's text."""
    seen = {}

    def fill(box):
        seen["text"] = box.text()
        seen["details"] = box.detailedText()
        press(box, answer)

    a = DialogAnswer(fill, QMessageBox, title="Not saved")
    qtbot.waitUntil(lambda: a.dialog is not None or a.error is not None, timeout=10000)
    a.check()
    return seen


def test_conflict_keep_mine(qtbot, win, webshop_prr):
    k1, k2 = conflict_setup(qtbot, win, webshop_prr)
    seen = conflict_box(qtbot, "Keep Mine")  # autosave meets the conflict and asks
    assert f"checklist answer {k1}" in seen["text"]
    assert "status here 'met', in the file 'not_met'" in seen["text"]
    assert "Nothing was written" in seen["text"]
    qtbot.waitUntil(lambda: not win.session.dirty)
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[k1].status == "met"  # mine kept
    assert on_disk.answers[k2].status == "partly"  # the other writer's other change kept
    assert win.session.review.answers[k2].status == "partly"  # and shown here
    assert win.save_label.text() == "All changes saved"
    assert "your version kept" in win.statusBar().currentMessage()


def test_conflict_take_the_files_keeps_my_other_edits(qtbot, win, webshop_prr):
    k1, k2 = conflict_setup(qtbot, win, webshop_prr)
    win.session.push("Rename", edits.set_fields(win.session.review, "components", "cart-db",
                                                name="Cart database (Redis)"))
    seen = conflict_box(qtbot, "Take the File")
    assert k1 in seen["details"]
    qtbot.waitUntil(lambda: not win.session.dirty)
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[k1].status == "not_met" and on_disk.answers[k1].note == "seen failing"
    assert on_disk.components["cart-db"].name == "Cart database (Redis)"  # my edit no one else touched
    r = win.session.review
    assert r.answers[k1].status == "not_met" and r.answers[k2].status == "partly"
    assert r.components["cart-db"].name == "Cart database (Redis)"
    cv = win.views["Checklist"]
    cv.select_key(k1)
    assert cv.status_buttons["not_met"].isChecked()  # the checklist shows the file's answer


def test_conflict_save_as_keeps_everything_shown(qtbot, win, webshop_prr, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    target = tmp_path / "mine.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    k1, _k2 = conflict_setup(qtbot, win, webshop_prr)
    conflict_box(qtbot, "Save As")
    qtbot.waitUntil(lambda: win.session.path == target)
    assert read_while_open(target).answers[k1].status == "met"
    assert win.session.review.answers[k1].status == "met"
    assert load_review(webshop_prr).answers[k1].status == "not_met"  # the other writer's file untouched
    assert win.save_label.text() == "All changes saved"


def test_conflict_decided_later_is_never_reported_saved_and_quit_asks_again(qtbot, win, webshop_prr):
    k1, _k2 = conflict_setup(qtbot, win, webshop_prr)
    conflict_box(qtbot, "Decide Later")
    qtbot.wait(400)  # autosave does not write it meanwhile, nor claim it did
    assert "NOT SAVED" in win.save_label.text()
    assert win.session.review.answers[k1].status == "met"
    assert read_while_open(webshop_prr).answers[k1].status == "not_met"
    # File > Save asks again; closing asks too and Decide Later keeps the window open
    a = DialogAnswer(lambda box: press(box, "Decide Later"), QMessageBox, title="Not saved")
    assert not win.save()
    a.check()
    a = DialogAnswer(lambda box: press(box, "Decide Later"), QMessageBox, title="Not saved")
    assert not win.close()
    a.check()
    assert win.isVisible()
    a = DialogAnswer(lambda box: press(box, "Keep Mine"), QMessageBox, title="Not saved")
    assert win.close()
    a.check()
    assert load_review(webshop_prr).answers[k1].status == "met"
