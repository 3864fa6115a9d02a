"""Round 31: a re-import of unchanged files after the reviewer decided on inferred dependencies.

``prr import REPO -o r.prr``, then ``prr import REPO --into r.prr --reject weak``: the next re-import of
the same checkout rewrote the file (a new import record, the proposals re-dated) without saying "left as
it was", and in the app it was an undo step "Re-import repository (no changes)". The record of the import
whose dependencies were rejected afterwards still listed them (its report, its snapshot of imported
values, their "weaker evidence" line), while an import that knows the rejections leaves them out: the
two records read as saying different things of the same files. Only the second re-import was a no-op.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review import edits
from prr_app.review.document import load_review
from prr_app.review.importing import decide, import_review

ROOT = Path(__file__).resolve().parent.parent
PETCLINIC = ROOT.parent / "shared" / "realdata" / "spring-petclinic-repo"


def _next_second() -> None:
    """Import records are timed to the second: a re-import within the second of the import ties with
    it (see tests/test_s30_cli.py), which is not what is tried here."""
    now = int(time.time())
    while int(time.time()) == now:
        time.sleep(0.02)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture
def repo(tmp_path):
    """A checkout with one strong inferred call (alpha->gamma, a configuration value) and one weak one
    (alpha->beta, a string literal in source)."""
    root = tmp_path / "repo"
    files = {
        "docker-compose.yml": "services:\n  alpha: {image: x, build: ./alpha}\n  beta: {image: y, build: ./beta}\n"
                              "  gamma: {image: z, build: ./gamma}\n",
        "alpha/app.py": 'URL = "http://beta:8000/x"\n',
        "alpha/settings.env": "GAMMA_HOST=gamma\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _unchanged_reimport(capsys, src, prr: Path) -> None:
    raw, stat = prr.read_bytes(), prr.stat()
    records = len(load_review(prr).imports)
    code, out, err = run(capsys, "import", src, "--into", prr)
    assert code == 0, err
    assert out.splitlines()[-1] == f"no change: the review already says what these files say; {prr} left as it was"
    assert prr.read_bytes() == raw and prr.stat().st_mtime_ns == stat.st_mtime_ns  # not even replaced
    assert len(load_review(prr).imports) == records


def test_reimport_after_rejecting_on_a_reimport_leaves_the_file_as_it_was(capsys, repo, tmp_path):
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--quiet"]) == 0
    _next_second()
    code, out, err = run(capsys, "import", repo, "--into", prr, "--reject", "weak")
    assert code == 0, err
    assert "alpha->beta" not in load_review(prr).dependencies and out.splitlines()[-1] == f"wrote {prr}"
    _next_second()
    _unchanged_reimport(capsys, repo, prr)  # the first one after the decision: it wrote the file


def test_reimport_after_rejecting_on_the_import_itself_leaves_the_file_as_it_was(capsys, repo, tmp_path):
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--reject", "weak", "--quiet"]) == 0
    _next_second()
    _unchanged_reimport(capsys, repo, prr)


def test_reimport_after_deciding_in_the_import_report_is_no_change(repo, tmp_path):
    """The app's import report decides with :func:`decide`; its re-import reads ImportResult.unchanged:
    the review it went into, as it was, is no undo step (no change between them)."""
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--quiet"]) == 0
    base, lines = decide(load_review(prr), {"alpha->beta": "rejected", "alpha->gamma": "accepted"})
    assert lines and "alpha->beta" not in base.dependencies
    _next_second()
    res = import_review([repo], into=base)
    assert res.unchanged and res.review is base
    assert edits.review_changes(base, res.review, base) == []
    assert {i["id"]: i["decision"] for i in res.report.inferred} == {"alpha->beta": "rejected",
                                                                      "alpha->gamma": "accepted"}


def test_what_the_files_say_of_a_rejected_call_is_still_a_change(repo, tmp_path):
    """Leaving the rejected dependency out of the comparison of the records must not hide the files
    saying something new of it (its evidence moved): the re-import keeps that in a new record."""
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--reject", "weak", "--quiet"]) == 0
    base = load_review(prr)
    _next_second()
    (repo / "alpha" / "app.py").write_text('# the beta client\nURL = "http://beta:8000/x"\n')
    res = import_review([repo], into=base)
    assert not res.unchanged and len(res.review.imports) == 2
    entry = next(i for i in res.report.inferred if i["id"] == "alpha->beta")
    assert entry["decision"] == "rejected" and any("app.py:2:" in e for e in entry["evidence"])
    assert "alpha->beta" not in res.review.dependencies
    # and undoing the rejection is a change too
    undone, _ = decide(base, {"alpha->beta": ""})
    again = import_review([repo], into=undone)
    assert not again.unchanged


def test_spring_petclinic_reimport_after_reject_weak(capsys, tmp_path):
    """The reported case, on the real checkout."""
    if not PETCLINIC.exists():
        pytest.skip("shared/realdata is not beside the repository")
    prr = tmp_path / "pc.prr"
    assert main(["import", str(PETCLINIC), "-o", str(prr), "--quiet"]) == 0
    _next_second()
    assert main(["import", str(PETCLINIC), "--into", str(prr), "--reject", "weak", "--quiet"]) == 0
    _next_second()
    _unchanged_reimport(capsys, PETCLINIC, prr)
