"""``prr risk``: the risk register and the reviewer's decisions on it, headless.

What the app's Risks tab does with its buttons (Accept risk, Owner, Add mitigation, Override score,
Launch-blocking, New manual risk), and changing or removing a mitigation (``prr risk mitigation``: its
status, owner, due date...), by the same named edits (:mod:`prr_app.review.edits`; the decisions on a
risk through :mod:`prr_app.review.risk_decisions`, which keeps the risk's history) on the review
as its file holds it now, under its lock (:mod:`prr_app.review.risk_decisions`), as ``checklist-answer``
writes an answer. Each change prints one line: what changed, and where the risk stands now in the
review's analysis (status, score, whether it blocks the launch).
"""
from __future__ import annotations

import sys

from prr_app.cli.today import warn_due
from prr_app.errors import PrrError
from prr_app.text_safety import sanitize
from prr_app.wording import enum_words, risk_owner, still_found

#: The app's three choices in its Launch-blocking dialog, as words on the command line.
BLOCKING_CHOICES = {"yes": True, "no": False, "rules": None}
MITIGATION_STATUSES = ("planned", "in_progress", "done", "dropped")
EFFORTS = ("small", "medium", "large")


def register(sub) -> None:
    from prr_app.cli.today import add_today_option

    p = sub.add_parser(
        "risk", help="the risk register, and decisions on it: accept, reopen, owner, mitigate, mitigation, "
                     "override, blocking, add",
        description="List the risk register, or decide on one of its risks as the app's Risks tab does: accept it "
                    "(who, why, until when), take an acceptance back, set its owner, add a mitigation (and change "
                    "or remove it later), override its likelihood and impact, mark it launch-blocking or not, or "
                    "add a manual risk. A decision changes the review file in place (under its lock) unless -o is "
                    "given, and prints what changed and where the risk stands now. A risk folded into another "
                    "(spof:instance:X into spof:component:X) names the risk that holds it.")
    rs = p.add_subparsers(dest="risk_command", metavar="ACTION")

    ls = rs.add_parser("list", help="the register as analysed, in rank order",
                       description="The risk register as 'prr analyze' makes it, in rank order (launch blockers "
                                   "first): rank, id, score, severity, status, whether it blocks the launch, and its "
                                   "owner with where that owner comes from; then the decisions made on each "
                                   "risk (who, when, why, until when, and what each replaced) and the stale "
                                   "decisions.")
    ls.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    ls.add_argument("--json", action="store_true", help="print one JSON document")
    add_today_option(ls)
    ls.set_defaults(func=cmd_list)

    def decision(name: str, help_: str, description: str, *, risk: str | None = "one"):
        q = rs.add_parser(name, help=help_, description=description + " Changes the review file in place "
                                                                          "unless -o is given.")
        q.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
        if risk == "one":
            q.add_argument("risk", metavar="RISK", help="a risk id, as 'prr risk list' shows it")
        elif risk == "many":
            q.add_argument("risks", nargs="+", metavar="RISK", help="the risks it covers (one or more ids)")
        q.add_argument("-o", "--output", metavar="OUT", help="write the changed review here instead")
        q.add_argument("--force", action="store_true", help="replace OUT if it exists")
        add_today_option(q)  # where the risk stands now depends on the date (an acceptance expires)
        return q

    q = decision("accept", "accept a risk: who, why and until when",
                 "Accept a risk: who accepts it (--by, default the login name), why (--reason, required) and "
                 "until when (--until, optional). An acceptance that ends before the target launch does not "
                 "count at launch.")
    q.add_argument("--reason", required=True, help="why it is acceptable (shown in the report)")
    q.add_argument("--until", metavar="YYYY-MM-DD", help="the last day the acceptance holds")
    q.add_argument("--by", help="who accepts it (default: the login name; never a system account such as root)")
    q.set_defaults(func=cmd_accept)

    q = decision("reopen", "take a risk's acceptance back (it is open again)",
                 "Take back a risk's acceptance: the acceptance is removed and the risk is open again; the "
                 "risk's history keeps it, with who took it back and why.")
    q.add_argument("--reason", default="", help="why it is taken back (kept in the risk's history)")
    _by_option(q)
    q.set_defaults(func=cmd_reopen)

    q = decision("owner", "set or clear the owner of a risk",
                 "Set who owns a risk (a team or a person), or clear it (--clear, or ''): the register then "
                 "names a mitigation's owner or the owner of the component the fix is on.")
    q.add_argument("owner", nargs="?", metavar="OWNER", help="the owner ('' clears it)")
    q.add_argument("--clear", action="store_true", help="clear the owner set on the risk")
    _by_option(q)
    q.set_defaults(func=cmd_owner)

    q = decision("mitigate", "add a mitigation of one or more risks",
                 "Add a mitigation: what will be done (--title), who does it, by when, its status and effort, "
                 "and the risks it covers (every RISK given).", risk="many")
    q.add_argument("--title", required=True, help="what will be done")
    q.add_argument("--description", default="", help="more about it")
    q.add_argument("--owner", default="", help="who does it")
    q.add_argument("--due", metavar="YYYY-MM-DD", help="when it is due")
    q.add_argument("--status", default="planned", choices=MITIGATION_STATUSES, help="default: planned")
    q.add_argument("--effort", choices=EFFORTS)
    q.set_defaults(func=cmd_mitigate)

    q = decision("mitigation", "change a mitigation (status, owner, due, title, effort) or remove it",
                 "Change a mitigation added before (MITIGATION: its id, as 'prr risk mitigate' prints it and "
                 "'prr risk list --json' lists it): its status (planned, in_progress, done, dropped; done marks "
                 "the risks it covers mitigated), owner, due date, title, effort or description; '' clears an "
                 "owner, a due date, an effort or a description. --remove removes it (a plan given up is better "
                 "marked dropped: the report still shows it).", risk=None)
    q.add_argument("mitigation", metavar="MITIGATION", help="the mitigation's id (mit-...)")
    q.add_argument("--status", help="planned, in_progress (or 'in progress'), done or dropped")
    q.add_argument("--owner", help="who does it ('' clears it)")
    q.add_argument("--due", metavar="YYYY-MM-DD", help="when it is due ('' clears it)")
    q.add_argument("--title", help="what will be done")
    q.add_argument("--effort", help="small, medium or large ('' clears it)")
    q.add_argument("--description", help="more about it ('' clears it)")
    q.add_argument("--remove", action="store_true", help="remove the mitigation")
    q.set_defaults(func=cmd_mitigation)

    q = decision("override", "override a risk's likelihood and/or impact, with a reason",
                 "Override a risk's likelihood and/or impact (1 to 5), with the reason the report shows. A number "
                 "not given keeps its current override, if any (else the computed one counts).")
    q.add_argument("--likelihood", type=int, metavar="1-5")
    q.add_argument("--impact", type=int, metavar="1-5")
    q.add_argument("--reason", required=True, help="why (required, shown in the report)")
    _by_option(q)
    q.set_defaults(func=cmd_override)

    q = decision("blocking", "decide whether a risk blocks the launch, whatever the rules say",
                 "Decide whether a risk blocks the launch: yes (it blocks the launch), no (it does not), or "
                 "rules (as the rules decide: the reviewer's say is taken back). yes and no need a --reason.")
    q.add_argument("decision", choices=list(BLOCKING_CHOICES), metavar="yes|no|rules")
    q.add_argument("--reason", default="", help="why (required for yes and no; shown in the report)")
    _by_option(q)
    q.set_defaults(func=cmd_blocking)

    q = decision("add", "add a manual risk",
                 "Add a risk of the reviewer's own to the register, with its likelihood and impact (1 to 5) and "
                 "the components it concerns.", risk=None)
    q.add_argument("--title", required=True)
    q.add_argument("--likelihood", type=int, required=True, metavar="1-5")
    q.add_argument("--impact", type=int, required=True, metavar="1-5")
    q.add_argument("--component", action="append", default=[], metavar="ID",
                   help="a component it concerns (repeatable, or comma-separated)")
    q.add_argument("--description", default="")
    q.set_defaults(func=cmd_add)

    p.set_defaults(func=lambda args: _usage(p))


def _by_option(q) -> None:
    q.add_argument("--by", help="who decides (kept in the risk's history; default: the login name; never a system "
                                "account such as root)")


def _decider(args, who: str) -> str:
    """Who makes a decision, for the risk's history: ``--by``, else the login name of a person; a
    system account (root in CI or a container) or no login name at all is refused, as for an
    acceptance (:func:`prr_app.review.people.who_decides`), before the file is touched."""
    from prr_app.review.people import who_decides

    return who_decides(args.by, who, file=str(args.review))


def _usage(parser) -> int:
    parser.print_usage(sys.stderr)
    print("prr risk: error: name an action: list, accept, reopen, owner, mitigate, mitigation, override, "
          "blocking or add", file=sys.stderr)
    return 2


# ------------------------------------------------------------------ wording
def owner_text(r) -> str:
    """A risk's owner and where it comes from (:func:`prr_app.wording.risk_owner`); "-" when none."""
    return risk_owner(r, "-")


def _blocks(before, after) -> str:
    """Whether the risk blocks the launch now, against before the change."""
    if after is None:
        return ""
    was = bool(before is not None and before["launch_blocking"])
    if after["launch_blocking"]:
        text = "still blocks the launch" if was else "blocks the launch"
        if after.get("acceptance_before_launch") and after.get("accepted"):
            text += (f" (the acceptance ends on {after['accepted'].get('until')}, before the target launch: "
                     "it does not count at launch)")
        elif after.get("acceptance_expired"):
            text += " (its acceptance has expired)"
        elif still_found(after):  # a mitigation marked done while the model still shows the risk
            text += f" ({still_found(after).removeprefix('mitigated: ')})"
        return text
    return "no longer blocks the launch" if was else "does not block the launch"


def standing(before, after) -> str:
    """Where a risk stands after a change: "now accepted, score 20 = 4x5 (critical), rank 12, no longer
    blocks the launch"."""
    if after is None:
        return "it is not in the register now"
    over = " overridden" if after.get("override") else ""
    return (f"now {after['status']}, score {after['score']} = {after['likelihood']}x{after['impact']}{over} "
            f"({after['severity']}), rank {after['rank']}, {_blocks(before, after)}")


def _named(d, target=None) -> str:
    """The risk a decision landed on, and the id given when that one is folded into it."""
    t = target or d.targets[0]
    if t.folded:
        return f"{t.risk_id} (given as {t.asked}, which is folded into it: the decision is recorded on {t.risk_id})"
    return t.risk_id


def _say(text: str) -> None:
    print(sanitize(text, one_line=True))


# ------------------------------------------------------------------ commands
def cmd_list(args) -> int:
    from prr_app.cli.today import today_of
    from prr_app.review.document import ReviewSource
    from prr_app.review.risk_decisions import analyse, change_text

    today = today_of(args)
    review = ReviewSource(args.review).load(milestones=False)  # read only
    a = analyse(review, today)

    def history(rid):
        rec = review.risks.get(rid)
        return list(rec.history) if rec is not None else []
    rows = [{
        "rank": r["rank"], "id": r["id"], "title": r["title"], "origin": r["origin"],
        "likelihood": r["likelihood"], "impact": r["impact"], "score": r["score"], "severity": r["severity"],
        "status": r["status"], "launch_blocking": r["launch_blocking"], "blocking_reason": r["blocking_reason"],
        "owner": r["owner"], "owner_source": r["owner_source"], "aliases": r["aliases"], "accepted": r["accepted"],
        "acceptance_expired": r["acceptance_expired"], "acceptance_before_launch": r["acceptance_before_launch"],
        "override": r["override"], "mitigations": r["mitigations"],
        "history": [{k: v for k, v in h.__dict__.items() if v not in (None, "")} for h in history(r["id"])],
    } for r in a.risks]
    if args.json:
        import orjson

        doc = {"review": {"system_name": review.meta.system_name, "file": str(args.review)}, "risks": rows,
               "stale_decisions": list(a.stale_decisions)}
        sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
        sys.stdout.flush()
        return 0
    s = a.summary["by_severity"]
    blocking = sum(1 for r in rows if r["launch_blocking"])
    print(sanitize(f"{review.meta.system_name or args.review}: {len(rows)} risk{'' if len(rows) == 1 else 's'} "
                   f"({s['critical']} critical, {s['high']} high, {s['medium']} medium, {s['low']} low); "
                   f"{blocking} block{'s' if blocking == 1 else ''} the launch", one_line=True))
    if rows:
        w = max(len("id"), *(len(r["id"]) for r in rows))
        print(f"{'rank':>4}  {'id':<{w}}  {'score':<7} {'severity':<8}  {'status':<10} {'blocking':<8}  owner")
        for r in rows:
            score = f"{r['likelihood']}x{r['impact']}={r['score']}"
            print(sanitize(f"{r['rank']:>4}  {r['id']:<{w}}  {score:<7} {r['severity']:<8}  {r['status']:<10} "
                           f"{'yes' if r['launch_blocking'] else 'no':<8}  {owner_text(r)}", one_line=True))
    decided = [(r["id"], history(r["id"])) for r in rows if history(r["id"])]
    if decided:
        print("")
        print(f"Decisions made ({sum(len(h) for _, h in decided)}, oldest first):")
        for rid, hist in decided:
            print(sanitize(f"  {rid}:", one_line=True))
            for h in hist:
                print(sanitize(f"    {change_text(h)}", one_line=True))
    if a.stale_decisions:
        print("")
        print(f"Stale decisions ({len(a.stale_decisions)}; kept in the review, not applied):")
        for d in a.stale_decisions:
            print(sanitize(f"  {d['id']}: {d['reason']}", one_line=True))
    return 0


def _decide(args, risk_ids, make):
    from prr_app.cli.today import today_of
    from prr_app.review.risk_decisions import decide

    return decide(args.review, risk_ids, make, output=args.output, force=args.force, today=today_of(args))


def cmd_accept(args) -> int:
    from prr_app.review import risk_decisions as rd

    by = _decider(args, "who accepts the risk")
    seen: dict = {}

    def make(review, ids):
        seen["replaced"] = rd.replaced_acceptance(review, ids[0])  # as the file holds it under the lock
        return rd.accept(review, ids[0], by, args.reason, args.until or None)

    d = _decide(args, [args.risk], make)
    until = f" until {args.until}" if args.until else ""
    old = seen.get("replaced")
    replaces = f"; replaces {rd.acceptance_text(old)}" if old is not None else ""
    _say(f"{_named(d)}: accepted by {by}{until}{replaces}; {standing(d.risk_before(), d.risk_after())}; "
         f"wrote {d.where}")
    return 0


def cmd_reopen(args) -> int:
    from prr_app.review import risk_decisions as rd

    seen: dict = {}
    by = _decider(args, "who takes the acceptance back")

    def make(review, ids):
        seen["acceptance"] = rd.replaced_acceptance(review, ids[0])
        return rd.reopen(review, ids[0], by, args.reason)

    d = _decide(args, [args.risk], make)
    acc = seen.get("acceptance")
    was = f" (by {acc.by} on {acc.at}{f' until {acc.until}' if acc.until else ''})" if acc is not None else ""
    _say(f"{_named(d)}: acceptance{was} taken back; {standing(d.risk_before(), d.risk_after())}; wrote {d.where}")
    return 0


def cmd_owner(args) -> int:
    from prr_app.review import risk_decisions as rd

    if args.clear and args.owner:
        raise PrrError("give an OWNER or --clear, not both", file=str(args.review), location="OWNER")
    if not args.clear and args.owner is None:
        raise PrrError("give the OWNER, or --clear to clear it", file=str(args.review), location="OWNER")
    owner = "" if args.clear else args.owner
    by = _decider(args, "who sets the owner")
    d = _decide(args, [args.risk], lambda review, ids: rd.set_owner(review, ids[0], owner, by))
    owner = " ".join(owner.split())
    where = f"; wrote {d.where}" if d.made["changed"] else f"; {d.where} left as it was"
    what = (f"owner set to {owner}" if owner else "owner cleared") if d.made["changed"] else (
        f"owner already {owner}, nothing changed" if owner else "no owner set on it, nothing changed")
    after = d.risk_after()
    now = f"; the register names {owner_text(after)}" if after is not None and not owner else ""
    if after is not None and owner_text(after) == "-":
        now = "; the register names no owner"
    _say(f"{_named(d)}: {what}{now}; {standing(d.risk_before(), after)}{where}")
    return 0


def cmd_mitigate(args) -> int:
    from prr_app.review import edits

    def make(review, ids):
        return edits.add_mitigation(review, ids[0], args.title, args.owner, args.due or None, args.status,
                                    args.effort, description=args.description, also=ids[1:])

    d = _decide(args, args.risks, make)
    mid = d.made["made"]
    m = d.review.mitigations[mid]
    detail = _mitigation_detail(m)
    covered = list(dict.fromkeys(t.risk_id for t in d.targets))
    _say(f"mitigation {mid} '{m.title}' ({detail}) added to {', '.join(covered)}; wrote {d.where}")
    warn_due(m.due, d.review.meta.target_launch, args)
    for t in dict((t.risk_id, t) for t in d.targets).values():
        _say(f"  {_named(d, t)}: {standing(d.risk_before(t.risk_id), d.risk_after(t.risk_id))}")
    return 0


def _mitigation_detail(m) -> str:
    """A mitigation's owner, due date, status and effort, as ``prr risk mitigate`` says them."""
    return ", ".join(x for x in (m.owner and f"owner {m.owner}", m.due and f"due {m.due}",
                                 enum_words(m.status), m.effort and f"effort {m.effort}") if x)


#: A mitigation's fields as ``prr risk mitigation`` names them in what it says changed
_MITIGATION_FIELDS = (("status", "status"), ("owner", "owner"), ("due", "due"), ("title", "title"),
                      ("effort", "effort"), ("description", "description"))


def cmd_mitigation(args) -> int:
    from prr_app.review import edits
    from prr_app.review.risk_decisions import mitigation_make

    given = {f: getattr(args, f) for f, _ in _MITIGATION_FIELDS if getattr(args, f) is not None}
    if args.remove and given:
        raise PrrError("give --remove alone, or the fields to change", file=str(args.review),
                       location=f"mitigation {args.mitigation}")
    if not args.remove and not given:
        raise PrrError("nothing to change: give --status, --owner, --due, --title, --effort or --description, "
                       "or --remove", file=str(args.review), location=f"mitigation {args.mitigation}")
    seen: dict = {}
    if args.remove:
        edit = edits.remove_mitigation
    else:
        def edit(review, mid):
            return edits.edit_mitigation(review, mid, **given)
    d = _decide(args, [], mitigation_make(args.mitigation, edit, seen))
    old, mid = seen["before"], args.mitigation
    new = d.review.mitigations.get(mid)
    if args.remove:
        _say(f"mitigation {mid} '{old.title}' ({_mitigation_detail(old)}) removed from {', '.join(old.risks)}; "
             f"wrote {d.where}")
    elif not d.made["changed"]:
        _say(f"mitigation {mid} '{old.title}' ({_mitigation_detail(old)}): nothing changed; {d.where} left as it was")
        return 0
    else:
        what = []
        for f, word in _MITIGATION_FIELDS:
            a, b = getattr(old, f), getattr(new, f)
            if a != b:
                if f == "description":
                    what.append("description changed" if b else "description cleared")
                elif f == "status":
                    what.append(f"status {enum_words(a)} -> {enum_words(b)}")
                else:
                    what.append(f"{word} {a or '(none)'} -> {b or '(none)'}" if f != "title" else f"title '{b}'")
        _say(f"mitigation {mid} '{new.title}': {', '.join(what)}; wrote {d.where}")
        if new.due != old.due:
            warn_due(new.due, d.review.meta.target_launch, args)
    for rid in dict.fromkeys(old.risks):
        _say(f"  {rid}: {standing(d.risk_before(rid), d.risk_after(rid))}")
    return 0


def cmd_override(args) -> int:
    from prr_app.review import risk_decisions as rd

    if args.likelihood is None and args.impact is None:
        raise PrrError("nothing to override: give --likelihood and/or --impact (1 to 5)", file=str(args.review),
                       location="--likelihood/--impact")
    by = _decider(args, "who overrides the score")

    def make(review, ids):
        rec = review.risks.get(ids[0])
        lk = args.likelihood if args.likelihood is not None else (rec.override_likelihood if rec else None)
        im = args.impact if args.impact is not None else (rec.override_impact if rec else None)
        return rd.override(review, ids[0], lk, im, args.reason, by)

    d = _decide(args, [args.risk], make)
    after, before = d.risk_after(), d.risk_before()
    was = f" (was {before['likelihood']}x{before['impact']}={before['score']})" if before is not None else ""
    now = f"{after['likelihood']}x{after['impact']}" if after is not None else "?"
    _say(f"{_named(d)}: score overridden to {now}{was}; {standing(before, after)}; wrote {d.where}")
    return 0


def cmd_blocking(args) -> int:
    from prr_app.review import risk_decisions as rd

    choice = BLOCKING_CHOICES[args.decision]
    by = _decider(args, "who decides whether it blocks the launch")
    d = _decide(args, [args.risk], lambda review, ids: rd.blocking(review, ids[0], choice, args.reason, by))
    what = {True: "marked launch-blocking", False: "marked not launch-blocking",
            None: "launch-blocking as the rules decide (the reviewer's say taken back)"}[choice]
    _say(f"{_named(d)}: {what}; {standing(d.risk_before(), d.risk_after())}; wrote {d.where}")
    return 0


def cmd_add(args) -> int:
    from prr_app.review import edits

    comps = [c.strip() for v in args.component for c in v.replace(";", ",").split(",") if c.strip()]

    def make(review, _ids):
        bad = [c for c in comps if c not in review.components]
        if bad:  # the app's dialog says so before the model does, with what was meant
            import difflib

            near = sorted({n for c in bad for n in difflib.get_close_matches(c, list(review.components), n=1)})
            raise PrrError(f"unknown component {', '.join(bad)}"
                           + (f"; did you mean {', '.join(near)}?" if near else ""), location="--component")
        return edits.add_manual_risk(review, args.title, args.likelihood, args.impact, comps, args.description)

    d = _decide(args, [], make)
    _say(f"risk {d.risk_id} '{args.title.strip()}' added; {standing(None, d.risk_after())}; wrote {d.where}")
    return 0

