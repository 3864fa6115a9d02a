"""What the repository keeps of each review's analysis, for the organisation's picture.

Computed with the review's own analysis (:func:`prr_app.analysis.analyze`) whenever a push
changes the review, and stored beside it: the portfolio and the cross-review blast radius
then read a few indexed rows instead of analysing every review.
"""
from __future__ import annotations

from prr_app.domain.model import Review


def assess(review: Review) -> tuple[dict, list[dict]]:
    """(the review's assessment row, its impact rows) without ``review_id``/``version``."""
    from prr_app.analysis import analyze

    a = analyze(review, detail=True)
    s, v = a.summary, a.verdict
    user_facing = set(s["user_facing"])
    checklist = a.checklist if a.checklist and "error" not in a.checklist else None
    row = {
        "system": review.meta.system_name,
        "target_launch": review.meta.target_launch,
        "verdict": v["verdict"],
        "launch_blockers": len(v["launch_blockers"]),
        "slo_not_attainable": list(s["slo_not_attainable"]),
        "checklist_score": checklist.get("overall_score") if checklist else None,
        "checklist_blockers": checklist.get("blockers") if checklist else None,
        "acceptances": [{"risk": r.id, "until": r.acceptance.until} for r in review.risks.values()
                        if r.acceptance is not None and r.acceptance.until],
        "dues": [{"what": "mitigation", "id": m.id, "due": m.due} for m in review.mitigations.values()
                 if m.due and m.status not in ("done", "dropped")]
        + [{"what": "checklist item", "id": x.item, "due": x.due} for x in review.answers.values()
           if x.due and x.status not in ("met", "not_applicable")],
    }
    impacts = []
    for cid, b in a.blast_radius.items():
        down = list(b.get("down", ()))
        impacts.append({"element_type": "component", "element": cid, "down": b["down_count"],
                        "degraded": b["degraded_count"], "journeys": list(b["journeys"]),
                        "user_facing": [c for c in down if c in user_facing]})
    for d in a.failure_domains:
        impacts.append({"element_type": "domain", "element": d["domain"], "down": len(d["down"]),
                        "degraded": len(d["degraded"]), "journeys": list(d["journeys"]),
                        "user_facing": list(d["user_facing_down"])})
    return row, impacts
