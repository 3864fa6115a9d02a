"""Three-way merge of a review's rows, field by field.

``base`` is the review as a reviewer pulled it, ``theirs`` what the repository holds now,
``mine`` what the reviewer pushes. An element (a row) one side changed and the other did not
takes that side's version. When both changed the same element, each field is merged alone:
a field only one side changed takes that change; the same field changed on both sides to
different values is a :class:`Conflict`; a row deleted on one side and changed on the other
is a conflict of the whole row. A checklist answer's history is a list both sides append to:
both appends are kept (theirs first).

Pure functions over :data:`prr_app.teamrepo.rows.Rows`; no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from prr_app.teamrepo.rows import Rows
from prr_app.teamrepo.schema import COLUMNS, DEFAULTS

#: Columns whose value is a list that reviewers only append to.
APPEND_ONLY = {("checklist_answer", "history")}
#: Bookkeeping columns: table -> (timestamp column, author column or None). When both sides
#: changed them, the later timestamp (and its author) win; they are never a conflict by
#: themselves, and a row whose only change is its stamp is not changed (an identical re-import
#: re-proposes the same answers and records when: nothing to merge or to write).
STAMPS = {"checklist_answer": ("changed_at", "changed_by"), "checklist_proposal": ("made_at", None),
          "import_record": ("at", None)}

_MISSING = object()


@dataclass(frozen=True)
class Change:
    """One change between two versions: a field (``field`` set), or a whole row inserted
    (``old`` None) or deleted (``new`` None)."""

    table: str
    key: tuple
    field: str | None
    old: object
    new: object


@dataclass
class Conflict:
    """The same thing changed on both sides. ``field`` None: a row deleted on one side."""

    table: str
    key: tuple
    field: str | None
    base: object
    mine: object
    theirs: object
    by: str = ""
    at: str = ""
    note: str = ""  # a conflict of the merged whole, not of one field: what is wrong with it

    def describe(self) -> str:
        if self.note:
            return self.note
        what = element_name(self.table, self.key)
        who = f" (changed by {self.by}{' at ' + self.at if self.at else ''})" if self.by else ""
        if self.field is None:
            mine = "deleted" if self.mine is None else "changed"
            theirs = "deleted" if self.theirs is None else "changed"
            return f"{what}: you {mine} it, the repository has it {theirs}{who}"
        return f"{what} field {self.field}: yours {_show(self.mine)}, theirs {_show(self.theirs)}{who}"


def _show(v) -> str:
    import json

    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def element_name(table: str, key: tuple) -> str:
    """How a row is named to a user: ``component cart-db``, ``dependency a->b``..."""
    if table == "review":
        return "review details"
    if table == "dependency" and len(key) == 2:
        return f"dependency {key[0]}->{key[1]}"
    if table == "risk_mitigation" and len(key) == 2:
        return f"risk {key[1]} of mitigation {key[0]}"
    return f"{table.replace('_', ' ')} {' '.join(map(str, key))}".rstrip()


def diff(old: Rows, new: Rows) -> list[Change]:
    """Every change from ``old`` to ``new``: deletes child tables first, then inserts and
    updates parents first (the order a database applies them in)."""
    out: list[Change] = []
    names = list(COLUMNS)
    for name in reversed(names):
        o, n = old.get(name, {}), new.get(name, {})
        out.extend(Change(name, k, None, r, None) for k, r in o.items() if k not in n)
    for name in names:
        o, n = old.get(name, {}), new.get(name, {})
        for k, r in n.items():
            before = o.get(k)
            if before is None:
                out.append(Change(name, k, None, None, r))
            elif before != r:
                out.extend(Change(name, k, c, before[c], r[c]) for c in COLUMNS[name] if before[c] != r[c])
    return out


def _substance(table: str, row: dict | None):
    """The row without its bookkeeping stamps (:data:`STAMPS`)."""
    stamp = STAMPS.get(table)
    if row is None or stamp is None:
        return row
    return {c: v for c, v in row.items() if c not in stamp}


def _merge_field(table, col, b, t, m):
    """(value, conflict?) for one field."""
    if m == b or m == t:
        return t, False
    if b is _MISSING and (table, col) in APPEND_ONLY:  # both added the row: both appended to nothing
        b = []
    if t == b:
        return m, False
    if (table, col) in APPEND_ONLY and isinstance(b, list) and isinstance(t, list) and isinstance(m, list) \
            and t[:len(b)] == b and m[:len(b)] == b:
        return t + m[len(b):], False
    return t, True


def merge(base: Rows, theirs: Rows, mine: Rows, *, who=None, pick=None) -> tuple[Rows, list[Conflict]]:
    """The merged rows and the conflicts (merged is only meaningful without conflicts).

    ``who(table, key, field)`` gives (by, at) of the last change to that field in the
    repository since ``base``, for the conflicts' messages. ``pick`` maps a conflict's
    ``(table, key, field)`` to ``"mine"`` or ``"theirs"``: the user's choice, which settles it.
    """
    pick = pick or {}
    merged: Rows = {}
    conflicts: list[Conflict] = []

    def blame(c: Conflict) -> Conflict:
        if who is not None:
            c.by, c.at = who(c.table, c.key, c.field)
        return c

    for name in COLUMNS:
        b, t, m = base.get(name, {}), theirs.get(name, {}), mine.get(name, {})
        out = {}
        keys = list(t) + [k for k in m if k not in t]
        keys += [k for k in b if k not in t and k not in m]
        defaults = DEFAULTS.get(name, {})
        for k in keys:
            rb, rt, rm = b.get(k), t.get(k), m.get(k)
            if rm is not None and rb is not None and rm != rb and _substance(name, rm) == _substance(name, rb):
                rm = rb  # only its stamp changed: not a change
            if rm == rb:  # mine did not touch it
                res = rt
            elif rt == rb or rt == rm:  # theirs did not touch it, or both did the same
                res = rm
            elif rm is None or rt is None:  # deleted on one side, changed on the other
                choice = pick.get((name, k, None))
                if choice is None:
                    conflicts.append(blame(Conflict(name, k, None, rb, rm, rt)))
                res = rm if choice == "mine" else rt
            else:
                res = {}
                stamp = STAMPS.get(name, ())
                for col in COLUMNS[name]:
                    if col in stamp:
                        continue
                    # added on both sides: each field is compared with a new element's (e.g. an
                    # unanswered checklist item's), so a field only one side set is no conflict
                    vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
                    v, clash = _merge_field(name, col, vb, rt[col], rm[col])
                    if clash and (name, k, col) in pick:
                        v, clash = (rm[col] if pick[(name, k, col)] == "mine" else rt[col]), False
                    if clash:
                        conflicts.append(blame(Conflict(name, k, col, None if vb is _MISSING else vb,
                                                        rm[col], rt[col])))
                    res[col] = v
                if stamp:
                    at, by = stamp
                    newer = rm if (rm[at] or "") > (rt[at] or "") else rt
                    res[at] = newer[at]
                    if by is not None:
                        res[by] = newer[by]
                    res = {c: res[c] for c in COLUMNS[name]}
            if res is not None:
                out[k] = res
        merged[name] = out
    return merged, conflicts
