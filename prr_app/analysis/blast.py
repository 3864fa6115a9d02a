"""Blast radius of every single failure at once, with bitsets.

A traversal per element costs the sum of all blast radii, which is too slow
on deep graphs. Instead:

1. The graph of hard dependencies without fallback (redundancy groups that
   need every member expanded into plain edges) is condensed into strongly
   connected components; going upstream, each SCC gets the bitset of every
   component that reaches it (a Python ``int``: one OR per condensed edge).
   When a component fails on its own, exactly those components go down,
   unless a redundancy group that tolerates losses is involved.
2. Redundancy groups that tolerate losing members are the one place where
   propagation is not reachability. For each failure the members already
   down are counted per group; when a group loses too many, the bitset of
   everything upstream of the group is added, and the count repeats until
   nothing changes (a least fixpoint, as in ``propagation``).
3. The same is done for the graph of all dependencies, which gives what is
   affected (down or degraded) by each failure.
4. A failure domain takes down, on its own, the components that lose too
   many instances with it (its seeds); its down set is the union of the
   seeds' bitsets, closed over the redundancy groups as above.

An instance failure takes a component down only when it needs all its
instances (k = n); it then does exactly what the component's failure does.

This is the fast path. The plain one is ``propagation.simulate`` (one worklist
per failure, the what-ifs of the app): the tests run it for every element of
random reviews as the oracle of this module (tests/test_analysis_propagation.py).
"""
from __future__ import annotations

from prr_app.analysis.compiled import CompiledGraph, ancestor_sets, bits_of


class Scenario:
    """One failure: what goes down and what reaches it, as ``int`` bitsets over components."""

    __slots__ = ("kind", "index", "down", "upstream", "fired", "_nd", "facts")

    def __init__(self, kind: str, index: int, down: int, upstream: int, fired):
        self.kind = kind  # "component" or "domain"
        self.index = index  # component or domain index
        self.down = down
        self.upstream = upstream  # what reaches the failure along any dependency (shared, not a copy)
        self.fired = fired  # threshold groups that went down (a sequence, read-only)
        self._nd = None
        self.facts = None  # what it hits, once summarised (engine.Context.hits): kept when the bitsets go

    @property
    def down_count(self) -> int:
        if self._nd is None:
            self._nd = self.down.bit_count()
        return self._nd

    @property
    def affected(self) -> int:
        """Down or degraded (computed on each read: at 100,000 components a bitset is 12 kB)."""
        return self.upstream | self.down

    @property
    def degraded(self) -> int:
        d = self.down
        if self.upstream is d:  # every dependency hard (an import): nothing is only degraded
            return 0
        return (self.upstream | d) & ~d


class BlastRadius:
    """Down/affected bitsets for every component failure and every domain failure."""

    def __init__(self, graph: CompiledGraph):
        self.graph = graph
        n = graph.n
        self.scc_h, self.anc_h = graph.derived(graph.hard_out, ("ancestors",),
                                               lambda cond: ancestor_sets(n, graph.hard_out, cond=cond))
        self._any: tuple | None = None  # (scc_a, anc_a): what reaches what along any dependency, on first use
        self._thr = [graph.groups[g] for g in graph.threshold_groups]
        self._thr_mask = 0
        self._member_thr: dict[int, list[int]] = {}
        self._gd: dict[int, int] = {}
        for g in self._thr:
            for m in g.members:
                self._thr_mask |= 1 << m
                self._member_thr.setdefault(m, []).append(g.index)
            acc = 0
            for s in graph.group_dependents[g.index]:
                acc |= self.anc_h[self.scc_h[s]]
            self._gd[g.index] = acc
        self._cache: dict[int, tuple[int, list[int]]] = {}
        self._dcache: dict[int, Scenario] = {}
        self._ddown: dict[int, int] = {}  # domain_down() without a scenario
        self._acount: dict[int, int] = {}
        self._tel_mask = 0
        for h in graph.telemetry:
            self._tel_mask |= 1 << h
        self._hub_callers: dict[int, int] = {}  # telemetry hub -> what its outage degrades

    @property
    def scc_a(self) -> list[int]:
        return (self._any or self._compute_any())[0]

    @property
    def anc_a(self) -> list:
        return (self._any or self._compute_any())[1]

    def _compute_any(self) -> tuple:
        g = self.graph
        out = g.degrade_out
        cond = g.condensation(out)
        if cond is g.condensation(g.hard_out):  # every dependency is hard: the same sets
            self._any = (self.scc_h, self.anc_h)
        else:
            self._any = g.derived(out, ("ancestors",), lambda cond: ancestor_sets(g.n, out, cond=cond))
        if g.telemetry:  # a telemetry hub down degrades its callers and what reaches them
            scc_a, anc_a = self._any
            for h in g.telemetry:
                acc = 0
                for s in g.any_in[h]:
                    acc |= anc_a[scc_a[s]]
                self._hub_callers[h] = acc
        return self._any

    def _hubs_down(self, down: int) -> int:
        """What the telemetry hubs in ``down`` degrade through their callers (0 without any)."""
        acc = 0
        if down & self._tel_mask:
            self.anc_a  # noqa: B018 - the callers' sets are made with the upstream sets
            for h in bits_of(down & self._tel_mask):
                acc |= self._hub_callers[h]
        return acc

    def close(self, down: int) -> tuple[int, list[int] | tuple[()]]:
        """Close a down set over the redundancy groups that tolerate losses; with the groups that
        went down (read-only: without such groups, one empty tuple for every failure rather than a
        list each, 87,000 at 100,000 components)."""
        if not self._thr:
            return down, ()
        fired: list[int] = []
        done: set[int] = set()
        groups = self.graph.groups
        while True:
            m = down & self._thr_mask
            if not m:
                return down, fired
            counts: dict[int, int] = {}
            for member in bits_of(m):
                for g in self._member_thr[member]:
                    if g not in done:
                        counts[g] = counts.get(g, 0) + 1
            changed = False
            for g in sorted(counts):
                if counts[g] >= groups[g].threshold:
                    done.add(g)
                    fired.append(g)
                    new = down | self._gd[g]
                    if new != down:
                        changed = True
                        down = new
            if not changed:
                return down, fired

    def _component_down(self, c: int) -> tuple:
        sid = self.scc_h[c]
        hit = self._cache.get(sid)
        if hit is None:
            hit = self._cache[sid] = self.close(self.anc_h[sid])
        return hit

    def component(self, c: int) -> Scenario:
        down, fired = self._component_down(c)
        anc_a, scc_a = self.anc_a, self.scc_a
        up = anc_a[scc_a[c]]
        if down & self._tel_mask:
            up = up | self._hubs_down(down)
        return Scenario("component", c, down, up, fired)

    def component_down(self, c: int) -> int:
        """What a failure of component ``c`` takes down (the bitset of :meth:`component`), without
        what it degrades."""
        return self._component_down(c)[0]

    def domain_down(self, d: int) -> int:
        """What a failure of domain ``d`` takes down (the bitset of :meth:`domain`), without what it
        degrades."""
        hit = self._dcache.get(d)
        if hit is not None:
            return hit.down
        down = self._ddown.get(d)
        if down is None:
            down = 0
            for c in self.graph.domain_seeds[d]:
                down |= self.anc_h[self.scc_h[c]]
            down = self._ddown[d] = self.close(down)[0]
        return down

    def domain(self, d: int) -> Scenario:
        hit = self._dcache.get(d)
        if hit is None:
            hit = self._dcache[d] = self._domain(d)
        return hit

    def _domain(self, d: int) -> Scenario:
        seeds = self.graph.domain_seeds[d]
        down = 0
        aff = 0
        for c in seeds:
            down |= self.anc_h[self.scc_h[c]]
            aff |= self.anc_a[self.scc_a[c]]
        down, fired = self.close(down)
        return Scenario("domain", d, down, aff | self._hubs_down(down), fired)

    def release(self) -> None:
        """Let the component scenarios' bitsets go (about 1 GB at 100,000 components) once every
        component's summary is taken (``engine.Context.hits``): the domains' stay."""
        self.anc_h = self.scc_h = None
        self._any = None
        self._cache.clear()

    def affected_count(self, sc: Scenario) -> int:
        """How many components a scenario takes down or degrades.

        For a component failure without a redundancy group going down, everything down reaches
        the component along hard dependencies, hence along dependencies: the affected set is the
        upstream bitset itself, whose count is kept per strongly connected component.
        """
        if sc.upstream is sc.down:  # every dependency hard (an import): nothing is only degraded
            return sc.down_count
        if sc.kind == "component" and not sc.fired and not sc.down & self._tel_mask:
            sid = self.scc_a[sc.index]
            n = self._acount.get(sid)
            if n is None:
                n = self._acount[sid] = sc.upstream.bit_count()
            return n
        return (sc.upstream | sc.down).bit_count()

    def down_count(self, c: int) -> int:
        return self.component(c).down_count
