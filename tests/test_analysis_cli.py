"""``prr analyze``: readable summary, JSON validated by the schema, determinism, bad input."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import orjson
import pytest

from conftest import EXAMPLES, ROOT, REALDATA
from prr_app.cli import analyze_commands
from prr_app.cli.main import main
from prr_app.review.assess import assess
from prr_app.review.document import load_review

SCHEMA = json.loads((ROOT / "schemas" / "analysis.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _json(capsys, *args):
    assert main(["analyze", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", ["webshop.json", "platform.json"])
@pytest.mark.parametrize("detail", [False, True])
def test_json_output_validates(capsys, name, detail):
    args = [str(EXAMPLES / name)] + (["--detail"] if detail else [])
    data = _json(capsys, *args)
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [(list(e.path), e.message) for e in errors[:5]]
    for key in ("spofs", "failure_domains", "availability", "cascading", "risks", "verdict", "assumptions",
                "blast_radius"):
        assert key in data
    for s in data["spofs"]:
        if s["element_type"] == "instance":  # refers to its component's entry, just before it
            assert any(c["element"] == s["component"] and c["element_type"] == "component" for c in data["spofs"])
            continue
        assert s["user_facing_down"] == sorted(s["user_facing_down"]) and s["down_count"] >= len(s["user_facing_down"])
    comps = json.loads((EXAMPLES / name).read_text())["components"]
    assert set(data["blast_radius"]) == {c["id"] for c in comps}
    if detail:
        assert all("down" in b for b in data["blast_radius"].values())
        assert all("down" in f for f in data["failure_domains"])
    else:
        assert all("down" not in b for b in data["blast_radius"].values())
        assert all("down" not in f for f in data["failure_domains"]) and "cycles" not in data


def test_bad_output_fails_the_schema(capsys):
    data = _json(capsys, str(EXAMPLES / "webshop.json"))
    data["verdict"]["verdict"] = "maybe"
    assert not VALIDATOR.is_valid(data)
    data = _json(capsys, str(EXAMPLES / "webshop.json"))
    data["risks"][0]["likelihood"] = 7
    assert not VALIDATOR.is_valid(data)


def test_same_seed_same_output(capsys):
    a = _json(capsys, str(EXAMPLES / "platform.json"), "--seed", "7")
    b = _json(capsys, str(EXAMPLES / "platform.json"), "--seed", "7")
    assert a == b


def test_readable_summary(capsys):
    assert main(["analyze", str(EXAMPLES / "webshop.json")]) == 0
    out = capsys.readouterr().out
    assert "VERDICT: NOT-READY" in out
    assert "SINGLE POINTS OF FAILURE" in out and "cart-db" in out
    assert "AVAILABILITY" in out and "NOT ATTAINABLE" in out
    assert "TOP RISKS" in out and "mitigation:" in out
    assert "ASSUMPTIONS" in out


def test_prr_file_input(capsys, prr_file):
    data = _json(capsys, str(prr_file))
    assert VALIDATOR.is_valid(data)


def test_bad_input_is_one_line_exit_2(capsys, tmp_path):
    assert main(["analyze", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "prr-review", "version": 1, "components": [{"id": "a"}], '
                   '"dependencies": [{"source": "a", "target": "ghost"}]}')
    before = bad.read_bytes()
    assert main(["analyze", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad.json" in captured.err and captured.err.count("\n") == 1
    assert bad.read_bytes() == before


def test_subprocess_json_is_one_document():
    proc = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "analyze", str(EXAMPLES / "webshop.json"), "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert VALIDATOR.is_valid(json.loads(proc.stdout))


@pytest.mark.skipif(not (REALDATA / "online-boutique" / "derived-edges.csv").exists(), reason="no real data")
def test_online_boutique_after_csv_import(capsys, tmp_path):
    out = tmp_path / "boutique.prr"
    assert main(["import", str(REALDATA / "online-boutique" / "derived-edges.csv"), "--format", "csv",
                 "-o", str(out), "--quiet"]) == 0
    capsys.readouterr()
    data = _json(capsys, str(out), "--detail")
    assert VALIDATOR.is_valid(data)
    redis = [s for s in data["spofs"] if s["element"] == "redis-cart" and s["element_type"] == "component"]
    down = data["blast_radius"]["redis-cart"]["down"]
    assert redis and {"cartservice", "checkoutservice", "frontend"} <= set(down["components"])


@pytest.mark.parametrize("name", ["webshop.json", "platform.json"])
@pytest.mark.parametrize("detail", [False, True])
@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_the_document_written_in_parts_is_to_json_byte_for_byte(monkeypatch, name, detail, chunk):
    """``prr analyze --json`` writes the document a thousand elements at a time (never holding the
    390 MB of a 100,000-component review's JSON): the bytes are Analysis.to_json()'s, whatever the
    lists' sizes against the chunk (empty, one, exact multiples)."""
    monkeypatch.setattr(analyze_commands, "_CHUNK", chunk)
    result = assess(load_review(EXAMPLES / name), detail=detail)
    doc = result.to_dict()
    doc["empty_list"], doc["empty_dict"] = [], {}
    doc["sizes"] = {str(k): list(range(k)) for k in range(7)}
    buf = io.BytesIO()
    analyze_commands.write_document(doc, buf)
    assert buf.getvalue() == orjson.dumps(doc)
    for document in (result.to_dict(), result.json_document()):  # the command writes the second
        buf = io.BytesIO()
        analyze_commands.write_document(document, buf)
        assert buf.getvalue() == result.to_json()
