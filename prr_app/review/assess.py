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
        return checklist_figures(summarize(review))
    except Exception as e:  # a broken checklist must not break the analysis
        return checklist_error(e)


def assess(review: Review, *, seed: int = 0, detail: bool = False, today: str | None = None,
           memo: ShapeMemo | None = None) -> Analysis:
    """The analysis of ``review`` with its checklist counted in the verdict.

    ``memo``: a :class:`~prr_app.analysis.ShapeMemo` kept between the analyses of successive states
    of one review (the app's live analysis, after each edit), which then skip the work on graphs
    an edit left as they were; the result is the same without it."""
    return analyze(review, seed=seed, detail=detail, today=today, checklist=checklist_for_analysis(review),
                   memo=memo)
