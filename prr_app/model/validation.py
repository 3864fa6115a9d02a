"""Rules a review must satisfy, with precise messages.

``validate(review)`` returns every problem found, each with a JSON-path-like
location (``$.components[cart-db].replicas``) and a message that says what is
wrong and what was expected.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from prr_app.model.dates import is_date
from prr_app.model.entities import (
    DISRUPTION_TYPES,
    AnswerStatus,
    ComponentKind,
    DependencyKind,
    DomainKind,
    Effort,
    MitigationStatus,
    Recovery,
    Review,
    RiskOrigin,
    RiskStatus,
)
from prr_app.errors import ValidationError

#: An id: letters and digits of any script (with their combining marks), ``_ . : / + -``;
#: it starts with a letter, a digit or ``_``, has at most 200 characters, no ``->``, and is in
#: composed form (NFC), so that two ids that look the same are the same.
_ID_PUNCT = "_.:/+-"
_ASCII_ID_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:/+-]{0,199}")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _id_char(ch: str) -> bool:
    return ch in _ID_PUNCT or unicodedata.category(ch)[0] in "LMN"


def is_valid_id(value: str) -> bool:
    if "->" in value:
        return False
    if _ASCII_ID_RE.fullmatch(value):
        return True
    if not value or len(value) > 200 or not unicodedata.is_normalized("NFC", value):
        return False
    first = value[0]
    if not (first == "_" or unicodedata.category(first)[0] in "LN"):
        return False
    return all(_id_char(ch) for ch in value)


def make_id(text: str) -> str:
    """A valid id derived from free text ("Cart DB (primary)" -> "Cart-DB-primary",
    "订单 服务" -> "订单-服务", "ödeme" -> "ödeme"). Letters and digits of every script are
    kept; anything else becomes "-". Distinct texts can still give one id ("a b", "a-b"):
    callers that make ids for many names keep them apart (importers' ``make_unique``)."""
    text = unicodedata.normalize("NFC", text.strip())
    s = "".join(ch if _id_char(ch) else " " for ch in text)
    s = re.sub(r" +", "-", s).strip("-.:/+")
    s = s.replace("->", "-")
    if not s:
        s = "item"
    if not (s[0] == "_" or unicodedata.category(s[0])[0] in "LN"):
        s = "x" + s
    return unicodedata.normalize("NFC", s)[:200]


def _is_date(value: str) -> bool:
    return is_date(value)


def _is_timestamp(value: str) -> bool:
    try:
        stamp = _dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return stamp.tzinfo is not None and "T" in value


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, path: str, value, *, required: bool = False, max_len: int = 20000) -> None:
        if not isinstance(value, str):
            self.add(path, f"expected text, got {type(value).__name__}")
        elif required and not value.strip():
            self.add(path, "must not be empty")
        elif len(value) > max_len:
            self.add(path, f"is {len(value)} characters long; the limit is {max_len}")

    def choice(self, path: str, value, allowed: list[str], *, optional: bool = False) -> None:
        if value is None and optional:
            return
        if value not in allowed:
            self.add(path, f"{value!r} is not one of {', '.join(allowed)}")

    def number(self, path, value, *, lo=None, hi=None, lo_open=False, integer=False, unit="") -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.add(path, f"expected {'a whole number' if integer else 'a number'}, got {value!r}")
            return
        if value != value or value in (float("inf"), float("-inf")):
            self.add(path, f"expected a finite number, got {value!r}")
            return
        u = f" {unit}" if unit else ""
        if lo is not None and (value <= lo if lo_open else value < lo):
            self.add(path, f"{value}{u} is too small; it must be {'above' if lo_open else 'at least'} {lo}{u}")
        if hi is not None and value > hi:
            self.add(path, f"{value}{u} is too large; it must be at most {hi}{u}")

    def percent(self, path, value, *, below_100: bool = False) -> None:
        if value is None:
            return
        self.number(path, value, lo=0, lo_open=True, hi=100)
        if below_100 and isinstance(value, (int, float)) and value == 100:
            self.add(path, "an objective of 100% leaves no error budget; use e.g. 99.99")

    def date(self, path, value, *, optional=True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not _is_date(value):
            self.add(path, f"{value!r} is not a date in the form YYYY-MM-DD")

    def timestamp(self, path, value, *, optional=True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not _is_timestamp(value):
            self.add(path, f"{value!r} is not a date and time with a time zone (e.g. 2026-03-01T14:30:00Z)")

    def ident(self, path, value) -> bool:
        if not isinstance(value, str) or not is_valid_id(value):
            self.add(
                path,
                f"{value!r} is not a valid id (letters and digits of any script, _ . : / + -, "
                "starting with a letter, digit or _, at most 200 characters, no '->', "
                "in composed Unicode form)",
            )
            return False
        return True

    def refs(self, path, values, known, what: str, *, repeats: bool = False) -> None:
        seen = set()
        for i, v in enumerate(values):
            if v in seen and not repeats:
                self.add(f"{path}[{i}]", f"{v!r} is listed twice")
            seen.add(v)
            if v not in known:
                self.add(f"{path}[{i}]", f"unknown {what} {v!r}")


#: What a resilience policy may name: a disruption type or a failure domain kind.
POLICY_TERMS = frozenset(DISRUPTION_TYPES) | {k.value for k in DomainKind}


def _check_policy(c, pol) -> None:
    if not isinstance(pol.survive, list):
        c.add("$.resilience_policy.survive", "expected a list of disruption types")
        return
    seen = set()
    for i, t in enumerate(pol.survive):
        if t not in POLICY_TERMS:
            c.add(f"$.resilience_policy.survive[{i}]", f"unknown disruption type {t!r}; use one of "
                  + ", ".join(sorted(POLICY_TERMS)))
        elif t in seen:
            c.add(f"$.resilience_policy.survive[{i}]", f"{t!r} listed twice")
        seen.add(t)
    for name in ("rto_minutes", "rpo_minutes"):
        for k, v in getattr(pol, name).items():
            if k not in POLICY_TERMS:
                c.add(f"$.resilience_policy.{name}.{k}", f"unknown disruption type {k!r}")
            c.number(f"$.resilience_policy.{name}.{k}", v, lo=0, unit="min")


def member_calls_group(review: Review, gid: str, member: str) -> str:
    """Why ``member`` cannot be a member of redundancy group ``gid`` ("" if it can): a component that
    calls the group (hard or soft) would need itself to be up, and its own failure would never be seen
    as the group's (a caller that joins the group it calls hides every SPOF behind it)."""
    dep = review.dependencies.get(f"{member}->{gid}")
    if dep is None or dep.kind == DependencyKind.ASYNC.value:
        return ""
    return (f"{member} calls redundancy group {gid} ({dep.kind}, {member}->{gid}), so it cannot be a member of it: "
            f"remove the call or the member")


def validate(review: Review) -> list[Problem]:
    """All problems in ``review``; an empty list means it is valid."""
    c = _Checker()
    m = review.meta
    c.text("$.review.system_name", m.system_name, required=True, max_len=200)
    c.text("$.review.description", m.description)
    for i, r in enumerate(m.reviewers):
        c.text(f"$.review.reviewers[{i}]", r, required=True, max_len=200)
    c.date("$.review.review_date", m.review_date)
    c.date("$.review.target_launch", m.target_launch)
    c.text("$.review.milestone", m.milestone, max_len=200)
    c.number("$.review.tier", m.tier, lo=1, hi=3, integer=True)
    if review.policy is not None:
        _check_policy(c, review.policy)

    # One namespace for every element that can be referenced or failed.
    owners: dict[str, str] = {}
    for coll_name, coll in (
        ("components", review.components),
        ("redundancy_groups", review.groups),
        ("failure_domains", review.domains),
        ("journeys", review.journeys),
    ):
        for key, obj in coll.items():
            path = f"$.{coll_name}[{key}]"
            if obj.id != key:
                c.add(f"{path}.id", f"id {obj.id!r} does not match its key {key!r}")
            if not c.ident(f"{path}.id", obj.id):
                continue
            if obj.id in owners:
                c.add(f"{path}.id", f"duplicate id {obj.id!r}: already used by {owners[obj.id]}")
            else:
                owners[obj.id] = coll_name.rstrip("s").replace("_", " ")

    kinds = ComponentKind.values()
    recoveries = Recovery.values()
    domains = review.domains
    quick_kinds = frozenset(kinds)
    quick_recoveries = frozenset(recoveries)
    for cid, comp in review.components.items():
        if _component_ok(comp, domains, quick_kinds, quick_recoveries):
            continue  # the common case: nothing to report (the checks below would add nothing)
        p = f"$.components[{cid}]"
        c.text(f"{p}.name", comp.name, max_len=500)
        c.choice(f"{p}.kind", comp.kind, kinds)
        c.number(f"{p}.tier", comp.tier, lo=1, hi=3, integer=True)
        c.number(f"{p}.replicas", comp.replicas, lo=1, hi=100000, integer=True)
        c.number(f"{p}.min_healthy", comp.min_healthy, lo=1, integer=True)
        if (
            isinstance(comp.min_healthy, int)
            and isinstance(comp.replicas, int)
            and comp.min_healthy > comp.replicas
        ):
            c.add(
                f"{p}.min_healthy",
                f"needs {comp.min_healthy} healthy instances but has only {comp.replicas} replica{'' if comp.replicas == 1 else 's'}",
            )
        elif (
            isinstance(comp.min_healthy, int)
            and not isinstance(comp.min_healthy, bool)
            and comp.replicas is None
            and comp.min_healthy > 1
        ):  # an unstated replica count is taken as 1 instance, which can never give k > 1 healthy ones
            c.add(
                f"{p}.min_healthy",
                f"needs {comp.min_healthy} healthy instances but the replica count is not stated "
                f"(taken as 1): state replicas (at least {comp.min_healthy}) or lower min_healthy",
            )
        # repeats are meaningful: instances go round-robin over the list
        c.refs(f"{p}.placement", comp.placement, review.domains, "failure domain", repeats=True)
        c.refs(f"{p}.shared_domains", comp.shared_domains, review.domains, "failure domain")
        c.percent(f"{p}.availability", comp.availability)
        c.percent(f"{p}.slo", comp.slo, below_100=True)
        for f in ("rto_minutes", "rpo_minutes", "failover_minutes", "backup_interval_minutes"):
            c.number(f"{p}.{f}", getattr(comp, f), lo=0, unit="min")
        c.choice(f"{p}.recovery", comp.recovery, recoveries, optional=True)
        for i, t in enumerate(comp.tags):
            c.text(f"{p}.tags[{i}]", t, required=True, max_len=100)

    targets = set(review.components) | set(review.groups)
    components = review.components
    dep_kinds = DependencyKind.values()
    quick_dep_kinds = frozenset(dep_kinds)
    for did, dep in review.dependencies.items():
        if _dependency_ok(did, dep, components, targets, quick_dep_kinds):
            continue
        p = f"$.dependencies[{did}]"
        if dep.id != did:
            c.add(p, f"key does not match {dep.id!r}")
        if dep.source not in review.components:
            c.add(f"{p}.source", f"unknown component {dep.source!r}")
        if dep.target not in targets:
            c.add(f"{p}.target", f"unknown component or redundancy group {dep.target!r}")
        if dep.source == dep.target:
            c.add(f"{p}.target", f"{dep.source!r} cannot depend on itself")
        c.choice(f"{p}.kind", dep.kind, dep_kinds)
        c.number(f"{p}.timeout_ms", dep.timeout_ms, lo=0, integer=True, unit="ms")
        c.number(f"{p}.retries", dep.retries, lo=0, hi=1000, integer=True)
        if dep.fallback is not None:
            c.text(f"{p}.fallback", dep.fallback, max_len=2000)
        if type(dep.kind_stated) is not bool:
            c.add(f"{p}.kind_stated", f"expected true or false, got {dep.kind_stated!r}"[:200])

    for gid, grp in review.groups.items():
        p = f"$.redundancy_groups[{gid}]"
        if not grp.members:
            c.add(f"{p}.members", "a redundancy group needs at least one member")
        groups_named = [m for m in grp.members if m in review.groups and m not in review.components]
        if groups_named:  # said so, not "unknown component"
            for i, m in enumerate(grp.members):
                if m in groups_named:
                    c.add(f"{p}.members[{i}]", f"{m!r} is a redundancy group: a group's members are components "
                                               "(a group cannot hold a group; list its members instead)")
        c.refs(f"{p}.members", grp.members,
               {**review.components, **dict.fromkeys(groups_named)} if groups_named else review.components, "component")
        c.number(f"{p}.min_up", grp.min_up, lo=1, integer=True)
        if isinstance(grp.min_up, int) and grp.members and grp.min_up > len(grp.members):
            c.add(f"{p}.min_up", f"needs {grp.min_up} members up but has only {len(grp.members)}")
        for i, m in enumerate(grp.members):
            problem = member_calls_group(review, gid, m)
            if problem:
                c.add(f"{p}.members[{i}]", problem)

    for did, dom in review.domains.items():
        p = f"$.failure_domains[{did}]"
        c.choice(f"{p}.kind", dom.kind, DomainKind.values())
        c.percent(f"{p}.availability", dom.availability)
        if dom.parent is not None and dom.parent not in review.domains:
            c.add(f"{p}.parent", f"unknown failure domain {dom.parent!r}")
    for cycle in _domain_cycles(review):
        c.add(
            f"$.failure_domains[{cycle[0]}].parent",
            "the domain hierarchy has a cycle: " + " -> ".join(cycle + [cycle[0]]),
        )

    for jid, j in review.journeys.items():
        p = f"$.journeys[{jid}]"
        c.refs(f"{p}.entry", j.entry, targets, "component or redundancy group")
        c.percent(f"{p}.slo", j.slo, below_100=True)

    statuses = AnswerStatus.values()
    for key, a in review.answers.items():
        p = f"$.checklist.answers[{key}]"
        if not isinstance(a.item, str) or not a.item.strip():
            c.add(f"{p}.item", "an answer needs an item id")
        c.choice(f"{p}.status", a.status, statuses)
        if a.status == AnswerStatus.NOT_APPLICABLE and not a.reason.strip():
            c.add(f"{p}.reason", "'not applicable' needs a reason")
        c.date(f"{p}.due", a.due)
        c.timestamp(f"{p}.changed_at", a.changed_at)
        for i, h in enumerate(a.history):
            c.timestamp(f"{p}.history[{i}].at", h.at, optional=False)
            c.choice(f"{p}.history[{i}].status", h.status, statuses)

    for key, pr in review.proposals.items():
        p = f"$.checklist.proposals[{key}]"
        if pr.item != key:
            c.add(f"{p}.item", f"the proposal is kept under {key!r} but proposes for {pr.item!r}")
        c.choice(f"{p}.status", pr.status, ("met", "partly", "not_met"))
        c.timestamp(f"{p}.rejected_at", pr.rejected_at)

    for rid, r in review.risks.items():
        p = f"$.risks[{rid}]"
        if not isinstance(r.id, str) or not r.id.strip() or len(r.id) > 300:
            c.add(f"{p}.id", "a risk needs an id of at most 300 characters")
        c.choice(f"{p}.origin", r.origin, RiskOrigin.values())
        c.choice(f"{p}.status", r.status, RiskStatus.values())
        if r.origin == RiskOrigin.MANUAL:
            c.text(f"{p}.title", r.title, required=True, max_len=500)
            for f in ("likelihood", "impact"):
                if getattr(r, f) is None:
                    c.add(f"{p}.{f}", "a manual risk needs a likelihood and an impact from 1 to 5")
        for f in ("likelihood", "impact", "override_likelihood", "override_impact"):
            c.number(f"{p}.{f}", getattr(r, f), lo=1, hi=5, integer=True)
        if (r.override_likelihood is not None or r.override_impact is not None) and not r.override_reason.strip():
            c.add(f"{p}.override_reason", "overriding a score needs a written reason")
        c.refs(f"{p}.components", r.components, review.components, "component")
        if r.acceptance is not None:
            ap = f"{p}.acceptance"
            c.text(f"{ap}.by", r.acceptance.by, required=True, max_len=200)
            c.text(f"{ap}.reason", r.acceptance.reason, required=True)
            c.date(f"{ap}.at", r.acceptance.at, optional=False)
            c.date(f"{ap}.until", r.acceptance.until)
            if r.acceptance.until and r.acceptance.at and r.acceptance.until < r.acceptance.at:
                c.add(f"{ap}.until", "an acceptance cannot end before it was given")

    for mid, mt in review.mitigations.items():
        p = f"$.mitigations[{mid}]"
        c.ident(f"{p}.id", mt.id)
        c.text(f"{p}.title", mt.title, required=True, max_len=500)
        c.choice(f"{p}.status", mt.status, MitigationStatus.values())
        c.choice(f"{p}.effort", mt.effort, Effort.values(), optional=True)
        c.date(f"{p}.due", mt.due)
        c.refs(f"{p}.risks", mt.risks, review.risks, "risk")

    for key, pos in review.layout.items():
        if key not in owners:
            c.add(f"$.layout[{key}]", f"position for unknown element {key!r}")
        c.number(f"$.layout[{key}].x", pos.x, lo=-1e9, hi=1e9)
        c.number(f"$.layout[{key}].y", pos.y, lo=-1e9, hi=1e9)

    for iid, rec in review.imports.items():
        c.timestamp(f"$.imports[{iid}].at", rec.at, optional=False)
    return c.problems



# -- fast paths: the common valid case ------------------------------------------
# Each says whether the full checks of one element would report nothing. They accept
# only values of the exact types the checks accept (``type(v) is int`` leaves out bools
# and int subclasses); anything else, even if valid, goes through the full checks, which
# write the messages. So they change the speed, never the problems found.

_INF = float("inf")


def _whole(v, lo: int, hi: int | None) -> bool:
    """``v`` is None or an int in [lo, hi] (hi None: no upper bound)."""
    return v is None or (type(v) is int and v >= lo and (hi is None or v <= hi))


def _pct_ok(v, below_100: bool) -> bool:
    """``v`` is None or a finite number in (0, 100] (or (0, 100) with ``below_100``)."""
    if v is None:
        return True
    t = type(v)
    if t is not float and t is not int:
        return False
    return 0 < v < 100 if below_100 else 0 < v <= 100  # NaN compares false


def _minutes_ok(v) -> bool:
    if v is None:
        return True
    t = type(v)
    return (t is float or t is int) and 0 <= v < _INF


def _component_ok(comp, domains, kinds, recoveries) -> bool:
    try:
        return _component_ok_unguarded(comp, domains, kinds, recoveries)
    except TypeError:  # an unhashable value where an id or a choice belongs: the full checks say so
        return False


def _component_ok_unguarded(comp, domains, kinds, recoveries) -> bool:
    name = comp.name
    if type(name) is not str or len(name) > 500 or comp.kind not in kinds:
        return False
    replicas, k = comp.replicas, comp.min_healthy
    if not (_whole(comp.tier, 1, 3) and _whole(replicas, 1, 100000) and _whole(k, 1, None)):
        return False
    if k is not None and k > (1 if replicas is None else replicas):  # unstated replicas: 1 instance
        return False
    for d in comp.placement:
        if d not in domains:
            return False
    shared = comp.shared_domains
    if shared:
        if len(set(shared)) != len(shared):
            return False
        for d in shared:
            if d not in domains:
                return False
    if not (_pct_ok(comp.availability, False) and _pct_ok(comp.slo, True)):
        return False
    if not (_minutes_ok(comp.rto_minutes) and _minutes_ok(comp.rpo_minutes)
            and _minutes_ok(comp.failover_minutes) and _minutes_ok(comp.backup_interval_minutes)):
        return False
    rec = comp.recovery
    if rec is not None and rec not in recoveries:
        return False
    for t in comp.tags:
        if type(t) is not str or not t.strip() or len(t) > 100:
            return False
    return True


def _dependency_ok(did, dep, components, targets, kinds) -> bool:
    try:
        return _dependency_ok_unguarded(did, dep, components, targets, kinds)
    except TypeError:
        return False


def _dependency_ok_unguarded(did, dep, components, targets, kinds) -> bool:
    source, target = dep.source, dep.target
    if source not in components or target not in targets or source == target or dep.kind not in kinds:
        return False
    if type(source) is not str or type(target) is not str or did != f"{source}->{target}":
        return False
    if not (_whole(dep.timeout_ms, 0, None) and _whole(dep.retries, 0, 1000)):
        return False
    if type(dep.kind_stated) is not bool:
        return False
    fb = dep.fallback
    return fb is None or (type(fb) is str and len(fb) <= 2000)

def _domain_cycles(review: Review) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in sorted(review.domains):
        path: list[str] = []
        cur: str | None = start
        while cur is not None and cur in review.domains and state.get(cur) is None:
            state[cur] = 1
            path.append(cur)
            cur = review.domains[cur].parent
        if cur is not None and state.get(cur) == 1:
            cycles.append(path[path.index(cur):])
        for d in path:
            state[d] = 2
    return cycles


def check(review: Review, *, file: str | None = None) -> Review:
    """Raise :class:`ValidationError` listing every problem, or return the review."""
    problems = validate(review)
    if problems:
        raise ValidationError(problems, file=file)
    return review
