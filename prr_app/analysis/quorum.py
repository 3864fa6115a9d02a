"""How a component that needs k of its n instances survives the loss of one failure domain, when
k is a majority of n (a quorum): the advice of the register (``risks.py``) and the change of the
plans (``prr_app.review.plans``) are both made here, so that following the advice resolves the SPOF.

A component **looks like a quorum** when it needs exactly a majority of its instances, at least two
(``k = n // 2 + 1 >= 2``: a 3-node ZooKeeper or etcd needing 2, a 5-node store needing 3), and keeps
state (kind datastore, cache or queue) or is tagged ``quorum`` or ``consensus``. A service that
needs 3 of its 4 instances needs them for capacity: its need stays when instances are added.
Adding instances to a quorum raises the majority with them: a fourth ZooKeeper node makes the
ensemble need 3, not 2, so "add one more instance in zone b" (with k kept at 2) leaves the
zone SPOF in place once followed. The fix for a quorum is therefore, in this order:

* **move** instances out of the lost domain into sibling domains (same kind, same parent) that
  have room, so that no domain holds more than ``n - k`` instances (n and k unchanged); else
* **add** instances in sibling domains **and raise** the need to the new majority
  (``k' = n' // 2 + 1``), the fewest that leave no domain holding more than ``n' - k'``.

A component that is not a quorum (its need is capacity, not consensus) keeps its
``k`` when instances are added; the register's usual advice (add instances outside the domain)
is right for it and is not made here.
"""
from __future__ import annotations

from dataclasses import dataclass

from prr_app.model.entities import Review


#: Tags that say a component is a consensus ensemble whatever its kind.
QUORUM_TAGS = frozenset({"quorum", "consensus"})
#: Kinds whose majority need is taken for a quorum (a service's for capacity).
QUORUM_KINDS = frozenset({"datastore", "cache", "queue"})


def is_quorum(n: int, k: int, kind: str | None = "datastore", tags=()) -> bool:
    """Does a component of ``kind`` (with ``tags``) that needs ``k`` of its ``n`` instances look like a
    majority quorum: it needs exactly a majority (``k = n // 2 + 1``, at least 2) and it keeps state
    (kind datastore, cache or queue) or is tagged ``quorum`` or ``consensus``."""
    if k < 2 or k != n // 2 + 1:
        return False
    return kind in QUORUM_KINDS or any(str(t).lower() in QUORUM_TAGS for t in tags)


@dataclass(frozen=True)
class QuorumFix:
    """What lets a quorum survive the loss of ``domain``.

    ``op`` is ``"move"`` (``moves``: ``(instance, from placement, to domain)``; ``placement``: the
    new placement, one entry per instance) or ``"add"`` (``added``: the domain of each new
    instance; ``replicas`` and ``min_healthy`` the new n and k, the majority of n).
    """

    op: str
    component: str
    domain: str
    replicas: int
    min_healthy: int
    placement: tuple[str, ...]
    moves: tuple[tuple[int, str, str], ...] = ()
    added: tuple[str, ...] = ()


def _sibling_of(review: Review, place: str, siblings: list[str]) -> str | None:
    anc = review.domain_ancestors(place)
    return next((s for s in siblings if s in anc), None)


def quorum_fix(review: Review, cid: str, did: str, extra: tuple[str, ...] = ()) -> QuorumFix | None:
    """The fix that lets quorum component ``cid`` survive the loss of domain ``did`` (see the module),
    or None when it is not a quorum, already survives, shares ``did`` whole (every instance in it),
    has no placement, or no placement of its instances among ``did``'s siblings (and ``extra``:
    domains to be added beside it, with no instance yet) can survive the loss."""
    comp = review.components.get(cid)
    dom = review.domains.get(did)
    if comp is None or dom is None or not comp.placement:
        return None
    n = max(1, comp.replicas or 1)
    k = min(max(1, comp.min_healthy or 1), n)
    if not is_quorum(n, k, comp.kind, comp.tags):
        return None
    if any(did in review.domain_ancestors(s) for s in comp.shared_domains):
        return None
    slots = [comp.placement[i % len(comp.placement)] for i in range(n)]
    siblings = [did] + sorted(o for o, x in review.domains.items()
                              if o != did and x.kind == dom.kind and x.parent == dom.parent) + list(extra)
    under = [_sibling_of(review, p, siblings) if p in review.domains else None for p in slots]
    count = {s: 0 for s in siblings}
    for s in under:
        if s is not None:
            count[s] += 1
    tol = n - k
    if count[did] <= tol:
        return None
    others = siblings[1:]
    # move: the last instances in the lost domain go where there is most room (then by name)
    excess = count[did] - tol
    room = {s: tol - count[s] for s in others if tol - count[s] > 0}
    if sum(room.values()) >= excess:
        placement = list(slots)
        moves = []
        movable = [i for i in range(n - 1, -1, -1) if under[i] == did]
        for i in movable[:excess]:
            to = max(sorted(room), key=lambda s: room[s])
            room[to] -= 1
            if room[to] == 0:
                del room[to]
            moves.append((i, slots[i], to))
            placement[i] = to
        return QuorumFix("move", cid, did, n, k, tuple(placement), moves=tuple(sorted(moves)))
    # add, raising the need to the new majority: the fewest instances that work
    for m in range(1, 2 * n + 4):
        n2 = n + m
        k2 = n2 // 2 + 1
        tol2 = n2 - k2
        if count[did] > tol2:
            continue
        room2 = {s: tol2 - count[s] for s in others if tol2 - count[s] > 0}
        if sum(room2.values()) < m:
            continue
        added = []
        for _ in range(m):
            to = max(sorted(room2), key=lambda s: room2[s])
            room2[to] -= 1
            if room2[to] == 0:
                del room2[to]
            added.append(to)
        return QuorumFix("add", cid, did, n2, k2, tuple(slots + added), added=tuple(sorted(added)))
    return None


def quorum_fix_text(review: Review, fix: QuorumFix, n: int, k: int) -> str:
    """The fix in words: "move one of zk's instances in zone use1-a (the one in rack-a2) to zone use1-c"."""
    dom = review.domains[fix.domain]
    kind = dom.kind
    majority = f"{fix.component} is a quorum (it needs {k} of its {n} instances, a majority)"
    if fix.op == "move":
        by_to: dict[str, list[str]] = {}
        for _i, frm, to in fix.moves:
            by_to.setdefault(to, []).append(frm)
        parts = []
        for to, froms in sorted(by_to.items()):
            m = len(froms)
            where = "" if froms == [fix.domain] * m else f" (from {', '.join(sorted(set(froms)))})"
            parts.append(f"{'one' if m == 1 else m} of {fix.component}'s instances in {kind} {fix.domain}{where} to "
                         f"{review.domains[to].kind if to in review.domains else kind} {to}")
        return ("Move " + "; ".join(parts) + f": {majority}, so no {kind} may hold more than {n - k} of its {n} "
                f"instances; then losing {kind} {fix.domain} leaves {k} (adding instances instead would raise the "
                "majority it needs with them)")
    m = len(fix.added)
    where = ", ".join(f"{kind} {d}" for d in sorted(set(fix.added)))
    need = (f"raise its need to {fix.min_healthy}" if fix.min_healthy != k else f"keep its need at {k}")
    return (f"Add {m} instance{'s' if m != 1 else ''} of {fix.component} in {where} and {need} of {fix.replicas} "
            f"(the majority of {fix.replicas}): {majority} and cannot survive "
            f"losing {kind} {fix.domain} by moving instances between the {kind}s it has; then no {kind} holds more "
            f"than {fix.replicas - fix.min_healthy} of its instances")
