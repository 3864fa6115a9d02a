"""The team repository on a real PostgreSQL server, started and stopped by these tests.

The server is Debian's PostgreSQL (``postgresql-15``, installed by scripts/ensure-system-deps.sh
for ``make test``); as root it runs as the unprivileged ``postgres`` user. Without the
binaries the tests are skipped on a developer's machine, and fail on CI (``CI`` set).
"""
from __future__ import annotations

import contextlib
import io
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg_server  # noqa: E402
import teamrepo_workers  # noqa: E402

from prr_app.errors import PrrError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
REALDATA = ROOT.parent / "shared" / "realdata"
_db_names = itertools.count()


def _need_server():
    if pg_server.find_bin_dir() is None:
        msg = "PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(msg + " (CI must install them: scripts/ensure-system-deps.sh)")
        pytest.skip(msg)


@pytest.fixture(scope="session")
def pg():
    _need_server()
    server = pg_server.start_server()
    yield server
    server.cleanup()


@pytest.fixture
def repo_url(pg):
    """A new, initialised repository database; its URL (admin through the Unix socket)."""
    from prr_app.teamrepo.repository import Repository

    name = f"prr_t{os.getpid()}_{next(_db_names)}"
    url = pg.create_database(name)
    with Repository(url) as repo:
        repo.init()
    return url


@pytest.fixture
def repo(repo_url):
    from prr_app.teamrepo.repository import Repository

    with Repository(repo_url) as r:
        yield r


def prr(*args, env: dict | None = None):
    """The prr program in this process: (exit code, stdout, stderr)."""
    from prr_app.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(old)
    return code, out.getvalue(), err.getvalue()


def _example(name="webshop"):
    from prr_app.interchange.json_io import read_review_json

    return read_review_json(EXAMPLES / f"{name}.json")


def _without_origin(review):
    from prr_app.teamrepo.repository import ORIGIN_ID

    review.imports.pop(ORIGIN_ID, None)
    return review


def _load(path):
    from prr_app.review.document import load_review

    return load_review(path)


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("example", ["webshop", "platform"])
def test_push_then_pull_gives_the_same_review_as_the_prr_file(repo_url, tmp_path, example):
    from prr_app.review.document import save_review

    src = tmp_path / f"{example}.prr"
    save_review(_example(example), src)
    original = _load(src)
    before = src.read_bytes()
    code, out, err = prr("repo", "push", src, "--repo", repo_url)
    assert code == 0, err
    name = out.strip()  # printed: the name in the repository, from the system name
    assert name == original.meta.system_name.replace(" ", "-")
    code, out, err = prr("repo", "pull", name, "-o", tmp_path / "back.prr", "--repo", repo_url)
    assert code == 0, err
    back = _load(tmp_path / "back.prr")
    from prr_app.teamrepo.repository import origin

    assert origin(back) == (name, 1)  # the pulled file remembers the version it came from
    assert _without_origin(back) == original
    assert _without_origin(_load(src)) == original  # the pushed file: same review, now with its origin
    assert src.read_bytes() != before
    code, out, err = prr("repo", "pull", f"repo:{name}", "-o", tmp_path / "back.json", "--repo", repo_url)
    assert code == 0, err
    assert _without_origin(_load(tmp_path / "back.json")) == original


def test_real_imports_round_trip(repo, tmp_path):
    from prr_app.review.importing import import_review

    for folder in ("online-boutique", "sock-shop", "opentelemetry-demo"):
        paths = [str(p) for p in sorted((REALDATA / folder).iterdir()) if p.suffix in (".yaml", ".yml")]
        if not paths:
            continue
        review = import_review(paths, "auto").review  # with the answers proposed from evidence (issue 21)
        assert review.proposals
        pushed = repo.push(review, name=folder)
        assert pushed.created and pushed.version == 1
        assert _without_origin(repo.pull(folder).review) == review
    names = [i.name for i in repo.list()]
    assert names == sorted(names) and len(names) >= 2


def _copy_example(tmp_path, name="webshop") -> Path:
    target = tmp_path / f"{name}.json"
    target.write_bytes((EXAMPLES / f"{name}.json").read_bytes())
    return target


def test_list_json_and_unknown_names(repo_url, tmp_path):
    import json

    code, out, err = prr("repo", "list", "--json", "--repo", repo_url)
    assert (code, json.loads(out)) == (0, [])
    code, out, err = prr("repo", "push", _copy_example(tmp_path), "--repo", repo_url, "--name", "shop")
    assert (code, out) == (0, "shop\n")
    code, out, err = prr("repo", "list", "--json", "--repo", repo_url)
    listed = json.loads(out)
    assert [(i["name"], i["version"], i["system"]) for i in listed] == [("shop", 1, "Acme Web Shop")]
    code, out, err = prr("repo", "pull", "nope", "-o", tmp_path / "never.prr", "--repo", repo_url)
    assert code == 2 and "repo:nope: no such review" in err and err.count("\n") == 1
    assert not (tmp_path / "never.prr").exists()


def test_pushing_a_second_review_under_a_taken_name_is_refused(repo, tmp_path):
    review = _example()
    repo.push(review, name="shop")
    with pytest.raises(PrrError, match="already in the repository"):
        repo.push(_example(), name="shop")
    assert repo.pull("shop").version == 1
    bad = _example()
    next(iter(bad.components.values())).replicas = -3
    with pytest.raises(PrrError, match="not a valid review"):
        repo.push(bad, name="bad")
    assert [i.name for i in repo.list()] == ["shop"]


# ---------------------------------------------------------------- editing together
def _processes():
    """Separate writer processes, forked from a clean server process that has imported what a
    writer needs once (not from this process, with its threads and open connections)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["teamrepo_workers", "prr_app.teamrepo.repository", "sqlalchemy", "psycopg"])
    return ctx


def test_edits_to_different_elements_merge(repo):
    review = _example()
    repo.push(review, name="shop")
    a, b = repo.pull("shop"), repo.pull("shop")
    ca, cb = list(a.review.components)[:2]
    a.review.components[ca].replicas = 5
    b.review.components[cb].owner = "team-b"
    del b.review.journeys[next(iter(b.review.journeys))]
    pa = repo.push(a.review, name="shop", base=a.version)
    pb = repo.push(b.review, name="shop", base=b.version)
    assert (pa.version, pb.version, pb.merged) == (2, 3, 1)
    final = repo.pull("shop").review
    assert final.components[ca].replicas == 5 and final.components[cb].owner == "team-b"
    assert len(final.journeys) == len(review.journeys) - 1
    assert _without_origin(pb.review) == _without_origin(final)  # what the push returned is what is stored


def test_same_field_on_both_sides_is_a_conflict_and_the_cli_writes_nothing(repo_url, tmp_path):
    from prr_app.review.document import save_review
    from prr_app.teamrepo.repository import Repository

    code, out, err = prr("repo", "push", _copy_example(tmp_path), "--repo", repo_url, "--name", "shop")
    assert (code, out) == (0, "shop\n")
    with Repository(repo_url) as repo:
        a, b = repo.pull("shop"), repo.pull("shop")
    comp = next(iter(a.review.components))
    a.review.components[comp].replicas = 3
    b.review.components[comp].replicas = 4
    b.review.components[comp].notes = "mine only"
    fa, fb = tmp_path / "a.prr", tmp_path / "b.prr"
    save_review(a.review, fa)
    save_review(b.review, fb)
    assert prr("repo", "push", fa, "--repo", repo_url)[0] == 0
    before = fb.read_bytes()
    code, out, err = prr("repo", "push", fb, "--repo", repo_url)
    assert code == 1 and out == ""
    assert f"component {comp} field replicas: yours 4, theirs 3 (changed by prr_admin" in err
    assert "nothing written" in err and "field notes" not in err  # a conflict on replicas only; notes is among the changes not written
    assert fb.read_bytes() == before
    with Repository(repo_url) as repo:
        now = repo.pull("shop")
    assert now.version == 2 and now.review.components[comp].notes != "mine only"


def test_deleted_on_one_side_changed_on_the_other_is_a_conflict(repo):
    from prr_app.teamrepo.repository import ConflictError

    repo.push(_example(), name="shop")
    a, b = repo.pull("shop"), repo.pull("shop")
    comp = next(c for c in a.review.components if not any(
        d.source == c or d.target == c for d in a.review.dependencies.values()))
    del a.review.components[comp]
    b.review.components[comp].owner = "someone"
    repo.push(a.review, name="shop", base=a.version)
    with pytest.raises(ConflictError) as e:
        repo.push(b.review, name="shop", base=b.version)
    assert "you changed it, the repository has it deleted" in e.value.conflicts[0].describe()
    # the user picks their side of every conflict (what the app's conflict picker hands on)
    pick = {(c.table, c.key, c.field): "mine" for c in e.value.conflicts}
    pushed = repo.push(b.review, name="shop", base=b.version, pick=pick)
    assert pushed.version == 3 and repo.pull("shop").review.components[comp].owner == "someone"


def test_a_merge_that_would_break_the_review_is_refused(repo):
    from prr_app.model.entities import Component, Dependency
    from prr_app.teamrepo.repository import ConflictError

    review = _example()
    review.add(Component(id="lonely"))
    repo.push(review, name="shop")
    a, b = repo.pull("shop"), repo.pull("shop")
    del a.review.components["lonely"]
    src = next(iter(b.review.components))
    b.review.add(Dependency(src, "lonely"))
    repo.push(a.review, name="shop", base=a.version)
    with pytest.raises(ConflictError) as e:
        repo.push(b.review, name="shop", base=b.version)
    text = e.value.conflicts[0].describe()
    assert "together are not a valid review" in text and "lonely" in text
    assert repo.pull("shop").version == 2


def test_the_same_answer_given_on_both_sides_keeps_both_history_entries(repo):
    from prr_app.model.entities import AnswerChange, ChecklistAnswer

    repo.push(_example(), name="shop")
    a, b = repo.pull("shop"), repo.pull("shop")
    for pulled, who, at in ((a, "alice", "2026-01-02T10:00:00+00:00"), (b, "bob", "2026-01-02T11:00:00+00:00")):
        pulled.review.answers["x.new-item"] = ChecklistAnswer(
            "x.new-item", status="met", changed_by=who, changed_at=at,
            history=[AnswerChange(at=at, by=who, status="met")])
    repo.push(a.review, name="shop", base=a.version)
    repo.push(b.review, name="shop", base=b.version)
    ans = repo.pull("shop").review.answers["x.new-item"]
    assert ans.changed_by == "bob" and [h.by for h in ans.history] == ["alice", "bob"]


@pytest.mark.slow
def test_twenty_concurrent_writer_processes_lose_nothing(repo):
    repo.push(_example(), name="shop")
    ctx = _processes()
    n = 20
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            done = pool.starmap(teamrepo_workers.concurrent_writer, [(repo.url, "shop", i, barrier) for i in range(n)])
    final = repo.pull("shop")
    assert sorted(done) == sorted(f"writer-{i}" for i in range(n))
    assert all(f"writer-{i}" in final.review.components for i in range(n))
    assert all(f"w.item-{i}" in final.review.answers for i in range(n))
    assert final.version == 1 + n
    versions = {e.version for e in repo.history("shop")}
    assert versions == set(range(1, n + 2))


def test_a_writer_killed_mid_transaction_leaves_the_review_as_it_was(repo, tmp_path):
    repo.push(_example(), name="shop")
    flag = tmp_path / "flag"
    proc = _processes().Process(target=teamrepo_workers.writer_that_hangs, args=(repo.url, "shop", str(flag)))
    proc.start()
    try:
        end = time.monotonic() + 120
        while not flag.exists() and proc.is_alive() and time.monotonic() < end:
            time.sleep(0.05)
        assert flag.exists(), "the writer never reached its transaction"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
    finally:
        if proc.is_alive():
            proc.kill()
    after = repo.pull("shop")  # waits for nothing: the killed writer's lock went with its connection
    assert after.version == 1
    assert not any(c.owner == "half-written" for c in after.review.components.values())
    after.review.meta.milestone = "GA"
    assert repo.push(after.review, name="shop", base=after.version).version == 2


def test_the_server_stopped_and_restarted_mid_session(tmp_path):
    """A repository object whose server goes away says so clearly, then works when it is back."""
    _need_server()
    from prr_app.teamrepo.repository import Repository

    server = pg_server.start_server()
    try:
        url = server.create_database("restart")
        with Repository(url) as repo:
            repo.init()
            repo.push(_example(), name="shop")
            pulled = repo.pull("shop")
            pulled.review.meta.milestone = "beta"
            server.kill()
            with pytest.raises(PrrError, match="cannot"):
                repo.push(pulled.review, name="shop", base=pulled.version)
            server.restart()
            pg_server.wait_until_ready(server)
            assert repo.push(pulled.review, name="shop", base=pulled.version).version == 2
            assert repo.pull("shop").review.meta.milestone == "beta"
    finally:
        server.cleanup()


# ---------------------------------------------------------------- roles, enforced by the database
def _login(pg, db: str, user: str, kind: str | None, password: str = "pw-123") -> str:
    from prr_app.teamrepo.schema import role_name

    pg.psql(db, f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'")
    if kind:
        pg.psql(db, f'GRANT "{role_name(db, kind)}" TO "{user}"')
    return pg.tcp_url(db, user, password)


def _psql_as(pg, db, user, sql, password="pw-123"):
    env = dict(os.environ, PGPASSWORD=password)
    return subprocess.run([os.path.join(pg.bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                           "-p", str(pg.port), "-U", user, "-d", db, "-c", sql], capture_output=True, text=True,
                          env=env)


def test_roles_are_enforced_by_the_database_not_only_the_app(pg, repo):
    from sqlalchemy.engine import make_url

    from prr_app.teamrepo.repository import Repository

    db = make_url(repo.url).database
    repo.push(_example(), name="shop")
    viewer = _login(pg, db, f"{db}_v", "viewer")
    reviewer = _login(pg, db, f"{db}_r", "reviewer")
    approver = _login(pg, db, f"{db}_a", "approver")
    _login(pg, db, f"{db}_nobody", None)

    # a viewer reads, and cannot write even with psql, going around the app
    r = _psql_as(pg, db, f"{db}_v", "SELECT count(*) FROM component")
    assert r.returncode == 0
    r = _psql_as(pg, db, f"{db}_v", "UPDATE component SET owner = 'mallory'")
    assert r.returncode != 0 and "permission denied" in r.stderr
    with Repository(viewer) as v:
        pulled = v.pull("shop")
        pulled.review.meta.milestone = "viewer edit"
        with pytest.raises(PrrError, match="refused by the database: permission denied"):
            v.push(pulled.review, name="shop", base=pulled.version)
    # a role with no repository role cannot even read
    r = _psql_as(pg, db, f"{db}_nobody", "SELECT count(*) FROM component")
    assert r.returncode != 0 and "permission denied" in r.stderr

    # a reviewer edits, but accepting a launch-blocking risk or signing off takes an approver
    risk = next(iter(_example().risks))
    with Repository(reviewer) as rv:
        pulled = rv.pull("shop")
        pulled.review.meta.milestone = "reviewed"
        rv.push(pulled.review, name="shop", base=pulled.version)
        with pytest.raises(PrrError, match="refused by the database: permission denied"):
            rv.signoff("shop", "ready")
    sql = (f"UPDATE risk SET launch_blocking = true, accepted_by = 'r', accepted_at = '2026-01-01', "
           f"acceptance_reason = 'meh' WHERE id = '{risk}'")
    r = _psql_as(pg, db, f"{db}_r", sql)
    assert r.returncode != 0 and "only an approver may accept a launch-blocking risk" in r.stderr
    r = _psql_as(pg, db, f"{db}_a", sql)
    assert r.returncode == 0, r.stderr
    with Repository(approver) as ap:  # the approver's acceptance with psql was version 3 (schema 0010)
        assert ap.signoff("shop", "not_ready", "blockers open") == 3

    # the history is append-only for everyone, and its author is who the server says
    for user in (f"{db}_r", f"{db}_a"):
        r = _psql_as(pg, db, user, "DELETE FROM repo_change")
        assert r.returncode != 0
    r = pg.psql(db, "UPDATE repo_change SET changed_by = 'nobody'", check=False)
    assert r.returncode != 0 and "append-only" in r.stderr
    # only the database writes the history (schema 0010): a reviewer's own history row is refused,
    # and the psql writes above are in it, signed by who made them
    forge = ("INSERT INTO repo_change (review_id, version, table_name, row_key, field, old, new, changed_by) "
             "SELECT id, version, 'review', '[1]', 'milestone', '\"x\"', '\"y\"', 'someone-else' FROM repo_review")
    r = _psql_as(pg, db, f"{db}_r", forge)
    assert r.returncode != 0 and "permission denied" in r.stderr
    assert {e.by for e in repo.history("shop") if e.version == 2} == {f"{db}_r"}
    assert {(e.by, e.element, e.field) for e in repo.history("shop") if e.version == 3} >= {
        (f"{db}_a", f"risk {risk}", "accepted_by")}


# ---------------------------------------------------------------- credentials and connections
def test_a_password_never_appears_in_an_error(pg, repo_url):
    from sqlalchemy.engine import make_url

    db = make_url(repo_url).database
    _login(pg, db, f"{db}_pw", "viewer", password="right-pw")
    secret = "s3cret-Pa55word"
    bad = pg.tcp_url(db, f"{db}_pw", secret)
    code, out, err = prr("repo", "list", "--repo", bad)
    assert code == 2 and secret not in err and secret not in out
    assert "password authentication failed" in err
    code, out, err = prr("repo", "list", env={"PRR_REPO": bad.replace("127.0.0.1:", "127.0.0.1:1")})
    assert code == 2 and secret not in err
    # PGPASSWORD is one of the accepted sources: no password in the URL at all
    no_pw = f"postgresql://{db}_pw@127.0.0.1:{pg.port}/{db}"
    code, out, err = prr("repo", "list", "--repo", no_pw, env={"PGPASSWORD": "right-pw"})
    assert code == 0, err


def test_sslmode_is_passed_to_libpq(pg, repo_url):
    from sqlalchemy.engine import make_url

    db = make_url(repo_url).database
    url = pg.tcp_url(db, "prr_admin", pg_server.ADMIN_PASSWORD) + "?sslmode=require"
    code, out, err = prr("repo", "list", "--repo", url)
    assert code == 2 and "SSL" in err and pg_server.ADMIN_PASSWORD not in err
    code, out, err = prr("repo", "list", "--repo", url.replace("require", "disable"))
    assert code == 0, err


def test_bad_urls_and_missing_repository_are_one_line_errors(repo_url, monkeypatch):
    monkeypatch.delenv("PRR_REPO", raising=False)
    code, out, err = prr("repo", "list")
    assert code == 2 and "PRR_REPO" in err
    code, out, err = prr("repo", "list", "--repo", "mysql://u:hunter2@h/db")
    assert code == 2 and "not a PostgreSQL URL" in err and "hunter2" not in err
    code, out, err = prr("repo", "list", "--repo", repo_url.replace("/prr_t", "/postgres?x=/prr_t").split("?x=")[0]
                         + "?" + repo_url.split("?")[1])
    assert code == 2 and "not a PRR repository" in err


# ---------------------------------------------------------------- schema and migrations
def test_the_migrations_create_exactly_the_models(pg, repo_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from prr_app.teamrepo.connection import parse_url
    from prr_app.teamrepo.schema import metadata

    engine = create_engine(parse_url(repo_url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, metadata)
    finally:
        engine.dispose()
    assert [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table"
                                     and d[1].name == "repo_schema_version")] == []


def test_migration_from_an_older_schema_keeps_the_reviews(pg, tmp_path):
    from sqlalchemy import insert

    from prr_app.teamrepo import merge, rows, schema
    from prr_app.teamrepo.repository import Repository

    url = pg.create_database(f"prr_old_{os.getpid()}")
    review = _example()
    with Repository(url) as repo:
        assert repo.init(to="0001") == (None, "0001")
        with repo.engine.begin() as conn:  # a review written by the version that had schema 0001
            rid = conn.execute(insert(schema.repo_review).values(name="shop", version=1)
                               .returning(schema.repo_review.c.id)).scalar()
            old = rows.review_rows(review)  # without the columns later revisions added
            for table, col in (("review", "resilience_policy"), ("risk", "launch_blocking_reason"), ("risk", "history"),
                               ("dependency", "kind_stated")):
                old[table] = {k: {c: v for c, v in r.items() if c != col} for k, r in old[table].items()}
            Repository._apply(conn, rid, merge.diff({}, old), {})
    code, out, err = prr("repo", "list", "--repo", url)
    assert code == 2 and "older (0001" in err and "prr repo init" in err
    code, out, err = prr("repo", "init", "--repo", url)
    assert code == 0 and "upgraded from schema 0001 to 0013" in out
    with Repository(url) as repo:
        assert _without_origin(repo.pull("shop").review) == review
        assert repo.init() == ("0013", "0013")
        assert repo.portfolio() == [{"name": "shop", "version": 1, "assessed": False, "signoff": None}]


# ---------------------------------------------------------------- repo:NAME wherever a review is taken
def test_repo_addresses_open_and_save_through_the_repository(repo, monkeypatch):
    from prr_app.teamrepo import address

    monkeypatch.setenv("PRR_REPO", repo.url)
    repo.push(_example(), name="shop")
    assert address.repository_name("repo:shop") == "shop"
    assert address.repository_name("shop.prr") is None
    assert address.repository_name("./repo:shop") is None
    assert _without_origin(address.load_review("repo:shop")) == _example()
    with address.RepoDocument.open("repo:shop") as doc:
        doc.review.meta.milestone = "launch"
        assert doc.save() == 1 and doc.version == 2
    assert repo.pull("shop").review.meta.milestone == "launch"
    with pytest.raises(PrrError, match="no such review"):
        address.load_review("repo:nothing")
    # what a command does: load the review, edit it, then open a document and save the edited
    # review through it; another reviewer's change in between is kept
    loaded = address.load_review("repo:shop")
    loaded.meta.description = "edited after loading"
    other = repo.pull("shop")
    other.review.meta.milestone = "GA"
    repo.push(other.review, name="shop", base=other.version)
    with address.RepoDocument.open("repo:shop") as doc:
        doc.review = loaded
        doc.save()
    final = repo.pull("shop").review.meta
    assert (final.milestone, final.description) == ("GA", "edited after loading")


# ---------------------------------------------------------------- the organisation's picture
def _team_review(system: str, service: str, *, shared: bool, launch="2027-01-10"):
    from prr_app.model.entities import (Acceptance, Component, Dependency, FailureDomain, Journey, Mitigation,
                                      Review, Risk)

    r = Review()
    r.meta.system_name, r.meta.tier, r.meta.target_launch = system, 1, launch
    r.add(FailureDomain(id="euw1-a", kind="zone"))
    r.add(Component(id=service, user_facing=True, replicas=2, placement=["euw1-a"], slo=99.9, availability=99.99))
    r.add(Component(id="shared-pg" if shared else f"{service}-db", kind="datastore", placement=["euw1-a"],
                    availability=99.95))
    r.add(Dependency(service, "shared-pg" if shared else f"{service}-db"))
    r.add(Journey(id=f"{service}-journey", entry=[service], slo=99.9))
    r.add(Risk(id=f"{service}-risk", title="x", launch_blocking=False, likelihood=2, impact=2,
               acceptance=Acceptance(by="lead", at="2026-11-01", reason="ok", until="2026-12-20")))
    r.add(Mitigation(id=f"{service}-fix", title="fix", due="2026-11-30"))
    return r


def test_portfolio_and_cross_review_blast_radius(repo_url, tmp_path):
    import json

    from prr_app.teamrepo.repository import Repository

    with Repository(repo_url) as repo:
        for i, shared in enumerate([True, True, True, False]):
            repo.push(_team_review(f"System {i}", f"svc{i}", shared=shared), name=f"team{i}")
    code, out, err = prr("repo", "blast", "shared-pg", "--json", "--repo", repo_url)
    assert code == 0, err
    b = json.loads(out)
    assert [(r["review"], r["as"], r["user_facing"], r["journeys"]) for r in b["reviews"]] == [
        (f"team{i}", "component", [f"svc{i}"], [f"svc{i}-journey"]) for i in range(3)]
    assert (b["reviews_hit"], b["user_facing"], b["journeys"]) == (3, 3, 3)
    # the fourth review calls its database svc3-db: linked explicitly, it is the same shared node
    code, out, err = prr("repo", "same-as", "team3", "svc3-db", "shared-pg", "--repo", repo_url)
    assert code == 0, err
    b = json.loads(prr("repo", "blast", "shared-pg", "--json", "--repo", repo_url)[1])
    assert [(r["review"], r["element"]) for r in b["reviews"]] == [
        ("team0", "shared-pg"), ("team1", "shared-pg"), ("team2", "shared-pg"), ("team3", "svc3-db")]
    assert b["reviews_hit"] == 4
    assert prr("repo", "same-as", "team3", "svc3-db", "--unlink", "--repo", repo_url)[0] == 0
    assert json.loads(prr("repo", "blast", "shared-pg", "--json", "--repo", repo_url)[1])["reviews_hit"] == 3
    code, out, err = prr("repo", "same-as", "team3", "nope", "shared-pg", "--repo", repo_url)
    assert code == 2 and "no component 'nope'" in err
    code, out, err = prr("repo", "blast", "euw1-a", "--repo", repo_url)  # a shared domain takes down all four
    assert code == 0 and "named by 4 review(s)" in out and "in 4:" in out
    code, out, err = prr("repo", "blast", "nowhere", "--repo", repo_url)
    assert code == 0 and "no review in the repository names it" in out

    code, out, err = prr("repo", "portfolio", "--json", "--today", "2026-12-06", "--repo", repo_url)
    assert code == 0, err
    folio = {r["name"]: r for r in json.loads(out)}
    assert set(folio) == {f"team{i}" for i in range(4)}
    t0 = folio["team0"]
    assert t0["verdict"] == "not-ready" and t0["launch_blockers"] > 0 and t0["assessed"]
    assert t0["acceptances_expiring"] == [{"risk": "svc0-risk", "until": "2026-12-20"}]
    assert t0["overdue"] == [{"what": "mitigation", "id": "svc0-fix", "due": "2026-11-30"}]
    code, out, err = prr("repo", "portfolio", "--json", "--today", "2026-11-01", "--days", "7", "--repo", repo_url)
    t0 = {r["name"]: r for r in json.loads(out)}["team0"]
    assert t0["acceptances_expiring"] == [] and t0["overdue"] == []
    code, out, err = prr("repo", "portfolio", "--today", "soon", "--repo", repo_url)
    assert code == 2 and "--today" in err
    md_path = tmp_path / "portfolio.md"
    code, out, err = prr("repo", "portfolio", "--today", "2026-12-06", "--markdown", md_path, "--repo", repo_url)
    assert code == 0, err
    text = md_path.read_text()
    assert "4 review(s)" in text and "| team0 | System 0 | 2027-01-10 | **not-ready** |" in text
    assert "svc0-risk (2026-12-20)" in text and "mitigation svc0-fix (2026-11-30)" in text
    assert "admin" not in text  # the repository is named without its user
    code, out, err = prr("repo", "portfolio", "--markdown", tmp_path / "missing" / "p.md", "--repo", repo_url)
    assert code == 2 and "does not exist" in err


def test_listeners_hear_of_every_committed_change(repo):
    import threading

    from prr_app.teamrepo.repository import Repository

    repo.push(_example(), name="shop")
    heard = []
    other = Repository(repo.url)
    listener = other.listen()

    def listen():
        for name, version in listener.changes(timeout=60):
            heard.append((name, version))
            if version == 3:
                return

    t = threading.Thread(target=listen)
    t.start()
    for milestone in ("beta", "GA"):
        p = repo.pull("shop")
        p.review.meta.milestone = milestone
        repo.push(p.review, name="shop", base=p.version)
    p = repo.pull("shop")
    with pytest.raises(PrrError):  # a refused push announces nothing
        repo.push(_example(), name="shop")
    t.join(60)
    listener.close()
    other.close()
    assert heard == [("shop", 2), ("shop", 3)]


def test_the_os_keyring_gives_the_password_when_nothing_else_does(pg, repo_url, monkeypatch, tmp_path):
    """With no password in the URL, PGPASSWORD, a service or a .pgpass file, the password is
    asked of the OS keyring (the ``keyring`` package's API), under the documented account."""
    import types

    from sqlalchemy.engine import make_url

    from prr_app.teamrepo.repository import Repository

    db = make_url(repo_url).database
    user = f"{db}_kr"
    _login(pg, db, user, "viewer", password="from-keyring")
    asked = []
    fake = types.SimpleNamespace(get_password=lambda service, account: asked.append((service, account))
                                 or "from-keyring")
    monkeypatch.setitem(sys.modules, "keyring", fake)
    for var in ("PGPASSWORD", "PGSERVICE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    url = f"postgresql://{user}@127.0.0.1:{pg.port}/{db}"
    with Repository(url) as repo:
        assert repo.list() == []
    assert asked == [("prr-workbench", f"{user}@127.0.0.1:{pg.port}/{db}")]
    (tmp_path / "no-such-pgpass").write_text(f"127.0.0.1:{pg.port}:{db}:{user}:from-keyring\n")
    os.chmod(tmp_path / "no-such-pgpass", 0o600)
    asked.clear()
    with Repository(url) as repo:  # a .pgpass file is libpq's business: the keyring is not asked
        assert repo.list() == []
    assert asked == []


def test_reviewers_scripting_the_cli_at_once_lose_nothing(repo_url, tmp_path):
    """Four reviewers, each in their own processes: pull, answer their own checklist item with
    `prr checklist-answer`, push, all at the same time."""
    import threading

    copy = _copy_example(tmp_path)
    assert prr("repo", "push", copy, "--repo", repo_url, "--name", "shop")[0] == 0
    items = ["obs.service-dashboard", "dr.rto-rpo-defined", "alert.symptom-based", "slo.agreed-with-product"]
    env = dict(os.environ, PRR_REPO=repo_url, PYTHONPATH=str(ROOT))
    results = {}

    def reviewer(i: int, item: str):
        f = tmp_path / f"r{i}.prr"
        steps = [["repo", "pull", "shop", "-o", f], ["checklist-answer", f, item, "--status", "not_met", "--by", f"r{i}"],
                 ["repo", "push", f]]
        for step in steps:
            res = subprocess.run([sys.executable, "-m", "prr_app", *map(str, step)], capture_output=True, text=True,
                                 env=env)
            if res.returncode != 0:
                results[i] = res.stderr
                return
        results[i] = "ok"

    threads = [threading.Thread(target=reviewer, args=(i, item)) for i, item in enumerate(items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert results == {i: "ok" for i in range(len(items))}
    from prr_app.teamrepo.repository import Repository

    with Repository(repo_url) as repo:
        final = repo.pull("shop")
    assert final.version == 1 + len(items)
    assert {i: final.review.answers[item].status for i, item in enumerate(items)} == \
        {i: "not_met" for i in range(len(items))}
    assert {final.review.answers[item].changed_by for item in items} == {f"r{i}" for i in range(len(items))}


def test_roles_per_review_are_enforced_by_the_database(pg, repo):
    from sqlalchemy.engine import make_url

    from prr_app.teamrepo.repository import Repository

    db = make_url(repo.url).database
    repo.push(_example(), name="shop")
    repo.push(_example("platform"), name="platform")
    # a review's roles narrow who may change it; the table rights still come from the repository's
    alice = _login(pg, db, f"{db}_alice", "reviewer")
    bob = _login(pg, db, f"{db}_bob", "reviewer")
    _login(pg, db, f"{db}_carol", "reviewer")
    assert prr("repo", "role", "shop", f"{db}_alice", "reviewer", "--repo", repo.url)[0] == 0
    assert prr("repo", "role", "shop", f"{db}_carol", "approver", "--repo", repo.url)[0] == 0
    # bob, a repository reviewer not listed on shop, cannot change it, in the app or with psql
    with Repository(bob) as b:
        pulled = b.pull("shop")
        pulled.review.meta.milestone = "bob was here"
        with pytest.raises(PrrError, match="only the reviewers of this review may change it"):
            b.push(pulled.review, name="shop", base=pulled.version)
        other = b.pull("platform")  # a review without its own roles: the repository's apply
        other.review.meta.milestone = "bob was here"
        assert b.push(other.review, name="platform", base=other.version).version == 2
    r = _psql_as(pg, db, f"{db}_bob", "UPDATE component SET owner = 'bob' WHERE review_id = "
                                      "(SELECT id FROM repo_review WHERE name = 'shop')")
    assert r.returncode != 0 and "only the reviewers of this review" in r.stderr
    with Repository(alice) as a:
        pulled = a.pull("shop")
        pulled.review.meta.milestone = "alice's"
        assert a.push(pulled.review, name="shop", base=pulled.version).version == 2
    # carol approves shop: she may accept its launch-blocking risk (she may also edit it)
    risk = next(iter(_example().risks))
    sql = (f"UPDATE risk SET launch_blocking = true, accepted_by = 'c', accepted_at = '2026-01-01', "
           f"acceptance_reason = 'ok' WHERE id = '{risk}' AND review_id = (SELECT id FROM repo_review WHERE name = 'shop')")
    assert _psql_as(pg, db, f"{db}_alice", sql).returncode != 0
    r = _psql_as(pg, db, f"{db}_carol", sql)
    assert r.returncode == 0, r.stderr
    # only the owner sets roles; removing the last one opens the review to the repository's reviewers
    with Repository(alice) as a:
        with pytest.raises(PrrError, match="refused by the database"):
            a.set_review_role("shop", f"{db}_alice", "approver")
    assert prr("repo", "role", "shop", f"{db}_alice", "--remove", "--repo", repo.url)[0] == 0
    assert prr("repo", "role", "shop", f"{db}_carol", "--remove", "--repo", repo.url)[0] == 0
    with Repository(bob) as b:
        pulled = b.pull("shop")
        pulled.review.meta.description = "open again"
        assert b.push(pulled.review, name="shop", base=pulled.version).version == 4  # carol's psql write was 3
