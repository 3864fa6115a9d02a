"""Use case: where an element of a review comes from, as the import that made it saw it.

An imported dependency keeps its evidence (``file:line: what was seen``) on itself; a
component's is in the report of the import that made it (``ImportRecord.report["components"]``).
The app's inspector shows it beside the element's fields, so that a reviewer can say in the
meeting why the review holds a call, a replica count or a circuit breaker.
"""
from __future__ import annotations

from prr_app.model.entities import Review


def evidence_of(review: Review, element_id: str) -> tuple[str, list[str]]:
    """(where the evidence comes from, in words; its lines) for a component or a dependency of
    ``review``; ``("", [])`` for an element no import describes (one a reviewer added)."""
    dep = review.dependencies.get(element_id)
    if dep is not None:
        return ("the import" if dep.evidence else "", list(dep.evidence))
    if element_id not in review.components:
        return "", []
    for rec in sorted(review.imports.values(), key=lambda r: r.at, reverse=True):  # the newest first
        entries = rec.report.get("components") if isinstance(rec.report, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("element") == element_id:
                lines = [str(x) for x in entry.get("evidence") or ()]
                if lines:
                    return f"the {rec.format} import of {rec.at[:10]}", lines
    return "", []
