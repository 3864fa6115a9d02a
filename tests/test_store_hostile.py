"""A .prr file comes from anyone: what a hostile or hand-edited file can and cannot do.

docs/file-format.md, "What a hostile file can and cannot do", promises each point tested here:
it is refused with exit 2 and one line naming the file (never a traceback, never exit 3), it is
left byte for byte untouched, and nothing it holds runs inside PRR Workbench.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.interchange.json_io import dumps, read_review_json
from prr_app.persistence.store import NotAReviewError, create_store, open_store
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prr(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _edit_file(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


@pytest.fixture
def review_file(tmp_path) -> Path:
    path = tmp_path / "r.prr"
    create_store(path, read_review_json(EXAMPLE)).close()
    return path


# ---------------------------------------------------------------- schema: nothing but ours, nothing that runs
@pytest.mark.parametrize("sql, message", [
    ("CREATE TRIGGER t AFTER UPDATE ON checklist_answer BEGIN UPDATE component SET replicas = 50; END", "trigger 't'"),
    ("CREATE VIEW v AS SELECT * FROM component", "view 'v'"),
    ("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)", "table 'notes'"),
    ("CREATE INDEX i ON component(name)", "index 'i'"),
    ("ALTER TABLE component ADD COLUMN extra TEXT", "table component differs"),
    ("ALTER TABLE component DROP COLUMN notes", "table component differs"),
    ("DROP TABLE layout", "missing table layout"),
])
def test_foreign_schema_is_refused_untouched(review_file, sql, message):
    _edit_file(review_file, sql)
    before = digest(review_file)
    with pytest.raises(NotAReviewError, match=message):
        open_store(review_file)
    assert digest(review_file) == before


def test_a_stored_trigger_never_runs_during_a_save(review_file):
    """Issue 16 item 7: checklist-answer used to exit 0 after a trigger had set every replicas to 50."""
    _edit_file(review_file,
               "CREATE TRIGGER t AFTER UPDATE ON checklist_answer BEGIN UPDATE component SET replicas = 50; END",
               "CREATE TRIGGER t2 AFTER INSERT ON checklist_answer BEGIN UPDATE component SET replicas = 50; END")
    before = digest(review_file)
    res = prr("checklist-answer", review_file, "slo.agreed-with-product", "--status", "met", "--by", "x")
    assert res.returncode == 2, res.stderr
    assert "trigger" in res.stderr and str(review_file) in res.stderr and "Traceback" not in res.stderr
    assert digest(review_file) == before
    con = sqlite3.connect(review_file)
    assert {r[0] for r in con.execute("SELECT replicas FROM component")} != {50}
    con.close()


# ---------------------------------------------------------------- values: as strict as review JSON
@pytest.mark.parametrize("sql, message", [
    ("UPDATE component SET replicas = 'three' WHERE id = 'cart-db'", "column replicas: expected a whole number, got text"),
    ("UPDATE component SET replicas = 2.5 WHERE id = 'cart-db'", "column replicas: expected a whole number"),
    ("UPDATE component SET placement = '{\"zone\": 1}' WHERE id = 'cart-db'", "column placement: expected a JSON list, got an object"),
    ("UPDATE component SET placement = '[1, 2]' WHERE id = 'cart-db'", "column placement: item 0: expected text"),
    ("UPDATE component SET placement = '[not json' WHERE id = 'cart-db'", "column placement: invalid JSON"),
    ("UPDATE component SET name = x'00ff10' WHERE id = 'cart-db'", "column name: expected text, got binary data"),
    ("UPDATE component SET user_facing = 7 WHERE id = 'cart-db'", "column user_facing: expected 0 or 1"),
    ("UPDATE component SET availability = 'high' WHERE id = 'cart-db'", "column availability: expected a number"),
    ("UPDATE component SET availability = 1e999 WHERE id = 'cart-db'", "column availability: expected a finite number"),
    ("UPDATE review SET tier = 'one'", "column tier"),
    ("UPDATE checklist_answer SET history = '[{\"at\": \"2026-01-01T00:00:00Z\", \"status\": \"met\"}]'",
     "column history: item 0: 'by' is missing"),
    ("INSERT INTO import_record VALUES ('i', '2026-01-01T00:00:00Z', 'csv', '[]', '', "
     "'{\"n\": 123456789012345678901234567890}')", "column report: invalid JSON: the integer"),
    ("INSERT INTO import_record VALUES ('i', '2026-01-01T00:00:00Z', 'csv', '[]', '', "
     "'{\"n\": " + "[" * 300 + "]" * 300 + "}')", "column report: nested more than"),
    ("UPDATE component SET tags = '[\"a\", \"a\"]', notes = '' WHERE id = 'cart-db' AND 0", None),  # no-op: valid
])
def test_wrong_values_are_refused_with_their_place(review_file, sql, message):
    _edit_file(review_file, sql)
    if message is None:
        load_review(review_file)
        return
    before = digest(review_file)
    with pytest.raises(NotAReviewError, match=message) as e:
        open_store(review_file)
    assert str(review_file) in str(e.value)
    assert digest(review_file) == before


@pytest.mark.parametrize("command", [
    ("summary",), ("validate",), ("export", "--format", "json", "-o", "OUT.json"), ("gate",),
    ("checklist-answer", "slo.agreed-with-product", "--status", "met"),
])
def test_every_command_gives_exit_2_on_a_hand_edited_file(review_file, command, tmp_path):
    _edit_file(review_file, "UPDATE component SET replicas = 'three' WHERE id = 'cart-db'")
    args = [a.replace("OUT.json", str(tmp_path / "out.json")) for a in command]
    res = prr(args[0], review_file, *args[1:])
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "replicas" in res.stderr and "Traceback" not in res.stderr


def test_validate_checks_a_prr_by_the_rules_of_review_json(review_file):
    # a dependency on a component that does not exist: no foreign key stops it in the file
    _edit_file(review_file, "UPDATE dependency SET target = 'ghost' WHERE rowid = 1")
    res = prr("validate", review_file)
    assert res.returncode == 2 and "ghost" in res.stderr


# ---------------------------------------------------------------- what is not a plain review file
def test_wal_mode_file_is_refused_and_no_wal_files_appear(review_file):
    con = sqlite3.connect(review_file)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    con.close()
    before = digest(review_file)
    res = prr("summary", review_file)
    assert res.returncode == 2 and "WAL" in res.stderr
    assert digest(review_file) == before
    assert sorted(p.name for p in review_file.parent.iterdir()) == ["r.prr"]


def test_read_only_commands_leave_no_file_beside_the_review(review_file, tmp_path):
    for args in (("summary",), ("validate",), ("checklist",)):
        assert prr(args[0], review_file, *args[1:]).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.prr"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("command", ["summary", "validate", "export", "checklist-answer", "gate", "import"])
def test_a_fifo_never_hangs_a_command(tmp_path, command):
    fifo = tmp_path / "f.prr"
    os.mkfifo(fifo)
    args = {"export": [fifo, "-o", tmp_path / "x.json"], "checklist-answer": [fifo, "a.b", "--status", "met"],
            "import": [fifo, "-o", tmp_path / "x.prr"]}.get(command, [fifo])
    res = prr(command, *args, timeout=60)  # before: waited forever
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.skipif(not Path("/dev/fd").exists(), reason="needs /dev/fd")
def test_a_review_json_can_be_read_from_a_pipe(tmp_path):
    """``prr validate <(cat review.json)``: the format is sniffed without losing the pipe's first bytes."""
    r, w = os.pipe()
    data = EXAMPLE.read_bytes()

    def writer():
        try:
            os.write(w, data)
        finally:
            os.close(w)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert dumps(load_review(f"/dev/fd/{r}")) == dumps(read_review_json(EXAMPLE))
    finally:
        t.join(timeout=30)
        os.close(r)
    if shutil.which("bash"):
        res = subprocess.run(["bash", "-c", f'"{sys.executable}" -m prr_app validate <(cat "{EXAMPLE}")'],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert res.returncode == 0 and "valid review" in res.stdout, res.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "folder"])
def test_devices_and_folders_are_refused(tmp_path, target):
    if target == "folder":
        (tmp_path / "folder.prr").mkdir()
        path = tmp_path / "folder.prr"
    else:
        path = tmp_path / "dev.prr"
        path.symlink_to(target)
    with pytest.raises(PrrError):
        load_review(path)


def test_a_symlink_is_followed_and_kept(review_file):
    link = review_file.parent / "link.prr"
    link.symlink_to(review_file.name)
    os.chmod(review_file, 0o664)
    res = prr("checklist-answer", link, "slo.agreed-with-product", "--status", "met", "--by", "x")
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == "r.prr"
    assert os.stat(review_file).st_mode & 0o777 == 0o664
    assert load_review(review_file).answers["slo.agreed-with-product"].status == "met"
    loop = review_file.parent / "loop.prr"
    loop.symlink_to("loop.prr")
    with pytest.raises(PrrError):
        load_review(loop)


# ---------------------------------------------------------------- journals and temporary files
def _torn_copy(src: Path, dst: Path) -> str:
    """Copy ``src`` and a hot journal as a save killed mid-commit leaves them: page 1 and others
    rewritten, the file grown, the journal holding the pages before. Returns the review before."""
    before = dumps(load_review(src))
    work = src.with_name("work.prr")
    shutil.copy(src, work)
    con = sqlite3.connect(work, isolation_level=None)
    con.execute("PRAGMA cache_size=1")  # spill changed pages into the file before the commit
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE component SET notes = ? ", ("x" * 3000,))
    con.execute("UPDATE review SET milestone = 'torn'")
    shutil.copy(work, dst)  # what a kill at this moment leaves: the changed file ...
    shutil.copy(str(work) + "-journal", str(dst) + "-journal")  # ... and its journal
    con.execute("ROLLBACK")
    con.close()
    assert Path(str(dst) + "-journal").stat().st_size > 0
    return before


def test_a_save_killed_mid_commit_is_rolled_back_before_any_size_check(review_file, tmp_path):
    """Issue 16 item 2: this used to say 'damaged review file: truncated'."""
    torn = tmp_path / "torn.prr"
    before = _torn_copy(review_file, torn)
    assert dumps(load_review(torn)) == before
    assert not Path(str(torn) + "-journal").exists()


def test_replacing_a_review_rolls_back_its_stale_journal_first(review_file, tmp_path):
    """Issue 16 item 3: the old journal was replayed into the new file: malformed."""
    torn = tmp_path / "torn.prr"
    _torn_copy(review_file, torn)
    src = ROOT / "resources" / "examples" / "platform.json"
    res = prr("import", src, "-o", torn, "--force", "--quiet")
    assert res.returncode == 0, res.stderr
    assert not Path(str(torn) + "-journal").exists()
    assert dumps(load_review(torn)) == dumps(read_review_json(src))


def test_temporary_files_of_killed_writes_are_removed_on_next_open(review_file):
    folder = review_file.parent
    dead = folder / ".r.prr.999999999.0123456789ab.tmp"  # no such process
    live = folder / f".r.prr.{os.getpid()}.0123456789ab.tmp"  # a write in progress: kept
    other = folder / ".other.prr.999999999.0123456789ab.tmp"  # another file's: not ours to remove
    for p in (dead, live, other):
        p.write_bytes(b"partial")
    load_review(review_file)
    assert not dead.exists() and live.exists() and other.exists()


def test_a_copy_of_a_new_file_keeps_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        create_store(tmp_path / "n.prr", read_review_json(EXAMPLE)).close()
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "n.prr").st_mode & 0o777 == 0o644  # not mkstemp's 0600
