"""Calendar dates as a review writes them: ``YYYY-MM-DD`` and nothing else.

Python 3.11's ``date.fromisoformat`` also takes ``20270203``, ``2027-W05-3`` and ``2027-034``; the file
format's schema does not. A due date accepted in one of those forms was written, and the review could
not be opened again (not even to correct the date). Every place that takes a date from a user checks
it here.
"""
from __future__ import annotations

import datetime as _dt
import re

_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_date(value) -> bool:
    """Is ``value`` a real calendar day written ``YYYY-MM-DD``?"""
    if not isinstance(value, str) or not _FORM.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:  # 2027-02-30, 2027-13-01
        return False
    return True
