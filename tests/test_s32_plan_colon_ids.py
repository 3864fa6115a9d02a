"""Round 32: a risk about an element whose id holds ':' (every Backstage import's ids do:
``component:wayback-search``) got no suggested change: the plan split the risk id at its last ':' and
read ``spof:component:component`` as the kind, so ``prr plan --suggested`` left the blocker "unchanged"
with no reason while ``prr analyze`` gave it a mitigation."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.review import plans as P
from prr_app.review.assess import assess
from prr_app.review.edits import risk_kind
from prr_app.importers import registry
from prr_app.model.entities import Component, Dependency, Review

BACKSTAGE = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "backstage-examples"


def _review(api: str) -> Review:
    r = Review()
    r.meta.system_name, r.meta.tier = "Tiny", 1
    r.add(Component(id="web", kind="service", user_facing=True, slo=99.0, replicas=2, availability=99.99))
    r.add(Component(id=api, kind="service", replicas=2, availability=99.99))
    r.add(Dependency("web", api, "hard", timeout_ms=100, circuit_breaker=True))
    return r


def test_risk_kind_keeps_a_colon_in_the_subject():
    assert risk_kind("spof:component:svc:api") == ("spof:component", "svc:api")
    assert risk_kind("spof:domain:zone-a") == ("spof:domain", "zone-a")
    assert risk_kind("checklist:obs.golden-signals") == ("checklist", "obs.golden-signals")


@pytest.mark.parametrize("api", ["api", "svc:api"])
def test_a_component_with_a_colon_in_its_id_gets_the_same_suggestion(api):
    review = _review(api)
    changes = P.suggested_plan(review, assess(review).to_dict()).changes
    fallback = [c for c in changes if c.op == "add-fallback"]
    assert [c.args["dependency"] for c in fallback] == [f"web->{api}"]
    assert fallback[0].reason == f"spof:component:{api}"


@pytest.mark.skipif(not BACKSTAGE.is_dir(), reason="needs ../shared/realdata")
def test_backstage_import_spofs_get_suggestions(tmp_path):
    review = registry.import_paths([BACKSTAGE], "auto").review
    before = assess(review).to_dict()
    spof_blockers = {r["id"] for r in before["risks"] if r["id"].startswith("spof:component:") and r["launch_blocking"]}
    assert spof_blockers and all(":" in r[len("spof:component:"):] for r in spof_blockers)
    reasons = {part for c in P.suggested_plan(review, before).changes for part in (c.reason or "").split("; ")}
    assert spof_blockers <= reasons
