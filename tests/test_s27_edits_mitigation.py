"""Changing and removing a mitigation (D6): ``edits.edit_mitigation`` / ``edits.remove_mitigation`` and
``prr risk mitigation``, one write under the file's lock, as ``prr risk mitigate`` adds one."""
from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.model.validation import validate
from prr_app.review import edits
from prr_app.review.assess import assess
from prr_app.review.document import load_review

from tests.test_cli_risk import shop_json, shop_prr  # noqa: E402,F401 (fixtures)

RISK = "spof:component:cart-db"


@pytest.fixture
def shop(shop_json) -> Path:
    return shop_json


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _with_mitigation(review):
    mid, changes = edits.add_mitigation(review, RISK, "Replicate cart-db", owner="alice", due="2027-01-01")
    edits.apply_changes(review, changes)
    return mid


# ------------------------------------------------------------------ the named edits
def test_edit_mitigation_changes_status_owner_due_and_title_as_one_undoable_change(webshop):
    mid = _with_mitigation(webshop)
    before = copy.deepcopy(webshop)
    changes = edits.edit_mitigation(webshop, mid, status="in progress", owner=" bob  smith ", due="", title="Run two")
    assert len(changes) == 1
    edits.apply_changes(webshop, changes)
    m = webshop.mitigations[mid]
    assert (m.status, m.owner, m.due, m.title) == ("in_progress", "bob smith", None, "Run two")
    assert not validate(webshop)
    edits.apply_changes(webshop, changes, undo=True)
    assert webshop == before


def test_marking_a_mitigation_done_mitigates_the_risk(webshop):
    mid = _with_mitigation(webshop)
    risk = lambda r: next(x for x in assess(r).risks if x.id == RISK)  # noqa: E731
    assert risk(webshop).status == "open"
    edits.apply_changes(webshop, edits.edit_mitigation(webshop, mid, status="done"))
    assert risk(webshop).status == "mitigated"


def test_nothing_to_change_is_no_change_and_bad_values_are_refused(webshop):
    mid = _with_mitigation(webshop)
    assert edits.edit_mitigation(webshop, mid, status="planned", owner="alice") == []
    with pytest.raises(edits.EditRefused, match="status is one of planned, in progress, done, dropped"):
        edits.edit_mitigation(webshop, mid, status="finished")
    with pytest.raises(edits.EditRefused, match="'Due' is a date"):
        edits.edit_mitigation(webshop, mid, due="2027-02-31")
    with pytest.raises(edits.EditRefused, match="needs a title"):
        edits.edit_mitigation(webshop, mid, title="  ")
    with pytest.raises(edits.EditRefused, match="effort is one of small, medium, large"):
        edits.edit_mitigation(webshop, mid, effort="huge")
    with pytest.raises(edits.EditRefused, match="no mitigation 'mit-nope' in the review"):
        edits.edit_mitigation(webshop, "mit-nope", status="done")
    with pytest.raises(edits.EditRefused, match=f"did you mean {mid}"):
        edits.remove_mitigation(webshop, mid[:-1])


def test_removing_a_mitigation_leaves_the_review_as_before_it_was_added(webshop):
    before = copy.deepcopy(webshop)
    assert RISK not in webshop.risks  # a computed risk without a record: adding the mitigation makes one
    mid = _with_mitigation(webshop)
    changes = edits.remove_mitigation(webshop, mid)
    edits.apply_changes(webshop, changes)
    assert webshop == before
    edits.apply_changes(webshop, changes, undo=True)
    assert mid in webshop.mitigations and RISK in webshop.risks and not validate(webshop)


def test_removing_keeps_a_risk_record_that_holds_a_decision_or_another_mitigation(webshop):
    mid = _with_mitigation(webshop)
    other, changes = edits.add_mitigation(webshop, RISK, "Back it up")
    edits.apply_changes(webshop, changes)
    edits.apply_changes(webshop, edits.remove_mitigation(webshop, mid))
    assert RISK in webshop.risks and other in webshop.mitigations
    edits.apply_changes(webshop, edits.set_risk_owner(webshop, RISK, "db-team"))
    edits.apply_changes(webshop, edits.remove_mitigation(webshop, other))
    assert webshop.risks[RISK].owner == "db-team" and other not in webshop.mitigations and not validate(webshop)


# ------------------------------------------------------------------ prr risk mitigation
@pytest.mark.parametrize("kind", ["json", "prr"])
def test_prr_risk_mitigation_changes_marks_done_and_removes(capsys, kind, shop, shop_prr):
    f = shop if kind == "json" else shop_prr
    code, out, _ = run(capsys, "risk", "mitigate", f, RISK, "--title", "Replicate cart-db", "--owner", "alice",
                       "--due", "2027-01-01")
    mid = "mit-replicate-cart-db"
    assert code == 0 and mid in out
    code, out, err = run(capsys, "risk", "mitigation", f, mid, "--status", "in_progress", "--owner", "bob",
                         "--due", "")
    assert code == 0, err
    assert out.splitlines()[0] == (f"mitigation {mid} 'Replicate cart-db': status planned -> in progress, "
                                   f"owner alice -> bob, due 2027-01-01 -> (none); wrote {f}")
    m = load_review(f).mitigations[mid]
    assert (m.status, m.owner, m.due) == ("in_progress", "bob", None)
    code, out, _ = run(capsys, "risk", "mitigation", f, mid, "--status", "done")
    # the model still shows one cart-db: marked done, it still blocks, and says why (session 32)
    assert code == 0 and f"  {RISK}: now mitigated" in out and "still blocks the launch (mitigation " \
        "“Replicate cart-db” marked done, but the analysis still finds it" in out
    before = digest(f)
    code, out, _ = run(capsys, "risk", "mitigation", f, mid, "--status", "done")
    assert code == 0 and "nothing changed" in out and digest(f) == before
    code, out, _ = run(capsys, "risk", "mitigation", f, mid, "--remove")
    assert code == 0 and out.startswith(f"mitigation {mid} 'Replicate cart-db' (owner bob, done) removed from {RISK}")
    assert f"  {RISK}: now open" in out
    assert mid not in load_review(f).mitigations


REFUSALS = [
    (["mit-replicate-cart-dbb", "--status", "done"],
     "mitigation mit-replicate-cart-dbb: no mitigation 'mit-replicate-cart-dbb' in the review; did you mean "
     "mit-replicate-cart-db?"),
    (["mit-replicate-cart-db", "--status", "finished"],
     "mitigation mit-replicate-cart-db: a mitigation's status is one of planned, in progress, done, dropped, "
     "not 'finished'"),
    (["mit-replicate-cart-db", "--due", "2027-02-31"],
     "mitigation mit-replicate-cart-db: 'Due' is a date like 2025-12-31, not '2027-02-31'"),
    (["mit-replicate-cart-db"], "mitigation mit-replicate-cart-db: nothing to change: give --status"),
    (["mit-replicate-cart-db", "--remove", "--owner", "x"],
     "mitigation mit-replicate-cart-db: give --remove alone, or the fields to change"),
    (["mit-replicate-cart-db", "--title", " "], "mitigation mit-replicate-cart-db: A mitigation needs a title."),
]


@pytest.mark.parametrize("argv,message", REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_a_refusal_is_one_line_naming_the_file_and_the_mitigation_and_the_file_is_untouched(capsys, shop, argv,
                                                                                             message):
    assert run(capsys, "risk", "mitigate", shop, RISK, "--title", "Replicate cart-db")[0] == 0
    before = digest(shop)
    code, out, err = run(capsys, "risk", "mitigation", shop, *argv)
    assert code == 2 and not out
    assert err.startswith(f"prr: {shop}: ") and message in err and err.count("\n") == 1, err
    assert digest(shop) == before


def test_output_elsewhere_leaves_the_review_as_it_was(capsys, shop, tmp_path):
    assert run(capsys, "risk", "mitigate", shop, RISK, "--title", "Replicate cart-db")[0] == 0
    before = digest(shop)
    out_file = tmp_path / "out.json"
    code, out, _ = run(capsys, "risk", "mitigation", shop, "mit-replicate-cart-db", "--status", "done",
                       "-o", out_file)
    assert code == 0 and digest(shop) == before
    assert load_review(out_file).mitigations["mit-replicate-cart-db"].status == "done"
