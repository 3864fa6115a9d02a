"""Components no user-facing component or journey reaches are named among the assumptions that decided
the verdict: their failures take nothing user-facing down, so their risks rank low, which is wrong
when the calls to them are missing (TeaStore: every call goes through its registry's client library,
and the import saw only the calls to the registry: its database ranked low)."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import ADMIN_UI, CLIENT, LOAD_GENERATOR, Component, Dependency, Journey, Review


def _unreached(review: Review) -> tuple[list[str], list[str]]:
    a = analyze(review, today="2026-06-01")
    found = [x for x in a.assumptions if x["id"] == "unreached-components"]
    return (list(found[0]["elements"]) if found else []), a.verdict["assumptions"]


def _teastore() -> Review:
    r = Review()
    r.add(Component(id="webui", user_facing=True))
    r.add(Component(id="registry", tags=["discovery"]))
    for s in ("auth", "persistence"):
        r.add(Component(id=s))
        r.add(Dependency(s, "registry"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("webui", "registry"))
    r.add(Dependency("persistence", "db"))
    return r


def test_services_only_the_registry_links_to_the_ui_are_named_and_the_verdict_says_why_it_matters():
    names, said = _unreached(_teastore())
    assert names == ["auth", "db", "persistence"]
    line = next(x for x in said if "no user-facing component or journey reaches" in x)
    assert "(auth, db, persistence)" in line and "risks rank low" in line and "calls are missing" in line


def test_once_the_calls_are_stated_nothing_is_named():
    r = _teastore()
    r.add(Dependency("webui", "auth"))
    r.add(Dependency("webui", "persistence"))
    names, said = _unreached(r)
    assert names == [] and not any("no user-facing component" in x for x in said)


def test_what_leads_users_in_workers_journeys_tools_and_clients_are_not_named():
    r = Review()
    r.add(Component(id="app", user_facing=True))
    r.add(Component(id="cdn", kind="cdn"))
    r.add(Component(id="dns", kind="dns"))
    r.add(Dependency("cdn", "app"))
    r.add(Dependency("cdn", "dns"))  # in front of the user-facing app, and what it calls
    r.add(Component(id="queue", kind="queue"))
    r.add(Component(id="worker"))
    r.add(Component(id="ledger", kind="datastore"))
    r.add(Dependency("app", "queue", kind="async"))
    r.add(Dependency("worker", "queue", kind="soft"))  # takes its work from the queue
    r.add(Dependency("worker", "ledger"))
    r.add(Component(id="checkout"))
    r.add(Journey(id="buy", entry=["checkout"]))
    r.add(Component(id="pay"))
    r.add(Dependency("checkout", "pay"))
    r.add(Component(id="locust", tags=[LOAD_GENERATOR]))
    r.add(Dependency("locust", "app"))
    r.add(Component(id="phone", tags=[CLIENT]))
    r.add(Dependency("phone", "pay"))
    r.add(Component(id="admin", tags=[ADMIN_UI]))  # an operators' console: no user's request passes it
    r.add(Dependency("admin", "ledger"))
    r.add(Component(id="other-caller"))  # calls the app as a client of it: not in front of it
    r.add(Dependency("other-caller", "app"))
    names, _said = _unreached(r)
    assert names == ["other-caller"]


def test_with_every_entry_point_guessed_none_is_named():
    r = _teastore()
    r.components["webui"].user_facing = False
    assert _unreached(r)[0] == []


def test_a_worker_that_states_its_queue_hard_or_async_is_reached_through_the_queue():
    """Round 32: a hand-written review states a worker's need for its queue as hard (or async), not as
    the soft poll imports record: the worker was called unreached and listed among what decided the
    verdict, with advice to add calls that do not exist. The queue users' requests reach hands it work."""
    from prr_app.analysis import analyze
    from prr_app.model.entities import Component, Dependency, Review

    for kind in ("hard", "async", "soft"):
        r = Review()
        r.add(Component(id="web", kind="service", user_facing=True))
        r.add(Component(id="orders-queue", kind="queue"))
        r.add(Component(id="worker", kind="service"))
        r.add(Component(id="db", kind="datastore"))
        r.add(Dependency("web", "orders-queue", "async"))
        r.add(Dependency("worker", "orders-queue", kind))
        r.add(Dependency("worker", "db", "hard"))
        ids = {a["id"] for a in analyze(r).assumptions}
        assert "unreached-components" not in ids, kind
    # a queue nothing users reach publishes to hands no user work: its consumer stays unreached
    r = Review()
    r.add(Component(id="web", kind="service", user_facing=True))
    r.add(Component(id="api", kind="service"))
    r.add(Dependency("web", "api", "hard"))
    r.add(Component(id="jobs", kind="queue"))
    r.add(Component(id="worker", kind="service"))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("worker", "jobs", "hard"))
    r.add(Dependency("worker", "db", "hard"))
    r.add(Dependency("worker", "api", "hard"))  # one part with web's: no entry guessed for it
    found = next(a for a in analyze(r).assumptions if a["id"] == "unreached-components")
    assert "worker" in str(found)
