"""Session 31, e1: answers proposed from evidence judged as the model judges them, and answers confirmed from
evidence that a re-import contradicts.

APP: api (replicas 3, HPA minReplicas 1, PDB minAvailable 2, zone spread, probes), web, pay, reviews-v1/v2 (one
Service: a redundancy group, one PDB maxUnavailable 1 over both), jaeger (Recreate, a telemetry hub).
"""
from __future__ import annotations

import re

import pytest

import prr_app.checklist.proposals as props
from prr_app.cli.main import main
from prr_app.review.document import load_review

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels: {app: api}
      containers:
      - name: api
        image: example/api:1.0
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
        livenessProbe:
          httpGet: {path: /live, port: 8080}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        env:
        - name: PAY_URL
          value: http://pay:8080
        - name: WEB_URL
          value: http://web:8080
        - name: REVIEWS_URL
          value: http://reviews:9080
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 1
  maxReplicas: 6
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: api}
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: LoadBalancer
  selector: {app: api}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
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
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: pay
spec:
  replicas: 2
  selector:
    matchLabels: {app: pay}
  template:
    metadata:
      labels: {app: pay}
    spec:
      containers:
      - name: pay
        image: example/pay:1.0
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet: {path: /ready, port: 9090}
        livenessProbe:
          tcpSocket: {port: 9090}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: pay
spec:
  selector: {app: pay}
  ports:
  - port: 8080
    targetPort: http
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pay
spec:
  maxUnavailable: 0
  selector:
    matchLabels: {app: pay}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
spec:
  replicas: 1
  selector:
    matchLabels: {app: reviews, version: v1}
  template:
    metadata:
      labels: {app: reviews, version: v1}
    spec:
      containers:
      - name: reviews
        image: example/reviews:1
        readinessProbe:
          httpGet: {path: /ready, port: 9080}
        livenessProbe:
          httpGet: {path: /live, port: 9080}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v2
spec:
  replicas: 1
  selector:
    matchLabels: {app: reviews, version: v2}
  template:
    metadata:
      labels: {app: reviews, version: v2}
    spec:
      containers:
      - name: reviews
        image: example/reviews:2
        readinessProbe:
          httpGet: {path: /ready, port: 9080}
        livenessProbe:
          httpGet: {path: /live, port: 9080}
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports:
  - port: 9080
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: reviews
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: reviews}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: jaeger
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels: {app: jaeger}
  template:
    metadata:
      labels: {app: jaeger}
    spec:
      containers:
      - name: jaeger
        image: jaegertracing/all-in-one:1.52
        env:
        - name: COLLECTOR_OTLP_ENABLED
          value: "true"
---
apiVersion: v1
kind: Service
metadata:
  name: jaeger
spec:
  selector: {app: jaeger}
  ports:
  - port: 4317
"""

#: the re-import: api's probes deleted and its replicas 3 -> 1
APP2 = APP.replace("  replicas: 3\n", "  replicas: 1\n", 1).replace(
    "        readinessProbe:\n          httpGet: {path: /ready, port: 8080}\n"
    "        livenessProbe:\n          httpGet: {path: /live, port: 8080}\n", "", 1)

K3 = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 0
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - name: worker
        image: example/worker:1
        env:
        - name: DB_URL
          value: postgres://db:5432/x
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  updateStrategy:
    type: OnDelete
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
        readinessProbe:
          exec: {command: [pg_isready]}
        livenessProbe:
          tcpSocket: {port: 5432}
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports:
  - port: 5432
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: db
spec:
  minAvailable: "100%"
  selector:
    matchLabels: {app: db}
"""


def _write(tmp_path, name, text):
    d = tmp_path / name
    d.mkdir()
    (d / "app.yaml").write_text(text, encoding="utf-8")
    return d


def _imported(tmp_path, capsys, text=APP):
    src = _write(tmp_path, "k8s", text)
    out = tmp_path / "syn.prr"
    assert main(["import", str(src), "-o", str(out), "--force"]) == 0
    capsys.readouterr()
    return out


def _confirm(path, capsys, *keys, by="Rev One"):
    assert main(["checklist-confirm", str(path), *keys, "--by", by]) == 0
    capsys.readouterr()


def _reimport(tmp_path, path, capsys, text=APP2):
    src = _write(tmp_path, "k8s2", text)
    assert main(["import", str(src), "--into", str(path)]) == 0
    return capsys.readouterr().out


# ------------------------------------------------------------------ 1. a confirmed answer the files contradict
def test_a_confirmed_answer_a_reimport_contradicts_is_said_and_the_new_finding_proposed(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api", "svc.probes@pay")
    out = _reimport(tmp_path, path, capsys)
    line = next(x for x in out.splitlines() if x.startswith("change: answer svc.probes@api:"))
    assert "confirmed met from evidence by Rev One" in line and "show not met" in line
    assert "no liveness or readiness probe" in line and "the answer stands" in line
    assert not any(x.startswith("change: answer svc.probes@pay") for x in out.splitlines())  # unchanged evidence
    review = load_review(path)
    assert review.answers["svc.probes@api"].status == "met"  # never changed silently
    assert "show not met" in props.evidence_changed(review, "svc.probes@api")
    assert props.evidence_changed(review, "svc.probes@pay") is None
    # prr checklist: a section, and the item's line with --items; the new finding is a proposal beside the answer
    assert main(["checklist", str(path), "--items"]) == 0
    text = capsys.readouterr().out
    assert "Answers the imported files contradict (1;" in text
    assert "the evidence changed: confirmed met from evidence" in text
    assert re.search(r"svc\.probes@api .*\(proposed: not met\)", text)
    # confirming the new proposal replaces the answer (a reviewer's act), and the line goes
    _confirm(path, capsys, "svc.probes@api", by="Rev Two")
    review = load_review(path)
    assert review.answers["svc.probes@api"].status == "not_met"
    assert props.evidence_changed(review, "svc.probes@api") is None


def test_a_rejected_new_finding_keeps_the_answer_without_the_line(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    _reimport(tmp_path, path, capsys)
    assert main(["checklist-confirm", str(path), "svc.probes@api", "--reject", "--by", "Rev One"]) == 0
    capsys.readouterr()
    review = load_review(path)
    assert review.answers["svc.probes@api"].status == "met" and props.evidence_changed(review, "svc.probes@api") is None


def test_evidence_no_longer_there_is_said_by_the_reimport(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    review = load_review(path)
    changes = props.refresh(review, {})  # the files no longer show anything for the item
    assert any(c.startswith("answer svc.probes@api: confirmed met from evidence") and "no longer show" in c
               for c in changes)
    assert review.answers["svc.probes@api"].status == "met"


# ------------------------------------------------------------------ 2. the autoscaler's floor, lower too
def test_an_autoscaler_that_may_scale_down_to_one_pod_is_judged_by_its_floor(tmp_path, capsys):
    review = load_review(_imported(tmp_path, capsys))
    spread = review.proposals["svc.instances-spread@api"]
    assert spread.status == "not_met"
    assert "3 replica(s)" in spread.reason and "may scale down to 1" in spread.reason
    pdb = review.proposals["svc.disruption-budget@api"]
    assert pdb.status == "partly"
    assert "replicas 3, but HorizontalPodAutoscaler api scales api from 1 to 6" in pdb.reason
    assert "at one replica the budget either blocks every node drain or protects nothing" in pdb.reason


# ------------------------------------------------------------------ 3. a redundancy group judged on the group
def test_a_groups_spread_and_budget_are_judged_on_its_members_pods_together(tmp_path, capsys):
    review = load_review(_imported(tmp_path, capsys))
    spread = review.proposals["svc.instances-spread@reviews"]
    assert spread.status == "partly" and "2 pod(s) across 2 members" in spread.reason
    assert "single point of failure" not in spread.reason
    pdb = review.proposals["svc.disruption-budget@reviews"]
    assert pdb.status == "met"
    assert "selects the pods of reviews-v1, reviews-v2 together (maxUnavailable 1, 2 pod(s) at least)" in pdb.reason


# ------------------------------------------------------------------ 4. rollouts: workloads that serve traffic
def test_a_telemetry_tool_updated_by_recreate_does_not_fail_the_rollout_item(tmp_path, capsys):
    review = load_review(_imported(tmp_path, capsys))
    p = review.proposals["deploy.no-error-spike"]
    assert p.status == "partly" and "jaeger" not in p.reason and "every deploy" not in p.reason
    text = APP.replace("name: pay\nspec:\n  replicas: 2\n", "name: pay\nspec:\n  replicas: 2\n  strategy:\n"
                       "    type: Recreate\n", 1)
    (tmp_path / "b").mkdir()
    review = load_review(_imported(tmp_path / "b", capsys, text))
    p = review.proposals["deploy.no-error-spike"]
    assert p.status == "not_met"
    assert p.reason.startswith("pay (1 of 5 workloads) updates by Recreate")


def test_on_delete_is_worded_as_a_rollout_by_hand(tmp_path, capsys):
    review = load_review(_imported(tmp_path, capsys, K3))
    p = review.proposals["deploy.no-error-spike"]
    assert p.status == "partly" and "OnDelete" in p.reason and "by hand, pod by pod" in p.reason
    assert "stops all instances" not in p.reason


# ------------------------------------------------------------------ 5. a reviewer's new answer
def test_a_new_status_does_not_carry_the_evidence_confirmed_for_the_old_one(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api", "svc.probes@pay")
    assert main(["checklist-answer", str(path), "svc.probes@api", "--status", "partly", "--by", "Rev Two"]) == 0
    out = capsys.readouterr().out
    assert "the evidence confirmed for met does not carry over to partly" in out
    assert main(["checklist-answer", str(path), "svc.probes@pay", "--owner", "Team Pay", "--by", "Rev Two"]) == 0
    capsys.readouterr()
    review = load_review(path)
    a = review.answers["svc.probes@api"]
    assert a.status == "partly" and a.evidence == "" and a.note == ""
    assert any("readiness probe httpGet /ready port 8080" in h.note for h in a.history)  # the history keeps it
    b = review.answers["svc.probes@pay"]  # no new status: still the answer confirmed from evidence
    assert b.status == "met" and "readiness probe" in b.evidence and b.owner == "Team Pay"


def test_a_new_status_with_its_own_evidence_keeps_that_evidence(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    assert main(["checklist-answer", str(path), "svc.probes@api", "--status", "partly", "--evidence",
                 "probe runbook", "--by", "Rev Two"]) == 0
    capsys.readouterr()
    a = load_review(path).answers["svc.probes@api"]
    assert a.evidence == "probe runbook" and a.note == ""


# ------------------------------------------------------------------ 6. prr evidence on a redundancy group
def test_evidence_of_a_redundancy_group_shows_its_members(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    assert main(["evidence", str(path), "reviews"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reviews: redundancy group of reviews-v1, reviews-v2 (up while at least 1 member is up)")
    assert "  reviews-v1: evidence from" in out and "Deployment reviews-v2" in out
    assert main(["evidence", str(path), "nothing"]) == 2
    assert "no component, dependency or redundancy group 'nothing'" in capsys.readouterr().err


def test_the_gate_warns_of_an_answer_the_files_imported_since_contradict(tmp_path, capsys):
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    _reimport(tmp_path, path, capsys)
    main(["gate", str(path)])
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if x.startswith("prr: warning: answer svc.probes@api:"))
    assert "show not met" in line


def test_a_reimport_of_the_same_files_counts_no_change_for_an_answer_that_stands(tmp_path, capsys):
    """The line about an answer the files now contradict changes nothing (the answer stands): a
    re-import of the same files counted it as "1 change to the existing review" above "no change"."""
    import time

    # import times are to the second, and a .prr lists its import records by id: three imports within one
    # second cannot tell which is the newest (noted in the session's closing note); a second apart they can
    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    time.sleep(1.1)
    _reimport(tmp_path, path, capsys)
    time.sleep(1.1)
    assert main(["import", str(tmp_path / "k8s2"), "--into", str(path), "--summary"]) == 0
    out = capsys.readouterr().out
    assert "change to the existing review" not in out and "changes to the existing review" not in out
    assert "no change: the review already says what these files say;" in out  # no hand edit to speak of


def test_the_report_says_an_answer_the_files_imported_since_contradict(tmp_path, capsys):
    """The PDF and Markdown said nothing of it: a lead reading only the report saw a probe risk and a met
    answer side by side with no link. It heads "What the import could not settle"."""
    from prr_app.reporting.assessment import import_notes

    path = _imported(tmp_path, capsys)
    _confirm(path, capsys, "svc.probes@api")
    _reimport(tmp_path, path, capsys)
    notes = import_notes(load_review(path))
    rank, first = notes.lines[0]
    assert rank == 0 and first.startswith("answer svc.probes@api: confirmed met from evidence")
    md = tmp_path / "r.md"
    assert main(["report", str(path), "-o", str(tmp_path / "r.pdf"), "--markdown", str(md)]) == 0
    assert "svc.probes@api: confirmed met from evidence" in md.read_text()
