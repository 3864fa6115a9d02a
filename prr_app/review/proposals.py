"""Proposed answers from imported evidence (issue 21), for both faces.

* :func:`apply_evidence` runs the evidence extractors on what an import read, refreshes
  the review's proposals (:func:`prr_app.checklist.proposals.refresh`: answers are never
  touched, a rejection is kept while the proposal stands unchanged) and marks the
  observability signals the evidence proves (a signal is set to *present* only when it
  was not stated: a reviewer's value is kept; an absence of evidence never sets *missing*).
* :func:`decide_changes` confirms or rejects proposals as one named, undoable edit (the app's
  walker): a confirmed proposal becomes the reviewer's answer (status, the evidence, the
  reason as the note, a history entry "confirmed proposal from evidence") and leaves the
  proposals; a rejected one stays, marked rejected, so a re-import does not propose it again
  while its evidence is the same.
* :func:`decide` does the same to a review file under its lock (``prr checklist-confirm``).
"""
from __future__ import annotations

import copy
import datetime as _dt
from pathlib import Path

from prr_app.checklist.facts import Facts
from prr_app.checklist.proposals import (carried_source, confirmed_fields, confirmed_from_evidence, out_of_date,
                                         propose, refresh, standing, typed_by_hand)
from prr_app.errors import PrrError
from prr_app.model.entities import OBSERVABILITY_SIGNALS, Review
from prr_app.review.edits import Change
from prr_app.wording import count, enum_words, listed


def extract_facts(result) -> Facts:
    from prr_app.importers.readiness import extract

    return extract(result)


def apply_evidence(result, review: Review | None = None) -> Facts:
    """Extract the readiness facts of an import ``result`` and apply them to ``review`` (default:
    the result's review): proposals refreshed, observability marked. Says what it did in the report."""
    review = review if review is not None else result.review
    facts = extract_facts(result)
    if not facts.facts and (review.proposals or any(confirmed_from_evidence(a) for a in review.answers.values())):
        # an import of another kind (a C4 model, traces) read no readiness evidence: it withdraws nothing
        # (nor does it say that answers confirmed from evidence lost it)
        result.report.read.append(f"readiness evidence: none in these files; the review's {len(review.proposals)} "
                                  "proposal(s) are kept as they were" if review.proposals else
                                  "readiness evidence: none in these files; the answers confirmed from evidence "
                                  "are kept as they were")
        return facts
    changes = refresh(review, propose(review, facts))
    marked = mark_observability(review, facts)
    rep = result.report
    n_standing = sum(1 for k in review.proposals if standing(review, k) is not None)
    by_status: dict[str, int] = {}
    for k in review.proposals:
        if standing(review, k) is not None:
            s = review.proposals[k].status
            by_status[s] = by_status.get(s, 0) + 1
    rep.read.append(f"readiness evidence: {len(facts.facts)} fact(s) from {len({f.file for f in facts.facts})} "
                    f"file(s); {n_standing} checklist answer(s) proposed ("
                    + ", ".join(f"{n} {enum_words(s)}" for s, n in sorted(by_status.items())) + ")"
                    if n_standing else f"readiness evidence: {len(facts.facts)} fact(s); no checklist answer proposed")
    if getattr(result, "plan", None) is not None:  # a re-import: say what changed among the proposals
        rep.changes += changes
    rep.read += marked
    # the import's record in the review says it too: the newest (Review.newest_import: of one second, the
    # one added last; the first was rewritten, and a re-import that changed nothing taken for one that did)
    rec = review.newest_import(rep.format, keep=lambda r: isinstance(r.report, dict))
    if rec is not None:
        rec.report["read"] = list(rep.read)
        # the template the evidence proposed answers for: after a switch to another template with evidence
        # extractors, `evidence_pending` says that a re-import is what proposes its answers
        tmpl = _review_template(review)
        if tmpl is not None:
            rec.report["readiness_template"] = f"{tmpl.id} {tmpl.version}"
        rec.report["changes"] = list(rep.changes)
        rec.summary = rep.summary()  # its count of changes with the proposals' among them
        # the signals the files proved, for the report's observability matrix: component -> signal -> file:line
        rec.report["observability_evidence"] = {cid: {s: fs[0].where for s, fs in sorted(sigs.items())}
                                                for cid, sigs in sorted(facts.signals().items())
                                                if cid in review.components}
    return facts


def _review_template(review: Review):
    from prr_app.checklist.evaluate import resolve_template

    try:
        return resolve_template(review)[0]
    except PrrError:
        return None


def evidence_pending(review: Review, where: str = "REVIEW") -> str | None:
    """A line saying that the review's template proposes answers from imported evidence that no import
    of this review has proposed yet (the review was switched to it since: ``prr checklist-use``,
    ``checklist-carry``), and how to have them proposed; None when there is nothing to say.

    The proposals cannot be made from the review alone: the extractors read the imported files, which
    the review's import record names but does not hold (docs/checklist.md, "Proposed answers")."""
    tmpl = _review_template(review)
    if tmpl is None:
        return None
    wanted = [ti.id for ti in tmpl.items if ti.evidence_extractor]
    recs = [r for r in review.imports.values() if isinstance(r.report, dict)
            and any(str(x).startswith("readiness evidence:") for x in r.report.get("read", ()))]
    if not wanted or not recs:
        return None  # nothing to propose, or no import of this review read files with readiness evidence
    rec = max(recs, key=lambda r: r.at or "")
    done = rec.report.get("readiness_template")
    this = f"{tmpl.id} {tmpl.version}"
    if done == this:
        return None
    if done is None:  # an import recorded before this was kept: the proposals from evidence tell
        ids = set(wanted)
        if any(carried_source(p) is None and p.item.split("@", 1)[0] in ids for p in review.proposals.values()):
            return None
    shown = ", ".join(wanted[:4]) + (f" and {len(wanted) - 4} more" if len(wanted) > 4 else "")
    sources = " ".join(rec.sources[:3]) if rec.sources else "SOURCE"
    return (f"{this} proposes answers from imported evidence ({shown}); none proposed yet: the last import "
            + (f"proposed for {done}" if done else "was read for another template")
            + f"; re-import to have them proposed: prr import {sources} --into {where}")


def mark_observability(review: Review, facts: Facts) -> list[str]:
    """Set the signals the facts prove (only those not stated yet); lines saying what was marked."""
    out = []
    for cid, sigs in sorted(facts.signals().items()):
        c = review.components.get(cid)
        if c is None:
            continue
        set_now = []
        for s in OBSERVABILITY_SIGNALS:
            if s in sigs and getattr(c.observability, s) is None:
                setattr(c.observability, s, True)
                set_now.append(f"{s} ({sigs[s][0].where})")
            elif s in sigs and getattr(c.observability, s) is False:
                out.append(f"observability of {cid}: the review says it has no {s}, but {sigs[s][0].text}; "
                           "the review's value is kept (check it)")
        if set_now:
            out.append(f"observability of {cid} from evidence: " + ", ".join(set_now))
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _select(review: Review, keys: list[str], every: bool, reject: bool) -> tuple[list[str], set[str]]:
    """The proposals chosen, and those of them chosen by name (not by --all or a prefix)."""
    named: set[str] = set()
    if every:
        chosen = [k for k in sorted(review.proposals) if standing(review, k) is not None]
        if not chosen:
            raise PrrError("no proposal is waiting for a decision (none, all rejected, or the items are answered)")
        return chosen, named
    if not keys:
        raise PrrError("name the proposals to decide (item keys), or pass --all")
    out = []
    for k in keys:
        if k.endswith("*"):  # a prefix: obs.* or svc.probes@*
            hit = [x for x in sorted(review.proposals) if x.startswith(k[:-1]) and standing(review, x) is not None]
            if not hit:
                raise PrrError(f"no standing proposal matches {k!r}")
            out += hit
            continue
        p = review.proposals.get(k)
        if p is None:
            import difflib

            near = difflib.get_close_matches(k, list(review.proposals), n=1)
            raise PrrError(f"no proposal for {k!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        a = review.answers.get(k)
        if a is not None and a.status != "unanswered" and standing(review, k) is None:
            # (a proposal standing beside an answer the files contradict may replace it: proposals.contradiction)
            raise PrrError(f"{k} is already answered by a reviewer ({enum_words(a.status)}); the reviewer's answer wins")
        if p.rejected_by and not reject:
            pass  # confirming a rejected proposal is allowed: the reviewer changed their mind
        out.append(k)
        named.add(k)
    return list(dict.fromkeys(out)), named


#: why :func:`decide_changes` left a proposal out of a confirmation of several (``skipped``)
NOT_ASKED, OUT_OF_DATE, BY_HAND = "not asked", "out of date", "answered by hand"


def decide_changes(review: Review, keys: list[str] | None = None, *, every: bool = False, reject: bool = False,
                   by: str, at: str | None = None, skipped: list | None = None) -> list[Change]:
    """The changes (answers and proposals) that confirm or reject proposals; ``review`` is not changed.

    A proposal is not confirmed when its item is no longer asked of the review (a reviewer tagged its
    component a telemetry hub since the import) or it is out of date (the model now answers the item
    otherwise because a reviewer changed what the files said: :func:`~prr_app.checklist.proposals.out_of_date`):
    named, it is refused with a line that says why; with ``every``, or where the caller passes a
    ``skipped`` list (the app's "Confirm all shown"), it is left out and listed in ``skipped`` as
    ``(key, NOT_ASKED or OUT_OF_DATE, why)``, and the rest are confirmed: one stale proposal among
    forty no longer stops the forty (:func:`skipped_lines` says it). Rejecting is always possible.

    A proposal standing beside an answer a reviewer typed by hand (the files contradict it:
    :func:`~prr_app.checklist.proposals.contradiction`) replaces that answer only when named: ``--all``, a
    prefix (``svc.probes@*``) or the app's "Confirm all shown" leave it out (``BY_HAND``), so that no
    confirmation of several takes a reviewer's own answer away."""
    from prr_app.checklist import set_answer
    from prr_app.checklist.evaluate import evaluate

    if not by or not by.strip():
        raise PrrError("say who decides (--by NAME): a confirmed proposal becomes that reviewer's answer")
    chosen, named = _select(review, list(keys or []), every, reject)
    res = None if reject else evaluate(review)
    skip = every or skipped is not None
    left_out: list[tuple[str, str, str]] = []
    if res is not None:
        kept = []
        for k in chosen:
            a = review.answers.get(k)
            if typed_by_hand(a) and (k not in named or skip):
                left_out.append((k, BY_HAND, f"{a.changed_by or 'a reviewer'} answered {enum_words(a.status)}"))
                continue
            it = res.item(k)
            if it is None:
                if skip:
                    left_out.append((k, NOT_ASKED, "the item is no longer asked of this review"))
                    continue
                kept.append(k)  # set_answer refuses it, saying why it is not asked
                continue
            why = out_of_date(review, it, res.template, review.proposals[k])
            if why is not None:
                if not skip:
                    raise PrrError(f"the proposal is {why}; answer the item yourself (prr checklist-answer) "
                                   "or reject the proposal", location=k)
                left_out.append((k, OUT_OF_DATE, why))
                continue
            kept.append(k)
        if chosen and not kept:
            raise PrrError("no proposal can be confirmed: " + "; ".join(skipped_lines(left_out)))
        chosen = kept
    if skipped is not None:
        skipped.extend(left_out)
    at = at or _now()
    changes: list[Change] = []
    scratch = copy.copy(review)
    scratch.answers = dict(review.answers)
    scratch.meta = copy.deepcopy(review.meta)
    for k in chosen:
        p = review.proposals[k]
        if reject:
            newp = copy.deepcopy(p)
            newp.rejected_by, newp.rejected_at = by.strip(), at
            changes.append(Change("proposals", k, copy.deepcopy(p), newp))
            continue
        if k in scratch.answers:
            scratch.answers[k] = copy.deepcopy(scratch.answers[k])
        ev, note = confirmed_fields(p)
        src_key = carried_source(p)
        if src_key is None:
            set_answer(scratch, k, status=p.status, evidence=ev, note=note, by=by.strip(), at=at)
        else:  # carried from another answer (prr checklist-carry): its owner and due date come along
            src = review.answers.get(src_key)
            mine = scratch.answers.get(k)
            set_answer(scratch, k, status=p.status, evidence=ev,
                       note=("confirmed: " + p.reason.removesuffix("; to be confirmed: does it still hold?"))[:5000],
                       owner=(src.owner if src is not None and src.owner and not (mine and mine.owner) else None),
                       due=(src.due if src is not None and src.due and not (mine and mine.due) else None),
                       by=by.strip(), at=at)
        changes.append(Change("answers", k, copy.deepcopy(review.answers.get(k)), scratch.answers.get(k)))
        changes.append(Change("proposals", k, copy.deepcopy(p), None))
    if scratch.meta != review.meta:
        changes.append(Change("meta", "", copy.deepcopy(review.meta), scratch.meta))
    return changes


def skipped_lines(skipped: list) -> list[str]:
    """What a confirmation of several left out (``skipped`` of :func:`decide_changes`), in words, for
    both faces: one line for the proposals whose items are no longer asked, one per out-of-date proposal."""
    out = []
    gone = [k for k, kind, _ in skipped if kind == NOT_ASKED]
    if gone:
        out.append(f"skipped {count(len(gone), 'proposal')} whose item is no longer asked of this review "
                   f"(name one to see why): {listed(gone, 6)}")
    out += [f"skipped {k}: the proposal is {why}" for k, kind, why in skipped if kind == OUT_OF_DATE]
    mine = [f"{k} ({why})" for k, kind, why in skipped if kind == BY_HAND]
    if mine:
        out.append(f"skipped {count(len(mine), 'proposal')} beside an answer a reviewer typed, which only a "
                   f"confirmation naming the item replaces: {listed(mine, 6)}")
    return out


def decide(path: str | Path, keys: list[str] | None = None, *, every: bool = False, reject: bool = False, by: str,
           output: str | Path | None = None, force: bool = False, skipped: list | None = None) -> list[str]:
    """Confirm (or reject) proposals in the review file ``path``, under its lock; the keys decided.
    ``skipped``: filled with what a confirmation of several left out (:func:`decide_changes`)."""
    from prr_app.review.document import edit_review
    from prr_app.review.edits import apply_changes

    done: list[str] = []

    def change(review: Review) -> Review:
        done.clear()
        if skipped is not None:
            skipped.clear()
        chs = decide_changes(review, keys, every=every, reject=reject, by=by, skipped=skipped)
        apply_changes(review, chs)
        done.extend(c.key for c in chs if c.coll == "proposals")
        return review

    try:
        edit_review(path, change, output=output, force=force)
    except PrrError as e:
        raise e.with_file(str(path)) if not e.file else e
    return done
