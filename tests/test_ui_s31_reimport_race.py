"""Round 31: a re-import runs on a worker while the window stays usable; what the user does meanwhile
must neither receive it in another review nor be overwritten by it. Driven through the real window.

* another review opened (or File > New) before it ended got its changes: the web shop took sock-shop's
  import record and a ``carts`` component, autosaved, and the file no longer validated;
* an edit of an element the import also changed (an owner set in the inspector) was replaced whole by
  the import's version of the element;
* text typed in an inspector field and the element deleted (Edit > Delete) before leaving the field:
  the text was lost, even after Edit > Undo.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from prr_app.cli.main import main as prr
from prr_app.review.edits import delete, set_fields
from prr_app.ui import main_window as mw
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

SOCK = Path("/work/shared/realdata/sock-shop")
needs_sock = pytest.mark.skipif(not SOCK.is_dir(), reason="the sock-shop checkout is not here")


@pytest.fixture
def reports(monkeypatch):
    """The import reports the window shows (headlines), recorded instead of opened."""
    shown = []
    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, p, title, head, lines: shown.append(head)))
    return shown


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes recorded instead of shown (nothing modal blocks the test)."""
    shown = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, kind=kind, **k: shown.append((kind, title, text))
            or QMessageBox.StandardButton.Ok))
    return shown


@pytest.fixture
def sock(tmp_path):
    """sock-shop imported into a .prr, then its checkout changed (carts: 1 replica -> 3), so a
    re-import changes the carts component."""
    src = tmp_path / "sock"
    shutil.copytree(SOCK, src)
    ss = tmp_path / "sock-shop.prr"
    assert prr(["import", str(src), "-o", str(ss)]) == 0
    y = src / "complete-demo.yaml"
    y.write_text(y.read_text().replace("  replicas: 1", "  replicas: 3", 1))
    return src, ss


def start_reimport(qtbot, win, src, ss):
    assert win.open_path(str(ss))
    wait_analysis(qtbot, win)
    assert win.session.review.components["carts"].replicas == 1
    return win.import_paths([str(src)], into=True)  # File > Import..., "into the open review"


def wait_task(qtbot, task):
    qtbot.waitUntil(lambda: not task.running, timeout=60000)
    qtbot.wait(50)  # its result delivered on the event loop


# ------------------------------------------------------------ 1: another review took the window
@needs_sock
def test_a_reimport_is_not_applied_to_the_review_opened_while_it_ran(qtbot, win, sock, webshop_prr, reports,
                                                                     boxes, capsys):
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    assert win.open_path(str(webshop_prr))  # File > Open the web shop before it ends
    before = set(win.session.review.components)
    wait_task(qtbot, task)
    wait_analysis(qtbot, win)
    r = win.session.review
    assert set(r.components) == before and "carts" not in r.components and not r.imports
    assert not reports  # no report whose decisions would go to the web shop
    assert win.session.undo_stack.count() == 0
    kind, title, text = boxes[-1]
    assert title == "Re-import not applied" and "into sock-shop.prr was not applied" in text
    assert "Nothing was changed in either review" in text
    assert "sock-shop.prr" in win.statusBar().currentMessage()
    win.session.save_now()
    win.close()
    capsys.readouterr()
    assert prr(["validate", str(webshop_prr)]) == 0
    # and sock-shop's own file is as it was (nothing applied there behind the user's back)
    assert prr(["export", str(ss), "--format", "json", "-o", str(ss.with_suffix(".json"))]) == 0
    assert '"replicas": 3' not in ss.with_suffix(".json").read_text()


@needs_sock
def test_a_reimport_is_not_applied_to_a_new_review_made_while_it_ran(qtbot, win, sock, reports, boxes):
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    win.new_review()  # File > New before it ends
    wait_task(qtbot, task)
    r = win.session.review
    assert not r.components and not r.imports and not r.proposals
    assert not reports and boxes
    kind, title, text = boxes[-1]
    assert title == "Re-import not applied" and "into sock-shop.prr was not applied" in text
    assert "another review took its place in the window before it ended" in text


# ------------------------------------------------------------ 2: edits made while it ran are kept
@needs_sock
def test_an_owner_set_while_the_reimport_ran_is_kept_and_the_import_still_applies(qtbot, win, sock, reports):
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    # meanwhile the reviewer sets carts' owner (the inspector's Owner field makes this edit)
    win.edit("Set owner of carts", set_fields, "components", "carts", owner="team-carts")
    wait_task(qtbot, task)
    c = win.session.review.components["carts"]
    assert c.owner == "team-carts" and c.replicas == 3  # both: the hand edit and the import's change
    assert "component carts: your owner kept" in reports[0]
    assert win.session.undo_stack.undoText().startswith("Re-import")
    win.undo()  # the re-import taken back: the owner edit stays
    c = win.session.review.components["carts"]
    assert c.owner == "team-carts" and c.replicas == 1


@needs_sock
def test_a_field_both_changed_keeps_the_reviewers_value_and_says_so(qtbot, win, sock, reports):
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    win.edit("Set replicas of carts", set_fields, "components", "carts", replicas=5)
    wait_task(qtbot, task)
    assert win.session.review.components["carts"].replicas == 5
    assert "component carts: your replicas kept (the import's replicas not taken)" in reports[0]


@needs_sock
def test_an_element_deleted_while_the_reimport_ran_stays_deleted(qtbot, win, sock, reports):
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    win.edit("Delete carts", delete, ["carts"])
    wait_task(qtbot, task)
    r = win.session.review
    assert "carts" not in r.components
    assert not any("carts" in (d.source, d.target) for d in r.dependencies.values())
    assert "component carts: deleted while the import ran, stays deleted" in reports[0]
    from prr_app.model.validation import validate
    assert not validate(r)


# ------------------------------------------------------------ 3: typing, then Edit > Delete
def test_text_typed_in_a_field_survives_deleting_the_element_and_comes_back_with_undo(qtbot, win, webshop_prr):
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    dep = next(d.id for d in win.session.review.dependencies.values()
               if (d.source, d.target) == ("cart-svc", "cart-db"))
    win.scene.select_ids([dep])
    assert win.inspector.key == dep
    qtbot.wait(10)
    editor = win.inspector.editors["fallback"]
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=3000)
    QTest.keyClicks(editor, "serve the cart from the session")  # typed, the field not left
    win.a_delete.trigger()  # Edit > Delete
    assert dep not in win.session.review.dependencies
    win.undo()
    assert win.session.review.dependencies[dep].fallback == "serve the cart from the session"


@needs_sock
def test_a_reimport_that_would_break_the_review_with_edits_made_meanwhile_is_refused(qtbot, win, sock, reports,
                                                                                     boxes, monkeypatch):
    """The import adds a group of carts while the reviewer deletes carts: merged, the group would name
    a component that is gone. Nothing is applied, and the dialog says why (never a broken review)."""
    from prr_app.model.entities import RedundancyGroup
    from prr_app.review import importing

    real = importing.import_review

    def grouping(*a, **k):
        res = real(*a, **k)
        res.review.groups["carts-pool"] = RedundancyGroup("carts-pool", "carts pool", ["carts", "orders"])
        return res

    monkeypatch.setattr(importing, "import_review", grouping)
    src, ss = sock
    task = start_reimport(qtbot, win, src, ss)
    win.edit("Delete carts", delete, ["carts"])
    steps = win.session.undo_stack.count()
    wait_task(qtbot, task)
    r = win.session.review
    assert "carts" not in r.components and "carts-pool" not in r.groups
    assert win.session.undo_stack.count() == steps and not reports
    kind, title, text = boxes[-1]
    assert (kind, title) == ("warning", "Re-import not applied") and "carts" in text and "Nothing was changed" in text
    from prr_app.model.validation import validate
    assert not validate(r)
