"""``prr set``, ``prr add`` and ``prr delete``: change the review's model headless, as the app's
inspector, its Add actions and Delete do (:mod:`prr_app.review.element_edits`), on the review as its
file holds it now, under its lock. Each prints one line per change and where it wrote."""
from __future__ import annotations

from prr_app.errors import PrrError
from prr_app.text_safety import sanitize

_FIELDS_HELP = ("FIELD=VALUE as the review JSON names the field (docs/file-format.md): slo=99.9, replicas=3, "
                "user_facing=true, owner=team-a, tags+=telemetry, tags-=telemetry, observability.alerts=true, "
                "kind=soft, fallback='cached page', entry=frontend,checkout; '' clears a field")


def register(sub) -> None:
    p = sub.add_parser(
        "set", help="change fields of a component, dependency, group, domain, journey or the review",
        description="Change fields of one element of the review, as the app's inspector does: a component "
                    "(its id), a dependency (CALLER->CALLEE), a redundancy group, a failure domain, a journey, or "
                    "'review' (system_name, tier, target_launch, reviewers...), or 'policy' (the resilience policy: "
                    "survive+=region, rto_minutes.zone=30). Tagging a hub (tags+=telemetry), "
                    "stating a replica count, an SLO, an owner or a call's fallback. The review file is changed "
                    "in place (under its lock) unless -o is given; every value is checked as the review JSON "
                    "is, and a refused one changes nothing.")
    p.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    p.add_argument("element", metavar="ELEMENT", help="an id, CALLER->CALLEE, 'review' or 'policy'")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE", help=_FIELDS_HELP)
    p.add_argument("--kind", choices=["component", "dependency", "group", "domain", "journey"],
                   help="which kind of element, when two share the id")
    _output(p)
    p.set_defaults(func=cmd_set)

    p = sub.add_parser(
        "add", help="add a component, dependency, group, domain or journey",
        description="Add an element to the review, with its fields, as the app's Add actions do: "
                    "'prr add r.prr component cache kind=cache replicas=2', 'prr add r.prr dependency "
                    "web->cache kind=soft fallback=\"serve stale\"', 'prr add r.prr journey checkout "
                    "entry=web slo=99.9'.")
    p.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    p.add_argument("kind", choices=["component", "dependency", "group", "domain", "journey"], metavar="KIND",
                   help="component, dependency, group, domain or journey")
    p.add_argument("element", metavar="ID", help="its id (CALLER->CALLEE for a dependency)")
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE", help=_FIELDS_HELP)
    _output(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser(
        "delete", help="delete components, dependencies, groups, domains or journeys",
        description="Delete elements of the review and what hangs on them, as the app's Delete does: a "
                    "component takes its dependencies (the calls it makes and those made on it), its place in "
                    "groups and journeys with it, and each is said; what else changes (answers kept as orphans, "
                    "decisions kept, a group's min_up lowered) is said too.")
    p.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    p.add_argument("elements", nargs="+", metavar="ELEMENT", help="ids (CALLER->CALLEE for a dependency)")
    _output(p)
    p.set_defaults(func=cmd_delete)


def _output(p) -> None:
    p.add_argument("-o", "--output", metavar="OUT", help="write the changed review here instead")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")


def _run(args, make) -> int:
    """Make the changes on the review as its file holds it now and write it; print what changed."""
    from prr_app import paths
    from prr_app.review.document import Unchanged, edit_review
    from prr_app.review.edits import apply_changes
    from prr_app.review.gate import same_file

    output = args.output
    if output is not None:
        paths.check_output_path(output)
        if same_file(output, args.review):
            output = None  # -o REVIEW: in place, under the file's lock
    said: list[str] = []

    changed = []

    def change(review):
        changes, lines = make(review)
        said[:] = lines
        changed[:] = changes
        if not changes:  # the review already says so: the file is not written (its bytes and time stay)
            raise Unchanged
        apply_changes(review, changes)

    try:
        edit_review(args.review, change, output=output, force=args.force)
    except PrrError as e:  # a refused value names the review file it was meant for
        raise e.with_file(str(args.review)) from None
    for line in said:
        print(sanitize(line, one_line=True))
    if not changed:
        print("no change: the review already says so" + (f"; wrote it to {sanitize(str(output), one_line=True)}"
                                                          if output else ""))
        return 0
    print(f"wrote {sanitize(str(output or args.review), one_line=True)}")
    return 0


def cmd_set(args) -> int:
    from prr_app.review.element_edits import parse_assignments, set_values

    return _run(args, lambda review: set_values(review, args.element, parse_assignments(args.assignments),
                                                kind=args.kind))


def cmd_add(args) -> int:
    from prr_app.review.element_edits import add_element, parse_assignments

    return _run(args, lambda review: add_element(review, args.kind, args.element,
                                                 parse_assignments(args.assignments)))


def cmd_delete(args) -> int:
    from prr_app.review.element_edits import delete_elements

    return _run(args, lambda review: delete_elements(review, args.elements))
