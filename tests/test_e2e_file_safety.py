"""The app never loses a reviewer's work to the file: Save As rescues edits a file can no longer
take, another program's deletion or review saved over the file is caught, another program's changes
are shown after a save, a read-only file stays unwritten, and two writers answering different items
do not conflict. The other writer is the real ``prr`` command (a separate process)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.persistence.store import SaveConflict, create_store
from prr_app.review import edits
from prr_app.review.document import load_review
from PySide6.QtWidgets import QMessageBox

from tests.ui_driver import DialogAnswer, press, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


def prr(*args, rc: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == rc, proc.stderr
    return proc


def script(code: str, path: Path) -> None:
    """Another program using the library on the file (as a script would)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr


def open_and_edit(qtbot, win, path: Path, name: str = "Cart service (rescued)") -> None:
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    win.session.push("Rename", edits.set_fields(win.session.review, "components", "cart-svc", name=name))
    win.session._timer.stop()  # the edit is pending, as in the quarter second before the autosave
    assert win.session.dirty


@pytest.fixture
def errors(monkeypatch):
    from prr_app.ui import main_window as mw

    seen: list[str] = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, e, *a: seen.append(str(e)))
    return seen


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_save_as_rescues_the_work_a_file_can_no_longer_take(qtbot, win, webshop_prr, tmp_path, errors, monkeypatch,
                                                            how):
    from prr_app.ui import main_window as mw

    open_and_edit(qtbot, win, webshop_prr)
    if how == "deleted":
        webshop_prr.unlink()
    else:
        webshop_prr.rename(tmp_path / "elsewhere.prr")
    assert win.save() is False and "gone" in errors[-1]
    assert win.save_label.text() == "NOT SAVED"
    # closing now offers to save the edits elsewhere, and Cancel keeps the window
    asked = []
    monkeypatch.setattr(mw.Ask, "keep_unsaved",
                        classmethod(lambda cls, parent, title, unwritable=False: asked.append(unwritable) or "cancel"))
    assert win.close() is False and asked == [True] and win.isVisible()
    target = tmp_path / "rescued.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a, **k: str(target)))
    assert win.save_as() is True
    assert win.session.path == target
    assert read_while_open(target).components["cart-svc"].name == "Cart service (rescued)"
    assert win.save_label.text() == "All changes saved"
    # a copy works too, and the window then closes without asking
    copy = tmp_path / "copy.prr"
    win.session.save_copy(copy)
    assert load_review(copy).components["cart-svc"].name == "Cart service (rescued)"
    asked.clear()
    assert win.close() is True and asked == []


def test_deleting_what_another_program_now_uses_is_a_conflict(qtbot, win, webshop_prr, errors, monkeypatch):
    """The window deletes search-svc; meanwhile another program adds a call to it. The save must ask
    (a conflict), not fail on the file's links with no way out."""
    from prr_app.ui import main_window as mw

    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.session.push("Delete", edits.delete(win.session.review, ["search-svc"]))
    win.session._timer.stop()
    script("import sys; from prr_app.review import edits; from prr_app.review.document import edit_review; "
           "edit_review(sys.argv[1], lambda r: edits.apply_changes(r, edits.add_dependency(r, 'cart-svc', "
           "'search-svc')))", webshop_prr)
    with pytest.raises(SaveConflict) as e:
        win.session.flush()
    assert ("dependency", ("cart-svc", "search-svc")) in e.value.conflicts
    on_disk = read_while_open(webshop_prr)
    assert "search-svc" in on_disk.components and "cart-svc->search-svc" in on_disk.dependencies  # nothing written
    # closing asks; Save As keeps the window's version in a file of its own
    target = webshop_prr.with_name("mine.prr")
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a, **k: str(target)))
    a = DialogAnswer(lambda box: press(box, "Save As"), QMessageBox, title="Not saved")
    assert win.close()
    a.check()
    assert "search-svc" not in load_review(target).components
    assert "cart-svc->search-svc" in load_review(webshop_prr).dependencies  # the other program's work kept


def discard_on_close(monkeypatch) -> None:
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, unwritable=False: "discard"))


def test_another_review_saved_over_the_file_is_refused(qtbot, win, webshop_prr, tmp_path, errors, monkeypatch):
    discard_on_close(monkeypatch)
    open_and_edit(qtbot, win, webshop_prr)
    prr("import", EXAMPLES / "platform.json", "-o", webshop_prr, "--force")
    with pytest.raises(PrrError, match="another program saved another review over this file"):
        win.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert "cart-svc" not in on_disk.components  # the platform review, untouched
    assert on_disk.meta.system_name == load_review(EXAMPLES / "platform.json").meta.system_name


def test_another_programs_changes_are_shown_after_a_save(qtbot, win, webshop_prr, tmp_path):
    open_and_edit(qtbot, win, webshop_prr)
    from prr_app.checklist import evaluate

    key = next(it.key for it in evaluate(win.session.review).items if it.key not in win.session.review.answers)
    prr("checklist-answer", webshop_prr, key, "--status", "partly", "--by", "cli")
    prr("milestone", "add", webshop_prr, "design-review")
    win.session.flush()
    r = win.session.review
    assert r.answers[key].status == "partly"  # the other program's answer, shown here
    assert "design-review" in r.milestones
    assert r.components["cart-svc"].name == "Cart service (rescued)"  # and the window's own edit
    assert "another program saved" in win.statusBar().currentMessage()
    out = tmp_path / "export.json"  # File > Export holds them too
    from prr_app.review.exports import export

    export(win.session.review, "json", out)
    exported = load_review(out)
    assert exported.answers[key].status == "partly" and "design-review" in exported.milestones
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[key].status == "partly" and "design-review" in on_disk.milestones
    assert on_disk.components["cart-svc"].name == "Cart service (rescued)"


def test_a_file_marked_read_only_is_never_written_even_by_root(qtbot, win, webshop_prr, errors, monkeypatch):
    discard_on_close(monkeypatch)
    open_and_edit(qtbot, win, webshop_prr)
    before = webshop_prr.read_bytes()
    os.chmod(webshop_prr, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        with pytest.raises(PrrError, match="read-only"):
            win.session.flush()
        key = next(iter(read_while_open(webshop_prr).answers))
        out = prr("checklist-answer", webshop_prr, key, "--status", "met", rc=2)
        assert "read-only" in out.stderr and "Traceback" not in out.stderr
        assert webshop_prr.read_bytes() == before
    finally:
        os.chmod(webshop_prr, 0o644)


def test_two_writers_answering_different_first_items_do_not_conflict(qtbot, win, tmp_path):
    """On a review nobody has answered yet, both writers' first answers name the checklist template
    (the same one): that is no conflict."""
    from prr_app.checklist import evaluate

    review = load_review(EXAMPLES / "webshop.json")
    review.answers.clear()
    review.meta.checklist_template = review.meta.checklist_version = None
    path = tmp_path / "fresh.prr"
    create_store(path, review).close()
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    k1, k2 = [it.key for it in evaluate(win.session.review).items if not it.subject][:2]
    from prr_app.ui.views import set_answer_command

    assert set_answer_command(win.session, k1, None, status="met") is True
    win.session._timer.stop()
    prr("checklist-answer", path, k2, "--status", "partly", "--by", "cli")
    win.session.flush()  # no SaveConflict
    on_disk = read_while_open(path)
    assert on_disk.answers[k1].status == "met" and on_disk.answers[k2].status == "partly"
