"""Compose files that pull in others: top-level ``include`` and service ``extends``."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def deps(review) -> set[tuple[str, str]]:
    return {(d.source, d.target) for d in review.dependencies.values()}


def test_included_files_bring_their_services(tmp_path):
    write(tmp_path / "infra" / "stores.yaml", "services:\n  db:\n    image: postgres:16\n  mq:\n    image: rabbitmq:3\n")
    main = write(tmp_path / "compose.yaml",
                 "include:\n  - infra/stores.yaml\n"
                 "services:\n  api:\n    image: example/api\n    environment:\n"
                 "      DB_HOST: db\n      BROKER_URL: amqp://mq:5672\n")
    res = import_paths([main])
    r = res.review
    assert set(r.components) == {"api", "db", "mq"}
    assert deps(r) == {("api", "db"), ("api", "mq")}
    assert r.components["db"].kind == "datastore" and r.components["mq"].kind == "queue"
    assert any("includes infra/stores.yaml" in line for line in res.report.read)
    evidence = {i.element: i.evidence for i in res.report.components}
    assert any(e.startswith("infra/stores.yaml:2") for e in evidence["db"])


def test_include_in_long_form_missing_remote_and_looping(tmp_path):
    write(tmp_path / "a.yaml", "services:\n  a:\n    image: example/a\n")
    main = write(tmp_path / "compose.yaml",
                 "include:\n  - path: [a.yaml, gone.yaml]\n  - oci://registry.example/stack:1\n"
                 "services:\n  web:\n    image: nginx\n")
    res = import_paths([main])
    assert set(res.review.components) == {"a", "web"}
    assert any("gone.yaml is not there" in w for w in res.report.warnings)
    assert any("is remote; not fetched" in s for s in res.report.skipped)
    loop = write(tmp_path / "loop.yaml", "include:\n  - loop.yaml\nservices:\n  x:\n    image: example/x\n")
    with pytest.raises(PrrError) as e:
        import_paths([loop], "compose")
    assert "includes itself" in str(e.value) and "line 1" in str(e.value)


def test_extends_inherits_environment_from_another_file_and_the_same_file(tmp_path):
    write(tmp_path / "common.yaml", "services:\n  base:\n    image: example/base\n"
                                    "    environment:\n      DATABASE_URL: postgres://app@db/app\n")
    main = write(tmp_path / "compose.yaml",
                 "services:\n"
                 "  db:\n    image: postgres:16\n"
                 "  cache:\n    image: memcached:1\n"
                 "  worker:\n    extends:\n      file: common.yaml\n      service: base\n"
                 "    environment:\n      CACHE_ADDR: cache:11211\n"
                 "  worker2:\n    extends: worker\n"
                 "  starter:\n    image: example/s\n    depends_on: [db]\n"
                 "  child:\n    extends: starter\n")
    res = import_paths([main])
    d = deps(res.review)
    assert {("worker", "db"), ("worker", "cache"), ("worker2", "db"), ("worker2", "cache")} <= d
    # start-up order is not inherited
    assert ("starter", "db") in d and ("child", "db") not in d
    dep = next(x for x in res.review.dependencies.values() if (x.source, x.target) == ("worker", "db"))
    assert any(e.startswith("common.yaml:5") for e in dep.evidence)


def test_extends_errors_and_gaps(tmp_path):
    gap = write(tmp_path / "gap.yaml", "services:\n  w:\n    image: x\n    extends:\n      service: nowhere\n")
    res = import_paths([gap], "compose")
    assert any("extends nowhere, which is not a service" in w for w in res.report.warnings)
    loop = write(tmp_path / "loop.yaml", "services:\n  a:\n    extends: b\n  b:\n    extends: a\n")
    with pytest.raises(PrrError) as e:
        import_paths([loop], "compose")
    assert "extends itself" in str(e.value)


def test_an_included_service_overridden_as_compose_allows_and_redefined_as_it_refuses(tmp_path):
    """docker compose lets compose.override.yaml, or a later file of one include's path list, override
    an included service; it refuses the including file, or a second include, defining it again."""
    write(tmp_path / "cart" / "compose.yaml", "services:\n  cart:\n    image: shop/cart\n")
    write(tmp_path / "cart" / "debug.yaml", "services:\n  cart:\n    environment: {LOG: debug}\n")
    write(tmp_path / "orders" / "compose.yaml", "services:\n  orders:\n    image: shop/orders\n")
    main = write(tmp_path / "compose.yaml",
                 "include:\n  - path: [cart/compose.yaml, cart/debug.yaml]\n  - orders/compose.yaml\n"
                 "services:\n  web:\n    image: shop/web\n    environment: {CART_ADDR: 'cart:80'}\n")
    override = write(tmp_path / "compose.override.yaml",
                     "services:\n  cart:\n    ports: ['8081:80']\n  orders:\n    environment: {DB_HOST: web}\n")
    res = import_paths([main, override], "compose")
    assert {"web", "cart", "orders"} == set(res.review.components)
    assert not [w for w in res.report.warnings if "Compose refuses" in w]
    # the including file defining an included service again: what Compose refuses, said
    write(tmp_path / "compose.yaml", main.read_text() + "  orders:\n    image: shop/orders:2\n")
    res = import_paths([main], "compose")
    refused = [w for w in res.report.warnings if "Compose refuses" in w]
    assert len(refused) == 1 and "service orders" in refused[0]
