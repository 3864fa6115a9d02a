"""Session 30: a checkout import measured on the real systems: two systems in one folder merged by a
shared service name (one side's calls dropped, false calls linking the systems), and ``--format`` on a
folder choosing compose layers, configuration and Helm templates otherwise than the import without it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
real = pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: server
        image: shop/{name}
{env}---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports:
  - port: 80
---
"""


def deployment(name: str, **env: str) -> str:
    lines = "".join(f"        - name: {k}\n          value: \"{v}\"\n" for k, v in env.items())
    return DEPLOY.format(name=name, env=("        env:\n" + lines) if lines else "")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def two_systems(root: Path) -> Path:
    """A shop on Kubernetes and a blog on Compose, each with its own ``frontend``, in one folder."""
    shop = deployment("frontend", CART_ADDR="cart:80", CATALOG_ADDR="catalog:80") + deployment("cart") + \
        deployment("catalog")
    blog = ("services:\n"
            "  proxy:\n    image: nginx\n    ports: ['8080:80']\n    volumes: ['./proxy/nginx.conf:/etc/nginx/nginx.conf']\n"
            "  frontend:\n    image: blog/frontend\n    environment:\n      API_ADDR: api:8080\n"
            "  api:\n    image: blog/api\n    environment:\n      DB_HOST: posts-db\n"
            "  posts-db:\n    image: postgres:16\n")
    return write(root, {"shop/app.yaml": shop, "blog/compose.yaml": blog,
                        "blog/proxy/nginx.conf": "http { server { location / { proxy_pass http://frontend:3000; } } }\n"})


# ------------------------------------------------------------------ 1. two systems, one name
def test_two_systems_sharing_a_service_name_keep_both_and_their_own_calls(tmp_path):
    res = import_paths([two_systems(tmp_path / "mono")])
    comps, deps = res.review.components, set(res.review.dependencies)
    assert "frontend" in comps and "blog/frontend" in comps, sorted(comps)
    assert len(comps) == 7
    # each frontend's own calls, none dropped
    assert {"frontend->cart", "frontend->catalog", "blog/frontend->api", "api->posts-db"} <= deps, deps
    # the blog's proxy calls the blog's frontend (its nginx.conf, read as configuration), never the shop's
    assert "proxy->blog/frontend" in deps and "proxy->frontend" not in deps, deps
    said = [w for w in res.report.warnings if "kept apart as blog/frontend" in w]
    assert len(said) == 1 and "shop" in said[0] and "not a duplicate" in said[0], res.report.warnings
    assert not any("a duplicate, the first kept" in w for w in res.report.warnings)
    # and nothing links them: the reviewer hears of two systems side by side
    side = [w for w in res.report.warnings if "systems that do not call each other" in w]
    assert len(side) == 1 and "shop (3 components)" in side[0] and "blog (compose) (4 components)" in side[0], side


def test_the_same_service_in_two_linked_deployments_is_one_component_with_every_call(tmp_path):
    """Deployments that name each other's services are one system: a name both deploy is one service
    described twice (kept once, not redundancy), and the calls only the second description names are
    added to it, not dropped."""
    root = write(tmp_path / "repo", {
        "k8s/app.yaml": deployment("app", KAFKA_ADDR="kafka:9092", DB_HOST="postgres") + deployment("worker")
        + deployment("postgres"),
        "infra/compose.yaml": "services:\n  postgres:\n    image: postgres:16\n    environment:\n"
                              "      LOG_ADDR: zookeeper:2181\n  kafka:\n    image: bitnami/kafka\n"
                              "  zookeeper:\n    image: zookeeper\n",
    })
    res = import_paths([root], scan_source=False)
    comps, deps = res.review.components, set(res.review.dependencies)
    assert "postgres" in comps and not any(c.endswith("/postgres") for c in comps), sorted(comps)
    assert "postgres->zookeeper" in deps, deps  # named only by the compose description: kept
    said = [w for w in res.report.warnings if "postgres is also described by" in w]
    assert len(said) == 1 and "the same service" in said[0] and "1 call(s)" in said[0], res.report.warnings


def test_a_third_system_naming_a_shared_name_is_not_given_a_guessed_call(tmp_path):
    """A file of a system that deploys no service of the name two others share cannot say which it
    means: no call is recorded, and the report says which calls were left out."""
    root = two_systems(tmp_path / "mono")
    write(root, {"tools/compose.yaml": "services:\n  prober:\n    image: tools/prober\n  reporter:\n"
                                       "    image: tools/reporter\n",
                 "tools/prober/probe.conf": "target = http://frontend:80/health\n"})
    res = import_paths([root], scan_source=False)
    deps = set(res.review.dependencies)
    assert not {"prober->frontend", "prober->blog/frontend"} & deps, deps
    said = [w for w in res.report.warnings if "names a service of several systems" in w]
    assert len(said) == 1 and "prober -> tools/prober/probe.conf:1" in said[0], res.report.warnings


@real
def test_online_boutique_beside_the_otel_demo_keeps_both_frontends(tmp_path):
    mono = tmp_path / "mono"
    (mono / "shop").mkdir(parents=True)
    (mono / "astronomy").mkdir()
    shutil.copy(REALDATA / "online-boutique" / "kubernetes-manifests.yaml", mono / "shop")
    for name in ("compose.yaml", ".env"):
        shutil.copy(REALDATA / "opentelemetry-demo" / name, mono / "astronomy")
    res = import_paths([mono])
    comps, deps = res.review.components, res.review.dependencies
    assert len(comps) == 32 and "astronomy/frontend" in comps
    assert "frontend-proxy->astronomy/frontend" in deps and "frontend-proxy->frontend" not in deps
    assert "astronomy/frontend->checkout" in deps and "frontend->checkoutservice" in deps
    assert any("2 systems that do not call each other" in w for w in res.report.warnings)


# ------------------------------------------------------------------ 2-4. --format on a checkout
def test_format_compose_on_a_folder_picks_and_says_layers_as_the_import_without_it(tmp_path):
    root = write(tmp_path / "app", {
        "compose.yaml": "services:\n  web:\n    image: web\n    environment:\n      API: http://api:80\n"
                        "  api:\n    image: api\n",
        "compose.override.yaml": "services:\n  api:\n    environment:\n      X: '1'\n",
        "compose.tests.yaml": "services:\n  webTests:\n    image: tests\n    depends_on: [web]\n",
    })
    auto = import_paths([root])
    named = import_paths([root], "compose")
    for res in (auto, named):
        assert sorted(res.review.components) == ["api", "web"], sorted(res.review.components)
        assert any("2 compose files merged in this order: compose.yaml, compose.override.yaml" in w
                   for w in res.report.warnings), res.report.warnings
        assert any("compose.tests.yaml" in s and "special case" in s for s in res.report.skipped)


def test_format_compose_on_a_checkout_still_reads_configuration(tmp_path):
    root = write(tmp_path / "app", {
        "docker-compose.yml": "services:\n  api:\n    image: api\n    build: ./api\n  db:\n    image: postgres:16\n"
                              "  cache:\n    image: redis\n",
        "api/src/main/resources/application.yml": "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/x\n",
        "k8s/app.yaml": deployment("api"),
    })
    res = import_paths([root], "compose")
    assert "api->db" in res.review.dependencies, res.report.skipped
    assert sorted(res.review.components) == ["api", "cache", "db"]
    assert "k8s/app.yaml: not compose: looks like kubernetes (import it with --format kubernetes)" in res.report.skipped
    assert not any("application.yml" in s for s in res.report.skipped), res.report.skipped


def test_format_kubernetes_leaves_a_helm_template_to_its_chart(tmp_path, capsys):
    root = write(tmp_path / "repo", {
        "manifests/app.yaml": deployment("web", API_ADDR="api:80") + deployment("api"),
        "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "chart/values.yaml": "replicas: 1\n",
        "chart/templates/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n"
                                    "spec:\n  replicas: {{ .Values.replicas }}\n",
        "docker-compose.yml": "services:\n  web:\n    image: web\n",
    })
    res = import_paths([root], "kubernetes", render=False)
    assert {"web", "api"} <= set(res.review.components) and "web->api" in res.review.dependencies
    assert "docker-compose.yml: not kubernetes: looks like compose (import it with --format compose)" \
        in res.report.skipped
    out = tmp_path / "o.prr"
    assert main(["import", str(root), "--format", "kubernetes", "-o", str(out)]) == 0, capsys.readouterr().err
    assert out.exists()


def test_format_on_a_folder_with_no_file_of_it_says_so(tmp_path):
    root = write(tmp_path / "repo", {"docker-compose.yml": "services:\n  web:\n    image: web\n"})
    with pytest.raises(PrrError, match="no kubernetes files found"):
        import_paths([root], "kubernetes")
