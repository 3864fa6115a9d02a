"""The dependency graph on a ``QGraphicsScene``.

- :mod:`~prr_app.ui.canvas_items`: one item per element of the review (box, group frames,
  dependency line, failure-domain region);
- :mod:`~prr_app.ui.canvas_layers`: items that draw many elements at once (every line of a large
  graph; every box far out);
- :mod:`~prr_app.ui.canvas_scene`: :class:`GraphScene`, the items kept in step with the review,
  selection, what-if colours, and who draws what at each zoom level;
- :mod:`~prr_app.ui.canvas_view`: :class:`GraphView`, zoom, pan and the keyboard.

Geometry that needs no Qt (clipping lines, group frames, where a new box goes, which box an
arrow key reaches) is in :mod:`prr_app.canvas_geometry`, tested without a window.
"""
from prr_app.ui.canvas_items import SEVERITY_TAGS, STATE_TAGS, EdgeItem, GroupItem, NodeItem, RegionItem
from prr_app.ui.canvas_layers import SKETCH_IDLE_MS, SKETCH_PX, EdgeLayer, OverviewItem
from prr_app.ui.canvas_scene import EDGES_SMOOTH_MAX, GraphScene
from prr_app.ui.canvas_view import SETTLE_MS, GraphView

__all__ = [
    "EDGES_SMOOTH_MAX", "SETTLE_MS", "SEVERITY_TAGS", "SKETCH_IDLE_MS", "SKETCH_PX", "STATE_TAGS",
    "EdgeItem", "EdgeLayer", "GraphScene", "GraphView", "GroupItem", "NodeItem", "OverviewItem", "RegionItem",
]
