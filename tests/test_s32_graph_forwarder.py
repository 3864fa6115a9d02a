"""Session 32, graph F5: a service that forwards users' requests (go-coffeeshop's proxy, a grpc-gateway built from
the project's own image) is the way in, like a gateway: the services behind it are not user-facing through their
developers' published ports. A proxy of a datastore, or one something else calls, is no way in."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.registry import import_paths

COFFEE = """services:
  postgres: {image: 'postgres:14-alpine', ports: ['5432:5432']}
  proxy:
    image: go-coffeeshop-proxy
    environment: {GRPC_PRODUCT_HOST: product, GRPC_PRODUCT_PORT: 5001, GRPC_COUNTER_HOST: counter, GRPC_COUNTER_PORT: 5002}
    ports: ['5000:5000']
    depends_on: [product, counter]
  product: {image: go-coffeeshop-product, ports: ['5001:5001']}
  counter:
    image: go-coffeeshop-counter
    environment: {PG_URL: 'postgres://postgres:pw@postgres:5432/postgres', PRODUCT_CLIENT_URL: 'product:5001'}
    ports: ['5002:5002']
  web:
    image: go-coffeeshop-web
    environment: {REVERSE_PROXY_URL: 'http://localhost:5000'}
    ports: ['8888:8888']
    depends_on: [proxy]
"""


def _import(tmp_path: Path, text: str):
    f = tmp_path / "docker-compose.yaml"
    f.write_text(text)
    return import_paths([f])


def _facing(res) -> set[str]:
    return {c for c, x in res.review.components.items() if x.user_facing}


def _ev(res, cid: str) -> str:
    return " ".join(next(i.evidence for i in res.report.components if i.element == cid))


def test_a_proxy_that_forwards_to_the_services_is_the_way_in(tmp_path):
    res = _import(tmp_path, COFFEE)
    assert _facing(res) == {"proxy", "web"}
    assert "behind the gateway proxy (proxy -> product): its published port is not the way users come in" \
        in _ev(res, "product")
    assert "behind the gateway proxy (proxy -> counter)" in _ev(res, "counter")
    assert not any("product faces users and calls nothing" in w for w in res.report.warnings)


def test_a_backend_for_frontend_and_an_edge_service_are_ways_in(tmp_path):
    for name in ("shop-bff", "edge-service", "api-gw"):
        res = _import(tmp_path, f"""services:
  {name}: {{image: x/front, ports: ['8080:8080'], environment: [ORDERS_URL=http://orders:8080]}}
  orders: {{image: x/orders, ports: ['8081:8080'], environment: [DB_HOST=db:5432]}}
  db: {{image: 'postgres:16'}}
""")
        assert _facing(res) == {name}, name


def test_a_proxy_of_a_datastore_or_one_that_is_called_is_no_way_in(tmp_path):
    # cache-proxy forwards to a datastore, not to the system's services; egress-proxy is called by orders
    res = _import(tmp_path, """services:
  cache-proxy: {image: x/twemproxy, ports: ['22121:22121'], environment: [REDIS_HOST=redis:6379]}
  redis: {image: 'redis:7'}
  orders: {image: x/orders, ports: ['8081:8080'], environment: [EGRESS_URL=http://egress-proxy:3128, USERS_URL=http://users:80]}
  egress-proxy: {image: x/egress, ports: ['3128:3128'], environment: [USERS_URL=http://users:80]}
  users: {image: x/users, ports: ['8082:80']}
""")
    assert _facing(res) == {"cache-proxy", "orders", "egress-proxy", "users"}
    assert not any("behind the gateway" in e for i in res.report.components for e in i.evidence)


def test_a_proxy_only_a_traffic_generator_calls_is_still_the_way_in(tmp_path):
    res = _import(tmp_path, COFFEE + "  order-bot: {image: x/bot, environment: [PROXY_HOST=proxy:5000]}\n")
    assert "load-generator" in res.review.components["order-bot"].tags
    assert _facing(res) == {"proxy", "web"}
    assert "behind the gateway proxy (proxy -> product)" in _ev(res, "product")
