"""Shared machinery for importers: a review under construction, with evidence.

Every importer feeds a :class:`GraphBuilder`: components and dependencies are
added together with the evidence that made us infer them ("file:line: what
was seen"). Evidence has a *strength*: an environment variable that names a
service is better evidence of a call than a compose ``depends_on``; the
dependency's type comes from the strongest evidence seen. ``finish()`` returns
the :class:`ImportResult` with a complete report, validated.

Also here: recognising datastores and hubs from images, names and ports, and
finding service names inside environment values (``host:port``, URLs,
connection strings).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.model.entities import (
    HUB_TAGS,
    LOAD_GENERATOR,
    Component,
    Dependency,
    FailureDomain,
    RedundancyGroup,
    Review,
    dependency_id,
)
from prr_app.model.validation import check, is_valid_id, make_id
from prr_app.importers.base import ImportReport, ImportResult, Inferred

#: evidence strengths (higher wins when choosing the dependency type)
DECLARED = 5  # the format states the dependency (DOT edge, Backstage dependsOn, DSL relationship)
OBSERVED = 5  # traces / service graph metrics
ENV = 4  # an environment variable names the target
NETPOL = 3  # a NetworkPolicy allows the traffic
GUESS = 2  # a heuristic (e.g. SESSION_REDIS and exactly one redis)
STARTUP = 1  # compose depends_on / links: start-up order only


@dataclass
class _Dep:
    source: str
    target: str
    kind: str
    strength: int
    evidence: list[str] = field(default_factory=list)
    description: str = ""
    #: what the caller's own configuration says of these calls: a call policy (settle_calls)
    settings: dict = field(default_factory=dict)
    #: the warning that said it rests on start-up order alone (compose ``depends_on``), if one did
    order_warning: str = ""
    #: ... and it was recorded as hard all the same (a datastore, cache, queue or registry: order_warning
    #: is then a line read, not a warning)
    order_vital: bool = False
    #: (variable, where it comes from) of each address that names it from an address book every
    #: workload gets (a ConfigMap in several workloads' ``envFrom``)
    shared: list = field(default_factory=list)
    #: some evidence of it is no such shared address
    direct: bool = False


class _ById(dict):
    """Components by id; a name as the source wrote it ("a b", "{{ x }}") finds its safe id."""

    names: NameIds | None = None

    def __missing__(self, key):
        sid = (self.names.get(key) if self.names is not None else None) or safe_id(key)
        if sid != key and dict.__contains__(self, sid):
            return dict.__getitem__(self, sid)
        raise KeyError(key)


class GraphBuilder:
    def __init__(self, fmt: str, sources: list[Path]):
        self.fmt = fmt
        self.report = ImportReport(format=fmt, sources=[str(p) for p in sources])
        self.components: dict[str, Component] = _ById()
        #: the id each name became: distinct names never share one (see NameIds)
        self.names = NameIds(self.warn)
        self.components.names = self.names
        #: host names that reach a component (Service names, compose hostnames, aliases) -> component ids;
        #: the repository scan looks for these in configuration and source
        self.hosts: dict[str, set[str]] = {}
        #: variables that carry a component's address (``CART_SERVICE_ADDR``) -> component ids
        self.address_vars: dict[str, set[str]] = {}
        #: folders that hold a component's code or configuration (compose ``build`` contexts)
        self.code_dirs: dict[str, set[str]] = {}
        self.aliases: dict[str, set[str]] = {}  # other names of a component's code (a container's name) -> ids
        #: feature switches a component's environment turns off (``MCP_ENABLED=False``): id -> [(words, evidence)]
        self.switched_off: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.external_ids: dict[str, str] = {}  # an outside API's host -> its component (external_api)
        self.comp_evidence: dict[str, list[str]] = {}
        self.deps: dict[tuple[str, str], _Dep] = {}
        self.domains: dict[str, FailureDomain] = {}
        self.groups: dict[str, RedundancyGroup] = {}
        self.system_name = ""
        #: the system name was stated by the files (a namespace, a compose project name, a workspace name)
        self.system_declared = False
        self.description = ""
        #: component id -> the call policy the platform applies to every call to it (ImportResult.call_policies)
        self.call_policies: dict[str, dict] = {}
        #: component id -> the components that take its Service's traffic (ImportResult.idle_versions)
        self.idle_versions: dict[str, list[str]] = {}
        #: datastores and queues with no persistent volume: id -> (where, what loses the data, warning)
        self.unkept: dict[str, tuple[str, str, str]] = {}
        self._seen_skips: set[str] = set()
        self._seen_dangling: set[str] = set()
        self._seen_warnings: set[str] = set()

    # -- components -------------------------------------------------------
    def component(self, cid: str, evidence: str, *, name: str = "", kind: str | None = None,
                  source_file: str = "") -> Component:
        key = cid
        cid = self.names.get(key) or (key if dict.__contains__(self.components, key) else None)
        if cid is None:
            cid = self.names.new(key, self.components)
        comp = self.components.get(cid)
        if comp is None:
            comp = Component(id=cid, name=name or cid, source=f"import:{self.fmt} {source_file}".rstrip())
            self.components[cid] = comp
            self.comp_evidence[cid] = []
        if kind and comp.kind == "service":
            comp.kind = kind
        if evidence and evidence not in self.comp_evidence[cid]:
            self.comp_evidence[cid].append(evidence)
        return comp

    def evidence(self, cid: str, text: str) -> None:
        cid = self._id(cid)
        if cid in self.comp_evidence and text not in self.comp_evidence[cid]:
            self.comp_evidence[cid].append(text)

    def _id(self, cid: str) -> str:
        return self.names.get(cid) or (cid if dict.__contains__(self.components, cid) else safe_id(cid))

    def host(self, host: str, cid: str) -> None:
        """``host`` reaches component ``cid`` (for the repository's configuration and source scan)."""
        if host:
            self.hosts.setdefault(host.lower(), set()).add(self._id(cid))

    def address_var(self, var: str, cid: str) -> None:
        if var:
            self.address_vars.setdefault(var, set()).add(self._id(cid))

    def env_setting(self, cid: str, var: str, value, evidence: str) -> None:
        """What ``var`` = ``value`` of ``cid``'s environment says of it besides addresses: a feature
        turned off (``MCP_ENABLED=False``, ``ENABLE_ASSISTANT=0``), so that a call to the component the
        feature names is optional (:func:`switched_off_calls`); its criticality as OpenTelemetry's
        resource attributes state it (``OTEL_RESOURCE_ATTRIBUTES=...,service.criticality=low``)."""
        words = switch_words(var)
        if words and str(value).strip().lower() in _OFF:
            self.switched_off.setdefault(self._id(cid), []).append((words, evidence))
        if var == "OTEL_RESOURCE_ATTRIBUTES" and value:
            for pair in str(value).split(","):
                k, _, v = pair.partition("=")
                if k.strip() == "service.criticality":
                    self.criticality(cid, v, evidence)

    def criticality(self, cid: str, value, evidence: str) -> None:
        """``cid``'s criticality as its files state it (critical, high, medium, low; tier-1..3): its tier,
        where nothing set one before (critical and high are tier 1, medium 2, low 3)."""
        tier = CRITICALITY_TIERS.get(str(value).strip().lower())
        comp = self.components.get(self._id(cid))
        if tier is None or comp is None or comp.tier is not None:
            return
        comp.tier = tier
        self.evidence(comp.id, f"{evidence}: criticality {str(value).strip()}: tier {tier}")

    def alias(self, cid: str, name: str) -> None:
        """``name`` also names ``cid``'s code (a container of its pods: ``php-redis`` in ``frontend``),
        as a folder of the checkout may be named."""
        if name:
            self.aliases.setdefault(name.lower(), set()).add(self._id(cid))

    def code_dir(self, cid: str, folder: Path) -> None:
        self.code_dirs.setdefault(self._id(cid), set()).add(str(folder))

    def tag(self, cid: str, tag: str) -> None:
        comp = self.components.get(self._id(cid))
        if comp is not None and tag not in comp.tags:
            comp.tags.append(tag)

    # -- dependencies -----------------------------------------------------
    def depend(self, source: str, target: str, kind: str, strength: int, evidence: str,
               description: str = "", *, shared: tuple[str, str] | None = None) -> bool:
        """Record that ``source`` depends on ``target``; False for a self-reference. ``shared``:
        (variable, its source) when the evidence is an address every workload is handed (an
        address book), not one chosen for ``source``."""
        source, target = self._id(source), self._id(target)
        if source == target:
            return False
        key = (source, target)
        dep = self.deps.get(key)
        if dep is None:
            dep = self.deps[key] = _Dep(source, target, kind, strength)
        elif strength > dep.strength or (strength == dep.strength and _KIND_RANK[kind] > _KIND_RANK[dep.kind]):
            dep.kind, dep.strength = kind, strength
        if shared is None:
            dep.direct = True
        elif shared not in dep.shared:
            dep.shared.append(shared)
        if evidence not in dep.evidence:
            dep.evidence.append(evidence)
        if description and not dep.description:
            dep.description = description
        return True

    def call_setting(self, source: str, target: str, field_name: str, value, evidence: str) -> None:
        """The calls from ``source`` to ``target`` (a dependency already recorded) have ``field_name``
        (one of CALL_POLICY_FIELDS) = ``value``, as ``evidence`` says (a proxy's retry middleware
        on its route to the target)."""
        dep = self.deps.get((self._id(source), self._id(target)))
        if dep is not None:
            dep.settings[field_name] = (value, evidence)

    def call_policy(self, target: str, field_name: str, value, evidence: str) -> None:
        """The platform applies ``field_name`` (one of CALL_POLICY_FIELDS) = ``value`` to every call
        to ``target``, as ``evidence`` says (a service mesh's route or traffic policy for its host)."""
        self.call_policies.setdefault(self._id(target), {})[field_name] = (value, evidence)

    def has_dep(self, source: str, target: str) -> bool:
        return (self._id(source), self._id(target)) in self.deps

    # -- redundancy groups ------------------------------------------------
    def group(self, name: str, members: list[str], evidence: str) -> str | None:
        """Members that serve the same traffic (one Service in front of several workloads).

        Becomes a redundancy group with k = 1 (the Service sends requests to any
        ready member); in :meth:`finish`, a component that depends on every member
        depends on the group instead, so no single member looks like a SPOF.
        Returns the group id (None for fewer than two members).
        """
        members = list(dict.fromkeys(m for m in members if m in self.components))
        if len(members) < 2:
            return None
        for g in self.groups.values():
            if g.members == members:
                return g.id
        used = set(self.components) | set(self.domains) | set(self.groups)
        gid = make_unique(name, used)
        self.groups[gid] = RedundancyGroup(id=gid, name=name, members=members, min_up=1, notes=evidence[:2000])
        self.read(f"{evidence}: {', '.join(members)} form redundancy group {gid} (k = 1)")
        return gid

    def _collapse_groups(self) -> None:
        for gid, g in self.groups.items():
            members = set(g.members)
            by_source: dict[str, list[_Dep]] = {}
            for (src, tgt), d in self.deps.items():
                if tgt in members and src not in members:
                    by_source.setdefault(src, []).append(d)
            for src, deps in by_source.items():
                if {d.target for d in deps} != members:
                    continue  # only some members: a call to one of them in particular
                best = max(deps, key=lambda d: (d.strength, _KIND_RANK[d.kind]))
                merged = _Dep(src, gid, best.kind, best.strength)
                for d in deps:
                    for e in d.evidence:
                        if e not in merged.evidence:
                            merged.evidence.append(e)
                    merged.description = merged.description or d.description
                    del self.deps[(src, d.target)]
                self.deps[(src, gid)] = merged

    # -- domains ----------------------------------------------------------
    def domain(self, did: str, *, name: str = "", kind: str = "other", parent: str | None = None) -> str:
        did = safe_id(did)
        if did in self.components:
            did = safe_id("domain:" + did)
        if did not in self.domains:
            self.domains[did] = FailureDomain(id=did, name=name or did, kind=kind, parent=parent)
        return did

    # -- report -----------------------------------------------------------
    def read(self, what: str) -> None:
        self.report.read.append(what)

    def skip(self, what: str) -> None:
        if what not in self._seen_skips:
            self._seen_skips.add(what)
            self.report.skipped.append(what)

    def dangling(self, what: str) -> None:
        if what not in self._seen_dangling:
            self._seen_dangling.add(what)
            self.report.dangling.append(what)

    def order_only(self, source: str, target: str, what: str, *, vital: bool = False, guess: bool = False) -> None:
        """Say that the dependency ``source`` -> ``target`` rests on start-up order alone (``what``: a
        warning; ``vital``: a line read, the target being a datastore, cache, queue or registry the
        service is taken to need; ``guess`` with it: nothing read names the store, so the line is a
        warning to check it), and remember it: a repository's configuration that names the call,
        or code that never does, settles it later."""
        dep = self.deps.get((self._id(source), self._id(target)))
        if dep is not None:
            dep.order_warning = what
            dep.order_vital = vital
        if vital and not guess:
            self.read(what)
        else:
            self.warn(what)

    def no_volume(self, cid: str, where: str, restart: str, warning: str) -> None:
        """The datastore or queue ``cid`` keeps its data on no persistent volume (``where``: file:line; ``restart``:
        what loses the data there): said in its evidence and warned at :meth:`finish`, once it is known whether
        only telemetry hubs use it (:func:`telemetry_stores`: then what it loses is telemetry, no warning)."""
        self.unkept[cid] = (where, restart, warning)

    def warn(self, what: str) -> None:
        if what not in self._seen_warnings:
            self._seen_warnings.add(what)
            self.report.warnings.append(what)

    # -- result -----------------------------------------------------------
    def finish(self, *, file: str | None = None) -> ImportResult:
        clash = [d for d in self.domains if d in self.components]
        for old in clash:  # a domain named like a component: rename the domain
            new = safe_id("domain:" + old)
            dom = self.domains.pop(old)
            dom.id = new
            self.domains[new] = dom
            for d in self.domains.values():
                if d.parent == old:
                    d.parent = new
            for c in self.components.values():
                c.placement = [new if x == old else x for x in c.placement]
                c.shared_domains = [new if x == old else x for x in c.shared_domains]
        review = Review()
        review.meta.tier = None  # the files never state the review's tier: left unstated (issue 17)
        review.meta.system_name = (self.system_name or "Imported system")[:200]
        review.meta.description = self.description
        # domains first: components may reference them
        review.domains = dict(self.domains)
        for did, dom in review.domains.items():
            if dom.parent is not None and dom.parent not in review.domains:
                dom.parent = None
        review.components = dict(self.components)
        self._collapse_groups()
        review.groups = {gid: g for gid, g in self.groups.items() if gid not in review.components
                         and gid not in review.domains}
        for comp in review.components.values():
            comp.placement = [d for d in comp.placement if d in review.domains]
            comp.shared_domains = list(dict.fromkeys(d for d in comp.shared_domains if d in review.domains))
            if comp.min_healthy is not None and comp.replicas is not None and comp.min_healthy > comp.replicas:
                comp.min_healthy = comp.replicas
        for (src, tgt), d in sorted(self.deps.items()):
            if src not in review.components or (tgt not in review.components and tgt not in review.groups):
                continue
            dep = Dependency(source=src, target=tgt, kind=d.kind, description=d.description[:20000])
            dep.evidence = list(d.evidence)
            settle_calls(dep, d.settings)
            review.dependencies[dep.id] = dep
        soften_plumbing_calls(review)
        switched_off_calls(review, self.switched_off)
        settle_broker_reads(review)
        policies = {c: p for c, p in self.call_policies.items() if c in review.components}
        apply_call_policies(review, policies)
        coordination_stores(review, self.comp_evidence)
        stores = telemetry_stores(review, self.comp_evidence)
        for cid, (where, restart, warning) in self.unkept.items():
            cid = self._id(cid)
            if cid not in review.components:
                continue
            if cid in stores:  # the telemetry stack's: what a restart loses is telemetry, not the system's data
                self.evidence(cid, f"{where}: {NO_VOLUME.format(restart=restart)} (telemetry, not the system's data)")
            else:
                self.evidence(cid, f"{where}: {NO_VOLUME.format(restart=restart)}")
                self.warn(warning)
        behind_a_gateway(review, self.comp_evidence)
        self.report.components = [Inferred(cid, list(ev)) for cid, ev in sorted(self.comp_evidence.items())]
        self.report.dependencies = [
            Inferred(dep_id, list(dep.evidence)) for dep_id, dep in sorted(review.dependencies.items())
        ]
        self.report.imported = snapshot(review)
        rec = self.report.to_record()
        review.imports[rec.id] = rec
        check(review, file=file)
        for cid, comp in review.components.items():
            self.host(cid, cid)
            self.host(comp.name, cid)
        hosts = {h: sorted(c for c in ids if c in review.components) for h, ids in self.hosts.items()}
        addr = {v: sorted(c for c in ids if c in review.components) for v, ids in self.address_vars.items()}
        return ImportResult(review, self.report, system_declared=self.system_declared, call_policies=policies,
                            hosts={h: c for h, c in hosts.items() if c},
                            address_vars={v: c for v, c in addr.items() if c},
                            code_dirs={c: sorted(d) for c, d in self.code_dirs.items() if c in review.components},
                            # a name several workloads' containers have (app, server) names none of them
                            aliases={a: next(iter(c)) for a, c in self.aliases.items()
                                     if len(c) == 1 and next(iter(c)) in review.components},
                            shared_only={dependency_id(s, t): list(d.shared) for (s, t), d in self.deps.items()
                                         if d.shared and not d.direct and dependency_id(s, t) in review.dependencies},
                            order_only={dependency_id(s, t): (d.order_warning, d.order_vital)
                                        for (s, t), d in self.deps.items()
                                        if d.order_warning and d.strength == STARTUP
                                        and dependency_id(s, t) in review.dependencies},
                            telemetry_stores=stores,
                            idle_versions={c: [t for t in takers if t in review.components]
                                           for c, takers in self.idle_versions.items() if c in review.components})


_KIND_RANK = {"async": 0, "soft": 1, "hard": 2}

#: The dependency fields a platform's call policy may set (ImportResult.call_policies).
CALL_POLICY_FIELDS = ("timeout_ms", "retries", "backoff", "circuit_breaker")


def settle_calls(dep: Dependency, policy: dict) -> None:
    """Give ``dep`` what a call policy (``{field: (value, evidence line)}``, fields of
    CALL_POLICY_FIELDS) states, where the dependency states nothing of its own, each value with its
    line in the evidence. Calls to a queue or a stream are left alone."""
    if dep.kind == "async":
        return
    for f, (value, line) in policy.items():
        if getattr(dep, f) is None:
            setattr(dep, f, value)
            if line not in dep.evidence:
                dep.evidence = [*dep.evidence, line]


def apply_call_policies(review: Review, policies: dict[str, dict]) -> None:
    """:func:`settle_calls` for every dependency on a component with a call policy (what a service
    mesh applies to every call to it)."""
    if policies:
        for dep in review.dependencies.values():
            if dep.target in policies:
                settle_calls(dep, policies[dep.target])

#: Component fields an import sets and a re-import may update (unless edited by hand)
IMPORTED_FIELDS = ("name", "kind", "description", "owner", "tier", "user_facing", "replicas", "min_healthy",
                   "placement", "shared_domains", "tags")
IMPORTED_DEP_FIELDS = ("kind", "description", *CALL_POLICY_FIELDS)
IMPORTED_DOMAIN_FIELDS = ("name", "kind", "parent")
IMPORTED_GROUP_FIELDS = ("name", "members", "min_up")


def snapshot(review: Review) -> dict:
    """The values an import produced, kept so a re-import can tell hand edits apart."""
    return {
        "components": {cid: {f: _copy(getattr(c, f)) for f in IMPORTED_FIELDS} for cid, c in review.components.items()},
        "dependencies": {did: {f: getattr(d, f) for f in IMPORTED_DEP_FIELDS} for did, d in review.dependencies.items()},
        "domains": {did: {f: getattr(d, f) for f in IMPORTED_DOMAIN_FIELDS} for did, d in review.domains.items()},
        "groups": {gid: {f: _copy(getattr(g, f)) for f in IMPORTED_GROUP_FIELDS} for gid, g in review.groups.items()},
    }


def _copy(v):
    return list(v) if isinstance(v, list) else v


def safe_id(text: str) -> str:
    text = str(text)
    return text if is_valid_id(text) else make_id(text)


#: characters that take no room on screen, left in names by copies from web pages, chats and
#: spreadsheets: zero-width space, non-joiner and joiner, word joiner, zero-width no-break space (BOM)
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
#: what :func:`name_key` leaves out: white space, hyphens (ASCII and Unicode's) and underscores
_LOOSE_DROP = re.compile(r"[\s_\-\u2010\u2011]+")


def clean_name(name: str) -> str:
    """A name as written, without what cannot be seen: zero-width characters removed, compatibility
    forms folded (NFKC: a no-break space is a space, fullwidth letters are letters), surrounding white
    space stripped. ``"cart\xa0service"`` is ``"cart service"``, ``"api\u200b"`` is ``"api"``."""
    return unicodedata.normalize("NFKC", str(name).translate(ZERO_WIDTH)).strip()


def name_key(name: str) -> str:
    """What names that differ only by case, spaces, hyphens or underscores share (after
    :func:`clean_name`): ``Cart Service``, ``cart-service`` and ``CART_SERVICE`` are ``cartservice``.
    A name made of nothing else (``-``) is its own key."""
    cleaned = clean_name(name)
    return _LOOSE_DROP.sub("", cleaned).casefold() or cleaned


class NameIds:
    """The id each name of a source became. A name keeps its id; two distinct names never
    share one: when a name's id is taken ("Cart DB" and "Cart-DB" both make "Cart-DB"), it
    gets the next free "-2", "-3"... and ``warn`` says so (the import report). Names are
    compared in composed Unicode form (NFC): the same text typed two ways is one name.

    ``loose``: names are compared by :func:`name_key` instead (an edge list typed by hand: ``Cart
    Service`` and ``cart-service`` are one name), and the id is made from the first spelling's
    :func:`clean_name`, which :meth:`spelling` gives for every later one."""

    def __init__(self, warn, *, loose: bool = False) -> None:
        self._warn = warn
        self._loose = loose
        self._ids: dict[str, str] = {}
        self._made_for: dict[str, str] = {}
        self._first: dict[str, str] = {}

    def key(self, name: str) -> str:
        """What two names that are one name share."""
        return name_key(name) if self._loose else unicodedata.normalize("NFC", str(name))

    def get(self, name: str) -> str | None:
        return self._ids.get(self.key(name))

    def spelling(self, name: str) -> str | None:
        """The name as it was first given (cleaned, when ``loose``), or None if not seen."""
        return self._first.get(self.key(name))

    def new(self, name: str, used) -> str:
        """A fresh id for ``name`` (not seen before) that is not in ``used``."""
        key = self.key(name)
        shown = clean_name(name) if self._loose else str(name)
        cid = safe_id(shown if self._loose else key)
        # an id handed out is taken even before its component is added (a CSV row names both
        # ends first: ':' and ';' both make 'item', and the row depended on itself)
        taken = _Taken(used, self._made_for)
        if cid in taken:
            other = self._made_for.get(cid, cid)
            free = make_unique(cid, taken)
            self._warn(f"the names {other!r} and {shown!r} both make the id {cid!r}: "
                       f"{shown!r} became {free!r}")
            cid = free
        self._ids[key] = cid
        self._first[key] = shown
        self._made_for[cid] = shown
        return cid


class _Taken:
    """Membership in either of two collections of ids."""

    __slots__ = ("_a", "_b")

    def __init__(self, a, b) -> None:
        self._a, self._b = a, b

    def __contains__(self, x) -> bool:
        return x in self._a or x in self._b


def rel(path: Path, base: Path | None = None) -> str:
    """A short, stable name for a file in evidence."""
    path = Path(path)
    if base is not None:
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def common_base(paths: list[Path]) -> Path | None:
    """The folder holding all ``paths`` (used to shorten names in evidence)."""
    parents = [Path(p).resolve().parent for p in paths]
    if not parents:
        return None
    base = parents[0]
    for p in parents[1:]:
        while base != base.parent and not _is_under(p, base):
            base = base.parent
    return base


def _is_under(p: Path, base: Path) -> bool:
    try:
        p.relative_to(base)
        return True
    except ValueError:
        return False


def short_names(paths: list[Path], base: Path | None = None) -> dict[Path, str]:
    """Each path named relative to ``base`` (default: the folder that holds them all)."""
    base = Path(base).resolve() if base is not None else common_base(paths)
    out = {}
    for p in paths:
        try:
            out[p] = str(Path(p).resolve().relative_to(base)) if base else str(p)
        except ValueError:
            out[p] = str(p)
    return out


# ------------------------------------------------------------ recognising kinds
#: (pattern on image / name, component kind, tag)
_TECH = [
    (r"redis|valkey|keydb|dragonfly", "datastore", "redis"),
    (r"memcache", "cache", "memcached"),
    (r"postgres(?:ql)?|postgis|timescale|cockroach|yugabyte", "datastore", "postgres"),
    (r"mysql|mariadb|percona|tidb|vitess", "datastore", "mysql"),
    (r"mssql|sqlserver|azure-sql-edge|sql-edge|oracle(?:-xe|-free)?|db2|firebird", "datastore", "sql"),
    (r"mongo", "datastore", "mongodb"),
    (r"cassandra|scylla", "datastore", "cassandra"),
    (r"elasticsearch|opensearch|solr", "datastore", "search"),
    (r"couchdb|couchbase|dynamo|neo4j|influxdb|clickhouse|minio|etcd|seaweedfs|qdrant|weaviate|milvus|chroma",
     "datastore", "store"),
    (r"kafka|redpanda", "queue", "kafka"),
    (r"rabbitmq|activemq|artemis|nats|pulsar|nsq|zeromq|sqs|pubsub", "queue", "messaging"),
    (r"envoy|nginx|traefik|haproxy|kong|istio-ingress(?:gateway)?|ingress-nginx|caddy|apisix|edge-router|frontend-proxy|gateway", "gateway", "proxy"),
    (r"keycloak|dex|hydra|oauth2-proxy|authelia", "identity", "identity"),
]


def _edged(pattern: str) -> re.Pattern:
    """``pattern`` matched as a word of a name or an image: not inside a longer word ("tempo" is not
    temporal's, "postgres" not PostgREST's, "dex" not an indexer's), a version or a "db" suffix allowed
    after it (redis7, mongodb, timescaledb), and a "local" one, a local stand-in for a cloud datastore being
    that datastore to the review (FTGO's dynamodblocal, amazon/dynamodb-local, was typed a service).
    LocalStack is no such word: it emulates many AWS services at once (S3, SQS, DynamoDB...), so what it
    stands for depends on which ones its callers use."""
    return re.compile(rf"(?<![a-z0-9])(?:{pattern})(?:db|d)?(?:-?local)?(?![a-z])")


_TECH_RE = [(_edged(p), k, t) for p, k, t in _TECH]
#: words after a technology's word in an image's repository name that still name the product: its edition,
#: packaging, topology or a local stand-in (redis-stack-server, postgresql-repmgr, mariadb-galera,
#: mongodb-community-server, elasticsearch-oss, envoy-distroless, nginx-unprivileged, kafka-native,
#: activemq-artemis, pulsar-all, nats-streaming, gcloud-pubsub-emulator, nginx-ingress-controller). A word
#: with a digit (a version: pg16, ubi9) or another technology's word (timescaledb-postgis) does too
_PRODUCT_WORDS = frozenset({
    "server", "alpine", "slim", "debian", "ubuntu", "bullseye", "bookworm", "ubi", "distroless", "unprivileged",
    "rootless", "nonroot", "official", "stack", "cluster", "sentinel", "ha", "galera", "repmgr", "xtradb",
    "sharded", "standalone", "native", "kraft", "broker", "keeper", "oss", "community", "enterprise", "edge",
    "dev", "plus", "free", "xe", "ee", "ce", "x", "lite", "full", "all", "core", "classic", "artemis",
    "streaming", "management", "atlas", "local", "emulator", "ingress", "controller", "gateway", "proxy",
    "router", "db", "database"})
#: words after a technology's word in a workload's name that say it uses the technology, not runs it: a
#: client's role (kafka-consumer-x, rabbitmq-worker, pubsub-subscriber), a tool (postgres-backup,
#: mongo-seed, kafka-init), an application's part (redis-ui, mongo-api, pubsub-react-form's form). A name
#: that says what the store holds or which of its instances it is (redis-cart, redis-master, kafka-0,
#: postgres-orders) still names the store: a workload's name is its operators' word for it, which an
#: image's repository name is not (:data:`_PRODUCT_WORDS`)
_CLIENT_WORDS = frozenset({
    "consumer", "consumers", "producer", "producers", "subscriber", "subscribers", "publisher", "publishers",
    "worker", "workers", "client", "clients", "listener", "listeners", "handler", "handlers", "processor",
    "processors", "poller", "reader", "writer", "sender", "receiver", "dispatcher", "emitter", "connect",
    "connector", "connectors", "bridge", "streams", "rest", "exporter", "exporters", "operator", "backup",
    "backups", "seed", "seeder", "init", "setup", "migrate", "migration", "migrations", "migrator", "loader",
    "importer", "sync", "adapter", "ui", "web", "webui", "frontend", "backend", "app", "api", "form", "site",
    "portal", "dashboard", "dashboards", "console", "demo", "sample", "samples", "example", "test", "tests"})


def _tech_words(text: str, rx: re.Pattern) -> list[list[str]] | None:
    """The words after each match of the technology ``rx`` in ``text`` (a repository name or a workload's
    name), or None where it is not there."""
    found = [[w for w in re.split(r"[^a-z0-9]+", text[m.end():]) if w] for m in rx.finditer(text)]
    return found or None


def _tech_named(text: str, rx: re.Pattern, *, image: bool) -> str:
    """What ``text`` (an image's repository name when ``image``, else a workload's name) says of the
    technology ``rx``: "product" (it runs it: ``redis``, ``cp-kafka``, ``bitnami/postgresql-repmgr``,
    ``redis-cart``), "exporter" (a Prometheus exporter of it: ``postgres-exporter``, ``redis_exporter``),
    or "" (no word of it, or an application's or a tool's name that begins with it). A technology's word
    must name the product, not begin an application's name: Dapr's sample images
    ``pubsub-react-form`` and ``pubsub-node-subscriber`` were queues, the LoadBalancer web front end "not
    user-facing", and four warnings said they lost their messages on a restart. An image's repository
    names the product only with the product's own words after it (:data:`_PRODUCT_WORDS`); a workload's
    name unless a word after it is a client's or a tool's (:data:`_CLIENT_WORDS`)."""
    found = _tech_words(text, rx)
    if found is None:
        return ""
    for words in found:
        if words and words[-1] in ("exporter", "exporters"):
            return "exporter"
    for words in found:
        if image and all(w in _PRODUCT_WORDS or re.search(r"\d", w)
                         or any(o.fullmatch(w) for o, _k, _t in _TECH_RE) for w in words):
            return "product"
        if not image and not any(w in _CLIENT_WORDS for w in words):
            return "product"
    return ""
#: an image's repository name that says what it does, not which product it is (``jaegertracing/all-in-one``,
#: ``datadog/agent``, ``wavefronthq/proxy``): under a hub's organisation it is the hub; any other repository
#: name is the organisation's other work (``jaegertracing/example-hotrod`` is a demo application)
_ROLE_REPO = re.compile(r"all-in-one|(?:cluster-)?agent|collector|proxy|server|query|ingester|querier|distributor|"
                        r"compactor|relay|forwarder|exporter|infrastructure(?:-bundle)?")
#: the name of a hub's user interface: its name and a UI word after it ("flagd-ui", "consul-web")
_HUB_UI = re.compile(r"[-_](?:ui|web|webui|dashboard|console|editor)$")
#: hubs with a huge fan-in that should not swamp the findings (README trap 6)
_HUBS = [
    (_edged(r"otel-?col(?:lector)?(?:-contrib)?|opentelemetry-collector(?:-contrib)?|jaeger(?:tracing)?|zipkin|tempo|prometheus|grafana|"
            r"loki|opamp|fluent-?bit|fluentd?|logstash|vector|datadog|newrelic|telemetry|otlp|alloy|victoria-?metrics|"
            r"datalust|seq|wavefront(?:hq)?|statsd|graphite|signalfx|instana|apm-server|pushgateway|promtail"),
     "telemetry"),
    (_edged(r"flagd|unleash|launchdarkly|ld-relay|growthbook|flipt|flagsmith|featbit|configcat|config-?server|configserver|"
            r"feature-?flag"), "config"),
    (_edged(r"consul|eureka|zookeeper|coredns|kube-dns|nacos|service-?registry|discovery|dapr-placement"),
     "discovery"),
]
#: a service named just so is a configuration server (a word of a longer name is not: "app-config-api")
_CONFIG_NAME = re.compile(r"config")
_REGISTRY_NAME = re.compile(r"registry")
#: a variable that carries the service registry's address (TeaStore's REGISTRY_HOST), not an image,
#: schema or artifact registry's
_REGISTRY_VAR = re.compile(r"^(?!.*(?:SCHEMA|IMAGE|DOCKER|CONTAINER|ARTIFACT|HELM|NPM|PACKAGE|MODEL|OCI|PIP|MAVEN))"
                           r"(?:.*_)?(?:SERVICE_)?REGISTRY(?:_(?:HOST|HOSTNAME|URL|URI|ADDR|ADDRESS|SERVER|ENDPOINT))?$",
                           re.IGNORECASE)


#: a variable that carries the address telemetry is exported to: Spring Boot's ``management.*`` exporters
#: (``MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI``, ``MANAGEMENT_ZIPKIN_TRACING_ENDPOINT``), OpenTelemetry's
#: (``OTEL_EXPORTER_OTLP_ENDPOINT``, any ``*_OTLP_*``), a tracer's (``*ZIPKIN*``, ``JAEGER_*``) and a metrics
#: or APM agent's (StatsD, Datadog, Wavefront, New Relic...); also a name that says metrics, traces or
#: telemetry are exported or collected there (``METRICS_EXPORTER_URL``, ``TRACING_COLLECTOR_ENDPOINT``).
#: Not a service that merely has such a word in its name (``METRICS_SERVICE_URL``, ``LOG_SERVICE_URL``)
_TELEMETRY_VAR = re.compile(
    r"^MANAGEMENT_\w*(?:METRICS|TRACING|ZIPKIN|OTLP|WAVEFRONT|DATADOG|NEWRELIC|STATSD|PROMETHEUS|INFLUX|ELASTIC|"
    r"DYNATRACE|SIGNALFX|INSTANA|GRAPHITE|JMX|LOGGING_EXPORT)"
    r"|(?:^|_)(?:OTLP|OTEL_EXPORTER|ZIPKIN|JAEGER|WAVEFRONT|STATSD|DOGSTATSD|DATADOG|NEW_?RELIC|SIGNALFX|HONEYCOMB|"
    r"LIGHTSTEP|INSTANA|ELASTIC_APM|APM_SERVER|PUSHGATEWAY|LOKI|FLUENT(?:D|_?BIT)?|LOGSTASH|GRAYLOG|GELF)(?:_|$)"
    r"|^DD_(?:AGENT|TRACE_AGENT|DOGSTATSD)"
    r"|(?:^|_)(?:METRICS?|TRACES?|TRACING|TRACER|SPANS?|TELEMETRY)_(?:EXPORTER|EXPORT|COLLECTOR|AGENT|SINK|"
    r"REPORTER)(?:_|$)",
    re.IGNORECASE)


def telemetry_var(var: str) -> bool:
    """Does the variable ``var`` carry the address telemetry is exported to (:data:`_TELEMETRY_VAR`)?"""
    return bool(_TELEMETRY_VAR.search(var))


def address_call_type(target: Component, var: str) -> tuple[str, str]:
    """The dependency type, and the edge kind word, of a call a variable ``var`` names to ``target``: a
    telemetry exporter's address (:func:`telemetry_var`) is a soft telemetry call, whatever it names
    (sending telemetry never holds up a request: PetClinic cloud's four services exporting metrics to
    ``wavefront-proxy`` made it the critical SPOF "taking down" the gateway); any other address, the
    call :func:`dependency_type` says."""
    if telemetry_var(var):
        return "soft", "telemetry"
    return dependency_type(target)


def hub_named(b: "GraphBuilder", target: str, var: str, evidence: str) -> None:
    """What a variable that names ``target`` says it is, where it is a plain service: the service registry
    (``REGISTRY_HOST=teastore-registry``): a discovery hub; where telemetry is exported to
    (``MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI=proxy://wavefront-proxy:2878``, :func:`telemetry_var`): a
    telemetry hub. Not a datastore, queue or gateway a telemetry address passes through (OTLP sent through
    the front proxy: the call is telemetry, :func:`address_call_type`; the proxy stays a gateway), nor an
    admin console or a load generator."""
    comp = b.components.get(target)
    if comp is None or comp.kind not in (None, "service") or hub_tag(comp) is not None:
        return
    if _REGISTRY_VAR.match(var):
        b.tag(comp.id, "discovery")
        b.evidence(comp.id, f"{evidence}: {var} names it: the registry the services find each other through")
    elif telemetry_var(var) and "admin-ui" not in comp.tags and LOAD_GENERATOR not in comp.tags:
        b.tag(comp.id, "telemetry")
        b.evidence(comp.id, f"{evidence}: {var} names it: where telemetry is exported to, a telemetry hub")
_DB_PORTS = {
    6379: ("datastore", "redis"), 5432: ("datastore", "postgres"), 3306: ("datastore", "mysql"),
    27017: ("datastore", "mongodb"), 9042: ("datastore", "cassandra"), 11211: ("cache", "memcached"),
    9092: ("queue", "kafka"), 5672: ("queue", "messaging"), 4222: ("queue", "messaging"),
    9200: ("datastore", "search"), 2181: ("datastore", "store"),
}


#: consoles for a datastore or a broker: tools, not the datastore
_ADMIN_UI = re.compile(r"mongo-?express|phpmyadmin|pgadmin|adminer|redis-?commander|redisinsight|kafka-?ui|kafdrop|"
                       r"akhq|rabbitmq-?management-ui|cassandra-?web|elastichq|cerebro|kibana|opensearch-dashboards|"
                       r"dejavu|"
                       # development mail catchers: they keep the mail they are sent for developers to read in
                       # their web page and deliver none (Pitstop's MailDev, with its port 4000, was taken for
                       # the user-facing, launch-blocking single point of failure)
                       r"mailhog|mailpit|(?<![a-z0-9])(?:maildev|mailcatcher|smtp4dev|mailcrab)(?![a-z0-9])|"
                       # the Hystrix/Turbine dashboard: operators watch the services' breakers there (Netflix
                       # Turbine aggregates their streams); a name of its own, not a longer name that holds the
                       # word (a wind farm's turbine-api)
                       r"^turbine(?:[-_](?:server|stream|dashboard))?$|hystrix-?dashboard|"
                       # an operators' console named so (spring-boot-admin, admin-server), not a back-office
                       # service that merely mentions admin (admin-order-service)
                       r"(?:^|[-_])admin(?:[-_](?:server|console|ui|panel|dashboard))?$")


#: load generators (Locust, k6, JMeter...): test tools that call the system, never where its users come in;
#: also simulators of its users or workers (the AKS store demo's virtual-customer and virtual-worker send
#: orders), named as words of a name or an image: "simulator" and "virtual-user" are, "simulation-api" is not
_LOAD_GENERATOR = re.compile(r"(?:^|[-_.])(?:load-?gen(?:erator)?s?|load-?test(?:er|ing)?s?|stress-?test(?:er|ing)?s?|"
                             r"traffic-?gen(?:erator)?s?|locust(?:io)?|k6|jmeter|gatling|vegeta|artillery|wrk2?|siege|"
                             r"tsung|ghz|fortio|user-?sim(?:ulator)?s?|simulators?|"
                             r"virtual-?(?:customer|user|worker|client|shopper|buyer|traffic|load)s?)"
                             r"(?:$|[-_.])")
#: an environment variable that sets a rate of generated work (``ORDERS_PER_HOUR``, ``RPS``, ``SPAWN_RATE``,
#: ``VUS``), not a limit on the work a service accepts (``RATE_LIMIT_PER_MINUTE``, ``MAX_REQUESTS_PER_SECOND``)
_RATE_VAR = re.compile(r"^(?!.*(?:LIMIT|MAX|MIN|THROTTL|BURST|QUOTA|TIMEOUT|TTL|WINDOW|RETR))"
                       r"(?:\w+_)?(?:RPS|QPS|TPS|VUS|SPAWN_RATE|HATCH_RATE|\w+_PER_(?:SECOND|SEC|MINUTE|MIN|HOUR))$",
                       re.IGNORECASE)


def _image_repo(image: str) -> str:
    """An image's repository name, without registry, organisation, tag or digest (``grafana/k6:0.50``: k6)."""
    return (image or "").lower().rsplit("/", 1)[-1].split("@")[0].split(":")[0]


def is_load_generator(name: str, image: str = "") -> bool:
    """Is the component named ``name`` (running ``image``) a load generator, by its name or its image's?"""
    repo = _image_repo(image)
    return bool(_LOAD_GENERATOR.search(name.lower()) or (repo and _LOAD_GENERATOR.search(repo)))


def load_generator_env(env: dict) -> str | None:
    """Why an environment (variable -> value) is a load generator's, or None: it sets a rate of generated
    work (:data:`_RATE_VAR`, ``ORDERS_PER_HOUR=100``) and names the address it sends that work to (a variable
    named like an address, ``ORDER_SERVICE_URL``). A service's own limits (``RATE_LIMIT_PER_MINUTE``) are no
    such rate. The words say which two variables, for the component's evidence."""
    rates = [v for v in env if _RATE_VAR.match(str(v))]
    targets = [v for v in env if ADDRESS_NAME.search(str(v)) and host_refs(str(env[v] or ""), bare_ok=False)]
    if rates and targets:
        return f"its environment sets a rate of generated work ({rates[0]}) and the address it sends it to ({targets[0]})"
    return None


def load_generator_words(why: str) -> str:
    """The evidence line's words for a component recognised as a load generator by ``why``."""
    return (f"a load generator ({why}): a test tool that calls the system, not a component its users "
            "depend on; its calls are not the system's")


#: words of a name that say nothing of what runs: versions, and the datastore words themselves
_NAME_NOISE = re.compile(r"v?\d+(?:\.\d+)*|db|database|sql|data|store|server|svc|service|deployment|app")


def _image_names_the_rest(name: str, repo: str) -> bool:
    """Does the image repository ``repo`` name the workload ``name`` by its other words (``ratings`` of
    ratings-v2-mysql in examples-bookinfo-ratings-v2), without a datastore's word of its own? Then the name's
    datastore word (mysql) says what it talks to, not what it is."""
    if not repo or any(_tech_named(repo, rx, image=True) == "product" for rx, _k, _t in _TECH_RE) \
            or re.search(r"(^|[-_])(db|database|sql)($|[-_])", repo):
        return False
    low = name.lower()
    rest = [w for w in re.split(r"[^a-z0-9]+", low)
            if len(w) >= 3 and not _NAME_NOISE.fullmatch(w) and not any(rx.fullmatch(w) for rx, _k, _t in _TECH_RE)]
    words = set(re.split(r"[^a-z0-9]+", repo))
    return any(w in words for w in rest)


def recognise(name: str, image: str = "", ports: list[int] | tuple = ()) -> tuple[str | None, list[str], str]:
    """(kind or None, tags, why) guessed from an image, a name and ports."""
    img = (image or "").lower()
    # the image's repository name (without registry and tag) says most
    repo = _image_repo(image)
    if _ADMIN_UI.search(repo) or _ADMIN_UI.search(name.lower()):
        return None, ["admin-ui"], f"image {image}" if repo else f"name {name}"
    if is_load_generator(name, image):
        return None, [LOAD_GENERATOR], f"image {image}" if repo else f"name {name}"
    tags: list[str] = []
    kind = None
    why = ""
    segs = img.split("@")[0].split("/")
    org = segs[-2] if len(segs) >= 2 else ""  # mcr.microsoft.com/mssql/server is SQL Server's
    exporter = False  # a Prometheus exporter of a datastore or a broker (postgres-exporter): telemetry
    for rx, k, t in _TECH_RE:
        said = _tech_named(repo, rx, image=True) if repo else _tech_named(name.lower(), rx, image=False)
        exporter = exporter or said == "exporter"
        if said == "product" or (org and rx.fullmatch(org) and said != "exporter"):
            kind, why = k, f"image {image}" if repo else f"name {name}"
            tags.append(t)
            break
    # a name that merely mentions a datastore or a broker (ratings-v2-mysql, which runs the ratings service's image
    # examples-bookinfo-ratings-v2 and talks to MySQL) is not one when its image names its other words
    # and no datastore: the image says what runs
    by_name = not _image_names_the_rest(name, repo)
    if exporter and kind is None:
        # what the image runs is an exporter of the store's metrics, whatever the workload is named: a
        # telemetry hub (what it reads and what scrapes it are telemetry), never the store, whose "no
        # persistent volume" warnings and hard calls it got
        return None, ["telemetry"], f"image {image}" if repo else f"name {name}"
    if kind is None:
        # name-based second chance: "cart-db", "redis-cart", "orders-db"
        low = name.lower()
        for rx, k, t in _TECH_RE:
            said = _tech_named(low, rx, image=False)
            exporter = exporter or said == "exporter"
            if said == "product" and (by_name or k in ("gateway", "identity")):
                kind, why = k, f"name {name}"
                tags.append(t)
                break
    if kind is None:
        for p in ports:
            if p in _DB_PORTS:
                kind, t = _DB_PORTS[p]
                why = f"port {p}"
                tags.append(t)
                break
    if kind is None and by_name and re.search(r"(^|[-_])(db|database|sql)($|[-_])", name.lower()):
        kind, why = "datastore", f"name {name}"
    # a hub by its image's repository name (jaegertracing/jaeger); its organisation counts only with a
    # repository name that says a role, not a product (jaegertracing/all-in-one is Jaeger's), as Jaeger's own
    # demo application, jaegertracing/example-hotrod, is no hub: tagged one, its own calls were soft and its
    # published port no user's; an image that merely mentions a hub (ghcr.io/open-telemetry/demo is the
    # demo's services) neither. A hub's own user interface (the OpenTelemetry demo's flagd-ui, an editor of
    # flags) is not the hub: nothing needs it to start or to serve, and tagged as one it got the hub's
    # start-up risk
    for rx, t in ([] if _HUB_UI.search(name.lower()) else _HUBS):
        if rx.search(name.lower()) or (repo and rx.search(repo)) \
                or (org and rx.fullmatch(org) and _ROLE_REPO.fullmatch(repo)):
            tags.append(t)
            break
    else:
        if _CONFIG_NAME.fullmatch(name.lower()):
            tags.append("config")  # a service named config: Spring Cloud Config's server, as demos name it
        elif _REGISTRY_NAME.fullmatch(name.lower()) and kind is None \
                and not (repo == "registry" and org in ("", "library")):
            # a service named registry (PiggyMetrics' Eureka, TeaStore's own): where services find each
            # other; not Docker's image registry (image registry:2); other names by what names them
            # (hub_named)
            tags.append("discovery")
    return kind, tags, why


# ------------------------------------------------------- datastores that keep nothing
#: the words every importer says of a datastore or a queue whose data has no persistent volume to live on
#: (its evidence line, after the file and line); ``{restart}``: what loses the data on that platform
NO_VOLUME = "no persistent volume: its data is lost when {restart}"
#: ... and the one that needs none (:func:`keeps_nothing`)
NO_VOLUME_NEEDED = "no persistent volume, and none needed: {why}"
_CACHE_WORD = re.compile(r"(?:^|[-_./])cach(?:e|es|ed|ing)(?:$|[-_./\d])")
#: Redis told to evict keys when full (``--maxmemory-policy allkeys-lru``): a cache, by its configuration
_EVICTS = re.compile(r"maxmemory-policy[\s=:\"']+(?:allkeys|volatile)-", re.IGNORECASE)
_JETSTREAM = re.compile(r"(?:^|\s)(?:-js|--jetstream)\b|jetstream", re.IGNORECASE)


def keeps_state(comp: Component) -> bool:
    """Does ``comp`` keep what its callers write, so that its data needs a persistent volume: a datastore, a
    cache or a queue (:func:`keeps_nothing` then says which lose nothing that matters), not a hub's."""
    return comp.kind in _STORE_KINDS and hub_tag(comp) is None


def keeps_nothing(comp: Component, name: str, image: str = "", command: str = "") -> str | None:
    """Why the datastore, cache or queue ``comp`` (named ``name``, running ``image`` with the command line
    ``command``) loses nothing that matters without a persistent volume, or None: an in-memory cache
    (memcached; Redis named a cache, or told to evict keys), whose entries are rebuilt from their source
    after a restart; NATS without JetStream, which keeps no messages at all. Redis otherwise is a store
    (Online Boutique keeps its carts in one): a restart loses what it holds."""
    rebuilt = "what it holds is rebuilt from its source after a restart"
    repo = _image_repo(image)
    if comp.kind == "cache":
        return f"an in-memory cache: {rebuilt}"
    if "redis" in comp.tags:
        if _CACHE_WORD.search(name.lower()) or _CACHE_WORD.search(repo):
            return f"Redis used as a cache (its name says so): {rebuilt}"
        if _EVICTS.search(command):
            return f"Redis used as a cache (it evicts keys when full: maxmemory-policy): {rebuilt}"
    if re.search(r"(?<![a-z])nats(?:-server|-streaming)?$", repo or name.lower()) and "streaming" not in repo \
            and not _JETSTREAM.search(command):
        return "NATS without JetStream keeps no messages (it delivers them to whoever listens, or drops them)"
    return None


#: the end of the evidence line a published port leaves on a component it makes user-facing
PORT_FACING = "on the host: user-facing"


def soften_plumbing_calls(review: Review) -> list[str]:
    """A telemetry hub's own dependencies are soft, whatever named them: what a collector, Prometheus or
    a log shipper names is what it watches (a health check, a database's metrics, a scrape target) or
    where it sends what it gathered, and losing one costs telemetry, not service. Recorded hard, the
    OpenTelemetry demo's collector, which health-checks the front proxy and reads the database's
    metrics, went down with either, and every service reporting to it looked degraded through it.
    Softened in place, said in each one's evidence; the ids changed.

    A call to a load generator (a proxy's route to Locust's page) is soft too: a test tool's failure
    takes nothing down.
    """
    out = []
    for did, dep in review.dependencies.items():
        src, tgt = review.components.get(dep.source), review.components.get(dep.target)
        if dep.kind != "hard" or src is None:
            continue
        if hub_tag(src) == "telemetry":
            why = (f"{dep.source} is a telemetry hub: {dep.target} is what it watches or sends to, and losing it "
                   "costs telemetry, not service: recorded as soft")
        elif tgt is not None and LOAD_GENERATOR in tgt.tags:
            why = f"{dep.target} is a load generator, a test tool: its failure takes nothing down: recorded as soft"
        else:
            continue
        dep.kind = "soft"
        dep.evidence = [*dep.evidence, why]
        out.append(did)
    return out


#: a stated criticality and the tier it gives (1 critical, 2 standard, 3 experimental or low)
CRITICALITY_TIERS = {"critical": 1, "high": 1, "medium": 2, "low": 3,
                     **{f"{p}{n}": n for n in (1, 2, 3) for p in ("", "tier", "tier-", "tier_", "t")}}
#: labels (Kubernetes, Compose) that state a workload's criticality
CRITICALITY_LABELS = ("criticality", "service.criticality", "tier")

#: values that turn a switch off
_OFF = {"false", "0", "no", "off", "disabled"}
#: a feature switch's name: ENABLE_X, X_ENABLED, X_ENABLE, USE_X, WITH_X (X: the feature)
_SWITCH = re.compile(r"^(?:(?:ENABLE|USE|WITH)_(?P<a>\w+)|(?P<b>\w+?)_(?:ENABLED?))$", re.IGNORECASE)
#: words of a switch's name that name no component
_SWITCH_NOISE = {"feature", "features", "service", "svc", "client", "api", "server", "integration", "support", "mode"}


def switch_words(var: str) -> tuple[str, ...]:
    """The words of the feature a switch variable names (``MCP_ENABLED``: ("mcp",)); () for another
    variable."""
    m = _SWITCH.match(var)
    if not m:
        return ()
    words = [w for w in (m.group("a") or m.group("b")).lower().split("_") if w and w not in _SWITCH_NOISE]
    return tuple(words) if words and all(len(w) >= 3 for w in words) else ()


def switched_off_calls(review: Review, switches: dict[str, list[tuple[tuple[str, ...], str]]]) -> list[str]:
    """A hard call to a component whose name holds every word of a feature its caller's environment
    switches off (the OpenTelemetry demo's agent with ``MCP_ENABLED=False`` and an ``MCP_ENDPOINT``) is
    optional while the switch is off: soft, said in its evidence. The ids changed."""
    out = []
    for did, dep in review.dependencies.items():
        if dep.kind != "hard" or dep.source not in switches:
            continue
        name = re.sub(r"[^a-z0-9]", "", dep.target.lower())
        for words, evidence in switches[dep.source]:
            if all(w in name for w in words):
                dep.kind = "soft"
                dep.evidence = [*dep.evidence, f"{evidence}: the feature that calls {dep.target} is switched off: "
                                "recorded as soft (optional while it is off; check it)"]
                out.append(did)
                break
    return out


#: a name that says the component is the user interface (yelb-ui, store-front, web-frontend, portal)
_UI_NAME = re.compile(r"(?:^|[-_.])(?:ui|webui|frontend|front-end|front|web|webapp|web-app|storefront|portal|www|spa)"
                      r"(?:$|[-_.])")
#: the words every Compose start-up order line (``depends_on``, ``links``) carries in its evidence
START_UP_ORDER = "start-up order"
#: the evidence line of a service with a published port that no way in reaches (:func:`behind_a_gateway`)
_NO_WAY_IN = "none of them reaches it: its published port is for developers and operators, not the way users come in"


#: a name that says the service forwards users' requests to the system's services (go-coffeeshop's proxy, a
#: grpc-gateway; a backend for frontend; an edge service): a word of the name, not inside a longer word
_FORWARDER_NAME = re.compile(r"(?:^|[-_.])(?:proxy|reverse-?proxy|bff|gw|apigw|edge|ingress)(?:$|[-_.\d])")


def forwarders(review: Review) -> set[str]:
    """Services that are a gateway by what they do, not by their image: user-facing, named so
    (:data:`_FORWARDER_NAME`), called by nothing but start-up order or a tool (a load generator, an
    operators' console), and calling only the system's services, one at least (no datastore, cache or
    queue of their own; hubs aside). go-coffeeshop's proxy, a grpc-gateway the browsers call, is built
    from the project's own image: not typed a gateway, the services behind it stayed user-facing by their
    developers' ports. A proxy of a datastore (a mongodb-proxy), of a telemetry hub or of the outside
    world (an egress proxy) calls no service of the system and is none."""
    comps = review.components
    called: set[str] = set()
    calls: dict[str, set[str]] = {}
    for dep in review.dependencies.values():
        targets = review.groups[dep.target].members if dep.target in review.groups else [dep.target]
        for t in targets:
            if t not in comps or t == dep.source:
                continue
            calls.setdefault(dep.source, set()).add(t)
            if not _order_only(dep) and not not_a_caller(comps.get(dep.source)):
                called.add(t)
    out = set()
    for cid, c in comps.items():
        if not c.user_facing or c.kind not in (None, "service") or cid in called or not can_face_users(c) \
                or not _FORWARDER_NAME.search((c.name or cid).lower()):
            continue
        mine = [comps[t] for t in calls.get(cid, ()) if hub_tag(comps[t]) is None]
        if mine and all(t.kind in (None, "service", "gateway", "identity") for t in mine):
            out.add(cid)
    return out


def _order_only(dep: Dependency) -> bool:
    """``dep`` rests on start-up order alone (every line of its evidence is a ``depends_on`` or a ``links``):
    no call a gateway's request travels along."""
    return bool(dep.evidence) and all(START_UP_ORDER in e for e in dep.evidence)


def behind_a_gateway(review: Review, evidence: dict[str, list[str]]) -> list[str]:
    """Where a system has a way in for its users (a user-facing gateway, or a user interface that no gateway
    reaches: yelb-ui, a store front), a service user-facing only because it publishes a port is not: a
    developer's or operator's port on a service that lives behind the way in (Spring's services behind its
    API gateway; FTGO's kitchen and accounting, which only Kafka reaches). One the way in reaches by its
    routes or its calls, through the services it calls (a storage service a social network's nginx reaches
    that way), is said "behind" it with the chain; one the way in does not reach but that uses what it
    reaches (the same broker or database: a consumer of the same Kafka) is part of the same system and
    said so; one connected to nothing the way in reaches stays user-facing (a way in of its own). A
    dependency that rests on start-up order alone (``depends_on``) is no call and reaches nothing.

    They stop being user-facing, said in their ``evidence``; the ids changed. A service said unreached by
    an earlier pass is looked at again (a repository's configuration or code may show the call since).
    Then, with the ways in known, a workload that only calls them and generates traffic is tagged a load
    generator (:func:`traffic_generators`)."""
    comps = review.components
    for cid, ev in evidence.items():
        stale = [e for e in ev if _NO_WAY_IN in e]
        if stale and cid in comps and not comps[cid].user_facing:
            ev[:] = [e for e in ev if e not in stale]
            comps[cid].user_facing = True
    out_of: dict[str, list[str]] = {}
    for dep in review.dependencies.values():
        if _order_only(dep):
            continue
        targets = review.groups[dep.target].members if dep.target in review.groups else [dep.target]
        out_of.setdefault(dep.source, []).extend(t for t in targets if t in comps)

    def port_only(cid: str) -> bool:
        return comps[cid].user_facing and any(e.endswith(PORT_FACING) for e in evidence.get(cid, ()))

    def reach(fronts: set[str], behind: dict[str, list[str]]) -> None:
        todo = [[f] for f in sorted(fronts)]
        while todo:
            chain = todo.pop()
            for t in out_of.get(chain[-1], ()):
                if t not in fronts and t not in behind:
                    behind[t] = [*chain, t]
                    todo.append(behind[t])

    gateways = {cid for cid, c in comps.items() if c.user_facing and c.kind == "gateway"} | forwarders(review)
    behind: dict[str, list[str]] = {}  # component -> the chain from the way in that reaches it
    reach(gateways, behind)
    uis = {cid for cid, c in comps.items() if c.user_facing and c.kind in (None, "service") and cid not in behind
           and _UI_NAME.search(c.name.lower() or cid) and can_face_users(c)}
    reach(uis, behind)
    fronts = gateways | uis
    out = _port_only_behind(review, evidence, fronts, gateways, behind, out_of, port_only) if fronts else []
    if traffic_generators(review, evidence):
        # once more without their calls: a proxy only a bot calls is a way in (:func:`forwarders`)
        out += [cid for cid in behind_a_gateway(review, evidence) if cid not in out]
    return out


def _port_only_behind(review: Review, evidence: dict[str, list[str]], fronts: set[str], gateways: set[str],
                      behind: dict[str, list[str]], out_of: dict[str, list[str]], port_only) -> list[str]:
    """:func:`behind_a_gateway`'s second half: the services with a published port that the ways in
    ``fronts`` reach (``behind``: the chain) or that use what they reach stop being user-facing."""
    comps = review.components
    out = []
    for cid in sorted(comps):
        if cid in fronts or not port_only(cid):
            continue
        chain = behind.get(cid)
        shares = sorted(t for t in dict.fromkeys(out_of.get(cid, ())) if t in behind or t in fronts)
        if not chain and not shares:
            continue  # connected to nothing the way in reaches: a way in of its own (another tool, an API)
        comp, ev = comps[cid], evidence.setdefault(cid, [])
        comp.user_facing = False
        if chain:
            what = "gateway" if chain[0] in gateways else "user interface"
            ev.append(f"behind the {what} {chain[0]} ({' -> '.join(chain)}): its published port is not the way "
                      "users come in; not user-facing")
        else:
            ways = sorted(fronts)
            ev.append(f"users come in through {', '.join(ways[:4])}{' ...' if len(ways) > 4 else ''}; it is part of "
                      f"the system they front (it uses {', '.join(shares[:3])}{' ...' if len(shares) > 3 else ''}, as "
                      f"what they reach does), and {_NO_WAY_IN}; not user-facing (check it, if users reach it "
                      "directly)")
        out.append(cid)
    return out


#: words of a name, or of the folders its code is in, that say a workload generates traffic (a bot that votes,
#: a traffic or user simulator, synthetic requests), beside the tools' own names (:data:`_LOAD_GENERATOR`)
_TRAFFIC_WORD = re.compile(r"(?:^|[-_./])(?:[a-z]*bots?|traffic|simulat(?:e|es|ed|or|ors|ion|ions|ing)|"
                           r"synthetic|spammers?|flooders?|fake-?users?)(?:$|[-_./])")
#: ... and the words that say a bot is a product of its own: one that talks with people on a chat platform
_CHAT_WORD = re.compile(r"(?:^|[-_./])(?:chat\w*|\w*chat|slack|telegram|discord|whatsapp|messenger|irc|teams|"
                        r"assistant|support|help\w*)(?:$|[-_./])")
#: the source files a call's evidence cites (``emojivoto-web/cmd/vote-bot/main.go:39: source reads WEB_HOST``)
_CODE_FILE = re.compile(r"(?:^|[\s(;])([\w.-]+(?:/[\w.-]+)*)/[\w.-]+:\d+: source ")
#: the words of a traffic generator's evidence line; found again, an earlier pass's line is looked at again
_TRAFFIC_WHY = "nothing calls it and it faces no users"


def traffic_generators(review: Review, evidence: dict[str, list[str]]) -> list[str]:
    """A load generator no name rule knows (emojivoto's vote-bot: a loop that votes through the web front end
    every second), by what it does: nothing calls it, it faces no users, and every call it makes goes to a way
    users come in (a user-facing service or gateway, hubs aside), as a user's would; and its name, or the
    folder its code is in, says it generates traffic (:data:`_TRAFFIC_WORD`: bot, traffic, simulator,
    synthetic). Taken for a production service, it got tier-1 blockers (its golden signals) and counted in
    its target's blast radius. A bot that talks with people (a chat or Slack bot, :data:`_CHAT_WORD`) is a
    product: it is called or publishes a port (a webhook), calls the platform it talks on (an outside API,
    a database of its own), or says so by name. Tagged :data:`LOAD_GENERATOR`, said in ``evidence``; the
    ids newly tagged. One an earlier pass tagged so is looked at again, and untagged if it no longer is
    one: a repository's configuration or code may show a call to it since."""
    comps = review.components
    called: set[str] = set()
    calls: dict[str, list[tuple[str, Dependency]]] = {}
    for dep in review.dependencies.values():
        targets = review.groups[dep.target].members if dep.target in review.groups else [dep.target]
        calls.setdefault(dep.source, []).extend((t, dep) for t in targets if t in comps)
        called.update(t for t in targets if t != dep.source)

    def why(cid: str) -> str | None:
        comp = comps[cid]
        # a published port is a way to reach it (a bot's webhook), even one said to be for developers
        if comp.user_facing or cid in called or comp.kind not in (None, "service") or hub_tag(comp) \
                or "admin-ui" in comp.tags or any(e.endswith(PORT_FACING) for e in evidence.get(cid, ())):
            return None
        mine = calls.get(cid, [])
        ways = sorted({t for t, _d in mine if comps[t].user_facing and can_face_users(comps[t])})
        if not ways or any(t not in ways and hub_tag(comps[t]) is None for t, _d in mine):
            return None
        name = (comp.name or cid).lower()
        folders = sorted({m.group(1).lower() for _t, d in mine for e in d.evidence for m in _CODE_FILE.finditer(e)})
        if _TRAFFIC_WORD.search(name):
            said = f"its name {comp.name or cid}"
        else:
            said = next((f"the folder of its code, {f}," for f in folders if _TRAFFIC_WORD.search(f)), None)
        if said is None or _CHAT_WORD.search(name) or any(_CHAT_WORD.search(f) for f in folders):
            return None
        return (f"{_TRAFFIC_WHY}, every call it makes goes to {', '.join(ways[:3])}{' ...' if len(ways) > 3 else ''}, "
                f"where users come in, as a user's would, and {said} says it generates traffic")

    out = []
    for cid in sorted(comps):
        comp, ev = comps[cid], evidence.get(cid, [])
        mine = [e for e in ev if _TRAFFIC_WHY in e]
        if mine and LOAD_GENERATOR in comp.tags:
            if why(cid) is None:  # tagged by an earlier pass, and a call found since says otherwise
                ev[:] = [e for e in ev if e not in mine]
                comp.tags = [t for t in comp.tags if t != LOAD_GENERATOR]
            continue
        reason = None if LOAD_GENERATOR in comp.tags else why(cid)
        if reason:
            comp.tags = [*comp.tags, LOAD_GENERATOR]
            evidence.setdefault(cid, []).append(load_generator_words(reason))
            out.append(cid)
    return out


#: stores a broker or a database keeps its cluster's state in, and cannot run without (Kafka before KRaft,
#: Pulsar, ClickHouse, HBase and Solr on ZooKeeper; Patroni's PostgreSQL and Vitess on etcd or Consul)
COORDINATION_STORE = _edged(r"zookeeper|zk|etcd|consul|bookkeeper")


def coordination_stores(review: Review, evidence: dict[str, list[str]]) -> list[str]:
    """A discovery hub (ZooKeeper, Consul) that a queue broker, datastore or cache calls is the coordination
    store that one keeps its state in: Kafka before KRaft cannot run without its ZooKeeper. Tagged a hub,
    the analysis took every hard call to it for an import's guess and softened it, ``kafka -> zookeeper``
    included, and ZooKeeper's outage took nothing down. Such a store is no hub: its tag is dropped and the
    broker's call is hard, said in both evidences; the services' own calls to it (lookups, leader election
    through a client that caches) are soft, as they were read while it was a hub. The ids changed."""
    comps = review.components
    needs: dict[str, list[str]] = {}  # store -> the brokers and databases that run on it
    for dep in review.dependencies.values():
        src, tgt = comps.get(dep.source), comps.get(dep.target)
        if src is None or tgt is None or _order_only(dep) or src.kind not in ("queue", "datastore", "cache"):
            continue
        if "discovery" in tgt.tags and COORDINATION_STORE.search(f"{tgt.name} {tgt.id}".lower()):
            needs.setdefault(tgt.id, []).append(src.id)
    out = []
    for did, dep in review.dependencies.items():
        if dep.target not in needs:
            continue
        if dep.source in needs[dep.target]:
            if dep.kind != "hard":
                dep.kind = "hard"
            why = (f"{dep.source} keeps its cluster's state in {dep.target}, a coordination store it cannot run "
                   "without: hard")
        elif dep.kind == "hard" and not dep.fallback:
            dep.kind = "soft"
            why = (f"{dep.target} is the coordination store of {', '.join(needs[dep.target])}; {dep.source} only "
                   "looks things up in it (discovery): recorded as soft")
        else:
            continue
        dep.evidence = [*dep.evidence, why]
        out.append(did)
    for cid, brokers in needs.items():
        was = f"({not_facing_what(comps[cid])}:"
        comps[cid].tags = [t for t in comps[cid].tags if t != "discovery"]
        now = f"({not_facing_what(comps[cid])}:"
        ev = evidence.setdefault(cid, [])
        ev[:] = [e.replace(was, now) for e in ev]  # a published port's words said what it was taken for
        ev.append(
            f"the coordination store {', '.join(brokers)} cannot run without (it keeps its cluster's state here): "
            "not a discovery hub; its failure takes them down")
    return out


#: the kinds of component that keep what their callers write (a store the telemetry stack may own)
_STORE_KINDS = ("datastore", "cache", "queue")


def _telemetry_store_line(store: str, hubs: list[str]) -> str:
    return (f"{store} is used only by the telemetry hub{'s' if len(hubs) > 1 else ''} {', '.join(hubs)} (where "
            f"{'they keep' if len(hubs) > 1 else 'it keeps'} traces, metrics or logs): part of the telemetry stack, "
            "tagged telemetry; losing it costs telemetry, not service")


def telemetry_stores(review: Review, evidence: dict[str, list[str]],
                     tagged: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """A datastore, cache or queue that only telemetry hubs use (robot-shop's elasticsearch, where jaeger
    keeps its spans) is part of the telemetry stack, not a store of the business's data: tagged telemetry,
    as its hubs are, so the checklist does not ask it for a business store's recovery and the analysis reads
    it as plumbing. One any other component calls (a search service's index) is the business's, whatever
    else uses it. ``tagged``: the stores an earlier reading tagged so (a deployment's import, before a
    repository's configuration and source showed more callers): one that now has another caller loses the
    tag, said. Returns store id -> the hubs that use it; says each in ``evidence``."""
    comps = review.components
    callers: dict[str, set[str]] = {}
    for dep in review.dependencies.values():
        targets = review.groups[dep.target].members if dep.target in review.groups else [dep.target]
        for t in targets:
            callers.setdefault(t, set()).add(dep.source)
    out: dict[str, list[str]] = {}
    for cid, comp in comps.items():
        # an operators' console reading the store (Kibana beside Zipkin's Elasticsearch) says nothing of whose
        # data it is: the telemetry stack's when every other caller is a telemetry hub (a console alone, as
        # mongo-express beside the business database, leaves it the business's)
        who = {c for c in callers.get(cid, set()) if not (c in comps and "admin-ui" in comps[c].tags)}
        hubs = sorted(c for c in who if c in comps and "telemetry" in comps[c].tags)
        was = (tagged or {}).get(cid)
        if was is not None:
            if who and len(hubs) == len(who):
                out[cid] = hubs  # still the telemetry stack's
                continue
            comp.tags = [t for t in comp.tags if t != "telemetry"]
            ev = evidence.setdefault(cid, [])
            ev[:] = [e for e in ev if e != _telemetry_store_line(cid, was)]
            others = sorted(who - set(hubs))
            ev.append(f"{cid} is also used by {', '.join(others)}, not a telemetry hub: a store of the "
                      "system's own data, not part of the telemetry stack (tag telemetry removed)")
            continue
        if comp.kind not in _STORE_KINDS or hub_tag(comp) is not None or not who or len(hubs) != len(who):
            continue
        comp.tags = [*comp.tags, "telemetry"]
        evidence.setdefault(cid, []).append(_telemetry_store_line(cid, hubs))
        out[cid] = hubs
    return out


def can_face_users(comp: Component) -> bool:
    """A published port makes gateways, frontends and plain services user-facing; never a datastore, cache,
    queue, admin console or telemetry/config/discovery hub (their ports are for operators)."""
    return (comp.kind in ("service", "gateway", "identity") and hub_tag(comp) is None and "admin-ui" not in comp.tags
            and LOAD_GENERATOR not in comp.tags)


def not_facing_what(comp: Component) -> str:
    """What ``comp`` is, in the words that say why an exposed port does not make it user-facing
    (:func:`can_face_users` said no): "an admin console", "a load generator", "a discovery hub", "a
    datastore". Every importer says it so (a published Compose port, a Kubernetes LoadBalancer)."""
    if "admin-ui" in comp.tags:
        return "an admin console (an operators' tool)"
    if LOAD_GENERATOR in comp.tags:
        return "a load generator (a test tool)"
    hub = hub_tag(comp)
    if hub:
        return f"a {hub} hub"
    kind = comp.kind or "service"
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def hub_tag(comp: Component) -> str | None:
    for t in HUB_TAGS:
        if t in comp.tags:
            return t
    return None


#: what the evidence says of a call to a queue or stream broker, and why (the word every importer puts in the
#: dependency's evidence line)
BROKER_CALL = "queue broker: hard, nothing can be enqueued while it is down; soft if the caller buffers locally"
BROKER_READ = "queue broker it reads its work from: soft, its outage delays that work"
#: ... shown to publish (its code does): a call, whether or not anything calls it
BROKER_PUBLISH = "queue broker it publishes to: hard, nothing can be enqueued while it is down; soft if it buffers locally"


def broker_use(*, reads_only: bool = False, publishes: bool = False) -> tuple[str, str]:
    """The dependency type of a service's use of a queue or stream broker (Kafka, RabbitMQ, a Dapr pub/sub),
    and the words that say why. Asynchronous means queued: the caller keeps accepting work and the broker's
    outage delays it. A producer's own call to the broker is not that: while the broker is down nothing can
    be enqueued and the request that wanted to fails, unless the producer buffers what it sends (an outbox,
    a local spool), which no deployment file shows: hard. Recorded asynchronous, it made a one-instance
    broker no single point of failure at all (Sock Shop's shipping -> rabbitmq). A consumer's dependency on
    the broker it reads its work from (``reads_only``) is its poll: soft, the broker's outage leaves it
    idle and delays its work; the analysis and the checklist read an asynchronous caller of a queue as a
    publisher that buffers, and a hard or soft one as a consumer or a synchronous publisher (docs/analysis.md,
    a queue's SPOF). Most evidence (an address variable, a NetworkPolicy, a trace edge) cannot tell a
    producer from a consumer: hard, as missing information fails safe (:func:`settle_broker_reads` then takes
    a service nothing calls for a consumer); ``publishes``: the evidence shows it publishes: hard, whatever
    calls it."""
    if publishes:
        return "hard", BROKER_PUBLISH
    return ("soft", BROKER_READ) if reads_only else ("hard", BROKER_CALL)


#: the end of the evidence line :func:`settle_broker_reads` leaves on a consumer's poll (its start names who calls)
def _reads_tail(tgt: str) -> str:
    return (f"it reads its work from {tgt}, whose outage leaves it idle and delays that work: recorded as soft "
            "(a consumer's poll)")


def _reads_work(comp: Component, tgt: str, tools: list[str]) -> str:
    if not tools:
        return f"nothing calls {comp.id} and it faces no users: {_reads_tail(tgt)}"
    return (f"only operators' tools, load generators or telemetry call {comp.id} ({', '.join(tools)}), not the "
            f"system's users, and it faces no users: {_reads_tail(tgt)}")


def not_a_caller(comp: Component | None) -> bool:
    """Is ``comp`` a caller that says nothing of who does the system's work: an admin console (an operators'
    tool), a load generator (a test tool, or a simulator of the system's users or workers) or a telemetry hub
    (a scrape, a health check)? The AKS store demo's makeline-service, which takes its orders from RabbitMQ,
    is called only by store-admin and the virtual-worker simulator: counted as callers, they made it a
    service that serves calls, its poll stayed hard and it was "unreached"."""
    return comp is not None and ("admin-ui" in comp.tags or LOAD_GENERATOR in comp.tags
                                 or hub_tag(comp) == "telemetry")


def settle_broker_reads(review: Review) -> list[str]:
    """A call to a broker (:func:`broker_use`, said so in its evidence) from a service that nothing calls and
    that faces no users is that service reading its work from the broker (Sock Shop's queue-master, the
    OpenTelemetry demo's accounting and fraud-detection): soft, said in its evidence (:func:`broker_use`).
    Calls from operators' tools, load generators and telemetry (:func:`not_a_caller`) do not count: they are
    no users the service serves (the AKS store's makeline-service, called only by store-admin and
    virtual-worker). One a caller was found for since (a repository's configuration or code) is a call
    again: hard. The analysis takes a service nothing calls for an entry point where nothing is marked
    user-facing, so recorded hard such consumers were "down" with the broker as if it served their users.
    In place; the ids changed."""
    comps = review.components
    callers: dict[str, set[str]] = {}
    for d in review.dependencies.values():
        for t in review.groups[d.target].members if d.target in review.groups else [d.target]:
            callers.setdefault(t, set()).add(d.source)
    out = []
    for did, dep in review.dependencies.items():
        src, tgt = comps.get(dep.source), comps.get(dep.target)
        if src is None or tgt is None or tgt.kind != "queue" or not any(BROKER_CALL in e for e in dep.evidence):
            continue
        who = callers.get(dep.source, set())
        tools = sorted(c for c in who if not_a_caller(comps.get(c)))
        reads = _reads_work(src, tgt.id, tools)
        consumer = (len(tools) == len(who) and not src.user_facing and src.kind in (None, "service")
                    and hub_tag(src) is None)
        said = [e for e in dep.evidence if e.endswith(_reads_tail(tgt.id))]
        if consumer and dep.kind == "hard":
            dep.kind = "soft"
            dep.evidence = [*dep.evidence, reads]
            out.append(did)
        elif consumer and dep.kind == "soft" and said and said != [reads]:
            dep.evidence = [*(e for e in dep.evidence if e not in said), reads]  # other tools call it now
        elif not consumer and dep.kind == "soft" and said:
            dep.kind = "hard"
            dep.evidence = [e for e in dep.evidence if e not in said]
            out.append(did)
    return out


def dependency_type(target: Component) -> tuple[str, str]:
    """The dependency type a call to ``target`` most likely has, and the edge kind word.

    A call to a configuration hub (flagd, a config server) is hard, as a call to a registry is: the
    analysis treats a hard call an import inferred on a hub as soft, says so among its assumptions, and
    gives a hub no SPOF itself the start-up risk it carries (docs/analysis.md, "Hubs"). Recorded soft here,
    the analysis never saw such calls, and the OpenTelemetry demo's flagd and Spring PetClinic's
    config-server had no finding at all. A telemetry hub's calls stay soft: sending telemetry never holds
    up a request, and the analysis has no start-up rule for it."""
    hub = hub_tag(target)
    if hub == "telemetry":
        return "soft", "telemetry"
    if hub == "config":
        return "hard", "config"
    if target.kind == "queue":
        return broker_use()
    if target.kind in ("datastore", "cache"):
        return "hard", "datastore"
    if hub == "discovery":
        return "hard", "discovery"
    return "hard", "call"


# ------------------------------------------------------- host names in values
#: env var names that hold an address of another service
ADDRESS_NAME = re.compile(
    r"(ADDR|ADDRESS|HOST|HOSTNAME|HOSTS|URL|URI|ENDPOINT|SERVER|SERVERS|SERVICE|BROKER|BROKERS|DSN|"
    r"CONNECTION|CONN|CONNECTION_STRING|TARGET|UPSTREAM|BACKEND|REDIS|MONGO|MONGODB|"
    r"POSTGRES|MYSQL|KAFKA|AMQP|RABBIT|RABBITMQ|NATS|MEMCACHED|ELASTICSEARCH|ZIPKIN|JAEGER|OTLP|SEED)S?$"
    # .NET's configuration section of connection strings: ConnectionStrings__EventBus=rabbitmq
    r"|^ConnectionStrings(?:__|:)",
    re.IGNORECASE,
)
#: variable names that say their value is a host (``DB_HOST``, ``POSTGRES_SEEDS``), not just something
#: that may be one (``STORAGE_BACKEND=file``, ``CACHE_SERVICE=redis``): a bare value of theirs that
#: is no known component is reported as a dangling host; the others' are not hosts at all
HOST_NAME_VAR = re.compile(r"(ADDR|ADDRESS|HOST|HOSTNAME|URL|URI|ENDPOINT|SERVER|DSN|SEED)S?$", re.IGNORECASE)
#: a character of a host name: a letter or digit of any script (and its marks), "_", "." or "-"
#: (anything but white space and the other ASCII punctuation), so "бд:5432" names бд
_HC = r"[^\s\x21-\x2c\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7e]"
#: a URL's user information and its "@": up to the LAST "@" before the path (Go's net/url, Python's urllib
#: and browsers split there), so a password that holds an "@" (``postgres://postgres:P@ssw0rd@postgres:5432``)
#: is no host: its tail was taken for a database nothing deploys, a critical single point of failure, and
#: printed in every output. A "?" or "#" right after a host (and port) starts the query or the fragment
#: (``smtp://mail:25?from=ops@example.org`` names mail); anywhere else before an "@" it is a password's, as
#: written unencoded in a Compose file (``postgres://u:p#1@db``). Never across white space or the
#: characters a URL never holds unencoded (quotes, angle brackets, backquote, backslash).
#: ``_USERINFO_TO_AT``: up to the last "@" before the path, whatever "?" or "#" it holds (the redaction's)
_USERINFO_TO_AT = r"[^/\s\"<>`\\]*@"
_USERINFO = r"(?![\w.-]+(?::\d+)?[?#])" + _USERINFO_TO_AT
#: the host of a URL: after its user information when it has some (possessive: with the host left
#: empty by an unset variable, "postgres://admin:@:5432" names no host, not the user "admin")
_URL_HOST = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://(?:" + _USERINFO + r")?+\[?(" + _HC + "+)")
#: a URL's scheme and user information: the hosts and ports of a value are read with the user information
#: left out, so a password is never a host (``postgres://admin:12345@db`` names db, not a host admin at
#: port 12345; ``postgres://u:P@ss:123@db`` names no host ss)
_URL_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)" + _USERINFO)
#: a host and a port; not an image and its tag (``grafana/grafana:5.2.4``, ``redis:6-alpine``): a port is
#: never followed by a dot and a digit, a hyphen or a letter
_HOST_PORT = re.compile(r"(?:^|[\s,;=(@/\"'])(\w" + _HC + r"*):(\d{1,5})(?![\w-]|\.\d)")
_KV_HOST = re.compile(r"(?:^|[\s;?&])(?:host|hostname|server|data source|address|addr)\s*=\s*(\w" + _HC + "*)",
                      re.IGNORECASE)
_BARE = re.compile(r"^\w" + _HC + "*$")
_NOT_HOSTS = {"localhost", "0.0.0.0", "127.0.0.1", "::", "true", "false", "none", "null", "*"}


@dataclass
class HostRef:
    host: str  # the host as written
    short: str  # its first label for cluster-local names ("cart.shop.svc.cluster.local" -> "cart")
    how: str  # "url", "host:port", "key=value", "value"
    local: bool  # a cluster-local or bare name (not an external FQDN or IP)


def host_refs(value: str, *, bare_ok: bool) -> list[HostRef]:
    """Host names in an environment value or argument.

    ``bare_ok``: a value that is just a name counts as a host (the variable is
    named like an address, e.g. ``FLAGD_HOST=flagd``).
    """
    if not value or len(value) > 4096:
        return []
    out: list[HostRef] = []
    seen: set[str] = set()

    def add(host: str, how: str) -> None:
        h = host.strip(".").lower()
        if not h or h in seen or h in _NOT_HOSTS or re.fullmatch(r"[0-9.]+", h):
            return
        seen.add(h)
        labels = h.split(".")
        local = len(labels) == 1 or ".svc" in h or h.endswith(".local") or h.endswith(".internal") \
            or (len(labels) == 2 and not _looks_public_tld(labels[1]))
        out.append(HostRef(host, labels[0], how, local))

    for m in _URL_HOST.finditer(value):
        add(m.group(1), "url")
    if "@" in value:
        value = _URL_USERINFO.sub(r"\1", value)
    for m in _HOST_PORT.finditer(value):
        if not re.fullmatch(r"[0-9]+", m.group(1)):
            add(m.group(1), "host:port")
    for m in _KV_HOST.finditer(value):
        add(m.group(1), "key=value")
    if bare_ok and _BARE.match(value.strip()) and not out:
        add(value.strip(), "value")
    # comma-separated lists of host:port are covered by _HOST_PORT
    return out


def host_arguments(words: list[str], hosts: dict[str, str]) -> list[tuple[str, str]]:
    """The host names a command's options are given (``-h edge-router``, ``--host=edge-router``,
    ``--peers a,b``) that name a service of the system (``hosts``: the names that reach one, lower-cased,
    -> the name), each as (option, name as written). Only an option's value, and only a name of the
    system: a program's own name, a file or any other word is never taken for a host. Sock Shop's load
    test reaches the shop by ``-d 60 -r 200 -c 2 -h edge-router``. One reading for every importer (a
    Compose ``command``, a Kubernetes container's ``command`` and ``args``), beside :func:`host_refs`."""
    out: list[tuple[str, str]] = []
    for i, w in enumerate(words):
        if not w.startswith("-") or w in ("-", "--"):
            continue
        flag, eq, value = w.partition("=")
        if not eq:
            if i + 1 >= len(words) or words[i + 1].startswith("-"):
                continue
            value = words[i + 1]
        for name in value.strip("\"'").split(","):
            if name and name.lower() in hosts and (flag, name) not in out:
                out.append((flag, name))
    return out


_PUBLIC_TLDS = {"com", "org", "net", "io", "dev", "app", "cloud", "co", "ai", "edu", "gov", "de", "uk", "fr",
                "us", "eu", "info", "biz", "me", "tv"}


def _looks_public_tld(label: str) -> bool:
    return label in _PUBLIC_TLDS


#: variables for telemetry, error reporting or docs: a SaaS they name is no call users wait on
_NOT_CALL_VAR = re.compile(_TELEMETRY_VAR.pattern + "|"
                           r"OTEL|OTLP|JAEGER|ZIPKIN|DATADOG|^DD_|NEW_?RELIC|SENTRY|HONEYCOMB|LOGZ|LOKI|PROMETHEUS|"
                           r"GRAFANA|ELASTIC_APM|APM|TRACE|METRIC|LOG_|_LOG|DOCS?_|HOMEPAGE|WEBSITE|PUBLIC_URL|BASE_PATH|"
                           r"CALLBACK|REDIRECT|ORIGIN|CORS|ISSUER|AUDIENCE|SCHEMA|REGISTRY|REPO|MIRROR|PROXY|LICEN[CS]E|TERMS|"
                           r"PRIVACY|SUPPORT|FEEDBACK|IMAGE|LOGO|ICON|AVATAR|CDN|STATIC|ASSET|FONT|HELP|LINK", re.IGNORECASE)
#: variable names that say a URL of theirs is an API the service calls (beside the address-like ones)
API_VAR = re.compile(r"(GATEWAY|API|WEBHOOK|PROVIDER)S?(?:_URL|_URI|_ENDPOINT|_HOST)?$", re.IGNORECASE)
_RESERVED_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|localhost|invalid|test)$")


def outside_host(ref: "HostRef", var: str) -> str | None:
    """The public host of an outside API a variable's URL names (``PAYMENT_GATEWAY_URL=https://api.stripe.com``:
    ``api.stripe.com``), or None: not for telemetry, error reporting, documentation or callback addresses,
    registries and proxies, nor reserved domains."""
    host = ref.host.strip(".").lower()
    if ref.how != "url" or ref.local or not (ADDRESS_NAME.search(var) or API_VAR.search(var)) \
            or _NOT_CALL_VAR.search(var) \
            or _RESERVED_DOMAIN.search(host) or "." not in host or not re.search(r"\.[a-z]{2,}$", host):
        return None
    return host


def external_api(b: "GraphBuilder", source: str, ref: "HostRef", var: str, evidence: str) -> str | None:
    """A service's environment names an outside API by a URL (:func:`outside_host`): a component of kind
    ``external_api`` (its availability is the vendor's), and a hard call to it."""
    host = outside_host(ref, var)
    if host is None:
        return None
    cid = b.external_ids.get(host)
    if cid is None:
        comp = b.component(host, f"{evidence}: an outside API ({host}): its availability is the vendor's; state its SLA",
                           name=host, kind="external_api")
        cid = b.external_ids[host] = comp.id
        b.tag(cid, "external")  # the vendor runs it: its instances and placement are not the review's
        b.host(host, cid)
        b.read(f"{evidence}: {host} is an outside API {source} calls: added as an external_api component")
    b.depend(source, cid, "hard", ENV, f"{evidence} (outside API)")
    return cid


def close_match(name: str, candidates) -> str | None:
    """A unique near-identical name (``cart`` vs ``carts``), or None."""
    name = name.lower()
    hits = []
    for c in candidates:
        lc = c.lower()
        if lc == name:
            return c
        if lc in (name + "s", name + "es") or name in (lc + "s", lc + "es") or lc.replace("-", "") == name.replace("-", "") \
                or lc.replace("_", "-") == name.replace("_", "-"):
            hits.append(c)
    return hits[0] if len(hits) == 1 else None


_SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|AUTH", re.IGNORECASE)
#: a name whose last word says its value is where something is (``ACMEAIR_STACKAA_AUTH_URL``, ``TOKEN_ENDPOINT``,
#: ``AUTH_HOST``): an address, not a secret, whatever words come before (the readiness facts' ``secret_name``
#: says so too). Shown, with a URL's user information and a query's password or token still masked. Not a
#: DSN or a connection string: those hold the password in forms no mask below reads
_ADDRESS_LAST = re.compile(r"(?:^|[_.-])(?:URL|URI|ENDPOINT|HOST|HOSTNAME|ADDR|ADDRESS)S?$", re.IGNORECASE)
#: a user name and password before an "@" at the start of a value with no scheme (``admin:s3cret@auth:8080``)
_BARE_CRED = re.compile(r"^([^:/@\s]*):" + _USERINFO_TO_AT)
#: a URL's user name and password: the password up to the last "@" before the path (a password that holds
#: an "@" was shown from its "@" on: ``postgres:***@ssw0rd@postgres``). Unlike :data:`_USERINFO`, a "?" or
#: "#" never ends it: what might be a password is hidden (``smtp://mail:***@example.org`` hides a port and a
#: query too), as none of one may show
_URL_CRED = re.compile(r"(://[^:/?#@\s]*):" + _USERINFO_TO_AT)
_KV_CRED = re.compile(r"((?:password|pwd|passwd|secret|token|api[_-]?key|access[_-]?key)\s*=\s*)[^;&\s]*", re.IGNORECASE)


def redact(name: str, value: str, limit: int = 120) -> str:
    """An environment value fit for evidence: secrets masked, long values clipped. A variable named like a
    secret is masked whole, unless its name says it is an address (:data:`_ADDRESS_LAST`): a URL names
    where a call goes, and masked, the reviewer could not see what a call was inferred from (Acme Air's
    ``ACMEAIR_STACKAA_AUTH_URL=***``, the only evidence of a call its service never makes)."""
    address = bool(_ADDRESS_LAST.search(name or ""))
    if _SECRET_NAME.search(name or "") and not address:
        return "***"
    v = str(value)
    if len(v) > 4 * limit:  # the regexes below run on what is shown, never on a megabyte
        v = v[: 4 * limit]
    v = _URL_CRED.sub(r"\1:***@", v)
    if address and _SECRET_NAME.search(name):
        v = _BARE_CRED.sub(r"\1:***@", v)
    v = _KV_CRED.sub(r"\1***", v).replace("\n", " ")
    return v if len(v) <= limit else v[: limit - 3] + "..."


def make_unique(text: str, used) -> str:
    """A valid id from ``text`` that is not in ``used`` (suffix -2, -3...)."""
    base = re.sub(r"-{2,}", "-", make_id(text))
    cid, k = base, 2
    while cid in used:
        cid = f"{base[:190]}-{k}"
        k += 1
    return cid
