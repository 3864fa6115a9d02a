"""Colours and fonts, chosen to read well on a projector (large, high contrast)."""
from __future__ import annotations

FONT_FAMILY = "DejaVu Sans"
BASE_FONT_PT = 11.0
NODE_FONT_PT = 11.0

CANVAS = "#f7f8fa"
TEXT = "#1b1f24"
NODE_FILL = "#ffffff"
GROUP_FILL = "#eef2f7"
GROUP_EDGE = "#6b7a90"
SELECTION = "#1463d1"
#: a user journey's path on the graph (entry components and what they depend on)
JOURNEY = "#c2187a"

FAILED = "#2b2b2b"
DOWN = "#d11f1f"
DOWN_FILL = "#f8b4b4"
DEGRADED = "#d98200"
DEGRADED_FILL = "#ffe0a3"

KIND_COLOURS = {
    "service": "#3a6fb0",
    "frontend": "#3a6fb0",
    "datastore": "#7a4cb0",
    "cache": "#9a5fc8",
    "queue": "#1f8a82",
    "gateway": "#2f7d32",
    "load_balancer": "#2f7d32",
    "dns": "#4c7a2a",
    "cdn": "#4c7a2a",
    "identity": "#8a6d1f",
    "platform": "#5b6470",
    "external_api": "#8a4f2a",
    "group": "#6b7a90",
    "other": "#5b6470",
}

EDGE_COLOURS = {"hard": "#2d3540", "soft": "#58677a", "async": "#1f8a82", "member": GROUP_EDGE}

SEVERITY_COLOURS = {
    "critical": "#b3121f",
    "high": "#e0561b",
    "medium": "#c99a06",
    "low": "#5b8a3a",
    "error": "#b3121f",
    "warning": "#c99a06",
    "info": "#5b6470",
}

DOMAIN_COLOURS = {
    "region": "#3a6fb0",
    "zone": "#2f7d32",
    "datacenter": "#2f7d32",
    "rack": "#8a6d1f",
    "host": "#8a6d1f",
    "cluster": "#7a4cb0",
    "other": "#5b6470",
}

#: error text and the frame of a field that does not parse
ERROR = "#b3121f"
#: secondary text (units, "not stated")
MUTED = "#555555"
