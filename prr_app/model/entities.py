"""The review's model: plain dataclasses, no I/O, no Qt.

Everything a reviewer writes lives in a :class:`Review`. Persistence
(``prr_app.persistence``), JSON interchange (``prr_app.interchange``), the
analysis and the UI all work on these objects.

Units used throughout:

* availability, SLO: percent (``99.95`` means 99.95 %)
* RTO, RPO, failover time, backup interval: minutes
* timeouts: milliseconds
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class StrEnum(str, Enum):
    """An enum whose members are their own string values."""

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class ComponentKind(StrEnum):
    SERVICE = "service"
    DATASTORE = "datastore"
    CACHE = "cache"
    QUEUE = "queue"
    GATEWAY = "gateway"
    LOAD_BALANCER = "load_balancer"
    DNS = "dns"
    CDN = "cdn"
    IDENTITY = "identity"
    PLATFORM = "platform"
    EXTERNAL_API = "external_api"
    FRONTEND = "frontend"
    OTHER = "other"


class DependencyKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    ASYNC = "async"


class DomainKind(StrEnum):
    PROVIDER = "provider"
    REGION = "region"
    ZONE = "zone"
    DATACENTER = "datacenter"
    RACK = "rack"
    HOST = "host"
    CLUSTER = "cluster"
    ACCOUNT = "account"
    NETWORK = "network"
    CONFIG = "config"
    PIPELINE = "pipeline"
    CERTIFICATE = "certificate"
    OTHER = "other"


#: Domain kinds that form the physical hierarchy; the rest are logical
#: shared-fate domains.
PHYSICAL_DOMAIN_KINDS = frozenset(
    {"provider", "region", "zone", "datacenter", "rack", "host"}
)


class Recovery(StrEnum):
    NONE = "none"
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class AnswerStatus(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    UNANSWERED = "unanswered"


class RiskOrigin(StrEnum):
    MANUAL = "manual"
    COMPUTED = "computed"


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class MitigationStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Effort(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class _NoItems(list):
    """The one shared, read-only empty list of :data:`NO_ITEMS`.

    A review read from a file gives it to every empty list field of its components and dependencies
    (placement, shared domains, tags, evidence): 10,000 components and 30,000 dependencies would
    otherwise be 60,000 empty lists, which the garbage collector walks at each of its full passes.
    It is a list and compares equal to ``[]``; what would put an item in it raises ``TypeError`` (give
    the field a new list instead: ``obj.tags = [*obj.tags, tag]``); ``+=`` gives a new list.
    """

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("this empty list is shared and read-only: assign a new list to the field instead")

    append = extend = insert = __setitem__ = _read_only

    def __iadd__(self, other):
        return [*other]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return "NO_ITEMS"


#: The shared empty value of a read review's empty list fields (see :class:`_NoItems`).
NO_ITEMS: list = _NoItems()


#: Tags that mark shared plumbing (observability, configuration, discovery), in the order an element
#: tagged with several is named by. The analysis treats calls to them as soft (docs/analysis.md, "Hubs").
HUB_TAGS = ("telemetry", "config", "discovery")

#: The tag of a load generator (Locust, k6, JMeter...): a test tool that calls the system, never taken
#: for where its users come in (docs/analysis.md, "User-facing and journeys").
LOAD_GENERATOR = "load-generator"

#: The tag of software that runs on users' devices (a mobile app, a single-page application in the
#: browser): one instance per user, so one instance's failure is that user's alone (its failure as a
#: whole, a bad release, is everyone's). docs/analysis.md.
CLIENT = "client"

#: The tag of an operators' console (a database's or a broker's admin UI: mongo-express, pgAdmin, a store's
#: admin app): not where users come in, and no user's request passes through it.
ADMIN_UI = "admin-ui"

#: The tag a re-import puts on a component the source no longer has (flagged, never deleted: the
#: reviewer decides). The analysis keeps analysing it and says so (docs/importers.md, "Re-import").
MISSING_TAG = "missing-from-source"

#: The observability signals a component may have.
OBSERVABILITY_SIGNALS = ("metrics", "logs", "traces", "alerts", "dashboard", "runbook")


@dataclass
class Observability:
    """Which signals exist for a component. ``None`` means not stated."""

    metrics: bool | None = None
    logs: bool | None = None
    traces: bool | None = None
    alerts: bool | None = None
    dashboard: bool | None = None
    runbook: bool | None = None

    def missing(self) -> list[str]:
        """Signals explicitly marked as absent."""
        return [s for s in OBSERVABILITY_SIGNALS if getattr(self, s) is False]

    def unknown(self) -> list[str]:
        return [s for s in OBSERVABILITY_SIGNALS if getattr(self, s) is None]


@dataclass
class ReviewMeta:
    system_name: str = "Untitled system"
    description: str = ""
    reviewers: list[str] = field(default_factory=list)
    review_date: str | None = None  # ISO date YYYY-MM-DD
    milestone: str = ""
    target_launch: str | None = None  # ISO date
    tier: int | None = 2  # 1 critical, 2 standard, 3 experimental; None: not stated (tier 1 for blocking)
    checklist_template: str | None = None  # template id
    checklist_version: str | None = None


@dataclass
class Component:
    id: str
    name: str = ""
    kind: str = ComponentKind.SERVICE.value
    description: str = ""
    owner: str = ""
    tier: int | None = None  # None: inherits the review's tier
    user_facing: bool = False
    replicas: int | None = None  # None: not stated (analysis assumes 1)
    min_healthy: int | None = None  # k of n; None: 1
    placement: list[str] = field(default_factory=list)  # domains, instances round-robin
    shared_domains: list[str] = field(default_factory=list)  # every instance shares these
    availability: float | None = None  # percent
    slo: float | None = None  # percent, for user-facing components
    rto_minutes: float | None = None
    rpo_minutes: float | None = None
    recovery: str | None = None  # Recovery
    failover_minutes: float | None = None
    backup_interval_minutes: float | None = None
    observability: Observability = field(default_factory=Observability)
    tags: list[str] = field(default_factory=list)
    source: str = ""  # where it came from, e.g. "import:kubernetes deploy/frontend.yaml"
    notes: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id

    def instance_domains(self, i: int) -> list[str]:
        """The domains instance ``i`` is placed in (without ancestors)."""
        doms: list[str] = []
        if self.placement:
            doms.append(self.placement[i % len(self.placement)])
        doms.extend(self.shared_domains)
        return doms


@dataclass
class Dependency:
    source: str  # component id
    target: str  # component id or redundancy group id
    kind: str = DependencyKind.HARD.value
    fallback: str | None = None  # what happens instead; presence means a fallback exists
    timeout_ms: int | None = None
    retries: int | None = None
    backoff: bool | None = None
    retry_budget: bool | None = None
    circuit_breaker: bool | None = None
    description: str = ""
    evidence: list[str] = field(default_factory=list)
    # the reviewer stated this kind (prr set, the inspector's Kind), even to the kind an import gave: it is
    # not an import's guess, so the analysis takes it as it is (a hard call to a hub is not softened,
    # docs/analysis.md "Hubs") and a re-import keeps it. Importers never set it.
    kind_stated: bool = False

    @property
    def id(self) -> str:
        return dependency_id(self.source, self.target)


#: Words that say there is no fallback: typed as a fallback they would state one (any text does),
#: turning the caller's outage into a degradation. Where a user types a fallback they are refused.
NO_FALLBACK_WORDS = frozenset({"none", "no", "false", "n/a", "na", "-", "nothing", "null", "no fallback"})


def says_no_fallback(text: str | None) -> bool:
    """Does ``text``, typed as a dependency's fallback, say there is none ("none", "n/a", "no")?"""
    return text is not None and text.strip().lower().rstrip(".") in NO_FALLBACK_WORDS


def dependency_id(source: str, target: str) -> str:
    return f"{source}->{target}"


@dataclass
class RedundancyGroup:
    id: str
    name: str = ""
    members: list[str] = field(default_factory=list)
    min_up: int = 1  # k: the group is up while at least k members are up
    notes: str = ""


@dataclass
class FailureDomain:
    id: str
    name: str = ""
    kind: str = DomainKind.ZONE.value
    parent: str | None = None
    availability: float | None = None  # percent
    notes: str = ""

    @property
    def physical(self) -> bool:
        return self.kind in PHYSICAL_DOMAIN_KINDS


@dataclass
class Journey:
    id: str
    name: str = ""
    # component or redundancy group ids; all are needed. A group entry is up while at least
    # its min_up members are up (interchangeable front ends, the same entry in two regions).
    entry: list[str] = field(default_factory=list)
    slo: float | None = None  # percent
    description: str = ""
    critical: bool = True


@dataclass
class AnswerChange:
    at: str  # ISO timestamp
    by: str
    status: str
    note: str = ""


@dataclass
class ChecklistAnswer:
    item: str  # item id, with "@scope" for per-component / per-dependency items
    status: str = AnswerStatus.UNANSWERED.value
    reason: str = ""  # required for not_applicable
    evidence: str = ""  # link or reference
    owner: str = ""
    due: str | None = None  # ISO date
    note: str = ""
    changed_by: str = ""
    changed_at: str | None = None
    history: list[AnswerChange] = field(default_factory=list)


#: How a confirmed proposal's note begins: the answer keeps the proposal's reason after it (the
#: analysis reads the reason back from it for the register's words).
CONFIRMED_NOTE = "confirmed from evidence: "


@dataclass
class Proposal:
    """An answer proposed from imported evidence (issue 21): shown as a proposal, never counted as an
    answer, until a reviewer confirms it (it then becomes a :class:`ChecklistAnswer`) or rejects it."""

    item: str  # the answer key it proposes for ("svc.probes@cart")
    status: str  # met | partly | not_met
    reason: str = ""  # in words, with the file and line
    evidence: list[str] = field(default_factory=list)  # "what: file:line"
    extractor: str = ""  # the evidence extractor whose facts it rests on
    made_at: str = ""  # ISO timestamp of the import that proposed it
    rejected_by: str = ""  # who rejected it ("" while it stands)
    rejected_at: str | None = None


@dataclass
class Acceptance:
    by: str
    at: str  # ISO date
    reason: str
    until: str | None = None  # ISO date


@dataclass
class RiskChange:
    """One decision on a risk, kept when it is made: the risk's trail, as an answer's
    :class:`AnswerChange` history is the checklist's. An acceptance replaced by another, or taken
    back, stays readable here (who, when, why, until when), though the risk holds only the one in
    force. Entries are appended in order and never rewritten (undo takes the step back whole).

    ``decision`` is one of :data:`RISK_DECISIONS`; ``reason`` and ``until`` are an acceptance's (an
    override's or a launch-blocking say's reason too); ``value`` what was decided besides (the owner
    named, "4x5" for an override, "yes", "no" or "rules" for launch blocking); ``replaced`` what stood
    before it, in words ("the acceptance by Lee Chen on 2026-05-01 until 2026-12-10: first reason"),
    empty when nothing did.
    """

    at: str  # ISO timestamp (UTC)
    by: str
    decision: str
    reason: str = ""
    until: str | None = None  # ISO date: an acceptance's last day
    value: str = ""
    replaced: str = ""


#: The decisions a :class:`RiskChange` records.
RISK_DECISIONS = ("accept", "reopen", "owner", "override", "blocking")


@dataclass
class Risk:
    """A risk entered by the reviewer, or the reviewer's decisions on a computed one.

    For ``origin == "computed"`` the ``id`` is the analysis' stable finding id and
    only the override / acceptance / status fields are meaningful: the rest comes
    from the analysis each time it runs.
    """

    id: str
    origin: str = RiskOrigin.MANUAL.value
    title: str = ""
    description: str = ""
    likelihood: int | None = None  # 1..5
    impact: int | None = None  # 1..5
    override_likelihood: int | None = None
    override_impact: int | None = None
    override_reason: str = ""
    launch_blocking: bool | None = None
    launch_blocking_reason: str = ""  # why the reviewer set launch_blocking (required to set it)
    components: list[str] = field(default_factory=list)
    owner: str = ""
    status: str = RiskStatus.OPEN.value
    acceptance: Acceptance | None = None
    history: list[RiskChange] = field(default_factory=list)  # the decisions made on it, oldest first


@dataclass
class Mitigation:
    id: str
    title: str = ""
    description: str = ""
    owner: str = ""
    due: str | None = None
    status: str = MitigationStatus.PLANNED.value
    effort: str | None = None  # Effort
    risks: list[str] = field(default_factory=list)


#: The disruption types a resilience policy names (besides any domain kind, e.g. "cluster").
DISRUPTION_TYPES = ("instance", "component", "zone", "region", "provider")
#: What a review must survive when its policy does not say (domain.md, "Resilience policy").
DEFAULT_SURVIVE = ("instance", "component", "zone")


@dataclass
class ResiliencePolicy:
    """Which disruptions the service must survive, with recovery targets per disruption type.

    ``survive`` lists disruption types (:data:`DISRUPTION_TYPES`) or domain kinds
    (``"cluster"``, ``"config"``...); a SPOF of a type not listed is reported and
    scored but does not block launch. ``rto_minutes`` / ``rpo_minutes`` map a listed
    type to its recovery time / recovery point objective.
    """

    survive: list[str] = field(default_factory=lambda: list(DEFAULT_SURVIVE))
    rto_minutes: dict[str, float] = field(default_factory=dict)
    rpo_minutes: dict[str, float] = field(default_factory=dict)


@dataclass
class Position:
    x: float
    y: float


@dataclass
class ImportRecord:
    id: str
    at: str  # ISO timestamp
    format: str
    sources: list[str] = field(default_factory=list)
    summary: str = ""
    report: dict = field(default_factory=dict)  # JSON-serialisable report


@dataclass
class Milestone:
    """A named, dated snapshot of the review (design review, pre-launch, post-incident).

    ``review`` is the review as it was, in the interchange JSON form (without its own
    milestones); it never changes once taken.
    """

    id: str
    name: str = ""
    date: str | None = None  # ISO date the milestone stands for
    taken_at: str = ""  # ISO timestamp (UTC) when the snapshot was taken
    taken_by: str = ""
    note: str = ""
    review: dict = field(default_factory=dict)


@dataclass
class Review:
    meta: ReviewMeta = field(default_factory=ReviewMeta)
    components: dict[str, Component] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)  # by dependency id
    groups: dict[str, RedundancyGroup] = field(default_factory=dict)
    domains: dict[str, FailureDomain] = field(default_factory=dict)
    journeys: dict[str, Journey] = field(default_factory=dict)
    answers: dict[str, ChecklistAnswer] = field(default_factory=dict)
    risks: dict[str, Risk] = field(default_factory=dict)
    mitigations: dict[str, Mitigation] = field(default_factory=dict)
    layout: dict[str, Position] = field(default_factory=dict)
    imports: dict[str, ImportRecord] = field(default_factory=dict)
    policy: ResiliencePolicy | None = None  # None: not stated, the default policy applies
    milestones: dict[str, Milestone] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)  # by answer key (issue 21)

    # -- convenience -------------------------------------------------
    def add(self, obj) -> None:
        """Add or replace an element in the collection matching its type."""
        coll = self._collection_for(obj)
        key = obj.item if isinstance(obj, (ChecklistAnswer, Proposal)) else obj.id
        coll[key] = obj

    def _collection_for(self, obj) -> dict:
        for cls, name in _COLLECTIONS:
            if isinstance(obj, cls):
                return getattr(self, name)
        raise TypeError(f"not a review element: {type(obj).__name__}")

    def element(self, element_id: str):
        """Find a component, group, domain or journey by id (None if unknown)."""
        for coll in (self.components, self.groups, self.domains, self.journeys):
            if element_id in coll:
                return coll[element_id]
        return None

    def newest_import(self, fmt: str | None = None, keep=None) -> "ImportRecord | None":
        """The import record (of format ``fmt``, if given) made last, among those ``keep(record)`` accepts
        if given; None when there is none. Its time has one-second resolution: of records stamped in one
        second, the one added last (taking the first made a re-import compare with, or rewrite, an older
        one)."""
        recs = [r for r in self.imports.values()
                if (fmt is None or r.format == fmt) and (keep is None or keep(r))]
        return max(enumerate(recs), key=lambda x: (x[1].at or "", x[0]))[1] if recs else None

    def inferred_calls(self) -> "tuple[ImportRecord | None, list[dict]]":
        """The newest import record that inferred dependencies from configuration or source code, and its
        entries (``id``, ``confidence``, the reviewer's ``decision``...): where ``prr import --accept`` and
        the app's import report keep the decisions, and what every face reads them from."""
        rec = self.newest_import(keep=lambda r: isinstance(r.report, dict) and isinstance(r.report.get("inferred"), list)
                                 and bool(r.report["inferred"]))
        if rec is None:
            return None, []
        return rec, [i for i in rec.report["inferred"] if isinstance(i, dict) and i.get("id")]

    def newest_milestone(self) -> "Milestone | None":
        """The milestone taken last (taken time, then id), None when there is none: what "Changes
        since" compares with by default, and what the report's cover names."""
        return max(self.milestones.values(), key=lambda m: (m.taken_at, m.id), default=None)

    def journey_components(self, journey: Journey) -> list[str]:
        """The components a journey enters by: its component entries, and the members of its
        redundancy group entries (in order, each once; unknown ids left out)."""
        out: dict[str, None] = {}
        for e in journey.entry:
            if e in self.components:
                out[e] = None
            elif e in self.groups:
                out.update((m, None) for m in self.groups[e].members if m in self.components)
        return list(out)

    def dependents_of(self, target: str) -> list[Dependency]:
        return [d for d in self.dependencies.values() if d.target == target]

    def dependencies_of(self, source: str) -> list[Dependency]:
        return [d for d in self.dependencies.values() if d.source == source]

    def domain_ancestors(self, domain_id: str) -> list[str]:
        """The domain and its ancestors, nearest first (stops on a cycle)."""
        out: list[str] = []
        cur: str | None = domain_id
        while cur is not None and cur not in out and cur in self.domains:
            out.append(cur)
            cur = self.domains[cur].parent
        return out

    def effective_tier(self, component: Component) -> int | None:
        return component.tier if component.tier is not None else self.meta.tier

    def blocking_tier(self, component: Component) -> int:
        """The tier the verdict judges ``component`` by: an unknown tier counts as tier 1 (fail safe)."""
        t = self.effective_tier(component)
        return 1 if t is None else t

    @property
    def resilience_policy(self) -> ResiliencePolicy:
        """The review's policy, or the default one when none is stated."""
        return self.policy if self.policy is not None else ResiliencePolicy()


_COLLECTIONS = (
    (Component, "components"),
    (Dependency, "dependencies"),
    (RedundancyGroup, "groups"),
    (FailureDomain, "domains"),
    (Journey, "journeys"),
    (ChecklistAnswer, "answers"),
    (Risk, "risks"),
    (Mitigation, "mitigations"),
    (ImportRecord, "imports"),
    (Milestone, "milestones"),
    (Proposal, "proposals"),
)
