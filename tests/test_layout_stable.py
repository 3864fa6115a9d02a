"""StableLayout (prr_app/layout.py): the canvas's layout kept stable across edits, without Qt.

Property tests over random reviews and edits, against plain oracles: no box the edit did not name
moves; a new box overlaps no box and no frame of a redundancy group it is not in, lies in its
zone's region (and in no other zone's), and no free spot of the placement grid is nearer to the
boxes it is connected to (a brute-force search over the grid)."""
from __future__ import annotations

import math

from hypothesis import event, given, settings
from hypothesis import strategies as st

from prr_app.canvas_geometry import GROUP_MARGINS, Rect, group_frame_rects
from prr_app.layout import LABEL_H, NEW_BOX_GAP, NODE_H, NODE_W, PAD, StableLayout, compute_layout
from prr_app.model.entities import Component, Dependency, FailureDomain, Position, RedundancyGroup, Review

ZONES = ["za", "zb", "zc"]


def _review(n, deps, placements, group):
    r = Review()
    r.add(FailureDomain("reg", kind="region"))
    for z in ZONES:
        r.add(FailureDomain(z, kind="zone", parent="reg"))
    for i in range(n):
        r.add(Component(f"c{i}", placement=[[], ["za"], ["zb"], ["za", "zb"], ["zc"]][placements[i % len(placements)]]))
    for s, t in deps:
        if s < n and t < n and s != t:
            d = Dependency(f"c{s}", f"c{t}")
            r.dependencies.setdefault(d.id, d)
    members = [f"c{i}" for i in group if i < n]
    if members:
        r.add(RedundancyGroup("g", members=sorted(set(members))))
    return r


def _rect(n) -> Rect:
    return Rect(n.x, n.y, n.w, n.h)


def _frames(r: Review, lay, not_of: str) -> list[Rect]:
    out = []
    for g in r.groups.values():
        if not_of in g.members:
            continue
        mine = [_rect(lay.nodes[m]) for m in dict.fromkeys(g.members) if m in lay.nodes]
        others = [_rect(n) for k, n in lay.nodes.items() if k not in g.members and k != not_of]
        out.extend(group_frame_rects(mine, others))
    return out


def _nearer_free_cell_exists(anchor, spot, taken, within) -> bool:
    """Brute force: a cell of the grid anchored at ``anchor`` (pitch box + gap) strictly nearer
    than ``spot`` whose box, grown by half the gap, meets nothing taken (and lies within)."""
    px, py = NODE_W + NEW_BOX_GAP, NODE_H + NEW_BOX_GAP
    d = math.hypot(spot[0] - anchor[0], spot[1] - anchor[1])
    k = int(d // min(px, py)) + 2
    blocked = [t.grown(NEW_BOX_GAP / 2) for t in taken]
    for i in range(-k, k + 1):
        for j in range(-k, k + 1):
            x, y = anchor[0] + i * px, anchor[1] + j * py
            if math.hypot(i * px, j * py) >= d - 1e-9:
                continue
            cand = Rect(x, y, NODE_W, NODE_H)
            if within is not None and not within.contains(cand):
                continue
            if not any(cand.intersects(b) for b in blocked):
                return True
    return False


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 14), st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=25),
       st.lists(st.integers(0, 4), min_size=1, max_size=6), st.lists(st.integers(0, 13), max_size=4),
       st.integers(0, 4), st.lists(st.integers(0, 13), max_size=3), st.booleans())
def test_a_new_box_keeps_the_others_in_place_and_goes_to_the_nearest_free_spot(n, deps, placements, group,
                                                                              new_place, links, saved):
    r = _review(n, deps, placements, group)
    if saved:  # some boxes placed by hand
        r.layout["c0"] = Position(500.0, -40.0)
    stable = StableLayout()
    before = stable.update(r)
    whole = stable.whole
    new = Component("new", placement=[[], ["za"], ["zb"], ["za", "zb"], ["zc"]][new_place])
    r.add(new)
    for t in links:
        if t < n:
            r.add(Dependency("new", f"c{t}"))
    lay = stable.update(r)
    event("laid out whole" if stable.whole != whole else "placed among the others")
    if stable.whole != whole:  # its zone had no region (or no room): laid out whole, as the oracle says
        assert lay == compute_layout(r, use_saved=True)
        return
    # no other box moved
    assert {k: (b.x, b.y) for k, b in lay.nodes.items() if k != "new"} == {k: (b.x, b.y) for k, b in before.nodes.items()}
    box = _rect(lay.nodes["new"])
    others = [_rect(b) for k, b in lay.nodes.items() if k != "new"]
    assert not any(box.intersects(o) for o in others)
    frames = _frames(r, lay, "new")
    assert not any(box.intersects(f) for f in frames)
    regions = {g.id: g for g in before.regions}
    home = lay.nodes["new"].domain
    drawn = [Rect(g.x, g.y, g.w, g.h) for g in before.regions if g.id != ""]
    if home in regions and home != "":
        reg = regions[home]
        within = Rect(reg.x + PAD, reg.y + LABEL_H, reg.w - 2 * PAD, reg.h - LABEL_H - PAD)
        assert within.contains(box)
        nested = [Rect(g.x, g.y, g.w, g.h) for g in before.regions if g.parent == home]
        assert not any(box.intersects(z) for z in nested)
        fence = nested
    else:
        within = None
        assert not any(box.intersects(z) for z in drawn)
        fence = drawn
    # near its neighbours: no free grid cell nearer the mean of their places
    near = [lay.nodes[f"c{t}"] for t in sorted(set(links)) if t < n]
    if near and within is None:
        anchor = (sum(b.x for b in near) / len(near), sum(b.y for b in near) / len(near))
        assert not _nearer_free_cell_exists(anchor, (box.x, box.y), others + frames + fence, None)
    # deleting it again moves nothing either; nor does a new dependency
    del r.components["new"]
    for d in [d for d, dep in r.dependencies.items() if dep.source == "new"]:
        del r.dependencies[d]
    d = Dependency("c1", "c0")
    r.dependencies.setdefault(d.id, d)
    again = stable.update(r)
    assert {k: (b.x, b.y) for k, b in again.nodes.items()} == {k: (b.x, b.y) for k, b in before.nodes.items()}


def test_undo_of_a_deletion_puts_the_box_back_where_it_was():
    r = _review(8, [(0, 1), (1, 2), (2, 3), (0, 4)], [1, 2, 0], [])
    stable = StableLayout()
    before = stable.update(r)
    gone = r.components.pop("c2")
    stable.update(r)
    r.add(gone)
    back = stable.update(r)
    assert (back.nodes["c2"].x, back.nodes["c2"].y) == (before.nodes["c2"].x, before.nodes["c2"].y)
    assert stable.whole == 1


def test_an_import_of_many_boxes_is_laid_out_whole():
    r = _review(4, [(0, 1)], [0], [])
    stable = StableLayout()
    stable.update(r)
    for i in range(30):
        r.add(Component(f"imported{i}"))
    assert stable.update(r) == compute_layout(r, use_saved=True) and stable.whole == 2


def test_a_group_frame_margin_matches_the_canvas():
    """GroupItem.fit draws a frame 6 around its members and 18 more below for the label."""
    assert GROUP_MARGINS == (6.0, 6.0, 6.0, 24.0)
