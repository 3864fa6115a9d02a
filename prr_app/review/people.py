"""Who is editing: the name written into answers, acceptances and their history.

Written once for both faces. The name a reviewer gives (the app's settings, ``--by`` on
the command line) wins; then the review's first listed reviewer; the operating system's
account name only as a last resort, and never a system account such as ``root``, which
names no person.
"""
from __future__ import annotations

import getpass

from prr_app.model.entities import Review

#: Account names that name no person: never written as who accepted or answered something.
SYSTEM_ACCOUNTS = frozenset({"root", "admin", "administrator", "user", "nobody", "runner", "ubuntu", "vagrant"})


def who_am_i(configured: str | None = None, review: Review | None = None) -> str:
    """The reviewer's name, or "" when nobody can be named (the user is then asked to type it)."""
    if configured and configured.strip():
        return configured.strip()
    if review is not None:
        for r in review.meta.reviewers:
            if r and r.strip():
                return r.strip()
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no account name at all (e.g. no USER and no passwd entry)
        return ""
    return "" if not name or name.lower() in SYSTEM_ACCOUNTS else name
