"""Session 28, the team repository as a team of reviewers uses it: a reviewer accepting a risk
the rules do not call launch-blocking, two decisions on one risk merged, a mitigation kept after
another reviewer deleted it, conflicts on the command line, and the small wording fixes."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _login, pg, prr, repo, repo_url  # noqa: E402,F401

NOT_BLOCKING = "cascade:retries:cart-svc"  # a risk the analysis finds in the webshop, not launch-blocking


@pytest.fixture
def team(pg, repo, tmp_path):
    """The webshop pushed by the admin as ``shop``; a reviewer's and an approver's URLs, and a
    psycopg connection of the reviewer."""
    import psycopg
    from sqlalchemy.engine import make_url

    db = make_url(repo.url).database
    repo.push(_example(), name="shop")
    urls = {kind: _login(pg, db, f"{db}_{kind[0]}", kind) for kind in ("reviewer", "approver")}
    conn = psycopg.connect(urls["reviewer"], autocommit=True)
    yield db, urls, conn
    conn.close()


def _pull(url, tmp_path, name):
    out = tmp_path / name
    code, _out, err = prr("repo", "pull", "shop", "-o", out, "--force", "--repo", url)
    assert code == 0, err
    return out


# ---------------------------------------------------------------- 1. a reviewer's acceptances
def test_a_reviewer_accepts_a_risk_the_rules_do_not_call_launch_blocking(team, repo, tmp_path):
    from prr_app.analysis import analyze

    db, urls, rv = team
    assert {r["id"]: r["launch_blocking"] for r in analyze(_example()).risks}[NOT_BLOCKING] is False
    f = _pull(urls["reviewer"], tmp_path, "r.prr")
    assert prr("risk", "accept", f, NOT_BLOCKING, "--reason", "retries are capped", "--by", "bob")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", urls["reviewer"])
    assert code == 0, err
    risk = repo.pull("shop").review.risks[NOT_BLOCKING]
    assert risk.launch_blocking is None and risk.acceptance.by == "bob" and risk.status == "accepted"


def test_a_reviewers_direct_write_still_cannot_accept_what_blocks(team, repo):
    """Unmarked (NULL, "per the rules") is launch-blocking when the rules say so, as the database
    knows them: a SPOF always, a risk the stored assessment counts as blocking, and any unmarked
    risk when the only assessment is one stored by the same transaction (the writer's, not the rules')."""
    import psycopg

    db, urls, rv = team
    rid = rv.execute("SELECT id FROM repo_review WHERE name = 'shop'").fetchone()[0]
    insert = ("INSERT INTO risk (review_id, id, origin, title, description, override_reason, components, owner, "
              "status, accepted_by, accepted_at, acceptance_reason, accepted_until, launch_blocking_reason) "
              "VALUES (%s, %s, 'computed', '', '', '', '[]', '', 'accepted', 'eve', '2026-12-03', 'ok', "
              "'2099-01-01', '')")
    for risk, why in (("spof:component:cart-db", "a single point of failure"),
                      ("slo:journey:checkout", "launch-blocking by the review's rules")):
        with pytest.raises(psycopg.Error) as e:
            rv.execute(insert, (rid, risk))
        assert e.value.sqlstate == "42501" and f"only an approver may accept a launch-blocking risk (risk {risk}: " \
            f"{why})" in str(e.value)
    # an assessment of the writer's own, stored in the transaction before the acceptance: not trusted
    forged = json.dumps({"system": "x", "verdict": "ready", "launch_blockers": 0, "blocking_risks": [],
                         "slo_not_attainable": [], "acceptances": [], "dues": []})
    with pytest.raises(psycopg.Error, match="not assessed yet"):
        with rv.transaction():
            rv.execute("UPDATE component SET owner = 'y' WHERE id = 'cart-db'")
            rv.execute("SELECT prr_store_assessment(%s, %s::json, '[]'::json)", (rid, forged))
            rv.execute(insert, (rid, "slo:journey:checkout"))
    # what the rules do not call blocking: accepted by the reviewer, unmarked
    rv.execute(insert, (rid, NOT_BLOCKING))
    assert repo.pull("shop").review.risks[NOT_BLOCKING].acceptance.by == "eve"


def test_a_refused_push_names_the_row_and_says_the_rest_was_not_written(team, repo, tmp_path):
    db, urls, rv = team
    f = _pull(urls["reviewer"], tmp_path, "r.prr")
    assert prr("risk", "owner", f, NOT_BLOCKING, "carol")[0] == 0
    assert prr("risk", "accept", f, "spof:component:cart-db", "--reason", "fine", "--by", "bob")[0] == 0
    before = f.read_bytes()
    code, out, err = prr("repo", "push", f, "--repo", urls["reviewer"])
    assert code == 2 and err.count("\n") == 1, err
    assert "only an approver may accept a launch-blocking risk (risk spof:component:cart-db: a single point of " \
           "failure)" in err
    assert f"failure); none of this push was written, nor your 1 other change: risk {NOT_BLOCKING} added" in err
    assert "Only an approver of this repository" in err
    assert f.read_bytes() == before and {r.name: r.version for r in repo.list()}["shop"] == 1
    # the approver may
    code, out, err = prr("repo", "push", f, "--repo", urls["approver"])
    assert code == 0, err


def test_a_new_review_pushed_by_a_reviewer_keeps_its_acceptances_of_what_does_not_block(team, tmp_path):
    from prr_app.errors import PrrError
    from prr_app.model.entities import Acceptance, Risk
    from prr_app.teamrepo.repository import Repository

    db, urls, rv = team
    review = _example()
    review.risks["vendor-payfast-contract"].acceptance = Acceptance(by="bob", at="2026-12-03", reason="ok")
    review.risks["vendor-payfast-contract"].status = "accepted"
    with Repository(urls["reviewer"]) as r:
        r.push(review, name="shop2")  # first assessed in the same transaction: checked at commit
        assert r.pull("shop2").review.risks["vendor-payfast-contract"].acceptance.by == "bob"
        # a new review whose unmarked acceptance the rules call blocking: refused at commit, nothing kept
        review.risks["slo:journey:checkout"] = Risk(id="slo:journey:checkout", origin="computed", status="accepted",
                                                    acceptance=Acceptance(by="bob", at="2026-12-03", reason="ok"))
        with pytest.raises(PrrError, match=r"risk slo:journey:checkout: launch-blocking by the review's rules\); "
                                           r"none of this push was written, nor your 71 other changes"):
            r.push(review, name="shop3")
        assert "shop3" not in {i.name for i in r.list()}


# ---------------------------------------------------------------- 2. two decisions on one risk
def test_owner_on_one_side_acceptance_on_the_other_merge_with_both_history_entries(team, repo, tmp_path):
    db, urls, rv = team
    a, b = _pull(urls["reviewer"], tmp_path, "a.prr"), _pull(urls["reviewer"], tmp_path, "b.prr")
    assert prr("risk", "owner", a, NOT_BLOCKING, "alice")[0] == 0
    assert prr("risk", "accept", b, NOT_BLOCKING, "--reason", "capped", "--until", "2099-04-01", "--by", "bob")[0] == 0
    assert prr("repo", "push", b, "--repo", urls["reviewer"])[0] == 0
    code, out, err = prr("repo", "push", a, "--repo", urls["reviewer"])
    assert code == 0, err
    risk = repo.pull("shop").review.risks[NOT_BLOCKING]
    assert risk.owner == "alice" and risk.acceptance.by == "bob" and risk.status == "accepted"
    assert [h.decision for h in risk.history] == ["accept", "owner"]


def test_the_risk_history_merges_as_a_list_both_sides_append_to():
    from prr_app.teamrepo.merge import merge

    base = {"risk": {("r",): {"id": "r", "owner": "", "status": "open", "history": [{"d": 0}]}}}
    theirs = {"risk": {("r",): {"id": "r", "owner": "", "status": "accepted", "history": [{"d": 0}, {"d": "t"}]}}}
    mine = {"risk": {("r",): {"id": "r", "owner": "al", "status": "open", "history": [{"d": 0}, {"d": "m"}]}}}
    import prr_app.teamrepo.merge as m

    cols = {"risk": ["id", "owner", "status", "history"]}
    old = m.COLUMNS
    m.COLUMNS = cols
    try:
        merged, conflicts = merge(base, theirs, mine)
    finally:
        m.COLUMNS = old
    assert conflicts == []
    assert merged["risk"][("r",)] == {"id": "r", "owner": "al", "status": "accepted",
                                      "history": [{"d": 0}, {"d": "t"}, {"d": "m"}]}


# ---------------------------------------------------------------- 3. a mitigation kept after a delete
def test_keeping_a_changed_mitigation_another_deleted_brings_its_risk_links_back(repo):
    from prr_app.teamrepo.repository import ConflictError

    repo.push(_example(), name="shop")
    a, b = repo.pull("shop"), repo.pull("shop")
    del b.review.mitigations["second-psp"]
    repo.push(b.review, name="shop", base=b.version)
    a.review.mitigations["second-psp"].owner = "payments-team"
    with pytest.raises(ConflictError) as e:
        repo.push(a.review, name="shop", base=a.version)
    (c,) = e.value.conflicts
    assert c.table == "mitigation" and "also brings back its link to risk vendor-payfast-contract" in c.describe()
    pushed = repo.push(a.review, name="shop", base=a.version, pick={(c.table, c.key, c.field): "mine"})
    m = repo.pull("shop").review.mitigations["second-psp"]
    assert m.owner == "payments-team" and m.risks == ["vendor-payfast-contract"]
    assert pushed.review.mitigations["second-psp"].risks == ["vendor-payfast-contract"]


# ---------------------------------------------------------------- 4. conflicts on the command line
def test_a_conflict_names_the_changes_not_written_and_keep_settles_it(team, repo, tmp_path):
    db, urls, rv = team
    a, b = _pull(urls["reviewer"], tmp_path, "a.prr"), _pull(urls["reviewer"], tmp_path, "b.prr")
    assert prr("risk", "owner", b, NOT_BLOCKING, "bob")[0] == 0
    assert prr("repo", "push", b, "--repo", urls["reviewer"])[0] == 0
    assert prr("risk", "owner", a, NOT_BLOCKING, "alice")[0] == 0
    assert prr("checklist-answer", a, "toil.self-healing", "--status", "met")[0] == 0
    before = a.read_bytes()
    code, out, err = prr("repo", "push", a, "--repo", urls["reviewer"])
    assert code == 1 and a.read_bytes() == before
    assert f"conflict: risk {NOT_BLOCKING} field owner: yours \"alice\", theirs \"bob\"" in err
    assert "not written either (not in conflict, still in your file): your 1 other change: checklist answer " \
           "toil.self-healing added\n" in err
    assert "--keep mine (or --keep theirs)" in err
    code, out, err = prr("repo", "push", a, "--keep", "mine", "--repo", urls["reviewer"])
    assert code == 0, err
    assert f"conflict settled with yours: risk {NOT_BLOCKING} field owner" in err
    pulled = repo.pull("shop").review
    assert pulled.risks[NOT_BLOCKING].owner == "alice" and pulled.answers["toil.self-healing"].status == "met"


# ---------------------------------------------------------------- 5. small things
def test_signoff_takes_the_analysis_spelling_too(team, repo):
    db, urls, rv = team
    for spelt in ("NOT-READY", "not-ready", "not_ready"):
        code, out, err = prr("repo", "signoff", "shop", spelt, "--repo", urls["approver"])
        assert code == 0 and "signed off as not_ready" in out, err


def test_messages_show_the_url_the_user_gave(pg, team, repo):
    from prr_app.teamrepo.connection import safe_url

    db, urls, rv = team
    code, out, err = prr("repo", "init", "--repo", repo.url)
    assert code == 0 and out.startswith(safe_url(repo.url) + ":") and "prr_admin" in out, out
    code, out, err = prr("repo", "signoff", "shop", "ready", "--repo", urls["reviewer"])
    assert code == 2 and "postgresql+psycopg" not in err
    other = pg.create_database(db + "_empty")
    code, out, err = prr("repo", "list", "--repo", other)
    assert code == 2 and "postgresql+psycopg" not in err and "not a PRR repository" in err
