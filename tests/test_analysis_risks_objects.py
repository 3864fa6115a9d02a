"""The register's risks are ``Risk`` objects (docs/analysis.md): they read as the document's risks
do, the document made of them is plain data, and what risks share cannot be changed through one."""
from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from analysis_oracle import reviews
from prr_app.analysis import analyze
from prr_app.analysis.risks import RISK_KEYS, Risk, accepted_at_launch, has_due_date, open_at_launch
from prr_app.model.entities import Acceptance, Component, Dependency, Journey, Mitigation, Review
from prr_app.model.entities import Risk as Decision

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shop() -> Review:
    r = Review()
    r.meta.target_launch = "2030-01-01"
    r.add(Component(id="web", user_facing=True, replicas=2))
    r.add(Component(id="api"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("web", "api"))
    r.add(Dependency("api", "db"))
    r.add(Journey(id="buy", entry=["web"], slo=99.9))
    r.add(Decision(id="spof:component:db", origin="computed", owner="data-team",
                   acceptance=Acceptance(by="Lead", at="2026-01-01", reason="beta", until="2031-01-01")))
    r.add(Mitigation(id="m1", title="a standby", risks=["spof:component:api"], due="2026-06-01", owner="ops"))
    return r


@SETTINGS
@given(reviews(max_components=8))
def test_a_risk_reads_as_its_object_in_the_document(review):
    a = analyze(review, today="2026-06-01")
    doc = orjson.loads(a.to_json())
    assert [dict(r) for r in a.risks] == doc["risks"] == a.to_dict()["risks"]
    for r, d in zip(a.risks, doc["risks"]):
        assert type(r) is Risk and list(r) == list(d) == list(RISK_KEYS)
        assert all(r[k] == d[k] and r.get(k) == d[k] for k in d)
        # the launch rules read a Risk and the document's dict alike
        assert open_at_launch(r) == open_at_launch(d) and accepted_at_launch(r) == accepted_at_launch(d)
        assert has_due_date(r) == has_due_date(d)


def test_unknown_keys_are_missing_not_attributes():
    r = analyze(shop(), today="2026-06-01").risks[0]
    assert r.get("journey") is None and r.get("journey", "x") == "x" and "journey" not in r
    assert "id" in r and len(r) == len(RISK_KEYS)
    for name in ("get", "to_dict", "keys", "__class__"):  # methods are not keys
        assert name not in r
        with pytest.raises(KeyError):
            r[name]


def test_the_plain_document_is_its_own_copy():
    """Changing the plain document (as a report may) changes neither the register nor the risks
    that share an effort or inputs with the changed one."""
    a = analyze(shop(), today="2026-06-01")
    before = a.to_json()
    doc = a.to_dict()
    json.dumps(doc)  # plain data: the standard library writes it
    for d in doc["risks"]:
        d["components"].append("x")
        d["inputs"].append("x")
        if d["effort"]:
            d["effort"]["days"] = -1
        for m in d["mitigations"]:
            m["due"] = None
    assert a.to_json() == before
    # a risk's sequence read by key is a copy as well
    r = a.risks[0]
    r["components"].append("x")
    assert "x" not in r.components


def test_decisions_are_applied_to_risk_objects():
    a = analyze(shop(), today="2026-06-01")
    db = a.risk("spof:component:db")
    assert db.owner == "data-team" and db["owner_source"] == "reviewer"
    assert db.status == "accepted" and db["accepted"]["until"] == "2031-01-01" and accepted_at_launch(db)
    assert not open_at_launch(db) and not db.launch_blocking
    api = a.risk("spof:component:api")
    assert [m["id"] for m in api["mitigations"]] == ["m1"] and has_due_date(api)
    assert api.owner == "ops" and api.owner_source == "mitigation"
    assert a.risk("spof:instance:db") is db  # a folded finding's id finds its root
