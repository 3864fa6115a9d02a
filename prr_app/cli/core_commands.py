"""Foundation commands: import, export, validate, summary."""
from __future__ import annotations

import sys
from pathlib import Path

from prr_app import paths
from prr_app.errors import PrrError
from prr_app.importers import registry
from prr_app.importers.base import UNREADABLE, kept_by_hand
from prr_app.cli.today import add_today_option, today_of
from prr_app.review import exports, importing
from prr_app.review.document import load_review
from prr_app.review.gate import check_output, same_file
from prr_app.text_safety import sanitize
from prr_app.wording import count, milestones_summary


def register(sub) -> None:
    names = list(registry.formats())
    p = sub.add_parser("import", help="build a review from files (Kubernetes, Compose, Backstage, traces, Kiali, DOT, DSL, Aspire, CSV, JSON)",
                       description="Build a review from files or folders: Kubernetes manifests, Docker Compose files "
                                   "(layered in the order given), Backstage catalog descriptors, Jaeger dependencies, "
                                   "OpenTelemetry servicegraph metrics, Kiali traffic graphs, Graphviz DOT, Structurizr "
                                   "DSL and JSON, .NET Aspire AppHosts, CSV edge lists or review JSON. The import report (what was inferred from which file and line, "
                                   "dangling references, what was skipped) is printed and kept in the review. "
                                   "With --into, re-import into an existing review: the reviewer's work is kept and "
                                   "the changes are listed.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    p.add_argument("--format", default="auto", choices=["auto"] + names, metavar="FORMAT",
                   help="input format: auto (default), " + ", ".join(names))
    p.add_argument("-o", "--output", metavar="REVIEW", help="the review to write (.prr or .json)")
    p.add_argument("--into", metavar="REVIEW",
                   help="re-import into this existing review (.prr or .json); written back to it unless -o is given")
    p.add_argument("--dry-run", action="store_true", help="print the report and the changes; write nothing")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.add_argument("--quiet", action="store_true", help="do not print the import report")
    p.add_argument("--summary", action="store_true", help="print only the report's summary lines")
    p.add_argument("--variant", metavar="FOLDER",
                   help="for a folder with several variants of one deployment (plain manifests, Kustomize, Helm, "
                        "Compose...): the one to import (its folder, part of its name, or one of its files)")
    p.add_argument("--profile", action="append", default=[], metavar="NAME", dest="profiles",
                   help="a Compose profile to activate, as docker compose --profile does (repeatable; default: "
                        "COMPOSE_PROFILES in the project's .env, else only services without a profile)")
    p.add_argument("--scan-source", dest="scan_source", action="store_true", default=True,
                   help="read source code for addresses of known components (the default for a folder)")
    p.add_argument("--no-scan-source", dest="scan_source", action="store_false",
                   help="read deployment files and configuration only")
    p.add_argument("--source-limit", type=int, default=512, metavar="KB",
                   help="source files larger than this are not read (default 512 KB)")
    p.add_argument("--accept", action="append", default=[], metavar="DEP",
                   help="accept an inferred dependency (id such as 'frontend->cart', or 'weak' or 'all'); repeatable")
    p.add_argument("--reject", action="append", default=[], metavar="DEP",
                   help="reject an inferred dependency (removed, and left out of later re-imports); repeatable")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write a review in another format",
                       description="Export a review (.prr or .json) to another format.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("--format", default=None, help="output format: " + ", ".join(exports.formats())
                   + " (default: from OUT's suffix, else json)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write ('-' for stdout, JSON only)")
    p.add_argument("--force", action="store_true", help="accepted for symmetry; exports always replace OUT")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size for PDF")
    add_today_option(p, "PDF, Markdown and CSV")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="check a review file and report every problem",
                       description="Validate a .prr or review .json file; exit 0 when it is valid.")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("summary", help="counts of components, dependencies, domains, journeys, risks",
                       description="Print a short summary of a review.")
    p.add_argument("review", metavar="REVIEW")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("evidence", help="where a component or dependency comes from: the files and lines an import read",
                       description="Print the evidence of one component or dependency (an id such as 'cart' or "
                                   "'web->cart'): the files and lines the import that made it read, as the app's "
                                   "inspector shows them.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("element", metavar="ELEMENT", help="a component id, or a dependency id SOURCE->TARGET")
    p.set_defaults(func=cmd_evidence)


def cmd_import(args) -> int:
    if args.output is not None and not args.dry_run:
        paths.check_output_path(args.output, option="-o")  # an empty -o is refused, not taken as absent
        for src in args.paths:  # never the file the import reads (the review JSON, a manifest) replaced
            if same_file(args.output, src) and Path(src).is_file():
                raise PrrError("is a file this import reads; write the review to another file", file=args.output)
    if not args.output and not args.into and not args.dry_run:
        raise PrrError("the review to write is missing: pass -o/--output REVIEW (or --into REVIEW to re-import)")
    out = Path(args.output) if args.output else (Path(args.into) if args.into else None)
    if args.output and out.exists() and not args.force and not args.dry_run and \
            not (args.into and Path(args.into).resolve() == out.resolve()):
        raise PrrError("already exists; pass --force to replace it", file=str(out))
    result = importing.import_and_write(
        args.paths, args.format, output=out, into=args.into, dry_run=args.dry_run, variant=args.variant,
        scan_source=args.scan_source, source_limit=max(1, args.source_limit) * 1024,
        progress=_progress_printer(), accept=args.accept, reject=args.reject,
        profiles=args.profiles or None)
    report = result.report
    if not args.quiet:
        lines = report.lines()
        # which deployment variant a re-import reads against the one the review came from: said first
        variant = [x for x in lines[1:] if x.split(": ", 1)[-1].startswith(importing.VARIANT_NOTE)]
        lines = [lines[0]] + variant + [x for x in lines[1:] if x not in variant]
        if args.summary:
            lines = lines[:1 + len(variant)] + \
                [f"warning: {w}" for w in report.warnings if w.startswith(UNREADABLE)] + \
                [f"change: {c}" for c in report.changes]
        for line in lines:
            print(sanitize(line))
        r = result.review
        print(f"review: {count(len(r.components), 'component')}, "
              f"{count(len(r.dependencies), 'dependency', 'dependencies')}, "
              f"{count(len(r.domains), 'failure domain')}, {count(len(r.journeys), 'journey')}")
        if result.unchanged:  # a re-import of files that say what the review holds
            # (the "change:" lines of such a re-import are values edited by hand that it keeps, and answers
            # confirmed from evidence that the files now contradict, which stand)
            same = "no change: the review already says what these files say" + (
                ", apart from the values edited by hand, kept as they are"
                if any(kept_by_hand(c) for c in report.changes) else "")
            if args.dry_run:
                print(f"{same}; dry run: nothing written")
            elif out.resolve() == Path(args.into).resolve():
                print(f"{same}; {sanitize(out)} left as it was")
            else:
                print(f"{same}; wrote it to {sanitize(out)}")
        else:
            print("dry run: nothing written" if args.dry_run else f"wrote {sanitize(out)}")
    return 0


def _progress_printer():
    """Progress on stderr (a terminal only: logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        return None
    last = [""]

    def show(stage: str, done: int, total: int) -> None:
        text = f"{stage}: {done}/{total}" if total else f"{stage}: {done}"
        frac = importing.progress_fraction(stage, done, total)
        if frac is not None:  # how far the whole import is, over its stages
            text = f"[{frac * 100:3.0f} %] {text}"
        if text != last[0]:
            last[0] = text
            sys.stderr.write("\r\033[K" + text + ("\n" if total and done >= total else ""))
            sys.stderr.flush()

    return show


def cmd_export(args) -> int:
    today = today_of(args)  # checked before anything is read or written
    # never over the review itself (whatever the format: a JSON export over review JSON drops what
    # the export leaves out), nor an empty name, a read-only file or a folder it cannot write in
    check_output(args.output, args.review, what="the export", option="-o")
    if args.output != "-":
        args.format = exports.format_for(args.output, args.format)
    review = load_review(args.review)
    if args.output == "-":
        if (args.format or "json") != "json":
            raise PrrError("only JSON can be written to stdout")
        from prr_app.interchange.json_io import dumps

        sys.stdout.write(dumps(review))  # a full disk behind it: one line, exit 2 (cli/main.py)
        return 0
    exports.export(review, args.format, args.output, paper=args.paper, today=today)
    return 0


def cmd_validate(args) -> int:
    try:
        review = load_review(args.file)
    except PrrError as e:
        if len(e.problems) < 2:
            raise  # one problem: the one line every command prints
        # every problem, each on a line of its own with its place (the one-line error names the first only)
        for p in e.problems:
            print(str(PrrError(p.message, file=e.file or args.file, location=p.path)), file=sys.stderr)
        print(sanitize(f"{e.file or args.file}: {count(len(e.problems), 'problem')}"), file=sys.stderr)
        return 2
    from prr_app.review.milestones import milestone_review

    for m in sorted(review.milestones.values(), key=lambda m: m.id):
        milestone_review(m, file=str(args.file))  # each snapshot as `prr diff REVIEW@M` will read it
    print(sanitize(f"{args.file}: valid review of {review.meta.system_name!r} "
          f"({len(review.components)} components, {len(review.dependencies)} dependencies)"))
    return 0


def summary_lines(review) -> list[str]:
    """The review's counts as recorded, without analysing it: the risks the reviewers entered, the
    decisions recorded on the analysis' risks (those about an element no longer in the review are
    stale) and the mitigations; the risks the analysis finds are ``prr analyze``'s."""
    from prr_app.review.edits import subject_gone

    m = review.meta
    manual = [r for r in review.risks.values() if r.origin != "computed"]
    open_manual = sum(1 for r in manual if r.status == "open")
    decisions = [rid for rid, r in review.risks.items() if r.origin == "computed"]
    stale = sum(1 for rid in decisions if subject_gone(review, rid))
    stale_mits = sum(1 for x in review.mitigations.values()
                     if x.risks and all(subject_gone(review, rid) for rid in x.risks))
    answered = sum(1 for a in review.answers.values() if a.status != "unanswered")
    # the header's free-text milestone (``prr set REVIEW review milestone=...``) only when stated: a
    # "milestone: -" beside three milestones taken read as "no milestone"
    stated_ = f"milestone stated in the header: {m.milestone}   " if m.milestone else ""
    lines = [
        f"system: {m.system_name}",
        f"{stated_}tier: {m.tier if m.tier is not None else 'not stated'}   review date: {m.review_date or '-'}   "
        f"target launch: {m.target_launch or '-'}",
        f"reviewers: {', '.join(m.reviewers) or '-'}",
        f"milestones: {milestones_summary(review.milestones.values())}",
        f"components: {len(review.components)}",
        f"dependencies: {len(review.dependencies)}",
        f"redundancy groups: {len(review.groups)}",
        f"failure domains: {len(review.domains)}",
        f"journeys: {len(review.journeys)}",
        f"checklist answers: {answered} by reviewers (the items answered, the model's answers counted too: "
        "prr checklist)",
        f"open risks: {open_manual} of {len(manual)} entered by reviewers (the risks the analysis finds: "
        "prr analyze)",
        f"decisions on the analysis' risks: {len(decisions)}"
        + (f" ({stale} stale: on risks about elements no longer in the review)" if stale else ""),
        f"mitigations: {len(review.mitigations)}"
        + (f" ({stale_mits} on risks about elements no longer in the review)" if stale_mits else ""),
    ]
    return [sanitize(line) for line in lines]


def cmd_evidence(args) -> int:
    from prr_app.review.provenance import evidence_of

    review = load_review(args.review)
    g = review.groups.get(args.element)
    if g is not None and args.element not in review.components:
        # a redundancy group (checklist keys name it: svc.instances-spread@reviews): its members' evidence
        print(sanitize(f"{args.element}: redundancy group of {', '.join(g.members)} (up while at least "
                       f"{g.min_up} {'member is' if g.min_up == 1 else 'members are'} up); its members' evidence:", one_line=True))
        for m in g.members:
            where, lines = evidence_of(review, m) if m in review.components else ("", [])
            if not lines:
                print(f"  {sanitize(m)}: no import describes it (added or edited by hand)")
                continue
            print(f"  {sanitize(m)}: evidence from {sanitize(where)}")
            print("\n".join(f"    {sanitize(line)}" for line in lines))
        return 0
    if args.element not in review.components and args.element not in review.dependencies:
        raise PrrError(f"no component, dependency or redundancy group {args.element!r} in the review",
                       file=args.review)
    where, lines = evidence_of(review, args.element)
    if not lines:
        print(f"{sanitize(args.element)}: no import describes it (added or edited by hand)")
        return 0
    print(f"{sanitize(args.element)}: evidence from {where}")
    print("\n".join(f"  {sanitize(line)}" for line in lines))
    return 0


#: What a read-only command other than ``prr diff`` and ``prr plan`` says of a FILE@MILESTONE address
MILESTONE_ADDRESS_NOT_HERE = ("is a milestone address: only prr diff and prr plan read FILE@MILESTONE; "
                              "to see what changed since it: prr diff {address} {path}")


def cmd_summary(args) -> int:
    from prr_app.review.milestones import split_address

    # FILE@MILESTONE is read by prr diff and prr plan only (analyze, checklist, report... read a file):
    # said so, rather than "no such file" about a file that is there
    path, key = split_address(args.review)
    if key is not None and Path(path).is_file():
        raise PrrError(MILESTONE_ADDRESS_NOT_HERE.format(address=args.review, path=path), file=args.review)
    review = load_review(args.review)
    print("\n".join(summary_lines(review)))
    return 0
