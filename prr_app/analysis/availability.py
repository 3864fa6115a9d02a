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
* a journey is up when all its entry components are up.

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
from itertools import combinations

import numpy as np

from prr_app.analysis.graph import CompiledGraph, ancestor_sets, bits_of

RESIDUAL = 1e-9  # probability mass of domain states we may leave out
MAX_PIVOTS = 10
SAMPLES = 100_000


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
            "ci": [round(self.ci[0], 6), round(self.ci[1], 6)],
            "samples": self.samples,
            "attainable": self.attainable,
            "top_consumers": self.top_consumers,
            "needs": self.components,
        }


class _Unsupported(Exception):
    pass


class AvailabilityModel:
    def __init__(self, graph: CompiledGraph, *, seed: int = 0):
        self.g = graph
        self.seed = seed
        n = graph.n
        comps = [graph.review.components[c] for c in graph.ids]
        self.p = [min(1.0, (c.availability if c.availability is not None else 100.0) / 100.0) for c in comps]
        self.logp = np.array([math.log(p) if p > 0 else -1e300 for p in self.p], dtype=float)
        self.pd = [
            min(1.0, (graph.review.domains[d].availability if graph.review.domains[d].availability is not None else 100.0) / 100.0)
            for d in graph.domain_ids
        ]
        # closure graph: hard deps without fallback, every member of every group needed
        self.need_out: list[list[int]] = []
        for c in range(n):
            s = set(graph.hard_out[c])
            for gi in graph.hard_group_out[c]:
                s.update(graph.groups[gi].members)
            self.need_out.append(sorted(s))
        need_in: list[list[int]] = [[] for _ in range(n)]
        for c in range(n):
            for t in self.need_out[c]:
                need_in[t].append(c)
        # descendants along need_out = nodes reaching c along need_in
        self.scc, self.desc = ancestor_sets(n, need_in, self.need_out)
        self.group_users = 0
        for c in range(n):
            if graph.hard_group_out[c]:
                self.group_users |= 1 << c
        self.nbytes = (n + 7) // 8

    # -- helpers -------------------------------------------------------
    def closure(self, entries: list[int]) -> int:
        acc = 0
        for e in entries:
            acc |= self.desc[self.scc[e]]
        return acc

    def _mask_array(self, bits: int) -> np.ndarray:
        raw = np.frombuffer(bits.to_bytes(self.nbytes, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[: self.g.n].astype(bool)

    def _forced(self, failed: tuple[int, ...], closure: int) -> int:
        """Components in ``closure`` forced down by a set of failed domains."""
        if not failed:
            return 0
        if len(failed) == 1:
            out = 0
            for c in self.g.domain_seeds[failed[0]]:
                out |= 1 << c
            return out & closure
        fd = set(failed)
        touched: set[int] = set()
        for d in failed:
            touched.update(self.g.domain_lost[d])
        out = 0
        for c in touched:
            if (closure >> c) & 1 and self.g.replicas[c] - self.g.lost_instances(c, fd) < self.g.min_healthy[c]:
                out |= 1 << c
        return out

    def _domain_states(self, closure: int):
        """Yield (failed domains, probability) until the mass left is below RESIDUAL."""
        rel: set[int] = set()
        for c in bits_of(closure):
            for clo in self.g.slot_closure[c]:
                rel |= clo
            rel |= self.g.shared_closure[c]
        rel_list = sorted(d for d in rel if self.pd[d] < 1.0)
        base = 1.0
        for d in rel_list:
            base *= self.pd[d]
        total = 0.0
        for r in range(len(rel_list) + 1):
            for combo in combinations(rel_list, r):
                prob = base
                for d in combo:
                    prob *= (1 - self.pd[d]) / self.pd[d] if self.pd[d] > 0 else 0.0
                total += prob
                yield combo, prob
            if 1.0 - total < RESIDUAL:
                return
            if r >= 4:
                raise _Unsupported("too many domain states")

    # -- exact ---------------------------------------------------------
    def exact(self, entries: list[int], perfect: frozenset = frozenset(), perfect_domains: frozenset = frozenset()):
        closure = self.closure(entries)
        simple = not (closure & self.group_users)
        tree = None if simple else self._tree(entries)
        p = list(self.p)
        for c in perfect:
            p[c] = 1.0
        if simple:
            mask = self._mask_array(closure)
            logp = self.logp.copy()
            for c in perfect:
                logp[c] = 0.0
            base = math.exp(float(logp[mask].sum()))
        total = 0.0
        mass = 0.0
        saved = {d: self.pd[d] for d in perfect_domains}
        try:
            for d in perfect_domains:
                self.pd[d] = 1.0
            for failed, prob in self._domain_states(closure):
                mass += prob
                forced = self._forced(failed, closure)
                if simple:
                    if not forced:
                        total += prob * base
                else:
                    total += prob * self._eval_tree(tree, p, forced)
        finally:
            for d, v in saved.items():
                self.pd[d] = v
        return total, max(0.0, 1.0 - mass)

    def _tree(self, entries: list[int]):
        """AND/k-of-n tree: ("and", comps frozenset, [children]) / ("kofn", k, [and-nodes])."""
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

        root = and_node(list(entries), ())
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
        return root, pivots

    def _eval_tree(self, tree, p: list[float], forced: int) -> float:
        root, pivots = tree
        total = 0.0
        for mask in range(1 << len(pivots)):
            prob = 1.0
            q = list(p)
            for i, c in enumerate(pivots):
                if (mask >> i) & 1:
                    prob *= p[c]
                    q[c] = 1.0
                else:
                    prob *= 1.0 - p[c]
                    q[c] = 0.0
            if prob == 0.0:
                continue
            total += prob * self._eval_node(root, q, forced)
        return total

    def _eval_node(self, node, q: list[float], forced: int) -> float:
        if node[0] == "and":
            prob = 1.0
            for c in node[1]:
                if (forced >> c) & 1:
                    return 0.0
                prob *= q[c]
            for kid in node[2]:
                prob *= self._eval_node(kid, q, forced)
                if prob == 0.0:
                    break
            return prob
        k = node[1]
        probs = [self._eval_node(m, q, forced) for m in node[2]]
        # P(at least k of the independent members up)
        dist = [1.0] + [0.0] * len(probs)
        for pm in probs:
            for j in range(len(probs), 0, -1):
                dist[j] = dist[j] * (1 - pm) + dist[j - 1] * pm
            dist[0] *= 1 - pm
        return sum(dist[k:])

    # -- simulation ----------------------------------------------------
    def simulate(self, entries: list[int], ordinal: int, samples: int = SAMPLES) -> float:
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
            ok &= up[e]
        return float(ok.mean())

    # -- the figure for one target --------------------------------------
    def evaluate(self, target: str, target_type: str, entries: list[int], slo: float | None, ordinal: int) -> AvailabilityResult:
        needs = self.closure(entries).bit_count()
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
        return AvailabilityResult(
            target, target_type, slo, est * 100.0, method, [lo * 100.0, hi * 100.0], samples, attainable,
            consumers, needs,
        )

    def _consumers(self, entries: list[int], est: float, slo: float | None, method: str) -> list[dict]:
        """The elements whose unavailability costs the target most (gain if they were perfect)."""
        closure = self.closure(entries)
        budget = (1.0 - slo / 100.0) if slo is not None else max(1.0 - est, 1e-12)
        cands: list[tuple[float, str, str, float]] = []
        comps = [c for c in bits_of(closure) if self.p[c] < 1.0]
        comps.sort(key=lambda c: self.p[c])
        doms: set[int] = set()
        for c in bits_of(closure):
            for clo in self.g.slot_closure[c]:
                doms |= clo
            doms |= self.g.shared_closure[c]
        doms_l = sorted((d for d in doms if self.pd[d] < 1.0), key=lambda d: self.pd[d])[:3]
        for c in comps[:8]:
            gain = None
            if method == "exact":
                try:
                    better, _ = self.exact(entries, perfect=frozenset({c}))
                    gain = better - est
                except _Unsupported:
                    gain = None
            if gain is None:
                gain = est / self.p[c] - est if self.p[c] > 0 else 1.0
            cands.append((gain, self.g.ids[c], "component", self.p[c] * 100))
        for d in doms_l:
            gain = None
            if method == "exact":
                try:
                    better, _ = self.exact(entries, perfect_domains=frozenset({d}))
                    gain = better - est
                except _Unsupported:
                    gain = None
            if gain is not None:
                cands.append((gain, self.g.domain_ids[d], "domain", self.pd[d] * 100))
        cands.sort(key=lambda x: (-x[0], x[1]))
        out = []
        for gain, eid, kind, av in cands[:5]:
            if gain <= 1e-12:
                continue
            out.append({
                "element": eid,
                "type": kind,
                "availability": round(av, 6),
                "unavailability_cost": round(gain * 100.0, 6),
                "budget_share": round(100.0 * gain / budget, 2) if budget > 0 else None,
            })
        return out
