"""The document ``prr analyze --json`` prints obeys schemas/analysis.schema.json, on random reviews too,
and stays linear: counts per SPOF and failure domain, full sets only with --detail, once each."""
from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_oracle import oracle, reviews
from conftest import ROOT
from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.model.entities import Component, FailureDomain, Journey, Review
from prr_app.interchange.json_io import write_json

SCHEMA = json.loads((ROOT / "schemas" / "analysis.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def prr_analyze_json(review: Review, *args: str) -> dict:
    """``prr analyze FILE --json ARGS`` on ``review`` written to a file: the document it prints."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.json"
        write_json(review, path)
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        was = sys.stdout
        sys.stdout = out
        try:
            code = main(["analyze", str(path), "--json", *args])
        finally:
            sys.stdout = was
        out.flush()
        assert code == 0
        return json.loads(out.buffer.getvalue())


def _errors(doc: dict) -> list:
    return [(list(e.path), e.message) for e in sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))[:5]]


@SETTINGS
@given(reviews(max_components=8), st.booleans())
def test_every_document_of_prr_analyze_validates(review, detail):
    doc = prr_analyze_json(review, *(["--detail"] if detail else []))
    assert not _errors(doc)
    assert doc["detail"] is detail
    for s in doc["spofs"]:
        assert "down" not in s and "degraded" not in s  # the sets are the component's or domain's, once
    if detail:
        for cid, b in doc["blast_radius"].items():
            down = set(b["down"]["components"])
            for k in b["down"]["cycles"]:
                assert not down & set(doc["cycles"][k])
                down |= set(doc["cycles"][k])
            assert len(down) == b["down_count"]
            assert down == oracle(review, components=[cid])[0]


@SETTINGS
@given(reviews(max_components=8))
def test_documents_made_in_process_validate_and_are_plain_json(review):
    a = analyze(review, detail=True)
    doc = a.to_dict()
    assert json.loads(a.to_json()) == doc
    assert not _errors(doc)


def test_a_document_that_breaks_the_schema_is_caught():
    r = Review()
    r.add(Component(id="web", user_facing=True))
    doc = analyze(r).to_dict()
    assert not _errors(doc)
    doc["spofs"][0]["down"] = ["web"]  # the full lists are not in the default document
    assert _errors(doc)
    doc = analyze(r).to_dict()
    doc["cycles"] = []  # only with --detail
    assert _errors(doc)


def test_instances_lost_lists_only_components_with_an_instance_there():
    r = Review()
    for z in ("z1", "z2"):
        r.add(FailureDomain(id=z, kind="zone"))
    r.add(Component(id="web", user_facing=True, replicas=1, placement=["z1", "z2"]))
    doc = analyze(r).to_dict()
    lost = {f["domain"]: f["instances_lost"] for f in doc["failure_domains"]}
    assert lost == {"z1": {"web": 1}, "z2": {}}
    assert not _errors(doc)


def test_a_journey_without_entries_is_named_and_not_analysed():
    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Journey(id="browse", entry=[], slo=99.9))
    a = analyze(r)
    assert [x["target"] for x in a.availability] == ["web"]
    reason = next(x for x in a.assumptions if x["id"] == "journey-without-entries")
    assert reason["elements"] == ("browse",) and "not analysed" in reason["text"]
    assert not any(x["id"] == "journey-slo-missing" for x in a.assumptions)
    assert not _errors(a.to_dict())


def test_user_facing_hits_are_counted_and_the_first_named():
    r = Review()
    r.add(Component(id="db"))
    from prr_app.model.entities import Dependency

    for i in range(30):
        r.add(Component(id=f"web{i:02d}", user_facing=True))
        r.add(Dependency(f"web{i:02d}", "db"))
    a = analyze(r)
    db = next(s for s in a.spofs if s["element"] == "db")
    assert db["user_facing_down_count"] == 30 and db["down_count"] == 31
    assert db["user_facing_down"] == tuple(f"web{i:02d}" for i in range(5))
    assert not _errors(a.to_dict())
