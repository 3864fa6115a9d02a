"""Re-import: update an existing review from a changed source, keeping the reviewer's work.

The rules:

* New components, dependencies and failure domains are added.
* A field the source changed is updated **only if the reviewer has not
  edited it**: every import keeps, in its :class:`ImportRecord`, the values it
  produced (``report["imported"]``); a current value that differs from what
  the last import of that format produced was edited by hand and is kept (the
  plan says what the source now says). Without an earlier import, only empty
  fields are filled.
* A dependency's kind the reviewer stated (``kind_stated``: ``prr set``, the inspector) is kept,
  even one equal to what the last import gave; an import never states a kind.
* Tags merge: tags the reviewer added stay; tags the source dropped go; tags the reviewer
  removed stay removed.
* What disappeared from the source is **flagged, never deleted**: components
  get the tag ``missing-from-source``, dependencies an evidence line saying
  so. What the reviewer deleted by hand stays deleted.
* Redundancy groups an import made (several workloads behind one Kubernetes
  Service) follow the same rules as components; groups the reviewer made
  are not touched.
* Checklist answers, risks, acceptances, mitigations, journeys, layout,
  review metadata and manual components are not touched; nor
  are fields an import never sets (SLOs, availability, RTO/RPO, timeouts,
  fallbacks, notes...).

:func:`plan` lists the changes without applying them; :func:`apply` returns
a new review with them applied (the input is never modified).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from prr_app.model.entities import MISSING_TAG, Review
from prr_app.model.validation import check
from prr_app.wording import ENUM_FIELDS, count, enum_words, field_words, listed
from prr_app.importers.base import ImportResult
from prr_app.importers.graph import (CALL_POLICY_FIELDS, IMPORTED_DEP_FIELDS, IMPORTED_DOMAIN_FIELDS, IMPORTED_FIELDS,
                                     IMPORTED_GROUP_FIELDS, snapshot)

#: the prefix of the evidence line a re-import adds to what the source no longer has (the diff tells it apart)
MISSING_EVIDENCE = "missing from source: "


@dataclass
class Change:
    action: str  # add | update | keep | flag | unflag | skip
    collection: str  # components | dependencies | domains
    element: str
    field: str = ""
    old: object = None
    new: object = None
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class MergePlan:
    changes: list[Change] = field(default_factory=list)
    incoming: ImportResult | None = None

    def lines(self) -> list[str]:
        """The changes in words, one a line; evidence refreshed without a change of kind or policy is one
        line for them all, after the rest (a re-import of a checkout listed a line per dependency whose
        evidence lines had moved, hiding the changes that matter among them)."""
        refreshed = [c.element for c in self.changes if c.field == "evidence" and c.action == "update"]
        out = [c.text for c in self.changes if not (c.field == "evidence" and c.action == "update")]
        if refreshed:
            out.append(f"evidence refreshed on {count(len(refreshed), 'dependency', 'dependencies')}: "
                       f"{listed(refreshed, 5)}")
        return out

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.action] = out.get(c.action, 0) + 1
        return out


def _previous(existing: Review, fmt: str) -> dict:
    """What the latest earlier import of ``fmt`` produced (empty if none; of one second, the record
    added last: the first was taken, and a service gone since was not flagged missing-from-source)."""
    rec = existing.newest_import(fmt, keep=lambda r: isinstance(r.report, dict)
                                 and isinstance(r.report.get("imported"), dict))
    return rec.report["imported"] if rec is not None else {}


def _empty(value) -> bool:
    return value in (None, "", [], False)


def plan(existing: Review, incoming: ImportResult) -> MergePlan:
    """The changes a re-import of ``incoming`` would make to ``existing``."""
    new = incoming.review
    prev = _previous(existing, incoming.report.format)
    p = MergePlan(incoming=incoming)
    add = p.changes.append
    # a field is named in words as ``prr diff`` and the report name it ("timeout ms 100 -> 500", not
    # "timeout_ms"): wording.field_words; importers/base.py's kept_by_hand reads these lines by their
    # fixed words, never by a field's name
    for coll, fields in (("domains", IMPORTED_DOMAIN_FIELDS), ("components", IMPORTED_FIELDS),
                         ("groups", IMPORTED_GROUP_FIELDS)):
        cur_coll = getattr(existing, coll)
        new_coll = getattr(new, coll)
        prev_coll = prev.get(coll, {}) if prev else {}
        what = {"dependencies": "dependency", "groups": "redundancy group"}.get(coll, coll[:-1])
        for eid, obj in new_coll.items():
            if eid not in cur_coll:
                if eid in prev_coll:
                    add(Change("keep", coll, eid, text=f"{what} {eid}: deleted by the reviewer; not added again"))
                elif existing.element(eid) is not None:
                    add(Change("skip", coll, eid, text=f"{what} {eid}: the id is already used by another element; not added"))
                else:
                    add(Change("add", coll, eid, new=obj, text=f"add {what} {eid}"))
                continue
            cur = cur_coll[eid]
            pv = prev_coll.get(eid)
            for f in fields:
                nv, cv = getattr(obj, f), getattr(cur, f)
                if f == "tags":
                    merged = _merge_tags(cv, nv, (pv or {}).get("tags") or [])
                    merged = [t for t in merged if t != MISSING_TAG]
                    if MISSING_TAG in cv:
                        add(Change("unflag", coll, eid, "tags", cv, None,
                                   text=f"{what} {eid}: back in the source; '{MISSING_TAG}' flag removed"))
                    if merged != [t for t in cv if t != MISSING_TAG]:
                        add(Change("update", coll, eid, f, cv, merged, text=f"{what} {eid}: tags {cv} -> {merged}"))
                    kept_off = [t for t in _removed_tags(cv, (pv or {}).get("tags") or []) if t in nv]
                    if kept_off:
                        add(Change("keep", coll, eid, f, cv, nv,
                                   text=f"{what} {eid}: tag{'s' if len(kept_off) > 1 else ''} {', '.join(kept_off)} "
                                        "removed by hand, kept removed; the source still says "
                                        + ("them" if len(kept_off) > 1 else "it")))
                    continue
                if nv == cv:
                    continue
                if pv is not None and f in pv:
                    if _same(cv, pv[f]):
                        add(Change("update", coll, eid, f, cv, nv, text=f"{what} {eid}: {field_words(f)} {_said(f, cv)} -> {_said(f, nv)}"))
                    else:
                        add(Change("keep", coll, eid, f, cv, nv,
                                   text=f"{what} {eid}: {field_words(f)} edited by hand ({_said(f, cv)}) kept; the source now says {_said(f, nv)}"))
                elif _empty(cv) or (f == "kind" and cv in ("service", "other")):
                    add(Change("update", coll, eid, f, cv, nv, text=f"{what} {eid}: {field_words(f)} {_said(f, cv)} -> {_said(f, nv)} (was not set)"))
                else:
                    add(Change("keep", coll, eid, f, cv, nv,
                               text=f"{what} {eid}: {field_words(f)} {_said(f, cv)} kept (set before the import); the source says {_said(f, nv)}"))
        for eid in prev_coll:
            if eid in cur_coll and eid not in new_coll and coll == "components":
                if MISSING_TAG not in cur_coll[eid].tags:
                    add(Change("flag", coll, eid, text=f"{what} {eid}: no longer in the source; flagged "
                                                       f"'{MISSING_TAG}', not deleted"))
            elif eid in cur_coll and eid not in new_coll:
                add(Change("flag", coll, eid, text=f"{what} {eid}: no longer in the source; kept"))

    prev_deps = prev.get("dependencies", {}) if prev else {}
    # a call the reviewer rejected was removed by that decision, not deleted by hand: accepted again,
    # it is added back (else "deleted by the reviewer; not added again" though the reviewer accepted it)
    rejected = {str(i["id"]) for i in existing.inferred_calls()[1] if i.get("decision") == "rejected"}
    if rejected & prev_deps.keys():
        prev_deps = {did: v for did, v in prev_deps.items() if did not in rejected}
    for did, dep in new.dependencies.items():
        cur = existing.dependencies.get(did)
        if cur is None:
            if did in prev_deps:
                add(Change("keep", "dependencies", did, text=f"dependency {did}: deleted by the reviewer; not added again"))
            else:
                add(Change("add", "dependencies", did, new=dep, text=f"add dependency {did} ({enum_words(dep.kind)})"))
            continue
        pv = prev_deps.get(did)
        for f in IMPORTED_DEP_FIELDS:
            nv, cv = getattr(dep, f), getattr(cur, f)
            if nv == cv:
                continue
            if f == "kind" and cur.kind_stated:
                # the reviewer stated it (even the kind the last import gave): never an import's to change
                add(Change("keep", "dependencies", did, f, cv, nv,
                           text=f"dependency {did}: kind stated by the reviewer ({_said(f, cv)}) kept; "
                                f"the source now says {_said(f, nv)}"))
            elif pv is not None and f in pv and cv == pv[f]:
                add(Change("update", "dependencies", did, f, cv, nv, text=f"dependency {did}: {field_words(f)} {_said(f, cv)} -> {_said(f, nv)}"))
            elif (pv is None or f not in pv) and (cv is None if f in CALL_POLICY_FIELDS else _empty(cv)):
                # not set, and not imported before (an older import's snapshot has no call policy
                # fields; a breaker a reviewer said is absent, False, is set)
                add(Change("update", "dependencies", did, f, cv, nv, text=f"dependency {did}: {field_words(f)} set to {_said(f, nv)}"))
            else:
                add(Change("keep", "dependencies", did, f, cv, nv,
                           text=f"dependency {did}: {field_words(f)} edited by hand ({_said(f, cv)}) kept; the source now says {_said(f, nv)}"))
        if list(dep.evidence) != [e for e in cur.evidence if not e.startswith(MISSING_EVIDENCE)]:
            add(Change("update", "dependencies", did, "evidence", list(cur.evidence), list(dep.evidence),
                       text=f"dependency {did}: evidence refreshed"))
    for did in prev_deps:
        if did in existing.dependencies and did not in new.dependencies:
            cur = existing.dependencies[did]
            if not any(e.startswith(MISSING_EVIDENCE) for e in cur.evidence):
                add(Change("flag", "dependencies", did,
                           text=f"dependency {did}: no longer in the source; flagged in its evidence, not deleted"))
    return p


def _said(field: str, value) -> str:
    """A value in a re-import's line: a stored enum value (a kind) in words, as ``prr set`` and ``prr
    diff`` say it ("kind service -> load balancer", not "'load_balancer'"); any other value as Python
    writes it, text quoted (a name, an owner: where it starts and ends is seen)."""
    if isinstance(value, str) and value and field in ENUM_FIELDS:
        return enum_words(value)
    return repr(value)


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return list(a or []) == list(b or [])
    return a == b


def _merge_tags(cur: list[str], new: list[str], prev: list[str]) -> list[str]:
    """The tags after a re-import: the reviewer's as they are, less those the source dropped, plus
    those the source newly has. A tag the last import gave and the reviewer removed stays removed
    (:func:`_removed_tags`): removing a hub tag is how a reviewer says the hub is a real single point
    of failure, and a re-import must not take that back."""
    dropped = set(prev) - set(new)
    out = [t for t in cur if t not in dropped]
    out += [t for t in new if t not in out and t not in _removed_tags(cur, prev)]
    return out


def _removed_tags(cur: list[str], prev: list[str]) -> list[str]:
    """The tags the last import gave that the reviewer has removed since."""
    return [t for t in prev if t not in cur and t != MISSING_TAG]


def apply(existing: Review, p: MergePlan) -> Review:
    """A copy of ``existing`` with the plan's changes applied, plus the new import record."""
    review = copy.deepcopy(existing)
    incoming = p.incoming
    at = ""
    if incoming is not None:
        recs = list(incoming.review.imports.values())
        at = recs[-1].at if recs else ""
    for c in p.changes:
        coll = getattr(review, c.collection)
        if c.action == "add":
            coll[c.element] = copy.deepcopy(c.new)
        elif c.action == "update":
            obj = coll.get(c.element)
            if obj is not None:
                setattr(obj, c.field, copy.deepcopy(c.new))
        elif c.action == "flag":
            obj = coll.get(c.element)
            if obj is None:
                continue
            if c.collection == "components":
                if MISSING_TAG not in obj.tags:
                    obj.tags = [*obj.tags, MISSING_TAG]  # a new list: a read review's empty one is shared
            elif c.collection == "dependencies":
                obj.evidence = [*obj.evidence, f"{MISSING_EVIDENCE}not found in the import of {at or 'the latest import'}"]
        elif c.action == "unflag":
            obj = coll.get(c.element)
            if obj is not None and MISSING_TAG in obj.tags:
                obj.tags.remove(MISSING_TAG)  # not empty: never the shared empty list
    # components and domains that were added may reference domains that were
    # kept out (deleted by the reviewer): drop only those dangling references
    for comp in review.components.values():
        comp.placement = [d for d in comp.placement if d in review.domains]
        comp.shared_domains = [d for d in comp.shared_domains if d in review.domains]
    for dom in review.domains.values():
        if dom.parent is not None and dom.parent not in review.domains:
            dom.parent = None
    for did in [d for d, dep in review.dependencies.items()
                if dep.source not in review.components or (dep.target not in review.components and dep.target not in review.groups)]:
        del review.dependencies[did]
    if incoming is not None:
        report = incoming.report
        report.changes = p.lines()
        # what this import produced, for the next re-import: keep the values it set
        report.imported = snapshot(incoming.review)
        rec = report.to_record()
        base, k = rec.id, 2
        while rec.id in review.imports:  # two imports within one second
            rec.id, k = f"{base}-{k}", k + 1
        review.imports[rec.id] = rec
    check(review)
    return review


def reimport(existing: Review, incoming: ImportResult) -> ImportResult:
    """Plan and apply; the result carries the merged review, the report (with changes) and the plan."""
    p = plan(existing, incoming)
    merged = apply(existing, p)
    return ImportResult(merged, incoming.report, plan=p, inventory=incoming.inventory)
