"""Session 25: a checkout import found by importing real repositories to say too much or too little:
an overlay not imported that still applied, two Kubernetes systems merged without a word, an oversized
or broken file sinking its folder, symbolic links dropped silently, Helm values files and Compose
layers used or left out without a word, a commented-out feature switch not read."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.importers import repository
from prr_app.importers.base import UNREADABLE
from prr_app.importers.registry import import_paths

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
pytestmark = pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
OB, SS = REALDATA / "online-boutique", REALDATA / "sock-shop"

OVERLAY = {
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                          "- ../../base\n- hpa.yaml\n- pdb.yaml\n",
    "hpa.yaml": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: cartservice\nspec:\n"
                "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: cartservice}\n"
                "  minReplicas: 2\n  maxReplicas: 5\n",
    "pdb.yaml": "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: cart-pdb\nspec:\n"
                "  minAvailable: 2\n  selector:\n    matchLabels: {app: cartservice}\n",
}


def _warnings(res, text: str) -> list[str]:
    return [w for w in res.report.warnings if text in w]


# ------------------------------------------------------------------ 1. a variant not imported applies to nothing
@pytest.mark.parametrize("tool", [True, False], ids=["kustomize-installed", "no-kustomize"])
def test_an_overlay_not_imported_does_not_change_the_variant_imported(tmp_path, monkeypatch, tool):
    repo = tmp_path / "repo"
    shutil.copytree(REALDATA / "online-boutique-repo", repo)
    for name, text in OVERLAY.items():
        p = repo / "kustomize" / "overlays" / "prod" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    if not tool:
        monkeypatch.setattr(repository, "kustomize_command", lambda: None)
    res = import_paths([repo], scan_source=False)
    cart = res.review.components["cartservice"]
    assert cart.replicas == 1 and not {"pdb", "pdb:ineffective"} & set(cart.tags)
    said = res.report.skipped + res.report.warnings
    assert any("kustomize/overlays/prod" in s and "not imported" in s for s in said), said
    notes = {f.rel: f.note for f in res.inventory.files}
    assert notes["kustomize/overlays/prod/hpa.yaml"] != "read"


# ------------------------------------------------------------------ 3. two Kubernetes systems side by side
def test_two_kubernetes_systems_in_one_folder_are_said_as_compose_projects_are(tmp_path):
    shutil.copytree(OB, tmp_path / "ob", ignore=shutil.ignore_patterns("*.csv"))
    shutil.copytree(SS, tmp_path / "ss", ignore=shutil.ignore_patterns("*.csv", "docker-compose.yml"))
    res = import_paths([tmp_path], scan_source=False)
    said = _warnings(res, "systems that do not call each other")
    assert len(said) == 1 and "ob (13 components)" in said[0] and "ss (14 components)" in said[0], res.report.warnings
    one = import_paths([REALDATA / "online-boutique-repo"], scan_source=False)
    assert not _warnings(one, "systems that do not call each other")


# ------------------------------------------------------------------ 5. an oversized manifest
def _blob(path: Path) -> None:
    with open(path, "w") as fh:
        fh.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blob}\ndata:\n  big: |\n")
        fh.write(("    " + "x" * 75 + "\n") * 1000)
        fh.truncate(34_000_000)


@pytest.mark.parametrize("where", ["blob.yaml", "extra/blob.yaml"])
def test_an_oversized_manifest_is_not_readable_and_the_rest_is_imported(tmp_path, where):
    shutil.copy(SS / "complete-demo.yaml", tmp_path / "complete-demo.yaml")
    (tmp_path / where).parent.mkdir(exist_ok=True)
    _blob(tmp_path / where)
    res = import_paths([tmp_path], scan_source=False)
    assert len(res.review.components) == 14
    said = _warnings(res, "blob.yaml: file is 34000000 bytes")
    assert len(said) == 1 and said[0].startswith(UNREADABLE) and "imported instead" not in said[0], res.report.warnings
    assert "1 FILE NOT READABLE" in res.report.summary()


# ------------------------------------------------------------------ 6. symbolic links
def test_symbolic_links_inside_the_folder_are_followed_the_others_named(tmp_path):
    root = tmp_path / "repo"
    (root / ".deploy").mkdir(parents=True)  # a hidden folder: walked only through the links to it
    shutil.copy(SS / "complete-demo.yaml", root / ".deploy" / "complete-demo.yaml")
    (root / "k8s").mkdir()
    (root / "k8s" / "app.yaml").symlink_to("../.deploy/complete-demo.yaml")
    (root / "k8s" / "same.yaml").symlink_to("app.yaml")  # a link to a file read already: read once
    (root / "k8s" / "gone.yaml").symlink_to("/nonexistent/x.yaml")
    (root / "k8s" / "loop").symlink_to("..")
    (root / "k8s" / "outside.yaml").symlink_to(OB / "kubernetes-manifests.yaml")
    res = import_paths([root], scan_source=False)
    assert len(res.review.components) == 14 and "frontend" not in res.review.components
    said = " | ".join(res.report.skipped)
    assert "k8s/gone.yaml: a symbolic link to /nonexistent/x.yaml, which does not exist" in said
    assert "k8s/loop: a symbolic link to .., a folder that holds it (a loop): not followed" in said
    assert "k8s/outside.yaml: a symbolic link to " in said and "outside the folder imported: not followed" in said
    assert [f.rel for f in res.inventory.files if f.role == "kubernetes"] == ["k8s/app.yaml"]


def test_a_folder_of_links_leading_outside_names_them_in_its_error(tmp_path):
    (tmp_path / "complete-demo.yaml").symlink_to(SS / "complete-demo.yaml")
    (tmp_path / "policies").symlink_to(SS / "manifests-policy")
    (tmp_path / "README.md").write_text("links\n")
    with pytest.raises(PrrError) as e:
        import_paths([tmp_path], scan_source=False)
    assert "complete-demo.yaml: a symbolic link to" in str(e.value) and "policies: a symbolic link" in str(e.value)


# ------------------------------------------------------------------ 7. one broken autoscaler among good ones
def test_one_broken_autoscaler_does_not_discard_the_good_ones_of_its_folder(tmp_path):
    repo = tmp_path / "ss"
    shutil.copytree(SS, repo)
    good = repo / "autoscaling" / "catalogue-hsc.yaml"
    good.write_text(good.read_text().replace("minReplicas: 1", "minReplicas: 3", 1))
    bad = repo / "autoscaling" / "orders-hsc.yaml"
    bad.write_text(bad.read_text().replace("maxReplicas: 10", "maxReplicas: [10", 1))
    res = import_paths([repo], scan_source=False)
    assert res.review.components["catalogue"].replicas == 3  # catalogue-hsc.yaml: minReplicas 3
    said = _warnings(res, "orders-hsc.yaml")
    assert len(said) == 1 and said[0].startswith(UNREADABLE), res.report.warnings
    assert "other files of autoscaling are read without it" in said[0] and "imported instead" not in said[0]


# ------------------------------------------------------------------ 8. Helm values files beside the chart
@pytest.mark.skipif(shutil.which("helm") is None, reason="helm is not installed")
def test_helm_values_files_not_used_are_named_and_one_can_be_picked(tmp_path):
    chart = tmp_path / "helm-chart"
    shutil.copytree(REALDATA / "online-boutique-repo" / "helm-chart", chart)
    (chart / "values-prod.yaml").write_text("loadGenerator:\n  create: false\n")
    res = import_paths([tmp_path], scan_source=False)
    said = _warnings(res, "values-prod.yaml")
    assert len(said) == 1 and "rendered with values.yaml" in said[0] and \
        "--variant helm-chart/values-prod.yaml" in said[0], res.report.warnings
    assert "loadgenerator" in res.review.components
    prod = import_paths([tmp_path], scan_source=False, variant="helm-chart/values-prod.yaml")
    assert "loadgenerator" not in prod.review.components and "frontend" in prod.review.components
    assert any("values.yaml with values-prod.yaml over it" in r for r in prod.report.read)


# ------------------------------------------------------------------ 9. a broken main manifest beside an edge list
def test_a_broken_manifest_beside_readable_ones_is_no_reason_to_read_the_edge_list(tmp_path):
    repo = tmp_path / "ob"
    shutil.copytree(OB, repo)
    main = repo / "kubernetes-manifests.yaml"
    lines = main.read_text().splitlines(keepends=True)
    lines[199] = lines[199].rstrip("\n") + " : [x\n"
    main.write_text("".join(lines))
    res = import_paths([repo], scan_source=False)
    assert set(res.review.components) == {"shoppingassistantservice"}
    assert not any("derived-edges.csv" in c.source for c in res.review.components.values())
    said = _warnings(res, "kubernetes-manifests.yaml: line 200")
    assert len(said) == 1 and said[0].startswith(UNREADABLE), res.report.warnings
    assert any(r.startswith(". + network-policies: kubernetes") for r in res.report.read), res.report.read
    assert "derived-edges.csv: not a deployment, configuration or source file" in res.report.skipped


# ------------------------------------------------------------------ 10a. a feature switch in a comment
def test_a_switch_shown_only_in_a_comment_makes_the_call_to_its_feature_optional(tmp_path):
    res = import_paths([OB], scan_source=False)
    dep = res.review.dependencies["frontend->shoppingassistantservice"]
    assert dep.kind == "soft" and any("ENABLE_ASSISTANT=true only in a comment" in e for e in dep.evidence)
    # set in the env list, the switch wins over its comment
    text = (OB / "kubernetes-manifests.yaml").read_text()
    on = text.replace('          - name: SHOPPING_ASSISTANT_SERVICE_ADDR\n',
                      '          - name: ENABLE_ASSISTANT\n            value: "true"\n'
                      '          - name: SHOPPING_ASSISTANT_SERVICE_ADDR\n', 1)
    assert on != text
    (tmp_path / "kubernetes-manifests.yaml").write_text(on)
    shutil.copy(OB / "shoppingassistantservice.yaml", tmp_path)
    res = import_paths([tmp_path], scan_source=False)
    assert res.review.dependencies["frontend->shoppingassistantservice"].kind == "hard"


# ------------------------------------------------------------------ 10b. compose layers merged
def test_the_compose_layers_merged_and_left_out_are_named(tmp_path):
    res = import_paths([REALDATA / "opentelemetry-demo"], scan_source=False)
    said = _warnings(res, "compose files merged")
    assert len(said) == 1, res.report.warnings
    for name in ("compose.yaml, compose.agent.yaml", "compose.profiling.yaml", "not merged: compose.tests.yaml"):
        assert name in said[0], said[0]
    # COMPOSE_FILE in the .env chooses the layers: then a read line, not a warning
    repo = tmp_path / "otel"
    shutil.copytree(REALDATA / "opentelemetry-demo", repo, ignore=shutil.ignore_patterns("kubernetes"))
    env = repo / ".env"
    env.write_text(env.read_text() + "\nCOMPOSE_FILE=compose.yaml:compose.full.yaml\n")
    res = import_paths([repo], scan_source=False)
    assert not _warnings(res, "compose files merged")
    read = [r for r in res.report.read if "compose files merged" in r]
    assert len(read) == 1 and "compose.yaml, compose.full.yaml (as COMPOSE_FILE" in read[0], res.report.read
