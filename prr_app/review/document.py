"""Use cases on whole reviews: load from any supported file, save, copy, edit in place.

Both faces of the product (``prr`` and ``prr-app``) go through here.

* :func:`load_review` reads a ``.prr`` or review JSON (a file or a pipe) with every check.
* :func:`save_review` writes a new file (built aside, renamed into place).
* :func:`edit_review` changes a review file in place, as one change applied to what the
  file holds *now*, under a lock: the command line's ``checklist-answer``,
  ``checklist-use``, ``checklist-import --review`` and ``import --into`` use it, so two
  of them at once never lose either's change.
* :class:`ReviewDocument` is a review open in the app: :meth:`ReviewDocument.save`
  writes what changed since it was read and refuses (``SaveConflict``) if another
  program changed the same rows meanwhile.

Wherever a review is taken, ``repo:NAME`` (a ``str``) names a review in the team repository
(``$PRR_REPO``): read from it, edited through it (merged on save), never written to as an
output. The functions at the end of this module ("repo:NAME") are that side of each use case;
a file whose name starts with ``repo:`` is reached as ``./repo:...``.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from prr_app import paths
from prr_app.model.entities import Review
from prr_app.model.validation import check
from prr_app.errors import PrrError
from prr_app.interchange import json_io

if TYPE_CHECKING:
    from prr_app.persistence.store import ReviewStore

#: The first bytes of every SQLite database (the store is imported only to read or write one).
SQLITE_MAGIC = b"SQLite format 3\x00"


def open_store(*args, **kw):
    from prr_app.persistence.store import open_store as _open

    return _open(*args, **kw)


def create_store(*args, **kw):
    from prr_app.persistence.store import create_store as _create

    return _create(*args, **kw)


class ReviewAlreadyOpen(PrrError):
    """The review is open in another window of this program: the file is fine, the other window has it."""


def _store_has_open(path: Path) -> bool:
    from prr_app.persistence.open_files import is_open

    return is_open(path)


def _sniff(p: Path) -> tuple[str, bytes | None]:
    """``(kind, content)``: the kind of review file ``p`` is, and the whole content if it is a pipe
    (a pipe's bytes can be read once only). Never blocks; refuses folders and devices."""
    if _store_has_open(p):  # a plain open() would drop SQLite's locks on it in this process
        raise ReviewAlreadyOpen("this review is already open in this program", file=str(p))
    how, data = paths.probe(p)
    if how == "pipe":
        if data.startswith(SQLITE_MAGIC):
            raise PrrError("a .prr review cannot be read from a pipe; save it to a file first", file=str(p))
        if not data.strip():
            raise PrrError("the file is empty (a FIFO nothing was written to?)", file=str(p))
        return "json", data
    if data.startswith(SQLITE_MAGIC) or p.suffix.lower() == ".prr":
        return "prr", None
    if p.suffix.lower() == ".json" or data.lstrip()[:1] in (b"{", b"["):
        return "json", None
    return "prr", None


def file_kind(path: str | Path) -> str:
    """``"prr"`` or ``"json"``, from the content when it can be read, else the suffix.

    A ``.prr`` file is always read as a review database, whatever it holds: a damaged one
    whose bytes happen to start with ``{`` must be reported as "not an SQLite database",
    not as broken JSON. Never blocks (a FIFO is refused or read whole).
    """
    if _repo_address(path):
        return "repo"
    return _sniff(Path(path))[0]


class ReviewSource:
    """A review file (or pipe) the user named, looked at once, loaded by :meth:`load`.

    For JSON (a file or a pipe) the bytes are read at once and every load parses those
    bytes (``repeatable``). A ``.prr`` file is read by each load.
    """

    def __init__(self, path: str | Path):
        self._repo = _repo_address(path)  # repo:NAME, read by load()
        if self._repo:
            self.path, self.kind, self._raw, self.repeatable = Path(path), "repo", None, True
            return
        self.path = p = Path(path)
        self.kind, self._raw = _sniff(p)
        if self.kind == "json" and self._raw is None:
            paths.remove_stale_temps(paths.real_target(p))  # left by a write that was killed
            self._raw = json_io.read_json_bytes(p)
        self.repeatable = self._raw is not None

    def load(self, *, milestones: bool = True) -> Review:
        """The review, with every check (what :func:`load_review` returns): the schema and the
        model's rules, for a ``.prr`` as for JSON. ``milestones=False`` is for a command that reads
        the review and never writes it back: it drops the milestones (each a whole review), and
        from a ``.prr`` leaves the import records' reports out (not read: an analysis never looks
        at them)."""
        if self._repo:
            review = _load_from_repository(self._repo)
        elif self._raw is not None:
            review = json_io.review_from_json_bytes(self._raw, file=str(self.path))
        else:
            store = open_store(self.path, readonly=True, lean=not milestones)
            try:
                review = check(store.load(), file=str(self.path))
            finally:
                store.close()
        if not milestones:
            review.milestones = {}
        return review


def load_review(path: str | Path) -> Review:
    """Read a review from a ``.prr`` file or a review ``.json`` file, without changing it."""
    return ReviewSource(path).load()


def save_review(review: Review, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``review`` to a new ``.prr`` or ``.json`` file (by suffix), atomically.

    Replacing a file keeps its permission bits; a symbolic link is written through.
    """
    p = Path(path)
    paths.check_output_path(p)
    if p.suffix.lower() not in (".prr", ".json"):  # out.txt, out.pdf: a review database under another name
        raise PrrError("a review is written as a .prr file (or review JSON, .json); give a name ending in .prr",
                       file=str(p))
    if p.exists() and not overwrite:
        raise PrrError("already exists; pass --force to replace it", file=str(p))
    if p.suffix.lower() == ".json":
        json_io.write_json(review, p)
        return
    create_store(p, review, overwrite=True).close()


class Unchanged(Exception):
    """Raised by an edit's ``change`` that finds the review already as asked (``prr set`` of a value it
    holds): :func:`edit_review` then writes nothing in place and returns the review as read. Every
    write of a ``.prr`` replaces the whole file with a copy, so a "no change" that wrote gave the file
    new bytes and a new time (a backup tool, ``make``, the app holding it open took it for changed)."""


def edit_review(path: str | Path, change: Callable[[Review], Review | None], *,
                output: str | Path | None = None, force: bool = False) -> Review:
    """Apply ``change`` to the review in ``path`` and write it back (or to ``output``).

    ``change`` gets the review as the file holds it now and changes it in place (or
    returns the review to write). In place, nothing can come between the read and the
    write: a ``.prr`` is edited inside one ``BEGIN IMMEDIATE`` transaction (only changed
    rows are written); a JSON file is read and replaced under an exclusive lock on it.
    A ``change`` that raises :class:`Unchanged` leaves the file as it is, byte for byte and
    its time (the copy the write works on is dropped); ``output`` is written all the same.
    Returns the review as written (as read, when unchanged).

    A file that is read-only is refused only for a real change: the edit is worked out first on
    the review as read (no edit writes a read-only file, so no lock is needed), so an edit that is wrong says what
    is wrong, one that changes nothing returns as unchanged, and the rest is refused as read-only
    with nothing written.
    """
    seen: list[Review] = []

    def run(review: Review) -> Review | None:
        seen[:] = [review]
        return change(review)

    if output is None and not _repo_address(path):
        try:
            paths.refuse_read_only(path)
        except PrrError as refusal:
            review = load_review(path)  # a missing or damaged file is said as such, before read-only
            try:
                run(review)
            except Unchanged:
                return review
            raise refusal from None
    try:
        return _edit_review(path, run, output=output, force=force)
    except Unchanged:
        if output is not None:  # a copy was asked for: it is written, as the review is
            save_review(seen[0], output, overwrite=force)
        return seen[0]


def _edit_review(path: str | Path, change: Callable[[Review], Review | None], *,
                 output: str | Path | None = None, force: bool = False) -> Review:
    if output is None and _repo_address(path):
        return _edit_in_repository(path, change)
    p = Path(path)
    if output is not None:
        review = load_review(path)
        out = change(review)
        out = review if out is None else out
        save_review(out, output, overwrite=force)
        return out
    if file_kind(p) == "json":
        paths.refuse_read_only(p)
        with paths.locked_file(p) as fd:
            raw = paths.read_fd(fd, str(p))
            review = json_io.review_from_json_bytes(raw, file=str(p))
            out = change(review)
            out = review if out is None else out
            json_io.write_json(out, p)
        return out
    store = open_store(p)
    try:
        return store.edit(change)
    finally:
        store.close()


def import_into(path: str | Path, result, *, output: str | Path | None = None, force: bool = False,
                dry_run: bool = False):
    """Re-import: merge a fresh import ``result`` into the review in ``path`` and write it.

    The merge runs on the review as its file holds it when it is written (under the
    file's lock, see :func:`edit_review`), so a reviewer's edit made meanwhile is kept.
    Written back in place, or to ``output``; with ``dry_run`` nothing is written.
    Returns the merged import result (its report lists the changes).
    """
    from prr_app.importers import merge

    merged = {}

    def change(existing: Review) -> Review:
        merged["result"] = merge.reimport(existing, result)
        return merged["result"].review

    if dry_run:
        change(load_review(path))
    else:
        try:
            edit_review(path, change, output=output, force=force)
        except PrrError as e:
            raise e.with_file(str(path))
    return merged["result"]


def three_way(base: dict, mine: dict, theirs: dict, prefer: str) -> dict:
    """Merge two versions of one table's rows (key -> row; absent: deleted) made from ``base``.

    A row only one side changed (added, changed or deleted) is taken from that side; a row both
    changed the same way is kept; a row both changed differently is taken from ``prefer``
    ("mine" or "theirs")."""
    out = {}
    for k in list(theirs) + [k for k in mine if k not in theirs] + [k for k in base if k not in theirs and k not in mine]:
        b, m, t = base.get(k), mine.get(k), theirs.get(k)
        if m == b:
            v = t
        elif t == b or t == m:
            v = m
        else:
            v = m if prefer == "mine" else t
        if v is not None:
            out[k] = v
    return out


def _short(v, n: int = 40) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


def _element_rows(review: Review, coll: str, key: str, value) -> dict[str, dict]:
    """The rows of the ``.prr`` file that hold one element of ``review`` (``coll``/``key``) when
    its value is ``value`` (None: absent): table -> key -> row."""
    from prr_app.persistence.store import review_rows
    from prr_app.review.edits import SINGLES

    mini = Review(meta=review.meta, policy=review.policy)
    if coll in SINGLES:
        setattr(mini, coll, value)
    elif value is not None:
        getattr(mini, coll)[key] = value
    rows = review_rows(mini)
    if coll not in SINGLES:
        rows["review"] = {}  # the meta row every review has: not this element's
    return rows


class ReviewDocument:
    """An open review: the in-memory model and the ``.prr`` file behind it.

    Every :meth:`save` is one transaction that writes only what changed, and refuses
    with :class:`prr_app.persistence.store.SaveConflict` (a :class:`PrrError`) when
    another program changed one of those rows since this document read them.
    """

    def __init__(self, store: "ReviewStore", review: Review):
        self.store = store
        self.review = review

    @property
    def path(self) -> Path:
        return self.store.path

    @classmethod
    def open(cls, path: str | Path) -> "ReviewDocument":
        if _repo_address(path):  # a RepoDocument: the same review / save() / close()
            return _open_in_repository(path)
        store = open_store(path)
        try:
            review = store.load()
        except BaseException:
            store.close()
            raise
        return cls(store, review)

    @classmethod
    def create(cls, path: str | Path, review: Review | None = None, *, overwrite: bool = False) -> "ReviewDocument":
        review = review or Review()
        store = create_store(path, review, overwrite=overwrite)
        try:
            loaded = store.load()
        except BaseException:
            store.close()
            raise
        return cls(store, loaded)

    def save(self) -> int:
        """Write what changed; raises ``SaveConflict`` if another program changed the same rows."""
        return self.store.save(self.review)

    def theirs_changes(self, saved: Review, current: Review) -> list:
        """After a save that found another program's writes (``store.theirs``): what that program
        changed, as changes of ``current`` (the review shown), ``saved`` being the copy that save
        wrote. An element changed here since ``saved`` is left as it is here: its next save meets
        the other program's version and asks the user (a conflict). Taken once: ``store.theirs``
        is cleared."""
        from prr_app.review.edits import SINGLES, Change, review_changes

        theirs, self.store.theirs = self.store.theirs, None
        if theirs is None:
            return []

        def value(review: Review, coll: str, key: str):
            return getattr(review, coll) if coll in SINGLES else getattr(review, coll).get(key)

        out = review_changes(saved, theirs, current)
        for key in list(saved.milestones) + [k for k in theirs.milestones if k not in saved.milestones]:
            if saved.milestones.get(key) != theirs.milestones.get(key):
                out.append(Change("milestones", key, current.milestones.get(key), theirs.milestones.get(key)))
        return [c for c in out if value(current, c.coll, c.key) == value(saved, c.coll, c.key)]

    def hold_base(self, elements, review: Review) -> None:
        """After the app's undo (or redo) met another program's write taken into the window: for
        each element ``(coll, key, base, shown)``, ``base`` (the value this window's own edit left,
        or the other program's where the undo kept it) becomes the base of the next save for the
        element's rows, instead of ``shown`` (the value the window showed before the undo, the other
        program's). The undo's write then meets the other program's write as a ``SaveConflict``:
        the user decides, as for any conflict (``ReviewStore.hold_base``). ``review``: the review
        shown (a singleton's row also holds the other singleton)."""
        rows: dict[str, dict] = {}
        for coll, key, base, shown in elements:
            b, n = _element_rows(review, coll, key, base), _element_rows(review, coll, key, shown)
            for table in b:
                for k in set(b[table]) | set(n[table]):
                    rows.setdefault(table, {})[k] = b[table].get(k)
        if rows:
            self.store.hold_base(rows)

    def replaced_by(self) -> str | None:
        """Whether another program saved another review over this document's file (a different
        review, not this one with other programs' changes: the check every save makes), in words;
        None if not. The file is read only when it is not the one this document last read or
        wrote. Raises :class:`PrrError` when it cannot be read."""
        import os

        try:
            st = os.stat(self.store.real)
        except OSError:
            return None  # deleted or moved: not another review (the next save says what)
        if (st.st_dev, st.st_ino) == self.store.seen_file:
            return None
        rows = self.store.read_rows()
        return None if self.store.holds_this_review(rows) else self.replaced_words(rows)

    @staticmethod
    def replaced_words(rows: dict) -> str:
        """Another review in the file (its ``rows``), in words: what it is, so the user knows."""
        from prr_app.wording import count

        name = next((r.get("system_name") for r in rows.get("review", {}).values()), None) or "another system"
        return (f"another program saved another review over this file ({name}, "
                f"{count(len(rows.get('component', {})), 'component')})")

    def reload(self) -> Review:
        """Read the review again from the file (after a ``SaveConflict``, say); the edits not
        saved are dropped from the model this returns and :attr:`review` now holds."""
        self.store._snapshot = None
        self.review = self.store.load()
        return self.review

    def conflict_lines(self, conflicts: list[tuple[str, tuple]]) -> list[str]:
        """Each conflict of a :class:`SaveConflict` in words: the element, and what this document
        and the file now hold for it (the fields that differ)."""
        from prr_app.persistence.store import review_rows
        from prr_app.review.edits import named_by

        now = self.store.read_rows()
        mine = review_rows(self.review)
        base = self.store.snapshot_rows()
        out = []
        for table, key in conflicts:
            name = f"{table.replace('_', ' ')} {'/'.join(map(str, key))}"
            m, t = mine.get(table, {}).get(key), now.get(table, {}).get(key)
            if t is None:
                out.append(f"{name}: deleted in the file, {'changed' if m is not None else 'deleted'} here")
            elif m is None and table == "risk_mitigation" and base.get(table, {}).get(key) is None:
                # the link of a mitigation the other program planned for a risk (its row is the next line)
                out.append(f"mitigation {key[0]} of risk {key[1]}: added in the file")
            elif m is None:
                named = named_by(now, table, key)
                if t == base.get(table, {}).get(key) and named:
                    # the file did not change it: what stands in the way is what names it (a
                    # mitigation another program planned for a risk whose acceptance is undone here)
                    out.append(f"{name}: deleted here, but the file's {', '.join(named[:3])}"
                               + (f" and {len(named) - 3} more" if len(named) > 3 else "")
                               + " still name" + ("s" if len(named) == 1 else "") + " it")
                else:
                    out.append(f"{name}: deleted here, changed in the file")
            else:
                diff = [c for c in m if m[c] != t.get(c)]
                shown = "; ".join(f"{c} here {_short(m[c])}, in the file {_short(t.get(c))}" for c in diff[:4])
                out.append(f"{name}: {shown or 'changed in both'}" + (f" (and {len(diff) - 4} more fields)"
                                                                      if len(diff) > 4 else ""))
        return out

    def save_resolving(self, prefer: str, conflicts=()) -> Review:
        """Save after a :class:`SaveConflict`: a three-way merge, under the file's write lock, of
        what this document read (the base), what it holds now (mine) and what the file holds
        now (theirs). What only one side changed is taken from that side; what both changed
        differently is taken from ``prefer`` ("mine" or "theirs"). Returns the review as
        written (the caller shows it: it has the other program's changes too). Refused with a
        :class:`PrrError`, nothing written, if the merge would break the model's rules (an
        edit here naming an element the other program deleted, say).

        ``conflicts``: the rows the :class:`SaveConflict` named (``(table, key)``). With "theirs"
        each is taken as the file holds it, even where the file did not change it itself: a risk
        deleted here (an undo) that the file's new mitigation still names is in conflict although
        only this side changed its row, and taking the file's version must keep the risk. With
        "mine" such a deletion is refused, naming what still names it: keeping it would drop the
        other program's mitigation from the risk, which is not this window's to drop."""
        if prefer not in ("mine", "theirs"):
            raise ValueError(prefer)
        from prr_app.model.validation import validate
        from prr_app.persistence.store import review_from_rows, review_rows

        store = self.store
        base = store.snapshot_rows()  # what this document read or last wrote
        mine = review_rows(self.review)

        def change(current: Review) -> Review:
            theirs = review_rows(current)
            merged = {table: three_way(base.get(table, {}), mine.get(table, {}), rows, prefer)
                      for table, rows in theirs.items()}
            if prefer == "theirs":
                for table, key in conflicts:
                    row = theirs.get(table, {}).get(key)
                    if row is None:
                        merged.get(table, {}).pop(key, None)
                    else:
                        merged.setdefault(table, {})[key] = row
            try:
                out = review_from_rows(merged, str(self.path))
            except (TypeError, KeyError, ValueError) as e:
                raise PrrError(f"not saved: the two versions cannot be merged ({e}); use Save As to keep "
                               "yours in a file of its own", file=str(self.path)) from None
            before = {str(p) for p in validate(current)}
            new = [str(p) for p in validate(out) if str(p) not in before]
            if new:
                named = self._deleted_but_named(base, mine, merged)
                if named:
                    raise PrrError("not saved: " + "; ".join(named[:3])
                                   + (f" and {len(named) - 3} more" if len(named) > 3 else "")
                                   + ". Take the file's version of it (then change it here by hand), or use Save As "
                                   "to keep yours in a file of its own", file=str(self.path))
                raise PrrError("not saved: merged with the file's version the review would have problems ("
                               + "; ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")
                               + "); use Save As to keep yours in a file of its own", file=str(self.path))
            return out

        return store.edit(change)

    @staticmethod
    def _deleted_but_named(base: dict, mine: dict, merged: dict) -> list[str]:
        """The elements deleted here (in ``base``, not in ``mine`` nor ``merged``) that rows of the
        merge (the file's) still name, in words."""
        from prr_app.review.edits import named_by

        out = []
        for table, rows in base.items():
            for key in rows:
                if key in mine.get(table, {}) or key in merged.get(table, {}):
                    continue
                names = named_by(merged, table, key)
                if names:
                    out.append(f"{table.replace('_', ' ')} {'/'.join(map(str, key))} is deleted here, but the "
                               f"file's {', '.join(names[:3])} still name" + ("s" if len(names) == 1 else "") + " it")
        return out

    def save_copy(self, target: str | Path) -> None:
        """Save, then copy the file with SQLite's backup API."""
        self.save()
        self.store.backup_to(target)

    def close(self) -> None:
        self.store.close()


# ---------------------------------------------------------------- repo:NAME (issue 19)
# The team repository's side of the use cases above; docs/team-repository.md, "A review in
# the repository wherever a review is taken". Only a ``str`` is an address: a ``Path`` is a file.

def _repo_address(path) -> str | None:
    """``path`` when it is a ``repo:NAME`` address, else None."""
    if not isinstance(path, str):
        return None
    from prr_app.teamrepo.address import repository_name

    return path if repository_name(path) is not None else None


def _load_from_repository(address: str) -> Review:
    from prr_app.teamrepo.address import load_review as _load

    return _load(address)


def _open_in_repository(address: str):
    from prr_app.teamrepo.address import RepoDocument

    return RepoDocument.open(address)


def _edit_in_repository(address: str, change: Callable[[Review], Review | None]) -> Review:
    """``change`` applied to the review as the repository holds it now, merged on save: a field
    another reviewer changed meanwhile raises ``ConflictError`` (exit 1) and nothing is written."""
    with _open_in_repository(address) as doc:
        out = change(doc.review)
        if out is not None:
            doc.review = out
        doc.save()
        return doc.review
