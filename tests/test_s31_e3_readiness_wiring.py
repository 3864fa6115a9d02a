"""The readiness facts of session 31 wired into the proposals (helper e3): an autoscaler whose target is not in
the files is said, not counted; a container with no probe counts though another has probes; a probe on a port
name the container does not define never passes, one on an undeclared number is a caution; a workload scaled
to 0 is not "one instance"; a sidecar's image does not decide what the component is."""
from __future__ import annotations

from test_readiness_evidence import _import


def _deploy(name: str, containers: str, replicas: str = "replicas: 2") -> str:
    body = "\n".join("      " + line for line in containers.splitlines())
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
{body}
"""


def _hpa(name: str, target: str) -> str:
    return f"""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: 2
  maxReplicas: 6
"""


PROBED = """\
  readinessProbe:
    httpGet: {path: /ready, port: 8080}
  livenessProbe:
    httpGet: {path: /live, port: 8080}"""


def test_an_autoscaler_whose_target_is_not_in_the_files_is_said_not_counted(tmp_path):
    """sock-shop's ``cart`` autoscaler (the Deployment is ``carts``) made "8 workloads" of 7."""
    app = "- name: carts\n  image: example/carts:1\n" + PROBED
    files = {"k8s/carts.yaml": _deploy("carts", app), "k8s/hpa-carts.yaml": _hpa("carts", "carts"),
             "k8s/hpa-cart.yaml": _hpa("cart", "cart")}
    res, _root = _import(tmp_path, files)
    p = res.review.proposals["cap.autoscaling-tested"]
    assert p.status == "partly"
    assert "autoscaling is configured for 1 workload(s): HorizontalPodAutoscaler carts scales carts" in p.reason
    assert "HorizontalPodAutoscaler cart scales Deployment cart, which is not in these files" in p.reason
    # only a dangling autoscaler: nothing the review holds is autoscaled, so nothing is proposed from it
    res, _root = _import(tmp_path / "only", {"k8s/carts.yaml": _deploy("carts", app),
                                             "k8s/hpa-cart.yaml": _hpa("cart", "cart")})
    assert "cap.autoscaling-tested" not in res.review.proposals


def test_a_container_with_no_probe_counts_though_another_has_probes(tmp_path):
    """Two application containers (neither a known helper, neither named after the workload): web's probes
    are distinct, worker has none. The pod was proposed met from web alone."""
    containers = ("- name: web\n  image: example/web:1\n" + PROBED + "\n- name: worker\n  image: example/worker:1")
    res, _root = _import(tmp_path, {"k8s/shop.yaml": _deploy("shop", containers)})
    p = res.review.proposals["svc.probes@shop"]
    assert p.status == "not_met"
    assert "container web: readiness probe (httpGet /ready port 8080), distinct from liveness" in p.reason
    assert "no liveness or readiness probe on container worker of Deployment shop" in p.reason


def test_a_probe_on_a_port_name_the_container_does_not_define_never_passes(tmp_path):
    app = """\
- name: pay
  image: example/pay:1
  ports:
  - {name: http, containerPort: 8080}
  readinessProbe:
    httpGet: {path: /ready, port: http}
  livenessProbe:
    tcpSocket: {port: metrics}"""
    res, _root = _import(tmp_path, {"k8s/pay.yaml": _deploy("pay", app)})
    p = res.review.proposals["svc.probes@pay"]
    assert p.status == "not_met"
    assert "liveness probe of container pay on port metrics: no port of the container is named metrics" in p.reason
    assert "it never passes" in p.reason


def test_a_probe_on_an_undeclared_port_number_keeps_its_status_with_a_caution(tmp_path):
    """The OpenTelemetry demo's jaeger and collector are probed on admin ports they do not declare, and pass."""
    app = """\
- name: collector
  image: example/collector:1
  ports:
  - {name: otlp, containerPort: 4317}
  readinessProbe:
    httpGet: {path: /ready, port: 13133}
  livenessProbe:
    httpGet: {path: /live, port: 13133}"""
    res, _root = _import(tmp_path, {"k8s/collector.yaml": _deploy("collector", app)})
    p = res.review.proposals["svc.probes@collector"]
    assert p.status == "met"
    assert p.reason.startswith("readiness probe (httpGet /ready port 13133), distinct from liveness")
    assert ("; caution: readiness probe of container collector on port 13133: the container does not declare it "
            "(its ports: otlp 4317): the probe passes only if the application listens there all the same") in p.reason


def test_a_workload_scaled_to_0_is_not_called_one_instance(tmp_path):
    app = "- name: batch\n  image: example/batch:1\n" + PROBED
    res, _root = _import(tmp_path, {"k8s/batch.yaml": _deploy("batch", app, "replicas: 0")})
    p = res.review.proposals["svc.instances-spread@batch"]
    assert p.status == "not_met"
    assert "scaled to 0" in p.reason and "no instance runs" in p.reason
    assert "single point of failure" not in p.reason


def test_a_sidecars_image_does_not_make_the_component_a_gateway(tmp_path):
    """An envoy beside the application made it a gateway (the kind came from the first image recognised)."""
    app = ("- name: orders\n  image: example/orders:1\n" + PROBED
           + "\n- name: envoy\n  image: envoyproxy/envoy:v1.30\n  ports:\n  - {containerPort: 15001}")
    res, _root = _import(tmp_path, {"k8s/orders.yaml": _deploy("orders", app)})
    assert res.review.components["orders"].kind != "gateway"
    # the sidecar first in the list, the workload not named after a container: still the application's image
    app = ("- name: envoy\n  image: envoyproxy/envoy:v1.30\n- name: api\n  image: example/orders:1\n" + PROBED)
    res, _root = _import(tmp_path / "first", {"k8s/orders.yaml": _deploy("orders", app)})
    assert res.review.components["orders"].kind != "gateway"
    # an Envoy gateway's own envoy is its application (its only container): still a gateway
    res, _root = _import(tmp_path / "gw", {"k8s/edge.yaml": _deploy("edge", "- name: envoy\n  image: "
                                                                              "envoyproxy/envoy:v1.30")})
    assert res.review.components["edge"].kind == "gateway"
