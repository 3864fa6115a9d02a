"""Session 32, graph2: what an image's or a workload's name says it runs.

F2: Dapr's pub/sub sample runs ``ghcr.io/dapr/samples/pubsub-react-form`` (an Express web app behind a
LoadBalancer) and three ``pubsub-*-subscriber`` apps. The word ``pubsub`` at the start of their repository
names typed all four as queues: the web front end "not user-facing", four warnings that they lost their
messages on a restart. A technology's word names the product, not the start of an application's name.

F5: operators' tools with a published port (the Hystrix/Turbine dashboard, the MailDev mail catcher) were
user-facing, launch-blocking single points of failure.

F8: ``ACMEAIR_STACKAA_AUTH_URL=http://acmeair-nginx1/auth`` was shown as ``***`` (AUTH in its name): a URL
names where a call goes, and the reviewer could not see what the call was inferred from."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.graph import recognise, redact
from prr_app.importers.registry import import_paths


@pytest.mark.parametrize("image, expected", [
    # the product, with its edition, packaging, topology or a version after its word
    ("redis:7", ("datastore", ["redis"])),
    ("redis/redis-stack-server:latest", ("datastore", ["redis"])),
    ("bitnami/redis-sentinel", ("datastore", ["redis"])),
    ("valkey/valkey:8", ("datastore", ["redis"])),
    ("postgres:16-alpine", ("datastore", ["postgres"])),
    ("bitnami/postgresql-repmgr", ("datastore", ["postgres"])),
    ("timescale/timescaledb-ha:pg16", ("datastore", ["postgres"])),
    ("mysql/mysql-server", ("datastore", ["mysql"])),
    ("bitnami/mariadb-galera", ("datastore", ["mysql"])),
    ("istio/examples-bookinfo-mysqldb", ("datastore", ["mysql"])),
    ("mongodb/mongodb-community-server", ("datastore", ["mongodb"])),
    ("bitnami/mongodb-sharded", ("datastore", ["mongodb"])),
    ("amazon/dynamodb-local", ("datastore", ["store"])),
    ("docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2", ("datastore", ["search"])),
    ("clickhouse/clickhouse-server", ("datastore", ["store"])),
    ("mcr.microsoft.com/mssql/server:2022-latest", ("datastore", ["sql"])),
    ("confluentinc/cp-kafka:7.5", ("queue", ["kafka"])),
    ("apache/kafka-native", ("queue", ["kafka"])),
    ("rabbitmq:3-management", ("queue", ["messaging"])),
    ("apache/activemq-artemis", ("queue", ["messaging"])),
    ("apachepulsar/pulsar-all", ("queue", ["messaging"])),
    ("nats-streaming:0.25", ("queue", ["messaging"])),
    ("messagebird/gcloud-pubsub-emulator", ("queue", ["messaging"])),
    ("envoyproxy/envoy-distroless", ("gateway", ["proxy"])),
    ("nginxinc/nginx-unprivileged", ("gateway", ["proxy"])),
    ("jwilder/nginx-proxy", ("gateway", ["proxy"])),
    ("kong/kong-gateway", ("gateway", ["proxy"])),
    # an application or a tool whose repository name begins with the technology's word
    ("ghcr.io/dapr/samples/pubsub-react-form:latest", (None, [])),
    ("ghcr.io/dapr/samples/pubsub-node-subscriber:latest", (None, [])),
    ("acme/kafka-consumer-x:1", (None, [])),
    ("acme/rabbitmq-worker", (None, [])),
    ("acme/mongo-seed", (None, [])),
    ("confluentinc/cp-kafka-connect", (None, [])),
    ("prodrigestivill/postgres-backup-local", (None, [])),
    # a Prometheus exporter of a datastore or a broker: telemetry, not the store
    ("prometheuscommunity/postgres-exporter", (None, ["telemetry"])),
    ("oliver006/redis_exporter", (None, ["telemetry"])),
    ("kbudde/rabbitmq-exporter", (None, ["telemetry"])),
    ("prom/mysqld-exporter", (None, ["telemetry"])),
    ("nginx/nginx-prometheus-exporter", (None, ["telemetry"])),
    # consoles stay consoles
    ("rediscommander/redis-commander", (None, ["admin-ui"])),
    ("mongo-express", (None, ["admin-ui"])),
    ("provectuslabs/kafka-ui", (None, ["admin-ui"])),
    ("opensearchproject/opensearch-dashboards", (None, ["admin-ui"])),
])
def test_a_technology_word_names_the_product_not_an_apps_name(image, expected):
    kind, tags, _why = recognise("app-x", image)
    assert (kind, tags) == expected, image


@pytest.mark.parametrize("name, expected", [
    # a workload's name: what the store holds or which instance it is still names the store
    ("redis-cart", ("datastore", ["redis"])),
    ("redis-master", ("datastore", ["redis"])),
    ("kafka-0", ("queue", ["kafka"])),
    ("postgres-orders", ("datastore", ["postgres"])),
    # ... a client's role, a tool or an application's part after it does not
    ("kafka-consumer-x", (None, [])),
    ("rabbitmq-worker", (None, [])),
    ("pubsub-subscriber", (None, [])),
    ("kafka-connect", (None, [])),
    ("mongo-api", (None, [])),
    ("postgres-exporter", (None, ["telemetry"])),
    ("redis-commander", (None, ["admin-ui"])),
    ("mongo-express", (None, ["admin-ui"])),
])
def test_a_name_that_uses_a_technology_is_no_instance_of_it(name, expected):
    kind, tags, _why = recognise(name)
    assert (kind, tags) == expected, name


DAPR = """\
apiVersion: v1
kind: Service
metadata:
  name: react-form
spec:
  selector: {app: react-form}
  ports: [{port: 80, targetPort: 8080}]
  type: LoadBalancer
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: react-form
spec:
  replicas: 1
  selector: {matchLabels: {app: react-form}}
  template:
    metadata:
      labels: {app: react-form}
      annotations: {dapr.io/enabled: "true", dapr.io/app-id: react-form, dapr.io/app-port: "8080"}
    spec:
      containers:
      - name: react-form
        image: ghcr.io/dapr/samples/pubsub-react-form:latest
        ports: [{containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: node-subscriber
spec:
  replicas: 1
  selector: {matchLabels: {app: node-subscriber}}
  template:
    metadata:
      labels: {app: node-subscriber}
      annotations: {dapr.io/enabled: "true", dapr.io/app-id: node-subscriber, dapr.io/app-port: "3000"}
    spec:
      containers:
      - name: node-subscriber
        image: ghcr.io/dapr/samples/pubsub-node-subscriber:latest
        ports: [{containerPort: 3000}]
"""


def test_the_dapr_web_front_end_is_a_user_facing_service_not_a_queue(tmp_path: Path):
    f = tmp_path / "deploy.yaml"
    f.write_text(DAPR)
    res = import_paths([f])
    comps = res.review.components
    assert comps["react-form"].kind == "service" and comps["react-form"].user_facing
    assert comps["node-subscriber"].kind == "service"
    report = repr(res.report)
    assert "persistent volume" not in report and "a queue is not user-facing" not in report


TOOLS = """\
services:
  mailserver:
    image: maildev/maildev:1.1.0
    ports: ["25:25", "4000:80"]
  turbine:
    build: ../microservice-demo-turbine-server
    ports: ["8989:8989"]
  notifications:
    image: acme/notifications:1
    environment:
      SMTP_HOST: mailserver
  shop:
    image: acme/shop:1
    ports: ["8080:8080"]
"""


def test_operators_tools_with_a_published_port_are_consoles_not_the_way_in(tmp_path: Path):
    f = tmp_path / "docker-compose.yml"
    f.write_text(TOOLS)
    res = import_paths([f])
    comps = res.review.components
    for cid in ("mailserver", "turbine"):
        assert "admin-ui" in comps[cid].tags and not comps[cid].user_facing, cid
    assert comps["shop"].user_facing
    # the mail catcher is still what the notifications service sends its mail to
    assert "notifications->mailserver" in res.review.dependencies


@pytest.mark.parametrize("name", ["turbine-api", "wind-turbine", "turbine-status-service"])
def test_a_business_name_that_holds_turbine_is_no_dashboard(name):
    assert recognise(name) == (None, [], "")


@pytest.mark.parametrize("var, value, shown", [
    ("ACMEAIR_STACKAA_AUTH_URL", "http://acmeair-nginx1/auth", "http://acmeair-nginx1/auth"),
    ("TOKEN_ENDPOINT", "https://idp.example.org/token", "https://idp.example.org/token"),
    ("AUTH_HOST", "auth", "auth"),
    # ... with what it carries of a secret still hidden
    ("AUTH_URL", "http://svc:s3cret@auth:8080/x", "http://svc:***@auth:8080/x"),
    ("AUTH_URL", "svc:s3cret@auth:8080", "svc:***@auth:8080"),
    ("AUTH_URL", "http://auth/x?token=abc&y=1", "http://auth/x?token=***&y=1"),
    ("AUTH_URL", "http://auth/x?api_key=abc", "http://auth/x?api_key=***"),
    # secrets stay secrets
    ("AUTH_TOKEN", "abc", "***"),
    ("BASIC_AUTH", "u:p", "***"),
    ("DB_PASSWORD", "x", "***"),
    ("AUTH_DSN", "u:p@tcp(db:3306)/x", "***"),
])
def test_an_address_named_with_auth_is_shown_its_secrets_masked(var, value, shown):
    assert redact(var, value) == shown


def test_the_evidence_of_a_call_shows_the_auth_url_it_was_read_from(tmp_path: Path):
    f = tmp_path / "docker-compose.yml"
    f.write_text("""\
services:
  nginx1:
    image: nginx:1.25
    ports: ["80:80"]
  customers:
    image: acme/customers:1
    environment:
      ACMEAIR_STACKAA_AUTH_URL: http://nginx1/auth
""")
    res = import_paths([f])
    ev = " ".join(res.review.dependencies["customers->nginx1"].evidence)
    assert "ACMEAIR_STACKAA_AUTH_URL=http://nginx1/auth" in ev
