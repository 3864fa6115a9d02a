"""A vendor's service (a payment API, a managed identity provider) whose instance count the review does
not state has no instance failure of the review's own: its instances are the vendor's. Its failure as
a whole stays a SPOF. Before, the bundled example rated its payment provider and its identity
provider critical because "one instance dies routinely"."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Journey, Review


def review(replicas: int | None) -> Review:
    r = Review()
    r.add(Component(id="checkout", user_facing=True, replicas=2))
    r.add(Component(id="payments", kind="external_api", availability=99.95, replicas=replicas))
    r.add(Dependency("checkout", "payments"))
    r.add(Journey(id="pay", entry=["checkout"], critical=True))
    return r


def test_a_vendor_service_fails_as_a_whole_not_by_instance():
    a = analyze(review(None))
    keys = {(s["element"], s["element_type"]) for s in a.spofs}
    assert ("payments", "component") in keys
    assert not any(t == "instance" and e.startswith("payments") for e, t in keys)
    risk = a.risk("spof:component:payments")
    assert risk["title"] == "payments is a single point of failure (component failure)"
    assert not any("dies routinely" in x for x in risk["inputs"])
    assert risk["launch_blocking"]  # its outage still takes the critical journey down
    assumption = next(x for x in a.assumptions if x["id"] == "vendor-instances")
    assert assumption["elements"] == ("payments",)


def test_stated_instances_of_a_vendor_service_are_analysed():
    a = analyze(review(1))
    keys = {(s["element"], s["element_type"]) for s in a.spofs}
    assert ("payments#0", "instance") in keys
    assert a.risk("spof:component:payments")["title"].endswith("(instance and component failure)")
    assert not any(x["id"] == "vendor-instances" for x in a.assumptions)
