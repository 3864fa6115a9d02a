"""One review = one ``.prr`` file: a SQLite database described by the SQLModel tables.

The table classes of :mod:`.tables` are the only description of the file: a new
file is created from them (``create_all``), an opened file's schema is compared
with them, and rows are read and written through their tables with SQLAlchemy
Core (bulk statements; no ORM objects, which a 10,000-component review would
make slow).

What this module promises (docs/file-format.md, "What is promised", says it to
users; tests/test_store_*.py check each point):

* **Nothing runs, nothing is trusted.** Before SQLite touches a file, its header
  is read without blocking (a FIFO or a device is refused): an empty file, a
  file of another application, a WAL-mode file or a newer version is refused,
  byte for byte untouched. After SQLite has rolled back a hot journal (a save
  killed mid-commit), the size and ``quick_check`` are checked, then the schema:
  exactly our tables and columns, no trigger, no view, no other object. Every
  value read is checked against its column's type (text in an integer column,
  an object where a list belongs, a BLOB name: refused with the table, row and
  column) and every JSON column through the strict JSON parser.
* **No lost update.** Every write takes SQLite's write lock first (``BEGIN
  IMMEDIATE``) and changes rows, never the whole review. :meth:`ReviewStore.edit`
  reads the review under that lock, applies a change and writes the difference
  (the command line's edits: nothing can come between). :meth:`ReviewStore.save`
  (the app's save and autosave, whose model was read earlier) checks, under
  the lock, that every row it is about to change is still what it read; if
  another program changed one, nothing is written and :class:`SaveConflict`
  says which.
* **The file alone is always whole.** A ``.prr`` is never changed in place: every
  write (an edit, the app's save, a migration, a new file) takes the write lock on
  the file now at the path, builds the new state in a copy beside it (the old file
  copied with SQLite's backup API, then only the changed rows written), syncs it to
  disk and renames it over the file, then syncs the folder. A kill or a power cut
  at any moment leaves the old file or the new one, each whole without any journal.
  A writer that waited for the lock of a file renamed away meanwhile sees that the
  path now names another file and starts again on that one (no lost update).
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import stat
import struct
import threading
from dataclasses import MISSING, fields
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Callable, get_args, get_origin

from sqlalchemy import JSON, Boolean, Float, Integer, and_, bindparam, create_engine, delete, event, select
from sqlalchemy import func, tuple_, type_coerce
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateTable

from prr_app import paths
from prr_app.model import json_values
from prr_app.model.entities import (
    Milestone,
    NO_ITEMS,
    Proposal,
    ResiliencePolicy,
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
    RiskChange,
)
from prr_app.errors import PrrError
from prr_app.persistence import open_files
from prr_app.persistence.migrations import APPLICATION_ID, CURRENT_VERSION, STEPS
from prr_app.persistence.tables import TABLES

SQLITE_MAGIC = b"SQLite format 3\x00"

is_open = open_files.is_open


class NotAReviewError(PrrError):
    """The file is not a PRR review (or is damaged, or holds what a review may not)."""


class NewerVersionError(PrrError):
    """The file was written by a newer version of the app."""


class ReviewLocked(PrrError):
    """Another program holds the file's lock (it is saving it): try again."""


class SaveConflict(PrrError):
    """Another program changed rows this save would change; nothing was written.

    ``conflicts`` lists them as ``(table, key)``.
    """

    def __init__(self, conflicts: list[tuple[str, tuple]], *, file: str):
        self.conflicts = conflicts
        shown = ", ".join(f"{t} {'/'.join(map(str, k))}" for t, k in conflicts[:5])
        more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(
            f"not saved: another program changed this review since it was opened ({shown}{more}); "
            "reopen it, or save a copy to keep these changes", file=file)


# ------------------------------------------------------------------ the tables, as the store uses them
_KIND_NAMES = {str: "text", int: "a whole number", float: "a number", bytes: "binary data (a BLOB)",
               type(None): "nothing (NULL)"}


class _Bad(Exception):
    """A value that does not fit its column (message without the place)."""


def _what(v) -> str:
    return _KIND_NAMES.get(type(v), type(v).__name__)


#: The list columns an empty value of which is read as the shared, read-only :data:`NO_ITEMS`, as the
#: JSON reader gives it: a component's placement, shared domains and tags, a dependency's evidence
#: (tens of thousands of empty lists on an import, each one an object the garbage collector walks).
SHARED_EMPTY = {"component": ("placement", "shared_domains", "tags"), "dependency": ("evidence",)}


class _Column:
    __slots__ = ("name", "kind", "nullable", "column", "json", "empty")

    def __init__(self, model, column):
        self.name = column.name
        self.empty = NO_ITEMS if column.name in SHARED_EMPTY.get(column.table.name, ()) else None
        self.column = column
        self.nullable = bool(column.nullable)
        t = column.type
        self.json = isinstance(t, JSON)
        if self.json:
            ann = model.model_fields[column.name].annotation
            if type(None) in get_args(ann):  # Optional[X]: X, and the column's nullability says None
                ann = next(a for a in get_args(ann) if a is not type(None))
            origin, args = get_origin(ann), get_args(ann)
            self.kind = "dict" if ann is dict else f"list[{args[0].__name__}]" if origin is list and args else "list"
        elif isinstance(t, Boolean):
            self.kind = "bool"
        elif isinstance(t, Integer):
            self.kind = "int"
        elif isinstance(t, Float):
            self.kind = "float"
        else:
            self.kind = "str"

    def decode(self, v):
        """The model value of what SQLite returned, or :class:`_Bad`."""
        if v is None:
            if self.nullable:
                return None
            raise _Bad("is empty (NULL)")
        k = self.kind
        t = type(v)
        if k == "str":
            if t is str:
                return v
            raise _Bad(f"expected text, got {_what(v)}")
        if k == "int":
            if t is int:
                return v
            raise _Bad(f"expected a whole number, got {_what(v)}")
        if k == "bool":
            if t is int and v in (0, 1):
                return bool(v)
            raise _Bad(f"expected 0 or 1 (false or true), got {v!r}" if t is int else f"expected 0 or 1, got {_what(v)}")
        if k == "float":
            if (t is float or t is int) and math.isfinite(v):
                return float(v)
            raise _Bad(f"expected a finite number, got {v!r}" if t is float else f"expected a number, got {_what(v)}")
        if t is not str:
            raise _Bad(f"expected JSON text, got {_what(v)}")
        if v == "[]" and k.startswith("list"):
            return [] if self.empty is None else self.empty
        try:
            value = json_values.loads(v)
        except json_values.JSONValueError as e:
            raise _Bad(f"invalid JSON: {e}") from None
        return self.check(value)

    def check(self, value):
        """``value`` if it is what this column holds in the model, else :class:`_Bad`."""
        k = self.kind
        if value is None:
            if self.nullable:
                return None
            raise _Bad("is empty")
        if k == "str":
            if type(value) is str:
                return value
            raise _Bad(f"expected text, got {type(value).__name__}")
        if k == "int":
            if type(value) is int and json_values.INT_MIN <= value <= json_values.INT_MAX:
                return value
            raise _Bad(f"expected a whole number, got {value!r}"[:200])
        if k == "bool":
            if type(value) is bool:
                return value
            raise _Bad(f"expected true or false, got {value!r}"[:200])
        if k == "float":
            if type(value) in (int, float) and math.isfinite(value) and abs(value) <= 2**63:
                return value
            raise _Bad(f"expected a finite number, got {value!r}"[:200])
        if k == "dict":
            if not isinstance(value, dict):
                raise _Bad(f"expected a JSON object, got {type(value).__name__}")
            try:
                json_values.check_free_form(value)
            except json_values.JSONValueError as e:
                raise _Bad(str(e)) from None
            return value
        if not isinstance(value, list):
            raise _Bad(f"expected a JSON list, got {'an object' if isinstance(value, dict) else type(value).__name__}")
        if k == "list[str]":
            for i, x in enumerate(value):
                if type(x) is not str:
                    raise _Bad(f"item {i}: expected text, got {type(x).__name__}")
        elif k == "list[dict]":
            for i, x in enumerate(value):
                if not isinstance(x, dict):
                    raise _Bad(f"item {i}: expected a JSON object, got {type(x).__name__}")
        return value


def _plain_rows(conn, statement) -> list[tuple]:
    """Every row ``statement`` (a Core select) gives, as plain tuples fetched by the DB-API cursor in
    ``conn``'s transaction: a whole table at once, without a SQLAlchemy ``Row`` per row (41,000 on a
    10,000-component import, each one an object the garbage collector tracks, which made the read
    of a ``.prr`` file four times the JSON file's)."""
    compiled = statement.compile(dialect=conn.dialect)
    cursor = conn.connection.driver_connection.execute(str(compiled), compiled.positiontup and tuple(
        compiled.params[k] for k in compiled.positiontup) or ())
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


_MISSING_PLAN = object()
_BOOLS = {0: False, 1: True}


def _finite(v: float) -> float:
    if math.isfinite(v):
        return v
    raise _Bad("not finite")


def _plan(columns: list[_Column], types: tuple) -> list | None:
    """For rows whose values have ``types``: ``(column name, convert)`` for each value that needs more
    than its type to be read (``convert`` raises :class:`_Bad` or ``KeyError`` where the plain path
    refuses the value), or None when a type does not fit its column (the plain path then says why)."""
    if len(types) != len(columns):
        return None
    plan = []
    for col, t in zip(columns, types):
        k = col.kind
        if t is type(None):
            if not col.nullable:
                return None
        elif col.json:
            if t is not str:
                return None
            plan.append((col.name, col.decode))
        elif k == "str" or k == "int":
            if t is not (str if k == "str" else int):
                return None
        elif k == "bool":
            if t is not int:
                return None
            plan.append((col.name, _BOOLS.__getitem__))
        elif k == "float":
            if t is float:
                plan.append((col.name, _finite))
            elif t is int:
                plan.append((col.name, float))
            else:
                return None
        else:
            return None
    return plan


_EMPTY_LIST = "[]"
_NOT_JSON = "not JSON: "
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


def _frozen_json(v) -> str:
    """A JSON column's value (not None) as :meth:`_Table.freeze` keeps it."""
    if not v and isinstance(v, list):  # most are (NO_ITEMS among them)
        return _EMPTY_LIST
    try:
        # the standard library's encoder: its text is exactly as long as it needs (orjson's bytes
        # kept a 4 kB buffer each: 78 MB for 20,000 values) and it refuses NaN
        return _CANONICAL.encode(v)
    except (ValueError, TypeError, RecursionError):
        # not writable (the save refuses it with its place, _Table.check): unequal to any JSON
        return _NOT_JSON + repr(v)


def _frozen_strings(v) -> tuple | str:
    """A list-of-strings column's value (not None) as :meth:`_Table.freeze` keeps it: a tuple."""
    if isinstance(v, list):
        return tuple(v)
    return _NOT_JSON + repr(v)  # refused by the save (_Table.check): unequal to any list


def _frozen_float(v) -> float | str:
    """A number column's value (not None) as :meth:`_Table.freeze` keeps it (SQLite gives back 3 as 3.0)."""
    if type(v) is int or type(v) is float:
        return float(v)
    return "not a number: " + repr(v)  # refused by the save (_Table.check): unequal to any number


class _Table:
    """One table class as the store reads and writes it."""

    def __init__(self, model):
        self.model = model
        self.table = t = model.__table__
        self.name = t.name
        self.columns = [_Column(model, c) for c in t.columns]
        self.pk = [c.name for c in t.primary_key.columns]
        self._key = itemgetter(*self.pk) if len(self.pk) > 1 else lambda row, _k=self.pk[0]: (row[_k],)
        # freeze(): the values in column order (one C call), then the JSON and number columns' own form
        self._values = itemgetter(*[c.name for c in self.columns])
        if len(self.columns) == 1:
            self._values = lambda row, _get=self._values: (_get(row),)
        self._special = [(i, _frozen_strings if c.kind == "list[str]" else _frozen_json if c.json else _frozen_float)
                         for i, c in enumerate(self.columns) if c.json or c.kind == "float"]
        # raw values (no type processing): every value is checked by _Column.decode
        self.select = select(*(type_coerce(c, NullType()).label(c.name) for c in t.columns)).order_by(
            *t.primary_key.columns)
        pkcols = [t.c[k] for k in self.pk]
        self.pk_expr = pkcols[0] if len(pkcols) == 1 else tuple_(*pkcols)
        self.delete = delete(t).where(and_(*(t.c[k] == bindparam("pk_" + k) for k in self.pk)))
        ins = sqlite_insert(t)
        self.upsert = ins.on_conflict_do_update(
            index_elements=pkcols, set_={c.name: ins.excluded[c.name] for c in t.columns if c.name not in self.pk})

    def key(self, row: dict) -> tuple:
        return self._key(row)

    def decoder(self, columns=None) -> Callable[[tuple, str], dict]:
        """``decode(raw, file)`` for rows of ``columns`` (default: every column), the way
        :meth:`decode` reads one, made for reading many.

        The fast path (a benchmark's: reading a 10,000-component import was 0.7 s, most of it one
        Python call per value): a row's values are checked by their types together. Rows with the
        same sequence of value types (a handful per table) share one plan, which says which values
        need more than a type check (a bool, a finite number, JSON); every other value is taken as it
        is. A row the plan does not accept is read by :meth:`decode`, the plain path, which names the
        value that is wrong; the tests compare the two (tests/test_store_decode.py)."""
        cols = list(columns or self.columns)
        names = tuple(c.name for c in cols)
        plans: dict[tuple, list | None] = {}

        def decode(raw, file: str) -> dict:
            sig = tuple(map(type, raw))
            plan = plans.get(sig, _MISSING_PLAN)
            if plan is _MISSING_PLAN:
                plan = plans[sig] = _plan(cols, sig)
            if plan is not None:
                row = dict(zip(names, raw))
                try:
                    for name, convert in plan:
                        row[name] = convert(row[name])
                    return row
                except (_Bad, KeyError):
                    pass
            return self.decode(raw, file, cols)

        return decode

    def decode(self, raw, file: str, columns=None) -> dict:
        """One row's values as the model holds them, each checked by :meth:`_Column.decode`; a value
        that does not fit its column is refused with the table, row and column named."""
        row = {}
        for col, v in zip(columns or self.columns, raw):
            try:
                row[col.name] = col.decode(v)
            except _Bad as e:
                names = [c.name for c in columns or self.columns]
                key = "/".join(str(raw[names.index(k)]) for k in self.pk)
                raise NotAReviewError(f"damaged or hand-edited review file: table {self.name}, row {key!r}, "
                                      f"column {col.name}: {e}", file=file) from None
        return row

    def freeze(self, row: dict) -> tuple:
        """The row as the store remembers it (:attr:`ReviewStore._snapshot`): one tuple of plain
        values in column order, a list of strings as a tuple, another JSON column as its canonical
        JSON text (keys sorted), a number column as a float. Equal rows give equal tuples, and a
        changed value a different tuple.

        Why not the row itself: the store keeps every row it read or wrote, to write only what an
        edit changed and to find another program's changes. As dicts and lists (a JSON column
        decoded), a review of 2,000 components and 8,000 dependencies kept ~50,000 containers that
        Python's cyclic collector walked at each full pass, on whatever thread it ran, the app's
        GUI thread included. A tuple of strings, bytes and numbers is not tracked by the collector
        after its first look at it."""
        values = self._values(row)
        if not self._special:
            return values
        values = list(values)
        for i, f in self._special:
            v = values[i]
            if v is not None:
                values[i] = f(v)
        return tuple(values)

    def thaw(self, frozen: tuple) -> dict:
        """The row :meth:`freeze` was given (a JSON column decoded again)."""
        return {c.name: v if v is None or not c.json else list(v) if type(v) is tuple
                else v if v.startswith(_NOT_JSON) else json.loads(v) for c, v in zip(self.columns, frozen)}

    def check(self, row: dict, file: str) -> None:
        """Refuse to write a row that the store would refuse to read back."""
        for col in self.columns:
            try:
                col.check(row[col.name])
            except _Bad as e:
                raise PrrError(f"cannot save {self.name} {self.key(row)!r}: {col.name}: {e}", file=file) from None


@lru_cache(maxsize=1)
def _tables() -> tuple[_Table, ...]:
    """The tables, parents before children."""
    return tuple(_Table(m) for m in TABLES)


def _frozen(rows: dict[str, dict[tuple, dict]]) -> dict[str, dict[tuple, tuple]]:
    """``rows`` (table name -> primary key -> row) with every row as :meth:`_Table.freeze` gives it."""
    return {t.name: {k: t.freeze(r) for k, r in rows[t.name].items()} for t in _tables()}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# ------------------------------------------------------------------ review <-> rows
def _meta_row(m: ReviewMeta, policy: ResiliencePolicy | None = None) -> dict:
    d = dict(m.__dict__)
    d["id"] = 1
    d["resilience_policy"] = None if policy is None else {
        "survive": list(policy.survive), "rto_minutes": dict(policy.rto_minutes),
        "rpo_minutes": dict(policy.rpo_minutes)}
    return d


def _component_row(c: Component) -> dict:
    d = dict(c.__dict__)
    obs = d.pop("observability")
    for s in OBSERVABILITY_SIGNALS:
        d["obs_" + s] = getattr(obs, s)
    return d


def _answer_row(a: ChecklistAnswer) -> dict:
    d = dict(a.__dict__)
    d["history"] = [dict(h.__dict__) for h in a.history]
    return d


def _risk_row(r: Risk) -> dict:
    d = dict(r.__dict__)
    acc = d.pop("acceptance")
    d["accepted_by"] = acc.by if acc else None
    d["accepted_at"] = acc.at if acc else None
    d["acceptance_reason"] = acc.reason if acc else None
    d["accepted_until"] = acc.until if acc else None
    d["history"] = [dict(h.__dict__) for h in r.history]
    return d


def review_rows(review: Review) -> dict[str, dict[tuple, dict]]:
    """The review as rows: table name -> primary key -> column values (model values)."""
    source = {
        "review": [_meta_row(review.meta, review.policy)],
        "component": map(_component_row, review.components.values()),
        "dependency": (dict(d.__dict__) for d in review.dependencies.values()),
        "redundancy_group": (dict(g.__dict__) for g in review.groups.values()),
        "failure_domain": (dict(d.__dict__) for d in review.domains.values()),
        "journey": (dict(j.__dict__) for j in review.journeys.values()),
        "checklist_answer": map(_answer_row, review.answers.values()),
        "risk": map(_risk_row, review.risks.values()),
        "mitigation": ({k: v for k, v in m.__dict__.items() if k != "risks"} for m in review.mitigations.values()),
        "risk_mitigation": (
            {"mitigation_id": m.id, "risk_id": rid, "position": i}
            for m in review.mitigations.values()
            for i, rid in enumerate(m.risks)
        ),
        "layout": ({"element": k, "x": p.x, "y": p.y} for k, p in review.layout.items()),
        "import_record": (dict(r.__dict__) for r in review.imports.values()),
        "milestone": (dict(m.__dict__) for m in review.milestones.values()),
        "checklist_proposal": (dict(p.__dict__, evidence=list(p.evidence)) for p in review.proposals.values()),
    }
    out = {}
    for t in _tables():
        rows = {}
        for d in source[t.name]:
            rows[t.key(d)] = d
        out[t.name] = rows
    return out


def _trail_fields(cls) -> tuple[tuple[str, ...], dict[str, bool]]:
    """(the fields an entry must have, each field -> whether it may be null) of a trail entry class
    (:class:`AnswerChange`, :class:`RiskChange`): text fields, those without a default required."""
    needed = tuple(f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING)
    return needed, {f.name: "None" in str(f.type) for f in fields(cls)}


#: what a history entry holds, per table: its class, the fields it needs and which may be null
_TRAILS = {table: (cls, *_trail_fields(cls)) for table, cls in (("checklist_answer", AnswerChange),
                                                               ("risk", RiskChange))}


def _trail(table: str, entries: list, key: str, file: str) -> list:
    """The entries of a row's ``history`` column (an answer's changes, a risk's decisions), checked:
    a hand-edited file gets one line naming the row and the entry, never a half-read trail."""
    cls, needed, nullable = _TRAILS[table]
    out = []
    for i, h in enumerate(entries):
        bad = [k for k in needed if k not in h]
        bad += [k for k, v in h.items() if k not in nullable or not (type(v) is str or (v is None and nullable[k]))]
        if bad:
            raise NotAReviewError(
                f"damaged or hand-edited review file: table {table}, row {key!r}, column history: item {i}: "
                f"{bad[0]!r} is missing or not text (an entry has text {', '.join(needed[:-1])} and {needed[-1]})", file=file)
        out.append(cls(**h))
    return out


_COMPONENT_LISTS = SHARED_EMPTY["component"]


def review_from_rows(rows: dict[str, dict[tuple, dict]], file: str = "") -> Review:
    """Build the review from rows as :meth:`ReviewStore.read_rows` returns them (already type-checked)."""
    review = Review()

    def each(name):
        return rows[name].values()

    for r in each("review"):
        r = dict(r)
        r.pop("id")
        pol = r.pop("resilience_policy", None)
        if pol is not None:
            review.policy = ResiliencePolicy(survive=list(pol.get("survive", [])),
                                             rto_minutes=dict(pol.get("rto_minutes", {})),
                                             rpo_minutes=dict(pol.get("rpo_minutes", {})))
        review.meta = ReviewMeta(**r)
    obs_names = ["obs_" + s for s in OBSERVABILITY_SIGNALS]
    # an empty list field of a component or dependency is the shared, read-only NO_ITEMS, as the JSON
    # reader gives it (tens of thousands of empty lists on an import, walked by the garbage collector)
    for r in each("component"):
        r = dict(r)
        obs = Observability(*(r.pop(k) for k in obs_names))
        for k in _COMPONENT_LISTS:
            if not r[k]:
                r[k] = NO_ITEMS
        c = Component(**r)
        c.observability = obs
        review.components[c.id] = c
    for r in each("dependency"):
        if not r["evidence"]:
            r = {**r, "evidence": NO_ITEMS}
        d = Dependency(**r)
        review.dependencies[d.id] = d
    for r in each("redundancy_group"):
        review.groups[r["id"]] = RedundancyGroup(**r)
    for r in each("failure_domain"):
        review.domains[r["id"]] = FailureDomain(**r)
    for r in each("journey"):
        review.journeys[r["id"]] = Journey(**r)
    for r in each("checklist_answer"):
        r = dict(r)
        hist = _trail("checklist_answer", r.pop("history"), r["item"], file)
        review.answers[r["item"]] = ChecklistAnswer(**r, history=hist)
    for r in each("risk"):
        r = dict(r)
        by, at, why, until = (r.pop(k) for k in ("accepted_by", "accepted_at", "acceptance_reason", "accepted_until"))
        acc = Acceptance(by=by, at=at, reason=why or "", until=until) if by is not None else None
        hist = _trail("risk", r.pop("history"), r["id"], file)
        review.risks[r["id"]] = Risk(**r, acceptance=acc, history=hist)
    for r in each("mitigation"):
        review.mitigations[r["id"]] = Mitigation(**r)
    for r in sorted(each("risk_mitigation"), key=lambda r: (r["mitigation_id"], r["position"])):
        review.mitigations[r["mitigation_id"]].risks.append(r["risk_id"])
    for r in each("layout"):
        review.layout[r["element"]] = Position(r["x"], r["y"])
    for r in each("import_record"):
        review.imports[r["id"]] = ImportRecord(**r)
    for r in each("milestone"):
        review.milestones[r["id"]] = Milestone(**r)
    for r in each("checklist_proposal"):
        review.proposals[r["item"]] = Proposal(**r)
    return review


# ------------------------------------------------------------------ checks before and after SQLite opens the file
def inspect_header(path: Path) -> tuple[int, int]:
    """Check the header of ``path`` without SQLite; return (application id, schema version).

    Runs before any SQLite connection to the file exists in this process (closing a plain
    file handle drops SQLite's locks). Opens without blocking and refuses what is not a
    regular file. Checks nothing that a hot journal may still have to restore (the size).
    """
    name = str(path)
    kind, head = paths.probe(path, head=100)
    if kind != "file":
        raise NotAReviewError("a review file cannot be read from a pipe; save it to a file first", file=name)
    if not head:
        raise NotAReviewError("empty file (0 bytes), not a PRR review", file=name)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotAReviewError("not a PRR review: the file is not an SQLite database", file=name)
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    user_version = struct.unpack(">I", head[60:64])[0]
    app_id = struct.unpack(">I", head[68:72])[0]
    if app_id != APPLICATION_ID:
        raise NotAReviewError(
            f"not a PRR review: an SQLite database of another application (application_id {app_id:#010x})",
            file=name,
        )
    if page_size < 512 or page_size & (page_size - 1):
        raise NotAReviewError("damaged review file: invalid page size in the header", file=name)
    if head[18] == 2 or head[19] == 2:
        raise NotAReviewError(
            "the file uses SQLite's WAL journal mode, which review files do not use (a -wal file beside it may "
            "hold part of its content); convert it with: sqlite3 FILE 'PRAGMA journal_mode=DELETE'", file=name)
    if user_version > CURRENT_VERSION:
        raise NewerVersionError(
            f"written by a newer PRR Workbench (file schema {user_version}, this version reads up to "
            f"{CURRENT_VERSION}); update PRR Workbench to open it",
            file=name,
        )
    return app_id, user_version


#: How long a read waits for another program holding the file's lock (seconds), as SQLite's busy
#: timeout. This program's own writers never lock a review against readers (they write a copy and
#: rename it): only another program writing into the file does, and then the reader says so at once
#: rather than freezing. Writers wait longer (:data:`LOCK_TIMEOUT`).
READ_TIMEOUT = 3.0

#: What a reader or a writer says when another program holds the file's lock.
LOCKED = "the review is locked: another program is saving it; try again"


def _connect(path: str, *, readonly: bool = False, timeout: float = READ_TIMEOUT) -> sqlite3.Connection:
    uri = "file:" + _uri_path(path) + ("?mode=ro" if readonly else "?mode=rw")
    con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout)
    _harden(con, readonly=readonly)
    return con


def _harden(con: sqlite3.Connection, *, readonly: bool) -> None:
    if hasattr(con, "setconfig") and hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"):  # Python 3.12+
        con.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    con.execute("PRAGMA trusted_schema=OFF")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA cell_size_check=ON")
    if not readonly:
        con.execute("PRAGMA synchronous=FULL")


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def _schema_of(con: sqlite3.Connection, tables) -> dict[str, tuple]:
    out = {}
    for t in tables:
        cols = tuple(tuple(r) for r in con.execute(f'PRAGMA table_xinfo("{t}")'))
        fks = tuple(sorted(tuple(r[2:5]) for r in con.execute(f'PRAGMA foreign_key_list("{t}")')))
        out[t] = (cols, fks)
    return out


@lru_cache(maxsize=1)
def expected_schema() -> dict[str, tuple]:
    """Table name -> (PRAGMA table_xinfo rows, foreign keys) of a file the table classes create."""
    con = sqlite3.connect(":memory:")
    try:
        _create_tables(con)
        return _schema_of(con, [t.name for t in _tables()])
    finally:
        con.close()


def create_table_statements() -> list[str]:
    """``CREATE TABLE`` statements of the table classes, parents first (compiled by SQLAlchemy)."""
    dialect = sqlite_dialect.dialect()
    return [str(CreateTable(t.table).compile(dialect=dialect)).strip() for t in _tables()]


def _create_tables(con: sqlite3.Connection) -> None:
    """Create the tables of the table classes on a raw connection (inside the caller's transaction)."""
    for stmt in create_table_statements():
        con.execute(stmt)


def schema_problems(con: sqlite3.Connection) -> list[str]:
    """What in the file's schema is not the table classes' schema (empty: it is theirs exactly)."""
    expected = expected_schema()
    problems = []
    objects = con.execute("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name").fetchall()
    names = set()
    for kind, name, tbl in objects:
        if kind == "table" and name in expected:
            names.add(name)
        elif kind == "index" and name.startswith("sqlite_autoindex_") and tbl in expected:
            pass
        else:
            problems.append(f"{kind} {name!r}, which is not part of a review" + (
                " (code that would run inside PRR Workbench)" if kind == "trigger" else ""))
    missing = [t for t in expected if t not in names]
    if missing:
        problems.append(f"missing table{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    actual = _schema_of(con, sorted(names))
    for t in sorted(names):
        if actual[t] != expected[t]:
            exp_cols = {c[1]: c for c in expected[t][0]}
            got_cols = {c[1]: c for c in actual[t][0]}
            diff = [n for n in list(exp_cols) + list(got_cols) if exp_cols.get(n) != got_cols.get(n)]
            problems.append(f"table {t} differs from a review's (column {diff[0]})" if diff
                            else f"table {t} has other foreign keys than a review's")
    return problems


def _open_checks(path: Path, *, readonly: bool) -> int:
    """SQLite's recovery first, then size, integrity and schema; returns the schema version."""
    name = str(path)
    if os.path.isdir(name + "-journal"):  # SQLite keeps its journal there: it could neither read nor write
        raise PrrError(f"{Path(name + '-journal').name} beside it is a folder, where SQLite keeps the file's "
                       "journal: move or rename that folder", file=name)
    hot = os.path.exists(name + "-journal")
    try:
        # A hot journal (a save killed mid-commit) must be rolled back, which writes: that needs
        # a read-write connection. The header already showed the file is ours.
        con = _connect(name, readonly=readonly and not hot)
        try:
            con.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # the first read recovers
            if hot and os.path.exists(name + "-journal"):
                _drop_dead_journal(con, name + "-journal")
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
            page_count = con.execute("PRAGMA page_count").fetchone()[0]
            size = os.stat(name).st_size
            if size < page_count * page_size:
                raise NotAReviewError(
                    f"damaged review file: truncated ({size} bytes, the header says {page_count * page_size})",
                    file=name)
            rows = con.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise NotAReviewError(f"damaged review file: {rows[0][0]}", file=name)
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise NotAReviewError("not a PRR review (application_id)", file=name)
            if version > CURRENT_VERSION:
                raise NewerVersionError(f"written by a newer PRR Workbench (file schema {version})", file=name)
            if version < 1:
                raise NotAReviewError("not a PRR review: no schema version", file=name)
            if version == CURRENT_VERSION:
                problems = schema_problems(con)
                if problems:
                    raise NotAReviewError(
                        "not a review file PRR Workbench wrote: it holds " + "; ".join(problems[:3])
                        + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""), file=name)
            else:  # older: only our tables may be there; the migration then gives the current schema
                others = [f"{k} {n!r}" for k, n in con.execute(
                    "SELECT type, name FROM sqlite_schema WHERE type NOT IN ('table', 'index')")]
                if others:
                    raise NotAReviewError("not a review file PRR Workbench wrote: it holds " + ", ".join(others),
                                          file=name)
            return version
        finally:
            con.close()
    except sqlite3.OperationalError as e:
        if _is_locked(e):
            raise ReviewLocked(LOCKED, file=name) from None
        raise NotAReviewError(f"damaged review file: {_truncation(path) or e}", file=name) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as e:
        # SQLite has closed the file (and recovered any journal it could): the header says why
        raise NotAReviewError(f"damaged review file: {_truncation(path) or e}", file=name) from None


def _is_locked(error: object) -> bool:
    """Is ``error`` SQLite's "database is locked" (or busy): another program holds the file's lock?"""
    msg = str(error)
    return "locked" in msg or "busy" in msg


def _drop_dead_journal(con: sqlite3.Connection, journal: str) -> None:
    """Delete a journal SQLite did not roll back (a save killed before its journal was complete).

    Under the write lock no other program is in a transaction, and SQLite has already played
    back any journal that was hot: what is left belongs to no one and holds nothing to restore.
    """
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:  # read-only medium, or a writer holds on: leave it (SQLite ignores it)
        return
    try:
        with contextlib.suppress(OSError):
            os.unlink(journal)
    finally:
        con.execute("ROLLBACK")


def _truncation(path: Path) -> str | None:
    """"truncated (...)" if the file is shorter than its header says, else None."""
    try:
        _kind, head = paths.probe(path, head=100)
        size = os.stat(path).st_size
    except (PrrError, OSError):
        return None
    if len(head) < 100:
        return None
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", head[28:32])[0]
    change_counter, valid_for = struct.unpack(">I", head[24:28])[0], struct.unpack(">I", head[92:96])[0]
    if change_counter == valid_for and page_count and size < page_count * page_size:
        return f"truncated ({size} bytes, the header says {page_count * page_size})"
    return None


# ------------------------------------------------------------------ writing: a copy renamed over the file
def _ident(path: Path, shown: str) -> tuple[int, int]:
    """Which file ``path`` names now (device, inode): a write replaces the file, never changes it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise PrrError("the review file is gone (moved or deleted by another program)", file=shown) from None
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=shown) from None
    return st.st_dev, st.st_ino


def _ident_or_none(path: Path) -> tuple[int, int] | None:
    """:func:`_ident` right after this program's own write (None if the file went meanwhile)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _same_review(snapshot: dict, rows: dict) -> bool:
    """Does the file (``rows``) still hold the review this store read (``snapshot``), or another one
    saved over it? The same system name, or at least half of the smaller review's components shared."""
    mine, theirs = set(snapshot.get("component", {})), set(rows.get("component", {}))
    if mine and theirs and len(mine & theirs) * 2 >= min(len(mine), len(theirs)):
        return True
    t = next(t for t in _tables() if t.name == "review")
    names = {t.thaw(v).get("system_name") for v in snapshot.get("review", {}).values()}
    return bool(names & {r.get("system_name") for r in rows.get("review", {}).values()})


def _another_review(rows: dict) -> str:
    name = next((r.get("system_name") for r in rows.get("review", {}).values()), None) or "another system"
    return (f"not saved: another program saved another review over this file ({name}, "
            f"{len(rows.get('component', {}))} components); your edits are kept in the window: save them "
            "to another file with File > Save As")


def _sqlalchemy_engine(creator):
    engine = create_engine("sqlite://", creator=creator, poolclass=StaticPool, json_serializer=_ENCODER.encode)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # SQLAlchemy's documented recipe for real SQLite transactions
        conn.exec_driver_sql(conn.info.get("prr_begin", "BEGIN"))

    return engine


@contextlib.contextmanager
def _sql_errors(shown: str, *, write: bool):
    """SQLite's errors as one-line PrrErrors naming the file."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as e:
        orig = getattr(e, "orig", None)
        msg = str(orig) if orig is not None else str(e)
        if _is_locked(msg):
            raise ReviewLocked(LOCKED, file=shown) from None
        if "readonly" in msg.replace("-", "").replace(" ", ""):
            raise PrrError("cannot write: the file is read-only", file=shown) from None
        raise PrrError(f"cannot {'write' if write else 'read'} the review: {msg}", file=shown) from None
    except (IntegrityError, sqlite3.IntegrityError) as e:
        raise PrrError(f"not saved: the change breaks the file's links between elements ({getattr(e, 'orig', e)})",
                       file=shown) from None


#: How long a writer waits for another program's save (seconds), as SQLite's busy timeout.
LOCK_TIMEOUT = 30.0


class _Lock:
    """The write lock of the file at a path: an SQLite connection in ``BEGIN IMMEDIATE``, and a
    plain descriptor of the same file that keeps its inode from being reused while it is held."""

    def __init__(self, con: sqlite3.Connection, fd: int):
        self.con, self.fd = con, fd

    def release(self) -> None:
        try:
            _end_write(self.con)
        finally:
            os.close(self.fd)  # after SQLite's connection: closing a descriptor drops the process's locks


def _end_write(con: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        con.execute("ROLLBACK")
    con.close()


def _lock_current(real: Path, shown: str) -> _Lock:
    """The write lock (``BEGIN IMMEDIATE``) of the file at ``real`` now.

    Taking the lock rolls back a hot journal (a save of an older version killed mid-commit).
    A writer renames its copy over the file while holding the file's lock, so a program that
    waited for that lock may now hold the lock of a file no longer at the path: it sees that,
    lets go and starts again on the new file (:func:`prr_app.paths.lock_file_at`, which keeps
    the file open meanwhile so that its inode number cannot go to a new file: if the path
    names that same file once the lock is held, SQLite has it too).
    """
    def begin(_fd: int) -> sqlite3.Connection:
        paths.refuse_read_only(real, shown)
        con = _connect(str(real), timeout=LOCK_TIMEOUT)
        try:
            con.execute("BEGIN IMMEDIATE")
        except BaseException:
            _end_write(con)
            raise
        return con

    fd, con = paths.lock_file_at(real, begin, _end_write, shown=shown, timeout=LOCK_TIMEOUT,
                                 gone="the review file is gone (moved or deleted by another program)")
    return _Lock(con, fd)


def _connect_copy(path: Path) -> sqlite3.Connection:
    """A connection to a copy being built: its journal in memory (the copy is thrown away on a failure)."""
    con = sqlite3.connect("file:" + _uri_path(str(path)) + "?mode=rw", uri=True, isolation_level=None,
                          check_same_thread=False)
    _harden(con, readonly=False)
    con.execute("PRAGMA journal_mode=MEMORY")
    con.execute("PRAGMA synchronous=OFF")  # the whole file is synced once, before the rename
    return con


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _drop_companions(real: Path) -> None:
    """Delete the journal (and any -wal/-shm) beside ``real``; call with its write lock held.

    Taking the lock has rolled back any hot journal: what is left is a dead one (a save killed
    before its journal was complete), which would otherwise be replayed into the new file.
    """
    for suffix in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(real) + suffix)


def _install(tmp: Path, real: Path) -> None:
    """Sync the finished copy, rename it over ``real`` (its write lock held), sync the folder."""
    _fsync_file(tmp)
    _drop_companions(real)
    os.replace(tmp, real)
    paths.fsync_folder(real)


def _discard(tmp: Path | None) -> None:
    if tmp is not None:
        for q in (tmp, Path(str(tmp) + "-journal")):
            with contextlib.suppress(OSError):
                os.unlink(q)


@contextlib.contextmanager
def _rewrite(real: Path, shown: str, *, backup_old: bool = True):
    """Yield a raw connection to a copy of the review file ``real``; on success the copy replaces it.

    The file's write lock is held throughout; the copy is made with SQLite's backup API
    (through a second, read-only connection: SQLite keeps the first one's locks when it
    closes). If the block raises, the copy is deleted and the file is untouched.

    A file of an older schema is upgraded in the copy (:func:`_upgrade`) before the block
    changes it: a write is the only moment a file is upgraded. Then, with ``backup_old``,
    the file as it was is copied to ``NAME.prr.vN.bak`` just before the copy replaces it.
    """
    lock = _lock_current(real, shown)
    tmp = con = None
    try:
        tmp = paths.new_temp_beside(real)
        con = sqlite3.connect("file:" + _uri_path(str(tmp)) + "?mode=rw", uri=True, isolation_level=None,
                              check_same_thread=False)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        src = _connect(str(real), readonly=True)
        try:
            src.backup(con)
        finally:
            src.close()
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.close()
        con = _connect_copy(tmp)
        if version < CURRENT_VERSION:
            _upgrade(con, version, shown)
        yield con
        con.close()
        con = None
        if version < CURRENT_VERSION and backup_old:
            _backup_old(real, version)
        _install(tmp, real)
        tmp = None
    except OSError as e:
        raise PrrError(f"cannot write: {e.strerror or e}", file=shown) from None
    finally:
        if con is not None:
            con.close()
        _discard(tmp)
        lock.release()


# ------------------------------------------------------------------ store
class ReviewStore:
    """An open ``.prr`` file. Use :func:`open_store` or :func:`create_store`."""

    def __init__(self, path: Path, *, readonly: bool = False, shown: str | None = None,
                 backup_before_upgrade: bool = True):
        self.real = Path(path)  # the file SQLite opens (symbolic links resolved)
        #: a write that upgrades a file of an older schema first copies it to NAME.prr.vN.bak
        self.backup_before_upgrade = backup_before_upgrade
        self.shown = shown or str(path)  # as the user named it, for messages
        self.path = Path(self.shown)
        self.readonly = readonly
        self._lock = threading.RLock()
        #: the rows as last read or written, each as :meth:`_Table.freeze` gives it (:func:`_frozen`)
        self._snapshot: dict[str, dict[tuple, tuple]] | None = None
        self._loaded: Review | None = None  # read when the file was opened, not yet handed out
        self._engine = None  # reads: on the file at the path when it connected (``_engine_ident``)
        self._engine_ident = None
        #: the file (device, inode) whose rows the snapshot holds: every write replaces the file, so
        #: another file at the path means another program wrote since (None: not known)
        self._seen: tuple[int, int] | None = None
        #: after a save that found another program's writes: the review as the file holds it now
        #: (theirs and this save's), and the snapshot is that; None after a save that found none
        self.theirs: Review | None = None
        #: rows whose base for the next saves is not the snapshot's (:meth:`hold_base`): table -> key
        #: -> the row as :meth:`_Table.freeze` gives it, None for "no such row"
        self._held: dict[str, dict[tuple, tuple | None]] = {}
        self._writer = None  # writes: on the copy being built (``_writing``), see _rewrite
        self._writing: sqlite3.Connection | None = None
        self._closed = False

    def _connect_reader(self) -> sqlite3.Connection:
        self._engine_ident = _ident(self.real, self.shown)  # before connecting: a later stat must agree
        con = _connect(str(self.real), readonly=self.readonly)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version < CURRENT_VERSION:  # an older schema: read from an upgraded copy in memory
                mem = _migrated_copy(con, version, self.shown)
                con.close()
                return mem
        except BaseException:
            con.close()
            raise
        return con

    @property
    def engine(self):
        """The SQLAlchemy engine that reads the file: one connection (SQLite's own locks do the rest)."""
        if self._engine is None:
            self._engine = _sqlalchemy_engine(self._connect_reader)
        return self._engine

    def _writer_engine(self):
        """The engine that writes the copy :func:`_rewrite` is building (kept for its compiled statements)."""
        if self._writer is None:
            self._writer = _sqlalchemy_engine(lambda: self._writing)
        return self._writer

    @contextlib.contextmanager
    def _writer_transaction(self, raw: sqlite3.Connection):
        """One SQLAlchemy transaction on ``raw``, a connection to a copy being built."""
        self._writing = raw
        engine = self._writer_engine()
        try:
            with engine.connect() as conn:
                with conn.begin():
                    yield conn
        finally:
            engine.dispose()  # lets go of ``raw`` (its owner closes it)
            self._writing = None

    @contextlib.contextmanager
    def _transaction(self, *, write: bool):
        """A transaction on the review as the file at the path holds it now.

        A write transaction holds the file's write lock and works on a copy, which replaces
        the file when the transaction ends without an exception (see :func:`_rewrite`).
        """
        if write and self.readonly:
            raise PrrError("the review is open read-only", file=self.shown)
        with self._lock, _sql_errors(self.shown, write=write):
            if write:
                with _rewrite(self.real, self.shown, backup_old=self.backup_before_upgrade) as raw, \
                        self._writer_transaction(raw) as conn:
                    yield conn
                self._drop_reader()  # the file it read has been replaced
                return
            for _attempt in range(100):
                if self._engine is not None and self._engine_ident != _ident(self.real, self.shown):
                    self._drop_reader()
                with self.engine.connect() as conn:
                    conn.info["prr_begin"] = "BEGIN"
                    with conn.begin():
                        conn.exec_driver_sql("SELECT 1 FROM sqlite_schema LIMIT 1")  # a shared lock from here
                        if self._engine_ident == _ident(self.real, self.shown):
                            yield conn
                            return
                self._drop_reader()  # replaced while connecting: read the new file
            raise PrrError("the review keeps being replaced by another program; try again", file=self.shown)

    def _drop_reader(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._engine_ident = None

    # -- reading -----------------------------------------------------
    def _read_all(self, conn, leave_out=None) -> dict[str, dict[tuple, dict]]:
        """``leave_out`` (a read that never writes back): tables not read at all (name -> None), and
        columns not read (name -> {column: what makes the value given instead}, or a :class:`Only` of
        the keys of a JSON object column that are read, the rest left in the file)."""
        out = {}
        for t in _tables():
            rows = {}
            left = (leave_out or {}).get(t.name, False)
            if left is None:
                out[t.name] = rows
                continue
            if left:
                cols = [c for c in t.columns if not callable(left.get(c.name))]
                made = {k: make for k, make in left.items() if callable(make)}

                def column(name):
                    keep = left.get(name)
                    if isinstance(keep, Only):  # SQLite picks the keys out of the JSON: the rest is never parsed
                        col = t.table.c[name]
                        return func.json_object(*(x for k in keep.keys
                                                   for x in (k, func.json_extract(col, f"$.{k}"))))
                    return t.table.c[name]

                sel = select(*(type_coerce(column(c.name), NullType()).label(c.name) for c in cols)).order_by(
                    *t.table.primary_key.columns)
                decode = t.decoder(cols)
                for raw in _plain_rows(conn, sel):
                    row = decode(raw, self.shown)
                    row.update({k: make() for k, make in made.items()})
                    rows[t.key(row)] = row
            else:
                decode = t.decoder()
                for raw in _plain_rows(conn, t.select):
                    row = decode(raw, self.shown)
                    rows[t.key(row)] = row
            out[t.name] = rows
        return out

    @property
    def seen_file(self) -> tuple[int, int] | None:
        """The identity (device, inode) of the file this store last read or wrote: every save renames
        a new file over the path, so another identity at the path is another program's write."""
        return self._seen

    def holds_this_review(self, rows: dict) -> bool:
        """Do the file's ``rows`` (:meth:`read_rows`) still hold the review this store read, rather
        than another one saved over it (the check a save makes)?"""
        return self._snapshot is None or _same_review(self._snapshot, rows)

    def read_rows(self) -> dict[str, dict[tuple, dict]]:
        """Every row of every table, type-checked, in one read transaction."""
        with self._transaction(write=False) as conn:
            return self._read_all(conn)

    def _build(self, rows) -> Review:
        if len(rows["review"]) != 1:  # a file's header (name, tier, dates): never a default's, nor one of two
            raise NotAReviewError("damaged or hand-edited review file: table review holds "
                                  f"{len(rows['review'])} rows (one expected)", file=self.shown)
        try:
            return review_from_rows(rows, self.shown)
        except (TypeError, KeyError) as e:  # e.g. a link to a mitigation that is not there
            raise NotAReviewError(f"damaged review file: unexpected content ({e})", file=self.shown) from None

    def load(self) -> Review:
        """Read the whole review (and remember what was read, for :meth:`save`)."""
        if self._loaded is not None:  # read moments ago by open_store
            review, self._loaded = self._loaded, None
            return review
        rows = self.read_rows()
        review = self._build(rows)
        self._snapshot = _frozen(rows)
        self._held = {}
        self._seen = self._engine_ident
        return review

    def snapshot_rows(self) -> dict[str, dict[tuple, dict]]:
        """The rows as this store last read or wrote them, with the rows held (:meth:`hold_base`):
        the base of a three-way merge."""
        if self._snapshot is None:
            self.load()
        base = self._base()
        return {t.name: {k: t.thaw(v) for k, v in base[t.name].items()} for t in _tables()}

    def hold_base(self, rows: dict[str, dict[tuple, dict | None]]) -> None:
        """Make ``rows`` (table -> key -> row, None: no such row) the base the next saves compare
        with, instead of what this store last read or wrote for them, until a save writes them.

        The app's undo after another program's write was taken into the window: the window's
        base for the element it undoes is the app's own value (what its edit wrote), not the
        other program's it shows now. Against that base the undo's write meets the other
        program's write as a :class:`SaveConflict` (the user decides), never as an ordinary
        change that silently reverts it."""
        with self._lock:
            if self._snapshot is None:
                self.load()
            by_name = {t.name: t for t in _tables()}
            for name, keyed in rows.items():
                t = by_name[name]
                held = self._held.setdefault(name, {})
                for k, row in keyed.items():
                    held[k] = None if row is None else t.freeze(row)

    def _base(self) -> dict[str, dict[tuple, tuple]]:
        """The snapshot with the rows held (:meth:`hold_base`) in their place."""
        if not self._held:
            return self._snapshot
        out = {n: dict(rows) for n, rows in self._snapshot.items()}
        for n, keyed in self._held.items():
            for k, v in keyed.items():
                if v is None:
                    out[n].pop(k, None)
                else:
                    out[n][k] = v
        return out

    # -- writing -----------------------------------------------------
    def _write(self, conn, old, new) -> int:
        """Write the difference from ``old`` to ``new`` rows (deletes child-first, the rest parent-first).
        A row of ``old`` given frozen (:meth:`_Table.freeze`) differs from any row of ``new``."""
        changes = 0
        tables = _tables()
        for t in reversed(tables):
            gone = [k for k in old[t.name] if k not in new[t.name]]
            if gone:
                conn.execute(t.delete, [{"pk_" + c: v for c, v in zip(t.pk, k)} for k in gone])
                changes += len(gone)
        for t in tables:
            oldt = old[t.name]
            put = [r for k, r in new[t.name].items() if oldt.get(k) != r]
            if put:
                for r in put:
                    t.check(r, self.shown)
                conn.execute(t.upsert, put)
                changes += len(put)
        return changes

    def edit(self, change: Callable[[Review], Review | None]) -> Review:
        """Apply ``change`` to the review as it is in the file now, under the write lock.

        ``change`` gets the review read inside the transaction and changes it in place (or
        returns the review to write instead). Only the rows that differ are written. Two
        programs editing at once are serialised by SQLite: none loses the other's change.
        Returns the review as written.
        """
        with self._transaction(write=True) as conn:
            rows = self._read_all(conn)
            review = self._build(rows)
            out = change(review)
            out = review if out is None else out
            new = review_rows(out)
            self._write(conn, rows, new)
        self._snapshot = _frozen(new)
        self._held = {}  # what was written is the file's now: nothing else is the base
        self._seen = _ident_or_none(self.real)
        return out

    def save(self, review: Review, *, release_held: bool = True) -> int:
        """Write what changed in ``review`` since it was read (or last saved), in one transaction.

        Under the write lock, every row about to change must still be what this store read
        or wrote last, or already what this save writes; a row another program changed
        otherwise raises :class:`SaveConflict` and nothing is written (so does a deletion that
        another program's new rows still name). Rows the other program changed that this
        review does not touch are kept. When another program wrote since, the file must still
        hold this review (not another one saved over it: :func:`_same_review`), and after the
        write :attr:`theirs` is the review as the file holds it, the other program's changes
        included: whoever shows ``review`` may take those changes in (:func:`theirs_changes`).
        Returns the number of rows written or deleted.

        The rows held (:meth:`hold_base`) are this save's base in place of the snapshot's; after
        the write they are let go (the file holds this review's rows for them), unless
        ``release_held`` is false: ``review`` is a copy taken before they were held (an autosave
        under way when the app's undo held them), so the next save must still meet them.
        """
        if self.readonly:
            raise PrrError("the review is open read-only", file=self.shown)
        new = review_rows(review)
        frozen = _frozen(new)
        self.theirs = None
        with self._lock:
            if self._snapshot is None:
                self.load()
            old = self._base()
            touched = {t.name: [k for k in set(old[t.name]) | set(frozen[t.name])
                                if old[t.name].get(k) != frozen[t.name].get(k)] for t in _tables()}
            if not any(touched.values()):
                return 0
            file_rows = None
            with self._transaction(write=True) as conn:
                if self._seen is not None and _ident(self.real, self.shown) != self._seen:
                    file_rows = self._read_all(conn)  # another program wrote: is it still this review?
                    if not _same_review(old, file_rows):
                        raise PrrError(_another_review(file_rows), file=self.shown)
                conflicts = []
                for t in _tables():
                    keys = touched[t.name]
                    if not keys:
                        continue
                    now = {k: t.freeze(r) for k, r in (
                        file_rows[t.name] if file_rows is not None else self._read_keys(conn, t, keys)).items()}
                    already = []
                    for k in keys:
                        cur = now.get(k)
                        if cur == old[t.name].get(k):
                            continue
                        if cur == frozen[t.name].get(k):
                            already.append(k)  # the other program wrote what this save writes
                        else:
                            conflicts.append((t.name, k))
                    for k in already:
                        keys.remove(k)
                if conflicts:
                    raise SaveConflict(conflicts, file=self.shown)
                # every touched row differs: what is in new is written, what is only in old deleted
                olds = {n: {k: old[n][k] for k in ks if k in old[n]} for n, ks in touched.items()}
                news = {n: {k: new[n][k] for k in ks if k in new[n]} for n, ks in touched.items()}
                if file_rows is not None:
                    merged = {n: dict(rows) for n, rows in file_rows.items()}
                    for n, ks in touched.items():
                        for k in ks:
                            if k in new[n]:
                                merged[n][k] = new[n][k]
                            else:
                                merged[n].pop(k, None)
                    broken = self._broken_by(old, file_rows, merged, news)
                    if broken:  # another program's rows name what this save deletes: the user decides
                        raise SaveConflict(broken, file=self.shown)
                try:
                    changes = self._write(conn, olds, news)
                except (IntegrityError, sqlite3.IntegrityError):
                    # another program's rows name what this save deletes (a dependency added to a
                    # component deleted here): the user decides, as for any conflict
                    gone = [(n, k) for n, ks in olds.items() for k in ks if k not in news[n]]
                    raise SaveConflict(gone or [(n, k) for n, ks in touched.items() for k in ks],
                                       file=self.shown) from None
            if file_rows is not None:
                self.theirs = self._build(merged)
            # the base of the next save stays this review's rows: a row of theirs it does not take in
            # is not touched, and one it takes in is already in the file (not a conflict)
            self._snapshot = frozen
            if release_held:
                self._held = {}
            self._seen = _ident_or_none(self.real)
        return changes

    def _broken_by(self, base: dict, theirs: dict, merged: dict, news: dict) -> list[tuple[str, tuple]]:
        """When this save (``news``, over the snapshot ``base``) meets another program's writes
        (``theirs``, the file): the rows that cannot go together in ``merged``, this save's and the
        file's (a dependency the other program added on a component deleted here). Empty when the
        merged review has no problem the file's did not have."""
        from prr_app.model.validation import validate

        try:
            after = review_from_rows(merged, self.shown)
        except (TypeError, KeyError, ValueError):
            after = None
        if after is not None:
            now = review_from_rows(theirs, self.shown)
            known = {str(p) for p in validate(now)}
            if not [p for p in validate(after) if str(p) not in known]:
                return []
        gone = {(n, k) for n, rows in base.items() for k in rows if k not in merged[n]}
        names = {k[0] for _n, k in gone if len(k) == 1}
        out = sorted(gone)
        for t in _tables():
            for k, row in theirs[t.name].items():
                if t.freeze(row) != base[t.name].get(k) and (set(k) & names or any(
                        v in names or (isinstance(v, list) and names.intersection(map(str, v)))
                        for v in row.values() if isinstance(v, (str, list)))):
                    out.append((t.name, k))
        return out or [(n, k) for n, ks in news.items() for k in ks]

    def _read_keys(self, conn, t: _Table, keys: list[tuple]) -> dict[tuple, dict]:
        out = {}
        for i in range(0, len(keys), 400):
            chunk = keys[i:i + 400]
            values = [k[0] for k in chunk] if len(t.pk) == 1 else chunk
            for raw in conn.execute(t.select.where(t.pk_expr.in_(values))):
                row = t.decode(raw, self.shown)
                out[t.key(row)] = row
        return out

    def backup_to(self, target: str | Path) -> None:
        """Copy the review to ``target`` with SQLite's backup API, atomically."""
        with _new_review_file(paths.real_target(target), str(target)) as tmp:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                with self._transaction(write=False) as conn:
                    conn.connection.driver_connection.backup(dst)
            finally:
                dst.close()

    def close(self) -> None:
        if not self._closed:
            self._drop_reader()
            if self._writer is not None:
                self._writer.dispose()
            self._closed = True
            open_files.release(self.real)

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _upgrade(con: sqlite3.Connection, from_version: int, shown: str) -> None:
    """Apply the migration steps to ``con`` (a copy of the file, never the file itself) in one
    transaction, DDL included, and check the result has exactly the current schema."""
    missing = [v for v in range(from_version + 1, CURRENT_VERSION + 1) if v not in STEPS]
    if missing:
        raise NotAReviewError(f"no way to upgrade schema {from_version} to {CURRENT_VERSION}", file=shown)
    con.execute("BEGIN")
    try:
        try:
            for v in range(from_version + 1, CURRENT_VERSION + 1):
                STEPS[v](con)
        except sqlite3.DatabaseError as e:
            raise NotAReviewError(f"damaged review file: cannot upgrade it from schema {from_version}: {e}",
                                  file=shown) from None
        con.execute(f"PRAGMA user_version={CURRENT_VERSION}")
        problems = schema_problems(con)
        if problems:
            raise NotAReviewError("the upgraded file is not a review: " + "; ".join(problems), file=shown)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _migrated_copy(src: sqlite3.Connection, from_version: int, shown: str) -> sqlite3.Connection:
    """An in-memory copy of the file ``src`` is connected to, upgraded to the current schema: what
    a review of an older schema is read from. The file is not changed (it is upgraded by the first
    write, :func:`_rewrite`)."""
    mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        src.backup(mem)
        _harden(mem, readonly=False)
        _upgrade(mem, from_version, shown)
    except BaseException:
        mem.close()
        raise
    return mem


def _backup_old(real: Path, version: int) -> None:
    """Copy the file at ``real`` (of schema ``version``, its write lock held) to ``NAME.prr.vN.bak``
    beside it, with SQLite's backup API into a temporary file renamed into place."""
    bak = real.with_name(real.name + f".v{version}.bak")
    tmp = paths.new_temp_beside(bak)
    try:
        src = _connect(str(real), readonly=True)
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        _fsync_file(tmp)
        os.replace(tmp, bak)
        tmp = None
    finally:
        _discard(tmp)


class Only:
    """A JSON object column of which a read for a look takes only ``keys`` (:data:`LEAN_READ`)."""

    def __init__(self, *keys: str):
        self.keys = keys


#: What a read for a look only leaves out (:func:`open_store`'s ``lean``): the milestones (each a
#: whole review) and the import records' reports (an import of 10,000 components reports every
#: element with its evidence and what was imported: ~150,000 containers, more than the review
#: itself, which made ``prr analyze`` of an imported 10k review take twice its JSON's time), but for
#: their inferred dependencies with the reviewer's decisions on them (which calls are guesses no
#: reviewer confirmed: the summary and the report say so).
LEAN_READ = {"milestone": None, "import_record": {"report": Only("inferred")}}


def open_store(
    path: str | Path, *, readonly: bool = False, backup_before_migrate: bool = True, _snapshot=None,
    lean: bool = False,
) -> ReviewStore:
    """Open an existing review file after checking it is one we can read (see the module's docstring).

    ``lean`` (with ``readonly``): the review read at open leaves out :data:`LEAN_READ`, and no
    snapshot is kept: for a command that looks at the review (an analysis) and never writes it.

    ``_snapshot`` (internal): the rows just written by :func:`create_store`, which spares
    reading them back.
    """
    shown = str(path)
    real = Path(os.path.realpath(path))
    open_files.register(real, shown)
    try:
        inspect_header(Path(path))  # a file that is not a PRR review is refused before anything is touched
        paths.remove_stale_temps(real)
        _open_checks(real, readonly=readonly)
        # a file of an older schema is read from an upgraded copy in memory (its values checked
        # there, as any file's): opening it changes nothing; its first write upgrades it
        store = ReviewStore(real, readonly=readonly, shown=shown, backup_before_upgrade=backup_before_migrate)
        if _snapshot is not None:
            store._snapshot = _snapshot
            store._seen = _ident_or_none(real)
        elif lean and readonly:
            try:
                with store._transaction(write=False) as conn:
                    store._loaded = store._build(store._read_all(conn, LEAN_READ))
            except SQLAlchemyError as e:
                store.close()
                raise NotAReviewError(f"damaged review file: {e}", file=shown) from None
        else:
            try:
                store._loaded = store.load()  # proves the content is readable, fills the snapshot
            except SQLAlchemyError as e:
                store.close()
                raise NotAReviewError(f"damaged review file: {e}", file=shown) from None
        return store
    except BaseException:
        open_files.release(real)
        raise


def _replace_review_file(tmp: Path, target: Path, shown: str) -> None:
    """Rename the finished file ``tmp`` over ``target``, without leaving a journal of the old file.

    If ``target`` is a review (an SQLite file), its write lock is taken first, as every
    writer does (which waits for a program saving it right now and rolls back a hot journal
    of an older version); a journal left beside it is deleted, so it is never replayed into
    the new file.
    """
    lock = None
    try:
        if target.exists() and stat.S_ISREG(os.stat(target).st_mode):
            try:
                lock = _lock_current(target, shown)
            except sqlite3.DatabaseError:  # not a database SQLite can open: nothing of it to keep
                lock = None
        _install(tmp, target)
    finally:
        if lock is not None:
            lock.release()


@contextlib.contextmanager
def _new_review_file(real: Path, shown: str):
    """Yield the path of a new file beside ``real`` to build a review in; when the block ends,
    the file replaces ``real`` (:func:`_replace_review_file`). If the block raises, the new file
    is deleted and ``real`` is untouched. (Save a copy and a new review; an edit rewrites a copy
    of the file under its lock instead: :func:`_rewrite`.)"""
    tmp = paths.new_temp_beside(real)
    try:
        yield tmp
        _replace_review_file(tmp, real, shown)
    except BaseException as e:
        _discard(tmp)
        if isinstance(e, OSError):
            raise PrrError(f"cannot write: {e.strerror or e}", file=shown) from None
        raise


def create_store(path: str | Path, review: Review | None = None, *, overwrite: bool = False) -> ReviewStore:
    """Create a new review file (atomically: built aside, then renamed into place) and open it."""
    shown = str(path)
    p = Path(path)
    if p.is_dir():
        raise PrrError("is a folder; give a file name to write", file=shown)
    if os.path.lexists(p) and not overwrite:
        raise PrrError("already exists", file=shown)
    real = paths.real_target(p)
    if open_files.is_open(real):
        raise PrrError("this review is open; close it before replacing it", file=shown)
    new = review_rows(review if review is not None else Review())
    # every SQLite error of the copy (a full disk at the schema's COMMIT as at the rows') is one line
    # naming the file, as an edit's is; the copy is then deleted and the file untouched
    with _new_review_file(real, shown) as tmp, _sql_errors(shown, write=True):
        con = _connect_copy(tmp)
        try:
            con.execute("BEGIN")
            _create_tables(con)
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            con.execute(f"PRAGMA user_version={CURRENT_VERSION}")
            con.execute("COMMIT")
            tmp_store = ReviewStore(tmp, shown=shown)
            with tmp_store._writer_transaction(con) as conn:
                tmp_store._write(conn, {t.name: {} for t in _tables()}, new)
            tmp_store._writer.dispose()
        finally:
            con.close()
    return open_store(p, _snapshot=_frozen(new))
