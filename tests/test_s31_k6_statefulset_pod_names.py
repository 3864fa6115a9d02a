"""Session 31 (k6): a StatefulSet's pod name through its headless Service
(``cassandra-0.cassandra.default.svc.cluster.local``, Kubernetes' cassandra example's CASSANDRA_SEEDS) is
the set's own address: the set naming itself is no call and no dangling line; another workload naming it
calls the set. Without the headless Service the set names as its ``serviceName``, no such name exists."""
import pytest

from prr_app.importers.kubernetes import read_kubernetes

SET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: cassandra}}
spec:
  serviceName: cassandra
  replicas: 3
  selector: {{matchLabels: {{app: cassandra}}}}
  template:
    metadata: {{labels: {{app: cassandra}}}}
    spec:
      containers:
      - name: cassandra
        image: gcr.io/google-samples/cassandra:v13
        env:
        - {{name: CASSANDRA_SEEDS, value: "{seed}"}}
---
apiVersion: v1
kind: Service
metadata: {{name: cassandra}}
spec:
  {cluster_ip}
  ports: [{{port: 9042}}]
  selector: {{app: cassandra}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  template:
    metadata: {{labels: {{app: app}}}}
    spec:
      containers:
      - name: app
        image: example/app:1
        env:
        - {{name: DB_HOST, value: "{seed}"}}
"""


def _read(seed: str, headless: bool = True):
    text = SET.format(seed=seed, cluster_ip="clusterIP: None" if headless else "type: ClusterIP")
    return read_kubernetes([], texts=[("cassandra.yaml", text)])


@pytest.mark.parametrize("seed", ["cassandra-0.cassandra.default.svc.cluster.local",
                                  "cassandra-0.cassandra.default.svc", "cassandra-0.cassandra.default",
                                  "cassandra-1.cassandra"])
def test_a_sets_pod_name_is_the_set(seed):
    res = _read(seed)
    assert not res.report.dangling
    deps = {(d.source, d.target) for d in res.review.dependencies.values()}
    assert ("app", "cassandra") in deps  # another workload naming the pod calls the set
    assert ("cassandra", "cassandra") not in deps  # the set's own seed list is no self-call


def test_without_a_headless_service_the_pod_name_is_still_dangling():
    res = _read("cassandra-0.cassandra.default.svc.cluster.local", headless=False)
    assert any("names host cassandra-0.cassandra.default.svc.cluster.local, which no Service" in d
               for d in res.report.dangling)
    # another namespace's pod name, or a name with more labels than a pod's, is not this set's either
    for host in ("cassandra-0.cassandra.other.svc.cluster.local", "cassandra-0.cassandra.default.x.y"):
        res = _read(host)
        assert not any(d.target == "cassandra" for d in res.review.dependencies.values())
