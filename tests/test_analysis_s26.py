"""Session 26: the analysis' own texts agree with the figures shown beside them."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.model.entities import Component, Dependency, Journey, Review


def _two_consumers() -> Review:
    """A journey through web (99.8 %) and db (99.89999 %) with an SLO of 99.9 %: even with web never
    failing, the ceiling is db's 99.89999 %, which rounds to 99.9000 at 4 decimals."""
    r = Review()
    r.add(Component(id="web", user_facing=True, availability=99.8, replicas=2))
    r.add(Component(id="db", availability=99.89999, replicas=2))
    r.add(Dependency("web", "db"))
    r.add(Journey(id="buy", entry=["web"], slo=99.9, critical=True))
    return r


def test_an_slo_risk_shows_the_digits_that_keep_a_ceiling_below_its_slo():
    """No single fix reaches the SLO here: the risk says what the ceiling would be with its largest
    consumer never failing, with the digits that show it is still below (was "99.9000 %, below 99.9 %")."""
    a = analyze(_two_consumers(), checklist=None)
    risk = a.risk("slo:journey:buy")
    assert risk["id"] == "slo:journey:buy"
    assert "never failing the ceiling is 99.89999 %, below 99.9 %" in risk["mitigation"]
    assert "99.9000" not in risk["mitigation"] + risk["description"] + " ".join(risk["inputs"])
    # the SLO it says to lower to is one that is then met: 4 decimals rounded down
    assert "to at most 99.7001 %" in risk["mitigation"], risk["mitigation"]


def test_an_upper_bound_is_rounded_down_and_an_exact_one_kept():
    from prr_app.analysis.risks import _at_most

    assert _at_most(99.89996) == "99.8999"
    assert _at_most(99.95) == "99.9500"
    assert _at_most(99.0) == "99.0000"


def _just_below() -> Review:
    """A journey whose ceiling, 99.9 % x 99.99996 % = 99.89996 %, rounds to 99.9000 at 4 decimals."""
    r = Review()
    r.meta.system_name = "Edge"
    r.add(Component(id="web", user_facing=True, availability=99.9, replicas=2))
    r.add(Component(id="db", availability=99.99996, replicas=2))
    r.add(Dependency("web", "db"))
    r.add(Journey(id="buy", entry=["web"], slo=99.9, critical=True))
    return r


def test_the_report_and_the_diff_show_a_ceiling_with_the_digits_that_decide_it():
    """The Markdown's tables, the gate's availability message and the diff's lines printed 99.9000 %
    beside "no" / "not attainable" for a ceiling of 99.89996 % against an SLO of 99.9 %."""
    from prr_app.reporting.markdown import render_markdown
    from prr_app.review.assess import assess
    from prr_app.review.diff import diff, diff_lines

    r = _just_below()
    md = render_markdown(r)
    assert "| buy | web | 99.9 % | 99.89996 % | **no** |" in md  # critical paths
    assert "| buy | journey | 99.9 % | 99.89996 % | exact |" in md  # availability against SLO
    assert "| web | component | none | 99.9000 % |" in md  # no SLO to be on a side of: 4 decimals
    before = _just_below()
    before.components["db"].availability = 99.999
    d = diff(before, r, assess(before).to_dict(), assess(r).to_dict())
    lines = "\n".join(diff_lines(d))
    assert "~ journey buy: 99.8990 % -> 99.89996 %, SLO 99.9 %: NOT attainable" in lines, lines
    assert "~ db: availability 99.999 -> 99.99996" in lines  # a stated figure as stated, not "100"
    risk = assess(r).risk("spof:component:db")
    assert "db availability 99.99996 %" in " ".join(risk["inputs"])


def test_a_decision_under_a_folded_id_that_the_root_decision_supersedes_is_named_stale():
    """A component's instance SPOF folds into its component SPOF: an override recorded under the old id
    spof:instance:db stopped counting, without a word, once the component's risk got a decision."""
    from prr_app.model.entities import Risk

    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2))
    r.add(Component(id="db"))
    r.add(Dependency("web", "db"))
    r.add(Risk(id="spof:instance:db", origin="computed", override_likelihood=1, override_reason="old decision"))
    a = analyze(r, checklist=None)
    assert a.risk("spof:component:db")["likelihood"] == 1  # alone, the alias's decision applies
    assert not a.stale_decisions
    r.add(Risk(id="spof:component:db", origin="computed", owner="db-team"))
    a = analyze(r, checklist=None)
    assert a.risk("spof:component:db")["likelihood"] != 1 and a.risk("spof:component:db")["owner"] == "db-team"
    stale = {d["id"]: d["reason"] for d in a.stale_decisions}
    assert stale["spof:instance:db"].startswith("superseded: this finding is part of spof:component:db")
