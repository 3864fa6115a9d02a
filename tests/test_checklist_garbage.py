"""An evaluation of the checklist is freed by reference counting as soon as it is dropped.

A cycle (each dependency's subject held the plan, the plan held its subjects) left ~90,000
objects of cyclic garbage per evaluation of a 2,000-component review, freed only by the
collector's full passes, which then landed on the app's GUI thread (160-350 ms).
"""
from __future__ import annotations

import gc
from pathlib import Path

from prr_app.checklist import evaluate
from prr_app.checklist.evaluate import Subject, summarize
from prr_app.interchange.json_io import read_review_json

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def _subjects_alive() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Subject)


def _leaves_no_cycle(make) -> None:
    review = read_review_json(EXAMPLES / "platform.json")
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        before = _subjects_alive()
        result = make(review)
        if make is evaluate:
            assert any(i.per == "dependency" and " \u2192 " in i.subject_label for i in result.items)
        del result
        assert _subjects_alive() == before  # freed at once, without a collection
        assert gc.collect() == 0  # and nothing else left in a cycle
    finally:
        if was:
            gc.enable()


def test_an_evaluation_is_freed_at_once():
    _leaves_no_cycle(evaluate)


def test_a_summary_is_freed_at_once():
    _leaves_no_cycle(summarize)


def test_an_evaluation_that_steps_aside_gives_the_same_checklist():
    # the app's worker steps aside at these points while the window paints a page just shown
    review = read_review_json(EXAMPLES / "platform.json")
    calls = []
    paused = evaluate(review, pause=lambda: calls.append(1))
    plain = evaluate(review)
    assert [(i.key, i.question, i.status) for i in paused.items] == [(i.key, i.question, i.status) for i in plain.items]
    assert len(calls) >= len(plain.items) // 256 >= 1


def _tracked() -> int:
    gc.collect()
    return len(gc.get_objects())


def _big_review(n: int = 600):
    from prr_app.model.entities import Component, Dependency, Review

    r = Review()
    for i in range(n):
        r.add(Component(id=f"svc-{i:03d}", kind=("service", "datastore", "cache", "queue")[i % 4]))
    for i in range(1, n):
        r.add(Dependency(f"svc-{i - 1:03d}", f"svc-{i:03d}"))
    return r


def test_an_evaluation_kept_gives_the_collector_almost_nothing_to_walk():
    # an imported review of 2,000 components has 80,000 items: as 80,000 objects (and 32,000
    # subjects made on the way) they were promoted to the collector's oldest generation on every
    # evaluation, and set off a full pass (0.15-0.2 s on the app's GUI thread) soon after
    review = _big_review()
    before = _tracked()
    result = evaluate(review)
    kept = _tracked() - before
    assert len(result.items) > 10_000
    assert kept < len(result.items) / 20, kept
    assert _subjects_alive() == 0


def test_an_evaluation_promotes_no_subject_while_it_runs():
    review = _big_review()
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    seen = []

    def pause():  # as the app's GUI thread does while the worker evaluates: young collections
        gc.collect(1)
        seen.append(_subjects_alive())

    try:
        evaluate(review, pause=pause)
    finally:
        if was:
            gc.enable()
    assert len(seen) > 10 and max(seen) <= 1  # the subject being walked, at most


def test_the_items_are_views_of_one_evaluation_equal_to_themselves():
    review = read_review_json(EXAMPLES / "platform.json")
    result = evaluate(review)
    items = result.items
    first = items[0]
    assert first == items[0] and first is not items[0]
    assert [i.key for i in items[:3]] == items.keys()[:3]
    assert result.item(first.key) == first and first.key in result
    assert result.item("no-such-item") is None
    blockers = items.where(lambda it: it.is_open_blocker)
    assert [i.key for i in blockers] == [i.key for i in result.open_blockers]
    assert all(b.order == items.keys().index(b.key) for b in blockers)
    assert [i.key for i in evaluate(review).items] == items.keys()  # the same order every time
