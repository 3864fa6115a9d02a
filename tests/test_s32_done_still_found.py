"""Round 32: a mitigation marked done on a launch-blocking SPOF that the model still shows made
``prr gate`` pass and ``prr analyze`` say READY (a zone SPOF: both database replicas stayed in zone-a);
only the PDF's cover said "marked done, not fixed". The claim does not clear the blocker now, and
every face says why; a reviewer's own risk marked mitigated still stops blocking."""
from __future__ import annotations

import json

from prr_app.cli.main import main
from prr_app.model.entities import (Component, Dependency, FailureDomain, Journey, Mitigation, RedundancyGroup,
                                    Review, Risk)
from prr_app.review.assess import assess

STILL = "marked done, but the analysis still finds it: update the model or reopen"


def _mini(done: bool) -> Review:
    r = Review()
    r.meta.system_name, r.meta.tier = "Mini", 1
    r.add(FailureDomain(id="eu", kind="region"))
    for z in ("zone-a", "zone-b"):
        r.add(FailureDomain(id=z, kind="zone", parent="eu"))
    r.add(Component(id="web", kind="service", user_facing=True, slo=99.0, replicas=2, placement=["zone-a", "zone-b"]))
    for db in ("db-1", "db-2"):  # the pair shares zone-a: the zone takes both down
        r.add(Component(id=db, kind="datastore", replicas=1, placement=["zone-a"]))
    r.add(RedundancyGroup(id="dbgrp", members=["db-1", "db-2"], min_up=1))
    r.add(Dependency("web", "dbgrp", "hard", timeout_ms=200))
    r.add(Journey(id="buy", name="buy", entry=["web"], critical=True))
    if done:
        r.add(Risk(id="spof:domain:zone-a", origin="computed"))  # the record a mitigation links to
        r.add(Mitigation(id="m1", title="Move db-2 to zone-b", owner="dba", due="2026-12-01", status="done",
                         risks=["spof:domain:zone-a"]))
    return r


def test_a_done_mitigation_the_model_contradicts_does_not_clear_the_blocker():
    a = assess(_mini(True), today="2026-12-08")
    risk = a.risk("spof:domain:zone-a")
    assert risk["status"] == "mitigated" and risk["launch_blocking"] and risk["blocking_rule"]
    assert "spof:domain:zone-a" in a.verdict["launch_blockers"] and a.verdict["verdict"] == "not-ready"
    assert any(f"(mitigation “Move db-2 to zone-b” {STILL})" in c for c in a.verdict["causes"])


def test_gate_fails_and_analyze_says_why(capsys, tmp_path):
    f = tmp_path / "mini.json"
    from prr_app.interchange.json_io import write_json

    write_json(_mini(True), f)
    assert main(["gate", str(f)]) != 0
    cap = capsys.readouterr()
    out = cap.out + cap.err
    assert "VERDICT not ready" in out and STILL in out
    assert main(["analyze", str(f)]) == 0
    out = capsys.readouterr().out
    assert "VERDICT: NOT-READY" in out and f"zone-a (launch blocker: mitigation “Move db-2 to zone-b” {STILL})" in out
    assert main(["analyze", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "spof:domain:zone-a" in doc["verdict"]["launch_blockers"]


def test_fixed_in_the_model_the_risk_leaves_the_register():
    r = _mini(True)
    r.components["db-2"].placement = ["zone-b"]
    a = assess(r, today="2026-12-08")
    assert a.risk("spof:domain:zone-a") is None or not a.risk("spof:domain:zone-a")["launch_blocking"]
    assert "spof:domain:zone-a" not in a.verdict["launch_blockers"]


def test_a_reviewers_own_risk_marked_done_no_longer_blocks():
    r = _mini(False)
    r.add(Risk(id="psp", origin="manual", title="Single payment vendor", likelihood=4, impact=5,
               launch_blocking=True, launch_blocking_reason="no second vendor"))
    assert "psp" in assess(r, today="2026-12-08").verdict["launch_blockers"]
    r.add(Mitigation(id="m2", title="Second vendor", owner="pay", due="2026-12-01", status="done", risks=["psp"]))
    a = assess(r, today="2026-12-08")
    assert a.risk("psp")["status"] == "mitigated" and not a.risk("psp")["launch_blocking"]
