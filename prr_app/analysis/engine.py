"""The whole analysis of a review in one call: :func:`analyze`.

It ties the parts together:

* ``compiled``: the review compiled into integer arrays;
* ``blast``: down / affected bitsets for every component and domain failure;
* ``chains``: the chain of components that carries each SPOF;
* ``availability``: composite availability of journeys and user-facing
  components;
* ``findings``: common-cause and cascading-failure findings;
* ``risks``: the scored risk register and the verdict;
* ``document``: the result, plain JSON-able data (``schemas/analysis.schema.json``).
"""
from __future__ import annotations

import datetime as _dt
import heapq
from operator import itemgetter

from prr_app.analysis import findings as _findings
from prr_app.analysis import risks as _risks
from prr_app.analysis.availability import AvailabilityModel
from prr_app.analysis.blast import BlastRadius, Scenario
from prr_app.analysis.chains import Chains, prefixed
from prr_app.analysis.compiled import (
    DEP_HARD,
    DEP_ID,
    DEP_SOURCE,
    CompiledGraph,
    ShapeMemo,
    bits_of,
    compile_review,
    first_ancestors,
    mask_of,
)
from prr_app.analysis.coverage import few_dependencies, few_dependencies_text
from prr_app.analysis.document import Analysis, CycleIndex
from prr_app.model.entities import ADMIN_UI, CLIENT, LOAD_GENERATOR, MISSING_TAG, Review


def unmarked_parts(graph: CompiledGraph, marked: list[int]) -> set[int]:
    """The components of the parts of the review with no component marked user-facing: a part is
    what calls connect (either way) and redundancy groups join. Two systems imported side by side,
    one of which marks its users (a Structurizr person), must not leave the other without entry
    points and so without findings."""
    n = graph.n
    part = list(range(n))  # union-find, path halving

    def find(i: int) -> int:
        while part[i] != i:
            part[i] = part[part[i]]
            i = part[i]
        return i

    for s, out in enumerate(graph.any_out):
        for t in out:
            a, b = find(s), find(t)
            if a != b:
                part[a] = b
    first_member: dict[int, int] = {}
    for i, groups in enumerate(graph.member_of):
        for gi in groups:
            j = first_member.setdefault(gi, i)
            a, b = find(i), find(j)
            if a != b:
                part[a] = b
    covered = {find(i) for i in marked}
    return {i for i in range(n) if find(i) not in covered}


def entry_points(graph: CompiledGraph) -> tuple[list[int], list[int]]:
    """The user-facing components the analysis judges by: those marked so, and the entry points it
    guesses (:func:`default_entry_points`) in every part of the review where none is marked (all
    of it when none is), components with no dependency at all left out wherever a component is
    marked. Returns (marked, guessed), each sorted. docs/analysis.md."""
    comps = graph.review.components
    marked = [i for i, cid in enumerate(graph.ids) if comps[cid].user_facing]
    if not marked:
        return [], default_entry_points(graph)
    among = unmarked_parts(graph, marked)
    if not among:
        return marked, []
    guessed = [i for i in default_entry_points(graph, among) if graph.any_in[i] or graph.any_out[i]]
    return marked, guessed


def default_entry_points(graph: CompiledGraph, among: set[int] | None = None) -> list[int]:
    """The entry points when no component is marked user-facing: the components of the strongly
    connected groups nothing outside depends on (a client and a service calling each other are
    both entries), leaving out components with no dependency at all (a datastore nothing was seen
    to use is not where users come in) unless nothing else is left. ``among``: only these
    components (whole parts of the graph, :func:`unmarked_parts`). docs/analysis.md."""
    n = graph.n
    cond = graph.condensation(graph.any_out)
    # a load generator calls the system but is no user: what only it calls is where users come in
    lg = graph.load_generators
    if lg:  # (a proxy that serves the load generator's own page shares a cycle with it: the proxy is the entry)
        tools = [all(i in lg for i in cond.members[s]) for s in range(len(cond))]
        sources = [s for s in range(len(cond)) if not tools[s] and all(tools[p] for p in cond.pred[s])]
    else:
        sources = [s for s in range(len(cond)) if not cond.pred[s]]
    entries = [i for s in sources for i in cond.members[s] if i not in lg and (among is None or i in among)]
    # a worker that reads its work from a queue (a soft dependency on it: how imports record a
    # consumer's poll) is no front door either: nothing calls it because its work comes from the
    # queue (the OpenTelemetry demo's accounting and fraud-detection were critical SPOFs of their own)
    workers = _queue_workers(graph, entries)
    entries = [i for i in entries if i not in workers] or entries
    connected = [i for i in entries if graph.any_in[i] or graph.any_out[i]]
    return sorted(connected or entries) if n else []


def _queue_workers(graph: CompiledGraph, candidates: list[int]) -> set[int]:
    """Of ``candidates``, the components with a soft dependency on a queue (they read their work from it)."""
    if not candidates:
        return set()
    wanted = set(candidates)
    comps, ids = graph.review.components, graph.ids
    return {src for src, tc, _tg, kind, _h, _fb, _soft, _did in graph.deps
            if src in wanted and kind == "soft" and tc is not None and comps[ids[tc]].kind == "queue"}


class Context:
    """What every part of the analysis needs: the graph, the targets, the scenarios.

    The risk register (``risks.RiskRegister``) reads ``g``, ``review``, ``journeys``, ``uf_mask``,
    ``spof_components``, ``only_through``, :meth:`ids`, :meth:`hits`, :meth:`tier1_down` and
    :meth:`critical_journeys_down`: what a scenario hits, summarised once (its bitsets may be gone
    by then, :func:`analyze`). A journey may
    enter by a redundancy group (``journey_groups``), and user-facing members of a group are served
    through it (``uf_groups``): both are down when the group is (:meth:`group_down`).
    """

    def __init__(self, review: Review, graph: CompiledGraph, br: BlastRadius):
        self.review = review
        self.g = graph
        self.br = br
        n = graph.n
        comps = [review.components[c] for c in graph.ids]
        marked, guessed = entry_points(graph)
        #: no component is marked user-facing: every entry point is guessed
        self.default_entries = not marked
        #: the entry points guessed from the graph (indices): all of them, or those of the parts of
        #: the review where no component is marked (:func:`unmarked_parts`)
        self.guessed = frozenset(guessed)
        self.user_facing = sorted(marked + guessed)
        self.uf_mask = mask_of(self.user_facing, n)
        # user-facing components in a redundancy group are served through it: the group is the
        # user-facing unit (down only when fewer than min_up members are up), docs/analysis.md
        self.uf_groups: list[tuple[int, int, int]] = []  # (group, members mask, user-facing members mask)
        for grp in graph.groups:
            um = self.uf_mask & mask_of(grp.members, n)
            if um:
                self.uf_groups.append((grp.index, mask_of(grp.members, n), um))
        self.uf_solo_mask = self.uf_mask
        for _gi, _mm, um in self.uf_groups:
            self.uf_solo_mask &= ~um
        # without a user-facing component served through a group, the first user-facing components a
        # component's failure takes down (when no threshold group goes down with it) are found in one
        # pass over the condensation for all of them (first_user_facing), instead of from a bitset as
        # wide as the graph per component
        self._first_uf: list[tuple[int, ...]] | None = None
        if not self.uf_groups:
            wanted = bytearray(n)
            for i in self.user_facing:
                wanted[i] = 1
            self._first_uf = graph.derived(graph.hard_out, ("first_ancestors", bytes(wanted), USER_FACING_LISTED),
                                           lambda cond: first_ancestors(cond, wanted, USER_FACING_LISTED))
        self.journeys: list[tuple[str, int, bool]] = []  # (id, component entries mask, critical)
        self.journey_groups: dict[str, list[int]] = {}  # id -> the redundancy groups it enters by
        jmask = 0
        entries: set[int] = set()  # the components of target_mask, below
        for jid in sorted(review.journeys):
            j = review.journeys[jid]
            m = 0
            for e in j.entry:
                if e in graph.index:
                    m |= 1 << graph.index[e]
                    entries.add(graph.index[e])
                elif e in graph.group_index:
                    self.journey_groups.setdefault(jid, []).append(graph.group_index[e])
            self.journeys.append((jid, m, bool(j.critical)))
            jmask |= m
        self.target_mask = self.uf_solo_mask | jmask  # targets taken down by a component going down
        uf_grouped = {m for grp in graph.groups for m in grp.members}
        entries.update(i for i in self.user_facing if i not in uf_grouped)
        self.target_groups = sorted({gi for gs in self.journey_groups.values() for gi in gs}
                                    | {gi for gi, _mm, _um in self.uf_groups})  # ... and by a group going down
        self._gmask = {gi: mask_of(graph.groups[gi].members, n) for gi in self.target_groups}
        # a group can be down or hit only through its members: the groups to look at, by member
        self._tg_members = 0
        self._groups_of: dict[int, list[int]] = {}
        for gi in self.target_groups:
            self._tg_members |= self._gmask[gi]
            for m in graph.groups[gi].members:
                self._groups_of.setdefault(m, []).append(gi)
        self._uf_group = {gi: (mm, um) for gi, mm, um in self.uf_groups}
        self._critical_ids = {jid for jid, _m, crit in self.journeys if crit}
        self._jcache: dict[tuple, tuple] = {}
        self._jpairs: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # what every scenario hits when there is nothing to hit: shared, read-only (as hits() says),
        # not two new lists per scenario (200,000 containers at 100,000 components, on an import)
        self._no_journeys = ((), ())
        self._none_listed = ()
        self._first_ids: dict[tuple[int, ...], list[str]] = {}
        # user-facing components judged as tier 1 (an unknown tier counts as tier 1): what makes a SPOF blocking
        self.tier1_uf_mask = mask_of([i for i in self.user_facing if review.blocking_tier(comps[i]) == 1], n)
        # the ranking's tie-break (risks.reach_key): how much of the system users reach only through
        # each component
        entries = tuple(sorted(entries))
        self.only_through = graph.derived(
            graph.any_out, ("reached_only_through", entries),
            lambda cond: _risks.reached_only_through(graph.any_out, entries, cond))
        self.spof_components = bytearray(n)  # 1 where the component's own failure is a SPOF
        self.hits_cache: dict[tuple[int, int], tuple] = {}  # see _scenario_facts

    def first_user_facing(self, sc: Scenario) -> tuple[int, ...] | None:
        """The first :data:`USER_FACING_LISTED` user-facing components (indices, ascending) a
        component scenario takes down, when known without reading its bitset; else None."""
        if self._first_uf is None or sc.kind != "component" or sc.fired:
            return None
        return self._first_uf[self.br.scc_h[sc.index]]

    def first_ids(self, first: tuple[int, ...]) -> list[str]:
        """The ids of :meth:`first_user_facing`'s components: one list (read-only, as :meth:`hits`
        says) for the scenarios that take down the same first ones, thousands on an import."""
        names = self._first_ids.get(first)
        if names is None:
            ids = self.g.ids
            names = self._first_ids[first] = tuple([ids[i] for i in first])
        return names

    def group_down(self, sc: Scenario, gi: int) -> bool:
        """Does the scenario leave redundancy group ``gi`` with fewer than ``min_up`` members up?"""
        if self.g.groups[gi].threshold == 1:  # every member needed: expanded into plain edges
            return bool(sc.down & self._gmask[gi])
        return gi in sc.fired

    def _groups_hit(self, bits: int) -> list[int]:
        """The target groups with a member in ``bits``."""
        return sorted({gi for m in bits_of(bits & self._tg_members) for gi in self._groups_of[m]})

    def takes_down_target(self, sc: Scenario) -> bool:
        """Does the scenario take down a journey or a user-facing component (or unit)?"""
        return bool(sc.down & self.target_mask) or any(self.group_down(sc, gi) for gi in self._groups_hit(sc.down))

    def user_facing_hit(self, sc: Scenario) -> tuple[int, int]:
        """The user-facing components a scenario takes down and degrades, as bitsets. One in a
        redundancy group is down when one of its groups is down, degraded when a member of a
        group of its is affected (its own failure included) but the group is up."""
        if not self.uf_groups:
            return sc.down & self.uf_mask, sc.degraded & self.uf_mask
        down = sc.down & self.uf_solo_mask
        deg = sc.degraded & self.uf_solo_mask
        for gi in self._groups_hit(sc.affected):
            hit = self._uf_group.get(gi)
            if hit is None:  # a journey's group, not a user-facing one
                continue
            if self.group_down(sc, gi):
                down |= hit[1]
            else:
                deg |= hit[1]
        return down, deg & ~down

    def ids(self, bits: int, limit: int | None = None) -> list[str]:
        ids = self.g.ids
        return tuple([ids[i] for i in bits_of(bits, limit)])

    def journeys_hit(self, sc: Scenario) -> tuple[list[str], list[str]]:
        """The journeys a scenario takes down (an entry down) and degrades (an entry affected)."""
        if sc.facts is not None:  # summarised (its bitsets may be gone)
            hits = sc.facts[0]
            return hits["journeys"], hits["journeys_degraded"]
        if not self.journeys:  # an import: one pair of empty lists for every scenario, nothing cached
            return self._no_journeys
        key = (sc.kind, sc.index)
        hit = self._jcache.get(key)
        if hit is None:
            down, deg = [], []
            d, up = sc.down, sc.upstream
            jg = self.journey_groups
            for jid, m, _crit in self.journeys:
                groups = jg.get(jid, ())
                if m & d or any(self.group_down(sc, gi) for gi in groups):
                    down.append(jid)
                elif m & up or any(self._gmask[gi] & (up | d) for gi in groups):
                    deg.append(jid)
            # one pair of lists per distinct answer, shared by the scenarios that give it (read-only,
            # as hits() says): a few journeys give a handful of answers, not two lists per component
            hit = (tuple(down), tuple(deg))
            hit = self._jcache[key] = self._jpairs.setdefault(hit, hit)
        return hit

    def hits(self, sc: Scenario) -> dict:
        """What a scenario hits, shared (do not modify): ``down_count``, ``degraded_count``,
        ``journeys``, ``journeys_degraded``, ``user_facing_down`` (the first few, by id),
        ``user_facing_down_count``, ``user_facing_degraded``, ``user_facing_degraded_count``."""
        facts = sc.facts or _scenario_facts(self, sc)
        return facts[0]

    def tier1_down(self, sc: Scenario) -> tuple[list[str], int]:
        """The tier-1 user-facing components a scenario takes down (through their groups, if in
        one; an unknown tier counts as tier 1): the first :data:`USER_FACING_LISTED` by id, and how many."""
        facts = sc.facts or _scenario_facts(self, sc)
        if facts[1] is None:  # every user-facing component judged as tier 1: the hits' own
            hits = facts[0]
            return hits["user_facing_down"], hits["user_facing_down_count"]
        return facts[1]

    def release(self, comp_scen: dict[int, Scenario]) -> None:
        """Let the component scenarios' bitsets go, once each is summarised (:meth:`hits`): what is
        asked of them afterwards is read from the summaries."""
        for sc in comp_scen.values():  # each summarised by _blast_radius (done again: let go already)
            sc.down = sc.upstream = None
        self.hits_cache.clear()
        self.br.release()

    def guessed_kind(self, names) -> bool | None:
        """Whether the user-facing components ``names`` (ids) are entry points the analysis guessed:
        True (all of them: worded "entry point"), False (none: "user-facing"), None (some)."""
        if self.default_entries or not self.guessed:
            return self.default_entries
        index = self.g.index
        n_guessed = sum(1 for x in names if index[x] in self.guessed) if names else 0
        return True if names and n_guessed == len(names) else False if n_guessed == 0 else None

    def critical_journeys_down(self, sc: Scenario) -> list[str]:
        crit = self._critical_ids
        if not crit:  # an import has no journeys: asked three times per SPOF, 30,000 times at 10k
            return []
        return [jid for jid in self.journeys_hit(sc)[0] if jid in crit]


def analyze(review: Review, *, seed: int = 0, detail: bool = False, today: str | None = None,
            checklist: dict | None = None, memo: ShapeMemo | None = None) -> Analysis:
    """Analyse a review: SPOFs, blast radius, failure domains, common cause,
    composite availability, cascading risks, the scored risk register and the verdict.

    Parameters
    ----------
    review : Review
        The review; it is not modified.
    seed : int
        Seed of the Monte Carlo simulation used where exact availability is
        out of reach. The same review and seed give the same output.
    detail : bool
        Add the full down / degraded sets of every component and failure domain
        (otherwise counts, the user-facing components and journeys hit, and chains).
    today : str, optional
        ISO date used to decide whether an acceptance has expired (default:
        the current date).
    checklist : dict, optional
        The review's checklist figures, from :func:`~prr_app.analysis.document.checklist_figures`
        (or :func:`~prr_app.analysis.document.checklist_error`): its unmet blockers count in the
        verdict. ``prr_app.review.assess.assess`` passes them; without them the verdict says
        that the checklist is not counted.
    memo : ShapeMemo, optional
        What the analyses of earlier states of the same review made of its graphs
        (condensations, upstream bitsets, dominators), reused when a graph is unchanged and
        added to: the app's live analysis keeps one; the result is the same with or without.

    Examples
    --------
    >>> from prr_app.model.entities import Review, Component, Dependency, Journey
    >>> r = Review()
    >>> r.add(Component(id="web", user_facing=True)); r.add(Component(id="db"))
    >>> r.add(Dependency("web", "db")); r.add(Journey(id="buy", entry=["web"]))
    >>> a = analyze(r)
    >>> [(s["element"], s["element_type"]) for s in a.spofs]
    [('web', 'component'), ('web#0', 'instance'), ('db', 'component'), ('db#0', 'instance')]
    >>> a.verdict["verdict"]
    'not-ready'
    """
    today = today or _dt.date.today().isoformat()
    g = compile_review(review, memo)
    br = BlastRadius(g)
    ctx = Context(review, g, br)
    assumptions = _assumptions(ctx)

    spofs, comp_scen, dom_scen = _spofs(ctx)
    blast = _blast_radius(ctx, comp_scen)
    fdomains = _failure_domains(ctx, dom_scen)
    evidence = _evidence_gaps(ctx, spofs, comp_scen, (checklist or {}).get("evidence_items"))
    cycles = _detail(ctx, blast, fdomains, comp_scen, dom_scen) if detail else None
    # every component scenario is summarised now (what the register and the document read): its
    # bitsets (over a gigabyte at 100,000 components) go before the availability model makes its
    # own, which then reuse their memory, unless the common-cause findings still read them (a
    # redundancy group that tolerates losses: what a shared dependency takes down)
    if not g.threshold_groups:
        ctx.release(comp_scen)
    cascading = _cascading(ctx)
    model = AvailabilityModel(g, seed=seed, **_availability_targets(ctx))
    availability = _availability(ctx, model)
    common = _findings.common_cause(g, br, model.desc, model.scc)
    # the availability model's bitsets go too, before the register and the document are built
    del model
    ctx.release(comp_scen)
    g.forget_condensations()  # networkx graphs: not kept with the result
    if checklist is not None and checklist.get("error"):
        assumptions.append({
            "id": "checklist-unavailable",
            "text": f"the checklist could not be evaluated ({checklist['error']}); its blockers are not counted",
            "elements": (),
        })
    elif checklist is None:
        assumptions.append({
            "id": "checklist-not-counted",
            "text": "checklist answers are not part of this verdict (the checklist is not available)",
            "elements": (),
        })

    register = _risks.RiskRegister(ctx, today)
    risks = register.build(spofs, comp_scen, dom_scen, common=common, availability=availability,
                           cascading=cascading, evidence=evidence)
    for s in spofs:
        # the SPOF's own figures: its risk's may be higher (an SLO folded into it) or overridden
        own = register.spof_figures(s["risk_id"])
        if s["element_type"] == "instance":
            s["severity"] = own and own[3]
        elif own is not None:
            s["likelihood"], s["impact"], s["score"], s["severity"] = own
    # in the order of their risks in the register (docs/analysis.md, "Ranking"), each component's
    # instance entries after it
    rank = {r["id"]: r["rank"] for r in risks}
    order = {"component": 0, "instance": 1, "domain": 2}
    last = len(rank) + 1
    spofs.sort(key=itemgetter("element"))  # stable sorts, the last key first: no tuple per entry
    spofs.sort(key=lambda s: order[s["element_type"]])
    spofs.sort(key=lambda s: rank.get(register.resolve(s["risk_id"]), last))
    verdict = _risks.verdict(risks, checklist, review, assumptions, today)

    summary = {
        "system": review.meta.system_name,
        "components": g.n,
        "dependencies": len(g.deps),
        "failure_domains": len(g.domain_ids),
        "journeys": len(ctx.journeys),
        "user_facing": [g.ids[i] for i in ctx.user_facing],
        "spofs": len(spofs),
        # a component that fails on one instance is one element, as it is one root cause in the register
        "spof_elements": len({s["component"] if s["element_type"] == "instance" else s["element"] for s in spofs}),
        "risks": len(risks),
        "launch_blockers": sum(1 for r in risks if r["launch_blocking"]),
        "by_severity": {sev: sum(1 for r in risks if r["severity"] == sev)
                        for sev in ("critical", "high", "medium", "low")},
        "slo_not_attainable": sorted(a["target"] for a in availability if a["attainable"] is False),
    }
    return Analysis(
        spofs=spofs, blast_radius=blast, failure_domains=fdomains, common_cause=common,
        availability=availability, cascading=cascading, risks=risks, verdict=verdict,
        assumptions=assumptions, checklist=checklist, summary=summary,
        stale_decisions=register.stale, seed=seed, detail=detail, cycles=cycles, _graph=g,
    )


def _detail(ctx: Context, blast: dict, fdomains: list[dict], comp_scen: dict, dom_scen: dict) -> list[list[str]]:
    """``--detail``: the full down and degraded sets of every component and failure domain (a
    cycle's members referred to by its number); returns the cycles' members."""
    g = ctx.g
    index = CycleIndex(g.ids, g.sccs(g.any_out), g.hard_sccs())
    for c, cid in enumerate(g.ids):
        sc = comp_scen[c]
        blast[cid]["down"] = index.encode(bits_of(sc.down))
        blast[cid]["degraded"] = index.encode(bits_of(sc.degraded))
    for d, f in enumerate(fdomains):
        sc = dom_scen[d]
        f["down"] = index.encode(bits_of(sc.down))
        f["degraded"] = index.encode(bits_of(sc.degraded))
    return index.members


def _evidence_gaps(ctx: Context, spofs: list[dict], comp_scen: dict, items: dict | None = None) -> list[dict]:
    """The readiness-evidence findings (issue 21) the register weighs: none without proposed answers or a
    reviewer's answer to an item that names an extractor (``items``: the checklist figures' ``evidence_items``)."""
    if not ctx.review.proposals and not (items and ctx.review.answers):
        return []
    spof_ids = {s["element"] for s in spofs if s["element_type"] in ("component", "instance")}
    crit = {}
    for c, sc in comp_scen.items():
        hit = ctx.critical_journeys_down(sc)
        if hit:
            crit[ctx.g.ids[c]] = hit
    return _findings.evidence_gaps(ctx.review, spof_ids, crit, items)


def _cascading(ctx: Context) -> list[dict]:
    """The cascading-failure findings, from the user-facing components and the journeys' entries."""
    entries = sorted(set(ctx.user_facing) | {i for _j, m, _c in ctx.journeys for i in bits_of(m)}
                     | {i for gs in ctx.journey_groups.values() for gi in gs for i in ctx.g.groups[gi].members})
    g = ctx.g
    if g.memo is None:
        return _findings.cascading(g, entries)
    # with a memo (the app, after each edit): the findings of the last analyses, when what they are
    # made from is unchanged (by value): the graph's shape, the entries, the components' kinds and
    # each dependency's retries, backoff, retry budget, timeout and breaker
    # Kept under the graph and the entries, with the review they were made from: the rest of what
    # they depend on (a tuple per dependency) is compared only when the graph and the entries are
    # unchanged, not made after every edit that changes the graph (most of those that change findings)
    key = ("cascading", g.compiled_key, tuple(entries))
    kept = g.memo.findings(key)
    if kept is not None and _cascading_inputs(kept[0], g) == _cascading_inputs(ctx.review, g):
        return kept[1]
    found = _findings.cascading(g, entries)
    g.memo.keep_findings(key, (ctx.review, found))
    return found


def _cascading_inputs(review: Review, g: CompiledGraph) -> tuple:
    """What the cascading findings read of ``review`` besides the graph ``g`` (compiled from a review
    of the same components and dependencies): the components' kinds and each dependency's retries,
    backoff, retry budget, timeout and breaker."""
    deps, comps = review.dependencies, review.components
    return (tuple([comps[c].kind for c in g.ids]),
            tuple([(o.retries, o.backoff, o.retry_budget, o.timeout_ms, o.circuit_breaker)
                   for o in [deps[d[DEP_ID]] for d in g.deps]]))


def _availability_targets(ctx: Context) -> dict:
    """The components whose availability is computed (user-facing ones, journeys' entries, group
    members: ``targets``) and those of them asked only on their own (``alone``), as
    :class:`AvailabilityModel` takes them."""
    wanted = set(ctx.user_facing)
    together: set[int] = set()
    for jid, m, _crit in ctx.journeys:
        entries = bits_of(m)
        wanted.update(entries)
        if len(entries) > 1 or jid in ctx.journey_groups:
            together.update(entries)
    for grp in ctx.g.groups:
        wanted.update(grp.members)
        together.update(grp.members)
    return {"targets": wanted, "alone": wanted - together}


def _assumptions(ctx: Context) -> list[dict]:
    g, review = ctx.g, ctx.review
    comps = [review.components[c] for c in g.ids]
    out: list[dict] = []
    # a load generator is a test tool: what is assumed of its instances, figures and calls decides nothing
    # (emojivoto's vote-bot led three lists of what decided the verdict)
    tools = g.load_generators
    prod = [c for i, c in enumerate(comps) if i not in tools] if tools else comps

    def add(aid: str, text: str, elements: list[str]):
        if elements:
            # the first few by id (what sorted(elements)[:N] gives), without sorting 300,000 of them
            out.append({"id": aid, "text": text, "elements": tuple(heapq.nsmallest(ASSUMPTION_ELEMENTS_LISTED, elements)),
                        "count": len(elements)})

    # a vendor's service: its instances and where they run are the vendor's (vendor-instances, below)
    add("replicas-default", "replica count not stated: assumed 1 instance",
        [c.id for c in prod if c.replicas is None and not _vendor_run(c)])
    add("placement-default", "no placement stated: not affected by any failure domain (only by its own failure); "
        "state where its instances run",
        [c.id for c in prod if not c.placement and not c.shared_domains and not _vendor_run(c)])
    add("vendor-instances", "a vendor's service with no instance count stated: its instances are the vendor's, "
        "who absorbs their failures; only its failure as a whole is analysed (state replicas to analyse "
        "instance failures)", [c.id for c in comps if _vendor_run(c) and CLIENT not in c.tags])
    add("client-instances", "software on users' devices (tag client): each user runs an instance of their own, "
        "whose failure is that user's alone; only its failure as a whole (a bad release) is analysed",
        [c.id for c in comps if _vendor_run(c) and CLIENT in c.tags])
    add("availability-default", "no availability figure: counted as 100 % in composite availability, "
        "so the estimates are upper bounds", [c.id for c in prod if c.availability is None])
    add("availability-fraction", "availability or SLO of 1 % or less: read as a percentage (0.9995 is 0.9995 %, "
        "not 99.95 %); write percentages",
        [c.id for c in comps if (c.availability is not None and c.availability <= 1)
         or (c.slo is not None and c.slo <= 1)]
        + [d for d in g.domain_ids if (review.domains[d].availability or 100) <= 1]
        + [j for j, x in review.journeys.items() if x.slo is not None and x.slo <= 1])
    add("domain-availability-default", "failure domain without an availability figure: counted as never failing "
        "in composite availability", [d for d in g.domain_ids if review.domains[d].availability is None])
    if ctx.default_entries:
        add("entry-points-default", "no component is marked user-facing: the components nothing outside their "
            "own cycle depends on (load generators aside: tagged load-generator, they are never entry points; nor are "
            "workers that read their work from a queue) "
            "are taken as the entry points (components with no dependency at all are left out unless nothing "
            "else is left); mark the user-facing ones", [g.ids[i] for i in ctx.user_facing])
    elif ctx.guessed:
        add("entry-points-default", "parts of the review where no component is marked user-facing (not connected "
            "to one that is: another system imported beside it): there the components nothing outside their own "
            "cycle depends on are taken as the entry points (load generators and queue workers aside); mark the "
            "user-facing ones",
            [g.ids[i] for i in sorted(ctx.guessed)])
        if out and out[-1]["id"] == "entry-points-default":
            # only parts: the verdict does not call every user-facing component an entry point
            out[-1]["scope"] = "parts"
    add("hub-softened", "hard calls an import inferred (no fallback stated) on shared plumbing (tagged telemetry, "
        "config or discovery) are treated as soft; the hub's own failure is still analysed (a call stated hard by "
        "hand stays hard: confirm the ones that are with prr set REVIEW 'a->hub' kind=hard, or the inspector's "
        "Kind)",
        sorted({d[DEP_ID] for d in g.softened}))
    # an import reads where a call goes, rarely what the caller does when it fails (Online Boutique's
    # frontend logs a failed ad or recommendation call and renders the page without it): these kinds
    # decide which components are single points of failure, so the verdict names them
    inferred = [d[DEP_ID] for d in g.deps if d[DEP_HARD] and (o := review.dependencies[d[DEP_ID]]).evidence
                and not o.kind_stated and d[DEP_SOURCE] not in tools]  # a kind the reviewer stated is no import's guess
    # of them, those whose evidence records a fallback or a circuit breaker (Spring PetClinic's gateway
    # wraps its call to visits-service in cb.run(..., throwable -> emptyVisitsForPets())): an import
    # does not take what the code answers for the call's fallback, so the reviewer confirms these first
    shielded = [d for d in inferred if _evidence_shields(review.dependencies[d])]
    add("hard-inferred", "calls an import found, with no fallback stated, are taken as hard (the caller is down "
        "while the callee is): an import cannot see whether the caller goes on without the answer; where it "
        "does (logs the error, serves a default, leaves part of the page out), state the call soft"
        + (f"; confirm first the {len(shielded)} whose evidence records a fallback or a circuit breaker, not taken "
           "by the import as the call's fallback (" + ", ".join(heapq.nsmallest(5, shielded))
           + (f" and {len(shielded) - 5} more" if len(shielded) > 5 else "") + ")" if shielded else ""),
        inferred)
    if shielded:
        out[-1]["shielded"] = tuple(heapq.nsmallest(ASSUMPTION_ELEMENTS_LISTED, shielded))
        out[-1]["shielded_count"] = len(shielded)
    # a re-import flags what the source no longer has and leaves the decision to the reviewer: until
    # then it is analysed as part of the system, and its findings (a launch blocker, even) say nothing
    # of it unless this does
    add("missing-from-source", "components the latest import no longer found (tagged missing-from-source) are "
        "still analysed as part of the system: delete the ones that are gone, or remove the tag from the ones "
        "that stay", [c.id for c in comps if MISSING_TAG in c.tags])
    add("telemetry-hub-degradation", "a telemetry hub that is degraded (a backend it sends to, or a service it "
        "watches, is down) does not degrade what sends it telemetry; its own outage does (losing telemetry costs "
        "observability, not service)",
        sorted(g.ids[h] for h in g.telemetry if g.any_out[h] and g.any_in[h]))
    add("slo-missing", "user-facing component without an SLO: its availability is estimated but not judged",
        [g.ids[i] for i in ctx.user_facing if comps[i].slo is None])
    add("journey-slo-missing", "journey without an SLO: its availability is estimated but not judged",
        [jid for jid, j in review.journeys.items() if j.slo is None and _entries(ctx, j)])
    add("journey-without-entries", "journey without entry components: not analysed (no availability figure, "
        "its SLO is not judged and no failure hits it); name the components it enters by",
        [jid for jid, j in review.journeys.items() if not _entries(ctx, j)])
    add("timeout-unstated", "synchronous hard call with no timeout stated: assumed to have none",
        [did for src, _tc, _tg, kind, _h, _fb, _soft, did in g.deps
         if kind == "hard" and review.dependencies[did].timeout_ms is None and src not in tools])
    dangling = sorted(d for d, dep in review.dependencies.items()
                      if dep.source not in g.index or (dep.target not in g.index and dep.target not in g.group_index))
    add("dangling-dependencies", "dependency on an unknown element (or an empty group): ignored", dangling)
    # the components with no dependency at all, either way (a call to a redundancy group counts for its
    # members): usually calls an import missed (Backstage's catalog examples, 7 of 13 components)
    isolated = [g.ids[i] for i in range(g.n) if not g.any_in[i] and not g.any_out[i]] if g.n > 1 else []
    if few_dependencies(g.n, len(g.deps)):
        few = {"id": "few-dependencies", "text": few_dependencies_text(g.n, len(g.deps)),
               "elements": tuple(heapq.nsmallest(ASSUMPTION_ELEMENTS_LISTED, isolated)),
               "components": g.n, "dependencies": len(g.deps)}
        if isolated:  # a call to a large group can touch every component
            few["count"] = len(isolated)
        out.append(few)
    else:  # the few-dependencies assumption names them already
        add("isolated-components", "components with no dependency at all (nothing calls them and they call "
            "nothing): only their own failure is analysed; an import usually missed their calls: add them, or "
            "confirm the component stands alone", isolated)
    add("unreached-components", "components no user-facing component or journey reaches through any call: their "
        "failures take nothing user-facing down in this review, so their risks rank low; if users depend on them, "
        "the calls to them are missing (an import cannot see calls made through a registry or a client library): "
        "add them, or confirm the components run on their own (batch jobs, consumers)", _unreached(ctx))
    return out


#: the kinds of component that lead users in to a user-facing one they sit in front of
_FRONT_KINDS = frozenset({"cdn", "dns", "load_balancer", "gateway", "frontend"})


def _unreached(ctx: Context) -> list[str]:
    """The components (with some dependency) that no user-facing component or journey entry reaches along
    any call (nor a worker that takes its work from a queue, nor what leads users in to them: a CDN, a
    load balancer or a gateway in front), load generators, operators' consoles, telemetry hubs and
    software on users' devices aside. Where a component is marked user-facing, usually calls an import could not see
    (TeaStore: every call goes through its registry's client library, and its database, the one store of
    everything, looked harmless); with every entry point guessed there are none (the guesses are the
    components nothing calls)."""
    g = ctx.g
    if ctx.default_entries:
        return []
    comps = ctx.review.components
    seen = bytearray(g.n)
    # a worker's work comes from users through its queue: what it calls serves them too
    todo = list(ctx.user_facing) + sorted(_queue_workers(g, list(range(g.n))))
    for j in ctx.review.journeys.values():
        todo += [i for i in _entries(ctx, j) if i >= 0]
        todo += [m for i in _entries(ctx, j) if i < 0 for m in g.groups[-1 - i].members]
    for i in todo:
        seen[i] = 1
    # what leads users in (a CDN, a load balancer, a gateway in front of a user-facing component), and
    # what that calls (its DNS), is on their way too; another service calling a user-facing one is not
    up = list(todo)
    while up:
        for t in g.any_in[up.pop()]:
            if not seen[t] and comps[g.ids[t]].kind in _FRONT_KINDS:
                seen[t] = 1
                up.append(t)
                todo.append(t)
    # a queue that users' requests reach hands its work to its consumers: a component nothing calls that
    # depends on it takes its work from there, whatever kind its dependency is stated as (a hand-written
    # review states a worker's need for its queue hard or async; imports record a poll as soft)
    queues = [comps[cid].kind == "queue" for cid in g.ids]
    todo += [c for q in todo if queues[q] for c in g.any_in[q] if not seen[c] and not g.any_in[c]]
    while todo:
        for t in g.any_out[todo.pop()]:
            if not seen[t]:
                seen[t] = 1
                todo.append(t)
                if queues[t]:
                    for c in g.any_in[t]:
                        if not seen[c] and not g.any_in[c]:
                            seen[c] = 1
                            todo.append(c)
    return [g.ids[i] for i in range(g.n) if not seen[i] and (g.any_in[i] or g.any_out[i]) and i not in g.telemetry
            and not {LOAD_GENERATOR, CLIENT, ADMIN_UI} & set(comps[g.ids[i]].tags)]


def _evidence_shields(dep) -> bool:
    """Does the call's evidence record something that may let its caller go on without it: a circuit
    breaker (its flag, which imports set from the configuration), or a fallback named in an evidence line
    (a breaker's run(call, fallback), a gateway's fallbackUri, a Feign client's fallback class)?"""
    return bool(dep.circuit_breaker) or any("fallback" in line.lower() for line in dep.evidence)


def _entries(ctx: Context, journey) -> list[int]:
    """A journey's entries for the availability model: component indices, and ``-1 - g`` for a
    redundancy group ``g`` (up while ``min_up`` members are up)."""
    index, gindex = ctx.g.index, ctx.g.group_index
    return sorted({index[e] if e in index else -1 - gindex[e] for e in journey.entry
                   if e in index or e in gindex})


def _vendor_run(comp) -> bool:
    """A vendor's service whose instance count the review does not state (a payment API, a managed
    identity provider): its instances are the vendor's, whose redundancy absorbs their failures, so
    it has no instance disruption of the review's own; its failure as a whole (an outage, a bad
    release, an expired key) is analysed as any component's. So is software on users' devices (tag
    ``client``): each user runs an instance of their own. docs/analysis.md."""
    return comp.replicas is None and (_risks.is_external(comp) or CLIENT in comp.tags)


def _spofs(ctx: Context):
    g, br = ctx.g, ctx.br
    chains = Chains(g, br, lowest=ctx._first_uf)
    comp_scen: dict[int, Scenario] = {}
    dom_scen: dict[int, Scenario] = {}
    spofs: list[dict] = []
    target_mask = ctx.target_mask
    # without journeys or user-facing groups, the targets are the user-facing components
    only_uf = not ctx.journeys and not ctx.uf_groups
    for c in range(g.n):
        sc = comp_scen[c] = br.component(c)
        first = ctx.first_user_facing(sc) if only_uf else None
        if first is not None:
            if not first:
                continue
        elif not sc.down & target_mask and not (ctx.target_groups and ctx.takes_down_target(sc)):
            continue
        ctx.spof_components[c] = 1
        cid = g.ids[c]
        entry = _spof_entry(ctx, chains, sc, cid, "component", {c}, f"spof:component:{cid}")
        spofs.append(entry)
        # an instance failure takes c down on its own only when every instance is needed: the same
        # scenario, so an instance's entry refers to its component's (what goes down, the hits and
        # the chain are the component's, the chain starting at the instance) instead of repeating it
        if g.replicas[c] - 1 < g.min_healthy[c] and not _vendor_run(ctx.review.components[cid]):
            rid = f"spof:instance:{cid}"
            for i in range(g.replicas[c]):
                spofs.append({"element": f"{cid}#{i}", "element_type": "instance", "disruption": "instance",
                              "component": cid, "severity": None, "risk_id": rid})
    for d in range(len(g.domain_ids)):
        sc = dom_scen[d] = br.domain(d)
        if not sc.down & target_mask and not (ctx.target_groups and ctx.takes_down_target(sc)):
            continue
        did = g.domain_ids[d]
        spofs.append(_spof_entry(ctx, chains, sc, did, "domain", set(g.domain_seeds[d]), f"spof:domain:{did}"))
    # by element, then component, instance, domain: two stable sorts on plain keys (no tuple per entry)
    order = {"component": 0, "instance": 1, "domain": 2}
    spofs.sort(key=lambda s: order[s["element_type"]])
    spofs.sort(key=itemgetter("element"))
    return spofs, comp_scen, dom_scen


#: Elements named per assumption, at most (``count`` gives how many): on an import every component
#: and every dependency can be concerned, tens of thousands of names.
ASSUMPTION_ELEMENTS_LISTED = 100

#: User-facing components named per SPOF and failure domain, at most (the counts give them all):
#: without marked ones, every entry point is user-facing, thousands on an imported graph.
USER_FACING_LISTED = 5


_NO_T1 = ((), 0)

def _scenario_facts(ctx: Context, sc: Scenario) -> tuple[dict, tuple[list[str], int]]:
    """:meth:`Context.hits` and :meth:`Context.tier1_down`, computed once per scenario and kept on it."""
    # the members of a cycle share one scenario (the same bitsets): computed once for them all. A
    # component's scenario is its strongly connected groups' (what it takes down, what reaches it
    # and the groups that go down are theirs): keyed by them, plain ints the collector does not track
    br = ctx.br
    if sc.kind == "component" and br.scc_h is not None:
        ckey = ("c", br.scc_h[sc.index], br.scc_a[sc.index])
        hit = ctx.hits_cache.get(ckey)
        if hit is not None:
            sc.facts = hit
            return hit
        key = None
    else:
        ckey = None
        key = (id(sc.down), id(sc.upstream))
        hit = ctx.hits_cache.get(key)
        if hit is not None and hit[0] is sc.down and hit[1] is sc.upstream:
            sc.facts = hit[2]
            return hit[2]
    jd, jg = ctx.journeys_hit(sc)
    n_down = sc.down_count
    uf_down, uf_deg = ctx.user_facing_hit(sc)
    first = ctx.first_user_facing(sc)
    hits = {
        "down_count": n_down,
        "degraded_count": ctx.br.affected_count(sc) - n_down,
        "journeys": jd,
        "journeys_degraded": jg,
        "user_facing_down": ctx.ids(uf_down, USER_FACING_LISTED) if first is None else ctx.first_ids(first),
        "user_facing_down_count": uf_down.bit_count(),
        "user_facing_degraded": ctx.ids(uf_deg, USER_FACING_LISTED) if uf_deg else ctx._none_listed,
        "user_facing_degraded_count": uf_deg.bit_count(),
    }
    if ctx.tier1_uf_mask == ctx.uf_mask:  # every user-facing component judged as tier 1 (an import):
        t1 = None  # the hits' own (tier1_down), not a tuple kept per scenario
    else:
        t1_down = uf_down & ctx.tier1_uf_mask
        t1 = (ctx.ids(t1_down, USER_FACING_LISTED), t1_down.bit_count()) if t1_down else _NO_T1
    facts = sc.facts = (hits, t1)
    if ckey is not None:
        ctx.hits_cache[ckey] = facts
    else:
        ctx.hits_cache[key] = (sc.down, sc.upstream, facts)
    return facts


def _spof_entry(ctx: Context, chains: Chains, sc: Scenario, element: str, etype: str, seeds: set[int],
                risk_id: str) -> dict:
    down = sc.down
    # the chain: to the first entry component of a down journey, else to the first user-facing component down
    first = ctx.first_user_facing(sc) if not ctx.journeys and not ctx.uf_groups else None
    target = first[0] if first else None
    for jid, m, _crit in ctx.journeys:
        for gi in ctx.journey_groups.get(jid, ()):
            if ctx.group_down(sc, gi):
                m |= ctx._gmask[gi]
        if m & down:
            target = bits_of(m & down, 1)[0]
            break
    if target is None:
        m = ctx.target_mask
        for gi, mm, _um in ctx.uf_groups:
            if ctx.group_down(sc, gi):
                m |= mm
        target = bits_of(down & m, 1)[0]
    chain, length = chains.ids(sc, seeds, target, lowest=first is not None)
    if etype == "domain":
        chain, length = prefixed(element, chain, length)
    return {
        "element": element,
        "element_type": etype,
        "disruption": etype,
        **ctx.hits(sc),
        "chain": chain,
        "chain_length": length,
        "likelihood": None,
        "impact": None,
        "score": None,
        "severity": None,
        "risk_id": risk_id,
    }


def _blast_radius(ctx: Context, comp_scen: dict[int, Scenario]) -> dict[str, dict]:
    """What each component's failure takes down and degrades, counted, and the journeys it hits; every
    component's scenario is summarised on the way (:meth:`Context.hits`)."""
    out: dict[str, dict] = {}
    for c, cid in enumerate(ctx.g.ids):
        hits = ctx.hits(comp_scen[c])
        out[cid] = {
            "down_count": hits["down_count"],
            "degraded_count": hits["degraded_count"],
            "journeys": hits["journeys"],
            "journeys_degraded": hits["journeys_degraded"],
        }
    return out


def _failure_domains(ctx: Context, dom_scen: dict[int, Scenario]) -> list[dict]:
    g, review = ctx.g, ctx.review
    out = []
    for d, did in enumerate(g.domain_ids):
        dom = review.domains[did]
        out.append({
            "domain": did,
            "kind": dom.kind,
            "parent": dom.parent,
            **ctx.hits(dom_scen[d]),
            "seeds": tuple([g.ids[c] for c in g.domain_seeds[d]]),
            "instances_lost": {g.ids[c]: k for c, k in sorted(g.domain_lost[d].items()) if k > 0},
        })
    return out


def _availability(ctx: Context, model: AvailabilityModel) -> list[dict]:
    g, review = ctx.g, ctx.review
    out = []
    ordinal = 0
    for jid in sorted(review.journeys):
        j = review.journeys[jid]
        entries = _entries(ctx, j)
        if not entries:  # said in the assumptions ("journey-without-entries")
            continue
        res = model.evaluate(jid, "journey", entries, j.slo, ordinal)
        ordinal += 1
        out.append(res.to_dict())
    uf_groups = {}  # a user-facing component in redundancy groups is as available as its groups
    for gi, _mm, um in ctx.uf_groups:
        for c in bits_of(um):
            uf_groups.setdefault(c, []).append(-1 - gi)
    for c in ctx.user_facing:
        comp = review.components[g.ids[c]]
        res = model.evaluate(g.ids[c], "component", sorted(uf_groups.get(c, [c])), comp.slo, ordinal)
        ordinal += 1
        out.append(res.to_dict())
    return out
