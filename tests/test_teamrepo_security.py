"""What the database itself enforces (issue 19, items 2 and 3), tried by a reviewer or approver
connected with psycopg directly, going around the app: acceptances of launch-blocking risks, the
history and version of every write, the portfolio's figures, sign-offs against the verdict.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _login, pg, prr, repo, repo_url  # noqa: E402,F401

from prr_app.errors import PrrError  # noqa: E402
from prr_app.wording import score_text  # noqa: E402


@pytest.fixture
def team(pg, repo):
    """The webshop pushed by the admin as ``shop``; a reviewer and an approver connected directly."""
    import psycopg
    from sqlalchemy.engine import make_url

    db = make_url(repo.url).database
    repo.push(_example(), name="shop")
    urls = {kind: _login(pg, db, f"{db}_{kind[0]}", kind) for kind in ("reviewer", "approver")}
    conns = {kind: psycopg.connect(url, autocommit=True) for kind, url in urls.items()}
    yield db, urls, conns
    for c in conns.values():
        c.close()


def _refused(conn, sql, params=(), match=""):
    import psycopg

    with pytest.raises(psycopg.Error) as e:
        conn.execute(sql, params)
    assert e.value.sqlstate == "42501", e.value  # insufficient_privilege
    assert match in str(e.value)


def _version(repo):
    return {r.name: r.version for r in repo.list()}["shop"]


ACCEPT_SPOF = ("INSERT INTO risk (review_id, id, origin, title, description, override_reason, launch_blocking, "
               "components, owner, status, accepted_by, accepted_at, acceptance_reason, accepted_until, "
               "launch_blocking_reason) VALUES (%s, 'spof:component:cart-db', 'computed', 'cart-db SPOF', '', '', "
               "false, '[\"cart-db\"]', '', 'accepted', 'alice', '2026-12-03', 'we live with it', '2099-01-01', '')")


def _rid(conn) -> int:
    return conn.execute("SELECT id FROM repo_review WHERE name = 'shop'").fetchone()[0]


# ---------------------------------------------------------------- F14: launch-blocking acceptances
def test_a_reviewer_cannot_accept_a_spof_or_unblock_a_risk_by_writing_directly(team, repo):
    db, urls, conns = team
    rv, ap = conns["reviewer"], conns["approver"]
    rid = _rid(rv)
    # a computed SPOF accepted in one insert, launch_blocking set false in the same write
    _refused(rv, ACCEPT_SPOF, (rid,), "only an approver may accept a launch-blocking risk")
    # a manual risk not marked either way (NULL: treated as launch-blocking): unmarked and accepted
    # in one update
    risk = "vendor-payfast-contract"
    assert _example().risks[risk].launch_blocking is None
    _refused(rv, "UPDATE risk SET launch_blocking = false, accepted_by = 'alice', accepted_at = '2026-12-03', "
                 "acceptance_reason = 'fine', accepted_until = '2099-01-01', status = 'accepted' "
                 "WHERE id = %s", (risk,), "only an approver")
    # a risk marked launch-blocking (pushed so): its mark taken away, then accepted, in two writes
    pulled = repo.pull("shop")
    pulled.review.risks[risk].launch_blocking = True
    repo.push(pulled.review, name="shop", base=pulled.version)
    _refused(rv, "UPDATE risk SET launch_blocking = false WHERE id = %s", (risk,),
             "only an approver may mark a launch-blocking risk not launch-blocking")
    # ... nor by deleting the row and inserting it again unmarked and accepted
    _refused(rv, "DELETE FROM risk WHERE id = %s", (risk,), "only an approver may delete a launch-blocking risk")
    # ... and with the row gone (an approver deleted it by hand), the stored assessment still counts
    # it blocking: inserted again unmarked and accepted, refused
    with ap.transaction():
        ap.execute("DELETE FROM risk_mitigation WHERE risk_id = %s", (risk,))
        ap.execute("DELETE FROM risk WHERE id = %s", (risk,))
    _refused(rv, ACCEPT_SPOF.replace("'spof:component:cart-db', 'computed'", "%s, 'manual'"), (rid, risk),
             "only an approver may accept")
    # a risk the stored assessment counts as blocking by rule (an SLO not attainable), inserted unmarked
    blocking = json.loads(rv.execute("SELECT blocking_risks::text FROM repo_assessment").fetchone()[0])
    slo = next(i for i in blocking if i.startswith("slo:"))
    _refused(rv, ACCEPT_SPOF.replace("'spof:component:cart-db'", "%s"), (rid, slo), "only an approver")
    assert set(repo.pull("shop").review.risks) == set()

    # what reviewers legitimately do still works: a new risk of their own, marked not blocking and
    # accepted; an owner changed on a blocking one, or a risk marked launch-blocking
    rv.execute(ACCEPT_SPOF.replace("'spof:component:cart-db', 'computed'", "'mine', 'manual'"), (rid,))
    rv.execute("UPDATE risk SET owner = 'bob' WHERE id = 'mine'")
    _refused(rv, "UPDATE risk SET launch_blocking = true WHERE id = 'mine'", (), "only an approver may accept")
    rv.execute("INSERT INTO risk SELECT review_id, 'mine2', origin, title, description, likelihood, impact, "
               "override_likelihood, override_impact, override_reason, true, components, owner, 'open' "
               "FROM risk WHERE id = 'mine'")
    # and the approver does what the reviewer could not
    _refused(rv, "UPDATE risk SET launch_blocking = false WHERE id = 'mine2'", (), "only an approver")
    ap.execute(ACCEPT_SPOF, (rid,))
    ap.execute("UPDATE risk SET launch_blocking = false WHERE id = 'mine2'")
    pulled = repo.pull("shop").review
    assert pulled.risks["spof:component:cart-db"].acceptance.by == "alice"
    assert pulled.risks["mine"].owner == "bob" and pulled.risks["mine2"].launch_blocking is False


def test_the_app_refuses_a_reviewers_spof_acceptance_too(team, repo):
    from prr_app.model.entities import Acceptance, Risk
    from prr_app.teamrepo.repository import Repository

    db, urls, conns = team
    with Repository(urls["reviewer"]) as r:
        pulled = r.pull("shop")
        pulled.review.risks["spof:component:cart-db"] = Risk(
            id="spof:component:cart-db", origin="computed", title="cart-db SPOF", components=["cart-db"],
            launch_blocking=False, status="accepted",
            acceptance=Acceptance(by="alice", at="2026-12-03", reason="we live with it", until="2099-01-01"))
        with pytest.raises(PrrError, match="refused by the database: only an approver may accept"):
            r.push(pulled.review, name="shop", base=pulled.version)
    assert _version(repo) == 1


# ---------------------------------------------------------------- F15: history and version by the database
def test_direct_writes_are_in_the_history_and_raise_the_version(team, repo):
    db, urls, conns = team
    rv = conns["reviewer"]
    rv.execute("SET application_name = 'sql-script'")
    rv.execute("UPDATE component SET owner = 'sql-direct' WHERE id = 'cart-db'")
    assert _version(repo) == 2
    entries = [e for e in repo.history("shop") if e.version == 2]
    assert [(e.element, e.field, e.old, e.new, e.by, e.client) for e in entries] == [
        ("component cart-db", "owner", _example().components["cart-db"].owner, "sql-direct", f"{db}_r", "sql-script")]
    assert entries[0].client_addr == "127.0.0.1"
    # several statements in one transaction are one version; an update changing nothing is no version
    with rv.transaction():
        rv.execute("UPDATE component SET owner = 'x' WHERE id = 'cart-db'")
        rv.execute("INSERT INTO layout (review_id, element, x, y) VALUES (%s, 'zz', 1, 2)", (_rid(rv),))
        rv.execute("UPDATE component SET tier = tier WHERE id = 'cart-db'")
    assert _version(repo) == 3
    assert {(e.element, e.field) for e in repo.history("shop") if e.version == 3} == {
        ("component cart-db", "owner"), ("layout zz", None)}
    rv.execute("UPDATE component SET tier = tier")
    assert _version(repo) == 3
    # a pull shows the direct writes, and the merge of an app's push knows who made them
    from prr_app.teamrepo.repository import Repository

    with Repository(urls["approver"]) as a:
        old = a.pull("shop")
    rv.execute("UPDATE component SET notes = 'by sql' WHERE id = 'cart-svc'")
    old.review.components["cart-svc"].notes = "by the app"
    with Repository(urls["approver"]) as a:
        with pytest.raises(PrrError, match=f"changed by {db}_r"):
            a.push(old.review, name="shop", base=old.version)


def test_an_app_push_is_recorded_once_with_its_client(team, repo):
    db, urls, conns = team
    from prr_app.teamrepo.repository import Repository

    with Repository(urls["reviewer"]) as r:
        pulled = r.pull("shop")
        pulled.review.components["cart-db"].owner = "team-a"
        pulled.review.meta.milestone = "GA"
        pushed = r.push(pulled.review, name="shop", base=pulled.version)
    assert pushed.version == 2 and pushed.written == 2
    entries = [e for e in repo.history("shop") if e.version == 2]
    assert sorted((e.element, e.field) for e in entries) == [("component cart-db", "owner"),
                                                             ("review details", "milestone")]
    assert {e.by for e in entries} == {f"{db}_r"} and all(e.client.startswith("prr-workbench") for e in entries)
    # the assessment is the pushed version's, stored by the pusher
    row = conns["reviewer"].execute("SELECT version, assessed_by FROM repo_assessment").fetchone()
    assert row == (2, f"{db}_r")


def test_the_history_and_versions_cannot_be_written_by_hand(team, repo):
    db, urls, conns = team
    rv, ap = conns["reviewer"], conns["approver"]
    rid = _rid(rv)
    _refused(rv, "INSERT INTO repo_change (review_id, version, table_name, row_key, field, old, new) "
                 "VALUES (%s, 2, 'review', '[1]', 'milestone', '\"x\"', '\"y\"')", (rid,), "permission denied")
    for conn in (rv, ap):
        _refused(conn, "UPDATE repo_review SET version = 99", (), "permission denied")
        _refused(conn, "UPDATE repo_review SET updated_at = now()", (), "kept by the database")
        _refused(conn, "DELETE FROM repo_change", (), "permission denied")
        _refused(conn, "UPDATE repo_change SET changed_by = 'nobody'", (), "permission denied")
    # nor by the owner: append-only for every role
    import psycopg

    with psycopg.connect(urls["reviewer"].replace(f"{db}_r:pw-123", "prr_admin:admin-secret"),
                         autocommit=True) as admin:
        with pytest.raises(psycopg.Error, match="append-only"):
            admin.execute("UPDATE repo_change SET changed_by = 'nobody'")
        with pytest.raises(psycopg.Error, match="append-only"):
            admin.execute("DELETE FROM repo_change")
    # a new review made by hand starts at version 1, made by whoever the server says
    rv.execute("INSERT INTO repo_review (name, version, created_by) VALUES ('hand', 50, 'someone-else')")
    assert {r.name: (r.version, r.updated_by) for r in repo.list()}["hand"] == (1, f"{db}_r")


# ---------------------------------------------------------------- F16: the portfolio's figures
def test_a_reviewer_cannot_forge_the_portfolio(team, repo):
    db, urls, conns = team
    rv = conns["reviewer"]
    rid = _rid(rv)
    _refused(rv, "UPDATE repo_assessment SET verdict = 'ready', launch_blockers = 0 WHERE review_id = %s", (rid,),
             "permission denied")
    _refused(rv, "DELETE FROM repo_impact", (), "permission denied")
    forged = json.dumps({"system": "x", "verdict": "ready", "launch_blockers": 0, "slo_not_attainable": [],
                         "acceptances": [], "dues": []})
    # the one function that writes it stores only with a change of the review, in its transaction
    _refused(rv, "SELECT prr_store_assessment(%s, %s::json, '[]'::json)", (rid, forged),
             "only with a change of the review")
    code, out, err = prr("repo", "portfolio", "--json", "--repo", repo.url)
    (row,) = json.loads(out)
    assert row["verdict"] == "not-ready" and row["launch_blockers"] == 26 and row["assessed"]
    # a direct change of the review leaves the stored figures behind: the portfolio says so
    rv.execute("UPDATE component SET owner = 'x' WHERE id = 'cart-db'")
    assert repo.portfolio()[0]["assessed"] is False
    # one stored with a change is signed by who stored it
    with rv.transaction():
        rv.execute("UPDATE component SET owner = 'y' WHERE id = 'cart-db'")
        rv.execute("SELECT prr_store_assessment(%s, %s::json, '[]'::json)", (rid, forged))
    (row,) = repo.portfolio()
    assert row["verdict"] == "ready" and row["assessed_by"] == f"{db}_r"


# ---------------------------------------------------------------- F17: checklist progress, one blocker count
@pytest.mark.parametrize("example", ["webshop", "platform"])
def test_the_portfolio_has_the_reports_checklist_progress_and_blockers(repo, example):
    from prr_app.reporting.assessment import build_assessment

    review = _example(example)
    repo.push(review, name=example)
    a = build_assessment(review)
    progress = a.checklist_progress()
    (row,) = repo.portfolio()
    assert row["launch_blockers"] == len(a.blockers) + a.checklist_open_blockers()
    assert row["checklist_score"] == pytest.approx(progress["score"])
    assert (row["checklist_answered"], row["checklist_applicable"]) == (progress["answered"], progress["total"])
    assert row["checklist_blockers"] == a.checklist_open_blockers() > 0
    code, out, err = prr("repo", "portfolio", "--repo", repo.url)
    assert code == 0 and f"checklist {score_text(progress['score'])}," in out


# ---------------------------------------------------------------- sign-offs against the verdict
def test_a_signoff_against_the_stored_verdict_needs_a_reason(team, repo):
    db, urls, conns = team
    code, out, err = prr("repo", "signoff", "shop", "ready", "--repo", urls["approver"])
    # one line, the verdicts spelt as the command line's choices, no PL/pgSQL call stack (CONTEXT: ...)
    assert code == 2 and "the sign-off ready disagrees with the review's verdict (not_ready)" in err
    assert "CONTEXT" not in err and "PL/pgSQL" not in err and "not-ready" not in err and err.count("\n") == 1
    assert prr("repo", "signoff", "shop", "not_ready", "--repo", urls["approver"])[0] == 0
    code, out, err = prr("repo", "signoff", "shop", "ready", "--note", "CTO accepts the risk",
                         "--repo", urls["approver"])
    assert code == 0, err
    _refused(conns["reviewer"], "INSERT INTO repo_signoff (review_id, version, verdict, note) "
                                "SELECT id, version, 'ready', 'x' FROM repo_review", (), "permission denied")
    rows = conns["approver"].execute("SELECT verdict, signed_by, assessed_verdict FROM repo_signoff "
                                     "ORDER BY id").fetchall()
    assert rows == [("not_ready", f"{db}_a", "not-ready"), ("ready", f"{db}_a", "not-ready")]
    (row,) = repo.portfolio()
    assert row["signoff"]["verdict"] == "ready" and row["signoff"]["by"] == f"{db}_a"


# ---------------------------------------------------------------- the migration from schema 0009
def test_migration_from_0009_on_a_populated_repository(pg):
    """A repository written by the app with schema 0009 (a review, its history, its assessment made
    by the app), upgraded: kept as it was, and from then on the database keeps the rules; the
    downgrade gives 0009's rights back and upgrading again works."""
    import os

    import psycopg
    from sqlalchemy import insert, update

    from prr_app.teamrepo import merge, rows, schema
    from prr_app.teamrepo.assessment import assess
    from prr_app.teamrepo.repository import Repository

    db = f"prr_0009_{os.getpid()}"
    url = pg.create_database(db)
    review = _example()
    with Repository(url) as repo:
        assert repo.init(to="0009") == (None, "0009")
        with repo.engine.begin() as conn:  # as the app with schema 0009 wrote them
            rr, ch = schema.repo_review, schema.repo_change
            rid = conn.execute(insert(rr).values(name="shop", version=0).returning(rr.c.id)).scalar()
            written = rows.review_rows(review)  # without the columns later revisions (0011, 0013) added
            written["risk"] = {k: {c: v for c, v in r.items() if c != "history"} for k, r in written["risk"].items()}
            written["dependency"] = {k: {c: v for c, v in r.items() if c != "kind_stated"}
                                     for k, r in written["dependency"].items()}
            changes = merge.diff({}, written)
            Repository._apply(conn, rid, changes, written)
            conn.execute(insert(ch), [{"review_id": rid, "version": 1, "table_name": c.table,
                                       "row_key": list(c.key), "field": c.field, "old": c.old, "new": c.new}
                                      for c in changes])
            conn.execute(update(rr).where(rr.c.id == rid).values(version=1))
            row, impacts = assess(review)
            old_columns = {c.name for c in schema.repo_assessment.c} - {"checklist_answered", "checklist_applicable",
                                                                         "blocking_risks", "assessed_by", "assessed_at"}
            conn.execute(insert(schema.repo_assessment).values(
                review_id=rid, version=1, **{k: v for k, v in row.items() if k in old_columns}))
    reviewer = _login(pg, db, f"{db}_r", "reviewer")
    with psycopg.connect(reviewer, autocommit=True) as c:  # before: a direct write leaves no trace
        c.execute("UPDATE component SET notes = 'before' WHERE id = 'cart-db'")
    with Repository(url) as repo:
        assert repo.init() == ("0009", "0013")
        history = repo.history("shop")
        assert len(history) == len(changes) and {e.version for e in history} == {1}
        (p,) = repo.portfolio()
        assert p["verdict"] == "not-ready" and p["checklist_answered"] is None and p["version"] == 1
        pulled = repo.pull("shop")
        assert pulled.review.components["cart-db"].notes == "before"
    with psycopg.connect(reviewer, autocommit=True) as c:  # after: in the history, a new version
        c.execute("UPDATE component SET notes = 'after' WHERE id = 'cart-db'")
        with pytest.raises(psycopg.Error, match="permission denied"):
            c.execute("UPDATE repo_assessment SET verdict = 'ready'")
    with Repository(reviewer) as r:
        assert [(e.version, e.field, e.old, e.new) for e in r.history("shop") if e.version == 2] == [
            (2, "notes", "before", "after")]
        pulled.review.meta.milestone = "GA"  # the app's push merges with the psql change
        pushed = r.push(pulled.review, name="shop", base=pulled.version)
        assert pushed.version == 3 and pushed.review.components["cart-db"].notes == "after"
        assert r.portfolio()[0]["checklist_answered"] == 70
    # down to 0009 and up again
    from alembic import command

    with Repository(url) as repo:
        with repo.engine.begin() as conn:
            command.downgrade(repo._alembic(conn), "0009")
            assert repo._revision(conn) == "0009"
        assert repo.init() == ("0009", "0013")
    with psycopg.connect(reviewer, autocommit=True) as c:
        c.execute("UPDATE component SET notes = 'again' WHERE id = 'cart-db'")
    with Repository(url) as repo:
        assert {r.name: r.version for r in repo.list()} == {"shop": 4}
