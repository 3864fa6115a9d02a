"""Pure geometry of the graph canvas, without Qt: where a new box may go, and similar questions.

The canvas (``prr_app.ui.canvas``) draws; what it decides about places and rectangles lives
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
               gap: float = 24.0) -> list[tuple[float, float]]:
    """Top-left corners for ``count`` boxes of ``w`` x ``h``, as close to ``near`` as a grid allows,
    none overlapping a rectangle of ``taken`` (boxes and group frames) or each other, with ``gap`` around.

    Candidates are the cells of a grid of pitch (w + gap, h + gap) anchored at ``near``, tried in
    rings of growing distance; the first free ones win. There is always room further out, so
    this ends.
    """
    px, py = w + gap, h + gap
    x0, y0 = near
    placed: list[Rect] = []
    out: list[tuple[float, float]] = []
    # only rectangles near the anchor can matter for the first rings; all are checked anyway
    blocked = [t.grown(gap / 2) for t in taken]
    ring = 0
    while len(out) < count:
        cells = [(0, 0)] if ring == 0 else [(i, j) for i in range(-ring, ring + 1) for j in range(-ring, ring + 1)
                                           if max(abs(i), abs(j)) == ring]
        cells.sort(key=lambda c: (math.hypot(c[0] * px, c[1] * py), c[1], c[0]))
        for i, j in cells:
            cand = Rect(x0 + i * px, y0 + j * py, w, h)
            if any(cand.intersects(b) for b in blocked) or any(cand.intersects(p.grown(gap / 2)) for p in placed):
                continue
            placed.append(cand)
            out.append((cand.x, cand.y))
            if len(out) == count:
                break
        ring += 1
    return out


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
