"""`prr import DIR` on a checkout: deployment files found by content, variants reconciled,
Helm/Kustomize rendered or a command named, dependencies from configuration and source."""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.model.validation import validate
from prr_app.errors import PrrError
from prr_app.importers import repository
from prr_app.importers.registry import import_paths
from prr_app.review.document import load_review
from prr_app.review.importing import import_review

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")


def deployment(name: str, *, env: dict | None = None, image: str = "example/app", replicas: int = 1,
               ns: str | None = None) -> str:
    env_yaml = "".join(f"\n        - {{name: {k}, value: \"{v}\"}}" for k, v in (env or {}).items())
    meta = f"{{name: \"{name}\"" + (f", namespace: {ns}" if ns else "") + "}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {meta}
spec:
  replicas: {replicas}
  template:
    metadata: {{labels: {{app: "{name}"}}}}
    spec:
      containers:
      - name: main
        image: {image}
        env:{env_yaml or " []"}
---
apiVersion: v1
kind: Service
metadata: {meta}
spec: {{selector: {{app: "{name}"}}, ports: [{{port: 80}}]}}
---
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


SHOP = {
    "web": {"CART_ADDR": "cart:80"},
    "cart": {"REDIS_ADDR": "cart-db:6379"},
    "cart-db": {},
}


def shop_manifests() -> str:
    return "".join(deployment(n, env=e, image="redis:7" if n == "cart-db" else "example/" + n)
                   for n, e in SHOP.items())


# ------------------------------------------------------------------ the real checkouts
@needs_realdata
def test_online_boutique_checkout_every_dependency_with_evidence_and_precision():
    res = import_paths([REALDATA / "online-boutique-repo"])
    review = res.review
    names = set(review.components)
    assert 11 <= len(names) <= 16
    with open(REALDATA / "online-boutique" / "derived-edges.csv", newline="") as fh:
        truth = {f"{r['source']}->{r['target']}" for r in csv.DictReader(fh)}
    found = set(review.dependencies)
    assert truth - found == set()  # every dependency found (recall 100 %)
    precision = len(found & truth) / len(found)
    assert precision >= 0.9, sorted(found - truth)
    for dep in review.dependencies.values():
        assert dep.evidence and all(":" in e for e in dep.evidence)
    # the calls are in the services' source too: corroborated with file:line
    ev = review.dependencies["frontend->productcatalogservice"].evidence
    assert any(e.startswith("src/frontend/") and "PRODUCT_CATALOG_SERVICE_ADDR" in e for e in ev)
    # the assistant is deployed only by a Kustomize component: added as optional, its call soft
    assert "optional" in review.components["shoppingassistantservice"].tags
    assert review.dependencies["frontend->shoppingassistantservice"].kind == "soft"
    # the frontend's Go code bounds its ad calls with a 100 ms context, and no other call it makes
    ads = review.dependencies["frontend->adservice"]
    assert ads.timeout_ms == 100 and any(e.startswith("src/frontend/rpc.go:120: context.WithTimeout") for e in ads.evidence)
    assert review.dependencies["frontend->cartservice"].timeout_ms is None
    # variants listed, not imported; no duplicates, no fake redundancy
    assert not review.groups
    assert any(s.startswith("variant not imported: kustomize/base") for s in res.report.skipped)
    assert review.meta.system_name == "online-boutique-repo"
    assert validate(review) == []


@needs_realdata
def test_spring_petclinic_checkout_routes_configs_and_semantics():
    res = import_paths([REALDATA / "spring-petclinic-repo"])
    r = res.review
    assert len(r.components) == 11
    # gateway routes in application.yml (lb://) and URLs in the Java source
    gw = r.dependencies["api-gateway->vets-service"]
    assert any("application.yml:" in e and "lb://vets-service" in e for e in gw.evidence)
    assert any("CustomersServiceClient.java:" in e for e in r.dependencies["api-gateway->customers-service"].evidence)
    inferred = {i["id"]: i for i in res.report.inferred}
    assert inferred["genai-service->vets-service"]["confidence"] == "weak"  # only a string in the source
    assert inferred["api-gateway->vets-service"]["confidence"] == "strong"
    # depends_on to the service registry and the config server is hard (the analysis takes calls on hubs
    # as soft, with their start-up risk)
    assert r.dependencies["customers-service->discovery-server"].kind == "hard"
    assert r.dependencies["customers-service->config-server"].kind == "hard"
    # published ports: the gateway faces users, the telemetry and registry consoles do not
    facing = {c for c, comp in r.components.items() if comp.user_facing}
    assert "api-gateway" in facing
    assert not facing & {"prometheus-server", "grafana-server", "tracing-server", "discovery-server", "config-server",
                         "admin-server"}  # Spring Boot Admin: an operators' console
    assert "admin-ui" in r.components["admin-server"].tags
    # the services publish ports too, but users come in through the gateway: only it faces users
    assert facing == {"api-gateway"}
    ev = next(c.evidence for c in res.report.components if c.element == "vets-service")
    assert any(e.startswith("behind the gateway api-gateway") for e in ev)
    assert {"discovery-server (discovery)", "tracing-server (telemetry)"} <= set(res.report.hubs)
    # prometheus scraping is telemetry: soft
    assert r.dependencies["prometheus-server->api-gateway"].kind == "soft"


@needs_realdata
@pytest.mark.parametrize("folder", ["online-boutique", "sock-shop", "opentelemetry-demo", "backstage-examples",
                                    "structurizr-examples", "spring-petclinic-repo", "online-boutique-repo"])
def test_every_realdata_folder_imports_without_internal_error(folder):
    res = import_paths([REALDATA / folder])
    assert validate(res.review) == [] and res.review.components
    assert res.inventory is not None and res.inventory.files


# ------------------------------------------------------------------ variants and duplicates
def test_sibling_variants_one_picked_others_listed_no_redundancy(tmp_path):
    root = write(tmp_path / "repo", {
        "deploy/quickstart/app.yaml": shop_manifests(),
        "deploy/istio/app.yaml": shop_manifests(),
        "deploy/nfs/app.yaml": shop_manifests(),
    })
    res = import_paths([root])
    assert sorted(res.review.components) == ["cart", "cart-db", "web"]
    assert not res.review.groups
    assert any("variants of one deployment" in w and "imported deploy/quickstart" in w for w in res.report.warnings)
    assert sum(s.startswith("variant not imported") for s in res.report.skipped) == 2
    other = import_paths([root], variant="deploy/nfs")
    assert all("deploy/nfs/app.yaml" in c.evidence[0] for c in other.report.components)
    with pytest.raises(PrrError, match="no deployment variant matches 'gke'"):
        import_paths([root], variant="gke")


def test_variants_that_name_services_with_and_without_the_systems_prefix_are_one_deployment(tmp_path):
    # the compose project names them cart, web...; the manifests name them shop-cart, shop-web...
    manifests = "".join(deployment(f"shop-{n}", env={k: f"shop-{v}" for k, v in env.items()})
                        for n, env in SHOP.items())
    compose = "services:\n" + "".join(f"  {n}: {{image: example/{n}}}\n" for n in SHOP)
    root = write(tmp_path / "repo", {"compose/docker-compose.yml": compose, "k8s/shop.yaml": manifests})
    res = import_paths([root])
    assert sorted(res.review.components) == ["shop-cart", "shop-cart-db", "shop-web"]
    assert any("variant not imported: compose" in s and "3 shared with k8s" in s for s in res.report.skipped)
    # one name alike but for the prefix is a coincidence: two systems, both imported
    other = write(tmp_path / "two", {"a/docker-compose.yml": "services:\n  shop-a: {image: x/a}\n  shop-b: {image: x/b}\n",
                                     "b/docker-compose.yml": "services:\n  a: {image: x/a}\n  c: {image: x/c}\n"
                                                             "  d: {image: x/d}\n  e: {image: x/e}\n"})
    assert len(import_paths([other]).review.components) == 6


def test_duplicate_objects_warn_and_never_form_redundancy_groups(tmp_path):
    root = write(tmp_path / "k8s", {"a.yaml": shop_manifests(), "copy-of-a.yaml": shop_manifests()})
    res = import_paths([root])
    assert sorted(res.review.components) == ["cart", "cart-db", "web"] and not res.review.groups
    assert any("already defined at" in w and "duplicate" in w for w in res.report.warnings)


def test_names_with_spaces_braces_and_non_ascii_never_internal_errors(tmp_path, capsys):
    text = (deployment("a b", env={"X_ADDR": "wéb:80"}) + deployment("{{ odd }}-web")  # braces, no Helm action
            + deployment("wéb", env={"Y_URL": "http://a b/"}))
    text += text.replace("kind: Deployment", "kind: StatefulSet") + """apiVersion: v1
kind: Pod
metadata: {name: "p q"}
spec: {containers: [{name: x, image: nginx}]}
"""
    f = tmp_path / "odd.yaml"
    f.write_text(text)
    code = main(["import", str(f), "-o", str(tmp_path / "o.prr")])
    assert code == 0, capsys.readouterr()
    review = load_review(tmp_path / "o.prr")
    assert validate(review) == [] and len(review.components) >= 4


# ------------------------------------------------------------------ mixed invocations
COMPOSE = """services:
  api:
    image: example/api
    environment: [DB_URL=postgres://db:5432/x]
    depends_on: [db]
  db:
    image: postgres:16
    ports: ["5432:5432"]
"""
DSL = """workspace "Shop" {
  model {
    u = person "Customer"
    s = softwareSystem "Shop" {
      w = container "Web"
      d = container "Orders DB" "" "PostgreSQL"
    }
    u -> w "uses"
    w -> d "reads"
  }
}
"""


def test_mixed_invocation_each_path_judged_on_its_own(tmp_path):
    write(tmp_path, {"docker-compose.yml": COMPOSE, "kubernetes/app.yaml": shop_manifests(), "model.dsl": DSL})
    res = import_paths([tmp_path / "docker-compose.yml", tmp_path / "kubernetes"])
    assert {"api", "db", "web", "cart", "cart-db"} <= set(res.review.components)
    res = import_paths([tmp_path / "docker-compose.yml", tmp_path / "model.dsl"])
    assert {"api", "db", "web", "orders-db"} <= set(res.review.components)
    # depends_on to the service's own database is hard; the database's published port is an operator's
    assert res.review.dependencies["api->db"].kind == "hard"
    assert not res.review.components["db"].user_facing


def test_a_kubernetes_file_named_like_compose_is_read_as_kubernetes(tmp_path):
    write(tmp_path, {"openshift/compose-post-web.yaml": shop_manifests()})
    res = import_paths([tmp_path])
    assert "web" in res.review.components and res.review.components["web"].source.startswith("import:kubernetes")


def test_compose_extends_template_is_no_phantom_component(tmp_path):
    write(tmp_path, {
        "common.yml": "services:\n  base:\n    image: example/base\n    environment: [LOG=1]\n",
        "docker-compose.yml": "services:\n  web:\n    extends: {file: common.yml, service: base}\n",
    })
    res = import_paths([tmp_path])
    assert sorted(res.review.components) == ["web"]


def test_nothing_deployable_is_a_clear_error(tmp_path):
    write(tmp_path, {"README.md": "hello", "src/main.go": "package main\n"})
    with pytest.raises(PrrError, match="nothing that describes a deployment"):
        import_paths([tmp_path])


# ------------------------------------------------------------------ Helm and Kustomize
CHART = {
    "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    "chart/values.yaml": "replicas: 2\n",
    "chart/templates/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n"
                                "spec:\n  replicas: {{ .Values.replicas }}\n",
}


def test_helm_chart_without_helm_names_the_command_and_imports_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(repository.shutil, "which", lambda name: None)
    write(tmp_path, CHART | {"k8s/app.yaml": shop_manifests()})
    res = import_paths([tmp_path])
    assert sorted(res.review.components) == ["cart", "cart-db", "web"]
    hint = [w for w in res.report.warnings if "helm template" in w]
    assert len(hint) == 1 and "`helm template chart chart > chart-rendered.yaml`" in hint[0]


def test_helm_chart_only_and_no_helm_is_an_error_with_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(repository.shutil, "which", lambda name: None)
    write(tmp_path, CHART)
    with pytest.raises(PrrError, match="helm template"):
        import_paths([tmp_path])


def test_recorded_helm_rendering_is_split_per_template():
    # what `helm template` prints: one "# Source:" comment before each rendered template
    rendered = ("---\n# Source: shop/templates/web.yaml\n" + deployment("rel-web")
                + "---\n# Source: shop/templates/db.yaml\n" + deployment("rel-db", image="postgres"))
    parts = repository.split_helm_output(rendered, "chart (helm template)")
    assert [p[0] for p in parts] == ["chart (helm template): shop/templates/web.yaml",
                                     "chart (helm template): shop/templates/db.yaml"]
    from prr_app.importers.kubernetes import read_kubernetes

    res = read_kubernetes([], texts=parts)
    assert sorted(res.review.components) == ["rel-db", "rel-web"]
    assert res.report.components[0].evidence[0].startswith("chart (helm template): shop/templates/")


def test_a_template_that_renders_several_documents_is_one_part_read_once():
    """helm prints "# Source:" before each document: Online Boutique's cartservice.yaml (a Deployment,
    a Service and a ServiceAccount each for two workloads) was listed as read six times."""
    rendered = "".join(f"---\n# Source: shop/templates/{t}.yaml\n" + deployment(f"rel-{n}")
                       for t, n in (("web", "web"), ("web", "web-canary"), ("db", "db"), ("web", "web-2")))
    parts = repository.split_helm_output(rendered, "chart (helm template)")
    assert [p[0] for p in parts] == ["chart (helm template): shop/templates/web.yaml",
                                     "chart (helm template): shop/templates/db.yaml"]
    from prr_app.importers.kubernetes import read_kubernetes

    res = read_kubernetes([], texts=parts)
    assert sorted(res.review.components) == ["rel-db", "rel-web", "rel-web-2", "rel-web-canary"]
    assert sum("shop/templates/web.yaml" in line for line in res.report.read) == 1


def need_tool(name: str) -> None:
    """The real binary: scripts/ensure-system-deps.sh installs helm (and kubectl); CI runs it first."""
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: scripts/ensure-system-deps.sh installs it")
        pytest.skip(f"{name} is not installed (scripts/ensure-system-deps.sh installs it)")


def test_helm_chart_rendered_by_the_real_helm_keeps_release_name_and_values(tmp_path):
    need_tool("helm")
    web = deployment("{{ .Release.Name }}-web", env={"DB_ADDR": "{{ .Release.Name }}-db:5432"})
    write(tmp_path, CHART | {"chart/templates/web.yaml": web.replace("replicas: 1", "replicas: {{ .Values.replicas }}"),
                             "chart/templates/db.yaml": deployment("{{ .Release.Name }}-db", image="postgres:16")})
    res = import_paths([tmp_path])
    comps = res.review.components
    assert sorted(comps) == ["chart-db", "chart-web"]  # `helm template chart chart`: the release is named
    assert comps["chart-web"].replicas == 2  # values.yaml applied
    assert comps["chart-db"].kind == "datastore"
    assert res.review.dependencies["chart-web->chart-db"].kind == "hard"  # the rendered env names the Service
    ev = res.report.components[0].evidence[0]
    assert ev.startswith("chart (helm template): shop/templates/")  # each template named, from `# Source:`
    # no warning about the rendering (the chart's postgres without a volume is warned of, and rightly)
    assert not any("helm template" in w and "persistent volume" not in w for w in res.report.warnings)


def test_helm_template_that_fails_is_reported_and_the_rest_imported(tmp_path):
    need_tool("helm")
    broken = CHART | {"chart/templates/bad.yaml": "kind: Deployment\nmetadata: {name: {{ .Values.x.y.z }}}\n"}
    write(tmp_path, broken | {"k8s/app.yaml": shop_manifests()})
    res = import_paths([tmp_path])
    assert sorted(res.review.components) == ["cart", "cart-db", "web"]
    failed = [w for w in res.report.warnings if "`helm template` failed" in w]
    assert len(failed) == 1 and failed[0].startswith("chart:") and "nil pointer" in failed[0]


@needs_realdata
def test_online_boutique_helm_chart_rendered_gives_the_same_system(tmp_path):
    need_tool("helm")
    res = import_paths([REALDATA / "online-boutique-repo"], variant="helm-chart")
    with open(REALDATA / "online-boutique" / "derived-edges.csv", newline="") as fh:
        truth = {f"{r['source']}->{r['target']}" for r in csv.DictReader(fh)}
    assert set(res.review.dependencies) == truth
    assert len(res.review.components) == 13
    ev = res.review.dependencies["frontend->cartservice"].evidence[0]
    assert ev.startswith("helm-chart (helm template): onlineboutique/templates/frontend.yaml:")
    assert any("imported helm-chart [Helm chart] (--variant helm-chart)" in w for w in res.report.warnings)


KUSTOMIZE = {
    "base/kustomization.yaml": "resources: [app.yaml]\n",
    "base/app.yaml": shop_manifests(),
    "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamespace: shop-prod\n"
                                        "replicas: [{name: web, count: 3}]\n",
}


def test_kustomize_overlay_is_built_when_a_tool_is_installed(tmp_path):
    write(tmp_path, KUSTOMIZE)
    cmd = repository.kustomize_command()
    res = import_paths([tmp_path], variant="overlays/prod")
    if cmd is None:  # the command to run is said, and the base's plain manifests are read as they are
        assert any("kustomize build" in w for w in res.report.warnings)
        assert res.review.components["web"].replicas == 1
    else:  # the overlay's namespace and replicas are kept
        web = next(c for c in res.review.components.values() if c.name == "web")
        assert web.replicas == 3 and "namespace:shop-prod" in web.tags


def test_kustomize_without_a_tool_says_which_command(tmp_path, monkeypatch):
    monkeypatch.setattr(repository.shutil, "which", lambda name: None)
    write(tmp_path, KUSTOMIZE)
    res = import_paths([tmp_path])
    assert any("`kustomize build overlays/prod > rendered.yaml`" in w for w in res.report.warnings)
    assert sorted(res.review.components) == ["cart", "cart-db", "web"]


# ------------------------------------------------------------------ Structurizr
def test_structurizr_included_and_extended_files_are_not_workspaces(tmp_path):
    write(tmp_path, {
        "model.dsl": 'workspace "Landscape" {\n  model {\n    s = softwareSystem "Shop" {\n'
                     '      web = container "Web"\n      api = container "API"\n    }\n    web -> api\n  }\n}\n',
        "web.dsl": 'workspace extends model.dsl {\n  model {\n    !ref s {\n      db = container "DB" "" "MySQL"\n'
                   '    }\n    api -> db\n  }\n}\n',
        "parts/people.dsl": 'u = person "User"\n',
    })
    res = import_paths([tmp_path])
    assert sorted(res.review.components) == ["api", "db", "web"]  # no web-2, web-3...


def test_structurizr_json_workspace(tmp_path):
    import json

    ws = {"name": "Big Bank", "model": {
        "people": [{"id": "1", "name": "Customer", "relationships": [{"id": "r1", "sourceId": "1", "destinationId": "3"}]}],
        "softwareSystems": [{"id": "2", "name": "Banking", "containers": [
            {"id": "3", "name": "Web App", "technology": "Java",
             "relationships": [{"id": "r2", "sourceId": "3", "destinationId": "4", "description": "reads"}]},
            {"id": "4", "name": "Database", "technology": "Oracle"}]}],
        "deploymentNodes": [
            {"id": "5", "name": "Customer's computer", "environment": "Live", "children": []},
            {"id": "6", "name": "Data center", "environment": "Live", "instances": 1, "containerInstances": [
                {"id": "7", "containerId": "3", "environment": "Live"},
                {"id": "8", "containerId": "4", "environment": "Live"}]}]}}
    f = tmp_path / "workspace.json"
    f.write_text(json.dumps(ws))
    res = import_paths([f])
    r = res.review
    assert {"web-app", "database"} <= set(r.components)
    assert r.components["database"].kind == "datastore" and r.components["web-app"].user_facing
    assert "web-app->database" in r.dependencies
    assert not any("computer" in d.name.lower() for d in r.domains.values())  # a user's device is no failure domain


# ------------------------------------------------------------------ configuration and source
def test_dependencies_from_configuration_and_source_with_file_line_and_confidence(tmp_path):
    write(tmp_path, {
        "docker-compose.yml": """services:
  edge: {image: nginx, build: ./edge, ports: ["80:80"]}
  orders: {image: example/orders, build: ./orders}
  payments: {image: example/payments, build: ./payments}
  mongo: {image: mongo:7}
  mysql: {image: mysql:8}
  rabbit: {image: rabbitmq:3}
  mail: {image: example/mail, build: ./mail}
""",
        "edge/nginx.conf": "upstream o { server orders:8080; }\nserver {\n  location / { proxy_pass http://o; }\n"
                           "  # proxy_pass http://mail:25;\n}\n",
        "orders/src/main/resources/application.yml": "spring:\n  data:\n    mongodb:\n      host: mongo\n"
                                                    "  rabbitmq:\n    addresses: amqp://rabbit:5672\n",
        "payments/application.properties": "spring.datasource.url=jdbc:mysql://mysql:3306/pay\n",
        "payments/src/Client.java": 'class C { String u = "http://orders:8080/api"; }\n',
        "payments/src/test/FakeMail.java": 'class T { String u = "http://mail:25"; }\n',
        "mail/config.toml": '[smtp]\nhost = "mysql"\n',
    })
    res = import_paths([tmp_path])
    deps = res.review.dependencies
    ev = deps["edge->orders"].evidence
    assert any(e.startswith("edge/nginx.conf:1:") for e in ev)
    assert "edge->mail" not in deps  # a comment is not a call
    assert any("application.yml:4:" in e for e in deps["orders->mongo"].evidence)
    assert deps["orders->mongo"].kind == "hard"
    assert "orders->rabbit" in deps and deps["orders->rabbit"].kind == "hard"  # a call to the broker
    assert any("application.properties:1:" in e and "jdbc:mysql://mysql:3306" in e
               for e in deps["payments->mysql"].evidence)
    assert any("Client.java:1:" in e for e in deps["payments->orders"].evidence)
    assert "payments->mail" not in deps  # tests describe test set-ups
    assert "mail->mysql" in deps  # TOML value of a host key
    conf = {i["id"]: i["confidence"] for i in res.report.inferred}
    assert conf["payments->orders"] == "weak" and conf["payments->mysql"] == "strong"
    assert any("weaker evidence" in e for e in deps["payments->orders"].evidence)
    # without source scanning the weak one is not there
    res2 = import_paths([tmp_path], scan_source=False)
    assert "payments->orders" not in res2.review.dependencies and "payments->mysql" in res2.review.dependencies


def test_reject_and_accept_inferred_edges_remembered_on_reimport(tmp_path, capsys):
    write(tmp_path / "repo", {
        "docker-compose.yml": "services:\n  alpha: {image: x, build: ./alpha}\n  beta: {image: y, build: ./beta}\n"
                              "  gamma: {image: z, build: ./gamma}\n",
        "alpha/app.py": 'URL = "http://beta:8000/x"\n',
        "alpha/settings.env": "GAMMA_HOST=gamma\n",
    })
    out = tmp_path / "r.prr"
    assert main(["import", str(tmp_path / "repo"), "-o", str(out), "--reject", "weak"]) == 0
    r = load_review(out)
    assert "alpha->beta" not in r.dependencies and "alpha->gamma" in r.dependencies
    assert main(["import", str(tmp_path / "repo"), "--into", str(out)]) == 0
    text = capsys.readouterr().out
    assert "alpha->beta: rejected by the reviewer earlier" in text
    assert "alpha->beta" not in load_review(out).dependencies
    res = import_review([tmp_path / "repo"], into=out, accept=["alpha->gamma"])
    assert {i["id"]: i["decision"] for i in res.report.inferred} == {"alpha->beta": "rejected", "alpha->gamma": "accepted"}
    with pytest.raises(PrrError, match="not an inferred dependency"):
        import_review([tmp_path / "repo"], into=out, reject=["nope->x"])


def test_rejecting_a_dependency_the_deployment_files_state_says_where_it_comes_from(tmp_path, capsys):
    """--reject of the OpenTelemetry collector's call to the front proxy (an address in compose.yaml) said
    "this import inferred no dependencies from configuration or source: nothing to accept or reject",
    which left the reviewer wondering why the dependency was there at all."""
    write(tmp_path, {"docker-compose.yml": COMPOSE})
    out = tmp_path / "r.prr"
    assert main(["import", str(tmp_path), "-o", str(out), "--reject", "api->db"]) == 2
    err = capsys.readouterr().err
    assert "'api->db' comes from the deployment files (docker-compose.yml:" in err
    assert "DB_URL" in err and "delete it in the review" in err and not out.exists()


def test_few_dependencies_are_said_in_the_summary(tmp_path):
    write(tmp_path, {"k8s/a.yaml": "".join(deployment(n) for n in ("a", "b", "c", "d"))})
    res = import_paths([tmp_path])
    assert res.report.warnings[0].startswith("few dependencies: 0 for 4 components")


def test_system_name_from_the_folder_not_the_first_file(tmp_path):
    write(tmp_path / "shop-repo", {"deploy/aaa-first.yaml": shop_manifests()})
    assert import_paths([tmp_path / "shop-repo"]).review.meta.system_name == "shop-repo"


def test_inventory_keeps_what_each_file_was_taken_for(tmp_path):
    write(tmp_path, {"k8s/app.yaml": shop_manifests(), "src/web/main.go": 'var a = "http://cart:80"\n',
                     "README.md": "x"})
    inv = import_paths([tmp_path]).inventory
    roles = {f.rel: (f.role, f.note) for f in inv.files}
    assert roles["k8s/app.yaml"] == ("kubernetes", "read")
    assert roles["src/web/main.go"][0] == "source" and "evidence for web" in roles["src/web/main.go"][1]
    assert roles["README.md"][0] == "other"


def test_progress_is_reported(tmp_path):
    write(tmp_path, {"k8s/app.yaml": shop_manifests(), "src/web/main.go": "package main\n"})
    seen = []
    import_paths([tmp_path], progress=lambda stage, done, total: seen.append(stage))
    assert "reading deployment files" in seen and "reading configuration and source" in seen


def test_source_limit_skips_big_files_and_says_so(tmp_path):
    write(tmp_path, {"k8s/app.yaml": shop_manifests(), "src/web/big.js": 'const u = "http://cart:80";\n' + "x" * 5000})
    res = import_paths([tmp_path], source_limit=1000)
    assert "web->cart" in res.review.dependencies  # from the manifest, not from the big file
    assert any("over the size limit" in s and "src/web/big.js" in s for s in res.report.skipped)
    assert shutil.which  # keeps the import used


def test_compose_files_of_one_folder_layers_alternatives_and_test_layers(tmp_path):
    base = ("services:\n  web:\n    image: example/web\n    environment: [API_URL=http://api:80]\n"
            "  api:\n    image: example/api\n    environment: [DB=db:5432]\n  db:\n    image: postgres\n")
    write(tmp_path, {
        "docker-compose.yml": base,
        "docker-compose.override.yml": "services:\n  web:\n    deploy: {replicas: 3}\n",
        "docker-compose-gcov.yml": base.replace("example/", "example-gcov/"),  # the same deployment, built otherwise
        "docker-compose.test.yml": "services:\n  tester:\n    image: example/tests\n",
        "docker-compose.observability.yml": "services:\n  grafana:\n    image: grafana/grafana\n",
    })
    res = import_paths([tmp_path])
    r = res.review
    assert sorted(r.components) == ["api", "db", "grafana", "web"]  # no tester, no duplicates
    assert r.components["web"].replicas == 3  # the override is a layer
    assert any("variant not imported" in s and "docker-compose-gcov.yml" in s for s in res.report.skipped)
    assert any("docker-compose.test.yml" in s and "special case" in s for s in res.report.skipped)


def test_shared_configuration_lines_belong_to_the_component_their_key_names(tmp_path):
    write(tmp_path, {
        "docker-compose.yml": "services:\n  consul: {image: hashicorp/consul}\n  geo: {image: x/hotel}\n"
                              "  profile: {image: x/hotel}\n  mongodb-geo: {image: mongo}\n"
                              "  memcached-profile: {image: memcached}\n",
        "config.json": '{\n  "consulAddress": "consul:8500",\n  "GeoMongoAddress": "mongodb-geo:27018",\n'
                       '  "ProfileMemcAddress": "memcached-profile:11213"\n}\n',
    })
    deps = import_paths([tmp_path]).review.dependencies
    assert any(e.startswith("config.json:3:") for e in deps["geo->mongodb-geo"].evidence)
    assert "profile->memcached-profile" in deps
    assert not any(d.endswith("->consul") for d in deps)  # a line that names no component's key: nobody's


def test_helm_chart_whose_subcharts_are_not_fetched_renders_its_own_templates(tmp_path):
    need_tool("helm")
    chart = dict(CHART)
    chart["chart/Chart.yaml"] = ("apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n"
                                 "- {name: redis, version: 1.0.0, repository: 'https://charts.example.com'}\n")
    chart["chart/templates/web.yaml"] = deployment("{{ .Release.Name }}-web")
    chart["chart/charts/local/Chart.yaml"] = "apiVersion: v2\nname: local\nversion: 0.1.0\n"
    chart["chart/charts/local/templates/x.yaml"] = deployment("{{ .Release.Name }}-local")
    write(tmp_path, chart)
    res = import_paths([tmp_path])
    assert sorted(res.review.components) == ["chart-local", "chart-web"]  # a local subchart renders with its parent
    note = [w for w in res.report.warnings if "subcharts" in w]
    assert len(note) == 1 and "(redis)" in note[0] and "`helm dependency build chart`" in note[0]


def test_a_folder_bind_mounted_into_a_service_is_that_services_code(tmp_path):
    # an image-only gateway whose scripts are mounted in: the calls in them are the gateway's
    write(tmp_path, {
        "docker-compose.yml": "services:\n"
                              "  edge-proxy:\n    image: openresty/openresty\n    ports: ['8080:8080']\n"
                              "    volumes: ['./gateway/scripts:/usr/local/scripts:ro', './shared:/etc/shared',"
                              " 'data:/var/data']\n"
                              "  post-storage-service:\n    image: example/posts\n"
                              "    volumes: [{type: bind, source: ./shared, target: /etc/shared}]\n"
                              "  user-timeline-service: {image: example/timeline}\n"
                              "volumes: {data: {}}\n",
        "gateway/scripts/compose.lua": 'local c = pool:connection(Client, "post-storage-service", 9090)\n',
        "gateway/scripts/timeline.lua": 'local t = pool:connection(Client, "user-timeline-service" .. suffix, 9090)\n',
        "shared/clients.lua": 'local x = "user-timeline-service"\n',  # mounted by two services: nobody's
    })
    res = import_paths([tmp_path])
    deps = res.review.dependencies
    assert "edge-proxy->post-storage-service" in deps and "edge-proxy->user-timeline-service" in deps
    ev = deps["edge-proxy->post-storage-service"].evidence
    assert any(e.startswith("gateway/scripts/compose.lua:1:") for e in ev)
    assert "post-storage-service->user-timeline-service" not in deps
    conf = {i["id"]: i["confidence"] for i in res.report.inferred}
    assert conf["edge-proxy->post-storage-service"] == "weak"  # a name in a script: weaker evidence


def test_routes_and_mesh_gateways_make_what_they_expose_user_facing(tmp_path):
    # OpenShift Route, Istio VirtualService on an ingress gateway, Gateway API HTTPRoute: the platform's
    # router is not a component; the services it routes outside traffic to face users (a datastore never)
    manifests = (deployment("edge", image="nginx") + deployment("shop-api") + deployment("orders-db", image="mysql:8")
                 + deployment("internal") + deployment("portal"))
    manifests += """apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: edge}
spec: {to: {kind: Service, name: edge}, alternateBackends: [{kind: Service, name: orders-db}]}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: api}
spec:
  gateways: [shop-gateway]
  hosts: ["*"]
  http: [{route: [{destination: {host: shop-api.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: inside}
spec: {hosts: [internal], http: [{route: [{destination: {host: internal}}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: portal}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: portal, port: 80}, {name: gone, port: 80}]}]}
"""
    write(tmp_path, {"k8s/app.yaml": manifests})
    res = import_paths([tmp_path / "k8s" / "app.yaml"], "kubernetes")
    comps = res.review.components
    assert sorted(comps) == ["edge", "internal", "orders-db", "portal", "shop-api"]  # no router component
    facing = {c for c, comp in comps.items() if comp.user_facing}
    assert facing == {"edge", "shop-api", "portal"}
    assert any("Route edge routes outside traffic to Service edge" in e for e in
               next(c for c in res.report.components if c.element == "edge").evidence)
    assert any("HTTPRoute portal routes to Service gone" in d for d in res.report.dangling)
    assert any("VirtualService inside: routing inside the mesh" in s for s in res.report.skipped)


def test_spring_placeholders_with_defaults_name_their_default_host(tmp_path):
    write(tmp_path, {
        "docker-compose.yml": "services:\n  order-service: {image: x/order, build: ./order}\n"
                              "  order-mysql: {image: 'mysql:8'}\n  price-service: {image: x/price}\n"
                              "  order-mongo: {image: 'mongo:7'}\n",
        "order/src/main/resources/application.yml":
            "spring:\n  datasource:\n"
            "    url: jdbc:mysql://${ORDER_MYSQL_HOST:order-mysql}:${ORDER_MYSQL_PORT:3306}/ts?useSSL=false\n"
            "  data:\n    mongodb:\n      host: ${MONGO_HOST:order-mongo}\n"
            "price:\n  url: http://${PRICE_HOST:localhost}:8080\n",  # a default that names nothing known
        "order/src/main/java/Client.java":
            'class C { @Value("${price.url:http://price-service:16579}") String url; }\n',
    })
    res = import_paths([tmp_path])
    deps = res.review.dependencies
    assert any(e.startswith("order/src/main/resources/application.yml:3:") and "order-mysql:3306" in e
               for e in deps["order-service->order-mysql"].evidence)
    assert any("application.yml:6:" in e for e in deps["order-service->order-mongo"].evidence)
    assert deps["order-service->order-mysql"].kind == "hard"
    assert "order-service->price-service" in deps  # from the Java default, weaker evidence
    conf = {i["id"]: i["confidence"] for i in res.report.inferred}
    assert conf["order-service->order-mysql"] == "strong" and conf["order-service->price-service"] == "weak"


def test_charts_mutated_and_rendered_by_the_real_helm_never_an_internal_error(tmp_path):
    need_tool("helm")
    import random

    from test_import_fuzz import mutate

    rnd = random.Random("prr-helm")
    chart = dict(CHART)
    chart["chart/Chart.yaml"] = ("apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n"
                                 "- {name: redis, version: 1.0.0, repository: 'https://charts.example.com'}\n")
    chart["chart/templates/web.yaml"] = deployment("{{ .Release.Name }}-web", env={"DB": "{{ .Release.Name }}-db:5432"})
    chart["chart/templates/db.yaml"] = deployment("{{ .Release.Name }}-db", image="postgres:16")
    write(tmp_path, chart | {"k8s/app.yaml": shop_manifests()})
    names = ["chart/Chart.yaml", "chart/values.yaml", "chart/templates/web.yaml", "chart/templates/db.yaml"]
    for _ in range(25):
        rel = rnd.choice(names)
        (tmp_path / rel).write_bytes(mutate(chart[rel], rnd).encode("utf-8", "surrogatepass"))
        try:
            res = import_paths([tmp_path], variant=rnd.choice([None, "chart"]))
            assert validate(res.review) == [] and res.review.components
        except PrrError as e:
            assert "\n" not in str(e) and str(e)
        (tmp_path / rel).write_text(chart[rel])


def test_published_ports_behind_a_gateway_are_not_user_facing(tmp_path):
    f = tmp_path / "compose.yaml"
    f.write_text("services:\n  edge: {image: traefik, ports: ['80:80'], environment: [WEB_URL=http://web:8080]}\n"
                 "  web: {image: x/web, ports: ['8080:8080'], environment: [DB_HOST=db]}\n"
                 "  db: {image: 'postgres:16', ports: ['5432:5432']}\n"
                 "  solo: {image: x/solo, ports: ['9000:9000']}\n")
    r = import_paths([f]).review
    assert {c for c, x in r.components.items() if x.user_facing} == {"edge", "solo"}  # solo: no gateway before it


@needs_realdata
def test_import_report_is_the_same_whatever_the_hash_seed(tmp_path):
    # the report is read in a meeting and diffed in CI: its order must not depend on set order
    import subprocess
    import sys

    reports = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "import",
                              str(REALDATA / "online-boutique-repo"), "-o", str(tmp_path / f"r{seed}.prr")],
                             env=env, capture_output=True, text=True, check=True).stdout
        reports.append([line for line in out.splitlines() if not line.startswith("wrote ")])
    assert any(line.startswith("component frontend:") for line in reports[0])
    assert reports[0] == reports[1]


CONFIG_REPO = {
    "docker-compose.yml": "services:\n  config: {build: ./config}\n  account-service: {build: ./account-service}\n"
                          "  statistics-service: {build: ./statistics-service}\n  auth-service: {build: ./auth-service}\n"
                          "  account-mongodb: {image: 'mongo:7'}\n  registry: {image: x/registry}\n",
    # a Spring Cloud Config server's repository: one file per service, and what every service gets
    "config/src/main/resources/shared/account-service.yml":
        "security.oauth2.client.accessTokenUri: http://auth-service:5000/uaa/oauth/token\n"
        "spring:\n  data:\n    mongodb:\n      host: account-mongodb\n",
    "config/src/main/resources/shared/statistics-service-docker.yml": "spring.data.mongodb.host: account-mongodb\n",
    "config/src/main/resources/shared/auth-service.yml": "server:\n  port: 5000\n",
    "config/src/main/resources/shared/application.yml":
        "eureka.client.serviceUrl.defaultZone: http://registry:8761/eureka/\nfeign:\n  hystrix:\n    enabled: true\n"
        "hystrix.command.default.execution.isolation.thread.timeoutInMilliseconds: 10000\n",
    # the config server's own configuration
    "config/src/main/resources/application.yml": "spring.cloud.config.server.native.search-locations: classpath:/shared\n"
                                                 "management.zipkin.endpoint: http://registry:9411\n",
    "account-service/src/main/resources/bootstrap.yml": "spring.cloud.config.uri: http://config:8888\n",
    "account-service/src/main/java/pm/StatisticsClient.java":
        '@FeignClient(name = "statistics-service", fallback = StatisticsClientFallback.class)\n'
        "public interface StatisticsClient { void update(String account); }\n",
}


def test_a_config_repositorys_files_are_the_configuration_of_the_services_they_are_named_after(tmp_path):
    deps = import_paths([write(tmp_path, CONFIG_REPO)]).review.dependencies
    # account-service.yml in the config server's folder is account-service's, not the config server's
    assert {"account-service->auth-service", "account-service->account-mongodb",
            "statistics-service->account-mongodb"} <= set(deps)
    assert not {"config->auth-service", "config->account-mongodb"} & set(deps)
    # the shared application.yml is handed to every service named beside it
    for svc in ("account-service", "statistics-service", "auth-service"):
        assert any("shared/application.yml:1:" in e for e in deps[f"{svc}->registry"].evidence)
    # the config server's own file stays its own
    assert "config->registry" in deps
    # Feign behind Hystrix: the command's timeout is shorter than the client's read timeout
    stats = deps["account-service->statistics-service"]
    assert (stats.timeout_ms, stats.circuit_breaker) == (10_000, True)
    assert any("Hystrix command" in e for e in stats.evidence)
    # one line is evidence once (the @FeignClient line also names the host as a string)
    assert len([e for e in stats.evidence if "StatisticsClient.java:1:" in e]) == 1


def test_one_file_named_after_a_component_does_not_make_a_config_repository(tmp_path):
    files = {k: v for k, v in CONFIG_REPO.items() if "shared/" not in k or k.endswith("account-service.yml")}
    deps = import_paths([write(tmp_path, files)]).review.dependencies
    # a folder with one such file may be anything (a gateway's route to that service): its folder decides
    assert "config->auth-service" in deps and "account-service->auth-service" not in deps


def _workload_with_book(name: str, book: str | None = "service-addresses") -> str:
    env_from = f"\n        envFrom: [{{configMapRef: {{name: {book}}}}}]" if book else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: bank/{name}{env_from}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 8080}}]}}
---
"""


def test_an_address_book_every_workload_takes_whole_is_no_call_its_code_does_not_make(tmp_path):
    # one ConfigMap with every service's address, in every workload's envFrom (Bank of Anthos's shape)
    book = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: service-addresses}\ndata:\n"
            "  BALANCES_ADDR: 'balances:8080'\n  CONTACTS_ADDR: 'contacts:8080'\n  LEDGER_ADDR: 'ledger:8080'\n---\n")
    root = write(tmp_path / "bank", {
        "k8s/app.yaml": book + "".join(_workload_with_book(n) for n in ("web", "ledger", "balances", "contacts")),
        # the ledger's code reads one address of the book; its Spring configuration binds another
        "src/ledger/Writer.java": 'String url = System.getenv("BALANCES_ADDR");\n',
        "src/ledger/application.properties": "contacts.addr=${CONTACTS_ADDR}\n",
        "src/balances/Reader.py": "import os\nprint('reads nothing')\n",
    })
    res = import_paths([root])
    deps = set(res.review.dependencies)
    assert {"ledger->balances", "ledger->contacts"} <= deps  # read by its code and its configuration
    assert "balances->ledger" not in deps and "balances->contacts" not in deps  # its code reads no address
    assert any(s.startswith("dependency balances -> contacts: only ConfigMap service-addresses names it "
                            "(CONTACTS_ADDR)") for s in res.report.skipped)
    # a workload whose code is not in the checkout keeps what the book says
    assert {"web->balances", "web->contacts", "web->ledger"} <= deps
    # the same ConfigMap in one workload only is that workload's own configuration
    alone = write(tmp_path / "alone", {"k8s/app.yaml": book + _workload_with_book("balances")
                                       + _workload_with_book("contacts", None) + _workload_with_book("ledger", None),
                                       "src/balances/Reader.py": "print('reads nothing')\n"})
    assert "balances->contacts" in import_paths([alone]).review.dependencies


def test_unrelated_systems_in_one_folder_are_said(tmp_path):
    """A folder of two products (examples, a monorepo) is reviewed side by side; the reviewer is told
    that the two do not call each other (separate Compose projects: separate networks)."""
    from prr_app.review.importing import import_review

    shop, blog = tmp_path / "repo" / "shop", tmp_path / "repo" / "blog"
    shop.mkdir(parents=True)
    blog.mkdir(parents=True)
    (shop / "compose.yaml").write_text(
        "services:\n  web:\n    image: shop/web\n    environment:\n      API_URL: http://api:8080\n"
        "  api:\n    image: shop/api\n")
    (blog / "compose.yaml").write_text(
        "services:\n  cms:\n    image: blog/cms\n    environment:\n      DB_HOST: posts-db\n"
        "  posts-db:\n    image: postgres:16\n")
    res = import_review([tmp_path / "repo"])
    assert sorted(res.review.components) == ["api", "cms", "posts-db", "web"]
    said = [w for w in res.report.warnings if "systems that do not call each other" in w]
    assert len(said) == 1 and "blog (compose) (2 components)" in said[0] and "shop (compose)" in said[0]
    # one of them alone: nothing to say
    res = import_review([shop])
    assert not any("systems that do not call each other" in w for w in res.report.warnings)


def test_a_render_tools_log_line_is_said_as_its_message():
    """kubectl kustomize fails with a Go log line: its time stamp and source place say nothing to a
    reviewer, and a long message is cut at a word."""
    from prr_app.importers.repository import _tool_error

    line = ('E1207 02:19:01.694641   22871 run.go:72] "command failed" err="accumulating resources: '
            "accumulation err='accumulating resources from 'service.yaml': lstat /r/service.yaml: no such file "
            "or directory': must build at directory\"")
    msg = _tool_error(line, 1)
    assert msg.startswith("accumulating resources: accumulation err=") and "run.go" not in msg
    assert "E1207" not in msg and not msg.endswith('"')
    long = _tool_error("E1207 02:19:01.694641   22871 run.go:72] " + "word " * 100, 1)
    assert len(long) <= 304 and long.endswith(" ...") and "wor ..." not in long
    assert _tool_error("Error: chart not found\ncheck the path\n\nmore", 1) == "Error: chart not found check the path"


@needs_realdata
def test_two_variants_in_one_folder_are_picked_by_a_file_and_the_listing_says_which(tmp_path):
    """Sock Shop holds its Kubernetes manifests and its Compose file side by side: both variants
    were called after the folder ("." and ". (compose)"), the listing said "pass --variant . (compose)",
    which a shell does not take, and `--variant docker-compose.yml` was refused."""
    shop = REALDATA / "sock-shop"
    res = import_paths([shop])
    hint = next(s for s in res.report.skipped if s.startswith("variant not imported"))
    assert hint.endswith("pass --variant docker-compose.yml to import it instead")
    compose = import_paths([shop], variant="docker-compose.yml")
    assert any("imported . (compose) [Compose docker-compose.yml] (--variant docker-compose.yml)" in w
               for w in compose.report.warnings)
    assert all("docker-compose.yml" in c.evidence[0] for c in compose.report.components if c.evidence)
    back = import_paths([shop], variant="complete-demo.yaml")
    assert any("imported . [Kubernetes manifests complete-demo.yaml] (--variant complete-demo.yaml)" in w
               for w in back.report.warnings)
    with pytest.raises(PrrError, match="no deployment variant matches 'nothing.yml'"):
        import_paths([shop], variant="nothing.yml")
