"""Which review files this process has open (light: no SQLAlchemy, so anyone may ask).

SQLite's locks are POSIX locks, owned by the process: closing *any* handle on a file drops
them all. So a file a store has open must not be opened as a plain file (to sniff its
kind, say) by anything else in this process, and must not be opened by a second store.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from prr_app.errors import PrrError

_open_paths: set[str] = set()
_lock = threading.Lock()


def _key(path: str | Path) -> str:
    return os.path.realpath(path)


def is_open(path: str | Path) -> bool:
    """Whether a store in this process has ``path`` open."""
    with _lock:
        return _key(path) in _open_paths


def register(path: str | Path, shown: str) -> None:
    """Mark ``path`` open; a PrrError if it already is."""
    with _lock:
        k = _key(path)
        if k in _open_paths:
            raise PrrError("this review is already open", file=shown)
        _open_paths.add(k)


def release(path: str | Path) -> None:
    with _lock:
        _open_paths.discard(_key(path))
