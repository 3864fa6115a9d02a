"""The store writes only what changed: a property test against the plainest oracle, the model itself.

After any sequence of edits and saves, reading the file back gives exactly the in-memory review,
and a second document's edits of other rows survive (row-level merge), while an edit of the
same row is refused.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from prr_app.model.entities import ChecklistAnswer, Component, Dependency, Position
from prr_app.interchange.json_io import dumps, read_review_json
from prr_app.persistence.store import SaveConflict, create_store, open_store
from prr_app.review.document import ReviewDocument

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"

ids = st.sampled_from([f"c{i}" for i in range(6)])
edit = st.one_of(
    st.tuples(st.just("add"), ids, st.text(max_size=8)),
    st.tuples(st.just("remove"), ids, st.just("")),
    st.tuples(st.just("notes"), ids, st.text(max_size=20)),
    st.tuples(st.just("answer"), ids, st.sampled_from(["met", "partly", "unanswered"])),
    st.tuples(st.just("layout"), ids, st.floats(-1e6, 1e6, allow_nan=False)),
    st.tuples(st.just("save"), ids, st.just("")),
)


def _apply(review, op, cid, value) -> None:
    if op == "add":
        review.components[cid] = Component(cid, name=value)
        review.dependencies[f"{cid}->cart-db"] = Dependency(cid, "cart-db")
    elif op == "remove" and cid in review.components:
        del review.components[cid]
        review.dependencies.pop(f"{cid}->cart-db", None)
        review.layout.pop(cid, None)
    elif op == "notes" and cid in review.components:
        review.components[cid].notes = value
    elif op == "answer":
        review.answers[f"item.{cid}"] = ChecklistAnswer(f"item.{cid}", status=value)
    elif op == "layout" and cid in review.components:
        review.layout[cid] = Position(value, -value)


@settings(max_examples=25)
@given(st.lists(edit, max_size=25))
def test_file_always_equals_the_model(tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("diff") / "r.prr"
    create_store(path, read_review_json(EXAMPLE)).close()
    doc = ReviewDocument.open(path)
    try:
        for op, cid, value in edits:
            if op == "save":
                doc.save()
            else:
                _apply(doc.review, op, cid, value)
        doc.save()
        expected = dumps(doc.review)
    finally:
        doc.close()
    with open_store(path) as store:
        assert dumps(store.load()) == expected


def test_rows_another_writer_changed_are_kept_and_same_row_refused(tmp_path):
    path = tmp_path / "r.prr"
    create_store(path, read_review_json(EXAMPLE)).close()
    a = ReviewDocument.open(path)
    # a second writer (as another program would be) changes a row A does not touch, and one A does
    store = a.store
    with store._transaction(write=True) as conn:
        conn.exec_driver_sql("UPDATE component SET notes = 'by B' WHERE id = 'cart-db'")
        conn.exec_driver_sql("UPDATE review SET milestone = 'by B'")
    try:
        a.review.components["storefront"].notes = "by A"
        assert a.save() == 1
        a.review.meta.milestone = "by A"
        try:
            a.save()
            raise AssertionError("a save over another writer's change of the same row went through")
        except SaveConflict as e:
            assert e.conflicts == [("review", (1,))]
    finally:
        a.close()
    with open_store(path) as s:
        r = s.load()
    assert r.components["cart-db"].notes == "by B" and r.components["storefront"].notes == "by A"
    assert r.meta.milestone == "by B"


def test_rows_written_by_another_program_in_its_own_spelling_are_not_changes(tmp_path):
    """What the store remembers of a row compares values, not their spelling: a JSON column with
    other spacing and key order, a whole number in a number column (SQLite gives 99.0 back) are
    unchanged rows, neither written again nor taken for another program's change."""
    path = tmp_path / "r.prr"
    create_store(path, read_review_json(EXAMPLE)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE component SET placement = '[ \"eu-west-1a\" ,  \"eu-west-1b\" ]', availability = 99 "
                "WHERE id = 'cart-db'")
    con.execute("UPDATE review SET resilience_policy = '{\"survive\": [\"zone\"], \"rto_minutes\": {}, "
                "\"rpo_minutes\": {}}'")
    con.commit()
    con.close()
    doc = ReviewDocument.open(path)
    try:
        assert doc.save() == 0
        # another program changes the row; this document's edit of another row still saves, and one
        # of the same row is refused (the row as read, in its own spelling, is the base)
        with doc.store._transaction(write=True) as conn:
            conn.exec_driver_sql("UPDATE component SET notes = 'by B' WHERE id = 'cart-db'")
        doc.review.components["storefront"].notes = "by A"
        assert doc.save() == 1
        doc.review.components["cart-db"].replicas = 5
        try:
            doc.save()
            raise AssertionError("a save over another writer's change of the same row went through")
        except SaveConflict as e:
            assert e.conflicts == [("component", ("cart-db",))]
    finally:
        doc.close()
    with open_store(path) as s:
        r = s.load()
    assert r.components["cart-db"].placement == ["eu-west-1a", "eu-west-1b"]
    assert r.components["cart-db"].availability == 99.0 and r.components["cart-db"].notes == "by B"
    assert r.policy.survive == ["zone"]


def test_what_the_store_remembers_is_not_walked_by_the_garbage_collector(tmp_path):
    """The rows a store remembers (to write only what changed) are plain tuples of strings, bytes and
    numbers, which Python's cyclic collector stops tracking: kept as dicts and lists they were about
    50,000 containers on a 2,000-component review, walked by every full collection in the app."""
    import gc

    path = tmp_path / "r.prr"
    review = read_review_json(EXAMPLE)
    for i in range(50):
        review.components[f"x{i}"] = Component(f"x{i}", tags=["imported"], placement=["eu-west-1a"])
        review.dependencies[f"x{i}->cart-db"] = Dependency(f"x{i}", "cart-db")
    create_store(path, review).close()
    doc = ReviewDocument.open(path)
    try:
        gc.collect()
        gc.collect()  # a row's tuple is let go once its list-of-strings tuples are: at most two looks
        remembered = [row for rows in doc.store._snapshot.values() for row in rows.values()]
        assert len(remembered) > 100
        assert not [row for row in remembered if gc.is_tracked(row)]
        doc.review.components["x1"].notes = "changed"
        assert doc.save() == 1
        gc.collect()
        gc.collect()
        assert not [row for rows in doc.store._snapshot.values() for row in rows.values() if gc.is_tracked(row)]
    finally:
        doc.close()
