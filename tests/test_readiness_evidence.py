"""Issue 21: readiness facts read from imported files, proposed answers, confirm/reject, re-import."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from prr_app.checklist import evaluate, load_template
from prr_app.checklist.proposals import cron_interval
from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.readiness import extract
from prr_app.model.entities import Component, Dependency, Journey
from prr_app.review.document import load_review, save_review
from prr_app.review.importing import import_and_write, import_review
from prr_app.review.proposals import decide_changes
from prr_app.review.edits import apply_changes

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.is_dir():
    REALDATA = Path("/work/shared/realdata")

# Online Boutique's cartservice and redis-cart, as its release manifest writes them (trimmed)
CART = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cartservice
  labels:
    app: cartservice
spec:
  selector:
    matchLabels:
      app: cartservice
  template:
    metadata:
      labels:
        app: cartservice
    spec:
      containers:
      - name: server
        image: us-central1-docker.pkg.dev/google-samples/microservices-demo/cartservice:v0.10.3
        ports:
        - containerPort: 7070
        env:
        - name: REDIS_ADDR
          value: "redis-cart:6379"
        resources:
          requests:
            cpu: 200m
            memory: 64Mi
          limits:
            cpu: 300m
            memory: 128Mi
        readinessProbe:
          initialDelaySeconds: 15
          grpc:
            port: 7070
        livenessProbe:
          initialDelaySeconds: 15
          periodSeconds: 10
          grpc:
            port: 7070
---
apiVersion: v1
kind: Service
metadata:
  name: cartservice
spec:
  selector:
    app: cartservice
  ports:
  - port: 7070
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis-cart
spec:
  selector:
    matchLabels:
      app: redis-cart
  template:
    metadata:
      labels:
        app: redis-cart
    spec:
      containers:
      - name: redis
        image: redis:alpine
        ports:
        - containerPort: 6379
---
apiVersion: v1
kind: Service
metadata:
  name: redis-cart
spec:
  selector:
    app: redis-cart
  ports:
  - port: 6379
"""


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def _import(tmp_path, files: dict[str, str]):
    root = tmp_path / "repo"
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return import_review([root]), root


# ------------------------------------------------------------------ extractors on small real snippets
def test_probes_same_check_is_partly_and_missing_probes_not_met(tmp_path):
    res, _ = _import(tmp_path, {"deploy/app.yaml": CART})
    p = res.review.proposals
    probes = p["svc.probes@cartservice"]
    assert probes.status == "partly" and "same check (grpc port 7070)" in probes.reason
    assert f"deploy/app.yaml:{_line_of(CART, 'readinessProbe:')}" in probes.reason
    # redis-cart is a datastore the review runs itself: prr-default 2.2 asks its probes (it has none here)
    assert p["svc.probes@redis-cart"].status == "not_met"
    assert p["svc.resource-limits@redis-cart"].status == "not_met"
    assert p["svc.resource-limits@cartservice"].status == "partly"  # limits in the files: whether from measurements is for the reviewer


def test_distinct_probes_are_met(tmp_path):
    text = CART.replace("""        livenessProbe:
          initialDelaySeconds: 15
          periodSeconds: 10
          grpc:
            port: 7070""", """        livenessProbe:
          httpGet:
            path: /live
            port: 8081""")
    res, _ = _import(tmp_path, {"app.yaml": text})
    pr = res.review.proposals["svc.probes@cartservice"]
    assert pr.status == "met" and "distinct from liveness (httpGet /live port 8081)" in pr.reason


def test_pdb_absent_where_manifests_were_read_and_rules_for_budgets(tmp_path):
    res, _ = _import(tmp_path, {"app.yaml": CART})
    pr = res.review.proposals["svc.disruption-budget@cartservice"]
    assert pr.status == "not_met" and pr.reason.startswith("no PodDisruptionBudget selects cartservice")
    assert "app.yaml:1" in pr.reason  # where its manifests were read
    # a budget whose maxUnavailable is the replica count protects nothing (realdata README, trap 3)
    pdb = """
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: cart-pdb
    spec:
      maxUnavailable: 2
      selector:
        matchLabels:
          app: cartservice
    """
    two = CART.replace("spec:\n  selector:\n    matchLabels:\n      app: cartservice",
                       "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: cartservice")
    res, _ = _import(tmp_path / "b", {"app.yaml": two, "pdb.yaml": pdb})
    pr = res.review.proposals["svc.disruption-budget@cartservice"]
    assert pr.status == "partly" and "protects nothing" in pr.reason and "pdb.yaml:2" in pr.reason
    res, _ = _import(tmp_path / "c", {"app.yaml": two, "pdb.yaml": pdb.replace("maxUnavailable: 2",
                                                                              "minAvailable: 1")})
    assert res.review.proposals["svc.disruption-budget@cartservice"].status == "met"


def test_no_absence_claim_without_the_manifest(tmp_path):
    """A Compose service has no PodDisruptionBudget to look for: nothing is proposed about it (its missing
    healthcheck and limits, which its definition would hold, are not met)."""
    res, _ = _import(tmp_path, {"compose.yaml": """
    services:
      cart:
        image: cart:1
        environment:
          - REDIS_ADDR=redis:6379
      redis:
        image: redis:7
    """})
    keys = set(res.review.proposals)
    assert not any(k.startswith("svc.disruption-budget@") for k in keys)
    assert res.review.proposals["svc.probes@cart"].status == "not_met"
    for p in res.review.proposals.values():
        assert p.evidence, p  # no proposal without evidence


def test_spread_hpa_rolling_secrets_scrape_runbooks_backups(tmp_path):
    app = CART.replace("spec:\n  selector:\n    matchLabels:\n      app: cartservice",
                       "spec:\n  replicas: 3\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n"
                       "      app: cartservice")
    app = app.replace("""      containers:
      - name: server""", """      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: cartservice
      containers:
      - name: server""", 1)
    app = app.replace("""        - name: REDIS_ADDR
          value: "redis-cart:6379\"""", """        - name: REDIS_ADDR
          value: "redis-cart:6379"
        - name: REDIS_PASSWORD
          value: "hunter2\"""")
    files = {
        "k8s/app.yaml": app,
        "k8s/hpa.yaml": """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: cartservice
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: cartservice
              minReplicas: 3
              maxReplicas: 10
            """,
        "k8s/monitor.yaml": """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata:
              name: cart
              labels:
                release: prom
            spec:
              selector:
                matchLabels:
                  app: cartservice
              endpoints:
              - port: metrics
            """,
        "k8s/backup.yaml": """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: orders-backup
            spec:
              schedule: "0 */6 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: dump
                        image: postgres:16
                        command: ["sh", "-c", "pg_dump -h orders-db -U app orders > /backup/orders.sql"]
            """,
        "k8s/db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: orders-db
            spec:
              serviceName: orders-db
              selector:
                matchLabels:
                  app: orders-db
              template:
                metadata:
                  labels:
                    app: orders-db
                spec:
                  containers:
                  - name: postgres
                    image: postgres:16
                    ports:
                    - containerPort: 5432
            """,
        "monitoring/rules.yml": """
            groups:
            - name: cart
              rules:
              - alert: CartHighErrorRate
                expr: sum(rate(grpc_server_handled_total{job="cartservice",grpc_code!="OK"}[5m])) > 1
                for: 5m
                annotations:
                  runbook_url: https://runbooks.example/cart-errors
              - alert: CartDown
                expr: up{job="cartservice"} == 0
            """,
    }
    # the Service carries the label the ServiceMonitor selects
    files["k8s/app.yaml"] = files["k8s/app.yaml"].replace(
        "kind: Service\nmetadata:\n  name: cartservice\n", "kind: Service\nmetadata:\n  name: cartservice\n"
        "  labels:\n    app: cartservice\n", 1)
    res, root = _import(tmp_path, files)
    review, p = res.review, res.review.proposals
    spread = p["svc.instances-spread@cartservice"]
    assert spread.status == "met" and "across zones" in spread.reason
    assert p["deploy.no-error-spike"].status == "not_met" and "Recreate" in p["deploy.no-error-spike"].reason
    assert p["cap.autoscaling-tested"].status == "partly" and "k8s/hpa.yaml:2" in p["cap.autoscaling-tested"].reason
    sec = p["sec.secrets-in-store"]
    assert sec.status == "not_met" and "REDIS_PASSWORD given as a literal value" in sec.reason
    assert p["obs.golden-signals@cartservice"].status == "partly"
    assert "ServiceMonitor cart scrapes cartservice" in p["obs.golden-signals@cartservice"].reason
    assert p["alert.symptom-based"].status == "partly"
    rb = p["alert.every-page-has-runbook"]
    assert rb.status == "partly" and "1 of 2 alert rules" in rb.reason and "CartDown" in rb.reason
    assert p["ds.backup-within-rpo@orders-db"].status == "partly"  # no RPO stated
    assert "every 360 min" in p["ds.backup-within-rpo@orders-db"].reason
    assert "k8s/backup.yaml:2" in p["ds.backup-within-rpo@orders-db"].reason
    # observability marked from evidence; nothing marked missing
    obs = review.components["cartservice"].observability
    assert obs.metrics is True and obs.alerts is True and obs.runbook is True
    assert obs.traces is None and obs.logs is None
    # with an RPO, the schedule is compared with it
    review.components["orders-db"].rpo_minutes = 60
    again = import_review([root], into=review)
    pr = again.review.proposals["ds.backup-within-rpo@orders-db"]
    assert pr.status == "not_met" and "RPO is 60 min" in pr.reason


def test_every_fact_points_at_its_line(tmp_path):
    res, root = _import(tmp_path, {"deploy/app.yaml": CART})
    facts = extract(res)
    assert facts.facts
    for f in facts.facts:
        line = (root / f.file).read_text().splitlines()[f.line - 1]
        assert line.strip(), f


def test_cron_interval_is_the_longest_wait():
    assert cron_interval("*/15 * * * *") == 15
    assert cron_interval("0 2 * * *") == 1440
    assert cron_interval("0 1,2 * * *") == 1380  # two runs an hour apart, then 23 hours
    assert cron_interval("@weekly") == 10080
    assert cron_interval("30 2 * * 1-5") == 4320  # Friday to Monday
    assert cron_interval("61 * * * *") is None and cron_interval("nonsense") is None


# ------------------------------------------------------------------ templates
def test_a_template_maps_its_own_item_and_bad_mappings_are_refused(tmp_path):
    good = tmp_path / "t.yaml"
    good.write_text(textwrap.dedent("""\
        format: prr-checklist
        id: team
        version: '1'
        title: Team
        categories:
          - id: ops
            title: Ops
            items:
              - id: ops.traces
                question: '{name} exports traces.'
                severity: medium
                scope: {per: component, kinds: [service]}
                evidence_extractor: telemetry.tracing
        """))
    t = load_template(str(good))
    assert t.items[0].evidence_extractor == "telemetry.tracing"
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("telemetry.tracing", "k8s.probe"))
    with pytest.raises(PrrError, match=r"unknown evidence extractor 'k8s.probe' \(did you mean 'k8s.probes'\?\)"):
        load_template(str(bad))
    scope = tmp_path / "scope.yaml"
    scope.write_text(good.read_text().replace("telemetry.tracing", "k8s.hpa"))
    with pytest.raises(PrrError, match="k8s.hpa' proposes answers for items asked once per review"):
        load_template(str(scope))


def test_default_template_maps_the_documented_items():
    t = load_template("prr-default")
    mapped = {i.id: i.evidence_extractor for i in t.items if i.evidence_extractor}
    doc = (Path(__file__).resolve().parents[1] / "docs" / "checklist.md").read_text(encoding="utf-8")
    for item, ext in mapped.items():
        row = next((ln for ln in doc.splitlines() if ln.startswith(f"| `{ext}` ")), None)
        assert row is not None and item in row, (item, ext)


# ------------------------------------------------------------------ confirm / reject / re-import
def test_confirm_reject_and_reimport_keep_the_reviewers_decisions(tmp_path, capsys):
    res, root = _import(tmp_path, {"app.yaml": CART})
    path = tmp_path / "r.prr"
    save_review(res.review, path)
    code = main(["checklist", str(path), "--items", "--category", "instances"])
    out = capsys.readouterr().out
    assert code == 0
    assert "(proposed: partly)" in out and "proposed from evidence (to confirm): partly: readiness and liveness" in out
    # proposals do not count: nothing answered yet
    assert evaluate(load_review(path)).overall.answered == evaluate(res.review).overall.answered
    assert main(["checklist-confirm", str(path), "svc.probes@cartservice", "--by", "Dana"]) == 0
    assert main(["checklist-confirm", str(path), "svc.disruption-budget@cartservice", "--reject", "--by", "Dana"]) == 0
    r = load_review(path)
    a = r.answers["svc.probes@cartservice"]
    assert a.status == "partly" and a.changed_by == "Dana" and "app.yaml:" in a.evidence
    assert "svc.probes@cartservice" not in r.proposals
    assert r.proposals["svc.disruption-budget@cartservice"].rejected_by == "Dana"
    # a reviewer's own answer wins over a proposal
    assert main(["checklist-answer", str(path), "svc.resource-limits@cartservice", "--status", "not_met",
                 "--by", "Omar"]) == 0
    capsys.readouterr()
    # re-import: confirmed answers untouched, the rejection kept, the answered item shows no proposal
    import_and_write([root], into=path)
    r = load_review(path)
    assert r.answers["svc.probes@cartservice"].status == "partly"
    assert r.answers["svc.resource-limits@cartservice"].status == "not_met"
    assert r.proposals["svc.disruption-budget@cartservice"].rejected_by == "Dana"
    items = {it.key: it for it in evaluate(r).items}
    assert items["svc.resource-limits@cartservice"].proposal is None
    assert items["svc.disruption-budget@cartservice"].proposal is None
    assert items["svc.resource-limits@redis-cart"].proposal is not None
    # bad input: one line, exit 2, the file untouched
    before = path.read_bytes()
    assert main(["checklist-confirm", str(path), "svc.probes@nope", "--by", "Dana"]) == 2
    err = capsys.readouterr().err
    assert "no proposal for 'svc.probes@nope'" in err and "Traceback" not in err
    assert main(["checklist-confirm", str(path), "svc.probes@cartservice", "--by", "Dana"]) == 2
    assert path.read_bytes() == before
    # --all confirms every standing proposal
    assert main(["checklist-confirm", str(path), "--all", "--by", "Dana"]) == 0
    r = load_review(path)
    from prr_app.checklist.proposals import standing

    assert r.proposals and not any(standing(r, k) for k in r.proposals)
    assert "svc.resource-limits@cartservice" in r.proposals  # kept, but the reviewer's answer wins


def test_confirm_is_one_undoable_change(tmp_path):
    res, _ = _import(tmp_path, {"app.yaml": CART})
    review = res.review
    before_answers, before_props = dict(review.answers), dict(review.proposals)
    chs = decide_changes(review, every=True, by="Dana")
    apply_changes(review, chs)
    assert not any(not p.rejected_by for p in review.proposals.values())
    apply_changes(review, chs, undo=True)
    assert review.answers == before_answers and review.proposals == before_props


def test_a_missing_pdb_on_a_critical_spof_says_so_and_ranks_first(tmp_path):
    from prr_app.review.assess import assess

    res, _ = _import(tmp_path, {"app.yaml": CART})
    review = res.review
    review.components["cartservice"].user_facing = True
    review.journeys["checkout"] = Journey("checkout", "Checkout", entry=["cartservice"], critical=True)
    risks = assess(review).risks
    gaps = [r for r in risks if r["category"] == "readiness"]
    pdb = {r["components"][0]: r for r in gaps if r["id"].startswith("evidence:k8s.pdb:")}
    assert "single point of failure for the critical journey(s) checkout" in pdb["redis-cart"]["description"]
    assert "no PodDisruptionBudget selects redis-cart" in pdb["redis-cart"]["description"]
    # probes that share one check are for the checklist, not the register; a store with none is a gap
    assert [r["components"] for r in gaps if r["id"].startswith("evidence:k8s.probes:")] == [["redis-cart"]]
    # the critical SPOF's gap ranks above the same gap where nothing critical depends on it alone
    assert pdb["redis-cart"]["impact"] == 5
    # without the journey, the same gap is a lower risk
    # (another user-facing component serves the users and calls cartservice softly, so cartservice is
    # no entry point either: a part of the review with nothing marked would have its own)
    review.journeys.clear()
    review.components["cartservice"].user_facing = False
    review.add(Component(id="web", user_facing=True))
    review.add(Dependency(source="web", target="cartservice", kind="soft"))
    risks2 = assess(review).risks
    pdb2 = {r["components"][0]: r for r in risks2 if r["id"].startswith("evidence:k8s.pdb:")}
    assert pdb2["redis-cart"]["score"] < pdb["redis-cart"]["score"]


# ------------------------------------------------------------------ real repositories
#: what the quoted line must hold, by the start of the fact's words
_LINE_HOLDS = [
    (r"^readiness probe", "readinessProbe"), (r"^liveness probe", "livenessProbe"),
    (r"^startup probe", "startupProbe"), (r"^container \S+: ", "resources"),
    (r"^(Deployment|StatefulSet|DaemonSet) \S+: \d+ replica\(s\)$", "replicas"),
    (r"^(Deployment|StatefulSet|DaemonSet|Pod) \S+: .*(replicas not set|update \(the default\))", "apiVersion"),
    (r"^(Deployment|StatefulSet|DaemonSet) \S+: \w+ update", "strategy:|updateStrategy:"),
    (r"^no liveness or readiness probe", "apiVersion"), (r"^container \S+ has no resource", "- name:"),
    (r"given as a literal value$", None), (r"^export[s] (traces|metrics|logs) over OTLP", "OTEL_"),
    (r"annotated prometheus.io/scrape", "prometheus.io/scrape"), (r"^HorizontalPodAutoscaler", "apiVersion"),
    (r"^NetworkPolicy", "apiVersion"), (r"^Compose healthcheck", "healthcheck"),
    (r"^Prometheus scrape job (\S+)", "job_name"), (r"^Grafana dashboard", None),
    (r"^Compose service (\S+): (limits|requests)\.", "deploy:|mem_limit|cpus|{1}:"),
    (r"^Compose service (\S+) has no (healthcheck|CPU or memory limits)", "{1}:"),
]


def _check_against_files(review, root: Path):
    """Every proposal has evidence, and every file:line it quotes holds what it says."""
    assert review.proposals
    checked = 0
    for key, p in review.proposals.items():
        assert p.evidence, key
        for ev in p.evidence:
            m = re.search(r"^(.*): ([^:\s]+):(\d+)$", ev)
            assert m, ev
            what, f = m.group(1), root / m.group(2)
            if not f.is_file():  # a rendered chart's label
                continue
            line = f.read_text(encoding="utf-8", errors="replace").splitlines()[int(m.group(3)) - 1]
            for pattern, holds in _LINE_HOLDS:
                hit = re.search(pattern, what)
                if hit:
                    want = holds if holds is not None else (what.split()[0] if "literal" in what else "")
                    if "{1}" in want:
                        want = want.replace("{1}", hit.group(1))
                    assert any(w in line for w in want.split("|")), (ev, line)
                    checked += 1
                    break
            else:
                raise AssertionError(f"no check for evidence {ev!r}")
    assert checked


@pytest.mark.skipif(not (REALDATA / "online-boutique-repo").is_dir(), reason="realdata not here")
def test_online_boutique_repository(tmp_path):
    root = REALDATA / "online-boutique-repo"
    res = import_review([root])
    _check_against_files(res.review, root)
    p = res.review.proposals
    # loadgenerator (no probes in the release manifest) is a test tool: no item applies to it;
    # the services' probes are one check each
    assert not [k for k in p if k.endswith("@loadgenerator")]
    assert p["svc.probes@frontend"].status == "partly"
    assert all(p[f"svc.disruption-budget@{c}"].status == "not_met" for c in ("frontend", "cartservice"))


@pytest.mark.skipif(not (REALDATA / "opentelemetry-demo").is_dir(), reason="realdata not here")
def test_otel_demo_matrix_shows_traces_and_metrics(tmp_path):
    from prr_app.review.exports import export

    root = REALDATA / "opentelemetry-demo"
    res = import_review([root])
    review = res.review
    compose = (root / "compose.yaml").read_text()
    exporting = {"ad", "cart", "checkout", "currency", "email", "frontend", "payment", "product-catalog", "quote",
                 "recommendation", "shipping", "flagd"}
    for cid in exporting:
        obs = review.components[cid].observability
        assert obs.traces is True and obs.metrics is True, cid
    for cid in ("valkey-cart", "postgresql", "opensearch"):
        if cid in review.components:
            assert review.components[cid].observability.traces is None  # unknown, not missing
    assert not any(getattr(c.observability, s) is False for c in review.components.values()
                   for s in ("metrics", "traces", "logs", "alerts", "dashboard", "runbook"))
    _check_against_files(review, root)
    out = tmp_path / "otel.md"
    save = tmp_path / "otel.prr"
    save_review(review, save)
    assert main(["report", str(save), "-o", str(out)]) in (0, 1)
    md = out.read_text()
    sec5 = md[md.index("## 5."):md.index("## 6.")]
    row = next(ln for ln in sec5.splitlines() if ln.startswith("| cart |"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[2] == "yes" and cells[4] == "yes" and cells[5] == "?"  # metrics, traces; alerts unknown
    assert f"metrics compose.yaml:{_line_of(compose, '  cart:') + 20}" in row  # its OTEL_EXPORTER_OTLP_ENDPOINT
    assert "present by evidence: metrics compose.yaml:" in row


@pytest.mark.skipif(not (REALDATA / "spring-petclinic-repo").is_dir(), reason="realdata not here")
def test_spring_petclinic_scrape_config_and_dashboard():
    root = REALDATA / "spring-petclinic-repo"
    res = import_review([root])
    review = res.review
    _check_against_files(review, root)
    prom = (root / "docker/prometheus/prometheus.yml").read_text().splitlines()
    for cid in ("api-gateway", "customers-service", "visits-service", "vets-service"):
        assert review.components[cid].observability.metrics is True
        pr = review.proposals[f"obs.golden-signals@{cid}"]
        line = int(re.search(r"prometheus.yml:(\d+)", pr.reason).group(1))
        assert cid in prom[line - 1], (cid, prom[line - 1])
    dash = review.proposals["obs.service-dashboard"]
    assert dash.status == "partly" and "grafana-petclinic-dashboard.json" in dash.reason


def test_secret_references_are_not_literals_and_values_stay_out_of_evidence(tmp_path):
    res, _ = _import(tmp_path, {"compose.yaml": """
    services:
      orders:
        image: orders:1
        environment:
          DB_PASSWORD: ${DB_PASSWORD}
          OTEL_EXPORTER_OTLP_ENDPOINT: http://user:s3cret@collector:4317
        secrets: [db_password]
      collector:
        image: otel/opentelemetry-collector:0.100.0
    secrets:
      db_password:
        file: ./db_password.txt
    """})
    sec = res.review.proposals["sec.secrets-in-store"]
    # the reference is no literal; the password written into the endpoint's URL is one (session 32: a
    # literal secret is found wherever it is written, masked)
    assert sec.status == "not_met" and "OTEL_EXPORTER_OTLP_ENDPOINT" in sec.reason
    facts = extract(res)
    literals = [f for f in facts.facts if f.signal == "literal"]
    assert literals and not any("DB_PASSWORD" in f.what for f in literals)
    assert all("s3cret" not in f.what for f in facts.facts)
    assert res.review.components["orders"].observability.traces is True


def test_a_file_named_alone_says_nothing_about_a_missing_budget(tmp_path):
    """The budget may live in a file that was not given: no 'not met' from its absence."""
    f = tmp_path / "app.yaml"
    f.write_text(CART, encoding="utf-8")
    res = import_review([f])
    assert res.report.format == "kubernetes"
    assert not any(k.startswith("svc.disruption-budget@") for k in res.review.proposals)
    assert res.review.proposals["svc.probes@cartservice"].status == "partly"  # inside the workload: known


@pytest.mark.skipif(not (REALDATA / "sock-shop").is_dir(), reason="realdata not here")
def test_sock_shop():
    root = REALDATA / "sock-shop"
    res = import_review([root])
    _check_against_files(res.review, root)
    p = res.review.proposals
    assert p["cap.autoscaling-tested"].status == "partly"
    assert p["sec.secrets-in-store"].status == "not_met" and "MYSQL_ROOT_PASSWORD" in p["sec.secrets-in-store"].reason


def test_journey_tracing_velero_and_collector_pipelines(tmp_path):
    res, root = _import(tmp_path, {
        "compose.yaml": """
        services:
          web:
            image: web:1
            environment:
              API_URL: http://api:8080
              OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317
          api:
            image: api:1
            environment:
              DB_HOST: orders-db
          orders-db:
            image: postgres:16
          otel-collector:
            image: otel/opentelemetry-collector:0.100.0
        """,
        "otel/collector.yaml": """
        receivers:
          otlp:
            protocols:
              grpc: {}
        exporters:
          otlp/jaeger:
            endpoint: jaeger:4317
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [otlp/jaeger]
        """,
    })
    review = res.review
    review.journeys["browse"] = Journey("browse", "Browse", entry=["web"], critical=True)
    again = import_review([root], into=review)
    pr = again.review.proposals["journey.traced@browse"]
    assert pr.status == "partly" and "1 of 2 services" in pr.reason and "no trace exporter found for api" in pr.reason
    facts = extract(again)
    pipe = [f for f in facts.facts if f.signal == "pipeline"]
    assert pipe and pipe[0].what == "collector pipeline traces: receivers [otlp] -> exporters [otlp/jaeger]"
    assert (root / pipe[0].file).read_text().splitlines()[pipe[0].line - 1].strip() == "traces:"
    # a Velero schedule backs up the datastores of the namespaces it names
    from prr_app.importers.readiness import extract_files

    v = tmp_path / "velero.yaml"
    v.write_text(textwrap.dedent("""\
        apiVersion: velero.io/v1
        kind: Schedule
        metadata:
          name: nightly
          namespace: velero
        spec:
          schedule: "0 1 * * *"
          template:
            includedNamespaces: ["*"]
        """))
    f = extract_files([v], again.review)
    assert [x.component for x in f.of("backup.schedules")] == ["orders-db"]
    assert f.of("backup.schedules")[0].value == "0 1 * * *"


# ------------------------------------------------------------------ refresh: a property against a plain oracle
from hypothesis import given, settings, strategies as st  # noqa: E402

from prr_app.checklist.proposals import refresh  # noqa: E402
from prr_app.model.entities import ChecklistAnswer, Proposal, Review  # noqa: E402

_KEYS = ["svc.probes@a", "svc.probes@b", "svc.disruption-budget@a", "sec.secrets-in-store"]
_prop = st.builds(lambda s, r, rej: (s, r, rej), st.sampled_from(["met", "partly", "not_met"]),
                  st.sampled_from(["r1", "r2"]), st.booleans())


@settings(max_examples=200, deadline=None)
@given(old=st.dictionaries(st.sampled_from(_KEYS), _prop), new=st.dictionaries(st.sampled_from(_KEYS), _prop),
       answered=st.sets(st.sampled_from(_KEYS)))
def test_refresh_keeps_answers_and_exactly_the_rejections_that_still_apply(old, new, answered):
    review = Review()
    review.proposals = {k: Proposal(k, s, r, [f"e: f.yaml:{i}"], "k8s.probes", "t",
                                    "Dana" if rej else "", "2026-01-01T00:00:00+00:00" if rej else None)
                        for i, (k, (s, r, rej)) in enumerate(old.items())}
    review.answers = {k: ChecklistAnswer(k, status="met") for k in answered}
    answers_before = {k: ChecklistAnswer(k, status="met") for k in answered}
    incoming = {k: Proposal(k, s, r, ["e: f.yaml:1"], "k8s.probes", "t2") for k, (s, r, _rej) in new.items()}
    refresh(review, incoming)
    assert review.answers == answers_before  # answers are never touched
    assert set(review.proposals) == set(new)  # withdrawn evidence withdraws its proposal
    for k, p in review.proposals.items():
        o = old.get(k)
        # the oracle: rejected before, and the same status and reason now
        still_rejected = o is not None and o[2] and (o[0], o[1]) == (new[k][0], new[k][1])
        assert bool(p.rejected_by) == still_rejected, (k, o, new[k])
        assert (p.status, p.reason) == (new[k][0], new[k][1])


# ------------------------------------------------------------------ hostile input: facts or nothing, never a crash
_any = st.recursive(st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=3), max_leaves=8)
_SLOTS = ["containers", "readinessProbe", "livenessProbe", "resources", "env", "envFrom", "affinity",
          "topologySpreadConstraints", "replicas", "strategy", "selector", "minAvailable", "maxUnavailable",
          "scaleTargetRef", "schedule", "groups", "annotations", "data", "podSelector", "template"]


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["Deployment", "StatefulSet", "DaemonSet", "Pod", "PodDisruptionBudget", "CronJob",
                             "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule", "Secret", "ConfigMap",
                             "NetworkPolicy", "Schedule", "Service"]),
       values=st.dictionaries(st.sampled_from(_SLOTS), _any, max_size=6), compose_svc=_any,
       comp_kind=st.sampled_from(["service", "datastore"]))
def test_hostile_objects_give_facts_or_nothing(tmp_path_factory, kind, values, compose_svc, comp_kind):
    from prr_app.importers.readiness import extract_files
    from prr_app.model.entities import Component

    d = tmp_path_factory.mktemp("h")
    pod = {"containers": values.get("containers", [{"name": "c", **{k: v for k, v in values.items()
                                                                   if k in ("readinessProbe", "livenessProbe",
                                                                            "resources", "env", "envFrom")}}]),
           "affinity": values.get("affinity"), "topologySpreadConstraints": values.get("topologySpreadConstraints")}
    spec = {"replicas": values.get("replicas"), "strategy": values.get("strategy"),
            "selector": values.get("selector", {"matchLabels": {"app": "cart"}}),
            "template": values.get("template", {"metadata": {"labels": {"app": "cart"},
                                                             "annotations": values.get("annotations")}, "spec": pod}),
            "minAvailable": values.get("minAvailable"), "maxUnavailable": values.get("maxUnavailable"),
            "scaleTargetRef": values.get("scaleTargetRef"), "schedule": values.get("schedule"),
            "groups": values.get("groups"), "podSelector": values.get("podSelector"),
            "jobTemplate": {"spec": {"template": {"spec": pod}}}}
    doc = {"apiVersion": "velero.io/v1" if kind == "Schedule" else "v1", "kind": kind,
           "metadata": {"name": "cart", "annotations": values.get("annotations")}, "spec": spec,
           "data": values.get("data")}
    (d / "k.yaml").write_text(json.dumps(doc), encoding="utf-8")
    (d / "compose.yaml").write_text(json.dumps({"services": {"cart": compose_svc}}), encoding="utf-8")
    (d / "rules.yml").write_text(json.dumps({"groups": values.get("groups", [])}), encoding="utf-8")
    review = Review()
    review.components["cart"] = Component("cart", "cart", kind=comp_kind)
    facts = extract_files([d / "k.yaml", d / "compose.yaml", d / "rules.yml"], review, base=d)
    for f in facts.facts:
        assert f.file in ("k.yaml", "compose.yaml", "rules.yml") and f.line >= 0 and f.what
    from prr_app.checklist.proposals import propose

    for p in propose(review, facts).values():
        assert p.evidence and p.status in ("met", "partly", "not_met")


def test_the_pdf_lists_proposals_apart_from_answers(tmp_path):
    import io

    from pypdf import PdfReader

    res, _ = _import(tmp_path, {"app.yaml": CART})
    path = tmp_path / "r.prr"
    save_review(res.review, path)
    out = tmp_path / "r.pdf"
    assert main(["report", str(path), "-o", str(out)]) in (0, 1)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = " ".join(text.split())
    assert "7.2 Answers proposed from evidence (not counted until a reviewer confirms them)" in flat
    assert "no PodDisruptionBudget selects cartservice" in flat


def test_a_reviewers_observability_value_is_kept_and_a_contradiction_said(tmp_path):
    text = CART.replace('value: "redis-cart:6379"', 'value: "redis-cart:6379"\n'
                        '        - name: OTEL_EXPORTER_OTLP_ENDPOINT\n          value: "http://collector:4317"')
    res, root = _import(tmp_path, {"app.yaml": text})
    review = res.review
    assert review.components["cartservice"].observability.traces is True
    review.components["cartservice"].observability.traces = False  # the reviewer says otherwise
    again = import_review([root], into=review)
    assert again.review.components["cartservice"].observability.traces is False
    assert any("the review says it has no traces, but exports traces over OTLP" in ln for ln in again.report.read)


def test_an_import_without_evidence_withdraws_no_proposal(tmp_path):
    res, _ = _import(tmp_path, {"app.yaml": CART})
    before = dict(res.review.proposals)
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\ncartservice,redis-cart\n", encoding="utf-8")
    again = import_review([edges], into=res.review)
    assert again.review.proposals == before
    assert any("proposal(s) are kept as they were" in ln for ln in again.report.read)
