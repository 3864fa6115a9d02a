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
    add.add_argument("--by", help="who took it (default the current user)")
    add.add_argument("--note", default="", help="a note kept with it")
    add.set_defaults(func=cmd_milestone_add)
    ls = msub.add_parser("list", help="list the milestones of a review, oldest first")
    ls.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(func=cmd_milestone_list)
    m.set_defaults(func=lambda args: _usage(m))


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

    old = load_side(args.old)
    new = load_side(args.new)
    d = _diff.compare(old.review, new.review, seed=args.seed, old_label=old.label, new_label=new.label)
    if args.json:
        _print_json(d)
    else:
        sys.stdout.write("\n".join(_diff.diff_lines(d)) + "\n")
    return 1 if args.exit_code and not _diff.is_empty(d) else 0


def cmd_milestone_add(args) -> int:
    from prr_app.review.document import ReviewDocument, file_kind, load_review, save_review
    from prr_app.review.milestones import take

    if file_kind(args.review) == "json":
        review = load_review(args.review)
        m = take(review, args.name, date=args.date, by=args.by, note=args.note)
        save_review(review, args.review, overwrite=True)
    else:
        load_review(args.review)  # the file checks, with the right messages, before opening it writable
        doc = ReviewDocument.open(args.review)
        try:
            m = take(doc.review, args.name, date=args.date, by=args.by, note=args.note)
            doc.save()
        finally:
            doc.close()
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
