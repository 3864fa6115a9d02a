"""Backstage Location entities: the usual entry point of a catalog, followed to local files."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.registry import import_paths


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def entity(kind: str, name: str, spec: str = "type: service\n  owner: team-a") -> str:
    return f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  {spec}\n"


def test_a_location_is_followed_to_its_targets_and_globs(tmp_path):
    root = write(tmp_path / "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\n"
                 "metadata:\n  name: root\nspec:\n  targets:\n    - ./services/*.yaml\n    - ./nested.yaml\n")
    write(tmp_path / "services" / "api.yaml",
          entity("Component", "api", "type: service\n  owner: team-a\n  dependsOn: [resource:db]"))
    write(tmp_path / "services" / "db.yaml", entity("Resource", "db", "type: database\n  owner: team-a"))
    # a Location can point at another Location; a loop back to the root is read once
    write(tmp_path / "nested.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: nested\n"
          "spec:\n  targets: [./more/worker.yaml, ./catalog-info.yaml]\n")
    write(tmp_path / "more" / "worker.yaml",
          entity("Component", "worker", "type: service\n  owner: team-a\n  dependsOn: [component:api]"))
    res = import_paths([root])
    r = res.review
    assert set(r.components) == {"component:api", "resource:db", "component:worker"}
    edges = {(d.source, d.target) for d in r.dependencies.values()}
    assert edges == {("component:api", "resource:db"), ("component:worker", "component:api")}
    assert any("follows ./services/*.yaml (2 files)" in line for line in res.report.read)


def test_url_targets_are_not_fetched_and_missing_files_are_reported(tmp_path):
    root = write(tmp_path / "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\n"
                 "metadata:\n  name: root\nspec:\n  targets:\n"
                 "    - https://github.com/example/repo/blob/main/catalog-info.yaml\n"
                 "    - ./gone.yaml\n    - ./here.yaml\n")
    write(tmp_path / "here.yaml", entity("Component", "here"))
    res = import_paths([root])
    assert set(res.review.components) == {"component:here"}
    assert any("is a URL; not fetched" in s for s in res.report.skipped)
    assert any("./gone.yaml is not a file" in d for d in res.report.dangling)
