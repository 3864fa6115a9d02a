"""Session 28: checklist defects found on real imports (publishers asked consumer items, rejections lost across
template switches, time-bound answers carried silently, contrary carry sources, switches without proposals)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app import checklist
from prr_app.checklist.evaluate import evaluate, summarize
from prr_app.cli.main import main
from prr_app.model.entities import ChecklistAnswer, Proposal
from prr_app.review.document import load_review

REAL = Path("/work/shared/realdata")


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def keys(review) -> set[str]:
    return {it.key for it in evaluate(review).items}


# -- 1: a hard call to a queue is a synchronous publisher's, a soft one a consumer's poll ----------------------
def _shop(examples_dir, notifier_kind="soft"):
    r = load_review(examples_dir / "webshop.json")
    r.dependencies["notifier->order-events"].kind = notifier_kind
    return r


def test_a_hard_caller_of_a_queue_is_a_publisher_and_a_soft_one_a_consumer(examples_dir):
    r = _shop(examples_dir, "soft")
    r.dependencies["checkout-svc->order-events"].kind = "hard"  # publishes synchronously
    k = keys(r)
    consumer = ("async.idempotent-consumer", "async.dead-letter", "async.freshness-alert")
    for iid in consumer:
        assert f"{iid}@notifier->order-events" in k
        assert f"{iid}@checkout-svc->order-events" not in k  # the publisher: no consumer items
    # the publisher's call gets what a hard call gets; the consumer's poll none of it
    for iid in ("dep.timeout", "dep.circuit-breaker", "dep.fallback"):
        assert f"{iid}@checkout-svc->order-events" in k
    assert not {"dep.circuit-breaker@notifier->order-events", "dep.fallback@notifier->order-events",
                "dep.soft-degradation@notifier->order-events"} & k
    # a publisher with a fallback (its outbox) is still the publisher
    r.dependencies["checkout-svc->order-events"].fallback = "outbox table, relayed when the queue is back"
    k = keys(r)
    assert "async.dead-letter@checkout-svc->order-events" not in k and "dep.fallback@checkout-svc->order-events" in k


def test_only_hard_callers_leave_an_async_caller_of_the_queue_unstated(examples_dir):
    # notifier hard: a publisher now; nobody states it consumes order-events, so the async caller may be either
    r = _shop(examples_dir, "hard")
    res = evaluate(r)
    it = res.item("async.idempotent-consumer@checkout-svc->order-events")
    assert it is not None and "no caller states a soft dependency on the queue" in it.context
    assert res.item("async.idempotent-consumer@notifier->order-events") is None


def test_the_summary_counts_the_calls_the_rows_list(examples_dir):
    for kind in ("hard", "soft", "async"):
        r = _shop(examples_dir, kind)
        full, fast = evaluate(r), summarize(r)
        assert fast.items == len(full.items)
        assert fast.overall_score == full.overall_score
        assert [b.key for b in fast.blocking_items] == [it.key for it in full.blocking_items]


@pytest.mark.skipif(not (REAL / "sock-shop").exists(), reason="realdata not present")
def test_sock_shop_shipping_publishes_and_queue_master_consumes(tmp_path, capsys):
    out = tmp_path / "ss.prr"
    assert run(capsys, "import", REAL / "sock-shop", "-o", out, "--quiet")[0] == 0
    k = keys(load_review(out))
    assert "async.idempotent-consumer@queue-master->rabbitmq" in k
    assert "async.idempotent-consumer@shipping->rabbitmq" not in k
    assert {"dep.circuit-breaker@shipping->rabbitmq", "dep.fallback@shipping->rabbitmq"} <= k
    assert "dep.circuit-breaker@queue-master->rabbitmq" not in k


# -- 2: a rejection survives a spell on another template -----------------------------------------------------
def test_a_rejection_is_kept_while_the_template_does_not_make_the_proposal(examples_dir):
    from prr_app.checklist.proposals import refresh

    r = load_review(examples_dir / "webshop.json")
    key = "svc.disruption-budget@checkout-svc"
    r.proposals[key] = Proposal(item=key, status="not_met", reason="no PodDisruptionBudget", extractor="k8s.pdb",
                                rejected_by="Omar", rejected_at="2025-01-01T00:00:00+00:00")
    checklist.use_template(r, "prr-operational")
    changes = refresh(r, {})  # a re-import under prr-operational: it proposes nothing for that item
    assert r.proposals[key].rejected_by == "Omar" and not any(key in c for c in changes)
    checklist.use_template(r, "prr-default")
    refresh(r, {key: Proposal(item=key, status="not_met", reason="no PodDisruptionBudget", extractor="k8s.pdb")})
    assert r.proposals[key].rejected_by == "Omar"  # the same evidence again: still rejected
    assert evaluate(r).item(key).proposal is None
    # under a template that makes it, evidence that is gone withdraws it, rejection and all
    refresh(r, {})
    assert key not in r.proposals


# -- 3, 4, 6: carrying answers --------------------------------------------------------------------------------
def test_time_bound_items_answered_long_ago_are_listed_by_carry(tmp_path, capsys, examples_dir):
    f = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", f)
    r = load_review(f)
    assert checklist.load_template("prr-operational").item("ds.restore-tested") is not None
    assert run(capsys, "checklist-answer", f, "ds.restore-tested@orders-db", "--status", "met", "--by", "A")[0] == 0
    kept: list = []
    r = load_review(f)
    r.answers["ds.restore-tested@orders-db"].changed_at = "2020-01-01T00:00:00+00:00"
    checklist.carry_answers(r, "prr-operational", by="D", kept=kept)
    assert ("ds.restore-tested@orders-db", "2020-01-01T00:00:00+00:00", "the last quarter", True) in kept
    code, out, _e = run(capsys, "checklist-carry", f, "prr-operational", "--by", "D")
    assert code == 0
    assert "ds.restore-tested@orders-db: answered on " in out and "prr-operational asks for the last quarter" in out


def test_carry_takes_the_least_favourable_source_and_names_the_other(examples_dir):
    r = load_review(examples_dir / "webshop.json")
    res = evaluate(r, "prr-operational")
    subj = next(it.subject for it in res.items if it.item_id == "ds.rpo-measured")
    a, b = f"ds.backup-within-rpo@{subj}", f"ds.replication-lag-alert@{subj}"
    r.answers[a] = ChecklistAnswer(item=a, status="met")
    r.answers[b] = ChecklistAnswer(item=b, status="not_met")
    carried, _o = checklist.carry_answers(r, "prr-operational", by="D")
    p = r.proposals[f"ds.rpo-measured@{subj}"]
    assert p.status == "not_met" and p.extractor.endswith(b) and f"{a} says met" in p.reason
    # not applicable and not met: not met is carried, the n/a named
    r = load_review(examples_dir / "webshop.json")
    r.answers[a] = ChecklistAnswer(item=a, status="not_applicable", reason="no backups: a cache")
    r.answers[b] = ChecklistAnswer(item=b, status="not_met")
    skipped: list = []
    checklist.carry_answers(r, "prr-operational", by="D", skipped=skipped)
    p = r.proposals[f"ds.rpo-measured@{subj}"]
    assert p.status == "not_met" and f"{a} says not applicable" in p.reason and not skipped


def test_carry_names_unused_answers_and_rejected_sources(tmp_path, capsys, examples_dir):
    f = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", f)
    assert run(capsys, "checklist-answer", f, "alert.routing-tested", "--status", "met", "--by", "A")[0] == 0
    assert run(capsys, "checklist-answer", f, "dep.timeout@checkout-svc->payments-api", "--status", "met",
               "--by", "A")[0] == 0
    code, out, _e = run(capsys, "checklist-carry", f, "prr-operational", "--by", "D")
    assert code == 0 and "alert.routing-retested" in out
    assert "not used by prr-operational (kept in the review): " in out
    assert "dep.timeout@checkout-svc->payments-api" in out
    assert run(capsys, "checklist-confirm", f, "alert.routing-retested", "--reject", "--by", "Omar")[0] == 0
    assert run(capsys, "checklist-carry", f, "prr-default", "--by", "D")[0] == 0
    code, out, _e = run(capsys, "checklist-carry", f, "prr-operational", "--by", "D")
    assert "not carried again: alert.routing-retested: the proposal carried from alert.routing-tested was " \
           "rejected by Omar" in out


# -- 5: a switch to a template whose proposals wait for a re-import says so ------------------------------------
def test_a_switch_says_the_new_templates_proposals_wait_for_a_re_import(examples_dir):
    from prr_app.model.entities import ImportRecord
    from prr_app.review.proposals import evidence_pending

    r = load_review(examples_dir / "webshop.json")
    r.imports["i1"] = ImportRecord(id="i1", at="2025-01-01T00:00:00+00:00", format="kubernetes", sources=["deploy/"],
                                   report={"read": ["readiness evidence: 12 fact(s) from 3 file(s); ..."],
                                           "readiness_template": "prr-default 2.1"})
    assert evidence_pending(r, "shop.prr") is None  # proposed for the review's own template
    checklist.use_template(r, "prr-operational")
    line = evidence_pending(r, "shop.prr")
    assert line.startswith("prr-operational 1.0 proposes answers from imported evidence (alert.every-page-has-runbook)")
    assert "prr import deploy/ --into shop.prr" in line
    r.imports["i1"].report["readiness_template"] = "prr-operational 1.0"
    assert evidence_pending(r, "shop.prr") is None


@pytest.mark.skipif(not (REAL / "online-boutique-repo").exists(), reason="realdata not present")
def test_real_template_round_trip_keeps_the_rejection_and_says_when_to_re_import(tmp_path, capsys):
    f = tmp_path / "r.prr"
    src = REAL / "online-boutique-repo"
    assert run(capsys, "import", src, "-o", f, "--quiet")[0] == 0
    assert run(capsys, "checklist-confirm", f, "svc.disruption-budget@frontend", "--reject", "--by", "Omar")[0] == 0
    code, out, _e = run(capsys, "checklist-carry", f, "prr-operational", "--by", "D")
    assert "none proposed yet" in out and f"--into {f}" in out
    assert run(capsys, "import", src, "--into", f, "--quiet")[0] == 0
    assert run(capsys, "checklist-carry", f, "prr-default", "--by", "D")[0] == 0
    assert run(capsys, "import", src, "--into", f, "--quiet")[0] == 0
    r = load_review(f)
    assert r.proposals["svc.disruption-budget@frontend"].rejected_by == "Omar"
    assert evaluate(r).item("svc.disruption-budget@frontend").proposal is None


@pytest.mark.skipif(not (REAL / "online-boutique-repo").exists(), reason="realdata not present")
def test_prr_checklist_says_when_the_templates_proposals_wait_for_a_re_import(tmp_path, capsys):
    f = tmp_path / "r.prr"
    assert run(capsys, "import", REAL / "online-boutique-repo", "-o", f, "--quiet")[0] == 0
    code, out, _e = run(capsys, "checklist", f)
    assert code == 0 and "none proposed yet" not in out
    assert run(capsys, "checklist-carry", f, "prr-operational", "--by", "D")[0] == 0
    code, out, _e = run(capsys, "checklist", f)
    assert code == 0 and "\nnote: prr-operational" in out and "none proposed yet" in out and f"--into {f}" in out
