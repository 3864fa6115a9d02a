"""Readiness evidence that proves what it claims: answers judged per container, a spread the scheduler
only prefers, the autoscaler's floor, files in example and test folders, SLO words, literal secrets,
and a broken deployment file said even in a summary."""
from __future__ import annotations

import textwrap

from prr_app.checklist.model_answers import Deadlines, decide
from prr_app.cli.main import main
from test_readiness_evidence import _import

API = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: example/api:1
        readinessProbe:
          httpGet: {path: /health, port: 8080}
        livenessProbe:
          httpGet: {path: /health, port: 8080}
      - name: istio-proxy
        image: istio/proxyv2
        readinessProbe:
          httpGet: {path: /healthz/ready, port: 15021}
        livenessProbe:
          httpGet: {path: /healthz/live, port: 15021}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 3
  maxReplicas: 10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: api}
"""

WORKER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 3
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: WHEN
        labelSelector:
          matchLabels: {app: worker}
      containers:
      - name: worker
        image: example/worker:1
"""


def test_probes_are_judged_container_by_container(tmp_path):
    """The application's readiness and liveness are the same check; the sidecar's differ. Pooled, the
    two containers' probes looked distinct and the item was proposed met. The sidecar's probes check the
    sidecar (facts of their own), so only the application's container is judged."""
    res, _ = _import(tmp_path, {"deploy/app.yaml": API})
    pr = res.review.proposals["svc.probes@api"]
    assert pr.status == "partly"
    assert "readiness and liveness probes are the same check (httpGet /health port 8080)" in pr.reason
    assert "istio-proxy" not in pr.reason


def test_a_budget_is_weighed_against_the_autoscalers_floor(tmp_path):
    """replicas unset (1), but the autoscaler keeps at least 3: minAvailable 1 protects them."""
    res, _ = _import(tmp_path, {"deploy/app.yaml": API})
    pdb = res.review.proposals["svc.disruption-budget@api"]
    assert pdb.status == "met" and "so at least 3 replicas" in pdb.reason


def test_a_spread_the_scheduler_only_prefers_is_not_met(tmp_path):
    res, _ = _import(tmp_path, {"deploy/worker.yaml": WORKER.replace("WHEN", "ScheduleAnyway")})
    rv = res.review
    prop = rv.proposals["svc.instances-spread@worker"]
    assert prop.status == "partly" and "only prefers" in prop.reason
    # the analysis still places the replicas in assumed zones, but the model's answer says what they are
    assert rv.components["worker"].placement == ["zone-1", "zone-2", "zone-3"]
    ans = decide("component.instances-spread", rv, [rv.components["worker"]], Deadlines(rv))
    assert ans.status == "partly" and "only prefers" in ans.evidence


def test_a_required_spread_is_proposed_met_and_the_model_asks_for_the_capacity(tmp_path):
    res, _ = _import(tmp_path, {"deploy/worker.yaml": WORKER.replace("WHEN", "DoNotSchedule")})
    rv = res.review
    assert rv.proposals["svc.instances-spread@worker"].status == "met"
    w = rv.components["worker"]
    assert decide("component.instances-spread", rv, [w], Deadlines(rv)).status == "partly"  # min_healthy unstated
    w.min_healthy = 2
    assert decide("component.instances-spread", rv, [w], Deadlines(rv)).status == "met"  # 3 zones, one lost: 2 left


def test_example_and_test_folders_prove_nothing(tmp_path):
    """A budget in examples/ and an alert rule under test/e2e/ neither meet an item nor enter the graph."""
    res, _ = _import(tmp_path, {
        "deploy/app.yaml": API.split("---\napiVersion: policy/v1")[0],
        "examples/pdb.yaml": """\
            # Example PodDisruptionBudget - not applied by default
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: api-example}
            spec:
              minAvailable: 2
              selector:
                matchLabels: {app: api}
            """,
        "test/e2e/rules.yaml": """\
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata: {name: test-slo}
            spec:
              groups:
              - name: t
                rules:
                - alert: ApiErrorBudgetBurn
                  expr: vector(1)
                  annotations: {runbook_url: https://example.com/rb}
            """,
    })
    rv = res.review
    assert rv.proposals["svc.disruption-budget@api"].status == "not_met"
    assert not any("api-example" in line for line in res.report.lines())
    for key, p in rv.proposals.items():
        assert "test/e2e" not in p.reason and "examples/" not in p.reason, key
    skipped = "\n".join(res.report.skipped)
    assert "examples: not imported: in an example or test folder" in skipped


def test_slow_is_not_an_slo(tmp_path):
    res, _ = _import(tmp_path, {
        "deploy/app.yaml": API,
        "monitoring/alerts.yml": """\
            groups:
            - name: api
              rules:
              - alert: ApiSlowQueries
                expr: histogram_quantile(0.99, rate(db_query_seconds_bucket{job="api"}[5m])) > 2
            """,
        "monitoring/dashboard.json": '{"title": "API overview", "panels": [{"title": "Slow requests", '
                                     '"targets": [{"expr": "rate(http_requests_total{job=\\"api\\"}[5m])"}]}]}',
    })
    p = res.review.proposals
    assert p.get("alert.symptom-based") is None or p["alert.symptom-based"].status != "met"
    assert "no SLO, error budget or burn-rate panel" in p["obs.service-dashboard"].reason


def test_an_slo_burn_alert_still_counts(tmp_path):
    res, _ = _import(tmp_path, {
        "deploy/app.yaml": API,
        "monitoring/alerts.yml": """\
            groups:
            - name: api
              rules:
              - alert: ApiSLOBurnRate
                expr: slo:sli_error:ratio_rate1h{job="api"} > 14.4 * 0.001
                annotations: {runbook_url: https://runbooks.example.com/api}
            """,
    })
    assert res.review.proposals["alert.symptom-based"].status == "met"


def test_flags_and_empty_values_are_no_secrets_and_a_literal_is_cited_where_written(tmp_path):
    res, root = _import(tmp_path, {
        "compose.yaml": """\
            services:
              web:
                image: example/web
                environment:
                  - OTEL_EXPORTER_OTLP_ENDPOINT
                  - OTEL_TRACES_EXPORTER
                  - API_KEY
                  - POSTGRES_PASSWORD
                  - DB_URL=postgres://db:5432/app
              db:
                image: mysql:8
                environment:
                  MYSQL_ALLOW_EMPTY_PASSWORD: "yes"
            """,
        ".env": "OTEL_TRACES_EXPORTER=none\nAPI_KEY=\nOTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317\n"
                "POSTGRES_PASSWORD=changeit\n",
    })
    rv = res.review
    sec = rv.proposals["sec.secrets-in-store"]
    assert sec.status == "not_met"
    assert "POSTGRES_PASSWORD given as a literal value: .env:4" in sec.reason
    assert "API_KEY" not in sec.reason and "MYSQL_ALLOW_EMPTY_PASSWORD" not in sec.reason
    # OTEL_TRACES_EXPORTER=none (from .env) switches traces off: metrics only
    assert rv.components["web"].observability.traces is not True
    assert rv.components["web"].observability.metrics is True


def test_a_broken_deployment_file_is_said_even_in_a_summary(tmp_path, capsys):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.yaml").write_text(textwrap.dedent(API).replace("  selector:\n    matchLabels: {app: api}\n  template",
                                                                 "  selector: [unclosed\n  template", 1))
    (root / "docker-compose.yml").write_text("services:\n  api:\n    image: example/api\n  db:\n    image: postgres\n")
    out = tmp_path / "r.prr"
    assert main(["import", str(root), "-o", str(out), "--summary"]) == 0
    text = capsys.readouterr().out
    first, second = text.splitlines()[:2]
    assert "1 FILE NOT READABLE" in first
    assert second.startswith("warning: could not read ") and "app.yaml: line " in second
    assert "imported instead" in second


def test_a_load_generator_owes_no_readiness(tmp_path):
    """Online Boutique's load generator has no probes: the register told the lead to give it a
    readiness probe, and the checklist made its golden signals a launch blocker (it serves no user)."""
    from prr_app.analysis import analyze

    gen = API.replace("name: api", "name: loadgenerator", 1).replace("{app: api}", "{app: loadgenerator}")
    gen = gen.split("---")[0]
    gen = "\n".join(ln for ln in gen.splitlines() if "Probe" not in ln and "httpGet" not in ln)
    res, _ = _import(tmp_path, {"deploy/app.yaml": API.split("---\napiVersion: autoscaling")[0].replace(
        "        readinessProbe:\n          httpGet: {path: /health, port: 8080}\n", ""), "deploy/gen.yaml": gen})
    rv = res.review
    assert "load-generator" in rv.components["loadgenerator"].tags
    ids = [r["id"] for r in analyze(rv, checklist=None).risks]
    assert "evidence:k8s.probes:loadgenerator" not in ids
    # nor does any checklist item apply to it (nor to its calls): a test tool owes no readiness
    from prr_app.checklist import evaluate

    assert not [it.key for it in evaluate(rv).items if "loadgenerator" in it.key]
    assert not [k for k in rv.proposals if "loadgenerator" in k]


def test_sock_shops_user_simulator_is_a_load_generator_by_its_image(tmp_path):
    """Sock Shop's compose file runs ``user-sim`` from ``weaveworksdemos/load-test``: a load test, which
    owes no healthcheck and no limits (it was proposed 'not met' for both, like a served workload)."""
    import pytest
    from conftest import REALDATA

    from prr_app.review.document import load_review

    compose = REALDATA / "sock-shop" / "docker-compose.yml"
    if not compose.exists():
        pytest.skip("shared/realdata is not beside the repository")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "docker-compose.yml").write_bytes(compose.read_bytes())
    out = tmp_path / "shop.prr"
    assert main(["import", str(tmp_path / "shop"), "-o", str(out)]) == 0  # a checkout: its evidence read
    rv = load_review(out)
    assert "load-generator" in rv.components["user-sim"].tags
    assert not [k for k in rv.proposals if k.endswith("@user-sim")]
    assert rv.proposals["svc.probes@carts"].status == "not_met"  # the served ones owe them
