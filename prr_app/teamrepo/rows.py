"""A review as rows and back: table name -> primary key -> {column: value}.

The rows have the columns of :mod:`prr_app.persistence.tables` with plain Python values
(lists and dicts for JSON columns, ``bool`` for booleans). The ``.prr`` store has its own
encoding for SQLite (JSON as text, booleans as 0/1); this is the same mapping without it.
"""
from __future__ import annotations

from prr_app.domain.model import (
    OBSERVABILITY_SIGNALS,
    Acceptance,
    AnswerChange,
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    ImportRecord,
    Journey,
    Mitigation,
    Observability,
    Position,
    RedundancyGroup,
    Review,
    ReviewMeta,
    Risk,
)
from prr_app.teamrepo.schema import COLUMNS, KEYS

Rows = dict[str, dict[tuple, dict]]

#: Import records of this format say where a pulled file came from; they stay in the file.
ORIGIN_FORMAT = "repository"


def fresh(v):
    """A copy of a JSON-like value that shares no list or dict with ``v``."""
    if isinstance(v, list):
        return [fresh(x) for x in v]
    if isinstance(v, dict):
        return {k: fresh(x) for k, x in v.items()}
    return v


def _copied(r: dict) -> dict:
    return {k: (fresh(v) if isinstance(v, (list, dict)) else v) for k, v in r.items()}


def _keyed(name: str, dicts) -> dict[tuple, dict]:
    cols, key = COLUMNS[name], KEYS[name]
    out = {}
    for d in dicts:
        row = _copied({c: d[c] for c in cols})
        out[tuple(row[k] for k in key)] = row
    return out


def _component(c: Component) -> dict:
    d = dict(c.__dict__)
    obs = d.pop("observability")
    for s in OBSERVABILITY_SIGNALS:
        d["obs_" + s] = getattr(obs, s)
    return d


def _answer(a: ChecklistAnswer) -> dict:
    d = dict(a.__dict__)
    d["history"] = [dict(h.__dict__) for h in a.history]
    return d


def _risk(r: Risk) -> dict:
    d = dict(r.__dict__)
    acc = d.pop("acceptance")
    d["accepted_by"] = acc.by if acc else None
    d["accepted_at"] = acc.at if acc else None
    d["acceptance_reason"] = acc.reason if acc else None
    d["accepted_until"] = acc.until if acc else None
    return d


def review_rows(review: Review) -> Rows:
    """The review as rows. Import records of the repository's own origin are left out."""
    meta = dict(review.meta.__dict__, id=1)
    return {
        "review": _keyed("review", [meta]),
        "component": _keyed("component", map(_component, review.components.values())),
        "dependency": _keyed("dependency", (d.__dict__ for d in review.dependencies.values())),
        "redundancy_group": _keyed("redundancy_group", (g.__dict__ for g in review.groups.values())),
        "failure_domain": _keyed("failure_domain", (d.__dict__ for d in review.domains.values())),
        "journey": _keyed("journey", (j.__dict__ for j in review.journeys.values())),
        "checklist_answer": _keyed("checklist_answer", map(_answer, review.answers.values())),
        "risk": _keyed("risk", map(_risk, review.risks.values())),
        "mitigation": _keyed("mitigation", (m.__dict__ for m in review.mitigations.values())),
        "risk_mitigation": _keyed(
            "risk_mitigation",
            ({"mitigation_id": m.id, "risk_id": rid, "position": i}
             for m in review.mitigations.values() for i, rid in enumerate(m.risks)),
        ),
        "layout": _keyed("layout", ({"element": k, "x": p.x, "y": p.y} for k, p in review.layout.items())),
        "import_record": _keyed("import_record",
                                (r.__dict__ for r in review.imports.values() if r.format != ORIGIN_FORMAT)),
    }


def review_from_rows(rows: Rows, *, copy: bool = True) -> Review:
    """The review the rows describe (rows in the order given). With ``copy`` it shares no list
    or dict with ``rows``; without, the rows are the review's from then on (rows just read)."""
    fresh_row = _copied if copy else dict
    review = Review()
    for r in rows["review"].values():
        r = dict(r)
        r.pop("id")
        review.meta = ReviewMeta(**fresh_row(r))
    obs_names = ["obs_" + s for s in OBSERVABILITY_SIGNALS]
    for r in rows["component"].values():
        r = fresh_row(r)
        obs = Observability(*(r.pop(k) for k in obs_names))
        review.components[r["id"]] = Component(**r, observability=obs)
    for r in rows["dependency"].values():
        d = Dependency(**fresh_row(r))
        review.dependencies[d.id] = d
    for r in rows["redundancy_group"].values():
        review.groups[r["id"]] = RedundancyGroup(**fresh_row(r))
    for r in rows["failure_domain"].values():
        review.domains[r["id"]] = FailureDomain(**fresh_row(r))
    for r in rows["journey"].values():
        review.journeys[r["id"]] = Journey(**fresh_row(r))
    for r in rows["checklist_answer"].values():
        r = fresh_row(r)
        hist = [AnswerChange(**h) for h in r.pop("history")]
        review.answers[r["item"]] = ChecklistAnswer(**r, history=hist)
    for r in rows["risk"].values():
        r = fresh_row(r)
        by, at, why, until = (r.pop(k) for k in ("accepted_by", "accepted_at", "acceptance_reason", "accepted_until"))
        acc = Acceptance(by=by, at=at, reason=why or "", until=until) if by is not None else None
        review.risks[r["id"]] = Risk(**r, acceptance=acc)
    for r in rows["mitigation"].values():
        review.mitigations[r["id"]] = Mitigation(**fresh_row(r))
    for r in sorted(rows["risk_mitigation"].values(), key=lambda r: (r["mitigation_id"], r["position"])):
        review.mitigations[r["mitigation_id"]].risks.append(r["risk_id"])
    for r in rows["layout"].values():
        review.layout[r["element"]] = Position(r["x"], r["y"])
    for r in rows["import_record"].values():
        review.imports[r["id"]] = ImportRecord(**fresh_row(r))
    return review
