"""Deterministic layout of a review's dependency graph (no Qt).

The PDF figure (``prr_app.reporting``) and the desktop app's canvas both draw
from :func:`compute_layout`, so the picture a reviewer sees on screen is the
one the lead reads in the assessment.

API (stable)
------------
``compute_layout(review, *, only=None, use_saved=False, cache=None) -> Layout``

* ``only``: an iterable of component ids; lay out just those components and
  the dependencies between them (used for per-journey / per-domain figures).
  Unknown ids are ignored.
* ``use_saved``: place components that have a position in ``review.layout``
  there (the app's hand-made arrangement); regions then become the bounding
  boxes of their members. The default ignores saved positions.
* ``node_w``: the width of a box (the report's figures use narrower boxes
  than the canvas, so that five tiers fit across a page at a legible size).
* ``cache``: a :class:`LayoutCache` kept between calls (the app keeps one
  per canvas) makes the next layout incremental: the parts that depend only
  on what an edit did not touch are reused (the dependency graph and its
  tiers, when the components, dependencies and groups keep their ids, ends
  and members, as they do when a placement or a name changes; each
  component's home region, when its placement and the domain hierarchy
  stay). The result is always equal to the one computed without a cache
  (a property test checks this over random edit sequences).

``StableLayout`` (below) is the desktop app's canvas layout: the first call is ``compute_layout``
with ``use_saved``; after an edit every box is kept where it is and new ones are placed among them.

Coordinates are abstract units (think points, 1/72 inch), origin top-left,
**y grows downwards** (like a Qt scene; the PDF renderer flips it).

``Layout`` holds

* ``nodes``: ``{component id: NodeBox}``; a ``NodeBox`` has ``id, x, y, w, h``
  (top-left corner and size), ``tier`` (0 = entry points, growing towards the
  leaves), ``domain`` (the region the box sits in: a failure domain id,
  ``UNPLACED`` (``""``) for components with no placement, or ``None``),
  ``label`` and ``shared`` (the component's logical shared-fate domains, e.g.
  a Kubernetes cluster, which cut across the regions and so are not drawn as
  rectangles: show them as tags or in a legend).
* ``regions``: ``[Region]`` outermost first; a ``Region`` has ``id`` (the
  failure domain id; ``UNPLACED`` for the band of components with no
  placement), ``label, kind, x, y, w, h, depth, parent``. The region's label
  belongs in the ``LABEL_H`` strip at its top. Regions of one parent never
  overlap and a child lies inside its parent.
* ``edges``: ``[EdgeRoute]`` in dependency-id order; ``source, target`` are
  component ids (a dependency on a redundancy group becomes one route per
  member, with ``group`` set), ``kind`` is hard/soft/async, ``dependency`` is
  the review's dependency id.
* ``tiers``: component ids per tier; ``width``, ``height``: the extent.

How it is computed
------------------
Tiers run left to right: tier 0 holds the entry points (components nothing
depends on), each dependency points rightwards to a later tier. A tier is the
longest path from an entry point in the graph of strongly connected
components, so cycles share a tier and the layout always terminates.
Regions are horizontal bands: every component has a *home*, the deepest
common ancestor (through ``FailureDomain.parent``) of the domains it is
placed in; the domain hierarchy becomes nested bands (provider > region >
zone), each as tall as its busiest tier (a tier column wraps after
``MAX_ROWS`` boxes, its sub-columns as far apart as the lines through them need: ``_col_gaps``),
its first row of boxes ``LABEL_CLEAR`` below its label strip, and a component is drawn in its
home's band. With ``use_saved``, a box with no saved position that its tier slot puts on a saved
box goes to the free spot nearest that slot. Within a
band the order comes from a few barycentre sweeps (fewer crossings), ties
broken by id: the same review always gives the same layout, whatever the
order of its dictionaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from prr_app.model.entities import Review
from prr_app.wording import domain_kind_noun

NODE_W = 120.0
NODE_H = 34.0
ROW_GAP = 10.0  # between boxes stacked in one tier column
#: between wrapped sub-columns of one tier, at least: lines in and out of the tier and between its
#: boxes run in that gap, so it widens with them (EDGE_PITCH each, up to COL_GAP_MAX; at 14 the
#: OTel demo's 57 calls were one bundle)
COL_GAP = 28.0
EDGE_PITCH = 2.0
COL_GAP_MAX = 3 * 40.0
TIER_GAP = 40.0  # between tier columns (room for the edges)
LANE_GAP = 8.0  # between sibling lanes
PAD = 8.0  # a nested region's inset on each side, and its bottom margin
LABEL_H = 16.0  # a region's label strip at its top
#: between a region's label strip and its first row of boxes: a box's badges (SPOF, a risk's
#: severity) reach 14 scene units (9.3 layout units) above it and the canvas's strip is 26 scene
#: units tall, so without it the label (and its "SPOF") was drawn under the first row's boxes (12: a
#: redundancy group's frame around that row keeps off the label's words too)
LABEL_CLEAR = 12.0
MAX_ROWS = 8  # a lane wraps a tier's column beyond this many boxes
#: under a redundancy group's members the canvas draws its frame's margin and its label strip (6 + 18
#: scene units, ``GroupItem.fit``: 16 layout units); with ROW_GAP the next box of the column covered
#: the label. A tier column of a lane that holds a group's member spaces its rows GROUP_ROW_GAP apart
#: (the label, and the next box's badges, which reach 9.3 layout units above it, clear of each other)
#: and keeps the label's room below its last row too (the region's bottom margin has no badges),
#: whatever order the sweeps give the column: one pitch for the whole column keeps it evenly spaced.
GROUP_LABEL_H = 16.0
GROUP_ROW_GAP = GROUP_LABEL_H + 10.0
GROUP_TAIL = GROUP_LABEL_H + 4.0 - PAD

UNPLACED = ""  # region id of the lane for components without placement


@dataclass(frozen=True)
class NodeBox:
    id: str
    x: float
    y: float
    w: float
    h: float
    tier: int
    domain: str | None
    label: str
    shared: tuple[str, ...] = ()

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    depth: int
    parent: str | None
    #: the band of boxes with no placement: the failure domains every box in it shares (an import that
    #: names the one host or cluster everything runs on as a shared domain, not a placement), which the
    #: band then stands for: labelled with them, and drawn as a single point of failure when one is
    shared: tuple = ()


@dataclass(frozen=True)
class EdgeRoute:
    source: str
    target: str
    kind: str
    dependency: str
    group: str | None = None


@dataclass
class Layout:
    nodes: dict[str, NodeBox] = field(default_factory=dict)
    regions: list[Region] = field(default_factory=list)
    edges: list[EdgeRoute] = field(default_factory=list)
    tiers: list[list[str]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    #: with ``use_saved``: the point of ``review.layout``'s units drawn at 0,0 (a saved position
    #: ``p`` is drawn at ``p - origin``)
    origin: tuple[float, float] = (0.0, 0.0)

    def region(self, region_id: str) -> Region | None:
        for r in self.regions:
            if r.id == region_id:
                return r
        return None


# ---------------------------------------------------------------------------
# graph helpers


def _targets(review: Review, target: str, keep: set[str]) -> list[tuple[str, str | None]]:
    """Components a dependency on ``target`` points at (groups expand to members)."""
    if target in review.components:
        return [(target, None)] if target in keep else []
    group = review.groups.get(target)
    if group is None:
        return []
    out = []
    for m in dict.fromkeys(group.members):
        if m in keep and m in review.components:
            out.append((m, group.id))
    return out


def _tarjan(nodes: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components (iterative Tarjan); node -> component index."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp: dict[str, int] = {}
    counter = 0
    ncomp = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
    return comp


def _tiers(nodes: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Longest path from an entry point over the condensation (cycles share a tier)."""
    comp = _tarjan(nodes, succ)
    n = max(comp.values(), default=-1) + 1
    csucc: list[set[int]] = [set() for _ in range(n)]
    indeg = [0] * n
    for v in nodes:
        for w in succ[v]:
            a, b = comp[v], comp[w]
            if a != b and b not in csucc[a]:
                csucc[a].add(b)
                indeg[b] += 1
    level = [0] * n
    ready = sorted(i for i in range(n) if indeg[i] == 0)
    while ready:
        nxt: list[int] = []
        for a in ready:
            for b in sorted(csucc[a]):
                level[b] = max(level[b], level[a] + 1)
                indeg[b] -= 1
                if indeg[b] == 0:
                    nxt.append(b)
        ready = sorted(nxt)
    return {v: level[comp[v]] for v in nodes}


def _col_gaps(tier_cols: list[int], tier: dict[str, int], edges: list[EdgeRoute]) -> list[float]:
    """The gap between the wrapped sub-columns of each tier: COL_GAP, widened by EDGE_PITCH for each
    line with an end in the tier (they run through those gaps: into the later sub-columns, out of the
    earlier ones, between the tier's own boxes), shared among its gaps, up to COL_GAP_MAX. A tier
    that does not wrap has none, so a small review is as compact as before."""
    lines = [0] * len(tier_cols)
    for s, t in {(e.source, e.target) for e in edges}:
        ends = {tier[s], tier[t]}
        for k in ends:
            if tier_cols[k] > 1:
                lines[k] += 1
    return [min(COL_GAP_MAX, max(COL_GAP, EDGE_PITCH * n / (cols - 1))) if cols > 1 else COL_GAP
            for n, cols in zip(lines, tier_cols)]


def _home(review: Review, placement: list[str]) -> str | None:
    """The deepest common ancestor of the placement domains (None if none)."""
    chains = [review.domain_ancestors(d) for d in dict.fromkeys(placement) if d in review.domains]
    if not chains:
        return None
    common = set(chains[0])
    for ch in chains[1:]:
        common &= set(ch)
    for d in chains[0]:  # nearest first
        if d in common:
            return d
    return None


# ---------------------------------------------------------------------------
# lanes


@dataclass
class _Lane:
    id: str | None  # None: the invisible root
    children: list["_Lane"] = field(default_factory=list)
    own: dict[int, list[str]] = field(default_factory=dict)  # tier -> component ids
    rows: int = 0
    own_h: float = 0.0
    #: tiers whose column holds a redundancy group's member (spaced GROUP_ROW_GAP: room for its label)
    grouped: set = field(default_factory=set)
    height: float = 0.0
    y: float = 0.0
    depth: int = -1

    @property
    def drawn(self) -> bool:
        return self.id is not None


def _measure(lane: _Lane) -> None:
    for ch in lane.children:
        _measure(ch)
    busiest = max((len(v) for v in lane.own.values()), default=0)
    lane.rows = min(busiest, MAX_ROWS)
    lane.own_h = max((_stack(lane, t, min(len(col), lane.rows)) for t, col in lane.own.items()), default=0.0)
    parts = ([lane.own_h] if lane.rows else []) + [c.height for c in lane.children]
    inner = sum(parts) + max(len(parts) - 1, 0) * LANE_GAP
    lane.height = inner + ((LABEL_H + PAD) if lane.drawn else 0.0) + _clear(lane)


def _stack(lane: _Lane, t: int, n: int) -> float:
    """How tall ``n`` boxes stacked in tier ``t``'s column of ``lane`` are, with the room a group's
    label takes under the last one when the column holds a group's member (see GROUP_ROW_GAP)."""
    if not n:
        return 0.0
    if t in lane.grouped:
        return n * NODE_H + (n - 1) * GROUP_ROW_GAP + GROUP_TAIL
    return n * NODE_H + (n - 1) * ROW_GAP


def _clear(lane: _Lane) -> float:
    """The room between a drawn lane's label strip and its own boxes (none without own boxes:
    a nested region's frame has no badges)."""
    return LABEL_CLEAR if lane.drawn and lane.rows else 0.0


def _place(lane: _Lane, y: float, depth: int) -> None:
    lane.y = y
    lane.depth = depth
    cur = y + (LABEL_H if lane.drawn else 0.0) + _clear(lane)
    if lane.rows:
        cur += lane.own_h + LANE_GAP
    for ch in lane.children:
        _place(ch, cur, depth + (1 if lane.drawn else 0))
        cur += ch.height + LANE_GAP


def _walk(lane: _Lane):
    yield lane
    for ch in lane.children:
        yield from _walk(ch)


class LayoutCache:
    """What :func:`compute_layout` can reuse from its last call (see the module docstring).

    Keys are values (ids, ends, kinds, members, placements, the domain hierarchy), never object
    identities, so a cache stays correct whatever the caller does to the review between calls.
    """

    def __init__(self) -> None:
        self.graph_key = None
        self.graph = None  # (succ, pred, edges, tier), never changed once made
        self.domains_key = None
        self.homes: dict[str, tuple[tuple[str, ...], str | None]] = {}  # id -> (placement, home)
        self.hits = 0  # graph parts reused (for tests and benchmarks)


def _graph_key(review: Review, ids: list[str]):
    deps = review.dependencies
    return (tuple(ids), tuple(sorted(review.components)) if len(ids) != len(review.components) else None,
            tuple(sorted((d, deps[d].source, deps[d].target, deps[d].kind) for d in deps)),
            tuple(sorted((g, tuple(grp.members)) for g, grp in review.groups.items())))


def routes(review: Review, keep: set[str]) -> list[EdgeRoute]:
    """The lines between the components ``keep``, in dependency-id order: one per dependency, one
    per member for a dependency on a redundancy group (a line to itself is left out)."""
    edges: list[EdgeRoute] = []
    deps = review.dependencies
    for dep_id in sorted(d for d, dep in deps.items() if dep.source in keep):  # sort only what is kept
        dep = deps[dep_id]
        for tgt, group in _targets(review, dep.target, keep):
            if tgt != dep.source:
                edges.append(EdgeRoute(dep.source, tgt, dep.kind, dep_id, group))
    return edges


def _graph(review: Review, ids: list[str], keep: set[str]):
    """Successors, predecessors, routes and tiers of the components ``ids``."""
    succ: dict[str, list[str]] = {c: [] for c in ids}
    pred: dict[str, list[str]] = {c: [] for c in ids}
    edges = routes(review, keep)
    for e in edges:
        if e.target not in succ[e.source]:
            succ[e.source].append(e.target)
            pred[e.target].append(e.source)
    for c in ids:
        succ[c].sort()
        pred[c].sort()
    return succ, pred, edges, _tiers(ids, succ)


def _homes(review: Review, ids: list[str], cache: LayoutCache | None) -> dict[str, str | None]:
    if cache is None:
        return {c: _home(review, review.components[c].placement) for c in ids}
    dkey = tuple(sorted((d, dom.parent) for d, dom in review.domains.items()))
    if dkey != cache.domains_key:
        cache.domains_key = dkey
        cache.homes = {}
    out = {}
    for c in ids:
        placement = tuple(review.components[c].placement)
        hit = cache.homes.get(c)
        if hit is None or hit[0] != placement:
            hit = (placement, _home(review, placement))
            cache.homes[c] = hit
        out[c] = hit[1]
    return out


def compute_layout(review: Review, *, only: Iterable[str] | None = None, use_saved: bool = False,
                   cache: LayoutCache | None = None, node_w: float = NODE_W) -> Layout:
    """Lay out ``review``'s dependency graph; see the module docstring."""
    if only is None:
        ids = sorted(review.components)
    else:
        wanted = set(only)
        ids = sorted(c for c in review.components if c in wanted)
    keep = set(ids)

    if cache is None:
        succ, pred, edges, tier = _graph(review, ids, keep)
    else:
        key = _graph_key(review, ids)
        if key == cache.graph_key:
            cache.hits += 1
        else:
            cache.graph_key, cache.graph = key, _graph(review, ids, keep)
        succ, pred, edges, tier = cache.graph
        edges = list(edges)
    ntiers = max(tier.values(), default=-1) + 1

    # lanes: the domain hierarchy restricted to the homes in use
    home = _homes(review, ids, cache)
    lanes: dict[str | None, _Lane] = {None: _Lane(None)}

    def lane_for(dom: str | None) -> _Lane:
        if dom in lanes:
            return lanes[dom]
        lane = _Lane(dom)
        lanes[dom] = lane
        parent = review.domains[dom].parent if dom != UNPLACED else None
        if parent is not None and parent in review.domains and dom not in review.domain_ancestors(parent):
            lane_for(parent).children.append(lane)
        else:
            lanes[None].children.append(lane)
        return lane

    grouped = {m for g in review.groups.values() for m in g.members if m in keep}
    lane_of: dict[str, str | None] = {}
    for c in ids:
        comp = review.components[c]
        if home[c] is not None:
            key: str | None = home[c]
        elif not comp.placement:
            key = UNPLACED
        else:
            key = None  # placed in unrelated hierarchies: outside every lane
        lane_of[c] = key
        lane = lane_for(key) if key is not None else lanes[None]
        lane.own.setdefault(tier[c], []).append(c)
        if c in grouped:
            lane.grouped.add(tier[c])
    for lane in lanes.values():
        # the unplaced lane last, the others by id
        lane.children.sort(key=lambda ln: (ln.id == UNPLACED, ln.id or ""))
    root = lanes[None]
    all_lanes = list(_walk(root))
    _measure(root)
    _place(root, 0.0, 0)
    max_depth = max((ln.depth for ln in all_lanes if ln.drawn), default=-1)
    left = (max_depth + 1) * PAD

    # columns: a tier is as wide as its most wrapped lane
    tier_cols = [1] * ntiers
    for ln in all_lanes:
        rows = max(ln.rows, 1)
        for t, row in ln.own.items():
            tier_cols[t] = max(tier_cols[t], -(-len(row) // rows))
    col_gap = _col_gaps(tier_cols, tier, edges)
    tier_x: list[float] = []
    x = left
    for t in range(ntiers):
        tier_x.append(x)
        x += tier_cols[t] * node_w + (tier_cols[t] - 1) * col_gap[t] + TIER_GAP
    content_right = (x - TIER_GAP) if ntiers else left
    width = content_right + left

    # order inside each lane and tier: initial by id, then barycentre sweeps
    slot_y: dict[str, float] = {}
    slot_x: dict[str, float] = {}

    def assign(t: int) -> None:
        for ln in all_lanes:
            col = ln.own.get(t)
            if not col:
                continue
            rows = max(ln.rows, 1)
            y0 = ln.y + (LABEL_H if ln.drawn else 0.0) + _clear(ln)
            pitch = NODE_H + (GROUP_ROW_GAP if t in ln.grouped else ROW_GAP)
            for i, c in enumerate(col):
                k, r = divmod(i, rows)
                in_col = min(rows, len(col) - k * rows)
                offset = (ln.own_h - _stack(ln, t, in_col)) / 2
                slot_y[c] = y0 + offset + r * pitch
                slot_x[c] = tier_x[t] + k * (node_w + col_gap[t])

    for t in range(ntiers):
        for ln in all_lanes:
            if t in ln.own:
                ln.own[t].sort()
        assign(t)

    def bary(c: str, neigh: dict[str, list[str]]) -> float:
        ys = [slot_y[n] for n in neigh[c] if n in slot_y]
        return sum(ys) / len(ys) if ys else slot_y[c]

    def sweep(tiers: Iterable[int], neigh: dict[str, list[str]]) -> None:
        for t in tiers:
            moved = False
            for ln in all_lanes:
                col = ln.own.get(t)
                if not col or len(col) < 2:
                    continue
                new = sorted(col, key=lambda c: (round(bary(c, neigh), 6), c))
                if new != col:
                    ln.own[t] = new
                    moved = True
            if moved:  # the slots of a tier depend only on its order: unchanged order, unchanged slots
                assign(t)

    for _ in range(2):
        sweep(range(1, ntiers), pred)
        sweep(range(ntiers - 2, -1, -1), succ)

    nodes: dict[str, NodeBox] = {}
    for c in ids:
        comp = review.components[c]
        x, yy = slot_x[c], slot_y[c]
        if use_saved and c in review.layout:
            pos = review.layout[c]
            x, yy = float(pos.x), float(pos.y)
        shared = tuple(d for d in dict.fromkeys(comp.shared_domains) if d in review.domains)
        nodes[c] = NodeBox(c, x, yy, node_w, NODE_H, tier[c], lane_of[c], comp.label, shared)

    if use_saved and review.layout:
        _clear_of_saved(nodes, {c for c in ids if c in review.layout})

    # regions
    regions: list[Region] = []
    drawn = [ln for ln in all_lanes if ln.drawn]
    for ln in drawn:
        members = [c for sub in _walk(ln) for col in sub.own.values() for c in col]
        common: tuple = ()
        if ln.id == UNPLACED:
            label, kind, parent = "no placement stated", "unplaced", None
            common = shared_by_all(review, members)
            if common:  # the components table names them as the placement: the band says so too
                label = ", ".join(f"{review.domains[d].name or d} ({domain_kind_noun(review.domains[d].kind)})" for d in common) \
                    + ", shared by every box here; no zone stated"
            else:  # most share one (a host), a vendor's service aside: "no placement" would be untrue
                most = most_shared(review, members)
                if most is not None:
                    d, k = most
                    label = (f"no zone stated; {review.domains[d].name or d} ({domain_kind_noun(review.domains[d].kind)}) shared by "
                             f"{k} of the {len(members)} boxes here")
        else:
            dom = review.domains[ln.id]
            label, kind = dom.name or dom.id, dom.kind
            parent = dom.parent if dom.parent in lanes and lanes[dom.parent].drawn else None
        inset = ln.depth * PAD
        if use_saved and any(c in review.layout for c in members):
            boxes = [nodes[c] for c in members]
            grow = (max_depth - ln.depth) * PAD
            x0 = min(b.x for b in boxes) - PAD - grow
            x1 = max(b.x + b.w for b in boxes) + PAD + grow
            y0 = min(b.y for b in boxes) - LABEL_H * (max_depth - ln.depth + 1) - LABEL_CLEAR
            y1 = max(b.y + b.h for b in boxes) + PAD + grow
            regions.append(Region(ln.id, label, kind, x0, y0, x1 - x0, y1 - y0, ln.depth, parent, common))
        else:
            regions.append(Region(ln.id, label, kind, inset, ln.y, width - 2 * inset, ln.height, ln.depth, parent,
                                  common))

    tiers_out: list[list[str]] = [[] for _ in range(ntiers)]
    for c in sorted(ids, key=lambda c: (tier[c], nodes[c].x, nodes[c].y, c)):
        tiers_out[tier[c]].append(c)

    height = root.height
    origin = (0.0, 0.0)
    if use_saved:
        x_min = min([n.x for n in nodes.values()] + [r.x for r in regions], default=0.0)
        y_min = min([n.y for n in nodes.values()] + [r.y for r in regions], default=0.0)
        # saved positions may be anywhere: move everything so the extent starts at 0,0
        nodes = {k: NodeBox(n.id, n.x - x_min, n.y - y_min, n.w, n.h, n.tier, n.domain, n.label, n.shared)
                 for k, n in nodes.items()}
        regions = [Region(r.id, r.label, r.kind, r.x - x_min, r.y - y_min, r.w, r.h, r.depth, r.parent, r.shared)
                   for r in regions]
        width = max([n.x + n.w for n in nodes.values()] + [r.x + r.w for r in regions], default=0.0)
        height = max([n.y + n.h for n in nodes.values()] + [r.y + r.h for r in regions], default=0.0)
        origin = (x_min, y_min)
    if not ids:
        width = height = 0.0
    return Layout(nodes=nodes, regions=regions, edges=edges, tiers=tiers_out, width=width, height=height,
                  origin=origin)


def _clear_of_saved(nodes: dict[str, NodeBox], saved: set[str]) -> None:
    """Move each box without a saved position that lies on a box with one to the free spot nearest
    its place in the tiers (in id order, so the result is deterministic). Saved positions are the
    reviewer's arrangement and a tier's slots do not know them: a box pasted or dragged beside
    another in one session met that box's slot, moved by the tiers the paste changed, on reopening
    the file, and hid it. A box is moved only when it lies on a saved one."""
    from prr_app.canvas_geometry import Rect, free_spots_near

    if not saved or len(saved) == len(nodes):
        return
    held = [Rect(n.x, n.y, n.w, n.h) for c, n in nodes.items() if c in saved]
    for c in sorted(nodes.keys() - saved):
        n = nodes[c]
        r = Rect(n.x, n.y, n.w, n.h)
        if not any(r.intersects(h) for h in held):
            continue
        taken = [Rect(o.x, o.y, o.w, o.h) for k, o in nodes.items() if k != c]
        x, y = free_spots_near(taken, (n.x, n.y), n.w, n.h, 1, 2 * ROW_GAP)[0]
        nodes[c] = NodeBox(n.id, x, y, n.w, n.h, n.tier, n.domain, n.label, n.shared)


#: a paste larger than this is placed as one block (its bounding box), not box by box
PASTE_BOXES_MAX = 40


def paste_places(review: Review, copies: dict[str, tuple[tuple[float, float], list[str]]],
                 offset: float = 30.0, node_w: float = NODE_W) -> dict[str, tuple[float, float]]:
    """Where pasted copies go, in ``review.layout``'s units: ``copies`` maps a key to the copied box's
    position (same units) and the copy's placement. The copies keep their arrangement, moved by the
    smallest shift from ``offset`` down-right that puts every one of them on no other box, in no
    redundancy group's frame and in no failure domain's region that is not theirs, ``NEW_BOX_GAP``
    around, as a new box is placed (the copies of the paste landed on other boxes, and after
    reopening the file hid their originals). When no shift within a few boxes does, each copy goes
    to the free spot nearest its own shifted place."""
    from prr_app.canvas_geometry import Rect, free_spots_near, group_frame_rects
    import math

    if not copies:
        return {}
    lay = compute_layout(review, use_saved=True, node_w=node_w)
    ox, oy = lay.origin
    boxes = {c: Rect(n.x + ox, n.y + oy, n.w, n.h) for c, n in lay.nodes.items()}
    taken = list(boxes.values()) + [Rect(x, y, node_w, NODE_H) for (x, y), _p in copies.values()]
    for g in review.groups.values():
        mine = [boxes[m] for m in dict.fromkeys(g.members) if m in boxes]
        if mine:
            members = set(g.members)
            taken += group_frame_rects(mine, [r for k, r in boxes.items() if k not in members])
    ours: set[str] = set()  # the regions a copy is drawn in: its home and the regions holding it
    for _xy, placement in copies.values():
        d = _home(review, placement)
        while d is not None:
            ours.add(d)
            d = _lane_parent(review, d)
    taken += [Rect(r.x + ox, r.y + oy, r.w, r.h) for r in lay.regions if r.id != UNPLACED and r.id not in ours]
    gap = NEW_BOX_GAP
    blocked = [t.grown(gap / 2) for t in taken]
    keys = list(copies)
    rects = [Rect(x, y, node_w, NODE_H) for (x, y), _p in copies.values()]
    if len(rects) > PASTE_BOXES_MAX:  # one block: fewer rectangles to test every shift with
        from prr_app.canvas_geometry import bounding

        rects = [bounding(rects)]
    px, py = (node_w + gap) / 2, (NODE_H + gap) / 2
    rings = 8
    shifts = sorted(((math.hypot(i * px, j * py), j, i) for i in range(-rings, rings + 1)
                     for j in range(-rings, rings + 1)))
    whole = rects[0]
    for r in rects[1:]:
        whole = whole.united(r)
    reach = Rect(whole.x + offset - rings * px, whole.y + offset - rings * py,
                 whole.w + 2 * rings * px, whole.h + 2 * rings * py).grown(gap)
    near = [b for b in blocked if b.intersects(reach)]
    for _d, j, i in shifts:
        dx, dy = offset + i * px, offset + j * py
        moved = [Rect(r.x + dx, r.y + dy, r.w, r.h) for r in rects]
        if not any(m.intersects(b) for m in moved for b in near):
            return {k: (xy[0] + dx, xy[1] + dy) for k, (xy, _p) in zip(keys, copies.values())}
    out: dict[str, tuple[float, float]] = {}
    for k, ((x, y), _p) in zip(keys, copies.values()):  # no room for them together: one by one
        spot = free_spots_near(taken, (x + offset, y + offset), node_w, NODE_H, 1, gap)[0]
        out[k] = spot
        taken.append(Rect(spot[0], spot[1], node_w, NODE_H))
    return out


def shared_tags(review: Review) -> dict[str, str]:
    """The short tag of every logical shared-fate domain some component names (``shared_domains``):
    ``{domain id: "L1", ...}`` in domain id order, as the report's graph and its legend tag them; the
    canvas draws the same tags, so "L1" is the same domain on the screen and on paper."""
    logical = sorted({d for c in review.components.values() for d in c.shared_domains if d in review.domains})
    return {d: f"L{i + 1}" for i, d in enumerate(logical)}


def shared_tag_text(review: Review, did: str, spof: bool) -> str:
    """What a shared-domain tag means, as both legends (the report's, the canvas's) word it."""
    dom = review.domains[did]
    return f"shares {dom.name or did} ({domain_kind_noun(dom.kind)})" + (": a single point of failure (tag in red)" if spof else "")


def most_shared(review: Review, members: list[str]) -> tuple[str, int] | None:
    """(the failure domain most of ``members`` share, how many share it) when more than one does."""
    counts: dict[str, int] = {}
    for c in members:
        for d in dict.fromkeys(review.components[c].shared_domains):
            if d in review.domains:
                counts[d] = counts.get(d, 0) + 1
    if not counts:
        return None
    d = max(sorted(counts), key=lambda x: counts[x])
    return (d, counts[d]) if counts[d] > 1 else None


def shared_by_all(review: Review, members: list[str]) -> tuple:
    """The failure domains every one of ``members`` shares (``shared_domains``), in the first's order."""
    if not members:
        return ()
    first = [d for d in dict.fromkeys(review.components[members[0]].shared_domains) if d in review.domains]
    rest = [set(review.components[c].shared_domains) for c in members[1:]]
    return tuple(d for d in first if all(d in s for s in rest))


# ---------------------------------------------------------------------------
# a layout kept stable across edits: the canvas's

#: the room a box placed by :class:`StableLayout` (or by the window, near the view's middle) keeps
#: from other boxes and frames: half of it on each side is more than a box draws around itself on
#: the canvas (its selection frame and badges reach 14 scene units above it, 6 aside and below; 1.5
#: scene units a layout unit), so new boxes are not drawn on each other
NEW_BOX_GAP = 28.0
#: an edit adding more boxes than this share of those drawn (and more than NEW_MANY_MIN) is laid
#: out whole: an import, not a box added in a meeting
NEW_SHARE_MAX = 0.5
NEW_MANY_MIN = 20


def _lane_parent(review: Review, d: str) -> str | None:
    """The lane a domain's lane sits in, as :func:`compute_layout`'s ``lane_for`` nests them."""
    if d == UNPLACED:
        return None
    parent = review.domains[d].parent
    if parent is not None and parent in review.domains and d not in review.domain_ancestors(parent):
        return parent
    return None


class StableLayout:
    """A review's layout kept stable across its edits: what the desktop app's canvas draws.

    The first :meth:`update` lays the review out whole (:func:`compute_layout` with ``use_saved``).
    After an edit, :meth:`update` keeps every box where it is (issue 18: adding a box or a line in
    a meeting must not rearrange the graph in front of the room):

    * a box with a saved position (``review.layout``) is drawn there, in the frame of the last
      whole layout (a saved ``p`` at ``p - origin``);
    * any other box stays where it was drawn. Where a box was laid out is remembered (``pins``,
      per zone) while it has a saved position, after it is deleted and after it moved to another
      zone, so an undone drag, deletion or zone change puts it back (when that spot is still free);
    * a new box (or one moved to another zone, or back from a deletion to a spot now taken) goes
      to the free spot nearest the boxes it is connected to (:func:`prr_app.canvas_geometry.free_spots`):
      on no other box and in no redundancy group's frame, ``NEW_BOX_GAP`` around; inside its
      zone's region and out of the regions nested in it, or, with no zone, out of every zone's region;
    * a dependency moves nothing; regions keep the rectangles of the last whole layout, grown
      where a member's box lies outside (a drag); a region without members is not drawn; the
      band of unplaced boxes keeps its rectangle (the canvas does not draw it).

    A whole layout is computed again only when asked (:meth:`relayout`: the window's Automatic
    Layout), when a zone comes into use that has no region yet or a zone's parent changed (the
    regions nest differently), when a zone's region has no room left for a box, and when one edit
    adds more boxes than ``NEW_SHARE_MAX`` of those drawn (an import).

    An updated layout has ``nodes``, ``regions``, the extent and ``origin``; not ``edges`` and
    ``tiers`` (the canvas draws lines from the review); a node's ``tier`` is the one of the last
    whole layout, -1 for a box placed since. Pure Python, no Qt: it runs on a worker too.
    """

    def __init__(self, node_w: float = NODE_W) -> None:
        self.node_w = node_w
        self.cache = LayoutCache()
        self.layout: Layout | None = None
        #: where each box was laid out (whole or placed since) in each zone's region it was in, saved
        #: positions aside; kept for deleted boxes: {(component id, region id): (x, y)}
        self.pins: dict[tuple[str, str | None], tuple[float, float]] = {}
        #: whole layouts computed (a change tells the canvas that boxes not edited may have moved)
        self.whole = 0
        self._saved: set[str] = set()  # the boxes drawn at their saved position
        self._base: list[Region] = []  # the regions of the last whole layout
        # what the last call saw: component and domain objects, the regions in use
        self._src: dict = {}
        self._doms: list = []
        self._needed: dict = {}

    def relayout(self, review: Review) -> Layout:
        """Lay the review out whole (every box not saved where the tiers put it)."""
        lay = compute_layout(review, use_saved=True, cache=self.cache, node_w=self.node_w)
        self.layout = lay
        self.whole += 1
        self._saved = {c for c in review.layout if c in review.components}
        self.pins = {(c, n.domain): (n.x, n.y) for c, n in lay.nodes.items() if c not in self._saved}
        self._base = lay.regions
        self._src = dict(review.components)
        self._doms = list(review.domains.values())
        self._needed = {r.id: r.parent for r in lay.regions}
        return lay

    def update(self, review: Review) -> Layout:
        """The layout of the review as it is now, every box kept where it was (see the class)."""
        lay = self.extend(review) if self.layout is not None else None
        return lay if lay is not None else self.relayout(review)

    def extend(self, review: Review) -> Layout | None:
        """The last layout brought in step with the review's edits since; None when it takes a whole
        layout (see the class). A component object, a domain object and a saved position the last
        call saw again (commands put new objects in the review for every change) keep their box and
        its region as they were: ~2 ms on 2,000 boxes when nothing drawn changed."""
        from prr_app.canvas_geometry import NodeRects

        prev = self.layout
        assert prev is not None
        comps = review.components
        ids = sorted(comps)
        src = self._src
        doms = list(review.domains.values())
        same_doms = len(doms) == len(self._doms) and all(a is b for a, b in zip(doms, self._doms))
        pnodes = prev.nodes
        lane: dict[str, str | None] = {}
        changed: list[str] = []  # components whose object is new (or new components)
        for c in ids:
            comp = comps[c]
            if same_doms and src.get(c) is comp and c in pnodes:
                lane[c] = pnodes[c].domain
                continue
            changed.append(c)
        if changed:
            home = _homes(review, changed, self.cache)
            for c in changed:
                lane[c] = home[c] if home[c] is not None else (UNPLACED if not comps[c].placement else None)
        old_regions = {r.id: r for r in self._base}
        needed: dict[str, str | None] = {}  # region id -> its parent region
        if same_doms and not changed and len(ids) == len(pnodes):
            needed = self._needed
        else:
            for lid in set(lane.values()):
                d = lid
                while d is not None and d not in needed:
                    up = _lane_parent(review, d)
                    needed[d] = up
                    d = up
            for d, up in needed.items():
                if d not in old_regions or old_regions[d].parent != up:
                    return None  # the regions nest otherwise now: laid out whole
        new = [c for c in changed if c not in pnodes]
        if len(new) > max(NEW_MANY_MIN, NEW_SHARE_MAX * len(pnodes)):
            return None
        ox, oy = prev.origin
        w, h = self.node_w, NODE_H
        saved_now = review.layout
        pos: dict[str, tuple[float, float]] = {}
        todo: list[str] = []
        for c in ids:
            saved = saved_now.get(c)
            old = pnodes.get(c)
            if saved is not None:
                pos[c] = (float(saved.x) - ox, float(saved.y) - oy)
            elif old is not None and c not in self._saved and old.domain == lane[c]:
                pos[c] = (old.x, old.y)
            else:
                todo.append(c)
        if todo:
            boxes = NodeRects(pos, w, h)
            near = _neighbours(review, set(todo))
            for c in todo:
                spot = self._place(review, c, lane[c], old_regions, needed, boxes, near.get(c, ()))
                if spot is None:
                    return None  # its zone's region is full: laid out whole
                pos[c] = self.pins[c, lane[c]] = spot
                boxes.add(c, spot)
        nodes: dict[str, NodeBox] = {}
        dirty: set = set()  # regions whose members came, went or moved
        placed = set(todo)
        for c in ids:
            comp = comps[c]
            x, y = pos[c]
            old = pnodes.get(c)
            if (old is not None and src.get(c) is comp and same_doms and c not in placed
                    and old.x == x and old.y == y):
                nodes[c] = old
                continue
            shared = tuple(d for d in dict.fromkeys(comp.shared_domains) if d in review.domains)
            nodes[c] = NodeBox(c, x, y, w, h, old.tier if old is not None and c not in placed else -1, lane[c],
                               comp.label, shared)
            if old is None or (old.x, old.y, old.domain) != (x, y, lane[c]):
                dirty.add(lane[c])
                if old is not None:
                    dirty.add(old.domain)
        for c in pnodes.keys() - comps.keys():  # deleted
            dirty.add(pnodes[c].domain)
        if not same_doms:
            dirty.update(needed)  # labels, kinds
        regions = prev.regions if not dirty and needed is self._needed else \
            self._regions(review, self._base, prev.regions, needed, nodes, dirty)
        self._saved = {c for c in ids if c in saved_now}
        self._src = {c: comps[c] for c in ids}
        self._doms, self._needed = doms, needed
        if todo or dirty or len(nodes) != len(pnodes):
            rights = [n.x + n.w for n in nodes.values()] + [r.x + r.w for r in regions]
            bottoms = [n.y + n.h for n in nodes.values()] + [r.y + r.h for r in regions]
            width, height = max(rights, default=0.0), max(bottoms, default=0.0)
        else:
            width, height = prev.width, prev.height
        self.layout = Layout(nodes=nodes, regions=regions, width=width, height=height, origin=prev.origin)
        return self.layout

    def _place(self, review: Review, c: str, lane: str | None, regions: dict[str, Region],
               needed: dict[str, str | None], boxes, neighbours) -> tuple[float, float] | None:
        """Where box ``c`` goes: its remembered spot when still free, else the free spot nearest its neighbours."""
        from prr_app.canvas_geometry import Rect, free_spots_near

        w, h = self.node_w, NODE_H
        region = regions.get(lane) if lane not in (None, UNPLACED) else None
        if region is not None:
            inside = {d for d in needed if d != lane and lane in _chain(needed, d)}
            fence = [Rect(regions[d].x, regions[d].y, regions[d].w, regions[d].h) for d in inside]
            top = LABEL_H + LABEL_CLEAR  # the label strip stays clear of the box's badges
            within = Rect(region.x + PAD, region.y + top, region.w - 2 * PAD, region.h - top - PAD)
        else:  # no zone: out of every zone's region (the band of unplaced boxes is not drawn)
            fence = [Rect(r.x, r.y, r.w, r.h) for d, r in regions.items() if d in needed and d != UNPLACED]
            within = None
        pin = self.pins.get((c, lane))
        if pin is not None:
            frames = _frames_of_others(review, c, boxes, pin)
            r = Rect(pin[0], pin[1], w, h)
            if ((within is None or within.contains(r)) and not any(r.intersects(f) for f in fence + frames)
                    and not boxes.hits(r)):
                return pin
        pts = [boxes.pos[n] for n in neighbours if n in boxes.pos]
        if pts:
            ax = sum(p[0] for p in pts) / len(pts)
            ay = sum(p[1] for p in pts) / len(pts)
        elif pin is not None:
            ax, ay = pin
        elif within is not None:
            ax, ay = within.x, within.y
        else:
            left = min((p[0] for p in boxes.pos.values()), default=0.0)
            bottom = max([p[1] + h for p in boxes.pos.values()] + [f.bottom for f in fence], default=0.0)
            ax, ay = left, bottom + 2 * NEW_BOX_GAP
        if within is not None:
            ax = min(max(ax, within.x), max(within.x, within.right - w))
            ay = min(max(ay, within.y), max(within.y, within.bottom - h))
        frames = _frames_of_others(review, c, boxes, (ax, ay))
        taken = boxes.rects() + frames + fence
        spots = free_spots_near(taken, (ax, ay), w, h, 1, NEW_BOX_GAP, within)
        if not spots and within is not None:  # a full region: as tight as a whole layout packs boxes
            spots = free_spots_near(taken, (ax, ay), w, h, 1, 2 * ROW_GAP, within)
        return spots[0] if spots else None

    @staticmethod
    def _regions(review: Review, base: list[Region], last: list[Region], needed: dict[str, str | None],
                 nodes: dict[str, NodeBox], dirty: set) -> list[Region]:
        """The regions of the last whole layout that have members, each grown to hold its members'
        boxes and its nested regions (the margins of a whole layout: PAD aside and below, the label
        strip above). Only those ``dirty`` (members came, went or moved) and the regions they are
        nested in are worked out again; the band of unplaced boxes keeps its rectangle (not drawn)."""
        from prr_app.canvas_geometry import Rect

        redo = set()
        for d in dirty:
            redo.update(_chain(needed, d))
        redo.discard(UNPLACED)
        before = {r.id: r for r in last}
        kept = [r for r in base if r.id in needed]
        members: dict[str, list[NodeBox]] = {}
        if redo:
            for n in nodes.values():
                if n.domain in redo:
                    members.setdefault(n.domain, []).append(n)
        out: dict[str, Region] = {}
        for r in sorted(kept, key=lambda r: -r.depth):  # nested ones first: their parents hold them
            if r.id not in redo:
                out[r.id] = before.get(r.id, r)
                continue
            rect = Rect(r.x, r.y, r.w, r.h)
            # a member box keeps its badges off the label strip (LABEL_CLEAR); a nested region has none
            inner = [(Rect(n.x, n.y, n.w, n.h), LABEL_H + LABEL_CLEAR) for n in members.get(r.id, ())]
            inner += [(Rect(ch.x, ch.y, ch.w, ch.h), LABEL_H) for ch in out.values() if ch.parent == r.id]
            for b, top in inner:
                need = Rect(b.x - PAD, b.y - top, b.w + 2 * PAD, b.h + top + PAD)
                if not rect.contains(need):
                    rect = rect.united(need)
            dom = review.domains[r.id]
            label, kind = dom.name or dom.id, dom.kind
            if (rect.x, rect.y, rect.w, rect.h, label, kind) != (r.x, r.y, r.w, r.h, r.label, r.kind):
                r = Region(r.id, label, kind, rect.x, rect.y, rect.w, rect.h, r.depth, r.parent)
            old = before.get(r.id)
            out[r.id] = old if old == r else r
        return [out[r.id] for r in kept]


def _frames_of_others(review: Review, c: str, boxes, near: tuple[float, float]) -> list:
    """The frames of the redundancy groups ``c`` is not a member of: as drawn
    (:func:`prr_app.canvas_geometry.group_frame_rects`) for the groups near ``near``, the whole
    extent of their members for the others (it holds their frames: enough to keep out of them)."""
    from prr_app.canvas_geometry import GROUP_MARGINS, Rect, group_frame_rects

    left, top, right, bottom = GROUP_MARGINS
    reach = 8 * (boxes.w + NEW_BOX_GAP)
    window = Rect(near[0] - reach, near[1] - reach, 2 * reach + boxes.w, 2 * reach + boxes.h)
    out = []
    for g in review.groups.values():
        if c in g.members:
            continue
        mine = [Rect(*boxes.pos[m], boxes.w, boxes.h) for m in dict.fromkeys(g.members) if m in boxes.pos]
        if not mine:
            continue
        x0, y0 = min(r.x for r in mine) - left, min(r.y for r in mine) - top
        extent = Rect(x0, y0, max(r.right for r in mine) + right - x0, max(r.bottom for r in mine) + bottom - y0)
        if not extent.intersects(window):
            out.append(extent)
            continue
        members = set(g.members)
        others = [Rect(*xy, boxes.w, boxes.h) for k, xy in boxes.pos.items() if k not in members]
        out.extend(group_frame_rects(mine, others))
    return out


def _chain(needed: dict[str, str | None], d: str | None):
    """``d`` and the regions it is nested in."""
    while d is not None:
        yield d
        d = needed.get(d)


def _neighbours(review: Review, ids: set[str]) -> dict[str, list[str]]:
    """The components each of ``ids`` is connected to by a dependency (a group: its members)."""
    in_group: dict[str, list[str]] = {}
    for g in review.groups.values():
        for m in g.members:
            if m in ids:
                in_group.setdefault(g.id, []).append(m)
    out: dict[str, list[str]] = {}
    for dep in review.dependencies.values():
        s, t = dep.source, dep.target
        if s not in ids and t not in ids and t not in in_group:
            continue
        targets = review.groups[t].members if t in review.groups else [t]
        if s in ids:
            out.setdefault(s, []).extend(x for x in targets if x in review.components and x != s)
        for x in ([t] if t in ids else []) + in_group.get(t, []):
            if s in review.components and s != x:
                out.setdefault(x, []).append(s)
    return out


__all__ = ["Layout", "LayoutCache", "StableLayout", "NodeBox", "Region", "EdgeRoute", "compute_layout", "routes", "NODE_W", "NODE_H", "LABEL_H", "UNPLACED"]
