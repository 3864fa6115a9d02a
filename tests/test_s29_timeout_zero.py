"""A timeout of 0 ms is no timeout in the analysis, as in the checklist (stating it cleared the
high no-timeout finding while the checklist said "timeout_ms 0 (no timeout)")."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Review


def _review(timeout):
    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("web", "api", timeout_ms=800))
    r.add(Dependency("api", "db", timeout_ms=timeout))
    return r


def test_zero_is_no_timeout():
    def no_timeout(timeout):
        return [c for c in analyze(_review(timeout)).cascading if c["type"] == "no-timeout-or-breaker" and c["components"] == ("api",)]

    assert no_timeout(None) and no_timeout(0)
    assert not no_timeout(500)
