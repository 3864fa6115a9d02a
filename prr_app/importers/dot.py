"""Graphviz DOT: nodes are components, edges dependencies, clusters failure domains.

Our own small parser of the DOT language (pydot prints parse errors instead
of raising and is slow on large graphs): ``[strict] (graph|digraph) [id] {...}``
with node, edge (chains ``a -> b -> c``, subgraphs as endpoints) and
attribute statements, ``id = id``, subgraphs, quoted and HTML strings,
``//``, ``/* */`` and ``#`` comments, ``+`` string concatenation.

* A subgraph whose name starts with ``cluster`` (Graphviz's word for a subgraph drawn in a box) is a
  failure domain when its ``kind`` attribute, its label or its name after ``cluster`` names one (zone,
  region, rack, host, datacenter, a Kubernetes cluster...); nested ones nest and its nodes are placed
  in it. Any other box ("Services", "Data Layer") is a group drawn in the diagram: no domain, said.
* Node attributes: ``label`` (name; ``\n`` a space, an HTML label's first text), ``kind`` (component
  kind) or ``shape`` (``cylinder`` is a datastore), ``replicas``, ``owner``.
* Edge attributes: ``type`` or ``kind`` (hard/soft/async), ``style=dashed``
  or ``dotted`` (soft), ``label`` (kept as description). An edge out of a queue is the flow of its
  messages: its consumer depends on the queue, soft, as an edge into one labelled consume or
  subscribe says (graph.broker_use, the rule every importer applies).
* In an undirected ``graph`` the edge ``a -- b`` is read as a depends on b.
* ``terraform graph`` output (node ids ``[root] aws_lb.front (expand)`` or resource addresses) is
  recognised: resources are components (their kind from the resource type; a cloud provider's managed
  service tagged ``managed``, with no instance count), a resource's own configuration (an LB's
  listeners and target groups, a zone's DNS records) is folded into it, configuration that runs
  nothing (firewall rules, roles, networks, keys), providers, variables, outputs, data sources and
  modules are left out and listed, and a warning says the edges are creation order, not calls. Each
  dependency only such edges give is recorded as an inferred call, weak (``ImportReport.inferred``): every
  face marks it "inferred, not confirmed" and the findings that rest on it, and ``prr import
  --accept/--reject`` (or the app's import report) settles it, as for the calls a checkout's source suggests.
* A node named for the users' side ("Client Apps", "Browser", "Mobile App") is user-facing and tagged
  ``client``: software on its users' devices, one copy per user, with no instance count of its own.
"""
from __future__ import annotations

import re
from pathlib import Path

from prr_app.model.entities import CLIENT, ComponentKind, dependency_id
from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import DECLARED, GraphBuilder, broker_use, recognise, short_names

MAX_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 50
_KEYWORDS = {"strict", "graph", "digraph", "node", "edge", "subgraph"}
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+|\n)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<hash>(?<![^\n])\#[^\n]*)
  | (?P<str>"(?:[^"\\]|\\.|\\\n)*")
  | (?P<html><)
  | (?P<edgeop>->|--)
  | (?P<num>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*)
  | (?P<punct>[{}\[\]=;,:+])
    """,
    re.VERBOSE | re.DOTALL,
)
_DOMAIN_WORDS = [("availability zone", "zone"), ("zone", "zone"), ("az", "zone"), ("region", "region"),
                 ("rack", "rack"), ("datacenter", "datacenter"), ("data center", "datacenter"), ("dc", "datacenter"),
                 ("host", "host"), ("node", "host"), ("server", "host"), ("vm", "host"), ("cluster", "cluster"),
                 ("kubernetes", "cluster"), ("k8s", "cluster"), ("eks", "cluster"), ("gke", "cluster"),
                 ("aks", "cluster"), ("openshift", "cluster"),
                 ("account", "account"), ("subscription", "account"), ("project", "account"), ("vpc", "network"),
                 ("network", "network"), ("subnet", "network"), ("aws", "provider"), ("gcp", "provider"),
                 ("azure", "provider"), ("cloud", "provider")]
#: a node that stands for the users or their devices
_USERS_SIDE = re.compile(r"(web |mobile |desktop )?(clients?|browsers?|end[- ]users?|mobile apps?)( apps?)?")
#: an edge label that says its caller reads from a queue rather than publishing to it
_CONSUMES = re.compile(r"\b(consum\w*|subscri\w*|reads?|reading|poll\w*|listen\w*|pull\w*|receiv\w*|dequeue\w*|"
                       r"fetch\w*)\b", re.IGNORECASE)
#: ... that its caller publishes to it
_PUBLISHES = re.compile(r"\b(publish\w*|produc\w*|emit\w*|enqueue\w*|send\w*|push\w*|writes?|events?)\b",
                        re.IGNORECASE)


class _Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line


def tokenize(text: str, file: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if not m:
            raise PrrError(f"unexpected character {text[pos]!r}", file=file, location=f"line {line}")
        kind = m.lastgroup
        s = m.group(kind)
        if kind == "html":
            depth, j = 0, pos
            while j < n:
                c = text[j]
                if c == "<":
                    depth += 1
                elif c == ">":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise PrrError("unterminated <...> string", file=file, location=f"line {line}")
            s = text[pos:j + 1]
            toks.append(_Tok("id", s[1:-1], line))
            line += s.count("\n")
            pos = j + 1
            continue
        if kind in ("ws", "comment", "hash"):
            pass
        elif kind == "str":
            body = s[1:-1].replace("\\\n", "").replace('\\"', '"')
            toks.append(_Tok("id", body, line))
        elif kind in ("num", "id"):
            toks.append(_Tok("kw" if kind == "id" and s.lower() in _KEYWORDS else "id", s, line))
        else:
            toks.append(_Tok(kind, s, line))
        line += s.count("\n")
        pos = m.end()
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok], file: str):
        self.t, self.i, self.file = toks, 0, file
        self.nodes: dict[str, dict] = {}  # id -> attrs (+ __line__, __clusters__)
        self.edges: list[tuple[str, str, dict, int]] = []
        self.clusters: dict[str, dict] = {}  # cluster id -> attrs (+ __parent__, __line__)
        self.directed = True
        self.name = ""

    # -- token helpers
    def peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def err(self, msg: str) -> PrrError:
        tok = self.peek()
        line = tok.line if tok else (self.t[-1].line if self.t else 1)
        return PrrError(f"invalid DOT: {msg}", file=self.file, location=f"line {line}")

    def take(self, kind: str | None = None, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.err(f"unexpected end of file (expected {text or kind})")
        if (kind and tok.kind != kind) or (text and tok.text.lower() != text):
            raise self.err(f"expected {text or kind}, found {tok.text[:30]!r}")
        self.i += 1
        return tok

    def is_(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == kind and (text is None or tok.text.lower() == text)

    def ident(self) -> str:
        tok = self.take("id")
        s = tok.text
        while self.is_("punct", "+") and self.peek(1) is not None and self.peek(1).kind == "id":
            self.i += 1
            s += self.take("id").text
        return s

    # -- grammar
    def parse(self) -> None:
        if self.is_("kw", "strict"):
            self.i += 1
        tok = self.take("kw")
        if tok.text.lower() not in ("graph", "digraph"):
            raise self.err("a DOT file starts with 'graph' or 'digraph'")
        self.directed = tok.text.lower() == "digraph"
        if self.is_("id"):
            self.name = self.ident()
        self.take("punct", "{")
        self.stmts(cluster=None, defaults={}, depth=0)
        self.take("punct", "}")
        if self.peek() is not None:
            if self.is_("kw", "graph") or self.is_("kw", "digraph") or self.is_("kw", "strict"):
                raise self.err("only one graph per file is supported")
            raise self.err(f"unexpected {self.peek().text[:30]!r} after the graph")

    def stmts(self, cluster, defaults, depth) -> list[str]:
        """Statements until '}'; the node ids mentioned."""
        if depth > MAX_DEPTH:
            raise self.err(f"subgraphs nested more than {MAX_DEPTH} deep")
        mentioned: list[str] = []
        node_defaults = dict(defaults)
        edge_defaults: dict = {}
        while not self.is_("punct", "}"):
            if self.peek() is None:
                raise self.err("unexpected end of file (missing '}')")
            if self.is_("punct", ";") or self.is_("punct", ","):
                self.i += 1
                continue
            if self.is_("kw", "node") or self.is_("kw", "edge") or self.is_("kw", "graph"):
                which = self.take("kw").text.lower()
                attrs = self.attr_list() if self.is_("punct", "[") else {}
                if which == "node":
                    node_defaults.update(attrs)
                elif which == "edge":
                    edge_defaults.update(attrs)
                elif cluster is not None:
                    self.clusters[cluster].update(attrs)
                continue
            if self.is_("id") and self.peek(1) is not None and self.peek(1).kind == "punct" and self.peek(1).text == "=":
                key = self.ident()
                self.take("punct", "=")
                val = self.ident()
                if cluster is not None:
                    self.clusters[cluster][key] = val
                elif key == "label":
                    self.name = self.name or val
                continue
            line = self.peek().line
            ids = self.endpoint(cluster, node_defaults, depth)
            mentioned += ids
            if self.is_("edgeop"):
                chain = [ids]
                while self.is_("edgeop"):
                    op = self.take("edgeop").text
                    if (op == "->") != self.directed:
                        raise self.err(f"'{op}' in a {'digraph' if self.directed else 'graph'}")
                    nxt = self.endpoint(cluster, node_defaults, depth)
                    mentioned += nxt
                    chain.append(nxt)
                attrs = dict(edge_defaults)
                if self.is_("punct", "["):
                    attrs.update(self.attr_list())
                for a, bb in zip(chain, chain[1:]):
                    for s in a:
                        for t in bb:
                            self.edges.append((s, t, attrs, line))
            elif self.is_("punct", "["):
                attrs = self.attr_list()
                if len(ids) == 1 and ids[0] in self.nodes:
                    self.nodes[ids[0]].update(attrs)
        return mentioned

    def endpoint(self, cluster, node_defaults, depth) -> list[str]:
        if self.is_("kw", "subgraph") or self.is_("punct", "{"):
            name = None
            if self.is_("kw", "subgraph"):
                self.i += 1
                if self.is_("id"):
                    name = self.ident()
            line = self.peek().line if self.peek() else 0
            self.take("punct", "{")
            sub_cluster = cluster
            if name and name.lower().startswith("cluster"):
                cid = name
                k = 2
                while cid in self.clusters:
                    cid, k = f"{name}-{k}", k + 1
                self.clusters[cid] = {"__parent__": cluster, "__line__": line}
                sub_cluster = cid
            ids = self.stmts(sub_cluster, node_defaults, depth + 1)
            self.take("punct", "}")
            return ids
        nid = self.ident()
        if self.is_("punct", ":"):  # port (and compass point)
            self.i += 1
            self.ident()
            if self.is_("punct", ":"):
                self.i += 1
                self.ident()
        tok_line = self.t[self.i - 1].line
        node = self.nodes.get(nid)
        if node is None:
            node = self.nodes[nid] = dict(node_defaults)
            node["__line__"] = tok_line
            node["__clusters__"] = []
        if cluster is not None and cluster not in node["__clusters__"]:
            node["__clusters__"].append(cluster)
        return [nid]

    def attr_list(self) -> dict:
        attrs: dict = {}
        while self.is_("punct", "["):
            self.i += 1
            while not self.is_("punct", "]"):
                if self.peek() is None:
                    raise self.err("unexpected end of file (missing ']')")
                if self.is_("punct", ",") or self.is_("punct", ";"):
                    self.i += 1
                    continue
                key = self.ident()
                val = "true"
                if self.is_("punct", "="):
                    self.i += 1
                    val = self.ident()
                attrs[key] = val
            self.take("punct", "]")
        return attrs


def looks_like_dot(path: Path) -> bool:
    if path.suffix.lower() in (".dot", ".gv"):
        return True
    if path.suffix.lower() not in ("", ".txt", ".graph"):
        return False
    head = paths.head_text(path, 2048)
    return bool(re.match(r"\s*(strict\s+)?(di)?graph\b[^{]*\{", head, re.IGNORECASE))


def _domain_kind(attrs: dict, label: str) -> str | None:
    """The failure-domain kind a ``cluster`` subgraph's ``kind`` attribute or words (its label and its name
    after the ``cluster`` prefix) name, None for a box that only groups nodes in the drawing. Graphviz draws
    a box only around a subgraph named ``cluster...``, so that prefix says nothing of the domain: read as
    the word "cluster", it made every layer of a diagram ("Services", "Data Layer") a launch-blocking
    domain of kind cluster."""
    k = str(attrs.get("kind", "")).lower()
    if k:
        return k if k in ("provider", "region", "zone", "datacenter", "rack", "host", "cluster", "account",
                          "network", "config", "pipeline", "certificate", "other") else "other"
    low = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", label).lower()  # "zoneA": "zone a"
    low = re.sub(r"node\.?js", " ", low)  # Node.js names a runtime, not a host
    for word, kind in _DOMAIN_WORDS:
        if re.search(rf"(^|[^a-z]){re.escape(word)}([^a-z]|$)", low):
            return kind
    return None


def _cluster_words(cid: str) -> str:
    """A cluster subgraph's name without Graphviz's ``cluster`` prefix (and the ``-2`` of a repeated name)."""
    return re.sub(r"^cluster[_\-. ]*", "", re.sub(r"-\d+$", "", cid), flags=re.IGNORECASE)


def _node_label(label: str, nid: str, graph: str) -> str:
    """A node's label as its name: Graphviz's escapes read (``\\n``, ``\\l``, ``\\r`` break lines: a space;
    ``\\N`` is the node's id, ``\\G`` the graph's name), an HTML label's first text ("Web Server" of its
    table), the id where nothing is left."""
    if label.startswith("<"):
        texts = [t.strip() for t in re.split(r"<[^>]*>", label)]
        label = next((re.sub(r"&(amp|lt|gt|quot|nbsp);", " ", t) for t in texts if t), "")
    else:
        label = re.sub(r"\\([nlr])", " ", label).replace("\\N", nid).replace("\\G", graph)
        label = re.sub(r"\\(.)", r"\1", label)
    label = " ".join(label.split())
    return label or nid


def read_dot(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("dot", paths)
    kinds = set(ComponentKind.values())
    #: the evidence lines of Terraform's edges: a dependency with no other evidence is a guess (_creation_order)
    order_lines: set[str] = set()
    for path in paths:
        fname = names[path]
        text = sy.read_text(path, max_bytes=MAX_BYTES)
        try:
            p = _Parser(tokenize(text, str(path)), str(path))
            p.parse()
        except RecursionError:
            raise PrrError("invalid DOT: nested too deeply", file=str(path)) from None
        if _is_terraform(p):  # its graph's name ("G") names no system: the file's does
            order_lines |= _terraform(p, b, fname)
            continue
        b.system_name = b.system_name or p.name
        if not p.directed:
            b.warn(f"{fname}: an undirected graph: each edge a -- b is read as a depends on b")
        dom_ids: dict[str, str | None] = {}  # cluster id -> its failure domain, or its nearest enclosing one
        for cid, attrs in p.clusters.items():  # parents come first (document order)
            words = _cluster_words(cid)
            given = _node_label(str(attrs["label"]), cid, p.name) if attrs.get("label") else ""
            label = given or words or cid
            parent = dom_ids.get(attrs.get("__parent__")) if attrs.get("__parent__") else None
            kind = _domain_kind(attrs, f"{given} {words}")
            if kind is None:
                dom_ids[cid] = parent
                b.read(f"{fname}:{attrs['__line__']}: cluster {cid} ({label!r}) is a group drawn in the diagram, "
                       "not a failure domain: neither its label nor its name names a zone, region, host, cluster, "
                       "datacenter...; give it a kind attribute (kind=zone...) if its nodes fail together")
                continue
            dom_ids[cid] = b.domain(f"{label}", name=label, kind=kind, parent=parent)
            b.read(f"{fname}:{attrs['__line__']}: cluster {cid} -> failure domain {dom_ids[cid]} ({kind})")
        for nid, attrs in p.nodes.items():
            line = attrs["__line__"]
            label = _node_label(str(attrs.get("label") or nid), nid, p.name)
            kind = str(attrs.get("kind", "")).lower()
            if kind not in kinds:
                if kind:
                    b.warn(f"{fname}:{line}: node {nid}: kind {kind!r} is not known; guessed from the name")
                kind = "datastore" if str(attrs.get("shape", "")).lower() in ("cylinder",) else None
                if kind is None:
                    kind = recognise(nid)[0] or recognise(label)[0]
            comp = b.component(nid, f"{fname}:{line}: node {nid}", name=label[:500], kind=kind, source_file=fname)
            if attrs.get("owner"):
                comp.owner = str(attrs["owner"])[:200]
            if attrs.get("replicas"):
                try:
                    comp.replicas = sy.as_int(attrs["replicas"], file=str(path), line=line, what="replicas", minimum=1)
                except PrrError as e:
                    b.warn(str(e))
            users_side = bool(_USERS_SIDE.fullmatch(label.lower()))
            if attrs.get("user_facing", "").lower() in ("true", "yes", "1"):
                comp.user_facing = True
            elif users_side:
                # the users' side of a diagram ("Client Apps", "Browser"): where users come in. Only guessed from
                # the graph, a push or callback edge into it (notify -> client) hid it from the entry points
                comp.user_facing = True
                b.read(f"{fname}:{line}: node {nid} ({label!r}) is the users' side of the diagram: user-facing")
            if users_side:
                # software on users' devices, one copy per user (entities.CLIENT, as the Structurizr importer tags
                # a single-page or mobile app): as a server with one replica, "Client Apps" was the first critical
                # SPOF, with the advice to run a second replica of it on another host
                b.tag(comp.id, CLIENT)
                if not attrs.get("replicas"):
                    comp.replicas = None
                b.evidence(comp.id, f"{fname}:{line}: named {label!r}, the users' side: client software on their "
                                    "devices (one copy per user), tagged client"
                                    + ("" if attrs.get("replicas") else "; no replicas stated"))
            cl = [c for c in attrs["__clusters__"] if dom_ids.get(c)]
            if cl:
                doms = list(dict.fromkeys(dom_ids[c] for c in cl))
                # the innermost cluster places it; outer ones are its ancestors
                inner = [d for d in doms if not any(b.domains[o].parent == d for o in doms)]
                comp.placement = inner[:1] if len(inner) == 1 else inner
                b.evidence(comp.id, f"{fname}:{line}: inside cluster(s) {', '.join(cl)}")
        for s, t, attrs, line in p.edges:
            if s == t:
                b.skip(f"{fname}:{line}: edge {s} -> {t} points at itself")
                continue
            typ = str(attrs.get("type") or attrs.get("kind") or "").lower()
            style = str(attrs.get("style", "")).lower()
            if typ not in ("hard", "soft", "async"):
                if typ:
                    b.warn(f"{fname}:{line}: edge {s} -> {t}: type {typ!r} is not hard/soft/async; read as hard")
                typ = "soft" if ("dashed" in style or "dotted" in style) else "hard"
            label = str(attrs.get("label", ""))
            src_c, tgt_c = b.components[_cid(b, s)], b.components[_cid(b, t)]
            src, tgt = src_c.id, tgt_c.id
            where = f"{fname}:{line}: edge {s} -> {t}" + (f" [{label[:80]}]" if label else "")
            stated = typ if (attrs.get("type") or attrs.get("kind") or "dashed" in style or "dotted" in style) else ""
            plain = "" if label.startswith("<") else label
            if src_c.kind == "queue" and tgt_c.kind in (None, "service", "frontend", "other"):
                # drawn as the flow of messages (orders -> kafka -> notify): the consumer reads its work from
                # the queue. Read as kafka depending on notify, a consumer's failure took the queue and every
                # publisher down with it.
                typ, word = broker_use(reads_only=True)
                b.depend(tgt, src, stated if stated in ("hard", "soft") else typ, DECLARED,
                         f"{where}: an edge out of queue {s} is the flow of its messages: {t} consumes from it; "
                         f"{word}", description=plain[:2000])
                continue
            if tgt_c.kind == "queue" and src_c.kind != "queue" and not stated:
                # a call to a queue's broker (graph.broker_use): the label says which use it is
                reads = bool(_CONSUMES.search(plain)) and not _PUBLISHES.search(plain)
                typ, word = broker_use(reads_only=reads, publishes=bool(_PUBLISHES.search(plain)) and not reads)
                where += f": {word}"
            b.depend(src, tgt, typ, DECLARED, where, description=plain[:2000])
        b.read(f"{fname}: {len(p.nodes)} node(s), {len(p.edges)} edge(s), {len(p.clusters)} cluster(s)")
    if not b.components:
        raise PrrError("the graph has no nodes", file=str(paths[0]))
    b.system_name = b.system_name or paths[0].stem
    if not order_lines:
        return b.finish(file=str(paths[0]))
    b.report.inferred = _creation_order(b, order_lines)
    result = b.finish(file=str(paths[0]))
    # as the import left them: a call the import softened (to a telemetry hub) is put back soft
    deps = result.review.dependencies
    result.report.inferred = [{**i, "kind": deps[i["id"]].kind} for i in result.report.inferred if i["id"] in deps]
    for rec in result.review.imports.values():
        rec.report["inferred"] = [dict(i) for i in result.report.inferred]
        rec.summary = result.report.summary()
    return result


#: the evidence of a dependency only a Terraform graph gives (an inferred entry's, ImportReport.inferred)
_ORDER_ONLY = "weaker evidence: creation order, not a call (Terraform creates the resource referred to first); check it"


def _creation_order(b: GraphBuilder, order_lines: set[str]) -> list[dict]:
    """The dependencies whose only evidence is a Terraform graph's edges, as inferred calls (weak): an edge
    says a resource refers to another, so Terraform creates that one first, not that it calls it. Recorded
    as hard facts, every single point of failure of such a graph rested on them unmarked. A dependency
    another DOT file of the same import draws as well is declared there, no guess."""
    out = []
    for (src, tgt), d in sorted(b.deps.items()):
        if d.evidence and all(e in order_lines for e in d.evidence):
            out.append({"id": dependency_id(src, tgt), "source": src, "target": tgt, "kind": d.kind,
                        "confidence": "weak", "evidence": [*d.evidence, _ORDER_ONLY], "decision": ""})
    return out


_TF_SUFFIX = re.compile(r"\s+\((expand|close|prepare state|orphan|destroy|deposed [^)]*)\)$")
#: Terraform graph nodes that are no running thing: the root, providers, variables, locals, outputs,
#: data sources (read when planning) and modules themselves (their resources are nodes of their own)
_TF_NOT_RUNNING = re.compile(r"^(root|provider\[.*|provider\..*|var\..*|local\..*|output\..*|meta\..*|"
                             r"(module\.[^.]+\.)*data\..*|(module\.[^.]+)(\.module\.[^.]+)*)$")


#: a Terraform resource address: ``aws_instance.web``, ``module.vpc.aws_subnet.a``, ``data.aws_ami.x``
_TF_ADDRESS = re.compile(r"^(module\.[\w-]+(\[[^\]]*\])?\.)*(data\.)?[a-z][a-z0-9]*_[\w-]+\.[\w-]+(\[[^\]]*\])?$")


#: resource types by words in them (any provider), first match wins; a word matches whole words of the type
#: (``route`` matches ``aws_route`` and ``aws_route_table``, not ``aws_route53_record``: as a bare substring,
#: ``_route`` took Route 53 for a route table, configuration). None: configuration that runs nothing (its
#: failure is no outage: firewall rules, roles, networks, keys, records of policy), left out
_TF_KINDS = [
    (("security_group", "iam", "policy", "role", "firewall", "network_acl", "route_table", "route", "router",
      "subnet", "vpc", "network", "kms", "key_pair", "secret", "parameter", "ssm", "acm", "certificate",
      "log_group", "alarm", "dashboard", "attachment", "association", "permission", "tag", "random",
      "null_resource", "time_sleep", "time_static", "time_rotating", "tls", "local_file", "template_file",
      "internet_gateway", "egress_only_internet_gateway", "user_assigned_identity", "topic_subscription",
      "global_address", "address", "eip"), None),
    (("elasticache", "memorystore", "redis", "memcache"), "cache"),
    (("db", "db_instance", "rds", "dynamodb", "sql", "mssql", "mysql", "postgresql", "cosmosdb", "spanner",
      "bigtable", "firestore", "docdb", "neptune", "opensearch", "elasticsearch", "s3_bucket", "storage_bucket",
      "storage_account", "efs_file_system"), "datastore"),
    (("sqs", "sns", "pubsub", "kinesis", "servicebus", "eventhub", "msk", "mq_broker", "eventbridge"), "queue"),
    (("lb", "alb", "elb", "load_balancer", "forwarding_rule", "global_forwarding_rule", "application_gateway",
      "frontdoor", "traffic_manager_profile", "globalaccelerator_accelerator"), "load_balancer"),
    (("api_gateway", "apigateway", "apigatewayv2", "api_management"), "gateway"),
    (("route53", "dns"), "dns"),
    (("cloudfront", "cdn"), "cdn"),
    (("cognito", "identity"), "identity"),
    (("ecs_cluster", "eks_cluster", "container_cluster", "kubernetes_cluster"), "platform"),
]

#: a resource's own configuration, by words of its type, and the kind of the resource it configures: a load
#: balancer's listeners, rules, target groups and their attachments, a DNS zone's records, an API's routes
#: and stages, a service's task definition. No running thing of its own: folded into the resource it
#: configures (its edges are that resource's). As components, ``aws_lb_listener`` and
#: ``aws_lb_target_group`` were load balancers of their own and guessed entry points.
_TF_PARTS = [
    (("listener", "listener_rule", "lb_rule", "target_group", "target_group_attachment", "elb_attachment",
      "stickiness_policy", "load_balancer_policy", "url_map", "target_http_proxy", "target_https_proxy",
      "target_ssl_proxy", "target_tcp_proxy", "target_pool", "backend_service", "backend_bucket", "health_check",
      "lb_probe", "backend_address_pool", "lb_nat_rule", "lb_outbound_rule", "ssl_certificate"), "load_balancer"),
    (("route53_record", "dns_record_set", "record_set", "cloudflare_record", "a_record", "aaaa_record",
      "cname_record", "txt_record", "mx_record", "ns_record", "srv_record", "caa_record", "ptr_record"), "dns"),
    (("api_gateway_resource", "api_gateway_method", "api_gateway_integration", "api_gateway_deployment",
      "api_gateway_stage", "api_gateway_method_response", "api_gateway_integration_response",
      "apigatewayv2_route", "apigatewayv2_integration", "apigatewayv2_stage", "apigatewayv2_deployment",
      "api_management_api"), "gateway"),
    (("task_definition", "launch_template", "launch_configuration"), "service"),
]

#: resource types of a cloud provider's managed services: the provider runs and replaces their instances, so
#: they have no instance count of the review's own (tagged ``managed``, as the Structurizr importer tags a
#: managed infrastructure node); their failure as a whole remains. A database instance (RDS, Cloud SQL) is
#: not one: whether it has a standby (Multi-AZ) is not in the graph, and a standby is the fix advised.
_TF_MANAGED = re.compile(
    r"^(aws_(lb|alb|elb|s3_bucket|dynamodb_table|sqs_queue|sns_topic|route53_(zone|record)|cloudfront_distribution|"
    r"api_gateway_rest_api|apigatewayv2_api|lambda_function|kinesis_(stream|firehose_delivery_stream)|"
    r"cognito_user_pool|efs_file_system|ecs_cluster|eks_cluster|rds_cluster|sfn_state_machine|"
    r"cloudwatch_event_bus|globalaccelerator_accelerator|appsync_graphql_api|nat_gateway)"
    r"|google_(storage_bucket|pubsub_(topic|subscription)|compute_(global_)?forwarding_rule|dns_managed_zone|"
    r"dns_record_set|cloud_run_(v2_)?service|cloudfunctions2?_function|spanner_instance|firestore_database|"
    r"container_cluster|bigquery_dataset)"
    r"|azurerm_(lb|application_gateway|storage_account|cosmosdb_account|servicebus_(namespace|queue|topic)|"
    r"eventhub(_namespace)?|dns_zone|frontdoor|cdn_(frontdoor_)?profile|cdn_endpoint|kubernetes_cluster|"
    r"(linux_|windows_)?function_app|api_management|traffic_manager_profile|dns_\w+_record)"
    r"|cloudflare_(zone|record))$")


def _has_word(rtype: str, words) -> bool:
    t = rtype.lower()
    return any(re.search(rf"(^|_){re.escape(w)}(_|$)", t) for w in words)


def _tf_kind(rtype: str) -> str | None:
    """The component kind of a Terraform resource type, None for configuration that runs nothing."""
    for words, kind in _TF_KINDS:
        if _has_word(rtype, words):
            return kind
    return recognise(rtype)[0] or "service"


def _tf_part(rtype: str) -> str | None:
    """The kind of resource a Terraform resource type configures (a listener: a load balancer), None for a
    resource of its own."""
    for words, kind in _TF_PARTS:
        if _has_word(rtype, words):
            return kind
    return None


def _is_terraform(p: _Parser) -> bool:
    """``terraform graph`` output: node ids like ``[root] aws_instance.web (expand)`` (before Terraform
    1.7) or resource addresses (``aws_instance.web``, since)."""
    ids = list(p.nodes)
    tf = sum(1 for n in ids if n.startswith("[root] ") or _TF_ADDRESS.match(n))
    return bool(ids) and tf * 2 > len(ids)


def _tf_address(nid: str) -> str:
    return _TF_SUFFIX.sub("", nid.removeprefix("[root] ")).strip()


def _terraform(p: _Parser, b: GraphBuilder, fname: str) -> set[str]:
    """A Terraform graph: resources are components, an edge ``a -> b`` (a refers to b) a dependency.
    The edges are the order in which Terraform creates resources, not calls: said in a warning, and each
    dependency is a guess (:func:`_creation_order`). Returns the evidence lines of the edges."""
    lines: set[str] = set()
    kept: dict[str, str] = {}  # node id -> component id
    by_address: dict[str, str] = {}  # the expand and close nodes of one resource are one component
    parts: dict[str, tuple[str, str]] = {}  # node id of a resource's configuration -> (its address, kind it configures)
    dropped: list[str] = []
    config: list[str] = []
    kind_of: dict[str, str] = {}
    for nid, attrs in p.nodes.items():
        addr = _tf_address(nid)
        if _TF_NOT_RUNNING.match(addr):
            dropped.append(addr)
            continue
        rtype = re.sub(r"\[[^\]]*\]$", "", addr).split(".")[-2] if "." in addr else addr
        part = _tf_part(rtype)
        if part is not None:
            parts[nid] = (addr, part)
            continue
        if addr not in by_address:
            kind = _tf_kind(rtype)
            if kind is None:
                config.append(addr)
                continue
            where = f"{fname}:{attrs['__line__']}: Terraform resource {addr}"
            comp = b.component(addr, where, name=addr[:500], kind=kind, source_file=fname)
            by_address[addr] = comp.id
            if _TF_MANAGED.match(rtype):
                comp.replicas = None
                b.tag(comp.id, "managed")
                b.evidence(comp.id, f"{rtype}: a service the cloud provider manages (its instances are the provider's)")
        kept[nid] = by_address[addr]
        kind_of[nid] = b.components[by_address[addr]].kind
    # a resource's configuration belongs to the resource of the kind it configures that it reaches through the
    # edges, through other configuration of it (a target group: the listener that refers to it, then its LB)
    out_edges: dict[str, list[str]] = {}
    in_edges: dict[str, list[str]] = {}
    for s, t, _attrs, _line in p.edges:
        out_edges.setdefault(s, []).append(t)
        in_edges.setdefault(t, []).append(s)
    owner: dict[str, str] = {}
    unowned: list[str] = []
    for nid, (addr, kind) in parts.items():
        seen, todo, found = {nid}, [nid], None
        while todo and found is None:
            cur = todo.pop(0)
            for nxt in out_edges.get(cur, []) + in_edges.get(cur, []):
                if nxt in kept and kind_of[nxt] == kind:
                    found = kept[nxt]
                    break
                if nxt in parts and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        if found is None and kind == "dns":  # a record of a zone outside the graph: the name users resolve
            found = b.component(addr, f"{fname}:{p.nodes[nid]['__line__']}: Terraform resource {addr} (a DNS record "
                                "whose zone is not in the graph)", name=addr[:500], kind="dns", source_file=fname).id
            b.tag(found, "managed")
        if found is None:
            unowned.append(addr)
            continue
        owner[nid] = found
        b.evidence(found, f"{fname}:{p.nodes[nid]['__line__']}: {addr} configures it (folded into it)")
    for s, t, attrs, line in p.edges:
        src, tgt = kept.get(s) or owner.get(s), kept.get(t) or owner.get(t)
        if src is None or tgt is None or src == tgt:
            continue
        via = "" if (s in kept and t in kept) else f" (as {_tf_address(s)} -> {_tf_address(t)}: configuration folded " \
                                                     "into the resource it configures)"
        text = f"{fname}:{line}: {b.components[src].id} refers to {b.components[tgt].id} (Terraform graph){via}"
        b.depend(src, tgt, "hard", DECLARED, text)
        lines.add(text)
    if dropped:
        names = sorted(set(dropped))
        b.skip(f"{fname}: {len(names)} Terraform node(s) that run nothing (providers, variables, outputs, data "
               f"sources, modules): {', '.join(names[:6])}{' ...' if len(names) > 6 else ''}")
    if config:
        names = sorted(set(config))
        b.skip(f"{fname}: {len(names)} Terraform resource(s) of configuration that run nothing (firewall rules, "
               f"roles, networks, keys...): {', '.join(names[:6])}{' ...' if len(names) > 6 else ''}")
    if unowned:
        names = sorted(set(unowned))
        b.skip(f"{fname}: {len(names)} Terraform resource(s) that configure a resource not in the graph (listeners, "
               f"target groups, records...): {', '.join(names[:6])}{' ...' if len(names) > 6 else ''}")
    b.warn(f"{fname}: a Terraform graph: its edges are the order Terraform creates resources in, not calls; each "
           "is read as hard and marked inferred, not confirmed: accept or reject them (prr import --accept or "
           "--reject, or the app's import report), state the calls and fallbacks, and place the resources in "
           "their zones")
    b.read(f"{fname}: Terraform graph, {len(by_address)} resource(s), {len(p.edges)} edge(s)")
    return lines


def _cid(b: GraphBuilder, nid: str) -> str:
    from prr_app.importers.graph import safe_id

    return safe_id(nid)
