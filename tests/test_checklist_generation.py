"""Issue 23: items generated for every subject, the effective-tier rule, model-decided items,
the operational-review template and carrying answers to it."""
from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from prr_app import checklist
from prr_app.checklist import carry_answers, effective_tiers, evaluate, load_template, set_answer
from prr_app.checklist.evaluate import summarize
from prr_app.checklist.model_answers import Deadlines, decide
from prr_app.cli.main import main
from prr_app.model.entities import (
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    RedundancyGroup,
    Review,
)
from prr_app.errors import PrrError
from prr_app.review.document import load_review

KINDS = ["service", "frontend", "gateway", "datastore", "cache", "queue", "external_api", "identity"]
# tags prr-default 2.1 scopes read (a phone app, a provider's service in any case, a telemetry hub) and one it does not
TAGS = [[], [], [], ["client"], ["Managed"], ["saas"], ["telemetry"], ["Telemetry"], ["team-a"]]


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


@st.composite
def reviews(draw):
    r = Review()
    r.meta.tier = draw(st.sampled_from([1, 2, 3]))
    n = draw(st.integers(1, 9))
    ids = [f"c{i}" for i in range(n)]
    for cid in ids:
        r.add(Component(id=cid, kind=draw(st.sampled_from(KINDS)), user_facing=draw(st.booleans()),
                        tier=draw(st.sampled_from([None, None, 1, 2, 3])), tags=list(draw(st.sampled_from(TAGS)))))
    targets = list(ids)
    for g in range(draw(st.integers(0, 2))):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        r.add(RedundancyGroup(id=f"g{g}", members=members, min_up=1))
        targets.append(f"g{g}")
    for s, t, kind, fb in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(targets),
                                                  st.sampled_from(["hard", "soft", "async"]), st.booleans()),
                                        max_size=3 * n)):
        if s != t:
            r.add(Dependency(source=s, target=t, kind=kind, fallback="cached" if fb else None))
    for j in range(draw(st.integers(0, 2))):
        entry = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
        r.add(Journey(id=f"j{j}", entry=entry, critical=draw(st.booleans()),
                      slo=draw(st.sampled_from([None, 99.0, 99.5, 99.9, 99.99]))))
    return r


@st.composite
def answered_reviews(draw):
    """Reviews whose model decides some items (timeouts, retries, RTO/RPO, backups, replicas),
    answered at random: to real subjects (components, groups, dependencies, journeys), to items
    that do not apply there, and to unknown items."""
    r = draw(reviews())
    r.add(FailureDomain("za", kind="zone"))
    r.add(FailureDomain("zb", kind="zone"))
    maybe = lambda values: draw(st.sampled_from([None] + values))  # noqa: E731
    for c in r.components.values():
        c.replicas = maybe([1, 2, 3])
        c.placement = draw(st.sampled_from([[], ["za"], ["za", "zb"]]))
        c.rto_minutes, c.rpo_minutes = maybe([5, 60]), maybe([1, 15])
        c.backup_interval_minutes = maybe([10, 60])
        c.recovery, c.failover_minutes = maybe(["none", "manual", "automatic"]), maybe([2, 30])
    for d in r.dependencies.values():
        d.timeout_ms, d.retries = maybe([0, 100, 1000]), maybe([0, 2])
        d.backoff, d.retry_budget, d.circuit_breaker = maybe([True, False]), maybe([True]), maybe([True, False])
        d.fallback = maybe(["", "cached prices"])
    tmpl = load_template()
    subjects = [None, "nope"] + list(r.components) + list(r.groups) + list(r.dependencies) + list(r.journeys)
    for _ in range(draw(st.integers(0, 30))):
        ti = draw(st.sampled_from(tmpl.items))
        subj = draw(st.sampled_from(subjects))
        key = ti.id if subj is None else f"{ti.id}@{subj}"
        status = draw(st.sampled_from(["met", "partly", "not_met", "not_applicable", "unanswered"]))
        r.answers[key] = ChecklistAnswer(item=key, status=status)
    # and some answers to items the model decides: the reviewer's answer must win
    decided = [it.key for it in evaluate(r, tmpl).items if it.model_answer is not None]
    if decided:
        for key in draw(st.lists(st.sampled_from(decided), max_size=6, unique=True)):
            status = draw(st.sampled_from(["met", "partly", "not_met", "not_applicable", "unanswered"]))
            r.answers[key] = ChecklistAnswer(item=key, status=status)
    return r


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answered_reviews())
def test_summary_agrees_with_evaluate_with_model_answers_and_groups(r):
    full = evaluate(r)
    fast = summarize(r)
    assert [(b.key, b.question) for b in fast.blocking_items] == [(it.key, it.question) for it in full.blocking_items]
    assert fast.unanswered_blockers == len(full.unanswered_blockers)
    assert fast.open_blockers == len(full.open_blockers)
    assert fast.overall_score == full.overall_score
    assert fast.items == len(full.items)
    assert [it.status for it in fast.blocking_items] == [it.status for it in full.blocking_items]
    assert [u.key for u in fast.unanswered_items] == [it.key for it in full.unanswered_blockers[:10]]
    # and the model's decisions are the ones evaluate() shows, with evidence
    for it in full.items:
        if it.model_answer is not None:
            assert it.model_answer.evidence
            if it.answer is None or it.answer.status == "unanswered":
                assert it.status == it.model_answer.status and it.source == "model"


# ----------------------------------------------------------------- the oracle for the tier rule
def _oracle_tiers(r: Review) -> dict[str, int]:
    """Brute force: for every component and every demander, is the component reachable from the
    demander along hard dependencies without a fallback (a group reaches each member)?"""
    def own(cid):
        t = r.components[cid].tier
        return t if t is not None else r.meta.tier

    def reach(starts):
        seen, todo = set(starts), list(starts)
        while todo:
            v = todo.pop()
            for d in r.dependencies.values():
                if d.source != v or d.kind != "hard" or d.fallback:
                    continue
                nxt = r.groups[d.target].members if d.target in r.groups else [d.target]
                for w in nxt:
                    if w in r.components and w not in seen:
                        seen.add(w)
                        todo.append(w)
        return seen

    demands = []
    for j in r.journeys.values():
        if j.critical and any(e in r.components for e in j.entry):
            t = 1 if (j.slo is not None and j.slo >= 99.9) else r.meta.tier
            demands.append((t, reach([e for e in j.entry if e in r.components])))
    for cid, c in r.components.items():
        if c.user_facing:
            demands.append((own(cid), reach([cid])))
    return {cid: min([own(cid)] + [t for t, reached in demands if cid in reached]) for cid in r.components}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
def test_effective_tiers_match_the_oracle_and_explain_themselves(r):
    got = effective_tiers(r)
    want = _oracle_tiers(r)
    assert {cid: t.tier for cid, t in got.items()} == want
    for cid, t in got.items():
        assert t.own == (r.components[cid].tier or r.meta.tier)
        if t.raised:
            # the path starts at the demander's entry and follows carrying edges down to the component
            assert t.path[-1] == cid and t.by and f"tier {t.tier} (own tier {t.own})" in t.reason
            for a, b in zip(t.path, t.path[1:]):
                assert any(d.source == a and d.kind == "hard" and not d.fallback
                           and (d.target == b or (d.target in r.groups and b in r.groups[d.target].members))
                           for d in r.dependencies.values())
        else:
            assert t.reason == "" and t.path == ()


# ----------------------------------------------------------------- every subject gets its items
def _group_of(r: Review, cid: str) -> str | None:
    return next((g for g in sorted(r.groups) if cid in r.groups[g].members), None)


def _tagged(tags, wanted) -> bool:
    """docs/checklist.md, "Scopes": tags compare in any case."""
    return bool({t.lower() for t in tags} & {w.lower() for w in wanted})


def _target_kinds(r: Review, target: str) -> set[str]:
    return {r.components[m].kind for m in r.groups[target].members} if target in r.groups else {r.components[target].kind}


def _consumer_role(r: Review, d: Dependency):
    """docs/checklist.md, "Scopes", written out: (consumer, where it takes work from, role stated) or None."""
    tk = _target_kinds(r, d.target)
    if "queue" in tk:
        if d.kind == "soft":
            return (d.source, d.target, True)  # the consumer's poll
        if d.kind == "hard":
            return None  # a synchronous publisher's (session 28)
        polled = any(e.target == d.target and e.kind == "soft" for e in r.dependencies.values())
        return None if polled else (d.source, d.target, False)  # a publisher's, or not stated
    if d.kind == "async" and not tk & {"datastore", "cache"}:
        return (d.target, d.source, True)  # work handed over
    return None


def _single_instance(r: Review, cid: str) -> bool:
    """docs/checklist.md, "Scopes" (replicated, prr-default 2.2): stated to run one instance, no standby."""
    c = r.components[cid]
    return (c.replicas is not None and c.replicas <= 1 and c.recovery != "automatic"
            and _group_of(r, cid) is None)


def _has_async_flow(r: Review) -> bool:
    """docs/checklist.md, "Scopes" (asynchronous, prr-default 2.2): an async call or a call to a queue,
    not a load generator's, not from or to a telemetry hub."""
    return any((d.kind == "async" or "queue" in _target_kinds(r, d.target))
               and "load-generator" not in r.components[d.source].tags and not _touches(r, d, ["telemetry"])
               for d in r.dependencies.values())


def _touches(r: Review, d: Dependency, tags) -> bool:
    ends = [d.source] + (list(r.groups[d.target].members) if d.target in r.groups else [d.target])
    return any(_tagged(r.components[e].tags, tags) for e in ends)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
def test_every_subject_gets_its_items_and_groups_share_theirs(r):
    tmpl = load_template()
    res = evaluate(r, tmpl)
    by_item: dict[str, dict] = {}
    for it in res.items:
        by_item.setdefault(it.item_id, {})[it.subject] = it
    tiers = effective_tiers(r)
    for ti in tmpl.items:
        got = by_item.get(ti.id, {})
        sc = ti.scope
        if sc.per == "review":
            assert set(got) == ({None} if not sc.asynchronous or _has_async_flow(r) else set()), ti.id
            continue
        if sc.per == "component":
            want: dict[str, list] = {}
            for cid, c in r.components.items():
                if sc.replicated and _single_instance(r, cid):
                    continue
                if sc.not_tags and _tagged(c.tags, sc.not_tags):
                    continue
                if sc.kinds and c.kind not in sc.kinds and not _tagged(c.tags, sc.also_tags):
                    continue
                if sc.user_facing is not None and c.user_facing != sc.user_facing:
                    continue
                if sc.tags and not _tagged(c.tags, sc.tags):
                    continue
                want.setdefault(_group_of(r, cid) or cid, []).append(cid)
            assert set(got) == set(want), ti.id
            for subject, members in want.items():
                # a group's item owes what its most demanding member owes
                assert got[subject].tier == min(tiers[m].tier for m in members)
                assert got[subject].required == (got[subject].tier in ti.tiers)
            # members of a group never get their own copy
            assert not any(_group_of(r, s) for s in got if s in r.components)
            continue
        if sc.per == "journey":
            want_j = {jid for jid, j in r.journeys.items() if sc.critical is None or j.critical == sc.critical}
            assert set(got) == want_j, ti.id
            continue
        want_d = set()
        for did, d in r.dependencies.items():
            if sc.dependency_kinds and d.kind not in sc.dependency_kinds:
                continue
            if sc.target_kinds and not _target_kinds(r, d.target) & set(sc.target_kinds):
                continue
            if sc.not_tags and _touches(r, d, sc.not_tags):
                continue
            role = _consumer_role(r, d)
            if sc.consumer is True and role is None:
                continue
            if sc.consumer is False and role is not None and role[0] == d.source and role[2]:
                continue  # a consumer's poll of its queue
            want_d.add(did)
        assert set(got) == want_d, ti.id
        for did in want_d:
            assert got[did].tier == tiers[r.dependencies[did].source].tier  # the caller's effective tier
    # what the issue names, subject by subject
    keys = {it.key for it in res.items}
    workload = ("svc.probes", "svc.graceful-shutdown", "svc.instances-spread", "res.instance-failure-tested")
    for cid, c in r.components.items():
        subj = _group_of(r, cid) or cid
        own = {f"{i}@{subj}" for i in workload}
        if c.kind in ("service", "frontend", "gateway") and not c.tags:
            assert own | {f"obs.golden-signals@{subj}"} <= keys
        if _tagged(c.tags, ["client", "managed", "saas", "telemetry"]) and subj == cid:
            assert not own & keys  # no workload items for a phone app, a provider's service or a hub
        if c.tags == ["telemetry"] and subj == cid:  # (a group shares what any member is asked)
            assert f"obs.telemetry-hub@{subj}" in keys and f"obs.golden-signals@{subj}" not in keys
        if c.kind == "datastore" and not c.tags:
            assert {f"ds.backups-immutable@{subj}", f"ds.pitr@{subj}",
                    f"ds.rto-rpo-defined@{subj}", f"ds.restore-tested@{subj}"} <= keys
            assert (f"ds.replication-lag-alert@{subj}" in keys) != _single_instance(r, cid)
        if c.kind == "queue" and subj == cid:
            assert f"queue.durable@{subj}" in keys
    async_items = {"async.idempotent-consumer", "async.dead-letter", "async.freshness-alert"}
    for did, d in r.dependencies.items():
        on_hub = _touches(r, d, ["telemetry"])
        tk = _target_kinds(r, d.target)
        asked = {i for i in async_items if f"{i}@{did}" in keys}
        if on_hub:  # calls into or out of a telemetry hub: no per-dependency items at all
            assert not any(k.endswith(f"@{did}") for k in keys), did
            continue
        if d.kind == "async":
            assert f"dep.timeout@{did}" not in keys
            # asked of the consumer that takes the work, never of a read of a datastore or cache, nor of a
            # publisher to a queue some consumer states it polls
            if tk & {"datastore", "cache"} and "queue" not in tk:
                assert not asked, did
            elif "queue" in tk and any(e.target == d.target and e.kind == "soft" for e in r.dependencies.values()):
                assert not asked, did
            else:
                assert asked == async_items, did
        elif "queue" in tk and d.kind == "soft":  # a consumer's poll of its queue: the async items, no degradation
            assert asked == async_items, did
            assert not {f"dep.circuit-breaker@{did}", f"dep.fallback@{did}", f"dep.soft-degradation@{did}"} & keys
        elif "queue" in tk:  # a synchronous publisher (hard, session 28): what a hard call is asked, no consumer items
            assert not asked, did
            assert {f"dep.timeout@{did}", f"dep.circuit-breaker@{did}", f"dep.fallback@{did}"} <= keys, did
        else:
            assert not asked, did
            if d.kind == "soft":
                assert f"dep.soft-degradation@{did}" in keys
    # and the analysis' summary agrees with the full evaluation
    fast = summarize(r, tmpl)
    assert [b.key for b in fast.blocking_items] == [it.key for it in res.blocking_items]
    assert fast.unanswered_blockers == len(res.unanswered_blockers) and fast.items == len(res.items)
    assert fast.overall_score == res.overall_score


# ----------------------------------------------------------------- model-decided items
def test_catalog_db_rpo_against_hourly_backups_is_a_finding(webshop):
    res = evaluate(webshop)
    it = res.item("ds.backup-within-rpo@catalog-db")
    assert (it.status, it.source) == ("not_met", "model")
    assert it.model_answer.evidence == "rpo_minutes 5, backup_interval_minutes 60"
    found = {f.key: f for f in res.findings}
    assert "RPO of 5 min" in found["ds.backup-within-rpo@catalog-db"].message
    assert "every 60 min" in found["ds.backup-within-rpo@catalog-db"].message
    # the timeout of a call that outlives its caller's deadline
    assert "gives up after 10000 ms" in found["dep.timeout@checkout-svc->payments-api"].message
    # a reviewer's answer wins over the model, but the contradiction stays listed
    set_answer(webshop, "ds.backup-within-rpo@catalog-db", status="met", evidence="WAL archiving", by="me")
    res = evaluate(webshop)
    assert res.item("ds.backup-within-rpo@catalog-db").source == "reviewer"
    assert res.item("ds.backup-within-rpo@catalog-db").status == "met"
    assert {f.key: f for f in res.findings}["ds.backup-within-rpo@catalog-db"].overridden == "met"
    # fixing the model removes the finding and the model then says met
    webshop.answers.pop("ds.backup-within-rpo@catalog-db")
    webshop.components["catalog-db"].backup_interval_minutes = 5
    res = evaluate(webshop)
    assert "ds.backup-within-rpo@catalog-db" not in {f.key for f in res.findings}
    assert res.item("ds.backup-within-rpo@catalog-db").status == "met"


def test_deciders_on_each_field():
    r = Review()
    r.add(FailureDomain("za", kind="zone"))
    r.add(FailureDomain("zb", kind="zone"))
    r.add(FailureDomain("rack1", kind="rack", parent="za"))
    db = Component(id="db", kind="datastore", rto_minutes=10, rpo_minutes=15, backup_interval_minutes=15,
                   recovery="manual", failover_minutes=30, replicas=2, placement=["rack1", "za"])
    r.add(db)
    r.add(Component(id="api"))
    r.add(Component(id="web", user_facing=True))
    dl = Deadlines(r)
    assert decide("component.backup-within-rpo", r, [db], dl).status == "met"
    rec = decide("component.recovery-within-rto", r, [db], dl)
    assert rec.status == "not_met" and "takes 30 min" in rec.findings[0]
    db.recovery = "none"
    assert "no recovery" in decide("component.recovery-within-rto", r, [db], dl).findings[0]
    # two replicas, but rack1 is inside za: one zone
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "not_met" and "za" in spread.evidence
    db.placement = ["za", "zb"]
    # spread, but how many must stay up to carry the load is not stated
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "partly" and "min_healthy" in spread.evidence
    db.min_healthy = 1
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "met" and "leaves 1, 1 needed" in spread.evidence
    db.min_healthy = 2  # the survivors of a lost zone cannot carry the load
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "not_met" and "leaves 1 of the 2 needed" in spread.evidence
    db.replicas, db.placement = 4, ["za", "zb", "za", "za"]  # 3 in za, 1 in zb: losing za leaves 1
    assert decide("component.instances-spread", r, [db], dl).status == "not_met"
    db.placement = ["za", "zb"]  # round robin: 2 and 2
    assert decide("component.instances-spread", r, [db], dl).status == "met"
    db.placement = ["rack1", "h1"]  # a host in no stated zone: the spread across zones is not known
    r.add(FailureDomain("h1", kind="host"))
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "partly" and "no stated zone" in spread.evidence
    db.placement, db.tags = ["za", "zb"], ["spread:preferred"]  # an import's assumed zones, a preferred spread
    spread = decide("component.instances-spread", r, [db], dl)
    assert spread.status == "partly" and "only prefers" in spread.evidence
    db.tags, db.replicas, db.min_healthy = [], 2, None
    db.replicas = None
    assert decide("component.instances-spread", r, [db], dl) is None  # not stated: undecided
    db.rpo_minutes = None
    assert decide("component.rto-rpo", r, [db], dl).status == "partly"
    assert decide("component.backup-within-rpo", r, [db], dl) is None
    # dependencies
    d = Dependency("api", "db", timeout_ms=None, retries=3, backoff=False)
    r.add(d)
    r.add(Dependency("web", "api", timeout_ms=500))
    dl = Deadlines(r)
    assert decide("dependency.timeout", r, d, dl) is None
    assert decide("dependency.retries", r, d, dl).status == "not_met"
    d.backoff, d.retry_budget = True, True
    assert decide("dependency.retries", r, d, dl).status == "met"
    d.timeout_ms = 800
    t = decide("dependency.timeout", r, d, dl)
    assert t.status == "not_met" and "gives up after 500 ms (web->api)" in t.findings[0]
    d.timeout_ms = 200
    assert decide("dependency.timeout", r, d, dl).status == "met"
    assert decide("dependency.circuit-breaker", r, d, dl) is None
    assert decide("dependency.fallback", r, d, dl) is None
    d.fallback = "stale read"
    assert decide("dependency.fallback", r, d, dl).evidence == "fallback: stale read"


def test_a_model_decider_must_fit_the_scope(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("format: prr-checklist\nid: t\nversion: '1'\ntitle: T\ncategories:\n"
                   "  - id: c\n    title: C\n    items:\n      - id: c.x\n        question: Is the timeout set?\n"
                   "        severity: low\n        model: dependency.timeout\n")
    with pytest.raises(PrrError, match="line 12.*asked per dependency"):
        load_template(bad)


# ----------------------------------------------------------------- launch and operational templates
HISTORY_ITEMS = {"toil.measured", "toil.pages-per-shift", "alert.noise-reviewed", "slo.reviewed-quarterly",
                 "deploy.rollback-timed", "ds.rpo-measured", "dr.exercise-done"}


def test_history_items_are_in_the_operational_review_not_the_launch():
    launch = {i.id for i in load_template("prr-default").items}
    ops = load_template("prr-operational")
    assert not HISTORY_ITEMS & launch
    assert HISTORY_ITEMS <= {i.id for i in ops.items}
    # every carry_from names a launch item, so carrying has somewhere to carry from
    for i in ops.items:
        assert set(i.carry_from) <= launch, i.id
        assert i.anchors, i.id
    # the capability checked at launch instead
    assert "deploy.rollback-exercised" in launch and "toil.ops-work-recorded" in launch


def test_launch_questions_never_need_history_a_new_service_lacks():
    import re

    for i in load_template("prr-default").items:
        q = i.question.lower()
        if re.search(r"last (month|quarter|year|\d+ months)|per shift|over the last|pages? .* reviewed", q):
            assert "before launch" in q or "for this launch" in q, i.id


def test_carry_answers_to_the_operational_review(webshop):
    n = len(webshop.answers)
    before = {k: (a.status, a.evidence) for k, a in webshop.answers.items()}
    carried, orphans = carry_answers(webshop, "prr-operational", by="Dana", at="2027-03-01T09:00:00+00:00")
    assert webshop.meta.checklist_template == "prr-operational"
    assert "deploy.rollback-timed" in carried  # from deploy.rollback-exercised
    # carried as a proposal, to confirm: not an answer, not counted until a reviewer confirms it
    assert "deploy.rollback-timed" not in webshop.answers
    p = webshop.proposals["deploy.rollback-timed"]
    assert (p.status, p.evidence) == (before["deploy.rollback-exercised"][0], [before["deploy.rollback-exercised"][1]])
    assert p.reason.startswith("carried from deploy.rollback-exercised")
    assert evaluate(webshop).item("deploy.rollback-timed").status == "unanswered"
    # nothing removed, and the answers of the launch review are still there (as orphans of this template)
    assert {k: (x.status, x.evidence) for k, x in webshop.answers.items() if k in before} == before
    assert len(webshop.answers) == n
    assert "deploy.rollback-exercised" in {o.key for o in orphans}
    # same id: applies without a copy
    res = evaluate(webshop)
    assert res.item("arch.dependency-map-current").answer is webshop.answers["arch.dependency-map-current"]
    # confirmed, it becomes the reviewer's answer, with the source's evidence and owner
    from prr_app.review.edits import apply_changes
    from prr_app.review.proposals import decide_changes

    apply_changes(webshop, decide_changes(webshop, ["deploy.rollback-timed"], by="Dana"))
    a = webshop.answers["deploy.rollback-timed"]
    assert (a.status, a.evidence) == before["deploy.rollback-exercised"]
    assert a.owner == webshop.answers["deploy.rollback-exercised"].owner
    assert a.changed_by == "Dana" and a.note.startswith("confirmed: carried from deploy.rollback-exercised")
    assert "deploy.rollback-timed" not in webshop.proposals
    # carrying again proposes nothing new for the answered item
    assert "deploy.rollback-timed" not in carry_answers(webshop, "prr-operational")[0]


def test_cli_carry_and_effective_tier_output(tmp_path, capsys, examples_dir):
    shop = tmp_path / "shop.json"
    data = json.loads((examples_dir / "webshop.json").read_text())
    for c in data["components"]:
        if c["id"] == "orders-db-primary":
            c["tier"] = 3
    shop.write_text(json.dumps(data))
    assert main(["checklist", str(shop)]) == 0
    out = capsys.readouterr().out
    assert "Effective tiers (1 component owes more" in out
    assert "orders-db-primary: tier 1 (own tier 3)" in out and "Checkout and pay" in out
    assert "Model contradictions" in out and "catalog-db declares an RPO of 5 min" in out
    assert main(["checklist", str(shop), "--items", "--category", "data"]) == 0
    out = capsys.readouterr().out
    assert "model: not met, rpo_minutes 5, backup_interval_minutes 60" in out
    assert "anchors: AWS REL09" in out
    assert main(["checklist-carry", str(shop), "prr-operational", "--by", "Dana"]) == 0
    out = capsys.readouterr().out
    assert "prr-default 2.1 -> prr-operational 1.0" in out and "deploy.rollback-timed" in out
    assert load_review(shop).meta.checklist_template == "prr-operational"
    before = shop.read_bytes()
    assert main(["checklist-carry", str(shop), "nope"]) == 2
    assert "no checklist template 'nope'" in capsys.readouterr().err
    assert shop.read_bytes() == before


def test_docs_anchor_table_matches_the_templates():
    """docs/checklist.md's coverage table lists, for every anchor, the items that name it."""
    from prr_app.paths import resource_path

    doc = (resource_path("checklists").parent.parent / "docs" / "checklist.md").read_text(encoding="utf-8")
    table = doc.split("## Anchors: coverage at a glance", 1)[1].split("\n\n")[2]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[2]
    want: dict[str, list[str]] = {}
    for tid, mark in (("prr-default", ""), ("prr-operational", " (op)")):
        for i in load_template(tid).items:
            for a in i.anchors:
                want.setdefault(a, []).append(f"`{i.id}`{mark}")
    assert set(want) <= set(rows)
    for a, items in want.items():
        assert rows[a] == ", ".join(dict.fromkeys(items)), a


def test_schema_lists_exactly_the_model_deciders():
    from prr_app.checklist import DECIDERS
    from prr_app.paths import schema_path

    schema = json.loads(schema_path("checklist.schema.json").read_text())
    assert set(schema["$defs"]["item"]["properties"]["model"]["enum"]) == set(DECIDERS)


def test_carry_migrates_answers_given_under_prr_default_1_0(webshop):
    """Members' own answers move to the item their group now shares (the least favourable one);
    renamed items take the answer of their 1.0 id; nothing is removed."""
    from prr_app.model.entities import ChecklistAnswer as A

    webshop.answers.pop("ds.restore-tested@orders-db")
    webshop.answers.pop("sec.secrets-in-store")
    webshop.answers["ds.restore-tested@orders-db-primary"] = A("ds.restore-tested@orders-db-primary", "met",
                                                               evidence="restore-2026")
    webshop.answers["ds.restore-tested@orders-db-replica"] = A("ds.restore-tested@orders-db-replica", "partly",
                                                               note="replica restore slow")
    webshop.answers["sec.secrets-managed"] = A("sec.secrets-managed", "met", evidence="vault")
    webshop.meta.checklist_version = "1.0"
    before = set(webshop.answers)
    carried, orphans = carry_answers(webshop, "prr-default", by="Dana")
    assert {"ds.restore-tested@orders-db", "sec.secrets-in-store"} <= set(carried)
    g = webshop.proposals["ds.restore-tested@orders-db"]  # proposals, to confirm
    assert g.status == "partly" and "replica restore slow" in g.reason
    assert "carried from ds.restore-tested@orders-db-replica" in g.reason
    assert webshop.proposals["sec.secrets-in-store"].evidence == ["vault"]
    assert before <= set(webshop.answers)  # nothing removed
    assert {"ds.restore-tested@orders-db-primary", "sec.secrets-managed"} <= {o.key for o in orphans}
    assert webshop.meta.checklist_version == "2.3"  # carried to the newest version of prr-default


# ----------------------------------------------------------------- what the summary skips
@settings(max_examples=80, deadline=None)
@given(timeout=st.sampled_from([None, 0, 100]), retries=st.sampled_from([None, 0, 2]),
       backoff=st.sampled_from([None, True, False]), budget=st.sampled_from([None, True, False]),
       breaker=st.sampled_from([None, True, False]), fallback=st.sampled_from([None, "", "cached"]))
def test_a_decider_says_nothing_of_a_call_without_the_field_it_needs(timeout, retries, backoff, budget, breaker,
                                                                      fallback):
    """summarize() asks a dependency decider only of the calls that state its ``needs`` field: with it
    unset, the decider must say nothing whatever else the call states."""
    from prr_app.checklist.model_answers import DECIDERS, Deadlines

    r = Review()
    r.add(Component(id="a"))
    r.add(Component(id="b"))
    r.add(Component(id="c"))
    r.add(Dependency("c", "a", timeout_ms=50))  # a caller's deadline for a
    d = Dependency("a", "b", timeout_ms=timeout, retries=retries, backoff=backoff, retry_budget=budget,
                   circuit_breaker=breaker, fallback=fallback)
    r.add(d)
    deadlines = Deadlines(r)
    specs = [s for s in DECIDERS.values() if s.per == "dependency"]
    assert specs and all(s.needs for s in specs)
    for spec in specs:
        if getattr(d, spec.needs) is None:
            assert spec.decide(r, d, deadlines, False) is None
            assert spec.decide(r, d, deadlines, True) is None
