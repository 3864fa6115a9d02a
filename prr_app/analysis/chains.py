"""The chain of a single point of failure: the components that carry a failure to what it hits.

A chain starts at a seed of the scenario (the failed component, or a component
a failed domain takes down on its own), goes through components that are all
down, each hard-depending on the one before it, and ends at the component the
SPOF is reported for (an entry of a journey that goes down, else a user-facing
component). ``prr analyze`` writes one chain per SPOF, so the chains of the
components inside one large cycle must not cost a walk of the cycle each:

* without a redundancy group in the scenario, the down set is exactly what
  reaches a seed along hard dependencies, so the chain is walked forwards from
  the seed, each step to a dependent the target still reaches (one bit test on
  the ancestor bitsets), leaving the current strongly connected component by
  the way found once per cycle and target (a breadth-first search inside it);
* with a redundancy group that went down, the walk goes backwards from the
  target towards the seeds inside the down set, preferring steps that leave
  the current strongly connected component; ``networkx.shortest_path`` takes
  over where the walk gets stuck.

A user-facing component that is a member of a redundancy group counts as down when its group
is (docs/analysis.md, section 1), without being down itself: when the target is a member of
such a group that the failure took down but is not user-facing itself (a group that needs
every member, one of which failed), the chain goes on through the group to a user-facing
member, so that it ends where the failure reaches users (``c2``, ``g0``, ``c5``: c2's failure
takes down g0, which serves c5), or, if one of the group's user-facing members is down itself,
it is walked to that member instead.
"""
from __future__ import annotations

from bisect import bisect_left

import networkx as nx

from prr_app.analysis.blast import BlastRadius, Scenario
from prr_app.analysis.compiled import CompiledGraph, mask_of

#: A chain longer than CHAIN_HEAD + CHAIN_TAIL steps is written as its first CHAIN_HEAD and its last
#: CHAIN_TAIL steps (with its length): inside a cycle of thousands of components the chains of its
#: members would otherwise add up to millions of names.
CHAIN_HEAD = 8
CHAIN_TAIL = 4


def prefixed(prefix: str, steps: tuple[str, ...], length: int) -> tuple[tuple[str, ...], int]:
    """The chain ``steps`` (of ``length`` steps, listed as :meth:`Chains.ids` gives it) with
    ``prefix`` (an instance or a domain) in front."""
    if len(steps) == length:
        return _listed((prefix, *steps)), length + 1
    return (prefix, *steps[:CHAIN_HEAD - 1], *steps[CHAIN_HEAD:]), length + 1


def group_down(graph: CompiledGraph, sc: Scenario, gi: int) -> bool:
    """Does the scenario leave redundancy group ``gi`` with fewer than ``min_up`` members up? (A group
    that needs every member is expanded into plain edges: one member down takes it down.)"""
    if graph.groups[gi].threshold == 1:
        return any((sc.down >> m) & 1 for m in graph.groups[gi].members)
    return gi in sc.fired


def _listed(steps: list) -> list:
    if len(steps) <= CHAIN_HEAD + CHAIN_TAIL:
        return steps
    return steps[:CHAIN_HEAD] + steps[-CHAIN_TAIL:]


class Chains:
    """Chains of the scenarios of one :class:`~prr_app.analysis.blast.BlastRadius`, with the
    routes through cycles shared between them."""

    def __init__(self, graph: CompiledGraph, br: BlastRadius, lowest=None):
        """``lowest``: if given, for every strongly connected component of the hard dependencies
        (``br.scc_h``), the lowest targets (by index, ascending) that reach it, as
        :func:`~prr_app.analysis.compiled.first_ancestors` gives them: see :meth:`ids`."""
        self.g = graph
        self.br = br
        self.lowest = lowest
        self._scc_sizes: dict[int, int] | None = None
        self._scc_members: dict[int, list[int]] | None = None
        self._routes: dict[tuple, dict[int, int]] = {}
        self._rests: dict[int, dict[int, tuple]] = {}  # target -> component -> (length, last steps)
        # component -> its dependents furthest upstream first, and their condensation numbers negated
        # (tuples of ints, which the collector stops tracking: lists here were two containers per
        # component, kept through the SPOFs and then dropped)
        self._upstream_first: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._nexts: dict[int, dict[int, int]] = {}  # target -> component -> the next step towards it
        self._uf_mask: int | None = None  # the user-facing components (bitset), when first needed
        self._journey_entries: tuple[set[int], set[int]] | None = None  # (component entries, group entries)

    def ids(self, sc: Scenario, seeds: set[int], target: int, lowest: bool = False) -> tuple[list[str], int]:
        """The chain from a seed of ``sc`` to ``target`` as component ids, seed first (on through a
        redundancy group to a user-facing member when ``target`` is a member of it that is not
        user-facing: the group's id, then the member's; see the module's docstring), and its
        length: the whole chain, or its first :data:`CHAIN_HEAD` and last :data:`CHAIN_TAIL`
        steps when it is longer than both.

        ``lowest``: ``target`` is the lowest of the :attr:`lowest` targets that reach the seed.
        Every step of the chain goes upstream, so what reaches a step reaches the seed: the target
        reaches a component exactly when it is the lowest target that reaches it, a lookup in
        :attr:`lowest` instead of a test on a bitset as wide as the graph (the same chain)."""
        ids = self.g.ids
        via = None
        if not lowest and self.g.member_of[target]:
            target, via = self._served_through(sc, target)
        if sc.fired:
            path = self._through_groups(sc, seeds, target)
            listed, length = _listed(path), len(path)
        else:
            listed, length = self._forwards(seeds, target, lowest and self.lowest is not None)
        names = [ids[i] for i in listed]
        if via is not None:  # on through the group that serves a user-facing member
            gi, member = via
            extra = [self.g.groups[gi].id, ids[member]]
            if len(names) == length:
                names = _listed(names + extra)
            else:
                names = names[:CHAIN_HEAD] + (names[CHAIN_HEAD:] + extra)[-CHAIN_TAIL:]
            length += len(extra)
        return tuple(names), length

    # -- a target served through a redundancy group ---------------------------------------
    def _served_through(self, sc: Scenario, target: int) -> tuple[int, tuple[int, int] | None]:
        """Where the chain to ``target`` (a member of a redundancy group) ends: ``(target, None)``
        when ``target`` is user-facing or stands for a journey that goes down (an entry, or a member
        of an entry group that is down); else, when it is a member of a group that is down and has
        a user-facing member: the lowest such member that is down itself, as the new target, or,
        if none is, ``(target, (group, its lowest user-facing member))``, the steps after it."""
        uf = self._user_facing()
        if (uf >> target) & 1:
            return target, None
        comp_entries, group_entries = self._entries()
        if target in comp_entries:
            return target, None
        g = self.g
        down_groups = [gi for gi in g.member_of[target] if group_down(g, sc, gi)]
        if any(gi in group_entries for gi in down_groups):
            return target, None
        via = None
        for gi in down_groups:
            members = [m for m in g.groups[gi].members if (uf >> m) & 1]
            if not members:
                continue
            solo = [m for m in members if (sc.down >> m) & 1]
            if solo:
                return min(solo), None
            if via is None:
                via = (gi, min(members))
        return target, via

    def _user_facing(self) -> int:
        """The user-facing components as a bitset: those marked, and the entry points the
        analysis guesses where none is (``engine.entry_points``)."""
        if self._uf_mask is None:
            from prr_app.analysis.engine import entry_points  # engine imports this module

            marked, guessed = entry_points(self.g)
            self._uf_mask = mask_of(marked + guessed, self.g.n)
        return self._uf_mask

    def _entries(self) -> tuple[set[int], set[int]]:
        """The journeys' entries: components (indices) and redundancy groups (indices)."""
        if self._journey_entries is None:
            g = self.g
            comps, groups = set(), set()
            for j in g.review.journeys.values():
                for e in j.entry:
                    if e in g.index:
                        comps.add(g.index[e])
                    elif e in g.group_index:
                        groups.add(g.group_index[e])
            self._journey_entries = (comps, groups)
        return self._journey_entries

    # -- with a redundancy group down: backwards from the target ---------------------------
    def _through_groups(self, sc: Scenario, seeds: set[int], target: int) -> list[int]:
        g = self.g
        down = sc.down
        fired = set(sc.fired)
        scc = self.br.scc_h

        def nexts(v: int):
            for t in g.hard_out[v]:
                if (down >> t) & 1:
                    yield t
            for gi in g.hard_group_out[v]:
                if gi in fired:
                    for m in g.groups[gi].members:
                        if (down >> m) & 1:
                            yield m

        path = [target]
        seen = {target}
        cur = target
        steps = 0
        while cur not in seeds and steps < 10_000:
            steps += 1
            best = None
            for t in nexts(cur):
                if t in seeds:
                    best = t
                    break
                if t in seen:
                    continue
                if best is None or scc[t] < scc[best]:
                    best = t
            if best is None:
                return self._shortest(nexts, seeds, target)
            path.append(best)
            seen.add(best)
            cur = best
        if cur not in seeds:  # pragma: no cover - the walk above gave up
            return self._shortest(nexts, seeds, target)
        path.reverse()
        return path

    @staticmethod
    def _shortest(nexts, seeds: set[int], target: int) -> list[int]:
        """A shortest way from ``target`` to a seed along ``nexts``, seed first."""
        graph = nx.DiGraph()
        todo, seen = [target], {target}
        while todo:
            v = todo.pop()
            for t in nexts(v):
                graph.add_edge(v, t)
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        sink = -1  # every seed leads to it: one search for the nearest seed
        graph.add_edges_from((s, sink) for s in seeds if s in seen)
        if target in seeds or sink not in graph:
            return [target]
        path = nx.shortest_path(graph, target, sink)[:-1]
        path.reverse()
        return path

    # -- without: forwards from the seed ---------------------------------------------
    def _forwards(self, seeds: set[int], t: int, lowest: bool = False) -> tuple[list[int], int]:
        br = self.br
        anc, scc = br.anc_h, br.scc_h
        low = self.lowest

        def reach(u: int) -> bool:  # does t (transitively) hard-depend on u?
            if lowest:  # t is the lowest target upstream of the seed (ids)
                first = low[scc[u]]
                return bool(first) and first[0] == t
            return bool((anc[scc[u]] >> t) & 1)

        if len(seeds) == 1:
            # without a redundancy group down, what goes down is what reaches the seed, the target
            # included: no need to test it (a test reads a bitset as wide as the graph)
            cur = next(iter(seeds))
        else:
            # the seed nearest the target: the target itself if it is one, else the most upstream
            cur, best = None, None
            for s in seeds:
                if reach(s):
                    k = (scc[s], s == t, -s)
                    if best is None or k > best:
                        cur, best = s, k
        if cur is None:  # pragma: no cover - the scenario's down set says otherwise
            return [t], 1
        # the first steps; the rest from what the chains to t share (each step depends only on
        # where it is and on t, so the chains to one target form a tree)
        path = [cur]
        while cur != t and len(path) < CHAIN_HEAD:
            cur = self._step(cur, t, reach)
            path.append(cur)
        if cur == t:
            return path, len(path)
        length, tail = self._rest(cur, t, reach)
        length += len(path) - 1
        if length <= CHAIN_HEAD + CHAIN_TAIL:  # short enough to write whole: the steps after the head
            while cur != t:
                cur = self._step(cur, t, reach)
                path.append(cur)
            return path, length
        return path + list(tail), length  # the rest has more than CHAIN_TAIL steps after cur

    def _rest(self, cur: int, t: int, reach) -> tuple[int, tuple[int, ...]]:
        """``(length, last steps)`` of the chain from ``cur`` to ``t``, remembered per target."""
        memo = self._rests.setdefault(t, {})
        walk = []
        while cur != t and cur not in memo:
            walk.append(cur)
            cur = self._step(cur, t, reach)
        length, tail = memo.get(cur, (1, (t,)))
        for v in reversed(walk):
            length += 1
            if len(tail) < CHAIN_TAIL:
                tail = (v,) + tail
            memo[v] = (length, tail)
        return length, tail

    def _step(self, cur: int, t: int, reach) -> int:
        """The next component of a chain to ``t`` from ``cur`` (``t`` transitively hard-depends on it);
        it depends only on ``cur`` and ``t``, so it is found once for the chains that pass there."""
        nexts = self._nexts.get(t)
        if nexts is None:
            nexts = self._nexts[t] = {}
        nxt = nexts.get(cur)
        if nxt is None:
            nxt = nexts[cur] = self._find_step(cur, t, reach)
        return nxt

    def _find_step(self, cur: int, t: int, reach) -> int:
        scc, hard_in = self.br.scc_h, self.g.hard_in
        s0 = scc[cur]
        if self._scc_size(s0) > 1:
            # inside a cycle: the way out (or to the target) found once per cycle and target
            return self._scc_route(s0, t, reach)[cur]
        # the target if it depends on cur directly, else the dependent that the target reaches and
        # that lies furthest upstream (the biggest step towards the target): the dependents are
        # tried furthest upstream first, so the first the target reaches is the one. Each test reads
        # a bitset of every component, so a step makes as few as it can: the dependents numbered
        # above the target lie upstream of it or beside it, never downstream, so the target cannot
        # reach them and they are skipped (a hub with thousands of dependents is left after a few tests)
        cands = hard_in[cur]
        k = bisect_left(cands, t)
        if k < len(cands) and cands[k] == t:
            return t
        hit = self._upstream_first.get(cur)
        if hit is None:
            order = sorted(cands, key=lambda u: -scc[u])
            hit = self._upstream_first[cur] = (tuple(order), tuple([-scc[u] for u in order]))
        order, keys = hit
        for i in range(bisect_left(keys, -scc[t]), len(order)):
            u = order[i]
            if u != cur and reach(u):
                return u
        return t  # cannot be: t reaches cur

    def _scc_size(self, s0: int) -> int:
        if self._scc_sizes is None:
            self._scc_sizes = {}
            for sid in self.br.scc_h:
                self._scc_sizes[sid] = self._scc_sizes.get(sid, 0) + 1
        return self._scc_sizes.get(s0, 1)

    def _scc_route(self, s0: int, t: int, reach) -> dict[int, int]:
        """For every member of the cycle ``s0``: the next step towards ``t`` or out of the cycle.

        A breadth-first search backwards from the goals (``t`` if it is in the
        cycle, else the members with a dependent outside it that ``t`` reaches),
        done once per cycle and target.
        """
        key = (s0, t)
        hit = self._routes.get(key)
        if hit is not None:
            return hit
        g, scc = self.g, self.br.scc_h
        if self._scc_members is None:
            self._scc_members = {}
            for v, sid in enumerate(scc):
                self._scc_members.setdefault(sid, []).append(v)
        members = self._scc_members[s0]
        nxt: dict[int, int] = {}
        queue: list[int] = []
        if scc[t] == s0:
            nxt[t] = t
            queue.append(t)
        else:
            for v in members:
                out_u, out_k = -1, -1
                for u in g.hard_in[v]:
                    if u == t:
                        out_u = t
                        break
                    if scc[u] != s0 and scc[u] > out_k and reach(u):
                        out_u, out_k = u, scc[u]
                if out_u != -1:
                    nxt[v] = out_u
                    queue.append(v)
        for x in queue:
            for y in g.hard_out[x]:
                if scc[y] == s0 and y not in nxt:
                    nxt[y] = x
                    queue.append(y)
        self._routes[key] = nxt
        return nxt
