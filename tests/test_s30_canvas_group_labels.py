"""Session 30, pure (no Qt): a redundancy group's label, drawn in a strip under its frame, was covered
by the box of the next row of its tier column (rows were ROW_GAP, 10 layout units, apart; the frame's
margin and label strip take 16 under the members). The layout now spaces a column that holds a group's
member GROUP_ROW_GAP apart, and keeps the label's room under its last row, inside its region."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from prr_app.canvas_geometry import Rect, group_frames
from prr_app.interchange.json_io import review_from_dict
from prr_app.layout import GROUP_LABEL_H, NODE_H, ROW_GAP, compute_layout

#: how far a box's badges (SPOF, a risk's severity) reach above it: 14 scene units, 1.5 a layout unit
BADGE_REACH = 14 / 1.5
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def fan_review(n: int, groups: list[tuple[str, list[str]]], zone: bool = False):
    """An entry calling ``n`` services (one tier column, wrapped beyond 8), each calling a database;
    ``groups``: (id, members); with ``zone`` every box is placed in one zone (a drawn region)."""
    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    for k in ("components", "dependencies", "redundancy_groups", "failure_domains", "journeys", "risks",
              "mitigations", "layout", "checklist", "imports"):
        data[k] = [] if isinstance(data[k], list) else {}
    comps = [{"id": "entry", "kind": "gateway"}, {"id": "db", "kind": "datastore"}]
    deps = []
    for i in range(n):
        s = f"svc{i:02d}"
        comps.append({"id": s, "kind": "service"})
        deps += [{"source": "entry", "target": s}, {"source": s, "target": "db"}]
    if zone:
        data["failure_domains"] = [{"id": "zone-a", "name": "zone-a", "kind": "zone"}]
        for c in comps:
            c["placement"] = ["zone-a"]
    data["components"], data["dependencies"] = comps, deps
    data["redundancy_groups"] = [{"id": g, "name": g, "members": m, "min_up": 1} for g, m in groups]
    return review_from_dict(data)


def label_strips(lay, review):
    """(group id, strip) for each frame the canvas draws (``GraphScene._fit_group``: frames around the
    members, none taking in another box), the strip under it that holds the label."""
    out = []
    for g in review.groups.values():
        mine = [Rect(n.x, n.y, n.w, n.h) for m, n in lay.nodes.items() if m in g.members]
        others = [Rect(n.x, n.y, n.w, n.h) for m, n in lay.nodes.items() if m not in g.members]
        for f in group_frames(mine, others, pad=0.0):
            out.append((g.id, Rect(f.x - 4, f.bottom, f.w + 8, GROUP_LABEL_H)))
    return out


def assert_labels_clear(review):
    lay = compute_layout(review)
    strips = label_strips(lay, review)
    assert strips
    for gid, strip in strips:
        members = set(review.groups[gid].members)
        for n in lay.nodes.values():
            if n.id in members:
                continue
            # the next box, and the badges on its top edge, stay off the label
            reach = Rect(n.x, n.y - BADGE_REACH, n.w, n.h + BADGE_REACH)
            assert not strip.intersects(reach), (gid, n.id, strip, reach)
        for reg in lay.regions:  # the label inside the region its members are drawn in
            if all(lay.nodes[m].domain == reg.id for m in members):
                assert Rect(reg.x, reg.y, reg.w, reg.h).contains(strip), (gid, reg.id)
    return lay


@pytest.mark.parametrize("zone", [False, True])
def test_the_box_under_a_group_keeps_off_its_label(zone):
    # svc01 and svc02 framed together, svc03 the next row; svc04 alone, svc05 under it
    assert_labels_clear(fan_review(6, [("pair", ["svc01", "svc02"]), ("one", ["svc04"])], zone))


def test_a_group_at_the_bottom_of_its_column_keeps_its_label_in_the_region():
    assert_labels_clear(fan_review(5, [("last", ["svc03", "svc04"])], zone=True))


def test_a_wrapped_column_and_a_group_split_by_another_box():
    # 12 boxes wrap into two sub-columns; svc00 and svc02 are framed apart (svc01 between them)
    assert_labels_clear(fan_review(12, [("split", ["svc00", "svc02"]), ("wrapped", ["svc07", "svc08"])], zone=True))


def test_the_web_shop_laid_out_whole_shows_its_group_label():
    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    data["layout"] = []
    assert_labels_clear(review_from_dict(data))


def test_a_column_without_a_group_keeps_its_spacing():
    lay = compute_layout(fan_review(6, [("pair", ["svc01", "svc02"])]))
    ys = sorted(lay.nodes[f"svc{i:02d}"].y for i in range(6))
    assert ys[1] - ys[0] > NODE_H + ROW_GAP  # the grouped column is spaced for its label
    plain = compute_layout(fan_review(6, []))
    ys = sorted(plain.nodes[f"svc{i:02d}"].y for i in range(6))
    assert all(b - a == NODE_H + ROW_GAP for a, b in zip(ys, ys[1:]))  # a review without groups as before
    assert plain.height < lay.height
