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


def test_the_whole_needs_its_parts_a_subcomponent_failure_degrades_the_whole(tmp_path):
    """Backstage's Wayback Archive: ingestion and storage are subcomponentOf the archive, which provides
    the API others consume. The part depended on the whole, so a failed storage subsystem harmed
    nothing; the whole, and what consumes its API, are degraded by it."""
    from prr_app.analysis import analyze

    write(tmp_path / "archive.yaml", entity("Component", "archive",
                                            "type: service\n  owner: team-a\n  providesApis: [archive-api]"))
    write(tmp_path / "storage.yaml", entity("Component", "storage",
                                            "type: service\n  owner: team-a\n  subcomponentOf: archive"))
    write(tmp_path / "search.yaml", entity("Component", "search",
                                           "type: website\n  owner: team-b\n  consumesApis: [archive-api]"))
    write(tmp_path / "api.yaml", entity("API", "archive-api", "type: openapi\n  owner: team-a\n  definition: x"))
    r = import_paths([tmp_path]).review
    ids = {c.split(":")[-1]: c for c in r.components}
    kinds = {(d.source, d.target): d.kind for d in r.dependencies.values()}
    assert kinds[(ids["archive"], ids["storage"])] == "soft"
    assert (ids["storage"], ids["archive"]) not in kinds
    a = analyze(r)
    assert a.blast_radius[ids["storage"]]["degraded_count"] == 2  # the archive and its consumer
