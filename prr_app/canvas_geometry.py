"""Pure geometry of the graph canvas, without Qt: where a new box may go, and similar questions.

The canvas (``prr_app.ui.canvas``) draws; what it decides about places, rectangles and lines lives
here, as plain functions over plain rectangles, so it can be tested without a window.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle: top-left corner and size."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def grown(self, d: float) -> "Rect":
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def intersects(self, o: "Rect") -> bool:
        """True when the two share a point of their interiors (touching edges do not count)."""
        return self.x < o.right and o.x < self.right and self.y < o.bottom and o.y < self.bottom

    def contains(self, o: "Rect") -> bool:
        return self.x <= o.x and self.y <= o.y and o.right <= self.right and o.bottom <= self.bottom

    def united(self, o: "Rect") -> "Rect":
        x, y = min(self.x, o.x), min(self.y, o.y)
        return Rect(x, y, max(self.right, o.right) - x, max(self.bottom, o.bottom) - y)


def bounding(rects: Iterable[Rect]) -> Rect | None:
    """The smallest rectangle holding all ``rects`` (None for none)."""
    out = None
    for r in rects:
        out = r if out is None else out.united(r)
    return out


def free_spots(taken: list[Rect], near: tuple[float, float], w: float, h: float, count: int = 1,
               gap: float = 24.0, within: Rect | None = None) -> list[tuple[float, float]]:
    """Top-left corners for ``count`` boxes of ``w`` x ``h``, as close to ``near`` as a grid allows,
    none overlapping a rectangle of ``taken`` (boxes and group frames) or each other, with ``gap`` around.

    Candidates are the cells of a grid of pitch (w + gap, h + gap) anchored at ``near``, tried
    nearest first (by distance from ``near``; ties: upper, then left, first); the first free ones win. There is always room further out, so
    this ends. ``within``: only spots inside that rectangle; fewer than ``count`` (none) when it
    has no more room.
    """
    import heapq

    px, py = w + gap, h + gap
    x0, y0 = near
    placed: list[Rect] = []
    out: list[tuple[float, float]] = []
    # only rectangles near the anchor can matter for the first rings; all are checked anyway
    blocked = [t.grown(gap / 2) for t in taken]
    last = None  # within: the ring beyond which no cell lies inside it
    if within is not None:
        last = 1 + int(max(abs(within.x - x0), abs(within.right - x0)) // px
                       + max(abs(within.y - y0), abs(within.bottom - y0)) // py)
    # cells nearest first: a cell of ring r (max(|i|, |j|) = r) is at least r * min(px, py) away, so
    # once ring r is generated every cell nearer than (r + 1) * min(px, py) is known
    step = min(px, py)
    heap: list = []
    ring = 0
    while len(out) < count:
        if last is None or ring <= last:
            cells = [(0, 0)] if ring == 0 else [(i, j) for i in range(-ring, ring + 1) for j in range(-ring, ring + 1)
                                               if max(abs(i), abs(j)) == ring]
            for i, j in cells:
                heapq.heappush(heap, (math.hypot(i * px, j * py), j, i))
            bound = (ring + 1) * step
        elif not heap:
            break
        else:
            bound = math.inf
        while heap and heap[0][0] < bound and len(out) < count:
            _d, j, i = heapq.heappop(heap)
            cand = Rect(x0 + i * px, y0 + j * py, w, h)
            if within is not None and not within.contains(cand):
                continue
            if any(cand.intersects(b) for b in blocked) or any(cand.intersects(p.grown(gap / 2)) for p in placed):
                continue
            placed.append(cand)
            out.append((cand.x, cand.y))
        ring += 1
    return out


def free_spots_near(taken: list[Rect], near: tuple[float, float], w: float, h: float, count: int = 1,
                    gap: float = 24.0, within: Rect | None = None) -> list[tuple[float, float]]:
    """:func:`free_spots`, looking first only at the rectangles near ``near`` (2,000 boxes were each
    tested against every cell tried: 0.4 s per new box). A spot whose surroundings lie inside that
    window is free of every rectangle, and the result is the same; otherwise every rectangle is
    looked at."""
    reach = 8 * (max(w, h) + gap)
    window = Rect(near[0] - reach, near[1] - reach, 2 * reach + w, 2 * reach + h)
    local = [t for t in taken if t.intersects(window)]
    spots = free_spots(local, near, w, h, count, gap, within)
    if len(spots) == count and all(window.contains(Rect(x, y, w, h).grown(gap)) for x, y in spots):
        return spots
    return free_spots(taken, near, w, h, count, gap, within)


class NodeRects:
    """Boxes of one size by id (top-left corners), as rectangles, for placing more among them."""

    def __init__(self, pos: dict[str, tuple[float, float]], w: float, h: float) -> None:
        self.pos = dict(pos)
        self.w, self.h = w, h
        self._rects: list[Rect] | None = None

    def rects(self) -> list[Rect]:
        if self._rects is None:
            self._rects = [Rect(x, y, self.w, self.h) for x, y in self.pos.values()]
        return self._rects

    def add(self, key: str, xy: tuple[float, float]) -> None:
        self.pos[key] = xy
        self._rects = None

    def hits(self, r: Rect) -> bool:
        return any(r.intersects(b) for b in self.rects())


#: a redundancy group's frame around its members' boxes: left, top, right, bottom (its label below)
GROUP_MARGINS = (6.0, 6.0, 6.0, 24.0)


def group_frame_rects(members: list[Rect], others: list[Rect]) -> list[Rect]:
    """The frames drawn for a redundancy group whose members' boxes are ``members`` (``others``:
    every other box): :func:`group_frames` around them, with the frame's margins and label strip."""
    left, top, right, bottom = GROUP_MARGINS
    if not members:
        return []
    lo_x, lo_y = min(r.x for r in members), min(r.y for r in members)
    hi_x, hi_y = max(r.right for r in members), max(r.bottom for r in members)
    near = [o for o in others if o.x < hi_x and o.right > lo_x and o.y < hi_y + bottom and o.bottom > lo_y]
    return [Rect(f.x - left, f.y - top, f.w + left + right, f.h + top + bottom)
            for f in group_frames(members, near, pad=0.0)]


def group_frames(members: list[Rect], others: list[Rect], pad: float = 6.0) -> list[Rect]:
    """Frames for a redundancy group: around its members and around nothing else.

    Members close together share a frame; a frame never takes in a box that is not a member
    (a group whose members are far apart gets one frame per cluster, not one big frame across
    unrelated components). Greedy: start with one padded frame per member, and merge two
    frames while their union touches no other box.
    """
    frames = [m.grown(pad) for m in members]
    merged = True
    while merged and len(frames) > 1:
        merged = False
        best = None
        for i in range(len(frames)):
            for j in range(i + 1, len(frames)):
                u = frames[i].united(frames[j])
                if any(u.intersects(o) for o in others):
                    continue
                area = u.w * u.h
                if best is None or area < best[0]:
                    best = (area, i, j, u)
        if best is not None:
            _a, i, j, u = best
            frames = [f for k, f in enumerate(frames) if k not in (i, j)] + [u]
            merged = True
    frames.sort(key=lambda f: (f.y, f.x))
    return frames


#: unit vectors of the arrow keys (scene y grows downwards)
DIRECTIONS = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}


def nearest_in_direction(origin: tuple[float, float], points: dict[str, tuple[float, float]],
                         direction: str) -> str | None:
    """The point an arrow key moves to from ``origin``: the nearest one lying in that direction.

    "In that direction" is a 90-degree cone around the arrow (ahead at least as far as to the
    side); among those, the one with the smallest distance, where going sideways counts double.
    None when nothing lies that way.
    """
    dx, dy = DIRECTIONS[direction]
    ox, oy = origin
    best = None
    for key, (x, y) in points.items():
        vx, vy = x - ox, y - oy
        ahead = vx * dx + vy * dy
        side = abs(vx * dy - vy * dx)
        if ahead <= 0 or side > ahead:
            continue
        score = ahead + 2.0 * side
        if best is None or score < best[0] or (score == best[0] and key < best[1]):
            best = (score, key)
    return best[1] if best else None


# ------------------------------------------------------------------ lines
def clip_to_box(cx: float, cy: float, dx: float, dy: float, w: float, h: float) -> tuple[float, float]:
    """Where the line from the centre (cx, cy) of a w x h box, going by (dx, dy), leaves the box
    (the whole way when it ends inside). Plain floats: a re-layout clips hundreds of lines."""
    if dx == 0 and dy == 0:
        return cx, cy
    tx = (w / 2) / abs(dx) if dx else math.inf
    ty = (h / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return cx + dx * t, cy + dy * t


def clip_segments(a, xmin: float, ymin: float, xmax: float, ymax: float):
    """Segments (rows x1, y1, x2, y2) clipped to a rectangle (Liang-Barsky, vectorised).

    Returns the clipped segments that cross the rectangle and the mask of
    which input rows they come from.
    """
    import numpy as np

    x1, y1, x2, y2 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    dx, dy = x2 - x1, y2 - y1
    t0 = np.zeros(len(a))
    t1 = np.ones(len(a))
    keep = np.ones(len(a), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x1 - xmin), (dx, xmax - x1), (-dy, y1 - ymin), (dy, ymax - y1)):
            keep &= ~((p == 0) & (q < 0))
            r = q / p
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    t0, t1 = t0[keep], t1[keep]
    seg = np.column_stack([x1[keep] + t0 * dx[keep], y1[keep] + t0 * dy[keep],
                           x1[keep] + t1 * dx[keep], y1[keep] + t1 * dy[keep]])
    return seg, keep


def strip_pieces(seg, strips, margin: float = 2.0, near: float = 20.0):
    """The pieces of segments (rows x1, y1, x2, y2) inside the rectangles ``strips`` ((x0, y0, x1, y1)
    each, grown by ``margin``), and the mask of segments that pass within ``near`` of one of them
    (their arrowheads and marks may reach into it). A piece may appear twice where grown strips
    overlap: lines are opaque and one pixel wide, so drawing it twice changes nothing."""
    import numpy as np

    close = np.zeros(len(seg), dtype=bool)
    pieces = []
    for x0, y0, x1, y1 in strips:
        close |= clip_segments(seg, x0 - near, y0 - near, x1 + near, y1 + near)[1]
        pieces.append(clip_segments(seg, x0 - margin, y0 - margin, x1 + margin, y1 + margin)[0])
    return (np.concatenate(pieces) if pieces else seg[:0]), close




#: below this zoom a whole graph is specks (a box of 160 pixels under 16): Fit does not show it whole
FIT_WHOLE_MIN_ZOOM = 0.1
#: the zoom Fit gives at least when it cannot show the whole graph: boxes still drawn with their names
FIT_READABLE_ZOOM = 0.4


def fit_view(bounds: Rect, view_w: float, view_h: float, anchors: Iterable[Rect] = (),
             max_zoom: float = 1.5) -> tuple[float, tuple[float, float]]:
    """Fit: the zoom and the scene point to centre for a usable view of a graph drawn in ``bounds``
    on a view of ``view_w`` x ``view_h`` pixels.

    The whole graph, when it fits at a zoom of :data:`FIT_WHOLE_MIN_ZOOM` or more (and at most
    ``max_zoom``). Otherwise (2,000 components laid out in tiers make a strip 50,000 pixels wide,
    which fitted whole was a thin line) the graph's short side fills the view, at a zoom from
    :data:`FIT_READABLE_ZOOM` to 1, centred on the ``anchors`` (the entry points: the user-facing
    components) and kept inside ``bounds`` so the view is all graph; without anchors, on the start
    of the graph (its left end, where the tiers put the entry points).

    >>> fit_view(Rect(0, 0, 50000, 500), 900, 450)
    (0.9, (500.0, 250.0))
    >>> fit_view(Rect(0, 0, 800, 400), 900, 450)
    (1.125, (400.0, 200.0))
    """
    if bounds.w <= 0 or bounds.h <= 0 or view_w <= 0 or view_h <= 0:
        return 1.0, (bounds.x + bounds.w / 2, bounds.y + bounds.h / 2)
    whole = min(view_w / bounds.w, view_h / bounds.h)
    if whole >= FIT_WHOLE_MIN_ZOOM:
        return min(whole, max_zoom), (bounds.x + bounds.w / 2, bounds.y + bounds.h / 2)
    zoom = min(1.0, max(FIT_READABLE_ZOOM, max(view_w / bounds.w, view_h / bounds.h)))
    around = bounding(anchors)
    if around is None:
        cx, cy = bounds.x, bounds.y + bounds.h / 2
    else:
        cx, cy = around.x + around.w / 2, around.y + around.h / 2

    def inside(c: float, lo: float, size: float, seen: float) -> float:
        if seen >= size:
            return lo + size / 2
        return min(max(c, lo + seen / 2), lo + size - seen / 2)
    return zoom, (inside(cx, bounds.x, bounds.w, view_w / zoom), inside(cy, bounds.y, bounds.h, view_h / zoom))


#: name endings a box's name breaks before when nothing else marks a word ("productcatalog|service")
NAME_SUFFIXES = ("service", "server", "database", "gateway", "frontend", "backend", "manager", "controller",
                 "worker", "proxy", "cache", "queue", "store", "api", "db")


def _name_breaks(text: str) -> list[int]:
    """Where a component's name may break onto a second line, best first: after a space or ``-``,
    ``_``, ``.``, ``/``, ``:``; between camel-case words (``productCatalog|Service``); before a usual
    ending (``productcatalog|service``)."""
    spaces, marks, camel = [], [], []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a == " ":
            spaces.append(i)
        elif a in "-_./:" and b != " ":
            marks.append(i)
        elif a.islower() and b.isupper():
            camel.append(i)
    low = text.lower()
    ends = [len(text) - len(s) for s in NAME_SUFFIXES if low.endswith(s) and len(text) > len(s) + 2]
    return spaces + marks + camel + sorted(set(ends) - set(spaces + marks + camel))


def name_lines(text: str, width, max_w: float, elide) -> list[str]:
    """A box's name on one line, or on two when it does not fit on one: broken at a space, a ``-``,
    ``_`` or ``.``, a camel-case word or a usual ending (the break nearest the middle among those
    that let both lines fit), else anywhere; what still does not fit is elided at the end of the
    second line (the tooltip has it whole). ``width(s)``: a string's drawn width; ``elide(s, w)``:
    ``s`` elided to ``w``."""
    if width(text) <= max_w or len(text) < 2:
        return [text]
    cut = _name_breaks(text)
    fits = [i for i in cut if width(text[:i].rstrip()) <= max_w and width(text[i:].lstrip()) <= max_w]
    if fits:
        best = min(fits, key=lambda i: abs(width(text[:i]) - width(text[i:])))
    else:  # the longest first line a break gives, the second elided
        firsts = [i for i in cut if width(text[:i].rstrip()) <= max_w]
        best = max(firsts) if firsts else None
    if best is None:  # no break fits: as many characters as fit, the rest on the second line
        best = 1
        while best < len(text) - 1 and width(text[:best + 1]) <= max_w:
            best += 1
    first, second = text[:best].rstrip(), text[best:].lstrip()
    return [first, elide(second, max_w) if width(second) > max_w else second]
