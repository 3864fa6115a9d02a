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


# ------------------------------------------------------------------ the merge itself
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_rows = st.dictionaries(st.sampled_from("abcdefg"), st.sampled_from([1, 2, 3]), max_size=7)


@given(_rows, _rows, _rows, st.sampled_from(["mine", "theirs"]))
def test_three_way_merge_properties(base, mine, theirs, prefer):
    from prr_app.review.document import three_way

    out = three_way(base, mine, theirs, prefer)
    for k in set(base) | set(mine) | set(theirs):
        b, m, t, v = base.get(k), mine.get(k), theirs.get(k), out.get(k)
        if m == t:
            assert v == m  # agreed (or both deleted)
        elif m == b:
            assert v == t  # only theirs changed it
        elif t == b:
            assert v == m  # only mine changed it
        else:
            assert v == (m if prefer == "mine" else t)  # both changed it: as the user chose
    other = "theirs" if prefer == "mine" else "mine"
    assert out == three_way(base, theirs, mine, other)  # the two sides are alike
    assert three_way(base, mine, base, prefer) == mine and three_way(base, base, theirs, prefer) == theirs


def test_a_merge_that_would_break_the_model_is_refused_and_nothing_written(qtbot, win, webshop_prr, tmp_path,
                                                                           monkeypatch):
    """Mine adds a dependency on search-svc; the other writer deletes search-svc: refused, said why,
    the window keeps everything, and Save As still keeps it."""
    from prr_app.persistence.store import SaveConflict
    from prr_app.ui import main_window as mw

    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    k1, _k2 = two_items(win.session.review)
    answer_in_window(win, k1, "met")
    win.create_component("new-svc", "New")
    assert win.create_dependency("new-svc", "search-svc")
    prr("checklist-answer", webshop_prr, k1, "--status", "not_met", "--by", "cli")
    # another program deletes search-svc (through the library's own document, as a script would)
    script = ("import sys; from prr_app.review import edits; from prr_app.review.document import ReviewDocument; "
              "d = ReviewDocument.open(sys.argv[1]); "
              "edits.apply_changes(d.review, edits.delete(d.review, ['search-svc'])); d.save(); d.close()")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script, str(webshop_prr)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(SaveConflict) as conflict:
        win.session.flush()
    # Take the File's: refused (search-svc is gone there), said why; nothing written, nothing lost
    errors = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, e, *a: errors.append(str(e)))
    a = DialogAnswer(lambda box: press(box, "Take the File"), QMessageBox, title="Not saved")
    assert not win.resolve_conflict(conflict.value)
    a.check()
    assert errors and "not saved" in errors[0] and "Save As" in errors[0]
    assert "new-svc->search-svc" in win.session.review.dependencies
    assert win.session.review.answers[k1].status == "met"
    on_disk = read_while_open(webshop_prr)
    assert "search-svc" not in on_disk.components and "new-svc" not in on_disk.components
    assert "NOT SAVED" in win.save_label.text()
    # File > Save asks again; Save As keeps all of it in a file of its own
    target = tmp_path / "mine.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    a = DialogAnswer(lambda box: press(box, "Save As"), QMessageBox, title="Not saved")
    assert win.save()
    a.check()
    kept = read_while_open(target)
    assert "new-svc->search-svc" in kept.dependencies and kept.answers[k1].status == "met"
    assert win.save_label.text() == "All changes saved"
