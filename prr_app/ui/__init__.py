"""The desktop app (PySide6 + pyqtgraph). Nothing outside this package imports Qt."""
from __future__ import annotations

import sys


def _protect_none_refcount() -> None:
    """Work around PySide6 6.12 on CPython 3.11: every Qt method returning ``void``
    hands back ``None`` without a reference (correct only for 3.12+, where ``None``
    is immortal). Each call then lowers ``None``'s count by one, and after a few
    thousand calls (one repaint of a big graph) the interpreter aborts with
    "none_dealloc: deallocating None". Measured: 1000 ``QPainter.drawRect`` calls
    lower the count by 1000. We raise ``None``'s count far out of reach once, which
    is what 3.12 does by design. Harmless: ``None`` is never freed anyway.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    refcnt = ctypes.c_ssize_t.from_address(id(None))
    if refcnt.value < 2**40:
        refcnt.value += 2**50


_protect_none_refcount()
