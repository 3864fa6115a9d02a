"""Session 30: ids keep their meaning across re-imports. Two systems' services that share a name are kept
apart (the later one prefixed with its deployment's folder, ``blog/frontend``); when a namesake system
appears in or goes from the checkout, a re-import must not move the reviewer's edits onto the other
system's service. And a deployment file the import cannot open is refused, not taken for configuration
(which made a re-import flag every service it deploys as gone)."""
from __future__ import annotations

import builtins
import os
import shutil
import time
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

from tests.test_s30_import2 import REALDATA, deployment, real, write

SHOP = deployment("frontend", CART_ADDR="cart:80", CATALOG_ADDR="catalog:80") + deployment("cart") + \
    deployment("catalog")
BLOG = ("services:\n"
        "  frontend:\n    image: blog/frontend\n    environment:\n      API_ADDR: api:8080\n"
        "  api:\n    image: blog/api\n    environment:\n      DB_HOST: posts-db\n"
        "  posts-db:\n    image: postgres:16\n")


def run(capsys, *args: str) -> str:
    if "--into" in args:
        # the import records say the second: a re-import in the same second as the import before it
        # compared the checkout with the wrong record (merge._previous, noted for the lead)
        time.sleep(1.01 - time.time() % 1)
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def owners(path: Path) -> dict[str, tuple]:
    rv = load_review(path)
    return {cid: (c.owner, c.source, "missing-from-source" in c.tags) for cid, c in rv.components.items()
            if cid.endswith("frontend")}


# ------------------------------------------------------------------ 1. a namesake system appears or goes
def test_a_namesake_system_added_later_does_not_take_the_edited_service_id(tmp_path, capsys):
    """The shop (Kubernetes) is read before the blog (Compose): on a fresh import of both the shop's
    frontend would be ``frontend``. Here the review was made of the blog alone, and edited: the blog's
    frontend keeps ``frontend`` (and the edit), the shop's newcomer is kept apart as ``shop/frontend``."""
    root = write(tmp_path / "mono", {"blog/compose.yaml": BLOG})
    out = tmp_path / "r.prr"
    run(capsys, "import", str(root), "-o", str(out))
    run(capsys, "set", str(out), "frontend", "owner=blog-web", "replicas=3")
    write(root, {"shop/app.yaml": SHOP})
    said = run(capsys, "import", str(root), "--into", str(out))
    got = owners(out)
    assert got["frontend"][:2] == ("blog-web", "import:compose blog/compose.yaml"), got
    assert load_review(out).components["frontend"].replicas == 3
    assert got["shop/frontend"][0] in (None, "") and "shop/app.yaml" in got["shop/frontend"][1], got
    assert not any(t[2] for t in got.values()), got
    deps = set(load_review(out).dependencies)
    assert {"frontend->api", "shop/frontend->cart"} <= deps, deps
    assert "this deployment's keeps the id the review gave it" in said and "shop/frontend" in said, said
    # and again: nothing moves
    run(capsys, "import", str(root), "--into", str(out))
    assert owners(out) == got


def test_a_namesake_system_removed_leaves_the_edits_where_they_were_made(tmp_path, capsys):
    """Both systems imported together (the shop's ``frontend``, the blog's ``blog/frontend``), both
    edited; the shop leaves the checkout: its frontend is flagged gone with its edit, the blog's keeps
    ``blog/frontend`` with its own; the shop back, each is found under its id again."""
    root = write(tmp_path / "mono", {"blog/compose.yaml": BLOG, "shop/app.yaml": SHOP})
    out = tmp_path / "r.prr"
    run(capsys, "import", str(root), "-o", str(out))
    assert set(owners(out)) == {"frontend", "blog/frontend"}
    run(capsys, "set", str(out), "frontend", "owner=shop-web")
    run(capsys, "set", str(out), "blog/frontend", "owner=blog-web")
    shutil.rmtree(root / "shop")
    said = run(capsys, "import", str(root), "--into", str(out))
    got = owners(out)
    assert got["blog/frontend"] == ("blog-web", "import:compose blog/compose.yaml", False), got
    assert got["frontend"][0] == "shop-web" and got["frontend"][2], got  # the ghost is the shop's, flagged
    assert "blog/frontend->api" in load_review(out).dependencies
    assert "frontend as blog/frontend" in said, said
    write(root, {"shop/app.yaml": SHOP})
    run(capsys, "import", str(root), "--into", str(out))
    got = owners(out)
    assert got["frontend"][0] == "shop-web" and not got["frontend"][2], got
    assert got["blog/frontend"][0] == "blog-web" and not got["blog/frontend"][2], got


def test_a_fresh_import_keeps_the_order_rule(tmp_path, capsys):
    """Without an existing review, the deployment read first keeps the plain id (today's rule)."""
    root = write(tmp_path / "mono", {"blog/compose.yaml": BLOG, "shop/app.yaml": SHOP})
    out = tmp_path / "r.prr"
    run(capsys, "import", str(root), "-o", str(out))
    got = owners(out)
    assert "shop/app.yaml" in got["frontend"][1] and got["blog/frontend"][1] == "import:compose blog/compose.yaml"


@real
def test_online_boutique_added_beside_the_otel_demo_leaves_its_frontend_edits_alone(tmp_path, capsys):
    grow = tmp_path / "grow"
    shutil.copytree(REALDATA / "opentelemetry-demo", grow / "astronomy")
    out = tmp_path / "grow.prr"
    run(capsys, "import", str(grow), "-o", str(out))
    run(capsys, "set", str(out), "frontend", "replicas=3", "owner=astro-web")
    shutil.copytree(REALDATA / "online-boutique", grow / "boutique")
    run(capsys, "import", str(grow), "--into", str(out))
    rv = load_review(out)
    front = rv.components["frontend"]
    assert (front.replicas, front.owner, front.source) == (3, "astro-web", "import:compose astronomy/compose.yaml")
    assert "astronomy/frontend" not in rv.components
    assert "boutique" in rv.components["boutique/frontend"].source
    assert "boutique/frontend->cartservice" in rv.dependencies and "frontend->checkout" in rv.dependencies
    shutil.rmtree(grow / "boutique")
    run(capsys, "import", str(grow), "--into", str(out))
    rv = load_review(out)
    assert (rv.components["frontend"].owner, rv.components["frontend"].tags) == ("astro-web", [])
    assert "missing-from-source" in rv.components["boutique/frontend"].tags


# ------------------------------------------------------------------ 2. an unreadable deployment file
@pytest.fixture
def unreadable(monkeypatch):
    """Files that cannot be opened (the tests run as root, who reads a mode-000 file)."""
    denied: set[str] = set()
    real_open, real_os_open = builtins.open, os.open

    def check(f):
        if isinstance(f, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(f)) in denied:
            raise PermissionError(13, "Permission denied", os.fsdecode(f))

    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: (check(f), real_open(f, *a, **k))[1])
    monkeypatch.setattr(os, "open", lambda f, *a, **k: (check(f), real_os_open(f, *a, **k))[1])
    return lambda p: denied.add(os.path.realpath(p))


def test_an_unreadable_manifest_refuses_the_re_import_and_writes_nothing(tmp_path, capsys, unreadable):
    root = write(tmp_path / "shop", {"app.yaml": SHOP, "more.yaml": deployment("catalog")})
    out = tmp_path / "r.prr"
    run(capsys, "import", str(root), "-o", str(out))
    before = out.read_bytes()
    unreadable(root / "app.yaml")
    assert main(["import", str(root), "--into", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"prr: {root.resolve() / 'app.yaml'}: cannot read: Permission denied"], err
    assert out.read_bytes() == before
    # a fresh import too, and a file named on the command line
    assert main(["import", str(root), "-o", str(tmp_path / "new.prr")]) == 2
    assert main(["import", str(root / "app.yaml"), str(root / "more.yaml"), "-o", str(tmp_path / "new.prr")]) == 2
    err = capsys.readouterr().err
    assert "app.yaml: cannot read: Permission denied" in err and "Traceback" not in err
    assert not (tmp_path / "new.prr").exists()


@pytest.mark.parametrize("name", ["compose.yaml", "model.dsl", "graph.dot", "edges.csv", "extra.json"])
def test_every_name_an_importer_reads_is_refused_when_unreadable(tmp_path, capsys, unreadable, name):
    root = write(tmp_path / "shop", {"app.yaml": SHOP, name: "x\n"})
    unreadable(root / name)
    assert main(["import", str(root), "-o", str(tmp_path / "r.prr")]) == 2
    assert f"{name}: cannot read: Permission denied" in capsys.readouterr().err
    assert not (tmp_path / "r.prr").exists()


def test_an_unreadable_file_no_importer_reads_does_not_stop_the_import(tmp_path, capsys, unreadable):
    root = write(tmp_path / "shop", {"app.yaml": SHOP, "notes.txt": "hello\n"})
    unreadable(root / "notes.txt")
    run(capsys, "import", str(root), "-o", str(tmp_path / "r.prr"))
    assert "frontend" in load_review(tmp_path / "r.prr").components
