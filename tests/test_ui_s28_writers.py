"""Two writers on one open ``.prr`` (session 28): the app and the real ``prr``.

* Undoing an Accept after the command line planned a mitigation for that risk: the undo would
  remove the risk's record the mitigation names. Taken into the window, the undo is refused up
  front and says what to do instead (Reopen); met as a save conflict (the window had not seen the
  write yet, or the undo came another way), "Take the File's" keeps the file's version and shows
  it, and "Keep Mine" is refused naming the mitigation: never dropped without a word.
* Another review saved over the open file (``prr import -o FILE --force`` of another system):
  the window says so once, stops writing there, and closing asks one question (save what the
  window holds elsewhere, discard it, or stay), never "Could not save" again and again.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from prr_app.review import edits
from tests.conftest import EXAMPLES
from tests.test_ui_s27_writers import RISK, answer_in_window, open_window, prr, unanswered, wait_saved
from tests.ui_driver import DialogAnswer, press, read_while_open

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]
TITLE = "cli fix for identity"
MIT = "mit-cli-fix-for-identity"


def accept_then_cli_mitigates(qtbot, win, path, *, wait_shown=True):
    open_window(qtbot, win, path)
    win.session.push("Accept", edits.accept_risk(win.session.review, RISK, "app-lead", "app reason"))
    wait_saved(qtbot, win)
    prr("risk", "mitigate", path, RISK, "--title", TITLE, "--owner", "bob")
    if wait_shown:  # the file watch takes the CLI's write in
        qtbot.waitUntil(lambda: MIT in win.session.review.mitigations, timeout=5000)


def answer_box(qtbot, title, button):
    """Answer the next message box titled ``title`` with ``button``; a dict that gets its text."""
    seen = {}

    def fill(box):
        seen["text"] = box.text()
        press(box, button)

    return DialogAnswer(fill, QMessageBox, title=title), seen


def test_undo_of_an_accept_the_cli_mitigated_is_refused_up_front(qtbot, win, webshop_prr):
    accept_then_cli_mitigates(qtbot, win, webshop_prr)
    a, seen = answer_box(qtbot, "Cannot undo", "OK")
    win.a_undo.trigger()  # Edit > Undo, as the user does
    a.check()
    assert f"risk {RISK}: still named by mitigation {MIT} ('{TITLE}')" in seen["text"]
    assert "Nothing was changed" in seen["text"] and "Reopen" in seen["text"]
    r = win.session.review
    assert r.risks[RISK].acceptance.by == "app-lead" and r.mitigations[MIT].risks == [RISK]
    assert win.session.undo_stack.index() == 1 and not win.session.dirty  # not undone, nothing to save
    # what the message says to do instead: Reopen takes the acceptance back, the mitigation stays
    win.session.push("Reopen", edits.reopen_risk(win.session.review, RISK))
    wait_saved(qtbot, win)
    on_disk = read_while_open(webshop_prr)
    assert on_disk.risks[RISK].acceptance is None and on_disk.mitigations[MIT].risks == [RISK]
    assert win.save_label.text() == "All changes saved"


def test_an_undo_the_file_cannot_take_can_take_the_files_version(qtbot, win, webshop_prr):
    """The same undo reaching the stack another way: the save conflict it meets can be resolved."""
    accept_then_cli_mitigates(qtbot, win, webshop_prr)
    a, seen = answer_box(qtbot, "Not saved", "Take the File")
    win.session.undo_stack.undo()
    qtbot.waitUntil(lambda: a.dialog is not None or a.error is not None, timeout=10000)
    a.check()
    wait_saved(qtbot, win)
    assert f"risk {RISK}: deleted here, but the file's mitigation {MIT}" in seen["text"]
    on_disk = read_while_open(webshop_prr)
    assert on_disk.risks[RISK].acceptance.by == "app-lead" and on_disk.mitigations[MIT].risks == [RISK]
    shown = win.session.review
    assert shown.risks[RISK].acceptance.by == "app-lead" and shown.mitigations[MIT].risks == [RISK]
    assert win.session.conflict is None and win.save_label.text() == "All changes saved"


def test_before_the_window_saw_the_mitigation_keep_mine_is_refused_and_take_the_file_works(
        qtbot, win, webshop_prr, monkeypatch):
    from prr_app.persistence.store import SaveConflict
    from prr_app.ui import main_window as mw

    accept_then_cli_mitigates(qtbot, win, webshop_prr, wait_shown=False)
    assert MIT not in win.session.review.mitigations  # the watch has not looked yet
    win.session.undo_stack.undo()  # nothing in the window names the risk: undone here
    assert RISK not in win.session.review.risks
    with pytest.raises(SaveConflict) as conflict:
        win.session.flush()
    errors = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, e, *a: errors.append(str(e)))
    a, seen = answer_box(qtbot, "Not saved", "Keep Mine")
    assert not win.resolve_conflict(conflict.value)
    a.check()
    assert f"risk {RISK}: deleted here, but the file's mitigation {MIT} ('{TITLE}') still names it" in seen["text"]
    assert f"mitigation {MIT} of risk {RISK}: added in the file" in seen["text"]
    assert len(errors) == 1
    assert f"risk {RISK} is deleted here, but the file's mitigation {MIT} ('{TITLE}') still names it" in errors[0]
    assert "Take the file's version" in errors[0] and "Save As" in errors[0]
    on_disk = read_while_open(webshop_prr)  # nothing written, nothing of the CLI's dropped
    assert on_disk.risks[RISK].acceptance.by == "app-lead" and on_disk.mitigations[MIT].risks == [RISK]
    assert "NOT SAVED" in win.save_label.text()
    # File > Save asks again: the file's version
    a, _seen = answer_box(qtbot, "Not saved", "Take the File")
    assert win.save()
    a.check()
    shown = win.session.review
    assert shown.risks[RISK].acceptance.by == "app-lead" and shown.mitigations[MIT].risks == [RISK]
    assert read_while_open(webshop_prr).mitigations[MIT].risks == [RISK]
    assert win.save_label.text() == "All changes saved"


# ------------------------------------------------------------------ another review over the file
def message_boxes():
    """Every message box shown from now on: (title, text); each answered with its default button."""
    seen = []

    def poll():
        w = QApplication.activeModalWidget()
        if isinstance(w, QMessageBox) and w.isVisible():
            seen.append((w.windowTitle(), w.text()))
            w.accept()

    t = QTimer()
    t.timeout.connect(poll)
    t.start(30)
    return seen, t


def keep_unsaved(monkeypatch, answer):
    from prr_app.ui import main_window as mw

    asked = []
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(
        lambda cls, parent, title, unwritable=False: asked.append((title, unwritable)) or answer))
    return asked


PLATFORM = "another program saved another review over this file (Parcelnet logistics platform, 64 components)"


def test_another_review_over_the_file_is_said_once_and_closing_asks_once(qtbot, win, webshop_prr, monkeypatch):
    open_window(qtbot, win, webshop_prr)
    k1, k2 = unanswered(win.session.review, 2)
    answer_in_window(win, k1, "met")
    win.session._timer.stop()  # not written yet when the other review lands
    seen, _t = message_boxes()
    prr("import", EXAMPLES / "platform.json", "-o", webshop_prr, "--force")
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    answer_in_window(win, k2, "met")  # a later edit: not written there, not said again
    qtbot.wait(1500)
    assert [t for t, _ in seen] == ["Not saved: another review is in the file"]
    assert PLATFORM in seen[0][1] and "File > Save As" in seen[0][1]
    assert win.save_label.text() == "NOT SAVED: another review was saved over the file (File > Save As)"
    assert win.session.dirty  # the edits kept in the window
    asked = keep_unsaved(monkeypatch, "discard")
    assert win.close()
    qtbot.wait(300)
    assert asked == [("webshop.prr", PLATFORM)]
    assert len(seen) == 1  # no "Could not save", on closing nor after
    on_disk = read_while_open(webshop_prr)
    assert on_disk.meta.system_name == "Parcelnet logistics platform"  # the other review, untouched


def test_closing_at_once_after_another_review_landed_offers_save_as(qtbot, win, webshop_prr, tmp_path,
                                                                     monkeypatch):
    from prr_app.ui import main_window as mw

    open_window(qtbot, win, webshop_prr)
    (k,) = unanswered(win.session.review, 1)
    answer_in_window(win, k, "met")
    wait_saved(qtbot, win)  # all saved: the review is in the file, until another program replaces it
    seen, _t = message_boxes()
    prr("import", EXAMPLES / "platform.json", "-o", webshop_prr, "--force")
    asked = keep_unsaved(monkeypatch, "save")
    target = tmp_path / "rescued.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a, **k: str(target)))
    assert win.close()  # before the file watch looked: closing finds it
    qtbot.wait(300)
    assert asked == [("webshop.prr", PLATFORM)] and seen == []
    kept = read_while_open(target)
    assert kept.answers[k].status == "met" and "cart-svc" in kept.components
    assert read_while_open(webshop_prr).meta.system_name == "Parcelnet logistics platform"


def test_file_save_over_another_review_says_why_once(qtbot, win, webshop_prr, monkeypatch):
    from prr_app.ui import main_window as mw

    open_window(qtbot, win, webshop_prr)
    prr("import", EXAMPLES / "platform.json", "-o", webshop_prr, "--force")
    errors = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, e, *a: errors.append((title, str(e))))
    assert win.save() is False  # never "Saved": the window's review is not in the file
    assert errors == [("Could not save", f"{webshop_prr}: not saved: {PLATFORM}")]
    keep_unsaved(monkeypatch, "discard")
