"""Reading a row of a .prr file: the fast decoder (one plan per sequence of value types) against the
plain path (one check per value, which names what is wrong), on rows of every table, well-formed or
hand-edited."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from prr_app.model.entities import NO_ITEMS
from prr_app.persistence.store import NotAReviewError, _tables

TABLES = {t.name: t for t in _tables()}

#: Values SQLite can hand back, the kinds a hand edit can leave in any column.
VALUES = st.one_of(
    st.sampled_from([None, 0, 1, 2, -1, 2**63 - 1, 1.5, -0.0, math.inf, -math.inf, math.nan, b"\x00",
                     "", "x", "[]", "{}", '["a"]', '{"a": 1}', "[1]", "[", "null", "true", '{"a":1,"a":2}']),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)


def _fitting(col):
    """A value that fits ``col``, as most values of a real file do."""
    k = col.kind
    fitting = {"str": st.text(max_size=4), "int": st.integers(-5, 5), "bool": st.sampled_from([0, 1]),
               "float": st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False))}.get(k)
    if fitting is None:
        fitting = st.sampled_from(["[]", '["a","b"]'] if k.startswith("list") else ['{"a":1}', "{}"])
    return st.one_of(st.none(), fitting) if col.nullable else fitting


@st.composite
def rows(draw):
    """A table, the columns read (all, or some as a read that leaves columns out does) and rows of
    fitting values, in each a few columns hand-edited to any value (one bad value among good ones is
    what a hand edit leaves)."""
    table = TABLES[draw(st.sampled_from(sorted(TABLES)))]
    cols = table.columns
    if draw(st.booleans()) and len(cols) > 2:
        cols = [c for c in cols if c.name in table.pk or draw(st.booleans())]
    out = []
    for _ in range(draw(st.integers(1, 4))):
        wild = draw(st.sets(st.integers(0, len(cols) - 1), max_size=2))
        out.append(tuple(draw(VALUES if i in wild else _fitting(c)) for i, c in enumerate(cols)))
    return table, cols, out


def _plain(table, cols, raw):
    try:
        return table.decode(raw, "x.prr", cols)
    except NotAReviewError as e:
        return ("refused", str(e))


def _fast(decode, raw):
    try:
        return decode(raw, "x.prr")
    except NotAReviewError as e:
        return ("refused", str(e))


def _same(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return a.keys() == b.keys() and all(
        type(a[k]) is type(b[k]) and (a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k])))
        for k in a)


@settings(max_examples=400, deadline=None)
@given(rows())
def test_fast_decoder_reads_every_row_as_the_plain_path_does(case):
    table, cols, raws = case
    decode = table.decoder(cols)
    for raw in raws:  # several rows through one decoder: its plans are shared between them
        assert _same(_fast(decode, raw), _plain(table, cols, raw)), raw


def test_a_bad_value_is_refused_with_its_place_after_good_rows_of_the_same_types():
    t = TABLES["dependency"]
    decode = t.decoder()
    good = tuple(0 if c.kind in ("int", "bool") else None if c.nullable else "[]" if c.json else "a" for c in t.columns)
    assert decode(good, "x.prr")
    i = next(i for i, c in enumerate(t.columns) if c.kind == "bool" and not c.nullable)
    bad = good[:i] + (7,) + good[i + 1:]  # the same types: the plan is the good row's
    with pytest.raises(NotAReviewError, match=rf"table dependency, .*column {t.columns[i].name}: expected 0 or 1"):
        decode(bad, "x.prr")


def test_empty_lists_of_components_and_dependencies_are_the_shared_empty_list():
    dep = TABLES["dependency"]
    raw = tuple("[]" if c.json else 0 if c.kind in ("int", "bool") else None if c.nullable else "a" for c in dep.columns)
    row = dep.decoder()(raw, "x.prr")
    assert row["evidence"] is NO_ITEMS
    # elsewhere an empty list is a list of its own, which an edit may extend
    journey = TABLES["journey"]
    raw = tuple("[]" if c.json and c.kind.startswith("list") else "{}" if c.json else 0 if c.kind in ("int", "bool")
                else None if c.nullable else "a" for c in journey.columns)
    row = journey.decoder()(raw, "x.prr")
    lists = [v for v in row.values() if isinstance(v, list)]
    assert lists and all(v is not NO_ITEMS for v in lists)


EDGE_VALUES = [None, 0, 1, 2, -1, 2**63 - 1, 1.5, -0.0, math.inf, -math.inf, math.nan, b"\x00", "", "x", "[]",
               "{}", '["a"]', '{"a": 1}', "[1]", "[", "null", '{"a":1,"a":2}']


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_column_of_each_table_takes_or_refuses_each_edge_value_as_the_plain_path_does(name):
    """Exhaustive where the random test samples: one value changed at a time in a row that fits."""
    table = TABLES[name]
    cols = table.columns
    good = tuple(None if c.nullable else "[]" if c.json else 1 if c.kind in ("int", "bool", "float") else "a"
                 for c in cols)
    decode = table.decoder()
    assert _same(_fast(decode, good), _plain(table, cols, good))
    for i in range(len(cols)):
        for v in EDGE_VALUES:
            raw = good[:i] + (v,) + good[i + 1:]
            assert _same(_fast(decode, raw), _plain(table, cols, raw)), (cols[i].name, v)
