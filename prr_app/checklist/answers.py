"""Changing answers: validation, who/when stamps, history; switching templates.

These functions change the in-memory :class:`~prr_app.model.entities.Review`
only; the caller saves it (``prr_app.review.document``).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re

from prr_app.model.dates import is_date
from prr_app.checklist.evaluate import ChecklistResult, Orphan, close_keys, evaluate, item_applies, why_not_asked
from prr_app.model.entities import CONFIRMED_NOTE, AnswerChange, AnswerStatus, ChecklistAnswer, Review
from prr_app.errors import PrrError
from prr_app.wording import enum_words

_ALIASES = {
    "met": "met", "yes": "met", "done": "met",
    "partly": "partly", "partial": "partly", "partially": "partly",
    "not_met": "not_met", "notmet": "not_met", "no": "not_met", "unmet": "not_met",
    "not_applicable": "not_applicable", "na": "not_applicable", "n/a": "not_applicable", "n_a": "not_applicable",
    "unanswered": "unanswered", "open": "unanswered", "clear": "unanswered",
}
#: the statuses with the other words accepted for each, in words (the CLI's help, errors and docs/checklist.md)
STATUS_WORDS = ("met (also yes, done), partly (partial, partially), not_met (not met, no, unmet), "
                "not_applicable (n/a, na; needs a reason), unanswered (open, clear: takes the status back, "
                "the evidence, owner, due date and note stay)")
MAX_TEXT = {"evidence": 2000, "owner": 200, "note": 5000, "reason": 2000, "by": 200}


def normalise_status(value: str) -> str:
    """``"Not met"``, ``"not-met"``, ``"n/a"``... -> a status value; PrrError if unknown."""
    if not isinstance(value, str):
        raise PrrError(f"a status must be text, got {type(value).__name__}", location="status")
    v = value.strip().lower().replace("-", "_").replace(" ", "_")
    if v in _ALIASES:
        return _ALIASES[v]
    raise PrrError(f"{value!r} is not an answer status; use one of {STATUS_WORDS}", location="status")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _check_text(name: str, value) -> str:
    if not isinstance(value, str):
        raise PrrError(f"{name} must be text, got {type(value).__name__}", location=name)
    value = value.strip()
    if len(value) > MAX_TEXT[name]:
        raise PrrError(f"{name} is {len(value)} characters long; the limit is {MAX_TEXT[name]}", location=name)
    return value


def _check_due(value: str) -> str | None:
    if not isinstance(value, str):
        raise PrrError(f"due must be a date YYYY-MM-DD, got {type(value).__name__}", location="due")
    value = value.strip()
    if not value:
        return None
    if not is_date(value):
        raise PrrError(f"{value!r} is not a date in the form YYYY-MM-DD", location="due")
    return value


def set_answer(review: Review, item_key: str, *, status: str | None = None, evidence: str | None = None,
               owner: str | None = None, due: str | None = None, note: str | None = None,
               reason: str | None = None, by: str = "", template=None, at: str | None = None,
               result: ChecklistResult | None = None) -> ChecklistAnswer:
    """Answer (or change the answer to) one checklist item of ``review``.

    ``None`` leaves a field as it is; ``""`` clears it. The item must be one the
    template generates for this review, or an existing answer (an orphan can
    still be edited). ``not_applicable`` needs a reason (given now or already
    stored). The answer gets ``changed_by``/``changed_at`` and a history entry
    describing the change; a call that changes nothing leaves it untouched.
    If the review records no template yet, the template used is recorded.
    Raises :class:`PrrError` on bad input, without changing anything.
    """
    if not isinstance(item_key, str) or not item_key.strip():
        raise PrrError("an item key is needed (for example 'slo.journeys-have-slos' or 'ds.restore-tested@cart-db')")
    item_key = item_key.strip()
    if result is not None:
        tmpl, applies = result.template, item_key in result
    else:  # the one item looked up, not every item evaluated
        tmpl, applies = item_applies(review, item_key, template)
    existing = review.answers.get(item_key)
    if not applies and existing is None:
        why = why_not_asked(review, tmpl, item_key)  # an item of the template that does not apply here: why
        if why is not None:
            raise PrrError(f"checklist item {item_key!r} of template {tmpl.id} {tmpl.version} is not asked of this "
                           f"review: {why}", location=item_key)
        close = (difflib.get_close_matches(item_key, [it.key for it in result.items], n=3, cutoff=0.6)
                 if result is not None else close_keys(review, item_key, template))
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'prr checklist REVIEW --json' lists the keys"
        raise PrrError(f"no checklist item {item_key!r} in template {tmpl.id} {tmpl.version} "
                       f"for this review{hint}", location=item_key)

    old = existing or ChecklistAnswer(item=item_key)
    new = {
        "status": old.status, "evidence": old.evidence, "owner": old.owner, "due": old.due,
        "note": old.note, "reason": old.reason,
    }
    if status is not None:
        new["status"] = normalise_status(status)
        if (new["status"] not in (old.status, AnswerStatus.UNANSWERED.value)
                and (old.note or "").startswith(CONFIRMED_NOTE)):
            # a reviewer's new answer to an item confirmed from evidence: the evidence and the confirmation's
            # note were what the *old* status rested on, so they do not come along unless given again (the
            # history keeps them); the answer is then the reviewer's own, not one confirmed from evidence
            if evidence is None:
                new["evidence"] = ""
            if note is None:
                new["note"] = ""
    if evidence is not None:
        new["evidence"] = _check_text("evidence", evidence)
    if owner is not None:
        new["owner"] = _check_text("owner", owner)
    if due is not None:
        new["due"] = _check_due(due)
    if note is not None:
        new["note"] = _check_text("note", note)
    if reason is not None:
        new["reason"] = _check_text("reason", reason)
    by = _check_text("by", by or "")
    if new["status"] == AnswerStatus.NOT_APPLICABLE.value and not new["reason"]:
        raise PrrError("'not applicable' needs a reason (why the item does not apply)", location=f"{item_key}: reason")
    if at is not None:
        try:
            stamp = _dt.datetime.fromisoformat(at)
        except (TypeError, ValueError):
            stamp = None
        if stamp is None or stamp.tzinfo is None or "T" not in at:
            raise PrrError(f"{at!r} is not a timestamp with a time zone", location="at")

    changes = []
    for k in ("status", "evidence", "owner", "due", "reason", "note"):
        before, after = getattr(old, k), new[k]
        if (before or None) == (after or None):
            continue
        if k == "status":
            changes.append(f"status {before} -> {after}")
        elif k == "note":
            changes.append("note changed" if after else "note cleared")
        elif after:
            changes.append(f"{k}: {after}")
        else:
            changes.append(f"{k} cleared")
    if existing is not None and not changes:
        return existing
    if existing is None and not changes:
        return old  # nothing given: nothing stored

    when = at or _now()
    answer = existing if existing is not None else ChecklistAnswer(item=item_key)
    for k, v in new.items():
        setattr(answer, k, v if k == "due" else (v or ""))
    answer.changed_by = by
    answer.changed_at = when
    answer.history.append(AnswerChange(at=when, by=by, status=answer.status, note="; ".join(changes)))
    review.answers[item_key] = answer
    if not review.meta.checklist_template:
        review.meta.checklist_template = tmpl.id
        review.meta.checklist_version = tmpl.version
    return answer


def use_template(review: Review, template) -> list[Orphan]:
    """Record ``template`` (id, ``id@version``, path or Template) as the review's checklist.

    Answers whose item keys still exist keep applying; the others are kept and
    returned as orphans (nothing is deleted).
    """
    res = evaluate(review, template)
    review.meta.checklist_template = res.template.id
    review.meta.checklist_version = res.template.version
    return res.orphans


_CARRY_RANK = {"not_met": 0, "partly": 1, "met": 2, "not_applicable": 3}

# "in the last quarter", "within the last 6 months", "over the last month": an item that asks for what
# happened in a period (prr-operational's), which an answer given long ago does not show
_PERIOD = re.compile(r"\b(?:in|within|over|during) (the (?:last|past) (?:(\d+|two|three|four|six|twelve) )?"
                     r"(day|week|month|quarter|year)s?)\b", re.I)
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}


def asked_period(question: str) -> tuple[str, int] | None:
    """``("the last quarter", 92)`` when ``question`` asks for what happened in a period, else None."""
    m = _PERIOD.search(question or "")
    if m is None:
        return None
    n = m.group(2)
    n = int(n) if n and n.isdigit() else _NUMBERS.get((n or "").lower(), 1)
    return m.group(1), n * _PERIOD_DAYS[m.group(3).lower()]


def _days_between(earlier: str | None, later: str) -> int | None:
    try:
        a = _dt.datetime.fromisoformat(str(earlier)[:19]).date()
        b = _dt.datetime.fromisoformat(str(later)[:19]).date()
    except (TypeError, ValueError):
        return None
    return (b - a).days


def carry_answers(review: Review, template, *, by: str = "", at: str | None = None,
                  skipped: list | None = None, kept: list | None = None,
                  declined: list | None = None) -> tuple[list[str], list[Orphan]]:
    """Switch ``review`` to ``template`` and propose answers carried over to it.

    Answers keyed by the same item id already apply (nothing is copied). An item of
    the new template that has no answer yet gets a **proposal** (``review.proposals``,
    as imported evidence does): the status, evidence and note of another answer, saying
    where it came from. Like every proposal it is not counted until a reviewer confirms
    it (``prr checklist-confirm``; the confirmed answer also takes the source's owner and
    due date) or rejects it. The source is:

    * of the items listed under its ``carry_from`` (same subject) that have an answer, the
      least favourable (not met, then partly, then met, then not applicable; the first
      listed among equals): a launch capability re-asked for the period, or an item renamed
      between template versions. Sources that say otherwise are named in the proposal's
      reason ("ds.backup-within-rpo@db says met"): two answers that disagree are no ground
      for the better one;
    * for an item a redundancy group shares, its members' own answers to the
      same item (given before members shared their group's items): the least
      favourable of them (not met, then partly, then met, then not applicable).

    A source answered *not applicable* is not proposed (a proposal is met, partly or not
    met): it is appended to ``skipped`` as ``(key, source key, reason)`` for the reviewer
    to answer. An item with a proposal from imported evidence keeps it. A carried proposal
    the reviewer rejected is not made again while its source says the same: appended to
    ``declined`` as ``(key, source key, who rejected it, when)``. An answer met or partly
    that the new template's item, worded for a period ("in the last quarter"), counts as it
    stands is appended to ``kept`` as ``(key, when it was answered, the period, older than the
    period)``: the reviewer checks it still holds (docs/checklist.md, "Carrying answers").
    Nothing is removed: answers the new template does not use stay in the review as orphans.
    Returns (the keys that received a carried proposal, the orphans after the switch).
    """
    from prr_app.checklist.proposals import CARRIED, carried_source
    from prr_app.model.entities import Proposal

    res = evaluate(review, template)
    when = at or _now()
    by = _check_text("by", by or "")
    unanswered = AnswerStatus.UNANSWERED.value
    carried: list[str] = []
    for it in res.items:
        ti = res.template.item(it.item_id)
        if ti is None:
            continue
        existing = review.answers.get(it.key)
        if existing is not None and existing.status != unanswered:
            period = asked_period(ti.question)
            if kept is not None and period is not None and existing.status in ("met", "partly"):
                age = _days_between(existing.changed_at, when)
                kept.append((it.key, existing.changed_at, period[0], age is None or age > period[1]))
            continue
        sources = [src_id if it.subject is None else f"{src_id}@{it.subject}" for src_id in ti.carry_from]
        given = [k for k in sources if k in review.answers and review.answers[k].status in _CARRY_RANK]
        src_key = min(given, key=lambda k: (_CARRY_RANK[review.answers[k].status], given.index(k)), default=None)
        others = [k for k in given if k != src_key and review.answers[k].status != review.answers[src_key].status]
        if src_key is None and it.subject in review.groups:
            members = [f"{it.item_id}@{m}" for m in review.groups[it.subject].members]
            given = [k for k in members if k in review.answers and review.answers[k].status in _CARRY_RANK]
            if given:
                src_key = min(given, key=lambda k: (_CARRY_RANK[review.answers[k].status], k))
        if src_key is None:
            continue
        src = review.answers[src_key]
        if src.status == AnswerStatus.NOT_APPLICABLE.value:
            if skipped is not None:
                skipped.append((it.key, src_key, src.reason))
            continue
        old = review.proposals.get(it.key)
        if old is not None and carried_source(old) is None:
            continue  # proposed from imported evidence: that proposal stays
        reason = f"carried from {src_key} ({enum_words(src.status)}" + (f"; its note: {src.note}" if src.note else "") + ")"
        if others:
            reason = (f"{reason[:1500]}; " + ", ".join(
                f"{k} says {enum_words(review.answers[k].status)}" for k in others) + ": the least favourable counts")
        reason = (reason[:1900] + "; to be confirmed: does it still hold?")
        if old is not None and old.rejected_by and old.status == src.status and old.reason == reason \
                and carried_source(old) == src_key:
            if declined is not None:
                declined.append((it.key, src_key, old.rejected_by, old.rejected_at))
            continue  # rejected, and nothing changed since
        review.proposals[it.key] = Proposal(item=it.key, status=src.status, reason=reason,
                                            evidence=[src.evidence] if src.evidence else [],
                                            extractor=CARRIED + src_key, made_at=when)
        carried.append(it.key)
    if carried:
        review.proposals = dict(sorted(review.proposals.items()))
    review.meta.checklist_template = res.template.id
    review.meta.checklist_version = res.template.version
    return carried, evaluate(review, res.template).orphans
