"""Checks shared by the commands that read a review and write something else (the report, the gate's
JUnit file, the checklist's CSV, an imported template), and by those that judge a review against its
checklist template (the gate, the report).

* :func:`refuse_review_as_output`: an output file that names the review itself (the same path, a
  symbolic or hard link to it) is refused before any work is done: the review is never replaced by a
  report, an export, a plan, a CSV or a JUnit file.
* :func:`check_output`: every check of an output path before any work (that one, and
  :func:`prr_app.paths.check_output_path`: empty, a folder, a missing or read-only folder, a
  read-only file); each command calls it for every output it was given before it writes any.
* :func:`require_review_template`: the gate never passes a review on another checklist template than
  the one the review was answered with (docs/checklist.md, "Bundled templates").
* :func:`applicable_blockers`: the checklist blockers the gate checks, passing or not (one JUnit test
  case each).
* :func:`evaluate_gate`: every check of ``prr gate`` (the verdict, the risks, the checklist blockers, each
  journey's availability against ``--min-availability``), passing or failing; the CLI prints the failed
  ones and writes them all as JUnit test cases.
"""
from __future__ import annotations

import os
from pathlib import Path

from prr_app import paths
from prr_app.errors import PrrError
from prr_app.wording import NOT_JUDGED_NO_FIGURES, ceiling_text, enum_words, stated


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name the same file: the same path once links are resolved, or (both
    existing) the same file on disk (a hard link)."""
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
    except (OSError, ValueError):
        return False
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def refuse_review_as_output(output: str | Path | None, review: str | Path | None, *, what: str) -> None:
    """Raise (exit 2, one line naming ``output``) when ``output`` is the review file ``review``.

    ``what`` names what would have been written ("the report", "the JUnit report", "the CSV").
    """
    if output is None or review is None:
        return
    if same_file(output, review):
        raise PrrError(f"refusing to overwrite the review with {what}", file=str(output))


def check_output(output: str | Path, review: str | Path | None, *, what: str, option: str | None = None) -> Path:
    """Refuse ``output`` (exit 2, one line) when it is the review ``review`` or cannot be written
    (:func:`prr_app.paths.check_output_path`); ``-`` (standard output) passes. Checks only: nothing
    is created. ``option`` names the option that gave the path, for an empty one."""
    refuse_review_as_output(output, review, what=what)
    return paths.check_output_path(output, option=option)


def require_review_template(review, *, file: str | None = None) -> None:
    """Raise (exit 2) when the checklist template the review records (id and version) is not installed:
    evaluating it against another template would judge answers given to other questions."""
    from prr_app.checklist.evaluate import missing_review_template

    msg = missing_review_template(review)
    if msg is not None:
        raise PrrError(msg + "; the gate judges a review only against its own template", file=file)


def applicable_blockers(checklist) -> list:
    """The checklist items the gate checks, in the checklist's order: every required blocker not
    answered not applicable (those block nothing; the gate names them in a NOTE line). Each is a check
    of its own, passing or failing, so that a JUnit report keeps the same test cases as items are
    answered (a blocker answered met is a passing test case, not a test case gone). Fails as the
    verdict counts it: answered not met or partly, or not answered at all."""
    if checklist is None:
        return []
    return [it for it in checklist.items
            if it.required and it.severity == "blocker" and it.status != "not_applicable"]


def evaluate_gate(assessment, *, fail_on: str = "blocker", min_availability: float | None = None,
                  verdict: bool = True) -> list[dict]:
    """Every check of the gate: ``[{name, classname, ok, message}]``. ``verdict``: the verdict is a check
    of its own, failing when it is not ready (the gate never passes what the report calls not ready).
    ``min_availability``: each journey is a check of its own, failing below it, and failing too when
    nothing shows it reaches it (:func:`availability_checks`)."""
    from prr_app.analysis.risks import open_at_launch

    checks: list[dict] = []
    if verdict:
        v = assessment.analysis["verdict"]
        checks.append({"classname": "verdict", "name": "verdict", "ok": v["verdict"] != "not-ready",
                       "message": f"VERDICT {assessment.verdict_text.lower()}: " + " ".join(assessment.causes())})
    for r in assessment.ranked_risks():
        fails = bool(r.get("launch_blocking"))
        kind = "BLOCKER"
        # open as the verdict counts it: an acceptance that ends before the launch does not count
        if not fails and fail_on == "high" and open_at_launch(r) and r["severity"] in ("critical", "high"):
            fails, kind = True, r["severity"].upper()
        checks.append({"classname": "risks", "name": r["id"], "ok": not fails,
                       "message": f"{kind} {r['id']}: {r['title']} (severity {r['severity']}, score {r['score']})"})
    # every applicable checklist blocker is a check, passing or not; an unanswered one counts as not
    # met, as in the verdict. Failing first (answered not met or partly, then unanswered), as before.
    blockers = applicable_blockers(assessment.checklist)
    failing = [it for it in blockers if it.is_open_blocker and it.answered]
    failing += [it for it in blockers if it.is_open_blocker and not it.answered]
    for it in failing + [it for it in blockers if not it.is_open_blocker]:
        key = it.key
        ok = not it.is_open_blocker
        checks.append({"classname": "checklist", "name": key, "ok": ok, **({} if ok else {"item": it}),
                       "message": f"{'' if ok else 'BLOCKER '}checklist {key}: {it.question} "
                                  f"(answer: {enum_words(it.status)})"})
    if min_availability is not None:
        checks += availability_checks(assessment, min_availability)
    return checks


def availability_checks(assessment, min_availability: float) -> list[dict]:
    """One check per journey of the review against ``--min-availability``, in the analysis' order.

    Missing information fails safe (docs/analysis.md, the verdict): a journey whose estimate has not one
    availability figure under it (100 % only because nothing it needs states one, the report's "not
    judged (no figures)") fails, as does a journey the analysis could not estimate at all (no entry
    component it knows): nothing shows either reaches the minimum, and a CI gate that passed them
    passed sock-shop's checkout at 99.99 % with no figure in the review. A minimum of 0 is met by
    anything, figures or not.

    A review with no journey at all fails too (one check of its own): the gate would otherwise check
    nothing while its summary line names the minimum, and a CI gate must not seem to check what it
    did not."""
    from prr_app.reporting.assessment import no_figures

    need = stated(min_availability)
    if not assessment.review.journeys:
        return [{"classname": "availability", "name": "availability", "ok": min_availability <= 0,
                 "message": f"AVAILABILITY no journey: nothing to judge against --min-availability {need}; "
                            "add the journeys that matter (prr add REVIEW journey ...)"}]
    checks: list[dict] = []
    seen: set[str] = set()
    for x in assessment.availability_rows():
        if x["target_type"] != "journey":
            continue
        seen.add(x["target"])
        if min_availability > 0 and (x.get("estimate") is None or no_figures(x)):
            checks.append({"classname": "availability", "name": x["target"], "ok": False,
                           "message": f"AVAILABILITY {x['target']}: {NOT_JUDGED_NO_FIGURES}: nothing it needs "
                                      f"states an availability, so nothing shows it reaches the required {need} %"})
            continue
        ok = x["estimate"] >= min_availability
        checks.append({"classname": "availability", "name": x["target"], "ok": ok,
                       "message": f"AVAILABILITY {x['target']}: best possible "
                                  f"{ceiling_text(x['estimate'], min_availability)} % "
                                  f"is below the required {need} %"})
    for jid in sorted(assessment.review.journeys):
        if jid in seen:
            continue
        # the analysis skips a journey without an entry component it knows (its "journey-without-entries"
        # assumption): no estimate, so not a pass
        checks.append({"classname": "availability", "name": jid, "ok": min_availability <= 0,
                       "message": f"AVAILABILITY {jid}: not judged (no entry components): the analysis has no "
                                  f"availability for it, so nothing shows it reaches the required {need} %; "
                                  "name the components it enters by"})
    return checks
