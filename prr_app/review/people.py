"""Who is editing: the name written into answers, acceptances, a risk's decisions and milestones.

Written once for both faces (the issue tracker asked for one who-am-I). The name a reviewer gives
(the app's settings, ``--by`` on the command line) wins; then, in the app, the review's first
listed reviewer; the operating system's account name only as a last resort, and never a system
account such as ``root``, which names no person: a decision recorded as made by ``root`` (or by
nobody, shown as "someone") cannot be traced to whoever made it, and domain.md wants an
overridden score, like every decision, traced to who made it and why.

Every command that records a person goes through :func:`who_decides`, so they all refuse the same
way when nobody can be named, as ``prr risk accept`` always did.
"""
from __future__ import annotations

import getpass

from prr_app.errors import PrrError
from prr_app.model.entities import Review

#: Account names that name no person: never written as who accepted or answered something.
SYSTEM_ACCOUNTS = frozenset({"root", "admin", "administrator", "user", "nobody", "runner", "ubuntu", "vagrant"})


def login_name() -> str:
    """The operating system's account name, or "" when it names no person (a system account such as
    ``root``, as in CI and containers) or there is none (no USER and no passwd entry)."""
    try:
        name = (getpass.getuser() or "").strip()
    except Exception:  # noqa: BLE001 - no account name at all (e.g. no USER and no passwd entry)
        return ""
    return "" if not name or name.lower() in SYSTEM_ACCOUNTS else name


def who_am_i(configured: str | None = None, review: Review | None = None) -> str:
    """The reviewer's name, or "" when nobody can be named (the user is then asked to type it)."""
    if configured and configured.strip():
        return configured.strip()
    if review is not None:
        for r in review.meta.reviewers:
            if r and r.strip():
                return r.strip()
    return login_name()


def who_decides(by: str | None, who: str, *, file: str | None = None) -> str:
    """Who made a decision a command records (``--by``, else the login name of a person), or a
    refusal naming ``--by``.

    ``who`` says what is asked, as the refusal words it ("who accepts the risk"). The review's
    listed reviewers are not a default here: on the command line nobody confirms the name, and the
    first listed reviewer is not necessarily whoever runs the command. Refuses (:class:`PrrError`,
    exit 2) an empty ``--by``, and no ``--by`` when the login name is a system account or there is
    none: the command then writes nothing."""
    if by is not None:
        if not by.strip():
            raise PrrError(f"empty: give {who}", file=file, location="--by")
        return by.strip()
    name = login_name()
    if not name:
        raise PrrError(f"{who}? give --by NAME (the login name is a system account, or there is none)",
                       file=file, location="--by")
    return name
