"""The milestones / diff / plans round of the tester's findings: a caller in the group it calls, the
resilience policy in the diff, answers to items the checklist has, checklist progress in the diff, and
call settings in words."""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.model.entities import ChecklistAnswer, RedundancyGroup, ResiliencePolicy
from prr_app.model.validation import check, validate
from prr_app.reporting.changes import change_rows, markdown_sections
from prr_app.review import diff as D
from prr_app.review import plans as P

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())
TODAY = "2026-06-01"


def _ws():
    return read_review_json(EXAMPLES / "webshop.json")


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ 2: a caller in the group it calls
def _with_group(r):
    """cart-db in a group cart-dbs that cart-svc calls (hard)."""
    r.groups["cart-dbs"] = RedundancyGroup(id="cart-dbs", members=["cart-db"], min_up=1)
    dep = r.dependencies.pop("cart-svc->cart-db")
    nd = dataclasses.replace(dep, target="cart-dbs")
    r.dependencies[nd.id] = nd
    return check(r)


def test_a_component_that_calls_a_group_cannot_be_its_member():
    r = _with_group(_ws())
    r.groups["cart-dbs"] = dataclasses.replace(r.groups["cart-dbs"], members=["cart-db", "cart-svc"])
    probs = [str(p) for p in validate(r)]
    assert probs == ["$.redundancy_groups[cart-dbs].members[1]: cart-svc calls redundancy group cart-dbs "
                     "(hard, cart-svc->cart-dbs), so it cannot be a member of it: remove the call or the member"]
    # soft calls too; an asynchronous one does not need the group up
    for kind, bad in (("soft", True), ("async", False)):
        r2 = copy.copy(r)
        r2.dependencies = dict(r.dependencies)
        r2.dependencies["cart-svc->cart-dbs"] = dataclasses.replace(r.dependencies["cart-svc->cart-dbs"], kind=kind)
        assert bool(validate(r2)) is bad, kind


def test_the_plan_refuses_adding_a_caller_to_the_group_it_calls(tmp_path, capsys):
    r = _with_group(_ws())
    with pytest.raises(PrrError) as e:
        P.apply_plan(r, P.Plan("p", [P.Change("add-group-member", {"group": "cart-dbs", "component": "cart-svc"})]),
                     file="p.json")
    assert str(e.value) == ("p.json: $.changes[0]: cart-svc calls redundancy group cart-dbs (hard, "
                            "cart-svc->cart-dbs), so it cannot be a member of it: remove the call or the member")
    write_json(r, tmp_path / "r.json")
    code, out, err = _run(capsys, "plan", str(tmp_path / "r.json"), "--add-member", "cart-dbs:cart-svc")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "$.changes[0]: cart-svc calls redundancy group cart-dbs" in err
    # a member that does not call it is still welcome
    code, out, err = _run(capsys, "plan", str(tmp_path / "r.json"), "--add-member", "cart-dbs:catalog-db")
    assert code == 0, err


def test_the_apps_edits_refuse_the_caller_as_a_member_too():
    from prr_app.review import edits as E

    r = _with_group(_ws())
    with pytest.raises(E.EditRefused, match="cart-svc calls redundancy group cart-dbs"):
        E.set_fields(r, "groups", "cart-dbs", members=["cart-db", "cart-svc"])
    r.groups["cart-dbs"] = dataclasses.replace(r.groups["cart-dbs"], members=["cart-db", "catalog-svc"])
    with pytest.raises(E.EditRefused, match="catalog-svc calls redundancy group cart-dbs"):
        E.add_dependency(r, "catalog-svc", "cart-dbs")


# ------------------------------------------------------------------ 3: the resilience policy in the diff
def _loosened(r):
    out = copy.copy(r)
    out.policy = ResiliencePolicy(survive=["instance", "zone"], rto_minutes={"zone": 30.0})
    return out


def test_the_diff_reports_a_policy_change_and_names_it_as_the_reason():
    ws = _ws()
    d = D.compare(ws, _loosened(ws), today=TODAY)
    jsonschema.validate(d, SCHEMA)
    assert d["model"]["policy"] == [
        {"term": "component", "field": "survive", "old": True, "new": False},
        {"term": "zone", "field": "rto_minutes", "old": None, "new": 30.0}]
    assert not D.is_empty(d) and D.counts(d)["policy"] == 2
    rescored = {x["id"]: x for x in d["analysis"]["risks"]["rescored"]}
    r = rescored["spof:component:edge-gateway"]
    assert r["changes"]["launch_blocking"] == {"old": True, "new": False}
    assert r["why"]["policy"] == {"required": {"old": True, "new": False}, "changes": [
        {"term": "component", "field": "survive", "old": True, "new": False}]}
    text = "\n".join(D.diff_lines(d))
    assert "Resilience policy\n  ~ component: must be survived yes -> no\n  ~ zone: RTO (none) -> 30 min" in text
    assert ("~ rescored spof:component:edge-gateway: launch blocking yes -> no\n      because the resilience "
            "policy no longer requires surviving it (component: must be survived yes -> no)") in text
    # and the report's "Changes since"
    rows = change_rows(d)
    assert ("Resilience policy", "changed", "component", "must be survived yes → no") in rows
    assert ("Resilience policy", "changed", "zone", "RTO none → 30 min") in rows
    edge = next(x for x in rows if x[2] == "spof:component:edge-gateway")
    assert "the resilience policy no longer requires surviving it (component: must be survived yes → no)" in edge[3]
    md = "\n".join(markdown_sections(lambda s: s, changes=d))
    assert "| Resilience policy | 2 changed |" in md


def test_an_rto_only_change_is_a_change_and_stating_the_default_is_not(tmp_path, capsys):
    ws = _ws()
    rto = copy.copy(ws)
    rto.policy = ResiliencePolicy(rto_minutes={"zone": 30.0})
    write_json(ws, tmp_path / "a.json")
    write_json(rto, tmp_path / "b.json")
    code, out, _ = _run(capsys, "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--exit-code")
    assert code == 1 and "zone: RTO (none) -> 30 min" in out and "No changes." not in out
    code, out, _ = _run(capsys, "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--json")
    assert json.loads(out)["model"]["policy"] == [{"term": "zone", "field": "rto_minutes", "old": None, "new": 30.0}]
    default = copy.copy(ws)
    default.policy = ResiliencePolicy()
    assert D.is_empty(D.compare(ws, default, today=TODAY))


# ------------------------------------------------------------------ 5: an answer to an item the checklist has
def test_a_plan_answers_only_items_of_the_checklist_as_checklist_answer_does(tmp_path, capsys):
    write_json(_ws(), tmp_path / "ws.json")
    code, out, err = _run(capsys, "plan", str(tmp_path / "ws.json"), "--answer", "cap.load-tset-peak=met")
    assert code == 2 and out == ""
    assert err.strip().endswith("$.changes[0]: no checklist item 'cap.load-tset-peak' in template prr-default 2.1 "
                                "for this review; did you mean cap.load-test-peak?")
    code, _, err2 = _run(capsys, "checklist-answer", str(tmp_path / "ws.json"), "cap.load-tset-peak", "--status", "met")
    assert code == 2 and "no checklist item 'cap.load-tset-peak' in template prr-default 2.1 for this review; " \
                          "did you mean cap.load-test-peak?" in err2
    # an item the review has, answered or not, and one of a component the plan adds
    ws = _ws()
    plan = P.Plan("p", [P.Change("answer", {"item": "cap.load-test-peak", "status": "met"}),
                        P.Change("add-alternative", {"component": "cart-svc"}),
                        P.Change("answer", {"item": "obs.golden-signals@cart-svc-group", "status": "met"}),
                        P.Change("answer", {"item": "obs.golden-signals@cart-svc", "status": "met"})])
    out = P.apply_plan(ws, plan)
    assert out.answers["obs.golden-signals@cart-svc-group"].status == "met"
    assert ws.answers == _ws().answers  # the review itself untouched
    # not applicable needs its reason, as checklist-answer says
    with pytest.raises(PrrError, match="'not applicable' needs a reason"):
        P.apply_plan(ws, P.Plan("p", [P.Change("answer", {"item": "cap.load-test-peak", "status": "not_applicable"})]))


# ------------------------------------------------------------------ 6: checklist progress in the diff
def test_added_answers_show_their_status_and_blockers_open_count_unanswered():
    ws = _ws()
    new = copy.copy(ws)
    new.answers = dict(ws.answers)
    from prr_app.checklist.evaluate import evaluate

    res = evaluate(ws)
    unanswered = [it.key for it in res.unanswered_blockers][:3]
    assert len(unanswered) == 3
    new.answers[unanswered[0]] = ChecklistAnswer(unanswered[0], status="met", owner="ann", due="2026-07-01")
    new.answers[unanswered[1]] = ChecklistAnswer(unanswered[1], status="not_met")
    new.answers[unanswered[2]] = ChecklistAnswer(unanswered[2], status="partly")
    d = D.compare(ws, new, today=TODAY)
    jsonschema.validate(d, SCHEMA)
    assert d["model"]["answer_states"][unanswered[0]] == {"status": "met", "owner": "ann", "due": "2026-07-01"}
    v = d["analysis"]["verdict"]
    un, nm = v["checklist_unanswered_blockers"], v["checklist_blockers"]
    assert un["new"] == un["old"] - 3 and nm["new"] == nm["old"] + 2
    assert v["checklist_blockers_open"] == {"old": nm["old"] + un["old"], "new": nm["old"] + un["old"] - 1}
    text = "\n".join(D.diff_lines(d))
    assert f"  + {unanswered[0]}: met (owner ann, due 2026-07-01)" in text
    assert f"  + {unanswered[1]}: not met" in text  # in words (round 30: printed as stored, "not_met")
    assert (f"checklist blocker items open (not met or unanswered): {nm['old'] + un['old']} -> "
            f"{nm['old'] + un['old'] - 1} (not met {nm['old']} -> {nm['old'] + 2}, unanswered {un['old']} -> "
            f"{un['old'] - 3})") in text
    rows = change_rows(d)
    assert ("Checklist answer", "added", unanswered[0], "met (owner ann, due 2026-07-01)") in rows
    md = "\n".join(markdown_sections(lambda s: s, changes=d))
    assert "blocker checklist items open (not met or unanswered)" in md
    # a removed answer says what it was
    back = D.compare(new, ws, today=TODAY)
    assert f"  - {unanswered[0]} (was met (owner ann, due 2026-07-01))" in "\n".join(D.diff_lines(back))


# ------------------------------------------------------------------ 10: call settings in words
def test_call_settings_read_as_words():
    c = P.Change("set-call", {"dependency": "a->b", "backoff": True, "retry_budget": True})
    assert c.describe() == "on a->b: with backoff, with a retry budget"
    c = P.Change("set-call", {"dependency": "a->b", "timeout_ms": 500, "circuit_breaker": False, "retries": 0})
    assert c.describe() == "on a->b: timeout 500 ms, without a circuit breaker, no retries"
