"""Session 30: a Structurizr container that is an app on its users' devices (a single-page app, a
mobile or desktop app) is tagged client by what it is, not only when a deployment view puts it on a
user's device (docs/importers.md, "Structurizr DSL"; docs/analysis.md section 2)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from prr_app.importers.registry import import_paths
from prr_app.importers.structurizr import read_structurizr, read_structurizr_json
from prr_app.review.provenance import evidence_of

REAL = Path("/work/shared/realdata/structurizr-examples")

# the shapes C4 models use: the big bank's tags ("Web Browser", "Mobile App") and technologies, a
# React/Angular/iOS/Android container with no tag, and server-side web apps that must stay servers
DSL = """workspace {
    model {
        customer = person "Customer"
        bank = softwareSystem "Bank" {
            web = container "Web Application" "Delivers the static content and the single page application" "Java and Spring MVC"
            spa = container "Single-Page Application" "Banking in the browser" "JavaScript and Angular" "Web Browser"
            mobile = container "Mobile App" "Banking on the phone" "Xamarin" "Mobile App"
            ios = container "Shop iPhone" "" "Swift and iOS"
            droid = container "Shop Droid" "" "Kotlin and Android"
            ui = container "UI" "" "TypeScript and React"
            ssr = container "Storefront" "" "Next.js (React)"
            api = container "API Application" "" "Java and Spring Boot"
            db = container "Database" "" "Oracle" "Database"
            web -> spa "Delivers to the customer's web browser"
            spa -> api "Makes API calls to" "JSON/HTTPS"
            mobile -> api "Makes API calls to" "JSON/HTTPS"
            ios -> api "Calls"
            droid -> api "Calls"
            ui -> api "Calls"
            ssr -> api "Calls"
            api -> db "Reads from and writes to" "JDBC"
        }
        customer -> web "Visits"
        customer -> spa "Uses"
        customer -> mobile "Uses"
        customer -> ui "Uses"
        customer -> ssr "Uses"
    }
}
"""

CLIENTS = {"single-page-application": "its tag 'Web Browser'", "mobile-app": "its tag 'Mobile App'",
           "shop-iphone": "its technology 'Swift and iOS'", "shop-droid": "its technology 'Kotlin and Android'",
           "ui": "its technology 'TypeScript and React'"}
SERVERS = ("web-application", "storefront", "api-application", "database")


def _check(res) -> None:
    comps = res.review.components
    for cid, why in CLIENTS.items():
        c = comps[cid]
        assert "client" in c.tags, cid
        assert c.replicas is None and c.placement == [], cid
        said = [r for r in res.report.read if "runs on its users' devices" in r and f"({why})" in r]
        assert len(said) == 1, (cid, res.report.read)
        assert any(why in e and "tagged client" in e for e in evidence_of(res.review, cid)[1]), cid
    for cid in SERVERS:
        assert "client" not in comps[cid].tags, cid
    # journeys still enter through the app, and its calls keep their meaning
    assert comps["single-page-application"].user_facing
    assert res.review.dependencies["single-page-application->api-application"].kind == "hard"


def test_dsl_apps_on_users_devices_are_tagged_client_by_their_tags_and_technology(tmp_path):
    p = tmp_path / "workspace.dsl"
    p.write_text(DSL, encoding="utf-8")
    _check(read_structurizr([p]))


def test_json_workspace_tags_the_same_apps_client(tmp_path):
    def c(i, name, tech, tags=""):
        return {"id": i, "name": name, "technology": tech, "tags": "Element,Container" + (f",{tags}" if tags else "")}
    containers = [c("1", "Web Application", "Java and Spring MVC"), c("2", "Single-Page Application",
                  "JavaScript and Angular", "Web Browser"), c("3", "Mobile App", "Xamarin", "Mobile App"),
                  c("4", "Shop iPhone", "Swift and iOS"), c("5", "Shop Droid", "Kotlin and Android"),
                  c("6", "UI", "TypeScript and React"), c("7", "Storefront", "Next.js (React)"),
                  c("8", "API Application", "Java and Spring Boot"), c("9", "Database", "Oracle", "Database")]
    rels = {"1": ["2"], "2": ["8"], "3": ["8"], "4": ["8"], "5": ["8"], "6": ["8"], "7": ["8"], "8": ["9"]}
    for d in containers:
        d["relationships"] = [{"id": f"r{d['id']}{t}", "sourceId": d["id"], "destinationId": t,
                               "description": "Delivers to the customer's web browser" if d["id"] == "1" else "Calls"}
                              for t in rels.get(d["id"], [])]
    person = {"id": "p", "name": "Customer", "relationships": [
        {"id": f"rp{t}", "sourceId": "p", "destinationId": t, "description": "Uses"} for t in ("1", "2", "3", "6", "7")]}
    data = {"name": "Bank", "model": {"people": [person], "softwareSystems": [
        {"id": "s", "name": "Bank", "containers": containers}]}}
    p = tmp_path / "workspace.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    _check(read_structurizr_json([p]))


def test_an_app_the_deployment_view_places_on_servers_keeps_its_instances(tmp_path):
    p = tmp_path / "workspace.dsl"
    p.write_text("""workspace {
    model {
        u = person "User"
        s = softwareSystem "S" {
            spa = container "UI" "" "JavaScript and React" "Single Page Application"
            api = container "API" "" "Go"
            spa -> api "Calls"
        }
        u -> spa "Uses"
        deploymentEnvironment "Live" {
            deploymentNode "web" "" "Ubuntu" "" 2 {
                containerInstance spa
            }
            deploymentNode "app" "" "Ubuntu" {
                containerInstance api
            }
        }
    }
}
""", encoding="utf-8")
    res = read_structurizr([p])
    ui = res.review.components["ui"]
    assert "client" not in ui.tags and ui.replicas == 2
    assert any("places it on servers" in r and "not tagged client" in r for r in res.report.read)


@pytest.mark.skipif(not (REAL / "microservices").is_dir(), reason="realdata not here")
def test_realdata_microservices_spa_is_client_software_not_a_server_to_replicate():
    from prr_app.analysis.engine import analyze  # noqa: PLC0415 - the analysis reads the tag

    res = import_paths([REAL / "microservices"])
    ui = res.review.components["ui"]
    assert "client" in ui.tags and ui.replicas is None
    assert any("'UI' runs on its users' devices (its tag 'Single Page Application')" in r for r in res.report.read)
    assert "client" not in res.review.components["web-server"].tags
    text = analyze(res.review).to_json().decode().lower()
    assert "second replica of ui" not in text and "staged-rollout" in text
