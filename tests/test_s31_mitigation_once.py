"""A mitigation linked to a risk and to an alias of it (``spof:instance:X`` is folded into
``spof:component:X``: one root cause) is one piece of work: listed once on the risk, its effort
counted once. It was listed twice, and a large fix read as 30 days instead of 15."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Journey, Mitigation, Review


def _shop(links: list[str]) -> Review:
    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2))
    r.add(Component(id="cart"))  # one instance: its instance and component SPOFs are one risk
    r.add(Dependency("web", "cart"))
    r.add(Journey(id="buy", entry=["web"], slo=99.9))
    r.add(Mitigation(id="m1", title="run two cart pods", risks=links, effort="large"))
    return r


def _cart_risk(review: Review):
    a = analyze(review, today="2026-06-01")
    (risk,) = [r for r in a.risks if r["id"] == "spof:component:cart"]
    return risk


def test_a_mitigation_linked_to_a_risk_and_its_alias_is_listed_and_costed_once():
    both = _cart_risk(_shop(["spof:component:cart", "spof:instance:cart"]))
    one = _cart_risk(_shop(["spof:component:cart"]))
    assert [m["id"] for m in both["mitigations"]] == ["m1"]
    assert both["effort"] == one["effort"]
    assert both["effort"]["days"] == 15


def test_linked_through_the_alias_alone_it_still_reaches_the_risk():
    risk = _cart_risk(_shop(["spof:instance:cart"]))
    assert [m["id"] for m in risk["mitigations"]] == ["m1"]
    assert risk["effort"]["days"] == 15
