"""Graphviz DOT: nodes are components, edges dependencies, clusters failure domains.

Our own small parser of the DOT language (pydot prints parse errors instead
of raising and is slow on large graphs): ``[strict] (graph|digraph) [id] {...}``
with node, edge (chains ``a -> b -> c``, subgraphs as endpoints) and
attribute statements, ``id = id``, subgraphs, quoted and HTML strings,
``//``, ``/* */`` and ``#`` comments, ``+`` string concatenation.

* A subgraph whose name starts with ``cluster`` is a failure domain (nested
  clusters nest); its nodes are placed in it. The domain kind comes from a
  ``kind`` attribute or the label (zone, region, rack, host, datacenter...).
* Node attributes: ``label`` (name), ``kind`` (component kind) or ``shape``
  (``cylinder`` is a datastore), ``replicas``, ``owner``.
* Edge attributes: ``type`` or ``kind`` (hard/soft/async), ``style=dashed``
  or ``dotted`` (soft), ``label`` (kept as description).
* In an undirected ``graph`` the edge ``a -- b`` is read as a depends on b.
* ``terraform graph`` output (node ids ``[root] aws_lb.front (expand)`` or resource addresses) is
  recognised: resources are components (their kind from the resource type), configuration that runs
  nothing (firewall rules, roles, networks, keys), providers, variables, outputs, data sources and
  modules are left out and listed, and a warning says the edges are creation order, not calls.
"""
from __future__ import annotations

import re
from pathlib import Path

from prr_app.model.entities import ComponentKind
from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import DECLARED, GraphBuilder, recognise, short_names

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
                 ("account", "account"), ("subscription", "account"), ("project", "account"), ("vpc", "network"),
                 ("network", "network"), ("subnet", "network"), ("aws", "provider"), ("gcp", "provider"),
                 ("azure", "provider"), ("cloud", "provider")]


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


def _domain_kind(attrs: dict, label: str) -> str:
    k = str(attrs.get("kind", "")).lower()
    if k:
        return k if k in ("provider", "region", "zone", "datacenter", "rack", "host", "cluster", "account",
                          "network", "config", "pipeline", "certificate", "other") else "other"
    low = label.lower()
    for word, kind in _DOMAIN_WORDS:
        if re.search(rf"(^|[^a-z]){re.escape(word)}([^a-z]|$)", low):
            return kind
    return "other"


def read_dot(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("dot", paths)
    kinds = set(ComponentKind.values())
    for path in paths:
        fname = names[path]
        text = sy.read_text(path, max_bytes=MAX_BYTES)
        try:
            p = _Parser(tokenize(text, str(path)), str(path))
            p.parse()
        except RecursionError:
            raise PrrError("invalid DOT: nested too deeply", file=str(path)) from None
        if _is_terraform(p):  # its graph's name ("G") names no system: the file's does
            _terraform(p, b, fname)
            continue
        b.system_name = b.system_name or p.name
        if not p.directed:
            b.warn(f"{fname}: an undirected graph: each edge a -- b is read as a depends on b")
        dom_ids: dict[str, str] = {}
        for cid, attrs in p.clusters.items():  # parents come first (document order)
            label = str(attrs.get("label") or cid[len("cluster"):].strip("_- ") or cid)
            parent = dom_ids.get(attrs.get("__parent__")) if attrs.get("__parent__") else None
            dom_ids[cid] = b.domain(f"{label}", name=label, kind=_domain_kind(attrs, label + " " + cid), parent=parent)
            b.read(f"{fname}:{attrs['__line__']}: cluster {cid} -> failure domain {dom_ids[cid]}")
        for nid, attrs in p.nodes.items():
            line = attrs["__line__"]
            label = str(attrs.get("label") or nid)
            if label.startswith("<") or "\\" in label:
                label = nid
            kind = str(attrs.get("kind", "")).lower()
            if kind not in kinds:
                if kind:
                    b.warn(f"{fname}:{line}: node {nid}: kind {kind!r} is not known; guessed from the name")
                kind = "datastore" if str(attrs.get("shape", "")).lower() in ("cylinder",) else None
                if kind is None:
                    kind = recognise(nid)[0]
            comp = b.component(nid, f"{fname}:{line}: node {nid}", name=label[:500], kind=kind, source_file=fname)
            if attrs.get("owner"):
                comp.owner = str(attrs["owner"])[:200]
            if attrs.get("replicas"):
                try:
                    comp.replicas = sy.as_int(attrs["replicas"], file=str(path), line=line, what="replicas", minimum=1)
                except PrrError as e:
                    b.warn(str(e))
            if attrs.get("user_facing", "").lower() in ("true", "yes", "1"):
                comp.user_facing = True
            cl = attrs["__clusters__"]
            if cl:
                doms = [dom_ids[c] for c in cl]
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
            src, tgt = b.components[_cid(b, s)].id, b.components[_cid(b, t)].id
            b.depend(src, tgt, typ, DECLARED, f"{fname}:{line}: edge {s} -> {t}" + (f" [{label[:80]}]" if label else ""),
                     description=label[:2000] if not label.startswith("<") else "")
        b.read(f"{fname}: {len(p.nodes)} node(s), {len(p.edges)} edge(s), {len(p.clusters)} cluster(s)")
    if not b.components:
        raise PrrError("the graph has no nodes", file=str(paths[0]))
    b.system_name = b.system_name or paths[0].stem
    return b.finish(file=str(paths[0]))


_TF_SUFFIX = re.compile(r"\s+\((expand|close|prepare state|orphan|destroy|deposed [^)]*)\)$")
#: Terraform graph nodes that are no running thing: the root, providers, variables, locals, outputs,
#: data sources (read when planning) and modules themselves (their resources are nodes of their own)
_TF_NOT_RUNNING = re.compile(r"^(root|provider\[.*|provider\..*|var\..*|local\..*|output\..*|meta\..*|"
                             r"(module\.[^.]+\.)*data\..*|(module\.[^.]+)(\.module\.[^.]+)*)$")


#: a Terraform resource address: ``aws_instance.web``, ``module.vpc.aws_subnet.a``, ``data.aws_ami.x``
_TF_ADDRESS = re.compile(r"^(module\.[\w-]+(\[[^\]]*\])?\.)*(data\.)?[a-z][a-z0-9]*_[\w-]+\.[\w-]+(\[[^\]]*\])?$")


#: resource types by words in them (any provider), first match wins: configuration that runs nothing
#: (its failure is no outage: firewall rules, roles, networks, keys, records of policy) is left out
_TF_KINDS = [
    (("security_group", "iam_", "_policy", "_role", "firewall", "network_acl", "route_table", "_route",
      "subnet", "vpc", "_network", "kms_", "key_pair", "_secret", "_parameter", "ssm_", "acm_", "certificate",
      "log_group", "_alarm", "_dashboard", "_attachment", "_association", "_permission", "_tag", "random_",
      "null_resource", "time_", "tls_", "local_file", "template_"), None),
    (("elasticache", "memorystore", "redis", "memcache"), "cache"),
    (("_db_", "db_instance", "rds_", "dynamodb", "sql_", "_sql", "cosmosdb", "spanner", "bigtable", "firestore",
      "docdb", "neptune", "opensearch", "elasticsearch", "s3_bucket", "storage_bucket", "storage_account"), "datastore"),
    (("sqs", "sns_", "pubsub", "kinesis", "servicebus", "eventhub", "msk_", "mq_broker", "eventbridge"), "queue"),
    (("_lb", "lb_", "elb", "load_balancer", "forwarding_rule", "backend_service", "application_gateway"),
     "load_balancer"),
    (("api_gateway", "apigateway", "api_management"), "gateway"),
    (("route53", "dns_"), "dns"),
    (("cloudfront", "cdn"), "cdn"),
    (("cognito", "identity"), "identity"),
]


def _tf_kind(rtype: str) -> str | None:
    """The component kind of a Terraform resource type, None for configuration that runs nothing."""
    t = f"_{rtype.lower()}_"
    for words, kind in _TF_KINDS:
        if any(w in t for w in words):
            return kind
    return recognise(rtype)[0] or "service"


def _is_terraform(p: _Parser) -> bool:
    """``terraform graph`` output: node ids like ``[root] aws_instance.web (expand)`` (before Terraform
    1.7) or resource addresses (``aws_instance.web``, since)."""
    ids = list(p.nodes)
    tf = sum(1 for n in ids if n.startswith("[root] ") or _TF_ADDRESS.match(n))
    return bool(ids) and tf * 2 > len(ids)


def _tf_address(nid: str) -> str:
    return _TF_SUFFIX.sub("", nid.removeprefix("[root] ")).strip()


def _terraform(p: _Parser, b: GraphBuilder, fname: str) -> None:
    """A Terraform graph: resources are components, an edge ``a -> b`` (a refers to b) a dependency.
    The edges are the order in which Terraform creates resources, not calls: said in a warning."""
    kept: dict[str, str] = {}  # node id -> component id
    by_address: dict[str, str] = {}  # the expand and close nodes of one resource are one component
    dropped: list[str] = []
    config: list[str] = []
    for nid, attrs in p.nodes.items():
        addr = _tf_address(nid)
        if _TF_NOT_RUNNING.match(addr):
            dropped.append(addr)
            continue
        if addr not in by_address:
            rtype = re.sub(r"\[[^\]]*\]$", "", addr).split(".")[-2] if "." in addr else addr
            kind = _tf_kind(rtype)
            if kind is None:
                config.append(addr)
                continue
            by_address[addr] = b.component(addr, f"{fname}:{attrs['__line__']}: Terraform resource {addr}",
                                           name=addr[:500], kind=kind, source_file=fname).id
        kept[nid] = by_address[addr]
    for s, t, attrs, line in p.edges:
        if s not in kept or t not in kept:
            continue
        src, tgt = kept[s], kept[t]
        if src == tgt:
            continue
        b.depend(src, tgt, "hard", DECLARED, f"{fname}:{line}: {_tf_address(s)} refers to {_tf_address(t)} "
                                             "(Terraform graph)")
    if dropped:
        b.skip(f"{fname}: {len(dropped)} Terraform node(s) that run nothing (providers, variables, outputs, data "
               f"sources, modules): {', '.join(sorted(set(dropped))[:6])}{' ...' if len(set(dropped)) > 6 else ''}")
    if config:
        names = sorted(set(config))
        b.skip(f"{fname}: {len(names)} Terraform resource(s) of configuration that run nothing (firewall rules, "
               f"roles, networks, keys...): {', '.join(names[:6])}{' ...' if len(names) > 6 else ''}")
    b.warn(f"{fname}: a Terraform graph: its edges are the order Terraform creates resources in, not calls; each "
           "is read as hard: check them, state the calls and fallbacks, and place the resources in their zones")
    b.read(f"{fname}: Terraform graph, {len(by_address)} resource(s), {len(p.edges)} edge(s)")


def _cid(b: GraphBuilder, nid: str) -> str:
    from prr_app.importers.graph import safe_id

    return safe_id(nid)
