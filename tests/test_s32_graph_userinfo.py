"""Session 32, graph F1: a URL's user information ends at the LAST "@" before the host.

go-coffeeshop's compose says ``PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres``. The import read
the host ``ssw0rd`` (the tail of the password): a database nothing deploys, a critical launch-blocking single
point of failure, and the password's tail printed in every output. Go's net/url, Python's urllib and browsers
split the user information at the last "@" of the authority (which ends at the first "/", "?" or "#")."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.graph import host_refs, redact
from prr_app.importers.registry import import_paths


def _hosts(value: str) -> list[str]:
    return [r.host for r in host_refs(value, bare_ok=False)]


@pytest.mark.parametrize("url, hosts", [
    ("postgres://postgres:P@ssw0rd@postgres:5432/postgres", ["postgres"]),
    ("redis://:p@ss@cache:6379/0", ["cache"]),
    ("amqp://guest:guest@rabbitmq:5672/", ["rabbitmq"]),
    ("postgres://u:${DB_PASS}@db:5432/x", ["db"]),
    # a numeric password, or one with "@host:port" in it, is no host:port either
    ("postgres://admin:12345@db:5432/x", ["db"]),
    ("postgres://u:P@ss:123@db:5432", ["db"]),
    # an "@" past the authority (path, query, fragment) is no user information
    ("http://svc:80/path@x", ["svc"]),
    ("smtp://mail:25?from=ops@example.org", ["mail"]),
    ("http://svc#top@x", ["svc"]),
    # ... but a "?" or "#" written unencoded in a password is the password's
    ("postgres://u:p#1@db:5432/x", ["db"]),
    ("postgres://u:p?w@rd@db:5432/x", ["db"]),
    # two URLs in one value: the first one's authority ends at the next URL's "//"
    ("http://a:1,http://u:p@b:2", ["a", "b"]),
    # an unset variable's empty host names no host, not the user
    ("postgres://admin:@:5432", []),
])
def test_the_host_follows_the_last_at_of_the_authority(url, hosts):
    assert _hosts(url) == hosts


@pytest.mark.parametrize("url, shown", [
    ("postgres://postgres:P@ssw0rd@postgres:5432/postgres", "postgres://postgres:***@postgres:5432/postgres"),
    ("redis://:p@ss@cache:6379/0", "redis://:***@cache:6379/0"),
    ("postgres://admin:12345@db:5432/x", "postgres://admin:***@db:5432/x"),
    ("http://a:1,http://u:p@w@b:2", "http://a:1,http://u:***@b:2"),
    ("postgres://u:p#1@db:5432/x", "postgres://u:***@db:5432/x"),
    ("postgres://u:123#1@db:5432/x", "postgres://u:***@db:5432/x"),
    # what might be a password is hidden: here a port and a query
    ("smtp://mail:25?from=ops@example.org", "smtp://mail:***@example.org"),
])
def test_the_whole_password_is_hidden(url, shown):
    assert redact("PG_URL", url) == shown


COFFEE = """services:
  postgres: {image: 'postgres:14-alpine', ports: ['5432:5432']}
  counter:
    image: x/counter
    environment:
      PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres
    depends_on: [postgres]
  kitchen:
    image: x/kitchen
    environment:
      PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres
"""


def test_a_password_with_an_at_adds_no_database_and_leaks_nothing(tmp_path: Path):
    f = tmp_path / "docker-compose.yaml"
    f.write_text(COFFEE)
    res = import_paths([f])
    r = res.review
    assert set(r.components) == {"postgres", "counter", "kitchen"}
    assert r.dependencies["counter->postgres"].kind == "hard"
    assert r.dependencies["kitchen->postgres"].kind == "hard"
    everything = repr(res.report) + repr(r)
    assert "ssw0rd" not in everything
    assert "PG_URL=postgres://postgres:***@postgres:5432/postgres" in " ".join(r.dependencies["counter->postgres"].evidence)
