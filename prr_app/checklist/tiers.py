"""The effective tier: what a component owes, given who depends on it.

A component's own tier (its ``tier``, else the review's) is what its owners
declared. It may not be less demanding than what depends on it:

    A component owes at least what the most demanding critical journey or
    user-facing component that depends on it owes (its **effective tier**).

* a **critical journey** owes the review's tier, and tier 1 when its SLO is
  99.9 % or more (the definition of tier 1); a journey marked not critical
  makes no demand;
* a **user-facing component** owes its own tier;
* the demand flows from a journey's entry components, and from a user-facing
  component, along **hard dependencies without a fallback** (the edges along
  which an outage takes the demander down, as in the analysis); a dependency on
  a redundancy group reaches every member. Soft and asynchronous dependencies,
  and hard ones with a fallback, only degrade the demander and carry no demand.

Lower numbers are more demanding (1 critical, 2 standard, 3 experimental);
the effective tier is the smallest of the own tier and every demand that
reaches the component. Each result says why, naming the demander and the
path of dependencies.

This module reads only the domain model, so any layer may use the rule
(the verdict included): :func:`effective_tiers` for every component at once,
:func:`journey_tier` for one journey.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from prr_app.model.entities import Journey, Review
from prr_app.wording import stated

#: a journey whose SLO is at least this owes tier 1
TIER1_SLO = 99.9


@dataclass(frozen=True)
class TierOwed:
    """The tier a component owes, its own tier, and why they differ (if they do)."""

    tier: int
    own: int
    by: str | None = None  # "journey:ID" or "component:ID" that raises the tier; None when own
    path: tuple[str, ...] = ()  # component ids from the demander's entry down to this component
    reason: str = ""

    @property
    def raised(self) -> bool:
        return self.tier < self.own

    def to_dict(self) -> dict:
        d: dict = {"tier": self.tier, "own": self.own}
        if self.raised:
            d.update({"by": self.by, "path": list(self.path), "reason": self.reason})
        return d


def journey_tier(review: Review, journey: Journey) -> int:
    """The tier a journey owes: tier 1 with an SLO of 99.9 % or more, else the review's tier."""
    if journey.slo is not None and journey.slo >= TIER1_SLO:
        return 1
    return review_tier(review)


def review_tier(review: Review) -> int:
    """The review's tier; one not stated counts as tier 1, the most demanding (fail safe)."""
    return 1 if review.meta.tier is None else review.meta.tier


def own_tier(review: Review, component_id: str) -> int:
    c = review.components[component_id]
    return c.tier if c.tier is not None else review_tier(review)


def _carrying_edges(review: Review) -> dict[str, list[str]]:
    """component -> components it hard-depends on without a fallback (groups expanded); a
    component that depends on none is not listed."""
    comps = review.components
    out: dict[str, list[str]] = {}
    for d in review.dependencies.values():
        if d.kind != "hard" or d.fallback or d.source not in comps:
            continue
        if d.target in comps:
            out.setdefault(d.source, []).append(d.target)
        elif d.target in review.groups:
            out.setdefault(d.source, []).extend(m for m in review.groups[d.target].members if m in comps)
    return out


def effective_tiers(review: Review) -> dict[str, TierOwed]:
    """The :class:`TierOwed` of every component of ``review``, by component id.

    One breadth-first walk per tier level (1, then 2): from every demander of
    that level, along the carrying edges. The first demander to reach a
    component (journeys first, in id order, then user-facing components in id
    order) is the one named, with the shortest path.
    """
    comps = review.components
    default = review_tier(review)
    plain: dict[int, TierOwed] = {}  # a component that owes its own tier: one TierOwed per tier, shared
    result: dict[str, TierOwed] = {}
    for cid, c in comps.items():
        own = c.tier if c.tier is not None else default
        owed = plain.get(own)
        if owed is None:
            owed = plain[own] = TierOwed(own, own)
        result[cid] = owed
    if not comps:
        return result
    demanders: list[tuple[int, str, str, list[str]]] = []  # (tier, by, label, entries)
    for jid in sorted(review.journeys):
        j = review.journeys[jid]
        if not j.critical:
            continue
        entries = [e for e in review.journey_components(j) if e in comps]  # a group entry: its members
        if entries:
            t = journey_tier(review, j)
            slo = f" (SLO {stated(j.slo)}%)" if j.slo is not None else ""
            demanders.append((t, f"journey:{jid}", f"the critical journey {j.name or jid!r}{slo}", entries))
    for cid in sorted(comps):
        c = comps[cid]
        if c.user_facing:
            demanders.append((own_tier(review, cid), f"component:{cid}",
                              f"the user-facing component {c.label!r}", [cid]))
    if not demanders:  # nothing critical or user-facing: every component owes its own tier
        return result
    edges = _carrying_edges(review)
    for level in (1, 2):
        parent: dict[str, str | None] = {}
        origin: dict[str, int] = {}
        queue: deque[str] = deque()
        for n, (t, _by, _label, entries) in enumerate(demanders):
            if t > level:
                continue
            for e in entries:
                if e not in parent:
                    parent[e] = None
                    origin[e] = n
                    queue.append(e)
        while queue:
            v = queue.popleft()
            for w in edges.get(v, ()):
                if w not in parent:
                    parent[w] = v
                    origin[w] = origin[v]
                    queue.append(w)
        for cid in parent:
            cur = result[cid]
            if cur.tier <= level:
                continue
            path = [cid]
            p = parent[cid]
            while p is not None:
                path.append(p)
                p = parent[p]
            path.reverse()
            t, by, label, _entries = demanders[origin[cid]]
            if len(path) == 1:
                how = "it is an entry of " + label if by.startswith("journey:") else "it is " + label
            else:
                how = "it serves " + label + " through " + " \u2192 ".join(path)
            reason = f"tier {level} (own tier {cur.own}): {how}, which owes tier {t}"
            result[cid] = TierOwed(level, cur.own, by, tuple(path), reason)
    return result
