"""Deleting components, as the app's Delete and the undo stack do it (``review.edits.delete``)."""
from __future__ import annotations

import copy

from prr_app.model.entities import Component, Dependency, Journey, RedundancyGroup, Review
from prr_app.model.validation import validate
from prr_app.review.edits import apply_changes, delete, references


def _review() -> Review:
    r = Review()
    for c in ("web", "db-a", "db-b", "cache"):
        r.add(Component(id=c))
    r.add(RedundancyGroup(id="db", members=["db-a", "db-b"], min_up=1))
    r.add(Dependency("web", "db"))
    r.add(Dependency("web", "cache"))
    r.add(Journey(id="buy", entry=["web", "db"]))
    return r


def test_a_group_left_without_members_goes_with_what_names_it_and_undo_brings_all_back():
    """Both members of the database group deleted: the group was left with no member, an invalid
    review ("a redundancy group needs at least one member") that the app could not analyse."""
    r = _review()
    before = copy.deepcopy(r)
    assert any("left with no member and goes too" in x for x in references(r, ["db-a", "db-b"]))
    changes = delete(r, ["db-a", "db-b"])
    apply_changes(r, changes)
    assert "db" not in r.groups and "web->db" not in r.dependencies and r.journeys["buy"].entry == ["web"]
    assert not validate(r)
    apply_changes(r, changes, undo=True)
    assert r == before


def test_a_group_that_keeps_a_member_stays():
    r = _review()
    apply_changes(r, delete(r, ["db-a"]))
    assert r.groups["db"].members == ["db-b"] and "web->db" in r.dependencies and not validate(r)
