"""Session 31: a read-only review and the risk decisions (``prr risk``) and ``prr checklist-import --review``
follow the order ``prr set`` keeps since session 30: what is wrong with the edit is said as such, an edit
that changes nothing says so and exits 0 without writing, and only a real change is refused as read-only.
Before, both refused "read-only" first, hiding a mistyped risk id, an unknown mitigation or component,
an empty ``--by``, and refusing a no-op that writes nothing."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from prr_app.cli.main import main

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"
READ_ONLY = "cannot write: the file is read-only"
RISK = "spof:component:cart-db"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def state(p: Path):
    st = os.stat(p)
    return hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, sorted(os.listdir(p.parent))


def _read_only(p: Path) -> None:
    os.chmod(p, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


@pytest.fixture(params=["json", "prr"])
def shop(request, tmp_path, capsys):
    src = tmp_path / "w.json"
    shutil.copy(EXAMPLE, src)
    path = src
    if request.param == "prr":
        path = tmp_path / "w.prr"
        assert main(["import", str(src), "-o", str(path), "--quiet"]) == 0
        src.unlink()
    capsys.readouterr()
    yield path
    os.chmod(path, 0o644)


def _says_wrong(err: str, path: Path, says: str) -> None:
    assert err.startswith(f"prr: {path}: ") and says in err, err
    assert "read-only" not in err and "Traceback" not in err and err.count("\n") == 1, err


# ------------------------------------------------------------------ prr risk
@pytest.mark.parametrize("argv, says", [
    (("risk", "accept", "{f}", "spof:component:cart-dbb", "--reason", "r", "--by", "Dana"),
     "no risk 'spof:component:cart-dbb' in the register; did you mean spof:component:cart-db"),
    (("risk", "mitigation", "{f}", "mit-nosuch", "--status", "done"), "no mitigation 'mit-nosuch' in the review"),
    (("risk", "add", "{f}", "--title", "t", "--likelihood", "2", "--impact", "2", "--component", "cart-dbb"),
     "unknown component cart-dbb; did you mean cart-db?"),
    (("risk", "mitigate", "{f}", "spof:component:cart-db", "--title", " "), "A mitigation needs a title."),
])
def test_a_wrong_risk_decision_on_a_read_only_review_says_what_is_wrong(capsys, shop, argv, says):
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, *[a.format(f=shop) for a in argv])
    assert code == 2 and out == ""
    _says_wrong(err, shop, says)
    assert state(shop) == before


def test_a_risk_decision_that_changes_nothing_on_a_read_only_review_exits_0(capsys, shop):
    assert main(["risk", "owner", str(shop), RISK, "team-data", "--by", "Dana"]) == 0
    capsys.readouterr()
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, "risk", "owner", shop, RISK, "team-data", "--by", "Dana")
    assert (code, err) == (0, "")
    assert "owner already team-data, nothing changed" in out and out.strip().endswith(f"{shop} left as it was")
    assert state(shop) == before


def test_a_real_risk_decision_on_a_read_only_review_is_still_refused(capsys, shop):
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, "risk", "owner", shop, RISK, "team-data", "--by", "Dana")
    assert (code, out, err) == (2, "", f"prr: {shop}: {READ_ONLY}\n")
    assert state(shop) == before


# ------------------------------------------------------------------ prr checklist-import --review
@pytest.fixture
def team_md(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))
    (tmp_path / "tpl").mkdir()
    md = tmp_path / "team.md"
    md.write_text("# T\n## Ops\n- [x] Runbooks exist (blocker)\n", encoding="utf-8")
    return md


def test_checklist_import_with_an_empty_by_on_a_read_only_review_names_by(capsys, tmp_path, team_md, shop):
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, "checklist-import", team_md, "--review", shop, "--by", "")
    assert code == 2 and out == ""
    _says_wrong(err, shop, "--by: empty: give who answers the items")
    assert state(shop) == before and list((tmp_path / "tpl").iterdir()) == []


def test_checklist_import_that_changes_nothing_on_a_read_only_review_exits_0(capsys, tmp_path, team_md, shop):
    assert main(["checklist-import", str(team_md), "--review", str(shop), "--by", "me"]) == 0
    capsys.readouterr()
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, "checklist-import", team_md, "--review", shop, "--by", "me", "--force")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (f"no change: {shop} already uses team 1 and has an answer for every ticked "
                                    "item (1 kept); it is left as it was")
    assert state(shop) == before


def test_checklist_import_that_changes_nothing_leaves_a_writable_review_untouched(capsys, team_md, shop):
    assert main(["checklist-import", str(team_md), "--review", str(shop), "--by", "me"]) == 0
    capsys.readouterr()
    before = state(shop)
    code, out, _ = run(capsys, "checklist-import", team_md, "--review", shop, "--by", "me", "--force")
    assert code == 0 and "no change:" in out
    assert state(shop) == before  # not rewritten with new bytes and a new time


def test_checklist_import_changing_a_read_only_review_is_refused_and_installs_nothing(capsys, tmp_path, team_md,
                                                                                       shop):
    _read_only(shop)
    before = state(shop)
    code, out, err = run(capsys, "checklist-import", team_md, "--review", shop, "--by", "me")
    assert (code, out, err) == (2, "", f"prr: {shop}: {READ_ONLY}\n")
    assert state(shop) == before and list((tmp_path / "tpl").iterdir()) == []
