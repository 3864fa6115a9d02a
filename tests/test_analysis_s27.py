"""Session 27: a part of the review where nothing is marked user-facing is judged by its own entry
points (two systems imported side by side, one marking its users, the other not)."""
from __future__ import annotations

import pytest

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Review

from conftest import REALDATA


def _two_systems() -> Review:
    r = Review()
    # system A marks its user-facing web app
    r.add(Component(id="web", user_facing=True, slo=99.9))
    r.add(Component(id="web-db"))
    r.add(Dependency(source="web", target="web-db", kind="hard"))
    # system B, imported beside it: nothing marked, nothing calls it from A
    r.add(Component(id="lookup"))
    r.add(Component(id="lookup-db"))
    r.add(Dependency(source="lookup", target="lookup-db", kind="hard"))
    # a component with no dependency at all: not an entry where something is marked
    r.add(Component(id="orphan"))
    return r


def test_the_unmarked_system_is_judged_by_its_entry_points():
    a = analyze(_two_systems(), checklist=None)
    spofs = {e["element"] for e in a.spofs if e["element_type"] == "component"}
    assert {"web", "web-db", "lookup", "lookup-db"} <= spofs
    assert "orphan" not in spofs
    ids = {r["id"] for r in a.risks}
    assert "spof:component:lookup-db" in ids
    # said as an assumption, naming the guessed entry points
    (assumption,) = [x for x in a.assumptions if x["id"] == "entry-points-default"]
    assert list(assumption["elements"]) == ["lookup"] and "no component is marked user-facing" in assumption["text"]
    # worded as an entry point, never called user-facing; the marked system keeps its words
    lookup_db = a.risk("spof:component:lookup-db")
    assert "entry point lookup" in lookup_db["description"]
    web_db = a.risk("spof:component:web-db")
    assert "user-facing web" in web_db["description"]


def test_a_review_whose_one_system_marks_nothing_keeps_todays_rule():
    """Nothing marked anywhere: every part's entry points, as before (the orphan too, only if nothing
    else is left)."""
    r = _two_systems()
    r.components["web"].user_facing = False
    a = analyze(r, checklist=None)
    (assumption,) = [x for x in a.assumptions if x["id"] == "entry-points-default"]
    assert list(assumption["elements"]) == ["lookup", "web"]


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
def test_structurizr_examples_imported_together_keep_the_aws_systems_spofs(tmp_path):
    """The Structurizr examples folder holds the AWS example (no person: nothing user-facing) and
    the microservices example (a person marks its users): imported together, the AWS system's
    single points of failure were all gone."""
    from prr_app.cli.main import main

    out = tmp_path / "both.prr"
    assert main(["import", str(REALDATA / "structurizr-examples"), "-o", str(out)]) == 0
    from prr_app.review.document import load_review

    a = analyze(load_review(out), checklist=None)
    ids = {r["id"] for r in a.risks}
    assert {"spof:component:web-application", "spof:component:database-schema",
            "spof:component:load-balancer"} <= ids


def _hub_review(tag: str, replicas: int = 1) -> Review:
    r = Review()
    r.add(Component(id="gateway", user_facing=True))
    r.add(Component(id="svc"))
    r.add(Component(id="registry", tags=[tag], replicas=replicas))
    r.add(Dependency(source="gateway", target="svc", kind="hard"))
    # calls an import inferred (they carry its evidence): softened on a hub
    r.add(Dependency(source="gateway", target="registry", kind="hard", evidence=["compose.yml:3"]))
    r.add(Dependency(source="svc", target="registry", kind="hard", evidence=["compose.yml:9"]))
    return r


def test_a_softened_discovery_hub_that_degrades_users_gets_a_risk_of_its_own():
    """A service registry every service calls, softened as shared plumbing, had no finding at all."""
    a = analyze(_hub_review("discovery"), checklist=None)
    risk = a.risk("hub:start-up:registry")
    assert risk is not None and risk["impact"] == 3 and not risk["launch_blocking"]
    assert "gateway" in risk["title"] and "svc" in risk["title"] and "may not start" in risk["title"]
    assert "degrades user-facing gateway" in risk["description"]
    assert "spof:component:registry" not in {r["id"] for r in a.risks}


def test_no_start_up_risk_for_a_telemetry_hub_or_a_call_stated_by_hand():
    """Telemetry costs observability, not start-up; a hub called hard by hand is a SPOF, judged as such."""
    a = analyze(_hub_review("telemetry"), checklist=None)
    assert not [r for r in a.risks if r["id"].startswith("hub:")]
    by_hand = _hub_review("config")
    for d in by_hand.dependencies.values():
        d.evidence = []
    ids = {r["id"] for r in analyze(by_hand, checklist=None).risks}
    assert "spof:component:registry" in ids and "hub:start-up:registry" not in ids
