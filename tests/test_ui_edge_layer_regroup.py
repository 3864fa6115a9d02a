"""The edge layer moves only restyled lines between its groups (a what-if, a journey, the
selection): after any sequence of them it holds what one made afresh from the lines holds."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _groups(layer) -> list:
    """The layer's groups in draw order, each its key and its rows in a fixed order."""
    layer.in_step()
    out = []
    for key, a in layer._groups.items():
        rows = a[np.lexsort(a.T[::-1])] if len(a) else a
        out.append((key, rows.tolist()))
    return out


def _fresh(scene) -> list:
    from prr_app.ui.canvas_layers import EdgeLayer

    layer = EdgeLayer(scene)
    layer.rebuild()
    return _groups(layer)


def _open_large(qtbot, win, examples_dir, monkeypatch):
    from prr_app.ui import canvas_layers, canvas_scene
    from tests.ui_driver import wait_analysis

    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 0)  # the edge layer draws the lines
    # restyled lines always moved between groups (never all groups made again instead), however many
    monkeypatch.setattr(canvas_layers, "REGROUP_MAX_SHARE", 1.0)
    assert win.open_path(str(examples_dir / "platform.json"))
    wait_analysis(qtbot, win)
    sc = win.scene
    assert sc.edge_layer_on
    sc.edge_layer.in_step()
    return sc


def test_an_arrow_keys_what_if_moves_the_lines_it_colours_and_no_others(qtbot, win, examples_dir, monkeypatch):
    sc = _open_large(qtbot, win, examples_dir, monkeypatch)
    layer = sc.edge_layer
    before = {k: len(a) for k, a in layer._groups.items()}
    # the component with the most lines hanging on it: its what-if colours some of them
    hub = max(win.session.review.components, key=lambda c: sum(1 for d in win.session.review.dependencies.values()
                                                                if d.target == c))
    made_again = []
    monkeypatch.setattr(layer, "rebuild", lambda: made_again.append(1))
    sc.select_ids([hub])
    assert layer._pending and not layer.dirty
    groups = _groups(layer)
    assert not made_again, "a what-if moves the restyled lines, it does not make every group again"
    assert any(key[1] in ("down", "degraded") for key, _rows in groups), "the what-if coloured lines"
    assert groups == _fresh(sc)
    assert sum(len(rows) for _k, rows in groups) == sum(before.values())  # no line lost or doubled
    sc.select_ids([])
    assert _groups(layer) == _fresh(sc)
    assert all(key[1] is None for key, _rows in _groups(layer))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_edge_layer_after_selections_and_what_ifs_is_the_one_made_afresh(qtbot, win, examples_dir, monkeypatch,
                                                                              data):
    if not win.scene.edge_layer_on:
        _open_large(qtbot, win, examples_dir, monkeypatch)
    sc = win.scene
    r = win.session.review
    comps, deps, doms, jids = sorted(r.components), sorted(r.dependencies), sorted(r.domains), sorted(r.journeys)
    steps = data.draw(st.lists(st.one_of(
        st.tuples(st.just("select"), st.sampled_from(comps)),
        st.tuples(st.just("line"), st.lists(st.sampled_from(deps), max_size=3)),
        st.tuples(st.just("domain"), st.sampled_from(doms)),
        st.tuples(st.just("journey"), st.sampled_from(jids + [None])),
        st.tuples(st.just("fail"), st.lists(st.sampled_from(comps + doms), min_size=1, max_size=3)),
        st.tuples(st.just("clear"), st.none()),
        st.tuples(st.just("paint"), st.none()),
    ), min_size=1, max_size=8))
    for what, arg in steps:
        if what == "select":
            sc.select_ids([arg])
        elif what == "line":
            sc.select_ids(arg)
        elif what == "domain":
            win.show_blast([arg])
        elif what == "journey":
            win.show_journey(arg, reveal=False)
        elif what == "fail":
            for f in arg:
                win.fail(f)
        elif what == "clear":
            if win.fail_mode:
                win.toggle_fail_mode(False)
            sc.select_ids([])
        else:  # the groups brought in step half way, as a paint between two keys does
            sc.edge_layer.in_step()
        # every line's state follows its boxes' (the scene tells only the lines of boxes that changed)
        told = sc._told.get("set_states")
        states = told[0][0] if told else {}
        for n in sc.nodes.values():
            assert n.state == states.get(n.node_id)
        for e in sc.edges.values():
            s, src = e.target.state, e.source.state
            assert e.state == (src if s in ("down", "degraded", "failed", "origin") and src in ("down", "degraded")
                               else None)
    assert _groups(sc.edge_layer) == _fresh(sc)
