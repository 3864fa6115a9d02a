"""Round 32: what the report says of itself must be what the register does (an SRE's reading of a
hand-written review): the appendix said missing alerts raise likelihood (they raise impact) and that
SLOs with the same largest consumer are one risk (only when one fix resolves them); a reviewer's risk
whose mitigations are done read "large, about 0 working days"; section 2 counted hosts as "instance
(one replica or host)" while listing them among the failure domains; "a failure of eu, zone-a" read as
one domain."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from prr_app.analysis import analyze
from prr_app.model.entities import (Component, Dependency, FailureDomain, Mitigation, RedundancyGroup, Review,
                                    Risk)
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.pdf import render_pdf

TODAY = "2026-12-08"


def _review() -> Review:
    r = Review()
    r.meta.system_name, r.meta.tier = "Trap", 1
    r.add(FailureDomain(id="eu", kind="region"))
    r.add(FailureDomain(id="zone-a", kind="zone", parent="eu"))
    r.add(FailureDomain(id="h1", kind="host", parent="zone-a"))
    r.add(Component(id="web", kind="service", user_facing=True, slo=99.0, replicas=2, placement=["h1"]))
    r.components["web"].observability.alerts = False
    for db in ("db-1", "db-2"):
        r.add(Component(id=db, kind="datastore", replicas=1, placement=["zone-a"]))
    r.add(RedundancyGroup(id="dbgrp", members=["db-1", "db-2"], min_up=1))
    r.add(Dependency("web", "dbgrp", "hard", timeout_ms=100))
    r.add(Risk(id="psp", origin="manual", title="Single payment vendor", likelihood=3, impact=4))
    r.add(Mitigation(id="m1", title="Second provider", owner="Priya", due="2026-12-01", status="done",
                     effort="large", risks=["psp"]))
    return r


def test_a_reviewers_risk_whose_mitigations_are_done_counts_no_days():
    a = build_assessment(_review(), today=TODAY)
    r = a.risk("psp")
    assert r["status"] == "mitigated"
    assert a.effort_words(r) == "large: none counted, its mitigations are marked done"


def test_a_group_sharing_two_domains_says_any_one_of_them():
    a = analyze(_review(), today=TODAY)
    text = " ".join(f["detail"] for f in a.to_dict()["common_cause"] if "dbgrp" in f["detail"])
    assert "a failure of any one of " in text and "takes down enough members" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_pdf_says_its_scoring_rules_as_the_register_applies_them(tmp_path):
    review = _review()
    a = build_assessment(review, today=TODAY)
    (tmp_path / "r.pdf").write_bytes(render_pdf(review, assessment=a))
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "missing alerts raise it" not in text
    assert "no alerts or no metrics raises the impact of its own failure by one" in text
    assert "only when fixing that one element makes the SLO attainable" in text
    assert "instance (one replica or host)" not in text
    assert "failure domain (host, zone, region, cluster...)" in text


def test_a_ceiling_below_100_is_never_shown_as_100():
    """A plan's "checkout: 99.2414 % (NOT attainable) -> 100.0000 % (ok)" for 99.999975: as if nothing
    could take the journey down."""
    from prr_app.wording import ceiling_text

    assert ceiling_text(99.999975, 99.99) == "99.99998"
    assert ceiling_text(99.999975, None) == "99.99998"
    assert ceiling_text(100.0, 99.9) == "100.0000"
    assert ceiling_text(99.89996, 99.9) == "99.89996"  # the side of the SLO, as before
    assert ceiling_text(99.2414, None) == "99.2414"
