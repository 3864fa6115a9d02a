"""Bringing a team's own checklist in (session 28): numbered task items import; nothing list-shaped
is dropped without a warning naming its line; sub-tasks keep their parent as context; a new
version says which item ids it lost and when its id came from the file name; the CSV export
shows the proposals standing for items."""
from __future__ import annotations

import csv
import io

import pytest

from prr_app.checklist.markdown import parse_markdown
from prr_app.cli.main import main

TEAM = """\
# Boutique SRE launch checklist

Some intro text that is not an item.

## Operations
- [x] Every page links to a runbook (blocker)
  - Evidence: alert rules in the monitoring repo
- [ ] Dashboards exist for frontend and checkoutservice
  - [ ] Sub-task: golden signals panel
  - [x] Sub-task: saturation panel
  - Why: the dashboards are what on-call opens first

### Databases
1. [ ] Restore of redis-cart tested (blocker) (tier 1,2)
2. [x] Backups are encrypted
3) [ ] Restore drill is timed

## Security
- [] not a task item really
- [x]
- [ ] \n- [ ] (high)
- plain bullet without checkbox
[ ] a box without a bullet

```
- [ ] inside code block should be ignored
```
"""


def test_numbered_task_items_import_with_their_tags_and_ticks():
    imp = parse_markdown(TEAM, template_id="team", file="team.md")
    t = imp.template
    by_q = {i.question: i for i in t.items}
    restore = by_q["Restore of redis-cart tested"]
    assert restore.severity == "blocker" and restore.tiers == (1, 2)
    assert "Backups are encrypted" in by_q and "Restore drill is timed" in by_q
    assert by_q["Backups are encrypted"].id in imp.checked
    # a file of numbered items only is a checklist
    only = parse_markdown("## Data\n1. [ ] Restore tested (blocker)\n2. [x] Backups are encrypted\n",
                          template_id="n", file="num.md")
    assert [i.question for i in only.template.items] == ["Restore tested", "Backups are encrypted"]
    assert only.template.items[0].severity == "blocker" and only.checked == ["data.backups-encrypted"]


def test_sub_tasks_keep_their_parent_as_context_and_the_parent_keeps_its_notes():
    imp = parse_markdown(TEAM, template_id="team", file="team.md")
    by_q = {i.question: i for i in imp.template.items}
    for q in ("Sub-task: golden signals panel", "Sub-task: saturation panel"):
        assert by_q[q].why == "Part of: Dashboards exist for frontend and checkoutservice"
    # the Why: after the sub-tasks, at their indent, belongs to the parent
    assert by_q["Dashboards exist for frontend and checkoutservice"].why == \
        "the dashboards are what on-call opens first"
    assert any(w.startswith("team.md: lines 9, 10: sub-tasks of line 8 are imported as items of their own")
               for w in imp.warnings)


def test_every_list_line_not_imported_is_named_and_an_empty_item_is_not_fatal():
    imp = parse_markdown(TEAM, template_id="team", file="team.md")
    w = imp.warnings
    assert "team.md: line 19: a box that is not '[ ]' or '[x]' followed by a space; not imported" in w
    assert "team.md: lines 20, 21, 22: task items with no text; not imported" in w
    assert any(x.startswith("team.md: line 23: a list item without a box") for x in w)
    assert any(x.startswith("team.md: line 24: a box without a list marker") for x in w)
    assert any(x.startswith("team.md: line 27: a task item inside a code block") for x in w)
    # in the file's order
    lines = [int(x.split(": line")[1].lstrip("s ").split(":")[0].split(",")[0]) for x in w]
    assert lines == sorted(lines)
    # a short question is still refused: it is a question, badly written, not an empty line
    from prr_app.errors import PrrError

    with pytest.raises(PrrError, match="at least 5"):
        parse_markdown("## A\n- [ ] ok\n", template_id="x")


def test_a_file_with_only_empty_items_says_why_nothing_was_found():
    from prr_app.errors import PrrError

    with pytest.raises(PrrError, match=r"no task list items.*line 2: a task item with no text"):
        parse_markdown("## A\n- [ ] \n", template_id="x", file="e.md")


def test_cli_imports_a_trailing_space_item_file_with_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))
    (tmp_path / "tpl").mkdir()
    md = tmp_path / "e.md"
    md.write_text("## A\n- [ ] \n- [ ] Real item here\n1. [ ] Numbered item here (high)\n", encoding="utf-8")
    assert main(["checklist-import", str(md)]) == 0
    out, err = capsys.readouterr()
    assert "imported e 1: 2 items" in out
    assert f"{md}: line 2: a task item with no text; not imported" in err


def test_a_new_version_names_the_item_ids_it_lost_and_an_id_taken_from_the_file_name(tmp_path, monkeypatch,
                                                                                       capsys):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "tpl"))
    (tmp_path / "tpl").mkdir()
    v1 = tmp_path / "team.md"
    v1.write_text("## Ops\n- [ ] Every page links to a runbook\n- [ ] Rollback was rehearsed\n", encoding="utf-8")
    assert main(["checklist-import", str(v1)]) == 0
    capsys.readouterr()
    reworded = "## Ops\n- [ ] Every paging alert links to a runbook\n- [ ] Rollback was rehearsed\n"
    # named after another file: another template, and the warning says how to make it version 2 of team
    v2 = tmp_path / "team2.md"
    v2.write_text(reworded, encoding="utf-8")
    assert main(["checklist-import", str(v2), "--version", "2"]) == 0
    out, err = capsys.readouterr()
    assert "imported team2 2" in out
    assert "the template id 'team2' comes from the file name team2.md" in err and "--id team" in err
    # as version 2 of team: the id the rewording dropped is named, with the way to keep it
    assert main(["checklist-import", str(v2), "--id", "team", "--version", "2"]) == 0
    out, err = capsys.readouterr()
    assert "imported team 2" in out and "comes from the file name" not in err
    assert "1 item id(s) of team 1 are not in team 2: ops.page-links-runbook" in err
    assert "{#ops.page-links-runbook}" in err
    # a first version named by its file is the usual case: no warning
    (tmp_path / "other.md").write_text("## A\n- [ ] Something to check\n", encoding="utf-8")
    assert main(["checklist-import", str(tmp_path / "other.md")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_csv_export_shows_the_standing_proposals_apart_from_the_status(tmp_path, capsys):
    from prr_app.checklist import evaluate
    from prr_app.checklist.csv_export import COLUMNS, to_csv
    from prr_app.model.entities import Proposal
    from prr_app.review.document import save_review
    from prr_app.review.importing import import_review

    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: carts\nspec:\n  replicas: 2\n  selector:\n"
        "    matchLabels:\n      app: carts\n  template:\n    metadata:\n      labels:\n        app: carts\n"
        "    spec:\n      containers:\n      - name: server\n        image: example/carts:1\n", encoding="utf-8")
    review = import_review([root]).review
    review.proposals["deploy.rollback-exercised"] = Proposal(
        "deploy.rollback-exercised", "not_met", reason="carried from deploy.rollback-old (not met; its note: never "
        "tried); to be confirmed: does it still hold?", extractor="carried-from:deploy.rollback-old")
    path = tmp_path / "r.prr"
    save_review(review, path)
    # the columns before keep their places and meaning; the proposal's are at the end
    assert COLUMNS[:21][-3:] == ["orphan_reason", "answered_by", "tier_reason"]
    assert COLUMNS[21:] == ["proposal_status", "proposal_from", "proposal_reason", "proposal_evidence"]
    assert main(["checklist-export", str(path), "-o", "-"]) == 0
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")))}
    probes = rows["svc.probes@carts"]
    assert probes["status"] == "unanswered" and probes["answered_by"] == ""
    assert probes["proposal_status"] == "not_met" and probes["proposal_from"] == "imported files"
    assert "no liveness or readiness probe" in probes["proposal_reason"] and "app.yaml:" in probes["proposal_evidence"]
    carried = rows["deploy.rollback-exercised"]
    assert carried["status"] == "unanswered" and carried["proposal_status"] == "not_met"
    assert carried["proposal_from"] == "carried from deploy.rollback-old" and "never tried" in carried["proposal_reason"]
    # an item without a proposal has empty proposal cells; an answered item shows no proposal
    assert all(rows[k]["proposal_status"] == "" for k in rows if k.startswith("slo."))
    res = evaluate(review)
    assert to_csv(res).splitlines()[0].endswith("proposal_status,proposal_from,proposal_reason,proposal_evidence")
