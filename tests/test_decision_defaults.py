"""Issue 17, items 5, 7 and 10, as an independent check found them: every computed risk gets the owner of
the component its fix changes and an effort; the cover counts what it says; an acceptance ending before
the launch is not counted as accepted; an unestimated effort is never summed as 0 days; the gate does
not pass a review whose verdict is not ready."""
from __future__ import annotations

from decision_reviews import evidence_review, rules_review, v3_review
from prr_app.analysis import analyze
from prr_app.analysis.risks import EFFORT, team_plan
from prr_app.cli.main import main
from prr_app.interchange.json_io import write_json
from prr_app.model.entities import Acceptance, Component, Dependency, Mitigation, Review, Risk
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_csv, render_markdown


def test_evidence_risks_get_the_owner_and_effort_of_the_component_they_change():
    a = analyze(evidence_review(), checklist=None)
    pdb, probes = a.risk("evidence:k8s.pdb:cart"), a.risk("evidence:k8s.probes:db")
    assert pdb["severity"] in ("high", "critical")  # it matters: a critical journey goes down with cart
    assert (pdb["owner"], pdb["owner_source"]) == ("shop-team", "owner of cart")
    assert (probes["owner"], probes["owner_source"]) == ("data-team", "owner of db")
    assert pdb["effort"]["kind"] == "disruption-budget" and pdb["effort"]["days"] == EFFORT["disruption-budget"][1]
    assert probes["effort"]["kind"] == "health-probes"
    # the verdict does not blame "no owner" on them (a fix spanning two teams' components, such as the
    # review's calls without a timeout, is no one team's: that may be blamed)
    assert not any("no owner" in c and "evidence:" in c for c in a.verdict["causes"]), a.verdict["causes"]
    # a reviewer's owner still wins
    r = evidence_review()
    r.add(Risk(id="evidence:k8s.pdb:cart", origin="computed", owner="platform-team"))
    pdb = analyze(r, checklist=None).risk("evidence:k8s.pdb:cart")
    assert (pdb["owner"], pdb["owner_source"]) == ("platform-team", "reviewer")


def test_the_report_and_csv_show_the_default_owner_as_such():
    r = evidence_review()
    a = build_assessment(r, today=r.meta.review_date)
    md = render_markdown(r, assessment=a)
    row = next(line for line in md.splitlines() if "cart: no working disruption budget" in line and line.startswith("|"))
    assert "shop-team (owner of cart)" in row and f"{EFFORT['disruption-budget'][1]} d" in row
    csv_row = next(line for line in render_csv(r, assessment=a).splitlines() if line.startswith("cart: no working"))
    assert "owner of cart" in csv_row


def test_every_effort_kind_is_in_the_documented_table():
    """docs/analysis.md states the effort table: every kind the register can suggest is in it, with its days."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "analysis.md").read_text(encoding="utf-8")
    for kind, (size, days, _what) in EFFORT.items():
        assert f"| {kind} | {size} | {days} |" in doc, kind


# ------------------------------------------------------------------ the rules test review (an independent check)
def _gate(tmp_path, review: Review, *args: str) -> int:
    path = tmp_path / "r.json"
    write_json(review, path)
    # judged as of the review's date: the reviews' due dates and acceptances are fixed, the real date is not
    today = ["--today", review.meta.review_date] if review.meta.review_date else []
    return main(["gate", str(path), *today, *args])


def test_the_gate_does_not_pass_a_review_that_is_not_ready(tmp_path, capsys):
    r = rules_review()
    # one open high reviewer risk (3 x 4) with an owner, no mitigation nor due date: not ready, no blocker
    r.add(Risk(id="rev-2", title="Data centre flood", likelihood=3, impact=4, components=["api-b"], owner="team-a"))
    a = build_assessment(r, today=r.meta.review_date)
    assert a.verdict == "not-ready" and not a.blockers
    assert _gate(tmp_path, r) == 1
    out = capsys.readouterr().out
    assert out.startswith("VERDICT not ready: ") and "Data centre flood" in out
    assert out.strip().splitlines()[-1].startswith("FAIL: rules-test: verdict not ready, 1 of ")
    # JUnit: the verdict is a test case of its own, failed
    junit = tmp_path / "gate.xml"
    assert _gate(tmp_path, r, "--junit", str(junit)) == 1
    capsys.readouterr()
    import xml.etree.ElementTree as ET

    case = next(c for c in ET.parse(junit).getroot().iter("testcase") if c.get("classname") == "verdict")
    assert case.find("failure") is not None
    # only when the configuration says so does the verdict not count by itself
    assert _gate(tmp_path, r, "--ignore-verdict") == 0
    assert "--ignore-verdict" in capsys.readouterr().out
    # planned (owner and a due date): ready with conditions, and the default gate passes it
    r.add(Mitigation(id="m1", title="Move", owner="team-a", due="2027-01-10", effort="small", risks=["rev-2"]))
    assert build_assessment(r, today=r.meta.review_date).verdict == "ready-with-conditions"
    assert _gate(tmp_path, r) == 0
    capsys.readouterr()
    assert _gate(tmp_path, r, "--fail-on", "high") == 1


def test_fail_on_high_counts_an_acceptance_ending_before_launch_as_open(tmp_path, capsys):
    r = rules_review()
    r.add(Risk(id="rev-3", title="Old TLS stack", likelihood=3, impact=4, owner="team-a", status="accepted",
               acceptance=Acceptance(by="Boss", at="2026-12-01", reason="upgrade planned", until="2026-12-31")))
    r.add(Mitigation(id="m1", title="Upgrade", owner="team-a", due="2027-01-10", risks=["rev-3"]))
    assert _gate(tmp_path, r, "--fail-on", "high") == 1
    assert "HIGH rev-3" in capsys.readouterr().out


# ------------------------------------------------------------------ the cover counts what it says
def test_the_unplanned_sentence_counts_every_open_high_risk_blockers_included():
    r = Review()  # tier not stated: judged as tier 1, so db's SPOF blocks; nobody owns anything
    r.meta.tier = None
    r.add(Component(id="web", user_facing=True, replicas=2, slo=99.0))
    r.add(Component(id="db", kind="datastore"))
    r.add(Dependency("web", "db"))
    r.add(Risk(id="rev-1", title="Vendor contract ends", likelihood=3, impact=4))
    a = analyze(r, checklist=None)
    open_high = [x for x in a.risks if x["severity"] in ("high", "critical") and x["status"] == "open"]
    assert len(open_high) > 1 and any(x["launch_blocking"] for x in open_high)
    sentence = next(c for c in a.verdict["causes"] if "open high or critical risks" in c)
    assert sentence.startswith(f"Of the {len(open_high)} open high or critical risks, all {len(open_high)} have no owner")
    assert set(a.verdict["open_high_without_plan"]) == {x["id"] for x in open_high}


def test_one_open_high_risk_reads_in_the_singular():
    r = rules_review()
    r.add(Risk(id="rev-2", title="Data centre flood", likelihood=3, impact=4, owner="team-a"))
    causes = analyze(r, checklist=None, today="2026-12-01").verdict["causes"]
    assert ("The one open high or critical risk has an owner but no mitigation with a due date "
            "(Data centre flood).") in causes
    assert not any("Of 1 " in c or "1 open high or critical risks" in c for c in causes)


# ------------------------------------------------------------------ the executive summary on an acceptance ending before launch
def test_summary_leads_with_the_blocker_and_never_sums_unestimated_work_as_zero():
    r = v3_review()
    a = build_assessment(r, today=r.meta.review_date)
    flood = a.risk("rev-2")
    assert flood["launch_blocking"] and flood["acceptance_before_launch"] and flood["effort"] is None
    md = render_markdown(r, assessment=a)
    summary = md[md.index("## Executive summary"):md.index("## 1. ")]
    top = summary[summary.index("### Top risks"):].splitlines()[2]
    assert top.startswith("1. **Data centre flood** (launch blocker, critical, 5×5=25)")
    team = next(line for line in summary.splitlines() if line.startswith("| team-a |"))
    assert "0 d" not in team and "not estimated" in team
    assert "Estimated time to ready" in summary and "0 working days" not in summary
    assert "not estimated (1 launch blocker has no effort estimate)" in summary
    # the acceptance does not count at launch: not "1 accepted"
    # (4: the two groups' common-cause findings are judged in the domain SPOFs they repeat)
    assert "| Risks | 4: 1 critical, 0 high, 3 medium, 0 low; 0 accepted (1 more acceptance expired or ending " \
           "before the target launch, not counted) |" in summary
    row = next(line for line in render_csv(r, assessment=a).splitlines() if line.startswith("Data centre flood"))
    assert ",open,yes," in row


def test_team_plan_counts_unestimated_work_apart():
    base = {"status": "open", "accepted": None, "acceptance_expired": False, "severity": "critical",
            "launch_blocking": True, "owner": "team-a"}
    risks = [dict(base, id="a", effort={"days": 5}), dict(base, id="b", effort=None),
             dict(base, id="c", launch_blocking=False, severity="high", effort=None)]
    rows, days = team_plan(risks)
    (t,) = rows
    assert (t["blockers"], t["blocker_days"], t["blocker_unestimated"], t["high"], t["unestimated"]) == (2, 5, 1, 1, 2)
    assert days == 5
    from prr_app.reporting.assessment import Assessment

    assert Assessment.effort_text(5, 1) == "at least 5 d (1 not estimated)"
    assert Assessment.effort_text(0, 2) == "not estimated" and Assessment.effort_text(3, 0) == "3 d"
    assert Assessment.time_to_ready_text(rows, days) == "at least 5 working days (1 launch blocker has no effort estimate)"


def test_an_open_blocker_item_about_a_component_counts_for_its_owners_team():
    r = evidence_review()
    a = build_assessment(r, today=r.meta.review_date)
    items = a.unanswered_blockers()
    about = {it.subject: it for it in items if it.per == "component"}
    assert "cart" in about, [it.key for it in items]
    assert a.item_owner(about["cart"]) == "shop-team"
    calls = [it for it in items if it.per == "dependency"]
    for it in calls:
        assert a.item_owner(it) == r.components[r.dependencies[it.subject].source].owner
    teams = {t["team"]: t for t in a.team_plan()[0]}
    n_cart = sum(1 for it in items + a.checklist_blockers() if a.item_owner(it) == "shop-team")
    assert teams["shop-team"]["blockers"] >= n_cart > 0
    # the answer's own owner wins
    from prr_app.model.entities import ChecklistAnswer

    r.add(ChecklistAnswer(item=about["cart"].key, status="not_met", owner="platform-team"))
    a = build_assessment(r, today=r.meta.review_date)
    item = next(it for it in a.checklist_blockers() if it.key == about["cart"].key)
    assert a.item_owner(item) == "platform-team"
