"""Milestones: named, dated snapshots of a review, and addressing them.

A milestone is taken from the review as it is (:func:`take`), kept in the review
(``Review.milestones``, saved in the ``.prr`` file and in review JSON) and opened read-only
as a review of its own (:func:`milestone_review`).

Address form (``prr diff`` and every command that reads "a review or a milestone"):
``FILE`` is the review in that file now; ``FILE@MILESTONE`` is the milestone of that review
whose id or name is ``MILESTONE`` (``webshop.prr@pre-launch``). A path that exists as it is
always wins, so a file whose name holds ``@`` still opens.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from prr_app.model.dates import is_date
from prr_app.model.entities import Milestone, Review
from prr_app.errors import PrrError
from prr_app.interchange import json_io
from prr_app.review.document import load_review
from prr_app.review.people import login_name

_SLUG = re.compile(r"[^a-z0-9._-]+")


def milestone_id(name: str) -> str:
    """The readable id of a milestone name: lower case, runs of other characters as ``-``."""
    return _SLUG.sub("-", name.strip().lower()).strip("-.")


def _iso_date(text: str, what: str) -> str:
    if not is_date(text):
        raise PrrError(f"{what} must be a date YYYY-MM-DD, got {text!r}", location="command line")
    return text


def take(review: Review, name: str, *, date: str | None = None, by: str | None = None, note: str = "",
         now: _dt.datetime | None = None) -> Milestone:
    """Take a milestone of ``review`` as it is now and add it to ``review.milestones``.

    ``date`` defaults to today (UTC), ``by`` to the login name of the person running the program
    (:func:`prr_app.review.people.login_name`: "" rather than a system account such as root, which
    names no person; ``prr milestone add`` refuses then, by :func:`~prr_app.review.people.who_decides`).
    A name whose id is already used is refused: a milestone never changes once taken.
    """
    if not name or not name.strip():
        raise PrrError("a milestone needs a name", location="command line")
    mid = milestone_id(name)
    if not mid:
        raise PrrError(f"milestone name {name!r} has no letter or digit to make an id of", location="command line")
    if mid in review.milestones:
        raise PrrError(f"milestone {mid!r} already exists (taken {review.milestones[mid].taken_at}); "
                       "choose another name", location="command line")
    now = now or _dt.datetime.now(_dt.timezone.utc)
    snapshot = json_io.review_to_dict(review)
    snapshot.pop("milestones", None)
    m = Milestone(
        id=mid, name=name.strip(),
        date=_iso_date(date, "--date") if date else now.date().isoformat(),
        taken_at=now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        taken_by=login_name() if by is None else by,
        note=note, review=snapshot,
    )
    review.milestones[mid] = m
    return m


def find(review: Review, key: str, *, file: str | None = None) -> Milestone:
    """The milestone whose id or name is ``key``."""
    if key in review.milestones:
        return review.milestones[key]
    for m in review.milestones.values():
        if m.name == key or m.id == milestone_id(key):
            return m
    known = ", ".join(sorted(review.milestones)) or "none"
    raise PrrError(f"no milestone {key!r} (milestones: {known})", file=file)


def milestone_review(m: Milestone, *, file: str | None = None) -> Review:
    """The review as it was at milestone ``m`` (a new object: edits to it change nothing)."""
    where = f"{file}@{m.id}" if file else f"milestone {m.id}"
    return json_io.review_from_dict(m.review, file=where)


@dataclass
class Side:
    """One side of a comparison: a review and how to name it."""

    review: Review
    label: str
    path: str
    milestone: Milestone | None = None


def split_address(address: str) -> tuple[str, str | None]:
    """``(file, milestone or None)`` of an address ``FILE`` or ``FILE@MILESTONE``."""
    if Path(address).exists() or "@" not in address:
        return address, None
    path, _, key = address.rpartition("@")
    if not path:
        return address, None
    if not key:
        raise PrrError("no milestone name after '@'", file=path)
    return path, key


def load_side(address: str) -> Side:
    """The review an address names (see the module's docstring)."""
    path, key = split_address(address)
    review = load_review(path)
    if key is None:
        return Side(review, path, path)
    m = find(review, key, file=path)
    return Side(milestone_review(m, file=path), f"{path}@{m.id} ({m.name}, {m.date})", path, m)


def listing(review: Review) -> list[dict]:
    """The milestones of a review, oldest first: what ``prr milestone list --json`` prints."""
    out = []
    for m in sorted(review.milestones.values(), key=lambda m: (m.taken_at, m.id)):
        snap = m.review
        out.append({
            "id": m.id, "name": m.name, "date": m.date, "taken_at": m.taken_at, "taken_by": m.taken_by,
            "note": m.note,
            "components": len(snap.get("components", [])), "dependencies": len(snap.get("dependencies", [])),
        })
    return out
