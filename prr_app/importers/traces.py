"""Observed call graphs: Jaeger dependencies and OpenTelemetry servicegraph metrics.

* **Jaeger** ``GET /api/dependencies`` answers ``{"data": [{"parent": "a",
  "child": "b", "callCount": 12}, ...]}`` (a bare list is accepted too, which is
  what Zipkin's ``/api/v2/dependencies`` answers; the v2 API's
  ``{"dependencies": [...]}`` with ``parent``/``child`` as well). A file of another
  shape (the spans of a trace from Zipkin, Jaeger or OpenTelemetry, another
  format's file named with ``--format jaeger``) is refused on one line that says
  what the file looks like and which format reads it, not at its first item.
* **servicegraph** (OpenTelemetry Collector connector) metrics in the
  Prometheus text exposition format: ``traces_service_graph_request_total``
  and ``traces_service_graph_request_failed_total`` with ``client`` and
  ``server`` labels (any metric-name prefix); histogram series are read
  as "seen" only. A Prometheus ``/api/v1/query`` JSON answer for those
  metrics is accepted as well.

Every edge keeps its call count (and failed count) as evidence. A
``connection_type`` of ``database`` or ``messaging_system`` gives the server
its kind; a ``virtual_node`` label marks an uninstrumented peer.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import OBSERVED, GraphBuilder, broker_use, recognise, short_names
from prr_app.interchange.json_io import read_json_file

MAX_BYTES = 64 * 1024 * 1024


# ------------------------------------------------------------------ Jaeger
def looks_like_jaeger(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    head = paths.head_text(path, 4096)
    return '"parent"' in head and '"child"' in head


def read_jaeger(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("jaeger", paths)
    total = 0
    for path in paths:
        fname = names[path]
        data = read_json_file(path)
        items, at = data, ""  # the list of dependencies, and where it is in the file ("" the file itself)
        if isinstance(data, dict):
            if data.get("errors"):
                errs = data["errors"]
                msg = errs[0].get("msg") if isinstance(errs, list) and errs and isinstance(errs[0], dict) else errs
                raise PrrError(f"the Jaeger answer reports an error: {str(msg)[:200]}", file=str(path))
            at = "data" if "data" in data else "dependencies" if "dependencies" in data else ""
            items = data.get(at) if at else None
            if isinstance(items, dict):  # {"data": {"dependencies": [...]}}
                items, at = items.get("dependencies"), f"{at}.dependencies"
        if not isinstance(items, list) or (items and not any(
                isinstance(it, dict) and ("parent" in it or "child" in it) for it in items)):
            # not a dependencies answer at all: say what it is, rather than fault its first item
            raise _not_dependencies(path, data, items, at)
        n = 0
        for i, it in enumerate(items):
            place = f"{at}[{i}]"
            where = f"{fname}: {place}"
            if not isinstance(it, dict):
                raise PrrError(f"item {i} is not an object", file=str(path), location=place)
            parent, child = it.get("parent"), it.get("child")
            if not isinstance(parent, str) or not isinstance(child, str) or not parent.strip() or not child.strip():
                raise PrrError("parent and child must be non-empty service names", file=str(path), location=place)
            count = it.get("callCount", it.get("call_count"))
            if count is not None and (isinstance(count, bool) or not isinstance(count, (int, float))
                                      or (isinstance(count, float) and not math.isfinite(count)) or count < 0):
                raise PrrError(f"callCount {count!r} is not a count", file=str(path), location=place)
            if parent == child:
                b.skip(f"{where}: {parent} calls itself ({count} calls)")
                continue
            _edge(b, parent, child, f"{where}: {parent} -> {child}, {_count(count)} calls (Jaeger)", where)
            n += 1
        total += n
        b.read(f"{fname}: {n} service-to-service edge(s)")
    if not b.components:
        raise PrrError("no service-to-service calls found", file=str(paths[0]))
    b.system_name = paths[0].stem
    return b.finish(file=str(paths[0]))


#: what a file that holds the spans of traces is, and how its calls can be imported instead
_SPANS = ("no format reads the spans of a trace; import the calls the tracing backend counts from them "
          "(Jaeger's /api/dependencies or Zipkin's /api/v2/dependencies answer) with --format jaeger")


def _not_dependencies(path: Path, data, items, at: str) -> PrrError:
    """The one-line refusal of a file that is no dependencies answer: what it looks like (a trace's spans from
    Zipkin, Jaeger or OpenTelemetry, or another format's file) and which format reads it."""
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, list):  # Zipkin's /api/v2/traces: a list of traces, each a list of spans
        first, at = (first[0] if first else None), f"{at}[0]"
    place = f"{at}[0]" if first is not None else (at or None)
    what = ""
    if isinstance(first, dict) and "traceId" in first and ("localEndpoint" in first or "remoteEndpoint" in first
                                                           or "parentId" in first):
        what = "a Zipkin trace (a list of spans: traceId, localEndpoint, remoteEndpoint)"
    elif isinstance(first, dict) and "traceID" in first and "spans" in first:
        what = "a Jaeger trace (traceID, spans, processes)"
    elif isinstance(data, dict) and ("resourceSpans" in data or "resource_spans" in data):
        what, place = "an OpenTelemetry trace export (resourceSpans)", None
    if what:
        return PrrError(f"{what}, not a dependencies answer: {_SPANS}", file=str(path), location=place)
    other = looks_like_other(path, "jaeger")
    said = f": looks like {other} (import it with --format {other})" if other else ""
    return PrrError('not a dependencies answer: expected a list of {parent, child, callCount} (or {"data": [...]})'
                    + said, file=str(path), location=place if other else None)


def looks_like_other(path: Path, fmt: str) -> str:
    """The format a file looks like when it is not ``fmt``'s, "" for none: the hint a reader that was asked for
    ``fmt`` gives (the registry's own detection, worded as for the files of a folder it leaves out)."""
    from prr_app.importers import registry  # here: the registry lists this module's readers

    try:
        other = registry.detect_format([path])
    except PrrError:
        return ""
    return other if other != fmt else ""


def _edge(b: GraphBuilder, client: str, server: str, ev: str, where: str, *, server_kind: str | None = None) -> None:
    for name in (client, server):
        kind, tags, why = recognise(name)
        if name == server and server_kind:
            kind = server_kind
        cid = b.component(name, f"{where}: service {name} seen in traces", name=name, kind=kind).id
        for t in tags:
            b.tag(cid, t)
    src, tgt = b.component(client, "").id, b.component(server, "").id
    target = b.components[tgt]
    if target.kind == "queue":  # a trace edge to a broker cannot tell a producer from a consumer
        typ, word = broker_use()
        ev = f"{ev} ({word})"
    else:
        typ = "soft" if "telemetry" in target.tags else "hard"
    b.depend(src, tgt, typ, OBSERVED, ev)


# ------------------------------------------------------------ servicegraph
def looks_like_servicegraph(path: Path) -> bool:
    if path.suffix.lower() not in (".prom", ".txt", ".metrics", ".json", "") and not path.name.endswith(".prom.txt"):
        return False
    head = paths.head_text(path, 65536)
    return "service_graph_request" in head


_SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$")
_LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_labels(text: str, *, file: str, line: int) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _LABEL.match(text, pos)
        if not m:
            raise PrrError(f"malformed labels near {text[pos:pos + 30]!r}", file=file, location=f"line {line}")
        val = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        out[m.group(1)] = val
        pos = m.end()
    return out


def _count(n) -> str:
    """A call count for evidence: exact up to 10^18, then "over 10^18" (no overflow on any input)."""
    if n is None:
        return "0"
    try:
        if n >= 10 ** 18:
            return "over 10^18"
        return str(int(n))
    except (OverflowError, ValueError):
        return "?"


def _share(part, total) -> str:
    try:
        return f"{part / total:.1%}"
    except (OverflowError, ZeroDivisionError, ValueError):
        return "?"


def _num(s: str, file: str, line: int) -> float:
    try:
        v = float(s)
    except ValueError:
        raise PrrError(f"{s[:40]!r} is not a number", file=file, location=f"line {line}") from None
    if not math.isfinite(v) and not math.isnan(v):
        raise PrrError(f"{s[:40]!r} is not a finite number", file=file, location=f"line {line}")
    return v


def read_servicegraph(paths: list[Path]) -> object:
    paths = [Path(p) for p in paths]
    names = short_names(paths)
    b = GraphBuilder("servicegraph", paths)
    edges: dict[tuple[str, str], dict] = {}
    for path in paths:
        fname = names[path]
        if path.suffix.lower() == ".json":
            samples = _prom_json(path)
        else:
            samples = _prom_text(path, fname)
        n = 0
        for metric, labels, value, line in samples:
            if "service_graph_request" not in metric:
                continue
            client, server = labels.get("client"), labels.get("server")
            if not client or not server:
                b.skip(f"{fname}:{line}: {metric} without client and server labels")
                continue
            if not math.isfinite(value) or value < 0:
                b.skip(f"{fname}:{line}: {metric} value {value} is not a count")
                continue
            e = edges.setdefault((client, server), {"total": 0.0, "failed": 0.0, "where": f"{fname}:{line}",
                                                     "ctype": "", "virtual": ""})
            if metric.endswith("service_graph_request_failed_total"):
                e["failed"] += value
            elif metric.endswith("service_graph_request_total"):
                e["total"] += value
                e["where"] = f"{fname}:{line}"
            e["ctype"] = e["ctype"] or labels.get("connection_type", "")
            e["virtual"] = e["virtual"] or labels.get("virtual_node", "")
            n += 1
        b.read(f"{fname}: {n} servicegraph sample(s)")
    for (client, server), e in sorted(edges.items()):
        if client == server:
            b.skip(f"{e['where']}: {client} calls itself")
            continue
        kind = {"database": "datastore", "messaging_system": "queue"}.get(e["ctype"])
        fail = f", {_count(e['failed'])} failed ({_share(e['failed'], e['total'])})" if e["failed"] and e["total"] else \
            (f", {_count(e['failed'])} failed" if e["failed"] else "")
        ev = f"{e['where']}: {client} -> {server}, {_count(e['total'])} requests{fail} (servicegraph" + \
             (f", {e['ctype']}" if e["ctype"] else "") + ")"
        _edge(b, client, server, ev, e["where"], server_kind=kind)
        if e["virtual"]:
            peer = client if e["virtual"] == "client" else server
            b.tag(peer, "uninstrumented")
            b.evidence(peer, f"{e['where']}: virtual node ({e['virtual']} side not instrumented)")
    if not b.components:
        raise PrrError("no servicegraph request metrics with client and server labels found", file=str(paths[0]))
    b.system_name = paths[0].stem
    return b.finish(file=str(paths[0]))


def _prom_text(path: Path, fname: str):
    text = sy.read_text(path, max_bytes=MAX_BYTES)
    for i, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise PrrError("not a Prometheus sample line (metric{labels} value)", file=str(path), location=f"line {i}")
        metric, labels, value = m.group(1), m.group(3), m.group(4)
        yield metric, parse_labels(labels or "", file=str(path), line=i), _num(value, str(path), i), i


def _prom_json(path: Path):
    data = read_json_file(path)
    res = sy.get_path(data, "data", "result") if isinstance(data, dict) else None
    if not isinstance(res, list):
        other = looks_like_other(path, "servicegraph")
        said = f": looks like {other} (import it with --format {other})" if other else ""
        raise PrrError("expected a Prometheus query answer {\"data\": {\"result\": [...]}}" + said, file=str(path))
    for i, r in enumerate(res):
        if not isinstance(r, dict) or not isinstance(r.get("metric"), dict):
            raise PrrError("a result without a metric", file=str(path), location=f"data.result[{i}]")
        labels = {str(k): str(v) for k, v in r["metric"].items()}
        val = r.get("value")
        if not isinstance(val, list) or len(val) != 2:
            raise PrrError("a result without a [time, value] pair", file=str(path), location=f"data.result[{i}]")
        yield labels.get("__name__", "traces_service_graph_request_total"), labels, \
            _num(str(val[1]), str(path), i), f"result[{i}]"
