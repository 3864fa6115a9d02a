"""The .prr file: safe opening, transactional saves, copies, versions, crashes."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from prr_app.model.entities import Component, Dependency, Review
from prr_app.errors import PrrError
from prr_app.interchange.json_io import dumps
from prr_app.persistence.migrations import APPLICATION_ID, CURRENT_VERSION, RELEASED_VERSIONS
from prr_app.persistence.store import NewerVersionError, NotAReviewError, create_store, open_store
from prr_app.persistence.tables import TABLES
from prr_app.review.document import ReviewDocument

FIXTURES = Path(__file__).parent / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_open_roundtrip(prr_file, webshop):
    with open_store(prr_file) as store:
        assert dumps(store.load()) == dumps(webshop)
    con = sqlite3.connect(prr_file)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
    con.close()


def test_save_writes_only_changes_in_one_transaction(review_doc):
    assert review_doc.save() == 0  # nothing changed
    review_doc.review.components["cart-db"].replicas = 2
    assert review_doc.save() == 1
    review_doc.review.components["new-svc"] = Component("new-svc", "New")
    review_doc.review.dependencies["new-svc->cart-db"] = Dependency("new-svc", "cart-db")
    assert review_doc.save() == 2
    del review_doc.review.dependencies["new-svc->cart-db"]
    del review_doc.review.components["new-svc"]
    assert review_doc.save() == 2
    path = review_doc.path
    review_doc.close()
    with open_store(path) as store:
        r = store.load()
    assert r.components["cart-db"].replicas == 2 and "new-svc" not in r.components


def test_failed_save_leaves_file_unchanged(review_doc):
    before = digest(review_doc.path)
    review_doc.review.components["cart-db"].notes = "changed"
    # a dependency whose source does not exist violates the foreign key: the
    # whole transaction, including the notes change, must roll back
    review_doc.review.dependencies["ghost->cart-db"] = Dependency("ghost", "cart-db")
    with pytest.raises(Exception):
        review_doc.save()
    assert digest(review_doc.path) == before


def test_save_copy_uses_backup_and_is_complete(review_doc, tmp_path):
    review_doc.review.meta.milestone = "copied"
    target = tmp_path / "copy.prr"
    review_doc.save_copy(target)
    with open_store(target) as store:
        assert store.load().meta.milestone == "copied"
    assert not list(tmp_path.glob(".copy.prr.*"))  # no temporary left behind


def test_same_file_cannot_be_opened_twice(prr_file):
    with open_store(prr_file):
        with pytest.raises(PrrError, match="already open"):
            open_store(prr_file)


def _other_app_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes(body) VALUES ('hello')")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "kind, message",
    [
        ("random", "not an SQLite database"),
        ("empty", "empty file"),
        ("other_app", "another application"),
        ("truncated", "truncated"),
        ("corrupt", "damaged"),
        ("text", "not an SQLite database"),
    ],
)
def test_non_reviews_are_refused_untouched(tmp_path, prr_file, kind, message):
    path = tmp_path / "x.prr"
    if kind == "random":
        path.write_bytes(os.urandom(8192))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "other_app":
        _other_app_db(path)
    elif kind == "truncated":
        data = prr_file.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "corrupt":
        data = bytearray(prr_file.read_bytes())
        for i in range(4096 + 16, len(data), 997):  # scribble over every page but the header
            data[i] = (data[i] + 101) % 256
        path.write_bytes(bytes(data))
    elif kind == "text":
        path.write_text("format: prr-review\n")
    before = digest(path)
    with pytest.raises(NotAReviewError, match=message):
        open_store(path)
    assert digest(path) == before
    assert not Path(str(path) + "-journal").exists()


def test_newer_version_is_refused_untouched(prr_file):
    con = sqlite3.connect(prr_file)
    con.execute(f"PRAGMA user_version={CURRENT_VERSION + 1}")
    con.close()
    before = digest(prr_file)
    with pytest.raises(NewerVersionError, match="newer PRR Workbench"):
        open_store(prr_file)
    assert digest(prr_file) == before


def test_sqlite_readonly_flag_makes_store_refuse_writes(prr_file):
    # header byte 18 = 3 makes SQLite itself treat the file as read-only (works as root too)
    data = bytearray(prr_file.read_bytes())
    data[18] = 3
    prr_file.write_bytes(bytes(data))
    store = open_store(prr_file, readonly=True)
    try:
        review = store.load()
        assert review.meta.system_name == "Acme Web Shop"
        with pytest.raises(PrrError, match="read-only"):
            store.save(review)
    finally:
        store.close()


@pytest.mark.parametrize("version", RELEASED_VERSIONS)
def test_every_released_schema_version_opens(tmp_path, version):
    fixture = FIXTURES / f"schema_v{version}.prr"
    expected = (FIXTURES / f"schema_v{version}.json").read_text(encoding="utf-8")
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    with open_store(path) as store:
        assert dumps(store.load()) == expected
        # read as it is: an old file is upgraded only by a write (with its backup beside it)
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA user_version").fetchone()[0] == version
        con.close()

        def rename(r):
            r.meta.system_name += " (upgraded)"

        store.edit(rename)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
    con.close()
    if version < CURRENT_VERSION:
        def rows(p):
            c = sqlite3.connect(p)
            try:
                return list(c.iterdump())
            finally:
                c.close()

        assert rows(path.with_name(f"{path.name}.v{version}.bak")) == rows(fixture)  # the file as it was


def test_frozen_ddl_matches_table_models(tmp_path):
    path = tmp_path / "new.prr"
    create_store(path, Review()).close()
    con = sqlite3.connect(path)
    for t in TABLES:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({t.__tablename__})")]
        assert cols == [c.name for c in t.__table__.columns], t.__tablename__
    con.close()


def test_create_refuses_to_overwrite(prr_file):
    with pytest.raises(PrrError, match="already exists"):
        create_store(prr_file, Review())


WRITER = textwrap.dedent(
    """
    import sys
    from prr_app.model.entities import Component, Review
    from prr_app.review.document import ReviewDocument
    doc = ReviewDocument.open(sys.argv[1])
    gen = 0
    print("ready", flush=True)
    while True:
        gen += 1
        r = doc.review
        r.meta.milestone = f"gen-{gen}"
        for cid, c in r.components.items():
            c.notes = f"gen-{gen}"
        if gen % 3 == 0:
            for i in range(200):
                r.components[f"extra-{i}"] = Component(f"extra-{i}", notes=f"gen-{gen}")
        else:
            for i in range(200):
                r.components.pop(f"extra-{i}", None)
        doc.save()
    """
)


def test_sigkill_during_writes_leaves_before_or_after(tmp_path):
    path = tmp_path / "big.prr"
    review = Review()
    review.meta.milestone = "gen-0"
    for i in range(3000):
        review.components[f"c{i:05d}"] = Component(f"c{i:05d}", name=f"Component {i}", notes="gen-0")
    create_store(path, review).close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    for attempt in range(8):
        proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.15 + 0.11 * attempt)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(path) as store:
            r = store.load()
        gen = r.meta.milestone
        notes = {c.notes for c in r.components.values()}
        assert notes == {gen}, f"attempt {attempt}: torn write {gen} vs {sorted(notes)[:3]}"


def _filled(cls, ident: str):
    """An instance of model dataclass ``cls`` with every field set to a non-default value."""
    import dataclasses
    import typing

    from prr_app.model import entities as M

    hints = typing.get_type_hints(cls, vars(M))
    values = {}
    for f in dataclasses.fields(cls):
        t = hints[f.name]
        text = str(t)
        if f.name in ("id", "item", "source", "target", "element"):
            values[f.name] = ident
        elif dataclasses.is_dataclass(t):
            values[f.name] = _filled(t, ident)
        elif "Acceptance" in text:
            values[f.name] = _filled(M.Acceptance, ident)
        elif "AnswerChange" in text:
            values[f.name] = [_filled(M.AnswerChange, ident)]
        elif "RiskChange" in text:
            values[f.name] = [_filled(M.RiskChange, ident)]
        elif t is bool or "bool" in text:
            values[f.name] = True
        elif "dict" in text:
            values[f.name] = {"k": [1, "two"]}
        elif "list" in text:
            values[f.name] = [f"{f.name}-1", f"{f.name}-2"]
        elif "float" in text:
            values[f.name] = 42.5
        elif "int" in text:
            values[f.name] = 3
        else:
            values[f.name] = f"{f.name} value"
    return cls(**values)


def test_every_model_field_survives_the_prr_file(tmp_path):
    """A field added to the model but not to the tables would be silently dropped on save."""
    from prr_app.model import entities as M

    r = Review(meta=_filled(M.ReviewMeta, "meta"))
    r.components["c"] = _filled(M.Component, "c")
    r.dependencies["c->c"] = _filled(M.Dependency, "c")
    r.groups["g"] = _filled(M.RedundancyGroup, "g")
    r.domains["d"] = _filled(M.FailureDomain, "d")
    r.journeys["j"] = _filled(M.Journey, "j")
    r.answers["a"] = _filled(M.ChecklistAnswer, "a")
    r.risks["r"] = _filled(M.Risk, "r")
    r.mitigations["m"] = _filled(M.Mitigation, "m")
    r.mitigations["m"].risks = ["r"]
    r.layout["c"] = M.Position(1.5, 2.5)
    r.imports["i"] = _filled(M.ImportRecord, "i")
    create_store(tmp_path / "all.prr", r).close()
    store = open_store(tmp_path / "all.prr")
    try:
        assert store.load() == r
    finally:
        store.close()


def test_a_read_for_a_look_leaves_out_milestones_and_import_reports_and_analyses_the_same(tmp_path):
    """``prr analyze`` of an imported 10,000-component review took twice its JSON's time: the
    import record's report (every element with its evidence, and what was imported) was read,
    checked and kept, ~150,000 containers. A read that never writes back leaves the reports and the
    milestones out; everything else, and the analysis, is as a full read gives it."""
    import csv

    from prr_app.importers.registry import import_paths
    from prr_app.review.assess import assess
    from prr_app.review.document import ReviewSource
    from prr_app.review.milestones import take

    src = tmp_path / "edges.csv"
    with src.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "target", "kind"])
        for i in range(40):
            w.writerow([f"svc-{i}", f"svc-{(i * 7 + 3) % 40}", "hard"])
    review = import_paths([src]).review
    take(review, "design review")
    path = tmp_path / "imported.prr"
    create_store(path, review).close()

    full = ReviewSource(path).load()
    lean = ReviewSource(path).load(milestones=False)
    assert full.milestones and full.imports and all(r.report for r in full.imports.values())
    # of each report, only the calls the import inferred with the reviewer's decisions on them: which
    # calls are guesses no reviewer confirmed, as the summary and the report say (a CSV infers none)
    assert lean.milestones == {} and [r.report for r in lean.imports.values()] == \
        [{"inferred": r.report.get("inferred")} for r in full.imports.values()]
    for rec in full.imports.values():
        lean_rec = lean.imports[rec.id]
        assert (lean_rec.at, lean_rec.format, lean_rec.sources, lean_rec.summary) == \
            (rec.at, rec.format, rec.sources, rec.summary)
    assert lean.components == full.components and lean.dependencies == full.dependencies
    assert assess(lean).json_document() == assess(full).json_document()
    # the file is as it was, and opens writable with its reports
    store = open_store(path)
    try:
        assert store.load().imports == full.imports
    finally:
        store.close()


def test_a_read_for_a_look_keeps_the_inferred_calls_and_their_decisions(tmp_path):
    """The summary and the report say which calls are an import's guesses that no reviewer confirmed:
    a read for a look keeps each import report's inferred calls, with the decisions, and nothing else
    of it (SQLite picks them out: the rest of the report is never parsed)."""
    from prr_app.model.entities import Component, Dependency, ImportRecord, Review
    from prr_app.review.document import ReviewSource

    review = Review()
    for c in ("a", "b", "c"):
        review.add(Component(id=c))
    review.add(Dependency("a", "b"))
    review.add(Dependency("b", "c"))
    inferred = [{"id": "a->b", "confidence": "weak", "decision": "accepted"},
                {"id": "b->c", "confidence": "strong", "decision": ""}]
    review.imports["i1"] = ImportRecord(id="i1", at="2026-12-01T10:00:00Z", format="repository", sources=["repo"],
                                        summary="2 components",
                                        report={"inferred": inferred, "components": {"a": ["huge evidence"]}})
    path = tmp_path / "r.prr"
    create_store(path, review).close()
    lean = ReviewSource(path).load(milestones=False)
    assert lean.imports["i1"].report == {"inferred": inferred}
    rec, items = lean.inferred_calls()
    assert rec.id == "i1" and items == inferred
