"""Session 31: importing whole repositories (the realdata folder) read too much and too little: a base image
taken for a call, warnings naming a renamed service by its old id, a load test's host argument not read,
two Kubernetes systems' same-named Deployments merged before the namesake rule, PetClinic's tracing calls
neither drawn nor said."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.importers.registry import import_paths

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
pytestmark = pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
PC, OTEL, SS = REALDATA / "spring-petclinic-repo", REALDATA / "opentelemetry-demo", REALDATA / "sock-shop"


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.csv"))
    return dst


# ------------------------------------------------------------------ 1. a base image is not a call
def test_a_dockerfiles_base_image_is_not_a_call_to_another_systems_service(tmp_path):
    _copy(PC, tmp_path / "spring-petclinic-repo")
    _copy(OTEL, tmp_path / "opentelemetry-demo")
    res = import_paths([tmp_path], scan_source=False)
    deps = res.review.dependencies
    assert "grafana-server->grafana" not in deps, deps["grafana-server->grafana"].evidence
    assert not any("FROM grafana/grafana" in e for d in deps.values() for e in d.evidence)
    # what the Grafana configuration does name is still read
    assert "grafana-server->prometheus-server" in deps


def test_an_image_reference_in_configuration_is_not_a_call(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: ./web\n  redis:\n    image: redis:7\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM redis:7 AS tools\nFROM python:3.12\n"
                                                 "COPY --from=redis:7 /usr/local/bin/redis-cli /bin/\n")
    (tmp_path / "web" / "settings.yaml").write_text("cache:\n  image: redis:7\n  base: docker.io/library/redis:7\n")
    res = import_paths([tmp_path])
    assert "web->redis" not in res.review.dependencies
    (tmp_path / "web" / "settings.yaml").write_text("cache:\n  address: redis:6379\n")
    res = import_paths([tmp_path])
    assert "web->redis" in res.review.dependencies  # an address still is one


# ------------------------------------------------------------------ 2. lines name elements as the review has them
def test_warnings_name_a_renamed_service_by_its_id_in_the_review(tmp_path):
    _copy(REALDATA / "online-boutique", tmp_path / "online-boutique")
    _copy(OTEL, tmp_path / "opentelemetry-demo")
    res = import_paths([tmp_path], scan_source=False)
    assert "opentelemetry-demo/frontend" in res.review.components and "frontend" in res.review.components
    lines = res.report.warnings + res.report.read
    order = [w for w in lines if "rests on depends_on alone" in w and "compose.yaml:299" in w]
    assert order and all("opentelemetry-demo/frontend -> quote" in w for w in order), order
    assert any("load-generator -> opentelemetry-demo/frontend" in w for w in lines), lines
    for w in lines:  # no line names the OTel frontend by the id the shop's frontend has
        assert "opentelemetry-demo/compose" not in w or " frontend -> " not in w and "-> frontend " not in w, w


# ------------------------------------------------------------------ 3. host arguments of a command
def test_a_commands_host_argument_naming_a_service_of_the_project_is_a_call(tmp_path):
    shutil.copy(SS / "docker-compose.yml", tmp_path / "docker-compose.yml")
    res = import_paths([tmp_path / "docker-compose.yml"])
    dep = res.review.dependencies.get("user-sim->edge-router")
    assert dep is not None, sorted(res.review.dependencies)
    assert any("docker-compose.yml:175" in e and "-h edge-router" in e for e in dep.evidence), dep.evidence
    assert any("175" in r and "user-sim -> edge-router" in r and "-h edge-router" in r for r in res.report.read)
    # "-d 60 -r 200 -c 2": no other word is taken for a host
    assert [d for d in res.review.dependencies if d.startswith("user-sim->")] == ["user-sim->edge-router"]


def test_only_option_values_that_name_services_of_the_project_are_read(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  worker:\n    image: me/worker\n    entrypoint: [\"worker\", \"--broker=queue\", \"--peers\", \"api,outside\"]\n"
        "    command: api --config api\n"
        "  api:\n    image: me/api\n    command: [\"serve\", \"--name\", \"api\"]\n"
        "  queue:\n    image: rabbitmq:3\n")
    res = import_paths([tmp_path / "compose.yaml"])
    deps = res.review.dependencies
    assert "worker->queue" in deps and "worker->api" in deps
    assert not any(d.startswith("api->") for d in deps)  # its own name is no call
    assert any("--broker queue" in r or "--broker queue" in r for r in res.report.read) or \
        any("--broker" in e for e in deps["worker->queue"].evidence)


# ------------------------------------------------------------------ 4. Kubernetes namesakes
APP = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: frontend}}
spec:
  selector: {{matchLabels: {{app: frontend}}}}
  template:
    metadata: {{labels: {{app: frontend}}}}
    spec:
      containers:
      - name: web
        image: {sys}/frontend:1
        env:
        - {{name: {var}, value: "{svc}:7070"}}
---
apiVersion: v1
kind: Service
metadata: {{name: frontend}}
spec: {{selector: {{app: frontend}}, ports: [{{port: 80}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {svc}}}
spec:
  selector: {{matchLabels: {{app: {svc}}}}}
  template:
    metadata: {{labels: {{app: {svc}}}}}
    spec:
      containers: [{{name: {svc}, image: {sys}/{svc}:1}}]
---
apiVersion: v1
kind: Service
metadata: {{name: {svc}}}
spec: {{selector: {{app: {svc}}}, ports: [{{port: 7070}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {more}}}
spec:
  selector: {{matchLabels: {{app: {more}}}}}
  template:
    metadata: {{labels: {{app: {more}}}}}
    spec:
      containers: [{{name: {more}, image: {sys}/{more}:1}}]
"""


def test_two_kubernetes_systems_with_a_deployment_of_one_name_are_kept_apart(tmp_path):
    for sys_, svc, more in (("blog", "posts", "comments"), ("shop", "cart", "users")):
        (tmp_path / sys_).mkdir()
        (tmp_path / sys_ / "app.yaml").write_text(APP.format(sys=sys_, svc=svc, more=more, var=svc.upper() + "_ADDR"))
    res = import_paths([tmp_path], scan_source=False)
    comps, deps = res.review.components, res.review.dependencies
    assert {"frontend", "shop/frontend", "posts", "cart"} <= set(comps), sorted(comps)
    assert "frontend->posts" in deps and "shop/frontend->cart" in deps, sorted(deps)
    assert "frontend->cart" not in deps
    assert not any("a duplicate, ignored" in w for w in res.report.warnings), res.report.warnings
    assert any("kept apart as shop/frontend" in w for w in res.report.warnings), res.report.warnings


# ------------------------------------------------------------------ 5. PetClinic's tracing
def test_petclinics_services_report_traces_to_the_tracing_server_soft_and_said(tmp_path):
    res = import_paths([_copy(PC, tmp_path / "pc")], scan_source=False)
    deps = res.review.dependencies
    callers = {"api-gateway", "customers-service", "genai-service", "vets-service", "visits-service"}
    drawn = {d.source for d in deps.values() if d.target == "tracing-server"}
    assert drawn == callers, drawn
    for c in callers:
        dep = deps[f"{c}->tracing-server"]
        assert dep.kind == "soft" and any("pom.xml" in e and "zipkin" in e for e in dep.evidence), dep.evidence
    said = [r for r in res.report.read if r.startswith("telemetry:") and "tracing-server" in r]
    assert len(said) == 1 and all(c in said[0] for c in callers), res.report.read


def test_a_zipkin_reporter_without_a_zipkin_server_is_said_not_guessed(tmp_path):
    repo = _copy(PC, tmp_path / "pc")
    text = (repo / "docker-compose.yml").read_text()
    (repo / "docker-compose.yml").write_text(text.replace("tracing-server", "spans-sink"))
    res = import_paths([repo], scan_source=False)
    assert not any(d.target == "spans-sink" for d in res.review.dependencies.values())
    assert any(s.startswith("telemetry:") and "no Zipkin or tracing server is deployed" in s
               for s in res.report.skipped), res.report.skipped
