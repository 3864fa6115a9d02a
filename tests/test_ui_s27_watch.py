"""The window follows other programs' writes to its open ``.prr`` (session 27).

A window left open while the real ``prr`` writes the same file shows the file's review within a
moment (an idle window takes it in as a save takes in another program's writes; one with
unsaved edits writes them and takes the other program's in), never takes its own saves for
another program's, and never writes the file because the file changed.
"""
from __future__ import annotations

import os

import pytest

from prr_app.review import edits
from tests.test_ui_s27_writers import RISK, answer_in_window, open_window, prr, unanswered, wait_saved
from tests.ui_driver import read_while_open

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def ident(path):
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_mtime_ns


def took(win):
    """The take-ins the session announces: (count, by a save of the window's)."""
    seen = []
    win.session.sig_took_theirs.connect(lambda n, by_save: seen.append((n, by_save)))
    return seen


def test_an_idle_window_shows_the_clis_writes(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    seen = took(win)
    (k,) = unanswered(win.session.review, 1)
    prr("checklist-answer", webshop_prr, k, "--status", "met", "--by", "ci")
    qtbot.waitUntil(lambda: k in win.session.review.answers, timeout=5000)
    assert win.session.review.answers[k].status == "met"
    assert seen == [(1, False)]
    assert win.statusBar().currentMessage() == "1 change another program saved to this file, now shown here"
    assert not win.session.dirty and win.session.undo_stack.count() == 0  # not an edit of the window's
    on_disk = ident(webshop_prr)
    prr("risk", "accept", webshop_prr, RISK, "--reason", "accepted by the CLI", "--by", "cli-lead")
    prr("milestone", "add", webshop_prr, "from-cli")
    qtbot.waitUntil(lambda: "from-cli" in {m.name for m in win.session.review.milestones.values()}
                    and win.session.review.risks.get(RISK) is not None, timeout=5000)
    assert win.session.review.risks[RISK].acceptance.by == "cli-lead"
    on_disk = ident(webshop_prr)
    qtbot.wait(800)
    assert ident(webshop_prr) == on_disk  # the file changing is no reason to write it
    # a milestone taken now holds what the CLI wrote
    assert win.session.analysis_copy().answers[k].status == "met"


def test_the_windows_own_saves_are_not_taken_in(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    seen = took(win)
    store, reads = win.session.document.store, []
    read_rows = store.read_rows
    store.read_rows = lambda: reads.append(1) or read_rows()
    k1, k2 = unanswered(win.session.review, 2)
    answer_in_window(win, k1, "met")
    wait_saved(qtbot, win)
    answer_in_window(win, k2, "met")
    wait_saved(qtbot, win)
    on_disk = ident(webshop_prr)
    qtbot.wait(1000)  # the watch saw both saves, and let them be
    assert seen == [] and reads == []  # not even read again
    assert ident(webshop_prr) == on_disk
    assert win.session.undo_stack.count() == 2 and win.session.undo_stack.isClean()
    # and the watch is still on the file that replaced the one it first watched
    (k3,) = unanswered(win.session.review, 1)
    prr("checklist-answer", webshop_prr, k3, "--status", "met")
    qtbot.waitUntil(lambda: k3 in win.session.review.answers, timeout=5000)
    assert seen == [(1, False)]


def test_a_window_with_unsaved_edits_gets_both(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    k1, k2 = unanswered(win.session.review, 2)
    answer_in_window(win, k1, "met")
    win.session._timer.stop()  # its autosave not due yet (put off while an analysis runs, say)
    assert win.session.dirty
    prr("checklist-answer", webshop_prr, k2, "--status", "not_met", "--by", "ci")
    qtbot.waitUntil(lambda: k2 in win.session.review.answers, timeout=5000)
    wait_saved(qtbot, win)
    assert win.session.review.answers[k1].status == "met"
    assert win.session.review.answers[k2].status == "not_met"
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[k1].status == "met" and on_disk.answers[k2].status == "not_met"
    assert win.save_label.text() == "All changes saved"
    assert win.statusBar().currentMessage().startswith("Saved, with 1 change another program saved")


def test_closing_a_watched_window(qtbot, win, webshop_prr):
    open_window(qtbot, win, webshop_prr)
    assert win.session._watcher.files()
    (k,) = unanswered(win.session.review, 1)
    prr("checklist-answer", webshop_prr, k, "--status", "met")
    win.close()  # the watch's look may still be due: closing stops it
    assert win.session._watcher.files() == [] and win.session._watcher.directories() == []
    qtbot.wait(600)
    assert read_while_open(webshop_prr).answers[k].status == "met"


def test_an_untitled_review_is_not_watched(qtbot, win, webshop):
    win.session.new(webshop)
    win.session.push("Accept", edits.accept_risk(win.session.review, RISK, "me", "why"))
    win.session.flush()  # its recovery file: the app's own
    assert win.session._watcher.files() == [] and win.session._watcher.directories() == []


def test_another_review_saved_over_the_file_is_not_taken_in(qtbot, win, webshop_prr):
    """``prr import -o FILE --force`` of another system: the window keeps its review (its next save
    says so), it does not silently turn into the other one."""
    from tests.conftest import EXAMPLES

    open_window(qtbot, win, webshop_prr)
    seen = took(win)
    name = win.session.review.meta.system_name
    prr("import", EXAMPLES / "platform.json", "-o", webshop_prr, "--force")
    qtbot.wait(1200)
    assert seen == [] and win.session.review.meta.system_name == name
    assert "cart-svc" in win.session.review.components
