"""The verdict and the risk register (issue 17): fail-safe rules, one root cause per line, owners,
effort, fitting mitigations, and risk texts built from the same facts as their chains."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_oracle import reviews
from prr_app.analysis import analyze
from prr_app.analysis.risks import EFFORT
from prr_app.model.entities import (
    Acceptance,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Mitigation,
    ResiliencePolicy,
    Review,
    Risk,
)


def two_tier(tier=2) -> Review:
    """web (user-facing, 2 replicas in two zones) -> db (one replica)."""
    r = Review()
    r.meta.tier = tier
    for z in ("a", "b"):
        r.add(FailureDomain(id=f"zone-{z}", kind="zone"))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["zone-a", "zone-b"], slo=99.0,
                    owner="web-team", availability=99.99))
    r.add(Component(id="db", kind="datastore", replicas=1, placement=["zone-a"], owner="data-team",
                    availability=99.99))
    r.add(Dependency("web", "db", timeout_ms=100))
    return r


def test_unknown_tier_counts_as_tier_1_and_is_stated():
    r = two_tier(tier=2)
    a = analyze(r, checklist=None)
    assert not a.risk("spof:component:db")["launch_blocking"]  # tier 2, no journey: not blocking
    r.meta.tier = None
    a = analyze(r, checklist=None)
    db = a.risk("spof:component:db")
    assert db["launch_blocking"] and "tier-1 user-facing web" in db["blocking_reason"]
    assert a.verdict["verdict"] == "not-ready"
    assert any("tier is not stated" in x for x in a.verdict["assumptions"])
    assert any("single point" in c for c in a.verdict["causes"])


def test_one_root_cause_one_line_with_its_disruption_types():
    a = analyze(two_tier(tier=1), checklist=None)
    db = a.risk("spof:component:db")
    assert a.risk("spof:instance:db") is db
    assert db["disruptions"] == ["component", "instance"] and "spof:instance:db" in db["aliases"]
    assert sum(1 for r in a.risks if "db is a single point" in r["title"]) == 1
    # the SPOF entries of db's instances point at the one risk
    assert {s["risk_id"] for s in a.spofs if s.get("component") == "db"} == {"spof:component:db"}


def test_owner_defaults_to_the_owner_of_the_component_the_fix_changes():
    r = two_tier()
    a = analyze(r, checklist=None)
    db = a.risk("spof:component:db")
    assert db["owner"] == "data-team" and db["owner_source"] == "owner of db"
    r.add(Risk(id="spof:component:db", origin="computed", owner="sre"))
    db = analyze(r, checklist=None).risk("spof:component:db")
    assert db["owner"] == "sre" and db["owner_source"] == "reviewer"


def test_every_computed_mitigation_has_an_effort_from_the_table():
    a = analyze(two_tier(), checklist=None)
    for r in a.risks:
        assert r["effort"] is not None and r["effort"]["kind"] in EFFORT
        assert r["effort"]["days"] == EFFORT[r["effort"]["kind"]][1]


def test_ready_with_conditions_needs_owner_and_due_date_for_every_open_high_risk():
    r = two_tier()
    r.components["db"].owner = ""
    a = analyze(r, checklist=None)
    assert a.verdict["verdict"] == "not-ready"
    assert "spof:component:db" in a.verdict["open_high_without_plan"]
    assert any("no owner" in c and "open high or critical risk" in c for c in a.verdict["causes"])
    r.add(Mitigation(id="m1", title="standby db", owner="data-team", due="2026-09-01",
                     risks=["spof:instance:db"]))  # recorded under the folded id: counts for the root
    a = analyze(r, checklist=None, today="2026-06-01")
    open_high = [x for x in a.risks if x["severity"] in ("high", "critical") and x["status"] == "open"]
    assert all(x["owner"] and any(m["due"] for m in x["mitigations"]) for x in open_high) == \
        (a.verdict["verdict"] == "ready-with-conditions")


def test_a_mitigation_past_its_due_date_is_no_plan():
    """Mitigations overdue by months made 'ready with conditions'; only the portfolio counted them."""
    r = two_tier()
    a = analyze(r, checklist=None, today="2026-06-01")
    high = [x for x in a.risks if x["severity"] in ("high", "critical") and x["status"] == "open" and x["policy_required"]]
    assert high
    for i, x in enumerate(high):
        r.risks.pop(x["id"], None)
        r.add(Mitigation(id=f"m{i}", title="fix", owner="team", due="2026-09-01", risks=[x["id"]]))
    for x in high:
        if not x["owner"]:
            comp = x["components"][0]
            r.components[comp].owner = "team"
    before = analyze(r, checklist=None, today="2026-06-01").verdict
    assert not before["open_high_without_plan"]
    after = analyze(r, checklist=None, today="2026-10-01").verdict
    assert sorted(after["open_high_without_plan"]) == sorted(x["id"] for x in high)
    assert after["verdict"] == "not-ready"
    assert any("only mitigations past their due date (as of 2026-10-01)" in c for c in after["causes"])
    # a dropped mitigation is no plan either, whatever its date
    for m in r.mitigations.values():
        m.status = "dropped"
    assert analyze(r, checklist=None, today="2026-06-01").verdict["open_high_without_plan"]


def test_ready_never_says_no_open_high_risk_while_the_register_has_some():
    """The policy does not require surviving a component failure: those SPOFs' high risks do not decide
    the verdict, but the verdict said 'no open high or critical risk' beside three of them."""
    r = Review()
    r.meta.tier = 2
    for z in ("z1", "z2", "z3"):
        r.add(FailureDomain(id=z, kind="zone"))
    for cid in ("gw", "api", "db"):
        r.add(Component(id=cid, owner="platform", replicas=3, min_healthy=1, placement=["z1", "z2", "z3"],
                        availability=99.99, user_facing=cid == "gw", slo=99.9 if cid == "gw" else None))
    r.add(Dependency("gw", "api", timeout_ms=2000))
    r.add(Dependency("api", "db", timeout_ms=500))
    r.add(Journey(id="buy", name="Buy", entry=["gw"], critical=True, slo=99.9))
    r.policy = ResiliencePolicy(survive=["instance", "zone"])
    a = analyze(r, checklist=None)
    high = [x for x in a.risks if x["severity"] in ("high", "critical") and x["status"] == "open"]
    assert high and not any(x["policy_required"] for x in high)
    assert a.verdict["verdict"] == "ready"
    last = a.verdict["causes"][-1]
    assert last.startswith("No launch blocker and no open high or critical risk of a disruption the resilience "
                           "policy requires surviving.")
    assert f"{len(high)} other high or critical risk" in last and "gw is a single point of failure" in last


def test_reviewer_risk_ranks_by_score_and_critical_blocks():
    r = two_tier()
    r.add(Risk(id="r-crit", title="Payment vendor contract ends", likelihood=5, impact=5))
    r.add(Risk(id="r-low", title="Old TLS ciphers", likelihood=1, impact=2, launch_blocking=True,
               launch_blocking_reason="compliance audit requires it"))
    a = analyze(r, checklist=None)
    crit = a.risk("r-crit")
    assert crit["launch_blocking"] and crit["rank"] == 1 and "critical band" in crit["blocking_reason"]
    low = a.risk("r-low")
    assert low["launch_blocking"] and "compliance audit requires it" in low["blocking_reason"]
    r.risks["r-crit"].acceptance = Acceptance(by="cto", at="2026-01-01", reason="contract renewed")
    assert not analyze(r, checklist=None).risk("r-crit")["launch_blocking"]


def test_acceptance_ending_before_the_target_launch_does_not_count():
    r = two_tier(tier=1)
    r.meta.target_launch = "2026-10-01"
    r.add(Risk(id="spof:component:db", origin="computed",
               acceptance=Acceptance(by="cto", at="2026-01-01", reason="migration", until="2026-09-01")))
    a = analyze(r, today="2026-06-01", checklist=None)
    db = a.risk("spof:component:db")
    assert db["acceptance_before_launch"] and db["launch_blocking"]
    r.risks["spof:component:db"].acceptance.until = "2026-12-01"
    db = analyze(r, today="2026-06-01", checklist=None).risk("spof:component:db")
    assert not db["acceptance_before_launch"] and not db["launch_blocking"]


def test_resilience_policy_decides_which_domain_spofs_block():
    r = Review()
    r.meta.tier = 1
    r.add(FailureDomain(id="eu", kind="region"))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["eu"], slo=99.0, availability=99.99))
    a = analyze(r, checklist=None)
    reg = a.risk("spof:domain:eu")
    assert reg is not None and not reg["launch_blocking"] and not reg["policy_required"]
    assert "not a launch condition" in reg["mitigation"]
    assert a.verdict["verdict"] != "not-ready" or "spof:domain:eu" not in a.verdict["launch_blockers"]
    r.policy = ResiliencePolicy(survive=["instance", "component", "zone", "region"])
    reg = analyze(r, checklist=None).risk("spof:domain:eu")
    assert reg["launch_blocking"] and reg["policy_required"]


def test_user_facing_without_slo_is_a_finding_blocking_on_tier_1():
    r = two_tier(tier=3)
    r.components["web"].slo = None
    a = analyze(r, checklist=None)
    miss = a.risk("slo:missing")
    assert miss and not miss["launch_blocking"] and "web" in miss["title"]
    r.components["web"].tier = 1
    miss = analyze(r, checklist=None).risk("slo:missing")
    assert miss["launch_blocking"] and "no SLO on tier 1" in miss["blocking_reason"]


def test_unanswered_blocker_items_keep_a_bare_import_not_ready():
    r = Review()
    r.add(Component(id="a", user_facing=True, slo=99.9))
    a = analyze(r)
    if a.checklist is None or a.checklist.get("error"):
        return  # the checklist part is not installed: nothing to count
    assert a.checklist["unanswered_blockers"] > 0
    assert a.verdict["verdict"] == "not-ready"
    assert any("unanswered" in c for c in a.verdict["causes"])


def test_slos_with_the_same_largest_consumer_fold_into_its_spof():
    r = two_tier(tier=1)
    r.components["db"].availability = 98.0
    r.add(Journey(id="buy", name="Buy", entry=["web"], slo=99.9))
    r.add(Journey(id="look", name="Look", entry=["web"], slo=99.9))
    a = analyze(r, checklist=None)
    root = a.risk("spof:component:db")
    assert {"slo:journey:buy", "slo:journey:look"} <= set(root["aliases"])
    assert a.risk("slo:journey:buy") is root and root["launch_blocking"]
    assert not [x for x in a.risks if x["id"].startswith("slo:journey")]


def test_mitigations_fit_the_component():
    r = Review()
    r.meta.tier = 1
    r.add(Component(id="shop", user_facing=True, replicas=2, slo=99.0))
    r.add(Component(id="payments-api", kind="external_api"))
    r.add(Dependency("shop", "payments-api", timeout_ms=500))
    a = analyze(r, checklist=None)
    pay = a.risk("spof:component:payments-api")
    assert "fallback" in pay["mitigation"] and "second vendor" in pay["mitigation"]
    assert "replica" not in pay["mitigation"] and "zone" not in pay["mitigation"]
    # no zones in the review: no zone suggested anywhere
    r.add(Component(id="cart", replicas=1))
    r.add(Dependency("shop", "cart", timeout_ms=100))
    for risk in analyze(r, checklist=None).risks:
        assert "zone" not in risk["mitigation"]


def _edges(review: Review) -> set[tuple[str, str]]:
    out = set()
    for d in review.dependencies.values():
        targets = review.groups[d.target].members if d.target in review.groups else [d.target]
        for t in targets:
            out.add((d.source, t))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews(), st.data())
def test_each_risk_text_is_built_from_its_own_facts(review, data):
    for d in review.dependencies.values():  # call hygiene too: retries without backoff, timeouts
        d.retries = data.draw(st.sampled_from([None, 0, 1, 3]))
        d.backoff = data.draw(st.sampled_from([None, False, True]))
        d.timeout_ms = data.draw(st.sampled_from([None, 200]))
    a = analyze(review, checklist=None)
    edges = _edges(review)
    for risk in a.risks:
        text = " ".join((risk["title"], risk["description"], risk["mitigation"]))
        chain = risk.get("chain") or []
        if risk["category"] == "cascading" and len(chain) > 1:
            # the chain quoted is a real path of dependencies, and it is in the text
            assert all((x, y) in edges for x, y in zip(chain, chain[1:])), (risk["id"], chain)
            assert " -> ".join(chain[:4]) in text
        if risk["id"].startswith("cascade:retries:"):
            src = risk["id"].split(":", 2)[2]
            retried = {t for (x, t) in edges if x == src and any(
                d.source == src and (d.target == t or t in getattr(review.groups.get(d.target), "members", ()))
                and d.retries and d.backoff is not True for d in review.dependencies.values())}
            assert chain[0] == src and chain[1] in retried, (risk["id"], chain, retried)
        # every "A -> B" the text names is a dependency of the review
        for x, y in re.findall(r"([\w.:/+-]+) -> ([\w.:/+-]+)", text):
            if x in review.components and y in review.components:
                assert (x, y) in edges, (risk["id"], x, y)
        if risk["category"] == "spof" and risk["id"].startswith("spof:component:"):
            cid = risk["id"].split(":", 2)[2]
            assert risk["title"].startswith(f"{cid} is a single point of failure")
            if "instance" in risk["disruptions"]:
                comp = review.components[cid]
                n = comp.replicas or 1
                assert f"runs {n} instance" in risk["description"]
        assert risk["score"] == risk["likelihood"] * risk["impact"]


def test_retry_finding_quotes_the_chain_of_its_own_retries():
    """webshop risk 21: checkout retries payments-api, yet the text quoted checkout -> cart -> cart-db."""
    r = Review()
    for cid in ("checkout", "payments-api", "cart", "cart-db"):
        r.add(Component(id=cid, user_facing=cid == "checkout", replicas=2))
    r.add(Dependency("checkout", "payments-api", retries=3, backoff=False, timeout_ms=100))
    r.add(Dependency("checkout", "cart", timeout_ms=100))
    r.add(Dependency("cart", "cart-db", retries=5, backoff=False, timeout_ms=100))
    a = analyze(r, checklist=None)
    risk = a.risk("cascade:retries:checkout")
    assert risk["chain"] == ["checkout", "payments-api"]
    assert "4x" in risk["title"] and "cart-db" not in risk["description"]
    assert a.risk("cascade:retries:cart")["chain"] == ["cart", "cart-db"]


def test_a_tier_not_stated_owes_the_tier_1_checklist():
    from prr_app import checklist

    r = two_tier(tier=1)
    t1 = checklist.evaluate(r).open_blockers
    r.meta.tier = None
    assert len(checklist.evaluate(r).open_blockers) == len(t1) > 0
    from prr_app.review.assess import assess

    a = assess(r)
    assert a.checklist["unanswered_blockers"] == len(t1) and a.verdict["verdict"] == "not-ready"


def _imported(n_callers: int = 4) -> Review:
    """As an import gives it: callers -> api -> db, every call hard, no timeout or breaker stated."""
    r = Review()
    r.add(Component(id="api"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("api", "db"))
    for i in range(n_callers):
        r.add(Component(id=f"web{i}"))
        r.add(Dependency(f"web{i}", "api"))
    return r


def test_calls_without_timeouts_in_a_review_that_states_none_are_one_risk():
    r = _imported()
    a = analyze(r, checklist=None)
    found = sorted(f["id"] for f in a.cascading if f["type"] == "no-timeout-or-breaker")
    assert found == ["cascade:no-timeout:api"] + [f"cascade:no-timeout:web{i}" for i in range(4)]
    ids = [x["id"] for x in a.risks]
    assert "cascade:no-timeout" in ids and not any(i.startswith("cascade:no-timeout:") for i in ids)
    risk = a.risk("cascade:no-timeout")
    assert risk["aliases"] == found and risk["components"] == ["api", "web0", "web1", "web2", "web3"]
    assert "5 calls from 5 components" in risk["title"]
    assert a.risk("cascade:no-timeout:web2") is risk  # a finding's id finds its root
    # a reviewer's decision stored under a folded finding's id applies to the root
    r.add(Risk(id="cascade:no-timeout:web2", origin="computed", owner="platform-team"))
    assert analyze(r, checklist=None).risk("cascade:no-timeout")["owner"] == "platform-team"
    # once one call states a timeout, each component's calls are their own risk again
    r.dependencies["web0->api"].timeout_ms = 200
    ids = {x["id"] for x in analyze(r, checklist=None).risks}
    assert "cascade:no-timeout" not in ids
    assert {"cascade:no-timeout:api", "cascade:no-timeout:web1"} <= ids and "cascade:no-timeout:web0" not in ids


def test_deep_chains_that_end_in_the_same_call_are_one_risk():
    r = Review()
    layers = ["a", "b", "c", "d", "e"]
    for x in layers:
        r.add(Component(id=x))
    for x, y in zip(layers, layers[1:]):
        r.add(Dependency(x, y, timeout_ms=100))
    for i in range(3):  # three entry points on top of the same 5-deep chain
        r.add(Component(id=f"entry{i}", user_facing=True))
        r.add(Dependency(f"entry{i}", "a", timeout_ms=100))
    a = analyze(r, checklist=None)
    chains = [x for x in a.risks if x["id"].startswith("cascade:chain:")]
    assert [x["id"] for x in chains] == ["cascade:chain:entry0"]
    assert chains[0]["aliases"] == ["cascade:chain:entry1", "cascade:chain:entry2"]
    assert "d -> e" in chains[0]["mitigation"] and "2 more entry points" in chains[0]["title"]
    assert {"entry0", "entry1", "entry2"} <= set(chains[0]["components"])
    assert len([f for f in a.cascading if f["type"] == "deep-synchronous-chain"]) == 3  # the findings stay


def test_a_policy_that_requires_no_survival_never_names_spofs_as_the_cause():
    """With nothing to survive, a SPOF risk that still blocks does so through what folded into it
    (an SLO not attainable by design): the cover says that, not "single points of failure that the
    resilience policy requires surviving"."""
    r = Review()
    r.meta.tier = 1
    r.add(Component(id="web", user_facing=True, replicas=2, slo=99.99, availability=99.95))
    r.add(Component(id="db", replicas=1, availability=99.5))
    r.add(Dependency(source="web", target="db"))
    r.policy = ResiliencePolicy(survive=[])
    a = analyze(r, checklist=None)
    assert a.verdict["verdict"] == "not-ready"
    causes = " ".join(a.verdict["causes"])
    assert "resilience policy requires surviving" not in causes
    assert "not attainable" in causes
    r.policy = ResiliencePolicy()
    causes = " ".join(analyze(r, checklist=None).verdict["causes"])
    assert "resilience policy requires surviving" in causes


# -- ranking: the tie-break inside a score band (docs/analysis.md, "Ranking") ----------------------

def shop(journey_critical=False) -> Review:
    """gateway (user-facing) -> web -> {cart, catalog}; cart and catalog both call the shared db;
    nothing replicated, no figures: every SPOF scores the same."""
    r = Review()
    r.add(Component(id="gateway", user_facing=True))
    for c in ("web", "cart", "catalog"):
        r.add(Component(id=c))
    r.add(Component(id="db", kind="datastore"))
    for s, t in (("gateway", "web"), ("web", "cart"), ("web", "catalog"), ("cart", "db"), ("catalog", "db")):
        r.add(Dependency(s, t))
    if journey_critical:
        r.add(Journey(id="browse", entry=["gateway"], critical=True))
    return r


def test_the_gateway_ranks_first_then_what_users_reach_only_through_it_then_the_shared_store():
    a = analyze(shop(), checklist=None)
    spofs = [s for s in a.spofs if s["element_type"] == "component"]
    scores = {a.risk(s["risk_id"])["score"] for s in spofs}
    assert len(scores) == 1  # one score band: the order is the tie-break's
    # gateway: users reach all 5 only through it; web: 4; db: takes 5 down, reached only through
    # itself; cart and catalog: 3 down each, by id
    assert [s["element"] for s in spofs] == ["gateway", "web", "db", "cart", "catalog"]
    ranked = [r["id"] for r in a.risks if r["id"].startswith("spof:")]
    assert ranked == [s["risk_id"] for s in spofs]
    assert [r["rank"] for r in a.risks] == list(range(1, len(a.risks) + 1))


def test_the_ranking_is_the_same_in_the_report_rows_and_the_cli(capsys, tmp_path):
    import json

    from prr_app.cli.main import main
    from prr_app.interchange.json_io import write_json
    from prr_app.reporting.assessment import Assessment

    r = shop()
    a = analyze(r, checklist=None)
    rows = Assessment(review=r, analysis=a.to_dict(), date=None).spof_rows()
    assert [x["element"] for x in rows] == ["gateway", "web", "db", "cart", "catalog"]
    from prr_app.ui.findings import findings_from  # the app's findings panel (no window needed)

    panel = [f["id"] for f in findings_from({"analysis": a}) if f["id"].startswith("spof:")]
    assert panel == [f"spof:component:{c}" for c in ("gateway", "web", "db", "cart", "catalog")]
    path = tmp_path / "shop.json"
    write_json(r, path)
    assert main(["analyze", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["element"] for s in doc["spofs"] if s["element_type"] == "component"] == \
        ["gateway", "web", "db", "cart", "catalog"]
    assert main(["analyze", str(path)]) == 0
    text = capsys.readouterr().out
    lines = [ln for ln in text.splitlines() if "] component " in ln]
    assert [ln.split("] component ")[1].split(":")[0] for ln in lines] == ["gateway", "web", "db", "cart", "catalog"]


def test_critical_journeys_taken_down_outrank_reach_inside_a_band():
    r = shop()
    # a second way in, and an auth service both ways in call
    r.add(Component(id="admin", user_facing=True))
    r.add(Component(id="auth"))
    r.add(Dependency("admin", "auth"))
    r.add(Dependency("gateway", "auth"))
    r.add(Journey(id="shop", entry=["gateway"], critical=True))
    r.add(Journey(id="admin-login", entry=["admin"], critical=True))
    a = analyze(r, checklist=None)
    order = [s["element"] for s in a.spofs if s["element_type"] == "component"]
    assert a.risk("spof:component:auth")["score"] == a.risk("spof:component:gateway")["score"]
    # auth takes both critical journeys down, the gateway one (users reach more only through it)
    assert order.index("auth") < order.index("gateway")
    # the gateway and admin take one each: the gateway is the way to more of the system
    assert order.index("gateway") < order.index("admin")


def test_the_tie_break_does_not_override_score_or_blocking():
    r = shop()
    r.components["db"].availability = 99.0  # likelihood 4 for db's component failure ...
    r.components["db"].replicas = 2  # ... but no instance SPOF: lk 4 against the others' 4
    r.components["gateway"].replicas = 2  # gateway: component failure only, likelihood 3
    r.components["gateway"].availability = 99.9
    a = analyze(r, checklist=None)
    gw, db = a.risk("spof:component:gateway"), a.risk("spof:component:db")
    assert gw["score"] < db["score"]
    assert db["rank"] < gw["rank"]


def _only_through_oracle(out, entries):
    """Plain definition: c counts v when v is reachable from an entry, and no longer when c is removed."""
    n = len(out)

    def reach(removed):
        seen = set()
        stack = [e for e in entries if e != removed]
        while stack:
            u = stack.pop()
            if u in seen:
                continue
            seen.add(u)
            stack.extend(v for v in out[u] if v != removed)
        return seen

    base = reach(None)
    return [len(base - reach(c)) if c in base else 0 for c in range(n)]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30),
    st.sets(st.integers(0, n - 1), max_size=3))))
def test_reached_only_through_matches_removing_each_component(case):
    from prr_app.analysis.risks import reached_only_through

    n, edges, entries = case
    out = [sorted({t for s, t in edges if s == u}) for u in range(n)]  # self-calls too
    size, parent = reached_only_through(out, sorted(entries))
    assert size == _only_through_oracle(out, entries)
    # with the condensation the analysis already made: the same
    import networkx as nx

    from prr_app.analysis.compiled import condensation

    assert reached_only_through(out, sorted(entries), condensation(n, out)) == (size, parent)
    for v in range(n):  # the parent is on every path from the entries to v
        if parent[v] != -1:
            assert v not in _reach_without(out, entries, parent[v])
    # the parents are networkx's immediate dominators of the whole graph (the fast path solves the part
    # below every cycle itself)
    if entries:
        g = nx.DiGraph()
        g.add_nodes_from(range(n + 1))
        g.add_edges_from((u, v) for u in range(n) for v in out[u])
        g.add_edges_from((n, e) for e in entries)
        idom = nx.immediate_dominators(g, n)
        assert parent == [idom[v] if v in idom and idom[v] != n else -1 for v in range(n)]


def _reach_without(out, entries, removed):
    seen, stack = set(), [e for e in entries if e != removed]
    while stack:
        u = stack.pop()
        if u not in seen:
            seen.add(u)
            stack.extend(v for v in out[u] if v != removed)
    return seen


def test_a_gateways_route_says_how_to_state_that_only_it_fails():
    """A gateway's failure of one route is counted as the gateway's (a hard dependency): the
    mitigation says how a reviewer states that the gateway serves other routes without it."""
    from prr_app.analysis import analyze
    from prr_app.model.entities import Component, Dependency, Review

    r = Review()
    r.add(Component(id="gw", kind="gateway", user_facing=True))
    r.add(Component(id="shop"))
    r.add(Component(id="chat"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("gw", "shop"))
    r.add(Dependency("gw", "chat"))
    r.add(Dependency("shop", "db"))
    a = analyze(r)
    chat = a.risk("spof:component:chat")["mitigation"]
    assert "if gw (a gateway) serves its users other routes without chat, only its routes to chat fail: " \
           "make gw -> chat soft to say so" in chat
    assert "(a gateway)" not in a.risk("spof:component:db")["mitigation"]  # shop is no gateway
    # stated so, the chat's failure degrades the gateway instead of taking it down
    r.dependencies["gw->chat"].kind = "soft"
    b = analyze(r)
    assert b.blast_radius["chat"]["down_count"] == 1 and b.blast_radius["chat"]["degraded_count"] == 1
    assert b.risk("spof:component:chat") is None  # no longer a single point of failure of the gateway
    assert b.risk("spof:component:shop") is not None  # the route that matters still is
