"""Named review edits: what the user does to a review, as lists of changes.

Every edit the window offers (add a component, delete with what hangs on it, add a
mitigation, accept a risk, edit a journey, paste...) is a function here that reads the
review and returns the :class:`Change` records that make the edit, without applying them.
The desktop app wraps each list in one undo command (``prr_app.ui.commands``); anything
else (a script, the CLI, a test) applies them with :func:`apply_changes`.

Each named edit is checked by the model before it is offered: :func:`check_changes`
applies the changes to a scratch copy, validates it with
:func:`prr_app.model.validation.validate`, and raises :class:`EditRefused` naming every
problem the edit would add (problems the review already had are not the edit's fault: a
review opened with problems in it can still be edited and fixed). So an edit can never
leave a dangling reference behind, e.g. a mitigation of a computed risk that has no
stored record, or a manual risk naming a deleted component.

The orange-canvas-core way: the editor calls named operations, the undo stack wraps them.
"""
from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Iterable

from prr_app.model.dates import is_date
from prr_app.model.entities import (
    DISRUPTION_TYPES, Acceptance, Component, Dependency, Effort, FailureDomain, Journey, Mitigation, MitigationStatus,
    Position, RedundancyGroup, Review, Risk,
)
from prr_app.model.validation import POLICY_TERMS, make_id, validate
from prr_app.errors import PrrError
from prr_app.wording import count, enum_words, listed

#: Collections of a review that edits change, by name. "meta" is the single ReviewMeta (key "") and
#: "policy" the review's resilience policy (key ""; None: not stated, the default applies).
SINGLES = ("meta", "policy")
COLLECTIONS = (
    "components", "dependencies", "groups", "domains", "journeys",
    "answers", "risks", "mitigations", "layout",
)


@dataclass
class Change:
    """One element of one collection: its value before (None: absent) and after (None: deleted)."""

    coll: str
    key: str
    old: Any
    new: Any


class EditRefused(PrrError):
    """The edit would leave the review with a problem it did not have; nothing was changed."""


def apply(review: Review, coll: str, key: str, value) -> None:
    """Put a fresh copy of ``value`` into the review (None deletes). Never edits in place."""
    if coll in SINGLES:
        setattr(review, coll, copy.deepcopy(value))
        return
    target = getattr(review, coll)
    if value is None:
        target.pop(key, None)
    else:
        target[key] = copy.deepcopy(value)


def apply_changes(review: Review, changes: Iterable[Change], *, undo: bool = False) -> None:
    """Apply ``changes`` (their ``new`` values), or take them back (``undo``: ``old``, in reverse)."""
    seq = list(changes)
    for ch in (reversed(seq) if undo else seq):
        apply(review, ch.coll, ch.key, ch.old if undo else ch.new)


def _scratch(review: Review, changes: list[Change]) -> Review:
    """A copy of ``review`` with ``changes`` applied; the review itself is not touched."""
    out = {}
    for f in fields(Review):
        v = getattr(review, f.name)
        out[f.name] = dict(v) if isinstance(v, dict) else v
    s = Review(**out)
    apply_changes(s, changes)
    return s


def new_problems(review: Review, changes: list[Change]) -> list[str]:
    """The problems ``changes`` would add to ``review`` (each as "place: message")."""
    after = validate(_scratch(review, changes))
    if not after:  # most edits: nothing wrong after it, so nothing it added (the review is not validated again)
        return []
    before = {str(p) for p in validate(review)}
    return [str(p) for p in after if str(p) not in before]


def check_changes(review: Review, changes: list[Change], what: str) -> list[Change]:
    """``changes``, or :class:`EditRefused` naming each problem they would add."""
    probs = new_problems(review, changes)
    if probs:
        more = f" (and {len(probs) - 5} more)" if len(probs) > 5 else ""
        raise EditRefused(f"{what} refused: " + "; ".join(probs[:5]) + more)
    return changes


# ----------------------------------------------------------------- generic helpers
def change_fields(review: Review, coll: str, key: str, **values) -> Change:
    """A change setting some fields of one element (``coll == "meta"``: the review's meta)."""
    old = review.meta if coll == "meta" else getattr(review, coll)[key]
    new = replace(copy.deepcopy(old), **values)
    return Change(coll, key, copy.deepcopy(old), new)


def change_add(review: Review, coll: str, key: str, obj) -> Change:
    old = getattr(review, coll).get(key)
    return Change(coll, key, copy.deepcopy(old), copy.deepcopy(obj))


def change_move(review: Review, positions: dict[str, tuple[float, float]]) -> list[Change]:
    out = []
    for cid, (x, y) in positions.items():
        old = review.layout.get(cid)
        out.append(Change("layout", cid, copy.deepcopy(old), Position(round(x, 1), round(y, 1))))
    return out


def unique_id(review: Review, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free in every namespace."""
    taken = set(review.components) | set(review.groups) | set(review.domains) | set(review.journeys)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def review_changes(base: Review, new: Review, current: Review | None = None, *,
                   milestones: bool = False) -> list[Change]:
    """The changes that turn ``base`` into ``new``, as one edit's worth.

    ``current`` (default ``base``) is the review the changes will be applied to: a re-import
    computed from a snapshot applies only what the import changed, so edits made to other
    elements meanwhile are kept, and undo restores exactly what was there. ``milestones``: the
    milestones too (another program's writes shown in the window; an import never changes them).
    """
    current = base if current is None else current
    out: list[Change] = []
    for single in SINGLES:
        if getattr(base, single) != getattr(new, single):
            out.append(Change(single, "", copy.deepcopy(getattr(current, single)), copy.deepcopy(getattr(new, single))))
    for coll in COLLECTIONS + ("imports", "proposals") + (("milestones",) if milestones else ()):
        b, n, c = getattr(base, coll), getattr(new, coll), getattr(current, coll)
        for key in list(b) + [k for k in n if k not in b]:
            if b.get(key) != n.get(key):
                out.append(Change(coll, key, copy.deepcopy(c.get(key)), copy.deepcopy(n.get(key))))
    return out


#: an element of each collection, in words (:func:`merge_changes`' notes)
_ELEMENT_WORDS = {"components": "component", "dependencies": "dependency", "groups": "group",
                  "domains": "failure domain", "journeys": "journey", "answers": "answer", "risks": "risk",
                  "mitigations": "mitigation", "layout": "position of", "imports": "import record",
                  "proposals": "proposed answer"}


def _merge_fields(base, new, current):
    """One element both sides changed: ``new``'s change of each field applied where ``current`` still
    holds ``base``'s value. Returns ``(value, mine, over)``: ``mine`` the fields ``current`` changed
    (kept), ``over`` those of them ``new`` changed otherwise (the reviewer's value kept over the
    work's); ``mine`` None when the values cannot be merged field by field (``current`` kept whole)."""
    if (not is_dataclass(base) or isinstance(base, type) or type(base) is not type(new)
            or type(current) is not type(base)):
        return current, None, []
    out, mine, over = {}, [], []
    for f in fields(base):
        b, n, c = getattr(base, f.name), getattr(new, f.name), getattr(current, f.name)
        if c != b:
            mine.append(f.name)
        if b == n or c == n:  # the work did not change it, or both made the same change
            out[f.name] = c
        elif c == b:  # only the work changed it
            out[f.name] = n
        else:  # both changed it: what the reviewer wrote stays
            out[f.name] = c
            over.append(f.name)
    return replace(current, **out), mine, over


def merge_changes(base: Review, new: Review, current: Review) -> tuple[list[Change], list[str]]:
    """The changes that bring ``new``'s differences from ``base`` into ``current``, field by field: a
    three-way merge for work computed from a snapshot (``base``) while the review went on being
    edited (``current``), a re-import on a worker. An element only the work changed takes the work's
    value (as :func:`review_changes` does); one edited meanwhile too takes the work's change of each
    field the reviewer did not change, and keeps the reviewer's value of each field both changed; an
    element deleted meanwhile stays deleted, one added meanwhile under the same id stays as added.
    :func:`review_changes` replaced such an element whole with the work's version, and the hand edit
    made while the import ran was gone without a word.

    Returns ``(changes, kept)``: ``kept`` says, one line each, what the reviewer changed meanwhile
    that the work's changes met and left as it was. A dependency the work adds between components
    one of which was deleted meanwhile is not added (said in ``kept``): it would name nothing."""
    out: list[Change] = []
    kept: list[str] = []

    def one(coll: str, key: str, b, n, c) -> None:
        what = f"{_ELEMENT_WORDS.get(coll, coll)} {key}" if key else (
            "the review's details" if coll == "meta" else f"the {coll}")
        if c == b:
            out.append(Change(coll, key, copy.deepcopy(c), copy.deepcopy(n)))
        elif c == n:
            return
        elif c is None:
            kept.append(f"{what}: deleted while the import ran, stays deleted")
        elif b is None or n is None:
            kept.append(f"{what}: {'added' if b is None else 'edited'} while the import ran, kept as you left it")
        else:
            value, mine, over = _merge_fields(b, n, c)
            if mine is None:
                kept.append(f"{what}: edited while the import ran, kept as you left it")
                return
            words = lambda names: ", ".join(n.replace("_", " ") for n in names)  # noqa: E731 (user_facing: user facing)
            kept.append(f"{what}: your {words(mine)} kept" + (f" (the import's {words(over)} not taken)" if over else ""))
            if value != c:
                out.append(Change(coll, key, copy.deepcopy(c), copy.deepcopy(value)))

    for single in SINGLES:
        b, n = getattr(base, single), getattr(new, single)
        if b != n:
            one(single, "", b, n, getattr(current, single))
    for coll in COLLECTIONS + ("imports", "proposals"):
        b, n, c = getattr(base, coll), getattr(new, coll), getattr(current, coll)
        for key in list(b) + [k for k in n if k not in b]:
            if b.get(key) != n.get(key):
                one(coll, key, b.get(key), n.get(key), c.get(key))
    # a dependency added on a component deleted meanwhile would dangle
    comps = set(current.components)
    for ch in out:
        if ch.coll == "components":
            (comps.discard if ch.new is None else comps.add)(ch.key)
    dangling = [ch for ch in out if ch.coll == "dependencies" and ch.new is not None
                and not {ch.new.source, ch.new.target} <= comps]
    for ch in dangling:
        out.remove(ch)
        gone = ch.new.source if ch.new.source not in comps else ch.new.target
        kept.append(f"dependency {ch.key}: not added, {gone} was deleted while the import ran")
    return out, kept


# ----------------------------------------------------------------- elements
def add_component(review: Review, cid: str, position: Position | None = None, **values) -> list[Change]:
    comp = Component(id=cid, **values)
    out = [change_add(review, "components", cid, comp)]
    if position is not None:
        out.append(change_add(review, "layout", cid, position))
    return check_changes(review, out, f"Adding component {cid}")


def add_dependency(review: Review, source: str, target: str, kind: str = "hard") -> list[Change]:
    dep = Dependency(source, target, kind)
    if dep.id in review.dependencies:
        raise EditRefused(f"{source} already depends on {target}")
    return check_changes(review, [change_add(review, "dependencies", dep.id, dep)], f"Adding dependency {dep.id}")


def add_group(review: Review, gid: str, name: str = "", members: Iterable[str] = (),
              position: Position | None = None) -> list[Change]:
    out = [change_add(review, "groups", gid, RedundancyGroup(id=gid, name=name, members=list(members)))]
    if position is not None:
        out.append(change_add(review, "layout", gid, position))
    return check_changes(review, out, f"Adding group {gid}")


def add_domain(review: Review, did: str, name: str = "", kind: str = "zone", parent: str | None = None) -> list[Change]:
    return check_changes(review, [change_add(review, "domains", did, FailureDomain(id=did, name=name, kind=kind,
                                                                                 parent=parent))],
                         f"Adding failure domain {did}")


def add_journey(review: Review, jid: str, name: str = "", entry: Iterable[str] = (), slo: float | None = None,
                critical: bool = True, description: str = "") -> list[Change]:
    j = Journey(id=jid, name=name, entry=list(entry), slo=slo, critical=critical, description=description)
    return check_changes(review, [change_add(review, "journeys", jid, j)], f"Adding journey {jid}")


def set_fields(review: Review, coll: str, key: str, **values) -> list[Change]:
    """Set fields of one element (any collection, or "meta"), checked by the model."""
    return check_changes(review, [change_fields(review, coll, key, **values)], f"Changing {key or 'the review'}")


def delete(review: Review, ids: Iterable[str]) -> list[Change]:
    """Delete components, groups, domains, journeys or dependencies, and what hangs on them.

    A deleted component takes its dependencies, its layout position, its membership of
    groups, its place in journeys and in the risks that name it with it (the references
    are updated, so nothing dangles; a group left with no member is deleted too); a deleted domain is removed from placements and its
    children move up to its parent. A deleted journey is removed; nothing refers to one.

    A group that keeps fewer members than its ``min_up`` has its ``min_up`` lowered to the members
    it keeps, in the same changes (one undo step): left at 2 with 1 member, the review was invalid
    ("needs 2 members up but has only 1"), its findings gone and ``prr`` refusing the file.
    Lowering it changes what the reviewer stated, so :func:`references` says so, as it says what
    else the delete leaves behind: a journey left with no entry (the analysis flags it), the
    checklist answers on what goes (kept in the review as orphaned answers, never dropped: they
    apply again if the element comes back).

    The reviewer's decisions on the analysis' risks about a deleted element (``spof:component:<id>``...:
    an override, an acceptance, a say on launch blocking, mitigations) are kept, not deleted with it:
    what a reviewer wrote is never dropped silently. Its risk leaves the register, so they no longer
    apply and the analysis lists them as stale decisions; :func:`references` names them first, and
    they apply again if an element of that id comes back (undo, a re-import).
    """
    ids = set(ids)
    whole = _with_emptied_groups(review, ids)
    if whole != ids:
        return delete(review, whole)
    out: list[Change] = []
    edited: dict[tuple[str, str], Any] = {}

    def edit(coll: str, key: str):
        if (coll, key) not in edited:
            edited[(coll, key)] = copy.deepcopy(getattr(review, coll)[key])
        return edited[(coll, key)]

    gone_nodes = {i for i in ids if i in review.components or i in review.groups}
    gone_comps = {i for i in ids if i in review.components}
    gone_domains = {i for i in ids if i in review.domains}
    for did, dep in review.dependencies.items():
        if did in ids or dep.source in gone_nodes or dep.target in gone_nodes:
            out.append(Change("dependencies", did, copy.deepcopy(dep), None))
    for i in sorted(ids):
        for coll in ("components", "groups", "domains", "journeys"):
            if i in getattr(review, coll):
                out.append(Change(coll, i, copy.deepcopy(getattr(review, coll)[i]), None))
        if i in review.layout:
            out.append(Change("layout", i, copy.deepcopy(review.layout[i]), None))
    for gid, g in review.groups.items():
        if gid not in ids and any(m in gone_nodes for m in g.members):
            e = edit("groups", gid)
            e.members = [m for m in g.members if m not in gone_nodes]
            low = _min_up_left(g, e.members)
            if low is not None:
                e.min_up = low
    for jid, j in review.journeys.items():
        if jid not in ids and any(e in gone_nodes for e in j.entry):
            edit("journeys", jid).entry = [e for e in j.entry if e not in gone_nodes]
    if gone_comps:
        for rid, r in review.risks.items():
            if any(c in gone_comps for c in r.components):
                edit("risks", rid).components = [c for c in r.components if c not in gone_comps]
    if gone_domains:
        for cid, c in review.components.items():
            if cid in ids:
                continue
            if any(d in gone_domains for d in c.placement + c.shared_domains):
                e = edit("components", cid)
                e.placement = [d for d in c.placement if d not in gone_domains]
                e.shared_domains = [d for d in c.shared_domains if d not in gone_domains]
        for did, d in review.domains.items():
            if did not in ids and d.parent in gone_domains:
                parent = d.parent
                while parent in gone_domains:
                    parent = review.domains[parent].parent
                edit("domains", did).parent = parent
    for (coll, key), new in edited.items():
        out.append(Change(coll, key, copy.deepcopy(getattr(review, coll)[key]), new))
    return out


def _with_emptied_groups(review: Review, ids: set[str]) -> set[str]:
    """``ids`` and the redundancy groups deleting them leaves without a member: such a group goes too
    (an empty group is no review: select all and Delete left "Fix the review first" where the review
    should have been empty), with what names it. Groups hold only components, so one pass is all."""
    gone = {i for i in ids if i in review.components or i in review.groups}
    return ids | {gid for gid, g in review.groups.items()
                  if gid not in ids and g.members and all(m in gone for m in g.members)}


def _min_up_left(group: RedundancyGroup, left: list[str]) -> int | None:
    """The ``min_up`` a group keeping the members ``left`` gets from a delete: as many as it keeps
    when it needed more (else the review is invalid), None when it stays as it is."""
    if left and isinstance(group.min_up, int) and not isinstance(group.min_up, bool) and group.min_up > len(left):
        return len(left)
    return None


def orphaned_answers(review: Review, ids: Iterable[str]) -> dict[str, list[str]]:
    """The checklist answers deleting ``ids`` leaves without their subject, by subject: the answers on
    the components, groups (also one the delete empties), journeys and dependencies that go. :func:`delete`
    keeps them in the review (the checklist's promise: an answer is never dropped); the checklist lists
    them as orphaned answers (``prr checklist``, the report) and they apply again if the subject comes back."""
    from prr_app.checklist import split_key

    ids = _with_emptied_groups(review, set(ids))
    nodes = {i for i in ids if i in review.components or i in review.groups}
    subjects = nodes | {i for i in ids if i in review.journeys}
    subjects |= {did for did, d in review.dependencies.items()
                 if did in ids or d.source in nodes or d.target in nodes}
    out: dict[str, list[str]] = {}
    for key in sorted(review.answers):
        subject = split_key(key)[1]
        if subject in subjects:
            out.setdefault(subject, []).append(key)
    return out


def orphaned_answers_note(review: Review, ids: Iterable[str]) -> str | None:
    """One line on the answers :func:`orphaned_answers` finds, for the delete's messages: "2 checklist
    answers on cart-db, cart-svc->cart-db are kept in the review as orphaned answers; prr checklist lists
    them" (a file's or the team repository's) (they drop out of the app's checklist, so the delete says where they are)."""
    found = orphaned_answers(review, ids)
    n = sum(len(v) for v in found.values())
    if not n:
        return None
    one = n == 1
    return (f"{count(n, 'checklist answer')} on {listed(list(found), 5)} {'is' if one else 'are'} kept in the "
            f"review as {'an orphaned answer' if one else 'orphaned answers'}; prr checklist lists "
            f"{'it' if one else 'them'}")


#: The computed risk ids that are about one element of the review, by prefix, and the collection of that
#: element: what the analysis makes them from (``prr_app/analysis/risks.py`` and ``findings.py``; the list
#: in docs/analysis.md, section 7). The element's id is the rest of the risk id, colons and all (an id
#: may hold ':'). ``evidence:<extractor>:<component>`` is read by :func:`risk_subject` itself.
RISK_SUBJECTS = (
    ("spof:component:", "components"), ("spof:instance:", "components"), ("spof:domain:", "domains"),
    ("common-cause:replicas:", "components"), ("common-cause:placement:", "components"),
    ("common-cause:group:", "groups"),
    ("slo:journey:", "journeys"), ("slo:component:", "components"),
    ("cascade:chain:", "components"), ("cascade:retries:", "components"), ("cascade:no-timeout:", "components"),
    ("cascade:fan-in:", "components"),
    ("recovery:rto:", "components"), ("recovery:rpo:", "components"),
    ("model:journey-without-entry:", "journeys"),
)


def _subject_prefix(risk_id: str) -> tuple[str, str] | None:
    """The prefix of :data:`RISK_SUBJECTS` ``risk_id`` starts with (an element's id follows), and its
    collection; None for another id."""
    return next(((p, c) for p, c in RISK_SUBJECTS if risk_id.startswith(p) and len(risk_id) > len(p)), None)


def risk_kind(risk_id: str) -> tuple[str, str]:
    """``(kind, subject id)`` of a computed risk id: ``spof:component:svc:api`` is ``("spof:component",
    "svc:api")`` (an element id may hold ':', as every Backstage import's do); an id of another form is
    split at its last ':'."""
    hit = _subject_prefix(risk_id)
    if hit is not None:
        return hit[0][:-1], risk_id[len(hit[0]):]
    kind, _, subject = risk_id.rpartition(":")
    return kind, subject


def risk_subject(risk_id: str) -> tuple[str, str] | None:
    """``(collection, id)`` of the element a computed risk id is about (``spof:component:carts-db``:
    ``("components", "carts-db")``), or None for a risk about no one element (``slo:missing``,
    ``cascade:no-timeout``, ``model:no-journeys``) or an id the analysis does not make."""
    hit = _subject_prefix(risk_id)
    if hit is not None:
        return hit[1], risk_id[len(hit[0]):]
    if risk_id.startswith("evidence:"):
        _extractor, sep, cid = risk_id[len("evidence:"):].partition(":")  # extractors have no ':'
        if sep and cid:
            return "components", cid
    return None


def subject_gone(review: Review, risk_id: str) -> bool:
    """Is ``risk_id`` a computed risk about an element the review no longer has (deleted, renamed)?
    Its recorded decisions then no longer apply (the analysis lists them as stale decisions)."""
    subject = risk_subject(risk_id)
    return subject is not None and subject[1] not in getattr(review, subject[0])


def decisions_on(review: Review, ids: Iterable[str]) -> list[str]:
    """The reviewer's decisions recorded on computed risks about the elements ``ids`` (an override,
    an acceptance, a say on launch blocking, an owner, mitigations), one line per risk, for the user
    to see before deleting them. :func:`delete` keeps them: with the element its risk leaves the
    register, and they are listed as stale decisions (``prr analyze``), back in force if an element
    of that id returns (undo, a re-import)."""
    ids = set(ids)
    mits: dict[str, list] = {}
    for m in review.mitigations.values():
        for rid in m.risks:
            mits.setdefault(rid, []).append(m)
    out = []
    for rid in sorted(set(review.risks) | set(mits)):
        subject = risk_subject(rid)
        if subject is None or subject[1] not in ids:
            continue
        r = review.risks.get(rid)
        if r is not None and r.origin != "computed":
            continue
        what = []
        if r is not None:
            if r.override_likelihood is not None or r.override_impact is not None:
                what.append("an override")
            if r.acceptance is not None:
                what.append(f"an acceptance by {r.acceptance.by}")
            if r.launch_blocking is not None:
                what.append("marked launch-blocking" if r.launch_blocking else "marked not launch-blocking")
            if r.owner:
                what.append(f"owner {r.owner}")
            if r.status not in ("open", "accepted"):
                what.append(f"status {enum_words(r.status)}")
        for m in sorted(mits.get(rid, []), key=lambda m: m.id):
            detail = ", ".join(x for x in (m.owner and f"owner {m.owner}", m.due and f"due {m.due}",
                                           m.status and enum_words(m.status)) if x)
            what.append(f"mitigation '{m.title or m.id}' ({detail})")
        if what:  # (the app's status bar shows the first lines after "Deleted; updated:")
            out.append(f"decisions on risk {rid} kept as stale decisions while {subject[1]} is gone: "
                       + "; ".join(what))
    return out


def references(review: Review, ids: Iterable[str]) -> list[str]:
    """What else names ``ids`` and would be updated by :func:`delete`, for the user to see: the one
    listing of both faces (``prr delete`` prints each line, the app's Delete shows them all in the
    status bar after "Deleted; updated:", one a line in its tooltip).

    First what changes a reviewer's statement or takes it out of sight: a group's ``min_up`` lowered
    to the members it keeps, the checklist answers kept as orphaned answers
    (:func:`orphaned_answers_note`); then the reviewer's decisions on risks about them that delete keeps
    (:func:`decisions_on`); then the references updated (a journey left with no entry says so); last
    the calls that go with it, made on it and made by it (:func:`calls_going`)."""
    given = set(ids)
    ids = _with_emptied_groups(review, given)  # what delete deletes
    first: list[str] = []  # what changes a reviewer's statement or takes it out of sight: said before the rest
    rest: list[str] = []
    for gid, g in review.groups.items():
        if gid not in given and set(g.members) & given:
            hit = ", ".join(sorted(set(g.members) & given))
            left = [m for m in g.members if m not in ids]
            low = _min_up_left(g, left)
            if not left:
                rest.append(f"group {g.name or gid} has {hit} as a member; the group is left with no member "
                            "and goes too")
            elif low is not None:
                first.append(f"group {g.name or gid} has {hit} as a member; it needed {g.min_up} members up "
                             f"and now needs {low}, the {count(low, 'member')} it keeps")
            else:
                rest.append(f"group {g.name or gid} has {hit} as a member")
    note = orphaned_answers_note(review, ids)
    if note:
        first.append(note)
    out = first + decisions_on(review, ids)
    for rid, r in review.risks.items():
        hit = sorted(set(r.components) & ids)
        if hit:
            out.append(f"risk {r.title or rid} names {', '.join(hit)}")
    for jid, j in review.journeys.items():
        if jid not in ids and set(j.entry) & ids:
            bare = "" if set(j.entry) - ids else (
                "; it is left with no entry: the analysis cannot judge it"
                + (" and it blocks the launch" if j.critical else "") + " until its entries are set")
            out.append(f"journey {j.name or jid} starts at {', '.join(sorted(set(j.entry) & ids))}{bare}")
    out += rest
    for did in sorted(i for i in ids if i in review.domains):
        dom = review.domains[did]
        placed = sorted(c for c, comp in review.components.items()
                        if c not in ids and did in comp.placement + comp.shared_domains)
        if placed:
            shown = ", ".join(placed[:5]) + (f" and {len(placed) - 5} more" if len(placed) > 5 else "")
            out.append(f"{len(placed)} component{'s' if len(placed) != 1 else ''} placed in {dom.name or did} "
                       f"({shown}) lose that placement")
        children = sorted(d for d, x in review.domains.items() if x.parent == did and d not in ids)
        if children:
            out.append(f"{', '.join(children)} move{'s' if len(children) == 1 else ''} up from {dom.name or did}")
    return out + calls_going(review, ids)


#: How many calls a delete's lines name one by one: beyond a screenful, the count and the first of them
#: (:func:`calls_going`)
CALLS_LISTED = 25


def calls_going(review: Review, ids: Iterable[str]) -> list[str]:
    """The calls that go with what is deleted (``ids``, with the groups the delete empties), in two
    lines: those others make on it (they change those callers: before, a delete of a component others
    call said nothing, and their calls, checklist items and risks went unseen), then those it makes
    itself (each with its timeout, retries, fallback: before, they went unsaid in the app). Every call
    is named, up to :data:`CALLS_LISTED`; beyond, the count says how many and the first are named.
    A dependency deleted by name is not listed: it is what was deleted. Both faces show these lines
    (``prr delete``, the app's Delete in the status bar), from :func:`references`."""
    ids = set(ids)
    gone = {i for i in ids if i in review.components or i in review.groups}
    on, made = [], []
    for did, d in review.dependencies.items():
        if did in ids:
            continue
        if d.source in gone:
            made.append(did)
        elif d.target in gone:
            on.append(did)
    out = []
    if on:
        on.sort()
        targets = sorted({review.dependencies[c].target for c in on})
        out.append(f"{count(len(on), 'call')} on {listed(targets, 3)} {'goes' if len(on) == 1 else 'go'} with "
                   f"{'it' if len(targets) == 1 else 'them'}: " + listed(on, CALLS_LISTED))
    if made:
        made.sort()
        callers = sorted({review.dependencies[c].source for c in made})
        out.append(f"{count(len(made), 'call')} {listed(callers, 3)} {'makes' if len(callers) == 1 else 'make'} "
                   f"{'goes' if len(made) == 1 else 'go'} with {'it' if len(callers) == 1 else 'them'}: "
                   + listed(made, CALLS_LISTED))
    return out


# ----------------------------------------------------------------- risks
def _risk_record(review: Review, risk_id: str) -> Risk:
    """The stored record of a risk, or a new one for a computed risk that has none yet."""
    rec = review.risks.get(risk_id)
    return copy.deepcopy(rec) if rec is not None else Risk(id=risk_id, origin="computed")


def _risk_change(review: Review, rec: Risk) -> Change:
    return Change("risks", rec.id, copy.deepcopy(review.risks.get(rec.id)), rec)


def _check_date(value: str | None, what: str) -> str | None:
    if not value:
        return None
    if not is_date(value):
        raise EditRefused(f"'{what}' is a date like 2025-12-31, not {value!r}")
    return value


def override_risk(review: Review, risk_id: str, likelihood: int | None, impact: int | None,
                  reason: str) -> list[Change]:
    """Override a risk's likelihood and/or impact, with the reason the report shows."""
    if not reason.strip():
        raise EditRefused("An override needs a written reason.")
    for v in (likelihood, impact):
        if v is not None and not 1 <= v <= 5:
            raise EditRefused("Likelihood and impact are 1 to 5.")
    rec = _risk_record(review, risk_id)
    rec.override_likelihood, rec.override_impact, rec.override_reason = likelihood, impact, reason.strip()
    return check_changes(review, [_risk_change(review, rec)], f"Overriding {risk_id}")


def accept_risk(review: Review, risk_id: str, by: str, reason: str, until: str | None = None,
                today: str | None = None) -> list[Change]:
    """Accept a risk: who, why, and until when (optional)."""
    if not by.strip() or not reason.strip():
        raise EditRefused("Accepting a risk needs who accepts it and why.")
    _check_date(until, "Until")
    rec = _risk_record(review, risk_id)
    rec.acceptance = Acceptance(by=by.strip(), at=today or _dt.date.today().isoformat(), reason=reason.strip(),
                                until=until or None)
    rec.status = "accepted"
    return check_changes(review, [_risk_change(review, rec)], f"Accepting {risk_id}")


def reopen_risk(review: Review, risk_id: str) -> list[Change]:
    """Take a risk's acceptance back: the risk is open again (a mitigation marked done still
    counts). The acceptance is removed, not kept aside: an acceptance that no longer holds must not
    go on reading as one in the report. Refused when the risk has no acceptance to take back."""
    rec = review.risks.get(risk_id)
    if rec is None or (rec.acceptance is None and rec.status != "accepted"):
        raise EditRefused(f"{risk_id} is not accepted; there is no acceptance to take back.")
    rec = copy.deepcopy(rec)
    rec.acceptance = None
    if rec.status == "accepted":
        rec.status = "open"
    return check_changes(review, [_risk_change(review, rec)], f"Reopening {risk_id}")


def mark_launch_blocking(review: Review, risk_id: str, blocking: bool | None, reason: str = "") -> list[Change]:
    """The reviewer's say on whether a risk blocks the launch: True or False with a written
    reason (the report shows it), or None to go back to the rules' decision."""
    rec = _risk_record(review, risk_id)
    if blocking is None:
        rec.launch_blocking, rec.launch_blocking_reason = None, ""
    else:
        if not reason.strip():
            raise EditRefused("Marking a risk launch-blocking, or not, needs a written reason.")
        rec.launch_blocking, rec.launch_blocking_reason = bool(blocking), reason.strip()
    return check_changes(review, [_risk_change(review, rec)], f"Deciding whether {risk_id} blocks the launch")


def set_risk_owner(review: Review, risk_id: str, owner: str) -> list[Change]:
    """Who owns a risk (a team or a person); empty: none set, the register then names a
    mitigation's owner or the owner of the component the fix is on (docs/analysis.md).

    A computed risk gets its stored record here if it has none yet, as with the other decisions.
    Nothing to change (the same owner): no changes, so no undo step that does nothing.
    """
    owner = " ".join(owner.split())
    rec = _risk_record(review, risk_id)
    if rec.owner == owner and risk_id in review.risks:
        return []
    if not owner and risk_id not in review.risks:
        return []
    rec.owner = owner
    return check_changes(review, [_risk_change(review, rec)], f"Setting the owner of {risk_id}")


def add_mitigation(review: Review, risk_id: str, title: str, owner: str = "", due: str | None = None,
                   status: str = "planned", effort: str | None = None, *, description: str = "",
                   also: Iterable[str] = ()) -> tuple[str, list[Change]]:
    """A new mitigation of ``risk_id`` (and of the risks ``also`` names: one fix that covers several):
    its id and the changes.

    A computed risk has no stored record until it is first decided on; the mitigation needs
    one to refer to, so this edit creates it (undo takes both back). ``description``: what the
    title does not say (a title too long for one is cut at its first step and kept whole in the
    description, before this text).
    """
    if not title.strip():
        raise EditRefused("A mitigation needs a title.")
    _check_date(due, "Due")
    title, whole = _title_and_description(title)
    description = "\n\n".join(x for x in (whole, description.strip()) if x)
    base = "mit-" + (make_id(title.lower())[:40] or "mitigation")
    mid, n = base, 2
    while mid in review.mitigations:
        mid, n = f"{base}-{n}", n + 1
    covered = list(dict.fromkeys([risk_id, *also]))
    m = Mitigation(id=mid, title=title, description=description, owner=owner.strip(), due=due or None,
                   status=status, effort=effort, risks=covered)
    out = []
    for rid in covered:
        if rid not in review.risks:
            out.append(Change("risks", rid, None, Risk(id=rid, origin="computed")))
    out.append(Change("mitigations", mid, None, m))
    return mid, check_changes(review, out, f"Adding mitigation {mid}")


#: A mitigation's statuses, and the words they are also given in ("in progress"): model/entities.py
MITIGATION_STATUSES = tuple(MitigationStatus.values())


def _mitigation(review: Review, mitigation_id: str) -> Mitigation:
    """The mitigation ``mitigation_id``, or :class:`EditRefused` naming the closest ids."""
    m = review.mitigations.get(mitigation_id)
    if m is None:
        import difflib

        close = difflib.get_close_matches(mitigation_id, list(review.mitigations), n=3, cutoff=0.6)
        hint = (f"; did you mean {', '.join(close)}?" if close else
                "; 'prr risk list REVIEW --json' lists the mitigations of each risk" if review.mitigations else
                "; the review has no mitigation")
        raise EditRefused(f"no mitigation {mitigation_id!r} in the review{hint}")
    return m


def edit_mitigation(review: Review, mitigation_id: str, *, title: str | None = None, owner: str | None = None,
                    due: str | None = None, status: str | None = None, effort: str | None = None,
                    description: str | None = None) -> list[Change]:
    """Change a mitigation: its status (planned, in progress, done, dropped; done marks the risks it
    covers mitigated), owner, due date, title, effort or description. None keeps a field as it is; ""
    clears an owner, a due date, an effort or a description (a title cannot be cleared). Nothing to
    change: no changes, so no undo step and no write that does nothing."""
    m = copy.deepcopy(_mitigation(review, mitigation_id))
    if title is not None:
        if not title.strip():
            raise EditRefused("A mitigation needs a title.")
        t, whole = _title_and_description(title)
        m.title = t
        if whole and whole not in m.description:
            m.description = "\n\n".join(x for x in (whole, m.description) if x)
    if owner is not None:
        m.owner = " ".join(owner.split())
    if due is not None:
        m.due = _check_date(due.strip(), "Due")
    if status is not None:
        word = "_".join(status.strip().lower().replace("-", " ").split())
        if word not in MITIGATION_STATUSES:
            words = ", ".join(enum_words(x) for x in MITIGATION_STATUSES)
            raise EditRefused(f"a mitigation's status is one of {words}, not {status!r}")
        m.status = word
    if effort is not None:
        word = effort.strip().lower() or None
        if word is not None and word not in Effort.values():
            raise EditRefused(f"a mitigation's effort is one of {', '.join(Effort.values())}, not {effort!r}")
        m.effort = word
    if description is not None:
        m.description = description.strip()
    old = review.mitigations[mitigation_id]
    if m == old:
        return []
    return check_changes(review, [Change("mitigations", mitigation_id, copy.deepcopy(old), m)],
                         f"Changing mitigation {mitigation_id}")


def remove_mitigation(review: Review, mitigation_id: str) -> list[Change]:
    """Remove a mitigation (a plan given up is better marked dropped: the report then still shows it).

    The stored record :func:`add_mitigation` made for a computed risk goes with it when it holds no
    decision and no other mitigation names it, so adding and removing a mitigation leaves the review
    as it was; a record holding a decision (an owner, an acceptance...) stays."""
    m = _mitigation(review, mitigation_id)
    out = [Change("mitigations", mitigation_id, copy.deepcopy(m), None)]
    others = {rid for mid, x in review.mitigations.items() if mid != mitigation_id for rid in x.risks}
    for rid in dict.fromkeys(m.risks):
        rec = review.risks.get(rid)
        if rec is not None and rid not in others and rec == Risk(id=rid, origin="computed"):
            out.append(Change("risks", rid, copy.deepcopy(rec), None))
    return check_changes(review, out, f"Removing mitigation {mitigation_id}")


#: The longest mitigation title a review holds (model/validation.py)
MITIGATION_TITLE_MAX = 500


def _title_and_description(text: str) -> tuple[str, str]:
    """A mitigation's title, and its description when the text is too long for a title: the product's own
    suggestions run to 540 characters (a SPOF whose fix has two steps), and the dialog offers them
    whole, so the first step is the title and the whole text the description, rather than a refusal."""
    text = " ".join(text.split())
    if len(text) <= MITIGATION_TITLE_MAX:
        return text, ""
    head = text
    for sep in ("; then: ", "; ", ". "):
        i = text.find(sep)
        if 0 < i <= MITIGATION_TITLE_MAX - 1:
            head = text[:i]
            break
    if len(head) > MITIGATION_TITLE_MAX - 1:
        head = head[:MITIGATION_TITLE_MAX - 1].rsplit(" ", 1)[0]
    return head + "…", text


def add_manual_risk(review: Review, title: str, likelihood: int, impact: int, components: Iterable[str] = (),
                    description: str = "") -> tuple[str, list[Change]]:
    if not title.strip():
        raise EditRefused("A risk needs a title.")
    base = "manual:" + (make_id(title.lower())[:60] or "risk")
    rid, n = base, 2
    while rid in review.risks:
        rid, n = f"{base}-{n}", n + 1
    rec = Risk(id=rid, origin="manual", title=title.strip(), description=description, likelihood=likelihood,
               impact=impact, components=list(components))
    return rid, check_changes(review, [Change("risks", rid, None, rec)], f"Adding risk {title.strip()}")


# ----------------------------------------------------------------- resilience policy
#: What each disruption type of a policy means, for the policy editor and its tooltips.
DISRUPTION_MEANING = {
    "instance": "one replica, host or rack fails",
    "component": "a whole component fails (all instances)",
    "zone": "a zone or a datacenter fails",
    "region": "a whole region fails",
    "provider": "a cloud provider or a vendor fails",
}

_KEEP = object()


def policy_terms(review: Review) -> list[str]:
    """The rows a policy editor shows: every disruption type, then the domain kinds this review
    has (a named kind, e.g. "cluster", can be required on its own), then any other term the
    policy already names."""
    out = list(DISRUPTION_TYPES)
    for d in review.domains.values():
        if d.kind and d.kind not in out and d.kind in POLICY_TERMS:
            out.append(d.kind)
    pol = review.resilience_policy
    for t in list(pol.survive) + list(pol.rto_minutes) + list(pol.rpo_minutes):
        if t not in out:
            out.append(t)
    return out


def _minutes(value, what: str):
    if value is None or value == "":
        return None
    try:
        v = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise EditRefused(f"{what} is a number of minutes, not {value!r}") from None
    if not v >= 0 or v == float("inf"):
        raise EditRefused(f"{what} is a number of minutes from 0 up, not {value!r}")
    return v


def set_policy(review: Review, term: str, *, survive: bool | None = None, rto=_KEEP, rpo=_KEEP) -> list[Change]:
    """Change one row of the review's resilience policy: must ``term`` be survived, and its RTO
    and RPO in minutes (None or "": none). A review without a policy gets the default one,
    changed as asked (stated from then on). Checked by the model."""
    if term not in POLICY_TERMS:
        raise EditRefused(f"unknown disruption type {term!r}; use one of " + ", ".join(sorted(POLICY_TERMS)))
    old = review.policy
    pol = copy.deepcopy(review.resilience_policy)
    if survive is not None:
        if survive and term not in pol.survive:
            pol.survive.append(term)
        elif not survive and term in pol.survive:
            pol.survive.remove(term)
    for name, value, what in (("rto_minutes", rto, f"The RTO of {term}"), ("rpo_minutes", rpo, f"The RPO of {term}")):
        if value is _KEEP:
            continue
        v = _minutes(value, what)
        target = getattr(pol, name)
        if v is None:
            target.pop(term, None)
        else:
            target[term] = v
    if old is not None and pol == old:
        return []
    return check_changes(review, [Change("policy", "", copy.deepcopy(old), pol)], "Changing the resilience policy")


def reset_policy(review: Review) -> list[Change]:
    """Back to the default policy (not stated in the review)."""
    if review.policy is None:
        return []
    return [Change("policy", "", copy.deepcopy(review.policy), None)]


# ----------------------------------------------------------------- journeys
def journey_path(review: Review, jid: str) -> tuple[list[str], set[str], set[str]]:
    """A journey's entry components, every component and group they depend on (transitively,
    through group members), and the ids of the dependencies on that path."""
    j = review.journeys.get(jid)
    if j is None:
        return [], set(), set()
    out: dict[str, list] = {}
    for d in review.dependencies.values():
        out.setdefault(d.source, []).append(d)
    nodes, deps = set(), set()
    stack = [e for e in j.entry if e in review.components or e in review.groups]
    while stack:
        n = stack.pop()
        if n in nodes:
            continue
        nodes.add(n)
        if n in review.groups:
            stack.extend(m for m in review.groups[n].members if m in review.components)
        for d in out.get(n, ()):
            deps.add(d.id)
            stack.append(d.target)
    return list(j.entry), nodes, deps


# ----------------------------------------------------------------- copy and paste
@dataclass
class Clip:
    """Copied components with the dependencies among them and their positions."""

    components: dict[str, Component]
    dependencies: list[Dependency]
    positions: dict[str, Position]


def copy_components(review: Review, ids: Iterable[str], positions: dict[str, Position]) -> Clip | None:
    ids = [i for i in ids if i in review.components]
    if not ids:
        return None
    comps = {i: copy.deepcopy(review.components[i]) for i in ids}
    deps = [copy.deepcopy(d) for d in review.dependencies.values() if d.source in comps and d.target in comps]
    return Clip(comps, deps, {i: positions.get(i, Position(0.0, 0.0)) for i in ids})


def _lost_domains(review: Review, comp: Component) -> list[str]:
    """The failure domains ``comp`` (a copied component) is placed in that ``review`` no longer has."""
    return list(dict.fromkeys(d for d in comp.placement + comp.shared_domains if d not in review.domains))


def paste_notes(review: Review, clip: Clip) -> list[str]:
    """What :func:`paste` leaves out of the copies, for the user to see: their placement in failure
    domains deleted (or renamed) since the copy, one line per copied component
    ("the copy of cart-db is pasted without its placement in euw1-a, a failure domain no longer in
    the review"). Empty when the copies are whole."""
    out = []
    for cid, comp in clip.components.items():
        lost = _lost_domains(review, comp)
        if lost:
            out.append(f"the copy of {cid} is pasted without its placement in {listed(lost, 5)}, "
                       f"{'a failure domain' if len(lost) == 1 else 'failure domains'} no longer in the review")
    return out


def paste(review: Review, clip: Clip, offset: float = 30.0) -> tuple[dict[str, str], list[Change]]:
    """Paste ``clip`` as new components (``id-copy``...): the id mapping and the changes.

    A copy's placement in a failure domain the review no longer has (deleted since the copy) is left
    out, and the rest pasted: refusing ("unknown failure domain") would refuse that clipboard for
    ever. :func:`paste_notes` names what is left out.

    The copies keep their arrangement and land on no other box (``offset`` down-right of the copied
    boxes, or the nearest free place: :func:`prr_app.layout.paste_places`), as a new box does: at the
    copied position plus ``offset`` they covered other boxes, and after reopening hid their originals."""
    from prr_app.layout import paste_places

    mapping, changes, taken = {}, [], set()
    copies = {}
    for cid, comp in clip.components.items():
        new = unique_id(review, f"{cid}-copy")
        while new in taken:
            new = unique_id(review, f"{new}-copy")
        taken.add(new)
        mapping[cid] = new
        c = copy.deepcopy(comp)
        c.id = new
        lost = set(_lost_domains(review, c))
        if lost:
            c.placement = [d for d in c.placement if d not in lost]
            c.shared_domains = [d for d in c.shared_domains if d not in lost]
        changes.append(Change("components", new, None, c))
        p = clip.positions[cid]
        copies[new] = ((float(p.x), float(p.y)), c.placement)
    for new, (x, y) in paste_places(review, copies, offset).items():
        changes.append(Change("layout", new, None, Position(round(x, 1), round(y, 1))))
    for d in clip.dependencies:
        nd = copy.deepcopy(d)
        nd.source, nd.target = mapping[d.source], mapping[d.target]
        changes.append(Change("dependencies", nd.id, None, nd))
    return mapping, check_changes(review, changes, "Paste")


def value_of(review, coll: str, key: str):
    """The element ``key`` of ``coll`` as the review holds it now (a single: the whole value)."""
    return getattr(review, coll) if coll in SINGLES else getattr(review, coll).get(key)


#: the table of the ``.prr`` file that holds an element of each collection (its naming, :func:`named_by`)
_TABLE = {"components": "component", "dependencies": "dependency", "groups": "redundancy_group",
          "domains": "failure_domain", "journeys": "journey", "answers": "checklist_answer", "risks": "risk",
          "mitigations": "mitigation", "layout": "layout"}


def named_by(rows: dict[str, dict], table: str, key: tuple) -> list[str]:
    """The elements among ``rows`` (a review's rows, ``persistence.store.review_rows``) that name the
    element of ``table``/``key`` (a mitigation naming a risk, a dependency naming a component...), in
    words."""
    if len(key) != 1:
        return []
    name = key[0]
    out = []
    for t, keyed in rows.items():
        for k, row in keyed.items():
            if t == table and k == key:
                continue
            if t == "risk_mitigation":
                if row.get("risk_id") == name:
                    mit = rows.get("mitigation", {}).get((row["mitigation_id"],), {})
                    title = mit.get("title")
                    out.append(f"mitigation {row['mitigation_id']}" + (f" ({title!r})" if title else ""))
                continue
            if t in ("review", "milestone", "import_record", "mitigation", table):
                continue
            if name in k or any(v == name or (isinstance(v, list) and name in map(str, v))
                                for v in row.values() if isinstance(v, (str, list))):
                out.append(f"{t.replace('_', ' ')} {'/'.join(map(str, k))}")
    return sorted(set(out))


@dataclass(frozen=True)
class UndoStep:
    """One change of an undo (or redo) as it will be made on the review as it is now
    (:func:`undo_steps`): ``now`` the element's value found there, ``value`` the one put back.
    ``merged``: the element held another value than the edit left (another program's write taken
    in since), so ``value`` is :func:`merge_back`'s; ``clash``: that program changed a field the undo
    restores (or the element as a whole is to go or come back)."""

    coll: str
    key: str
    left: Any
    now: Any
    value: Any
    merged: bool = False
    clash: bool = False


def undo_steps(review: Review, changes: list[Change], *, undo: bool = True,
               displaced: dict | None = None) -> list[UndoStep]:
    """How undoing (``undo=False``: redoing) the edit ``changes`` goes on ``review`` as it is now, one
    step per change in the order they are made; nothing is changed. ``displaced``: what the last undo
    of the same edit put back and found there, ``(coll, key) -> (put, found)``: a redo straight after
    it restores the other program's value it found, as it was. The one description of an undo over
    another program's write: the undo stack's command makes these steps, and :func:`undo_problems`
    checks them first."""
    steps, pending = [], {}
    for ch in (reversed(changes) if undo else changes):
        left, want = (ch.new, ch.old) if undo else (ch.old, ch.new)
        where = (ch.coll, ch.key)
        now = pending[where] if where in pending else value_of(review, ch.coll, ch.key)
        if now == left:
            step = UndoStep(ch.coll, ch.key, left, now, want)
        else:
            put, back = (displaced or {}).get(where, (None, None))
            if not undo and back is not None and now == put:
                step = UndoStep(ch.coll, ch.key, left, now, back)
            else:
                value, clash = merge_back(left, want, now)
                step = UndoStep(ch.coll, ch.key, left, now, value, merged=True, clash=clash)
        pending[where] = step.value
        steps.append(step)
    return steps


def undo_problems(review: Review, changes: list[Change], *, undo: bool = True,
                  displaced: dict | None = None) -> list[str]:
    """What stands in the way of undoing (``undo=False``: redoing) the edit ``changes`` on ``review`` as
    it is now, in words; empty: nothing. Each element the undo would remove that something else
    still names ("risk R: still named by mitigation M ('title')"), else the model's problems it would
    add. An edit was checked when it was made, so only what is not part of the undo history can stand
    in the way: another program's write taken into the window since (a mitigation the command line
    planned for a risk whose acceptance the undo takes back, with the risk's record). The values are
    those the undo puts back (:func:`undo_steps`, the steps the undo stack's command makes)."""
    steps = undo_steps(review, changes, undo=undo, displaced=displaced)
    result = [Change(s.coll, s.key, s.now, s.value) for s in steps]
    removed = [(s.coll, s.key) for s in steps if s.value is None and s.now is not None and s.coll in _TABLE]
    problems = new_problems(review, result)
    if not problems:
        return []
    from prr_app.persistence.store import review_rows

    rows = review_rows(_scratch(review, result))
    out = []
    for coll, key in removed:
        table = _TABLE[coll]
        names = named_by(rows, table, (key,))
        if names:
            out.append(f"{table.replace('_', ' ')} {key}: still named by " + ", ".join(names[:3])
                       + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
    return out or problems


def merge_back(left, want, now):
    """The value an undo (or redo) puts back: it turns ``left`` (what the edit left) into ``want``
    (what it restores), but the element is ``now`` (another program changed it since).
    Returns ``(value, clash)``: the fields the edit changed that nobody changed since are taken
    back, the rest stay as they are now; ``clash`` when the other program changed a field the
    undo restores (or the element is to be added or deleted whole): ``value`` is then the undo's,
    and saving it needs the user's word."""
    if now == want:
        return want, False
    if (left is None or want is None or now is None or type(left) is not type(want) or type(now) is not type(left)
            or not is_dataclass(left)):
        return want, True
    out, clash = {}, False
    for f in fields(left):
        a, b, c = getattr(left, f.name), getattr(want, f.name), getattr(now, f.name)
        if a == b:  # a field the edit did not change: as it is now
            out[f.name] = c
        elif c == a or c == b:  # nobody else changed it (or changed it to the same): the undo's
            out[f.name] = b
        else:
            out[f.name] = b
            clash = True
    return replace(now, **out), clash
