"""Imports that leave things unstated say so downstream (issues 17 and 22):
the tier an import cannot know is left unstated, and an import with few dependencies is
said in the import summary, in `prr analyze` (text and JSON) and on the PDF's cover, and
never reads as ready."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.analysis.coverage import few_dependencies
from prr_app.cli.main import main
from prr_app.importers.registry import import_paths
from prr_app.review.document import load_review
from test_import_fuzz import SEEDS

FEW = "services:\n  web: {image: nginx, ports: ['80:80']}\n  api: {image: example/api}\n" \
      "  db: {image: 'postgres:16'}\n  cache: {image: 'redis:7'}\n"


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_every_importer_leaves_the_review_tier_unstated(tmp_path, fmt, capsys):
    name, text = SEEDS[fmt]
    src = tmp_path / name
    src.write_text(text)
    res = import_paths([src], fmt)
    assert res.review.meta.tier is None
    # a component's tier is stated only where the files say it (a Backstage lifecycle)
    stated = {cid: c.tier for cid, c in res.review.components.items() if c.tier is not None}
    assert all(t == 3 for t in stated.values()) and (not stated or fmt == "backstage")
    # the review JSON written says so (null), and the verdict states the assumption
    out = tmp_path / "r.json"
    assert main(["import", str(src), "--format", fmt, "-o", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text())["review"]["tier"] is None
    capsys.readouterr()
    assert main(["analyze", str(out), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)["verdict"]
    assert any(a.startswith("The service tier is not stated") for a in verdict["assumptions"])


def test_a_folder_import_leaves_the_tier_unstated(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(FEW)
    assert import_paths([tmp_path]).review.meta.tier is None


def test_few_dependencies_said_by_every_format_import(tmp_path):
    f = tmp_path / "compose.yaml"
    f.write_text(FEW)
    res = import_paths([f])
    assert res.report.warnings[0].startswith("few dependencies: 0 for 4 components")
    assert "FEW DEPENDENCIES" in res.report.summary()
    rec = next(iter(res.review.imports.values()))
    assert "FEW DEPENDENCIES" in rec.summary and rec.report["warnings"][0].startswith("few dependencies")
    # enough dependencies: nothing said
    # (two for four components: one would still be fewer than one for every three)
    f.write_text(FEW.replace("image: example/api}", "image: example/api, environment: [DB_HOST=db, CACHE_HOST=cache]}"))
    assert not any(w.startswith("few dependencies") for w in import_paths([f]).report.warnings)


def test_few_dependencies_in_analyze_text_and_json_and_never_ready(tmp_path, capsys):
    f = tmp_path / "compose.yaml"
    f.write_text(FEW)
    review = tmp_path / "r.prr"
    assert main(["import", str(f), "-o", str(review), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(review), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    few = [a for a in doc["assumptions"] if a["id"] == "few-dependencies"]
    assert len(few) == 1 and few[0]["dependencies"] == 0 and few[0]["components"] == 4
    assert few[0]["elements"] == ["api", "cache", "db", "web"] and few[0]["count"] == 4  # those with no dependency
    assert doc["verdict"]["verdict"] == "not-ready"
    assert any(c.startswith("Too few dependencies are known (0 for 4 components)") for c in doc["verdict"]["causes"])
    assert any(a.startswith("Few dependencies: 0 for 4 components") for a in doc["verdict"]["assumptions"])
    assert main(["analyze", str(review)]) == 0
    text = capsys.readouterr().out
    assert "VERDICT: NOT-READY" in text and "Too few dependencies are known" in text
    assert "few dependencies: 0 for 4 components" in text.split("ASSUMPTIONS")[1]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_few_dependencies_on_the_pdf_cover(tmp_path, capsys):
    f = tmp_path / "compose.yaml"
    f.write_text(FEW)
    review, pdf = tmp_path / "r.prr", tmp_path / "r.pdf"
    assert main(["import", str(f), "-o", str(review), "--quiet"]) == 0
    assert main(["report", str(review), "-o", str(pdf)]) == 0
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "2", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    flat = " ".join(first.split())
    assert "Too few dependencies are known (0 for 4 components)" in flat
    assert "Few dependencies: 0 for 4 components" in flat
    assert "The service tier is not stated" in flat


def test_a_well_connected_review_states_no_such_assumption(tmp_path, capsys):
    from prr_app.analysis.engine import analyze

    f = tmp_path / "compose.yaml"
    f.write_text("services:\n  web: {image: nginx, environment: [API=http://api:80]}\n"
                 "  api: {image: x, environment: [DB_HOST=db]}\n  db: {image: 'postgres:16'}\n")
    a = analyze(import_paths([f]).review, checklist=None)
    assert not any(x["id"] == "few-dependencies" for x in a.assumptions)
    assert not any("Too few dependencies" in c for c in a.verdict["causes"])


@pytest.mark.parametrize("n,deps,few", [(0, 0, False), (1, 0, False), (2, 0, False), (3, 0, True), (3, 1, False),
                                        (6, 1, True), (6, 2, False), (30, 9, True), (30, 10, False),
                                        (13, 4, True), (13, 5, False), (4, 1, True), (5, 2, False)])
def test_the_one_rule_for_few_dependencies(n, deps, few):
    assert few_dependencies(n, deps) is few
