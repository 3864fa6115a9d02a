"""A component a re-import no longer finds stays in the review (flagged, never deleted), and the
analysis, the verdict and ``prr evidence`` say so: before, a service removed from the source was
still a launch blocker with nothing saying it was gone, and its evidence cited a file line that
now held another service."""
from __future__ import annotations

from prr_app.analysis import analyze
from prr_app.cli.main import main
from prr_app.importers.registry import import_paths
from prr_app.review.provenance import evidence_of

V1 = """\
services:
  web:
    image: example/web
    environment: {API_ADDR: "api:80", AD_ADDR: "ad:9555"}
  ad:
    image: example/ad
  api:
    image: example/api
"""
V2 = V1.replace('    environment: {API_ADDR: "api:80", AD_ADDR: "ad:9555"}\n  ad:\n    image: example/ad\n',
                '    environment: {API_ADDR: "api:80"}\n')


def _reimported(tmp_path):
    src = tmp_path / "compose.yaml"
    src.write_text(V1)
    first = import_paths([src]).review
    assert "ad" in first.components
    src.write_text(V2)
    return import_paths([src], into=first).review


def test_analysis_names_what_the_source_no_longer_has(tmp_path):
    review = _reimported(tmp_path)
    assert "missing-from-source" in review.components["ad"].tags
    result = analyze(review)
    gone = [a for a in result.assumptions if a["id"] == "missing-from-source"]
    assert gone and list(gone[0]["elements"]) == ["ad"]
    said = [line for line in result.verdict["assumptions"] if "no longer found" in line]
    assert said and "(ad)" in said[0] and "missing-from-source" in said[0]


def test_nothing_said_when_nothing_is_missing(tmp_path):
    src = tmp_path / "compose.yaml"
    src.write_text(V1)
    result = analyze(import_paths([src]).review)
    assert not [a for a in result.assumptions if a["id"] == "missing-from-source"]
    assert not [line for line in result.verdict["assumptions"] if "no longer found" in line]


def test_evidence_of_a_missing_component_says_its_lines_are_old(tmp_path, capsys):
    review = _reimported(tmp_path)
    _where, lines = evidence_of(review, "ad")
    assert lines[0].startswith("missing from source: not found in the import of ")
    assert "the lines below are the source as" in lines[0]
    assert any(line.startswith("compose.yaml:") for line in lines[1:])
    # a component still in the source has no such line
    _where, lines = evidence_of(review, "api")
    assert not any(line.startswith("missing from source") for line in lines)


def test_cli_evidence_of_a_missing_component(tmp_path, capsys):
    src = tmp_path / "compose.yaml"
    src.write_text(V1)
    prr = tmp_path / "r.prr"
    assert main(["import", str(src), "-o", str(prr), "--quiet"]) == 0
    src.write_text(V2)
    assert main(["import", str(src), "--into", str(prr), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["evidence", str(prr), "ad"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].strip().startswith("missing from source: not found in the import of")
