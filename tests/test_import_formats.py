"""Each import format on small inputs, the YAML traps, and broken input (one-line errors)."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app import safe_yaml
from prr_app.importers.compose import interpolate
from prr_app.importers.registry import detect_format, formats, import_paths

FIX = Path(__file__).parent / "fixtures" / "import"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


# ---------------------------------------------------------------- safe YAML
def test_yaml_scalars_stay_as_written():
    (doc,) = safe_yaml.load_text("a: on\nb: no\nc: 0700\nd: 1.20\ne: 12:30\nf: ~\ng:\nh: 'x'\n")
    assert doc.value == {"a": "on", "b": "no", "c": "0700", "d": "1.20", "e": "12:30", "f": None, "g": None, "h": "x"}
    assert doc.value.line_of("e") == 5


def test_yaml_alias_bomb_depth_and_python_tags_are_refused_or_inert():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(PrrError, match="alias"):
        safe_yaml.load_text(bomb, file="bomb.yaml")
    with pytest.raises(PrrError, match="nested more than"):
        safe_yaml.load_text("[" * 5000, file="deep.yaml")
    (doc,) = safe_yaml.load_text("x: !!python/object/apply:os.system ['echo hi']\n")
    assert doc.value["x"] == ["echo hi"]  # data, never executed
    w: list[str] = []
    safe_yaml.load_text("a: 1\na: 2\n", file="dup.yaml", warnings=w)
    assert w and "duplicate key 'a'" in w[0] and "dup.yaml:2" in w[0]


def test_yaml_merge_keys_and_multi_documents():
    docs = safe_yaml.load_text("base: &b {x: 1, y: 2}\nsvc:\n  <<: *b\n  y: 3\n---\nsecond: true\n---\n")
    assert docs[0].value["svc"] == {"x": "1", "y": "3"}
    assert docs[1].value == {"second": "true"} and docs[1].line == 5


def test_yaml_errors_name_file_and_line(tmp_path):
    p = write(tmp_path, "bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n")
    with pytest.raises(PrrError) as e:
        import_paths([p], "kubernetes")
    assert str(p) in str(e.value) and "line" in str(e.value)


# ---------------------------------------------------------------- kubernetes
K8S = """\
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    replicas: 3
    template:
      metadata: {labels: {app: web}}
      spec:
        topologySpreadConstraints:
        - {topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
        containers:
        - name: web
          image: example/web:1
          envFrom: [{configMapRef: {name: web-config}}]
          env:
          - {name: API_HOST, value: api}
          - {name: API_URL, value: "http://$(API_HOST):8080/v1"}
          - {name: DB_PASSWORD, value: hunter2}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: web-config, namespace: shop}
  data: {CACHE_ADDR: "cache.shop.svc.cluster.local:6379", GHOST_ADDR: "ghost:80"}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: api, namespace: shop}
  spec:
    template:
      metadata: {labels: {app: api}}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: api}}}
        containers: [{name: api, image: example/api}]
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: cache, namespace: shop},
   spec: {replicas: 2, template: {metadata: {labels: {app: cache}}, spec: {containers: [{name: r, image: "redis:7"}]}}}}
- {apiVersion: v1, kind: Service, metadata: {name: api, namespace: shop}, spec: {selector: {app: api}}}
- {apiVersion: v1, kind: Service, metadata: {name: cache, namespace: shop}, spec: {selector: {app: cache}}}
- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}, spec: {type: LoadBalancer, selector: {app: web}}}
- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata: {name: cache-pdb, namespace: shop}
  spec: {maxUnavailable: 2, selector: {matchLabels: {app: cache}}}
- {apiVersion: batch/v1, kind: CronJob, metadata: {name: nightly, namespace: shop}, spec: {}}
"""


def test_kubernetes_small_system(tmp_path):
    r = import_paths([write(tmp_path, "all.yaml", K8S)])
    rv, rep = r.review, r.report
    assert set(rv.components) == {"web", "api", "cache"}
    assert rv.components["api"].replicas == 1  # missing replicas means 1
    assert rv.components["web"].replicas == 3 and rv.components["web"].user_facing
    assert rv.components["web"].placement == ["zone-1", "zone-2", "zone-3"]
    assert rv.domains["zone-1"].kind == "zone"
    assert rv.components["api"].placement == ["node:api-1"] and "spread:host" in rv.components["api"].tags
    assert rv.components["cache"].kind == "datastore"
    assert set(rv.dependencies) == {"web->api", "web->cache"}
    assert any("$(API_HOST)" not in e and "http://api:8080/v1" in e for e in rv.dependencies["web->api"].evidence)
    assert any("ConfigMap" not in e and "all.yaml:" in e for e in rv.dependencies["web->cache"].evidence)
    assert any("ghost" in d for d in rep.dangling)
    assert any("cache-pdb" in w and "protects nothing" in w for w in rep.warnings)
    assert any("CronJob nightly" in s for s in rep.skipped)
    assert not any("hunter2" in line for line in rep.lines())


def test_kubernetes_errors_and_non_k8s(tmp_path):
    with pytest.raises(PrrError, match="no Kubernetes objects"):
        import_paths([write(tmp_path, "empty.yaml", "# nothing\n")], "kubernetes")
    p = write(tmp_path, "rep.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
                                    "spec: {replicas: lots, template: {spec: {containers: [{name: a}]}}}\n")
    r = import_paths([p], "kubernetes")
    assert r.review.components["a"].replicas == 1 and any("lots" in w for w in r.report.warnings)


# ---------------------------------------------------------------- compose
def test_compose_layers_env_and_reset(tmp_path):
    write(tmp_path, ".env", "# comment\nAPI_PORT=8080\nAPI_ADDR=api:${API_PORT}\nexport DB_HOST='db'\nQUOTED=\"a b\" # c\n")
    base = write(tmp_path, "compose.yaml", """
x-log: &log {driver: json-file}
services:
  web:
    image: nginx
    ports: ["80:80"]
    environment:
      - API_ADDR
      - MODE=${MODE:-prod}
    depends_on: [api, worker]
    logging: *log
  api:
    image: example/api
    deploy: {replicas: 2}
    environment:
      DATABASE_URL: postgres://u:secret@${DB_HOST}:5432/app
  db: {image: "postgres:16"}
  worker: {image: example/worker}
""")
    over = write(tmp_path, "compose.override.yaml", """
services:
  api:
    deploy: {replicas: 4}
  worker: !reset null
""")
    r = import_paths([base, over])
    rv = r.review
    assert set(rv.components) == {"web", "api", "db"}
    assert rv.components["api"].replicas == 4 and rv.components["web"].replicas == 1
    assert rv.components["db"].kind == "datastore" and rv.components["web"].user_facing
    assert rv.dependencies["web->api"].kind == "hard"
    assert any(".env:3" in e for e in rv.dependencies["web->api"].evidence)
    assert rv.dependencies["api->db"].kind == "hard"
    assert not any("secret" in e for e in rv.dependencies["api->db"].evidence)
    assert any("worker" in d for d in r.report.dangling)  # depends_on a service reset away


def test_compose_interpolation_forms():
    v = {"A": "1", "E": ""}
    assert interpolate("${A}-$A-${B:-x}-${E:-y}-${E-z}-${A:+set}-$$A", v) == "1-1-x-y--set-$A"
    w: list[str] = []
    assert interpolate("${NOPE}", v, warnings=w, where="f:1") == "" and "NOPE" in w[0]
    # a default that is itself a reference, as docker compose reads it (it lost the dependency)
    assert interpolate("${DB_HOST:-${FALLBACK:-postgres}}", v) == "postgres"
    assert interpolate("${DB_HOST:-${A:-postgres}}:${P:-5432}", v) == "1:5432"
    assert interpolate("${UNCLOSED:-x", v) == "${UNCLOSED:-x"  # left as written


def test_compose_nested_default_names_the_host(tmp_path):
    p = write(tmp_path, "compose.yaml", """
services:
  web:
    image: web
    environment:
      DB_HOST: ${DB_HOST:-${FALLBACK_DB:-postgres}}
  postgres:
    image: postgres:16
""")
    assert "web->postgres" in import_paths([p]).review.dependencies


def test_compose_comment_only_file_alone_is_an_error(tmp_path):
    p = write(tmp_path, "compose.yaml", "# services to come\n")
    with pytest.raises(PrrError, match="no services"):
        import_paths([p])


# ---------------------------------------------------------------- backstage
def test_backstage_short_and_full_refs(tmp_path):
    p = write(tmp_path, "catalog-info.yaml", """
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web, namespace: shop}
spec: {type: website, lifecycle: production, owner: group:default/web-team, system: shop,
       dependsOn: [component:shop/api, 'resource:shop/db'], consumesApis: [pay-api]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: api, namespace: shop}
spec: {type: service, lifecycle: experimental, owner: api-team}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: db, namespace: shop}
spec: {type: database, owner: api-team}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: pay-api, namespace: shop}
spec: {type: openapi, lifecycle: production, owner: pay-team, definition: "openapi: 3.0.0"}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments, namespace: shop}
spec: {type: service, lifecycle: production, owner: pay-team, providesApis: [pay-api]}
""")
    r = import_paths([p])
    rv = r.review
    assert set(rv.dependencies) == {"component:shop/web->component:shop/api", "component:shop/web->resource:shop/db",
                                    "component:shop/web->component:shop/payments"}
    assert rv.components["component:shop/api"].tier == 3
    assert any("system shop" in d for d in r.report.dangling)


# ---------------------------------------------------------------- traces
def test_jaeger_and_servicegraph_fixtures():
    j = import_paths([FIX / "jaeger-dependencies.json"])
    assert j.report.format == "jaeger"
    assert "1200 calls" in j.review.dependencies["frontend->checkout"].evidence[0]
    assert j.review.dependencies["frontend->otel-collector"].kind == "soft"
    s = import_paths([FIX / "servicegraph.prom"])
    assert s.report.format == "servicegraph"
    ev = s.review.dependencies["checkout->payment"].evidence[0]
    assert "300 requests" in ev and "12 failed" in ev
    assert s.review.components["orders-db"].kind == "datastore"
    assert s.review.dependencies["checkout->kafka"].kind == "hard"  # a call to the broker
    assert "uninstrumented" in s.review.components["user"].tags


def test_trace_inputs_broken(tmp_path):
    for text, msg in [('{"data": [{"parent": "a"}]}', "parent and child"),
                      ('{"data": [{"parent": "a", "child": "b", "callCount": -1}]}', "callCount"),
                      ('{"data": null, "errors": [{"code": 500, "msg": "boom"}]}', "boom"),
                      ('{"data": [', "invalid JSON")]:
        p = write(tmp_path, "deps.json", text)
        with pytest.raises(PrrError, match=msg) as e:
            import_paths([p], "jaeger")
        assert str(p) in str(e.value)
    p = write(tmp_path, "sg.prom", 'traces_service_graph_request_total{client="a",server="b"} 1\nthis is not a sample\n')
    with pytest.raises(PrrError, match="line 2"):
        import_paths([p], "servicegraph")
    p = write(tmp_path, "sg2.prom", 'traces_service_graph_request_total{client="a,server="b"} 1\n')
    with pytest.raises(PrrError, match="line 1"):
        import_paths([p], "servicegraph")


# ---------------------------------------------------------------- DOT
def test_dot_clusters_become_domains():
    r = import_paths([FIX / "zones.dot"])
    rv = r.review
    assert rv.domains["zone-a"].kind == "zone" and rv.domains["zone-a"].parent == "eu-west-1-region"
    assert rv.domains["eu-west-1-region"].kind == "region"
    assert rv.components["web_a"].placement == ["zone-a"] and rv.components["web_a"].name == "web"
    assert rv.components["db-primary"].kind == "datastore" and rv.components["lb"].kind == "load_balancer"
    assert rv.dependencies["db-primary->db_replica"].kind == "async"
    assert rv.dependencies["web_a->cache"].kind == "soft"
    assert {"lb->web_a", "lb->web_b", "web_a->db-primary"} <= set(rv.dependencies)


@pytest.mark.parametrize("text,where", [
    ("digraph { a -> }", "line 1"),
    ("digraph {\n a -> b\n", "line 2"),
    ("graph { a -> b }", "line 1"),
    ("digraph { a [label=\"x] }", "line 1"),
    ("digraph { " + "subgraph { " * 80 + "a" + " }" * 80 + " }", "nested"),
    ("nonsense", "line 1"),
])
def test_dot_errors(tmp_path, text, where):
    p = write(tmp_path, "g.dot", text)
    with pytest.raises(PrrError) as e:
        import_paths([p])
    assert str(p) in str(e.value) and where in str(e.value)


# ---------------------------------------------------------------- Structurizr
def test_structurizr_deployment_instances(tmp_path):
    p = write(tmp_path, "workspace.dsl", """
workspace "Shop" {
  !const TECH "Java"
  model {
    u = person "Customer"
    s = softwareSystem "Shop" {
      web = container "Web" "" "${TECH}"
      db = container "DB" "" "PostgreSQL" "Database"
      q = container "Orders queue" "" "Kafka"
      web -> db "Reads" "JDBC"
      web -> q "Publishes orders" "Kafka" "async"
    }
    u -> web "Buys"
    prod = deploymentEnvironment "Production" {
      deploymentNode "AWS" {
        deploymentNode "eu-west-1" {
          deploymentNode "AZ a" {
            containerInstance web
            containerInstance db
          }
          deploymentNode "AZ b" {
            deploymentNode "EC2" "" "" "" 2 {
              containerInstance web
            }
          }
        }
      }
    }
    dev = deploymentEnvironment "Development" {
      deploymentNode "Laptop" { containerInstance web }
    }
  }
  views { systemContext s { include * } }
}
""")
    r = import_paths([p])
    rv = r.review
    assert rv.components["web"].replicas == 3 and rv.components["web"].placement == ["az-a", "az-b", "az-b"]
    assert rv.domains["az-a"].kind == "zone" and rv.domains["az-a"].parent == "eu-west-1"
    assert rv.components["web"].user_facing
    assert rv.dependencies["web->orders-queue"].kind == "async" and rv.dependencies["web->db"].kind == "hard"
    assert any("Development" in s for s in r.report.skipped)


@pytest.mark.parametrize("text,where", [
    ('workspace {\n model {\n a = softwareSystem "A"\n', "missing '}'"),
    ('workspace {\n model {\n a = softwareSystem "A\n }\n}\n', "line 3"),
    ('workspace {\n}\n}\n', "line 3"),
])
def test_structurizr_errors(tmp_path, text, where):
    p = write(tmp_path, "w.dsl", text)
    with pytest.raises(PrrError) as e:
        import_paths([p])
    assert str(p) in str(e.value) and where in str(e.value)


def test_structurizr_dangling_relationship(tmp_path):
    p = write(tmp_path, "w.dsl", 'workspace {\n model {\n a = softwareSystem "A"\n a -> ghost "x"\n }\n}\n')
    r = import_paths([p])
    assert any("ghost" in d for d in r.report.dangling)


# ---------------------------------------------------------------- registry & CLI
def test_registry_lists_every_format_and_detects():
    assert {"kubernetes", "compose", "backstage", "jaeger", "servicegraph", "dot", "structurizr", "csv", "json"} <= set(formats())
    assert detect_format([FIX / "zones.dot"]) == "dot"
    assert detect_format([FIX / "servicegraph.prom"]) == "servicegraph"
    assert detect_format([FIX / "jaeger-dependencies.json"]) == "jaeger"


def test_cli_broken_input_is_one_line_exit_2(tmp_path, capsys):
    p = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: [x\n")
    before = p.read_bytes()
    assert main(["import", str(p), "-o", str(tmp_path / "o.prr")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(p) in err and "line" in err and "Traceback" not in err
    assert p.read_bytes() == before and not (tmp_path / "o.prr").exists()
    assert main(["import", str(tmp_path / "nope"), "-o", str(tmp_path / "o.prr")]) == 2
    assert main(["import", str(p)]) == 2
    assert "-o/--output" in capsys.readouterr().err


def test_a_helm_template_that_parses_as_yaml_is_not_read_as_rendered(tmp_path):
    """Quoted actions make a template valid YAML: it was imported with a component named
    'Release.Name--web' and its address variable dropped. An alert rule's own {{ $labels.x }} is no
    Helm action."""
    p = write(tmp_path, "web.yaml", """apiVersion: apps/v1
kind: Deployment
metadata:
  name: "{{ .Release.Name }}-web"
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: "web:1"
          env:
            - name: API_ADDR
              value: "{{ .Release.Name }}-api:8080"
""")
    with pytest.raises(PrrError, match=r"line 4: a Helm template, not a manifest: render the chart first") as e:
        import_paths([p])
    assert "'{{ .Release.Name }}' is still to be filled in" in str(e.value)
    rules = write(tmp_path, "app.yaml", """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: web}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: web}
spec:
  groups:
  - name: web
    rules:
    - alert: WebDown
      expr: up{job="web"} == 0
      annotations: {summary: "{{ $labels.instance }} is down ({{ $value }})"}
""")
    assert "web" in import_paths([rules]).review.components
