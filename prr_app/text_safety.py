"""Text from a review is anything: make it safe to print on a terminal or write into Markdown.

A name may hold ESC and OSC sequences (which can set a terminal's title, move the cursor,
hide text or write a link), NUL, other control characters, or bidirectional overrides
(which reorder what a reader sees). :func:`sanitize` shows each of them as a visible escape
(``\\x1b``, ``\\u202e``), so the text stays readable and nothing is acted on. Use it on
every user string a command prints as text, and on every string reporting writes into
Markdown. Machine formats (JSON, CSV, XML) escape with their own rules instead.

The other way in: :func:`decode_text` turns the bytes of a file a user gave into text, the
same way for every reader, or refuses them on one line naming the line and column of the
first byte that is not UTF-8 (or the UTF-16/UTF-32 its byte-order mark names).
"""
from __future__ import annotations

import codecs
import re

from prr_app.errors import PrrError

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


# ------------------------------------------------------------------ bytes to text
#: byte-order marks a file may start with, longest first (UTF-32 LE's starts with UTF-16 LE's)
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF8, "UTF-8"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def bom_encoding(raw: bytes) -> str | None:
    """``"UTF-8"``, ``"UTF-16"`` or ``"UTF-32"`` when ``raw`` starts with that byte-order mark, else None."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    return None


def text_position(prefix: str) -> str:
    """``"line L, column C"`` of the character after ``prefix`` (lines end at ``\\n``, ``\\r\\n`` or ``\\r``;
    the column counts characters, as an editor does, not bytes)."""
    parts = re.split(r"\r\n|\r|\n", prefix)
    return f"line {len(parts)}, column {len(parts[-1]) + 1}"


def decode_text(raw: bytes, file: str | None = None, *, utf16: bool = False,
                advice: str = "save it as UTF-8") -> str:
    """The text of a file a user gave: UTF-8, with or without a byte-order mark.

    The one decoding every reader of user files uses (YAML, DOT, Structurizr, traces, Aspire, review
    JSON, checklist templates and Markdown checklists, CSV edge lists), so a file that is not UTF-8 is
    refused the same way everywhere: naming the line and column of its first bad byte (an editor's
    place, not a byte offset), or the encoding its byte-order mark names. No encoding is guessed.

    ``utf16=True`` reads UTF-16 with a byte-order mark too: only for CSV edge lists, which Excel saves
    so ("Unicode Text"). The other readers refuse it: the importers recognise a file's format from its
    first bytes read as UTF-8 (``paths.head_text``), so a UTF-16 file would be taken for another
    format, and a review JSON is always written back as UTF-8. ``advice`` ends each message (what to
    do instead).
    """
    enc = bom_encoding(raw)
    if enc == "UTF-16" and utf16:
        try:
            return raw.decode("utf-16")  # the codec takes the byte-order mark for its byte order
        except UnicodeDecodeError as e:
            where = text_position(raw[:e.start - e.start % 2].decode("utf-16", errors="replace"))
            raise PrrError(f"not UTF-16 text at byte {e.start} (it starts with UTF-16's byte-order mark); "
                           f"{advice}", file=file, location=where) from None
    if enc in ("UTF-16", "UTF-32"):
        raise PrrError(f"{enc} text (it starts with {enc}'s byte-order mark); {advice}", file=file)
    body = raw[len(codecs.BOM_UTF8):] if enc == "UTF-8" else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        where = text_position(body[:e.start].decode("utf-8"))
        raise PrrError(f"byte 0x{body[e.start]:02X} is not UTF-8 text: {advice}", file=file, location=where) from None
    if "\x00" in text:
        guess = _wide_without_bom(body)
        if guess:
            share = "half" if guess == "UTF-16" else "three quarters"
            raise PrrError(f"looks like {guess} text without a byte-order mark ({share} of its bytes are NUL); "
                           f"{advice}", file=file)
    return text


def _wide_without_bom(body: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``body`` has the NUL bytes of mostly-ASCII text in that encoding
    without a byte-order mark: named in the refusal, never decoded."""
    head = body[:4096]
    if len(head) < 8:
        return None

    def nul_share(start: int, step: int) -> float:
        part = head[start::step]
        return part.count(0) / len(part)

    if nul_share(1, 4) > 0.9 and nul_share(2, 4) > 0.9:
        return "UTF-32"
    for start in (0, 1):
        if nul_share(start, 2) > 0.9 and nul_share(1 - start, 2) < 0.1:
            return "UTF-16"
    return None
