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
