"""Session 29, two reviewers on one repository review: a settled conflict takes one side's answer
whole and one side's decision on a risk whole (the trail shows no decision that was turned down), an
answer changed on both sides is one conflict, a proposal confirmed on one side and refreshed by a
re-import on the other is no conflict, and the messages of a milestone and of a refused push."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_s28_team import NOT_BLOCKING, _pull, team  # noqa: E402,F401
from test_teamrepo import pg, prr, repo, repo_url  # noqa: E402,F401

ITEM = "svc.probes@cart-svc"


def _review(f):
    from prr_app.review.document import load_review

    return load_review(f)


def _answer_both(team, tmp_path):
    """alice answers ITEM not_met with a note and accepts a risk; bob answers it met with evidence
    and accepts the same risk otherwise; alice pushes first. (bob's file, reviewer's URL)"""
    db, urls, rv = team
    a, b = _pull(urls["reviewer"], tmp_path, "a.prr"), _pull(urls["reviewer"], tmp_path, "b.prr")
    assert prr("checklist-answer", a, ITEM, "--status", "not_met", "--note", "same check for both",
               "--by", "Alice Ng")[0] == 0
    assert prr("risk", "accept", a, NOT_BLOCKING, "--reason", "R1 alice", "--until", "2099-02-01",
               "--by", "Alice Ng")[0] == 0
    assert prr("checklist-answer", b, ITEM, "--status", "met", "--evidence", "fixed in chart 2.1",
               "--by", "Bob Li")[0] == 0
    assert prr("risk", "accept", b, NOT_BLOCKING, "--reason", "R2 bob", "--until", "2099-03-01",
               "--by", "Bob Li")[0] == 0
    code, out, err = prr("repo", "push", a, "--repo", urls["reviewer"])
    assert code == 0, err
    return b, urls["reviewer"]


# ---------------------------------------------------------------- 1. a pick takes one side whole
def test_keep_theirs_takes_their_answer_and_their_acceptance_whole(team, repo, tmp_path):
    b, url = _answer_both(team, tmp_path)
    version = {i.name: i.version for i in repo.list()}["shop"]
    code, out, err = prr("repo", "push", b, "--keep", "theirs", "--repo", url)
    assert code == 0, err
    got = repo.pull("shop").review
    ans = got.answers[ITEM]
    assert (ans.status, ans.evidence, ans.note, ans.changed_by) == ("not_met", "", "same check for both", "Alice Ng")
    assert [h.by for h in ans.history] == ["Alice Ng"]  # bob's answer was never written
    risk = got.risks[NOT_BLOCKING]
    assert (risk.acceptance.by, risk.acceptance.reason, risk.acceptance.until) == ("Alice Ng", "R1 alice", "2099-02-01")
    assert [(h.by, h.reason) for h in risk.history] == [("Alice Ng", "R1 alice")]  # no "Bob Li accepted it"
    # nothing of bob's was written: the repository records no change by him
    assert {i.name: i.version for i in repo.list()}["shop"] == version
    assert _review(b).answers[ITEM].changed_by == "Alice Ng"  # the file holds what the repository holds


def test_keep_mine_takes_my_answer_whole_and_the_trail_ends_with_my_decision(team, repo, tmp_path):
    b, url = _answer_both(team, tmp_path)
    code, out, err = prr("repo", "push", b, "--keep", "mine", "--repo", url)
    assert code == 0, err
    got = repo.pull("shop").review
    ans = got.answers[ITEM]
    assert (ans.status, ans.evidence, ans.note, ans.changed_by) == ("met", "fixed in chart 2.1", "", "Bob Li")
    # alice's answer was written, so her entry stays; bob's, in force, comes last
    assert [(h.by, h.status) for h in ans.history] == [("Alice Ng", "not_met"), ("Bob Li", "met")]
    risk = got.risks[NOT_BLOCKING]
    assert (risk.acceptance.by, risk.acceptance.reason, risk.acceptance.until) == ("Bob Li", "R2 bob", "2099-03-01")
    assert [h.by for h in risk.history] == ["Alice Ng", "Bob Li"]


def test_a_pick_on_one_field_of_an_acceptance_takes_the_whole_acceptance():
    """The app picks per field: one field of an acceptance picked theirs takes their acceptance
    whole, and mine's entry for it leaves the trail, while mine's other decisions stay."""
    from prr_app.teamrepo import merge
    from prr_app.teamrepo.schema import DEFAULTS

    def risk(**kw):
        return {"risk": {("r",): {**DEFAULTS["risk"], "id": "r", **kw}}}

    base = risk()
    acc_t = dict(status="accepted", accepted_by="alice", accepted_at="2026-01-01", acceptance_reason="R1",
                 accepted_until="2099-02-01")
    theirs = risk(**acc_t, history=[{"decision": "accept", "by": "alice"}])
    mine = risk(status="accepted", accepted_by="bob", accepted_at="2026-01-01", acceptance_reason="R2",
                accepted_until="2099-02-01", owner="bob",
                history=[{"decision": "owner", "by": "bob"}, {"decision": "accept", "by": "bob"}])
    merged, conflicts = merge.merge(base, theirs, mine)
    assert {c.field for c in conflicts} == {"accepted_by", "acceptance_reason"}
    merged, conflicts = merge.merge(base, theirs, mine, pick={("risk", ("r",), "acceptance_reason"): "theirs",
                                                              ("risk", ("r",), "accepted_by"): "theirs"})
    row = merged["risk"][("r",)]
    assert conflicts == [] and {k: row[k] for k in acc_t} == acc_t and row["owner"] == "bob"
    assert row["history"] == [{"decision": "accept", "by": "alice"}, {"decision": "owner", "by": "bob"}]


# ---------------------------------------------------------------- 2. one answer, one conflict
def test_an_answer_changed_on_both_sides_is_one_conflict_and_no_note_is_merged_under_it(team, repo, tmp_path):
    from prr_app.model.entities import Proposal

    db, urls, rv = team
    review = repo.pull("shop").review
    review.proposals[ITEM] = Proposal(item=ITEM, status="partly", reason="readiness and liveness are the same "
                                      "check: k.yaml:56", evidence=["liveness: k.yaml:56"], extractor="k8s.probes",
                                      made_at="2026-12-01T10:00:00+00:00")
    repo.push(review, name="shop", base=repo.pull("shop").version)
    a, b = _pull(urls["reviewer"], tmp_path, "a.prr"), _pull(urls["reviewer"], tmp_path, "b.prr")
    assert prr("checklist-confirm", a, ITEM, "--by", "Alice Ng")[0] == 0
    assert prr("checklist-answer", b, ITEM, "--status", "met", "--evidence", "separate /ready in v2",
               "--by", "Bob Li")[0] == 0
    assert prr("repo", "push", a, "--repo", urls["reviewer"])[0] == 0
    code, out, err = prr("repo", "push", b, "--repo", urls["reviewer"])
    assert code == 1
    lines = [x for x in err.splitlines() if x.strip().startswith("conflict:")]
    assert lines == [f'  conflict: checklist answer {ITEM}: changed on both sides: yours "met" by Bob Li, theirs '
                     f'"partly" by Alice Ng' + lines[0].split("Alice Ng", 1)[1]], err
    assert "their evidence and note differ too; the answer is kept whole, yours or theirs" in lines[0]
    assert f"checklist answer {ITEM} evidence" not in err  # not named again as another change
    code, out, err = prr("repo", "push", b, "--keep", "mine", "--repo", urls["reviewer"])
    assert code == 0, err
    ans = repo.pull("shop").review.answers[ITEM]
    assert (ans.status, ans.evidence, ans.note) == ("met", "separate /ready in v2", "")


# ---------------------------------------------------------------- 3. a re-import meets a confirmation
def test_a_refreshed_proposal_another_reviewer_confirmed_is_no_conflict(team, repo, tmp_path):
    from prr_app.model.entities import Proposal

    db, urls, rv = team
    review = repo.pull("shop").review
    review.proposals[ITEM] = Proposal(item=ITEM, status="partly", reason="same check: k.yaml:56",
                                      evidence=["liveness: k.yaml:56"], extractor="k8s.probes",
                                      made_at="2026-12-01T10:00:00+00:00")
    repo.push(review, name="shop", base=repo.pull("shop").version)
    a, b = _pull(urls["reviewer"], tmp_path, "a.prr"), _pull(urls["reviewer"], tmp_path, "b.prr")
    assert prr("checklist-confirm", a, ITEM, "--by", "Alice Ng")[0] == 0
    assert prr("repo", "push", a, "--repo", urls["reviewer"])[0] == 0
    # bob's re-import: the proposal's lines moved, and something else changed
    from prr_app.review.document import load_review, save_review

    r = load_review(b)
    r.proposals[ITEM].reason, r.proposals[ITEM].evidence = "same check: k.yaml:57", ["liveness: k.yaml:57"]
    r.components["cart-db"].notes = "re-imported"
    save_review(r, b, overwrite=True)
    code, out, err = prr("repo", "push", b, "--repo", urls["reviewer"])
    assert code == 0, err
    got = repo.pull("shop").review
    assert ITEM not in got.proposals and got.answers[ITEM].changed_by == "Alice Ng"
    assert got.components["cart-db"].notes == "re-imported"


def test_a_proposal_i_confirmed_that_a_re_import_refreshed_meanwhile_stays_confirmed():
    from prr_app.teamrepo import merge
    from prr_app.teamrepo.schema import DEFAULTS

    prop = {**DEFAULTS["checklist_proposal"], "item": "x", "status": "met", "reason": "a:1"}
    base = {"checklist_proposal": {("x",): prop}, "checklist_answer": {}}
    theirs = {"checklist_proposal": {("x",): {**prop, "reason": "a:2"}}, "checklist_answer": {}}
    mine = {"checklist_proposal": {},
            "checklist_answer": {("x",): {**DEFAULTS["checklist_answer"], "item": "x", "status": "met"}}}
    merged, conflicts = merge.merge(base, theirs, mine)
    assert conflicts == [] and merged["checklist_proposal"] == {} and ("x",) in merged["checklist_answer"]
    # deleted without an answer (the evidence went): still a conflict, as before
    mine["checklist_answer"] = {}
    assert [c.field for c in merge.merge(base, theirs, mine)[1]] == [None]


# ---------------------------------------------------------------- 4. messages
def test_a_milestone_of_a_repository_review_is_refused_before_asking_who(monkeypatch):
    import prr_app.review.people as people

    monkeypatch.setattr(people, "login_name", lambda: "")  # root: no person's login name
    code, out, err = prr("milestone", "add", "repo:shop", "m1")
    assert code == 2 and err.count("\n") == 1, err
    assert "milestones are kept in .prr files, not in the repository" in err and "--by" not in err


def test_a_refused_push_names_only_the_other_changes_and_is_not_cut(team, repo, tmp_path):
    db, urls, rv = team
    f = _pull(urls["reviewer"], tmp_path, "r.prr")
    assert prr("risk", "owner", f, NOT_BLOCKING, "carol", "--by", "Alice Ng")[0] == 0
    assert prr("checklist-answer", f, ITEM, "--status", "met", "--by", "Alice Ng")[0] == 0
    assert prr("risk", "accept", f, "spof:component:cart-db", "--reason", "fine for now", "--by", "Alice Ng")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", urls["reviewer"])
    assert code == 2 and err.count("\n") == 1, err
    assert "(risk spof:component:cart-db: a single point of failure); none of this push was written, nor your " \
           "2 other changes: " in err
    assert "risk spof:component:cart-db added" not in err and "history" not in err
    assert err.rstrip().endswith("or the repository's owner for the role"), err
    assert not err.rstrip().endswith("...")
