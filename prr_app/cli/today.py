"""``--today``: the date a command judges by, one option for every command whose output depends on it.

A light module (no analysis, no reporting): the light commands (``prr export``, ``prr summary``...)
take the option without loading what ``prr report`` needs."""
from __future__ import annotations

from prr_app.errors import PrrError


def add_today_option(p, what: str = "") -> None:
    """``--today YYYY-MM-DD`` (the name ``prr repo portfolio`` uses): ``prr report``, ``prr gate``,
    ``prr analyze``, ``prr export`` (PDF, Markdown, CSV) and ``prr risk`` judge as of the real current
    date unless told another. ``what``: the outputs it concerns, said first in the help."""
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help=(f"{what}: " if what else "") + "judge as of this date: acceptances expired and mitigations "
                        "past due by then (default: today's date; give one for byte-identical reports in CI or to "
                        "re-render a past one)")


def today_of(args) -> str | None:
    """``--today`` checked (one line and exit 2 when it is not a date), or None for the real date."""
    from prr_app.model.dates import is_date

    today = getattr(args, "today", None)
    if today is not None and not is_date(today):
        raise PrrError(f"--today: not a date (YYYY-MM-DD): {today}", location="command line")
    return today


def warn_due(due: str | None, target_launch: str | None, args=None) -> None:
    """Say on stderr what a due date just set earns (:func:`prr_app.wording.due_warning`: in the past, or
    after the target launch), judged as of ``--today`` if ``args`` has one; the date is kept either way."""
    import datetime as dt
    import sys

    from prr_app.text_safety import sanitize
    from prr_app.wording import due_warning

    today = (today_of(args) if args is not None else None) or dt.date.today().isoformat()
    note = due_warning(due, today, target_launch)
    if note:
        print(sanitize(f"prr: warning: {note}", one_line=True), file=sys.stderr)
