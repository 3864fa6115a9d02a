"""Use case: analyse a review together with its checklist.

The analysis (``prr_app.analysis``) sits below the checklist and does not
import it: the checklist's headline figures (unmet blockers, unanswered
blockers, the score) are computed here and passed in, so that they count in
the verdict. Both faces call this: ``prr analyze`` and the app's live analysis.
"""
from __future__ import annotations

from prr_app.analysis import Analysis, ShapeMemo, analyze, checklist_error, checklist_figures
from prr_app.model.entities import Review


def checklist_for_analysis(review: Review) -> dict:
    """The ``checklist`` argument of :func:`prr_app.analysis.analyze` for ``review``.

    A checklist that cannot be evaluated (a broken template, say) does not stop the
    analysis: the figures then carry the error, and the verdict says its blockers are
    not counted.
    """
    from prr_app.checklist.evaluate import summarize

    try:
        summary = summarize(review)
        return checklist_figures(summary, partly=partly_blockers(review, summary))
    except Exception as e:  # a broken checklist must not break the analysis
        return checklist_error(e)


def partly_blockers(review: Review, summary) -> int:
    """How many of the blocking items of ``summary`` (``checklist.summarize``) are answered partly,
    which the verdict says of them ("not met in full (answered partly)") as the report's full
    evaluation does. The summary names its blocking items without their status: an item's status is
    its reviewer's answer, else what the model decides (``ChecklistItem.status``), so the model is
    asked again only of the few blocking items no reviewer answered (a test compares the count with
    ``checklist.evaluate`` on reviews with both kinds)."""
    from prr_app.checklist.evaluate import Plan, split_key

    partly = 0
    plan = None
    for it in summary.blocking_items:
        answer = review.answers.get(it.key)
        if answer is not None and answer.status != "unanswered":
            partly += answer.status == "partly"
            continue
        item_id, subject = split_key(it.key)
        ti = summary.template.item(item_id)
        if ti is None or not ti.model:
            continue
        plan = plan or Plan(review)
        row = (plan.dependency_row(ti.scope, subject) if ti.scope.per == "dependency"
               else plan.row(ti.scope, subject))
        if row is None:
            continue
        model = plan.model_answer(ti, plan.subject(ti.scope, row))
        partly += model is not None and model.status == "partly"
    return partly


def assess(review: Review, *, seed: int = 0, detail: bool = False, today: str | None = None,
           memo: ShapeMemo | None = None) -> Analysis:
    """The analysis of ``review`` with its checklist counted in the verdict.

    ``memo``: a :class:`~prr_app.analysis.ShapeMemo` kept between the analyses of successive states
    of one review (the app's live analysis, after each edit), which then skip the work on graphs
    an edit left as they were; the result is the same without it."""
    return analyze(review, seed=seed, detail=detail, today=today, checklist=checklist_for_analysis(review),
                   memo=memo)
