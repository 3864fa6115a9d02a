"""The repository's tables, derived from the ``.prr`` file's table models.

Every table of :data:`prr_app.persistence.tables.TABLES` appears here with the same name and
columns and one more column in front of its primary key, ``review_id``; the foreign keys of
the file become composite keys within one review. The tables only the repository has
(``repo_review``, ``repo_change``, ``repo_signoff``) are plain SQLAlchemy Core tables in the
same metadata. This metadata is what the Alembic migrations are checked against
(tests/test_teamrepo.py): a column added to a ``.prr`` table needs a migration here too.

JSON columns keep PostgreSQL's ``json`` type (text kept as written), so a review's key order
survives a push and a pull.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    DateTime,
    ForeignKey,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Identity,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import INET

from prr_app.persistence import tables as prr_tables

metadata = MetaData()

#: One row per review in the repository.
repo_review = Table(
    "repo_review",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("name", Text, nullable=False),
    Column("version", BigInteger, nullable=False, server_default=text("1")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Text, nullable=False, server_default=text("CURRENT_USER")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", Text, nullable=False, server_default=text("CURRENT_USER")),
    UniqueConstraint("name", name="repo_review_name_key"),
)

#: The append-only history: one row per changed field, inserted row or deleted row. Written by
#: the database itself (schema 0010: statement triggers on every review table, whoever writes),
#: with ``changed_by`` (the login), ``changed_at`` and ``client_addr`` set by the server: who the
#: database says the writer is, not who the app claims.
repo_change = Table(
    "repo_change",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("table_name", Text, nullable=False),
    Column("row_key", JSON, nullable=False),
    Column("field", Text),  # NULL: the whole row was inserted (old NULL) or deleted (new NULL)
    Column("old", JSON),
    Column("new", JSON),
    Column("changed_by", Text, nullable=False, server_default=text("CURRENT_USER")),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("client_addr", INET, server_default=text("inet_client_addr()")),
    Column("client", Text, nullable=False, server_default=text("''")),  # what the writer says: app and host
    # the changes since a version: what an open window and a push's merge ask for (schema 0009)
    Index("ix_repo_change_review_version", "review_id", "version"),
)

#: Verdict sign-offs: only an approver may insert one (the grants say so).
repo_signoff = Table(
    "repo_signoff",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", BigInteger, nullable=False),
    Column("verdict", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("signed_by", Text, nullable=False, server_default=text("CURRENT_USER")),
    Column("signed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("assessed_verdict", Text),  # the review's stored verdict when signed (schema 0010, set by the server)
    CheckConstraint("verdict IN ('ready', 'ready_with_conditions', 'not_ready')", name="repo_signoff_verdict_check"),
)

#: The verdicts a sign-off records.
VERDICTS = ("ready", "ready_with_conditions", "not_ready")


def _review_table(model) -> Table:
    src = model.__table__
    cols = [Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False)]
    for c in src.columns:
        kind = String() if isinstance(c.type, String) and not isinstance(c.type, Text) else c.type
        cols.append(Column(c.name, kind, nullable=c.nullable))
    pk = PrimaryKeyConstraint("review_id", *[c.name for c in src.primary_key.columns], name=f"{src.name}_pkey")
    fks = []
    for fk in src.foreign_keys:
        target = fk.column.table.name
        fks.append(
            ForeignKeyConstraint(
                ["review_id", fk.parent.name],
                [f"{target}.review_id", f"{target}.{fk.column.name}"],
                name=f"{src.name}_{fk.parent.name}_fkey",
                deferrable=True,
                initially="DEFERRED",
            )
        )
    return Table(src.name, metadata, *cols, pk, *fks)


#: The ``.prr`` tables the repository keeps. Milestones (each a whole review) are not kept in the
#: repository yet: a pushed review's milestones stay in its file.
_KEPT = [m for m in prr_tables.TABLES if m.__table__.name != "milestone"]

#: The review's tables, by name, parents before children (the order of the ``.prr`` file).
REVIEW_TABLES: dict[str, Table] = {m.__table__.name: _review_table(m) for m in _KEPT}

#: Per review table: the columns of the ``.prr`` table (without ``review_id``) and its key.
COLUMNS: dict[str, list[str]] = {n: [c.name for c in m.__table__.columns] for n, m in
                                 ((m.__table__.name, m) for m in _KEPT)}


def _defaults(model) -> dict:
    """The column values a new row of ``model`` has unless set (columns with a default only)."""
    out = {}
    for name, f in model.model_fields.items():
        if f.default_factory is not None:
            out[name] = f.default_factory()
        elif not f.is_required():
            out[name] = f.default
    return out


#: Per review table: each column's default, for the columns that have one (what an element added
#: on both sides of a merge is compared against: e.g. a checklist answer's "unanswered" state).
DEFAULTS: dict[str, dict] = {m.__table__.name: _defaults(m) for m in _KEPT}

#: Finds a shared component (same id) across reviews.
Index("ix_component_id", REVIEW_TABLES["component"].c.id)

KEYS: dict[str, list[str]] = {m.__table__.name: [c.name for c in m.__table__.primary_key.columns]
                              for m in _KEPT}

#: Group roles, per database: ``<database>_viewer`` and so on (see :func:`role_names`).
ROLE_KINDS = ("viewer", "reviewer", "approver")


def role_name(database: str, kind: str) -> str:
    """The PostgreSQL role of ``kind`` (viewer, reviewer, approver) for a repository database."""
    if kind not in ROLE_KINDS:
        raise ValueError(kind)
    return f"{database}_{kind}"[:63]


__all__ = ["metadata", "repo_review", "repo_change", "repo_signoff", "REVIEW_TABLES", "COLUMNS", "KEYS",
           "ROLE_KINDS", "role_name"]

#: Each review's assessment, written with every push (the portfolio reads it).
repo_assessment = Table(
    "repo_assessment",
    metadata,
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("system", Text, nullable=False),
    Column("target_launch", Text),
    Column("verdict", Text, nullable=False),
    Column("launch_blockers", Integer, nullable=False),
    Column("slo_not_attainable", JSON, nullable=False),
    Column("checklist_score", Float),
    Column("checklist_blockers", Integer),
    Column("acceptances", JSON, nullable=False),  # [{risk, until}]
    Column("dues", JSON, nullable=False),  # [{what, id, due}] not done yet
    # schema 0010: checklist progress, the risks blocking by rule (what an acceptance of them needs
    # an approver for), and who stored the row (the server says: prr_store_assessment())
    Column("checklist_answered", Integer),
    Column("checklist_applicable", Integer),
    Column("blocking_risks", JSON),
    Column("assessed_by", Text),
    Column("assessed_at", DateTime(timezone=True)),
)

#: What the failure of one component or domain takes down in one review.
repo_impact = Table(
    "repo_impact",
    metadata,
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False),
    Column("element_type", Text, nullable=False),  # component | domain
    Column("element", Text, nullable=False),
    Column("down", Integer, nullable=False),
    Column("degraded", Integer, nullable=False),
    Column("journeys", JSON, nullable=False),
    Column("user_facing", JSON, nullable=False),
    PrimaryKeyConstraint("review_id", "element_type", "element", name="repo_impact_pkey"),
    Index("ix_repo_impact_element", "element"),
)

#: A component of one review linked as "the same as" a shared component (another id).
repo_same_as = Table(
    "repo_same_as",
    metadata,
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False),
    Column("component", Text, nullable=False),
    Column("same_as", Text, nullable=False),
    Column("linked_by", Text, nullable=False, server_default=text("CURRENT_USER")),
    Column("linked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("review_id", "component", name="repo_same_as_pkey"),
    Index("ix_repo_same_as_same_as", "same_as"),
)

#: Roles per review: when a review lists members, only its reviewers and approvers may change it.
repo_review_role = Table(
    "repo_review_role",
    metadata,
    Column("review_id", Integer, ForeignKey("repo_review.id", ondelete="CASCADE"), nullable=False),
    Column("member", Text, nullable=False),  # a PostgreSQL role (a login or a group)
    Column("kind", Text, nullable=False),
    CheckConstraint("kind IN ('viewer', 'reviewer', 'approver')", name="repo_review_role_kind_check"),
    PrimaryKeyConstraint("review_id", "member", name="repo_review_role_pkey"),
)
