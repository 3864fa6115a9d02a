"""Round 32: a load generator is a test tool: its calls without a timeout tie up no worker of the system,
and what is assumed of its instances, figures and calls decides nothing (emojivoto's vote-bot led the
timeout finding's mitigation and three lists of the assumptions that decided the verdict)."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import LOAD_GENERATOR, Component, Dependency, Review


def _review() -> Review:
    r = Review()
    r.add(Component(id="web", kind="service", user_facing=True))
    r.add(Component(id="voting", kind="service"))
    r.add(Component(id="vote-bot", kind="service", tags=[LOAD_GENERATOR]))
    r.add(Dependency("vote-bot", "web", "hard", evidence=["emojivoto.yml:180: WEB_HOST=web:80"]))
    r.add(Dependency("web", "voting", "hard", evidence=["emojivoto.yml:60: VOTINGSVC_HOST=voting-svc:8080"]))
    return r


def test_a_load_generators_calls_are_no_timeout_finding_nor_a_deciding_assumption():
    a = analyze(_review()).to_dict()
    no_timeout = [f for f in a["cascading"] if f["type"] == "no-timeout-or-breaker"]
    assert [f["components"] for f in no_timeout] == [["web"]]
    by_id = {x["id"]: x for x in a["assumptions"]}
    for aid in ("hard-inferred", "timeout-unstated"):
        assert by_id[aid]["elements"] == ["web->voting"], aid
    for aid in ("replicas-default", "placement-default", "availability-default"):
        assert "vote-bot" not in by_id[aid]["elements"], aid
