"""Re-import into an existing review keeps the reviewer's work and lists the changes."""
from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from prr_app.cli.main import main
from prr_app.model.entities import Acceptance, ChecklistAnswer, Component, Dependency, Position, Risk
from prr_app.importers import merge
from prr_app.importers.registry import import_paths
from prr_app.review.document import load_review, save_review

V1 = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example/web
        env: [{name: API_ADDR, value: "api:80"}, {name: CACHE_ADDR, value: "cache:6379"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: example/api}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec: {template: {metadata: {labels: {app: cache}}, spec: {containers: [{name: c, image: "redis:7"}]}}}
---
{apiVersion: v1, kind: Service, metadata: {name: api}, spec: {selector: {app: api}}}
---
{apiVersion: v1, kind: Service, metadata: {name: cache}, spec: {selector: {app: cache}}}
"""


def _v2() -> str:
    # api scaled to 3, web to 4, cache removed, a new queue the api writes to
    return (V1.replace("spec: {template: {metadata: {labels: {app: api}}", "spec: {replicas: 3, template: {metadata: {labels: {app: api}}")
            .replace("replicas: 2", "replicas: 4")
            .replace(', {name: CACHE_ADDR, value: "cache:6379"}', "")
            .split("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache}")[0]
            + "---\n{apiVersion: apps/v1, kind: Deployment, metadata: {name: api2}, spec: {template: {metadata: "
              "{labels: {app: api2}}, spec: {containers: [{name: a, image: x, env: [{name: Q_ADDR, value: 'kafka:9092'}]}]}}}}\n"
              "---\n{apiVersion: apps/v1, kind: Deployment, metadata: {name: kafka}, spec: {template: {metadata: "
              "{labels: {app: kafka}}, spec: {containers: [{name: k, image: 'bitnami/kafka'}]}}}}\n"
              "---\n{apiVersion: v1, kind: Service, metadata: {name: kafka}, spec: {selector: {app: kafka}}}\n")


def _reviewed(tmp_path: Path):
    src = tmp_path / "app.yaml"
    src.write_text(V1)
    review = import_paths([src]).review
    # the reviewer's work
    review.components["web"].replicas = 5  # hand edit of an imported field
    review.components["web"].slo = 99.9
    review.components["web"].tags.append("checkout-path")
    review.components["api"].owner = "team-api"
    review.components["manual-cdn"] = Component(id="manual-cdn", name="CDN", kind="cdn")
    review.dependencies["web->manual-cdn"] = Dependency("web", "manual-cdn", kind="soft")
    review.dependencies["web->api"].timeout_ms = 500
    review.dependencies["web->api"].kind = "soft"  # hand edit
    review.answers["timeouts@web->api"] = ChecklistAnswer(item="timeouts@web->api", status="met", evidence="PR 12")
    review.risks["spof:component:cache"] = Risk(id="spof:component:cache", origin="computed",
                                                acceptance=Acceptance(by="lead", at="2026-01-10", reason="cache is best effort"),
                                                status="accepted")
    review.risks["r1"] = Risk(id="r1", title="Hand risk", likelihood=2, impact=3, components=["cache"])
    review.layout["web"] = Position(10, 20)
    review.layout["manual-cdn"] = Position(30, 40)
    return src, review


def test_reimport_keeps_the_reviewers_work_and_flags_what_disappeared(tmp_path):
    src, review = _reviewed(tmp_path)
    before = copy.deepcopy(review)
    src.write_text(_v2())
    res = import_paths([src], into=review)
    new = res.review
    assert review == before  # the input review is not modified
    # added and updated from the source
    assert {"api2", "kafka"} <= set(new.components) and "api2->kafka" in new.dependencies
    assert new.components["api"].replicas == 3
    # hand edits kept, and the plan says so
    assert new.components["web"].replicas == 5
    assert any("web: replicas edited by hand (5) kept; the source now says 4" in c for c in res.report.changes)
    assert new.dependencies["web->api"].kind == "soft" and new.dependencies["web->api"].timeout_ms == 500
    assert new.components["web"].slo == 99.9 and "checkout-path" in new.components["web"].tags
    assert new.components["api"].owner == "team-api"
    # disappeared: flagged, not deleted
    assert "cache" in new.components and "missing-from-source" in new.components["cache"].tags
    assert "web->cache" in new.dependencies
    assert any(e.startswith("missing from source") for e in new.dependencies["web->cache"].evidence)
    # untouched work
    for key in ("answers", "risks", "layout"):
        assert getattr(new, key) == getattr(before, key)
    assert new.components["manual-cdn"] == before.components["manual-cdn"]
    assert "web->manual-cdn" in new.dependencies
    assert len(new.imports) == 2
    assert isinstance(res.plan, merge.MergePlan) and res.plan.counts()["add"] >= 3


def test_reimport_of_the_same_source_changes_nothing_and_returning_unflags(tmp_path):
    src, review = _reviewed(tmp_path)
    res = import_paths([src], into=review)
    assert [c for c in res.plan.changes if c.action in ("add", "update", "flag")] == []
    src.write_text(_v2())
    flagged = import_paths([src], into=review).review
    src.write_text(V1)
    back = import_paths([src], into=flagged)
    assert "missing-from-source" not in back.review.components["cache"].tags
    assert any("back in the source" in c for c in back.report.changes)


def test_deleted_by_reviewer_stays_deleted(tmp_path):
    src, review = _reviewed(tmp_path)
    del review.dependencies["web->cache"]
    res = import_paths([src], into=review)
    assert "web->cache" not in res.review.dependencies
    assert any("deleted by the reviewer" in c for c in res.report.changes)


def test_cli_into_dry_run_and_apply(tmp_path, capsys):
    src, review = _reviewed(tmp_path)
    prr = tmp_path / "r.prr"
    save_review(review, prr)
    src.write_text(_v2())
    assert main(["import", str(src), "--into", str(prr), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "change: add component kafka" in out and "dry run" in out
    assert "kafka" not in load_review(prr).components
    assert main(["import", str(src), "--into", str(prr)]) == 0
    saved = load_review(prr)
    assert "kafka" in saved.components and saved.answers == review.answers and saved.risks == review.risks
    assert saved.components["web"].replicas == 5


@given(st.lists(st.sampled_from(["replicas", "owner", "kind", "tags", "name"]), max_size=5),
       st.integers(min_value=1, max_value=50))
def test_property_hand_edits_always_survive(tmp_path_factory, fields, value):
    tmp = tmp_path_factory.mktemp("p")
    src = tmp / "app.yaml"
    src.write_text(V1)
    review = import_paths([src]).review
    edits = {}
    for f in fields:
        c = review.components["api"]
        if f == "replicas":
            c.replicas = value + 10
        elif f == "owner":
            c.owner = f"team-{value}"
        elif f == "kind":
            c.kind = "gateway"
        elif f == "tags":
            c.tags.append(f"t{value}")
        elif f == "name":
            c.name = f"API {value}"
        edits[f] = copy.deepcopy(getattr(c, f))
    src.write_text(_v2())
    new = import_paths([src], into=review).review
    for f, v in edits.items():
        got = getattr(new.components["api"], f)
        if f == "tags":
            assert set(v) <= set(got)
        else:
            assert got == v


def test_csv_reimport_flags_removed_edges_and_keeps_hand_edits(tmp_path):
    # the CSV edge list (Foundation's format) also remembers what it produced
    src = tmp_path / "edges.csv"
    src.write_text("source,target,type\nweb,api,hard\napi,db,hard\napi,cache,soft\n")
    first = import_paths([src])
    review = first.review
    assert first.report.imported["dependencies"].keys() == {"web->api", "api->db", "api->cache"}
    review.components["db"].replicas = 3  # the reviewer's own knowledge
    src.write_text("source,target,type\nweb,api,hard\napi,db,hard\n")
    res = import_paths([src], into=review)
    new = res.review
    assert new.components["db"].replicas == 3
    assert "api->cache" in new.dependencies  # flagged, not dropped
    assert any(e.startswith("missing from source") for e in new.dependencies["api->cache"].evidence)
    assert "missing-from-source" in new.components["cache"].tags
