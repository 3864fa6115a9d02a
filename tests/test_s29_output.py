"""Session 29: what a command writes besides the review (docs/file-format.md, "Output paths").

Bad or unwritable output gets one line naming the file, exit 2, no traceback and never exit 3; the user's
files are left byte for byte with their permission bits; nothing is reported written that was not kept.
Every output goes through one check (``review.gate.check_output``: the review itself, an empty name, a
folder, a missing or read-only folder, a read-only file) and one writer (``paths.atomic_write_bytes``).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app import paths
from prr_app.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
TODAY = ["--today", "2026-12-07"]


def _state(p: Path):
    """What must not change: the bytes and the permission bits (or that there is no file)."""
    if not p.exists():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(os.stat(p).st_mode)


def _refused(capsys, argv, *, says: str) -> str:
    """Run ``prr argv``: exit 2, nothing on stdout, one line on stderr that holds ``says``."""
    assert main([str(a) for a in argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("prr: "), err
    assert says in lines[0], err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


@pytest.fixture
def shop(tmp_path):
    p = tmp_path / "shop.json"
    shutil.copy(EXAMPLE, p)
    return p


@pytest.fixture
def shop_prr(tmp_path):
    p = tmp_path / "shop.prr"
    assert main(["import", str(EXAMPLE), "-o", str(p), "--quiet"]) == 0
    return p


def _no_temps(folder: Path) -> list[str]:
    return [n.name for n in folder.iterdir() if n.name.startswith(".")]


# -- 1: export never replaces the review it reads ------------------------------------------------------
@pytest.mark.parametrize("fmt", ["markdown", "pdf", "csv", "json"])
@pytest.mark.parametrize("how", ["same", "dot", "hardlink"])
def test_export_over_its_own_review_is_refused(tmp_path, shop, capsys, fmt, how):
    out = {"same": shop, "dot": Path(os.curdir) / shop.name, "hardlink": tmp_path / "link.out"}[how]
    if how == "hardlink":
        os.link(shop, out)
    before = _state(shop)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        _refused(capsys, ["export", shop, "-o", out, "--format", fmt],
                 says="refusing to overwrite the review with the export")
    finally:
        os.chdir(cwd)
    assert _state(shop) == before


# -- 2: plan --save is written as every output is ------------------------------------------------------
@pytest.mark.parametrize("kind", ["json", "prr"])
def test_plan_save_over_the_review_is_refused_even_with_force(capsys, shop, shop_prr, kind):
    review = shop if kind == "json" else shop_prr
    before = _state(review)
    _refused(capsys, ["plan", review, "--suggested", "--save", review, "--force"],
             says="refusing to overwrite the review with the plan")
    assert _state(review) == before
    assert main(["validate", str(review)]) == 0


def test_plan_save_bad_places_are_one_line_exit_2(tmp_path, capsys, shop):
    _refused(capsys, ["plan", shop, "--suggested", "--save", tmp_path / "nodir" / "plan.json"],
             says="does not exist")
    assert not (tmp_path / "nodir").exists()
    (tmp_path / "adir").mkdir()
    _refused(capsys, ["plan", shop, "--suggested", "--save", tmp_path / "adir", "--force"], says="is a folder")
    _refused(capsys, ["plan", shop, "--suggested", "--save", ""], says="--save: the file name is empty")
    _refused(capsys, ["gate", shop, "--junit", ""], says="--junit: the file name is empty")
    _refused(capsys, ["report", shop, "--markdown", ""], says="--markdown: the file name is empty")
    _refused(capsys, ["export", shop, "-o", ""], says="-o: the file name is empty")


def test_plan_save_onto_a_read_only_file_is_refused(tmp_path, capsys, shop):
    ro = tmp_path / "plan.json"
    ro.write_text("{}\n")
    ro.chmod(0o444)
    before = _state(ro)
    _refused(capsys, ["plan", shop, "--suggested", "--save", ro, "--force"], says="the file is read-only")
    assert _state(ro) == before


def _deny_folder(monkeypatch, folder: Path):
    """The folder read-only to this user (tests may run as root, whom chmod does not stop)."""
    real = os.access
    folder = os.path.realpath(folder)

    def access(p, mode, *a, **kw):
        if os.path.realpath(p) == folder and mode & os.W_OK:
            return False
        return real(p, mode, *a, **kw)

    monkeypatch.setattr(paths.os, "access", access)


def test_plan_save_in_a_read_only_folder_is_refused_before_any_work(tmp_path, capsys, shop, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    _deny_folder(monkeypatch, ro)
    _refused(capsys, ["plan", shop, "--suggested", "--save", ro / "plan.json"], says="is read-only")
    assert list(ro.iterdir()) == []


def _disk_full(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(paths.os, "fsync", fsync)


def test_plan_save_on_a_full_disk_keeps_the_old_file_and_leaves_no_empty_one(tmp_path, capsys, shop,
                                                                            monkeypatch):
    old = tmp_path / "old.json"
    old.write_text('{"name": "mine"}\n')
    before = _state(old)
    _disk_full(monkeypatch)
    _refused(capsys, ["plan", shop, "--suggested", "--save", old, "--force"], says="No space left on device")
    _refused(capsys, ["plan", shop, "--suggested", "--save", tmp_path / "new.json"], says="No space left")
    assert _state(old) == before
    assert not (tmp_path / "new.json").exists() and _no_temps(tmp_path) == []


def test_plan_save_still_writes_the_plan(tmp_path, capsys, shop):
    out = tmp_path / "plan.json"
    assert main(["plan", str(shop), "--suggested", "--save", str(out)]) == 0
    assert json.loads(out.read_text())["changes"]


# -- 3: a replaced output keeps its permission bits; a read-only one is refused ------------------------
def test_replaced_outputs_keep_their_permission_bits(tmp_path, capsys, shop_prr):
    files = {n: tmp_path / n for n in ("a.md", "a.csv", "b.csv", "j.xml", "p.json", "a.json")}
    for p in files.values():
        p.write_text("x\n")
        p.chmod(0o600)
    d = str(tmp_path)
    assert main(["report", str(shop_prr), "-o", f"{d}/a.md", "--csv", f"{d}/a.csv", *TODAY]) == 0
    assert main(["export", str(shop_prr), "-o", f"{d}/b.csv", *TODAY]) == 0
    assert main(["gate", str(shop_prr), "--junit", f"{d}/j.xml", *TODAY]) in (0, 1)
    assert main(["plan", str(shop_prr), "--suggested", "--save", f"{d}/p.json", "--force"]) == 0
    assert main(["export", str(shop_prr), "-o", f"{d}/a.json"]) == 0
    for name, p in files.items():
        assert p.read_text() != "x\n", name
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, name


def test_a_new_output_gets_the_usual_bits(tmp_path, capsys, shop_prr):
    old = os.umask(0o022)
    try:
        assert main(["report", str(shop_prr), "-o", str(tmp_path / "n.md"), *TODAY]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "n.md").st_mode) == 0o644


@pytest.mark.parametrize("argv", [
    ["report", "{review}", "-o", "{out}.md"],
    ["report", "{review}", "-o", "{out}.pdf"],
    ["report", "{review}", "--csv", "{out}.csv"],
    ["export", "{review}", "-o", "{out}.md"],
    ["export", "{review}", "-o", "{out}.json"],
    ["gate", "{review}", "--junit", "{out}.xml"],
    ["checklist-export", "{review}", "-o", "{out}.csv"],
])
def test_a_read_only_output_file_is_refused_like_a_read_only_review(tmp_path, capsys, shop, argv):
    argv = [a.format(review=shop, out=tmp_path / "ro") for a in argv]
    out = Path(argv[-1])
    out.write_text("keep me\n")
    out.chmod(0o444)
    before = _state(out)
    _refused(capsys, argv, says="cannot write: the file is read-only")
    assert _state(out) == before


# -- 4: checklist-import --review: both or neither ----------------------------------------------------
@pytest.fixture
def team_md(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))
    (tmp_path / "tpl").mkdir()
    md = tmp_path / "team.md"
    md.write_text("# T\n## Ops\n- [x] Runbooks exist (blocker)\n", encoding="utf-8")
    return md


def test_checklist_import_into_a_read_only_review_installs_nothing(tmp_path, capsys, team_md, shop_prr):
    shop_prr.chmod(0o444)
    before = _state(shop_prr)
    _refused(capsys, ["checklist-import", team_md, "--review", shop_prr, "--by", "me"],
             says="the file is read-only")
    assert list((tmp_path / "tpl").iterdir()) == [] and _state(shop_prr) == before
    shop_prr.chmod(0o644)  # the retry does not find a template "already exists"
    assert main(["checklist-import", str(team_md), "--review", str(shop_prr), "--by", "me"]) == 0
    assert [p.name for p in (tmp_path / "tpl").iterdir()] == ["team-1.yaml"]


def test_checklist_import_without_by_installs_nothing(tmp_path, capsys, team_md, shop_prr, monkeypatch):
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "root")  # a system account names nobody: --by is required
    _refused(capsys, ["checklist-import", team_md, "--review", shop_prr], says="--by")
    assert list((tmp_path / "tpl").iterdir()) == []


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_review_edit_takes_the_template_back(tmp_path, capsys, team_md, shop_prr, monkeypatch, existing):
    from prr_app.cli import checklist_commands
    from prr_app.errors import PrrError

    installed = tmp_path / "tpl" / "team-1.yaml"
    if existing:  # --force over an installed copy of the same items: the old file comes back
        assert main(["checklist-import", str(team_md)]) == 0
        capsys.readouterr()
        old = _state(installed)

    def fails(*_a, **_kw):
        raise PrrError("cannot write the review: database or disk is full", file=str(shop_prr))

    monkeypatch.setattr(checklist_commands, "_edit", fails)
    argv = ["checklist-import", team_md, "--review", shop_prr, "--by", "me"] + (["--force"] if existing else [])
    _refused(capsys, argv, says="database or disk is full")
    if existing:
        assert _state(installed) == old
    else:
        assert not installed.exists()


# -- 5: a full disk writing a new review or stdout: exit 2, one line, no partial file --------------------
def _sqlite_full(monkeypatch):
    from prr_app.persistence import store

    def full(con):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_create_tables", full)


def test_import_to_a_full_disk_is_one_line_and_no_file(tmp_path, capsys, monkeypatch):
    _sqlite_full(monkeypatch)
    _refused(capsys, ["import", EXAMPLE, "-o", tmp_path / "new.prr", "--quiet"],
             says="cannot write the review: database or disk is full")
    assert list(tmp_path.iterdir()) == []


def test_checklist_answer_to_a_new_review_on_a_full_disk(tmp_path, capsys, shop, monkeypatch):
    item = "slo.journeys-have-slos"
    before = _state(shop)
    _sqlite_full(monkeypatch)
    _refused(capsys, ["checklist-answer", shop, item, "--status", "met", "--by", "me", "-o", tmp_path / "n.prr"],
             says="cannot write the review: database or disk is full")
    assert not (tmp_path / "n.prr").exists() and _no_temps(tmp_path) == [] and _state(shop) == before


class _FullStream:
    def write(self, _text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self):
        pass


def test_export_to_a_full_stdout_is_one_line_exit_2(capsys, shop, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _FullStream())
    assert main(["export", str(shop), "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert err == "prr: standard output: cannot write: No space left on device\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("argv", [["export", str(EXAMPLE), "-o", "-"], ["summary", str(EXAMPLE)]])
def test_a_full_stdout_through_the_prr_program(argv, buffered):
    """As a user runs it: stdout buffered (the error comes at the last flush) or not."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "prr_app", *argv], stdout=full, stderr=subprocess.PIPE,
                           text=True, env=env, timeout=120)
    assert r.returncode == 2
    assert r.stderr == "prr: standard output: cannot write: No space left on device\n"


# -- 6: every output is checked before any is written ---------------------------------------------------
def test_report_checks_every_output_before_writing_any(tmp_path, capsys, shop, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    _deny_folder(monkeypatch, ro)
    _refused(capsys, ["report", shop, "-o", ro / "x.pdf", "--markdown", tmp_path / "ok.md"], says="is read-only")
    assert not (tmp_path / "ok.md").exists()
    _refused(capsys, ["report", shop, "-o", tmp_path / "nodir" / "x.pdf", "--csv", tmp_path / "ok.csv"],
             says="does not exist")
    assert not (tmp_path / "ok.csv").exists()


def test_import_never_writes_over_a_file_it_reads(capsys, shop):
    before = _state(shop)
    _refused(capsys, ["import", shop, "-o", shop, "--force", "--quiet"], says="is a file this import reads")
    assert _state(shop) == before


# -- 7: an output's name is printed safely -------------------------------------------------------------
def test_report_prints_its_output_name_without_raw_escapes(tmp_path, capsys, shop):
    out = tmp_path / "o\x1b[31m.md"
    assert main(["report", str(shop), "-o", str(out), *TODAY]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "wrote " in printed and "o\\x1b[31m.md" in printed
    assert out.exists()
