"""Decisions on the risk register made on a review file: what ``prr risk`` does.

The window decides on the risk selected in its register and pushes the named edit of
:mod:`prr_app.review.edits` onto its undo stack; a command names the risk by its id instead.
This module turns that id into the register's risk (an id folded into another, such as
``spof:instance:cart-db`` into ``spof:component:cart-db``, is the risk that holds it, as the
app's row is), refuses an id the register does not have (with the closest ids) or whose
decisions are stale, applies the same named edit to the review as its file holds it now,
under the file's lock (:func:`prr_app.review.document.edit_review`, as ``checklist-answer``),
and analyses the review as written, so that the command can say where the risk stands now.

The decisions themselves (accept, reopen, owner, override, launch blocking) are made by the
functions of this module, by both faces: each applies the named edit and appends what was
decided to the risk's trail (:class:`~prr_app.model.entities.RiskChange`): who, when, why, until
when, and what it replaced. An acceptance replaced by a new one, or taken back, is kept there,
not erased with the risk's current acceptance.
"""
from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from prr_app import paths
from prr_app.errors import PrrError
from prr_app.model.entities import Acceptance, Review, RiskChange
from prr_app.wording import risk_decision_text

if TYPE_CHECKING:
    from prr_app.analysis.document import Analysis
    from prr_app.review.edits import Change


@dataclass
class Target:
    """A risk id as given, and the register's risk it names."""

    asked: str
    risk_id: str

    @property
    def folded(self) -> bool:
        """Is ``asked`` a finding folded into another risk (one of its aliases)?"""
        return self.asked != self.risk_id


@dataclass
class Decision:
    """What :func:`decide` did: the risks named, the risk the decision is about, the review as
    written (``where``) and its register before and after."""

    targets: list[Target]
    risk_id: str | None
    where: str
    review: Review
    before: "Analysis"
    after: "Analysis"
    #: what the edit returned besides its changes ("made": a new id), and whether it changed anything
    #: ("changed": False when it had nothing to change, and nothing was written)
    made: dict = field(default_factory=dict)

    def risk_before(self, risk_id: str | None = None):
        return _line(self.before, risk_id or self.risk_id)

    def risk_after(self, risk_id: str | None = None):
        return _line(self.after, risk_id or self.risk_id)


def _line(analysis: "Analysis", risk_id: str | None):
    return next((r for r in analysis.risks if r.id == risk_id), None) if risk_id else None


def analyse(review: Review, today: str | None = None) -> "Analysis":
    """The register as ``prr analyze`` and the app's live analysis make it (the checklist counted), on
    ``today`` (an ISO date; None: the real date): whether an acceptance has expired depends on it."""
    from prr_app.review.assess import assess

    return assess(review, today=today)


# ------------------------------------------------------------------ decisions and their trail
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def acceptance_text(acc: Acceptance) -> str:
    """An acceptance in words, as a replaced or taken-back one is named: "the acceptance by Lee Chen
    until 2026-12-10: first reason (accepted on 2026-05-01)"."""
    until = f" until {acc.until}" if acc.until else ""
    on = f" (accepted on {acc.at})" if acc.at else ""
    return f"the acceptance by {acc.by}{until}: {acc.reason}{on}"


def _override_text(likelihood, impact) -> str:
    return ", ".join(x for x in (likelihood is not None and f"likelihood {likelihood}",
                                 impact is not None and f"impact {impact}") if x)


def _record(review: Review, changes: list, risk_id: str, entry: RiskChange) -> list:
    """``changes`` with ``entry`` appended to the trail of the risk they write (the edit's own copy
    of the record: the review is not touched until the changes are applied, and undo takes the
    entry back with the decision)."""
    for c in changes:
        if c.coll == "risks" and c.key == risk_id and c.new is not None:
            old = c.old.history if c.old is not None else []
            c.new.history = [*old, entry]
    return changes


def accept(review: Review, risk_id: str, by: str, reason: str, until: str | None = None, *,
           today: str | None = None) -> list:
    """Accept a risk (:func:`prr_app.review.edits.accept_risk`: who, why, until when); the trail keeps
    the acceptance it replaces, if any."""
    from prr_app.review import edits

    rec = review.risks.get(risk_id)
    old = rec.acceptance if rec is not None else None
    changes = edits.accept_risk(review, risk_id, by, reason, until or None, today=today)
    return _record(review, changes, risk_id, RiskChange(
        at=_now(), by=by.strip(), decision="accept", reason=reason.strip(), until=until or None,
        replaced=acceptance_text(old) if old is not None else ""))


def replaced_acceptance(review: Review, risk_id: str) -> Acceptance | None:
    """The acceptance a decision on ``risk_id`` replaces or takes back (None: there is none)."""
    rec = review.risks.get(risk_id)
    return rec.acceptance if rec is not None else None


def reopen(review: Review, risk_id: str, by: str = "", reason: str = "") -> list:
    """Take a risk's acceptance back (:func:`prr_app.review.edits.reopen_risk`); the trail keeps the
    acceptance taken back, and who took it back and why."""
    from prr_app.review import edits

    old = replaced_acceptance(review, risk_id)
    changes = edits.reopen_risk(review, risk_id)
    return _record(review, changes, risk_id, RiskChange(
        at=_now(), by=(by or "").strip(), decision="reopen", reason=(reason or "").strip(),
        replaced=acceptance_text(old) if old is not None else ""))


def set_owner(review: Review, risk_id: str, owner: str, by: str = "") -> list:
    """Set or clear a risk's own owner (:func:`prr_app.review.edits.set_risk_owner`); nothing to
    change (the same owner): no changes and nothing in the trail."""
    from prr_app.review import edits

    rec = review.risks.get(risk_id)
    was = rec.owner if rec is not None else ""
    changes = edits.set_risk_owner(review, risk_id, owner)
    if not changes:
        return changes
    return _record(review, changes, risk_id, RiskChange(
        at=_now(), by=(by or "").strip(), decision="owner", value=" ".join(owner.split()), replaced=was))


def override(review: Review, risk_id: str, likelihood: int | None, impact: int | None, reason: str,
             by: str = "") -> list:
    """Override a risk's likelihood and/or impact (:func:`prr_app.review.edits.override_risk`); the
    trail keeps the override it replaces."""
    from prr_app.review import edits

    rec = review.risks.get(risk_id)
    was = ""
    if rec is not None and (rec.override_likelihood is not None or rec.override_impact is not None):
        was = f"{_override_text(rec.override_likelihood, rec.override_impact)}: {rec.override_reason}"
    changes = edits.override_risk(review, risk_id, likelihood, impact, reason)
    return _record(review, changes, risk_id, RiskChange(
        at=_now(), by=(by or "").strip(), decision="override", reason=reason.strip(),
        value=_override_text(likelihood, impact), replaced=was))


#: A launch-blocking say in one word, as ``prr risk blocking`` takes it.
_BLOCKING_WORDS = {True: "yes", False: "no", None: "rules"}


def blocking(review: Review, risk_id: str, blocks: bool | None, reason: str = "", by: str = "") -> list:
    """The reviewer's say on whether a risk blocks the launch (:func:`prr_app.review.edits.
    mark_launch_blocking`); the trail keeps the say it replaces."""
    from prr_app.review import edits

    rec = review.risks.get(risk_id)
    was = ""
    if rec is not None and rec.launch_blocking is not None:
        was = f"{_BLOCKING_WORDS[rec.launch_blocking]}: {rec.launch_blocking_reason}"
    changes = edits.mark_launch_blocking(review, risk_id, blocks, reason)
    return _record(review, changes, risk_id, RiskChange(
        at=_now(), by=(by or "").strip(), decision="blocking", reason=(reason or "").strip() if blocks is not None
        else "", value=_BLOCKING_WORDS[blocks], replaced=was))


def change_text(h: RiskChange) -> str:
    """One entry of a risk's trail in words, as ``prr risk list`` and the app's Risks tab show it:
    "2026-05-01 09:30 Lee Chen accepted it until 2027-06-01: extended; it replaced the acceptance by
    Lee Chen until 2026-12-10: first reason (accepted on 2026-04-02)"."""
    when = h.at.replace("T", " ")[:16]
    return f"{when} {h.by or 'someone'} {risk_decision_text(h)}"


def find_risk(analysis: "Analysis", risk_id: str) -> Target:
    """The register's risk ``risk_id`` names: itself, or the risk a finding of that id is folded into.

    Raises :class:`PrrError` for an id whose recorded decisions are stale (its finding is gone: the
    app does not list it, and a decision on it would not apply) and for an id the register does not
    have, naming the closest ids."""
    risk_id = (risk_id or "").strip()
    if not risk_id:
        raise PrrError("a risk id is needed (for example 'spof:component:cart-db'; 'prr risk list REVIEW' "
                       "lists them)")
    for r in analysis.risks:
        if r.id == risk_id:
            return Target(risk_id, r.id)
    holder = analysis.risk(risk_id)
    if holder is not None:
        return Target(risk_id, holder.id)
    stale = next((d for d in analysis.stale_decisions if d["id"] == risk_id), None)
    if stale is not None:
        raise PrrError(f"{stale['reason']} (a stale decision: it is in the review but not in the register, "
                       "and nothing can be decided on it)", location=f"risk {risk_id}")
    known = [r.id for r in analysis.risks] + [a for r in analysis.risks for a in r.aliases]
    close = difflib.get_close_matches(risk_id, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'prr risk list REVIEW' lists them"
    raise PrrError(f"no risk {risk_id!r} in the register{hint}", location=f"risk {risk_id}")


def mitigation_make(mitigation_id: str, edit: Callable[[Review, str], "list[Change]"], seen: dict) -> Make:
    """The ``make`` of :func:`decide` for an edit of the mitigation ``mitigation_id`` (``prr risk
    mitigation``): it names no risk of the register (a mitigation is found by its own id, in the review
    as the file holds it under the lock), so a refusal names the mitigation; ``seen`` receives the
    mitigation as it was (``"before"``), for the command to say what changed."""
    from prr_app.review.edits import EditRefused

    def make(review: Review, _ids: list[str]):
        try:
            seen["before"] = review.mitigations.get(mitigation_id)
            return mitigation_id, edit(review, mitigation_id)
        except EditRefused as e:
            raise PrrError(e.message, location=f"mitigation {mitigation_id}") from None

    return make


#: ``make(review, risk ids)``: the named edit's changes, or ``(something, changes)`` when the edit
#: also returns what it made (a new mitigation's or a new risk's id).
Make = Callable[[Review, list[str]], "list[Change] | tuple[object, list[Change]]"]


def decide(path, risk_ids: Sequence[str], make: Make, *, output=None, force: bool = False,
           today: str | None = None) -> Decision:
    """Apply one decision on the risks ``risk_ids`` (none: a new manual risk) to the review in ``path``,
    and write it back in place, under the file's lock, or to ``output`` (``force``: replace it).

    The ids are checked on the review read first (so that a mistyped id is refused before the file is
    locked), and again on the review as the file holds it under the lock if another program changed it
    meanwhile. A refusal (:class:`PrrError`, also the edit's :class:`~prr_app.review.edits.EditRefused`)
    names the file and the risk; nothing is written then, nor when the edit changes nothing (the same
    owner again). A read-only file is refused only for a real change, after the ids and the edit are
    checked (:func:`~prr_app.review.document.edit_review`). Returns the review as written, with its
    register before and after, analysed on ``today`` (None: the real date; ``--today``)."""
    from prr_app.review.document import Unchanged, edit_review, load_review
    from prr_app.review.edits import EditRefused, apply_changes
    from prr_app.review.gate import same_file

    shown = str(path)
    if output is not None:
        paths.check_output_path(output)
        if same_file(output, path):
            output = None  # -o REVIEW: the changed review goes back in place, under the file's lock
    first = load_review(path)  # a missing, locked or damaged file is refused here, as by every command
    # a read-only file (or a repository review without write rights) is refused by edit_review, and only
    # for a real change: a wrong id or a refused edit is said as such, and one that changes nothing (the
    # same owner again) is "nothing changed", as for prr set
    before = analyse(first, today)
    try:
        targets = [find_risk(before, rid) for rid in risk_ids]
    except PrrError as e:
        raise e.with_file(shown)
    made: dict = {}

    def change(review: Review) -> None:
        nonlocal targets
        if review != first:  # another program wrote between the first read and the lock
            now = analyse(review, today)
            targets = [find_risk(now, t.asked) for t in targets]
        ids = list(dict.fromkeys(t.risk_id for t in targets))
        try:
            out = make(review, ids)
        except EditRefused as e:
            raise PrrError(e.message, location=f"risk {ids[0]}" if ids else None) from None
        if isinstance(out, tuple):
            made["made"], out = out
        made["changed"] = bool(out)
        if not out and output is None:
            # the same owner again: nothing to write, the file is left as it is byte for byte, and
            # edit_review returns the review as read under the lock
            raise Unchanged
        apply_changes(review, out)

    try:
        written = edit_review(path, change, output=output, force=force)
    except PrrError as e:
        raise e.with_file(shown)
    risk_id = targets[0].risk_id if targets else made.get("made")  # a new manual risk: its id
    return Decision(targets=targets, risk_id=risk_id, where=str(output or path), review=written,
                    before=before, after=analyse(written, today), made=made)
