"""Lines between boxes that go around the boxes in their way (no Qt, no reportlab).

The automatic layout (:mod:`prr_app.layout`) puts boxes in tier columns, left to
right. A dependency between tiers more than one apart would cross the boxes of
the tiers in between if drawn straight; :func:`route_forward` gives it way points
that run level through those columns, at a free height, and cross the empty gaps
between columns. A dependency between two boxes of one column with boxes
between them would cross those: :func:`route_beside` takes it out into the gap
beside the column and back. The PDF figure and the app's canvas draw both
through :func:`curve_segments`.
"""
from __future__ import annotations

from typing import Iterable

from prr_app.layout import Layout

ROUTE_MARGIN = 3.0  # layout units a routed line keeps from a box it passes


def box_columns(layout: Layout) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """The layout's columns of boxes, left to right: see :func:`columns_of`."""
    return columns_of((n.x, n.y, n.w, n.h) for n in layout.nodes.values())


def columns_of(rects: Iterable[tuple[float, float, float, float]],
               margin: float = ROUTE_MARGIN) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """Columns of boxes ``(x, y, w, h)``, left to right: ``(x0, x1, obstacles)``.

    A column is a maximal x-interval covered by boxes; between two columns there is
    no box, so a line crossing that gap crosses no box. The obstacles are the boxes'
    y-intervals widened by ``margin`` (the canvas keeps lines clear of the badges on
a box's corners), merged and sorted. Works for boxes
    anywhere (a reviewer may have dragged them), not only for the automatic layout.
    """
    spans = sorted((x, x + w, y, y + h) for x, y, w, h in rects)
    cols: list[list] = []
    for x0, x1, y0, y1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
            cols[-1][2].append((y0 - margin, y1 + margin))
        else:
            cols.append([x0, x1, [(y0 - margin, y1 + margin)]])
    out = []
    for x0, x1, ivs in cols:
        merged: list[list[float]] = []
        for lo, hi in sorted(ivs):
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        out.append((x0, x1, [(lo, hi) for lo, hi in merged]))
    return out


def _free_y(target: float, obstacles: list[tuple[float, float]]) -> float:
    """``target`` if a horizontal line there touches no obstacle, else the nearest free gap's middle."""
    if not any(lo <= target <= hi for lo, hi in obstacles):
        return target
    best = None
    prev = None
    for lo, hi in obstacles:
        cand = (lo - ROUTE_MARGIN) if prev is None else (prev + lo) / 2
        if best is None or abs(cand - target) < abs(best - target):
            best = cand
        prev = hi
    cand = prev + ROUTE_MARGIN
    if abs(cand - target) < abs(best - target):
        best = cand
    return best


def route_forward(columns, x1: float, y1: float, x2: float, y2: float) -> list[tuple[float, float]]:
    """Way points of a line from ``(x1, y1)`` to ``(x2, y2)`` (``x1 < x2``) that crosses no box.

    In every column strictly between the ends the line runs level, at the height the
    straight line to the end would have there when that is free, else through the
    nearest gap between boxes; from column to column it crosses the empty gaps.
    Returns the points in order, ends included.
    """
    pts = [(x1, y1)]
    cx, cy = x1, y1
    for c0, c1, obstacles in columns:
        if c0 < x1 - 1e-6 or c1 > x2 + 1e-6:
            continue
        mid = (c0 + c1) / 2
        target = cy + (y2 - cy) * (mid - cx) / (x2 - cx) if x2 > cx else y2
        y = _free_y(target, obstacles)
        pts.append((c0, y))
        pts.append((c1, y))
        cx, cy = c1, y
    pts.append((x2, y2))
    return pts


def curve_segments(way: list[tuple[float, float]]):
    """How a routed line is drawn from its way points (after ``moveTo(way[0])``): per segment
    ``(c1, c2, end)``, a cubic S-curve with control points ``c1``, ``c2`` across a gap between
    columns (level where it leaves and where it arrives), or ``(None, None, end)``, a straight run
    through a column. The PDF figure and the canvas both draw from this."""
    for i in range(1, len(way)):
        (px, py), (qx, qy) = way[i - 1], way[i]
        if i % 2 == 1:
            mx = (px + qx) / 2
            yield (mx, py), (mx, qy), (qx, qy)
        else:
            yield None, None, (qx, qy)


def route_beside(columns, a: tuple[float, float, float, float],
                 b: tuple[float, float, float, float]) -> list[tuple[float, float]] | None:
    """Way points of a line between two boxes ``(x, y, w, h)`` of one column that goes around
    the boxes between them, or None when there is none (neighbours: a straight line is clear).

    The line leaves ``a``'s right side level, runs out into the free gap right of the column,
    along it, and back level into ``b``'s right side: drawn by :func:`curve_segments` (the level
    runs are its S-curves, the run along the gap its straight part). A line spanning more boxes
    keeps further out, so nested lines do not overlap; lines going down keep to the gap's
    inner half, lines going up to its outer half (the two lines of a cycle stay apart).
    Returns None also when the boxes are not in one column of ``columns``.
    """
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    col = nxt = None
    for i, (c0, c1, obstacles) in enumerate(columns):
        if c0 - 1e-6 <= min(ax, bx) and max(ax + aw, bx + bw) <= c1 + 1e-6:
            col = (c0, c1, obstacles)
            nxt = columns[i + 1][0] if i + 1 < len(columns) else None
            break
    if col is None:
        return None
    c0, c1, obstacles = col
    ya, yb = ay + ah / 2, by + bh / 2
    lo_y, hi_y = sorted((ya, yb))
    # a box between them: an obstacle between the centres that holds neither end box
    if not any(lo < hi_y and hi > lo_y and not lo <= ya <= hi and not lo <= yb <= hi for lo, hi in obstacles):
        return None
    free = max((nxt - c1 if nxt is not None else 40.0) - 2 * ROUTE_MARGIN, 0.0) / 2
    span = hi_y - lo_y
    out = c1 + ROUTE_MARGIN + (free if yb < ya else 0.0) + free * span / (span + 200.0)
    return [(ax + aw, ya), (out, ya), (out, yb), (bx + bw, yb)]
