"""Dependencies from configuration and source: where a component names another one's address.

Real systems write their calls in configuration and code, not in manifests:
nginx ``proxy_pass`` and ``upstream`` servers, envoy and haproxy backends,
Spring ``application.yml``/``.properties`` (``spring.data.mongodb.host``, JDBC,
AMQP, Redis URLs, ``lb://`` gateway routes), ``.env`` files, JSON/YAML/TOML
configs, and string literals in source code.

Only the hosts of components the import already knows are looked for (their
Service names, compose hostnames and aliases, ``*.svc.cluster.local`` forms),
so that a word is never taken for a host:

* in **configuration**, a host counts as a URL (``http://cart:8080``,
  ``jdbc:mysql://db:3306/x``, ``lb://vets``), as ``host:port``, or as the value
  of a key named like an address (``host``, ``server``, ``address``, ``*_ADDR``,
  nginx ``server``/``proxy_pass``);
* in **source**, a host counts only inside a URL or as ``host:port``, as a
  string that is exactly a distinctive host name (with a ``-`` or ``_``, 8
  characters or more: ``config["post-storage-service"]``), and so does the name
  of a variable the deployment uses to carry that component's address
  (``"PRODUCT_CATALOG_SERVICE_ADDR"``); also as a connection string's host (``'mysql:host=mysql;dbname=x'``,
  ``"Server=db;..."``, ``"host=db port=5432"``, also in configuration) and as a string given to a variable
  named like an address (``amqpHost = "rabbitmq"``, ``DB_HOST = 'mysql'``, ``Redis(host='redis')``). Source
  evidence is weaker, and marked so, whatever its form: code alone may be dead, a test helper, or a default
  the deployment overrides; a second sign (a ``depends_on``, configuration) makes it a call.

Outside services (an ``outside:`` target; the import adds their component) are named only where a call is
plain: an address variable's default URL in code, an HTTP call to a URL literal (``requests.get('https://
paypal.com/')``), an HTTP client's URL property (``@FeignClient(url = "${rates.url}")`` and ``rates.url``
in the service's configuration), a mail server's host key (``spring.mail.host: smtp.gmail.com``). A URL in a
comment, a documentation link or any other string names no vendor.

Each file is attributed to the component whose code it is: a compose ``build``
folder, or a folder named like the component (``src/cartservice/``,
``spring-petclinic-customers-service/``). Tests (``test/``, ``tests/``...)
are not read: they describe test set-ups, not the deployment.

Every finding is a :class:`Seen` (file, line, what, excerpt): the shape later
extractors of readiness facts can reuse.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.model.entities import Review
from prr_app.importers.call_policies import (annotation_policy, dotnet_resilience, envoy_policies, feign_clients,
                                             feign_client_urls, feign_policy, microprofile_clients,
                                             microprofile_policy,
                                             breaker_fallbacks, go_call_sites, go_client_funcs, go_client_timeouts, grpc_clients, is_spring_config,
                                             nginx_policies,
                                             resilience4j_annotations,
                                             resilience4j_config, spring_config, spring_gateway_policies, time_limit,
                                             spring_keys_by_line, spring_library, stated_timeouts,
                                             time_limiter_settings, zuul_routes)
from prr_app.importers.graph import ADDRESS_NAME, API_VAR, broker_use, dependency_type, host_refs, hub_tag, outside_host
from prr_app.wording import count

#: folders whose files describe tests, not the deployment
TEST_DIRS = {"test", "tests", "__tests__", "spec", "specs", "testdata", "test-data", "fixtures", "e2e",
             "integration-tests", "mocks", "mock"}
MAX_CONFIG_BYTES = 2 * 1024 * 1024
_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;|<!--)")


@dataclass(frozen=True)
class Seen:
    """One piece of evidence: a file and line, what was seen there, and how strong it is."""

    file: str
    line: int
    what: str  # e.g. "nginx proxy_pass http://frontend:8080" (clipped)
    confidence: str  # "config" or "source" (weaker)
    kind: str = "hard"  # the dependency type it suggests

    @property
    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


@dataclass
class Found:
    edges: dict[tuple[str, str], list[Seen]] = field(default_factory=dict)
    #: (caller, callee) -> {dependency field: (value, evidence line)}: what the caller's configuration
    #: says of its calls (a gateway's circuit breaker, retries, timeout: ``call_policies``)
    policies: dict[tuple[str, str], dict] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: component -> the files of its own read here: (path, is source code)
    files: dict[str, list[tuple[Path, bool]]] = field(default_factory=dict)

    #: evidence lines kept per dependency
    LIMIT = 20

    def note(self, key: tuple[str, str], seen: Seen, *, per_line: bool = True) -> None:
        """Keep ``seen`` as evidence of the dependency ``key`` (caller, callee): a line says it once
        (``per_line``: a ``@FeignClient`` line is also a string naming the host), else each different
        finding once; the first :attr:`LIMIT` are kept."""
        lst = self.edges.setdefault(key, [])
        dup = any(x.file == seen.file and x.line == seen.line for x in lst) if per_line else seen in lst
        if not dup and len(lst) < self.LIMIT:
            lst.append(seen)


def weakest(seen: list[Seen]) -> str:
    """"strong" when configuration says it, "weak" when only source literals do."""
    return "strong" if any(s.confidence == "config" for s in seen) else "weak"


class _Owners:
    """Which component a file belongs to: a file mounted into one service, a compose build or mounted
    folder, or a folder named like it."""

    def __init__(self, review: Review, code_dirs: dict[str, list[str]], root: Path,
                 hosts: dict[str, list[str]] | None = None, aliases: dict[str, str] | None = None):
        claimed: dict[Path, set[str]] = {}
        for c, ds in code_dirs.items():
            for d in ds:
                claimed.setdefault(Path(d), set()).add(c)
        # a file mounted into exactly one service (a gateway's kong.yml) is that service's
        self.files = {p: next(iter(cs)) for p, cs in claimed.items() if len(cs) == 1 and p.is_file()}
        claimed = {p: cs for p, cs in claimed.items() if p not in self.files}
        # a folder that several components build from (the project root) says nothing about ownership
        self.dirs = sorted(((d, next(iter(cs))) for d, cs in claimed.items() if len(cs) == 1 and d != root),
                           key=lambda x: len(x[0].parts), reverse=True)
        self.names: dict[str, str] = {}
        for cid, comp in review.components.items():
            for n in {cid.lower(), comp.name.lower()}:
                if len(n) >= 3 and "/" not in n:
                    self.names.setdefault(n, cid)
        # a container's name names its workload's code too (src/php-redis/ is frontend's, whose pods run it):
        # a folder named so, only (not a configuration file's name or key)
        self.aliases = {a: cid for a, cid in (aliases or {}).items()
                        if len(a) >= 3 and "/" not in a and cid in review.components and a not in self.names
                        and a not in _LAYOUT_FOLDERS}
        self.flat: dict[str, str] = {}
        for n, cid in self.names.items():
            self.flat.setdefault(re.sub(r"[^a-z0-9]", "", n), cid)
        self.root = root
        # plain host names (a Service in front of its workloads: reviews -> reviews-v1, reviews-v2)
        self.hosts = {h: ids for h, ids in (hosts or {}).items() if len(h) >= 3 and "." not in h and h not in self.names}
        self.cache: dict[Path, str | None] = {}
        self.named_files: dict[Path, str] = {}  # learn_config_repos
        self.shared_files: dict[Path, list[str]] = {}

    def learn_config_repos(self, paths: list[Path]) -> None:
        """Find the folders of a configuration repository (a Spring Cloud Config server's
        ``shared/``, or a config repository of its own): folders whose configuration files are
        named after two or more components (``account-service.yml``, ``vets-service-docker.yml``).
        Such a file is the configuration of the component it is named after, whatever folder holds
        it (not the config server's), and the folder's ``application*.yml`` (or ``.properties``) is
        the configuration of every component named there, as the server hands it out."""
        named: dict[Path, dict[Path, str]] = {}
        shared: dict[Path, list[Path]] = {}
        for p in paths:
            if p.suffix.lower() not in (".yml", ".yaml", ".properties"):
                continue
            stem = p.stem.lower()
            if stem == "application" or stem.startswith("application-"):
                shared.setdefault(p.parent, []).append(p)
                continue
            cid = self._named(stem)
            if cid is not None:
                named.setdefault(p.parent, {})[p] = cid
        for folder, files in named.items():
            if len(set(files.values())) < 2:
                continue
            self.named_files.update(files)
            clients = sorted(set(files.values()))
            for p in shared.get(folder, ()):
                self.shared_files[p] = clients

    def learn_dapr_runs(self, files, host_map) -> list[str]:
        """Read Dapr's multi-app run files (``dapr.yaml``: ``apps:`` of ``appID`` and ``appDirPath``): each app's
        folder holds the code of the component of that app-id (hello-kubernetes' ``./python`` is ``pythonapp``'s,
        although "python" names a source layout as often as an app). A folder a compose build already claims, the
        checkout's root, or one named for several apps is left as it is. Gives a line per folder learnt."""
        said: list[str] = []
        claimed = {d for d, _cid in self.dirs}
        learnt: dict[Path, set[str]] = {}
        where: dict[Path, str] = {}
        for f in files:
            if not f.rel.lower().endswith((".yaml", ".yml")) or _is_test(f.rel):
                continue
            try:
                if f.path.stat().st_size > MAX_CONFIG_BYTES:
                    continue
                text = f.path.read_text("utf-8", "replace")
            except OSError:
                continue
            if "appDirPath" not in text or "appID" not in text:
                continue
            try:
                docs = sy.load_text(text, file=f.rel)
            except PrrError:
                continue
            for doc in docs:
                apps = doc.value.get("apps") if isinstance(doc.value, dict) else None
                for app in apps if isinstance(apps, list) else ():
                    if not isinstance(app, dict):
                        continue
                    app_id, folder = sy.text(app.get("appID")), sy.text(app.get("appDirPath"))
                    if not app_id or not folder:
                        continue
                    k = _known(app_id, host_map)
                    ids = sorted(set(k[1])) if k else [self.names[app_id.lower()]] if app_id.lower() in self.names else []
                    d = Path(os.path.normpath(f.path.parent / folder))
                    if len(ids) != 1 or d == self.root or self.root not in d.parents or d in claimed:
                        continue
                    learnt.setdefault(d, set()).add(ids[0])
                    where.setdefault(d, f"{f.rel}:{sy.line_of(app, 'appDirPath', doc.line)}")
        for d, cids in sorted(learnt.items()):
            if len(cids) == 1:
                self.dirs.append((d, next(iter(cids))))
                said.append(f"evidence: {where[d]}: Dapr's multi-app run file puts app {next(iter(cids))}'s code in "
                            f"{d.relative_to(self.root).as_posix()}/")
        self.dirs.sort(key=lambda x: len(x[0].parts), reverse=True)
        self.cache.clear()
        return said

    def _named(self, stem: str) -> str | None:
        """The component a file stem names: itself, or with a profile after a dash (``-docker``)."""
        parts = stem.split("-")
        for k in range(len(parts), 0, -1):
            cid = self.names.get("-".join(parts[:k]))
            if cid is not None:
                return cid
        return None

    def all_of(self, path: Path) -> list[str]:
        """The components whose configuration or code the file is: one (:meth:`of`), or, for a
        configuration repository's shared ``application.yml``, every component named beside it."""
        if path in self.files:
            return [self.files[path]]
        if path in self.named_files:
            return [self.named_files[path]]
        if path in self.shared_files:
            return self.shared_files[path]
        owner = self.of(path)
        if owner is None:
            # a file named after a component in no folder of its own (src/PostStorageSerivce/, misspelt, holds
            # PostStorageService.cpp): that component's
            flat = re.sub(r"[^a-z0-9]", "", path.stem.lower())
            owner = self.flat.get(flat) if len(flat) >= 6 else None
        if owner is None and self.hosts:
            # a folder named after the Service in front of the workloads (src/reviews/ is the code of
            # reviews-v1, -v2 and -v3, which Service reviews selects)
            try:
                parts = path.parent.relative_to(self.root).parts
            except ValueError:
                parts = ()
            for seg in reversed(parts):
                ids = self.hosts.get(seg.lower())
                if ids:
                    return list(ids)
        return [owner] if owner is not None else []

    def served(self, path: Path) -> bool:
        """A configuration repository's file: a config server hands it to the services (Spring reads it
        as it reads their own ``application.yml``)."""
        return path in self.named_files or path in self.shared_files

    def of(self, path: Path) -> str | None:
        if path in self.files:
            return self.files[path]
        folder = path.parent
        if folder in self.cache:
            return self.cache[folder]
        owner = None
        for d, cid in self.dirs:
            if folder == d or d in folder.parents:
                owner = cid
                break
        if owner is None:
            try:
                parts = folder.relative_to(self.root).parts
            except ValueError:
                parts = folder.parts
            for seg in reversed(parts):
                owner = self._match(seg.lower())
                if owner:
                    break
            else:  # no folder named like a component: one named like a container of one
                owner = next((self.aliases[s.lower()] for s in reversed(parts) if s.lower() in self.aliases), None)
        self.cache[folder] = owner
        return owner

    def by_key(self, line: str, targets: list[str]) -> str | None:
        """The component a shared configuration line is about, from the start of its key."""
        key = re.split(r"[:=]", line, maxsplit=1)[0] if re.search(r"[:=]", line) else ""
        flat = re.sub(r"[^a-z0-9]", "", key.lower())
        if not flat:
            return None
        best = None
        for n, cid in self.flat.items():
            if len(n) >= 3 and flat.startswith(n) and cid not in targets and (best is None or len(n) > len(best[0])):
                best = (n, cid)
        return best[1] if best else None

    def _match(self, seg: str) -> str | None:
        if seg in self.names:
            return self.names[seg]
        last = seg.rsplit(".", 1)[-1]
        if last != seg and len(last) >= 4 and last in self.names:  # tools.descartes.teastore.webui/ is webui's
            return self.names[last]
        flat = re.sub(r"[^a-z0-9]", "", seg)
        if len(flat) >= 4 and flat in self.flat:  # src/ComposePostService/ is compose-post-service's
            return self.flat[flat]
        best = None
        for n, cid in self.names.items():
            if seg.endswith("-" + n) or seg.startswith(n + "-") or seg.endswith("_" + n):
                if best is None or len(n) > len(best[0]):
                    best = (n, cid)
        return best[1] if best else None


#: folder names of a source layout (src/main/java, cmd/, app/): never taken for a container's name
_LAYOUT_FOLDERS = frozenset({"main", "src", "app", "apps", "server", "api", "web", "lib", "libs", "cmd", "pkg",
                             "internal", "java", "kotlin", "python", "code", "service", "services", "source",
                             "resources", "config", "deploy", "docker", "build", "scripts", "bin", "www", "html"})


def _is_test(rel: str) -> bool:
    parts = rel.lower().split("/")[:-1]
    return any(p in TEST_DIRS for p in parts) or bool(re.search(r"(^|/)[^/]*[._-]test\.(ya?ml|properties)$",
                                                               rel.lower()))


def scan(inv, review: Review, hosts: dict[str, list[str]], address_vars: dict[str, list[str]],
         code_dirs: dict[str, list[str]], *, scan_source: bool = True, source_limit: int = 512 * 1024,
         progress=None, aliases: dict[str, str] | None = None,
         fences: list[tuple[Path, set[str]]] | None = None) -> Found:
    """Look through the inventory's configuration (and source) files for addresses of known components.

    ``fences``: folders of deployment variants not imported, each with the components their files may be
    evidence for (the variant imported instead); a file there is never taken for another system's code."""
    found = Found()
    host_map = {h.lower(): ids for h, ids in hosts.items() if ids}
    if not host_map:
        return found
    owners = _Owners(review, code_dirs, inv.root, host_map, aliases)
    files = [f for f in inv.files if f.role == "config" or (scan_source and f.role == "source")]
    n_cfg = n_src = n_test = n_big = n_unowned = 0
    big: list[str] = []
    unowned: dict[str, int] = {}
    calls = _CallSettings()
    owners.learn_config_repos([f.path for f in files if f.role == "config" and not _is_test(f.rel)])
    found.read += owners.learn_dapr_runs([f for f in files if f.role == "config"], host_map)
    builds = _build_files(inv, owners)
    shared_keys: dict[str, tuple] = {}  # an address key of a configuration no service owns -> (targets, seen)
    library: dict[str, tuple] = {}  # class name -> (file, hits) of a source file no service owns that names components
    # the classes a shared library may define (source files no component owns), found in the components'
    # own code as it is read: (component, class) -> "file:line" of the first use
    candidates = sorted({f.path.stem for f in files if f.role == "source" and _CLASS_NAME.fullmatch(f.path.stem)
                         and not _is_test(f.rel) and not owners.all_of(f.path)}, key=lambda n: (-len(n), n))
    class_word = re.compile(r"\b(" + "|".join(map(re.escape, candidates)) + r")\b") if candidates else None
    class_uses: dict[tuple[str, str], str] = {}
    dapr = _DaprUse()  # what code and configuration say of Dapr, as they are read
    not_used: dict[str, int] = {}  # "service (setting)" -> lines of a shared file its libraries do not read
    for i, f in enumerate(files):
        if progress is not None and i % 200 == 0:
            progress("reading configuration and source", i, len(files))
        if _is_test(f.rel):
            n_test += 1
            continue
        limit = source_limit if f.role == "source" else MAX_CONFIG_BYTES
        try:
            size = f.path.stat().st_size
            if size > limit:
                n_big += 1
                big.append(f.rel)
                continue
            raw = f.path.read_bytes()
        except OSError:
            continue
        if b"\x00" in raw[:4096]:
            continue
        text = raw.decode("utf-8", "replace")
        is_src = f.role == "source"
        if is_src:
            n_src += 1
        else:
            n_cfg += 1
        mine = owners.all_of(f.path)  # several for a configuration repository's shared application.yml
        fenced = [allowed for folder, allowed in fences or () if folder in f.path.parents]
        if fenced:
            mine = [cid for cid in mine if all(cid in allowed for allowed in fenced)]
            if not mine:
                # a variant not imported: its files are no code or configuration of another system's
                f.note = f.note or "in a variant not imported: not read for evidence"
                continue
        for owner in mine:
            found.files.setdefault(owner, []).append((f.path, is_src))
        if is_src and mine and class_word is not None:
            for m in class_word.finditer(text):
                for owner in mine:
                    class_uses.setdefault((owner, m.group(1)), f"{f.rel}:{text.count(chr(10), 0, m.start()) + 1}")
        dapr.read(text, f.rel, is_src, mine, host_map)
        if is_src and f.rel.endswith(".cs"):
            calls.dotnet(text, f.rel, mine)
        hits = _scan_text(text, f.rel, host_map, address_vars, is_src)
        # a Spring configuration: application*.yml, or a file a config server hands out (account-service.yml)
        spring = not is_src and (is_spring_config(f.rel) or owners.served(f.path))
        for owner in mine:
            calls.read(found, text, f.rel, is_src, owner, hits, host_map, review, spring)
        if not hits:
            continue
        if not mine and not is_src:
            # a configuration shared by every service (config.json: "GeoMongoAddress": "mongodb-geo:27018"):
            # a line whose key starts with one component's name is that component's
            keyed = [(targets, seen, owners.by_key(seen.what, targets)) for targets, seen in hits]
            # the others ("jaegerAddress": "jaeger:6831") are the calls of the services whose code reads the key
            for targets, seen, owner in keyed:
                key = _address_key(seen.what) if owner is None else None
                if key:
                    shared_keys.setdefault(key, (targets, seen))
            hits = [h for h in keyed if h[2]]
            if not hits:
                n_unowned += 1
                unowned[f.rel] = 1
                continue
        elif not mine:
            n_unowned += 1
            unowned[f.rel] = len(hits)
            if is_src and _CLASS_NAME.fullmatch(f.path.stem) and not _ENTRY_POINT.search(text):
                # a shared client library's class (ts-client-sdk's AuthClient): the services whose code
                # uses it make its calls (_library_calls)
                library.setdefault(f.path.stem, (f.rel, hits))
            continue
        else:
            hits = [(targets, seen, owner) for owner in mine for targets, seen in hits]
            if f.path in owners.shared_files and builds:
                hits = _used_by_libraries(hits, spring_keys_by_line(text, f.rel), builds, not_used)
        f.note = f.note or f"evidence for {', '.join(sorted({h[2] for h in hits}))}"
        for owner in mine if not is_src else ():
            if spring:
                _gateway_policies(found, text, f.rel, owner, host_map, calls.breakers)
            if "static_resources" in text:
                _envoy_policies(found, text, f.rel, owner, host_map)
            if ("proxy_pass" in text or "grpc_pass" in text) and not f.rel.lower().endswith((".yaml", ".yml", ".json")):
                for hosts, pol in nginx_policies(text, f.rel):
                    for k in (_known(h, host_map) for h in hosts):
                        _calls(found, owner, k[1] if k else (), pol)
        for targets, seen, owner in hits:
            src_comp = review.components.get(owner)
            for t in targets:
                if t.startswith(OUTSIDE):  # an outside API: the import adds its component
                    found.note((owner, t), Seen(seen.file, seen.line, f"{seen.what} (outside API)", seen.confidence,
                                                "hard"))
                    continue
                if t == owner or t not in review.components:
                    continue
                kind, word = dependency_type(review.components[t])
                if src_comp is not None and hub_tag(src_comp) == "telemetry":
                    word = "telemetry scrape"  # soft, as every call a telemetry hub makes (soften_plumbing_calls)
                found.note((owner, t), Seen(seen.file, seen.line, f"{seen.what} ({word})", seen.confidence, kind))
    if shared_keys:
        _keys_read(found, shared_keys, review, inv.root)
    dapr.settle(found, inv, review, host_map)
    if library:
        _library_calls(found, library, class_uses, review)
    calls.settle(found, host_map, review, address_vars)
    calls.settle_dotnet(found, review)
    # the timeouts the services' own code and configuration state (requests' timeout=, a client block's timeout_ms)
    stated_timeouts(found, inv, review, lambda h: (_known(h, host_map) or (None, None))[1],
                    lambda text, rel, src: _scan_text(text, rel, host_map, address_vars, src), _is_test)
    _zipkin_reporters(found, inv, owners, review)
    outside = sorted(k for k in found.edges if k[1].startswith(OUTSIDE))
    if outside:
        # what was read for each outside service (repository.py adds its component)
        found.read.append("evidence: outside services the code or configuration calls: " + "; ".join(
            f"{src} -> {tgt[len(OUTSIDE):]} ({found.edges[(src, tgt)][0].text})" for src, tgt in outside[:8])
            + (" ..." if len(outside) > 8 else ""))
    if progress is not None:
        progress("reading configuration and source", len(files), len(files))
    found.read.append(f"evidence: {n_cfg} configuration file(s)" + (f" and {n_src} source file(s)" if scan_source
                                                                     else " (source not read: --no-scan-source)")
                      + f" read; {len(found.edges)} dependency(ies) named there")
    if n_test:
        found.skipped.append(f"{n_test} file(s) in test folders not read for evidence (they describe tests)")
    if n_big:
        found.skipped.append(f"{n_big} file(s) over the size limit not read for evidence: "
                             + ", ".join(big[:5]) + (" ..." if len(big) > 5 else ""))
    if not_used:
        found.skipped.append(
            "settings of a configuration repository's shared file not used where the service's build file names no "
            "library that reads them: " + ", ".join(list(not_used)[:8]) + (" ..." if len(not_used) > 8 else ""))
    if unowned:
        found.skipped.append(
            f"{n_unowned} file(s) name known hosts but belong to no component (no compose build folder or folder "
            f"named like one): " + ", ".join(f"{k} ({v})" for k, v in list(unowned.items())[:5])
            + (" ..." if len(unowned) > 5 else ""))
    return found


_BUILD_FILES = ("pom.xml", "build.gradle", "build.gradle.kts")


def _build_files(inv, owners: _Owners) -> dict[str, str]:
    """Each component's build files (Maven, Gradle) in the checkout, lower-cased: what libraries it has."""
    out: dict[str, str] = {}
    for f in inv.files:
        if f.path.name not in _BUILD_FILES or f.path.parent == inv.root or _is_test(f.rel):
            continue
        owner = owners.of(f.path)
        if owner is None:
            continue
        try:
            out[owner] = out.get(owner, "") + f.path.read_text("utf-8", "replace")[:MAX_CONFIG_BYTES].lower()
        except OSError:
            continue
    return out


#: a tracing library that sends spans to a Zipkin server, as a build file names it (spring-boot-starter-zipkin,
#: spring-cloud-starter-zipkin, zipkin-reporter-brave, opentelemetry-exporter-zipkin)
_ZIPKIN_LIBRARY = re.compile(r"(?i)<artifactId>\s*([^<]*zipkin[^<]*?)\s*</artifactId>|[\"':]([A-Za-z0-9_.-]*zipkin[A-Za-z0-9_.-]*)[\"':]")
#: a telemetry hub that is a Zipkin server by its name (``zipkin``, PetClinic's ``tracing-server``)
_ZIPKIN_SERVER = re.compile(r"(?i)zipkin|(?<![a-z0-9])tracing(?![a-z0-9])")


def _zipkin_reporters(found: Found, inv, owners: _Owners, review: Review) -> None:
    """A service whose build file names a Zipkin reporter sends its spans to the Zipkin server the checkout
    deploys (Spring PetClinic: five services' ``spring-boot-starter-zipkin``, and ``tracing-server`` running
    ``openzipkin/zipkin``; the address is in the config server's repository, outside the checkout). A
    telemetry call, soft as every service's call to the OpenTelemetry demo's collector: losing the server costs
    traces, not service. Drawn only when one telemetry hub of the review is named as a Zipkin or tracing
    server; otherwise said, never guessed. The report says what was read and what was left out, a line each."""
    reporters: dict[str, tuple[str, int, str]] = {}  # service -> (build file, line, library)
    for f in inv.files:
        if f.path.name not in _BUILD_FILES or f.path.parent == inv.root or _is_test(f.rel):
            continue
        owner = owners.of(f.path)
        if owner is None or owner in reporters or owner not in review.components:
            continue
        try:
            text = f.path.read_text("utf-8", "replace")[:MAX_CONFIG_BYTES]
        except OSError:
            continue
        m = _ZIPKIN_LIBRARY.search(text)
        if m:
            reporters[owner] = (f.rel, text.count("\n", 0, m.start()) + 1, m.group(1) or m.group(2))
    if not reporters:
        return
    servers = sorted(cid for cid, c in review.components.items()
                     if hub_tag(c) == "telemetry" and (_ZIPKIN_SERVER.search(cid) or _ZIPKIN_SERVER.search(c.name)))
    libs = ", ".join(sorted({lib for _f, _l, lib in reporters.values()}))
    names = ", ".join(sorted(reporters))
    if len(servers) != 1:
        found.skipped.append(
            f"telemetry: {count(len(reporters), 'service')} report traces to Zipkin ({libs} in their build files: "
            f"{names}), but " + (f"{len(servers)} telemetry hubs could be its server ({', '.join(servers)})"
                                 if servers else "no Zipkin or tracing server is deployed")
            + ": no call drawn to one")
        return
    server = servers[0]
    kind, word = dependency_type(review.components[server])
    drawn = []
    for owner, (rel, line, lib) in sorted(reporters.items()):
        if owner == server:
            continue
        drawn.append(owner)
        found.note((owner, server), Seen(rel, line, f"{lib}: {owner} reports its traces to a Zipkin server, and "
                                                    f"{server} is the one deployed ({word}); where it sends them is "
                                                    "set outside the checkout (Spring's default is localhost:9411): "
                                                    "check it", "config", kind))
    if drawn:
        found.read.append(f"telemetry: {count(len(drawn), 'service')} report traces to {server}, the Zipkin server "
                          f"deployed ({libs} in their build files): {', '.join(drawn)}; recorded as {kind} (losing it "
                          "costs traces, not service)")


_KEY = re.compile(r"""^\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]""")


def _address_key(line: str) -> str | None:
    """The key of a configuration line when its name says it holds an address and says of what
    (``jaegerAddress``, ``ORDERS_DB_HOST``; not a bare ``host`` or ``url``)."""
    m = _KEY.match(line)
    if not m:
        return None
    key = m.group(1)
    a = ADDRESS_NAME.search(key.replace("-", "_").replace(".", "_"))
    return key if a and a.start() >= 3 and len(key) >= 8 else None


#: a program's entry point: the file is a service's own code, not a library's
_ENTRY_POINT = re.compile(r"\bint\s+main\s*\(|\bfunc\s+main\s*\(\s*\)|\bstatic\s+void\s+main\s*\(|"
                          r"__name__\s*==\s*[\"']__main__|@SpringBootApplication|\bfun\s+main\s*\(")
#: a class's name as its file names it (``AuthClient.java``, ``LoadBalancedImageOperations.java``)
_CLASS_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+")


def _library_calls(found: Found, library: dict[str, tuple], uses: dict[tuple[str, str], str], review: Review) -> None:
    """A class of a shared library in the checkout (a client SDK no service's folder holds) that names
    components makes their calls for the services whose own code uses the class by name (``uses``:
    (component, class) -> "file:line" of its first use): ts-user-service's ``authClient`` of
    ts-client-sdk's ``AuthClient``; TeaStore's web UI and its ``LoadBalancedImageOperations``. Weak,
    as the source it rests on."""
    for (owner, name), where in sorted(uses.items()):
        if name not in library or owner not in review.components:
            continue
        _lib_rel, hits = library[name]
        for targets, seen in hits:
            _pass_on(found, review, owner, targets, seen, f"in {name}, which {owner}'s code uses at {where}", "source")


def _pass_on(found: Found, review: Review, owner: str, targets: list[str], seen: Seen, how: str,
             confidence: str) -> None:
    """The calls a file no service owns names (``seen``: a shared library's line, a shared
    configuration's) are ``owner``'s, whose code uses it as ``how`` says."""
    for t in targets:
        if t != owner and t in review.components:
            kind, word = dependency_type(review.components[t])
            found.note((owner, t), Seen(seen.file, seen.line, f"{seen.what} ({word}; {how})", confidence, kind))


def _keys_read(found: Found, shared_keys: dict[str, tuple], review: Review, root: Path) -> None:
    """A configuration every service is handed (a ``config.json`` at the root) names an address under
    a key; the services whose own code reads that key (``result["jaegerAddress"]``) call it. The keys
    are known once every file is read, so the components' own source is read again (only where such
    a configuration has address keys)."""
    quoted = {k: re.compile(r"""["'`]""" + re.escape(k) + r"""["'`]""") for k in shared_keys}
    for owner, files in found.files.items():
        if owner not in review.components:
            continue
        for path, is_src in files:
            if not is_src:
                continue
            try:
                text = path.read_text("utf-8", "replace")
            except OSError:
                continue
            for key, rx in quoted.items():
                m = rx.search(text)
                if not m:
                    continue
                targets, seen = shared_keys[key]
                where = f"{path.relative_to(root).as_posix()}:{text.count(chr(10), 0, m.start()) + 1}"
                _pass_on(found, review, owner, targets, seen, f"{owner}'s code reads \"{key}\" at {where}", "config")


#: Dapr building blocks by component type: the dependency kind of an app's use of one
_DAPR_KINDS = {"pubsub": "broker", "state": "hard", "bindings": "soft", "configuration": "hard", "lock": "hard"}
#: a line of code that publishes through a Dapr pub/sub component, and one that only subscribes to it
_DAPR_PUBLISH = re.compile(r"publish", re.IGNORECASE)
_DAPR_SUBSCRIBE = re.compile(r"\bTopic\b|subscri", re.IGNORECASE)
#: the SDKs' publish calls (PublishEventAsync, publish_event, publishEvent) and the sidecar's publish API
_DAPR_PUBLISH_CALL = re.compile(r"\bPublishEvent\w*\s*[<(]|\bpublish_event\s*\(|\bpublishEvent\s*\(|/v1\.0/publish/")
#: Dapr's service invocation of another app, by its app-id: the SDKs' InvokeMethod(Async) /
#: CreateInvokeHttpClient / invoke_method, the sidecar's HTTP API, and the dapr-app-id header
_DAPR_INVOKE = re.compile(
    r"""(?:\b(?:InvokeMethod\w*|CreateInvokeHttpClient|CreateInvokeMethodRequest|invoke_method|invokeMethod|"""
    r"""invoke)\s*(?:<[^<>()]*>)?\s*\((?:[^()"']|\([^()]*\))*?(?:appId\s*[:=]\s*)?["']([A-Za-z0-9][A-Za-z0-9_.-]*)["'])"""
    r"""|/v1\.0/invoke/([A-Za-z0-9][A-Za-z0-9_.-]*)/method|dapr-app-id["']?\s*[:,=]\s*["']([A-Za-z0-9][A-Za-z0-9_.-]*)""")


#: roles of the files a Dapr component may be in that the evidence scan does not read (it is shaped like a
#: Kubernetes object)
_DAPR_COMPONENT_ROLES = ("kubernetes", "helm-part", "kustomize-component")


def _dapr_components(text: str, rel: str, host_map) -> list[tuple[str, str, list[str], list[str], str, list[str]]]:
    """The Dapr components of one YAML file (``kind: Component`` of ``dapr.io``), each as (name, type,
    the components its metadata names, its scopes, "file:line", the hosts its address settings name that are no
    component here: ``redisHost: dapr-dev-redis-master:6379``, installed apart)."""
    if "dapr.io" not in text or "Component" not in text:
        return []
    try:
        docs = sy.load_text(text, file=rel)
    except PrrError:
        return []
    out = []
    for doc in docs:
        v = doc.value
        if not isinstance(v, dict) or sy.text(v.get("kind")) != "Component" \
                or not sy.text(v.get("apiVersion")).startswith("dapr.io/"):
            continue
        meta = v.get("metadata") if isinstance(v.get("metadata"), dict) else {}
        spec = v.get("spec") if isinstance(v.get("spec"), dict) else {}
        name, typ = sy.text(meta.get("name")), sy.text(spec.get("type"))
        targets: list[str] = []
        elsewhere: list[str] = []
        for item in spec.get("metadata") if isinstance(spec.get("metadata"), list) else []:
            value = sy.text(item.get("value")) if isinstance(item, dict) else ""
            for hit, _seen in _scan_text(value, rel, host_map, {}, False) if value else ():
                targets += [t for t in hit if t not in targets]
            if value and not targets:
                k = _known(value.split(":")[0], host_map)
                targets += k[1] if k else []
                host = _setting_host(sy.text(item.get("name")), value) if not k else None
                said = f"{host} ({sy.text(item.get('name'))})" if host else ""
                if said and said not in elsewhere:
                    elsewhere.append(said)
        scopes = [sy.text(x) for x in v.get("scopes")] if isinstance(v.get("scopes"), list) else []
        if name and typ and (targets or elsewhere):
            out.append((name, typ, targets, scopes, f"{rel}:{doc.line}", [] if targets else elsewhere))
    return out


def _setting_host(key: str, value: str) -> str | None:
    """The host a Dapr component's address setting names (``redisHost: dapr-dev-redis-master:6379``,
    ``brokers: kafka-0:9092,...``, ``connectionString: ...``), or None: a setting not named like an address, a
    template, a local address (``localhost:6379``: a developer's machine)."""
    if not key or not _key_names_address(key) or "{{" in value or "$" in value:
        return None
    rest = value.partition("://")[2] if "://" in value else value.split(",")[0]
    m = _URL_HOST.match(rest.strip())
    host = m.group(1).lower() if m else ""
    if not host or host in ("localhost", "127.0.0.1", "0.0.0.0") or not re.search(r"[a-z]", host):
        return None
    return host


class _DaprUse:
    """What apps reach through their Dapr sidecars, gathered as the scan reads each file and settled
    once: the backing service of each Dapr component (a pub/sub broker, a state store, a binding's
    target) for the apps whose code names the component (``PublishEventAsync("pubsub", ...)``,
    ``[Topic("pubsub", ...)]``, a constant), else those its ``scopes`` list; and the apps they invoke
    by app-id (``InvokeMethodAsync(..., "catalog-api", ...)``, ``/v1.0/invoke/catalog-api/method``).
    Only code that mentions Dapr is kept for them."""

    def __init__(self) -> None:
        self.components: list[tuple[str, str, list[str], list[str], str, list[str]]] = []
        self.sources: dict[str, list[tuple[str, str]]] = {}  # app -> [(file, text)] of its code mentioning Dapr

    def read(self, text: str, rel: str, is_src: bool, owners: list[str], host_map) -> None:
        if is_src:
            if owners and ("dapr" in text or "Dapr" in text or "DAPR" in text):  # substring tests: no regex per file
                for owner in owners:
                    self.sources.setdefault(owner, []).append((rel, text))
        elif rel.lower().endswith((".yaml", ".yml")):
            self.components += _dapr_components(text, rel, host_map)

    def settle(self, found: Found, inv, review: Review, host_map) -> None:
        # the component files shaped like Kubernetes objects, which the scan does not read
        for f in inv.files:
            if f.role not in _DAPR_COMPONENT_ROLES or not f.rel.lower().endswith((".yaml", ".yml")) or _is_test(f.rel):
                continue
            try:
                if f.path.stat().st_size > MAX_CONFIG_BYTES:
                    continue
                self.components += _dapr_components(f.path.read_text("utf-8", "replace"), f.rel, host_map)
            except OSError:
                continue
        for name, typ, targets, scopes, where, elsewhere in self.components:
            if elsewhere:
                self._not_deployed(found, host_map, name, typ, scopes, where, elsewhere)
            else:
                self._component_calls(found, review, host_map, name, typ, targets, scopes, where)
        for app, srcs in self.sources.items():
            for rel, text in srcs:
                for m in _DAPR_INVOKE.finditer(text):
                    app_id = m.group(1) or m.group(2) or m.group(3)
                    k = _known(app_id, host_map)
                    for t in (k[1] if k else ()):
                        if t == app or t not in review.components:
                            continue
                        kind, word = dependency_type(review.components[t])
                        line = text.count("\n", 0, m.start()) + 1
                        # the line the string scan took for a weak literal is this call
                        found.edges[(app, t)] = [x for x in found.edges.get((app, t), [])
                                                 if not (x.file == rel and x.line == line)]
                        found.note((app, t), Seen(rel, line, f"Dapr service invocation of app-id {app_id} ({word})",
                                                  "config", kind))

    def _not_deployed(self, found: Found, host_map, name: str, typ: str, scopes: list[str], where: str,
                      elsewhere: list[str]) -> None:
        """A component whose backing service (a state store's Redis) no file read deploys: installed apart (a
        Helm chart of someone else's, a managed service), and still what its apps need. Said, with the apps
        that use it, not dropped: the review has no component for it (the import adds none here)."""
        kind = _DAPR_KINDS.get(typ.split(".")[0])
        if kind is None:
            return
        users = self._users(host_map, name, kind, scopes)[0]
        who = ("; ".join(f"{app} uses it ({how})" for app, how in sorted(users.items())) if users
               else "no app's code read here names it")
        found.skipped.append(
            f"{where}: Dapr {typ} component {name} names {', '.join(elsewhere)}, which no file read deploys: the "
            f"review has no component for it and no dependency on it; {who}. Add it by hand (confirm where it "
            "runs, its replicas and recovery)")

    def _component_calls(self, found: Found, review: Review, host_map, name: str, typ: str, targets: list[str],
                         scopes: list[str], where: str) -> None:
        kind = _DAPR_KINDS.get(typ.split(".")[0])
        if kind is None:
            return  # a secret store, a name resolver...: nothing an outage of takes down at run time
        users, reads_only, publishers = self._users(host_map, name, kind, scopes)
        file, _, line = where.rpartition(":")
        for app, how in users.items():
            # publishing through a pub/sub component is a call to its broker; only subscribing reads work from it
            use, word = (broker_use(reads_only=app in reads_only, publishes=app in publishers) if kind == "broker"
                         else (kind, "call"))
            for t in targets:
                if t == app or t not in review.components or app not in review.components:
                    continue
                found.note((app, t), Seen(file, int(line), f"Dapr {typ} component {name} ({how}) ({word})",
                                          "config", use))

    def _users(self, host_map, name: str, kind: str, scopes: list[str]) -> tuple[dict[str, str], set[str], set[str]]:
        """The apps that use the component ``name``: those whose code names it, else those its ``scopes`` list;
        with, for a pub/sub component, the apps that only subscribe and those that publish."""
        users: dict[str, str] = {}
        reads_only: set[str] = set()  # apps whose code only subscribes to a pub/sub component
        quoted = re.compile(r"""["'`]""" + re.escape(name) + r"""["'`]""")
        publishers: set[str] = set()  # apps whose code publishes through it
        for app, srcs in self.sources.items():
            publishes = subscribes = False
            for rel, text in srcs:
                for m in quoted.finditer(text):
                    users.setdefault(app, f"{app}'s code names it at {rel}:{text.count(chr(10), 0, m.start()) + 1}")
                    if kind != "broker":
                        break
                    end = text.find("\n", m.end())
                    code = text[text.rfind("\n", 0, m.start()) + 1:end if end >= 0 else len(text)]
                    publishes = publishes or bool(_DAPR_PUBLISH.search(code))
                    subscribes = subscribes or bool(_DAPR_SUBSCRIBE.search(code))
                if app in users and kind != "broker":
                    break
            if kind == "broker" and app in users and not publishes:
                # the component named by a constant: a publish call anywhere in its Dapr code
                publishes = any(_DAPR_PUBLISH_CALL.search(text) for _rel, text in srcs)
            if subscribes and not publishes:
                reads_only.add(app)
            elif publishes:
                publishers.add(app)
        if not users:
            for s in scopes:
                k = _known(s, host_map)
                for app in (k[1] if k else ()):
                    users.setdefault(app, f"its scopes list {s}")
        return users, reads_only, publishers


def _used_by_libraries(hits, keys: dict[int, str], builds: dict[str, str], not_used: dict[str, int]):
    """The hits of a configuration repository's shared file (handed to every service) that each service
    uses: a setting only a library reads (``security.oauth2.*``, ``spring.rabbitmq.*``) is not a
    service's dependency where its build file is here and names no such library."""
    out = []
    for targets, seen, owner in hits:
        words = spring_library(keys.get(seen.line, ""))
        build = builds.get(owner)
        if words and build is not None and not any(w in build for w in words):
            key = f"{owner} ({keys[seen.line]})"
            not_used[key] = not_used.get(key, 0) + 1
            continue
        out.append((targets, seen, owner))
    return out


class _CallSettings:
    """What each service's code and configuration say of its calls' time limits, retries and
    breakers, gathered file by file and settled once every file is read (a setting and the code it
    applies to may sit in any order)."""

    def __init__(self) -> None:
        self.limits: dict[str, list] = {}  # service -> its time limiter settings (time_limiter_settings)
        self.breakers: dict[tuple[str, str], str] = {}  # (service, target) -> its gateway route's breaker
        self.r4j: dict[str, list] = {}  # service -> its resilience4j.* settings
        self.annotated: list[tuple[str, list[str], tuple]] = []  # (service, the file's targets, annotation)
        self.spring: dict[str, list] = {}  # service -> its feign.* and hystrix.* settings
        self.feigns: dict[tuple[str, str], tuple[str, str]] = {}  # (service, target) -> (client name, "file:line")
        self.go: dict[str, list] = {}  # service -> its Go gRPC clients and their timeouts (go_client_timeouts)
        self.go_src: dict[str, list] = {}  # service -> its Go files making or calling gRPC clients (_go_fallbacks)
        self.grpc: dict[str, list] = {}  # service -> the gRPC clients its code makes (grpc_clients)
        self.fallbacks: list[tuple[str, str, str, str]] = []  # (service, client, fallback, where): breaker_fallbacks
        self.http_defaults: list[tuple[list[str], dict]] = []  # (the file's services, dotnet_resilience)
        self.service_defaults: dict[str, str] = {}  # service -> "file:line" of its AddServiceDefaults() call
        self.client_urls: list[tuple[str, str, str, str, str]] = []  # (service, url, client, fallback, where)
        self.url_configs: dict[str, list[tuple[str, str]]] = {}  # service -> its configuration files with a URL
        self.mp_clients: list[tuple[str, tuple]] = []  # (service, microprofile_clients) of its REST clients
        self.mp_configs: dict[str, list[tuple[str, str]]] = {}  # service -> its files naming a REST client's URL

    def dotnet(self, text: str, rel: str, owners: list[str]) -> None:
        """A C# file: the standard resilience handler it puts on every HttpClient, and the services that
        call ``AddServiceDefaults()`` (the shared project that does so, in .NET Aspire's templates)."""
        if "AddStandardResilienceHandler" in text:
            pol = dotnet_resilience(text, rel)
            if pol is not None:
                self.http_defaults.append((owners, pol))
        m = re.search(r"\.AddServiceDefaults\s*\(", text)
        if m:
            for owner in owners:
                self.service_defaults.setdefault(owner, f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")

    def settle_dotnet(self, found: Found, review: Review) -> None:
        """The handler applies to the HTTP calls of the services whose own code sets it, or that call
        ``AddServiceDefaults()`` where one shared file (no service's own) sets it: calls to services,
        gateways, identity providers and outside APIs, not to datastores, caches or queues (their
        clients are no HttpClient)."""
        shared = [pol for owners, pol in self.http_defaults if not owners]
        per: dict[str, tuple[dict, str]] = {}
        for owners, pol in self.http_defaults:
            for o in owners:
                per[o] = (pol, "")
        if len(shared) == 1:
            for o, where in self.service_defaults.items():
                per.setdefault(o, (shared[0], f" (it calls AddServiceDefaults() at {where})"))
        if not per:
            return
        calls = {(d.source, d.target) for d in review.dependencies.values()} | set(found.edges)
        for src, tgt in sorted(calls):
            target = review.components.get(tgt)
            if src not in per or target is None or target.kind in ("datastore", "cache", "queue"):
                continue
            pol, how = per[src]
            mine = found.policies.setdefault((src, tgt), {})
            for field_name, (value, line) in pol.items():
                mine.setdefault(field_name, (value, line + how))

    def read(self, found: Found, text: str, rel: str, is_src: bool, owner: str, hits, host_map, review,
             spring: bool = False) -> None:
        """One file of ``owner``'s (``spring``: a Spring configuration file, by its name or as a config
        server's file for the service)."""
        if ("TimeLimiterConfig" in text or "timeoutDuration" in text) if is_src else "resilience4j" in text:
            self.limits.setdefault(owner, []).extend(time_limiter_settings(text, rel, is_src, spring=spring))
        if "resilience4j" in text:
            if is_src:
                named = sorted({t for targets, _seen in hits for t in targets})
                self.annotated.extend((owner, named, a) for a in resilience4j_annotations(text, rel))
            else:
                self.r4j.setdefault(owner, []).extend(resilience4j_config(text, rel, spring=spring))
        if is_src and rel.endswith(".go") and "Client(" in text:
            self.go.setdefault(owner, []).extend(go_client_timeouts(text, rel))
        if is_src and rel.endswith(".go") and "err" in text:
            self.go_src.setdefault(owner, []).append((text, rel))
        if is_src and ("Client" in text or "Stub" in text):
            self.grpc.setdefault(owner, []).extend(grpc_clients(text, rel))
        if is_src and rel.endswith((".java", ".kt")):
            for client, fallback, where in breaker_fallbacks(text, rel):
                self.fallbacks.append((owner, client, fallback, where))
        if is_src and "FeignClient" in text:
            _feign_clients(found, text, rel, owner, host_map, review, self.feigns)
            self.client_urls.extend((owner, *c) for c in feign_client_urls(text, rel))
        elif not is_src and any(w in text for w in ("feign", "hystrix", "zuul", "ribbon")):
            self.spring.setdefault(owner, []).extend(
                x for w in ("feign", "hystrix", "zuul", "ribbon") for x in spring_config(text, rel, w, spring=spring))
        if not is_src and "://" in text and rel.lower().endswith((".yml", ".yaml", ".properties")):
            self.url_configs.setdefault(owner, []).append((text, rel))  # a client's URL property (_client_url_calls)
        if is_src and "RegisterRestClient" in text and rel.endswith((".java", ".kt")):
            self.mp_clients.extend((owner, c) for c in microprofile_clients(text, rel))
        elif not is_src and ("mp-rest" in text or "rest-client" in text) \
                and rel.lower().endswith((".yml", ".yaml", ".properties")):
            self.mp_configs.setdefault(owner, []).append((text, rel))

    def settle(self, found: Found, host_map, review: Review, address_vars=None) -> None:
        _client_url_calls(found, self.client_urls, self.url_configs, host_map)
        _microprofile_calls(found, self.mp_clients, self.mp_configs, host_map, address_vars or {}, review)
        _grpc_calls(found, self.grpc, host_map, review)
        _breaker_fallbacks(found, self.fallbacks, host_map)
        _go_timeouts(found, self.go, host_map)
        _go_fallbacks(found, self.go_src, host_map)
        for owner, config in self.spring.items():
            _zuul_routes(found, owner, zuul_routes(config), host_map, review)
        _time_limits(found, self.breakers, self.limits)
        _annotated_calls(found, self.annotated, self.limits, self.r4j, host_map)
        for (owner, t), (name, where) in self.feigns.items():
            pol = feign_policy(self.spring.get(owner, ()), name, where)
            # behind a circuit breaker, the breaker's time limiter (where one is stated for all) may give up first
            limit = time_limit(self.limits.get(owner, ()), None) if "circuit_breaker" in pol else None
            if limit is not None and limit[0] < pol["timeout_ms"][0]:
                pol["timeout_ms"] = (limit[0], f"{limit[1]} (the circuit breaker on {owner}'s Feign calls to {t})")
            mine = found.policies.setdefault((owner, t), {})
            for field_name, value in pol.items():
                mine.setdefault(field_name, value)


#: a property that is an HTTP client's URL by its framework's convention: OpenFeign's
#: ``spring.cloud.openfeign.client.config.<client>.url`` (``feign.client.config.<client>.url``), Quarkus'
#: ``quarkus.rest-client.<client>.url``, MicroProfile's ``<client>/mp-rest/url``
_CLIENT_URL_KEY = re.compile(r"(?i)^(?:(?:spring\.cloud\.openfeign|feign)\.client\.config\.(.+)\.url|"
                             r"quarkus\.rest-client\.(.+)\.(?:url|uri)|(.+)/mp-rest/(?:url|uri))$")
_URL_IN_LINE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'`,;]+")


def _client_url_calls(found: Found, clients: list, configs: dict[str, list[tuple[str, str]]], host_map) -> None:
    """The outside APIs a service's HTTP clients are configured to call: a Feign client declared with a property's
    URL (``@FeignClient(url = "${rates.url}")``, and ``rates.url: https://exchangeratesapi.io/api`` in the
    service's configuration, a config server's file included) or with a URL as written, and a client's URL
    property by its framework's convention (:data:`_CLIENT_URL_KEY`). A URL naming a service of the project is
    found by the URL itself, as any URL in configuration; this adds the outside ones (repository.py adds their
    component). A fallback the client has is said, not taken for the dependency's."""
    def norm(key: str) -> str:  # Spring's relaxed binding: rates.url, rates-url and ratesUrl are one property
        return re.sub(r"[^a-z0-9.]", "", key.lower())

    def note(owner: str, url: str, file: str, line: int, how: str) -> None:
        refs = host_refs(url, bare_ok=False)
        host = _outside(url) if refs and not _known(refs[0].host, host_map) else None
        if host:
            found.note((owner, OUTSIDE + host), Seen(file, line, f"{how}: {_clip(url)} (outside API)", "config",
                                                     "hard"), per_line=False)

    keyed: dict[str, list[tuple[str, int, str, str]]] = {}  # service -> (file, line, key, URL) of its configuration
    for owner, files in configs.items():
        for text, rel in files:
            lines = text.split("\n")
            for line, key in spring_keys_by_line(text, rel).items():
                m = _URL_IN_LINE.search(lines[line - 1]) if 0 < line <= len(lines) else None
                if m:
                    keyed.setdefault(owner, []).append((rel, line, key, m.group(0)))
                    c = _CLIENT_URL_KEY.match(key)
                    if c:
                        name = next(g for g in c.groups() if g)
                        note(owner, m.group(0), rel, line, f"{key}, the URL of {owner}'s HTTP client {name}")
    for owner, url, name, fallback, where in clients:
        file, _, line = where.rpartition(":")
        also = f"; its fallback {fallback} answers when the call fails" if fallback else ""
        client = f"{owner}'s Feign client {name or '(unnamed)'} ({where}{also})"
        if url.startswith("${"):
            prop, _, default = url[2:].rstrip("}").partition(":")
            hit = [x for x in keyed.get(owner, ()) if norm(x[2]) == norm(prop)]
            for rel, n, key, value in hit:
                note(owner, value, rel, n, f"{key}, the URL of {client}")
            if not hit and "://" in default:
                note(owner, default, file, int(line), f"the default URL of {client}")
        elif "://" in url:
            note(owner, url, file, int(line), f"the URL of {client}")


#: a line of a ``.properties`` file: its key and value (a MicroProfile key holds "/": ``customerClient/mp-rest/url``)
_PROPERTY = re.compile(r"^[ \t]*([^#!\s=:][^=:\s]*)[ \t]*[=:][ \t]*(.*?)[ \t]*$", re.MULTILINE)
#: a configuration placeholder, with or without a default: ``${ACMEAIR_STACKAA_CUSTOMER_URL}``, ``${X:http://a}``
_ANY_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.\-]{1,100})(?::-?([^{}$\n]{0,200}))?\}")


def _rest_client_urls(configs: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """A service's REST clients' URL properties: the client's key (its ``configKey`` or its class's name) ->
    (the value as written, "file:line"), from MicroProfile's ``<client>/mp-rest/url`` and Quarkus'
    ``quarkus.rest-client.<client>.url`` (``uri`` too), in ``.properties`` or YAML."""
    out: dict[str, tuple[str, str]] = {}
    for text, rel in configs:
        if rel.lower().endswith(".properties"):
            pairs = [(text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)) for m in _PROPERTY.finditer(text)]
        else:
            lines = text.split("\n")
            pairs = [(n, key, lines[n - 1].partition(":")[2].strip()) for n, key in spring_keys_by_line(text, rel).items()
                     if 0 < n <= len(lines)]
        for n, key, value in pairs:
            key = key.replace('"', "")
            m = re.fullmatch(r"(?:(.+)/mp-rest/(?:url|uri)|quarkus\.rest-client\.(.+)\.(?:url|uri))", key)
            if m:
                out.setdefault(m.group(1) or m.group(2), (value.strip("\"'"), f"{rel}:{n}"))
    return out


def _url_targets(value: str, host_map, address_vars) -> set[str]:
    """The components a configured URL names: its host, or a placeholder's variable that the deployment sets to
    a component's address (``${ACMEAIR_STACKAA_CUSTOMER_URL}``), or its default's host."""
    out: set[str] = set()
    for m in _ANY_PLACEHOLDER.finditer(value):
        if m.group(1) in address_vars:
            out.update(address_vars[m.group(1)])
        elif m.group(2):
            out |= _url_targets(m.group(2), host_map, address_vars)
    rest = _ANY_PLACEHOLDER.sub("", value)
    if "://" in rest:
        h = _URL_HOST.match(rest.partition("://")[2])
        k = _known(h.group(1), host_map) if h else None
        out.update(k[1] if k else ())
    return out


def _microprofile_calls(found: Found, clients: list, configs: dict, host_map, address_vars, review: Review) -> None:
    """What MicroProfile Fault Tolerance's annotations on a service's REST client interfaces say of its calls
    (:func:`microprofile_policy`): given to the calls to the one component the client's URL names (its
    ``baseUri``, or its ``configKey``'s ``mp-rest/url`` in the service's configuration, or a variable the
    deployment sets there); a client whose URL names none, or several, is tied to no call. Several clients of one
    component: a timeout or a breaker only where every client has one (the longest timeout), the most retries."""
    per: dict[tuple[str, str], list[dict]] = {}
    for owner, (key, fqcn, base, methods, where) in clients:
        urls = _rest_client_urls(configs.get(owner, ()))
        said = urls.get(key) or urls.get(fqcn) or urls.get(fqcn.rsplit(".", 1)[-1]) if (key or fqcn) else None
        value = said[0] if said else base
        targets = {t for t in _url_targets(value or "", host_map, address_vars)
                   if t != owner and t in review.components}
        if len(targets) != 1:
            continue
        t = targets.pop()
        via = f"{said[1]}: {_clip(value, 80)}" if said else f"baseUri {_clip(value, 80)}"
        per.setdefault((owner, t), []).append(microprofile_policy(fqcn.rsplit(".", 1)[-1], methods, where, owner, t,
                                                                  via))
    for (owner, t), pols in per.items():
        merged: dict = {}
        if all("timeout_ms" in p for p in pols):
            merged["timeout_ms"] = max((p["timeout_ms"] for p in pols), key=lambda v: v[0])
        if all("circuit_breaker" in p for p in pols):
            merged["circuit_breaker"] = pols[0]["circuit_breaker"]
        retried = [p for p in pols if "retries" in p]
        if retried:
            most = max(retried, key=lambda p: p["retries"][0])
            merged["retries"] = most["retries"]
            merged["backoff"] = (all(p["backoff"][0] for p in retried), most["backoff"][1])
        mine = found.policies.setdefault((owner, t), {})
        for field_name, value in merged.items():
            mine.setdefault(field_name, value)  # a gateway's filter, read from its configuration, comes first


def _calls(found: Found, owner: str, targets, policy: dict) -> None:
    """``owner``'s calls to each of ``targets`` (components) follow ``policy`` (``call_policies``)."""
    for t in targets:
        if t != owner:
            found.policies.setdefault((owner, t), {}).update(policy)


def _gateway_policies(found: Found, text: str, rel: str, owner: str, host_map, breakers: dict) -> None:
    """What the Spring Cloud Gateway configured in ``text`` (the component ``owner``'s) applies to
    its calls, by the known component each route's ``uri`` names; the circuit breaker each route's
    calls go through goes into ``breakers``, by (owner, target)."""
    for uri, pol, breaker in spring_gateway_policies(text, rel):
        _scheme, sep, rest = uri.partition("://")
        m = _URL_HOST.match(rest) if sep else None
        k = _known(m.group(1), host_map) if m else None
        _calls(found, owner, k[1] if k else (), pol)
        for t in (k[1] if k and breaker is not None else ()):
            if t != owner:
                breakers[(owner, t)] = breaker


def _by_service_name(host_map) -> dict[str, list[str]]:
    """Known hosts by their letters and digits alone (``ad-service`` is ``adservice``)."""
    flat: dict[str, list[str]] = {}
    for h, ids in host_map.items():
        flat.setdefault(re.sub(r"[^a-z0-9]", "", h), ids)
    return flat


def _service_targets(name: str, flat: dict[str, list[str]]) -> list[str]:
    """The components a gRPC service name is (``AdService``: ``adservice``, else ``ad``; ``Search``:
    ``search``, else ``searchservice``, else ``search-api``)."""
    key = name.lower()
    return flat.get(key) or (flat.get(key[:-len("service")]) if key.endswith("service") else None) \
        or flat.get(key + "service") or flat.get(key + "api") or []


def _grpc_calls(found: Found, clients: dict, host_map, review: Review) -> None:
    """A service whose code makes a gRPC client of another component's service calls it: the client
    is generated from that service's definition, so its name says which (``search.NewSearchClient``
    is the client of the component named ``search``, wherever discovery says it runs). As strong
    as a URL in the configuration."""
    flat = _by_service_name(host_map)
    for owner, made in clients.items():
        for name, where, form in made:
            for t in _service_targets(name, flat):
                if t == owner or t not in review.components:
                    continue
                kind, word = dependency_type(review.components[t])
                file, _, line = where.rpartition(":")
                found.note((owner, t), Seen(file, int(line), f"gRPC client {form}: {owner}'s code calls the service "
                                                             f"of {t} ({word})", "config", kind), per_line=False)


def _breaker_fallbacks(found: Found, fallbacks: list, host_map) -> None:
    """A call wrapped in a circuit breaker's ``run(call, fallback)``: its breaker and its fallback said in the
    evidence of the call to the component the client is named after (``visitsServiceClient``:
    visits-service). Whether the fallback's answer is a degraded one is in the code: it is named, not
    taken for the dependency's fallback."""
    flat = _by_service_name(host_map)
    for owner, client, fallback, where in fallbacks:
        for t in _service_targets(client, flat) or _service_targets(client + "service", flat):
            if t == owner or (owner, t) not in found.edges:
                continue
            file, _, line = where.rpartition(":")
            s = Seen(file, int(line), f"a circuit breaker's run(...) wraps {owner}'s call through {client}, with the "
                                      f"fallback {fallback} (what it answers is in the code; state it as the "
                                      "dependency's fallback if it is a degraded answer)", "config", found.edges[(owner, t)][0].kind)
            found.edges[(owner, t)].append(s)
            found.policies.setdefault((owner, t), {}).setdefault(
                "circuit_breaker", (True, f"{where}: a circuit breaker's run(...) around {owner}'s calls through {client}"))


def _go_timeouts(found: Found, clients: dict, host_map) -> None:
    """A Go service's gRPC client of a component (``pb.NewAdServiceClient``: the component named
    ``adservice``, or ``ad`` with the ``Service`` left off) gives its calls a timeout where every
    function that makes that client bounds its context with one: the longest of them (a call
    site without one may wait for ever)."""
    flat = _by_service_name(host_map)
    for owner, found_clients in clients.items():
        per_target: dict[str, list[tuple[str, int | None, str]]] = {}
        for name, ms, where in found_clients:
            for t in _service_targets(name, flat):
                if t != owner:
                    per_target.setdefault(t, []).append((name, ms, where))
        for t, sites in per_target.items():
            if any(ms is None for _n, ms, _w in sites):
                continue
            name, ms, where = max(sites, key=lambda x: x[1])
            line = (f"{where}: {owner}'s calls to {t} (its Go gRPC client, New{name}Client) time out after {ms} ms"
                    + (f" (the longest of {len(sites)} call sites)" if len(sites) > 1 else ""))
            found.policies.setdefault((owner, t), {}).setdefault("timeout_ms", (ms, line))


def _go_fallbacks(found: Found, sources: dict, host_map) -> None:
    """A Go service that carries on when its call to a component fails, at every call site (the error
    discarded or only logged: Online Boutique's frontend renders the page without its ads and
    recommendations, its checkout completes the order when the confirmation mail fails): said in the call's
    evidence as a fallback in code, which the analysis asks to confirm first; not taken for the
    dependency's fallback (what the page or order is without it is the reviewer's to judge)."""
    flat = _by_service_name(host_map)
    for owner, files in sources.items():
        funcs: dict[str, set[str]] = {}
        for text, rel in files:
            for fn, clients in go_client_funcs(text, rel).items():
                funcs.setdefault(fn, set()).update(clients)
        if not funcs:
            continue
        sites: dict[str, list[tuple[str, bool]]] = {}
        for text, rel in files:
            for fn, where, goes_on in go_call_sites(text, rel, set(funcs)):
                sites.setdefault(fn, []).append((where, goes_on))
        per_target: dict[str, list[tuple[str, str, bool]]] = {}
        for fn, clients in funcs.items():
            for name in clients:
                for t in _service_targets(name, flat):
                    if t != owner:
                        per_target.setdefault(t, []).extend((fn, w, g) for w, g in sites.get(fn, ()))
        for t, calls in per_target.items():
            if not calls or not all(g for _fn, _w, g in calls) or (owner, t) not in found.edges:
                continue
            fn, where, _g = calls[0]
            file, _, line = where.rpartition(":")
            more = f" (and {len(calls) - 1} more call site{'s' if len(calls) > 2 else ''})" if len(calls) > 1 else ""
            found.edges[(owner, t)].append(Seen(
                file, int(line), f"{owner}'s code goes on when {fn} (its call to {t}) fails, at every call site: "
                                 f"the error is logged or discarded{more}: a fallback in code, not taken for the "
                                 "dependency's (state the call soft if what the caller serves without it is enough)",
                "config", found.edges[(owner, t)][0].kind))


def _time_limits(found: Found, breakers: dict, limits: dict) -> None:
    """A gateway route's circuit breaker times its calls out after its Resilience4j time limiter's
    duration (``limits``: :func:`time_limiter_settings` by service): that is the calls' timeout,
    unless the route's own response timeout is shorter."""
    for (owner, t), breaker in breakers.items():
        limit = time_limit(limits.get(owner, ()), breaker)
        if limit is None:
            pol = found.policies.get((owner, t), {})
            if "circuit_breaker" in pol and "timeout_ms" not in pol and not any(
                    scope == "disabled" for scope, _ms, _line in limits.get(owner, ())):
                value, line = pol["circuit_breaker"]
                pol["circuit_breaker"] = (value, f"{line}. Its time limiter is configured nowhere in the repository: "
                                                 "Resilience4j's default is 1 s, unless a config server sets another "
                                                 "(state the timeout)")
            continue
        ms, line = limit
        pol = found.policies.setdefault((owner, t), {})
        current = pol.get("timeout_ms")
        if current is None or ms < current[0]:
            pol["timeout_ms"] = (ms, f"{line} (the circuit breaker {breaker or 'of the route'} on {owner}'s calls "
                                     f"to {t})")


def _envoy_policies(found: Found, text: str, rel: str, owner: str, host_map) -> None:
    """What the Envoy configuration in ``text`` (the component ``owner``'s: a front proxy) applies
    to its calls, by the known component each cluster's endpoints name (or, where an endpoint is a
    placeholder filled in at start-up, ``${FRONTEND_HOST}``, the cluster's own name)."""
    for name, addresses, pol in envoy_policies(text, rel):
        known = [k for k in (_known(a, host_map) for a in addresses) if k]
        if not known and (not addresses or any("${" in a or "{{" in a for a in addresses)):
            k = _known(name, host_map)
            known = [k] if k else []
        for _host, ids in known:
            _calls(found, owner, ids, pol)


def _feign_clients(found: Found, text: str, rel: str, owner: str, host_map, review: Review, feigns: dict) -> None:
    """A Spring Cloud OpenFeign client (``@FeignClient(name = "customers-service")``) calls the
    service it names through discovery: a dependency as plain as a URL in the configuration,
    with its fallback class named."""
    for name, fallback, where in feign_clients(text, rel):
        k = _known(name, host_map)
        for t in (k[1] if k else ()):
            if t == owner or t not in review.components:
                continue
            kind, word = dependency_type(review.components[t])
            file, _, line = where.rpartition(":")
            what = (f"@FeignClient({name}): a Feign client of {t}" + (
                f"; its fallback {fallback} answers when the call fails (what it returns is not said here)"
                if fallback else "") + f" ({word})")
            found.note((owner, t), Seen(file, int(line), what, "config", kind), per_line=False)
            feigns.setdefault((owner, t), (name, where))


def _zuul_routes(found: Found, owner: str, routes, host_map, review: Review) -> None:
    """A Netflix Zuul gateway's routes (:func:`zuul_routes`): a route to a service id is a call to the
    component of that name through discovery, as plain as a URL in the configuration; a route to a
    URL is found by the URL itself. Each gets the route's policy."""
    for how, target, pol, where in routes:
        if how == "url":
            _scheme, _sep, rest = target.partition("://")
            m = _URL_HOST.match(rest)
            k = _known(m.group(1), host_map) if m else None
        else:
            k = _known(target, host_map)
        for t in (k[1] if k else ()):
            if t == owner or t not in review.components:
                continue
            if how == "service":
                kind, word = dependency_type(review.components[t])
                file, _, line = where.rpartition(":")
                found.note((owner, t), Seen(file, int(line), f"Zuul route to service {target} through discovery "
                                                             f"({word})", "config", kind), per_line=False)
            mine = found.policies.setdefault((owner, t), {})
            for field_name, value in pol.items():
                mine.setdefault(field_name, value)


def _annotated_calls(found: Found, annotated: list, limits: dict, r4j_config: dict, host_map) -> None:
    """The policies of Resilience4j annotations in a service's code: on its calls to the component
    the annotation's instance is named after (``@CircuitBreaker(name = "inventoryService")``),
    else to the one component the annotated file names; an annotation in a file that names
    several, and is named after none, is not tied to a call."""
    flat = _by_service_name(host_map)
    for owner, named, (kind, name, fallback, where) in annotated:
        k = _known(name, host_map) if name else None
        targets = k[1] if k else flat.get(re.sub(r"[^a-z0-9]", "", name.lower())) if name else None
        targets = [t for t in (targets or named) if t != owner]
        if len(targets) != 1:
            continue
        pol = annotation_policy(kind, name, fallback, where, owner, targets[0], limits.get(owner, ()),
                                r4j_config.get(owner, ()))
        mine = found.policies.setdefault((owner, targets[0]), {})
        for field_name, value in pol.items():
            mine.setdefault(field_name, value)  # a gateway's filter, read from its configuration, comes first


#: after a scheme's ``//``: the user information runs to the last ``@`` before the path (a password may hold
#: an ``@``: ``postgres://u:P@ssw0rd@postgres``, as graph._URL_HOST reads it), then the host
_URL_HOST = re.compile(r"(?:[^/\s\"'<>]*@)?\[?([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_PORT = re.compile(r":\d{1,5}(?![0-9])")
_KEYED_VALUE = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:[A-Za-z0-9_.-]*[._-])?(?:host|hostname|hosts|address|addr|server|servers|endpoint|"
    r"endpoints|url|uri|upstream|backend|target|targets|broker|brokers|dsn|nodes|contact-points|"
    r"bootstrap-servers)[\"']?[ \t]*[:=][ \t]*\[?[ \t]*[\"']?([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_NGINX_VALUE = re.compile(r"(?<![A-Za-z0-9_])(?:server|proxy_pass|grpc_pass|uwsgi_pass|fastcgi_pass)[ \t]+"
                          r"([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_VAR_TOKEN = re.compile(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
#: an environment variable read in code: ``os.getenv("CART_HOST"``, ``os.environ.get(``, ``os.environ[``,
#: ``process.env.CART_HOST``, ``process.env["CART_HOST"]``, ``System.getenv("CART_HOST")``, PHP's
#: ``getenv('CART_HOST')``, Ruby's ``ENV['CART_HOST']`` / ``ENV.fetch(``, .NET's
#: ``GetEnvironmentVariable("CART_HOST")``, a Go ``getEnv("CART_HOST"`` helper
_ENV_READ = re.compile(r"""(?:\b(?:getenv|get_env|getEnv|GetEnv|getEnvOrDefault|GetEnvOrDefault|GetEnvironmentVariable|"""
                       r"""environ\.get|environ|fetch)\s*[(\[]\s*["']|\bENV\s*\[\s*["']|process\.env\.|"""
                       r"""process\.env\s*\[\s*["'])([A-Z][A-Z0-9_]*)\b""")
#: a constant of an enum of the system's services, ``Service.PERSISTENCE`` (not a call's text)
_SERVICE_CONSTANT = re.compile(r"\bServices?\.([A-Z][A-Z0-9_]{2,})\b(?!\s*\()")
_QUOTED_ANY = re.compile(r"[\"'`]([A-Za-z0-9][A-Za-z0-9_.-]{0,252})[\"'`]")
_QUOTED_URL = re.compile(r"[\"'`](https?://[^\"'`\s]{3,300})[\"'`]")
#: the prefix of an outside API's host among the targets of a hit (the import adds its component)
OUTSIDE = "outside:"
_QUOTED = re.compile(r"[\"'`]([A-Za-z0-9][A-Za-z0-9_.-]{2,62})[\"'`]")


#: ``${NAME:default}`` (Spring, Quarkus) and ``${NAME:-default}`` (shell, Compose); the default is kept
_PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9_.\-]{1,100}:-?([^{}$\n]{0,200})\}")
#: a placeholder whose default is a plain host name: ``@Value("${catalog.service.host:catalog}")``
_PLACEHOLDER_HOST = re.compile(r"\$\{([A-Za-z0-9_.\-]{1,100}):-?([A-Za-z0-9][A-Za-z0-9_.-]{0,252})\}")
#: a discovery client asked for an instance of a service by its id: Spring Cloud's
#: ``loadBalancer.choose("CATALOG")`` (``LoadBalancerClient``, Ribbon), ``discoveryClient.getInstances("catalog")``,
#: Eureka's ``eurekaClient.getNextServerFromEureka("CATALOG", false)``; the receiver's name says it is such a client
_DISCOVERY_CALL = re.compile(
    r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*(choose|getInstances|getNextServerFromEureka|getInstancesByVipAddress)"
    r"\s*\(\s*[\"']([A-Za-z0-9][A-Za-z0-9_.-]{0,252})[\"']")
_DISCOVERY_RECEIVER = re.compile(r"(?i)balancer|discovery|eureka|ribbon|^lb(?:client)?$")


def _key_names_address(key: str) -> bool:
    """Whether a placeholder's key names an address by its last words (``catalog.service.host``,
    ``CATALOG_HOST``, ``catalogUrl``), as an address variable's name does."""
    flat = re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)).strip("_").upper()
    return bool(ADDRESS_NAME.search(flat))


def _placeholder_default(m: re.Match) -> str:
    return m.group(1)


#: words too common in code to say, on their own or joined, that a string names a service: a quoted ``"db"``,
#: ``"web-api"`` or ``"redis-db"`` is as likely a table, a route, a driver or a key as the host of that name
_COMMON_WORDS = {"db", "database", "data", "sql", "cache", "web", "www", "api", "apis", "app", "apps", "application",
                 "server", "service", "services", "svc", "srv", "client", "host", "node", "main", "default", "base",
                 "core", "common", "backend", "frontend", "front", "back", "end", "ui", "admin", "auth", "user",
                 "users", "store", "queue", "mq", "broker", "bus", "worker", "proxy", "gateway", "gw", "lb", "edge",
                 "redis", "mysql", "postgres", "postgresql", "pg", "mongo", "mongodb", "kafka", "rabbit", "rabbitmq",
                 "nats", "memcached", "elastic", "elasticsearch", "search", "primary", "master", "replica", "slave",
                 "read", "write", "local", "dev", "test", "prod", "config", "http", "https", "grpc", "rest", "my",
                 "the", "new", "old", "v1", "v2", "v3", "init", "job", "jobs", "cron", "static", "assets", "files"}


def _distinctive(host: str) -> bool:
    """A name unlikely to be any other string in code: ``post-storage-service``, or a compound name with a word
    of the project's own (``yelb-db``: ``yelb`` is no common word), not ``redis``, ``web`` or ``web-api``. A
    quoted string that is exactly such a service name of the project names that service."""
    if "-" not in host and "_" not in host:
        return False  # one word ("orders", "cart", "redis"): a key, a table or a route as often as a host
    if len(host) >= 8:
        return True
    words = [w for w in re.split(r"[-_]+", host) if w]
    return len(host) >= 5 and any(len(w) >= 3 and not w.isdigit() and w not in _COMMON_WORDS for w in words)


#: the call a quoted string is the first argument of: ``OpenRedisConnection("redis"``, ``redis.createClient('cache'``
_CALL_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\([ \t]*$")
#: a call whose name says it connects: Connect, Connection, Open...Connection, Dial, NewClient, createClient
_CONNECTING = re.compile(r"(?i)connect|^dial|newclient|createclient")


def _connect_argument(text: str, quote: int) -> bool:
    """Is the string quoted at ``quote`` the first argument of a call that connects? Such a call's quoted
    project service name names that service even when the name alone is too common to count (``redis``:
    example-voting-app's worker calls ``OpenRedisConnection("redis")``)."""
    m = _CALL_BEFORE.search(text, max(text.rfind("\n", 0, quote) + 1, quote - 120), quote)
    return bool(m and _CONNECTING.search(m.group(1)))


#: the host of a connection string (a DSN): PDO's ``mysql:host=mysql;dbname=x``, ``pgsql:host=db``, ADO.NET's
#: ``Server=db;``, ``Host=db;``, ``Data Source=db``, libpq's ``host=db port=5432``; the key starts the string or
#: follows a ``;``, a ``:`` or a space, and the host ends at a ``;``, a quote, ``,1433`` or the next ``key=``
_DSN_HOST = re.compile(r"(?i)(?:(?<=[;:\"'`\s])|^)(?:host|hostname|hostaddr|server|data source|datasource|address|addr)"
                       r"[ \t]*=[ \t]*(?:tcp:)?([A-Za-z0-9_][A-Za-z0-9_.-]*)"
                       r"(?=[ \t]*(?:[;\"'`]|,[ \t]*\d|$)|[ \t]+[A-Za-z_]+[ \t]*=)", re.MULTILINE)
#: a variable (or key) a quoted literal is given to: ``amqpHost = "rabbitmq"``, ``DB_HOST := 'mysql'``,
#: ``host: 'redis'``, ``'host' => 'mysql'``, ``Redis(host='redis')``; not a comparison (``==``, ``!=``, ``<=``)
_ASSIGNED_TO = re.compile(r"""["']?([A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*(?::=|(?<![=!<>])=|=>|:)[ \t]*$""")
#: a variable's name that says it holds a host (its last word): ``amqpHost``, ``DB_HOST``, ``redis_server``
_HOST_WORD = re.compile(r"(?:^|_)(?:HOST|HOSTNAME|HOSTS|HOSTADDR|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT|BROKER|BROKERS|"
                        r"DSN)$")
#: an HTTP call whose first argument is the quoted URL that follows (``requests.get('https://...')``, ``fetch(``,
#: ``axios.post(``, ``http.Get(``, ``http.NewRequest("GET", ``, ``restTemplate.getForObject(``, ``GetAsync(``,
#: ``curl_init(``, OkHttp's ``.url(``, WebClient's ``.uri(`` / ``.baseUrl(``): the text before the URL, to its end
_HTTP_CALL = re.compile(
    r"(?:\b(?:get|post|put|patch|delete|head|request|fetch|urlopen|getForObject|getForEntity|postForObject|"
    r"postForEntity|postForLocation|exchange|GetAsync|PostAsync|PutAsync|PatchAsync|DeleteAsync|SendAsync|"
    r"GetStringAsync|GetByteArrayAsync|GetStreamAsync|GetFromJsonAsync|PostAsJsonAsync|PutAsJsonAsync|NewRequest|"
    r"NewRequestWithContext|PostForm|curl_init|file_get_contents|HttpGet|HttpPost|HttpPut|HttpDelete)|"
    r"\.(?:url|uri|baseUrl|BaseUrl))[ \t]*\([ \t]*(?:(?:[A-Za-z_][\w.]*|[\"'][A-Z]{3,7}[\"'])[ \t]*,[ \t]*){0,2}$",
    re.IGNORECASE)
#: a key that names the host of a mail (SMTP) server: Spring's ``spring.mail.host``, ``mail.smtp.host``,
#: ``SMTP_HOST``, Django's ``EMAIL_HOST``, Flask-Mail's ``MAIL_SERVER``, Rails' ``smtp_settings`` ``address``
_MAIL_KEY = re.compile(r"(?i)(?:^|[._-])(?:e?mail|smtp)(?:[._-][a-z0-9_-]+)*?[._-](?:host|hostname|server|address|"
                       r"smtp[._-]host)$|^(?:smtp|e?mail)[._-]?(?:host|hostname|server)$")
#: a line that sets a key to a plain value: ``host: smtp.gmail.com``, ``SMTP_HOST=smtp.gmail.com``,
#: ``EMAIL_HOST = 'smtp.gmail.com'``, ``"host": "smtp.gmail.com",``
_KEY_VALUE_LINE = re.compile(r"""^[ \t]*(?:export[ \t]+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*(?:=|:)[ \t]*"""
                             r"""["']?([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})["']?[ \t]*[,;]?[ \t]*$""", re.MULTILINE)
#: the ways a line names a host that say more than the line itself (an address variable's default, a connection
#: string, a variable named like an address, an HTTP call, a mail server's key): the one a line's evidence says
_TELLING_HOW = ("default:", "assigned:", "discovery:", "DSN", "HTTP call", "mail")


def _host_variable(name: str) -> bool:
    """Whether a variable's name says it holds a host (``amqpHost``, ``DB_HOST``, ``host``)."""
    return bool(_HOST_WORD.search(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()))


def _in_string(text: str, a: int, p: int) -> bool:
    """Whether position ``p`` is inside a quoted string of the line that starts at ``a`` (quotes counted, with
    backslash escapes)."""
    quote = None
    i = a
    while i < p:
        c = text[i]
        if quote is not None and c == "\\":
            i += 2
            continue
        if quote is None and c in "\"'`":
            quote = c
        elif c == quote:
            quote = None
        i += 1
    return quote is not None


def _outside(url_or_host: str) -> str | None:
    """The public host an outside service is reached at (``https://paypal.com/``: ``paypal.com``;
    ``smtp.gmail.com``), or None: a cluster-local or bare name, an IP, a reserved domain (graph.outside_host,
    the one rule for an environment's URLs, with a name that says it is an address)."""
    value = url_or_host if "://" in url_or_host else f"smtp://{url_or_host}"
    refs = host_refs(value, bare_ok=False)
    return outside_host(refs[0], "CLIENT_URL") if refs else None


def _mail_hosts(text: str, rel: str, is_src: bool) -> list[tuple[int, str]]:
    """The outside mail (SMTP) servers ``text`` names under a mail host key (:data:`_MAIL_KEY`), each as
    (position, host): a nested YAML or properties key by its dotted path (``spring.mail.host``), any other
    line by its own key."""
    out: list[tuple[int, str]] = []
    lines = _KEY_VALUE_LINE.finditer(text)
    keys = None
    for m in lines:
        key = m.group(1)
        if not _MAIL_KEY.search(key):
            if is_src or not rel.lower().endswith((".yml", ".yaml")):
                continue
            if keys is None:
                keys = spring_keys_by_line(text, rel)  # spring.mail.host for the line "host: ..." under mail:
            key = keys.get(text.count("\n", 0, m.start()) + 1, "")
            if not _MAIL_KEY.search(key):
                continue
        host = _outside(m.group(2))
        if host:
            out.append((m.start(2), host))
    return out


#: evidence lines kept per file and target (the first ones say it; the rest repeat it)
PER_FILE = 3


def _known(token: str, host_map) -> tuple[str, list[str]] | None:
    """The known host ``token`` names (``cart``, ``cart.shop.svc.cluster.local``), or None."""
    t = token.lower().rstrip(".")
    ids = host_map.get(t)
    if ids:
        return t, ids
    head, _, rest = t.partition(".")
    if rest and (".svc" in "." + rest or rest.endswith((".local", ".internal")) or rest == "svc"):
        ids = host_map.get(head)
        if ids:
            return head, ids
        ns_host = ".".join(t.split(".")[:2])
        if host_map.get(ns_host):
            return ns_host, host_map[ns_host]
    return None


def _scan_text(text: str, rel: str, host_map, address_vars, is_src: bool) -> list[tuple[list[str], Seen]]:
    """Known hosts named in ``text`` as a URL, a host:port, an address value (configuration only),
    or an address variable (source only). Literal anchors (``://``, ``:port``) are found first, so a
    large file costs about one pass of the regular expression engine."""
    out: list[tuple[list[str], Seen]] = []
    hits: list[tuple[int, list[str], str]] = []  # (position, targets, how)
    written: list[str] = []  # the lines as written, where a placeholder's key is the evidence
    if "${" in text:  # Spring / shell placeholders with a default: ${ORDER_DB_HOST:ts-order-mysql} is that host
        if is_src:
            # in code, a placeholder whose key names an address and whose default is a deployed service's exact
            # name is that service's address, even a one-word name no string scan takes for a host
            # (@Value("${catalog.service.host:catalog}")): the key says what the word is
            named = []  # (line, targets, key): the substitution below moves positions, not lines
            original = text
            for m in _PLACEHOLDER_HOST.finditer(text):
                k = _known(m.group(2), host_map) if _key_names_address(m.group(1)) else None
                if k:
                    named.append((text.count("\n", 0, m.start()), k[1], m.group(1)))
        text = _PLACEHOLDER.sub(_placeholder_default, text)
        if is_src and named:
            written = original.split("\n")
            line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
            hits += [(line_starts[n], targets, f"default:{key}") for n, targets, key in named]
    pos = text.find("://")
    while pos >= 0:
        m = _URL_HOST.match(text, pos + 3)
        if m:
            k = _known(m.group(1), host_map)
            if k:
                hits.append((pos, k[1], "URL"))
        pos = text.find("://", pos + 3)
    for m in _PORT.finditer(text):
        j = i = m.start()
        while j > 0 and text[j - 1] in _HOST_CHARS and i - j < 253:
            j -= 1
        if j == i or (j > 0 and text[j - 1] == "/" and text[j - 3:j] == "://"):
            continue  # nothing before the colon, or a URL's host (counted above)
        if j > 1 and text[j - 1] == "/" and text[j - 2] in _HOST_CHARS:
            # a path's or an image repository's last segment (grafana/grafana:5.2.4, docker.io/library/redis:7),
            # not a host: PetClinic's Grafana image was taken for a call to the OTel demo's grafana service
            # (dns:///cart:7070, a gRPC target, has a slash before its slash and stays a host)
            continue
        k = _known(text[j:i], host_map)
        if k:
            hits.append((j, k[1], "host:port"))
    if "=" in text:
        # a connection string's host (mysql:host=mysql;dbname=ratings); in code, inside a quoted string only
        for m in _DSN_HOST.finditer(text):
            k = _known(m.group(1), host_map)
            if k and (not is_src or _in_string(text, text.rfind("\n", 0, m.start()) + 1, m.start())):
                hits.append((m.start(1), k[1], "DSN"))
    if "mail" in text or "MAIL" in text or "smtp" in text or "SMTP" in text or "Mail" in text:
        # an outside mail server a service sends through (spring.mail.host: smtp.gmail.com, EMAIL_HOST = '...')
        for p, host in _mail_hosts(text, rel, is_src):
            hits.append((p, [OUTSIDE + host], "mail"))
    if not is_src:
        for rx in (_KEYED_VALUE, _NGINX_VALUE):
            for m in rx.finditer(text):
                k = _known(m.group(1), host_map)
                if k:
                    hits.append((m.start(1), k[1], "address value"))
    else:
        if address_vars:
            for m in _VAR_TOKEN.finditer(text):
                targets = address_vars.get(m.group(0))
                if targets:
                    hits.append((m.start(), targets, "variable"))
        # an address variable read with a default on the same line (os.getenv("CART_HOST", "cart"),
        # process.env.CART_HOST || 'cart', "cart" if os.environ.get("CART_HOST") is None else ...):
        # what the code calls unless the deployment says otherwise
        if "env" in text or "ENV" in text or "Env" in text:
            done: set[int] = set()
            for m in _ENV_READ.finditer(text):
                var = m.group(1)
                addr = bool(ADDRESS_NAME.search(var))
                if not addr and not API_VAR.search(var):
                    continue
                a = text.rfind("\n", 0, m.start()) + 1
                b = text.find("\n", m.end())
                if a in done:
                    continue
                done.add(a)
                end = b if b >= 0 else len(text)
                for q in _QUOTED_ANY.finditer(text, a, end) if addr else ():
                    k = _known(q.group(1), host_map)
                    if k:
                        hits.append((q.start(1), k[1], f"default:{var}"))
                for q in _QUOTED_URL.finditer(text, a, end):
                    # an outside API by default (PAYMENT_GATEWAY = os.getenv('PAYMENT_GATEWAY', 'https://paypal.com/'))
                    refs = host_refs(q.group(1), bare_ok=False)
                    host = outside_host(refs[0], var) if refs and not _known(refs[0].host, host_map) else None
                    if host:
                        hits.append((q.start(1), [OUTSIDE + host], f"default:{var}"))
        # a quoted host given to a variable named like an address (Go's amqpHost = "rabbitmq" after
        # os.LookupEnv, DB_HOST = 'mysql', Redis(host='redis')): the address the code connects to
        for q in _QUOTED_ANY.finditer(text):
            k = _known(q.group(1), host_map)
            if not k:
                continue
            a = max(text.rfind("\n", 0, q.start()) + 1, q.start() - 200)
            v = _ASSIGNED_TO.search(text, a, q.start())
            if v and _host_variable(v.group(1)):
                hits.append((q.start(1), k[1], f"assigned:{v.group(1)}"))
        # an HTTP call to a URL literal of an outside service (requests.get('https://paypal.com/')): a call the
        # code makes; a URL in a comment, a string or a documentation link is no call and names no vendor
        if "://" in text:
            for q in _QUOTED_URL.finditer(text):
                a = max(text.rfind("\n", 0, q.start()) + 1, q.start() - 200)
                if not _HTTP_CALL.search(text, a, q.start()) or text.startswith((">>>", "..."), a):
                    continue
                refs = host_refs(q.group(1), bare_ok=False)
                if refs and not _known(refs[0].host, host_map):
                    host = _outside(q.group(1))
                    if host:
                        hits.append((q.start(1), [OUTSIDE + host], "HTTP call"))
        # a discovery client's load balancer asked for an instance of a service by its id (loadBalancer.choose(
        # "CATALOG")): a call to that service, whatever its id's length or case (ids are case-insensitive)
        if "choose" in text or "getInstances" in text or "FromEureka" in text:
            for m in _DISCOVERY_CALL.finditer(text):
                if m.group(2) in ("choose", "getInstances") and not _DISCOVERY_RECEIVER.search(m.group(1)):
                    continue
                k = _known(m.group(3), host_map)
                if k:
                    hits.append((m.start(3), k[1], f"discovery:{m.group(1)}.{m.group(2)}"))
        # a constant of a services enum (TeaStore's Service.PERSISTENCE with its registry's load balancer)
        if "Service." in text or "Services." in text:
            for m in _SERVICE_CONSTANT.finditer(text):
                k = _known(m.group(1).lower().replace("_", "-"), host_map)
                if k:
                    hits.append((m.start(), k[1], "name"))
        # a string that is exactly a distinctive host name: config_json["post-storage-service"]
        for m in _QUOTED.finditer(text):
            tok = m.group(1).lower()
            if _distinctive(tok) or _connect_argument(text, m.start()):
                k = _known(tok, host_map)
                if k:
                    hits.append((m.start(1), k[1], "name"))
    if not hits:
        return out
    hits.sort(key=lambda h: h[0])
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    per: dict[tuple, int] = {}
    seen_lines: set[tuple] = set()
    # a line that names a host twice (a URL and its host:port, a default that is a connection string) says it
    # once, the way that tells the most
    best: dict[tuple, int] = {}
    for n, (p, targets, how) in enumerate(hits):
        at = (bisect_right(starts, p) - 1, tuple(targets))
        if at not in best or (how.startswith(_TELLING_HOW) and not hits[best[at]][2].startswith(_TELLING_HOW)):
            best[at] = n
    keep = set(best.values())
    for n, (p, targets, how) in enumerate(hits):
        if n not in keep:
            continue
        key = tuple(targets)
        if per.get(key, 0) >= PER_FILE:
            continue
        i = bisect_right(starts, p) - 1
        if (i, key) in seen_lines:
            continue
        end = text.find("\n", starts[i])
        line = text[starts[i]: end if end >= 0 else len(text)]
        if _COMMENT.match(line) or _image_reference(line, rel):
            continue
        seen_lines.add((i, key))
        per[key] = per.get(key, 0) + 1
        whose = ", ".join(t[len(OUTSIDE):] + " (an outside API)" if t.startswith(OUTSIDE) else t for t in targets)
        if how == "variable":
            var = _VAR_TOKEN.match(text, p).group(0)
            what = (f"source reads {var}, the variable that carries {', '.join(targets)}'s address: "
                    f"{_clip(line.strip())}")
        elif how.startswith("default:"):
            if written and "${" in written[i] and how[8:] in written[i]:
                line = written[i]  # the placeholder as written: its key says what the default is
            what = (f"source reads {how[8:]}, whose default in the code is the address of {whose}: "
                    f"{_clip(line.strip())}")
        elif how.startswith("discovery:"):
            what = (f"source asks a discovery client for an instance of {whose} ({how[10:]}): "
                    f"{_clip(line.strip())}")
        elif how.startswith("assigned:"):
            what = (f"source gives {how[9:]}, a variable named like an address, the address of {whose}: "
                    f"{_clip(line.strip())}")
        elif how == "DSN":
            what = (f"source literal, a connection string whose host is {whose}: " if is_src else "") \
                + _clip(line.strip())
        elif how == "HTTP call":  # the scan adds "(outside API)"
            what = f"source makes an HTTP call to a URL literal of {targets[0][len(OUTSIDE):]}: {_clip(line.strip())}"
        elif how == "mail":
            what = (f"{'source sets ' if is_src else ''}the host of the mail (SMTP) server the service sends "
                    f"through, {targets[0][len(OUTSIDE):]}: {_clip(line.strip())}")
        else:
            what = ("source literal " if is_src else "") + _clip(line.strip())
        out.append((targets, Seen(rel, i + 1, what, "source" if is_src else "config")))
    return out


#: a Dockerfile's (Containerfile's) line that names an image: ``FROM redis:7``, ``COPY --from=redis:7 ...``
_DOCKERFILE_IMAGE = re.compile(r"(?i)^\s*(?:FROM|COPY\s+--from=)")
#: a configuration line whose key is an image (``image: redis:7``, a Helm values file's ``"image": ...``)
_IMAGE_KEY = re.compile(r"""(?i)^\s*(?:-\s*)?["']?(?:image|base[_-]?image)["']?\s*[:=]""")


def _image_reference(line: str, rel: str) -> bool:
    """Whether ``line`` names a container image rather than an address: a base image is what a service is
    built from, not a service it calls (``FROM grafana/grafana:5.2.4``, ``FROM redis:7``), and an image's tag
    looks like a port."""
    name = rel.rsplit("/", 1)[-1].lower()
    docker = name in ("dockerfile", "containerfile") or name.startswith(("dockerfile.", "containerfile.")) \
        or name.endswith((".dockerfile", ".containerfile"))
    return bool((docker and _DOCKERFILE_IMAGE.match(line)) or _IMAGE_KEY.match(line))


def _clip(s: str, n: int = 140) -> str:
    from prr_app.importers.graph import redact

    return redact("", s, n)
