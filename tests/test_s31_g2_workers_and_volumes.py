"""Session 31 (g2): a queue's worker called only by operators' tools, load generators or telemetry still reads
its work from the queue (soft); a datastore or queue without a persistent volume is said, in the import report
and in its evidence, unless it keeps nothing that matters; a local stand-in for a cloud datastore
(dynamodblocal) is a datastore."""
from pathlib import Path

import pytest

from prr_app.importers.compose import read_compose
from prr_app.importers.graph import BROKER_CALL, LOAD_GENERATOR, recognise, settle_broker_reads
from prr_app.importers.kubernetes import read_kubernetes
from prr_app.model.entities import Component, Dependency, Review

UNSEEN = Path("/tmp/h31/unseen")


def _review(*callers):
    r = Review()
    for cid, kind, tags in (("makeline", "service", []), ("mq", "queue", []), *callers):
        r.components[cid] = Component(id=cid, name=cid, kind=kind, tags=list(tags))
    d = Dependency(source="makeline", target="mq", kind="hard")
    d.evidence = [f"x.yaml:1: makeline env MQ=amqp://mq ({BROKER_CALL})"]
    r.dependencies[d.id] = d
    for cid, _k, _t in callers:
        call = Dependency(source=cid, target="makeline", kind="hard")
        r.dependencies[call.id] = call
    return r, d


@pytest.mark.parametrize("tags", [["admin-ui"], [LOAD_GENERATOR], ["telemetry"]])
def test_tools_calling_a_worker_do_not_make_it_a_server(tags):
    r, d = _review(("tool", None, tags))
    assert settle_broker_reads(r) == [d.id] and d.kind == "soft"
    assert any("only operators' tools, load generators or telemetry call makeline (tool)" in e for e in d.evidence)
    # a real caller found since: a call again, the line gone
    api = Component(id="api", name="api", kind="service")
    r.components["api"] = api
    call = Dependency(source="api", target="makeline", kind="hard")
    r.dependencies[call.id] = call
    assert settle_broker_reads(r) == [d.id] and d.kind == "hard"
    assert not any("reads its work" in e for e in d.evidence)


def test_a_service_caller_still_counts():
    r, d = _review(("api", "service", []))
    assert settle_broker_reads(r) == [] and d.kind == "hard"


MANIFEST = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mongodb}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: mongodb
        image: mongo:4.2
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orders-db}
spec:
  template:
    spec:
      containers:
      - name: pg
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
  - metadata: {name: data}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: carts-db}
spec:
  template:
    spec:
      containers:
      - name: m
        image: mongo:7
        volumeMounts: [{name: scratch, mountPath: /data/db}, {name: host, mountPath: /x}]
      volumes: [{name: scratch, emptyDir: {}}, {name: host, hostPath: {path: /srv/carts}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tmp-db}
spec:
  template:
    spec:
      containers:
      - {name: m, image: "mysql:8", volumeMounts: [{name: scratch, mountPath: /var/lib/mysql}]}
      volumes: [{name: scratch, emptyDir: {}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: memcached}
spec:
  template:
    spec:
      containers: [{name: m, image: "memcached:1.6"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: session-redis}
spec:
  template:
    spec:
      containers: [{name: r, image: "redis:7", args: ["--maxmemory-policy", "allkeys-lru"]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis-cart}
spec:
  template:
    spec:
      containers: [{name: r, image: "redis:alpine"}]
"""


def test_kubernetes_datastore_without_a_persistent_volume(tmp_path):
    f = tmp_path / "all.yaml"
    f.write_text(MANIFEST)
    res = read_kubernetes([f])
    ev = {c.element: c.evidence for c in res.report.components}
    warns = [w for w in res.report.warnings if "persistent volume" in w]
    lost = "no persistent volume: its data is lost when the pod restarts"
    assert "all.yaml:1: StatefulSet mongodb is a datastore and mounts no persistent volume" in warns[0]
    assert "all.yaml:1: " + lost in ev["mongodb"]
    assert any("tmp-db" in w for w in warns) and any(lost in e for e in ev["tmp-db"])  # an emptyDir is the pod's
    assert any("redis-cart" in w for w in warns)  # Redis holding carts is a store
    for kept in ("orders-db", "carts-db"):  # a claim template, a hostPath
        assert not any(kept in w for w in warns) and not any("persistent volume" in e for e in ev[kept])
    for cache in ("memcached", "session-redis"):
        assert not any(cache in w for w in warns)
        assert any("no persistent volume, and none needed: " in e and "cache" in e for e in ev[cache])
    assert len(warns) == 3


COMPOSE = """\
services:
  pg:
    image: postgres:16
    volumes: ["./init.sql:/docker-entrypoint-initdb.d/init.sql"]
  pg2:
    image: postgres:16
    environment: {PGDATA: /pgdata/x}
    volumes: ["pgdata:/pgdata"]
  mongo:
    image: mongo:7
    volumes: [{type: volume, source: m, target: /data}]
  mysql:
    image: mysql:8
    volumes: [{type: tmpfs, target: /var/lib/mysql}]
  rabbitmq:
    image: rabbitmq:3
  cache:
    image: redis:7
  nats:
    image: nats:2.10
  dynamodblocal:
    build: ./dynamodblocal
volumes: {pgdata: {}, m: {}}
"""


def test_compose_datastore_without_a_volume_on_its_data_path(tmp_path):
    f = tmp_path / "docker-compose.yml"
    f.write_text(COMPOSE)
    res = read_compose([f])
    ev = {c.element: c.evidence for c in res.report.components}
    warns = [w for w in res.report.warnings if "mounts no volume" in w]
    assert any(w.startswith("docker-compose.yml:2: service pg is a datastore and mounts no volume on its data "
                            "path (/var/lib/postgresql/data)") for w in warns)
    for cid in ("pg", "mysql", "rabbitmq", "dynamodblocal"):
        assert any(cid in w for w in warns), cid
        assert any("no persistent volume: its data is lost when its container is removed" in e for e in ev[cid])
    for cid in ("pg2", "mongo", "cache", "nats"):
        assert not any(f"service {cid} " in w for w in warns), cid
    assert any("none needed" in e and "NATS without JetStream" in e for e in ev["nats"])
    assert res.review.components["dynamodblocal"].kind == "datastore"


@pytest.mark.parametrize("name,image", [("dynamodblocal", ""), ("dynamodb-local", ""), ("db", "amazon/dynamodb-local:2"),
                                        ("postgreslocal", "")])
def test_local_stand_ins_are_datastores(name, image):
    assert recognise(name, image)[0] == "datastore"


@pytest.mark.parametrize("name,image", [("localstack", "localstack/localstack:3"), ("locale-service", ""),
                                        ("mongolocalizer", "")])
def test_not_stand_ins(name, image):
    assert recognise(name, image)[0] is None


@pytest.mark.skipif(not (UNSEEN / "aks-store-demo").is_dir(), reason="the AKS store demo is not here")
def test_aks_store_makeline_reads_orders_and_mongodb_keeps_nothing():
    from prr_app.importers.registry import import_paths

    res = import_paths([UNSEEN / "aks-store-demo" / "aks-store-all-in-one.yaml"])
    deps = {(d.source, d.target): d for d in res.review.dependencies.values()}
    assert deps[("makeline-service", "rabbitmq")].kind == "soft"
    assert deps[("order-service", "rabbitmq")].kind == "hard"
    assert any(w.startswith("aks-store-all-in-one.yaml:1: StatefulSet mongodb is a datastore and mounts no "
                            "persistent volume") for w in res.report.warnings)


def test_a_telemetry_store_without_a_volume_is_no_warning(tmp_path):
    """Jaeger's OpenSearch loses traces on a restart, not the system's data: said, not warned."""
    f = tmp_path / "docker-compose.yml"
    f.write_text("services:\n  jaeger:\n    image: jaegertracing/all-in-one:1\n    environment:\n"
                 "      ES_SERVER_URLS: http://opensearch:9200\n  opensearch:\n    image: opensearchproject/opensearch:2\n")
    res = read_compose([f])
    assert not [w for w in res.report.warnings if "mounts no volume" in w]
    ev = {c.element: c.evidence for c in res.report.components}
    assert any("no persistent volume" in e and "telemetry, not the system's data" in e for e in ev["opensearch"])
