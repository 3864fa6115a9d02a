"""The readiness checklist: default template, generated items, answers, scores, orphans, verdict."""
from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, strategies as st

from prr_app import checklist
from prr_app.checklist import evaluate, load_template, set_answer, templates, use_template
from prr_app.checklist.loader import load_file
from prr_app.model.entities import (
    Acceptance,
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Observability,
    Review,
    ReviewMeta,
    Risk,
)
from prr_app.errors import PrrError
from prr_app.paths import resource_path, schema_path

DOMAIN_CATEGORIES = {
    "slo": "SLOs and error budgets",
    "architecture": "dependencies",
    "capacity": "capacity",
    "observability": "observability",
    "alerting": "on-call",
    "incident": "incident",
    "deployment": "deployment",
    "data": "disaster recovery",
    "resilience": "resilience",
    "security": "security",
    "ownership": "ownership",
    "toil": "toil",
    "journeys": "journeys",
    "instances": "instances",
    "launch": "launch",
}


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


def _schema():
    return json.loads(schema_path("checklist.schema.json").read_text())


# ----------------------------------------------------------------- the default template
def test_bundled_templates_validate_against_the_schema():
    validator = jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker())
    files = sorted(resource_path("checklists").glob("*.yaml"))
    assert {f.stem for f in files} >= {"prr-default", "launch-lite"}
    for f in files:
        data, _, _ = load_file(f)
        assert list(validator.iter_errors(data)) == [], f


def test_default_template_size_and_categories():
    t = load_template()
    assert t.id == "prr-default"
    assert len(t.items) >= 60
    assert sum(1 for i in t.items if i.scope.per == "review") >= 60
    assert sum(1 for i in t.items if i.scope.per != "review") >= 40
    ids = {c.id for c in t.categories}
    assert ids == set(DOMAIN_CATEGORIES)
    for cid, word in DOMAIN_CATEGORIES.items():
        assert word.lower() in t.category(cid).title.lower()
        assert sum(1 for i in t.items if i.category == cid) >= 4, cid
    # every item is answerable: why and evidence are written, every severity is used, and it names
    # the references it answers to
    for i in t.items:
        assert len(i.question) > 40 and i.why and i.evidence, i.id
        assert i.anchors, i.id
    assert {i.severity for i in t.items} == {"blocker", "high", "medium", "low"}
    # the per-component and per-dependency items the issue asks for
    scoped = {i.id: i.scope for i in t.items if i.scope.per != "review"}
    for iid in ("dep.timeout", "dep.retry-backoff-budget", "dep.circuit-breaker", "dep.fallback"):
        assert scoped[iid].per == "dependency"
    assert "datastore" in scoped["ds.restore-tested"].kinds and "datastore" in scoped["ds.backup-within-rpo"].kinds
    assert "external_api" in scoped["ext.sla-known"].kinds and "external_api" in scoped["ext.degradation-planned"].kinds


def _words(text: str) -> set[str]:
    stop = {"a", "an", "the", "is", "are", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "has",
            "have", "been", "be", "it", "its", "that", "this", "every", "each", "within", "last", "not", "no"}
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop}


def test_no_two_items_ask_the_same_thing():
    for tmpl in (load_template("prr-default"), load_template("launch-lite")):
        qs = [(i.id, _words(i.question)) for i in tmpl.items]
        for (a, wa), (b, wb) in itertools.combinations(qs, 2):
            jaccard = len(wa & wb) / len(wa | wb)
            assert jaccard < 0.5, (a, b, jaccard)
        assert len({i.id for i in tmpl.items}) == len(tmpl.items)


def test_templates_lists_version_and_counts():
    infos = {i.id: i for i in templates()}  # the last (newest) version of each id
    assert infos["prr-default"].version == "2.3"
    assert infos["prr-default"].item_count == len(load_template("prr-default").items)
    # 2.0, 2.1 and 2.2 stay bundled beside 2.3, so reviews answered under them still evaluate with them
    default = [(i.version, i.source, i.item_count) for i in templates() if i.id == "prr-default"]
    assert default == [("2.0", "bundled", len(load_template("prr-default@2.0").items)),
                       ("2.1", "bundled", len(load_template("prr-default@2.1").items)),
                       ("2.2", "bundled", len(load_template("prr-default@2.2").items)),
                       ("2.3", "bundled", len(load_template("prr-default@2.3").items))]
    assert load_template("prr-default").version == "2.3"
    assert infos["launch-lite"].item_count == 15
    assert infos["prr-default"].source == "bundled"


def test_launch_lite_shares_item_ids_with_default():
    full = {i.id: i for i in load_template("prr-default").items}
    for i in load_template("launch-lite").items:
        assert i.id in full, i.id
        assert i.question == full[i.id].question


def test_unknown_template_id_is_a_clear_error():
    with pytest.raises(PrrError, match="no checklist template 'nope'.*prr-default"):
        load_template("nope")
    with pytest.raises(PrrError, match="version '9.9'"):
        load_template("prr-default@9.9")


# ----------------------------------------------------------------- generation
def test_items_follow_the_graph(webshop):
    # notifier consumes order-events: a consumer's poll is a soft dependency on its queue (session 28: a hard
    # one is a synchronous publisher's, as the importers record it and the analysis reads it)
    webshop.dependencies["notifier->order-events"].kind = "soft"
    res = evaluate(webshop)
    keys = {it.key for it in res.items}
    datastores = [c for c in webshop.components.values() if c.kind == "datastore"]
    for c in datastores:
        if c.id not in ("orders-db-primary", "orders-db-replica"):
            assert f"ds.restore-tested@{c.id}" in keys
    assert "ds.restore-tested@cart-db" not in keys  # a cache, not a datastore
    # the two members of the orders-db redundancy group share the group's items
    assert "ds.restore-tested@orders-db" in keys
    assert not {"ds.restore-tested@orders-db-primary", "ds.restore-tested@orders-db-replica"} & keys
    assert "cache.cold-start@cart-db" in keys
    assert "ext.sla-known@payments-api" in keys
    assert "dep.timeout@checkout-svc->payments-api" in keys
    assert "dep.timeout@checkout-svc->order-events" not in keys  # async: no timeout item
    # the async items are asked of the queue's consumer (notifier polls order-events: a soft call to a
    # queue), not of the publisher's async call to it, nor of a nightly async read of a datastore
    async_items = ("async.idempotent-consumer", "async.dead-letter", "async.freshness-alert")
    for item in async_items:
        assert f"{item}@notifier->order-events" in keys
        assert f"{item}@checkout-svc->order-events" not in keys
        assert f"{item}@search-svc->catalog-db" not in keys
    assert res.item("async.idempotent-consumer@notifier->order-events").question.startswith(
        "Order notifier processes the work it takes from Order events queue")
    # a consumer's poll of its queue is not asked for a breaker or a fallback; the caller's own calls still are
    assert not {"dep.circuit-breaker@notifier->order-events", "dep.fallback@notifier->order-events"} & keys
    assert {"dep.timeout@notifier->order-events", "dep.circuit-breaker@checkout-svc->payments-api"} <= keys
    assert "queue.durable@order-events" in keys  # new in 2.1, per queue
    assert "dep.fallback@edge-gateway->checkout-svc" not in keys  # soft dependency: its own item
    assert "dep.soft-degradation@edge-gateway->checkout-svc" in keys
    assert "dep.soft-degradation@storefront->catalog-svc" not in keys  # hard
    for svc in ("checkout-svc", "storefront", "edge-gateway"):  # services, frontends, gateways get theirs
        assert {f"svc.probes@{svc}", f"svc.graceful-shutdown@{svc}", f"obs.golden-signals@{svc}"} <= keys
    assert {"journey.failure-modes@checkout", "journey.synthetic-probe@browse"} <= keys
    it = res.item("dep.retry-backoff-budget@checkout-svc->payments-api")
    assert "PayFast payments API" in it.question and "Checkout service" in it.question
    assert "3 retries without backoff" in it.context
    assert res.item("ds.restore-tested@catalog-db").context.startswith("datastore; 3 replicas")


def test_adding_a_datastore_adds_items_and_removing_keeps_answers_as_orphans(webshop):
    before = {it.key for it in evaluate(webshop).items}
    webshop.add(Component(id="invoice-db", name="Invoice DB", kind="datastore", owner="billing"))
    webshop.add(Dependency("checkout-svc", "invoice-db"))
    res = evaluate(webshop)
    added = {it.key for it in res.items} - before
    assert {"ds.restore-tested@invoice-db", "ds.backup-within-rpo@invoice-db", "ds.backup-monitored@invoice-db",
            "ds.pitr@invoice-db", "ds.backups-immutable@invoice-db", "ds.replication-lag-alert@invoice-db",
            "dep.timeout@checkout-svc->invoice-db"} <= added
    set_answer(webshop, "ds.restore-tested@invoice-db", status="met", evidence="https://x.example/restore", by="me")
    set_answer(webshop, "dep.timeout@checkout-svc->invoice-db", status="not_met", by="me")

    del webshop.components["invoice-db"]
    del webshop.dependencies["checkout-svc->invoice-db"]
    res = evaluate(webshop)
    assert "ds.restore-tested@invoice-db" not in res
    orphans = {o.key: o for o in res.orphans}
    assert orphans["ds.restore-tested@invoice-db"].reason == "component 'invoice-db' is no longer in the review"
    assert "no longer in the review" in orphans["dep.timeout@checkout-svc->invoice-db"].reason
    assert orphans["ds.restore-tested@invoice-db"].answer.evidence == "https://x.example/restore"
    assert "ds.restore-tested@invoice-db" in webshop.answers  # never dropped
    d = res.to_dict()
    assert "ds.restore-tested@invoice-db" in [o["key"] for o in d["orphans"]]


def test_kind_change_makes_an_orphan_with_its_reason(webshop):
    set_answer(webshop, "ds.restore-tested@catalog-db", status="met", by="me")
    webshop.components["catalog-db"].kind = "cache"
    o = {o.key: o for o in evaluate(webshop).orphans}["ds.restore-tested@catalog-db"]
    assert "no longer matches" in o.reason


def test_tiers_decide_required_items(webshop):
    webshop.journeys.clear()  # journeys raise tiers (test_effective_tier_follows_journeys)
    webshop.meta.tier = 3
    res3 = evaluate(webshop)
    required3 = {it.item_id for it in res3.items if it.required}
    # an experimental service still owes tests, automated deploys and rollback, actionable alerts,
    # probes, call timeouts, secrets out of the code and a named owner
    assert required3 == {"sec.secrets-in-store", "own.named-owner", "deploy.tests-gate", "deploy.automated-pipeline",
                         "deploy.rollback-exercised", "alert.symptom-based", "svc.probes", "dep.timeout"}
    webshop.meta.tier = 2
    res2 = evaluate(webshop)
    assert not res2.item("slo.error-budget-policy").required  # tier 1 only
    assert res2.item("slo.journeys-have-slos").required
    # a component's own tier wins over the review's
    webshop.components["catalog-db"].tier = 1
    res = evaluate(webshop)
    assert res.item("ds.failover-tested@catalog-db").required
    assert not res.item("ds.failover-tested@orders-db").required
    # ... and review-wide items owe the most demanding tier in the review
    assert res.tier == 1 and res.item("slo.error-budget-policy").required
    assert "catalog-db owes tier 1" in res.item("slo.error-budget-policy").tier_reason
    # dependency items take the caller's tier
    webshop.components["checkout-svc"].tier = 1
    assert evaluate(webshop).item("dep.circuit-breaker@checkout-svc->payments-api").required


def test_effective_tier_follows_journeys(webshop):
    """Issue 23: setting orders-db-primary to tier 3 must not drop the restore blocker of the
    tier-1 checkout journey it serves."""
    key = "ds.restore-tested@orders-db"
    webshop.answers[key].status = "not_met"
    before = evaluate(webshop)
    assert before.item(key).required and key in [it.key for it in before.blocking_items]
    for c in ("orders-db-primary", "orders-db-replica"):
        webshop.components[c].tier = 3
    res = evaluate(webshop)
    it = res.item(key)
    assert it.required and it.tier == 1 and key in [i.key for i in res.blocking_items]
    assert "Checkout and pay" in it.tier_reason and "checkout-svc" in it.tier_reason
    t = res.tiers["orders-db-primary"]
    assert (t.tier, t.own, t.by, t.path) == (1, 3, "journey:checkout", ("checkout-svc", "orders-db-primary"))
    # the verdict's summary agrees
    from prr_app.checklist.evaluate import summarize
    assert key in [b.key for b in summarize(webshop).blocking_items]
    # a journey that is not critical makes no demand; a soft dependency carries none
    webshop.journeys["checkout"].critical = False
    webshop.journeys["browse"].critical = False
    assert checklist.effective_tiers(webshop)["orders-db-primary"].tier == 1  # checkout-svc is user-facing
    webshop.components["checkout-svc"].user_facing = False
    tiers = checklist.effective_tiers(webshop)
    # edge-gateway -> checkout-svc is soft: the gateway's demand stops there
    assert tiers["orders-db-primary"].tier == 3 and not tiers["orders-db-primary"].raised


def test_optional_items_do_not_score_or_block(webshop):
    webshop.answers.clear()
    webshop.journeys.clear()
    webshop.dependencies.clear()  # no model-decided items
    webshop.meta.tier = 3
    set_answer(webshop, "cap.load-test-peak", status="not_met", by="me")  # a blocker, but tiers 1-2 only
    res = evaluate(webshop)
    assert res.blocking_items == []
    assert res.overall_score == 0.0
    for it in res.items:
        if it.required:
            set_answer(webshop, it.key, status="met", by="me")
    set_answer(webshop, "own.named-owner", status="not_applicable", reason="owners come from the catalogue", by="me")
    assert evaluate(webshop).overall_score == 100.0


# ----------------------------------------------------------------- scores
def _oracle(res):
    """Brute-force re-computation of the documented scoring rule."""
    w = {"blocker": 8, "high": 4, "medium": 2, "low": 1}
    c = {"met": 1, "partly": 0.5, "not_met": 0, "unanswered": 0}
    per: dict = {}
    for it in res.items:
        if it.required and it.status != "not_applicable":
            e, p = per.get(it.category, (0.0, 0.0))
            per[it.category] = (e + w[it.severity] * c[it.status], p + w[it.severity])
    cats = {k: round(100 * e / p, 1) for k, (e, p) in per.items() if p}
    tot_e = sum(e for e, _ in per.values())
    tot_p = sum(p for _, p in per.values())
    return cats, (round(100 * tot_e / tot_p, 1) if tot_p else None)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["met", "partly", "not_met", "not_applicable",
                                                                    "unanswered"])), max_size=60),
       st.sampled_from([1, 2, 3]))
def test_scores_and_blockers_match_the_oracle(choices, tier):
    from prr_app.interchange.json_io import read_review_json

    review = read_review_json(resource_path("examples", "webshop.json"))
    review.meta.tier = tier
    keys = [it.key for it in evaluate(review).items]
    for n, status in choices:
        set_answer(review, keys[n % len(keys)], status=status, reason="does not apply here", by="prop",
                   at="2026-01-01T00:00:00+00:00")
    res = evaluate(review)
    cats, overall = _oracle(res)
    assert {c.id: c.score for c in res.categories if c.score is not None} == cats
    assert res.overall_score == overall
    def status(it):  # the reviewer's answer, else the model's
        a = review.answers.get(it.key)
        if a is not None and a.status != "unanswered":
            return a.status
        return it.model_answer.status if it.model_answer is not None else "unanswered"

    want_blocking = [it.key for it in res.items if it.required and it.severity == "blocker"
                     and status(it) in ("not_met", "partly")]
    assert [it.key for it in res.blocking_items] == want_blocking
    # every answer is either an item's answer or an orphan: nothing is dropped
    assert {it.key for it in res.items if it.answer is not None} | {o.key for o in res.orphans} == set(review.answers)
    assert sum(c.total for c in res.categories) == len(res.items) == res.overall.total


# ----------------------------------------------------------------- answers
def test_set_answer_validates_and_keeps_history(webshop):
    key = "ds.restore-tested@catalog-db"
    webshop.answers.pop(key, None)
    with pytest.raises(PrrError, match="'not applicable' needs a reason"):
        set_answer(webshop, key, status="not_applicable", by="me")
    with pytest.raises(PrrError, match="not an answer status"):
        set_answer(webshop, key, status="maybe", by="me")
    with pytest.raises(PrrError, match="not a date"):
        set_answer(webshop, key, status="met", due="next week", by="me")
    with pytest.raises(PrrError, match="no checklist item 'ds.restore-tested@catalog-dbx'.*did you mean"):
        set_answer(webshop, key + "x", status="met", by="me")
    assert key not in webshop.answers  # failed calls change nothing

    a = set_answer(webshop, key, status="Not met", owner="Ann", due="2026-12-01", by="Dana",
                   at="2026-11-20T10:00:00+00:00")
    assert (a.status, a.owner, a.due, a.changed_by, a.changed_at) == ("not_met", "Ann", "2026-12-01", "Dana",
                                                                      "2026-11-20T10:00:00+00:00")
    a = set_answer(webshop, key, status="met", evidence="https://wiki/restore", by="Omar")
    assert a.changed_by == "Omar" and a.changed_at.endswith("+00:00") and "T" in a.changed_at
    assert [h.status for h in a.history] == ["not_met", "met"]
    assert "evidence: https://wiki/restore" in a.history[-1].note and "status not_met -> met" in a.history[-1].note
    assert a.owner == "Ann"  # None leaves a field alone
    n = len(a.history)
    set_answer(webshop, key, status="met", by="Omar")  # no change, no history
    assert len(a.history) == n
    set_answer(webshop, key, owner="", by="Omar")  # "" clears
    assert a.owner == ""
    a = set_answer(webshop, key, status="n/a", reason="read-only replica of a vendor feed", by="Omar")
    assert a.status == "not_applicable"
    set_answer(webshop, key, status="not_applicable", by="Omar")  # the stored reason still counts


def test_set_answer_records_the_template_used():
    r = Review(meta=ReviewMeta(tier=2))
    set_answer(r, "slo.journeys-have-slos", status="met", by="me")
    assert (r.meta.checklist_template, r.meta.checklist_version) == ("prr-default", "2.3")  # the newest bundled


def test_orphans_can_still_be_edited(webshop):
    webshop.answers["gone.item"] = checklist_answer = type(next(iter(webshop.answers.values())))("gone.item", "met")
    a = set_answer(webshop, "gone.item", note="kept for the record", by="me")
    assert a is checklist_answer and a.note == "kept for the record"


def test_partly_answered_review_survives_prr_and_json_round_trips(tmp_path, webshop):
    from prr_app.interchange.json_io import read_review_json, write_json
    from prr_app.review.document import ReviewDocument, load_review

    doc = ReviewDocument.create(tmp_path / "shop.prr", webshop)
    try:
        set_answer(doc.review, "ds.restore-tested@catalog-db", status="partly", evidence="https://wiki/r?a=1&b=2",
                   owner="Ann", due="2027-01-31", note="staging only\nsecond line", by="Dana")
        set_answer(doc.review, "ds.restore-tested@catalog-db", status="met", by="Omar")
        set_answer(doc.review, "toil.self-healing", status="not_applicable", reason="no known transient failures",
                   by="Dana")
        doc.review.answers["retired.item@x"] = type(doc.review.answers["toil.self-healing"])("retired.item@x", "met",
                                                                                         evidence="old")
        doc.save()
        before = copy.deepcopy(doc.review.answers)
    finally:
        doc.close()
    assert len(before) == len(webshop.answers) + 2
    reopened = load_review(tmp_path / "shop.prr")
    write_json(reopened, tmp_path / "shop.json")
    back = read_review_json(tmp_path / "shop.json")
    doc2 = ReviewDocument.create(tmp_path / "again.prr", back)
    doc2.close()
    final = load_review(tmp_path / "again.prr")
    assert final.answers == before
    a = final.answers["ds.restore-tested@catalog-db"]
    assert a.evidence == "https://wiki/r?a=1&b=2" and a.note == "staging only\nsecond line"
    assert [h.by for h in a.history][-2:] == ["Dana", "Omar"]
    assert "retired.item@x" in [o.key for o in evaluate(final).orphans]


# ----------------------------------------------------------------- template versions
def _write_v2(tmp_path: Path) -> Path:
    """A user's prr-default 2.4 (the bundled 2.3 would hide a user's 2.3): drops one item and renames another."""
    text = resource_path("checklists", "prr-default.yaml").read_text()
    assert "version: '2.3'" in text
    text = text.replace("version: '2.3'", "version: '2.4'")
    text = text.replace("id: slo.error-budget-policy", "id: slo.budget-policy-written")
    start = text.index("      - id: toil.self-healing")
    text = text[:start].rstrip() + "\n"
    p = tmp_path / "prr-default-2.4.yaml"
    p.write_text(text)
    return p


def test_switching_template_version_keeps_answers_and_lists_the_rest(tmp_path, webshop, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path))
    _write_v2(tmp_path)
    assert [(i.version, i.source) for i in templates() if i.id == "prr-default"] == [
        ("2.0", "bundled"), ("2.1", "bundled"), ("2.2", "bundled"), ("2.3", "bundled"), ("2.4", "user")]
    assert webshop.meta.checklist_version == "2.1"
    set_answer(webshop, "slo.error-budget-policy", status="met", by="me")
    set_answer(webshop, "toil.self-healing", status="partly", by="me")
    n_answers = len(webshop.answers)
    orphans = use_template(webshop, "prr-default@2.4")
    assert (webshop.meta.checklist_template, webshop.meta.checklist_version) == ("prr-default", "2.4")
    assert sorted(o.key for o in orphans) == ["slo.error-budget-policy", "toil.self-healing"]
    assert all("not in template prr-default 2.4" in o.reason for o in orphans)
    res = evaluate(webshop)
    assert res.template.version == "2.4"
    assert res.item("ds.restore-tested@orders-db").status == "partly"  # kept
    assert len(webshop.answers) == n_answers
    # and back: the answers apply again
    assert use_template(webshop, "prr-default@2.1") == []


def test_missing_recorded_template_falls_back_with_a_warning(webshop):
    webshop.meta.checklist_template = "team-wiki"
    webshop.meta.checklist_version = "3"
    res = evaluate(webshop)
    assert res.template.id == "prr-default"
    assert "'team-wiki' is not installed" in res.warnings[0]
    webshop.meta.checklist_template, webshop.meta.checklist_version = "prr-default", "0.9"
    res = evaluate(webshop)
    assert res.template.version == "2.3" and "0.9" in res.warnings[0]  # the newest installed version
    assert "evaluated with prr-default 2.3 instead" in res.warnings[0]
    webshop.meta.checklist_version = "2.0"  # still bundled: evaluated with it, no warning
    res = evaluate(webshop)
    assert res.template.version == "2.0" and res.warnings == []


# ----------------------------------------------------------------- walker helpers
def test_walker_helpers(webshop):
    res = evaluate(webshop)
    first = res.next_unanswered()
    assert first is not None and not first.answered and first.order == min(
        it.order for it in res.items if not it.answered)
    nxt = res.next_unanswered(after=first.key)
    assert nxt.order > first.order
    last = res.items[-1].key
    assert res.next_unanswered(after=last).key == first.key  # wraps around
    assert res.next_unanswered(after=last, wrap=False) is None
    b = res.next_blocker()
    assert b.is_open_blocker and b.severity == "blocker"
    seen, cur = [], None
    for _ in range(len(res.open_blockers)):
        cur = res.next_blocker(after=cur.key if cur else None)
        seen.append(cur.key)
    assert sorted(seen) == sorted(it.key for it in res.open_blockers)
    data = res.filter(category="data", status=["not_met", "partly"])
    assert data and all(it.category == "data" and it.status in ("not_met", "partly") for it in data)
    assert all(it.severity == "blocker" for it in res.filter(severity="blocker"))
    assert {it.subject for it in res.filter(subject="cart-db")} == {"cart-db"}
    assert res.filter(text="payfast") and all("payfast" in (it.question + it.subject_label).lower()
                                              for it in res.filter(text="payfast"))
    pri = res.priority_unanswered()
    ranks = [(not it.required, ["blocker", "high", "medium", "low"].index(it.severity)) for it in pri]
    assert ranks == sorted(ranks)


def test_to_dict_is_json_and_states_the_method(webshop):
    d = json.loads(json.dumps(evaluate(webshop).to_dict()))
    assert "blocker 8" in d["scoring"]["method"]
    assert d["template"] == {"id": "prr-default", "version": "2.1", "title": load_template().title}
    assert d["blocking_items"] == ["cap.load-test-peak", "ds.restore-tested@orders-db"]
    item = next(i for i in d["items"] if i["key"] == "ds.restore-tested@orders-db")
    assert item["answer"]["history"][0]["status"] == "not_met" and item["blocking"] is True
    assert item["anchors"] and item["source"] == "reviewer"
    model = next(i for i in d["items"] if i["key"] == "dep.circuit-breaker@checkout-svc->payments-api")
    assert model["source"] == "model" and model["status"] == "not_met"
    assert model["model_answer"]["evidence"] == "circuit_breaker false"
    assert {f["key"] for f in d["model_findings"]} >= {"ds.backup-within-rpo@catalog-db"}


# ----------------------------------------------------------------- the verdict
def _ready_review() -> Review:
    r = Review(meta=ReviewMeta(system_name="Mini", tier=3))
    for z in ("a", "b"):
        r.add(FailureDomain(z, kind="zone"))
    r.add(Component(id="web", owner="team", user_facing=True, replicas=2, placement=["a", "b"], availability=99.99,
                    slo=99.0, observability=Observability(True, True, True, True, True, True)))
    r.add(Journey(id="home", entry=["web"], slo=99.0))
    r.add(Risk(id="spof:component:web", origin="computed", status="accepted",
               acceptance=Acceptance(by="lead", at="2026-01-01", reason="one service by design", until="2099-01-01")))
    # an unanswered blocker item counts as not met (issue 17): the ready review has its blockers met
    for it in checklist.evaluate(r).unanswered_blockers:
        r.add(ChecklistAnswer(item=it.key, status="met", evidence="https://wiki.example/mini"))
    return r


def test_blocker_not_met_makes_analyze_not_ready_and_met_lifts_it(tmp_path, capsys):
    from prr_app.cli.main import main
    from prr_app.review.document import save_review

    analysis = pytest.importorskip("prr_app.analysis")
    r = _ready_review()
    assert analysis.analyze(r).verdict["verdict"] != "not-ready"
    path = tmp_path / "mini.prr"
    save_review(r, path)
    assert main(["checklist-answer", str(path), "own.named-owner", "--status", "not met", "--by", "t"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"]["verdict"] == "not-ready"
    assert any("own.named-owner" in reason for reason in out["verdict"]["reasons"])
    assert main(["checklist-answer", str(path), "own.named-owner", "--status", "met", "--by", "t",
                 "--evidence", "vault"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"]["verdict"] != "not-ready"


def test_all_public_names_exist():
    for name in checklist.__all__:
        assert hasattr(checklist, name), name
