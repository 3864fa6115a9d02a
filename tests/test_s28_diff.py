"""Session 28: a re-import reads the variant the review came from; evidence that only moved is no
change of the model; the diff has a checklist part (prr diff, its --json, the report's "Changes since")."""
from __future__ import annotations

import copy
import dataclasses
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from prr_app.cli.main import main
from prr_app.importers.merge import MISSING_EVIDENCE
from prr_app.interchange.json_io import read_review_json
from prr_app.model.entities import ImportRecord
from prr_app.reporting import changes as C
from prr_app.review import diff as D
from prr_app.review import importing as I
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
OB = REALDATA / "online-boutique-repo"
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())
TODAY = "2026-06-01"


def _webshop():
    return read_review_json(ROOT / "resources" / "examples" / "webshop.json")


def _moved(lines: list[str], by: int = 7) -> list[str]:
    """The same evidence lines, as a re-import gives them after an edit above them."""
    return [re.sub(r":(\d+): ", lambda m: f":{int(m.group(1)) + by}: ", e) for e in lines]


# ------------------------------------------------------------------ 1. the variant a re-import reads
def _trimmed_checkout(tmp_path: Path) -> Path:
    """online-boutique with emailservice and loadgenerator gone from release/ and checkoutservice at
    3 replicas: the rule would now pick kustomize (more services there)."""
    dst = tmp_path / "ob"
    shutil.copytree(OB, dst)
    f = dst / "release" / "kubernetes-manifests.yaml"
    docs = f.read_text().split("\n---\n")
    keep = [d for d in docs if not re.search(r"^  name: (emailservice|loadgenerator)$", d, re.M)]
    keep = [re.sub(r"(kind: Deployment\nmetadata:\n  name: checkoutservice\n(?:.*\n)*?spec:\n)", r"\1  replicas: 3\n", d)
            for d in keep]
    f.write_text("\n---\n".join(keep))
    return dst


@pytest.fixture(scope="module")
def ob_review(tmp_path_factory):
    if not OB.exists():
        pytest.skip("shared/realdata is not beside the repository")
    tmp = tmp_path_factory.mktemp("ob")
    out = tmp / "ob.prr"
    I.import_and_write([OB], output=out)
    return tmp, out, _trimmed_checkout(tmp)


def test_a_reimport_into_reads_the_variant_the_review_came_from(ob_review):
    tmp, prr, trimmed = ob_review
    assert I.earlier_variant(load_review(prr)) == {"read": ["release"], "pass": "release"}
    res = I.import_and_write([trimmed], into=prr, dry_run=True)
    assert I.variant_read(res) == {"read": ["release"], "pass": "release"}
    assert res.report.read[0] == ("the review was imported from release; this import reads release again "
                                  "(pass --variant to read another variant)")
    changes = "\n".join(res.report.changes)
    assert "component checkoutservice: replicas 1 -> 3" in changes
    assert "component emailservice: no longer in the source" in changes
    assert "component loadgenerator: no longer in the source" in changes
    # the new record keeps what it read, for the next re-import
    rec = res.review.newest_import("repository")
    assert rec.report["variant"] == {"read": ["release"], "pass": "release"}


def test_a_reimport_told_another_variant_says_so_in_one_line(ob_review, capsys):
    tmp, prr, trimmed = ob_review
    assert main(["import", str(trimmed), "--into", str(prr), "--dry-run", "--variant", "kustomize", "--summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "warning: the review was imported from release; this import reads kustomize, as --variant asks"


def test_a_variant_the_checkout_no_longer_has_is_said_and_the_rule_picks(ob_review):
    tmp, prr, trimmed = ob_review
    gone = tmp / "gone"
    shutil.copytree(trimmed, gone)
    shutil.rmtree(gone / "release")
    res = I.import_and_write([gone], into=prr, dry_run=True)
    assert res.report.warnings[0].startswith("the review was imported from release, which this checkout no "
                                             "longer has; this import reads kustomize")


def test_a_record_from_before_names_its_variant_in_its_warning():
    """Reviews imported before the record kept the variant: read back from the warning that named it."""
    review = _webshop()
    w = ("variants of one deployment: helm-chart [Helm chart], kustomize [Kustomize], release [Kubernetes "
         "manifests a.yaml]; imported release [Kubernetes manifests a.yaml] (the variant whose path ...)")
    review.imports["import-x"] = ImportRecord("import-x", "2026-01-01T00:00:00+00:00", "repository",
                                              report={"warnings": [w]})
    assert I.earlier_variant(review) == {"read": ["release"], "pass": "release"}
    # "." cannot be passed to --variant: known, not passed
    review.imports["import-x"].report["warnings"] = [w.replace("imported release", "imported .")]
    assert I.earlier_variant(review) == {"read": ["."], "pass": None}


def test_the_line_tells_what_to_pass_when_the_variant_could_not_be_kept(ob_review, monkeypatch):
    """A review whose variant cannot be passed again (several read at once) is not re-read with it:
    a re-import that reads another one says what to pass."""
    tmp, prr, trimmed = ob_review
    review = load_review(prr)
    monkeypatch.setattr(I, "earlier_variant", lambda r: {"read": ["release"], "pass": None})
    res = I.import_review([trimmed], into=review)
    assert res.report.warnings[0] == "the review was imported from release; this import reads kustomize"
    monkeypatch.setattr(I, "earlier_variant", lambda r: {"read": ["x", "y"], "pass": "release2"})
    res = I.import_review([trimmed], into=review, variant="kustomize")
    assert res.report.warnings[0] == "the review was imported from x, y; this import reads kustomize, as --variant asks"


# ------------------------------------------------------------------ 2. evidence is not the model
def _with_evidence():
    old = _webshop()
    new = copy.deepcopy(old)
    ids = sorted(old.dependencies)[:4]
    for i, did in enumerate(ids):
        old.dependencies[did].evidence = [f"k8s/app.yaml:{10 + i}: env DB_ADDR=x:1 (call)",
                                          f"src/main.go:{20 + i}: source reads DB_ADDR"]
        new.dependencies[did].evidence = _moved(old.dependencies[did].evidence)
    return old, new, ids


def test_evidence_that_only_moved_is_one_line_not_a_change():
    old, new, ids = _with_evidence()
    new.dependencies[ids[0]].fallback = "cached prices"  # a real change beside moved evidence
    new.dependencies[ids[1]].evidence = [*new.dependencies[ids[1]].evidence, f"{MISSING_EVIDENCE}not found"]
    new.dependencies[ids[2]].evidence = ["k8s/other.yaml:3: env DB=x (call)"]
    d = D.compare(old, new, today=TODAY)
    jsonschema.validate(d, SCHEMA)
    ch = d["model"]["dependencies"]["changed"]
    assert ch == [{"id": ids[0], "fields": [{"field": "fallback", "old": None, "new": "cached prices"}],
                   "evidence": "moved"}]
    assert d["model"]["evidence"] == {"dependencies": {"not_found": [ids[1]], "changed": [ids[2]],
                                                       "moved": sorted([ids[0], ids[3]])}}
    text = "\n".join(D.diff_lines(d))
    assert f"~ {ids[0]}: fallback (none) -> 'cached prices' (evidence refreshed too (lines moved))" in text
    assert "evidence of 2 dependencies refreshed (lines moved)" in text
    assert f"1 dependency no longer found by the latest import (flagged in the evidence, not deleted): {ids[1]}" in text
    assert "k8s/app.yaml" not in text and "src/main.go" not in text  # the lines themselves are not printed
    marks = D.element_marks(d)
    assert marks.get(ids[0]) == "changed" and marks.get(ids[1]) == "changed" and ids[3] not in marks
    md = "\n".join(C.markdown_sections(lambda s: s, changes=d))
    assert "evidence of 2 dependencies refreshed (lines moved)" in md
    assert "k8s/app.yaml" not in md
    assert C._summary_rows(d)[0] == ("Dependencies", "0 added, 0 removed, 1 changed")


def test_a_diff_of_moved_evidence_alone_says_only_that():
    old, new, _ids = _with_evidence()
    d = D.compare(old, new, today=TODAY)
    assert not D.is_empty(d)
    assert all(not d["model"][k]["changed"] for k, _ in D.COLLECTIONS)
    lines = D.diff_lines(d)
    assert "  evidence of 4 dependencies refreshed (lines moved)" in lines
    assert D.counts(d)["dependencies"] == 0 and D.counts(d)["evidence"] == 4


# ------------------------------------------------------------------ 3. the checklist part
def _replicas(ob_review):
    """The online-boutique import, and the same with checkoutservice at 3 replicas (the model decides
    svc.instances-spread@checkoutservice differently)."""
    old = load_review(ob_review[1])
    new = copy.deepcopy(old)
    cid = "checkoutservice"
    new.components[cid] = dataclasses.replace(new.components[cid], replicas=3)
    return old, new, cid


def test_the_diff_has_the_checklist_model_decided_answers_and_the_score(ob_review):
    old, new, cid = _replicas(ob_review)
    d = D.compare(old, new, today=TODAY)
    jsonschema.validate(d, SCHEMA)
    c = d["checklist"]
    va, vb = D.checklist_view(old), D.checklist_view(new)
    assert c["score"] == {"old": va["score"], "new": vb["score"]}
    moved = {k for k in vb["items"] if k in va["items"] and va["items"][k][0] != vb["items"][k][0]}
    assert "svc.instances-spread@checkoutservice" in moved and {x["key"] for x in c["answers"]["model"]} == moved
    assert c["score"]["old"] < c["score"]["new"]
    assert all(x["key"].endswith("@" + cid) or "@" not in x["key"] for x in c["answers"]["model"])
    assert c["answers"]["reviewer"] == []
    text = D.diff_lines(d)
    assert "Checklist" in text
    first = c["answers"]["model"][0]
    # in words, as `prr checklist` and the report say them (round 30: "not_met" was printed as stored)
    words = {k: first[k].replace("_", " ") for k in ("old", "new")}
    assert f"  ~ {first['key']}: {words['old']} -> {words['new']} (decided by the model)" in text
    md = "\n".join(C.markdown_sections(lambda s: s, changes=d))
    assert f"| Checklist item | changed | {first['key']} |" in md


def test_a_reviewers_answer_and_the_blockers_it_closes():
    old = _webshop()
    va = D.checklist_view(old)
    key = next(k for k, x in va["items"].items() if x[2] and x[0] == "unanswered")
    new = copy.deepcopy(old)
    from prr_app.model.entities import ChecklistAnswer

    new.answers[key] = ChecklistAnswer(key, "met", evidence="https://runbooks/x")
    d = D.compare(old, new, today=TODAY)
    jsonschema.validate(d, SCHEMA)
    c = d["checklist"]
    assert c["answers"]["reviewer"] == [{"key": key, "old": "unanswered", "new": "met"}]
    assert c["blockers"]["closed"] == [{"key": key, "old": "unanswered", "new": "met"}]
    assert c["answered"]["new"] == c["answered"]["old"] + 1
    assert f"  - blocker {key} no longer open: unanswered -> met" in D.diff_lines(d)


def test_the_same_review_has_no_checklist_change():
    r = _webshop()
    d = D.compare(r, copy.deepcopy(r), today=TODAY)
    assert D.is_empty(d) and not C.checklist_changed(d["checklist"])
    assert not D.checklist_lines(d["checklist"])


def test_prr_diff_json_has_the_checklist(tmp_path, capsys, ob_review):
    from prr_app.interchange.json_io import write_json

    old, new, _cid = _replicas(ob_review)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_json(old, a)
    write_json(new, b)
    assert main(["diff", str(a), str(b), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["checklist"]["answers"]["model"]


def test_a_reimport_says_refreshed_evidence_in_one_line():
    """A re-import of a checkout whose lines moved listed "dependency X: evidence refreshed" once per
    dependency, hiding the changes that matter; one line now names them after the rest."""
    from prr_app.importers.merge import Change, MergePlan

    p = MergePlan(changes=[Change("update", "dependencies", f"a->b{i}", "evidence", [], ["x:1"],
                                  text=f"dependency a->b{i}: evidence refreshed") for i in range(7)]
                  + [Change("update", "components", "b0", "replicas", 1, 3, text="component b0: replicas 1 -> 3")])
    assert p.lines() == ["component b0: replicas 1 -> 3",
                         "evidence refreshed on 7 dependencies: a->b0, a->b1, a->b2, a->b3, a->b4 and 2 more"]
