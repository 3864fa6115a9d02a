"""Use case: change the review's model from words, as the app's inspector and canvas do.

``prr set``, ``prr add`` and ``prr delete`` give the command line what the window does with its
inspector (a component's replicas, tags, SLO, owner; a call's kind and fallback; a journey's entry
points and SLO; the review's tier and target launch), its Add actions and Delete. A field is named
as the review JSON names it (docs/file-format.md), so what a reviewer reads in an exported review is
what they type: ``slo=99.9``, ``tags+=telemetry``, ``observability.alerts=true``.

The values go through the review JSON's own reader (:func:`prr_app.interchange.json_io.review_from_dict`):
one set of type and reference checks for a file and for a typed value, each refusal one line naming
the element and the field. What changes is then described as the named edits of
:mod:`prr_app.review.edits` (:func:`~prr_app.review.edits.review_changes`), the changes the app's
undo stack holds, and applied to the review as its file holds it now (under its lock,
:func:`prr_app.review.document.edit_review`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields

from prr_app.errors import PrrError
from prr_app.interchange import json_io
from prr_app.model.entities import (Component, Dependency, FailureDomain, Journey, Observability,
                                    RedundancyGroup, ResiliencePolicy, Review, ReviewMeta, says_no_fallback)
from prr_app.review import edits
from prr_app.wording import value_words

#: What an element is, by the word a user types: (the review's collection, the review JSON's list,
#: the element's class).
KINDS = {
    "component": ("components", "components", Component),
    "dependency": ("dependencies", "dependencies", Dependency),
    "group": ("groups", "redundancy_groups", RedundancyGroup),
    "domain": ("domains", "failure_domains", FailureDomain),
    "journey": ("journeys", "journeys", Journey),
}
#: The review's own fields (system name, tier, target launch...): the element named ``review``.
REVIEW = "review"
#: The review's resilience policy (what must be survived, RTO and RPO per disruption): the element
#: named ``policy`` (``survive+=region``, ``rto_minutes.zone=30``).
POLICY = "policy"
#: Fields that say which element it is: changed by deleting and adding, never by ``set``.
_IDENTITY = {"id", "source", "target"}


@dataclass(frozen=True)
class Assignment:
    """``field=value`` (``op`` "="), ``field+=value`` (add to a list) or ``field-=value`` (remove from one)."""

    path: tuple[str, ...]
    op: str
    raw: str

    @property
    def name(self) -> str:
        return ".".join(self.path)


def parse_assignments(words: list[str]) -> list[Assignment]:
    """``FIELD=VALUE`` words, in order; a word without ``=`` is refused in one line."""
    out = []
    for w in words:
        name, eq, raw = w.partition("=")
        if not eq or not name.strip():
            raise PrrError(f"{w!r}: expected FIELD=VALUE (or FIELD+=VALUE, FIELD-=VALUE for a list)")
        op = "="
        if name.endswith(("+", "-")):
            op, name = name[-1] + "=", name[:-1]
        out.append(Assignment(tuple(p.strip() for p in name.strip().split(".")), op, raw))
    return out


def find(review: Review, element: str, kind: str | None = None) -> tuple[str, str]:
    """(kind, key) of ``element``: a component, group, domain or journey id, ``A->B`` for a dependency,
    or ``review``. ``kind`` settles an id two kinds of element share."""
    if element in (REVIEW, POLICY) and kind in (None, element):
        return element, ""
    element = _arrow(element)
    kinds = [kind] if kind else list(KINDS)
    found = [k for k in kinds if element in getattr(review, KINDS[k][0])]
    if not found:
        what = kind or "component, dependency, group, domain or journey"
        raise PrrError(f"no {what} {element!r} in the review")
    if len(found) > 1:
        raise PrrError(f"{element!r} is both a {found[0]} and a {found[1]}: say which with --kind")
    return found[0], element


def _arrow(element: str) -> str:
    """``a -> b`` as ``a->b``: a dependency's id however the spaces around its arrow were typed."""
    source, arrow, target = element.partition("->")
    return f"{source.strip()}->{target.strip()}" if arrow else element


def _field_type(cls, path: tuple[str, ...], element: str) -> str:
    """The annotation of the field ``path`` names on ``cls`` (``observability.alerts``: Observability's)."""
    names = {f.name: f for f in fields(cls)}
    head = path[0]
    if head not in names:
        raise PrrError(f"{element}: no field {head!r} (fields: {', '.join(sorted(names))})")
    if head in _IDENTITY:
        raise PrrError(f"{element}: {head} says which element it is: delete it and add another instead")
    ann = str(names[head].type)
    if len(path) > 1:
        if ann.startswith("dict") and len(path) == 2:  # a policy's rto_minutes.zone: minutes, or cleared
            return "float | None"
        if head != "observability" or len(path) != 2:
            raise PrrError(f"{element}: no field {'.'.join(path)!r}")
        return _field_type(Observability, path[1:], element)
    if ann.startswith("dict"):
        raise PrrError(f"{element}: give {head}.KIND=MINUTES (e.g. {head}.zone=30)")
    return ann


def _value(ann: str, raw: str, where: str):
    """``raw`` as a value of a field annotated ``ann``; "" or "null" clears a field that may be empty."""
    optional = "None" in ann
    text = raw.strip()
    if text in ("", "null") and (optional or ann.startswith("list")):
        return [] if ann.startswith("list") else None
    try:
        if ann.startswith("list"):
            if text.startswith("["):
                value = json.loads(text)
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    return value
                raise ValueError
            return [v.strip() for v in text.split(",") if v.strip()]
        if ann.startswith("bool"):
            words = {"true": True, "yes": True, "false": False, "no": False}
            if text.lower() not in words:
                raise ValueError
            return words[text.lower()]
        if ann.startswith("int"):
            return int(text)
        if ann.startswith("float"):
            return float(text)
    except ValueError:
        want = ("a list of names (a,b,c)" if ann.startswith("list") else "true or false" if ann.startswith("bool")
                else "a whole number" if ann.startswith("int") else "a number")
        raise PrrError(f"{where}: {raw!r} is not {want}") from None
    return raw  # text, as typed


def _element_dict(doc: dict, kind: str, key: str, review: Review) -> dict:
    if kind == REVIEW:
        return doc["review"]
    if kind == POLICY:  # none stated: the default, stated from now on (as the app's policy dialog does)
        if "resilience_policy" not in doc:
            doc["resilience_policy"] = {"survive": list(review.resilience_policy.survive)}
        return doc["resilience_policy"]
    listed = doc[KINDS[kind][1]]
    for d in listed:
        if (f"{d['source']}->{d['target']}" if kind == "dependency" else d["id"]) == key:
            return d
    raise PrrError(f"no {kind} {key!r} in the review")  # (found by find(): not reached)


#: The review's fields another command sets, with what it checks besides (a template installed,
#: answers carried): ``set`` names the command instead.
_OWN_COMMAND = {"checklist_template": "prr checklist-use", "checklist_version": "prr checklist-use"}


def _assign(d: dict, cls, a: Assignment, element: str) -> tuple[object, object]:
    """Apply ``a`` to the element's JSON dict ``d``; returns (value before, value after)."""
    ann = _field_type(cls, a.path, element)
    where = f"{element}: {a.name}"
    if cls is ReviewMeta and a.path[0] in _OWN_COMMAND:
        raise PrrError(f"{where}: set by {_OWN_COMMAND[a.path[0]]} (it checks the template is installed)")
    if a.path == ("fallback",) and says_no_fallback(a.raw):
        raise PrrError(f"{where}: {a.raw!r} would state a fallback (any text does: the caller would only "
                       "degrade); give fallback= for none")
    target = d
    for p in a.path[:-1]:
        target = target.setdefault(p, {})
    last = a.path[-1]
    before = target.get(last)
    value = _value(ann, a.raw, where)
    if a.op != "=":
        if not ann.startswith("list"):
            raise PrrError(f"{where}: {a.op} adds to or removes from a list; {a.name} is not one (use =)")
        have = list(before or [])
        if a.op == "+=":
            value = have + [v for v in value if v not in have]
        else:
            missing = [v for v in value if v not in have]
            if missing:
                raise PrrError(f"{where}: {', '.join(missing)} not in it (it holds {', '.join(have) or 'nothing'})")
            value = [v for v in have if v not in value]
    if value is None:
        target.pop(last, None)
    else:
        target[last] = value
    return before, value


def _read_back(doc: dict, element: str) -> Review:
    """The edited review JSON read as a review: its checks name the field (one line), not the JSON path."""
    try:
        return json_io.review_from_dict(doc)
    except PrrError as e:
        # "$.components[3].slo" -> "slo", "$.review.tier" -> "tier", "$.journeys[j].entry[0]" -> "entry":
        # the field, as the user typed it
        field = re.sub(r"\[[^\]]*\]$", "", e.location or "").rsplit(".", 1)[-1].split("[", 1)[0].lstrip("$")
        raise PrrError(f"{element}: " + (f"{field}: " if field else "") + e.message) from None


def _text(v, field: str = "") -> str:
    """A value of ``field`` in a change line; a stored enum value (a kind, a recovery) in words, as
    every face says it (``kind cache -> load balancer``)."""
    if v is None or v == []:
        return "(not stated)"
    if isinstance(v, bool):
        return "true" if v else "false"
    return ", ".join(map(str, v)) if isinstance(v, list) else value_words(field, v)


def set_values(review: Review, element: str, assignments: list[Assignment], *,
               kind: str | None = None) -> tuple[list[edits.Change], list[str]]:
    """The changes that set ``assignments`` on ``element`` of ``review`` (nothing is changed yet), and
    one line per field it changes: "component ad: slo (not stated) -> 99.9"."""
    if not assignments:
        raise PrrError("nothing to change: give FIELD=VALUE")
    kind, key = find(review, element, kind)
    cls = {REVIEW: ReviewMeta, POLICY: ResiliencePolicy}.get(kind) or KINDS[kind][2]
    doc = json_io.review_to_dict(review)
    d = _element_dict(doc, kind, key, review)
    name = kind if kind in (REVIEW, POLICY) else f"{kind} {key}"
    lines = []
    for a in assignments:
        before, after = _assign(d, cls, a, name)
        if before != after:  # a field already as stated is no change ("tier 1 -> 1" read as one)
            lines.append(f"{name}: {a.name} {_text(before, a.name)} -> {_text(after, a.name)}")
    if _states_kind(d, cls, assignments):
        lines.append(f"{name}: {KIND_STATED}")
    changes = edits.review_changes(review, _read_back(doc, name))
    return changes, lines


#: What setting a dependency's kind also says, in words (``prr set``; the inspector does the same).
KIND_STATED = ("kind stated by the reviewer: not an import's guess (the analysis takes it as it is, on shared "
               "plumbing too, and a re-import keeps it)")


def _states_kind(d: dict, cls, assignments: list[Assignment]) -> bool:
    """Mark a dependency's JSON ``d`` kind-stated when ``assignments`` set its kind; True when it was
    not stated before. A reviewer who sets a dependency's kind, even to the kind an import gave,
    states it (``kind_stated``): the analysis then no longer softens it as an import's guess on a
    hub, and a re-import keeps it. Where ``kind_stated`` is set too, that value says."""
    if cls is not Dependency or not any(a.path == ("kind",) for a in assignments):
        return False
    if any(a.path == ("kind_stated",) for a in assignments):
        return False
    stated = not d.get("kind_stated")
    d["kind_stated"] = True
    return stated


def add_element(review: Review, kind: str, element: str,
                assignments: list[Assignment]) -> tuple[list[edits.Change], list[str]]:
    """The changes that add a ``kind`` ``element`` (``A->B`` for a dependency) with ``assignments``."""
    if kind not in KINDS:
        raise PrrError(f"{kind!r}: add a component, dependency, group, domain or journey")
    coll, listed, cls = KINDS[kind]
    if element in getattr(review, coll):
        raise PrrError(f"{kind} {element!r} is already in the review")
    if kind == "dependency":
        source, arrow, target = element.partition("->")
        if not arrow or not source.strip() or not target.strip():
            raise PrrError(f"{element!r}: a dependency is named CALLER->CALLEE")
        d = {"source": source.strip(), "target": target.strip()}
        element = f"{d['source']}->{d['target']}"
    else:
        if not element.strip() or element != element.strip():
            raise PrrError(f"{element!r}: an id is a name without spaces around it")
        d = {"id": element}
    name = f"{kind} {element}"
    for a in assignments:
        _assign(d, cls, a, name)
    _states_kind(d, cls, assignments)  # a kind given with the call is the reviewer's
    doc = json_io.review_to_dict(review)
    doc[listed].append(d)
    changes = edits.review_changes(review, _read_back(doc, name))
    return changes, [f"added {name}" + (": " + ", ".join(f"{a.name}{a.op}{a.raw}" for a in assignments)
                                        if assignments else "")]


def delete_elements(review: Review, ids: list[str]) -> tuple[list[edits.Change], list[str]]:
    """The changes that delete ``ids`` (components, dependencies ``A->B``, groups, domains, journeys) and
    what hangs on them, as the app's Delete does, and what else that changes, in words."""
    ids = list(dict.fromkeys(_arrow(i) for i in ids))  # each once, "a -> b" as "a->b"
    for i in ids:
        if not any(i in getattr(review, KINDS[k][0]) for k in KINDS):
            raise PrrError(f"no component, dependency, group, domain or journey {i!r} in the review")
    changes = edits.delete(review, ids)
    lines = edits.references(review, ids)  # the app's Delete says the same lines (its calls both ways)
    return changes, [f"deleted {', '.join(ids)}"] + [f"  {line}" for line in lines]
