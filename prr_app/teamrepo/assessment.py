"""What the repository keeps of each review's analysis, for the organisation's picture.

Computed with the review's own analysis (:func:`prr_app.analysis.analyze`) whenever a push
changes the review, and stored beside it: the portfolio and the cross-review blast radius
then read a few indexed rows instead of analysing every review.
"""
from __future__ import annotations

from prr_app.model.entities import Review
from prr_app.wording import open_blockers


def missing_template(review: Review) -> str | None:
    """The checklist template the review names when it is not installed here (else None). Its
    figures are then not computed at all: the checklist would silently fall back to the default
    template (:func:`prr_app.checklist.evaluate.resolve_template`), and the portfolio's figures
    would depend on what the last pusher happened to have installed."""
    from prr_app.checklist.template import load_template
    from prr_app.errors import PrrError

    tid = review.meta.checklist_template
    if not tid:
        return None
    try:
        load_template(tid)  # another version of the same template is the same checklist (it warns)
    except PrrError:
        return tid
    return None


def assess(review: Review) -> tuple[dict, list[dict]]:
    """(the review's assessment row, its impact rows) without ``review_id``/``version``.

    The same decision as the review's own report (:func:`prr_app.reporting.assessment.build_assessment`):
    the checklist evaluated and its blockers counted in the verdict, dates judged as of the push (the
    real date, as the report, the gate, ``prr analyze`` and the app judge them; the portfolio judges
    acceptances and due dates again as of the day it is read); ``launch_blockers`` counts the open blocking risks and the checklist's open blocker
    items, as the report's cover does."""
    from prr_app import checklist as cl
    from prr_app.analysis import analyze, checklist_error, checklist_figures

    result = None
    try:
        result = cl.evaluate(review)
        figures = checklist_figures(result)
    except Exception as e:  # a broken checklist must not stop a push (the report says the same)
        figures = checklist_error(e)
    a = analyze(review, detail=True, checklist=figures)
    s, v = a.summary, a.verdict
    overall = getattr(result, "overall", None)
    _risks, not_met, unanswered = open_blockers(v)
    checklist_open = not_met + unanswered
    blocking = [r for r in a.risks if r["launch_blocking"]]
    row = {
        "system": review.meta.system_name,
        "target_launch": review.meta.target_launch,
        "verdict": v["verdict"],
        "launch_blockers": len(blocking) + checklist_open,
        "slo_not_attainable": list(s["slo_not_attainable"]),
        "checklist_score": result.overall_score if overall is not None else None,
        "checklist_blockers": checklist_open if overall is not None else None,
        "checklist_answered": overall.answered if overall is not None else None,
        "checklist_applicable": overall.total if overall is not None else None,
        # what an acceptance needs an approver for (the database reads it, schema 0010): every risk
        # launch-blocking by rule, accepted or not, under its own id and its aliases
        "blocking_risks": sorted({i for r in a.risks if r.get("blocking_rule") or r["launch_blocking"]
                                  for i in (r["id"], *(r.get("aliases") or ()))}),
        "acceptances": [{"risk": r.id, "until": r.acceptance.until} for r in review.risks.values()
                        if r.acceptance is not None and r.acceptance.until],
        "dues": [{"what": "mitigation", "id": m.id, "due": m.due} for m in review.mitigations.values()
                 if m.due and m.status not in ("done", "dropped")]
        + [{"what": "checklist item", "id": x.item, "due": x.due} for x in review.answers.values()
           if x.due and x.status not in ("met", "not_applicable")],
    }
    impacts = []
    # user-facing components a component's failure takes down: named on its component SPOF entry
    spofs = {s["element"]: s for s in a.spofs if s["element_type"] == "component"}
    for cid, b in a.blast_radius.items():
        spof = spofs.get(cid, {})
        impacts.append({"element_type": "component", "element": cid, "down": b["down_count"],
                        "degraded": b["degraded_count"], "journeys": list(b["journeys"]),
                        "user_facing": list(spof.get("user_facing_down", ()))})
    for d in a.failure_domains:
        impacts.append({"element_type": "domain", "element": d["domain"], "down": d["down_count"],
                        "degraded": d["degraded_count"], "journeys": list(d["journeys"]),
                        "user_facing": list(d["user_facing_down"])})
    return row, impacts
