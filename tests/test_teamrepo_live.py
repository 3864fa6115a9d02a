"""What an open window reads to catch up with other reviewers' commits: only the elements changed
since its version (``Repository.changes_since``), checked against the plain oracle of a full pull;
who made them; and the history index (schema 0009) migrated from the schema before."""
from __future__ import annotations

import copy
import os
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _login, _without_origin, pg, prr, repo, repo_url  # noqa: E402,F401

from prr_app.review import edits  # noqa: E402


def _elements(review) -> dict:
    """Every element of a review, by (collection, key): what a window holds."""
    out = {("meta", ""): review.meta, ("policy", ""): review.policy}
    for coll in edits.COLLECTIONS + ("imports", "proposals"):
        for k, v in getattr(review, coll).items():
            out[(coll, k)] = v
    return out


def _take_in(window, delta) -> None:
    """What the app does with a delta: each listed element replaced by its value now, or removed."""
    for coll, key in delta.elements:
        if coll in edits.SINGLES:
            setattr(window, coll, copy.deepcopy(getattr(delta.review, coll)))
        elif key in getattr(delta.review, coll):
            getattr(window, coll)[key] = copy.deepcopy(getattr(delta.review, coll)[key])
        else:
            getattr(window, coll).pop(key, None)


def _random_edit(review, rng: random.Random, n: int) -> list:
    comps = sorted(review.components)
    kind = rng.choice(["field", "add", "delete", "mitigation", "meta", "policy", "move", "dependency"])
    if kind == "field" and comps:
        return edits.set_fields(review, "components", rng.choice(comps), owner=f"owner-{n}", replicas=rng.randint(1, 5))
    if kind == "add" or not comps:
        return edits.add_component(review, f"new-{n}", edits.Position(10.0 * n, 20.0), owner="added")
    if kind == "delete" and len(comps) > 4:
        return edits.delete(review, [rng.choice(comps)])
    if kind == "mitigation" and review.risks:
        return edits.add_mitigation(review, rng.choice(sorted(review.risks)), f"mitigation {n}")[1]
    if kind == "policy":
        return edits.set_policy(review, rng.choice(edits.policy_terms(review)), survive=rng.random() < 0.5,
                                rto=rng.choice([None, 30, 60]))
    if kind == "move" and comps:
        return edits.change_move(review, {rng.choice(comps): (rng.uniform(0, 900), rng.uniform(0, 600))})
    if kind == "dependency" and len(comps) > 1:
        a, b = rng.sample(comps, 2)
        if f"{a}->{b}" not in review.dependencies:
            return edits.add_dependency(review, a, b, "soft")
    return edits.set_fields(review, "meta", "", milestone=f"milestone {n}")


@pytest.mark.parametrize("seed", [1, 2])
def test_changes_since_a_version_bring_a_window_to_the_current_review(repo, seed):
    """Oracle: the review pulled whole. From any earlier version, taking in the delta gives it; the
    delta holds only the elements it lists, and lists every element that differs."""
    rng = random.Random(seed)
    repo.push(_example(), name="shop")
    at = {1: _without_origin(repo.pull("shop").review)}
    for n in range(14):
        pulled = repo.pull("shop")
        for _ in range(rng.randint(1, 3)):
            edits.apply_changes(pulled.review, _random_edit(pulled.review, rng, n))
        pushed = repo.push(pulled.review, name="shop", base=pulled.version)
        at[pushed.version] = _without_origin(repo.pull("shop").review)
    now = max(at)
    assert now > 10
    for since in sorted(at):
        delta = repo.changes_since("shop", since)
        assert (delta.since, delta.version, delta.by) == (since, now, ["prr_admin"] if since < now else [])
        window = copy.deepcopy(at[since])
        _take_in(window, delta)
        assert window == at[now]
        before, after = _elements(at[since]), _elements(at[now])
        differ = {e for e in set(before) | set(after) if before.get(e) != after.get(e)}
        assert differ <= set(delta.elements)
        listed = set(delta.elements)
        assert all(e in listed for e in _elements(delta.review) if e[0] not in edits.SINGLES)  # nothing else read
    assert repo.changes_since("shop", now).elements == []


def test_changes_since_names_who_made_them_and_refuses_a_future_version(pg, repo):
    from sqlalchemy.engine import make_url

    from prr_app.errors import PrrError
    from prr_app.teamrepo.repository import Repository

    repo.push(_example(), name="shop")
    db = make_url(repo.url).database
    with Repository(_login(pg, db, f"{db}_bob", "reviewer")) as bob:
        p = bob.pull("shop")
        p.review.components["cart-db"].owner = "bob's team"
        bob.push(p.review, name="shop", base=p.version)
    delta = repo.changes_since("shop", 1)
    assert delta.by == [f"{db}_bob"] and delta.elements == [("components", "cart-db")]
    assert delta.review.components["cart-db"].owner == "bob's team" and set(delta.review.components) == {"cart-db"}
    # a push from version 1 merges bob's change, and says who made it
    mine = _example()
    mine.meta.milestone = "GA"
    pushed = repo.push(mine, name="shop", base=1)
    assert pushed.by == [f"{db}_bob"] and pushed.merged == 1
    with pytest.raises(PrrError, match="newer than the repository"):
        repo.changes_since("shop", 99)
    with pytest.raises(PrrError, match="no such review"):
        repo.changes_since("nothing", 1)


def test_the_history_index_is_migrated_from_schema_0008(pg):
    from sqlalchemy import insert, text, update

    from prr_app.teamrepo import merge, rows, schema
    from prr_app.teamrepo.repository import Repository

    url = pg.create_database(f"prr_0008_{os.getpid()}")
    review = _example()
    with Repository(url) as repo:
        assert repo.init(to="0008") == (None, "0008")
        with repo.engine.begin() as conn:  # a review and its history as the app with schema 0008 wrote them
            rr, ch = schema.repo_review, schema.repo_change
            rid = conn.execute(insert(rr).values(name="shop", version=0).returning(rr.c.id)).scalar()
            def written(r):  # without the columns later revisions (0011, 0013) added
                out = rows.review_rows(r)
                out["risk"] = {k: {c: v for c, v in x.items() if c != "history"} for k, x in out["risk"].items()}
                out["dependency"] = {k: {c: v for c, v in x.items() if c != "kind_stated"}
                                     for k, x in out["dependency"].items()}
                return out

            for version, new in enumerate((review, _changed(review)), start=1):
                old = written(review) if version > 1 else {}
                changes = merge.diff(old, written(new))
                Repository._apply(conn, rid, changes, written(new))
                conn.execute(insert(ch), [{"review_id": rid, "version": version, "table_name": c.table,
                                           "row_key": list(c.key), "field": c.field, "old": c.old, "new": c.new}
                                          for c in changes])
                conn.execute(update(rr).where(rr.c.id == rid).values(version=version))
    code, out, err = prr("repo", "init", "--repo", url)
    assert code == 0 and "upgraded from schema 0008 to 0013" in out, err
    with Repository(url) as repo:
        with repo.engine.begin() as conn:
            indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'repo_change'"))
                          .scalars())
        assert "ix_repo_change_review_version" in indexes and "ix_repo_change_review_id" not in indexes
        delta = repo.changes_since("shop", 1)
        assert delta.elements == [("components", "cart-db")] and delta.review.components["cart-db"].owner == "x"
        assert _without_origin(repo.pull("shop").review) == _changed(review)


def _changed(review):
    out = copy.deepcopy(review)
    out.components["cart-db"].owner = "x"
    return out
