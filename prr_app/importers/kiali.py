"""An Istio mesh's traffic graph as Kiali serves it (``/api/namespaces/graph``, or saved from its UI).

Kiali draws the calls the mesh's proxies saw in a time window, as Cytoscape JSON:
``{"graphType": ..., "duration": s, "elements": {"nodes": [{"data": {...}}], "edges": [{"data":
{"source", "target", "traffic"}}]}}``. What becomes of its nodes:

* **app and workload nodes** are the services: one component per app and namespace (``app``, else
  the workload's name), whatever graph type was asked for, so the versions of an app (``reviews``
  v1, v2, v3) and its workloads are one component. Two or more workloads of one app are at least
  as many instances: its replicas, said in the evidence (a graph holds no pod counts). A workload
  belongs to its cluster: ``reviews-v2`` in two clusters is two instances, one in each.
* **service nodes** are the Kubernetes Services in front of them. A Service whose backends the
  graph shows (its edges to workloads, or the workloads' ``destServices``: a list of ``{"name",
  "namespace"}``, before Kiali 1.0 a map ``{"name": true}``) is those backends: a
  caller of the Service depends on its one component, or on a redundancy group of several. A
  Service with no backend in the graph (a database without a sidecar, a broker reached over TCP)
  is a component of its own, its kind from its name; a ServiceEntry outside the mesh
  (``MESH_EXTERNAL``) is an external one.
* the ``unknown`` node (callers without a proxy) and the ``unknown`` service (requests the mesh
  could not route) are not components: the report says who they called; the egress clusters
  (``PassthroughCluster``, ``BlackHoleCluster``) likewise. Box nodes group; a ``cluster`` box or
  a node's ``cluster`` makes a failure domain of kind cluster. A component seen in several clusters
  (a multi-cluster mesh) has instances in each, counted per cluster: its placement names a cluster
  once per instance seen there, so the loss of one cluster leaves the others' instances up.
* the ingress gateway (``isIngressGateway``, or an ``istio-ingressgateway`` app) is a user-facing
  gateway; ``isIdle`` nodes (no traffic in the window) are components, said so.

Every edge is a dependency, hard, a call to a queue's broker too (a traffic graph cannot tell which
calls have a fallback, nor a producer from a consumer: graph.broker_use), with its protocol, rate and
error share as evidence, read from the edge's ``traffic`` (Kiali 1.0 on: ``{"protocol", "rates":
{"http", "httpPercentErr", "http5xx"...}}``) or from the edge's data itself (Kiali 0.x, as the 2018
Istio docs show it: ``rate``, ``percentErr``, ``rate5XX``, ``tcpSentRate``). The node badges say
what the mesh applies to calls to a service: ``hasCB`` a circuit breaker (a DestinationRule's
outlier detection or connection pool), ``hasRequestTimeout`` a timeout whose value the graph does
not give, ``hasVS`` a VirtualService.
"""
from __future__ import annotations

import math
from pathlib import Path

from prr_app import paths as pathutil
from prr_app.errors import PrrError
from prr_app.importers.graph import OBSERVED, GraphBuilder, broker_use, recognise, short_names
from prr_app.importers.traces import looks_like_other
from prr_app.interchange.json_io import read_json_file
from prr_app.wording import count

#: node types that are services of the mesh
_SERVICE_TYPES = ("app", "workload")
_EGRESS = ("PassthroughCluster", "BlackHoleCluster")
_UNKNOWN = ("", "unknown")


def looks_like_kiali(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    head = pathutil.head_text(path, 8192)
    return '"elements"' in head and '"nodeType"' in head


def _known(value) -> str:
    """A node field's value, "" for Kiali's "unknown" and for anything not a string."""
    return value.strip() if isinstance(value, str) and value.strip() not in _UNKNOWN else ""


class _Graph:
    """One file's nodes and edges, checked, with where each came from."""

    def __init__(self, path: Path, fname: str):
        data = read_json_file(path)
        file = str(path)
        if not isinstance(data, dict) or not isinstance(data.get("elements"), dict):
            other = looks_like_other(path, "kiali")
            said = f": looks like {other} (import it with --format {other})" if other else ""
            raise PrrError('not a Kiali graph: expected {"elements": {"nodes": [...], "edges": [...]}}' + said,
                           file=file)
        nodes = data["elements"].get("nodes")
        edges = data["elements"].get("edges")
        nodes = [] if nodes is None else nodes
        edges = [] if edges is None else edges
        if not isinstance(nodes, list) or not isinstance(edges, list):
            raise PrrError("elements.nodes and elements.edges must be lists", file=file, location="elements")
        self.fname = fname
        self.kind = str(data.get("graphType") or "graph")
        self.window = data.get("duration") if isinstance(data.get("duration"), (int, float)) else None
        self.nodes: dict[str, dict] = {}
        self.where: dict[str, str] = {}
        for i, n in enumerate(nodes):
            d = n.get("data") if isinstance(n, dict) else None
            nid = d.get("id") if isinstance(d, dict) else None
            if not isinstance(nid, str) or not nid:
                raise PrrError("a node without data.id", file=file, location=f"elements.nodes[{i}]")
            if nid in self.nodes:
                raise PrrError(f"node id {nid!r} appears twice", file=file, location=f"elements.nodes[{i}]")
            self.nodes[nid] = d
            self.where[nid] = f"{fname}: elements.nodes[{i}]"
        self.edges: list[tuple[str, str, dict, str]] = []
        for i, e in enumerate(edges):
            d = e.get("data") if isinstance(e, dict) else None
            if not isinstance(d, dict) or not isinstance(d.get("source"), str) or not isinstance(d.get("target"), str):
                raise PrrError("an edge without data.source and data.target", file=file, location=f"elements.edges[{i}]")
            # the edge's whole data: its traffic is under "traffic" since Kiali 1.0, in the data itself before
            self.edges.append((d["source"], d["target"], d, f"{fname}: elements.edges[{i}]"))


def read_kiali(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("kiali", paths)
    graphs = [_Graph(p, names[p]) for p in paths]
    # the namespaces each name appears in: a name in two namespaces is qualified by its namespace
    seen: dict[str, set[str]] = {}
    # where each component runs, over every file: key -> cluster ("" unnamed) -> workloads ("" an unnamed one)
    runs: dict[str, dict[str, set[str]]] = {}
    files: dict[str, list[str]] = {}  # key -> the files that show it running
    for g in graphs:
        for d in g.nodes.values():
            if d.get("nodeType") in _SERVICE_TYPES or d.get("nodeType") == "service":
                name = _name(d)
                if name:
                    seen.setdefault(name, set()).add(_known(d.get("namespace")))
    for g in graphs:
        _read_graph(b, g, seen, runs, files)
        window = f", a window of {g.window:g} s" if g.window else ""
        b.read(f"{g.fname}: Kiali {g.kind} graph, {len(g.nodes)} node(s), {len(g.edges)} edge(s){window}")
    _instances(b, runs, files)
    if not b.components:
        raise PrrError("no services in the graph (no app, workload or service node)", file=str(paths[0]))
    b.warn("a traffic graph holds the calls seen in its window: calls not made then are missing, and every "
           "call is recorded as hard (it cannot tell which have a fallback); state fallbacks and soft calls")
    b.system_name = paths[0].stem
    return b.finish(file=str(paths[0]))


def _name(d: dict) -> str:
    if d.get("nodeType") == "service":
        return _known(d.get("service"))
    return _known(d.get("app")) or _known(d.get("workload"))


def _key(d: dict, seen: dict[str, set[str]]) -> tuple[str, str]:
    """(the component's key, its display name) for a node: its name, qualified by the namespace where
    the same name appears in another one."""
    name = _name(d)
    ns = _known(d.get("namespace"))
    if ns and len(seen.get(name, ())) > 1:
        return f"{name}.{ns}", f"{name} ({ns})"
    return name, name


def _read_graph(b: GraphBuilder, g: _Graph, seen: dict[str, set[str]], runs: dict[str, dict[str, set[str]]],
                files: dict[str, list[str]]) -> None:
    comp_of: dict[str, str] = {}  # node id -> component key
    by_service: dict[tuple[str, str], set[str]] = {}  # (namespace, Service) -> component keys behind it

    def running(key: str, d: dict) -> None:
        """A node of ``key``: an instance in its cluster, named by its workload when it has one (a workload
        is one per cluster: reviews-v2 in two clusters is two)."""
        runs.setdefault(key, {}).setdefault(_known(d.get("cluster")), set()).add(_known(d.get("workload")))
        if g.fname not in files.setdefault(key, []):
            files[key].append(g.fname)
    # the services: app and workload nodes
    for nid, d in g.nodes.items():
        nt = d.get("nodeType")
        if nt not in _SERVICE_TYPES or d.get("isDead") or not _name(d):
            if nt in _SERVICE_TYPES and d.get("isDead"):
                b.skip(f"{g.where[nid]}: {_name(d) or nid}: marked dead (no pods), not a component")
            continue
        key, display = _key(d, seen)
        kind, tags, _why = recognise(display)
        ingress = bool(d.get("isIngressGateway")) or "ingressgateway" in key
        comp = b.component(key, f"{g.where[nid]}: {nt} {display}" + (f" version {d['version']}" if _known(
            d.get("version")) else ""), name=display, kind="gateway" if ingress else kind)
        for t in tags:
            b.tag(key, t)
        if ingress:
            comp.user_facing = True
            b.evidence(key, f"{g.where[nid]}: the mesh's ingress gateway: user-facing")
        if d.get("isIdle"):
            b.evidence(key, f"{g.where[nid]}: idle: no traffic in the graph's window")
        comp_of[nid] = key
        running(key, d)
        ns = _known(d.get("namespace"))
        for svc_ns, svc in _dest_services(d):
            by_service.setdefault((svc_ns or ns, svc), set()).add(key)
        _badges(b, key, d, g.where[nid])
    # the Services: the components behind them, from their edges as well
    succ: dict[str, list[str]] = {}
    for src, tgt, _t, _w in g.edges:
        succ.setdefault(src, []).append(tgt)
    behind: dict[str, list[str]] = {}  # service node id -> component keys (one, or a redundancy group's)
    not_components: dict[str, str] = {}  # node id -> why it is none
    for nid, d in g.nodes.items():
        if d.get("nodeType") != "service":
            continue
        svc, ns = _known(d.get("service")), _known(d.get("namespace"))
        if not svc or svc in _EGRESS or d.get("isEgressCluster"):
            what = "requests the mesh could not route to a service" if not svc else "traffic leaving the mesh"
            not_components[nid] = f"{d.get('service') or 'unknown'} ({what})"
            b.skip(f"{g.where[nid]}: {not_components[nid]}: not a component")
            continue
        keys = set(by_service.get((ns, svc), ()))
        keys |= {comp_of[t] for t in succ.get(nid, ()) if t in comp_of}
        if keys:
            behind[nid] = sorted(keys)
            for k in keys:
                b.host(svc, k)
            if len(keys) == 1:
                _badges(b, keys.pop(), d, g.where[nid])
            continue
        key, display = _key(d, seen)
        entry = d.get("isServiceEntry")
        external = "MESH_EXTERNAL" in str(entry) if entry else False
        kind, tags, _why = recognise(display)
        b.component(key, f"{g.where[nid]}: service {display}" + (
            ", a ServiceEntry outside the mesh" if external else ", no workload of the mesh behind it in the graph"),
            name=display, kind="external_api" if external else kind)
        for t in tags:
            b.tag(key, t)
        if not external:  # outside the mesh: where it runs is not the mesh's
            running(key, d)
        comp_of[nid] = key
        _badges(b, key, d, g.where[nid])
    for nid, keys in behind.items():
        if len(keys) == 1:
            comp_of[nid] = keys[0]
    groups = {nid: keys for nid, keys in behind.items() if len(keys) > 1}
    # the calls
    outside: dict[str, set[str]] = {}
    for src, tgt, edge, where in g.edges:
        if src not in g.nodes or tgt not in g.nodes:
            b.dangling(f"{where}: an edge to or from node {tgt if src in g.nodes else src!r}, not in the graph")
            continue
        sd = g.nodes[src]
        if sd.get("nodeType") == "service":
            continue  # a Service's edges go to its backends: what it stands for (above)
        if src not in comp_of:
            if sd.get("nodeType") == "unknown" and tgt in comp_of:
                outside.setdefault(comp_of[tgt], set()).add(where)
            continue
        targets = [comp_of[tgt]] if tgt in comp_of else groups.get(tgt, [])
        if not targets:
            td = g.nodes[tgt]
            what = not_components.get(tgt) or _name(td) or str(td.get("nodeType") or tgt)
            b.skip(f"{where}: {comp_of[src]} -> {what}: not a dependency")
            continue
        rate = _rate(edge)
        if targets == [comp_of[src]]:
            b.skip(f"{where}: {comp_of[src]} calls itself{rate}")
            continue
        for t in targets:
            target = b.components[t]
            # every call seen is hard (a traffic graph cannot tell which have a fallback), a call to a broker
            # too: it cannot tell a producer from a consumer (broker_use says why)
            said = f"; {broker_use()[1]}" if target.kind == "queue" else ""
            b.depend(comp_of[src], t, "hard", OBSERVED, f"{where}: {comp_of[src]} -> {t}{rate} (Kiali{said})")
    for nid, keys in groups.items():
        d = g.nodes[nid]
        b.group(_known(d.get("service")), keys, f"{g.where[nid]}: Service {_known(d.get('service'))}")
    for key, wheres in sorted(outside.items()):
        b.evidence(key, f"{sorted(wheres)[0]}: called from outside the mesh (a caller without a proxy)")


def _dest_services(d: dict) -> list[tuple[str, str]]:
    """(namespace, name) of the Services a node serves: Kiali 1.0 on writes a list of {"name", "namespace"},
    Kiali 0.x a map {"name": true} (the node's own namespace, given as "")."""
    dest = d.get("destServices")
    if isinstance(dest, dict):
        return [("", name) for name, on in dest.items() if on and _known(name)]
    if isinstance(dest, list):
        return [(_known(s.get("namespace")), _known(s.get("name"))) for s in dest
                if isinstance(s, dict) and _known(s.get("name"))]
    return []


def _instances(b: GraphBuilder, runs: dict[str, dict[str, set[str]]], files: dict[str, list[str]]) -> None:
    """Each component's instances and their clusters, from every file read.

    A workload is one per cluster (``reviews-v2`` in two clusters is two), a node without a workload one
    instance in its cluster. Counted per cluster, so a component seen in two clusters has instances in
    both: its placement names a cluster once per instance there when the counts differ (replica i sits
    in placement[i mod len]), each cluster once when they are equal. Replicas are stated only where two
    or more instances are seen: a graph holds no pod counts, so one node leaves the count unstated.
    """
    for key in sorted(runs):
        per = runs[key]
        counts = {c: len({w for w in wls if w}) or 1 for c, wls in per.items()}
        total = sum(counts.values())
        named = sorted(c for c in per if c)
        comp = b.components[key]
        where = ", ".join(files[key])
        if total > 1:
            comp.replicas = min(total, 100000)
        domain = {c: b.domain(f"cluster-{c}", name=c, kind="cluster") for c in named}
        if len(named) > 1 and "" not in per and len(set(counts.values())) > 1:
            comp.placement = [domain[c] for c in named for _ in range(counts[c])][:100000]
        elif named:
            comp.placement = [domain[c] for c in named]
        if len(per) > 1:
            said = "; ".join(f"{c or 'no cluster named'}: " + (", ".join(sorted(w for w in per[c] if w))
                                                              or "1 instance") for c in sorted(per))
            b.evidence(key, f"{where}: runs in {count(len(named), 'cluster')} ({said}): at least {total} instances, "
                            f"each in its cluster (a traffic graph gives no pod counts)")
        elif total > 1:
            wls = sorted(w for w in next(iter(per.values())) if w)
            b.evidence(key, f"{where}: {len(wls)} workloads serve it ({', '.join(wls)}): at least "
                            f"{len(wls)} instances (a traffic graph gives no pod counts)")


def _badges(b: GraphBuilder, key: str, d: dict, where: str) -> None:
    """What the mesh applies to every call to ``key``, from the node's badges."""
    if d.get("hasCB"):
        b.call_policy(key, "circuit_breaker", True, f"{where}: hasCB: a DestinationRule's circuit breaker "
                                                     f"(outlier detection or connection pool) guards calls to it")
    if d.get("hasRequestTimeout"):
        b.evidence(key, f"{where}: hasRequestTimeout: a VirtualService sets a timeout on calls to it "
                        f"(its value is not in the graph: read the VirtualService)")
    if d.get("hasVS"):
        b.evidence(key, f"{where}: hasVS: a VirtualService routes calls to it")


def _rate(edge: dict) -> str:
    """", http 20.00 req/s, 50.0 % errors (5xx 10.00 req/s)" from an edge's data.

    Kiali 1.0 on puts the traffic under ``traffic``: ``{"protocol", "rates": {"http", "httpPercentErr",
    "http5xx", "http4xx"...}}`` (tcp in B/s); Kiali 0.x, as the 2018 Istio docs show it, in the edge's data
    itself: ``rate`` (requests, of http or grpc), ``percentErr``, ``rate5XX``, ``rate4XX``, ``tcpSentRate``.
    """
    traffic = edge.get("traffic")
    if isinstance(traffic, dict) or isinstance(edge.get("protocol"), str):
        where = traffic if isinstance(traffic, dict) else edge
        proto = _number(where.get("protocol")) if isinstance(where.get("protocol"), str) else ""
        rates = where.get("rates") if isinstance(where.get("rates"), dict) else where
        rate = _number(rates.get(proto)) if proto else ""
        err = _number(rates.get(f"{proto}PercentErr")) if proto else ""
        codes = [(c, _number(rates.get(f"{proto}{c}"))) for c in ("5xx", "4xx")] if proto else []
    else:  # Kiali 0.x
        tcp = _number(edge.get("tcpSentRate"))
        proto, rate = ("tcp", tcp) if tcp and not _number(edge.get("rate")) else ("", _number(edge.get("rate")))
        err = _number(edge.get("percentErr"))
        codes = [(c.lower(), _number(edge.get(f"rate{c}"))) for c in ("5XX", "4XX")]
    out = f", {proto}" if proto else ""
    if rate:
        out += f"{' ' if proto else ', '}{rate} {'B/s' if proto == 'tcp' else 'req/s'}"
    if err:
        out += f", {err} % errors"
        said = [f"{c} {v} req/s" for c, v in codes if v]
        out += f" ({', '.join(said)})" if said else ""
    return out


def _number(value) -> str:
    """A rate or share as the graph writes it (a string, or a number in some versions); "" for anything else."""
    if isinstance(value, str):
        return value.strip()[:40]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:g}"
    return ""
