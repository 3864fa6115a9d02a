"""Reading template files safely: YAML (a strict subset) and JSON.

Both loaders return plain Python data plus a map from a JSON path (a tuple of
keys and indices) to the 1-based line where that value starts, so that schema
problems can be reported as ``file: line N: ...``.

YAML is read with the project's one hardened loader (:mod:`prr_app.safe_yaml`,
the importers' too), in its strict mode for hand-written templates:

* only ``true``/``false`` are booleans (no Norway problem: ``no`` stays text);
* no timestamps and no base-60 numbers (``12:30`` stays text); integers and
  floats follow YAML 1.2 (``1.10`` is still a float: the schema asks for
  versions as quoted text and says so);
* a duplicated key is an error naming both lines;
* merge keys and tags other than the core ones are errors;
* anchors/aliases are allowed, but a document that expands beyond
  :data:`MAX_NODES` nodes (an alias bomb) is refused;
* nesting deeper than :data:`MAX_DEPTH` is refused instead of raising
  ``RecursionError``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from prr_app import safe_yaml
from prr_app.errors import PrrError
from prr_app.model import json_values
from prr_app.text_safety import decode_text

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

LineMap = dict  # tuple path -> line (1-based)


def load_yaml_text(text: str, *, file: str | None = None) -> tuple[object, LineMap]:
    """A template's YAML through the project's one hardened loader (:mod:`prr_app.safe_yaml`)."""
    try:
        data, lines = safe_yaml.load_single(text, file=file, strict=True, scalars="core", max_nodes=MAX_NODES)
    except PrrError as e:
        if e.message.startswith("invalid YAML: "):
            e.message = "not valid YAML: " + e.message[len("invalid YAML: "):]
        elif e.message.startswith("nested more than"):
            e.message = f"the document is {e.message}"
        raise
    return data, lines


#: a float as written (YAML 1.2 core or JSON: decimal or exponent)
_YAML_FLOAT = re.compile(r"(?<![\w.'\"])[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?(?![\w.])")


def _float_as_written(text_lines: list[str], line: int | None, value: float) -> str | None:
    """The text of the float ``value`` on line ``line`` (or the next two: a value under its key)."""
    if not line:
        return None
    for i in range(line - 1, min(line + 2, len(text_lines))):
        for m in _YAML_FLOAT.finditer(text_lines[i].split(" #", 1)[0]):
            if float(m.group(0)) == value:
                return m.group(0)
    return None


def _path_text(path) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _refuse_changed_numbers(data, lines: LineMap, text: str, file: str | None) -> None:
    """Refuse a number written so that it is read as another text than it shows (``version: 1.20``
    is the number 1.2): no field of a template is a decimal number, so it was meant as text, and
    the schema's advice to quote the number read ('1.2') would record another version than the
    one written. The first such number, by line, is named with its text as written (found on its
    line: the loaders keep only the value)."""
    text_lines = None
    found = []
    todo = [(data, ())]
    while todo:
        v, path = todo.pop()
        if isinstance(v, dict):
            todo.extend((x, path + (k,)) for k, x in v.items())
        elif isinstance(v, list):
            todo.extend((x, path + (i,)) for i, x in enumerate(v))
        elif type(v) is float:
            if text_lines is None:
                text_lines = text.splitlines()
            written = _float_as_written(text_lines, line_of(lines, path), v)
            if written is not None and written != repr(v):
                found.append((line_of(lines, path) or 0, path, written, v))
    if found:
        line, path, written, v = min(found, key=lambda f: (f[0], len(f[1])))
        raise PrrError(f"{written} is read as a number: got the number {v!r}; quote it as written ('{written}') "
                       "if it is text", file=file,
                       location=f"line {line} ({_path_text(path)})" if line else _path_text(path))


def _json_pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise json_values.JSONValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _refuse_constant(name):
    raise json_values.JSONValueError(f"{name} is not a valid JSON number")


def load_json_text(text: str, *, file: str | None = None) -> tuple[object, LineMap]:
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise PrrError(f"not valid JSON: {e.msg}", file=file, location=f"line {e.lineno}, column {e.colno}") from None
    except json_values.JSONValueError as e:
        # a duplicate key or NaN: where it is, as review JSON says it (json_values, the one locator)
        line, col = json_values.place_of(text, e)
        raise PrrError(f"not valid JSON: {e}", file=file,
                       location=None if line is None else f"line {line}, column {col}") from None
    except RecursionError:
        line, col = json_values.deep_place(text)
        raise PrrError("the document is nested too deeply", file=file,
                       location=None if line is None else f"line {line}, column {col}") from None
    # Line numbers for schema messages: JSON is (nearly always) YAML; best effort.
    lines: LineMap = {}
    try:
        lines = safe_yaml.load_single(text, file=file, strict=False, scalars="core", max_nodes=MAX_NODES)[1]
    except PrrError:
        lines = {}
    return data, lines


def load_file(path: str | Path) -> tuple[object, LineMap, str]:
    """Read a template file: returns (data, line map, "yaml" or "json")."""
    p = Path(path)
    file = str(p)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise PrrError("is a folder, not a checklist template", file=file)
        if size > MAX_BYTES:
            raise PrrError(f"is {size} bytes; a checklist template may be at most {MAX_BYTES} bytes", file=file)
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PrrError("no such file", file=file) from None
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=file) from None
    if raw.startswith(b"SQLite format 3\x00"):
        raise PrrError("is a review (.prr), not a checklist template: give a template id ('prr checklist-templates' "
                       "lists them) or a template file (.yaml/.yml, .json)", file=file)
    text = decode_text(raw, file)  # the one decoding of users' files: "line L, column C" of a bad byte
    if p.suffix.lower() == ".json" or (p.suffix.lower() not in (".yaml", ".yml") and text.lstrip()[:1] == "{"):
        data, lines = load_json_text(text, file=file)
        kind = "json"
    else:
        data, lines = load_yaml_text(text, file=file)
        kind = "yaml"
    _refuse_changed_numbers(data, lines, text, file)
    return data, lines, kind


def line_of(lines: LineMap, path) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    path = tuple(path)
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


def dump_yaml(data) -> str:
    """YAML text that :func:`load_yaml_text` reads back to the same data."""
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


class _SafeDumper(yaml.SafeDumper):
    pass


def _str_representer(dumper, value: str):
    # Quote every string the strict loader (or a YAML 1.1 reader) might take for something else.
    style = None
    if any(ch in "\x85\u2028\u2029\r\t" or not (ch.isprintable() or ch == "\n") for ch in value):
        style = '"'  # escaped: never re-read as a line break or lost whitespace
    elif "\n" in value:
        style = "|"
    elif value.lower() in {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~", ""} or re.match(
        r"^[-+0-9.:]", value
    ):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SafeDumper.add_representer(str, _str_representer)
