"""Readiness evidence a reviewer can open: facts read from ``helm template`` output are cited in the
chart's template files; a Compose service with no healthcheck or no resource limits is proposed not met,
as a Kubernetes workload with none is."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from prr_app.review.importing import import_review

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.is_dir():
    REALDATA = Path("/work/shared/realdata")

needs_helm = pytest.mark.skipif(shutil.which("helm") is None, reason="helm is not installed")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _line(path: Path, needle: str, nth: int = 1) -> int:
    hits = [i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln]
    return hits[nth - 1]


def _cited(text: str, root: Path) -> list[tuple[str, int, str]]:
    """(file, line, the line's text) of every file:line a proposal's text cites under ``root``."""
    out = []
    for f, n in re.findall(r"([\w./-]+\.ya?ml):(\d+)", text):
        p = root / f
        assert p.is_file(), f"{f} cited in {text!r} is not a file a reviewer can open"
        out.append((f, int(n), p.read_text(encoding="utf-8").splitlines()[int(n) - 1]))
    return out


# ------------------------------------------------------------------ Helm: the template's line
@needs_helm
@pytest.mark.skipif(not (REALDATA / "online-boutique-repo").is_dir(), reason="realdata not here")
def test_online_boutique_chart_evidence_cites_the_template_lines():
    root = REALDATA / "online-boutique-repo"
    res = import_review([root], variant="helm-chart")
    p = res.review.proposals
    tpl = root / "helm-chart" / "templates" / "frontend.yaml"
    probes = p["svc.probes@frontend"]
    assert f"helm-chart/templates/frontend.yaml:{_line(tpl, 'readinessProbe:')}" in probes.reason  # line 76
    assert any(f"helm-chart/templates/frontend.yaml:{_line(tpl, 'livenessProbe:')}" in e for e in probes.evidence)
    limits = p["svc.resource-limits@frontend"]
    assert f"helm-chart/templates/frontend.yaml:{_line(tpl, '  resources:')}" in limits.reason
    # the Deployment (its replicas are not set): where the template writes its document
    spread = p["svc.instances-spread@frontend"]
    assert f"helm-chart/templates/frontend.yaml:{_line(tpl, 'apiVersion: apps/v1')}" in spread.reason
    # every place any proposal cites is a template line that holds what the evidence says
    holds = {"readiness probe": "readinessProbe:", "liveness probe": "livenessProbe:", "container ": "resources:",
             "replica(s)": "apiVersion:", "PodDisruptionBudget": "apiVersion:", "update": "apiVersion:"}
    checked = 0
    for key, prop in p.items():
        for ev in prop.evidence:
            assert "(helm template)" not in ev, ev
            for f, _n, text in _cited(ev, root):
                if f.startswith("helm-chart/"):
                    want = next(w for k, w in holds.items() if k in ev)
                    assert want in text, (key, ev, text)
                    checked += 1
    assert checked >= 30


CHART = {
    "deploy/chart/Chart.yaml": """\
        apiVersion: v2
        name: shop
        version: 0.1.0
        """,
    "deploy/chart/values.yaml": """\
        web:
          replicas: 3
        workers: [a, b]
        """,
    "deploy/chart/templates/_helpers.tpl": """\
        {{- define "shop.liveness" -}}
        livenessProbe:
          httpGet:
            path: /live
            port: 8080
        {{- end }}
        """,
    # the Service first: helm prints the Deployment after it (by kind), not in the template's order
    "deploy/chart/templates/web.yaml": """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
            - port: 80
              targetPort: 8080
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: {{ .Values.web.replicas }}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: shop/web:1
                  readinessProbe:
                    httpGet:
                      path: /ready
                      port: 8080
                  {{- include "shop.liveness" . | nindent 10 }}
        """,
    "deploy/chart/templates/workers.yaml": """\
        {{- range .Values.workers }}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker-{{ . }}
        spec:
          selector:
            matchLabels:
              app: worker-{{ . }}
          template:
            metadata:
              labels:
                app: worker-{{ . }}
            spec:
              containers:
                - name: worker
                  image: shop/worker:1
                  env:
                    - name: WEB_URL
                      value: http://web
                  readinessProbe:
                    exec:
                      command: [cat, /tmp/ready]
        {{- end }}
        """,
}


@needs_helm
def test_a_rendered_line_is_cited_where_the_template_writes_it_or_as_rendered_by_helm(tmp_path):
    root = _write(tmp_path / "repo", CHART)
    p = import_review([root]).review.proposals
    web, workers = root / "deploy/chart/templates/web.yaml", root / "deploy/chart/templates/workers.yaml"
    # a key whose value the template fills in: the line that writes it
    assert f"deploy/chart/templates/web.yaml:{_line(web, 'replicas: {{')}" in p["svc.instances-spread@web"].reason
    probes = p["svc.probes@web"]
    assert probes.status == "met"
    assert f"deploy/chart/templates/web.yaml:{_line(web, 'readinessProbe:')}" in probes.reason
    # the liveness probe is written by a helper: the template file, with no line, rendered by helm
    live = next(e for e in probes.evidence if e.startswith("liveness probe"))
    assert live.endswith(": deploy/chart/templates/web.yaml (rendered by helm)"), live
    # one template part rendered once per worker: each cites the line of the loop's body
    for w in ("worker-a", "worker-b"):
        assert f"deploy/chart/templates/workers.yaml:{_line(workers, 'readinessProbe:')}" in p[f"svc.probes@{w}"].reason
        assert f"deploy/chart/templates/workers.yaml:{_line(workers, '- name: worker')}" in \
            p[f"svc.resource-limits@{w}"].reason
    for prop in p.values():
        for ev in prop.evidence:
            assert "(helm template)" not in ev and not ev.endswith(":0"), ev
            _cited(ev, root)


# ------------------------------------------------------------------ Compose: what a service lacks
def test_a_compose_service_with_no_healthcheck_or_limits_is_not_met(tmp_path):
    root = _write(tmp_path / "repo", {"compose.yaml": """\
        services:
          web:
            image: nginx
            ports: ["80:80"]
            environment:
              API_URL: http://api:8080
          api:
            image: myorg/api
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
            deploy:
              resources:
                limits: {cpus: "1", memory: 512M}
        """})
    p = import_review([root / "compose.yaml"]).review.proposals
    assert p["svc.probes@web"].status == "not_met"
    assert p["svc.probes@web"].reason == ("Compose service web has no healthcheck (a HEALTHCHECK its image may define "
                                          "is not read): compose.yaml:2")
    assert p["svc.resource-limits@web"].status == "not_met"
    assert p["svc.resource-limits@web"].reason.endswith(": compose.yaml:2")
    assert p["svc.probes@api"].status == "partly" and p["svc.resource-limits@api"].status == "partly"
    assert not any(k.startswith("svc.disruption-budget@") for k in p)  # Compose has no budgets


def test_compose_layers_one_shot_jobs_load_generators_and_extends(tmp_path):
    root = _write(tmp_path / "repo", {
        "compose.yaml": """\
            services:
              cart:
                image: shop/cart:1
                environment:
                  - DB_ADDR=db:5432
                depends_on:
                  migrate:
                    condition: service_completed_successfully
              db:
                image: postgres:16
                healthcheck:
                  test: ["CMD", "pg_isready"]
              migrate:
                image: shop/migrate:1
                environment:
                  - DB_ADDR=db:5432
              shop:
                image: shop/front:1
                ports: ["8080:8080"]
                environment:
                  - CART_ADDR=cart:7070
              locust:
                image: locustio/locust
                environment:
                  - TARGET=http://shop:8080
              worker:
                extends:
                  file: common.yaml
                  service: base
                environment:
                  - CART_ADDR=cart:7070
            """,
        "common.yaml": """\
            services:
              base:
                image: shop/worker:1
                healthcheck:
                  test: ["CMD", "true"]
            """,
        # a layer that only adds to cart, named so that it is read before compose.yaml
        "compose.extra.yaml": """\
            services:
              cart:
                environment:
                  - OTEL_SERVICE_NAME=cart
              shop:
                healthcheck:
                  test: ["CMD", "wget", "-q", "localhost:8080"]
                deploy:
                  resources:
                    limits: {cpus: "1", memory: 256M}
                    reservations: {cpus: "0.5", memory: 128M}
            """,
    })
    review = import_review([root]).review
    p = review.proposals
    assert "cart" in review.components and "migrate" not in review.components
    # cited where cart is defined (its image), not in the layer that only adds to it
    assert p["svc.probes@cart"].status == "not_met"
    assert p["svc.probes@cart"].reason.endswith(f": compose.yaml:{_line(root / 'compose.yaml', 'cart:')}")
    assert p["svc.resource-limits@cart"].status == "not_met"
    # what a layer adds counts: shop's healthcheck and limits are in compose.extra.yaml
    assert p["svc.probes@shop"].status == "partly"
    assert p["svc.resource-limits@shop"].status == "partly"  # limits in the files: whether from measurements is for the reviewer
    # a load generator owes no readiness; a one-shot job is no component; what `extends` inherits is not read
    assert not [k for k in p if k.endswith(("@locust", "@migrate"))]
    assert "svc.probes@worker" not in p and "svc.resource-limits@worker" not in p


@pytest.mark.parametrize("name, folder, service, has_healthcheck", [
    ("sock-shop", "sock-shop/docker-compose.yml", "carts", False),
    ("spring-petclinic", "spring-petclinic-repo", "api-gateway", False),
    ("spring-petclinic", "spring-petclinic-repo", "config-server", True),
    ("opentelemetry-demo", "opentelemetry-demo", "cart", False),
    ("opentelemetry-demo", "opentelemetry-demo", "checkout", True),
])
def test_real_compose_projects(name, folder, service, has_healthcheck):
    path = REALDATA / folder
    if not path.exists():
        pytest.skip("realdata not here")
    root = path if path.is_dir() else path.parent
    review = import_review([path]).review
    p = review.proposals
    prop = p[f"svc.probes@{service}"]
    if has_healthcheck:
        assert prop.status == "partly"
        return
    assert prop.status == "not_met"
    (f, _n, text), = _cited(prop.reason, root)
    assert text.strip() == f"{service}:", (prop.reason, text)  # the service's definition
    assert f in ("docker-compose.yml", "compose.yaml")
    # load generators owe nothing
    assert not [k for k, c in review.components.items() if "load-generator" in c.tags and f"svc.probes@{k}" in p]
