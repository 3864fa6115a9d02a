"""An edit that cannot change the analysis is not analysed again (prr_app/review/relevance.py).

The oracle is a fresh analysis: every field said to be unread is edited at random on the
bundled reviews, and the analysis of the edited review must equal the original's.
"""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prr_app.interchange.json_io import read_review_json
from prr_app.model.entities import Component, Review
from prr_app.review.assess import assess
from prr_app.review.edits import Change, apply_changes
from prr_app.review.relevance import NOT_ANALYSED, NOT_ANALYSED_COLLECTIONS, same_analysis

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
TODAY = "2026-12-03"
_REVIEWS = {name: read_review_json(EXAMPLES / f"{name}.json") for name in ("webshop", "platform")}
_FRESH: dict[str, dict] = {}


def _fresh(name: str) -> dict:
    if name not in _FRESH:
        _FRESH[name] = assess(_REVIEWS[name], today=TODAY).to_dict()
    return _FRESH[name]


def _copy(review: Review) -> Review:
    """New collection dicts over the same element objects, as the app's analysis copy."""
    return Review(**{f.name: (dict(getattr(review, f.name)) if isinstance(getattr(review, f.name), dict)
                              else getattr(review, f.name)) for f in dataclasses.fields(Review)})


def test_the_unread_fields_exist():
    """A misspelt field would make the list claim nothing and test nothing."""
    from prr_app.model.entities import (Component, Dependency, FailureDomain, Journey, RedundancyGroup,
                                        ReviewMeta)

    types = {"meta": ReviewMeta, "components": Component, "dependencies": Dependency, "domains": FailureDomain,
             "groups": RedundancyGroup, "journeys": Journey}
    for coll, names in NOT_ANALYSED.items():
        assert names <= {f.name for f in dataclasses.fields(types[coll])}, coll
    assert NOT_ANALYSED_COLLECTIONS <= {f.name for f in dataclasses.fields(Review)}


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
_DATE = st.dates().map(lambda d: d.isoformat())


def _value_for(coll: str, name: str):
    if name == "review_date":
        return st.one_of(st.none(), _DATE)
    if name == "reviewers":
        return st.lists(_TEXT, max_size=3)
    return _TEXT


@st.composite
def unread_edits(draw):
    """A review name and a list of changes, each setting unread fields of one element."""
    name = draw(st.sampled_from(sorted(_REVIEWS)))
    r = _REVIEWS[name]
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        coll = draw(st.sampled_from(sorted(NOT_ANALYSED)))
        if coll == "meta":
            key, old = "", r.meta
        else:
            items = getattr(r, coll)
            if not items:
                continue
            key = draw(st.sampled_from(sorted(items)))
            old = items[key]
        values = {f: draw(_value_for(coll, f)) for f in draw(st.sets(st.sampled_from(sorted(NOT_ANALYSED[coll])),
                                                                     min_size=1))}
        changes.append(Change(coll, key, old, dataclasses.replace(copy.deepcopy(old), **values)))
    # positions, milestones and import records are never read either
    for cid in draw(st.lists(st.sampled_from(sorted(r.components)), max_size=3, unique=True)):
        from prr_app.model.entities import Position

        changes.append(Change("layout", cid, r.layout.get(cid), Position(draw(st.floats(-500, 500)), 3.0)))
    return name, changes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unread_edits())
def test_an_edit_of_unread_fields_leaves_the_analysis_as_a_fresh_one_finds_it(case):
    name, changes = case
    r = _copy(_REVIEWS[name])
    apply_changes(r, changes)
    assert same_analysis(_REVIEWS[name], r)
    assert assess(r, today=TODAY).to_dict() == _fresh(name)


@pytest.mark.parametrize("coll, key, values", [
    ("components", "checkout-svc", {"replicas": 3}),
    ("components", "checkout-svc", {"owner": "someone else"}),
    # a component's name is in its checklist items' texts, and those in the verdict when one blocks
    ("components", "checkout-svc", {"name": "Renamed"}),
    ("components", "checkout-svc", {"tags": ["vendor"]}),
    ("meta", "", {"system_name": "Renamed"}),
    ("meta", "", {"tier": 3}),
])
def test_an_edit_of_what_the_analysis_reads_is_analysed_again(webshop, coll, key, values):
    old = webshop.meta if coll == "meta" else getattr(webshop, coll)[key]
    r = _copy(webshop)
    apply_changes(r, [Change(coll, key, old, dataclasses.replace(copy.deepcopy(old), **values))])
    assert not same_analysis(webshop, r)


def test_added_deleted_and_reordered_elements_are_analysed_again(webshop):
    added = _copy(webshop)
    added.components["new-svc"] = Component(id="new-svc")
    assert not same_analysis(webshop, added)
    gone = _copy(webshop)
    del gone.components["checkout-svc"]
    assert not same_analysis(webshop, gone)
    # a deleted component put back by undo comes last: the analysis lists in the review's order
    back = _copy(webshop)
    c = back.components.pop("checkout-svc")
    back.components["checkout-svc"] = c
    assert not same_analysis(webshop, back)
    # the same state again, with new dicts and copies of equal elements, is the same analysis
    again = _copy(webshop)
    again.components = {k: copy.deepcopy(v) for k, v in webshop.components.items()}
    assert same_analysis(webshop, again)
