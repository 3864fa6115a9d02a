"""Session 30: the words of the launch decision on real systems: user-facing components marked in part of
the review only, calls an import took as hard though their evidence shows a fallback, failure domains of
kind other, vendor services nothing calls, components with no dependency at all."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, FailureDomain, Review, ReviewMeta
from prr_app.wording import domain_failure, domain_kind_noun, domain_name, with_article


def _mixed() -> Review:
    """Two systems side by side: one marks its user-facing component (ui), the other marks none (its
    entry point, router, is guessed), as the Structurizr AWS example and Backstage's catalog do."""
    r = Review(meta=ReviewMeta(tier=None))  # as imports leave it: judged as tier 1
    r.add(Component(id="ui", user_facing=True))
    r.add(Component(id="api"))
    r.add(Dependency("ui", "api"))
    r.add(Component(id="router"))
    r.add(Component(id="balancer"))
    r.add(Dependency("router", "balancer"))
    return r


def test_a_verdict_does_not_say_none_is_marked_user_facing_when_some_are():
    a = analyze(_mixed(), today="2026-12-07")
    ep = [x for x in a.assumptions if x["id"] == "entry-points-default"]
    assert len(ep) == 1 and list(ep[0]["elements"]) == ["router"] and ep[0]["scope"] == "parts"
    spof = next(c for c in a.verdict["causes"] if "resilience policy requires surviving take" in c)
    assert "none is marked user-facing" not in spof
    assert ("take down a critical journey, a tier-1 user-facing component or an entry point guessed where no "
            "component is marked user-facing") in spof
    slo = next(c for c in a.verdict["causes"] if "has no SLO" in c)
    assert slo.startswith("A tier-1 user-facing component, an entry point (guessed where no component is marked "
                          "user-facing) or a journey has no SLO: ")
    # each blocker says what it takes down
    assert "takes down tier-1 user-facing ui" in a.risk("spof:component:api")["blocking_reason"]
    assert "entry point router (guessed where" in a.risk("spof:component:balancer")["blocking_reason"]


def test_a_verdict_whose_blockers_hit_only_marked_components_calls_them_user_facing():
    r = _mixed()
    r.components["router"].tier = r.components["balancer"].tier = 3  # the guessed part blocks nothing
    a = analyze(r, today="2026-12-07")
    spof = next(c for c in a.verdict["causes"] if "resilience policy requires surviving take" in c)
    assert "take down a critical journey or a tier-1 user-facing component, " in spof
    assert "entry point" not in spof
    slo = next(c for c in a.verdict["causes"] if "has no SLO" in c)
    assert slo.startswith("A tier-1 user-facing component or journey has no SLO: ui")


def test_a_verdict_with_no_component_marked_still_says_so():
    r = _mixed()
    r.components["ui"].user_facing = False
    a = analyze(r, today="2026-12-07")
    assert "scope" not in next(x for x in a.assumptions if x["id"] == "entry-points-default")
    spof = next(c for c in a.verdict["causes"] if "resilience policy requires surviving take" in c)
    assert "an entry point (none is marked user-facing: the entry points, guessed from the graph" in spof
    assert next(c for c in a.verdict["causes"] if "has no SLO" in c).startswith("An entry point (guessed) or journey")


def _gateway() -> Review:
    r = Review()
    r.add(Component(id="gateway", user_facing=True))
    for c in ("visits", "vets", "owners"):
        r.add(Component(id=c))
    # as Spring PetClinic's import records them: a breaker's run(call, fallback), a breaker flag, neither
    r.add(Dependency("gateway", "visits", evidence=[
        "ApiGatewayController.java:61: a circuit breaker's run(...) wraps gateway's call through visits, with the "
        "fallback throwable -> emptyVisitsForPets() (what it answers is in the code)"]))
    r.add(Dependency("gateway", "vets", circuit_breaker=True, evidence=["application.yml:28: uri: lb://vets"]))
    r.add(Dependency("gateway", "owners", evidence=["application.yml:30: uri: lb://owners"]))
    return r


def test_calls_taken_as_hard_whose_evidence_shows_a_fallback_or_breaker_are_singled_out():
    a = analyze(_gateway(), today="2026-12-07")
    hit = next(x for x in a.assumptions if x["id"] == "hard-inferred")
    assert list(hit["elements"]) == ["gateway->owners", "gateway->vets", "gateway->visits"]
    assert list(hit["shielded"]) == ["gateway->vets", "gateway->visits"] and hit["shielded_count"] == 2
    assert "confirm first the 2 whose evidence records a fallback or a circuit breaker" in hit["text"]
    said = next(s for s in a.verdict["assumptions"] if "an import found" in s)
    assert said.endswith("Confirm first the 2 calls whose evidence records a fallback or a circuit breaker (not "
                         "taken as the call's fallback by the import): gateway->vets, gateway->visits.")
    # the kinds stay the import's: the reviewer decides
    assert a.risk("spof:component:visits") is not None


def test_calls_with_no_fallback_in_their_evidence_are_not_singled_out():
    r = _gateway()
    r.dependencies["gateway->visits"].evidence = ["application.yml:29: uri: lb://visits"]
    r.dependencies["gateway->vets"].circuit_breaker = None
    a = analyze(r, today="2026-12-07")
    hit = next(x for x in a.assumptions if x["id"] == "hard-inferred")
    assert "shielded" not in hit and "confirm first" not in hit["text"]
    assert not [s for s in a.verdict["assumptions"] if "Confirm first" in s]


def test_a_domain_of_kind_other_is_a_failure_domain_and_articles_are_right():
    assert domain_name("other", "amazon-rds") == "failure domain amazon-rds"
    assert domain_kind_noun("other") == "failure domain" and domain_kind_noun("zone") == "zone"
    assert domain_failure("other") == "a failure of a failure domain"
    assert domain_failure("other", one=True) == "the failure of one failure domain"
    assert domain_failure("account") == "an account failure" and domain_failure("zone", one=True) == "one zone failure"
    assert with_article("instance failure") == "an instance failure"
    r = Review(meta=ReviewMeta(tier=1))
    r.add(FailureDomain(id="amazon-rds", kind="other"))
    r.add(Component(id="web", user_facing=True, replicas=2))
    r.add(Component(id="schema", kind="datastore", replicas=2, shared_domains=["amazon-rds"]))
    r.add(Dependency("web", "schema"))
    a = analyze(r, today="2026-12-07")
    risk = a.risk("spof:domain:amazon-rds")
    words = " ".join([risk["title"], risk["description"], risk["mitigation"], risk["blocking_reason"]]
                     + list(risk["inputs"][:1]))
    assert risk["title"] == "failure domain amazon-rds is a single point of failure"
    for bad in ("other amazon-rds", "second other", "independent other", "a other", "one other"):
        assert bad not in words, bad
    assert "run schema on a second failure domain as well" in risk["mitigation"]
    assert risk["blocking_reason"].startswith("a failure of a failure domain the resilience policy requires")


def test_an_account_failure_takes_an():
    r = Review(meta=ReviewMeta(tier=1))
    r.add(FailureDomain(id="prod", kind="account"))
    r.add(Component(id="web", user_facing=True, replicas=2, shared_domains=["prod"]))
    a = analyze(r, today="2026-12-07")
    assert a.risk("spof:domain:prod")["blocking_reason"].startswith("an account failure the resilience policy")


def test_a_vendor_service_nothing_calls_is_not_told_to_give_its_callers_a_fallback():
    r = Review()
    r.add(Component(id="dns-router", kind="external_api"))
    r.add(Component(id="balancer"))
    r.add(Dependency("dns-router", "balancer"))
    a = analyze(r, today="2026-12-07")
    mit = a.risk("spof:component:dns-router")["mitigation"]
    assert "callers" not in mit and "nothing in the review calls it" in mit and "second vendor" in mit
    # called: its caller gets the fallback, as before
    r.add(Component(id="web", user_facing=True))
    r.add(Dependency("web", "dns-router"))
    a = analyze(r, today="2026-12-07")
    assert "give web a fallback for dns-router" in a.risk("spof:component:dns-router")["mitigation"]


def test_components_with_no_dependency_at_all_are_named():
    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Component(id="db"))
    r.add(Dependency("web", "api"))
    r.add(Dependency("api", "db"))  # 2 for 5 components: not too few (fewer than one for every three)
    r.add(Component(id="lonely"))
    r.add(Component(id="also-lonely"))
    a = analyze(r, today="2026-12-07")
    iso = [x for x in a.assumptions if x["id"] == "isolated-components"]
    assert len(iso) == 1 and list(iso[0]["elements"]) == ["also-lonely", "lonely"] and iso[0]["count"] == 2
    said = [s for s in a.verdict["assumptions"] if "no dependency at all" in s]
    assert len(said) == 1 and said[0].startswith("2 components have no dependency at all") and "lonely" in said[0]


def test_no_isolated_assumption_where_every_component_has_a_dependency_or_few_dependencies_names_them():
    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Dependency("web", "api"))
    a = analyze(r, today="2026-12-07")
    assert not [x for x in a.assumptions if x["id"] == "isolated-components"]
    r = Review()
    for c in ("a", "b", "c"):
        r.add(Component(id=c))
    a = analyze(r, today="2026-12-07")
    few = next(x for x in a.assumptions if x["id"] == "few-dependencies")
    assert list(few["elements"]) == ["a", "b", "c"] and few["count"] == 3
    assert not [x for x in a.assumptions if x["id"] == "isolated-components"]
