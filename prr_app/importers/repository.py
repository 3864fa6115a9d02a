"""Import a checkout: find what describes the deployment, pick one variant, gather evidence.

A repository is not one deployment. The same services appear as plain manifests,
a Helm chart, Kustomize overlays and Compose files side by side, and the calls
between them are mostly written in configuration and code. This module:

1. **Walks the folder** (hidden folders, ``node_modules``, ``vendor``, build
   output are left out; symbolic links are followed only to what the folder holds,
   the others named) and **recognises each file by its content, then by its
   name** (:func:`classify`): Kubernetes objects, Compose files, Helm charts
   (``Chart.yaml``), Kustomize folders (``kustomization.yaml``), Structurizr
   workspaces (DSL and JSON), Backstage descriptors, configuration, source.
2. **Forms deployment units**: one per folder of plain manifests, per Kustomize
   folder (rendered with ``kustomize build`` or ``kubectl kustomize``), per Helm
   chart (rendered with ``helm template``), per Compose project folder, per
   Structurizr workspace (files that are ``!include``-d or ``extends``-ed by
   another are part of it, not workspaces of their own), and one for the
   Backstage catalog. A chart or Kustomize folder that cannot be rendered here
   gets one line saying which command to run.
3. **Reconciles variants**: units that deploy the same services (half or more
   of the smaller one's names) are variants of one deployment. One is picked
   by :data:`VARIANT_RULE` (or by ``variant=``), the others are listed.
   Units that share nothing are imported together.
4. **Adds optional parts**: a host the picked variant names but does not
   deploy, deployed by a plain manifest elsewhere (a Kustomize component), is
   added from that manifest, tagged ``optional``.
5. **Reads configuration and source for dependencies**
   (:mod:`prr_app.importers.evidence`), each with its file, line and confidence.

The result keeps an :class:`Inventory` of every file looked at (what it was
taken for, which unit it belongs to, what came of it), for the report and for
later extractors of facts.
"""
from __future__ import annotations

import os
import stat
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from prr_app.model.entities import HUB_TAGS, Review, dependency_id
from prr_app.model.validation import check
from prr_app.errors import PrrError
from prr_app.wording import count
from prr_app import paths, safe_yaml as sy
from prr_app.importers.base import UNREADABLE, WEAK_LINE, ImportReport, ImportResult, Inferred
from prr_app.importers.kubernetes import UNRENDERED
from prr_app.importers.graph import (
    LOAD_GENERATOR,
    apply_call_policies,
    behind_a_gateway,
    dependency_type,
    telemetry_stores,
    make_unique,
    settle_calls,
    snapshot,
    settle_broker_reads,
    soften_plumbing_calls,
)

#: the build files whose libraries say what a service uses (:meth:`_Assembly._broker_use`)
_BUILD_FILE_NAMES = ("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "requirements.txt",
                     "pyproject.toml", "go.mod", "Gemfile")
#: code that sends or takes work through a broker (Spring AMQP and Kafka, Spring Cloud Stream, JMS, SQS,
#: RabbitMQ and Kafka clients in Python, Node, Go, .NET)
_MESSAGING_CODE = re.compile(
    r"@(?:RabbitListener|KafkaListener|JmsListener|SqsListener|StreamListener|EnableBinding|EnableRabbit|EnableKafka)\b"
    r"|\b(?:RabbitTemplate|AmqpTemplate|KafkaTemplate|JmsTemplate|StreamBridge|RabbitMessagingTemplate)\b"
    r"|\bbasic_?(?:P|p)ublish\b|\bbasic_?(?:C|c)onsume\b|\bimport\s+pika\b|require\(\s*['\"]amqplib['\"]\s*\)"
    r"|\bkafkajs\b|\bconfluent_kafka\b|\bIBM/sarama\b|\bShopify/sarama\b|\bstreadway/amqp\b|\brabbitmq/amqp091-go\b"
    r"|\bRabbitMQ\.Client\b|\bConfluent\.Kafka\b")
#: a build file's messaging client libraries (a service that names one sends or takes work itself)
_MESSAGING_CLIENT = re.compile(r"(?<![\w.-])(?:spring-boot-starter-amqp|spring-rabbit|amqp-client|spring-kafka|"
                               r"kafka-clients|pika|amqplib|kombu|celery|kafkajs|confluent-kafka|sarama|amqp091-go)(?![\w-])")
#: Spring Cloud Stream and its binders (messaging functions the code may declare as plain beans)
_STREAM_BINDER = re.compile(r"(?<![\w.-])spring-cloud-(?:starter-)?stream(?:-binder)?(?:-rabbit|-kafka)?(?![\w-])")
#: Spring Cloud Bus: configuration refresh events between the services, over the broker
_BUS_LIBRARY = re.compile(r"spring-cloud-starter-bus-(?:amqp|kafka)")
#: Hystrix's and Turbine's metrics streams over the broker (to a Hystrix dashboard)
_METRICS_STREAM = re.compile(r"spring-cloud-(?:starter-)?netflix-(?:hystrix|turbine)-stream|turbine-stream")

#: folders never walked into: tool state, vendored code, build output

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "vendor", "third_party", "target", "build", "dist", "out",
             "__pycache__", ".venv", "venv", ".tox", ".idea", ".vscode", ".gradle", ".mvn", "bin", "obj",
             ".terraform", "bower_components", ".next", ".cache"}
#: the folders of SKIP_DIRS that hold a build's output (where a release's deployment files may be all there is:
#: retail-store-sample-app keeps its Compose file and manifests under ``dist/``); named when nothing else was found
BUILD_OUTPUT_DIRS = {"target", "build", "dist", "out", "bin", "obj"}
MAX_FILES = 200_000
#: how long one ``helm template`` / ``kustomize build`` may take
RENDER_TIMEOUT = 60

SOURCE_EXT = {".go", ".java", ".kt", ".kts", ".scala", ".groovy", ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx",
              ".jsx", ".cs", ".fs", ".vb", ".rb", ".php", ".rs", ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".hh",
              ".swift", ".ex", ".exs", ".erl", ".clj", ".dart", ".lua", ".pl", ".sh"}
CONFIG_EXT = {".yaml", ".yml", ".json", ".toml", ".properties", ".conf", ".cfg", ".ini", ".env", ".xml", ".hcl",
              ".tf"}

#: words in a path that mark a specialised variant (VARIANT_RULE, step 1)
VARIANT_WORDS = {"test", "tests", "e2e", "example", "examples", "sample", "samples", "demo-", "overlay", "overlays",
                 "istio", "linkerd", "nfs", "openshift", "okd", "dev", "development", "staging", "local", "minikube",
                 "kind", "gke", "eks", "aks", "jaeger", "zipkin", "weave", "monitoring", "logging", "tracing",
                 "alloydb", "spanner", "memorystore", "components", "experimental", "legacy", "old", "deprecated",
                 "ci", "debug", "quickstart-debug"}
#: words in a path that mark files not deployed at all: examples, tests and their data
NOT_DEPLOYED_WORDS = {"test", "tests", "testing", "e2e", "example", "examples", "sample", "samples", "testdata",
                      "fixtures", "__tests__"}
#: how one variant is picked among siblings (said in the report)
VARIANT_RULE = ("the variant whose path names no special variant (test, overlay, istio, openshift, nfs...), "
                "then the one whose files show the most dependencies, then the one deploying the most services, "
                "then plain manifests before Kustomize, Helm and Compose, then the shortest path")
#: the start of the Kubernetes importer's error for files without workloads (policies, autoscalers...)
NO_WORKLOADS = "no workloads to review"
_HOW_ORDER = {"manifests": 0, "kustomize": 1, "helm": 2, "compose": 3, "aspire": 4}


# ------------------------------------------------------------------ inventory
@dataclass
class FileEntry:
    """One file of the checkout: what it was taken for and what came of it."""

    path: Path
    rel: str  # relative to the folder imported, with "/" separators
    role: str  # kubernetes, compose, backstage, structurizr, structurizr-json, helm-chart, helm-part, kustomization,
    #            kustomize-component, config, source, other, or another import format's name
    unit: str = ""  # the deployment unit it belongs to
    note: str = ""  # what came of it ("read", "variant not picked: ...", "too large"...)
    direct: bool = False  # named by the user (not found in a folder)
    optional_part: bool = False  # a Kustomize component's manifest added because the picked variant needs it


@dataclass
class Unit:
    """Files that describe one deployment (or one variant of it)."""

    key: str  # the folder (or file) that holds it, relative to the root
    fmt: str  # kubernetes | compose | structurizr | backstage | aspire
    how: str  # manifests | kustomize | helm | compose | structurizr | backstage | aspire
    paths: list[Path] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # rendered (label, text)
    result: ImportResult | None = None
    problem: str = ""
    picked: bool = False
    support: bool = False  # Kubernetes objects without workloads (policies, autoscalers, budgets)
    unreadable: bool = False  # a file of it is broken at a place (invalid YAML...): said as a warning
    problem_file: str | None = None  # the file the problem names, if it names one
    split_from: str = ""  # a broken file taken out of this unit (its other files were read without it)
    error: PrrError | None = None  # the error behind ``problem``, with its file and place

    @property
    def names(self) -> set[str]:
        if self.result is None:
            return set()
        return {c.name.lower() for c in self.result.review.components.values()}

    @property
    def bare_names(self) -> set[str]:
        """The names without the prefix every one of them shares (``teastore-auth`` is ``auth``): one
        variant may name its services after the system and another not."""
        return _without_common_prefix(self.names)


def _without_common_prefix(names: set[str]) -> set[str]:
    if len(names) < 2:
        return names
    prefix = os.path.commonprefix(sorted(names))
    cut = max(prefix.rfind("-"), prefix.rfind("_")) + 1
    if cut <= 0 or any(len(n) <= cut for n in names):
        return names
    return {n[cut:] for n in names}


def shared_services(a: Unit, b: Unit) -> set[str]:
    """The services two units both deploy, by name, or by name without the prefix all of one unit's
    names share (a compose project's ``auth`` is the manifests' ``teastore-auth``); one name alike
    without its prefix is no more than a coincidence."""
    same = a.names & b.names
    bare = a.bare_names & b.bare_names
    return bare if len(bare) > max(len(same), 1) else same


@dataclass
class Inventory:
    root: Path
    files: list[FileEntry] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # commands to run (helm/kustomize not installed)
    deferred: list[str] = field(default_factory=list)  # special Kustomize variants listed, not built
    unlisted: list[str] = field(default_factory=list)  # compose files COMPOSE_FILE in their .env leaves out
    links: list[str] = field(default_factory=list)  # symbolic links not followed (or read at their own place), why
    kustomize_dirs: list[Path] = field(default_factory=list)  # folders with a kustomization (not components)
    chart_values: dict[str, list[str]] = field(default_factory=dict)  # chart -> values files not used
    compose_layers: list[str] = field(default_factory=list)  # what was merged in each compose project, said
    models: list[str] = field(default_factory=list)  # workspaces read as one model (_one_model), said
    #: what Spring Cloud Kubernetes loads, from the checkout's bootstrap/application files (_spring_names)
    spring_names: dict | None = None
    #: the checkout's Spring bootstrap/application files, (path relative to the root, text), read once (_spring_files)
    spring_files: list | None = None

    def by_role(self, *roles: str) -> list[FileEntry]:
        return [f for f in self.files if f.role in roles]


# ------------------------------------------------------------------ walking
def walk(root: Path, progress: Callable[[str, int, int], None] | None = None,
         links: list[str] | None = None) -> list[Path]:
    """Every file under ``root`` worth looking at (sorted), hidden and vendored folders left out.

    A symbolic link is followed when it leads to a file or folder inside ``root`` that is not read
    at its own place anyway (a file there is read once, by its own path); a link that leads outside
    ``root``, to nothing (dangling) or back into a folder that holds it (a loop) is not followed, and
    is said in ``links`` ("rel: why"), as is a link to what is read at its own place."""
    out: list[Path] = []
    root = Path(root)
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        real_root = root
    found: list[tuple[Path, Path, bool]] = []  # (path as walked, real path, reached through a link)
    said: list[str] = []

    def rel(p: Path) -> str:
        return _rel(p, root)

    def target_of(p: Path) -> Path | None:
        try:
            t = Path(os.path.realpath(p, strict=True))
        except (OSError, RuntimeError, ValueError):
            return None
        return t

    def inside(t: Path) -> bool:
        return t == real_root or real_root in t.parents

    def walked_at_home(t: Path) -> bool:
        """Whether the walk reaches ``t`` by its own path (no part of it hidden or vendored)."""
        parts = t.relative_to(real_root).parts
        return not any(d in SKIP_DIRS or d.startswith(".") for d in parts[:-1] if d) and \
            not (t.is_dir() and parts and (parts[-1] in SKIP_DIRS or parts[-1].startswith(".")))

    def link_problem(p: Path, is_dir_link: bool, chain: list[Path]) -> str | None:
        try:
            to = os.readlink(p)
        except OSError:
            to = "?"
        t = target_of(p)
        if t is None:
            return f"{rel(p)}: a symbolic link to {to}, which does not exist (dangling, or a loop of links): not followed"
        if not inside(t):
            return (f"{rel(p)}: a symbolic link to {to}, outside the folder imported: not followed (import that "
                    "path too, or copy the file in)")
        if is_dir_link and any(t == c or t in c.parents for c in chain):
            return f"{rel(p)}: a symbolic link to {to}, a folder that holds it (a loop): not followed"
        if walked_at_home(t):
            return f"{rel(p)}: a symbolic link to {rel(t) if t != real_root else '.'}, read at its own place: read once"
        return None

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        chain = [Path(os.path.realpath(here))]
        chain += list(chain[0].parents)
        keep = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS or d.startswith("."):
                continue
            p = here / d
            if p.is_symlink():
                why = link_problem(p, True, chain)
                if why is not None:
                    said.append(why)
                    continue
            keep.append(d)
        dirnames[:] = keep
        via_link = Path(os.path.realpath(here)) != here.absolute() and here.absolute() != real_root
        for name in sorted(filenames):
            if name.startswith(".") and not name.startswith(".env"):
                continue
            p = here / name
            if p.is_symlink():
                why = link_problem(p, False, [])
                if why is not None:
                    said.append(why)
                    continue
                t = target_of(p)
                if t is None or not t.is_file():
                    continue
                found.append((p, t, True))
            elif p.is_file():
                found.append((p, p, via_link))
            if len(found) > MAX_FILES:
                raise PrrError(f"more than {MAX_FILES} files: import a sub-folder", file=str(root))
        if progress is not None:
            progress("listing files", len(found), 0)
    own = {Path(os.path.realpath(real)) for _p, real, link in found if not link}
    seen: set[Path] = set()
    for p, real, link in found:  # in the walk's order; a file by its own path, not by a link to it
        key = Path(os.path.realpath(real))
        if key in seen or (link and key in own):
            continue
        seen.add(key)
        out.append(p)
    if links is not None:
        links += said
    return out


_API = re.compile(r"(?m)^[\"']?apiVersion[\"']?\s*:\s*[\"']?([^\s\"'#]+)")
_KIND = re.compile(r"(?m)^[\"']?kind[\"']?\s*:\s*[\"']?([A-Za-z]+)")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.IGNORECASE)

#: a configuration file named nothing a name rule knows (nginx-flask-mysql's ``proxy/conf``, a Logstash
#: ``pipeline.config``) is recognised by its first bytes; only small files are opened, and never files
#: of these suffixes, which are documents, media, archives or data, never a service's configuration
_CONTENT_CAP = 256 * 1024
_CONTENT_HEAD = 4096
_NOT_CONFIG_SUFFIXES = frozenset({
    ".md", ".markdown", ".rst", ".adoc", ".txt", ".html", ".htm", ".css", ".scss", ".less", ".svg", ".ipynb",
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".pdf", ".woff", ".woff2", ".ttf", ".eot", ".otf",
    ".mp3", ".mp4", ".wav", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".7z", ".jar", ".war", ".ear", ".class",
    ".so", ".dll", ".dylib", ".exe", ".bin", ".o", ".a", ".pyc", ".lock", ".sum", ".mod", ".log", ".sql", ".csv",
    ".tsv", ".pem", ".crt", ".cer", ".key", ".p12", ".jks", ".der", ".map", ".snap", ".patch", ".diff"})
#: nginx: a block (``server {``, ``upstream api {``, ``location / {``) and a directive nginx alone writes
_NGINX_BLOCK = re.compile(r"(?m)^[ \t]*(?:server|http|upstream[ \t]+[\w.:-]+|location[ \t][^{\n]*)[ \t]*\{")
_NGINX_DIRECTIVE = re.compile(r"(?m)^[ \t]*(?:proxy_pass|grpc_pass|fastcgi_pass|uwsgi_pass|listen|server_name|"
                              r"upstream|server[ \t]+[\w.:-]+)[ \t][^;\n]*;")
#: Logstash: an ``input {`` or ``output {`` section and its plugins' ``key => value`` settings
_LOGSTASH_SECTION = re.compile(r"(?m)^[ \t]*(?:input|output)[ \t]*\{")
_LOGSTASH_SETTING = re.compile(r"(?m)^[ \t]*[\w-]+[ \t]*=>")
#: a Dockerfile's ``COPY``/``ADD`` (shell or JSON form), options (``--chown=...``) dropped
_COPY_LINE = re.compile(r"(?im)^[ \t]*(?:COPY|ADD)[ \t]+(.+)$")
#: where an image keeps configuration (``/etc/...``, ``/usr/local/etc/...``, ``.../conf.d/...``,
#: Logstash's ``pipeline/``, a destination named ``*.conf``/``*.cfg``...): a file COPYed there is configuration
_CONFIG_DEST = re.compile(r"(?:^|/)(?:etc|conf|conf\.d|config|pipeline)/|\.(?:conf|cfg|ini|toml|properties|ya?ml|"
                          r"json|xml|hcl|env)$", re.IGNORECASE)


def _small_text_head(path: Path) -> str | None:
    """The first bytes of a small text file, or None (too big, unreadable, binary or not UTF-8): the
    content rules open only what can be a hand-written configuration, and only its head."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _CONTENT_CAP:
            return None  # a FIFO or a device would block the read: only a regular file is opened
        with open(path, "rb") as fh:
            raw = fh.read(_CONTENT_HEAD)
    except OSError:
        return None
    if b"\0" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        # a character cut by the head's end is still text; a bad byte before it is not
        return raw[:e.start].decode("utf-8") if len(raw) == _CONTENT_HEAD and e.start >= len(raw) - 3 else None


def _copied_as_config(path: Path) -> bool:
    """Whether a Dockerfile in the file's folder COPYs (or ADDs) it into a configuration path
    (nginx-flask-mysql's ``COPY conf /etc/nginx/conf.d/default.conf``): the image reads it as one."""
    for docker in path.parent.iterdir() if path.parent.is_dir() else ():
        low = docker.name.lower()
        if not (low == "dockerfile" or low.startswith("dockerfile.") or low.endswith(".dockerfile")):
            continue
        text = _small_text_head(docker) if docker.is_file() else None
        for m in _COPY_LINE.finditer(text or ""):
            args = m.group(1).strip()
            if args.startswith("["):
                words = re.findall(r'"([^"]*)"', args)
            else:
                words = [w for w in args.split() if not w.startswith("--")]
            if len(words) < 2:
                continue
            dest = words[-1]
            if not _CONFIG_DEST.search(dest):
                continue
            if any(w.removeprefix("./") == path.name for w in words[:-1]):
                return True
    return False


def _config_by_content(path: Path) -> bool:
    """Whether a file no name rule knows is a configuration by what it holds: nginx, a Logstash
    pipeline, or a file a Dockerfile beside it copies into a configuration path."""
    if path.suffix.lower() in _NOT_CONFIG_SUFFIXES:
        return False
    head = _small_text_head(path)
    if head is None:
        return False
    if _NGINX_BLOCK.search(head) and _NGINX_DIRECTIVE.search(head):
        return True
    if _LOGSTASH_SECTION.search(head) and _LOGSTASH_SETTING.search(head):
        return True
    try:
        return _copied_as_config(path)
    except OSError:
        return False


def classify(path: Path) -> str:
    """What a file is, by its content first, then by its name."""
    name = path.name
    low = name.lower()
    suffix = path.suffix.lower()
    if name == "Chart.yaml":
        return "helm-chart"
    if low in ("kustomization.yaml", "kustomization.yml", "kustomization"):
        return "kustomization"
    if suffix == ".dsl":
        return "structurizr"
    if suffix in (".yaml", ".yml", ".json"):
        head = paths.head_text(path)
        if suffix == ".json":
            if '"prr-review"' in head:
                return "json"
            if '"model"' in head and ('"softwareSystems"' in head or '"people"' in head or '"views"' in head):
                return "structurizr-json"
            if '"parent"' in head and '"child"' in head:
                return "jaeger"
            stripped = head.lstrip()
            if stripped.startswith("{") and '"apiVersion"' in head and '"kind"' in head:
                return "kubernetes"
            return "config"
        api = _API.search(head)
        if api and _KIND.search(head):
            return "backstage" if "backstage.io" in api.group(1) else "kubernetes"
        if "{{" in head and ("{{-" in head or ".Values" in head or ".Release" in head or "include " in head):
            return "helm-part"  # a template (or a values file of templates) outside a chart's templates/
        if re.search(r"(?m)^[\"']?services[\"']?\s*:", head) or (_COMPOSE_NAME.match(name) and not api):
            return "compose"
        return "config"
    if suffix == ".cs" and (low in ("program.cs", "apphost.cs") or "apphost" in str(path.parent).lower()) \
            and "DistributedApplication.CreateBuilder" in paths.head_text(path, 256 * 1024):
        return "aspire"  # a .NET Aspire AppHost: the app model, in C#
    if suffix in SOURCE_EXT:
        return "source"
    if low.startswith(".env") or suffix in CONFIG_EXT or low in ("nginx.conf", "haproxy.cfg", "envoy.yaml") \
            or low.endswith((".conf.template", ".conf.tmpl")) or low == "caddyfile" or low.startswith("caddyfile.") \
            or suffix == ".caddyfile":
        return "config"
    if suffix in (".dot", ".gv"):
        return "dot"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if low in ("dockerfile",) or low.startswith("dockerfile."):
        return "config"
    if _config_by_content(path):
        return "config"  # an nginx file named conf, a Logstash pipeline named .config, a file COPYed into /etc
    return "other"


#: names an importer reads (a deployment, a catalog, a model, a graph, an edge list): one that cannot be
#: opened is refused (:func:`_refuse_unreadable`), not taken for configuration by its empty head
_READ_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".dsl", ".dot", ".gv", ".csv", ".tsv"})


def _refuse_unreadable(path: Path, *, shown: str | None = None) -> None:
    """Refuse a file of a name an importer reads that cannot be opened (no permission): :func:`classify`
    would see no content and file it as configuration, and the import (a re-import especially) would go
    on without the services it deploys, flagging them gone. A file the import would not read as a
    deployment anyway (source, documents) is left to the evidence scan, which says what it skipped.
    ``shown``: a file the user named (as named), refused whatever its name."""
    if shown is None and path.suffix.lower() not in _READ_SUFFIXES and path.name.lower() != "kustomization":
        return
    try:  # non-blocking: a FIFO given a deployment's name must not hang the walk
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=shown or str(path)) from None


# ------------------------------------------------------------------ rendering
def _run(cmd: list[str], cwd: Path) -> tuple[str | None, str]:
    try:
        done = subprocess.run(cmd, cwd=str(cwd), capture_output=True, text=True, timeout=RENDER_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as e:
        return None, str(e)
    if done.returncode != 0:
        return None, _tool_error(done.stderr or done.stdout or "", done.returncode)
    return done.stdout, ""


#: a Go program's log line (kubectl's): ``E1207 02:19:01.694641   22871 run.go:72] "command failed" err="..."``
_KLOG = re.compile(r'^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] (?:"[^"]*" )?(?:err=)?"?(?P<msg>.*?)"?$')


def _tool_error(text: str, code: int) -> str:
    """The tool's own error, on one line: from its ``Error:`` line to the next blank line (else its last
    line, without a Go log line's time stamp and source place), cut at a word under 300 characters."""
    lines = text.strip().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("Error:")), None)
    if start is None:
        msg = lines[-1] if lines else f"exit {code}"
        m = _KLOG.match(msg)
        if m:
            msg = m.group("msg").replace('\\"', '"').replace("\\'", "'")
    else:
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
        msg = " ".join(ln.strip() for ln in lines[start:end])
    return msg if len(msg) <= 300 else msg[:300].rsplit(" ", 1)[0] + " ..."


_SOURCE_COMMENT = re.compile(r"(?m)^# Source: (.+)$")


def split_helm_output(text: str, label: str) -> list[tuple[str, str]]:
    """``helm template`` output cut at its ``# Source: chart/templates/x.yaml`` comments: one text per template,
    the documents of a template that renders several (a Deployment and its Service) together, in order."""
    marks = list(_SOURCE_COMMENT.finditer(text))
    if not marks:
        return [(label, text)]
    out: dict[str, list[str]] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.setdefault(f"{label}: {m.group(1).strip()}", []).append(text[m.start():end])
    return [(name, "".join(chunks)) for name, chunks in out.items()]


def render_helm(chart: Path, rel: str, values: Path | None = None) -> tuple[list[tuple[str, str]] | None, str]:
    """(rendered texts, problem or hint). ``values``: a values file given over the chart's ``values.yaml``
    (``helm template -f``)."""
    rel = str(chart) if rel == "." else rel
    exe = shutil.which("helm")
    name = re.sub(r"[^a-z0-9-]", "-", chart.name.lower()).strip("-") or "release"
    extra = ["-f", str(values)] if values is not None else []
    if exe is None:
        with_values = f" -f {rel}/{values.name}" if values is not None else ""
        return None, (f"{rel}: a Helm chart; helm is not installed, so it was not rendered: run "
                      f"`helm template {name} {rel}{with_values} > {name}-rendered.yaml` and import that file with the rest")
    out, err = _run([exe, "template", name, str(chart), *extra], chart)
    note = ""
    if out is None and "missing in charts/" in err:
        # subcharts not fetched (`helm dependency build` needs the network): render the chart's own
        # templates from a copy that declares no dependencies, and say what was left out
        out, err2 = _render_without_dependencies(exe, name, chart, extra)
        missing = err.rsplit(":", 1)[-1].strip()
        note = (f"{rel}: the Helm chart's subcharts ({missing}) are not in its charts/ folder, so only the chart's "
                f"own templates were rendered: run `helm dependency build {rel}` and import again to include them")
        err = err2 or err
    if out is None:
        return None, f"{rel}: `helm template` failed: {err}"
    return split_helm_output(out, f"{rel} (helm template)"), note


def _render_without_dependencies(exe: str, name: str, chart: Path, extra: list[str]) -> tuple[str | None, str]:
    import json
    import tempfile

    try:
        docs = sy.load_text(sy.read_text(chart / "Chart.yaml"), file="Chart.yaml", scalars="core")
    except PrrError as e:
        return None, str(e)
    meta = docs[0].value if docs else None
    if not isinstance(meta, dict):
        return None, "Chart.yaml is not a mapping"
    meta.pop("dependencies", None)
    with tempfile.TemporaryDirectory(prefix="prr-helm-") as tmp:
        copy = Path(tmp) / chart.name
        try:
            shutil.copytree(chart, copy, symlinks=True,
                            ignore=shutil.ignore_patterns("requirements.*", *SKIP_DIRS))
            (copy / "Chart.yaml").write_text(json.dumps(meta), encoding="utf-8")  # JSON is YAML
        except OSError as e:
            return None, str(e)
        return _run([exe, "template", name, str(copy), *extra], copy)


def kustomize_command() -> list[str] | None:
    exe = shutil.which("kustomize")
    if exe:
        return [exe, "build"]
    exe = shutil.which("kubectl")
    if exe:
        return [exe, "kustomize"]
    return None


def render_kustomize(folder: Path, rel: str) -> tuple[list[tuple[str, str]] | None, str]:
    rel = str(folder) if rel == "." else rel
    cmd = kustomize_command()
    if cmd is None:
        return None, (f"{rel}: a Kustomize folder; neither kustomize nor kubectl is installed, so it was not built: "
                      f"run `kustomize build {rel} > rendered.yaml` (or `kubectl kustomize {rel}`) and import that file")
    out, err = _run(cmd + [str(folder)], folder)
    if out is None:
        return None, f"{rel}: `{' '.join(Path(cmd[0]).name.split() + cmd[1:])} {rel}` failed: {err}"
    return [(f"{rel} ({Path(cmd[0]).name} {cmd[1]})", out)], ""


# ------------------------------------------------------------------ units
def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _under(path: Path, folders: list[Path]) -> Path | None:
    for f in folders:
        if path == f or f in path.parents:
            return f
    return None


def _nearest(path: Path, folders: list[Path]) -> Path | None:
    """The deepest of ``folders`` that holds ``path`` (or is it)."""
    hits = [f for f in folders if path == f or f in path.parents]
    return max(hits, key=lambda f: len(f.parts)) if hits else None


def _kustomization_kind(path: Path) -> str:
    m = _KIND.search(paths.head_text(path))
    return m.group(1) if m else "Kustomization"


def _dsl_references(path: Path) -> list[Path]:
    """Files a DSL workspace pulls in (``!include``, ``extends``): they are part of it, not workspaces."""
    out = []
    text = paths.head_text(path, 1 << 20)
    for m in re.finditer(r"(?m)^\s*(?:!include|workspace\s+extends)\s+\"?([^\s\"{]+)", text):
        target = m.group(1)
        if "://" in target:
            continue
        p = (path.parent / target)
        if p.is_dir():
            out += sorted(p.glob("*.dsl"))
        else:
            out.append(p)
    return [p.resolve() for p in out]


def _compose_references(path: Path) -> tuple[list[Path], list[Path], dict[Path, str]]:
    """Files a compose file pulls in (``include``, ``extends.file``); its services' ``env_file``
    files: the compose import reads those as the services' environment, so the evidence scan must
    not read them again as configuration shared by the whole repository (where a key like
    ``REDIS_CACHE_HOST`` would be given to a component named ``redis``); and the files bind-mounted
    into its services, with the service (a gateway's ``kong.yml``: its configuration, read by the
    scan as that service's, not a deployment of its own)."""
    from prr_app.importers.compose import bind_mounts, env_file_paths  # the importers load when a unit is read

    try:
        docs = sy.load_file(path)
    except PrrError:
        return [], [], {}
    pulled: list[Path] = []
    env_files: list[Path] = []
    mounted: dict[Path, str] = {}
    for doc in docs:
        v = doc.value
        if not isinstance(v, dict):
            continue
        inc = v.get("include")
        for item in inc if isinstance(inc, list) else []:
            p = item.get("path") if isinstance(item, dict) else item
            for x in (p if isinstance(p, list) else [p]):
                if isinstance(x, str) and "://" not in x:
                    pulled.append((path.parent / x).resolve())
        svcs = v.get("services")
        for name, svc in svcs.items() if isinstance(svcs, dict) else []:
            ext = svc.get("extends") if isinstance(svc, dict) else None
            f = ext.get("file") if isinstance(ext, dict) else None
            if isinstance(f, str) and "://" not in f:
                pulled.append((path.parent / f).resolve())
            env_files += [(path.parent / x).resolve() for x in env_file_paths(svc) if "$" not in x]
            if isinstance(svc, dict):
                for m in bind_mounts(svc.get("volumes"), path.parent):
                    if m.is_file():
                        mounted.setdefault(m, str(name))
    return pulled, env_files, mounted


#: words that join a special variant's word into one (``localhost``, ``devenv``, ``testsetup``), and say
#: nothing on their own
_JOINED_WORDS = {"host", "env", "setup", "machine", "box", "only"}


def _joined_special(word: str) -> bool:
    """Is ``word`` special variant words run together (``localtest``, ``localdevelopment``, ``devlocal``,
    ``localhost``)? Split only into whole words, one of them a special variant's, so ``latest`` (``la`` +
    ``test``), ``devops`` and ``oldenburg`` are not."""
    pieces = {w for w in VARIANT_WORDS if w.isalpha() and len(w) >= 2} | _JOINED_WORDS
    n = len(word)

    def split(i: int, seen_variant: bool) -> bool:  # the rest from i is pieces, a variant word among them
        if i == n:
            return seen_variant
        return any(word.startswith(p, i) and split(i + len(p), seen_variant or p in VARIANT_WORDS)
                   for p in pieces if len(p) <= n - i)

    return n >= 5 and word.isalpha() and word not in VARIANT_WORDS and split(0, False)


def special_words(rel: str) -> list[str]:
    """The words of a path that name a special variant (VARIANT_RULE, step 1), a word run together of them
    included (``deployments/localtest``: a developer's one-host setup)."""
    return [w for w in dict.fromkeys(re.split(r"[/_.\s()-]+", rel.lower()))
            if w in VARIANT_WORDS or _joined_special(w)]


def _special(rel: str) -> bool:
    """Does a path name a special variant (VARIANT_RULE, step 1)?"""
    return bool(special_words(rel))


def not_deployed(rel: str) -> bool:
    """Is a file in an example or test folder (``examples/``, ``test/e2e/``...)? Such files show how
    something could be set up, not what the deployment holds."""
    return bool(set(rel.lower().split("/")[:-1]) & NOT_DEPLOYED_WORDS)


def _same_example(rel: str, deployed: str) -> bool:
    """Whether ``rel`` (a file in an example or test folder) belongs to the same example as ``deployed``, a
    file of the deployment imported: below the last example or test folder of its path, the two share a
    folder (``samples/bookinfo/networking`` and ``samples/bookinfo/platform/kube``; not ``samples/httpbin``).
    Imported from the checkout's top or from ``samples/bookinfo``, the example's files give one review."""
    a, b = rel.lower().split("/")[:-1], deployed.lower().split("/")[:-1]
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    marks = [i for i, part in enumerate(a) if part in NOT_DEPLOYED_WORDS]
    return bool(marks) and common > marks[-1] + 1 and not_deployed(deployed)


def find_units(inv: Inventory, *, render: bool = True, variant: str | None = None) -> None:
    """Group the inventory's deployment files into units (rendering charts and Kustomize folders)."""
    root = inv.root
    charts = sorted({f.path.parent for f in inv.files if f.role == "helm-chart"})
    # a subchart (parent/charts/x/Chart.yaml) is rendered with its parent, never on its own
    charts = [c for c in charts if not any(p.name == "charts" and (p.parent / "Chart.yaml").is_file()
                                           for p in c.parents)]
    kdirs, kcomponents = [], []
    for f in inv.files:
        if f.role == "kustomization":
            (kcomponents if _kustomization_kind(f.path) == "Component" else kdirs).append(f.path.parent)
    units: dict[str, Unit] = {}
    rendered_dirs: list[Path] = []
    deferred_dirs: list[Path] = []
    inv.kustomize_dirs = [k for k in kdirs if not _under(k, charts)]
    want = (variant or "").strip().strip("/").lower()
    chart_key: dict[Path, str] = {}
    for chart in charts:
        rel = _rel(chart, root)
        # values files beside values.yaml (values-prod.yaml): helm reads none of them unless told (-f);
        # --variant CHART/values-prod.yaml renders with one over values.yaml
        others = sorted(p for p in chart.iterdir() if p.is_file() and _VALUES.match(p.name)
                        and p.name not in ("values.yaml", "values.yml"))
        chosen = next((v for v in others if want and want in (_rel(v, root).lower(), v.name.lower())), None)
        key = _rel(chosen, root) if chosen is not None else rel
        chart_key[chart] = key
        if others:
            inv.chart_values[key] = [rel, "values.yaml" + (f" with {chosen.name} over it" if chosen else "")] + \
                [v.name for v in others if v is not chosen]
        u = units[key] = Unit(key, "kubernetes", "helm")
        if render:
            texts, why = render_helm(chart, rel, chosen)
        else:
            texts, why = None, f"{rel}: a Helm chart (not rendered)"
        if texts is None:
            u.problem = why
            inv.hints.append(why)
        else:
            u.texts = texts
            if why:
                inv.hints.append(why)
    have_tool = kustomize_command() is not None
    plain_ok = any(k for k in kdirs if not _special(_rel(k, root))) or any(
        f.role in ("kubernetes", "compose") and not _special(f.rel) for f in inv.files)
    for kdir in sorted(kdirs):
        if _under(kdir, charts):
            continue
        rel = _rel(kdir, root)
        if render and _special(rel) and plain_ok and not (want and want in rel.lower()) and have_tool:
            # a special variant (tests, overlays for one platform) cannot be picked by the rule:
            # it is not built (each build runs a program), only listed
            inv.deferred.append(rel)
            deferred_dirs.append(kdir)
            continue
        u = Unit(rel, "kubernetes", "kustomize")
        texts, why = render_kustomize(kdir, rel) if render else (None, f"{rel}: a Kustomize folder (not built)")
        if texts is None:
            inv.hints.append(why + ("; its plain manifests are read as they are instead" if render else ""))
            continue  # its plain manifests are read as they are, below
        u.texts = texts
        units[rel] = u
        rendered_dirs.append(kdir)
    # plain manifests, by folder
    dsl_refs: set[Path] = set()
    compose_refs: set[Path] = set()
    compose_env: set[Path] = set()
    compose_mounted: dict[Path, str] = {}
    for f in inv.files:
        if f.role == "structurizr":
            dsl_refs.update(_dsl_references(f.path))
        elif f.role == "compose":
            pulled, env_files, mounted = _compose_references(f.path)
            compose_refs.update(pulled)
            compose_env.update(env_files)
            for m, svc in mounted.items():
                compose_mounted.setdefault(m, svc)
    for f in inv.files:  # a file mounted into a service is its configuration, whatever it looks like
        svc = compose_mounted.get(f.path.resolve())
        if svc is not None and f.role not in ("source", "compose-env", "other"):
            f.role, f.note = "config", f"mounted into compose service {svc}: read as its configuration"
    compose_layers = _compose_layers([f for f in inv.files if f.role == "compose" and f.path.resolve()
                                      not in compose_refs])
    for f in inv.files:
        chart = _under(f.path, charts)
        if chart is not None and f.role not in ("config", "source", "other"):
            f.unit, f.role = chart_key[chart], ("helm-chart" if f.role == "helm-chart" else "helm-part")
            continue
        if f.role == "kubernetes":
            if _under(f.path, kcomponents):
                f.role = "kustomize-component"
                f.note = "part of a Kustomize component: added only where the picked variant needs what it deploys"
                continue
            if f.path.parent in rendered_dirs:
                f.unit = _rel(f.path.parent, root)
                continue
            home = _nearest(f.path, inv.kustomize_dirs)
            if home is not None and home in deferred_dirs:  # a part of a special variant listed, not built: it applies to nothing else
                f.unit = _rel(home, root)
                f.note = "part of a Kustomize variant not imported (a special case by its name)"
                continue
            key = _rel(f.path.parent, root)
            units.setdefault(key, Unit(key, "kubernetes", "manifests")).paths.append(f.path)
            f.unit = key
        elif f.role == "config" and f.path.name == ".env" and any(
                g.role == "compose" and g.path.parent == f.path.parent for g in inv.files):
            f.role, f.note = "compose-env", "read by Compose for variable interpolation"
            f.unit = _rel(f.path.parent, root) + " (compose)"
        elif f.role in ("config", "other") and f.path.resolve() in compose_env:
            f.role, f.note = "compose-env", "a service's env_file: read with that service's environment"
        elif f.role == "compose":
            if f.path.resolve() in compose_refs:
                f.note = "included or extended by another compose file: read as part of it"
                continue
            key = _rel(f.path.parent, root)
            how = compose_layers.get(f.path, "layer")
            if how == "unlisted":
                f.note = "not among the files COMPOSE_FILE in the folder's .env names: docker compose does not read it"
                inv.unlisted.append(f.rel)
                continue
            if how == "special":
                f.note = "a compose layer for a special case (tests, debugging...): not imported"
                inv.deferred.append(f.rel)
                continue
            ukey = key + " (compose)" if how == "layer" else f"{key} (compose: {f.path.name})"
            units.setdefault(ukey, Unit(ukey, "compose", "compose")).paths.append(f.path)
            f.unit = ukey
        elif f.role == "structurizr":
            if f.path.resolve() in dsl_refs:
                f.note = "included or extended by another workspace: read as part of it"
                continue
            units[f.rel] = Unit(f.rel, "structurizr", "structurizr", [f.path])
            f.unit = f.rel
        elif f.role == "structurizr-json":
            units[f.rel] = Unit(f.rel, "structurizr-json", "structurizr", [f.path])
            f.unit = f.rel
        elif f.role == "aspire":
            units[f.rel] = Unit(f.rel, "aspire", "aspire", [f.path])
            f.unit = f.rel
        elif f.direct and f.role in _OTHER_FORMATS:
            units[f.rel] = Unit(f.rel, f.role, f.role, [f.path])
            f.unit = f.rel
        elif f.role == "backstage":
            units.setdefault("backstage catalog", Unit("backstage catalog", "backstage", "backstage")).paths.append(f.path)
            f.unit = "backstage catalog"
    _one_model(units, inv, root)
    inv.units = [units[k] for k in sorted(units)]


def _one_model(units: dict[str, Unit], inv: Inventory, root: Path) -> None:
    """Structurizr workspaces that extend one base and model different software systems (a system catalog:
    customer, invoice and order services each added to catalog.dsl) are parts of one model, read as one
    unit (:func:`~prr_app.importers.structurizr.complementary_groups`), not variants of one deployment of
    which one is imported."""
    from prr_app.importers.structurizr import complementary_groups

    dsl = {u.paths[0]: k for k, u in units.items() if u.fmt == "structurizr" and len(u.paths) == 1}
    for group in complementary_groups(list(dsl)):
        keys = [dsl[p] for p in group]
        key = f"{_rel(Path(os.path.commonpath([p.parent for p in group])), root)} (structurizr: {len(group)} workspaces of one model)"
        units[key] = Unit(key, "structurizr", "structurizr", list(group))
        for k in keys:
            del units[k]
        for f in inv.files:
            if f.unit in keys:
                f.unit = key
        inv.models.append("workspaces that extend one base and model different systems, read as one model (parts "
                          "of one, not variants of one deployment): " + ", ".join(keys))


#: a Helm chart's values file (values.yaml, values-prod.yaml, values.dev.yml...)
_VALUES = re.compile(r"^values([-_.][\w.-]+)?\.ya?ml$", re.IGNORECASE)

_COMPOSE_BASES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def _compose_services(path: Path) -> set[str]:
    try:
        docs = sy.load_file(path)
    except PrrError:
        return set()
    out: set[str] = set()
    for d in docs:
        svcs = d.value.get("services") if isinstance(d.value, dict) else None
        if isinstance(svcs, dict):
            out |= {str(k) for k in svcs}
    return out


def _compose_file_setting(folder: Path) -> set[Path]:
    """The compose files ``COMPOSE_FILE`` in ``folder/.env`` names (":"-separated, or by
    ``COMPOSE_PATH_SEPARATOR``), resolved from the folder; empty when it names none."""
    from prr_app.importers.compose import parse_env_file

    env = folder / ".env"
    if not env.is_file():
        return set()
    try:
        values = {k: v for k, (v, _line) in parse_env_file(env, warnings=[], name=".env").items()}
    except PrrError:
        return set()
    names = values.get("COMPOSE_FILE", "").strip()
    if not names:
        return set()
    sep = values.get("COMPOSE_PATH_SEPARATOR") or (";" if ";" in names and ":" not in names else ":")
    out: set[Path] = set()
    for n in names.split(sep):
        try:
            if n.strip():
                out.add((folder / n.strip()).resolve())
        except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop: names no file here
            continue
    return out


def _compose_layers(files: list[FileEntry]) -> dict[Path, str]:
    """How each compose file of a folder is used: "layer" (merged over the base file, as
    ``compose.override.yaml`` or ``compose.observability.yaml`` are), "alternative" (a whole
    deployment of its own: ``docker-compose-gcov.yml`` redefines every service; a variant),
    or "special" (a layer for tests or debugging, not the deployment). A folder whose ``.env``
    names the files with ``COMPOSE_FILE`` (as ``docker compose`` reads it) uses those as its
    layers, and no other: "unlisted"."""
    out: dict[Path, str] = {}
    by_dir: dict[Path, list[FileEntry]] = {}
    for f in files:
        by_dir.setdefault(f.path.parent, []).append(f)
    for folder, group in by_dir.items():
        listed = _compose_file_setting(folder)
        if listed & {f.path.resolve() for f in group}:  # else it names files elsewhere: the usual rule
            for f in group:
                out[f.path] = "layer" if f.path.resolve() in listed else "unlisted"
            continue
        base = next((f for f in group if f.path.name.lower() in _COMPOSE_BASES), None)
        base_names = _compose_services(base.path) if base is not None and len(group) > 1 else set()
        for f in group:
            if f is base:
                out[f.path] = "layer"
                continue
            stem = f.path.name.lower()
            if _special(re.sub(r"\.ya?ml$", "", stem)) and base is not None:
                out[f.path] = "special"
                continue
            if "override" in stem or not base_names:
                out[f.path] = "layer"
                continue
            names = _compose_services(f.path)
            shared = names & base_names
            whole = len(shared) * 2 >= len(base_names) and len(shared) * 2 >= max(1, len(names))
            out[f.path] = "alternative" if whole else "layer"
    return out


def _compose_layers_said(u: Unit, inv: Inventory) -> str:
    """Which compose files of a project were merged, in which order, and which of its folder were not:
    optional layers (``compose.agent.yaml``) change the review, so the reviewer sees the list."""
    from prr_app.importers.compose import _order

    folder = u.paths[0].parent
    order = [p.name for p in _order(list(u.paths))]
    rel = _rel(folder, inv.root)
    left = [f"{f.path.name} ({f.note or 'a variant: ' + f.unit})" for f in inv.files
            if f.role == "compose" and f.path.parent == folder and f.path not in u.paths]
    chosen = bool(_compose_file_setting(folder))
    if chosen:
        how = "as COMPOSE_FILE in the folder's .env names them"
    else:
        how = (f"the base file and every layer beside it, as `docker compose -f {' -f '.join(order)}` reads them; "
               "an optional layer's services are in the review")
    return (f"{u.key}: {len(order)} compose files merged in this order: {', '.join(order)} ({how})"
            + (f"; not merged: {'; '.join(left)}" if left else "")
            + ("" if chosen else "; to review another set of layers, name them with COMPOSE_FILE in the folder's .env"))


def _calls_shown(u: Unit) -> int:
    """The dependencies a variant's files show as calls. Not a load generator's (Sock Shop's user-sim, its
    command's -h edge-router: they show nothing of how the system's services call each other; counted, they
    made the Compose file beat the manifests that say more), and not a bare ``depends_on`` (start-up order,
    which a one-host Compose setup states for every service: counted, Yelb's ``localtest`` Compose file beat
    the production manifests)."""
    if u.result is None:
        return 0
    order = getattr(u.result, "order_only", None) or {}
    comps = u.result.review.components
    return sum(1 for did, d in u.result.review.dependencies.items()
               if did not in order and LOAD_GENERATOR not in getattr(comps.get(d.source), "tags", ()))


def _variant_score(u: Unit) -> tuple:
    special = len(special_words(u.key))
    return (special, -_calls_shown(u), -len(u.names), _HOW_ORDER.get(u.how, 9), len(u.key), u.key)


def _why_picked(chosen: Unit, others: list[Unit]) -> str:
    """In words, the step of VARIANT_RULE that picked ``chosen`` over the runner-up: what a reader needs to
    see that the rule did the right thing (or pass --variant)."""
    runner = min(others, key=_variant_score)
    a, b = _variant_score(chosen), _variant_score(runner)
    if a[0] != b[0]:
        words = special_words(runner.key)
        mine = special_words(chosen.key)
        return (f"{runner.key}'s path names a special variant ({', '.join(words)}: a test, local, development or "
                f"platform-specific setup, not the production deployment)"
                + (f", and {chosen.key}'s names fewer ({', '.join(mine)})" if mine else f", {chosen.key}'s does not"))
    if a[1] != b[1]:
        return (f"its files show the most calls between services ({-a[1]}; {runner.key}: {-b[1]}; a bare "
                "depends_on, start-up order, is not counted)")
    if a[2] != b[2]:
        return f"it deploys the most services ({-a[2]}; {runner.key}: {-b[2]})"
    if a[3] != b[3]:
        return "plain manifests are picked before Kustomize, Helm and Compose when nothing else tells them apart"
    return "the shortest path, when nothing else tells them apart"


_HOW_WORDS = {"manifests": "Kubernetes manifests", "kustomize": "Kustomize", "helm": "Helm chart",
              "compose": "Compose", "structurizr": "Structurizr", "backstage": "Backstage catalog", "aspire": "Aspire"}


def _described(u: "Unit") -> str:
    """A variant named so that a reader tells it from the others: its key and what it is made of
    ("``. [Kubernetes manifests complete-demo.yaml]``", "``. (compose) [Compose docker-compose.yml]``"): two
    variants at the top of a repository both had the key ".", and "variants of one deployment: ., . (compose);
    imported ." said nothing."""
    names = [p.name for p in u.paths]
    files = (" " + ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")) if names else ""
    return f"{u.key} [{_HOW_WORDS.get(u.how, u.how)}{files}]"


_IMAGE_LINE = re.compile(r"(?m)^[ \t]*(?:-[ \t]*)?[\"']?image[\"']?[ \t]*:[ \t]*[\"']?([^\s\"'#]+)")


def _image_repository(image: str) -> str:
    """An image's repository with its organisation, without registry host, tag or digest: Compose's
    ``jaegertracing/example-hotrod:${JAEGER_VERSION:-latest}`` and a manifest's
    ``cr.jaegertracing.io/jaegertracing/example-hotrod:latest`` are both ``jaegertracing/example-hotrod``."""
    img = image.strip().lower().split("@", 1)[0]
    parts = [p for p in img.split("/") if p]
    if not parts:
        return ""
    last = parts[-1]
    if "${" in last:  # a tag written as a variable (${TAG:-latest}): the name is before it
        last = last.split("${", 1)[0]
    parts[-1] = last.split(":", 1)[0]
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost" or "$" in parts[0]):
        parts = parts[1:]  # a registry host (or a variable naming one)
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts) if all(parts) and "$" not in "".join(parts) else ""


def unit_images(u: Unit) -> set[str]:
    """The images of a unit's own making that its files run (:func:`_image_repository`): an organisation's
    image whose name is no datastore, broker or hub product. ``redis`` or ``bitnami/mysql`` is run by any
    system, so sharing one says nothing; sharing ``jaegertracing/example-hotrod`` says it is the same app."""
    from prr_app.importers.graph import recognise

    texts = [t for _label, t in u.texts if isinstance(t, str)]
    if not texts:
        for p in u.paths:
            try:
                texts.append(paths.head_text(p, 2_000_000))
            except (OSError, PrrError):
                continue
    out = set()
    for t in texts:
        for m in _IMAGE_LINE.finditer(t):
            repo = _image_repository(m.group(1))
            if "/" not in repo:
                continue  # an official image (redis, postgres): anyone's
            kind, tags, _why = recognise("", repo.rsplit("/", 1)[-1])
            if kind is None and not tags:
                out.add(repo)
    return out


def _by_images(fam: list[Unit]) -> str:
    """What to say of a family some of whose variants were found by the images they run, not by their services'
    names: the reader must see why two deployments naming different services were taken for one."""
    pairs = [(a, b) for i, a in enumerate(fam) for b in fam[i + 1:] if _variant_link(a, b) == "images"]
    if not pairs:
        return ""
    a, b = max(pairs, key=lambda p: len(p[0].names) + len(p[1].names))  # the pair that says most, said once
    images = sorted(unit_images(a) & unit_images(b))
    more = f" ({count(len(pairs) - 1, 'other pair')} alike)" if len(pairs) > 1 else ""
    return (f"taken for variants by the images they run, though their services are named apart: {a.key} "
            f"({', '.join(sorted(a.names)[:3])}) and {b.key} ({', '.join(sorted(b.names)[:3])}) both run "
            f"{', '.join(images[:3])}{more}; if they are two systems, import the folder of each")


#: service names any system may give its infrastructure: two deployments sharing only such names are not
#: thereby one system (awesome-compose's nginx-flask-mysql and wordpress-mysql each have a ``db``)
_INFRA_NAMES = frozenset({"db", "database", "data", "sql", "cache", "queue", "mq", "broker", "bus", "proxy",
                          "gateway", "lb", "store", "storage", "search", "web-proxy", "reverse-proxy"})


def _generic_name(name: str) -> bool:
    """A datastore's, broker's, proxy's or hub's name any system could use (``db``, ``redis``, ``proxy``)."""
    from prr_app.importers.graph import recognise

    if name in _INFRA_NAMES:
        return True
    kind, tags, _why = recognise("", name)
    return kind is not None or bool(tags)


def _generic_only(a: Unit, b: Unit, shared: set[str]) -> bool:
    """Do two units share only generic infrastructure names (:func:`_generic_name`) while each deploys a service
    of its own besides? Then they are two systems that each have a ``db``, not variants of one: grouped as
    variants, one was dropped with a false reason and its code read as the other system's. A unit of nothing
    but infrastructure (a ``db`` and ``redis`` for local development) stays a variant of the one it shares
    them with."""
    if not shared or not all(_generic_name(n) for n in shared):
        return False
    sa, sb = _without_common_prefix(a.names), _without_common_prefix(b.names)
    return all(any(n not in shared and not _generic_name(n) for n in own) for own in (sa, sb))


def _variant_link(a: Unit, b: Unit) -> str:
    """Why two units are variants of one deployment, or "" when they are not: "names" when they deploy the same
    services (half or more of the smaller one's names; not when those are only generic infrastructure names
    and each deploys a service of its own besides, :func:`_generic_only`), "images" when their services are named apart but run
    the same images of the system's own (half or more of the smaller one's: HotROD's Compose ``hotrod`` and its
    Kustomize ``example-hotrod`` both run ``jaegertracing/example-hotrod``; grouped by names alone, both were
    imported as two systems)."""
    shared = shared_services(a, b)
    if len(shared) * 2 >= min(len(a.names), len(b.names)) and not _generic_only(a, b, shared):
        return "names"
    if a.fmt in ("kubernetes", "compose") and b.fmt in ("kubernetes", "compose"):
        ia, ib = unit_images(a), unit_images(b)
        if ia and ib and len(ia & ib) * 2 >= min(len(ia), len(ib)):
            return "images"
    return ""


def families(units: list[Unit]) -> list[list[Unit]]:
    """Units that deploy the same services (half or more of the smaller one's names) or run the same images
    of their own (:func:`_variant_link`), as variant families."""
    ok = [u for u in units if u.result is not None and u.names]
    parent = list(range(len(ok)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ok)):
        for j in range(i + 1, len(ok)):
            if _variant_link(ok[i], ok[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Unit]] = {}
    for i, u in enumerate(ok):
        groups.setdefault(find(i), []).append(u)
    return [sorted(g, key=lambda u: u.key) for g in groups.values()]


def _names_file(u: Unit, want: str) -> bool:
    """Does ``want`` (lower case) name one of the unit's files: its name, or its path's end
    (``docker-compose.yml``, ``deploy/docker-compose.yml``)?"""
    return any(p.name.lower() == want or p.as_posix().lower().endswith("/" + want) for p in u.paths)


_PLATFORM = {"manifests": "Kubernetes", "kustomize": "Kubernetes", "helm": "Kubernetes", "compose": "Compose"}


def _names_any(u: Unit, names: set[str]) -> bool:
    """Does a file of ``u`` name one of ``names`` as a word (a host, a key's value)?"""
    if not names:
        return False
    rx = re.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")(?![\w-])", re.I)
    texts = list(u.texts)
    for p in u.paths:
        try:
            texts.append(p.read_text("utf-8", "replace")[:2_000_000])
        except OSError:
            continue
    return any(rx.search(t) for t in texts if isinstance(t, str))


def _same_service(a: str, b: str) -> bool:
    """Is ``a`` the service ``b`` under a prefix or suffix of its own (``ftgo-mysql`` and ``mysql``)?"""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return any(long.endswith(sep + short) or long.startswith(short + sep) for sep in "-_")


def _platforms_side_by_side(picked: list[Unit], variant: str | None) -> list[str]:
    """Deployments of two platforms (Kubernetes manifests, a Compose file) picked from one checkout, as they
    share no service by name. A Kubernetes folder or a Compose file that calls nothing, that no other
    deployment names, and whose every service the other platform's larger deployment beside it deploys under
    a name without its prefix is a part of another way to deploy this system (FTGO's
    ``stateful-services/ftgo-mysql-deployment.yml`` beside its Compose file's ``mysql``), not a system of its
    own: read beside it, it was an isolated copy of the database and a failure domain of its own. It is left
    out, said in a warning (``--variant`` naming it, or importing its folder, reads it). Deployments of both
    platforms that stay and name none of each other's services are said to be side by side, in one line."""
    deploys = [u for u in picked if u.how in _PLATFORM and not u.support and u.result is not None]
    out: list[str] = []
    for u in sorted(deploys, key=lambda x: len(x.names)):
        if (variant and variant_hits([u], variant)) or u.result.review.dependencies or u.result.report.dangling:
            continue
        others = [v for v in deploys if v is not u and v.picked and _PLATFORM[v.how] != _PLATFORM[u.how]
                  and len(v.names) > len(u.names) >= 1
                  and all(any(_same_service(n, m) for m in v.names) for n in u.names)]
        if not others or any(_names_any(v, u.names) for v in deploys if v is not u):
            continue  # not the other's services, or another deployment names its services: one system
        v = max(others, key=lambda x: len(x.names))
        u.picked = False
        picked.remove(u)
        mine, theirs = _PLATFORM[u.how], _PLATFORM[v.how]
        folder = u.key.split(" (", 1)[0]
        alike = ", ".join(f"{n} as {next(m for m in sorted(v.names) if _same_service(n, m))}" for n in sorted(u.names))
        out.append(f"{mine} and {theirs} deployments side by side: {_described(u)} calls nothing, nothing names "
                   f"it, and the {theirs} deployment {v.key} deploys its services under other names ({alike}): taken "
                   f"for a part of another way to deploy this system ({mine} beside {theirs}), not a system of its "
                   f"own, and not imported (pass --variant {variant_arg(u)}, or import {folder} alone, to read it)")
    kept = [u for u in deploys if u.picked]
    platforms = sorted({_PLATFORM[u.how] for u in kept})
    # naming each other's services, they are one system, read as one: nothing to say
    if len(platforms) > 1 and not any(_names_any(a, b.names) for a in kept for b in kept
                                      if a is not b and _PLATFORM[a.how] != _PLATFORM[b.how]):
        said = "; ".join(f"{p}: {', '.join(u.key for u in kept if _PLATFORM[u.how] == p)}" for p in platforms)
        out.append(f"{' and '.join(platforms)} deployments side by side ({said}): they share no service, so each is "
                   "read as a system of this review; if they are two ways to deploy one system, import the folder of "
                   "one of them")
    return out


def variant_hits(units: list[Unit], variant: str) -> list[Unit]:
    """The units ``--variant`` names: its folder exactly, else a folder containing the words, else
    a file of it (two variants in one folder, a Compose file beside manifests, are told apart by
    their files: ``--variant docker-compose.yml``)."""
    want = variant.strip().strip("/").lower()
    return ([u for u in units if u.key.lower() == want] or [u for u in units if want in u.key.lower()]
            or [u for u in units if _names_file(u, want)])


def variant_arg(u: Unit) -> str:
    """What to pass to ``--variant`` to pick ``u``: its folder, or, where that does not tell it
    apart or needs quoting (the root ".", ". (compose)"), its first file."""
    if u.key != "." and re.fullmatch(r"[\w./@+-]+", u.key) or not u.paths:
        return u.key
    # the file by its path from the checkout's top: src/makeline-service/docker-compose.yml, never the bare
    # docker-compose.yml, which --variant takes for the one at the top first
    folder = u.key.split(" (", 1)[0]
    name = sorted(u.paths)[0].name
    return name if folder in (".", "") else f"{folder}/{name}"


def pick(family: list[Unit], variant: str | None) -> Unit:
    if variant:
        hits = variant_hits(family, variant)
        if hits:
            return min(hits, key=_variant_score)
    return min(family, key=_variant_score)


# ------------------------------------------------------------------ importing units
def _spring_files(inv: Inventory) -> list[tuple[str, str]]:
    """The checkout's Spring Boot ``application*``/``bootstrap*`` files (YAML or ``.properties``, test folders
    left out), each as (path relative to the root, text), read once for every use below."""
    if inv.spring_files is None:
        from prr_app.importers.evidence import MAX_CONFIG_BYTES, _is_test

        inv.spring_files = []
        for f in inv.files:
            if _SPRING_OWN.search(f.rel) and not _is_test(f.rel):
                try:
                    inv.spring_files.append((f.rel, f.path.read_text("utf-8", "replace")[:MAX_CONFIG_BYTES]))
                except OSError:
                    continue
    return inv.spring_files


def _spring_names(inv: Inventory | None) -> dict | None:
    """The ConfigMaps Spring Cloud Kubernetes loads for the checkout's applications, as their bootstrap and
    application files say (``call_policies.spring_kubernetes_names``): the Kubernetes import reads such a
    ConfigMap as that application's configuration (PetClinic cloud's gateway routes), read once."""
    if inv is None:
        return None
    if inv.spring_names is None:
        from prr_app.importers.call_policies import spring_kubernetes_names

        inv.spring_names = spring_kubernetes_names(_spring_files(inv))
    return inv.spring_names


#: the files Spring Boot reads as an application's own configuration (application.yml, bootstrap-dev.properties)
_SPRING_OWN = re.compile(r"(?:^|/)(?:application|bootstrap)(?:-[^/]*)?\.(?:ya?ml|properties)$", re.IGNORECASE)
#: ``classpath:/config``, ``classpath:config/``: a folder of the config server's own resources
_CLASSPATH_FOLDER = re.compile(r"classpath\*?:/?([\w./-]*?)/?")


def _config_server_files(inv: Inventory, review: Review, code_dirs: dict[str, list[str]], hosts: dict[str, list[str]],
                         aliases: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The files a Spring Cloud Config server hands out, each to the service its name names
    (``<spring.application.name>[-<profile>].yml|properties``: ``licensing-service-dev.properties`` is
    licensing-service's): {component id: [file]}, given to the evidence scan as a file mounted into that one
    service is (``evidence._Owners``), with the lines that say so. Unclaimed, the folder decided, and every
    address those files name was charged to the config server's own calls (manning-smia: seven calls from
    configserver, and the gateway's routes lost).

    A file counts where it is in a config server's served tree: a folder its
    ``spring.cloud.config.server.native.search-locations`` names (``classpath:/config``), or the tree of a
    component that is a config server (its Spring files set ``spring.cloud.config.server.*``, its build file
    names ``spring-cloud-config-server``, or it is tagged a config hub, as a service named ``configserver``
    is). Its own ``application*``/``bootstrap*`` files stay its own (a config repository's shared
    ``application.yml`` is the evidence scan's). A name matches a component as the import matches service
    names (``_loose``: ``licensing-service``, ``licensingservice`` and a container named so alike); and, as for
    any configuration repository, a folder decides only when its files name two components or more: one file
    named after a service may be anything (a route to it)."""
    from prr_app.importers.call_policies import spring_settings
    from prr_app.importers.evidence import _Owners, _is_test

    host_map = {h.lower(): ids for h, ids in hosts.items() if ids}
    owners = _Owners(review, code_dirs, inv.root, host_map, aliases)
    servers: dict[str, str] = {}  # component id -> why it is a config server
    served: dict[Path, str] = {}  # folder -> the search-locations line that names it
    for rel, text in _spring_files(inv):
        for key, value, line in spring_settings(text, rel):
            flat = re.sub(r"[-_]", "", key.lower())
            if not flat.startswith("spring.cloud.config.server."):
                continue
            owner = owners.of(inv.root / rel)
            if owner in review.components:
                servers.setdefault(owner, f"{rel}:{line}: {key}")
            if flat.endswith(".native.searchlocations"):
                for loc in value.split(","):
                    m = _CLASSPATH_FOLDER.fullmatch(loc.strip())
                    if m:
                        served.setdefault(((inv.root / rel).parent / m.group(1)).resolve(),
                                          f"{rel}:{line}: {key}: {loc.strip()}")
    for f in inv.files:
        if f.path.name in ("pom.xml", "build.gradle", "build.gradle.kts") and not _is_test(f.rel):
            owner = owners.of(f.path)
            if owner in review.components and owner not in servers:
                try:
                    if "spring-cloud-config-server" in f.path.read_text("utf-8", "replace"):
                        servers[owner] = f"{f.rel}: spring-cloud-config-server"
                except OSError:
                    continue
    for cid, comp in review.components.items():
        if "config" in comp.tags:
            servers.setdefault(cid, "tagged a config hub")
    if not servers and not served:
        return {}, []
    names: dict[str, set[str]] = {}
    said = [(n, cid) for cid, comp in review.components.items() for n in (cid, comp.name)]
    said += [(h, ids[0]) for h, ids in hosts.items() if len(ids) == 1 and "." not in h and ids[0] in review.components]
    for n, cid in said:
        if len(_loose(n)) >= 3:
            names.setdefault(_loose(n), set()).add(cid)

    def named(stem: str) -> str | None:  # the application's name, then a profile after a dash
        parts = stem.split("-")
        for k in range(len(parts), 0, -1):
            ids = names.get(_loose("-".join(parts[:k])))
            if ids:
                return next(iter(ids)) if len(ids) == 1 else None
        return None

    found: dict[Path, list[tuple[FileEntry, str, str]]] = {}  # folder -> (file, its service, why served)
    for f in inv.files:
        if f.role != "config" or f.path.suffix.lower() not in (".yml", ".yaml", ".properties") \
                or _SPRING_OWN.search(f.rel) or _is_test(f.rel):
            continue
        folder = f.path.parent.resolve()
        owner = owners.of(f.path)
        why = (f"a config server hands out ({served[folder]})" if folder in served else
               f"the config server {owner} hands out ({servers[owner]})" if owner in servers else None)
        cid = named(f.path.stem) if why else None
        if cid is not None and cid != owner:
            found.setdefault(f.path.parent, []).append((f, cid, why))
    claimed: dict[str, list[str]] = {}
    lines = []
    for folder, files in sorted(found.items()):
        if len({cid for _, cid, _ in files}) < 2:
            continue
        for f, cid, _ in files:
            claimed.setdefault(cid, []).append(str(f.path))
        lines.append(f"{_rel(folder, inv.root)}: files {files[0][2]}, each read as the configuration of the "
                     "service its name names, not the config server's: "
                     + ", ".join(f"{f.path.name} -> {cid}" for f, cid, _ in files))
    return claimed, lines


def _import_unit(u: Unit, root: Path, profiles: list[str] | None = None, inv: Inventory | None = None) -> None:
    from prr_app.importers import backstage, compose, kubernetes, structurizr

    try:
        if u.fmt == "kubernetes":
            u.result = kubernetes.read_kubernetes(u.paths, texts=u.texts, base=root, spring_names=_spring_names(inv))
        elif u.fmt == "compose":
            u.result = compose.read_compose(u.paths, base=root, profiles=profiles)
        elif u.fmt == "structurizr":
            u.result = structurizr.read_structurizr(u.paths, base=root)
        elif u.fmt == "structurizr-json":
            u.result = structurizr.read_structurizr_json(u.paths, base=root)
        elif u.fmt == "backstage":
            u.result = backstage.read_backstage(u.paths)
        elif u.fmt == "aspire":
            from prr_app.importers.aspire import read_aspire

            u.result = read_aspire(u.paths, base=root)
        else:  # a format named on its own (traces, DOT, CSV, review JSON)
            from prr_app.importers.registry import formats

            u.result = formats()[u.fmt].read(u.paths)
    except PrrError as e:
        u.problem = str(e)
        u.problem_file = e.file
        u.error = e
        u.result = None
        u.support = e.message.startswith(NO_WORKLOADS)
        u.unreadable = not u.support and not e.message.startswith(UNRENDERED) and (
            e.location is not None or (e.file is not None and e.message.startswith(_READ_ERRORS)))


#: how the errors of a file that cannot be read at all begin (too large, not text, not YAML): "could not read"
_READ_ERRORS = ("file is ", "more than ", "cannot read", "not UTF-8", "not a text file", "invalid YAML")


def import_folder(paths: list[Path], *, variant: str | None = None, scan_source: bool = True,
                  source_limit: int = 512 * 1024, render: bool = True,
                  progress: Callable[[str, int, int], None] | None = None,
                  decisions: dict[str, str] | None = None, profiles: list[str] | None = None,
                  only: str | None = None, keep_ids: dict[str, str] | None = None) -> ImportResult:
    """Import folders (checkouts) and files, each path judged on its own; see the module docstring.

    ``variant``: the unit to pick among sibling variants (its folder, or part of it).
    ``profiles``: the active Compose profiles (else each project's ``COMPOSE_PROFILES`` in its ``.env``).
    ``scan_source``: read source files for addresses of known components (files over
    ``source_limit`` bytes are skipped, and listed).
    ``progress(stage, done, total)``: called as the work goes on.
    ``decisions``: inferred dependency id -> "accepted" / "rejected" (a rejected one is left out).
    ``only``: ``--format kubernetes`` or ``compose``: the deployment is read from the files of that format
    alone (Helm charts and Kustomize folders are Kubernetes), the others left out and said (:func:`_only`);
    files named directly are read as that format. Configuration and source are read for dependencies
    as ever: the format chooses the deployment files, not the evidence.
    ``keep_ids``: on a re-import, the existing review's component ids, each with its ``source``: where two
    systems share a service's name, the one whose service the review already has from the same deployment
    keeps the id (:meth:`_Assembly._namesakes`), so that a reviewer's edits stay on the service they were
    made on when a namesake system appears or goes.
    """
    from prr_app.importers import evidence

    paths = [Path(p) for p in paths]
    roots = [p for p in paths if p.is_dir()]
    root = roots[0].resolve() if len(roots) == 1 and len(paths) == 1 else _common_root(paths)
    inv = Inventory(root)
    for p in paths:
        if not p.exists():
            raise PrrError("no such file or folder", file=str(p))
        if p.is_dir():
            base = p.resolve()
            for f in walk(base, progress, inv.links):
                _refuse_unreadable(f)
                inv.files.append(FileEntry(f, _rel(f, root), classify(f)))
        else:
            fr = p.resolve()
            _refuse_unreadable(fr, shown=str(p))
            inv.files.append(FileEntry(fr, _rel(fr, root), only or _direct_role(fr), direct=True))
    if not inv.files:
        raise PrrError(_nothing_outside_skipped(paths[0]) or "the folder holds no files", file=str(paths[0]))
    if progress:
        progress("recognising files", len(inv.files), len(inv.files))
    left_out = _only(inv, only) if only else []
    find_units(inv, render=render, variant=variant)
    if only and not any(u.fmt == only for u in inv.units):
        raise PrrError(f"no {only} files found" + (f" ({len(left_out)} deployment file(s) of other formats left "
                                                    f"out: {left_out[0]} ...)" if left_out else ""),
                       file=str(paths[0]))
    for i, u in enumerate(list(inv.units)):
        if not u.problem or u.texts or u.paths:
            if u.how == "manifests" and u.paths and not u.texts:
                _import_without_broken(u, inv, root)  # one broken manifest does not sink its folder
            elif u.paths or u.texts:
                _import_unit(u, root, profiles, inv)
        if progress:
            progress("reading deployment files", i + 1, len(inv.units))
    # no deployment could be read (none there, or every one broken): the edge lists, traces or DOT files
    # are what there is, and a broken manifest does not throw them away
    if not only and not any(u.fmt in _DEPLOYMENT_FORMATS and u.result is not None for u in inv.units):
        whole = _review_json_whole(inv, paths, variant)
        if whole is not None:
            return whole
        for u in _other_format_units(inv):
            _import_without_broken(u, inv, root)
    # observed traffic (traces, a service graph, a mesh's traffic graph) beside deployment files is no variant
    # of the deployment: it is laid over the deployment picked (Assembly.observe)
    traffic = [u for u in inv.units if u.fmt in OBSERVED_FORMATS and u.result is not None]
    if traffic and all(u.fmt in OBSERVED_FORMATS or u.result is None for u in inv.units):
        traffic = []  # nothing but traffic: it is what there is to import
    fams = families([u for u in inv.units if u not in traffic])
    picked: list[Unit] = []
    notes: list[str] = []
    passed_over: list[tuple[Unit, Unit]] = []  # (a variant not imported, the one imported instead)
    for fam in fams:
        chosen = pick(fam, variant)
        chosen.picked = True
        picked.append(chosen)
        others = [u for u in fam if u is not chosen]
        passed_over += [(u, chosen) for u in others]
        if others:
            asked = variant and chosen in variant_hits(fam, variant)
            why = f"--variant {variant}" if asked else f"{_why_picked(chosen, others)}; the rule: {VARIANT_RULE}"
            by_images = _by_images(fam)
            notes.append(f"variants of one deployment: {', '.join(_described(u) for u in fam)}; imported {_described(chosen)} "
                         f"({why})" + (f"; {by_images}" if by_images else ""))
            for u in others:
                common = sorted(shared_services(u, chosen))
                images = sorted(unit_images(u) & unit_images(chosen)) if _variant_link(u, chosen) == "images" else []
                notes.append(f"variant not imported: {u.key} ({u.how}, {len(u.names)} services, "
                             f"{len(common)} shared with {chosen.key}"
                             + (f"; the same images: {', '.join(images[:3])}" if images else "")
                             + f"); pass --variant {variant_arg(u)} to import it instead")
    notes += _platforms_side_by_side(picked, variant)
    if variant and not variant_hits(picked, variant):
        known = ", ".join(u.key for u in inv.units if u.result is not None)
        raise PrrError(f"no deployment variant matches {variant!r}; the variants found: {known or 'none'}")
    if not picked:
        problems = list(dict.fromkeys([u.problem for u in inv.units if u.problem] + inv.hints
                                      + [x for x in inv.links if not x.endswith("read once")]))
        broken = [u for u in inv.units if u.problem and u.unreadable and u.error is not None]
        if len(problems) == 1 and len(broken) == 1:
            # the deployment is there, one of its files cannot be read (a compose override's invalid YAML):
            # that error, with its file and line, is the problem, not "nothing describes a deployment"
            raise broken[0].error
        detail = ("; ".join(problems[:3])) if problems else "no manifests, Compose files, Helm charts, Kustomize " \
                                                            "folders, Structurizr workspaces or Backstage catalogs"
        skipped = None if problems else _nothing_outside_skipped(paths[0])
        raise PrrError(skipped or f"nothing that describes a deployment was found: {detail}", file=str(paths[0]))
    # import the picked Kubernetes units together (a host named in one may be deployed by another), with
    # the folders that hold only policies, autoscalers or budgets for those workloads
    k8s = [u for u in picked if u.fmt == "kubernetes"]
    support = [u for u in inv.units if u.fmt == "kubernetes" and u.support and u.paths]
    for u in [u for u in support if all(not_deployed(_rel(p, root)) for p in u.paths)]:
        if any(_same_example(_rel(p, root), _rel(q, root)) for p in u.paths for k in k8s for q in k.paths[:1]):
            continue  # the deployment imported is that example's: its routing and policies go with it
        support.remove(u)  # a budget or a policy in examples/ or test/ guards nothing that runs
        u.problem = "in an example or test folder: not part of the deployment"
    picked_dirs = [root / u.key for u in k8s if u.how != "helm"]
    for u in list(support):
        home = _nearest(u.paths[0], inv.kustomize_dirs)
        if home is not None and not any(home == d or home in d.parents for d in picked_dirs):
            # an overlay's autoscaler or budgets: a part of that variant, which is not the one imported
            support.remove(u)
            u.problem = (f"part of the Kustomize folder {_rel(home, root)}, a variant not imported: not applied "
                         f"to {', '.join(p.key for p in k8s)}")
    if k8s and support:
        k8s = k8s + support
        for u in support:
            u.problem = ""
            u.picked = True
    results: list[tuple[str, ImportResult]] = []
    addons: list[Path] = []
    splits: dict[str, list[tuple[str, set[str]]]] = {}  # a Kubernetes result's key -> its deployments' components
    for group in _kubernetes_systems(k8s, root):
        if len(group) > 1:
            merged = Unit(" + ".join(u.key for u in group), "kubernetes", "manifests",
                          [p for u in group for p in u.paths], [t for u in group for t in u.texts])
            _import_unit(merged, root, profiles, inv)
            if merged.result is None:
                raise PrrError(merged.problem)
        else:
            merged = group[0]
        more = _addons(inv, merged)
        if more:
            extra = Unit(merged.key, "kubernetes", "manifests", merged.paths + more, merged.texts)
            _import_unit(extra, root, profiles, inv)
            if extra.result is not None:
                merged = extra
                for a in more:
                    _mark_optional(merged.result, a, root)
                addons += more
        results.append((merged.key, merged.result))
        # the deployments read together, each with its components: several systems side by side are said
        split: list[tuple[str, set[str]]] = []
        claimed: set[str] = set()
        for u in group:
            if u.result is not None and not u.support:
                ids = set(u.result.review.components) - claimed
                claimed |= ids
                split.append((u.key, ids))
        if len(split) > 1:
            splits[merged.key] = split
    for u in picked:
        if u.fmt != "kubernetes":
            results.append((u.key, u.result))
    assembled = _Assembly(root, paths, inv, keep_ids)
    assembled.report.read += inv.models
    for key, res in results:
        res.keep_decisions(decisions)  # a Terraform graph's guesses, decided on an earlier import
        assembled.add(key, res, parts=splits.get(key))
    assembled.undeployed_stores()
    for u in traffic:
        u.picked = True
        assembled.observe(u.key, u.result)
    for line in notes:
        said = line.startswith("variants of") or " deployments side by side" in line.split(":", 1)[0]
        assembled.report.warnings.append(line) if said else assembled.report.skipped.append(line)
    for u in inv.units:
        if u.problem and u.problem not in inv.hints:
            if u.unreadable and u.split_from:  # one file of a folder: the others are read without it
                assembled.report.warnings.append(f"{UNREADABLE} {u.problem}; this file is not in the review (the "
                                                 f"other files of {u.split_from} are read without it)")
            elif u.unreadable:  # a broken file is no variant passed over: the reviewer must hear of it
                # what was imported instead: not the folder that holds this one (its part, not its alternative)
                alts = [p.key for p in picked if not (p.fmt == u.fmt and _holds(p.key, u.key))]
                what = "this file is" if len(u.paths) == 1 else f"the {u.how} of {u.key} are"
                assembled.report.warnings.append(f"{UNREADABLE} {u.problem}; {what} not in the review"
                                                 + (f" (imported instead: {', '.join(alts)})" if alts else ""))
            else:
                assembled.report.skipped.append(f"{u.key}: not imported: {u.problem}")
    for h in inv.hints:
        assembled.report.warnings.append(h)
    if only:
        assembled.report.read.append(f"--format {only}: the deployment is read from {_ONLY_WHAT[only]} alone; "
                                     "configuration and source are read for dependencies as for any checkout")
        assembled.report.skipped += left_out
    assembled.report.skipped += inv.links
    for u in picked:
        if u.fmt == "compose" and len(u.paths) > 1:  # chosen by COMPOSE_FILE: read; else by the rule: a warning
            line = _compose_layers_said(u, inv)
            (assembled.report.read if "as COMPOSE_FILE" in line else assembled.report.warnings).append(line)
    for key, (chart_rel, used, *unused) in sorted(inv.chart_values.items()):
        if used != "values.yaml":
            assembled.report.read.append(f"{key}: the Helm chart was rendered with {used}")
        if unused:
            line = (f"{key}: the Helm chart was rendered with {used}; values files beside it not used: "
                    f"{', '.join(unused)} (pass --variant {'' if chart_rel == '.' else chart_rel + '/'}{unused[0]} "
                    "to render it with that file over values.yaml)")
            (assembled.report.warnings if any(u.key == key for u in picked) else assembled.report.skipped).append(line)
    for rel in inv.unlisted:
        assembled.report.skipped.append(f"{rel}: not imported: COMPOSE_FILE in the .env beside it names the compose "
                                        "files docker compose reads, and not this one")
    for rel in inv.deferred:
        what = "a compose layer" if rel.endswith((".yml", ".yaml")) else "Kustomize, not built"
        assembled.report.skipped.append(f"variant not imported: {rel} ({what}; a special case by its name)"
                                        + ("" if rel.endswith((".yml", ".yaml")) else
                                           f"; pass --variant {rel} to import it instead"))
    for f in _review_jsons(inv):  # a reviewer's work beside the deployment: never passed over in silence
        f.note = "a review JSON: not read into this import"
        assembled.report.warnings.append(_REVIEW_JSON_BESIDE.format(
            rel=f.rel, into=_as_named(f, paths, root), paths=" ".join(str(p) for p in paths)))
    others = [f.rel for f in inv.files if f.role in ("other", "csv", "dot", "jaeger") and not f.unit]
    if len(others) <= 20:
        assembled.report.skipped += [f"{rel}: not a deployment, configuration or source file" for rel in others]
    else:
        assembled.report.skipped.append(f"{len(others)} files that are not deployment, configuration or source "
                                        f"files (documents, images...): {', '.join(others[:5])} ...")
    used = {u.key for u in picked} | {k for k, _ in results}
    for f in inv.files:
        if f.unit and f.unit in used and not f.note:
            f.note = "read"
        elif f.unit and not f.note:
            f.note = "variant not imported"
        if f.path in addons:
            f.note, f.optional_part = "read (optional part)", True
    served, said = _config_server_files(inv, assembled.review, assembled.code_dirs, assembled.hosts, assembled.aliases)
    assembled.report.read += said
    assembled.served = served
    code_dirs = {c: ds + served.get(c, []) for c, ds in assembled.code_dirs.items()}
    code_dirs.update({c: ds for c, ds in served.items() if c not in code_dirs})
    ev = evidence.scan(inv, assembled.review, assembled.hosts, assembled.address_vars, code_dirs,
                       scan_source=scan_source, source_limit=source_limit, progress=progress,
                       aliases=assembled.aliases, fences=_variant_fences(passed_over, picked, assembled, root))
    assembled.add_evidence(ev, decisions or {})
    return assembled.finish()


def _variant_fences(passed_over: list[tuple[Unit, Unit]], picked: list[Unit], assembled: "_Assembly",
                    root: Path) -> list[tuple[Path, set[str]]]:
    """The folders of variants not imported, each with the components its code may be evidence for: those of
    the variant imported instead (the same services). A code folder there named like a service of another
    system (awesome-compose's ``nginx-flask-mysql/backend/``, beside react-express-mongodb's ``backend``) is
    no code of that system: read as its code, it invented a call across systems. The checkout's own folder,
    and a folder that holds the variant imported, are not fenced (their code is the imported variant's)."""
    def folder_of(u: Unit) -> Path | None:
        rel = _unit_folder(u.key, root)
        return None if rel is None or rel in (".", "") else (root / rel)

    homes = [f for f in (folder_of(u) for u in picked) if f is not None]
    out: list[tuple[Path, set[str]]] = []
    for u, chosen in passed_over:
        folder = folder_of(u)
        if folder is None:
            continue
        if any(h == folder or folder in h.parents for h in homes):
            continue
        ids = {cid for k, cids in assembled.parts for cid in cids
               if k == chosen.key or chosen.key in k.split(" + ")}
        ids = ids or (set(chosen.result.review.components) if chosen.result is not None else set()) & set(
            assembled.review.components)
        out.append((folder, ids))
    return out


_DEPLOYMENT_ROLES = ("kubernetes", "compose", "helm-chart", "kustomization", "structurizr", "structurizr-json",
                     "backstage", "aspire")


def _nothing_outside_skipped(path: Path, limit: int = 5000) -> str | None:
    """Why a folder gave nothing to import when its deployment files sit under a build-output folder the walk
    leaves out (SKIP_DIRS): "the folder holds no files" was false for a checkout whose release files are all
    under ``dist/``. Names the folders and the command that imports one; None when no such file is there.
    Looks at no more than ``limit`` files (a ``target/`` of class files is not read through)."""
    if not path.is_dir():
        return None
    found: dict[Path, list[str]] = {}
    seen = 0
    for dirpath, dirnames, filenames in os.walk(path):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("node_modules", "vendor",
                                                                                          "bower_components"))
        outside = [d for d in Path(_rel(here, path)).parts if d in BUILD_OUTPUT_DIRS]
        for name in sorted(filenames):
            if not outside:
                continue
            seen += 1
            if seen > limit:
                break
            f = here / name
            try:
                role = classify(f)
            except (OSError, PrrError):
                continue
            if role in _DEPLOYMENT_ROLES:
                parts = Path(_rel(f, path)).parts
                skip_at = next(i for i, d in enumerate(parts) if d in BUILD_OUTPUT_DIRS)
                found.setdefault(Path(*parts[:skip_at + 1]), []).append(_rel(f, path))
        if seen > limit:
            break
    if not found:
        return None
    folder = min(found, key=lambda k: (len(k.parts), k.as_posix()))
    files = found[folder]
    others = [k.as_posix() for k in sorted(found) if k != folder]
    return (f"the deployment files found are under {folder.as_posix()}/, a folder skipped as build output "
            f"({', '.join(files[:3])}{' ...' if len(files) > 3 else ''}); to import them, import that folder: "
            f"prr import {(path / folder).as_posix()}" + (f" (more under {', '.join(others[:3])})" if others else ""))


#: a review JSON is none of these: it is a whole review, imported whole or not at all (_review_json_whole)
_OTHER_FORMATS = {"jaeger", "servicegraph", "kiali", "dot", "csv"}
#: formats that describe what is deployed (the other formats are used when none of these can be read)
_DEPLOYMENT_FORMATS = frozenset({"kubernetes", "compose", "structurizr", "structurizr-json", "backstage", "aspire"})
#: formats of calls seen in traffic, laid over a deployment instead of standing for one
OBSERVED_FORMATS = frozenset({"jaeger", "servicegraph", "kiali"})


_REVIEW_JSON_BESIDE = ("{rel}: a review JSON (a reviewer's work), not read as input: a checkout's import builds the "
                       "review from its deployment files; to bring them into that review, keeping its work: "
                       "prr import {paths} --into {into}")


def _review_jsons(inv: Inventory) -> list[FileEntry]:
    """The review JSONs (``"prr-review"``) among the files, found in the folder or named."""
    return [f for f in inv.files if f.role == "json" and not f.unit]


def _as_named(f: FileEntry, paths: list[Path], root: Path) -> str:
    """A file of the inventory as the user would name it: by its own path when named, else under the
    folder given (the walk resolves paths; the user typed ``repo``, not ``/home/me/repo``)."""
    if f.direct:
        return next((str(p) for p in paths if _same_file(f.path, str(p))), str(f.path))
    for p in paths:
        if p.is_dir():
            try:
                return str(p / f.path.relative_to(p.resolve()))
            except ValueError:
                continue
    return str(f.path)


def _review_json_whole(inv: Inventory, paths: list[Path], variant: str | None) -> ImportResult | None:
    """A folder with no deployment files whose review source is a review JSON (the README advises
    keeping ``review.json`` in version control): that review, imported whole, as ``prr import
    review.json`` imports it (system, tier, reviewers, journeys, answers, risks: a review JSON is
    the reviewer's work, never taken apart for its components). None when the folder holds no
    review JSON, or deployment files (read or broken: what they describe, or why they cannot be
    read, is the import's business), or ``variant`` asks for a deployment. Several review JSONs:
    refused, since which one is the review cannot be told."""
    found = _review_jsons(inv)
    if not found or variant or any(u.fmt in _DEPLOYMENT_FORMATS for u in inv.units):
        return None
    where = str(paths[0]) if len(paths) == 1 else ", ".join(map(str, paths))
    if len(found) > 1:
        names = [_as_named(f, paths, inv.root) for f in found]
        raise PrrError(f"holds {len(found)} review JSONs and no deployment files: {', '.join(names[:5])}"
                       f"{' ...' if len(names) > 5 else ''}; a review is one file: import the one you mean by its "
                       f"name (prr import {names[0]})", file=where)
    from prr_app.importers.registry import _first_format, formats

    fmts = formats()
    res = fmts["json"].read([found[0].path])
    found[0].note = "read"
    rel = found[0].rel
    res.report.read.insert(0, f"{where}: no deployment files; its review JSON {rel} is the review, imported whole "
                              f"(as prr import {_as_named(found[0], paths, inv.root)} does)")
    for f in inv.files:
        if f is not found[0] and not f.unit and f.role in ("config", "other", "csv", "dot", "jaeger"):
            fmt = _first_format(fmts, f.path)
            if fmt in _OTHER_FORMATS or fmt == "servicegraph":
                res.report.warnings.append(f"{f.rel}: {fmt}, not read: the folder's review JSON {rel} is imported "
                                           f"whole; to add these calls to it: prr import {_as_named(f, paths, inv.root)}"
                                           f" --into {_as_named(found[0], paths, inv.root)}")
    return res  # no inventory: the files beside it are not evidence for it, as for the file named alone


#: what ``--format`` reads as the deployment of a checkout, by the roles files are recognised as
_ONLY_ROLES = {"kubernetes": {"kubernetes", "helm-chart", "helm-part", "kustomization"}, "compose": {"compose"}}
_ONLY_WHAT = {"kubernetes": "the Kubernetes files (manifests, Kustomize folders, Helm charts)",
              "compose": "the Compose files"}
#: the import format of a deployment file's role
_ROLE_FORMAT = {"helm-chart": "kubernetes", "helm-part": "kubernetes", "kustomization": "kubernetes"}
#: roles that are what a checkout reads besides its deployment files (evidence), or nothing
_NOT_DEPLOYMENT = {"config", "source", "other", "compose-env"}


def _only(inv: Inventory, fmt: str) -> list[str]:
    """``--format fmt`` on a checkout: the deployment files of other formats are left out (their role
    becomes "left-out", so no unit is formed of them); the lines that say so, as ``--format`` on files says
    it. Configuration and source stay: they are evidence for whatever deployment is read."""
    if fmt not in _ONLY_ROLES:
        raise PrrError(f"--format {fmt} does not read a folder as a checkout")  # a caller's error
    out = []
    for f in inv.files:
        if f.direct or f.role in _NOT_DEPLOYMENT or f.role in _ONLY_ROLES[fmt]:
            continue
        other = _ROLE_FORMAT.get(f.role, f.role)
        what = {"helm-chart": " (a Helm chart)", "helm-part": " (a Helm template)",
                "kustomization": " (a Kustomize folder)"}.get(f.role, "")
        f.note = f"not {fmt}: looks like {other}{what}"
        out.append(f"{f.rel}: not {fmt}: looks like {other}{what} (import it with --format {other})")
        f.role = "left-out"
    return out


def _direct_role(path: Path) -> str:
    """A file the user named: what :func:`classify` says, or else the import format that accepts it."""
    role = classify(path)
    if role in ("config", "source", "other", "helm-part", "csv", "dot"):
        from prr_app.importers.registry import _first_format, formats

        fmt = _first_format(formats(), path)
        if fmt is None and _utf16(path):
            # detection reads text: UTF-16 (what Windows editors save as "Unicode") is named, not guessed at
            raise PrrError("UTF-16 text (it starts with UTF-16's byte-order mark); save it as UTF-8 and import that"
                           + ("" if path.suffix.lower() in (".csv", ".tsv", ".txt") else
                              " (only a CSV edge list is read as UTF-16)"), file=str(path))
        if fmt is None:
            raise PrrError("cannot tell the format of this file; pass --format (one of "
                           + ", ".join(formats()) + ")", file=str(path))
        role = fmt
    return role


def _utf16(path: Path) -> bool:
    """Whether the file starts with a UTF-16 byte-order mark (:func:`prr_app.text_safety.bom_encoding`)."""
    from prr_app.text_safety import bom_encoding

    if not path.is_file():  # a FIFO or a device: opening it could wait for a writer for ever
        return False
    try:
        with open(path, "rb") as fh:
            return bom_encoding(fh.read(4)) == "UTF-16"
    except OSError:
        return False


def _other_format_units(inv: Inventory) -> list[Unit]:
    """A folder with no deployment files that can be read: the files of one other import format (edge
    lists, traces, DOT...), those of the format most files have, as one unit (the units added)."""
    from prr_app.importers.registry import _first_format, formats

    fmts = formats()
    by_fmt: dict[str, list[FileEntry]] = {}
    for f in inv.files:
        if f.role in ("config", "other", "csv", "dot", "jaeger", "json") and not f.unit:
            fmt = _first_format(fmts, f.path)
            if fmt in _OTHER_FORMATS or fmt == "servicegraph":
                by_fmt.setdefault(fmt, []).append(f)
    if not by_fmt:
        return []
    fmt = max(sorted(by_fmt), key=lambda k: len(by_fmt[k]))
    key = f"{_rel(by_fmt[fmt][0].path.parent, inv.root)} ({fmt})"
    unit = Unit(key, fmt, fmt, [f.path for f in by_fmt[fmt]])
    inv.units.append(unit)
    for f in by_fmt[fmt]:
        f.role, f.unit = fmt, key
    return [unit]


def _kubernetes_systems(k8s: list[Unit], root: Path) -> list[list[Unit]]:
    """The picked Kubernetes units, in the groups imported together. One group, as a host named in one
    folder may be deployed by another, unless two folders deploy workloads of the same name (two systems
    side by side, each with its ``frontend``): read together, the second copy was a duplicate object and
    the two systems' services one component before the namesake rule could keep them apart. Then each
    such folder is a group of its own, laid into the review as a Compose project is (``_Assembly._namesakes``:
    the same service described twice when they name each other's services, else kept apart, the later
    prefixed with its folder), and a folder of policies, autoscalers or budgets joins the folder it sits
    beside (the nearest by path)."""
    if not k8s:
        return []
    main = [u for u in k8s if not u.support]
    groups: list[list[Unit]] = []
    for u in main:
        home = next((g for g in groups if not any(u.names & o.names for o in g)), None)
        if home is None:
            groups.append([u])
        else:
            home.append(u)
    if len(groups) <= 1:
        return [k8s]

    def closeness(a: Unit, b: Unit) -> int:
        pa, pb = Path(a.key.split(" (")[0]).parts, Path(b.key.split(" (")[0]).parts
        n = 0
        for x, y in zip(pa, pb):
            if x != y:
                break
            n += 1
        return n

    for s in (u for u in k8s if u.support):
        best = max(groups, key=lambda g: max(closeness(s, u) for u in g))
        best.append(s)
    return groups


def _import_without_broken(unit: Unit, inv: Inventory, root: Path) -> None:
    """Read a unit of plain manifests, edge lists, traces or DOT files; a file that cannot be read (invalid
    YAML, too large, not text) is taken out of it (a unit of its own, with its problem: a "could not read"
    warning) and the others are read without it, so one broken file does not sink the good ones."""
    while True:
        _import_unit(unit, root, inv=inv)
        if unit.result is not None or not unit.paths:
            return
        if unit.fmt == "kubernetes" and (not unit.unreadable or len(unit.paths) < 2):
            return  # a folder of one file, or a problem of the whole (no workloads): said as it is
        bad = next((p for p in unit.paths if unit.problem_file and _same_file(p, unit.problem_file)), None)
        if bad is None:
            return  # the problem names no one file: the unit as a whole is not read
        rel = _rel(bad, root)
        inv.units.insert(inv.units.index(unit), Unit(rel, unit.fmt, "contents", [bad], problem=unit.problem,
                                                     unreadable=True, split_from=unit.key))
        for f in inv.files:
            if f.path == bad:
                f.unit, f.note = rel, f"could not read: {unit.problem}"
        unit.paths = [p for p in unit.paths if p != bad]
        unit.problem, unit.problem_file, unit.unreadable = "", None, False
        if not unit.paths:
            inv.units.remove(unit)
            return


def _holds(outer: str, inner: str) -> bool:
    """Whether the unit folder ``outer`` holds the unit folder ``inner`` (or is it)."""
    return outer in (".", inner) or inner.startswith(outer + "/")


def _same_file(path: Path, named: str) -> bool:
    if str(path) == named:
        return True
    try:
        return Path(named).resolve() == path.resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _common_root(paths: list[Path]) -> Path:
    parents = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    base = parents[0]
    for p in parents[1:]:
        while base != base.parent and base not in p.parents and base != p:
            base = base.parent
    return base


def _addons(inv: Inventory, unit: Unit) -> list[Path]:
    """Plain manifests (in Kustomize components) that deploy a host the unit names but does not deploy."""
    res = unit.result
    if res is None:
        return []
    missing = set()
    for d in res.report.dangling:
        m = re.search(r"names host ([A-Za-z0-9_.-]+), which no Service", d)
        if m:
            missing.add(m.group(1).split(".")[0].lower())
    if not missing:
        return []
    out = []
    for f in inv.by_role("kustomize-component"):
        head = paths.head_text(f.path, 1 << 20)
        if not re.search(r"(?m)^kind:\s*Service\s*$", head):
            continue
        for m in re.finditer(r"(?m)^kind:\s*Service\s*\n(?:.*\n){0,3}?\s+name:\s*[\"']?([A-Za-z0-9_.-]+)", head):
            if m.group(1).lower() in missing:
                out.append(f.path)
                break
    return sorted(set(out))


def _mark_optional(result: ImportResult, path: Path, root: Path) -> None:
    rel = _rel(path, root)
    for cid, comp in result.review.components.items():
        if comp.source.endswith(rel) or rel in comp.source:
            if "optional" not in comp.tags:
                comp.tags = [*comp.tags, "optional"]  # a new list: an empty one may be shared (NO_ITEMS)
            for dep in result.review.dependencies.values():
                if dep.target == cid and dep.kind in ("hard", "soft"):  # soft already: a switch off says so too
                    dep.kind = "soft"
                    dep.evidence = [*dep.evidence, f"{rel}: {cid} is deployed only by an optional part (a Kustomize component), "
                                        "so the call is optional: soft"]
    result.report.read.append(f"{rel}: optional part, added because the imported variant names what it deploys")


def _loose(name: str) -> str:
    """A service's name as traffic and deployment files may both write it: "checkout", "checkout-service"
    and "CheckoutService" alike."""
    n = re.sub(r"[^a-z0-9]", "", name.lower())
    for suffix in ("service", "svc"):
        if n.endswith(suffix) and len(n) > len(suffix):
            return n[:-len(suffix)]
    return n


# ------------------------------------------------------------------ assembling
def _reads_variable(path: Path, var: str) -> bool:
    """Whether the file names the environment variable ``var``, as itself or as Spring binds it
    (``CONTACTS_API_ADDR``: ``contacts.api.addr``, ``contacts-api-addr``, ``contactsApiAddr``)."""
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return True  # not read: say nothing against it
    parts = var.lower().split("_")
    forms = {var, ".".join(parts), "-".join(parts), parts[0] + "".join(p.capitalize() for p in parts[1:])}
    return any(f in text for f in forms)


#: variables a framework reads itself, not the service's code: Spring Boot binds SPRING_DATASOURCE_URL as
#: spring.datasource.url (SPRING_RABBITMQ_HOST, SPRING_DATA_MONGODB_URI, SPRING_REDIS_HOST...), Quarkus and
#: Micronaut their own prefixes, .NET reads ConnectionStrings__X; a search of the code for them finds nothing
_FRAMEWORK_VARIABLE = re.compile(r"^(?:(SPRING|QUARKUS|MICRONAUT)_[A-Z0-9_]+|(ConnectionStrings)__\w+)$", re.I)
_FRAMEWORKS = {"spring": "Spring Boot", "quarkus": "Quarkus", "micronaut": "Micronaut", "connectionstrings": ".NET"}


def _framework_reads(var: str) -> str | None:
    """The framework that reads ``var`` by itself (``SPRING_DATASOURCE_URL``: "Spring Boot"), or None."""
    m = _FRAMEWORK_VARIABLE.match(var)
    return _FRAMEWORKS[(m.group(1) or m.group(2)).lower()] if m else None


#: the evidence scan's words for code reading an address variable (evidence._scan_text)
_VARIABLE_READ = re.compile(r"source reads ([A-Za-z_][A-Za-z0-9_]*), the variable that carries ")
#: a call to a host a deployment does not deploy, as the importers word it ("names host grafana, which ...")
_NAMES_HOST = re.compile(r"names host ([A-Za-z0-9_.-]+), which")


def _called_hosts(dangling: list[str]) -> set[str]:
    """The hosts dangling references name (a deployment's calls to services it does not deploy)."""
    return {m.group(1).split(".")[0].lower() for d in dangling for m in [_NAMES_HOST.search(d)] if m}


def _unit_folder(key: str, root: Path) -> str | None:
    """The folder (relative to ``root``) a unit's key names: ``astronomy`` for ``astronomy (compose)``,
    the folder of a workspace file; None for the Backstage catalog, which has no one folder."""
    rel = re.sub(r" \((compose|helm template)[^)]*\)$", "", key).strip()
    if not rel or rel == "backstage catalog" or " + " in rel:
        return None
    if rel != "." and (root / rel).is_file():
        rel = Path(rel).parent.as_posix() or "."
    return rel


def _system_label(key: str, root: Path) -> str:
    """What a system's services are prefixed with where another system has a service of the same name:
    its deployment's folder name (``astronomy``), the imported folder's name for one at the top; for folders
    read together (``boutique + boutique/network-policies``), the first one's."""
    folder = _unit_folder(key.split(" + ")[0], root)
    name = Path(folder).name if folder and folder != "." else (root.name if folder == "." else key)
    return name or "system"


def _renamed(res: ImportResult, mapping: dict[str, str]) -> None:
    """Give components and groups of one import result new ids (old -> new), everywhere the result
    names them: dependencies, group members, hosts, address variables, code folders, aliases, call
    policies and the report's evidence."""
    rv = res.review
    to = lambda x: mapping.get(x, x)  # noqa: E731
    comps = {}
    for cid, comp in rv.components.items():
        comp.id = to(cid)
        comps[comp.id] = comp
    rv.components = comps
    groups = {}
    for gid, g in rv.groups.items():
        g.id = to(gid)
        g.members = [to(m) for m in g.members]
        groups[g.id] = g
    rv.groups = groups
    deps, order_only, shared_only = {}, {}, {}
    for did, dep in rv.dependencies.items():
        dep.source, dep.target = to(dep.source), to(dep.target)
        deps[dep.id] = dep
        if did in res.order_only:
            order_only[dep.id] = res.order_only[did]
        if did in res.shared_only:
            shared_only[dep.id] = res.shared_only[did]
    rv.dependencies = deps
    res.order_only, res.shared_only = order_only, shared_only
    res.hosts = {h: [to(i) for i in ids] for h, ids in res.hosts.items()}
    res.address_vars = {v: [to(i) for i in ids] for v, ids in res.address_vars.items()}
    res.code_dirs = {to(c): d for c, d in res.code_dirs.items()}
    res.aliases = {a: to(c) for a, c in res.aliases.items()}
    res.call_policies = {to(c): p for c, p in res.call_policies.items()}
    res.idle_versions = {to(c): [to(t) for t in takers] for c, takers in res.idle_versions.items()}
    res.telemetry_stores = {to(c): [to(t) for t in hubs] for c, hubs in res.telemetry_stores.items()}
    for i in res.report.components:
        i.element = to(i.element)
    # the report's lines name a call by its ends' ids (``frontend -> quote rests on depends_on alone``): they
    # name the elements as the review has them (``astronomy/frontend -> quote``), as the dependency does; what
    # a file says (``service frontend``, ``depends_on frontend``) is quoted as written
    said = lambda line: _renamed_line(line, mapping)  # noqa: E731
    rep = res.report
    rep.read, rep.warnings = [said(x) for x in rep.read], [said(x) for x in rep.warnings]
    rep.skipped, rep.dangling = [said(x) for x in rep.skipped], [said(x) for x in rep.dangling]
    res.order_only = {d: (said(w), vital) for d, (w, vital) in res.order_only.items()}


#: an id at one end of a call written ``a -> b`` in a report line (ids hold letters, digits, ``-``, ``_``,
#: ``.`` and ``/``; the location before, ``file:12: ``, ends with a blank)
_CALL_END = re.compile(r"(?<![^\s(\[,;])([^\s,;()\[\]]+)( -> )([^\s,;:()\[\]]+)")


def _renamed_line(line: str, mapping: dict[str, str]) -> str:
    """``line`` with the renamed ids at the ends of the calls it names (``a -> b``) given their new ids."""
    if " -> " not in line:
        return line
    return _CALL_END.sub(lambda m: mapping.get(m.group(1), m.group(1)) + m.group(2)
                         + mapping.get(m.group(3), m.group(3)), line)


def _same_deployment(had: str | None, now: str | None) -> int:
    """How surely two components' ``source`` (``import:compose astronomy/compose.yaml``) name one deployment:
    2 the same file, 1 the same file seen from another imported folder (one path ends with the other), 0 not."""
    if not had or not now:
        return 0
    a, b = had.partition(" ")[2] or had, now.partition(" ")[2] or now
    if had == now or a == b:
        return 2
    return 1 if a.endswith("/" + b) or b.endswith("/" + a) else 0


#: the tag of a component added because configuration names it by a connection URL no file read deploys
NOT_DEPLOYED = "not-deployed"
#: a dangling reference of a deployment's environment whose value is a connection URL (Kubernetes and Compose)
_STORE_URL_DANGLING = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+): (?P<src>\S+) (?P<how>env|environment) (?P<var>[^=\s]+)="
    r"(?P<val>(?:jdbc:)?(?P<scheme>[A-Za-z][A-Za-z0-9+]*)://\S*?): names host (?P<host>[A-Za-z0-9_.-]+), which")
#: a connection URL's scheme -> (component kind, what it is in words)
_STORE_SCHEMES = {
    **{s: ("datastore", "database") for s in ("mysql", "mariadb", "postgresql", "postgres", "sqlserver", "mongodb",
                                              "mongodb+srv", "cassandra", "db2", "cockroachdb", "clickhouse",
                                              "couchdb", "neo4j", "bolt", "h2", "oracle", "informix", "hsqldb")},
    **{s: ("cache", "cache") for s in ("redis", "rediss", "memcached", "memcache")},
    **{s: ("queue", "message broker") for s in ("amqp", "amqps", "kafka", "nats", "mqtt", "stomp")},
}
_STORE_WORDS = {"datastore": "database", "cache": "cache", "queue": "message broker"}
#: top-level domains a connection URL's host on the internet ends with (an outside, managed service)
_PUBLIC_TLDS = {"com", "net", "org", "io", "dev", "app", "cloud", "co", "info", "biz", "ai", "us", "uk", "de", "eu",
                "fr", "jp", "cn", "in", "br", "ru", "nl", "au", "ca", "ch", "se", "es", "it", "pl", "me", "tech"}


def _in_cluster_host(host: str) -> bool:
    """Is ``host`` a name inside the deployment's own network (``customers-db-mysql``, ``db.shop``,
    ``x.ns.svc.cluster.local``), not a public domain (a managed database at ``...rds.amazonaws.com``: outside)?"""
    labels = host.lower().strip(".").split(".")
    if not labels or labels[0] in ("localhost", "") or all(x.isdigit() for x in labels):
        return False
    if len(labels) == 1 or "svc" in labels or labels[-1] in ("local", "internal", "localdomain", "lan", "cluster"):
        return True
    return len(labels) == 2 and labels[-1] not in _PUBLIC_TLDS


def _typo_of(name: str, known: str) -> bool:
    """Is ``name`` a letter or two off ``known`` (``vists-service`` for ``visits-service``), not another word?"""
    if min(len(name), len(known)) < 6 or abs(len(name) - len(known)) > 2:
        return False
    prev = list(range(len(known) + 1))
    for i, a in enumerate(name, 1):
        cur = [i]
        for j, b in enumerate(known, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1] <= (1 if len(known) < 10 else 2)


class _Assembly:
    """Several import results made into one review, with one report."""

    def __init__(self, root: Path, paths: list[Path], inv: Inventory, keep_ids: dict[str, str] | None = None):
        self.root = root
        self.keep_ids = keep_ids or {}  # on a re-import: the existing review's component id -> its source
        self.paths = paths
        self.inv = inv
        self.review = Review()
        self.review.meta.tier = None  # a checkout never states the review's tier (issue 17)
        self.report = ImportReport(format="repository", sources=[str(p) for p in paths])
        self.hosts: dict[str, list[str]] = {}
        self.address_vars: dict[str, list[str]] = {}
        self.code_dirs: dict[str, list[str]] = {}
        self.aliases: dict[str, str] = {}  # a component's other names (its containers') -> id
        self.systems: list[str] = []
        self.parts: list[tuple[str, set[str]]] = []  # each deployment read, with the components it added
        self.unnamed = 0  # deployments read that declare no system name
        self.inferred: list[dict] = []
        #: the calls a deployment's own reading guessed (a Terraform graph's creation order), kept with the
        #: ones configuration and source gave (``inferred``): the record marks them all
        self.unit_inferred: list[dict] = []
        self.call_policies: dict[str, dict] = {}
        #: component id -> the files a config server hands out for it (:func:`_config_server_files`): its
        #: configuration is in the checkout, so what names its database would have been read
        self.served: dict[str, list[str]] = {}
        self.order_only: dict[str, tuple[str, bool]] = {}  # dependency id -> (what was said, vital): ImportResult
        self.shared_only: dict[str, list] = {}  # dependency id -> the address books that alone name it
        self.idle_versions: dict[str, list[str]] = {}  # component id -> those taking its traffic: ImportResult
        self.telemetry_stores: dict[str, list[str]] = {}  # store id -> the hubs that alone use it: ImportResult
        self.namesakes: dict[str, list[str]] = {}  # a name two systems' services share -> their ids (_namesakes)
        #: a workspace that extends a base, read together with others that extend it -> (the base, the ids of the
        #: elements it read from the base): those are one element each, described once (_namesakes)

    def add(self, key: str, res: ImportResult, parts: list[tuple[str, set[str]]] | None = None) -> None:
        """Lay one import result into the review. ``parts``: the deployments ``res`` was read from
        together (Kubernetes folders imported as one), each with its component ids.

        A service whose id a deployment read before already has is one of two things (:meth:`_namesakes`):
        the same service described twice, when the two deployments name each other's services (one
        component, with the calls of both descriptions), or a service of another system that happens to
        share the name, when neither names a service of the other (kept apart, its id prefixed with its
        deployment's folder: ``astronomy/frontend``). Either way no call is dropped."""
        self._as_before(key, res, parts)
        same = self._namesakes(key, res)
        r, rv = res.report, res.review
        rep = self.report
        rep.read.append(f"{key}: {r.summary()}")
        rep.read += r.read
        self.unit_inferred += [dict(i) for i in r.inferred]
        rep.skipped += r.skipped
        rep.warnings += r.warnings
        rep.dangling += r.dangling
        kept = set()
        for cid, comp in rv.components.items():
            if cid in self.review.components:
                continue  # the same service (same): its calls are laid onto the one kept, below
            self.review.components[cid] = comp
            kept.add(cid)
        for did, dom in rv.domains.items():
            self.review.domains.setdefault(did, dom)
        for gid, g in rv.groups.items():
            if gid not in self.review.groups and gid not in self.review.components:
                self.review.groups[gid] = g
        added: dict[str, int] = {}
        for did, dep in rv.dependencies.items():
            if dep.source not in kept and dep.source not in same:
                continue
            have = self.review.dependencies.get(did)
            if have is not None:  # the same call, described again: its evidence corroborates
                have.evidence = [*have.evidence, *(e for e in dep.evidence if e not in have.evidence)]
                continue
            self.review.dependencies[did] = dep
            if dep.source in same:
                added[dep.source] = added.get(dep.source, 0) + 1
            if did in res.order_only:
                self.order_only[did] = res.order_only[did]
            if did in res.shared_only:
                self.shared_only[did] = res.shared_only[did]
        for cid in sorted(same):
            n = added.get(cid, 0)
            if same[cid].endswith("(the base both extend)"):  # parts of one model: said once, in the read lines
                mine = self.review.components[cid]
                if rv.components[cid].user_facing and not mine.user_facing:  # the workspace detailing it says so
                    mine.user_facing = True
                    had = next((i for i in rep.components if i.element == cid), None)
                    extra = next((i.evidence for i in r.components if i.element == cid), [])
                    if had is not None:
                        had.evidence = [*had.evidence, *(e for e in extra if e not in had.evidence)]
                continue
            rep.warnings.append(f"{key}: {cid} is also described by {same[cid]}: the same service (the two "
                                "deployments name each other's services), one component kept (not redundancy)"
                                + (f"; {n} call(s) only this description names added to it" if n else ""))
        ev = {i.element: i for i in r.components}
        # in the variant's own order: a set's order changes with PYTHONHASHSEED
        rep.components += [ev[c] for c in rv.components if c in kept and c in ev]
        for h, ids in res.hosts.items():
            self.hosts.setdefault(h, [])
            self.hosts[h] += [i for i in ids if i not in self.hosts[h]]
        for v, ids in res.address_vars.items():
            self.address_vars.setdefault(v, [])
            self.address_vars[v] += [i for i in ids if i not in self.address_vars[v]]
        for c, dirs in res.code_dirs.items():
            self.code_dirs.setdefault(c, []).extend(dirs)
        for a, c in res.aliases.items():
            if c in kept:
                self.aliases.setdefault(a, c)
        for c, pol in res.call_policies.items():
            if c in kept:
                self.call_policies[c] = pol
        for c, takers in res.idle_versions.items():
            if c in kept:
                self.idle_versions[c] = list(takers)
        for c, hubs in res.telemetry_stores.items():
            if c in kept:
                self.telemetry_stores[c] = list(hubs)
        if res.system_declared and rv.meta.system_name:
            self.systems.append(rv.meta.system_name)
        elif kept:
            self.unnamed += 1  # a deployment read that names no system: the review is not that one system's
        if kept and parts:
            self.parts += [(k, ids & kept) for k, ids in parts if ids & kept]
        elif kept:
            self.parts.append((key, kept))

    def _namesakes(self, key: str, res: ImportResult) -> dict[str, str]:
        """Settle the services of ``res`` whose ids a deployment read before already has. When the two
        deployments name each other's services (one calls a host only the other deploys), they are parts
        of one system and a shared name is one service described twice: returned (id -> where it was first
        described), to be kept once. Else they are two systems that share a service's name (two products
        in one folder, each with its ``frontend``): the newcomer's are renamed in ``res``, prefixed with its
        deployment's folder (``astronomy/frontend``, :func:`_renamed`), said in a warning, and remembered
        so that what configuration and source name is resolved within each system first
        (:meth:`_own_system_first`)."""
        rv = res.review
        taken = set(self.review.components) | set(self.review.groups)
        clash = [cid for cid in rv.components if cid in taken]
        if not clash:
            return {}
        mine = {h.lower() for h in self.hosts}
        theirs = {h.lower() for h in res.hosts} | {c.lower() for c in rv.components}
        linked = bool(_called_hosts(res.report.dangling) & (mine - theirs)) or \
            bool(_called_hosts(self.report.dangling) & (theirs - mine))
        same = {cid: self.review.components[cid].source or "another deployment" for cid in clash
                if linked and cid in self.review.components}
        apart = [cid for cid in clash if cid not in same]
        kept = self._give_way(key, res, apart)
        apart = [cid for cid in apart if cid not in kept]
        if not apart:
            return same
        taken = set(self.review.components) | set(self.review.groups)
        label = _system_label(key, self.root)
        used = taken | set(self.review.domains) | set(rv.components) | set(rv.groups)
        mapping: dict[str, str] = {}
        for cid in apart:
            mapping[cid] = make_unique(f"{label}/{cid}", used)
            used.add(mapping[cid])
        for gid in rv.groups:  # a group of the same name (a Service in front of workloads) goes with them
            if gid in taken:
                mapping[gid] = make_unique(f"{label}/{gid}", used)
                used.add(mapping[gid])
        _renamed(res, mapping)
        part_of = {cid: k for k, ids in self.parts for cid in ids}
        where = sorted({part_of.get(cid, self.review.components[cid].source if cid in self.review.components
                                    else "another deployment") for cid in apart})
        for cid in apart:
            self.namesakes.setdefault(cid, [cid]).append(mapping[cid])
        self.report.warnings.append(
            f"{key}: {count(len(apart), 'service')} named as one of {', '.join(where)} "
            f"({', '.join(apart)}), another system (neither deployment names a service only the other deploys): "
            f"kept apart as {', '.join(mapping[c] for c in apart)} (not a duplicate); each system's host names "
            "are taken for its own services first")
        return same

    def _as_before(self, key: str, res: ImportResult, parts: list[tuple[str, set[str]]] | None) -> None:
        """On a re-import, a service the existing review has under its system's prefixed id
        (``astronomy/frontend``: kept apart then from another system's ``frontend``) keeps that id, though
        the review's plain ``frontend`` is the other deployment's, whether or not that one is still read:
        ids keep their meaning across re-imports, and the reviewer's edits stay on their service."""
        if not self.keep_ids:
            return
        rv = res.review
        key_of = {cid: k for k, ids in (parts or []) for cid in ids}
        taken = set(self.review.components) | set(self.review.groups) | set(rv.components) | set(rv.groups)
        mapping: dict[str, str] = {}
        for cid, comp in rv.components.items():
            had = self.keep_ids.get(cid)
            if had is None or _same_deployment(had, comp.source):
                continue
            want = f"{_system_label(key_of.get(cid, key), self.root)}/{cid}"
            if want not in taken and want not in mapping.values() and \
                    _same_deployment(self.keep_ids.get(want), comp.source) > 0:
                mapping[cid] = want
        if not mapping:
            return
        _renamed(res, mapping)
        if parts:
            parts[:] = [(k, {mapping.get(c, c) for c in ids}) for k, ids in parts]
        for cid, new in mapping.items():  # a namesake should the plain id's system be read too (_own_system_first)
            self.namesakes.setdefault(cid, [cid]).append(new)
        self.report.warnings.append(
            f"{key}: {count(len(mapping), 'service')} kept under the id{'s' if len(mapping) > 1 else ''} the review "
            f"gave {'them' if len(mapping) > 1 else 'it'} from this deployment: "
            f"{', '.join(f'{c} as {n}' for c, n in mapping.items())} (the review's "
            f"{', '.join(mapping)} came from another deployment)")

    def _give_way(self, key: str, res: ImportResult, apart: list[str]) -> dict[str, str]:
        """On a re-import, of two systems' services that share a name (:meth:`_namesakes`), the one the
        existing review has under that id from the same deployment keeps it, though read second: the one
        laid before gives way, renamed in the assembly with its own deployment's folder
        (``boutique/frontend``). Returns the ids ``res`` keeps (id -> the other's new id)."""
        if not self.keep_ids:
            return {}
        rv = res.review
        part_of = {cid: k for k, ids in self.parts for cid in ids}
        used = (set(self.review.components) | set(self.review.groups) | set(self.review.domains)
                | set(rv.components) | set(rv.groups))
        mapping: dict[str, str] = {}
        for cid in apart:
            had, holder = self.keep_ids.get(cid), self.review.components.get(cid)
            if had is None or holder is None or cid not in part_of:
                continue
            if _same_deployment(had, rv.components[cid].source) > _same_deployment(had, holder.source):
                mapping[cid] = make_unique(f"{_system_label(part_of[cid], self.root)}/{cid}", used)
                used.add(mapping[cid])
        if not mapping:
            return {}
        _renamed(self, mapping)  # the assembly holds what an ImportResult does, under the same names
        self.parts = [(k, {mapping.get(c, c) for c in ids}) for k, ids in self.parts]
        self.namesakes = {n: [mapping.get(c, c) for c in ids] for n, ids in self.namesakes.items()}
        for cid, new in mapping.items():
            self.namesakes.setdefault(cid, [new]).append(cid)
        self.report.warnings.append(
            f"{key}: {count(len(mapping), 'service')} named as one of {', '.join(sorted({part_of[c] for c in mapping}))} "
            f"({', '.join(mapping)}), another system (neither deployment names a service only the other deploys): "
            f"this deployment's keeps the id the review gave it; the other's kept apart as "
            f"{', '.join(mapping.values())} (not a duplicate); each system's host names are taken for its own "
            "services first")
        return mapping

    def observe(self, key: str, res: ImportResult) -> None:
        """Calls seen in traffic (``res``, a Jaeger, servicegraph or Kiali import) laid over the deployment:
        a call between deployed components corroborates the dependency the files state, or is added as
        one they do not; a service the files deploy nowhere is added, said in a warning. The deployment
        stays what says what runs: replicas, placement, domains and groups come from it, not from traffic."""
        rv, rep = res.review, self.report
        rep.read.append(f"{key}: {res.report.summary()}: calls seen in traffic, laid over the deployment")
        rep.read += res.report.read
        rep.skipped += res.report.skipped
        rep.dangling += res.report.dangling
        rep.warnings += res.report.warnings
        mine = self.review.components
        by_name: dict[str, set[str]] = {}
        for cid, comp in mine.items():
            for n in (cid, comp.name):
                by_name.setdefault(n.lower(), set()).add(cid)
        for h, ids in self.hosts.items():
            by_name.setdefault(h.lower(), set()).update(ids)
        loose: dict[str, set[str]] = {}  # names without punctuation and a "service" or "svc" suffix
        for n, ids in by_name.items():
            loose.setdefault(_loose(n), set()).update(ids)
        ev = {i.element: i for i in res.report.components}
        to: dict[str, str] = {}
        added: list[str] = []
        for cid, comp in rv.components.items():
            found = by_name.get(cid.lower(), set()) | by_name.get(comp.name.lower(), set())
            if not found and len(loose.get(_loose(cid), ())) == 1:
                found = loose[_loose(cid)]
                rep.read.append(f"{key}: {cid} seen in traffic is {next(iter(found))} of the deployment "
                                "(the same name but for punctuation or a service suffix)")
            if len(found) == 1:
                to[cid] = next(iter(found))
                continue
            new = make_unique(cid, set(mine) | set(self.review.domains) | set(self.review.groups))
            comp.id, comp.placement, comp.shared_domains, comp.replicas = new, [], [], None
            mine[new] = comp
            to[cid] = new
            added.append(new)
            if cid in ev:
                rep.components.append(ev[cid])
        if added:
            rep.warnings.append(f"{key}: {len(added)} service(s) seen in traffic that no deployment file read here "
                                f"deploys: {', '.join(added[:10])}{' ...' if len(added) > 10 else ''}: added; "
                                "check where they run")
        new_calls = []
        for dep in rv.dependencies.values():
            src, tgt = to.get(dep.source), to.get(dep.target)
            if src is None or tgt is None:
                rep.skipped.append(f"{key}: {dep.id}: a call to a group of the traffic graph; the deployment's "
                                   "own groups stand")
                continue
            if src == tgt:
                continue
            existing = self.review.dependencies.get(dependency_id(src, tgt))
            if existing is not None:
                existing.evidence = [*existing.evidence, *(f"{e} (seen in traffic: corroborates)"
                                                          for e in dep.evidence if e not in existing.evidence)]
                continue
            dep.source, dep.target = src, tgt
            dep.evidence = [*dep.evidence, "seen in traffic; no deployment or configuration file read names it"]
            self.review.dependencies[dep.id] = dep
            new_calls.append(dep.id)
        if new_calls:
            rep.warnings.append(f"{key}: {len(new_calls)} call(s) seen in traffic that no file read here names: "
                                f"{', '.join(new_calls[:10])}{' ...' if len(new_calls) > 10 else ''}: added")

    def add_evidence(self, found, decisions: dict[str, str]) -> None:
        from prr_app.model.entities import Dependency
        from prr_app.importers.evidence import weakest

        rep = self.report
        for line in found.read:
            rep.read.append(line)
        rep.skipped += found.skipped
        if self.namesakes:
            self._own_system_first(found)
        self._unset_variable_reads(found)
        self._idle_versions(found)
        self._shared_broker_settings(found)
        self._onto_groups(found)
        self._outside_apis(found)
        for (src, tgt), seen in sorted(found.edges.items()):
            if src not in self.review.components or (tgt not in self.review.components and tgt not in self.review.groups):
                continue
            dep_id = f"{src}->{tgt}"
            existing = next((d for d in self.review.dependencies.values()
                             if d.source == src and d.target == tgt), None)
            texts = [s.text for s in seen]
            if existing is not None:
                for t in texts:
                    if t not in existing.evidence:
                        existing.evidence = [*existing.evidence, t + " (corroborates)"]
                self._settle_order_only(existing, seen)
                continue
            conf = weakest(seen)
            kind = seen[0].kind
            if decisions.get(dep_id) == "rejected":
                rep.skipped.append(f"inferred dependency {dep_id}: rejected by the reviewer earlier; left out")
                self.inferred.append({"id": dep_id, "source": src, "target": tgt, "kind": kind, "confidence": conf,
                                      "evidence": texts, "decision": "rejected"})
                continue
            dep = Dependency(source=src, target=tgt, kind=kind)
            dep.evidence = texts
            if conf == "weak":
                dep.evidence.append(WEAK_LINE)
            self.review.dependencies[dep.id] = dep
            self.inferred.append({"id": dep.id, "source": src, "target": tgt, "kind": kind, "confidence": conf,
                                  "evidence": texts, "decision": decisions.get(dep_id, "")})
        for (src, tgt), pol in sorted(found.policies.items()):
            dep = self.review.dependencies.get(f"{src}->{tgt}")
            if dep is not None:
                settle_calls(dep, pol)
        self._settle_address_books(found)
        self._settle_vital_order(found)

    def _own_system_first(self, found) -> None:
        """Where two systems have a service of the same name (:meth:`_namesakes`), the configuration and
        source scan took a host name (``frontend``) for both, and a folder named after it for either:
        each finding is laid on the service of the system whose folder holds the file (then the caller's
        system). A call that names such a host from a third system, which has none, cannot be told:
        it is not recorded, and said."""
        part_of = {cid: i for i, (_key, ids) in enumerate(self.parts) for cid in ids}
        folders = sorted(((f, i) for i, (key, _ids) in enumerate(self.parts)
                          for f in [_unit_folder(key, self.root)] if f is not None),
                         key=lambda x: -len(x[0]))
        present = set(self.review.components) | set(self.review.groups)
        family = {cid: ids for ids in ([i for i in ids if i in present] for ids in self.namesakes.values())
                  if len(ids) > 1 for cid in ids}

        def system_of(rel: str) -> int | None:
            return next((i for f, i in folders if f == "." or rel == f or rel.startswith(f + "/")), None)

        def own(cid: str, *systems: int | None) -> str | None:
            if cid not in family:
                return cid
            for sys_ in systems:
                hit = [m for m in family[cid] if part_of.get(m) == sys_ and sys_ is not None]
                if hit:
                    return hit[0]
            return None

        edges: dict[tuple[str, str], list] = {}
        moved: dict[tuple[str, str], tuple[str, str]] = {}
        untold: dict[str, list[str]] = {}
        for (src, tgt), seen in found.edges.items():
            for x in seen:
                here = system_of(x.file.split(":", 1)[0])
                s2 = own(src, here) or src
                t2 = own(tgt, part_of.get(s2), here)
                if t2 is None:
                    lines = untold.setdefault(family[tgt][0], [])
                    if f"{s2} -> {x.text}" not in lines:
                        lines.append(f"{s2} -> {x.text}")
                    continue
                lst = edges.setdefault((s2, t2), [])
                if x not in lst:
                    lst.append(x)
                moved.setdefault((src, tgt), (s2, t2))
        found.edges = edges
        policies = {}
        for (src, tgt), pol in found.policies.items():  # what a caller's configuration says of its calls
            s2, t2 = moved.get((src, tgt), (src, own(tgt, part_of.get(src))))
            if t2 is not None:
                policies.setdefault((s2, t2), pol)
        found.policies = policies
        for owner in [o for o in found.files if o in family]:
            for path, is_src in found.files.pop(owner):
                rel = _rel(Path(path).resolve(), self.root)
                found.files.setdefault(own(owner, system_of(rel)) or owner, []).append((path, is_src))
        for tgt, lines in sorted(untold.items()):
            self.report.warnings.append(
                f"host {self.review.components[tgt].name if tgt in self.review.components else tgt} names a service "
                f"of several systems ({', '.join(family[tgt])}), none of them the caller's: {len(lines)} call(s) not "
                f"recorded, as which one is meant cannot be told: {'; '.join(lines[:3])}"
                + (" ..." if len(lines) > 3 else "") + " (add the one meant by hand)")

    def _settle_vital_order(self, found) -> None:
        """A ``depends_on`` alone on a datastore, cache, queue or registry was recorded as hard (a service
        needs its own database); where the service's code is in the checkout (read here) and neither
        it nor any configuration names the target, the order is start-up order only (an aggregator
        started after every database, eShopOnContainers'): soft, with the warning a ``depends_on``
        alone gets. Not for a service that takes its configuration from a config server whose files for
        it are not in the checkout: what names its database may be there (Spring PetClinic's, read from
        git); where the server's files for it are here and were read (manning-smia's Eureka server and
        gateway), the scan saw its configuration."""
        comps = self.review.components
        configured = {d.source for d in self.review.dependencies.values()
                      if d.target in comps and "config" in comps[d.target].tags and d.source not in self.served}
        for dep_id, (said, vital) in sorted(self.order_only.items()):
            dep = self.review.dependencies.get(dep_id)
            if not vital or dep is None or (dep.source, dep.target) in found.edges or len(dep.evidence) != 1 \
                    or dep.source in configured:
                continue
            n_src = sum(1 for _p, is_src in found.files.get(dep.source, []) if is_src)
            if not n_src:
                continue
            dep.kind = "soft"
            where = said.split(": ", 1)[0]
            # one line for the call: the read line (and the warning) said "recorded as hard", no longer so
            if said in self.report.read:
                self.report.read.remove(said)
            if said in self.report.warnings:
                self.report.warnings.remove(said)
            # what the scan found, not a fact: a name built at run time, or in a file not read, escapes it
            self.report.warnings.append(
                f"{where}: {dep.source} -> {dep.target} rests on depends_on alone: the scan found no line naming "
                f"{dep.target} in {dep.source}'s code ({count(n_src, 'source file')} read) or in the configuration, "
                f"so the order was taken for start-up order only: recorded as soft; check it")

    def _outside_apis(self, found) -> None:
        """An outside API a service's code or configuration names (``os.getenv('PAYMENT_GATEWAY',
        'https://paypal.com/')``, a Feign client's url, a mail host): a component of kind ``external_api`` named by its host (one per host, the deployment's own if it
        named the same host), tagged ``external``; the edges to it then name its id."""
        from prr_app.importers.evidence import OUTSIDE
        from prr_app.model.entities import Component
        from prr_app.model.validation import make_id

        for (src, tgt) in sorted(k for k in found.edges if k[1].startswith(OUTSIDE)):
            seen = found.edges.pop((src, tgt))
            host = tgt[len(OUTSIDE):]
            cid = next((c.id for c in self.review.components.values() if c.kind == "external_api" and c.name == host), None)
            if cid is None:
                used = set(self.review.components) | set(self.review.groups) | set(self.review.domains)
                cid = make_unique(make_id(host), used)
                self.review.components[cid] = Component(id=cid, name=host, kind="external_api", tags=["external"],
                                                        source="import:repository")
                self.report.components.append(Inferred(cid, [f"{seen[0].file}:{seen[0].line}: an outside API ({host}) "
                                                             "named by code or configuration: its availability is the "
                                                             "vendor's; state its SLA"]))
                self.report.read.append(f"{seen[0].file}:{seen[0].line}: {host} is an outside API {src} calls (named "
                                        "there): added as an external_api component")
            found.edges.setdefault((src, cid), []).extend(seen)

    def undeployed_stores(self) -> None:
        """A database, cache or broker a service's configuration names by a connection URL
        (``jdbc:mysql://customers-db-mysql...``, ``mongodb://``, ``redis://``) that no file read deploys: installed
        another way (a Helm chart of someone else's, an operator, a managed service), and still a hard dependency
        the review must show. Left a dangling reference, Spring PetClinic Cloud's three MySQL databases were in
        no finding and no verdict. Each becomes a component of the kind the URL's scheme says, tagged
        ``not-deployed``, with the line that names it and a warning to confirm where it runs. Not for a host on a
        public domain (an outside service) nor for a name a letter or two from a deployed service's (a typo:
        said, not added)."""
        from prr_app.model.entities import Component, Dependency
        from prr_app.model.validation import make_id

        rep, rv = self.report, self.review
        known = {c.name.lower() for c in rv.components.values()} | {h.split(".")[0].lower() for h in self.hosts}
        added: dict[str, list[str]] = {}  # component id -> the services naming it
        keep: list[str] = []
        for line in rep.dangling:
            m = _STORE_URL_DANGLING.match(line)
            scheme = m and _STORE_SCHEMES.get(m.group("scheme").lower())
            host = m.group("host").lower() if m else ""
            src = m and self._component_of(m.group("src"), m.group("file"))
            if not (m and scheme and src) or not _in_cluster_host(host):
                keep.append(line)
                continue
            name = host.split(".")[0]
            near = sorted(k for k in known if k != name and _typo_of(name, k))
            where = f"{m.group('file')}:{m.group('line')}"
            if near:
                keep.append(line)
                rep.warnings.append(f"{where}: {src} names {name} by a {m.group('scheme')} URL, which no "
                                    f"file deploys and which is a letter or two from the deployed {near[0]}: a typo? "
                                    f"not added as a component (correct the name, or add the {scheme[1]} by hand)")
                continue
            kind, what = scheme
            cid = next((c for c, ids in added.items() if rv.components[c].name == name), None)
            if cid is None:
                used = set(rv.components) | set(rv.groups) | set(rv.domains)
                cid = make_unique(make_id(name), used)
                rv.components[cid] = Component(id=cid, name=name, kind=kind, tags=[NOT_DEPLOYED],
                                               source="import:repository")
                rep.components.append(Inferred(cid, [f"{where}: {src} names {host} by a "
                                                     f"{m.group('scheme')} URL ({what}); no file read deploys it"]))
                for h in (host, name):
                    self.hosts.setdefault(h, [])
                    if cid not in self.hosts[h]:
                        self.hosts[h].append(cid)
                added[cid] = []
            added[cid].append(src)
            dtype, word = dependency_type(rv.components[cid])
            did = dependency_id(src, cid)
            said = f"{where}: {src} {m.group('how')} {m.group('var')}={m.group('val')} ({word}; {cid} is not deployed by these files)"
            if did in rv.dependencies:
                rv.dependencies[did].evidence = [*rv.dependencies[did].evidence, said]
            else:
                rv.dependencies[did] = Dependency(source=src, target=cid, kind=dtype, evidence=[said])
        rep.dangling = keep
        for cid, srcs in added.items():
            c = rv.components[cid]
            rep.warnings.append(f"{cid}: a {_STORE_WORDS[c.kind]} {', '.join(dict.fromkeys(srcs))} "
                                f"{'names' if len(set(srcs)) == 1 else 'name'} by a connection URL, which the files "
                                f"read do not deploy: added as a {c.kind} tagged {NOT_DEPLOYED}; confirm where it runs "
                                "(a Helm chart or operator installed apart, a managed service) and state its replicas "
                                "and recovery")

    def _component_of(self, said: str, file: str) -> str | None:
        """The component a dangling reference's line speaks of: named by its id or name, else (a manifest's line
        names its container, ``main``) the one component read from that file, or the one of them the
        container's name is another name of."""
        rv = self.review
        hit = next((cid for cid, c in rv.components.items() if said in (cid, c.name)), None)
        if hit is not None:
            return hit
        mine = [i.element for i in self.report.components if i.element in rv.components
                and any(e.startswith(file + ":") for e in i.evidence)]
        if len(mine) == 1:
            return mine[0]
        alias = self.aliases.get(said)
        return alias if alias in mine else None

    def _idle_versions(self, found) -> None:
        """A call that names a Service's host reaches the workloads the mesh sends its traffic to
        (kubernetes ``_mesh_routing``): a finding that names the idle versions too (a host name every version
        answers to) is a call to those that take the traffic, not to the idle ones."""
        takers = {c: [t for t in ts if t in self.review.components] for c, ts in self.idle_versions.items()
                  if c in self.review.components}
        for (src, tgt) in [k for k in found.edges if k[1] in takers]:
            seen = found.edges[(src, tgt)]
            live = [(src, t) for t in takers[tgt] if (src, t) in found.edges]
            if not live:
                continue  # only the idle version itself is named: its own finding
            for key in live:
                found.edges[key] += [x for x in seen if x not in found.edges[key]]
            del found.edges[(src, tgt)]

    def _shared_broker_settings(self, found) -> None:
        """A broker's address in configuration every service is handed (a config server's shared
        ``application.yml``: Piggy Metrics' ``spring.rabbitmq.host``) is no evidence that each service sends
        or takes work there: Spring reads it only where a messaging library is on the classpath, and there it
        may carry nothing but the platform's own traffic. A line credited to several callers is such a
        setting; for each caller that nothing but such lines names the broker for, its own files decide:

        - its code uses messaging (a listener, a template, a stream binding: :data:`_MESSAGING_CODE`), or its
          build file names a messaging client (:data:`_MESSAGING_CLIENT`) or Spring Cloud Stream: a call, as
          read (a queue broker's hard call);
        - its build file names Spring Cloud Bus (``spring-cloud-starter-bus-amqp``): the bus that carries
          configuration refresh events, not requests: soft;
        - its build file names a Hystrix or Turbine stream: a metrics stream to the monitoring: soft;
        - otherwise (no build file of it here, or one naming none of these): the shared setting alone, soft,
          and check it.

        Soft rather than dropped: the broker still matters to a service the bus refreshes, and the reviewer
        sees the line. A build file that names no library reading the setting already left it out
        (``evidence._used_by_libraries``)."""
        from prr_app.importers.evidence import Seen

        comps = self.review.components
        # the configuration files several components take as their own (a config server's shared file)
        owners: dict[str, set[str]] = {}
        for owner, files in found.files.items():
            for path, is_src in files:
                if not is_src:
                    owners.setdefault(_rel(Path(path), self.root), set()).add(owner)
        callers: dict[tuple[str, int, str], set[str]] = {}  # (file, line, broker) -> the callers credited
        for (src, tgt), seen in found.edges.items():
            if tgt in comps and comps[tgt].kind == "queue":
                for x in seen:
                    if x.confidence == "config" and len(owners.get(x.file, ())) >= 2 and src in owners[x.file]:
                        callers.setdefault((x.file, x.line, tgt), set()).add(src)
        shared = {k for k, who in callers.items() if len(who) >= 2}
        if not shared:
            return
        builds = self._build_texts()
        for (src, tgt), seen in sorted(found.edges.items()):
            if not seen or not all((x.file, x.line, tgt) in shared for x in seen):
                continue
            decision = self._broker_use(src, found, builds)
            if decision is None:
                continue
            _kind, word = dependency_type(comps[tgt])
            found.edges[(src, tgt)] = [
                Seen(x.file, x.line, f"{x.what.removesuffix(f' ({word})')} ({decision})", x.confidence, "soft")
                for x in seen]

    def _build_texts(self) -> dict[Path, str]:
        """The build files of the checkout (Maven, Gradle, npm, pip, Go), by folder, lower-cased."""
        out: dict[Path, str] = {}
        for f in self.inv.files:
            if f.path.name in _BUILD_FILE_NAMES and f.path.parent != self.root:
                try:
                    out[f.path.parent] = out.get(f.path.parent, "") + f.path.read_text("utf-8", "replace")[:2_000_000].lower()
                except OSError:
                    continue
        return out

    def _broker_use(self, src: str, found, builds: dict[Path, str]) -> str | None:
        """What ``src``'s own files say of its use of a broker a shared setting names (the words of its
        soft call), or None when they show a call (:meth:`_shared_broker_settings`)."""
        own = [(Path(p), is_src) for p, is_src in found.files.get(src, [])]
        for path, is_src in own:
            if not is_src:
                continue
            try:
                text = path.read_text("utf-8", "replace")[:2_000_000]
            except OSError:
                continue
            if _MESSAGING_CODE.search(text):
                return None
        folders = {d for path, _s in own for d in path.parents if d in builds}
        build = "".join(builds[d] for d in sorted(folders))
        where = f"{src}'s build file"
        if _MESSAGING_CLIENT.search(build):
            return None
        # the bus and the metrics streams run on Spring Cloud Stream: its binder beside them is theirs
        if m := _BUS_LIBRARY.search(build):
            return (f"Spring Cloud Bus: {where} names {m.group(0)}, the bus that carries configuration refresh "
                    "events, not requests: soft")
        if m := _METRICS_STREAM.search(build):
            return (f"a metrics stream: {where} names {m.group(0)}, which sends circuit breaker metrics to the "
                    "monitoring through the broker, not requests: soft")
        if _STREAM_BINDER.search(build):
            return None
        said = (f"{where} names no messaging library" if build else f"no build file of {src} read")
        return (f"a broker setting every service is handed; {src}'s code shows no use of messaging and {said}: "
                "at most soft; check it")

    def _unset_variable_reads(self, found) -> None:
        """Code that reads an address variable (``process.env.MONGO_DB_URL``) calls the service the variable
        names only in the deployments whose environment gives it that service's address: the file is every
        deployment's that runs the code (ratings-v1 and ratings-v2 alike), but only ratings-v2 sets
        MONGO_DB_URL. A read credited to a deployment whose environment does not name that service is no
        evidence of its call; one whose environment does already has the dependency, which it corroborates."""
        named = {(d.source, d.target) for d in self.review.dependencies.values()}
        for gid, g in self.review.groups.items():
            named |= {(src, m) for src, tgt in list(named) if tgt == gid for m in g.members}
        for key in list(found.edges):
            if key in named:
                continue
            kept = [s for s in found.edges[key] if not _VARIABLE_READ.match(s.what)]
            if len(kept) == len(found.edges[key]):
                continue
            dropped = sorted({m.group(1) for s in found.edges[key] for m in [_VARIABLE_READ.match(s.what)] if m})
            self.report.skipped.append(
                f"dependency {key[0]} -> {key[1]}: {key[0]}'s code reads {', '.join(dropped)}, but its environment "
                f"does not give {'it' if len(dropped) == 1 else 'them'} {key[1]}'s address: not a call of "
                f"{key[0]} (another deployment's environment does)")
            if kept:
                found.edges[key] = kept
            else:
                del found.edges[key]

    def _onto_groups(self, found) -> None:
        """Calls to every member of a redundancy group (a host name in front of several workloads, as a
        Service is: ``reviews`` reaches reviews-v1, -v2 and -v3) are calls to the group: any member
        serves them, so no member alone is a single point of failure for the caller."""
        for gid, g in self.review.groups.items():
            members = set(g.members)
            if len(members) < 2 or g.min_up != 1:
                continue
            callers: dict[str, set[str]] = {}
            for src, tgt in found.edges:
                if tgt in members and src not in members:
                    callers.setdefault(src, set()).add(tgt)
            for src, hit in callers.items():
                if hit != members:
                    continue  # only some members: a call to one of them in particular
                seen = []
                for m in sorted(members):
                    seen += [x for x in found.edges.pop((src, m)) if x not in seen]
                found.edges[(src, gid)] = seen
                merged: dict = {}
                for m in sorted(members):
                    merged.update(found.policies.pop((src, m), {}))
                if merged:
                    found.policies[(src, gid)] = merged

    def _settle_address_books(self, found) -> None:
        """A dependency that only an address book names (a ConfigMap every workload takes whole with
        ``envFrom``, holding every service's address) is left out when the caller's own code, read
        here, never reads the variable: the book hands each service every address, whether it calls
        them or not. Where its code is not in the checkout, or reads the variable, it stays; so does one
        a framework reads itself (``SPRING_DATASOURCE_URL``), whatever of the code was checked out."""
        for dep_id, books in sorted(self.shared_only.items()):
            dep = self.review.dependencies.get(dep_id)
            if dep is None or (dep.source, dep.target) in found.edges:
                continue  # configuration or code of its own names the call
            framework = next(((var, _framework_reads(var)) for var, _book in books if _framework_reads(var)), None)
            if framework:
                dep.evidence = [*dep.evidence, f"{framework[0]} is read by {framework[1]} itself, not by "
                                               f"{dep.source}'s code: kept"]
                continue
            files = found.files.get(dep.source, [])
            n_src = sum(1 for _p, is_src in files if is_src)
            if not n_src or any(_reads_variable(path, var) for path, _s in files for var, _book in books):
                continue
            del self.review.dependencies[dep_id]
            var, book = books[0]
            self.report.skipped.append(
                f"dependency {dep.source} -> {dep.target}: only {book} names it ({var}), an address book every "
                f"workload takes whole (envFrom), and {dep.source}'s code ({n_src} source file(s) read) never "
                f"reads {var}: left out (add it by hand if {dep.source} calls {dep.target})")

    def _settle_order_only(self, dep, seen) -> None:
        """A dependency that rested on start-up order alone (compose ``depends_on``: recorded as soft,
        with a warning) is a call when configuration names it (a URL, an address variable in a
        Dockerfile or a config file): it takes the kind the call has, and the warning goes."""
        from prr_app.importers.evidence import weakest

        said = self.order_only.pop(dep.id, None)
        if said is not None and said[1]:
            # hard already: anything naming it confirms it, and a depends_on on a store said as a guess to
            # check (compose: nothing of the service's deployment named the store) is settled
            if said[0] in self.report.warnings:
                self.report.warnings.remove(said[0])
                if said[0] in self.report.read:
                    self.report.read.remove(said[0])
                call = seen[0]
                self.report.read.append(f"{dep.source} -> {dep.target}: depends_on, and {call.file}:{call.line} "
                                        f"names the call: recorded as {dep.kind}")
                self.report.settled += 1
            return
        if said is None:
            return
        # configuration naming the call settles it; so does the caller's own code naming the callee beside the
        # depends_on: two independent signs, the deployment's start-up order and the caller's code holding the
        # address, make a call, where either alone would not (a source literal alone stays weak evidence)
        strong = weakest(seen) == "strong"
        warning = said[0]
        call = next(s for s in seen if s.confidence == "config") if strong else seen[0]
        if call.kind != "soft":  # a telemetry or config hub's calls stay soft
            dep.kind = call.kind
        if warning in self.report.warnings:
            self.report.warnings.remove(warning)
            self.report.settled += 1
        if strong:
            self.report.read.append(f"{dep.source} -> {dep.target}: {call.file}:{call.line} names the call: recorded "
                                    f"as {dep.kind} (depends_on alone said start-up order only)")
        else:
            self.report.read.append(f"{dep.source} -> {dep.target}: depends_on, and {dep.source}'s code names "
                                    f"{dep.target} ({call.file}:{call.line}): recorded as {dep.kind} (a call; "
                                    "either alone would not settle it)")

    def _system_name(self) -> str:
        """The system a workspace or catalog declares, when it is the only one read; else the folder's name.
        Two workspaces side by side, one named "Amazon Web Services Example", made a review of both named after
        the first one, while its own warning said two systems were reviewed side by side."""
        names = list(dict.fromkeys(self.systems))
        if len(names) == 1 and not self.unnamed:
            return names[0]
        if self.root.name:
            # a build-output folder imported directly (``dist``) is named after the checkout that holds it
            named = next((p for p in (self.root, *self.root.parents) if p.name and p.name not in SKIP_DIRS), None)
            return (named or self.root).name
        # paths in folders with nothing in common but "/": the first one named
        first = Path(self.paths[0]) if self.paths else None
        if first is None:
            return "Imported system"
        return (first.name if first.is_dir() else first.stem) or "Imported system"

    def _unrelated_systems(self) -> None:
        """Several deployments read, none calling another (a folder of examples, a monorepo of
        products): one review of unrelated systems, said in a warning. A deployment of one component
        (a load generator's manifest beside the system) is no system of its own."""
        parts = [(key, ids) for key, ids in self.parts if len(ids) > 1]
        if len(parts) < 2:
            return
        review = self.review
        part_of = {cid: i for i, (_key, ids) in enumerate(parts) for cid in ids}
        members = {gid: g.members for gid, g in review.groups.items()}
        for d in review.dependencies.values():
            a = part_of.get(d.source)
            for t in members.get(d.target, [d.target]):
                b = part_of.get(t)
                if a is not None and b is not None and a != b:
                    return  # they call each other: one system
        sizes = ", ".join(f"{key} ({len(ids)} components)" for key, ids in parts)
        self.report.warnings.append(
            f"{len(parts)} systems that do not call each other: {sizes}; they are reviewed side by side in "
            "one review (import one folder to review one system)")

    def finish(self) -> ImportResult:
        review, rep = self.review, self.report
        review.meta.system_name = self._system_name()[:200]
        for comp in review.components.values():
            comp.placement = [d for d in comp.placement if d in review.domains]
            comp.shared_domains = [d for d in comp.shared_domains if d in review.domains]
        for gid, g in list(review.groups.items()):
            g.members = [m for m in g.members if m in review.components]
            if len(g.members) < 2:
                del review.groups[gid]
        review.dependencies = {k: d for k, d in review.dependencies.items()
                               if d.source in review.components
                               and (d.target in review.components or d.target in review.groups)}
        # the calls configuration and source showed get what the platform applies to calls (a mesh)
        apply_call_policies(review, self.call_policies)
        settled = set(settle_broker_reads(review))  # with the callers configuration and source showed
        softened = set(soften_plumbing_calls(review))
        for row in self.inferred:
            if row["id"] in softened and row.get("decision") != "rejected":
                row["kind"] = "soft"
            elif row["id"] in settled and row.get("decision") != "rejected":
                row["kind"] = review.dependencies[row["id"]].kind
        rep.dependencies = [Inferred(did, list(d.evidence)) for did, d in sorted(review.dependencies.items())]
        ev = {c.element: c.evidence for c in rep.components}
        # with the calls configuration and source showed: stores only the telemetry stack uses (a deployment's
        # reading tagged some; a caller found since takes the tag back), services behind a user-facing gateway
        self.telemetry_stores = telemetry_stores(review, ev, self.telemetry_stores)
        behind_a_gateway(review, ev)
        rep.components += [Inferred(cid, lines) for cid, lines in ev.items()
                           if lines and cid not in {c.element for c in rep.components}]
        rep.inferred = [i for i in self.unit_inferred if i.get("id") in review.dependencies
                        or i.get("decision") == "rejected"] + self.inferred
        rep.hubs = sorted(f"{cid} ({t})" for cid, c in review.components.items()
                          for t in HUB_TAGS if t in c.tags)
        self._unrelated_systems()
        rep.note_coverage(review)
        rep.imported = snapshot(review)
        rec = rep.to_record()
        review.imports[rec.id] = rec
        check(review, file=str(self.root))
        return ImportResult(review, rep, hosts=self.hosts, address_vars=self.address_vars,
                            code_dirs=self.code_dirs, inventory=self.inv, call_policies=self.call_policies,
                            idle_versions=self.idle_versions, telemetry_stores=self.telemetry_stores)
