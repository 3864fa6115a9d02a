"""Session 25 fixes: min_healthy with no replica count, a SPOF's chain through a redundancy group to the
user-facing member it takes down, the reviewer's decisions on the risks of a deleted component, and a
journey left without entries."""
from __future__ import annotations

import contextlib
import copy
import io
import json
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings

from analysis_oracle import default_user_facing, entry_down, journeys_hit, oracle, reviews, user_facing_hit
from conftest import EXAMPLES, REALDATA
from prr_app.analysis import analyze
from prr_app.analysis.compiled import HUB_TAGS
from prr_app.analysis.findings import journeys_without_entries
from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, RedundancyGroup, Review
from prr_app.model.validation import validate
from prr_app.review import edits
from prr_app.review.document import ReviewDocument, load_review, save_review
from prr_app.review.importing import import_review

TODAY = "2026-12-01"


def prr(*args):
    """The program in this process: exit code, stdout and stderr as a process would give them."""
    from prr_app.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


# ----------------------------------------------------------------- A. min_healthy without replicas
def _k_gt_n(replicas=None) -> dict:
    """The explorer's bad_k_gt_n.json: db needs 3 healthy instances and states no replica count."""
    db = {"id": "db", "name": "db", "kind": "datastore", "owner": "team", "min_healthy": 3}
    if replicas is not None:
        db["replicas"] = replicas
    return {
        "format": "prr-review", "version": 1,
        "review": {"system_name": "bad_k_gt_n", "reviewers": ["me"], "review_date": "2026-12-01", "tier": 1},
        "components": [{"id": "web", "name": "web", "kind": "service", "owner": "team", "user_facing": True,
                        "tier": 1, "replicas": 2, "placement": ["za"], "slo": 99.0}, db],
        "dependencies": [{"source": "web", "target": "db", "kind": "hard", "timeout_ms": 500}],
        "redundancy_groups": [], "failure_domains": [{"id": "za", "kind": "zone"}],
        "journeys": [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.0, "critical": True}],
    }


def test_min_healthy_above_one_without_a_replica_count_is_refused_like_one_above_the_count(tmp_path):
    """db with min_healthy 3 and no replicas was valid, and analysed as 1 instance of 1 needed."""
    for replicas, said in ((None, "the replica count is not stated (taken as 1)"), (2, "has only 2 replicas")):
        f = tmp_path / f"k{replicas}.json"
        f.write_text(json.dumps(_k_gt_n(replicas)), encoding="utf-8")
        for cmd in ("validate", "analyze", "summary"):
            res = prr(cmd, f)
            assert res.returncode == 2, (cmd, res)
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1 and str(f) in lines[0] and "$.components[db].min_healthy" in lines[0]
            assert said in lines[0] and "Traceback" not in res.stderr
    ok = _k_gt_n()
    ok["components"][1]["min_healthy"] = 1  # 1 of an unstated count: what the analysis assumes anyway
    f = tmp_path / "ok.json"
    f.write_text(json.dumps(ok), encoding="utf-8")
    assert prr("validate", f).returncode == 0


def test_a_prr_file_of_that_shape_still_opens_in_the_app_with_the_problem_named(tmp_path):
    """A .prr written before the rule (db: min_healthy 3, replicas emptied in the inspector) opens in
    the app, which shows its problems to fix; the commands refuse it with one line."""
    good = _k_gt_n(3)
    src = tmp_path / "good.json"
    src.write_text(json.dumps(good), encoding="utf-8")
    path = tmp_path / "old.prr"
    save_review(load_review(src), path)
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("update component set replicas = NULL where id = 'db'")
        con.commit()
    doc = ReviewDocument.open(path)
    try:
        assert doc.review.components["db"].replicas is None
        assert [p.path for p in validate(doc.review)] == ["$.components[db].min_healthy"]
    finally:
        doc.close()
    res = prr("validate", path)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "old.prr" in res.stderr
    # and fixing it there is an edit like any other: stating the replica count
    r = ReviewDocument.open(path)
    try:
        review = copy.deepcopy(r.review)
    finally:
        r.close()
    edits.apply_changes(review, edits.set_fields(review, "components", "db", replicas=3))
    assert not validate(review)


def test_the_inspector_cannot_make_that_shape():
    from prr_app.interchange.json_io import review_from_dict

    r = review_from_dict(_k_gt_n(3))
    with pytest.raises(edits.EditRefused, match="replica count is not stated"):
        edits.set_fields(r, "components", "db", replicas=None)


# ----------------------------------------------------------------- B. chains through a group
def _fz56() -> Review:
    """The explorer's fz56.json, cut to what matters: group g0 needs all of c2, c1, c5; only c5 is
    user-facing; c2's failure takes g0 down, and with it c5 (served through g0)."""
    r = Review()
    for cid in ("c0", "c1", "c2", "c5", "c6"):
        r.add(Component(id=cid, replicas=1, user_facing=cid == "c5"))
    r.add(RedundancyGroup(id="g0", members=["c2", "c1", "c5"], min_up=3))
    r.add(Dependency("c2", "c0", kind="hard"))
    r.add(Dependency("c1", "c6", kind="hard"))
    r.add(Dependency("c6", "c1", kind="hard"))
    return r


def test_a_chain_goes_through_the_group_to_the_user_facing_member_it_takes_down():
    a = analyze(_fz56(), today=TODAY)
    by = {s["element"]: s for s in a.spofs if s["element_type"] == "component"}
    # was ("c2",): the chain stopped at the failed member, which users never see
    assert by["c2"]["user_facing_down"] == ("c5",)
    assert by["c2"]["chain"] == ("c2", "g0", "c5") and by["c2"]["chain_length"] == 3
    assert by["c0"]["chain"] == ("c0", "c2", "g0", "c5")
    assert by["c5"]["chain"] == ("c5",)  # user-facing itself: the chain ends where it starts
    # a user-facing member that is down itself: the chain is walked to it, not through the group
    r = _fz56()
    r.add(Dependency("c5", "c2", kind="hard"))
    a = analyze(r, today=TODAY)
    c0 = next(s for s in a.spofs if s["element"] == "c0")
    assert c0["chain"] == ("c0", "c2", "c5")


def _hard_edges(review: Review) -> set[tuple[str, str]]:
    """(source, target) of the calls that carry an outage, as docs/analysis.md states them."""
    hubs = {cid for cid, c in review.components.items() if {t.lower() for t in c.tags} & set(HUB_TAGS)}
    return {(d.source, d.target) for d in review.dependencies.values()
            if d.kind == "hard" and d.fallback is None and not (d.target in hubs and d.evidence)}


def _own_down(review: Review, did: str) -> set[str]:
    """What a domain takes down on its own, before anything propagates."""
    bare = copy.deepcopy(review)
    bare.dependencies = {}
    return oracle(bare, domains=[did])[0]


def check_chains(review: Review, a) -> None:
    """Every SPOF's chain, against a plain reading of the rules: it starts at the failed element
    (a domain, then a component it takes down itself), each step is down and carried along a hard
    call (to a component, or to a group the step before belongs to and which is down), a group may
    stand as the last step but one (the failed member's group, down, serving the user-facing member
    after it), and the chain ends at an entry of a journey that goes down, else at a user-facing
    component the failure takes down (``user_facing_down`` names the first few)."""
    hard = _hard_edges(review)
    uf = default_user_facing(review)
    for entry in a.spofs:
        if entry["element_type"] == "instance":
            continue
        el = entry["element"]
        if entry["element_type"] == "domain":
            down, degraded = oracle(review, domains=[el])
        else:
            down, degraded = oracle(review, components=[el])
        ud, _ug = user_facing_hit(review, uf, down, degraded)
        jd, _jg = journeys_hit(review, down, degraded)
        chain = list(entry["chain"])
        assert entry["chain_length"] == len(chain)  # (small reviews: written whole)
        assert chain[0] == el
        steps = chain
        if entry["element_type"] == "domain":
            steps = chain[1:]
            assert steps and steps[0] in _own_down(review, el), (el, chain)
        for i, (x, y) in enumerate(zip(steps, steps[1:])):
            if y in review.groups:  # into a group: from a member, the group down, then its user-facing member
                assert x in review.groups[y].members and entry_down(review, y, down), (el, chain)
                assert i + 2 == len(steps) - 1, (el, chain)
                continue
            if x in review.groups:
                assert y in review.groups[x].members and y in ud, (el, chain)
                continue
            assert y in down, (el, chain)
            assert (y, x) in hard or any((y, g) in hard and x in grp.members and entry_down(review, g, down)
                                         for g, grp in review.groups.items()), (el, chain)
        end = steps[-1]
        if jd:
            entries = {m for j in jd for e in review.journeys[j].entry
                       for m in ((review.groups[e].members if entry_down(review, e, down) else ())
                                 if e in review.groups else (e,))}
            assert end in entries and end in down, (el, chain, jd)
        else:
            assert end in ud, (el, chain, sorted(ud))
            assert end in entry["user_facing_down"] or len(entry["user_facing_down"]) < entry["user_facing_down_count"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews(max_components=8))
def test_every_chain_is_a_real_path_to_what_it_takes_down(review):
    check_chains(review, analyze(review, today=TODAY))


def test_the_chains_of_the_bundled_examples_and_an_import_are_real_paths():
    for path in sorted(EXAMPLES.glob("*.json")):
        r = load_review(path)
        check_chains(r, analyze(r, today=TODAY))
    r = import_review([REALDATA / "sock-shop"]).review
    check_chains(r, analyze(r, today=TODAY))


# ----------------------------------------------------------------- C. decisions on a deleted component's risks
@pytest.fixture(scope="module")
def sockshop() -> Review:
    """Sock Shop imported as the app and ``prr import`` do it (with the readiness evidence)."""
    return import_review([REALDATA / "sock-shop"]).review


def _decided(review: Review) -> tuple[Review, str]:
    r = copy.deepcopy(review)
    mid, changes = edits.add_mitigation(r, "spof:component:carts-db", "Run carts-db as a replica set",
                                        owner="alice", due="2027-02-01")
    edits.apply_changes(r, changes)
    edits.apply_changes(r, edits.accept_risk(r, "evidence:k8s.pdb:carts-db", "bob", "a drain is rare", today=TODAY))
    return r, mid


def test_deleting_a_component_names_and_keeps_the_decisions_on_its_risks(sockshop, tmp_path):
    r, mid = _decided(sockshop)
    refs = edits.references(r, ["carts-db"])
    said = [x for x in refs if "spof:component:carts-db" in x]
    assert said and "Run carts-db as a replica set" in said[0] and "alice" in said[0] and "2027-02-01" in said[0]
    assert any("evidence:k8s.pdb:carts-db" in x and "acceptance by bob" in x for x in refs)
    # nothing decided on it: only the calls that go with it are said (session 28)
    assert [x for x in edits.references(sockshop, ["carts-db"]) if "carts-db" in x] == [
        "1 call on carts-db goes with it: carts->carts-db"]
    before = copy.deepcopy(r)
    changes = edits.delete(r, ["carts-db"])
    edits.apply_changes(r, changes)
    assert "carts-db" not in r.components and not validate(r)
    # kept, not dropped: the analysis lists them as stale decisions
    assert mid in r.mitigations and "spof:component:carts-db" in r.risks
    stale = {d["id"] for d in analyze(r, today=TODAY).stale_decisions}
    assert {"spof:component:carts-db", "evidence:k8s.pdb:carts-db"} <= stale
    edits.apply_changes(r, changes, undo=True)
    assert r == before
    # prr summary says what it counts: no "open risks: 2 (of 2 recorded)" for one risk that is gone
    path = tmp_path / "sock.json"
    edits.apply_changes(r, changes)
    save_review(r, path)
    out = prr("summary", path).stdout
    assert "open risks: 0 of 0 entered by reviewers" in out
    assert "decisions on the analysis' risks: 2 (2 stale: on risks about elements no longer in the review)" in out
    assert "mitigations: 1 (1 on risks about elements no longer in the review)" in out
    assert "recorded)" not in out


def test_the_summary_of_a_review_with_nothing_deleted():
    out = prr("summary", EXAMPLES / "webshop.json").stdout
    assert "open risks: 1 of 1 entered by reviewers" in out and "decisions on the analysis' risks: 0" in out
    assert "mitigations: 1\n" in out


def test_every_risk_id_the_analysis_makes_names_an_element_of_the_review(sockshop):
    """risk_subject reads the ids risks.py and findings.py make: on the examples and an import, every
    computed risk (and alias) is about an element of the review, or about none of them."""
    elementless = {"slo:missing", "cascade:no-timeout", "model:no-journeys"}
    reviews_ = [load_review(p) for p in sorted(EXAMPLES.glob("*.json"))] + [sockshop]
    noentry = copy.deepcopy(reviews_[0])
    jid = sorted(noentry.journeys)[0]
    noentry.journeys[jid].entry = []
    reviews_.append(noentry)
    seen = set()
    for r in reviews_:
        for risk in analyze(r, today=TODAY).risks:
            if risk["origin"] != "computed":
                continue
            for rid in (risk["id"], *risk["aliases"]):
                subject = edits.risk_subject(rid)
                if subject is None:
                    assert rid in elementless, rid
                    continue
                coll, eid = subject
                assert eid in getattr(r, coll), rid
                seen.add(rid.split(":")[0])
    assert {"spof", "common-cause", "cascade", "evidence"} <= seen
    assert edits.risk_subject("spof:component:a:b") == ("components", "a:b")  # an id may hold ':'
    assert edits.risk_subject("spof:domain:eu-1") == ("domains", "eu-1")
    assert edits.risk_subject("common-cause:group:edge") == ("groups", "edge")
    assert edits.risk_subject("slo:journey:buy") == ("journeys", "buy")
    assert edits.risk_subject("manual:cheap-vendor") is None and edits.risk_subject("spof:component:") is None


def test_deleting_a_domain_or_a_journey_names_the_decisions_on_its_risks():
    r = Review()
    r.add(FailureDomain(id="zone-a", kind="zone"))
    r.add(Component(id="web", user_facing=True, replicas=1, placement=["zone-a"], slo=99.9))
    r.add(Journey(id="buy", entry=["web"], slo=99.99))
    edits.apply_changes(r, edits.accept_risk(r, "spof:domain:zone-a", "dana", "one zone for the pilot",
                                             today=TODAY))
    edits.apply_changes(r, edits.mark_launch_blocking(r, "slo:journey:buy", False, "pilot only"))
    assert any("spof:domain:zone-a" in x and "acceptance by dana" in x for x in edits.references(r, ["zone-a"]))
    assert any("slo:journey:buy" in x and "marked not launch-blocking" in x for x in edits.references(r, ["buy"]))


# ----------------------------------------------------------------- D. a journey left without entries
def _buy_review() -> Review:
    """The app explorer's review: a, b, c; a -> b; journey Buy (critical, SLO 99.9) entering at a."""
    r = Review()
    for cid in ("a", "b", "c"):
        r.add(Component(id=cid, replicas=2, slo=99.9, user_facing=cid == "c"))
    r.add(Dependency("a", "b"))
    r.add(Journey(id="buy", name="Buy", entry=["a"], slo=99.9, critical=True))
    return r


def test_a_journey_whose_only_entry_is_deleted_is_a_finding():
    r = _buy_review()
    assert journeys_without_entries(r) == []
    edits.apply_changes(r, edits.delete(r, ["a"]))
    assert r.journeys["buy"].entry == [] and not validate(r)
    (f,) = journeys_without_entries(r)
    assert f["id"] == "model:journey-without-entry:buy" and f["critical"]
    assert f["detail"] == "critical journey Buy cannot be judged: no entry components"
    r.journeys["buy"].critical = False
    assert journeys_without_entries(r)[0]["detail"] == "journey Buy cannot be judged: no entry components"


def test_a_critical_journey_without_entries_blocks_the_launch_and_says_why():
    """prr analyze dropped the journey: no blocker, no word of it (the app's Overview alone said
    "no entry components"). Needs the register to take the finding (risks.py: see the report)."""
    r = _buy_review()
    edits.apply_changes(r, edits.delete(r, ["a"]))
    a = analyze(r, today=TODAY)
    risk = next(x for x in a.risks if x["id"] == "model:journey-without-entry:buy")
    assert risk["launch_blocking"] and risk["title"] == "critical journey Buy cannot be judged: no entry components"
    assert "model:journey-without-entry:buy" in a.verdict["launch_blockers"]
    assert any("critical journey Buy cannot be judged: no entry components" in c for c in a.verdict["causes"])
    r.journeys["buy"].critical = False
    a = analyze(r, today=TODAY)
    risk = next(x for x in a.risks if x["id"] == "model:journey-without-entry:buy")
    assert not risk["launch_blocking"]
