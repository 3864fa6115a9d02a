"""One review = one ``.prr`` file: a SQLite database through SQLModel/SQLAlchemy.

Safety rules this module keeps (see docs/file-format.md):

* a file is checked (header, ``application_id``, schema version, integrity)
  before anything could write to it; a file that is not ours, is damaged, or
  comes from a newer version is refused and left byte-for-byte untouched;
* every save is one transaction (rollback journal, ``synchronous=FULL``), so a
  crash leaves the state before or after it;
* migrations run in one transaction after a backup copy is made;
* copies ("Save a Copy", "Save As") use SQLite's backup API into a temporary
  file in the target folder, then an atomic rename.
"""
from __future__ import annotations

import os
import sqlite3
import struct
import tempfile
import threading
from dataclasses import fields
from pathlib import Path

from sqlalchemy import create_engine, delete, event, select, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from prr_app.domain.model import (
    Acceptance,
    AnswerChange,
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    ImportRecord,
    Journey,
    Mitigation,
    Observability,
    OBSERVABILITY_SIGNALS,
    Position,
    RedundancyGroup,
    Review,
    ReviewMeta,
    Risk,
)
from prr_app.errors import PrrError
from prr_app.persistence import tables as T
from prr_app.persistence.migrations import APPLICATION_ID, CURRENT_VERSION, STEPS

SQLITE_MAGIC = b"SQLite format 3\x00"

_open_paths: set[str] = set()
_open_lock = threading.Lock()


class NotAReviewError(PrrError):
    """The file is not a PRR review (or is damaged)."""


class NewerVersionError(PrrError):
    """The file was written by a newer version of the app."""


# ------------------------------------------------------------------ checks
def inspect_header(path: Path) -> tuple[int, int]:
    """Check the SQLite header of ``path`` without SQLite; return (app id, version).

    Must be called before any SQLite connection to the file exists in this
    process (closing a plain file handle drops SQLite's POSIX locks).
    """
    name = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except IsADirectoryError:
        raise NotAReviewError("is a folder, not a review file", file=name) from None
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    if size == 0:
        raise NotAReviewError("empty file (0 bytes), not a PRR review", file=name)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotAReviewError("not a PRR review: the file is not an SQLite database", file=name)
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", head[28:32])[0]
    change_counter, valid_for = struct.unpack(">I", head[24:28])[0], struct.unpack(">I", head[92:96])[0]
    user_version = struct.unpack(">I", head[60:64])[0]
    app_id = struct.unpack(">I", head[68:72])[0]
    if app_id != APPLICATION_ID:
        raise NotAReviewError(
            f"not a PRR review: an SQLite database of another application (application_id {app_id:#010x})",
            file=name,
        )
    if page_size < 512 or page_size & (page_size - 1):
        raise NotAReviewError("damaged review file: invalid page size in the header", file=name)
    if change_counter == valid_for and page_count and size < page_count * page_size:
        raise NotAReviewError(
            f"damaged review file: truncated ({size} bytes, the header says {page_count * page_size})",
            file=name,
        )
    if user_version > CURRENT_VERSION:
        raise NewerVersionError(
            f"written by a newer PRR Workbench (file schema {user_version}, this version reads up to "
            f"{CURRENT_VERSION}); update PRR Workbench to open it",
            file=name,
        )
    return app_id, user_version


def _connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    uri = "file:" + _uri_path(path) + ("?mode=ro" if readonly else "?mode=rw")
    con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA trusted_schema=OFF")
    if not readonly:
        con.execute("PRAGMA synchronous=FULL")
    return con


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def _integrity_check(path: Path) -> set[str]:
    """Run SQLite's quick_check; return the names of the tables in the file."""
    hot_journal = Path(str(path) + "-journal").exists() or Path(str(path) + "-wal").exists()
    try:
        # A hot journal must be rolled back (which writes); that needs a read-write
        # connection. The header already showed the file is ours.
        con = _connect(str(path), readonly=not hot_journal)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise NotAReviewError(f"damaged review file: {e}", file=str(path)) from None
    if rows != [("ok",)]:
        raise NotAReviewError(f"damaged review file: {rows[0][0]}", file=str(path))
    return tables


# ------------------------------------------------------------------ rows
def _row_meta(m: ReviewMeta) -> dict:
    d = {f.name: getattr(m, f.name) for f in fields(m)}
    d["id"] = 1
    d["reviewers"] = list(m.reviewers)
    return d


def _row_component(c: Component) -> dict:
    d = {f.name: getattr(c, f.name) for f in fields(c) if f.name != "observability"}
    for s in OBSERVABILITY_SIGNALS:
        d["obs_" + s] = getattr(c.observability, s)
    for k in ("placement", "shared_domains", "tags"):
        d[k] = list(d[k])
    return d


def _row_plain(obj) -> dict:
    d = {f.name: getattr(obj, f.name) for f in fields(obj)}
    for k, v in d.items():
        if isinstance(v, list):
            d[k] = list(v)
    return d


def _row_answer(a: ChecklistAnswer) -> dict:
    d = _row_plain(a)
    d["history"] = [_row_plain(h) for h in a.history]
    return d


def _row_risk(r: Risk) -> dict:
    d = {f.name: getattr(r, f.name) for f in fields(r) if f.name != "acceptance"}
    d["components"] = list(r.components)
    acc = r.acceptance
    d["accepted_by"] = acc.by if acc else None
    d["accepted_at"] = acc.at if acc else None
    d["acceptance_reason"] = acc.reason if acc else None
    d["accepted_until"] = acc.until if acc else None
    return d


def _row_mitigation(m: Mitigation) -> dict:
    return {f.name: getattr(m, f.name) for f in fields(m) if f.name != "risks"}


def review_rows(review: Review) -> dict[str, dict[tuple, dict]]:
    """The review as rows: table name -> primary key -> row dict."""
    rows: dict[str, dict[tuple, dict]] = {t.__tablename__: {} for t in T.TABLES}
    rows["review"][(1,)] = _row_meta(review.meta)
    rows["component"] = {(k,): _row_component(c) for k, c in review.components.items()}
    rows["dependency"] = {(d.source, d.target): _row_plain(d) for d in review.dependencies.values()}
    rows["redundancy_group"] = {(k,): _row_plain(g) for k, g in review.groups.items()}
    rows["failure_domain"] = {(k,): _row_plain(d) for k, d in review.domains.items()}
    rows["journey"] = {(k,): _row_plain(j) for k, j in review.journeys.items()}
    rows["checklist_answer"] = {(k,): _row_answer(a) for k, a in review.answers.items()}
    rows["risk"] = {(k,): _row_risk(r) for k, r in review.risks.items()}
    rows["mitigation"] = {(k,): _row_mitigation(m) for k, m in review.mitigations.items()}
    rows["risk_mitigation"] = {
        (m.id, rid): {"mitigation_id": m.id, "risk_id": rid, "position": i}
        for m in review.mitigations.values()
        for i, rid in enumerate(m.risks)
    }
    rows["layout"] = {(k,): {"element": k, "x": float(p.x), "y": float(p.y)} for k, p in review.layout.items()}
    rows["import_record"] = {(k,): _row_plain(r) for k, r in review.imports.items()}
    return rows


def review_from_rows(rows: dict[str, list[dict]]) -> Review:
    review = Review()
    for r in rows["review"]:
        r = dict(r)
        r.pop("id")
        review.meta = ReviewMeta(**r)
    obs_names = {"obs_" + s for s in OBSERVABILITY_SIGNALS}
    for r in rows["component"]:
        obs = Observability(**{s: r["obs_" + s] for s in OBSERVABILITY_SIGNALS})
        c = Component(**{k: v for k, v in r.items() if k not in obs_names})
        c.observability = obs
        review.components[c.id] = c
    for r in rows["dependency"]:
        d = Dependency(**r)
        review.dependencies[d.id] = d
    for r in rows["redundancy_group"]:
        review.groups[r["id"]] = RedundancyGroup(**r)
    for r in rows["failure_domain"]:
        review.domains[r["id"]] = FailureDomain(**r)
    for r in rows["journey"]:
        review.journeys[r["id"]] = Journey(**r)
    for r in rows["checklist_answer"]:
        r = dict(r)
        hist = [AnswerChange(**h) for h in r.pop("history")]
        review.answers[r["item"]] = ChecklistAnswer(**r, history=hist)
    for r in rows["risk"]:
        r = dict(r)
        acc = None
        by, at, why, until = (r.pop(k) for k in ("accepted_by", "accepted_at", "acceptance_reason", "accepted_until"))
        if by is not None:
            acc = Acceptance(by=by, at=at, reason=why or "", until=until)
        review.risks[r["id"]] = Risk(**r, acceptance=acc)
    for r in rows["mitigation"]:
        review.mitigations[r["id"]] = Mitigation(**r)
    links = sorted(rows["risk_mitigation"], key=lambda r: (r["mitigation_id"], r["position"]))
    for r in links:
        review.mitigations[r["mitigation_id"]].risks.append(r["risk_id"])
    for r in rows["layout"]:
        review.layout[r["element"]] = Position(r["x"], r["y"])
    for r in rows["import_record"]:
        review.imports[r["id"]] = ImportRecord(**r)
    return review


# ------------------------------------------------------------------ store
class ReviewStore:
    """An open ``.prr`` file. Use :func:`open_store` or :func:`create_store`."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._snapshot: dict[str, dict[tuple, dict]] | None = None
        p = str(self.path)
        self.engine = create_engine(
            "sqlite://",
            creator=lambda: _connect(p, readonly=readonly),
            poolclass=StaticPool,
        )

        @event.listens_for(self.engine, "begin")
        def _begin(conn):  # the documented recipe for real SQLite transactions
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        self._closed = False

    # -- reading -----------------------------------------------------
    def read_rows(self) -> dict[str, list[dict]]:
        with self._lock, self.engine.connect() as conn:
            with conn.begin():
                out = {}
                for t in T.TABLES:
                    table = t.__table__
                    res = conn.execute(select(table).order_by(*table.primary_key.columns))
                    out[table.name] = [dict(r._mapping) for r in res]
        return out

    def load(self) -> Review:
        """Read the whole review."""
        try:
            review = review_from_rows(self.read_rows())
        except (TypeError, KeyError, ValueError, SQLAlchemyError) as e:
            raise NotAReviewError(f"damaged review file: unexpected content ({e})", file=str(self.path)) from None
        self._snapshot = review_rows(review)
        return review

    # -- writing -----------------------------------------------------
    def save(self, review: Review) -> int:
        """Write ``review`` in one transaction; only changed rows are touched.

        Returns the number of rows written or deleted.
        """
        if self.readonly:
            raise PrrError("the review is open read-only", file=str(self.path))
        new = review_rows(review)
        with self._lock:
            old = self._snapshot
            if old is None:
                old = review_rows(review_from_rows(self.read_rows()))
            changes = 0
            with self.engine.begin() as conn:
                # deletes child-first, upserts parent-first
                for t in reversed(T.TABLES):
                    table = t.__table__
                    gone = [k for k in old[table.name] if k not in new[table.name]]
                    if gone:
                        pk = list(table.primary_key.columns)
                        for i in range(0, len(gone), 400):
                            chunk = gone[i : i + 400]
                            if len(pk) == 1:
                                conn.execute(delete(table).where(pk[0].in_([k[0] for k in chunk])))
                            else:
                                conn.execute(delete(table).where(tuple_(*pk).in_(chunk)))
                        changes += len(gone)
                for t in T.TABLES:
                    table = t.__table__
                    oldt, newt = old[table.name], new[table.name]
                    fresh = [r for k, r in newt.items() if k not in oldt]
                    changed = [r for k, r in newt.items() if k in oldt and oldt[k] != r]
                    if fresh:
                        conn.execute(table.insert(), fresh)
                    if changed:
                        pk_names = [c.name for c in table.primary_key.columns]
                        stmt = sqlite_insert(table)
                        stmt = stmt.on_conflict_do_update(
                            index_elements=pk_names,
                            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in pk_names},
                        )
                        conn.execute(stmt, changed)
                    changes += len(fresh) + len(changed)
            self._snapshot = new
        return changes

    def backup_to(self, target: str | Path) -> None:
        """Copy the review to ``target`` with SQLite's backup API, atomically."""
        target = Path(target)
        folder = target.parent if str(target.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                with self._lock:
                    raw = self.engine.raw_connection()
                    try:
                        raw.driver_connection.backup(dst)
                    finally:
                        raw.close()
                dst.execute("PRAGMA synchronous=FULL")
            finally:
                dst.close()
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def close(self) -> None:
        if not self._closed:
            self.engine.dispose()
            self._closed = True
            with _open_lock:
                _open_paths.discard(_key(self.path))

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _register(path: Path) -> None:
    with _open_lock:
        k = _key(path)
        if k in _open_paths:
            raise PrrError("this review is already open", file=str(path))
        _open_paths.add(k)


def _init_schema(con: sqlite3.Connection, from_version: int) -> None:
    """Apply migration steps in one transaction (DDL included)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        for v in range(from_version + 1, CURRENT_VERSION + 1):
            for stmt in STEPS[v]:
                con.execute(stmt)
        con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        con.execute(f"PRAGMA user_version={CURRENT_VERSION}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def open_store(path: str | Path, *, readonly: bool = False, backup_before_migrate: bool = True) -> ReviewStore:
    """Open an existing review file after checking it is one we can read."""
    path = Path(path)
    if not path.exists():
        raise PrrError("no such file", file=str(path))
    _register(path)
    try:
        _app, version = inspect_header(path)
        tables = _integrity_check(path)
        missing = {t.__tablename__ for t in T.TABLES} - tables
        if version == CURRENT_VERSION and missing:
            raise NotAReviewError(f"damaged review file: missing tables {', '.join(sorted(missing))}", file=str(path))
        if version < CURRENT_VERSION:
            if readonly:
                raise PrrError(
                    f"the file uses an older schema ({version}); open it writable to upgrade it", file=str(path)
                )
            if version < 1:
                raise NotAReviewError("not a PRR review: no schema version", file=str(path))
            if backup_before_migrate:
                bak = path.with_name(path.name + f".v{version}.bak")
                src = _connect(str(path), readonly=True)
                dst = sqlite3.connect(str(bak))
                try:
                    src.backup(dst)
                finally:
                    src.close()
                    dst.close()
            con = _connect(str(path))
            try:
                _init_schema(con, version)
            finally:
                con.close()
        store = ReviewStore(path, readonly=readonly)
        store.load()  # proves the content is readable, fills the snapshot
        return store
    except BaseException:
        with _open_lock:
            _open_paths.discard(_key(path))
        raise


def create_store(path: str | Path, review: Review | None = None, *, overwrite: bool = False) -> ReviewStore:
    """Create a new review file (atomically: built aside, then renamed into place)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise PrrError("already exists", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise PrrError(f"no such folder: {folder}", file=str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("PRAGMA synchronous=FULL")
            _init_schema(con, 0)
        finally:
            con.close()
        tmp_store = ReviewStore(Path(tmp))
        try:
            tmp_store._snapshot = {t.__tablename__: {} for t in T.TABLES}
            tmp_store.save(review if review is not None else Review())
        finally:
            tmp_store.engine.dispose()
        os.replace(tmp, path)
    except BaseException:
        for p in (tmp, tmp + "-journal"):
            try:
                os.unlink(p)
            except OSError:
                pass
        raise
    return open_store(path)
