"""Session 28: what the verdict says about the kinds an import guessed, and how failure domains are named."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, FailureDomain, Review
from prr_app.wording import domain_name


def _imported() -> Review:
    r = Review()
    r.add(Component(id="frontend", user_facing=True))
    for c in ("ads", "cart", "catalog"):
        r.add(Component(id=c))
    # found by an import (they carry its evidence): the caller's handling of a failure is unknown
    r.add(Dependency("frontend", "ads", evidence=["compose.yaml:12: frontend environment AD_ADDR=ads"]))
    r.add(Dependency("frontend", "cart", evidence=["compose.yaml:13: frontend environment CART_ADDR=cart"]))
    # stated by hand (no evidence) and one with a fallback: not guesses
    r.add(Dependency("frontend", "catalog"))
    r.add(Dependency("cart", "catalog", fallback="cached list", evidence=["compose.yaml:20"]))
    return r


def test_calls_an_import_found_taken_as_hard_are_named_among_the_assumptions_and_on_the_verdict():
    a = analyze(_imported(), today="2026-12-07")
    hit = [x for x in a.assumptions if x["id"] == "hard-inferred"]
    assert len(hit) == 1 and list(hit[0]["elements"]) == ["frontend->ads", "frontend->cart"] and hit[0]["count"] == 2
    # the SPOFs rest on them: the verdict's own list of what decided it names them
    said = [s for s in a.verdict["assumptions"] if "an import found" in s]
    assert len(said) == 1 and said[0].startswith("2 calls an import found are taken as hard")
    assert "frontend->ads" in said[0] and "state as soft" in said[0]


def test_a_review_written_by_hand_has_no_such_assumption():
    r = _imported()
    for d in r.dependencies.values():
        d.evidence = []
    a = analyze(r, today="2026-12-07")
    assert not [x for x in a.assumptions if x["id"] == "hard-inferred"]
    assert not [s for s in a.verdict["assumptions"] if "an import found" in s]


def test_a_domain_whose_id_says_its_kind_is_named_once():
    assert domain_name("cluster", "cluster") == "cluster"
    assert domain_name("host", "docker-host") == "docker-host"
    assert domain_name("zone", "zone_b") == "zone_b"
    assert domain_name("cluster", "k8s-eu") == "cluster k8s-eu"
    assert domain_name("zone", "eu-central-1a") == "zone eu-central-1a"
    r = Review()
    r.add(FailureDomain(id="cluster", kind="cluster"))
    r.add(Component(id="web", user_facing=True, replicas=2, shared_domains=["cluster"]))
    a = analyze(r, today="2026-12-07")
    risk = a.risk("spof:domain:cluster")
    assert risk["title"] == "cluster is a single point of failure"
    assert "cluster cluster" not in risk["description"] + risk["mitigation"]


def test_a_queue_spof_tells_synchronous_publishers_from_consumers():
    """As imports record a broker's callers (a producer's call hard, a consumer's read soft): the outbox
    advice goes to the producer only; the consumer catches up and needs no fix."""
    r = Review()
    r.add(Component(id="front", user_facing=True))
    r.add(Component(id="shipping"))
    r.add(Component(id="worker"))
    r.add(Component(id="mq", kind="queue"))
    r.add(Dependency("front", "shipping"))
    r.add(Dependency("shipping", "mq"))
    r.add(Dependency("worker", "mq", kind="soft"))
    mit = analyze(r, today="2026-12-07").risk("spof:component:mq")["mitigation"]
    assert "shipping calls it synchronously: an outbox in the caller" in mit
    assert "worker reads its work from it and catches up once it is back" in mit
    assert "worker calls" not in mit and "so that user-facing front can survive its outage" in mit


def test_a_worker_reading_its_work_from_a_queue_is_no_entry_point():
    """Nothing is marked user-facing (an import): the sources of the graph are taken as entry points, but
    a consumer nothing calls (its soft dependency on a queue: its poll) is no front door, so its own
    failure and its datastore's are no SPOFs of users."""
    r = Review()
    for c, kind in (("front", "service"), ("checkout", "service"), ("kafka", "queue"), ("accounting", "service"),
                    ("ledger-db", "datastore")):
        r.add(Component(id=c, kind=kind))
    r.add(Dependency("front", "checkout"))
    r.add(Dependency("checkout", "kafka"))
    r.add(Dependency("accounting", "kafka", kind="soft"))
    r.add(Dependency("accounting", "ledger-db"))
    a = analyze(r, today="2026-12-07")
    assert a.summary["user_facing"] == ["front"]
    spofs = {s["element"] for s in a.spofs if s["element_type"] == "component"}
    assert spofs == {"front", "checkout", "kafka"}  # not accounting, nor ledger-db it alone calls
    # a review made of workers only keeps them as its entries (something must be judged)
    w = Review()
    w.add(Component(id="q", kind="queue"))
    w.add(Component(id="worker"))
    w.add(Dependency("worker", "q", kind="soft"))
    assert analyze(w, today="2026-12-07").summary["user_facing"] == ["worker"]
