"""What the Kubernetes importer and the readiness extractors read the same way: label selectors with
matchExpressions (NetworkPolicy peers become dependencies; what a PodMonitor scrapes), where a
malformed expression selects no pod in either, and the rules that spread a workload's pods."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.kubernetes import iter_objects
from prr_app.importers.readiness import extract_files
from prr_app.importers.registry import import_paths
from prr_app import safe_yaml


def _deploy(name: str, tier: str) -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  template:
    metadata: {{labels: {{app: {name}, tier: {tier}}}}}
    spec: {{containers: [{{name: {name}, image: example/{name}:1}}]}}
"""


APPS = _deploy("web", "front") + _deploy("api", "back") + _deploy("db", "data") + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-back}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector:
        matchExpressions: [{key: tier, operator: In, values: [back]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-labelled-others}
spec:
  podSelector:
    matchExpressions: [{key: tier, operator: NotIn, values: [front, data]}]
  ingress:
  - from:
    - podSelector:
        matchExpressions: [{key: tier, operator: Exists}, {key: app, operator: NotIn, values: [api, db]},
                           {key: canary, operator: DoesNotExist}]
"""

MALFORMED = """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: odd}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector:
        matchExpressions: ["tier in (front)"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_network_policy_peers_chosen_by_match_expressions(tmp_path):
    r = import_paths([_write(tmp_path, "apps.yaml", APPS)], "kubernetes")
    # In / NotIn / Exists / DoesNotExist pick exactly the workloads a cluster would
    assert set(r.review.dependencies) == {"api->db", "web->api"}
    assert any("NetworkPolicy db-from-back ingress allows" in e for e in r.review.dependencies["api->db"].evidence)


def test_a_malformed_expression_selects_no_pod(tmp_path):
    r = import_paths([_write(tmp_path, "apps.yaml", APPS + MALFORMED)], "kubernetes")
    # without the check, the junk item was ignored and "odd" allowed every pod to reach db
    assert set(r.review.dependencies) == {"api->db", "web->api"}
    assert any("NetworkPolicy odd allows" in d for d in r.report.dangling)


def test_pod_monitor_scrapes_what_its_expressions_select(tmp_path):
    monitors = """---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: backend}
spec:
  selector:
    matchExpressions: [{key: tier, operator: In, values: [back, data]}]
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: broken}
spec:
  selector:
    matchLabels: {app: web}
    matchExpressions: [42]
"""
    apps = _write(tmp_path, "apps.yaml", APPS)
    mon = _write(tmp_path, "monitors.yaml", monitors)
    review = import_paths([apps], "kubernetes").review
    facts = extract_files([apps, mon], review)
    scraped = {(f.what.split()[1], f.component) for f in facts.of("monitoring.scrape")}
    assert scraped == {("backend", "api"), ("backend", "db")}


def test_objects_of_nested_lists_keep_their_lines_and_report_what_is_not_an_object():
    text = """apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMapList, items: [{kind: ConfigMap, metadata: {name: a}}]}
- {kind: Service, metadata: {generateName: svc-, namespace: shop}}
- just text
- {kind: Deployment, metadata: {}}
- {metadata: {name: nameless-kind}}
- {kind: List}
"""
    docs = safe_yaml.load_text(text, file="l.yaml")
    skipped: list[str] = []
    objs = list(iter_objects(docs[0].value, "l.yaml", docs[0].line, "document 1", skipped.append))
    assert [(o.kind, o.name, o.ns, o.where) for o in objs] == [
        ("ConfigMap", "a", "default", "l.yaml:4"), ("Service", "svc", "shop", "l.yaml:5")]
    assert skipped == ["l.yaml:6: List item 3 is not a mapping", "l.yaml:7: Deployment without metadata.name",
                       "l.yaml:8: List item 5 has no kind", "l.yaml:9: List without items"]


SPREAD = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, maxSkew: 1}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
          requiredDuringSchedulingIgnoredDuringExecution:
          - {podAffinityTerm: not-a-term}
      containers: [{name: web, image: example/web:1}]
"""


def test_preferred_spread_is_said_to_be_a_preference_by_both_readers(tmp_path):
    p = _write(tmp_path, "web.yaml", SPREAD)
    r = import_paths([p], "kubernetes")
    web = r.review.components["web"]
    assert web.placement == ["zone-1", "zone-2", "zone-3"] and "spread:zone" in web.tags
    assert any("only prefers to spread" in w for w in r.report.warnings)
    facts = extract_files([p], r.review)
    spread = sorted((f.line, f.what) for f in facts.of("k8s.topology-spread", "web") if f.signal != "replicas")
    assert spread == [
        (10, "topology spread across zones (topology.kubernetes.io/zone, ScheduleAnyway)"),
        (14, "pod anti-affinity across nodes (kubernetes.io/hostname, preferred)")]


def test_a_pod_label_that_states_criticality_is_the_tier_one_that_names_a_layer_is_not(tmp_path):
    text = (_deploy("web", "front").replace("tier: front}", "tier: front, criticality: high}")
            + _deploy("api", "back").replace("tier: back}", "tier: back, example.com/criticality: low}")
            + _deploy("db", "2"))
    (tmp_path / "apps.yaml").write_text(text, encoding="utf-8")
    r = import_paths([tmp_path / "apps.yaml"]).review
    assert {c: r.components[c].tier for c in ("web", "api", "db")} == {"web": 1, "api": 3, "db": 2}
