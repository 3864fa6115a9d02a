"""Deleting and pasting never leave the review invalid, and say what they change (``review.edits``).

D2: deleting a member of a redundancy group left the group needing more members up than it has,
an invalid review (no findings, ``prr`` refusing the file). D4: deleting a component took its
checklist answers out of the app's checklist without a word. D7: a paste of boxes placed in a
failure domain deleted since the copy was refused for ever.
"""
from __future__ import annotations

import copy
import random

import pytest

from prr_app.model.entities import (
    ChecklistAnswer, Component, Dependency, FailureDomain, Journey, Position, RedundancyGroup, Review,
)
from prr_app.model.validation import validate
from prr_app.review import edits


def _problems(review: Review) -> set[str]:
    return {str(p) for p in validate(review)}


def _deleted(review: Review, ids) -> tuple[Review, list[edits.Change]]:
    r = copy.deepcopy(review)
    changes = edits.delete(r, ids)
    edits.apply_changes(r, changes)
    return r, changes


def _elements(review: Review) -> list[str]:
    return sorted(set(review.components) | set(review.groups) | set(review.domains) | set(review.journeys)
                  | set(review.dependencies))


def _group_review() -> Review:
    r = Review()
    for c in ("web", "eu", "us", "ap"):
        r.add(Component(id=c))
    r.add(RedundancyGroup(id="ingress", name="Regional ingress", members=["eu", "us", "ap"], min_up=3))
    r.add(Dependency("web", "ingress"))
    return r


# ------------------------------------------------------------------ D2: groups, and every other reference
def test_deleting_a_member_lowers_min_up_to_what_the_group_keeps_says_so_and_undoes_in_one_step():
    r = _group_review()
    before = copy.deepcopy(r)
    refs = edits.references(r, ["eu"])
    assert refs[0] == ("group Regional ingress has eu as a member; it needed 3 members up and now needs 2, "
                       "the 2 members it keeps")
    changes = edits.delete(r, ["eu"])
    edits.apply_changes(r, changes)
    assert r.groups["ingress"].members == ["us", "ap"] and r.groups["ingress"].min_up == 2
    assert not validate(r)
    edits.apply_changes(r, changes, undo=True)
    assert r == before


def test_a_group_that_still_has_enough_members_keeps_its_min_up_and_says_only_the_membership():
    r = _group_review()
    r.groups["ingress"].min_up = 1
    refs = edits.references(r, ["eu"])
    assert refs == ["group Regional ingress has eu as a member"]
    after, _ = _deleted(r, ["eu"])
    assert after.groups["ingress"].min_up == 1 and not validate(after)


def test_the_platform_examples_group_member_delete(platform_review):
    """The explorer's case: Regional ingress, 2 members, Needs up 2; ingress-eu deleted."""
    r = platform_review
    r.groups["ingress"].min_up = 2
    assert not validate(r)
    refs = edits.references(r, ["ingress-eu"])
    assert any("needed 2 members up and now needs 1" in x for x in refs[:3])
    after, _ = _deleted(r, ["ingress-eu"])
    assert after.groups["ingress"].min_up == 1 and not validate(after)


def test_a_journey_left_without_entry_is_said_so():
    r = Review()
    r.add(Component(id="web"))
    r.add(Journey(id="buy", name="Buy", entry=["web"], critical=True))
    refs = edits.references(r, ["web"])
    assert refs == ["journey Buy starts at web; it is left with no entry: the analysis cannot judge it and it "
                    "blocks the launch until its entries are set"]
    after, _ = _deleted(r, ["web"])
    assert after.journeys["buy"].entry == [] and not validate(after)


def _check_every_delete(review: Review, picks) -> None:
    was = _problems(review)
    for ids in picks:
        after, changes = _deleted(review, ids)
        added = _problems(after) - was
        assert not added, (ids, sorted(added)[:3])
        assert not edits.new_problems(review, changes)
        back = copy.deepcopy(after)
        edits.apply_changes(back, changes, undo=True)
        assert back == review, ids


@pytest.mark.parametrize("example", ["webshop", "platform_review"])
def test_no_single_delete_leaves_a_problem_the_review_did_not_have(example, request):
    """Every element of both examples deleted alone (components, groups, domains, journeys,
    dependencies), with the groups needing every member up (the tightest min_up), against the
    model's validation."""
    review = request.getfixturevalue(example)
    for g in review.groups.values():
        g.min_up = len(g.members)
    assert not validate(review)
    _check_every_delete(review, [[i] for i in _elements(review)])


@pytest.mark.parametrize("example", ["webshop", "platform_review"])
def test_no_delete_of_several_elements_leaves_a_problem_the_review_did_not_have(example, request):
    review = request.getfixturevalue(example)
    for g in review.groups.values():
        g.min_up = len(g.members)
    rng = random.Random(27)
    every = _elements(review)
    _check_every_delete(review, [rng.sample(every, rng.randint(2, 12)) for _ in range(60)])


# ------------------------------------------------------------------ D4: checklist answers
def _answered(review: Review, *keys: str) -> Review:
    for k in keys:
        review.answers[k] = ChecklistAnswer(item=k, status="met")
    return review


def test_deleting_a_component_says_its_answers_and_its_dependencies_answers_are_kept_as_orphans(webshop):
    r = webshop
    keys = [k for k in r.answers if k.endswith("@cart-db") or k.endswith("->cart-db")]
    assert keys, "the example answers items on cart-db"
    refs = edits.references(r, ["cart-db"])
    n = len(keys)
    assert refs[0].startswith(f"{n} checklist answer{'s' if n > 1 else ''} on ")
    assert refs[0].endswith(" kept in the review as orphaned answers; prr checklist lists them")
    after, changes = _deleted(r, ["cart-db"])
    assert all(k in after.answers for k in keys)  # kept, never dropped
    assert not any(c.coll == "answers" for c in changes)


def test_one_answer_on_a_deleted_dependency_is_said_in_the_singular():
    r = Review()
    r.add(Component(id="a"))
    r.add(Component(id="b"))
    r.add(Dependency("a", "b"))
    _answered(r, "dep.timeout@a->b", "svc.owner@a")
    assert edits.references(r, ["a->b"]) == [
        "1 checklist answer on a->b is kept in the review as an orphaned answer; prr checklist lists it"]
    assert edits.orphaned_answers(r, ["b"]) == {"a->b": ["dep.timeout@a->b"]}
    assert edits.orphaned_answers(r, ["a"]) == {"a": ["svc.owner@a"], "a->b": ["dep.timeout@a->b"]}


def test_answers_on_a_group_the_delete_empties_and_on_a_journey_are_named():
    r = Review()
    for c in ("x", "y"):
        r.add(Component(id=c))
    r.add(RedundancyGroup(id="g", members=["x", "y"]))
    r.add(Journey(id="buy", entry=["g"], critical=False))
    _answered(r, "ds.restore-tested@g", "journey.failure-modes@buy", "slo.defined")
    assert edits.orphaned_answers(r, ["x", "y"]) == {"g": ["ds.restore-tested@g"]}
    assert edits.orphaned_answers(r, ["buy"]) == {"buy": ["journey.failure-modes@buy"]}
    refs = edits.references(r, ["x", "y"])
    assert refs[0].startswith("1 checklist answer on g is kept")
    assert not edits.references(r, [])  # nothing deleted: nothing said


def test_the_answers_drop_out_of_the_checklist_and_come_back_with_undo(webshop):
    """What the message stands for: the checklist lists the answers as orphans after the delete."""
    from prr_app.checklist import evaluate

    r = webshop
    keys = set(k for subject in edits.orphaned_answers(r, ["cart-db"]).values() for k in subject)
    after, changes = _deleted(r, ["cart-db"])
    assert keys <= {o.key for o in evaluate(after).orphans}
    edits.apply_changes(after, changes, undo=True)
    assert not keys & {o.key for o in evaluate(after).orphans}


# ------------------------------------------------------------------ D7: paste after a domain went
def test_paste_leaves_out_a_placement_in_a_domain_deleted_since_the_copy_and_says_so():
    r = Review()
    r.add(FailureDomain(id="zone-a", kind="zone"))
    r.add(FailureDomain(id="zone-b", kind="zone"))
    r.add(Component(id="db", replicas=2, placement=["zone-a", "zone-b"], shared_domains=["zone-a"]))
    r.add(Component(id="svc"))
    r.add(Dependency("svc", "db"))
    clip = edits.copy_components(r, ["db", "svc"], {"db": Position(0, 0), "svc": Position(10, 0)})
    edits.apply_changes(r, edits.delete(r, ["zone-a"]))
    mapping, changes = edits.paste(r, clip)  # was refused: "unknown failure domain 'zone-a'"
    edits.apply_changes(r, changes)
    copy_ = r.components[mapping["db"]]
    assert copy_.placement == ["zone-b"] and copy_.shared_domains == [] and copy_.replicas == 2
    assert f"{mapping['svc']}->{mapping['db']}" in r.dependencies and not validate(r)
    assert clip.components["db"].placement == ["zone-a", "zone-b"]  # the clipboard itself is not changed
    assert edits.paste_notes(r, clip) == [
        "the copy of db is pasted without its placement in zone-a, a failure domain no longer in the review"]


def test_a_whole_copy_pastes_with_no_notes(webshop):
    clip = edits.copy_components(webshop, ["cart-db"], {})
    assert edits.paste_notes(webshop, clip) == []
    mapping, changes = edits.paste(webshop, clip)
    assert changes[0].new.placement == webshop.components["cart-db"].placement
