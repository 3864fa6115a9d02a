"""Session 29: a review's life on the OpenTelemetry demo, as a lead reads its report. A reviewer's override
is the figure section 2 shows (one risk, one severity); the cover names the latest milestone taken; a fix
due after the target launch is flagged; the CSV carries the acceptance behind a status; the changes since
a milestone count only real reviewer decisions, not the bare record a linked mitigation creates."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.model.entities import Component, Dependency, FailureDomain, Review
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_csv, render_markdown
from prr_app.reporting.pdf import render_pdf
from prr_app.review import risk_decisions
from prr_app.review.edits import add_mitigation, apply_changes

TODAY = "2026-12-07"
LAUNCH = "2027-01-10"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def _text(pdf: bytes, tmp_path: Path, first: int | None = None, last: int | None = None) -> str:
    p = tmp_path / "r.pdf"
    p.write_bytes(pdf)
    args = ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return " ".join(subprocess.run(args + [str(p), "-"], capture_output=True, text=True, check=True).stdout.split())


def _between(text: str, start: str, end: str) -> str:
    """The part of a report between two headings (the last ``start``: the contents list them too)."""
    i = text.rindex(start)
    return text[i:text.index(end, i)]


def _review() -> Review:
    """A Compose-like shop on one host, as the demo is: each component and the host are single points of
    failure that block the launch; the target launch is set."""
    r = Review()
    r.meta.system_name = "one-host shop"
    r.meta.tier = 1
    r.meta.target_launch = LAUNCH
    r.domains["docker-host"] = FailureDomain(id="docker-host", name="Docker host", kind="host")
    for cid in ("front", "api", "email"):
        r.components[cid] = Component(id=cid, name=cid, kind="service", replicas=1, owner="team-a",
                                      user_facing=cid == "front", shared_domains=["docker-host"])
    r.dependencies["front->api"] = Dependency(source="front", target="api", kind="hard")
    r.dependencies["api->email"] = Dependency(source="api", target="email", kind="hard")
    return r


def _apply(review, changes):
    apply_changes(review, [c for c in changes if hasattr(c, "coll")])


# -- 1: the reviewer's override is what section 2 shows ------------------------------------------------
@pytest.fixture(scope="module")
def overridden():
    review = _review()
    _apply(review, risk_decisions.override(review, "spof:component:email", 2, 2, "checkout goes on without it",
                                           by="ana"))
    return review


def test_the_spof_row_shows_the_reviewers_override_and_what_was_computed(overridden):
    a = build_assessment(overridden, today=TODAY)
    risk = a.risk("spof:component:email")
    assert (risk["likelihood"], risk["impact"], risk["severity"]) == (2, 2, "low")
    row = next(x for x in a.spof_rows() if x["risk_id"] == "spof:component:email")
    # the register's figures, not the analysis' own (they contradicted the register in one document)
    assert (row["severity"], row["likelihood"], row["impact"], row["score"]) == ("low", 2, 2, 4)
    computed = next(s for s in a.analysis["spofs"] if s["risk_id"] == "spof:component:email" and s.get("score"))
    assert computed["score"] > 4  # the analysis JSON keeps its own figures, by design (docs/analysis.md)
    assert row["override"] == (f"overridden by ana: was {computed['severity']} {computed['likelihood']}×"
                               f"{computed['impact']}={computed['score']}")
    # a SPOF nobody overrode reads as before
    other = next(x for x in a.spof_rows() if x["risk_id"] == "spof:component:api")
    assert other["override"] == "" and other["score"] == a.risk("spof:component:api")["score"]


def test_the_markdown_spof_table_and_register_say_who_overrode(overridden):
    a = build_assessment(overridden, today=TODAY)
    md = render_markdown(overridden, assessment=a)
    section2 = _between(md, "## 2. Single points of failure", "## 3.")
    line = next(x for x in section2.splitlines() if x.startswith("| email"))
    assert "| low | 2×2=4 (overridden by ana: was critical " in line
    assert "critical" not in line.split("| low |")[0]
    assert "- **Override:** overridden by ana: was critical" in md and "(checkout goes on without it)" in md


@needs_pdftotext
def test_the_pdf_spof_table_shows_the_override(overridden, tmp_path):
    a = build_assessment(overridden, today=TODAY)
    text = _text(render_pdf(overridden, assessment=a), tmp_path)
    section2 = _between(text, "2 Single points of failure", "3 Failure domain analysis")
    assert "L2 × I2 = 4 (overridden by ana: was critical" in section2
    register = text[text.rindex("6.1 Risk register"):]
    assert "overridden by ana: was critical" in register


def test_an_override_with_no_name_in_its_trail_says_the_reviewer():
    review = _review()
    _apply(review, risk_decisions.override(review, "spof:component:email", 1, 3, "rarely used"))
    a = build_assessment(review, today=TODAY)
    row = next(x for x in a.spof_rows() if x["risk_id"] == "spof:component:email")
    assert row["override"].startswith("overridden by the reviewer: was critical") and row["score"] == 3


# -- 2: the milestone on the cover and in the key facts ----------------------------------------------------
def _take(review, name="design review", date="2026-05-01"):
    from prr_app.review.milestones import take

    return take(review, name, date=date, by="Ana")


@needs_pdftotext
def test_the_cover_names_the_latest_milestone_taken(tmp_path):
    review = _review()
    _take(review, "design review", "2026-05-01")
    a = build_assessment(review, today=TODAY)
    # the key facts say what the cover says (session 30: wording.latest_milestone_text, one sentence)
    want = ("the latest milestone taken: design review (2026-05-01); this report is the review as it is on "
            f"{TODAY}, not as it was at that milestone")
    assert a.milestone_text() == want
    assert f"- **Milestone:** {want}" in render_markdown(review, assessment=a)
    cover = _text(render_pdf(review, assessment=a), tmp_path, 1, 1)
    # the cover says the report is the review as it is, not that milestone's state (session 30)
    assert ("Latest milestone design review (2026-05-01); this report is the review as it is on "
            f"{TODAY}, not as it was at that milestone") in cover and "Milestone not stated" not in cover


def test_the_milestone_field_and_the_latest_taken_are_both_said():
    review = _review()
    assert build_assessment(review, today=TODAY).milestone_text() == "not stated"
    review.meta.milestone = "Launch"
    assert build_assessment(review, today=TODAY).milestone_text() == "Launch"
    _take(review, "design review", "2026-05-01")
    _take(review, "pre-launch", "2026-12-01")
    a = build_assessment(review, today=TODAY)
    want = ("Launch; the latest milestone taken: pre-launch (2026-12-01); this report is the review as it is on "
            f"{TODAY}, not as it was at that milestone")
    assert a.milestone_text() == want
    assert f"- **Milestone:** {want}" in render_markdown(review, assessment=a)


# -- 3: a fix due after the target launch, and acceptances in the CSV -------------------------------------
@pytest.fixture(scope="module")
def late():
    review = _review()
    _mid, changes = add_mitigation(review, "spof:domain:docker-host", "Move to k8s across 3 zones", owner="Carl",
                                   due="2027-01-15", status="in_progress", effort="large")
    _apply(review, changes)
    _mid, changes = add_mitigation(review, "spof:component:api", "Second replica of api", owner="Carl",
                                   due="2027-01-05")
    _apply(review, changes)
    return review


def test_a_fix_due_after_the_target_launch_is_flagged_in_the_markdown(late):
    a = build_assessment(late, today=TODAY)
    md = render_markdown(late, assessment=a)
    assert "due 2027-01-15 (after the target launch on 2027-01-10)" in md
    assert "due 2027-01-05," in md and "2027-01-05 (after" not in md  # before the launch: not flagged
    summary = _between(md, "## Executive summary", "### Work per team")
    assert "| 2027-01-15 (after launch) |" in summary
    assert ("Due after the target launch on 2027-01-10: the fix of 1 launch blocker (docker-host is a single "
            "point of failure, due 2027-01-15). Each stays open at launch unless it lands earlier.") in summary


@needs_pdftotext
def test_a_fix_due_after_the_target_launch_is_flagged_in_the_pdf(late, tmp_path):
    a = build_assessment(late, today=TODAY)
    text = _text(render_pdf(late, assessment=a), tmp_path)
    summary = _between(text, "Executive summary Verdict", "Key figures")
    assert "Due after the target launch on 2027-01-10: the fix of 1 launch blocker (docker-host" in summary
    assert "2027-01-15 (after launch)" in summary
    register = text[text.rindex("6.1 Risk register"):]
    assert "due 2027-01-15 (after the target launch on 2027-01-10)" in register


def test_the_csv_says_which_due_date_is_after_the_launch(late):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render_csv(late, assessment=build_assessment(
        late, today=TODAY))))}
    assert rows["spof:domain:docker-host"]["due date"] == "2027-01-15"  # a date, for the trackers
    assert rows["spof:domain:docker-host"]["due after target launch"] == "yes"
    assert rows["spof:component:api"]["due after target launch"] == "no"
    assert rows["spof:component:front"]["due after target launch"] == ""  # no due date


def test_no_flag_without_a_target_launch(late):
    review = _review()
    review.meta.target_launch = None
    _mid, changes = add_mitigation(review, "spof:domain:docker-host", "Move", due="2027-01-15")
    _apply(review, changes)
    a = build_assessment(review, today=TODAY)
    assert a.late_fixes_text() == "" and "(after" not in render_markdown(review, assessment=a)


def test_the_csv_carries_the_acceptance_behind_a_status():
    review = _review()
    for rid, until in (("spof:component:front", "2026-12-20"), ("spof:component:api", "2027-03-31")):
        _apply(review, risk_decisions.accept(review, rid, "Bea Lead", "demo only", until, today=TODAY))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render_csv(review, assessment=build_assessment(
        review, today=TODAY))))}
    early, held = rows["spof:component:front"], rows["spof:component:api"]
    # ends before the launch: open at launch, as the verdict judges, with the acceptance said beside it
    assert (early["status"], early["launch blocking"]) == ("open", "yes")
    assert (early["accepted by"], early["accepted until"], early["acceptance reason"]) == \
        ("Bea Lead", "2026-12-20", "demo only")
    assert early["acceptance at launch"] == "ends before the target launch" and early["accepted on"]
    assert (held["status"], held["acceptance at launch"], held["accepted until"]) == ("accepted", "holds", "2027-03-31")
    assert rows["spof:component:email"]["acceptance at launch"] == "" and rows["spof:component:email"]["accepted by"] == ""


# -- 4: the changes since a milestone count only real reviewer decisions ------------------------------------
def test_a_mitigations_bare_record_is_not_a_reviewers_decision(tmp_path):
    from prr_app.review.diff import report_sections

    review = _review()
    _take(review, "design review", "2026-05-01")
    _mid, changes = add_mitigation(review, "spof:component:front", "Second replica", owner="Carl", due="2026-12-20")
    _apply(review, changes)
    assert review.risks["spof:component:front"].origin == "computed"  # the record linking creates
    _apply(review, risk_decisions.override(review, "spof:component:email", 2, 2, "non-fatal", by="ana"))
    ch = report_sections(review, today=TODAY)["changes"]
    assert sorted(ch["model"]["risks"]["added"]) == ["spof:component:email", "spof:component:front"]
    a = build_assessment(review, today=TODAY)
    md = render_markdown(review, assessment=a, changes=ch)
    assert "| Reviewer's risks and decisions | 1 added, 0 removed, 0 changed |" in md
    assert "| Reviewer's risk or decision | added | spof:component:front |" not in md
    assert "| Reviewer's risk or decision | added | spof:component:email |" in md
    assert "| Mitigations | 1 added, 0 removed, 0 changed |" in md
    if shutil.which("pdftotext"):
        text = _text(render_pdf(review, assessment=a, changes=ch), tmp_path)
        assert "Reviewer's risks and decisions 1 added, 0 removed, 0 changed" in text


def test_only_a_bare_linking_record_is_left_out():
    from prr_app.reporting.changes import bare_record

    assert bare_record({"origin": "computed", "status": "open"})
    assert not bare_record({"origin": "computed", "status": "open", "owner": "Carl"})
    assert not bare_record({"origin": "computed", "status": "accepted", "acceptance": {"by": "x"}})
    assert not bare_record({"origin": "computed", "status": "open", "launch_blocking": False})
    assert not bare_record({"origin": "computed", "status": "closed"})
    assert not bare_record({"origin": "manual", "status": "open", "title": "Kafka has one broker"})
    assert not bare_record({"origin": "manual", "status": "open"})
