"""``prr report`` (the Reliability Risk Assessment) and ``prr gate`` (a CI check).

``prr gate`` exits 0 when the review passes, 1 when it does not (one line per
failed check on stdout), 2 on bad input (one line on stderr). A not-ready verdict
fails the gate by itself unless ``--ignore-verdict`` says otherwise.
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from prr_app import paths
from prr_app.cli.today import add_today_option, today_of
from prr_app.errors import PrrError
from prr_app.review.document import load_review
from prr_app.review.gate import check_output, evaluate_gate, require_review_template
from prr_app.text_safety import sanitize
from prr_app.wording import deciding_assumption_lines, stated

_SUFFIX_FORMAT = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}


def register(sub) -> None:
    p = sub.add_parser("report", help="write the Reliability Risk Assessment (PDF, Markdown, CSV)",
                       description="Write the Reliability Risk Assessment of a review: a PDF for the launch decision, "
                                   "Markdown for the repository, the risk register as CSV for issue trackers.")
    p.add_argument("review", metavar="REVIEW", help="the review (.prr or .json)")
    p.add_argument("-o", "--output", metavar="OUT", help="the file to write (format from --format or its suffix)")
    p.add_argument("--format", choices=["pdf", "markdown", "csv"], help="format of OUT (default: from its suffix, else pdf)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of the PDF (default a4)")
    p.add_argument("--markdown", metavar="OUT.md", help="also write the assessment as Markdown")
    p.add_argument("--csv", metavar="OUT.csv", help="also write the risk register as CSV")
    p.add_argument("--seed", type=int, default=0, help="seed of the availability simulation (default 0)")
    add_today_option(p)
    p.add_argument("--since", metavar="MILESTONE",
                   help='add "Changes since MILESTONE" after the executive summary (default: the newest milestone, '
                        'if the review has one; "" for none)')
    p.add_argument("--plan", metavar="PLAN",
                   help='add "Current vs after the plan": a plan file (JSON), or "suggested" or "shortest" for the '
                        "product's suggested changes or its shortest path to ready")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("gate", help="pass or fail a review in CI (exit 0 pass, 1 fail, 2 bad input)",
                       description="Check a review for CI: fails when the verdict is not ready, on open launch "
                                   "blockers (and, with --fail-on high, on open high or critical risks) and on "
                                   "journeys below --min-availability.")
    p.add_argument("review", metavar="REVIEW")
    p.add_argument("--fail-on", choices=["blocker", "high"], default="blocker",
                   help="blocker (default): fail on launch blockers; high: also on open high/critical risks")
    p.add_argument("--ignore-verdict", action="store_true",
                   help="do not fail on a not-ready verdict by itself, only on the checks above "
                        "(by default a not-ready verdict fails the gate)")
    p.add_argument("--min-availability", type=float, metavar="PERCENT",
                   help="fail when a journey's best possible availability is below PERCENT (e.g. 99.9), or "
                        "when nothing shows it reaches it (no availability figure under it)")
    add_today_option(p)
    p.add_argument("--junit", metavar="OUT.xml", help="write the checks as a JUnit XML report")
    p.add_argument("--quiet", action="store_true", help="print only failures")
    p.set_defaults(func=cmd_gate)


def cmd_report(args) -> int:
    from prr_app.reporting.assessment import build_assessment
    from prr_app.reporting.markdown import render_csv, render_markdown
    from prr_app.reporting.pdf import render_pdf, write_output

    outputs: list[tuple[str, str, str]] = []  # (format, path, option): an empty path is refused, not skipped
    if args.output is not None:
        fmt = args.format or _SUFFIX_FORMAT.get(Path(args.output).suffix.lower(), "pdf")
        outputs.append((fmt, args.output, "-o"))
    if args.markdown is not None:
        outputs.append(("markdown", args.markdown, "--markdown"))
    if args.csv is not None:
        outputs.append(("csv", args.csv, "--csv"))
    today = today_of(args)
    if not outputs:
        raise PrrError("nothing to write: give -o OUT.pdf, --markdown OUT.md or --csv OUT.csv")
    # every output checked before any is written: a PDF that cannot be written is said before the
    # Markdown beside it is written and reported written
    for _fmt, out, option in outputs:
        check_output(out, args.review, what="the report", option=option)
    if len({paths.real_target(out) for _fmt, out, _o in outputs}) < len(outputs):
        raise PrrError("two outputs name the same file; give each its own", file=outputs[-1][1])
    review = load_review(args.review)
    assessment = build_assessment(review, seed=args.seed, today=today)
    # the changes and the plan judged as of the same day as the rest of the report
    sections = _report_sections(review, args, assessment.today)
    # the checklist's own warnings first (a template not installed: evaluated with another one)
    warnings: list[str] = list(getattr(assessment.checklist, "warnings", None) or [])
    # the text outputs first: whatever happens to the PDF, the Markdown and CSV asked for are written
    outputs.sort(key=lambda o: o[0] == "pdf")
    for fmt, out, _option in outputs:
        if fmt == "pdf":
            data = render_pdf(review, paper=args.paper, assessment=assessment, warnings=warnings, **sections)
        elif fmt == "markdown":
            data = render_markdown(review, assessment=assessment, **sections).encode("utf-8")
        else:
            data = ("\ufeff" + render_csv(review, assessment=assessment)).encode("utf-8")
        try:
            write_output(Path(out), data)
        except OSError as e:
            raise PrrError(f"cannot write: {e.strerror or e}", file=str(out)) from None
        print(f"wrote {sanitize(out, one_line=True)}")  # a file name is the user's text: no escapes
    for w in dict.fromkeys(warnings):
        print(f"prr: warning: {w}", file=sys.stderr)
    print(f"verdict: {assessment.verdict_text.lower()}")
    return 0


def _report_sections(review, args, today: str | None = None) -> dict:
    """The diff since a milestone and the plan's result for the report (review.diff.report_sections)."""
    from prr_app.review import plans as P
    from prr_app.review.diff import report_sections

    plan = None
    plan_file = None
    if args.plan in ("suggested", "shortest") and not Path(args.plan).exists():
        from prr_app.review.assess import assess

        before = assess(review, seed=args.seed, today=today).to_dict()
        if args.plan == "suggested":
            plan = P.suggested_plan(review, before)
        else:
            search = P.shortest_path_to_ready(review, seed=args.seed, today=today, before=before)
            plan = search["plan"]
    elif args.plan:
        plan, plan_file = P.read_plan(args.plan), args.plan
    out = report_sections(review, since=args.since, plan=plan, seed=args.seed, today=today, file=args.review,
                          plan_file=plan_file)
    if args.plan == "shortest" and plan is not None and out["plan"] is not None:
        out["plan"]["search"] = {k: v for k, v in search.items() if k != "plan"}
    return out


# ---------------------------------------------------------------------------
# gate

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text) -> str:
    return _XML_BAD.sub("?", str(text))


#: how many subjects a folded line of ``prr gate`` names before counting the rest
_NAMED = 10


def gate_lines(failed: list[dict], template=None) -> list[str]:
    """One line per failed check, except that a checklist item nobody answered for more than 20
    subjects is one line naming the first of them and counting the rest, as the report's 7.1 folds it
    (``fold_same_item``; the JUnit report keeps one test case per item)."""
    from prr_app.reporting.assessment import GROUP_WHAT, fold_same_item, generic_question

    _shown, grouped = fold_same_item([c["item"] for c in failed if c.get("item") is not None])
    first = {v[0].key: (k, v) for k, v in grouped.items()}
    folded = {it.key for v in grouped.values() for it in v}
    out = []
    for c in failed:
        it = c.get("item")
        if it is None or it.key not in folded:
            out.append(c["message"])
            continue
        if it.key not in first:
            continue
        item_id, items = first[it.key]
        names = [x.subject_label or x.subject for x in items]
        rest = len(names) - _NAMED
        out.append(f"BLOCKER checklist {item_id}: \u201c{generic_question(template, item_id, it.question)}\u201d is "
                   f"unanswered for {len(items)} {GROUP_WHAT.get(it.per, it.per + 's')}: {', '.join(names[:_NAMED])}"
                   + (f" and {rest} more (--junit lists each)" if rest > 0 else ""))
    return out


def write_junit(path: Path, checks: list[dict], *, suite: str) -> None:
    from prr_app.reporting.pdf import write_output

    failures = sum(1 for c in checks if not c["ok"])
    root = ET.Element("testsuites", name="prr gate", tests=str(len(checks)), failures=str(failures), errors="0")
    ts = ET.SubElement(root, "testsuite", name=_x(suite), tests=str(len(checks)), failures=str(failures),
                       errors="0", skipped="0", time="0")
    for c in checks:
        tc = ET.SubElement(ts, "testcase", classname=_x(c["classname"]), name=_x(c["name"]), time="0")
        if not c["ok"]:
            f = ET.SubElement(tc, "failure", message=_x(c["message"])[:1000], type=c["classname"])
            f.text = _x(c["message"])
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    try:
        write_output(path, data + b"\n")
    except OSError as e:
        raise PrrError(f"cannot write: {e.strerror or e}", file=str(path)) from None


def cmd_gate(args) -> int:
    from prr_app.reporting.assessment import build_assessment

    today = today_of(args)
    if args.min_availability is not None and not (0.0 <= args.min_availability <= 100.0):
        raise PrrError(f"--min-availability must be a percentage between 0 and 100, not {stated(args.min_availability)}")
    if args.junit is not None:  # --junit '' is refused, not taken as absent
        check_output(args.junit, args.review, what="the JUnit report", option="--junit")
    review = load_review(args.review)
    # never pass (or fail) a review on another checklist template than the one it was answered with
    require_review_template(review, file=args.review)
    a = build_assessment(review, today=today)
    for w in dict.fromkeys(getattr(a.checklist, "warnings", None) or []):
        print(sanitize(f"prr: warning: {w}", one_line=True), file=sys.stderr)
    # an answer confirmed from evidence that the files imported since contradict still counts as given:
    # the gate says so, as prr checklist does, for the reviewer to confirm the new finding or answer anew
    from prr_app.checklist.proposals import evidence_changes

    for line in evidence_changes(review):
        print(sanitize(f"prr: warning: answer {line}", one_line=True), file=sys.stderr)
    checks = evaluate_gate(a, fail_on=args.fail_on, min_availability=args.min_availability,
                           verdict=not args.ignore_verdict)
    failed = [c for c in checks if not c["ok"]]
    if args.junit is not None:
        write_junit(Path(args.junit), checks, suite=review.meta.system_name)
    for line in gate_lines(failed, getattr(a.checklist, "template", None)):
        print(sanitize(line, one_line=True))
    if not args.quiet and a.checklist is not None and hasattr(a.checklist, "waived_blockers"):
        from prr_app.checklist.evaluate import blockers_to_check

        for it, text in blockers_to_check(a.checklist):  # passing, but a lead reads them
            print(sanitize(f"NOTE checklist {it.key} (blocker, not blocking): {text}", one_line=True))
    if not args.quiet:
        # the defaults that decided the verdict, as the report's cover lists them: a pass (or a fail)
        # owed to "tier not stated, judged tier 1" is read with it (docs/analysis.md, the verdict)
        for line in deciding_assumption_lines(a.deciding_assumptions()):
            print(sanitize(line, one_line=True))
        status = "FAIL" if failed else "PASS"
        print(f"{status}: {sanitize(review.meta.system_name, one_line=True)}: verdict {a.verdict_text.lower()}, "
              f"{len(failed)} of {len(checks)} checks failed (--fail-on {args.fail_on}"
              f"{f', --min-availability {stated(args.min_availability)}' if args.min_availability is not None else ''}"
              f"{', --ignore-verdict' if args.ignore_verdict else ''})")
    return 1 if failed else 0
