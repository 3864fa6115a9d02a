"""Use cases on whole reviews: load from any supported file, save, copy.

Both faces of the product (``prr`` and ``prr-app``) go through here.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from prr_app.domain.model import Review
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


def read_milestones(path):
    from prr_app.persistence.milestones import read_milestones as _read

    return _read(path)


def write_milestones(store, milestones, current=None) -> int:
    from prr_app.persistence.milestones import write_milestones as _write

    return _write(store, milestones, current=current)


def file_kind(path: str | Path) -> str:
    """``"prr"`` or ``"json"``, from the content when it can be read, else the suffix.

    A ``.prr`` file is always read as a review database, whatever it holds: a damaged one
    whose bytes happen to start with ``{`` must be reported as "not an SQLite database",
    not as broken JSON.
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError:
        head = b""
    if head.startswith(SQLITE_MAGIC) or p.suffix.lower() == ".prr":
        return "prr"
    if p.suffix.lower() == ".json" or head.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "prr"


def load_review(path: str | Path) -> Review:
    """Read a review from a ``.prr`` file or a review ``.json`` file, without changing it."""
    return ReviewSource(path).load()


class ReviewSource:
    """A review file, to load in this process and, the same, in a forked helper.

    For a JSON file the bytes are read at once (errors reading them are raised at once) and
    every load parses those bytes: it gives the same review in every process, whatever happens
    to the file meanwhile (``repeatable``). A ``.prr`` file is read by each load.
    """

    def __init__(self, path: str | Path):
        self.path = p = Path(path)
        if not p.exists():
            raise PrrError("no such file", file=str(p))
        if p.is_dir():
            raise PrrError("is a folder, not a review file", file=str(p))
        self._raw = json_io.read_json_bytes(p) if file_kind(p) == "json" else None
        self.repeatable = self._raw is not None

    def load(self, *, milestones: bool = True) -> Review:
        """The review, with every check (what :func:`load_review` returns).

        ``milestones=False`` leaves a ``.prr`` file's milestones unread (each holds a whole
        review: about 0.5 s apiece at 10,000 components): for a command that reads the review
        and never writes it back.
        """
        if self._raw is not None:
            return json_io.review_from_json_bytes(self._raw, file=str(self.path))
        store = open_store(self.path, readonly=True)
        try:
            review = store.load()
            if milestones:
                review.milestones = read_milestones(self.path)
            return review
        finally:
            store.close()

    def load_unchecked(self) -> Review:
        """The review :meth:`load` gives when its checks pass, without the checks: for a helper
        process whose parent runs :meth:`load` on the same bytes (a repeatable source only)."""
        if self._raw is None:
            raise ValueError("not a repeatable source")
        return json_io.review_from_json_bytes(self._raw, file=str(self.path), checked=False)


def save_review(review: Review, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``review`` to a new ``.prr`` or ``.json`` file (by suffix)."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise PrrError("already exists; pass --force to replace it", file=str(p))
    if p.suffix.lower() == ".json":
        json_io.write_json(review, p)
        return
    store = create_store(p, review, overwrite=True)
    try:
        write_milestones(store, review.milestones, current={})
    finally:
        store.close()


class ReviewDocument:
    """An open review: the in-memory model and the ``.prr`` file behind it.

    Every :meth:`save` is one transaction that writes only what changed.
    """

    def __init__(self, store: "ReviewStore", review: Review):
        self.store = store
        self.review = review
        self._milestones_saved = dict(review.milestones)  # what the file holds

    @property
    def path(self) -> Path:
        return self.store.path

    @classmethod
    def open(cls, path: str | Path) -> "ReviewDocument":
        store = open_store(path)
        try:
            review = store.load()
            review.milestones = read_milestones(store.path)
        except BaseException:
            store.close()
            raise
        return cls(store, review)

    @classmethod
    def create(cls, path: str | Path, review: Review | None = None, *, overwrite: bool = False) -> "ReviewDocument":
        review = review or Review()
        store = create_store(path, review, overwrite=overwrite)
        try:
            write_milestones(store, review.milestones, current={})
            loaded = store.load()
        except BaseException:
            store.close()
            raise
        loaded.milestones = dict(review.milestones)
        return cls(store, loaded)

    def save(self) -> int:
        n = self.store.save(self.review)
        ms = self.review.milestones
        saved = self._milestones_saved
        if ms.keys() != saved.keys() or any(ms[k] is not saved[k] for k in ms):
            n += write_milestones(self.store, ms, current=saved)
            self._milestones_saved = dict(ms)
        return n

    def save_copy(self, target: str | Path) -> None:
        """Save, then copy the file with SQLite's backup API."""
        self.save()
        self.store.backup_to(target)

    def close(self) -> None:
        self.store.close()
