"""Session 32: prr-default 2.3 asks a telemetry store and an operators' console only what applies to them
(explorer ck, finding 4).

* A telemetry store (tag ``telemetry``: OpenSearch or Elasticsearch holding logs and traces, a metrics
  TSDB) keeps its retention, storage headroom and encryption items; a business datastore's recovery items
  (RTO/RPO, restore test, backups, PITR, replica lag and failover, recovery within the RTO) and the single
  owner are not asked of it, nor ``obs.component-signals`` (``obs.telemetry-hub`` stands for it, as it
  does for a hub's golden signals since 2.1).
* An operators' console (tag ``admin-ui``: Kibana, pgAdmin, Spring Boot Admin) is not asked the items about
  serving users' traffic (golden signals, probes, spread, disruption budget, graceful shutdown, start-up
  without dependencies, instance failure), as a telemetry hub is not; its resource limits (they protect its
  neighbours) and its endpoints' authentication are still asked.
* 2.2 stays installed: a review pinned to it keeps its items; ``checklist-carry`` moves it to 2.3 and keeps
  every answer (those 2.3 no longer asks as orphans, with the reason), and back again.
"""
from __future__ import annotations

import pytest

from prr_app import checklist
from prr_app.cli.main import main
from prr_app.model.entities import Component, Dependency, Review
from prr_app.review.document import load_review, save_review
from tests.conftest import REALDATA

# what 2.3 no longer asks of a telemetry store (2.2 did)
NOT_FOR_TELEMETRY = ("ds.rto-rpo-defined", "ds.restore-tested", "ds.backup-within-rpo", "ds.recovery-within-rto",
                     "ds.pitr", "ds.backups-immutable", "ds.backup-monitored", "ds.replication-lag-alert",
                     "ds.failover-tested", "ds.single-owner", "obs.component-signals")
# what it still asks of one
FOR_TELEMETRY = ("ds.encrypted", "ds.retention-enforced", "ds.storage-headroom", "obs.telemetry-hub")
# what 2.3 no longer asks of an operators' console (2.2 did)
NOT_FOR_CONSOLES = ("obs.golden-signals", "svc.instances-spread", "svc.disruption-budget", "svc.probes",
                    "svc.graceful-shutdown", "svc.startup-without-dependencies", "res.instance-failure-tested")


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


def _review() -> Review:
    r = Review()
    r.meta.tier = 1
    r.add(Component(id="api", kind="service", user_facing=True))
    r.add(Component(id="orders-db", kind="datastore", replicas=2))
    r.add(Component(id="log-store", kind="datastore", replicas=2, tags=["search", "telemetry"]))
    r.add(Component(id="collector", kind="service", tags=["telemetry"]))
    r.add(Component(id="log-console", kind="service", tags=["admin-ui"]))
    r.add(Dependency(source="api", target="orders-db", kind="hard"))
    r.add(Dependency(source="collector", target="log-store", kind="hard"))
    r.add(Dependency(source="log-console", target="log-store", kind="hard"))
    return r


def _asked(review: Review, subject: str, template=None) -> set[str]:
    return {it.item_id for it in checklist.evaluate(review, template).items if it.subject == subject}


def test_a_telemetry_store_is_asked_retention_headroom_and_encryption_not_recovery():
    r = _review()
    assert checklist.load_template("prr-default").version == "2.3"
    store, business = _asked(r, "log-store"), _asked(r, "orders-db")
    assert {i for i in store if i.startswith("ds.")} | {"obs.telemetry-hub"} == set(FOR_TELEMETRY)
    assert store == set(FOR_TELEMETRY)
    assert not store & set(NOT_FOR_TELEMETRY)
    # a business datastore of the same shape is asked every one of them
    assert set(NOT_FOR_TELEMETRY) - {"obs.component-signals"} <= business
    assert {"obs.component-signals", "ds.encrypted", "ds.retention-enforced", "ds.storage-headroom"} <= business
    # 2.2 (kept installed) asked them of the telemetry store: two of them blockers
    old = _asked(r, "log-store", "prr-default@2.2")
    assert old - store == set(NOT_FOR_TELEMETRY)
    blockers = {it.key for it in checklist.evaluate(r, "prr-default@2.2").unanswered_blockers}
    assert {"ds.rto-rpo-defined@log-store", "ds.restore-tested@log-store"} <= blockers
    blockers = {it.key for it in checklist.evaluate(r).unanswered_blockers}
    assert not any(k.endswith("@log-store") for k in blockers)
    assert {"ds.rto-rpo-defined@orders-db", "ds.restore-tested@orders-db"} <= blockers


def test_an_operators_console_is_not_asked_what_serving_users_asks():
    r = _review()
    console, api = _asked(r, "log-console"), _asked(r, "api")
    assert console == {"svc.resource-limits", "sec.endpoint-auth"}
    assert set(NOT_FOR_CONSOLES) <= api  # a service users call still is
    assert _asked(r, "log-console", "prr-default@2.2") - console == set(NOT_FOR_CONSOLES)
    assert "obs.golden-signals@log-console" not in {it.key for it in checklist.evaluate(r).unanswered_blockers}


def test_every_data_item_is_decided_for_a_telemetry_store():
    """The decision covers every datastore item: one added later has to say whether it asks a telemetry store."""
    t = checklist.load_template("prr-default")
    ds = [ti for ti in t.items if ti.id.startswith("ds.")]
    assert {ti.id for ti in ds if "telemetry" in ti.scope.not_tags} == set(NOT_FOR_TELEMETRY) - {"obs.component-signals"}
    assert {ti.id for ti in ds if "telemetry" not in ti.scope.not_tags} == set(FOR_TELEMETRY) - {"obs.telemetry-hub"}
    # the workload items that leave out a telemetry hub leave out a console too, but for the resource limits
    workload = {ti.id for ti in t.items if ti.scope.per == "component" and "telemetry" in ti.scope.not_tags
                and "service" in ti.scope.kinds}
    assert {ti for ti in workload if "admin-ui" in t.item(ti).scope.not_tags} == set(NOT_FOR_CONSOLES)
    assert workload - set(NOT_FOR_CONSOLES) == {"svc.resource-limits"}


def test_a_review_on_2_2_keeps_its_items_and_carries_to_2_3_and_back(tmp_path, capsys):
    f = tmp_path / "r.json"
    r = _review()
    checklist.use_template(r, "prr-default@2.2")
    checklist.set_answer(r, "ds.restore-tested@log-store", status="met", evidence="https://wiki/restore", by="Rev")
    checklist.set_answer(r, "ds.storage-headroom@log-store", status="partly", by="Rev")
    checklist.set_answer(r, "obs.golden-signals@log-console", status="not_met", by="Rev")
    save_review(r, f)
    before = load_review(f)
    res = checklist.evaluate(before)  # pinned to 2.2, which stays installed: judged with it, no warning
    assert res.template.version == "2.2" and res.warnings == []
    assert res.item("ds.restore-tested@log-store").status == "met"
    assert "obs.golden-signals@log-console" in {it.key for it in res.blocking_items}
    assert main(["gate", str(f), "--quiet"]) == 1  # judged (not exit 2: the version is installed)
    capsys.readouterr()
    assert main(["checklist-carry", str(f), "prr-default", "--by", "Rev"]) == 0
    out = capsys.readouterr().out
    assert "prr-default 2.2 -> prr-default 2.3" in out
    assert "ds.restore-tested@log-store" in out and "obs.golden-signals@log-console" in out  # not used, kept
    after = load_review(f)
    assert after.meta.checklist_version == "2.3" and after.answers == before.answers  # nothing dropped
    res = checklist.evaluate(after)
    orphans = {o.key: o.reason for o in res.orphans}
    assert set(orphans) == {"ds.restore-tested@log-store", "obs.golden-signals@log-console"}
    assert "not tagged telemetry" in orphans["ds.restore-tested@log-store"]
    assert "admin-ui" in orphans["obs.golden-signals@log-console"]
    assert res.item("ds.storage-headroom@log-store").status == "partly"  # still asked: still counts
    assert "obs.golden-signals@log-console" not in {it.key for it in res.blocking_items}
    # and back: the answers apply again
    assert main(["checklist-use", str(f), "prr-default@2.2"]) == 0
    res = checklist.evaluate(load_review(f))
    assert res.orphans == [] and res.item("ds.restore-tested@log-store").status == "met"


# -- the real imports -------------------------------------------------------------------------------------
def _import(tmp_path, capsys, path) -> Review:
    out = tmp_path / "imported.prr"
    assert main(["import", str(path), "-o", str(out), "--force", "--quiet"]) == 0, capsys.readouterr().err
    return load_review(out)


def _diff(r: Review) -> set[str]:
    new = {it.key for it in checklist.evaluate(r).items}
    old = {it.key for it in checklist.evaluate(r, "prr-default@2.2").items}
    assert new <= old  # 2.3 adds nothing
    return old - new


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
def test_the_otel_demo_opensearch_loses_the_recovery_items_and_nothing_else_changes(tmp_path, capsys):
    r = _import(tmp_path, capsys, REALDATA / "opentelemetry-demo")
    assert "telemetry" in r.components["opensearch"].tags and r.components["opensearch"].kind == "datastore"
    assert _diff(r) == {f"{i}@opensearch" for i in NOT_FOR_TELEMETRY if i not in
                        ("ds.replication-lag-alert", "ds.failover-tested")}  # one instance: 2.2 did not ask those
    assert _asked(r, "opensearch") == set(FOR_TELEMETRY)
    res = checklist.evaluate(r)
    assert not any(it.subject == "opensearch" for it in res.unanswered_blockers)
    assert len(checklist.evaluate(r, "prr-default@2.2").unanswered_blockers) - len(res.unanswered_blockers) == 2


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
def test_petclinic_admin_server_loses_the_serving_items_and_nothing_else_changes(tmp_path, capsys):
    r = _import(tmp_path, capsys, REALDATA / "spring-petclinic-repo")
    assert "admin-ui" in r.components["admin-server"].tags
    assert _diff(r) == {f"{i}@admin-server" for i in NOT_FOR_CONSOLES}
    assert {"svc.resource-limits", "sec.endpoint-auth"} <= _asked(r, "admin-server")
