"""A call without a timeout from software on users' devices (tagged client: a browser or phone app)
costs its users' time, not a server's workers: the finding says so. It said "ties up its workers" of
a single-page app (Structurizr's microservices example)."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import CLIENT, Component, Dependency, Review


def _findings() -> dict[str, str]:
    r = Review()
    r.add(Component(id="spa", kind="frontend", user_facing=True, tags=[CLIENT]))
    r.add(Component(id="api", replicas=2))
    r.add(Component(id="db", kind="datastore", replicas=2))
    r.add(Dependency("spa", "api"))
    r.add(Dependency("api", "db"))
    a = analyze(r, today="2026-06-01")
    return {f["id"]: f["detail"] for f in a.cascading if f["type"] == "no-timeout-or-breaker"}


def test_a_client_without_a_timeout_leaves_its_users_waiting():
    found = _findings()
    assert found["cascade:no-timeout:spa"].endswith("a slow dependency leaves its users waiting")


def test_a_service_without_a_timeout_ties_up_its_workers():
    assert _findings()["cascade:no-timeout:api"].endswith("a slow dependency ties up its workers")
