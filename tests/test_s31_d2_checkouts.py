"""Session 31, unseen checkouts (helper d2): deployment files under a build-output folder, variants found by
the images they run, databases named by a connection URL that no file deploys, and Structurizr workspaces
that extend one base."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers import repository


def _write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


COMPOSE = """services:
  ui:
    image: example/shop-ui:1.0
    ports: ["8080:8080"]
    environment:
      - ENDPOINTS_CATALOG=http://catalog:8080
  catalog:
    image: example/shop-catalog:1.0
"""


# -------------------------------------------------------------- 1. build-output folders
def test_deployment_files_only_under_dist_are_named_with_the_folder_to_import(tmp_path, capsys):
    co = tmp_path / "retail-store"
    _write(co, "dist/docker-compose/docker-compose.yml", COMPOSE)
    with pytest.raises(PrrError) as e:
        repository.import_folder([co])
    msg = str(e.value)
    assert "holds no files" not in msg
    assert "under dist/, a folder skipped as build output" in msg
    assert "dist/docker-compose/docker-compose.yml" in msg and f"prr import {co}/dist" in msg
    # beside other files (a README), the same words, not "nothing that describes a deployment"
    _write(co, "README.md", "# shop\n")
    with pytest.raises(PrrError, match="under dist/, a folder skipped as build output"):
        repository.import_folder([co])
    # the CLI: one line, exit 2
    assert main(["import", str(co), "-o", str(tmp_path / "r.prr")]) == 2
    err = capsys.readouterr().err
    assert "skipped as build output" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_empty_folder_still_holds_no_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PrrError, match="the folder holds no files"):
        repository.import_folder([tmp_path / "empty"])


def test_dist_imported_directly_is_named_after_the_checkout(tmp_path):
    dist = _write(tmp_path / "retail-store", "dist/docker-compose.yml", COMPOSE).parent
    res = repository.import_folder([dist])
    assert res.review.meta.system_name == "retail-store"


# -------------------------------------------------------------- 2. variants by their images
def test_compose_and_kustomize_of_one_app_named_apart_are_variants_by_their_images(tmp_path):
    co = tmp_path / "hotrod"
    _write(co, "docker-compose.yml", """services:
  jaeger:
    image: jaegertracing/all-in-one:${JAEGER_VERSION:-latest}
  hotrod:
    image: jaegertracing/example-hotrod:${JAEGER_VERSION:-latest}
    ports: ["8080:8080"]
    environment:
      - OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318
""")
    _write(co, "kubernetes/deployment.yaml", """apiVersion: apps/v1
kind: Deployment
metadata: {name: example-hotrod}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: example-hotrod}}
    spec:
      containers:
      - name: hotrod
        image: cr.jaegertracing.io/jaegertracing/example-hotrod:latest
""")
    res = repository.import_folder([co], scan_source=False)
    names = {c.name for c in res.review.components.values()}
    assert "example-hotrod" not in names and "hotrod" in names  # one deployment imported, not both
    said = [w for w in res.report.warnings if w.startswith("variants of one deployment")]
    assert said and "taken for variants by the images they run" in said[0]
    assert "jaegertracing/example-hotrod" in said[0]
    assert any("the same images: jaegertracing/example-hotrod" in s for s in res.report.skipped)


def test_systems_sharing_only_public_images_are_not_variants(tmp_path):
    co = tmp_path / "mono"
    for app, web in (("shop", "storefront"), ("blog", "posts")):
        _write(co, f"{app}/docker-compose.yml", f"""services:
  {web}:
    image: acme/{web}:1
    environment:
      - DB=postgres://{app}-db:5432/x
  {app}-db:
    image: postgres:16
  cache:
    image: bitnami/redis:7
""")
    res = repository.import_folder([co], scan_source=False)
    names = {c.name for c in res.review.components.values()}
    assert {"storefront", "posts"} <= names
    assert not any(w.startswith("variants of one deployment") for w in res.report.warnings)


def test_image_repository_without_registry_or_tag():
    assert repository._image_repository("cr.jaegertracing.io/jaegertracing/example-hotrod:latest") == \
        "jaegertracing/example-hotrod"
    assert repository._image_repository("jaegertracing/example-hotrod:${V:-latest}") == "jaegertracing/example-hotrod"
    assert repository._image_repository("docker.io/library/redis:7@sha256:abc") == "redis"
    assert repository._image_repository("localhost:5000/acme/app") == "acme/app"


# -------------------------------------------------------------- 3. databases named by a connection URL
def _petclinic(root: Path, *, db_host: str) -> Path:
    co = root / "petclinic"
    for name, db in (("customers-service", db_host), ("vets-service", None)):
        env = (f"""
        env:
        - name: SPRING_DATASOURCE_URL
          value: jdbc:mysql://{db}:3306/petclinic?useSSL=false""" if db else "")
        _write(co, f"k8s/{name}.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: main
        image: acme/{name}:1{env}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 8080}}]
""")
    return co


def test_a_database_named_by_a_jdbc_url_and_not_deployed_is_a_component(tmp_path):
    co = _petclinic(tmp_path, db_host="customers-db-mysql.spring-pet-clinic.svc.cluster.local")
    res = repository.import_folder([co], scan_source=False)
    rv = res.review
    db = rv.components.get("customers-db-mysql")
    assert db is not None and db.kind == "datastore" and repository.NOT_DEPLOYED in db.tags
    dep = rv.dependencies["customers-service->customers-db-mysql"]
    assert dep.kind == "hard"
    assert any("k8s/customers-service.yaml:" in e and "jdbc:mysql://customers-db-mysql" in e for e in dep.evidence)
    assert any(w.startswith("customers-db-mysql: a database customers-service names by a connection URL")
               and "confirm where it runs" in w for w in res.report.warnings)
    assert not any("customers-db-mysql" in d for d in res.report.dangling)
    ev = {i.element: i.evidence for i in res.report.components}
    assert ev["customers-db-mysql"] and "no file read deploys it" in ev["customers-db-mysql"][0]


def test_the_database_is_a_single_point_of_failure_in_the_analysis(tmp_path, capsys):
    co = _petclinic(tmp_path, db_host="customers-db-mysql")
    out = tmp_path / "pc.prr"
    assert main(["import", str(co), "-o", str(out)]) == 0
    capsys.readouterr()
    main(["analyze", str(out)])
    assert "component customers-db-mysql" in capsys.readouterr().out


def test_a_public_host_is_not_added_as_a_database(tmp_path):
    co = _petclinic(tmp_path, db_host="shop.abc123.eu-west-1.rds.amazonaws.com")
    res = repository.import_folder([co], scan_source=False)
    assert not any(repository.NOT_DEPLOYED in c.tags for c in res.review.components.values())


def test_a_typo_of_a_deployed_service_is_said_not_added(tmp_path):
    co = _petclinic(tmp_path, db_host="vets-servise")
    res = repository.import_folder([co], scan_source=False)
    assert not any(repository.NOT_DEPLOYED in c.tags for c in res.review.components.values())
    assert any("a typo?" in w and "vets-service" in w for w in res.report.warnings)


# -------------------------------------------------------------- 4. workspaces extending one base
CATALOG = """workspace {
    model {
        customer = person "Customer"
        orderService = softwareSystem "Order Service"
        invoiceService = softwareSystem "Invoice Service"
        customerService = softwareSystem "Customer Service"
    }
}
"""


def test_workspaces_extending_one_base_for_different_systems_are_imported_together(tmp_path):
    co = tmp_path / "system-catalog"
    _write(co, "dsl/catalog.dsl", CATALOG)
    _write(co, "dsl/order-service/workspace.dsl", """workspace extends ../catalog.dsl {
    model {
        !ref orderService {
            webapp = container "Orders UI"
            database = container "Orders Database"
            customer -> webapp "Makes orders using"
            webapp -> customerService "Gets customer data from"
            webapp -> database "Reads from and writes to"
        }
    }
}
""")
    _write(co, "dsl/customer-service/workspace.dsl", """workspace extends ../catalog.dsl {
    model {
        !ref customerService {
            api = container "Customer API"
            database = container "Customer Database"
            api -> database "Reads from and writes to"
        }
    }
}
""")
    _write(co, "dsl/invoice-service/workspace.dsl", """workspace extends ../catalog.dsl {
    model {
        customer -> invoiceService "Gets invoices from"
        invoiceService -> customerService "Gets customer data from"
    }
}
""")
    res = repository.import_folder([co], scan_source=False)
    names = {c.name for c in res.review.components.values()}
    assert {"Orders UI", "Orders Database", "Customer API", "Customer Database"} <= names
    assert not any(w.startswith("variants of one deployment") for w in res.report.warnings)
    # one model: an element of the catalog is one component, not one per workspace, and a system another
    # workspace details by its containers is those containers (a call to it reaches its entry container)
    assert not any("/" in cid for cid in res.review.components)
    assert "Customer Service" not in names and "invoice-service->customer-api" in res.review.dependencies
    # the invoice workspace says the customer uses Invoice Service: kept on the one component
    assert res.review.components["invoice-service"].user_facing
    assert any(line.startswith("workspaces that extend one base and model different systems, read as one model")
               for line in res.report.read)


def test_workspaces_extending_one_base_with_the_same_elements_stay_variants(tmp_path):
    co = tmp_path / "ws"
    _write(co, "catalog.dsl", CATALOG)
    body = """workspace extends {base} {{
    model {{
        !ref orderService {{
            webapp = container "Orders UI"
            database = container "Orders Database"
            webapp -> database "Reads from and writes to"
        }}
    }}
}}
"""
    _write(co, "prod/workspace.dsl", body.format(base="../catalog.dsl"))
    _write(co, "staging/workspace.dsl", body.format(base="../catalog.dsl"))
    res = repository.import_folder([co], scan_source=False)
    assert any(w.startswith("variants of one deployment") for w in res.report.warnings)
