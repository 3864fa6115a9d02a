"""Checklist commands: progress, templates, answering, switching, importing, exporting."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from prr_app import checklist, paths
from prr_app.checklist.template import TEMPLATE_SUFFIXES, TIER_NAMES, bundled_template, shadowed_templates
from prr_app.checklist.answers import STATUS_WORDS
from prr_app.checklist.proposals import (carried_source, confirmed_from_evidence, evidence_changed, evidence_changes,
                                         out_of_date)
from prr_app.cli.json_output import write_indented
from prr_app.errors import PrrError
from prr_app.review.people import who_decides
from prr_app.text_safety import sanitize
from prr_app.wording import enum_words

_MARK = {"met": "[x]", "partly": "[~]", "not_met": "[!]", "not_applicable": "[-]", "unanswered": "[ ]"}


def register(sub) -> None:
    p = sub.add_parser(
        "checklist", help="checklist progress: scores by category, open blockers, next items",
        description="Show the readiness checklist of a review: progress and score per category, open blockers "
                    "and the next unanswered items. Exit 0; with --strict, exit 1 while a required blocker is not met.")
    p.add_argument("review", metavar="REVIEW", help="a .prr or review .json file")
    p.add_argument("--template", metavar="ID|PATH",
                   help="template id, id@version or file (default: the one the review records, else prr-default)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--items", action="store_true", help="list the items (with the filters below)")
    p.add_argument("--category", action="append", metavar="ID", help="only this category (repeatable)")
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="only items with this status: met, partly, not_met, not_applicable, unanswered (repeatable)")
    p.add_argument("--severity", action="append", choices=list(checklist.SEVERITIES), help="only this severity")
    p.add_argument("--required", action="store_true", help="only items required for the tier")
    p.add_argument("--next", type=int, default=5, metavar="N",
                   help="how many next unanswered items to show (default 5; at least 1)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 while any required blocker is not met (answered not met/partly, or unanswered)")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("checklist-templates", help="list the checklist templates with version and item count",
                       description="List the bundled and the user's checklist templates.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser(
        "checklist-answer", help="answer one checklist item of a review",
        description="Set the answer of one checklist item (key as shown by 'prr checklist --items'). "
                    "Changes the review file in place unless -o is given.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("item", metavar="ITEM_KEY", help="e.g. slo.journeys-have-slos or ds.restore-tested@cart-db")
    p.add_argument("--status", help=f"one of: {STATUS_WORDS}")
    p.add_argument("--evidence", help="link or reference ('' clears it)")
    p.add_argument("--owner")
    p.add_argument("--due", metavar="YYYY-MM-DD")
    p.add_argument("--note")
    p.add_argument("--reason", help="why the item does not apply (for not_applicable)")
    p.add_argument("--by", help="who answers (default: the login name)")
    p.add_argument("--template", metavar="ID|PATH", help="template to answer against (default: the review's)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the changed review here instead")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_answer)

    p = sub.add_parser(
        "checklist-use", help="switch a review to another checklist template or version",
        description="Record the template a review is answered against. Answers whose items still exist keep "
                    "applying; the others are kept and listed as orphans.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("template", metavar="ID|PATH")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_use)

    p = sub.add_parser(
        "checklist-carry", help="switch a review to another template, carrying answers over (launch -> operational)",
        description="Switch the review to TEMPLATE (prr-operational after launch; prr-default to move the answers of "
                    "a review answered with prr-default 1.0). Answers to items with the same id keep applying; an "
                    "item that names other items under carry_from, or that a redundancy group shares, gets a copy "
                    "of their answer with a history entry, for a reviewer to confirm. Nothing is removed. Changes "
                    "the review file in place unless -o is given.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("template", metavar="ID|PATH")
    p.add_argument("--by", help="who is recorded for the carried answers (default: the login name)")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_carry)

    p = sub.add_parser(
        "checklist-import", help="import a team's checklist (Markdown task list or template file)",
        description="Turn a Markdown task list (headings = categories, '- [ ]' items, '(blocker)' tags) or a "
                    "checklist template file into an installed template.")
    p.add_argument("file", metavar="FILE", help=".md task list, or .yaml/.json template")
    p.add_argument("--id", help="template id (default: from the file name)")
    p.add_argument("--title")
    p.add_argument("--version", default="1", dest="tversion", help="template version (default 1)")
    p.add_argument("--default-severity", default="medium", choices=list(checklist.SEVERITIES))
    p.add_argument("-o", "--output", metavar="OUT", help="where to write the template (default: the user template folder)")
    p.add_argument("--force", action="store_true", help="replace an existing template file")
    p.add_argument("--review", metavar="REVIEW",
                   help="also record ticked '[x]' items as met in this review (and switch it to the template)")
    p.add_argument("--by", help="who is recorded for --review answers (default: the login name)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "checklist-confirm", help="confirm (or reject) answers proposed from imported evidence",
        description="Confirm the answers 'prr import' proposed from the files it read (shown by 'prr checklist "
                    "--items' as 'proposed from evidence'): each becomes the reviewer's answer, with the evidence "
                    "and the reason. With --reject they are marked rejected and not proposed again while their "
                    "evidence is the same. An item a reviewer answered keeps that answer. Changes the review file "
                    "in place unless -o is given.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("items", nargs="*", metavar="ITEM_KEY",
                   help="proposals to decide (svc.probes@cart); a trailing * matches a prefix (svc.probes@*)")
    p.add_argument("--all", action="store_true", help="every proposal waiting for a decision")
    p.add_argument("--reject", action="store_true", help="reject instead of confirming")
    p.add_argument("--by", help="who decides (default: the login name)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the changed review here instead")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_confirm)

    p = sub.add_parser("checklist-export", help="export checklist items and answers to CSV",
                       description="Write every item with its answer (and orphaned answers) as CSV.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="'-' for stdout")
    p.add_argument("--template", metavar="ID|PATH")
    p.add_argument("--answered", action="store_true", help="only answered items (and orphans)")
    p.set_defaults(func=cmd_export)


# ------------------------------------------------------------------ helpers
def _load(path):
    from prr_app.review.document import load_review

    return load_review(path)


def _edit(src: str, change, output: str | None, force: bool) -> str:
    """Apply ``change`` to the review in ``src`` as its file holds it now, under its lock, and
    write it back (in place) or to ``output``. Returns where it was written."""
    from prr_app.review.document import edit_review
    from prr_app.review.gate import same_file

    if output is not None and same_file(output, src):
        output = None  # -o REVIEW: the changed review goes back in place, under the file's lock
    edit_review(src, change, output=output, force=force)
    return output or src


def _pct(v) -> str:
    return "  -  " if v is None else f"{v:5.1f}%"


def _line(it, width: int = 100) -> str:
    q = it.question if len(it.question) <= width else it.question[: width - 3] + "..."
    req = "" if it.required else " (optional)"
    by = " (model)" if it.source == "model" else ""
    if it.proposal is not None:
        by += f" (proposed: {enum_words(it.proposal.status)})"
    return f"  {_MARK[it.status]} {it.key}  [{it.severity}{req}, tier {it.tier}]{by}\n      {q}"


# ------------------------------------------------------------------ commands
def cmd_checklist(args) -> int:
    if args.next < 1:
        raise PrrError(f"--next must be at least 1, not {args.next}")
    review = _load(args.review)
    res = checklist.evaluate(review, args.template)
    if args.status:
        args.status = [checklist.normalise_status(s) for s in args.status]
    if args.category:
        known = {c.id for c in res.template.categories}
        for c in args.category:
            if c not in known:
                raise PrrError(f"no category {c!r} in {res.template.label}; categories: {', '.join(sorted(known))}")
    filtered = res.filter(category=args.category, status=args.status, severity=args.severity,
                          required=True if args.required else None)
    blocked = bool(res.open_blockers)
    if args.json:
        # the items are written as they are made (340,000 of them on a 10,000-component import)
        d = res.to_dict(items=False)
        d["items"] = None
        d["review"] = {"system_name": review.meta.system_name, "file": str(args.review)}
        shown = filtered if args.category or args.status or args.severity or args.required else res.items
        sys.stdout.flush()
        write_indented(d, sys.stdout.buffer, streamed="items", items=(it.to_dict() for it in shown))
        sys.stdout.buffer.flush()
        return 1 if (args.strict and blocked) else 0

    t = res.template
    ov = res.overall
    out = [f"{review.meta.system_name}: checklist {t.id} {t.version} ({t.title}), {TIER_NAMES.get(res.tier, res.tier)}"
           + (f" (the review {'is tier ' + str(review.meta.tier) if review.meta.tier is not None else 'states no tier'}"
              "; review-wide items owe what its most demanding part owes)"
              if res.tier != review.meta.tier else "")]
    for w in res.warnings:
        out.append(f"warning: {w}")
    from prr_app.review.proposals import evidence_pending

    pending = evidence_pending(review, str(args.review))  # switched to a template whose proposals need a re-import
    if pending:
        out.append(f"note: {pending}")
    out.append(f"score {_pct(ov.score).strip()} (severity-weighted, required items)   answered {ov.answered}/{ov.total}"
               f"   required answered {ov.required_answered}/{ov.required}   open blockers {len(res.open_blockers)}"
               f" ({len(res.blocking_items)} not met in full, {len(res.unanswered_blockers)} unanswered)")
    out.append("")
    out.append(f"  {'category':<40} {'answered':>9} {'met':>4} {'partly':>6} {'not met':>7} {'n/a':>4} {'score':>7} {'blockers':>8}")
    for c in res.categories:
        if args.category and c.id not in args.category:
            continue
        out.append(f"  {c.title[:40]:<40} {f'{c.answered}/{c.total}':>9} {c.met:>4} {c.partly:>6} {c.not_met:>7} "
                   f"{c.not_applicable:>4} {_pct(c.score):>7} {c.open_blockers:>8}")
    raised = res.raised_tiers
    if raised:
        out.append("")
        out.append(f"Effective tiers ({len(raised)} component{'s owe' if len(raised) > 1 else ' owes'} more than "
                   "its own tier: a component owes what the most demanding journey or user-facing component "
                   "depending on it owes):")
        for cid, t in sorted(raised.items()):
            out.append(f"  {cid}: {t.reason}")
    if res.findings:
        out.append("")
        out.append(f"Model contradictions ({len(res.findings)}; found in the review's own data):")
        for f in res.findings:
            over = f" [reviewer answered {enum_words(f.overridden)}]" if f.overridden else ""
            out.append(f"  {f.key}: {f.message}{over}")
    if res.blocking_items:
        out.append("")
        out.append("Blocking (required blockers answered not met or partly; the review is not ready):")
        out.extend(_line(it) for it in res.blocking_items)
    if res.unanswered_blockers:
        out.append("")
        out.append(f"Unanswered blockers ({len(res.unanswered_blockers)}):")
        out.extend(_line(it) for it in res.unanswered_blockers[: max(args.next, 10)])
        if len(res.unanswered_blockers) > max(args.next, 10):
            out.append(f"  ... and {len(res.unanswered_blockers) - max(args.next, 10)} more")
    moved = evidence_changes(review)  # answers (confirmed from evidence, or typed) that the imported files contradict
    if moved:
        out.append("")
        out.append(f"Answers the imported files contradict ({len(moved)}; counted as answered until a reviewer "
                   "confirms the new proposal, rejects it, or answers anew):")
        out.extend(f"  {line}" for line in moved)
    check = checklist.blockers_to_check(res)
    if check:
        out.append("")
        out.append(f"Blockers passed without being shown met ({len(check)}; not blocking, for the lead to check: "
                   "answered not applicable, or met without evidence):")
        out.extend(f"  {_MARK[it.status]} {it.key}: {text}" for it, text in check)
    proposed = [it for it in res.items if it.proposal is not None]
    if proposed:
        counts: dict[str, int] = {}
        for it in proposed:
            counts[it.proposal.status] = counts.get(it.proposal.status, 0) + 1
        out.append("")
        n_carried = sum(1 for it in proposed if carried_source(it.proposal) is not None)
        source = ("from imported evidence" if not n_carried else "carried from other answers" if n_carried == len(proposed)
                  else f"from imported evidence, {n_carried} carried from other answers")
        out.append(f"Proposed answers {source} ({len(proposed)}: "
                   + ", ".join(f"{n} {enum_words(s)}" for s, n in sorted(counts.items()))
                   + "; not counted until a reviewer confirms them: prr checklist-confirm REVIEW ITEM... | --all [--by NAME], "
                     "or --reject; --items shows each with its evidence)")
    nxt = [it for it in res.priority_unanswered() if not it.is_open_blocker][: max(args.next, 0)]
    if nxt:
        out.append("")
        out.append("Next unanswered items:")
        out.extend(_line(it) for it in nxt)
    if args.items:
        out.append("")
        out.append(f"Items ({len(filtered)}):")
        for it in filtered:
            out.append(_line(it, 200))
            a = it.answer
            if a is not None:
                extra = [f"{k}: {getattr(a, k)}" for k in ("evidence", "owner", "due", "reason", "note") if getattr(a, k)]
                if a.changed_by and a.status != "unanswered":
                    extra.append(f"answered by {a.changed_by}" + (f" on {a.changed_at[:10]}" if a.changed_at else ""))
                if extra:
                    out.append("      " + "; ".join(extra))
                why = evidence_changed(review, it.key)
                if why:
                    out.append(f"      the evidence changed: {why}")
            if it.proposal is not None:
                pr = it.proposal
                how = "proposed from evidence" if carried_source(pr) is None else "proposed, carried"
                out.append(f"      {how} (to confirm): {enum_words(pr.status)}: {pr.reason}")
                stale = out_of_date(review, it, res.template)
                if stale:  # confirming is refused: say so where the proposal is listed
                    out.append(f"      the proposal is {stale}")
            if it.model_answer is not None:
                m = it.model_answer
                lead = "model" if it.source == "model" else "model (overridden by the reviewer)"
                out.append(f"      {lead}: {enum_words(m.status)}, {m.evidence}")
            if it.tier_reason:
                out.append(f"      {it.tier_reason}")
            if it.anchors:
                out.append("      anchors: " + "; ".join(it.anchors))
    if res.orphans:
        out.append("")
        out.append(f"Orphaned answers ({len(res.orphans)}; kept in the review, not counted):")
        for o in res.orphans:
            out.append(f"  {_MARK.get(o.answer.status, '[?]')} {o.key}: {o.reason}")
    print(sanitize("\n".join(out)))
    return 1 if (args.strict and blocked) else 0


def cmd_templates(args) -> int:
    errors: list = []
    infos = checklist.templates(errors=errors)
    if args.json:
        sys.stdout.write(json.dumps({"templates": [i.to_dict() for i in infos],
                                     "errors": [str(e) for e in errors], "warnings": shadowed_templates()},
                                    indent=2, ensure_ascii=False) + "\n")
        return 0
    print(f"{'id':<24} {'version':<8} {'items':>5} {'scoped':>6}  {'source':<7}  title")
    for i in infos:
        print(f"{i.id:<24} {i.version:<8} {i.item_count:>5} {i.scoped_item_count:>6}  {i.source:<7}  {i.title}")
    for e in errors:
        print(f"prr: skipped a template that does not load: {e}", file=sys.stderr)
    for w in shadowed_templates():
        print(sanitize(f"prr: warning: {w}", one_line=True), file=sys.stderr)
    return 0


def cmd_answer(args) -> int:
    if all(getattr(args, k) is None for k in ("status", "evidence", "owner", "due", "note", "reason")):
        raise PrrError("nothing to change: give --status, --evidence, --owner, --due, --note or --reason")
    if args.output:
        paths.check_output_path(args.output)
    by = who_decides(args.by, "who answers the item", file=str(args.review))
    done = {}

    def change(review):
        if args.template is None:  # the item is then looked up in the template the machine has instead
            from prr_app.checklist.evaluate import missing_review_template

            done["missing"] = missing_review_template(review)
        done["target_launch"] = review.meta.target_launch
        was = review.answers.get(args.item)
        done["was"] = (was.status, was.evidence) if was is not None and confirmed_from_evidence(was) else None
        done["a"] = checklist.set_answer(review, args.item, status=args.status, evidence=args.evidence,
                                         owner=args.owner, due=args.due, note=args.note, reason=args.reason, by=by,
                                         template=args.template)

    where = _edit(args.review, change, args.output, args.force)
    if done.get("missing"):
        print(sanitize(f"prr: warning: {done['missing']}", one_line=True), file=sys.stderr)
    a = done["a"]
    print(sanitize(f"{a.item}: {enum_words(a.status)}" + (f" (evidence: {a.evidence})" if a.evidence else "") + f"; wrote {where}"))
    was = done.get("was")
    if was is not None and was[0] != a.status and was[1] and not a.evidence:
        print(sanitize(f"{a.item}: the evidence confirmed for {enum_words(was[0])} does not carry over to "
                       f"{enum_words(a.status)} (the answer's history keeps it); --evidence gives the new answer's",
                       one_line=True))
    if args.due and a.status not in ("met", "not_applicable"):  # work still to do, due when?
        from prr_app.cli.today import warn_due

        warn_due(args.due, done.get("target_launch"))
    return 0


def cmd_use(args) -> int:
    if args.output:
        paths.check_output_path(args.output)
    done = {}

    def change(review):
        done["orphans"] = checklist.use_template(review, args.template)
        done["meta"] = review.meta
        done["review"] = review

    where = _edit(args.review, change, args.output, args.force)
    orphans, meta = done["orphans"], done["meta"]
    print(sanitize(f"checklist template: {meta.checklist_template} {meta.checklist_version}; wrote {where}"))
    if orphans:
        print(f"{len(orphans)} answer(s) no longer match an item (kept in the review):")
        for o in orphans:
            print(sanitize(f"  {o.key}: {o.reason}"))
    _say_evidence_pending(done["review"], where)
    return 0


def _say_evidence_pending(review, where: str) -> None:
    """After a switch of template: its answers proposed from evidence wait for a re-import (say so)."""
    from prr_app.review.proposals import evidence_pending

    line = evidence_pending(review, where)
    if line:
        print(sanitize(line, one_line=True))


def cmd_carry(args) -> int:
    by = who_decides(args.by, "who answers the item", file=str(args.review))
    done = {}

    def change(review):  # on the review as the file holds it now, under its lock
        done["before"] = (review.meta.checklist_template or checklist.DEFAULT_TEMPLATE, review.meta.checklist_version)
        done["skipped"], done["kept"], done["declined"] = [], [], []
        done["result"] = checklist.carry_answers(review, args.template, by=by, skipped=done["skipped"],
                                                 kept=done["kept"], declined=done["declined"])
        done["review"] = review

    where = _edit(args.review, change, args.output, args.force)
    before, (carried, orphans), review = done["before"], done["result"], done["review"]
    frm = before[0] + (f" {before[1]}" if before[1] else "")
    print(f"checklist template: {frm} -> {review.meta.checklist_template} {review.meta.checklist_version}; "
          f"wrote {where}")
    if carried:
        print(f"{len(carried)} answer(s) carried over as proposals, not counted until you confirm them "
              f"(prr checklist-confirm {where} ITEM... | --all [--by NAME], or --reject):")
        for k in carried:
            p = review.proposals[k]
            print(sanitize(f"  {_MARK.get(p.status, '[?]')} {k}: {p.reason}", one_line=True))
    else:
        print("no answers to carry over")
    for key, src_key, reason in done["skipped"]:
        print(sanitize(f"  not carried: {key}: {src_key} was answered not applicable ({reason}); answer it yourself "
                       "if it still does not apply", one_line=True))
    for key, src_key, who, when in done["declined"]:
        print(sanitize(f"  not carried again: {key}: the proposal carried from {src_key} was rejected by {who}"
                       + (f" on {str(when)[:10]}" if when else "") + "; answer it yourself, or confirm it by its key "
                       "if you changed your mind", one_line=True))
    if done["kept"]:
        print(f"{len(done['kept'])} answer(s) kept as answers to items that ask for a period (they count as they "
              "stand: check each still holds, or answer it again):")
        for key, at, period, old in done["kept"]:
            print(sanitize(f"  {key}: answered on {str(at)[:10] if at else 'an unknown date'}; "
                           f"{review.meta.checklist_template} asks for {period}"
                           + (" (answered before it began)" if old else ""), one_line=True))
    if orphans:
        names = ", ".join(o.key for o in orphans[:5]) + (f" and {len(orphans) - 5} more" if len(orphans) > 5 else "")
        print(sanitize(f"{len(orphans)} answer(s) not used by {review.meta.checklist_template} (kept in the review): "
                       f"{names}", one_line=True))
    _say_evidence_pending(review, where)
    return 0


_MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")


def _meaning(t) -> dict:
    """What an answer to each item means and how it counts: id, question, severity, tiers, scope, decider."""
    return {it.id: (it.question, it.severity, tuple(it.tiers), it.scope, it.model) for it in t.items}


def _changed_items(old, new) -> str:
    """The items whose meaning differs between two templates of the same id and version, in words ("" if none)."""
    a, b = _meaning(old), _meaning(new)
    added = [i for i in b if i not in a]
    removed = [i for i in a if i not in b]
    changed = [i for i in b if i in a and a[i] != b[i]]

    def some(ids):
        return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")

    parts = [f"{what} {some(ids)}" for what, ids in (("added", added), ("removed", removed), ("changed", changed)) if ids]
    return "; ".join(parts)


def _check_install(tmpl, src: Path, out: Path, *, markdown: bool, force: bool) -> None:
    """Refuse a template that would take the place of another with the same id and version: a bundled one
    (it would be ignored, or silently replace it), another file, or (with --force) the same file with items
    of another meaning: answers recorded against that version would silently change meaning."""
    how = ("give it another id (--id) or a new version (--version)" if markdown
           else "give it another id or a new version (its 'id:' and 'version:')")
    if bundled_template(tmpl.id, tmpl.version) is not None:
        raise PrrError(f"{tmpl.id} {tmpl.version} is a bundled template; an imported template may not take its id "
                       f"and version: {how}", file=str(src))
    in_user_dir = out.parent.is_dir() and checklist.user_template_dir().is_dir() and \
        _same(out.parent, checklist.user_template_dir())
    if in_user_dir:
        for info in checklist.templates():
            if (info.id, info.version) == (tmpl.id, tmpl.version) and info.source == "user" \
                    and not _same(info.path, out):
                raise PrrError(f"{tmpl.id} {tmpl.version} is already installed from {info.path}: {how}",
                               file=str(src))
    if force and out.exists():
        try:
            old = checklist.read_template_file(out)
        except PrrError:
            return  # not a template we can read: replaced, as --force asks
        if (old.id, old.version) == (tmpl.id, tmpl.version):
            diff = _changed_items(old, tmpl)
            if diff:
                raise PrrError(f"{tmpl.id} {tmpl.version} is already installed with other items ({diff}); answers "
                               f"recorded against {tmpl.id} {tmpl.version} would silently change meaning: "
                               f"{'import it as a new version (--version)' if markdown else 'raise its version'}, "
                               "or remove the installed file first", file=str(out))


def _same(a, b) -> bool:
    from prr_app.review.gate import same_file

    return same_file(a, b)


def _version_notes(tmpl, src: Path, *, markdown: bool, id_given: bool) -> list[str]:
    """Warnings about the other versions of an imported template: a new version named by the file
    (team2.md gives the id team2, not version 2 of team) and the item ids an earlier version had that
    this one lacks (answers to them stop counting: a reworded question gets a new derived id)."""
    import difflib

    installed = checklist.templates()
    others = [i for i in installed if i.id == tmpl.id and i.version != tmpl.version]
    notes = []
    if not others and markdown and not id_given and tmpl.version != "1":
        ids = sorted({i.id for i in installed if i.id != tmpl.id})
        close = difflib.get_close_matches(tmpl.id, ids, n=3, cutoff=0.6)
        near = (f", e.g. --id {close[0]}" + (f" (also installed: {', '.join(close[1:])})" if close[1:] else "")
                if close else "")
        notes.append(f"{src}: the template id {tmpl.id!r} comes from the file name {src.name} and no other version of "
                     f"{tmpl.id} is installed: to import version {tmpl.version} of an installed template, give its "
                     f"id with --id{near}")
    if others:
        from prr_app.checklist.template import _version_key  # the order load_template picks the newest by

        key = _version_key(tmpl.version)
        before = [i for i in others if _version_key(i.version) < key] or others  # the version it follows, if any
        prev_info = max(before, key=lambda i: _version_key(i.version))
        try:
            prev = checklist.load_template(f"{prev_info.id}@{prev_info.version}")
        except PrrError:
            return notes
        new_ids = {it.id for it in tmpl.items}
        gone = [it.id for it in prev.items if it.id not in new_ids]
        if gone:
            keep = ("end its line with its old id, e.g. {#" + gone[0] + "}" if markdown
                    else "keep its id, or list the old id under its carry_from")
            notes.append(f"{src}: {len(gone)} item id(s) of {prev.label} are not in {tmpl.label}: "
                         f"{', '.join(gone[:10])}{f' and {len(gone) - 10} more' if len(gone) > 10 else ''}; answers "
                         f"to them stop counting in a review switched to {tmpl.label} (kept as orphans). If an item "
                         f"was only reworded, {keep}")
    return notes


def cmd_import(args) -> int:
    from prr_app.review.document import Unchanged, file_kind
    from prr_app.review.gate import check_output

    src = Path(args.file)
    suffix = src.suffix.lower()
    if suffix and suffix not in _MARKDOWN_SUFFIXES + TEMPLATE_SUFFIXES:
        raise PrrError(f"checklist-import does not read {suffix} files: give a Markdown checklist (.md) or a "
                       "template (.yaml/.yml or .json)" + ("; a .prr file is a review" if suffix == ".prr" else ""),
                       file=str(src))
    if suffix in _MARKDOWN_SUFFIXES:
        from prr_app.checklist.markdown import read_markdown_file, slugify

        tid = args.id or slugify(src.stem, max_len=60)
        imp = read_markdown_file(src, template_id=tid, version=args.tversion, title=args.title,
                                 default_severity=args.default_severity)
        tmpl, checked, warnings = imp.template, imp.checked, imp.warnings
    else:
        tmpl = checklist.read_template_file(src)
        checked, warnings = [], []
        if args.id or args.title:
            raise PrrError("--id and --title apply to Markdown imports; a template file keeps its own")
    if args.output is not None:  # the user's own folder must exist and be writable: none is created
        check_output(args.output, args.review, what="the template", option="-o")
    out = Path(args.output) if args.output is not None else \
        checklist.user_template_dir() / f"{tmpl.id}-{tmpl.version}.yaml"
    if out.exists() and not args.force:
        raise PrrError("already exists; pass --force to replace it", file=str(out))
    _check_install(tmpl, src, out, markdown=suffix in _MARKDOWN_SUFFIXES, force=args.force)
    warnings = warnings + _version_notes(tmpl, src, markdown=suffix in _MARKDOWN_SUFFIXES, id_given=bool(args.id))
    by = None
    done: dict = {"recorded": [], "kept": [], "changed": False}

    def change(review):
        done["recorded"], done["kept"] = [], []
        was = (review.meta.checklist_template, review.meta.checklist_version)
        checklist.use_template(review, tmpl)
        for iid in checked:
            a = review.answers.get(iid)
            if a is not None and a.status != "unanswered":
                done["kept"].append((iid, a.status))  # the reviewer's answer is never changed by a tick
                continue
            # an answer left unanswered may hold the reviewer's note: it is kept
            note = None if (a is not None and a.note) else f"ticked in {src.name}"
            checklist.set_answer(review, iid, status="met", by=by, template=tmpl, note=note)
            done["recorded"].append(iid)
        done["changed"] = bool(done["recorded"]) or was != (review.meta.checklist_template,
                                                           review.meta.checklist_version)
        if not done["changed"]:
            raise Unchanged  # already on this template, every ticked item answered: the file is left as it is

    if args.review:
        # everything the review's edit needs is checked before the template is installed, in the order of
        # every edit (prr set, prr risk): the review read, --by, then the edit worked out on the review as
        # read, so what is wrong with it is said as such; only a real change of a review that cannot be
        # written (read-only, in a read-only folder) is refused, and it leaves no half-import (a retry
        # would find the template "already exists"); one that changes nothing writes nothing
        first = _load(args.review)
        by = who_decides(args.by, "who answers the items", file=str(args.review))
        try:
            change(first)
        except Unchanged:
            pass
        except PrrError as e:
            raise e.with_file(str(args.review)) if not e.file else e
        if done["changed"] and file_kind(args.review) != "repo":
            paths.refuse_read_only(args.review)
            paths.refuse_unwritable_folder(paths.real_target(args.review).parent, shown=str(args.review))
    before = out.read_bytes() if args.review and out.is_file() else None
    checklist.write_template(tmpl, out)
    if args.review:
        try:
            _edit(args.review, change, None, False)
        except BaseException:  # the review was not changed: neither is the template folder
            try:
                if before is None:
                    out.unlink(missing_ok=True)
                else:
                    paths.atomic_write_bytes(out, before)
            except (OSError, PrrError):
                pass  # the edit's error is the one to tell
            raise
    for w in warnings:
        print(f"warning: {sanitize(w, one_line=True)}", file=sys.stderr)
    print(sanitize(f"imported {tmpl.id} {tmpl.version}: {len(tmpl.items)} items in {len(tmpl.categories)} "
                   f"categories; wrote {out}", one_line=True))
    if args.review and not done["changed"]:
        print(sanitize(f"no change: {args.review} already uses {tmpl.id} {tmpl.version}"
                       + (f" and has an answer for every ticked item ({len(done['kept'])} kept)" if done["kept"]
                          else "") + "; it is left as it was", one_line=True))
    elif args.review:
        print(sanitize(f"recorded {len(done['recorded'])} ticked item(s) as met in {args.review}"
                       + (f" (only items nobody had answered; {len(done['kept'])} answer(s) kept)"
                          if done["kept"] else ""), one_line=True))
        for iid, status in done["kept"]:
            print(sanitize(f"  kept your answer {enum_words(status)} for {iid}; {src.name} ticks it", one_line=True))
    return 0


def cmd_export(args) -> int:
    from prr_app.checklist.csv_export import to_csv, write_csv

    from prr_app.review.gate import refuse_review_as_output

    if args.output != "-":
        refuse_review_as_output(args.output, args.review, what="the CSV")
        paths.check_output_path(args.output)
    review = _load(args.review)
    res = checklist.evaluate(review, args.template)
    for w in res.warnings:
        print(sanitize(f"prr: warning: {w}", one_line=True), file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(to_csv(res, answered_only=args.answered))
        return 0
    write_csv(res, args.output, answered_only=args.answered)
    print(sanitize(f"wrote {args.output}: {len(res.items)} items, {len(res.orphans)} orphaned answers", one_line=True))
    return 0


def cmd_confirm(args) -> int:
    from prr_app.review.proposals import decide, skipped_lines

    if args.all and args.items:
        raise PrrError("name items or pass --all, not both")
    if args.output:
        paths.check_output_path(args.output)
    from prr_app.review.gate import same_file

    if args.output and same_file(args.output, args.review):
        args.output = None  # -o REVIEW: in place, under the file's lock
    by = who_decides(args.by, "who confirms the proposals" if not args.reject else "who rejects the proposals",
                     file=str(args.review))
    # with --all, a proposal whose item is no longer asked, or that is out of date, is left out and said
    # (one stale proposal stopped every other); named, it is refused
    skipped: list = []
    done = decide(args.review, args.items, every=args.all, reject=args.reject, by=by, output=args.output,
                  force=args.force, skipped=skipped if args.all else None)
    verb = "rejected" if args.reject else "confirmed"
    target = args.output or args.review
    print(sanitize(f"{len(done)} proposal(s) {verb} by {by}; wrote {target}"))
    for k in done:
        print(sanitize(f"  {k}"))
    for line in skipped_lines(skipped):
        print(sanitize(line))
    return 0
