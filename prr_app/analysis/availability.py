"""Composite availability of journeys and user-facing components.

Model (docs/analysis.md, "Composite availability"):

* every component fails on its own (software, config, overload) with
  probability ``1 - availability``; every failure domain likewise; all these
  events are independent; an unstated figure counts as 100 % (and the
  analysis says so);
* an instance is up when every domain it sits in (and their ancestors) is
  up; a component is up when its own event is up, at least ``min_healthy``
  of its instances are up, every hard dependency without fallback is up and
  every redundancy group it needs has ``min_up`` members up (the same rules
  as the failure propagation; soft and async dependencies do not count);
* a journey is up when all its entries are up: an entry component, or a redundancy group
  entry with at least ``min_up`` members up (a user-facing group member's figure is its
  groups': docs/analysis.md, "User-facing and journeys").

Computation:

* Domain states are enumerated by the number of failed domains (none, one,
  two, ...) until the probability of the states left out is below 1e-9; for
  each state the components that lose too many instances are forced down.
* Given a domain state, when no redundancy group that tolerates losses lies
  under the target, the target is up exactly when every component it
  transitively needs is up: a product over that set (each shared dependency
  counted once, since the set is a set).
* With such groups, the structure is a tree of AND and k-of-n nodes;
  components that appear in more than one branch are conditioned on
  (enumerated), which makes the branches independent: exact.
* When the group structure is cyclic or too many components are shared, a
  seeded Monte Carlo simulation with numpy estimates the figure and states
  its sample size and a 95 % confidence interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import TYPE_CHECKING

from prr_app.analysis.compiled import CompiledGraph, bits_of, descendant_sets, mask_of

RESIDUAL = 1e-9  # probability mass of domain states we may leave out
MAX_PIVOTS = 10
MAX_STATES = 20_000
SAMPLES = 100_000
#: The elements listed as the largest consumers of a target's error budget, at most.
TOP_CONSUMERS = 5

if TYPE_CHECKING:
    import numpy as np


@dataclass
class AvailabilityResult:
    target: str
    target_type: str  # "journey" or "component"
    slo: float | None
    estimate: float  # percent
    method: str  # "exact" or "simulation"
    ci: list[float]  # percent [low, high]
    samples: int | None
    attainable: bool | None
    top_consumers: list[dict] = field(default_factory=list)
    components: int = 0  # how many components the target needs

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "target_type": self.target_type,
            "slo": self.slo,
            "estimate": round(self.estimate, 6),
            "method": self.method,
            "ci": (round(self.ci[0], 6), round(self.ci[1], 6)),
            "samples": self.samples,
            "attainable": self.attainable,
            "top_consumers": tuple(self.top_consumers),
            "needs": self.components,
        }


class _Unsupported(Exception):
    pass


class AvailabilityModel:
    def __init__(self, graph: CompiledGraph, *, seed: int = 0, targets=None, alone=()):
        """``targets``: the components whose closures will be asked for (entries of journeys and
        user-facing components, members of redundancy groups); others' descendant bitsets are not
        kept. ``None`` keeps them all. ``alone``: those of the targets whose closure is only asked
        on its own (a target of one component, not a member of a redundancy group): when nothing
        in the review can fail, :meth:`evaluate` needs only its size, and its set is not kept
        either (an import: tens of thousands of entry points, each needing most of the graph)."""
        self.g = graph
        self.seed = seed
        n = graph.n
        comps = [graph.review.components[c] for c in graph.ids]
        self.p = [min(1.0, (c.availability if c.availability is not None else 100.0) / 100.0) for c in comps]
        self.pd = [
            min(1.0, (graph.review.domains[d].availability if graph.review.domains[d].availability is not None else 100.0) / 100.0)
            for d in graph.domain_ids
        ]
        # closure graph: hard deps without fallback, every member of every group needed
        self.need_out: list[list[int]] = graph.hard_out  # the same graph when no component needs a group
        if any(graph.hard_group_out):
            self.need_out = []
            for c in range(n):
                s = set(graph.hard_out[c])
                for gi in graph.hard_group_out[c]:
                    s.update(graph.groups[gi].members)
                self.need_out.append(sorted(s))
        self.group_users = mask_of([c for c in range(n) if graph.hard_group_out[c]], n)
        self.nbytes = (n + 7) // 8
        # placement signatures: components placed alike fail alike under any set of failed domains
        sig_index: dict[tuple, int] = {}
        self.sig_of = [-1] * n
        self.sigs: list[tuple] = []  # (slot closures, slot counts, shared closure, replicas, k)
        self.sig_mask: list[int] = []
        sig_members: list[list[int]] = []
        self.sig_domains: list[frozenset[int]] = []
        for c in range(n):
            slots = tuple(graph.slot_closure[c])
            shared = graph.shared_closure[c]
            if not shared and not any(slots):
                continue
            key = (slots, shared, graph.replicas[c], graph.min_healthy[c])
            sid = sig_index.get(key)
            if sid is None:
                sid = sig_index[key] = len(self.sigs)
                self.sigs.append((slots, graph.slot_counts(c), shared, graph.replicas[c], graph.min_healthy[c]))
                self.sig_mask.append(0)
                sig_members.append([])
                doms = set(shared)
                for clo in slots:
                    doms |= clo
                self.sig_domains.append(frozenset(d for d in doms if self.pd[d] < 1.0))
            self.sig_of[c] = sid
            sig_members[sid].append(c)
        self.sig_mask = [mask_of(m, n) for m in sig_members]
        # components that can be down at all: failing on their own, or placed in a domain that can fail
        self.can_fail = mask_of([c for c in range(n) if self.p[c] < 1.0
                                 or (self.sig_of[c] >= 0 and self.sig_domains[self.sig_of[c]])], n)
        # what each component needs, transitively (itself included)
        cond = graph.condensation(self.need_out)
        self._sizes: dict[int, int] = {}  # strongly connected component -> size of its closure, where counted
        keep, visit = targets, None
        if targets is not None and not self.can_fail:
            counted = bytearray(len(cond))
            for c in alone:
                counted[cond.mapping[c]] = 1
            keep = set(targets).difference(alone)
            sizes = self._sizes

            def visit(s: int, bits: int) -> None:
                if counted[s]:
                    sizes[s] = bits.bit_count()

        self.scc, self.desc = descendant_sets(n, self.need_out, keep=keep, cond=cond, visit=visit)
        self._last_mask: tuple | None = None
        self._closure_cache: dict[tuple, int] = {}
        self._sig_cache: dict[int, tuple] = {}
        self._sigset_cache: dict[tuple, tuple] = {}
        self._okw_cache: dict[tuple, np.ndarray] = {}
        self._mat_cache: dict[tuple, tuple] = {}
        self._smask_cache: dict[tuple, tuple] = {}
        self._ps_cache: dict[tuple, tuple] = {}
        self._logp_cache: dict[int, float] = {}
        self._enum_cache: dict[tuple, tuple | None] = {}
        self._tree_cache: dict[tuple, tuple] = {}
        self._rows_cache: dict[tuple, np.ndarray] = {}
        self._col_cache: dict[tuple, np.ndarray] = {}
        self._has_cache: dict[tuple, np.ndarray] = {}
        self._result_cache: dict[tuple, AvailabilityResult] = {}  # exact results by entries and SLO
        relevant: set[int] = set()
        for ds in self.sig_domains:
            relevant |= ds
        self.all_domains = tuple(sorted(relevant))

    # numpy arrays, made on first use: a review where nothing under a target can fail (an import,
    # without figures or placement) needs none, and the process does not import numpy at all
    @cached_property
    def logp(self) -> "np.ndarray":
        import numpy as np

        return np.array([math.log(p) if p > 0 else -1e300 for p in self.p], dtype=float)

    @cached_property
    def sig_arr(self) -> "np.ndarray":
        import numpy as np

        return np.array(self.sig_of, dtype=np.int64)

    @cached_property
    def unsure(self) -> "np.ndarray":
        """Components that can fail on their own."""
        import numpy as np

        return np.array(self.p, dtype=float) < 1.0

    # -- helpers -------------------------------------------------------
    def closure(self, entries: list[int]) -> int:
        """What the entries need, transitively. An entry ``-1 - g`` is redundancy group ``g``
        (a journey entering by a group, a user-facing group member): its members' closures."""
        if len(entries) == 1 and entries[0] >= 0:
            return self.desc[self.scc[entries[0]]]  # the stored bitset itself: same object each time
        key = tuple(entries)
        acc = self._closure_cache.get(key)
        if acc is None:
            acc = 0
            for e in entries:
                for m in ([e] if e >= 0 else self.g.groups[-1 - e].members):
                    acc |= self.desc[self.scc[m]]
            self._closure_cache[key] = acc
        return acc

    def _indices(self, bits: int) -> np.ndarray:
        """The members of a closure bitset, ascending, as an index array (the last one is kept: a
        target asks for its closure's several times). Closures are small next to the graph (tens
        of components out of thousands): the figures index the per-component arrays with this."""
        import numpy as np

        last = self._last_mask
        if last is not None and last[0] is bits:
            return last[1]
        if bits.bit_length() <= 512:
            idx = np.array(bits_of(bits), dtype=np.int64)
        else:
            raw = np.frombuffer(bits.to_bytes(self.nbytes, "little"), dtype=np.uint8)
            idx = np.flatnonzero(np.unpackbits(raw, bitorder="little"))
        idx.flags.writeable = False
        self._last_mask = (bits, idx)
        return idx

    # -- failure-domain states ------------------------------------------
    def _enumerate(self, doms: tuple[int, ...]):
        """Domain states (sets of failed domains) by size until the mass left out is below RESIDUAL.

        Returns ``(states, probabilities, residual)`` or None when that takes
        more than MAX_STATES states.
        """
        import numpy as np

        if doms in self._enum_cache:
            return self._enum_cache[doms]
        pd = {d: min(max(self.pd[d], 1e-12), 1.0) for d in doms}
        base = 1.0
        for d in doms:
            base *= pd[d]
        odds = {d: (1 - pd[d]) / pd[d] for d in doms}
        states: list[frozenset[int]] = []
        probs: list[float] = []
        total = 0.0
        result = None
        for r in range(len(doms) + 1):
            for combo in combinations(doms, r):
                prob = base
                for d in combo:
                    prob *= odds[d]
                states.append(frozenset(combo))
                probs.append(prob)
                total += prob
                if len(states) > MAX_STATES:
                    self._enum_cache[doms] = None
                    return None
            if 1.0 - total < RESIDUAL:
                break
        result = (doms, states, np.array(probs, dtype=float), max(0.0, 1.0 - total))
        self._enum_cache[doms] = result
        return result

    def _forced_col(self, enum, sid: int) -> np.ndarray:
        """For every state of ``enum``: does it take the components of signature ``sid`` down?"""
        import numpy as np

        key = (enum[0], sid)
        col = self._col_cache.get(key)
        if col is None and len(enum[0]) <= 62:
            # vectorised over the states: each state as a bit mask over the enumerated domains
            smask, pos = self._state_masks(enum)
            slots, counts, shared, n, k = self.sigs[sid]

            def m(ds) -> int:
                return sum(1 << pos[d] for d in ds if d in pos)

            out = np.zeros(len(enum[1]), dtype=bool)
            sm = m(shared)
            if sm:
                out |= (smask & np.int64(sm)) != 0
            lost = np.zeros(len(enum[1]), dtype=np.int64)
            for clo, cnt in zip(slots, counts):
                cm = m(clo)
                if cm and cnt:
                    lost += cnt * ((smask & np.int64(cm)) != 0)
            out |= (n - lost) < k
            col = self._col_cache[key] = out
        if col is None:
            slots, counts, shared, n, k = self.sigs[sid]
            out = np.zeros(len(enum[1]), dtype=bool)
            mine = self.sig_domains[sid]
            for i, state in enumerate(enum[1]):
                if not (state & mine):
                    continue
                if shared & state:
                    out[i] = True
                    continue
                lost = 0
                for clo, cnt in zip(slots, counts):
                    if clo & state:
                        lost += cnt
                out[i] = n - lost < k
            col = self._col_cache[key] = out
        return col

    def _state_masks(self, enum):
        """Every state of ``enum`` as an int64 bit mask over its domains, and the domains' bit positions."""
        import numpy as np

        hit = self._smask_cache.get(enum[0])
        if hit is None:
            pos = {d: i for i, d in enumerate(enum[0])}
            smask = np.fromiter((sum(1 << pos[d] for d in st) for st in enum[1]), dtype=np.int64,
                                count=len(enum[1]))
            hit = self._smask_cache[enum[0]] = (smask, pos)
        return hit

    def _has_col(self, enum, d: int) -> np.ndarray:
        import numpy as np

        key = (enum[0], d)
        col = self._has_cache.get(key)
        if col is None and len(enum[0]) <= 62:
            smask, pos = self._state_masks(enum)
            col = self._has_cache[key] = (smask & np.int64(1 << pos[d])) != 0 if d in pos else \
                np.zeros(len(enum[1]), dtype=bool)
        if col is None:
            col = self._has_cache[key] = np.fromiter((d in st for st in enum[1]), dtype=bool, count=len(enum[1]))
        return col

    def _states_for(self, closure: int):
        import numpy as np

        hit = self._sig_cache.get(closure)
        if hit is None:
            present = sorted(set(self.sig_arr[self._indices(closure)].tolist()))  # a few dozen: no np.unique
            sigs = [sid for sid in present if sid >= 0 and self.sig_domains[sid]]
            hit = self._sig_cache[closure] = self._states_for_sigs(tuple(sigs))
        return hit

    def _states_for_sigs(self, sigs: tuple[int, ...]):
        hit = self._sigset_cache.get(sigs)
        if hit is not None:
            return hit
        doms: set[int] = set()
        for sid in sigs:
            doms |= self.sig_domains[sid]
        enum = self._enumerate(tuple(sorted(doms)))  # only the domains under the target
        if enum is None:
            raise _Unsupported("too many failure-domain states")
        hit = self._sigset_cache[sigs] = (enum, list(sigs))
        return hit

    def _ok_weight(self, enum, sigs: list[int]) -> np.ndarray:
        """State weights, zero where the state forces one of ``sigs`` down (cached per signature set)."""
        import numpy as np

        key = (enum[0], tuple(sigs))
        w = self._okw_cache.get(key)
        if w is None:
            if sigs:
                hit = self._sig_matrix(enum, sigs).any(axis=1)
                w = np.where(hit, 0.0, enum[2])
            else:
                w = enum[2]
            self._okw_cache[key] = w
        return w

    def _sig_matrix(self, enum, sigs: list[int]) -> np.ndarray:
        """states x sigs: does the state force the signature's components down? Columns filled on demand."""
        import numpy as np

        store = self._mat_cache.get(enum[0])
        if store is None:
            store = self._mat_cache[enum[0]] = (np.zeros((len(enum[1]), len(self.sigs)), dtype=bool),
                                                np.zeros(len(self.sigs), dtype=bool))
        mat, have = store
        idx = np.asarray(sigs, dtype=np.int64)
        for sid in idx[~have[idx]].tolist():
            mat[:, sid] = self._forced_col(enum, sid)
            have[sid] = True
        return mat[:, idx]

    # -- exact ---------------------------------------------------------
    def exact(self, entries: list[int], perfect: frozenset = frozenset(), perfect_domains: frozenset = frozenset()):
        """(probability the target is up, probability mass of domain states left out)."""
        pc = next(iter(perfect)) if perfect else None
        enum, weight, v = self._per_state(entries, pc)
        for d in perfect_domains:
            weight = self._without_domain(enum, weight, d)
        residual = enum[3] if not perfect_domains else max(0.0, 1.0 - float(weight.sum()))
        return float(weight @ v), residual

    def _without_domain(self, enum, weight: np.ndarray, d: int) -> np.ndarray:
        """State weights if domain ``d`` never failed."""
        import numpy as np

        if d not in enum[0]:
            return weight
        return np.where(self._has_col(enum, d), 0.0, weight / min(max(self.pd[d], 1e-12), 1.0))

    def _per_state(self, entries: list[int], perfect: int | None = None):
        """``(enum, weights, v)``: v[i] is the probability the target is up given domain state i.

        Cached per target: the figure and its budget consumers read the same states.
        """
        if perfect is not None:  # asked once per element: not kept
            return self._per_state_uncached(entries, perfect)
        key = tuple(entries)
        hit = self._ps_cache.get(key)
        if hit is None:
            hit = self._ps_cache[key] = self._per_state_uncached(entries)
        return hit

    def _closure_logp(self, closure: int) -> float:
        v = self._logp_cache.get(closure)
        if v is None:
            v = self._logp_cache[closure] = float(self.logp[self._indices(closure)].sum())
        return v

    def _per_state_uncached(self, entries: list[int], perfect: int | None = None):
        import numpy as np

        closure = self.closure(entries)
        enum, sigs = self._states_for(closure)
        weight = enum[2]
        if not (closure & self.group_users) and entries[0] >= 0:  # sorted: a group entry comes first
            # up exactly when no needed component is forced down and every one is up on its own
            logp = self._closure_logp(closure)
            if perfect is not None and (closure >> perfect) & 1:
                logp -= float(self.logp[perfect])
            okw = self._ok_weight(enum, sigs)
            return enum, weight, np.where(okw > 0.0, math.exp(logp), 0.0)
        tree = self._get_tree(entries)
        p = self.p
        if perfect is not None and perfect in tree[1]:
            p = list(self.p)
            p[perfect] = 1.0
        if not sigs:
            val = self._eval_tree(tree, p, 0, perfect)
            return enum, weight, np.full(len(weight), val)
        matrix = self._sig_matrix(enum, sigs)
        # the tree's value depends only on which of its AND nodes hold a forced-down component:
        # group the states by that, evaluate once per group
        node_masks = self._and_masks(tree)
        if len(node_masks) <= 62:
            keys = np.zeros(len(weight), dtype=np.int64)
            for k, nm in enumerate(node_masks):
                cols = [j for j, sid in enumerate(sigs) if self.sig_mask[sid] & nm]
                if cols:
                    keys |= matrix[:, cols].any(axis=1).astype(np.int64) << k
            uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            vals = np.empty(len(uniq), dtype=float)
            for i, st in enumerate(first.tolist()):
                forced = 0
                for j in np.flatnonzero(matrix[st]).tolist():
                    forced |= self.sig_mask[sigs[j]]
                vals[i] = self._eval_tree(tree, p, forced & closure, perfect)
            return enum, weight, vals[inverse.ravel()]
        if len(sigs) <= 62:
            keys = matrix.astype(np.int64) @ (np.int64(1) << np.arange(len(sigs), dtype=np.int64))
            uniq, inverse = np.unique(keys, return_inverse=True)
            rows = [bits_of(int(k)) for k in uniq]
        else:
            patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
            rows = [list(np.flatnonzero(r)) for r in patterns]
        vals = np.empty(len(rows), dtype=float)
        for i, row in enumerate(rows):
            forced = 0
            for j in row:
                forced |= self.sig_mask[sigs[j]]
            vals[i] = self._eval_tree(tree, p, forced & closure, perfect)
        return enum, weight, vals[inverse.ravel()]

    def _and_masks(self, tree) -> list[int]:
        """The component masks of the tree's AND nodes (each node once)."""
        out: list[int] = []
        seen: set[int] = set()
        stack = [tree[0]]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node[0] == "and":
                out.append(node[1])
                stack.extend(node[4])
            else:
                stack.extend(node[2])
        return out

    def _get_tree(self, entries: list[int]):
        key = tuple(entries)
        tree = self._tree_cache.get(key)
        if tree is None:
            tree = self._tree_cache[key] = self._tree(entries)
        return tree

    def _tree(self, entries: list[int]):
        """AND/k-of-n tree: ("and", comps frozenset, [children]) / ("kofn", k, [and-nodes])."""
        # the nested functions below call themselves, a reference cycle through their cells that
        # would keep the model (and the compiled graph) alive until a full garbage collection;
        # the cells are emptied on the way out
        and_node = count = comp = None
        try:
            g = self.g
            memo: dict[int, tuple] = {}

            def and_node(roots: list[int], stack: tuple[int, ...]):
                comps: set[int] = set()
                kids: list = []
                kid_groups: set[int] = set()
                todo = list(roots)
                while todo:
                    c = todo.pop()
                    if c in comps:
                        continue
                    comps.add(c)
                    todo.extend(g.hard_out[c])
                    for gi in g.hard_group_out[c]:
                        if gi in kid_groups:
                            continue
                        kid_groups.add(gi)
                        if gi in stack:
                            raise _Unsupported("redundancy group inside a cycle")
                        if gi not in memo:
                            grp = g.groups[gi]
                            memo[gi] = ("kofn", grp.min_up, [and_node([m], stack + (gi,)) for m in grp.members])
                        kids.append(memo[gi])
                return ("and", frozenset(comps), kids)

            root = and_node([e for e in entries if e >= 0], ())
            for e in entries:  # a group entry: a k-of-n node under the root
                if e < 0:
                    gi = -1 - e
                    if gi not in memo:
                        memo[gi] = ("kofn", g.groups[gi].min_up, [and_node([m], (gi,)) for m in g.groups[gi].members])
                    root[2].append(memo[gi])
            counts: dict[int, int] = {}

            def count(node):
                # a component in two places (two branches, or a group used twice)
                # is counted twice and becomes a pivot
                if node[0] == "and":
                    for c in node[1]:
                        counts[c] = counts.get(c, 0) + 1
                for k in node[2]:
                    count(k)

            count(root)
            pivots = sorted(c for c, k in counts.items() if k > 1 and self.p[c] < 1.0)
            if len(pivots) > MAX_PIVOTS:
                raise _Unsupported("too many shared components")
            pivset = set(pivots)
            compiled: dict[int, tuple] = {}

            def comp(node):
                # ("and", mask, product of the non-pivot availabilities, pivots here, kids) / ("kofn", k, kids)
                hit = compiled.get(id(node))
                if hit is not None:
                    return hit
                if node[0] == "and":
                    mask = 0
                    prod = 1.0
                    here = []
                    for c in node[1]:
                        mask |= 1 << c
                        if c in pivset:
                            here.append(c)
                        else:
                            prod *= self.p[c]
                    out = ("and", mask, prod, tuple(sorted(here)), tuple(comp(k) for k in node[2]))
                else:
                    out = ("kofn", node[1], tuple(comp(k) for k in node[2]))
                compiled[id(node)] = out
                return out

            return comp(root), pivots
        finally:
            and_node = count = comp = None  # noqa: F841

    def _eval_tree(self, tree, p: list[float], forced: int, perfect: int | None = None) -> float:
        """Probability the tree is up given the forced-down components; pivots enumerated."""
        root, pivots = tree
        total = 0.0
        for mask in range(1 << len(pivots)):
            prob = 1.0
            q: dict[int, float] = {}
            for i, c in enumerate(pivots):
                if (mask >> i) & 1:
                    prob *= p[c]
                    q[c] = 1.0
                else:
                    prob *= 1.0 - p[c]
                    q[c] = 0.0
            if prob == 0.0:
                continue
            total += prob * self._eval_node(root, q, forced, perfect)
        return total

    def _eval_node(self, node, q: dict, forced: int, perfect: int | None) -> float:
        if node[0] == "and":
            mask = node[1]
            if forced & mask:
                return 0.0
            prob = node[2]
            if perfect is not None and (mask >> perfect) & 1 and perfect not in q:
                prob /= self.p[perfect]
            for c in node[3]:
                prob *= q[c]
            if prob == 0.0:
                return 0.0
            for kid in node[4]:
                prob *= self._eval_node(kid, q, forced, perfect)
                if prob == 0.0:
                    break
            return prob
        k = node[1]
        probs = [self._eval_node(m, q, forced, perfect) for m in node[2]]
        # P(at least k of the independent members up)
        dist = [1.0] + [0.0] * len(probs)
        for pm in probs:
            for j in range(len(probs), 0, -1):
                dist[j] = dist[j] * (1 - pm) + dist[j - 1] * pm
            dist[0] *= 1 - pm
        return sum(dist[k:])

    # -- simulation ----------------------------------------------------
    def simulate(self, entries: list[int], ordinal: int, samples: int = SAMPLES) -> float:
        import numpy as np

        g = self.g
        rng = np.random.default_rng([self.seed, ordinal])
        closure = bits_of(self.closure(entries))
        cset = set(closure)
        dom_up = {}
        for d, pd in enumerate(self.pd):
            dom_up[d] = rng.random(samples) < pd if pd < 1.0 else None
        up: dict[int, np.ndarray] = {}
        base: dict[int, np.ndarray] = {}
        for c in closure:
            b = rng.random(samples) < self.p[c] if self.p[c] < 1.0 else np.ones(samples, dtype=bool)
            # placement: at least k instances with all their domains up
            slots = g.slot_closure[c]
            shared = [dom_up[d] for d in g.shared_closure[c] if dom_up[d] is not None]
            for s in shared:
                b = b & s
            if slots:
                counts = g.slot_counts(c)
                alive = np.zeros(samples, dtype=np.int32)
                for s_i, clo in enumerate(slots):
                    ok = np.ones(samples, dtype=bool)
                    for d in clo:
                        if dom_up[d] is not None:
                            ok &= dom_up[d]
                    alive += ok.astype(np.int32) * counts[s_i]
                b = b & (alive >= g.min_healthy[c])
            base[c] = b
            up[c] = b.copy()
        order = sorted(closure, key=lambda c: self.scc[c])  # sinks first
        changed = True
        while changed:
            changed = False
            for c in order:
                v = base[c].copy()
                for t in g.hard_out[c]:
                    if t in cset:
                        v &= up[t]
                for gi in g.hard_group_out[c]:
                    grp = g.groups[gi]
                    cnt = np.zeros(samples, dtype=np.int32)
                    for m in grp.members:
                        cnt += up[m]
                    v &= cnt >= grp.min_up
                if not np.array_equal(v, up[c]):
                    up[c] = v
                    changed = True
        ok = np.ones(samples, dtype=bool)
        for e in entries:
            if e >= 0:
                ok &= up[e]
            else:  # a group entry: at least min_up members up
                grp = g.groups[-1 - e]
                ok &= sum(up[m].astype(np.int32) for m in grp.members) >= grp.min_up
        return float(ok.mean())

    # -- the figure for one target --------------------------------------
    def evaluate(self, target: str, target_type: str, entries: list[int], slo: float | None, ordinal: int) -> AvailabilityResult:
        same = self._result_cache.get((tuple(entries), slo))
        if same is not None:  # the same entries (a journey and its one entry, a group's members): exact, alike
            return AvailabilityResult(target, target_type, slo, same.estimate, same.method, list(same.ci), None,
                                      same.attainable, [dict(x) for x in same.top_consumers], same.components)
        if len(entries) == 1 and entries[0] >= 0 and self.scc[entries[0]] in self._sizes:
            needs = self._sizes[self.scc[entries[0]]]  # nothing can fail: its set was not kept
        else:
            needs = self.closure(entries).bit_count()
        if not self.can_fail or not self.closure(entries) & self.can_fail:
            # nothing under the target can fail: up, exactly, at no cost
            return AvailabilityResult(target, target_type, slo, 100.0, "exact", [100.0, 100.0], None,
                                      None if slo is None else True, [], needs)
        try:
            est, residual = self.exact(entries)
            method, samples = "exact", None
            lo, hi = est, min(1.0, est + residual)
        except _Unsupported:
            samples = SAMPLES
            est = self.simulate(entries, ordinal, samples)
            half = 1.96 * math.sqrt(max(est * (1 - est), 1.0 / samples) / samples)
            method = "simulation"
            lo, hi = max(0.0, est - half), min(1.0, est + half)
        attainable = None if slo is None else hi * 100.0 >= slo - 1e-9
        consumers = self._consumers(entries, est, slo, method)
        res = AvailabilityResult(
            target, target_type, slo, est * 100.0, method, [lo * 100.0, hi * 100.0], samples, attainable,
            consumers, needs,
        )
        if method == "exact":
            self._result_cache[(tuple(entries), slo)] = res
        return res

    def _consumers(self, entries: list[int], est: float, slo: float | None, method: str) -> list[dict]:
        """The elements whose unavailability costs the target most, at most :data:`TOP_CONSUMERS`.

        Every element of the target's structure is a candidate: each component it needs
        (transitively, group members and the dependencies of shared components included)
        and each failure domain those components sit in (with its ancestors). The cost of an
        element is what the target would gain if that element never failed. Where the figure
        is exact, the cost is exact: in closed form (``estimate / a - estimate``) for a
        component that every way of being up needs (a factor of every term), else the
        figure computed again with the element made perfect. With the simulation, the
        closed form is given for every component as an approximation (``exact: false``).
        Ranked by cost, ties by name; elements that cost nothing (to the 1e-6 percentage
        points written) are left out.
        """
        import numpy as np

        closure = self.closure(entries)
        budget = (1.0 - slo / 100.0) if slo is not None else max(1.0 - est, 1e-12)
        idx = self._indices(closure)
        idx = idx[self.unsure[idx]].tolist()  # the components that can fail on their own
        ids, p = self.g.ids, self.p
        cands: list[tuple[float, str, str, float, bool]] = []
        if method == "exact":
            enum, weight, v = self._per_state(entries)
            factor = closure  # components in every term of the figure
            if closure & self.group_users or entries[0] < 0:
                root, pivots = self._get_tree(entries)
                factor = root[1]
                for c in pivots:
                    factor &= ~(1 << c)
            for c in idx:
                if (factor >> c) & 1 and p[c] > 0:
                    gain = est / p[c] - est
                else:
                    gain = self.exact(entries, perfect=frozenset({c}))[0] - est
                cands.append((gain, ids[c], "component", p[c] * 100, True))
            doms: set[int] = set()
            for sid in self._states_for(closure)[1]:  # the signatures under the target (cached)
                doms |= self.sig_domains[sid]
            if doms:
                order = tuple(sorted(doms))
                # the state weights if each domain never failed, one row per domain (cached: many
                # targets sit under the same domains), times the target's figures per state
                key = (enum[0], order)
                rows = self._rows_cache.get(key)
                if rows is None:
                    rows = self._rows_cache[key] = np.vstack([self._without_domain(enum, weight, d) for d in order])
                for d, better in zip(order, (rows * v).sum(axis=1).tolist()):  # each row summed alike
                    cands.append((better - est, self.g.domain_ids[d], "domain", self.pd[d] * 100, True))
        else:
            for c in idx:
                gain = min(est / p[c] - est, 1.0 - est) if p[c] > 0 else 1.0 - est
                cands.append((gain, ids[c], "component", p[c] * 100, False))
        cands = [x for x in cands if round(x[0] * 100.0, 6) > 0]  # costs nothing to the precision shown
        cands = _by_cost_then_name(cands)
        out = []
        for gain, eid, kind, av, exact in cands[:TOP_CONSUMERS]:
            out.append({
                "element": eid,
                "type": kind,
                "availability": round(av, 6),
                "unavailability_cost": round(gain * 100.0, 6),
                "budget_share": round(100.0 * gain / budget, 2) if budget > 0 else None,
                "exact": exact,
            })
        return out


def _by_cost_then_name(cands: list) -> list:
    """Largest cost first; costs equal to the precision the figures are exact to (1e-9, the
    domain states left out) by name, in runs from each run's largest. A run, not rounding: two
    costs 1e-16 apart rounded to 12 places can fall either side of a rounding boundary, and
    their order then followed the noise; and costs the oracle finds equal differed by up to
    ~1e-10 here."""
    cands = sorted(cands, key=lambda x: -x[0])
    out: list = []
    i = 0
    while i < len(cands):
        j = i + 1
        while j < len(cands) and cands[i][0] - cands[j][0] <= 1e-9:
            j += 1
        out.extend(sorted(cands[i:j], key=lambda x: x[1]) if j - i > 1 else cands[i:j])
        i = j
    return out
