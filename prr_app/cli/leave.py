"""Objects a command leaves for the end of the process.

When ``prr`` runs as a program (:func:`prr_app.cli.main.entry`), the process ends
with ``os._exit`` once a command is done, without freeing its objects one by one.
A command's locals, though, are freed as it returns: for a large review and its
analysis that is most of a million objects (0.06 s at 10,000 components). A
command hands such objects to :func:`leave` and they stay until the process ends.
Called from tests or embedded (``main()`` without ``entry()``), nothing is kept.
"""
from __future__ import annotations

_kept: list | None = None


def keep_until_exit() -> None:
    """From now on, :func:`leave` keeps what it is given (called by ``entry`` only)."""
    global _kept
    _kept = []


def leave(*objs) -> None:
    """Keep ``objs`` alive until the process ends, if it ends by ``os._exit`` (see the module)."""
    if _kept is not None:
        _kept.extend(objs)
