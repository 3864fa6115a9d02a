"""Killed at every write syscall of every write path, a review opens and holds the state before or after.

Fault injection with strace (``-e inject=SYSCALL:signal=KILL:when=N``): each write path runs in a
forked child of this (warm) test process, strace attaches to it and kills it at the N-th call of
one syscall, for every N up to the number of calls the path makes. The review is then opened the
way every command opens it, and must be exactly the state before the write or the state after it,
with no journal and no temporary file left behind once it has been opened. The ``.prr`` file
alone (copied elsewhere without anything beside it, as a review is mailed) must open too, and
hold the state before or after: a ``.prr`` is never changed in place.

These are the promises of docs/file-format.md, "What survives a crash".
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import prr_app.checklist  # noqa: F401 - imported here once, not in every killed child
import prr_app.cli.checklist_commands  # noqa: F401
import prr_app.cli.core_commands  # noqa: F401
import prr_app.importers.merge  # noqa: F401
from prr_app.interchange.json_io import review_to_dict

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("strace") is None or not hasattr(os, "fork"),
                       reason="needs strace (scripts/ensure-system-deps.sh installs it) and fork"),
]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
PLATFORM = ROOT / "resources" / "examples" / "platform.json"
#: Every syscall that changes a file or a folder: a kill before each one, one at a time.
SYSCALLS = ("pwrite64", "write", "fsync", "fdatasync", "rename", "unlink", "ftruncate")
ITEM = "slo.agreed-with-product"


def _normal(review) -> dict:
    """The review without the times a write stamps (so "after" is the same in every run)."""
    d = review_to_dict(review)
    d.pop("imports", None)
    for a in d["checklist"]["answers"]:
        a.pop("changed_at", None)
        for h in a.get("history", []):
            h.pop("at", None)
    return d


def _in_child(action, strace_args: list[str] | None):
    """Run ``action()`` in a forked child, under strace if asked; return (killed, exit code)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wait for strace, act, leave without running the parent's clean-up
        code = 1
        try:
            os.close(w)
            os.read(r, 1)
            sys.stdout = sys.stderr = open(os.devnull, "w")
            code = action() or 0
        finally:
            os._exit(code)
    os.close(r)
    tracer = None
    try:
        if strace_args is not None:
            tracer = subprocess.Popen(["strace", "-p", str(pid), "-f", *strace_args], stderr=subprocess.PIPE,
                                      text=True)
            line = tracer.stderr.readline()
            assert "attached" in line, line
        os.write(w, b"g")
    finally:
        os.close(w)
        _, status = os.waitpid(pid, 0)
        if tracer is not None:
            tracer.wait(timeout=60)
    if os.WIFSIGNALED(status):
        return True, -os.WTERMSIG(status)
    return False, os.WEXITSTATUS(status)


def _counts(action, tmp: Path) -> Counter:
    log = tmp / "trace.log"
    killed, code = _in_child(action, ["-o", str(log), "-e", "trace=" + ",".join(SYSCALLS)])
    assert not killed and code == 0
    calls = Counter()
    for line in log.read_text().splitlines():
        name = line.split("(", 1)[0].split()[-1] if "(" in line else ""
        if name in SYSCALLS and "resumed>" not in line:
            calls[name] += 1
    log.unlink()
    return calls


def _cli(*args):
    def run():
        from prr_app.cli.main import main

        return main([str(a) for a in args])

    return run


def _app_save(path: Path):
    def run():
        from prr_app.review.document import ReviewDocument

        doc = ReviewDocument.open(path)
        doc.review.components["cart-db"].notes = "saved by the app"
        doc.review.meta.milestone = "after"
        doc.save()
        doc.close()
        return 0

    return run


def _check_every_kill(tmp_path, make_original, action_for, target_name: str):
    """For each syscall and each N: fresh copy, kill at the N-th call, open, compare."""
    from prr_app.review.document import load_review

    work = tmp_path / "work"
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    make_original(pristine)
    before = _normal(load_review(pristine / target_name))

    def fresh():
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work, symlinks=True)
        return work / target_name

    target = fresh()
    calls = _counts(action_for(work), tmp_path)
    after = _normal(load_review(target))
    assert after != before, "the write path changed nothing"
    kills = 0
    for syscall, n_calls in sorted(calls.items()):
        for n in range(1, n_calls + 1):
            target = fresh()
            killed, code = _in_child(action_for(work), ["-o", os.devnull, "-e", "trace=" + syscall,
                                                        "-e", f"inject={syscall}:signal=KILL:when={n}"])
            kills += killed
            if target.suffix == ".prr":  # the file alone, as copied or mailed: no journal, no temporary file
                alone = tmp_path / "alone" / target.name
                shutil.rmtree(alone.parent, ignore_errors=True)
                alone.parent.mkdir()
                shutil.copyfile(target, alone)
                try:
                    got_alone = _normal(load_review(alone))
                except Exception as e:  # pragma: no cover - the failure this test exists for
                    raise AssertionError(f"killed at {syscall} #{n}: the file alone does not open: {e}") from None
                assert got_alone in (before, after), f"killed at {syscall} #{n}: the file alone is neither state"
            try:
                got = _normal(load_review(target))
            except Exception as e:  # pragma: no cover - the failure this test exists for
                raise AssertionError(f"killed at {syscall} #{n}: the review does not open: {e}") from None
            assert got in (before, after), f"killed at {syscall} #{n}: neither the state before nor after"
            if not killed:
                assert got == after
            left = sorted(p.name for p in work.iterdir() if p.name.endswith((".tmp", "-journal", "-wal", "-shm")))
            assert not left, f"killed at {syscall} #{n}: left {left}"
    assert kills >= 3  # a JSON write has few: write, fsync, rename
    return kills


def _prr(folder: Path, name="r.prr"):
    from prr_app.interchange.json_io import read_review_json
    from prr_app.persistence.store import create_store

    create_store(folder / name, read_review_json(EXAMPLE)).close()


def test_checklist_answer_in_place_survives_every_kill(tmp_path):
    _check_every_kill(tmp_path, _prr,
                      lambda w: _cli("checklist-answer", w / "r.prr", ITEM, "--status", "met", "--by", "kim"), "r.prr")


def test_checklist_answer_through_a_symlink_survives_every_kill(tmp_path):
    def make(folder):
        _prr(folder)
        (folder / "link.prr").symlink_to("r.prr")

    _check_every_kill(tmp_path, make,
                      lambda w: _cli("checklist-answer", w / "link.prr", ITEM, "--status", "met", "--by", "kim"),
                      "r.prr")


def test_json_answer_in_place_survives_every_kill(tmp_path):
    def make(folder):
        shutil.copy(EXAMPLE, folder / "r.json")

    _check_every_kill(tmp_path, make,
                      lambda w: _cli("checklist-answer", w / "r.json", ITEM, "--status", "met", "--by", "kim"), "r.json")


def test_app_save_survives_every_kill(tmp_path):
    _check_every_kill(tmp_path, _prr, lambda w: _app_save(w / "r.prr"), "r.prr")


def test_import_into_survives_every_kill(tmp_path):
    def make(folder):
        _prr(folder)
        shutil.copy(PLATFORM, folder / "other.json")

    _check_every_kill(tmp_path, make, lambda w: _cli("import", w / "other.json", "--into", w / "r.prr", "--quiet"),
                      "r.prr")


def test_import_replacing_a_review_survives_every_kill(tmp_path):
    def make(folder):
        _prr(folder)
        shutil.copy(PLATFORM, folder / "other.json")

    _check_every_kill(tmp_path, make,
                      lambda w: _cli("import", w / "other.json", "-o", w / "r.prr", "--force", "--quiet"), "r.prr")


def test_checklist_use_survives_every_kill(tmp_path):
    _check_every_kill(tmp_path, _prr, lambda w: _cli("checklist-use", w / "r.prr", "launch-lite"), "r.prr")
