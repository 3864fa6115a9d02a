"""Session 31: importing checkouts of systems the product had not seen (Yelb, FTGO, the AKS store demo):
a quoted service name with a word of its own (``"yelb-db"``) not taken for a call, a call the caller's code
names left on depends_on alone, a developer's ``localtest`` Compose file picked over the production manifests,
a stray Kubernetes manifest imported beside a Compose deployment as a system of its own, a --variant hint that
imports another file, and a review of two workspaces side by side named after the first one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.importers.evidence import _distinctive
from prr_app.importers.registry import import_paths
from prr_app.importers.repository import special_words

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


#: Yelb's one-host Compose file (deployments/localtest), its app server's code naming its hosts in quotes
YELB = {
    "deployments/localtest/docker-compose.yaml": (
        "services:\n"
        "  yelb-ui:\n    build: ../../yelb-ui\n    depends_on: [yelb-appserver]\n    ports: ['8080:80']\n"
        "  yelb-appserver:\n    build: ../../yelb-appserver\n    depends_on: [redis-server, yelb-db]\n"
        "  redis-server:\n    image: redis:4.0.2\n"
        "  yelb-db:\n    image: postgres:9.6\n    ports: ['5432:5432']\n"),
    "yelb-appserver/yelb-appserver.rb": (
        "require 'sinatra'\n"
        "configure :development do\n"
        "  set :redishost, \"redis-server\"\n"
        "  set :yelbdbhost => \"yelb-db\"\n"
        "end\n"),
    "yelb-ui/startup.sh": "#!/bin/bash\nAPPSERVER=\"yelb-appserver\"\nsed -i \"s/localhost/$APPSERVER/\" nginx.conf\n",
}


def manifests(*names: str, env: dict[str, dict[str, str]] | None = None) -> str:
    """A Deployment and a Service for each name; ``env``: a workload's environment."""
    out = []
    for n in names:
        e = "".join(f"        - {{name: {k}, value: '{v}'}}\n" for k, v in (env or {}).get(n, {}).items())
        out.append(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {n}}}\nspec:\n"
                   f"  selector: {{matchLabels: {{app: {n}}}}}\n  template:\n    metadata: {{labels: {{app: {n}}}}}\n"
                   f"    spec:\n      containers:\n      - name: {n}\n        image: shop/{n}\n"
                   + (f"        env:\n{e}" if e else "")
                   + f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {n}}}\nspec:\n  selector: {{app: {n}}}\n"
                   "  ports: [{port: 80}]\n")
    return "".join(out)


def _lines(res) -> list[str]:
    return res.report.read + res.report.warnings + res.report.skipped


# ------------------------------------------------------------------ 1. a quoted name of the project's own
def test_a_compound_name_with_a_word_of_the_projects_own_is_distinctive_and_common_words_are_not():
    assert _distinctive("yelb-db") and _distinctive("post-storage-service") and _distinctive("foo_cache")
    for common in ("db", "redis", "web", "api", "web-api", "my-db", "app-db", "api-v1", "cache", "orders"):
        assert not _distinctive(common), common


def test_a_quoted_service_name_in_the_callers_code_names_its_database(tmp_path):
    res = import_paths([write(tmp_path, YELB)])
    deps = res.review.dependencies
    assert deps["yelb-appserver->yelb-db"].kind == "hard"
    assert any("yelb-appserver.rb:4" in e and '"yelb-db"' in e for e in deps["yelb-appserver->yelb-db"].evidence)
    # nothing says its code never names yelb-db, and no line calls it soft
    assert not any("yelb-appserver -> yelb-db" in w and "soft" in w for w in _lines(res)), _lines(res)


def test_a_common_word_in_quotes_is_not_taken_for_the_service_so_named(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  agg: {build: ./agg, depends_on: [db]}\n  db: {image: 'postgres:16'}\n",
        "agg/main.py": 'TABLE = "db"\nprint(TABLE)\n',
    })
    res = import_paths([root])
    assert res.review.dependencies["agg->db"].kind == "soft"  # "db" is a word, not a sign of the call


def test_a_depends_on_the_scan_finds_no_sign_of_is_said_once_as_what_the_scan_found(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  agg: {build: ./agg, depends_on: [sqldata]}\n"
                              "  sqldata: {image: 'mcr.microsoft.com/mssql/server:2022-latest'}\n",
        "agg/Program.cs": "var app = builder.Build();\n",
    })
    res = import_paths([root])
    assert res.review.dependencies["agg->sqldata"].kind == "soft"
    about = [x for x in _lines(res) if "agg -> sqldata" in x]
    assert len(about) == 1, about  # not "recorded as hard" in one line and "recorded as soft" in another
    assert "the scan found no line naming sqldata in agg's code (1 source file read) or in the configuration" \
        in about[0] and "recorded as soft" in about[0], about
    assert "never name" not in about[0]  # the scan cannot know what the code never does


# ------------------------------------------------------------------ 2. depends_on and the caller's own code
def test_depends_on_and_a_source_literal_of_the_caller_together_make_a_call(tmp_path):
    res = import_paths([write(tmp_path, YELB)])
    dep = res.review.dependencies["yelb-ui->yelb-appserver"]
    assert dep.kind == "hard"
    assert not any("yelb-ui -> yelb-appserver rests on depends_on alone" in w for w in res.report.warnings)
    about = [x for x in _lines(res) if "yelb-ui -> yelb-appserver" in x]
    assert len(about) == 1 and "startup.sh:2" in about[0] and "recorded as hard" in about[0], about
    assert res.report.settled >= 1


# ------------------------------------------------------------------ 3. which variant, and why in words
def test_words_run_together_name_a_special_variant_and_ordinary_words_do_not():
    assert special_words("deployments/localtest (compose)") == ["localtest"]
    assert special_words("deploy/localdevelopment") == ["localdevelopment"]
    assert special_words("devlocal/k8s") == ["devlocal"]
    assert special_words("deployments/platformdeployment/Kubernetes/yaml") == []
    for word in ("latest", "devops", "production", "kindergarten", "oldenburg"):
        assert special_words(f"deploy/{word}") == [], word


def test_a_developers_local_compose_file_is_not_picked_over_the_production_manifests(tmp_path):
    files = dict(YELB)
    k8s = "deployments/platformdeployment/Kubernetes/yaml/yelb.yaml"
    files[k8s] = manifests("yelb-ui", "yelb-appserver", "redis-server", "yelb-db")
    res = import_paths([write(tmp_path, files)])
    note = next(w for w in res.report.warnings if w.startswith("variants of one deployment"))
    assert "imported deployments/platformdeployment/Kubernetes/yaml [" in note, note
    assert "localtest" in note.split("; imported ", 1)[1] and "not the production deployment" in note, note
    assert res.review.dependencies["yelb-appserver->yelb-db"]  # the code names it whichever variant is read


def test_a_bare_depends_on_does_not_count_among_the_calls_that_pick_a_variant(tmp_path):
    # the Compose file states start-up order for everything; the manifests name one call by an address
    compose = ("services:\n  web: {image: shop/web, depends_on: [orders, stock, mail]}\n"
               "  orders: {image: shop/orders, depends_on: [stock]}\n  stock: {image: shop/stock}\n"
               "  mail: {image: shop/mail}\n")
    k8s = manifests("web", "orders", "stock", "mail", env={"web": {"ORDERS_URL": "http://orders:80"}})
    res = import_paths([write(tmp_path, {"deploy/compose/docker-compose.yml": compose,
                                          "deploy/k8s/shop.yaml": k8s})], scan_source=False)
    note = next(w for w in res.report.warnings if w.startswith("variants of one deployment"))
    assert "imported deploy/k8s [" in note and "(1; deploy/compose (compose): 0;" in note, note


# ------------------------------------------------------------------ 4. a stray manifest beside a Compose deployment
def test_a_lone_manifest_of_another_platform_that_nothing_calls_is_not_a_system_of_its_own(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": (
            "services:\n"
            "  ftgo-order-service:\n    image: ftgo/order\n"
            "    environment: {SPRING_DATASOURCE_URL: 'jdbc:mysql://mysql/ftgo'}\n"
            "  ftgo-consumer-service:\n    image: ftgo/consumer\n"
            "    environment: {SPRING_DATASOURCE_URL: 'jdbc:mysql://mysql/ftgo'}\n"
            "  mysql:\n    image: mysql:5.7\n"),
        "deployment/kubernetes/stateful-services/ftgo-mysql-deployment.yml": (
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ftgo-mysql}\nspec:\n"
            "  selector: {matchLabels: {app: ftgo-mysql}}\n  template:\n    metadata: {labels: {app: ftgo-mysql}}\n"
            "    spec:\n      containers: [{name: mysql, image: 'mysql:5.7'}]\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata: {name: ftgo-mysql}\nspec:\n  selector: {app: ftgo-mysql}\n"
            "  ports: [{port: 3306}]\n"),
    })
    res = import_paths([root])
    assert "ftgo-mysql" not in res.review.components
    assert set(res.review.domains) == {"docker-host"}, res.review.domains
    said = [w for w in res.report.warnings if w.startswith("Kubernetes and Compose deployments side by side")]
    assert len(said) == 1 and "deployment/kubernetes/stateful-services" in said[0] and "not imported" in said[0], \
        res.report.warnings
    # asked for, it is read
    res = import_paths([root], variant="deployment/kubernetes/stateful-services")
    assert "ftgo-mysql" in res.review.components


def test_a_manifest_of_a_service_the_compose_file_does_not_deploy_stays_and_the_two_platforms_are_said(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  web: {image: x/web, environment: {DB_HOST: db}}\n"
                              "  db: {image: 'postgres:16'}\n",
        "tools/prober.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: prober}\nspec:\n"
            "  selector: {matchLabels: {app: prober}}\n  template:\n    metadata: {labels: {app: prober}}\n"
            "    spec:\n      containers: [{name: prober, image: 'x/prober'}]\n"),
    })
    res = import_paths([root], scan_source=False)
    assert "prober" in res.review.components
    said = [w for w in res.report.warnings if "Compose and Kubernetes deployments side by side" in w]
    assert len(said) == 1 and "Compose: . (compose); Kubernetes: tools" in said[0], res.report.warnings


# ------------------------------------------------------------------ 5. a --variant hint imports what it names
def test_the_variant_hint_for_a_compose_file_in_a_folder_names_that_file(tmp_path):
    compose = "services:\n  {a}: {{image: x/{a}, environment: {{B_URL: 'http://{b}:80'}}}}\n  {b}: {{image: x/{b}}}\n"
    root = write(tmp_path, {
        "docker-compose.yml": compose.format(a="order-service", b="rabbitmq") + "  web: {image: x/web}\n"
                              "  mail: {image: x/mail}\n",
        "src/order-service/docker-compose.yml": compose.format(a="order-service", b="rabbitmq")
        + "  sub: {image: x/sub}\n",
    })
    res = import_paths([root])
    hints = [s for s in res.report.skipped if "pass --variant" in s]
    assert any("src/order-service (compose)" in h and "pass --variant src/order-service/docker-compose.yml to" in h
               for h in hints), hints
    again = import_paths([root], variant="src/order-service/docker-compose.yml")
    assert "sub" in again.review.components  # the hint reads the file it names, not the one at the top


# ------------------------------------------------------------------ 6. several systems: the folder's name
@pytest.mark.skipif(not (REALDATA / "structurizr-examples").is_dir(), reason="realdata not here")
def test_two_workspaces_side_by_side_are_named_after_their_folder(tmp_path):
    root = tmp_path / "structurizr-examples"
    shutil.copytree(REALDATA / "structurizr-examples", root)
    res = import_paths([root])
    assert any("2 systems that do not call each other" in w for w in res.report.warnings)
    assert res.review.meta.system_name == "structurizr-examples"
    one = import_paths([root / "amazon-web-services"])
    assert one.review.meta.system_name == "Amazon Web Services Example"  # one workspace: its own name
