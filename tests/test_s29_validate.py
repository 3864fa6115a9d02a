"""`prr validate` refuses what every later command would stumble on: a .prr whose review row was
deleted (it read as 'Untitled system', tier 2) or doubled (one silently won), and a milestone whose
snapshot breaks the schema (validate said valid; diff, report --since and plan then failed)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from prr_app.cli.main import main

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


@pytest.fixture
def shop(tmp_path):
    src = tmp_path / "w.json"
    shutil.copy(EXAMPLE, src)
    out = tmp_path / "w.prr"
    assert main(["import", str(src), "-o", str(out), "--quiet"]) == 0
    return out


def _sql(path, *statements):
    con = sqlite3.connect(path)
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


@pytest.mark.parametrize("statements, said", [
    (["delete from review"], "table review holds 0 rows (one expected)"),
    (["create temp table t as select * from review", "update t set id = 2, system_name = 'Other'",
      "insert into review select * from t"], "table review holds 2 rows (one expected)"),
])
def test_the_review_row_is_one(shop, capsys, statements, said):
    _sql(shop, *statements)
    capsys.readouterr()
    for command in (["validate", str(shop)], ["summary", str(shop)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert said in err and str(shop) in err and err.count("\n") == 1


def test_a_broken_milestone_snapshot_is_not_valid(shop, capsys):
    assert main(["milestone", "add", str(shop), "m1", "--by", "ana"]) == 0
    assert main(["validate", str(shop)]) == 0
    _sql(shop, "update milestone set review = json_set(review, '$.components[0].slo', 150)")
    capsys.readouterr()
    assert main(["validate", str(shop)]) == 2
    err = capsys.readouterr().err
    assert f"{shop}@m1" in err and "slo: 150 is too large" in err


def test_a_folder_where_the_journal_goes_is_named(shop, capsys):
    (shop.parent / (shop.name + "-journal")).mkdir()
    before = shop.read_bytes()
    assert main(["summary", str(shop)]) == 2
    err = capsys.readouterr().err
    assert "w.prr-journal beside it is a folder" in err and err.count("\n") == 1 and "I/O" not in err
    assert shop.read_bytes() == before
