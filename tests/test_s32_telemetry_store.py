"""Round 32: a store that only telemetry hubs and operators' consoles use is the telemetry stack's
(manning-smia: Zipkin keeps its spans in Elasticsearch, Kibana reads it: it was asked a business store's
restore and RTO items, two launch blockers); a console reading a business database leaves it the business's."""
from __future__ import annotations

from prr_app.importers.registry import import_paths


def _compose(tmp_path, text):
    (tmp_path / "docker-compose.yml").write_text(text)
    return import_paths([tmp_path / "docker-compose.yml"]).review


def test_a_store_of_a_tracing_server_that_a_console_reads_is_the_telemetry_stacks(tmp_path):
    r = _compose(tmp_path, (
        "services:\n"
        "  elasticsearch: {image: 'docker.elastic.co/elasticsearch/elasticsearch:7.7.0'}\n"
        "  zipkin:\n    image: openzipkin/zipkin\n    environment: {STORAGE_TYPE: elasticsearch, ES_HOSTS: 'elasticsearch:9200'}\n"
        "  kibana:\n    image: 'docker.elastic.co/kibana/kibana:7.7.0'\n"
        "    environment: {ELASTICSEARCH_URL: 'http://elasticsearch:9200'}\n    ports: ['5601:5601']\n"
        "  shop:\n    image: acme/shop\n    environment: {ZIPKIN_URL: 'http://zipkin:9411'}\n    ports: ['8080:8080']\n"))
    assert "kibana" in r.components and "admin-ui" in r.components["kibana"].tags
    assert "telemetry" in r.components["elasticsearch"].tags


def test_a_console_beside_the_business_database_leaves_it_the_businesss(tmp_path):
    r = _compose(tmp_path, (
        "services:\n"
        "  mongo: {image: 'mongo:6'}\n"
        "  mongo-express:\n    image: mongo-express\n    environment: {ME_CONFIG_MONGODB_SERVER: mongo}\n"
        "    ports: ['8081:8081']\n"
        "  shop:\n    image: acme/shop\n    environment: {MONGO_URL: 'mongodb://mongo:27017/shop'}\n"
        "    ports: ['8080:8080']\n"))
    assert "telemetry" not in r.components["mongo"].tags
    # a console alone is no telemetry hub either
    r = _compose(tmp_path, (
        "services:\n"
        "  mongo: {image: 'mongo:6'}\n"
        "  mongo-express:\n    image: mongo-express\n    environment: {ME_CONFIG_MONGODB_SERVER: mongo}\n"))
    assert "telemetry" not in r.components["mongo"].tags
