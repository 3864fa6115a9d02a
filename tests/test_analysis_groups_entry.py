"""Journeys that enter through a redundancy group, and user-facing components served through one.

docs/analysis.md, "User-facing and journeys": a journey entry may name a redundancy group (up while
``min_up`` of its members are up), and a user-facing component that is a member of a group is served
through it (the group is the user-facing unit). So the mitigation the register suggests for an
entry's own failure, an independent second of it in a group, really clears it.
"""
from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings

from analysis_oracle import entry_down, oracle, reviews
from prr_app.analysis import analyze, simulate
from prr_app.errors import PrrError
from prr_app.interchange.json_io import review_from_dict, review_to_dict
from prr_app.model.entities import (
    Component,
    Dependency,
    FailureDomain,
    Journey,
    RedundancyGroup,
    Review,
)
from prr_app.model.validation import check, validate
from prr_app.review import plans as P

TODAY = "2026-01-01"
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _shop(gateways: int, *, entry_group: bool = True) -> Review:
    """A tier-1 shop: gateways (each 2 replicas over two zones) call the app with a fallback; the
    critical journey enters by the gateways (a group of them when ``entry_group``)."""
    r = Review()
    r.meta.tier = 1
    r.meta.system_name = "shop"
    for z in ("za", "zb"):
        r.add(FailureDomain(z, kind="zone"))
    gws = [f"gw-{x}" for x in "ab"[:gateways]]
    for g in gws:
        r.add(Component(g, kind="gateway", user_facing=True, replicas=2, placement=["za", "zb"],
                        availability=99.95, slo=99.9, owner="edge", recovery="automatic"))
        r.add(Dependency(g, "app", kind="hard", fallback="static page", timeout_ms=200, circuit_breaker=True))
    r.add(Component("app", replicas=2, placement=["za", "zb"], availability=99.99, owner="app",
                    recovery="automatic"))
    r.add(Component("db", kind="datastore", replicas=3, min_healthy=2, placement=["za", "zb", "za"],
                    availability=99.99, owner="app", recovery="automatic"))
    r.add(Dependency("app", "db", kind="hard", timeout_ms=200, circuit_breaker=True))
    if entry_group:
        r.add(RedundancyGroup("edge", name="two gateways", members=gws, min_up=1))
        r.add(Journey("buy", entry=["edge"], slo=99.9, critical=True))
    else:
        r.add(Journey("buy", entry=[gws[0]], slo=99.9, critical=True))
    return r


def test_a_journey_through_two_independent_gateways_is_ready():
    a = analyze(_shop(2), today=TODAY)
    assert a.verdict["verdict"] in ("ready", "ready-with-conditions"), a.verdict["causes"]
    assert a.verdict["launch_blockers"] == []
    assert [s["element"] for s in a.spofs] == []  # no gateway's own failure takes the journey or users down
    # a gateway's failure degrades the journey (one of two gone), it does not take it down
    assert a.blast_radius["gw-a"]["journeys"] == () and a.blast_radius["gw-a"]["journeys_degraded"] == ("buy",)
    av = {x["target"]: x for x in a.availability}
    # the journey is up while one gateway is: 1 - (1 - p)^2, exactly
    assert av["buy"]["method"] == "exact"
    assert av["buy"]["estimate"] == pytest.approx(100 * (1 - 0.0005 ** 2), abs=1e-6)
    # and a user-facing gateway is as available as the group that serves its users
    assert av["gw-a"]["estimate"] == pytest.approx(av["buy"]["estimate"], abs=1e-9)
    assert av["buy"]["attainable"] is True


def test_a_journey_through_a_single_gateway_is_not_ready_and_says_why():
    a = analyze(_shop(1, entry_group=False), today=TODAY)
    assert a.verdict["verdict"] == "not-ready"
    assert a.verdict["launch_blockers"] == ["spof:component:gw-a"]
    risk = next(r for r in a.risks if r["id"] == "spof:component:gw-a")
    assert risk["launch_blocking"] and "critical journey buy" in risk["blocking_reason"]
    assert any("gw-a is a single point of failure" in c for c in a.verdict["causes"])
    # the mitigation names the concrete step, in the model's terms
    assert "independent second gw-a" in risk["mitigation"]
    assert "serve journey buy through a redundancy group of both" in risk["mitigation"]


def test_a_group_of_one_gateway_still_fails_with_it():
    """The group changes nothing by itself: one member, or a group that needs both, goes down with a gateway."""
    r = _shop(2)
    r.groups["edge"].min_up = 2
    a = analyze(r, today=TODAY)
    assert {"spof:component:gw-a", "spof:component:gw-b"} <= set(a.verdict["launch_blockers"])
    assert a.blast_radius["gw-a"]["journeys"] == ("buy",)


def test_a_failure_that_takes_the_group_down_is_still_a_spof():
    r = _shop(2)
    # both gateways now call the app without a fallback: the app takes the whole group down
    for g in ("gw-a", "gw-b"):
        r.dependencies[f"{g}->app"].fallback = None
    r.components["app"].replicas = 1
    r.components["app"].placement = []
    a = analyze(r, today=TODAY)
    spof = next(s for s in a.spofs if s["element"] == "app")
    assert spof["journeys"] == ("buy",)
    assert spof["user_facing_down"] == ("gw-a", "gw-b")
    assert spof["chain"][0] == "app" and spof["chain"][-1] in ("gw-a", "gw-b")
    assert "spof:component:app" in a.verdict["launch_blockers"]
    assert not any(s["element"] in ("gw-a", "gw-b") for s in a.spofs)


def test_user_facing_members_of_a_group_are_one_unit_without_journeys():
    """No journey: the two user-facing front ends are served through their group."""
    r = _shop(2)
    del r.journeys["buy"]
    a = analyze(r, today=TODAY)
    assert not any(s["element"].startswith("gw-") for s in a.spofs)
    assert not any(x["id"].startswith("spof:component:gw-") for x in a.risks)
    # the member's own failure leaves users served: the front ends are degraded, not down
    out = simulate(r, components=["gw-a"])
    assert out.down == {"gw-a"}
    # without the group each is a SPOF of itself
    r2 = _shop(2)
    del r2.journeys["buy"]
    del r2.groups["edge"]
    a2 = analyze(r2, today=TODAY)
    assert {"gw-a", "gw-b"} <= {s["element"] for s in a2.spofs}


def test_what_if_journey_through_a_group():
    r = _shop(2)
    out = simulate(r, components=["gw-a"])
    assert out.journeys_down == set() and out.journeys_degraded == {"buy"}
    out = simulate(r, components=["gw-a", "gw-b"])
    assert out.journeys_down == {"buy"}
    r.groups["edge"].min_up = 2  # needs both: expanded into plain edges by the compiler
    assert simulate(r, components=["gw-b"]).journeys_down == {"buy"}


def test_validation_accepts_group_entries_and_refuses_unknown_ids():
    r = _shop(2)
    assert validate(r) == []
    r.journeys["buy"].entry = ["edge", "nope"]
    problems = validate(r)
    assert [(p.path, p.message) for p in problems] == [
        ("$.journeys[buy].entry[1]", "unknown component or redundancy group 'nope'")]
    with pytest.raises(PrrError):
        check(r)


def test_group_entries_round_trip_in_review_json():
    r = _shop(2)
    data = review_to_dict(r)
    assert data["journeys"][0]["entry"] == ["edge"]
    back = review_from_dict(json.loads(json.dumps(data)))
    assert back.journeys["buy"].entry == ["edge"]
    bad = json.loads(json.dumps(data))
    bad["journeys"][0]["entry"] = ["missing-gw"]
    with pytest.raises(PrrError) as e:
        review_from_dict(bad, file="shop.json")
    assert "missing-gw" in str(e.value) and "shop.json" in str(e.value)


def test_the_shortest_path_serves_the_entry_through_a_group():
    r = _shop(1, entry_group=False)
    res = P.shortest_path_to_ready(r, today=TODAY)
    assert res["reached"] is True, (res["remaining_blockers"], res["needs_decision"])
    assert res["verdict_after"] in P.GOOD_VERDICTS
    assert res["needs_decision"] == {}
    ops = [(c.op, c.args.get("component")) for c in res["plan"].changes]
    assert ("add-alternative", "gw-a") in ops
    assert any("serve its callers and journeys through a redundancy group of both" in c.describe()
               for c in res["plan"].changes)
    after = P.apply_plan(r, res["plan"])
    gid = next(g for g in after.groups.values() if "gw-a" in g.members)
    assert after.journeys["buy"].entry == [gid.id]
    assert after.components[[m for m in gid.members if m != "gw-a"][0]].user_facing is True


def test_suggestions_offer_a_second_of_a_user_facing_entry():
    r = _shop(1, entry_group=False)
    a = analyze(r, today=TODAY).to_dict()
    sugg = dict(P.suggest(r, a))
    alts = sugg["spof:component:gw-a"]
    assert any(ch.op == "add-alternative" and ch.args["component"] == "gw-a" for alt in alts for ch in
               (alt if isinstance(alt, list) else [alt]))


# ------------------------------------------------------------------ against the brute-force oracle
def _brute_force(review: Review, entries: list[str]) -> float:
    comps = [(cid, (c.availability if c.availability is not None else 100.0) / 100, "c")
             for cid, c in sorted(review.components.items())]
    doms = [(did, (d.availability if d.availability is not None else 100.0) / 100, "d")
            for did, d in sorted(review.domains.items())]
    elems = [x for x in comps + doms if x[1] < 1]
    total = 0.0
    for state in itertools.product((True, False), repeat=len(elems)):
        prob = 1.0
        fc, fd = [], []
        for (e, p, kind), up in zip(elems, state):
            prob *= p if up else 1 - p
            if not up:
                (fc if kind == "c" else fd).append(e)
        if prob == 0:
            continue
        down, _ = oracle(review, components=fc, domains=fd)
        if not any(entry_down(review, e, down) for e in entries):
            total += prob
    return total


@SETTINGS
@given(reviews(max_components=6))
def test_journey_and_user_facing_availability_match_brute_force(review):
    n = sum(1 for c in review.components.values() if c.availability not in (None, 100.0))
    n += sum(1 for d in review.domains.values() if d.availability not in (None, 100.0))
    if n > 10:
        return
    a = analyze(review, today=TODAY)
    rows = {(x["target_type"], x["target"]): x for x in a.availability}
    wanted = {("journey", jid): list(j.entry) for jid, j in review.journeys.items()}
    for cid in a.summary["user_facing"]:
        groups = [gid for gid, g in review.groups.items() if cid in g.members]
        wanted[("component", cid)] = groups or [cid]  # a member is as available as its groups
    for key, entries in wanted.items():
        row = rows[key]
        expect = _brute_force(review, entries)
        if row["method"] == "exact":
            # the figures are written rounded to 1e-6 percentage points
            assert row["ci"][0] / 100 - 1e-8 <= expect <= row["ci"][1] / 100 + 1e-8, key
            assert math.isclose(row["estimate"] / 100, expect, abs_tol=1e-8), key
        else:
            assert abs(row["estimate"] / 100 - expect) <= 5 * (row["ci"][1] - row["ci"][0]) / 100 + 1e-3, key


def test_the_journey_editor_offers_groups_as_entries():
    pytest.importorskip("PySide6")
    from prr_app.ui.inspector import FIELDS, Invalid, parse

    field = next(f for f in FIELDS["journeys"] if f.attr == "entry")
    r = _shop(2)
    assert parse(field, "edge, gw-a", r) == ["edge", "gw-a"]
    with pytest.raises(Invalid, match="unknown component or redundancy group: nope"):
        parse(field, "edge, nope", r)
