"""Session 29: readiness evidence found on the OpenTelemetry demo and Spring PetClinic.

* a reviewer's answer showing a gap counts as the proposal did (same finding id, same words), on any
  item whose template item names the extractor, also when no proposal is left (confirmed, or typed by hand);
* probes missing from a Compose file are worded as a missing healthcheck, not as Kubernetes probes;
* a rejection survives a re-import that only moved the evidence's lines; a changed finding is news;
* a proposal withdrawn because its item no longer applies to the element says so.
"""
from __future__ import annotations

import textwrap

from prr_app.analysis.findings import evidence_gap_risk, evidence_gaps, evidence_items
from prr_app.checklist import load_template, set_answer
from prr_app.checklist.proposals import refresh, same_finding
from prr_app.model.entities import ChecklistAnswer, Component, Proposal, Review
from prr_app.review.edits import apply_changes
from prr_app.review.importing import import_review
from prr_app.review.proposals import decide_changes

COMPOSE = """\
services:
  frontend:
    image: shop/frontend:1.0
    ports: ["8080:8080"]
    depends_on: [cart]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
  cart:
    image: shop/cart:1.0
    depends_on: [valkey]
  valkey:
    image: valkey/valkey:8
    healthcheck:
      test: ["CMD", "valkey-cli", "ping"]
"""


def _import(root, text=COMPOSE, into=None):
    root.mkdir(exist_ok=True)
    (root / "compose.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return import_review([root], into=into)


# ------------------------------------------------------------------ 1. answers count as proposals do
def _gaps(review, items=None):
    return {f["id"]: f for f in evidence_gaps(review, {"cart"}, {}, items)}


def test_a_confirmed_not_met_proposal_is_the_same_finding(tmp_path):
    review = _import(tmp_path / "shop").review
    assert review.proposals["svc.probes@cart"].status == "not_met"
    items = evidence_items(load_template("prr-default"))
    assert items == {"svc.disruption-budget": "k8s.pdb", "svc.probes": "k8s.probes"}
    before = _gaps(review, items)["evidence:k8s.probes:cart"]
    apply_changes(review, decide_changes(review, ["svc.probes@cart"], by="ana"))
    assert "svc.probes@cart" not in review.proposals and review.answers["svc.probes@cart"].status == "not_met"
    after = _gaps(review, items)
    # the confirm keeps the finding: same id, reason and words (its evidence as the answer holds it)
    assert "evidence:k8s.probes:cart" in after
    f = after["evidence:k8s.probes:cart"]
    assert f["reason"] == before["reason"] and f["answered_by_reviewer"]
    assert evidence_gap_risk(f)["description"] == evidence_gap_risk(before)["description"]
    assert "compose.yaml:" in f["evidence"][0]
    # without the template's items (an analysis without the checklist) only proposals count, as before
    assert "evidence:k8s.probes:cart" not in _gaps(review)


def test_an_answer_typed_by_hand_counts_with_what_the_reviewer_wrote():
    review = Review()
    review.add(Component(id="db", kind="datastore"))
    review.add(Component(id="api", kind="service"))
    set_answer(review, "svc.probes@db", status="not_met", evidence="https://wiki/db-chart", note="no probes in the chart",
               by="ana")
    set_answer(review, "svc.disruption-budget@api", status="partly", by="ana")
    set_answer(review, "svc.probes@api", status="met", by="ana")  # no gap
    items = evidence_items(load_template("prr-default"))
    gaps = _gaps(review, items)
    assert set(gaps) == {"evidence:k8s.probes:db", "evidence:k8s.pdb:api"}
    assert gaps["evidence:k8s.probes:db"]["reason"] == "no probes in the chart"
    assert gaps["evidence:k8s.probes:db"]["evidence"] == ["https://wiki/db-chart"]
    assert gaps["evidence:k8s.pdb:api"]["reason"] == "answered partly by ana, with no evidence given"
    # an item whose template item names no extractor is no finding, whatever its answer
    review.answers["svc.other@db"] = ChecklistAnswer("svc.other@db", status="not_met")
    assert set(_gaps(review, items)) == set(gaps)


def test_a_reviewers_answer_decides_over_a_rejected_proposal():
    review = Review()
    review.add(Component(id="db", kind="datastore"))
    review.proposals["svc.probes@db"] = Proposal("svc.probes@db", "not_met", "no probe: db.yaml:3", ["no probe: db.yaml:3"],
                                                 "k8s.probes", rejected_by="ana")
    items = {"svc.probes": "k8s.probes"}
    assert _gaps(review, items) == {}  # rejected: no finding
    set_answer(review, "svc.probes@db", status="not_met", by="bo")
    f = _gaps(review, items)["evidence:k8s.probes:db"]
    assert f["reason"] == "no probe: db.yaml:3" and f["evidence"] == ["no probe: db.yaml:3"]


# ------------------------------------------------------------------ Compose words
def test_missing_compose_healthcheck_is_not_worded_as_kubernetes_probes(tmp_path):
    review = _import(tmp_path / "shop").review
    f = _gaps(review)["evidence:k8s.probes:cart"]
    words = evidence_gap_risk(f)
    assert words["title"] == "cart: no healthcheck"
    assert "probe" not in words["title"] and "liveness" not in words["description"]
    assert "Compose service a healthcheck" in words["mitigation"]
    k8s = dict(f, reason="no liveness or readiness probe on any container of Deployment cart: app.yaml:1",
               evidence=["no liveness or readiness probe on any container of Deployment cart: app.yaml:1"])
    assert evidence_gap_risk(k8s)["title"] == "cart: no liveness or readiness probe"


# ------------------------------------------------------------------ 2. a rejection survives moved lines
def test_a_rejection_survives_a_re_import_that_only_moved_the_lines(tmp_path):
    root = tmp_path / "shop"
    review = _import(root).review
    apply_changes(review, decide_changes(review, ["svc.probes@cart"], reject=True, by="ana"))
    old = review.proposals["svc.probes@cart"]
    # a comment line at the top of compose.yaml moves every line by one
    again = _import(root, "# reviewed 2026-12\n" + COMPOSE, into=review).review
    p = again.proposals["svc.probes@cart"]
    assert p.evidence != old.evidence  # the line moved ...
    assert p.rejected_by == "ana"  # ... the rejection stays
    # another finding is news: cart gets a healthcheck (partly: Compose has no separate readiness check)
    changed = COMPOSE.replace("    depends_on: [valkey]\n",
                              "    depends_on: [valkey]\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n")
    third = _import(root, changed, into=again).review
    assert third.proposals["svc.probes@cart"].status == "partly" and not third.proposals["svc.probes@cart"].rejected_by


def test_same_finding_ignores_line_positions_only():
    a = Proposal("svc.probes@cart", "not_met", "Compose service cart has no healthcheck: compose.yaml:80",
                 ["Compose service cart has no healthcheck: compose.yaml:80"], "k8s.probes")

    def b(**kw):
        return Proposal(**{"item": a.item, "status": a.status, "reason": a.reason.replace(":80", ":81"),
                           "evidence": [e.replace(":80", ":81") for e in a.evidence], "extractor": a.extractor, **kw})

    assert same_finding(a, b())
    assert not same_finding(a, b(status="partly"))
    assert not same_finding(a, b(evidence=["Compose service cart has no healthcheck: compose.agent.yaml:81"]))
    assert not same_finding(a, b(reason="Compose service cart: healthcheck disabled: compose.yaml:81"))
    # numbers that are not a file's line are compared as they are
    port = Proposal(a.item, "met", "readiness probe (httpGet /healthz port 8080): d/app.yaml:42", [], "k8s.probes")
    moved = Proposal(a.item, "met", "readiness probe (httpGet /healthz port 8080): d/app.yaml:43", [], "k8s.probes")
    other = Proposal(a.item, "met", "readiness probe (httpGet /healthz port 9090): d/app.yaml:42", [], "k8s.probes")
    assert same_finding(port, moved) and not same_finding(port, other)


def test_refresh_keeps_a_rejection_whose_lines_moved():
    review = Review()
    review.add(Component(id="cart", kind="service"))
    review.proposals = {"svc.probes@cart": Proposal("svc.probes@cart", "not_met", "no healthcheck: compose.yaml:80",
                                                    ["no healthcheck: compose.yaml:80"], "k8s.probes",
                                                    rejected_by="ana", rejected_at="2026-12-01T00:00:00+00:00")}
    new = {"svc.probes@cart": Proposal("svc.probes@cart", "not_met", "no healthcheck: compose.yaml:81",
                                       ["no healthcheck: compose.yaml:81"], "k8s.probes")}
    assert refresh(review, new) == []
    assert review.proposals["svc.probes@cart"].rejected_by == "ana"
    assert review.proposals["svc.probes@cart"].evidence == ["no healthcheck: compose.yaml:81"]  # the new place


# ------------------------------------------------------------------ 3. withdrawn: why
def test_a_proposal_whose_item_no_longer_applies_says_why(tmp_path):
    root = tmp_path / "shop"
    review = _import(root).review
    assert "svc.probes@cart" in review.proposals
    review.components["cart"].tags = [*review.components["cart"].tags, "telemetry"]
    res = _import(root, into=review)
    lines = [c for c in res.report.changes if c.startswith("proposal svc.probes@cart:")]
    assert lines and all("the evidence is no longer there" not in c for c in lines), res.report.changes
    assert lines[0].startswith("proposal svc.probes@cart: withdrawn (the item is no longer asked of it: "
                               "component 'cart' no longer matches")
    # evidence that really went is still said so
    gone = Review()
    gone.add(Component(id="cart", kind="service"))
    gone.proposals = {"svc.probes@cart": Proposal("svc.probes@cart", "met", "x", ["x"], "k8s.probes")}
    assert refresh(gone, {}) == ["proposal svc.probes@cart: withdrawn (the evidence is no longer there)"]
