"""Readiness facts from Kubernetes manifests (session 31, helper e2): a sidecar's probes do not stand for the
application's, a container without probes is said, replicas 0 is 0, the copy of an object the import keeps is
the one read, a probe on a port the container does not have is said, an autoscaler whose target is not in
the files is said in the import's words."""
from __future__ import annotations

import textwrap

from prr_app.importers.readiness import extract
from prr_app.importers.readiness.common import sidecar_image, sidecars
from prr_app.review.importing import import_review


def _import(tmp_path, files: dict[str, str]):
    root = tmp_path / "repo"
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    res = import_review([root])
    return res, extract(res)


def _line(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line]
    return hits[nth - 1]


def _deploy(name: str, containers: str, replicas: str = "replicas: 2") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
{textwrap.indent(textwrap.dedent(containers), '      ')}---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports:
  - port: 8080
"""


WEB = _deploy("web", """\
- name: web
  image: example/web:1.0
  ports:
  - containerPort: 8080
- name: envoy
  image: envoyproxy/envoy:v1.29.0
  readinessProbe:
    httpGet: {path: /ready, port: 9901}
  livenessProbe:
    tcpSocket: {port: 9901}
""")


# ------------------------------------------------------------------ 1. sidecars
def test_a_sidecars_probes_do_not_stand_for_the_applications(tmp_path):
    res, facts = _import(tmp_path, {"app.yaml": WEB})
    fs = facts.of("k8s.probes", "web")
    side = [f for f in fs if f.part == "envoy"]
    assert sorted(f.signal for f in side) == ["sidecar-liveness", "sidecar-readiness"]
    assert all("on sidecar envoy (image envoyproxy/envoy:v1.29.0): it checks the sidecar, not the application"
               in f.what for f in side)
    # the application's container is said, with its own line
    absent = [f for f in fs if f.signal == "absent"]
    assert [(f.part, f.line) for f in absent] == [("web", _line(WEB, "- name: web"))]
    assert absent[0].what == ("no liveness or readiness probe on container web of Deployment web; the probes of "
                              "sidecar envoy check the sidecar, not the application")
    p = res.review.proposals["svc.probes@web"]
    assert p.status == "not_met" and "container web of Deployment web" in p.reason


def test_the_applications_probes_count_beside_a_mesh_proxy(tmp_path):
    text = _deploy("api", """\
- name: istio-proxy
  image: docker.io/istio/proxyv2:1.20.0
  readinessProbe:
    httpGet: {path: /healthz/ready, port: 15021}
- name: app
  image: example/api:1
  ports:
  - containerPort: 8080
  readinessProbe:
    httpGet: {path: /ready, port: 8080}
  livenessProbe:
    httpGet: {path: /live, port: 8080}
""")
    res, facts = _import(tmp_path, {"app.yaml": text})
    fs = facts.of("k8s.probes", "api")
    assert {(f.part, f.signal) for f in fs} == {("istio-proxy", "sidecar-readiness"), ("app", "readiness"),
                                                ("app", "liveness")}
    assert res.review.proposals["svc.probes@api"].status == "met"


def test_a_gateways_own_envoy_is_its_application(tmp_path):
    text = _deploy("edge", """\
- name: envoy
  image: envoyproxy/envoy:v1.29.0
  readinessProbe:
    httpGet: {path: /ready, port: 9901}
  livenessProbe:
    tcpSocket: {port: 9901}
""")
    res, facts = _import(tmp_path, {"app.yaml": text})
    assert {f.signal for f in facts.of("k8s.probes", "edge")} == {"readiness", "liveness"}
    assert res.review.proposals["svc.probes@edge"].status == "met"


def test_which_containers_are_sidecars():
    # one container is the application, whatever its image
    assert sidecars([("envoy", "envoyproxy/envoy:v1")], "edge") == {}
    # the container named like the workload is the application; the others are beside it (Grafana's k8s-sidecars)
    got = sidecars([("grafana-sc-alerts", "quay.io/kiwigrid/k8s-sidecar:1.30"), ("grafana", "grafana/grafana:12"),
                    ("flagd-ui", "ghcr.io/x/demo:ui")], "grafana")
    assert got == {"grafana-sc-alerts": "image quay.io/kiwigrid/k8s-sidecar:1.30",
                   "flagd-ui": "beside container grafana, the workload's own"}
    # no container named like the workload: helpers by image; the others are all the application's
    assert sidecars([("rabbit", "rabbitmq:3"), ("exporter", "kbudde/rabbitmq-exporter")], "mq") == \
        {"exporter": "image kbudde/rabbitmq-exporter"}
    assert sidecars([("a", "example/a:1"), ("b", "example/b:1")], "ab") == {}
    # every container a helper: the first is the application
    assert set(sidecars([("envoy", "envoyproxy/envoy:v1"), ("fluent-bit", "fluent/fluent-bit:2")], "gw")) == \
        {"fluent-bit"}
    for image, name in (("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.1", "sql"),
                        ("cr.l5d.io/linkerd/proxy:stable-2.14", "linkerd-proxy"),
                        ("gcr.io/cloudsql-docker/gce-proxy:1.33", "x"), ("docker.io/istio/proxyv2:1.20", "x")):
        assert sidecar_image(image, name), image
    for image in ("nginx:1.25", "example/envoy-config-service:1", "redis:7", "postgres:16"):
        assert not sidecar_image(image, "app"), image


def test_an_application_container_without_probes_beside_one_with_them_is_said(tmp_path):
    text = _deploy("duo", """\
- name: api
  image: example/api:1
  readinessProbe:
    httpGet: {path: /ready, port: 8080}
  livenessProbe:
    httpGet: {path: /live, port: 8080}
- name: worker
  image: example/worker:1
  startupProbe:
    exec: {command: [true]}
""")
    _res, facts = _import(tmp_path, {"app.yaml": text})
    absent = [f for f in facts.of("k8s.probes", "duo") if f.signal == "absent"]
    assert [(f.part, f.line) for f in absent] == [("worker", _line(text, "- name: worker"))]
    assert "(a startup probe only, which stops checking once the container has started)" in absent[0].what


def test_a_pod_with_no_probe_at_all_keeps_its_one_fact(tmp_path):
    text = _deploy("plain", """\
- name: plain
  image: example/plain:1
""")
    _res, facts = _import(tmp_path, {"app.yaml": text})
    fs = facts.of("k8s.probes", "plain")
    assert [(f.signal, f.part, f.what) for f in fs] == [
        ("absent", "", "no liveness or readiness probe on any container of Deployment plain")]


# ------------------------------------------------------------------ 2. replicas 0
def test_replicas_zero_is_zero_not_unknown(tmp_path):
    text = _deploy("worker", """\
- name: worker
  image: example/worker:1
""", replicas="replicas: 0")
    res, facts = _import(tmp_path, {"a.yaml": text})
    r = [f for f in facts.of("k8s.topology-spread", "worker") if f.signal == "replicas"]
    assert [(f.what, f.value, f.line) for f in r] == [("Deployment worker: scaled to 0 (replicas 0)", "0",
                                                       _line(text, "replicas: 0"))]
    assert not any("None" in f.what for f in facts.facts)
    p = res.review.proposals["svc.instances-spread@worker"]
    assert "None" not in p.reason and "one instance per node" not in p.reason and "zones of those nodes" not in p.reason


def test_replicas_that_are_no_number_are_taken_as_the_import_takes_them(tmp_path):
    text = _deploy("worker", """\
- name: worker
  image: example/worker:1
""", replicas="replicas: three")
    res, facts = _import(tmp_path, {"a.yaml": text})
    assert any("spec.replicas should be a whole number, not 'three'; using 1" in w for w in res.report.warnings)
    r = [f for f in facts.of("k8s.topology-spread", "worker") if f.signal == "replicas"]
    assert [(f.what, f.value) for f in r] == [
        ("Deployment worker: 1 replica(s) (spec.replicas should be a whole number, not 'three'; using 1)", "1")]


# ------------------------------------------------------------------ 3. duplicates across variant files
def test_the_facts_follow_the_copy_the_import_keeps(tmp_path):
    first = _deploy("ui", """\
- name: ui
  image: example/ui:1
  resources:
    requests: {cpu: 500m, memory: 1Gi}
    limits: {cpu: 1, memory: 2Gi}
""", replicas="replicas: 3")
    last = _deploy("ui", """\
- name: ui
  image: example/ui:2
""", replicas="replicas: 1")
    res, facts = _import(tmp_path, {"k8s/a-autoscaling.yaml": first, "k8s/b-loadbalancer.yaml": last})
    assert any("is already defined at" in w and "the last copy is used" in w for w in res.report.warnings)
    mine = [f for f in facts.facts if f.component == "ui"]
    assert mine and {f.file for f in mine} == {"k8s/b-loadbalancer.yaml"}, [f.text for f in mine]
    assert [f.signal for f in facts.of("k8s.resources", "ui")] == ["absent"]
    assert [f.value for f in facts.of("k8s.topology-spread", "ui") if f.signal == "replicas"] == ["1"]
    p = res.review.proposals["svc.resource-limits@ui"]
    assert p.status == "not_met" and "a-autoscaling" not in p.reason + " ".join(p.evidence)


# ------------------------------------------------------------------ 4. a probe on a port the container has not
PAY = _deploy("pay", """\
- name: pay
  image: example/pay:1.0
  ports:
  - name: http
    containerPort: 8080
  readinessProbe:
    httpGet: {path: /ready, port: 9090}
  livenessProbe:
    tcpSocket:
      port: metrics
  startupProbe:
    httpGet: {path: /started, port: http}
""")


def test_a_probe_on_a_port_the_container_does_not_expose_is_said(tmp_path):
    _res, facts = _import(tmp_path, {"app.yaml": PAY})
    bad = [f for f in facts.of("k8s.probes", "pay") if f.signal == "unexposed-port"]
    assert [(f.value, f.part, f.line) for f in bad] == [("readiness", "pay", _line(PAY, "port: 9090")),
                                                        ("liveness", "pay", _line(PAY, "port: metrics"))]
    assert bad[0].what == ("readiness probe of container pay on port 9090: the container does not declare it (its "
                           "ports: http 8080): the probe passes only if the application listens there all the same")
    assert bad[1].what == ("liveness probe of container pay on port metrics: no port of the container is named "
                           "metrics (its ports: http 8080): it never passes")
    # the probes themselves are still facts, as before
    assert {f.signal for f in facts.of("k8s.probes", "pay")} >= {"readiness", "liveness", "startup"}


def test_probe_ports_that_are_fine_say_nothing(tmp_path):
    text = _deploy("ok", """\
- name: ok
  image: example/ok:1
  ports:
  - {name: http, containerPort: 8080}
  readinessProbe:
    httpGet: {path: /ready, port: http}
  livenessProbe:
    httpGet: {path: /live, port: 8080}
- name: bare
  image: example/bare:1
  readinessProbe:
    tcpSocket: {port: 9000}
  livenessProbe:
    exec: {command: [true]}
""")
    _res, facts = _import(tmp_path, {"app.yaml": text})
    assert not [f for f in facts.facts if f.signal == "unexposed-port"]


# ------------------------------------------------------------------ 5. an autoscaler whose target is not there
def test_an_autoscaler_of_a_workload_not_in_the_files_is_said_as_the_import_says_it(tmp_path):
    carts = _deploy("carts", """\
- name: carts
  image: example/carts:1
""")
    hpa = """\
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: cart
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: cart
  minReplicas: 1
  maxReplicas: 10
"""
    res, facts = _import(tmp_path, {"deploy/carts.yaml": carts, "autoscaling/cart-hsc.yaml": hpa})
    fs = facts.of("k8s.hpa")
    assert [(f.component, f.signal, f.value, f.file, f.line) for f in fs] == [
        ("", "no-target", "cart", "autoscaling/cart-hsc.yaml", 1)]
    # the same words as the import's dangling line
    assert f"{fs[0].where}: {fs[0].what}" in res.report.dangling
    assert fs[0].what == ("HorizontalPodAutoscaler cart scales Deployment cart, which is not in these files "
                          "(did you mean carts? not applied)")
