"""The JSON interchange format (``"format": "prr-review"``).

Export is deterministic: elements are sorted by id, keys come in a fixed order,
empty values are left out and whole-number floats are written as integers, so
``.prr -> JSON -> .prr -> JSON`` is byte-identical.

Import is strict: duplicate keys, ``NaN``/``Infinity``, too-deep nesting and
anything the schema (``schemas/review.schema.json``) refuses are errors that
name the file and the JSON path.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import orjson

from prr_app.model.entities import (
    Acceptance,
    AnswerChange,
    ChecklistAnswer,
    Component,
    Dependency,
    DependencyKind,
    FailureDomain,
    ImportRecord,
    Journey,
    Milestone,
    NO_ITEMS,
    Proposal,
    Mitigation,
    Observability,
    OBSERVABILITY_SIGNALS,
    Position,
    RedundancyGroup,
    Review,
    ResiliencePolicy,
    ReviewMeta,
    Risk,
    RiskChange,
    DEFAULT_SURVIVE,
    dependency_id,
)
from prr_app import paths
from prr_app.model import json_values
from prr_app.model.validation import Problem, check, validate
from prr_app.errors import PrrError, ValidationError
from prr_app.text_safety import decode_text

FORMAT = "prr-review"
VERSION = 1
MAX_BYTES = 512 * 1024 * 1024


# ---------------------------------------------------------------- export
def _num(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _clean(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if v is None or v == "" or v == [] or v == {}:
            continue
        out[k] = _num(v)
    return out


def _plain(obj, skip=()) -> dict:
    # a dataclass instance's __dict__ holds its fields in declaration order
    if not skip:
        return dict(obj.__dict__)
    return {k: v for k, v in obj.__dict__.items() if k not in skip}


def component_to_dict(c: Component) -> dict:
    d = _plain(c, skip=("observability",))
    obs = {s: getattr(c.observability, s) for s in OBSERVABILITY_SIGNALS}
    d = _clean(d)
    obs = _clean(obs)
    if obs:
        # keep observability just before tags for readability
        out = {}
        for k, v in d.items():
            if k in ("tags", "source", "notes") and "observability" not in out:
                out["observability"] = obs
            out[k] = v
        out.setdefault("observability", obs)
        d = out
    return d


def dependency_to_dict(d: Dependency) -> dict:
    out = _clean(_plain(d, skip=("kind_stated",)))
    out["kind"] = d.kind  # always explicit
    # fixed key order: source, target, kind, then the rest; kind_stated after kind, and only when true
    # (a review whose kinds no reviewer stated is written as before)
    stated = {"kind_stated": True} if d.kind_stated else {}
    return {"source": d.source, "target": d.target, "kind": d.kind, **stated,
            **{k: v for k, v in out.items() if k not in ("source", "target", "kind")}}


def answer_to_dict(a: ChecklistAnswer) -> dict:
    d = _clean(_plain(a, skip=("history",)))
    d["status"] = a.status
    if a.history:
        d["history"] = [_clean(_plain(h)) for h in a.history]
    return d


def risk_to_dict(r: Risk) -> dict:
    d = _clean(_plain(r, skip=("acceptance", "history")))
    if r.acceptance is not None:
        d["acceptance"] = _clean(_plain(r.acceptance))
    if r.history:  # left out when there is none: files without decisions stay byte-identical
        d["history"] = [_clean(_plain(h)) for h in r.history]
    return d


def review_to_dict(review: Review) -> dict:
    """The review as a JSON-ready dict in the interchange format."""
    doc: dict = {"format": FORMAT, "version": VERSION}
    meta = _clean(_plain(review.meta))
    meta["tier"] = review.meta.tier
    doc["review"] = meta
    doc["components"] = [component_to_dict(review.components[k]) for k in sorted(review.components)]
    deps = sorted(review.dependencies.values(), key=lambda d: (d.source, d.target))
    doc["dependencies"] = [dependency_to_dict(d) for d in deps]
    doc["redundancy_groups"] = [_clean(_plain(review.groups[k])) | {"min_up": review.groups[k].min_up} for k in sorted(review.groups)]
    doc["failure_domains"] = [_clean(_plain(review.domains[k])) for k in sorted(review.domains)]
    doc["journeys"] = [_clean(_plain(review.journeys[k])) | {"critical": review.journeys[k].critical} for k in sorted(review.journeys)]
    doc["checklist"] = {"answers": [answer_to_dict(review.answers[k]) for k in sorted(review.answers)]}
    if review.proposals:  # left out when there are none: older files stay byte-identical
        doc["checklist"]["proposals"] = [_clean(_plain(review.proposals[k])) | {"status": review.proposals[k].status}
                                         for k in sorted(review.proposals)]
    doc["risks"] = [risk_to_dict(review.risks[k]) for k in sorted(review.risks)]
    doc["mitigations"] = [_clean(_plain(review.mitigations[k])) for k in sorted(review.mitigations)]
    doc["layout"] = [
        {"element": k, "x": _num(float(review.layout[k].x)), "y": _num(float(review.layout[k].y))}
        for k in sorted(review.layout)
    ]
    doc["imports"] = [_clean(_plain(review.imports[k])) for k in sorted(review.imports)]
    if review.policy is not None:
        pol = review.policy
        doc["resilience_policy"] = {"survive": list(pol.survive),
                                    **_clean({"rto_minutes": {k: _num(v) for k, v in pol.rto_minutes.items()},
                                              "rpo_minutes": {k: _num(v) for k, v in pol.rpo_minutes.items()}})}
    if review.milestones:  # left out when there are none: older files stay byte-identical
        doc["milestones"] = [_clean(_plain(review.milestones[k], skip=("review",))) | {"review": review.milestones[k].review}
                             for k in sorted(review.milestones)]
    return doc


def dumps(review: Review) -> str:
    return pretty_json(review_to_dict(review))


def pretty_json(value) -> str:
    """Indented JSON with short lists of scalars kept on one line (deterministic)."""
    # orjson writes the same layout as json.dumps(indent=2, ensure_ascii=False)
    # twenty times faster (the standard library's C encoder does not indent).
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except orjson.JSONEncodeError as e:  # a value no JSON reader would take back (checked on input)
        raise PrrError(f"cannot write as JSON: {e}") from None
    return _SCALAR_LIST.sub(_collapse, text) + "\n"


_SCALAR = r'(?:"(?:[^"\\\n]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)'
_SCALAR_LIST = re.compile(r"\[\n( *)" + _SCALAR + r"(?:,\n\1" + _SCALAR + r")*\n *\]")
_SPLIT = re.compile(r",\n *")


def _collapse(m: re.Match) -> str:
    inner = m.group(0)[1:-1].strip()
    line = "[" + _SPLIT.sub(", ", inner) + "]"
    return line if len(line) + len(m.group(1)) <= 100 else m.group(0)


def write_json(review: Review, path: str | Path) -> None:
    """Write ``review`` as JSON, atomically (temporary file, then rename; a symbolic link and
    the file's permission bits are kept)."""
    paths.atomic_write_text(path, dumps(review))


# ---------------------------------------------------------------- import
def parse_json_text(text: str, *, file: str | None = None):
    """Parse strict JSON (:mod:`prr_app.model.json_values`); errors name the line and column."""
    try:
        return json_values.loads(text)
    except json_values.JSONValueError as e:
        where = f"line {e.lineno} column {e.colno}" if e.lineno is not None else None
        raise PrrError(f"invalid JSON: {e}", file=file, location=where) from None


def read_json_file(path: str | Path):
    p = Path(path)
    return parse_json_bytes(read_json_bytes(p), file=str(p))


def read_json_bytes(path: str | Path) -> bytes:
    """The bytes of a JSON file or pipe (never blocks on a FIFO), with a size limit."""
    p = Path(path)
    raw = paths.read_bytes(p)
    if len(raw) > MAX_BYTES:
        raise PrrError(f"file is {len(raw)} bytes; the limit is {MAX_BYTES}", file=str(p))
    if not raw.strip():
        raise PrrError("the file is empty", file=str(p))
    return raw


def parse_json_bytes(raw: bytes, *, file: str | None = None):
    """Parse the bytes of a JSON file (UTF-8, with or without a byte order mark; anything else is refused
    naming the line and column of its first bad byte, or the UTF-16/UTF-32 of its byte-order mark)."""
    return parse_json_text(decode_text(raw, file), file=file)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema_rs

    schema = json.loads(paths.schema_path("review.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def _json_path(parts, data=None) -> str:
    """``$.components[api].placement`` for the path ``parts`` into ``data``: an element of a list is named
    by its id, as the rules' messages name it (``$.components[1]`` sent a reviewer counting the
    components of a hand-written file), where it has one of its own that no other element has, else
    by its index; a dependency by ``source->target``."""
    out = "$"
    cur = data
    for p in parts:
        if not isinstance(p, int):
            out += f".{p}"
            cur = cur.get(p) if isinstance(cur, dict) else None
            continue
        item = cur[p] if isinstance(cur, list) and 0 <= p < len(cur) else None
        name = _element_name(item)
        if name is not None and sum(1 for x in cur if _element_name(x) == name) != 1:
            name = None
        out += f"[{name}]" if name is not None else f"[{p}]"
        cur = item
    return out


def _element_name(item) -> str | None:
    """The name a list element goes by in messages: its ``id``, or a dependency's ``source->target``."""
    if not isinstance(item, dict):
        return None
    name = item.get("id")
    if name is None and isinstance(item.get("source"), str) and isinstance(item.get("target"), str):
        name = f"{item['source']}->{item['target']}"
    return name if isinstance(name, str) and name and not any(c in name for c in "[]\n") else None


def schema_errors(data, limit: int | None = 20) -> list[tuple[str, str]]:
    """Schema violations as ``(json path, message)`` pairs, most specific first (all of them
    with ``limit=None``)."""
    errs = []
    try:
        for e in _validator().iter_errors(data):
            errs.append((_json_path(list(e.instance_path), data), _short(e.message)))
            if limit is not None and len(errs) >= limit:
                break
    except ValueError:  # the validator's own recursion limit (arrays nested about 255 deep)
        raise NestedTooDeeply() from None
    return errs


class NestedTooDeeply(PrrError):
    """A document nested deeper than the schema's validator can follow: refused as the parser refuses
    deeper ones (:data:`json_values.MAX_NESTING`); :func:`_with_text` names the place where the text is
    known. (Said as "$: nested too deeply (Recursion limit reached)", the validator's words, with no
    place, for 255 to 1,000 levels, and "more than 500 levels" at a line and column beyond.)"""

    def __init__(self, file: str | None = None, location: str | None = "$"):
        # worded as the parser words a deeper one (parse_json_text): one refusal, whichever reader gave up
        super().__init__(f"invalid JSON: nested too deeply (more than {json_values.MAX_NESTING} levels)", file=file,
                         location=location)


def _with_text(text: str, file: str | None, read):
    """``read()``, a document read from ``text``, with the place of a nesting too deep for the
    validator named as the parser names one (line and column of the bracket that passes the limit)."""
    try:
        return read()
    except NestedTooDeeply as e:
        line, col = json_values.deep_place(text)
        where = f"line {line} column {col}" if line is not None else "$"
        raise NestedTooDeeply(e.file or file, where) from None


def _short(msg: str) -> str:
    msg = " ".join(msg.split())
    return msg if len(msg) <= 200 else msg[:197] + "..."


def review_from_dict(data, *, file: str | None = None, checked: bool = True) -> Review:
    """Build a review from interchange JSON, validated against schema and rules.

    ``checked=False`` skips the schema and rule checks: only for data already refused by them
    whose problems are to be listed and fixed in the app (a review JSON with a dangling
    reference, opened as it is), and for :func:`_value_problems`, which checks it itself.
    """
    if not isinstance(data, dict):
        raise PrrError(f"expected a JSON object at the top, got {type(data).__name__}", file=file, location="$")
    if data.get("format") != FORMAT:
        raise PrrError(
            f'not a PRR review: expected "format": "{FORMAT}", got {data.get("format")!r}', file=file, location="$.format"
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise PrrError(
            f"written by a newer PRR Workbench (format version {version}; this one reads up to {VERSION})",
            file=file,
            location="$.version",
        )
    errs = schema_errors(data, limit=None) if checked else None  # every one: `prr validate` lists them
    if errs:
        problems = _value_problems(data, file)
        if problems is not None:
            raise problems  # well-formed, values wrong: can be opened with its problems listed, to fix them
        path, msg = errs[0]
        more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
        raise PrrError(msg + more, file=file, location=path, problems=[Problem(p, m) for p, m in errs])
    review = Review()
    if "review" in data:
        review.meta = ReviewMeta(**data["review"])
    _load_list(review.components, data.get("components", []), "components", "id", _component, file)
    _load_dependencies(review.dependencies, data.get("dependencies", []), file)
    _load_list(review.groups, data.get("redundancy_groups", []), "redundancy_groups", "id", lambda d: RedundancyGroup(**d), file)
    _load_list(review.domains, data.get("failure_domains", []), "failure_domains", "id", lambda d: FailureDomain(**d), file)
    _load_list(review.journeys, data.get("journeys", []), "journeys", "id", lambda d: Journey(**d), file)
    _load_list(review.answers, data.get("checklist", {}).get("answers", []), "checklist.answers", "item", _answer, file)
    _load_list(review.proposals, data.get("checklist", {}).get("proposals", []), "checklist.proposals", "item",
               lambda d: Proposal(**d), file)
    _load_list(review.risks, data.get("risks", []), "risks", "id", _risk, file)
    _load_list(review.mitigations, data.get("mitigations", []), "mitigations", "id", lambda d: Mitigation(**d), file)
    for i, p in enumerate(data.get("layout", [])):
        if p["element"] in review.layout:
            raise PrrError(f"duplicate position for {p['element']!r}", file=file, location=f"$.layout[{i}].element")
        review.layout[p["element"]] = Position(float(p["x"]), float(p["y"]))
    _load_list(review.imports, data.get("imports", []), "imports", "id", lambda d: ImportRecord(**d), file)
    for i, rec in enumerate(data.get("imports", []) if checked else ()):
        try:
            json_values.check_free_form(rec.get("report", {}))
        except json_values.JSONValueError as e:
            raise PrrError(f"invalid import report: {e}", file=file, location=f"$.imports[{i}].report") from None
    if "resilience_policy" in data:
        pol = data["resilience_policy"]
        review.policy = ResiliencePolicy(survive=list(pol.get("survive", DEFAULT_SURVIVE)),
                                         rto_minutes=dict(pol.get("rto_minutes", {})),
                                         rpo_minutes=dict(pol.get("rpo_minutes", {})))
    _load_list(review.milestones, data.get("milestones", []), "milestones", "id", lambda d: Milestone(**d), file)
    return check(review, file=file) if checked else review


#: schema errors about one value of the right shape's place: a number out of range, a word not in
#: the list, a malformed date or id, a number written as a word. The model's rules check these values
#: too and name the element (``$.components[cart-db].replicas``), see :func:`_value_problems`.
_VALUE_ERROR_KINDS = frozenset({"Minimum", "Maximum", "ExclusiveMinimum", "ExclusiveMaximum", "MultipleOf", "Enum",
                                "Constant", "Pattern", "Format", "MinLength", "MaxLength", "Type"})
_SCALAR_TYPES = frozenset({"integer", "number", "string", "boolean", "null"})


def _value_problems(data: dict, file: str | None) -> ValidationError | None:
    """A review whose schema errors are all wrong *values* (``"replicas": -2``), not a wrong shape:
    the :class:`ValidationError` of the model's rules on it, every problem with its place, so that it
    can be opened with its problems listed and fixed, as a dangling reference can (the callers that
    need a valid review still refuse it: a ValidationError is a PrrError). None when the data is not
    shaped as a review (a list where an object belongs, an unknown field...), or when the model's
    rules find nothing the schema refused (the schema's error is then the one to give)."""
    try:
        for e in _validator().iter_errors(data):
            kind = type(e.kind).__name__
            if kind not in _VALUE_ERROR_KINDS or isinstance(e.instance, (dict, list)):
                return None
            if kind == "Type" and not set(e.kind.as_dict().get("types") or ()) <= _SCALAR_TYPES:
                return None  # a value where a list or an object belongs
    except ValueError:  # nested too deeply for the validator
        return None
    try:
        review = review_from_dict(data, file=file, checked=False)
    except Exception:  # noqa: BLE001 - not buildable as it is: refused with the schema's error
        return None
    problems = validate(review)
    return ValidationError(problems, file=file) if problems else None


def _load_list(target: dict, items: list, name: str, key: str | None, make, file) -> None:
    for i, item in enumerate(items):
        obj = make(dict(item))
        k = getattr(obj, key) if key else obj.id
        if k in target:
            what = "dependency from {0!r} to {1!r}".format(obj.source, obj.target) if key is None else f"id {k!r}"
            raise PrrError(f"duplicate {what}", file=file, location=f"$.{name}[{i}]" + (f".{key}" if key else ""))
        target[k] = obj


#: Dependency's fields in order, as :func:`_load_dependencies` passes them (a test holds them equal).
_DEPENDENCY_FIELDS = ("source", "target", "kind", "fallback", "timeout_ms", "retries", "backoff", "retry_budget",
                      "circuit_breaker", "description", "evidence", "kind_stated")


def _load_dependencies(target: dict, items: list, file) -> None:
    """``_load_list`` for dependencies, the most numerous element (40,000 at 10,000 components):
    positional construction from a schema-valid dict (no other keys), keyed by the dependency id."""
    dep = Dependency
    hard = DependencyKind.HARD.value
    for i, d in enumerate(items):
        get = d.get
        source, tgt = d["source"], d["target"]
        key = dependency_id(source, tgt)
        if key in target:
            raise PrrError(f"duplicate dependency from {source!r} to {tgt!r}", file=file, location=f"$.dependencies[{i}]")
        ev = get("evidence")
        target[key] = dep(source, tgt, get("kind", hard), get("fallback"), get("timeout_ms"), get("retries"),
                          get("backoff"), get("retry_budget"), get("circuit_breaker"), get("description", ""),
                          list(ev) if ev else NO_ITEMS, get("kind_stated", False))


#: A component's list fields: an empty one is read as the shared :data:`NO_ITEMS`.
_COMPONENT_LISTS = ("placement", "shared_domains", "tags")


def _component(d: dict) -> Component:
    obs = d.pop("observability", None)
    for k in _COMPONENT_LISTS:
        if not d.get(k):
            d[k] = NO_ITEMS
    c = Component(**d)
    if obs:
        c.observability = Observability(**obs)
    return c


def _answer(d: dict) -> ChecklistAnswer:
    hist = d.pop("history", [])
    a = ChecklistAnswer(**d)
    a.history = [AnswerChange(**{"by": "", **h}) for h in hist]  # "by" is optional: empty is left out on export
    return a


def _risk(d: dict) -> Risk:
    acc = d.pop("acceptance", None)
    hist = d.pop("history", [])
    r = Risk(**d)
    if acc:
        r.acceptance = Acceptance(**acc)
    # "by" is optional, as an answer's: empty is left out on export
    r.history = [RiskChange(**{"by": "", **h}) for h in hist]
    return r


def loads(text: str, *, file: str | None = None) -> Review:
    return _with_text(text, file, lambda: review_from_dict(parse_json_text(text, file=file), file=file))


def read_review_json(path: str | Path) -> Review:
    p = Path(path)
    text = decode_text(read_json_bytes(p), str(p))
    return _with_text(text, str(p), lambda: review_from_dict(parse_json_text(text, file=str(p)), file=str(p)))


def review_from_json_bytes(raw: bytes, *, file: str | None = None, checked: bool = True) -> Review:
    """A review from the bytes of a review JSON file (as :func:`read_review_json` reads them).

    ``checked=False``: the same review where the checks pass, without them (no duplicate-key,
    schema or rule checks): for a file the checks refused that is opened to be fixed, as
    :func:`review_from_dict` says.
    """
    if checked:
        text = decode_text(raw, file)
        return _with_text(text, file, lambda: review_from_dict(parse_json_text(text, file=file), file=file))
    return review_from_dict(json.loads(decode_text(raw, file)), file=file, checked=False)
