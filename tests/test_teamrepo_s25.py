"""The team repository as three reviewers used it on the real sock-shop and online-boutique imports
(/work/shared/realdata): expired acceptances and sign-offs in every portfolio view, refusals that
name what the user lacks, a delete-vs-edit conflict that keeps the element's dependencies, errors
that keep a short password to its own places, per-review roles for logins that exist and can use
them, and reviews that state no SLO. Against a real PostgreSQL started by the tests (as
tests/test_teamrepo.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import REALDATA, _login, pg, prr, repo, repo_url  # noqa: E402,F401
from test_ui_repository import WAIT_MS, window  # noqa: E402

from prr_app.review import edits  # noqa: E402


def _real(name: str):
    from prr_app.review.importing import import_review

    src = REALDATA / name
    if not src.is_dir():
        pytest.skip("the real data is not here")
    if name == "sock-shop":  # as the explorer imported it: the manifests, autoscalers and network policies
        paths = [str(src / "complete-demo.yaml"), str(src / "autoscaling"), str(src / "manifests-policy")]
    else:
        paths = [str(src)]
    return import_review(paths, "auto").review


def _db(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def _apply(review, changes):
    edits.apply_changes(review, changes)
    return review


# ---------------------------------------------------------------- 1 and 6: the portfolio's views
def test_expired_acceptances_sign_offs_and_no_slos_show_in_every_portfolio_view(repo, tmp_path, qtbot):
    from prr_app.ui.repository import PortfolioDialog

    shop = _real("sock-shop")
    risk = "spof:component:carts-db"
    _apply(shop, edits.accept_risk(shop, risk, "bob", "one replica until the migration", until="2026-12-22",
                                   today="2026-12-06"))
    _apply(shop, edits.set_fields(shop, "components", "front-end", slo=99.9))  # the reviewers stated one SLO
    repo.push(shop, name="sock-shop")
    repo.push(_real("online-boutique"), name="online-boutique")
    repo.signoff("sock-shop", "not_ready")
    md, pdf = tmp_path / "p.md", tmp_path / "p.pdf"
    code, out, err = prr("repo", "portfolio", "--today", "2027-01-10", "--markdown", md, "--pdf", pdf,
                         "--repo", repo.url)
    assert code == 0, err
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert "acceptances expired: 1" in lines["sock-shop"]  # was "acceptances expiring: 0"
    assert "acceptances expiring within 30 days: 0" in lines["sock-shop"]
    assert "signed off not ready by " in lines["sock-shop"]
    assert "no SLOs stated" in lines["online-boutique"] and "SLO not attainable" not in lines["online-boutique"]
    rows = {r["name"]: r for r in json.loads(prr("repo", "portfolio", "--json", "--today", "2027-01-10",
                                                 "--repo", repo.url)[1])}
    assert rows["sock-shop"]["acceptances_expired"] == [{"risk": risk, "until": "2026-12-22"}]
    assert rows["online-boutique"]["slos_stated"] == 0 and rows["online-boutique"]["slo_not_attainable"] == []
    assert rows["sock-shop"]["slos_stated"] == 1
    m = md.read_text()
    assert "1 risk acceptance(s) expired" in m and f"expired: {risk} (2026-12-22)" in m
    assert "1 review(s) with no SLOs stated" in m
    ob = next(line for line in m.splitlines() if line.startswith("| online-boutique |"))
    assert "no SLOs stated" in ob and "all attainable" not in ob and ob.endswith("| not signed off |")
    ss = next(line for line in m.splitlines() if line.startswith("| sock-shop |"))
    assert "| not ready by " in ss and "(v1, now v2)" not in ss  # signed on the current version
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        assert "Sign-off" in text and "not ready by" in text and "no SLOs stated" in text
        assert "1 review(s) with no SLOs stated" in text
    # the app's Portfolio dialog
    d = PortfolioDialog(None, list(rows.values()), where=repo.where)
    qtbot.addWidget(d)
    col = {h: i for i, h in enumerate(PortfolioDialog.HEADERS)}
    cells = {d.table.item(r, 0).text(): d.table.item for r in range(d.table.rowCount())}
    row_of = {d.table.item(r, 0).text(): r for r in range(d.table.rowCount())}

    def cell(name, header):
        return d.table.item(row_of[name], col[header]).text()

    assert set(cells) == {"sock-shop", "online-boutique"}
    assert cell("sock-shop", "Acceptances expired") == "1" and cell("sock-shop", "Acceptances expiring") == "0"
    assert risk in d.table.item(row_of["sock-shop"], col["Acceptances expired"]).toolTip()
    assert cell("sock-shop", "Signed off").startswith("not ready by ")
    assert cell("online-boutique", "Signed off") == "not signed off"
    assert cell("online-boutique", "SLOs not attainable") == "no SLOs stated"
    d.close()


# ---------------------------------------------------------------- 2: what the user lacks
def test_a_refusal_names_what_the_user_lacks_for_what_they_tried(qtbot, monkeypatch, pg, repo):
    from prr_app.ui import main_window as mw

    repo.push(_real("sock-shop"), name="sock-shop")
    db = _db(repo.url)
    viewer = _login(pg, db, f"{db}_carol", "viewer")
    dave = _login(pg, db, f"{db}_dave", "reviewer")
    _login(pg, db, f"{db}_alice", "reviewer")
    errors = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, error, what="": errors.append((title, str(error))))
    # the app: a viewer editing a component's owner is told she may not write, not that it takes an approver
    w = window(qtbot, monkeypatch, url=viewer)
    assert w.repository.open("sock-shop")
    w.push("Owner", edits.set_fields(w.session.review, "components", "shipping", owner="carol"))
    w.session.autosave()
    qtbot.waitUntil(lambda: bool(errors) or bool(w.repository.notices), timeout=WAIT_MS)
    said = (errors or w.repository.notices)[-1][1]
    assert "permission denied" in said and "may read this repository but not write to it" in said
    assert "approver" not in said.lower() and "sign-off" not in said
    w.session.undo_stack.undo()
    w.session.flush()
    w.close()
    # a repository reviewer who is not one of a review's listed reviewers
    assert prr("repo", "role", "sock-shop", f"{db}_alice", "reviewer", "--repo", repo.url)[0] == 0
    code, out, err = prr("repo", "signoff", "sock-shop", "not_ready", "--repo", dave)
    assert code == 2 and "Only an approver of this repository may record the sign-off" in err
    assert "write to it" not in err
    from prr_app.errors import PrrError
    from prr_app.teamrepo.repository import Repository

    review = repo.pull("sock-shop").review
    with Repository(dave) as r:
        edits.apply_changes(review, edits.set_fields(review, "components", "shipping", owner="dave"))
        with pytest.raises(PrrError) as e:
            r.push(review, name="sock-shop", base=repo.pull("sock-shop").version)
    assert "not one of its reviewers or approvers" in str(e.value) and "approver of this repository" not in str(e.value)


# ---------------------------------------------------------------- 3: delete vs edit
def test_choosing_the_changed_element_brings_back_its_dependencies(repo_url, tmp_path):
    from prr_app.review.document import load_review, save_review
    from prr_app.teamrepo.repository import ConflictError, Repository, origin

    a, b = tmp_path / "alice.prr", tmp_path / "bob.prr"
    with Repository(repo_url) as repo:
        repo.push(_real("sock-shop"), name="sock-shop")
    for f in (a, b):
        assert prr("repo", "pull", "sock-shop", "-o", f, "--repo", repo_url)[0] == 0
    deps = {"orders->shipping", "shipping->rabbitmq"}
    assert deps <= set(load_review(a).dependencies)
    alice = load_review(a)
    save_review(_apply(alice, edits.delete(alice, ["shipping"])), a, overwrite=True)
    assert prr("repo", "push", a, "--repo", repo_url)[0] == 0
    bob = load_review(b)
    save_review(_apply(bob, edits.set_fields(bob, "components", "shipping", owner="shipping-team", replicas=3)), b,
                overwrite=True)
    code, out, err = prr("repo", "push", b, "--repo", repo_url)
    assert code == 1
    # the conflict says, before the choice, what keeping bob's version brings back
    assert "component shipping: you changed it, the repository has it deleted" in err
    assert "brings back dependency orders->shipping, dependency shipping->rabbitmq" in err
    bob = load_review(b)
    with Repository(repo_url) as repo:
        with pytest.raises(ConflictError) as e:
            repo.push(bob, name="sock-shop", base=origin(bob)[1])
        (c,) = e.value.conflicts
        assert set(c.along) == {f"dependency {d}" for d in deps} and c.not_along == ()
        pushed = repo.push(bob, name="sock-shop", base=origin(bob)[1], pick={(c.table, c.key, c.field): "mine"})
        now = repo.pull("sock-shop").review
    assert now.components["shipping"].owner == "shipping-team" and now.components["shipping"].replicas == 3
    assert deps <= set(now.dependencies)  # not silently dropped
    assert pushed.review.dependencies.keys() == now.dependencies.keys()


def test_a_dependency_whose_other_end_is_gone_is_named_in_the_conflict(repo_url, tmp_path):
    from prr_app.teamrepo.repository import ConflictError, Repository

    with Repository(repo_url) as repo:
        repo.push(_real("sock-shop"), name="sock-shop")
        base = repo.pull("sock-shop")
        alice = repo.pull("sock-shop").review
        repo.push(_apply(alice, edits.delete(alice, ["shipping", "rabbitmq"])), name="sock-shop", base=base.version)
        bob = base.review
        _apply(bob, edits.set_fields(bob, "components", "shipping", owner="shipping-team"))
        with pytest.raises(ConflictError) as e:
            repo.push(bob, name="sock-shop", base=base.version)
        c = next(c for c in e.value.conflicts if c.key == ("shipping",))
        assert c.along == ("dependency orders->shipping",)
        assert c.not_along == ("dependency shipping->rabbitmq",)
        assert "not brought back (the other end is deleted): dependency shipping->rabbitmq" in c.describe()
        pick = {(x.table, x.key, x.field): ("mine" if x.key == ("shipping",) else "theirs")
                for x in e.value.conflicts}
        repo.push(bob, name="sock-shop", base=base.version, pick=pick)
        now = repo.pull("sock-shop").review
    assert "orders->shipping" in now.dependencies and "shipping->rabbitmq" not in now.dependencies


def test_the_repository_side_changed_version_also_brings_its_dependencies_back():
    """The other direction, on rows alone: I deleted a component the repository changed, and I take theirs."""
    from prr_app.teamrepo.merge import merge
    from prr_app.teamrepo.rows import review_rows

    review = _real("sock-shop")
    base = review_rows(review)
    mine = review_rows(_apply(review, edits.delete(review, ["shipping"])))
    theirs = {t: {k: dict(r) for k, r in rows.items()} for t, rows in base.items()}
    theirs["component"][("shipping",)]["owner"] = "shipping-team"
    merged, conflicts = merge(base, theirs, mine)
    assert [(c.table, c.key) for c in conflicts] == [("component", ("shipping",))]
    assert "dependency orders->shipping" in conflicts[0].along
    merged, conflicts = merge(base, theirs, mine, pick={("component", ("shipping",), None): "theirs"})
    assert not conflicts and {("orders", "shipping"), ("shipping", "rabbitmq")} <= set(merged["dependency"])


def test_the_conflict_picker_shows_what_comes_back(qtbot):
    from PySide6.QtWidgets import QLabel

    from prr_app.teamrepo.merge import Conflict
    from prr_app.ui.repository import ConflictPicker

    d = ConflictPicker(None, [Conflict("component", ("shipping",), None, {"id": "shipping"}, {"id": "shipping"},
                                       None, by="alice", along=("dependency orders->shipping",))])
    qtbot.addWidget(d)
    assert any("brings back dependency orders->shipping" in x.text() for x in d.findChildren(QLabel))


# ---------------------------------------------------------------- 4: passwords in errors
def test_a_short_password_is_not_spread_over_the_message_and_the_error_is_named(pg, repo_url):
    from prr_app.teamrepo.connection import safe_url, scrub

    db = _db(repo_url)
    _login(pg, db, f"{db}_short", "viewer", password="a")
    nodb = pg.tcp_url("nodb", f"{db}_short", "a")
    code, out, err = prr("repo", "list", "--repo", nodb)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "the repository's database does not exist" in err and 'database "nodb" does not exist' in err
    assert "cannot reach" not in err and err.count("***") == 1  # the URL's password place, nowhere else
    code, out, err = prr("repo", "list", "--repo", pg.tcp_url(db, f"{db}_short", "wrong"))
    assert code == 2 and "refused the credentials" in err and "wrong" not in err
    assert 'password authentication failed for user "' in err
    # only the password's own places
    assert scrub("postgresql://u:a@h/db failed: database x") == "postgresql://u:***@h/db failed: database x"
    assert scrub("host=h password='p w' dbname=d") == "host=h password=*** dbname=d"
    assert scrub("postgresql://u@h/d?password=s3&sslmode=require") == \
        "postgresql://u@h/d?password=***&sslmode=require"
    assert safe_url("postgresql://u:p%40ss@h/d") == "postgresql://u:***@h/d"
    code, out, err = prr("repo", "list", "--repo", "postgresql://u:p@ss@127.0.0.1/d")  # '@' not written %40
    assert code == 2 and "%40" in err and "ss" not in err.replace("postgresql", "").replace("password", "")


# ---------------------------------------------------------------- 5: per-review roles
def test_a_role_for_a_login_that_does_not_exist_is_refused_and_one_without_effect_warns(pg, repo):
    repo.push(_real("online-boutique"), name="online-boutique")
    db = _db(repo.url)
    code, out, err = prr("repo", "role", "online-boutique", "nosuchuser", "reviewer", "--repo", repo.url)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no database user or group 'nosuchuser'" in err
    assert out == "" and repo.pull("online-boutique")  # nothing written
    viewer = _login(pg, db, f"{db}_carol", "viewer")
    code, out, err = prr("repo", "role", "online-boutique", f"{db}_carol", "reviewer", "--repo", repo.url)
    assert code == 0 and f"{db}_carol is reviewer of repo:online-boutique" in out
    assert "warning" in err and "may not write to the repository" in err and f"GRANT {db}_reviewer" in err
    # the warning is true: her writes are refused
    from prr_app.errors import PrrError
    from prr_app.teamrepo.repository import Repository

    pulled = repo.pull("online-boutique")
    review = pulled.review
    edits.apply_changes(review, edits.set_fields(review, "components", "frontend", owner="carol"))
    with Repository(viewer) as r, pytest.raises(PrrError) as e:
        r.push(review, name="online-boutique", base=pulled.version)
    assert "permission denied" in str(e.value)
    _login(pg, db, f"{db}_dave", "reviewer")
    code, out, err = prr("repo", "role", "online-boutique", f"{db}_dave", "approver", "--repo", repo.url)
    assert code == 0 and "recording its sign-off takes the repository's approver role" in err
    _login(pg, db, f"{db}_bob", "approver")
    code, out, err = prr("repo", "role", "online-boutique", f"{db}_bob", "approver", "--repo", repo.url)
    assert code == 0 and err == ""
