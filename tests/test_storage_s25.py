"""Old-schema and locked reviews (session 25): reading changes nothing, refusing changes nothing,
only a write upgrades (with its backup), and a locked review is called locked, at once.

docs/file-format.md ("The .prr file", "What two writers get") promises each point.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.persistence.migrations import CURRENT_VERSION
from prr_app.persistence.store import open_store
from prr_app.review.document import ReviewDocument, load_review

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = Path("/work/shared/realdata/opentelemetry-demo/compose.yaml")
OLD = [1, 2]  # the released schemas older than the current one


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prr(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def user_version(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def old_review(tmp_path: Path, version: int, name: str = "old.prr") -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURES / f"schema_v{version}.prr", path)
    return path


@pytest.mark.parametrize("version", OLD)
def test_a_refused_old_review_is_left_byte_for_byte(tmp_path, version):
    path = old_review(tmp_path, version)
    con = sqlite3.connect(path)
    con.execute("UPDATE component SET replicas = 'lots'")
    con.commit()
    con.close()
    before = digest(path)
    r = prr("checklist-answer", path, "slo.defined", "--status", "met")
    assert r.returncode == 2, r.stderr
    assert "column replicas" in r.stderr and "Traceback" not in r.stderr
    assert digest(path) == before
    assert user_version(path) == version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.prr"]  # no backup, no copy left


@pytest.mark.parametrize("version", OLD)
def test_read_commands_read_an_old_review_without_changing_it(tmp_path, version):
    path = old_review(tmp_path, version)
    before = digest(path)
    for args in (["summary", path], ["validate", path], ["analyze", path], ["gate", path],
                 ["export", path, "-o", tmp_path / "out.json"]):
        r = prr(*args)
        # gate: 1 for a review that is not ready, 2 when its template is not installed here
        assert r.returncode in (0, 1) or (args[0] == "gate" and "template" in r.stderr), (args, r.stderr)
        assert "older schema" not in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "out.json").exists()
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.prr", "out.json"]
    expected = (FIXTURES / f"schema_v{version}.json").read_text(encoding="utf-8")
    from prr_app.interchange.json_io import dumps

    with open_store(path, readonly=True) as store:
        assert dumps(store.load()) == expected
    assert digest(path) == before


@pytest.mark.parametrize("version", OLD)
def test_a_read_only_old_review_opens_read_only(tmp_path, version):
    path = old_review(tmp_path, version)
    path.chmod(0o444)
    before = digest(path)
    doc = ReviewDocument.open(path)  # as the app opens a review
    try:
        assert doc.review.meta.system_name == "Acme Web Shop"
        doc.review.meta.milestone = "changed"
        with pytest.raises(PrrError, match="read-only"):
            doc.save()
    finally:
        doc.close()
    # an item the review's template has, answered otherwise: a real change (a wrong key is said as such)
    r = prr("checklist-answer", path, "cap.load-test-peak", "--status", "met")
    assert r.returncode == 2 and "read-only" in r.stderr
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.prr"]


@pytest.mark.parametrize("version", OLD)
def test_an_edit_upgrades_an_old_review_with_a_backup_and_a_failed_one_does_not(tmp_path, version):
    path = old_review(tmp_path, version)
    before = digest(path)
    r = prr("checklist-answer", path, "no.such.item", "--status", "met")
    assert r.returncode == 2, r.stderr
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["old.prr"]

    r = prr("checklist-answer", path, "alert.routing-tested", "--status", "not_met")
    assert r.returncode == 0, r.stderr
    assert user_version(path) == CURRENT_VERSION
    bak = tmp_path / f"old.prr.v{version}.bak"
    assert user_version(bak) == version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.prr", bak.name]
    assert load_review(path).answers["alert.routing-tested"].status == "not_met"
    old = load_review(bak).answers.get("alert.routing-tested")  # the backup: the review as it was
    assert old is None or old.status != "not_met"


@pytest.fixture
def real_review(tmp_path) -> Path:
    if not REALDATA.exists():
        pytest.skip("the real inputs are not on this machine")
    path = tmp_path / "otel.prr"
    r = prr("import", REALDATA, "-o", path)
    assert r.returncode == 0, r.stderr
    return path


HOLD = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_locked_review_is_called_locked_at_once(real_review, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(real_review)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for args in (["summary", real_review], ["validate", real_review]):
            t = time.monotonic()
            r = prr(*args)
            took = time.monotonic() - t
            assert r.returncode == 2, r.stderr
            assert "locked" in r.stderr and "damaged" not in r.stderr, r.stderr
            assert took < 15, took  # was 30 s, then "damaged review file: database is locked"
        t = time.monotonic()
        with pytest.raises(PrrError, match="locked: another program"):
            ReviewDocument.open(real_review)
        assert time.monotonic() - t < 10
    finally:
        holder.kill()
        holder.wait()
    assert load_review(real_review).components  # readable again once the other program let go


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_app_says_a_locked_review_is_locked_and_nothing_else(qtbot, win, real_review, monkeypatch):
    """The app's dialog said "damaged" after a 30 s freeze; then "locked" followed by "Check that it is
    a PRR review": it is one, another program is saving it."""
    from prr_app.ui import main_window as mw

    shown = []
    monkeypatch.setattr(mw, "show_error", lambda parent, title, e, what="": shown.append((str(e), what)))
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(real_review)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert not win.open_path(str(real_review))
    finally:
        holder.kill()
        holder.wait()
    (error, what), = shown
    assert "locked: another program is saving it" in error
    assert what == "The file was not changed."
    assert win.open_path(str(real_review))  # once the other program let go
