"""The three-way merge of review rows (no database): properties against a plain oracle."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prr_app.teamrepo.merge import diff, merge
from prr_app.teamrepo.rows import review_from_rows, review_rows
from prr_app.teamrepo.schema import COLUMNS

ELEMENTS = [f"e{i}" for i in range(6)]
coords = st.sampled_from([0.0, 1.0, 2.5, -3.0])


def _empty():
    return {t: {} for t in COLUMNS}


def _layout(rows: dict) -> dict:
    out = _empty()
    out["layout"] = {(k,): {"element": k, "x": x, "y": y} for k, (x, y) in rows.items()}
    return out


bases = st.dictionaries(st.sampled_from(ELEMENTS), st.tuples(coords, coords), max_size=6)


@st.composite
def edits(draw, base: dict, keys: list[str], prefix: str):
    """``base`` with some of ``keys`` changed or deleted and new elements named ``prefix*``."""
    out = dict(base)
    for k in keys:
        action = draw(st.sampled_from(["keep", "x", "y", "delete"]))
        if k not in out:
            continue
        x, y = out[k]
        if action == "x":
            out[k] = (draw(coords), y)
        elif action == "y":
            out[k] = (x, draw(coords))
        elif action == "delete":
            del out[k]
    for i in range(draw(st.integers(0, 2))):
        out[f"{prefix}{i}"] = (draw(coords), draw(coords))
    return out


def _apply(rows, changes):
    """The oracle: a list of changes applied one by one."""
    out = {t: {k: dict(r) for k, r in rows[t].items()} for t in rows}
    for c in changes:
        if c.field is None and c.new is None:
            del out[c.table][c.key]
        elif c.field is None:
            out[c.table][c.key] = dict(c.new)
        else:
            out[c.table][c.key][c.field] = c.new
    return out


@given(bases, st.data())
def test_one_sided_changes_are_taken_as_they_are(base, data):
    other = data.draw(edits(base, ELEMENTS, "n"))
    b, o = _layout(base), _layout(other)
    assert merge(b, b, o) == (o, [])  # only mine changed
    assert merge(b, o, b) == (o, [])  # only theirs changed
    assert merge(b, o, o) == (o, [])  # both made the same change
    assert _apply(b, diff(b, o)) == o


@given(bases, st.data())
def test_changes_to_different_elements_all_survive(base, data):
    split = data.draw(st.integers(0, len(ELEMENTS)))
    mine = data.draw(edits(base, ELEMENTS[:split], "m"))
    theirs = data.draw(edits(base, ELEMENTS[split:], "t"))
    b, m, t = _layout(base), _layout(mine), _layout(theirs)
    merged, conflicts = merge(b, t, m)
    assert conflicts == []
    assert merged == _apply(t, diff(b, m))
    assert merged == _apply(m, diff(b, t))


@given(bases.filter(bool), st.data())
def test_the_same_field_changed_differently_is_a_conflict_naming_it(base, data):
    k = data.draw(st.sampled_from(sorted(base)))
    x, y = base[k]
    mine, theirs = dict(base), dict(base)
    mine[k], theirs[k] = (x + 10, y), (x + 20, data.draw(coords))
    merged, conflicts = merge(_layout(base), _layout(theirs), _layout(mine))
    assert [(c.table, c.key, c.field, c.mine, c.theirs) for c in conflicts] == [("layout", (k,), "x", x + 10, x + 20)]
    assert "field x: yours" in conflicts[0].describe()


@given(bases.filter(bool), st.data())
def test_deleted_on_one_side_and_changed_on_the_other_is_a_conflict(base, data):
    k = data.draw(st.sampled_from(sorted(base)))
    mine, theirs = dict(base), dict(base)
    del mine[k]
    theirs[k] = (base[k][0] + 1, base[k][1])
    _, conflicts = merge(_layout(base), _layout(theirs), _layout(mine))
    assert [(c.key, c.field, c.mine) for c in conflicts] == [((k,), None, None)]
    _, conflicts = merge(_layout(base), _layout(mine), _layout(theirs))
    assert [(c.key, c.field, c.theirs) for c in conflicts] == [((k,), None, None)]


def test_rows_and_back_give_the_same_review(webshop, platform_review):
    for review in (webshop, platform_review):
        assert review_from_rows(review_rows(review)) == review


def test_rows_share_no_lists_with_the_review(webshop):
    rows = review_rows(webshop)
    back = review_from_rows(rows)
    comp = next(iter(back.components.values()))
    comp.placement.append("elsewhere")
    assert review_from_rows(rows) == webshop  # editing the review does not edit the rows it came from


@given(bases.filter(bool), st.data())
def test_a_users_pick_settles_a_conflict(base, data):
    k = data.draw(st.sampled_from(sorted(base)))
    x, y = base[k]
    mine, theirs = dict(base), dict(base)
    mine[k], theirs[k] = (x + 10, y), (x + 20, y)
    b, t, m = _layout(base), _layout(theirs), _layout(mine)
    merged, conflicts = merge(b, t, m, pick={("layout", (k,), "x"): "mine"})
    assert conflicts == [] and merged["layout"][(k,)]["x"] == x + 10
    merged, conflicts = merge(b, t, m, pick={("layout", (k,), "x"): "theirs"})
    assert conflicts == [] and merged == t
    del mine[k]
    merged, conflicts = merge(b, t, _layout(mine), pick={("layout", (k,), None): "mine"})
    assert conflicts == [] and (k,) not in merged["layout"]


def test_the_changed_version_comes_back_to_its_group_journeys_and_risks():
    """Deleted on one side (which takes it out of its group's members, its journeys' entries and the
    risks naming it), changed on the other, settled for the changed one: it came back with its
    dependencies, but not to the group or the journeys, so the journeys lost an entry point."""
    from conftest import EXAMPLES

    from prr_app.interchange.json_io import read_review_json
    from prr_app.review import edits

    def fresh():
        return read_review_json(EXAMPLES / "webshop.json")

    base = review_rows(fresh())
    mine = fresh()
    edits.apply_changes(mine, edits.delete(mine, ["edge-gateway", "orders-db-replica", "payments-api"]))
    mine = review_rows(mine)
    theirs = review_rows(fresh())
    for cid in ("edge-gateway", "orders-db-replica", "payments-api"):
        theirs["component"][(cid,)]["owner"] = "sre-team"
    merged, conflicts = merge(base, theirs, mine)
    c = next(x for x in conflicts if x.key == ("edge-gateway",))
    assert {"its place among the entries of journey browse", "its place among the entries of journey checkout"} \
        <= set(c.along)
    pick = {(x.table, x.key, x.field): "theirs" for x in conflicts}
    merged, conflicts = merge(base, theirs, mine, pick=pick)
    assert not conflicts
    assert merged["journey"][("browse",)]["entry"] == ["edge-gateway", "storefront"]  # in its place
    assert merged["journey"][("checkout",)]["entry"] == ["edge-gateway", "checkout-svc"]
    assert merged["redundancy_group"][("orders-db",)]["members"] == ["orders-db-primary", "orders-db-replica"]
    assert merged["risk"][("vendor-payfast-contract",)]["components"] == ["payments-api"]
