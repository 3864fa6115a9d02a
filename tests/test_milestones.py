"""Milestones: named, dated snapshots kept in the .prr file and in review JSON; ``prr milestone``."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.model.entities import Component, Review
from prr_app.errors import PrrError
from prr_app.interchange.json_io import read_review_json, review_to_dict, write_json
from prr_app.review import milestones as M
from prr_app.review.document import ReviewDocument, load_review, save_review

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
NOW = dt.datetime(2026, 5, 4, 9, 30, 12, 345, tzinfo=dt.timezone.utc)


@pytest.fixture
def ws() -> Review:
    return read_review_json(EXAMPLES / "webshop.json")


def test_take_snapshots_the_review_as_it_is(ws):
    m = M.take(ws, "Pre-launch review", by="ann", note="before GA", now=NOW)
    assert (m.id, m.name, m.date, m.taken_at, m.taken_by, m.note) == (
        "pre-launch-review", "Pre-launch review", "2026-05-04", "2026-05-04T09:30:12Z", "ann", "before GA")
    assert ws.milestones == {"pre-launch-review": m}
    ws.components["cart-db"].replicas = 5  # later edits do not reach the snapshot
    old = M.milestone_review(m)
    assert old.components["cart-db"].replicas == 1
    assert old.milestones == {}  # a snapshot holds no milestones of its own
    old.components["cart-db"].replicas = 7  # nor does editing what was opened
    assert M.milestone_review(m).components["cart-db"].replicas == 1


@pytest.mark.parametrize("name, message", [
    ("", "needs a name"), ("  ", "needs a name"), ("!!!", "no letter or digit"),
])
def test_bad_names_are_refused(ws, name, message):
    with pytest.raises(PrrError, match=message):
        M.take(ws, name)


def test_a_milestone_is_never_replaced(ws):
    M.take(ws, "design", now=NOW)
    with pytest.raises(PrrError, match="milestone 'design' already exists"):
        M.take(ws, "Design")


def test_bad_date_is_refused(ws):
    with pytest.raises(PrrError, match="--date must be a date YYYY-MM-DD"):
        M.take(ws, "x", date="next tuesday")


def test_json_round_trip_keeps_milestones(ws, tmp_path):
    M.take(ws, "design", by="ann", now=NOW, date="2026-04-01")
    write_json(ws, tmp_path / "r.json")
    back = read_review_json(tmp_path / "r.json")
    assert back.milestones == ws.milestones
    write_json(back, tmp_path / "r2.json")
    assert (tmp_path / "r.json").read_bytes() == (tmp_path / "r2.json").read_bytes()


def test_json_without_milestones_is_unchanged(ws):
    assert "milestones" not in review_to_dict(ws)


def test_prr_round_trip_keeps_milestones(ws, tmp_path):
    M.take(ws, "design", by="ann", now=NOW)
    save_review(ws, tmp_path / "r.prr")
    assert load_review(tmp_path / "r.prr").milestones == ws.milestones
    doc = ReviewDocument.open(tmp_path / "r.prr")
    try:
        assert doc.review.milestones == ws.milestones
        M.take(doc.review, "pre-launch", by="bob", now=NOW + dt.timedelta(days=30))
        assert doc.save() >= 1
        assert doc.save() == 0  # nothing changed since
    finally:
        doc.close()
    got = load_review(tmp_path / "r.prr").milestones
    assert sorted(got) == ["design", "pre-launch"] and got["pre-launch"].taken_by == "bob"


def test_deleting_a_milestone_is_saved(ws, tmp_path):
    M.take(ws, "a", now=NOW)
    M.take(ws, "b", now=NOW)
    doc = ReviewDocument.create(tmp_path / "r.prr", ws)
    try:
        del doc.review.milestones["a"]
        doc.save()
    finally:
        doc.close()
    assert sorted(load_review(tmp_path / "r.prr").milestones) == ["b"]



def test_a_damaged_milestone_names_the_file(ws, tmp_path):
    M.take(ws, "design", now=NOW)
    save_review(ws, tmp_path / "r.prr")
    con = sqlite3.connect(tmp_path / "r.prr")
    con.execute("UPDATE milestone SET review = '{not json'")
    con.commit()
    con.close()
    with pytest.raises(PrrError, match="milestone.*'design'") as e:
        load_review(tmp_path / "r.prr")
    assert str(tmp_path / "r.prr") in str(e.value)



def test_address_forms(ws, tmp_path):
    M.take(ws, "Pre launch", now=NOW)
    save_review(ws, tmp_path / "r.prr")
    ws.components["new-svc"] = Component("new-svc")
    save_review(ws, tmp_path / "r.prr", overwrite=True)
    now = M.load_side(str(tmp_path / "r.prr"))
    assert "new-svc" in now.review.components and now.milestone is None
    for key in ("pre-launch", "Pre launch"):
        then = M.load_side(f"{tmp_path / 'r.prr'}@{key}")
        assert then.milestone.id == "pre-launch" and "new-svc" not in then.review.components
        assert then.label.endswith("@pre-launch (Pre launch, 2026-05-04)")
    odd = tmp_path / "a@b.json"  # a file whose name holds '@' opens as a file
    write_json(Review(), odd)
    assert M.load_side(str(odd)).milestone is None


# ------------------------------------------------------------------ the command
def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", [".prr", ".json"])
def test_cli_milestone_add_list_and_diff(tmp_path, capsys, ws, suffix):
    path = tmp_path / f"r{suffix}"
    save_review(ws, path)
    code, out, err = _run(capsys, "milestone", "add", str(path), "Design review", "--date", "2026-03-01",
                          "--by", "ann", "--note", "first PRR")
    assert code == 0, err
    assert out.startswith("milestone design-review (Design review, 2026-03-01) taken by ann: 14 components")
    code, out, err = _run(capsys, "milestone", "add", str(path), "design review")
    assert code == 2 and "already exists" in err and err.count("\n") == 1
    code, out, _ = _run(capsys, "milestone", "list", str(path), "--json")
    rows = json.loads(out)
    assert [(r["id"], r["date"], r["taken_by"], r["note"], r["components"]) for r in rows] == [
        ("design-review", "2026-03-01", "ann", "first PRR", 14)]
    code, out, _ = _run(capsys, "milestone", "list", str(path))
    assert out.startswith("design-review") and "first PRR" in out
    # the review moves on; the diff against the milestone shows the change
    review = load_review(path)
    review.components["cart-db"].replicas = 2
    save_review(review, path, overwrite=True)
    assert sorted(load_review(path).milestones) == ["design-review"]  # kept through a whole save
    code, out, _ = _run(capsys, "diff", f"{path}@design-review", str(path))
    assert code == 0 and "~ cart-db: replicas 1 -> 2" in out
    assert out.startswith(f"Changes from {path}@design-review (Design review, 2026-03-01) to {path}")


def test_cli_milestone_errors(tmp_path, capsys):
    code, _, err = _run(capsys, "milestone", "list", str(tmp_path / "none.prr"))
    assert code == 2 and "no such file" in err
    code, _, err = _run(capsys, "milestone")
    assert code == 2 and "add or list" in err
    code, _, err = _run(capsys, "milestone", "list", str(tmp_path))
    assert code == 2 and "folder" in err
