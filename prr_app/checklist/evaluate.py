"""Applying a template to a review: generated items, answers, scores, blockers, orphans.

Scoring (stated the same way in docs/checklist.md and in ``ChecklistResult.to_dict()``):

* only **required** items count (an item is required when the tier its subject owes
  is one of the item's ``tiers``: a component's effective tier (see
  :mod:`prr_app.checklist.tiers`), a redundancy group's most demanding member's, a
  dependency's caller's, a journey's, or for once-per-review items the most demanding
  tier in the review);
* an item the review's model decides (:mod:`prr_app.checklist.model_answers`) counts
  with the model's status until a reviewer answers it;
* items answered *not applicable* leave the count;
* each item weighs by its severity: blocker 8, high 4, medium 2, low 1;
* each answer earns: met 1, partly 0.5, not met 0, unanswered 0;
* score = earned weight / total weight, in percent, per category and overall
  (``None`` when nothing required is left to score).

A **blocking item** is a required blocker answered *not met* or *partly*: the
analysis turns any of them into a *not ready* verdict. Required blockers not yet
answered are listed apart (``unanswered_blockers``); ``open_blockers`` is both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from prr_app.checklist.template import (
    DEFAULT_TEMPLATE,
    SEVERITIES,
    Template,
    TemplateItem,
    load_template,
)
from prr_app.checklist.model_answers import DECIDERS, Deadlines, ModelAnswer, ModelFinding, decide
from prr_app.checklist.tiers import TierOwed, effective_tiers, journey_tier, review_tier
from prr_app.model.entities import (
    LOAD_GENERATOR, AnswerStatus, ChecklistAnswer, Component, Dependency, Proposal, Review,
)
from prr_app.checklist.proposals import standing
from prr_app.errors import PrrError
from prr_app.wording import enum_words, stated

SEVERITY_WEIGHT = {"blocker": 8, "high": 4, "medium": 2, "low": 1}
STATUS_CREDIT = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "unanswered": 0.0}
SCORING_METHOD = (
    "Only required items count; 'not applicable' items leave the count. Each item weighs by severity "
    "(blocker 8, high 4, medium 2, low 1) and earns met 1, partly 0.5, not met or unanswered 0. "
    "Score = earned weight / total weight, in percent."
)
STATUSES = AnswerStatus.values()
_UNANSWERED = AnswerStatus.UNANSWERED.value
_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}


#: what one row of :class:`ChecklistItems` holds, in order: plain values only
ROW_FIELDS = ("key", "item_id", "category", "question", "why", "evidence_hint", "severity", "required", "tier",
              "per", "subject", "subject_label", "context", "order", "tier_reason", "anchors")


def _row_field(i: int, doc: str) -> property:
    return property(lambda self: self._row[i], doc=doc)


class ChecklistItem:
    """One item of the checklist as it applies to this review (a template item times a subject).

    A view of one row of an evaluation's :class:`ChecklistItems`, made when asked for: ``key``
    ("item" or "item@subject"), ``item_id``, ``category``, ``question``, ``why``,
    ``evidence_hint``, ``severity``, ``required``, ``tier``, ``per`` (review, component,
    dependency or journey), ``subject`` (its id), ``subject_label``, ``context`` (what the
    review's model says about the subject, to help answer), ``order`` (its place in walking
    order), ``tier_reason`` (why the tier is more demanding than the subject's own, "" when it is
    not), ``anchors``, and the reviewer's ``answer``, the ``model_answer`` (what the review's model
    decides, if the item has a decider) and the standing ``proposal`` from imported evidence
    (shown, never counted: issue 21), each None when there is none. Two views of the same item
    of the same evaluation are equal."""

    __slots__ = ("_row", "_of")

    def __init__(self, row: tuple, of: "ChecklistItems"):
        self._row = row
        self._of = of

    key = _row_field(0, "'item' or 'item@subject'")
    item_id = _row_field(1, "the template item")
    category = _row_field(2, "its category's id")
    question = _row_field(3, "the question, with the subject's values")
    why = _row_field(4, "why it matters")
    evidence_hint = _row_field(5, "what evidence answers it")
    severity = _row_field(6, "blocker, high, medium or low")
    required = _row_field(7, "required for the tier its subject owes")
    tier = _row_field(8, "the tier its subject owes")
    per = _row_field(9, "review, component, dependency or journey")
    subject = _row_field(10, "the subject's id (None for the review)")
    subject_label = _row_field(11, "the subject, readable")
    context = _row_field(12, "what the review's model says about the subject")
    order = _row_field(13, "its place in walking order")
    tier_reason = _row_field(14, "why the tier is more demanding than the subject's own")
    anchors = _row_field(15, "the references the item answers to")

    @property
    def answer(self) -> ChecklistAnswer | None:
        return self._of.answers.get(self._row[0])

    @property
    def model_answer(self) -> ModelAnswer | None:
        return self._of.models.get(self._row[13])

    @property
    def proposal(self) -> Proposal | None:
        return self._of.proposals.get(self._row[0])

    def __eq__(self, other) -> bool:
        if not isinstance(other, ChecklistItem):
            return NotImplemented
        return (self._row == other._row and self.answer == other.answer
                and self.model_answer == other.model_answer and self.proposal == other.proposal)

    __hash__ = None  # equal by value, and not immutable: as the dataclass it replaces

    def __repr__(self) -> str:
        return f"ChecklistItem(key={self.key!r}, status={self.status!r})"

    @property
    def status(self) -> str:
        """The reviewer's answer; else what the model decides; else unanswered."""
        of, row = self._of, self._row
        answer = of.answers.get(row[0])
        if answer is not None and answer.status != _UNANSWERED:
            return answer.status
        model = of.models.get(row[13])
        if model is not None:
            return model.status
        return _UNANSWERED

    @property
    def source(self) -> str | None:
        """Who answered: "reviewer", "model", or None."""
        of, row = self._of, self._row
        answer = of.answers.get(row[0])
        if answer is not None and answer.status != _UNANSWERED:
            return "reviewer"
        return "model" if row[13] in of.models else None

    @property
    def answered(self) -> bool:
        return self.status != _UNANSWERED

    @property
    def weight(self) -> int:
        return SEVERITY_WEIGHT[self.severity]

    @property
    def is_blocking(self) -> bool:
        """A required blocker answered not met or partly."""
        return self.required and self.severity == "blocker" and self.status in ("not_met", "partly")

    @property
    def is_open_blocker(self) -> bool:
        """A required blocker that is not met yet (answered or not)."""
        return self.required and self.severity == "blocker" and self.status in ("not_met", "partly", "unanswered")

    @property
    def evidence_missing(self) -> bool:
        """Answered met or partly by a reviewer, but with no evidence link (the model's answers quote their field)."""
        return (self.source == "reviewer" and self.status in ("met", "partly")
                and not (self.answer and self.answer.evidence.strip()))

    def to_dict(self) -> dict:
        d = {
            "key": self.key, "item": self.item_id, "category": self.category, "question": self.question,
            "why": self.why, "evidence_hint": self.evidence_hint, "severity": self.severity,
            "required": self.required, "tier": self.tier, "per": self.per, "subject": self.subject,
            "subject_label": self.subject_label, "context": self.context, "status": self.status,
            "blocking": self.is_blocking, "tier_reason": self.tier_reason, "anchors": list(self.anchors),
            "source": self.source,
        }
        d["answer"] = answer_to_dict(self.answer) if self.answer is not None else None
        d["model_answer"] = self.model_answer.to_dict() if self.model_answer is not None else None
        p = self.proposal
        d["proposal"] = ({"status": p.status, "reason": p.reason, "evidence": list(p.evidence),
                          "extractor": p.extractor, "made_at": p.made_at} if p is not None else None)
        return d


class ChecklistItems(Sequence):
    """The items of one evaluation, in walking order: a read-only sequence of
    :class:`ChecklistItem`, each made when asked for from its row.

    A row is a tuple of plain values (:data:`ROW_FIELDS`: strings, numbers, a tuple of strings);
    the answers, the model's answers and the proposals are looked up by key (or order) in three
    dicts shared by the rows. Python's cyclic garbage collector stops tracking such a tuple at its
    first pass: an imported review of 2,000 components has 80,000 items, which as objects were
    promoted to its oldest generation on every evaluation, so that the next full pass (0.15-0.2 s
    over every object of the app, on the GUI thread) came soon after, in whatever the window was
    drawing then.
    """

    __slots__ = ("rows", "answers", "models", "proposals")

    def __init__(self, rows: list[tuple], answers: dict, models: dict, proposals: dict):
        self.rows = rows
        self.answers = answers  # key -> the reviewer's ChecklistAnswer
        self.models = models  # order -> ModelAnswer
        self.proposals = proposals  # key -> the standing Proposal

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [ChecklistItem(r, self) for r in self.rows[i]]
        return ChecklistItem(self.rows[i], self)

    def __iter__(self):
        for r in self.rows:
            yield ChecklistItem(r, self)

    def __repr__(self) -> str:
        return f"<ChecklistItems: {len(self.rows)}>"

    def keys(self) -> list[str]:
        """Every item's key, in order."""
        return [r[0] for r in self.rows]

    def with_proposals(self) -> list[ChecklistItem]:
        """The items with a standing proposal (few, or none: no view is made for the others)."""
        props = self.proposals
        return [ChecklistItem(r, self) for r in self.rows if r[0] in props] if props else []

    def where(self, keep) -> "ChecklistItems":
        """The items for which ``keep(item)`` is true, as a sequence of the same kind (the same rows).
        ``keep`` is shown one view moved from row to row (it must not keep it): the checklist page's
        filters walk 80,000 items on an imported review, and a view made per row doubled their time."""
        view = ChecklistItem((), self)
        out = []
        for r in self.rows:
            view._row = r
            if keep(view):
                out.append(r)
        return self.of_rows(out)

    def by_category(self) -> dict[str, "ChecklistItems"]:
        """The items of each category, in their order (grouped by row: no item is made)."""
        rows: dict[str, list[tuple]] = {}
        for r in self.rows:
            rows.setdefault(r[2], []).append(r)
        return {c: self.of_rows(rs) for c, rs in rows.items()}

    def of_rows(self, rows: list[tuple]) -> "ChecklistItems":
        """Some of these items (``rows``, of this evaluation), as a sequence of the same kind."""
        return ChecklistItems(rows, self.answers, self.models, self.proposals)


@dataclass
class Orphan:
    """An answer whose item no longer exists for this review and template. Never dropped."""

    key: str
    item_id: str
    subject: str | None
    reason: str
    answer: ChecklistAnswer

    def to_dict(self) -> dict:
        return {"key": self.key, "item": self.item_id, "subject": self.subject, "reason": self.reason,
                "answer": answer_to_dict(self.answer)}


@dataclass
class CategoryProgress:
    id: str
    title: str
    total: int = 0
    answered: int = 0
    required: int = 0
    required_answered: int = 0
    met: int = 0
    partly: int = 0
    not_met: int = 0
    not_applicable: int = 0
    unanswered: int = 0
    open_blockers: int = 0
    blocking: int = 0
    earned: float = 0.0
    possible: float = 0.0

    @property
    def score(self) -> float | None:
        """Severity-weighted percent of required items met (None if nothing to score)."""
        if self.possible <= 0:
            return None
        return round(100.0 * self.earned / self.possible, 1)

    @property
    def progress(self) -> float:
        """Percent of items answered (any answer)."""
        return round(100.0 * self.answered / self.total, 1) if self.total else 100.0

    def add(self, it: ChecklistItem) -> None:
        self.total += 1
        st = it.status
        if st != "unanswered":
            self.answered += 1
        setattr(self, st, getattr(self, st) + 1)
        if it.required:
            self.required += 1
            if st != "unanswered":
                self.required_answered += 1
            if st != "not_applicable":
                self.possible += it.weight
                self.earned += it.weight * STATUS_CREDIT[st]
        if it.is_open_blocker:
            self.open_blockers += 1
        if it.is_blocking:
            self.blocking += 1

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "total": self.total, "answered": self.answered,
            "progress": self.progress, "required": self.required, "required_answered": self.required_answered,
            "met": self.met, "partly": self.partly, "not_met": self.not_met, "not_applicable": self.not_applicable,
            "unanswered": self.unanswered, "open_blockers": self.open_blockers, "blocking": self.blocking,
            "score": self.score,
        }


@dataclass
class ChecklistResult:
    template: Template
    tier: int
    items: ChecklistItems
    categories: list[CategoryProgress]
    overall: CategoryProgress
    orphans: list[Orphan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tiers: dict[str, TierOwed] = field(default_factory=dict)  # every component's effective tier
    findings: list[ModelFinding] = field(default_factory=list)  # contradictions in the review's model

    @property
    def raised_tiers(self) -> dict[str, TierOwed]:
        """Components that owe a more demanding tier than their own, with why."""
        return {cid: t for cid, t in self.tiers.items() if t.raised}

    def __post_init__(self) -> None:
        self._by_key = {k: i for i, k in enumerate(self.items.keys())}  # key -> place in ``items``

    # -- headline figures -----------------------------------------------
    @property
    def overall_score(self) -> float | None:
        return self.overall.score

    @property
    def blocking_items(self) -> list[ChecklistItem]:
        """Required blocker items answered not met or partly: each makes the review not ready."""
        return [it for it in self.items if it.is_blocking]

    @property
    def unanswered_blockers(self) -> list[ChecklistItem]:
        return [it for it in self.items if it.is_open_blocker and not it.answered]

    @property
    def open_blockers(self) -> list[ChecklistItem]:
        return [it for it in self.items if it.is_open_blocker]

    @property
    def waived_blockers(self) -> list[ChecklistItem]:
        """Required blockers a reviewer answered not applicable: they block nothing, so a lead reads each
        with its reason and who answered (the report's 7.4, ``prr checklist``, ``prr gate``)."""
        return [it for it in self.items if it.required and it.severity == "blocker"
                and it.status == "not_applicable" and it.source == "reviewer"]

    @property
    def unevidenced_blockers(self) -> list[ChecklistItem]:
        """Required blockers a reviewer answered met or partly with no evidence (shown as the waived ones)."""
        return [it for it in self.items if it.required and it.severity == "blocker" and it.evidence_missing]

    # -- lookup and filters (the checklist walker builds on these) --------
    def item(self, key: str) -> ChecklistItem | None:
        i = self._by_key.get(key)
        return None if i is None else self.items[i]

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def category(self, category_id: str) -> CategoryProgress | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def filter(self, *, category=None, status=None, severity=None, required: bool | None = None,
               per=None, subject: str | None = None, text: str | None = None,
               blocking: bool | None = None) -> list[ChecklistItem]:
        """Items matching every given filter. ``category``, ``status``, ``severity`` and
        ``per`` take one value or a collection; ``text`` searches key, question and subject."""

        def norm(v):
            return None if v is None else ({v} if isinstance(v, str) else set(v))

        cats, stats, sevs, pers = norm(category), norm(status), norm(severity), norm(per)
        needle = text.lower() if text else None
        out = []
        for it in self.items:
            if cats is not None and it.category not in cats:
                continue
            if stats is not None and it.status not in stats:
                continue
            if sevs is not None and it.severity not in sevs:
                continue
            if required is not None and it.required != required:
                continue
            if pers is not None and it.per not in pers:
                continue
            if subject is not None and it.subject != subject:
                continue
            if blocking is not None and it.is_open_blocker != blocking:
                continue
            if needle and needle not in f"{it.key} {it.question} {it.subject_label}".lower():
                continue
            out.append(it)
        return out

    def _next(self, pred, after: str | None, wrap: bool) -> ChecklistItem | None:
        start = 0
        if after is not None and after in self._by_key:
            start = self._by_key[after] + 1
        n = len(self.items)
        rng = range(start, start + n) if wrap else range(start, n)
        for i in rng:
            it = self.items[i % n]
            if pred(it):
                return it
        return None

    def next_unanswered(self, after: str | None = None, *, required_only: bool = False,
                        wrap: bool = True) -> ChecklistItem | None:
        """The next unanswered item in walking order after ``after`` (from the start if None)."""
        return self._next(lambda it: not it.answered and (it.required or not required_only), after, wrap)

    def next_blocker(self, after: str | None = None, *, wrap: bool = True) -> ChecklistItem | None:
        """The next required blocker that is not met (unanswered, not met or partly)."""
        return self._next(lambda it: it.is_open_blocker, after, wrap)

    def priority_unanswered(self, limit: int | None = None) -> list[ChecklistItem]:
        """Unanswered items, most important first: required before optional, then by severity, then walking order."""
        todo = [it for it in self.items if not it.answered]
        todo.sort(key=lambda it: (not it.required, _SEV_RANK[it.severity], it.order))
        return todo if limit is None else todo[:limit]

    # -- export ------------------------------------------------------------
    def to_dict(self, *, items: bool = True) -> dict:
        d = {
            "template": {"id": self.template.id, "version": self.template.version, "title": self.template.title},
            "tier": self.tier,
            "scoring": {"method": SCORING_METHOD, "severity_weights": dict(SEVERITY_WEIGHT),
                        "status_credit": dict(STATUS_CREDIT)},
            "overall": self.overall.to_dict() | {"id": "overall", "title": "Overall"},
            "overall_score": self.overall_score,
            "categories": [c.to_dict() for c in self.categories],
            "blocking_items": [it.key for it in self.blocking_items],
            "unanswered_blockers": [it.key for it in self.unanswered_blockers],
            "next_unanswered": [it.key for it in self.priority_unanswered(10)],
            "met_without_evidence": [it.key for it in self.items if it.evidence_missing and it.required],
            "waived_blockers": [it.key for it in self.waived_blockers],
            "unevidenced_blockers": [it.key for it in self.unevidenced_blockers],
            "orphans": [o.to_dict() for o in self.orphans],
            "warnings": list(self.warnings),
            "effective_tiers": {cid: t.to_dict() for cid, t in sorted(self.tiers.items())},
            "model_findings": [f.to_dict() for f in self.findings],
        }
        if items:
            d["items"] = [it.to_dict() for it in self.items]
        return d


def answer_to_dict(a: ChecklistAnswer) -> dict:
    d = {"item": a.item, "status": a.status}
    for k in ("reason", "evidence", "owner", "due", "note", "changed_by", "changed_at"):
        v = getattr(a, k)
        if v not in (None, ""):
            d[k] = v
    if a.history:
        d["history"] = [{"at": h.at, "by": h.by, "status": h.status, **({"note": h.note} if h.note else {})}
                        for h in a.history]
    return d


# ------------------------------------------------------------------ subjects
def _fmt_num(v) -> str:
    return f"{stated(v)}" if isinstance(v, (int, float)) else str(v)


def _component_context(c: Component) -> str:
    facts = [enum_words(c.kind)]
    if c.replicas is not None:
        facts.append(f"{c.replicas} replica{'s' if c.replicas != 1 else ''}"
                     + (f" (needs {c.min_healthy})" if c.min_healthy else ""))
    if c.availability is not None:
        facts.append(f"availability {_fmt_num(c.availability)}%")
    if c.slo is not None:
        facts.append(f"SLO {_fmt_num(c.slo)}%")
    if c.rto_minutes is not None:
        facts.append(f"RTO {_fmt_num(c.rto_minutes)} min")
    if c.rpo_minutes is not None:
        facts.append(f"RPO {_fmt_num(c.rpo_minutes)} min")
    if c.recovery:
        facts.append(f"recovery {c.recovery}" + (f" in {_fmt_num(c.failover_minutes)} min" if c.failover_minutes else ""))
    if c.backup_interval_minutes is not None:
        facts.append(f"backup every {_fmt_num(c.backup_interval_minutes)} min")
    missing = c.observability.missing()
    if missing:
        facts.append("no " + "/".join(missing))
    return "; ".join(facts)


def _dependency_context(d: Dependency) -> str:
    facts = [f"{d.kind} dependency"]
    facts.append(f"timeout {d.timeout_ms} ms" if d.timeout_ms is not None else "timeout not stated")
    if d.retries is not None:
        r = f"{d.retries} retr{'y' if d.retries == 1 else 'ies'}"
        if d.retries:
            r += " with backoff" if d.backoff else (" without backoff" if d.backoff is False else "")
            if d.retry_budget:
                r += " and a budget"
        facts.append(r)
    if d.circuit_breaker is not None:
        facts.append("circuit breaker" if d.circuit_breaker else "no circuit breaker")
    facts.append(f"fallback: {d.fallback}" if d.fallback else "no fallback")
    return "; ".join(facts)


def _target_kinds(review: Review, target: str) -> set[str]:
    if target in review.components:
        return {review.components[target].kind}
    g = review.groups.get(target)
    if g is not None:
        return {review.components[m].kind for m in g.members if m in review.components}
    return set()


def _component_matches(scope, c: Component, grouped: bool = False) -> bool:
    """Does ``scope`` apply to ``c`` (``grouped``: it is a member of a redundancy group)?"""
    return _class_matches(scope, c.kind, bool(c.user_facing), c.tags, grouped or not _single_instance(c))


def _single_instance(c: Component) -> bool:
    """Does the model state that ``c`` runs one instance with no standby (replicas 1 or 0, recovery not
    automatic)? Then nothing is asked of its replica or standby (``replicated`` scopes); a member of a
    redundancy group has its group's other members, and replicas not stated says nothing."""
    return c.replicas is not None and c.replicas <= 1 and c.recovery != "automatic"


def _has_tag(tags, wanted: tuple[str, ...]) -> bool:
    """Does ``tags`` hold one of ``wanted`` (in any case: the analysis reads vendor tags so)?"""
    if not tags or not wanted:
        return False
    low = {t.lower() for t in tags}
    return any(w.lower() in low for w in wanted)


def _dependency_matches(scope, review: Review, d: Dependency) -> bool:
    if scope.dependency_kinds and d.kind not in scope.dependency_kinds:
        return False
    if scope.target_kinds and not (_target_kinds(review, d.target) & set(scope.target_kinds)):
        return False
    return True


def _label(review: Review, element_id: str) -> str:
    e = review.element(element_id)
    return getattr(e, "label", None) or getattr(e, "name", None) or element_id


def _render(question: str, values: dict) -> str:
    # replace only our own placeholders; other braces in the text stay as written
    for k, v in values.items():
        question = question.replace("{" + k + "}", v)
    return question


class Subject:
    """One place a template item applies: the review, a component (or a redundancy group's
    members, who share the group's items), a dependency or a journey.

    ``tier`` is what the subject owes (its effective tier; a group's most demanding
    member's; a dependency's caller's), ``tier_reason`` why it is more than its own
    ("" when it is not). Label and placeholder values are worked out when first asked.
    """

    __slots__ = ("id", "tier", "tier_reason", "order", "components", "dependency", "_label", "_values", "_labels",
                 "role")

    def __init__(self, id, tier, tier_reason, order, *, label=None, values=None, components=None,
                 dependency=None, labels: "Labels | None" = None, role: "tuple | None" = None):
        self.id = id
        self.tier = tier
        self.tier_reason = tier_reason
        self.order = order  # walking order among the subjects of one item
        self.components = components if components is not None else []
        self.dependency = dependency
        # the elements' labels (a dependency's are its ends'): not the plan, which holds its subjects
        # (a cycle, left for the garbage collector's full passes, ~90,000 objects per evaluation of a
        # 2,000-component review, instead of freed at once)
        self._label, self._values, self._labels = label, values, labels
        self.role = role  # a dependency's (consumer, where it takes work from, stated) if it is one (consumer_role)

    def _name(self) -> None:
        d = self.dependency
        s_label, t_label = self._labels.label(d.source), self._labels.label(d.target)
        self._label = f"{s_label} \u2192 {t_label}"
        consumer, frm = (self.role[0], self.role[1]) if self.role else (d.target, d.source)
        self._values = {"source": s_label, "target": t_label, "kind": d.kind,
                        "consumer": self._labels.label(consumer), "from": self._labels.label(frm)}

    @property
    def label(self) -> str:
        if self._label is None:
            self._name()
        return self._label

    @property
    def values(self) -> dict:
        if self._values is None:
            self._name()
        return self._values


class Labels:
    """The labels of a review's elements (:func:`_label`), each worked out once."""

    __slots__ = ("review", "_seen")

    def __init__(self, review: Review) -> None:
        self.review = review
        self._seen: dict[str, str] = {}

    def label(self, element_id: str) -> str:
        lab = self._seen.get(element_id)
        if lab is None:
            lab = self._seen[element_id] = _label(self.review, element_id)
        return lab


# The role of a call in the flow of work (call_role): the one rule the rows and the classes follow
POLL = "poll"  # a consumer's poll of its queue: a soft dependency on a queue
PUBLISH = "publish"  # a publisher's call to its queue: hard (synchronous) or async (it buffers)
UNSTATED = "unstated"  # an async call to a queue nobody states it consumes from: publisher or consumer
HANDOVER = "handover"  # an async call to anything but a queue, datastore or cache: work handed to its target


def call_role(kind: str, target_kinds, consumed: bool) -> str | None:
    """What a call of ``kind`` to a target of ``target_kinds`` is in the flow of work, as the importers
    record it and the analysis reads it (docs/importers.md, "Queues and brokers"; risks' ``_queue_fix``):

    * to a queue (a component of kind ``queue``, or a redundancy group of queues): a **soft** call is a
      consumer's poll (the broker's outage leaves it idle); a **hard** one a synchronous publisher's
      (nothing can be enqueued while the broker is down: it is asked what a hard call is asked,
      timeout, circuit breaker, fallback or outbox; with a fallback stated it is still the publisher,
      the fallback its outbox); an **async** one a publisher's that buffers, when some caller states
      it consumes from the queue (``consumed``); when none does (an import that links every client of a
      bus asynchronously), it may be either (:data:`UNSTATED`);
    * an async call to anything else but a datastore or cache hands work to its target, the consumer;
      to a datastore or cache (a nightly read, say) nobody consumes.
    """
    if "queue" in target_kinds:
        if kind == "soft":
            return POLL
        if kind == "async" and not consumed:
            return UNSTATED
        return PUBLISH
    if kind == "async" and target_kinds and not target_kinds & {"datastore", "cache"}:
        return HANDOVER
    return None


class Plan:
    """What every item of a template needs to know about a review, computed once:
    effective tiers, redundancy-group sharing, caller deadlines, and the subjects of
    each scope.

    A scope's subjects are first worked out as plain rows ``(id, tier, position,
    payload)`` (payload: the component(s) or a component's id, the dependency's id, or the
    journey, as :meth:`payload` reads them; the
    position orders them); :meth:`subjects` turns them into :class:`Subject` objects for
    :func:`evaluate`, :func:`summarize` counts them. Items with the same scope share
    them.
    """

    def __init__(self, review: Review) -> None:
        self.review = review
        self.tiers = effective_tiers(review)
        self._deadlines: Deadlines | None = None
        # a component in several groups shares the items of the first one (by id)
        self.group_of: dict[str, str] = {}
        for gid in sorted(review.groups):
            for m in review.groups[gid].members:
                if m in review.components:
                    self.group_of.setdefault(m, gid)
        self.component_ids = sorted(review.components)
        self._target_kinds: dict[str, frozenset] = {}
        self._kind_sets: dict[frozenset, frozenset] = {}
        self._rows: dict = {}  # scope -> rows
        self._walking_rows: dict = {}  # scope -> the rows of its subjects, in walking order
        self._index: dict = {}  # scope -> {subject id: row}
        self._context: dict = {}  # (subject id, per dependency) -> context text
        self.labels = Labels(review)
        self._deps: list[tuple] | None = None  # every dependency as a row
        self._comp_classes: dict | None = None  # (kind, user-facing, tags, tier, replicated) -> how many (ungrouped)
        self._async_flow: bool | None = None  # see has_async_flow
        self._polled: set | None = None  # the queues some caller states a soft dependency on (_consumed_queues)
        self._roles: dict = {}  # dependency id -> consumer_role
        self._tagged: dict = {}  # a scope's tags -> the ids of the components holding one of them
        self._roles_of_all: tuple | None = None  # see _role_sets
        self._dep_classes: tuple | None = None  # see _dependency_classes
        self._class_match: dict = {}  # (scope, dependency class) -> does the scope apply to its calls
        # review-wide items owe the most demanding tier in the review
        tier, reason = review_tier(review), ""
        for cid in self.component_ids:
            t = self.tiers[cid]
            if t.tier < tier:
                tier = t.tier
                reason = (f"tier {t.tier} (review tier {review.meta.tier or 'not stated'}): {cid} owes tier {t.tier}"
                          + (f" ({t.reason.split(': ', 1)[1]})" if t.raised else ""))
        for jid in sorted(review.journeys):
            j = review.journeys[jid]
            jt = journey_tier(review, j)
            if j.critical and jt < tier:
                tier = jt
                reason = f"tier {jt} (review tier {review.meta.tier or 'not stated'}): the critical journey {j.name or jid!r} owes tier {jt}"
        self.review_tier, self.review_tier_reason = tier, reason

    # -- helpers -------------------------------------------------------------
    @property
    def deadlines(self) -> Deadlines:
        """The shortest timeout each component's callers give it (for dependency.timeout)."""
        if self._deadlines is None:
            self._deadlines = Deadlines(self.review)
        return self._deadlines

    def label(self, element_id: str) -> str:
        return self.labels.label(element_id)

    def target_kinds(self, target: str) -> frozenset:
        tk = self._target_kinds.get(target)
        if tk is None:
            # one set per distinct value (a handful of kinds), not one per target: 7,000 on an import,
            # each an object the garbage collector walks while the plan lives
            tk = frozenset(_target_kinds(self.review, target))
            tk = self._target_kinds[target] = self._kind_sets.setdefault(tk, tk)
        return tk

    def _dep_rows(self) -> list[tuple]:
        """Every dependency as a row, in the review's order; the position is (source, target),
        the walking order, which :meth:`subjects` sorts by (the summary does not need to); the
        payload is the dependency's id (:meth:`payload` gives the dependency)."""
        if self._deps is None:
            default = review_tier(self.review)
            tiers = self.tiers
            rows = []
            generators = {cid for cid, c in self.review.components.items() if LOAD_GENERATOR in c.tags}
            for did, d in self.review.dependencies.items():
                if d.source in generators:  # a load generator's calls: no production calls to check
                    continue
                t = tiers.get(d.source)
                tier = t.tier if t is not None else default
                # plain values only (the dependency by its id: ``payload``): the garbage collector
                # stops tracking such a tuple at its first pass, instead of promoting 8,000 rows that
                # live as long as the plan
                rows.append((did, tier, (d.source, d.target), did))
            self._deps = rows
        return self._deps

    def consumer_role(self, d: Dependency) -> tuple | None:
        """``(consumer, where it takes the work from, stated)`` when ``d`` is a call along which a consumer
        takes work, else None (docs/checklist.md, "Scopes"; the rule is :func:`call_role`)."""
        did = d.id
        if did in self._roles:
            return self._roles[did]
        tk = self.target_kinds(d.target)
        role = call_role(d.kind, tk, "queue" in tk and d.target in self._consumed_queues())
        if role == POLL:
            role = (d.source, d.target, True)
        elif role == UNSTATED:
            role = (d.source, d.target, False)
        elif role == HANDOVER:
            role = (d.target, d.source, True)
        else:
            role = None
        self._roles[did] = role
        return role

    def _consumed_queues(self) -> set:
        """The queues some caller states it consumes from (a soft dependency: its poll)."""
        if self._polled is None:
            comps = self.review.components
            self._polled = {d.target for d in self.review.dependencies.values()
                            if d.kind == "soft" and "queue" in self.target_kinds(d.target)
                            and not (d.source in comps and LOAD_GENERATOR in comps[d.source].tags)}
        return self._polled

    def has_async_flow(self) -> bool:
        """Has the review an asynchronous flow (what ``asynchronous`` review scopes ask about): an
        asynchronous call (work handed over, a batch's read), or a call to a queue (a publisher's or a
        consumer's)? A load generator's calls and a telemetry hub's (its exports and scrapes) are none."""
        if self._async_flow is None:
            comps = self.review.components
            hubs = self._tagged_ids(("telemetry",))
            # the targets that are a queue (or a group with one), found once: a call's target is looked
            # up in a set instead of having its kinds worked out (31,000 calls on an import)
            queues = {cid for cid, c in comps.items() if c.kind == "queue"}
            queues |= {gid for gid, g in self.review.groups.items() if not queues.isdisjoint(g.members)}
            self._async_flow = any(
                (d.kind == "async" or d.target in queues)
                and not (d.source in comps and LOAD_GENERATOR in comps[d.source].tags)
                and not self._touches(d, hubs)
                for d in self.review.dependencies.values())
        return self._async_flow

    def _tagged_ids(self, tags: tuple[str, ...]) -> set:
        """The components holding one of ``tags`` (once per scope's tags)."""
        tagged = self._tagged.get(tags)
        if tagged is None:
            tagged = self._tagged[tags] = {cid for cid, c in self.review.components.items() if _has_tag(c.tags, tags)}
        return tagged

    def _touches(self, d: Dependency, tagged: set) -> bool:
        """Is ``d`` a call from or to a component (or a group with a member) of ``tagged``?"""
        if d.source in tagged or d.target in tagged:
            return True
        g = self.review.groups.get(d.target)
        return g is not None and not tagged.isdisjoint(g.members)

    def _role_sets(self) -> tuple[set, set]:
        """(the calls along which a consumer takes work, those of them that are a consumer's poll of
        its queue): :meth:`consumer_role` of every dependency, once for every scope."""
        if self._roles_of_all is None:
            having, polls = set(), set()
            for did, d in self.review.dependencies.items():
                role = self.consumer_role(d)
                if role is not None:
                    having.add(did)
                    if role[0] == d.source and role[2]:
                        polls.add(did)
            self._roles_of_all = (having, polls)
        return self._roles_of_all

    # -- the calls of a scope, counted by class (the summary) -----------------
    def _dependency_classes(self) -> tuple[dict, dict, dict, list, list]:
        """The dependencies by class, for :func:`summarize`: whether a dependency scope applies to a call
        depends only on its kind, its caller's tags and tier, its target's kinds and tags (a group's:
        its members') and whether a caller polls the target queue (:meth:`consumer_role`), so the
        scopes are matched once per class instead of once per call (31,000 per item at 10k).

        Returns ``(counts, caller_of, target_of, callers, targets)``: ``counts`` maps a class ``(kind,
        caller, target, self-call)`` to how many calls of it there are; ``caller_of`` and ``target_of``
        give the caller's and the target's number by id, ``callers[k]`` is ``(tier, lower-case tags)``
        and ``targets[k]`` ``(target kinds, a tuple of lower-case tag sets, polled)``. A load
        generator's calls are in no class (its number is -1), as in :meth:`_dep_rows`. :meth:`rows` is
        the plain path the tests compare this with."""
        if self._dep_classes is None:
            review = self.review
            caller_of: dict[str, int] = {}
            target_of: dict[str, int] = {}
            callers: list[tuple] = []
            targets: list[tuple] = []
            index: dict[tuple, int] = {}
            counts: dict[tuple, int] = {}
            self._dep_classes = (counts, caller_of, target_of, callers, targets)
            for d in review.dependencies.values():
                src, tgt = d.source, d.target
                k_src = caller_of.get(src)
                if k_src is None:
                    k_src = caller_of[src] = self._caller_class(src, callers, index)
                if k_src < 0:
                    continue
                k_tgt = target_of.get(tgt)
                if k_tgt is None:
                    k_tgt = target_of[tgt] = self._target_class(tgt, targets, index)
                key = (d.kind, k_src, k_tgt, src == tgt)
                counts[key] = counts.get(key, 0) + 1
        return self._dep_classes

    def _caller_class(self, src: str, callers: list, index: dict) -> int:
        c = self.review.components.get(src)
        if c is not None and LOAD_GENERATOR in c.tags:
            return -1
        t = self.tiers.get(src)
        sig = ("caller", t.tier if t is not None else review_tier(self.review),
               frozenset(x.lower() for x in c.tags) if c is not None and c.tags else frozenset())
        k = index.get(sig)
        if k is None:
            k = index[sig] = len(callers)
            callers.append(sig[1:])
        return k

    def _target_class(self, tgt: str, targets: list, index: dict) -> int:
        comps, groups = self.review.components, self.review.groups
        tk = self.target_kinds(tgt)
        if tgt in comps:
            tags = (frozenset(x.lower() for x in comps[tgt].tags),)
        elif tgt in groups:
            tags = tuple(frozenset(x.lower() for x in comps[m].tags) for m in groups[tgt].members if m in comps)
        else:
            tags = ()
        sig = ("target", tk, tags, "queue" in tk and tgt in self._consumed_queues())
        k = index.get(sig)
        if k is None:
            k = index[sig] = len(targets)
            targets.append(sig[1:])
        return k

    def _class_applies(self, scope, key: tuple) -> bool:
        """Does dependency ``scope`` apply to the calls of class ``key`` (:meth:`_dependency_classes`)?
        The same tests as :meth:`_make_rows`, on the class."""
        hit = self._class_match.get((scope, key))
        if hit is None:
            kind, k_src, k_tgt, self_call = key
            callers, targets = self._dep_classes[3:]
            _tier, src_tags = callers[k_src]
            tk, tgt_tags, polled = targets[k_tgt]
            hit = True
            if scope.dependency_kinds and kind not in scope.dependency_kinds:
                hit = False
            elif scope.target_kinds and not tk & set(scope.target_kinds):
                hit = False
            elif scope.not_tags and any(_has_tag(tags, scope.not_tags) for tags in (src_tags, *tgt_tags)):
                hit = False
            elif scope.consumer is not None:
                # consumer_role, by the same rule: a poll of a queue, or work handed over asynchronously
                role = call_role(kind, tk, polled)
                having = role in (POLL, UNSTATED, HANDOVER)
                polls = role == POLL or (role == HANDOVER and self_call)
                hit = having if scope.consumer else not polls
            self._class_match[(scope, key)] = hit
        return hit

    def dependency_row(self, scope, did: str) -> tuple | None:
        """The row of dependency ``did`` if ``scope`` applies to it, found by its class (no rows made)."""
        _counts, caller_of, target_of, callers, _targets = self._dependency_classes()
        d = self.review.dependencies.get(did)
        if d is None or caller_of[d.source] < 0:
            return None
        key = (d.kind, caller_of[d.source], target_of[d.target], d.source == d.target)
        if not self._class_applies(scope, key):
            return None
        return (did, callers[key[1]][0], (d.source, d.target), did)

    # -- the subjects of a scope ---------------------------------------------
    def rows(self, scope) -> list[tuple]:
        """(subject id, tier, position, payload) for every subject of ``scope``: in walking order,
        except dependencies (in the review's order; their position sorts them)."""
        rows = self._rows.get(scope)
        if rows is None:
            rows = self._rows[scope] = self._make_rows(scope)
        return rows

    def _make_rows(self, scope) -> list[tuple]:
        review = self.review
        if scope.per == "review":
            if scope.asynchronous and not self.has_async_flow():
                return []
            return [(None, self.review_tier, 0, None)]
        if scope.per == "component":
            out: list = []
            groups: dict[str, list] = {}
            tiers, group_of = self.tiers, self.group_of
            for pos, cid in enumerate(self.component_ids):
                c = review.components[cid]
                gid = group_of.get(cid)
                if not _component_matches(scope, c, gid is not None):
                    continue
                if gid is None:  # the usual case: a row of its own, of plain values (``payload``)
                    out.append((cid, tiers[cid].tier, pos, cid))
                elif gid in groups:  # members share their group's items
                    row = groups[gid]
                    row[3].append(c)
                    row[1] = min(row[1], tiers[cid].tier)
                else:
                    groups[gid] = row = [gid, tiers[cid].tier, pos, [c]]
                    out.append(row)
            if groups:
                out = [r if type(r) is tuple else (r[0], r[1], r[2], tuple(r[3])) for r in out]
            return out
        if scope.per == "journey":
            out = []
            for pos, jid in enumerate(sorted(review.journeys)):
                j = review.journeys[jid]
                if scope.critical is None or bool(j.critical) == scope.critical:
                    out.append((jid, journey_tier(review, j), pos, j))
            return out
        rows = self._dep_rows()
        kinds = set(scope.dependency_kinds)
        targets = set(scope.target_kinds)
        # a scope's tags and consumer role, as sets made once: the calls are many (10k: 31,000 per item)
        tagged = self._tagged_ids(scope.not_tags) if scope.not_tags else None
        having, polls = self._role_sets() if scope.consumer is not None else (None, None)
        only = having if scope.consumer is True else None  # the calls along which a consumer takes work
        not_polls = polls if scope.consumer is False and polls else None  # not a consumer's poll
        if not kinds and not targets and not tagged and only is None and not_polls is None:
            return rows
        deps = review.dependencies
        return [r for r in rows if (not kinds or deps[r[3]].kind in kinds)
                and (not targets or self.target_kinds(r[2][1]) & targets)
                and (only is None or r[3] in only) and (not_polls is None or r[3] not in not_polls)
                and (not tagged or not self._touches(deps[r[3]], tagged))]

    def payload(self, scope, row: tuple):
        """What ``row`` of ``scope`` is about: the component(s) (a tuple), the dependency or the journey.

        A dependency's row and a component's own row (not a group's) hold an id: rows of plain
        values are tuples the garbage collector stops tracking at its first pass, instead of
        thousands promoted to its oldest generation while the plan lives."""
        p = row[3]
        if scope.per == "dependency":
            return self.review.dependencies[p]
        if scope.per == "component" and type(p) is str:
            return (self.review.components[p],)
        return p

    def tier_counts(self, scope) -> dict[int, int]:
        """How many subjects of ``scope`` owe each tier (without listing them where that can be avoided)."""
        if scope.per == "dependency":
            counts, _co, _to, callers, _ts = self._dependency_classes()
            out: dict[int, int] = {}
            for key, n in counts.items():
                if self._class_applies(scope, key):
                    t = callers[key[1]][0]
                    out[t] = out.get(t, 0) + n
            return out
        if scope.per == "component":
            if self._comp_classes is None:
                classes: dict = {}
                for cid, c in self.review.components.items():
                    if cid not in self.group_of:
                        key = (c.kind, bool(c.user_facing), frozenset(c.tags), self.tiers[cid].tier,
                               not _single_instance(c))
                        classes[key] = classes.get(key, 0) + 1
                self._comp_classes = classes
            out = {}
            for (kind, uf, tags, tier, replicated), n in self._comp_classes.items():
                if _class_matches(scope, kind, uf, tags, replicated):
                    out[tier] = out.get(tier, 0) + n
            grouped: dict[str, int] = {}
            for cid, gid in self.group_of.items():
                c = self.review.components[cid]
                if _component_matches(scope, c, True):
                    t = self.tiers[cid].tier
                    grouped[gid] = min(grouped.get(gid, t), t)
            for t in grouped.values():
                out[t] = out.get(t, 0) + 1
            return out
        out = {}
        for r in self.rows(scope):
            out[r[1]] = out.get(r[1], 0) + 1
        return out

    def row(self, scope, subject_id: str | None) -> tuple | None:
        """The row of ``subject_id`` if ``scope`` applies to it."""
        idx = self._index.get(scope)
        if idx is None:
            idx = self._index[scope] = {r[0]: r for r in self.rows(scope)}
        return idx.get(subject_id)

    def subjects(self, item: TemplateItem):
        """Every place ``item`` applies, in walking order: each :class:`Subject` made as it is
        walked to, and let go after. The rows they are made from (tuples of plain values) are
        kept per scope; the subjects were too, for the whole evaluation: 32,000 of them, and a
        list each, promoted to the collector's oldest generation on every evaluation of a
        2,000-component review (what then set off a full pass soon after, on the GUI thread)."""
        scope = item.scope
        return (self.subject(scope, r) for r in self.walking_rows(scope))

    def walking_rows(self, scope) -> list[tuple]:
        """The rows of ``scope`` in walking order (dependencies by source, then target)."""
        rows = self._walking_rows.get(scope)
        if rows is None:
            rows = self.rows(scope)
            if scope.per == "dependency":
                rows = sorted(rows, key=lambda r: r[2])
            self._walking_rows[scope] = rows
        return rows

    def subject(self, scope, row: tuple) -> Subject:
        review = self.review
        sid, tier, pos, _p = row
        payload = self.payload(scope, row)
        if scope.per == "review":
            return Subject(None, tier, self.review_tier_reason, (), label=review.meta.system_name, values={})
        if scope.per == "journey":
            reason = (f"tier 1 (review tier {review.meta.tier or 'not stated'}): its SLO {stated(payload.slo)}% is 99.9% or more"
                      if tier < review_tier(review) else "")
            label = payload.name or sid
            return Subject(sid, tier, reason, (pos,), label=label, values={"name": label, "id": sid})
        if scope.per == "component":
            # a member that owes the tier on its own needs no reason; else the first raised one's
            owed = [self.tiers[c.id] for c in payload if self.tiers[c.id].tier == tier]
            reason = "" if any(not t.raised for t in owed) else owed[0].reason
            if sid in review.groups:
                label = review.groups[sid].name or sid
            else:
                label = payload[0].label
            return Subject(sid, tier, reason, (pos,), label=label, values={"name": label, "id": sid},
                           components=list(payload))
        t = self.tiers.get(payload.source)
        reason = f"the caller {payload.source} owes " + t.reason if t is not None and t.raised else ""
        return Subject(sid, tier, reason, (pos,), dependency=payload, labels=self.labels,
                       role=self.consumer_role(payload))

    def context(self, sub: Subject) -> str:
        key = (sub.id, sub.dependency is not None)
        text = self._context.get(key)
        if text is None:
            text = _subject_context(self.review, sub)
            if sub.role is not None and not sub.role[2]:
                text += (f"; whether {sub.role[0]} publishes to {sub.role[1]} or consumes from it is not stated (no "
                         "caller states a soft dependency on the queue, a consumer's poll): if it only "
                         "publishes, answer its consumer items not applicable")
            self._context[key] = text
        return text

    def model_answer(self, item: TemplateItem, sub: Subject) -> ModelAnswer | None:
        if not item.model:
            return None
        return decide(item.model, self.review, sub.dependency if sub.dependency is not None else sub.components,
                      self.deadlines)


def _class_matches(scope, kind: str, user_facing: bool, tags, replicated: bool = True) -> bool:
    """Does a component of this kind, user-facing or not, with these tags, with a replica or a standby
    (or not stated to have none: ``replicated``) or not, match ``scope``?"""
    if LOAD_GENERATOR in tags and not (scope.tags and LOAD_GENERATOR in scope.tags):
        return False  # a test tool deployed beside the system: no production readiness to show
    if scope.not_tags and _has_tag(tags, scope.not_tags):
        return False  # e.g. a phone app (client), a provider's service (managed), a telemetry hub
    if scope.kinds and kind not in scope.kinds and not _has_tag(tags, scope.also_tags):
        return False
    if scope.user_facing is not None and user_facing != scope.user_facing:
        return False
    if scope.tags and not _has_tag(tags, scope.tags):  # in any case, as not_tags and also_tags
        return False
    if scope.replicated and not replicated:
        return False  # one instance, no standby: no replica's lag or failover to ask about
    return True


def subjects(review: Review, item: TemplateItem) -> list[Subject]:
    """Every place ``item`` applies in ``review`` (see :class:`Subject`)."""
    return list(Plan(review).subjects(item))


def _subject_context(review: Review, sub: Subject) -> str:
    if sub.dependency is not None:
        return _dependency_context(sub.dependency)
    if sub.components and sub.id in review.groups:
        g = review.groups[sub.id]
        head = f"redundancy group of {len(g.members)} ({g.min_up} needed)"
        return head + "; " + " | ".join(f"{c.id}: {_component_context(c)}" for c in sub.components)
    if sub.components:
        return _component_context(sub.components[0])
    j = review.journeys.get(sub.id) if sub.id else None
    if j is not None:
        facts = ["critical journey" if j.critical else "journey"]
        if j.slo is not None:
            facts.append(f"SLO {_fmt_num(j.slo)}%")
        if j.entry:
            facts.append("entry " + ", ".join(j.entry))
        return "; ".join(facts)
    return ""


def item_key(item_id: str, subject: str | None) -> str:
    return item_id if subject is None else f"{item_id}@{subject}"


def split_key(key: str) -> tuple[str, str | None]:
    """``"ds.restore-tested@cart-db"`` -> ``("ds.restore-tested", "cart-db")``."""
    item_id, sep, subject = key.partition("@")
    return item_id, (subject if sep else None)


# ------------------------------------------------------------------ evaluate
def _install_hint() -> str:
    from prr_app.checklist.template import user_template_dir

    return (f"install it: put its file in the template folder {user_template_dir()} (PRR_CHECKLIST_DIR) "
            "or run 'prr checklist-import TEMPLATE.yaml'")


def missing_review_template(review: Review) -> str | None:
    """None when the checklist template the review records (id and version) is installed; else one
    line naming it, what is installed instead and how to install it. A review that records no
    template uses the default and has nothing missing."""
    tid = review.meta.checklist_template
    if not tid:
        return None
    version = review.meta.checklist_version
    try:
        load_template(f"{tid}@{version}" if version else tid)
        return None
    except PrrError:
        pass
    from prr_app.checklist.template import templates

    have = [f"{i.id} {i.version}" for i in templates() if i.id == tid]
    what = f"{tid} {version}" if version else tid
    return (f"the review uses checklist template {what}, which is not installed"
            + (f" (installed: {', '.join(have)})" if have else "") + f"; {_install_hint()}")


def resolve_template(review: Review, template=None) -> tuple[Template, list[str]]:
    """The template to use for ``review`` and any warnings about the choice."""
    from prr_app.checklist.template import shadowed_templates

    if template is not None:
        t = load_template(template)
        return t, shadowed_templates(t.id, t.version)
    tid = review.meta.checklist_template
    if not tid:
        t = load_template(DEFAULT_TEMPLATE)
        return t, shadowed_templates(t.id, t.version)
    version = review.meta.checklist_version
    warnings: list[str] = []
    if version:
        try:
            t = load_template(f"{tid}@{version}")
            return t, shadowed_templates(t.id, t.version)
        except PrrError:
            pass
    try:
        t = load_template(tid)
        if version and t.version != version:
            warnings.append(f"the review's checklist template {tid!r} version {version} is not installed; "
                            f"the checklist was evaluated with "
                            f"{tid} {t.version} instead (answers to items that version lacks are listed as "
                            f"orphans); {_install_hint()}")
    except PrrError:
        t = load_template(DEFAULT_TEMPLATE)
        warnings.append(f"the review's checklist template {tid!r} is not installed"
                        + (f" (the review uses {tid} {version})" if version else "") + "; the checklist was "
                        f"evaluated with "
                        f"{t.id} {t.version} instead (answers to its items are listed as orphans); {_install_hint()}")
    return t, warnings + shadowed_templates(t.id, t.version)


def evaluate(review: Review, template=None, *, pause=None) -> ChecklistResult:
    """Apply ``template`` (default: the review's recorded template, else the default) to ``review``.

    ``pause``: called every 256 items (the app's worker steps aside there while the window paints
    a page just shown); it changes nothing in the result."""
    tmpl, warnings = resolve_template(review, template)
    plan = Plan(review)
    rows: list[tuple] = []
    mine: dict = {}  # key -> the reviewer's answer
    models: dict = {}  # order -> the model's answer
    proposals: dict = {}  # key -> the standing proposal
    findings: list[ModelFinding] = []
    answers = review.answers
    for cat in tmpl.categories:
        for ti in tmpl.items:
            if ti.category != cat.id:
                continue
            for sub in plan.subjects(ti):
                if pause is not None and not len(rows) & 255:
                    pause()
                key = item_key(ti.id, sub.id)
                order = len(rows)
                ans = answers.get(key)
                if ans is not None:
                    mine[key] = ans
                model = plan.model_answer(ti, sub)
                if model is not None:
                    models[order] = model
                    over = ans.status if ans is not None and ans.status != "unanswered" else None
                    findings.extend(ModelFinding(key, sub.id, m, over) for m in model.findings)
                if review.proposals:
                    p = standing(review, key)
                    if p is not None:
                        proposals[key] = p
                rows.append((key, ti.id, cat.id, _render(ti.question, sub.values), ti.why, ti.evidence, ti.severity,
                             bool(ti.required_for(sub.tier)), sub.tier, ti.scope.per, sub.id, sub.label,
                             plan.context(sub), order, sub.tier_reason, ti.anchors))
    items = ChecklistItems(rows, mine, models, proposals)
    progress = {c.id: CategoryProgress(c.id, c.title) for c in tmpl.categories}
    overall = CategoryProgress("overall", "Overall")
    for it in items:
        progress[it.category].add(it)
        overall.add(it)
    keys = {r[0] for r in rows}
    orphans = [
        _orphan(review, tmpl, key, a, plan) for key, a in sorted(answers.items()) if key not in keys
    ]
    return ChecklistResult(tmpl, plan.review_tier, items, list(progress.values()), overall, orphans, warnings,
                           tiers=plan.tiers, findings=findings)


def why_not_asked(review: Review, tmpl: Template, key: str) -> str | None:
    """Why the item ``key`` of ``tmpl`` is not asked of this review, in the words an orphaned answer gets
    ("item 'slo.freshness-for-async' is asked ...; this review has none (no asynchronous call, no queue)"),
    or None when the template has no such item (a mistyped key: the caller suggests close ones)."""
    item_id, subject = split_key(key)
    if tmpl.item(item_id) is None:
        return None
    if subject is not None and not any(subject in c for c in (review.components, review.groups, review.journeys,
                                                                 review.dependencies)):
        return None  # a subject the review never had: a typing error, for "did you mean"
    return _orphan(review, tmpl, key, None, Plan(review)).reason


def _orphan(review: Review, tmpl: Template, key: str, answer: ChecklistAnswer | None, plan: Plan) -> Orphan:
    item_id, subject = split_key(key)
    ti = tmpl.item(item_id)
    if ti is None:
        reason = f"item {item_id!r} is not in template {tmpl.id} {tmpl.version}"
    elif ti.scope.per == "review" and subject is not None:
        reason = f"item {item_id!r} is asked once per review, not per {subject!r}"
    elif ti.scope.per == "review":
        reason = (f"item {item_id!r} is asked {ti.scope.describe()}; this review has none "
                  "(no asynchronous call, no queue)")
    elif subject is None:
        reason = f"item {item_id!r} is asked {ti.scope.describe()}; the answer names no subject"
    elif ti.scope.per == "component":
        if subject in review.components and subject in plan.group_of:
            reason = (f"component {subject!r} shares the items of its redundancy group "
                      f"{plan.group_of[subject]!r} ({item_key(item_id, plan.group_of[subject])})")
        elif subject in review.groups:
            reason = f"no member of redundancy group {subject!r} matches ({ti.scope.describe()})"
        elif subject not in review.components:
            reason = f"component {subject!r} is no longer in the review"
        elif (ti.scope.replicated and _single_instance(c := review.components[subject])
              and _component_matches(ti.scope, c, True)):
            reason = (f"component {subject!r} runs one instance with no standby (replicas {c.replicas}, recovery "
                      f"{c.recovery or 'not stated'}): the item is asked {ti.scope.describe()}")
        else:
            reason = f"component {subject!r} no longer matches ({ti.scope.describe()})"
    elif ti.scope.per == "journey":
        if subject not in review.journeys:
            reason = f"journey {subject!r} is no longer in the review"
        else:
            reason = f"journey {subject!r} no longer matches ({ti.scope.describe()})"
    else:
        if subject not in review.dependencies:
            reason = f"dependency {subject!r} is no longer in the review"
        else:
            reason = f"dependency {subject!r} no longer matches ({ti.scope.describe()})"
    return Orphan(key, item_id, subject, reason, answer)


# ------------------------------------------------------------------ summary (fast)
@dataclass
class BlockingItem:
    """A blocking item as :func:`summarize` reports it: enough to name it."""

    key: str
    question: str
    severity: str = "blocker"
    status: str = "not_met"  # or "partly": the reviewer's answer, else the model's


@dataclass(frozen=True)
class UnansweredItem:
    """An unanswered blocker as :func:`summarize` names it (what ``document.item_question`` reads)."""

    key: str
    question: str
    per: str
    subject_label: str


#: unanswered blockers :func:`summarize` names, at most (the verdict names the first few)
UNANSWERED_LISTED = 10


@dataclass
class ChecklistSummary:
    """The headline figures of :func:`evaluate`, computed without building every item.

    ``blocking_items``, ``unanswered_blockers`` (a count here), ``open_blockers``
    (a count) and ``overall_score`` equal what :func:`evaluate` gives; a test
    compares the two on random reviews and answers.
    """

    template: Template
    blocking_items: list[BlockingItem]
    unanswered_blockers: int
    open_blockers: int
    overall_score: float | None
    items: int  # how many items evaluate() would list
    # the first unanswered blockers (at most UNANSWERED_LISTED), in evaluate()'s order
    unanswered_items: list[UnansweredItem] = field(default_factory=list)


def summarize(review: Review, template=None) -> ChecklistSummary:
    """Blocking items, unanswered blockers and the overall score of ``review``: what
    :func:`evaluate` gives, through the same subjects and statuses, without building
    the items (the analysis needs only these figures; a test compares the two on
    random reviews).

    The required weight is counted per item from how many of its subjects owe each
    tier; only the items the model decides are looked at subject by subject (the
    status only), and the reviewer's answers one by one.
    """
    tmpl, _warnings = resolve_template(review, template)
    plan = Plan(review)
    answers = review.answers
    cat_rank = {c.id: i for i, c in enumerate(tmpl.categories)}
    titems = sorted((ti for ti in tmpl.items if ti.category in cat_rank),
                    key=lambda ti: cat_rank[ti.category])  # evaluate()'s order (a stable sort)
    rank = {ti.id: n for n, ti in enumerate(titems)}
    by_id = {ti.id: ti for ti in titems}
    possible = earned = 0.0
    n_items = req_blockers = decided_blockers = 0
    needs: dict[str, list[str]] = {}  # a model field -> the calls that state it
    blocking: list[tuple] = []
    answered: dict[str, set] = {}  # item id -> subjects with a reviewer's answer
    decided: dict[str, set] = {}  # blocker item id -> subjects the model decides
    for key, a in answers.items():
        if a.status != _UNANSWERED:
            item_id, subject = split_key(key)
            answered.setdefault(item_id, set()).add(subject)
    for ti in titems:
        counts = plan.tier_counts(ti.scope)
        n_items += sum(counts.values())
        req = sum(counts.get(t, 0) for t in ti.tiers)
        if not req:
            continue
        w = SEVERITY_WEIGHT[ti.severity]
        possible += w * req
        blocker = ti.severity == "blocker"
        if blocker:
            req_blockers += req
        if not ti.model:
            continue
        credit = 0.0
        spec = DECIDERS[ti.model]
        decider = spec.decide
        mine = answered.get(ti.id, ())
        deadlines = plan.deadlines
        tiers = ti.tiers
        payload = plan.payload
        scope = ti.scope
        if scope.per == "dependency" and spec.needs:
            # the model says nothing of a call that does not state the field it needs: only the calls
            # that do are looked at (on an import, none), in the review's order as rows() has them
            stated = needs.get(spec.needs)
            if stated is None:
                stated = needs[spec.needs] = [did for did, d in review.dependencies.items()
                                              if getattr(d, spec.needs) is not None]
            rows = [r for r in map(partial(plan.dependency_row, scope), stated) if r is not None]
        else:
            rows = plan.rows(scope)
        for row in rows:
            if row[1] not in tiers or row[0] in mine:  # not required, or the reviewer's answer wins
                continue
            st = decider(review, payload(scope, row), deadlines, False)
            if st is None:
                continue
            credit += STATUS_CREDIT[st]
            if blocker:
                decided_blockers += 1
                decided.setdefault(ti.id, set()).add(row[0])
                if st != "met":
                    blocking.append((rank[ti.id], row[2], ti, row, st))
        earned += w * credit
    for key, a in answers.items():
        st = a.status
        if st == _UNANSWERED:
            continue
        item_id, subject = split_key(key)
        ti = by_id.get(item_id)
        if ti is None:
            continue
        row = plan.dependency_row(ti.scope, subject) if ti.scope.per == "dependency" else plan.row(ti.scope, subject)
        if row is None or row[1] not in ti.tiers:
            continue
        w = SEVERITY_WEIGHT[ti.severity]
        if st == "not_applicable":
            possible -= w
        else:
            earned += w * STATUS_CREDIT.get(st, 0.0)
        if ti.severity == "blocker":
            decided_blockers += 1
            if st in ("not_met", "partly"):
                blocking.append((rank[ti.id], row[2], ti, row, st))
    blocking.sort(key=lambda b: (b[0], b[1]))
    named = []
    for _r, _pos, ti, row, st in blocking:
        sub = plan.subject(ti.scope, row)
        named.append(BlockingItem(item_key(ti.id, sub.id), _render(ti.question, sub.values), ti.severity, st))
    unanswered = req_blockers - decided_blockers
    score = round(100.0 * earned / possible, 1) if possible > 0 else None
    first = _first_unanswered(plan, titems, answered, decided) if unanswered else []
    return ChecklistSummary(tmpl, named, unanswered, unanswered + len(named), score, n_items, first)


def _first_unanswered(plan: Plan, titems, answered: dict, decided: dict) -> list[UnansweredItem]:
    """The first :data:`UNANSWERED_LISTED` required blockers with neither a reviewer's answer nor the
    model's, in :func:`evaluate`'s order (items by category, subjects in walking order): only as many
    rows are walked as it takes to find them."""
    out: list[UnansweredItem] = []
    for ti in titems:
        if ti.severity != "blocker":
            continue
        mine, model = answered.get(ti.id, ()), decided.get(ti.id, ())
        for row in plan.walking_rows(ti.scope):
            if row[1] not in ti.tiers or row[0] in mine or row[0] in model:
                continue
            sub = plan.subject(ti.scope, row)
            out.append(UnansweredItem(item_key(ti.id, sub.id), _render(ti.question, sub.values), ti.scope.per,
                                      sub.label))
            if len(out) == UNANSWERED_LISTED:
                return out
    return out


def item_applies(review: Review, key: str, template=None) -> tuple[Template, bool]:
    """``(template, applies)``: the template :func:`evaluate` would use for ``review`` and whether it
    lists the item ``key`` there, found from the item's scope and subject alone (answering one item
    of a 10,000-component import evaluated its 340,000 items, 4 s, to find it). A test compares it
    with ``key in evaluate(review)`` on random reviews."""
    tmpl, _warnings = resolve_template(review, template)
    item_id, subject = split_key(key)
    cats = {c.id for c in tmpl.categories}
    ti = next((t for t in tmpl.items if t.id == item_id and t.category in cats), None)
    if ti is None or (subject is None) != (ti.scope.per == "review"):
        return tmpl, False
    if ti.scope.per == "review" and not ti.scope.asynchronous:
        return tmpl, True
    plan = Plan(review)
    if ti.scope.per == "dependency":
        return tmpl, plan.dependency_row(ti.scope, subject) is not None
    return tmpl, plan.row(ti.scope, subject) is not None


def close_keys(review: Review, key: str, template=None, n: int = 3) -> list[str]:
    """Up to ``n`` item keys of ``review`` close to ``key`` (a "did you mean" for a key that does not
    apply), found among the template's item ids and the subjects of the item's scope, without
    evaluating every item (34 s on a 10,000-component import while the machine was busy)."""
    import difflib

    tmpl, _warnings = resolve_template(review, template)
    item_id, subject = split_key(key)
    cats = {c.id for c in tmpl.categories}
    items = {t.id: t for t in tmpl.items if t.category in cats}
    plan = Plan(review)
    if item_id not in items:
        out = []
        for iid in difflib.get_close_matches(item_id, list(items), n=n, cutoff=0.6):
            scope = items[iid].scope
            if scope.per == "review":
                if plan.row(scope, None) is not None:
                    out.append(iid)
            elif subject is not None and (plan.dependency_row(scope, subject) if scope.per == "dependency"
                                          else plan.row(scope, subject)) is not None:
                out.append(item_key(iid, subject))
        return out
    scope = items[item_id].scope
    if scope.per == "review":
        return [item_id] if plan.row(scope, None) is not None else []
    subjects = [r[0] for r in plan.walking_rows(scope)]
    return [item_key(item_id, s) for s in difflib.get_close_matches(subject or "", subjects, n=n, cutoff=0.6)]


# ------------------------------------------------------------------ answers a lead checks
def blockers_to_check(res: ChecklistResult) -> list[tuple[ChecklistItem, str]]:
    """The required blockers that pass without being shown met: answered not applicable (waived), or
    met or partly with no evidence, each with one line saying how and by whom ("answered not applicable
    by Rev on 2025-05-01: platform team pages"). Not blocking; named by ``prr checklist``, ``prr gate``
    and the report (7.4) so that a lead reads them."""
    out = []
    for it in res.waived_blockers + res.unevidenced_blockers:
        a = it.answer
        who = f" by {a.changed_by}" if a is not None and a.changed_by else " (no name recorded)"
        when = f" on {a.changed_at[:10]}" if a is not None and a.changed_at else ""
        if it.status == "not_applicable":
            text = f"answered not applicable{who}{when}: {a.reason if a is not None and a.reason else 'no reason'}"
        else:
            text = f"answered {enum_words(it.status)}{who}{when} with no evidence"
        if a is not None and a.note:
            text += f" (note: {a.note})"
        out.append((it, text))
    return out
