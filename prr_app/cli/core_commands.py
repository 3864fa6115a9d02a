"""Foundation commands: import, export, validate, summary."""
from __future__ import annotations

import sys
from pathlib import Path

from prr_app.errors import PrrError
from prr_app.importers import registry
from prr_app.review import exports
from prr_app.review.document import load_review, save_review


def register(sub) -> None:
    p = sub.add_parser("import", help="build a review from files (JSON, CSV edge list, ...)",
                       description="Build a new review from one or more files or folders.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    p.add_argument("--format", default="auto",
                   help="input format: auto (default), " + ", ".join(registry.formats()))
    p.add_argument("-o", "--output", required=True, metavar="REVIEW", help="the review to write (.prr or .json)")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.add_argument("--quiet", action="store_true", help="do not print the import report")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write a review in another format",
                       description="Export a review (.prr or .json) to another format.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("--format", default="json", help="output format: " + ", ".join(exports.formats()))
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write ('-' for stdout, JSON only)")
    p.add_argument("--force", action="store_true", help="accepted for symmetry; exports always replace OUT")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size for PDF")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="check a review file and report every problem",
                       description="Validate a .prr or review .json file; exit 0 when it is valid.")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("summary", help="counts of components, dependencies, domains, journeys, risks",
                       description="Print a short summary of a review.")
    p.add_argument("review", metavar="REVIEW")
    p.set_defaults(func=cmd_summary)


def cmd_import(args) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        raise PrrError("already exists; pass --force to replace it", file=str(out))
    result = registry.import_paths(args.paths, args.format)
    save_review(result.review, out, overwrite=True)
    if not args.quiet:
        r = result.review
        print(f"{result.report.format}: {len(r.components)} components, {len(r.dependencies)} dependencies, "
              f"{len(r.domains)} failure domains, {len(r.journeys)} journeys")
        print(f"wrote {out}")
    return 0


def cmd_export(args) -> int:
    review = load_review(args.review)
    if args.output == "-":
        if args.format != "json":
            raise PrrError("only JSON can be written to stdout")
        from prr_app.interchange.json_io import dumps

        sys.stdout.write(dumps(review))
        return 0
    exports.export(review, args.format, args.output, paper=args.paper)
    return 0


def cmd_validate(args) -> int:
    review = load_review(args.file)
    print(f"{args.file}: valid review of {review.meta.system_name!r} "
          f"({len(review.components)} components, {len(review.dependencies)} dependencies)")
    return 0


def summary_lines(review) -> list[str]:
    m = review.meta
    open_risks = sum(1 for r in review.risks.values() if r.status == "open")
    answered = sum(1 for a in review.answers.values() if a.status != "unanswered")
    lines = [
        f"system: {m.system_name}",
        f"milestone: {m.milestone or '-'}   tier: {m.tier}   review date: {m.review_date or '-'}   "
        f"target launch: {m.target_launch or '-'}",
        f"reviewers: {', '.join(m.reviewers) or '-'}",
        f"components: {len(review.components)}",
        f"dependencies: {len(review.dependencies)}",
        f"redundancy groups: {len(review.groups)}",
        f"failure domains: {len(review.domains)}",
        f"journeys: {len(review.journeys)}",
        f"checklist answers: {answered}",
        f"open risks: {open_risks} (of {len(review.risks)} recorded)",
        f"mitigations: {len(review.mitigations)}",
    ]
    return lines


def cmd_summary(args) -> int:
    review = load_review(args.review)
    print("\n".join(summary_lines(review)))
    return 0
