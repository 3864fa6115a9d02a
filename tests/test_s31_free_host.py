"""A second replica's advice names a sibling host only where it can go: one that runs nothing, or runs
the same kind of component. It read "add a second replica of web-application in host mysql" (the
database's machine) on Structurizr's AWS example."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, FailureDomain, Review


def _advice(extra_host: bool) -> str:
    r = Review()
    r.add(FailureDomain(id="zone-a", kind="zone"))
    r.add(FailureDomain(id="mysql", kind="host", parent="zone-a"))
    r.add(FailureDomain(id="web-1", kind="host", parent="zone-a"))
    if extra_host:
        r.add(FailureDomain(id="spare", kind="host", parent="zone-a"))
    r.add(Component(id="web", user_facing=True, placement=["web-1"]))
    r.add(Component(id="db", kind="datastore", placement=["mysql"]))
    r.add(Dependency("web", "db"))
    a = analyze(r, today="2026-06-01")
    (risk,) = [x for x in a.risks if x["id"] == "spof:component:web"]
    return risk["mitigation"]


def test_the_databases_host_is_not_offered_for_a_second_web_server():
    text = _advice(extra_host=False)
    assert "mysql" not in text.split(";")[0] and "second host (besides web-1)" in text


def test_an_empty_sibling_host_is_offered():
    assert "in host spare" in _advice(extra_host=True).split(";")[0]
