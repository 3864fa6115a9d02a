"""Session 30 fixes of `prr plan`, each on the real import where it was found (Online Boutique's
kubernetes-manifests.yaml; docs/diff-and-plans.md, "Mitigation plans").

1. a change that completes or implements a mitigation is due when the mitigation is (so it is OVERDUE
   when the mitigation is past due), lists the mitigation it completes, and the plan's owners are the
   changes' owners (not a mitigation's owner when the change names another);
2. the reviewer's checklist answer follows an item that add-alternative renames (a component's item is
   its group's): a blocker answered not met stays not met, it does not become "unanswered";
3. a risk that only comes apart (cascade:no-timeout into one risk per component, once one call states a
   timeout) is counted once, by root cause, in the plan's risk count and open risk score.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from prr_app.model.entities import ChecklistAnswer, Mitigation, Risk
from prr_app.review import plans as P
from prr_app.review.document import load_review
from tests.test_plans import jsonschema_validate  # schemas/plan.schema.json, its diff part too

ROOT = Path(__file__).resolve().parent.parent
PRR = ROOT / ".venv" / "bin" / "prr"
MANIFESTS = Path("/work/shared/realdata/online-boutique/kubernetes-manifests.yaml")
TODAY = "2027-03-01"  # after the mitigation's due date: it is past due


@pytest.fixture(scope="module")
def ob_file(tmp_path_factory) -> Path:
    if not MANIFESTS.exists():
        pytest.skip(f"{MANIFESTS} not available")
    out = tmp_path_factory.mktemp("ob") / "ob.prr"
    subprocess.run([str(PRR), "import", str(MANIFESTS), "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture()
def ob(ob_file):
    return load_review(ob_file)


def _with_mitigation(review, **kw):
    m = Mitigation("mit-cart-ha", title="replicate cartservice", owner="cart-team", due="2027-02-01",
                   effort="small", risks=["spof:component:cartservice"], **kw)
    review.risks.setdefault(m.risks[0], Risk(m.risks[0], origin="computed"))
    review.mitigations[m.id] = m
    return review


# -- 1 -------------------------------------------------------------------------------------------------
def test_completing_a_mitigation_keeps_its_due_date_and_is_overdue_past_it(ob):
    review = _with_mitigation(ob)
    res = P.evaluate(review, P.Plan("p", [P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"})]),
                     today=TODAY)
    jsonschema_validate(json.loads(json.dumps(res)))
    c = res["changes"][0]
    assert (c["due"], c.get("overdue"), c["owner"], c["effort"]) == ("2027-02-01", True, "cart-team", "small")
    assert c["mitigations"] == ["mit-cart-ha"]  # the mitigation it completes is the one it does
    assert res["plan"]["changes"][0]["due"] == "2027-02-01"
    text = "\n".join(P.plan_lines(res))
    assert "complete mitigation mit-cart-ha  (owner cart-team; due 2027-02-01, OVERDUE: already past)" in text
    # before the due date: the date, not overdue
    res = P.evaluate(review, P.Plan("p", [P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"})]),
                     today="2027-01-15")
    assert res["changes"][0]["due"] == "2027-02-01" and "overdue" not in res["changes"][0]


def test_a_change_implementing_mitigations_is_due_at_the_earliest_still_to_do(ob):
    review = _with_mitigation(ob)
    review.mitigations["mit-later"] = Mitigation("mit-later", title="later", due="2027-06-01")
    review.mitigations["mit-done"] = Mitigation("mit-done", title="done", due="2026-01-01", status="done")
    plan = P.plan_from_dict({"format": "prr-plan", "name": "p", "changes": [
        {"op": "add-replica", "component": "cartservice", "mitigations": ["mit-later", "mit-cart-ha", "mit-done"]},
        {"op": "add-replica", "component": "redis-cart", "mitigations": ["mit-cart-ha"], "due": "2027-04-01"}]})
    res = P.evaluate(review, plan, today=TODAY)
    first, second = res["changes"]
    # a mitigation done is due no more; of the others the earliest, and it is past
    assert (first["due"], first.get("overdue")) == ("2027-02-01", True)
    assert second["due"] == "2027-04-01" and "overdue" not in second  # what a change states is kept


def test_the_plans_owners_are_who_does_its_changes(ob):
    review = _with_mitigation(ob)
    res = P.evaluate(review, P.Plan("p", [
        P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"}, owner="platform-team"),
        P.Change("add-replica", {"component": "redis-cart"}, mitigations=["mit-cart-ha"], owner="data-team")]),
        today=TODAY)
    assert [c["owner"] for c in res["changes"]] == ["platform-team", "data-team"]
    assert res["owners"] == ["data-team", "platform-team"]  # no cart-team: none of its changes is theirs
    res = P.evaluate(review, P.Plan("p", [P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"})]),
                     today=TODAY)
    assert res["owners"] == ["cart-team"]  # unsaid: the mitigation's owner does it


def test_cli_complete_gives_the_mitigations_due_date(ob_file, tmp_path):
    prr = tmp_path / "ob.prr"
    prr.write_bytes(ob_file.read_bytes())
    subprocess.run([str(PRR), "risk", "mitigate", str(prr), "spof:component:cartservice", "--title", "replicate",
                    "--owner", "cart-team", "--due", "2027-02-01", "--effort", "small"], check=True,
                   capture_output=True)
    listed = json.loads(subprocess.run([str(PRR), "risk", "list", str(prr), "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    mid = next(m["id"] for r in listed["risks"] for m in r.get("mitigations", []))
    out = subprocess.run([str(PRR), "plan", str(prr), "--complete", mid, "--owner", "sre", "--json"],
                         check=True, capture_output=True, text=True).stdout
    res = json.loads(out)
    assert res["changes"][0]["due"] == "2027-02-01" and res["changes"][0]["mitigations"] == [mid]
    assert res["owners"] == ["sre"]


# -- 2 -------------------------------------------------------------------------------------------------
def _not_met(review, key):
    review.answers[key] = ChecklistAnswer(item=key, status="not_met", owner="cart-team", due="2027-01-15",
                                          note="no dashboards yet")
    return review


def test_an_answer_not_met_follows_the_item_to_the_group(ob):
    review = _not_met(ob, "obs.golden-signals@cartservice")
    res = P.evaluate(review, P.Plan("p", [P.Change("add-alternative", {"component": "cartservice"})]), today=TODAY)
    b, a = res["before"], res["after"]
    assert (b["checklist_blockers"], a["checklist_blockers"]) == (1, 1)
    assert a["checklist_unanswered_blockers"] == b["checklist_unanswered_blockers"]
    applied = P.apply_plan(review, P.Plan("p", [P.Change("add-alternative", {"component": "cartservice"})]))
    moved = applied.answers["obs.golden-signals@cartservice-group"]
    assert (moved.status, moved.owner, moved.due, moved.note) == ("not_met", "cart-team", "2027-01-15",
                                                                  "no dashboards yet")
    assert "obs.golden-signals@cartservice" not in applied.answers
    assert review.answers["obs.golden-signals@cartservice"].status == "not_met"  # the review is untouched


def test_answers_on_calls_follow_the_calls(ob):
    review = _not_met(ob, "dep.timeout@frontend->cartservice")
    review = _not_met(review, "dep.timeout@cartservice->redis-cart")
    applied = P.apply_plan(review, P.Plan("p", [P.Change("add-alternative", {"component": "cartservice"})]))
    assert applied.answers["dep.timeout@frontend->cartservice-group"].status == "not_met"
    assert "dep.timeout@frontend->cartservice" not in applied.answers
    # the second runs the same code: its copy of the call is answered as the first's
    assert applied.answers["dep.timeout@cartservice->redis-cart"].status == "not_met"
    assert applied.answers["dep.timeout@cartservice-b->redis-cart"].status == "not_met"


@pytest.mark.parametrize("item, first", [("obs.golden-signals@cartservice", True),
                                         ("obs.golden-signals@cartservice", False),
                                         ("obs.golden-signals@cartservice-group", False)])
def test_answering_the_item_met_in_the_plan_clears_it_before_or_after_grouping(ob, item, first):
    review = _not_met(ob, "obs.golden-signals@cartservice")
    alt = P.Change("add-alternative", {"component": "cartservice"})
    answer = P.Change("answer", {"item": item, "status": "met"})
    res = P.evaluate(review, P.Plan("p", [answer, alt] if first else [alt, answer]), today=TODAY)
    assert (res["before"]["checklist_blockers"], res["after"]["checklist_blockers"]) == (1, 0)
    applied = P.apply_plan(review, P.Plan("p", [answer, alt] if first else [alt, answer]))
    assert applied.answers["obs.golden-signals@cartservice-group"].status == "met"
    assert "obs.golden-signals@cartservice" not in applied.answers  # no orphan answer left behind


def test_the_shortest_path_does_the_item_not_met(ob):
    review = _not_met(ob, "obs.golden-signals@cartservice")
    found = P.shortest_path_to_ready(review, today=TODAY)
    answers = [c for c in found["plan"].changes if c.op == "answer" and "golden-signals@cartservice" in c.args["item"]]
    # the team does the item (medium), not "finds its evidence" (small) as for an unanswered one
    assert answers and all(c.effort_level == "medium" for c in answers)


# -- 3 -------------------------------------------------------------------------------------------------
def test_one_timeout_is_no_new_risk(ob):
    plan = P.Plan("p", [P.Change("set-call", {"dependency": "frontend->cartservice", "timeout_ms": 500})])
    res = P.evaluate(ob, plan, today=TODAY)
    jsonschema_validate(json.loads(json.dumps(res)))
    b, a = res["before"], res["after"]
    assert (a["risks"], a["risk_score"], a["by_severity"]) == (b["risks"], b["risk_score"], b["by_severity"])
    rows = {r["id"]: r for r in res["risks"]}
    parts = [r for r in rows.values() if r.get("was_in") == "cascade:no-timeout"]
    # four callers without a timeout (the load generator's calls are a test tool's: no finding, session 32)
    assert len(parts) == 4 and all(r["outcome"] == "separated" for r in parts)
    # every finding it held still stands, none worse: the aggregate is unchanged, not "reduced"
    assert rows["cascade:no-timeout"]["outcome"] == "unchanged"
    text = "\n".join(P.plan_lines(res))
    assert f"risks: {b['risks']} " in text and f"-> {a['risks']} (" in text
    assert f"open risk score {b['risk_score']} -> {b['risk_score']}" in text
    assert "cascade:no-timeout is listed as 4 risks of their own" in text
    assert f"the register with the plan lists {b['risks'] + 3} risks" in text
    assert "unchanged cascade:no-timeout: high 3x5=15 -> 4 risks of their own, the worst high 3x5=15" in text


def test_a_finding_cleared_reduces_the_risk_that_came_apart(ob):
    plan = P.Plan("p", [P.Change("set-call", {"dependency": "recommendationservice->productcatalogservice",
                                              "timeout_ms": 500, "circuit_breaker": True})])
    res = P.evaluate(ob, plan, today=TODAY)
    rows = {r["id"]: r for r in res["risks"]}
    assert rows["cascade:no-timeout"]["outcome"] == "reduced"
    assert "cascade:no-timeout:recommendationservice" not in rows
    assert res["after"]["risks"] == res["before"]["risks"]
    assert res["after"]["risk_score"] == res["before"]["risk_score"]  # its worst part still scores 15
    assert "is listed as 3 risks of their own" in "\n".join(P.plan_lines(res))


def test_the_count_by_root_cause_takes_the_worst_open_part():
    """Counted once at its worst: the worst open part's score, the worst part's severity."""
    def risk(rid, score, sev, status="open", aliases=()):
        return {"id": rid, "title": rid, "likelihood": 3, "impact": score // 3, "score": score, "severity": sev,
                "launch_blocking": False, "status": status, "disruptions": [], "aliases": list(aliases)}

    def analysis(risks):
        return {"risks": risks, "availability": [], "verdict": {"verdict": "not-ready", "reasons": [],
                                                                 "launch_blockers": []},
                "summary": {"risks": len(risks), "by_severity": {s: sum(r["severity"] == s for r in risks)
                                                                 for s in ("critical", "high", "medium", "low")}}}

    before = analysis([risk("cascade:no-timeout", 15, "high", aliases=["cascade:no-timeout:a", "cascade:no-timeout:b",
                                                                       "cascade:no-timeout:c"]),
                       risk("other", 9, "medium")])
    after = analysis([risk("cascade:no-timeout:a", 15, "high", status="accepted"),
                      risk("cascade:no-timeout:b", 12, "high"), risk("cascade:no-timeout:c", 3, "low"),
                      risk("other", 9, "medium")])
    cmp = P.compare_analyses(before, after)
    assert cmp["after"]["risks"] == 2 and cmp["after"]["risk_score"] == 12 + 9
    assert cmp["after"]["by_severity"] == {"critical": 0, "high": 1, "medium": 1, "low": 0}
    assert {r["id"]: r["outcome"] for r in cmp["risks"]}["cascade:no-timeout"] == "reduced"
    assert cmp["before"]["risks"] == 2 and cmp["before"]["risk_score"] == 24


def test_a_saved_plan_keeps_completing_a_mitigation_at_its_effort(ob, tmp_path):
    """--save then prr report --plan: the same effort as prr plan showed (the mitigation's, small), not
    the operation's default written into the file as if the plan stated it."""
    review = _with_mitigation(ob)
    plan = P.Plan("p", [P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"})])
    assert P.evaluate(review, plan, today=TODAY)["changes"][0]["effort"] == "small"
    P.write_plan(plan, tmp_path / "p.json")
    again = P.read_plan(tmp_path / "p.json")
    jsonschema_validate(json.loads((tmp_path / "p.json").read_text()), "#/$defs/plan")
    assert P.evaluate(review, again, today=TODAY)["changes"][0]["effort"] == "small"
    stated = P.Plan("p", [P.Change("complete-mitigation", {"mitigation": "mit-cart-ha"}, effort="large")])
    assert stated.to_dict()["changes"][0]["effort"] == "large"
