"""A brute-force oracle for failure propagation, written straight from domain.md.

It knows nothing of bitsets, SCCs or worklists: it enumerates instances,
then applies the rules to every component again and again until nothing
changes (the least fixpoint). Slow and obviously right; the fast paths are
compared with it.
"""
from __future__ import annotations

import networkx as nx

from hypothesis import strategies as st

from prr_app.analysis.compiled import HUB_TAGS
from prr_app.model.entities import (
    Component,
    Dependency,
    FailureDomain,
    Journey,
    RedundancyGroup,
    Review,
)


def oracle(review: Review, components=(), domains=(), instances=()):
    """Return (down, degraded) sets of component ids."""
    failed_domains = set(domains)
    comps = review.components
    hubs = {cid for cid, c in comps.items() if {t.lower() for t in c.tags}.intersection(HUB_TAGS)}
    telemetry = {cid for cid, c in comps.items() if "telemetry" in {t.lower() for t in c.tags}}
    down = set(components)
    for cid, c in comps.items():
        n = c.replicas or 1
        k = min(c.min_healthy or 1, n)
        lost = 0
        for i in range(n):
            doms = set()
            for d in c.instance_domains(i):
                doms.update(review.domain_ancestors(d))
            if doms & failed_domains or (cid, i) in set(instances):
                lost += 1
        if n - lost < k:
            down.add(cid)

    def group_down(gid, down_set):
        g = review.groups[gid]
        up = sum(1 for m in g.members if m not in down_set)
        return up < min(g.min_up, len(g.members))

    changed = True
    while changed:
        changed = False
        for d in review.dependencies.values():
            if d.source in down:
                continue
            # a hub softens a hard call only when an import inferred its kind (the call carries the
            # import's evidence, and no reviewer stated its kind); one stated hard stays hard
            hard = d.kind == "hard" and d.fallback is None and not (d.target in hubs and d.evidence
                                                                    and not d.kind_stated)
            if not hard:
                continue
            if d.target in review.groups:
                t_down = group_down(d.target, down)
            else:
                t_down = d.target in down
            if t_down:
                down.add(d.source)
                changed = True
    affected = set(down)
    changed = True
    while changed:
        changed = False
        for d in review.dependencies.values():
            if d.source in affected:
                continue
            # a telemetry hub's degradation does not reach its callers; its outage does
            if d.target in review.groups:
                hit = any(m in affected and (m not in telemetry or m in down) for m in review.groups[d.target].members)
            else:
                hit = d.target in affected and (d.target not in telemetry or d.target in down)
            if hit:
                affected.add(d.source)
                changed = True
    return down, affected - down


def entry_down(review: Review, eid: str, down: set[str]) -> bool:
    """Is a journey entry down: a component that is down, or a redundancy group with fewer than
    ``min_up`` of its members up."""
    if eid in review.groups:
        members = [m for m in review.groups[eid].members if m in review.components]
        if not members:
            return False
        return sum(1 for m in members if m not in down) < min(review.groups[eid].min_up, len(members))
    return eid in down


def journeys_hit(review: Review, down: set[str], degraded: set[str]) -> tuple[set[str], set[str]]:
    """Journeys down (an entry down) and degraded (not down, an entry or a group entry's member hit)."""
    affected = down | degraded
    jd, jg = set(), set()
    for jid, j in review.journeys.items():
        if any(entry_down(review, e, down) for e in j.entry):
            jd.add(jid)
        elif any(e in affected or (e in review.groups and set(review.groups[e].members) & affected)
                 for e in j.entry):
            jg.add(jid)
    return jd, jg


def user_facing_hit(review: Review, user_facing: set[str], down: set[str], degraded: set[str]):
    """User-facing components down and degraded. One in redundancy groups is served through them:
    down when one of its groups is down, degraded when a member of one is hit and none is down."""
    affected = down | degraded
    ud, ug = set(), set()
    for cid in user_facing:
        groups = [gid for gid, g in review.groups.items() if cid in g.members]
        if not groups:
            if cid in down:
                ud.add(cid)
            elif cid in degraded:
                ug.add(cid)
        elif any(entry_down(review, gid, down) for gid in groups):
            ud.add(cid)
        elif any(set(review.groups[gid].members) & affected for gid in groups):
            ug.add(cid)
    return ud, ug


def default_user_facing(review: Review) -> set[str]:
    """The user-facing components: those marked, and in every part of the review (what calls and
    redundancy groups connect) where none is marked, the members of the strongly connected groups
    that nothing outside depends on, without the components that have no dependency at all (unless
    nothing is marked and no other is left)."""
    marked = {c.id for c in review.components.values() if c.user_facing}
    g = nx.DiGraph()
    g.add_nodes_from(review.components)
    for d in review.dependencies.values():
        targets = review.groups[d.target].members if d.target in review.groups else [d.target]
        g.add_edges_from((d.source, t) for t in targets if t in review.components and d.source in review.components)
    entries = set()
    for scc in nx.strongly_connected_components(g):
        if not any(p not in scc for c in scc for p in g.predecessors(c)):
            entries |= scc
    # workers reading their work from a queue (a soft dependency on one) are no entries, unless they are all
    workers = {d.source for d in review.dependencies.values() if d.kind == "soft" and d.target in review.components
               and review.components[d.target].kind == "queue"}
    entries = (entries - workers) or entries
    connected = {c for c in entries if g.degree(c) > 0}
    if not marked:
        return connected or entries
    parts = g.to_undirected()
    for grp in review.groups.values():
        members = [m for m in grp.members if m in review.components]
        parts.add_edges_from(zip(members, members[1:]))
    unmarked = set()
    for part in nx.connected_components(parts):
        if not part & marked:
            unmarked |= part
    return marked | (connected & unmarked)


def hits_a_target(review: Review, down: set[str]) -> bool:
    """Does this down set take down a journey or a user-facing component (a SPOF's test)?"""
    return bool(journeys_hit(review, down, set())[0] or user_facing_hit(review, default_user_facing(review),
                                                                           down, set())[0])


@st.composite
def reviews(draw, max_components=9):
    """Random small reviews with cycles, replicas, k-of-n, groups, nested domains, soft/async deps, fallbacks."""
    n = draw(st.integers(1, max_components))
    ids = [f"c{i}" for i in range(n)]
    r = Review()
    ndom = draw(st.integers(0, 5))
    for i in range(ndom):
        parent = None
        if i > 0 and draw(st.booleans()):
            parent = f"d{draw(st.integers(0, i - 1))}"
        r.add(FailureDomain(id=f"d{i}", kind="zone", parent=parent,
                            availability=draw(st.sampled_from([None, 99.9, 99.99]))))
    for cid in ids:
        replicas = draw(st.sampled_from([None, 1, 2, 3, 4]))
        min_healthy = None
        if replicas and replicas > 1 and draw(st.booleans()):
            min_healthy = draw(st.integers(1, replicas))
        placement: list[str] = []
        shared: list[str] = []
        if ndom:
            placement = draw(st.lists(st.sampled_from([f"d{i}" for i in range(ndom)]), unique=True, max_size=3))
            if draw(st.integers(0, 4)) == 0:
                shared = draw(st.lists(st.sampled_from([f"d{i}" for i in range(ndom)]), unique=True, max_size=1))
        tags = [draw(st.sampled_from(["telemetry", "config", "discovery"]))] if draw(st.integers(0, 6)) == 0 else []
        r.add(Component(id=cid, replicas=replicas, min_healthy=min_healthy, placement=placement,
                        shared_domains=shared, tags=tags,
                        availability=draw(st.sampled_from([None, 99.0, 99.5, 99.9])),
                        user_facing=draw(st.integers(0, 3)) == 0))
    ngroups = draw(st.integers(0, 2)) if n >= 2 else 0
    for gi in range(ngroups):
        members = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=min(4, n)))
        r.add(RedundancyGroup(id=f"g{gi}", members=members, min_up=draw(st.integers(1, len(members)))))
    targets = ids + [f"g{gi}" for gi in range(ngroups)]
    edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(targets)), max_size=n * 3))
    for s, t in edges:
        if s == t:
            continue
        kind = draw(st.sampled_from(["hard", "hard", "hard", "soft", "async"]))
        if kind != "async" and t in r.groups and s in r.groups[t].members:
            kind = "async"  # a member may not call its own group (the model's rule): only publish to it
        fb = "cache" if draw(st.integers(0, 5)) == 0 else None
        # an imported call carries its evidence (its kind inferred); a hand-written one none
        ev = ["import.yaml:1: named"] if draw(st.booleans()) else []
        r.add(Dependency(source=s, target=t, kind=kind, fallback=fb, evidence=ev))
    if draw(st.booleans()):
        entry = draw(st.lists(st.sampled_from(targets), unique=True, min_size=1, max_size=2))
        r.add(Journey(id="j0", entry=entry, slo=99.0, critical=draw(st.booleans())))
    return r
