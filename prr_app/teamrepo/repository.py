"""A team repository on PostgreSQL: push, pull, list, history, sign-off.

Every write is one transaction that first locks the review's row in ``repo_review``
(``SELECT ... FOR UPDATE``), so writers to one review take turns and each merges into what
the previous one committed; writers to different reviews do not wait for each other. A push
names the version it started from; the changes made since then by others are merged field by
field (:mod:`prr_app.teamrepo.merge`) and a field changed on both sides is refused as a
:class:`ConflictError` naming who changed it, with nothing written. Every change written is
also a row of the append-only ``repo_change`` history, written by the database itself (schema
0010: triggers on the review tables, which also raise the review's version and notify
listeners), with the database user, the time and the client address.
"""
from __future__ import annotations

import contextlib
import functools
import datetime as _dt
import getpass
import socket
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.model.entities import ImportRecord, Review
from prr_app.errors import PrrError
from prr_app.teamrepo import connection, merge, rows as rowmap, schema
from prr_app.teamrepo.rows import ORIGIN_FORMAT, Rows

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The id of the import record that tells where a pulled review came from.
ORIGIN_ID = "repository-origin"


@functools.cache
def _revisions() -> tuple[str, frozenset]:
    """(the head revision, every known revision) of the migrations shipped with the app."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    return scripts.get_current_head(), frozenset(s.revision for s in scripts.walk_revisions())


class OtherRepositoryError(PrrError):
    """The file was pulled from another repository than the one it is pushed to: merging it
    against this repository's history would lose work, so nothing is written."""

    def __init__(self, name: str, came_from: str, here: str):
        self.name, self.came_from, self.here = name, came_from, here
        super().__init__(f"pulled from repo:{name} in {shown_where(came_from)}, not from this repository "
                         f"({shown_where(here)}): push it to {shown_where(came_from)}, or here as a new review "
                         f"under a name of its own", file=f"repo:{name}")


class ConflictError(PrrError):
    """The same field was changed here and, since the pull, in the repository."""

    #: the command line's exit code for it: 1, as for a gate that did not pass (not bad input)
    exit_code = 1

    def __init__(self, name: str, conflicts: list[merge.Conflict], unwritten: list[merge.Change] = ()):
        self.conflicts = conflicts
        #: the push's other changes (not in conflict), not written either: named so none is forgotten
        self.unwritten = list(unwritten)
        self.details = [f"conflict: {c.describe()}" for c in conflicts]  # printed one a line
        n = len(conflicts)
        others = merge.changes_text(self.unwritten)
        #: the message's first clause: what a dialog says in its one line (the conflicts under it, in full)
        self.summary = (f"{n} conflict{'s' if n != 1 else ''} with changes made in the repository since your "
                        f"version; nothing was written")
        super().__init__(f"{self.summary}: " + "; ".join(c.describe() for c in conflicts[:3])
                         + (" ..." if n > 3 else "")
                         + (f" (nor your {others}, not in conflict)" if others else ""), file=f"repo:{name}")


@dataclass
class ReviewInfo:
    name: str
    system: str
    version: int
    updated_at: str
    updated_by: str
    components: int


@dataclass
class Pulled:
    name: str
    version: int
    review: Review


@dataclass
class Pushed:
    name: str
    version: int  # the repository's version after the push
    review: Review  # the review as the repository now holds it (yours merged with theirs)
    rows: Rows
    written: int  # changes written by this push
    merged: int  # changes by others since your version, now in the result
    created: bool
    by: list[str] = field(default_factory=list)  # who made those changes by others (database users)
    #: what the push could not do and the user must hear (one line each): e.g. the portfolio's
    #: figures not updated because the review's checklist template is not installed here
    warnings: list[str] = field(default_factory=list)


@dataclass
class Delta:
    """What changed in a review since a version (:meth:`Repository.changes_since`)."""

    name: str
    since: int
    version: int  # the review's version now
    elements: list[tuple[str, str]]  # (collection, key) of every element changed since ``since``
    review: Review  # those elements as they are now (a deleted one is absent); nothing else
    by: list[str]  # who changed them (database users), in the order of their first change


@dataclass
class HistoryEntry:
    version: int
    at: str
    by: str
    client_addr: str
    client: str
    element: str
    field: str | None
    old: object
    new: object


def origin(review: Review) -> tuple[str, int] | None:
    """(name, version) of the repository review this one was pulled from, if any."""
    rec = review.imports.get(ORIGIN_ID)
    if rec is None or rec.format != ORIGIN_FORMAT:
        return None
    try:
        return str(rec.report["name"]), int(rec.report["version"])
    except (KeyError, TypeError, ValueError):
        return None


def origin_repository(review: Review) -> tuple[str, str | None] | None:
    """(where, identity) of the repository the review was pulled from: its URL without user or
    password, and the database's identity (:meth:`Repository._identity`) when it was recorded."""
    if origin(review) is None:
        return None
    report = review.imports[ORIGIN_ID].report
    where = report.get("repository")
    if not isinstance(where, str) or not where:
        return None
    ident = report.get("repository_id")
    return where, (ident if isinstance(ident, str) and ident else None)


def mark_origin(review: Review, name: str, version: int, where: str, identity: str | None = None) -> None:
    """Record in the review (an import record) the repository version it now matches. Without
    ``identity``, the one recorded before for the same repository is kept."""
    old = origin_repository(review)
    if identity is None and old is not None and old[0] == where:
        identity = old[1]
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    report = {"repository": where, "name": name, "version": version}
    if identity:
        report["repository_id"] = identity
    review.imports[ORIGIN_ID] = ImportRecord(
        id=ORIGIN_ID, at=now, format=ORIGIN_FORMAT, sources=[f"{where}#{name}"],
        summary=f"repository review {name}, version {version}", report=report,
    )


def shown_where(where: str) -> str:
    """A recorded repository URL as a user passes it: ``postgresql://host:port/db`` (no user or
    password are recorded; the SQLAlchemy driver name is left out)."""
    return where.replace("postgresql+psycopg://", "postgresql://", 1)


def _target(where: str) -> tuple | None:
    """(host, port, database) a repository URL names, user and password aside (a Unix socket's
    folder is its host); None when it does not parse."""
    try:
        u = connection.parse_url(where)
    except PrrError:
        return None
    q = u.query
    host = u.host or q.get("host") or ""
    port = u.port or q.get("port") or 5432
    if isinstance(host, tuple):
        host = ",".join(host)
    if isinstance(port, tuple):
        port = ",".join(map(str, port))
    return host, str(port), u.database or q.get("dbname") or q.get("service") or ""


class ChangeListener:
    """(name, version) of each review change committed after it started, on its own connection.
    For the app: iterate in a worker thread and hand the plain tuples to the window."""

    def __init__(self, repo: "Repository"):
        import psycopg

        self._u, self._url = repo._u, repo.url
        conninfo = repo._u.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            self._conn = psycopg.connect(conninfo, autocommit=True, application_name="prr-workbench",
                                         password=repo.engine.url.password, connect_timeout=10)
            self._conn.execute("LISTEN prr_review")
        except psycopg.Error as e:
            raise connection.database_error(e, self._url, doing="cannot listen for changes") from None

    def changes(self, *, timeout: float | None = None):
        """Yield (name, version) until ``timeout`` seconds have passed (None: until closed)."""
        import psycopg

        try:
            for note in self._conn.notifies(timeout=timeout):
                version, _, name = note.payload.partition(" ")
                yield name, int(version)
        except psycopg.Error as e:
            raise connection.database_error(e, self._url, doing="cannot listen for changes") from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def refusal_reason(said: str) -> str:
    """What the user lacks for what the database refused (``said``: its message, SQLSTATE 42501),
    as a sentence to append: the rights the refusal is about, never a role it is not about."""
    import re

    low = said.lower()
    if "only an approver" in low:
        return (". Only an approver of this repository (or of this review) may do that: ask an approver, or "
                "the repository's owner for the role")
    if "only the reviewers of this review" in low:
        return (". This review lists its own members (prr repo role) and you are not one of its reviewers or "
                "approvers: ask the repository's owner to add you")
    table = re.search(r'permission denied for (?:table|relation) "?([\w.]+)', said, re.I)
    if table and table.group(1) == "repo_signoff":
        return (". Only an approver of this repository may record the sign-off: ask an approver, or the "
                "repository's owner for the role")
    if table and table.group(1) == "repo_review_role":
        return ". Only the repository's owner may give roles on a review"
    if table or "permission denied" in low:
        return (". Your login may read this repository but not write to it (a viewer): ask the repository's "
                "owner for the reviewer role")
    return ""


def _not_in_conflict(base: Rows, mine: Rows, conflicts: list[merge.Conflict]) -> list[merge.Change]:
    """Your changes (since ``base``) that no conflict is about: not written either, since a push
    is written whole or not at all."""
    rows = {(c.table, c.key) for c in conflicts}  # an element in conflict is named by its conflict...
    fields = {(c.table, c.key, c.field) for c in conflicts}
    # a conflict of a whole row: a deleted one, or an answer (one statement, settled whole)
    whole = {(c.table, c.key) for c in conflicts if c.field is None or c.rows}
    # ... but for its other fields, which merged
    return [c for c in merge.diff(base, mine) if (c.table, c.key) not in whole
            and (c.table, c.key, c.field) not in fields and not (c.field is None and (c.table, c.key) in rows)]


#: How long one part of a message may be before the command line cuts it (prr_app/errors.py).
_ONE_LINE = 400


def _say_nothing_written(err: PrrError, changes: list[merge.Change]) -> None:
    """A push the database refused for one row: say, right after the database's words, that none of
    it was written, and name the other changes that went with it (the refused row is named by the
    database's message, and is not one of them). The message is one line the command line cuts at
    :data:`_ONE_LINE` characters: fewer changes are named, then only their number, so that what the
    user lacks (said last) is never cut."""
    import re

    # "(risk spof:component:cart-db: a single point of failure)" or "(risk ID)": a risk's id has
    # colons of its own, the database's reason follows ": "
    m = re.search(r"\((risk|review) (.+?)(?:: [^)]*)?\)", err.message)
    refused = m.group(2) if m and m.group(1) == "risk" else None
    others = [c for c in changes if not (refused is not None and c.table in ("risk", "risk_mitigation")
                                          and refused in (c.key[0], c.key[-1]))]
    at = m.end() if m else len(err.message)
    named = [merge.changes_text(others, first=n) for n in (2, 1)]
    # "3 other changes: a, b and 1 more" -> "3 other changes" (their number alone)
    notes = [*named, named[0].split(":", 1)[0] + ", still in your file"] if named[0] else [""]
    for text in notes:
        note = "; none of this push was written" + (f", nor your {text}" if text else "")
        message = err.message[:at] + note + err.message[at:]
        if len(message) <= _ONE_LINE:
            break
    err.message = message


def _client() -> str:
    from prr_app import __version__

    try:
        user = getpass.getuser()
    except Exception:
        user = "?"
    return f"prr-workbench {__version__}, {user} on {socket.gethostname()}"


def _check_name(name: str) -> str:
    if not name or len(name) > 200 or any(ord(ch) < 32 or ch == "\x7f" for ch in name) or name != name.strip():
        raise PrrError(f"invalid review name {name!r}: 1 to 200 printable characters, no surrounding spaces")
    return name


def default_name(review: Review) -> str:
    """A repository name for a review that has none yet: its system name as a slug."""
    from prr_app.model.validation import make_id

    return make_id(review.meta.system_name or "review") or "review"


class Repository:
    """A connection to one repository (a PostgreSQL database). Close it when done."""

    def __init__(self, url: str):
        self.url = url
        self._u = connection.parse_url(url)
        # what is recorded of the URL (a pulled file's origin): no user, no password
        self.where = self._u._replace(username=None, password=None).render_as_string(hide_password=True)
        #: what messages show: the URL as the user gave it, password hidden
        self.shown = connection.safe_url(url)
        self._engine = None
        self._ident: str | None = None  # the database's identity, once asked (see _identity)

    @property
    def engine(self):
        if self._engine is None:
            self._engine = connection.create_engine(self.url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextlib.contextmanager
    def _db(self, doing: str):
        """Database errors as one-line :class:`PrrError` without credentials."""
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            yield
        except PrrError:
            raise
        except DBAPIError as e:
            raise self._error(e, doing) from None
        except SQLAlchemyError as e:
            raise connection.database_error(e, self.url, doing=doing) from None

    def _error(self, e, doing: str) -> PrrError:
        orig = getattr(e, "orig", None)
        state = getattr(orig, "sqlstate", None) or ""
        err = connection.database_error(e, self.url, doing=doing)
        if state == "42501":  # insufficient_privilege
            said = connection.scrub(str(orig).splitlines()[0], self._u)
            err.message = f"{doing}: refused by the database: {said}" + refusal_reason(said)
        elif orig is None and not err.refused and not err.unreachable:  # the connection itself went
            err.message = f"{doing}: cannot reach the repository: " + connection.scrub(" ".join(str(e).split()),
                                                                                      self._u)
            err.unreachable = True
        return err

    # -- schema --------------------------------------------------------
    def _alembic(self, conn):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        return cfg

    def init(self, *, to: str = "head") -> tuple[str | None, str]:
        """Create or upgrade the repository's schema; (revision before, revision after)."""
        from alembic import command

        with self._db("cannot set up the repository"):
            with self.engine.begin() as conn:
                before = self._revision(conn)
                command.upgrade(self._alembic(conn), to)
                after = self._revision(conn)
        return before, after

    @staticmethod
    def _revision(conn) -> str | None:
        from sqlalchemy import text

        exists = conn.execute(text("SELECT to_regclass('repo_schema_version') IS NOT NULL")).scalar()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM repo_schema_version")).scalar()

    @staticmethod
    def head() -> str:
        """The schema revision this version of the app uses."""
        return _revisions()[0]

    def _check(self, conn) -> None:
        rev = self._revision(conn)
        if rev is None:
            raise PrrError("not a PRR repository (no PRR tables): run 'prr repo init' on it first", file=self.shown)
        head, known = _revisions()
        if rev != head:
            if rev not in known:
                raise PrrError(f"the repository was set up by a newer PRR Workbench (schema {rev}); update the app",
                               file=self.shown)
            raise PrrError(f"the repository's schema is older ({rev}, this version uses {head}): run "
                           f"'prr repo init' to upgrade it", file=self.shown)

    def _identity(self, conn) -> str | None:
        """The database's identity: the server cluster's system identifier (shared by its streaming
        replicas) and the database's oid. Stable whatever the URL (host name, address or socket)
        and whoever logs in. None when the server does not say (a role not allowed to ask)."""
        if self._ident is None:
            try:
                with conn.begin_nested():
                    self._ident = conn.exec_driver_sql(
                        "SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())::text").scalar() or ""
            except Exception:  # noqa: BLE001 - not allowed to ask: the URL decides instead (asked again next time)
                return None
        return self._ident or None

    def _check_origin(self, conn, review: Review, name: str) -> None:
        """Refuse a review pulled (as ``name``) from another repository than this one."""
        came = origin(review)
        recorded = origin_repository(review)
        if came is None or recorded is None or came[0] != name:
            return
        where, ident = recorded
        here = self._identity(conn)
        same = ident == here if ident and here else _target(where) == _target(self.where)
        if not same:
            raise OtherRepositoryError(name, where, self.where)

    # -- reading -------------------------------------------------------
    def list(self) -> list[ReviewInfo]:
        from sqlalchemy import func, select

        rr, meta, comp = schema.repo_review, schema.REVIEW_TABLES["review"], schema.REVIEW_TABLES["component"]
        counts = select(comp.c.review_id, func.count().label("n")).group_by(comp.c.review_id).subquery()
        q = (select(rr.c.name, meta.c.system_name, rr.c.version, rr.c.updated_at, rr.c.updated_by, counts.c.n)
             .select_from(rr.outerjoin(meta, meta.c.review_id == rr.c.id)
                          .outerjoin(counts, counts.c.review_id == rr.c.id))
             .order_by(rr.c.name))
        with self._db("cannot list the repository"):
            with self.engine.begin() as conn:
                self._check(conn)
                return [ReviewInfo(r.name, r.system_name or "", r.version, r.updated_at.isoformat(), r.updated_by,
                                   r.n or 0) for r in conn.execute(q)]

    def _find(self, conn, name: str, *, lock: bool = False):
        from sqlalchemy import select

        rr = schema.repo_review
        q = select(rr.c.id, rr.c.version).where(rr.c.name == name)
        if lock:
            q = q.with_for_update()
        return conn.execute(q).first()

    @staticmethod
    def _read_rows(conn, review_id: int) -> Rows:
        from sqlalchemy import select

        out: Rows = {}
        for name, table in schema.REVIEW_TABLES.items():
            cols, key = schema.COLUMNS[name], schema.KEYS[name]
            q = (select(*[table.c[c] for c in cols]).where(table.c.review_id == review_id)
                 .order_by(*[table.c[k] for k in key]))
            idx = [cols.index(k) for k in key]
            out[name] = {tuple(r[i] for i in idx): dict(zip(cols, r)) for r in conn.execute(q).fetchall()}
        return out

    def pull(self, name: str) -> Pulled:
        """The review ``name`` as the repository holds it, and its version."""
        with self._db(f"cannot read repo:{name}"):
            with self.engine.begin() as conn:  # one snapshot: REPEATABLE READ
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository (see 'prr repo list')", file=f"repo:{name}")
                rows = self._read_rows(conn, found.id)
                ident = self._identity(conn)
        review = rowmap.review_from_rows(rows, copy=False)
        mark_origin(review, name, found.version, self.where, ident)
        return Pulled(name, found.version, review)

    def changes_since(self, name: str, version: int) -> Delta:
        """The elements of review ``name`` changed since ``version``, as they are now, in one
        snapshot: the history (indexed by review and version) says which rows changed, and only
        those elements' rows are read. What an open window needs to catch up with the others'
        commits without pulling the whole review."""
        from sqlalchemy import select, tuple_

        ch = schema.repo_change
        with self._db(f"cannot read repo:{name}"):
            with self.engine.begin() as conn:
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository (see 'prr repo list')", file=f"repo:{name}")
                if version > found.version:
                    raise PrrError(f"version {version} is newer than the repository's ({found.version})",
                                   file=f"repo:{name}")
                q = (select(ch.c.table_name, ch.c.row_key, ch.c.changed_by)
                     .where(ch.c.review_id == found.id, ch.c.version > version).order_by(ch.c.id))
                elements: dict[tuple[str, str], None] = {}
                by: dict[str, None] = {}
                want: dict[str, set] = {}
                for c in conn.execute(q):
                    if c.table_name not in schema.REVIEW_TABLES:
                        continue  # not a row a push writes (refused since schema 0005)
                    key = tuple(c.row_key)
                    by[c.changed_by] = None
                    for element in rowmap.elements_of(c.table_name, key):
                        elements[element] = None
                    if c.table_name in ("mitigation", "risk_mitigation"):  # a mitigation is both tables' rows
                        want.setdefault("mitigation", set()).add((key[0],))
                    else:
                        want.setdefault(c.table_name, set()).add(key)
                if "mitigation" in want:
                    want["risk_mitigation"] = want["mitigation"]  # by mitigation id
                rows: Rows = {}
                for tname, keys in want.items():
                    table, cols = schema.REVIEW_TABLES[tname], schema.COLUMNS[tname]
                    key_cols = ["mitigation_id"] if tname == "risk_mitigation" else schema.KEYS[tname]
                    kc = [table.c[k] for k in key_cols]
                    match = kc[0].in_([k[0] for k in keys]) if len(kc) == 1 else tuple_(*kc).in_(list(keys))
                    idx = [cols.index(k) for k in schema.KEYS[tname]]
                    q = select(*[table.c[c] for c in cols]).where(table.c.review_id == found.id, match)
                    rows[tname] = {tuple(r[i] for i in idx): dict(zip(cols, r)) for r in conn.execute(q).fetchall()}
        review = rowmap.review_from_rows(rows, copy=False)
        return Delta(name, version, found.version, list(elements), review, list(by))

    def history(self, name: str) -> list[HistoryEntry]:
        from sqlalchemy import select

        ch = schema.repo_change
        with self._db(f"cannot read the history of repo:{name}"):
            with self.engine.begin() as conn:
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository", file=f"repo:{name}")
                q = select(ch).where(ch.c.review_id == found.id).order_by(ch.c.id)
                return [HistoryEntry(r.version, r.changed_at.isoformat(), r.changed_by,
                                     str(r.client_addr or "local"), r.client,
                                     merge.element_name(r.table_name, tuple(r.row_key)), r.field, r.old, r.new)
                        for r in conn.execute(q)]

    # -- writing -------------------------------------------------------
    def push(self, review: Review, *, name: str | None = None, base: int | None = None,
             pick: dict | None = None) -> Pushed:
        """Write ``review`` to the repository.

        ``base``: the version the review was pulled at (None: a review new to the repository,
        stored under ``name``). Changes made by others since ``base`` are merged; a field
        changed on both sides raises :class:`ConflictError` and nothing is written, unless
        ``pick`` settles it: ``{(table, key, field): "mine" | "theirs"}`` for the conflicts the
        user chose on (the app shows :attr:`ConflictError.conflicts` with both values and who).
        A push is written whole or not at all: one the database refuses for one row (an acceptance
        that takes an approver) says so and names the push's other changes, none of them written.
        """
        name = _check_name(name or default_name(review))
        mine = rowmap.review_rows(review)
        client = _client()
        changes: list[merge.Change] = []
        try:
            return self._push(review, name, base, pick, mine, client, changes)
        except PrrError as e:
            if changes and "refused by the database" in e.message:
                _say_nothing_written(e, changes)
            raise

    def _push(self, review, name, base, pick, mine, client, changes) -> Pushed:
        """:meth:`push`, the changes it writes left in ``changes`` (for a refusal's message)."""
        from sqlalchemy import insert, select, text
        from sqlalchemy.exc import IntegrityError

        from prr_app.model.validation import validate

        rr = schema.repo_review
        with self._db(f"cannot write repo:{name}"):
            try:
                with self.engine.begin() as conn:
                    self._check(conn)
                    self._identity(conn)  # recorded in the result (mark_origin below)
                    if base is not None:  # a review pulled from another repository has no history here
                        self._check_origin(conn, review, name)
                    found = self._find(conn, name, lock=True)
                    created = found is None
                    if created:
                        if base is not None:
                            raise PrrError("this review was deleted from the repository since your version was "
                                           "pulled; push yours as a new review under a name of its own",
                                           file=f"repo:{name}")
                        # the database creates it at version 1 (schema 0010): its first rows are that version
                        rid = conn.execute(insert(rr).values(name=name).returning(rr.c.id)).scalar()
                        version, theirs, base_rows, who = 0, {t: {} for t in schema.COLUMNS}, None, None
                    else:
                        if base is None:
                            raise PrrError("a review of this name is already in the repository; pull it to edit it, "
                                           "or push yours under another name with --name", file=f"repo:{name}")
                        rid, version = found.id, found.version
                        if base > version:
                            raise PrrError(f"not the review your version came from: yours is based on version "
                                           f"{base}, the repository's review of this name is at version {version} "
                                           f"(deleted and made again, or restored from an older backup); pull it "
                                           f"again, or push yours as a new review under a name of its own",
                                           file=f"repo:{name}")
                        theirs = self._read_rows(conn, rid)
                        base_rows, who = self._rows_at(conn, rid, theirs, base)
                    if base_rows is None:
                        merged, conflicts = mine, []
                    else:
                        merged, conflicts = merge.merge(base_rows, theirs, mine, who=who, pick=pick)
                    if conflicts:
                        raise ConflictError(name, conflicts, _not_in_conflict(base_rows, mine, conflicts))
                    result = rowmap.review_from_rows(merged)
                    problems = validate(result)
                    if problems and base_rows is None:
                        p = problems[0]
                        raise PrrError(f"not a valid review: {p.path}: {p.message}", file=f"repo:{name}")
                    if problems and base_rows is not None and validate(rowmap.review_from_rows(mine)) == []:
                        # each side is valid, together they are not (e.g. a dependency on a component
                        # the other side deleted)
                        raise ConflictError(name, [merge.Conflict(
                            "review", (), None, None, None, None,
                            note=f"your changes and the repository's together are not a valid review: {p.path}: "
                                 f"{p.message}") for p in problems[:5]], merge.diff(base_rows, mine))
                    changes.extend(merge.diff(theirs, merged))
                    merged_count = len(merge.diff(base_rows, theirs)) if base_rows is not None else 0
                    new_version = version
                    warnings: list[str] = []
                    if changes:
                        # the database writes the history, raises the version and notifies listeners
                        # (schema 0010): the app says only what it is, for the history's client column
                        conn.execute(select(text("set_config('prr.client', :c, true)")), {"c": client})
                        self._apply(conn, rid, changes, merged)
                        new_version = conn.execute(select(rr.c.version).where(rr.c.id == rid)).scalar()
                        warnings = self._store_assessment(conn, rid, result, name)
            except IntegrityError as e:
                if "repo_review_name_key" in str(e.orig):
                    raise PrrError("a review of this name was added to the repository meanwhile; pull it to edit "
                                   "it, or push yours under another name with --name", file=f"repo:{name}") from None
                raise PrrError("the review cannot be stored: " + connection.scrub(str(e.orig).splitlines()[0], self._u),
                               file=f"repo:{name}") from None
        mark_origin(result, name, new_version, self.where, self._ident or None)
        return Pushed(name, new_version, result, merged, len(changes), merged_count, created,
                      by=who.authors if who is not None and merged_count else [], warnings=warnings)

    def _rows_at(self, conn, review_id: int, current: Rows, version: int):
        """The rows as they were at ``version`` (undoing later history), and a ``who`` function."""
        from sqlalchemy import select

        ch = schema.repo_change
        q = (select(ch.c.table_name, ch.c.row_key, ch.c.field, ch.c.old, ch.c.new, ch.c.changed_by, ch.c.changed_at)
             .where(ch.c.review_id == review_id, ch.c.version > version).order_by(ch.c.id.desc()))
        rows = {t: {k: dict(r) for k, r in current[t].items()} for t in current}
        last: dict = {}
        authors: dict[str, None] = {}
        for c in conn.execute(q):
            authors[c.changed_by] = None
            key = tuple(c.row_key)
            table = rows.get(c.table_name)
            if table is None or (c.field is not None and key not in table):
                continue  # not a row a push writes (the database refuses those since schema 0005)
            last.setdefault((c.table_name, key, c.field), (c.changed_by, c.changed_at.isoformat(timespec="seconds")))
            last.setdefault((c.table_name, key, None), (c.changed_by, c.changed_at.isoformat(timespec="seconds")))
            if c.field is None:
                if c.old is None:
                    table.pop(key, None)
                else:
                    table[key] = dict(c.old)
            else:
                table[key][c.field] = c.old

        def who(table, key, field):
            return last.get((table, key, field)) or last.get((table, key, None)) or ("", "")

        who.authors = list(reversed(authors))  # earliest first
        return rows, who

    @staticmethod
    def _apply(conn, review_id: int, changes: list[merge.Change], merged: Rows) -> None:
        from sqlalchemy import and_, bindparam, delete, insert, update

        deletes: dict[str, list] = {}
        inserts: dict[str, list] = {}
        updates: dict[str, dict] = {}
        for c in changes:
            if c.field is None and c.new is None:
                deletes.setdefault(c.table, []).append(c.key)
            elif c.field is None:
                inserts.setdefault(c.table, []).append(dict(c.new, review_id=review_id))
            else:
                updates.setdefault(c.table, {})[c.key] = merged[c.table][c.key]
        for name in reversed(list(schema.REVIEW_TABLES)):
            if name in deletes:
                t, key = schema.REVIEW_TABLES[name], schema.KEYS[name]
                cond = and_(t.c.review_id == review_id, *[t.c[k] == bindparam("k_" + k) for k in key])
                conn.execute(delete(t).where(cond), [{"k_" + k: v for k, v in zip(key, ks)} for ks in deletes[name]])
        for name, t in schema.REVIEW_TABLES.items():
            if name in inserts:
                conn.execute(insert(t), inserts[name])
            if name in updates:
                key = schema.KEYS[name]
                cols = [c for c in schema.COLUMNS[name] if c not in key]
                cond = and_(t.c.review_id == review_id, *[t.c[k] == bindparam("k_" + k) for k in key])
                stmt = update(t).where(cond).values({c: bindparam("v_" + c) for c in cols})
                conn.execute(stmt, [{**{"k_" + k: r[k] for k in key}, **{"v_" + c: r[c] for c in cols}}
                                    for r in updates[name].values()])

    @staticmethod
    def _store_assessment(conn, review_id: int, review: Review, name: str = "") -> list[str]:
        """Store the review's assessment for the portfolio, through the one function the database
        lets write it (schema 0010): for the version this transaction made, stamped by the server.

        A review whose checklist template is not installed here is not assessed against another
        template: its stored figures stay those of an earlier version (the portfolio says "assessed
        at an older version") until someone who has the template pushes. Returns the warnings."""
        import json

        from sqlalchemy import text

        from prr_app.teamrepo.assessment import assess, missing_template

        missing = missing_template(review)
        if missing:
            return [f"repo:{name}: the portfolio's figures for this version were not updated: the review's "
                    f"checklist template {missing!r} is not installed here (they stay those of an earlier version "
                    f"until someone who has it pushes)"]
        row, impacts = assess(review)
        conn.execute(text("SELECT prr_store_assessment(:rid, CAST(:a AS json), CAST(:i AS json))"),
                     {"rid": review_id, "a": json.dumps(row), "i": json.dumps(impacts)})
        return []

    # -- the organisation's picture -------------------------------------
    def portfolio(self, *, today: str | None = None, soon_days: int = 30) -> list[dict]:
        """Every review with its verdict, blockers, SLOs (``slos_stated``: how many the review states;
        ``slo_not_attainable``: those its architecture cannot meet), checklist progress, acceptances
        expiring within ``soon_days`` of ``today`` (``acceptances_expiring``) or expired before it
        (``acceptances_expired``), due dates passed, and its latest sign-off."""
        from sqlalchemy import func, select

        today = today or _dt.date.today().isoformat()
        soon = (_dt.date.fromisoformat(today) + _dt.timedelta(days=soon_days)).isoformat()
        rr, a, so = schema.repo_review, schema.repo_assessment, schema.repo_signoff
        latest = (select(so.c.review_id, so.c.verdict.label("signed_verdict"), so.c.signed_by,
                         so.c.signed_at, so.c.version.label("signed_version"), so.c.note.label("signed_note"))
                  .where(so.c.id.in_(select(func.max(so.c.id)).group_by(so.c.review_id))).subquery())
        # the SLOs the review states (components' and journeys' own): none at all is "no SLOs stated",
        # not "all attainable"
        comp, jour = schema.REVIEW_TABLES["component"], schema.REVIEW_TABLES["journey"]
        slos = (select(comp.c.review_id.label("review_id")).where(comp.c.slo.is_not(None))
                .union_all(select(jour.c.review_id).where(jour.c.slo.is_not(None))).subquery())
        stated = select(slos.c.review_id, func.count().label("slos_stated")).group_by(slos.c.review_id).subquery()
        q = (select(rr.c.name, rr.c.version.label("current"), a, latest, stated.c.slos_stated)
             .select_from(rr.outerjoin(a, a.c.review_id == rr.c.id).outerjoin(latest, latest.c.review_id == rr.c.id)
                          .outerjoin(stated, stated.c.review_id == rr.c.id))
             .order_by(rr.c.name))
        out = []
        with self._db("cannot read the portfolio"):
            with self.engine.begin() as conn:
                self._check(conn)
                for r in conn.execute(q):
                    # the latest verdict sign-off, and the version it was given on
                    signoff = None if r.signed_verdict is None else {
                        "verdict": r.signed_verdict, "by": r.signed_by, "at": r.signed_at.isoformat(timespec="seconds"),
                        "version": r.signed_version, "note": r.signed_note}
                    if r.verdict is None:
                        out.append({"name": r.name, "version": r.current, "assessed": False, "signoff": signoff})
                        continue
                    out.append({
                        "name": r.name, "version": r.current, "assessed": r.version == r.current,
                        "system": r.system, "target_launch": r.target_launch, "verdict": r.verdict,
                        "launch_blockers": r.launch_blockers, "slo_not_attainable": r.slo_not_attainable,
                        "slos_stated": r.slos_stated or 0,
                        "checklist_score": r.checklist_score, "checklist_blockers": r.checklist_blockers,
                        "checklist_answered": r.checklist_answered, "checklist_applicable": r.checklist_applicable,
                        "assessed_by": r.assessed_by, "signoff": signoff,
                        "acceptances_expiring": [x for x in r.acceptances if today <= x["until"] <= soon],
                        "acceptances_expired": [x for x in r.acceptances if x["until"] < today],
                        "overdue": [x for x in r.dues if x["due"] < today],
                    })
        return out

    def blast(self, element: str) -> dict:
        """What the failure of ``element`` (a component or domain id shared by reviews) takes
        down in every review that names it."""
        from sqlalchemy import select

        from sqlalchemy import and_, or_, tuple_

        rr, i, sa_ = schema.repo_review, schema.repo_impact, schema.repo_same_as
        linked = select(sa_.c.review_id, sa_.c.component).where(sa_.c.same_as == element)
        q = (select(rr.c.name, i.c.element_type, i.c.element, i.c.down, i.c.degraded, i.c.journeys,
                    i.c.user_facing)
             .select_from(i.join(rr, rr.c.id == i.c.review_id))
             .where(or_(i.c.element == element,
                        and_(i.c.element_type == "component", tuple_(i.c.review_id, i.c.element).in_(linked))))
             .order_by(rr.c.name, i.c.element_type))
        with self._db(f"cannot compute the blast radius of {element}"):
            with self.engine.begin() as conn:
                self._check(conn)
                reviews = [{"review": r.name, "as": r.element_type, "element": r.element, "down": r.down,
                            "degraded": r.degraded, "journeys": r.journeys, "user_facing": r.user_facing}
                           for r in conn.execute(q)]
        hit = [r for r in reviews if r["journeys"] or r["user_facing"]]
        return {"element": element, "reviews": reviews, "reviews_hit": len(hit), "reviews_naming": len(reviews),
                "journeys": sum(len(r["journeys"]) for r in reviews),
                "user_facing": sum(len(r["user_facing"]) for r in reviews)}

    def shared_elements(self, *, limit: int = 500) -> list[dict]:
        """Components and domains that several reviews name (by id or linked as the same as one),
        most named first: what the app offers for a cross-review what-if."""
        from sqlalchemy import func, literal, select, union_all

        i, sa_ = schema.repo_impact, schema.repo_same_as
        named = union_all(
            select(i.c.element, i.c.element_type, i.c.review_id),
            select(sa_.c.same_as.label("element"), literal("component").label("element_type"), sa_.c.review_id),
        ).subquery()
        n = func.count(func.distinct(named.c.review_id))
        q = (select(named.c.element, func.min(named.c.element_type).label("type"), n.label("reviews"))
             .group_by(named.c.element).having(n > 1).order_by(n.desc(), named.c.element).limit(limit))
        with self._db("cannot list the shared components"):
            with self.engine.begin() as conn:
                self._check(conn)
                return [{"element": r.element, "type": r.type, "reviews": r.reviews} for r in conn.execute(q)]

    def link_same_as(self, name: str, component: str, same_as: str | None) -> None:
        """Link ``component`` of review ``name`` as the same as the shared ``same_as`` (None: unlink)."""
        from sqlalchemy import delete, select
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        t = schema.repo_same_as
        with self._db(f"cannot link {component} of repo:{name}"):
            with self.engine.begin() as conn:
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository", file=f"repo:{name}")
                ct = schema.REVIEW_TABLES["component"]
                if conn.execute(select(ct.c.id).where(ct.c.review_id == found.id, ct.c.id == component)).first() \
                        is None:
                    raise PrrError(f"no component {component!r} in this review", file=f"repo:{name}")
                if same_as is None:
                    conn.execute(delete(t).where(t.c.review_id == found.id, t.c.component == component))
                    return
                if not same_as.strip() or same_as == component:
                    raise PrrError(f"link {component} to another, shared component id", file=f"repo:{name}")
                stmt = pg_insert(t).values(review_id=found.id, component=component, same_as=same_as)
                conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.review_id, t.c.component],
                                                        set_={"same_as": stmt.excluded.same_as}))

    def set_review_role(self, name: str, member: str, kind: str | None) -> list[str]:
        """Give the PostgreSQL role ``member`` the role ``kind`` (viewer, reviewer, approver) on
        review ``name`` alone (None: take it away). Once a review lists members, only its
        reviewers and approvers may change it. The repository's owner only (the database says).

        A ``member`` that is no role of the server is refused (nothing written). Returns warnings
        (one line each) when the role cannot take full effect: the table rights still come from
        the repository's roles, so a review's reviewer who is only a repository viewer still
        cannot change it, and a sign-off takes the repository's approver role."""
        from sqlalchemy import delete, text
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        if kind is not None and kind not in schema.ROLE_KINDS:
            raise PrrError(f"unknown role {kind!r} (one of {', '.join(schema.ROLE_KINDS)})")
        t = schema.repo_review_role
        warnings: list[str] = []
        with self._db(f"cannot set the roles of repo:{name}"):
            with self.engine.begin() as conn:
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository", file=f"repo:{name}")
                if kind is None:
                    conn.execute(delete(t).where(t.c.review_id == found.id, t.c.member == member))
                    return warnings
                if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :m"), {"m": member}).first() is None:
                    raise PrrError(f"no database user or group {member!r} on this server; nothing changed "
                                   f"(create it first: CREATE ROLE ... LOGIN)", file=f"repo:{name}")
                may = conn.execute(text(
                    "SELECT has_table_privilege(:m, 'component', 'UPDATE'), "
                    "has_table_privilege(:m, 'repo_signoff', 'INSERT'), prr_role('reviewer'), prr_role('approver')"),
                    {"m": member}).first()
                if kind in ("reviewer", "approver") and not may[0]:
                    warnings.append(f"repo:{name}: {member} is {kind} of this review but may not write to the "
                                    f"repository (not a member of {may[2]}): the database will refuse their changes "
                                    f"until the owner runs GRANT {may[2]} TO {member}")
                elif kind == "approver" and not may[1]:
                    warnings.append(f"repo:{name}: {member} may accept this review's launch-blocking risks, but "
                                    f"recording its sign-off takes the repository's approver role ({may[3]})")
                stmt = pg_insert(t).values(review_id=found.id, member=member, kind=kind)
                conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.review_id, t.c.member],
                                                        set_={"kind": stmt.excluded.kind}))
        return warnings

    # -- live changes ---------------------------------------------------
    def listen(self) -> "ChangeListener":
        """Start listening for changes other writers commit (LISTEN/NOTIFY on ``prr_review``);
        changes committed from this moment on are heard. Close the listener when done."""
        return ChangeListener(self)

    def signoff(self, name: str, verdict: str, note: str = "") -> int:
        """Record a verdict sign-off on the current version (approvers only: the database checks)."""
        from sqlalchemy import insert
        from sqlalchemy.exc import DBAPIError

        verdict = verdict.strip().lower().replace("-", "_")  # also as the analysis spells it (NOT-READY)
        if verdict not in schema.VERDICTS:
            raise PrrError(f"unknown verdict {verdict!r} (one of {', '.join(schema.VERDICTS)})")
        with self._db(f"cannot sign off repo:{name}"):
            with self.engine.begin() as conn:
                self._check(conn)
                found = self._find(conn, name)
                if found is None:
                    raise PrrError("no such review in the repository", file=f"repo:{name}")
                try:
                    with conn.begin_nested():
                        conn.execute(insert(schema.repo_signoff).values(review_id=found.id, version=found.version,
                                                                        verdict=verdict, note=note))
                except DBAPIError as e:
                    err = self._error(e, f"cannot sign off repo:{name}")
                    # the database spells the analysis's verdicts with dashes; the sign-off's are these
                    for v in schema.VERDICTS:
                        err.message = err.message.replace(v.replace("_", "-"), v)
                    raise err from None
        return found.version




__all__ = ["Repository", "ConflictError", "OtherRepositoryError", "origin_repository", "shown_where", "Pulled", "Pushed", "Delta", "ReviewInfo", "HistoryEntry", "origin",
           "mark_origin", "default_name", "ORIGIN_ID"]
