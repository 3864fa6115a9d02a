"""The gate and the report never replace the review with their output, and never judge a review
against another checklist template than its own (defects 1 and 2 of the gate review)."""
from __future__ import annotations

import json
import os

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review, save_review

TEAM_1 = """\
format: prr-checklist
id: team
version: '1'
title: Team checklist
categories:
- id: ops
  title: Operations
  items:
  - id: ops.runbooks
    question: Every page links to a runbook.
    severity: blocker
"""
TEAM_2 = TEAM_1.replace("version: '1'", "version: '2'").replace("severity: blocker", "severity: low")


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))
    (tmp_path / "tpl").mkdir()


def _review(tmp_path, examples_dir, name="shop.json", template=("team", "1")):
    data = json.loads((examples_dir / "webshop.json").read_text())
    data["review"]["checklist_template"], data["review"]["checklist_version"] = template
    data["checklist"]["answers"] = []
    f = tmp_path / name
    f.write_text(json.dumps(data))
    return f


# ------------------------------------------------------------------ 1: the output is the review
@pytest.mark.parametrize("suffix", [".json", ".prr"])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_gate_junit_never_overwrites_the_review(tmp_path, examples_dir, capsys, suffix, how):
    (tmp_path / "tpl" / "team-1.yaml").write_text(TEAM_1)
    f = _review(tmp_path, examples_dir)
    if suffix == ".prr":
        save_review(load_review(f), tmp_path / "shop.prr")
        f = tmp_path / "shop.prr"
    out = f
    if how == "symlink":
        out = tmp_path / ("link" + suffix)
        out.symlink_to(f)
    elif how == "hardlink":
        out = tmp_path / ("hard" + suffix)
        os.link(f, out)
    before = f.read_bytes()
    assert main(["gate", str(f), "--junit", str(out)]) == 2
    err = capsys.readouterr().err
    assert "refusing to overwrite the review" in err and len(err.strip().splitlines()) == 1
    assert f.read_bytes() == before


def test_every_output_option_refuses_the_review(tmp_path, examples_dir, capsys):
    (tmp_path / "tpl" / "team-1.yaml").write_text(TEAM_1)
    f = _review(tmp_path, examples_dir)
    md = tmp_path / "team.md"
    md.write_text("# T\n## Ops\n- [x] Every page links to a runbook (blocker)\n")
    before = f.read_bytes()
    for argv in (["report", str(f), "--markdown", str(f)], ["report", str(f), "--csv", str(f)],
                 ["report", str(f), "-o", str(f)], ["checklist-export", str(f), "-o", str(f)],
                 ["checklist-import", str(md), "-o", str(f), "--force", "--review", str(f)]):
        assert main(argv) == 2, argv
        assert "refusing to overwrite the review" in capsys.readouterr().err, argv
        assert f.read_bytes() == before, argv


def test_answer_with_output_naming_the_review_is_an_edit_in_place(tmp_path, examples_dir, capsys):
    (tmp_path / "tpl" / "team-1.yaml").write_text(TEAM_1)
    f = _review(tmp_path, examples_dir)
    assert main(["checklist-answer", str(f), "ops.runbooks", "--status", "met", "-o", str(f), "--by", "x"]) == 0
    assert load_review(f).answers["ops.runbooks"].status == "met"


# ------------------------------------------------------------------ 2: the review's own template
def test_gate_refuses_a_review_whose_template_version_is_not_installed(tmp_path, examples_dir, capsys):
    """team 1 makes ops.runbooks a blocker (fails); with only team 2 (a low item) installed the gate passed."""
    f = _review(tmp_path, examples_dir)
    (tmp_path / "tpl" / "team-2.yaml").write_text(TEAM_2)
    before = f.read_bytes()
    assert main(["gate", str(f), "--ignore-verdict", "--junit", str(tmp_path / "ci.xml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "team 1" in err and "not installed" in err and "installed: team 2" in err
    assert "PRR_CHECKLIST_DIR" in err and "checklist-import" in err
    assert not (tmp_path / "ci.xml").exists() and f.read_bytes() == before
    # installed, the gate judges it with its own template
    (tmp_path / "tpl" / "team-1.yaml").write_text(TEAM_1)
    assert main(["gate", str(f), "--ignore-verdict"]) == 1
    assert "BLOCKER checklist ops.runbooks" in capsys.readouterr().out


def test_gate_refuses_a_review_whose_template_is_not_installed_at_all(tmp_path, examples_dir, capsys):
    f = _review(tmp_path, examples_dir)
    assert main(["gate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "team 1" in err and "not installed" in err and "prr-default" not in err


def test_report_says_the_template_was_not_found(tmp_path, examples_dir, capsys):
    f = _review(tmp_path, examples_dir)
    (tmp_path / "tpl" / "team-2.yaml").write_text(TEAM_2)
    md = tmp_path / "r.md"
    assert main(["report", str(f), "--markdown", str(md)]) == 0
    err = capsys.readouterr().err
    assert "prr: warning: the review's checklist template 'team' version 1 is not installed" in err
    text = md.read_text()
    section = text.split("## 7. Checklist results", 1)[1]
    assert "Template: team 2, Team checklist" in section
    assert "**Warning:** the review's checklist template 'team' version 1 is not installed" in section
    assert "evaluated with team 2 instead" in section


def test_pdf_names_the_template_and_its_warning(tmp_path, examples_dir, capsys):
    from prr_app.reporting.pdf import render_pdf

    pypdf = pytest.importorskip("pypdf")
    import io

    f = _review(tmp_path, examples_dir)
    data = render_pdf(load_review(f))
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Template: prr-default 2.3, Production readiness review (default)" in text  # the newest installed
    assert "Warning: the review's checklist template 'team' is not installed" in text
    assert "the checklist was evaluated with prr-default 2.3 instead" in text


def test_analyze_says_the_template_is_not_installed(tmp_path, examples_dir, capsys):
    """prr analyze's checklist figures then come from another template: it says so on stderr, and
    its standard output (a JSON document for CI) stays clean."""
    f = _review(tmp_path, examples_dir)
    assert main(["analyze", str(f), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("prr: warning: the review uses checklist template team 1, which is not installed")
    assert out.lstrip().startswith("{")
    (tmp_path / "tpl" / "team-1.yaml").write_text(TEAM_1)
    assert main(["analyze", str(f)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_answering_says_when_the_reviews_template_is_not_installed(tmp_path, examples_dir, capsys):
    """The item is then looked up in the template this machine has: said on stderr, answer recorded."""
    f = _review(tmp_path, examples_dir)
    assert main(["checklist-answer", str(f), "cap.load-test-peak", "--status", "met"]) == 0  # prr-default's
    assert "prr: warning: the review uses checklist template team 1, which is not installed" in capsys.readouterr().err
