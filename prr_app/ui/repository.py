"""The team repository in the app: File > Open from Repository..., Save to Repository, and a
Repository menu (sign-off, portfolio, cross-review what-if). docs/team-repository.md, "In the app".

A review open from the repository is a :class:`LiveRepoDocument` behind the window's
:class:`~prr_app.ui.session.ReviewSession`: each autosave is a push that merges the edits with
what other reviewers committed meanwhile, and the merged review is applied to the open review
in place. A :class:`RepoLink` per window listens for other reviewers' commits (LISTEN/NOTIFY
on a connection of its own, in a worker thread that hands plain tuples to the GUI thread) and
brings them in within a second. The same field changed on both sides opens a
:class:`ConflictPicker`; a server that goes away leaves the window working on a local copy
(a ``.prr`` in the app's data folder, kept current at every autosave) until it returns.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from prr_app.errors import PrrError
from prr_app.model.entities import Review
from prr_app.review.edits import SINGLES, Change, apply_changes
from prr_app.ui.commands import EditCommand
from prr_app.ui.tasks import Task, post, start_pump
from prr_app.wording import enum_words, score_text

log = logging.getLogger(__name__)

#: How often the listener tries the server again while it is away (ms).
RETRY_MS = 1000
#: How often it tries again while the server refuses the credentials (ms): a login that failed
#: is not tried every second (each try is a failed login in the server's log).
REFUSED_RETRY_MS = 30000
#: How often a conflict met by a background save looks whether that save has reported (ms; see _settle).
SETTLE_POLL_MS = 20
#: The window's save label while the edits are only in the local copy.
LOCAL_ONLY = "Saved to a local copy only: not in the repository yet"


# ------------------------------------------------------------------ the document
def local_copy_dir() -> Path:
    from prr_app.ui.session import data_dir

    p = data_dir() / "repository"
    p.mkdir(parents=True, exist_ok=True)
    return p


class LiveRepoDocument:
    """The document behind a window showing ``repo:NAME``: what the session's ``save()``,
    ``store.save(review)`` (an autosave on a worker thread), ``save_copy()`` and ``close()``
    do for a review in the repository.

    A push always runs off the GUI thread: an autosave on the session's worker, a sync or a
    conflict's merge on a task of the link's, and an explicit save (the session's ``flush()``:
    File > Save, closing) on a worker while the window waits with a progress dialog and keeps
    repainting (:func:`~prr_app.ui.tasks.wait_for`). It tells the window what happened through
    :func:`~prr_app.ui.tasks.post` (the GUI thread then takes the others' changes into the open
    review, as one undoable command)."""

    #: a review in the repository keeps no milestones (they stay in .prr files): Take Milestone is off
    keeps_milestones = False

    def __init__(self, link: "RepoLink", doc):
        self.link = link
        self.doc = doc  # prr_app.teamrepo.address.RepoDocument
        self.review = doc.review
        self.pending = False  # edits not in the repository yet (offline, refused or in conflict)
        self.local: Path | None = None  # the local copy, once there is something to keep
        self._lock = threading.Lock()  # one push at a time (an autosave worker, a sync)

    @property
    def store(self) -> "LiveRepoDocument":
        return self  # the session's autosave worker calls ``document.store.save(review)``

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def version(self) -> int:
        return self.doc.version

    @property
    def path(self) -> Path:
        return Path(self.doc.path)

    def save(self, review: Review | None = None, *, pick: dict | None = None, retry: bool = False) -> int:
        """Push ``review`` (default: a copy of the open review) merged with what others committed.
        Offline or in conflict, the edits go to the local copy and the window is told; a
        refusal by the database is raised (with who may do it). Called on the GUI thread (the
        session's flush), the push runs on a worker and this returns when it is done."""
        if review is None:
            review = self.link.session.analysis_copy()
            app = QCoreApplication.instance()
            if app is not None and app.thread() is QThread.currentThread():
                from prr_app.ui.tasks import wait_for

                try:
                    written = wait_for("Saving to the repository", self.push, review, pick, retry, True,
                                       label=f"Saving repo:{self.name} to the repository…", parent=self.link.window)
                except PrrError as e:  # refused: the edits are in the local copy; said, and the window may close
                    if not self.pending:
                        raise
                    self.link.notify_error("Not saved to the repository", e)
                    written = 0
                if self.pending:  # said after the window's own "Saved" message, which it replaces
                    QTimer.singleShot(0, self.link.say_not_in_repository)
                return written
        return self.push(None, review, pick, retry)

    def push(self, _state, review: Review, pick: dict | None = None, retry: bool = False,
             explicit: bool = False) -> int:
        """The push itself, on a worker thread (a task's body: ``_state`` is its TaskState).
        ``explicit``: File > Save (it tries again after the repository refused the credentials)."""
        from prr_app.teamrepo.repository import ConflictError

        emit = functools.partial(post, self.link.sig_event.emit)
        with self._lock:
            if self.link.offline and pick is None and not retry:  # the listener says when it is back
                self.keep_local(review)
                return 0
            if self.link.refused and not explicit and not retry:  # said once; File > Save tries again
                self.keep_local(review)
                return 0
            self.doc.review = review
            try:
                written = self.doc.save(pick=pick)
            except ConflictError as e:
                self.keep_local(review)
                emit("conflict", e)
                return 0
            except PrrError as e:
                self.keep_local(review)
                if getattr(e, "unreachable", False):
                    emit("offline", str(e))
                    return 0
                if getattr(e, "refused", None):  # a login refused: not offline, and not retried every edit
                    self.link.refused = str(e)
                    emit("refused", str(e))
                    return 0
                raise
            self.pending = False
            self.drop_local()
            emit("merged", (review, self.doc.review, list(self.doc.merged_by)))
            for w in self.doc.warnings:
                emit("warning", w)
            return written

    def changes_since(self, _state, version: int):
        """On a worker: the elements others changed since ``version`` (a task's body)."""
        return self.doc.repo.changes_since(self.doc.name, version)

    def keep_local(self, review: Review) -> None:
        """Write ``review`` to the local copy: nothing is lost whatever the server does. Beside it,
        what the next start needs to offer it back: the review's name and the repository's URL
        (never with a password)."""
        from prr_app.review.document import save_review
        from prr_app.teamrepo.connection import parse_url

        self.pending = True
        if self.local is None:
            safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.name)
            self.local = local_copy_dir() / f"{safe}.{os.getpid()}.prr"
        save_review(review, self.local, overwrite=True)
        side = self.local.with_suffix(".json")
        if not side.exists():
            url = parse_url(self.doc.repo.url).set(password=None).render_as_string(hide_password=False)
            side.write_text(json.dumps({"name": self.name, "url": url, "pid": os.getpid()}), encoding="utf-8")

    def drop_local(self) -> None:
        """Everything is in the repository: the local copy goes."""
        if self.local is not None:
            _discard_local(self.local)
            self.local = None

    def save_copy(self, target) -> None:
        """File > Save As / Save a Copy: the open review (its origin included) as a ``.prr``."""
        from prr_app.review.document import save_review

        save_review(self.link.session.review, target, overwrite=True)

    def close(self) -> None:
        self.doc.close()
        self.link.detached(self)
        if not self.pending:
            self.drop_local()


def local_copies() -> list[tuple[Path, dict]]:
    """Local copies left by an app that ended (quit or crashed) before it could put them in the
    repository, newest first: (path, {"name", "url", "version", "at"}). A running app's are not."""
    from prr_app.review.document import load_review
    from prr_app.teamrepo.repository import ORIGIN_ID, origin
    from prr_app.ui.session import _alive

    out = []
    for f in local_copy_dir().glob("*.prr"):
        info: dict = {}
        try:
            info = json.loads(f.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        stem_pid = f.suffixes[-2][1:] if len(f.suffixes) >= 2 else ""
        pid = int(info.get("pid") or (stem_pid if stem_pid.isdigit() else 0))
        if pid == os.getpid() or (pid and _alive(pid)):
            continue  # a running app's (this one's included): not left behind
        try:
            review = load_review(f)
        except PrrError as e:  # kept, never deleted unasked: shown with what is wrong
            info.update(problem=str(e))
            review = None
        came_from = origin(review) if review is not None else None
        if came_from is not None:
            info.setdefault("name", came_from[0])
            info["version"] = came_from[1]
            info.setdefault("url", review.imports[ORIGIN_ID].report.get("repository", ""))
        info.setdefault("name", f.name.split(".")[0])
        info["at"] = f.stat().st_mtime
        out.append((f, info))
    out.sort(key=lambda t: t[1]["at"], reverse=True)
    return out


def _discard_local(path: Path) -> None:
    for p in (Path(path), Path(path).with_suffix(".json")):
        p.unlink(missing_ok=True)


def _push_new(_state, repo, review: Review, name: str):
    """On a worker: put ``review`` in the repository as ``name``, and open it there."""
    from prr_app.teamrepo.address import RepoDocument
    from prr_app.teamrepo.repository import Pulled

    try:
        pushed = repo.push(review, name=name)
    except BaseException:
        repo.close()
        raise
    return RepoDocument(repo, Pulled(pushed.name, pushed.version, pushed.review))


def _edited_since(copy_: Review, current: Review, coll: str, key: str) -> bool:
    """Whether element ``(coll, key)`` of ``current`` was edited since ``copy_`` was taken of it
    (``session.analysis_copy``: commands put fresh element objects in, so an element not edited
    since is the same object)."""
    if coll in SINGLES:
        return getattr(copy_, coll) != getattr(current, coll)
    return getattr(copy_, coll).get(key) is not getattr(current, coll).get(key)


class RemoteChange(EditCommand):
    """Another reviewer's changes taken into the open review: on the undo stack like an edit
    (named for who made them), so Ctrl+Z takes them back here and the next save pushes that.
    Taking them in is not an edit of this window's (nothing to save): only undo and redo are."""

    def __init__(self, session, text: str, changes: list):
        super().__init__(session, text, changes)
        self._taken = False

    def redo(self) -> None:
        if self._taken:
            super().redo()
            return
        self._taken = True
        apply_changes(self.session.review, self.changes)
        self.session.announce(self.changes)  # the canvas redraws only the elements they touched


# ------------------------------------------------------------------ listening, off the GUI thread
class _Listener(threading.Thread):
    """LISTEN on its own connection; calls ``emit(kind, payload)``: ("change", (name, version)),
    ("offline", message), ("online", None). Reconnects every second while the server is away."""

    def __init__(self, url: str, emit):
        super().__init__(name="prr-repo-listener", daemon=True)
        self.url, self.emit = url, emit
        self.stop = threading.Event()

    def run(self) -> None:
        from prr_app.teamrepo.repository import Repository

        online = True
        while not self.stop.is_set():
            try:
                with Repository(self.url) as repo, repo.listen() as listener:
                    if not online:
                        online = True
                        self.emit("online", None)
                    while not self.stop.is_set():
                        for name, version in listener.changes(timeout=0.2):
                            self.emit("change", (name, version))
            except PrrError as e:
                refused = getattr(e, "refused", None)
                if online:
                    online = False
                    self.emit("refused" if refused else "offline", str(e))
                self.stop.wait((REFUSED_RETRY_MS if refused else RETRY_MS) / 1000)
            except Exception as e:  # noqa: BLE001 - never let the thread die silently
                log.exception("repository listener")
                if online:
                    online = False
                    self.emit("offline", str(e))
                self.stop.wait(RETRY_MS / 1000)


class RepoLink(QObject):
    """The window's connection to the repository: opening, saving, live changes, conflicts,
    offline work. ``ask_conflicts`` and ``notify`` are replaced by tests."""

    sig_event = Signal(str, object)  # the listener's and the pushes' reports, emitted in the GUI thread
    sig_state = Signal(str)  # a one-line state for the status bar

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.document: LiveRepoDocument | None = None
        self.url: str | None = None
        self.offline = False
        #: why the repository refused the login (wrong password, unknown user...), until a push or
        #: the listener gets in again; None while it does not
        self.refused: str | None = None
        self._told_refused = False  # the dialog about it was shown (once until it gets in again)
        self._refused_timer = QTimer(self)  # tries the push again now and then while refused
        self._refused_timer.setSingleShot(True)
        self._refused_timer.timeout.connect(self._retry_refused)
        self._back = False  # the server just came back: say so once the edits are in
        self.conflicts = []
        self._listener: _Listener | None = None
        self._task: Task | None = None  # the sync or conflict merge under way
        self._again = False  # another sync wanted once it is done
        self._heard = 0  # the latest version the listener announced
        self._note = ""  # a note for the status bar ("Back online...")
        from PySide6.QtCore import QThreadPool

        self._pool = QThreadPool(self)  # a thread of its own: catching up never waits behind an analysis
        self._pool.setMaxThreadCount(1)
        self.label = QLabel("")
        window.statusBar().addPermanentWidget(self.label)
        self.sig_event.connect(self._on_event)  # emitted on the GUI thread only (tasks.post)
        self.sig_state.connect(self.label.setText)
        for sig in (self.session.sig_saved, self.session.sig_dirty_changed, self.session.sig_review_changed):
            sig.connect(self._say_saved)  # after the window's own label update
        window.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if obj is self.window and event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._after_close)  # the window may still refuse to close
        return False

    def _after_close(self) -> None:
        """A closed window stops listening and lets go of the repository, even when its last save
        failed (the edits are in the local copy then)."""
        doc = self.document
        if doc is not None and not self.window.isVisible():
            self._pool.waitForDone(30000)  # a sync under way ends first (its edits are in the local copy otherwise)
            if self.session.dirty:
                doc.keep_local(self.session.review)
            self.session.document = None
            doc.close()

    # ---------------------------------------------------------- the repository's URL
    def repository_url(self, *, ask: bool = True) -> str | None:
        """The URL last used (never with a password), else ``$PRR_REPO``; asked when ``ask``."""
        from prr_app.teamrepo.connection import ENV_REPO, safe_url
        from prr_app.ui.settings import settings

        url = self.url or os.environ.get(ENV_REPO) or settings().value("repository/url", "")
        if ask:
            url, ok = QInputDialog.getText(self.window, "Team repository",
                                           "Repository URL (postgresql://user@host/database; the password from "
                                           "~/.pgpass, PGPASSWORD or the OS keyring):", text=str(url or ""))
            if not ok:
                return None
        url = str(url or "").strip()
        if url:
            settings().setValue("repository/url", safe_url(url))
        return url or None

    def _repository(self):
        from prr_app.teamrepo.connection import repo_url
        from prr_app.teamrepo.repository import Repository

        return Repository(repo_url(self.url))

    # ---------------------------------------------------------- opening and saving
    def open(self, name: str, url: str | None = None) -> bool:
        """Open ``repo:NAME`` in the window; on failure a dialog says why."""
        from prr_app.teamrepo.address import RepoDocument

        if url:
            self.url = url
        if not self.window._may_leave():
            return False
        try:
            doc = RepoDocument.open(f"repo:{name}", url=self.url)
        except PrrError as e:
            self.notify("Cannot open the review", str(e))
            return False
        self._attach(LiveRepoDocument(self, doc))
        return True

    def _attach(self, document: LiveRepoDocument) -> None:
        self.session._replace(document, untitled=False, source=None)
        self.document = document
        self.offline, self.conflicts, self._again, self._heard = False, [], False, 0
        self.refused, self._told_refused = None, False
        self._start_listening()
        self._say()

    def save_to_repository(self, name: str | None = None) -> bool:
        """Push the window's review as a review new to the repository and keep editing it there."""
        from prr_app.teamrepo.repository import default_name

        if self.document is not None and self.session.document is self.document:
            self.session.flush()
            return True
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Save to Repository", "Name in the repository:",
                                            text=default_name(self.session.review))
            if not ok or not name.strip():
                return False
        from prr_app.ui.tasks import wait_for

        review = self.session.snapshot()
        review.milestones = {}  # kept in files: the window's file keeps them
        try:
            doc = wait_for("Saving to the repository", _push_new, self._repository(), review, name.strip(),
                           label=f"Saving to the repository as repo:{name.strip()}…", parent=self.window)
        except PrrError as e:
            self.notify_error("Cannot save to the repository", e)
            return False
        self.session.flush()
        self._attach(LiveRepoDocument(self, doc))
        return True

    def detached(self, document) -> None:
        if document is self.document:
            self._stop_listening()
            self.document, self.offline, self.conflicts = None, False, []
            self.sig_state.emit("")

    # ---------------------------------------------------------- live changes
    def _start_listening(self) -> None:
        from prr_app.teamrepo.connection import repo_url

        self._stop_listening()
        start_pump()
        self._listener = _Listener(repo_url(self.url), functools.partial(post, self.sig_event.emit))
        self._listener.start()

    def _stop_listening(self) -> None:
        if self._listener is not None:
            self._listener.stop.set()
            self._listener = None  # a daemon thread: it ends within 0.2 s on its own

    def _on_event(self, kind: str, payload) -> None:
        if self.document is None:
            return
        if kind == "merged":
            self.merged(*payload)
        elif kind == "conflict":
            self.conflicted(payload)
        elif kind == "change":
            name, version = payload
            if name == self.document.name:
                self._heard = max(self._heard, version)
                if version > self.window_version():
                    self.sync()
        elif kind == "offline":
            self.went_offline(payload)
        elif kind == "warning":  # e.g. the portfolio's figures not updated (checklist template not installed)
            self.window.statusBar().showMessage(str(payload), 15000)
        elif kind == "refused":
            self.credentials_refused(payload)
        elif kind == "online":
            self.offline, self._back, self.refused, self._told_refused = False, True, None, False
            self.sync()

    def window_version(self) -> int:
        """The repository version the open review is based on (its origin record): what it holds,
        apart from edits not pushed yet."""
        from prr_app.teamrepo.repository import origin

        came_from = origin(self.session.review)
        doc = self.document
        if came_from is not None and doc is not None and came_from[0] == doc.name:
            return came_from[1]
        return doc.version if doc is not None else 0

    @property
    def busy(self) -> bool:
        """A push or a catch-up of the link's is running on a worker."""
        return self._task is not None and self._task.running

    def sync(self) -> None:
        """Bring the open review and the repository together, on a worker: with edits not in the
        repository yet, push them merged with the others' (one merge); with none, read only the
        elements others changed since the window's version and take them in. Quiet when the
        server is still away."""
        doc = self.document
        if doc is None or self.conflicts or self.refused:  # refused: File > Save tries again
            return
        if self.busy:
            self._again = True  # once the one under way is done
            return
        self._again = False
        if self.session.dirty or doc.pending:
            # the open review's edits, saved or not: the autosave after is a no-op
            self._run(doc.push, self.session.analysis_copy(), None, True)
        else:
            self._run(doc.changes_since, self.window_version(), done=self.take_in)

    def _run(self, fn, *args, done=None) -> None:
        """``fn(state, *args)`` on a worker; a refusal is shown; ``done(result)`` on the GUI thread."""
        task = Task("repository", fn, *args)
        if done is not None:
            task.signals.sig_done.connect(done)
        task.signals.sig_failed.connect(self._task_failed)
        task.signals.sig_done.connect(self._task_ended)
        self._task = task
        self._say()
        task.start(self._pool)

    def _task_failed(self, e, _tb) -> None:
        """Shown, and not tried again by itself (the next edit, or the server's return, does)."""
        self._say()
        if getattr(e, "unreachable", False):
            self.went_offline(str(e))
        elif getattr(e, "refused", None):
            self.credentials_refused(str(e))
        elif isinstance(e, PrrError):
            self.notify_error("Not saved to the repository", e)
        else:
            self.notify("Repository", f"unexpected error: {e}")

    def _task_ended(self, *_args) -> None:
        self._say()
        if self.document is not None and (self._again or self._heard > self.window_version()) and not self.offline:
            self.sync()

    def take_in(self, delta) -> None:
        """The elements others changed since the window's version (a
        :class:`~prr_app.teamrepo.repository.Delta`), applied to the open review as one undoable
        command. Edits made here meanwhile are not overwritten: then the others' changes come in
        through a push, merged with them."""
        doc = self.document
        if doc is None or delta.name != doc.name or delta.since != self.window_version():
            return  # another review, or the window moved on meanwhile (the next sync catches up)
        if self.session.dirty or doc.pending:
            self._again = True  # the push merges them with the edits made here
            return
        review = self.session.review
        changes = []
        for coll, key in delta.elements:
            current = getattr(review, coll) if coll in SINGLES else getattr(review, coll).get(key)
            new = getattr(delta.review, coll) if coll in SINGLES else getattr(delta.review, coll).get(key)
            if current != new:
                changes.append(Change(coll, key, copy.deepcopy(current), new))
        self._take(changes, delta.by, delta.version)

    def merged(self, pushed: Review, result: Review, by: list[str] = ()) -> None:
        """A push succeeded: ``result`` is the repository's review now, ``pushed`` what was sent.
        What others changed (``pushed`` -> ``result``) is applied to the open review as one
        undoable command, and the open review is based on the new version: edits made here since
        ``pushed`` was taken are then pushed relative to it (an edit undone meanwhile included).
        Unless one element was both edited here since and changed by others: then the open
        review stays based on the version before, and the next push merges the three."""
        from prr_app.review.edits import review_changes
        from prr_app.teamrepo.repository import ORIGIN_ID, origin

        was_offline, self._back = self.offline or self._back, False
        self.offline, self.refused, self._told_refused = False, None, False
        current = self.session.review
        changes = [c for c in review_changes(pushed, result, current=current)
                   if not (c.coll == "imports" and c.key == ORIGIN_ID)]
        if any(_edited_since(pushed, current, c.coll, c.key) for c in changes):
            self._say()
            return
        came_from = origin(result)
        self._take(changes, by, came_from[1] if came_from else self.document.version)
        self._say("Back online: your edits are in the repository" if was_offline else "")

    def _take(self, changes: list, by: list[str], version: int) -> None:
        """Apply the others' ``changes`` as one command on the undo stack, named for who made them,
        and base the open review on ``version`` (not undoable: Ctrl+Z takes the changes back here,
        and the next save pushes that as a change of this version)."""
        from prr_app.teamrepo.repository import mark_origin

        doc = self.document
        mark_origin(self.session.review, doc.name, version, doc.doc.repo.where)
        doc.doc.version = max(doc.doc.version, version)
        if changes:  # a change by others ends a note ("Back online..."); catching up on nothing does not
            self._note = ""
            who = ", ".join(by) if by else "another reviewer"
            n = len(changes)
            self.session.undo_stack.push(RemoteChange(
                self.session, f"{n} change{'s' if n != 1 else ''} by {who} (repository version {version})", changes))
        self._say()

    def went_offline(self, message: str | PrrError) -> None:
        if self.document is None:
            return
        self.offline, self._note = True, ""
        self._say()

    def credentials_refused(self, message: str) -> None:
        """The server refused the login (a password changed, a role dropped...): not "unreachable",
        since waiting does not fix it. Said once in a dialog; the edits stay in the local copy."""
        if self.document is None:
            return
        self.refused = message
        self._say()
        if not self._refused_timer.isActive():
            self._refused_timer.start(REFUSED_RETRY_MS)
        if self._told_refused:
            return
        self._told_refused = True
        doc = self.document
        where = f" in the local copy {doc.local}" if doc.local else " in the window"
        self.notify("The repository refused the credentials",
                    f"{message}\n\nYour edits are not in the repository; they are kept{where}. Fix the password "
                    f"(~/.pgpass, PGPASSWORD or the OS keyring) or the user: the app tries again every "
                    f"{REFUSED_RETRY_MS // 1000} seconds, and at each File > Save. File > Save As keeps a .prr file.")

    def _retry_refused(self) -> None:
        """While the login is refused: push the edits kept in the local copy again, now and then."""
        doc = self.document
        if doc is None or not self.refused:
            return
        if self.busy:
            self._refused_timer.start(REFUSED_RETRY_MS)
            return
        self._run(doc.push, self.session.analysis_copy(), None, True)

    def conflicted(self, error) -> None:
        self.conflicts = list(error.conflicts)
        self._say()
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        doc = self.document
        if doc is None or not self.conflicts:
            return
        if self.session.saving:
            # the background save that met the conflict tells it from its worker before it reports
            # back itself: asked at once, the picker stood over a save label still saying "Saving…"
            # for a save that had ended, its edits kept in the local copy only. Asked once it has
            # reported, the label behind the picker says so
            QTimer.singleShot(SETTLE_POLL_MS, self._settle)
            return
        pick = self.ask_conflicts(self.conflicts)
        if pick is None:  # decided later: the edits stay in the window and the local copy
            self._say()
            return
        self.conflicts = []
        self._run(doc.push, self.session.analysis_copy(), pick, False)

    def _say(self, extra: str = "") -> None:
        doc = self.document
        if doc is None:
            self.sig_state.emit("")
            return
        if self.conflicts:
            text = f"repo:{doc.name}: {len(self.conflicts)} conflict(s) to settle; your edits are kept"
        elif self.refused:
            where = f" ({doc.local})" if doc.local else ""
            text = (f"The repository refused the credentials: working on a local copy{where}; it tries again "
                    f"every {REFUSED_RETRY_MS // 1000} s (File > Save As keeps a .prr)")
        elif self.offline:
            where = f" ({doc.local})" if doc.local else ""
            text = (f"Repository unreachable: working on a local copy{where}; it syncs when the server is back "
                    f"(File > Save As keeps a .prr)")
        else:
            if extra:
                self._note = extra  # said until the next change comes in
            text = self._note or (f"repo:{doc.name}: syncing with the repository…" if self.busy
                                  else f"repo:{doc.name} version {doc.version}: live")
        self.sig_state.emit(text)
        self._say_saved()

    def _say_saved(self, *_args) -> None:
        """The window's save label never says "All changes saved" while the edits are only in the
        local copy (offline, refused, or waiting for a conflict to be settled)."""
        doc = self.document
        label = getattr(self.window, "save_label", None)
        if label is None or self.session.dirty:
            return
        if doc is not None and doc.pending:
            label.setText(LOCAL_ONLY)
        elif label.text() == LOCAL_ONLY and hasattr(self.window, "_update_save_label"):
            self.window._update_save_label()  # in the repository now

    def say_not_in_repository(self) -> None:
        """After an explicit save that could only write the local copy: say so, where it is."""
        doc = self.document
        if doc is None or not doc.pending:
            return
        why = f"{len(self.conflicts)} conflict(s) to settle" if self.conflicts else \
            "the repository refused the credentials" if self.refused else \
            "the repository is unreachable" if self.offline else "the repository refused it"
        self.window.statusBar().showMessage(f"Not in the repository: {why}; your edits are in the local copy "
                                            f"{doc.local}", 15000)

    # ---------------------------------------------------------- local copies left offline
    def offer_local_copies(self, *, asked: bool = False) -> None:
        """Offer the local copies an app left when it ended (quit or crashed) while the server was
        away: open one and sync it to the repository (now, or when the server is back), save it as
        a ``.prr``, or discard it (after a confirmation). Those not chosen stay and are offered
        again (Repository > Local Copies Left Offline, or the next start)."""
        copies = local_copies()
        if not copies:
            if asked:
                self.window.statusBar().showMessage("No local copies of repository reviews wait", 5000)
            return
        choice = self.ask_local_copy(LocalCopiesDialog(self.window, copies))
        if choice is None:
            self.window.statusBar().showMessage(
                f"{len(copies)} local cop{'ies' if len(copies) > 1 else 'y'} of repository reviews kept: "
                "Repository > Local Copies Left Offline", 8000)
            return
        action, path = choice
        info = dict(copies)[path]
        if action == "sync":
            self.open_local_copy(path, info)
        elif action == "save":
            from prr_app.review.document import load_review, save_review

            target = self.ask_save_path(f"{info['name']}.prr")
            if not target:
                return
            try:
                save_review(load_review(path), target, overwrite=True)  # it remembers its origin: 'prr repo push'
            except PrrError as e:
                self.notify("Cannot save the local copy", f"{e}\n\nThe local copy was left in place.")
                return
            _discard_local(path)
            self.window.statusBar().showMessage(f"Saved to {target}; push it with 'prr repo push'", 8000)
        elif action == "discard":
            if self.confirm("Discard the local copy",
                            f"Discard the local copy of repo:{info['name']}? The edits in it that are not in the "
                            "repository are lost."):
                _discard_local(path)

    def open_local_copy(self, path: Path, info: dict) -> bool:
        """Open a local copy left offline in the window, linked to its review in the repository,
        and push it (merged with what others committed since) as soon as the server answers."""
        from prr_app.review.document import load_review
        from prr_app.teamrepo.address import RepoDocument
        from prr_app.teamrepo.repository import Pulled, Repository, origin

        try:
            review = load_review(path)
            came_from = origin(review)
            if came_from is None:
                raise PrrError("this copy does not say which repository review it came from", file=str(path))
            url = self._url_for(info)
            if not url:
                return False
            doc = RepoDocument(Repository(url), Pulled(came_from[0], came_from[1], review))
        except PrrError as e:
            self.notify("Cannot open the local copy", f"{e}\n\nThe local copy was left in place.")
            return False
        if not self.window._may_leave():
            doc.close()
            return False
        live = LiveRepoDocument(self, doc)
        # this app's from now on: renamed for this process, so that another start does not offer it meanwhile
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in doc.name)
        live.local = local_copy_dir() / f"{safe}.{os.getpid()}.prr"
        if live.local != path:
            os.replace(path, live.local)
            Path(path).with_suffix(".json").unlink(missing_ok=True)
        live.pending = True
        live.keep_local(review)  # its side file, for this process
        self.url = url
        self._attach(live)
        self.sync()
        return True

    def _url_for(self, info: dict) -> str | None:
        """The URL to reach a local copy's repository: ``$PRR_REPO`` or the one in use when they name
        the same database (they may say how to log in), else the one recorded beside the copy."""
        from prr_app.teamrepo.connection import ENV_REPO, parse_url

        recorded = info.get("url") or ""

        def target(u):
            try:
                p = parse_url(u)
            except PrrError:
                return None
            return (p.host or "", p.port or 5432, p.database or "")

        for candidate in (os.environ.get(ENV_REPO), self.url):
            if candidate and recorded and target(candidate) == target(recorded):
                return candidate
        return recorded or self.repository_url()

    # ---------------------------------------------------------- asking the user (tests replace these)
    def ask_conflicts(self, conflicts) -> dict | None:
        picker = ConflictPicker(self.window, conflicts)
        return picker.pick() if picker.exec() == QDialog.DialogCode.Accepted else None

    def notify(self, title: str, text: str, details: str = "") -> None:
        """A warning; ``details`` (every part of an error that lists them) under Show Details."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        if details:
            box.setDetailedText(details)
        box.exec()

    def notify_error(self, title: str, error: PrrError) -> None:
        """:meth:`notify` for ``error``. A conflict with the repository says its summary in the dialog's
        line ("repo:shop: 4 conflicts with changes made in the repository since your version; nothing
        was written") and, under Show Details, the whole message and each conflict on a line of its
        own, as ``prr`` prints them: in one line its text ran past 400 characters and was cut there."""
        summary, details = getattr(error, "summary", ""), list(getattr(error, "details", ()))
        if not (summary and details):
            self.notify(title, str(error))
            return
        where = f"{error.file}: " if error.file else ""
        self.notify(title, where + summary, "\n".join([where + error.message, ""] + details))

    def ask_local_copy(self, dialog: "LocalCopiesDialog"):
        """(action, path) the user chose in ``dialog``, or None (later)."""
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None

    def confirm(self, title: str, text: str) -> bool:
        ans = QMessageBox.question(self.window, title, text,
                                   QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                   QMessageBox.StandardButton.Cancel)
        return ans == QMessageBox.StandardButton.Discard

    def ask_save_path(self, suggested: str) -> str | None:
        from prr_app.ui.dialogs import Ask

        return Ask.save_path(self.window, "Save the local copy as", suggested, "PRR review (*.prr)")

    # ---------------------------------------------------------- the Repository menu
    def open_dialog(self) -> None:
        url = self.repository_url()
        if not url:
            return
        self.url = url
        d = OpenFromRepositoryDialog(self.window, self)
        if d.exec() == QDialog.DialogCode.Accepted and d.chosen():
            self.open(d.chosen())

    def sign_off(self, verdict: str | None = None, note: str = "") -> bool:
        """Record the verdict sign-off (approvers only: the database says no to others)."""
        from prr_app.teamrepo import schema

        if self.document is None:
            self.notify("Sign off", "Open a review from the repository first (File > Open from Repository).")
            return False
        if verdict is None:
            verdict, ok = QInputDialog.getItem(self.window, "Sign off", f"Verdict for repo:{self.document.name}:",
                                               list(schema.VERDICTS), 0, False)
            if not ok:
                return False
            note, ok = QInputDialog.getText(
                self.window, "Sign off",
                "Note (needed when the sign-off differs from the verdict the repository analysed):", text=note)
            if not ok:
                return False
        self.session.flush()
        try:
            with self._repository() as repo:
                version = repo.signoff(self.document.name, verdict, note)
        except PrrError as e:
            self.notify("Sign-off refused", str(e))  # says what the user lacks (refusal_reason)
            return False
        self.window.statusBar().showMessage(f"repo:{self.document.name} version {version} signed off as {verdict}",
                                            5000)
        return True

    def show_portfolio(self) -> "PortfolioDialog | None":
        if not self.url and not self.repository_url():
            return None
        try:
            with self._repository() as repo:
                rows = repo.portfolio()
        except PrrError as e:
            self.notify("Portfolio", str(e))
            return None
        d = PortfolioDialog(self.window, rows, where=repo.where)
        d.show()
        return d

    def show_whatif(self) -> "WhatIfDialog | None":
        if not self.url and not self.repository_url():
            return None
        try:
            d = WhatIfDialog(self.window, self)
        except PrrError as e:
            self.notify("Cross-review what-if", str(e))
            return None
        d.show()
        return d


# ------------------------------------------------------------------ dialogs
def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setSortingEnabled(False)
    return t


def _fill(t: QTableWidget, rows: list[list]) -> None:
    t.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            item = QTableWidgetItem("" if v is None else str(v))
            if isinstance(v, (int, float)):
                item.setData(Qt.ItemDataRole.DisplayRole, v)
            t.setItem(i, j, item)
    t.setSortingEnabled(True)


class OpenFromRepositoryDialog(QDialog):
    """The repository's reviews: name, system, verdict, updated by and at."""

    HEADERS = ["Name", "System", "Verdict", "Updated by", "Updated at", "Version", "Components"]

    def __init__(self, parent, link: RepoLink):
        super().__init__(parent)
        self.setWindowTitle("Open from Repository")
        self.link = link
        self.table = _table(self.HEADERS)
        self.message = QLabel("")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(lambda *_: self.accept())
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(900, 480)
        self.reload()

    def reload(self) -> None:
        try:
            with self.link._repository() as repo:
                infos = repo.list()
                verdicts = {r["name"]: r.get("verdict") for r in repo.portfolio()}
        except PrrError as e:
            self.message.setText(str(e))
            self.table.setRowCount(0)
            return
        _fill(self.table, [[i.name, i.system, enum_words(verdicts.get(i.name) or "-"), i.updated_by,
                            i.updated_at[:19].replace("T", " "), i.version, i.components] for i in infos])
        self.message.setText(f"{len(infos)} review(s) in {repo.where}")
        if infos:
            self.table.selectRow(0)

    def chosen(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    def choose(self, name: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == name:
                self.table.selectRow(r)
                return
        raise KeyError(name)


class ConflictPicker(QDialog):
    """One row per conflict: the element and field, both values and who made theirs; the user
    picks per field (yours is the default)."""

    def __init__(self, parent, conflicts):
        super().__init__(parent)
        self.setWindowTitle("Conflicting changes")
        self.conflicts = list(conflicts)
        self.groups: list[QButtonGroup] = []
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Another reviewer changed the same things since your version. Pick, for each, the "
                             "value to keep; nothing is written until you do."))
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        for j, h in enumerate(["What", "Yours", "Theirs", "Changed by"]):
            grid.addWidget(QLabel(f"<b>{h}</b>"), 0, j)
        for i, c in enumerate(self.conflicts, start=1):
            from prr_app.teamrepo.merge import element_name

            what = element_name(c.table, c.key) + (f" · {c.field}" if c.field else " (the whole element)")
            if not c.field and c.along_text():  # what keeping the changed version brings back with it
                what += "\n" + c.along_text()
            if c.rows:  # a statement kept whole (an answer): each side as the checklist says it, with what differs
                what = element_name(c.table, c.key) + " (kept whole: yours or theirs)"
                mine = QRadioButton(_statement(c.rows[0], c.rows[1]))
                theirs = QRadioButton(_statement(c.rows[1], c.rows[0]))
                mine.setToolTip(_statement(c.rows[0], c.rows[1], whole=True))
                theirs.setToolTip(_statement(c.rows[1], c.rows[0], whole=True))
            else:
                mine = QRadioButton(_value(c.mine, c.field))
                theirs = QRadioButton(_value(c.theirs, c.field))
            mine.setChecked(True)
            g = QButtonGroup(self)
            g.addButton(mine, 0)
            g.addButton(theirs, 1)
            self.groups.append(g)
            grid.addWidget(QLabel(c.note or what), i, 0)
            grid.addWidget(mine, i, 1)
            grid.addWidget(theirs, i, 2)
            grid.addWidget(QLabel(f"{c.by or '?'}{' at ' + c.at if c.at else ''}"), i, 3)
            if c.note:  # a whole-review problem, not a field: nothing to pick
                mine.setEnabled(False)
                theirs.setEnabled(False)
        lay.addWidget(grid_host)
        row = QHBoxLayout()
        for text, which in (("Keep all mine", 0), ("Take all theirs", 1)):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, w=which: self.choose_all(w))
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Decide Later")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def choose(self, index: int, which: str) -> None:
        self.groups[index].button(0 if which == "mine" else 1).setChecked(True)

    def choose_all(self, which: int) -> None:
        for g in self.groups:
            g.button(which).setChecked(True)

    def pick(self) -> dict:
        """``{(table, key, field): "mine" | "theirs"}``, what ``Repository.push(pick=...)`` takes."""
        return {(c.table, c.key, c.field): ("mine" if g.checkedId() == 0 else "theirs")
                for c, g in zip(self.conflicts, self.groups) if not c.note}


def _statement(row: dict, other: dict, *, whole: bool = False) -> str:
    """One side of a statement changed on both sides (an answer), for the picker: its state as the
    checklist words it (``met (owner ann, due 2026-07-01)``), then each other field the two sides set
    differently (``evidence: ...``, ``note: ...``), then who answered and when (``by ann on
    2026-12-03``), as the report and ``prr checklist`` say it. Two answers both "met" differ there.
    Values are cut at 60 characters unless ``whole`` (the tooltip)."""
    from prr_app.teamrepo.merge import STATEMENT_FIELDS
    from prr_app.wording import answer_state, enum_words

    def shown(v) -> str:
        text = str(v) if v not in (None, "") else "none"
        return text if whole or len(text) <= 60 else text[:57] + "..."

    lines = [answer_state({**row, "status": enum_words(row.get("status") or "unanswered")})]
    lines += [f"{f}: {shown(row.get(f))}" for f in STATEMENT_FIELDS[1:]
              if f not in ("owner", "due") and (row.get(f) or "") != (other.get(f) or "")]
    who = f"by {row['changed_by']}" if row.get("changed_by") else "no name recorded"
    when = f" on {row['changed_at'][:10]}" if row.get("changed_at") else ""
    lines.append(who + when)
    return "\n".join(lines)


def _value(v, field) -> str:
    import json

    if field is None:
        return "deleted" if v is None else "changed"
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class LocalCopiesDialog(QDialog):
    """The local copies left offline: which review, which repository, the version each is based
    on, when it was left; Open and Sync, Save As .prr, Discard, or Later."""

    HEADERS = ["Review", "Repository", "Based on version", "Left at"]

    def __init__(self, parent, copies: list[tuple[Path, dict]]):
        import datetime as _dt

        super().__init__(parent)
        self.setWindowTitle("Local copies left offline")
        self.copies = list(copies)
        self.choice: tuple[str, Path] | None = None
        self.table = _table(self.HEADERS)
        _fill(self.table, [[f"repo:{i['name']}", _shown_url(i.get("url", "")), i.get("version", "?"),
                            _dt.datetime.fromtimestamp(i["at"]).strftime("%Y-%m-%d %H:%M")] for _p, i in self.copies])
        self.table.setSortingEnabled(False)  # rows stay in the order of self.copies
        if self.copies:
            self.table.selectRow(0)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("The app ended while the repository was unreachable, before these edits were in it. "
                             "They were kept on this computer."))
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons = {}
        for action, text in (("sync", "Open and Sync"), ("save", "Save As .prr…"), ("discard", "Discard…")):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, a=action: self._choose(action=a))
            row.addWidget(b)
            self.buttons[action] = b
        row.addStretch(1)
        later = QPushButton("Later")
        later.clicked.connect(self.reject)
        row.addWidget(later)
        self.buttons["later"] = later
        lay.addLayout(row)
        self.resize(800, 300)

    def select(self, path: Path) -> None:
        self.table.selectRow([p for p, _ in self.copies].index(Path(path)))

    def _choose(self, action: str) -> None:
        r = self.table.currentRow()
        if r < 0:
            return
        self.choice = (action, self.copies[r][0])
        self.accept()


def _shown_url(url: str) -> str:
    """A repository URL as shown: never with a password."""
    from prr_app.teamrepo.connection import safe_url

    return safe_url(url) if url else ""


class PortfolioDialog(QDialog):
    """Every review of the repository: system, verdict, open blockers, SLO attainability ("no
    SLOs stated" for a review that states none), checklist progress, acceptances expired and
    expiring soon, due dates passed, launch, the latest sign-off. The cells' wording is the
    summary's (:mod:`prr_app.reporting.portfolio`)."""

    HEADERS = ["Review", "System", "Verdict", "Open blockers", "SLOs not attainable", "Checklist",
               "Acceptances expired", "Acceptances expiring", "Due dates passed", "Launch", "Signed off"]

    def __init__(self, parent, rows: list[dict], where: str = "the repository"):
        from prr_app.reporting.portfolio import acceptances_text, signoff_text

        super().__init__(parent)
        self.setWindowTitle("Portfolio")
        self.rows = rows
        self.where = where
        self.table = _table(self.HEADERS)
        out = []
        for r in rows:
            if not r.get("verdict"):
                out.append([r["name"], "", "not assessed yet", None, None, None, None, None, None, None,
                            signoff_text(r)])
                continue
            check = f"{score_text(r['checklist_score'])} ({r['checklist_blockers']} blocker(s) open)" \
                if r["checklist_score"] is not None else "-"
            slo = r["slo_not_attainable"]
            out.append([r["name"], r["system"], enum_words(r["verdict"]) + ("" if r["assessed"] else " (stale)"),
                        r["launch_blockers"],
                        len(slo) if slo else ("no SLOs stated" if r.get("slos_stated") == 0 else "all attainable"),
                        check, len(r.get("acceptances_expired") or ()), len(r.get("acceptances_expiring") or ()),
                        len(r["overdue"]), r["target_launch"] or "-", signoff_text(r)])
        _fill(self.table, out)
        by_name = {r["name"]: r for r in rows}
        for i in range(self.table.rowCount()):  # which acceptances: the summary's words
            r = by_name.get(self.table.item(i, 0).text(), {})
            if r.get("verdict"):
                for col in (6, 7):
                    self.table.item(i, col).setToolTip(acceptances_text(r, limit=20))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"{len(rows)} review(s)"))
        lay.addWidget(self.table)
        export = QPushButton("Export Portfolio PDF...")
        export.setToolTip("A one-or-two-page summary for leadership (prr repo portfolio --pdf)")
        export.clicked.connect(lambda: self.export_pdf())
        self.exported = QLabel("")
        foot = QHBoxLayout()
        foot.addWidget(self.exported, 1)
        foot.addWidget(export)
        lay.addLayout(foot)
        self.resize(1100, 500)

    def export_pdf(self, path: str | None = None) -> str | None:
        """Write the leadership summary of these rows (asks where unless given); the path written."""
        import datetime as dt

        from prr_app.paths import atomic_write_bytes
        from prr_app.reporting.portfolio import render_portfolio_pdf
        from prr_app.ui.dialogs import Ask

        today = dt.date.today().isoformat()
        path = path or Ask.save_path(self, "Export Portfolio PDF", f"portfolio-{today}.pdf", "PDF (*.pdf)")
        if not path:
            return None
        try:
            atomic_write_bytes(Path(path), render_portfolio_pdf(self.rows, today=today, days=30, where=self.where))
        except PrrError as e:
            QMessageBox.warning(self, "Export Portfolio PDF", str(e))
            return None
        self.exported.setText(f"Wrote {path}")
        return path


class WhatIfDialog(QDialog):
    """Pick a shared component or domain: every review, user-facing service and journey its
    failure takes down."""

    HEADERS = ["Review", "As", "Down", "Degraded", "Journeys down", "User-facing down"]

    def __init__(self, parent, link: RepoLink):
        super().__init__(parent)
        self.setWindowTitle("Cross-review what-if")
        self.link = link
        with link._repository() as repo:
            self.shared = repo.shared_elements()
        self.combo = QComboBox()
        self.combo.setEditable(True)
        for s in self.shared:
            self.combo.addItem(f"{s['element']} ({s['type']}, {s['reviews']} reviews)", s["element"])
        self.combo.lineEdit().setPlaceholderText("a component or domain id")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = _table(self.HEADERS)
        go = QPushButton("Fail It")
        go.clicked.connect(lambda: self.fail(self.element()))
        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        top.addWidget(go)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        self.resize(1000, 500)

    def element(self) -> str:
        i = self.combo.currentIndex()
        if i >= 0 and self.combo.currentText() == self.combo.itemText(i):
            return self.combo.itemData(i)
        return self.combo.currentText().strip()

    def fail(self, element: str) -> dict | None:
        if not element:
            return None
        try:
            with self.link._repository() as repo:
                b = repo.blast(element)
        except PrrError as e:
            self.summary.setText(str(e))
            return None
        if not b["reviews"]:
            self.summary.setText(f"{element}: no review in the repository names it")
        else:
            self.summary.setText(
                f"{element} fails: named by {b['reviews_naming']} review(s); it takes down user-facing services or "
                f"journeys in {b['reviews_hit']} of them ({b['user_facing']} user-facing service(s), "
                f"{b['journeys']} journey(s))")
        _fill(self.table, [[r["review"], r["as"] + (f" {r['element']}" if r["element"] != element else ""), r["down"],
                            r["degraded"], ", ".join(r["journeys"]) or "-", ", ".join(r["user_facing"]) or "-"]
                           for r in b["reviews"]])
        return b


# ------------------------------------------------------------------ the window's menus
def install_repository(window) -> RepoLink:
    """Add the repository's actions to ``window`` (File > Open from Repository..., Save to
    Repository; a Repository menu) and return the window's :class:`RepoLink`."""
    from PySide6.QtGui import QAction

    link = RepoLink(window)

    def act(text, slot, tip):
        a = QAction(text, window)
        a.setStatusTip(tip)
        a.triggered.connect(lambda *_: slot())
        return a

    link.a_open = act("Open from Re&pository…", link.open_dialog, "Open a review of the team repository")
    link.a_save = act("Save to Repositor&y", lambda: link.save_to_repository(),
                      "Put this review in the team repository and keep editing it there with others")
    file_menu = window.menuBar().actions()[0].menu()
    anchor = next((a for a in file_menu.actions() if a.menu() is window.recent_menu), None)
    items = file_menu.actions()
    after = items[items.index(anchor) + 1] if anchor in items and items.index(anchor) + 1 < len(items) else None
    file_menu.insertAction(after, link.a_open)
    save_anchor = next((a for a in file_menu.actions() if a is window.a_save_copy), None)
    items = file_menu.actions()
    after = items[items.index(save_anchor) + 1] if save_anchor in items else None
    file_menu.insertAction(after, link.a_save)

    m = window.menuBar().addMenu("&Repository")
    link.a_signoff = act("&Sign Off…", lambda: link.sign_off(), "Record the verdict sign-off (approvers only)")
    link.a_portfolio = act("&Portfolio", link.show_portfolio, "Every review of the repository at a glance")
    link.a_whatif = act("Cross-review &What-if…", link.show_whatif,
                        "What one shared component's or domain's failure takes down across every review")
    link.a_local = act("&Local Copies Left Offline…", lambda: link.offer_local_copies(asked=True),
                       "Edits kept on this computer when the app ended while the repository was unreachable")
    for a in (link.a_open, link.a_save, None, link.a_signoff, None, link.a_portfolio, link.a_whatif, None,
              link.a_local):
        m.addSeparator() if a is None else m.addAction(a)
    return link
