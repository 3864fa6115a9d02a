"""Two and ten writers at once, through every write path: no update is lost, none is reported falsely.

Each writer is a separate process (a fork of this test process, so it starts warm) that runs the
real command (``prr_app.cli.main.main``) or the app's document save in a loop. At the end every
change every writer reported as done must be in the file. docs/file-format.md, "What two
writers get", promises this.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import prr_app.checklist  # noqa: F401 - imported once here, not in every writer
import prr_app.cli.checklist_commands  # noqa: F401
import prr_app.cli.core_commands  # noqa: F401
import prr_app.importers.merge  # noqa: F401
from prr_app.checklist import evaluate
from prr_app.model.entities import Component, Dependency, Risk
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.persistence.store import SaveConflict, create_store
from prr_app.review.document import ReviewDocument, load_review

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="writers are forked processes")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"


def _items(n: int) -> list[str]:
    """``n`` checklist items the example has not answered yet."""
    review = read_review_json(EXAMPLE)
    keys = [it.key for it in evaluate(review).items if it.key not in review.answers]
    assert len(keys) >= n
    return keys[:n]


def _run_writers(jobs) -> None:
    """Run each job (a function returning 0 when all its writes succeeded) in its own process, all at once."""
    pids = []
    for job in jobs:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                sys.stdout = sys.stderr = open(os.devnull, "w")
                from prr_app.persistence import open_files

                open_files._open_paths.clear()  # a new process: the parent's open documents are not its own
                code = job() or 0
            finally:
                os._exit(code)
        pids.append(pid)
    codes = []
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        codes.append(os.waitstatus_to_exitcode(status))
    assert codes == [0] * len(jobs), codes


def _answers(path: Path, keys: list[str], who: str):
    def job():
        from prr_app.cli.main import main

        for k in keys:  # against the default template, whichever one a checklist-use has just recorded
            if main(["checklist-answer", str(path), k, "--status", "met", "--by", who, "--template", "prr-default"]) != 0:
                return 1
        return 0

    return job


def _use_templates(path: Path, templates: list[str]):
    def job():
        from prr_app.cli.main import main

        for t in templates:
            if main(["checklist-use", str(path), t]) != 0:
                return 1
        return 0

    return job


def _import_into(path: Path, sources: list[Path]):
    def job():
        from prr_app.cli.main import main

        for src in sources:
            if main(["import", str(src), "--into", str(path), "--quiet"]) != 0:
                return 1
        return 0

    return job


def _app(path: Path, risks: list[str]):
    """The app's save path: a document kept open, edited, saved (autosave); on a conflict, reload and redo."""
    def job():
        doc = ReviewDocument.open(path)
        try:
            for rid in risks:
                for _attempt in range(50):
                    doc.review.risks[rid] = Risk(rid, title=f"risk {rid}", likelihood=2, impact=3)
                    try:
                        doc.save()
                        break
                    except SaveConflict:
                        doc.reload()
                else:
                    return 1
        finally:
            doc.close()
        return 0

    return job


@pytest.fixture
def prr(tmp_path) -> Path:
    path = tmp_path / "r.prr"
    create_store(path, read_review_json(EXAMPLE)).close()
    return path


@pytest.mark.parametrize("writers", [2, 10])
def test_concurrent_checklist_answers_are_all_kept(prr, writers):
    keys = _items(writers * 4)
    _run_writers([_answers(prr, keys[i::writers], f"w{i}") for i in range(writers)])
    review = load_review(prr)
    assert all(review.answers[k].status == "met" for k in keys)
    assert {review.answers[k].changed_by for k in keys} == {f"w{i}" for i in range(writers)}


@pytest.mark.parametrize("writers", [2, 10])
def test_concurrent_answers_to_a_json_review_are_all_kept(tmp_path, writers):
    path = tmp_path / "r.json"
    shutil.copy(EXAMPLE, path)
    os.chmod(path, 0o664)
    keys = _items(writers * 3)
    _run_writers([_answers(path, keys[i::writers], f"w{i}") for i in range(writers)])
    review = load_review(path)
    assert all(review.answers[k].status == "met" for k in keys)
    assert os.stat(path).st_mode & 0o777 == 0o664  # in-place JSON writes keep the file's mode


def _sources(tmp_path: Path, tag: str, n: int) -> list[Path]:
    """Review JSON files, each adding one component to the example (an import --into adds it)."""
    out = []
    for i in range(n):
        r = read_review_json(EXAMPLE)
        cid = f"extra-{tag}-{i}"
        r.components[cid] = Component(cid, name=cid)
        r.dependencies[f"{cid}->cart-db"] = Dependency(cid, "cart-db")
        p = tmp_path / f"src-{tag}-{i}.json"
        write_json(r, p)
        out.append(p)
    return out


@pytest.mark.parametrize("writers", [2, 10])
def test_every_write_path_at_once_loses_nothing(prr, tmp_path, writers):
    """checklist-answer, import --into and the app's save, all on one file at the same time."""
    n_answer = max(1, writers // 2)
    n_app = 1 if writers == 2 else 2
    n_import = max(1, writers - n_answer - n_app)
    keys = _items(n_answer * 3)
    jobs = [_answers(prr, keys[i::n_answer], f"w{i}") for i in range(n_answer)]
    srcs = {f"i{i}": _sources(tmp_path, f"i{i}", 2) for i in range(n_import)}
    jobs += [_import_into(prr, s) for s in srcs.values()]
    risks = {f"app{i}": [f"app{i}-risk-{j}" for j in range(3)] for i in range(n_app)}
    jobs += [_app(prr, rs) for rs in risks.values()]
    jobs.append(_use_templates(prr, ["launch-lite", "prr-default", "launch-lite"]))
    _run_writers(jobs)
    review = load_review(prr)
    assert review.meta.checklist_template == "launch-lite", "a checklist-use was lost"
    assert all(review.answers[k].status == "met" for k in keys), "an answer was lost (answers are kept when the template changes)"
    for rs in risks.values():
        assert all(r in review.risks for r in rs), "an app save was lost"
    # every import ran on the file's state at its moment: each one's last component is there
    for tag, files in srcs.items():
        assert f"extra-{tag}-{len(files) - 1}" in review.components, "an import --into was lost"


def test_app_save_over_a_changed_row_refuses_and_keeps_the_other_writer(prr):
    doc = ReviewDocument.open(prr)
    try:
        key = _items(1)[0]

        def cli():
            from prr_app.cli.main import main

            return main(["checklist-answer", str(prr), key, "--status", "not_met", "--by", "cli"])

        _run_writers([cli])  # another program (one file is open once per process)
        doc.review.components["cart-db"].notes = "app edit of another row"
        assert doc.save() == 1  # a row nobody else touched: saved, the CLI's answer kept
        from prr_app.model.entities import ChecklistAnswer

        doc.review.answers[key] = ChecklistAnswer(key, status="met", changed_by="app")
        with pytest.raises(SaveConflict, match="another program changed this review") as e:
            doc.save()
        assert e.value.conflicts == [("checklist_answer", (key,))]
        assert str(prr) in str(e.value)
        doc.reload()
        assert doc.review.answers[key].changed_by == "cli"
        assert doc.review.components["cart-db"].notes == "app edit of another row"
    finally:
        doc.close()
    review = load_review(prr)
    assert review.answers[key].status == "not_met" and review.components["cart-db"].notes == "app edit of another row"
