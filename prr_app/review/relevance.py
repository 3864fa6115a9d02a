"""Which edits can change the analysis: an edit that cannot is not analysed again.

In a meeting most edits do not touch what the analysis reads: a box renamed or dragged, a
description or a note typed, a milestone taken. :func:`same_analysis` tells, by comparing two
states of a review, whether :func:`prr_app.review.assess.assess` (the graph analysis, the
risk register and the checklist summary) must give the same result for both. The app's live
analysis then keeps the result it has instead of spending most of a second of CPU per edit
on a 2,000-component review (docs/performance.md, issue 18).

It errs one way only: a field is listed in :data:`NOT_ANALYSED` only when nothing the
analysis or the checklist summary computes reads it. A property test
(``tests/test_review_relevance.py``) edits those fields at random on real reviews and
compares a fresh analysis with the old one; a field the analysis starts to read (a name in a
finding's title, say) makes it fail, and the field must then leave the list.
"""
from __future__ import annotations

from dataclasses import fields

from prr_app.model.entities import Review

#: per collection of a review (or single: "meta"), the fields of its elements that neither the
#: analysis nor the checklist summary reads. Not here because they are read: a component's
#: ``owner`` (the register's owner of a fix), ``tags`` (hubs, vendors, checklist scopes) and
#: ``name`` (checklist items' texts: "A restore of Booking DB US from backup…", in the verdict's
#: reasons when the item blocks), a journey's or a group's ``name`` (findings' titles, checklist labels), the review's
#: ``system_name`` (the summary) and ``target_launch`` (acceptances), every field of answers, risks, mitigations, proposals, the policy.
NOT_ANALYSED: dict[str, frozenset[str]] = {
    "meta": frozenset({"description", "reviewers", "review_date", "milestone"}),
    "components": frozenset({"description", "notes", "source"}),
    "dependencies": frozenset({"description"}),
    "domains": frozenset({"notes"}),
    "groups": frozenset({"notes"}),
    "journeys": frozenset({"description"}),
}

#: collections the analysis does not read at all: box positions, import records, milestones
NOT_ANALYSED_COLLECTIONS = frozenset({"layout", "imports", "milestones"})


def _same_element(coll: str, a, b) -> bool:
    if a is b:
        return True
    if a is None or b is None or type(a) is not type(b):
        return False
    skip = NOT_ANALYSED.get(coll, frozenset())
    if not skip:
        return a == b
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(a) if f.name not in skip)


def same_analysis(before: Review, after: Review) -> bool:
    """Does ``after`` differ from ``before`` only in what the analysis does not read?

    Elements are compared by identity first (edits put a new object in the review for every
    element they change, so an unchanged element is the same object): a few milliseconds for
    10,000 elements."""
    for f in fields(Review):
        name = f.name
        if name in NOT_ANALYSED_COLLECTIONS:
            continue
        a, b = getattr(before, name), getattr(after, name)
        if a is b:
            continue
        if not isinstance(a, dict):
            if not _same_element(name, a, b):
                return False
            continue
        if len(a) != len(b):
            return False
        # in the same order too: the analysis lists things in the review's order (a deleted
        # element that an undo puts back comes last)
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            if ka != kb or (va is not vb and not _same_element(name, va, vb)):
                return False
    return True
