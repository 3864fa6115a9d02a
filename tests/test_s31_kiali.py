"""Kiali graphs and trace files as real tools write them (session 31, docs/importers.md "Kiali" and
"Jaeger / servicegraph"):

* a multi-cluster mesh (Kiali's own test output, graph/api/testdata/test_mc_source_graph.expected):
  an app in two clusters has instances in both, a workload counted once per cluster, so the
  analysis no longer says all its replicas sit in the last cluster read;
* the Kiali 0.x edge shape (the 2018 Istio docs: ``rate``, ``percentErr``, ``rate5XX`` in the edge's
  data, ``destServices`` as a map) keeps its rates and errors in the evidence;
* a file of another shape named with ``--format jaeger`` (a Zipkin trace's spans) is refused on one
  line that says what it is and which format reads it, not at its first item.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.kiali import read_kiali
from prr_app.importers.registry import import_paths
from prr_app.model.validation import validate


def write(tmp_path: Path, doc, name: str = "graph.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return p


def node(nid: str, cluster: str | None, app: str, workload: str | None = None, **more) -> dict:
    d = {"id": nid, "nodeType": "app", "namespace": "bookinfo", "app": app, **more}
    if cluster is not None:
        d["cluster"] = cluster
    if workload:
        d["workload"], d["version"] = workload, workload.rsplit("-", 1)[-1]
        d["destServices"] = [{"cluster": cluster, "namespace": "bookinfo", "name": app}]
    return d


def service(nid: str, cluster: str, name: str) -> dict:
    return {"id": nid, "nodeType": "service", "cluster": cluster, "namespace": "bookinfo", "service": name,
            "destServices": [{"cluster": cluster, "namespace": "bookinfo", "name": name}]}


def edge(i: int, src: str, tgt: str) -> dict:
    return {"data": {"id": f"e{i}", "source": src, "target": tgt,
                     "traffic": {"protocol": "http", "rates": {"http": "100.00", "httpPercentReq": "50.0"}}}}


def multicluster() -> dict:
    """The shape of Kiali's multi-cluster test graph: reviews v1 and v2 in kukulcan, v2 and v3 in tzotz,
    productpage in kukulcan calling the reviews Service of each cluster."""
    nodes = [node("pp", "kukulcan", "productpage", "productpage-v1"),
             service("svc-k", "kukulcan", "reviews"), service("svc-t", "tzotz", "reviews"),
             node("r1k", "kukulcan", "reviews", "reviews-v1"), node("r2k", "kukulcan", "reviews", "reviews-v2"),
             node("r2t", "tzotz", "reviews", "reviews-v2"), node("r3t", "tzotz", "reviews", "reviews-v3")]
    edges = [edge(0, "pp", "svc-k"), edge(1, "pp", "svc-t"), edge(2, "svc-k", "r1k"), edge(3, "svc-k", "r2k"),
             edge(4, "svc-t", "r2t"), edge(5, "svc-t", "r3t")]
    return {"graphType": "versionedApp", "duration": 600,
            "elements": {"nodes": [{"data": n} for n in nodes], "edges": edges}}


# ------------------------------------------------------------------ 1. several clusters
def test_an_app_in_two_clusters_has_its_instances_in_each_counted_per_cluster(tmp_path):
    res = read_kiali([write(tmp_path, multicluster())])
    r = res.review
    validate(r)
    reviews = r.components["reviews"]
    # reviews-v2 runs in both clusters: two workloads, not one
    assert reviews.replicas == 4
    assert reviews.placement == ["cluster-kukulcan", "cluster-tzotz"]  # 2 and 2: replica i in placement[i mod 2]
    assert r.components["productpage"].placement == ["cluster-kukulcan"]
    assert r.components["productpage"].replicas is None  # one node: the graph holds no pod counts
    evidence = {c.element: c.evidence for c in res.report.components}
    said = ("graph.json: runs in 2 clusters (kukulcan: reviews-v1, reviews-v2; tzotz: reviews-v2, reviews-v3): "
            "at least 4 instances, each in its cluster (a traffic graph gives no pod counts)")
    assert said in evidence["reviews"]
    # the analysis: no "all replicas of reviews sit in cluster-tzotz", and neither cluster alone takes reviews
    a = analyze(r)
    assert not [f for f in a.common_cause if f["id"].endswith(":reviews")]
    for dom in ("cluster-kukulcan", "cluster-tzotz"):
        assert "reviews" not in a.simulate(domains=[dom]).down


def test_uneven_counts_name_a_cluster_once_per_instance_and_app_nodes_count_one_each(tmp_path):
    doc = multicluster()
    doc["elements"]["nodes"] = [n for n in doc["elements"]["nodes"] if n["data"]["id"] != "r2k"]
    doc["elements"]["edges"] = [e for e in doc["elements"]["edges"] if e["data"]["target"] != "r2k"]
    doc["elements"]["nodes"].append({"data": node("r4t", "tzotz", "reviews", "reviews-v4")})
    doc["elements"]["edges"].append(edge(9, "svc-t", "r4t"))
    r = read_kiali([write(tmp_path, doc)]).review
    validate(r)
    # 1 in kukulcan, 3 in tzotz: replica i sits in placement[i mod 4], so each cluster holds what it holds
    assert r.components["reviews"].replicas == 4
    assert r.components["reviews"].placement == ["cluster-kukulcan"] + ["cluster-tzotz"] * 3
    # an app graph names no workloads: one app node per cluster is at least one instance in each
    app = {"graphType": "app", "elements": {"nodes": [{"data": node("a", "east", "cart")},
                                                       {"data": node("b", "west", "cart")},
                                                       {"data": node("c", "east", "web")}],
                                            "edges": [edge(0, "c", "a"), edge(1, "c", "b")]}}
    r = read_kiali([write(tmp_path, app, "app.json")]).review
    cart = r.components["cart"]
    assert (cart.replicas, cart.placement) == (2, ["cluster-east", "cluster-west"])
    assert "cart" not in analyze(r).simulate(domains=["cluster-west"]).down


def test_one_workload_in_two_files_of_one_cluster_is_one_instance(tmp_path):
    doc = multicluster()
    first = write(tmp_path, doc, "a.json")
    second = write(tmp_path, doc, "b.json")
    r = read_kiali([first, second]).review
    assert r.components["reviews"].replicas == 4
    assert r.components["reviews"].placement == ["cluster-kukulcan", "cluster-tzotz"]


# ------------------------------------------------------------------ 2. the Kiali 0.x edge shape
KIALI_2018 = {"timestamp": 1538417408, "graphType": "app", "elements": {
    "nodes": [
        {"data": {"id": "s-details", "nodeType": "service", "namespace": "bookinfo", "service": "details",
                  "destServices": {"details": True}, "rate": "0.343", "rate5XX": "0.343", "hasVS": True}},
        {"data": {"id": "details", "nodeType": "app", "namespace": "bookinfo", "app": "details",
                  "destServices": {"details": True}, "rate": "0.324"}},
        {"data": {"id": "mongodb", "nodeType": "app", "namespace": "bookinfo", "app": "mongodb",
                  "destServices": {"mongodb": True}}},
        {"data": {"id": "productpage", "nodeType": "app", "namespace": "bookinfo", "app": "productpage",
                  "destServices": {"productpage": True}}},
        {"data": {"id": "ratings", "nodeType": "app", "namespace": "bookinfo", "app": "ratings",
                  "destServices": {"ratings": True}}}],
    "edges": [
        {"data": {"id": "e0", "source": "productpage", "target": "s-details", "rate": "0.343", "rate5XX": "0.343",
                  "percentErr": "100.000", "percentRate": "25.712", "responseTime": "0.000"}},
        {"data": {"id": "e1", "source": "productpage", "target": "details", "rate": "0.324",
                  "percentRate": "24.288", "responseTime": "0.005"}},
        {"data": {"id": "e2", "source": "productpage", "target": "ratings", "rate": 0.5, "percentErr": 2,
                  "rate4XX": 0.01}},
        {"data": {"id": "e3", "source": "ratings", "target": "mongodb", "tcpSentRate": "94.452"}}]}}


def test_the_kiali_0x_edge_shape_keeps_its_rates_and_errors(tmp_path):
    res = read_kiali([write(tmp_path, KIALI_2018)])
    r = res.review
    ev = r.dependencies["productpage->details"].evidence
    assert "elements.edges[0]: productpage -> details, 0.343 req/s, 100.000 % errors (5xx 0.343 req/s) (Kiali)" in ev[0]
    assert ev[1].endswith("productpage -> details, 0.324 req/s (Kiali)")
    assert r.dependencies["productpage->ratings"].evidence[0].endswith(
        "productpage -> ratings, 0.5 req/s, 2 % errors (4xx 0.01 req/s) (Kiali)")
    assert r.dependencies["ratings->mongodb"].evidence[0].endswith("ratings -> mongodb, tcp 94.452 B/s (Kiali)")
    # destServices as a map: the details Service is the details app behind it, not a component of its own
    evidence = {c.element: c.evidence for c in res.report.components}
    assert not [e for e in evidence["details"] if "no workload of the mesh behind it" in e]
    assert any(e.endswith("elements.nodes[0]: hasVS: a VirtualService routes calls to it") for e in evidence["details"])


def test_the_current_shape_says_its_error_classes_too(tmp_path):
    doc = multicluster()
    doc["elements"]["edges"][0]["data"]["traffic"]["rates"].update(
        {"http5xx": "10.00", "http4xx": "5.00", "httpPercentErr": "15.0"})
    r = read_kiali([write(tmp_path, doc)]).review
    assert any("http 100.00 req/s, 15.0 % errors (5xx 10.00 req/s, 4xx 5.00 req/s)" in e
               for e in r.dependencies["productpage->reviews"].evidence)


# ------------------------------------------------------------------ 3. a file of another shape
ZIPKIN_SPANS = [
    {"traceId": "19f84f102048e047", "parentId": "19f84f102048e047", "id": "5d532ef6fed52445", "kind": "CLIENT",
     "name": "insert", "localEndpoint": {"serviceName": "bootifulmeters"}, "remoteEndpoint": {"serviceName": "app_db"}},
    {"traceId": "19f84f102048e047", "id": "19f84f102048e047", "kind": "SERVER", "name": "get",
     "localEndpoint": {"serviceName": "bootifulmeters"}}]


def run_cli(args, capsys) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as e:  # argparse
        code = e.code
    cap = capsys.readouterr()
    return code, cap.err + cap.out


def test_a_zipkin_trace_named_as_jaeger_says_what_it_is_and_what_reads_it(tmp_path, capsys):
    p = write(tmp_path, ZIPKIN_SPANS, "spans.json")
    code, out = run_cli(["import", str(p), "--format", "jaeger", "-o", str(tmp_path / "x.prr")], capsys)
    assert code == 2 and "Traceback" not in out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    assert f"{p}: [0]: a Zipkin trace (a list of spans: traceId, localEndpoint, remoteEndpoint), not a " \
           "dependencies answer" in lines[0]
    assert "--format jaeger" in lines[0] and "/api/v2/dependencies" in lines[0]
    assert "parent and child" not in out
    assert not (tmp_path / "x.prr").exists()


def test_other_shapes_named_with_the_wrong_format_say_which_format_reads_them(tmp_path):
    # Zipkin's /api/v2/traces: a list of traces, each a list of spans
    p = write(tmp_path, [ZIPKIN_SPANS], "traces.json")
    with pytest.raises(PrrError, match=r"a Zipkin trace") as e:
        import_paths([p], "jaeger")
    assert e.value.location == "[0][0]"
    # a Jaeger trace (/api/traces/{id}), an OpenTelemetry export
    p = write(tmp_path, {"data": [{"traceID": "ab", "spans": [], "processes": {}}]}, "jtrace.json")
    with pytest.raises(PrrError, match=r"a Jaeger trace \(traceID, spans, processes\), not a dependencies answer"):
        import_paths([p], "jaeger")
    p = write(tmp_path, {"resourceSpans": []}, "otlp.json")
    with pytest.raises(PrrError, match=r"an OpenTelemetry trace export"):
        import_paths([p], "jaeger")
    # another format's file: the registry's detection names it, worded as for a folder's left-out files
    kiali = write(tmp_path, multicluster(), "mesh.json")
    with pytest.raises(PrrError, match=r"not a dependencies answer.*: looks like kiali \(import it with --format "
                                       r"kiali\)") as e:
        import_paths([kiali], "jaeger")
    assert e.value.location is None  # the file has no "dependencies" key to point at
    with pytest.raises(PrrError, match=r"looks like kiali \(import it with --format kiali\)"):
        import_paths([kiali], "servicegraph")
    deps = write(tmp_path, {"data": [{"parent": "a", "child": "b", "callCount": 1}]}, "deps.json")
    with pytest.raises(PrrError, match=r"not a Kiali graph.*: looks like jaeger \(import it with --format jaeger\)"):
        import_paths([deps], "kiali")


def test_a_bad_item_of_a_bare_dependency_list_is_placed_in_the_list_not_in_a_data_key(tmp_path):
    # a bare list (Zipkin's /api/v2/dependencies) has no "data": its items are [i]
    p = write(tmp_path, [{"parent": "a", "child": "b", "callCount": 3}, {"parent": "a", "child": ""}], "deps.json")
    with pytest.raises(PrrError, match="parent and child must be non-empty") as e:
        import_paths([p], "jaeger")
    assert e.value.location == "[1]"
    p = write(tmp_path, [{"parent": "a", "child": "b", "callCount": 3, "errorCount": 1}], "ok.json")
    r = import_paths([p], "jaeger").review
    assert r.dependencies["a->b"].evidence[0].startswith("ok.json: [0]: a -> b, 3 calls")
