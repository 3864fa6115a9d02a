"""checklist-import and the template folder: a reviewer's answer is never changed by a tick, a bundled
template is never replaced by a user's copy, a version keeps its meaning, and bad input is named
(defects 3, 4 and 8 of the gate review)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from prr_app import checklist
from prr_app.checklist.markdown import parse_markdown
from prr_app.cli.main import main
from prr_app.review.document import load_review

MD = """\
# Team checklist
## Observability
- [x] Every page links to a runbook (blocker)
- [x] Dashboards show the four golden signals [high]
- [ ] Logs are structured JSON
"""


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))


def _shop(tmp_path, examples_dir):
    f = tmp_path / "shop.json"
    f.write_text((examples_dir / "webshop.json").read_text())
    return f


# ------------------------------------------------------------------ 3
def test_import_never_changes_an_existing_answer(tmp_path, examples_dir, capsys):
    md = tmp_path / "team.md"
    md.write_text(MD)
    f = _shop(tmp_path, examples_dir)
    assert main(["checklist-import", str(md), "--review", str(f), "--by", "x"]) == 0
    key = "observability.page-links-runbook"
    assert main(["checklist-answer", str(f), key, "--status", "not_met", "--evidence", "https://wiki/x",
                 "--note", "two alerts lack one", "--by", "dana"]) == 0
    assert main(["checklist-answer", str(f), "observability.dashboards-show-four-golden-signals",
                 "--status", "unanswered", "--note", "ask Omar", "--by", "dana"]) == 0
    capsys.readouterr()
    assert main(["checklist-import", str(md), "--review", str(f), "--force", "--by", "x"]) == 0
    out = capsys.readouterr().out
    a = load_review(f).answers[key]
    assert (a.status, a.evidence, a.note, a.changed_by) == ("not_met", "https://wiki/x", "two alerts lack one", "dana")
    assert f"kept your answer not met for {key}; team.md ticks it" in out
    assert "recorded 1 ticked item(s) as met" in out
    b = load_review(f).answers["observability.dashboards-show-four-golden-signals"]
    assert (b.status, b.note) == ("met", "ask Omar")  # unanswered before: recorded, the reviewer's note kept


# ------------------------------------------------------------------ 4
def _bundled_copy(tmp_path, version="2.0"):
    data = checklist.load_template(f"prr-default@{version}").to_data()
    data["title"] = "Not the real one"
    data["categories"] = data["categories"][:1]
    data["categories"][0]["items"] = data["categories"][0]["items"][:2]
    p = tmp_path / "copy.json"
    p.write_text(json.dumps(data))
    return p


def test_import_refuses_a_bundled_id_and_version(tmp_path, capsys):
    p = _bundled_copy(tmp_path)
    assert main(["checklist-import", str(p)]) == 2
    err = capsys.readouterr().err
    assert "prr-default 2.0 is a bundled template" in err and "another id or a new version" in err
    assert not (tmp_path / "tpl").exists() or not list((tmp_path / "tpl").iterdir())


@pytest.mark.parametrize("version", ["2.0", "2.1", "2.2", "2.3"])  # every bundled version of prr-default (2.0-2.2 kept)
def test_bundled_template_wins_over_a_user_copy_with_a_warning(tmp_path, examples_dir, capsys, version):
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / f"prr-default-{version}.json").write_text(_bundled_copy(tmp_path, version).read_text())
    rows = [(i.id, i.version) for i in checklist.templates()]
    assert len(rows) == len(set(rows))
    assert [(i.version, i.source) for i in checklist.templates() if i.id == "prr-default"] == [
        ("2.0", "bundled"), ("2.1", "bundled"), ("2.2", "bundled"), ("2.3", "bundled")]
    assert checklist.load_template("prr-default").title != "Not the real one"
    assert checklist.load_template(f"prr-default@{version}").title != "Not the real one"
    assert main(["checklist-templates"]) == 0
    out, err = capsys.readouterr()
    # one row per bundled version, none for the user's copy
    assert out.count("prr-default ") == 4 and "Not the real one" not in out
    assert f"has the id and version of the bundled template prr-default {version} and is ignored" in err
    f = _shop(tmp_path, examples_dir)
    review = load_review(f)
    review.meta.checklist_version = version  # a review on the shadowed version is told
    res = checklist.evaluate(review)
    assert res.template.version == version and res.template.title != "Not the real one"
    assert len(res.items) > 2 and any("is ignored" in w for w in res.warnings)


def test_force_refuses_other_items_under_the_same_version(tmp_path, capsys):
    md = tmp_path / "team.md"
    md.write_text(MD)
    assert main(["checklist-import", str(md)]) == 0
    assert main(["checklist-import", str(md), "--force"]) == 0  # the same items: fine
    md.write_text(MD.replace("(blocker)", "(low)"))
    before = (tmp_path / "tpl" / "team-1.yaml").read_text()
    capsys.readouterr()
    assert main(["checklist-import", str(md), "--force"]) == 2
    err = capsys.readouterr().err
    assert "already installed with other items" in err and "changed observability.page-links-runbook" in err
    assert "--version" in err
    assert (tmp_path / "tpl" / "team-1.yaml").read_text() == before
    assert main(["checklist-import", str(md), "--version", "2"]) == 0


# ------------------------------------------------------------------ 8
def test_a_review_given_as_the_template_is_named(tmp_path, examples_dir, capsys):
    f = _shop(tmp_path, examples_dir)
    other = tmp_path / "other.json"
    other.write_text(f.read_text())
    assert main(["checklist-carry", str(f), str(other)]) == 2
    err = capsys.readouterr().err
    assert "is a review, not a checklist template" in err and "'id' is missing" not in err
    prr = tmp_path / "other.prr"
    sqlite3.connect(prr).execute("create table t(x)").connection.commit()
    assert main(["checklist-carry", str(f), str(prr)]) == 2
    assert "is a review (.prr), not a checklist template" in capsys.readouterr().err


def test_import_names_an_unsupported_file_type(tmp_path, capsys):
    csv = tmp_path / "v.csv"
    csv.write_text("key,item\n")
    assert main(["checklist-import", str(csv)]) == 2
    err = capsys.readouterr().err
    assert "does not read .csv files" in err and ".md" in err and ".yaml/.yml" in err


def test_markdown_warnings_name_the_file_and_unknown_tags():
    imp = parse_markdown("# T\n## Ops\n- [ ] Logs are structured JSON (urgent)\n- [ ] Logs are structured JSON\n"
                         "- [ ] Certificates renew [p1] (tier 4)\n- [ ] Backups run (blocker)\n",
                         template_id="t", file="team.md")
    w = imp.warnings
    assert any(x.startswith("team.md: line 3: unknown tag (urgent)") and "known tags: (blocker)" in x for x in w)
    assert any(x.startswith("team.md: line 4: same question as line 3") for x in w) is False  # different question
    assert any(x.startswith("team.md: line 5: unknown tags [p1], (tier 4)") for x in w)
    assert not any("line 6" in x for x in w)  # a known tag
    imp = parse_markdown("## Ops\n- [ ] Backups run daily\n- [ ] Backups run daily\n", template_id="t", file="team.md")
    assert imp.warnings == ["team.md: line 3: same question as line 2; skipped"]
