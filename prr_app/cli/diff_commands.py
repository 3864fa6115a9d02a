"""``prr diff``, ``prr milestone`` and ``prr plan``: what changed, and what a plan would change.

Each side of ``prr diff`` is a review file or a milestone of one: ``FILE`` or ``FILE@MILESTONE``
(see :mod:`prr_app.review.milestones`). docs/diff-and-plans.md describes the output.
"""
from __future__ import annotations

import sys

from prr_app.errors import PrrError


def register(sub) -> None:
    p = sub.add_parser(
        "diff", help="what changed between two reviews or milestones (model, SPOFs, risks, verdict)",
        description="Compare two reviews, each a file or a milestone of one (FILE@MILESTONE): components, "
                    "dependencies, domains, groups, journeys, checklist answers, risks and mitigations added, "
                    "removed and changed field by field; SPOFs new and fixed by disruption type; blast radii "
                    "grown or shrunk; availability ceilings and SLO attainability; risks new, resolved and "
                    "rescored with why; the verdict before and after. Exit 0 whether or not anything changed.",
    )
    p.add_argument("old", metavar="OLD", help="the earlier review: FILE or FILE@MILESTONE")
    p.add_argument("new", metavar="NEW", help="the later review: FILE or FILE@MILESTONE")
    p.add_argument("--json", action="store_true", help="print one JSON document (schemas/diff.schema.json)")
    p.add_argument("--seed", type=int, default=0, help="seed of the availability simulation (default 0)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when something changed (like git diff)")
    p.add_argument("--limit", type=int, default=40, metavar="N",
                   help="text: at most N entries per section, the rest counted (default 40; 0 for all)")
    p.set_defaults(func=cmd_diff)

    m = sub.add_parser(
        "milestone", help="take or list named, dated snapshots of a review (design review, pre-launch...)",
        description="Milestones are named, dated snapshots of a review, kept in the .prr file (and in its JSON "
                    "export). Address one as FILE@MILESTONE in prr diff.",
    )
    msub = m.add_subparsers(dest="milestone_command", metavar="ACTION")
    add = msub.add_parser("add", help="take a milestone of the review as it is now")
    add.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json); it is updated in place")
    add.add_argument("name", metavar="NAME", help='the milestone\'s name, e.g. "pre-launch"')
    add.add_argument("--date", help="the date it stands for, YYYY-MM-DD (default today)")
    add.add_argument("--by", help="who takes it (default: the login name; never a system account such as root)")
    add.add_argument("--note", default="", help="a note kept with it")
    add.set_defaults(func=cmd_milestone_add)
    ls = msub.add_parser("list", help="list the milestones of a review, oldest first")
    ls.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(func=cmd_milestone_list)
    m.set_defaults(func=lambda args: _usage(m))
    register_plan(sub)


def _usage(parser) -> int:
    parser.print_usage(sys.stderr)
    print("prr milestone: error: name an action: add or list", file=sys.stderr)
    return 2


def _print_json(doc) -> None:
    import orjson

    sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def cmd_diff(args) -> int:
    from prr_app.review import diff as _diff
    from prr_app.review.milestones import load_side

    if args.limit < 0:
        raise PrrError("--limit must be 0 or more", location="command line")

    old = load_side(args.old)
    new = load_side(args.new)
    d = _diff.compare(old.review, new.review, seed=args.seed, old_label=old.label, new_label=new.label)
    if args.json:
        _print_json(d)
    else:
        sys.stdout.write("\n".join(_diff.diff_lines(d, limit=args.limit)) + "\n")
    return 1 if args.exit_code and not _diff.is_empty(d) else 0


def cmd_milestone_add(args) -> int:
    from prr_app.review.document import edit_review, load_review
    from prr_app.review.milestones import take
    from prr_app.review.people import who_decides
    from prr_app.teamrepo.address import MILESTONES_NOT_HERE, repository_name

    # where first: a review in the repository takes no milestone whoever takes it, so asking for
    # --by there would send the user to fix what does not matter (RepoDocument.save refuses the same
    # at the write)
    if repository_name(args.review) is not None:
        raise PrrError(MILESTONES_NOT_HERE, file=str(args.review))
    by = who_decides(args.by, "who takes the milestone", file=str(args.review))  # before the file is touched
    load_review(args.review)  # the file checks, with the right messages, before opening it writable
    taken = []
    # taken from the review as the file holds it under its lock (as every other edit of the
    # command line): a write of another program's meanwhile is in the milestone and kept, and a
    # milestone of the same name taken meanwhile refuses this one ("already exists")
    edit_review(args.review, lambda review: taken.append(
        take(review, args.name, date=args.date, by=by, note=args.note)))
    m = taken[-1]
    who = f" by {m.taken_by}" if m.taken_by else ""
    print(f"milestone {m.id} ({m.name}, {m.date}) taken{who}: {len(m.review.get('components', []))} components; "
          f"compare with: prr diff {args.review}@{m.id} {args.review}")
    return 0


def cmd_milestone_list(args) -> int:
    from prr_app.review.document import load_review
    from prr_app.review.milestones import listing

    rows = listing(load_review(args.review))
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("no milestones (take one with: prr milestone add REVIEW NAME)")
        return 0
    for r in rows:
        who = f" by {r['taken_by']}" if r["taken_by"] else ""
        note = f"  {r['note']}" if r["note"] else ""
        print(f"{r['id']:20} {r['date'] or '-':10}  {r['name']}  (taken {r['taken_at']}{who}; "
              f"{r['components']} components){note}")
    return 0


# ------------------------------------------------------------------ prr plan
def _append_op(op: str):
    import argparse

    class Append(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            items = list(getattr(namespace, "changes", None) or [])
            items.append((op, option_string, values))
            namespace.changes = items

    return Append


_PLAN_OPTIONS = [
    ("--add-replica", "add-replica", "COMPONENT[@DOMAIN]", "add one replica (in DOMAIN: the others stay put)"),
    ("--spread", "spread", "COMPONENT:D1,D2", "place COMPONENT's replicas round-robin over these domains"),
    ("--add-domain", "add-domain", "ID:KIND[:PARENT]", "add a failure domain (a second zone, cluster...)"),
    ("--fallback", "add-fallback", "SRC->DST=TEXT", "give the call SRC->DST a fallback (what happens instead)"),
    ("--timeout", "timeout", "SRC->DST=MS", "set the call's timeout in milliseconds"),
    ("--breaker", "breaker", "SRC->DST", "put a circuit breaker on the call"),
    ("--backoff", "backoff", "SRC->DST", "add exponential backoff and a retry budget to the call's retries"),
    ("--alternative", "add-alternative", "COMPONENT",
     "run an independent second COMPONENT in a redundancy group with it (callers call the pair)"),
    ("--add-member", "add-group-member", "GROUP:COMPONENT", "add a member to a redundancy group"),
    ("--answer", "answer", "ITEM=STATUS", "answer a checklist item (met, partly, not_met, not_applicable)"),
    ("--complete", "complete-mitigation", "MITIGATION", "mark a mitigation of the review done"),
]


def register_plan(sub) -> None:
    p = sub.add_parser(
        "plan", help="what a mitigation plan would change: residual risks, SLOs and verdict if it lands",
        description="Apply proposed changes to a copy of a review (the file is not changed) and compare the "
                    "analysis before and after: initial vs residual risks, SLO attainability, the verdict, the "
                    "plan's effort and owners. Changes come from a plan file (--file, schemas/plan.schema.json), "
                    "from options (applied in the order given), from the product's suggestions (--suggested), "
                    "or from the search for the shortest path to ready (--shortest).",
    )
    p.add_argument("review", metavar="REVIEW", help="the review: FILE or FILE@MILESTONE")
    p.add_argument("--file", metavar="PLAN", help="a plan file (JSON, \"format\": \"prr-plan\")")
    p.add_argument("--name", help="the plan's name (default: the plan file's, or \"plan\")")
    for opt, op, metavar, help_ in _PLAN_OPTIONS:
        p.add_argument(opt, metavar=metavar, action=_append_op(op), help=help_)
    p.add_argument("--owner", default="", help="owner of the changes given as options")
    p.add_argument("--suggested", action="store_true",
                   help="the plan is every open risk's cheapest suggested change")
    p.add_argument("--shortest", action="store_true",
                   help="search the smallest set of suggested changes (by effort) that makes the review ready")
    p.add_argument("--every-change", action="store_true",
                   help="list every change on a line of its own (default: one line per root cause, the risk the "
                        "changes are for; --json always lists every change)")
    p.add_argument("--save", metavar="PLAN.json", help="also write the plan to this file (to edit and re-run)")
    p.add_argument("--force", action="store_true", help="let --save replace an existing file")
    p.add_argument("--json", action="store_true", help="print one JSON document (schemas/plan.schema.json)")
    p.add_argument("--seed", type=int, default=0, help="seed of the availability simulation (default 0)")
    p.set_defaults(func=cmd_plan, changes=[])


def _split(value: str, sep: str, opt: str, what: str) -> tuple[str, str]:
    left, s, right = value.partition(sep)
    if not s or not left or not right:
        raise PrrError(f"{opt} expects {what}, got {value!r}", location="command line")
    return left, right


def _option_change(op: str, opt: str, value: str, owner: str):
    from prr_app.review.plans import Change

    if op == "add-replica":
        comp, _, dom = value.partition("@")
        return Change("add-replica", {"component": comp, **({"domain": dom} if dom else {})}, owner=owner)
    if op == "spread":
        comp, doms = _split(value, ":", opt, "COMPONENT:D1,D2")
        return Change("spread", {"component": comp, "domains": [d for d in doms.split(",") if d]}, owner=owner)
    if op == "add-domain":
        parts = value.split(":")
        if len(parts) not in (2, 3) or not all(parts):
            raise PrrError(f"{opt} expects ID:KIND[:PARENT], got {value!r}", location="command line")
        return Change("add-domain", {"id": parts[0], "kind": parts[1], **({"parent": parts[2]} if len(parts) == 3 else {})},
                      owner=owner)
    if op == "add-fallback":
        dep, text = _split(value, "=", opt, "SRC->DST=TEXT")
        return Change("add-fallback", {"dependency": dep, "fallback": text}, owner=owner)
    if op == "timeout":
        dep, ms = _split(value, "=", opt, "SRC->DST=MS")
        if not ms.isdigit():
            raise PrrError(f"{opt} expects a whole number of milliseconds, got {ms!r}", location="command line")
        return Change("set-call", {"dependency": dep, "timeout_ms": int(ms)}, owner=owner)
    if op == "breaker":
        return Change("set-call", {"dependency": value, "circuit_breaker": True}, owner=owner)
    if op == "backoff":
        return Change("set-call", {"dependency": value, "backoff": True, "retry_budget": True}, owner=owner)
    if op == "add-alternative":
        return Change("add-alternative", {"component": value}, owner=owner)
    if op == "add-group-member":
        group, comp = _split(value, ":", opt, "GROUP:COMPONENT")
        return Change("add-group-member", {"group": group, "component": comp}, owner=owner)
    if op == "answer":
        item, status = _split(value, "=", opt, "ITEM=STATUS")
        return Change("answer", {"item": item, "status": status}, owner=owner)
    return Change("complete-mitigation", {"mitigation": value}, owner=owner)


def cmd_plan(args) -> int:
    import datetime as dt

    from prr_app.review.assess import assess as analyze  # the checklist counts, as in prr analyze
    from prr_app.review import plans as P
    from prr_app.review.milestones import load_side

    modes = sum(bool(x) for x in (args.suggested, args.shortest, args.file or args.changes))
    if modes > 1:
        raise PrrError("give the changes one way: --file and options, --suggested, or --shortest",
                       location="command line")
    if modes == 0:
        raise PrrError("no changes: give a plan file (--file), options such as --add-replica, --suggested or "
                       "--shortest", location="command line")
    if args.save is not None:  # before any work: never the review itself, an empty name, a read-only file...
        from pathlib import Path

        from prr_app.review.gate import check_output
        from prr_app.review.milestones import split_address

        check_output(args.save, split_address(args.review)[0], what="the plan", option="--save")
        if Path(args.save).exists() and not args.force:
            raise PrrError("already exists; pass --force to replace it", file=args.save)
    side = load_side(args.review)
    review = side.review
    today = dt.date.today().isoformat()
    before = analyze(review, seed=args.seed, today=today).to_dict()
    search = None
    plan_file = None
    if args.shortest:
        search = P.shortest_path_to_ready(review, seed=args.seed, today=today, before=before)
        plan = search["plan"]
    elif args.suggested:
        plan = P.suggested_plan(review, before)
    else:
        plan = P.read_plan(args.file) if args.file else P.Plan(name="plan")
        plan_file = args.file
        plan.changes += [_option_change(op, opt, value, args.owner) for op, opt, value in args.changes]
    if args.name:
        plan.name = args.name
    result = P.evaluate(review, plan, seed=args.seed, today=today, file=plan_file or "command line", before=before)
    if search is not None:
        result["search"] = {k: v for k, v in search.items() if k != "plan"}
    if args.save is not None:
        P.write_plan(plan, args.save)
    if args.json:
        _print_json(result)
    else:
        sys.stdout.write("\n".join(P.plan_lines(result, label=side.label, every_change=args.every_change)) + "\n")
    return 0
