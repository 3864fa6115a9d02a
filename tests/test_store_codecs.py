"""The store's light table description, and reading a review without SQLAlchemy."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.interchange.json_io import read_review_json
from prr_app.persistence import store as S
from prr_app.persistence.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "platform.json"


def test_schema_says_what_the_table_classes_say():
    assert [S._Codec.of_model(m).spec() for m in TABLES] == list(S._SCHEMA)
    assert [c.spec() for c in S._codecs().values()] == list(S._SCHEMA)


def test_read_only_open_reads_the_same_review_without_sqlalchemy(tmp_path):
    review = read_review_json(EXAMPLE)
    path = tmp_path / "r.prr"
    S.create_store(path, review).close()
    code = ("import sys\n"
            "from prr_app.review.document import load_review\n"
            "from prr_app.persistence.store import review_rows\n"
            "import json\n"
            "r = load_review(sys.argv[1])\n"
            "print(len(r.components), [m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules])\n")
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split("\n")[0] == f"{len(review.components)} []"
    ro = S.open_store(path, readonly=True)
    try:
        got = ro.load()
        assert ro._engine is None
    finally:
        ro.close()
    rw = S.open_store(path)
    try:
        assert S.review_rows(rw.load()) == S.review_rows(got) == S.review_rows(review)
    finally:
        rw.close()


@pytest.mark.parametrize("damage", [
    "UPDATE component SET placement = '[not json' WHERE rowid = 1",
    "ALTER TABLE component DROP COLUMN notes",
])
def test_read_only_open_of_damaged_content_is_our_error(tmp_path, damage):
    path = tmp_path / "r.prr"
    S.create_store(path, read_review_json(EXAMPLE)).close()
    con = sqlite3.connect(path)
    con.execute(damage)
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(PrrError, match="damaged review file"):
        S.open_store(path, readonly=True)
    assert path.read_bytes() == before
    with pytest.raises(PrrError, match="damaged review file"):
        S.open_store(path, readonly=True)
