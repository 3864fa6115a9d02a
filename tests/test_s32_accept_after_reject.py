"""Round 32: accepting on a re-import calls rejected earlier.

``prr import REPO --into r.prr --reject all`` then ``prr import REPO --into r.prr --accept all``: the
second said each call was "inferred (strong, accepted)" and left the review without them (the import
left out what was rejected before it read, and the merge took their absence for the reviewer's
deletion: "deleted by the reviewer; not added again"). Accepted, they are back, and a plain re-import
after that changes nothing. A call deleted by hand stays deleted.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review, save_review

ROOT = Path(__file__).resolve().parent.parent
PETCLINIC = ROOT.parent / "shared" / "realdata" / "spring-petclinic-repo"


from tests.test_s31_f3_reimport_after_decisions import _next_second, repo, run  # noqa: E402,F401 (a fixture)


@pytest.mark.parametrize("selector", ["all", "weak", "alpha->beta"])
def test_accepting_a_call_rejected_earlier_puts_it_back(capsys, repo, tmp_path, selector):
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--quiet"]) == 0
    assert {"alpha->beta", "alpha->gamma"} <= set(load_review(prr).dependencies)
    _next_second()
    assert main(["import", str(repo), "--into", str(prr), "--reject", "all", "--quiet"]) == 0
    assert not {"alpha->beta", "alpha->gamma"} & set(load_review(prr).dependencies)
    _next_second()
    code, out, err = run(capsys, "import", repo, "--into", prr, "--accept", selector)
    assert code == 0, err
    assert "change: add dependency alpha->beta" in out
    assert "deleted by the reviewer" not in out
    review = load_review(prr)
    assert "alpha->beta" in review.dependencies
    _rec, items = review.inferred_calls()
    assert {i["id"]: i["decision"] for i in items}["alpha->beta"] == "accepted"
    # the call not accepted stays rejected
    assert ("alpha->gamma" in review.dependencies) == (selector == "all")
    _next_second()
    code, out, err = run(capsys, "import", repo, "--into", prr)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("no change:")


def test_a_call_deleted_by_hand_stays_deleted_on_an_accept(capsys, repo, tmp_path):
    prr = tmp_path / "r.prr"
    assert main(["import", str(repo), "-o", str(prr), "--quiet"]) == 0
    review = load_review(prr)
    del review.dependencies["alpha->gamma"]  # the reviewer's Delete, not a rejection
    save_review(review, prr, overwrite=True)
    _next_second()
    code, out, err = run(capsys, "import", repo, "--into", prr, "--accept", "alpha->beta")
    assert code == 0, err
    assert "dependency alpha->gamma: deleted by the reviewer; not added again" in out
    assert "alpha->gamma" not in load_review(prr).dependencies


@pytest.mark.skipif(not PETCLINIC.is_dir(), reason="needs ../shared/realdata")
def test_spring_petclinic_accept_all_after_reject_all(capsys, tmp_path):
    prr = tmp_path / "pc.prr"
    assert main(["import", str(PETCLINIC), "-o", str(prr), "--quiet"]) == 0
    n = len(load_review(prr).dependencies)
    _next_second()
    assert main(["import", str(PETCLINIC), "--into", str(prr), "--reject", "all", "--quiet"]) == 0
    assert len(load_review(prr).dependencies) < n
    _next_second()
    code, out, err = run(capsys, "import", PETCLINIC, "--into", prr, "--accept", "all")
    assert code == 0, err
    review = load_review(prr)
    assert len(review.dependencies) == n
    assert all(i["decision"] == "accepted" for i in review.inferred_calls()[1])


@pytest.mark.skipif(not PETCLINIC.is_dir(), reason="needs ../shared/realdata")
def test_the_first_reimport_after_rejecting_on_the_import_changes_nothing(capsys, tmp_path):
    """Rejected on the import itself, the calls are left out of what it reasons from, as a re-import
    leaves them out: the component evidence does not name a rejected call, and a re-import of the same
    files changes nothing (it rewrote the file before: the reasons differed)."""
    prr = tmp_path / "pc.prr"
    assert main(["import", str(PETCLINIC), "-o", str(prr), "--reject", "all", "--quiet"]) == 0
    review = load_review(prr)
    rejected = {i["id"] for i in review.inferred_calls()[1] if i["decision"] == "rejected"}
    assert rejected and not rejected & set(review.dependencies)
    words = str(review.newest_import().report.get("components"))
    assert not any(f"({did.replace('->', ' -> ')})" in words for did in rejected)
    _next_second()
    raw = prr.read_bytes()
    code, out, err = run(capsys, "import", PETCLINIC, "--into", prr)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("no change:")
    assert prr.read_bytes() == raw
