"""Session 32, Compose: a ``depends_on`` a datastore, cache or queue says the sign that the service uses it
(an address, a setting or a client library of it) beside the call; alone it stays hard (soft would hide the
store's outage wherever the configuration that names it is not in the files read) and is warned of as a
guess to check (manning-smia's Eureka server and gateway wait for the database and use none); in a checkout
the scan of the service's own code and configuration settles it (soft where neither names the store). A
list of topics to create (``KAFKA_CREATE_TOPICS=dresses:1:1``) names no hosts."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.registry import import_paths


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def compose(tmp_path: Path, text: str, extra: dict[str, str] | None = None):
    write(tmp_path, {"docker-compose.yml": text, **(extra or {})})
    return import_paths([tmp_path / "docker-compose.yml"])


#: manning-smia chapter 12's shape: every service waits for the database, two of them say they use it
SMIA = (
    "services:\n"
    "  database:\n    image: postgres:latest\n    container_name: postgres\n"
    "    networks: {backend: {aliases: [database]}}\n"
    "  kafkaserver:\n    image: wurstmeister/kafka:latest\n    container_name: kafka\n"
    "    environment:\n      - KAFKA_ZOOKEEPER_CONNECT=zookeeper:2181\n"
    "      - KAFKA_CREATE_TOPICS=dresses:1:1,ratings:1:1,licensing:1:1:compact\n"
    "    depends_on: [zookeeper]\n"
    "  zookeeper:\n    image: wurstmeister/zookeeper:latest\n"
    "  eurekaserver:\n    image: ostock/eurekaserver\n    depends_on:\n"
    "      database: {condition: service_healthy}\n"
    "  gatewayserver:\n    image: ostock/gatewayserver\n    environment:\n"
    "      SERVER_PORT: '8072'\n      EUREKASERVER_URI: http://eurekaserver:8070/eureka/\n"
    "    depends_on:\n      database: {condition: service_healthy}\n      eurekaserver: {condition: service_started}\n"
    "  licensing:\n    image: ostock/licensing-service\n    environment:\n"
    "      DATABASESERVER_PORT: '5432'\n    depends_on:\n"
    "      database: {condition: service_healthy}\n      kafkaserver: {condition: service_started}\n"
)


def test_depends_on_a_database_nothing_says_the_service_uses_is_a_guess_to_check(tmp_path):
    res = compose(tmp_path, SMIA)
    deps = res.review.dependencies
    for caller in ("eurekaserver", "gatewayserver"):
        assert deps[f"{caller}->database"].kind == "hard", caller
        warned = [w for w in res.report.warnings if f"{caller} -> database rests on depends_on alone" in w]
        assert len(warned) == 1 and "check it" in warned[0] and "a datastore" in warned[0], warned
        assert "recorded as hard, as a service usually uses the datastore it waits for" in warned[0]
    # a queue the same: nothing of licensing's names the broker
    assert deps["licensing->kafkaserver"].kind == "hard"
    assert any("licensing -> kafkaserver rests on depends_on alone" in w for w in res.report.warnings)


def test_a_setting_named_after_the_database_beside_depends_on_makes_the_call(tmp_path):
    res = compose(tmp_path, SMIA)
    dep = res.review.dependencies["licensing->database"]
    assert dep.kind == "hard"
    assert any("DATABASESERVER_PORT=5432" in e and "beside its depends_on database" in e for e in dep.evidence), \
        dep.evidence
    said = [r for r in res.report.read if "licensing -> database" in r]
    assert len(said) == 1 and "recorded as hard" in said[0] and "docker-compose.yml:" in said[0], said
    assert not any("licensing -> database" in w for w in res.report.warnings)


@pytest.mark.parametrize("env,why", [
    ("PGUSER: shop", "the variable's name says postgres"),  # libpq's own variables
    ("SPRING_DATASOURCE_USERNAME: shop", "the only datastore it waits for"),
    ("SPRING_PROFILES_ACTIVE: 'docker,postgres'", "its value names postgres"),
    ("DB_PASSWORD: secret", "the only datastore it waits for"),
])
def test_a_client_setting_of_the_store_beside_depends_on_makes_the_call(tmp_path, env, why):
    res = compose(tmp_path, "services:\n  primary: {image: 'postgres:16'}\n  bus: {image: 'rabbitmq:3'}\n"
                            f"  api:\n    image: x/api\n    environment:\n      {env}\n    depends_on: [primary, bus]\n")
    deps = res.review.dependencies
    assert deps["api->primary"].kind == "hard"
    assert any(why in e for e in deps["api->primary"].evidence), deps["api->primary"].evidence
    assert "secret" not in " ".join(deps["api->primary"].evidence)  # a password stays masked
    assert not any("api -> primary rests on depends_on alone" in w for w in res.report.warnings)
    # nothing says it sends work through the broker: a guess, said
    assert deps["api->bus"].kind == "hard"
    assert any("api -> bus rests on depends_on alone" in w for w in res.report.warnings)


def test_a_client_library_in_the_services_build_file_beside_depends_on_makes_the_call(tmp_path):
    res = compose(tmp_path, "services:\n  db: {image: 'postgres:16'}\n  bus: {image: 'rabbitmq:3'}\n"
                            "  cache: {image: 'memcached:1.6'}\n"
                            "  api: {build: ./api, depends_on: [db, bus, cache]}\n",
                  {"api/pom.xml": "<project>\n  <dependencies>\n    <dependency>\n"
                                  "      <groupId>org.postgresql</groupId>\n      <artifactId>postgresql</artifactId>\n"
                                  "    </dependency>\n  </dependencies>\n</project>\n",
                   "api/package.json": '{"dependencies": {"amqplib": "^0.10"}}\n'})
    deps = res.review.dependencies
    assert deps["api->db"].kind == "hard"
    assert any(e.startswith("api/pom.xml:4: postgresql: api's build file names a postgres client")
               for e in deps["api->db"].evidence), deps["api->db"].evidence
    assert deps["api->bus"].kind == "hard"
    assert any(e.startswith("api/package.json:1: amqplib") for e in deps["api->bus"].evidence), deps["api->bus"].evidence
    # no memcached client in its build files: a guess, said
    assert any("api -> cache rests on depends_on alone" in w for w in res.report.warnings)
    assert not any("api -> db rests on depends_on alone" in w for w in res.report.warnings)


def test_a_products_words_do_not_pick_one_of_two_stores_of_that_product(tmp_path):
    # PGUSER says postgres, not which of the two; the address names one of them, not the other
    res = compose(tmp_path, "services:\n  orders-db: {image: 'postgres:16'}\n  audit-db: {image: 'postgres:16'}\n"
                            "  api:\n    image: x/api\n    environment:\n      PGUSER: shop\n      DB_PASSWORD: pw\n"
                            "      ORDERS_URL: 'postgres://orders-db:5432/orders'\n"
                            "    depends_on: [orders-db, audit-db]\n")
    deps = res.review.dependencies
    assert deps["api->orders-db"].kind == "hard"
    assert not any("api -> orders-db rests on depends_on alone" in w for w in res.report.warnings)
    assert any("api -> audit-db rests on depends_on alone" in w for w in res.report.warnings)


def test_a_setting_that_names_another_host_says_nothing_of_the_store_waited_for(tmp_path):
    res = compose(tmp_path, "services:\n  db: {image: 'postgres:16'}\n"
                            "  api:\n    image: x/api\n    environment:\n"
                            "      DATABASE_URL: 'postgres://shop@db.prod.example.net:5432/shop'\n    depends_on: [db]\n")
    assert not any("beside its depends_on db" in e for e in res.review.dependencies["api->db"].evidence)
    assert any("api -> db rests on depends_on alone" in w for w in res.report.warnings)


def test_depends_on_a_service_registry_stays_hard(tmp_path):
    res = compose(tmp_path, "services:\n  discovery-server: {image: x/eureka}\n"
                            "  api: {image: x/api, depends_on: [discovery-server]}\n")
    assert res.review.dependencies["api->discovery-server"].kind == "hard"
    assert any("api -> discovery-server: depends_on a service registry, recorded as hard" in r
               for r in res.report.read)


def test_in_a_checkout_the_callers_code_naming_the_database_beside_depends_on_makes_the_call(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  db: {image: 'postgres:16'}\n  gate: {build: ./gate, depends_on: [db]}\n"
                              "  api: {build: ./api, depends_on: [db]}\n",
        "api/main.py": 'DSN = "postgresql://shop@db:5432/shop"\n',
        "gate/main.py": "print('routes')\n",
    })
    res = import_paths([root])
    deps = res.review.dependencies
    assert deps["api->db"].kind == "hard"
    assert not any("api -> db rests on depends_on alone" in w for w in res.report.warnings)
    assert deps["gate->db"].kind == "soft"
    assert any("gate -> db rests on depends_on alone" in w for w in res.report.warnings)


def test_a_list_of_topics_to_create_names_no_hosts(tmp_path):
    res = compose(tmp_path, SMIA.replace("ratings:1:1", "licensing:1:1"))
    assert not any("dresses" in d or "ratings" in d for d in res.report.dangling), res.report.dangling
    deps = res.review.dependencies
    assert "kafkaserver->licensing" not in deps  # a topic named like a service is no call to it
    assert deps["kafkaserver->zookeeper"].kind == "hard"  # its address beside it still is
