"""SQLModel table models: the one description of the ``.prr`` schema (version 1).

One row per element; lists are JSON columns, in the order the reviewer gave.
The store creates a file from these classes, checks an opened file's schema
against them, and reads and writes rows through their tables (SQLAlchemy Core).
``migrations.py`` holds the steps from older versions. The annotations of JSON
columns (``list[str]``, ``list[dict]``, ``dict``) are what the store accepts
in them when it reads a file.

These models are also imported by code that keeps reviews in a server
database: keep class names stable.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, String
from sqlmodel import Field, SQLModel


def _json(default=list):  # a JSON column, never NULL
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class ReviewRow(SQLModel, table=True):
    __tablename__ = "review"
    id: int = Field(default=1, primary_key=True)
    system_name: str
    description: str = ""
    reviewers: list[str] = _json()
    review_date: Optional[str] = None
    milestone: str = ""
    target_launch: Optional[str] = None
    tier: Optional[int] = 2
    checklist_template: Optional[str] = None
    checklist_version: Optional[str] = None
    resilience_policy: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))


class ComponentRow(SQLModel, table=True):
    __tablename__ = "component"
    id: str = Field(primary_key=True)
    name: str = ""
    kind: str = "service"
    description: str = ""
    owner: str = ""
    tier: Optional[int] = None
    user_facing: bool = False
    replicas: Optional[int] = None
    min_healthy: Optional[int] = None
    placement: list[str] = _json()
    shared_domains: list[str] = _json()
    availability: Optional[float] = None
    slo: Optional[float] = None
    rto_minutes: Optional[float] = None
    rpo_minutes: Optional[float] = None
    recovery: Optional[str] = None
    failover_minutes: Optional[float] = None
    backup_interval_minutes: Optional[float] = None
    obs_metrics: Optional[bool] = None
    obs_logs: Optional[bool] = None
    obs_traces: Optional[bool] = None
    obs_alerts: Optional[bool] = None
    obs_dashboard: Optional[bool] = None
    obs_runbook: Optional[bool] = None
    tags: list[str] = _json()
    source: str = ""
    notes: str = ""


class DependencyRow(SQLModel, table=True):
    __tablename__ = "dependency"
    source: str = Field(sa_column=Column(String, ForeignKey("component.id"), primary_key=True))
    target: str = Field(primary_key=True)
    kind: str = "hard"
    fallback: Optional[str] = None
    timeout_ms: Optional[int] = None
    retries: Optional[int] = None
    backoff: Optional[bool] = None
    retry_budget: Optional[bool] = None
    circuit_breaker: Optional[bool] = None
    description: str = ""
    evidence: list[str] = _json()
    # the reviewer stated the kind (not an import's guess); DEFAULT '0' as the version-5 migration's
    # ALTER TABLE ... ADD COLUMN had to declare it (a BOOLEAN column reads it as 0: false)
    kind_stated: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class RedundancyGroupRow(SQLModel, table=True):
    __tablename__ = "redundancy_group"
    id: str = Field(primary_key=True)
    name: str = ""
    members: list[str] = _json()
    min_up: int = 1
    notes: str = ""


class FailureDomainRow(SQLModel, table=True):
    __tablename__ = "failure_domain"
    id: str = Field(primary_key=True)
    name: str = ""
    kind: str = "zone"
    parent: Optional[str] = None
    availability: Optional[float] = None
    notes: str = ""


class JourneyRow(SQLModel, table=True):
    __tablename__ = "journey"
    id: str = Field(primary_key=True)
    name: str = ""
    entry: list[str] = _json()
    slo: Optional[float] = None
    description: str = ""
    critical: bool = True


class ChecklistAnswerRow(SQLModel, table=True):
    __tablename__ = "checklist_answer"
    item: str = Field(primary_key=True)
    status: str = "unanswered"
    reason: str = ""
    evidence: str = ""
    owner: str = ""
    due: Optional[str] = None
    note: str = ""
    changed_by: str = ""
    changed_at: Optional[str] = None
    history: list[dict] = _json()


class RiskRow(SQLModel, table=True):
    __tablename__ = "risk"
    id: str = Field(primary_key=True)
    origin: str = "manual"
    title: str = ""
    description: str = ""
    likelihood: Optional[int] = None
    impact: Optional[int] = None
    override_likelihood: Optional[int] = None
    override_impact: Optional[int] = None
    override_reason: str = ""
    launch_blocking: Optional[bool] = None
    components: list[str] = _json()
    owner: str = ""
    status: str = "open"
    accepted_by: Optional[str] = None
    accepted_at: Optional[str] = None
    acceptance_reason: Optional[str] = None
    accepted_until: Optional[str] = None
    # DEFAULT '' as the version-2 migration's ALTER TABLE ... ADD COLUMN had to declare it
    launch_blocking_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # the decisions made on the risk (RiskChange entries, oldest first); DEFAULT '[]' as the version-4
    # migration's ALTER TABLE ... ADD COLUMN had to declare it
    history: list[dict] = Field(default_factory=list,
                                sa_column=Column(JSON, nullable=False, server_default="[]"))


class MitigationRow(SQLModel, table=True):
    __tablename__ = "mitigation"
    id: str = Field(primary_key=True)
    title: str = ""
    description: str = ""
    owner: str = ""
    due: Optional[str] = None
    status: str = "planned"
    effort: Optional[str] = None


class RiskMitigationRow(SQLModel, table=True):
    """Many-to-many between risks and mitigations; ``position`` keeps the order."""

    __tablename__ = "risk_mitigation"
    mitigation_id: str = Field(sa_column=Column(String, ForeignKey("mitigation.id"), primary_key=True))
    risk_id: str = Field(sa_column=Column(String, ForeignKey("risk.id"), primary_key=True))
    position: int = 0


class LayoutRow(SQLModel, table=True):
    __tablename__ = "layout"
    element: str = Field(primary_key=True)
    x: float
    y: float


class ImportRecordRow(SQLModel, table=True):
    __tablename__ = "import_record"
    id: str = Field(primary_key=True)
    at: str
    format: str
    sources: list[str] = _json()
    summary: str = ""
    report: dict = _json(dict)


class MilestoneRow(SQLModel, table=True):
    """A named, dated snapshot of the review; ``review`` is the review as it was (review JSON)."""
    __tablename__ = "milestone"
    id: str = Field(primary_key=True)
    name: str = ""
    date: Optional[str] = None
    taken_at: str = ""
    taken_by: str = ""
    note: str = ""
    review: dict = _json(dict)


class ChecklistProposalRow(SQLModel, table=True):
    """An answer proposed from imported evidence (issue 21), until a reviewer confirms or rejects it."""
    __tablename__ = "checklist_proposal"
    item: str = Field(primary_key=True)
    status: str
    reason: str = ""
    evidence: list[str] = _json()
    extractor: str = ""
    made_at: str = ""
    rejected_by: str = ""
    rejected_at: Optional[str] = None


#: Tables in insert order (parents before children).
TABLES = [
    ReviewRow,
    ComponentRow,
    DependencyRow,
    RedundancyGroupRow,
    FailureDomainRow,
    JourneyRow,
    ChecklistAnswerRow,
    RiskRow,
    MitigationRow,
    RiskMitigationRow,
    LayoutRow,
    ImportRecordRow,
    MilestoneRow,
    ChecklistProposalRow,
]
