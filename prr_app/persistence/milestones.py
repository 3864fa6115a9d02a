"""Milestones in the ``.prr`` file: the ``milestone`` table.

One row per milestone; ``review`` holds the review as it was, as interchange JSON text.
The table is an SQLModel table on the same metadata as :mod:`prr_app.persistence.tables`
(:func:`table_model`), described for readers without SQLAlchemy by :data:`DDL` (a test
checks they agree).

Until the store's schema version includes this table, it is created on first write
(``CREATE TABLE IF NOT EXISTS``: a file of schema version 1 stays readable by every
version), and a file without it simply has no milestones. Reading uses :mod:`sqlite3`
only, so loading a review does not import SQLAlchemy (see docs/performance.md).
"""

import json
import sqlite3
from pathlib import Path

from prr_app.domain.model import Milestone
from prr_app.errors import PrrError

TABLE = "milestone"

#: The table as SQLite holds it (what SQLModel creates for :func:`table_model`).
DDL = """CREATE TABLE IF NOT EXISTS milestone (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    date VARCHAR,
    taken_at VARCHAR NOT NULL,
    taken_by VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    review JSON NOT NULL,
    PRIMARY KEY (id)
)"""

COLUMNS = ("id", "name", "date", "taken_at", "taken_by", "note", "review")

_MODEL = None


def table_model():
    """The SQLModel table class of milestones (made on first use: SQLModel is slow to import)."""
    global _MODEL
    if _MODEL is None:
        from typing import Optional

        from sqlalchemy import JSON, Column
        from sqlmodel import Field, SQLModel

        from prr_app.persistence import tables  # noqa: F401  (the same metadata, its tables first)

        class MilestoneRow(SQLModel, table=True):
            __tablename__ = TABLE
            id: str = Field(primary_key=True)
            name: str = ""
            date: Optional[str] = None
            taken_at: str = ""
            taken_by: str = ""
            note: str = ""
            review: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

        _MODEL = MilestoneRow
    return _MODEL


def _from_row(row: tuple, path: Path) -> Milestone:
    d = dict(zip(COLUMNS, row))
    try:
        d["review"] = json.loads(d["review"])
    except (TypeError, ValueError) as e:
        raise PrrError(f"damaged milestone {d['id']!r}: its review is not JSON ({e})", file=str(path),
                       location=f"table {TABLE}") from None
    if not isinstance(d["review"], dict):
        raise PrrError(f"damaged milestone {d['id']!r}: its review is not a JSON object", file=str(path),
                       location=f"table {TABLE}")
    return Milestone(**d)


def read_milestones(path: str | Path) -> dict[str, Milestone]:
    """The milestones kept in the ``.prr`` file at ``path`` (none if it has no milestone table)."""
    p = Path(path)
    try:
        con = sqlite3.connect(f"file:{p.resolve().as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise PrrError(f"cannot read milestones: {e}", file=str(p)) from None
    try:
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone()
        if not has:
            return {}
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id").fetchall()
    except sqlite3.Error as e:
        raise PrrError(f"damaged review file: cannot read milestones ({e})", file=str(p)) from None
    finally:
        con.close()
    return {r[0]: _from_row(r, p) for r in rows}


def write_milestones(store, milestones: dict[str, Milestone], *, current: dict[str, Milestone] | None = None) -> int:
    """Make the file's milestones those of ``milestones``, in one transaction on the store's engine.

    Rows are written only where they differ; returns the number of rows written or deleted.
    The table is created when missing. ``current``: what the file holds, when the caller
    knows (else it is read).
    """
    if store.readonly:
        raise PrrError("the review is open read-only", file=str(store.path))
    if current is None:
        current = read_milestones(store.path)
    if current == milestones:
        return 0
    from sqlmodel import Session

    model = table_model()
    n = 0
    with Session(store.engine) as session:
        with session.begin():
            session.connection().exec_driver_sql(DDL)
            for mid in current:
                if mid not in milestones:
                    session.delete(session.get(model, mid))
                    n += 1
            for mid, m in milestones.items():
                if current.get(mid) == m:
                    continue
                session.merge(model(id=m.id, name=m.name, date=m.date, taken_at=m.taken_at, taken_by=m.taken_by,
                                    note=m.note, review=m.review))
                n += 1
    return n
