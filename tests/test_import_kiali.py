"""An Istio mesh's traffic graph as Kiali serves it, imported as the services and calls it saw:
Services collapsed onto the workloads behind them, versions of an app as one component, what the
mesh could not route or sends out of it reported and left out (docs/importers.md, "Kiali")."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.kiali import read_kiali
from prr_app.importers.registry import detect_format, import_paths
from prr_app.model.validation import validate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "import" / "kiali" / "shop-graph.json"


def graph(nodes: list[dict], edges: list[tuple[str, str, str]] = (), graph_type: str = "workload") -> dict:
    return {"graphType": graph_type, "duration": 600, "elements": {
        "nodes": [{"data": n} for n in nodes],
        "edges": [{"data": {"id": f"e{i}", "source": s, "target": t,
                            "traffic": {"protocol": p, "rates": {p: "1.00"}}}} for i, (s, t, p) in enumerate(edges)]}}


def write(tmp_path: Path, doc, name: str = "graph.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return p


def test_a_versioned_app_graph_is_the_services_it_saw_and_the_calls_between_them():
    assert detect_format([FIXTURE]) == "kiali"
    res = read_kiali([FIXTURE])
    r = res.review
    assert {c.id: c.kind for c in r.components.values()} == {
        "istio-ingressgateway": "gateway", "storefront": "service", "catalog": "service",
        "catalog-postgres": "datastore", "orders": "service", "kafka": "queue",
        "payments.psp.example.net": "external_api", "reports": "service"}
    # the Services are the workloads behind them: no component per Service, none per version
    kinds = {k: d.kind for k, d in r.dependencies.items()}
    assert kinds == {"istio-ingressgateway->storefront": "hard", "storefront->catalog": "hard",
                     "catalog->catalog-postgres": "hard", "storefront->orders": "hard",
                     "orders->kafka": "hard", "orders->payments.psp.example.net": "hard"}
    # two workloads of catalog are at least two instances; the others' counts are not stated
    assert r.components["catalog"].replicas == 2 and r.components["orders"].replicas is None
    assert [c.id for c in r.components.values() if c.user_facing] == ["istio-ingressgateway"]
    # the badge of the catalog Service: the mesh's circuit breaker on calls to it
    assert r.dependencies["storefront->catalog"].circuit_breaker is True
    assert any("30.00 req/s, 2.0 % errors" in e for e in r.dependencies["storefront->catalog"].evidence)
    # the cluster is a failure domain the mesh's workloads share; the outside payment provider is not in it
    assert r.components["orders"].placement == ["cluster-east-1"]
    assert r.components["payments.psp.example.net"].placement == []
    skipped = " ".join(res.report.skipped)
    assert "PassthroughCluster (traffic leaving the mesh)" in skipped
    assert "storefront -> unknown (requests the mesh could not route to a service): not a dependency" in skipped
    assert any("every call is recorded as hard" in w for w in res.report.warnings)
    assert validate(r) == []
    spofs = {s["component"] for s in analyze(r).spofs if s["element_type"] == "instance"}
    assert "catalog" not in spofs and "orders" in spofs


def test_a_service_in_front_of_two_apps_is_a_redundancy_group_its_callers_depend_on(tmp_path):
    doc = graph([
        {"id": "web", "nodeType": "workload", "namespace": "a", "workload": "web", "app": "web"},
        {"id": "svc", "nodeType": "service", "namespace": "a", "service": "search"},
        {"id": "s1", "nodeType": "workload", "namespace": "a", "workload": "search-blue", "app": "search-blue"},
        {"id": "s2", "nodeType": "workload", "namespace": "a", "workload": "search-green", "app": "search-green"},
    ], [("web", "svc", "http"), ("svc", "s1", "http"), ("svc", "s2", "http")])
    r = read_kiali([write(tmp_path, doc)]).review
    (group,) = r.groups.values()
    assert sorted(group.members) == ["search-blue", "search-green"] and group.min_up == 1
    assert set(r.dependencies) == {f"web->{group.id}"}
    spofs = {s["element"] for s in analyze(r).spofs}
    assert "search-blue" not in spofs and "search-green" not in spofs


def test_workloads_of_one_app_are_one_component_and_a_name_in_two_namespaces_is_two(tmp_path):
    doc = graph([
        {"id": "w1", "nodeType": "workload", "namespace": "shop", "workload": "cart-v1", "app": "cart"},
        {"id": "w2", "nodeType": "workload", "namespace": "shop", "workload": "cart-v2", "app": "cart"},
        {"id": "w3", "nodeType": "workload", "namespace": "shop", "workload": "redis", "app": "redis"},
        {"id": "w4", "nodeType": "workload", "namespace": "admin", "workload": "redis", "app": "redis"},
        {"id": "w5", "nodeType": "workload", "namespace": "admin", "workload": "console"},
        {"id": "dead", "nodeType": "workload", "namespace": "shop", "workload": "old", "app": "old", "isDead": True},
    ], [("w1", "w3", "tcp"), ("w2", "w3", "tcp"), ("w5", "w4", "tcp"), ("w5", "w1", "http"), ("w5", "gone", "http"),
        ("w1", "w2", "http")])
    res = read_kiali([write(tmp_path, doc)])
    r = res.review
    assert set(r.components) == {"cart", "redis.shop", "redis.admin", "console"}
    assert r.components["redis.shop"].name == "redis (shop)" and r.components["redis.shop"].kind == "datastore"
    assert r.components["cart"].replicas == 2
    assert set(r.dependencies) == {"cart->redis.shop", "console->redis.admin", "console->cart"}
    assert any("marked dead" in s for s in res.report.skipped)
    assert any("cart calls itself, http 1.00 req/s" in s for s in res.report.skipped)  # one version calls another
    assert any("'gone', not in the graph" in d for d in res.report.dangling)


@pytest.mark.parametrize("text, where", [
    ("{not json", "line 1"),
    ('{"elements": []}', "not a Kiali graph"),
    ('{"elements": {"nodes": {}}}', "elements"),
    ('{"elements": {"nodes": [{"data": {"nodeType": "app"}}]}}', "elements.nodes[0]"),
    ('{"elements": {"nodes": [{"data": {"id": "a", "nodeType": "app", "app": "x"}}], "edges": [{"data": {}}]}}',
     "elements.edges[0]"),
    ('{"elements": {"nodes": [{"data": {"id": "b", "nodeType": "box"}}], "edges": []}}', "no services"),
])
def test_a_broken_graph_is_one_error_naming_the_file_and_the_place(tmp_path, capsys, text, where):
    path = write(tmp_path, text)
    with pytest.raises(PrrError) as err:
        read_kiali([path])
    assert where in str(err.value)
    out = tmp_path / "out.prr"
    assert main(["import", str(path), "--format", "kiali", "-o", str(out)]) == 2
    err_line = capsys.readouterr().err.strip()
    assert err_line.startswith(f"prr: {path}") and "Traceback" not in err_line and not out.exists()


def test_the_cli_imports_a_graph_saved_from_kiali_without_being_told_its_format(tmp_path, capsys):
    out = tmp_path / "shop.prr"
    assert main(["import", str(FIXTURE), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "kiali: 8 components, 6 dependencies" in said and "Kiali versionedApp graph, 16 node(s)" in said
    # a folder of saved graphs (no deployment files) is read as that format too
    folder = tmp_path / "graphs"
    folder.mkdir()
    (folder / "shop.json").write_text(FIXTURE.read_text())
    res = import_paths([folder])
    assert "storefront->catalog" in res.review.dependencies and res.review.dependencies["storefront->catalog"].circuit_breaker


_node = st.fixed_dictionaries({
    "id": st.sampled_from(["a", "b", "c", "d", 3, None]),
    "nodeType": st.sampled_from(["app", "workload", "service", "unknown", "box", 7]),
}, optional={
    "app": st.sampled_from(["web", "db", "unknown", "", None, ["x"]]),
    "workload": st.sampled_from(["web-v1", "db", "unknown"]),
    "service": st.sampled_from(["web", "kafka", "unknown", "PassthroughCluster", 1]),
    "namespace": st.sampled_from(["a", "b", "unknown", None]),
    "cluster": st.sampled_from(["east", "unknown", 5]),
    "destServices": st.sampled_from([[{"name": "web", "namespace": "a"}], [{"name": 4}], ["x"], None]),
    "hasCB": st.booleans(), "isServiceEntry": st.sampled_from(["MESH_EXTERNAL", {"location": "MESH_INTERNAL"}]),
    "isIdle": st.booleans(), "isDead": st.booleans(),
})
_edge = st.fixed_dictionaries({"source": st.sampled_from(["a", "b", "c", "d", "z", 1]),
                               "target": st.sampled_from(["a", "b", "c", "d", "z"])},
                              optional={"traffic": st.sampled_from([{"protocol": "http", "rates": {"http": "2"}},
                                                                    {"protocol": 5}, "x", None])})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nodes=st.lists(_node, max_size=6), edges=st.lists(_edge, max_size=8))
def test_any_graph_is_imported_as_a_valid_review_or_refused_with_one_clear_error(tmp_path, nodes, edges):
    doc = {"elements": {"nodes": [{"data": n} for n in nodes], "edges": [{"data": e} for e in edges]}}
    path = write(tmp_path, doc)
    try:
        res = read_kiali([path])
    except PrrError as e:
        assert str(e).startswith(str(path))
        return
    assert validate(res.review) == []
    # every dependency joins two components (or a group) the graph had calls between
    for dep in res.review.dependencies.values():
        assert dep.source in res.review.components
        assert dep.target in res.review.components or dep.target in res.review.groups


REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.mark.skipif(not (REALDATA / "online-boutique").exists(), reason="shared/realdata is not beside the repository")
def test_traffic_beside_manifests_is_laid_over_them_not_a_variant_that_loses(tmp_path):
    """Online Boutique's manifests with a traffic graph of some of its calls, one the manifests do not
    name, and a database they do not deploy (reached outside the cluster)."""
    doc = graph([
        {"id": "fe", "nodeType": "app", "namespace": "default", "workload": "frontend", "app": "frontend"},
        {"id": "co", "nodeType": "app", "namespace": "default", "workload": "checkoutservice", "app": "checkoutservice"},
        {"id": "em", "nodeType": "app", "namespace": "default", "workload": "emailservice", "app": "emailservice"},
        {"id": "ca", "nodeType": "app", "namespace": "default", "workload": "cartservice", "app": "cartservice"},
        {"id": "rc", "nodeType": "service", "namespace": "default", "service": "redis-cart"},
        {"id": "ledger", "nodeType": "service", "namespace": "default", "service": "ledger-postgres"},
        # tracing names a service as its SDK is told: "payment" is the deployment's paymentservice
        {"id": "pay", "nodeType": "app", "namespace": "default", "workload": "payment", "app": "payment"},
    ], [("fe", "co", "grpc"), ("co", "em", "grpc"), ("ca", "rc", "tcp"), ("em", "ca", "grpc"), ("co", "ledger", "tcp"),
        ("co", "pay", "grpc")],
        graph_type="versionedApp")
    traffic = write(tmp_path, doc, "mesh-graph.json")
    manifests = REALDATA / "online-boutique" / "kubernetes-manifests.yaml"
    res = import_paths([manifests, traffic])
    r = res.review
    # the deployment is what runs: its 12 services, its cluster, and a database the traffic adds
    assert len(r.components) == 13 and r.components["ledger-postgres"].kind == "datastore"
    assert r.components["ledger-postgres"].placement == []
    deps = r.dependencies
    assert any("seen in traffic: corroborates" in e for e in deps["checkoutservice->emailservice"].evidence)
    assert any("kubernetes-manifests.yaml" in e for e in deps["checkoutservice->emailservice"].evidence)
    assert "seen in traffic; no deployment or configuration file read names it" in deps["emailservice->cartservice"].evidence
    assert "checkoutservice->ledger-postgres" in deps
    assert any("seen in traffic: corroborates" in e for e in deps["checkoutservice->paymentservice"].evidence)
    assert "payment" not in r.components
    assert any("payment seen in traffic is paymentservice of the deployment" in x for x in res.report.read)
    warnings = " ".join(res.report.warnings)
    assert "1 service(s) seen in traffic that no deployment file read here deploys: ledger-postgres" in warnings
    assert "2 call(s) seen in traffic that no file read here names" in warnings
    assert "variant not imported" not in " ".join(res.report.skipped)
    assert r.meta.system_name  # paths with nothing in common but "/" still name the system
    assert validate(r) == []
