"""A dependency's kind stated by the reviewer (``kind_stated``): the lasting way to confirm that a
hard call an import found to shared plumbing (a discovery or config server) is hard.

Found on Spring PetClinic: the analysis treats a hard call an import inferred to a hub as soft, and
said to "confirm or state the kind of these", but there was no way to: ``prr set pet.prr
'api-gateway->discovery-server' kind=hard`` said "no change" (it was already hard) and the call stayed
softened; clearing its evidence lasted until the next ``prr import --into`` refreshed it. Now setting
the kind (``prr set``, even to the same value, or the inspector's Kind) states it, the analysis takes
a stated kind as it is, and a re-import keeps it.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from prr_app.analysis import ShapeMemo
from prr_app.analysis.engine import analyze
from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.interchange import json_io
from prr_app.model.entities import Component, Dependency, Review
from prr_app.model.validation import validate
from prr_app.persistence.migrations import CURRENT_VERSION
from prr_app.persistence.store import create_store, open_store
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PETCLINIC = ROOT.parent / "shared" / "realdata" / "spring-petclinic-repo"
CALL = "api-gateway->discovery-server"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def analysed(capsys, path) -> dict:
    code, out, err = run(capsys, "analyze", path, "--json", "--today", "2026-12-07")
    assert code in (0, 1), err
    return json.loads(out)


def spof(doc: dict, element: str) -> dict | None:
    return next((s for s in doc["spofs"] if s["element"] == element), None)


def softened(doc: dict) -> list[str]:
    return next((a["elements"] for a in doc["assumptions"] if a["id"] == "hub-softened"), [])


# ------------------------------------------------------------------ PetClinic, end to end (CLI)
@pytest.mark.skipif(not PETCLINIC.is_dir(), reason="the Spring PetClinic checkout is not here")
def test_petclinic_a_call_confirmed_hard_makes_discovery_server_the_spof_it_is_through_a_reimport(capsys, tmp_path):
    pet = tmp_path / "pet.prr"
    code, out, err = run(capsys, "import", PETCLINIC, "-o", pet, "--quiet")
    assert code == 0, err
    review = load_review(pet)
    assert review.dependencies[CALL].kind == "hard" and review.dependencies[CALL].evidence
    assert not any(d.kind_stated for d in review.dependencies.values())  # an import never states a kind
    before = analysed(capsys, pet)
    assert CALL in softened(before) and spof(before, "discovery-server") is None

    # the kind is already hard: setting it still says something, and writes
    code, out, err = run(capsys, "set", pet, CALL, "kind=hard")
    assert code == 0, err
    assert "no change" not in out and "kind stated by the reviewer" in out and "wrote" in out
    assert load_review(pet).dependencies[CALL].kind_stated is True
    code, out, err = run(capsys, "set", pet, CALL, "kind=hard")  # stated already: now there is nothing to do
    assert code == 0 and "no change" in out

    after = analysed(capsys, pet)
    assert CALL not in softened(after)
    s = spof(after, "discovery-server")
    assert s is not None and "api-gateway" in s["user_facing_down"], s
    assert "spof:component:discovery-server" in after["verdict"]["launch_blockers"]
    # the assumption says how to confirm one
    text = next(a["text"] for a in after["assumptions"] if a["id"] == "hub-softened")
    assert "prr set REVIEW 'a->hub' kind=hard" in text and "inspector's Kind" in text

    # a re-import refreshes the evidence; the stated kind stays, and so does the SPOF
    code, out, err = run(capsys, "import", PETCLINIC, "--into", pet)
    assert code == 0, err
    dep = load_review(pet).dependencies[CALL]
    assert (dep.kind, dep.kind_stated) == ("hard", True) and dep.evidence
    again = analysed(capsys, pet)
    assert CALL not in softened(again)
    s = spof(again, "discovery-server")
    assert s is not None and "api-gateway" in s["user_facing_down"]
    # the other calls on the hubs are still the import's guesses, softened as before
    assert set(softened(again)) == set(softened(before)) - {CALL}


# ------------------------------------------------------------------ a small hub review
def _hub_review(*, stated: bool = False) -> Review:
    r = Review()
    r.add(Component(id="gw", user_facing=True))
    r.add(Component(id="registry", tags=["discovery"]))
    r.add(Dependency("gw", "registry", "hard", evidence=["compose.yml:3: gw depends_on registry"],
                     kind_stated=stated))
    return r


def test_the_analysis_softens_an_imported_hard_call_to_a_hub_unless_its_kind_is_stated():
    a = analyze(_hub_review())
    assert "registry" not in {s["element"] for s in a.to_dict()["spofs"]}
    b = analyze(_hub_review(stated=True)).to_dict()
    assert "registry" in {s["element"] for s in b["spofs"]}
    assert not next((x["elements"] for x in b["assumptions"] if x["id"] == "hub-softened"), [])


def test_the_app_memo_tells_a_stated_kind_apart():
    """The app analyses after each edit with a memo of compiled graphs: stating the kind is an edit
    that changes them (the memo's key held only whether there was evidence)."""
    memo = ShapeMemo()
    r = _hub_review()
    assert "registry" not in {s["element"] for s in analyze(r, memo=memo).to_dict()["spofs"]}
    r.dependencies["gw->registry"].kind_stated = True
    assert "registry" in {s["element"] for s in analyze(r, memo=memo).to_dict()["spofs"]}
    r.dependencies["gw->registry"].kind_stated = False
    assert "registry" not in {s["element"] for s in analyze(r, memo=memo).to_dict()["spofs"]}


# ------------------------------------------------------------------ review JSON
def test_the_review_json_carries_kind_stated_only_when_true():
    plain = json.loads(json_io.dumps(_hub_review()))
    assert "kind_stated" not in plain["dependencies"][0]
    doc = json.loads(json_io.dumps(_hub_review(stated=True)))
    dep = doc["dependencies"][0]
    assert dep["kind_stated"] is True and list(dep)[:4] == ["source", "target", "kind", "kind_stated"]
    back = json_io.review_from_dict(doc)
    assert back.dependencies["gw->registry"].kind_stated is True
    assert json_io.review_from_dict(plain).dependencies["gw->registry"].kind_stated is False


def test_the_review_json_refuses_a_kind_stated_that_is_not_true_or_false(tmp_path, capsys):
    doc = json.loads(json_io.dumps(_hub_review()))
    doc["dependencies"][0]["kind_stated"] = "yes"
    with pytest.raises(PrrError) as e:
        json_io.review_from_dict(doc)
    assert "kind_stated" in (e.value.location or "") + str(e.value)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run(capsys, "validate", bad)
    assert code == 2 and "kind_stated" in err and "Traceback" not in err


def test_the_model_check_refuses_a_kind_stated_that_is_not_a_bool():
    r = _hub_review()
    r.dependencies["gw->registry"].kind_stated = "yes"
    assert [p.path for p in validate(r)] == ["$.dependencies[gw->registry].kind_stated"]


# ------------------------------------------------------------------ the .prr file
def test_the_prr_file_keeps_kind_stated(tmp_path):
    p = tmp_path / "hub.prr"
    create_store(p, _hub_review(stated=True)).close()
    with open_store(p) as store:
        assert store.load().dependencies["gw->registry"].kind_stated is True

        def unstate(r):
            r.dependencies["gw->registry"].kind_stated = False

        store.edit(unstate)
    with open_store(p) as store:
        assert store.load().dependencies["gw->registry"].kind_stated is False


def test_a_version_4_file_opens_its_calls_not_stated_and_an_edit_upgrades_it(tmp_path):
    path = tmp_path / "old.prr"
    shutil.copy(FIXTURES / "schema_v4.prr", path)
    with open_store(path) as store:
        review = store.load()
        assert review.dependencies and not any(d.kind_stated for d in review.dependencies.values())

        def state(r):
            r.dependencies["checkout-svc->payments-api"].kind_stated = True

        store.edit(state)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION == 5
        rows = dict(((s, t), k) for s, t, k in con.execute("SELECT source, target, kind_stated FROM dependency"))
    finally:
        con.close()
    assert rows[("checkout-svc", "payments-api")] == 1 and sum(rows.values()) == 1
    assert user_version(tmp_path / "old.prr.v4.bak") == 4  # the file as it was, beside it
    assert load_review(path).dependencies["checkout-svc->payments-api"].kind_stated is True


def test_a_damaged_kind_stated_in_the_file_is_refused_naming_the_column(tmp_path, capsys):
    p = tmp_path / "hub.prr"
    create_store(p, _hub_review()).close()
    con = sqlite3.connect(p)
    con.execute("UPDATE dependency SET kind_stated = 'maybe'")
    con.commit()
    con.close()
    code, out, err = run(capsys, "summary", p)
    assert code == 2 and "kind_stated" in err and "Traceback" not in err


def user_version(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------ prr set / add
@pytest.fixture
def hub_json(tmp_path) -> Path:
    p = tmp_path / "hub.json"
    p.write_text(json_io.dumps(_hub_review()), encoding="utf-8")
    return p


def test_prr_set_states_the_kind_and_kind_stated_false_takes_it_back(capsys, hub_json):
    code, out, err = run(capsys, "set", hub_json, "gw -> registry", "kind=hard")
    assert code == 0, err
    # the kind is as it was (no "kind hard -> hard" line, which read as a change): stating it is the change
    assert "kind hard -> hard" not in out and "dependency gw->registry: kind stated by the reviewer" in out
    assert load_review(hub_json).dependencies["gw->registry"].kind_stated is True
    # a reviewer may take it back: the call is the import's guess again
    code, out, err = run(capsys, "set", hub_json, "gw->registry", "kind_stated=false")
    assert code == 0, err
    assert load_review(hub_json).dependencies["gw->registry"].kind_stated is False
    # a kind_stated given beside the kind says
    code, out, err = run(capsys, "set", hub_json, "gw->registry", "kind=soft", "kind_stated=false")
    assert code == 0, err
    dep = load_review(hub_json).dependencies["gw->registry"]
    assert (dep.kind, dep.kind_stated) == ("soft", False)


def test_prr_set_of_another_field_does_not_state_the_kind(capsys, hub_json):
    code, out, err = run(capsys, "set", hub_json, "gw->registry", "timeout_ms=500")
    assert code == 0, err
    assert load_review(hub_json).dependencies["gw->registry"].kind_stated is False
    assert "kind stated" not in out


def test_prr_add_with_a_kind_states_it(capsys, hub_json):
    code, out, err = run(capsys, "add", hub_json, "component", "web")
    assert code == 0, err
    code, out, err = run(capsys, "add", hub_json, "dependency", "web->registry", "kind=hard")
    assert code == 0, err
    code, out, err = run(capsys, "add", hub_json, "dependency", "gw->web")
    assert code == 0, err
    deps = load_review(hub_json).dependencies
    assert deps["web->registry"].kind_stated is True and deps["gw->web"].kind_stated is False


# ------------------------------------------------------------------ re-import
def test_a_reimport_keeps_a_stated_kind_the_source_changed(capsys, tmp_path):
    """The source now says soft: a kind the last import gave follows it, a stated one stays (and
    the plan says so)."""
    csv = tmp_path / "edges.csv"
    csv.write_text("source,target,type\ngw,registry,hard\ngw,cache,hard\n", encoding="utf-8")
    rev = tmp_path / "r.prr"
    assert run(capsys, "import", csv, "-o", rev, "--quiet")[0] == 0
    code, out, err = run(capsys, "set", rev, "gw->registry", "kind=hard")
    assert code == 0, err
    csv.write_text("source,target,type\ngw,registry,soft\ngw,cache,soft\n", encoding="utf-8")
    code, out, err = run(capsys, "import", csv, "--into", rev)
    assert code == 0, err
    deps = load_review(rev).dependencies
    assert (deps["gw->registry"].kind, deps["gw->registry"].kind_stated) == ("hard", True)
    assert (deps["gw->cache"].kind, deps["gw->cache"].kind_stated) == ("soft", False)  # the import's, followed
    assert "dependency gw->registry: kind stated by the reviewer (hard) kept; the source now says soft" in out


def test_a_reimport_adds_new_calls_not_stated(capsys, tmp_path):
    csv = tmp_path / "edges.csv"
    csv.write_text("source,target,type\ngw,registry,hard\n", encoding="utf-8")
    rev = tmp_path / "r.prr"
    assert run(capsys, "import", csv, "-o", rev, "--quiet")[0] == 0
    assert run(capsys, "set", rev, "gw->registry", "kind=hard")[0] == 0
    csv.write_text("source,target,type\ngw,registry,hard\ngw,cache,hard\n", encoding="utf-8")
    assert run(capsys, "import", csv, "--into", rev)[0] == 0
    deps = load_review(rev).dependencies
    assert deps["gw->registry"].kind_stated is True and deps["gw->cache"].kind_stated is False


# ------------------------------------------------------------------ the bundled examples
@pytest.mark.parametrize("example", ["webshop", "platform"])
def test_the_bundled_examples_state_no_kind_and_read_back_byte_for_byte(example):
    path = ROOT / "resources" / "examples" / f"{example}.json"
    review = json_io.read_review_json(path)
    assert not any(d.kind_stated for d in review.dependencies.values())
    assert "kind_stated" not in json_io.dumps(review)
