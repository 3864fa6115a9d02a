"""Checklist templates: the file format, validation, discovery and writing.

A template is a YAML or JSON file validated by ``schemas/checklist.schema.json``
(see docs/checklist.md). Bundled templates live in ``resources/checklists/``;
a user's own (imported) templates live in :func:`user_template_dir`.
"""
from __future__ import annotations

import difflib

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from prr_app.checklist import loader
from prr_app.errors import PrrError
from prr_app.paths import atomic_write_text, resource_path, schema_path
from prr_app.wording import enum_words

FORMAT = "prr-checklist"
DEFAULT_TEMPLATE = "prr-default"
SEVERITIES = ("blocker", "high", "medium", "low")
TIERS = (1, 2, 3)
TIER_NAMES = {1: "tier 1 (critical)", 2: "tier 2 (standard)", 3: "tier 3 (experimental)"}
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")
PLACEHOLDERS = {"review": (), "component": ("name", "id"), "dependency": ("source", "target", "kind"),
                "journey": ("name", "id")}
#: the placeholders of an item asked of a queue's consumers (``consumer: true``): who takes the work and
#: where from (docs/checklist.md, "Scopes")
CONSUMER_PLACEHOLDERS = ("consumer", "from")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Scope:
    """Where an item applies: once per review, per matching component or per matching dependency."""

    per: str = "review"  # review | component | dependency | journey
    kinds: tuple[str, ...] = ()  # component kinds (per component)
    user_facing: bool | None = None
    tags: tuple[str, ...] = ()
    dependency_kinds: tuple[str, ...] = ()
    target_kinds: tuple[str, ...] = ()
    critical: bool | None = None  # per journey: only critical (True) or only non-critical (False) journeys
    # per component: never a component with one of these tags; per dependency: never a call from or to one
    not_tags: tuple[str, ...] = ()
    also_tags: tuple[str, ...] = ()  # per component: a component with one of these tags matches whatever its kind
    # per dependency: True, only the calls along which a consumer takes work (a poll of a queue, work handed
    # over asynchronously); False, never a consumer's poll of its queue (docs/checklist.md, "Scopes")
    consumer: bool | None = None
    # per component: True, never a component the model states runs one instance with no standby (replicas
    # 1 or 0, in no redundancy group, recovery not automatic): what is asked of its replica or standby
    # (docs/checklist.md, "Scopes"); replicas not stated is asked (nothing says it has none)
    replicated: bool | None = None
    # per review: True, only a review with an asynchronous flow (an asynchronous call, or a call to a queue)
    asynchronous: bool | None = None

    def to_data(self):
        if self.per == "review":
            return {"per": "review", "asynchronous": True} if self.asynchronous else "review"
        d: dict = {"per": self.per}
        if self.kinds:
            d["kinds"] = list(self.kinds)
        if self.user_facing is not None:
            d["user_facing"] = self.user_facing
        if self.tags:
            d["tags"] = list(self.tags)
        if self.dependency_kinds:
            d["dependency_kinds"] = list(self.dependency_kinds)
        if self.target_kinds:
            d["target_kinds"] = list(self.target_kinds)
        if self.critical is not None:
            d["critical"] = self.critical
        if self.also_tags:
            d["also_tags"] = list(self.also_tags)
        if self.not_tags:
            d["not_tags"] = list(self.not_tags)
        if self.consumer is not None:
            d["consumer"] = self.consumer
        if self.replicated:
            d["replicated"] = True
        return d

    def describe(self) -> str:
        if self.per == "review":
            return "once per review with an asynchronous flow" if self.asynchronous else "once per review"
        if self.per == "journey":
            return {True: "per critical journey", False: "per non-critical journey"}.get(self.critical, "per journey")
        if self.per == "component":
            what = " or ".join(enum_words(k) for k in self.kinds) if self.kinds else "component"
            extra = []
            if self.user_facing is True:
                extra.append("user-facing")
            if self.user_facing is False:
                extra.append("internal")
            if self.tags:
                extra.append("tagged " + "/".join(self.tags))
            text = "per " + " ".join(extra + [what])
            if self.also_tags:
                text += " or component tagged " + "/".join(self.also_tags)
            if self.not_tags:
                text += " not tagged " + "/".join(self.not_tags)
            if self.replicated:
                text += " with a replica or a standby"
            return text
        kinds = "/".join(self.dependency_kinds) if self.dependency_kinds else "any"
        text = f"per {kinds} dependency"
        if self.consumer:
            text = f"per {kinds if self.dependency_kinds else ''} call along which a consumer takes work".replace("  ", " ")
        if self.target_kinds:
            text += " on " + " or ".join(enum_words(k) for k in self.target_kinds)
        if self.consumer is False:
            text += " (not a consumer's poll of its queue)"
        if self.not_tags:
            text += " not from or to a component tagged " + "/".join(self.not_tags)
        return text


@dataclass(frozen=True)
class TemplateItem:
    id: str
    category: str
    question: str
    why: str = ""
    evidence: str = ""
    severity: str = "medium"
    tiers: tuple[int, ...] = TIERS  # required for these tiers
    scope: Scope = field(default_factory=Scope)
    line: int | None = None  # where it is defined in the file
    anchors: tuple[str, ...] = ()  # the references the item answers to (e.g. "AWS REL10", "SRE book App. E")
    model: str | None = None  # a model decider (prr_app.checklist.model_answers) that answers it from the model
    carry_from: tuple[str, ...] = ()  # item ids (of another template) whose answers carry over to this one
    evidence_extractor: str | None = None  # the evidence extractor that can propose an answer (issue 21)

    def required_for(self, tier: int | None) -> bool:
        # a tier not stated owes what tier 1 owes (fail safe, as the verdict judges it)
        return (1 if tier is None else tier) in self.tiers

    def to_data(self) -> dict:
        d: dict = {"id": self.id, "question": self.question}
        if self.why:
            d["why"] = self.why
        if self.evidence:
            d["evidence"] = self.evidence
        d["severity"] = self.severity
        if tuple(self.tiers) != TIERS:
            d["tiers"] = list(self.tiers)
        if self.scope.per != "review" or self.scope.asynchronous:
            d["scope"] = self.scope.to_data()
        if self.anchors:
            d["anchors"] = list(self.anchors)
        if self.model:
            d["model"] = self.model
        if self.carry_from:
            d["carry_from"] = list(self.carry_from)
        if self.evidence_extractor:
            d["evidence_extractor"] = self.evidence_extractor
        return d


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str = ""


@dataclass
class Template:
    id: str
    version: str
    title: str
    description: str = ""
    categories: list[Category] = field(default_factory=list)
    items: list[TemplateItem] = field(default_factory=list)
    path: Path | None = None

    def __post_init__(self) -> None:
        self._by_id = {it.id: it for it in self.items}

    def item(self, item_id: str) -> TemplateItem | None:
        return self._by_id.get(item_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"

    def to_data(self) -> dict:
        """The template as plain data in the file format (for YAML/JSON writing)."""
        cats = []
        for c in self.categories:
            cd: dict = {"id": c.id, "title": c.title}
            if c.description:
                cd["description"] = c.description
            cd["items"] = [it.to_data() for it in self.items if it.category == c.id]
            cats.append(cd)
        d: dict = {"format": FORMAT, "id": self.id, "version": self.version, "title": self.title}
        if self.description:
            d["description"] = self.description
        d["categories"] = cats
        return d


@dataclass(frozen=True)
class TemplateInfo:
    """What ``templates()`` lists: enough to choose one without loading items."""

    id: str
    version: str
    title: str
    description: str
    item_count: int
    category_count: int
    scoped_item_count: int
    path: str
    source: str  # "bundled" or "user"

    def to_dict(self) -> dict:
        return {
            "id": self.id, "version": self.version, "title": self.title, "description": self.description,
            "items": self.item_count, "categories": self.category_count, "scoped_items": self.scoped_item_count,
            "path": self.path, "source": self.source,
        }


# ------------------------------------------------------------------ parsing
@lru_cache(maxsize=1)
def _schema() -> dict:
    with open(schema_path("checklist.schema.json"), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = _schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _fast_validator():
    import jsonschema_rs

    return jsonschema_rs.validator_for(_schema())


def _json_path(path) -> str:
    out = "$"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _schema_message(err) -> str:
    v = err.validator
    inst = err.instance
    if v == "additionalProperties":
        extra = sorted(set(inst) - set(err.schema.get("properties", {}))) if isinstance(inst, dict) else []
        allowed = ", ".join(err.schema.get("properties", {}))
        return f"unknown field {', '.join(map(repr, extra))} (allowed: {allowed})"
    if v == "required":
        return err.message.replace("is a required property", "is missing (required)")
    if v == "type" and err.schema.get("type") == "string" and isinstance(inst, (int, float)) and not isinstance(inst, bool):
        return f"expected text, got the number {inst!r}; quote it (for example '{inst}')"
    if v == "type" and err.schema.get("type") == "string" and isinstance(inst, bool):
        return f"expected text, got {str(inst).lower()}; quote it"
    if v == "enum":
        return f"{inst!r} is not one of {', '.join(map(str, err.schema['enum']))}"
    if v == "const" and isinstance(err.schema.get("const"), str):
        return f"{inst!r} should be {err.schema['const']!r}"
    if v == "pattern":
        return f"{inst!r} is not a valid id or version (lower-case letters, digits, '.', '_' and '-'; see docs/checklist.md)"
    if v == "oneOf" and err.path and err.path[-1] == "scope":
        return ("scope must be 'review', or a mapping with per: review (asynchronous), per: component (kinds, "
                "user_facing, tags, also_tags, not_tags, replicated), per: dependency (dependency_kinds, target_kinds, "
                "consumer, not_tags) or per: journey (critical)")
    return err.message


def _best_error(errors):
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


def parse_template(data, *, file: str | None = None, lines: dict | None = None) -> Template:
    """Build a :class:`Template` from loaded data, or raise :class:`PrrError` naming file and line."""
    lines = lines or {}

    def where(path) -> str | None:
        line = loader.line_of(lines, path)
        jp = _json_path(path)
        return f"line {line} ({jp})" if line else jp

    if not isinstance(data, dict):
        raise PrrError("a checklist template must be a mapping with format, id, version, title and categories",
                       file=file, location="line 1")
    if data.get("format") == "prr-review" or ("format" not in data and {"review", "components"} <= set(data)):
        raise PrrError("is a review, not a checklist template: give a template id ('prr checklist-templates' lists "
                       "them) or a template file (.yaml/.yml, .json)", file=file)
    # the common case, a valid template, is checked by the compiled validator (a tenth of the
    # time); an invalid one goes through jsonschema, whose errors make the messages
    errors = [] if _fast_validator().is_valid(data) else list(_validator().iter_errors(data))
    if errors:
        err = _best_error(errors)
        path = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            path += extra[:1]  # point at the unknown key itself
        raise PrrError(_schema_message(err), file=file, location=where(path))

    categories: list[Category] = []
    items: list[TemplateItem] = []
    seen_cat: dict[str, int] = {}
    seen_item: dict[str, tuple] = {}
    seen_question: dict[str, tuple] = {}
    for ci, c in enumerate(data["categories"]):
        if c["id"] in seen_cat:
            raise PrrError(f"category id {c['id']!r} is used twice (first at categories[{seen_cat[c['id']]}])",
                           file=file, location=where(["categories", ci, "id"]))
        seen_cat[c["id"]] = ci
        categories.append(Category(c["id"], c["title"].strip(), c.get("description", "").strip()))
        for ii, it in enumerate(c["items"]):
            path = ["categories", ci, "items", ii]
            iid = it["id"]
            if iid in seen_item:
                first = loader.line_of(lines, seen_item[iid])
                raise PrrError(f"item id {iid!r} is used twice" + (f" (first on line {first})" if first else ""),
                               file=file, location=where(path + ["id"]))
            seen_item[iid] = tuple(path)
            scope = _parse_scope(it.get("scope", "review"))
            q = " ".join(it["question"].split())
            allowed = PLACEHOLDERS[scope.per] + (CONSUMER_PLACEHOLDERS if scope.consumer else ())
            for name in _PLACEHOLDER_RE.findall(q):
                if name not in allowed:
                    hint = f"use {', '.join('{' + a + '}' for a in allowed)}" if allowed else "a once-per-review item has none"
                    raise PrrError(f"unknown placeholder {{{name}}} in the question ({hint})",
                                   file=file, location=where(path + ["question"]))
            norm = _normalise_question(q) + "|" + repr(scope)
            if norm in seen_question:
                first = loader.line_of(lines, seen_question[norm])
                raise PrrError(f"item {iid!r} asks the same question as an earlier item"
                               + (f" (line {first})" if first else ""), file=file, location=where(path + ["question"]))
            seen_question[norm] = tuple(path)
            tiers = tuple(sorted(it.get("tiers", TIERS)))
            model = it.get("model")
            if model is not None:
                from prr_app.checklist.model_answers import DECIDERS

                want = DECIDERS[model].per  # the schema lists the known deciders
                if want != scope.per:
                    raise PrrError(f"model decider {model!r} answers items asked per {want}; this item is "
                                   f"asked {scope.describe()}", file=file, location=where(path + ["model"]))
            ext = it.get("evidence_extractor")
            if ext is not None:
                from prr_app.checklist.facts import EXTRACTORS
                from prr_app.checklist.proposals import scopes_of

                if ext not in EXTRACTORS:
                    near = difflib.get_close_matches(ext, list(EXTRACTORS), n=1)
                    raise PrrError(f"unknown evidence extractor {ext!r}"
                                   + (f" (did you mean {near[0]!r}?)" if near else "")
                                   + f"; known: {', '.join(EXTRACTORS)}", file=file,
                                   location=where(path + ["evidence_extractor"]))
                if scope.per not in scopes_of(ext):
                    can = scopes_of(ext)
                    raise PrrError(f"evidence extractor {ext!r} proposes answers for items asked "
                                   + (" or ".join(f"per {s}" if s != "review" else "once per review" for s in can)
                                      if can else "nowhere (its facts are listed in the import report only)")
                                   + f"; this item is asked {scope.describe()}", file=file,
                                   location=where(path + ["evidence_extractor"]))
            items.append(TemplateItem(
                id=iid, category=c["id"], question=q, why=" ".join(it.get("why", "").split()),
                evidence=" ".join(it.get("evidence", "").split()), severity=it["severity"], tiers=tiers,
                scope=scope, line=loader.line_of(lines, path), anchors=tuple(it.get("anchors", ())),
                model=model, carry_from=tuple(it.get("carry_from", ())),
                evidence_extractor=it.get("evidence_extractor"),
            ))
    return Template(
        id=data["id"], version=data["version"], title=data["title"].strip(),
        description=" ".join(data.get("description", "").split()), categories=categories, items=items,
        path=Path(file) if file else None,
    )


def _normalise_question(q: str) -> str:
    return re.sub(r"[^a-z0-9{} ]+", "", q.lower()).strip()


def _parse_scope(raw) -> Scope:
    if raw == "review":
        return Scope()
    per = raw["per"]
    if per == "review":
        return Scope(asynchronous=raw.get("asynchronous") or None)
    return Scope(
        per=per,
        kinds=tuple(raw.get("kinds", ())),
        user_facing=raw.get("user_facing"),
        tags=tuple(raw.get("tags", ())),
        dependency_kinds=tuple(raw.get("dependency_kinds", ())),
        target_kinds=tuple(raw.get("target_kinds", ())),
        critical=raw.get("critical"),
        not_tags=tuple(raw.get("not_tags", ())),
        also_tags=tuple(raw.get("also_tags", ())),
        consumer=raw.get("consumer"),
        replicated=raw.get("replicated") or None,
    )


def read_template_file(path: str | Path) -> Template:
    data, lines, _ = loader.load_file(path)
    return parse_template(data, file=str(path), lines=lines)


# ---------------------------------------------------------------- discovery
def bundled_template_dir() -> Path:
    return resource_path("checklists")


def user_template_dir() -> Path:
    """Where imported templates go: ``$PRR_CHECKLIST_DIR``, else the user's data folder."""
    env = os.environ.get("PRR_CHECKLIST_DIR")
    if env:
        return Path(env)
    from prr_app.paths import user_data_dir

    return user_data_dir() / "checklists"


def _template_files() -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for folder, source in ((bundled_template_dir(), "bundled"), (user_template_dir(), "user")):
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix.lower() in TEMPLATE_SUFFIXES and p.is_file() and not p.name.startswith("."):
                    out.append((p, source))
    return out


@lru_cache(maxsize=64)
def _cached_read(path: str, mtime_ns: int, size: int) -> Template:
    return read_template_file(path)


def _read_cached(path: Path) -> Template:
    st = path.stat()
    return _cached_read(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _cached_header(path: str, mtime_ns: int, size: int) -> tuple[str, str] | None:
    from prr_app import safe_yaml

    try:
        found = safe_yaml.top_level_scalars(safe_yaml.read_text(Path(path), max_bytes=loader.MAX_BYTES),
                                            ("id", "version"))
    except PrrError:
        return None
    if not found or len(found) < 2:
        return None
    return found["id"], found["version"]


def _headers() -> list[tuple[Path, str, tuple[str, str]]] | None:
    """``(path, source, (id, version))`` of every template file, in :func:`_template_files`' order, as
    each file states them at its top (:func:`prr_app.safe_yaml.top_level_scalars`): which file to read
    in full, where :func:`_scan` reads every one (the four bundled templates, 0.08 s, in every command
    that evaluates a checklist). None when a file's id and version cannot be read so: the full scan
    then decides."""
    out = []
    for path, source in _template_files():
        st = path.stat()
        head = _cached_header(str(path), st.st_mtime_ns, st.st_size)
        if head is None:
            return None
        out.append((path, source, head))
    return out


def _find(tid: str, version: str) -> Template | None:
    """The template :func:`load_template` would pick for ``tid`` (and ``version`` if given), reading
    only its file in full; None when the headers cannot say (the caller then scans every file). The
    same choice as :func:`_scan` then ``matches[-1]``: the newest version, a bundled file before a
    user's of the same id and version; and the file read must state what its header said."""
    heads = _headers()
    if heads is None:
        return None
    cands = [(p, src, v) for p, src, (i, v) in heads if i == tid and (not version or v == version)]
    if not cands:
        return None
    best = max(cands, key=lambda c: (_version_key(c[2]), c[1]))
    path = next(p for p, src, v in cands if (v, src) == (best[2], best[1]))
    if any(v == best[2] and src != best[1] for _p, src, v in cands):
        return None  # the same id and version twice: the full scan says which wins and warns
    try:
        t = _read_cached(path)
    except PrrError:
        return None  # a user's file that does not load: the full scan skips it
    return t if (t.id, t.version) == (tid, best[2]) else None


def _version_key(v: str):
    parts = re.split(r"[.+-]", v)
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts]


def _scan(errors: list | None = None) -> tuple[list[TemplateInfo], list[tuple[TemplateInfo, TemplateInfo]]]:
    """Every loadable template, one per id and version, and the files left out because an earlier
    one (a bundled template, else the user's file first by name) has their id and version:
    ``(kept, [(ignored, the one kept instead)])``."""
    kept: dict[tuple[str, str], TemplateInfo] = {}
    ignored: list[tuple[TemplateInfo, TemplateInfo]] = []
    for path, source in _template_files():  # bundled first
        try:
            t = _read_cached(path)
        except PrrError as e:
            if source == "bundled":
                raise
            if errors is not None:
                errors.append(e)
            continue
        info = TemplateInfo(
            id=t.id, version=t.version, title=t.title, description=t.description, item_count=len(t.items),
            category_count=len(t.categories), scoped_item_count=sum(1 for i in t.items if i.scope.per != "review"),
            path=str(path), source=source,
        )
        first = kept.get((t.id, t.version))
        if first is not None:
            ignored.append((info, first))
            continue
        kept[(t.id, t.version)] = info
    out = sorted(kept.values(), key=lambda i: (i.id, _version_key(i.version), i.source))
    return out, ignored


def templates(*, errors: list | None = None) -> list[TemplateInfo]:
    """Every template found (bundled first, then the user's), sorted by id and version: one per id
    and version (a bundled template wins over a user's file of the same id and version, which
    :func:`shadowed_templates` reports).

    A user template that does not load is skipped; its error is appended to
    ``errors`` when a list is given. A broken bundled template raises.
    """
    return _scan(errors)[0]


def shadowed_templates(tid: str | None = None, version: str | None = None) -> list[str]:
    """Warnings about the user's template files that are ignored because another template (a bundled
    one, or an earlier file) has the same id and version; only those of ``tid`` ``version`` if given."""
    heads = _headers() if tid is not None else None
    if heads is not None and sum(1 for _p, _s, h in heads if h == (tid, version)) <= 1:
        return []  # one file of that id and version: nothing shadowed (the headers say, no file read in full)
    out = []
    for info, first in _scan()[1]:
        if tid is not None and (info.id, info.version) != (tid, version):
            continue
        other = (f"the bundled template {first.id} {first.version}" if first.source == "bundled"
                 else f"{first.path}")
        out.append(f"the template file {info.path} has the id and version of {other} and is ignored "
                   f"({'the bundled one is used' if first.source == 'bundled' else 'that one is used'}); "
                   "give it another id or a new version")
    return out


def bundled_template(tid: str, version: str) -> TemplateInfo | None:
    """The bundled template with this id and version, if there is one."""
    return next((i for i in templates() if i.source == "bundled" and (i.id, i.version) == (tid, version)), None)


def load_template(id_or_path: str | Path | Template | None = None) -> Template:
    """A template by id (newest version), ``id@version``, or a file path.

    ``None`` gives the default template.
    """
    if isinstance(id_or_path, Template):
        return id_or_path
    if id_or_path is None:
        id_or_path = DEFAULT_TEMPLATE
    text = str(id_or_path)
    looks_like_path = isinstance(id_or_path, Path) or os.sep in text or "/" in text or text.lower().endswith(TEMPLATE_SUFFIXES)
    if looks_like_path:
        p = Path(text)
        if not p.exists():
            raise PrrError("no such checklist template file", file=text)
        return _read_cached(p)
    tid, _, version = text.partition("@")
    found = _find(tid, version)
    if found is not None:
        return found
    matches = [i for i in templates() if i.id == tid and (not version or i.version == version)]
    if not matches:
        known = sorted({i.id + " " + i.version for i in templates()})
        what = f"{tid!r} version {version!r}" if version else repr(tid)
        raise PrrError(f"no checklist template {what}; known: {', '.join(known) or 'none'}")
    # newest version (one per id and version: a bundled template wins over a user's copy, see templates())
    best = matches[-1]
    return _read_cached(Path(best.path))


def write_template(template: Template, path: str | Path) -> Path:
    """Write ``template`` as YAML (or JSON when ``path`` ends in .json), atomically."""
    p = Path(path)
    data = template.to_data()
    if p.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = "# PRR Workbench checklist template (see docs/checklist.md)\n" + loader.dump_yaml(data)
    # re-read what we are about to write: never produce a template we cannot load
    if p.suffix.lower() == ".json":
        parse_template(*loader.load_json_text(text, file=str(p))[:1], file=str(p))
    else:
        d, lines = loader.load_yaml_text(text, file=str(p))
        parse_template(d, file=str(p), lines=lines)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, text)
    return p
