"""A review as rows and back: table name -> primary key -> {column: value}.

The rows have the columns of :mod:`prr_app.persistence.tables` with plain Python values
(lists and dicts for JSON columns, ``bool`` for booleans): the ``.prr`` store's one mapping
(:func:`prr_app.persistence.store.review_rows`), restricted to the tables the repository keeps.
"""
from __future__ import annotations

from prr_app.model.entities import Review
from prr_app.persistence import store as _store
from prr_app.teamrepo.schema import COLUMNS

Rows = dict[str, dict[tuple, dict]]

#: Import records of this format say where a pulled file came from; they stay in the file.
ORIGIN_FORMAT = "team-repository"


#: The review's collection each table's rows make (the review row makes two: meta and policy).
COLLECTIONS = {"component": "components", "dependency": "dependencies", "redundancy_group": "groups",
               "failure_domain": "domains", "journey": "journeys", "checklist_answer": "answers", "risk": "risks",
               "mitigation": "mitigations", "risk_mitigation": "mitigations", "layout": "layout",
               "import_record": "imports", "checklist_proposal": "proposals"}


def elements_of(table: str, key: tuple) -> list[tuple[str, str]]:
    """The review's elements, as (collection, key), that the row ``key`` of ``table`` is part of:
    ``("meta", "")`` and ``("policy", "")`` for the review row, the mitigation for a link of it to
    a risk, the element itself otherwise."""
    if table == "review":
        return [("meta", ""), ("policy", "")]
    if table == "dependency":
        from prr_app.model.entities import dependency_id

        return [("dependencies", dependency_id(*key))]
    return [(COLLECTIONS[table], key[0])]


def fresh(v):
    """A copy of a JSON-like value that shares no list or dict with ``v``."""
    if isinstance(v, list):
        return [fresh(x) for x in v]
    if isinstance(v, dict):
        return {k: fresh(x) for k, x in v.items()}
    return v


def _copied(r: dict) -> dict:
    return {k: (fresh(v) if isinstance(v, (list, dict)) else v) for k, v in r.items()}


def review_rows(review: Review) -> Rows:
    """The review as rows (the ``.prr`` store's one mapping, :func:`prr_app.persistence.store.review_rows`),
    copied. Import records of the repository's own origin are left out."""
    rows = _store.review_rows(review)
    out: Rows = {}
    for name, table in rows.items():
        cols = COLUMNS.get(name)
        if cols is None:  # a table the repository does not keep (yet): see schema.py
            continue
        out[name] = {k: _copied({c: r[c] for c in cols}) for k, r in table.items()}
    out["import_record"] = {k: r for k, r in out["import_record"].items() if r["format"] != ORIGIN_FORMAT}
    return out


def review_from_rows(rows: Rows, *, copy: bool = True) -> Review:
    """The review the rows describe (the store's one mapping). With ``copy`` it shares no list
    or dict with ``rows``; without, the rows are the review's from then on (rows just read)."""
    fresh_row = _copied if copy else dict
    full = {t.name: {} for t in _store._tables()}
    for name, table in rows.items():
        full[name] = {k: fresh_row(r) for k, r in table.items()}
    for r in full["review"].values():
        r.setdefault("resilience_policy", None)
    for r in full["risk"].values():
        r.setdefault("launch_blocking_reason", "")
    return _store.review_from_rows(full)
