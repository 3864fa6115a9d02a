"""Structurizr DSL workspaces (``workspace.dsl``).

Read from the ``model`` block (views, styles and configuration are skipped):

* **Containers** become components; a **software system** with no containers
  becomes one component (``External`` tagged or ``location External``: an
  external API). **Components** (C4 level 3) roll up into their container.
  A software system's containers are tagged ``system:<name>``. A relationship only some
  of a container's entry components need rolls up soft (_depend_rolled_up); one to a system with
  containers reaches its entry container (_depend_on_system).
* **Relationships** (``a -> b``, ``-> b`` inside an element, ``this``,
  ``--name->`` archetype arrows) between those become dependencies; a
  relationship whose description, technology or tags say async, queue,
  publish or event is asynchronous; one that says "Delivers" or "Serves" (a web
  server delivers the single-page app), is written in the passive ("Is used
  by") or follows the answer ("Returns results to") is read the other way
  round (_relationship_reading), and one made when software is shipped
  ("Deploys", "Builds") is no dependency. A **person**'s relationships mark their
  targets user-facing. System-level relationships between systems that have
  containers are skipped (their containers carry the detail), with a reason.
* **Archetypes** (``name = container { tag ... technology ... }``) are
  followed; ``!identifiers hierarchical`` names (``x.wa``) and plain names
  both resolve; ``!const``/``!constant``/``!var`` values are substituted.
* **Several files**: ``workspace extends base.dsl`` reads the base first;
  ``!ref``/``!extend`` add to an element defined before; ``!include`` of a
  local file or folder is read in place (URLs are not fetched).
* **Deployment**: one environment is used (the one named Production, Prod
  or Live as a whole word, not Pre-Production or Staging, if there are
  several: _choose_environment; the others are listed as skipped). Nested deployment nodes
  (not autoscaling groups nor managed database services: _grouping_why)
  become nested failure domains (kind from name, technology and tags:
  region, zone, cluster, host...); a node with ``instances`` > 1 multiplies
  what it holds. ``containerInstance``/``softwareSystemInstance`` add
  replicas and placement; infrastructure nodes (DNS, load balancers, CDNs,
  gateways) become components, with their relationships.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.errors import PrrError
from prr_app.model.entities import CLIENT
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import DECLARED, GraphBuilder, make_unique, short_names

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
#: the longest text one ``${NAME}`` substitution may produce
MAX_EXPANDED = 256 * 1024
ELEMENT_TYPES = {"person", "softwaresystem", "container", "component", "group", "deploymentenvironment",
                 "deploymentnode", "infrastructurenode", "containerinstance", "softwaresysteminstance",
                 "element"}
_SKIP_BLOCKS = {"views", "styles", "configuration", "properties", "perspectives", "branding", "terminology",
                "users", "theme", "themes", "!script", "!plugin", "!docs", "!adrs", "animation", "!components",
                "healthcheck", "!elements", "!relationships"}
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{|\})|(-[A-Za-z0-9_.]*->|->)|(=)|([^\s"{}=]+)')
_ASYNC = re.compile(r"async|queue|publish|subscribe|event|message|kafka|rabbit|sqs|sns|pub/sub|topic|stream", re.I)


@dataclass
class _El:
    type: str  # lower-cased element type
    name: str
    ident: str  # identifier given in the DSL ('' if none)
    full: str  # hierarchical identifier
    parent: "_El | None"
    line: int
    description: str = ""
    technology: str = ""
    tags: list[str] = field(default_factory=list)
    instances: int = 1
    children: list["_El"] = field(default_factory=list)
    ref: str = ""  # for instances: the identifier of the container / system
    env: str = ""  # deployment environment name
    location: str = ""
    src: str = ""  # the file it was written in (workspaces extend and include others)
    target: "_El | None" = None  # for instances read from JSON: the element its id names
    said: str = ""  # instances as written when that is a range ("1..5")

    def type_word(self) -> str:
        return {"softwaresystem": "software system"}.get(self.type, self.type)


@dataclass
class _Rel:
    src: object  # _El or identifier string
    dst: object
    desc: str
    tech: str
    tags: str
    line: int
    scope: list
    file_label: str = ""
    #: for a person's relationship: why it does not mark its target user-facing (the workspace details
    #: other systems; this one is around them), or ""
    around: str = ""


def looks_like_structurizr(path: Path) -> bool:
    if path.suffix.lower() == ".dsl":
        return True
    if path.suffix.lower() not in ("", ".txt", ".c4"):
        return False
    head = paths.head_text(path, 4096)
    return bool(re.search(r"(?m)^\s*workspace\b[^\n]*\{", head))


def _lines(text: str, file: str):
    """(line number, tokens) per logical line, comments removed."""
    out = []
    in_block = False
    pending: list[str] = []
    pending_line = 0
    for i, raw in enumerate(text.splitlines(), 1):
        line = raw
        if in_block:
            end = line.find("*/")
            if end < 0:
                continue
            line = line[end + 2:]
            in_block = False
        s = line.strip()
        if s.startswith("/*"):
            end = s.find("*/", 2)
            if end < 0:
                in_block = True
                continue
            s = s[end + 2:].strip()
        if not s or s.startswith("//") or s.startswith("#"):
            if pending:
                continue
            continue
        if s.endswith("\\"):
            if not pending:
                pending_line = i
            pending.append(s[:-1])
            continue
        if pending:
            s = " ".join(pending + [s])
            ln = pending_line
            pending = []
        else:
            ln = i
        toks = []
        pos = 0
        while pos < len(s):
            m = _TOKEN.search(s, pos)
            if not m:
                break
            if s[pos:m.start()].strip():
                raise PrrError(f"cannot read {s[pos:m.start()].strip()[:30]!r}", file=file, location=f"line {ln}")
            if m.group(1) is not None:
                toks.append(("str", m.group(1).replace('\\"', '"')))
            elif m.group(2):
                toks.append(("brace", m.group(2)))
            elif m.group(3):
                toks.append(("arrow", m.group(3)))
            elif m.group(4):
                toks.append(("eq", "="))
            else:
                w = m.group(5)
                if w.startswith("//"):
                    break
                toks.append(("word", w))
            pos = m.end()
        if _open_quote(s):
            raise PrrError("unterminated string", file=file, location=f"line {ln}")
        seg: list = []
        for t in toks:  # one statement per "... {", "}" and the rest: one-line blocks work
            if t == ("brace", "}"):
                if seg:
                    out.append((ln, seg))
                    seg = []
                out.append((ln, [t]))
            else:
                seg.append(t)
                if t == ("brace", "{"):
                    out.append((ln, seg))
                    seg = []
        if seg:
            out.append((ln, seg))
    if in_block:
        raise PrrError("unterminated /* comment", file=file)
    return out


MAX_INCLUDES = 64


def _expand(path: Path, fname: str, b: GraphBuilder, seen: tuple = (), counter: list | None = None):
    """``(file label, path, line, tokens)`` of ``path``, with ``workspace extends`` and ``!include`` followed.

    A workspace that extends another is read after it (the base's model first);
    ``!include`` of a local file, or of a folder (its ``.dsl`` files in name
    order), is read in place. URLs are not fetched. Cycles, more than
    ``MAX_INCLUDES`` files or ``MAX_BYTES`` in all are errors.
    """
    counter = counter if counter is not None else [0, 0]
    counter[0] += 1
    if counter[0] > MAX_INCLUDES:
        raise PrrError(f"more than {MAX_INCLUDES} files through 'extends' and '!include'", file=str(path))
    text = sy.read_text(path, max_bytes=MAX_BYTES)
    counter[1] += len(text)
    if counter[1] > MAX_BYTES:
        raise PrrError(f"the workspace and the files it includes exceed {MAX_BYTES // 2**20} MB", file=str(path))
    seen = seen + (path.resolve(),)
    out = []

    def target(ref: str, ln: int) -> list[Path] | None:
        if re.match(r"^[a-z][a-z0-9+.-]*://", ref, re.I):
            b.skip(f"{fname}:{ln}: {ref} is a URL; not fetched")
            return None
        p = (path.parent / ref)
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".dsl")
        elif p.is_file():
            files = [p]
        else:
            b.warn(f"{fname}:{ln}: {ref} not found next to {path.name}; what it defines is missing")
            return None
        for f in files:
            if f.resolve() in seen:
                raise PrrError(f"{ref} includes or extends itself", file=str(path), location=f"line {ln}")
        return files

    def label(f: Path) -> str:
        # normalised: "model.dsl:4", not "internet-banking-system/../model.dsl:4" (one file, one name)
        try:
            rel = f.relative_to(path.parent)
        except ValueError:
            return f.name
        return posixpath.normpath((Path(fname).parent / rel).as_posix())

    for ln, toks in _lines(text, str(path)):
        words = [v for k, v in toks if k in ("word", "str")]
        head = words[0].lower() if words and toks[0][0] == "word" else ""
        if head == "workspace" and len(toks) > 2 and toks[1] == ("word", "extends"):
            files = target(toks[2][1], ln)
            for f in files or []:
                b.read(f"{fname}:{ln}: extends {toks[2][1]}")
                out.extend(_expand(f, label(f), b, seen, counter))
            out.append((fname, path, ln, [toks[0]] + toks[3:]))
            continue
        if head == "!include" and len(words) > 1:
            files = target(words[1], ln)
            for f in files or []:
                b.read(f"{fname}:{ln}: includes {words[1]}")
                out.extend(_expand(f, label(f), b, seen, counter))
            continue
        out.append((fname, path, ln, toks))
    return out


def _open_quote(s: str) -> bool:
    inside, i = False, 0
    while i < len(s):
        c = s[i]
        if c == "\\" and inside:
            i += 2
            continue
        if c == '"':
            inside = not inside
        i += 1
    return inside


class _Reader:
    def __init__(self, file: str, fname: str, b: GraphBuilder):
        self.file, self.fname, self.b = file, fname, b
        self.elements: list[_El] = []
        self.by_full: dict[str, _El] = {}
        self.by_ident: dict[str, list[_El]] = {}
        self.rels: list[_Rel] = []
        self.archetypes: dict[str, tuple[str, list[str], str]] = {}
        self.consts: dict[str, str] = {}
        self.expanded = 0
        self.hierarchical = False
        self.name = ""
        self.merged = False  # several workspaces read as one (_merge_readers)

    def err(self, msg: str, line: int) -> PrrError:
        return PrrError(f"invalid Structurizr DSL: {msg}", file=self.file, location=f"line {line}")

    def sub(self, s: str) -> str:
        if "${" not in s:
            return s
        out = re.sub(r"\$\{([A-Za-z0-9_-]+)\}", lambda m: self.consts.get(m.group(1), m.group(0)), s)
        self.expanded += len(out)
        if len(out) > MAX_EXPANDED or self.expanded > MAX_BYTES:
            # nested !const definitions double at each step: bound the output in bytes
            raise PrrError(f"invalid Structurizr DSL: constants expand to more than "
                           f"{(MAX_EXPANDED if len(out) > MAX_EXPANDED else MAX_BYTES) // 1024} KB (nested !const?)",
                           file=self.file)
        return out

    def parse(self, lines) -> None:
        """Read ``(file label, path, line, tokens)`` statements (see :func:`_expand`)."""
        # stack frames: (kind, element or None)
        stack: list[tuple[str, _El | None]] = []
        opened: list[tuple[str, str, int]] = []  # (file, file label, line) of each '{' not yet closed
        skip_depth = 0
        for fname, path, ln, toks in lines:
            self.fname, self.file = fname, str(path)
            if not toks:
                continue
            if skip_depth:
                for kind, v in toks:
                    if kind == "brace":
                        skip_depth += 1 if v == "{" else -1
                        if v == "{":
                            opened.append((self.file, fname, ln))
                        else:
                            opened.pop()
                        if skip_depth == 0:
                            break
                continue
            if toks == [("brace", "}")]:
                if not stack:
                    raise self.err("unexpected '}'", ln)
                stack.pop()
                opened.pop()
                continue
            opens = toks[-1] == ("brace", "{")
            body = toks[:-1] if opens else toks
            if len(stack) > MAX_DEPTH:
                raise self.err(f"nested more than {MAX_DEPTH} levels", ln)
            kind = self.statement(body, ln, stack, opens)
            if opens:
                opened.append((self.file, fname, ln))
                if kind == "skip":
                    skip_depth = 1
                else:
                    stack.append(kind if kind is not None else ("block", None))
        if stack or skip_depth:
            file, label, line = opened[-1] if opened else (self.file, self.fname, 0)
            raise PrrError("invalid Structurizr DSL: missing '}': the '{' " + (f"on line {line}" if line else "")
                           + " is never closed",
                           file=file, location=f"line {line}" if line else None)

    def _current(self, stack) -> _El | None:
        for kind, el in reversed(stack):
            if el is not None and el.type != "group":
                return el
        return None

    def _section(self, stack) -> str:
        for kind, el in reversed(stack):
            if kind in ("model", "workspace", "archetypes"):
                return kind
        return ""

    def statement(self, toks, ln, stack, opens):
        """Handle one statement; returns the stack frame to push when it opens a block."""
        words = [v for k, v in toks]
        first = toks[0] if toks else ("", "")
        head = first[1].lower() if first[0] == "word" else ""
        section = self._section(stack)
        cur = self._current(stack)
        if not toks:
            return ("block", None) if opens else None
        if head == "workspace":
            rest = [v for k, v in toks[1:] if k == "str"]
            self.name = self.sub(rest[0]) if rest else ""
            return ("workspace", None)
        if head == "!identifiers":
            self.hierarchical = len(words) > 1 and words[1].lower() == "hierarchical"
            return None
        if head in ("!const", "!constant", "!var"):
            if len(words) >= 3:
                self.consts[words[1]] = self.sub(words[2])
            return None
        if head in ("!ref", "!extend") and len(toks) > 1:
            # more about an element defined before (often in the workspace this one extends)
            target = self.resolve(toks[1][1], [e for _, e in stack if e is not None])
            if target is None:
                self.b.dangling(f"{self.fname}:{ln}: {head} {toks[1][1]}, which is not defined in the model")
                return "skip" if opens else None
            return ("element", target) if opens else None
        if head in ("!include", "!docs", "!adrs", "!impliedrelationships", "!plugin", "!script", "!ref", "!extend",
                    "!decisions"):
            self.b.skip(f"{self.fname}:{ln}: {head} is not followed")
            return "skip" if opens else None
        if head == "model":
            return ("model", None)
        if head == "archetypes":
            return ("archetypes", None)
        if head in _SKIP_BLOCKS or head.lstrip("!") in _SKIP_BLOCKS:
            return "skip" if opens else None
        if section == "archetypes" and len(toks) >= 3 and toks[1][0] == "eq":
            base = toks[2][1].lower()
            base_type = self.archetypes.get(base, (base, [], ""))[0]
            self.archetypes[toks[0][1].lower()] = (base_type, list(self.archetypes.get(base, ("", [], ""))[1]),
                                                   self.archetypes.get(base, ("", [], ""))[2])
            if opens:
                el = _El("archetype", toks[0][1], "", "", None, ln)
                el.ref = toks[0][1].lower()
                return ("archetype", el)
            return None
        if stack and stack[-1][0] == "archetype":
            el = stack[-1][1]
            arch = self.archetypes[el.ref]
            if head in ("tag", "tags"):
                arch[1].extend(t.strip() for v in words[1:] for t in v.split(",") if t.strip())
            elif head == "technology" and len(words) > 1:
                self.archetypes[el.ref] = (arch[0], arch[1], words[1])
            return "skip" if opens else None
        # the workspace's own name and description (outside the model)
        if head in ("name", "description") and cur is None and section == "workspace" and len(words) > 1 \
                and not any(k == "arrow" for k, _ in toks):
            if head == "name":
                self.name = self.sub(words[1])
            return "skip" if opens else None
        # element properties
        if head in ("description", "technology", "tags", "tag", "url", "instances") and cur is not None \
                and len(toks) >= 2 and toks[1][0] in ("str", "word") and not any(k == "arrow" for k, _ in toks):
            val = self.sub(words[1])
            if head == "description":
                cur.description = val
            elif head == "technology":
                cur.technology = val
            elif head in ("tags", "tag"):
                cur.tags += [t.strip() for v in words[1:] for t in self.sub(v).split(",") if t.strip()]
            elif head == "instances":
                self.instances(cur, val, ln)
            return "skip" if opens else None
        # relationships
        arrows = [i for i, (k, _) in enumerate(toks) if k == "arrow"]
        if arrows:
            i = arrows[0]
            lhs = toks[:i]
            if len(lhs) >= 2 and lhs[1][0] == "eq":
                lhs = lhs[2:]
            if not lhs:
                src = cur
                if src is None:
                    raise self.err("'-> x' needs an enclosing element", ln)
            else:
                src = lhs[0][1]
                if src == "this":
                    src = cur
            rhs = toks[i + 1:]
            if not rhs:
                raise self.err("a relationship needs a destination", ln)
            dst = rhs[0][1]
            if dst == "this":
                dst = cur
            strs = [self.sub(v) for k, v in rhs[1:]]
            self.rels.append(_Rel(src, dst, strs[0] if strs else "", strs[1] if len(strs) > 1 else "",
                                  strs[2] if len(strs) > 2 else "", ln, [e for _, e in stack if e is not None],
                                  self.fname))
            return ("block", None) if opens else None
        # elements: [ident =] type args...
        ident = ""
        rest = toks
        if len(toks) >= 3 and toks[1][0] == "eq":
            ident = toks[0][1]
            rest = toks[2:]
        if not rest or rest[0][0] != "word":
            if opens:
                return ("block", None)
            return None
        etype = rest[0][1].lower()
        arch_tags: list[str] = []
        arch_tech = ""
        if etype in self.archetypes:
            etype, arch_tags, arch_tech = self.archetypes[etype][0], list(self.archetypes[etype][1]), self.archetypes[etype][2]
        if etype == "!element":
            target = self.resolve(rest[1][1], [e for _, e in stack if e is not None]) if len(rest) > 1 else None
            return ("element", target) if opens else None
        if etype not in ELEMENT_TYPES:
            if section in ("model", "workspace") or cur is not None:
                self.b.skip(f"{self.fname}:{ln}: {rest[0][1]!r} is not used")
            return "skip" if opens else None
        args = [self.sub(v) for k, v in rest[1:]]
        if etype in ("containerinstance", "softwaresysteminstance"):
            name = args[0] if args else ""
            el = _El(etype, name, ident, "", cur, ln, ref=name)
            el.tags = [t.strip() for t in (args[2] if len(args) > 2 else "").split(",") if t.strip()]
        else:
            name = args[0] if args else (ident or etype)
            el = _El(etype, name, ident, "", cur, ln)
            if etype in ("container", "component", "infrastructurenode"):
                el.description = args[1] if len(args) > 1 else ""
                el.technology = args[2] if len(args) > 2 else arch_tech
                tags = args[3] if len(args) > 3 else ""
            elif etype == "deploymentnode":
                el.description = args[1] if len(args) > 1 else ""
                el.technology = args[2] if len(args) > 2 else arch_tech
                tags = args[3] if len(args) > 3 else ""
                if len(args) > 4:
                    self.instances(el, args[4], ln)
            else:
                el.description = args[1] if len(args) > 1 else ""
                tags = args[2] if len(args) > 2 else ""
                el.technology = arch_tech
            el.tags = arch_tags + [t.strip() for t in tags.split(",") if t.strip()]
        el.src = self.fname
        env = next((e.name for _, e in stack if e is not None and e.type == "deploymentenvironment"), "")
        el.env = name if etype == "deploymentenvironment" else env
        parent_id = next((e.full for _, e in reversed(stack) if e is not None and e.full and e.type != "group"), "")
        el.full = f"{parent_id}.{ident}" if (self.hierarchical and parent_id and ident) else ident
        if cur is not None:
            cur.children.append(el)
        self.elements.append(el)
        if ident:
            first = self.by_full.get(el.full.lower()) if el.full else None
            if first is not None:
                # Structurizr itself refuses this ("already in use"); read on, the two would be two components
                # and a relationship naming the identifier would reach one of them unsaid
                raise PrrError(f"invalid Structurizr DSL: the identifier {ident} is already defined at {first.src}"
                               f":{first.line} ({first.type} {first.name!r}); one identifier names one element",
                               file=self.file, location=f"line {ln}")
            if el.full:
                self.by_full[el.full.lower()] = el
            self.by_ident.setdefault(ident.lower(), []).append(el)
        return (etype, el) if opens else None

    def instances(self, el: _El, val: str, ln: int) -> None:
        n, said = _instances(val)
        if n is None:
            self.b.warn(f"{self.fname}:{ln}: instances {val!r} is not a number (nor a range such as 1..5); "
                        "counted as 1")
            return
        el.instances, el.said = n, said

    def resolve(self, ref, scope: list) -> _El | None:
        if isinstance(ref, _El) or ref is None:
            return ref
        key = ref.lower()
        for e in reversed(scope):
            if e.full and f"{e.full}.{key}".lower() in self.by_full:
                return self.by_full[f"{e.full}.{key}".lower()]
        if key in self.by_full:
            return self.by_full[key]
        cands = self.by_ident.get(key.split(".")[-1], [])
        if len(cands) == 1:
            return cands[0]
        return None


#: (pattern on an element's name, technology and tags, component kind): the first that matches. Words
#: are matched from their start ("PostgreSQL", "Databases"), short ones whole ("RDS", "ALB"), so that
#: "Rewards Service" is no database and "Album Service" no load balancer; CamelCase names are also read
#: as words ("OrdersDatabase", "ApiGateway": see _guess_kind)
_ELEMENT_KINDS = [
    (r"\b(database|datastore|data store|schema|mysql|postgres|oracle|mongo|dynamo|cassandra|aurora|bucket|"
     r"storage|sqlite|mariadb|cosmos)|sql\b|\b(rds|s3)\b", "datastore"),
    (r"\b(redis|memcache|cache)", "cache"),
    (r"\b(queue|kafka|rabbit|topic|event bus|pub/sub|kinesis)|\b(sqs|sns)\b", "queue"),
    (r"\broute ?53\b|\bdns\b", "dns"),
    (r"\b(cloudfront|akamai|fastly)|\bcdn\b", "cdn"),
    (r"\bload ?balanc|\b(elb|alb|nlb)\b|\bhaproxy", "load_balancer"),
    (r"\b(gateway|nginx|envoy|web server|proxy)", "gateway"),
    (r"\b(single page|single-page|web browser|mobile app)|\bspa\b|\b(react|angular|vue)(\.?js)?\b", "frontend"),
    (r"\b(identity|cognito|okta|keycloak)|\b(o?auth\d*|authn|authz)\b|\bauthenticat|\bauthori[sz]", "identity"),
]

#: (pattern on a deployment node's name, technology or tags, failure domain kind): the first that matches
_DOMAIN_KINDS = [
    (r"availability zone|\baz\b|zone", "zone"), (r"region|us-east|us-west|eu-west|eu-central|ap-", "region"),
    (r"amazon web services|aws|azure|google cloud|gcp|cloud", "provider"),
    (r"kubernetes|k8s|eks|aks|gke|cluster|autoscaling|auto scaling", "cluster"),
    (r"data ?cent(er|re)|\bdc\b", "datacenter"), (r"rack", "rack"),
    (r"server|ec2|\bvm\b|host|node|instance|docker|container|ubuntu|debian|centos|red hat|rhel|linux|suse|"
     r"windows server", "host"), (r"vpc|subnet|network", "network"),
]


#: a deployment node that groups instances for a cloud provider's service rather than sharing their
#: fate: an autoscaling group (or scale set, managed instance group) launches its instances across the
#: zones it is given and a failure of the group itself stops none of them; a managed database service
#: ("Amazon RDS" around the "MySQL" instance node) runs each database instance on hosts of its own.
#: As failure domains they were single points of failure whose advice was to run the service on "a
#: second cluster" or outside RDS, which no SRE would ask for.
_GROUPING_NODE = [
    (r"\bauto ?scaling( groups?)?\b|\bscale ?sets?\b|\bvmss\b|\b(managed )?instance groups?\b",
     "an autoscaling group (it launches instances; they fail on their own hosts and zones)"),
    (r"\b(amazon |aws )?rds\b|\baurora\b|\bcloud sql\b|\bazure sql\b|\bazure database for\b",
     "a cloud provider's managed database service (its database instances run on hosts of their own)"),
]


def _grouping_why(el: _El) -> str:
    """What a deployment node is when it groups instances rather than being a failure domain (see
    _GROUPING_NODE), or "". A managed database service node counts only when deployment nodes inside
    it stand for the instances; one that holds the container itself is where that runs."""
    text = " ".join([el.name, el.technology, " ".join(el.tags)]).lower()
    for i, (rx, why) in enumerate(_GROUPING_NODE):
        if re.search(rx, text):
            if i == 1 and not any(c.type == "deploymentnode" for c in el.children):
                return ""
            return why
    return ""


def _first_kind(text: str, table: list[tuple[str, str]], default: str) -> str:
    for rx, kind in table:
        if re.search(rx, text):
            return kind
    return default


#: technologies of a cloud provider's managed service: the provider runs and replaces its instances
MANAGED_SERVICE = re.compile(
    r"route ?53|elastic load balanc\w*|\b[ean]lb\b|cloudfront|api gateway|amazon s3|\bs3\b|dynamodb|\bsqs\b|\bsns\b|"
    r"cloud dns|cloud load balancing|cloud cdn|cloud armor|front ?door|azure dns|traffic manager|"
    r"application gateway|cloudflare|akamai|fastly", re.IGNORECASE)


def _guess_kind(el: _El) -> str:
    text = " ".join([el.name, el.technology, " ".join(el.tags)])
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)  # "OrdersDatabase": "Orders Database"
    for rx, kind in _ELEMENT_KINDS:
        if re.search(rx, text.lower()) or re.search(rx, words.lower()):
            return kind
    return "service"


def _domain_kind(el: _El) -> str:
    for text in (" ".join([el.name, el.technology]).lower(),
                 re.sub(r"(amazon web services|microsoft azure|google cloud platform) - ", "", " ".join(el.tags).lower())):
        kind = _domain_kind_of(text)
        if kind != "other":
            return kind
    return "other"


def _domain_kind_of(text: str) -> str:
    return _first_kind(text, _DOMAIN_KINDS, "other")


def read_structurizr(paths: list[Path], *, base: Path | None = None) -> object:
    """The review of Structurizr DSL workspaces. ``base``: the folder imported (a checkout), which
    the files are named relative to in the report and the evidence (``microservices/workspace.dsl:21``,
    two workspaces of one checkout told apart); default: the folder that holds them all."""
    paths = [Path(p) for p in paths]
    names = short_names(paths, base)
    b = GraphBuilder("structurizr", paths)
    by_base: dict[Path | None, list[Path]] = {}
    for path in paths:
        by_base.setdefault(_extended(path) or path.resolve(), []).append(path)
    for group in by_base.values():
        readers = []
        for path in group:
            fname = names[path]
            r = _Reader(str(path), fname, b)
            r.parse(_expand(path, fname, b))
            readers.append(r)
        if len(readers) > 1:
            # workspaces that extend one base (a catalog each team's workspace adds its system to): one
            # model, the base's elements once
            r = _merge_readers(readers, b)
        _build(b, r, names[group[0]])
        b.system_name = b.system_name or r.name
        b.system_declared = b.system_declared or bool(r.name)
    if not b.components:
        # a workspace whose model is in a file not found (``!include``, ``extends``): that file is the problem
        missing = [w for w in b.report.warnings if " not found next to " in w]
        raise PrrError("no containers, software systems or infrastructure nodes found in the model"
                       + (": " + "; ".join(missing[:3]) + (" ..." if len(missing) > 3 else "") if missing else ""),
                       file=str(paths[0]))
    b.system_name = b.system_name or paths[0].parent.name
    return b.finish(file=str(paths[0]))


def _extended(path: Path) -> Path | None:
    """The file ``path``'s ``workspace extends`` names (resolved), or None."""
    m = re.search(r"(?m)^\s*workspace\s+extends\s+\"?([^\s\"{]+)", paths.head_text(path, 1 << 20))
    if not m or "://" in m.group(1):
        return None
    return (path.parent / m.group(1)).resolve()


def _key(el: _El) -> tuple:
    """One element written once, whichever workspace read the file it is written in."""
    return (el.src, el.line, el.type, el.name)


def modelled_systems(path: Path) -> set[str]:
    """The software systems (by name) a workspace models itself: those it gives containers, and
    those its own relationships start from (not the ones of a file it extends or includes)."""
    b = GraphBuilder("structurizr", [path])
    r = _Reader(str(path), path.name, b)
    r.parse(_expand(path, path.name, b))
    out = set()
    for e in r.elements:
        if e.type == "container" and e.src == path.name and e.parent is not None:
            out.add(e.parent.name)
    for rel in r.rels:
        if rel.file_label != path.name:
            continue
        src = r.resolve(rel.src, rel.scope)
        while src is not None and src.type not in ("softwaresystem", "person"):
            src = src.parent
        if src is not None and src.type == "softwaresystem":
            out.add(src.name)
    return out


def complementary_groups(paths: list[Path]) -> list[list[Path]]:
    """Workspaces that are parts of one model, not variants of one deployment: each extends the same
    base file (a catalog of the organisation's systems) and models software systems no other of them
    models (Structurizr's system-catalog example: customer-service, invoice-service and order-service
    each add their own system to catalog.dsl). A workspace that models none (a landscape of views)
    goes with them. Groups of two or more, in the order given; read each with :func:`read_structurizr`
    (which reads workspaces extending one base as one model)."""
    by_base: dict[Path, list[Path]] = {}
    for p in paths:
        base = _extended(Path(p))
        if base is not None:
            by_base.setdefault(base, []).append(Path(p))
    out = []
    for group in by_base.values():
        if len(group) < 2:
            continue
        try:
            models = [modelled_systems(p) for p in group]
        except PrrError:
            continue
        if all(not (models[i] & models[j]) for i in range(len(group)) for j in range(i + 1, len(group))):
            out.append(group)
    return out


def _merge_readers(readers: list["_Reader"], b: GraphBuilder) -> "_Reader":
    """One reader holding the model of several workspaces that extend one base: an element of a file
    they share is one element (by file and line), what each workspace adds to it (containers under
    ``!ref``) is added to that one, deployment environments of one name are one environment, and
    every relationship and instance is resolved in the workspace that wrote it."""
    m = _Reader(readers[0].file, readers[0].fname, b)
    m.merged = True
    m.name = readers[0].name
    canon: dict[tuple, _El] = {}
    envs: dict[str, _El] = {}
    mapped: dict[int, _El] = {}
    for r in readers:
        _mark_around(r)
        for e in r.elements:
            if e.type in ("containerinstance", "softwaresysteminstance") and e.target is None:
                target = r.resolve(e.ref, _ancestors(e))
                e.target = target
        for e in r.elements:
            k = _key(e)
            if e.type == "deploymentenvironment" and e.name in envs and k not in canon:
                mapped[id(e)] = envs[e.name]
                continue
            if k in canon:
                mapped[id(e)] = canon[k]
                continue
            canon[k] = e
            mapped[id(e)] = e
            if e.type == "deploymentenvironment":
                envs[e.name] = e
            m.elements.append(e)
    for e in m.elements:  # what a workspace added under an element of the base hangs on the one kept
        if e.parent is not None and mapped.get(id(e.parent), e.parent) is not e.parent:
            e.parent = mapped[id(e.parent)]
            e.parent.children.append(e)
        if e.target is not None:
            e.target = mapped.get(id(e.target), e.target)
    seen: set[tuple] = set()
    for r in readers:
        for rel in r.rels:
            src, dst = r.resolve(rel.src, rel.scope), r.resolve(rel.dst, rel.scope)
            src = mapped.get(id(src), src) if src is not None else rel.src
            dst = mapped.get(id(dst), dst) if dst is not None else rel.dst
            k = (rel.file_label, rel.line, id(src), id(dst), rel.desc)
            if k in seen:
                continue
            seen.add(k)
            m.rels.append(_Rel(src, dst, rel.desc, rel.tech, rel.tags, rel.line, [], rel.file_label, rel.around))
    return m


def _mark_around(r: "_Reader") -> None:
    """Mark a person's relationship to a software system that has no containers, in a workspace that
    details other systems (gives them containers), as not making it user-facing: the system is around
    the ones reviewed (Big Bank's mainframe, which the bank's staff use; the ATM customers use), and
    marked so it stood as a user-facing entry of this review that "calls nothing"."""
    detailed = list({id(e.parent): e.parent for e in r.elements if e.type == "container" and e.parent is not None
                     and e.parent.type == "softwaresystem"}.values())
    if not detailed:
        return
    with_containers = {id(e) for e in detailed}
    for rel in r.rels:
        src, dst = r.resolve(rel.src, rel.scope), r.resolve(rel.dst, rel.scope)
        if src is not None and dst is not None and src.type == "person" and dst.type == "softwaresystem" \
                and id(dst) not in with_containers and not rel.around:
            rel.around = (f"the workspace details {_names(detailed[:3])}{' ...' if len(detailed) > 3 else ''}; "
                          f"{dst.name!r} is a system around it, whose users are not this system's")


def _tag_outside_deployment(b: GraphBuilder, els: list, comp_of: dict, fname: str, chosen, counts: dict,
                            systems_with_containers: set) -> None:
    """Tag ``external`` what the deployment environment imported does not deploy (a software system
    without containers, or every container of a system), when it deploys something: it runs
    outside this deployment (Big Bank's ATM, its e-mail system), so it has no instance count of the
    review's, and the analysis gives it no replica advice, as for a vendor's or managed service."""
    if chosen is None or not counts:
        return
    deployed_systems = {id(e.parent) for e in els if e.type == "container" and comp_of.get(id(e)) in counts}
    for el in els:
        cid = comp_of.get(id(el))
        if cid is None or cid not in b.components or cid in counts:
            continue
        if el.type == "container":
            if el.parent is None or id(el.parent) in deployed_systems:
                continue
        elif el.type != "softwaresystem" or id(el) in systems_with_containers:
            continue
        comp = b.components[cid]
        if CLIENT in comp.tags or "external" in comp.tags:
            continue
        comp.replicas = None
        comp.placement = []
        b.tag(cid, "external")
        said = (f"{_at(el, fname)}: {el.type_word()} {el.name!r} is deployed nowhere in {chosen.name!r} (the "
                "deployment environment imported): it runs outside this deployment, tagged external; no instance "
                "count of this review's")
        b.read(said)
        b.evidence(cid, said)


def _build(b: GraphBuilder, r: _Reader, fname: str) -> None:
    if not r.merged:
        _mark_around(r)
    els = r.elements
    comp_of: dict[int, str] = {}
    used_ids = set(b.components)

    def new_id(el: _El) -> str:
        cid = make_unique(el.name.lower(), used_ids)
        if cid != _plain(el.name) and el.parent is not None:
            cid = make_unique(f"{el.parent.name}-{el.name}".lower(), used_ids)
        base = re.sub(r"-{2,}", "-", _plain(el.name))
        if cid != base:  # another element has the id this name makes: say which id it got
            b.warn(f"the name {el.name!r} makes the id {base!r}, which another element has: {el.name!r} became {cid!r}")
        used_ids.add(cid)
        return cid

    systems_with_containers = {id(e.parent) for e in els if e.type == "container" and e.parent is not None}
    for el in els:
        where = f"{_at(el, fname)}"
        if el.type == "container":
            cid = new_id(el)
            comp = b.component(cid, f"{where}: container {el.name!r}" + (f" ({el.technology})" if el.technology else ""),
                               name=el.name, kind=_guess_kind(el), source_file=fname)
            comp.description = el.description[:2000]
            if el.parent is not None:
                b.tag(cid, f"system:{el.parent.name}"[:100])
            comp_of[id(el)] = cid
        elif el.type == "softwaresystem" and id(el) not in systems_with_containers:
            cid = new_id(el)
            external = any(t.lower() == "external" for t in el.tags) or el.location.lower() == "external"
            comp = b.component(cid, f"{where}: software system {el.name!r}" + (" (external)" if external else ""),
                               name=el.name, kind="external_api" if external else _guess_kind(el), source_file=fname)
            comp.description = el.description[:2000]
            comp_of[id(el)] = cid
        elif el.type == "component":
            pass  # rolled up below
        elif el.type == "person":
            b.read(f"{where}: person {el.name!r} (their relationships mark what is user-facing)")
    for el in els:
        if el.type == "component":
            p = el.parent
            while p is not None and id(p) not in comp_of:
                p = p.parent
            if p is not None:
                comp_of[id(el)] = comp_of[id(p)]
                b.evidence(comp_of[id(p)], f"{_at(el, fname)}: has component {el.name!r}")

    # deployment: one environment
    envs = [e for e in els if e.type == "deploymentenvironment"]
    chosen = None
    counts: dict[str, int] = {}  # component -> its instances on servers in the chosen environment
    if envs:
        chosen, why = _choose_environment(envs)
        for e in envs:
            if e is not chosen:
                b.skip(f"{_at(e, fname)}: deployment environment {e.name!r} not used (importing {chosen.name!r})")
        others = [e.name for e in envs if e is not chosen]
        b.read(f"{_at(chosen, fname)}: deployment environment {chosen.name!r}"
               + (f" used ({why}; not used: {', '.join(repr(n) for n in others)})" if others else ""))
        placements: dict[str, list[str]] = {}

        used_domains: set[str] = set(b.domains)

        device: dict[str, list[str]] = {}  # component -> where it is deployed on a user's device

        def walk(node: _El, parent_dom: str | None, mult: int, depth: int = 0, on_device: str = "",
                 notes: tuple = ()) -> None:
            if depth > MAX_DEPTH:
                return
            for ch in node.children:
                where = f"{_at(ch, fname)}"
                if ch.type == "deploymentnode" and _USER_DEVICE.search(" ".join([ch.name, ch.technology, *ch.tags])):
                    # a customer's computer or phone: where people are, not a failure domain of the system
                    b.read(f"{where}: deployment node {ch.name!r} is a user's device: not a failure domain")
                    walk(ch, parent_dom, mult, depth + 1, on_device or ch.name, notes)
                elif ch.type == "deploymentnode" and on_device:
                    walk(ch, parent_dom, mult, depth + 1, on_device, notes)  # the browser on the customer's computer
                elif ch.type == "deploymentnode":
                    dom = parent_dom
                    m = mult * ch.instances
                    if ch.said:
                        note = f"{where}: deployment node {ch.name!r} instances {ch.said} (the guaranteed minimum)"
                        b.read(note)
                        notes = notes + (f"{ch.name!r}: instances {ch.said}",)
                    grouping = _grouping_why(ch)
                    if grouping and ch.instances == 1:
                        # an autoscaling group, a managed database service: what fails together is
                        # inside it (the hosts, the database instances) or around it (zone, region)
                        b.read(f"{where}: deployment node {ch.name!r} is {grouping}: not a failure domain "
                               "of its own (what it holds is placed in the nodes inside it and around it)")
                    elif ch.instances == 1 and mult == 1:
                        # one domain per node: two nodes of the same name (an "Apache Tomcat" in the web
                        # tier and one in the API tier) are different failure domains
                        if _plain(ch.name) in used_domains and parent_dom:
                            did = make_unique(f"{parent_dom}-{ch.name}".lower(), used_domains)
                        else:
                            did = make_unique(ch.name.lower(), used_domains)
                        dom = b.domain(did, name=ch.name, kind=_domain_kind(ch), parent=parent_dom)
                        used_domains.update((did, dom))
                    elif ch.instances > 1:
                        b.read(f"{where}: deployment node {ch.name!r} x{ch.instances}: "
                               "its instances are separate failure domains; counted as replicas")
                    else:
                        b.read(f"{where}: deployment node {ch.name!r} runs inside each of {mult} instances; "
                               "not a shared failure domain")
                    walk(ch, dom, m, depth + 1, on_device, notes)
                    if ch.said:
                        notes = notes[:-1]
                elif ch.type == "infrastructurenode" and on_device:
                    b.skip(f"{where}: infrastructure node {ch.name!r} on a user's device ({on_device}): "
                           "not part of the system's deployment")
                elif ch.type == "infrastructurenode":
                    cid = new_id(ch)
                    comp = b.component(cid, f"{where}: infrastructure node {ch.name!r}"
                                       + (f" ({ch.technology})" if ch.technology else ""),
                                       name=ch.name, kind=_guess_kind(ch), source_file=fname)
                    comp.description = ch.description[:2000]
                    comp.replicas = mult
                    managed = MANAGED_SERVICE.search(" ".join([ch.technology, " ".join(ch.tags)]))
                    if managed and mult == 1:  # no instance count of the review's own
                        comp.replicas = None
                        comp.tags.append("managed")
                        b.evidence(cid, f"{where}: {managed.group(0)}: a service the cloud provider manages "
                                        "(its instances are the provider's)")
                    if parent_dom:
                        comp.placement = [parent_dom]
                    comp_of[id(ch)] = cid
                elif ch.type in ("containerinstance", "softwaresysteminstance"):
                    target = ch.target or r.resolve(ch.ref, [e for e in _ancestors(ch)])
                    if target is None or id(target) not in comp_of:
                        if target is not None and target.type == "softwaresystem":
                            # a system with containers deployed as a whole: its containers share the placement
                            for c in [c for c in target.children if id(c) in comp_of]:
                                _place(c, comp_of, placements, counts, parent_dom, mult)
                            comp_of[id(ch)] = None
                            continue
                        b.dangling(f"{where}: instance of {ch.ref}, which is not a container or system in the model")
                        continue
                    comp_of[id(ch)] = comp_of[id(target)]
                    if on_device:
                        # an app on the customer's phone or in their browser: one copy per user, not instances
                        # of the system's to count or place
                        device.setdefault(comp_of[id(target)], []).append(f"{where}: deployed on {on_device!r}")
                        continue
                    _place(target, comp_of, placements, counts, parent_dom, mult)
                    b.evidence(comp_of[id(target)], f"{where}: {mult} instance(s) deployed"
                                                     + (f" in {parent_dom}" if parent_dom else "")
                                                     + "".join(f" ({n})" for n in notes))

        walk(chosen, None, 1)
        for cid, wheres in device.items():
            if cid in counts:  # on servers too: those are its instances
                for w in wheres:
                    b.evidence(cid, f"{w}, a user's device: not counted as an instance")
                continue
            comp = b.components[cid]
            comp.replicas = None
            comp.placement = []
            b.tag(cid, CLIENT)
            for w in wheres:
                b.evidence(cid, f"{w}, a user's device: client software (one copy per user), tagged client; "
                                "no replicas or placement stated")
        for cid, n in counts.items():
            comp = b.components[cid]
            comp.replicas = min(n, 100000)
            pl = placements.get(cid, [])
            if pl and len(pl) == n:
                comp.placement = pl if len(set(pl)) > 1 else [pl[0]]
            elif pl:
                comp.placement = list(dict.fromkeys(pl))
    _tag_client_apps(b, els, comp_of, fname, placed=set(counts) if envs else set())
    _tag_outside_deployment(b, els, comp_of, fname, chosen, counts, systems_with_containers)
    # relationships
    delivering: dict[str, list[str]] = {}  # component -> where it delivers an app (file:line)
    rollup = _Rollup(r, comp_of)
    from_components: dict[tuple[str, str], list[tuple[str, str, str, _El]]] = {}  # rolled up: weighed below
    to_systems: list = []  # relationships to a system that has containers, from outside it: below
    for rel in r.rels:
        where = f"{rel.file_label or fname}:{rel.line}" if rel.line else (rel.file_label or fname)
        src = r.resolve(rel.src, rel.scope)
        dst = r.resolve(rel.dst, rel.scope)
        if src is None or dst is None:
            missing = rel.src if src is None else rel.dst
            b.dangling(f"{where}: relationship names {missing if isinstance(missing, str) else '?'}, "
                       "which is not defined in the model")
            continue
        if src.type in ("containerinstance", "softwaresysteminstance", "infrastructurenode") and chosen is not None \
                and src.env and src.env != chosen.name:
            continue
        if src.type == "person":
            t = comp_of.get(id(dst))
            if t and rel.around:
                b.read(f"{where}: person {src.name!r} -> {dst.name!r}: not marked user-facing ({rel.around})")
                continue
            if t:
                b.components[t].user_facing = True
                b.evidence(t, f"{where}: person {src.name!r} -> {dst.name!r}: user-facing")
            continue
        s, t = comp_of.get(id(src)), comp_of.get(id(dst))
        if s is not None and t is None and dst.type == "softwaresystem" and id(dst) in systems_with_containers \
                and _relationship_reading(rel.desc)[0] == "call":
            to_systems.append((where, rel, src, dst, s))
            continue
        if s is None or t is None:
            b.skip(f"{where}: {src.name} -> {dst.name}: relationship between {src.type} and {dst.type} "
                   f"({_unread_why(src, dst, systems_with_containers)})")
            continue
        if s == t:
            continue
        text = " ".join([rel.desc, rel.tech, rel.tags])
        typ = "async" if _ASYNC.search(text) else "hard"
        label = ": ".join(x for x in (rel.desc, rel.tech) if x)
        said = f"{where}: {b.components[s].name} -> {b.components[t].name}" + (f" ({label[:100]})" if label else "")
        reading, why = _relationship_reading(rel.desc)
        if reading == "not-runtime":
            b.skip(f"{said}: not a runtime call ({why}): no dependency")
            continue
        if reading == "delivers":
            # C4's "web server delivers the single-page app": the app, once in the browser, needs the server
            # that delivered it, not the other way round
            b.depend(t, s, "hard", DECLARED, f"{said}: what is delivered needs what delivers it: recorded as "
                                             f"{b.components[t].name} -> {b.components[s].name}",
                     description=rel.desc[:2000])
            delivering.setdefault(s, []).append(where)
            continue
        if reading == "reverse":
            b.depend(t, s, typ, DECLARED, f"{said}: {why}: recorded as {b.components[t].name} -> "
                                          f"{b.components[s].name}", description=rel.desc[:2000])
            continue
        if src.type == "component" and comp_of.get(id(src)) == s:
            from_components.setdefault((s, t), []).append((said, typ, rel.desc[:2000], src, where))
            continue
        b.depend(s, t, typ, DECLARED, said, description=rel.desc[:2000])
    for (s, t), calls in from_components.items():
        _depend_rolled_up(b, rollup, s, t, calls)
    for where, rel, src, dst, s in to_systems:
        _depend_on_system(b, r, comp_of, where, rel, src, dst, s, systems_with_containers)
    _static_servers(b, delivering)


#: an entry component that signs users in: what it needs, every other use needs too (a user who cannot
#: sign in reaches nothing else)
_SIGN_IN = re.compile(r"(?i)\b(sign[- ]?in|sign[- ]?on|log[- ]?in|log[- ]?on|authenticat\w*|authn)\b")


class _Rollup:
    """What the components of each container need, for weighing the relationships they roll up.

    A container's *entries* are its components that something outside it calls (another container, a
    person); when something calls the container as a whole, or nothing names a component, also those
    that no sibling calls. A relationship a component has rolls up to its container; the entries that
    reach that component through their siblings' relationships are the ones that need it."""

    def __init__(self, r: "_Reader", comp_of: dict):
        self.comp_of = comp_of
        self.members: dict[str, list[_El]] = {}  # rolled-up component id -> its C4 components
        self.edges: dict[int, list[_El]] = {}  # component -> siblings it calls
        outside_calls: dict[str, list[_El]] = {}  # container -> its components called from outside
        whole: set[str] = set()  # containers called as a whole from outside
        called: set[int] = set()
        for el in r.elements:
            if el.type == "component" and comp_of.get(id(el)):
                self.members.setdefault(comp_of[id(el)], []).append(el)
        for rel in r.rels:
            src, dst = r.resolve(rel.src, rel.scope), r.resolve(rel.dst, rel.scope)
            if src is None or dst is None:
                continue
            reading, _ = _relationship_reading(rel.desc)
            if reading == "not-runtime":
                continue
            if reading in ("delivers", "reverse"):
                src, dst = dst, src
            s, t = comp_of.get(id(src)), comp_of.get(id(dst))
            if t is None or t not in self.members:
                continue
            if s == t and src.type == "component" and dst.type == "component":
                self.edges.setdefault(id(src), []).append(dst)
                called.add(id(dst))
            elif s != t and dst.type == "component":
                outside_calls.setdefault(t, []).append(dst)
            elif s != t:
                whole.add(t)
        self.entries: dict[str, list[_El]] = {}
        for cid, comps in self.members.items():
            roots = [c for c in comps if id(c) not in called]
            named = list({id(c): c for c in outside_calls.get(cid, [])}.values())
            ent = named + ([c for c in roots if c not in named] if cid in whole or not named else [])
            self.entries[cid] = ent or comps

    def needers(self, cid: str, holders: list[_El]) -> list[_El]:
        """The entries of ``cid`` that reach one of ``holders`` (themselves included)."""
        want = {id(h) for h in holders}
        out = []
        for e in self.entries.get(cid, []):
            seen, todo = {id(e)}, [e]
            while todo:
                c = todo.pop()
                if id(c) in want:
                    out.append(e)
                    break
                for n in self.edges.get(id(c), []):
                    if id(n) not in seen:
                        seen.add(id(n))
                        todo.append(n)
        return out


def _depend_on_system(b: GraphBuilder, r: "_Reader", comp_of: dict, where: str, rel: _Rel, src: _El, dst: _El,
                      s: str, systems_with_containers: set) -> None:
    """A call to a software system that has containers, from outside it (a team's workspace names
    another team's system, whose containers its own workspace gives): the call reaches the system's
    one entry container, the one its other containers do not call (Customer Service's "Customer API",
    not its database). Skipped as before when the caller also calls a container of it, or when the
    system has no single entry."""
    containers = [c for c in dst.children if c.type == "container" and comp_of.get(id(c))]
    if any(b.has_dep(s, comp_of[id(c)]) for c in containers):
        return  # the caller's relationships with its containers carry the detail
    called = set()
    for x in r.rels:
        a, z = r.resolve(x.src, x.scope), r.resolve(x.dst, x.scope)
        if a is not None and z is not None and a in containers and z in containers and a is not z:
            called.add(id(z))
    entries = [c for c in containers if id(c) not in called]
    if len(entries) != 1:
        b.skip(f"{where}: {src.name} -> {dst.name}: relationship between {src.type} and {dst.type} "
               f"({_unread_why(src, dst, systems_with_containers)}; {dst.name} has no single container that "
               "its other containers do not call)")
        return
    entry = entries[0]
    typ = "async" if _ASYNC.search(" ".join([rel.desc, rel.tech, rel.tags])) else "hard"
    label = ": ".join(x for x in (rel.desc, rel.tech) if x)
    b.depend(s, comp_of[id(entry)], typ, DECLARED,
             f"{where}: {src.name} -> {dst.name}" + (f" ({label[:100]})" if label else "")
             + f": recorded as {b.components[s].name} -> {entry.name}, the container of {dst.name} that its other "
               "containers do not call (its entry)", description=rel.desc[:2000])


def _names(els: list) -> str:
    return ", ".join(repr(e.name) for e in els)


def _depend_rolled_up(b: GraphBuilder, rollup: _Rollup, s: str, t: str, calls: list) -> None:
    """Record the relationships components of container ``s`` have with ``t`` as one dependency
    ``s -> t``, weighed by which of the container's entries need them. A hard call stays hard when the
    container's own relationship says so, when every entry reaches a component that has it, or when an
    entry that signs users in does (nobody reaches the rest without it); one only some entries need is
    soft: the container goes on serving the others, degraded, when ``t`` is down. The line says which."""
    holders = list({id(c[3]): c[3] for c in calls}.values())
    entries = rollup.entries.get(s, [])
    needers = rollup.needers(s, holders)
    gate = next((e for e in needers if _SIGN_IN.search(e.name)), None)
    own = b.has_dep(s, t)  # the container's own relationship (recorded first, in the loop)
    partial = not own and len(entries) > 1 and len(needers) < len(entries) and gate is None
    src_name, dst_name = b.components[s].name, b.components[t].name
    for said, typ, desc, _, _ in calls:
        b.depend(s, t, "soft" if partial and typ == "hard" else typ, DECLARED, said, description=desc)
    if not any(c[1] == "hard" for c in calls) or own or len(entries) < 2:
        return
    through = f" (through {_names(holders)})" if [h for h in holders if h not in needers] else ""
    if partial:
        line = (f"{calls[0][4]}: {src_name} -> {dst_name}: only {_names(needers) or 'none'} of its {len(entries)} "
                f"components called from outside ({_names(entries)}) need{'s' if len(needers) == 1 else ''} "
                f"{dst_name}{through}: soft, {src_name} goes on "
                f"serving the others without it")
    elif gate is not None and len(needers) < len(entries):
        line = (f"{calls[0][4]}: {src_name} -> {dst_name}: {gate.name!r} needs it{through}, and signs users in, which every "
                f"other use needs: hard")
    else:
        return
    b.depend(s, t, "soft" if partial else "hard", DECLARED, line)
    b.read(line)


#: words that make an environment's name production ("Production", "Prod EU", "Live")
_PROD_WORDS = {"production", "prod", "live", "prd"}
#: words that make it something else, even beside a production word ("Pre-Production", "PreProd",
#: "Non-Prod", "Production Test", "Staging")
_NOT_PROD = re.compile(r"^(pre|non)|stag|test|^dev|^qa$|^uat$|sandbox|^demo$|^sim")


def _env_score(name: str) -> int:
    """2: the name is a production word alone ("Live", "Production"); 1: it has one as a whole word
    and nothing that says otherwise ("Production EU"); 0: not production ("Pre-Production", "Delivery")."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).lower())
    if not words or any(_NOT_PROD.search(w) for w in words) or not _PROD_WORDS & set(words):
        return 0
    return 2 if all(w in _PROD_WORDS for w in words) else 1


def _choose_environment(envs: list) -> tuple:
    """(the deployment environment to import, why): the one named production (a whole word: not
    "Delivery", nor "Pre-Production"), an exact name before a compound one, the first on a tie; with
    none so named, the last one written (as before)."""
    scored = [(_env_score(e.name), -i, e) for i, e in enumerate(envs)]
    best = max(scored, key=lambda t: (t[0], t[1]))
    if best[0]:
        return best[2], "named as production"
    return envs[-1], "none is named as production (Production, Prod, Live): the last one written"


def _unread_why(src: _El, dst: _El, systems_with_containers: set) -> str:
    """Why a relationship between these two is no dependency of the review."""
    if dst.type == "person":
        return "a person is not a component: what reaches people is not a dependency"
    if "deploymentnode" in (src.type, dst.type):
        return ("deployment nodes are failure domains, not components; replication between them is not read: "
                "state it on what they hold")
    if any(e.type == "softwaresystem" and id(e) in systems_with_containers for e in (src, dst)):
        return "the containers carry the detail"
    return "one side is not a component of the review"


#: an element tag that says the element is an app running on its users' devices (C4's usual tags:
#: "Single Page Application", "Web Browser", "Mobile App", "Desktop App"...)
_CLIENT_TAG = re.compile(r"(?i)^\s*(single[- ]page (app|application)|spa|web browser|browser|"
                         r"(mobile|ios|android|desktop|native|phone|smartphone|tablet) (app|application)|"
                         r"mobile|mobile client|desktop client|browser app|web browser app)\s*$")
#: a technology that runs on users' devices: a browser framework, a mobile or desktop platform
_CLIENT_TECH = re.compile(r"(?i)\b(react|react native|angular(js)?|vue(\.?js)?|svelte|ember(\.?js)?|backbone(\.?js)?|"
                          r"jquery|blazor webassembly|webassembly|elm|ios|ipados|android|swift ?ui|objective-c|"
                          r"xamarin|flutter|ionic|cordova|electron|wpf|winforms|windows forms|uwp|cocoa|"
                          r"kotlin multiplatform|\.net maui|maui)\b")
#: a technology that runs on servers: a container whose technology names one is a server-side web app
#: even when it names a browser framework too ("Java and Spring MVC", "Next.js (React)", "Node.js and React")
_SERVER_TECH = re.compile(r"(?i)\b(spring|java|jvm|asp\.net|\.net core|node(\.?js)?|express|next\.?js|nuxt|"
                          r"remix|django|flask|rails|ruby|php|laravel|go|golang|python|tomcat|nginx|apache (http|tomcat)|httpd|"
                          r"server|ssr|server-side|jsp|jsf|thymeleaf)\b")
#: an element name that says what it is ("Single-Page Application", "Mobile App")
_CLIENT_NAME = re.compile(r"(?i)\b(single[- ]page (app|application)|(mobile|ios|android|desktop) (app|application))\b")


def _client_reason(el: "_El") -> str:
    """Why ``el`` is software on its users' devices ("its tag 'Single Page Application'"), or ""
    when nothing says so. A tag is the modeller's word and is taken as it is; a technology only
    when it names no server platform as well (a "Java and Spring MVC" web application renders
    its pages on the servers; "JavaScript and React" runs in the browser); a name last."""
    for t in el.tags:
        if _CLIENT_TAG.match(t):
            return f"its tag {t!r}"
    tech = el.technology
    if tech and _CLIENT_TECH.search(tech) and not _SERVER_TECH.search(tech):
        return f"its technology {tech!r}"
    if _CLIENT_NAME.search(el.name) and not (tech and _SERVER_TECH.search(tech)):
        return f"its name {el.name!r}"
    return ""


def _tag_client_apps(b: GraphBuilder, els: list, comp_of: dict, fname: str, placed: set) -> None:
    """Tag ``client`` the containers (and systems without containers) that are apps on their users'
    devices by what they are (a single-page app, a mobile or desktop app), when no deployment view
    said so: C4 models mostly draw the SPA as a container and leave deployment out, and imported as
    a server it would be a critical SPOF with the advice to add a replica on another host. One the
    chosen deployment environment places on servers (``placed``) keeps those instances."""
    for el in els:
        if el.type not in ("container", "softwaresystem"):
            continue
        cid = comp_of.get(id(el))
        if cid is None or cid not in b.components:
            continue
        comp = b.components[cid]
        if CLIENT in comp.tags or comp.kind == "external_api":
            continue
        why = _client_reason(el)
        if not why:
            continue
        if cid in placed:
            b.read(f"{_at(el, fname)}: {el.name!r} looks like an app on users' devices ({why}), but the "
                   "deployment environment places it on servers: imported with those instances, not tagged client")
            continue
        comp.replicas = None
        comp.placement = []
        b.tag(cid, CLIENT)
        said = (f"{_at(el, fname)}: {el.name!r} runs on its users' devices ({why}): client software "
                "(one copy per user), tagged client; no replicas or placement stated")
        b.read(said)
        b.evidence(cid, said)


#: a relationship that says the source serves the target to its users ("Delivers", "Delivers to the
#: customer's web browser", "Serves the single-page app"): the data goes the arrow's way, the need the
#: other way (the app, running in the browser, needs the server it was loaded from)
_DELIVERS = re.compile(r"(?i)\s*(delivers|serves)\b")
#: a relationship written in the passive ("Is used by", "Called by", "Read by"): the arrow points from
#: what is called to its caller; C4 asks for the active voice, but models do write it so
_PASSIVE = re.compile(r"(?i)\s*(is\s+|are\s+)?(used|called|read|queried|invoked|accessed|requested|polled|"
                      r"consumed|fetched|loaded)\s+(from\s+)?by\b")
#: a relationship that says the target answers the source ("Returns results to", "Responds to",
#: "Sends responses to"): the arrow follows the answer, the call goes the other way
_ANSWER = re.compile(r"(?i)\s*(returns\b.*\bto\b|responds\s+to\b|replies\s+to\b|sends\s+(the\s+)?"
                     r"(responses?|replies|results?)\s+(back\s+)?to\b)")
#: a relationship that happens when the software is built or shipped, not while it serves: a pipeline
#: that deploys a service is not called by it, and its failure takes nothing down that runs
_NOT_RUNTIME = re.compile(r"(?i)\s*(deploys|builds|packages|provisions|publishes\s+(images?|artifacts?|"
                          r"releases?|packages?)|pushes\s+(images?|artifacts?)|releases\b)")


def _relationship_reading(desc: str) -> tuple[str, str]:
    """How a relationship's description says it is a runtime call: ("call", "") the source calls the
    target (C4's active voice: "Uses", "Reads from and writes to", "Makes API calls to", "Sends e-mail
    using"); ("delivers", why) the source serves the target to users' browsers or devices, the target
    needs the source; ("reverse", why) the arrow points from the callee to its caller (passive voice, an
    answer); ("not-runtime", why) nothing calls anything while the system serves (a deployment, a build)."""
    if _DELIVERS.match(desc):
        return "delivers", "what is delivered needs what delivers it"
    if _PASSIVE.match(desc):
        return "reverse", "written in the passive: the arrow points from what is called to its caller"
    if _ANSWER.match(desc):
        return "reverse", "the arrow follows the answer: the call goes the other way"
    if _NOT_RUNTIME.match(desc):
        return "not-runtime", "it happens when the software is built or shipped, not while it serves"
    return "call", ""


def _static_servers(b: GraphBuilder, delivering: dict) -> None:
    """A container that delivers an app to its users' browsers and calls nothing of its own is a
    static content server (C4's "Web Server: serves HTML, CSS, JavaScript"): kind frontend, not the
    gateway or service its name or technology (Nginx, Apache) made it. As a user-facing gateway that
    calls nothing, the import report warned that its calls to the services were probably missing."""
    calls = {source for source, _ in b.deps}
    for cid, wheres in delivering.items():
        comp = b.components.get(cid)
        if comp is None or comp.kind not in ("gateway", "service") or cid in calls:
            continue
        said = (f"{wheres[0]}: {comp.name!r} delivers an app to its users and calls nothing: a static content "
                f"server, kind frontend (not {comp.kind})")
        comp.kind = "frontend"
        b.read(said)
        b.evidence(cid, said)


_USER_DEVICE = re.compile(r"(?i)\b(computer|laptop|desktop|workstation|phone|mobile device|smartphone|tablet|"
                          r"browser|user'?s? device|customer'?s? device|end.?user|iphone|android device|kiosk)\b")


def looks_like_structurizr_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    head = paths.head_text(path)
    return '"model"' in head and ('"softwareSystems"' in head or '"people"' in head or '"views"' in head) \
        and '"prr-review"' not in head


def read_structurizr_json(paths: list[Path], *, base: Path | None = None) -> object:
    """A Structurizr JSON workspace (what the Structurizr CLI exports and Lite stores); ``base`` as
    for :func:`read_structurizr`."""
    from prr_app.interchange.json_io import parse_json_text

    paths = [Path(p) for p in paths]
    names = short_names(paths, base)
    b = GraphBuilder("structurizr", paths)
    for path in paths:
        fname = names[path]
        data = parse_json_text(sy.read_text(path, max_bytes=MAX_BYTES), file=str(path))
        if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
            raise PrrError("not a Structurizr JSON workspace (no \"model\" object)", file=str(path))
        r = _Reader(str(path), fname, b)
        r.name = str(data.get("name") or "")[:200]
        _json_model(r, data["model"], fname)
        _build(b, r, fname)
        b.system_name = b.system_name or r.name
        b.system_declared = b.system_declared or bool(r.name)
    if not b.components:
        # a workspace whose model is in a file not found (``!include``, ``extends``): that file is the problem
        missing = [w for w in b.report.warnings if " not found next to " in w]
        raise PrrError("no containers, software systems or infrastructure nodes found in the model"
                       + (": " + "; ".join(missing[:3]) + (" ..." if len(missing) > 3 else "") if missing else ""),
                       file=str(paths[0]))
    b.system_name = b.system_name or paths[0].parent.name
    return b.finish(file=str(paths[0]))


def _json_model(r: "_Reader", model: dict, fname: str) -> None:
    """Elements and relationships of a JSON workspace, as the DSL reader would have them."""
    by_id: dict[str, _El] = {}
    pending: list[tuple[dict, str]] = []  # (relationship, where)
    pending_refs: list[_El] = []  # instances, to resolve by the id they name
    counter = [0]

    def text(v) -> str:
        return v if isinstance(v, str) else ""

    def tags(v) -> list[str]:
        return [t.strip() for t in text(v).split(",") if t.strip()]

    def el(d: dict, typ: str, parent: _El | None, where: str, env: str = "") -> _El | None:
        if not isinstance(d, dict):
            return None
        counter[0] += 1
        if counter[0] > 100_000:
            raise PrrError("more than 100,000 elements", file=r.file)
        name = text(d.get("name")) or text(d.get("id")) or f"{typ} {counter[0]}"
        e = _El(typ, name[:200], text(d.get("id")), "", parent, 0, description=text(d.get("description"))[:2000],
                technology=text(d.get("technology"))[:200], tags=tags(d.get("tags")), env=env or text(d.get("environment")),
                location=text(d.get("location")), src=f"{fname} {where}")
        inst = d.get("instances")
        if inst is not None:
            n, said = _instances(inst, 100000)
            if n is None:
                r.b.warn(f"{fname} {where}: instances {str(inst)[:40]!r} is not a number (nor a range such as "
                         "1..5); counted as 1")
            else:
                e.instances, e.said = n, said
        if parent is not None:
            parent.children.append(e)
        r.elements.append(e)
        if e.ident:
            by_id[e.ident] = e
        for i, rel in enumerate(d.get("relationships") or [] if isinstance(d.get("relationships"), list) else []):
            if isinstance(rel, dict):
                pending.append((rel, f"{where}.relationships[{i}]"))
        return e

    def seq(d: dict, key: str) -> list:
        v = d.get(key) if isinstance(d, dict) else None
        return v if isinstance(v, list) else []

    for i, p in enumerate(seq(model, "people")):
        el(p, "person", None, f"people[{i}]")
    for i, s in enumerate(seq(model, "softwareSystems")):
        sys_el = el(s, "softwaresystem", None, f"softwareSystems[{i}]")
        for j, c in enumerate(seq(s, "containers")):
            c_el = el(c, "container", sys_el, f"softwareSystems[{i}].containers[{j}]")
            for k, comp in enumerate(seq(c, "components")):
                el(comp, "component", c_el, f"softwareSystems[{i}].containers[{j}].components[{k}]")

    def node(d: dict, parent: _El | None, where: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise PrrError(f"deployment nodes nested more than {MAX_DEPTH} levels", file=r.file, location=where)
        n = el(d, "deploymentnode", parent, where)
        if n is None:
            return
        if parent is None:
            envname = n.env or "Default"
            env = next((e for e in r.elements if e.type == "deploymentenvironment" and e.name == envname), None)
            if env is None:
                env = el({"name": envname}, "deploymentenvironment", None, where)
            env.children.append(n)
            n.parent = env
        for j, ch in enumerate(seq(d, "children")):
            node(ch, n, f"{where}.children[{j}]", depth + 1)
        for key, typ, ref in (("containerInstances", "containerinstance", "containerId"),
                              ("softwareSystemInstances", "softwaresysteminstance", "softwareSystemId")):
            for j, ci in enumerate(seq(d, key)):
                x = el(ci, typ, n, f"{where}.{key}[{j}]", env=n.env)
                if x is not None:
                    x.ref = text(ci.get(ref))
                    pending_refs.append(x)
        for j, inf in enumerate(seq(d, "infrastructureNodes")):
            el(inf, "infrastructurenode", n, f"{where}.infrastructureNodes[{j}]", env=n.env)

    roots = [e for e in r.elements]  # noqa: F841 - model elements first, deployment after
    for i, d in enumerate(seq(model, "deploymentNodes")):
        node(d, None, f"deploymentNodes[{i}]")
    for e in pending_refs:
        # by id: two containers may share a name (each system's "API"), an id is one element
        if e.ref in by_id:
            e.target = by_id[e.ref]
            e.ref = f"{e.target.name} (id {e.ref})"
        else:
            e.ref = f"id {e.ref}" if e.ref else "no containerId"
    for e in r.elements:
        r.by_ident.setdefault(e.name.lower(), []).append(e)
    for rel, where in pending:
        src, dst = by_id.get(text(rel.get("sourceId"))), by_id.get(text(rel.get("destinationId")))
        if src is None or dst is None:
            r.b.dangling(f"{fname} {where}: relationship to an element id that is not in the model")
            continue
        if src.type == "containerinstance" or dst.type == "containerinstance":
            if rel.get("linkedRelationshipId"):
                continue  # the container relationship itself is there too
        r.rels.append(_Rel(src, dst, text(rel.get("description"))[:2000], text(rel.get("technology"))[:200],
                           text(rel.get("tags")), 0, [], file_label=f"{fname} {where}"))


def _instances(val, cap: int = 1000) -> tuple[int | None, str]:
    """(instances, what to say) of an ``instances`` value: a number, or a range ("1..5", "2..N") of
    which the lower bound is taken: the guaranteed minimum, not what an autoscaler may add; (None, "")
    for anything else."""
    v = str(val).strip()
    m = re.fullmatch(r"(\d{1,9})(?:\s*\.\.\s*(\d{1,9}|[Nn*]))?", v)
    if not m or isinstance(val, (bool, float)):
        return None, ""
    low = int(m.group(1))
    n = max(1, min(low, cap))
    if m.group(2) is None:
        return n, ""
    return n, f"{v}: at least {low}" + ("" if low >= 1 else ", counted as 1")


def _at(el: _El, fname: str) -> str:
    """Where an element is written: ``file:line``, or the JSON place (which has no line)."""
    return f"{el.src or fname}:{el.line}" if el.line else (el.src or fname)


def _ancestors(el: _El) -> list[_El]:
    out = []
    p = el.parent
    while p is not None:
        out.append(p)
        p = p.parent
    return list(reversed(out))


def _place(target: _El, comp_of, placements, counts, dom, mult) -> None:
    cid = comp_of[id(target)]
    counts[cid] = counts.get(cid, 0) + mult
    if dom:
        placements.setdefault(cid, []).extend([dom] * min(mult, 1000))


def _plain(name: str) -> str:
    from prr_app.model.validation import make_id

    return make_id(name.lower())
