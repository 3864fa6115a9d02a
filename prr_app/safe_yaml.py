"""The one hostile-input-proof YAML loader (importers and checklist templates).

We never let PyYAML construct Python objects, nor compose nodes: PyYAML's C
composer recurses once per nesting level and crashes the process (a
segmentation fault, not an exception) on 100,000 nested ``[``. The C (or
pure-Python) *parser* turns the text into events, and we compose values from
those events ourselves, with an explicit stack (no recursion), which lets us:

* keep every scalar as the text the author wrote (``on``, ``no``, ``0700``,
  ``1.20`` and ``12:30`` stay strings: the YAML 1.1 "Norway problem" cannot
  happen); only ``null``/``~``/empty plain scalars become ``None``;
  importers convert numbers and booleans where they expect them
  (:func:`as_int`, :func:`as_bool`);
* remember the line of every mapping, list and key (evidence "file:line");
* cap the file size, the number of documents, the nesting depth, and the
  number of nodes that aliases expand to (the "billion laughs" bomb);
* notice duplicate keys (PyYAML silently keeps the last one);
* support merge keys (``<<: *defaults``), which real compose files use,
  and compose's ``!reset`` / ``!override`` tags.

Two scalar modes:

* ``scalars="text"`` (importers): every scalar is the text written, only null is None;
* ``scalars="core"`` (checklist templates, :func:`load_single`): YAML 1.2-like
  types for plain scalars: ``true``/``false`` (only those), integers, floats,
  null; ``no``, ``12:30`` and ``2026-01-02`` stay text. With ``strict=True``
  duplicate keys, merge keys and tags other than the core ones are errors.

Any problem is raised as :class:`~prr_app.errors.PrrError` naming the file and
the line.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from prr_app.errors import PrrError
from prr_app.text_safety import decode_text

try:  # libyaml is 10x faster; the pure-Python parser is the fallback
    from yaml._yaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the build
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


MAX_BYTES = 32 * 1024 * 1024
MAX_DOCUMENTS = 100_000
MAX_DEPTH = 64
#: nodes that aliases may add beyond what the file spells out
MAX_ALIAS_EXPANSION = 200_000
MAX_KEY_LENGTH = 10_000
#: bytes of text that aliases may repeat (one 1 MB scalar aliased 1,000 times is 1 GB of work downstream)
MAX_ALIAS_BYTES = 16 * 1024 * 1024

_NULLS = {"", "~", "null", "Null", "NULL"}


class YMap(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    __slots__ = ("line", "key_lines", "tag")

    def __init__(self, line: int = 0, tag: str | None = None):
        super().__init__()
        self.line = line
        self.key_lines: dict = {}
        self.tag = tag

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    __slots__ = ("line", "item_lines", "tag")

    def __init__(self, line: int = 0, tag: str | None = None):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []
        self.tag = tag

    def line_of(self, i: int) -> int:
        return self.item_lines[i] if 0 <= i < len(self.item_lines) else self.line


class YStr(str):
    """A scalar that was tagged (e.g. ``!reset``); behaves as its text."""

    __slots__ = ("tag",)


class Document:
    """One YAML document of a file: its value and first line."""

    __slots__ = ("value", "line", "index")

    def __init__(self, value, line: int, index: int):
        self.value = value
        self.line = line
        self.index = index


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text (UTF-8, BOM tolerated), or a PrrError naming it (and the line and column of a byte
    that is not UTF-8, or the UTF-16/UTF-32 of its byte-order mark: :func:`text_safety.decode_text`)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PrrError(f"file is {size} bytes; the limit is {max_bytes}", file=name)
        raw = path.read_bytes()
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    if len(raw) > max_bytes:
        raise PrrError(f"file is {len(raw)} bytes; the limit is {max_bytes}", file=name)
    text = decode_text(raw, name)  # the one decoding of users' files: "line L, column C" of a bad byte
    if "\x00" in text:
        raise PrrError("not a text file (contains NUL bytes)", file=name)
    return text


def load_file(path: Path, *, warnings: list[str] | None = None) -> list[Document]:
    return load_text(read_text(path), file=str(path), warnings=warnings)


def load_text(text: str, *, file: str | None = None, warnings: list[str] | None = None,
              scalars: str = "text", strict: bool = False, max_nodes: int = MAX_ALIAS_EXPANSION) -> list[Document]:
    """Every document of a YAML stream, built safely (see the module docstring)."""
    try:
        return _build(text, file, warnings, scalars == "core", strict, max_nodes)
    except PrrError:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        msg = " ".join(p for p in (e.context, e.problem) if p) or "malformed YAML"
        raise PrrError(f"invalid YAML: {msg}", file=file, location=where) from None
    except yaml.YAMLError as e:  # ReaderError and friends
        raise PrrError(f"invalid YAML: {str(e).splitlines()[0] if str(e) else 'malformed'}", file=file) from None
    except (RecursionError, MemoryError):
        raise PrrError("invalid YAML: nested too deeply or too large", file=file) from None
    except (ValueError, TypeError, UnicodeError, OverflowError) as e:  # defensive: the parser's own odd failures
        raise PrrError(f"invalid YAML: {e}", file=file) from None


_CORE_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
              "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"^[-+]?[0-9]+$")
_CORE_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _core_scalar(value: str, tag: str | None):
    """A plain scalar under the core schema (YAML 1.2-like, no Norway problem)."""
    if tag == "tag:yaml.org,2002:str":
        return value
    if value in _BOOL:
        return _BOOL[value]
    if _CORE_INT.match(value) and len(value) < 4000:
        return int(value)
    if _CORE_FLOAT.match(value) and len(value) < 4000:
        return float(value)
    return value


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def top_level_scalars(text: str, keys: tuple[str, ...]) -> dict[str, str] | None:
    """The plain text of the top-level scalar values of ``keys`` in a YAML (or JSON) mapping, read from
    the first parser events only, stopping once each is found (or the top mapping ends): which file
    holds what, without building the whole document. None when the text does not start as a mapping
    or cannot be parsed that far. The full load (:func:`load_single`) stays the authority on the
    values: a caller checks what it finds there."""
    want = set(keys)
    found: dict[str, str] = {}
    try:
        parser = _Parser(text.encode("utf-8", "surrogatepass") if _Parser.__module__ == "yaml._yaml" else text)
        get_event = parser.get_event
        ev = get_event()
        while ev is not None and type(ev) in (yaml.StreamStartEvent, yaml.DocumentStartEvent):
            ev = get_event()
        if type(ev) is not yaml.MappingStartEvent:
            return None
        depth = 0  # inside a nested value of the top mapping: how deep
        key = None  # the pending top-level key (None: a key comes next)
        opening, closing = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while want - found.keys():
            ev = get_event()
            if ev is None:
                return None
            cls = type(ev)
            if depth:
                depth += 1 if cls in opening else -1 if cls in closing else 0
                continue
            if key is None:
                if cls is yaml.MappingEndEvent:
                    break  # the top mapping ended
                if cls is not yaml.ScalarEvent:
                    return None  # a complex key: left to the full load
                key = ev.value
                continue
            if cls in opening:
                depth = 1
            elif cls is yaml.ScalarEvent and key in want:
                found[key] = ev.value
            key = None
    except yaml.YAMLError:
        return None
    return found


def _build(text: str, file: str | None, warnings: list[str] | None, core: bool = False, strict: bool = False,
           max_nodes: int = MAX_ALIAS_EXPANSION) -> list[Document]:
    # libyaml reads UTF-8 bytes faster than str
    parser = _Parser(text.encode("utf-8", "surrogatepass") if _Parser.__module__ == "yaml._yaml" else text)
    docs: list[Document] = []
    anchors: dict[str, tuple[object, int, int]] = {}  # anchor -> (value, node count, bytes)
    # stack entries: [container, pending_key, key_line, count, anchor, merges, bytes]
    stack: list[list] = []
    expanded = 0
    expanded_bytes = 0
    total_nodes = 0
    doc_line = 1
    root = None
    have_root = False
    get_event = parser.get_event
    ScalarEvent, MappingStartEvent, SequenceStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    MappingEndEvent, SequenceEndEvent, AliasEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent
    try:
        while True:
            ev = get_event()
            if ev is None:
                break
            cls = type(ev)
            if cls is ScalarEvent:
                line = ev.start_mark.line + 1
                tag = ev.tag
                if strict and tag not in _CORE_TAGS:
                    raise PrrError(f"invalid YAML: the tag {tag} is not allowed", file=file, location=_where(ev.start_mark))
                if ev.implicit[0] and not ev.style and ev.value in _NULLS and tag in (None, "!"):
                    value = None
                elif ev.value == "<<" and (ev.style or tag):
                    # a quoted or tagged '<<' is a string, not a merge key (only a plain one is)
                    value = YStr(ev.value)
                    value.tag = "tag:yaml.org,2002:str"
                elif tag and tag not in ("!", "tag:yaml.org,2002:str") and not tag.startswith("tag:yaml.org,2002:"):
                    value = YStr(ev.value)
                    value.tag = tag
                elif core and not ev.style and (tag is None or tag in _CORE_TAGS and tag != "!"):
                    value = _core_scalar(ev.value, tag)
                else:
                    value = ev.value
                total_nodes += 1
                node_bytes = len(ev.value) + 1
                if ev.anchor:
                    anchors[ev.anchor] = (value, 1, node_bytes)
                node_count = 1
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise PrrError(
                        f"nested more than {MAX_DEPTH} levels deep",
                        file=file,
                        location=f"line {ev.start_mark.line + 1}",
                    )
                line = ev.start_mark.line + 1
                tag = ev.tag if ev.tag and ev.tag != "!" else None
                if strict and tag not in _CORE_TAGS:
                    raise PrrError(f"invalid YAML: the tag {tag} is not allowed", file=file, location=_where(ev.start_mark))
                cont = YMap(line, tag) if cls is MappingStartEvent else YList(line, tag)
                stack.append([cont, _NOKEY, 0, 1, ev.anchor, None, 1, 0])
                total_nodes += 1
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                cont, _k, _kl, node_count, anchor, merges, node_bytes, _kc = stack.pop()
                if merges:
                    _apply_merges(cont, merges, file)
                value = cont
                line = cont.line
                if anchor:
                    anchors[anchor] = (value, node_count, node_bytes)
            elif cls is AliasEvent:
                line = ev.start_mark.line + 1
                if ev.anchor not in anchors:
                    raise PrrError(f"unknown alias *{ev.anchor}", file=file, location=f"line {line}")
                value, node_count, node_bytes = anchors[ev.anchor]
                expanded += node_count
                expanded_bytes += node_bytes
                if expanded > max_nodes and expanded > total_nodes * 4:
                    raise PrrError(
                        f"the document expands to more than {max_nodes} values through aliases (an alias bomb?)",
                        file=file,
                        location=f"line {line}",
                    )
                if expanded_bytes > MAX_ALIAS_BYTES:
                    # what an importer reads grows with the bytes aliases repeat, not with their count
                    raise PrrError(
                        f"aliases repeat more than {MAX_ALIAS_BYTES // 2**20} MB of text (an alias bomb?)",
                        file=file,
                        location=f"line {line}",
                    )
            elif cls is yaml.DocumentStartEvent:
                doc_line = ev.start_mark.line + 1
                anchors = {}
                have_root = False
                root = None
                continue
            elif cls is yaml.DocumentEndEvent:
                if len(docs) >= MAX_DOCUMENTS:
                    raise PrrError(f"more than {MAX_DOCUMENTS} YAML documents", file=file, location=f"line {doc_line}")
                docs.append(Document(root if have_root else None, doc_line, len(docs)))
                continue
            else:  # StreamStart / StreamEnd
                continue

            # attach ``value`` to its parent
            column = ev.start_mark.column + 1 if cls is not MappingEndEvent and cls is not SequenceEndEvent else 0
            if not stack:
                root = value
                have_root = True
                continue
            top = stack[-1]
            top[3] += node_count
            top[6] += node_bytes
            parent = top[0]
            if type(parent) is YList:
                parent.append(value)
                parent.item_lines.append(line)
            elif top[1] is _NOKEY:
                if isinstance(value, (YMap, YList)):
                    key = _complex_key(value, file, line)
                else:
                    key = value
                if isinstance(key, str) and len(key) > MAX_KEY_LENGTH:
                    raise PrrError("a mapping key is too long", file=file, location=f"line {line}")
                top[1] = key
                top[2] = line
                top[7] = column
            else:
                key, kline = top[1], top[2]
                top[1] = _NOKEY
                if key == "<<" and not isinstance(key, YStr):
                    if strict:
                        raise PrrError("invalid YAML: merge keys ('<<') are not allowed here", file=file,
                                       location=f"line {kline}")
                    if top[5] is None:
                        top[5] = []
                    top[5].append((value, kline))
                    continue
                if type(key) is YStr and key.tag == "tag:yaml.org,2002:str":
                    key = str(key)  # the quoted '<<' above: a plain key from here on
                if key in parent:
                    if strict:
                        raise PrrError(f"not valid YAML: duplicate key {key!r} (first on line {parent.key_lines.get(key)})",
                                       file=file, location=f"line {kline}, column {top[7]}")
                    if warnings is not None:
                        warnings.append(
                            f"{file}:{kline}: duplicate key {key!r} (first at line {parent.key_lines.get(key)}); the last one is used"
                        )
                parent[key] = value
                parent.key_lines[key] = kline
    finally:
        try:
            parser.dispose()
        except Exception:  # pragma: no cover - best effort
            pass
    return docs


class _NoKey:
    __slots__ = ()


_NOKEY = _NoKey()


def _complex_key(value, file, line):
    raise PrrError("a mapping or list used as a key is not supported", file=file, location=f"line {line}")


def _apply_merges(cont, merges, file) -> None:
    if not isinstance(cont, YMap):
        return
    for value, kline in merges:
        sources = value if isinstance(value, YList) else [value]
        for src in sources:
            if not isinstance(src, YMap):
                raise PrrError("a merge key (<<) needs a mapping or a list of mappings", file=file, location=f"line {kline}")
            for k, v in src.items():
                if k not in cont:
                    cont[k] = v
                    cont.key_lines[k] = src.key_lines.get(k, kline)


# ------------------------------------------------------------------ helpers
_INT_RE = re.compile(r"^[-+]?[0-9]+$")


def as_int(value, *, file=None, line=None, what="value", minimum=None) -> int | None:
    """A whole number from a scalar (``"3"``, ``3``), None for null; PrrError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise PrrError(f"{what} should be a whole number, not {value!r}", file=file, location=_loc(line))
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and _INT_RE.match(value.strip()) and len(value) < 20:
        n = int(value.strip(), 10)
    else:
        raise PrrError(f"{what} should be a whole number, not {str(value)[:60]!r}", file=file, location=_loc(line))
    if minimum is not None and n < minimum:
        raise PrrError(f"{what} should be at least {minimum}, not {n}", file=file, location=_loc(line))
    return n


def as_bool(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("true", "yes", "on", "1"):
        return True
    if s in ("false", "no", "off", "0"):
        return False
    return None


def _loc(line) -> str | None:
    return f"line {line}" if line else None


def line_of(container, key, default: int = 0) -> int:
    if isinstance(container, YMap):
        return container.line_of(key)
    if isinstance(container, YList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", default) or default


def get_path(obj, *keys):
    """``obj[k1][k2]...`` or None when any step is missing or of the wrong type."""
    for k in keys:
        if isinstance(k, int):
            if not isinstance(obj, list) or k >= len(obj):
                return None
            obj = obj[k]
        else:
            if not isinstance(obj, dict):
                return None
            obj = obj.get(k)
        if obj is None:
            return None
    return obj


def text(value) -> str:
    """A scalar as text ('' for None; containers are not text)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


# ------------------------------------------------------------ one document, plain data
LineMap = dict  # tuple path (keys and indices) -> 1-based line


def load_single(text: str, *, file: str | None = None, strict: bool = True, scalars: str = "core",
                max_nodes: int = MAX_ALIAS_EXPANSION) -> tuple[object, LineMap]:
    """The one document of ``text`` as plain dicts and lists, and the line of every value.

    For hand-written files (checklist templates): core scalar types, and with
    ``strict`` duplicate keys, merge keys and foreign tags are errors.
    """
    docs = load_text(text, file=file, scalars=scalars, strict=strict, max_nodes=max_nodes)
    docs = [d for d in docs if d.value is not None or len(docs) == 1]
    if not docs or (len(docs) == 1 and docs[0].value is None and not text.strip("\ufeff \t\r\n")):
        raise PrrError("the file is empty", file=file)
    if len(docs) > 1:
        raise PrrError("expected one YAML document, found several", file=file, location=f"line {docs[1].line}")
    return plain(docs[0].value)


def plain(value) -> tuple[object, LineMap]:
    """``value`` with :class:`YMap`/:class:`YList` turned into dict/list, and its line map (no recursion).

    A value shared through an alias is copied where it is used, so the result is a
    tree; the node cap of :func:`load_text` bounds the copies.
    """
    lines: LineMap = {}
    root_holder: list = [None]
    # (value, path, line, parent container, key in parent)
    stack = [(value, (), getattr(value, "line", 1) or 1, root_holder, 0)]
    while stack:
        v, path, line, parent, key = stack.pop()
        lines.setdefault(path, line)
        if isinstance(v, dict):
            out: dict = {}
            for k, x in v.items():
                kl = v.line_of(k) if isinstance(v, YMap) else line
                stack.append((x, path + (k,), kl, out, k))
                out[k] = None
            parent[key] = out
        elif isinstance(v, list):
            outl: list = [None] * len(v)
            for i, x in enumerate(v):
                il = v.line_of(i) if isinstance(v, YList) else line
                stack.append((x, path + (i,), il, outl, i))
            parent[key] = outl
        else:
            parent[key] = str(v) if isinstance(v, YStr) else v
    return root_holder[0], lines
