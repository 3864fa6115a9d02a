"""Carried answers are proposals to confirm (defect 6); a proposal lost to the template says so (defect 7);
the Markdown report's checklist section has what the PDF's has (defect 5)."""
from __future__ import annotations

import json

import pytest

from prr_app.checklist import carry_answers, evaluate
from prr_app.checklist.proposals import refresh
from prr_app.cli.main import main
from prr_app.model.entities import ChecklistAnswer, Proposal
from prr_app.review.document import load_review


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))


def _shop(tmp_path, examples_dir):
    f = tmp_path / "shop.json"
    data = json.loads((examples_dir / "webshop.json").read_text())
    for a in data["checklist"]["answers"]:
        if a["item"] == "deploy.rollback-exercised":
            a["owner"], a["due"] = "Team Deploy", "2027-01-31"
    f.write_text(json.dumps(data))
    return f


def test_carried_answers_are_proposals_until_confirmed(tmp_path, examples_dir, capsys):
    f = _shop(tmp_path, examples_dir)
    assert main(["checklist-carry", str(f), "prr-operational", "--by", "Dana"]) == 0
    out = capsys.readouterr().out
    assert "carried over as proposals, not counted until you confirm them" in out
    review = load_review(f)
    assert "deploy.rollback-timed" in review.proposals and "deploy.rollback-timed" not in review.answers
    res = evaluate(review)
    it = res.item("deploy.rollback-timed")
    assert it.status == "unanswered" and it.proposal.status == "met"
    assert main(["checklist", str(f), "--items"]) == 0
    out = capsys.readouterr().out
    assert "deploy.rollback-timed  [high, tier 1] (proposed: met)" in out
    assert "proposed, carried (to confirm): met: carried from deploy.rollback-exercised" in out
    assert main(["checklist-confirm", str(f), "deploy.rollback-timed", "--by", "Dana"]) == 0
    a = load_review(f).answers["deploy.rollback-timed"]
    assert (a.status, a.owner, a.due) == ("met", "Team Deploy", "2027-01-31")
    assert a.note.startswith("confirmed: carried from deploy.rollback-exercised")
    assert "deploy.rollback-timed" not in load_review(f).proposals


def test_not_applicable_is_not_carried_and_is_listed(webshop):
    webshop.answers["deploy.rollback-exercised"] = ChecklistAnswer("deploy.rollback-exercised", "not_applicable",
                                                                   reason="no deploys: a vendor appliance")
    skipped: list = []
    carried, _ = carry_answers(webshop, "prr-operational", by="Dana", skipped=skipped)
    assert "deploy.rollback-timed" not in carried and "deploy.rollback-timed" not in webshop.proposals
    assert ("deploy.rollback-timed", "deploy.rollback-exercised", "no deploys: a vendor appliance") in skipped
    assert evaluate(webshop).item("deploy.rollback-timed").status == "unanswered"


def test_a_re_import_keeps_carried_proposals(webshop):
    carried, _ = carry_answers(webshop, "prr-operational", by="Dana")
    assert carried
    changes = refresh(webshop, {})  # an import whose evidence proposes nothing
    assert set(carried) <= set(webshop.proposals)
    assert not any("withdrawn" in c for c in changes)


def test_a_proposal_lost_to_the_template_names_it(webshop, tmp_path):
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "team-1.yaml").write_text(
        "format: prr-checklist\nid: team\nversion: '1'\ntitle: Team\ncategories:\n- id: ops\n  title: Ops\n"
        "  items:\n  - id: ops.runbooks\n    question: Every page links to a runbook.\n    severity: high\n")
    webshop.proposals = {"svc.probes@cart": Proposal("svc.probes@cart", "met", "probes: cart.yaml:3",
                                                     ["probes: cart.yaml:3"], "k8s.probes")}
    webshop.meta.checklist_template, webshop.meta.checklist_version = "team", "1"
    changes = refresh(webshop, {})
    assert changes == ["proposal svc.probes@cart: withdrawn (item 'svc.probes' is not in template team 1, "
                       "the review's checklist)"]
    webshop.proposals = {"svc.probes@cart": Proposal("svc.probes@cart", "met", "x", ["x"], "k8s.probes")}
    webshop.meta.checklist_template, webshop.meta.checklist_version = "prr-default", "2.0"
    assert refresh(webshop, {}) == ["proposal svc.probes@cart: withdrawn (the evidence is no longer there)"]


def test_markdown_checklist_section_has_the_pdf_content(tmp_path, examples_dir, capsys):
    from prr_app.reporting.markdown import render_markdown

    f = _shop(tmp_path, examples_dir)
    assert main(["checklist-carry", str(f), "prr-operational", "--by", "Dana"]) == 0
    review = load_review(f)
    text = render_markdown(review)
    section = text.split("## 7. Checklist results", 1)[1].split("## Appendix", 1)[0]
    assert "Template: prr-operational 1.0, Periodic operational review." in section
    assert "### 7.1 Open blocker items (not met or unanswered)" in section
    assert "### 7.2 Answers carried from other answers (not counted until a reviewer confirms them)" in section
    assert "carried from deploy.rollback\\-exercised" in section or "carried from deploy.rollback-exercised" in section
    assert "### 7.3 Orphaned answers (kept in the review, not counted)" in section
    assert "is not in template prr\\-operational 1.0" in section or "is not in template prr-operational 1.0" in section
    # what the executive summary points to is there
    blockers = evaluate(review).open_blockers
    assert blockers
    for it in blockers:
        q = it.question[:30]
        assert any(q in line.replace("\\", "") for line in section.splitlines()), q
