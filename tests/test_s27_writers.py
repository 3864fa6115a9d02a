"""``prr milestone add`` beside another writer (session 27): it edits under the file's lock like
every other edit of the command line, reading the review it snapshots there, so neither write is
lost, and the loser of a same-name race is told in the command line's words."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ITEM = "slo.error-budget-policy"
SLOW = """
import sys, time
from prr_app.review.document import edit_review
from prr_app.model.entities import ChecklistAnswer
from prr_app.review.milestones import take
def change(r):
    print("locked", flush=True)
    time.sleep(2)  # a slow writer, inside the lock
    r.answers[sys.argv[2]] = ChecklistAnswer(item=sys.argv[2], status="met", changed_by="ci")
    if len(sys.argv) > 3:
        take(r, sys.argv[3], by="slow", note="the slow writer's")
edit_review(sys.argv[1], change)
"""


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _prr(*args):
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True,
                          env=_env(), timeout=120)


def _slow_writer(path, *extra):
    p = subprocess.Popen([sys.executable, "-c", SLOW, str(path), ITEM, *extra], stdout=subprocess.PIPE, text=True,
                         env=_env())
    assert p.stdout.readline().strip() == "locked"  # it holds the lock now
    return p


@pytest.fixture(params=["json", "prr"])
def review_file(request, tmp_path, examples_dir):
    p = tmp_path / f"webshop.{request.param}"
    if request.param == "json":
        shutil.copy(examples_dir / "webshop.json", p)
    else:
        assert _prr("import", examples_dir / "webshop.json", "-o", p).returncode == 0
    return p


def test_milestone_add_waits_for_the_lock_and_holds_the_other_writers_change(review_file):
    from prr_app.review.document import load_review
    from prr_app.review.milestones import milestone_review

    slow = _slow_writer(review_file)
    t0 = time.monotonic()
    out = _prr("milestone", "add", review_file, "pre-launch", "--note", "taken while CI writes")
    assert slow.wait(60) == 0
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - t0 > 1  # it waited for the slow writer's lock
    after = load_review(review_file)
    assert after.answers[ITEM].status == "met"  # the other writer's change kept
    assert ITEM in milestone_review(after.milestones["pre-launch"]).answers  # and in the milestone


def test_the_loser_of_a_same_name_race_is_told_in_cli_words(review_file):
    from prr_app.review.document import load_review

    slow = _slow_writer(review_file, "beta")
    out = _prr("milestone", "add", review_file, "beta", "--note", "mine")
    assert slow.wait(60) == 0
    assert out.returncode == 2
    assert "milestone 'beta' already exists" in out.stderr and "choose another name" in out.stderr
    assert "reopen it" not in out.stderr and "save a copy" not in out.stderr
    assert load_review(review_file).milestones["beta"].note == "the slow writer's"  # never replaced
