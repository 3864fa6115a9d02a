"""Backstage software catalog descriptors (``catalog-info.yaml`` and friends).

* Components and Resources become components, named by their full entity
  reference ``kind:[namespace/]name`` (the namespace only when it is not
  ``default``), e.g. ``component:artist-lookup``, ``resource:artists-db``.
  Libraries are not deployed and are skipped (a ``dependsOn`` on one is
  listed as skipped: built into its caller). ``type: website`` is user-facing; ``lifecycle: experimental`` gives
  tier 3; the owner is kept.
* ``dependsOn`` is a dependency (``dependencyOf`` the same, written on the
  other side); ``consumesApis`` of an API another entity
  ``providesApis`` (or that names it in ``spec.owner`` side ``providesApis``)
  makes the consumer depend on the provider; ``subcomponentOf`` makes the
  whole depend on the part (soft: the whole is degraded when a part fails).
* Systems and Domains are groupings: components are tagged ``system:<name>``
  and ``domain:<name>``.
* Entity references are read in their full (``kind:namespace/name``) and
  short (``name``, ``kind:name``) forms, with the default kind of the field,
  without regard to case (as Backstage compares them).
* References to entities not in the files (owners that are Groups or Users
  elsewhere, APIs nobody provides here) are reported as dangling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import DECLARED, GraphBuilder, broker_use, short_names

_RESOURCE_KINDS = [
    (re.compile(r"database|db|sql|postgres|mysql|mongo|dynamo|table|bucket|storage|s3|blob|file"), "datastore"),
    (re.compile(r"cache|redis|memcache"), "cache"),
    (re.compile(r"queue|topic|stream|kafka|sqs|sns|pubsub|event|bus"), "queue"),
    (re.compile(r"dns"), "dns"),
    (re.compile(r"cdn"), "cdn"),
    (re.compile(r"load.?balancer|lb|gateway|ingress"), "load_balancer"),
    (re.compile(r"cluster|kubernetes|k8s"), "platform"),
]
#: API types whose consumers receive messages rather than make calls (openapi, grpc, graphql... stay hard)
_ASYNC_APIS = {"asyncapi"}
_COMPONENT_TYPES = {"website": "frontend", "service": "service", "api": "service", "frontend": "frontend"}


@dataclass
class _Entity:
    kind: str  # lower case
    ns: str
    name: str
    body: dict
    file: str
    line: int

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}" if self.ns == "default" else f"{self.kind}:{self.ns}/{self.name}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def looks_like_backstage(path: Path) -> bool:
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    head = paths.head_text(path)
    return bool(re.search(r"(?m)^\s*apiVersion\s*:\s*['\"]?backstage\.io/", head))


def parse_ref(ref: str, default_kind: str, default_ns: str = "default") -> tuple[str, str, str]:
    """``[kind:][namespace/]name`` -> (kind, namespace, name), lower-cased kind."""
    s = ref.strip()
    kind, ns = default_kind, default_ns
    if ":" in s:
        k, s = s.split(":", 1)
        kind = k.strip().lower() or default_kind
    if "/" in s:
        ns, s = s.split("/", 1)
    return kind, ns.strip() or "default", s.strip()


def read_backstage(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("backstage", paths)
    entities: dict[tuple[str, str, str], _Entity] = {}
    lowered: dict[tuple[str, str, str], tuple[str, str, str]] = {}  # _key -> the key in entities
    queue = [(path, names[path]) for path in paths]
    seen = {path.resolve() for path in paths}
    while queue:
        path, fname = queue.pop(0)
        warns: list[str] = []
        docs = sy.load_file(path, warnings=warns)
        for w in warns:
            b.warn(w.replace(str(path), fname, 1))
        n = 0
        for doc in docs:
            v = doc.value
            if v is None:
                continue
            if not isinstance(v, dict):
                b.skip(f"{fname}:{doc.line}: document {doc.index + 1} is not a mapping")
                continue
            api = sy.text(v.get("apiVersion"))
            kind = sy.text(v.get("kind"))
            meta = v.get("metadata") if isinstance(v.get("metadata"), dict) else {}
            name = sy.text(meta.get("name"))
            line = getattr(v, "line", doc.line) or doc.line
            if not api.startswith("backstage.io/"):
                b.skip(f"{fname}:{line}: document {doc.index + 1} is not a Backstage entity (apiVersion {api or 'missing'})")
                continue
            if not kind or not name:
                b.skip(f"{fname}:{line}: entity without kind or metadata.name")
                continue
            ns = sy.text(meta.get("namespace")) or "default"
            e = _Entity(kind.lower(), ns, name, v, fname, line)
            key = (e.kind, e.ns, e.name)
            same = lowered.get(_key(*key))  # Backstage's references ignore case: Checkout-API is checkout-api
            if same is not None:
                b.warn(f"{e.where}: {e.ref} is defined again (first at {entities[same].where}"
                       + (f" as {entities[same].ref}" if same != key else "") + "); the last one is used")
                del entities[same]
            entities[key] = e
            lowered[_key(*key)] = key
            n += 1
            if e.kind == "location":
                for target in _location_targets(b, e, path, fname):
                    if target[0].resolve() not in seen:
                        seen.add(target[0].resolve())
                        if len(seen) > MAX_FILES:
                            raise PrrError(f"Locations lead to more than {MAX_FILES} files", file=str(path),
                                           location=f"line {line}")
                        queue.append(target)
        b.read(f"{fname}: {n} entit{'y' if n == 1 else 'ies'}")
    if not entities:
        raise PrrError("no Backstage entities (apiVersion backstage.io/...) found", file=str(paths[0]) if paths else None)
    _build(b, entities)
    systems = [e for e in entities.values() if e.kind == "system"]
    b.system_name = (sy.text(systems[0].body["metadata"].get("title")) or systems[0].name) if len(systems) == 1 \
        else paths[0].resolve().parent.name
    b.system_declared = len(systems) == 1
    return b.finish(file=str(paths[0]))


MAX_FILES = 10_000


def _location_targets(b: GraphBuilder, e: _Entity, path: Path, fname: str) -> list[tuple[Path, str]]:
    """The local files a Location entity points at (``target``/``targets``, globs allowed)."""
    spec = _spec(e)
    at = spec.line_of("target") if isinstance(spec, sy.YMap) else e.line
    raw = ([(spec.get("target"), at)] if spec.get("target") is not None else [])
    targets = spec.get("targets")
    if isinstance(targets, list):
        raw += [(t, sy.line_of(targets, i, at)) for i, t in enumerate(targets)]
    out: list[tuple[Path, str]] = []
    loc_type = sy.text(spec.get("type")) or "file"
    for t, line in raw:
        where = f"{e.file}:{line or e.line}"
        if isinstance(t, (dict, list)):
            b.skip(f"{where}: Location {e.name}: a target that is not a path: not followed")
            continue
        t = sy.text(t)
        if not t:
            continue
        if loc_type == "url" or re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I):
            b.skip(f"{where}: Location {e.name}: target {t} is a URL; not fetched (import that file too)")
            continue
        base = path.parent
        rel = t[2:] if t.startswith("./") else t
        if any(ch in rel for ch in "*?["):
            found = sorted(p for p in base.glob(rel) if p.is_file())
        else:
            found = [base / rel] if (base / rel).is_file() else []
        if not found:
            b.dangling(f"{where}: Location {e.name}: target {t} is not a file next to {path.name}")
            continue
        for f in found:
            try:
                label = str(Path(fname).parent / f.relative_to(base))
            except ValueError:
                label = f.name
            out.append((f, label))
        b.read(f"{where}: Location {e.name}: follows {t} ({len(found)} file{'s' if len(found) != 1 else ''})")
    return out


def _spec(e: _Entity) -> dict:
    s = e.body.get("spec")
    return s if isinstance(s, dict) else {}


def _refs(spec: dict, key: str) -> list[tuple[str, int]]:
    v = spec.get(key)
    if v is None:
        return []
    if isinstance(v, list):
        return [(sy.text(x), sy.line_of(v, i, spec.line_of(key) if isinstance(spec, sy.YMap) else 0))
                for i, x in enumerate(v) if sy.text(x)]
    return [(sy.text(v), spec.line_of(key) if isinstance(spec, sy.YMap) else 0)] if sy.text(v) else []


def _key(kind: str, ns: str, name: str) -> tuple[str, str, str]:
    """An entity's identity: Backstage compares references without regard to case."""
    return kind.lower(), ns.lower(), name.lower()


#: spec fields that hold entity references: a list of them, or one
_REF_LISTS = ("dependsOn", "dependencyOf", "consumesApis", "providesApis")
_REF_ONE = ("owner", "system", "subcomponentOf", "domain", "subdomainOf")


def _check_shapes(b: GraphBuilder, e: _Entity) -> None:
    """Say what a reference field holds that is not a reference (a mapping, a list where one is
    expected): never dropped quietly."""
    spec = _spec(e)
    for key in _REF_LISTS + _REF_ONE:
        v = spec.get(key)
        line = spec.line_of(key) if isinstance(spec, sy.YMap) else e.line
        if v is None:
            continue
        if isinstance(v, dict):
            b.warn(f"{e.file}:{line}: {e.ref} spec.{key} is a mapping, not "
                   + ("a list of entity references" if key in _REF_LISTS else "an entity reference") + ": not read")
        elif isinstance(v, list) and key in _REF_ONE:
            b.warn(f"{e.file}:{line}: {e.ref} spec.{key} is a list ({', '.join(sy.text(x) for x in v)[:80]}); "
                   f"it takes one entity reference: not read")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, (dict, list)):
                    b.warn(f"{e.file}:{sy.line_of(v, i, line)}: {e.ref} spec.{key}[{i}] is not an entity "
                           "reference: not read")


def _build(b: GraphBuilder, entities: dict) -> None:
    index = {_key(*k): e for k, e in entities.items()}

    def find(ref: str, default_kind: str, ns: str, kinds: tuple[str, ...] | None = None):
        kind, rns, name = parse_ref(ref, default_kind, ns)
        if ":" not in ref and kinds:  # short form: try the kinds the field allows
            for k in kinds:
                if _key(k, rns, name) in index:
                    return index[_key(k, rns, name)]
        return index.get(_key(kind, rns, name))

    def is_library(e: _Entity) -> bool:
        return e.kind == "component" and sy.text(_spec(e).get("type")).lower() == "library"

    deployable: dict[tuple, str] = {}
    for e in entities.values():
        _check_shapes(b, e)
    for key, e in sorted(entities.items()):
        spec = _spec(e)
        meta = e.body.get("metadata") if isinstance(e.body.get("metadata"), dict) else {}
        typ = sy.text(spec.get("type")).lower()
        if e.kind not in ("component", "resource"):
            continue
        if is_library(e):
            # built into what uses it: a dependsOn on it is said where it is written (below)
            b.skip(f"{e.where}: {e.ref} is a library (built into others, not deployed on its own)")
            continue
        if e.kind == "component":
            kind = _COMPONENT_TYPES.get(typ, "service")
        else:
            kind = next((k for rx, k in _RESOURCE_KINDS if rx.search(typ)), "other")
        title = sy.text(meta.get("title")) or e.name
        comp = b.component(e.ref, f"{e.where}: {e.kind.capitalize()} {e.name}" + (f" (type {typ})" if typ else ""),
                           name=title, kind=kind, source_file=e.file)
        comp.description = sy.text(meta.get("description"))[:2000]
        if typ == "website":
            comp.user_facing = True
            b.evidence(e.ref, f"{e.where}: type website: user-facing")
        owner = sy.text(spec.get("owner"))
        if owner:
            o = find(owner, "group", e.ns, ("group", "user"))
            # "group:web-team", "group:default/web-team" and "web-team" are one owner: the group's name
            # (a user keeps its kind: "user:jdoe"), as the entity it names writes it
            okind, ons, oname = (o.kind, o.ns, o.name) if o is not None else parse_ref(owner, "group", e.ns)
            oname = oname if ons.lower() == "default" else f"{ons}/{oname}"
            comp.owner = oname if okind == "group" else f"{okind}:{oname}"
            if o is None:
                b.dangling(f"{e.file}:{spec.line_of('owner') if isinstance(spec, sy.YMap) else e.line}: "
                           f"{e.ref} is owned by {owner}, which is not in these files")
        life = sy.text(spec.get("lifecycle")).lower()
        if life:
            b.tag(e.ref, f"lifecycle:{life}")
            if life in ("experimental", "deprecated"):
                comp.tier = 3
        tags = meta.get("tags")
        for t in tags if isinstance(tags, list) else []:
            if sy.text(t):
                b.tag(e.ref, sy.text(t)[:100])
        deployable[key] = e.ref
        if spec.get("apiConsumedBy") is not None:
            b.skip(f"{e.file}:{spec.line_of('apiConsumedBy')}: {e.ref} apiConsumedBy is not a catalog field; "
                   "consumers declare consumesApis")

    # systems and domains as groupings
    for key, e in entities.items():
        if key not in deployable:
            continue
        spec = _spec(e)
        sysref = sy.text(spec.get("system"))
        if not sysref:
            continue
        s = find(sysref, "system", e.ns)
        b.tag(e.ref, f"system:{parse_ref(sysref, 'system', e.ns)[2]}")
        if s is None:
            b.dangling(f"{e.file}:{spec.line_of('system')}: {e.ref} is part of system {sysref}, which is not in these files")
            continue
        b.evidence(e.ref, f"{s.where}: part of System {s.name}")
        dom = sy.text(_spec(s).get("domain"))
        seen = set()
        while dom and dom not in seen:
            seen.add(dom)
            b.tag(e.ref, f"domain:{parse_ref(dom, 'domain', s.ns)[2]}")
            d = find(dom, "domain", s.ns)
            if d is None:
                b.dangling(f"{s.where}: System {s.name} is in domain {dom}, which is not in these files")
                break
            dom = sy.text(_spec(d).get("subdomainOf"))
    for e in entities.values():
        if e.kind == "system":
            b.read(f"{e.where}: System {e.name} (a grouping: components tagged system:{e.name})")
        elif e.kind == "domain":
            b.read(f"{e.where}: Domain {e.name} (a grouping: components tagged domain:{e.name})")
        elif e.kind in ("group", "user"):
            b.read(f"{e.where}: {e.kind.capitalize()} {e.name} (owner)")
        elif e.kind == "location":
            pass  # followed while reading
        elif e.kind not in ("component", "resource", "api"):
            b.skip(f"{e.where}: {e.kind} {e.name}: kind not used by the importer")

    # APIs: who provides each
    providers: dict[tuple, list[tuple[str, str]]] = {}
    for key, e in entities.items():
        for ref, line in _refs(_spec(e), "providesApis"):
            a = _key(*parse_ref(ref, "api", e.ns))
            if key in deployable:
                providers.setdefault(a, []).append((deployable[key], f"{e.file}:{line}"))
            if a not in index:
                b.dangling(f"{e.file}:{line}: {e.ref} provides API {ref}, which is not in these files")

    for key, e in entities.items():
        if key not in deployable:
            continue
        spec = _spec(e)
        src = deployable[key]
        # dependsOn: this one depends on what is named; dependencyOf, the reverse: what is named depends on it
        for field in ("dependsOn", "dependencyOf"):
            reverse = field == "dependencyOf"
            for ref, line in _refs(spec, field):
                t = find(ref, "component", e.ns, ("component", "resource"))
                tkey = (t.kind, t.ns, t.name) if t else None
                where = f"{e.file}:{line}: {e.ref} spec.{field} {ref}"
                if t is not None and is_library(t):
                    b.skip(f"{where}: {t.ref} is a library, built into what uses it: not read (state the "
                           "dependency on what runs it)" if reverse else
                           f"{where}: library: built into {e.ref}, not a runtime dependency")
                elif tkey in deployable:
                    caller, callee = (deployable[tkey], src) if reverse else (src, deployable[tkey])
                    # dependsOn a queue says nothing of producing or consuming: broker_use says which kind
                    typ, word = broker_use() if b.components[callee].kind == "queue" else ("hard", "")
                    said = f"; {word}" if word else ""
                    b.depend(caller, callee, typ, DECLARED,
                             f"{where} (the reverse of dependsOn: {deployable[tkey]} depends on {e.ref}{said})" if reverse
                             else f"{where} (dependsOn{said})")
                else:
                    b.dangling(f"{e.file}:{line}: {e.ref} is a dependency of {ref}, which is not in these files"
                               if reverse else f"{e.file}:{line}: {e.ref} depends on {ref}, which is not in these files")
        for ref, line in _refs(spec, "consumesApis"):
            a = _key(*parse_ref(ref, "api", e.ns))
            provs = providers.get(a, [])
            if not provs:
                why = "nobody in these files provides it" if a in index else "it is not in these files"
                b.dangling(f"{e.file}:{line}: {e.ref} consumes API {ref}, but {why}")
                continue
            api_type = sy.text(_spec(index[a]).get("type")).lower() if a in index else ""
            typ, said = ("async", f" (an {api_type} API: asynchronous)") if api_type in _ASYNC_APIS else ("hard", "")
            for prov, pwhere in provs:
                b.depend(src, prov, typ, DECLARED,
                         f"{e.file}:{line}: {e.ref} consumesApis {ref}; {pwhere}: {prov} providesApis it "
                         f"(consumesApi){said}")
        for ref, line in _refs(spec, "subcomponentOf"):
            t = find(ref, "component", e.ns)
            tkey = (t.kind, t.ns, t.name) if t else None
            if tkey in deployable:
                # the whole needs its parts (the Wayback Archive its storage subsystem), not the other
                # way round; how much of the whole a part's failure takes is not in the file: soft
                b.depend(deployable[tkey], src, "soft", DECLARED,
                         f"{e.file}:{line}: {e.ref} spec.subcomponentOf {ref} (a part of it: the whole is "
                         "degraded when a part fails; make it hard if the part is essential)")
            else:
                b.dangling(f"{e.file}:{line}: {e.ref} is a subcomponent of {ref}, which is not in these files")
