"""Answering a checklist item, as a named review edit (the undo stack wraps it).

The rules of an answer (statuses, a reason for "not applicable", due dates, history) are
:func:`prr_app.checklist.set_answer`'s; this turns one answer into the changes the desktop
app's undo stack applies and takes back.
"""
from __future__ import annotations

import copy

from prr_app.checklist import set_answer
from prr_app.model.entities import Review
from prr_app.review.edits import Change, EditRefused


def answer_item(review: Review, key: str, *, by: str, result=None, **fields) -> list[Change]:
    """The changes that answer checklist item ``key`` (status, evidence, owner, due, reason, note).

    Raises :class:`EditRefused` (a :class:`PrrError`) with the reason when the answer is not
    allowed; ``review`` is never changed here.
    """
    from prr_app.errors import PrrError

    scratch = copy.copy(review)
    scratch.answers = dict(review.answers)
    if key in scratch.answers:
        scratch.answers[key] = copy.deepcopy(scratch.answers[key])
    scratch.meta = copy.deepcopy(review.meta)
    try:
        set_answer(scratch, key, by=by, result=result, **fields)
    except PrrError as e:
        raise EditRefused(str(e)) from None
    changes = [Change("answers", key, copy.deepcopy(review.answers.get(key)), scratch.answers.get(key))]
    if scratch.meta != review.meta:
        changes.append(Change("meta", "", copy.deepcopy(review.meta), scratch.meta))
    return changes
