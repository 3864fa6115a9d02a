"""Text from a review is anything: make it safe to print on a terminal or write into Markdown.

A name may hold ESC and OSC sequences (which can set a terminal's title, move the cursor,
hide text or write a link), NUL, other control characters, or bidirectional overrides
(which reorder what a reader sees). :func:`sanitize` shows each of them as a visible escape
(``\\x1b``, ``\\u202e``), so the text stays readable and nothing is acted on. Use it on
every user string a command prints as text, and on every string reporting writes into
Markdown. Machine formats (JSON, CSV, XML) escape with their own rules instead.
"""
from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, bidirectional embeddings, overrides
# and isolates, the line and paragraph separators, and the byte order mark out of place.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")


def _escape(m: re.Match) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def sanitize(text, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as an escape; ``one_line`` escapes newlines
    and tabs too (for a value printed inside one line)."""
    s = str(text)
    return (_UNSAFE_LINE if one_line else _UNSAFE).sub(_escape, s)
