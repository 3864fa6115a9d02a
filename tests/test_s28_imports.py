"""Session 28: a producer's call to a broker is hard, a consumer's read from it soft (its poll); calls to a
configuration hub (flagd, a config server) are recorded hard so that the analysis' hub rules see them;
feature-flag services the hub rule missed are tagged ``config``."""
from pathlib import Path

import pytest

from prr_app.importers.graph import BROKER_CALL, GraphBuilder, broker_use, dependency_type, recognise
from prr_app.importers.registry import import_paths
from prr_app.model.entities import Component

REAL = Path("/work/shared/realdata")


def _deps(review):
    return {(d.source, d.target): d for d in review.dependencies.values()}


def test_broker_use_says_why():
    assert broker_use() == ("hard", BROKER_CALL)
    kind, why = broker_use(reads_only=True)
    assert kind == "soft" and "reads its work" in why
    assert dependency_type(Component(id="kafka", name="kafka", kind="queue"))[0] == "hard"
    assert dependency_type(Component(id="flagd", name="flagd", tags=["config"])) == ("hard", "config")
    assert dependency_type(Component(id="otel", name="otel", tags=["telemetry"]))[0] == "soft"


COMPOSE = """\
services:
  web:
    image: shop/web
    ports: ["80:80"]
    environment:
      ORDERS_URL: http://orders:8080
  orders:
    image: shop/orders
    environment:
      AMQP_HOST: rabbitmq
      FLAGD_HOST: flagd
  worker:
    image: shop/worker
    environment:
      AMQP_HOST: rabbitmq
  rabbitmq:
    image: rabbitmq:3.13
  flagd:
    image: ghcr.io/open-feature/flagd:v0.11
"""


def test_compose_producer_hard_consumer_async(tmp_path):
    f = tmp_path / "compose.yaml"
    f.write_text(COMPOSE)
    res = import_paths([f])
    deps = _deps(res.review)
    producer, consumer = deps[("orders", "rabbitmq")], deps[("worker", "rabbitmq")]
    assert producer.kind == "hard"
    assert any(BROKER_CALL in e for e in producer.evidence)
    assert consumer.kind == "soft"
    assert any("nothing calls worker" in e for e in consumer.evidence)
    # a config hub's call: hard, which the analysis takes as soft and gives the start-up risk
    assert deps[("orders", "flagd")].kind == "hard"


def test_consumer_found_called_later_is_hard_again():
    from prr_app.importers.graph import settle_broker_reads
    from prr_app.model.entities import Dependency, Review

    r = Review()
    for cid, kind in (("worker", "service"), ("mq", "queue"), ("api", "service")):
        r.components[cid] = Component(id=cid, name=cid, kind=kind)
    d = Dependency(source="worker", target="mq", kind="hard")
    d.evidence = [f"x.yaml:1: worker env MQ=mq ({BROKER_CALL})"]
    r.dependencies[d.id] = d
    assert settle_broker_reads(r) == [d.id] and d.kind == "soft"
    assert settle_broker_reads(r) == []  # settled: nothing changes twice
    call = Dependency(source="api", target="worker", kind="hard")
    r.dependencies[call.id] = call
    assert settle_broker_reads(r) == [d.id] and d.kind == "hard"
    assert not any("nothing calls" in e for e in d.evidence)


def test_stated_kinds_are_left_alone(tmp_path):
    f = tmp_path / "edges.csv"
    f.write_text("source,target,type,kind\nworker,mq,hard,queue\n")
    deps = _deps(import_paths([f]).review)
    assert deps[("worker", "mq")].kind == "hard"  # stated hard: no reading of who calls it


@pytest.mark.parametrize("image", ["flipt/flipt:v1.40", "launchdarkly/ld-relay:8", "flagsmith/flagsmith:2.100",
                                   "featbit/featbit-api-server:latest", "unleashorg/unleash-server:5",
                                   "ghcr.io/open-feature/flagd:v0.11", "springcloud/spring-cloud-config-server:4"])
def test_feature_flag_images_are_config_hubs(image):
    _kind, tags, _why = recognise("flags", image)
    assert "config" in tags


@pytest.mark.parametrize("name", ["feature-flags-api", "app-config-api", "flippant"])
def test_not_mis_tagged(name):
    assert "config" not in recognise(name, f"shop/{name}:1")[1]


@pytest.mark.skipif(not (REAL / "sock-shop").is_dir(), reason="realdata not here")
def test_sock_shop_shipping_calls_rabbitmq_hard():
    deps = _deps(import_paths([REAL / "sock-shop"]).review)
    assert deps[("shipping", "rabbitmq")].kind == "hard"
    assert deps[("queue-master", "rabbitmq")].kind == "soft"


@pytest.mark.skipif(not (REAL / "opentelemetry-demo").is_dir(), reason="realdata not here")
def test_otel_kafka_and_flagd():
    review = import_paths([REAL / "opentelemetry-demo" / "kubernetes"]).review
    deps = _deps(review)
    assert deps[("checkout", "kafka")].kind == "hard"
    assert deps[("accounting", "kafka")].kind == "soft"
    assert deps[("fraud-detection", "kafka")].kind == "soft"
    assert "config" in review.components["flagd"].tags
    assert deps[("cart", "flagd")].kind == "hard"


def test_dapr_subscriber_polls_publisher_calls(tmp_path):
    """A Dapr app whose code only subscribes to a pub/sub component reads its work from the broker (soft);
    one that publishes through it calls the broker (hard), even when nothing calls it."""
    from tests.test_import_checkout_calls import DAPR, write

    files = dict(DAPR)
    files["src/Cart/CartStore.cs"] = ('using Dapr;\nclass CartStore {\n'
                                      '  [Topic("shop-pubsub", "OrderPlaced")]\n  public void On(Order o) { }\n}\n')
    r = import_paths([write(tmp_path, files)]).review
    deps = _deps(r)
    assert deps[("orders", "rabbitmq")].kind == "hard"
    assert deps[("cart", "rabbitmq")].kind == "soft"
    assert any("reads its work from" in e for e in deps[("cart", "rabbitmq")].evidence)


def test_a_hubs_own_user_interface_is_not_the_hub():
    """The OpenTelemetry demo's flagd-ui edits flags: nothing needs it to start, so it is not tagged as
    the config hub flagd is (tagged, it got flagd's start-up risk); flagd itself still is."""
    from prr_app.importers.graph import recognise

    assert "config" not in recognise("flagd-ui", "ghcr.io/open-telemetry/demo:2.0-flagd-ui", [])[1]
    assert "config" in recognise("flagd", "ghcr.io/open-feature/flagd:v0.11", [])[1]
    assert "discovery" not in recognise("consul-web", "", [])[1]


@pytest.mark.skipif(not (REAL / "spring-petclinic-repo").is_dir(), reason="realdata not here")
def test_the_headline_counts_the_warnings_kept_and_says_how_many_were_settled():
    """PetClinic's compose part has ten warnings, seven of them (depends_on alone) settled by the services'
    configuration: the headline said "3 warnings" beside the part's "10 warnings", unexplained."""
    res = import_paths([REAL / "spring-petclinic-repo"])
    rep = res.report
    assert rep.settled == 7 and len(rep.warnings) == 3
    assert rep.summary().endswith("3 warnings (7 more settled by configuration or source, said below)")


@pytest.mark.skipif(not (REAL / "sock-shop").is_dir(), reason="realdata not here")
def test_variants_at_the_top_of_a_repository_are_told_apart_by_what_they_are():
    res = import_paths([REAL / "sock-shop"])
    note = next(w for w in res.report.warnings if w.startswith("variants of one deployment"))
    assert ". [Kubernetes manifests complete-demo.yaml]" in note and ". (compose) [Compose docker-compose.yml]" in note
