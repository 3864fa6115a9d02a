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

import functools
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
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
from prr_app.ui.tasks import deliver, post, start_pump

log = logging.getLogger(__name__)

#: How often the listener tries the server again while it is away (ms).
RETRY_MS = 1000


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

    :meth:`push` may run on any thread: it talks to the database and writes the local copy,
    and tells the window what happened through the link's queued signal (the GUI thread then
    takes the others' changes into the open review, as one set of element changes)."""

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
        refusal by the database is raised (with who may do it)."""
        from prr_app.teamrepo.repository import ConflictError

        if review is None:
            review = self.link.session.analysis_copy()
        emit = functools.partial(deliver, self.link.sig_event.emit)  # save may run on the autosave worker
        with self._lock:
            if self.link.offline and pick is None and not retry:  # the listener says when it is back
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
                raise PrrError(_refusal(e.message), file=e.file, location=e.location) from None
            self.pending = False
            emit("merged", (review, self.doc.review))
            return written

    def refresh(self) -> None:
        """Take in what others committed, when there is nothing here to push (a pull: cheaper
        than a merge-push). In the GUI thread."""
        mine = self.link.session.analysis_copy()
        with self._lock:
            try:
                pulled = self.doc.repo.pull(self.doc.name)
            except PrrError as e:
                if getattr(e, "unreachable", False):
                    self.link.sig_event.emit("offline", str(e))
                    return
                raise
            self.doc.version, self.doc.review = pulled.version, pulled.review
        self.link.sig_event.emit("merged", (mine, pulled.review))

    def keep_local(self, review: Review) -> None:
        """Write ``review`` to the local copy: nothing is lost whatever the server does."""
        from prr_app.review.document import save_review

        self.pending = True
        if self.local is None:
            safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.name)
            self.local = local_copy_dir() / f"{safe}.{os.getpid()}.prr"
        save_review(review, self.local, overwrite=True)

    def save_copy(self, target) -> None:
        """File > Save As / Save a Copy: the open review (its origin included) as a ``.prr``."""
        from prr_app.review.document import save_review

        save_review(self.link.session.review, target, overwrite=True)

    def close(self) -> None:
        self.doc.close()
        self.link.detached(self)
        if self.local is not None and not self.pending:
            self.local.unlink(missing_ok=True)


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
                if online:
                    online = False
                    self.emit("offline", str(e))
                self.stop.wait(RETRY_MS / 1000)
            except Exception as e:  # noqa: BLE001 - never let the thread die silently
                log.exception("repository listener")
                if online:
                    online = False
                    self.emit("offline", str(e))
                self.stop.wait(RETRY_MS / 1000)


class RepoLink(QObject):
    """The window's connection to the repository: opening, saving, live changes, conflicts,
    offline work. ``ask_conflicts`` and ``notify`` are replaced by tests."""

    sig_event = Signal(str, object)  # from the listener thread, delivered in the GUI thread
    sig_state = Signal(str)  # a one-line state for the status bar

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.document: LiveRepoDocument | None = None
        self.url: str | None = None
        self.offline = False
        self._back = False  # the server just came back: say so once the edits are in
        self.conflicts = []
        self._listener: _Listener | None = None
        self.label = QLabel("")
        window.statusBar().addPermanentWidget(self.label)
        self.sig_event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self.sig_state.connect(self.label.setText)
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
        self.offline, self.conflicts = False, []
        self._start_listening()
        self._say()

    def save_to_repository(self, name: str | None = None) -> bool:
        """Push the window's review as a review new to the repository and keep editing it there."""
        from prr_app.teamrepo.address import RepoDocument
        from prr_app.teamrepo.repository import default_name

        if self.document is not None and self.session.document is self.document:
            self.session.flush()
            return True
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Save to Repository", "Name in the repository:",
                                            text=default_name(self.session.review))
            if not ok or not name.strip():
                return False
        try:
            with self._repository() as repo:
                review = self.session.snapshot()
                review.milestones = {}  # kept in files: the window's file keeps them
                repo.push(review, name=name.strip())
            doc = RepoDocument.open(f"repo:{name.strip()}", url=self.url)
        except PrrError as e:
            self.notify("Cannot save to the repository", str(e))
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
            if name == self.document.name and version > self.document.version:
                self.sync()
        elif kind == "offline":
            self.went_offline(payload)
        elif kind == "online":
            self.offline, self._back = False, True
            self.sync()

    def sync(self) -> None:
        """Bring the open review and the repository together: push the edits not there yet and
        take in the others' (one merge). Quiet when the server is still away."""
        doc = self.document
        if doc is None or self.conflicts:
            return
        try:
            if self.session.dirty or doc.pending:
                doc.save(retry=True)  # the open review's edits, saved or not: the autosave after is a no-op
            else:
                doc.refresh()
        except PrrError as e:
            self.notify("Not saved to the repository", str(e))

    def merged(self, pushed: Review, result: Review) -> None:
        """A push succeeded: ``result`` is the repository's review now, ``pushed`` what was sent.
        What others changed (``pushed`` -> ``result``) is applied to the open review, whatever the
        user edited meanwhile (not on the undo stack: it is not the user's edit)."""
        from prr_app.review.edits import apply_changes, review_changes

        changes = review_changes(pushed, result, current=self.session.review)
        apply_changes(self.session.review, changes)
        changed = {c.coll for c in changes}
        was_offline, self._back = self.offline or self._back, False
        self.offline = False
        if changed:
            self.session.sig_review_changed.emit(changed)
        self._say("Back online: your edits are in the repository" if was_offline else "")

    def went_offline(self, message: str | PrrError) -> None:
        if self.document is None:
            return
        self.offline = True
        self._say()

    def conflicted(self, error) -> None:
        self.conflicts = list(error.conflicts)
        self._say()
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        doc = self.document
        if doc is None or not self.conflicts:
            return
        pick = self.ask_conflicts(self.conflicts)
        if pick is None:  # decided later: the edits stay in the window and the local copy
            self._say()
            return
        self.conflicts = []
        try:
            doc.save(pick=pick)
        except PrrError as e:
            self.notify("Not saved to the repository", str(e))

    def _say(self, extra: str = "") -> None:
        doc = self.document
        if doc is None:
            self.sig_state.emit("")
            return
        if self.conflicts:
            text = f"repo:{doc.name}: {len(self.conflicts)} conflict(s) to settle; your edits are kept"
        elif self.offline:
            where = f" ({doc.local})" if doc.local else ""
            text = (f"Repository unreachable: working on a local copy{where}; it syncs when the server is back "
                    f"(File > Save As keeps a .prr)")
        else:
            text = extra or f"repo:{doc.name} version {doc.version}: live"
        self.sig_state.emit(text)

    # ---------------------------------------------------------- asking the user (tests replace these)
    def ask_conflicts(self, conflicts) -> dict | None:
        picker = ConflictPicker(self.window, conflicts)
        return picker.pick() if picker.exec() == QDialog.DialogCode.Accepted else None

    def notify(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

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
        self.session.flush()
        try:
            with self._repository() as repo:
                version = repo.signoff(self.document.name, verdict, note)
        except PrrError as e:
            self.notify("Sign-off refused", _refusal(str(e)))
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


def _refusal(message: str) -> str:
    if "refused by the database" in message:
        return (message + "\n\nOnly an approver of this repository (or of this review) may record the sign-off or "
                "accept a launch-blocking risk. Ask an approver, or the repository's owner for the role.")
    return message


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
        _fill(self.table, [[i.name, i.system, (verdicts.get(i.name) or "-").replace("_", " "), i.updated_by,
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


def _value(v, field) -> str:
    import json

    if field is None:
        return "deleted" if v is None else "changed"
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class PortfolioDialog(QDialog):
    """Every review of the repository: system, verdict, open blockers, SLO attainability,
    checklist progress, acceptances expiring soon, due dates passed."""

    HEADERS = ["Review", "System", "Verdict", "Open blockers", "SLOs not attainable", "Checklist",
               "Acceptances expiring", "Due dates passed", "Launch"]

    def __init__(self, parent, rows: list[dict], where: str = "the repository"):
        super().__init__(parent)
        self.setWindowTitle("Portfolio")
        self.rows = rows
        self.where = where
        self.table = _table(self.HEADERS)
        out = []
        for r in rows:
            if not r.get("verdict"):
                out.append([r["name"], "", "not assessed yet", None, None, None, None, None, None])
                continue
            check = f"{r['checklist_score']:.0f} % ({r['checklist_blockers']} blocker(s) open)" \
                if r["checklist_score"] is not None else "-"
            slo = r["slo_not_attainable"]
            out.append([r["name"], r["system"], r["verdict"].replace("_", " ") + ("" if r["assessed"] else " (stale)"),
                        r["launch_blockers"], len(slo) if slo else "all attainable", check,
                        len(r["acceptances_expiring"]), len(r["overdue"]), r["target_launch"] or "-"])
        _fill(self.table, out)
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
    for a in (link.a_open, link.a_save, None, link.a_signoff, None, link.a_portfolio, link.a_whatif):
        m.addSeparator() if a is None else m.addAction(a)
    return link
