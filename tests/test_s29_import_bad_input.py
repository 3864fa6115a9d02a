"""Session 29: bad and messy input to ``prr import`` (the x-bad report). A folder that holds a review JSON
is imported as that review whole, never taken apart for its components; an empty path is refused; the
messages name the real problem (a missing pod template, a refused tag, a broken compose override, a
missing ``!include``); a duplicate DSL identifier and an edge list with no edge are refused. Each
failure: exit 2, one line naming the file, nothing written."""
import json
import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parents[1]
WEBSHOP = ROOT / "resources" / "examples" / "webshop.json"


def _fail(capsys, argv, *words):
    """Run ``prr`` expecting bad input: exit 2, one line on stderr holding ``words``; that line."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


# ------------------------------------------------------------------ 1. a folder holding a review JSON
def test_a_folder_whose_review_is_a_json_is_imported_as_that_review_whole(tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(WEBSHOP, repo / "review.json")
    folder, single = tmp_path / "folder.prr", tmp_path / "file.prr"
    assert main(["import", str(repo), "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    assert main(["import", str(repo / "review.json"), "-o", str(single), "--quiet"]) == 0
    a, b = load_review(folder), load_review(single)
    # everything the reviewer wrote: system, tier, reviewers, journeys, answers, risks and mitigations
    assert a.meta.system_name == b.meta.system_name == json.loads(WEBSHOP.read_text())["review"]["system_name"]
    assert a.meta.tier == b.meta.tier is not None
    assert a.meta.reviewers == b.meta.reviewers and a.meta.reviewers
    assert a.journeys.keys() == b.journeys.keys() and a.journeys
    assert a.answers.keys() == b.answers.keys() and a.answers
    assert a.risks.keys() == b.risks.keys() and a.risks
    assert a.components.keys() == b.components.keys()
    # and the report says what happened, truly: no "repository: 0 components" beside "read as written"
    assert out.startswith("json: read as written, nothing inferred")
    assert "imported whole" in out and "repository:" not in out


def test_several_review_jsons_in_a_folder_are_refused_naming_them(tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(WEBSHOP, repo / "a.json")
    shutil.copy(WEBSHOP, repo / "b.json")
    out = tmp_path / "x.prr"
    _fail(capsys, ["import", str(repo), "-o", str(out)], "2 review JSONs", "a.json", "b.json", str(repo))
    assert not out.exists()


def test_a_review_json_beside_deployment_files_is_said_not_dropped_in_silence(tmp_path):
    repo = tmp_path / "repo"
    (repo / "k8s").mkdir(parents=True)
    shutil.copy(WEBSHOP, repo / "review.json")
    (repo / "k8s" / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"
        "  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n")
    res = import_paths([repo])
    assert list(res.review.components) == ["web"]
    said = [w for w in res.report.warnings if w.startswith("review.json: a review JSON")]
    assert len(said) == 1 and "--into" in said[0]
    assert not any("review.json" in s for s in res.report.skipped)


# ------------------------------------------------------------------ 2. an empty path
def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path, capsys, monkeypatch):
    shutil.copy(WEBSHOP, tmp_path / "review.json")
    monkeypatch.chdir(tmp_path)
    _fail(capsys, ["import", "", "-o", "x.prr"], "empty")
    assert not (tmp_path / "x.prr").exists()
    with pytest.raises(PrrError, match="empty"):
        import_paths([""])


# ------------------------------------------------------------------ 3. messages that name the problem
def test_a_deployment_without_a_pod_template_is_named(tmp_path, capsys):
    f = tmp_path / "dep.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n")
    _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], str(f), "Deployment web: no pod template")
    assert not (tmp_path / "x.prr").exists()


def test_a_tagged_name_is_said_refused_with_its_line(tmp_path, capsys):
    f = tmp_path / "dep.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: !!python/object/apply:os.system "
                 "[\"true\"]\nspec:\n  replicas: 2\n")
    err = _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], "dep.yaml:4",
                "!!python/object/apply:os.system", "refused")
    assert "no Kubernetes objects (apiVersion/kind) found" not in err
    assert not (tmp_path / "x.prr").exists()


def test_a_broken_compose_override_is_the_error_itself(tmp_path, capsys):
    c = tmp_path / "c"
    c.mkdir()
    (c / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (c / "compose.override.yaml").write_text("services:\n\tbad\n")
    err = _fail(capsys, ["import", str(c), "-o", str(tmp_path / "x.prr")], "compose.override.yaml", "line 2",
                "invalid YAML")
    assert "nothing that describes a deployment" not in err
    assert not (tmp_path / "x.prr").exists()


@pytest.mark.parametrize("text", ["workspace {\n  !include nothere.dsl\n  model {\n  }\n}\n",
                                  "workspace extends nothere.dsl {\n  model { }\n}\n"])
def test_a_workspace_whose_model_is_in_a_missing_file_names_it(tmp_path, capsys, text):
    f = tmp_path / "w.dsl"
    f.write_text(text)
    _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], "nothere.dsl not found", "w.dsl")
    assert not (tmp_path / "x.prr").exists()


# ------------------------------------------------------------------ 4. refused, not imported in silence
def test_a_dsl_identifier_defined_twice_is_refused_naming_both_lines(tmp_path, capsys):
    f = tmp_path / "dup.dsl"
    f.write_text('workspace {\n  model {\n    s = softwareSystem "Shop" {\n      web = container "Web"\n'
                 '      web = container "Web2"\n    }\n  }\n}\n')
    _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], "line 5", "dup.dsl:4", "web")
    assert not (tmp_path / "x.prr").exists()


def test_hierarchical_identifiers_may_repeat_under_different_parents(tmp_path):
    f = tmp_path / "h.dsl"
    f.write_text('workspace {\n  !identifiers hierarchical\n  model {\n    a = softwareSystem "A" {\n'
                 '      web = container "Web A"\n    }\n    b = softwareSystem "B" {\n'
                 '      web = container "Web B"\n    }\n  }\n}\n')
    res = import_paths([f])
    assert len(res.review.components) == 2


@pytest.mark.parametrize("text, why", [("source,target,kind\n", "holds its header and no rows"),
                                       ("source,target\nweb,web\n", "web calls itself")])
def test_an_edge_list_with_no_edge_is_refused(tmp_path, capsys, text, why):
    f = tmp_path / "e.csv"
    f.write_text(text)
    _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], str(f), "no edges", why)
    assert not (tmp_path / "x.prr").exists()


def test_an_empty_edge_list_beside_a_good_one_is_a_warning(tmp_path):
    (tmp_path / "a.csv").write_text("source,target\nweb,api\n")
    (tmp_path / "b.csv").write_text("source,target\n")
    res = import_paths([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert list(res.review.dependencies) == ["web->api"]
    assert any("b.csv: no edges" in w for w in res.report.warnings)


# ------------------------------------------------------------------ 5. UTF-16 named
def test_a_utf16_review_json_is_named_utf16(tmp_path, capsys):
    f = tmp_path / "r.json"
    f.write_bytes(WEBSHOP.read_text(encoding="utf-8").encode("utf-16"))
    _fail(capsys, ["import", str(f), "-o", str(tmp_path / "x.prr")], "UTF-16", str(f))
    assert not (tmp_path / "x.prr").exists()
