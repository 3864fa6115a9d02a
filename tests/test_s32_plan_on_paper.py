"""Round 32: a suggested plan made an SLO "attainable" with a fallback on the web front's call to its API
(the whole backend) and printed the checkout journey at 100.0000 %: a web pod answering with the API,
the database and the payment provider down. No cached or default answer stands in for a store, nor for
a caller's only way to its stores; a fallback on a call the caller can do without (a payment provider
behind a queued retry, recommendations) is still suggested."""
from __future__ import annotations

from prr_app.model.entities import (Component, Dependency, FailureDomain, Journey, RedundancyGroup, Review)
from prr_app.review import plans as P
from prr_app.review.assess import assess


def _trap() -> Review:
    r = Review()
    r.meta.system_name, r.meta.tier = "Trap", 1
    for z in ("zone-a", "zone-b"):
        r.add(FailureDomain(id=z, kind="zone"))
    r.add(Component(id="web", kind="service", user_facing=True, replicas=3, placement=["zone-a", "zone-b"],
                    availability=99.95))
    r.add(Component(id="api", kind="service", replicas=3, placement=["zone-a", "zone-b"], availability=99.9))
    r.add(Component(id="psp", kind="external_api", availability=99.5))
    for db in ("db-1", "db-2"):
        r.add(Component(id=db, kind="datastore", replicas=1, placement=["zone-a" if db == "db-1" else "zone-b"],
                        availability=99.9))
    r.add(RedundancyGroup(id="dbgrp", members=["db-1", "db-2"], min_up=1))
    r.add(Dependency("web", "api", "hard", timeout_ms=1000, circuit_breaker=True))
    r.add(Dependency("api", "dbgrp", "hard", timeout_ms=300, circuit_breaker=True))
    r.add(Dependency("api", "psp", "hard", timeout_ms=3000, circuit_breaker=True))
    r.add(Journey(id="checkout", name="checkout", entry=["web"], slo=99.99, critical=True))
    return r


def test_no_fallback_stands_in_for_a_callers_whole_backend():
    r = _trap()
    before = assess(r, today="2026-12-08").to_dict()
    fallbacks = {c.args["dependency"] for c in P.suggested_plan(r, before).changes if c.op == "add-fallback"}
    assert "web->api" not in fallbacks  # web's only way to its stores
    assert "api->psp" in fallbacks  # api keeps its database without the payment provider


def test_writes_to_reads_the_way_to_the_stores():
    r = _trap()
    calls = P._hard_calls(r)
    assert P._writes_to(r, r.dependencies["web->api"], calls)
    assert P._writes_to(r, r.dependencies["api->dbgrp"], calls)  # a group of datastores is a store
    assert not P._writes_to(r, r.dependencies["api->psp"], calls)
