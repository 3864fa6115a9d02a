"""Session 30: the docs' examples run as written on the bundled examples, and say what the product does.

A reader found: a plan file naming a mitigation the web shop does not have (and a due date gone by),
`prr export --format md` (refused: the format is `markdown`), checklist and milestone commands that
fail as root without `--by`, the Tiny shop's answer to an item no template has (an orphan), an error
path `$.dependencies[3]` where the product names `[web->paymnets]`, a changelog and a split example
whose numbers had moved, and a search line that read "191 change(s)" then "191 cheaper change(s) not
tried"."""
from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path

import pytest

from prr_app.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WEBSHOP = ROOT / "resources" / "examples" / "webshop.json"


def _doc(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _fenced(text: str, lang: str = "") -> list[str]:
    """The fenced blocks of ``text`` whose opening fence names ``lang`` (any, when empty)."""
    blocks, current, fence = [], None, None
    for line in text.splitlines(keepends=True):
        if current is None and line.startswith("```"):
            current, fence = [], line[3:].strip()
        elif current is not None and line.rstrip() == "```":
            if not lang or fence == lang:
                blocks.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _in_order(shown: str, real: str) -> None:
    """Every line the doc shows (but its `...` cuts) is in the real output, in the same order."""
    lines = real.splitlines()
    i = 0
    for line in shown.rstrip("\n").splitlines():
        if line.strip() in ("", "..."):
            continue
        while i < len(lines) and lines[i] != line:
            i += 1
        assert i < len(lines), f"not in the output (or out of order): {line!r}\n--- output:\n{real}"


def _webshop_prr(tmp_path) -> Path:
    out = tmp_path / "webshop.prr"
    assert main(["import", str(WEBSHOP), "-o", str(out)]) == 0
    return out


@pytest.fixture
def as_root(monkeypatch):
    """The login name a system account, as in CI or a container."""
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    for var in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(var, "root")


def test_the_plan_file_example_runs_on_the_web_shop_and_shows_its_real_output(tmp_path, capsys, monkeypatch):
    doc = _doc("docs/diff-and-plans.md")
    plan = next(b for b in _fenced(doc, "json") if '"format": "prr-plan"' in b)
    (tmp_path / "plan.json").write_text(plan, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _webshop_prr(tmp_path)
    capsys.readouterr()
    assert main(["plan", "webshop.prr", "--file", "plan.json"]) == 0, capsys.readouterr().err
    real = capsys.readouterr().out
    assert "OVERDUE" not in real  # a due date still ahead: the example is not about overdue changes
    shown = next(b for b in _fenced(doc) if b.startswith("Plan pre-launch for webshop.prr"))
    _in_order(shown, real)


def test_the_changelog_example_is_what_prr_diff_prints(tmp_path, capsys, monkeypatch):
    doc = _doc("docs/diff-and-plans.md")
    steps = next(b for b in _fenced(doc) if b.startswith("prr import resources/examples/webshop.json")
                 and "prr diff" in b)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resources" / "examples").mkdir(parents=True)
    (tmp_path / "resources" / "examples" / "webshop.json").write_bytes(WEBSHOP.read_bytes())
    for line in steps.strip().splitlines():
        argv = shlex.split(line)
        assert argv[0] == "prr"
        capsys.readouterr()
        assert main(argv[1:]) == 0, (line, capsys.readouterr().err)
    real = capsys.readouterr().out
    shown = next(b for b in _fenced(doc) if b.startswith("Changes from webshop.prr@design-review"))
    _in_order(shown, real)


def test_the_tiny_shop_example_validates_with_no_orphaned_answer(tmp_path, capsys):
    from prr_app import checklist
    from prr_app.review.document import load_review

    block = next(b for b in _fenced(_doc("docs/file-format.md"), "json") if '"Tiny shop"' in b)
    path = tmp_path / "shop.json"
    path.write_text(block, encoding="utf-8")
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    review = load_review(path)
    result = checklist.evaluate(review)
    assert not result.orphans, result.orphans
    (answer,) = json.loads(block)["checklist"]["answers"]
    assert result.item(answer["item"]).status == "met"


def test_the_error_example_is_the_message_a_misspelt_target_gets(tmp_path, capsys):
    doc = _doc("docs/file-format.md")
    block = next(b for b in _fenced(doc, "json") if '"Tiny shop"' in b)
    data = json.loads(block)
    data["dependencies"][1]["target"] = "paymnets"
    (tmp_path / "shop.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    shown = re.search(r"^prr: shop\.json: .*paymnets'$", doc, flags=re.M).group(0)
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "shop.json")]) == 2
    assert capsys.readouterr().err.strip().replace(str(tmp_path) + "/", "") == shown


def test_the_readme_names_the_export_formats_prr_export_knows(tmp_path, capsys):
    from prr_app.review import exports

    line = next(ln for ln in _doc("README.md").splitlines() if ln.startswith("prr export "))
    said = re.search(r"another format \(([^;]+);", line).group(1)
    assert sorted(f.strip() for f in said.split(",")) == sorted(exports.formats())
    review = _webshop_prr(tmp_path)
    for fmt in exports.formats():
        assert main(["export", str(review), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")]) == 0, \
            capsys.readouterr().err


def _commands_with_by() -> set[str]:
    """The sub-commands whose parser takes --by (`risk accept` as 'risk accept')."""
    out = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{prefix} {name}".strip())
            elif "--by" in action.option_strings:
                out.add(prefix)

    walk(build_parser(), "")
    return out


def test_the_readme_lists_every_command_that_records_a_person_and_shows_by():
    readme = _doc("README.md")
    para = readme[readme.index("**Who decided.**"):]
    para = " ".join(para[:para.index("\n\n")].split())
    listed = set(re.findall(r"`((?:risk |milestone )?[a-z-]+)(?: --review)?`", para.split("The other edits")[0]))
    listed = {("risk " + c) if c in {"accept", "reopen", "owner", "override", "blocking"} else c for c in listed}
    listed.discard("--by")
    assert listed == _commands_with_by()
    untaken = set(re.findall(r"`([a-z -]+)`", para.split("The other edits")[1])) - {"--by"}
    assert not untaken & _commands_with_by()
    block = next(b for b in _fenced(readme) if "prr checklist-answer" in b)
    for line in block.splitlines():
        cmd = re.match(r"prr ((?:risk |milestone )?[a-z-]+)", line)
        if cmd and cmd.group(1) in _commands_with_by() and cmd.group(1) != "checklist-import":
            assert "--by" in line, line


def test_the_readme_examples_run_as_root_with_by(tmp_path, capsys, as_root):
    """The README's checklist and milestone lines, with its web shop ids, run as root; without --by
    they refuse (what the README says)."""
    review = _webshop_prr(tmp_path)
    readme = _doc("README.md")
    answer = re.search(r"^prr checklist-answer REVIEW (\S+) --status met --evidence URL --by NAME", readme,
                       flags=re.M).group(1)
    base = ["checklist-answer", str(review), answer, "--status", "met", "--evidence", "https://wiki/x"]
    capsys.readouterr()
    assert main(base) == 2 and "give --by NAME" in capsys.readouterr().err
    assert main(base + ["--by", "Dana Whitfield"]) == 0, capsys.readouterr().err
    assert main(["milestone", "add", str(review), "Pre-launch", "--by", "Dana Whitfield"]) == 0
    for line in readme.splitlines():  # the model edits name web shop elements that exist
        if re.match(r"prr (set|add|evidence) REVIEW ", line):
            argv = shlex.split(line.split("  #")[0].replace("REVIEW", str(review)))
            assert main(argv[1:]) == 0, (line, capsys.readouterr().err)


def test_the_docs_no_longer_say_analyze_and_the_app_leave_the_unanswered_items_unnamed(tmp_path, capsys):
    for name in ("docs/analysis.md", "docs/report.md"):
        assert "without the names" not in _doc(name), name
    capsys.readouterr()
    main(["analyze", str(WEBSHOP)])
    assert "and 6 more (section 7.1)" in capsys.readouterr().out


def test_the_checklist_item_counts_of_the_otel_manifest_agree():
    text = _doc("docs/checklist.md")
    assert "manifest 557 and 559" in text
    assert "Kubernetes manifest: 720\n  items with 2.0, 557 with 2.1" in text


def test_the_build_assessment_signature_in_report_md_is_the_code_s():
    import inspect

    from prr_app.reporting.assessment import build_assessment

    params = inspect.signature(build_assessment).parameters
    shown = re.search(r"`assessment\.build_assessment\(review, \*, ([^)]*)\)", _doc("docs/report.md")).group(1)
    assert [p.split("=")[0].strip() for p in shown.split(",")] == [n for n in params if n != "review"]


def test_the_search_line_counts_the_untried_changes_among_those_kept(monkeypatch):
    """Out of reach, the tries can all go to what was chosen for one risk together: the line said
    "191 change(s)" and then "191 cheaper change(s) not tried"."""
    from prr_app.model.entities import Risk
    from prr_app.review import plans as P
    from prr_app.review.document import load_review

    review = load_review(WEBSHOP)
    review.risks["manual:contract"] = Risk("manual:contract", origin="manual", title="PSP contract ends in March",
                                           likelihood=5, impact=5, launch_blocking=True,
                                           launch_blocking_reason="legal says so")
    monkeypatch.setattr(P, "OUT_OF_REACH_BUDGET", 1)  # the fewest tries: 4
    res = P.shortest_path_to_ready(review, today="2026-12-07")
    assert res["reached"] is False
    n = len(res["plan"].changes)
    m = re.search(r"(\d+) of the (\d+) change\(s\) kept not tried on their own", res["method"])
    assert m, res["method"]
    assert int(m.group(2)) == n and int(m.group(1)) <= n
    assert "cheaper change(s) not tried" not in res["method"]


def test_the_nesting_limits_file_format_md_gives_are_the_code_s():
    from prr_app.model.json_values import MAX_DEPTH, MAX_NESTING

    text = " ".join(_doc("docs/file-format.md").split())
    assert text.count(f"the bracket that passes {MAX_NESTING} levels") == 1
    assert text.count(f"where the nesting passes {MAX_NESTING} levels") == 1
    assert f"nested too deeply (more than {MAX_NESTING} levels)" in text
    assert f"deeper than {MAX_DEPTH} levels gets \"invalid import report: nested more than {MAX_DEPTH} levels deep\"" \
        in text
    for stale in ("about 1,000 levels", "about 250 levels", "passes 500"):
        assert stale not in text
