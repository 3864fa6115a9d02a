"""Session 25 fixes of diffs and plans, each on the real input where it was found (docs/diff-and-plans.md).

1. the shortest path, when ready is out of reach, drops what clears no more blockers and never says
   "minimal" or "turns the verdict to ready" untrue (Online Boutique); 2. an aggregate risk that comes
   apart is "split", its parts "separated", in the diff as in the plan (Sock Shop); 3. the report's
   "Changes since" says who accepted a risk, until when and why, who does a mitigation by when, those
   rows first; 4. suggestions an SRE would adopt (no cached answer on a write, no team for a new
   cluster); 5. a plan change already past its due date is overdue; 6. effort and owner from the
   mitigation, a second instance small; 7. answering an item is no change of checklist template.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from prr_app.interchange.json_io import read_review_json
from prr_app.review import diff as D
from prr_app.review import plans as P

ROOT = Path(__file__).resolve().parent.parent
REAL = Path("/work/shared/realdata")
PRR = ROOT / ".venv" / "bin" / "prr"
TODAY = "2026-12-07"


def _import(src: Path, tmp: Path, name: str) -> Path:
    if not src.exists():
        pytest.skip(f"{src} not available")
    out = tmp / f"{name}.prr"
    subprocess.run([str(PRR), "import", str(src), "-o", str(out), "--force"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def sockshop(tmp_path_factory):
    """Sock Shop as the explorer tracked it: one region, two zones, everything in zone a, a checkout journey."""
    tmp = tmp_path_factory.mktemp("sock")
    prr = _import(REAL / "sock-shop", tmp, "sock")
    subprocess.run([str(PRR), "export", str(prr), "-o", str(tmp / "s.json")], check=True, capture_output=True)
    d = json.loads((tmp / "s.json").read_text())
    d["failure_domains"] += [{"id": "euw1", "kind": "region", "availability": 99.99},
                             {"id": "euw1-a", "kind": "zone", "parent": "euw1", "availability": 99.95},
                             {"id": "euw1-b", "kind": "zone", "parent": "euw1", "availability": 99.95}]
    for c in d["components"]:
        c["placement"] = ["euw1-a"]
        c["availability"] = 99.9 if c["kind"] == "datastore" else 99.95
        c.setdefault("owner", "shop-team")
        if c["id"] == "front-end":
            c.update(slo=99.9, user_facing=True)
    d["journeys"] = [{"id": "checkout", "name": "Checkout", "entry": ["front-end"], "slo": 99.9, "critical": True}]
    (tmp / "base.json").write_text(json.dumps(d))
    return read_review_json(tmp / "base.json")


def _pre_launch(base):
    """What the team did by the pre-launch review: replicas across zones, timeouts on front-end's calls, an
    acceptance by the VP and two mitigations."""
    from prr_app.model.entities import Acceptance, Mitigation, Risk

    r = copy.deepcopy(base)
    for cid in ("carts", "catalogue", "orders", "user", "payment", "shipping", "carts-db", "user-db", "catalogue-db"):
        r.components[cid] = dataclasses.replace(r.components[cid], replicas=2, placement=["euw1-a", "euw1-b"])
    for did, dep in list(r.dependencies.items()):
        if dep.source == "front-end":
            r.dependencies[did] = dataclasses.replace(dep, timeout_ms=2000, circuit_breaker=True)
    r.risks["spof:component:orders-db"] = Risk("spof:component:orders-db", origin="computed", acceptance=Acceptance(
        by="vp-eng", at="2026-12-07", reason="orders are replayable from rabbitmq", until="2027-03-31"))
    r.risks["spof:component:payment"] = Risk("spof:component:payment", origin="computed")
    r.mitigations["m-orders-db-ha"] = Mitigation("m-orders-db-ha", title="orders-db replica set across zones",
                                                 owner="data-team", due="2027-02-15", effort="medium",
                                                 risks=["spof:component:orders-db"])
    r.mitigations["m-payment-2nd"] = Mitigation("m-payment-2nd", title="second payment provider", owner="payments",
                                                due="2027-01-31", status="in_progress", effort="large",
                                                risks=["spof:component:payment"])
    return r


# -- 1 -------------------------------------------------------------------------------------------------
def test_shortest_path_out_of_reach_drops_overlaps_and_says_what_is_true(tmp_path):
    from prr_app.review.document import load_review

    review = load_review(_import(REAL / "online-boutique-repo", tmp_path, "ob"))
    res = P.shortest_path_to_ready(review, today=TODAY)
    assert res["reached"] is False and res["remaining_blockers"]
    plan = res["plan"]
    # the deletion ran (it was 84 overlapping changes, weight 214, in 3 analyses), within its budget of
    # tries (ready being out of reach), and the method says how many changes it did not try
    assert res["analyses"] > 3 and plan.effort["weight"] < 214
    assert res["analyses"] <= 3 + 2 + 1 + P.out_of_reach_tries(review) + len(plan.changes)
    assert "not tried" in res["method"] or res["analyses"] > len(plan.changes)
    seconds = {c.args["component"] for c in plan.changes if c.op == "add-alternative"}
    for c in plan.changes:  # no second fix of what an independent second already fixes
        if c.op == "add-replica":
            assert c.args["component"] not in seconds, c.describe()
        if c.op == "add-fallback":
            assert c.args["dependency"].split("->")[1] not in seconds, c.describe()
    words = plan.description + " " + res["method"]
    assert "turns the verdict to ready" not in words and "minimal" not in words
    assert "NOT reached" in plan.description


# -- 2 -------------------------------------------------------------------------------------------------
def test_timeouts_on_some_calls_split_the_aggregate_risk_in_diff_and_plan(sockshop):
    new = copy.deepcopy(sockshop)
    for did, dep in list(new.dependencies.items()):
        if dep.source == "front-end":
            new.dependencies[did] = dataclasses.replace(dep, timeout_ms=2000, circuit_breaker=True)
    d = D.compare(sockshop, new, today=TODAY)
    r = d["analysis"]["risks"]
    assert not [x for x in r["new"] if x["id"].startswith("cascade:no-timeout")]
    assert "cascade:no-timeout" not in {x["id"] for x in r["resolved"]}
    split = {x["id"]: x for x in r["split"]}["cascade:no-timeout"]
    assert "cascade:no-timeout:orders" in split["into"] and split["gone"] == ["cascade:no-timeout:front-end"]
    assert {x["was_in"] for x in r["separated"]} == {"cascade:no-timeout"}
    text = "\n".join(D.diff_lines(d))
    assert "~ split [" in text and "was part of cascade:no-timeout" in text and "+ new" not in text
    # prr plan reads the same change the same way (one function)
    rows = {x["id"]: x for x in P.evaluate(sockshop, P.Plan("t", [
        P.Change("set-call", {"dependency": did, "timeout_ms": 2000, "circuit_breaker": True})
        for did, dep in sockshop.dependencies.items() if dep.source == "front-end"]), today=TODAY)["risks"]}
    assert rows["cascade:no-timeout"]["outcome"] == "reduced"
    assert {x["id"] for x in r["separated"]} == {i for i, x in rows.items() if x["outcome"] == "separated"}


# -- 3 -------------------------------------------------------------------------------------------------
def test_changes_since_says_who_accepted_and_who_mitigates_first(sockshop):
    from prr_app.reporting.changes import ROW_LIMIT, change_rows, markdown_sections

    d = D.compare(sockshop, _pre_launch(sockshop), today=TODAY)
    rows = change_rows(d)
    where = {(s, subj): i for i, (s, _, subj, _) in enumerate(rows)}
    what = {(s, subj): w for s, _, subj, w in rows}
    dec = ("Reviewer's risk or decision", "spof:component:orders-db")
    assert "accepted by vp-eng" in what[dec] and "until 2027-03-31" in what[dec] and "replayable" in what[dec]
    mit = ("Mitigation", "m-orders-db-ha")
    assert "owner data-team" in what[mit] and "due 2027-02-15" in what[mit] and "planned" in what[mit]
    assert "owner payments" in what[("Mitigation", "m-payment-2nd")]
    assert "accepted by vp-eng" in what[("Risk", "spof:component:orders-db")]
    # what the verdict turns on is shown before the cap, ahead of fixed instances and reach rows
    for key in (dec, mit, ("Risk", "spof:component:orders-db")):
        assert where[key] < ROW_LIMIT
    first_spof = min(i for (s, _), i in where.items() if s.startswith("SPOF"))
    assert where[dec] < first_spof and where[mit] < first_spof
    md = "\n".join(markdown_sections(lambda s: s, changes=d))
    assert "accepted by vp-eng on 2026-12-07 until 2027-03-31" in md
    assert "+ spof:component:orders-db: accepted by vp-eng" in "\n".join(D.diff_lines(d))


# -- 4 -------------------------------------------------------------------------------------------------
def test_suggestions_no_cached_answer_on_a_write_and_no_team_for_a_new_domain(sockshop):
    from prr_app.review.assess import assess

    r = copy.deepcopy(sockshop)
    r.domains["cluster"] = dataclasses.replace(next(iter(r.domains.values())), id="cluster", kind="cluster",
                                               parent=None, availability=99.95)
    for cid, c in list(r.components.items()):
        r.components[cid] = dataclasses.replace(c, shared_domains=["cluster"])
    a = assess(r, today=TODAY).to_dict()
    sugg = dict(P.suggest(r, a))
    stores = {cid for cid, c in r.components.items() if c.kind in ("datastore", "queue")}
    for rid, alts in sugg.items():
        if rid.startswith("slo:"):
            for alt in alts:
                for ch in P._flatten(alt):
                    if ch.op == "add-fallback":
                        assert ch.args["dependency"].split("->")[1] not in stores, ch.describe()
    doms = [ch for alts in sugg.values() for alt in alts for ch in P._flatten(alt) if ch.op == "add-domain"]
    assert doms and all(ch.owner == "" for ch in doms)


# -- 5, 6 ----------------------------------------------------------------------------------------------
def test_plan_marks_overdue_and_takes_effort_and_owner_from_the_mitigation(sockshop):
    from prr_app.reporting.changes import markdown_sections

    r = _pre_launch(sockshop)
    plan = P.Plan("GA", [P.Change("add-replica", {"component": "orders-db", "domain": "euw1-b"},
                                  mitigations=["m-orders-db-ha"], due="2026-11-01"),
                         P.Change("complete-mitigation", {"mitigation": "m-payment-2nd"}),
                         P.Change("add-replica", {"component": "session-db", "domain": "euw1-b"}, due="2027-01-15")])
    res = P.evaluate(r, plan, today=TODAY)
    c = res["changes"]
    assert c[0]["overdue"] is True and "overdue" not in c[2]
    assert (c[0]["owner"], c[0]["effort"]) == ("data-team", "small")  # a second instance is small (docs/analysis.md)
    assert (c[1]["owner"], c[1]["effort"]) == ("payments", "large")  # the mitigation says large
    assert res["effort"]["weight"] == 1 + 8 + 1
    text = "\n".join(P.plan_lines(res))
    assert "due 2026-11-01, OVERDUE" in text and "due 2027-01-15, OVERDUE" not in text
    assert "2026-11-01 (overdue)" in "\n".join(markdown_sections(lambda s: s, plan=res))


# -- 7 -------------------------------------------------------------------------------------------------
def test_answering_an_item_is_no_change_of_template(sockshop):
    from prr_app.checklist.answers import set_answer
    from prr_app.checklist.evaluate import evaluate

    assert not sockshop.meta.checklist_template
    new = copy.deepcopy(sockshop)
    set_answer(new, "cap.load-test-peak", status="met", result=evaluate(new), at="2026-12-07T00:00:00+00:00")
    assert new.meta.checklist_template  # what checklist-answer records
    d = D.compare(sockshop, new, today=TODAY)
    assert d["model"]["review"] == []
    assert "checklist_template" not in "\n".join(D.diff_lines(d))
    other = copy.deepcopy(new)
    other.meta.checklist_version = "0.1"  # a template that is not the default's is still a change
    assert D.compare(sockshop, other, today=TODAY)["model"]["review"]


def test_milestone_ids_keep_dots_as_the_docs_say():
    from prr_app.review.milestones import milestone_id

    assert milestone_id("v2.0 review") == "v2.0-review"
    assert milestone_id("Pre-launch review") == "pre-launch-review"
    assert "`\"v2.0 review\"` is `v2.0-review`" in (ROOT / "docs" / "diff-and-plans.md").read_text()
