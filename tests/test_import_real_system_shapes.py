"""Imports of shapes found in real systems' files (Sentry's, Airflow's, PostHog's, Supabase's and
Temporal's self-hosting setups, and Kubernetes manifests).

Compose imports model what ``docker compose up`` keeps running: services of profiles that are not
active, one-shot jobs and services scaled to 0 are not components (they became false SPOFs and
false user-facing services). A file mounted into a gateway is its configuration. Variables named
like hosts are read as hosts, and a Service that cannot reach its pods says why."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths

ROOT = Path(__file__).resolve().parent.parent

PROJECT = """\
services:
  web:
    image: example/web
    ports: ["8000:8000"]
    environment:
      DATABASE_URL: postgres://app@db:5432/app
      SNUBA: http://snuba-api:1218
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  web-errors-only:
    image: example/web
    profiles: [errors-only]
    ports: ["8000:8000"]
    environment: {DATABASE_URL: "postgres://app@db:5432/app"}
  snuba-api:
    image: getsentry/snuba
    profiles: [feature-complete]
    environment: {DATABASE_URL: "postgres://app@db:5432/app"}
  flower:
    image: example/flower
    profiles: [flower]
    ports: ["5555:5555"]
  migrate:
    image: example/web
    command: ["migrate"]
    depends_on: [db]
  db:
    image: postgres:16
"""


def project(tmp_path: Path, env: str = "", text: str = PROJECT) -> Path:
    (tmp_path / "docker-compose.yml").write_text(text, encoding="utf-8")
    if env:
        (tmp_path / ".env").write_text(env, encoding="utf-8")
    return tmp_path / "docker-compose.yml"


def deps(res) -> set[str]:
    return {f"{d.source}->{d.target}" for d in res.review.dependencies.values()}


def test_by_default_only_services_without_a_profile_are_imported(tmp_path):
    res = import_paths([project(tmp_path)])
    assert set(res.review.components) == {"web", "db"}
    assert deps(res) == {"web->db"}
    # what was left out is said, with how to bring it in
    skipped = "\n".join(res.report.skipped)
    assert "profile feature-complete is not active: 1 service(s) not imported (snuba-api); " \
           "import them with --profile feature-complete" in skipped
    assert "profile flower is not active" in skipped and "profile errors-only is not active" in skipped
    # web's address of snuba-api is not a silent loss: it names a service that is not running
    assert any("names snuba-api, which is not imported: it runs only with profile feature-complete, not active" in d
               for d in res.report.dangling)


def test_compose_profiles_in_the_env_file_activate_profiles_as_docker_compose_does(tmp_path):
    res = import_paths([project(tmp_path, env="COMPOSE_PROFILES=feature-complete, flower\n")])
    c = res.review.components
    assert set(c) == {"web", "db", "snuba-api", "flower"}
    assert "web->snuba-api" in deps(res)
    assert "profile:flower" in c["flower"].tags
    assert any("active profile(s): feature-complete, flower (COMPOSE_PROFILES)" in r for r in res.report.read)
    # an active profile is not a warning
    assert not any("profile" in w for w in res.report.warnings)


def test_the_profile_option_overrides_the_env_file_and_star_activates_every_profile(tmp_path):
    path = project(tmp_path, env="COMPOSE_PROFILES=feature-complete\n")
    res = import_paths([path], profiles=["errors-only"])
    assert set(res.review.components) == {"web", "web-errors-only", "db"}
    res = import_paths([path], profiles=["*"])
    assert set(res.review.components) == {"web", "web-errors-only", "snuba-api", "flower", "db"}


def test_a_one_shot_job_is_not_a_component_nor_a_runtime_dependency(tmp_path):
    res = import_paths([project(tmp_path)])
    assert "migrate" not in res.review.components
    assert not any(d.target == "migrate" for d in res.review.dependencies.values())
    assert any("service migrate: a one-shot job" in s and "service_completed_successfully" in s
               for s in res.report.skipped)
    assert any("web waits for migrate to complete at start-up" in r for r in res.report.read)
    assert not any("migrate" in d for d in res.report.dangling)


@pytest.mark.parametrize("deploy", ["deploy: {replicas: 0}", "scale: 0", "deploy: {mode: replicated-job}"])
def test_services_that_do_not_keep_running_are_not_imported(tmp_path, deploy):
    text = ("services:\n  api:\n    image: example/api\n    environment: {DB_HOST: db}\n"
            f"  check:\n    image: example/check\n    {deploy}\n    environment: {{DB_HOST: db}}\n"
            "  db:\n    image: postgres:16\n")
    res = import_paths([project(tmp_path, text=text)])
    assert set(res.review.components) == {"api", "db"}
    assert any("service check" in s and "not imported" in s for s in res.report.skipped)


def test_a_project_whose_every_service_has_an_inactive_profile_is_a_clear_error(tmp_path):
    text = "services:\n  a:\n    image: x/a\n    profiles: [dev]\n  b:\n    image: x/b\n    profiles: [test]\n"
    path = project(tmp_path, text=text)
    with pytest.raises(PrrError) as e:
        import_paths([path])
    assert "--profile (profiles here: dev, test)" in str(e.value)
    # the command line: exit 2, one line naming the file, no traceback, nothing written
    out = tmp_path / "out.prr"
    proc = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "import", str(path), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert str(path) in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    proc = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "import", str(path), "-o", str(out),
                           "--profile", "dev", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_a_checkout_import_reads_the_profiles_too(tmp_path):
    project(tmp_path, env="COMPOSE_PROFILES=flower\n")
    (tmp_path / "README.md").write_text("# shop\n", encoding="utf-8")
    res = import_paths([tmp_path])  # a folder: read as a checkout
    assert set(res.review.components) == {"web", "db", "flower"}
    res = import_paths([tmp_path], profiles=["feature-complete"])
    assert set(res.review.components) == {"web", "db", "snuba-api"}


def test_a_file_mounted_into_a_gateway_is_its_configuration_and_gives_its_routes(tmp_path):
    # Supabase's layout: Kong's declarative kong.yml (which has a top-level "services:" list, like a
    # compose file) mounted from ./volumes/api; its upstream URLs are Kong's dependencies
    (tmp_path / "volumes" / "api").mkdir(parents=True)
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n"
        "  kong:\n    image: kong:2.8.1\n    ports: [\"8000:8000\"]\n"
        "    volumes:\n      - ./volumes/api/kong.yml:/home/kong/temp.yml:ro,z\n"
        "  auth:\n    image: supabase/gotrue:v2\n    environment: {DB_HOST: db}\n"
        "  rest:\n    image: postgrest/postgrest:v12\n    environment: {PGRST_DB_URI: \"postgres://a@db:5432/p\"}\n"
        "  db:\n    image: postgres:15\n", encoding="utf-8")
    (tmp_path / "volumes" / "api" / "kong.yml").write_text(
        "_format_version: '2.1'\nservices:\n  - name: auth-v1\n    url: http://auth:9999/verify\n"
        "  - name: rest-v1\n    url: http://rest:3000/\n", encoding="utf-8")
    res = import_paths([tmp_path])
    assert {"kong->auth", "kong->rest"} <= deps(res)
    inferred = {i["id"]: i for i in res.report.inferred}
    assert inferred["kong->auth"]["confidence"] == "strong"
    # not mistaken for a compose project of its own that failed to import
    assert not any("kong.yml" in s for s in res.report.skipped + res.report.warnings)


def test_variables_named_like_hosts_and_like_choices(tmp_path):
    # Temporal's POSTGRES_SEEDS names its database; a STORAGE_BACKEND of "file" is a choice, not a host
    text = ("services:\n  temporal:\n    image: temporalio/auto-setup:1.20\n"
            "    environment: {POSTGRES_SEEDS: db, STORAGE_BACKEND: file, CACHE_SERVICE: memory, SMTP_HOST: mailer}\n"
            "  db:\n    image: postgres:15\n")
    res = import_paths([project(tmp_path, text=text)])
    assert deps(res) == {"temporal->db"}
    dangling = "\n".join(res.report.dangling)
    assert "names host mailer" in dangling  # a variable that says it holds a host, naming none of the services
    assert "host file" not in dangling and "host memory" not in dangling


def test_a_service_selecting_pods_of_another_namespace_says_so(tmp_path):
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: backend}\n"
        "spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n"
        "    spec: {containers: [{name: api, image: x/api}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: frontend}\n"
        "spec: {selector: {app: api}, ports: [{port: 80}]}\n", encoding="utf-8")
    res = import_paths([tmp_path / "app.yaml"])
    assert any("Service api (namespace frontend) selects app=api, which only workloads in namespace backend carry: "
               "a Service selects pods of its own namespace only" in d for d in res.report.dangling), res.report.dangling


TRAEFIK = """\
services:
  traefik:
    image: traefik:v3.0
    ports: ["80:80"]
  app:
    image: example/app
    labels:
      - "traefik.enable=true"
      - "traefik.http.routers.app.rule=Host(`app.example.com`)"
    environment: {DATABASE_URL: "postgres://app@db:5432/app"}
  api:
    image: example/api
    labels: {traefik.http.routers.api.rule: "Host(`api.example.com`)"}
  worker:
    image: example/worker
    labels: {traefik.enable: "false", traefik.http.routers.w.rule: "Host(`w.example.com`)"}
  db:
    image: postgres:16
"""


def test_a_proxy_that_routes_by_the_services_labels_depends_on_them(tmp_path):
    res = import_paths([project(tmp_path, text=TRAEFIK)])
    assert deps(res) == {"traefik->app", "traefik->api", "app->db"}
    c = res.review.components
    assert c["traefik"].user_facing and not c["app"].user_facing  # the proxy is the way in
    evidence = {i.element: " ".join(i.evidence) for i in res.report.dependencies}
    assert "app label traefik.http.routers.app.rule=Host(`app.example.com`): Traefik traefik routes to it" \
        in evidence["traefik->app"]


def test_services_routed_by_a_proxy_of_another_project_face_users(tmp_path):
    text = TRAEFIK.split("  app:")[0].replace("traefik:v3.0", "example/unrelated") .replace("  traefik:", "  other:") \
        + "  app:" + TRAEFIK.split("  app:")[1]
    res = import_paths([project(tmp_path, text=text)])
    c = res.review.components
    assert c["app"].user_facing and c["api"].user_facing and not c["worker"].user_facing
    assert any("app is routed by Traefik (traefik.http.routers.app.rule), which is not in these files" in r
               for r in res.report.read)


@pytest.mark.parametrize("proxy, routed", [
    ("nginxproxy/nginx-proxy:1.5", "    environment: {VIRTUAL_HOST: shop.example.com}\n"),
    ("lucaslorentz/caddy-docker-proxy:2.9", "    labels: {caddy: shop.example.com, caddy.reverse_proxy: \"{{upstreams 80}}\"}\n"),
])
def test_nginx_proxy_and_caddy_docker_proxy_routes(tmp_path, proxy, routed):
    text = (f"services:\n  proxy:\n    image: {proxy}\n    ports: [\"443:443\"]\n"
            f"  shop:\n    image: example/shop\n{routed}")
    res = import_paths([project(tmp_path, text=text)])
    assert deps(res) == {"proxy->shop"}


def test_a_traefik_ingress_route_exposes_its_services(tmp_path):
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: x/web}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n---\n"
        "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: web}\n"
        "spec:\n  entryPoints: [websecure]\n  routes:\n    - match: Host(`shop.example.com`)\n      kind: Rule\n"
        "      services: [{name: web, port: 80}]\n", encoding="utf-8")
    res = import_paths([tmp_path / "app.yaml"])
    assert res.review.components["web"].user_facing
    evidence = {i.element: " ".join(i.evidence) for i in res.report.components}
    assert "IngressRoute web routes outside traffic to Service web: user-facing" in evidence["web"]
    assert not any("IngressRoute" in s for s in res.report.skipped)


def test_a_service_in_another_services_network_stack_depends_on_it(tmp_path):
    text = ("services:\n  vpn:\n    image: qmcgaw/gluetun\n    ports: [\"8080:8080\"]\n"
            "  torrent:\n    image: linuxserver/qbittorrent\n    network_mode: \"service:vpn\"\n"
            "  other:\n    image: x/other\n    network_mode: \"service:missing\"\n")
    res = import_paths([project(tmp_path, text=text)])
    assert deps(res) == {"torrent->vpn"}
    dep = next(d for d in res.review.dependencies.values() if d.target == "vpn")
    assert dep.kind == "hard"
    assert any("other network_mode service:missing, which is not a service in these files" in d
               for d in res.report.dangling)


def test_a_cloud_providers_managed_service_in_a_structurizr_deployment_is_no_instance_spof():
    # Structurizr's own AWS example: Route 53 and an Elastic Load Balancer as infrastructure nodes
    realdata = ROOT.parent / "shared" / "realdata" / "structurizr-examples" / "amazon-web-services"
    if not realdata.exists():
        pytest.skip("shared/realdata is not beside the repository")
    from prr_app.analysis import analyze

    res = import_paths([realdata])
    c = res.review.components
    assert "managed" in c["dns-router"].tags and c["dns-router"].replicas is None
    assert "managed" in c["load-balancer"].tags
    assert c["web-application"].replicas == 1 and "managed" not in c["web-application"].tags
    keys = {(s["element"], s["element_type"]) for s in analyze(res.review).spofs}
    assert ("dns-router", "component") in keys and ("dns-router#0", "instance") not in keys
    assert ("web-application#0", "instance") in keys  # the review's own single EC2 instance


def test_compose_file_in_the_env_file_names_the_layers_of_a_checkout(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    image: x/web\n    ports: [\"80:80\"]\n    environment: {API: \"http://api:80\"}\n"
        "  api:\n    image: x/api\n", encoding="utf-8")
    (tmp_path / "docker-compose.prod.yml").write_text(
        "services:\n  api:\n    deploy: {replicas: 3}\n  cache:\n    image: redis:7\n", encoding="utf-8")
    (tmp_path / "docker-compose.debug.yml").write_text("services:\n  debugger:\n    image: x/debug\n",
                                                       encoding="utf-8")
    (tmp_path / ".env").write_text("COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n", encoding="utf-8")
    res = import_paths([tmp_path])
    c = res.review.components
    assert set(c) == {"web", "api", "cache"}  # prod merged over the base, as docker compose does
    assert c["api"].replicas == 3
    assert any("docker-compose.debug.yml: not imported: COMPOSE_FILE in the .env beside it" in s
               for s in res.report.skipped)


def test_an_address_on_the_docker_host_itself_is_said_so(tmp_path):
    text = ("services:\n  api:\n    image: x/api\n"
            "    environment: {DATABASE_URL: \"postgres://app@host.docker.internal:5432/app\"}\n")
    res = import_paths([project(tmp_path, text=text)])
    assert any("names the Docker host itself (host.docker.internal): something that runs outside these files" in d
               for d in res.report.dangling)


def test_a_caddyfile_mounted_into_caddy_gives_its_reverse_proxies(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  caddy:\n    image: caddy:2\n    ports: [\"443:443\"]\n"
        "    volumes: [\"./Caddyfile:/etc/caddy/Caddyfile\"]\n"
        "  web:\n    image: posthog/posthog\n  plugins:\n    image: posthog/plugin-server\n", encoding="utf-8")
    (tmp_path / "Caddyfile").write_text(
        "shop.example.com {\n  reverse_proxy /ingest* plugins:6738\n  reverse_proxy web:8000\n}\n", encoding="utf-8")
    res = import_paths([tmp_path])
    assert {"caddy->web", "caddy->plugins"} <= deps(res)
    assert res.review.components["caddy"].user_facing


def test_compose_file_naming_no_file_of_the_folder_leaves_the_usual_rule(tmp_path):
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: x/web\n", encoding="utf-8")
    (tmp_path / ".env").write_text("COMPOSE_FILE=../elsewhere/compose.yaml\n", encoding="utf-8")
    res = import_paths([tmp_path])
    assert set(res.review.components) == {"web"}


@pytest.mark.parametrize("scaler, replicas, said", [
    ("minReplicaCount: 3", 3, "KEDA ScaledObject api minReplicaCount 3 raises replicas from 1"),
    ("minReplicaCount: 0", 1, "scales to zero when idle"),
    ("maxReplicaCount: 10", 1, "scales to zero when idle"),  # KEDA's default floor is 0
])
def test_a_keda_scaled_object_keeps_a_floor_as_an_hpa_does(tmp_path, scaler, replicas, said):
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"
        "spec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n"
        "    spec: {containers: [{name: api, image: x/api}]}\n---\n"
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: api}\n"
        f"spec:\n  scaleTargetRef: {{name: api}}\n  {scaler}\n  triggers: [{{type: cpu, metadata: {{value: '60'}}}}]\n",
        encoding="utf-8")
    res = import_paths([tmp_path / "app.yaml"])
    comp = res.review.components["api"]
    assert comp.replicas == replicas and "autoscaled" in comp.tags
    evidence = {i.element: " ".join(i.evidence) for i in res.report.components}
    assert said in evidence["api"]
    assert not any("ScaledObject" in s for s in res.report.skipped)


def test_a_variable_left_unset_in_every_service_is_one_warning_with_its_lines(tmp_path):
    services = "".join(f"  s{i}:\n    image: ${{IMG_REPO}}/s{i}:${{IMG_TAG}}\n" for i in range(12))
    res = import_paths([project(tmp_path, text="services:\n" + services + "  db:\n    image: ${DB_IMAGE}\n")])
    unset = [w for w in res.report.warnings if "is not set" in w]
    assert len(unset) == 3, unset
    repo = next(w for w in unset if "IMG_REPO" in w)
    assert repo.startswith("docker-compose.yml:3: variable IMG_REPO is not set") and "(12 places: lines 3, 5, 7" in repo
    assert next(w for w in unset if "DB_IMAGE" in w).endswith("left empty")  # one place: as before
