"""Printing a big JSON document as it is made, a chunk at a time.

``prr checklist --json`` on an import of 10,000 components lists 340,000 items: made into one dict
and encoded by ``json.dumps(indent=2)`` (whose indenting encoder is pure Python) that took 27 s and
2.5 GB. Here each item is made, encoded by orjson with its indenting option (the same layout as
``json.dumps(indent=2, ensure_ascii=False)``: ``", "``/``": "`` separators, two spaces a level,
``[]`` and ``{}`` when empty) and written before the next one is made; the tests compare the bytes
with ``json.dumps``'s.
"""
from __future__ import annotations

from collections.abc import Iterable

import orjson

_INDENT = orjson.OPT_INDENT_2


def _nested(value, depth: int) -> bytes:
    """``value`` encoded with two-space indentation, as it reads ``depth`` levels in."""
    raw = orjson.dumps(value, option=_INDENT)
    return raw.replace(b"\n", b"\n" + b"  " * depth) if b"\n" in raw else raw


def write_indented(doc: dict, out, *, streamed: str | None = None, items: Iterable = ()) -> None:
    """Write ``doc`` (a dict) to the binary stream ``out`` as ``json.dumps(doc, indent=2,
    ensure_ascii=False)`` would, with a trailing newline; ``streamed``: the key of ``doc`` whose list
    is given by ``items`` instead (an iterable of JSON-able values, made one at a time), written where
    that key stands in ``doc``."""
    out.write(b"{")
    first = True
    for key, value in doc.items():
        out.write(b"\n  " if first else b",\n  ")
        first = False
        out.write(orjson.dumps(key))
        out.write(b": ")
        if key != streamed:
            out.write(_nested(value, 1))
            continue
        n = 0
        for item in items:
            out.write(b"[\n    " if n == 0 else b",\n    ")
            out.write(_nested(item, 2))
            n += 1
        out.write(b"\n  ]" if n else b"[]")
    out.write(b"\n}\n" if not first else b"}\n")
