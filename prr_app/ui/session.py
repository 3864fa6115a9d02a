"""The open review as the views see it: model, undo stack, autosave, analysis.

One :class:`ReviewSession` per window. It owns the :class:`Review`, the
``.prr`` file behind it (a :class:`ReviewDocument`) and the ``QUndoStack``.
Views never change the review themselves: they push commands through
:meth:`ReviewSession.push`, and redraw when ``sig_review_changed`` says so.

Edits are never lost: each command is written to the ``.prr`` file at most
:data:`AUTOSAVE_MS` after it happens (one transaction, only changed rows), by a
worker thread: encoding and comparing a 2,000-component review is no work for
the GUI thread. An explicit save (Save, Save As, closing, quitting) writes on
the spot, after any autosave still under way. A
review that has no file of its own yet (New, or opened from a review JSON)
lives in a recovery file in the app's data folder until the user saves it
somewhere; the app offers to recover such files at start-up.

The window follows other programs' writes to its file (the ``prr`` command line, a script): it
watches the file and its folder, and a write that is not its own shows here within a moment
(:meth:`ReviewSession._file_changed`), so what it exports or takes a milestone of is the file's
review. It never writes the file because the file changed.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from prr_app.model.entities import Review
from prr_app.errors import PrrError, ValidationError
from prr_app.review.edits import Change
from prr_app.ui.commands import EditCommand

log = logging.getLogger(__name__)

#: Longest time between an edit and its write to disk.
AUTOSAVE_MS = 250
#: a ``.prr`` larger than this is read on a worker thread (the window repaints meanwhile);
#: smaller ones (up to ~2,500 elements) read in under 100 ms, in place
READ_IN_BACKGROUND_BYTES = 200_000
#: how long the file watch waits after the last change it saw before it looks at the file: a save
#: is a copy written next to the file and renamed over it, several notifications in a few ms
WATCH_DEBOUNCE_MS = 300


def _read_document(state, path: Path):
    """Worker: open a ``.prr`` and read its review."""
    from prr_app.review.document import ReviewDocument

    return ReviewDocument.open(path)


def data_dir() -> Path:
    """Where recovery files live (``PRR_SETTINGS_DIR`` in tests)."""
    base = os.environ.get("PRR_SETTINGS_DIR")
    if base:
        p = Path(base) / "data"
    else:
        from PySide6.QtCore import QStandardPaths

        p = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or Path.home() / ".prr-workbench")
    p.mkdir(parents=True, exist_ok=True)
    return p


def recovery_dir() -> Path:
    p = data_dir() / "recovery"
    p.mkdir(parents=True, exist_ok=True)
    return p


def recovery_files() -> list[tuple[Path, dict]]:
    """Recovery files left by sessions that did not end normally, newest first."""
    out = []
    for f in recovery_dir().glob("*.prr"):
        info = {}
        side = f.with_suffix(".json")
        try:
            info = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        if info.get("pid") and _alive(int(info["pid"])) and int(info["pid"]) != os.getpid():
            continue  # another running app owns it
        if not info.get("edited"):
            discard_recovery(f)  # never edited: nothing to recover
            continue
        out.append((f, info))
    out.sort(key=lambda t: t[0].stat().st_mtime, reverse=True)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard_recovery(path: Path) -> None:
    for p in (path, path.with_suffix(".json")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


class ReviewSession(QObject):
    """An open review with its file, undo stack and autosave."""

    #: the set of collection names that changed ("meta", "components", ...)
    sig_review_changed = Signal(object)
    #: a new review was loaded (New / Open / Recover): views rebuild everything
    sig_review_replaced = Signal()
    sig_saved = Signal(str)
    sig_save_failed = Signal(str)
    #: another program changed what this save would change (a SaveConflict); nothing was written
    sig_save_conflict = Signal(object)
    sig_dirty_changed = Signal(bool)
    #: another program saved another review over this window's file (the words of :attr:`replaced`):
    #: found by the file watch or an autosave; this window's edits cannot be written there any more
    sig_file_replaced = Signal(str)
    #: another program's changes taken in: how many elements, and whether a save of this window's
    #: took them in (False: the file watch did, the window not having saved anything)
    sig_took_theirs = Signal(int, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.review = Review()
        self.document = None  # ReviewDocument; None until an untitled review is first edited
        self.source: str | None = None  # the JSON a new document came from
        self.untitled = True
        self.recovered = False  # the review came from a recovery file (see has_unsaved_work)
        #: a .prr being read on a worker (:meth:`open`), the window's event loop turning meanwhile
        self.opening = False
        self.undo_stack = QUndoStack(self)
        #: bumped each time another review takes the session (New, Open, Recover): work started on the
        #: review before (a re-import on a worker) tells by it that its result is not for this one
        self.generation = 0
        self._dirty = False  # edits not yet written to disk
        self._side_edited = False
        self.conflict = None  # the SaveConflict of the last save, until it is resolved
        self._theirs_saved: Review | None = None  # the copy a worker's save wrote, when it found others' writes
        self.last_save_s = 0.0
        #: edits so far, and the last of them on disk: an autosave on a worker writes a copy of
        #: the review as of one edit, and never after a later one was written (under the lock)
        self._edits = 0
        self._saved_edits = 0
        #: the edit whose undo last held a base in the file's store (:meth:`hold_base`): a save of a
        #: copy from before it keeps the held rows (the copy does not have the undo yet)
        self._held_at = 0
        self._save_lock = threading.RLock()
        self._save_task = None
        self.changed_keys = None
        self._created = None  # (review, document): a recovery file an autosave's worker made, not yet adopted
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.autosave)
        # the open file's watch (:meth:`_watch`): the file, and its folder, since every save replaces
        # the file (a copy renamed over it) and a watch on a path goes with the file it named
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_file_event)
        self._watcher.directoryChanged.connect(self._on_file_event)
        self._watch_timer = QTimer(self)
        self._watch_timer.setSingleShot(True)
        self._watch_timer.setInterval(WATCH_DEBOUNCE_MS)
        self._watch_timer.timeout.connect(self._file_changed)
        #: a file at the path the watch will not take in (another review saved over this one)
        self._watch_refused = None
        #: another program saved another review over this window's file, in words (:meth:`file_replaced`):
        #: nothing is written to it while set (each save would be refused); closing offers Save As
        self.replaced: str | None = None

    # ---------------------------------------------------------- opening
    @property
    def path(self) -> Path | None:
        """The user's file; None while the review lives in a recovery file."""
        if self.document is None or self.untitled:
            return None
        return self.document.path

    @property
    def title(self) -> str:
        if self.path is not None:
            return self.path.name
        if self.source:
            return Path(self.source).name + " (not saved yet)"
        return "Untitled review"

    def new(self, review: Review | None = None, *, source: str | None = None) -> None:
        """Start an untitled review; its first edit creates its recovery file."""
        self._replace(None, untitled=True, source=source, review=review or Review())

    def _create_recovery(self) -> None:
        """Give an untitled review its recovery file now (one an autosave's worker made, if any)."""
        from prr_app.review.document import ReviewDocument

        with self._save_lock:
            self._adopt_created()
            if self.document is not None:
                return
            rec = recovery_dir() / f"{uuid.uuid4().hex}.prr"
            self._write_side(rec, self.source)
            self.document = ReviewDocument.create(rec, self.review)
            self.document.review = self.review  # the same (equal) review, kept by every view

    def _adopt_created(self) -> None:
        """The recovery file an autosave's worker created (under the save lock): this review's file."""
        made, self._created = self._created, None
        if made is None:
            return
        review, doc = made
        if self.document is None and review is self.review:
            doc.review = self.review  # the same review every view holds (later edits: diffed on save)
            self.document = doc
        else:  # made for a review replaced since (New, Open...): not this one's
            doc.close()
            discard_recovery(doc.path)

    def open(self, path: str | Path, *, allow_problems: bool = False) -> None:
        """Open a ``.prr`` (edited in place) or a review JSON (as a new, untitled review).

        ``allow_problems``: a review JSON that breaks the model's rules (but is otherwise
        well-formed) opens all the same, its problems shown as findings to fix.

        Raises :class:`PrrError`; the current review is untouched then.
        """
        from prr_app.review.document import ReviewDocument, file_kind, load_review

        p = Path(path)
        if not p.exists():
            raise PrrError("no such file", file=str(p))
        if file_kind(p) == "json":
            try:
                review = load_review(p)
            except ValidationError:
                if not allow_problems:
                    raise
                # the file is well-formed and only breaks the model's rules (a dangling reference...):
                # open it as it is, so the user can see every problem in the findings and fix it here
                from prr_app.interchange import json_io

                review = json_io.review_from_json_bytes(json_io.read_json_bytes(p), file=str(p), checked=False)
            self.new(review, source=str(p))
            return
        if p.stat().st_size > READ_IN_BACKGROUND_BYTES:
            from prr_app.ui.tasks import wait_for

            self.opening = True  # the event loop turns meanwhile: work put off till idle waits for it
            try:
                doc = wait_for("Opening", _read_document, p, label=f"Reading {p.name}…")
            finally:
                self.opening = False
        else:
            doc = ReviewDocument.open(p)
        self._replace(doc, untitled=False, source=None)

    def recover(self, rec: Path) -> None:
        info = {}
        try:
            info = json.loads(rec.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        from prr_app.review.document import ReviewDocument

        doc = ReviewDocument.open(rec)
        self._write_side(rec, info.get("source"), edited=True)
        self._replace(doc, untitled=True, source=info.get("source"))
        self.recovered = True
        self.sig_dirty_changed.emit(self._dirty)  # the title bar now shows work to save

    def _write_side(self, rec: Path, source: str | None, edited: bool = False) -> None:
        rec.with_suffix(".json").write_text(
            json.dumps({"pid": os.getpid(), "source": source, "started": time.time(), "edited": edited}), encoding="utf-8"
        )

    def _replace(self, doc, *, untitled: bool, source: str | None, review: Review | None = None) -> None:
        self.close_document(discard_recovery_file=True)
        self.generation += 1
        self.document = doc
        self.review = doc.review if doc is not None else review
        self.untitled = untitled
        self.recovered = False
        self.source = source
        self._side_edited = False
        self.conflict = None
        self.replaced = None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._set_dirty(False)
        self._watch()
        self.sig_review_replaced.emit()

    def close_document(self, *, discard_recovery_file: bool = False) -> None:
        """Write pending edits and close the file."""
        with self._save_lock:  # after an autosave under way (it may be creating the recovery file)
            self._adopt_created()
        self._unwatch()
        if self.document is None:
            return
        self.flush()
        rec = self.document.path if self.untitled else None
        self.document.close()
        self.document = None
        if rec is not None and discard_recovery_file:
            discard_recovery(rec)

    # ---------------------------------------------------------- editing
    def push(self, text: str, changes: list[Change], merge_key: str | None = None) -> None:
        """Apply ``changes`` as one undoable command."""
        changes = [c for c in changes if c.old != c.new]
        if not changes:
            return
        self.undo_stack.push(EditCommand(self, text, changes, merge_key))

    def _changed(self, changes: list[Change]) -> None:
        self._edits += 1
        self._set_dirty(True)
        if not self._timer.isActive():  # the first unsaved edit starts the clock; later ones never delay it
            self._timer.start()
        self.announce(changes)

    def announce(self, changes: list[Change]) -> None:
        """Tell the views that ``changes`` were applied to the review."""
        #: the (collection, id) pairs the change being told touched: views may redraw only those
        self.changed_keys = {(c.coll, c.key) for c in changes}
        try:
            self.sig_review_changed.emit({c.coll for c in changes})
        finally:
            self.changed_keys = None

    def hold_base(self, held: list[tuple]) -> None:
        """An undo (or redo) found elements another program changed since this window's edit
        (its write taken in by a save, see :meth:`_take_theirs`): for each ``(coll, key, base,
        shown)``, ``base`` is the base of the element's next save instead of ``shown``, so the
        undo meets the other program's write as a conflict (the usual dialog), never reverts it
        silently (``ReviewDocument.hold_base``). Called after the undo's edit is counted."""
        doc = self.document
        if doc is None or not hasattr(doc, "hold_base"):
            return  # no file yet (nobody else wrote it), or a review of the team repository (merged on push)
        with self._save_lock:  # not in the middle of a save on a worker
            doc.hold_base(held, self.review)
            self._held_at = self._edits

    def undo_problems(self, *, redo: bool = False) -> list[str]:
        """What stands in the way of the next undo (``redo``: redo), in words; empty: nothing. Only
        another program's write taken in since can (``edits.undo_problems``): an undo that removes
        the element another program's new element names would leave the review broken here and
        unsavable there, so the window refuses it up front and says why."""
        from prr_app.review.edits import undo_problems

        st = self.undo_stack
        i = st.index() if redo else st.index() - 1
        if not 0 <= i < st.count():
            return []
        changes = getattr(st.command(i), "changes", None)
        return (undo_problems(self.review, changes, undo=not redo, displaced=getattr(st.command(i), "displaced", None))
                if changes else [])

    def drop_pending(self) -> None:
        """The user chose to discard the edits not written (closing, or opening another review, when
        the file cannot take them): nothing tries to write them any more."""
        self._timer.stop()
        self._set_dirty(False)

    def file_replaced(self) -> str | None:
        """Whether another program saved another review over this window's file (not this review
        with other programs' changes: a different review), in words ("another program saved
        another review over this file (NAME, 64 components)"); None if not, or if the file cannot
        be read to tell. Looked at now when the file changed since this window read or wrote it;
        the answer is kept in :attr:`replaced` (nothing is written to that file while it is set)."""
        from prr_app.review.document import ReviewDocument

        doc = self.document
        if self.untitled or not isinstance(doc, ReviewDocument):
            return None
        try:
            words = doc.replaced_by()
        except PrrError as e:
            log.warning("could not read %s to tell whether it still holds this review: %s", doc.path, e)
            return self.replaced
        self._mark_replaced(words)
        return words

    def _mark_replaced(self, words: str | None) -> None:
        was, self.replaced = self.replaced, words
        if words is not None and words != was:
            log.warning("%s: %s; not written to any more", self.document.path, words)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.sig_dirty_changed.emit(dirty)

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def saving(self) -> bool:
        """An autosave is under way on a worker: it has not reported yet (the label says "Saving…"
        until it does, whatever the save met on the way)."""
        return self._save_task is not None and self._save_task.running

    @property
    def modified(self) -> bool:
        """Shown in the title bar: unsaved edits, or a review that has no file of its own."""
        return self._dirty or self.has_unsaved_work

    @property
    def has_unsaved_work(self) -> bool:
        """Work that lives only in a recovery file: edits of an untitled review, or a recovered one.

        A recovered review starts with an empty undo history, but everything in it is work the
        user has not saved to a file of their own; quitting must ask, not delete it.
        """
        return self.untitled and (self.recovered or not self.undo_stack.isClean())

    # ---------------------------------------------------------- saving
    def autosave(self) -> None:
        """Write pending edits on a worker thread (the first edit of an untitled review creates
        its recovery file here, with everything in it). A save that finds another program
        changed the same elements emits ``sig_save_conflict`` (from :meth:`_autosave_failed`)."""
        from prr_app.ui.tasks import Task, urgent_under_way

        # after the save under way; and after the edit's findings (urgent: the room waits for them,
        # and the save's worker would share Python's lock with their analysis), a few seconds at most
        if self._dirty and self.replaced is not None and not self.untitled:
            self.sig_file_replaced.emit(self.replaced)  # each save would be refused: none tried
            return
        if not self._dirty or (self._save_task is not None and self._save_task.running) or urgent_under_way():
            if self._dirty:
                self._timer.start()
            return

        with self._save_lock:
            self._adopt_created()
        if self.document is None:  # an untitled review's first save: its recovery file, made on the worker
            rec = recovery_dir() / f"{uuid.uuid4().hex}.prr"
            self._write_side(rec, self.source)
            task = Task("autosave", self._create_copy_at, rec, self.review, self.analysis_copy(), self._edits)
            task.signals.sig_done.connect(self._recovery_created)
        else:
            task = Task("autosave", self._save_copy_of, self.document, self.analysis_copy(), self._edits)
            task.signals.sig_done.connect(lambda edits, doc=self.document: self._autosaved(edits, doc))
        task.signals.sig_failed.connect(self._autosave_failed)
        self._save_task = task
        task.start()

    def _create_copy_at(self, state, rec: Path, of: Review, review: Review, edits: int) -> int:
        """Worker: create the recovery file ``rec`` for the review ``of``, holding ``review`` (a copy
        of it as of edit ``edits``)."""
        from prr_app.review.document import ReviewDocument

        with self._save_lock:
            if self.document is not None or self._created is not None:
                discard_recovery(rec)  # a Save As or an explicit save got there first
                return edits
            t0 = time.perf_counter()
            self._created = (of, ReviewDocument.create(rec, review))
            self.last_save_s = time.perf_counter() - t0
            self._saved_edits = edits
        return edits

    def _recovery_created(self, edits: int) -> None:
        with self._save_lock:
            self._adopt_created()
        if self.document is None:
            return
        if edits >= self._edits and self._dirty:
            self._saved()
        elif self._dirty:
            self._timer.start()  # edits since the copy: written by the next autosave

    def _save_copy_of(self, state, document, review: Review, edits: int) -> int:
        """Worker: write ``review`` (a copy as of edit number ``edits``) unless a later one is on disk."""
        with self._save_lock:
            if edits <= self._saved_edits:
                return edits
            t0 = time.perf_counter()
            if hasattr(document, "hold_base"):  # a copy from before an undo's hold keeps it (see hold_base)
                document.store.save(review, release_held=edits >= self._held_at)
            else:
                document.store.save(review)
            self.last_save_s = time.perf_counter() - t0
            self._saved_edits = edits
            if getattr(document.store, "theirs", None) is not None:  # (a file's store; a repository's pushes)
                self._theirs_saved = review  # taken in on this thread's return (_take_theirs)
        return edits

    def _autosaved(self, edits: int, document) -> None:
        self._take_theirs(document)
        if document is not self.document or edits < self._edits:
            return  # another file since, or edited since: that edit's own save follows
        self._saved()

    def _take_theirs(self, document, saved: Review | None = None, *, by_save: bool = True) -> None:
        """After a save that found another program's writes: show them here (not an edit of this
        window's: the undo history is left as it is). ``by_save`` false: the file watch read them
        (:meth:`_file_changed`), the window saved nothing."""
        saved, self._theirs_saved = saved or self._theirs_saved, None
        if document is not self.document or saved is None or not hasattr(document, "theirs_changes"):
            return
        self._show_theirs(document.theirs_changes(saved, self.review), by_save)

    def _show_theirs(self, changes, by_save: bool) -> None:
        """Apply another program's ``changes`` here, not as an edit of this window's (the undo
        history is left as it is), and say so."""
        from prr_app.review.edits import apply_changes

        if not changes:
            return
        apply_changes(self.review, changes)
        self.sig_review_changed.emit({c.coll for c in changes})
        self.sig_took_theirs.emit(len(changes), by_save)

    # ---------------------------------------------------------- other programs' writes
    def _watch(self) -> None:
        """Watch the open file for other programs' writes: a file of the user's own that this
        window writes (not an untitled review's recovery file, nor a review of the team
        repository, nor one open read-only)."""
        from prr_app.review.document import ReviewDocument

        self._unwatch()
        doc = self.document
        if self.untitled or not isinstance(doc, ReviewDocument) or doc.store.readonly:
            return
        self._watch_refused = None
        real = doc.store.real  # the file itself (a symbolic link resolved)
        self._watcher.addPaths([str(real), str(real.parent)])

    def _unwatch(self) -> None:
        self._watch_timer.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)

    def _on_file_event(self, _path: str) -> None:
        """The file or its folder changed: look once things are quiet (:data:`WATCH_DEBOUNCE_MS`)."""
        self._watch_timer.start()

    def _file_changed(self) -> None:
        """The open file (or its folder) changed, some time ago. When another program wrote it (the
        path names another file than the one this window last read or wrote: every save, the
        window's own too, replaces the file), show that program's writes here:

        * no unsaved edits: the file's review is taken in as a save takes in another program's
          writes (:meth:`_take_theirs`; the undo history left as it is, an undo then meets the
          other program's write as after a save), and becomes the base of the next save;
        * unsaved edits: the autosave writes them now; it takes the other program's in, or asks
          if both changed the same elements (a conflict already asked about waits for File > Save).

        Nothing is written because the file changed."""
        from prr_app.review.document import ReviewDocument

        doc = self.document
        if self.untitled or not isinstance(doc, ReviewDocument):
            return
        real = str(doc.store.real)
        if real not in self._watcher.files() and os.path.exists(real):
            self._watcher.addPath(real)  # the write's rename took the watch with the old file
        if self.opening or (self._save_task is not None and self._save_task.running):
            self._watch_timer.start()  # after the save under way (this may be its own write)
            return
        try:
            st = os.stat(real)
        except OSError:
            return  # deleted or moved: the next save says so
        ident = (st.st_dev, st.st_ino)
        if ident == doc.store.seen_file or ident == self._watch_refused:
            return  # the window's own write (or nothing new)
        if self._dirty and self.replaced is None:
            if self.conflict is None:
                self.autosave()  # (it finds another review saved over this one, if so)
            return
        with self._save_lock:
            try:
                rows = doc.store.read_rows()
                if not doc.store.holds_this_review(rows):
                    # another review saved over this one: not taken in, nothing written there any more
                    self._mark_replaced(doc.replaced_words(rows))
                    self._note_replaced()
                    return
                self.replaced = None  # this review again (put back): written to as before
                if self._dirty:
                    self.autosave()
                    return
                saved = self.analysis_copy()  # what the window shows: all of it is on disk
                doc.store.theirs = doc.store.load()  # the file's review, the base of the next save
            except PrrError as e:
                log.warning("could not read %s after another program wrote it: %s", real, e)
                return
        self._take_theirs(doc, saved, by_save=False)

    def _autosave_failed(self, e, _tb) -> None:
        from prr_app.persistence.store import SaveConflict

        if isinstance(e, SaveConflict):  # another program changed the same elements: the user decides
            self.conflict = e
            self.sig_save_conflict.emit(e)
            return
        if isinstance(e, PrrError) and self.file_replaced() is not None:
            # another review in the file: said once (sig_file_replaced), never again per autosave
            self._note_replaced()
            return
        log.error("autosave failed: %s", e)
        self.sig_save_failed.emit(str(e))

    def _note_replaced(self) -> None:
        """Another review is in the file: the watch lets that file be, and the window is told."""
        try:
            st = os.stat(self.document.store.real)
            self._watch_refused = (st.st_dev, st.st_ino)
        except OSError:
            pass
        self.sig_file_replaced.emit(self.replaced)

    def resolve_conflict(self, prefer: str, conflicts=None) -> int:
        """After a save conflict: merge with the file (see ``ReviewDocument.save_resolving``), the
        elements both changed taken from ``prefer`` ("mine" or "theirs"), and write it. The review
        shown takes the file's changes too; the undo history starts again (it led to a state
        that no longer is). ``conflicts``: the rows the conflict named (default: the last save's);
        "theirs" takes each as the file holds it. Returns how many elements changed here."""
        from prr_app.review.edits import apply_changes, review_changes

        self._timer.stop()
        if conflicts is None:
            conflicts = self.conflict.conflicts if self.conflict is not None else ()
        merged = self.document.save_resolving(prefer, conflicts)
        changes = review_changes(self.review, merged)
        apply_changes(self.review, changes)
        self.conflict = None
        self.undo_stack.clear()
        self._set_dirty(False)
        if not self.untitled:
            self.undo_stack.setClean()
        self.sig_saved.emit(str(self.document.path))
        if changes:
            self.sig_review_changed.emit({c.coll for c in changes})
        return len(changes)

    def flush(self) -> None:
        """Write pending edits now, on this thread (after an autosave under way, if any)."""
        self._timer.stop()
        if not self._dirty:
            return
        from prr_app.persistence.store import SaveConflict

        with self._save_lock:
            self._create_recovery()  # (if it has none yet)
            t0 = time.perf_counter()
            from prr_app.review.document import ReviewDocument

            saved = self.analysis_copy() if isinstance(self.document, ReviewDocument) else None
            try:
                if saved is not None:  # what was written, to tell another program's changes from it
                    self.document.store.save(saved)
                else:  # a review of the team repository: its document pushes
                    self.document.save()
            except SaveConflict as e:
                self.conflict = e
                raise
            except PrrError:
                self.file_replaced()  # the reason, kept (the caller says it)
                raise
            self.conflict = None
            self.last_save_s = time.perf_counter() - t0
            self._saved_edits = self._edits
        self._saved()
        if saved is not None and self.document.store.theirs is not None:
            self._take_theirs(self.document, saved)

    def edit_in_file(self, change, *, leave_out=()) -> Review | None:
        """Apply ``change`` to the review as the file holds it now, under its write lock, after
        writing this window's pending edits (raises ``SaveConflict`` as :meth:`flush` does): what
        ``change`` sees is this window's review and every other program's write. The file's
        review, as written, is then shown here (another program's writes taken in, not an edit of
        this window's, as :meth:`_take_theirs` does), except the elements ``leave_out`` names
        (``(coll, key)``): the caller pushes those as this window's edit. Returns the review as
        written; None for a review with no file of its own to read (never edited, or one of the
        team repository): the caller works on this window's review then."""
        from prr_app.review.document import ReviewDocument
        from prr_app.review.edits import review_changes

        self.flush()
        if not isinstance(self.document, ReviewDocument):
            return None
        with self._save_lock:
            written = self.document.store.edit(change)
        left_out = set(leave_out)
        self._show_theirs([c for c in review_changes(self.review, written, milestones=True)
                           if (c.coll, c.key) not in left_out], True)
        return written

    def save_now(self) -> None:
        """An explicit save (File > Save): pending edits written on a worker, as the autosave does,
        while this thread turns its event loop (a modal progress dialog if it lasts); on a review of
        2,000 components one edit's write held the GUI thread 95-370 ms (most of it waiting for the
        disk). Raises ``SaveConflict`` as :meth:`flush` does. An edit made meanwhile stays pending
        (the autosave writes it). An untitled review's first write is :meth:`flush`'s, and a review
        of the team repository pushes as its document says (on a worker of its own)."""
        from prr_app.review.document import ReviewDocument

        self._timer.stop()
        if not self._dirty:
            return
        with self._save_lock:
            self._adopt_created()
        if not isinstance(self.document, ReviewDocument):
            self.flush()
            return
        from prr_app.persistence.store import SaveConflict
        from prr_app.ui.tasks import wait_for

        document, edits = self.document, self._edits
        try:
            wait_for("Saving", self._save_copy_of, document, self.analysis_copy(), edits,
                     label=f"Saving {document.path.name}…")
        except SaveConflict as e:
            self.conflict = e
            raise
        except PrrError:
            self.file_replaced()  # the reason, kept (the caller says it)
            raise
        self.conflict = None
        self._take_theirs(document)
        if document is not self.document:
            return  # another review since
        if edits >= self._edits:
            self._saved()
        elif self._dirty:
            self._timer.start()  # edited while it was written: the next autosave writes that

    def _saved(self) -> None:
        """Everything up to the last edit is on disk."""
        if self.untitled and not self._side_edited:
            self._write_side(self.document.path, self.source, edited=True)
            self._side_edited = True
        self._set_dirty(False)
        if not self.untitled:
            self.undo_stack.setClean()
        self.sig_saved.emit(str(self.document.path))

    def save_as(self, target: str | Path) -> None:
        """Write the review to ``target`` (a ``.prr``) and continue editing there."""
        target = Path(target)
        if target.suffix.lower() != ".prr":
            target = target.with_suffix(target.suffix + ".prr") if target.suffix else target.with_suffix(".prr")
        from prr_app.review.document import ReviewDocument

        if self.document is not None and target.resolve() == self.document.path.resolve():
            self.flush()
            return
        if self.document is None:
            self._create_recovery()
        with self._save_lock:  # after an autosave under way; none writes this file after it
            self._write_elsewhere(target)
            self._saved_edits = self._edits
        self.conflict = None
        self._dirty = False
        old_untitled, old_path = self.untitled, self.document.path
        self.document.close()
        if old_untitled:
            discard_recovery(old_path)
        self.document = ReviewDocument.open(target)
        # keep editing the same in-memory review (equal to what was just written),
        # so views and the undo history stay valid
        self.document.review = self.review
        self.untitled = False
        self.recovered = False
        self.source = None
        self.replaced = None
        self._watch()  # the new file's
        self.undo_stack.setClean()
        self._set_dirty(False)
        self.sig_saved.emit(str(target))
        self.sig_review_changed.emit({"meta"})

    def save_copy(self, target: str | Path) -> None:
        """Copy the review to ``target`` (SQLite backup API), keep editing here."""
        if self.document is None:
            self._create_recovery()
        self._timer.stop()
        with self._save_lock:
            self._create_recovery()  # (if it has none yet)
            edits = self._edits
            saved_here = self._write_elsewhere(target)
            if saved_here:
                self._saved_edits = edits
        if saved_here:
            self._saved()
        elif self._dirty:
            self._timer.start()  # this file is still to be saved (and will say why it cannot)

    def _write_elsewhere(self, target: Path) -> bool:
        """What this window holds, written to ``target``: the open file saved and copied whole (its
        history, attachments and all, with SQLite's backup API); when the open file cannot be
        written (another program changed the same elements, it was deleted, moved or made
        read-only, another program's rows refuse this window's), the window's review is written to
        ``target`` on its own. Save As is the way out of a file that cannot be saved, so it never
        fails because of that file. A ``target`` that cannot be written raises. Returns whether
        the open file was saved too."""
        from prr_app.review.document import save_review

        try:
            if self.file_replaced() is not None:
                # another review in the file: a copy of the file would be that review, not this one
                # (a save with nothing to write does not look at the file)
                raise PrrError(f"not saved: {self.replaced}", file=str(self.document.path))
            self.document.save_copy(target)
            return True
        except (PrrError, OSError) as e:
            if Path(target).exists() and Path(target).resolve() == self.document.path.resolve():
                raise
            log.warning("writing %s on its own: the open file could not be saved: %s", target, e)
            save_review(self.review, target, overwrite=True)
            return False

    def analysis_copy(self) -> Review:
        """A copy of the review for the live analysis, in well under a millisecond.

        Commands never change an element in place: :func:`commands._apply`
        puts a fresh copy of the new value into the collection. So new
        collection dicts holding the same element objects are a faithful
        snapshot that later edits cannot touch (a deep copy of a
        200-component review takes ~9 ms of the GUI thread's time).
        """
        r = self.review
        from dataclasses import fields

        out = {}
        for f in fields(Review):
            v = getattr(r, f.name)
            out[f.name] = dict(v) if isinstance(v, dict) else copy.deepcopy(v)
        return Review(**out)

    def snapshot(self) -> Review:
        """A copy of the review for work on another thread."""
        return copy.deepcopy(self.review)
