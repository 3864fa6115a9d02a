"""Importers against real architectures written by other people (../shared/realdata).

For every project, the dependencies its derived-edges.csv attributes to evidence in
the files are found, and each trap listed in the realdata README is handled.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.importers.registry import import_paths
from prr_app.review.document import load_review

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
pytestmark = pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")


def _expected(project: str) -> list[dict]:
    with open(REALDATA / project / "derived-edges.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _missing(review, project: str) -> list[str]:
    """The derived edges the import lacks. A relation the list writes part -> whole (Backstage's
    ``subcomponentOf``) is a dependency of the whole on the part."""
    out = []
    for e in _expected(project):
        s, t = (e["target"], e["source"]) if e.get("kind") == "subcomponentOf" else (e["source"], e["target"])
        if f"{s}->{t}" not in review.dependencies:
            out.append(f"{s}->{t}")
    return out


@pytest.fixture(scope="module")
def boutique():
    return import_paths([REALDATA / "online-boutique"])


@pytest.fixture(scope="module")
def sockshop():
    return import_paths([REALDATA / "sock-shop"])


@pytest.fixture(scope="module")
def otel_compose():
    d = REALDATA / "opentelemetry-demo"
    return import_paths([d / "compose.yaml", d / "compose.full.yaml", d / "compose.observability.yaml",
                         d / "compose.extras.yaml"])


@pytest.fixture(scope="module")
def backstage():
    return import_paths([REALDATA / "backstage-examples"])


def test_online_boutique_every_derived_edge_with_env_evidence(boutique):
    assert boutique.report.format == "repository"  # a folder is read as a checkout
    assert _missing(boutique.review, "online-boutique") == []
    dep = boutique.review.dependencies["cartservice->redis-cart"]
    assert any("REDIS_ADDR=redis-cart:6379" in e and "kubernetes-manifests.yaml:" in e for e in dep.evidence)
    # NetworkPolicies corroborate what the env vars say
    assert any("NetworkPolicy" in e for e in boutique.review.dependencies["frontend->cartservice"].evidence)
    assert boutique.review.components["redis-cart"].kind == "datastore"


def test_online_boutique_base_manifest_alone_reports_the_undeployed_assistant():
    r = import_paths([REALDATA / "online-boutique" / "kubernetes-manifests.yaml"])
    assert "frontend->shoppingassistantservice" not in r.review.dependencies
    assert any("SHOPPING_ASSISTANT_SERVICE_ADDR" in d and "shoppingassistantservice" in d for d in r.report.dangling)


def test_sock_shop_edges_from_network_policies_and_traps(sockshop):
    assert _missing(sockshop.review, "sock-shop") == []
    # the HPA says "cart" where the Deployment is "carts": dangling, with a hint, not applied
    assert any("HorizontalPodAutoscaler cart" in d and "carts" in d for d in sockshop.report.dangling)
    # the NetworkPolicy near miss is used but reported
    assert any("name=cart," in d and "taken to mean" in d for d in sockshop.report.dangling)
    ev = sockshop.review.dependencies["orders->carts"].evidence
    assert any("netpol-cart-access.yaml" in e for e in ev)
    assert any("mongo=user-db:27017" in e for e in sockshop.review.dependencies["user->user-db"].evidence)
    assert sockshop.review.components["rabbitmq"].kind == "queue"
    # shipping publishes to the broker: hard; queue-master, which nothing calls, reads its work from it
    assert sockshop.review.dependencies["shipping->rabbitmq"].kind == "hard"
    assert sockshop.review.dependencies["queue-master->rabbitmq"].kind == "soft"
    # the Compose variant of the same services is listed, not imported (no duplicates)
    assert any(s.startswith("variant not imported: . (compose)") for s in sockshop.report.skipped)
    assert len(sockshop.review.components) == 14 and not sockshop.review.groups


def test_sock_shop_hpa_min_replicas_raise_the_floor(tmp_path):
    (tmp_path / "d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: carts}\nspec:\n"
        "  template: {metadata: {labels: {name: carts}}, spec: {containers: [{name: c, image: x}]}}\n"
        "---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: carts}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: carts}, minReplicas: 3, maxReplicas: 10}\n")
    r = import_paths([tmp_path / "d.yaml"])
    assert r.review.components["carts"].replicas == 3


def test_otel_compose_layers_env_interpolation_and_depends_on(otel_compose):
    review, report = otel_compose.review, otel_compose.report
    assert report.format == "compose"
    assert _missing(review, "opentelemetry-demo") == []
    # env var (resolved through .env) is the evidence, and says so
    ev = review.dependencies["shipping->quote"].evidence
    assert any("QUOTE_ADDR" in e and ".env:" in e for e in ev) and review.dependencies["shipping->quote"].kind == "hard"
    # depends_on alone is start-up order: soft, and labelled
    dep = review.dependencies["flagd-ui->flagd"]
    assert dep.kind == "soft" and all("depends_on" in e for e in dep.evidence)
    assert any("flagd-ui -> flagd" in w and "depends_on alone" in w for w in report.warnings)
    # an env var beats depends_on when both exist
    both = review.dependencies["frontend->cart"]
    assert both.kind == "hard" and any("CART_ADDR" in e for e in both.evidence) and any("depends_on" in e for e in both.evidence)
    # the layers were all read; the comment-only file is fine
    assert any("compose.extras.yaml" in r and "no services" in r for r in report.read)
    assert {"kafka", "accounting", "jaeger", "grafana"} <= set(review.components)
    assert review.dependencies["checkout->kafka"].kind == "hard"  # it publishes orders: a call to the broker
    assert review.dependencies["accounting->kafka"].kind == "soft"  # nothing calls it: it reads its work
    # hubs are tagged so the findings can set them apart; everything is one replica on one host
    assert "telemetry" in review.components["otel-collector"].tags
    assert "config" in review.components["flagd"].tags
    assert all(c.replicas == 1 for c in review.components.values())
    assert all("docker-host" in c.shared_domains for c in review.components.values())
    # no secret leaks into evidence
    assert not any("astronomy_password" in e for d in review.dependencies.values() for e in d.evidence)


def test_otel_folder_imports_as_compose_and_k8s_manifest_reports_flagd_ui():
    r = import_paths([REALDATA / "opentelemetry-demo"])
    # the compose files show more of the calls than the older Kubernetes rendering: that variant is picked
    assert r.report.format == "repository" and _missing(r.review, "opentelemetry-demo") == []
    assert any(w.startswith("variants of one deployment") and "imported . (compose)" in w for w in r.report.warnings)
    k = import_paths([REALDATA / "opentelemetry-demo" / "kubernetes" / "opentelemetry-demo.yaml"])
    assert any("flagd-ui" in d and "no Service" in d for d in k.report.dangling)
    assert any("opensearch-pdb" in w and "protects nothing" in w for w in k.report.warnings)
    assert "pdb:ineffective" in k.review.components["opensearch"].tags
    assert k.review.dependencies["checkout->cart"].kind == "hard"
    assert k.review.dependencies["checkout->otel-collector"].kind == "soft"


def test_backstage_examples(backstage):
    r = backstage.review
    assert _missing(r, "backstage-examples") == []
    assert r.components["resource:artists-db"].kind == "datastore"
    assert "system:artist-engagement-portal" in r.components["component:artist-lookup"].tags
    assert any(t.startswith("domain:") for t in r.components["component:artist-lookup"].tags)
    assert r.components["component:www-artist"].user_facing
    assert r.components["component:artist-lookup"].owner == "team-a"
    assert any("owned by team-a" in d for d in backstage.report.dangling)
    assert any("library" in s for s in backstage.report.skipped)
    ev = r.dependencies["component:wayback-search->component:wayback-archive"].evidence[0]
    assert "consumesApis" in ev and "providesApis" in ev


def test_structurizr_examples():
    aws = import_paths([REALDATA / "structurizr-examples" / "amazon-web-services" / "workspace.dsl"]).review
    assert set(aws.dependencies) == {"web-application->database-schema", "load-balancer->web-application",
                                     "dns-router->load-balancer"}
    assert aws.domains["us-east-1"].kind == "region" and aws.domains["us-east-1"].parent == "amazon-web-services"
    assert aws.components["web-application"].placement == ["amazon-ec2-ubuntu-server"]
    assert aws.components["database-schema"].kind == "datastore"
    ms = import_paths([REALDATA / "structurizr-examples" / "microservices" / "workspace.dsl"]).review
    assert len(ms.dependencies) == 24
    assert ms.components["software-system-b"].kind == "external_api"
    assert ms.components["ui"].user_facing and ms.components["web-server"].user_facing
    assert ms.dependencies["service-5-api->software-system-b"]


def test_every_inferred_fact_carries_evidence(boutique, sockshop, otel_compose, backstage):
    for res in (boutique, sockshop, otel_compose, backstage):
        for inf in res.report.components + res.report.dependencies:
            assert inf.evidence and all(":" in e for e in inf.evidence), inf
        for dep in res.review.dependencies.values():
            assert dep.evidence
        assert all(c.source.startswith("import:") for c in res.review.components.values())


def test_cli_prints_report_and_keeps_it_in_the_review(tmp_path, capsys):
    out = tmp_path / "boutique.prr"
    assert main(["import", str(REALDATA / "online-boutique"), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "repository:" in text and "dependency frontend->cartservice:" in text and "wrote" in text
    review = load_review(out)
    (rec,) = review.imports.values()
    assert rec.format == "repository" and rec.report["dependencies"] and "imported" in rec.report
    assert len(review.components) == 13


def test_cli_format_choice_and_several_files(tmp_path, capsys):
    d = REALDATA / "opentelemetry-demo"
    out = tmp_path / "o.prr"
    assert main(["import", str(d / "compose.yaml"), str(d / "compose.full.yaml"), "--format", "compose",
                 "-o", str(out), "--summary"]) == 0
    assert "kafka" in load_review(out).components
    with pytest.raises(SystemExit) as e:
        main(["import", str(d / "compose.yaml"), "--format", "nosuch", "-o", str(out)])
    assert e.value.code == 2
