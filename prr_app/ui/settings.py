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


#: What a decision says when nobody can be named (the user cancelled the question).
NO_NAME = ("a decision names who made it: give your name (Edit > Your Name as Reviewer…); nothing was "
           "recorded")


def name_for_record(review=None, parent=None) -> str:
    """Who to record as making a decision, an answer or a milestone: :func:`reviewer_name`, else the
    name the user types when asked (kept for next time); "" when they give none. The app never
    records a system account (root) or nobody ("someone") as who decided: the command line refuses
    the same way (:func:`prr_app.review.people.who_decides`)."""
    name = reviewer_name(review)
    if name:
        return name
    from PySide6.QtWidgets import QInputDialog

    typed, ok = QInputDialog.getText(parent, "Your name as reviewer",
                                     "Who is deciding? Your name is written with each answer, decision and "
                                     "milestone (your login name names no person):")
    typed = typed.strip() if ok else ""
    if typed:
        settings().setValue(REVIEWER_KEY, typed)
    return typed
