"""A checkout whose gateway loads its routes from a ConfigMap by name (Spring Cloud Kubernetes, named in
the gateway's bootstrap.yml) gets the gateway's calls from that ConfigMap: the names the checkout's
Spring files give reach the Kubernetes import (PetClinic cloud: its three routes were not read, and its
services ranked low)."""
from __future__ import annotations

from prr_app.importers import repository


def _deployment(name: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: {name}, image: shop/{name}}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 8080}}]}}
"""


CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config}
data:
  application.yaml: |-
    spring:
      cloud:
        gateway:
          routes:
            - id: vets
              uri: http://vets-service:8080
              predicates: [Path=/api/vet/**]
            - id: visits
              uri: http://visits-service:8080
              predicates: [Path=/api/visit/**]
"""

BOOTSTRAP = """spring:
  application:
    name: api-gateway
  cloud:
    kubernetes:
      config:
        name: shop-config
"""


def test_a_gateways_routes_in_a_configmap_it_loads_by_name_are_its_calls(tmp_path):
    co = tmp_path / "shop"
    (co / "k8s").mkdir(parents=True)
    for name in ("api-gateway", "vets-service", "visits-service"):
        (co / "k8s" / f"{name}.yaml").write_text(_deployment(name))
    (co / "k8s" / "config.yaml").write_text(CONFIGMAP)
    res_dir = co / "api-gateway" / "src" / "main" / "resources"
    res_dir.mkdir(parents=True)
    (res_dir / "bootstrap.yml").write_text(BOOTSTRAP)
    res = repository.import_folder([co], scan_source=False)
    deps = res.review.dependencies
    assert "api-gateway->vets-service" in deps and "api-gateway->visits-service" in deps
    assert any("k8s/config.yaml" in e and "route" in e for e in deps["api-gateway->vets-service"].evidence)
