"""Several workloads behind one Kubernetes Service (versions, canaries, blue/green) are redundant
with each other: a redundancy group with k = 1, not one hard dependency per workload."""
from __future__ import annotations

from pathlib import Path

from prr_app.analysis import analyze
from prr_app.importers.merge import reimport
from prr_app.importers.registry import import_paths


def deployment(name: str, app: str, version: str, env: dict | None = None, replicas: int = 1) -> str:
    env_lines = "".join(f"        - name: {k}\n          value: {v}\n" for k, v in (env or {}).items())
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {app}, version: {version}}}
  template:
    metadata:
      labels: {{app: {app}, version: {version}}}
    spec:
      containers:
      - name: {app}
        image: example/{app}:{version}
""" + (f"        env:\n{env_lines}" if env_lines else "") + "---\n"


def service(name: str, app: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {app}}}
  ports:
  - port: 8080
---
"""


def manifests(tmp_path: Path, versions=("v1", "v2", "v3")) -> Path:
    text = service("front", "front") + deployment("front", "front", "v1", {"REVIEWS_ADDR": "reviews:8080"}, 2)
    text += service("reviews", "reviews")
    for v in versions:
        text += deployment(f"reviews-{v}", "reviews", v)
    p = tmp_path / "app.yaml"
    p.write_text(text)
    return p


def test_a_service_over_several_workloads_becomes_a_group_and_the_caller_depends_on_it(tmp_path):
    res = import_paths([manifests(tmp_path)])
    r = res.review
    assert set(r.groups) == {"reviews"}
    g = r.groups["reviews"]
    assert g.members == ["reviews-v1", "reviews-v2", "reviews-v3"] and g.min_up == 1
    assert "Service reviews" in g.notes
    deps = {(d.source, d.target): d for d in r.dependencies.values()}
    assert set(deps) == {("front", "reviews")}
    assert any("REVIEWS_ADDR" in e for e in deps[("front", "reviews")].evidence)
    assert any("form redundancy group reviews" in line for line in res.report.read)
    # no single version takes the front end down
    spof_elements = {s["element"] for s in analyze(r).spofs}
    assert not spof_elements & set(g.members)


def test_one_workload_behind_a_service_stays_a_plain_dependency(tmp_path):
    r = import_paths([manifests(tmp_path, versions=("v1",))]).review
    assert r.groups == {}
    assert {(d.source, d.target) for d in r.dependencies.values()} == {("front", "reviews-v1")}


def test_reimport_adds_new_groups_and_keeps_the_reviewers_edit_of_an_imported_group(tmp_path):
    first = import_paths([manifests(tmp_path)]).review
    first.groups["reviews"].min_up = 2  # the reviewer knows two versions are needed for the load
    again = reimport(first, import_paths([manifests(tmp_path, versions=("v1", "v2", "v3", "v4"))]))
    g = again.review.groups["reviews"]
    assert g.min_up == 2  # edited by hand: kept
    assert g.members == ["reviews-v1", "reviews-v2", "reviews-v3", "reviews-v4"]  # not edited: follows the source
    assert "reviews-v4" in again.review.components
    assert any("redundancy group reviews" in c for c in again.report.changes)


def test_manifests_without_workloads_are_a_clear_error_and_nothing_is_written(tmp_path):
    import pytest

    from prr_app.cli.main import main
    from prr_app.errors import PrrError

    cm = tmp_path / "config.yaml"
    cm.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n")
    with pytest.raises(PrrError) as e:
        import_paths([cm])
    assert "no workloads to review" in str(e.value) and "ConfigMap" in str(e.value)
    out = tmp_path / "out.prr"
    assert main(["import", str(cm), "-o", str(out)]) == 2
    assert not out.exists()
