"""The app's settings (``QSettings``; a file in ``PRR_SETTINGS_DIR`` in tests) and the values read from them."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from prr_app.review.people import who_am_i

#: the reviewer's own name, written into acceptances and checklist answers
REVIEWER_KEY = "reviewer/name"


def settings() -> QSettings:
    base = os.environ.get("PRR_SETTINGS_DIR")
    if base:
        return QSettings(str(Path(base) / "prr-workbench.ini"), QSettings.Format.IniFormat)
    return QSettings("PRR Workbench", "prr-app")


def reviewer_name(review=None) -> str:
    """The name to write as who answered or accepted (see :func:`prr_app.review.people.who_am_i`)."""
    v = settings().value(REVIEWER_KEY, "")
    return who_am_i(v if isinstance(v, str) else "", review)
