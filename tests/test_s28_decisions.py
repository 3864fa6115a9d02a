"""Round 28: a risk's decisions keep a trail (re-accepting a risk erased the earlier acceptance,
silently), `prr gate --junit` keeps a test case per applicable checklist blocker as items pass, and
`prr risk` takes `--today` as analyze, gate and report do."""
from __future__ import annotations

import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.interchange.json_io import dumps, loads
from prr_app.review.assess import assess
from prr_app.review.document import load_review

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "review.schema.json"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(tmp_path, examples_dir, capsys) -> Path:
    p = tmp_path / "shop.prr"
    assert main(["import", str(examples_dir / "webshop.json"), "-o", str(p), "--quiet"]) == 0
    capsys.readouterr()
    return p


def a_risk(path: Path) -> str:
    return next(r.id for r in assess(load_review(path)).risks if r.launch_blocking)


# ------------------------------------------------------------------ 1. the trail of decisions
def test_reaccepting_keeps_the_first_acceptance_and_names_it(shop, capsys):
    rid = a_risk(shop)
    code, out, _ = run(capsys, "risk", "accept", shop, rid, "--reason", "first reason", "--until", "2026-12-10",
                       "--by", "Lee Chen")
    assert code == 0 and "replaces" not in out
    code, out, _ = run(capsys, "risk", "accept", shop, rid, "--reason", "extended", "--until", "2027-06-01",
                       "--by", "Lee Chen")
    assert code == 0
    assert "replaces the acceptance by Lee Chen until 2026-12-10: first reason" in out
    rec = load_review(shop).risks[rid]
    assert rec.acceptance.reason == "extended"
    assert [(h.decision, h.by, h.reason, h.until) for h in rec.history] == [
        ("accept", "Lee Chen", "first reason", "2026-12-10"), ("accept", "Lee Chen", "extended", "2027-06-01")]
    assert rec.history[1].replaced.startswith("the acceptance by Lee Chen until 2026-12-10: first reason")
    code, out, _ = run(capsys, "risk", "list", shop)
    assert code == 0 and "Decisions made (2" in out and "accepted it until 2026-12-10: first reason" in out
    code, out, _ = run(capsys, "risk", "list", shop, "--json")
    row = next(r for r in json.loads(out)["risks"] if r["id"] == rid)
    assert [h["reason"] for h in row["history"]] == ["first reason", "extended"]


def test_reopen_owner_override_and_blocking_are_in_the_trail(shop, capsys):
    rid = a_risk(shop)
    assert run(capsys, "risk", "accept", shop, rid, "--reason", "ok for now", "--by", "Ana")[0] == 0
    code, out, _ = run(capsys, "risk", "reopen", shop, rid, "--reason", "the vendor changed", "--by", "Bo")
    assert code == 0 and "taken back; now open" in out
    assert run(capsys, "risk", "owner", shop, rid, "sre-team", "--by", "Bo")[0] == 0
    assert run(capsys, "risk", "owner", shop, rid, "sre-team", "--by", "Bo")[0] == 0  # the same: nothing kept
    assert run(capsys, "risk", "override", shop, rid, "--likelihood", "2", "--reason", "rare", "--by", "Cy")[0] == 0
    assert run(capsys, "risk", "blocking", shop, rid, "no", "--reason", "tier 3", "--by", "Cy")[0] == 0
    rec = load_review(shop).risks[rid]
    assert rec.acceptance is None
    assert [h.decision for h in rec.history] == ["accept", "reopen", "owner", "override", "blocking"]
    reopen = rec.history[1]
    assert (reopen.by, reopen.reason) == ("Bo", "the vendor changed")
    assert reopen.replaced.startswith("the acceptance by Ana: ok for now")  # the acceptance taken back
    assert rec.history[2].value == "sre-team" and rec.history[3].value == "likelihood 2"
    assert rec.history[4].value == "no" and rec.history[4].reason == "tier 3"


def test_the_trail_survives_json_and_an_older_json_still_reads(shop, tmp_path, capsys):
    import jsonschema

    rid = a_risk(shop)
    run(capsys, "risk", "accept", shop, rid, "--reason", "one", "--by", "Ana")
    run(capsys, "risk", "accept", shop, rid, "--reason", "two", "--by", "Ana")
    review = load_review(shop)
    text = dumps(review)
    doc = json.loads(text)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert loads(text).risks[rid].history == review.risks[rid].history
    # the JSON goes back into a .prr with its trail
    j = tmp_path / "shop.json"
    j.write_text(text)
    assert run(capsys, "import", j, "-o", tmp_path / "back.prr", "--quiet")[0] == 0
    assert load_review(tmp_path / "back.prr").risks[rid].history == review.risks[rid].history
    # a JSON written before the trail existed: no history key at all
    for r in doc["risks"]:
        r.pop("history", None)
    old = loads(json.dumps(doc))
    assert all(r.history == [] for r in old.risks.values())


def test_a_version_3_file_opens_upgrades_and_keeps_its_acceptances(tmp_path, capsys):
    p = tmp_path / "v3.prr"
    shutil.copy(FIXTURES / "schema_v3.prr", p)
    before = load_review(p)
    rid = next(k for k, r in before.risks.items() if r.origin == "manual")
    code, out, err = run(capsys, "risk", "accept", p, rid, "--reason", "fine", "--by", "Ana")
    assert code == 0, err
    con = sqlite3.connect(p)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 4  # upgraded: 4 added the risks' history
    finally:
        con.close()
    after = load_review(p)
    assert [h.decision for h in after.risks[rid].history] == ["accept"]
    assert all(after.risks[k].history == [] for k in after.risks if k != rid)


def test_a_damaged_trail_is_refused_with_one_line(shop, capsys):
    rid = a_risk(shop)
    run(capsys, "risk", "accept", shop, rid, "--reason", "one", "--by", "Ana")
    con = sqlite3.connect(shop)
    con.execute("UPDATE risk SET history = ? WHERE id = ?", (json.dumps([{"at": 3, "by": "x"}]), rid))
    con.commit()
    con.close()
    code, out, err = run(capsys, "risk", "list", shop)
    assert code == 2 and "column history" in err and len(err.strip().splitlines()) == 1


def test_diff_works_with_and_without_the_trail(shop, tmp_path, capsys):
    plain = tmp_path / "plain.prr"
    shutil.copy(shop, plain)
    rid = a_risk(shop)
    run(capsys, "risk", "accept", shop, rid, "--reason", "one", "--by", "Ana")
    run(capsys, "risk", "accept", shop, rid, "--reason", "two", "--by", "Ana")
    code, out, err = run(capsys, "diff", plain, shop)
    assert code in (0, 1), err
    assert "history" not in out  # the decision is what changed, not its record
    assert "two" in out or "acceptance" in out
    code, out, err = run(capsys, "diff", shop, shop)
    assert code in (0, 1) and "No changes" in out


# ------------------------------------------------------------------ 2. JUnit: every applicable blocker
def _cases(path: Path) -> dict[str, bool]:
    root = ET.parse(path).getroot()
    return {tc.get("name"): tc.find("failure") is None
            for tc in root.iter("testcase") if tc.get("classname") == "checklist"}


def test_junit_keeps_a_test_case_per_checklist_blocker_as_they_pass(shop, tmp_path, capsys):
    x1, x2 = tmp_path / "a.xml", tmp_path / "b.xml"
    code, out1, _ = run(capsys, "gate", shop, "--junit", x1, "--today", "2026-11-20")
    before = _cases(x1)
    failing = [k for k, ok in before.items() if not ok]
    assert failing
    answered = failing[:2]
    for k in answered:
        assert run(capsys, "checklist-answer", shop, k, "--status", "met", "--evidence", "https://x/e",
                   "--by", "Dana")[0] == 0
    code, out2, _ = run(capsys, "gate", shop, "--junit", x2, "--today", "2026-11-20")
    after = _cases(x2)
    assert set(after) == set(before)  # the same test cases
    assert all(after[k] for k in answered)  # now passing: no failure element
    root = ET.parse(x2).getroot()
    assert int(root.get("tests")) == sum(1 for _ in root.iter("testcase"))
    total = int(root.get("tests"))
    assert f"of {total} checks" in out2.splitlines()[-1]
    assert int(ET.parse(x1).getroot().get("tests")) == total


# ------------------------------------------------------------------ 3. --today on prr risk
def test_risk_list_and_decisions_take_today(shop, capsys):
    rid = a_risk(shop)
    # the acceptance is recorded as given today (the real date); --today is the date it is judged on
    code, out, _ = run(capsys, "risk", "accept", shop, rid, "--reason", "short", "--until", "2099-12-01",
                       "--by", "Ana", "--today", "2099-11-01")
    assert code == 0 and "its acceptance has expired" not in out
    _, now, _ = run(capsys, "risk", "list", shop, "--json", "--today", "2099-11-01")
    _, later, _ = run(capsys, "risk", "list", shop, "--json", "--today", "2100-01-01")
    row = lambda doc: next(r for r in json.loads(doc)["risks"] if r["id"] == rid)  # noqa: E731
    assert not row(now)["acceptance_expired"] and row(later)["acceptance_expired"]
    code, out, _ = run(capsys, "risk", "owner", shop, rid, "sre", "--today", "2100-01-01")
    assert code == 0 and "expired" in out
    code, _, err = run(capsys, "risk", "list", shop, "--today", "soon")
    assert code == 2 and "--today" in err and len(err.strip().splitlines()) == 1
