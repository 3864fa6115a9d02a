"""Pushing and pulling files with ``prr repo``, as a tester found it (against the real PostgreSQL
server of tests/test_teamrepo.py): a push keeps the file's milestones, a file is never merged
into another repository's history, identical re-imports and answers given on both sides merge
without false conflicts, the portfolio is never assessed against a template the review does not
use, a refused login is named as such, and ``repo pull``'s output is checked before anything."""
from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import REALDATA, _example, _login, pg, prr, repo, repo_url  # noqa: E402,F401

from prr_app.review.document import load_review, save_review  # noqa: E402

_dbs = itertools.count()
ITEM = "slo.error-budget-policy"  # unanswered in the webshop example


@pytest.fixture
def shop(repo, tmp_path):
    """The webshop pushed as repo:shop; its URL (the admin's, through the Unix socket)."""
    repo.push(_example(), name="shop")
    return repo.url


def _other_repository(pg) -> str:
    from prr_app.teamrepo.repository import Repository

    url = pg.create_database(f"prr_other{os.getpid()}_{next(_dbs)}")
    with Repository(url) as r:
        r.init()
    return url


def _history(url, name):
    from prr_app.teamrepo.repository import Repository

    with Repository(url) as r:
        return r.history(name)


# ---------------------------------------------------------------- defect 1: milestones stay in the file
def test_a_push_keeps_the_files_milestones(shop, tmp_path):
    f = tmp_path / "ms.prr"
    assert prr("repo", "pull", "shop", "-o", f, "--repo", shop)[0] == 0
    assert prr("milestone", "add", f, "design-review")[0] == 0
    assert prr("checklist-answer", f, ITEM, "--status", "met", "--by", "alice")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", shop)
    assert code == 0, err
    code, out, err = prr("milestone", "list", f)
    assert code == 0 and "design-review" in out, out
    review = load_review(f)
    assert [m.name for m in review.milestones.values()] == ["design-review"]
    assert review.answers[ITEM].status == "met"  # and the push's result is in the file too


def test_the_first_push_of_a_new_review_keeps_its_milestones(repo_url, tmp_path):
    f = tmp_path / "new.prr"
    save_review(_example(), f)
    assert prr("milestone", "add", f, "pre-launch")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", repo_url, "--name", "new")
    assert code == 0, err
    assert [m.name for m in load_review(f).milestones.values()] == ["pre-launch"]


# ---------------------------------------------------------------- defect 2: the repository a file came from
def test_a_file_pushed_to_another_repository_is_refused_naming_where_it_came_from(pg, shop, tmp_path):
    other = _other_repository(pg)
    from prr_app.teamrepo.repository import Repository

    with Repository(other) as r:
        r.push(_example(), name="shop")  # the other repository's own review of the same name
        before = r.pull("shop").review
    f = tmp_path / "a.prr"
    assert prr("repo", "pull", "shop", "-o", f, "--repo", shop)[0] == 0
    assert prr("checklist-answer", f, ITEM, "--status", "met")[0] == 0
    kept = f.read_bytes()
    code, out, err = prr("repo", "push", f, "--repo", other)
    assert code == 2 and err.count("\n") == 1, err
    with Repository(shop) as r:
        came_from = r.where.replace("postgresql+psycopg://", "postgresql://")
    assert f"pulled from repo:shop in {came_from}" in err and f"--repo {came_from}" in err
    assert "--name" in err and "no longer exists" not in err and "Traceback" not in err
    assert f.read_bytes() == kept  # the file as it was
    with Repository(other) as r:  # nothing written there
        assert r.pull("shop").version == 1
        assert r.pull("shop").review.answers == before.answers
    # pushed as a new review of that repository, under a name of its own (or even the same
    # name, once --name says so: the push makes a new review)
    code, out, err = prr("repo", "push", f, "--repo", other, "--name", "shop-copy")
    assert code == 0 and out == "shop-copy\n", err
    code, out, err = prr("repo", "push", f, "--repo", shop)  # the file now comes from there
    assert code == 2 and "pulled from repo:shop-copy" in err


def test_reviewers_with_different_logins_or_urls_on_one_repository_are_not_refused(pg, shop, tmp_path):
    from sqlalchemy.engine import make_url

    db = make_url(shop).database
    alice, bob = (_login(pg, db, f"{db}_{who}", "reviewer") for who in ("alice", "bob"))
    f = tmp_path / "a.prr"
    assert prr("repo", "pull", "shop", "-o", f, "--repo", alice)[0] == 0
    assert prr("checklist-answer", f, ITEM, "--status", "met", "--by", "alice")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", bob)  # bob pushes the file alice pulled
    assert code == 0, err
    # a file pulled before the repository's identity was recorded: the URL's host, port and
    # database decide, whoever logs in
    review = load_review(f)
    del review.imports["repository-origin"].report["repository_id"]
    save_review(review, f, overwrite=True)
    assert prr("checklist-answer", f, ITEM, "--status", "not_met")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", alice)
    assert code == 0, err
    # the same database through another address (the admin, through the Unix socket): the
    # database's identity, recorded again by that push, says it is the same repository
    assert "repository_id" in load_review(f).imports["repository-origin"].report
    assert prr("checklist-answer", f, ITEM, "--status", "partly")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", shop)
    assert code == 0, err
    assert {e.by for e in _history(shop, "shop") if e.version > 1} == {f"{db}_alice", f"{db}_bob",
                                                                       make_url(shop).username}


def test_a_review_deleted_since_the_pull_is_said_so(pg, shop, tmp_path):
    from sqlalchemy.engine import make_url

    f = tmp_path / "a.prr"
    assert prr("repo", "pull", "shop", "-o", f, "--repo", shop)[0] == 0
    pg.psql(make_url(shop).database, "DELETE FROM repo_review WHERE name = 'shop'")
    code, out, err = prr("repo", "push", f, "--repo", shop)
    assert code == 2 and "deleted from the repository since your version was pulled" in err


# ---------------------------------------------------------------- defect 3: identical re-imports
def test_two_reviewers_reimporting_the_same_sources_do_not_conflict(repo_url, tmp_path):
    src = REALDATA / "online-boutique"
    if not src.is_dir():
        pytest.skip("the real data is not here")
    base = tmp_path / "base.prr"
    assert prr("import", src, "-o", base, "--quiet")[0] == 0
    assert load_review(base).proposals  # answers proposed from the evidence, each stamped when
    assert prr("repo", "push", base, "--repo", repo_url, "--name", "ob")[0] == 0
    a, b = tmp_path / "a.prr", tmp_path / "b.prr"
    for f in (a, b):
        assert prr("repo", "pull", "ob", "-o", f, "--repo", repo_url)[0] == 0
    for f in (a, b):
        time.sleep(1.1)  # (an import stamped its proposals and record with its second)
        raw = f.read_bytes()
        code, out, err = prr("import", src, "--into", f, "--quiet")
        assert code == 0, err
        # round 30: files that say what the review holds change nothing (before, each re-import wrote a new
        # import record and re-stamped every proposal: the pushes below had those to merge)
        assert f.read_bytes() == raw
    stamps = {load_review(f).proposals[k].made_at for f in (base, a, b) for k in list(load_review(base).proposals)[:1]}
    assert len(stamps) == 1
    for f in (a, b):
        code, out, err = prr("repo", "push", f, "--repo", repo_url)
        assert code == 0, err
    history = _history(repo_url, "ob")
    assert not [h for h in history if h.version > 1]


def test_proposal_and_import_stamps_never_conflict():
    from prr_app.teamrepo import merge

    def rows(made_at, at):
        return {"checklist_proposal": {("x",): {"item": "x", "status": "met", "reason": "r", "evidence": [],
                                                "extractor": "e", "made_at": made_at, "rejected_by": "",
                                                "rejected_at": None}},
                "import_record": {("i",): {"id": "i", "at": at, "format": "k8s", "sources": [], "summary": "",
                                           "report": {}}}}

    base, theirs, mine = rows("t0", "t0"), rows("t1", "t1"), rows("t2", "t2")
    mine["checklist_proposal"][("x",)]["reason"] = "better"
    merged, conflicts = merge.merge(base, theirs, mine)
    assert conflicts == []
    assert merged["checklist_proposal"][("x",)]["reason"] == "better"
    assert merged["checklist_proposal"][("x",)]["made_at"] == "t2" and merged["import_record"][("i",)]["at"] == "t1"
    # only a stamp changed on my side: not a change (the repository's row stays as it is)
    merged, conflicts = merge.merge(base, base, rows("t2", "t2"))
    assert conflicts == [] and merge.diff(base, merged) == []


# ---------------------------------------------------------------- defect 4: the same item answered on both sides
def test_the_same_unanswered_item_answered_on_both_sides_merges_field_by_field(shop, tmp_path):
    a, b = tmp_path / "a.prr", tmp_path / "b.prr"
    for f in (a, b):
        assert prr("repo", "pull", "shop", "-o", f, "--repo", shop)[0] == 0
    assert ITEM not in load_review(a).answers  # unanswered until now
    assert prr("checklist-answer", a, ITEM, "--status", "met", "--by", "alice", "--evidence", "https://dash")[0] == 0
    assert prr("checklist-answer", b, ITEM, "--status", "met", "--by", "bob", "--owner", "bob")[0] == 0
    assert prr("repo", "push", a, "--repo", shop)[0] == 0
    code, out, err = prr("repo", "push", b, "--repo", shop)
    assert code == 0, err
    ans = load_review(b).answers[ITEM]
    assert (ans.status, ans.owner, ans.evidence) == ("met", "bob", "https://dash")
    assert sorted(h.by for h in ans.history) == ["alice", "bob"]


def test_a_real_conflict_on_a_newly_answered_item_names_both_values_and_who():
    from prr_app.teamrepo import merge
    from prr_app.teamrepo.schema import DEFAULTS

    def answer(**kw):
        return {"checklist_answer": {(ITEM,): {**DEFAULTS["checklist_answer"], "item": ITEM, **kw}}}

    theirs = answer(status="met", owner="", changed_by="alice", changed_at="2026-01-01T10:00:00")
    mine = answer(status="not_met", owner="bob", changed_by="bob", changed_at="2026-01-01T11:00:00")
    merged, conflicts = merge.merge({"checklist_answer": {}}, theirs, mine,
                                    who=lambda t, k, f: ("alice", "2026-01-01T10:00:00"))
    assert [(c.field, c.mine, c.theirs, c.by) for c in conflicts] == [("status", "not_met", "met", "alice")]


# ---------------------------------------------------------------- defect 5: the portfolio's template
TEAM_TEMPLATE = """format: prr-checklist
id: team-sre
version: '1'
title: Team SRE checklist
categories:
- id: ops
  title: Ops
  items:
  - id: ops.runbook-exists
    question: Runbook exists
    severity: blocker
  - id: ops.pager-rotation-staffed
    question: Pager rotation staffed
    severity: medium
"""


def test_the_portfolio_is_never_assessed_against_a_template_the_review_does_not_use(repo_url, tmp_path,
                                                                                    monkeypatch):
    from prr_app.checklist import template as T

    with_template = tmp_path / "alice-data"
    (with_template / "prr-workbench" / "checklists").mkdir(parents=True)
    (with_template / "prr-workbench" / "checklists" / "team-sre-1.yaml").write_text(TEAM_TEMPLATE)
    without = tmp_path / "bob-data"
    without.mkdir()

    def as_user(data_home):
        monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
        for fn in (getattr(T, "_cached_read", None), getattr(T, "_template_files", None)):
            if hasattr(fn, "cache_clear"):
                fn.cache_clear()

    def portfolio():
        code, out, err = prr("repo", "portfolio", "--json", "--repo", repo_url)
        assert code == 0, err
        return json.loads(out)[0]

    review = _example()
    review.meta.checklist_template, review.meta.checklist_version = "team-sre", "1"
    review.answers.clear()
    f = tmp_path / "team.prr"
    save_review(review, f)
    as_user(with_template)
    assert prr("repo", "push", f, "--repo", repo_url, "--name", "team")[0] == 0
    row = portfolio()
    assert row["assessed"] and (row["checklist_applicable"], row["checklist_answered"]) == (2, 0)
    assessed = {k: row[k] for k in ("verdict", "launch_blockers", "checklist_blockers", "checklist_applicable")}

    as_user(without)  # bob has not installed team-sre: his push must not assess it against prr-default
    next(iter(load_review(f).components))
    review = load_review(f)
    next(iter(review.components.values())).owner = "bob's team"
    save_review(review, f, overwrite=True)
    code, out, err = prr("repo", "push", f, "--repo", repo_url)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("prr: warning:")]
    assert len(warnings) == 1 and "'team-sre' is not installed" in warnings[0]
    row = portfolio()
    assert not row["assessed"]  # "assessed at an older version", with the figures of team-sre
    assert {k: row[k] for k in assessed} == assessed

    as_user(with_template)  # alice's next push assesses it again, with the review's own template
    assert prr("checklist-answer", f, "ops.runbook-exists", "--status", "met", "--by", "alice")[0] == 0
    code, out, err = prr("repo", "push", f, "--repo", repo_url)
    assert code == 0 and "warning" not in err, err
    row = portfolio()
    assert row["assessed"] and (row["checklist_applicable"], row["checklist_answered"]) == (2, 1)


# ---------------------------------------------------------------- defect 6: a refused login
def test_a_wrong_password_or_a_missing_database_is_named_as_such(pg, repo_url):
    from sqlalchemy.engine import make_url

    db = make_url(repo_url).database
    _login(pg, db, f"{db}_pw", "viewer", password="right-pw")
    code, out, err = prr("repo", "list", "--repo", pg.tcp_url(db, f"{db}_pw", "wrong-pw"))
    assert code == 2 and err.count("\n") == 1
    assert "refused the credentials" in err and "password authentication failed" in err
    assert "cannot reach" not in err and "wrong-pw" not in err
    code, out, err = prr("repo", "list", "--repo", pg.tcp_url(db + "_nope", f"{db}_pw", "right-pw"))
    assert code == 2 and err.count("\n") == 1
    assert "database does not exist" in err and f'"{db}_nope"' in err and "cannot reach" not in err
    code, out, err = prr("repo", "list", "--repo", pg.tcp_url(db, f"{db}_pw", "right-pw").replace(
        f":{pg.port}/", ":1/"))
    assert code == 2 and "cannot reach the repository" in err  # a server that is away is still that


def test_the_repository_error_says_which_kind_it_is(pg, repo_url):
    from sqlalchemy.engine import make_url

    from prr_app.errors import PrrError
    from prr_app.teamrepo.repository import Repository

    db = make_url(repo_url).database
    _login(pg, db, f"{db}_k", "viewer", password="right-pw")
    with Repository(pg.tcp_url(db, f"{db}_k", "bad")) as r, pytest.raises(PrrError) as e:
        r.list()
    assert (e.value.refused, e.value.unreachable) == ("credentials", False)


# ---------------------------------------------------------------- defect 8: repo pull's output
def test_pull_checks_its_output_before_anything(shop, tmp_path):
    folder = tmp_path / "somedir"
    folder.mkdir()
    for extra in ([], ["--force"]):
        code, out, err = prr("repo", "pull", "shop", "-o", folder, "--repo", shop, *extra)
        assert code == 2 and "is a folder" in err and "--force" not in err, err
    code, out, err = prr("repo", "pull", "shop", "-o", tmp_path / "z.txt", "--repo", shop)
    assert code == 2 and "z.txt" in err and ".prr or .json" in err and err.count("\n") == 1
    assert not (tmp_path / "z.txt").exists()
    code, out, err = prr("repo", "pull", "shop", "-o", tmp_path / "Z.PRR", "--repo", shop)
    assert code == 0, err
