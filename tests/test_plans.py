"""Mitigation plans (prr_app.review.plans, ``prr plan``): the review "if the plan lands"."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.model.entities import ChecklistAnswer, Component, Dependency, FailureDomain, Journey, Review
from prr_app.errors import PrrError
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.review import diff as D
from prr_app.review import plans as P

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
TODAY = "2026-06-01"
_CACHE: dict = {}


def _example(name: str) -> Review:
    if name not in _CACHE:
        _CACHE[name] = read_review_json(EXAMPLES / f"{name}.json")
    return _CACHE[name]


def _analysis(review: Review) -> dict:
    return analyze(review, today=TODAY).to_dict()


# ------------------------------------------------------------------ an oracle: the same edits by hand
def _by_hand(review: Review, plan: P.Plan) -> Review:
    """The review edited the plain way, in place on a deep copy, as a reviewer would in the app."""
    r = copy.deepcopy(review)
    for ch in plan.changes:
        a = ch.args
        if ch.op == "add-replica":
            c = r.components[a["component"]]
            n = c.replicas or 1
            if a.get("domain"):
                c.placement = [c.placement[i % len(c.placement)] for i in range(n)] + [a["domain"]] * a.get("count", 1)
            c.replicas = n + a.get("count", 1)
        elif ch.op == "spread":
            c = r.components[a["component"]]
            c.placement = list(a["domains"])
            c.replicas = max(c.replicas or 1, len(a["domains"]))
        elif ch.op == "add-fallback":
            r.dependencies[a["dependency"]].fallback = a["fallback"]
        elif ch.op == "set-call":
            for k, v in a.items():
                if k != "dependency":
                    setattr(r.dependencies[a["dependency"]], k, v)
        elif ch.op == "answer":
            r.answers.setdefault(a["item"], ChecklistAnswer(a["item"])).status = a["status"]
        elif ch.op == "add-domain":
            r.domains[a["id"]] = FailureDomain(a["id"], kind=a["kind"], parent=a.get("parent"))
        else:  # pragma: no cover - the strategy draws only the ops above
            raise AssertionError(ch.op)
    return r


def _touched(plan: P.Plan) -> set[tuple[str, str]]:
    out = set()
    for ch in plan.changes:
        a = ch.args
        coll = {"add-replica": "components", "spread": "components", "add-fallback": "dependencies",
                "set-call": "dependencies", "answer": "answers", "add-domain": "domains"}[ch.op]
        key = a.get("component") or a.get("dependency") or a.get("item") or a.get("id")
        out.add((coll, key))
    return out


def _unanswered_item(name: str) -> str:
    """An item of the example's checklist nobody answered (a plan may answer only the checklist's items)."""
    key = ("unanswered", name)
    if key not in _CACHE:
        from prr_app.checklist.evaluate import evaluate

        review = _example(name)
        _CACHE[key] = next(it.key for it in evaluate(review).items if it.key not in review.answers)
    return _CACHE[key]


@st.composite
def plans(draw, names=("webshop", "platform")):
    name = draw(st.sampled_from(names))
    review = _example(name)
    comps = sorted(review.components)
    placed = [c for c in comps if review.components[c].placement]
    deps = sorted(review.dependencies)
    doms = sorted(review.domains)
    changes = []
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["add-replica", "add-replica-in", "spread", "add-fallback", "set-call", "answer"]))
        if op == "add-replica":
            changes.append(P.Change("add-replica", {"component": draw(st.sampled_from(comps)),
                                                    "count": draw(st.integers(1, 2))}))
        elif op == "add-replica-in" and placed:
            changes.append(P.Change("add-replica", {"component": draw(st.sampled_from(placed)),
                                                    "domain": draw(st.sampled_from(doms))}))
        elif op == "spread":
            changes.append(P.Change("spread", {"component": draw(st.sampled_from(comps)),
                                               "domains": draw(st.lists(st.sampled_from(doms), min_size=1,
                                                                        max_size=3, unique=True))}))
        elif op == "add-fallback":
            changes.append(P.Change("add-fallback", {"dependency": draw(st.sampled_from(deps)),
                                                     "fallback": draw(st.sampled_from(["cached answer", "static page"]))}))
        elif op == "set-call":
            field = draw(st.sampled_from(["timeout_ms", "retries", "backoff", "retry_budget", "circuit_breaker"]))
            value = draw(st.integers(1, 3000)) if field == "timeout_ms" else (
                draw(st.integers(0, 4)) if field == "retries" else draw(st.booleans()))
            changes.append(P.Change("set-call", {"dependency": draw(st.sampled_from(deps)), field: value}))
        elif op == "answer":
            item = draw(st.sampled_from(sorted(review.answers) + ["cap.load-test-peak", _unanswered_item(name)]))
            changes.append(P.Change("answer", {"item": item, "status": draw(st.sampled_from(
                ["met", "partly", "not_met", "unanswered"]))}))
    return review, P.Plan("p", changes)


@given(plans())
def test_a_plan_equals_the_same_edits_by_hand(case):
    review, plan = case
    before = copy.deepcopy(review)
    try:
        applied = P.apply_plan(review, plan)
    except PrrError:
        with pytest.raises(PrrError):  # what the plan refuses, the rules refuse by hand too
            from prr_app.model.validation import check

            check(_by_hand(review, plan))
        return
    assert review == before  # the review itself is never changed
    hand = _by_hand(review, plan)
    assert D.diff_models(hand, applied) == D.diff_models(hand, hand)  # no difference at all
    # the diff of review and plan shows exactly what the plan touches, no more
    m = D.diff_models(review, applied)
    touched = {(k, ch["id"]) for k, _ in D.COLLECTIONS for ch in m[k]["changed"]} | {
        (k, i) for k, _ in D.COLLECTIONS for i in m[k]["added"]}
    really = {(k, i) for k, i in _touched(plan)
              if getattr(review, k).get(i) != getattr(hand, k).get(i)}  # not undone or a no-op
    assert touched == really
    assert not any(m[k]["removed"] for k, _ in D.COLLECTIONS) and not m["review"]


@given(plans(names=("webshop",)))
def test_the_analysis_of_a_plan_equals_the_analysis_of_the_hand_edit(case):
    review, plan = case
    try:
        applied = P.apply_plan(review, plan)
    except PrrError:
        return
    assert _analysis(applied) == _analysis(_by_hand(review, plan))


# ------------------------------------------------------------------ evaluating
def test_evaluate_reports_initial_and_residual_risk():
    ws = _example("webshop")
    plan = P.Plan("cart", [
        P.Change("add-replica", {"component": "cart-db", "domain": "euw1-b"}, owner="checkout-team",
                 due="2026-07-01"),
        P.Change("answer", {"item": "cap.load-test-peak", "status": "met"}, effort="large"),
    ])
    res = P.evaluate(ws, plan, today=TODAY)
    jsonschema_validate(res)
    risks = {r["id"]: r for r in res["risks"]}
    # one root cause, one risk: the replica fixes the instance part of cart-db's risk, not a bad release
    cart = risks["spof:component:cart-db"]
    assert cart["outcome"] == "reduced"
    assert cart["before"]["disruptions"] == ["component", "instance"] and cart["after"]["disruptions"] == ["component"]
    # still blocking (a bad release takes checkout down), less likely: an instance failure no longer does
    assert cart["after"]["launch_blocking"] is True and (cart["before"]["score"], cart["after"]["score"]) == (20, 15)
    # cart-db was the only thing in zone euw1-a on the checkout path
    assert risks["spof:domain:euw1-a"]["outcome"] == "resolved" and risks["spof:domain:euw1-a"]["after"] is None
    assert {r["id"] for r in res["risks"] if r["outcome"] != "unchanged"} == {"spof:component:cart-db",
                                                                           "spof:domain:euw1-a"}
    assert res["before"]["checklist_blockers"] == 2 and res["after"]["checklist_blockers"] == 1
    assert set(res["before"]["launch_blockers"]) - set(res["after"]["launch_blockers"]) == {"spof:domain:euw1-a"}
    assert len(res["after"]["launch_blockers"]) == len(res["before"]["launch_blockers"]) - 1
    assert res["effort"] == {"small": 1, "medium": 0, "large": 1, "weight": 9}  # a second instance is small
    assert res["owners"] == ["checkout-team"]
    assert res["changes"][0] == {"change": "add a replica of cart-db in euw1-b", "effort": "small",
                                 "owner": "checkout-team", "due": "2026-07-01", "mitigations": [], "reason": ""}
    assert res["diff"]["model"]["components"]["changed"][0]["id"] == "cart-db"
    assert res["before"]["risk_score"] - res["after"]["risk_score"] == 15  # the zone's risk, 2x5, and cart-db's 5


def test_completing_a_mitigation_mitigates_a_reviewers_risk():
    ws = _example("webshop")
    mid = next(m for m in ws.mitigations.values() if "vendor-payfast-contract" in m.risks).id
    res = P.evaluate(ws, P.Plan("m", [P.Change("complete-mitigation", {"mitigation": mid}, mitigations=[mid])]),
                     today=TODAY)
    r = {r["id"]: r for r in res["risks"]}["vendor-payfast-contract"]
    assert r["outcome"] == "mitigated" and r["after"]["status"] == "mitigated"


def test_add_alternative_makes_a_redundancy_group_callers_use():
    ws = _example("webshop")
    applied = P.apply_plan(ws, P.Plan("alt", [P.Change("add-alternative", {"component": "cart-db"})]))
    assert applied.groups["cart-db-group"].members == ["cart-db", "cart-db-b"]
    assert "cart-svc->cart-db-group" in applied.dependencies and "cart-svc->cart-db" not in applied.dependencies
    assert applied.components["cart-db-b"].placement == ws.components["cart-db"].placement
    a = _analysis(applied)
    assert "spof:component:cart-db" not in {r["id"] for r in a["risks"]}
    # a later change naming the old call follows it to the pair
    again = P.apply_plan(ws, P.Plan("alt", [P.Change("add-alternative", {"component": "cart-db"}),
                                            P.Change("add-fallback", {"dependency": "cart-svc->cart-db",
                                                                      "fallback": "empty cart"})]))
    assert again.dependencies["cart-svc->cart-db-group"].fallback == "empty cart"


@pytest.mark.parametrize("change, message", [
    ({"op": "add-replica", "component": "nope"}, "$.changes[0]: no component 'nope' in the review"),
    ({"op": "add-replica", "component": "identity", "domain": "euw1-b"}, "have no placement"),
    ({"op": "add-replica", "component": "cart-db", "domain": "mars"}, "no failure domain 'mars'"),
    ({"op": "add-replica", "component": "cart-db", "count": 0}, "count must be a whole number of at least 1"),
    ({"op": "set-call", "dependency": "cart-svc->cart-db"}, "needs at least one of"),
    ({"op": "set-call", "dependency": "cart-svc->cart-db", "timeout_ms": "fast"}, "timeout_ms must be a whole"),
    ({"op": "add-fallback", "dependency": "a->b", "fallback": "x"}, "no dependency 'a->b'"),
    ({"op": "add-fallback", "dependency": "cart-svc->cart-db", "fallback": " "}, "fallback must say"),
    ({"op": "answer", "item": "x", "status": "done"}, "status must be one of"),
    ({"op": "add-domain", "id": "euw1-a", "kind": "zone"}, "already exists"),
    ({"op": "add-domain", "id": "z", "kind": "moon"}, "kind must be one of"),
    ({"op": "set", "collection": "components", "id": "cart-db", "field": "colour", "value": 1}, "no field 'colour'"),
    ({"op": "set", "collection": "components", "id": "cart-db", "field": "replicas", "value": -3},
     "the review with the plan applied breaks a rule"),
    ({"op": "fly"}, "unknown operation 'fly'"),
    ({"op": "spread", "component": "cart-db"}, "spread needs 'domains'"),
    ({"op": "spread", "component": "cart-db", "domains": ["euw1-a"], "zone": 1}, "spread takes no 'zone'"),
    ({"op": "add-replica", "component": "cart-db", "mitigations": ["m-nope"]}, "no mitigation 'm-nope'"),
    ({"op": "add-replica", "component": "cart-db", "effort": "huge"}, "effort must be one of"),
    ({"op": "add-replica", "component": "cart-db", "due": "soon"}, "due must be a date"),
])
def test_bad_changes_name_the_plan_file_and_the_change(tmp_path, change, message):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format": "prr-plan", "version": 1, "name": "x", "changes": [change]}))
    with pytest.raises(PrrError) as e:
        P.apply_plan(_example("webshop"), P.read_plan(path), file=str(path))
    assert message in str(e.value) and str(path) in str(e.value)


@pytest.mark.parametrize("doc, message", [
    ([], "a plan must be a JSON object"),
    ({"format": "x"}, 'expected "format": "prr-plan"'),
    ({"format": "prr-plan", "version": 9, "name": "a", "changes": []}, "version 9"),
    ({"format": "prr-plan", "changes": []}, "a plan needs a name"),
    ({"format": "prr-plan", "name": "a", "changes": {}}, "changes must be a list"),
])
def test_bad_plan_files(tmp_path, doc, message):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(PrrError, match=message):
        P.read_plan(path)


def test_plan_file_round_trip(tmp_path):
    plan = P.Plan("launch", [P.Change("add-replica", {"component": "cart-db", "domain": "euw1-b"},
                                      mitigations=["m1"], owner="ann", due="2026-07-01", reason="spof")],
                  description="before GA")
    P.write_plan(plan, tmp_path / "p.json")
    doc = json.loads((tmp_path / "p.json").read_text())
    jsonschema_validate(doc, "#/$defs/plan")
    back = P.read_plan(tmp_path / "p.json")
    assert back.to_dict() == plan.to_dict()


def jsonschema_validate(doc, ref: str | None = None):
    """Against schemas/plan.schema.json (its diff part against schemas/diff.schema.json)."""
    import jsonschema
    from referencing import Registry, Resource

    diff_schema = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())
    registry = Registry().with_resource(diff_schema["$id"], Resource.from_contents(diff_schema))
    schema = PLAN_SCHEMA if ref is None else {"$ref": ref, "$defs": PLAN_SCHEMA["$defs"]}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(doc)


# ------------------------------------------------------------------ suggestions and the shortest path
def _small() -> Review:
    """A service whose SLO its dependencies cannot give, until a few known changes land."""
    r = Review()
    r.meta.tier = 2
    r.meta.system_name = "small"
    r.add(FailureDomain("zone-a", kind="zone"))
    r.add(FailureDomain("zone-b", kind="zone"))
    r.add(Component("web", kind="service", tier=2, user_facing=True, replicas=2, placement=["zone-a", "zone-b"],
                    availability=99.99, slo=99.95, owner="web"))
    r.add(Component("db", kind="datastore", replicas=1, placement=["zone-a"], availability=99.9, owner="data"))
    r.add(Component("recs", kind="service", replicas=1, placement=["zone-a"], availability=99.9, owner="recs"))
    r.add(Dependency("web", "db", kind="hard", timeout_ms=300, circuit_breaker=True))
    r.add(Dependency("web", "recs", kind="hard", timeout_ms=300, circuit_breaker=True))
    r.add(Journey("home", entry=["web"], slo=99.0, critical=False))
    return r


def test_suggested_plan_turns_findings_into_changes():
    r = _small()
    a = _analysis(r)
    assert a["verdict"]["verdict"] == "not-ready"
    plan = P.suggested_plan(r, a)
    did = {(c.op, c.args.get("component") or c.args.get("dependency")) for c in plan.changes}
    assert ("add-replica", "db") in did and ("add-replica", "recs") in did  # the instance SPOFs
    # no "cached or default answer" stands in for a datastore (session 32: the what-if counted web up on
    # paper): db's component failure gets an independent second
    assert ("add-fallback", "web->db") not in did and ("add-alternative", "db") in did
    assert ("add-fallback", "web->recs") in did  # on the way to the largest consumers of the error budget
    for c in plan.changes:
        assert c.reason  # each says which risk it is for
    P.apply_plan(r, plan)  # every suggestion applies


def test_a_suggested_change_is_owned_by_the_team_whose_component_or_code_it_changes():
    """A zone's risk is owned by the team that owns most of what sits in it; its step "add a replica of
    web in z2" went to that team (core), not to web's; a fallback on a call went to the callee's team,
    not the caller's, whose code makes the call."""
    r = Review()
    for z in ("z1", "z2"):
        r.add(FailureDomain(id=z, kind="zone"))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["z1"], owner="web-team"))
    for c in ("api", "orders", "db"):
        r.add(Component(id=c, replicas=2, placement=["z1", "z2"], owner="core"))
    r.add(Dependency("web", "api"))
    r.add(Dependency("api", "orders"))
    r.add(Dependency("orders", "db"))
    plan = P.suggested_plan(r, _analysis(r))
    owners = {(c.op, c.args.get("component") or c.args.get("dependency")): c.owner for c in plan.changes}
    assert owners[("add-replica", "web")] == "web-team"
    assert all(o == "web-team" for (op, what), o in owners.items() if op == "add-fallback" and what.startswith("web->"))


def _assess(review: Review) -> dict:
    """The analysis with the checklist counted, as prr analyze and the search run it."""
    from prr_app.review.assess import assess

    return assess(review, today=TODAY).to_dict()


def test_shortest_path_reaches_ready_and_is_minimal():
    r = _small()
    before = _assess(r)
    assert before["verdict"]["verdict"] == "not-ready"
    assert before["verdict"]["checklist_unanswered_blockers"] > 0  # unanswered blockers count as not met
    res = P.shortest_path_to_ready(r, today=TODAY, before=before)
    assert res["reached"] and res["verdict_after"] in P.GOOD_VERDICTS
    assert res["remaining_blockers"] == [] and res["needs_decision"] == {}
    plan = res["plan"]
    did = {(c.op, c.args.get("component") or c.args.get("dependency") or c.args.get("item")) for c in plan.changes}
    # db's SPOF (instance and component, with web's SLO folded in) blocks; recs's is high without a plan:
    # db gets an independent second (no cached answer stands in for a datastore), recs's caller a fallback
    assert ("add-alternative", "db") in did and ("add-fallback", "web->recs") in did
    assert ("add-fallback", "web->db") not in did
    assert not any(op == "add-replica" for op, _ in did)  # the quick step is dropped: the second covers it
    assert {i for op, i in did if op == "answer"} == {
        it.key for it in __import__("prr_app.checklist.evaluate", fromlist=["evaluate"]).evaluate(r).unanswered_blockers}
    after = _assess(P.apply_plan(r, plan))
    assert after["verdict"]["verdict"] == res["verdict_after"]  # the same as the review edited that way
    for ch in plan.changes:  # minimal: drop any one change and the verdict falls back
        rest = P.Plan("x", [c for c in plan.changes if c is not ch])
        try:
            v = _assess(P.apply_plan(r, rest))["verdict"]["verdict"]
        except PrrError:
            continue
        assert v not in P.GOOD_VERDICTS, ch.describe()
    assert "greedy" in res["method"] and "not guaranteed minimum" in res["method"]


def test_shortest_path_serves_the_webshop_entries_through_groups():
    """The user-facing entries (edge-gateway, storefront, checkout-svc) fail with themselves: an
    independent second of each, the journeys entering by the group of both, clears them, and the
    cluster every service shares whole gets a second cluster for what it holds."""
    res = P.shortest_path_to_ready(_example("webshop"), today=TODAY)
    assert res["reached"] is True, res["needs_decision"]
    assert res["remaining_blockers"] == [] and res["needs_decision"] == {}
    seconds = {c.args["component"] for c in res["plan"].changes if c.op == "add-alternative"}
    assert {"edge-gateway", "storefront", "checkout-svc"} <= seconds
    after = P.apply_plan(_example("webshop"), res["plan"])
    assert after.journeys["checkout"].entry == ["edge-gateway-group", "checkout-svc-group"]
    assert _assess(after)["verdict"]["verdict"] in P.GOOD_VERDICTS


def test_shortest_path_says_when_ready_is_out_of_reach():
    from prr_app.model.entities import Risk

    r = copy.deepcopy(_example("webshop"))
    r.add(Risk("r-legal", title="the data processing agreement is not signed", likelihood=5, impact=5))
    res = P.shortest_path_to_ready(r, today=TODAY)
    assert res["reached"] is False
    # what remains needs a decision the product cannot suggest: a reviewer's own risk
    assert res["remaining_blockers"] == ["r-legal"]
    assert set(res["needs_decision"]) == {"r-legal"}
    assert "a reviewer's own risk" in res["needs_decision"]["r-legal"]


def test_a_user_facing_entry_is_cleared_by_a_second_in_a_group():
    """A second gateway in a redundancy group that the journey enters by clears the entry's own SPOF."""
    r = Review()
    r.meta.tier = 1
    r.add(FailureDomain("za", kind="zone"))
    r.add(FailureDomain("zb", kind="zone"))
    r.add(Component("gw", kind="load_balancer", user_facing=True, replicas=2, placement=["za", "zb"],
                    availability=99.99, slo=99.9, owner="edge"))
    r.add(Component("app", kind="service", replicas=2, placement=["za", "zb"], availability=99.99, owner="app"))
    r.add(Dependency("gw", "app", kind="hard", timeout_ms=100, circuit_breaker=True))
    r.add(Journey("buy", entry=["gw"], slo=99.0, critical=True))
    before = _assess(r)
    assert set(before["verdict"]["launch_blockers"]) == {"spof:component:app", "spof:component:gw"}
    res = P.shortest_path_to_ready(r, today=TODAY, before=before)
    assert "spof:component:gw" not in res["remaining_blockers"]
    tried = _assess(P.apply_plan(r, P.Plan("x", [P.Change("add-alternative", {"component": "gw"})])))
    assert "spof:component:gw" not in tried["verdict"]["launch_blockers"]  # the second gateway helps
    assert "spof:component:app" in tried["verdict"]["launch_blockers"]  # what both call still fails them both
    applied = P.apply_plan(r, P.Plan("x", [P.Change("add-alternative", {"component": "gw"})]))
    assert applied.journeys["buy"].entry == ["gw-group"] and applied.components["gw-b"].user_facing


def test_an_already_ready_review_needs_no_change():
    from prr_app.checklist.evaluate import evaluate

    r = _small()
    r.components["db"].replicas = 2
    r.components["db"].placement = ["zone-a", "zone-b"]
    r.components["recs"].replicas = 2
    r.components["recs"].placement = ["zone-a", "zone-b"]
    r.dependencies["web->db"].fallback = "read-only page"
    r.dependencies["web->recs"].fallback = "no recommendations"
    for it in evaluate(r).unanswered_blockers:
        r.answers[it.key] = ChecklistAnswer(it.key, status="met", evidence="https://wiki.example/x")
    assert _assess(r)["verdict"]["verdict"] in P.GOOD_VERDICTS
    res = P.shortest_path_to_ready(r, today=TODAY)
    assert res["reached"] and res["plan"].changes == [] and res["analyses"] == 1


# ------------------------------------------------------------------ the command
def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_plan_options_in_order(tmp_path, capsys):
    write_json(_example("webshop"), tmp_path / "ws.json")
    code, out, err = _run(capsys, "plan", str(tmp_path / "ws.json"), "--add-replica", "cart-db@euw1-b",
                          "--fallback", "cart-svc->cart-db=empty cart", "--answer", "cap.load-test-peak=met",
                          "--timeout", "notifier->order-events=500", "--owner", "ann", "--json")
    assert code == 0, err
    res = json.loads(out)
    jsonschema_validate(res)
    assert [c["change"] for c in res["changes"]] == [
        "add a replica of cart-db in euw1-b", "give cart-svc->cart-db a fallback: empty cart",
        "checklist cap.load-test-peak: met", "on notifier->order-events: timeout 500 ms"]
    assert res["owners"] == ["ann"]
    outcome = {r["id"]: r["outcome"] for r in res["risks"]}
    assert outcome["spof:component:cart-db"] == "resolved"  # the replica and the fallback: both parts
    assert read_review_json(tmp_path / "ws.json").components["cart-db"].replicas == 1  # file untouched
    code, out, _ = _run(capsys, "plan", str(tmp_path / "ws.json"), "--add-replica", "cart-db@euw1-b")
    assert "VERDICT: not-ready today -> not-ready with the plan" in out
    assert "resolved  spof:domain:euw1-a: high 2x5=10 BLOCKING -> -" in out
    assert "reduced   spof:component:cart-db: critical 4x5=20 BLOCKING -> high 3x5=15 BLOCKING" in out


def test_cli_plan_suggested_save_and_rerun(tmp_path, capsys):
    write_json(_small(), tmp_path / "s.json")
    code, out, err = _run(capsys, "plan", str(tmp_path / "s.json"), "--shortest", "--save", str(tmp_path / "p.json"))
    assert code == 0, err
    assert "search: greedy" in out and "with the plan" in out
    code, out2, err = _run(capsys, "plan", str(tmp_path / "s.json"), "--file", str(tmp_path / "p.json"), "--json")
    assert code == 0, err
    res = json.loads(out2)
    assert res["after"]["verdict"] in P.GOOD_VERDICTS and res["before"]["verdict"] == "not-ready"
    code, _, err = _run(capsys, "plan", str(tmp_path / "s.json"), "--suggested", "--save", str(tmp_path / "p.json"))
    assert code == 2 and "already exists" in err


@pytest.mark.parametrize("args, message", [
    ([], "no changes"),
    (["--suggested", "--shortest"], "give the changes one way"),
    (["--spread", "cart-db"], "--spread expects COMPONENT:D1,D2"),
    (["--timeout", "a->b=soon"], "whole number of milliseconds"),
    (["--add-replica", "ghost"], "command line: $.changes[0]: no component 'ghost'"),
    (["--file", "nope.json"], "nope.json: no such file"),
])
def test_cli_plan_bad_input(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write_json(_example("webshop"), tmp_path / "ws.json")
    code, out, err = _run(capsys, "plan", "ws.json", *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["webshop", "platform", "online-boutique", "sock-shop", "opentelemetry-demo",
                                  "backstage-examples"])
def test_every_suggestion_applies_to_examples_and_real_imports(name):
    """The product's suggestions, all at once, make a valid review whose analysis has fewer blockers."""
    if name in ("webshop", "platform"):
        review = _example(name)
    else:
        from prr_app.importers.registry import import_paths

        folder = ROOT.parent / "shared" / "realdata" / name
        if not folder.exists():
            pytest.skip("shared/realdata is not beside the repository")
        review = import_paths([folder]).review
    before = _analysis(review)
    plan = P.suggested_plan(review, before)
    res = P.evaluate(review, plan, today=TODAY, before=before)
    assert len(res["after"]["launch_blockers"]) <= len(res["before"]["launch_blockers"])
    # no risk gets worse; new ones may appear where a resolved root cause held them (a host SPOF
    # folds the common-cause findings of the replicas on it: a second host unfolds them)
    assert not [r["id"] for r in res["risks"] if r["outcome"] == "worse"]
    fixed = {r["id"] for r in res["risks"] if r["outcome"] in ("resolved", "mitigated", "reduced")}
    after_instances = {s["element"] for s in res["diff"]["analysis"]["spofs"].get("instance", {}).get("new", [])}
    assert not after_instances  # the plan makes no instance SPOF
    for rid, _ in P.suggest(review, before):
        kind, _, subject = rid.rpartition(":")
        risk = next(r for r in before["risks"] if r["id"] == rid)
        if kind == "spof:component" and "instance" in risk["disruptions"]:
            assert rid in fixed, rid  # its replica (and fallback) fix at least the instance part


def test_cli_analyze_with_a_plan_is_the_plans_after(tmp_path, capsys):
    write_json(_example("webshop"), tmp_path / "ws.json")
    plan = P.Plan("p", [P.Change("add-replica", {"component": "cart-db", "domain": "euw1-b"}),
                        P.Change("add-fallback", {"dependency": "cart-svc->cart-db", "fallback": "empty cart"})])
    P.write_plan(plan, tmp_path / "p.json")
    code, out, err = _run(capsys, "analyze", str(tmp_path / "ws.json"), "--plan", str(tmp_path / "p.json"), "--json")
    assert code == 0, err
    got = json.loads(out)
    from prr_app.review.assess import assess  # the checklist counts, as in prr analyze

    want = assess(P.apply_plan(_example("webshop"), plan)).to_dict()
    assert got["verdict"] == want["verdict"] and got["risks"] == want["risks"]
    ids = {r["id"] for r in got["risks"]}
    assert "spof:component:cart-db" not in ids and "spof:domain:euw1-a" not in ids  # both parts, and the zone
    assert "spof:component:cart-db" in {r["id"] for r in _assess(_example("webshop"))["risks"]}
    assert read_review_json(tmp_path / "ws.json").components["cart-db"].replicas == 1
    (tmp_path / "bad.json").write_text('{"format": "prr-plan", "name": "b", "changes": [{"op": "add-replica", '
                                       '"component": "ghost"}]}')
    code, out, err = _run(capsys, "analyze", str(tmp_path / "ws.json"), "--plan", str(tmp_path / "bad.json"))
    assert code == 2 and out == "" and "bad.json: $.changes[0]: no component 'ghost'" in err


def test_report_plan_section_lists_changes_risks_owners_and_counts_the_rest():
    from prr_app.reporting.changes import ROW_LIMIT
    from prr_app.reporting.markdown import render_markdown

    review = _example("platform")
    before = _assess(review)
    plan = P.suggested_plan(review, before)
    assert len(plan.changes) > ROW_LIMIT
    res = P.evaluate(review, plan, today=TODAY, before=before)
    md = render_markdown(review, plan=res)
    section = md[md.index("## Current vs after the plan “suggested”"):md.index("## 1. ")]
    assert f"| Verdict | {before['verdict']['verdict'].replace('-', ' ').capitalize()} | {res['after']['verdict'].replace('-', ' ').capitalize()} |" in section  # in words
    assert f"… and {len(plan.changes) - ROW_LIMIT} more changes (prr plan --json lists them all)." in section
    for owner in res["owners"][:3]:
        assert owner.replace("-", "\\-") in section or owner in section
    resolved = [r for r in res["risks"] if r["outcome"] == "resolved"]
    assert resolved and resolved[0]["id"].split(":")[-1] in section
    assert "Changes since" not in md  # no milestone given


@st.composite
def small_reviews(draw):
    """A few components in two zones, a hard chain from the user-facing entry, random replicas,
    tiers, fallbacks and SLOs: small enough to check the search's result exhaustively."""
    r = Review()
    r.meta.tier = draw(st.sampled_from([1, 2]))
    r.meta.system_name = "random"
    r.add(FailureDomain("za", kind="zone"))
    r.add(FailureDomain("zb", kind="zone"))
    n = draw(st.integers(2, 4))
    for i in range(n):
        reps = draw(st.integers(1, 2))
        r.add(Component(f"c{i}", kind=draw(st.sampled_from(["service", "datastore"])), user_facing=i == 0,
                        tier=draw(st.sampled_from([1, 2, 3])), replicas=reps, placement=["za", "zb"][:reps],
                        availability=draw(st.sampled_from([99.9, 99.99])), owner=f"team{i}",
                        slo=99.5 if i == 0 else None))
    for i in range(1, n):
        src = f"c{draw(st.integers(0, i - 1))}"
        r.add(Dependency(src, f"c{i}", kind=draw(st.sampled_from(["hard", "soft"])), timeout_ms=200,
                         circuit_breaker=True, fallback=draw(st.sampled_from([None, None, "cached"]))))
    r.add(Journey("j", entry=["c0"], slo=draw(st.sampled_from([99.0, 99.9])), critical=draw(st.booleans())))
    return r


@settings(max_examples=12, deadline=None)
@given(small_reviews())
def test_shortest_path_on_random_reviews_is_right_and_minimal(r):
    """Against the plain oracle, the review edited by hand: what the search says it reached, the
    hand-edited review reaches; no single change of its plan can be dropped; what it could not
    clear is named, and only what no suggestion clears (a user-facing entry's own failure...)."""
    before = _assess(r)
    res = P.shortest_path_to_ready(r, today=TODAY, before=before)
    plan = res["plan"]
    after = _assess(_by_hand_any(r, plan))
    assert after["verdict"]["verdict"] == res["verdict_after"]
    if res["reached"]:
        assert after["verdict"]["verdict"] in P.GOOD_VERDICTS
        for ch in plan.changes:
            rest = P.Plan("x", [c for c in plan.changes if c is not ch])
            try:
                v = _assess(P.apply_plan(r, rest))["verdict"]["verdict"]
            except PrrError:
                continue
            assert v not in P.GOOD_VERDICTS, ch.describe()
    else:
        assert set(res["needs_decision"]) == set(res["remaining_blockers"]) and res["remaining_blockers"]


def _by_hand_any(review: Review, plan: P.Plan) -> Review:
    """The plan's changes made by hand where the oracle knows them; the rest through apply_plan."""
    known = {"add-replica", "spread", "add-fallback", "set-call", "answer", "add-domain"}
    if all(c.op in known for c in plan.changes):
        return _by_hand(review, plan)
    return P.apply_plan(review, plan)


def test_cli_shortest_json_names_what_needs_a_decision(tmp_path, capsys):
    from prr_app.model.entities import Risk

    r = copy.deepcopy(_example("webshop"))
    r.add(Risk("r-legal", title="the data processing agreement is not signed", likelihood=5, impact=5))
    write_json(r, tmp_path / "ws.json")
    code, out, err = _run(capsys, "plan", str(tmp_path / "ws.json"), "--shortest", "--json")
    assert code == 0, err
    res = json.loads(out)
    jsonschema_validate(res)
    s = res["search"]
    assert s["reached"] is False and set(s["needs_decision"]) == set(s["remaining_blockers"])
    assert s["needs_decision"] == {"r-legal": "a reviewer's own risk: mitigate it, or accept it with a reason"}
    code, out, err = _run(capsys, "plan", str(tmp_path / "ws.json"), "--shortest")
    assert "needs a decision: r-legal: a reviewer's own risk" in out


def test_a_finding_a_fixed_risk_held_is_separated_not_new():
    """web's two replicas on host h1: the host's SPOF holds the finding "all replicas of web sit in h1".
    A second web on h2 behind a group fixes the host SPOF; the finding stands alone afterwards. The
    plan called it "new", as if the plan had made it."""
    from prr_app.model.entities import RedundancyGroup

    def review(after: bool) -> Review:
        r = Review()
        for h in ("h1", "h2"):
            r.add(FailureDomain(id=h, kind="host"))
        r.add(Component(id="web", replicas=2, placement=["h1"]))
        entry = ["web"]
        if after:
            r.add(Component(id="web2", replicas=2, placement=["h2"]))
            r.add(RedundancyGroup(id="edge", members=["web", "web2"], min_up=1))
            entry = ["edge"]
        r.add(Journey(id="buy", entry=entry))
        return r

    before, after = analyze(review(False)).to_dict(), analyze(review(True)).to_dict()
    assert "common-cause:replicas:web" in next(r for r in before["risks"] if r["id"] == "spof:domain:h1")["aliases"]
    rows = {r["id"]: r for r in P.compare_analyses(before, after)["risks"]}
    assert rows["spof:domain:h1"]["outcome"] == "resolved"
    assert (rows["common-cause:replicas:web"]["outcome"], rows["common-cause:replicas:web"]["was_in"]) == \
        ("separated", "spof:domain:h1")
    assert rows["common-cause:replicas:web2"]["outcome"] == "new"  # the plan's own second web, on one host
