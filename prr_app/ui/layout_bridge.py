"""Node positions and failure-domain regions for the canvas.

The canvas draws :func:`prr_app.layout.compute_layout` (shared with the PDF
figure, so both show the same picture) at :data:`SCALE`, kept stable across edits by
:class:`prr_app.layout.StableLayout` (a box added or deleted moves no other box). Positions the user
dragged are kept in ``review.layout`` in the layout's own units, so the PDF
follows the hand-made arrangement too.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from prr_app.model.entities import Review

log = logging.getLogger(__name__)

#: scene units per layout unit
SCALE = 1.5
NODE_W, NODE_H = 120.0 * SCALE, 34.0 * SCALE


@dataclass(frozen=True)
class RegionBox:
    id: str
    label: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    depth: int
    #: the band of boxes with no placement: the failure domains every box in it shares
    #: (:attr:`prr_app.layout.Region.shared`), which the band then stands for
    shared: tuple = ()


def scene_layout(review: Review, stable=None) -> tuple[dict[str, tuple[float, float]], list[RegionBox]]:
    """Top-left scene positions of components, and the domain regions, outermost first.

    ``stable``: the :class:`prr_app.layout.StableLayout` the canvas keeps between edits: the
    review's layout with every box kept where it was (see there). Without it: the review laid
    out whole, as a canvas drawn afresh shows it."""
    try:
        from prr_app.layout import StableLayout

        lay = (stable if stable is not None else StableLayout()).update(review)
    except Exception:  # a layout bug must not stop the editor: fall back to a plain grid
        log.exception("compute_layout failed; using a grid")
        return grid_positions(review), []
    return to_scene(lay)


def to_scene(lay) -> tuple[dict[str, tuple[float, float]], list[RegionBox]]:
    """A :class:`prr_app.layout.Layout` in scene units: box positions and regions."""
    pos = {k: (n.x * SCALE, n.y * SCALE) for k, n in lay.nodes.items()}
    regions = [RegionBox(r.id, r.label, r.kind, r.x * SCALE, r.y * SCALE, r.w * SCALE, r.h * SCALE, r.depth,
                         r.shared)
               for r in lay.regions]
    return pos, regions


def grid_positions(review: Review) -> dict[str, tuple[float, float]]:
    pos = {}
    for i, cid in enumerate(sorted(review.components)):
        saved = review.layout.get(cid)
        pos[cid] = (saved.x * SCALE, saved.y * SCALE) if saved else ((i % 10) * (NODE_W + 40), (i // 10) * (NODE_H + 60))
    return pos


def to_layout_units(x: float, y: float) -> tuple[float, float]:
    return x / SCALE, y / SCALE
