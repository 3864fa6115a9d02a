"""Use case: where an element of a review comes from, as the import that made it saw it.

An imported dependency keeps its evidence (``file:line: what was seen``) on itself; a
component's is in the report of the import that made it (``ImportRecord.report["components"]``).
The app's inspector shows it beside the element's fields, so that a reviewer can say in the
meeting why the review holds a call, a replica count or a circuit breaker.
"""
from __future__ import annotations

from prr_app.importers.merge import MISSING_EVIDENCE
from prr_app.model.entities import MISSING_TAG, Review


def evidence_of(review: Review, element_id: str) -> tuple[str, list[str]]:
    """(where the evidence comes from, in words; its lines) for a component or a dependency of
    ``review``; ``("", [])`` for an element no import describes (one a reviewer added)."""
    dep = review.dependencies.get(element_id)
    if dep is not None:
        return ("the import" if dep.evidence else "", list(dep.evidence))
    if element_id not in review.components:
        return "", []
    records = sorted(review.imports.values(), key=lambda r: r.at, reverse=True)  # the newest first
    for rec in records:
        entries = rec.report.get("components") if isinstance(rec.report, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("element") == element_id:
                lines = [str(x) for x in entry.get("evidence") or ()]
                if lines:
                    where = f"the {rec.format} import of {rec.at[:10]}"
                    if MISSING_TAG in review.components[element_id].tags:
                        # a re-import no longer found it: these lines are the source as it was then
                        # (the file may now hold something else there), said first
                        lines.insert(0, f"{MISSING_EVIDENCE}not found in the import of {_when(records[0].at)}; "
                                        f"the lines below are the source as the {rec.format} import of "
                                        f"{_when(rec.at)} read it")
                    return where, lines
    return "", []


def _when(at: str) -> str:
    """An import's time to the minute ("2026-12-07 10:31"): two imports of one day told apart."""
    return at[:16].replace("T", " ")
