"""Applying a template to a review: generated items, answers, scores, blockers, orphans.

Scoring (stated the same way in docs/checklist.md and in ``ChecklistResult.to_dict()``):

* only **required** items count (an item is required when the tier of its subject,
  the review's tier or the component's own, is one of the item's ``tiers``);
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

from collections import Counter
from dataclasses import dataclass, field

from prr_app.checklist.template import (
    DEFAULT_TEMPLATE,
    SEVERITIES,
    Template,
    TemplateItem,
    load_template,
)
from prr_app.domain.model import AnswerStatus, ChecklistAnswer, Component, Dependency, Review
from prr_app.errors import PrrError

SEVERITY_WEIGHT = {"blocker": 8, "high": 4, "medium": 2, "low": 1}
STATUS_CREDIT = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "unanswered": 0.0}
SCORING_METHOD = (
    "Only required items count; 'not applicable' items leave the count. Each item weighs by severity "
    "(blocker 8, high 4, medium 2, low 1) and earns met 1, partly 0.5, not met or unanswered 0. "
    "Score = earned weight / total weight, in percent."
)
STATUSES = AnswerStatus.values()
_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class ChecklistItem:
    """One item of the checklist as it applies to this review (a template item times a subject)."""

    key: str  # "item" or "item@subject"
    item_id: str
    category: str
    question: str
    why: str
    evidence_hint: str
    severity: str
    required: bool
    tier: int
    per: str  # review | component | dependency
    subject: str | None  # component id or dependency id ("src->tgt")
    subject_label: str
    context: str  # what the review's model says about the subject, to help answer
    answer: ChecklistAnswer | None
    order: int

    @property
    def status(self) -> str:
        return self.answer.status if self.answer is not None else AnswerStatus.UNANSWERED.value

    @property
    def answered(self) -> bool:
        return self.status != AnswerStatus.UNANSWERED.value

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
        """Answered met or partly, but with no evidence link."""
        return self.status in ("met", "partly") and not (self.answer and self.answer.evidence.strip())

    def to_dict(self) -> dict:
        d = {
            "key": self.key, "item": self.item_id, "category": self.category, "question": self.question,
            "why": self.why, "evidence_hint": self.evidence_hint, "severity": self.severity,
            "required": self.required, "tier": self.tier, "per": self.per, "subject": self.subject,
            "subject_label": self.subject_label, "context": self.context, "status": self.status,
            "blocking": self.is_blocking,
        }
        d["answer"] = answer_to_dict(self.answer) if self.answer is not None else None
        return d


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
    items: list[ChecklistItem]
    categories: list[CategoryProgress]
    overall: CategoryProgress
    orphans: list[Orphan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {it.key: it for it in self.items}

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

    # -- lookup and filters (the checklist walker builds on these) --------
    def item(self, key: str) -> ChecklistItem | None:
        return self._by_key.get(key)

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
            start = self._by_key[after].order + 1
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
            "orphans": [o.to_dict() for o in self.orphans],
            "warnings": list(self.warnings),
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
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _component_context(c: Component) -> str:
    facts = [c.kind.replace("_", " ")]
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


def _component_matches(scope, c: Component) -> bool:
    if scope.kinds and c.kind not in scope.kinds:
        return False
    if scope.user_facing is not None and bool(c.user_facing) != scope.user_facing:
        return False
    if scope.tags and not set(scope.tags) & set(c.tags):
        return False
    return True


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


def subjects(review: Review, item: TemplateItem) -> list[tuple[str | None, str, int, str, dict]]:
    """(subject id, label, tier, context, placeholder values) for every place ``item`` applies."""
    scope = item.scope
    if scope.per == "review":
        return [(None, review.meta.system_name, review.meta.tier, "", {})]
    out = []
    if scope.per == "component":
        for cid in sorted(review.components):
            c = review.components[cid]
            if _component_matches(scope, c):
                out.append((cid, c.label, review.effective_tier(c), _component_context(c),
                            {"name": c.label, "id": cid}))
        return out
    for d in sorted(review.dependencies.values(), key=lambda d: (d.source, d.target)):
        if not _dependency_matches(scope, review, d):
            continue
        src = review.components.get(d.source)
        tier = review.effective_tier(src) if src is not None else review.meta.tier
        s_label, t_label = _label(review, d.source), _label(review, d.target)
        out.append((d.id, f"{s_label} \u2192 {t_label}", tier, _dependency_context(d),
                    {"source": s_label, "target": t_label, "kind": d.kind}))
    return out


def item_key(item_id: str, subject: str | None) -> str:
    return item_id if subject is None else f"{item_id}@{subject}"


def split_key(key: str) -> tuple[str, str | None]:
    """``"ds.restore-tested@cart-db"`` -> ``("ds.restore-tested", "cart-db")``."""
    item_id, sep, subject = key.partition("@")
    return item_id, (subject if sep else None)


# ------------------------------------------------------------------ evaluate
def resolve_template(review: Review, template=None) -> tuple[Template, list[str]]:
    """The template to use for ``review`` and any warnings about the choice."""
    if template is not None:
        return load_template(template), []
    tid = review.meta.checklist_template
    if not tid:
        return load_template(DEFAULT_TEMPLATE), []
    version = review.meta.checklist_version
    warnings: list[str] = []
    if version:
        try:
            return load_template(f"{tid}@{version}"), []
        except PrrError:
            pass
    try:
        t = load_template(tid)
        if version and t.version != version:
            warnings.append(f"the review was answered with {tid} {version}, which is not installed; "
                            f"using {tid} {t.version}")
        return t, warnings
    except PrrError:
        t = load_template(DEFAULT_TEMPLATE)
        warnings.append(f"the review's checklist template {tid!r} is not installed; using {t.id} {t.version} "
                        f"(answers to its items are listed as orphans)")
        return t, warnings


def evaluate(review: Review, template=None) -> ChecklistResult:
    """Apply ``template`` (default: the review's recorded template, else the default) to ``review``."""
    tmpl, warnings = resolve_template(review, template)
    items: list[ChecklistItem] = []
    answers = review.answers
    for cat in tmpl.categories:
        for ti in tmpl.items:
            if ti.category != cat.id:
                continue
            for subject, label, tier, context, values in subjects(review, ti):
                key = item_key(ti.id, subject)
                items.append(ChecklistItem(
                    key=key, item_id=ti.id, category=cat.id, question=_render(ti.question, values),
                    why=ti.why, evidence_hint=ti.evidence, severity=ti.severity, required=ti.required_for(tier),
                    tier=tier, per=ti.scope.per, subject=subject, subject_label=label, context=context,
                    answer=answers.get(key), order=len(items),
                ))
    progress = {c.id: CategoryProgress(c.id, c.title) for c in tmpl.categories}
    overall = CategoryProgress("overall", "Overall")
    for it in items:
        progress[it.category].add(it)
        overall.add(it)
    keys = {it.key for it in items}
    orphans = [
        _orphan(review, tmpl, key, a) for key, a in sorted(answers.items()) if key not in keys
    ]
    return ChecklistResult(tmpl, review.meta.tier, items, list(progress.values()), overall, orphans, warnings)


def _orphan(review: Review, tmpl: Template, key: str, answer: ChecklistAnswer) -> Orphan:
    item_id, subject = split_key(key)
    ti = tmpl.item(item_id)
    if ti is None:
        reason = f"item {item_id!r} is not in template {tmpl.id} {tmpl.version}"
    elif ti.scope.per == "review":
        reason = f"item {item_id!r} is asked once per review, not per {subject!r}"
    elif subject is None:
        reason = f"item {item_id!r} is asked {ti.scope.describe()}; the answer names no subject"
    elif ti.scope.per == "component":
        if subject not in review.components:
            reason = f"component {subject!r} is no longer in the review"
        else:
            reason = f"component {subject!r} no longer matches ({ti.scope.describe()})"
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


def summarize(review: Review, template=None) -> ChecklistSummary:
    """Blocking items, unanswered blockers and the overall score of ``review`` — fast.

    :func:`evaluate` builds one item (with its rendered question and context)
    per template item and subject: 140,000 of them for 10,000 components.
    The analysis needs only the headline figures, which depend on the answers
    given and on *how many* required items there are. So subjects are grouped
    into classes that every scope and tier rule treats alike (a component's
    kind, user-facing flag, tags and tier; a dependency's kind, target kinds
    and source tier), the required weight is counted per class, and only the
    answered items are looked at one by one.
    """
    tmpl, _warnings = resolve_template(review, template)
    cat_ids = {c.id for c in tmpl.categories}
    titems = [ti for ti in tmpl.items if ti.category in cat_ids]
    tiers: dict[str, int] = {}
    comp_keys = []
    default_tier = review.meta.tier
    for cid, c in review.components.items():
        tier = c.tier if c.tier is not None else default_tier
        tiers[cid] = tier
        comp_keys.append((c.kind, bool(c.user_facing), frozenset(c.tags) if c.tags else frozenset(), tier))
    comp_classes = Counter(comp_keys)
    # dependencies: count by (kind, target, source tier) first, then fold targets into their kinds
    raw = Counter((d.kind, d.target, tiers.get(d.source, default_tier)) for d in review.dependencies.values())
    tk_cache: dict[str, frozenset] = {}
    dep_classes: Counter = Counter()
    for (kind, target, tier), k in raw.items():
        tk = tk_cache.get(target)
        if tk is None:
            tk = tk_cache[target] = frozenset(_target_kinds(review, target))
        dep_classes[(kind, tk, tier)] += k

    def comp_match(scope, cls) -> bool:
        kind, uf, tags, _tier = cls
        if scope.kinds and kind not in scope.kinds:
            return False
        if scope.user_facing is not None and uf != scope.user_facing:
            return False
        if scope.tags and not set(scope.tags) & tags:
            return False
        return True

    def dep_match(scope, cls) -> bool:
        kind, tk, _tier = cls
        if scope.dependency_kinds and kind not in scope.dependency_kinds:
            return False
        if scope.target_kinds and not (tk & set(scope.target_kinds)):
            return False
        return True

    possible = 0.0
    earned = 0.0
    req_blockers = 0
    n_items = 0
    by_id: dict[str, TemplateItem] = {}
    for ti in titems:
        by_id[ti.id] = ti
        w = SEVERITY_WEIGHT[ti.severity]
        if ti.scope.per == "review":
            classes = [((), 1, review.meta.tier)]
        elif ti.scope.per == "component":
            classes = [(cls, k, cls[3]) for cls, k in comp_classes.items() if comp_match(ti.scope, cls)]
        else:
            classes = [(cls, k, cls[2]) for cls, k in dep_classes.items() if dep_match(ti.scope, cls)]
        for _cls, k, tier in classes:
            n_items += k
            if ti.required_for(tier):
                possible += w * k
                if ti.severity == "blocker":
                    req_blockers += k

    # the answered items, one by one
    blocking: list[tuple] = []
    answered_req_blockers = 0
    dep_pos: dict[str, int] | None = None
    for key, ans in review.answers.items():
        item_id, subject = split_key(key)
        ti = by_id.get(item_id)
        if ti is None:
            continue
        per = ti.scope.per
        if per == "review":
            if subject is not None:
                continue
            tier, order = review.meta.tier, ()
        elif subject is None:
            continue
        elif per == "component":
            c = review.components.get(subject)
            if c is None or not _component_matches(ti.scope, c):
                continue
            tier, order = review.effective_tier(c), (subject,)
        else:
            d = review.dependencies.get(subject)
            if d is None or not _dependency_matches(ti.scope, review, d):
                continue
            src = review.components.get(d.source)
            tier = review.effective_tier(src) if src is not None else review.meta.tier
            if dep_pos is None:
                dep_pos = {did: i for i, did in enumerate(review.dependencies)}
            order = (d.source, d.target, dep_pos[subject])
        if not ti.required_for(tier):
            continue
        st = ans.status
        w = SEVERITY_WEIGHT[ti.severity]
        if st == "not_applicable":
            possible -= w
        else:
            earned += w * STATUS_CREDIT.get(st, 0.0)
        if ti.severity == "blocker" and st != AnswerStatus.UNANSWERED.value:
            answered_req_blockers += 1
            if st in ("not_met", "partly"):
                blocking.append((ti, subject, order))
    # name the blocking items in the order evaluate() lists them
    cat_rank = {c.id: i for i, c in enumerate(tmpl.categories)}
    item_rank = {ti.id: i for i, ti in enumerate(tmpl.items)}
    blocking.sort(key=lambda b: (cat_rank[b[0].category], item_rank[b[0].id], b[2]))
    named = []
    for ti, subject, _order in blocking:
        if subject is None:
            values = {}
        elif ti.scope.per == "component":
            c = review.components[subject]
            values = {"name": c.label, "id": subject}
        else:
            d = review.dependencies[subject]
            values = {"source": _label(review, d.source), "target": _label(review, d.target), "kind": d.kind}
        named.append(BlockingItem(item_key(ti.id, subject), _render(ti.question, values), ti.severity))
    unanswered = req_blockers - answered_req_blockers
    score = round(100.0 * earned / possible, 1) if possible > 0 else None
    open_blockers = unanswered + len(named)
    return ChecklistSummary(tmpl, named, unanswered, open_blockers, score, n_items)
