"""A review compiled into integer-indexed arrays for the analysis.

Components are numbered in sorted id order, so a Python ``int`` used as a
bitset over components lists its members in sorted id order when read from
the lowest bit up. Nothing here imports Qt.

Effective dependency semantics (see docs/analysis.md):

* ``hard`` without fallback: the target's outage takes the source down;
* ``hard`` with a fallback, ``soft`` and ``async``: the target's outage or
  degradation degrades the source;
* a hard dependency an import inferred (it carries the import's evidence) on
  a component tagged as a hub (``telemetry``, ``config`` or ``discovery``) is
  treated as soft, so the shared plumbing every service talks to does not make
  every component of an import a single point of failure; the analysis states
  this assumption (with the verdict) and still reports the hub's own blast
  radius as one finding. A dependency stated hard without a fallback by a
  reviewer or a hand-written file (no evidence), or whose kind the reviewer
  stated (``kind_stated``: ``prr set``, the inspector's Kind), stays hard;
* a telemetry hub's outage degrades what calls it, its degradation does not
  (``degrade_out``): a collector that lost one of its backends, or one of
  the services it watches, degrades no service.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import networkx as nx

from prr_app.model.entities import HUB_TAGS, LOAD_GENERATOR, Review


@dataclass(slots=True)
class Group:
    id: str
    index: int
    members: list[int]
    min_up: int

    @property
    def tolerance(self) -> int:
        """How many members may be down while the group is still up."""
        return len(self.members) - self.min_up

    @property
    def threshold(self) -> int:
        """How many members down take the group down."""
        return len(self.members) - self.min_up + 1


#: A compiled dependency is a plain tuple ``(source, target_comp, target_group, kind, hard, fallback,
#: softened_hub, id)``: ``source`` the component index; ``target_comp`` the target's component index, or
#: None when the target is a group (``target_group``, its group index); ``kind`` the declared kind;
#: ``hard`` effective (the target's outage takes the source down); ``fallback`` whether one is
#: stated; ``softened_hub`` declared hard without fallback by an import (it has evidence, and no
#: reviewer stated its kind) but softened because the target is a hub;
#: ``id`` the model ``Dependency``'s id (``CompiledGraph.dependency`` gives it). Plain values in an
#: exact tuple: the garbage collector stops tracking it at its first pass (8,000 of them live as long
#: as the result on a meeting's review, which the app keeps for its what-ifs).
Dep = tuple
DEP_SOURCE, DEP_TARGET_COMP, DEP_TARGET_GROUP, DEP_KIND, DEP_HARD, DEP_FALLBACK, DEP_SOFTENED, DEP_ID = range(8)


@dataclass
class CompiledGraph:
    review: Review
    ids: list[str]
    index: dict[str, int]
    replicas: list[int]
    min_healthy: list[int]
    groups: list[Group]
    group_index: dict[str, int]
    deps: list[Dep]
    # adjacency (component indices, ascending tuples)
    hard_out: list[tuple[int, ...]]  # i -> components i hard-depends on (groups with threshold 1 expanded)
    hard_in: list[tuple[int, ...]]  # reverse of hard_out
    hard_group_out: list[tuple[int, ...]]  # i -> threshold>=2 groups it hard-depends on
    group_dependents: list[list[int]]  # group -> components that hard-depend on it (threshold>=2 only)
    any_out: list[tuple[int, ...]]  # every dependency, groups expanded to members
    any_in: list[tuple[int, ...]]
    member_of: list[tuple[int, ...]]  # component -> groups (all) it belongs to
    threshold_groups: list[int]
    domain_ids: list[str]
    domain_index: dict[str, int]
    domain_closure: list[frozenset[int]]  # domain -> itself + ancestors
    domain_seeds: list[list[int]]  # domain -> components it takes down on its own
    domain_lost: list[dict[int, int]]  # domain -> {component: instances lost}
    slot_closure: list[tuple[frozenset[int], ...]]  # component -> per placement slot, domains (with ancestors)
    shared_closure: list[frozenset[int]]  # component -> shared domains with ancestors
    hubs: set[int] = field(default_factory=set)
    softened: list[Dep] = field(default_factory=list)
    #: the telemetry hubs (tagged ``telemetry``): what calls one is degraded by its outage, never by its
    #: degradation (docs/analysis.md, "Hubs")
    telemetry: frozenset[int] = frozenset()
    #: the load generators (tagged ``load-generator``): test tools, never an entry point, their calls and
    #: figures no finding or deciding assumption (docs/analysis.md, "User-facing and journeys")
    load_generators: frozenset[int] = frozenset()
    #: ``any_out`` without the dependencies on telemetry hubs: what degradation travels along (the
    #: outage of a hub reaches its callers separately); ``any_out`` itself where there is no such hub
    degrade_out: list[tuple[int, ...]] | None = None
    _conds: dict = field(default_factory=dict, repr=False)
    memo: "ShapeMemo | None" = field(default=None, repr=False)
    #: with a memo: the key of the compiled dependencies (:meth:`ShapeMemo.compiled`), what the
    #: graph's shape is made from (the start of other keys that depend on it)
    compiled_key: tuple | None = field(default=None, repr=False)

    def condensation(self, out) -> "Condensation":
        """:func:`condensation` of ``out`` (an adjacency over the components), made once per
        distinct graph: on an import, where every dependency is hard, the graphs of hard
        dependencies, of every dependency and of what the availability needs are one."""
        for seen, cond, _shape in self._conds.values():  # the same lists asked again: no need to compare them
            if seen is out:
                return cond
        key = tuple(map(tuple, out))
        hit = self._conds.get(key)
        if hit is None:
            memo = self.memo if self.memo is not None and self.n <= self.memo.max_components else None
            shape = memo.shape(key) if memo is not None else None
            if shape is None:
                cond = condensation(self.n, out)
                shape = _Shape(cond, kept=memo is not None)
                if memo is not None:
                    memo.keep(key, shape)
            hit = self._conds[key] = (out, shape.cond, shape)
        return hit[1]

    def derived(self, out, what: tuple, make):
        """``make(cond)``, a value that depends on nothing but the graph ``out`` (an adjacency over the
        components; ``cond`` its :meth:`condensation`) and ``what`` (the question asked of it, with
        its other inputs): made once per analysis, and kept in :attr:`memo` (if any) for the next
        analyses of a graph of the same shape. The value is shared: read-only."""
        cond = self.condensation(out)
        shape = next(h[2] for h in self._conds.values() if h[1] is cond)
        if shape.derived is None:  # no memo: nothing outlives the analysis (the bitsets are let go early)
            return make(cond)
        hit = shape.derived.get(what, _MISSING)
        if hit is _MISSING:
            hit = shape.derived[what] = make(cond)
        return hit

    def forget_condensations(self) -> None:
        """Drop the condensations made so far (once the analysis is done with them)."""
        self._conds.clear()

    def sccs(self, out: list[list[int]]) -> tuple[list[int], list[tuple[int, ...]]]:
        """:func:`strongly_connected` on ``out``, from :meth:`condensation`: the condensation's own
        lists, shared (read-only)."""
        cond = self.condensation(out)
        return cond.mapping, cond.members

    def hard_sccs(self) -> tuple[list[int], list[list[int]]]:
        """:func:`strongly_connected` on ``hard_out``."""
        return self.sccs(self.hard_out)

    @property
    def n(self) -> int:
        return len(self.ids)

    def dependency(self, dep: Dep):
        """The model's ``Dependency`` that ``dep`` was compiled from."""
        return self.review.dependencies[dep[DEP_ID]]

    def slot_counts(self, c: int) -> list[int]:
        """Instances per placement slot (round-robin placement)."""
        p = len(self.slot_closure[c])
        n = self.replicas[c]
        if p == 0:
            return []
        return [n // p + (1 if s < n % p else 0) for s in range(p)]

    def lost_instances(self, c: int, failed_domains: set[int], failed_instances: set[int] = frozenset()) -> int:
        """How many instances of component ``c`` are lost."""
        n = self.replicas[c]
        if failed_domains and self.shared_closure[c] & failed_domains:
            return n
        slots = self.slot_closure[c]
        p = len(slots)
        lost = 0
        dead_slots: set[int] = set()
        if failed_domains and p:
            counts = self.slot_counts(c)
            for s, clo in enumerate(slots):
                if clo & failed_domains:
                    dead_slots.add(s)
                    lost += counts[s]
        for i in failed_instances:
            if 0 <= i < n and (p == 0 or i % p not in dead_slots):
                lost += 1
        return min(lost, n)

    def instance_domains(self, c: int, i: int) -> list[str]:
        comp = self.review.components[self.ids[c]]
        return comp.instance_domains(i)


_NOWHERE: frozenset[int] = frozenset()
_MISSING = object()


class _Shape:
    """A graph's :class:`Condensation` and the values made from it alone (:meth:`CompiledGraph.derived`)."""

    __slots__ = ("cond", "derived")

    def __init__(self, cond: "Condensation", kept: bool):
        self.cond = cond
        self.derived: dict | None = {} if kept else None


class ShapeMemo:
    """What analyses of successive states of one review share: the last few graphs' condensations,
    with what is made from them alone (the upstream bitsets, the dominator tree...), keyed by the
    graph itself (its adjacency, by value).

    An edit that does not change a graph's shape (replicas, placement, a fallback that leaves the
    hard dependencies as they were...) finds it here, made for an earlier state of the review, and
    the analysis skips its condensation (networkx) and the work on it. Keyed by value, a stale entry
    cannot be found: a graph with one edge more is another key. The app's live analysis keeps one
    per window (``prr_app.review.assess.assess(memo=...)``); one-off analyses (``prr analyze``) keep
    none. The values are shared between analyses, which only read them. Thread-safe.

    Graphs of more than ``max_components`` components are not kept (their upstream bitsets alone
    would hold gigabytes at 100,000 components).
    """

    def __init__(self, size: int = 6, max_components: int = 20_000):
        self.size = size
        self.max_components = max_components
        self._shapes = _Recent(size)
        self._compiled = _Recent(2)
        self._findings = _Recent(2)
        self._lock = threading.Lock()

    def shape(self, key: tuple) -> "_Shape | None":
        with self._lock:
            return self._shapes.get(key)

    def keep(self, key: tuple, shape: "_Shape") -> None:
        with self._lock:
            self._shapes.put(key, shape)

    def __len__(self) -> int:
        return len(self._shapes)

    def findings(self, key: tuple) -> object | None:
        """Findings made for ``key`` (what they are made from, by value) by one of the last two
        analyses: shared read-only by the results."""
        with self._lock:
            return self._findings.get(key)

    def keep_findings(self, key: tuple, value) -> None:
        with self._lock:
            self._findings.put(key, value)

    def compiled(self, key: tuple) -> tuple | None:
        """The compiled dependencies and adjacency made for ``key`` (the component ids, the groups
        with their thresholds, the hubs, and every dependency's id, ends, kind, whether it has a
        fallback and whether its kind is an import's guess (evidence, kind not stated): all they are
        made from), if one of the last two analyses made them."""
        with self._lock:
            return self._compiled.get(key)

    def keep_compiled(self, key: tuple, made: tuple) -> None:
        with self._lock:
            self._compiled.put(key, made)


class _Recent:
    """The last ``size`` values kept, by key; the least recently used one goes first."""

    __slots__ = ("size", "_items")

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _adjacency(n: int, codes: list[int], width: int) -> list[tuple[int, ...]]:
    """For every ``s`` in ``range(n)``, the ``t`` of the ``codes`` ``s * width + t``, ascending and
    without duplicates, as a tuple (the empty one shared). Sorts ``codes`` in place."""
    out: list[tuple[int, ...]] = [()] * n
    cur = -1
    acc: list[int] = []
    last = -1
    codes.sort()  # in place (the caller's list, let go after): no copy of 300,000 ints at 100,000 components
    for x in codes:
        if x == last:
            continue
        last = x
        s, t = divmod(x, width)
        if s != cur:
            if acc:
                out[cur] = tuple(acc)
            cur, acc = s, [t]
        else:
            acc.append(t)
    if acc:
        out[cur] = tuple(acc)
    return out


def _compile_dependencies(review: Review, n: int, index: dict[str, int], groups: list[Group],
                          group_index: dict[str, int], hubs: set[int]) -> tuple:
    """The compiled dependencies and the adjacency (:class:`CompiledGraph`'s ``deps`` to ``member_of``),
    shared read-only by the graphs compiled from the same dependencies (:meth:`ShapeMemo.compiled`)."""
    # the adjacency is gathered as plain ints (``source * width + target``), then grouped into one
    # ascending tuple per component: no list per component that lives while the dependencies are
    # read (tens of thousands the garbage collector would promote and walk), and tuples of ints,
    # which it stops tracking
    ng = max(1, len(groups))
    member_codes = [m * ng + g.index for g in groups for m in g.members]
    hard_codes: list[int] = []
    hard_group_codes: list[int] = []
    any_codes: list[int] = []
    deps: list[Dep] = []
    softened: list[Dep] = []
    for did in sorted(review.dependencies):
        d = review.dependencies[did]
        s = index.get(d.source)
        if s is None:
            continue
        tc = index.get(d.target)
        tg = group_index.get(d.target) if tc is None else None
        if tc is None and tg is None:
            continue
        declared_hard = d.kind == "hard" and d.fallback is None
        # only a kind an import inferred is softened (the dependency carries the import's evidence, and
        # the reviewer has not stated its kind); one a reviewer or a hand-written file states hard
        # without fallback stays hard (docs/analysis.md, "Hubs")
        softened_hub = declared_hard and tc is not None and tc in hubs and bool(d.evidence) and not d.kind_stated
        hard = declared_hard and not softened_hub
        dep = (s, tc, tg, d.kind, hard, d.fallback is not None, softened_hub, did)
        deps.append(dep)
        if softened_hub:
            softened.append(dep)
        base = s * n
        if tc is not None:
            any_codes.append(base + tc)
            if hard:
                hard_codes.append(base + tc)
        else:
            g = groups[tg]
            any_codes.extend(base + m for m in g.members)
            if hard:
                if g.threshold == 1:
                    hard_codes.extend(base + m for m in g.members)
                else:
                    hard_group_codes.append(s * ng + tg)
    # one list of codes at a time (at 100,000 components each is 300,000 ints)
    hard_out = _adjacency(n, hard_codes, n)
    del hard_codes
    any_out = _adjacency(n, any_codes, n)
    del any_codes
    hard_group_out = _adjacency(n, hard_group_codes, ng)
    del hard_group_codes
    hard_in = _adjacency(n, [t * n + s for s in range(n) for t in hard_out[s]], n)
    any_in = _adjacency(n, [t * n + s for s in range(n) for t in any_out[s]], n)
    group_dependents: list[list[int]] = [[] for _ in groups]
    for s in range(n):
        for g in hard_group_out[s]:
            group_dependents[g].append(s)
    member_of = _adjacency(n, member_codes, ng)
    return (deps, softened, hard_out, any_out, hard_group_out, hard_in, any_in, group_dependents, member_of)


def compile_review(review: Review, memo: "ShapeMemo | None" = None) -> CompiledGraph:
    """``review`` compiled for the analysis. ``memo``: see :meth:`ShapeMemo.compiled`."""
    ids = sorted(review.components)
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    comps = [review.components[c] for c in ids]
    replicas = [max(1, c.replicas or 1) for c in comps]
    min_healthy = [min(max(1, c.min_healthy or 1), r) for c, r in zip(comps, replicas)]
    hubs = {i for i, c in enumerate(comps) if any(t.lower() in HUB_TAGS for t in c.tags)}

    groups: list[Group] = []
    group_index: dict[str, int] = {}
    for gid in sorted(review.groups):
        g = review.groups[gid]
        members = sorted({index[m] for m in g.members if m in index})
        if not members:
            continue
        k = min(max(1, g.min_up or 1), len(members))
        group_index[gid] = len(groups)
        groups.append(Group(gid, len(groups), members, k))
    # what the dependencies compile to depends on nothing else than this key (by value): an edit of
    # a component's replicas or placement, or of a domain, finds it in the memo
    compile_deps = memo is not None and n <= memo.max_components
    deps_key = None
    if compile_deps:
        deps_key = (tuple(ids), tuple((g.index, tuple(g.members), g.threshold) for g in groups), tuple(sorted(hubs)),
               tuple([(did, d.source, d.target, d.kind, d.fallback is None, not d.evidence or d.kind_stated)
                      for did, d in sorted(review.dependencies.items())]))
        made = memo.compiled(deps_key)
    else:
        made = None
    if made is None:
        made = _compile_dependencies(review, n, index, groups, group_index, hubs)
        if compile_deps:
            memo.keep_compiled(deps_key, made)
    (deps, softened, hard_out, any_out, hard_group_out, hard_in, any_in, group_dependents, member_of) = made
    threshold_groups = [g.index for g in groups if g.threshold >= 2]

    domain_ids = sorted(review.domains)
    domain_index = {d: i for i, d in enumerate(domain_ids)}
    domain_closure = [
        frozenset(domain_index[a] for a in review.domain_ancestors(d)) for d in domain_ids
    ]
    slot_closure: list[tuple[frozenset[int], ...]] = []
    shared_closure: list[frozenset[int]] = []
    # one tuple per distinct placement (and one set per distinct list of shared domains), shared by
    # the components placed alike: a handful on most reviews, not a container per component
    slots_of: dict[tuple[str, ...], tuple[frozenset[int], ...]] = {}
    shared_of: dict[tuple[str, ...], frozenset[int]] = {}
    for c in comps:
        if not c.placement and not c.shared_domains:  # an import: placed nowhere
            slot_closure.append(())
            shared_closure.append(_NOWHERE)
            continue
        key = tuple(c.placement)
        slots = slots_of.get(key)
        if slots is None:
            slots = slots_of[key] = tuple(
                domain_closure[domain_index[p]] if p in domain_index else _NOWHERE for p in key)
        slot_closure.append(slots)
        key = tuple(c.shared_domains)
        shared = shared_of.get(key)
        if shared is None:
            sc: set[int] = set()
            for sd in key:
                if sd in domain_index:
                    sc |= domain_closure[domain_index[sd]]
            shared = shared_of[key] = frozenset(sc) if sc else _NOWHERE
        shared_closure.append(shared)

    nd = len(domain_ids)
    domain_lost: list[dict[int, int]] = [dict() for _ in range(nd)]
    graph = CompiledGraph(
        review, ids, index, replicas, min_healthy, groups, group_index, deps,
        hard_out, hard_in, hard_group_out, group_dependents, any_out, any_in, member_of,
        threshold_groups, domain_ids, domain_index, domain_closure, [[] for _ in range(nd)],
        domain_lost, slot_closure, shared_closure, hubs, softened,
    )
    graph.memo = memo if compile_deps else None
    graph.compiled_key = deps_key
    telemetry = frozenset(i for i in hubs if any(t.lower() == "telemetry" for t in comps[i].tags))
    graph.telemetry = telemetry
    graph.load_generators = frozenset(i for i, c in enumerate(comps) if LOAD_GENERATOR in c.tags)
    graph.degrade_out = ([tuple([t for t in out if t not in telemetry]) for out in any_out] if telemetry
                         else any_out)
    for c in range(n):
        nrep = replicas[c]
        for d in shared_closure[c]:
            domain_lost[d][c] = nrep
        if slot_closure[c]:
            counts = graph.slot_counts(c)
            per: dict[int, int] = {}
            for s, clo in enumerate(slot_closure[c]):
                for d in clo:
                    per[d] = per.get(d, 0) + counts[s]
            for d, cnt in per.items():
                if d not in shared_closure[c]:
                    domain_lost[d][c] = min(cnt, nrep)
    for d in range(nd):
        graph.domain_seeds[d] = sorted(
            c for c, lost in domain_lost[d].items() if replicas[c] - lost < min_healthy[c]
        )
    return graph


class ThinDiGraph(nx.DiGraph):
    """A ``networkx.DiGraph`` whose nodes and edges share one empty attribute dict each: the
    low-memory graph networkx's own documentation shows (``ThinGraph``, ``edge_attr_dict_factory``).
    The analysis' graphs carry no attributes; a dict per edge and per node was 40,000 containers at
    10,000 components (400,000 at 100,000) for the garbage collector to walk while the graph lives.
    Do not set attributes on it (they would be every edge's)."""

    _no_attributes: dict = {}

    def _shared_attributes(self) -> dict:
        return self._no_attributes

    node_attr_dict_factory = _shared_attributes
    edge_attr_dict_factory = _shared_attributes


class Condensation:
    """The condensation of the graph ``i -> out[i]`` over ``range(n)``, as
    ``networkx.condensation`` makes it (from ``networkx.strongly_connected_components``), kept as
    plain tuples (a networkx graph of tens of thousands of
    nodes is hundreds of thousands of dicts, which the garbage collector walks on every full
    collection for as long as it lives).

    Its nodes are the strongly connected components, numbered sinks first, as networkx numbers
    them: every edge goes from a higher number to a lower one (or stays inside one), so a higher
    number lies further upstream. ``mapping[v]`` is node ``v``'s component, ``members[s]``
    component ``s``'s nodes (ascending), ``succ[s]`` / ``pred[s]`` the components it has an edge
    to / from. The networkx graph of ``out`` it is found on is let go at once (20,000 dicts at
    10,000 components, which the collector would otherwise walk).
    """

    __slots__ = ("mapping", "members", "succ", "pred")

    def __init__(self, n: int, out):
        g = ThinDiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from((u, v) for u in range(n) for v in out[u])
        # what networkx.condensation(g) makes, built as tuples straight from the strongly connected
        # components it numbers its nodes by (the condensed networkx graph cost as much as finding
        # them); the edges between components in the order it adds them (the tests compare the two)
        mapping = [0] * n
        members = []
        for s, comp in enumerate(nx.strongly_connected_components(g)):
            mem = tuple(sorted(comp))
            members.append(mem)
            for v in mem:
                mapping[v] = s
        del g  # what follows is built from the components found
        ns = len(members)
        succ: list[list[int]] = [[] for _ in range(ns)]
        pred: list[list[int]] = [[] for _ in range(ns)]
        # each edge between two components once, in the order first met, as the int a * ns + b (no
        # tuple per edge: 31,000 at 10k, for the collector's young passes)
        for code in dict.fromkeys(mapping[u] * ns + mb for u in range(n) for v in out[u]
                                  if (mb := mapping[v]) != mapping[u]):
            a, b = divmod(code, ns)
            succ[a].append(b)
            pred[b].append(a)
        self.mapping = mapping
        self.members = members
        self.succ = [tuple(x) if x else () for x in succ]
        self.pred = [tuple(x) if x else () for x in pred]

    def __len__(self) -> int:
        return len(self.members)


def condensation(n: int, out) -> Condensation:
    """The :class:`Condensation` of the graph ``i -> out[i]`` over ``range(n)``."""
    return Condensation(n, out)


def strongly_connected(n: int, out: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """``(scc_of, sccs)``: each node's strongly connected component and the components' members
    (ascending), numbered as in :func:`condensation` (sinks first)."""
    return _sccs_of(condensation(n, out), n)


def _sccs_of(cond: Condensation, n: int) -> tuple[list[int], list[list[int]]]:
    return list(cond.mapping), [list(m) for m in cond.members]


def ancestor_sets(n: int, out: list[list[int]], keep=None, cond=None, visit=None) -> tuple[list[int], list]:
    """For every node, the bitset (a Python ``int``) of the nodes that reach it along ``out``,
    itself included; one per strongly connected component.

    Returns ``(scc_of, anc)``, ``anc[s]`` the bitset of component ``s``. Computed on the
    condensation, upstream first: one big-integer OR per condensed edge.

    ``networkx.ancestors`` per node gives the same sets (the tests use it as the oracle) but
    walks the graph once per node: on 10,000 components with a 1,300-component cycle that is
    minutes, against under a second here (benchmarks/bench_analysis.py).

    ``keep``: if given, the nodes whose bitsets are wanted; the others are dropped (set to
    ``None``) as soon as every component that reads them is done, so that at 100,000
    components not every bitset is held at once. ``cond``: the :func:`condensation` of
    ``out``, if already made. ``visit``: if given, called as ``visit(s, bits)`` with each
    component's bitset as soon as it is complete (before it may be dropped): what is only
    counted or summarised needs no set kept.
    """
    return _reach_sets(n, condensation(n, out) if cond is None else cond, keep, upstream=True, visit=visit)


def descendant_sets(n: int, out: list[list[int]], keep=None, cond=None, visit=None) -> tuple[list[int], list]:
    """For every node, the bitset of the nodes it reaches along ``out``, itself included: as
    :func:`ancestor_sets`, the other way."""
    return _reach_sets(n, condensation(n, out) if cond is None else cond, keep, upstream=False, visit=visit)


def _reach_sets(n: int, cond: Condensation, keep, upstream: bool, visit=None) -> tuple[list[int], list]:
    scc_of = cond.mapping
    ns = len(cond)
    # numbered sinks first: the highest number is furthest upstream
    if upstream:
        order, reads, readers_of = range(ns - 1, -1, -1), cond.pred, cond.succ
    else:
        order, reads, readers_of = range(ns), cond.succ, cond.pred
    acc_of: list = [0] * ns
    readers = None
    if keep is not None:
        kept = bytearray(ns)
        for v in keep:
            kept[scc_of[v]] = 1
        readers = [len(readers_of[s]) for s in range(ns)]
    members = cond.members
    for s in order:
        mem = members[s]
        acc = 1 << mem[0] if len(mem) == 1 else mask_of(mem)
        for u in reads[s]:
            acc |= acc_of[u]
            if readers is not None:
                readers[u] -= 1
                if readers[u] == 0 and not kept[u]:
                    acc_of[u] = None
        acc_of[s] = acc
        if visit is not None:
            visit(s, acc)
        if readers is not None and readers[s] == 0 and not kept[s]:
            acc_of[s] = None
    return scc_of, acc_of


def first_ancestors(cond: Condensation, wanted, k: int) -> list[tuple[int, ...]]:
    """For every strongly connected component ``s`` of ``cond``: the ``k`` lowest nodes ``v`` with
    ``wanted[v]`` among those that reach it (its members included), ascending; what
    ``bits_of(ancestor_sets(...)[1][s] & mask, k)`` gives for the mask of ``wanted``, without a
    bitset: the lowest of a component's ancestors are among its own and its predecessors' lowest,
    so one pass upstream first over the condensation finds them all (a few integers per edge
    instead of a scan of a bitset as wide as the graph per component)."""
    ns = len(cond)
    out: list[tuple[int, ...]] = [()] * ns
    members, pred = cond.members, cond.pred
    for s in range(ns - 1, -1, -1):  # numbered sinks first: upstream first
        own = [v for v in members[s] if wanted[v]]
        preds = pred[s]
        if not own and len(preds) == 1:
            out[s] = out[preds[0]]
            continue
        acc = set(own)
        for u in preds:
            acc.update(out[u])
        out[s] = tuple(sorted(acc)[:k]) if len(acc) > k else tuple(sorted(acc))
    return out


def mask_of(indices, n: int | None = None) -> int:
    """The bitset (a Python ``int``) with the given bits set; linear time, unlike OR-ing one bit at a time."""
    idx = indices if isinstance(indices, (list, tuple)) else list(indices)
    if not idx:
        return 0
    size = max(idx) + 1 if n is None else n
    buf = bytearray((size + 7) // 8)
    for i in idx:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


_WINDOW = (1 << 256) - 1
_NONZERO_BYTE = re.compile(rb"[^\x00]")
_BYTE_BITS = [tuple(i for i in range(8) if (v >> i) & 1) for v in range(256)]


def bits_of(x: int, limit: int | None = None) -> list[int]:
    """Indices of the set bits of ``x``, lowest first (at most ``limit``)."""
    out: list[int] = []
    if x == 0:
        return out
    if limit is not None and limit <= 8:
        # a few bits: from the lowest one, a window of 256 bits at a time (a few operations on the
        # whole integer per window), which does not scan the zero bytes below them as reading the
        # integer's bytes does
        base = 0
        while x:
            low = (x & -x).bit_length() - 1
            x >>= low
            base += low
            window = x & _WINDOW
            while window:
                lowest = window & -window
                out.append(base + lowest.bit_length() - 1)
                if len(out) >= limit:
                    return out
                window ^= lowest
            x >>= 256
            base += 256
        return out
    nbits = x.bit_length()
    if limit is not None and nbits > 512:
        # the first few of a big bitset: its bytes that hold any, lowest first, until enough
        raw = x.to_bytes((nbits + 7) // 8, "little")
        for m in _NONZERO_BYTE.finditer(raw):
            k = m.start()
            for i in _BYTE_BITS[raw[k]]:
                out.append(8 * k + i)
                if len(out) >= limit:
                    return out
        return out
    if nbits > 512:
        import numpy as np  # only for a big set read whole (--detail, the availability's figures)

        raw = np.frombuffer(x.to_bytes((nbits + 7) // 8, "little"), dtype=np.uint8)
        return np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()
    _scan(bin(x)[:1:-1], 0, out, limit)
    return out


def _scan(s: str, offset: int, out: list[int], limit: int | None) -> None:
    """Append to ``out`` the positions (plus ``offset``) of the ``1`` in ``s``, lowest bit first."""
    pos = s.find("1")
    while pos != -1:
        out.append(pos + offset)
        if limit is not None and len(out) >= limit:
            return
        pos = s.find("1", pos + 1)
