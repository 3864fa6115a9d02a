"""Session 30: a reviewer's decisions on a risk that splits follow its parts.

Found on Online Boutique as imported: a mitigation of ``cascade:no-timeout`` ("no hard call states a
timeout") was cut loose as soon as one call stated a timeout: the risk split into one
``cascade:no-timeout:<component>`` per caller, none with the mitigation or its owner, and the
decision was listed as stale. docs/analysis.md, "Reviewer decisions", "A risk that splits".
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prr_app.analysis import analyze
from prr_app.analysis.risks import SUMS_OF_PARTS, split_part_of
from prr_app.cli.main import main
from prr_app.review.document import load_review
from prr_app.model.entities import Acceptance, Component, Dependency, Mitigation, Review, Risk

TODAY = "2026-12-07"
BOUTIQUE = Path("/work/shared/realdata/online-boutique/kubernetes-manifests.yaml")


def _imported(n_callers: int = 4) -> Review:
    """As an import gives it: callers -> api -> db, every call hard, no timeout or breaker stated."""
    r = Review()
    r.add(Component(id="api"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("api", "db"))
    for i in range(n_callers):
        r.add(Component(id=f"web{i}", user_facing=True))
        r.add(Dependency(f"web{i}", "api"))
    return r


def _split(r: Review) -> None:
    """One call states a timeout: ``cascade:no-timeout`` is one risk per calling component again."""
    r.dependencies["web0->api"].timeout_ms = 200


def _parts(a) -> dict:
    return {x["id"]: x for x in a.risks if x["id"].startswith("cascade:no-timeout:")}


def test_a_mitigation_of_a_risk_that_split_is_on_each_of_its_parts_its_effort_counted_once():
    r = _imported()
    r.add(Risk(id="cascade:no-timeout", origin="computed"))
    r.add(Mitigation(id="m1", title="default timeouts in the gRPC client", owner="platform", due="2027-01-15",
                     effort="medium", risks=["cascade:no-timeout"]))
    whole = analyze(r, checklist=None, today=TODAY).risk("cascade:no-timeout")
    assert whole["owner"] == "platform" and [m["id"] for m in whole["mitigations"]] == ["m1"]
    _split(r)
    a = analyze(r, checklist=None, today=TODAY)
    parts = _parts(a)
    assert sorted(parts) == ["cascade:no-timeout:api", "cascade:no-timeout:web1", "cascade:no-timeout:web2",
                             "cascade:no-timeout:web3"]
    assert a.stale_decisions == []
    for p in parts.values():
        assert [(m["id"], m["owner"], m["due"], m["status"]) for m in p["mitigations"]] == [
            ("m1", "platform", "2027-01-15", "planned")]
        assert (p["owner"], p["owner_source"]) == ("platform", "mitigation")
        assert any(i.startswith("decided on cascade:no-timeout, which split into 4 risks") for i in p["inputs"])
    # one piece of work: its 5 days are counted on one part, not on four
    days = {rid: p["effort"]["days"] for rid, p in parts.items()}
    assert sum(days.values()) == 5 and sorted(days.values()) == [0, 0, 0, 5]
    first = next(rid for rid, d in days.items() if d == 5)
    assert all(f"the same work as {first}, counted there" in p["effort"]["what"]
               for rid, p in parts.items() if rid != first)
    # done: every part is mitigated
    r.mitigations["m1"].status = "done"
    assert {p["status"] for p in _parts(analyze(r, checklist=None, today=TODAY)).values()} == {"mitigated"}


def test_an_acceptance_of_a_risk_that_split_holds_for_each_part_a_score_override_is_stale():
    r = _imported()
    r.add(Risk(id="cascade:no-timeout", origin="computed", owner="platform", status="accepted",
               override_impact=2, override_reason="internal calls only",
               acceptance=Acceptance(by="alice", at="2026-12-01", reason="mesh timeouts in Q1", until="2027-03-31")))
    whole = analyze(r, checklist=None, today=TODAY).risk("cascade:no-timeout")
    assert whole["status"] == "accepted" and whole["impact"] == 2
    _split(r)
    a = analyze(r, checklist=None, today=TODAY)
    parts = _parts(a)
    for p in parts.values():
        assert p["status"] == "accepted" and p["accepted"]["by"] == "alice" and p["owner"] == "platform"
        assert p["override"] is None and p["impact"] == p["computed_impact"]  # the override did not follow
        assert not p["launch_blocking"]
    [stale] = a.stale_decisions
    assert stale["id"] == "cascade:no-timeout"
    assert "split into 4 risks" in stale["reason"] and "score override (impact 2)" in stale["reason"]
    assert "applies to none of them" in stale["reason"]
    # the acceptance keeps its end: past it, every part is open again
    after = _parts(analyze(r, checklist=None, today="2027-04-01"))
    assert {p["status"] for p in after.values()} == {"open"}


def test_a_parts_own_decision_wins_over_the_wholes():
    r = _imported()
    r.add(Risk(id="cascade:no-timeout", origin="computed", owner="platform"))
    r.add(Risk(id="cascade:no-timeout:api", origin="computed", owner="api-team"))
    r.add(Mitigation(id="m1", title="default timeouts", risks=["cascade:no-timeout", "cascade:no-timeout:api"]))
    _split(r)
    a = analyze(r, checklist=None, today=TODAY)
    parts = _parts(a)
    assert parts["cascade:no-timeout:api"]["owner"] == "api-team"
    assert parts["cascade:no-timeout:web1"]["owner"] == "platform"
    assert [m["id"] for m in parts["cascade:no-timeout:api"]["mitigations"]] == ["m1"]  # listed once
    assert a.stale_decisions == []
    # every part decided on its own: the whole's decision is superseded, and said so
    for i in (1, 2, 3):
        r.add(Risk(id=f"cascade:no-timeout:web{i}", origin="computed", owner="web-team"))
    [stale] = analyze(r, checklist=None, today=TODAY).stale_decisions
    assert stale["id"] == "cascade:no-timeout" and stale["reason"].startswith("superseded: this risk split into")


def test_only_a_sum_of_parts_splits():
    """A risk with a root cause of its own is resolved when that is fixed; its id as a prefix of another
    element's (a component named ``a:b``) is no split, and its decisions do not follow."""
    assert SUMS_OF_PARTS == {"cascade:no-timeout"}
    assert split_part_of("cascade:no-timeout:web1", "cascade:no-timeout")
    assert not split_part_of("cascade:no-timeout", "cascade:no-timeout")
    assert not split_part_of("cascade:no-timeout:", "cascade:no-timeout")
    assert not split_part_of("spof:component:a:b", "spof:component:a")
    r = Review()
    r.add(Component(id="a:b"))
    r.add(Risk(id="spof:component:a", origin="computed", status="accepted",
               acceptance=Acceptance(by="alice", at="2026-12-01", reason="gone soon")))
    a = analyze(r, checklist=None, today=TODAY)
    assert a.risk("spof:component:a:b")["accepted"] is None
    assert [s["id"] for s in a.stale_decisions] == ["spof:component:a"]
    assert "no finding with this id any more" in a.stale_decisions[0]["reason"]


def test_every_risk_that_holds_parts_named_after_it_is_a_sum_of_parts():
    """The register's aggregates whose aliases are ``<its id>:<part>`` are the ones ``split_part_of``
    knows: a new one left out of SUMS_OF_PARTS would cut its decisions loose when it splits."""
    r = _imported()
    examples = sorted(Path(__file__).parent.parent.glob("resources/examples/*.json"))
    assert examples
    for a in (analyze(r, checklist=None), *(analyze(load_review(p), checklist=None) for p in examples)):
        for x in a.risks:
            if x["aliases"] and any(al.startswith(x["id"] + ":") for al in x["aliases"]):
                assert x["id"] in SUMS_OF_PARTS


@pytest.mark.skipif(not BOUTIQUE.exists(), reason="needs ../shared/realdata")
def test_online_boutique_a_mitigation_follows_the_split(tmp_path, capsys):
    """The report's repro, through the CLI: the mitigation of ``cascade:no-timeout`` is on each part once
    one call states a timeout, the owners do not jump, and nothing is stale."""
    ob = tmp_path / "ob.prr"
    assert main(["import", str(BOUTIQUE), "-o", str(ob)]) == 0
    assert main(["risk", "mitigate", str(ob), "cascade:no-timeout", "--title", "add timeouts on gRPC clients",
                 "--owner", "platform", "--due", "2027-01-15", "--today", TODAY]) == 0
    capsys.readouterr()

    def analysed(path) -> dict:
        assert main(["analyze", str(path), "--json", "--today", TODAY]) == 0
        return json.loads(capsys.readouterr().out)

    before = analysed(ob)
    assert main(["set", str(ob), "frontend->checkoutservice", "timeout_ms=500"]) == 0
    capsys.readouterr()
    after = analysed(ob)
    assert after["stale_decisions"] == []
    parts = [x for x in after["risks"] if x["id"].startswith("cascade:no-timeout:")]
    assert len(parts) >= 2
    for p in parts:
        assert p["owner"] == "platform" and [m["title"] for m in p["mitigations"]] == ["add timeouts on gRPC clients"]

    def unowned(a):
        return sum(1 for x in a["risks"] if x["severity"] in ("critical", "high") and x["status"] == "open"
                   and not x["owner"])

    assert unowned(after) == unowned(before)
    # the work is counted once: the parts' days add up to the whole's
    whole = next(x for x in before["risks"] if x["id"] == "cascade:no-timeout")
    assert sum(p["effort"]["days"] for p in parts) == whole["effort"]["days"]
    assert main(["summary", str(ob)]) == 0
    assert "mitigations: 1" in capsys.readouterr().out
