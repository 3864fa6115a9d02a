"""A dependency's ``kind_stated`` in the team repository (schema 0013): a repository written before
keeps its reviews (their calls not stated), a stated kind is pushed, pulled, kept in the history and
merged as any other field."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, pg, repo, repo_url  # noqa: E402,F401

CALL = "checkout-svc->payments-api"


def test_a_repository_of_schema_0012_is_upgraded_keeping_its_reviews(pg):
    import os

    from sqlalchemy import insert, update

    from prr_app.teamrepo import merge, rows, schema
    from prr_app.teamrepo.repository import Repository

    url = pg.create_database(f"prr_0012_{os.getpid()}")
    review = _example()
    with Repository(url) as repo:
        assert repo.init(to="0012") == (None, "0012")
        with repo.engine.begin() as conn:  # the review as the app with schema 0012 wrote it
            rr = schema.repo_review
            rid = conn.execute(insert(rr).values(name="shop", version=0).returning(rr.c.id)).scalar()
            written = rows.review_rows(review)
            written["dependency"] = {k: {c: v for c, v in r.items() if c != "kind_stated"}
                                     for k, r in written["dependency"].items()}
            Repository._apply(conn, rid, merge.diff({}, written), written)
            conn.execute(update(rr).where(rr.c.id == rid).values(version=1))
        assert repo.init() == ("0012", "0013")
        pulled = repo.pull("shop")
        assert pulled.review.dependencies and not any(d.kind_stated for d in pulled.review.dependencies.values())
        # and from now on a stated kind is kept
        pulled.review.dependencies[CALL].kind_stated = True
        pushed = repo.push(pulled.review, name="shop", base=pulled.version)
        assert pushed.written == 1
        assert repo.pull("shop").review.dependencies[CALL].kind_stated is True


def test_a_stated_kind_is_pushed_pulled_and_kept_in_the_history(repo):
    review = _example()
    review.dependencies[CALL].kind_stated = True
    repo.push(review, name="shop")
    pulled = repo.pull("shop")
    assert pulled.review.dependencies[CALL].kind_stated is True
    pulled.review.dependencies[CALL].kind_stated = False
    repo.push(pulled.review, name="shop", base=pulled.version)
    changes = [(e.element, e.field, e.old, e.new) for e in repo.history("shop") if e.field == "kind_stated"]
    assert changes == [(f"dependency {CALL}", "kind_stated", True, False)], changes


def test_one_reviewer_stating_a_kind_while_another_edits_the_call_merges_both(repo):
    repo.push(_example(), name="shop")
    mine, theirs = repo.pull("shop"), repo.pull("shop")
    theirs.review.dependencies[CALL].timeout_ms = 750
    repo.push(theirs.review, name="shop", base=theirs.version)
    mine.review.dependencies[CALL].kind_stated = True
    pushed = repo.push(mine.review, name="shop", base=mine.version)
    assert pushed.merged >= 1
    dep = repo.pull("shop").review.dependencies[CALL]
    assert (dep.kind_stated, dep.timeout_ms) == (True, 750)
