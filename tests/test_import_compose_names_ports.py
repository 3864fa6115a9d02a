"""Compose imports of real systems: technology names matched as words, and published ports whose host
port is an unset variable (found on Supabase's, PostHog's and Sentry's self-hosting files)."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.graph import recognise
from prr_app.importers.registry import import_paths


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, image, kind, tags", [
    # a word inside a longer one is not the technology
    ("temporal", "temporalio/auto-setup:1.20", None, []),  # not "tempo" (telemetry)
    ("rest", "postgrest/postgrest:v12", None, []),  # PostgREST is an HTTP API, not PostgreSQL
    ("search-indexer", "", None, []),  # not "dex" (identity)
    ("feature-flags", "example/feature-flags", None, []),  # an application's own API
    # the technologies themselves, with versions and "db" suffixes
    ("db", "supabase/postgres:15.1", "datastore", ["postgres"]),
    ("db", "bitnami/postgresql:16", "datastore", ["postgres"]),
    ("vectors", "qdrant/qdrant:v1.9", "datastore", ["store"]),
    ("blobs", "chrislusf/seaweedfs", "datastore", ["store"]),
    ("mongodb", "", "datastore", ["mongodb"]),
    ("tsdb", "timescale/timescaledb:2", "datastore", ["postgres"]),
    ("cache", "redis7", "datastore", ["redis"]),
    ("redis-cart", "redis:alpine", "datastore", ["redis"]),
    ("tempo", "grafana/tempo:2", None, ["telemetry"]),
    ("otel-collector", "otel/opentelemetry-collector-contrib:0.9", None, ["telemetry"]),
    ("flagd", "ghcr.io/open-feature/flagd:v0.9", None, ["config"]),
    ("frontend-proxy", "", "gateway", ["proxy"]),
    # load generators: test tools, never where users come in
    ("loadgenerator", "", None, ["load-generator"]),
    ("load-generator", "ghcr.io/open-telemetry/demo:2.0-load-generator", None, ["load-generator"]),
    ("locust-master", "", None, ["load-generator"]),
    ("bench", "grafana/k6:0.50", None, ["load-generator"]),
    ("payload-generator", "", None, []),  # not a load generator
    ("k6s-api", "", None, []),
])
def test_technologies_are_recognised_as_words(name, image, kind, tags):
    got_kind, got_tags, _why = recognise(name, image)
    assert (got_kind, got_tags) == (kind, tags)


def test_a_host_port_from_an_unset_variable_still_makes_the_front_door(tmp_path):
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  kong:\n    image: kong:2.8.1\n    ports:\n      - ${KONG_HTTP_PORT}:8000/tcp\n"
                    "    environment:\n      AUTH_URL: http://auth:9999\n"
                    "  auth:\n    image: supabase/gotrue\n    environment:\n      DB_HOST: db\n"
                    "  studio:\n    image: example/studio\n    ports:\n      - target: 3000\n        published: ${ADMIN_PORT}\n"
                    "  db:\n    image: postgres:15\n    ports:\n      - \"5432\"\n")
    res = import_paths([compose])
    c = res.review.components
    assert c["kong"].user_facing and c["studio"].user_facing
    assert not c["db"].user_facing and not c["auth"].user_facing  # a container port only is not published
    evidence = {i.element: " ".join(i.evidence) for i in res.report.components}
    assert "publishes port(s) ?:8000 on the host" in evidence["kong"]
    assert "publishes port(s) ?->3000 on the host" in evidence["studio"]
    # the unset variable is said in the report, not silently emptied
    assert any("KONG_HTTP_PORT" in w for w in res.report.warnings)


def test_a_word_inside_a_name_does_not_change_a_call_into_a_soft_one(tmp_path):
    """PostHog's proxy calls its own feature-flags service and Temporal: hard calls to application
    services, not calls to a feature-flag or telemetry hub."""
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  proxy:\n    image: caddy:2\n    ports:\n      - 80:80\n"
                    "    environment:\n      FLAGS_URL: http://feature-flags:3001\n      WEB_URL: http://web:8000\n"
                    "  web:\n    image: posthog/posthog\n    environment:\n      TEMPORAL_HOST: temporal\n"
                    "  feature-flags:\n    image: posthog/feature-flags\n"
                    "  temporal:\n    image: temporalio/auto-setup:1.20\n    ports:\n      - 7233:7233\n")
    res = import_paths([compose])
    r = res.review
    kinds = {(d.source, d.target): d.kind for d in r.dependencies.values()}
    assert kinds[("proxy", "feature-flags")] == "hard"
    assert kinds[("web", "temporal")] == "hard"
    assert "telemetry" not in r.components["temporal"].tags


def test_an_env_file_is_read_once_as_its_services_environment(tmp_path):
    """NetBox's docker setup: the app's env_file names redis-cache; the checkout scan used to read that
    file again as shared configuration and gave REDIS_CACHE_HOST to the component named redis, inventing
    redis -> redis-cache (which then ranked as the worst single point of failure)."""
    write(tmp_path / "env" / "app.env", "DB_HOST=postgres\nREDIS_HOST=redis\nREDIS_CACHE_HOST=redis-cache\n")
    write(tmp_path / "docker-compose.yml",
          "services:\n"
          "  app:\n    image: example/app\n    env_file: env/app.env\n    ports:\n      - 8080:8080\n"
          "  worker:\n    image: example/app\n    env_file:\n      - path: env/app.env\n"
          "  postgres:\n    image: postgres:16\n"
          "  redis:\n    image: valkey/valkey:8\n"
          "  redis-cache:\n    image: valkey/valkey:8\n")
    res = import_paths([tmp_path])
    deps = {(d.source, d.target) for d in res.review.dependencies.values()}
    assert deps == {(s, t) for s in ("app", "worker") for t in ("postgres", "redis", "redis-cache")}


def test_a_url_whose_host_is_an_unset_variable_names_no_host(tmp_path):
    """Supabase without its .env: ``postgres://supabase_auth_admin:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432``
    was read as naming the host ``supabase_auth_admin`` (a false "dangling" finding); the unset
    variable is warned about instead."""
    from prr_app.importers.graph import host_refs

    assert host_refs("postgres://supabase_auth_admin:@:5432/postgres", bare_ok=False) == []
    assert [r.host for r in host_refs("postgres://u:p@db:5432/x", bare_ok=False)] == ["db"]
    assert [r.host for r in host_refs("amqp://guest:guest@rabbitmq", bare_ok=False)] == ["rabbitmq"]
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  auth:\n    image: supabase/gotrue\n    environment:\n"
                    "      GOTRUE_DB_DATABASE_URL: postgres://supabase_auth_admin:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:5432/x\n"
                    "  db:\n    image: postgres:15\n")
    res = import_paths([compose])
    assert not any("supabase_auth_admin" in d for d in res.report.dangling)
    assert any("POSTGRES_HOST" in w for w in res.report.warnings)


def test_what_a_telemetry_hub_names_is_watched_not_called(tmp_path):
    """The OpenTelemetry demo's collector health-checks the front proxy and reads the database's metrics
    (FRONTEND_PROXY_ADDR, POSTGRES_HOST) and waits for its log store: recorded hard, the collector went
    down with each of them. A telemetry hub's own dependencies are soft, and each says why; the
    services' calls are unchanged."""
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  proxy:\n    image: envoyproxy/envoy:v1.32\n    ports:\n      - 8080:8080\n"
                    "    environment:\n      SHOP_ADDR: shop:8080\n      OTEL_COLLECTOR_HOST: otel-collector\n"
                    "  shop:\n    image: example/shop\n    environment:\n      DB_HOST: db\n"
                    "      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317\n"
                    "  db:\n    image: postgres:16\n"
                    "  logs:\n    image: opensearchproject/opensearch:2\n"
                    "  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.120.0\n"
                    "    depends_on:\n      - logs\n"
                    "    environment:\n      FRONTEND_PROXY_ADDR: proxy:8080\n      POSTGRES_HOST: db\n")
    r = import_paths([compose]).review
    kinds = {(d.source, d.target): d.kind for d in r.dependencies.values()}
    assert kinds[("otel-collector", "proxy")] == "soft"
    assert kinds[("otel-collector", "db")] == "soft"
    assert kinds[("otel-collector", "logs")] == "soft"
    assert kinds[("proxy", "shop")] == "hard" and kinds[("shop", "db")] == "hard"
    ev = r.dependencies["otel-collector->proxy"].evidence
    assert any("telemetry hub" in e and "costs telemetry, not service" in e for e in ev), ev


def test_a_call_whose_feature_the_environment_switches_off_is_optional(tmp_path):
    """The OpenTelemetry demo's agent has MCP_ENDPOINT=mcp and MCP_ENABLED=False (from .env): the call
    was hard, so the MCP server looked like a single point of failure of the chat. A switch that
    names another feature, or is on, changes nothing."""
    (tmp_path / ".env").write_text("MCP_ENABLED=False\n", encoding="utf-8")
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  agent:\n    image: example/agent\n    ports:\n      - 8080:8080\n"
                    "    environment:\n      - MCP_ENDPOINT=http://mcp:8000\n      - MCP_ENABLED\n"
                    "      - SEARCH_URL=http://search:9200\n      - IPV6_ENABLED=false\n      - ENABLE_PRICING=true\n"
                    "      - PRICING_ADDR=pricing:50051\n"
                    "  mcp:\n    image: example/mcp\n"
                    "  search:\n    image: example/search-api\n"
                    "  pricing:\n    image: example/pricing\n")
    r = import_paths([compose]).review
    kinds = {(d.source, d.target): d.kind for d in r.dependencies.values()}
    assert kinds == {("agent", "mcp"): "soft", ("agent", "search"): "hard", ("agent", "pricing"): "hard"}
    assert any("MCP_ENABLED=False" in e and "switched off" in e for e in r.dependencies["agent->mcp"].evidence)


def test_a_stated_criticality_is_the_component_tier(tmp_path):
    """The OpenTelemetry demo states each service's criticality in its OpenTelemetry resource attributes
    (service.criticality=critical...low); a label may state it too. Read as tiers (critical and high 1,
    medium 2, low 3), the low ones owe the checklist less; a label that names a layer is no tier."""
    compose = write(tmp_path / "docker-compose.yml",
                    "services:\n"
                    "  shop:\n    image: example/shop\n    ports:\n      - 8080:8080\n"
                    "    environment:\n      - OTEL_RESOURCE_ATTRIBUTES=service.namespace=demo,service.criticality=critical\n"
                    "      - QUOTE_ADDR=http://quote:8090\n"
                    "  quote:\n    image: example/quote\n    labels:\n      criticality: low\n"
                    "  ads:\n    image: example/ads\n    labels:\n      tier: backend\n"
                    "    environment:\n      OTEL_RESOURCE_ATTRIBUTES: service.criticality=medium\n"
                    "  web:\n    image: example/web\n    labels:\n      tier: frontend\n")
    r = import_paths([compose]).review
    assert {c: r.components[c].tier for c in ("shop", "quote", "ads", "web")} == \
        {"shop": 1, "quote": 3, "ads": 2, "web": None}
