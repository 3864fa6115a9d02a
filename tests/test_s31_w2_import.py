"""Session 31 (w2): a checkout's import on systems it had never seen (Piggy Metrics, robot-shop): a broker
setting every service is handed taken for six hard calls, a one-shot data loader kept as a service, a
datastore only the tracing backend uses taken for the business's; and the idle versions of a mesh handed
to the repository's import as a field, not as an evidence line to parse."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.registry import import_paths


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _ev(res, cid: str) -> list[str]:
    return next(i.evidence for i in res.report.components if i.element == cid)


# ------------------------------------------------------------------ 1. a broker setting every service is handed
PIGGY_COMPOSE = """services:
  rabbitmq: {image: 'rabbitmq:3-management'}
  config: {image: x/piggy-config}
  gateway: {image: x/piggy-gateway, ports: ['80:4000'], depends_on: [config]}
  account-service: {image: x/piggy-account, depends_on: [config]}
  notification-service: {image: x/piggy-notification, depends_on: [config]}
  statistics-service: {image: x/piggy-statistics, depends_on: [config]}
  monitoring: {image: x/piggy-monitoring, depends_on: [config]}
"""
SHARED = "config/src/main/resources/shared/"


def _pom(*artifacts: str) -> str:
    deps = "".join(f"<dependency><groupId>org.springframework.cloud</groupId><artifactId>{a}</artifactId>"
                   "</dependency>\n" for a in artifacts)
    return f"<project><dependencies>\n{deps}</dependencies></project>\n"


def _piggy(root: Path, *, poms: bool) -> Path:
    files = {
        "docker-compose.yml": PIGGY_COMPOSE,
        SHARED + "application.yml": "spring:\n  rabbitmq:\n    host: rabbitmq\n",
        SHARED + "gateway.yml": "server:\n  port: 4000\n",
        SHARED + "account-service.yml": "server:\n  port: 6000\n",
        SHARED + "notification-service.yml": "server:\n  port: 8000\n",
        SHARED + "statistics-service.yml": "server:\n  port: 7000\n",
        SHARED + "monitoring.yml": "server:\n  port: 8080\n",
        "gateway/src/main/java/GatewayApplication.java": "class GatewayApplication {}\n",
        "account-service/src/main/java/AccountApplication.java": "class AccountApplication {}\n",
        "statistics-service/src/main/java/StatisticsApplication.java": "class StatisticsApplication {}\n",
        "monitoring/src/main/java/MonitoringApplication.java": "class MonitoringApplication {}\n",
        # the one service whose code sends work through the broker
        "notification-service/src/main/java/NotificationSender.java":
            "import org.springframework.amqp.rabbit.core.RabbitTemplate;\n"
            "class NotificationSender {\n  RabbitTemplate rabbitTemplate;\n}\n",
    }
    if poms:
        files["account-service/pom.xml"] = _pom("spring-cloud-starter-bus-amqp", "spring-cloud-starter-config")
        files["monitoring/pom.xml"] = _pom("spring-cloud-starter-netflix-turbine-stream",
                                           "spring-cloud-starter-stream-rabbit")
        files["statistics-service/pom.xml"] = _pom("spring-cloud-starter-config")
    return _write(root, files)


def test_a_broker_setting_every_service_is_handed_is_no_hard_call_where_their_code_shows_no_messaging(tmp_path):
    """Piggy Metrics: ``spring.rabbitmq.host`` in the config server's shared application.yml was six hard
    "queue broker" calls, and RabbitMQ a launch blocker that took down the gateway. Without build files, a
    caller whose code shows no messaging gets a soft call that says to check it; one whose code uses
    RabbitTemplate keeps its hard call."""
    res = import_paths([_piggy(tmp_path / "piggy", poms=False)])
    deps = res.review.dependencies
    for src in ("gateway", "account-service", "statistics-service", "monitoring"):
        d = deps[f"{src}->rabbitmq"]
        assert d.kind == "soft", src
        assert any(f"a broker setting every service is handed; {src}'s code shows no use of messaging and no "
                   f"build file of {src} read: at most soft; check it" in e for e in d.evidence)
    # its code uses RabbitTemplate: a queue broker's call, as read (soft here only because nothing calls
    # notification-service: a consumer's poll, graph.settle_broker_reads)
    note = deps["notification-service->rabbitmq"].evidence
    assert any("(queue broker: hard, nothing can be enqueued while it is down" in e for e in note)
    assert not any("check it" in e or "at most soft" in e for e in note)


def test_a_service_on_spring_cloud_bus_uses_the_broker_for_refresh_events_not_requests(tmp_path):
    """With build files: Spring Cloud Bus (config refresh) and a Turbine stream (metrics) are soft, said; a
    build file that names no library reading the setting leaves the call out (as before)."""
    res = import_paths([_piggy(tmp_path / "piggy", poms=True)])
    deps = res.review.dependencies
    bus = deps["account-service->rabbitmq"]
    assert bus.kind == "soft"
    assert any("Spring Cloud Bus: account-service's build file names spring-cloud-starter-bus-amqp, the bus that "
               "carries configuration refresh events, not requests: soft" in e for e in bus.evidence)
    stream = deps["monitoring->rabbitmq"]
    assert stream.kind == "soft"
    assert any("a metrics stream: monitoring's build file names spring-cloud-starter-netflix-turbine-stream" in e
               for e in stream.evidence)
    assert "statistics-service->rabbitmq" not in deps  # its build file names no messaging library
    assert any("(queue broker: hard" in e for e in deps["notification-service->rabbitmq"].evidence)
    assert deps["gateway->rabbitmq"].kind == "soft"


def test_a_broker_address_in_one_services_own_configuration_stays_a_call(tmp_path):
    """Only a setting several services are handed at once is in question: a service's own file keeps it."""
    root = _piggy(tmp_path / "piggy", poms=False)
    (root / SHARED / "application.yml").write_text("server:\n  shutdown: graceful\n")
    (root / SHARED / "gateway.yml").write_text("spring:\n  rabbitmq:\n    host: rabbitmq\n")
    res = import_paths([root])
    assert res.review.dependencies["gateway->rabbitmq"].kind == "hard"
    assert "account-service->rabbitmq" not in res.review.dependencies


# ------------------------------------------------------------------ 2. a one-shot data loader
ROBOT = """services:
  mysql: {image: 'mysql:5.7'}
  loader:
    build: {context: mysql-loader}
    image: x/robot-shop-rs-loader:1
    depends_on: [mysql]
  shipping: {image: x/shipping, depends_on: [mysql], environment: [DB_HOST=mysql]}
  web: {image: x/web, ports: ['8080:8080'], environment: [SHIPPING_HOST=shipping]}
  loadgen: {image: x/load-generator, environment: [HOST=http://web:8080]}
  search-importer: {image: x/importer, restart: always}
  data: {build: ./db-loader, environment: [DB_HOST=mysql]}
  importer-shell: {image: x/importer, command: ['sh', '-c', 'while true; do import; sleep 60; done']}
"""


def test_a_data_loader_that_runs_once_is_not_a_component(tmp_path):
    """robot-shop's ``loader`` (built from mysql-loader, no restart policy) loads the database and exits:
    batch work, as an init job is. Its name, the folder it is built from or its image name may say so; a
    restart policy that brings it back, or a command that loops, keeps it a service; a load generator is no
    loader."""
    f = _write(tmp_path / "robot", {"docker-compose.yaml": ROBOT}) / "docker-compose.yaml"
    res = import_paths([f])
    comps = set(res.review.components)
    assert "loader" not in comps and "data" not in comps
    assert {"mysql", "shipping", "web", "loadgen", "search-importer", "importer-shell"} <= comps
    assert any("service loader: a one-shot job (its name says loader, and no restart policy: it is not restarted "
               "once it exits): batch work run at start-up (an init, a migration, a data load)" in s
               for s in res.report.skipped)
    assert any("service data: a one-shot job (the folder it is built from (db-loader) says loader" in s
               for s in res.report.skipped)
    assert "loader->mysql" not in res.review.dependencies


# ------------------------------------------------------------------ 3. a store only the telemetry stack uses
TRACING = """services:
  jaeger:
    image: jaegertracing/all-in-one:1.50
    environment: [SPAN_STORAGE_TYPE=elasticsearch, ES_SERVER_URLS=http://elasticsearch:9200]
    depends_on: [elasticsearch]
  elasticsearch: {image: 'docker.elastic.co/elasticsearch/elasticsearch:7.17.8', ports: ['9200:9200']}
  payment: {image: x/payment, environment: [JAEGER_HOST=http://jaeger:14268, DB=mongodb://mongodb:27017/p]}
  mongodb: {image: 'mongo:5'}
  web: {image: x/web, ports: ['8080:8080'], environment: [PAYMENT_HOST=payment]}
"""


def test_a_datastore_only_the_tracing_backend_uses_is_part_of_the_telemetry_stack(tmp_path):
    """robot-shop: elasticsearch, where jaeger keeps its spans, was a business datastore with blocking
    RTO/RPO items. Tagged telemetry, said; mongodb, which payment uses, stays the business's."""
    f = _write(tmp_path / "robot", {"docker-compose.yaml": TRACING}) / "docker-compose.yaml"
    res = import_paths([f])
    comps = res.review.components
    assert "telemetry" in comps["elasticsearch"].tags
    assert comps["elasticsearch"].kind == "datastore"
    assert "telemetry" not in comps["mongodb"].tags
    assert any("elasticsearch is used only by the telemetry hub jaeger (where it keeps traces, metrics or logs): "
               "part of the telemetry stack, tagged telemetry; losing it costs telemetry, not service" in e
               for e in _ev(res, "elasticsearch"))
    assert res.telemetry_stores == {"elasticsearch": ["jaeger"]}
    folder = import_paths([f.parent])  # a checkout's import lists it among the hubs it tagged
    assert "elasticsearch (telemetry)" in folder.report.hubs
    assert "telemetry" in folder.review.components["elasticsearch"].tags


def test_a_telemetry_store_that_code_shows_another_caller_of_is_the_business_store(tmp_path):
    """The deployment alone shows only jaeger using elasticsearch; the checkout's code shows the search
    service querying it: the repository's import takes the tag back and says why."""
    root = _write(tmp_path / "robot", {
        "docker-compose.yaml": TRACING + "  search: {build: ./search, environment: [PAYMENT_HOST=payment]}\n",
        "search/server.js": "const es = new Client({ node: 'http://elasticsearch:9200' });\n"})
    alone = import_paths([root / "docker-compose.yaml"])  # the deployment alone: jaeger's only
    assert "telemetry" in alone.review.components["elasticsearch"].tags
    res = import_paths([root])
    comps = res.review.components
    assert "search->elasticsearch" in res.review.dependencies
    assert "telemetry" not in comps["elasticsearch"].tags
    ev = _ev(res, "elasticsearch")
    assert any("elasticsearch is also used by search, not a telemetry hub: a store of the system's own data, not "
               "part of the telemetry stack (tag telemetry removed)" in e for e in ev)
    assert not any("part of the telemetry stack, tagged telemetry" in e for e in ev)
    assert res.telemetry_stores == {}


# ------------------------------------------------------------------ 4. idle versions: a field, not a line
def _deployment(name: str, version: str) -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}-{version}\nspec:\n  selector:\n"
            f"    matchLabels: {{app: {name}, version: {version}}}\n  template:\n    metadata:\n      labels: "
            f"{{app: {name}, version: {version}}}\n    spec:\n      containers:\n      - name: {name}\n"
            f"        image: example/{name}-{version}:1\n---\n")


def test_the_versions_a_mesh_sends_no_traffic_to_are_a_field_of_the_import(tmp_path):
    """kubernetes ``_mesh_routing`` hands the repository's import the idle versions and who takes their
    traffic as ``ImportResult.idle_versions``; the call code makes to the Service's host goes to the version
    that takes it, whatever the evidence line's wording."""
    vs = ("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n"
          "  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n---\n"
          "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n"
          "  host: reviews\n  subsets:\n  - name: v1\n    labels: {version: v1}\n  - name: v2\n"
          "    labels: {version: v2}\n---\n")
    root = _write(tmp_path / "shop", {
        "k8s/apps.yaml": _deployment("reviews", "v1") + _deployment("reviews", "v2")
        + "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector: {app: reviews}\n"
          "  ports:\n  - port: 9080\n---\n"
        + _deployment("productpage", "v1")
        + "apiVersion: v1\nkind: Service\nmetadata:\n  name: productpage\nspec:\n  selector: {app: productpage}\n"
          "  ports:\n  - port: 9080\n---\n",
        "k8s/routing.yaml": vs,
        "src/productpage/productpage.py": "import requests\nURL = 'http://reviews:9080/reviews'\n"})
    k8s = import_paths([root / "k8s" / "apps.yaml", root / "k8s" / "routing.yaml"])
    assert k8s.idle_versions == {"reviews-v2": ["reviews-v1"]}
    res = import_paths([root])
    assert res.idle_versions == {"reviews-v2": ["reviews-v1"]}
    assert "productpage-v1->reviews-v1" in res.review.dependencies
    assert "productpage-v1->reviews-v2" not in res.review.dependencies
