"""Session 31 (d1): Kubernetes and recognition on repositories the import had never seen (Spring
PetClinic cloud, HotROD, the AWS retail store): a metrics exporter's address taken for four hard calls
and its proxy for the critical SPOF; Spring Cloud Gateway routes in a ConfigMap Spring Cloud Kubernetes
loads by the application's name, unread; HotROD tagged a telemetry hub for its image's organisation; a
ConfigMap defined twice, where the import kept the copy ``kubectl apply`` replaces."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.graph import recognise, telemetry_var
from prr_app.importers.registry import import_paths


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _deployment(name: str, image: str, env: dict[str, str] | None = None, ns: str = "") -> str:
    env_lines = "".join(f"        - {{name: {k}, value: \"{v}\"}}\n" for k, v in (env or {}).items())
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}{', namespace: ' + ns if ns else ''}}}\n"
            f"spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec:\n      containers:\n      - name: {name}\n        image: {image}\n"
            + (f"        env:\n{env_lines}" if env_lines else ""))


def _service(name: str, port: int = 8080, ns: str = "") -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}{', namespace: ' + ns if ns else ''}}}\n"
            f"spec: {{selector: {{app: {name}}}, ports: [{{port: {port}}}]}}\n")


# ------------------------------------------------------------ 1. a telemetry exporter's address
def test_a_metrics_exporters_address_is_a_soft_telemetry_call_and_its_target_a_hub(tmp_path):
    # PetClinic cloud: every service exports metrics to a proxy with an unremarkable name
    docs = [_deployment("web", "shop/web:1", {"MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI": "proxy://metrics-relay:2878",
                                              "CATALOG_URL": "http://catalog:8080"}),
            _deployment("catalog", "shop/catalog:1", {"MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI":
                                                      "proxy://metrics-relay.default.svc.cluster.local:2878"}),
            _deployment("metrics-relay", "shop/relay:1"),
            _service("web"), _service("catalog"), _service("metrics-relay", 2878)]
    f = _write(tmp_path, {"k8s.yaml": "---\n".join(docs)}) / "k8s.yaml"
    res = import_paths([f])
    review = res.review
    assert "telemetry" in review.components["metrics-relay"].tags
    for src in ("web", "catalog"):
        dep = review.dependencies[f"{src}->metrics-relay"]
        assert dep.kind == "soft"
        assert any("(telemetry)" in e for e in dep.evidence)
    assert review.dependencies["web->catalog"].kind == "hard"  # an ordinary call stays one
    ev = next(i.evidence for i in res.report.components if i.element == "metrics-relay")
    assert any("MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI names it" in e for e in ev)


def test_wavefronts_proxy_is_a_telemetry_hub_by_its_image():
    assert "telemetry" in recognise("wavefront-proxy", "wavefronthq/proxy:latest")[1]
    assert "telemetry" in recognise("wf", "wavefronthq/proxy:latest")[1]  # the organisation's own proxy


@pytest.mark.parametrize("var,telemetry", [
    ("MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI", True), ("MANAGEMENT_ZIPKIN_TRACING_ENDPOINT", True),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", True), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", True), ("SPRING_ZIPKIN_BASE_URL", True),
    ("JAEGER_AGENT_HOST", True), ("STATSD_HOST", True), ("DD_AGENT_HOST", True), ("DATADOG_HOST", True),
    ("NEW_RELIC_HOST", True), ("WAVEFRONT_PROXY_HOST", True), ("METRICS_EXPORTER_URL", True),
    ("TRACING_COLLECTOR_ENDPOINT", True),
    ("CATALOG_URL", False), ("METRICS_SERVICE_URL", False), ("LOG_SERVICE_URL", False), ("ORDERS_HOST", False),
])
def test_which_variables_name_a_telemetry_exporters_address(var, telemetry):
    assert telemetry_var(var) is telemetry


def test_a_telemetry_variable_naming_a_datastore_or_a_gateway_does_not_make_it_a_hub(tmp_path):
    # OTLP sent through the front proxy (the OpenTelemetry demo's browser traces): the proxy stays what it is
    docs = [_deployment("web", "shop/web:1", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://frontend-proxy:8080/otlp-http"}),
            _deployment("frontend-proxy", "envoyproxy/envoy:v1.30"),
            _service("web"), _service("frontend-proxy")]
    f = _write(tmp_path, {"k8s.yaml": "---\n".join(docs)}) / "k8s.yaml"
    review = import_paths([f]).review
    assert "telemetry" not in review.components["frontend-proxy"].tags
    assert review.dependencies["web->frontend-proxy"].kind == "soft"  # the call itself is telemetry


# ------------------------------------------------------------ 3. a hub by its image's repository name
@pytest.mark.parametrize("name,image,telemetry", [
    ("hotrod", "jaegertracing/example-hotrod:1.52", False),  # Jaeger's organisation, not Jaeger
    ("web", "jaegertracing/example-hotrod:latest", False),
    ("tracing", "jaegertracing/all-in-one:1.57", True),  # Jaeger's own all-in-one image
    ("tracing", "jaegertracing/jaeger:2.1", True),
    ("tracing", "docker.io/jaegertracing/jaeger-collector:1.57", True),
    ("logs", "datalust/seq:latest", True),
    ("dashboards", "grafana/grafana:10.0", True),
    ("shop", "grafana/shop-demo:1", False),  # an organisation that is a hub's name runs other things too
    ("agent", "datadog/agent:7", True),
])
def test_a_hub_is_known_by_its_images_repository_name_not_its_organisation(name, image, telemetry):
    assert ("telemetry" in recognise(name, image)[1]) is telemetry


def test_hotrods_own_calls_stay_hard(tmp_path):
    root = _write(tmp_path, {"docker-compose.yml": (
        "services:\n  web:\n    image: jaegertracing/example-hotrod:1.52\n    ports: ['8080:8080']\n"
        "    environment:\n      - PRODUCTS_URL=http://products:8080\n  products:\n    image: myorg/products:1\n")})
    review = import_paths([root / "docker-compose.yml"]).review
    assert "telemetry" not in review.components["web"].tags
    assert review.components["web"].user_facing
    assert review.dependencies["web->products"].kind == "hard"


# ------------------------------------------------------------ 4. an object defined twice
DUP = """apiVersion: v1
kind: ConfigMap
metadata: {name: web}
data:
  ENDPOINTS_CATALOG: http://catalog
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
data:
  ENDPOINTS_CATALOG: http://catalog
  ENDPOINTS_CARTS: http://carts
---
""" + "---\n".join([
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
    "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n"
    "        image: web:1\n        envFrom: [{configMapRef: {name: web}}]\n",
    _deployment("catalog", "catalog:1"), _service("catalog", 80), _deployment("carts", "carts:1"), _service("carts", 80)])


def test_an_object_defined_twice_is_the_last_copy_as_kubectl_apply_leaves_it(tmp_path):
    f = _write(tmp_path, {"app.yaml": DUP}) / "app.yaml"
    res = import_paths([f])
    assert {"web->catalog", "web->carts"} <= set(res.review.dependencies)
    warn = [w for w in res.report.warnings if "ConfigMap web" in w]
    assert len(warn) == 1
    assert "app.yaml:7" in warn[0] and "app.yaml:1" in warn[0]
    assert "the last copy is used" in warn[0]  # kubectl apply replaces the first with the second
    assert "ENDPOINTS_CARTS" in warn[0]  # what differs, in a few words


def test_two_identical_copies_are_said_identical(tmp_path):
    one = _deployment("catalog", "catalog:1") + "---\n" + _service("catalog", 80)
    f = _write(tmp_path, {"app.yaml": one + "---\n" + one}) / "app.yaml"
    res = import_paths([f])
    assert len(res.review.components) == 1
    warn = [w for w in res.report.warnings if "Deployment catalog" in w]
    assert len(warn) == 1 and "identical" in warn[0]


# ------------------------------------------------------------ 2. a Spring configuration in a ConfigMap
SPRING_CM = """apiVersion: v1
kind: ConfigMap
metadata: {name: NAME}
data:
  application.yaml: |-
    customers-service-id: http://customers-service:8080
    visits-service-id: http://vists-service:8080
    spring:
      cloud:
        gateway:
          routes:
            - id: vets-service
              uri: http://vets-service:8080
              predicates:
                - Path=/api/vet/**
            - id: customers-service
              uri: http://customers-service.default.svc.cluster.local:8080
"""


def _petclinic(root: Path, cm_name: str, gateway_env: dict[str, str] | None = None) -> Path:
    docs = [SPRING_CM.replace("NAME", cm_name), _deployment("api-gateway", "petclinic/api-gateway:1", gateway_env),
            _service("api-gateway")]
    for s in ("customers-service", "vets-service", "visits-service"):
        docs += [_deployment(s, f"petclinic/{s}:1"), _service(s)]
    return _write(root, {"k8s.yaml": "---\n".join(docs)}) / "k8s.yaml"


def _check_gateway(res) -> None:
    deps = res.review.dependencies
    assert {"api-gateway->vets-service", "api-gateway->customers-service"} <= set(deps), sorted(deps)
    assert any(e.startswith("k8s.yaml:13: ConfigMap") and "route vets-service" in e
               for e in deps["api-gateway->vets-service"].evidence), deps["api-gateway->vets-service"].evidence
    assert any(e.startswith("k8s.yaml:6: ") and "customers-service-id" in e
               for e in deps["api-gateway->customers-service"].evidence)
    assert "api-gateway->visits-service" not in deps  # the address is misspelt upstream
    dangling = [d for d in res.report.dangling if "vists-service" in d]
    assert len(dangling) == 1 and dangling[0].startswith("k8s.yaml:7: ") and "visits-service is nearly" in dangling[0]


def test_a_configmap_named_after_the_application_is_its_spring_configuration(tmp_path):
    # Spring Cloud Kubernetes loads the ConfigMap named after the application: no workload mounts it
    res = import_paths([_petclinic(tmp_path, "api-gateway")])
    _check_gateway(res)
    assert any("read as the Spring configuration of api-gateway" in r for r in res.report.read)


def test_the_configmap_a_container_names_for_spring_cloud_kubernetes(tmp_path):
    res = import_paths([_petclinic(tmp_path, "petclinic-config",
                                   {"SPRING_CLOUD_KUBERNETES_CONFIG_NAME": "petclinic-config"})])
    _check_gateway(res)


def test_a_spring_configmap_nothing_loads_is_said_and_not_read(tmp_path):
    res = import_paths([_petclinic(tmp_path, "shop-config")])
    assert "api-gateway->vets-service" not in res.review.dependencies
    assert any("ConfigMap shop-config holds a Spring configuration" in s and "not read" in s
               for s in res.report.skipped)


def test_the_configmap_a_checkouts_bootstrap_names_with_a_near_miss(tmp_path):
    # PetClinic cloud: bootstrap.yml asks for petclinic-config, the manifest names it pet-clinic-config
    from prr_app.importers.call_policies import spring_kubernetes_names
    from prr_app.importers.kubernetes import read_kubernetes

    boot = ("spring:\n  application:\n    name: api-gateway\n---\nspring:\n  config:\n    activate:\n"
            "      on-profile: kubernetes\n  cloud:\n    kubernetes:\n      config:\n        enabled: true\n"
            "        name: petclinic-config\n")
    names = spring_kubernetes_names([("gw/src/main/resources/bootstrap.yml", boot), ("k8s.yaml", "x")])
    assert names == {"petclinic-config": [("api-gateway", "gw/src/main/resources/bootstrap.yml:13")]}
    f = _petclinic(tmp_path, "pet-clinic-config")
    res = read_kubernetes([f], spring_names=names)
    _check_gateway(res)
    warn = [w for w in res.report.warnings if "ConfigMap pet-clinic-config" in w]
    assert len(warn) == 1 and "petclinic-config" in warn[0] and "bootstrap.yml:13" in warn[0]


def test_a_mounted_spring_configmap_is_left_to_the_mount(tmp_path):
    f = _petclinic(tmp_path, "api-gateway")
    f.write_text(f.read_text().replace(
        "        image: petclinic/api-gateway:1\n",
        "        image: petclinic/api-gateway:1\n      volumes: [{name: c, configMap: {name: api-gateway}}]\n"))
    res = import_paths([f])
    assert "api-gateway->vets-service" not in res.review.dependencies
