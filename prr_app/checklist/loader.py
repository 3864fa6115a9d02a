"""Reading template files safely: YAML (a strict subset) and JSON.

Both loaders return plain Python data plus a map from a JSON path (a tuple of
keys and indices) to the 1-based line where that value starts, so that schema
problems can be reported as ``file: line N: ...``.

YAML is read with a loader built on PyYAML's safe loader, tightened for
hand-written templates:

* only ``true``/``false`` are booleans (no Norway problem: ``no`` stays text);
* no timestamps and no base-60 numbers (``12:30`` stays text); integers and
  floats follow YAML 1.2 (``1.10`` is still a float: the schema asks for
  versions as quoted text and says so);
* a duplicated key is an error naming both lines;
* anchors/aliases are allowed, but a document that expands beyond
  :data:`MAX_NODES` nodes (an alias bomb) is refused before it is built;
* nesting deeper than :data:`MAX_DEPTH` is refused instead of raising
  ``RecursionError``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from prr_app.errors import PrrError

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

LineMap = dict  # tuple path -> line (1-based)


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars and no duplicate keys."""


# Start from no implicit resolvers, then add back the few we want.
_StrictYamlLoader.yaml_implicit_resolvers = {}
_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def _construct_bool(loader, node):
    return node.value.lower() == "true"


def _construct_int(loader, node):
    return int(node.value)


def _construct_float(loader, node):
    return float(node.value)


_StrictYamlLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_StrictYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictYamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
def _refuse_tag(loader, node):
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag!r} is not allowed in a checklist template", node.start_mark
    )


# Explicit tags we do not support (timestamps, binary, sets, ordered maps, Python objects...).
_StrictYamlLoader.add_constructor(None, _refuse_tag)
for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
    _StrictYamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


if getattr(yaml, "__with_libyaml__", False):

    class _StrictCYamlLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """The same rules, with libyaml's C parser (several times faster on big templates)."""

        yaml_implicit_resolvers = _StrictYamlLoader.yaml_implicit_resolvers
        yaml_constructors = _StrictYamlLoader.yaml_constructors

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _LOADER = _StrictCYamlLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _StrictYamlLoader


def _check_keys(node) -> None:
    seen: dict = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "only plain text keys are allowed", key_node.start_mark
            )
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys ('<<') are not allowed in a checklist template", key_node.start_mark
            )
        k = key_node.value
        if k in seen:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key {k!r} (first on line {seen[k] + 1})",
                key_node.start_mark,
            )
        seen[k] = key_node.start_mark.line


def _expanded_size(root) -> tuple[int, int]:
    """(node count with aliases expanded, depth), computed without expanding."""
    memo: dict[int, tuple[int, int]] = {}
    # iterative post-order walk; a node reached again (alias) reuses its size
    stack = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            on_path.discard(nid)
            if isinstance(node, yaml.ScalarNode):
                memo[nid] = (1, 1)
                continue
            children = _children(node)
            size, depth = 1, 0
            for ch in children:
                s, d = memo[id(ch)]
                size += s
                depth = max(depth, d)
                if size > MAX_NODES:
                    size = MAX_NODES + 1
            memo[nid] = (size, depth + 1)
            continue
        if nid in memo:
            continue
        if nid in on_path:  # a recursive structure
            raise yaml.constructor.ConstructorError(
                None, None, "a recursive alias is not allowed", node.start_mark
            )
        on_path.add(nid)
        stack.append((node, True))
        for ch in _children(node):
            if id(ch) not in memo:
                stack.append((ch, False))
    return memo[id(root)]


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        out = []
        for k, v in node.value:
            out.append(k)
            out.append(v)
        return out
    return []


def _yaml_line_map(root) -> LineMap:
    lines: LineMap = {}
    stack = [((), root, 0)]
    while stack:
        path, node, depth = stack.pop()
        if path not in lines:
            lines[path] = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    kp = path + (k.value,)
                    # a key's own line is where the problem usually is
                    lines.setdefault(kp, k.start_mark.line + 1)
                    stack.append((kp, v, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                stack.append((path + (i,), v, depth + 1))
    return lines


def _mark_location(mark) -> str | None:
    if mark is None:
        return None
    return f"line {mark.line + 1}, column {mark.column + 1}"


def load_yaml_text(text: str, *, file: str | None = None) -> tuple[object, LineMap]:
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PrrError("the file is empty", file=file)
        size, depth = _expanded_size(node)
        if size > MAX_NODES:
            raise PrrError(
                f"the document expands to more than {MAX_NODES} values (too many aliases?)",
                file=file, location=_mark_location(node.start_mark),
            )
        if depth > MAX_DEPTH:
            raise PrrError(f"the document is nested more than {MAX_DEPTH} levels deep", file=file)
        _check_all_mappings(node)
        data = loader.construct_document(node)
        lines = _yaml_line_map(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "not valid YAML"
        if e.context and e.problem and e.context not in problem:
            problem = f"{e.context}: {problem}"
        raise PrrError(f"not valid YAML: {problem}", file=file, location=_mark_location(mark)) from None
    except yaml.YAMLError as e:
        raise PrrError(f"not valid YAML: {e}", file=file) from None
    except RecursionError:
        raise PrrError(f"the document is nested too deeply", file=file) from None
    finally:
        loader.dispose()
    return data, lines


def _check_all_mappings(root) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        stack.extend(_children(node))


def _json_pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _refuse_constant(name):
    raise ValueError(f"{name} is not a valid JSON number")


def load_json_text(text: str, *, file: str | None = None) -> tuple[object, LineMap]:
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise PrrError(f"not valid JSON: {e.msg}", file=file, location=f"line {e.lineno}, column {e.colno}") from None
    except ValueError as e:
        # duplicate key or NaN: find the line through the YAML composer if we can
        raise PrrError(f"not valid JSON: {e}", file=file, location=_json_problem_line(text, str(e))) from None
    except RecursionError:
        raise PrrError("the document is nested too deeply", file=file) from None
    # Line numbers for schema messages: JSON is (nearly always) YAML; best effort.
    lines: LineMap = {}
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node)[1] <= MAX_DEPTH:
                lines = _yaml_line_map(node)
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        lines = {}
    return data, lines


def _json_problem_line(text: str, message: str) -> str | None:
    m = re.search(r"duplicate key '(.*)'", message)
    if not m:
        return None
    key = json.dumps(m.group(1))
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if key + ":" in line.replace('" :', '":')]
    return f"line {hits[1]}" if len(hits) > 1 else None


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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise PrrError("not UTF-8 text", file=file, location=f"line {line}") from None
    if p.suffix.lower() == ".json" or (p.suffix.lower() not in (".yaml", ".yml") and text.lstrip()[:1] == "{"):
        data, lines = load_json_text(text, file=file)
        return data, lines, "json"
    data, lines = load_yaml_text(text, file=file)
    return data, lines, "yaml"


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
