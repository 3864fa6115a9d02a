"""``prr repo``: the team repository on PostgreSQL (docs/team-repository.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from prr_app.errors import PrrError
from prr_app.wording import score_text


def register(sub) -> None:
    p = sub.add_parser("repo", help="the team repository on PostgreSQL: init, push, pull, list, history, sign-off",
                       description="Work with a team repository of reviews on PostgreSQL. The repository is "
                                   "--repo URL or $PRR_REPO (postgresql://[user@]host[:port]/database; passwords "
                                   "from the URL, PGPASSWORD, PGSERVICE, ~/.pgpass or the OS keyring). Any command "
                                   "that takes a review also takes repo:NAME, a review in $PRR_REPO.")
    rs = p.add_subparsers(dest="repo_command", metavar="ACTION")

    def add(name, help_, func):
        q = rs.add_parser(name, help=help_, description=help_)
        q.add_argument("--repo", metavar="URL", help="the repository (default: $PRR_REPO)")
        q.set_defaults(func=func)
        return q

    q = add("init", "create the repository's tables and roles, or upgrade them", cmd_init)
    q.add_argument("url", nargs="?", metavar="URL", help="the repository (default: --repo or $PRR_REPO)")
    q = add("push", "write a review to the repository; prints its name there", cmd_push)
    q.add_argument("review", metavar="REVIEW", help="a .prr or .json review")
    q.add_argument("--name", help="the name in the repository for a review new to it (default: from its system name)")
    q.add_argument("--keep", choices=["mine", "theirs"],
                   help="settle every conflict (a field changed here and in the repository) with your value or "
                        "the repository's, as the app's conflict picker does; without it a conflict writes nothing")
    q = add("pull", "write a review of the repository to a file", cmd_pull)
    q.add_argument("name", metavar="NAME", help="the review's name in the repository (or repo:NAME)")
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="the .prr or .json file to write")
    q.add_argument("--force", action="store_true", help="replace FILE if it exists")
    q = add("list", "the reviews in the repository", cmd_list)
    q.add_argument("--json", action="store_true", help="as JSON")
    q = add("history", "who changed what in a review, when and from where", cmd_history)
    q.add_argument("name", metavar="NAME")
    q.add_argument("--json", action="store_true", help="as JSON")
    q = add("signoff", "record the verdict sign-off of a review (approvers only)", cmd_signoff)
    q.add_argument("name", metavar="NAME")
    # spelt as here or as the analysis prints it (NOT-READY, ready-with-conditions)
    q.add_argument("verdict", choices=["ready", "ready_with_conditions", "not_ready"],
                   type=lambda v: v.strip().lower().replace("-", "_"))
    q.add_argument("--note", default="", help="why; required when the sign-off disagrees with the verdict the repository stored for the review")
    q = add("portfolio", "every review: verdict, blockers, SLOs, checklist, expiring acceptances, overdue dates",
            cmd_portfolio)
    q.add_argument("--json", action="store_true", help="as JSON")
    q.add_argument("--today", metavar="YYYY-MM-DD", help="the date to judge expiry and due dates by (default: today)")
    q.add_argument("--days", type=int, default=30, help="acceptances expiring within this many days (default 30)")
    q.add_argument("--markdown", metavar="FILE", help="also write the portfolio as a Markdown summary to FILE")
    q.add_argument("--pdf", metavar="FILE", help="also write a one-or-two-page PDF summary for leadership to FILE")
    q.add_argument("--paper", choices=["a4", "letter"], default="a4", help="the PDF's paper size (default a4)")
    q = add("blast", "what one shared component's or domain's failure takes down, across every review", cmd_blast)
    q.add_argument("element", metavar="COMPONENT_OR_DOMAIN")
    q.add_argument("--json", action="store_true", help="as JSON")
    q = add("same-as", "link a component of a review as the same as a shared component of other reviews",
            cmd_same_as)
    q.add_argument("name", metavar="NAME", help="the review")
    q.add_argument("component", metavar="COMPONENT", help="the component's id in that review")
    q.add_argument("same_as", metavar="SHARED_ID", nargs="?", help="the shared component's id (omit with --unlink)")
    q.add_argument("--unlink", action="store_true", help="remove the link")
    q = add("role", "give a database user or group a role on one review (the repository's owner only)", cmd_role)
    q.add_argument("name", metavar="NAME", help="the review")
    q.add_argument("member", metavar="MEMBER", help="a PostgreSQL role: a login or a group")
    q.add_argument("kind", nargs="?", choices=["viewer", "reviewer", "approver"], help="the role on this review")
    q.add_argument("--remove", action="store_true", help="take the member's role on this review away")
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def _repo(args):
    from prr_app.teamrepo.connection import repo_url
    from prr_app.teamrepo.repository import Repository

    return Repository(repo_url(getattr(args, "url", None) or args.repo))


def _name(text: str) -> str:
    from prr_app.teamrepo.address import repository_name

    return repository_name(text) or text


def cmd_init(args) -> int:
    with _repo(args) as repo:
        before, after = repo.init()
    if before == after:
        print(f"{repo.shown}: repository is up to date (schema {after})")
    elif before is None:
        print(f"{repo.shown}: repository created (schema {after})")
    else:
        print(f"{repo.shown}: repository upgraded from schema {before} to {after}")
    return 0


def cmd_push(args) -> int:
    from prr_app.review.document import load_review, save_review
    from prr_app.teamrepo.merge import changes_text
    from prr_app.teamrepo.repository import ConflictError, OtherRepositoryError, origin, shown_where

    path = Path(args.review)
    review = load_review(path)
    came_from = origin(review)
    name = args.name or (came_from[0] if came_from else None)
    base = came_from[1] if came_from and (args.name is None or args.name == came_from[0]) else None

    def push(pick=None):
        nonlocal base
        try:
            return repo.push(review, name=name, base=base, pick=pick)
        except OtherRepositoryError as e:
            if args.name is None:
                raise PrrError(f"pulled from repo:{e.name} in {shown_where(e.came_from)}, not from "
                               f"{shown_where(e.here)}; nothing written: push it there with --repo "
                               f"{shown_where(e.came_from)} (with your user name), or here as a new review "
                               f"with --name NAME", file=args.review) from None
            # --name given: a review new to this repository (its history is the other one's)
            base = None
            return repo.push(review, name=name, base=None, pick=pick)

    settled = []
    with _repo(args) as repo:
        try:
            try:
                pushed = push()
            except ConflictError as e:
                if args.keep is None or any(c.note for c in e.conflicts):
                    raise
                # the app's "Keep all mine" / "Take all theirs": the same push, with the user's pick
                settled = e.conflicts
                pushed = push({(c.table, c.key, c.field): args.keep for c in e.conflicts})
        except ConflictError as e:
            print(f"prr: {args.review}: {len(e.conflicts)} conflict(s) with {e.file}; "
                  "nothing written, your file is unchanged:", file=sys.stderr)
            for c in e.conflicts:
                print(f"  conflict: {c.describe()}", file=sys.stderr)
            others = changes_text(e.unwritten, first=5)
            if others:
                print(f"  not written either (not in conflict, still in your file): your {others}", file=sys.stderr)
            if any(c.note for c in e.conflicts):
                print("  to resolve: pull the current version (prr repo pull NAME -o FILE), make your changes "
                      "there and push again", file=sys.stderr)
            else:
                print(f"  to resolve: prr repo push {args.review} --keep mine (or --keep theirs) settles every "
                      f"conflict and writes the rest", file=sys.stderr)
            return 1
    if pushed.written or pushed.merged or base != pushed.version:
        # the file now holds what the repository holds, and remembers that version; what the
        # repository does not keep stays as it was in the file (its milestones)
        pushed.review.milestones = review.milestones
        save_review(pushed.review, path, overwrite=True)
    for w in pushed.warnings:
        print(f"prr: warning: {w}", file=sys.stderr)
    for c in settled:
        print(f"prr: {args.review}: conflict settled with {'yours' if args.keep == 'mine' else 'theirs'}: "
              f"{c.describe()}", file=sys.stderr)
    print(pushed.name)
    what = "created" if pushed.created else f"{pushed.written} change(s) written"
    merged = f", {pushed.merged} change(s) by others merged into {args.review}" if pushed.merged else ""
    print(f"repo:{pushed.name} version {pushed.version}: {what}{merged}", file=sys.stderr)
    return 0


def cmd_pull(args) -> int:
    from prr_app.review.document import save_review

    out = Path(args.output)
    if out.is_dir():
        raise PrrError("is a folder; give a file name to write (NAME.prr or NAME.json)", file=str(out))
    if out.suffix.lower() not in (".prr", ".json"):
        raise PrrError("a review is written to a .prr or .json file; give the file one of those names",
                       file=str(out))
    if out.exists() and not args.force:
        raise PrrError("already exists; pass --force to replace it", file=str(out))
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise PrrError(f"no such folder: {out.parent}", file=str(out))
    with _repo(args) as repo:
        pulled = repo.pull(_name(args.name))
    save_review(pulled.review, out, overwrite=True)
    print(f"wrote {out} (repo:{pulled.name} version {pulled.version})")
    return 0


def cmd_list(args) -> int:
    with _repo(args) as repo:
        infos = repo.list()
    if args.json:
        print(json.dumps([i.__dict__ for i in infos], indent=2, ensure_ascii=False))
        return 0
    if not infos:
        print("no reviews in the repository")
    for i in infos:
        print(f"{i.name}\tv{i.version}\t{i.components} components\t{i.system}\t{i.updated_at[:19]} by {i.updated_by}")
    return 0


def cmd_history(args) -> int:
    with _repo(args) as repo:
        entries = repo.history(_name(args.name))
    if args.json:
        print(json.dumps([e.__dict__ for e in entries], indent=2, ensure_ascii=False, default=str))
        return 0
    for e in entries:
        what = f"{e.element} {e.field}: {json.dumps(e.old, default=str)} -> {json.dumps(e.new, default=str)}" \
            if e.field else f"{e.element} {'added' if e.old is None else 'deleted'}"
        print(f"v{e.version}\t{e.at[:19]}\t{e.by}@{e.client_addr}\t{what}")
    return 0


def cmd_signoff(args) -> int:
    with _repo(args) as repo:
        version = repo.signoff(_name(args.name), args.verdict, args.note)
    print(f"repo:{_name(args.name)} version {version}: signed off as {args.verdict}")
    return 0


def cmd_portfolio(args) -> int:
    import datetime as dt

    if args.today:
        from prr_app.model.dates import is_date

        if not is_date(args.today):
            raise PrrError(f"--today: not a date (YYYY-MM-DD): {args.today}", location="command line")
    if args.days < 0:
        raise PrrError("--days must be 0 or more", location="command line")
    from prr_app.paths import check_output_path

    for option, out in (("--markdown", args.markdown), ("--pdf", args.pdf)):
        if out is not None:  # before reading anything: a summary that cannot be written fails at once
            check_output_path(out, option=option)
    with _repo(args) as repo:
        rows = repo.portfolio(today=args.today, soon_days=args.days)
        where = repo.where
    today = args.today or dt.date.today().isoformat()
    if args.markdown:
        from prr_app.paths import atomic_write_text
        from prr_app.reporting.portfolio import portfolio_markdown

        atomic_write_text(Path(args.markdown), portfolio_markdown(rows, today=today, days=args.days, where=where))
    if args.pdf:
        from prr_app.paths import atomic_write_bytes
        from prr_app.reporting.portfolio import render_portfolio_pdf

        atomic_write_bytes(Path(args.pdf), render_portfolio_pdf(rows, today=today, days=args.days, where=where,
                                                                paper=args.paper))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    from prr_app.reporting.portfolio import signoff_text

    if not rows:
        print("no reviews in the repository")
    for r in rows:
        signed = "signed off " + signoff_text(r) if r.get("signoff") else "not signed off"
        if not r.get("verdict"):
            print(f"{r['name']}\tv{r['version']}\tnot assessed yet (push it again)\t{signed}")
            continue
        stale = "" if r["assessed"] else " (assessed at an older version)"
        check = f"checklist {score_text(r['checklist_score'])}, {r['checklist_blockers']} blocker(s) open" \
            if r["checklist_score"] is not None else "checklist -"
        if r["checklist_score"] is not None and r.get("checklist_applicable"):
            check += f", {r['checklist_answered']}/{r['checklist_applicable']} answered"
        slo = "no SLOs stated" if not r["slo_not_attainable"] and r.get("slos_stated") == 0 \
            else f"SLO not attainable: {len(r['slo_not_attainable'])}"
        print(f"{r['name']}\tv{r['version']}\t{r['verdict'].upper()}{stale}\t{r['launch_blockers']} launch blocker(s)"
              f"\t{slo}\t{check}\tlaunch {r['target_launch'] or '-'}"
              f"\tacceptances expired: {len(r['acceptances_expired'])}"
              f"\tacceptances expiring within {args.days} days: {len(r['acceptances_expiring'])}"
              f"\toverdue: {len(r['overdue'])}\t{signed}")
    return 0


def cmd_blast(args) -> int:
    with _repo(args) as repo:
        b = repo.blast(args.element)
    if args.json:
        print(json.dumps(b, indent=2, ensure_ascii=False))
        return 0
    if not b["reviews"]:
        print(f"{args.element}: no review in the repository names it")
        return 0
    print(f"{args.element}: named by {b['reviews_naming']} review(s); its failure takes down user-facing services "
          f"or journeys in {b['reviews_hit']}: {b['user_facing']} user-facing service(s), {b['journeys']} journey(s)")
    for r in b["reviews"]:
        named = f", as {r['element']}" if r["element"] != args.element else ""
        print(f"  {r['review']} ({r['as']}{named}): {r['down']} down, {r['degraded']} degraded; "
              f"journeys down: {', '.join(r['journeys']) or '-'}; user-facing down: {', '.join(r['user_facing']) or '-'}")
    return 0


def cmd_same_as(args) -> int:
    if args.unlink == (args.same_as is not None):
        raise PrrError("give SHARED_ID to link, or --unlink to remove the link", location="command line")
    with _repo(args) as repo:
        repo.link_same_as(_name(args.name), args.component, args.same_as)
    if args.unlink:
        print(f"repo:{_name(args.name)}: {args.component} is no longer linked")
    else:
        print(f"repo:{_name(args.name)}: {args.component} is the same as {args.same_as}")
    return 0


def cmd_role(args) -> int:
    if args.remove == (args.kind is not None):
        raise PrrError("give the role (viewer, reviewer, approver), or --remove", location="command line")
    with _repo(args) as repo:
        warnings = repo.set_review_role(_name(args.name), args.member, None if args.remove else args.kind)
    for w in warnings:
        print(f"prr: warning: {w}", file=sys.stderr)
    what = "no longer has a role on" if args.remove else f"is {args.kind} of"
    print(f"{args.member} {what} repo:{_name(args.name)}")
    return 0
