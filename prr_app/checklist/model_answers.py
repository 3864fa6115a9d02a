"""Items the review's model decides: answers read from the model's own fields.

A template item may name a **model decider** (``model: dependency.timeout``).
Until a reviewer answers the item, its status comes from the model, with the
field quoted as evidence ("timeout_ms 800"). A field the model does not state
decides nothing: the item stays unanswered. A reviewer's own answer always
wins.

Some decisions are **contradictions** inside the model: an RPO of 5 minutes
with backups every hour; a recovery slower than the RTO; a call that waits
longer than its own callers wait for it. Each is a :class:`ModelFinding`,
listed by ``prr checklist`` whether or not a reviewer has overridden the item.

Every decider takes the review and the subject (a dependency, or the
components of a per-component subject: one, or the members of a redundancy
group) and returns a :class:`ModelAnswer` or ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from prr_app.domain.model import Component, Dependency, Review

_WORST = {"not_met": 0, "partly": 1, "met": 2}


@dataclass(frozen=True)
class ModelAnswer:
    status: str  # met | partly | not_met
    evidence: str  # the model fields that decide it
    findings: tuple[str, ...] = ()  # contradictions found on the way

    def to_dict(self) -> dict:
        d = {"status": self.status, "evidence": self.evidence}
        if self.findings:
            d["findings"] = list(self.findings)
        return d


@dataclass(frozen=True)
class ModelFinding:
    """A contradiction in the review's model, found while deciding an item."""

    key: str  # the checklist item key
    subject: str
    message: str
    overridden: str | None = None  # the reviewer's status when a reviewer answered the item

    def to_dict(self) -> dict:
        d = {"key": self.key, "subject": self.subject, "message": self.message}
        if self.overridden:
            d["reviewer_answer"] = self.overridden
        return d


@dataclass(frozen=True)
class Decider:
    per: str  # dependency | component
    decide: Callable
    fields: tuple[str, ...] = field(default=())  # the model fields it reads (for docs and the UI)


def _n(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


class Deadlines:
    """For each component, the shortest timeout its callers give it (and which call that is)."""

    def __init__(self, review: Review) -> None:
        self.by_target: dict[str, tuple[int, str]] = {}
        for d in review.dependencies.values():
            if d.kind == "async" or d.timeout_ms is None or d.timeout_ms <= 0:
                continue
            targets = [d.target]
            g = review.groups.get(d.target)
            if g is not None:
                targets = list(g.members)
            for t in targets:
                cur = self.by_target.get(t)
                if cur is None or d.timeout_ms < cur[0] or (d.timeout_ms == cur[0] and d.id < cur[1]):
                    self.by_target[t] = (d.timeout_ms, d.id)


# ------------------------------------------------------------------ per dependency
def _timeout(review: Review, d: Dependency, deadlines: Deadlines) -> ModelAnswer | None:
    if d.timeout_ms is None:
        return None
    if d.timeout_ms <= 0:
        return ModelAnswer("not_met", f"timeout_ms {d.timeout_ms} (no timeout)")
    ev = f"timeout_ms {d.timeout_ms}"
    caller = deadlines.by_target.get(d.source)
    if caller is None:
        return ModelAnswer("met", ev + f"; no caller of {d.source} states a timeout")
    limit, via = caller
    if d.timeout_ms >= limit:
        msg = (f"{d.source} waits up to {d.timeout_ms} ms for {d.target}, but its caller gives up after "
               f"{limit} ms ({via}): the call outlives the request it serves")
        return ModelAnswer("not_met", ev + f"; caller deadline {limit} ms ({via})", (msg,))
    return ModelAnswer("met", ev + f"; shorter than the caller's {limit} ms ({via})")


def _retries(review: Review, d: Dependency, deadlines: Deadlines) -> ModelAnswer | None:
    if d.retries is None:
        return None
    if d.retries == 0:
        return ModelAnswer("met", "retries 0")
    ev = f"retries {d.retries}"
    if d.backoff is False:
        return ModelAnswer("not_met", ev + ", backoff false")
    if d.backoff is None:
        return None
    if d.retry_budget:
        return ModelAnswer("met", ev + ", backoff true, retry_budget true")
    return ModelAnswer("partly", ev + ", backoff true, retry_budget " + ("false" if d.retry_budget is False else "not stated"))


def _breaker(review: Review, d: Dependency, deadlines: Deadlines) -> ModelAnswer | None:
    if d.circuit_breaker is None:
        return None
    return ModelAnswer("met" if d.circuit_breaker else "not_met", f"circuit_breaker {str(d.circuit_breaker).lower()}")


def _fallback(review: Review, d: Dependency, deadlines: Deadlines) -> ModelAnswer | None:
    if not d.fallback:
        return None
    return ModelAnswer("met", f"fallback: {d.fallback}")


# ------------------------------------------------------------------ per component (or group)
def _combine(results: list[ModelAnswer | None], names: list[str]) -> ModelAnswer | None:
    """Worst of the members; undecided unless every member is decided (or one is not met)."""
    decided = [(n, r) for n, r in zip(names, results) if r is not None]
    if not decided:
        return None
    worst = min(decided, key=lambda nr: _WORST[nr[1].status])[1].status
    if len(decided) < len(results) and worst != "not_met":
        return None
    findings = tuple(f for _, r in decided for f in r.findings)
    if len(names) == 1:
        return ModelAnswer(worst, decided[0][1].evidence, findings)
    return ModelAnswer(worst, "; ".join(f"{n}: {r.evidence}" for n, r in decided), findings)


def _per_member(fn):
    def decide(review: Review, comps: list[Component], deadlines: Deadlines) -> ModelAnswer | None:
        return _combine([fn(review, c) for c in comps], [c.id for c in comps])
    return decide


def _rto_rpo(review: Review, c: Component) -> ModelAnswer | None:
    have = [f"{k} {_n(v)}" for k, v in (("rto_minutes", c.rto_minutes), ("rpo_minutes", c.rpo_minutes)) if v is not None]
    if not have:
        return None
    return ModelAnswer("met" if len(have) == 2 else "partly", ", ".join(have))


def _backup_rpo(review: Review, c: Component) -> ModelAnswer | None:
    if c.rpo_minutes is None or c.backup_interval_minutes is None:
        return None
    ev = f"rpo_minutes {_n(c.rpo_minutes)}, backup_interval_minutes {_n(c.backup_interval_minutes)}"
    if c.backup_interval_minutes <= c.rpo_minutes:
        return ModelAnswer("met", ev)
    standby = c.recovery == "automatic" or any(c.id in g.members for g in review.groups.values())
    msg = (f"{c.id} declares an RPO of {_n(c.rpo_minutes)} min but is backed up every "
           f"{_n(c.backup_interval_minutes)} min: a restore from backup loses up to "
           f"{_n(c.backup_interval_minutes)} min of data")
    if standby:
        msg += " (its standby covers the loss of the primary, not a deletion or a corruption)"
    return ModelAnswer("not_met", ev, (msg,))


def _recovery_rto(review: Review, c: Component) -> ModelAnswer | None:
    if c.rto_minutes is None or c.recovery is None:
        return None
    ev = f"rto_minutes {_n(c.rto_minutes)}, recovery {c.recovery}"
    if c.recovery == "none":
        return ModelAnswer("not_met", ev, (f"{c.id} declares an RTO of {_n(c.rto_minutes)} min but has no "
                                            f"recovery (recovery: none)",))
    if c.failover_minutes is None:
        return None
    ev += f", failover_minutes {_n(c.failover_minutes)}"
    if c.failover_minutes > c.rto_minutes:
        return ModelAnswer("not_met", ev, (f"{c.id} declares an RTO of {_n(c.rto_minutes)} min but its "
                                            f"{c.recovery} recovery takes {_n(c.failover_minutes)} min",))
    return ModelAnswer("met", ev)


def _zone_of(review: Review, domain_id: str) -> str:
    """The zone a placement domain is in (itself if a zone, else its nearest zone ancestor, else itself)."""
    seen = set()
    cur = domain_id
    while cur in review.domains and cur not in seen:
        seen.add(cur)
        d = review.domains[cur]
        if d.kind == "zone":
            return cur
        if d.parent is None:
            break
        cur = d.parent
    return domain_id


def _instances_spread(review: Review, comps: list[Component], deadlines: Deadlines) -> ModelAnswer | None:
    if any(c.replicas is None for c in comps):
        return None
    n = sum(c.replicas for c in comps)
    zones: set[str] = set()
    placed = True
    for c in comps:
        if not c.placement:
            placed = False
        zones.update(_zone_of(review, p) for p in c.placement[: max(c.replicas, 0)])
    ev = f"replicas {n}" + (f" across {len(comps)} group members" if len(comps) > 1 else "")
    if n < 2:
        return ModelAnswer("not_met", ev)
    if not placed:
        return ModelAnswer("partly", ev + "; placement not stated")
    ev += "; placed in " + ", ".join(sorted(zones))
    return ModelAnswer("met" if len(zones) >= 2 else "not_met", ev)


DECIDERS: dict[str, Decider] = {
    "dependency.timeout": Decider("dependency", _timeout, ("timeout_ms",)),
    "dependency.retries": Decider("dependency", _retries, ("retries", "backoff", "retry_budget")),
    "dependency.circuit-breaker": Decider("dependency", _breaker, ("circuit_breaker",)),
    "dependency.fallback": Decider("dependency", _fallback, ("fallback",)),
    "component.rto-rpo": Decider("component", _per_member(_rto_rpo), ("rto_minutes", "rpo_minutes")),
    "component.backup-within-rpo": Decider("component", _per_member(_backup_rpo),
                                           ("rpo_minutes", "backup_interval_minutes")),
    "component.recovery-within-rto": Decider("component", _per_member(_recovery_rto),
                                             ("rto_minutes", "recovery", "failover_minutes")),
    "component.instances-spread": Decider("component", _instances_spread, ("replicas", "placement")),
}


def decide(name: str, review: Review, subject, deadlines: Deadlines) -> ModelAnswer | None:
    """Run decider ``name`` on ``subject`` (a Dependency, or a list of Components)."""
    return DECIDERS[name].decide(review, subject, deadlines)
