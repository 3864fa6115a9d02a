"""`prr checklist*` commands, in-process (plus one real subprocess)."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

MD = """\
# Checkout team checklist
## Operations
- [x] Every page links to a runbook (blocker)
- [ ] Rollback was rehearsed this quarter [high]
## Data
- [ ] Orders can be restored from backup (critical) (tier 1)
"""


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


@pytest.fixture
def shop_json(tmp_path, examples_dir):
    p = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", p)
    return p


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_checklist_templates(capsys):
    code, out, _ = run(capsys, "checklist-templates")
    assert code == 0
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines()[1:]}
    # every bundled version of prr-default is listed, oldest first: 2.0 and 2.1 for the reviews still on them
    default = [ln.split() for ln in out.splitlines()[1:] if ln.split()[0] == "prr-default"]
    assert [(row[1], row[4]) for row in default] == [("2.0", "bundled"), ("2.1", "bundled"), ("2.2", "bundled"), ("2.3", "bundled")]
    assert all(int(row[2]) >= 60 for row in default) and int(default[1][2]) > int(default[0][2])
    assert default[3][2] == default[2][2] == default[1][2]  # 2.2 and 2.3 change where items are asked, not which
    assert lines["launch-lite"][2] == "15"
    code, out, _ = run(capsys, "checklist-templates", "--json")
    ids = {t["id"] for t in json.loads(out)["templates"]}
    assert ids >= {"prr-default", "launch-lite", "prr-operational"}
    assert [t["version"] for t in json.loads(out)["templates"] if t["id"] == "prr-default"] == ["2.0", "2.1", "2.2", "2.3"]


def test_checklist_progress_text(capsys, shop_json):
    before = shop_json.read_bytes()
    code, out, _ = run(capsys, "checklist", shop_json)
    assert code == 0
    assert "Acme Web Shop: checklist prr-default 2.1" in out and "tier 1 (critical)" in out
    assert "Data durability and disaster recovery" in out
    assert "Blocking (required blockers answered not met or partly" in out
    assert "ds.restore-tested@orders-db" in out
    assert "Unanswered blockers" in out and "Next unanswered items:" in out
    assert shop_json.read_bytes() == before  # reading never changes the file
    code, out, _ = run(capsys, "checklist", shop_json, "--strict")
    assert code == 1


def test_checklist_json_and_filters(capsys, shop_json):
    code, out, _ = run(capsys, "checklist", shop_json, "--json", "--category", "data", "--status", "not met")
    d = json.loads(out)
    assert code == 0
    assert d["review"]["system_name"] == "Acme Web Shop"
    # the reviewer's not-met answer and the model's contradictions (RPO shorter than the backup interval)
    assert {i["key"] for i in d["items"]} == {"cache.data-loss-acceptable@cart-db", "ds.backup-within-rpo@catalog-db",
                                              "ds.backup-within-rpo@orders-db"}
    assert {i["key"]: i["source"] for i in d["items"]}["ds.backup-within-rpo@catalog-db"] == "model"
    assert d["blocking_items"] and d["overall_score"] is not None
    assert len(d["categories"]) == 15
    code, out, _ = run(capsys, "checklist", shop_json, "--items", "--severity", "blocker", "--required")
    assert "Items (" in out and "[blocker, tier 1]" in out and "[high" not in out.split("Items (")[1]


def test_checklist_launch_lite_template(capsys, shop_json):
    code, out, _ = run(capsys, "checklist", shop_json, "--template", "launch-lite", "--json")
    d = json.loads(out)
    assert d["template"]["id"] == "launch-lite"
    assert any(o["item"].startswith("cap.") for o in d["orphans"])
    assert d["categories"][0]["answered"] >= 1  # shared ids keep their answers


def test_bad_input_exits_2_with_one_line(capsys, shop_json, tmp_path):
    code, out, err = run(capsys, "checklist", shop_json, "--category", "nope")
    assert code == 2 and "no category 'nope'" in err and err.count("\n") == 1
    code, _, err = run(capsys, "checklist", shop_json, "--template", "nope")
    assert code == 2 and "no checklist template 'nope'" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: prr-checklist\nid: x\nid: y\n")
    code, _, err = run(capsys, "checklist", shop_json, "--template", bad)
    assert code == 2 and f"{bad}: line 3, column 1: not valid YAML: duplicate key 'id'" in err
    code, _, err = run(capsys, "checklist", tmp_path / "missing.prr")
    assert code == 2 and "no such file" in err


def test_answer_in_place_json_and_prr(capsys, shop_json, tmp_path):
    code, out, _ = run(capsys, "checklist-answer", shop_json, "dep.timeout@checkout-svc->payments-api",
                       "--status", "met", "--evidence", "https://git/payments.yaml#L3", "--by", "Dana")
    assert code == 0 and "met" in out
    a = load_review(shop_json).answers["dep.timeout@checkout-svc->payments-api"]
    assert a.status == "met" and a.changed_by == "Dana" and len(a.history) == 2

    prr = tmp_path / "shop.prr"
    assert run(capsys, "import", shop_json, "-o", prr, "--quiet")[0] == 0
    code, _, _ = run(capsys, "checklist-answer", prr, "toil.self-healing", "--status", "n/a", "--reason",
                     "team formed last month", "--by", "Omar")
    assert code == 0
    r = load_review(prr)
    assert r.answers["toil.self-healing"].reason == "team formed last month"
    assert r.answers["dep.timeout@checkout-svc->payments-api"].evidence == "https://git/payments.yaml#L3"

    out_file = tmp_path / "copy.json"
    before = prr.read_bytes()
    assert run(capsys, "checklist-answer", prr, "toil.self-healing", "--owner", "Ann", "-o", out_file)[0] == 0
    assert prr.read_bytes() == before and load_review(out_file).answers["toil.self-healing"].owner == "Ann"


def test_answer_refuses_bad_input_without_touching_the_file(capsys, shop_json):
    before = shop_json.read_bytes()
    cases = [
        (["toil.self-healing", "--status", "not_applicable"], "'not applicable' needs a reason"),
        (["toil.self-healing", "--status", "perhaps"], "not an answer status"),
        (["toil.self-healing", "--status", "met", "--due", "31/12/2026"], "not a date"),
        (["toil.self-healng", "--status", "met"], "did you mean toil.self-healing"),
        (["toil.self-healing"], "nothing to change"),
    ]
    for args, msg in cases:
        code, _, err = run(capsys, "checklist-answer", shop_json, *args)
        assert code == 2 and msg in err and err.count("\n") == 1, (args, err)
    assert shop_json.read_bytes() == before


def test_use_switches_template_and_lists_orphans(capsys, shop_json):
    code, out, _ = run(capsys, "checklist-use", shop_json, "launch-lite")
    assert code == 0 and "launch-lite 2.0" in out and "no longer match an item" in out
    r = load_review(shop_json)
    assert r.meta.checklist_template == "launch-lite"
    code, out, _ = run(capsys, "checklist", shop_json, "--json")
    d = json.loads(out)
    assert d["template"]["id"] == "launch-lite"
    assert len(d["orphans"]) + sum(1 for i in d["items"] if i["answer"]) == len(r.answers)


def test_import_markdown_then_walk_it(capsys, tmp_path, shop_json):
    md = tmp_path / "checkout.md"
    md.write_text(MD)
    code, out, err = run(capsys, "checklist-import", md, "--review", shop_json, "--by", "Dana")
    assert code == 0, err
    assert "imported checkout 1: 3 items in 2 categories" in out and "recorded 1 ticked item" in out
    code, out, _ = run(capsys, "checklist-templates", "--json")
    mine = next(t for t in json.loads(out)["templates"] if t["id"] == "checkout")
    assert mine["source"] == "user" and mine["items"] == 3
    code, out, _ = run(capsys, "checklist", shop_json, "--json")
    d = json.loads(out)
    assert d["template"]["id"] == "checkout"
    assert d["blocking_items"] == []
    assert d["unanswered_blockers"] == ["data.orders-restored-backup"]
    met = [i for i in d["items"] if i["status"] == "met"]
    assert [i["key"] for i in met] == ["operations.page-links-runbook"]
    assert met[0]["answer"]["note"] == "ticked in checkout.md"
    assert len(d["orphans"]) == len(load_review(shop_json).answers) - 1  # the prr-default answers are kept as orphans
    # importing again without --force refuses to overwrite
    code, _, err = run(capsys, "checklist-import", md)
    assert code == 2 and "already exists" in err


def test_import_template_file(capsys, tmp_path, examples_dir):
    src = tmp_path / "x.yaml"
    src.write_text((examples_dir.parent / "checklists" / "launch-lite.yaml").read_text()
                   .replace("id: launch-lite", "id: team-lite").replace("version: '2.0'", "version: '7'"))
    code, out, err = run(capsys, "checklist-import", src)
    assert code == 0, err
    assert "imported team-lite 7: 15 items" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "prr-checklist", "id": "b", "version": 2, "title": "B",\n'
                   ' "categories": [{"id": "c", "title": "C", "items": [{"id": "c.x", "question": "Is it so?",'
                   ' "severity": "low"}]}]}')
    code, _, err = run(capsys, "checklist-import", bad)
    assert code == 2 and f"{bad}: line 1 ($.version): expected text, got the number 2; quote it" in err


def test_export_csv(capsys, tmp_path, shop_json):
    r = load_review(shop_json)
    from prr_app.model.entities import ChecklistAnswer
    from prr_app.interchange.json_io import write_json

    r.answers["old.item@gone"] = ChecklistAnswer("old.item@gone", "met", evidence="=HYPERLINK(\"http://x\")")
    write_json(r, shop_json)
    out = tmp_path / "answers.csv"
    code, text, _ = run(capsys, "checklist-export", shop_json, "-o", out)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    by_key = {row["key"]: row for row in rows}
    assert by_key["ds.restore-tested@orders-db"]["status"] == "partly"
    assert by_key["ds.restore-tested@orders-db"]["history_entries"] == "2"
    model = by_key["ds.backup-within-rpo@catalog-db"]
    assert (model["status"], model["answered_by"]) == ("not_met", "model")
    assert model["evidence"] == "model: rpo_minutes 5, backup_interval_minutes 60"
    assert by_key["old.item@gone"]["orphan"] == "yes"
    assert by_key["old.item@gone"]["evidence"].startswith("'=")  # no formula in a spreadsheet
    from prr_app.checklist import evaluate

    res = evaluate(load_review(shop_json))
    assert len(rows) == len(res.items) + len(res.orphans) and len(res.orphans) == 1
    code, text, _ = run(capsys, "checklist-export", shop_json, "-o", "-", "--answered")
    n_model = sum(1 for it in res.items if it.source == "model")
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(r.answers) + n_model


def test_real_process_error_is_one_line(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("format: prr-checklist\nid: t\nversion: '1'\ntitle: T\ncategories: []\n")
    p = subprocess.run([sys.executable, "-m", "prr_app", "checklist-import", str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert p.stderr.startswith(f"prr: {bad}: line 5") and "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1
