"""When no component is marked user-facing (a CSV or trace import), the analysis takes the graph's
entry points in their place: the verdict, the risks and their blocking reasons call them guessed entry
points, never "tier-1 user-facing" components that nobody said face users (a cron job, a consumer)."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Review


def review(marked: bool) -> Review:
    r = Review()
    r.meta.tier = None  # as an import leaves it: judged as tier 1
    for cid in ("cron", "web", "api", "db"):
        r.add(Component(id=cid, user_facing=marked and cid == "web"))
    for s, t in (("cron", "api"), ("web", "api"), ("api", "db")):
        r.add(Dependency(s, t))
    return r


def test_guessed_entry_points_are_called_so():
    a = analyze(review(marked=False))
    reasons = " ".join(a.verdict["reasons"])
    assert a.verdict["verdict"] == "not-ready"
    assert "an entry point (none is marked user-facing: the entry points, guessed from the graph" in reasons
    assert "tier-1 user-facing component" not in reasons
    assert "An entry point (guessed) or journey has no SLO" in reasons
    db = next(r for r in a.risks if r["id"] == "spof:component:db")
    assert "takes down entry points cron, web" in db["description"]
    assert "entry points cron, web (no component is marked user-facing" in db["blocking_reason"]
    assert "impact 5: entry point down, guessed as tier-1 user-facing (cron, web)" in db["inputs"]


def test_marked_user_facing_components_keep_their_words():
    a = analyze(review(marked=True))
    reasons = " ".join(a.verdict["reasons"])
    assert "a tier-1 user-facing component" in reasons and "entry point" not in reasons
    db = next(r for r in a.risks if r["id"] == "spof:component:db")
    assert "takes down user-facing web" in db["description"]
    assert "tier-1 user-facing web" in db["blocking_reason"]
