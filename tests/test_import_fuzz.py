"""Fuzzing every import format: mutated real files and generated documents.

The only exception an importer may raise is PrrError (a one-line message naming the
file); whatever it returns is a valid review. ``test_mutation_campaign`` runs 2,000
seeded mutations per format; the hypothesis tests run 60 examples each by default and
2,000 with HYPOTHESIS_PROFILE=thorough.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from prr_app.model.validation import validate
from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "import"
REALDATA = HERE.parent.parent / "shared" / "realdata"

K8S_SEED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints: [{topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}]
      containers:
      - name: web
        image: example/web
        env: [{name: API_ADDR, value: "api:80"}, {name: URL, value: "http://$(API_ADDR)/x"}]
        envFrom: [{configMapRef: {name: cfg}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {DB_HOST: db}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: api, namespace: shop}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: "postgres:15"}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec: {minAvailable: 50%, selector: {matchLabels: {app: api}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3}
"""

COMPOSE_SEED = """\
x-log: &log {driver: json-file}
services:
  web:
    image: nginx
    ports: ["8080:80"]
    environment: [API_ADDR=api:80, "MODE=${MODE:-prod}"]
    depends_on: {api: {condition: service_healthy}}
    logging: *log
  api:
    image: example/api
    deploy: {replicas: 2}
    environment: {DATABASE_URL: "postgres://u:p@db:5432/x", KAFKA_BROKERS: "kafka:9092"}
    links: [db]
  db: {image: "postgres:16"}
  kafka: {image: "bitnami/kafka", profiles: [full]}
"""

BACKSTAGE_SEED = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web, namespace: shop}
spec: {type: website, lifecycle: production, owner: team, system: shop, dependsOn: [resource:db], consumesApis: [api]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: svc}
spec: {type: service, lifecycle: experimental, owner: team, providesApis: [api], subcomponentOf: web}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: db}
spec: {type: database, owner: team, system: shop}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
spec: {owner: team, domain: retail}
"""

DSL_SEED = (REALDATA / "structurizr-examples" / "amazon-web-services" / "workspace.dsl").read_text() \
    if (REALDATA / "structurizr-examples").exists() else \
    'workspace {\n model {\n u = person "U"\n s = softwareSystem "S" {\n  a = container "A"\n  b = container "B" "" "MySQL"\n  a -> b "uses"\n }\n u -> a\n e = deploymentEnvironment "Live" {\n  deploymentNode "Zone" {\n   containerInstance a\n  }\n }\n }\n}\n'

SEEDS = {
    "kubernetes": ("app.yaml", K8S_SEED),
    "compose": ("compose.yaml", COMPOSE_SEED),
    "backstage": ("catalog-info.yaml", BACKSTAGE_SEED),
    "jaeger": ("deps.json", (FIX / "jaeger-dependencies.json").read_text()),
    "servicegraph": ("sg.prom", (FIX / "servicegraph.prom").read_text()),
    "kiali": ("graph.json", (FIX / "kiali" / "shop-graph.json").read_text()),
    "dot": ("g.dot", (FIX / "zones.dot").read_text()),
    "structurizr": ("workspace.dsl", DSL_SEED),
    "csv": ("edges.csv", "source,target,type,kind\nweb,api,hard,call\napi,db,,datastore\nweb,cdn,async,\n"),
    "structurizr-json": ("workspace.json", json.dumps({"name": "W", "model": {
        "people": [{"id": "1", "name": "User", "relationships": [{"id": "r1", "sourceId": "1", "destinationId": "3"}]}],
        "softwareSystems": [{"id": "2", "name": "Shop", "containers": [
            {"id": "3", "name": "Web", "relationships": [{"id": "r2", "sourceId": "3", "destinationId": "4"}]},
            {"id": "4", "name": "DB", "technology": "MySQL"}]}],
        "deploymentNodes": [{"id": "5", "name": "Zone A", "environment": "Live", "instances": 2,
                             "children": [{"id": "6", "name": "Phone", "containerInstances": [
                                 {"id": "7", "containerId": "3"}]}],
                             "containerInstances": [{"id": "8", "containerId": "4"}]}]}}, indent=1)),
}

_TOKENS = ["{", "}", "[", "]", ":", "-", "&a", "*a", "<<: *a", "!!python/object:os.system", "\t", '"', "'",
           "->", "--", "${", "$(", "%", "#", "\n", "\x00", "\ufeff", "---\n", "...", ",", "=", "/*", "\\",
           "9" * 30, "-1", "NaN", "null", "~", "on", "0700", "<", ">", "subgraph cluster_x {", "!reset",
           # names that once ended in an internal error: spaces, braces, non-ASCII, huge numbers
           '"a b"', "{{ .Release.Name }}-web", "wéb", "1" + "0" * 400, "${A}${A}", "$(A)$(A)", "!const A ${A}${A}"]


def mutate(text: str, rnd: random.Random) -> str:
    s = text
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(7)
        i = rnd.randrange(len(s) + 1)
        if op == 0 and s:
            j = min(len(s), i + rnd.randint(1, 40))
            s = s[:i] + s[j:]
        elif op == 1:
            s = s[:i] + rnd.choice(_TOKENS) + s[i:]
        elif op == 2 and s:
            lines = s.split("\n")
            k = rnd.randrange(len(lines))
            lines.insert(rnd.randrange(len(lines) + 1), lines[k])
            s = "\n".join(lines)
        elif op == 3:
            s = s[:i]
        elif op == 4 and s:
            c = chr(rnd.choice([0x20, 0x09, 0x0A, 0x7B, 0x7D, 0x22, 0x3A, rnd.randrange(32, 0x2FF)]))
            s = s[:i] + c + s[i + 1:]
        elif op == 5:
            lines = s.split("\n")
            rnd.shuffle(lines)
            s = "\n".join(lines)
        else:
            lines = s.split("\n")
            k = rnd.randrange(len(lines))
            lines[k] = " " * rnd.randint(0, 6) + lines[k].lstrip()
            s = "\n".join(lines)
    return s


def check_one(path: Path, fmt: str) -> None:
    try:
        res = import_paths([path], fmt)
    except PrrError as e:
        msg = str(e)
        assert "\n" not in msg and msg
        return
    assert validate(res.review) == []
    assert res.report.format == fmt.removesuffix("-json")  # a JSON workspace is a Structurizr import too


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutation_campaign(tmp_path, fmt):
    name, seed = SEEDS[fmt]
    rnd = random.Random(f"prr-{fmt}")
    path = tmp_path / name
    for i in range(2000):
        text = mutate(seed, rnd)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            check_one(path, fmt)
        except AssertionError:  # pragma: no cover - keep the failing input
            (tmp_path / f"failing-{i}").write_text(text)
            raise


# ------------------------------------------------------- generated documents
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=12),
                    st.sampled_from(["api", "db", "web", "api:80", "http://db:5432", "redis", "on", "1.20", "-1"]))
_keys = st.sampled_from(["apiVersion", "kind", "metadata", "name", "namespace", "spec", "replicas", "template",
                         "containers", "env", "value", "selector", "labels", "services", "image", "environment",
                         "depends_on", "deploy", "ports", "dependsOn", "owner", "system", "type", "providesApis",
                         "consumesApis", "minReplicas", "podSelector", "ingress", "from", "matchLabels", "items",
                         "scaleTargetRef", "maxUnavailable", "topologyKey", "data", "x"])
_tree = st.recursive(_scalar, lambda ch: st.one_of(st.lists(ch, max_size=4), st.dictionaries(_keys, ch, max_size=5)),
                     max_leaves=25)


def _k8s_doc():
    kinds = st.sampled_from(["Deployment", "StatefulSet", "DaemonSet", "Service", "HorizontalPodAutoscaler",
                             "PodDisruptionBudget", "NetworkPolicy", "ConfigMap", "List", "Ingress", "Pod"])
    return st.fixed_dictionaries({"apiVersion": st.just("v1"), "kind": kinds,
                                  "metadata": st.fixed_dictionaries({"name": st.sampled_from(["api", "web", "db"])}),
                                  "spec": _tree, "items": st.lists(_tree, max_size=2), "data": _tree})


@given(st.lists(_k8s_doc(), min_size=1, max_size=4))
def test_generated_kubernetes(tmp_path_factory, docs):
    p = tmp_path_factory.mktemp("k") / "gen.yaml"
    p.write_text(yaml.safe_dump_all(docs))
    check_one(p, "kubernetes")


@given(st.dictionaries(st.sampled_from(["web", "api", "db", "kafka", "redis"]), _tree, min_size=1, max_size=4))
def test_generated_compose(tmp_path_factory, services):
    p = tmp_path_factory.mktemp("c") / "compose.yaml"
    p.write_text(yaml.safe_dump({"services": services}))
    check_one(p, "compose")


@given(st.lists(st.fixed_dictionaries({
    "apiVersion": st.just("backstage.io/v1alpha1"),
    "kind": st.sampled_from(["Component", "Resource", "API", "System", "Domain", "Group", "Location"]),
    "metadata": st.fixed_dictionaries({"name": st.sampled_from(["a", "b", "c"])}), "spec": _tree}), min_size=1, max_size=5))
def test_generated_backstage(tmp_path_factory, docs):
    p = tmp_path_factory.mktemp("b") / "catalog.yaml"
    p.write_text(yaml.safe_dump_all(docs))
    check_one(p, "backstage")


@given(st.one_of(_tree, st.fixed_dictionaries({"data": st.lists(st.dictionaries(
    st.sampled_from(["parent", "child", "callCount"]), _scalar), max_size=6)})))
def test_generated_jaeger(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("j") / "deps.json"
    p.write_text(json.dumps(data))
    check_one(p, "jaeger")


_name = st.sampled_from(["a", "b", "c", "web", "x y", '"q"', "1"])


@given(st.lists(st.tuples(_name, _name, st.sampled_from(["", "[style=dashed]", "[type=async]", "[type=odd]"]),
                          st.sampled_from(["", "cluster_1", "cluster_zone_a", "other"])), max_size=8))
def test_generated_dot(tmp_path_factory, edges):
    body = []
    for a, b, attrs, cl in edges:
        stmt = f"{a} -> {b} {attrs};"
        body.append(f"subgraph {cl} {{ {stmt} }}" if cl else stmt)
    p = tmp_path_factory.mktemp("d") / "g.dot"
    p.write_text("digraph G {\n" + "\n".join(body) + "\n}\n")
    check_one(p, "dot")


@given(st.lists(st.tuples(st.sampled_from(["traces_service_graph_request_total",
                                           "traces_service_graph_request_failed_total", "other_metric"]),
                          _name, _name, st.one_of(st.integers(-3, 10**9).map(str), st.sampled_from(["NaN", "+Inf", "1e3"]))),
                max_size=8))
def test_generated_servicegraph(tmp_path_factory, samples):
    lines = [f'{m}{{client="{c.strip(chr(34))}",server="{s.strip(chr(34))}"}} {v}' for m, c, s, v in samples]
    p = tmp_path_factory.mktemp("s") / "sg.prom"
    p.write_text("\n".join(lines) + "\n")
    check_one(p, "servicegraph")


@given(st.lists(st.sampled_from([
    'a = softwareSystem "A"', 'b = softwareSystem "B" {', "}", 'c = container "C" "" "PostgreSQL"', "a -> b",
    '-> a "x"', 'e = deploymentEnvironment "Live" {', 'deploymentNode "Z" "" "" "" 3 {', "containerInstance c",
    'infrastructureNode "LB"', "this -> a", 'g = group "G" {', 'u = person "U"', "u -> c", "!identifiers hierarchical",
    'tags "Database"', "x = archetype_unknown", 'views {', 'properties {', "!include other.dsl"]), max_size=14))
def test_generated_structurizr(tmp_path_factory, lines):
    p = tmp_path_factory.mktemp("z") / "workspace.dsl"
    p.write_text("workspace {\n model {\n" + "\n".join(lines) + "\n }\n}\n")
    check_one(p, "structurizr")


# ------------------------------------------------------- a whole checkout
REPO_SEEDS = {
    "deploy/k8s/app.yaml": K8S_SEED,
    "deploy/compose/docker-compose.yml": COMPOSE_SEED,
    "deploy/compose/.env": "MODE=prod\nAPI_ADDR=api:80\n",
    "deploy/kustomize/kustomization.yaml": "resources: [../k8s/app.yaml]\nnamespace: prod\n",
    "catalog/catalog-info.yaml": BACKSTAGE_SEED,
    "web/nginx.conf": "upstream api { server api:80; }\nserver { location / { proxy_pass http://api; } }\n",
    "web/src/main/resources/application.yml": "spring:\n  data:\n    mongodb:\n      host: db\n"
                                              "  datasource:\n    url: jdbc:postgresql://db:5432/x\n",
    "web/app.properties": "api.url=http://api:80/x\nkafka.bootstrap-servers=kafka:9092\n",
    "web/src/client.go": 'package web\nvar a = os.Getenv("API_ADDR")\nvar u = "http://api.shop.svc.cluster.local:80/x"\n',
    "model/workspace.dsl": 'workspace extends base.dsl {\n model {\n  !ref s {\n   c = container "C"\n  }\n }\n}\n',
    "model/base.dsl": 'workspace "W" {\n model {\n  s = softwareSystem "S" {\n   a = container "A"\n  }\n }\n}\n',
}


@pytest.mark.slow
def test_repository_mutation_campaign(tmp_path):
    """2,000 checkouts, each with one file mutated (or several at once): never an internal error."""
    rnd = random.Random("prr-repository")
    root = tmp_path / "repo"
    names = sorted(REPO_SEEDS)
    for rel, text in REPO_SEEDS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for i in range(2000):
        touched = rnd.sample(names, rnd.choice([1, 1, 1, 2, 3]))
        for rel in touched:
            (root / rel).write_bytes(mutate(REPO_SEEDS[rel], rnd).encode("utf-8", "surrogatepass"))
        try:
            res = import_paths([root], render=False, variant=rnd.choice([None, None, "compose", "k8s"]))
            assert validate(res.review) == []
            assert res.report.format == "repository"
        except PrrError as e:
            assert "\n" not in str(e) and str(e)
        except AssertionError:  # pragma: no cover - keep the failing checkout
            for rel in touched:
                (tmp_path / f"failing-{i}-{rel.replace('/', '_')}").write_bytes((root / rel).read_bytes())
            raise
        for rel in touched:
            (root / rel).write_text(REPO_SEEDS[rel])
