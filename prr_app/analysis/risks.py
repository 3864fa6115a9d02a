"""The scored risk register and the verdict (docs/analysis.md, "Scoring", "Verdict").

Every finding becomes a risk with a stable id, a likelihood and an impact
from 1 to 5, score = likelihood x impact, a severity band, a launch-blocking
flag with the rule that set it, the components it concerns, a concrete
mitigation (with its kind and effort), an owner and the inputs behind each
number. One root cause is one risk: what one fix resolves is folded into one
line (a component's instance and component failure; SLOs whose largest
consumer is the same element), the folded ids kept as ``aliases``.

The reviewer's decisions stored in the review (risks with ``origin ==
"computed"`` and the same id, or an alias) are applied on top: score
overrides with their reason, launch-blocking with its reason, owner, status,
acceptance. A decision on a risk that is the sum of its parts
(:data:`SUMS_OF_PARTS`) follows those parts when it splits, all but a score
override. Manual risks are added as they were entered and ranked by their
score like any other.

Ranking (docs/analysis.md, "Ranking"): launch blockers first, then by score, then by impact; risks
of the same standing are ordered by what they cut users off from (:func:`reach_key`), then by id.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from operator import attrgetter
from dataclasses import dataclass

import networkx as nx

from prr_app.analysis.compiled import DEP_ID, DEP_KIND, DEP_TARGET_COMP, ThinDiGraph, condensation
from prr_app.analysis.chains import CHAIN_HEAD
from prr_app.analysis.quorum import is_quorum, quorum_fix, quorum_fix_text
from prr_app.analysis.findings import (STATEFUL_KINDS, evidence_gap_risk, journey_without_entry_risk,
                                       journeys_without_entries)
from prr_app.model.entities import CLIENT, dependency_id
from prr_app.wording import (ceiling_text, count, domain_failure, domain_kind_noun, domain_name, listed, stated,
                             still_found, with_article)

SEVERITY_BANDS = (("critical", 20), ("high", 10), ("medium", 5), ("low", 1))

#: How often a failure domain of each kind fails on its own (1 rare .. 5 frequent).
DOMAIN_LIKELIHOOD = {
    "host": 4, "rack": 3, "cluster": 3, "config": 3, "pipeline": 3, "certificate": 3,
    "zone": 2, "datacenter": 2, "account": 2, "network": 2, "other": 2,
    "region": 1, "provider": 1,
}

#: The policy's disruption type a failure of a domain of each physical kind counts as; a logical
#: shared-fate domain (cluster, config, pipeline...) fails like software: "component". A policy may
#: also name a domain kind itself.
DOMAIN_DISRUPTION = {
    "host": "instance", "rack": "instance", "zone": "zone", "datacenter": "zone",
    "region": "region", "provider": "provider",
}

#: Component kinds run by someone else (their instances are not ours to add).
EXTERNAL_KINDS = frozenset({"external_api"})
#: Kinds that are usually a managed service when nothing says where they run.
MANAGED_KINDS = frozenset({"identity", "dns", "cdn"})
#: Tags that mark a component as a vendor's service.
VENDOR_TAGS = frozenset({"external", "saas", "vendor", "third-party", "thirdparty", "managed"})
#: How a SPOF's blocking reason calls what it takes down when no component is marked user-facing (every
#: entry point guessed), and the words for entry points guessed in the parts of the review where none
#: is (docs/analysis.md, section 1): the verdict words its sentence from the reasons of its blockers.
ALL_GUESSED = "(no component is marked user-facing: taken as tier-1 user-facing)"
PART_GUESSED = "guessed where no component is marked user-facing"

#: Effort of each kind of mitigation: (size, working days, what it is). docs/analysis.md states this table.
EFFORT = {
    "second-instance": ("small", 2, "run a second instance of a component (replica, pod, VM)"),
    "second-host": ("medium", 5, "a second host, and a second instance of each component on it"),
    "standby-failover": ("medium", 10, "a standby of a datastore, cache or queue with automatic failover"),
    "zone-spread": ("medium", 5, "spread instances across zones (or another named domain)"),
    "independent-deployment": ("large", 15, "an independent second deployment in a redundancy group"),
    "fallback": ("medium", 5, "a fallback in the caller: cached or default answer, degraded mode"),
    "circuit-breaker": ("small", 2, "timeouts and a circuit breaker on calls"),
    "retry-policy": ("small", 2, "exponential backoff with jitter and a retry budget"),
    "second-vendor": ("large", 20, "a second vendor behind a redundancy group, or a vendor fallback"),
    "shared-fate": ("large", 15, "remove a logical shared fate (second cluster, account, pipeline...)"),
    "second-region": ("large", 30, "run in a second region"),
    "second-provider": ("large", 60, "run on a second provider"),
    "datastore-protection": ("medium", 5, "per-client limits, a cache or read replicas before a shared store"),
    "shorten-chain": ("medium", 10, "make a call asynchronous or cached to shorten a synchronous chain"),
    "staged-rollout": ("medium", 5, "release software on users' devices in stages, with a kill switch"),
    "define-slo": ("small", 1, "agree on and record an SLO"),
    "define-journeys": ("small", 2, "name the user journeys and their entry points"),
    "answer-checklist-item": ("small", 1, "answer a blocker checklist item with evidence"),
    "meet-checklist-item": ("medium", 5, "meet a blocker checklist item answered not met or partly"),
    # readiness evidence (docs/checklist.md, "Answers proposed from evidence")
    "disruption-budget": ("small", 1, "a PodDisruptionBudget that lets one instance go at a time (with two or more replicas)"),
    "health-probes": ("small", 2, "a readiness probe that fails while it cannot serve and a separate liveness probe"),
}
#: Days for a reviewer's own mitigation by its stated effort.
EFFORT_DAYS = {"small": 2, "medium": 5, "large": 15}


def effort_of(kind: str) -> dict:
    size, days, what = EFFORT[kind]
    return {"kind": kind, "size": size, "days": days, "what": what}


#: One ``effort`` per kind, shared by the risks of that kind (never modified: a reviewer's effort
#: replaces it, :meth:`RiskRegister._decide`).
_EFFORT_OF = {kind: effort_of(kind) for kind in EFFORT}


@dataclass(slots=True, eq=False)
class Risk(Mapping):
    """One line of the register: the JSON object ``schemas/analysis.schema.json`` describes, with
    its keys as attributes in the document's order (orjson writes it as it is, without a dict).

    It reads as a read-only mapping too (``risk["title"]``, ``risk.get("accepted")``), as the
    document's object does: a sequence is given as a list, a copy. The sequences are kept as
    tuples, and the ``effort`` of a kind is shared between risks: a register of 10,000 risks is
    10,000 objects for the garbage collector to walk, not 110,000 dicts and lists. :meth:`to_dict`
    gives a plain dict."""

    id: str
    title: str
    description: str
    category: str
    origin: str
    likelihood: int
    impact: int
    computed_likelihood: int
    computed_impact: int
    score: int
    severity: str
    launch_blocking: bool
    blocking_rule: bool
    blocking_reason: str
    policy_required: bool
    disruptions: tuple
    components: tuple
    domains: tuple
    mitigation: str
    effort: dict | None
    fix_component: str | None
    chain: tuple
    inputs: tuple
    status: str = "open"
    owner: str = ""
    owner_source: str = ""
    accepted: dict | None = None
    acceptance_expired: bool = False
    acceptance_before_launch: bool = False
    override: dict | None = None
    mitigations: tuple = ()
    causes: tuple = ()
    aliases: tuple = ()
    #: the journeys it is about (taken down, or whose SLO it concerns)
    journeys: tuple = ()
    finding: str = ""
    rank: int = 0

    def __getitem__(self, key: str):
        try:
            get = _GETTERS[key]
        except KeyError:
            raise KeyError(key) from None
        return get(self)

    def get(self, key: str, default=None):
        get = _GETTERS.get(key)
        return default if get is None else get(self)

    def __iter__(self):
        return iter(RISK_KEYS)

    def __len__(self) -> int:
        return len(RISK_KEYS)

    def to_dict(self) -> dict:
        """The risk as plain JSON-able data (lists and dicts of its own)."""
        out = {}
        for k in RISK_KEYS:
            v = getattr(self, k)
            if type(v) is tuple:
                v = [dict(x) if type(x) is dict else x for x in v]
            elif type(v) is dict:
                v = dict(v)
            out[k] = v
        return out


#: The keys of a risk in the document, in order.
RISK_KEYS = tuple(Risk.__dataclass_fields__)


def _getter(key: str):
    """How ``risk[key]`` reads a field: its slot, a sequence as a list (a copy)."""
    slot = Risk.__dict__[key].__get__
    if Risk.__dataclass_fields__[key].type == "tuple":
        return lambda r: list(slot(r))
    return slot


_GETTERS = {key: _getter(key) for key in RISK_KEYS}


#: The risks that are the sum of their parts: findings ``<id>:<part>`` that share one fix are one
#: risk ``<id>`` holding them as its aliases (in a review where no hard call states a timeout or a
#: breaker, ``cascade:no-timeout`` holds ``cascade:no-timeout:<component>``, one per caller). Once
#: the grouping no longer holds (one call states a timeout), the sum *splits*: each part is a risk of
#: its own, and the whole is gone without being fixed. Every other risk that folds findings in
#: (a component SPOF its instance SPOF, a domain SPOF the common causes it makes, a SPOF the SLOs
#: it decides, the deep chains that end in one call) has a root cause of its own: fixing that
#: resolves it, and what it held stands alone, *separated*, decided afresh (docs/analysis.md,
#: "Reviewer decisions").
NO_TIMEOUT = "cascade:no-timeout"
SUMS_OF_PARTS = frozenset({NO_TIMEOUT})


def split_part_of(rid: str, whole: str) -> bool:
    """Is the risk ``rid`` one of the parts the sum of parts ``whole`` splits into
    (``cascade:no-timeout:carts`` of ``cascade:no-timeout``)? The one rule of a split: the register
    carries the reviewer's decisions on a whole that split to its parts with it, and a register
    change (``prr diff``, ``prr plan``: ``review.diff.risk_lineage``) is read with it."""
    return whole in SUMS_OF_PARTS and len(rid) > len(whole) + 1 and rid.startswith(whole + ":")


def severity(score: int) -> str:
    for name, low in SEVERITY_BANDS:
        if score >= low:
            return name
    return "low"


def _clamp(x: int) -> int:
    if type(x) is int and 1 <= x <= 5:  # the usual case
        return x
    return max(1, min(5, int(x)))


#: severity(score) for every score a risk can have (1..25)
_SEVERITY = [severity(max(i, 1)) for i in range(26)]

# inputs and disruptions many risks share (tuples: never modified, a changed risk gets a new one)
_NO_AVAILABILITY = ("likelihood 3: a component failure (bad deploy, config, overload); availability not stated",)
_COMPONENT_DISRUPTION = ("disruption type: component",)
_INSTANCE_FOLDED = ("disruption type: instance (same root cause: folded into this risk)",)
_COMPONENT = ("component",)
_COMPONENT_AND_INSTANCE = ("component", "instance")


def _pct(x: float | None) -> str:
    return "not stated" if x is None else f"{x:.12g} %"  # as stated: 99.99996 is not 100 (":g" keeps 6 digits)


def _at_most(bound: float) -> str:
    """An upper bound to 4 decimals, rounded down: "lower the SLO to at most 99.8999 %" must name an
    SLO that is then met (99.89996 rounded to 99.9000 would name the one that is not)."""
    return f"{math.floor(round(bound * 10_000, 6)) / 10_000:.4f}"


def _list(names: list[str], limit: int = 6, total: int | None = None) -> str:
    """Every name up to ``limit``, then how many more; ``total``: how many there are when ``names``
    holds only the first of them."""
    return listed(names, limit, total)


def _impact_level(hits: dict, crit: list[str], t1: tuple[list[str], int]) -> int:
    """The impact (1 to 5) of a failure that hits ``hits`` and takes down the critical journeys
    ``crit`` and the tier-1 user-facing components ``t1``, before the failed component's own gaps
    (docs/analysis.md, "Scoring")."""
    if crit or t1[1]:
        return 5
    if hits["journeys"] or hits["user_facing_down_count"]:
        return 4
    if hits["journeys_degraded"] or hits["user_facing_degraded_count"]:
        return 3
    return 2 if hits["down_count"] > 1 else 1


def _hit_text(hits: dict, uf: str, guessed: bool | None = False) -> str:
    """What a failure takes down, in words: the journeys, then the user-facing components (``uf``,
    :func:`_list` of them); ``guessed``: these are entry points the analysis took where no component
    is marked user-facing (docs/analysis.md), called so; None: some of them are
    (:meth:`Context.guessed_kind`)."""
    journeys = hits["journeys"]
    if not hits["user_facing_down"]:
        return "journeys " + _list(journeys, 5) if journeys else ("entry points" if guessed else "user-facing components")
    if guessed:
        text = ("entry points " if hits["user_facing_down_count"] > 1 else "entry point ") + uf
    elif guessed is None:
        text = "user-facing components and entry points " + uf
    else:
        text = "user-facing " + uf
    return "journeys " + _list(journeys, 5) + " and " + text if journeys else text


def _own_gaps(imp: int, inputs: tuple[str, ...], comp) -> tuple[int, tuple[str, ...]]:
    """The impact of a component's failure raised for its own gaps: no alerts or metrics (a failure
    is detected late), no recovery mechanism."""
    obs = comp.observability
    if (obs.alerts is False or obs.metrics is False) and imp < 5:
        gaps = [s for s in ("alerts", "metrics") if getattr(obs, s) is False]
        imp += 1
        inputs += (f"impact +1: {comp.id} has no {' and no '.join(gaps)}: a failure is detected late",)
    if comp.recovery == "none" and imp < 5:
        imp += 1
        inputs += (f"impact +1: {comp.id} has no recovery mechanism",)
    return imp, inputs


def _component_likelihood(comp) -> tuple[int, tuple[str, ...]]:
    """How likely a component fails as a whole, from its availability figure."""
    a = comp.availability
    if a is None:
        return 3, _NO_AVAILABILITY
    if a >= 99.99:
        lk = 2
    elif a >= 99.9:
        lk = 3
    elif a >= 99.0:
        lk = 4
    else:
        lk = 5
    return lk, (f"likelihood {lk}: component failure; {comp.id} availability {_pct(a)}",)


def _instance_likelihood(comp, n: int, k: int) -> tuple[int, tuple[str, ...]]:
    """How likely one instance of a component fails (it runs ``n`` and needs ``k``)."""
    if comp.recovery == "automatic":
        return 3, (f"likelihood 3: one instance dies routinely, recovery is automatic; {comp.id} needs {k} of {n}",)
    return 4, (f"likelihood 4: one instance (pod, VM, host) dies routinely; {comp.id} needs {k} of {n}",)


def _resolves(a: dict, consumer: dict) -> bool:
    """Would the SLO of availability result ``a`` be attainable if ``consumer`` (one of its top consumers)
    never failed? Its cost is what the target's figure gains then, in percentage points."""
    gain = consumer.get("unavailability_cost")
    return gain is not None and a["estimate"] + gain >= a["slo"] - 1e-9


def reached_only_through(out: list[list[int]], entries, cond=None) -> tuple[list[int], list[int]]:
    """``(size, parent)``: for every component, how many components the users reach only through it
    (``size``) and its immediate dominator (``parent``, -1 for an entry or a component no entry
    reaches). ``size`` is its subtree in the dominator tree of the dependency graph ``out`` entered
    from every one of ``entries`` (user-facing components and journeys' entry points) at once, itself
    included; 0 for a component no entry reaches.

    The front-end gateway every request passes through counts the whole system behind it; a
    datastore called by one service counts itself.

    ``networkx.immediate_dominators`` iterates over every node until nothing changes: three passes
    over the 10,000 nodes of an import with a cycle (0.1-0.17 s). It is asked of the part of the
    graph from which a cycle can be reached; the rest (on that import, 6,400 components: what the
    cycles call, and the calls below them) lies on no path to that part, and without a cycle the
    dominator equations are solved in one pass down the condensation: a component's immediate
    dominator is the nearest common dominator of its callers (Cooper, Harvey and Kennedy's
    ``intersect``, on depths). ``networkx.immediate_dominators`` on the whole graph is the oracle
    of this in the tests (tests/test_risks.py), with the definition by removal.

    ``cond``: the :func:`~prr_app.analysis.compiled.condensation` of ``out`` if already made.
    """
    n = len(out)
    root = n  # a virtual client that calls every entry
    entries = sorted(set(entries))
    if not entries:
        return [0] * n, [-1] * n
    if cond is None:
        cond = condensation(n, out)
    mapping, members, succ = cond.mapping, cond.members, cond.succ
    ns = len(members)
    # free[s]: no cycle below strongly connected group s (numbered sinks first: its successors are done)
    free = bytearray(ns)
    for s in range(ns):
        if len(members[s]) == 1 and all(free[t] for t in succ[s]):
            free[s] = 1
    graph = ThinDiGraph()
    graph.add_node(root)
    graph.add_edges_from((u, v) for u in range(n) if not free[mapping[u]] for v in out[u] if not free[mapping[v]])
    graph.add_edges_from((root, e) for e in entries if not free[mapping[e]])
    idom = nx.immediate_dominators(graph, root)
    idom[root] = root
    depth = {root: 0}
    for v in _tree_order(idom, root)[1:]:
        depth[v] = depth[idom[v]] + 1
    # the free components, callers first (upstream: the higher groups first)
    callers: dict[int, list[int]] = {}
    for u in range(n):
        for v in out[u]:
            if free[mapping[v]] and u != v:
                callers.setdefault(v, []).append(u)
    for e in entries:
        if free[mapping[e]]:
            callers.setdefault(e, []).append(root)
    for s in range(ns - 1, -1, -1):
        if not free[s]:
            continue
        v = members[s][0]
        d = -1
        for u in callers.get(v, ()):
            if u not in depth:  # a caller no entry reaches
                continue
            if d == -1:
                d = u
                continue
            while u != d:  # the nearest common dominator of u and d
                if depth[u] >= depth[d]:
                    u = idom[u]
                else:
                    d = idom[d]
        if d != -1:
            idom[v] = d
            depth[v] = depth[d] + 1
    size = [0] * (n + 1)
    for v in reversed(_tree_order(idom, root)):
        size[v] += 1
        if v != root:
            size[idom[v]] += size[v]
    parent = [-1] * n
    for v, d in idom.items():
        if v != root and d != root:
            parent[v] = d
    return size[:n], parent


def _tree_order(idom: dict, root: int) -> list[int]:
    """The nodes of the dominator tree ``idom`` (``idom[root]`` is root itself), parents before children."""
    children: dict[int, list[int]] = {}
    for v, d in idom.items():
        if v != root:
            children.setdefault(d, []).append(v)
    order = [root]
    for v in order:
        order.extend(children.get(v, ()))
    return order


def reach_key(critical_journeys: int, journeys: int, user_facing: int, only_through: int, down: int) -> tuple:
    """The tie-break between risks of the same standing (launch blocking, score, impact), larger
    first: critical journeys taken down, journeys taken down, user-facing components taken down,
    components the users reach only through the failed element (:func:`reached_only_through`), then
    components taken down. Risks that take nothing down (not SPOFs) tie at zero."""
    return (-critical_journeys, -journeys, -user_facing, -only_through, -down)


NO_REACH = reach_key(0, 0, 0, 0, 0)


def is_external(comp) -> bool:
    """Is ``comp`` a vendor's service (an external API, SaaS, or a managed identity/DNS/CDN)?"""
    if comp.kind in EXTERNAL_KINDS or (comp.tags and VENDOR_TAGS & {t.lower() for t in comp.tags}):
        return True
    return comp.kind in MANAGED_KINDS and not comp.placement and not comp.shared_domains


def policy_requires(policy, disruption: str, domain_kind: str | None = None) -> bool:
    """Must the service survive this disruption under ``policy``? ``disruption`` is "instance",
    "component" or "domain" (then ``domain_kind`` says which)."""
    survive = set(policy.survive)
    if disruption != "domain":
        return disruption in survive
    if domain_kind in survive:
        return True
    return DOMAIN_DISRUPTION.get(domain_kind, "component") in survive


#: the recovery time of a component that states no recovery mechanism (``recovery: none``): it
#: exceeds every RTO
_NEVER = float("inf")


def _objectives(minutes: Mapping) -> dict:
    """The policy's RTOs or RPOs (``rto_minutes`` / ``rpo_minutes``) that are numbers."""
    return {t: m for t, m in (minutes or {}).items() if isinstance(m, (int, float)) and not isinstance(m, bool)}


def _recovery_time(comp) -> tuple[float | None, str]:
    """How long ``comp`` takes to recover, and where that figure comes from, in words: a stated
    ``recovery: none`` never recovers (:data:`_NEVER`); else ``failover_minutes``; else, for a manual
    recovery, its own ``rto_minutes`` (the best it promises); else not known (None)."""
    if comp.recovery == "none":
        return _NEVER, "it states no recovery mechanism (recovery: none)"
    took = comp.failover_minutes
    if took is not None:
        return took, f"its {'manual ' if comp.recovery == 'manual' else ''}failover takes {stated(took)} min"
    if comp.recovery == "manual" and comp.rto_minutes is not None:
        return comp.rto_minutes, f"it recovers manually, in {stated(comp.rto_minutes)} min at best (its RTO)"
    return None, ""


def _data_loss(comp, review) -> tuple[float | None, str]:
    """How much data (minutes of writes) ``comp`` can lose when it fails, and where that figure comes
    from, in words: its ``rpo_minutes``; its ``backup_interval_minutes`` when no RPO is stated, or when
    the backups are further apart than its RPO and no standby covers the loss (recovery not automatic,
    no redundancy group): its recovery is then a restore from the last backup. None: neither stated."""
    rpo, every = comp.rpo_minutes, comp.backup_interval_minutes
    if every is not None and (rpo is None or every > rpo):
        standby = comp.recovery == "automatic" or any(comp.id in grp.members for grp in review.groups.values())
        if rpo is None:
            return every, f"a restore from its backups, taken every {stated(every)} min, loses up to {stated(every)} min of data " \
                          "(no RPO stated)"
        if not standby:
            return every, (f"a restore from its backups, taken every {stated(every)} min with no standby to fail over to "
                           f"(recovery not automatic, no redundancy group), loses up to {stated(every)} min of data (its "
                           f"stated RPO is {stated(rpo)} min)")
    if rpo is not None:
        return rpo, f"its RPO is {stated(rpo)} min"
    return None, ""


class RiskRegister:
    def __init__(self, ctx, today: str):
        self.ctx = ctx
        self.g = ctx.g
        self.review = ctx.review
        self.today = today
        self.launch = self.review.meta.target_launch or None
        self.policy = self.review.resilience_policy
        self.risks: dict[str, Risk] = {}
        self.aliases: dict[str, str] = {}  # folded risk id -> the risk that holds it
        self.stale: list[dict] = []
        self._facts_cache: dict[int, tuple] = {}  # _facts, by the scenario's summary
        self._mit_by_risk: dict[str, list] | None = None
        # sums of parts that split (SUMS_OF_PARTS): whole id -> its parts; a mitigation linked to one ->
        # that whole; (mitigation, part) where its effort is not counted (it is, once, on the first part)
        self._parts: dict[str, list[str]] = {}
        self._split_from: dict[str, str] = {}
        self._not_counted: set[tuple[str, str]] = set()
        self._decided: set[str] = set()  # risks the reviewer's decisions were applied to
        self._reach: dict[str, tuple] = {}  # SPOF risk id -> reach_key
        self._called_groups: set | None = None  # the redundancy groups something calls (_groups_lost_with)
        self._own: dict[str, tuple] = {}  # SPOF risk id -> its own figures (spof_figures)
        self._required: dict[tuple, bool] = {}  # (disruption, domain kind) -> policy_requires
        self._occupants: dict[str, set] | None = None  # host -> the kinds of component placed there (_host_takes)
        # a domain SPOF's common-cause findings folded into it: risk id -> (components, how many)
        self._folded: dict[str, tuple[set[str], list[int], list[str]]] = {}  # ... and the findings' ids
        review = self.review
        self.has_zones = any(d.kind == "zone" for d in review.domains.values())

    # -- impact of a failure scenario ------------------------------------
    def _facts(self, sc) -> tuple[int, tuple[str, ...], bool, int, str]:
        """What the register reads of a failure scenario, worked out once per summary (the members
        of a cycle share one, :meth:`Context.hits`): its impact and the inputs behind it before the
        failed component's own gaps, whether it hits something critical (:meth:`is_critical_hit`),
        how many critical journeys it takes down, and the words for what it hits."""
        hits = self.ctx.hits(sc)
        facts = self._facts_cache.get(id(hits))
        if facts is None:
            crit = self.ctx.critical_journeys_down(sc)
            t1 = self.ctx.tier1_down(sc)
            uf = _list(hits["user_facing_down"], 5, hits["user_facing_down_count"])
            imp, inputs = self._impact_base(hits, crit, t1, uf)
            facts = self._facts_cache[id(hits)] = (
                imp, inputs, bool(crit) or bool(t1[1]), len(crit),
                _hit_text(hits, uf, self.ctx.guessed_kind(hits["user_facing_down"])))
        return facts

    def impact_of(self, sc, element_comp: int | None = None) -> tuple[int, tuple[str, ...]]:
        imp, inputs = self._facts(sc)[:2]
        if element_comp is not None:
            imp, inputs = _own_gaps(imp, inputs, self.review.components[self.g.ids[element_comp]])
        return _clamp(imp), inputs

    def _impact_base(self, hits: dict, crit: list[str], t1: tuple[list[str], int],
                     uf: str) -> tuple[int, tuple[str, ...]]:
        """The impact of a scenario that hits ``hits`` and takes down the critical journeys ``crit``
        and the tier-1 user-facing components ``t1`` (``uf``: the user-facing ones it takes down, in
        words), before the failed component's own gaps."""
        jd, jg = hits["journeys"], hits["journeys_degraded"]
        ndown = hits["down_count"]
        imp = _impact_level(hits, crit, t1)
        if imp == 5:
            why = (f"impact 5: critical journey down ({_list(crit, 5)})" if crit
                   else f"impact 5: entry point down, guessed as tier-1 user-facing ({_list(t1[0], 5, t1[1])})"
                   if self.ctx.guessed_kind(t1[0])
                   else f"impact 5: tier-1 user-facing component down ({_list(t1[0], 5, t1[1])})")
        elif imp == 4:
            why = "impact 4: " + (f"journey down ({_list(jd, 5)})" if jd else
                                  f"entry point down, guessed as user-facing ({uf})"
                                  if self.ctx.guessed_kind(hits["user_facing_down"])
                                  else f"user-facing component down ({uf})")
        elif imp == 3:
            why = "impact 3: " + (f"journey degraded ({_list(jg, 5)})" if jg else
                                  "user-facing component degraded "
                                  f"({_list(hits['user_facing_degraded'], 5, hits['user_facing_degraded_count'])})")
        elif imp == 2:
            why = f"impact 2: {ndown} internal components down, no user-facing one"
        else:
            why = "impact 1: no user-facing component or journey hit"
        return imp, (why, f"blast radius: {ndown} down, {hits['degraded_count']} degraded of {self.g.n} components")

    def impact_level(self, sc, element_comp: int | None = None) -> int:
        """``impact_of(sc, element_comp)[0]``, without the words (where only the worst is written)."""
        hits = self.ctx.hits(sc)
        facts = self._facts_cache.get(id(hits))
        imp = (facts[0] if facts is not None
               else _impact_level(hits, self.ctx.critical_journeys_down(sc), self.ctx.tier1_down(sc)))
        if element_comp is not None:
            imp = _own_gaps(imp, (), self.review.components[self.g.ids[element_comp]])[0]
        return _clamp(imp)

    def is_critical_hit(self, sc) -> bool:
        """Does the scenario take down a critical journey or a tier-1 user-facing component (an unknown
        tier counting as tier 1)?"""
        return self._facts(sc)[2]

    # -- likelihoods --------------------------------------------------------
    def component_likelihood(self, c: int) -> tuple[int, tuple[str, ...]]:
        return _component_likelihood(self.review.components[self.g.ids[c]])

    def domain_likelihood(self, d: int) -> tuple[int, tuple[str, ...]]:
        dom = self.review.domains[self.g.domain_ids[d]]
        if dom.availability is not None:
            a = dom.availability
            lk = 1 if a >= 99.99 else 2 if a >= 99.9 else 3 if a >= 99.0 else 4
            return lk, (f"likelihood {lk}: {domain_name(dom.kind, dom.id)} availability {_pct(a)}",)
        lk = DOMAIN_LIKELIHOOD.get(dom.kind, 2)
        return lk, (f"likelihood {lk}: typical for {domain_failure(dom.kind)} (availability not stated)",)

    # -- adding risks ---------------------------------------------------------
    def add(self, rid: str, *, title: str, description: str, category: str, likelihood: int,
            impact: int, inputs, components, mitigation: str,
            blocking: bool, domains=(), finding: str | None = None,
            fix: str | None = None, fix_component: str | None = None, blocking_reason: str = "",
            disruptions=(), chain=(), policy_required: bool = True, journeys=(), aliases=()) -> Risk:
        """Add the computed risk ``rid`` (likelihood and impact clamped to 1..5, the components and
        domains sorted, an effort of the kind ``fix``) and return it."""
        lk, im = _clamp(likelihood), _clamp(impact)
        blocking = bool(blocking)
        risk = Risk(
            rid, title, description, category, "computed", lk, im, lk, im, lk * im, _SEVERITY[lk * im],
            blocking, blocking, blocking_reason if blocking else "", bool(policy_required),
            tuple(disruptions),
            tuple(sorted(set(components))) if len(components) > 1 else tuple(components),
            tuple(sorted(set(domains))) if domains else (),
            mitigation, _EFFORT_OF[fix] if fix else None, fix_component, tuple(chain), tuple(inputs),
            journeys=tuple(journeys), aliases=tuple(aliases), finding=finding or rid,
        )
        self.risks[rid] = risk
        return risk

    def resolve(self, rid: str) -> str:
        return self.aliases.get(rid, rid)

    def spof_figures(self, rid: str) -> tuple[int, int, int, str] | None:
        """(likelihood, impact, score, severity) of the SPOF whose risk is ``rid`` (or an alias of it),
        its own: as its risk was computed, before an SLO folded into it or a reviewer's override
        (docs/analysis.md: a SPOF entry's severity is its own; its risk's may differ)."""
        return self._own.get(self.resolve(rid))

    def _fold(self, root: Risk, other: Risk) -> None:
        """One fix resolves both: ``other`` becomes a cause listed on ``root``."""
        self.risks.pop(other.id, None)
        self.aliases[other.id] = root.id
        for a in other.aliases:
            self.aliases[a] = root.id
        root.aliases = tuple(sorted(set(root.aliases) | {other.id} | set(other.aliases)))
        root.causes += ({"id": other.id, "title": other.title, "score": other.score,
                         "blocking": other.blocking_rule, "blocking_reason": other.blocking_reason},)
        root.components = tuple(sorted(set(root.components) | set(other.components)))
        root.domains = tuple(sorted(set(root.domains) | set(other.domains)))
        root.disruptions = tuple(sorted(set(root.disruptions) | set(other.disruptions)))
        root.journeys = tuple(sorted(set(root.journeys) | set(other.journeys)))
        root.inputs += (f"also resolves: {other.title} ({other.likelihood}x{other.impact}={other.score})",)
        if root.override is not None:  # the reviewer's numbers stand
            pass
        elif other.score > root.score:
            root.likelihood, root.impact = other.likelihood, other.impact
            root.computed_likelihood, root.computed_impact = other.computed_likelihood, other.computed_impact
            root.score, root.severity = other.score, other.severity
        if other.blocking_rule and not root.blocking_rule:
            root.blocking_rule = True
            root.launch_blocking = open_at_launch(root) if root.id in self._decided else True
            root.blocking_reason = other.blocking_reason

    # -- building ---------------------------------------------------------------
    def build(self, spofs, comp_scen, dom_scen, *, common, availability, cascading, evidence=()) -> list[Risk]:
        """The ranked register of every finding: the SPOFs' risks, the readiness-evidence risks
        (``evidence``: :func:`~prr_app.analysis.findings.evidence_gaps` findings), common cause, SLOs,
        cascading findings, then the reviewer's decisions and the ranking."""
        self._spofs(spofs, comp_scen, dom_scen)
        for f in evidence:
            self._evidence_gap(f, comp_scen)
        for f in common:
            self._common_cause(f, comp_scen, dom_scen)
        slo_risks = [self._slo(a) for a in availability if a["attainable"] is False]
        self._fold_slo(slo_risks)
        self._missing_slos(availability)
        self._cascades(cascading, comp_scen)
        self._softened_hubs(comp_scen)
        self._recovery_gaps(comp_scen)
        for f in journeys_without_entries(self.review):  # not judged at all: a critical one blocks the launch
            self.add(f["id"], category="model", **journey_without_entry_risk(f))
        for rid, (folded, n_folded, fids) in self._folded.items():
            risk = self.risks.get(rid)
            if risk is None:
                continue
            risk.components = tuple(sorted(set(risk.components) | folded))
            # the findings it holds: a decision on one is a decision on it, and once its root cause is
            # fixed they stand alone (a plan's "separated", not "new")
            risk.aliases = tuple(sorted(set(risk.aliases) | set(fids)))
            for fid in fids:
                self.aliases[fid] = rid
            if n_folded[0] > 10:
                risk.inputs += (f"common cause: ... and {n_folded[0] - 10} more components with all "
                                f"replicas in the same domain",)
        self._apply_review()
        reach = self._reach
        # launch blocking first, then score, impact, reach (reach_key) and id: stable sorts on one
        # key each, the last first (no tuple made per risk: 10,000 on an import)
        out = sorted(self.risks.values(), key=attrgetter("id"))
        out.sort(key=lambda r: reach.get(r.id, NO_REACH))
        out.sort(key=attrgetter("impact"), reverse=True)
        out.sort(key=attrgetter("score"), reverse=True)
        out.sort(key=attrgetter("launch_blocking"), reverse=True)
        for i, r in enumerate(out, 1):
            r.rank = i
        return out

    def _spofs(self, spofs, comp_scen, dom_scen) -> None:
        """The SPOFs' risks. A component's instance failure is the same root cause as its component
        failure (one fix, an independent second instance, resolves both): its SPOF entries point at
        the component's risk."""
        g = self.g
        seen: set[str] = set()
        instance_of: set[str] = set()
        for s in spofs:
            if s["element_type"] == "instance":
                instance_of.add(s["component"])
        for s in spofs:
            rid = s["risk_id"]
            etype = s["element_type"]
            if etype == "instance":
                root = f"spof:component:{s['component']}"
                self.aliases[rid] = root
                s["risk_id"] = root
                continue
            if rid in seen:
                continue
            seen.add(rid)
            if etype == "domain":
                self._domain_spof(s, g.domain_index[s["element"]], dom_scen)
            else:
                c = g.index[s["element"]]
                self._component_spof(s, c, comp_scen[c], s["element"] in instance_of)
            r = self.risks[rid]
            self._own[rid] = (r.likelihood, r.impact, r.score, r.severity)

    def _evidence_gap(self, f: dict, comp_scen) -> None:
        """A risk from readiness evidence (issue 21): a missing disruption budget or probes, weighed by
        what the component's failure takes down (a SPOF for a critical journey ranks first)."""
        c = self.g.index.get(f["component"])
        if c is None or f["id"] in self.risks:
            return
        comp = self.review.components[f["component"]]
        words = evidence_gap_risk(f, comp.replicas, comp.kind)
        im, inputs = self.impact_of(comp_scen[c], c)
        self.add(f["id"], title=words["title"], description=words["description"], category="readiness",
                 likelihood=words["likelihood"], impact=im, components=[f["component"]],
                 inputs=[f"evidence: {e}" for e in f["evidence"][:3]] + list(inputs)
                 + [f"likelihood {words['likelihood']}: " + ("critical-journey SPOF" if f["critical_journeys"]
                                                              else "SPOF" if f["spof"] else "contained")],
                 mitigation=words["mitigation"], blocking=False, finding=f["item"],
                 fix=words["fix"], fix_component=f["component"])

    def _spof_reach(self, s: dict, sc, seeds) -> tuple:
        """:func:`reach_key` of a SPOF entry whose failure is ``sc``, failing ``seeds`` (component
        indices) on its own; for several seeds (a failure domain), the components reached only
        through one of them."""
        size, parent = self.ctx.only_through
        if len(seeds) == 1:
            only = size[seeds[0]]
        else:  # the union of the seeds' subtrees: the seeds with no other seed above them
            chosen = set(seeds)
            only = 0
            for c in chosen:
                p = parent[c]
                while p != -1 and p not in chosen:
                    p = parent[p]
                if p == -1:
                    only += size[c]
        return reach_key(len(self.ctx.critical_journeys_down(sc)), len(s["journeys"]),
                         s["user_facing_down_count"], only, s["down_count"])

    def _requires(self, disruption: str, domain_kind: str | None = None) -> bool:
        """:func:`policy_requires` under the review's policy, asked once per disruption."""
        key = (disruption, domain_kind)
        required = self._required.get(key)
        if required is None:
            required = self._required[key] = policy_requires(self.policy, disruption, domain_kind)
        return required

    def _spof_blocking(self, sc, disruption: str, domain_kind: str | None = None,
                       critical: bool | None = None) -> tuple[bool, bool, str]:
        """(blocking, the policy requires surviving it, why) for a SPOF of this disruption;
        ``critical``: :meth:`is_critical_hit` of ``sc`` if known."""
        required = self._requires(disruption, domain_kind)
        if not required:
            return False, required, ""
        if not (self.is_critical_hit(sc) if critical is None else critical):
            return False, required, ""
        what = domain_failure(domain_kind) if disruption == "domain" else with_article(f"{disruption} failure")
        hit = self.ctx.critical_journeys_down(sc)
        t1, n_t1 = self.ctx.tier1_down(sc)
        kind = None if hit or self.ctx.default_entries else self.ctx.guessed_kind(t1)
        where = (f"critical journey {_list(hit, 3)}" if hit else
                 f"entry point{'s' if n_t1 > 1 else ''} {_list(t1, 3, n_t1)} {ALL_GUESSED}" if self.ctx.default_entries else
                 f"entry point{'s' if n_t1 > 1 else ''} {_list(t1, 3, n_t1)} ({PART_GUESSED}: taken as tier-1 "
                 "user-facing)" if kind else
                 f"tier-1 user-facing components and entry points {_list(t1, 3, n_t1)} (some {PART_GUESSED}: "
                 "taken as tier-1 user-facing)" if kind is None else
                 f"tier-1 user-facing {_list(t1, 3, n_t1)}")
        return True, required, f"{what} the resilience policy requires surviving takes down {where}"

    def _component_spof(self, s, c, sc, instance_too: bool):
        """The risk of a component SPOF (and of its instance failure, ``instance_too``). Made here
        rather than by :meth:`add`: on an import every component can be one (10,000 of them)."""
        g = self.g
        cid = g.ids[c]
        comp = self.review.components[cid]
        lk, li = _component_likelihood(comp)
        im, ii, critical, n_critical, hit = self._facts(sc)
        im, ii = _own_gaps(im, ii, comp)
        chain = tuple(s["chain"][:8])  # a prefix: the chain is built lazily
        # the component that calls cid, the chain's next step: not a redundancy group the chain goes on
        # through to a user-facing member (cid is a member of it, and nothing calls cid there)
        dependent = chain[1] if len(chain) > 1 and chain[1] in self.review.components else None
        journeys = s["journeys"]
        external = is_external(comp)
        if CLIENT in comp.tags:  # on users' devices: what fails for everyone at once is a release
            fix = "staged-rollout"
            mit = (f"{cid} runs on users' devices, so what fails for all of them at once is a bad release or "
                   f"configuration: release it in stages (a share of users first, watched, then the rest), keep a "
                   f"kill switch or remote configuration that turns a broken feature off, and keep its servers "
                   f"serving the previous version, so that {hit} can survive a bad release")
        elif comp.kind == "queue":
            fix, mit = self._queue_fix(c, cid, external, journeys, hit)
        elif external and not dependent and not g.any_in[c]:
            # nothing in the review calls it (users reach it directly: a DNS service, a CDN): no caller
            # to give a fallback, and advice naming "its callers" sent the reader looking for them
            fix = "second-vendor"
            mit = (f"{cid} is a vendor's service its users reach directly (nothing in the review calls it): add a "
                   f"second vendor beside it behind a redundancy group (failover between the two), so that its users "
                   f"are served while one of them is up")
        elif external:
            fix = "fallback" if dependent else "second-vendor"
            caller = dependent or "its callers"
            mit = (f"{cid} is a vendor's service: give {caller} a fallback for {cid} (cached or default answer, "
                   f"queued retry, degraded mode) and a circuit breaker on {caller} -> {cid}, or add a second "
                   f"vendor behind a redundancy group, so that {hit} can survive its outage")
        elif dependent:
            fix = "fallback"
            mit = (f"Give {dependent} a fallback for {cid} (cached or default answer, degraded mode) "
                   f"or put {cid} in a redundancy group with an independent second {comp.kind} "
                   f"(separate deployment and config) so that {hit} can survive its failure")
            if self._is_gateway(dependent):  # a route: the gateway's other routes may not need cid
                mit = (f"If {dependent} (a gateway) serves its users other routes without {cid}, only its routes "
                       f"to {cid} fail: make {dependent} -> {cid} soft to say so. Otherwise {mit[0].lower()}{mit[1:]}")
        else:
            fix = "independent-deployment"
            served = (f"journey{'s' if len(journeys) > 1 else ''} {_list(journeys, 5)}" if journeys else "its users")
            mit = (f"Add an independent second {cid} (separate deployment, config and release train) and serve "
                   f"{served} through a redundancy group of both (its callers and the journeys entering by {cid} use the group): "
                   f"users are served while one of them is up; or serve a static/degraded fallback when {cid} fails")
        required = self._requires("component")
        if critical:
            blocking, required, why = self._spof_blocking(sc, "component", critical=True)
        else:  # the usual case: not blocking, whatever the policy requires
            blocking, why = False, ""
        rid = s["risk_id"]
        self._reach[rid] = reach_key(n_critical, len(journeys), s["user_facing_down_count"],
                                     self.ctx.only_through[0][c], s["down_count"])
        steps = s["chain_length"]
        description = (f"A failure of {cid} (every replica at once: bad release, config, overload) takes down {hit}"
                       + (f"; the failure spreads from {' to '.join(chain[:4])}" if len(chain) > 1 else "")
                       + (f" and on ({steps} steps in all, its chain)" if steps > 4 else ""))
        if instance_too:
            n, k = g.replicas[c], g.min_healthy[c]
            disruptions = _COMPONENT_AND_INSTANCE
            ilk, ili = _instance_likelihood(comp, n, k)
            if not blocking and critical and self._requires("instance"):
                blocking, _r2, why = self._spof_blocking(sc, "instance", critical=True)
            required = required or self._requires("instance")
            title = f"{cid} is a single point of failure (instance and component failure)"
            description = (f"{description}. It runs {n} instance{'s' if n > 1 else ''} and needs {k}: losing one "
                           f"instance alone takes the same down")
            inputs = li + ii + _COMPONENT_DISRUPTION + ili + _INSTANCE_FOLDED
            if not external:
                first, first_fix = self._instance_fix(c, comp, n, k)
                mit = f"First {first[0].lower()}{first[1:]}; then: {mit[0].lower()}{mit[1:]}"
                # the instance step is the quick part; the whole fix costs the larger of the two
                fix = fix if EFFORT[fix][1] >= EFFORT[first_fix][1] else first_fix
            lk = max(lk, ilk)
            aliases = (f"spof:instance:{cid}",)  # the instance SPOF entries point here (_spofs)
        else:
            title = f"{cid} is a single point of failure (component failure)"
            disruptions = _COMPONENT
            inputs = li + ii + _COMPONENT_DISRUPTION
            aliases = ()
        uf = s["user_facing_down"]
        lk, im = _clamp(lk), _clamp(im)
        self.risks[rid] = Risk(
            rid, title, description, "spof", "computed", lk, im, lk, im, lk * im, _SEVERITY[lk * im],
            blocking, blocking, why, required, disruptions,
            tuple(sorted({cid, *uf})) if uf else (cid,), (), mit, _EFFORT_OF[fix], cid, chain, inputs,
            journeys=tuple(sorted(journeys)) if journeys else (), aliases=aliases, finding=rid,
        )

    def _queue_fix(self, c: int, cid: str, external: bool, journeys, hit: str) -> tuple[str, str]:
        """(effort kind, mitigation) of a queue's component SPOF. A fallback in a consumer cannot keep up
        a journey that enters at the publisher (or at the queue): what keeps publishing alive is on the
        publisher's side (an outbox or a local buffer, a publish that does not fail the request), or a
        second queue. Publishers: the callers whose dependency on the queue is asynchronous, or hard with a
        fallback (they buffer); a hard caller without one publishes synchronously (it needs the same outbox); a soft one reads its work
        from the queue (a consumer: it catches up once the queue is back, as imports record it)."""
        g, review = self.g, self.review
        publishers, sync, readers = [], [], []
        for src in g.any_in[c]:
            d = review.dependencies.get(dependency_id(g.ids[src], cid))
            if d is None or (src in g.telemetry and d.kind != "hard"):  # a telemetry hub watching it
                continue
            # a hard call with a fallback buffers what it cannot publish (its outbox): a publisher, as
            # the checklist takes it (checklist.evaluate.call_role)
            (publishers if d.kind == "async" or (d.kind == "hard" and d.fallback is not None) else
             sync if d.kind == "hard" else readers).append(g.ids[src])
        entry = sorted(j for j in journeys if cid in review.journeys[j].entry) if journeys else []
        second = (f"add a second queue (another broker{' or vendor' if external else ''}) in a redundancy group "
                  f"with {cid}, its publishers writing to either")
        if publishers:
            mit = (f"{cid} is a queue: the fix belongs with what publishes to it, not in its consumers: give "
                   f"{_list(publishers, 4)} an outbox or a local buffer (the request succeeds, messages are sent once "
                   f"{cid} is back) so that publishing survives its outage, or {second}, so that {hit} can survive it")
        else:
            mit = f"{cid} is a queue: {second}, so that {hit} can survive its outage"
        if sync:
            mit += (f"; {_list(sync, 4)} {'calls' if len(sync) == 1 else 'call'} it synchronously: "
                    + ("a consumer catches up once it is back, and a fallback there keeps no journey that enters "
                       "upstream up" if publishers else "an outbox in the caller, or a publish that does not "
                       "fail the request, turns its outage into a delay"))
        if readers:
            mit += (f"; {_list(readers, 4)} {'reads its' if len(readers) == 1 else 'read their'} work from it and "
                    f"{'catches' if len(readers) == 1 else 'catch'} up once it is back: no fix needed there")
        if entry:
            mit += (f"; journey{'s' if len(entry) > 1 else ''} {_list(entry, 4)} "
                    f"{'enter' if len(entry) > 1 else 'enters'} at {cid} itself: only a second queue, or an outbox "
                    "in the publisher with the journey entering there, keeps "
                    + ("them" if len(entry) > 1 else "it") + " up")
        return ("second-vendor" if external else "fallback" if publishers else "independent-deployment"), mit

    def _is_gateway(self, cid: str) -> bool:
        comp = self.review.components.get(cid)
        return comp is not None and comp.kind == "gateway"

    def _instance_fix(self, c: int, comp, n: int, k: int) -> tuple[str, str]:
        """(the concrete step that lets ``c``, ``comp``, running ``n`` instances and needing ``k``,
        lose one instance, its effort kind)."""
        review = self.review
        cid = comp.id
        where = self._free_sibling(c) if comp.placement else None
        hosts = [p for p in comp.placement + comp.shared_domains
                 if p in review.domains and review.domains[p].kind == "host"] if review.domains else ()
        if where:
            place = f" in {domain_name(review.domains[where].kind, where)}"
        elif hosts:
            place = f" on a second host (besides {hosts[0]})"
        elif self.has_zones:
            zones = sorted(d for d, x in review.domains.items() if x.kind == "zone")
            place = f" in another zone than its first instance ({_list(zones, 4)})"
        else:
            place = " on a different host"
        if n == 1:
            if comp.kind in STATEFUL_KINDS:
                return (f"Add a standby of {cid}{place} with automatic failover", "standby-failover")
            return (f"Add a second replica of {cid}{place}", "second-host" if hosts and not where else "second-instance")
        return (f"Run {n + 1} instances of {cid} (it needs {k} of {n}){place}, or lower its requirement below {n}",
                "second-instance")

    def _free_sibling(self, c: int) -> str | None:
        """A domain of the same kind and parent as one of c's placements, not used by c yet. A machine (a
        host) qualifies only when nothing runs there or what runs there is of c's kind: a second web
        server does not go on the database's host (the advice read "a second replica of web-application in
        host mysql")."""
        review = self.review
        comp = review.components[self.g.ids[c]]
        used = set(comp.placement)
        for p in comp.placement:
            dom = review.domains.get(p)
            if dom is None:
                continue
            for did in sorted(review.domains):
                o = review.domains[did]
                if did not in used and o.kind == dom.kind and o.parent == dom.parent and \
                        (o.kind != "host" or self._host_takes(did, comp.kind)):
                    return did
        return None

    def _host_takes(self, did: str, kind: str) -> bool:
        """Does host ``did`` hold nothing, or only components of ``kind``?"""
        if self._occupants is None:
            self._occupants = {}
            for x in self.review.components.values():
                for p in x.placement:
                    self._occupants.setdefault(p, set()).add(x.kind)
        return self._occupants.get(did, set()) <= {kind}

    def _domain_sibling(self, did: str) -> str | None:
        """The first other domain of the same kind and parent as ``did`` (by id), if any."""
        review = self.review
        dom = review.domains[did]
        for oid in sorted(review.domains):
            o = review.domains[oid]
            if oid != did and o.kind == dom.kind and o.parent == dom.parent:
                return oid
        return None

    def _groups_lost_with(self, seeds: list[str]) -> list[str]:
        """The members among ``seeds`` (what a domain takes down on its own) of the redundancy groups it
        leaves below ``min_up`` that something calls: no member is a single point of failure alone, yet
        the domain takes the group, and its advice must move them too ("Run api, web in a second region"
        left the database pair in the region, and the second region survived nothing)."""
        groups = self.review.groups
        if not groups or not seeds:
            return []
        if self._called_groups is None:
            self._called_groups = {d.target for d in self.review.dependencies.values() if d.target in groups}
        inside = set(seeds)
        out: list[str] = []
        for gid in sorted(self._called_groups):
            grp = groups[gid]
            lost = [m for m in grp.members if m in inside]
            if lost and len(grp.members) - len(lost) < grp.min_up:
                out += [m for m in lost if m not in out]
        return out

    def _domain_spof(self, s, d, dom_scen):
        g, review = self.g, self.review
        did = g.domain_ids[d]
        dom = review.domains[did]
        sc = dom_scen[d]
        lk, li = self.domain_likelihood(d)
        im, ii = self.impact_of(sc)
        seeds = [g.ids[c] for c in g.domain_seeds[d]]
        # seeds that matter: those on the way to a user-facing component or journey
        spof_comps = self.ctx.spof_components
        key = sorted({g.ids[c] for c in g.domain_seeds[d] if spof_comps[c]}.union(self._groups_lost_with(seeds)))
        key = key or seeds
        sib = self._domain_sibling(did)
        names = _list(key)
        blocking, required, why = self._spof_blocking(sc, "domain", dom.kind)
        self._reach[s["risk_id"]] = self._spof_reach(s, sc, g.domain_seeds[d])
        if dom.kind == "host":
            fix = "second-host"
            mit = (f"Add a second host beside {did}" + (f" (such as {sib})" if sib else "")
                   + f" and run a second instance of {names} on it")
        elif dom.kind in ("region", "provider"):
            fix = "second-region" if dom.kind == "region" else "second-provider"
            mit = (f"Run {names} in a second {dom.kind}" + (f" ({sib})" if sib else "")
                   + f" as well, or accept the {dom.kind} failure with a documented recovery plan")
            if not required:
                mit += (f" (the resilience policy does not require surviving a {dom.kind} failure: "
                        f"reported, not a launch condition)")
        elif dom.physical:
            fix = "zone-spread"
            mit = self._spread_steps(d, key, sib)
        else:
            fix = "shared-fate"
            noun = domain_kind_noun(dom.kind)
            target = sib or f"a second {noun}"
            mit = (f"Remove the shared fate on {domain_name(dom.kind, did)}: run {names} on {target} as well "
                   f"(independent {noun}), so {domain_failure(dom.kind, one=True)} cannot take them all")
        owners = [review.components[x].owner for x in key if review.components[x].owner]
        fix_comp = key[0] if key else None
        if owners:
            top = max(sorted(set(owners)), key=owners.count)
            fix_comp = next(x for x in key if review.components[x].owner == top)
        self.add(
            s["risk_id"], category="spof",
            title=f"{domain_name(dom.kind, did)} is a single point of failure",
            description=(f"A failure of {domain_name(dom.kind, did)} takes down {_list(key)} and with them "
                         f"{self._facts(sc)[4]}"),
            likelihood=lk, impact=im, inputs=li + ii + (f"disruption type: {dom.kind} failure",),
            components=key + list(s["user_facing_down"]), domains=[did], mitigation=mit,
            blocking=blocking, blocking_reason=why, policy_required=required, fix=fix,
            fix_component=fix_comp, disruptions=[dom.kind], journeys=sorted(s["journeys"]),
            chain=s["chain"][:8],  # a prefix, as a component SPOF's
        )

    def _spread_steps(self, d: int, key: list[str], sib: str | None) -> str:
        """What lets the components ``key`` survive the loss of physical domain ``d``: for each, how many
        instances to add outside it (it loses ``lost`` of its ``n`` and needs ``k``: ``k - (n - lost)``
        more elsewhere), or a standby for a single stateful instance. "Spread payments across zone a
        and zone b" read as moving instances, which could make zone b a new SPOF; adding outside the
        domain never does."""
        g, review = self.g, self.review
        dom = review.domains[g.domain_ids[d]]
        where = f" in {domain_name(dom.kind, sib)}" if sib else f" in another {domain_kind_noun(dom.kind)}"
        steps = []
        quorums = []
        for cid in key[:3]:
            c = g.index[cid]
            n, k = g.replicas[c], g.min_healthy[c]
            lost = min(n, g.domain_lost[d].get(c, n))
            extra = max(1, k - (n - lost))
            comp = review.components[cid]
            if is_quorum(n, k, comp.kind, comp.tags):
                # a majority quorum: an instance more raises the majority it needs (docs/analysis.md)
                qf = quorum_fix(review, cid, dom.id)
                quorums.append(quorum_fix_text(review, qf, n, k) if qf is not None else
                               f"Add a {dom.kind} beside {dom.id} and place the instances of {cid} so that no "
                               f"{dom.kind} holds more than {n - k} of them: {cid} is a quorum (it needs {k} of its "
                               f"{n} instances, a majority), and instances added raise the majority it needs")
            elif n == 1 and review.components[cid].kind in STATEFUL_KINDS:
                steps.append(f"a standby of {cid}{where} with automatic failover")
            else:
                steps.append(f"{extra} more instance{'s' if extra > 1 else ''} of {cid}{where} (it loses {lost} of its "
                             f"{n} with {dom.id} and needs {k})")
        more = f"; the same for {len(key) - 3} more" if len(key) > 3 else ""
        if not steps:
            return "; ".join(quorums) + more
        return (f"Add {'; '.join(steps)}{more}, so that losing {domain_name(dom.kind, dom.id)} leaves each enough healthy "
                "instances" + "".join(f". {q}" for q in quorums))

    def _common_cause(self, f, comp_scen, dom_scen):
        g = self.g
        ftype = f["type"]
        if ftype in ("replicas-in-one-domain", "placement-cannot-survive-domain-loss"):
            cid = f["components"][0]
            c = g.index[cid]
            sc = comp_scen[c]
            doms = [f["domain"]] if ftype == "replicas-in-one-domain" else f["domains"]
            d = g.domain_index[doms[0]]
            # already a domain SPOF: fold into that risk instead of repeating it
            spof = self.risks.get(f"spof:domain:{doms[0]}")
            if spof is not None:
                folded, n_folded, fids = self._folded.setdefault(spof.id, (set(), [0], []))
                fids.append(f["id"])
                folded.add(cid)
                n_folded[0] += 1
                if n_folded[0] <= 10:
                    spof.inputs += (f"common cause: {f['detail']}",)
                return
            lk, li = self.domain_likelihood(d)
            im, ii = self.impact_of(sc, c)
            dom = self.review.domains[doms[0]]
            # a sibling of the domain itself (same kind, same parent): the sibling of one of the
            # component's placements may be a level below ("across eu-west-1 and region euw1-c", a zone)
            sib = self._domain_sibling(doms[0])
            n, k = f["replicas"], f["min_healthy"]
            noun = domain_kind_noun(dom.kind)
            other = f"{domain_name(dom.kind, sib)}" if sib else f"a second {noun}"
            quorum = is_quorum(n, k, self.review.components[cid].kind, self.review.components[cid].tags)
            qf = quorum_fix(self.review, cid, doms[0]) if quorum and dom.physical else None
            if ftype == "replicas-in-one-domain":
                title = f"all replicas of {cid} share {domain_name(dom.kind, doms[0])}"
                mit = (f"Place the {n} replicas of {cid} across {doms[0]} and {other} "
                       f"so that {domain_failure(dom.kind, one=True)} leaves at least {k}")
                if quorum:
                    mit = (f"Place the {n} instances of {cid} across {noun}s ({doms[0]}, {other} and more) so that no "
                           f"{noun} holds more than {n - k} of them: {cid} is a quorum (it needs {k} of {n}, a "
                           "majority), and instances added raise the majority it needs with them")
            else:
                title = f"{cid} ({k} of {n}) cannot survive the loss of {doms[0]}"
                most = n - k
                mit = (f"Re-place {cid} so that no single {noun} holds more than {most} of its {n} instances"
                       + (f" (use {domain_name(dom.kind, sib)})" if sib else "") + f", or add replicas so {k} survive losing {doms[0]}")
            if qf is not None:
                mit = quorum_fix_text(self.review, qf, n, k)
            fix = "zone-spread" if dom.physical else "shared-fate"
            if dom.kind == "host":
                fix = "second-host"
            self.add(f["id"], category="common-cause", title=title, description=f["detail"],
                     likelihood=lk, impact=im, inputs=li + ii + (f"finding: {ftype}",),
                     components=[cid], domains=doms, mitigation=mit, blocking=False, fix=fix,
                     fix_component=cid, disruptions=[dom.kind],
                     policy_required=policy_requires(self.policy, "domain", dom.kind))
            return
        self._group_common_cause(f, comp_scen, dom_scen)

    def _group_common_cause(self, f, comp_scen, dom_scen) -> None:
        """A redundancy group whose members fail together, through a failure domain or a shared hard
        dependency (its causes). A cause that is already a SPOF (``spof:domain:<id>``,
        ``spof:component:<dependency>``) is that SPOF's risk, judged there against the policy: when
        every cause is one, the finding folds into the worst of them (docs/analysis.md, "One root
        cause, one line"); else it stands, judged on the causes no SPOF holds: its figures are its
        worst cause's (the highest score, a disruption the policy requires surviving first), its
        ``disruptions`` theirs."""
        g, review = self.g, self.review
        members = f["components"]
        causes = []  # (required, score, impact, likelihood, inputs, disruption, scenario, its SPOF's risk)
        for did in f.get("domains", []):
            d = g.domain_index[did]
            im, ii = self.impact_of(dom_scen[d])
            lk, li = self.domain_likelihood(d)
            kind = review.domains[did].kind
            causes.append((self._requires("domain", kind), lk * im, im, lk, li + ii, kind, dom_scen[d],
                           self.risks.get(f"spof:domain:{did}")))
        for dep in f.get("shared_dependencies", []):
            c = g.index[dep]
            im, ii = self.impact_of(comp_scen[c], c)
            lk, li = self.component_likelihood(c)
            causes.append((self._requires("component"), lk * im, im, lk, li + ii, "component", comp_scen[c],
                           self.risks.get(f"spof:component:{dep}")))
        worst = lambda xs: max(xs, key=lambda x: (x[0], x[1], x[2]))  # noqa: E731
        spof_causes = [x for x in causes if x[7] is not None]
        standing = [x for x in causes if x[7] is None]
        advice = self._group_advice(f)
        if spof_causes and not standing:
            # every cause is already a SPOF: the finding is those risks; it folds into the worst one,
            # whose mitigation adds the group's own advice, and the others name it in their inputs
            root = max(spof_causes, key=lambda x: (x[7].score, x[7].impact, x[7].policy_required, x[7].id))[7]
            folded, _n, fids = self._folded.setdefault(root.id, (set(), [0], []))
            fids.append(f["id"])
            folded.update(members)
            for x in spof_causes:
                x[7].inputs += (f"common cause: {f['detail']}"
                                + ("" if x[7] is root else f" (folded into {root.id})"),)
            root.mitigation += f"; for redundancy group {f['group']}: {advice}"
            return
        journeys = ()
        if standing:
            required, _score, im, lk, inputs, _k, sc, _r = worst(standing)
            journeys = sorted(self.ctx.hits(sc)["journeys"])
        else:  # no cause named (not expected): a component failure's likelihood, the least impact
            required, im, lk, inputs = self._requires("component"), 1, 3, ()
        if spof_causes:
            inputs += ("already single points of failure, each judged in its own risk: "
                       + _list([x[7].id for x in spof_causes], 4),)
        self.add(
            f["id"], category="common-cause",
            title=f"redundancy group {f['group']} is not independent",
            description=f["detail"], likelihood=lk, impact=im,
            inputs=inputs + ("finding: redundancy-group-common-cause",),
            components=members + f.get("shared_dependencies", []), domains=f.get("domains", []),
            mitigation="To make the redundancy real, " + advice, blocking=False,
            fix="zone-spread" if f.get("domains") else "independent-deployment", fix_component=members[0],
            disruptions=sorted({x[5] for x in standing}), policy_required=required, journeys=journeys,
        )

    def _group_advice(self, f: dict) -> str:
        """What makes the redundancy of the group of common-cause finding ``f`` real, in words."""
        review = self.review
        parts = []
        ways = f.get("domain_ways") or ()
        # a domain that holds enough members: place them apart; one that reaches members through a
        # dependency it takes down (a service that runs only there): that dependency is the fix
        colocated = [w["domain"] for w in ways if not w["through"]] if ways else list(f.get("domains", []))
        if colocated:
            parts.append(f"place the members of {f['group']} in different "
                         + "/".join(sorted({review.domains[d].kind for d in colocated}))
                         + f"s (now {', '.join(colocated[:3])} can take down enough of them)")
        for w in [w for w in ways if w["through"]][:2]:
            dk = review.domains[w["domain"]].kind
            via = list(w["via"]) or ["a dependency"]
            parts.append(f"run {_list(via, 3)} outside {dk} {w['domain']} too, or give the members a fallback for "
                         f"{'it' if len(via) == 1 else 'them'} ({dk} {w['domain']} takes down "
                         + (f"{_list(list(w['placed']), 3)}, placed in it, and " if w["placed"] else "")
                         + f"{_list(list(w['through']), 3)} through {_list(via, 3)}, which it takes down)")
        if f.get("shared_dependencies"):
            parts.append(f"give each member its own {', '.join(f['shared_dependencies'][:3])} "
                         "(or a fallback for it)")
        return " and ".join(parts)

    def _label(self, target_type: str, tgt: str) -> str:
        if target_type == "journey":
            j = self.review.journeys[tgt]
            return f"journey {j.name or tgt}"
        return tgt

    def _slo(self, a: dict) -> tuple[Risk, str | None]:
        """The risk of an SLO not attainable by design, and the element whose fix it needs first."""
        review = self.review
        tgt = a["target"]
        critical = True
        if a["target_type"] == "journey":
            critical = review.journeys[tgt].critical
        top = a["top_consumers"][:3]
        fix, fix_comp = "fallback", None
        if top:
            names = "; ".join(f"{t['element']} ({t['type']}, {_pct(t['availability'])}, "
                              f"{stated(t['budget_share'])} % of the error budget)" if t.get("budget_share") is not None
                              else f"{t['element']} ({t['type']}, {_pct(t['availability'])})" for t in top)
            first = top[0]
            # consumers that cost the same (rounded as written): named together, not the first by name
            cost0 = first.get("unavailability_cost")
            tied = [t for t in a["top_consumers"] if cost0 is not None and t.get("unavailability_cost") is not None
                    and abs(t["unavailability_cost"] - cost0) <= 1e-6] or [first]
            step = "redundancy or a fallback on it"
            if first["type"] == "component" and first["element"] in review.components:
                fix_comp = first["element"]
                comp = review.components[fix_comp]
                if is_external(comp):
                    step, fix = "a fallback, a cache or a second vendor for it", "second-vendor"
                elif comp.kind in STATEFUL_KINDS:
                    step, fix = "a standby with automatic failover", "standby-failover"
                else:
                    # its availability is the whole component's: more replicas do not raise it
                    reps = comp.replicas or 1
                    step, fix = ("an independent second deployment in a redundancy group, or a fallback in its "
                                 "callers" + (f"; its {reps} replicas protect against instance failures only"
                                              if reps > 1 and len(tied) == 1 else ""), "independent-deployment")
            elif first["type"] == "domain":
                fix = "zone-spread"
            if len(tied) > 1:
                share = first.get("budget_share")
                raise_what = (f"{_list([t['element'] for t in tied], 5)} (they cost the same"
                              + (f", {stated(share)} % of the error budget each" if share is not None else "")
                              + "; each needs its own fix: a standby with automatic failover for a store, an "
                              "independent second deployment or a fallback in its callers for a service, a "
                              "second vendor or a fallback for a vendor's, a spread for a domain)")
            else:
                raise_what = f"{first['element']} ({step})"
            one_fix = ""
            if cost0 is not None and not _resolves(a, first):
                one = f"one of them ({first['element']})" if len(tied) > 1 else first["element"]
                one_fix = (f"; no single fix reaches the SLO: even with {one} never failing the ceiling is "
                           f"{ceiling_text(a['estimate'] + cost0, a['slo'])} %, below {stated(a['slo'])} %, so several of "
                           "them must be raised")
            mit = (f"Raise the availability of {raise_what}{one_fix}; the largest consumers "
                   f"of the error budget are {names}; or lower the SLO of {self._label(a['target_type'], tgt)} "
                   f"to at most {_at_most(a['ci'][1])} %")
        else:
            mit = (f"Lower the SLO of {self._label(a['target_type'], tgt)} to at most {_at_most(a['ci'][1])} % or add "
                   "redundancy under it")
        comps = [t["element"] for t in a["top_consumers"] if t["type"] == "component"]
        if a["target_type"] == "component":
            comps.append(tgt)
        else:
            comps.extend(review.journey_components(review.journeys[tgt]))
        ci = a["ci"]
        how = ("exact" if a["method"] == "exact"
               else f"simulation, {a['samples']} samples, 95 % CI {ci[0]:.4f}-{ci[1]:.4f} %")
        name = self._label(a["target_type"], tgt)
        risk = self.add(
            f"slo:{a['target_type']}:{tgt}", category="availability",
            title=f"SLO of {name} ({stated(a['slo'])} %) is not attainable by design",
            description=(f"The architecture's ceiling for {name} is {ceiling_text(a['estimate'], a['slo'])} % ({how}), "
                         f"below its SLO of "
                         f"{stated(a['slo'])} %, counting each shared dependency once"),
            likelihood=5, impact=5 if critical else 4,
            inputs=["likelihood 5: the ceiling is below the SLO by design",
                    f"impact {5 if critical else 4}: {'critical' if critical else 'non-critical'} "
                    f"{a['target_type']} {tgt} misses its SLO",
                    f"estimate {ceiling_text(a['estimate'], a['slo'])} % vs SLO {stated(a['slo'])} % ({how})"],
            components=comps, domains=[t["element"] for t in top if t["type"] == "domain"],
            mitigation=mit, blocking=True, blocking_reason=f"the SLO of {name} is not attainable by design",
            fix=fix, fix_component=fix_comp, journeys=[tgt] if a["target_type"] == "journey" else (),
        )
        return risk, (top[0]["element"] if top and _resolves(a, top[0]) else None)

    def _fold_slo(self, slo_risks: list[tuple[Risk, str | None]]) -> None:
        """SLO risks whose largest consumer is one element are one root cause, and so is that element's
        own SPOF: fold them into one line. Only where that element's fix resolves the SLO (the target's
        ceiling with the element never failing reaches the SLO, :func:`_resolves`): an SLO that needs
        more than one fix stays a risk of its own, which no decision on one of them can clear."""
        by_element: dict[str, Risk] = {}
        for r, el in slo_risks:
            if el is None:
                continue
            root = (by_element.get(el) or self.risks.get(f"spof:component:{el}")
                    or self.risks.get(f"spof:domain:{el}"))
            if root is None:
                by_element[el] = r
                continue
            by_element.setdefault(el, root)
            self._fold(root, r)

    def _missing_slos(self, availability: list[dict]) -> None:
        """A user-facing component or journey without an SLO: nothing says what "working" means.
        Launch-blocking where it is judged as tier 1 (an unknown tier counts as tier 1)."""
        review, g, ctx = self.review, self.g, self.ctx
        missing: list[tuple[str, str, bool]] = []  # (kind, id, tier 1)
        for i in ctx.user_facing:
            comp = review.components[g.ids[i]]
            if comp.slo is None:
                missing.append(("component", comp.id, review.blocking_tier(comp) == 1))
        for jid in sorted(review.journeys):
            j = review.journeys[jid]
            if j.slo is None:
                t1 = any(review.blocking_tier(review.components[e]) == 1 for e in review.journey_components(j))
                missing.append(("journey", jid, t1 and bool(j.critical)))
        if not missing:
            if not review.journeys and g.n:
                self._no_journeys()
            return
        names = [(f"journey {review.journeys[x].name or x}" if k == "journey" else x) for k, x, _ in missing]
        t1 = [n for n, (_k, _x, b) in zip(names, missing) if b]
        comps = [x for k, x, _ in missing if k == "component"]
        for k, x, _ in missing:
            if k == "journey":
                comps.extend(review.journey_components(review.journeys[x]))
        owners = [review.components[c].owner for c in comps if review.components[c].owner]
        fix_comp = comps[0] if comps else None
        if owners:
            top = max(sorted(set(owners)), key=owners.count)
            fix_comp = next(c for c in comps if review.components[c].owner == top)
        self.add(
            "slo:missing", category="availability",
            title=f"no SLO for {_list(names, 4)}",
            description=(f"{len(missing)} "
                         f"{'entry point' if ctx.guessed_kind([x for k, x, _ in missing if k == 'component']) else 'user-facing component'}"
                         f"{'s' if len(missing) != 1 else ''} or "
                         f"journey{'s' if len(missing) != 1 else ''} without an SLO: {_list(names, 12)}. "
                         "Without an SLO nobody can say whether the architecture is good enough, nor when to "
                         "stop a release"),
            likelihood=3, impact=5 if t1 else 4,
            inputs=["likelihood 3: without an SLO, degradation goes unnoticed until users complain",
                    f"impact {5 if t1 else 4}: " + (f"judged as tier 1: {_list(t1, 6)}" if t1
                                                    else "no tier-1 component or journey among them")],
            components=comps[:50], mitigation=(f"Agree on and record an SLO (availability target, %) for "
                                               f"{_list(names, 12)}"),
            blocking=bool(t1), blocking_reason=(f"no SLO on tier 1{self._slo_guessed(missing)}: {_list(t1, 4)}"
                                                if t1 else ""),
            fix="define-slo", fix_component=fix_comp,
        )
        if not review.journeys and g.n:
            self._no_journeys()

    def _slo_guessed(self, missing: list[tuple[str, str, bool]]) -> str:
        """Where only parts of the review have no component marked user-facing: which of the tier-1
        components without an SLO (``missing``: kind, id, tier 1) are entry points guessed there, in words
        for the blocking reason (the verdict words its cause from it); "" where none is, or where every
        entry point is guessed (the verdict says so once)."""
        if self.ctx.default_entries:
            return ""
        kind = self.ctx.guessed_kind([x for k, x, t1 in missing if k == "component" and t1])
        return (f" (entry points {PART_GUESSED})" if kind
                else f" (some of them entry points {PART_GUESSED})" if kind is None else "")

    def _no_journeys(self) -> None:
        uf = self.ctx.ids(self.ctx.uf_mask, 6)
        self.add(
            "model:no-journeys", category="model",
            title="no user journey is defined",
            description=("The review names no user journey, so impact is judged on user-facing components alone "
                         f"({_list(uf)}), and no journey SLO can be checked"),
            likelihood=3, impact=3,
            inputs=["likelihood 3: without journeys a failure of a flow users need can be missed",
                    "impact 3: findings are judged on components, not on what users do"],
            components=uf, mitigation="Name the critical user journeys (checkout, login...) with their entry "
                                      "components and an SLO each",
            blocking=False, fix="define-journeys", fix_component=uf[0] if uf else None,
        )

    def _cascades(self, cascading: list[dict], comp_scen) -> None:
        """The cascading findings' risks, one per root cause: deep chains that end in the same call
        are one fix (that call made asynchronous or cached), and in a review where no hard call states
        a timeout or a breaker, the calls without one are one fix too (a default timeout and breaker for
        every call, in the client library or the mesh). Each such group is one risk; the findings it
        holds are in its ``aliases``."""
        g = self.g
        chains: dict[tuple[str, str], list[dict]] = {}
        no_timeout: list[dict] = []
        deps = g.review.dependencies
        nothing_stated = not any((o.timeout_ms or 0) > 0 or o.circuit_breaker is True
                                 for o in (deps[d[DEP_ID]] for d in g.deps if d[DEP_KIND] == "hard"))
        for f in cascading:
            if f["type"] == "deep-synchronous-chain" and len(f["path"]) >= 2:
                chains.setdefault((f["path"][-2], f["path"][-1]), []).append(f)
            elif f["type"] == "no-timeout-or-breaker" and nothing_stated:
                no_timeout.append(f)
            else:
                self._cascade(f, comp_scen)
        for group in chains.values():
            root = min(group, key=lambda f: (-f["depth"], f["id"]))
            risk = self._cascade(root, comp_scen)
            if len(group) > 1:
                self._group(risk, [f for f in group if f is not root], "entry points on a chain that ends in "
                            f"the same call {root['path'][-2]} -> {root['path'][-1]}")
        if len(no_timeout) == 1:
            self._cascade(no_timeout[0], comp_scen)
        elif no_timeout:
            self._no_timeouts(no_timeout, comp_scen)

    def _group(self, risk: Risk, others: list[dict], why: str) -> None:
        """``risk`` also stands for the findings ``others`` (one root cause): their ids become its
        aliases and their components its components."""
        risk.aliases = tuple(sorted(set(risk.aliases) | {f["id"] for f in others}))
        for f in others:
            self.aliases[f["id"]] = risk.id
        entries = sorted({f["components"][0] for f in others})
        risk.components = tuple(sorted(set(risk.components) | set(entries)))
        risk.title += f" (and {len(entries)} more entry points)"
        risk.inputs += (f"one root cause: {len(others) + 1} {why}: {_list(entries, 3)} besides "
                        f"{risk.fix_component}",)

    def _no_timeouts(self, found: list[dict], comp_scen) -> None:
        """No hard call of the review states a timeout or a breaker: one risk for every call without."""
        g = self.g
        worst, worst_c = 0, None
        for f in found:  # the worst impact; only its words are written
            c = g.index[f["components"][0]]
            im = self.impact_level(comp_scen[c], c)
            if im > worst:
                worst, worst_c = im, c
        worst_inputs = self.impact_of(comp_scen[worst_c], worst_c)[1]
        sources = [f["components"][0] for f in found]
        calls = sum(len(f["targets"]) for f in found)
        example = ", ".join(f"{f['components'][0]} -> {f['targets'][0]}" for f in found[:3])
        risk = self.add(
            NO_TIMEOUT, category="cascading",
            title=f"no hard call states a timeout or a circuit breaker ({calls} calls from {len(sources)} components)",
            description=(f"None of the review's synchronous hard calls states a timeout or a circuit breaker: "
                         f"{calls} calls from {len(sources)} components, such as {example}. A slow dependency "
                         f"ties up its callers' workers"),
            likelihood=3, impact=worst,
            inputs=(("likelihood 3: a slow dependency is as common as a dead one",) + worst_inputs
                    + (f"one root cause: {len(found)} components call without a timeout or breaker stated; "
                       f"the impact is the worst of theirs, {g.ids[worst_c]}'s",)),
            components=sources,
            mitigation=("Set a default timeout and circuit breaker for every synchronous call (in the client "
                        "library or the service mesh), then state each call's timeout and breaker in the review, "
                        f"starting with {example}"),
            blocking=False, fix="circuit-breaker", fix_component=g.ids[worst_c],
            aliases=sorted(f["id"] for f in found),
        )
        for f in found:
            self.aliases[f["id"]] = risk.id

    def _cascade(self, f: dict, comp_scen) -> Risk:
        g = self.g
        t = f["type"]
        cid = f["components"][0]
        c = g.index[cid]
        if t == "deep-synchronous-chain":
            path = f["path"]
            # the steps quoted: a real path of calls (a long path is written as its first and last steps)
            quoted = path[:10] if f.get("path_length", len(path)) == len(path) else path[:CHAIN_HEAD]
            im, ii = self.impact_of(comp_scen[g.index[path[-1]]])
            im = max(2, min(im, 3))
            calls = f.get("path_length", len(path)) - 1
            depth = f["depth"]
            title = (f"{cid} sits on a chain of {calls} synchronous hard call{'s' if calls != 1 else ''}" if calls
                     else f"{cid} is in a cycle of {depth} components calling each other synchronously")
            return self.add(f["id"], category="cascading", title=title,
                     description=f["detail"] + f": {' -> '.join(quoted)}",
                     likelihood=2, impact=im,
                     inputs=[f"likelihood 2: {calls} hard calls in a row"
                             + (f", {depth} components counting the cycles on the way" if depth > calls + 1 else "")
                             + " (latency and timeouts add up)",
                             f"impact {im}: slow responses at {cid}", *ii[1:]],
                     components=path[:20], chain=quoted,
                     mitigation=(f"Shorten the chain under {cid}: make the call {path[-2]} -> {path[-1]} asynchronous "
                                 f"or cached, or give {path[1]} a fallback, and set timeouts that shrink along "
                                 f"{' -> '.join(path[:4])}") if len(path) >= 2 else
                                (f"Break the cycle of synchronous hard calls through {cid} ({f['depth']} components "
                                 f"wait on each other): make one of the calls asynchronous or give it a fallback, "
                                 f"and set timeouts on each"),
                     blocking=False, fix="shorten-chain", fix_component=cid)
        elif t == "retry-amplification":
            amp = f["amplification"]
            lk = 4 if amp >= 16 else 3
            path = f["path"]
            end = path[-1]
            im, ii = self.impact_of(comp_scen[g.index[end]], g.index[end])
            return self.add(f["id"], category="cascading",
                     title=f"retries from {cid} can multiply load {amp}x",
                     description=f["detail"], likelihood=lk, impact=max(im, 3),
                     inputs=[f"likelihood {lk}: retries without backoff/budget, {amp}x attempts at {end}",
                             f"impact {max(im, 3)}: overload of {end} spreads back up the chain", *ii],
                     components=[*f["components"], *path[:20]], chain=path[:6],
                     mitigation=(f"Add exponential backoff with jitter and a retry budget to the calls "
                                 f"{', '.join(f'{cid} -> {x}' for x in f['targets'][:5])}; retry at one layer only "
                                 f"along {' -> '.join(path[:5])}"),
                     blocking=False, fix="retry-policy", fix_component=cid)
        elif t == "no-timeout-or-breaker":
            im, ii = self.impact_of(comp_scen[c], c)
            targets = f["targets"]
            return self.add(f["id"], category="cascading",
                     title=f"{cid} calls {_list(targets, 3)} without timeout or breaker",
                     description=f["detail"], likelihood=3, impact=im,
                     inputs=["likelihood 3: a slow dependency is as common as a dead one", *ii],
                     components=[cid, *targets],
                     mitigation=(f"Set a timeout (below {cid}'s own deadline) and a circuit breaker on "
                                 + ", ".join(f"{cid} -> {x}" for x in targets[:8])
                                 + (f" and its {len(targets) - 8} other synchronous calls" if len(targets) > 8 else "")),
                     blocking=False, fix="circuit-breaker", fix_component=cid)
        elif t == "shared-datastore":
            im, ii = self.impact_of(comp_scen[c], c)
            deps = f["dependents"]
            return self.add(f["id"], category="cascading",
                     title=f"{len(deps)} components share the {self.review.components[cid].kind} {cid}",
                     description=f["detail"], likelihood=2, impact=im,
                     inputs=[f"likelihood 2: one noisy client or slow query overloads {cid}",
                             f"{len(deps)} dependents: {_list(deps, 8)}", *ii],
                     components=[cid, *deps],
                     mitigation=(f"Protect {cid} from its {len(deps)} dependents: per-client connection limits and "
                                 f"quotas, a cache or read replicas in front of it, and move the heaviest of "
                                 f"{', '.join(deps[:3])} to their own store"),
                     blocking=False, fix="datastore-protection", fix_component=cid)

    # -- the reviewer's decisions ---------------------------------------------
    def _softened_hubs(self, comp_scen) -> None:
        """``hub:start-up:<component>``: a configuration or discovery hub (a config server, a service
        registry) whose calls an import recorded as hard, with no fallback stated, and the analysis
        treats as soft (they would swamp the findings: docs/analysis.md), when its failure degrades
        something user-facing and it is no SPOF itself. Running instances usually keep the last
        configuration and registry; a restart, a scale-out or a deploy meanwhile may not start
        without it. Without this risk such a hub had no finding at all (Spring Petclinic's
        config-server and discovery-server, one instance each, under every service)."""
        g, review = self.g, self.review
        calls: dict[int, list[str]] = {}
        for dep in g.softened:
            t = dep[DEP_TARGET_COMP]
            if t is not None and t not in g.telemetry:
                calls.setdefault(t, []).append(review.dependencies[dep[DEP_ID]].source)
        for t in sorted(calls):
            cid = g.ids[t]
            comp = review.components[cid]
            if f"spof:component:{cid}" in self.risks or not any(x in comp.tags for x in ("config", "discovery")):
                continue
            sc = comp_scen.get(t)
            if sc is None:
                continue
            hits = self.ctx.hits(sc)
            n_uf = hits["user_facing_degraded_count"]
            jg = hits["journeys_degraded"]
            if not n_uf and not jg:
                continue
            what = "configuration server" if "config" in comp.tags else "service registry"
            callers = sorted(set(calls[t]))
            hit = (f"journeys {_list(jg, 5)}" if jg else "") + (" and " if jg and n_uf else "") + (
                f"user-facing {_list(hits['user_facing_degraded'], 5, n_uf)}" if n_uf else "")
            lk, li = _component_likelihood(comp)
            n = g.replicas[t]
            self.add(
                f"hub:start-up:{cid}", category="availability",
                title=f"{cid} ({what}): {_list(callers, 3)} may not start without it (their calls on it are taken as soft)",
                description=(f"{len(calls[t])} call{'s' if len(calls[t]) != 1 else ''} on {cid} that an import recorded "
                             f"as hard, with no fallback stated, are taken as soft because {cid} is shared plumbing "
                             f"(a {what}): its failure degrades {hit}. Instances already running usually keep "
                             f"the configuration and registry they read; a restart, a scale-out or a deploy while "
                             f"{cid} is down may not start at all. It runs {n} instance{'s' if n != 1 else ''}"),
                likelihood=lk, impact=3,
                inputs=li + (f"impact 3: its failure degrades {hit} (calls on a {what} taken as soft)",),
                components=[cid, *callers], blocking=False, fix="second-instance" if n < 2 else "fallback",
                fix_component=cid, disruptions=["component"],
                mitigation=(f"Run {cid} with at least two instances (and, for a registry, its peers replicating), "
                            f"and make its callers start without it (cached or packaged configuration, a "
                            f"registry client that keeps its last list); then state those calls soft. If a "
                            f"caller cannot start without {cid}, state the call hard: {cid} is then judged as "
                            f"the single point of failure it is"),
                journeys=sorted(jg))

    def _recovery_gaps(self, comp_scen) -> None:
        """``recovery:rto:<component>`` and ``recovery:rpo:<component>``: a component whose recovery takes
        longer than the policy's RTO, or that can lose more data than the policy's RPO, for a disruption
        the policy requires surviving and that takes it down (docs/analysis.md, section 7).
        Its recovery time (:func:`_recovery_time`): ``failover_minutes``, else, for a manual recovery,
        its own ``rto_minutes`` (the best it promises); a stated ``recovery: none`` exceeds every RTO.
        Its data loss (:func:`_data_loss`): its ``rpo_minutes``, or the backup interval when that is
        longer and no standby covers it. A disruption takes it down: its own failure (component), one
        instance when it needs every instance (instance), a failure domain in which it loses too many
        instances (the domain's kind, or the policy's type for it)."""
        policy = self.policy
        rtos = _objectives(policy.rto_minutes)
        rpos = _objectives(policy.rpo_minutes)
        if not rtos and not rpos:
            return
        g, review = self.g, self.review
        doms_of: dict[int, list[int]] = {}
        for d, seeds in enumerate(g.domain_seeds):
            for c in seeds:
                doms_of.setdefault(c, []).append(d)
        for c, cid in enumerate(g.ids):
            comp = review.components[cid]
            if rtos:
                took, how = _recovery_time(comp)
                if took is not None:
                    gaps = self._objective_gaps(c, comp, rtos, took, doms_of.get(c, ()))
                    if gaps:
                        self._recovery_risk("rto", c, comp, took, how, gaps, comp_scen)
            if rpos:
                lost, how = _data_loss(comp, review)
                if lost is not None:
                    gaps = self._objective_gaps(c, comp, rpos, lost, doms_of.get(c, ()))
                    if gaps:
                        self._recovery_risk("rpo", c, comp, lost, how, gaps, comp_scen)

    def _objective_gaps(self, c: int, comp, objectives: dict, value: float, doms) -> list[tuple]:
        """The disruptions the policy requires surviving that take component ``c`` down and whose
        objective (RTO or RPO, ``objectives``) ``value`` exceeds: (policy type, its objective, the
        failure that takes it down, likelihood, its inputs)."""
        g, review, policy = self.g, self.review, self.policy
        cid = comp.id
        gaps = []
        if "component" in objectives and "component" in policy.survive and value > objectives["component"]:
            gaps.append(("component", objectives["component"], f"a failure of {cid}", *self.component_likelihood(c)))
        if ("instance" in objectives and "instance" in policy.survive and value > objectives["instance"]
                and g.replicas[c] - 1 < g.min_healthy[c]):
            gaps.append(("instance", objectives["instance"], f"one instance of {cid} failing",
                         *_instance_likelihood(comp, g.replicas[c], g.min_healthy[c])))
        for d in doms:
            dk = review.domains[g.domain_ids[d]].kind
            term = dk if dk in objectives else DOMAIN_DISRUPTION.get(dk, "component")
            if term in objectives and policy_requires(policy, "domain", dk) and value > objectives[term] \
                    and not any(x[0] == term for x in gaps):
                gaps.append((term, objectives[term], f"{dk} {g.domain_ids[d]} failing", *self.domain_likelihood(d)))
        return gaps

    def _recovery_risk(self, what: str, c: int, comp, value: float, how: str, gaps: list[tuple], comp_scen) -> None:
        """The risk ``recovery:<what>:<component>`` (``what``: "rto" or "rpo") of the objective ``gaps``
        (:meth:`_objective_gaps`) that the component's recovery time or data loss ``value`` exceeds
        (``how``: where that figure comes from, in words)."""
        cid = comp.id
        strict = min(gaps, key=lambda x: (x[1], x[0]))
        lk = max(x[3] for x in gaps)
        li = next(x[4] for x in gaps if x[3] == lk)
        sc = comp_scen[c]
        im, ii = self.impact_of(sc, c)
        which = "; ".join(f"{t} failures, {stated(m)} min ({why} takes it down)" for t, m, why, _l, _i in gaps)
        stateful = comp.kind in STATEFUL_KINDS
        value_text = "none" if value == _NEVER else f"{stated(value)} min"
        if what == "rto":
            title = (f"{cid} has no recovery mechanism: it cannot meet the policy's RTO ({strict[0]} {stated(strict[1])} min)"
                     if value == _NEVER else
                     f"recovery of {cid} ({value_text}) exceeds the policy's RTO ({strict[0]} {stated(strict[1])} min)")
            objective = "recovery time objective"
            mit = (f"Bring the recovery of {cid} under {stated(strict[1])} min: "
                   + ("a standby with automatic failover, tested" if stateful
                      else "automatic recovery (restart, failover), tested")
                   + "; or keep its failure from taking users down (redundancy, a fallback), or agree on a "
                   "longer RTO in the policy")
            fix = "standby-failover" if stateful else "second-instance"
            longer = "longer than"
        else:
            title = f"data loss of {cid} (up to {value_text}) exceeds the policy's RPO ({strict[0]} {stated(strict[1])} min)"
            objective = "recovery point objective"
            mit = (f"Bring the data {cid} can lose under {stated(strict[1])} min: backups (or continuous archiving, "
                   f"point-in-time recovery) at least every {stated(strict[1])} min, restores tested"
                   + (", and a standby that replicates continuously" if stateful else "")
                   + "; or agree on a longer RPO in the policy")
            fix = "standby-failover" if stateful else "second-instance"
            longer = "more than"
        self.add(
            f"recovery:{what}:{cid}", category="availability", title=title,
            description=f"{cid}: {how}, {longer} the {objective} the resilience policy sets for {which}",
            likelihood=lk, impact=im,
            inputs=li + ii + tuple(f"policy: {t} {what.upper()} {stated(m)} min, "
                                   f"{'recovery' if what == 'rto' else 'data loss'} {value_text}" for t, m, *_r in gaps),
            components=[cid], blocking=False, fix=fix, fix_component=cid, disruptions=sorted({x[0] for x in gaps}),
            mitigation=mit, journeys=sorted(self.ctx.hits(sc)["journeys"]),
        )

    def _split_parts(self, whole: str) -> list[str]:
        """The computed risks a sum of parts ``whole`` that is no risk now split into (:func:`split_part_of`),
        the one the effort of its mitigations is counted on first (the highest computed score, then id);
        none for any other id. Read before the reviewer's decisions are applied."""
        parts = self._parts.get(whole)
        if parts is None:
            parts = []
            if whole in SUMS_OF_PARTS and whole not in self.risks and whole not in self.aliases:
                parts = sorted((r for rid, r in self.risks.items() if r.origin == "computed"
                                and split_part_of(rid, whole)), key=lambda r: (-r.score, r.id))
                parts = [r.id for r in parts]
            self._parts[whole] = parts
        return parts

    def _mitigations_by_risk(self) -> dict[str, list]:
        """The mitigations linked to each risk (to an alias: to the risk that holds it). One linked to
        a sum of parts that split is linked to each of its parts, the same work: listed on each, its
        effort counted once, on the first (the others are in :attr:`_not_counted`)."""
        if self._mit_by_risk is None:
            review = self.review
            self._mit_by_risk = {}
            self._split_from, self._not_counted = {}, set()
            for mid in sorted(review.mitigations):
                m = review.mitigations[mid]
                for rid in m.risks:
                    target = self.resolve(rid)
                    parts = self._split_parts(target) if target not in self.risks else ()
                    if parts:
                        self._split_from.setdefault(mid, target)
                        for t in parts[1:]:
                            self._not_counted.add((mid, t))
                    for t in parts or (target,):
                        mits = self._mit_by_risk.setdefault(t, [])
                        if not any(x is m for x in mits):
                            # linked to a risk twice (to it and to an alias of it, or to a whole and one
                            # of its parts): one piece of work, listed and counted once
                            mits.append(m)
        return self._mit_by_risk

    def _record_for(self, rid: str):
        """The reviewer's record on the risk ``rid``: under its own id, else under one of its aliases."""
        review = self.review
        r = review.risks.get(rid)
        if r is not None:
            return r
        risk = self.risks.get(rid)
        for a in (risk.aliases if risk else ()):
            if a in review.risks and review.risks[a].origin == "computed":
                return review.risks[a]
        return None

    def _add_manual(self, rid: str, r) -> Risk:
        lk = r.likelihood if r.likelihood is not None else 3
        im = r.impact if r.impact is not None else 3
        inputs = ["entered by the reviewer"]
        if r.likelihood is None or r.impact is None:
            inputs.append("likelihood/impact not stated: 3 assumed")
        score = _clamp(lk) * _clamp(im)
        critical = _SEVERITY[score] == "critical"
        blocking = critical if r.launch_blocking is None else bool(r.launch_blocking)
        why = ""
        if r.launch_blocking:
            why = "marked launch-blocking by the reviewer" + (f": {r.launch_blocking_reason}"
                                                              if r.launch_blocking_reason.strip() else "")
        elif blocking:
            why = f"a reviewer's risk in the critical band ({score})"
        risk = self.add(
            rid, title=r.title or rid, description=r.description, category="manual",
            likelihood=lk, impact=im, inputs=inputs, components=r.components,
            mitigation="", blocking=blocking, blocking_reason=why,
            fix_component=r.components[0] if r.components else None,
        )
        risk.origin = "manual"
        return risk

    def _apply_review(self):
        review = self.review
        self._mit_by_risk = None  # computed after every fold: a folded risk's mitigations go to its root
        mit_by_risk = self._mitigations_by_risk()
        split: list[tuple[str, object]] = []  # (a sum of parts that split, the reviewer's record on it)
        for rid in sorted(review.risks):
            target = self.resolve(rid)
            r = review.risks[rid]
            if target in self._decided:
                if target != rid and r.origin == "computed":
                    self.stale.append(self._superseded(rid, target))
                continue
            if r.origin == "computed":
                risk = self.risks.get(target)
                if risk is None and self._split_parts(target):
                    split.append((target, r))  # decided below, on its parts that have no record of their own
                    continue
                if risk is None:
                    self.stale.append({
                        "id": rid,
                        "reason": "no finding with this id any more (the architecture changed); "
                                  "the reviewer's decision on it no longer applies",
                    })
                    continue
                if target != rid and target in review.risks:
                    # the root's own record decides: this alias's record is superseded, and said so (it
                    # went on reading as a decision in the file while nothing applied it)
                    self.stale.append(self._superseded(rid, target))
                    continue
            else:
                risk = self._add_manual(rid, r)
                target = rid
            self._decided.add(target)
            self._decide(risk, r, mit_by_risk.get(target, []))
        for whole, r in split:
            self._decide_split(whole, r, mit_by_risk)
        for rid, risk in self.risks.items():
            if rid not in self._decided:
                self._decided.add(rid)
                self._decide(risk, None, mit_by_risk.get(rid, []))

    def _decide_split(self, whole: str, r, mit_by_risk: dict) -> None:
        """The reviewer's record ``r`` on ``whole``, a sum of parts that split: it decides each of its
        parts that has no record of its own (what was decided of the whole holds for every part of it:
        the owner, the status, the acceptance, the say on launch blocking), except a score override,
        whose figures were weighed against the whole's: it applies to no part and is listed as a stale
        decision, to be made again on the parts that need it (docs/analysis.md, "Reviewer decisions")."""
        parts = self._parts[whole]
        todo = [p for p in parts if p not in self._decided]
        for p in todo:
            self._decided.add(p)
            self._decide(self.risks[p], r, mit_by_risk.get(p, []), split_from=whole)
        into = f"split into {count(len(parts), 'risk')} ({_list(parts, 4)})"
        if not todo:
            self.stale.append({"id": whole, "reason": f"superseded: this risk {into}, each with a decision of "
                                                      "its own, which applies; this one no longer does"})
        elif (r.override_likelihood is not None or r.override_impact is not None) and r.override_reason.strip():
            figures = ", ".join(f"{k} {v}" for k, v in (("likelihood", r.override_likelihood),
                                                        ("impact", r.override_impact)) if v is not None)
            self.stale.append({"id": whole, "reason": f"this risk {into}: its other decisions apply to each of "
                                                      f"them, but its score override ({figures}) was weighed "
                                                      "against the whole and applies to none of them: override "
                                                      "the parts that need it"})

    @staticmethod
    def _superseded(rid: str, target: str) -> dict:
        return {"id": rid, "reason": f"superseded: this finding is part of {target}, which has a decision of its "
                                     "own; that decision applies and this one no longer does"}

    def _decide(self, risk: Risk, r, mitigations: list, split_from: str | None = None):
        """Apply the reviewer's record ``r`` (None: there is none) and the ``mitigations`` linked to
        ``risk``. ``split_from``: ``r`` is the record on that sum of parts, which split (its score
        override does not apply, :meth:`_decide_split`)."""
        inherited = [m for m in mitigations if m.id in self._split_from] if self._split_from else ()
        if split_from is not None or inherited:
            whole = split_from or self._split_from[inherited[0].id]
            what = []
            if r is not None:
                what += ["acceptance"] * (r.acceptance is not None) + ["owner"] * bool(r.owner)
                what += [f"status {r.status}"] * (r.status not in ("open", "accepted"))
                what += ["say on launch blocking"] * (r.launch_blocking is not None)
            what += [f"mitigation {m.title or m.id}" for m in inherited]
            if what:
                risk.inputs += (f"decided on {whole}, which split into {count(len(self._parts[whole]), 'risk')}, "
                                f"this one of them: its {', '.join(what[:-1]) + ' and ' * (len(what) > 1) + what[-1]} "
                                f"appl{'y' if len(what) > 1 else 'ies'} to each",)
        if r is not None:
            if (split_from is None and (r.override_likelihood is not None or r.override_impact is not None)
                    and r.override_reason.strip()):
                lk = r.override_likelihood if r.override_likelihood is not None else risk.likelihood
                im = r.override_impact if r.override_impact is not None else risk.impact
                risk.override = {
                    "likelihood": r.override_likelihood,
                    "impact": r.override_impact,
                    "reason": r.override_reason,
                    "computed_likelihood": risk.likelihood,
                    "computed_impact": risk.impact,
                }
                risk.likelihood, risk.impact = _clamp(lk), _clamp(im)
                risk.score = risk.likelihood * risk.impact
                risk.severity = severity(risk.score)
                risk.inputs += (f"overridden by the reviewer: likelihood {risk.likelihood}, "
                                f"impact {risk.impact} ({r.override_reason})",)
            if r.launch_blocking is not None and risk.origin == "computed" and r.launch_blocking != risk.blocking_rule:
                risk.blocking_rule = bool(r.launch_blocking)
                reason = r.launch_blocking_reason.strip() or "no reason given"
                risk.blocking_reason = (f"marked launch-blocking by the reviewer: {reason}" if r.launch_blocking
                                        else "")
                risk.inputs += (f"launch-blocking set to {bool(r.launch_blocking)} by the reviewer ({reason})",)
            if r.owner:
                risk.owner, risk.owner_source = r.owner, "reviewer"
            risk.status = r.status
            if r.acceptance is not None:
                acc = r.acceptance
                risk.accepted = {"by": acc.by, "at": acc.at, "reason": acc.reason, "until": acc.until}
                if acc.until and acc.until < self.today:
                    risk.acceptance_expired = True
                    if risk.status == "accepted":
                        risk.status = "open"
                    risk.inputs += (f"acceptance by {acc.by} expired on {acc.until}",)
                else:
                    if acc.until and self.launch and acc.until < self.launch:
                        risk.acceptance_before_launch = True
                        risk.inputs += (f"acceptance by {acc.by} ends on {acc.until}, before the target "
                                        f"launch on {self.launch}: it does not count at launch",)
                    if r.status == "open":
                        risk.status = "accepted"
        if mitigations:
            risk.mitigations += tuple({"id": m.id, "title": m.title, "owner": m.owner, "due": m.due,
                                       "status": m.status, "effort": m.effort} for m in mitigations)
            if risk.status == "open" and any(m.status == "done" for m in mitigations):
                risk.status = "mitigated"
        if not risk.mitigation:
            risk.mitigation = "; ".join(m.title for m in mitigations if m.title) or "no mitigation recorded"
        if mitigations and any(m.effort for m in mitigations):
            days = sum(EFFORT_DAYS.get(m.effort, 5) for m in mitigations if m.status not in ("done", "dropped")
                       and (m.id, risk.id) not in self._not_counted)
            sizes = [m.effort for m in mitigations if m.effort]
            risk.effort = {"kind": "reviewer", "size": max(sizes, key=["small", "medium", "large"].index),
                           "days": days, "what": "the reviewer's mitigations"}
        shared = [m for m in inherited if (m.id, risk.id) in self._not_counted and m.status != "dropped"]
        if shared and risk.effort is not None:
            # the same work as the other parts of the whole that split: its days are counted once, on the
            # first part (the reviewer's effort of the shared mitigations, else the analysis' estimate)
            first = self._parts[self._split_from[shared[0].id]][0]
            risk.effort = {**risk.effort, "days": risk.effort["days"] if risk.effort["kind"] == "reviewer" else 0,
                           "what": f"{risk.effort['what']}; the same work as {first}, counted there"}
        # a computed risk is in the register only while the analysis finds it: a mitigation marked done
        # (or the risk closed) without the model changing is a claim the review contradicts, and does not
        # clear the blocker (it made prr gate PASS on a zone SPOF the analysis still found); fixed, the
        # model says so and the risk leaves the register. An acceptance is the decision to live with it
        done_by_word = risk.status in ("mitigated", "closed") and risk.origin != "computed"
        if done_by_word or (risk.accepted and not risk.acceptance_expired and not risk.acceptance_before_launch):
            risk.launch_blocking = False
        else:
            risk.launch_blocking = risk.blocking_rule
        if not risk.owner and mitigations:
            owner = next((m.owner for m in mitigations if m.owner), "")
            if owner:
                risk.owner, risk.owner_source = owner, "mitigation"
        if not risk.owner:
            self._default_owner(risk)

    #: Risks whose fix changes many components, not the one ``fix_component`` names (a representative
    #: their words start with): the calls without a timeout of the whole review, the SLOs to agree on,
    #: the journeys to name, a redundancy group's members. A domain SPOF's are the components the
    #: domain takes down (:meth:`_fix_span`); a reviewer's own risk's, the components it names.
    _SPANNING = frozenset({"cascade:no-timeout", "slo:missing", "model:no-journeys"})

    def _fix_span(self, risk: Risk) -> list[str]:
        """The components of the review the fix of ``risk`` changes."""
        comps, g = self.review.components, self.g
        rid = risk.id
        if risk.origin != "computed" or rid in self._SPANNING or rid.startswith("common-cause:group:"):
            span = risk.components
        elif rid.startswith("spof:domain:"):
            # its components are those the domain takes down and the user-facing ones they take with
            # them (and what folded into it): the fix spreads or doubles the first
            d = g.domain_index.get(rid[len("spof:domain:"):])
            seeds = {g.ids[c] for c in g.domain_seeds[d]} if d is not None else set()
            span = [c for c in risk.components if c in seeds] or [risk.fix_component]
        else:  # one component's fix
            return [risk.fix_component] if risk.fix_component in comps else []
        return [c for c in span if c in comps]

    def _default_owner(self, risk: Risk) -> None:
        """The owner of a risk nobody gave one (on the risk or a mitigation): the owner of the
        components its fix changes when they all have that one owner ("owner of cart-db"), else none.
        A domain's or a whole review's fix is no one team's: the owner of one of its components
        (cart-team for the cluster's SPOF in Online Boutique, whose fix changes all ten) took the whole
        risk into that team's plan and effort. Nobody is named: the reviewer says who (``prr risk
        owner``), and the risk's inputs say why there is no owner."""
        span = self._fix_span(risk)
        if not span:
            return
        comps = self.review.components
        if len(span) == 1:  # the usual case (10,000 of them on an import): its one component's owner, if any
            owner = comps[span[0]].owner
            if owner:
                risk.owner, risk.owner_source = owner, f"owner of {span[0]}"
            return
        owners = {comps[c].owner for c in span}
        if len(owners) == 1 and "" not in owners:
            risk.owner = owners.pop()
            risk.owner_source = ("owner of " + (", ".join(span) if len(span) <= 3
                                                else f"the {len(span)} components its fix changes"))
        else:
            teams = sorted(owners - {""})
            owned = sum(1 for c in span if comps[c].owner)
            risk.inputs += (f"no owner: the fix spans {count(len(span), 'component')}"
                            + (f" ({count(len(teams), 'team')} own{'s' if len(teams) == 1 else ''} {owned} of them: "
                               f"{listed(teams, 4)})" if teams
                               else ", none with an owner"),)


def accepted_at_launch(r: Mapping) -> bool:
    """Is the risk accepted with an acceptance that has not expired and lasts past the target launch?
    ``r``: a :class:`Risk` or a risk of the document (a dict)."""
    if type(r) is Risk:  # its attributes: the register's 10,000 risks are asked in the verdict
        return bool(r.accepted) and not r.acceptance_expired and not r.acceptance_before_launch
    return bool(r.get("accepted")) and not r.get("acceptance_expired") and not r.get("acceptance_before_launch")


def open_at_launch(r: Mapping) -> bool:
    """Is the risk still open at the target launch (not mitigated, closed, or accepted past the launch)?"""
    if (r.status if type(r) is Risk else r["status"]) in ("mitigated", "closed"):
        return False
    return not accepted_at_launch(r)


def has_due_date(r: Mapping, today: str | None = None) -> bool:
    """A mitigation of ``r`` with a due date, not dropped, and (given ``today``) not past it: a plan."""
    return any(m.get("due") and m.get("status") != "dropped" and (today is None or m["due"] >= today)
               for m in (r.mitigations if type(r) is Risk else r["mitigations"]))


def overdue(r: Mapping, today: str) -> bool:
    """Every dated mitigation of ``r`` still to do is past its due date (there is one at least)."""
    dated = [m for m in (r.mitigations if type(r) is Risk else r["mitigations"])
             if m.get("due") and m.get("status") not in ("dropped", "done")]
    return bool(dated) and all(m["due"] < today for m in dated)


def team_plan(risks: list[dict], checklist_items: list[tuple[str, bool]] = ()) -> tuple[list[dict], int]:
    """Per owning team: launch blockers, open high risks and their effort in days; and the estimated
    working days to ready (teams work in parallel, each on its blockers one after another).
    ``checklist_items``: the open blocker checklist items as (owner, answered), each a blocker too.

    A risk without an effort estimate (a reviewer's risk with no mitigation effort) adds no days: it is
    counted in ``blocker_unestimated`` / ``unestimated``, so the days are a lower bound when those are
    not 0 (never "0 days" for work nobody estimated)."""
    teams: dict[str, dict] = {}

    def team(owner: str) -> dict:
        return teams.setdefault(owner, {"team": owner, "blockers": 0, "high": 0, "blocker_days": 0, "days": 0,
                                        "blocker_unestimated": 0, "unestimated": 0})

    for owner, answered in checklist_items:
        t = team(owner)
        days = EFFORT["meet-checklist-item" if answered else "answer-checklist-item"][1]
        t["blockers"] += 1
        t["blocker_days"] += days
        t["days"] += days
    for r in risks:
        if not open_at_launch(r):
            continue
        condition = r["launch_blocking"] or (r["severity"] in ("critical", "high") and r.get("policy_required", True))
        if not condition:
            continue
        t = team(r["owner"] or "")
        days = (r.get("effort") or {}).get("days")
        if r["launch_blocking"]:
            t["blockers"] += 1
            t["blocker_days"] += days or 0
            t["blocker_unestimated"] += days is None
        else:
            t["high"] += 1
        t["days"] += days or 0
        t["unestimated"] += days is None
    rows = sorted(teams.values(), key=lambda t: (-t["blockers"], -t["blocker_days"], t["team"]))
    return rows, max((t["blocker_days"] for t in rows), default=0)


def verdict(risks: list[Risk], checklist: dict | None, review, assumptions: list[dict] = (),
            today: str | None = None) -> dict:
    """not-ready / ready-with-conditions / ready, with one sentence per cause (domain.md, issue 17).

    ``risks``: the register (:meth:`RiskRegister.build`).

    ``checklist``: the checklist's headline figures (``blockers``, ``blocking_items``,
    ``unanswered_blockers`` and, when known, ``partly_blockers``, how many of the blocking items are
    answered partly, and ``unanswered_items``, the first unanswered blocker items' names). ``assumptions``: the
    analysis' defaults; those that decided something are listed with the verdict. ``today``: a
    mitigation past its due date is no plan.
    """
    causes: list[str] = []
    blockers = [r for r in risks if r.launch_blocking]
    check = checklist or {}
    not_met = check.get("blockers", 0) or 0
    unanswered = check.get("unanswered_blockers", 0) or 0
    by_kind: dict[str, list[dict]] = {}
    for r in blockers:
        # a SPOF's risk blocks as a SPOF only where the policy requires surviving it; else it blocks
        # through what folded into it (an SLO not attainable, a reviewer's mark), and says so
        reason = r["blocking_reason"]
        kind = ("reviewer" if r["origin"] == "manual" or reason.startswith("marked")
                else "spof" if r["category"] == "spof" and r.get("policy_required", True)
                else "slo-missing" if r["id"] == "slo:missing"
                else "slo" if r["category"] == "availability" or reason.startswith("the SLO of") else "other")
        by_kind.setdefault(kind, []).append(r)

    # no component marked user-facing: the entry points were guessed from the graph, and are called so;
    # where only parts of the review have none marked, the blockers' reasons say what each takes down
    guessed = any(a["id"] == "entry-points-default" and a.get("scope") != "parts" for a in assumptions)
    launch = review.meta.target_launch or None
    if "spof" in by_kind:
        rs = by_kind["spof"]
        facing = _facing(rs, guessed)
        # a SPOF accepted, but not past the launch, is not "unaccepted": the sentence says until when
        accepted = any(r.get("accepted") for r in rs)
        causes.append(f"{len(rs)} single point{'s' if len(rs) != 1 else ''} of failure that the resilience policy "
                      f"requires surviving take{'s' if len(rs) == 1 else ''} down {facing}, "
                      + ("unmitigated and not accepted past the launch" if accepted else "unmitigated and unaccepted")
                      + f": {_titles(rs, launch, blocking=True)}.")
    if "slo" in by_kind:
        # the SLOs themselves, where folded into the risk of the one fix that resolves them too
        slos = []
        for r in by_kind["slo"]:
            if r["category"] == "availability":
                slos.append(r["title"])
            else:
                slos += [f"{c['title']} (one fix with: {r['title']})" for c in r["causes"] if c["id"].startswith("slo:")]
        slos = slos or [r["title"] for r in by_kind["slo"]]
        causes.append(f"{len(slos)} SLO{'s are' if len(slos) != 1 else ' is'} not attainable by design: "
                      f"{_list(slos, 3)}.")
    if "slo-missing" in by_kind:
        # only what the rule judged: the tier-1 components and critical journeys its reason names, not
        # every element the risk's title lists
        r = by_kind["slo-missing"][0]
        reason = r["blocking_reason"]
        judged = reason.partition(": ")[2] or r["title"]
        what = ("An entry point (guessed) or journey" if guessed
                else f"An entry point ({PART_GUESSED}) or journey" if f"(entry points {PART_GUESSED})" in reason
                else f"A tier-1 user-facing component, an entry point ({PART_GUESSED}) or a journey"
                if PART_GUESSED in reason else "A tier-1 user-facing component or journey")
        causes.append(f"{what} has no SLO: {judged}{_acceptance_note(r, launch)}.")
    if "reviewer" in by_kind:
        rs = by_kind["reviewer"]
        causes.append(f"{len(rs)} reviewer-entered or reviewer-marked risk{'s' if len(rs) != 1 else ''} "
                      f"block{'s' if len(rs) == 1 else ''} launch: {_titles(rs, launch, blocking=True)}.")
    if "other" in by_kind:
        rs = by_kind["other"]
        causes.append(f"{len(rs)} other launch-blocking risk{'s' if len(rs) != 1 else ''}: "
                      f"{_titles(rs, launch, blocking=True)}.")
    partly = min(int(check.get("partly_blockers", 0) or 0), not_met)
    if not_met:
        names = [_short_item(x) for x in check.get("blocking_items", [])]
        causes.append(f"{not_met} blocker checklist item{'s are' if not_met != 1 else ' is'} "
                      f"{_not_met_state(not_met, partly)}" + (": " + _list(names, 4) if names else "") + ".")
    if unanswered:
        causes.append(f"{unanswered} applicable blocker checklist item{'s are' if unanswered != 1 else ' is'} "
                      "unanswered (an unanswered blocker counts as not met)"
                      + _unanswered_names(check.get("unanswered_items") or (), unanswered) + ".")
    # every open high or critical risk, launch blockers included: each needs an owner and a due date
    high = [r for r in risks if r.severity in ("critical", "high") and open_at_launch(r)]
    open_high = [r for r in high if r.policy_required]
    unplanned = [r for r in open_high if not (r.owner and has_due_date(r, today))]
    if unplanned:  # a cause whatever else blocks: ready with conditions needs a plan for each
        causes.append(_unplanned_cause(open_high, unplanned, today))
    few = next((a for a in assumptions if a["id"] == "few-dependencies"), None)
    if few is not None:  # an analysis of unconnected components finds almost nothing: never "ready" on it
        causes.append(f"Too few dependencies are known ({few['dependencies']} for {few['components']} components): "
                      "the risks the calls between services carry cannot be found; add the dependencies (or "
                      "import traces) and analyse again.")
    if blockers or not_met or unanswered or unplanned or few is not None:
        v = "not-ready"
    elif open_high:
        v = "ready-with-conditions"
        causes.append(f"No launch blocker is open; {len(open_high)} high or critical risk"
                      f"{'s remain' if len(open_high) != 1 else ' remains'} open, each with an owner and a due date "
                      "still ahead." + _beyond_policy(high))
    else:
        v = "ready"
        causes.append("No launch blocker and no open high or critical risk" + (
            " of a disruption the resilience policy requires surviving." + _beyond_policy(high) if high else "."))
    decided = _deciding_assumptions(review, assumptions, checklist)
    return {
        "verdict": v,
        "causes": causes,
        "reasons": causes,  # the former name
        "assumptions": decided,
        "launch_blockers": [r["id"] for r in blockers],
        "checklist_blockers": not_met,
        "checklist_partly_blockers": partly,
        "checklist_unanswered_blockers": unanswered,
        "open_high_without_plan": [r["id"] for r in unplanned],
    }


def _titles(rs: list[dict], launch: str | None = None, *, blocking: bool = False) -> str:
    """The first three risks' titles, then how many more; ``blocking``: they are launch blockers, and
    each title says why an acceptance of it does not count (:func:`_acceptance_note`; ``launch``: the
    target launch date)."""
    if not blocking:
        return _list([r["title"] for r in rs], 3)
    return _list([r["title"] + _acceptance_note(r, launch) for r in rs[:3]], 3, len(rs))


def _acceptance_note(r: Mapping, launch: str | None) -> str:
    """Why the acceptance of a launch-blocking risk does not count, in words ("" without one): it
    ends before the target launch ``launch``, or it expired."""
    found = still_found(r)
    if found:  # marked done or closed, and still found: why it blocks all the same
        return f" ({found.removeprefix('mitigated: ')})"
    acc = r.get("accepted")
    if not acc:
        return ""
    if r.get("acceptance_expired"):
        return f" (its acceptance expired on {acc.get('until')})"
    if r.get("acceptance_before_launch"):
        return (f" (accepted only until {acc.get('until')}, before launch"
                + (f" on {launch})" if launch else ")"))
    return ""


def _beyond_policy(high: list) -> str:
    """What the verdict's last sentence adds of the open high or critical risks of disruptions the
    resilience policy does not require surviving (they do not decide it, and are not hidden)."""
    other = [r for r in high if not r.policy_required]
    if not other:
        return ""
    return (f" {len(other)} other high or critical risk{'s' if len(other) != 1 else ''}, of disruptions the "
            f"policy does not require surviving, {'are' if len(other) != 1 else 'is'} in the register: "
            f"{_titles(other)}.")


def _unplanned_cause(open_high: list[dict], unplanned: list[dict], today: str | None = None) -> str:
    """The cover's sentence on the open high or critical risks (launch blockers included) that lack an
    owner or a mitigation with a due date still ahead: it counts every one of them, and reads right
    for one."""
    n = len(open_high)
    no_owner = [r for r in unplanned if not r["owner"]]
    late = [r for r in unplanned if r["owner"] and today is not None and overdue(r, today)]
    no_date = [r for r in unplanned if r["owner"] and r not in late]
    parts = []
    for group, what in ((no_owner, "no owner"), (no_date, "an owner but no mitigation with a due date"),
                        (late, f"an owner but only mitigations past their due date (as of {today})")):
        if not group:
            continue
        if n == 1:
            parts.append(f"has {what} ({_titles(group)})")
        else:
            every = f"all {n}" if len(group) == n else str(len(group))
            parts.append(f"{every} {'has' if len(group) == 1 else 'have'} {what} ({_titles(group)})")
    if n == 1:
        return "The one open high or critical risk " + "; ".join(parts) + "."
    return f"Of the {n} open high or critical risks, " + "; ".join(parts) + "."


def _not_met_state(not_met: int, partly: int) -> str:
    """How the blocker items the checklist counts as not met are said, true of them: "not met", or
    when some are answered partly (which counts as not met) "not met in full (answered partly)" for
    all of them, "not met, or met only partly (1 answered partly)" for some."""
    if not partly:
        return "not met"
    if partly >= not_met:
        return "not met in full (answered partly)"
    return f"not met, or met only partly ({partly} answered partly)"


#: the unanswered blocker items a verdict's cause names before counting the rest
UNANSWERED_NAMED = 4


def _unanswered_names(names, total: int) -> str:
    """": “question” (subject); ...; and 6 more (section 7.1)" for the unanswered blocker items named in
    the checklist's figures (a full evaluation names them: the report and ``prr gate``), "" without
    names (the checklist's summary, ``prr analyze`` and the app, counts them only)."""
    names = list(names)[:UNANSWERED_NAMED]
    if not names:
        return ""
    more = total - len(names)
    return ": " + "; ".join(names) + (f"; and {more} more (section 7.1)" if more > 0 else "")


def _short_item(name: str) -> str:
    """A checklist item named "key: question" as its key and the question's start."""
    key, _, q = str(name).partition(": ")
    if not q:
        return key
    q = q.split(". ")[0].rstrip(".")
    return f"{key} ({q[:57].rsplit(' ', 1)[0]}…)" if len(q) > 60 else f"{key} ({q})"


def _shielded_note(a: dict) -> str:
    """The calls of the ``hard-inferred`` assumption ``a`` whose evidence records a fallback or a circuit
    breaker, named for the reviewer to confirm first (docs/analysis.md), or ""."""
    shielded = list(a.get("shielded") or ())
    if not shielded:
        return ""
    n = a.get("shielded_count", len(shielded))
    return (f" Confirm first the {count(n, 'call')} whose evidence records a fallback or a circuit breaker "
            "(not taken as the call's fallback by the import): " + ", ".join(shielded[:5])
            + (f" and {n - 5} more" if n > 5 else "") + ".")


def _facing(rs, guessed: bool) -> str:
    """What the launch-blocking SPOFs ``rs`` take down, in words: a critical journey or entry
    points when every one is guessed (``guessed``: no component is marked user-facing); else tier-1
    user-facing components, entry points guessed where none is marked, or both, as their blocking
    reasons (:meth:`RiskRegister._spof_blocking`) say."""
    if guessed:
        return ("a critical journey or an entry point (none is marked user-facing: the entry points, guessed "
                "from the graph, are judged as tier-1 user-facing)")
    part = [PART_GUESSED in r["blocking_reason"] for r in rs]
    both = any(f"(some {PART_GUESSED}" in r["blocking_reason"] for r in rs)
    if any(part) and (both or not all(part)):
        return (f"a critical journey, a tier-1 user-facing component or an entry point {PART_GUESSED} "
                "(judged as tier-1 user-facing)")
    if any(part):
        return f"a critical journey or an entry point {PART_GUESSED} (judged as tier-1 user-facing)"
    return "a critical journey or a tier-1 user-facing component"


def _deciding_assumptions(review, assumptions, checklist) -> list[str]:
    """The defaults and assumptions that decided something, in words, for the cover."""
    out: list[str] = []
    meta = review.meta
    if meta.tier is None:
        out.append("The service tier is not stated: every component without its own tier is judged as tier 1 "
                   "(the most demanding) for launch blocking.")
    else:
        out.append(f"Judged as service tier {meta.tier} (as stated in the review): "
                   + ("a SPOF blocks launch when it takes down any user-facing component of tier 1."
                      if meta.tier == 1 else "a SPOF blocks launch only when it takes down a critical journey or "
                      "a tier-1 user-facing component."))
    if review.policy is None:
        out.append("No resilience policy is stated: the default applies (instance, component and zone failures "
                   "must be survived; region and provider failures are reported, not launch-blocking).")
    else:
        out.append("Resilience policy: must survive " + ", ".join(review.policy.survive or ["nothing"]) + ".")
    if not review.journeys:
        out.append("No user journey is defined: impact is judged on user-facing components only.")
    if not meta.target_launch:
        out.append("No target launch date: acceptances are judged against the review date only.")
    for a in assumptions:
        if a["id"] == "hub-softened" and a.get("elements"):
            # it may have hidden a SPOF (a hub's failure only degrades its callers): always listed
            calls = list(a["elements"])
            n = a.get("count", len(calls))
            hubs = sorted({c.split("->", 1)[-1] for c in calls})
            out.append(f"Hard calls an import inferred on the shared plumbing {', '.join(hubs[:5])}"
                       + (f" and {len(hubs) - 5} more" if len(hubs) > 5 else "")
                       + f" are treated as soft, so the hubs' failures only degrade their callers ({n} call"
                       + ("s" if n != 1 else "") + ": " + ", ".join(calls[:5])
                       + (f" and {n - 5} more" if n > 5 else "")
                       + "); state a call hard (or confirm it soft) to decide.")
        if a["id"] == "hard-inferred":
            n = a.get("count", len(a["elements"]))
            out.append(f"{count(n, 'call')} an import found {'is' if n == 1 else 'are'} taken as hard where no "
                       "fallback is stated (" + ", ".join(list(a["elements"])[:3]) + (f" and {n - 3} more" if n > 3 else "")
                       + "): the import cannot see whether a caller goes on without the answer. These kinds decide which "
                       "components are single points of failure: state as soft each call whose caller goes on without it."
                       + _shielded_note(a))
        if a["id"] == "missing-from-source":
            n = a.get("count", len(a["elements"]))
            out.append(f"{count(n, 'component')} the latest import no longer found {'is' if n == 1 else 'are'} "
                       "still analysed as part of the system (" + ", ".join(list(a["elements"])[:5])
                       + (f" and {n - 5} more" if n > 5 else "") + "): delete the ones that are gone, or remove "
                       "the tag missing-from-source from the ones that stay.")
        if a["id"] == "isolated-components":
            # usually calls an import missed: named, as the reviewer looks for them
            n = a.get("count", len(a["elements"]))
            out.append(f"{count(n, 'component')} {'has' if n == 1 else 'have'} no dependency at all, nothing calls "
                       f"{'it' if n == 1 else 'them'} and {'it calls' if n == 1 else 'they call'} nothing ("
                       + ", ".join(list(a["elements"])[:5]) + (f" and {n - 5} more" if n > 5 else "")
                       + "): only " + ("its" if n == 1 else "their") + " own failure is analysed; an import usually "
                       "missed such calls: add them, or confirm the component stands alone.")
        if a["id"] == "unreached-components":
            # their SPOFs and risks rank low because nothing user-facing needs them: a decision resting on
            # calls the model may lack (TeaStore's database, behind calls made through a registry library)
            n = a.get("count", len(a["elements"]))
            out.append(f"{count(n, 'component')} no user-facing component or journey reaches through any call ("
                       + ", ".join(list(a["elements"])[:5]) + (f" and {n - 5} more" if n > 5 else "")
                       + f"): {'its failure takes' if n == 1 else 'their failures take'} nothing user-facing down "
                       f"here, so {'its' if n == 1 else 'their'} risks rank low. If users depend on "
                       f"{'it' if n == 1 else 'them'}, the calls are missing (an import cannot see calls made "
                       "through a registry or a client library): add them, or confirm "
                       + ("it runs" if n == 1 else "they run") + " on " + ("its" if n == 1 else "their")
                       + " own (a batch job, a consumer, an operators' tool).")
        if a["id"] == "few-dependencies":
            out.append(a["text"][0].upper() + a["text"][1:] + ".")
        if a["id"] in ("entry-points-default", "replicas-default", "availability-default", "checklist-unavailable",
                       "checklist-not-counted", "placement-default"):
            n = a.get("count", len(a.get("elements", [])))
            text = a["text"][0].upper() + a["text"][1:]
            out.append(f"{text}" + (f" ({n} element{'s' if n != 1 else ''})" if n else "") + ".")
    return out
