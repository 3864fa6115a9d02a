"""A missing disruption budget on a component that runs one replica is advised as the second replica
first: at one replica no budget keeps it up through a node drain (the advice read "minAvailable below
the replica count", which a one-replica store cannot follow)."""
from __future__ import annotations

from prr_app.analysis.findings import evidence_gap_risk

GAP = {"id": "evidence:k8s.pdb:db", "extractor": "k8s.pdb", "component": "db", "item": "svc.disruption-budget@db",
       "status": "not_met", "reason": "no PodDisruptionBudget selects db: db.yaml:1",
       "evidence": ["no PodDisruptionBudget selects db: db.yaml:1"], "answered_by_reviewer": False,
       "critical_journeys": [], "spof": True}


def test_one_replica_is_advised_a_second_replica_first():
    for replicas in (None, 1):
        text = evidence_gap_risk(GAP, replicas)["mitigation"]
        assert text.startswith("Run a second replica first") and "minAvailable 1" in text


def test_several_replicas_are_advised_the_budget():
    text = evidence_gap_risk(GAP, 3)["mitigation"]
    assert text.startswith("Add a PodDisruptionBudget") and "second replica" not in text


def test_a_one_replica_datastore_is_advised_its_own_replication_not_a_second_pod():
    text = evidence_gap_risk(GAP, 1, "datastore")["mitigation"]
    assert text.startswith("Run a standby replicated by the store itself") and "cannot share its volume" in text
    assert "Run a second replica" not in text
