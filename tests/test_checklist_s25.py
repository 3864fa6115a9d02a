"""Session 25: the checklist asks each item of what it concerns (prr-default 2.1) and shows what passes unchecked."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prr_app import checklist
from prr_app.checklist.proposals import _resources
from prr_app.cli.main import main
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
    return {it.key for it in checklist.evaluate(review).items}


def _import(tmp_path, capsys, src, name):
    out = tmp_path / f"{name}.prr"
    code, _o, err = run(capsys, "import", src, "-o", out, "--force", "--quiet")
    assert code == 0, err
    return load_review(out)


# -- 2: asynchronous items are asked of the consumer ---------------------------------------------------
def test_async_items_are_asked_of_the_queue_consumer_not_the_publisher(examples_dir):
    r = load_review(examples_dir / "webshop.json")
    assert r.meta.checklist_version == "2.1"
    r.dependencies["notifier->order-events"].kind = "soft"  # its poll (session 28: hard is a synchronous publisher)
    k = keys(r)
    for iid in ("async.idempotent-consumer", "async.dead-letter", "async.freshness-alert"):
        assert f"{iid}@notifier->order-events" in k  # notifier polls the queue (soft): the consumer
        assert f"{iid}@checkout-svc->order-events" not in k  # the publisher
        assert f"{iid}@search-svc->catalog-db" not in k  # a nightly read of a datastore: no messages
    # no breaker or fallback on the consumer's poll of its own queue
    assert "dep.circuit-breaker@notifier->order-events" not in k
    assert "dep.fallback@notifier->order-events" not in k
    it = checklist.evaluate(r).item("async.idempotent-consumer@notifier->order-events")
    assert it.question.startswith("Order notifier processes the work it takes from Order events queue")
    assert "queue.durable@order-events" in k


@pytest.mark.skipif(not (REAL / "sock-shop").exists(), reason="realdata not present")
def test_import_with_every_queue_client_async_asks_each_client_as_a_possible_consumer(tmp_path, capsys):
    # session 28: the import no longer links every client of a broker asynchronously: queue-master, which
    # nothing calls, polls rabbitmq (soft: a stated consumer), shipping publishes to it (hard)
    r = _import(tmp_path, capsys, REAL / "sock-shop", "sock")
    res = checklist.evaluate(r)
    it = res.item("async.idempotent-consumer@queue-master->rabbitmq")
    assert it is not None and it.question.startswith("queue-master processes the work it takes from rabbitmq")
    assert res.item("queue.durable@rabbitmq") is not None


# -- 3: items that need a server you run --------------------------------------------------------------
_SPA_DSL = """workspace "Shop" {
    model {
        customer = person "Customer"
        shop = softwareSystem "Shop" {
            app = container "Mobile App" "Orders from a phone" "Kotlin"
            api = container "API" "Serves the app" "Java"
            db = container "Database" "Orders" "PostgreSQL" "Database"
        }
        customer -> app "Uses"
        app -> api "Calls" "HTTPS"
        api -> db "Reads and writes" "JDBC"
        live = deploymentEnvironment "Live" {
            deploymentNode "Customer's mobile device" "" "Apple iOS or Android" {
                containerInstance app
            }
            deploymentNode "Cloud" {
                deploymentNode "api-server" "" "Ubuntu" "" 2 {
                    containerInstance api
                }
                deploymentNode "db-server" "" "Ubuntu" {
                    containerInstance db
                }
            }
        }
    }
}
"""


def test_client_software_gets_no_server_items(tmp_path, capsys):
    spa = tmp_path / "workspace.dsl"
    spa.write_text(_SPA_DSL)
    r = _import(tmp_path, capsys, spa, "spa")
    assert "client" in r.components["mobile-app"].tags
    k = {x.split("@")[0] for x in keys(r) if x.endswith("@mobile-app")}
    for iid in ("svc.disruption-budget", "svc.probes", "svc.graceful-shutdown", "svc.resource-limits",
                "svc.instances-spread", "cap.client-quotas", "sec.endpoint-auth", "res.instance-failure-tested"):
        assert iid not in k


def test_a_managed_queue_gets_the_vendor_items_not_the_server_items(examples_dir):
    r = load_review(examples_dir / "webshop.json")
    r.components["order-events"].tags = ["managed"]
    k = {x.split("@")[0] for x in keys(r) if x.endswith("@order-events")}
    assert {"ext.sla-known", "queue.durable", "ds.encrypted"} <= k
    assert not k & {"svc.disruption-budget", "svc.resource-limits", "res.instance-failure-tested",
                    "ds.storage-headroom", "svc.instances-spread"}


# -- 4: telemetry hubs ---------------------------------------------------------------------------------
@pytest.mark.skipif(not (REAL / "spring-petclinic-repo").exists(), reason="realdata not present")
def test_scrapes_and_calls_into_telemetry_hubs_are_one_item_per_hub(tmp_path, capsys):
    r = _import(tmp_path, capsys, REAL / "spring-petclinic-repo", "pc")
    k = keys(r)
    assert not [x for x in k if "@prometheus-server->" in x or "->prometheus-server" in x]
    assert "obs.telemetry-hub@prometheus-server" in k
    assert "obs.golden-signals@prometheus-server" not in k


# -- 5: resource limits set, not shown measured --------------------------------------------------------
def test_resource_limits_set_everywhere_propose_partly():
    from prr_app.checklist.facts import Fact, Facts

    f = Fact(extractor="k8s.resources", component="web", file="deploy/web.yaml", line=12, what="container web",
             signal="set", value="requests.cpu,requests.memory,limits.cpu,limits.memory")
    facts = Facts([f])
    got = _resources(facts, type("C", (), {"id": "web"})(), None)
    assert got[0] == "partly" and "measurements" in got[1]


# -- 6: waived and unevidenced blockers are named -------------------------------------------------------
def test_waived_and_unevidenced_blockers_are_named_everywhere(tmp_path, capsys, examples_dir):
    f = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", f)
    assert run(capsys, "checklist-answer", f, "alert.routing-tested", "--status", "n/a", "--reason",
               "platform team pages", "--by", "Rev")[0] == 0
    assert run(capsys, "checklist-answer", f, "cap.load-test-peak", "--status", "met", "--evidence", "", "--by", "Rev",
               "--note", "trust me")[0] == 0
    _c, out, _e = run(capsys, "checklist", f, "--items")
    assert "alert.routing-tested: answered not applicable by Rev" in out and "platform team pages" in out
    assert "cap.load-test-peak: answered met by Rev" in out and "with no evidence" in out
    assert "note: trust me" in out
    _c, out, _e = run(capsys, "gate", f)
    assert "NOTE checklist alert.routing-tested" in out and "NOTE checklist cap.load-test-peak" in out
    md = tmp_path / "r.md"
    assert run(capsys, "report", f, "-o", md)[0] == 0
    text = md.read_text(encoding="utf-8")
    assert "7.4 Blockers passed without being shown met" in text
    assert "platform team pages" in text and "with no evidence" in text
    d = json.loads(run(capsys, "checklist", f, "--json")[1])
    assert d["waived_blockers"] == ["alert.routing-tested"] and d["unevidenced_blockers"] == ["cap.load-test-peak"]


# -- 7: the gate folds an item unanswered for many subjects -----------------------------------------------
def test_gate_folds_items_unanswered_for_many_subjects_and_junit_keeps_each(tmp_path, capsys, examples_dir):
    r = load_review(examples_dir / "platform.json")
    from prr_app.cli.report_commands import gate_lines
    from prr_app.reporting.assessment import build_assessment
    from prr_app.cli.report_commands import evaluate_gate

    a = build_assessment(r)
    failed = [c for c in evaluate_gate(a) if not c["ok"]]
    lines = gate_lines(failed, a.checklist.template)
    per_item: dict[str, int] = {}
    for c in failed:
        if c.get("item") is not None and c["item"].answer is None and c["item"].proposal is None:
            per_item[c["item"].item_id] = per_item.get(c["item"].item_id, 0) + 1
    many = [i for i, n in per_item.items() if n > 20]
    if many:
        assert len(lines) < len(failed)
        assert any(f"BLOCKER checklist {many[0]}: " in x and "is unanswered for" in x for x in lines)


# -- 8: statuses and --next ---------------------------------------------------------------------------
def test_status_aliases_are_documented_and_next_below_one_is_refused(tmp_path, capsys, examples_dir):
    f = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", f)
    code, _o, err = run(capsys, "checklist", f, "--next", "-1")
    assert code == 2 and "--next must be at least 1" in err
    with pytest.raises(SystemExit):
        main(["checklist-answer", "--help"])
    out = capsys.readouterr().out
    assert "done" in out and "clear" in out
    code, _o, err = run(capsys, "checklist-answer", f, "alert.routing-tested", "--status", "finished")
    assert code == 2 and "yes, done" in err


# -- versions -----------------------------------------------------------------------------------------
def test_2_0_stays_installed_and_carry_moves_a_review_to_the_newest(tmp_path, capsys, examples_dir):
    assert checklist.load_template("prr-default@2.0").version == "2.0"
    assert checklist.load_template("prr-default").version == "2.3"
    f = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", f)
    assert run(capsys, "checklist-use", f, "prr-default@2.0")[0] == 0
    code, out, err = run(capsys, "gate", f)
    assert code in (0, 1), err  # 2.0 is installed: the gate judges it
    assert "async.idempotent-consumer@checkout-svc->order-events" in keys(load_review(f))
    code, out, _e = run(capsys, "checklist-carry", f, "prr-default", "--by", "Rev")
    assert code == 0 and "prr-default 2.0 -> prr-default 2.3" in out
    assert load_review(f).meta.checklist_version == "2.3"
