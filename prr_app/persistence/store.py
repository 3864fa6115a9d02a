"""One review = one ``.prr`` file: a SQLite database through SQLModel/SQLAlchemy.

(Reading a review read-only uses :mod:`sqlite3` directly and a plain
description of the tables, :data:`_SCHEMA`, so ``prr summary`` or ``prr report``
on a ``.prr`` file does not import SQLAlchemy; writes go through the engine.)

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

import json
import os
import sqlite3
import struct
import tempfile
import threading
from pathlib import Path

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
    ResiliencePolicy,
    ReviewMeta,
    Risk,
)
from prr_app.errors import PrrError
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
# Rows travel as tuples in table-column order, with JSON columns as text and
# booleans as 0/1: exactly what SQLite stores. The store keeps the tuples it
# last wrote or read, so a save compares tuples and writes only what changed.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _jdump(v) -> str:
    if not v:
        return "[]" if isinstance(v, list) else "{}"
    return _ENCODER.encode(v)


class _Codec:
    def __init__(self, name: str, cols, pk, kinds):
        self.name = name
        self.cols = list(cols)
        self.pk = list(pk)
        self.pk_idx = [self.cols.index(c) for c in self.pk]
        self.kinds = list(kinds)
        self.json_cols = [c for c, k in zip(self.cols, kinds) if k == "json"]
        self.bool_cols = [c for c, k in zip(self.cols, kinds) if k == "bool"]
        cols = ", ".join(self.cols)
        marks = ", ".join("?" for _ in self.cols)
        self.insert_sql = f"INSERT INTO {self.name} ({cols}) VALUES ({marks})"
        upd = ", ".join(f"{c}=excluded.{c}" for c in self.cols if c not in self.pk)
        self.upsert_sql = f"{self.insert_sql} ON CONFLICT({', '.join(self.pk)}) DO UPDATE SET {upd}"
        self.delete_sql = f"DELETE FROM {self.name} WHERE " + " AND ".join(f"{c}=?" for c in self.pk)
        self.select_sql = f"SELECT {cols} FROM {self.name} ORDER BY {', '.join(self.pk)}"

    @classmethod
    def of_model(cls, model) -> "_Codec":
        """The codec of a table class (:mod:`.tables`)."""
        table = model.__table__
        kinds = []
        for c in table.columns:
            t = type(c.type).__name__
            kinds.append("json" if t == "JSON" else "bool" if t == "Boolean" else "float" if t in ("Float", "REAL") else "")
        return cls(table.name, [c.name for c in table.columns], [c.name for c in table.primary_key.columns], kinds)

    def spec(self) -> tuple:
        """This codec as a row of :data:`_SCHEMA`."""
        return (self.name, tuple(self.cols), tuple(self.pk), "".join(_KIND_LETTERS[k] for k in self.kinds))

    def encode(self, d: dict) -> tuple:
        out = []
        for col, kind in zip(self.cols, self.kinds):
            v = d[col]
            if v is not None:
                if kind == "json":
                    v = _jdump(v)
                elif kind == "bool":
                    v = 1 if v else 0
                elif kind == "float":
                    v = float(v)
            out.append(v)
        return tuple(out)

    def decode(self, row: tuple) -> dict:
        d = dict(zip(self.cols, row))
        for col in self.json_cols:
            v = d[col]
            d[col] = None if v is None else [] if v == "[]" else json.loads(v)
        for col in self.bool_cols:
            v = d[col]
            if v is not None:
                d[col] = bool(v)
        return d

    def key(self, row: tuple) -> tuple:
        return tuple(row[i] for i in self.pk_idx)


#: The tables as the codecs see them, parents before children: name, columns
#: in table order, primary key, and per column how it is stored (j: JSON text,
#: b: 0/1, f: float, .: as is). The table classes in :mod:`.tables` say the
#: same (a test compares them) but need SQLModel and SQLAlchemy, about 0.4 s to
#: import, which reading a review does not need.
_SCHEMA = (
    ("review", ("id", "system_name", "description", "reviewers", "review_date", "milestone", "target_launch", "tier",
                "checklist_template", "checklist_version", "resilience_policy"), ("id",), "...j......j"),
    ("component", ("id", "name", "kind", "description", "owner", "tier", "user_facing", "replicas", "min_healthy",
                   "placement", "shared_domains", "availability", "slo", "rto_minutes", "rpo_minutes", "recovery",
                   "failover_minutes", "backup_interval_minutes", "obs_metrics", "obs_logs", "obs_traces", "obs_alerts",
                   "obs_dashboard", "obs_runbook", "tags", "source", "notes"), ("id",),
     "......b..jjffff.ffbbbbbbj.."),
    ("dependency", ("source", "target", "kind", "fallback", "timeout_ms", "retries", "backoff", "retry_budget",
                    "circuit_breaker", "description", "evidence"), ("source", "target"), "......bbb.j"),
    ("redundancy_group", ("id", "name", "members", "min_up", "notes"), ("id",), "..j.."),
    ("failure_domain", ("id", "name", "kind", "parent", "availability", "notes"), ("id",), "....f."),
    ("journey", ("id", "name", "entry", "slo", "description", "critical"), ("id",), "..jf.b"),
    ("checklist_answer", ("item", "status", "reason", "evidence", "owner", "due", "note", "changed_by", "changed_at",
                          "history"), ("item",), ".........j"),
    ("risk", ("id", "origin", "title", "description", "likelihood", "impact", "override_likelihood", "override_impact",
              "override_reason", "launch_blocking", "components", "owner", "status", "accepted_by", "accepted_at",
              "acceptance_reason", "accepted_until", "launch_blocking_reason"), ("id",), ".........bj......."),
    ("mitigation", ("id", "title", "description", "owner", "due", "status", "effort"), ("id",), "......."),
    ("risk_mitigation", ("mitigation_id", "risk_id", "position"), ("mitigation_id", "risk_id"), "..."),
    ("layout", ("element", "x", "y"), ("element",), ".ff"),
    ("import_record", ("id", "at", "format", "sources", "summary", "report"), ("id",), "...j.j"),
)
_KINDS = {"j": "json", "b": "bool", "f": "float", ".": ""}
_KIND_LETTERS = {v: k for k, v in _KINDS.items()}
_CODECS: dict[str, _Codec] = {}


def _codecs() -> dict[str, _Codec]:
    """Table name -> codec, parents before children."""
    if not _CODECS:
        built = {name: _Codec(name, cols, pk, [_KINDS[k] for k in kinds]) for name, cols, pk, kinds in _SCHEMA}
        _CODECS.update(built)  # all at once: another thread sees none or all
    return _CODECS


def __getattr__(name: str):
    if name == "CODECS":
        return _codecs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _row_meta(m: ReviewMeta, policy: ResiliencePolicy | None = None) -> dict:
    d = dict(m.__dict__)
    d["id"] = 1
    d["resilience_policy"] = None if policy is None else {
        "survive": list(policy.survive), "rto_minutes": dict(policy.rto_minutes), "rpo_minutes": dict(policy.rpo_minutes)}
    return d


def _row_component(c: Component) -> dict:
    d = dict(c.__dict__)
    obs = d.pop("observability")
    for s in OBSERVABILITY_SIGNALS:
        d["obs_" + s] = getattr(obs, s)
    return d


def _row_answer(a: ChecklistAnswer) -> dict:
    d = dict(a.__dict__)
    d["history"] = [dict(h.__dict__) for h in a.history]
    return d


def _row_risk(r: Risk) -> dict:
    d = dict(r.__dict__)
    acc = d.pop("acceptance")
    d["accepted_by"] = acc.by if acc else None
    d["accepted_at"] = acc.at if acc else None
    d["acceptance_reason"] = acc.reason if acc else None
    d["accepted_until"] = acc.until if acc else None
    return d


def _encode_all(name: str, dicts) -> dict[tuple, tuple]:
    codec = _codecs()[name]
    out = {}
    for d in dicts:
        row = codec.encode(d)
        out[codec.key(row)] = row
    return out


def review_rows(review: Review) -> dict[str, dict[tuple, tuple]]:
    """The review as encoded rows: table name -> primary key -> row tuple."""
    return {
        "review": _encode_all("review", [_row_meta(review.meta, review.policy)]),
        "component": _encode_all("component", map(_row_component, review.components.values())),
        "dependency": _encode_all("dependency", (d.__dict__ for d in review.dependencies.values())),
        "redundancy_group": _encode_all("redundancy_group", (g.__dict__ for g in review.groups.values())),
        "failure_domain": _encode_all("failure_domain", (d.__dict__ for d in review.domains.values())),
        "journey": _encode_all("journey", (j.__dict__ for j in review.journeys.values())),
        "checklist_answer": _encode_all("checklist_answer", map(_row_answer, review.answers.values())),
        "risk": _encode_all("risk", map(_row_risk, review.risks.values())),
        "mitigation": _encode_all("mitigation", (m.__dict__ for m in review.mitigations.values())),
        "risk_mitigation": _encode_all(
            "risk_mitigation",
            (
                {"mitigation_id": m.id, "risk_id": rid, "position": i}
                for m in review.mitigations.values()
                for i, rid in enumerate(m.risks)
            ),
        ),
        "layout": _encode_all("layout", ({"element": k, "x": p.x, "y": p.y} for k, p in review.layout.items())),
        "import_record": _encode_all("import_record", (r.__dict__ for r in review.imports.values())),
    }


def review_from_rows(rows: dict[str, dict[tuple, tuple]]) -> Review:
    """Build the review from encoded rows (as read from the file)."""
    review = Review()
    codecs = _codecs()

    def dicts(name):
        codec = codecs[name]
        return [codec.decode(r) for r in rows[name].values()]

    for r in dicts("review"):
        r.pop("id")
        pol = r.pop("resilience_policy", None)
        review.meta = ReviewMeta(**r)
        if pol is not None:
            review.policy = ResiliencePolicy(survive=list(pol.get("survive", [])),
                                             rto_minutes=dict(pol.get("rto_minutes", {})),
                                             rpo_minutes=dict(pol.get("rpo_minutes", {})))
    obs_names = ["obs_" + s for s in OBSERVABILITY_SIGNALS]
    for r in dicts("component"):
        obs = Observability(*(r.pop(k) for k in obs_names))
        c = Component(**r)
        c.observability = obs
        review.components[c.id] = c
    for r in dicts("dependency"):
        d = Dependency(**r)
        review.dependencies[d.id] = d
    for r in dicts("redundancy_group"):
        review.groups[r["id"]] = RedundancyGroup(**r)
    for r in dicts("failure_domain"):
        review.domains[r["id"]] = FailureDomain(**r)
    for r in dicts("journey"):
        review.journeys[r["id"]] = Journey(**r)
    for r in dicts("checklist_answer"):
        hist = [AnswerChange(**h) for h in r.pop("history")]
        review.answers[r["item"]] = ChecklistAnswer(**r, history=hist)
    for r in dicts("risk"):
        by, at, why, until = (r.pop(k) for k in ("accepted_by", "accepted_at", "acceptance_reason", "accepted_until"))
        acc = Acceptance(by=by, at=at, reason=why or "", until=until) if by is not None else None
        review.risks[r["id"]] = Risk(**r, acceptance=acc)
    for r in dicts("mitigation"):
        review.mitigations[r["id"]] = Mitigation(**r)
    for r in sorted(dicts("risk_mitigation"), key=lambda r: (r["mitigation_id"], r["position"])):
        review.mitigations[r["mitigation_id"]].risks.append(r["risk_id"])
    for r in dicts("layout"):
        review.layout[r["element"]] = Position(r["x"], r["y"])
    for r in dicts("import_record"):
        review.imports[r["id"]] = ImportRecord(**r)
    return review


# ------------------------------------------------------------------ store
class ReviewStore:
    """An open ``.prr`` file. Use :func:`open_store` or :func:`create_store`."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._snapshot: dict[str, dict[tuple, tuple]] | None = None
        self._loaded: Review | None = None  # read when the file was opened, not yet handed out
        self._engine = None
        self._closed = False

    @property
    def engine(self):
        """The SQLAlchemy engine on the file, made on first use.

        A read-only store never needs one (it reads with :mod:`sqlite3`
        directly), so opening a review to read it does not import SQLAlchemy.
        """
        if self._engine is None:
            from sqlalchemy import create_engine, event
            from sqlalchemy.pool import StaticPool

            p, readonly = str(self.path), self.readonly
            engine = create_engine("sqlite://", creator=lambda: _connect(p, readonly=readonly), poolclass=StaticPool)

            @event.listens_for(engine, "begin")
            def _begin(conn):  # the documented recipe for real SQLite transactions
                conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

            self._engine = engine
        return self._engine

    # -- reading -----------------------------------------------------
    def read_rows(self) -> dict[str, dict[tuple, tuple]]:
        """Every row of every table, in one read transaction."""
        out = {}
        with self._lock:
            if self.readonly and self._engine is None:
                con = _connect(str(self.path), readonly=True)
                try:
                    con.execute("BEGIN")
                    try:
                        for name, codec in _codecs().items():
                            rows = con.execute(codec.select_sql).fetchall()
                            out[name] = {codec.key(r): r for r in rows}
                    finally:
                        con.execute("ROLLBACK")  # read only: nothing to keep
                finally:
                    con.close()
                return out
            with self.engine.connect() as conn:
                with conn.begin():
                    for name, codec in _codecs().items():
                        rows = conn.exec_driver_sql(codec.select_sql).fetchall()
                        out[name] = {codec.key(r): tuple(r) for r in rows}
        return out

    def load(self) -> Review:
        """Read the whole review."""
        if self._loaded is not None:  # read moments ago by open_store
            review, self._loaded = self._loaded, None
            return review
        errors: tuple = (TypeError, KeyError, ValueError, sqlite3.Error)
        if not self.readonly or self._engine is not None:
            from sqlalchemy.exc import SQLAlchemyError

            errors += (SQLAlchemyError,)
        try:
            rows = self.read_rows()
            review = review_from_rows(rows)
        except errors as e:
            raise NotAReviewError(f"damaged review file: unexpected content ({e})", file=str(self.path)) from None
        self._snapshot = rows
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
            old = self._snapshot if self._snapshot is not None else self.read_rows()
            changes = 0
            codecs = _codecs()
            with self.engine.begin() as conn:
                # deletes child-first, inserts and updates parent-first
                for name in reversed(list(codecs)):
                    gone = [k for k in old[name] if k not in new[name]]
                    if gone:
                        conn.exec_driver_sql(codecs[name].delete_sql, gone)
                        changes += len(gone)
                for name, codec in codecs.items():
                    oldt, newt = old[name], new[name]
                    fresh = [r for k, r in newt.items() if k not in oldt]
                    changed = [r for k, r in newt.items() if k in oldt and oldt[k] != r]
                    if fresh:
                        conn.exec_driver_sql(codec.insert_sql, fresh)
                    if changed:
                        conn.exec_driver_sql(codec.upsert_sql, changed)
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
            if self._engine is not None:
                self._engine.dispose()
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


def open_store(
    path: str | Path, *, readonly: bool = False, backup_before_migrate: bool = True, _snapshot=None
) -> ReviewStore:
    """Open an existing review file after checking it is one we can read.

    ``_snapshot`` (internal): the rows just written by :func:`create_store`,
    which spares reading them back.
    """
    path = Path(path)
    if not path.exists():
        raise PrrError("no such file", file=str(path))
    _register(path)
    try:
        _app, version = inspect_header(path)
        tables = _integrity_check(path)
        missing = set(_codecs()) - tables
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
        if _snapshot is not None:
            store._snapshot = _snapshot
        else:
            store._loaded = store.load()  # proves the content is readable, fills the snapshot
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
            tmp_store._snapshot = {name: {} for name in _codecs()}
            tmp_store.save(review if review is not None else Review())
            written = tmp_store._snapshot
        finally:
            if tmp_store._engine is not None:
                tmp_store._engine.dispose()
        os.replace(tmp, path)
    except BaseException:
        for p in (tmp, tmp + "-journal"):
            try:
                os.unlink(p)
            except OSError:
                pass
        raise
    return open_store(path, _snapshot=written)
