"""Exact failure propagation for one what-if: fail some elements, see what follows.

This is the reference semantics (domain.md, "Failure semantics"):

* a component is **down** when fewer than its required healthy instances
  are up, or a hard dependency without fallback is down, or a redundancy
  group it hard-depends on has fewer than ``min_up`` members up;
* it is **degraded** when it is not down but depends (in any way) on
  something that is down or degraded; a redundancy group counts as
  affected when any member is.

The down set is the least fixpoint of the rules, found with a worklist (each
component and group enters it at most once), so cycles terminate and
nothing is taken down without a cause. Every component records the element
that took it down or degraded it, which gives the chain.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from prr_app.analysis.compiled import CompiledGraph, compile_review
from prr_app.model.entities import Review
from prr_app.errors import PrrError


@dataclass
class Outcome:
    """What a set of failures does to the system."""

    down: set[str] = field(default_factory=set)
    degraded: set[str] = field(default_factory=set)
    journeys_down: set[str] = field(default_factory=set)
    journeys_degraded: set[str] = field(default_factory=set)
    groups_down: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)  # the elements failed on purpose
    _cause: dict[str, str] = field(default_factory=dict, repr=False)

    def chain(self, component_id: str) -> list[str]:
        """The path that carried the failure to ``component_id``.

        Starts with a failed element (a component id, a domain id, or
        ``component#i`` for an instance), goes through every component (and
        redundancy group) on the way, and ends with ``component_id``. Empty
        when the component is neither down nor degraded.
        """
        if component_id not in self._cause:
            return []
        path = [component_id]
        seen = {component_id}
        cur = component_id
        while True:
            nxt = self._cause.get(cur)
            if nxt is None or nxt == cur or nxt in seen:
                break
            path.append(nxt)
            seen.add(nxt)
            cur = nxt
        path.reverse()
        return path

    def to_dict(self) -> dict:
        return {
            "failed": list(self.failed),
            "down": sorted(self.down),
            "degraded": sorted(self.degraded),
            "journeys_down": sorted(self.journeys_down),
            "journeys_degraded": sorted(self.journeys_degraded),
        }


@dataclass
class RawOutcome:
    """Propagation result over component indices (used by the analysis)."""

    down: list[bool]
    affected: list[bool]
    cause: dict  # key -> key; keys are ("c", i), ("g", gi), ("d", di), ("i", c, n)
    groups_down: set[int]


def propagate(
    graph: CompiledGraph,
    components: set[int] = frozenset(),
    domains: set[int] = frozenset(),
    instances: dict[int, set[int]] | None = None,
) -> RawOutcome:
    """Fail the given components, domains and instances; return the fixpoint."""
    n = graph.n
    instances = instances or {}
    down = [False] * n
    cause: dict = {}
    queue: deque[int] = deque()

    def mark(c: int, why) -> None:
        if not down[c]:
            down[c] = True
            cause[("c", c)] = why
            queue.append(c)

    for c in sorted(components):
        mark(c, ("c", c))
    if domains or instances:
        fd = set(domains)
        touched: set[int] = set()
        for d in fd:
            touched.update(graph.domain_lost[d])
        touched.update(instances)
        for c in sorted(touched):
            if down[c]:
                continue
            lost = graph.lost_instances(c, fd, instances.get(c, set()))
            if graph.replicas[c] - lost < graph.min_healthy[c]:
                why = None
                for d in sorted(fd):
                    if d in graph.shared_closure[c] or any(d in clo for clo in graph.slot_closure[c]):
                        why = ("d", d)
                        break
                if why is None:
                    why = ("i", c, min(instances.get(c, {0})))
                mark(c, why)
    groups = graph.groups
    gcount = [0] * len(groups)
    gdown: set[int] = set()
    while queue:
        c = queue.popleft()
        for s in graph.hard_in[c]:
            mark(s, ("c", c))
        for g in graph.member_of[c]:
            gcount[g] += 1
            if g not in gdown and len(groups[g].members) - gcount[g] < groups[g].min_up:
                gdown.add(g)
                cause[("g", g)] = ("c", c)
                for s in graph.group_dependents[g]:
                    mark(s, ("g", g))
    # affected: everything that reaches a down component along any dependency, except through a
    # telemetry hub that is only degraded (docs/analysis.md, "Hubs")
    affected = list(down)
    aq = deque(c for c in range(n) if down[c])
    telemetry = graph.telemetry
    while aq:
        c = aq.popleft()
        if c in telemetry and not down[c]:
            continue
        for s in graph.any_in[c]:
            if not affected[s]:
                affected[s] = True
                cause[("c", s)] = ("c", c)
                aq.append(s)
    return RawOutcome(down, affected, cause, gdown)


def _key_name(graph: CompiledGraph, key) -> str:
    kind = key[0]
    if kind == "c":
        return graph.ids[key[1]]
    if kind == "g":
        return graph.groups[key[1]].id
    if kind == "d":
        return graph.domain_ids[key[1]]
    return f"{graph.ids[key[1]]}#{key[2]}"


def outcome_from_raw(graph: CompiledGraph, raw: RawOutcome, failed: list[str]) -> Outcome:
    review = graph.review
    out = Outcome(failed=list(failed))
    for c in range(graph.n):
        if raw.down[c]:
            out.down.add(graph.ids[c])
        elif raw.affected[c]:
            out.degraded.add(graph.ids[c])
    out.groups_down = {graph.groups[g].id for g in raw.groups_down}
    for key, why in raw.cause.items():
        name = _key_name(graph, key)
        wname = _key_name(graph, why)
        out._cause[name] = name if why == key else wname
    for jid, j in review.journeys.items():
        # an entry may be a redundancy group: down when fewer than min_up members are up
        # (groups that need every member are expanded into plain edges, never in groups_down)
        if any(e in out.down or _group_entry_down(graph, e, out) for e in j.entry):
            out.journeys_down.add(jid)
        elif any(e in out.degraded or (e in review.groups and (set(review.groups[e].members)
                                                              & (out.down | out.degraded))) for e in j.entry):
            out.journeys_degraded.add(jid)
    return out


def _group_entry_down(graph: CompiledGraph, e: str, out: Outcome) -> bool:
    gi = graph.group_index.get(e)
    if gi is None:
        return False
    grp = graph.groups[gi]
    if grp.threshold == 1:
        return any(graph.ids[m] in out.down for m in grp.members)
    return e in out.groups_down


def simulate(
    review: Review,
    *,
    components=(),
    domains=(),
    instances=(),
    graph: CompiledGraph | None = None,
) -> Outcome:
    """What-if: fail ``components``, ``domains`` and ``instances`` together.

    ``instances`` are ``(component_id, index)`` pairs. Unknown ids raise
    :class:`PrrError`. Pass a ``graph`` from :func:`compile_review` to reuse
    it across many what-ifs on an unchanged review.

    >>> from prr_app.model.entities import Review, Component, Dependency
    >>> r = Review()
    >>> for c in ("web", "db"):
    ...     r.add(Component(id=c))
    >>> r.add(Dependency("web", "db"))
    >>> sorted(simulate(r, components=["db"]).down)
    ['db', 'web']
    """
    g = graph or compile_review(review)
    comps: set[int] = set()
    failed: list[str] = []
    for cid in components:
        if cid not in g.index:
            raise PrrError(f"unknown component {cid!r}", location="what-if")
        comps.add(g.index[cid])
        failed.append(cid)
    doms: set[int] = set()
    for did in domains:
        if did not in g.domain_index:
            raise PrrError(f"unknown failure domain {did!r}", location="what-if")
        doms.add(g.domain_index[did])
        failed.append(did)
    inst: dict[int, set[int]] = {}
    for pair in instances:
        try:
            cid, i = pair
        except (TypeError, ValueError):
            raise PrrError(f"an instance is a (component id, index) pair, got {pair!r}", location="what-if") from None
        if cid not in g.index:
            raise PrrError(f"unknown component {cid!r}", location="what-if")
        c = g.index[cid]
        if not isinstance(i, int) or not 0 <= i < g.replicas[c]:
            raise PrrError(f"{cid!r} has no instance {i!r} (it has {g.replicas[c]})", location="what-if")
        inst.setdefault(c, set()).add(i)
        failed.append(f"{cid}#{i}")
    raw = propagate(g, comps, doms, inst)
    return outcome_from_raw(g, raw, failed)
