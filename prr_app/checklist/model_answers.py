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

from prr_app.model.entities import Component, Dependency, Review
from prr_app.wording import stated

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
    # the field without which it says nothing (returns None when it is None): the checklist summary
    # asks it only of the subjects that state it (tests/test_checklist_generation.py holds it to that)
    needs: str = ""


def _n(v) -> str:
    return f"{stated(v)}" if isinstance(v, float) else str(v)


class Deadlines:
    """For each component, the shortest timeout its callers give it (and which call that is)."""

    def __init__(self, review: Review) -> None:
        self.by_target: dict[str, tuple[int, str]] = {}
        for did, d in review.dependencies.items():
            ms = d.timeout_ms
            if ms is None or ms <= 0 or d.kind == "async":
                continue
            g = review.groups.get(d.target)
            for t in (g.members if g is not None else (d.target,)):
                cur = self.by_target.get(t)
                if cur is None or ms < cur[0] or (ms == cur[0] and did < cur[1]):
                    self.by_target[t] = (ms, did)


# ------------------------------------------------------------------ per dependency
# Each decider returns None (the model does not say), or with explain=False only the
# status (what the scores need, for every subject of a large review), or with
# explain=True the ModelAnswer with its evidence and findings.
def _ans(status: str, explain: bool, evidence, findings=()):
    if not explain:
        return status
    return ModelAnswer(status, evidence() if callable(evidence) else evidence, tuple(findings))


def _timeout(review: Review, d: Dependency, deadlines: Deadlines, explain: bool = True):
    ms = d.timeout_ms
    if ms is None:
        return None
    if ms <= 0:
        return _ans("not_met", explain, f"timeout_ms {ms} (no timeout)")
    caller = deadlines.by_target.get(d.source)
    if caller is None:
        return _ans("met", explain, lambda: f"timeout_ms {ms}; no caller of {d.source} states a timeout")
    limit, via = caller
    if ms >= limit:
        if not explain:
            return "not_met"
        if ms > limit:
            msg = (f"{d.source} waits up to {ms} ms for {d.target}, but its caller gives up after "
                   f"{limit} ms ({via}): the call outlives the request it serves")
        else:
            msg = (f"{d.source} waits up to {ms} ms for {d.target}, as long as its caller waits for it "
                   f"({via}): no time is left to answer before the caller gives up")
        return _ans("not_met", True, f"timeout_ms {ms}; caller deadline {limit} ms ({via})", (msg,))
    return _ans("met", explain, lambda: f"timeout_ms {ms}; shorter than the caller's {limit} ms ({via})")


def _retries(review: Review, d: Dependency, deadlines: Deadlines, explain: bool = True):
    n = d.retries
    if n is None:
        return None
    if n == 0:
        return _ans("met", explain, "retries 0")
    if d.backoff is False:
        return _ans("not_met", explain, lambda: f"retries {n}, backoff false")
    if d.backoff is None:
        return None
    if d.retry_budget:
        return _ans("met", explain, lambda: f"retries {n}, backoff true, retry_budget true")
    return _ans("partly", explain, lambda: f"retries {n}, backoff true, retry_budget "
                + ("false" if d.retry_budget is False else "not stated"))


def _breaker(review: Review, d: Dependency, deadlines: Deadlines, explain: bool = True):
    cb = d.circuit_breaker
    if cb is None:
        return None
    return _ans("met" if cb else "not_met", explain, "circuit_breaker true" if cb else "circuit_breaker false")


def _fallback(review: Review, d: Dependency, deadlines: Deadlines, explain: bool = True):
    if not d.fallback:
        return None
    return _ans("met", explain, lambda: f"fallback: {d.fallback}")


# ------------------------------------------------------------------ per component (or group)
def _combine(results: list, names: list[str], explain: bool):
    """Worst of the members; undecided unless every member is decided (or one is not met)."""
    decided = [(n, r) for n, r in zip(names, results) if r is not None]
    if not decided:
        return None
    status = (lambda r: r.status) if explain else (lambda r: r)
    worst = min((status(r) for _, r in decided), key=_WORST.__getitem__)
    if len(decided) < len(results) and worst != "not_met":
        return None
    if not explain:
        return worst
    findings = tuple(f for _, r in decided for f in r.findings)
    if len(names) == 1:
        return ModelAnswer(worst, decided[0][1].evidence, findings)
    return ModelAnswer(worst, "; ".join(f"{n}: {r.evidence}" for n, r in decided), findings)


def _per_member(fn):
    def decide(review: Review, comps: list[Component], deadlines: Deadlines, explain: bool = True):
        if len(comps) == 1:
            return fn(review, comps[0], explain)
        return _combine([fn(review, c, explain) for c in comps], [c.id for c in comps], explain)
    return decide


def _rto_rpo(review: Review, c: Component, explain: bool):
    rto, rpo = c.rto_minutes, c.rpo_minutes
    if rto is None and rpo is None:
        return None
    have = lambda: ", ".join(f"{k} {_n(v)}" for k, v in (("rto_minutes", rto), ("rpo_minutes", rpo))  # noqa: E731
                             if v is not None)
    return _ans("met" if rto is not None and rpo is not None else "partly", explain, have)


def _backup_rpo(review: Review, c: Component, explain: bool):
    rpo, every = c.rpo_minutes, c.backup_interval_minutes
    if rpo is None or every is None:
        return None
    ev = lambda: f"rpo_minutes {_n(rpo)}, backup_interval_minutes {_n(every)}"  # noqa: E731
    if every <= rpo:
        return _ans("met", explain, ev)
    if not explain:
        return "not_met"
    standby = c.recovery == "automatic" or any(c.id in g.members for g in review.groups.values())
    msg = (f"{c.id} declares an RPO of {_n(rpo)} min but is backed up every {_n(every)} min: "
           f"a restore from backup loses up to {_n(every)} min of data")
    if standby:
        msg += " (its standby covers the loss of the primary, not a deletion or a corruption)"
    return _ans("not_met", True, ev, (msg,))


def _recovery_rto(review: Review, c: Component, explain: bool):
    rto, rec, took = c.rto_minutes, c.recovery, c.failover_minutes
    if rto is None or rec is None:
        return None
    if rec == "none":
        return _ans("not_met", explain, lambda: f"rto_minutes {_n(rto)}, recovery none",
                    (f"{c.id} declares an RTO of {_n(rto)} min but has no recovery (recovery: none)",)
                    if explain else ())
    if took is None:
        return None
    ev = lambda: f"rto_minutes {_n(rto)}, recovery {rec}, failover_minutes {_n(took)}"  # noqa: E731
    if took > rto:
        return _ans("not_met", explain, ev,
                    (f"{c.id} declares an RTO of {_n(rto)} min but its {rec} recovery takes {_n(took)} min",)
                    if explain else ())
    return _ans("met", explain, ev)


_ZONE_OR_WIDER = ("zone", "datacenter", "region", "provider")


def _zone_of(review: Review, domain_id: str) -> str | None:
    """The zone a placement domain is in: itself if a zone or data centre (or wider: a region), else its
    nearest such ancestor; None for a host, rack or cluster in no stated zone."""
    seen = set()
    cur = domain_id
    while cur in review.domains and cur not in seen:
        seen.add(cur)
        d = review.domains[cur]
        if d.kind in _ZONE_OR_WIDER:
            return cur
        if d.parent is None:
            break
        cur = d.parent
    return None


def _instances_spread(review: Review, comps: list[Component], deadlines: Deadlines, explain: bool = True):
    """At least two instances in at least two zones (replica *i* in ``placement[i mod len]``), and, for one
    component, enough left when the zone holding most of them is lost: ``min_healthy`` of them. Unstated,
    that capacity is not known (partly); a spread the scheduler only prefers (an import's assumed zones,
    tag ``spread:preferred``) is partly at best."""
    n = 0
    for c in comps:
        if c.replicas is None:
            return None
        n += c.replicas
    ev = f"replicas {n}" + (f" across {len(comps)} group members" if len(comps) > 1 else "")
    if n < 2:
        return _ans("not_met", explain, ev)
    if not all(c.placement for c in comps):
        return _ans("partly", explain, ev + "; placement not stated")
    per_zone: dict[str | None, int] = {}
    for c in comps:
        for i in range(max(c.replicas, 0)):
            z = _zone_of(review, c.placement[i % len(c.placement)])
            per_zone[z] = per_zone.get(z, 0) + 1
    if None in per_zone:
        return _ans("partly", explain, lambda: ev + "; placed in " + ", ".join(
            sorted({p for c in comps for p in c.placement})) + ", in no stated zone")
    placed = lambda: ev + "; placed in " + ", ".join(sorted(per_zone))  # noqa: E731
    if len(per_zone) < 2:
        return _ans("not_met", explain, placed)
    if any("spread:preferred" in c.tags for c in comps):
        return _ans("partly", explain, lambda: placed() + " (assumed from a spread the scheduler only prefers: "
                                                          "it may still place them in one zone)")
    if len(comps) > 1:
        return _ans("met", explain, placed)
    c = comps[0]
    if c.min_healthy is None:
        return _ans("partly", explain, lambda: placed() + "; how many must stay up to carry the full load "
                                                          "(min_healthy) is not stated")
    zone, most = max(per_zone.items(), key=lambda kv: (kv[1], kv[0]))
    left = n - most
    if left < c.min_healthy:
        return _ans("not_met", explain, lambda: placed() + f"; losing {zone} leaves {left} of the "
                                                           f"{c.min_healthy} needed")
    return _ans("met", explain, lambda: placed() + f"; losing {zone} leaves {left}, {c.min_healthy} needed")


DECIDERS: dict[str, Decider] = {
    "dependency.timeout": Decider("dependency", _timeout, ("timeout_ms",), needs="timeout_ms"),
    "dependency.retries": Decider("dependency", _retries, ("retries", "backoff", "retry_budget"), needs="retries"),
    "dependency.circuit-breaker": Decider("dependency", _breaker, ("circuit_breaker",), needs="circuit_breaker"),
    "dependency.fallback": Decider("dependency", _fallback, ("fallback",), needs="fallback"),
    "component.rto-rpo": Decider("component", _per_member(_rto_rpo), ("rto_minutes", "rpo_minutes")),
    "component.backup-within-rpo": Decider("component", _per_member(_backup_rpo),
                                           ("rpo_minutes", "backup_interval_minutes")),
    "component.recovery-within-rto": Decider("component", _per_member(_recovery_rto),
                                             ("rto_minutes", "recovery", "failover_minutes")),
    "component.instances-spread": Decider("component", _instances_spread, ("replicas", "placement")),
}


def decide(name: str, review: Review, subject, deadlines: Deadlines, *, explain: bool = True):
    """Run decider ``name`` on ``subject`` (a Dependency, or a list of Components): a
    :class:`ModelAnswer`, or with ``explain=False`` only its status; None when the model
    does not say."""
    return DECIDERS[name].decide(review, subject, deadlines, explain)
