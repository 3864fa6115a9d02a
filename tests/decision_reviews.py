"""Reviews the decision tests share (issue 17, as an independent check built them): a shop whose import
proposed readiness gaps, a redundant system that only a reviewer's risks decide, and the same with a 5 x 5
risk accepted until before the launch."""
from __future__ import annotations

from pathlib import Path

from prr_app.model.entities import (
    Acceptance,
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Proposal,
    RedundancyGroup,
    Review,
    Risk,
)
from prr_app.reporting.assessment import build_assessment


def evidence_review() -> Review:
    """A shop whose import proposed "no disruption budget" for cart and "no probes" for db, every
    component owned by shop-team: the owners and an effort must reach the evidence risks."""
    r = Review()
    r.meta.tier = 2
    r.add(Component(id="web", kind="frontend", user_facing=True, owner="web-team"))
    r.add(Component(id="cart", owner="shop-team"))
    r.add(Component(id="db", kind="datastore", owner="data-team"))
    r.add(Dependency("web", "cart"))
    r.add(Dependency("cart", "db"))
    r.add(Journey("buy", "Buy", entry=["web"], critical=True, slo=99.0))
    r.proposals["svc.disruption-budget@cart"] = Proposal(
        item="svc.disruption-budget@cart", status="not_met", extractor="k8s.pdb",
        reason="no PodDisruptionBudget selects cart", evidence=["Deployment cart: 1 replica(s): k8s.yaml:3"])
    r.proposals["svc.probes@db"] = Proposal(
        item="svc.probes@db", status="not_met", extractor="k8s.probes",
        reason="no liveness or readiness probe", evidence=["no liveness or readiness probe: k8s.yaml:30"])
    return r


def rules_review() -> Review:
    """Two gateways and two APIs in redundancy groups over two zones, all owned and observed: nothing
    computed is high. What decides is the reviewer's risks added to it."""
    r = Review()
    r.meta.system_name, r.meta.tier = "rules-test", 2
    r.meta.review_date, r.meta.target_launch = "2026-12-01", "2027-01-15"
    r.add(FailureDomain(id="p", kind="provider"))
    r.add(FailureDomain(id="r", kind="region", parent="p"))
    for z in ("za", "zb"):
        r.add(FailureDomain(id=z, kind="zone", parent="r"))
    for cid, kind in (("web-a", "gateway"), ("web-b", "gateway"), ("api-a", "service"), ("api-b", "service")):
        r.add(Component(id=cid, kind=kind, owner="team-a", replicas=2, placement=["za", "zb"], availability=99.99,
                        recovery="automatic", rto_minutes=10, rpo_minutes=5,
                        slo=99.9 if cid.startswith("web") else None))
    r.add(RedundancyGroup("web", name="web", members=["web-a", "web-b"], min_up=1))
    r.add(RedundancyGroup("api", name="api", members=["api-a", "api-b"], min_up=1))
    for s in ("web-a", "web-b"):
        r.add(Dependency(s, "api", timeout_ms=200, retries=1, backoff=True))
    r.add(Journey("j", "Journey", entry=["web"], slo=99.5, critical=True))
    for it in build_assessment(r).unanswered_blockers():  # every blocker item answered met
        r.add(ChecklistAnswer(item=it.key, status="met", evidence="https://wiki.example/prr/" + it.key))
    return r


def v3_review() -> Review:
    """A reviewer's 5 x 5 risk accepted until 2026-12-31, the launch on 2027-01-15: it blocks."""
    r = rules_review()
    r.add(Risk(id="rev-1", title="Vendor may go bankrupt", likelihood=1, impact=5, components=["api-a"], owner="team-a"))
    r.add(Risk(id="rev-2", title="Data centre flood", likelihood=5, impact=5, components=["api-b"], owner="team-a",
               status="accepted",
               acceptance=Acceptance(by="Boss", at="2026-12-01", reason="accepted", until="2026-12-31")))
    return r


REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


def online_boutique_owned() -> Review:
    """Online Boutique imported as it is, then completed as a lead would: tier 2, a critical journey with
    an SLO through its user-facing components, shop-team owning every component, every blocker item
    answered met. Its readiness-evidence risks (no disruption budget, no probes) must be owned."""
    from prr_app.review.importing import import_review

    r = import_review([REALDATA / "online-boutique"]).review
    r.meta.tier, r.meta.review_date, r.meta.target_launch = 2, "2026-12-01", "2026-12-20"
    for c in r.components.values():
        c.owner = "shop-team"
    uf = sorted(c.id for c in r.components.values() if c.user_facing)
    r.add(Journey("shop", "Shop and check out", entry=uf, slo=99.5, critical=True))
    a = build_assessment(r)
    for it in a.unanswered_blockers() + a.checklist_blockers():
        r.add(ChecklistAnswer(item=it.key, status="met", evidence="https://wiki.example/prr/" + it.key))
    return r
