"""The team repository in the app, end to end against a throwaway real PostgreSQL, through the
real window: another reviewer's commit taken in without a pull and undone with Ctrl+Z (the undo
pushed as a change); explicit saves on a worker with the window turning its event loop and nothing
said saved before it is; the server stopped during a save; a conflict met by a background save;
a local copy left offline offered back at the next start (synced, saved as .prr, or discarded)."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg_server  # noqa: E402
from test_teamrepo import _example, _login, _need_server, pg, repo, repo_url  # noqa: E402,F401
from test_ui_repository import WAIT_MS, edit, own_server, shop, window  # noqa: E402,F401

from prr_app.review import edits  # noqa: E402

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _other_writer(url: str, change):
    """Another reviewer's commit, on a connection of its own (as another process would)."""
    from prr_app.teamrepo.repository import Repository

    with Repository(url) as other:
        p = other.pull("shop")
        change(p.review)
        return other.push(p.review, name="shop", base=p.version).version


def test_another_reviewers_commit_is_one_undoable_command_and_ctrl_z_pushes_the_undo(qtbot, monkeypatch, pg, shop):
    from PySide6.QtCore import Qt
    from sqlalchemy.engine import make_url

    from prr_app.teamrepo.repository import Repository

    db = make_url(shop.url).database
    bob = _login(pg, db, f"{db}_bob", "reviewer")
    w = window(qtbot, monkeypatch, url=shop.url)
    assert w.repository.open("shop")
    w.show()
    pulls = []
    real_pull = Repository.pull
    windows = w.repository.document.doc.repo  # the window's connection (the other writer has its own)
    monkeypatch.setattr(Repository, "pull",
                        lambda self, name: (pulls.append(name) if self is windows else None) or real_pull(self, name))

    def bobs_change(review):
        review.components["cart-db"].owner = "bob's team"
        edits.apply_changes(review, edits.add_component(review, "fraud-svc", edits.Position(40.0, 40.0)))

    assert _other_writer(bob, bobs_change) == 2
    qtbot.waitUntil(lambda: "fraud-svc" in w.session.review.components, timeout=WAIT_MS)
    # what the user sees: the component on the canvas, the owner, the Undo action named for bob
    assert w.session.review.components["cart-db"].owner == "bob's team"
    qtbot.waitUntil(lambda: "fraud-svc" in w.scene.nodes, timeout=WAIT_MS)
    assert f"by {db}_bob" in w.a_undo.text() and "version 2" in w.a_undo.text()
    assert "version 2" in w.repository.label.text()
    assert pulls == []  # only the changed elements were read, not the review
    assert not w.session.dirty and shop.pull("shop").version == 2  # taking it in pushes nothing
    # Ctrl+Z takes bob's change back here, and the save after pushes that as a change
    w.activateWindow()
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "fraud-svc" not in w.session.review.components
    assert w.session.review.components["cart-db"].owner != "bob's team"
    w.session.flush()
    now = shop.pull("shop")
    assert now.version == 3 and "fraud-svc" not in now.review.components
    assert now.review.components["cart-db"].owner == _example().components["cart-db"].owner
    assert [h.by for h in shop.history("shop") if h.version == 3] and \
        {h.by for h in shop.history("shop") if h.version == 3} == {"prr_admin"}
    # and redo brings bob's change back, pushed again
    assert w.a_redo.isEnabled() and "by" in w.a_redo.text()
    w.a_redo.trigger()
    assert "fraud-svc" in w.session.review.components
    w.session.flush()
    assert "fraud-svc" in shop.pull("shop").review.components
    w.close()


def test_an_explicit_save_pushes_on_a_worker_while_the_window_turns_its_event_loop(qtbot, monkeypatch, shop):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    from prr_app.teamrepo.repository import Repository

    w = window(qtbot, monkeypatch, url=shop.url)
    assert w.repository.open("shop")
    seen = {}
    gui_ran = threading.Event()
    real_push = Repository.push

    def during_the_push():  # on the GUI thread, while the push waits for it
        seen["labels"] = [d.labelText() for d in w.findChildren(QProgressDialog)]
        seen["saved_label"] = w.save_label.text()
        seen["dirty"] = w.session.dirty
        gui_ran.set()

    def push(self, review, **kw):
        seen["thread"] = threading.current_thread() is threading.main_thread()
        if not gui_ran.wait(30):  # only the GUI thread's event loop can set it
            raise AssertionError("the GUI thread did not turn its event loop during the push")
        return real_push(self, review, **kw)

    monkeypatch.setattr(Repository, "push", push)
    w.push("Edit", edits.set_fields(w.session.review, "components", "cart-db", owner="saved-explicitly"))
    QTimer.singleShot(50, during_the_push)
    assert w.save()  # File > Save
    assert seen["thread"] is False
    assert any("Saving repo:shop" in t for t in seen["labels"])  # the progress dialog
    assert seen["dirty"] and seen["saved_label"] != "All changes saved"  # nothing said saved before it is
    assert shop.pull("shop").review.components["cart-db"].owner == "saved-explicitly"
    assert w.save_label.text() == "All changes saved" and not w.session.dirty
    w.close()


def test_the_server_stopped_during_an_explicit_save_keeps_the_edits_and_says_so(qtbot, monkeypatch, own_server):
    from prr_app.review.document import load_review
    from prr_app.teamrepo.repository import Repository

    server, url = own_server
    w = window(qtbot, monkeypatch, url=url)
    assert w.repository.open("shop")
    real_push = Repository.push

    def push(self, review, **kw):  # the server goes away while the save is on its way
        server.kill()
        return real_push(self, review, **kw)

    monkeypatch.setattr(Repository, "push", push)
    w.push("Edit", edits.set_fields(w.session.review, "components", "cart-db", owner="during-the-save"))
    assert w.save()
    monkeypatch.setattr(Repository, "push", real_push)
    assert w.save_label.text() == "Saved to a local copy only: not in the repository yet"
    qtbot.waitUntil(lambda: "Not in the repository" in w.statusBar().currentMessage(), timeout=WAIT_MS)
    assert "unreachable" in w.statusBar().currentMessage()
    assert "unreachable" in w.repository.label.text() and not w.repository.notices
    local = w.repository.document.local
    assert load_review(local).components["cart-db"].owner == "during-the-save"
    server.restart()
    pg_server.wait_until_ready(server)
    qtbot.waitUntil(lambda: "Back online" in w.repository.label.text(), timeout=WAIT_MS * 3)
    with Repository(url) as repo:
        assert repo.pull("shop").review.components["cart-db"].owner == "during-the-save"
    assert not local.exists()  # everything is in the repository: the local copy went
    qtbot.waitUntil(lambda: w.save_label.text() == "All changes saved", timeout=WAIT_MS)
    w.close()


def test_a_conflict_met_by_a_background_save_is_not_called_saved(qtbot, monkeypatch, shop):
    from prr_app.ui.repository import ConflictPicker

    w = window(qtbot, monkeypatch, url=shop.url)
    assert w.repository.open("shop")
    w.repository._stop_listening()  # it does not hear the other commit before its own save
    _other_writer(shop.url, lambda r: setattr(r.components["cart-db"], "owner", "theirs"))
    asked = {}

    def pick(conflicts):  # the real picker, as the user sees it
        d = ConflictPicker(w, conflicts)
        asked["conflicts"] = [(c.field, c.mine, c.theirs) for c in conflicts]
        asked["saved_label"] = w.save_label.text()
        asked["in_db"] = shop.pull("shop").review.components["cart-db"].owner
        d.choose(0, "mine")
        return d.pick()

    w.repository.ask_conflicts = pick
    w.push("Edit", edits.set_fields(w.session.review, "components", "cart-db", owner="mine"))
    w.session.autosave()  # the background save
    qtbot.waitUntil(lambda: "conflicts" in asked, timeout=WAIT_MS)
    assert asked["conflicts"] == [("owner", "mine", "theirs")]
    assert asked["saved_label"] == "Saved to a local copy only: not in the repository yet"
    assert asked["in_db"] == "theirs"  # nothing written before the user picked
    qtbot.waitUntil(lambda: shop.pull("shop").review.components["cart-db"].owner == "mine", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.save_label.text() == "All changes saved", timeout=WAIT_MS)
    w.close()


def _left_by_a_dead_app(local: Path) -> Path:
    """The local copy as an app that ended leaves it: named for a process that is gone."""
    import json

    dead = subprocess.Popen(["true"])
    dead.wait()
    stem = local.name.split(".")[0]
    target = local.with_name(f"{stem}.{dead.pid}.prr")
    local.rename(target)
    side = local.with_suffix(".json")
    info = json.loads(side.read_text())
    info["pid"] = dead.pid
    target.with_suffix(".json").write_text(json.dumps(info))
    side.unlink()
    return target


def _leave_offline_copy(qtbot, monkeypatch, server, url, owner: str) -> Path:
    """A window edits repo:shop, the server goes away, the window is closed: the copy stays."""
    w = window(qtbot, monkeypatch, url=url)
    assert w.repository.open("shop")
    server.kill()
    qtbot.waitUntil(lambda: "unreachable" in w.repository.label.text(), timeout=WAIT_MS)
    edit(w, "components", "cart-db", owner=owner)
    local = w.repository.document.local
    w.close()
    qtbot.waitUntil(lambda: w.repository.document is None, timeout=WAIT_MS)
    assert local.exists()
    return _left_by_a_dead_app(local)


def test_a_local_copy_left_offline_is_offered_at_the_next_start_and_synced(qtbot, monkeypatch, own_server):
    from prr_app.teamrepo.repository import Repository
    from prr_app.ui.repository import LocalCopiesDialog, local_copies

    server, url = own_server
    left = _leave_offline_copy(qtbot, monkeypatch, server, url, "left-offline")
    assert [p for p, _ in local_copies()] == [left]
    # the next start: the server is still away. The copy is offered; Open and Sync
    w = window(qtbot, monkeypatch)
    shown = {}

    def choose(d: LocalCopiesDialog):
        qtbot.addWidget(d)
        shown["rows"] = [[d.table.item(r, c).text() for c in range(d.table.columnCount())]
                         for r in range(d.table.rowCount())]
        d.buttons["sync"].click()
        return d.choice

    w.repository.ask_local_copy = choose
    w.repository.offer_local_copies()
    name, where, version, _at = shown["rows"][0]
    assert (name, version) == ("repo:shop", "1") and "appoffline" in where
    assert "repo:shop" in w.windowTitle()
    assert w.session.review.components["cart-db"].owner == "left-offline"
    qtbot.waitUntil(lambda: "unreachable" in w.repository.label.text(), timeout=WAIT_MS)
    assert local_copies() == []  # this app's now: not offered to another start
    server.restart()
    pg_server.wait_until_ready(server)
    qtbot.waitUntil(lambda: "Back online" in w.repository.label.text(), timeout=WAIT_MS * 3)
    with Repository(url) as repo:
        assert repo.pull("shop").review.components["cart-db"].owner == "left-offline"
    assert not list(left.parent.glob("shop.*"))  # in the repository: no local copy left
    w.close()


def test_a_local_copy_is_saved_as_prr_or_discarded_only_when_confirmed(qtbot, monkeypatch, tmp_path, own_server):
    from prr_app.review.document import load_review
    from prr_app.teamrepo.repository import Repository, origin
    from prr_app.ui.repository import local_copies

    server, url = own_server
    left = _leave_offline_copy(qtbot, monkeypatch, server, url, "kept-as-file")
    w = window(qtbot, monkeypatch)

    def click(action):
        def choose(d):
            qtbot.addWidget(d)
            d.select(left)
            d.buttons[action].click()
            return d.choice
        return choose

    # Later: kept
    w.repository.ask_local_copy = lambda d: (qtbot.addWidget(d), d.buttons["later"].click(), None)[2]
    w.repository.offer_local_copies()
    assert left.exists() and "kept" in w.statusBar().currentMessage()
    # Discard, but the user says no: kept
    w.repository.ask_local_copy = click("discard")
    w.repository.confirm = lambda title, text: False
    w.repository.offer_local_copies()
    assert left.exists()
    # Save As .prr: a file that remembers where it came from; the copy goes
    w.repository.ask_local_copy = click("save")
    w.repository.ask_save_path = lambda suggested: str(tmp_path / suggested)
    w.repository.offer_local_copies()
    saved = load_review(tmp_path / "shop.prr")
    assert saved.components["cart-db"].owner == "kept-as-file" and origin(saved) == ("shop", 1)
    assert not left.exists() and local_copies() == []
    # a second one, discarded after the confirmation
    server.restart()
    pg_server.wait_until_ready(server)
    left = _leave_offline_copy(qtbot, monkeypatch, server, url, "thrown-away")
    w.repository.ask_local_copy = click("discard")
    w.repository.confirm = lambda title, text: "lost" in text
    w.repository.offer_local_copies()
    assert not left.exists() and local_copies() == []
    w.close()


def test_the_app_offers_local_copies_at_start_up(monkeypatch):
    """prr-app schedules the offer with the crash recovery's (not with --no-recovery)."""
    from prr_app.ui import app as app_module
    from prr_app.ui.main_window import MainWindow
    from prr_app.ui import repository

    offered = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own: put back after
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(repository.RepoLink, "offer_local_copies", lambda self, **kw: offered.append(self))
    monkeypatch.setattr(MainWindow, "offer_recovery", lambda self, **kw: None)
    monkeypatch.setattr(MainWindow, "show", lambda self: None)
    from PySide6.QtWidgets import QApplication

    def exec_once(self):
        QApplication.processEvents()
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow) and not w._closed:
                w.close()
                w.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_once)
    assert app_module.main([]) == 0
    assert len(offered) == 1
    offered.clear()
    assert app_module.main(["--no-recovery"]) == 0
    assert offered == []


def test_a_push_result_is_taken_in_around_edits_made_while_it_was_on_its_way(qtbot, monkeypatch, shop):
    """What the window does with a push's result when the user edited meanwhile: the others'
    changes come in and the window moves to the new version, keeping the edits made since (to be
    pushed from there); but an element both edited since and changed by others keeps the window
    on the version before (the next push merges the three)."""
    import copy

    from prr_app.teamrepo.repository import mark_origin

    w = window(qtbot, monkeypatch, url=shop.url)
    assert w.repository.open("shop")
    link = w.repository
    link._stop_listening()  # the results are handed to it below, as a push reports them
    assert link.window_version() == 1
    _other_writer(shop.url, lambda r: setattr(r.components["cart-db"], "owner", "them"))  # version 2

    def result_of(pushed, **owners):  # the repository's review after the push: others' changes merged in
        out = copy.deepcopy(pushed)
        for cid, owner in owners.items():
            out.components[cid].owner = owner
        mark_origin(out, "shop", 2, "here")
        return out

    # edited since: catalog-db; others changed cart-db
    pushed = w.session.analysis_copy()
    w.push("Mine", edits.set_fields(w.session.review, "components", "catalog-db", owner="me"))
    link.merged(pushed, result_of(pushed, **{"cart-db": "them"}), ["bob"])
    assert w.session.review.components["cart-db"].owner == "them"
    assert w.session.review.components["catalog-db"].owner == "me"
    assert link.window_version() == 2 and "by bob" in w.a_undo.text()
    # edited since: cart-db, which others changed too: nothing taken in, still on version 2
    pushed = w.session.analysis_copy()
    w.push("Mine again", edits.set_fields(w.session.review, "components", "cart-db", owner="me too"))
    link.merged(pushed, result_of(pushed, **{"cart-db": "them again", "catalog-db": "them"}), ["bob"])
    assert w.session.review.components["cart-db"].owner == "me too"
    assert w.session.review.components["catalog-db"].owner == "me"
    assert link.window_version() == 2
    w.session.flush()  # pushed from version 2: the edits made here win where only they changed
    final = shop.pull("shop").review.components
    assert (final["cart-db"].owner, final["catalog-db"].owner) == ("me too", "me")
    w.close()


def test_a_save_the_database_refuses_is_said_and_the_window_still_closes_keeping_the_copy(qtbot, monkeypatch, pg,
                                                                                            repo):
    from sqlalchemy.engine import make_url

    from prr_app.review.document import load_review

    review = _example()
    risk = next(iter(review.risks))
    review.risks[risk].launch_blocking = True
    repo.push(review, name="shop")
    db = make_url(repo.url).database
    w = window(qtbot, monkeypatch, url=_login(pg, db, f"{db}_rita", "reviewer"))
    assert w.repository.open("shop")
    w.push("Accept", edits.accept_risk(w.session.review, risk, "rita", "we can live with it"))
    w.save()  # File > Save
    title, text = w.repository.notices[-1]
    assert title == "Not saved to the repository" and "Only an approver" in text
    assert w.save_label.text() == "Saved to a local copy only: not in the repository yet"
    local = w.repository.document.local
    w.close()
    qtbot.waitUntil(lambda: w.repository.document is None, timeout=WAIT_MS)
    assert not w.isVisible() and local.exists()  # closed, and the refused edit kept for the next start
    assert load_review(local).risks[risk].status == "accepted"
    assert repo.pull("shop").review.risks[risk].status != "accepted"
