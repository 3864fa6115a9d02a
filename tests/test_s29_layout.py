"""Session 29's layout defects, pure (no Qt): the band's label strip under the first row's badges,
wrapped sub-columns 14 units apart (the OTel demo's 57 calls drawn as one bundle), a reopened file
drawing a box with no saved position on a saved one, and pasted copies landing on other boxes."""
from __future__ import annotations

import json
from pathlib import Path

from prr_app.canvas_geometry import Rect
from prr_app.interchange.json_io import review_from_dict
from prr_app.layout import (COL_GAP, LABEL_H, NEW_BOX_GAP, NODE_H, NODE_W, PAD, TIER_GAP, UNPLACED,
                            compute_layout, paste_places)
from prr_app.model.entities import Position

#: how far a box's badges (SPOF, a risk's severity) reach above it: 14 scene units, 1.5 a layout unit
BADGE_REACH = 14 / 1.5
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def shared_band_review():
    """The web shop as an import of one cluster reads: no zone stated, every box sharing the cluster
    (the band of unplaced boxes is drawn, labelled with the cluster and marked SPOF)."""
    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    data["layout"] = []
    for c in data["components"]:
        c.pop("placement", None)
        c["shared_domains"] = ["k8s-prod"]
    return review_from_dict(data)


def fan_review(n: int):
    """An entry calling ``n`` services (one tier, wrapped beyond 8 boxes), each calling a database."""
    comps = [{"id": "entry", "kind": "gateway"}, {"id": "db", "kind": "datastore"}]
    deps = []
    for i in range(n):
        s = f"svc{i:02d}"
        comps.append({"id": s, "kind": "service"})
        deps += [{"source": "entry", "target": s}, {"source": s, "target": "db"}]
    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    for k in ("components", "dependencies", "redundancy_groups", "failure_domains", "journeys", "risks",
              "mitigations", "layout", "checklist", "imports"):
        data[k] = [] if isinstance(data[k], list) else {}
    data["components"], data["dependencies"] = comps, deps
    return review_from_dict(data)


def test_no_box_of_a_band_reaches_into_its_label_strip():
    review = shared_band_review()
    for saved in (False, True):
        lay = compute_layout(review, use_saved=saved)
        for reg in lay.regions:
            members = [n for n in lay.nodes.values() if n.domain == reg.id]
            assert members
            # a box's badges reach 14 scene units (9.3 layout units) above it: the strip stays clear
            assert min(n.y for n in members) >= reg.y + LABEL_H + BADGE_REACH, reg.id
    band = compute_layout(review).region(UNPLACED)
    assert band is not None and band.shared == ("k8s-prod",)


def test_nested_zones_keep_their_label_strips_clear_too():
    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    data["layout"] = []
    lay = compute_layout(review_from_dict(data))
    for reg in lay.regions:
        for n in lay.nodes.values():
            if n.domain == reg.id:
                assert n.y >= reg.y + LABEL_H + BADGE_REACH, (reg.id, n.id)


def sub_columns(lay, ids):
    return sorted({lay.nodes[c].x for c in ids})


def test_a_wrapped_tier_leaves_room_for_its_lines_between_sub_columns():
    lay = compute_layout(fan_review(16))
    xs = sub_columns(lay, [f"svc{i:02d}" for i in range(16)])
    assert len(xs) == 2
    gap = xs[1] - xs[0] - NODE_W
    # 32 lines have an end in that tier: 2 units each (3 scene px), not the 14 units all shared before
    assert gap >= 32 * 2.0 - 1e-6 and gap > TIER_GAP


def test_a_review_with_no_wrapped_tier_is_as_compact_as_before():
    lay = compute_layout(fan_review(6))  # 6 boxes: no wrap
    assert len(sub_columns(lay, [f"svc{i:02d}" for i in range(6)])) == 1
    assert lay.width == 3 * NODE_W + 2 * TIER_GAP + 2 * PAD  # three tiers in the unplaced band
    assert COL_GAP < TIER_GAP


def overlapping(nodes):
    items = list(nodes.values())
    out = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if Rect(a.x, a.y, a.w, a.h).intersects(Rect(b.x, b.y, b.w, b.h)):
                out.append((a.id, b.id))
    return out


def test_reopening_draws_no_box_on_a_saved_one_and_moves_only_those_that_were():
    review = fan_review(6)
    plain = compute_layout(review)
    a, b = plain.nodes["svc00"], plain.nodes["svc01"]
    # svc00 saved a little below its place: where svc01's slot is (a paste or a drag did that)
    review.layout["svc00"] = Position(b.x + 5, b.y + 5)
    lay = compute_layout(review, use_saved=True)
    assert overlapping(lay.nodes) == []
    ox, oy = lay.origin
    assert (lay.nodes["svc00"].x + ox, lay.nodes["svc00"].y + oy) == (b.x + 5, b.y + 5)
    for c in ("svc02", "svc03", "svc04", "entry", "db"):  # on nothing saved: where the tiers put them
        assert (lay.nodes[c].x + ox, lay.nodes[c].y + oy) == (plain.nodes[c].x, plain.nodes[c].y)
    assert a.id == "svc00"


def test_pasted_copies_keep_their_arrangement_and_land_on_no_box():
    review = shared_band_review()
    lay = compute_layout(review, use_saved=True)
    ox, oy = lay.origin
    picked = ["storefront", "edge-gateway", "cart-svc"]
    at = {c: (lay.nodes[c].x + ox, lay.nodes[c].y + oy) for c in picked}
    places = paste_places(review, {c + "-copy": (at[c], []) for c in picked})
    rel = {c: (places[c + "-copy"][0] - at[c][0], places[c + "-copy"][1] - at[c][1]) for c in picked}
    assert len(set(rel.values())) == 1  # one shift for all: the arrangement kept
    boxes = [Rect(n.x + ox, n.y + oy, n.w, n.h).grown(NEW_BOX_GAP / 2 - 1e-6) for n in lay.nodes.values()]
    for x, y in places.values():
        assert not any(Rect(x, y, NODE_W, NODE_H).intersects(b) for b in boxes)
