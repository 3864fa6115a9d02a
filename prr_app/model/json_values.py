"""JSON values a review may hold, parsed strictly: the one parser of review JSON text.

Review JSON files and the JSON columns of a ``.prr`` file are both read here, so a
value refused in one is refused in the other. Refused, with a message:

* duplicate keys (the standard library silently keeps the last one);
* ``NaN``, ``Infinity`` and ``-Infinity``;
* integers outside the signed 64-bit range (SQLite and the JSON writer cannot hold them);
* escaped lone surrogates such as ``"\\ud800"`` (not text: no UTF-8 file can hold them);
* nesting deeper than :data:`MAX_NESTING` levels, wherever the reader finds it (the standard
  library's parser stops near 1,000, the schema's validator near 255): the place given is the
  bracket where the nesting passes it; and, in free-form values (an import's report), deeper than
  :data:`MAX_DEPTH`.
"""
from __future__ import annotations

import json
import re

#: Deepest nesting accepted inside a free-form value (the JSON writer stops at 255 levels in all).
MAX_DEPTH = 64
#: Deepest nesting of a whole document that is read: one limit however the reading gives up (the
#: parser near 1,000 levels, the schema's validator near 255, the writer at 255), so that a file is
#: refused the same way, at the same place, at 300 levels as at 1,000
MAX_NESTING = 250
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JSONValueError(ValueError):
    """The text is not JSON a review may hold; ``lineno``/``colno`` are set for syntax errors."""

    def __init__(self, message: str, lineno: int | None = None, colno: int | None = None):
        super().__init__(message)
        self.lineno = lineno
        self.colno = colno


def _no_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):  # rare: find which key, for the message
        seen = set()
        for k, _v in pairs:
            if k in seen:
                raise JSONValueError(f"duplicate key {k!r}")
            seen.add(k)
    return obj


def _refuse_constant(name: str):
    raise JSONValueError(f"{name} is not a valid JSON number")


def _too_big(text: str) -> JSONValueError:
    return JSONValueError(f"the integer {text[:30]}{'...' if len(text) > 30 else ''} does not fit in 64 bits")


def _int(text: str) -> int:
    if len(text) > 20:  # 20 digits and more (JSON has no leading zeros): beyond 64 bits, and int()
        raise _too_big(text)  # of 4,300 digits and more fails with Python's own advice
    v = int(text)
    if not INT_MIN <= v <= INT_MAX:
        raise _too_big(text)
    return v


#: one decoder for every call (``json.loads`` with hooks made a decoder per value: a store's
#: 31,000 evidence lists paid for 31,000 of them)
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant, parse_int=_int)


def loads(text: str):
    """Parse ``text`` strictly (see the module's docstring); raise :class:`JSONValueError`."""
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise JSONValueError(e.msg, e.lineno, e.colno) from None
    except RecursionError:
        line, col = _deep_place(text)
        if line is not None:
            raise JSONValueError(f"nested too deeply (more than {_DEEP} levels)", line, col) from None
        raise JSONValueError("nested too deeply", *_deepest_place(text)) from None
    except JSONValueError as e:
        if e.lineno is None:  # a hook's refusal: the hooks are not told where they are
            e.lineno, e.colno = _place(text, e)
        raise
    if _SURROGATE_ESCAPE.search(text):  # rare: only then look for an unpaired one
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise JSONValueError("a string holds an escaped lone surrogate (\\ud800-\\udfff), which is not text") from None
    return value


class _Duplicate(Exception):
    def __init__(self, pos: int):
        self.pos = pos


#: JSON's tokens that matter to :func:`_place`: a string (skipped whole), a constant, a number
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)|(-?\d+)(?![\d.eE])|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?')
#: nesting reported by :func:`_deep_place`
_DEEP = MAX_NESTING
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|([\[{])|[\]}]')


_KEY_TOKENS = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|([\[{])|[\]}]')


def _keys_of_object(text: str, start: int, end: int, key: str) -> list[int]:
    """Where ``key`` is a key of the object ``text[start:end]`` itself (not of an object inside it)."""
    hits = []
    depth = 0
    for m in _KEY_TOKENS.finditer(text, start, end):
        if m.group(3):
            depth += 1
        elif m.group(1) is None:
            depth -= 1
        elif depth == 1 and m.group(2) and json.loads(m.group(1)) == key:
            hits.append(m.start())
    return hits


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _deep_place(text: str, limit: int = _DEEP) -> tuple[int | None, int | None]:
    """(line, column) of the first ``[`` or ``{`` that opens a level deeper than ``limit``."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.group(1):
            depth += 1
            if depth > limit:
                return _line_col(text, m.start())
        elif m.group(0) in "]}":
            depth -= 1
    return None, None


def _deepest_place(text: str) -> tuple[int | None, int | None]:
    """(line, column) of the first ``[`` or ``{`` at the document's greatest depth."""
    depth = best = 0
    pos = None
    for m in _BRACKETS.finditer(text):
        if m.group(1):
            depth += 1
            if depth > best:
                best, pos = depth, m.start()
        elif m.group(0) in "]}":
            depth -= 1
    return (None, None) if pos is None else _line_col(text, pos)


def deep_place(text: str) -> tuple[int | None, int | None]:
    """Where ``text`` (JSON a reader gave up on as nested too deeply) nests too deeply, as (line,
    column): the bracket that passes :data:`MAX_NESTING` levels, or the first at its greatest depth."""
    line, col = _deep_place(text)
    return (line, col) if line is not None else _deepest_place(text)


def place_of(text: str, error: JSONValueError) -> tuple[int | None, int | None]:
    """Where in ``text`` the refusal ``error`` (from a parser using this module's hooks, or the
    standard library's with an ``object_pairs_hook`` that says "duplicate key 'K'") is, as
    (line, column): see :func:`_place`."""
    return _place(text, error)


def _place(text: str, error: JSONValueError | None) -> tuple[int | None, int | None]:
    """Where a refusal the parser's hooks made is, as (line, column): the second occurrence of a
    duplicate key, the first ``NaN``/``Infinity`` outside a string, or the first integer literal
    past 64 bits. A duplicate key is found by parsing again with the standard library's
    pure-Python scanner, which says where it is; the others by a scan of the tokens outside
    strings (only on this rare path)."""
    from json import decoder, scanner

    pos = None
    message = str(error) if error is not None else ""
    if message.startswith("duplicate key"):
        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            pairs, end = decoder.JSONObject(s_and_end, strict, scan_once, None, lambda p: p, memo)
            seen: set[str] = set()
            for k, _v in pairs:
                if k in seen:  # its second occurrence in this object (inner objects were parsed first)
                    start = s_and_end[1] - 1
                    hits = _keys_of_object(text, start, end, k)
                    raise _Duplicate(hits[1] if len(hits) > 1 else start)
                seen.add(k)
            return dict(pairs), end

        dec = json.JSONDecoder(parse_constant=lambda name: 0.0, parse_int=lambda t: 0)
        dec.parse_object = parse_object
        dec.scan_once = scanner.py_make_scanner(dec)
        try:
            dec.decode(text)
        except _Duplicate as d:
            pos = d.pos
        except (ValueError, RecursionError):
            pass
    else:  # a constant, or an integer too large: the first one outside a string
        constant = message.endswith("is not a valid JSON number")
        for m in _TOKENS.finditer(text):
            if constant and m.group(1):
                pos = m.start()
                break
            digits = m.group(2)
            if not constant and digits and len(digits) > 18 and (
                    len(digits) > 20 or not INT_MIN <= int(digits) <= INT_MAX):
                pos = m.start()
                break
    if pos is None:
        return None, None
    return _line_col(text, pos)


def check_free_form(value, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`JSONValueError` if ``value`` (parsed JSON) nests deeper than ``max_depth``
    or holds something that is not JSON (a float that is not finite, an integer beyond 64 bits)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth > max_depth:
                raise JSONValueError(f"nested more than {max_depth} levels deep")
            items = v.values() if isinstance(v, dict) else v
            if isinstance(v, dict) and not all(isinstance(k, str) for k in v):
                raise JSONValueError("an object key that is not text")
            stack.extend((x, depth + 1) for x in items)
        elif isinstance(v, bool) or v is None or isinstance(v, str):
            continue
        elif isinstance(v, int):
            if not INT_MIN <= v <= INT_MAX:
                raise JSONValueError("an integer that does not fit in 64 bits")
        elif isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                raise JSONValueError(f"{v} is not a valid JSON number")
        else:
            raise JSONValueError(f"a {type(v).__name__} is not a JSON value")
