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
"""
from __future__ import annotations

import os
from pathlib import Path

from prr_app import paths
from prr_app.errors import PrrError


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
