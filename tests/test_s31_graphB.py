"""Session 31, graphB: importing systems the product had not seen (FTGO, yelb, the AKS store demo).

Each test is one defect found on those systems, written small and generic (no rule tuned to one name)."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.graph import host_refs
from prr_app.importers.readiness import extract
from prr_app.importers.registry import import_paths


def _compose(tmp_path: Path, text: str, name: str = "compose.yaml") -> Path:
    f = tmp_path / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text)
    return f


def _ev(res, cid: str) -> list[str]:
    return next(i.evidence for i in res.report.components if i.element == cid)


# 1. a published port is not the way in where the system has a gateway or a user interface
SAGA = """services:
  gateway: {image: x/api-gateway, ports: ['8080:8080'], environment: [ORDER_URL=http://order:8080]}
  order: {image: x/order, ports: ['8081:8080'], environment: ['KAFKA_BROKERS=kafka:9092', 'DB_URL=jdbc:mysql://db:3306/o']}
  kitchen: {image: x/kitchen, ports: ['8083:8080'], environment: ['KAFKA_BROKERS=kafka:9092', 'DB_URL=jdbc:mysql://db:3306/k']}
  cdc: {image: x/cdc, ports: ['8099:8080'], environment: ['KAFKA_BROKERS=kafka:9092']}
  kafka: {image: 'confluentinc/cp-kafka:7'}
  db: {image: 'mysql:8'}
  tool: {image: x/tool, ports: ['9000:9000']}
"""


def test_a_service_only_a_queue_reaches_is_not_user_facing_beside_a_gateway(tmp_path):
    f = _compose(tmp_path, SAGA.replace("ports: ['8080:8080'],", "ports: ['8080:8080'], depends_on: [cdc],"))
    res = import_paths([f])
    r = res.review
    # kitchen and cdc use the gateway's broker and database (part of its system); tool uses nothing of it
    assert {c for c, x in r.components.items() if x.user_facing} == {"gateway", "tool"}
    assert any(e.startswith("behind the gateway gateway (gateway -> order)") for e in _ev(res, "order"))
    kitchen = " ".join(_ev(res, "kitchen"))
    assert "users come in through gateway; it is part of the system they front (it uses db, kafka" in kitchen
    # a depends_on alone is no call: cdc is not "behind" anything it reaches
    assert not any("behind" in e for e in _ev(res, "cdc"))


def test_a_user_interface_is_a_way_in_like_a_gateway(tmp_path):
    f = _compose(tmp_path, "services:\n  shop-ui: {image: x/ui, ports: ['80:80'], environment: [API_HOST=api:4567]}\n"
                           "  api: {image: x/api, ports: ['4567:4567'], environment: [REDIS_HOST=cache:6379]}\n"
                           "  cache: {image: 'redis:7'}\n")
    res = import_paths([f])
    assert {c for c, x in res.review.components.items() if x.user_facing} == {"shop-ui"}
    assert any(e.startswith("behind the user interface shop-ui (shop-ui -> api)") for e in _ev(res, "api"))


# 2. a broker's call to its ZooKeeper is hard
def test_a_broker_needs_its_coordination_store(tmp_path):
    f = _compose(tmp_path, "services:\n  zookeeper: {image: 'zookeeper:3.8'}\n"
                           "  kafka: {image: 'confluentinc/cp-kafka:7', environment: [KAFKA_ZOOKEEPER_CONNECT=zookeeper:2181]}\n"
                           "  app: {image: x/app, environment: ['KAFKA_BROKERS=kafka:9092', 'ZOOKEEPER_SERVERS=zookeeper:2181']}\n")
    res = import_paths([f])
    r = res.review
    assert "discovery" not in r.components["zookeeper"].tags  # no hub: the analysis no longer softens it
    assert r.dependencies["kafka->zookeeper"].kind == "hard"
    assert any("coordination store it cannot run without" in e for e in r.dependencies["kafka->zookeeper"].evidence)
    assert r.dependencies["app->zookeeper"].kind == "soft"
    assert any("the coordination store kafka cannot run without" in e for e in _ev(res, "zookeeper"))


def test_services_alone_keep_zookeeper_a_discovery_hub(tmp_path):
    f = _compose(tmp_path, "services:\n  zookeeper: {image: 'zookeeper:3.8'}\n"
                           "  app: {image: x/app, environment: ['ZOOKEEPER_SERVERS=zookeeper:2181']}\n")
    assert "discovery" in import_paths([f]).review.components["zookeeper"].tags


# 3. load generators by name words, images and environment
def test_simulators_and_rate_setting_clients_are_load_generators(tmp_path):
    f = _compose(tmp_path, "services:\n  order-service: {image: x/order}\n"
                           "  virtual-customer: {image: x/vc, environment: [ORDER_SERVICE_URL=http://order-service:3000]}\n"
                           "  shopper: {image: x/shopper, environment: [ORDER_SERVICE_URL=http://order-service:3000, "
                           "ORDERS_PER_HOUR=100]}\n"
                           "  traffic-simulator: {image: x/sim}\n"
                           "  api: {image: x/api, environment: [ORDER_SERVICE_URL=http://order-service:3000, "
                           "RATE_LIMIT_PER_MINUTE=100]}\n")
    res = import_paths([f])
    gens = {c for c, x in res.review.components.items() if "load-generator" in x.tags}
    assert gens == {"virtual-customer", "shopper", "traffic-simulator"}
    assert any("a load generator (its environment sets a rate of generated work (ORDERS_PER_HOUR)" in e
               for e in _ev(res, "shopper"))


# 4. one-shot init jobs are not components
def test_a_one_shot_init_job_is_not_imported(tmp_path):
    f = _compose(tmp_path, "services:\n  store: {image: 'amazon/dynamodb-local'}\n"
                           "  store-init: {build: ./init, restart: on-failure, depends_on: [store], "
                           "environment: [ENDPOINT_URL=http://store:8000]}\n"
                           "  app: {image: x/app, depends_on: [store-init], environment: [ENDPOINT_URL=http://store:8000]}\n"
                           "  init-worker: {image: x/w, restart: always}\n")
    res = import_paths([f])
    assert set(res.review.components) == {"store", "app", "init-worker"}
    assert any("service store-init: a one-shot job (its name says init, and restart: on-failure" in s
               for s in res.report.skipped)
    assert "app->store-init" not in res.review.dependencies


# 5. the real reason an exposed admin console is not user-facing
def test_an_admin_console_behind_a_load_balancer_says_why(tmp_path):
    f = _compose(tmp_path, """apiVersion: apps/v1
kind: Deployment
metadata: {name: store-admin}
spec:
  selector: {matchLabels: {app: store-admin}}
  template:
    metadata: {labels: {app: store-admin}}
    spec: {containers: [{name: store-admin, image: x/store-admin}]}
---
apiVersion: v1
kind: Service
metadata: {name: store-admin}
spec: {type: LoadBalancer, selector: {app: store-admin}, ports: [{port: 80}]}
""", "k8s.yaml")
    res = import_paths([f])
    assert not res.review.components["store-admin"].user_facing
    assert any("but an admin console (an operators' tool) is not user-facing" in e for e in _ev(res, "store-admin"))


# 7. readiness evidence goes to the component of the same system
def test_readiness_evidence_stays_in_its_own_system(tmp_path):
    _compose(tmp_path, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec:\n"
                       "  selector: {matchLabels: {app: frontend}}\n  template:\n    metadata: {labels: {app: frontend}}\n"
                       "    spec: {containers: [{name: server, image: x/fe}]}\n"
                       + "".join(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {n}}}\nspec:\n"
                                 f"  selector: {{matchLabels: {{app: {n}}}}}\n  template:\n    metadata: {{labels: {{app: {n}}}}}\n"
                                 f"    spec: {{containers: [{{name: server, image: x/{n}}}]}}\n" for n in ("cart", "ads")),
             "boutique/k8s.yaml")
    _compose(tmp_path, "services:\n  frontend: {image: x/fe, mem_limit: 250m, healthcheck: {test: [CMD, 'true']}}\n"
                       "  quote: {image: x/q}\n  shipping: {image: x/s}\n", "demo/compose.yaml")
    res = import_paths([tmp_path / "boutique", tmp_path / "demo"])
    ids = set(res.review.components)
    other = next(c for c in ids if c != "frontend" and c.endswith("frontend"))
    facts = extract(res)
    compose_facts = [f for f in facts.facts if f.file.endswith("compose.yaml") and "frontend" in f.what]
    assert compose_facts and all(f.component == other for f in compose_facts)
    assert not any(f.component == "frontend" and f.file.endswith("compose.yaml") for f in facts.facts)


# 8. an image tag is not a port; Kubernetes reads option values as Compose does
def test_an_image_tag_is_not_a_port():
    assert host_refs("IMAGE=grafana/grafana:5.2.4", bare_ok=False) == []
    assert host_refs("redis:6-alpine", bare_ok=False) == []
    assert [r.host for r in host_refs("CACHE=redis:6379", bare_ok=False)] == ["redis"]


def test_kubernetes_args_name_a_service_by_an_option_value(tmp_path):
    f = _compose(tmp_path, """apiVersion: apps/v1
kind: Deployment
metadata: {name: load-client}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec: {containers: [{name: c, image: x/client, args: ["-d", "60", "-h", "edge-router"]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge-router}
spec:
  selector: {matchLabels: {app: e}}
  template:
    metadata: {labels: {app: e}}
    spec: {containers: [{name: e, image: x/edge}]}
---
apiVersion: v1
kind: Service
metadata: {name: edge-router}
spec: {selector: {app: e}, ports: [{port: 80}]}
""", "k8s.yaml")
    res = import_paths([f])
    dep = res.review.dependencies["load-client->edge-router"]
    assert any("args argument -h edge-router names the Service edge-router" in e for e in dep.evidence)
