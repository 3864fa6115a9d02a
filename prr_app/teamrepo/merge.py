"""Three-way merge of a review's rows, field by field.

``base`` is the review as a reviewer pulled it, ``theirs`` what the repository holds now,
``mine`` what the reviewer pushes. An element (a row) one side changed and the other did not
takes that side's version. When both changed the same element, each field is merged alone:
a field only one side changed takes that change; the same field changed on both sides to
different values is a :class:`Conflict`; a row deleted on one side and changed on the other
is a conflict of the whole row; settled for the changed version of a component or group, the
dependencies (and canvas position) deleted with it come back when their other end is still
there, and the conflict says beforehand which come back and which cannot; settled for the changed
version of a mitigation, its links to risks deleted with it come back the same way.

A checklist answer is one statement (status, reason, evidence, owner, due, note, who and when, and
its history entry): changed on both sides to different statements (other statuses, or a field both
set differently), it is one conflict of the whole answer, settled with the picked side's answer
whole; the same status with details only one side gave merges field by field. A risk's decisions are the groups of its fields
in :data:`DECISIONS` (an acceptance is its status, who, when, why and until when): a conflict on one
field of a decision, settled, takes the picked side's whole decision. A checklist answer's and a
risk's history are lists both sides append to: both appends are kept (theirs first), but for the
entries of the decisions a pick rejected, which were never written (a trail tells what was decided,
never what was turned down as if in force). A proposal deleted on one side because a reviewer
answered its item (confirmed it) and refreshed by a re-import on the other is settled by that
answer: it stays deleted, no conflict.

Pure functions over :data:`prr_app.teamrepo.rows.Rows`; no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from prr_app.teamrepo.rows import Rows
from prr_app.teamrepo.schema import COLUMNS, DEFAULTS

#: Columns whose value is a list that reviewers only append to.
APPEND_ONLY = {("checklist_answer", "history"), ("risk", "history")}
#: Bookkeeping columns: table -> (timestamp column, author column or None). When both sides
#: changed them, the later timestamp (and its author) win; they are never a conflict by
#: themselves, and a row whose only change is its stamp is not changed (an identical re-import
#: re-proposes the same answers and records when: nothing to merge or to write).
STAMPS = {"checklist_answer": ("changed_at", "changed_by"), "checklist_proposal": ("made_at", None),
          "import_record": ("at", None)}

#: Tables whose row is one statement: changed on both sides to different statements (:func:`_disagree`),
#: the whole row is one conflict (``field`` None), and a pick takes that side's row whole (its history joined).
WHOLE = {"checklist_answer"}
#: A risk's decisions (the ``decision`` of its history's entries) and the fields each one sets: a
#: pick on one of them settles the whole decision, and the trail drops the rejected side's entries.
_ACCEPTANCE = ("status", "accepted_by", "accepted_at", "acceptance_reason", "accepted_until")
DECISIONS = {"risk": {"accept": _ACCEPTANCE, "reopen": _ACCEPTANCE, "owner": ("owner",),
                      "override": ("override_likelihood", "override_impact", "override_reason"),
                      "blocking": ("launch_blocking", "launch_blocking_reason")}}

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
    #: a node deleted on one side and changed on the other: what the changed version brings back
    #: with it (the dependencies deleted with it whose other end is still there), and what it
    #: cannot (their other end is deleted too); element names (:func:`element_name`)
    along: tuple = ()
    not_along: tuple = ()
    #: a whole-row statement (:data:`WHOLE`, an answer) changed on both sides: (mine, theirs), the
    #: rows; ``field`` is then the field shown for it (its status, or the first field both set
    #: differently) and a pick of it settles the whole row
    rows: tuple = ()

    def along_text(self) -> str:
        """What keeping the changed version also brings back, and what it cannot ("" if nothing)."""
        parts = []
        if self.along:
            parts.append("keeping the changed version also brings back " + ", ".join(self.along))
        if self.not_along:
            parts.append("not brought back (the other end is deleted): " + ", ".join(self.not_along))
        return "; ".join(parts)

    def describe(self) -> str:
        if self.note:
            return self.note
        what = element_name(self.table, self.key)
        who = f" (changed by {self.by}{' at ' + self.at if self.at else ''})" if self.by else ""
        if self.rows:
            return f"{what}: {_statements(self.table, *self.rows, who)}"
        if self.field is None:
            mine = "deleted" if self.mine is None else "changed"
            theirs = "deleted" if self.theirs is None else "changed"
            along = self.along_text()
            return f"{what}: you {mine} it, the repository has it {theirs}{who}" + (f"; {along}" if along else "")
        return f"{what} field {self.field}: yours {_show(self.mine)}, theirs {_show(self.theirs)}{who}"


#: The fields of a whole-row statement named when two differ, in this order.
STATEMENT_FIELDS = ("status", "reason", "evidence", "owner", "due", "note")


def _statements(table: str, mine: dict, theirs: dict, who: str) -> str:
    """Two versions of one statement (an answer) in words: both statuses, who said each, and what
    else differs; it is kept whole, so the user learns it is yours or theirs, never a mix."""
    def by(row):
        return f" by {row['changed_by']}" if row.get("changed_by") else ""
    other = [f for f in STATEMENT_FIELDS[1:] if f in mine and mine.get(f) != theirs.get(f)]
    differ = ""
    if other:
        names = other[0] if len(other) == 1 else ", ".join(other[:-1]) + " and " + other[-1]
        verb = "differs" if len(other) == 1 else "differ"
        differ = f"; {'the' if mine.get('status') == theirs.get('status') else 'their'} {names} {verb}" \
                 + ("" if mine.get("status") == theirs.get("status") else " too")
    what = "answer" if table == "checklist_answer" else "element"
    return (f"changed on both sides: yours {_show(mine.get('status'))}{by(mine)}, theirs "
            f"{_show(theirs.get('status'))}{by(theirs)}{who}{differ}; the {what} is kept whole, yours or theirs")


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


def change_name(c: Change) -> str:
    """One change as a user reads it: ``component cart-db owner``, ``risk r1 added``."""
    what = element_name(c.table, c.key)
    if c.field is not None:
        return f"{what} {c.field}"
    return f"{what} {'added' if c.old is None else 'deleted'}"


def changes_text(changes: list[Change], *, first: int = 3) -> str:
    """``"3 other changes: a, b, c"`` (``"... and 4 more"`` past ``first``); "" for none. One field
    changed is one change; a change of a bookkeeping stamp alone is not named, nor the history entry
    of a decision named by its field (a risk's owner and the trail's entry saying so are one change)."""
    decided = {(c.table, c.key) for c in changes if c.field is not None and (c.table, c.field) not in APPEND_ONLY
               and c.field not in STAMPS.get(c.table, ())}
    names = list(dict.fromkeys(change_name(c) for c in changes
                               if c.field is None or (c.field not in STAMPS.get(c.table, ())
                                                      and not ((c.table, c.field) in APPEND_ONLY
                                                               and (c.table, c.key) in decided))))
    if not names:
        return ""
    n = len(names)
    shown = ", ".join(names[:first]) + (f" and {n - first} more" if n > first else "")
    return f"{n} other change{'s' if n != 1 else ''}: {shown}"


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


def _statement(table: str, row: dict) -> dict:
    """A whole-row statement's content (:data:`WHOLE`): the row without its stamps and history, which
    tell who said it and when, not what."""
    return {c: v for c, v in _substance(table, row).items() if (table, c) not in APPEND_ONLY}


def _disagree(table: str, rb, rt: dict, rm: dict, defaults: dict) -> bool:
    """Whether two versions of a whole-row statement (:data:`WHOLE`), both changed since ``rb``,
    are two different statements: their statuses differ (a note or evidence belongs to the status it
    was written with), or a field both set to different values. The same status with details only
    one side gave (one the evidence, the other the owner) is one statement, merged."""
    if _statement(table, rm) == _statement(table, rt):
        return False
    if rm.get("status") != rt.get("status"):
        return True
    for col in COLUMNS[table]:
        if col in STAMPS.get(table, ()) or (table, col) in APPEND_ONLY:
            continue
        vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
        if _merge_field(table, col, vb, rt[col], rm[col])[1]:
            return True
    return False


def _shown_field(table: str, rb, rt: dict, rm: dict, defaults: dict) -> str:
    """The field a conflict of a whole-row statement is shown by: its status when the two differ,
    else the first field both set to different values."""
    if rm.get("status") != rt.get("status"):
        return "status"
    for col in COLUMNS[table]:
        vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
        if col not in STAMPS.get(table, ()) and (table, col) not in APPEND_ONLY \
                and _merge_field(table, col, vb, rt[col], rm[col])[1]:
            return col
    return "status"


def _trail(b, t, m, dropped=frozenset()):
    """A history both sides appended to: theirs, then mine's new entries but for those of the
    decisions in ``dropped`` (settled for theirs: never written); None when either side's does not
    extend the base's."""
    b = [] if b is _MISSING or b is None else b
    if not (isinstance(b, list) and isinstance(t, list) and isinstance(m, list)
            and t[:len(b)] == b and m[:len(b)] == b):
        return None
    return t + [e for e in m[len(b):] if not (isinstance(e, dict) and e.get("decision") in dropped)]


def _answered(rows: Rows, key: tuple) -> bool:
    """Whether ``rows`` hold a reviewer's answer to the checklist item ``key`` names."""
    a = rows.get("checklist_answer", {}).get(key)
    return a is not None and a.get("status") not in (None, "unanswered")


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

    revived: dict[str, Rows] = {}  # node id -> the rows of the side that kept it
    revived_mitigations: dict[str, Rows] = {}  # mitigation id -> the rows of the side that kept it
    undecided: list[Conflict] = []
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
            elif name == "checklist_proposal" and rb is not None and (rm is None or rt is None) \
                    and _answered(theirs if rt is None else mine, k):
                # confirmed (or answered) on one side, refreshed by a re-import on the other: the
                # reviewer's answer settles it; the refreshed proposal is bookkeeping, not a conflict
                res = None
            elif rm is None or rt is None:  # deleted on one side, changed on the other
                choice = pick.get((name, k, None))
                if choice is None:
                    conflicts.append(blame(Conflict(name, k, None, rb, rm, rt)))
                    if name in NODES or name == "mitigation":
                        undecided.append(conflicts[-1])
                res = rm if choice == "mine" else rt
                if name in NODES and choice is not None and res is not None and rb is not None:  # changed one kept
                    revived[k[0]] = mine if rt is None else theirs  # the side that still has its edges
                if name == "mitigation" and choice is not None and res is not None and rb is not None:
                    revived_mitigations[k[0]] = mine if rt is None else theirs
            elif name in WHOLE and _disagree(name, rb, rt, rm, defaults):
                # one statement changed on both sides: one conflict; settled, the picked side's whole
                shown = _shown_field(name, rb, rt, rm, defaults)
                choice = pick.get((name, k, shown))
                if choice is None:
                    vb = rb[shown] if rb is not None else defaults.get(shown)
                    conflicts.append(blame(Conflict(name, k, shown, vb, rm[shown], rt[shown], rows=(rm, rt))))
                res = dict(rm) if choice == "mine" else rt
                if choice == "mine":  # theirs were written: the trail keeps them, mine last (in force)
                    for col in COLUMNS[name]:
                        if (name, col) in APPEND_ONLY:
                            vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
                            joined = _trail(vb, rt[col], rm[col])
                            res[col] = rm[col] if joined is None else joined
            else:
                res = {}
                stamp = STAMPS.get(name, ())
                settled: dict[str, str] = {}  # field -> the side a pick settled it for
                for col in COLUMNS[name]:
                    if col in stamp:
                        continue
                    # added on both sides: each field is compared with a new element's (e.g. an
                    # unanswered checklist item's), so a field only one side set is no conflict
                    vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
                    v, clash = _merge_field(name, col, vb, rt[col], rm[col])
                    if clash and (name, k, col) in pick:
                        settled[col] = pick[(name, k, col)]
                        v, clash = (rm[col] if settled[col] == "mine" else rt[col]), False
                    if clash:
                        conflicts.append(blame(Conflict(name, k, col, None if vb is _MISSING else vb,
                                                        rm[col], rt[col])))
                    res[col] = v
                if settled and name in DECISIONS:
                    _settle_decisions(name, res, settled, rb, rt, rm, defaults)
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
    # a dependency in a conflict of its own, or already picked, is the user's to decide
    own = {c.key for c in conflicts if c.table == "dependency"} | {k for (t, k, _f) in pick if t == "dependency"}
    _bring_back(base, merged, revived, own)
    links = {c.key for c in conflicts if c.table == "risk_mitigation"} | {k for (t, k, _f) in pick
                                                                         if t == "risk_mitigation"}
    for mid, keeper in revived_mitigations.items():
        back, _lost = _links_along(base, merged, mid, keeper, links)
        for key in back:
            merged.setdefault("risk_mitigation", {})[key] = dict(keeper["risk_mitigation"][key])
    for c in undecided:  # what choosing the changed version would bring back, said beforehand
        keeper = mine if c.theirs is None else theirs
        if c.table == "mitigation":
            back, lost = _links_along(base, merged, c.key[0], keeper, links)
            c.along = tuple(f"its link to risk {k[1]}" for k in back)
            c.not_along = tuple(f"its link to risk {k[1]}" for k in lost)
        else:
            c.along, c.not_along = _edges_along(base, merged, c.key[0], keeper, own)
    return merged, conflicts


def _settle_decisions(name, res, settled, rb, rt, rm, defaults) -> None:
    """A row of decisions (:data:`DECISIONS`) with conflicts the user settled (``settled``: field ->
    side): each decision a pick touched is taken whole from the side picked for it (its first settled
    field's pick), never half an acceptance of each; the history keeps theirs, and mine's entries
    but for the decisions settled for theirs, which were never written (the trail would read as if
    they were in force)."""
    dropped = set()
    for decision, cols in DECISIONS[name].items():
        side = next((settled[c] for c in cols if c in settled), None)
        if side is None:
            continue
        src = rm if side == "mine" else rt
        for c in cols:
            res[c] = src[c]
        if side == "theirs":
            dropped.add(decision)
    for col in COLUMNS[name]:
        if (name, col) in APPEND_ONLY and dropped and col not in settled:
            vb = rb[col] if rb is not None else defaults.get(col, _MISSING)
            joined = _trail(vb, rt[col], rm[col], frozenset(dropped))
            if joined is not None:
                res[col] = joined


def _links_along(base: Rows, merged: Rows, mitigation: str, keeper: Rows, own) -> tuple[list, list]:
    """A mitigation deleted on one side and changed on the other: (the keys of its links to risks,
    deleted with it, that its changed version brings back as the side keeping it has them; those it
    cannot, since their risk is deleted too). Links the user decides on their own (``own``) aside."""
    have, kept = merged.get("risk_mitigation", {}), keeper.get("risk_mitigation", {})
    back, lost = [], []
    for key in sorted(base.get("risk_mitigation", {})):
        if key[0] != mitigation or key in have or key not in kept or key in own:
            continue
        (back if (key[1],) in merged.get("risk", {}) else lost).append(key)
    return back, lost


#: Tables of the elements a dependency joins (a dependency's source or target is one of these).
NODES = ("component", "redundancy_group")


def _exists(rows: Rows, node: str) -> bool:
    return any((node,) in rows.get(t, {}) for t in NODES)


def _deleted_with(base: Rows, merged: Rows, node: str, keeper: Rows, own) -> list[tuple]:
    """The dependencies from or to ``node`` that the base had, the merged result lacks and the side
    keeping it (``keeper``) still has, but for those the user decides on their own (``own``)."""
    have = merged.get("dependency", {})
    return [key for key in base.get("dependency", {})
            if node in key and key not in have and key in keeper.get("dependency", {}) and key not in own]


#: The lists that name a component or group: a group's members, a journey's entries, a risk's
#: components (deleting the element takes it out of them, prr_app/review/edits.py delete).
_PLACES = (("redundancy_group", "members", "its place among the members of redundancy group"),
           ("journey", "entry", "its place among the entries of journey"),
           ("risk", "components", "its mention in risk"))


def _places_lost(base: Rows, merged: Rows, node: str, keeper: Rows):
    """``(table, key, column, words)`` of each list ``node`` was in at the base and is in on the side
    keeping it (``keeper``), but that lost it in the merged result (the other side deleted it)."""
    for table, col, words in _PLACES:
        for key, row in merged.get(table, {}).items():
            was, kept = base.get(table, {}).get(key), keeper.get(table, {}).get(key)
            if was is not None and kept is not None and node in (was.get(col) or ()) \
                    and node in (kept.get(col) or ()) and node not in (row.get(col) or ()):
                yield table, key, col, f"{words} {key[0]}"


def _edges_along(base: Rows, merged: Rows, node: str, keeper: Rows, own) -> tuple[tuple, tuple]:
    """(names of the dependencies deleted with ``node`` that its changed version brings back, and of
    its places in groups' members and journeys' entries; names of the dependencies it cannot bring
    back since their other end is gone)."""
    back, not_back = [], []
    for key in _deleted_with(base, merged, node, keeper, own):
        other = key[1] if key[0] == node else key[0]
        (back if other == node or _exists(merged, other) else not_back).append(element_name("dependency", key))
    places = [words for _t, _k, _c, words in _places_lost(base, merged, node, keeper)]
    return tuple(sorted(back)) + tuple(sorted(places)), tuple(sorted(not_back))


def _bring_back(base: Rows, merged: Rows, revived: dict[str, Rows], own) -> None:
    """A component (or group) deleted on one side and changed on the other, settled for the changed
    version, comes back with what was deleted with it: its dependencies whose other end is still
    there, its places in groups' members and journeys' entries, and its canvas position, as the
    side that kept it has them. Never a silent loss: the
    conflict listed them (and those that cannot come back) before the user chose."""
    for node, keeper in revived.items():
        deps = merged.setdefault("dependency", {})
        for key in _deleted_with(base, merged, node, keeper, own):
            other = key[1] if key[0] == node else key[0]
            if other == node or _exists(merged, other):
                deps[key] = dict(keeper["dependency"][key])
        # and its places in groups' members and journeys' entries, where the side keeping it has it
        for table, key, col, _words in list(_places_lost(base, merged, node, keeper)):
            kept = keeper[table][key][col]
            now = list(merged[table][key][col] or ())
            ahead = [x for x in kept[:kept.index(node)] if x in now]  # after what precedes it there
            at = now.index(ahead[-1]) + 1 if ahead else 0
            merged[table][key] = {**merged[table][key], col: now[:at] + [node] + now[at:]}
        spot = (node,)
        layout = merged.setdefault("layout", {})
        if spot in base.get("layout", {}) and spot not in layout and spot in keeper.get("layout", {}):
            layout[spot] = dict(keeper["layout"][spot])
