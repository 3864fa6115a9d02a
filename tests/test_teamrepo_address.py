"""``repo:NAME`` wherever a command takes a review: every command group against a real
PostgreSQL (the server of tests/test_teamrepo.py), each result compared with the same command
on the review's ``.prr`` file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _without_origin, pg, repo, repo_url  # noqa: E402,F401

from prr_app.review.document import load_review, save_review  # noqa: E402


def prr(*args):
    """The prr program in this process: (exit code, stdout, stderr); stdout has a byte buffer
    (``--json`` output is written as bytes)."""
    import contextlib
    import io

    from prr_app.cli.main import main

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
        out.flush()
    return code, out.buffer.getvalue().decode("utf-8"), err.getvalue()


@pytest.fixture
def shop(repo, tmp_path, monkeypatch):
    """The webshop example pushed as repo:shop (``$PRR_REPO`` set), and the same review as a .prr."""
    monkeypatch.setenv("PRR_REPO", repo.url)
    repo.push(_example(), name="shop")
    path = tmp_path / "shop.prr"
    save_review(_example(), path)
    return path


def _same_output(*args, file: Path):
    """The command on repo:shop and on the .prr file: both exit the same, and print the same
    (the address itself aside)."""
    code_r, out_r, err_r = prr(*[a if a != "REVIEW" else "repo:shop" for a in args])
    code_f, out_f, err_f = prr(*[a if a != "REVIEW" else file for a in args])
    assert code_r == code_f, (err_r, err_f)
    assert out_r.replace("repo:shop", str(file)) == out_f
    return code_r, out_r, err_r


def test_read_only_commands_read_the_repository(shop):
    for args in (["summary", "REVIEW"], ["analyze", "REVIEW"], ["analyze", "REVIEW", "--json"],
                 ["checklist", "REVIEW"], ["checklist", "REVIEW", "--json"], ["gate", "REVIEW"],
                 ["milestone", "list", "REVIEW"], ["diff", "REVIEW", str(shop)]):
        _same_output(*args, file=shop)
    code, out, err = prr("validate", "repo:shop")
    assert code == 0 and "valid review of 'Acme Web Shop'" in out, err
    code, out, err = prr("diff", "repo:shop", shop, "--json")
    assert code == 0, err
    model = json.loads(out)["model"]  # the repository's review is the file's: nothing changed
    assert all(not (any(v.values()) if isinstance(v, dict) else v) for v in model.values()), model


def test_writing_commands_take_a_repository_review_as_input(shop, tmp_path):
    code, _, err = prr("export", "repo:shop", "--format", "json", "-o", tmp_path / "shop.json")
    assert code == 0, err
    assert _without_origin(load_review(tmp_path / "shop.json")) == _example()
    code, _, err = prr("report", "repo:shop", "--format", "markdown", "-o", tmp_path / "shop.md")
    assert code == 0, err
    assert "Acme Web Shop" in (tmp_path / "shop.md").read_text()
    code, _, err = prr("checklist-export", "repo:shop", "-o", tmp_path / "shop.csv")
    assert code == 0, err
    code, out, err = prr("plan", "repo:shop", "--add-replica", "cart-db@euw1-b", "--json")
    assert code == 0, err and json.loads(out)["changes"]
    # -o from the repository to a file: the file is written, the repository is untouched
    code, _, err = prr("checklist-answer", "repo:shop", "toil.self-healing", "--status", "met",
                       "-o", tmp_path / "answered.prr")
    assert code == 0, err
    assert load_review(tmp_path / "answered.prr").answers["toil.self-healing"].status == "met"


def test_edits_in_place_go_to_the_repository_as_new_versions(shop, repo, tmp_path):
    code, _, err = prr("checklist-answer", "repo:shop", "toil.self-healing", "--status", "met", "--by", "ann")
    assert code == 0, err
    pulled = repo.pull("shop")
    assert pulled.version == 2 and pulled.review.answers["toil.self-healing"].status == "met"
    assert any(e.element.startswith("checklist answer") for e in repo.history("shop"))
    code, _, err = prr("checklist-use", "repo:shop", "launch-lite")
    assert code == 0, err
    assert repo.pull("shop").review.meta.checklist_template == "launch-lite"
    code, _, err = prr("checklist-carry", "repo:shop", "prr-operational", "--by", "ann")
    assert code == 0, err
    assert repo.pull("shop").review.meta.checklist_template == "prr-operational"
    md = tmp_path / "team.md"
    md.write_text("# Team checklist\n\n## Data\n\n- [x] Backups restored this quarter (blocker)\n")
    code, _, err = prr("checklist-import", md, "--review", "repo:shop", "--by", "ann")
    assert code == 0, err
    assert repo.pull("shop").review.meta.checklist_template == "team"
    # a re-import into the repository's review keeps the reviewer's answers
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: api\n")
    code, out, err = prr("import", compose, "--into", "repo:shop")
    assert code == 0, err
    after = repo.pull("shop").review
    assert {"web", "api"} <= set(after.components) and after.meta.checklist_template == "team"
    assert repo.pull("shop").version == 6


def test_an_edit_conflicting_with_another_reviewers_exits_1_listing_it_and_writes_nothing(shop, repo, monkeypatch):
    from prr_app.review import document
    from prr_app.teamrepo import address

    real_open = address.RepoDocument.open

    def open_then_someone_else_answers(text, **kw):
        # another reviewer answers the same item between this command's read and its save
        doc = real_open(text, **kw)
        from prr_app.model.entities import ChecklistAnswer

        other = repo.pull("shop")
        other.review.answers["toil.self-healing"] = ChecklistAnswer("toil.self-healing", "not_met", note="theirs")
        repo.push(other.review, name="shop", base=other.version)
        return doc

    repo_before = repo.pull("shop")
    monkeypatch.setattr(address.RepoDocument, "open", staticmethod(open_then_someone_else_answers))
    code, out, err = prr("checklist-answer", "repo:shop", "toil.self-healing", "--status", "met", "--note", "mine")
    monkeypatch.undo()
    assert code == 1, err
    lines = err.strip().splitlines()
    assert lines[0].startswith("prr: repo:shop: ") and "nothing was written" in lines[0]
    assert any("conflict: checklist answer toil.self-healing: changed on both sides" in line for line in lines[1:])
    assert all("mine" not in repr(a.note) for a in repo.pull("shop").review.answers.values())
    assert repo.pull("shop").version == repo_before.version + 1  # the other reviewer's version only
    assert document.file_kind("repo:shop") == "repo"


def test_outputs_never_go_to_the_repository(shop, repo, tmp_path):
    for args in (["export", "repo:shop", "--format", "json", "-o", "repo:copy"],
                 ["checklist-answer", "repo:shop", "toil.self-healing", "--status", "met", "-o", "repo:copy"],
                 ["import", tmp_path / "nothing.yaml", "-o", "repo:copy"],
                 ["report", "repo:shop", "-o", "repo:copy"]):
        code, out, err = prr(*args)
        assert code == 2 and err.count("\n") == 1, err
        assert "prr repo push" in err and "Traceback" not in err
    assert [i.name for i in repo.list()] == ["shop"] and repo.pull("shop").version == 1
    assert not list(Path.cwd().glob("repo:copy*"))


def test_milestones_stay_in_files(shop, repo):
    code, _, err = prr("milestone", "add", "repo:shop", "design review")
    assert code == 2 and "milestones are kept in .prr files" in err
    assert repo.pull("shop").version == 1


def test_a_file_named_like_an_address_is_reached_as_dot_slash(shop, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_review(_example(), tmp_path / "repo:local.prr")
    code, out, err = prr("summary", "./repo:local.prr")
    assert code == 0 and "system: Acme Web Shop" in out, err
    code, _, err = prr("summary", "repo:local.prr")
    assert code == 2 and "no such review in the repository" in err


def test_no_repository_and_unknown_reviews_are_one_line_errors(shop, monkeypatch):
    code, _, err = prr("summary", "repo:nothing")
    assert code == 2 and err.startswith("prr: repo:nothing: no such review") and err.count("\n") == 1
    code, _, err = prr("summary", "repo:")
    assert code == 2 and "needs a review name" in err
    monkeypatch.delenv("PRR_REPO")
    code, _, err = prr("summary", "repo:shop")
    assert code == 2 and "PRR_REPO" in err and err.count("\n") == 1
