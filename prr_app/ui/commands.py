"""Undoable edits of a review.

Every user action is one :class:`EditCommand`: a list of :class:`Change`
records (collection, key, old value, new value). ``redo`` writes the new
values into the review, ``undo`` the old ones, in reverse order. The command
only changes the model; the session then tells the views what changed and
they redraw (the orange-canvas-core way).

The ``change_*`` helpers compute the changes of common actions (deleting a
component with its dependencies, group memberships, journeys and layout
position is one command), without applying them.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtGui import QUndoCommand

from prr_app.domain.model import Position, Review

#: Collections of a review that commands edit, by name. "meta" is the single
#: ReviewMeta object (key "").
COLLECTIONS = (
    "components", "dependencies", "groups", "domains", "journeys",
    "answers", "risks", "mitigations", "layout",
)


@dataclass
class Change:
    coll: str
    key: str
    old: Any  # None: did not exist
    new: Any  # None: deleted


def _apply(review: Review, coll: str, key: str, value) -> None:
    if coll == "meta":
        review.meta = copy.deepcopy(value)
        return
    target = getattr(review, coll)
    if value is None:
        target.pop(key, None)
    else:
        target[key] = copy.deepcopy(value)


class EditCommand(QUndoCommand):
    """One user action on the review: a batch of changes applied together."""

    def __init__(self, session, text: str, changes: list[Change], merge_key: str | None = None):
        super().__init__(text)
        self.session = session
        self.changes = list(changes)
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return 1 if self.merge_key else -1

    def mergeWith(self, other) -> bool:  # typing in one field merges into one command
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key or not self.merge_key:
            return False
        mine = {(c.coll, c.key): c for c in self.changes}
        for ch in other.changes:
            if (ch.coll, ch.key) in mine:
                mine[(ch.coll, ch.key)].new = ch.new
            else:
                self.changes.append(ch)
        return True

    def redo(self) -> None:
        for ch in self.changes:
            _apply(self.session.review, ch.coll, ch.key, ch.new)
        self.session._changed(self.changes)

    def undo(self) -> None:
        for ch in reversed(self.changes):
            _apply(self.session.review, ch.coll, ch.key, ch.old)
        self.session._changed(self.changes)


# ----------------------------------------------------------------- helpers
def change_fields(review: Review, coll: str, key: str, **fields) -> Change:
    """A change setting some fields of one element (``coll == "meta"``: the review's meta)."""
    old = review.meta if coll == "meta" else getattr(review, coll)[key]
    new = replace(copy.deepcopy(old), **fields)
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


def changes_delete(review: Review, ids) -> list[Change]:
    """Delete components, groups, domains, journeys or dependencies, and what hangs on them.

    A deleted component takes its dependencies, its layout position, its
    membership of groups and its place in journeys with it; a deleted domain
    is removed from placements and its children move up to its parent.
    """
    ids = set(ids)
    out: list[Change] = []
    edited: dict[tuple[str, str], Any] = {}

    def edit(coll: str, key: str):
        if (coll, key) not in edited:
            edited[(coll, key)] = copy.deepcopy(getattr(review, coll)[key])
        return edited[(coll, key)]

    gone_nodes = {i for i in ids if i in review.components or i in review.groups}
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
            edit("groups", gid).members = [m for m in g.members if m not in gone_nodes]
    for jid, j in review.journeys.items():
        if jid not in ids and any(e in gone_nodes for e in j.entry):
            edit("journeys", jid).entry = [e for e in j.entry if e not in gone_nodes]
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


def unique_id(review: Review, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free in every namespace."""
    taken = set(review.components) | set(review.groups) | set(review.domains) | set(review.journeys)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def review_changes(base: Review, new: Review, current: Review | None = None) -> list[Change]:
    """The changes that turn ``base`` into ``new``, as one command's worth.

    ``current`` (default ``base``) is the review the changes will be applied
    to: a re-import computed from a snapshot applies only what the import
    changed, so edits made to other elements meanwhile are kept, and undo
    restores exactly what was there.
    """
    current = base if current is None else current
    out: list[Change] = []
    if base.meta != new.meta:
        out.append(Change("meta", "", copy.deepcopy(current.meta), copy.deepcopy(new.meta)))
    for coll in COLLECTIONS + ("imports",):
        b, n, c = getattr(base, coll), getattr(new, coll), getattr(current, coll)
        for key in list(b) + [k for k in n if k not in b]:
            if b.get(key) != n.get(key):
                out.append(Change(coll, key, copy.deepcopy(c.get(key)), copy.deepcopy(n.get(key))))
    return out
