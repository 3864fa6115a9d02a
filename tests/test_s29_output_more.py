"""Output checks the team repository's commands share with the others, and the words for a
``repo:NAME`` given without a repository."""
from __future__ import annotations

from prr_app.cli.main import main


def test_portfolio_outputs_are_checked_before_connecting(capsys, tmp_path):
    ro = tmp_path / "p.md"
    ro.write_text("kept")
    ro.chmod(0o444)
    for out, said in (("", "the file name is empty"), (str(ro), "read-only"),
                      (str(tmp_path / "no" / "p.md"), "does not exist")):
        code = main(["repo", "portfolio", "--markdown", out, "--repo", "postgresql://nobody@127.0.0.1:1/none"])
        err = capsys.readouterr().err
        assert code == 2 and said in err and err.count("\n") == 1, err
    assert ro.read_text() == "kept"


def test_a_repository_address_without_a_repository(capsys, monkeypatch):
    monkeypatch.delenv("PRR_REPO", raising=False)
    assert main(["summary", "repo:shop"]) == 2
    err = capsys.readouterr().err
    assert "repo:shop names a review in the team repository: set PRR_REPO" in err and "--repo" not in err


def test_a_review_is_written_only_under_a_review_name(tmp_path, capsys):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"
    for name in ("out.txt", "out.pdf", "out"):
        assert main(["import", str(example), "-o", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert "a review is written as a .prr file" in err and not (tmp_path / name).exists()
    assert main(["import", str(example), "-o", str(tmp_path / "out.PRR"), "--quiet"]) == 0
