"""`prr risk`: the register and the reviewer's decisions on it, headless, through the app's own
named edits (prr_app/review/edits.py), on copies of the web shop example (a review JSON, and a .prr
made from it with `prr import`). Every refusal exits 2 with one line naming the file and the place,
and leaves the file byte for byte as it was."""
from __future__ import annotations

import dataclasses

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review import edits, risk_decisions
from prr_app.review.assess import assess
from prr_app.review.document import edit_review, load_review, save_review

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, pg, repo, repo_url  # noqa: E402,F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shop_json(tmp_path, examples_dir) -> Path:
    p = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", p)
    return p


@pytest.fixture
def shop_prr(tmp_path, examples_dir, capsys) -> Path:
    p = tmp_path / "shop.prr"
    assert main(["import", str(examples_dir / "webshop.json"), "-o", str(p), "--quiet"]) == 0
    capsys.readouterr()
    return p


@pytest.fixture(params=["json", "prr"])
def shop(request, shop_json, shop_prr) -> Path:
    return shop_json if request.param == "json" else shop_prr


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def register(path: Path) -> dict:
    return {r.id: r for r in assess(load_review(path)).risks}


# ------------------------------------------------------------------ list
def test_list_is_the_register_in_rank_order_with_owners_and_where_they_come_from(capsys, shop):
    before = digest(shop)
    code, out, err = run(capsys, "risk", "list", shop)
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0].startswith("Acme Web Shop: 19 risks (") and "block the launch" in lines[0]
    assert lines[1].split() == ["rank", "id", "score", "severity", "status", "blocking", "owner"]
    risks = assess(load_review(shop)).risks
    rows = [ln.split() for ln in lines[2:2 + len(risks)]]
    assert [(int(r[0]), r[1]) for r in rows] == [(r.rank, r.id) for r in risks]  # rank order, as prr analyze
    row = {r[1]: r for r in rows}
    assert row["spof:component:cart-db"][2:6] == ["4x5=20", "critical", "open", "yes"]
    assert " ".join(row["spof:component:cart-db"][6:]) == "checkout-team (owner of cart-db)"
    assert " ".join(row["vendor-payfast-contract"][6:]) == "checkout-team"  # set on the risk itself
    code, out, _ = run(capsys, "risk", "list", shop, "--json")
    doc = json.loads(out)
    assert [r["id"] for r in doc["risks"]] == [r.id for r in risks]
    cart = next(r for r in doc["risks"] if r["id"] == "spof:component:cart-db")
    assert cart["aliases"] == ["spof:instance:cart-db"] and cart["owner_source"] == "owner of cart-db"
    assert doc["stale_decisions"] == []
    assert digest(shop) == before


def test_prr_risk_without_an_action_says_which_there_are(capsys, shop_json):
    code, _, err = run(capsys, "risk")
    assert code == 2 and "list, accept, reopen, owner, mitigate, mitigation, override, blocking or add" in err


# ------------------------------------------------------------------ decisions, as the app makes them
def test_accept_records_what_the_apps_accept_records_and_says_where_the_risk_stands(capsys, shop):
    rid = "spof:component:cart-db"
    code, out, err = run(capsys, "risk", "accept", shop, rid, "--until", "2027-01-31",
                         "--reason", "standby ordered", "--by", "dana")
    assert code == 0, err
    rec = load_review(shop).risks[rid]
    # the app's Accept risk… button: RiskView.accept -> risk_decisions.accept, on the review as it was
    app = load_review(ROOT / "resources" / "examples" / "webshop.json")
    edits.apply_changes(app, risk_decisions.accept(app, rid, "dana", "standby ordered", "2027-01-31",
                                                   today=rec.acceptance.at))
    mine = app.risks[rid]
    # the same record, and the same decision in the trail (made at its own second)
    assert dataclasses.replace(rec, history=[]) == dataclasses.replace(mine, history=[])
    assert [(h.decision, h.by, h.reason, h.until) for h in rec.history] == \
        [(h.decision, h.by, h.reason, h.until) for h in mine.history] == [("accept", "dana", "standby ordered", "2027-01-31")]
    assert rec.status == "accepted" and rec.acceptance.by == "dana" and rec.acceptance.until == "2027-01-31"
    line, = out.splitlines()
    assert line.startswith(f"{rid}: accepted by dana until 2027-01-31; now accepted, score 20 = 4x5 (critical)")
    assert line.endswith(f"no longer blocks the launch; wrote {shop}")
    assert register(shop)[rid].status == "accepted" and not register(shop)[rid].launch_blocking


def test_an_acceptance_ending_before_the_launch_still_blocks_and_says_why(capsys, shop_json):
    review = load_review(shop_json)
    review.meta.target_launch = "2100-01-01"
    save_review(review, shop_json, overwrite=True)
    code, out, _ = run(capsys, "risk", "accept", shop_json, "spof:component:cart-db", "--until", "2099-12-14",
                       "--reason", "until the standby is there", "--by", "dana")
    assert code == 0
    assert "now accepted, score 20 = 4x5 (critical)" in out
    assert ("blocks the launch (the acceptance ends on 2099-12-14, before the target launch: it does not count at "
            "launch); wrote") in out


def test_a_folded_id_lands_on_the_risk_that_holds_it_and_says_so(capsys, shop):
    code, out, err = run(capsys, "risk", "accept", shop, "spof:instance:cart-db", "--reason", "r", "--by", "dana")
    assert code == 0, err
    review = load_review(shop)
    assert "spof:component:cart-db" in review.risks and "spof:instance:cart-db" not in review.risks
    assert review.risks["spof:component:cart-db"].acceptance.by == "dana"
    assert out.startswith("spof:component:cart-db (given as spof:instance:cart-db, which is folded into it: "
                          "the decision is recorded on spof:component:cart-db): accepted by dana")


def test_reopen_takes_the_acceptance_back(capsys, shop):
    rid = "spof:component:catalog-db"
    assert run(capsys, "risk", "accept", shop, rid, "--reason", "fallback planned", "--by", "dana")[0] == 0
    code, out, _ = run(capsys, "risk", "reopen", shop, rid)
    assert code == 0
    rec = load_review(shop).risks[rid]
    assert rec.acceptance is None and rec.status == "open"
    assert "acceptance (by dana on " in out and "taken back; now open" in out and "blocks the launch" in out
    assert register(shop)[rid].launch_blocking


def test_owner_set_cleared_and_set_again_to_the_same(capsys, shop):
    rid = "spof:component:storefront"
    code, out, _ = run(capsys, "risk", "owner", shop, rid, "Web  Guild")
    assert code == 0 and out.startswith(f"{rid}: owner set to Web Guild; now open")
    assert load_review(shop).risks[rid].owner == "Web Guild"
    assert register(shop)[rid].owner_source == "reviewer"
    before = digest(shop)
    code, out, _ = run(capsys, "risk", "owner", shop, rid, "Web Guild")  # no change: no write
    assert code == 0 and "owner already Web Guild, nothing changed" in out and "left as it was" in out
    assert digest(shop) == before
    code, out, _ = run(capsys, "risk", "owner", shop, rid, "--clear")
    assert code == 0 and "owner cleared; the register names web-team (owner of storefront)" in out
    assert load_review(shop).risks[rid].owner == ""


def test_mitigate_covers_every_risk_named_as_the_apps_mitigation_does(capsys, shop):
    code, out, err = run(capsys, "risk", "mitigate", shop, "spof:component:cart-svc", "cascade:retries:cart-svc",
                         "--title", "Add a second cart-svc deployment", "--description", "blue/green",
                         "--owner", "alice", "--due", "2027-01-15", "--effort", "medium")
    assert code == 0, err
    review = load_review(shop)
    m = review.mitigations["mit-add-a-second-cart-svc-deployment"]
    assert (m.title, m.description, m.owner, m.due, m.status, m.effort) == (
        "Add a second cart-svc deployment", "blue/green", "alice", "2027-01-15", "planned", "medium")
    assert m.risks == ["spof:component:cart-svc", "cascade:retries:cart-svc"]
    assert {"spof:component:cart-svc", "cascade:retries:cart-svc"} <= set(review.risks)  # their records
    lines = out.splitlines()
    assert lines[0].startswith("mitigation mit-add-a-second-cart-svc-deployment 'Add a second cart-svc deployment' "
                               "(owner alice, due 2027-01-15, planned, effort medium) added to "
                               "spof:component:cart-svc, cascade:retries:cart-svc; wrote")
    assert len(lines) == 3 and lines[1].startswith("  spof:component:cart-svc: now open")
    reg = register(shop)
    retries = reg["cascade:retries:cart-svc"]
    assert retries.owner == "alice" and retries.owner_source == "mitigation"
    code, out, _ = run(capsys, "risk", "mitigate", shop, "spof:component:cart-svc", "--title", "done",
                       "--status", "done")
    # marked done while the model still shows one cart-svc: the claim does not clear the blocker (session 32)
    assert code == 0 and "now mitigated" in out and "still blocks the launch (mitigation “done” marked done, " \
        "but the analysis still finds it: update the model or reopen)" in out


def test_override_keeps_the_other_number_and_needs_a_reason(capsys, shop):
    rid = "spof:domain:aws"
    code, out, _ = run(capsys, "risk", "override", shop, rid, "--likelihood", "3", "--reason", "one provider")
    assert code == 0 and "score overridden to 3x5 (was 1x5=5); now open, score 15 = 3x5 overridden (high)" in out
    code, out, _ = run(capsys, "risk", "override", shop, rid, "--impact", "2", "--reason", "one feature")
    assert code == 0
    rec = load_review(shop).risks[rid]
    assert (rec.override_likelihood, rec.override_impact, rec.override_reason) == (3, 2, "one feature")
    assert register(shop)[rid].score == 6


def test_blocking_yes_no_and_back_to_the_rules(capsys, shop):
    rid = "cascade:retries:cart-svc"
    code, out, _ = run(capsys, "risk", "blocking", shop, rid, "yes", "--reason", "retry storm seen in staging")
    assert code == 0 and out.startswith(f"{rid}: marked launch-blocking; now open") and ", blocks the launch" in out
    assert register(shop)[rid].launch_blocking
    code, out, _ = run(capsys, "risk", "blocking", shop, rid, "rules")
    assert code == 0 and "no longer blocks the launch" in out
    rec = load_review(shop).risks[rid]
    assert rec.launch_blocking is None and rec.launch_blocking_reason == ""
    code, out, _ = run(capsys, "risk", "blocking", shop, "spof:component:identity", "no", "--reason", "own SLA")
    assert code == 0 and "marked not launch-blocking" in out and "no longer blocks the launch" in out


def test_add_a_manual_risk(capsys, shop):
    code, out, err = run(capsys, "risk", "add", shop, "--title", "Black Friday peak untested", "--likelihood", "4",
                         "--impact", "5", "--component", "cart-svc,checkout-svc", "--description", "no load test")
    assert code == 0, err
    rec = load_review(shop).risks["manual:black-friday-peak-untested"]
    assert (rec.origin, rec.likelihood, rec.impact, rec.components, rec.description) == (
        "manual", 4, 5, ["cart-svc", "checkout-svc"], "no load test")
    assert out.startswith("risk manual:black-friday-peak-untested 'Black Friday peak untested' added; now open, "
                          "score 20 = 4x5 (critical)") and ", blocks the launch" in out


def test_by_defaults_to_the_login_name_never_a_system_account(capsys, shop_json, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "priya")
    assert run(capsys, "risk", "accept", shop_json, "spof:component:cart-db", "--reason", "r")[0] == 0
    assert load_review(shop_json).risks["spof:component:cart-db"].acceptance.by == "priya"
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    before = digest(shop_json)
    code, _, err = run(capsys, "risk", "accept", shop_json, "spof:component:storefront", "--reason", "r")
    assert code == 2 and err == f"prr: {shop_json}: --by: who accepts the risk? give --by NAME (the login name is " \
                                "a system account, or there is none)\n"
    assert digest(shop_json) == before


def test_a_change_another_program_made_meanwhile_is_kept(capsys, shop, monkeypatch):
    """The decision is applied to the review as the file holds it under its lock (as checklist-answer's
    answer is): another writer's change between this command's first read and its write survives."""
    from prr_app.review import document

    real = document.load_review

    def read_then_someone_writes(path):
        review = real(path)
        edit_review(path, lambda r: edits.apply_changes(r, edits.set_risk_owner(r, "spof:component:storefront", "eve")))
        return review

    monkeypatch.setattr(document, "load_review", read_then_someone_writes)
    assert run(capsys, "risk", "accept", shop, "spof:component:cart-db", "--reason", "r", "--by", "dana")[0] == 0
    monkeypatch.setattr(document, "load_review", real)
    review = load_review(shop)
    assert review.risks["spof:component:storefront"].owner == "eve"
    assert review.risks["spof:component:cart-db"].acceptance.by == "dana"


def test_output_elsewhere_leaves_the_review_as_it_was(capsys, shop_prr, tmp_path):
    before = digest(shop_prr)
    out_file = tmp_path / "accepted.json"
    code, out, _ = run(capsys, "risk", "accept", shop_prr, "spof:component:cart-db", "--reason", "r", "--by", "dana",
                       "-o", out_file)
    assert code == 0 and out.rstrip().endswith(f"wrote {out_file}")
    assert digest(shop_prr) == before
    assert load_review(out_file).risks["spof:component:cart-db"].status == "accepted"


def test_an_output_in_a_missing_folder_is_refused_before_any_work(capsys, shop_prr, tmp_path):
    before = digest(shop_prr)
    code, out, err = run(capsys, "risk", "owner", shop_prr, "spof:component:cart-db", "x", "-o",
                         tmp_path / "nowhere" / "out.prr")
    assert code == 2 and not out and err.count("\n") == 1 and "nowhere" in err
    assert digest(shop_prr) == before and not (tmp_path / "nowhere").exists()


# ------------------------------------------------------------------ refusals
@pytest.fixture
def with_stale(shop_json) -> Path:
    """The shop with an acceptance of identity's SPOF, then identity deleted: a stale decision."""
    review = load_review(shop_json)
    rid = "spof:component:identity"
    edits.apply_changes(review, edits.accept_risk(review, rid, "dana", "its own SLA"))
    edits.apply_changes(review, edits.delete(review, ["identity"]))
    save_review(review, shop_json, overwrite=True)
    return shop_json


REFUSALS = [
    (["accept", "{f}", "spof:component:cart-dbb", "--reason", "r", "--by", "d"],
     "risk spof:component:cart-dbb: no risk 'spof:component:cart-dbb' in the register; did you mean "
     "spof:component:cart-db, "),
    (["owner", "{f}", "nonsense", "x"],
     "risk nonsense: no risk 'nonsense' in the register; 'prr risk list REVIEW' lists them"),
    (["accept", "{f}", "spof:component:cart-db", "--reason", "r", "--by", "d", "--until", "2027-02-30"],
     "risk spof:component:cart-db: 'Until' is a date like 2025-12-31, not '2027-02-30'"),
    (["accept", "{f}", "spof:component:cart-db", "--reason", "r", "--by", "d", "--until", "20270203"],
     "risk spof:component:cart-db: 'Until' is a date like 2025-12-31, not '20270203'"),
    (["accept", "{f}", "spof:component:cart-db", "--reason", "  ", "--by", "d"],
     "risk spof:component:cart-db: Accepting a risk needs who accepts it and why."),
    (["accept", "{f}", "spof:component:cart-db", "--reason", "r", "--by", "d", "--until", "2020-01-01"],
     "an acceptance cannot end before it was given"),
    (["mitigate", "{f}", "spof:component:cart-db", "--title", "t", "--due", "2027-13-01"],
     "risk spof:component:cart-db: 'Due' is a date like 2025-12-31, not '2027-13-01'"),
    (["mitigate", "{f}", "spof:component:cart-db", "spof:component:nope", "--title", "t"],
     "risk spof:component:nope: no risk 'spof:component:nope' in the register"),
    (["override", "{f}", "spof:component:cart-db", "--likelihood", "6", "--reason", "r"],
     "risk spof:component:cart-db: Likelihood and impact are 1 to 5."),
    (["override", "{f}", "spof:component:cart-db", "--impact", "0", "--reason", "r"],
     "risk spof:component:cart-db: Likelihood and impact are 1 to 5."),
    (["override", "{f}", "spof:component:cart-db", "--likelihood", "2", "--reason", " "],
     "risk spof:component:cart-db: An override needs a written reason."),
    (["override", "{f}", "spof:component:cart-db", "--reason", "r"],
     "--likelihood/--impact: nothing to override"),
    (["blocking", "{f}", "spof:component:cart-db", "no"],
     "risk spof:component:cart-db: Marking a risk launch-blocking, or not, needs a written reason."),
    (["reopen", "{f}", "spof:component:cart-db"],
     "risk spof:component:cart-db: spof:component:cart-db is not accepted; there is no acceptance to take back."),
    (["add", "{f}", "--title", "t", "--likelihood", "7", "--impact", "3"], "likelihood: 7 is too large"),
    (["add", "{f}", "--title", "t", "--likelihood", "3", "--impact", "3", "--component", "cart-dbb"],
     "--component: unknown component cart-dbb; did you mean cart-db?"),
    (["owner", "{f}", "spof:component:cart-db"], "OWNER: give the OWNER, or --clear to clear it"),
]


@pytest.mark.parametrize("argv,message", REFUSALS, ids=[" ".join(a[:1] + a[2:4]) for a, _ in REFUSALS])
def test_a_refusal_is_one_line_naming_the_file_and_the_place_and_the_file_is_untouched(capsys, shop, argv, message):
    before = digest(shop)
    code, out, err = run(capsys, "risk", *[shop if a == "{f}" else a for a in argv])
    assert code == 2 and not out
    assert err.startswith(f"prr: {shop}: ") and message in err and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert digest(shop) == before


def test_a_stale_decision_is_refused_and_listed(capsys, with_stale):
    before = digest(with_stale)
    code, out, err = run(capsys, "risk", "accept", with_stale, "spof:component:identity", "--reason", "r", "--by", "d")
    assert code == 2 and err.startswith(f"prr: {with_stale}: risk spof:component:identity: no finding with this id "
                                        "any more") and "a stale decision" in err and err.count("\n") == 1
    assert digest(with_stale) == before
    code, out, _ = run(capsys, "risk", "list", with_stale)
    assert "Stale decisions (1; kept in the review, not applied):" in out
    assert "  spof:component:identity: no finding with this id any more" in out


def test_a_read_only_file_is_refused_untouched(capsys, shop):
    before = digest(shop)
    os.chmod(shop, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        code, _, err = run(capsys, "risk", "accept", shop, "spof:component:cart-db", "--reason", "r", "--by", "d")
    finally:
        os.chmod(shop, 0o644)
    assert code == 2 and err == f"prr: {shop}: cannot write: the file is read-only\n"
    assert digest(shop) == before


HOLD = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_locked_review_is_refused_untouched(capsys, shop_prr):
    before = digest(shop_prr)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(shop_prr)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, _, err = run(capsys, "risk", "owner", shop_prr, "spof:component:cart-db", "x")
    finally:
        holder.kill()
        holder.wait()
    assert code == 2 and err.startswith(f"prr: {shop_prr}") and "locked" in err and err.count("\n") == 1, err
    assert digest(shop_prr) == before


# ------------------------------------------------------------------ the edits it added
def test_reopen_risk_and_a_mitigation_of_several_risks_are_named_edits(webshop):
    with pytest.raises(edits.EditRefused, match="not accepted"):
        edits.reopen_risk(webshop, "spof:component:cart-db")
    changes = edits.accept_risk(webshop, "spof:component:cart-db", "dana", "r")
    edits.apply_changes(webshop, changes)
    undo = edits.reopen_risk(webshop, "spof:component:cart-db")
    edits.apply_changes(webshop, undo)
    assert webshop.risks["spof:component:cart-db"].acceptance is None
    assert webshop.risks["spof:component:cart-db"].status == "open"
    edits.apply_changes(webshop, undo, undo=True)  # the undo stack takes it back
    assert webshop.risks["spof:component:cart-db"].acceptance.by == "dana"
    mid, changes = edits.add_mitigation(webshop, "spof:component:cart-svc", "t", description="d",
                                        also=["spof:component:cart-svc", "spof:domain:aws"])
    assert [c.key for c in changes] == ["spof:component:cart-svc", "spof:domain:aws", mid]
    assert changes[-1].new.risks == ["spof:component:cart-svc", "spof:domain:aws"]
    assert changes[-1].new.description == "d"
    # as before for one risk and no description (the app's Add mitigation…)
    mid, changes = edits.add_mitigation(webshop, "spof:component:cart-svc", "t2")
    assert changes[-1].new.risks == ["spof:component:cart-svc"] and changes[-1].new.description == ""


def test_the_real_command_as_a_lead_runs_it_in_ci(shop_prr):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "prr_app", "risk", "accept", str(shop_prr), "spof:component:cart-db",
                           "--until", "2027-01-31", "--reason", "standby ordered", "--by", "dana"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("spof:component:cart-db: accepted by dana until 2027-01-31; now accepted")
    gate = subprocess.run([sys.executable, "-m", "prr_app", "analyze", str(shop_prr), "--json"],
                          capture_output=True, env=env, timeout=120)
    risk = next(r for r in json.loads(gate.stdout)["risks"] if r["id"] == "spof:component:cart-db")
    assert risk["status"] == "accepted" and risk["accepted"]["by"] == "dana" and not risk["launch_blocking"]


def test_a_decision_on_a_review_in_the_team_repository(repo, monkeypatch, capsys):
    """repo:NAME, as for checklist-answer: the decision is a new version, merged with others' changes;
    an output into the repository is refused."""
    monkeypatch.setenv("PRR_REPO", repo.url)
    repo.push(_example(), name="shop")
    code, out, err = run(capsys, "risk", "accept", "repo:shop", "spof:instance:cart-db", "--reason", "r", "--by", "ann")
    assert code == 0, err
    assert out.rstrip().endswith("wrote repo:shop")
    pulled = repo.pull("shop")
    assert pulled.version == 2 and pulled.review.risks["spof:component:cart-db"].acceptance.by == "ann"
    code, out, err = run(capsys, "risk", "owner", "repo:shop", "spof:component:cart-db", "x", "-o", "repo:copy")
    assert code == 2 and err.count("\n") == 1 and "prr repo push" in err, err
    code, out, err = run(capsys, "risk", "owner", "repo:shop", "spof:component:cart-dbb", "x")
    assert code == 2 and err.startswith("prr: repo:shop: risk spof:component:cart-dbb: no risk"), err
    assert repo.pull("shop").version == 2
