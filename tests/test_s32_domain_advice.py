"""Round 32: a domain's advice names the members of the redundancy groups it takes down whole. No member
is a single point of failure alone, so "Run api, web in a second region" left the database pair (both
in the region) out, and a second region as advised survived nothing (an SRE's hand-written review)."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import (Component, Dependency, FailureDomain, Journey, RedundancyGroup, ResiliencePolicy,
                                    Review)
from prr_app.review import plans as P
from prr_app.review.assess import assess


def _review(db2_zone: str = "zone-a") -> Review:
    r = Review()
    r.meta.system_name, r.meta.tier = "Trap", 1
    r.policy = ResiliencePolicy(survive=["instance", "component", "zone", "region"])
    r.add(FailureDomain(id="eu", kind="region"))
    r.add(FailureDomain(id="us", kind="region"))
    for z, p in (("zone-a", "eu"), ("zone-b", "eu"), ("zone-c", "us")):
        r.add(FailureDomain(id=z, kind="zone", parent=p))
    r.add(Component(id="web", kind="service", user_facing=True, slo=99.0, replicas=2, placement=["zone-a", "zone-b"]))
    r.add(Component(id="api", kind="service", replicas=2, placement=["zone-a", "zone-b"]))
    r.add(Component(id="db-1", kind="datastore", replicas=1, placement=["zone-a"]))
    r.add(Component(id="db-2", kind="datastore", replicas=1, placement=[db2_zone]))
    r.add(RedundancyGroup(id="dbgrp", members=["db-1", "db-2"], min_up=1))
    r.add(Dependency("web", "api", "hard", timeout_ms=300))
    r.add(Dependency("api", "dbgrp", "hard", timeout_ms=100))
    r.add(Journey(id="buy", name="buy", entry=["web"], critical=True))
    return r


def test_the_region_advice_moves_the_group_it_takes_down():
    a = analyze(_review(), today="2026-12-08")
    risk = a.risk("spof:domain:eu")
    assert {"api", "web", "db-1", "db-2"} <= set(risk["components"])
    assert "Run api, db-1, db-2, web in a second region" in risk["mitigation"]
    changes = P.suggested_plan(_review(), assess(_review(), today="2026-12-08").to_dict()).changes
    moved = {c.args.get("component") for c in changes if c.reason and "spof:domain:eu" in c.reason}
    assert {"db-1", "db-2"} <= moved


def test_a_group_the_domain_leaves_standing_is_not_named():
    a = analyze(_review(db2_zone="zone-c"), today="2026-12-08")  # db-2 in another region: the group stands
    risk = a.risk("spof:domain:eu")
    assert risk is not None and "db-1" not in risk["components"] and "db-2" not in risk["components"]
