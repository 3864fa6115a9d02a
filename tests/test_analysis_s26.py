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
